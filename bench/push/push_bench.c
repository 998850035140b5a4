/*
 * bench/push/run.sh's libptr side: N pending records in a memory store,
 * then one ptr_push_sync into the server of a push configuration, timed.
 * Prints "records N seconds S messages M active A".
 *   push_bench CONFIG N
 * Addresses are 198.18.X.Y (RFC 2544's benchmarking range), 250 per /24,
 * named host-I.bench.example.net, TTL 300, as run.sh's knsupdate script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libptr/libptr.h>
#include <libptr/push.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what, ptr_status st, const ptr_error *err)
{
    fprintf(stderr, "push_bench: %s: %s: %s\n", what, ptr_status_name(st), err->message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: push_bench CONFIG N\n");
        return 2;
    }
    const long n = atol(argv[2]);
    ptr_error err;
    ptr_error_clear(&err);
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_record *rec;
    ptr_status st = ptr_memstore_new(NULL, &store);
    if (st != PTR_OK)
        return die("memory store", st, &err);
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.max_records_per_owner = (uint32_t)n + 1;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = store;
    cfg.policy = &pol;
    if ((st = ptr_ctx_new(&cfg, &ctx, &err)) != PTR_OK || (st = ptr_record_new(NULL, &rec)))
        return die("context", st, &err);
    const ptr_scope scope = {{"bench", 5}, {"p", 1}, {"o", 1}};
    for (long i = 0; i < n; i++) {
        char addr[32], name[64];
        snprintf(addr, sizeof addr, "198.18.%ld.%ld", i / 250, 1 + i % 250);
        snprintf(name, sizeof name, "host-%ld.bench.example.net", i);
        ptr_text nm = {name, strlen(name)};
        ptr_request r;
        ptr_request_init(&r);
        r.address = (ptr_text){addr, strlen(addr)};
        r.names = &nm;
        r.name_count = 1;
        r.ttl = 300;
        r.flags |= PTR_REQUEST_TTL;
        if ((st = ptr_ctx_create(ctx, &scope, &r, rec, &err)) != PTR_OK)
            return die(addr, st, &err);
    }
    ptr_push_config *pc;
    if ((st = ptr_push_config_load(argv[1], &pc, &err)) != PTR_OK)
        return die(argv[1], st, &err);
    ptr_push *p;
    if ((st = ptr_push_new(pc, NULL, &p, &err)) != PTR_OK)
        return die("pusher", st, &err);
    ptr_push_report rep;
    const double t0 = now();
    st = ptr_push_sync(p, ctx, "bench", 5, NULL, NULL, &rep, &err);
    const double secs = now() - t0;
    if (st != PTR_OK)
        return die("sync", st, &err);
    printf("records %zu seconds %.3f messages %zu active %zu\n", rep.changes, secs, rep.messages,
           rep.active);
    ptr_push_free(p);
    ptr_push_config_free(pc);
    ptr_record_free(rec);
    ptr_ctx_free(ctx);
    ptr_store_free(store);
    return rep.active == (size_t)n ? 0 : 1;
}
