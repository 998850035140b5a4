/*
 * The built-in memory store: the conformance suite, plus what only this store
 * promises (writes refused in a read transaction, table growth and deletion
 * at volume), and the registration rules of ptr_store_new().
 */
#include <stdlib.h>

#include "ptr_test.h"
#include "store_conformance.h"

static ptr_store *make_memstore(void *arg)
{
    (void)arg;
    ptr_store *s = NULL;
    return ptr_memstore_new(NULL, &s) == PTR_OK ? s : NULL;
}

static ptr_status nop_begin(void *u, unsigned f, ptr_store_txn **t)
{
    (void)u;
    (void)f;
    *t = NULL;
    return PTR_OK;
}
static ptr_status nop_commit(void *u, ptr_store_txn *t)
{
    (void)u;
    (void)t;
    return PTR_OK;
}
static void nop_rollback(void *u, ptr_store_txn *t)
{
    (void)u;
    (void)t;
}
static ptr_status nop_get(void *u, ptr_store_txn *t, const char *r, size_t n, const ptr_addr *a,
                          ptr_record *o)
{
    (void)u, (void)t, (void)r, (void)n, (void)a, (void)o;
    return PTR_E_NOT_FOUND;
}
static ptr_status nop_rec(void *u, ptr_store_txn *t, const ptr_record *r)
{
    (void)u, (void)t, (void)r;
    return PTR_OK;
}
static ptr_status nop_remove(void *u, ptr_store_txn *t, const char *r, size_t n, const ptr_addr *a)
{
    (void)u, (void)t, (void)r, (void)n, (void)a;
    return PTR_OK;
}
static ptr_status nop_count(void *u, ptr_store_txn *t, const char *o, size_t n, uint64_t *c)
{
    (void)u, (void)t, (void)o, (void)n;
    *c = 0;
    return PTR_OK;
}
static ptr_status nop_scan(void *u, ptr_store_txn *t, const ptr_store_filter *f, const ptr_addr *a,
                           ptr_store_visit_fn v, void *vc)
{
    (void)u, (void)t, (void)f, (void)a, (void)v, (void)vc;
    return PTR_OK;
}
static int destroyed;
static void count_destroy(void *u)
{
    (void)u;
    destroyed++;
}

static void registration_rules(void **state)
{
    (void)state;
    ptr_store_methods m = {
        .version = 1,
        .begin = nop_begin,
        .commit = nop_commit,
        .rollback = nop_rollback,
        .get = nop_get,
        .insert = nop_rec,
        .replace = nop_rec,
        .remove = nop_remove,
        .count_owner = nop_count,
        .scan = nop_scan,
        .destroy = count_destroy,
    };
    ptr_store *s = NULL;
    assert_status(ptr_store_new(NULL, NULL, &s), PTR_E_INVAL);
    assert_status(ptr_store_new(&m, NULL, NULL), PTR_E_INVAL);
    m.version = 4;
    assert_status(ptr_store_new(&m, NULL, &s), PTR_E_UNSUPPORTED);
    m.version = 0;
    assert_status(ptr_store_new(&m, NULL, &s), PTR_E_UNSUPPORTED);
    m.version = 1;
    /* Each REQUIRED slot, missing in turn. */
    ptr_store_methods copy = m;
    copy.begin = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.commit = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.rollback = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.get = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.insert = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.replace = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.remove = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.count_owner = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    copy = m, copy.scan = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_E_INVAL);
    /* destroy is optional, and called once when it is set; the table is copied. */
    copy = m, copy.destroy = NULL;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_OK);
    ptr_store_free(s);
    copy = m;
    assert_status(ptr_store_new(&copy, NULL, &s), PTR_OK);
    memset(&copy, 0, sizeof copy);
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    ptr_store_free(s);
    assert_int_equal(destroyed, 1);
    ptr_store_free(NULL);
    assert_status(ptr_memstore_new(NULL, NULL), PTR_E_INVAL);
    const ptr_allocator half = {NULL, NULL, NULL, NULL};
    assert_status(ptr_memstore_new(&half, &s), PTR_E_INVAL);
}

static void writes_need_a_write_txn(void **state)
{
    (void)state;
    ptr_store *s = make_memstore(NULL);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p", "o1", "203.0.113.1", names, NULL);
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    assert_status(ptr_store_insert(s, t, r), PTR_E_INVAL);
    assert_status(ptr_store_replace(s, t, r), PTR_E_INVAL);
    assert_status(ptr_store_remove(s, t, "r1", 2, ptr_record_address(r)), PTR_E_INVAL);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    /* A handle that is not the open transaction's is refused. */
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    assert_status(ptr_store_insert(s, (ptr_store_txn *)r, r), PTR_E_INVAL);
    /* A record without an address or region cannot be stored. */
    ptr_record *bad;
    assert_status(ptr_record_new(NULL, &bad), PTR_OK);
    ptr_record_set_region(bad, "r1", 2);
    assert_status(ptr_store_insert(s, t, bad), PTR_E_INVAL);
    ptr_record_reset(bad);
    ptr_record_set_address(bad, ptr_record_address(r));
    assert_status(ptr_store_insert(s, t, bad), PTR_E_INVAL);
    ptr_store_rollback(s, t);
    ptr_record_free(bad);
    ptr_record_free(r);
    ptr_store_free(s);
}

typedef struct ordered {
    ptr_addr last;
    size_t n;
    int sorted;
} ordered;

static int check_order(void *p, const ptr_record *r)
{
    ordered *o = p;
    const ptr_addr *a = ptr_record_address(r);
    if (o->n && ptr_addr_compare(&o->last, a) >= 0)
        o->sorted = 0;
    o->last = *a;
    o->n++;
    return 0;
}

/*
 * Enough records to grow the table and the record array several times, then
 * delete every other one (backward-shift deletion) and check every key.
 */
static void volume(void **state)
{
    (void)state;
    enum { N = 20000 };
    ptr_store *s = make_memstore(NULL);
    ptr_record *r, *got;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    ptr_record_set_region(r, "r1", 2);
    ptr_record_set_project(r, "p", 1);
    ptr_record_set_owner(r, "o1", 2);
    ptr_record_add_name(r, "a.example.com.", 14);
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    for (uint32_t i = 0; i < N; i++) {
        ptr_addr a = {4, {100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
        ptr_record_set_address(r, &a);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
    }
    assert_status(ptr_store_commit(s, t), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    for (uint32_t i = 0; i < N; i += 2) {
        ptr_addr a = {4, {100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
        assert_status(ptr_store_remove(s, t, "r1", 2, &a), PTR_OK);
    }
    assert_status(ptr_store_commit(s, t), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    for (uint32_t i = 0; i < N; i++) {
        ptr_addr a = {4, {100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
        assert_status(ptr_store_get(s, t, "r1", 2, &a, got), i % 2 ? PTR_OK : PTR_E_NOT_FOUND);
    }
    uint64_t n;
    assert_status(ptr_store_count_owner(s, t, "o1", 2, &n), PTR_OK);
    assert_int_equal(n, N / 2);
    /* The ordered index (merged at commit once deletes outnumber live records) is exact. */
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){"r1", 2};
    ordered o = {{0}, 0, 1};
    assert_status(ptr_store_scan(s, t, &f, NULL, check_order, &o), PTR_OK);
    assert_int_equal(o.n, N / 2);
    assert_true(o.sorted);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    ptr_record_free(r);
    ptr_record_free(got);
    ptr_store_free(s);
}

static void text_eq(const char *got, size_t glen, const char *want, size_t wlen)
{
    assert_int_equal(glen, wlen);
    assert_memory_equal(got, want, wlen);
    assert_int_equal(got[glen], '\0');
}

/* Every text field of got equals r's, NUL-terminated; names and tags up to the given counts. */
static void same_text(const ptr_record *got, const ptr_record *r, size_t names, size_t tags)
{
    size_t gl, wl;
    const char *g = ptr_record_region(got, &gl), *w = ptr_record_region(r, &wl);
    text_eq(g, gl, w, wl);
    g = ptr_record_project(got, &gl), w = ptr_record_project(r, &wl);
    text_eq(g, gl, w, wl);
    g = ptr_record_owner(got, &gl), w = ptr_record_owner(r, &wl);
    text_eq(g, gl, w, wl);
    g = ptr_record_description(got, &gl), w = ptr_record_description(r, &wl);
    text_eq(g, gl, w, wl);
    for (size_t i = 0; i < names; i++) {
        g = ptr_record_name(got, i, &gl), w = ptr_record_name(r, i, &wl);
        text_eq(g, gl, w, wl);
    }
    for (size_t i = 0; i < tags; i++) {
        ptr_tag tg, tw;
        assert_status(ptr_record_tag(got, i, &tg), PTR_OK);
        assert_status(ptr_record_tag(r, i, &tw), PTR_OK);
        text_eq(tg.key, tg.key_len, tw.key, tw.key_len);
        text_eq(tg.value, tg.value_len, tw.value, tw.value_len);
    }
}

static void same_record(const ptr_record *got, const ptr_record *r)
{
    assert_int_equal(ptr_record_name_count(got), ptr_record_name_count(r));
    assert_int_equal(ptr_record_tag_count(got), ptr_record_tag_count(r));
    same_text(got, r, ptr_record_name_count(r), ptr_record_tag_count(r));
    assert_true(ptr_addr_equal(ptr_record_address(got), ptr_record_address(r)));
    assert_int_equal(ptr_record_ttl(got), ptr_record_ttl(r));
    assert_int_equal(ptr_record_created(got), ptr_record_created(r));
    assert_int_equal(ptr_record_updated(got), ptr_record_updated(r));
    assert_int_equal(ptr_record_revision(got), ptr_record_revision(r));
}

/*
 * Every field comes back exactly, for each way the store keeps a record: a
 * typical one (16-bit lengths, handed back lazily, see record.c), one with
 * more pieces than a lazy record holds, one with more than 255 names and one
 * with a piece longer than 64 KiB (both kept "wide"), empty pieces included.
 * A record read back then behaves as any other: copied, stored again, and
 * changed, with nothing else in it disturbed.
 */
static void round_trip(void **state)
{
    (void)state;
    static const struct {
        size_t names, desc;
    } cases[] = {{1, 0}, {3, 40}, {60, 10}, {300, 10}, {2, 70000}};
    ptr_store *s = make_memstore(NULL);
    ptr_record *r, *got, *copy;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(ptr_record_new(NULL, &copy), PTR_OK);
    char *desc = malloc(70000);
    assert_non_null(desc);
    for (size_t i = 0; i < 70000; i++)
        desc[i] = (char)('a' + i % 26);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const size_t names = cases[c].names;
        ptr_record_reset(r);
        ptr_record_set_region(r, "eu-de", 5);
        ptr_record_set_project(r, "prj", 3);
        ptr_record_set_owner(r, "owner-1", 7);
        ptr_addr a = {6, {0x20, 0x01, 0x0d, 0xb8, [14] = (uint8_t)c}};
        ptr_record_set_address(r, &a);
        ptr_record_set_description(r, desc, cases[c].desc);
        char buf[32];
        for (size_t i = 0; i < names; i++) {
            const int n = snprintf(buf, sizeof buf, "n%zu.example.com.", i);
            ptr_record_add_name(r, buf, (size_t)n);
        }
        for (size_t i = 0; i < names / 3 + 1; i++) {
            const int n = snprintf(buf, sizeof buf, "k%zu", i);
            ptr_record_add_tag(r, buf, (size_t)n, i % 2 ? "v" : "", i % 2);
        }
        ptr_record_set_ttl(r, 77);
        ptr_record_set_created(r, 5);
        ptr_record_set_updated(r, 6);
        ptr_record_set_revision(r, 7);
        ptr_store_txn *t;
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
        assert_status(ptr_store_get(s, t, "eu-de", 5, &a, got), PTR_OK);
        same_record(got, r);

        /* Copied, and stored again under another address, it is still the same record. */
        assert_status(ptr_record_copy(copy, got), PTR_OK);
        same_record(copy, r);
        ptr_addr b = a;
        b.bytes[15] = 1;
        ptr_record_set_address(got, &b);
        assert_status(ptr_store_insert(s, t, got), PTR_OK);
        assert_status(ptr_store_get(s, t, "eu-de", 5, &b, copy), PTR_OK);
        ptr_record_set_address(r, &b);
        same_record(copy, r);
        ptr_record_set_address(r, &a);
        assert_status(ptr_store_commit(s, t), PTR_OK);

        /* Changed after a get: one name more, everything else as it was. */
        assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
        assert_status(ptr_store_get(s, t, "eu-de", 5, &a, got), PTR_OK);
        assert_status(ptr_store_commit(s, t), PTR_OK);
        assert_status(ptr_record_add_name(got, "added.example.com.", 18), PTR_OK);
        assert_int_equal(ptr_record_name_count(got), names + 1);
        same_text(got, r, names, ptr_record_tag_count(r));
        size_t len;
        const char *added = ptr_record_name(got, names, &len);
        text_eq(added, len, "added.example.com.", 18);
        /* And with a tag more. */
        assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
        assert_status(ptr_store_get(s, t, "eu-de", 5, &a, got), PTR_OK);
        assert_status(ptr_store_commit(s, t), PTR_OK);
        assert_status(ptr_record_add_tag(got, "new", 3, "tag", 3), PTR_OK);
        same_text(got, r, names, ptr_record_tag_count(r));
        ptr_tag tg;
        assert_status(ptr_record_tag(got, ptr_record_tag_count(r), &tg), PTR_OK);
        text_eq(tg.key, tg.key_len, "new", 3);
        text_eq(tg.value, tg.value_len, "tag", 3);
    }
    free(desc);
    ptr_record_free(r);
    ptr_record_free(got);
    ptr_record_free(copy);
    ptr_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registration_rules),
        cmocka_unit_test(writes_need_a_write_txn),
        cmocka_unit_test(volume),
        cmocka_unit_test(round_trip),
    };
    int failed = cmocka_run_group_tests_name("memstore", tests, NULL, NULL);
    failed += store_conformance_run("memstore conformance", make_memstore, NULL);
    return failed ? 1 : 0;
}
