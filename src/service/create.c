/*
 * Create, one record or a batch, with one sequence for both:
 *
 *   outside any transaction: check the request, authorize, fill the record
 *   (normalized names), confirm the names forward when the policy asks;
 *   in one write transaction begun with its keys (region + addresses, owner):
 *   the owner's limit, then ptr_store_insert_checked per record, commit.
 *
 * ptr_store_insert_checked is the store's own one-call create when it has
 * one, else count -> insert (and get only at the limit, so that EXISTS is
 * reported before QUOTA). A batch is one transaction: an import of
 * thousands of lines costs a handful of commits instead of one per line,
 * and the store's reads see the batch's earlier inserts, so a duplicate
 * inside the batch is refused like one already stored.
 */
#include <string.h>

#include "service/service_internal.h"

/* The record of a create, every field from the request; only memory can fail. */
static ptr_status fill(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                       const ptr_addr *addr, int64_t t, ptr_record *rec, ptr_error *err)
{
    size_t text = scope->region.len + scope->project.len + scope->owner.len + req->description.len;
    for (size_t i = 0; i < req->name_count; i++)
        text += req->names[i].len + 1; /* normalized: one trailing dot */
    for (size_t i = 0; i < req->tag_count; i++)
        text += req->tags[i].key_len + req->tags[i].value_len;
    ptr_record_reset(rec);
    ptr_status st = ptr_record_reserve(rec, text, req->name_count, req->tag_count);
    if (st == PTR_OK)
        st = ptr_record_set_region(rec, scope->region.s, scope->region.len);
    if (st == PTR_OK)
        st = ptr_record_set_project(rec, scope->project.s, scope->project.len);
    if (st == PTR_OK)
        st = ptr_record_set_owner(rec, scope->owner.s, scope->owner.len);
    if (st == PTR_OK)
        st = ptr_record_set_description(rec, req->description.s, req->description.len);
    if (st == PTR_OK)
        st = ptr__put_names(rec, req);
    for (size_t i = 0; st == PTR_OK && i < req->tag_count; i++) {
        const ptr_tag *tg = &req->tags[i];
        st = ptr_record_add_tag(rec, tg->key, tg->key_len, tg->value, tg->value_len);
    }
    if (st != PTR_OK)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    ptr_record_set_address(rec, addr);
    ptr_record_set_ttl(rec, ptr__ttl_of(c, req));
    ptr_record_set_revision(rec, 1);
    ptr_record_set_created(rec, t);
    ptr_record_set_updated(rec, t);
    ptr_record_set_dns_status(rec, PTR_DNS_PENDING_CREATE);
    ptr_record_set_dns_action(rec, PTR_ACTION_CREATE);
    return ptr__forward_confirm(c, rec, err);
}

ptr_status ptr__create_prepare(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                               int64_t t, ptr_addr *addr, ptr_record *rec, ptr_error *err)
{
    ptr_status st = ptr_request_check(req, ptr__ctx_policy(c), addr, err);
    if (st == PTR_OK)
        st = ptr__authorize(c, scope, addr, err, 0);
    if (st == PTR_OK)
        st = fill(c, scope, req, addr, t, rec, err);
    return st;
}

/*
 * The address holds a deleted record that DNS still answers (PENDING_DELETE):
 * the create takes its place. Its revision goes on from the deleted one's, and
 * the record stays marked as in DNS, since the servers may still answer the
 * old names until the create is pushed. The owner's count gains one only
 * when the deleted record was another owner's.
 */
static ptr_status supersede(ptr_ctx *c, ptr_store_txn *txn, ptr_record *rec, uint64_t limit,
                            ptr_record *old)
{
    ptr_store *s = ptr__ctx_store(c);
    size_t rlen, olen, nlen;
    const char *region = ptr_record_region(rec, &rlen);
    ptr_status st = ptr_store_get(s, txn, region, rlen, ptr_record_address(rec), old);
    if (st != PTR_OK)
        return st == PTR_E_NOT_FOUND ? PTR_E_EXISTS : st; /* cannot happen inside the txn */
    if (!ptr__is_deleted(old))
        return PTR_E_EXISTS;
    const char *oo = ptr_record_owner(old, &olen), *no = ptr_record_owner(rec, &nlen);
    if (olen != nlen || memcmp(oo, no, nlen) != 0) {
        uint64_t used;
        if ((st = ptr_store_count_owner(s, txn, no, nlen, &used)) != PTR_OK)
            return st;
        if (used >= limit)
            return PTR_E_QUOTA;
    }
    ptr_record_set_revision(rec, ptr_record_revision(old) + 1);
    ptr_record_set_in_dns(rec, 1);
    return ptr_store_replace(s, txn, rec);
}

ptr_status ptr__create_insert(ptr_ctx *c, ptr_store_txn *txn, ptr_record *rec, uint64_t limit,
                              ptr_error *err)
{
    /* A run after PTR_E_BUSY starts over: undo what a supersede set. */
    ptr_record_set_revision(rec, 1);
    ptr_record_set_in_dns(rec, 0);
    ptr_status st = ptr_store_insert_checked(ptr__ctx_store(c), txn, rec, limit);
    if (st == PTR_E_EXISTS) {
        ptr_record *old;
        if ((st = ptr__record_make(c, &old, err)) != PTR_OK)
            return st;
        st = supersede(c, txn, rec, limit, old);
        ptr_record_free(old);
    }
    if (st == PTR_E_EXISTS)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, 0, 0,
                         "the address already has a PTR record in this region");
    if (st == PTR_E_QUOTA)
        return ptr__failn(err, st, PTR_FIELD_OWNER, 0, 0,
                          "the owner has used its quota of %u PTR records", limit);
    return st;
}

typedef struct create_arg {
    const ptr_scope *scope;
    ptr_record *const *recs; /* NULL for a request that failed before the transaction */
    size_t n;
    unsigned flags;
    ptr_status *results;
    ptr_error *errs;
    int single;  /* ptr_ctx_create: the error goes to the caller's err */
    int invalid; /* a request failed its checks before the transaction */
    size_t created;
    int gave_up; /* all-or-nothing rolled back because a request failed a rule */
} create_arg;

static ptr_error *err_at(ptr_error *errs, size_t i)
{
    return errs ? &errs[i] : NULL;
}

/* Runs again from the start after PTR_E_BUSY, so it resets all it reports. */
static ptr_status create_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    create_arg *a = p;
    a->created = 0;
    a->gave_up = 0;
    uint64_t limit;
    ptr_status st = ptr__owner_limit(c, txn, a->scope->owner, &limit);
    if (st != PTR_OK)
        return st;
    int refused = a->invalid;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->recs[i])
            continue;
        ptr_error *e = a->single ? err : err_at(a->errs, i);
        st = ptr__create_insert(c, txn, a->recs[i], limit, e);
        a->results[i] = st;
        if (st == PTR_OK) {
            a->created++;
            continue;
        }
        /* Anything but a rule's answer is the store failing: the whole batch fails. */
        if (st != PTR_E_EXISTS && st != PTR_E_QUOTA)
            return st;
        refused = 1;
    }
    if (refused && (a->single || (a->flags & PTR_CREATE_ALL_OR_NOTHING))) {
        a->gave_up = 1;
        a->created = 0;
        /* Any status but OK and BUSY rolls back without a retry; the caller reads the results. */
        return PTR_E_CONFLICT;
    }
    return PTR_OK;
}

ptr_status ptr_ctx_create(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                          ptr_record *out, ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_status st = ptr__scope_check(scope, 1, err);
    if (st != PTR_OK)
        return st;
    ptr_record *rec = out, *own = NULL;
    if (!rec && (st = ptr__record_make(c, &own, err)) != PTR_OK)
        return st;
    if (own)
        rec = own;
    ptr_addr addr;
    st = ptr__create_prepare(c, scope, req, ptr__ctx_now(c), &addr, rec, err);
    if (st == PTR_OK) {
        const ptr_txn_keys keys = ptr__keys(scope->region, &addr, 1, &scope->owner);
        ptr_record *const recs[1] = {rec};
        ptr_status result = PTR_OK;
        create_arg a = {scope, recs, 1, 0, &result, NULL, 1, 0, 0, 0};
        st = ptr__run_txn(c, PTR_TXN_WRITE, &keys, create_body, &a, err);
        if (a.gave_up)
            st = result;
    }
    ptr_record_free(own);
    if (st != PTR_OK && out)
        ptr_record_reset(out);
    return st;
}

/* Every result (and error) says the batch as a whole failed with st. */
static ptr_status fail_all(ptr_status *results, ptr_error *errs, size_t n, ptr_status st,
                           const ptr_error *why)
{
    for (size_t i = 0; i < n; i++) {
        results[i] = st;
        if (errs && why)
            errs[i] = *why;
        else if (errs)
            ptr__fail(&errs[i], st, PTR_FIELD_NONE, 0, 0,
                      st == PTR_E_NOMEM ? "out of memory" : "invalid batch");
    }
    return st;
}

/* Memory for a batch's records and their addresses, freed by batch_free. */
typedef struct batch {
    const ptr_allocator *al;
    ptr_record **recs;
    ptr_addr *addrs; /* the valid requests' addresses, for the transaction's keys */
    size_t n;
} batch;

static void batch_free(batch *b)
{
    if (b->recs)
        for (size_t i = 0; i < b->n; i++)
            ptr_record_free(b->recs[i]);
    if (b->recs)
        b->al->free(b->al->ctx, b->recs);
    if (b->addrs)
        b->al->free(b->al->ctx, b->addrs);
}

static ptr_status batch_alloc(batch *b, const ptr_allocator *al, size_t n)
{
    memset(b, 0, sizeof *b);
    b->al = al;
    b->n = n;
    if (n > SIZE_MAX / sizeof(ptr_addr))
        return PTR_E_NOMEM;
    b->recs = al->malloc(al->ctx, n * sizeof *b->recs);
    if (!b->recs)
        return PTR_E_NOMEM;
    memset(b->recs, 0, n * sizeof *b->recs);
    b->addrs = al->malloc(al->ctx, n * sizeof *b->addrs);
    return b->addrs ? PTR_OK : PTR_E_NOMEM;
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
        return fail_all(results, errs, n, PTR_E_INVAL, NULL);
    ptr_error why;
    ptr_status st = ptr__scope_check(scope, 1, &why);
    if (st != PTR_OK)
        return fail_all(results, errs, n, st, &why);
    batch b;
    if (batch_alloc(&b, ptr__ctx_allocator(c), n) != PTR_OK) {
        batch_free(&b);
        return fail_all(results, errs, n, PTR_E_NOMEM, NULL);
    }

    /* Every request checked and its record made before taking any lock. */
    const int64_t t = ptr__ctx_now(c);
    size_t valid = 0;
    ptr_status first_invalid = PTR_OK;
    for (size_t i = 0; i < n; i++) {
        ptr_error *e = err_at(errs, i);
        if (e)
            ptr_error_clear(e);
        ptr_addr addr;
        if ((st = ptr__record_make(c, &b.recs[i], e)) == PTR_OK)
            st = ptr__create_prepare(c, scope, &reqs[i], t, &addr, b.recs[i], e);
        if (st == PTR_E_NOMEM) {
            batch_free(&b);
            return fail_all(results, errs, n, PTR_E_NOMEM, NULL);
        }
        results[i] = st;
        if (st != PTR_OK) {
            ptr_record_free(b.recs[i]);
            b.recs[i] = NULL;
            if (first_invalid == PTR_OK)
                first_invalid = st;
            continue;
        }
        b.addrs[valid++] = addr;
    }

    /*
     * With all-or-nothing the transaction runs even when a request is
     * invalid, so that every valid one still reports what the rules say of
     * it, and then rolls back.
     */
    create_arg a = {scope, b.recs, n, flags, results, errs, 0, first_invalid != PTR_OK, 0, 0};
    if (valid) {
        const ptr_txn_keys keys = ptr__keys(scope->region, b.addrs, valid, &scope->owner);
        ptr_error whole;
        ptr_error_clear(&whole);
        st = ptr__run_txn(c, PTR_TXN_WRITE, &keys, create_body, &a, &whole);
        if (st != PTR_OK && !a.gave_up) {
            /* The batch failed as a whole: each request that reached the transaction says why. */
            for (size_t i = 0; i < n; i++)
                if (b.recs[i]) {
                    results[i] = st;
                    if (errs)
                        errs[i] = whole;
                }
            a.created = 0;
        }
    }
    batch_free(&b);
    if (created)
        *created = a.created;
    /* Each request reported its own status: return the first failure, in request order. */
    for (size_t i = 0; i < n; i++)
        if (results[i] != PTR_OK)
            return results[i];
    return PTR_OK;
}
