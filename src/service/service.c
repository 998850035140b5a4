/*
 * The record service. Each operation has the same shape:
 *
 *   1. validate the whole input and prepare the new record, outside any
 *      transaction, so no lock is held while parsing and a bad request never
 *      reaches the store;
 *   2. call the embedder's hooks (authorize, forward lookup), also outside,
 *      because a transaction must never wait on code we do not control;
 *   3. run one store transaction whose body does the checks that depend on
 *      stored state (exists, quota, project, revision) and the change; any
 *      failure rolls it back, PTR_E_BUSY retries the whole transaction.
 *
 * The store's begin(WRITE) isolation makes step 3's check-then-act atomic,
 * so the quota and per-region uniqueness hold under any concurrency.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "record/record_internal.h"
#include "service/service_internal.h"
#include "util/swar.h"

#define CONFIG_V1_SIZE  (offsetof(ptr_ctx_config, busy_retries) + sizeof(unsigned))
#define DEFAULT_RETRIES 8
/* Addresses asked of the forward-lookup hook per name; more are counted, not compared. */
#define FORWARD_MAX 32
/* Scratch records a context keeps for reuse: two per thread for two threads at once. */
#define SPARE_RECORDS 4

typedef struct quota_override {
    char *owner;
    size_t len;
    uint32_t limit;
} quota_override;

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
    pthread_mutex_t quota_lock; /* guards the overrides */
    quota_override *ovr;
    size_t novr, ovr_cap;
    /*
     * Whether any override was ever set: read without the lock, so that a
     * create in a context without overrides (the common case) takes no
     * lock for its limit. Set under the lock, before the override counts.
     */
    atomic_bool any_ovr;
    /*
     * Records create, update and delete work in, kept between calls: making
     * and freeing them cost several allocations per call (the record, its
     * text arena growing piece by piece, its name and tag arrays), more than
     * the store's insert itself. A slot is taken and given back with one
     * atomic exchange, so threads never wait on each other for it.
     */
    _Atomic(ptr_record *) spare[SPARE_RECORDS];
};

/* ---- context ------------------------------------------------------------ */

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
    for (size_t i = 0; i < SPARE_RECORDS; i++)
        atomic_init(&c->spare[i], NULL);
    atomic_init(&c->any_ovr, 0);
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
    if (st == PTR_OK && pthread_mutex_init(&c->quota_lock, NULL) != 0)
        st = ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "cannot make a mutex");
    if (st != PTR_OK) {
        if (c->tmpl)
            a.free(a.ctx, c->tmpl);
        a.free(a.ctx, c);
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
    for (size_t i = 0; i < c->novr; i++)
        a.free(a.ctx, c->ovr[i].owner);
    if (c->ovr)
        a.free(a.ctx, c->ovr);
    if (c->tmpl)
        a.free(a.ctx, c->tmpl);
    for (size_t i = 0; i < SPARE_RECORDS; i++)
        ptr_record_free(atomic_load(&c->spare[i]));
    pthread_mutex_destroy(&c->quota_lock);
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

/* ---- shared steps ----------------------------------------------------------- */

static int64_t now(const ptr_ctx *c)
{
    return c->clock ? c->clock(c->user) : (int64_t)time(NULL);
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

/* An address to look up: any single host; the policy only limits what may be created. */
static ptr_status parse_host(const char *s, size_t len, ptr_addr *a, ptr_error *err, uint32_t index)
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

static ptr_status authorize(const ptr_ctx *c, const ptr_scope *s, const ptr_addr *a, ptr_error *err,
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

/* Forward confirmation: every name of rec must have the record's address among its own. */
static ptr_status forward_confirm(const ptr_ctx *c, const ptr_record *rec, ptr_error *err)
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
 * dst = src (n bytes) in ASCII lower case, eight bytes at a time (swar.h): a
 * name's letters are ASCII (checked before), and the per-byte loop cost a
 * create more than its copy. Lower-casing is the same for every byte, so the
 * words are loaded in the host's order.
 */
static void copy_lower(char *dst, const char *src, size_t n)
{
    if (n < 8) {
        for (size_t k = 0; k < n; k++)
            dst[k] = (char)ptr__lower((unsigned char)src[k]);
        return;
    }
    uint64_t x;
    for (size_t k = 0; k + 8 < n; k += 8) {
        memcpy(&x, src + k, 8);
        x = ptr__lower8(x);
        memcpy(dst + k, &x, 8);
    }
    /* The last eight bytes, overlapping the words before: lower case twice is lower case. */
    memcpy(&x, src + n - 8, 8);
    x = ptr__lower8(x);
    memcpy(dst + n - 8, &x, 8);
}

/* A checked name's length without its trailing dot. */
static size_t name_body(const ptr_text *t)
{
    return t->len && t->s[t->len - 1] == '.' ? t->len - 1 : t->len;
}

/* Write the normal form of a checked name of body bytes (without its dot): body + 1 bytes. */
static void put_normal(char *buf, const ptr_text *t, size_t body)
{
    copy_lower(buf, t->s, body);
    buf[body] = '.';
}

/*
 * Normalize the request's names into rec. Every caller has checked them with
 * the policy's flags first (ptr_request_check, ptr__request_check_fields), so
 * the normal form is only lower case and exactly one trailing dot, as
 * ptr_name_normalize writes it; calling that would validate each name a
 * second time, which cost a create a third of its validation again. Only
 * memory can fail here.
 */
static ptr_status put_names(ptr_record *rec, const ptr_request *req, ptr_error *err)
{
    ptr_record_clear_names(rec);
    for (size_t i = 0; i < req->name_count; i++) {
        const size_t body = name_body(&req->names[i]);
        char *buf = ptr__record_reserve_name(rec, body + 1);
        if (!buf)
            return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
        put_normal(buf, &req->names[i], body);
        ptr__record_commit_name(rec, body + 1);
    }
    return PTR_OK;
}

static ptr_status put_tags(ptr_record *rec, const ptr_request *req, ptr_error *err)
{
    ptr_record_clear_tags(rec);
    for (size_t i = 0; i < req->tag_count; i++) {
        const ptr_tag *t = &req->tags[i];
        if (ptr_record_add_tag(rec, t->key, t->key_len, t->value, t->value_len) != PTR_OK)
            return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    }
    return PTR_OK;
}

static uint32_t ttl_of(const ptr_ctx *c, const ptr_request *req)
{
    return req->ttl == -1 ? c->policy.ttl_default : (uint32_t)req->ttl;
}

static uint64_t quota_limit(ptr_ctx *c, const char *owner, size_t len)
{
    uint64_t limit = c->policy.max_records_per_owner;
    if (!atomic_load_explicit(&c->any_ovr, memory_order_acquire))
        return limit;
    pthread_mutex_lock(&c->quota_lock);
    for (size_t i = 0; i < c->novr; i++)
        if (c->ovr[i].len == len && memcmp(c->ovr[i].owner, owner, len) == 0) {
            limit = c->ovr[i].limit;
            break;
        }
    pthread_mutex_unlock(&c->quota_lock);
    return limit;
}

/* The body may run more than once, so it must not keep state between runs. */
ptr_status ptr__run_txn(ptr_ctx *c, unsigned flags, ptr__txn_body body, void *arg, ptr_error *err)
{
    for (unsigned attempt = 0;; attempt++) {
        ptr_store_txn *txn = NULL;
        ptr_status st = ptr_store_begin(c->store, flags, &txn);
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

/* Same region (the store's key) and same project: visible to the caller. */
static int in_project(const ptr_record *r, const ptr_scope *s)
{
    size_t n;
    const char *p = ptr_record_project(r, &n);
    return n == s->project.len && memcmp(p, s->project.s, n) == 0;
}

static ptr_status not_found(ptr_error *err, uint32_t index)
{
    return ptr__fail(err, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, index, 0,
                     "no PTR record for this address in the project");
}

/* A scratch record: a spare one, reset, when there is one. Give it back with put_record. */
static ptr_status new_record(ptr_ctx *c, ptr_record **out, ptr_error *err)
{
    for (size_t i = 0; i < SPARE_RECORDS; i++) {
        /* A plain load first: an exchange is a full barrier, wasted on an empty slot. */
        if (!atomic_load_explicit(&c->spare[i], memory_order_relaxed))
            continue;
        ptr_record *r = atomic_exchange(&c->spare[i], NULL);
        if (r) {
            ptr_record_reset(r);
            *out = r;
            return PTR_OK;
        }
    }
    if (ptr_record_new(&c->alloc, out) != PTR_OK)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    return PTR_OK;
}

/* Keep r for the next new_record, or free it when every slot is taken. NULL is ignored. */
static void put_record(ptr_ctx *c, ptr_record *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < SPARE_RECORDS; i++) {
        ptr_record *empty = NULL;
        if (!atomic_load_explicit(&c->spare[i], memory_order_relaxed) &&
            atomic_compare_exchange_strong(&c->spare[i], &empty, r))
            return;
    }
    ptr_record_free(r);
}

/* ---- create ----------------------------------------------------------------- */

/*
 * The steps of a create, shared with ptr_ctx_create_many (service_batch.c) so
 * that one record and a batch of them obey exactly the same rules.
 */

ptr_status ptr__create_check(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                             ptr_addr *addr, ptr_error *err)
{
    ptr_status st = ptr_request_check(req, &c->policy, addr, err);
    if (st == PTR_OK)
        st = authorize(c, scope, addr, err, 0);
    return st;
}

/*
 * The record of a create: every piece of text in one reservation, laid out
 * packed (record_internal.h), so that a store keeping records that way
 * copies it whole. Only memory can fail.
 */
ptr_status ptr__create_fill(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                            const ptr_addr *addr, int64_t t, ptr_record *rec, ptr_error *err)
{
    size_t text = scope->region.len + scope->project.len + scope->owner.len + req->description.len;
    for (size_t i = 0; i < req->name_count; i++)
        text += name_body(&req->names[i]) + 1; /* normalized: the trailing dot always, once */
    for (size_t i = 0; i < req->tag_count; i++)
        text += req->tags[i].key_len + req->tags[i].value_len;
    if (ptr__record_prepare(rec, text, req->name_count, req->tag_count) != PTR_OK)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    ptr__record_put_scope(rec, scope->region.s, scope->region.len, scope->project.s,
                          scope->project.len, scope->owner.s, scope->owner.len);
    ptr__record_put_description(rec, req->description.s, req->description.len);
    /* Names checked already (see put_names): lower case and one trailing dot is all. */
    for (size_t i = 0; i < req->name_count; i++) {
        const size_t body = name_body(&req->names[i]);
        put_normal(ptr__record_put_name_at(rec, body + 1), &req->names[i], body);
    }
    for (size_t i = 0; i < req->tag_count; i++) {
        const ptr_tag *tg = &req->tags[i];
        ptr__record_put_tag(rec, tg->key, tg->key_len, tg->value, tg->value_len);
    }
    ptr__record_put_fields(rec, addr, ttl_of(c, req), 1, t, t);
    return forward_confirm(c, rec, err);
}

int64_t ptr__ctx_now(const ptr_ctx *c)
{
    return now(c);
}

uint64_t ptr__quota_limit(ptr_ctx *c, const ptr_text *owner)
{
    return quota_limit(c, owner->s, owner->len);
}

static ptr_status exists_error(ptr_error *err)
{
    return ptr__fail(err, PTR_E_EXISTS, PTR_FIELD_ADDRESS, 0, 0,
                     "the address already has a PTR record in this region");
}

static ptr_status quota_error(ptr_error *err, uint64_t limit)
{
    return ptr__failn(err, PTR_E_QUOTA, PTR_FIELD_OWNER, 0, 0,
                      "the owner has used its quota of %u PTR records", limit);
}

ptr_status ptr__create_step(ptr_ctx *c, ptr_store_txn *txn, const ptr_record *rec,
                            ptr_record *scratch, uint64_t *used, uint64_t limit, ptr_error *err)
{
    /* The store does the three steps in one call when it can. */
    const ptr_status st = ptr__store_has_insert_checked(c->store)
                              ? ptr_store_insert_checked(c->store, txn, rec, limit)
                              : ptr__store_checked_steps(c->store, txn, rec, scratch, *used, limit);
    if (st == PTR_E_EXISTS)
        return exists_error(err);
    if (st == PTR_E_QUOTA)
        return quota_error(err, limit);
    if (st == PTR_OK)
        (*used)++;
    return st;
}

ptr_status ptr__owner_count(ptr_ctx *c, ptr_store_txn *txn, const ptr_text *owner, uint64_t *used)
{
    *used = 0;
    /* A store with insert_checked counts for itself. */
    if (ptr__store_has_insert_checked(c->store))
        return PTR_OK;
    return ptr_store_count_owner(c->store, txn, owner->s, owner->len, used);
}

typedef struct create_arg {
    const ptr_scope *scope;
    const ptr_record *rec;
    ptr_record *scratch;
    uint64_t limit;
} create_arg;

static ptr_status create_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    create_arg *a = p;
    uint64_t used;
    ptr_status st = ptr__owner_count(c, txn, &a->scope->owner, &used);
    if (st != PTR_OK)
        return st;
    return ptr__create_step(c, txn, a->rec, a->scratch, &used, a->limit, err);
}

ptr_status ptr_ctx_create(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                          ptr_record *out, ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_status st = ptr__scope_check(scope, 1, err);
    ptr_addr addr;
    if (st == PTR_OK)
        st = ptr__create_check(c, scope, req, &addr, err);
    if (st != PTR_OK)
        return st;

    ptr_record *rec = out, *own = NULL, *scratch = NULL;
    if (!rec && (st = new_record(c, &own, err)) != PTR_OK)
        return st;
    if (own)
        rec = own;
    /* A scratch record for the exists check, unless the store does that check itself. */
    if ((st = ptr__create_fill(c, scope, req, &addr, now(c), rec, err)) != PTR_OK ||
        (!ptr__store_has_insert_checked(c->store) && (st = new_record(c, &scratch, err)) != PTR_OK))
        goto done;

    create_arg a = {scope, rec, scratch, quota_limit(c, scope->owner.s, scope->owner.len)};
    st = ptr__run_txn(c, PTR_TXN_WRITE, create_body, &a, err);
done:
    put_record(c, scratch);
    put_record(c, own);
    if (st != PTR_OK && out)
        ptr_record_reset(out);
    return st;
}

/* ---- get ------------------------------------------------------------------------ */

typedef struct get_arg {
    const ptr_scope *scope;
    const ptr_addr *addr;
    ptr_record *out;
} get_arg;

static ptr_status get_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    get_arg *a = p;
    ptr_status st =
        ptr_store_get(c->store, txn, a->scope->region.s, a->scope->region.len, a->addr, a->out);
    if (st == PTR_E_NOT_FOUND || (st == PTR_OK && !in_project(a->out, a->scope)))
        return not_found(err, 0);
    return st;
}

ptr_status ptr_ctx_get(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                       ptr_record *out, ptr_error *err)
{
    if (!c || !out)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or record missing");
    ptr_addr a;
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st == PTR_OK)
        st = parse_host(addr, addr_len, &a, err, 0);
    if (st != PTR_OK)
        return st;
    get_arg g = {scope, &a, out};
    st = ptr__run_txn(c, PTR_TXN_READ, get_body, &g, err);
    if (st != PTR_OK)
        ptr_record_reset(out); /* never hand out another project's record */
    return st;
}

/* ---- update ----------------------------------------------------------------------- */

typedef struct update_arg {
    const ptr_scope *scope;
    const ptr_addr *addr;
    const ptr_request *req;
    const ptr_record *names; /* normalized names when the request sets them */
    ptr_record *cur, *next;
    int64_t t;
} update_arg;

static ptr_status update_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    update_arg *a = p;
    const ptr_request *req = a->req;
    ptr_status st =
        ptr_store_get(c->store, txn, a->scope->region.s, a->scope->region.len, a->addr, a->cur);
    if (st == PTR_E_NOT_FOUND || (st == PTR_OK && !in_project(a->cur, a->scope)))
        return not_found(err, 0);
    if (st != PTR_OK)
        return st;
    if ((req->flags & PTR_REQUEST_REVISION) &&
        ptr_record_revision(a->cur) != req->expected_revision)
        return ptr__failn(err, PTR_E_CONFLICT, PTR_FIELD_REVISION, 0, 0,
                          "the record is at revision %u, not the one expected",
                          ptr_record_revision(a->cur));
    if (ptr_record_copy(a->next, a->cur) != PTR_OK)
        return PTR_E_NOMEM;
    if (req->flags & PTR_REQUEST_NAMES) {
        ptr_record_clear_names(a->next);
        for (size_t i = 0; i < ptr_record_name_count(a->names); i++) {
            size_t len;
            const char *s = ptr_record_name(a->names, i, &len);
            if (ptr_record_add_name(a->next, s, len) != PTR_OK)
                return PTR_E_NOMEM;
        }
    }
    if (req->flags & PTR_REQUEST_TTL)
        ptr_record_set_ttl(a->next, ttl_of(c, req));
    if ((req->flags & PTR_REQUEST_DESCRIPTION) &&
        ptr_record_set_description(a->next, req->description.s, req->description.len) != PTR_OK)
        return PTR_E_NOMEM;
    if ((req->flags & PTR_REQUEST_TAGS) && put_tags(a->next, req, NULL) != PTR_OK)
        return PTR_E_NOMEM;
    ptr_record_set_revision(a->next, ptr_record_revision(a->cur) + 1);
    ptr_record_set_updated(a->next, a->t);
    return ptr_store_replace(c->store, txn, a->next);
}

#define UPDATE_FLAGS                                                                               \
    (PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_DESCRIPTION | PTR_REQUEST_TAGS |            \
     PTR_REQUEST_REVISION)

ptr_status ptr_ctx_update(ptr_ctx *c, const ptr_scope *scope, const char *addr, size_t addr_len,
                          const ptr_request *req, ptr_record *out, ptr_error *err)
{
    if (!c)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context missing");
    ptr_addr a;
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st == PTR_OK)
        st = parse_host(addr, addr_len, &a, err, 0);
    if (st == PTR_OK)
        st = ptr__request_size_check(req, err);
    if (st != PTR_OK)
        return st;
    if (req->flags & ~UPDATE_FLAGS)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "unknown request flag");
    if (req->address.len) {
        ptr_addr other;
        if ((st = parse_host(req->address.s, req->address.len, &other, err, 0)) != PTR_OK)
            return st;
        if (!ptr_addr_equal(&other, &a))
            return ptr__fail(err, PTR_E_IMMUTABLE, PTR_FIELD_ADDRESS, 0, 0,
                             "the address of a PTR record cannot be changed");
    }
    if ((st = ptr__request_check_fields(req, &c->policy, req->flags, err)) != PTR_OK ||
        (st = authorize(c, scope, &a, err, 0)) != PTR_OK)
        return st;

    ptr_record *names = NULL, *cur = NULL, *own = NULL;
    ptr_record *next = out;
    if ((st = new_record(c, &cur, err)) != PTR_OK)
        return st;
    if (!next && (st = new_record(c, &own, err)) != PTR_OK)
        goto done;
    if (own)
        next = own;
    if (req->flags & PTR_REQUEST_NAMES) {
        if ((st = new_record(c, &names, err)) != PTR_OK)
            goto done;
        ptr_record_set_address(names, &a);
        if ((st = put_names(names, req, err)) != PTR_OK ||
            (st = forward_confirm(c, names, err)) != PTR_OK)
            goto done;
    }
    update_arg u = {scope, &a, req, names, cur, next, now(c)};
    st = ptr__run_txn(c, PTR_TXN_WRITE, update_body, &u, err);
done:
    put_record(c, names);
    put_record(c, cur);
    put_record(c, own);
    if (st != PTR_OK && out)
        ptr_record_reset(out);
    return st;
}

/* ---- delete ------------------------------------------------------------------------- */

typedef struct delete_arg {
    const ptr_scope *scope;
    const ptr_addr *addrs;
    size_t n;
    ptr_record *scratch;
} delete_arg;

static ptr_status delete_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    delete_arg *a = p;
    const ptr_text *region = &a->scope->region;
    for (size_t i = 0; i < a->n; i++) {
        ptr_status st =
            ptr_store_get(c->store, txn, region->s, region->len, &a->addrs[i], a->scratch);
        if (st == PTR_E_NOT_FOUND || (st == PTR_OK && !in_project(a->scratch, a->scope)))
            return not_found(err, (uint32_t)i);
        if (st != PTR_OK)
            return st;
        st = ptr_store_remove(c->store, txn, region->s, region->len, &a->addrs[i]);
        if (st != PTR_OK)
            return st;
    }
    return PTR_OK;
}

static ptr_status delete_addrs(ptr_ctx *c, const ptr_scope *scope, const ptr_addr *addrs, size_t n,
                               ptr_error *err)
{
    ptr_record *scratch;
    ptr_status st = new_record(c, &scratch, err);
    if (st != PTR_OK)
        return st;
    delete_arg d = {scope, addrs, n, scratch};
    st = ptr__run_txn(c, PTR_TXN_WRITE, delete_body, &d, err);
    put_record(c, scratch);
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
        st = parse_host(addr, addr_len, &a, err, 0);
    if (st == PTR_OK)
        st = authorize(c, scope, &a, err, 0);
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
        return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, 0, 0,
                          "a batch takes 1 to %u addresses", PTR_BATCH_MAX);
    ptr_addr parsed[PTR_BATCH_MAX];
    for (size_t i = 0; i < n; i++) {
        const uint32_t idx = (uint32_t)i;
        if ((st = parse_host(addrs[i].s, addrs[i].len, &parsed[i], err, idx)) != PTR_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (ptr_addr_equal(&parsed[j], &parsed[i]))
                return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, idx, 0,
                                  "the same address as address %u", j);
    }
    for (size_t i = 0; i < n; i++)
        if ((st = authorize(c, scope, &parsed[i], err, (uint32_t)i)) != PTR_OK)
            return st;
    return delete_addrs(c, scope, parsed, n, err);
}

/* ---- resolve and quota --------------------------------------------------------------- */

typedef struct resolve_arg {
    ptr_text region;
    const ptr_addr *addr;
    ptr_record *out;
} resolve_arg;

static ptr_status resolve_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    resolve_arg *a = p;
    return ptr_store_get(c->store, txn, a->region.s, a->region.len, a->addr, a->out);
}

ptr_status ptr_ctx_resolve(ptr_ctx *c, const char *region, size_t region_len, const char *addr,
                           size_t addr_len, ptr_record *out, int *is_default, ptr_error *err)
{
    if (!c || !out)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or record missing");
    ptr_addr a;
    const ptr_text rt = {region, region_len};
    ptr_status st = ptr__scope_text_check(rt, PTR_FIELD_REGION, err);
    if (st == PTR_OK)
        st = parse_host(addr, addr_len, &a, err, 0);
    if (st != PTR_OK)
        return st;
    resolve_arg r = {rt, &a, out};
    st = ptr__run_txn(c, PTR_TXN_READ, resolve_body, &r, err);
    if (st == PTR_OK) {
        if (is_default)
            *is_default = 0;
        return st;
    }
    if (st != PTR_E_NOT_FOUND) {
        ptr_record_reset(out);
        return st;
    }
    char name[PTR_NAME_BUFSZ], norm[PTR_NAME_BUFSZ];
    size_t len = 0, nlen = 0;
    const char *t = c->tmpl;
    st = ptr_default_name(t, t ? strlen(t) : 0, &a, name, sizeof name, &len);
    if (st == PTR_OK)
        st = ptr_name_normalize(name, len, c->policy.name_flags, norm, sizeof norm, &nlen, NULL);
    if (st != PTR_OK) {
        /* The template was checked at ptr_ctx_new for every family the policy creates. */
        ptr_record_reset(out);
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "the default name template does not apply to this address");
    }
    ptr_record_reset(out);
    if (ptr_record_set_region(out, region, region_len) != PTR_OK ||
        ptr_record_add_name(out, norm, nlen) != PTR_OK) {
        ptr_record_reset(out);
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    }
    ptr_record_set_address(out, &a);
    ptr_record_set_ttl(out, c->policy.ttl_default);
    if (is_default)
        *is_default = 1;
    return PTR_OK;
}

typedef struct quota_arg {
    ptr_text owner;
    uint64_t used;
} quota_arg;

static ptr_status quota_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    quota_arg *q = p;
    return ptr_store_count_owner(c->store, txn, q->owner.s, q->owner.len, &q->used);
}

ptr_status ptr_ctx_quota(ptr_ctx *c, const char *owner, size_t owner_len, uint64_t *used,
                         uint64_t *limit, ptr_error *err)
{
    if (!c || !used || !limit)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "NULL argument");
    const ptr_text ot = {owner, owner_len};
    ptr_status st = ptr__scope_text_check(ot, PTR_FIELD_OWNER, err);
    if (st != PTR_OK)
        return st;
    quota_arg q = {ot, 0};
    st = ptr__run_txn(c, PTR_TXN_READ, quota_body, &q, err);
    if (st != PTR_OK)
        return st;
    *used = q.used;
    *limit = quota_limit(c, owner, owner_len);
    return PTR_OK;
}

ptr_status ptr_ctx_set_owner_quota(ptr_ctx *c, const char *owner, size_t owner_len, uint32_t limit)
{
    if (!c)
        return PTR_E_INVAL;
    const ptr_text ot = {owner, owner_len};
    if (ptr__scope_text_check(ot, PTR_FIELD_OWNER, NULL) != PTR_OK)
        return PTR_E_INVAL;
    ptr_status st = PTR_OK;
    pthread_mutex_lock(&c->quota_lock);
    size_t i = 0;
    while (i < c->novr &&
           !(c->ovr[i].len == owner_len && memcmp(c->ovr[i].owner, owner, owner_len) == 0))
        i++;
    if (i < c->novr) {
        c->ovr[i].limit = limit;
        goto out;
    }
    quota_override *o = ptr__grow(&c->alloc, c->ovr, &c->ovr_cap, c->novr + 1, sizeof *o);
    char *copy = o ? c->alloc.malloc(c->alloc.ctx, owner_len) : NULL;
    if (o)
        c->ovr = o;
    if (!copy) {
        st = PTR_E_NOMEM;
        goto out;
    }
    memcpy(copy, owner, owner_len);
    c->ovr[c->novr++] = (quota_override){copy, owner_len, limit};
    atomic_store_explicit(&c->any_ovr, 1, memory_order_release);
out:
    pthread_mutex_unlock(&c->quota_lock);
    return st;
}
