/*
 * The service context and the steps every operation shares. Each operation
 * (create.c, change.c, read.c, list.c) has the same shape:
 *
 *   1. validate the whole input and prepare the new record, outside any
 *      transaction, so no lock is held while parsing and a bad request never
 *      reaches the store;
 *   2. call the embedder's hooks (authorize, forward lookup), also outside,
 *      because a transaction must never wait on code we do not control;
 *   3. run one store transaction (ptr__run_txn) whose body does the checks
 *      that depend on stored state (exists, quota, project, revision) and
 *      the change; any failure rolls it back, PTR_E_BUSY retries it whole.
 *
 * The store's isolation makes step 3's check-then-act atomic, so the quota
 * and per-region uniqueness hold under any concurrency.
 */
#include <sched.h>
#include <string.h>
#include <time.h>

#include "service/service_internal.h"

#define CONFIG_V1_SIZE  (offsetof(ptr_ctx_config, busy_retries) + sizeof(unsigned))
#define DEFAULT_RETRIES 8
/* Addresses asked of the forward-lookup hook per name; more are counted, not compared. */
#define FORWARD_MAX 32

struct ptr_ctx {
    ptr_allocator alloc;
    ptr_store *store;
    ptr_policy policy;
    char *tmpl; /* the policy's template, copied; policy.default_name_template points here */
    ptr_clock_fn clock;
    ptr_authorize_fn authorize;
    ptr_forward_lookup_fn forward_lookup;
    void *user;
    unsigned retries;
};

void ptr_ctx_config_init(ptr_ctx_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->struct_size = (uint32_t)sizeof *cfg;
}

/* The template must give a valid host name for every address the policy admits. */
static ptr_status template_check(const ptr_ctx *c, ptr_error *err)
{
    static const ptr_addr v4 = {4, {192, 0, 2, 1}};
    static const ptr_addr v6 = {6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
    const ptr_addr *samples[2] = {&v4, &v6};
    const size_t n = (c->policy.options & PTR_POLICY_IPV6) ? 2 : 1;
    const size_t tlen = c->tmpl ? strlen(c->tmpl) : 0;
    for (size_t i = 0; i < n; i++) {
        char buf[PTR_NAME_BUFSZ];
        size_t len = 0;
        ptr_status st = ptr_default_name(c->tmpl, tlen, samples[i], buf, sizeof buf, &len);
        if (st == PTR_OK)
            st = ptr_name_check(buf, len, c->policy.name_flags, NULL);
        if (st != PTR_OK)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                             i ? "default_name_template does not give a valid name for IPv6"
                               : "default_name_template does not give a valid name for IPv4");
    }
    return PTR_OK;
}

ptr_status ptr_ctx_new(const ptr_ctx_config *cfg, ptr_ctx **out, ptr_error *err)
{
    if (!cfg || !out || cfg->struct_size < CONFIG_V1_SIZE || !cfg->store)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "config missing, not set up by ptr_ctx_config_init(), or without a store");
    ptr_allocator a;
    if (ptr__allocator_set(&a, cfg->allocator) != PTR_OK)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "allocator with a NULL function");
    const ptr_policy *p = ptr__policy_or_default(cfg->policy);
    if ((p->options & PTR_POLICY_FORWARD_CONFIRM) && !cfg->forward_lookup)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "PTR_POLICY_FORWARD_CONFIRM needs a forward_lookup hook");
    ptr_ctx *c = a.malloc(a.ctx, sizeof *c);
    if (!c)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    memset(c, 0, sizeof *c);
    c->alloc = a;
    c->store = cfg->store;
    c->policy = *p;
    c->clock = cfg->clock;
    c->authorize = cfg->authorize;
    c->forward_lookup = cfg->forward_lookup;
    c->user = cfg->user;
    c->retries = cfg->busy_retries ? cfg->busy_retries : DEFAULT_RETRIES;
    if (p->default_name_template) {
        const size_t n = strlen(p->default_name_template);
        c->tmpl = a.malloc(a.ctx, n + 1);
        if (!c->tmpl) {
            a.free(a.ctx, c);
            return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
        }
        memcpy(c->tmpl, p->default_name_template, n + 1);
    }
    c->policy.default_name_template = c->tmpl;
    ptr_status st = template_check(c, err);
    if (st != PTR_OK) {
        ptr_ctx_free(c);
        return st;
    }
    *out = c;
    return PTR_OK;
}

void ptr_ctx_free(ptr_ctx *c)
{
    if (!c)
        return;
    const ptr_allocator a = c->alloc;
    if (c->tmpl)
        a.free(a.ctx, c->tmpl);
    a.free(a.ctx, c);
}

size_t ptr_batch_max(void)
{
    return PTR_BATCH_MAX;
}

const ptr_allocator *ptr__ctx_allocator(const ptr_ctx *c)
{
    return &c->alloc;
}

ptr_store *ptr__ctx_store(const ptr_ctx *c)
{
    return c->store;
}

const ptr_policy *ptr__ctx_policy(const ptr_ctx *c)
{
    return &c->policy;
}

int64_t ptr__ctx_now(const ptr_ctx *c)
{
    return c->clock ? c->clock(c->user) : (int64_t)time(NULL);
}

uint32_t ptr__ttl_of(const ptr_ctx *c, const ptr_request *req)
{
    return req->ttl == -1 ? c->policy.ttl_default : (uint32_t)req->ttl;
}

ptr_status ptr__record_make(const ptr_ctx *c, ptr_record **out, ptr_error *err)
{
    if (ptr_record_new(&c->alloc, out) != PTR_OK)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    return PTR_OK;
}

ptr_txn_keys ptr__keys(ptr_text region, const ptr_addr *addrs, size_t n, const ptr_text *owner)
{
    ptr_txn_keys k;
    ptr_txn_keys_init(&k);
    k.region = region;
    k.addrs = addrs;
    k.addr_count = n;
    k.owners = owner;
    k.owner_count = owner ? 1 : 0;
    return k;
}

ptr_status ptr__scope_check(const ptr_scope *s, int with_owner, ptr_error *err)
{
    if (!s)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "scope missing");
    ptr_status st = ptr__scope_text_check(s->region, PTR_FIELD_REGION, err);
    if (st == PTR_OK)
        st = ptr__scope_text_check(s->project, PTR_FIELD_PROJECT, err);
    if (st == PTR_OK && with_owner)
        st = ptr__scope_text_check(s->owner, PTR_FIELD_OWNER, err);
    return st;
}

ptr_status ptr__parse_host(const char *s, size_t len, ptr_addr *a, ptr_error *err, uint32_t index)
{
    if (!s && len)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, index, 0, "NULL text");
    ptr_status st = ptr_host_parse(s, len, a);
    if (st == PTR_E_NOT_HOST)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, index, 0,
                         "a PTR record is for a single address (/32 or /128), not a network");
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, index, 0, "not an IPv4 or IPv6 address");
    return PTR_OK;
}

ptr_status ptr__authorize(const ptr_ctx *c, const ptr_scope *s, const ptr_addr *a, ptr_error *err,
                          uint32_t index)
{
    if (!c->authorize)
        return PTR_OK;
    ptr_status st = c->authorize(c->user, s, a);
    if (st == PTR_E_FORBIDDEN)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, index, 0,
                         "the caller may not set a PTR record for this address");
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, index, 0, "the authorize hook failed");
    return PTR_OK;
}

ptr_status ptr__forward_confirm(const ptr_ctx *c, const ptr_record *rec, ptr_error *err)
{
    if (!(c->policy.options & PTR_POLICY_FORWARD_CONFIRM))
        return PTR_OK;
    const ptr_addr *want = ptr_record_address(rec);
    for (size_t i = 0; i < ptr_record_name_count(rec); i++) {
        size_t len;
        const char *name = ptr_record_name(rec, i, &len);
        ptr_addr got[FORWARD_MAX];
        size_t n = 0;
        ptr_status st = c->forward_lookup(c->user, name, len, got, FORWARD_MAX, &n);
        if (st != PTR_OK)
            return ptr__fail(err, st, PTR_FIELD_NAME, (uint32_t)i, 0,
                             "the forward lookup of the name failed");
        if (n > FORWARD_MAX)
            n = FORWARD_MAX;
        size_t k = 0;
        while (k < n && !ptr_addr_equal(&got[k], want))
            k++;
        if (k == n)
            return ptr__fail(err, PTR_E_FORWARD, PTR_FIELD_NAME, (uint32_t)i, 0,
                             "the name does not resolve to the record's address");
    }
    return PTR_OK;
}

/*
 * The names were checked with the policy's flags first (ptr_request_check,
 * ptr__request_check_fields), so their normal form is only lower case and
 * exactly one trailing dot, as ptr_name_normalize writes it.
 */
ptr_status ptr__put_names(ptr_record *rec, const ptr_request *req)
{
    ptr_record_clear_names(rec);
    for (size_t i = 0; i < req->name_count; i++) {
        const ptr_text *t = &req->names[i];
        char buf[PTR_NAME_BUFSZ];
        size_t body = t->len && t->s[t->len - 1] == '.' ? t->len - 1 : t->len;
        if (body + 1 > sizeof buf)
            return PTR_E_INVAL; /* a checked name is never this long */
        for (size_t k = 0; k < body; k++)
            buf[k] = (char)ptr__lower((unsigned char)t->s[k]);
        buf[body] = '.';
        ptr_status st = ptr_record_add_name(rec, buf, body + 1);
        if (st != PTR_OK)
            return st;
    }
    return PTR_OK;
}

int ptr__is_deleted(const ptr_record *r)
{
    return ptr_record_dns_action(r) == PTR_ACTION_DELETE;
}

int ptr__in_project(const ptr_record *r, const ptr_scope *s)
{
    size_t n;
    const char *p = ptr_record_project(r, &n);
    return n == s->project.len && memcmp(p, s->project.s, n) == 0;
}

ptr_status ptr__not_found(ptr_error *err, uint32_t index)
{
    return ptr__fail(err, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, index, 0,
                     "no PTR record for this address in the project");
}

ptr_status ptr__owner_limit(ptr_ctx *c, ptr_store_txn *txn, ptr_text owner, uint64_t *limit)
{
    *limit = c->policy.max_records_per_owner;
    if (!ptr_store_has_owner_limits(c->store))
        return PTR_OK;
    uint64_t own;
    ptr_status st = ptr_store_owner_limit_get(c->store, txn, owner.s, owner.len, &own);
    if (st == PTR_OK)
        *limit = own;
    return st == PTR_E_NOT_FOUND ? PTR_OK : st;
}

ptr_status ptr__run_txn(ptr_ctx *c, unsigned flags, const ptr_txn_keys *keys, ptr__txn_body body,
                        void *arg, ptr_error *err)
{
    for (unsigned attempt = 0;; attempt++) {
        ptr_store_txn *txn = NULL;
        ptr_status st = keys ? ptr_store_begin_keys(c->store, flags, keys, &txn)
                             : ptr_store_begin(c->store, flags, &txn);
        if (st == PTR_OK) {
            st = body(c, txn, arg, err);
            if (st == PTR_OK)
                st = ptr_store_commit(c->store, txn); /* ends the txn even when it fails */
            else
                ptr_store_rollback(c->store, txn);
        }
        if (st == PTR_OK)
            return st;
        if (st == PTR_E_BUSY && attempt < c->retries) {
            sched_yield();
            continue;
        }
        switch (st) {
        case PTR_E_BUSY:
            return ptr__failn(err, st, PTR_FIELD_NONE, 0, 0,
                              "the store stayed busy after %u retries", c->retries);
        case PTR_E_STORE: return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the store failed");
        case PTR_E_NOMEM: return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "out of memory");
        case PTR_E_INVAL:
            return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the store refused the call");
        default: return st; /* the body described it */
        }
    }
}
