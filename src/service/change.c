/*
 * Changing what exists: update, delete (one address or a batch), and the
 * owners' limits. Each is one write transaction begun with the keys it
 * touches; none needs the owner's key, since none raises a count.
 */
#include <string.h>

#include "service/service_internal.h"

/* ---- update --------------------------------------------------------------------- */

typedef struct update_arg {
    const ptr_scope *scope;
    const ptr_addr *addr;
    const ptr_request *req;
    const ptr_record *names; /* normalized names when the request sets them */
    ptr_record *cur, *next;
    int64_t t;
} update_arg;

/* next = cur with the request's fields; only memory can fail. */
static ptr_status apply(const ptr_ctx *c, const update_arg *a)
{
    const ptr_request *req = a->req;
    ptr_status st = ptr_record_copy(a->next, a->cur);
    if (st == PTR_OK && (req->flags & PTR_REQUEST_NAMES)) {
        ptr_record_clear_names(a->next);
        for (size_t i = 0; st == PTR_OK && i < ptr_record_name_count(a->names); i++) {
            size_t len;
            const char *s = ptr_record_name(a->names, i, &len);
            st = ptr_record_add_name(a->next, s, len);
        }
    }
    if (st == PTR_OK && (req->flags & PTR_REQUEST_TTL))
        ptr_record_set_ttl(a->next, ptr__ttl_of(c, req));
    if (st == PTR_OK && (req->flags & PTR_REQUEST_DESCRIPTION))
        st = ptr_record_set_description(a->next, req->description.s, req->description.len);
    if (st == PTR_OK && (req->flags & PTR_REQUEST_TAGS)) {
        ptr_record_clear_tags(a->next);
        for (size_t i = 0; st == PTR_OK && i < req->tag_count; i++) {
            const ptr_tag *t = &req->tags[i];
            st = ptr_record_add_tag(a->next, t->key, t->key_len, t->value, t->value_len);
        }
    }
    ptr_record_set_revision(a->next, ptr_record_revision(a->cur) + 1);
    ptr_record_set_updated(a->next, a->t);
    /* The change waits for a push: a create again when DNS never had the record. */
    const int in_dns = ptr_record_in_dns(a->cur);
    ptr_record_set_dns_status(a->next, in_dns ? PTR_DNS_PENDING_UPDATE : PTR_DNS_PENDING_CREATE);
    ptr_record_set_dns_action(a->next, in_dns ? PTR_ACTION_UPDATE : PTR_ACTION_CREATE);
    if (st == PTR_OK)
        st = ptr_record_set_dns_error(a->next, NULL, 0);
    return st;
}

static ptr_status update_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    update_arg *a = p;
    const ptr_request *req = a->req;
    ptr_store *s = ptr__ctx_store(c);
    ptr_status st =
        ptr_store_get(s, txn, a->scope->region.s, a->scope->region.len, a->addr, a->cur);
    if (st == PTR_E_NOT_FOUND ||
        (st == PTR_OK && (!ptr__in_project(a->cur, a->scope) || ptr__is_deleted(a->cur))))
        return ptr__not_found(err, 0);
    if (st != PTR_OK)
        return st;
    if ((req->flags & PTR_REQUEST_REVISION) &&
        ptr_record_revision(a->cur) != req->expected_revision)
        return ptr__failn(err, PTR_E_CONFLICT, PTR_FIELD_REVISION, 0, 0,
                          "the record is at revision %u, not the one expected",
                          ptr_record_revision(a->cur));
    if ((st = apply(c, a)) != PTR_OK)
        return st;
    return ptr_store_replace(s, txn, a->next);
}

#define UPDATE_FLAGS                                                                               \
    (PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_DESCRIPTION | PTR_REQUEST_TAGS |            \
     PTR_REQUEST_REVISION)

/* Everything an update checks before its transaction. */
static ptr_status update_check(ptr_ctx *c, const ptr_scope *scope, const char *addr,
                               size_t addr_len, const ptr_request *req, ptr_addr *a, ptr_error *err)
{
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st == PTR_OK)
        st = ptr__parse_host(addr, addr_len, a, err, 0);
    if (st == PTR_OK)
        st = ptr__request_size_check(req, err);
    if (st != PTR_OK)
        return st;
    if (req->flags & ~UPDATE_FLAGS)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "unknown request flag");
    if (req->address.len) {
        ptr_addr other;
        if ((st = ptr__parse_host(req->address.s, req->address.len, &other, err, 0)) != PTR_OK)
            return st;
        if (!ptr_addr_equal(&other, a))
            return ptr__fail(err, PTR_E_IMMUTABLE, PTR_FIELD_ADDRESS, 0, 0,
                             "the address of a PTR record cannot be changed");
    }
    st = ptr__request_check_fields(req, ptr__ctx_policy(c), req->flags, err);
    if (st == PTR_OK)
        st = ptr__authorize(c, scope, a, err, 0);
    return st;
}

ptr_status ptr_ctx_update(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                          const ptr_request *req, ptr_record *out, ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_addr a;
    ptr_status st = update_check(c, scope, addr, addr_len, req, &a, err);
    if (st != PTR_OK)
        return st;

    ptr_record *names = NULL, *cur = NULL, *own = NULL, *next = out;
    if ((st = ptr__record_make(c, &cur, err)) != PTR_OK)
        return st;
    if (!next && (st = ptr__record_make(c, &own, err)) == PTR_OK)
        next = own;
    if (st == PTR_OK && (req->flags & PTR_REQUEST_NAMES)) {
        if ((st = ptr__record_make(c, &names, err)) == PTR_OK) {
            ptr_record_set_address(names, &a);
            if (ptr__put_names(names, req) != PTR_OK)
                st = ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
            else
                st = ptr__forward_confirm(c, names, err);
        }
    }
    if (st == PTR_OK) {
        const ptr_txn_keys keys = ptr__keys(scope->region, &a, 1, NULL);
        update_arg u = {scope, &a, req, names, cur, next, ptr__ctx_now(c)};
        st = ptr__run_txn(c, PTR_TXN_WRITE, &keys, update_body, &u, err);
    }
    ptr_record_free(names);
    ptr_record_free(cur);
    ptr_record_free(own);
    if (st != PTR_OK && out)
        ptr_record_reset(out);
    return st;
}

/* ---- delete --------------------------------------------------------------------- */

typedef struct delete_arg {
    const ptr_scope *scope;
    const ptr_addr *addrs;
    size_t n;
    ptr_record *found;
    int64_t t;
} delete_arg;

/*
 * A record DNS never had goes at once. One that a push may have reached
 * stays, PENDING_DELETE, until a push makes the servers answer the default
 * name again (ptr_ctx_dns_results removes it then).
 */
static ptr_status delete_one(ptr_store *s, ptr_store_txn *txn, const ptr_text *region,
                             ptr_record *r, int64_t t)
{
    if (!ptr_record_in_dns(r))
        return ptr_store_remove(s, txn, region->s, region->len, ptr_record_address(r));
    ptr_record_set_revision(r, ptr_record_revision(r) + 1);
    ptr_record_set_updated(r, t);
    ptr_record_set_dns_status(r, PTR_DNS_PENDING_DELETE);
    ptr_record_set_dns_action(r, PTR_ACTION_DELETE);
    ptr_status st = ptr_record_set_dns_error(r, NULL, 0);
    return st == PTR_OK ? ptr_store_replace(s, txn, r) : st;
}

static ptr_status delete_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    delete_arg *a = p;
    ptr_store *s = ptr__ctx_store(c);
    const ptr_text *region = &a->scope->region;
    for (size_t i = 0; i < a->n; i++) {
        ptr_status st = ptr_store_get(s, txn, region->s, region->len, &a->addrs[i], a->found);
        if (st == PTR_E_NOT_FOUND ||
            (st == PTR_OK && (!ptr__in_project(a->found, a->scope) || ptr__is_deleted(a->found))))
            return ptr__not_found(err, (uint32_t)i);
        if (st == PTR_OK)
            st = delete_one(s, txn, region, a->found, a->t);
        if (st != PTR_OK)
            return st;
    }
    return PTR_OK;
}

static ptr_status delete_addrs(ptr_ctx *c, const ptr_scope *scope, const ptr_addr *addrs, size_t n,
                               ptr_error *err)
{
    ptr_record *found;
    ptr_status st = ptr__record_make(c, &found, err);
    if (st != PTR_OK)
        return st;
    const ptr_txn_keys keys = ptr__keys(scope->region, addrs, n, NULL);
    delete_arg d = {scope, addrs, n, found, ptr__ctx_now(c)};
    st = ptr__run_txn(c, PTR_TXN_WRITE, &keys, delete_body, &d, err);
    ptr_record_free(found);
    return st;
}

ptr_status ptr_ctx_delete(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                          ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_addr a;
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st == PTR_OK)
        st = ptr__parse_host(addr, addr_len, &a, err, 0);
    if (st == PTR_OK)
        st = ptr__authorize(c, scope, &a, err, 0);
    if (st != PTR_OK)
        return st;
    return delete_addrs(c, scope, &a, 1, err);
}

ptr_status ptr_ctx_delete_batch(ptr_ctx *c, const ptr_scope *scope, const ptr_text *addrs, size_t n,
                                ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st != PTR_OK)
        return st;
    if (n == 0 || n > PTR_BATCH_MAX || !addrs)
        return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_ADDRESSES, 0, 0,
                          "a batch takes 1 to %u addresses", PTR_BATCH_MAX);
    ptr_addr parsed[PTR_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
        const uint32_t idx = (uint32_t)i;
        if ((st = ptr__parse_host(addrs[i].s, addrs[i].len, &parsed[i], err, idx)) != PTR_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (ptr_addr_equal(&parsed[j], &parsed[i]))
                return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, idx, 0,
                                  "the same address as address %u", j);
    }
    for (size_t i = 0; i < n; i++)
        if ((st = ptr__authorize(c, scope, &parsed[i], err, (uint32_t)i)) != PTR_OK)
            return st;
    return delete_addrs(c, scope, parsed, n, err);
}

/* ---- owners' limits ------------------------------------------------------------- */

typedef struct limit_arg {
    ptr_text owner;
    uint32_t limit;
    int remove;
} limit_arg;

static ptr_status limit_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    limit_arg *a = p;
    ptr_store *s = ptr__ctx_store(c);
    if (!a->remove)
        return ptr_store_owner_limit_set(s, txn, a->owner.s, a->owner.len, a->limit);
    ptr_status st = ptr_store_owner_limit_remove(s, txn, a->owner.s, a->owner.len);
    if (st == PTR_E_NOT_FOUND)
        return ptr__fail(err, st, PTR_FIELD_OWNER, 0, 0, "the owner has no limit of its own");
    return st;
}

static ptr_status owner_limit_change(ptr_ctx *c, const char *owner, size_t owner_len, limit_arg *a,
                                     ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    a->owner = (ptr_text){owner, owner_len};
    ptr_status st = ptr__scope_text_check(a->owner, PTR_FIELD_OWNER, err);
    if (st != PTR_OK)
        return st;
    if (!ptr_store_has_owner_limits(ptr__ctx_store(c)))
        return ptr__fail(err, PTR_E_UNSUPPORTED, PTR_FIELD_NONE, 0, 0,
                         "the store keeps no per-owner limits");
    const ptr_txn_keys keys = ptr__keys((ptr_text){NULL, 0}, NULL, 0, &a->owner);
    return ptr__run_txn(c, PTR_TXN_WRITE, &keys, limit_body, a, err);
}

ptr_status ptr_ctx_set_owner_quota(ptr_ctx *c, const char *owner, size_t owner_len, uint32_t limit,
                                   ptr_error *err)
{
    limit_arg a = {{NULL, 0}, limit, 0};
    return owner_limit_change(c, owner, owner_len, &a, err);
}

ptr_status ptr_ctx_clear_owner_quota(ptr_ctx *c, const char *owner, size_t owner_len,
                                     ptr_error *err)
{
    limit_arg a = {{NULL, 0}, 0, 1};
    return owner_limit_change(c, owner, owner_len, &a, err);
}
