/*
 * A stand-in for a pusher in the tests of ptrctl, ptrd and the Python
 * binding: it answers every pending change of a region of an SQLite database
 * (or a PostgreSQL one, given as a postgresql:// URI, when built with
 * libptr-pg) as a name server would, through the same calls a pusher makes
 * (ptr_ctx_pending, then ptr_ctx_dns_results), so the status the programs
 * show comes from the library's own lifecycle, not from rows written by hand.
 *
 *   dns_answer DB|postgresql://URI REGION active|error|sent [REASON]
 *
 * active: a server confirmed each change (a deleted record is then gone);
 * error: a server refused each one, REASON saying why; sent: each was sent
 * and no answer came (the records are then marked as in DNS, so a delete
 * waits as PENDING_DELETE). Prints how many were answered; exit 0, or 1 with
 * the library's reason on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/libptr.h>
#include <libptr/sqlite.h>
#ifdef DNS_ANSWER_HAVE_PG
#include <libptr/pg.h>
#endif

typedef struct pending {
    ptr_dns_result *res;
    size_t n, cap;
} pending;

static int collect(void *user, const ptr_dns_change *ch)
{
    pending *p = user;
    if (p->n == p->cap) {
        const size_t cap = p->cap ? 2 * p->cap : 64;
        ptr_dns_result *r = realloc(p->res, cap * sizeof *r);
        if (!r)
            return 1;
        p->res = r;
        p->cap = cap;
    }
    ptr_dns_result *r = &p->res[p->n++];
    memset(r, 0, sizeof *r);
    r->addr = *ptr_record_address(ch->record);
    r->revision = ptr_record_revision(ch->record);
    return 0;
}

static int failed(const char *what, ptr_status st, const ptr_error *err)
{
    fprintf(stderr, "dns_answer: %s: %s: %s\n", what, ptr_status_name(st),
            err->message[0] ? err->message : ptr_strerror(st));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: dns_answer DB REGION active|error|sent [REASON]\n");
        return 2;
    }
    ptr_dns_status status;
    if (strcmp(argv[3], "active") == 0)
        status = PTR_DNS_ACTIVE;
    else if (strcmp(argv[3], "error") == 0)
        status = PTR_DNS_ERROR;
    else if (strcmp(argv[3], "sent") == 0)
        status = PTR_DNS_PENDING_UPDATE;
    else {
        fprintf(stderr, "dns_answer: the answer is active, error or sent, not '%s'\n", argv[3]);
        return 2;
    }
    const char *reason = argc == 5 ? argv[4] : "";
    ptr_error err;
    ptr_error_clear(&err);
    ptr_store *store = NULL;
    ptr_status st;
    const char *db = argv[1];
    if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0) {
#ifdef DNS_ANSWER_HAVE_PG
        st = ptr_pg_store_open(db, strlen(db), 0, &store, &err);
#else
        fprintf(stderr, "dns_answer: built without libptr-pg: cannot open %s\n", db);
        return 2;
#endif
    } else {
        ptr_sqlite_options o;
        ptr_sqlite_options_init(&o);
        o.flags &= ~(uint32_t)PTR_SQLITE_CREATE;
        st = ptr_sqlite_store_open(db, strlen(db), &o, &store, &err);
    }
    if (st != PTR_OK)
        return failed("open", st, &err);
    ptr_policy policy;
    ptr_policy_init(&policy);
    policy.options |= PTR_POLICY_IPV6;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = store;
    cfg.policy = &policy;
    ptr_ctx *ctx = NULL;
    st = ptr_ctx_new(&cfg, &ctx, &err);
    pending p = {NULL, 0, 0};
    const size_t rlen = strlen(argv[2]);
    if (st == PTR_OK)
        st = ptr_ctx_pending(ctx, argv[2], rlen, NULL, 0, collect, &p, &err);
    for (size_t i = 0; i < p.n; i++) {
        p.res[i].status = status;
        p.res[i].reason = (ptr_text){reason, strlen(reason)};
    }
    if (st == PTR_OK)
        st = ptr_ctx_dns_results(ctx, argv[2], rlen, p.res, p.n, &err);
    size_t applied = 0;
    for (size_t i = 0; st == PTR_OK && i < p.n; i++)
        applied += (size_t)p.res[i].applied;
    free(p.res);
    ptr_ctx_free(ctx);
    ptr_store_free(store);
    if (st != PTR_OK)
        return failed("answer", st, &err);
    printf("%zu answered\n", applied);
    return 0;
}
