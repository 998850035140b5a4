/*
 * The service's side of live DNS: the pending changes a pusher reads
 * (ptr_ctx_pending) and the servers' answers it writes back
 * (ptr_ctx_dns_results). The pusher itself (messages, keys, servers) is a
 * companion library, libptr-push; the core only keeps each record's status.
 *
 * A result applies only to the revision that was sent: a write since then
 * superseded it, and its own change waits for the next push.
 */
#include <stdint.h>
#include <string.h>

#include "service/service_internal.h"

/* ---- pending changes -------------------------------------------------------------- */

typedef struct pending_arg {
    ptr_ctx *c;
    ptr_text region;
    const ptr_addr *after;
    size_t max, seen;
    ptr_dns_change_fn fn;
    void *user;
    ptr_text *names; /* the views handed to fn, grown as needed */
    size_t names_cap;
    ptr_status failed; /* set by the visitor; the scan itself then stops */
} pending_arg;

static int pending_visit(void *p, const ptr_record *rec)
{
    pending_arg *a = p;
    ptr_dns_change ch = {rec, NULL, 0, ptr_record_ttl(rec)};
    char dflt[PTR_NAME_BUFSZ];
    ptr_text one;
    if (ptr__is_deleted(rec)) {
        size_t len;
        if ((a->failed = ptr__default_name_of(a->c, ptr_record_address(rec), dflt, &len, NULL)) !=
            PTR_OK)
            return 1;
        one = (ptr_text){dflt, len};
        ch.names = &one;
        ch.name_count = 1;
        ch.ttl = ptr__ctx_policy(a->c)->ttl_default;
    } else {
        const size_t n = ptr_record_name_count(rec);
        if (n > a->names_cap) {
            ptr_text *g = ptr__grow(ptr__ctx_allocator(a->c), a->names, &a->names_cap, n,
                                    sizeof *a->names);
            if (!g) {
                a->failed = PTR_E_NOMEM;
                return 1;
            }
            a->names = g;
        }
        for (size_t i = 0; i < n; i++)
            a->names[i].s = ptr_record_name(rec, i, &a->names[i].len);
        ch.names = a->names;
        ch.name_count = n;
    }
    a->seen++;
    return a->fn(a->user, &ch) != 0 || a->seen == a->max;
}

static ptr_status pending_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    pending_arg *a = p;
    a->seen = 0;
    a->failed = PTR_OK;
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = a->region;
    f.dns_pending = 1;
    ptr_status st = ptr_store_scan(ptr__ctx_store(c), txn, &f, a->after, pending_visit, a);
    return st == PTR_OK ? a->failed : st;
}

ptr_status ptr_ctx_pending(ptr_ctx *c, const char *region, size_t region_len,
                           const ptr_addr *after, size_t max, ptr_dns_change_fn fn, void *user,
                           ptr_error *err)
{
    if (!c || !fn)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or function missing");
    const ptr_text r = {region, region_len};
    ptr_status st = ptr__scope_text_check(r, PTR_FIELD_REGION, err);
    if (st != PTR_OK)
        return st;
    pending_arg a = {c, r, after, max, 0, fn, user, NULL, 0, PTR_OK};
    st = ptr__run_txn(c, PTR_TXN_READ, NULL, pending_body, &a, err);
    if (a.names) {
        const ptr_allocator *al = ptr__ctx_allocator(c);
        al->free(al->ctx, a.names);
    }
    if (st == PTR_E_NOMEM)
        ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "out of memory");
    return st;
}

/* ---- the servers' answers ----------------------------------------------------------- */

typedef struct results_arg {
    ptr_text region;
    ptr_dns_result *res;
    size_t n;
    ptr_record *rec;
} results_arg;

/* A reason kept to PTR_DNS_ERROR_MAX bytes, cut before a UTF-8 continuation byte. */
static size_t reason_len(ptr_text t)
{
    if (t.len <= PTR_DNS_ERROR_MAX)
        return t.len;
    size_t n = PTR_DNS_ERROR_MAX;
    while (n > 0 && ((unsigned char)t.s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* One answer applied to the stored record rec, which is at the revision sent. */
static ptr_status apply_one(ptr_store *s, ptr_store_txn *txn, const results_arg *a,
                            const ptr_dns_result *r)
{
    ptr_record *rec = a->rec;
    const int deleted = ptr__is_deleted(rec);
    ptr_status st = PTR_OK;
    switch (r->status) {
    case PTR_DNS_ACTIVE:
        if (deleted) /* the servers answer the default name: gone */
            return ptr_store_remove(s, txn, a->region.s, a->region.len, &r->addr);
        ptr_record_set_dns_status(rec, PTR_DNS_ACTIVE);
        ptr_record_set_dns_action(rec, PTR_ACTION_NONE);
        ptr_record_set_in_dns(rec, 1);
        st = ptr_record_set_dns_error(rec, NULL, 0);
        break;
    case PTR_DNS_ERROR:
        /* The server refused: DNS is as it was. The action stays, for a retry. */
        ptr_record_set_dns_status(rec, PTR_DNS_ERROR);
        st = ptr_record_set_dns_error(rec, r->reason.s, reason_len(r->reason));
        break;
    default: /* sent, or about to be: the servers may answer it from now on */
        if (ptr_record_in_dns(rec))
            return PTR_OK;
        ptr_record_set_in_dns(rec, 1);
        break;
    }
    return st == PTR_OK ? ptr_store_replace(s, txn, rec) : st;
}

static ptr_status results_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    results_arg *a = p;
    ptr_store *s = ptr__ctx_store(c);
    for (size_t i = 0; i < a->n; i++) {
        ptr_dns_result *r = &a->res[i];
        r->applied = 0;
        ptr_status st = ptr_store_get(s, txn, a->region.s, a->region.len, &r->addr, a->rec);
        if (st == PTR_E_NOT_FOUND)
            continue;
        if (st == PTR_OK && ptr_record_revision(a->rec) != r->revision)
            continue; /* superseded by a later write */
        if (st == PTR_OK)
            st = apply_one(s, txn, a, r);
        if (st != PTR_OK)
            return ptr__fail(err, st, PTR_FIELD_NONE, (uint32_t)i, 0,
                             st == PTR_E_NOMEM ? "out of memory" : "the store failed");
        r->applied = 1;
    }
    return PTR_OK;
}

ptr_status ptr_ctx_dns_results(ptr_ctx *c, const char *region, size_t region_len,
                               ptr_dns_result *results, size_t n, ptr_error *err)
{
    if (!c || (!results && n))
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or results missing");
    const ptr_text r = {region, region_len};
    ptr_status st = ptr__scope_text_check(r, PTR_FIELD_REGION, err);
    if (st != PTR_OK || n == 0)
        return st;
    for (size_t i = 0; i < n; i++) {
        const ptr_dns_result *x = &results[i];
        if ((x->addr.family != 4 && x->addr.family != 6) || (unsigned)x->status > PTR_DNS_ERROR ||
            (!x->reason.s && x->reason.len))
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, (uint32_t)i, 0,
                             "a result with no address, an unknown status or NULL reason text");
    }
    const ptr_allocator *al = ptr__ctx_allocator(c);
    ptr_addr *addrs = n <= SIZE_MAX / sizeof *addrs ? al->malloc(al->ctx, n * sizeof *addrs) : NULL;
    ptr_record *rec = NULL;
    if (!addrs || ptr__record_make(c, &rec, err) != PTR_OK) {
        if (addrs)
            al->free(al->ctx, addrs);
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        addrs[i] = results[i].addr;
    const ptr_txn_keys keys = ptr__keys(r, addrs, n, NULL);
    results_arg a = {r, results, n, rec};
    st = ptr__run_txn(c, PTR_TXN_WRITE, &keys, results_body, &a, err);
    if (st != PTR_OK)
        for (size_t i = 0; i < n; i++)
            results[i].applied = 0;
    ptr_record_free(rec);
    al->free(al->ctx, addrs);
    return st;
}
