/*
 * The service over the memory store, through the public API only: create,
 * get, update, delete, batch delete, list, resolve, quota; tenant isolation,
 * immutability, revisions, default names, hooks (authorize, forward lookup,
 * clock).
 */
#include <stdlib.h>

#include "ptr_test.h"
#include "store_conformance.h"

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
    int64_t now;
    ptr_record *rec;
} fx;

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
static const ptr_scope P1_O2 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o2")}};
static const ptr_scope P2 = {{PTR_LIT("r1")}, {PTR_LIT("p2")}, {PTR_LIT("o3")}};
static const ptr_scope R2 = {{PTR_LIT("r2")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static int64_t fake_clock(void *user)
{
    fx *f = user;
    return f->now++;
}

/* Refuses 198.51.100.66 only. */
static ptr_status fake_authorize(void *user, const ptr_scope *s, const ptr_addr *a)
{
    (void)user;
    (void)s;
    ptr_addr no;
    ptr_addr_parse(PTR_LIT("198.51.100.66"), &no);
    return ptr_addr_equal(a, &no) ? PTR_E_FORBIDDEN : PTR_OK;
}

/* "good.example.com." resolves to 203.0.113.10 and 2001:db8::10; every other name to 192.0.2.1. */
static ptr_status fake_lookup(void *user, const char *name, size_t len, ptr_addr *out, size_t cap,
                              size_t *count)
{
    (void)user;
    assert_int_equal(name[len], '\0');
    assert_true(cap >= 2);
    if (len == 17 && memcmp(name, "good.example.com.", 17) == 0) {
        ptr_addr_parse(PTR_LIT("203.0.113.10"), &out[0]);
        ptr_addr_parse(PTR_LIT("2001:db8::10"), &out[1]);
        *count = 2;
    } else if (len == 13 && memcmp(name, "down.example.", 13) == 0) {
        return PTR_E_BUSY;
    } else {
        ptr_addr_parse(PTR_LIT("192.0.2.1"), &out[0]);
        *count = 1;
    }
    return PTR_OK;
}

static fx *fx_make(const ptr_policy *p)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->now = 1000;
    assert_status(ptr_memstore_new(NULL, &f->store), PTR_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.policy = p;
    cfg.clock = fake_clock;
    cfg.authorize = fake_authorize;
    cfg.forward_lookup = fake_lookup;
    cfg.user = f;
    ptr_error e;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, &e), PTR_OK);
    assert_status(ptr_record_new(NULL, &f->rec), PTR_OK);
    return f;
}

static void fx_free(fx *f)
{
    ptr_record_free(f->rec);
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
    free(f);
}

static int setup(void **state)
{
    *state = fx_make(NULL);
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    return 0;
}

static ptr_status create(fx *f, const ptr_scope *s, const char *addr, const char *name,
                         ptr_error *e)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {name, strlen(name)};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(f->ctx, s, &r, NULL, e);
}

static void create_and_get(void **state)
{
    fx *f = *state;
    ptr_request r;
    ptr_request_init(&r);
    /* Every letter in both cases, digits and hyphens, in words of 8 bytes and a tail. */
    const ptr_text names[] = {
        {PTR_LIT("Mail.Example.COM")},
        {PTR_LIT("mx.example.com.")},
        {PTR_LIT("ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-abcdefghijklmnopqrstuvwxy.EXAMPLE.NET")}};
    const ptr_tag tags[] = {{PTR_LIT("env"), PTR_LIT("prod")}};
    r.address = (ptr_text){PTR_LIT("203.0.113.10/32")};
    r.names = names;
    r.name_count = 3;
    r.description = (ptr_text){PTR_LIT("mail")};
    r.tags = tags;
    r.tag_count = 1;
    ptr_error e;
    assert_status(ptr_ctx_create(f->ctx, &P1, &r, f->rec, &e), PTR_OK);
    assert_int_equal(ptr_record_revision(f->rec), 1);

    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.10"), got, &e), PTR_OK);
    size_t n;
    assert_string_equal(ptr_record_region(got, NULL), "r1");
    assert_string_equal(ptr_record_project(got, NULL), "p1");
    assert_string_equal(ptr_record_owner(got, NULL), "o1");
    assert_int_equal(ptr_record_name_count(got), 3);
    assert_string_equal(ptr_record_name(got, 0, &n), "mail.example.com.");
    assert_string_equal(ptr_record_name(got, 1, NULL), "mx.example.com.");
    assert_string_equal(
        ptr_record_name(got, 2, NULL),
        "abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxy.example.net.");
    assert_int_equal(ptr_record_ttl(got), 300);
    assert_string_equal(ptr_record_description(got, NULL), "mail");
    assert_int_equal(ptr_record_tag_count(got), 1);
    assert_int_equal(ptr_record_revision(got), 1);
    assert_int_equal(ptr_record_created(got), 1000);
    assert_int_equal(ptr_record_updated(got), 1000);
    char id[64];
    assert_status(ptr_record_id(got, id, sizeof id, NULL), PTR_OK);
    assert_string_equal(id, "r1:203.0.113.10");
    /* The record handed back by create is the stored one. */
    assert_int_equal(ptr_record_name_count(f->rec), 3);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "mail.example.com.");

    assert_status(ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.11"), got, &e), PTR_E_NOT_FOUND);
    assert_error(&e, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, 0, 0);
    assert_int_equal(ptr_record_name_count(got), 0);
    assert_status(ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.0/24"), got, &e), PTR_E_NOT_HOST);
    assert_error(&e, PTR_E_NOT_HOST, PTR_FIELD_ADDRESS, 0, 0);
    ptr_record_free(got);
}

static void create_refusals_change_nothing(void **state)
{
    fx *f = *state;
    ptr_error e;
    assert_status(create(f, &P1, "203.0.113.10", "a.example.com", &e), PTR_OK);
    char *before = store_dump(f->store);

    assert_status(create(f, &P1, "203.0.113.10", "b.example.com", &e), PTR_E_EXISTS);
    assert_error(&e, PTR_E_EXISTS, PTR_FIELD_ADDRESS, 0, 0);
    /* Uniqueness is per region: another project of the region cannot take it either. */
    assert_status(create(f, &P2, "203.0.113.10", "b.example.com", &e), PTR_E_EXISTS);
    assert_status(create(f, &P1, "203.0.113.11", "bad..example.com", &e), PTR_E_NAME);
    assert_int_equal(e.field, PTR_FIELD_NAME);
    assert_status(create(f, &P1, "203.0.113.0/24", "b.example.com", &e), PTR_E_NOT_HOST);
    assert_status(create(f, &P1, "2001:db8::1", "b.example.com", &e), PTR_E_ADDR_FORBIDDEN);
    assert_status(create(f, &P1, "198.51.100.66", "b.example.com", &e), PTR_E_FORBIDDEN);
    assert_error(&e, PTR_E_FORBIDDEN, PTR_FIELD_ADDRESS, 0, 0);
    const ptr_scope bad_region = {{PTR_LIT("r1:x")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
    assert_status(create(f, &bad_region, "203.0.113.11", "b.example.com", &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_REGION, 0, 2);
    const ptr_scope no_owner = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {NULL, 0}};
    assert_status(create(f, &no_owner, "203.0.113.11", "b.example.com", &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_OWNER, 0, 0);
    assert_status(ptr_ctx_create(f->ctx, &P1, NULL, NULL, &e), PTR_E_INVAL);
    assert_status(ptr_ctx_create(NULL, &P1, NULL, NULL, &e), PTR_E_INVAL);

    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* Another region is another namespace. */
    assert_status(create(f, &R2, "203.0.113.10", "b.example.com", &e), PTR_OK);
}

static void quota(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.max_records_per_owner = 3;
    fx *f = fx_make(&p);
    ptr_error e;
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 0);
    assert_int_equal(limit, 3);
    const char *addrs[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4",
                           "203.0.113.5"};
    for (int i = 0; i < 3; i++)
        assert_status(create(f, &P1, addrs[i], "a.example.com", &e), PTR_OK);
    assert_status(create(f, &P1, addrs[3], "a.example.com", &e), PTR_E_QUOTA);
    assert_error(&e, PTR_E_QUOTA, PTR_FIELD_OWNER, 0, 0);
    /* A duplicate is reported as a duplicate even at the quota. */
    assert_status(create(f, &P1, addrs[0], "a.example.com", &e), PTR_E_EXISTS);
    /* Quota is the owner's, not the project's. */
    assert_status(create(f, &P1_O2, addrs[3], "a.example.com", &e), PTR_OK);
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 3);
    assert_int_equal(limit, 3);
    /* Raised by the embedder. */
    assert_status(ptr_ctx_set_owner_quota(f->ctx, PTR_LIT("o1"), 4, NULL), PTR_OK);
    assert_status(create(f, &P1, addrs[4], "a.example.com", &e), PTR_OK);
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 4);
    assert_int_equal(limit, 4);
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o2"), &used, &limit, &e), PTR_OK);
    assert_int_equal(limit, 3);
    /* Lowered: nothing is deleted, nothing new fits; a delete gives room back. */
    assert_status(ptr_ctx_set_owner_quota(f->ctx, PTR_LIT("o1"), 4, NULL), PTR_OK);
    assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.1"), &e), PTR_OK);
    assert_status(create(f, &P1, "203.0.113.9", "a.example.com", &e), PTR_OK);
    assert_status(ptr_ctx_set_owner_quota(f->ctx, PTR_LIT("o1:"), 4, NULL), PTR_E_INVAL);
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT(""), &used, &limit, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_OWNER, 0, 0);
    fx_free(f);
}

static void tenant_isolation(void **state)
{
    fx *f = *state;
    ptr_error e;
    assert_status(create(f, &P1, "203.0.113.10", "a.example.com", &e), PTR_OK);
    char *before = store_dump(f->store);
    /* Another project sees no record: the same answer as for a free address. */
    assert_status(ptr_ctx_get(f->ctx, &P2, PTR_LIT("203.0.113.10"), f->rec, &e), PTR_E_NOT_FOUND);
    assert_error(&e, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, 0, 0);
    assert_int_equal(ptr_record_name_count(f->rec), 0);
    ptr_request r;
    ptr_request_init(&r);
    r.flags = PTR_REQUEST_TTL;
    r.ttl = 60;
    assert_status(ptr_ctx_update(f->ctx, &P2, PTR_LIT("203.0.113.10"), &r, NULL, &e),
                  PTR_E_NOT_FOUND);
    assert_status(ptr_ctx_delete(f->ctx, &P2, PTR_LIT("203.0.113.10"), &e), PTR_E_NOT_FOUND);
    const ptr_text one = {PTR_LIT("203.0.113.10")};
    assert_status(ptr_ctx_delete_batch(f->ctx, &P2, &one, 1, &e), PTR_E_NOT_FOUND);
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_record_list *l;
    assert_status(ptr_ctx_list(f->ctx, &P2, &q, &l, &e), PTR_OK);
    assert_int_equal(ptr_record_list_count(l), 0);
    assert_int_equal(ptr_record_list_total(l), 0);
    ptr_record_list_free(l);
    /* Another region neither. */
    assert_status(ptr_ctx_get(f->ctx, &R2, PTR_LIT("203.0.113.10"), f->rec, &e), PTR_E_NOT_FOUND);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void update(void **state)
{
    fx *f = *state;
    ptr_error e;
    assert_status(create(f, &P1, "203.0.113.10", "a.example.com", &e), PTR_OK);
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text names[] = {{PTR_LIT("B.example.com")}, {PTR_LIT("c.example.com")}};
    const ptr_tag tags[] = {{PTR_LIT("k"), PTR_LIT("v")}};
    r.flags = PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_TAGS | PTR_REQUEST_REVISION;
    r.names = names;
    r.name_count = 2;
    r.ttl = 60;
    r.tags = tags;
    r.tag_count = 1;
    r.expected_revision = 1;
    r.address = (ptr_text){PTR_LIT("203.0.113.10/32")}; /* the same address: allowed */
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, f->rec, &e), PTR_OK);
    assert_int_equal(ptr_record_revision(f->rec), 2);
    assert_int_equal(ptr_record_ttl(f->rec), 60);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "b.example.com.");
    assert_int_equal(ptr_record_created(f->rec), 1000);
    assert_int_equal(ptr_record_updated(f->rec), 1001);
    assert_string_equal(ptr_record_description(f->rec, NULL), "");
    assert_string_equal(ptr_record_owner(f->rec, NULL), "o1");

    char *before = store_dump(f->store);
    /* Stale revision. */
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, f->rec, &e),
                  PTR_E_CONFLICT);
    assert_error(&e, PTR_E_CONFLICT, PTR_FIELD_REVISION, 0, 0);
    assert_int_equal(ptr_record_name_count(f->rec), 0);
    /* Another address in the request: the address is immutable. */
    r.flags &= ~PTR_REQUEST_REVISION;
    r.address = (ptr_text){PTR_LIT("203.0.113.11")};
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, NULL, &e),
                  PTR_E_IMMUTABLE);
    assert_error(&e, PTR_E_IMMUTABLE, PTR_FIELD_ADDRESS, 0, 0);
    r.address = (ptr_text){NULL, 0};
    /* Bad fields, unknown flags, no record. */
    r.ttl = 0;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, NULL, &e), PTR_E_TTL);
    r.ttl = 60;
    const ptr_text dup[] = {{PTR_LIT("x.example.com")}, {PTR_LIT("X.example.com.")}};
    r.names = dup;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, NULL, &e),
                  PTR_E_NAME_DUP);
    assert_error(&e, PTR_E_NAME_DUP, PTR_FIELD_NAME, 1, 0);
    r.names = names;
    r.flags |= 0x100;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, NULL, &e), PTR_E_INVAL);
    r.flags &= ~0x100u;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.99"), &r, NULL, &e),
                  PTR_E_NOT_FOUND);
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("198.51.100.66"), &r, NULL, &e),
                  PTR_E_FORBIDDEN);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* Only the description; TTL -1 goes back to the default. */
    ptr_request d;
    ptr_request_init(&d);
    d.flags = PTR_REQUEST_DESCRIPTION | PTR_REQUEST_TTL;
    d.description = (ptr_text){PTR_LIT("new")};
    d.ttl = -1;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &d, f->rec, &e), PTR_OK);
    assert_int_equal(ptr_record_revision(f->rec), 3);
    assert_int_equal(ptr_record_ttl(f->rec), 300);
    assert_string_equal(ptr_record_description(f->rec, NULL), "new");
    assert_int_equal(ptr_record_name_count(f->rec), 2);
    assert_int_equal(ptr_record_tag_count(f->rec), 1);
}

static void delete_and_resolve(void **state)
{
    fx *f = *state;
    ptr_error e;
    int dflt = -1;
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.10"), f->rec, &dflt, &e),
        PTR_OK);
    assert_int_equal(dflt, 1);
    assert_int_equal(ptr_record_name_count(f->rec), 1);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "ecs-203-0-113-10.compute.example.com.");
    assert_int_equal(ptr_record_ttl(f->rec), 300);

    assert_status(create(f, &P1, "203.0.113.10", "mail.example.com", &e), PTR_OK);
    /* Resolve answers for the region, whatever the project. */
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.10"), f->rec, &dflt, &e),
        PTR_OK);
    assert_int_equal(dflt, 0);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "mail.example.com.");

    assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.10"), &e), PTR_OK);
    assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.10"), &e), PTR_E_NOT_FOUND);
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.10"), f->rec, &dflt, &e),
        PTR_OK);
    assert_int_equal(dflt, 1);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "ecs-203-0-113-10.compute.example.com.");
    assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("198.51.100.66"), &e), PTR_E_FORBIDDEN);
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r:1"), PTR_LIT("203.0.113.10"), f->rec, NULL, &e),
        PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_REGION, 0, 1);
}

static void batch_delete(void **state)
{
    fx *f = *state;
    ptr_error e;
    const char *a[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3"};
    for (int i = 0; i < 3; i++)
        assert_status(create(f, &P1, a[i], "a.example.com", &e), PTR_OK);
    assert_status(create(f, &P2, "203.0.113.4", "a.example.com", &e), PTR_OK);
    char *before = store_dump(f->store);
    ptr_text t[3] = {{PTR_LIT("203.0.113.1")}, {PTR_LIT("203.0.113.2")}, {PTR_LIT("203.0.113.9")}};
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 3, &e), PTR_E_NOT_FOUND);
    assert_error(&e, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, 2, 0);
    t[2] = (ptr_text){PTR_LIT("203.0.113.4")}; /* another project's */
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 3, &e), PTR_E_NOT_FOUND);
    assert_error(&e, PTR_E_NOT_FOUND, PTR_FIELD_ADDRESS, 2, 0);
    t[2] = (ptr_text){PTR_LIT("203.0.113.1/32")};
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 3, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_ADDRESS, 2, 0);
    t[2] = (ptr_text){PTR_LIT("nope")};
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 3, &e), PTR_E_ADDR);
    assert_error(&e, PTR_E_ADDR, PTR_FIELD_ADDRESS, 2, 0);
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 0, &e), PTR_E_INVAL);
    ptr_text many[51];
    for (int i = 0; i < 51; i++)
        many[i] = t[0];
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, many, 51, &e), PTR_E_INVAL);
    assert_int_equal(ptr_batch_max(), 50);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
    t[2] = (ptr_text){PTR_LIT("203.0.113.3")};
    assert_status(ptr_ctx_delete_batch(f->ctx, &P1, t, 3, &e), PTR_OK);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 0);
    assert_status(ptr_ctx_get(f->ctx, &P2, PTR_LIT("203.0.113.4"), f->rec, &e), PTR_OK);
}

/* Page through everything with limit lim; return the addresses seen (as text) joined. */
static size_t page_all(fx *f, const ptr_list_query *base, uint32_t lim,
                       char seen[][PTR_ADDR_STRLEN], size_t cap, void (*between)(fx *, int),
                       int64_t *total)
{
    ptr_list_query q = *base;
    q.limit = lim;
    char marker[PTR_ADDR_STRLEN] = "";
    size_t n = 0;
    int page = 0;
    for (;;) {
        q.marker = (ptr_text){marker, strlen(marker)};
        ptr_record_list *l;
        ptr_error e;
        assert_status(ptr_ctx_list(f->ctx, &P1, &q, &l, &e), PTR_OK);
        assert_true(ptr_record_list_count(l) <= (lim ? lim : PTR_LIST_LIMIT_MAX));
        if (total)
            *total = ptr_record_list_total(l);
        for (size_t i = 0; i < ptr_record_list_count(l); i++) {
            assert_true(n < cap);
            ptr_addr_format(ptr_record_address(ptr_record_list_at(l, i)), seen[n++],
                            PTR_ADDR_STRLEN, NULL);
        }
        assert_null(ptr_record_list_at(l, ptr_record_list_count(l)));
        size_t ml;
        assert_status(ptr_record_list_next_marker(l, marker, PTR_ADDR_STRLEN, &ml), PTR_OK);
        assert_int_equal(strlen(marker), ml);
        ptr_record_list_free(l);
        if (!ml)
            break;
        if (between)
            between(f, page++);
    }
    return n;
}

/* While paging: delete records already seen and not yet seen, add new ones. */
static void churn(fx *f, int page)
{
    ptr_error e;
    char a[32];
    snprintf(a, sizeof a, "198.51.100.%d", 200 + page);
    assert_status(create(f, &P1, a, "new.example.com", &e), PTR_OK);
    if (page == 1) {
        assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.110"), &e), PTR_OK);
        assert_status(ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.3"), &e), PTR_OK);
    }
}

static void list_pages_and_filters(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.options |= PTR_POLICY_IPV6;
    fx *f = fx_make(&p);
    ptr_error e;
    /* 23 records of o1 in a scrambled order, IPv4 and IPv6, plus noise elsewhere. */
    char want[23][PTR_ADDR_STRLEN];
    for (int i = 0; i < 23; i++) {
        const int k = (i * 7) % 23;
        if (k < 18)
            snprintf(want[k], sizeof want[k], "203.0.113.%d", k < 9 ? k : 100 + k);
        else
            snprintf(want[k], sizeof want[k], "2001:db8::%d", k);
        ptr_request r;
        ptr_request_init(&r);
        const ptr_text n = {PTR_LIT("host.example.com")};
        const ptr_tag tags[] = {{PTR_LIT("env"), k % 2 ? "odd" : "even", k % 2 ? 3u : 4u}};
        r.address = (ptr_text){want[k], strlen(want[k])};
        r.names = &n;
        r.name_count = 1;
        r.tags = tags;
        r.tag_count = k % 3 ? 1 : 0;
        assert_status(ptr_ctx_create(f->ctx, &P1, &r, NULL, &e), PTR_OK);
    }
    assert_status(create(f, &P1_O2, "192.0.2.50", "other.example.com", &e), PTR_OK);
    assert_status(create(f, &P2, "192.0.2.51", "other.example.com", &e), PTR_OK);
    assert_status(create(f, &R2, "192.0.2.52", "other.example.com", &e), PTR_OK);

    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    q.owner = (ptr_text){PTR_LIT("o1")};
    char seen[64][PTR_ADDR_STRLEN];
    int64_t total = 0;
    for (uint32_t lim = 1; lim <= 24; lim += 5) {
        size_t n = page_all(f, &q, lim, seen, 64, NULL, &total);
        assert_int_equal(n, 23);
        assert_int_equal(total, 23);
        /* Address order: the 203.0.113.x ones by value, then IPv6. */
        for (size_t i = 0; i < 23; i++)
            assert_string_equal(seen[i], want[i]);
    }
    /* The default limit takes everything at once. */
    q.flags = 0;
    assert_int_equal(page_all(f, &q, 0, seen, 64, NULL, NULL), 23);
    q.owner = (ptr_text){NULL, 0};
    assert_int_equal(page_all(f, &q, 0, seen, 64, NULL, &total), 24);
    assert_int_equal(total, -1);

    /* Paging while records come and go: every record there throughout appears once. */
    q.owner = (ptr_text){PTR_LIT("o1")};
    size_t n = page_all(f, &q, 4, seen, 64, churn, NULL);
    for (size_t i = 0; i < 23; i++) {
        if (!strcmp(want[i], "203.0.113.110") || !strcmp(want[i], "203.0.113.3"))
            continue;
        size_t hits = 0;
        for (size_t j = 0; j < n; j++)
            hits += !strcmp(seen[j], want[i]);
        assert_int_equal(hits, 1);
    }
    for (size_t j = 1; j < n; j++) {
        ptr_addr x, y;
        ptr_addr_parse(seen[j - 1], strlen(seen[j - 1]), &x);
        ptr_addr_parse(seen[j], strlen(seen[j]), &y);
        assert_true(ptr_addr_compare(&x, &y) < 0);
    }

    /* Filters: tag key, key=value, name (normalized first). */
    ptr_list_query fq;
    ptr_list_query_init(&fq);
    fq.flags = PTR_LIST_TOTAL;
    const ptr_tag any_env = {PTR_LIT("env"), NULL, 0}, odd = {PTR_LIT("env"), PTR_LIT("odd")};
    fq.tags = &any_env;
    fq.tag_count = 1;
    ptr_record_list *l;
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_OK);
    const int64_t with_env = ptr_record_list_total(l);
    for (size_t i = 0; i < ptr_record_list_count(l); i++)
        assert_int_equal(ptr_record_tag_count(ptr_record_list_at(l, i)), 1);
    ptr_record_list_free(l);
    fq.tags = &odd;
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_OK);
    assert_true(ptr_record_list_total(l) > 0 && ptr_record_list_total(l) < with_env);
    ptr_record_list_free(l);
    fq.tags = NULL;
    fq.tag_count = 0;
    fq.name = (ptr_text){PTR_LIT("OTHER.example.com")};
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_OK);
    assert_int_equal(ptr_record_list_count(l), 1);
    assert_string_equal(ptr_record_owner(ptr_record_list_at(l, 0), NULL), "o2");
    ptr_record_list_free(l);

    /* Bad queries. */
    fq.name = (ptr_text){PTR_LIT("bad..name")};
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_E_NAME);
    fq.name = (ptr_text){NULL, 0};
    fq.limit = 501;
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_LIMIT, 0, 0);
    fq.limit = 0;
    fq.marker = (ptr_text){PTR_LIT("zzz")};
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_E_ADDR);
    assert_error(&e, PTR_E_ADDR, PTR_FIELD_MARKER, 0, 0);
    fq.marker = (ptr_text){NULL, 0};
    const ptr_tag badtag = {PTR_LIT("_sys_x"), NULL, 0};
    fq.tags = &badtag;
    fq.tag_count = 1;
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_E_TAG);
    fq.tags = NULL;
    fq.tag_count = 0;
    fq.struct_size = 4;
    assert_status(ptr_ctx_list(f->ctx, &P1, &fq, &l, &e), PTR_E_INVAL);
    fx_free(f);
}

static void default_name_templates(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.options |= PTR_POLICY_IPV6;
    p.default_name_template = "host-{dashed}.v.example.net";
    fx *f = fx_make(&p);
    ptr_error e;
    int d;
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("2001:db8::a"), f->rec, &d, &e),
        PTR_OK);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL),
                        "host-2001-0db8-0000-0000-0000-0000-0000-000a.v.example.net.");
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("198.51.100.7"), f->rec, &d, &e),
        PTR_OK);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "host-198-51-100-7.v.example.net.");
    fx_free(f);

    /* The template is copied: changing the caller's text later changes nothing. */
    char tmpl[] = "{d}.{c}.{b}.{a}.Rev.Example.com";
    p.options = 0;
    p.default_name_template = tmpl;
    f = fx_make(&p);
    tmpl[0] = 'X';
    assert_status(
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("198.51.100.7"), f->rec, &d, &e),
        PTR_OK);
    assert_string_equal(ptr_record_name(f->rec, 0, NULL), "7.100.51.198.rev.example.com.");
    fx_free(f);

    /* Templates that cannot give a valid name are refused when the context is made. */
    ptr_store *s;
    ptr_ctx *c;
    assert_status(ptr_memstore_new(NULL, &s), PTR_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    cfg.policy = &p;
    p.default_name_template = "bad..{dashed}.example.com";
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    p.default_name_template = "{a}.example.com"; /* fine for IPv4... */
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_OK);
    ptr_ctx_free(c);
    p.options |= PTR_POLICY_IPV6; /* ...not once IPv6 is on */
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_E_INVAL);
    /* Other misuse of ptr_ctx_new. */
    p.default_name_template = NULL;
    p.options = PTR_POLICY_FORWARD_CONFIRM;
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_E_INVAL);
    p.options = 0;
    cfg.store = NULL;
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_E_INVAL);
    cfg.store = s;
    cfg.struct_size = 8;
    assert_status(ptr_ctx_new(&cfg, &c, &e), PTR_E_INVAL);
    assert_status(ptr_ctx_new(NULL, &c, &e), PTR_E_INVAL);
    ptr_ctx_free(NULL);
    ptr_store_free(s);
}

static void forward_confirmation(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.options |= PTR_POLICY_FORWARD_CONFIRM | PTR_POLICY_IPV6;
    fx *f = fx_make(&p);
    ptr_error e;
    assert_status(create(f, &P1, "203.0.113.10", "Good.Example.com", &e), PTR_OK);
    assert_status(create(f, &P1, "2001:db8::10", "good.example.com", &e), PTR_OK);
    assert_status(create(f, &P1, "203.0.113.11", "good.example.com", &e), PTR_E_FORWARD);
    assert_error(&e, PTR_E_FORWARD, PTR_FIELD_NAME, 0, 0);
    /* The failing name is named by its index. */
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text names[] = {{PTR_LIT("good.example.com")}, {PTR_LIT("elsewhere.example.com")}};
    r.flags = PTR_REQUEST_NAMES;
    r.names = names;
    r.name_count = 2;
    assert_status(ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.10"), &r, NULL, &e),
                  PTR_E_FORWARD);
    assert_error(&e, PTR_E_FORWARD, PTR_FIELD_NAME, 1, 0);
    /* A failing lookup fails the call with its status. */
    assert_status(create(f, &P1, "203.0.113.12", "down.example", &e), PTR_E_BUSY);
    assert_int_equal(e.field, PTR_FIELD_NAME);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 2);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_and_get, setup, teardown),
        cmocka_unit_test_setup_teardown(create_refusals_change_nothing, setup, teardown),
        cmocka_unit_test(quota),
        cmocka_unit_test_setup_teardown(tenant_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(update, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_and_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(batch_delete, setup, teardown),
        cmocka_unit_test(list_pages_and_filters),
        cmocka_unit_test(default_name_templates),
        cmocka_unit_test(forward_confirmation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
