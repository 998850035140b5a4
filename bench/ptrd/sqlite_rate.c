/*
 * The SQLite store's own create rate, the figure PATCH on SQLite is compared
 * with: ptr_ctx_create, one transaction each, into a fresh file opened as
 * ptrd opens it, records of distinct owners (so no quota stops it).
 *   ptrd_sqlite_rate DBFILE N   -> prints "creates/s"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libptr/libptr.h>
#include <libptr/sqlite.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ptrd_sqlite_rate DBFILE N\n");
        return 2;
    }
    unsigned n = (unsigned)atoi(argv[2]);
    ptr_policy pol;
    ptr_policy_init(&pol);
    ptr_sqlite_options so;
    ptr_sqlite_options_init(&so);
    so.policy = &pol;
    ptr_store *st = NULL;
    ptr_ctx *ctx = NULL;
    ptr_error err;
    if (ptr_sqlite_store_open(argv[1], strlen(argv[1]), &so, &st, &err) != PTR_OK) {
        fprintf(stderr, "ptrd_sqlite_rate: %s\n", err.message);
        return 1;
    }
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = st;
    cfg.policy = &pol;
    if (ptr_ctx_new(&cfg, &ctx, &err) != PTR_OK)
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned ok = 0;
    for (unsigned i = 0; i < n; i++) {
        char addr[32], owner[32];
        snprintf(addr, sizeof addr, "100.%u.%u.%u", 64 + (i >> 16) % 64, (i >> 8) & 255, i & 255);
        snprintf(owner, sizeof owner, "owner-%u", i);
        ptr_text name = {"bench.example.com", 17};
        ptr_request req;
        ptr_request_init(&req);
        req.address = (ptr_text){addr, strlen(addr)};
        req.names = &name;
        req.name_count = 1;
        ptr_scope sc = {{"eu-de", 5}, {"proj-a", 6}, {owner, strlen(owner)}};
        ok += ptr_ctx_create(ctx, &sc, &req, NULL, NULL) == PTR_OK;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (ok != n) {
        fprintf(stderr, "ptrd_sqlite_rate: %u of %u creates failed\n", n - ok, n);
        return 1;
    }
    printf("%.0f\n", n / s);
    ptr_ctx_free(ctx);
    ptr_store_free(st);
    return 0;
}
