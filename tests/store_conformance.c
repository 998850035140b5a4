/* The store conformance suite; see store_conformance.h. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "fault_store.h"
#include "ptr_test.h"
#include "store_conformance.h"
#include "store_conformance_dns.h"

static conformance_make_fn g_make;
static void *g_arg;
static int g_checked; /* service_faults_run_checked: wrap with the insert_checked slot */

/* ---- helpers shared with other tests ------------------------------------------ */

ptr_record *test_record(const char *region, const char *project, const char *owner,
                        const char *addr, const char *const *names, const char *const *tags)
{
    ptr_record *r;
    ptr_addr a;
    if (ptr_record_new(NULL, &r) != PTR_OK || ptr_addr_parse(addr, strlen(addr), &a) != PTR_OK)
        abort();
    ptr_record_set_region(r, region, strlen(region));
    ptr_record_set_project(r, project, strlen(project));
    ptr_record_set_owner(r, owner, strlen(owner));
    ptr_record_set_address(r, &a);
    for (size_t i = 0; names && names[i]; i++)
        ptr_record_add_name(r, names[i], strlen(names[i]));
    for (size_t i = 0; tags && tags[i]; i++) {
        const char *eq = strchr(tags[i], '=');
        ptr_record_add_tag(r, tags[i], (size_t)(eq - tags[i]), eq + 1, strlen(eq + 1));
    }
    ptr_record_set_ttl(r, 300);
    ptr_record_set_description(r, "d", 1);
    ptr_record_set_created(r, 1000);
    ptr_record_set_updated(r, 1001);
    ptr_record_set_revision(r, 1);
    return r;
}

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_num(sbuf *b, long long v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%lld|", v);
    sb_add(b, t, (size_t)n);
}

static int dump_visit(void *p, const ptr_record *r)
{
    sbuf *b = p;
    size_t n;
    const char *s;
    char a[PTR_ADDR_STRLEN];
    ptr_addr_format(ptr_record_address(r), a, sizeof a, NULL);
    s = ptr_record_region(r, &n);
    sb_add(b, s, n);
    sb_str(b, "|");
    s = ptr_record_project(r, &n);
    sb_add(b, s, n);
    sb_str(b, "|");
    s = ptr_record_owner(r, &n);
    sb_add(b, s, n);
    sb_str(b, "|");
    sb_str(b, a);
    sb_str(b, "|");
    sb_num(b, ptr_record_ttl(r));
    sb_num(b, (long long)ptr_record_revision(r));
    sb_num(b, ptr_record_created(r));
    sb_num(b, ptr_record_updated(r));
    s = ptr_record_description(r, &n);
    sb_add(b, s, n);
    sb_str(b, "|dns:");
    sb_str(b, ptr_dns_status_name(ptr_record_dns_status(r)));
    sb_str(b, ",");
    sb_str(b, ptr_dns_action_name(ptr_record_dns_action(r)));
    sb_str(b, ptr_record_in_dns(r) ? ",in," : ",out,");
    s = ptr_record_dns_error(r, &n);
    sb_add(b, s, n);
    for (size_t i = 0; i < ptr_record_name_count(r); i++) {
        sb_str(b, "|n:");
        s = ptr_record_name(r, i, &n);
        sb_add(b, s, n);
    }
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        ptr_record_tag(r, i, &t);
        sb_str(b, "|t:");
        sb_add(b, t.key, t.key_len);
        sb_str(b, "=");
        sb_add(b, t.value, t.value_len);
    }
    sb_str(b, "\n");
    return 0;
}

static int dump_limit(void *p, const char *owner, size_t len, uint64_t limit)
{
    sbuf *b = p;
    sb_add(b, owner, len);
    sb_str(b, "=");
    sb_num(b, (long long)limit);
    return 0;
}

char *store_dump(ptr_store *s)
{
    sbuf b = {0};
    sb_str(&b, "");
    ptr_store_txn *txn;
    if (ptr_store_begin(s, PTR_TXN_READ, &txn) != PTR_OK)
        abort();
    static const char *const regions[] = {"r1", "r2"};
    for (size_t i = 0; i < 2; i++) {
        ptr_store_filter f;
        ptr_store_filter_init(&f);
        f.region = (ptr_text){regions[i], 2};
        if (ptr_store_scan(s, txn, &f, NULL, dump_visit, &b) != PTR_OK)
            abort();
    }
    static const char *const owners[] = {"o1", "o2", "o3"};
    for (size_t i = 0; i < 3; i++) {
        uint64_t c;
        if (ptr_store_count_owner(s, txn, owners[i], 2, &c) != PTR_OK)
            abort();
        sb_num(&b, (long long)c);
    }
    /* The whole store's count, where the store answers one (version 3), and the owners' limits. */
    ptr_store_filter all;
    ptr_store_filter_init(&all);
    uint64_t total;
    ptr_status st = ptr_store_count(s, txn, &all, &total);
    if (st == PTR_OK) {
        sb_str(&b, "total:");
        sb_num(&b, (long long)total);
    } else if (st != PTR_E_UNSUPPORTED) {
        abort();
    }
    if (ptr_store_has_owner_limits(s)) {
        sb_str(&b, "limits:");
        if (ptr_store_owner_limit_scan(s, txn, dump_limit, &b) != PTR_OK)
            abort();
    }
    ptr_store_commit(s, txn);
    return b.s;
}

/* ---- small wrappers ------------------------------------------------------------ */

static ptr_status put(ptr_store *s, const ptr_record *r)
{
    ptr_store_txn *txn;
    ptr_status st = ptr_store_begin(s, PTR_TXN_WRITE, &txn);
    if (st != PTR_OK)
        return st;
    st = ptr_store_insert(s, txn, r);
    if (st != PTR_OK) {
        ptr_store_rollback(s, txn);
        return st;
    }
    return ptr_store_commit(s, txn);
}

static uint64_t owner_count(ptr_store *s, const char *owner)
{
    ptr_store_txn *txn;
    uint64_t c = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, owner, strlen(owner), &c), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    return c;
}

static ptr_status fetch(ptr_store *s, const char *region, const char *addr, ptr_record *out)
{
    ptr_addr a;
    ptr_store_txn *txn;
    assert_status(ptr_addr_parse(addr, strlen(addr), &a), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    ptr_status st = ptr_store_get(s, txn, region, strlen(region), &a, out);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    return st;
}

static int setup(void **state)
{
    *state = g_make(g_arg);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    ptr_store_free(*state);
    return 0;
}

static const char *const N1[] = {"a.example.com.", "b.example.com.", NULL};
static const char *const T1[] = {"env=prod", "team=", NULL};

/* ---- the tests ------------------------------------------------------------------ */

static void empty_store(void **state)
{
    ptr_store *s = *state;
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(fetch(s, "r1", "203.0.113.1", r), PTR_E_NOT_FOUND);
    assert_int_equal(owner_count(s, "o1"), 0);
    char *d = store_dump(s);
    /* No record, no owner counted; a version 3 store counts none in all, and keeps no limit. */
    assert_true(strcmp(d, "0|0|0|") == 0 || strcmp(d, "0|0|0|total:0|") == 0 ||
                strcmp(d, "0|0|0|total:0|limits:") == 0);
    free(d);
    ptr_record_free(r);
}

static void insert_get_roundtrip(void **state)
{
    ptr_store *s = *state;
    ptr_record *r = test_record("r1", "p1", "o1", "2001:db8::1", N1, T1), *got;
    ptr_record_set_ttl(r, 86400);
    ptr_record_set_revision(r, 7);
    ptr_record_set_description(r, "caf\xc3\xa9", 5);
    assert_status(put(s, r), PTR_OK);
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(fetch(s, "r1", "2001:db8::1", got), PTR_OK);
    /* Every field comes back exactly. */
    sbuf a = {0}, b = {0};
    dump_visit(&a, r);
    dump_visit(&b, got);
    assert_string_equal(a.s, b.s);
    assert_int_equal(ptr_record_revision(got), 7);
    free(a.s);
    free(b.s);
    /* The same address in another region is another record. */
    assert_status(fetch(s, "r2", "2001:db8::1", got), PTR_E_NOT_FOUND);
    ptr_record_free(r);
    ptr_record_free(got);
}

static void insert_duplicate(void **state)
{
    ptr_store *s = *state;
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", N1, NULL);
    ptr_record *r2 = test_record("r1", "p2", "o2", "203.0.113.1", N1, T1);
    assert_status(put(s, r), PTR_OK);
    char *before = store_dump(s);
    assert_status(put(s, r2), PTR_E_EXISTS);
    char *after = store_dump(s);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* Another region may have the address. */
    ptr_record_set_region(r2, "r2", 2);
    assert_status(put(s, r2), PTR_OK);
    assert_int_equal(owner_count(s, "o1"), 1);
    assert_int_equal(owner_count(s, "o2"), 1);
    ptr_record_free(r);
    ptr_record_free(r2);
}

/* ptr_store_insert_checked in a write transaction; the dump after it. */
static ptr_status put_checked(ptr_store *s, const ptr_record *r, uint64_t limit)
{
    ptr_store_txn *txn;
    ptr_status st = ptr_store_begin(s, PTR_TXN_WRITE, &txn);
    if (st != PTR_OK)
        return st;
    st = ptr_store_insert_checked(s, txn, r, limit);
    if (st != PTR_OK) {
        ptr_store_rollback(s, txn);
        return st;
    }
    return ptr_store_commit(s, txn);
}

/*
 * insert_checked (the slot, or libptr's get, count_owner, insert for a store
 * without it): taken key first, then the owner's count against the limit,
 * then the insert; a refusal changes nothing, a rollback undoes the insert.
 */
static void insert_checked_rules(void **state)
{
    ptr_store *s = *state;
    ptr_record *a = test_record("r1", "p1", "o1", "203.0.113.1", N1, NULL);
    ptr_record *b = test_record("r1", "p2", "o2", "203.0.113.1", N1, T1);
    ptr_record *c = test_record("r1", "p1", "o1", "203.0.113.2", N1, NULL);
    char *empty = store_dump(s);
    assert_status(put_checked(s, a, 0), PTR_E_QUOTA);
    char *now = store_dump(s);
    assert_string_equal(now, empty);
    free(now);
    assert_status(put_checked(s, a, 1), PTR_OK);
    char *one = store_dump(s);
    /* A taken key is refused before the count is looked at, whatever the limit. */
    assert_status(put_checked(s, b, 0), PTR_E_EXISTS);
    assert_status(put_checked(s, b, 100), PTR_E_EXISTS);
    assert_status(put_checked(s, c, 1), PTR_E_QUOTA);
    now = store_dump(s);
    assert_string_equal(now, one);
    free(now);
    /* Rolled back, it leaves nothing. */
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, c, 2), PTR_OK);
    ptr_store_rollback(s, txn);
    now = store_dump(s);
    assert_string_equal(now, one);
    free(now);
    assert_status(put_checked(s, c, 2), PTR_OK);
    assert_int_equal(owner_count(s, "o1"), 2);
    /* Another region's record of the same address, for another owner. */
    ptr_record_set_region(b, "r2", 2);
    assert_status(put_checked(s, b, 1), PTR_OK);
    assert_int_equal(owner_count(s, "o2"), 1);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(fetch(s, "r2", "203.0.113.1", got), PTR_OK);
    sbuf x = {0}, y = {0};
    dump_visit(&x, b);
    dump_visit(&y, got);
    assert_string_equal(x.s, y.s);
    free(x.s);
    free(y.s);
    free(one);
    free(empty);
    ptr_record_free(got);
    ptr_record_free(a);
    ptr_record_free(b);
    ptr_record_free(c);
}

static void replace_and_remove(void **state)
{
    ptr_store *s = *state;
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", N1, NULL), *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    ptr_store_txn *txn;
    ptr_addr a = *ptr_record_address(r);

    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_E_NOT_FOUND);
    assert_status(ptr_store_remove(s, txn, "r1", 2, &a), PTR_E_NOT_FOUND);
    ptr_store_rollback(s, txn);

    assert_status(put(s, r), PTR_OK);
    ptr_record_set_owner(r, "o2", 2);
    ptr_record_set_ttl(r, 60);
    ptr_record_clear_names(r);
    ptr_record_add_name(r, "c.example.com.", 14);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_status(fetch(s, "r1", "203.0.113.1", got), PTR_OK);
    assert_int_equal(ptr_record_ttl(got), 60);
    assert_int_equal(ptr_record_name_count(got), 1);
    assert_string_equal(ptr_record_name(got, 0, NULL), "c.example.com.");
    /* The owner moved, and so did the count. */
    assert_int_equal(owner_count(s, "o1"), 0);
    assert_int_equal(owner_count(s, "o2"), 1);

    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_remove(s, txn, "r1", 2, &a), PTR_OK);
    assert_status(ptr_store_remove(s, txn, "r1", 2, &a), PTR_E_NOT_FOUND);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_status(fetch(s, "r1", "203.0.113.1", got), PTR_E_NOT_FOUND);
    assert_int_equal(owner_count(s, "o2"), 0);
    ptr_record_free(r);
    ptr_record_free(got);
}

static void rollback_undoes_everything(void **state)
{
    ptr_store *s = *state;
    ptr_record *a = test_record("r1", "p1", "o1", "203.0.113.1", N1, T1);
    ptr_record *b = test_record("r1", "p1", "o1", "203.0.113.2", N1, NULL);
    ptr_record *c = test_record("r1", "p1", "o2", "203.0.113.3", N1, NULL);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(put(s, a), PTR_OK);
    assert_status(put(s, b), PTR_OK);
    char *before = store_dump(s);

    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, c), PTR_OK);
    ptr_record_set_ttl(a, 5);
    ptr_record_set_owner(a, "o3", 2);
    assert_status(ptr_store_replace(s, txn, a), PTR_OK);
    assert_status(ptr_store_remove(s, txn, "r1", 2, ptr_record_address(b)), PTR_OK);
    /* The transaction sees its own changes... */
    assert_status(ptr_store_get(s, txn, "r1", 2, ptr_record_address(c), got), PTR_OK);
    assert_status(ptr_store_get(s, txn, "r1", 2, ptr_record_address(b), got), PTR_E_NOT_FOUND);
    assert_status(ptr_store_get(s, txn, "r1", 2, ptr_record_address(a), got), PTR_OK);
    assert_int_equal(ptr_record_ttl(got), 5);
    uint64_t n;
    assert_status(ptr_store_count_owner(s, txn, "o1", 2, &n), PTR_OK);
    assert_int_equal(n, 0);
    /* ...also in a scan... */
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){"r1", 2};
    sbuf sb = {0};
    sb_str(&sb, "");
    assert_status(ptr_store_scan(s, txn, &f, NULL, dump_visit, &sb), PTR_OK);
    assert_non_null(strstr(sb.s, "203.0.113.3"));
    assert_null(strstr(sb.s, "203.0.113.2"));
    free(sb.s);
    /* ...and a rollback leaves no trace of them. */
    ptr_store_rollback(s, txn);
    char *after = store_dump(s);
    assert_string_equal(before, after);
    free(before);
    free(after);
    ptr_record_free(a);
    ptr_record_free(b);
    ptr_record_free(c);
    ptr_record_free(got);
}

typedef struct collect {
    ptr_addr seen[256];
    size_t n;
    size_t stop_after; /* 0: never */
} collect;

static int collect_visit(void *p, const ptr_record *r)
{
    collect *c = p;
    if (c->n < 256)
        c->seen[c->n] = *ptr_record_address(r);
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static size_t scan_region(ptr_store *s, const ptr_store_filter *f, const ptr_addr *after,
                          collect *c)
{
    ptr_store_txn *txn;
    c->n = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_scan(s, txn, f, after, collect_visit, c), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    return c->n;
}

static void scan_filters(void **state)
{
    ptr_store *s = *state;
    static const char *const na[] = {"x.example.com.", NULL};
    static const char *const ta[] = {"env=prod", NULL};
    static const char *const tb[] = {"env=dev", "k=", NULL};
    ptr_record *recs[] = {
        test_record("r1", "p1", "o1", "203.0.113.9", na, ta),
        test_record("r1", "p1", "o2", "198.51.100.1", N1, tb),
        test_record("r1", "p2", "o1", "2001:db8::5", na, tb),
        test_record("r2", "p1", "o1", "192.0.2.1", na, ta),
    };
    for (size_t i = 0; i < 4; i++)
        assert_status(put(s, recs[i]), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    collect c = {0};
    f.region = (ptr_text){"r1", 2};
    assert_int_equal(scan_region(s, &f, NULL, &c), 3);
    /* Address order: IPv4 by value, then IPv6. */
    assert_true(ptr_addr_equal(&c.seen[0], ptr_record_address(recs[1])));
    assert_true(ptr_addr_equal(&c.seen[1], ptr_record_address(recs[0])));
    assert_true(ptr_addr_equal(&c.seen[2], ptr_record_address(recs[2])));
    f.project = (ptr_text){"p1", 2};
    assert_int_equal(scan_region(s, &f, NULL, &c), 2);
    f.owner = (ptr_text){"o1", 2};
    assert_int_equal(scan_region(s, &f, NULL, &c), 1);
    f.project = f.owner = (ptr_text){NULL, 0};
    const ptr_tag env_any = {"env", 3, NULL, 0}, env_dev = {"env", 3, "dev", 3};
    const ptr_tag k_empty = {"k", 1, "", 0}, missing = {"nope", 4, NULL, 0};
    f.tags = &env_any;
    f.tag_count = 1;
    assert_int_equal(scan_region(s, &f, NULL, &c), 3);
    f.tags = &env_dev;
    assert_int_equal(scan_region(s, &f, NULL, &c), 2);
    ptr_tag two[2] = {env_dev, k_empty};
    f.tags = two;
    f.tag_count = 2;
    assert_int_equal(scan_region(s, &f, NULL, &c), 2);
    f.tags = &missing;
    f.tag_count = 1;
    assert_int_equal(scan_region(s, &f, NULL, &c), 0);
    f.tags = NULL;
    f.tag_count = 0;
    f.name = (ptr_text){"x.example.com.", 14};
    assert_int_equal(scan_region(s, &f, NULL, &c), 2);
    f.name = (ptr_text){"b.example.com.", 14};
    assert_int_equal(scan_region(s, &f, NULL, &c), 1);
    f.name = (ptr_text){NULL, 0};
    /* After a marker, and stopping early. */
    assert_int_equal(scan_region(s, &f, ptr_record_address(recs[1]), &c), 2);
    assert_true(ptr_addr_equal(&c.seen[0], ptr_record_address(recs[0])));
    c.stop_after = 1;
    assert_int_equal(scan_region(s, &f, NULL, &c), 1);
    c.stop_after = 0;
    f.region = (ptr_text){"r3", 2};
    assert_int_equal(scan_region(s, &f, NULL, &c), 0);
    for (size_t i = 0; i < 4; i++)
        ptr_record_free(recs[i]);
}

/*
 * Random inserts, replaces, removes and rollbacks against a model: after each
 * transaction every scan (from the start and from random markers) must give
 * exactly the model's records in order, and gets and counts must agree.
 */
#define POOL 96
static void random_against_model(void **state)
{
    ptr_store *s = *state;
    ptr_addr pool[POOL];
    char text[POOL][PTR_ADDR_STRLEN];
    for (size_t i = 0; i < POOL; i++) {
        if (i % 3 == 2)
            snprintf(text[i], sizeof text[i], "2001:db8::%zx", (i * 977) & 0xffff);
        else
            snprintf(text[i], sizeof text[i], "%zu.%zu.0.%zu", 1 + i % 7, i % 5, i);
        assert_status(ptr_addr_parse(text[i], strlen(text[i]), &pool[i]), PTR_OK);
    }
    /* Sort the pool into store order, so the model's order is the index order. */
    for (size_t i = 1; i < POOL; i++)
        for (size_t j = i; j > 0 && ptr_addr_compare(&pool[j - 1], &pool[j]) > 0; j--) {
            ptr_addr t = pool[j];
            pool[j] = pool[j - 1];
            pool[j - 1] = t;
        }
    int model[2][POOL] = {{0}};
    uint64_t rng = 42;
    ptr_record *r, *got;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    static const char *const regions[2] = {"r1", "r2"};
    for (int round = 0; round < 150; round++) {
        int next[2][POOL];
        memcpy(next, model, sizeof next);
        ptr_store_txn *txn;
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
        const int ops = 1 + (int)(ptr_test_rand(&rng) % 6);
        for (int k = 0; k < ops; k++) {
            const size_t g = (size_t)(ptr_test_rand(&rng) % 2);
            const size_t i = (size_t)(ptr_test_rand(&rng) % POOL);
            ptr_record_reset(r);
            ptr_record_set_region(r, regions[g], 2);
            ptr_record_set_project(r, "p", 1);
            ptr_record_set_owner(r, "o1", 2);
            ptr_record_set_address(r, &pool[i]);
            ptr_record_add_name(r, "n.example.com.", 14);
            ptr_record_set_revision(r, (uint64_t)round);
            switch (ptr_test_rand(&rng) % 4) {
            case 0:
                assert_status(ptr_store_insert(s, txn, r), next[g][i] ? PTR_E_EXISTS : PTR_OK);
                next[g][i] = 1;
                break;
            case 3: {
                /* insert_checked against a limit around the owner's count. */
                uint64_t used = 0;
                for (size_t gg = 0; gg < 2; gg++)
                    for (size_t j = 0; j < POOL; j++)
                        used += (uint64_t)next[gg][j];
                const uint64_t limit = used + ptr_test_rand(&rng) % 3 - 1 + (used == 0);
                const ptr_status want = next[g][i]      ? PTR_E_EXISTS
                                        : used >= limit ? PTR_E_QUOTA
                                                        : PTR_OK;
                assert_status(ptr_store_insert_checked(s, txn, r, limit), want);
                if (want == PTR_OK)
                    next[g][i] = 1;
                break;
            }
            case 1:
                assert_status(ptr_store_replace(s, txn, r), next[g][i] ? PTR_OK : PTR_E_NOT_FOUND);
                break;
            default:
                assert_status(ptr_store_remove(s, txn, regions[g], 2, &pool[i]),
                              next[g][i] ? PTR_OK : PTR_E_NOT_FOUND);
                next[g][i] = 0;
            }
            if (ptr_test_rand(&rng) % 4 == 0) {
                /* A scan in the middle of the transaction sees its changes too. */
                ptr_store_filter f;
                ptr_store_filter_init(&f);
                f.region = (ptr_text){regions[g], 2};
                collect c = {0};
                assert_status(ptr_store_scan(s, txn, &f, NULL, collect_visit, &c), PTR_OK);
                size_t want = 0;
                for (size_t j = 0; j < POOL; j++)
                    want += (size_t)next[g][j];
                assert_int_equal(c.n, want);
            }
        }
        if (ptr_test_rand(&rng) % 3 == 0) {
            ptr_store_rollback(s, txn);
        } else {
            assert_status(ptr_store_commit(s, txn), PTR_OK);
            memcpy(model, next, sizeof model);
        }
        size_t total = 0;
        for (size_t g = 0; g < 2; g++) {
            ptr_store_filter f;
            ptr_store_filter_init(&f);
            f.region = (ptr_text){regions[g], 2};
            const size_t start = (size_t)(ptr_test_rand(&rng) % POOL);
            collect c = {0};
            scan_region(s, &f, round % 2 ? &pool[start] : NULL, &c);
            size_t at = 0;
            for (size_t j = round % 2 ? start + 1 : 0; j < POOL; j++) {
                if (!model[g][j])
                    continue;
                assert_true(at < c.n);
                assert_true(ptr_addr_equal(&c.seen[at], &pool[j]));
                at++;
            }
            assert_int_equal(at, c.n);
            for (size_t j = 0; j < POOL; j++) {
                total += (size_t)model[g][j];
                if (j % 8 == (size_t)round % 8) {
                    char t[PTR_ADDR_STRLEN];
                    ptr_addr_format(&pool[j], t, sizeof t, NULL);
                    assert_status(fetch(s, regions[g], t, got),
                                  model[g][j] ? PTR_OK : PTR_E_NOT_FOUND);
                }
            }
        }
        assert_int_equal(owner_count(s, "o1"), total);
    }
    ptr_record_free(r);
    ptr_record_free(got);
}

/* ---- concurrency: the isolation contract ------------------------------------------ */

typedef struct race {
    ptr_store *s;
    int id;
    uint64_t limit;
    int same_addr;
    ptr_status result;
} race;

/* The service's algorithm, at store level, in one write txn: get, count, insert, commit, or
 * insert_checked, commit. */
static void *race_thread(void *p)
{
    race *r = p;
    char addr[32];
    snprintf(addr, sizeof addr, "203.0.113.%d", r->same_addr ? 200 : 10 + r->id);
    ptr_record *rec = test_record("r1", "p1", "o1", addr, N1, NULL), *scratch;
    if (ptr_record_new(NULL, &scratch) != PTR_OK)
        abort();
    ptr_store_txn *txn;
    ptr_status st = ptr_store_begin(r->s, PTR_TXN_WRITE, &txn);
    if (st == PTR_OK && (r->id & 1)) {
        /* Half the threads take the one-call path, against the other half's three calls. */
        st = ptr_store_insert_checked(r->s, txn, rec, r->limit);
        if (st == PTR_OK)
            st = ptr_store_commit(r->s, txn);
        else
            ptr_store_rollback(r->s, txn);
    } else if (st == PTR_OK) {
        uint64_t n = 0;
        st = ptr_store_get(r->s, txn, "r1", 2, ptr_record_address(rec), scratch);
        if (st == PTR_OK)
            st = PTR_E_EXISTS;
        else if (st == PTR_E_NOT_FOUND)
            st = ptr_store_count_owner(r->s, txn, "o1", 2, &n);
        if (st == PTR_OK && n >= r->limit)
            st = PTR_E_QUOTA;
        if (st == PTR_OK)
            st = ptr_store_insert(r->s, txn, rec);
        if (st == PTR_OK)
            st = ptr_store_commit(r->s, txn);
        else
            ptr_store_rollback(r->s, txn);
    }
    r->result = st;
    ptr_record_free(rec);
    ptr_record_free(scratch);
    return NULL;
}

static void run_race(ptr_store *s, uint64_t limit, int same, int *ok, int *quota, int *exists)
{
    enum { T = 8 };
    pthread_t th[T];
    race r[T];
    for (int i = 0; i < T; i++) {
        r[i] = (race){s, i, limit, same, PTR_E_INVAL};
        assert_int_equal(pthread_create(&th[i], NULL, race_thread, &r[i]), 0);
    }
    *ok = *quota = *exists = 0;
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        *ok += r[i].result == PTR_OK;
        *quota += r[i].result == PTR_E_QUOTA;
        *exists += r[i].result == PTR_E_EXISTS;
    }
}

static void race_quota_boundary(void **state)
{
    ptr_store *s = *state;
    /* Two records already there; a limit of 5 leaves room for exactly 3 of 8. */
    static const char *const pre[] = {"198.51.100.1", "198.51.100.2"};
    for (int i = 0; i < 2; i++) {
        ptr_record *r = test_record("r1", "p1", "o1", pre[i], N1, NULL);
        assert_status(put(s, r), PTR_OK);
        ptr_record_free(r);
    }
    int ok, quota, exists;
    run_race(s, 5, 0, &ok, &quota, &exists);
    assert_int_equal(ok, 3);
    assert_int_equal(quota, 5);
    assert_int_equal(owner_count(s, "o1"), 5);
}

static void race_same_address(void **state)
{
    ptr_store *s = *state;
    int ok, quota, exists;
    run_race(s, 100, 1, &ok, &quota, &exists);
    assert_int_equal(ok, 1);
    assert_int_equal(exists, 7);
    assert_int_equal(owner_count(s, "o1"), 1);
}

typedef struct waiter {
    ptr_store *s;
    uint64_t seen;
    ptr_status st;
} waiter;

static void *second_writer(void *p)
{
    waiter *w = p;
    ptr_store_txn *txn;
    w->st = ptr_store_begin(w->s, PTR_TXN_WRITE, &txn);
    if (w->st == PTR_OK) {
        w->st = ptr_store_count_owner(w->s, txn, "o1", 2, &w->seen);
        ptr_store_rollback(w->s, txn);
    }
    return NULL;
}

/*
 * The contract itself: a write transaction begun while another is open must
 * not proceed until that one ends, so it sees the first one's insert. A
 * store with no-op transactions fails here.
 */
static void write_txns_are_isolated(void **state)
{
    ptr_store *s = *state;
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", N1, NULL);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    waiter w = {s, 0, PTR_E_INVAL};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
    const struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    pthread_join(th, NULL);
    assert_status(w.st, PTR_OK);
    assert_int_equal(w.seen, 1);
    ptr_record_free(r);
}

/* ptr_store_count in a read transaction; -1 on failure. */
static long long count_of(ptr_store *s, const char *region, const char *project, const char *owner)
{
    ptr_store_txn *txn;
    if (ptr_store_begin(s, PTR_TXN_READ, &txn) != PTR_OK)
        return -1;
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){region, strlen(region)};
    f.project = (ptr_text){project, strlen(project)};
    f.owner = (ptr_text){owner, strlen(owner)};
    uint64_t n = 0;
    ptr_status st = ptr_store_count(s, txn, &f, &n);
    ptr_store_commit(s, txn);
    return st == PTR_OK ? (long long)n : -1;
}

/* The count slot counts what a scan from the start visits, with any filter. */
static void count_matches_scan(void **state)
{
    ptr_store *s = *state;
    static const char *const n1[] = {"a.example.com.", NULL}, *const n2[] = {"b.example.com.", NULL};
    static const char *const t1[] = {"env=prod", NULL};
    const char *spec[][4] = {{"r1", "p1", "o1", "203.0.113.1"}, {"r1", "p1", "o2", "203.0.113.2"},
                             {"r1", "p2", "o1", "203.0.113.3"}, {"r2", "p1", "o1", "203.0.113.1"},
                             {"r1", "p1", "o1", "2001:db8::1"}};
    for (size_t i = 0; i < 5; i++) {
        ptr_record *r = test_record(spec[i][0], spec[i][1], spec[i][2], spec[i][3],
                                    i % 2 ? n2 : n1, i == 1 ? t1 : NULL);
        assert_status(put(s, r), PTR_OK);
        ptr_record_free(r);
    }
    assert_int_equal(count_of(s, "r1", "", ""), 4);
    assert_int_equal(count_of(s, "r1", "p1", ""), 3);
    assert_int_equal(count_of(s, "r1", "p1", "o1"), 2);
    assert_int_equal(count_of(s, "r2", "", ""), 1);
    assert_int_equal(count_of(s, "r3", "", ""), 0);
    assert_int_equal(count_of(s, "", "", ""), 5); /* the whole store */
    assert_int_equal(count_of(s, "", "p2", ""), 1);
    /* Name and tag filters count as scan filters them. */
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.name = (ptr_text){PTR_LIT("b.example.com.")};
    uint64_t n = 99;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 1);
    const ptr_tag want = {PTR_LIT("env"), NULL, 0};
    f.name = (ptr_text){NULL, 0};
    f.tags = &want;
    f.tag_count = 1;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 1);
    /* A write transaction counts its own changes. */
    ptr_store_commit(s, txn);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    ptr_addr a;
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.1"), &a), PTR_OK);
    assert_status(ptr_store_remove(s, txn, PTR_LIT("r1"), &a), PTR_OK);
    ptr_store_filter_init(&f);
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 4);
    ptr_store_rollback(s, txn);
    assert_int_equal(count_of(s, "", "", ""), 5);
}

static ptr_status limit_of(ptr_store *s, const char *owner, uint64_t *limit)
{
    ptr_store_txn *txn;
    ptr_status st = ptr_store_begin(s, PTR_TXN_READ, &txn);
    if (st != PTR_OK)
        return st;
    st = ptr_store_owner_limit_get(s, txn, owner, strlen(owner), limit);
    ptr_store_commit(s, txn);
    return st;
}

static int collect_limit(void *p, const char *owner, size_t len, uint64_t limit)
{
    sbuf *b = p;
    sb_add(b, owner, len);
    sb_str(b, "=");
    sb_num(b, (long long)limit);
    return 0;
}

/* Owner limits, where the store keeps them: set, replace, remove, scan order, rollback. */
static void owner_limits(void **state)
{
    ptr_store *s = *state;
    uint64_t l = 0;
    if (!ptr_store_has_owner_limits(s)) {
        assert_status(limit_of(s, "o1", &l), PTR_E_UNSUPPORTED);
        return;
    }
    assert_status(limit_of(s, "o1", &l), PTR_E_NOT_FOUND);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, txn, PTR_LIT("o2"), 7), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, txn, PTR_LIT("o1"), 3), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, txn, PTR_LIT("o1"), 4), PTR_OK); /* replaces */
    assert_status(ptr_store_owner_limit_get(s, txn, PTR_LIT("o1"), &l), PTR_OK);
    assert_int_equal(l, 4);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    sbuf b = {0};
    sb_str(&b, "");
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_owner_limit_scan(s, txn, collect_limit, &b), PTR_OK);
    ptr_store_commit(s, txn);
    assert_string_equal(b.s, "o1=4|o2=7|");
    free(b.s);
    /* Rolled back: set, remove and a new owner all undone. */
    char *before = store_dump(s);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, txn, PTR_LIT("o1"), 9), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, txn, PTR_LIT("o2")), PTR_OK);
    assert_status(ptr_store_owner_limit_set(s, txn, PTR_LIT("o3"), 1), PTR_OK);
    assert_status(ptr_store_owner_limit_get(s, txn, PTR_LIT("o2"), &l), PTR_E_NOT_FOUND);
    ptr_store_rollback(s, txn);
    char *after = store_dump(s);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_status(limit_of(s, "o2", &l), PTR_OK);
    assert_int_equal(l, 7);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, txn, PTR_LIT("o2")), PTR_OK);
    assert_status(ptr_store_owner_limit_remove(s, txn, PTR_LIT("o2")), PTR_E_NOT_FOUND);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_status(limit_of(s, "o2", &l), PTR_E_NOT_FOUND);
}

int store_conformance_run(const char *name, conformance_make_fn make, void *arg)
{
    g_make = make;
    g_arg = arg;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(empty_store, setup, teardown),
        cmocka_unit_test_setup_teardown(insert_get_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(insert_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(insert_checked_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(replace_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_undoes_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(scan_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(count_matches_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(owner_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(conformance_dns_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(conformance_dns_pending_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(conformance_dns_pending_in_txn, setup, teardown),
        cmocka_unit_test_setup_teardown(random_against_model, setup, teardown),
        cmocka_unit_test_setup_teardown(race_quota_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(race_same_address, setup, teardown),
        cmocka_unit_test_setup_teardown(write_txns_are_isolated, setup, teardown),
    };
    return _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}

/* ---- the service over the store, with a failure at each store call ----------------- */

typedef struct fx {
    ptr_store *store;
    fault_state *fault;
    ptr_ctx *ctx;
} fx;

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static int fx_setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->store = fault_store_wrap_ex(g_make(g_arg), g_checked, &f->fault);
    if (!f->store) {
        free(f);
        return -1;
    }
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.busy_retries = 3;
    if (ptr_ctx_new(&cfg, &f->ctx, NULL) != PTR_OK) {
        ptr_store_free(f->store);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
    free(f);
    return 0;
}

static ptr_status create(fx *f, const char *addr)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("a.example.com")};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(f->ctx, &P1, &r, NULL, NULL);
}

typedef ptr_status (*op_fn)(fx *f);

static ptr_status op_create(fx *f)
{
    return create(f, "203.0.113.50");
}
static ptr_status op_create_exists(fx *f)
{
    return create(f, "203.0.113.1");
}
static ptr_status op_update(fx *f)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n[] = {{PTR_LIT("b.example.com")}, {PTR_LIT("c.example.com")}};
    const ptr_tag t = {PTR_LIT("env"), PTR_LIT("prod")};
    r.flags = PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_TAGS;
    r.names = n;
    r.name_count = 2;
    r.ttl = 77;
    r.tags = &t;
    r.tag_count = 1;
    return ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.2"), &r, NULL, NULL);
}
static ptr_status op_delete(fx *f)
{
    return ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.1"), NULL);
}
static ptr_status op_batch(fx *f)
{
    const ptr_text t[] = {
        {PTR_LIT("203.0.113.2")}, {PTR_LIT("203.0.113.3")}, {PTR_LIT("203.0.113.4")}};
    return ptr_ctx_delete_batch(f->ctx, &P1, t, 3, NULL);
}
static ptr_status op_list(fx *f)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    q.limit = 2;
    ptr_record_list *l = NULL;
    ptr_status st = ptr_ctx_list(f->ctx, &P1, &q, &l, NULL);
    if (st == PTR_OK && ptr_record_list_count(l) != 2)
        st = PTR_E_INVAL;
    ptr_record_list_free(l);
    return st;
}
static ptr_status op_get(fx *f)
{
    ptr_record *r;
    ptr_record_new(NULL, &r);
    ptr_status st = ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.1"), r, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_resolve(fx *f)
{
    ptr_record *r;
    ptr_record_new(NULL, &r);
    ptr_status st =
        ptr_ctx_resolve(f->ctx, PTR_TEST_REGION("r1"), PTR_LIT("203.0.113.9"), r, NULL, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_quota(fx *f)
{
    uint64_t used, limit;
    return ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL);
}

/* Fail call 1, 2, 3, ... of op until it runs through without reaching the fault. */
static void every_call_fails(fx *f, op_fn op, ptr_status final)
{
    for (long n = 1;; n++) {
        assert_true(n < 100);
        char *before = store_dump(f->store);
        fault_arm(f->fault, n, PTR_E_STORE, 0);
        ptr_status st = op(f);
        const long fired = fault_fired(f->fault);
        fault_arm(f->fault, 0, PTR_E_STORE, 0);
        char *after = store_dump(f->store);
        if (!fired) {
            assert_status(st, final);
            free(before);
            free(after);
            return;
        }
        assert_status(st, PTR_E_STORE);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
}

static void faults_in_every_operation(void **state)
{
    fx *f = *state;
    const char *a[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"};
    for (int i = 0; i < 4; i++)
        assert_status(create(f, a[i]), PTR_OK);
    every_call_fails(f, op_create_exists, PTR_E_EXISTS);
    every_call_fails(f, op_get, PTR_OK);
    every_call_fails(f, op_resolve, PTR_OK);
    every_call_fails(f, op_quota, PTR_OK);
    every_call_fails(f, op_list, PTR_OK);
    every_call_fails(f, op_update, PTR_OK);
    every_call_fails(f, op_create, PTR_OK);
    every_call_fails(f, op_batch, PTR_OK);
    every_call_fails(f, op_delete, PTR_OK);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 1); /* 4 + 1 created, 3 + 1 deleted */
}

static void busy_is_retried(void **state)
{
    fx *f = *state;
    /*
     * One busy answer anywhere in a create (begin, the owner's limit when the
     * store keeps limits, then count, insert, commit; or insert_checked,
     * commit): retried.
     */
    const long calls = (g_checked ? 3 : 4) + ptr_store_has_owner_limits(f->store);
    for (long n = 1; n <= calls; n++) {
        char a[32];
        snprintf(a, sizeof a, "203.0.113.%ld", 100 + n);
        fault_arm(f->fault, n, PTR_E_BUSY, 0);
        assert_status(create(f, a), PTR_OK);
        assert_int_equal(fault_fired(f->fault), 1);
        /* The failed attempt and its retry: no record twice. */
        assert_status(create(f, a), PTR_E_EXISTS);
    }
    fault_arm(f->fault, 0, PTR_E_STORE, 0);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, (uint64_t)calls);

    /* Always busy: 1 + busy_retries attempts, then PTR_E_BUSY and nothing changed. */
    char *before = store_dump(f->store);
    fault_arm(f->fault, 1, PTR_E_BUSY, 1);
    ptr_error e;
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("a.example.com")};
    r.address = (ptr_text){PTR_LIT("203.0.113.99")};
    r.names = &n;
    r.name_count = 1;
    assert_status(ptr_ctx_create(f->ctx, &P1, &r, NULL, &e), PTR_E_BUSY);
    assert_error(&e, PTR_E_BUSY, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(fault_calls(f->fault), 4);
    fault_arm(f->fault, 0, PTR_E_STORE, 0);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int service_faults_run_checked(const char *name, conformance_make_fn make, void *arg)
{
    g_checked = 1;
    const int failed = service_faults_run(name, make, arg);
    g_checked = 0;
    return failed;
}

int service_faults_run(const char *name, conformance_make_fn make, void *arg)
{
    g_make = make;
    g_arg = arg;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(faults_in_every_operation, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(busy_is_retried, fx_setup, fx_teardown),
    };
    return _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}
