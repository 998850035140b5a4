/*
 * Reading one address or one owner: get, resolve (the names an address
 * answers with, its default name when it has no record) and quota. Each is
 * one read transaction.
 */
#include <string.h>

#include "service/service_internal.h"

typedef struct get_arg {
    ptr_text region;
    const ptr_addr *addr;
    ptr_record *out;
} get_arg;

static ptr_status get_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    get_arg *a = p;
    return ptr_store_get(ptr__ctx_store(c), txn, a->region.s, a->region.len, a->addr, a->out);
}

/*
 * The record of an address in the scope's region, in one read transaction,
 * after checking the scope (its project too when with_project) and parsing
 * the address into *a. PTR_E_NOT_FOUND, undescribed, when there is none.
 */
static ptr_status fetch(ptr_ctx *c, const ptr_scope *scope, int with_project, const char *addr,
                        size_t addr_len, ptr_addr *a, ptr_record *out, ptr_error *err)
{
    if (!c || !out || !scope)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "context, scope or record missing");
    ptr_status st = with_project ? ptr__scope_check(scope, 0, err)
                                 : ptr__scope_text_check(scope->region, PTR_FIELD_REGION, err);
    if (st == PTR_OK)
        st = ptr__parse_host(addr, addr_len, a, err, 0);
    if (st != PTR_OK)
        return st;
    get_arg g = {scope->region, a, out};
    return ptr__run_txn(c, PTR_TXN_READ, NULL, get_body, &g, err);
}

ptr_status ptr_ctx_get(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                       ptr_record *out, ptr_error *err)
{
    ptr_addr a;
    ptr_status st = fetch(c, scope, 1, addr, addr_len, &a, out, err);
    if (st == PTR_E_NOT_FOUND || (st == PTR_OK && !ptr__in_project(out, scope)))
        st = ptr__not_found(err, 0);
    if (st != PTR_OK && out)
        ptr_record_reset(out); /* never hand out another project's record */
    return st;
}

ptr_status ptr__default_name_of(const ptr_ctx *c, const ptr_addr *a, char *buf, size_t *len,
                                ptr_error *err)
{
    const ptr_policy *p = ptr__ctx_policy(c);
    const char *t = p->default_name_template;
    char name[PTR_NAME_BUFSZ];
    size_t n = 0;
    ptr_status st = ptr_default_name(t, t ? strlen(t) : 0, a, name, sizeof name, &n);
    if (st == PTR_OK)
        st = ptr_name_normalize(name, n, p->name_flags, buf, PTR_NAME_BUFSZ, len, NULL);
    if (st != PTR_OK) /* the template was checked at ptr_ctx_new for the policy's families */
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "the default name template does not apply to this address");
    return PTR_OK;
}

/* The default answer of an address: the template's name, normalized, and the default TTL. */
static ptr_status default_answer(const ptr_ctx *c, ptr_text region, const ptr_addr *a,
                                 ptr_record *out, ptr_error *err)
{
    const ptr_policy *p = ptr__ctx_policy(c);
    char norm[PTR_NAME_BUFSZ];
    size_t nlen = 0;
    ptr_status st = ptr__default_name_of(c, a, norm, &nlen, err);
    if (st != PTR_OK)
        return st;
    if (ptr_record_set_region(out, region.s, region.len) != PTR_OK ||
        ptr_record_add_name(out, norm, nlen) != PTR_OK)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    ptr_record_set_address(out, a);
    ptr_record_set_ttl(out, p->ttl_default);
    return PTR_OK;
}

ptr_status ptr_ctx_resolve(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                           ptr_record *out, int *is_default, ptr_error *err)
{
    ptr_addr a;
    ptr_status st = fetch(c, scope, 0, addr, addr_len, &a, out, err);
    if (is_default)
        *is_default = 0;
    if (st == PTR_OK && ptr__is_deleted(out))
        st = PTR_E_NOT_FOUND; /* deleted: DNS should answer the default name */
    if (st == PTR_OK)
        return st;
    if (out)
        ptr_record_reset(out);
    if (st != PTR_E_NOT_FOUND)
        return st;
    if ((st = default_answer(c, scope->region, &a, out, err)) != PTR_OK) {
        ptr_record_reset(out);
        return st;
    }
    if (is_default)
        *is_default = 1;
    return PTR_OK;
}

typedef struct quota_arg {
    ptr_text owner;
    uint64_t used, limit;
} quota_arg;

static ptr_status quota_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    quota_arg *q = p;
    ptr_status st =
        ptr_store_count_owner(ptr__ctx_store(c), txn, q->owner.s, q->owner.len, &q->used);
    if (st == PTR_OK)
        st = ptr__owner_limit(c, txn, q->owner, &q->limit);
    return st;
}

ptr_status ptr_ctx_quota(ptr_ctx *c, const char *owner, size_t owner_len, uint64_t *used,
                         uint64_t *limit, ptr_error *err)
{
    if (!c || !used || !limit)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "NULL argument");
    quota_arg q = {{owner, owner_len}, 0, 0};
    ptr_status st = ptr__scope_text_check(q.owner, PTR_FIELD_OWNER, err);
    if (st == PTR_OK)
        st = ptr__run_txn(c, PTR_TXN_READ, NULL, quota_body, &q, err);
    if (st != PTR_OK)
        return st;
    *used = q.used;
    *limit = q.limit;
    return PTR_OK;
}
