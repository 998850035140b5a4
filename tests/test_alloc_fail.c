/*
 * Allocation failure: every operation run with its 1st, 2nd, 3rd, ...
 * allocation failing (memory store, context and records share one counting
 * allocator) must return PTR_E_NOMEM, change nothing visible, and leak
 * nothing: when everything is freed, no allocation is fail_alloc_live.
 */
#include <stdlib.h>

#include "fail_alloc.h"
#include "ptr_test.h"
#include "store_conformance.h"

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_record *rec;
} fx;

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static ptr_status create(fx *f, const char *addr, ptr_record *out)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n[] = {{PTR_LIT("a.example.com")}, {PTR_LIT("b.example.com")}};
    const ptr_tag t[] = {{PTR_LIT("env"), PTR_LIT("prod")}};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = n;
    r.name_count = 2;
    r.tags = t;
    r.tag_count = 1;
    r.description = (ptr_text){PTR_LIT("some description")};
    return ptr_ctx_create(f->ctx, &P1, &r, out, NULL);
}

typedef ptr_status (*op_fn)(fx *f);

static ptr_status op_create(fx *f)
{
    return create(f, "203.0.113.50", f->rec);
}
static ptr_status op_create_new_region(fx *f)
{
    static const ptr_scope R9 = {{PTR_LIT("r9")}, {PTR_LIT("p9")}, {PTR_LIT("o9")}};
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("a.example.com")};
    r.address = (ptr_text){PTR_LIT("203.0.113.51")};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(f->ctx, &R9, &r, NULL, NULL);
}
static ptr_status op_update(fx *f)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n[] = {{PTR_LIT("c.example.com")}, {PTR_LIT("d.example.com")}};
    const ptr_tag t[] = {{PTR_LIT("k1"), PTR_LIT("v1")}, {PTR_LIT("k2"), PTR_LIT("v2")}};
    r.flags = PTR_REQUEST_NAMES | PTR_REQUEST_TAGS | PTR_REQUEST_DESCRIPTION;
    r.names = n;
    r.name_count = 2;
    r.tags = t;
    r.tag_count = 2;
    r.description = (ptr_text){PTR_LIT("a longer description than before")};
    return ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.2"), &r, NULL, NULL);
}
static ptr_status op_delete(fx *f)
{
    return ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.1"), NULL);
}
static ptr_status op_batch(fx *f)
{
    const ptr_text t[] = {{PTR_LIT("203.0.113.3")}, {PTR_LIT("203.0.113.4")}};
    return ptr_ctx_delete_batch(f->ctx, &P1, t, 2, NULL);
}
static ptr_status op_list(fx *f)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_record_list *l = NULL;
    ptr_status st = ptr_ctx_list(f->ctx, &P1, &q, &l, NULL);
    ptr_record_list_free(l);
    return st;
}
static ptr_status op_get(fx *f)
{
    ptr_record *r;
    ptr_status st = ptr_record_new(&fail_alloc, &r);
    if (st != PTR_OK)
        return st;
    st = ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.2"), r, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_resolve(fx *f)
{
    ptr_record *r;
    ptr_status st = ptr_record_new(&fail_alloc, &r);
    if (st != PTR_OK)
        return st;
    st = ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.77"), r, NULL, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_set_quota(fx *f)
{
    return ptr_ctx_set_owner_quota(f->ctx, PTR_LIT("o1"), 70, NULL);
}

/* A list with every filter at once, and a second page from a marker. */
static ptr_status op_list_filtered(fx *f)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    const ptr_tag t = {PTR_LIT("env"), PTR_LIT("prod")};
    q.owner = (ptr_text){PTR_LIT("o1")};
    q.tags = &t;
    q.tag_count = 1;
    q.name = (ptr_text){PTR_LIT("A.example.com")};
    q.limit = 1;
    ptr_record_list *l = NULL;
    ptr_status st = ptr_ctx_list(f->ctx, &P1, &q, &l, NULL);
    if (st == PTR_OK) {
        size_t n = 0;
        char m[PTR_ADDR_STRLEN];
        ptr_record_list_next_marker(l, m, sizeof m, &n);
        q.marker = (ptr_text){m, n};
        ptr_record_list *l2 = NULL;
        st = ptr_ctx_list(f->ctx, &P1, &q, &l2, NULL);
        ptr_record_list_free(l2);
    }
    ptr_record_list_free(l);
    return st;
}
/* An address with a record: resolve answers with its names, not the default. */
static ptr_status op_resolve_record(fx *f)
{
    ptr_record *r;
    ptr_status st = ptr_record_new(&fail_alloc, &r);
    if (st != PTR_OK)
        return st;
    st = ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.2"), r, NULL, NULL);
    ptr_record_free(r);
    return st;
}
/* IPv6 default names are longer than IPv4's: another allocation size. */
static ptr_status op_resolve_default_v6(fx *f)
{
    ptr_record *r;
    ptr_status st = ptr_record_new(&fail_alloc, &r);
    if (st != PTR_OK)
        return st;
    st = ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("2001:db8::77"), r, NULL, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_quota(fx *f)
{
    uint64_t used, limit;
    return ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL);
}

static void each_allocation_fails(fx *f, op_fn op)
{
    for (long n = 1;; n++) {
        assert_true(n < 500);
        char *before = store_dump(f->store);
        fail_alloc_calls = 0;
        fail_alloc_at = n;
        ptr_status st = op(f);
        const int fired = fail_alloc_calls >= n;
        fail_alloc_at = 0;
        char *after = store_dump(f->store);
        if (!fired) {
            assert_status(st, PTR_OK);
            free(before);
            free(after);
            return;
        }
        assert_status(st, PTR_E_NOMEM);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
}

static void operations(void **state)
{
    (void)state;
    fx f;
    assert_status(ptr_memstore_new(&fail_alloc, &f.store), PTR_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f.store;
    cfg.allocator = &fail_alloc;
    /* IPv6 on, for the IPv6 default name. */
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.options = PTR_POLICY_IPV6;
    cfg.policy = &pol;
    assert_status(ptr_ctx_new(&cfg, &f.ctx, NULL), PTR_OK);
    assert_status(ptr_record_new(&fail_alloc, &f.rec), PTR_OK);
    const char *a[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"};
    for (int i = 0; i < 4; i++)
        assert_status(create(&f, a[i], NULL), PTR_OK);

    each_allocation_fails(&f, op_create_new_region);
    each_allocation_fails(&f, op_create);
    each_allocation_fails(&f, op_get);
    each_allocation_fails(&f, op_resolve);
    each_allocation_fails(&f, op_list);
    each_allocation_fails(&f, op_update);
    each_allocation_fails(&f, op_batch);
    each_allocation_fails(&f, op_delete);
    each_allocation_fails(&f, op_set_quota);
    each_allocation_fails(&f, op_list_filtered);
    each_allocation_fails(&f, op_resolve_record);
    each_allocation_fails(&f, op_resolve_default_v6);
    each_allocation_fails(&f, op_quota);
    /* A failed create leaves the caller's record empty, not half filled. */
    fail_alloc_calls = 0;
    fail_alloc_at = 3;
    ptr_status st = create(&f, "203.0.113.60", f.rec);
    fail_alloc_at = 0;
    if (st != PTR_OK) {
        assert_status(st, PTR_E_NOMEM);
        assert_int_equal(ptr_record_name_count(f.rec), 0);
    }

    ptr_record_free(f.rec);
    ptr_ctx_free(f.ctx);
    ptr_store_free(f.store);
    assert_int_equal(fail_alloc_live, 0);
}

static void constructors(void **state)
{
    (void)state;
    for (long n = 1;; n++) {
        assert_true(n < 100);
        ptr_store *s = NULL;
        ptr_ctx *c = NULL;
        ptr_record *r = NULL;
        fail_alloc_calls = 0;
        fail_alloc_at = n;
        ptr_status st = ptr_memstore_new(&fail_alloc, &s);
        if (st == PTR_OK) {
            ptr_policy p;
            ptr_policy_init(&p);
            p.default_name_template = "x-{dashed}.example.com";
            ptr_ctx_config cfg;
            ptr_ctx_config_init(&cfg);
            cfg.store = s;
            cfg.allocator = &fail_alloc;
            cfg.policy = &p;
            st = ptr_ctx_new(&cfg, &c, NULL);
        }
        if (st == PTR_OK)
            st = ptr_record_new(&fail_alloc, &r);
        const int fired = fail_alloc_calls >= n;
        fail_alloc_at = 0;
        ptr_record_free(r);
        ptr_ctx_free(c);
        ptr_store_free(s);
        assert_int_equal(fail_alloc_live, 0);
        if (!fired) {
            assert_status(st, PTR_OK);
            return;
        }
        assert_status(st, PTR_E_NOMEM);
    }
}

/* Every field of a record as text, to see that a failed setter changed nothing. */
static void record_text(const ptr_record *r, char *out, size_t cap)
{
    size_t n, used = 0;
    const char *rg = ptr_record_region(r, &n);
    used += (size_t)snprintf(out + used, cap - used, "%s|%s|%s|%u|%s|", rg,
                             ptr_record_project(r, &n), ptr_record_owner(r, &n),
                             (unsigned)ptr_record_ttl(r), ptr_record_description(r, &n));
    for (size_t i = 0; i < ptr_record_name_count(r) && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "n:%s|", ptr_record_name(r, i, &n));
    for (size_t i = 0; i < ptr_record_tag_count(r) && used < cap; i++) {
        ptr_tag t;
        assert_status(ptr_record_tag(r, i, &t), PTR_OK);
        used += (size_t)snprintf(out + used, cap - used, "t:%.*s=%.*s|", (int)t.key_len, t.key,
                                 (int)t.value_len, t.value ? t.value : "");
    }
    assert_true(used < cap);
}

typedef ptr_status (*rec_op_fn)(ptr_record *r, const ptr_record *src);

static ptr_status rop_region(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_set_region(r, PTR_LIT("a-much-longer-region-than-before"));
}
static ptr_status rop_project(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_set_project(r, PTR_LIT("a-much-longer-project-than-before"));
}
static ptr_status rop_owner(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_set_owner(r, PTR_LIT("a-much-longer-owner-than-before"));
}
static ptr_status rop_description(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_set_description(r, PTR_LIT("a description much longer than the old one"));
}
static ptr_status rop_name(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_add_name(r, PTR_LIT("another-rather-long-name.example.com."));
}
static ptr_status rop_tag(ptr_record *r, const ptr_record *src)
{
    (void)src;
    return ptr_record_add_tag(r, PTR_LIT("another-key"), PTR_LIT("another fairly long value"));
}
static ptr_status rop_copy(ptr_record *r, const ptr_record *src)
{
    return ptr_record_copy(r, src);
}

/*
 * The record API: each setter and ptr_record_copy, with its Nth allocation
 * failing, gives PTR_E_NOMEM and leaves the record as it was (a copy: reset,
 * as record.h says), and leaks nothing.
 */
static void record_api(void **state)
{
    (void)state;
    static const rec_op_fn ops[] = {rop_region, rop_project, rop_owner, rop_description,
                                    rop_name,   rop_tag,     rop_copy};
    ptr_record *src;
    assert_status(ptr_record_new(&fail_alloc, &src), PTR_OK);
    assert_status(ptr_record_set_region(src, PTR_LIT("r1")), PTR_OK);
    assert_status(ptr_record_set_owner(src, PTR_LIT("o1")), PTR_OK);
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "n%d.example.com.", i);
        assert_status(ptr_record_add_name(src, name, strlen(name)), PTR_OK);
        assert_status(ptr_record_add_tag(src, name, 2, name, strlen(name)), PTR_OK);
    }
    assert_status(ptr_record_set_description(src, PTR_LIT("the source record")), PTR_OK);
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        for (long n = 1;; n++) {
            assert_true(n < 200);
            ptr_record *r;
            assert_status(ptr_record_new(&fail_alloc, &r), PTR_OK);
            assert_status(ptr_record_set_region(r, PTR_LIT("r")), PTR_OK);
            assert_status(ptr_record_add_name(r, PTR_LIT("x.example.com.")), PTR_OK);
            assert_status(ptr_record_add_tag(r, PTR_LIT("k"), PTR_LIT("v")), PTR_OK);
            char before[4096], after[4096], empty[4096];
            record_text(r, before, sizeof before);
            fail_alloc_calls = 0;
            fail_alloc_at = n;
            ptr_status st = ops[k](r, src);
            const int fired = fail_alloc_calls >= n;
            fail_alloc_at = 0;
            record_text(r, after, sizeof after);
            if (!fired) {
                assert_status(st, PTR_OK);
                ptr_record_free(r);
                break;
            }
            assert_status(st, PTR_E_NOMEM);
            if (ops[k] == rop_copy) {
                ptr_record *e;
                assert_status(ptr_record_new(&fail_alloc, &e), PTR_OK);
                record_text(e, empty, sizeof empty);
                ptr_record_free(e);
                assert_string_equal(after, empty);
            } else {
                assert_string_equal(before, after);
            }
            ptr_record_free(r);
        }
    }
    ptr_record_free(src);
    assert_int_equal(fail_alloc_live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operations),
        cmocka_unit_test(constructors),
        cmocka_unit_test(record_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
