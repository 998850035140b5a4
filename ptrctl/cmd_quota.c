/*
 * quota: how many records the owner has and may have (in the whole
 * database); --set N / --clear change the owner's own limit, which the
 * database keeps so every process sharing it enforces the same quota;
 * --list shows every owner that has one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptrctl.h"

/* The largest limit the library takes (ptr_ctx_set_owner_quota's uint32_t). */
#define QUOTA_MAX 4294967295u

typedef struct limit_list {
    ptrctl *c;
    FILE *out; /* the listing, printed only once it is complete */
    ptr_store_txn *txn;
    size_t n;
    ptr_status st; /* a count that failed */
} limit_list;

static int list_one(void *ctx, const char *owner, size_t owner_len, uint64_t limit)
{
    limit_list *l = ctx;
    uint64_t used = 0;
    const ptr_status st = ptr_store_count_owner(l->c->store, l->txn, owner, owner_len, &used);
    if (st != PTR_OK) {
        l->st = st;
        return 1;
    }
    if (l->c->json) {
        fputs(l->n ? ", {\"owner\": " : "{\"owner\": ", l->out);
        jwrite_text(l->out, owner, owner_len);
        fprintf(l->out, ", \"used\": %" PRIu64 ", \"limit\": %" PRIu64 "}", used, limit);
    } else {
        fprintf(l->out, "%-32.*s %10" PRIu64 " %10" PRIu64 "\n", (int)owner_len, owner, used,
                limit);
    }
    l->n++;
    return 0;
}

/* Every owner with a limit of its own, in one read transaction. */
static int quota_list(ptrctl *c)
{
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    if (!out)
        return ptrctl_system(c, "cannot list", "the owners' limits");
    ptr_store_txn *txn = NULL;
    ptr_status st = ptr_store_begin(c->store, PTR_TXN_READ, &txn);
    limit_list l = {c, out, txn, 0, PTR_OK};
    if (st == PTR_OK) {
        st = ptr_store_owner_limit_scan(c->store, txn, list_one, &l);
        if (st == PTR_OK)
            st = l.st;
        ptr_store_rollback(c->store, txn);
    }
    const int io = fclose(out);
    if (st == PTR_OK && io != 0)
        st = PTR_E_NOMEM;
    if (st != PTR_OK) {
        free(text);
        ptr_error err;
        ptr_error_clear(&err);
        err.status = st;
        snprintf(err.message, sizeof err.message, "%s",
                 st == PTR_E_UNSUPPORTED ? "this database keeps no per-owner limits"
                                         : "cannot read the owners' limits");
        return ptrctl_fail(c, st, &err);
    }
    if (c->json) {
        printf("{\"limits\": [%s]}\n", text);
    } else {
        printf("%-32s %10s %10s\n", "OWNER", "USED", "LIMIT");
        fputs(text, stdout);
        if (l.n == 0)
            printf("(no owner has a limit of its own: each has the policy's)\n");
    }
    free(text);
    return PTRCTL_EXIT_OK;
}

int cmd_quota(ptrctl *c, int argc, char **argv)
{
    const char *set = NULL;
    int clear = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_flag(argv[i], "--clear"))
            clear = 1;
        else if (cli_flag(argv[i], "--list"))
            list = 1;
        else if ((r = cli_opt(c, argc, argv, &i, "--set", &v)) > 0)
            set = v;
        else if (r < 0)
            return PTRCTL_EXIT_USAGE;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_unknown(c, argv[i]);
        else
            return ptrctl_usage(
                c, "unexpected argument '%s' (the owner is --owner, before the command)", argv[i]);
    }
    if ((set != NULL) + clear + list > 1)
        return ptrctl_usage(c, "--set, --clear and --list go one at a time");
    uint32_t limit = 0;
    if (set) {
        const int rc = cli_count(c, "--set", set, QUOTA_MAX, &limit);
        if (rc)
            return rc;
    }
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    if (list)
        return quota_list(c);
    ptr_error err;
    ptr_error_clear(&err);
    ptr_status st = PTR_OK;
    if (set)
        st = ptr_ctx_set_owner_quota(c->ctx, c->owner, strlen(c->owner), limit, &err);
    else if (clear)
        st = ptr_ctx_clear_owner_quota(c->ctx, c->owner, strlen(c->owner), &err);
    if (st == PTR_E_NOT_FOUND && !err.message[0])
        snprintf(err.message, sizeof err.message,
                 "owner '%s' has no limit of its own (the policy's applies)", c->owner);
    if (st != PTR_OK)
        return ptrctl_fail(c, st, &err);
    uint64_t used = 0, lim = 0;
    st = ptr_ctx_quota(c->ctx, c->owner, strlen(c->owner), &used, &lim, &err);
    if (st != PTR_OK)
        return ptrctl_fail(c, st, &err);
    if (c->json) {
        fputs("{\"owner\": ", stdout);
        jwrite_cstr(stdout, c->owner);
        printf(", \"used\": %" PRIu64 ", \"limit\": %" PRIu64 "}\n", used, lim);
    } else {
        printf("owner %s: %" PRIu64 " of %" PRIu64 " PTR records used\n", c->owner, used, lim);
    }
    return PTRCTL_EXIT_OK;
}
