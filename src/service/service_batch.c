/*
 * Bulk create: ptr_ctx_create's rules over many requests in one write
 * transaction. An import of thousands of lines then costs a handful of
 * commits (each one a file sync in SQLite) instead of one per line, and the
 * quota and per-region uniqueness stay exact: the owner's count is read once
 * inside the transaction that holds the write lock, then grows with each
 * insert, and the store's own reads see the batch's earlier inserts, so a
 * duplicate inside the batch is refused like one already stored.
 *
 * The per-request steps (check, fill, exists/quota/insert) are the ones
 * ptr_ctx_create uses (service.c), so a batch cannot drift from a single
 * create.
 */
#include <string.h>

#include "service/service_internal.h"

typedef struct batch_arg {
    const ptr_scope *scope;
    ptr_record *const *recs; /* NULL for a request that failed before the transaction */
    size_t n;
    unsigned flags;
    ptr_status *results;
    ptr_error *errs;
    ptr_record *scratch;
    uint64_t limit;
    ptr_status invalid; /* the first validation failure, or PTR_OK */
    size_t created;
    int rolled_back; /* all-or-nothing gave up because an item failed */
} batch_arg;

static ptr_error *err_at(ptr_error *errs, size_t i)
{
    return errs ? &errs[i] : NULL;
}

/* Runs again from the start after PTR_E_BUSY, so it resets all it reports. */
static ptr_status batch_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    batch_arg *a = p;
    a->created = 0;
    a->rolled_back = 0;
    uint64_t used;
    ptr_status st = ptr__owner_count(c, txn, &a->scope->owner, &used);
    if (st != PTR_OK)
        return st;
    ptr_status first = a->invalid;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->recs[i])
            continue;
        ptr_error *e = err_at(a->errs, i);
        if (e)
            ptr_error_clear(e);
        st = ptr__create_step(c, txn, a->recs[i], a->scratch, &used, a->limit, e);
        a->results[i] = st;
        if (st == PTR_OK) {
            a->created++;
            continue;
        }
        /* Anything but a rule's answer is the store failing: the whole batch fails. */
        if (st != PTR_E_EXISTS && st != PTR_E_QUOTA)
            return st;
        if (first == PTR_OK)
            first = st;
    }
    if ((a->flags & PTR_CREATE_ALL_OR_NOTHING) && first != PTR_OK) {
        a->rolled_back = 1;
        a->created = 0;
        /*
         * Roll back. Any status but PTR_OK and PTR_E_BUSY does that without a
         * retry (first itself may be PTR_E_BUSY, from a hook); the caller reads
         * the items' own statuses, not this one.
         */
        return PTR_E_CONFLICT;
    }
    return PTR_OK;
}

/* Every result (and error) says the batch as a whole failed with st. */
static ptr_status fail_all(ptr_status *results, ptr_error *errs, size_t n, size_t from,
                           ptr_status st, const ptr_error *why)
{
    for (size_t i = from; i < n; i++) {
        results[i] = st;
        if (errs) {
            if (why)
                errs[i] = *why;
            else
                ptr__fail(&errs[i], st, PTR_FIELD_NONE, 0, 0,
                          st == PTR_E_NOMEM ? "out of memory" : "invalid batch");
        }
    }
    return st;
}

/* The batch failed as a whole: each request that reached the transaction gets why. */
static void fail_valid(const batch_arg *a, ptr_status st, const ptr_error *why)
{
    for (size_t i = 0; i < a->n; i++) {
        if (!a->recs[i])
            continue;
        a->results[i] = st;
        if (a->errs)
            a->errs[i] = *why;
    }
}

ptr_status ptr_ctx_create_many(ptr_ctx *c, const ptr_scope *scope, const ptr_request *reqs,
                               size_t n, unsigned flags, ptr_status *results, ptr_error *errs,
                               size_t *created)
{
    if (created)
        *created = 0;
    if (n == 0)
        return PTR_OK;
    if (!results)
        return PTR_E_INVAL;
    if (!c || !reqs || (flags & ~PTR_CREATE_ALL_OR_NOTHING))
        return fail_all(results, errs, n, 0, PTR_E_INVAL, NULL);
    ptr_error scope_err;
    ptr_status st = ptr__scope_check(scope, 1, &scope_err);
    if (st != PTR_OK)
        return fail_all(results, errs, n, 0, st, &scope_err);

    const ptr_allocator *al = ptr__ctx_allocator(c);
    if (n > SIZE_MAX / sizeof(ptr_record *))
        return fail_all(results, errs, n, 0, PTR_E_NOMEM, NULL);
    ptr_record **recs = al->malloc(al->ctx, n * sizeof *recs);
    if (!recs)
        return fail_all(results, errs, n, 0, PTR_E_NOMEM, NULL);
    memset(recs, 0, n * sizeof *recs);
    ptr_record *scratch = NULL;

    /* Validate and prepare every request before taking any lock. */
    batch_arg a = {scope, recs, n, flags, results, errs, NULL, 0, PTR_OK, 0, 0};
    const int64_t t = ptr__ctx_now(c);
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        ptr_error *e = err_at(errs, i);
        if (e)
            ptr_error_clear(e);
        ptr_addr addr;
        st = ptr__create_check(c, scope, &reqs[i], &addr, e);
        if (st == PTR_OK) {
            if (ptr_record_new(al, &recs[i]) != PTR_OK) {
                st = PTR_E_NOMEM;
                goto nomem;
            }
            st = ptr__create_fill(c, scope, &reqs[i], &addr, t, recs[i], e);
            if (st == PTR_E_NOMEM)
                goto nomem;
        }
        results[i] = st;
        if (st != PTR_OK) {
            ptr_record_free(recs[i]);
            recs[i] = NULL;
            if (a.invalid == PTR_OK)
                a.invalid = st;
            continue;
        }
        valid++;
    }
    if (valid == 0) {
        st = a.invalid;
        goto done;
    }
    if (ptr_record_new(al, &scratch) != PTR_OK) {
        st = PTR_E_NOMEM;
        goto nomem;
    }
    a.scratch = scratch;
    a.limit = ptr__quota_limit(c, &scope->owner);

    ptr_error whole;
    ptr_error_clear(&whole);
    st = ptr__run_txn(c, PTR_TXN_WRITE, batch_body, &a, &whole);
    if (st != PTR_OK && !a.rolled_back) {
        fail_valid(&a, st, &whole);
        a.created = 0;
        goto done;
    }
    /* Each request reported its own status: return the first failure, in request order. */
    st = PTR_OK;
    for (size_t i = 0; i < n && st == PTR_OK; i++)
        st = results[i];
    if (a.rolled_back)
        a.created = 0;
    goto done;
nomem:
    /* Memory ran out before any transaction: nothing was created. */
    fail_all(results, errs, n, 0, PTR_E_NOMEM, NULL);
    a.created = 0;
done:
    if (created)
        *created = a.created;
    for (size_t i = 0; i < n; i++)
        ptr_record_free(recs[i]);
    ptr_record_free(scratch);
    al->free(al->ctx, recs);
    return st;
}
