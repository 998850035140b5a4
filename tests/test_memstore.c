/*
 * The built-in memory store: the conformance suite, plus what only this store
 * promises (writes refused in a read transaction, table growth and deletion
 * at volume), and the registration rules of ptr_store_new().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail_alloc.h"
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

/* ---- the ordered index: insert orders, markers ---------------------------------------- */

static ptr_addr addr_n(uint32_t i)
{
    return (ptr_addr){4, {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i}};
}

typedef struct from_marker {
    ptr_addr first;
    size_t n;
    size_t stop_after; /* 0: visit all */
} from_marker;

static int note_first(void *p, const ptr_record *r)
{
    from_marker *fm = p;
    if (fm->n++ == 0)
        fm->first = *ptr_record_address(r);
    return fm->stop_after && fm->n == fm->stop_after;
}

/*
 * N records inserted in the given order (ascending, descending or shuffled),
 * every other one in a second project, then: the scan is in address order
 * and complete, a scan from any marker starts right after it (also from an
 * address between two records and past the last), and the counts agree.
 */
static void insert_in_order(const uint32_t *perm, uint32_t n)
{
    ptr_store *s = make_memstore(NULL);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p", "o1", "10.0.0.1", names, NULL);
    ptr_store_txn *t;
    uint32_t odd = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    for (uint32_t k = 0; k < n; k++) {
        odd += perm[k] % 2;
        /* Addresses 2, 4, 6, ...: odd ones fall between two records. */
        const ptr_addr a = addr_n(2 * perm[k] + 2);
        ptr_record_set_address(r, &a);
        ptr_record_set_project(r, perm[k] % 2 ? "q" : "p", 1);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
    }
    assert_status(ptr_store_commit(s, t), PTR_OK);

    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){"r1", 2};
    ordered o = {{0}, 0, 1};
    assert_status(ptr_store_scan(s, t, &f, NULL, check_order, &o), PTR_OK);
    assert_int_equal(o.n, n);
    assert_true(o.sorted);
    uint64_t c;
    assert_status(ptr_store_count(s, t, &f, &c), PTR_OK);
    assert_int_equal(c, n);
    f.project = (ptr_text){"q", 1};
    assert_status(ptr_store_count(s, t, &f, &c), PTR_OK);
    assert_int_equal(c, odd);
    f.project = (ptr_text){NULL, 0};
    for (uint32_t i = 0; i < n; i += n / 97 + 1) {
        /* From a record's own address: the next record; from just above it: the same. */
        for (uint32_t d = 0; d < 2; d++) {
            const ptr_addr marker = addr_n(2 * i + 2 + d);
            from_marker fm = {{0}, 0, 3};
            assert_status(ptr_store_scan(s, t, &f, &marker, note_first, &fm), PTR_OK);
            if (i + 1 == n) {
                assert_int_equal(fm.n, 0);
            } else {
                const ptr_addr want = addr_n(2 * i + 4);
                assert_true(ptr_addr_equal(&fm.first, &want));
                assert_int_equal(fm.n, i + 3 < n ? 3 : n - i - 1);
            }
        }
    }
    /* Below the first record: all of them. */
    const ptr_addr low = addr_n(1);
    from_marker fm = {{0}, 0, 0};
    assert_status(ptr_store_scan(s, t, &f, &low, note_first, &fm), PTR_OK);
    assert_int_equal(fm.n, n);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    ptr_record_free(r);
    ptr_store_free(s);
}

static void ordered_inserts(void **state)
{
    (void)state;
    enum { N = 5000 }; /* some 40 blocks of the ordered index */
    uint32_t *perm = malloc(N * sizeof *perm);
    assert_non_null(perm);
    for (uint32_t i = 0; i < N; i++)
        perm[i] = i;
    insert_in_order(perm, N);
    for (uint32_t i = 0; i < N; i++)
        perm[i] = N - 1 - i;
    insert_in_order(perm, N);
    uint64_t seed = 42;
    for (uint32_t i = N - 1; i > 0; i--) {
        const uint32_t j = (uint32_t)(ptr_test_rand(&seed) % (i + 1));
        const uint32_t x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    insert_in_order(perm, N);
    perm[0] = 0;
    insert_in_order(perm, 1);
    free(perm);
}

/* ---- rollback of every operation ------------------------------------------------------ */

typedef struct text_buf {
    char s[1 << 20];
    size_t n;
} text_buf;

static void put(text_buf *b, const char *s, size_t len)
{
    assert_true(b->n + len + 2 < sizeof b->s);
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n++] = ';';
    b->s[b->n] = '\0';
}

static void put_num(text_buf *b, uint64_t v)
{
    char num[32];
    const int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    put(b, num, (size_t)n);
}

static int dump_limit(void *ctx, const char *owner, size_t len, uint64_t limit)
{
    put(ctx, owner, len);
    put_num(ctx, limit);
    return 0;
}

/* store_dump's records and owner counts, plus region r9, every count kind and the limits. */
static char *full_dump(ptr_store *s)
{
    text_buf *b = calloc(1, sizeof *b);
    assert_non_null(b);
    char *base = store_dump(s);
    put(b, base, strlen(base));
    free(base);
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    static const char *const regions[] = {"", "r1", "r2", "r9"};
    static const char *const projects[] = {"", "p1", "p2"};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 3; j++) {
            ptr_store_filter f;
            ptr_store_filter_init(&f);
            f.region = (ptr_text){regions[i], strlen(regions[i])};
            f.project = (ptr_text){projects[j], strlen(projects[j])};
            uint64_t c;
            assert_status(ptr_store_count(s, t, &f, &c), PTR_OK);
            put_num(b, c);
        }
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){"r9", 2};
    uint64_t n9;
    assert_status(ptr_store_count(s, t, &f, &n9), PTR_OK);
    put_num(b, n9);
    uint64_t o9;
    assert_status(ptr_store_count_owner(s, t, "o9", 2, &o9), PTR_OK);
    put_num(b, o9);
    assert_status(ptr_store_owner_limit_scan(s, t, dump_limit, b), PTR_OK);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    char *out = malloc(b->n + 1);
    assert_non_null(out);
    memcpy(out, b->s, b->n + 1);
    free(b);
    return out;
}

static void rollback_everything(void **state)
{
    (void)state;
    ptr_store *s = make_memstore(NULL);
    assert_true(ptr_store_has_owner_limits(s));
    static const char *const names[] = {"a.example.com.", NULL};
    static const char *const tags[] = {"k=v", NULL};
    ptr_store_txn *t;
    /* A base state: 300 records over three blocks in r1, two in r2, two limits. */
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", names, tags);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    for (uint32_t i = 0; i < 300; i++) {
        const ptr_addr a = addr_n(i);
        ptr_record_set_address(r, &a);
        ptr_record_set_owner(r, i % 3 ? "o1" : "o2", 2);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
    }
    ptr_record_set_region(r, "r2", 2);
    ptr_record_set_project(r, "p2", 2);
    for (uint32_t i = 0; i < 2; i++) {
        const ptr_addr a = addr_n(i);
        ptr_record_set_address(r, &a);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
    }
    assert_status(ptr_store_owner_limit_set(s, t, "o1", 2, 10), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, t, "o2", 2, 20), PTR_OK);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    char *before = full_dump(s);

    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    /* Inserts: one into a new region, with a new project and owner; one into r1. */
    ptr_record *n = test_record("r9", "p9", "o9", "198.51.100.1", names, NULL);
    assert_status(ptr_store_insert(s, t, n), PTR_OK);
    ptr_record_set_region(n, "r1", 2);
    const ptr_addr mid = addr_n(1000);
    ptr_record_set_address(n, &mid);
    assert_status(ptr_store_insert(s, t, n), PTR_OK);
    /* Replaces: another owner and project, then the same record twice more. */
    ptr_record_set_region(r, "r1", 2);
    ptr_record_set_project(r, "p2", 2);
    ptr_record_set_owner(r, "o3", 2);
    const ptr_addr a5 = addr_n(5);
    ptr_record_set_address(r, &a5);
    ptr_record_set_ttl(r, 999);
    assert_status(ptr_store_replace(s, t, r), PTR_OK);
    ptr_record_set_owner(r, "o9", 2);
    assert_status(ptr_store_replace(s, t, r), PTR_OK);
    assert_status(ptr_store_replace(s, t, r), PTR_OK);
    /* Removes: every record of r2 (its region empties), 200 of r1 (blocks empty), then back. */
    for (uint32_t i = 0; i < 2; i++) {
        const ptr_addr a = addr_n(i);
        assert_status(ptr_store_remove(s, t, "r2", 2, &a), PTR_OK);
    }
    for (uint32_t i = 50; i < 250; i++) {
        const ptr_addr a = addr_n(i);
        assert_status(ptr_store_remove(s, t, "r1", 2, &a), PTR_OK);
    }
    ptr_record_set_region(r, "r2", 2);
    const ptr_addr a0 = addr_n(0);
    ptr_record_set_address(r, &a0);
    assert_status(ptr_store_insert(s, t, r), PTR_OK);
    /* Limits: one changed, one removed, one added, one added and removed again. */
    assert_status(ptr_store_owner_limit_set(s, t, "o1", 2, 11), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, t, "o2", 2), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, t, "o3", 2, 30), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, t, "o4", 2, 40), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, t, "o4", 2), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, t, "o2", 2, 21), PTR_OK);
    /* The transaction sees its own changes. */
    uint64_t v;
    assert_status(ptr_store_owner_limit_get(s, t, "o4", 2, &v), PTR_E_NOT_FOUND);
    assert_status(ptr_store_owner_limit_get(s, t, "o2", 2, &v), PTR_OK);
    assert_int_equal(v, 21);
    assert_status(ptr_store_count_owner(s, t, "o9", 2, &v), PTR_OK);
    assert_int_equal(v, 4);
    ptr_store_rollback(s, t);

    char *after = full_dump(s);
    assert_string_equal(before, after);
    free(after);

    /* The same transaction committed is not a no-op: the dump differs. */
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, t, "o2", 2), PTR_OK);
    assert_status(ptr_store_remove(s, t, "r2", 2, &a0), PTR_OK);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    after = full_dump(s);
    assert_string_not_equal(before, after);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    assert_status(ptr_store_owner_limit_get(s, t, "o2", 2, &v), PTR_E_NOT_FOUND);
    assert_status(ptr_store_owner_limit_get(s, t, "o1", 2, &v), PTR_OK);
    assert_int_equal(v, 10);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    free(after);
    free(before);
    ptr_record_free(n);
    ptr_record_free(r);
    ptr_store_free(s);
}

/* ---- the count slot ------------------------------------------------------------------------ */

static void count_filters(void **state)
{
    (void)state;
    ptr_store *s = make_memstore(NULL);
    static const char *const names[] = {"a.example.com.", NULL};
    static const char *const env[] = {"env=prod", NULL};
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    /* 60 records: region r1 or r2 by i % 2, project p1..p3 by i % 3, owner o1..o4 by i % 4. */
    for (uint32_t i = 0; i < 60; i++) {
        char region[4], project[4], owner[4];
        snprintf(region, sizeof region, "r%u", i % 2 + 1);
        snprintf(project, sizeof project, "p%u", i % 3 + 1);
        snprintf(owner, sizeof owner, "o%u", i % 4 + 1);
        ptr_record *r = test_record(region, project, owner, "10.0.0.1", names, i % 5 ? NULL : env);
        const ptr_addr a = addr_n(i);
        ptr_record_set_address(r, &a);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
        ptr_record_free(r);
    }
    assert_status(ptr_store_commit(s, t), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &t), PTR_OK);
    static const struct {
        const char *region, *project, *owner, *name;
        int tag;
        uint64_t want;
    } cases[] = {
        {"", "", "", "", 0, 60},     /* the whole store */
        {"r1", "", "", "", 0, 30},   /* a region */
        {"r3", "", "", "", 0, 0},    /* a region without records */
        {"r1", "p1", "", "", 0, 10}, /* i even and i % 3 == 0: i % 6 == 0 */
        {"r1", "p9", "", "", 0, 0},
        {"r1", "", "o1", "", 0, 15}, /* i % 4 == 0 */
        {"r2", "", "o1", "", 0, 0},  /* o1's are all even */
        {"", "", "o2", "", 0, 15},   /* across regions */
        {"", "", "o9", "", 0, 0},
        {"", "p2", "", "", 0, 20},    /* a project across regions */
        {"", "", "", "", 1, 12},      /* a tag: i % 5 == 0 */
        {"r1", "", "", "", 1, 6},     /* i % 10 == 0 */
        {"r1", "p1", "o1", "", 0, 5}, /* i % 12 == 0 */
        {"", "", "", "a.example.com.", 0, 60},
        {"r2", "", "", "b.example.com.", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ptr_store_filter f;
        ptr_store_filter_init(&f);
        f.region = (ptr_text){cases[i].region, strlen(cases[i].region)};
        f.project = (ptr_text){cases[i].project, strlen(cases[i].project)};
        f.owner = (ptr_text){cases[i].owner, strlen(cases[i].owner)};
        f.name = (ptr_text){cases[i].name, strlen(cases[i].name)};
        const ptr_tag tag = {"env", 3, NULL, 0};
        if (cases[i].tag) {
            f.tags = &tag;
            f.tag_count = 1;
        }
        uint64_t c = 12345;
        assert_status(ptr_store_count(s, t, &f, &c), PTR_OK);
        if (c != cases[i].want)
            fail_msg("case %zu: count %llu, want %llu", i, (unsigned long long)c,
                     (unsigned long long)cases[i].want);
    }
    assert_status(ptr_store_commit(s, t), PTR_OK);
    ptr_store_free(s);
}

/* ---- allocation failure inside the store ----------------------------------------------- */

typedef ptr_status (*write_op)(ptr_store *s, ptr_store_txn *t);

static ptr_status op_insert_split(ptr_store *s, ptr_store_txn *t)
{
    /* A new owner and project, the 193rd record (table growth), into a full block (split). */
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p3", "o9", "10.0.0.1", names, NULL);
    ptr_status st = ptr_store_insert(s, t, r);
    ptr_record_free(r);
    return st;
}
static ptr_status op_insert_region(ptr_store *s, ptr_store_txn *t)
{
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r9", "p9", "o8", "198.51.100.1", names, NULL);
    ptr_status st = ptr_store_insert(s, t, r);
    ptr_record_free(r);
    return st;
}
static ptr_status op_replace(ptr_store *s, ptr_store_txn *t)
{
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p2", "o3", "10.0.0.4", names, NULL);
    for (int i = 0; i < 40; i++)
        ptr_record_add_name(r, "a-longer-name-than-before.example.com.", 38);
    ptr_status st = ptr_store_replace(s, t, r);
    ptr_record_free(r);
    return st;
}
static ptr_status op_remove(ptr_store *s, ptr_store_txn *t)
{
    const ptr_addr a = addr_n(6);
    return ptr_store_remove(s, t, "r1", 2, &a);
}
static ptr_status op_limit_new(ptr_store *s, ptr_store_txn *t)
{
    return ptr_store_owner_limit_set(s, t, "o3", 2, 30);
}
static ptr_status op_limit_change(ptr_store *s, ptr_store_txn *t)
{
    return ptr_store_owner_limit_set(s, t, "o1", 2, 11);
}
static ptr_status op_limit_remove(ptr_store *s, ptr_store_txn *t)
{
    return ptr_store_owner_limit_remove(s, t, "o1", 2);
}

/* 192 records at even addresses (one full block, then half of one), owners o1..o8, a limit. */
static ptr_store *alloc_fail_base(void)
{
    ptr_store *s = NULL;
    assert_status(ptr_memstore_new(&fail_alloc, &s), PTR_OK);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p1", "o1", "10.0.0.1", names, NULL);
    ptr_store_txn *t;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
    for (uint32_t i = 0; i < 192; i++) {
        const ptr_addr a = addr_n(2 * i);
        char owner[4];
        snprintf(owner, sizeof owner, "o%u", i % 8 + 1);
        ptr_record_set_address(r, &a);
        ptr_record_set_owner(r, owner, 2);
        assert_status(ptr_store_insert(s, t, r), PTR_OK);
    }
    assert_status(ptr_store_owner_limit_set(s, t, "o1", 2, 10), PTR_OK);
    assert_status(ptr_store_commit(s, t), PTR_OK);
    ptr_record_free(r);
    return s;
}

/*
 * Each write, on a fresh base store each time (so that table growth a
 * failed attempt left behind does not hide the next failure point), with
 * its 1st, 2nd, ... allocation failing, returns PTR_E_NOMEM and changes
 * nothing: the transaction is then committed, not rolled back, so that a
 * change the failing call left behind would show; nothing leaks. Returns
 * the number of allocations the write makes.
 */
static long each_allocation_fails(write_op op)
{
    for (long n = 1;; n++) {
        assert_true(n < 100);
        ptr_store *s = alloc_fail_base();
        char *before = full_dump(s);
        ptr_store_txn *t;
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &t), PTR_OK);
        fail_alloc_calls = 0;
        fail_alloc_at = n;
        const ptr_status st = op(s, t);
        const int fired = fail_alloc_calls >= n;
        fail_alloc_at = 0;
        assert_status(ptr_store_commit(s, t), PTR_OK);
        char *after = full_dump(s);
        if (!fired) {
            assert_status(st, PTR_OK);
            assert_string_not_equal(before, after);
        } else {
            assert_status(st, PTR_E_NOMEM);
            assert_string_equal(before, after);
        }
        free(before);
        free(after);
        ptr_store_free(s);
        assert_int_equal(fail_alloc_live, 0);
        if (!fired)
            return n - 1;
    }
}

static void allocation_failures(void **state)
{
    (void)state;
    /* At least (the record's own may vary with record.c): the record; the project's key; the owner
     * map's growth and key; the table's growth; a block. */
    assert_true(each_allocation_fails(op_insert_split) >= 6);
    /* The record; the region's key and object; its project map and key; its table; its
     * directory (two arrays) and first block. */
    assert_true(each_allocation_fails(op_insert_region) >= 9);
    /* The record (with this record.c, also its name spans and its text); the new project's key. */
    assert_true(each_allocation_fails(op_replace) >= 2);
    /* The spare block and its array, for the re-insert a rollback would make. */
    assert_int_equal(each_allocation_fails(op_remove), 2);
    /* The owner's key. */
    assert_int_equal(each_allocation_fails(op_limit_new), 1);
    assert_int_equal(each_allocation_fails(op_limit_change), 0);
    assert_int_equal(each_allocation_fails(op_limit_remove), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registration_rules),
        cmocka_unit_test(writes_need_a_write_txn),
        cmocka_unit_test(volume),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(ordered_inserts),
        cmocka_unit_test(rollback_everything),
        cmocka_unit_test(count_filters),
        cmocka_unit_test(allocation_failures),
    };
    int failed = cmocka_run_group_tests_name("memstore", tests, NULL, NULL);
    failed += store_conformance_run("memstore conformance", make_memstore, NULL);
    return failed ? 1 : 0;
}
