/*
 * The conformance suite's tests of each record's DNS status; see
 * store_conformance_dns.h. Through the public store calls only, like the
 * rest of the suite: the expected answers come from the tests' own tables,
 * not from another store.
 */
#include <stddef.h>
#include <stdlib.h>

#include "ptr_test.h"
#include "store_conformance.h"
#include "store_conformance_dns.h"

/* The longest DNS error every store keeps (the SQLite store's limit). */
#define ERROR_MAX 255

/* Three errors: none, a server's answer, the longest, with quotes and UTF-8. */
static const char *error_text(unsigned i, size_t *len)
{
    static char longest[ERROR_MAX + 1];
    if (!longest[0]) {
        memcpy(longest, "\xc3\xa9", 2);
        for (size_t k = 2; k < ERROR_MAX; k++)
            longest[k] = "a'\";-- %_\\z"[k % 11];
    }
    switch (i % 3) {
    case 0:
        *len = 0;
        return "";
    case 1:
        *len = strlen("NOTAUTH (BADSIG) from 127.0.0.1:5300");
        return "NOTAUTH (BADSIG) from 127.0.0.1:5300";
    default:
        *len = ERROR_MAX;
        return longest;
    }
}

static void set_dns(ptr_record *r, unsigned status, unsigned action, unsigned err, int in_dns)
{
    size_t len;
    const char *e = error_text(err, &len);
    assert_status(ptr_record_set_dns_status(r, (ptr_dns_status)status), PTR_OK);
    assert_status(ptr_record_set_dns_action(r, (ptr_dns_action)action), PTR_OK);
    assert_status(ptr_record_set_dns_error(r, e, len), PTR_OK);
    assert_status(ptr_record_set_in_dns(r, in_dns), PTR_OK);
}

/* The DNS status of got is the one set_dns gave. */
static void dns_is(const ptr_record *got, unsigned status, unsigned action, unsigned err,
                   int in_dns)
{
    size_t len, want_len;
    const char *want = error_text(err, &want_len);
    const char *e = ptr_record_dns_error(got, &len);
    if (ptr_record_dns_status(got) != (ptr_dns_status)status ||
        ptr_record_dns_action(got) != (ptr_dns_action)action || ptr_record_in_dns(got) != in_dns ||
        len != want_len || memcmp(e, want, len) != 0)
        print_error("%s/%s/%d/%zu bytes, want %s/%s/%d/%zu bytes\n",
                    ptr_dns_status_name(ptr_record_dns_status(got)),
                    ptr_dns_action_name(ptr_record_dns_action(got)), ptr_record_in_dns(got), len,
                    ptr_dns_status_name((ptr_dns_status)status),
                    ptr_dns_action_name((ptr_dns_action)action), in_dns, want_len);
    assert_int_equal(ptr_record_dns_status(got), status);
    assert_int_equal(ptr_record_dns_action(got), action);
    assert_int_equal(ptr_record_in_dns(got), in_dns);
    assert_int_equal(len, want_len);
    assert_memory_equal(e, want, len);
}

static void write_one(ptr_store *s, const ptr_record *r, int replace)
{
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(replace ? ptr_store_replace(s, txn, r) : ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
}

/* What a scan saw: each record's copy, in order. */
typedef struct kept {
    ptr_record *rec[32];
    size_t n;
} kept;

static int keep_visit(void *p, const ptr_record *r)
{
    kept *k = p;
    assert_true(k->n < 32);
    assert_status(ptr_record_dup(r, NULL, &k->rec[k->n]), PTR_OK);
    k->n++;
    return 0;
}

static void kept_free(kept *k)
{
    for (size_t i = 0; i < k->n; i++)
        ptr_record_free(k->rec[i]);
    k->n = 0;
}

#define ROUND_N 20

/* Record i's values: i % 5 and i % 4 give every (status, action) pair once. */
static void round_values(unsigned i, int second, unsigned *st, unsigned *act, unsigned *err,
                         int *in)
{
    *st = (i + (second ? 2u : 0u)) % 5u;
    *act = (i + (second ? 3u : 0u)) % 4u;
    *err = i + (second ? 1u : 0u);
    *in = (int)((i + (unsigned)second) % 2u);
}

static void check_round(ptr_store *s, int second)
{
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    unsigned st, act, err;
    int in;
    for (unsigned i = 0; i < ROUND_N; i++) {
        ptr_addr a = {.family = 4, .bytes = {203, 0, 113, (uint8_t)(10 + i)}};
        assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_OK);
        round_values(i, second, &st, &act, &err, &in);
        dns_is(got, st, act, err, in);
    }
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    kept k = {{NULL}, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, keep_visit, &k), PTR_OK);
    assert_int_equal(k.n, ROUND_N);
    for (unsigned i = 0; i < ROUND_N; i++) {
        assert_int_equal(ptr_record_address(k.rec[i])->bytes[3], 10 + i);
        round_values(i, second, &st, &act, &err, &in);
        dns_is(k.rec[i], st, act, err, in);
    }
    kept_free(&k);
    ptr_store_rollback(s, txn);
    ptr_record_free(got);
}

void conformance_dns_round_trip(void **state)
{
    ptr_store *s = *state;
    static const char *const names[] = {"a.example.com.", NULL};
    unsigned st, act, err;
    int in;
    ptr_record *recs[ROUND_N];
    for (unsigned i = 0; i < ROUND_N; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "203.0.113.%u", 10 + i);
        recs[i] = test_record("r1", "p1", "o1", addr, names, NULL);
        round_values(i, 0, &st, &act, &err, &in);
        set_dns(recs[i], st, act, err, in);
        write_one(s, recs[i], 0);
    }
    check_round(s, 0);
    /* Every field changes on replace, to another value of each. */
    for (unsigned i = 0; i < ROUND_N; i++) {
        round_values(i, 1, &st, &act, &err, &in);
        set_dns(recs[i], st, act, err, in);
        write_one(s, recs[i], 1);
    }
    check_round(s, 1);
    for (unsigned i = 0; i < ROUND_N; i++)
        ptr_record_free(recs[i]);
}

/* ---- the pending filter ------------------------------------------------------------- */

typedef struct spec {
    const char *region, *project, *owner, *addr, *name;
    ptr_dns_status status;
} spec;

/* In address order within each region. */
static const spec SPECS[] = {
    {"r1", "p1", "o1", "10.0.0.1", "a.example.com.", PTR_DNS_ACTIVE},
    {"r1", "p1", "o1", "10.0.0.2", "b.example.com.", PTR_DNS_PENDING_CREATE},
    {"r1", "p1", "o2", "10.0.0.3", "a.example.com.", PTR_DNS_PENDING_UPDATE},
    {"r1", "p2", "o1", "10.0.0.4", "b.example.com.", PTR_DNS_PENDING_DELETE},
    {"r1", "p2", "o2", "10.0.0.5", "a.example.com.", PTR_DNS_ERROR},
    {"r1", "p1", "o1", "10.0.0.6", "b.example.com.", PTR_DNS_ACTIVE},
    {"r1", "p1", "o1", "2001:db8::7", "b.example.com.", PTR_DNS_ERROR},
    {"r2", "p1", "o1", "10.0.0.2", "a.example.com.", PTR_DNS_PENDING_CREATE},
    {"r2", "p1", "o1", "10.0.0.9", "b.example.com.", PTR_DNS_ACTIVE},
};
#define NSPECS (sizeof SPECS / sizeof SPECS[0])

static int text_is(ptr_text t, const char *s)
{
    return t.len == 0 || (strlen(s) == t.len && memcmp(s, t.s, t.len) == 0);
}

/* The records of the table a filter selects: the answer the store must give. */
static uint64_t expected(const ptr_store_filter *f, int pending)
{
    uint64_t n = 0;
    for (size_t i = 0; i < NSPECS; i++)
        if (text_is(f->region, SPECS[i].region) && text_is(f->project, SPECS[i].project) &&
            text_is(f->owner, SPECS[i].owner) && text_is(f->name, SPECS[i].name) &&
            (!pending || SPECS[i].status != PTR_DNS_ACTIVE))
            n++;
    return n;
}

static int count_visit(void *p, const ptr_record *r)
{
    (void)r;
    (*(uint64_t *)p)++;
    return 0;
}

/* What a scan visits with f, over r1 and r2 when f has no region. */
static uint64_t scanned(ptr_store *s, ptr_store_txn *txn, ptr_store_filter f)
{
    uint64_t n = 0;
    if (f.region.len) {
        assert_status(ptr_store_scan(s, txn, &f, NULL, count_visit, &n), PTR_OK);
        return n;
    }
    static const char *const regions[] = {"r1", "r2"};
    for (size_t i = 0; i < 2; i++) {
        f.region = (ptr_text){regions[i], 2};
        assert_status(ptr_store_scan(s, txn, &f, NULL, count_visit, &n), PTR_OK);
    }
    return n;
}

static void put_specs(ptr_store *s)
{
    for (size_t i = 0; i < NSPECS; i++) {
        const char *const names[] = {SPECS[i].name, NULL};
        ptr_record *r = test_record(SPECS[i].region, SPECS[i].project, SPECS[i].owner,
                                    SPECS[i].addr, names, NULL);
        assert_status(ptr_record_set_dns_status(r, SPECS[i].status), PTR_OK);
        write_one(s, r, 0);
        ptr_record_free(r);
    }
}

static void addr_is(const ptr_record *r, const char *want)
{
    ptr_addr a;
    assert_status(ptr_addr_parse(want, strlen(want), &a), PTR_OK);
    assert_true(ptr_addr_equal(ptr_record_address(r), &a));
}

void conformance_dns_pending_filter(void **state)
{
    ptr_store *s = *state;
    put_specs(s);
    static const char *const regions[] = {"", "r1", "r2", "r3"};
    static const char *const projects[] = {"", "p1", "p2"}, *const owners[] = {"", "o1", "o2"};
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    for (size_t r = 0; r < 4; r++)
        for (size_t p = 0; p < 3; p++)
            for (size_t o = 0; o < 3; o++)
                for (int by_name = 0; by_name < 2; by_name++)
                    for (int pending = 0; pending < 2; pending++) {
                        ptr_store_filter f;
                        ptr_store_filter_init(&f);
                        f.region = (ptr_text){regions[r], strlen(regions[r])};
                        f.project = (ptr_text){projects[p], strlen(projects[p])};
                        f.owner = (ptr_text){owners[o], strlen(owners[o])};
                        if (by_name)
                            f.name = (ptr_text){PTR_LIT("b.example.com.")};
                        f.dns_pending = pending;
                        const uint64_t want = expected(&f, pending);
                        uint64_t n = 999;
                        assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
                        if (n != want || scanned(s, txn, f) != want)
                            print_error("region '%s' project '%s' owner '%s' name %d pending %d:"
                                        " count %llu, scan %llu, want %llu\n",
                                        regions[r], projects[p], owners[o], by_name, pending,
                                        (unsigned long long)n,
                                        (unsigned long long)scanned(s, txn, f),
                                        (unsigned long long)want);
                        assert_int_equal(n, want);
                        assert_int_equal(scanned(s, txn, f), want);
                    }

    /* In address order, after a marker, and as far as the visitor wants. */
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    kept k = {{NULL}, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, keep_visit, &k), PTR_OK);
    static const char *const order[] = {"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
                                        "2001:db8::7"};
    assert_int_equal(k.n, 5);
    for (size_t i = 0; i < 5; i++) {
        addr_is(k.rec[i], order[i]);
        assert_int_not_equal(ptr_record_dns_status(k.rec[i]), PTR_DNS_ACTIVE);
    }
    kept_free(&k);
    ptr_addr after;
    assert_status(ptr_addr_parse(PTR_LIT("10.0.0.3"), &after), PTR_OK);
    assert_status(ptr_store_scan(s, txn, &f, &after, keep_visit, &k), PTR_OK);
    assert_int_equal(k.n, 3);
    addr_is(k.rec[0], "10.0.0.4");
    kept_free(&k);
    assert_status(ptr_addr_parse(PTR_LIT("10.0.0.6"), &after), PTR_OK); /* not itself pending */
    assert_status(ptr_store_scan(s, txn, &f, &after, keep_visit, &k), PTR_OK);
    assert_int_equal(k.n, 1);
    addr_is(k.rec[0], "2001:db8::7");
    kept_free(&k);

    /* A filter from before the field: its struct_size ends before it, whatever follows. */
    f.struct_size = (uint32_t)offsetof(ptr_store_filter, dns_pending);
    uint64_t n = 0;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 7);
    n = 0;
    assert_status(ptr_store_scan(s, txn, &f, NULL, count_visit, &n), PTR_OK);
    assert_int_equal(n, 7);
    ptr_store_rollback(s, txn);
}

void conformance_dns_pending_in_txn(void **state)
{
    ptr_store *s = *state;
    put_specs(s);
    static const char *const names[] = {"c.example.com.", NULL};
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    ptr_store_txn *txn;
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    /* A pending insert; an ACTIVE record made pending; a pending one confirmed; one removed. */
    ptr_record *fresh = test_record("r1", "p1", "o1", "10.0.0.8", names, NULL);
    assert_status(ptr_record_set_dns_status(fresh, PTR_DNS_PENDING_CREATE), PTR_OK);
    assert_status(ptr_store_insert(s, txn, fresh), PTR_OK);
    ptr_addr a;
    assert_status(ptr_addr_parse(PTR_LIT("10.0.0.1"), &a), PTR_OK);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, r), PTR_OK);
    assert_status(ptr_record_set_dns_status(r, PTR_DNS_PENDING_UPDATE), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("10.0.0.2"), &a), PTR_OK);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, r), PTR_OK);
    assert_status(ptr_record_set_dns_status(r, PTR_DNS_ACTIVE), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("10.0.0.5"), &a), PTR_OK);
    assert_status(ptr_store_remove(s, txn, PTR_LIT("r1"), &a), PTR_OK);
    kept k = {{NULL}, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, keep_visit, &k), PTR_OK);
    static const char *const order[] = {"10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.8",
                                        "2001:db8::7"};
    assert_int_equal(k.n, 5);
    for (size_t i = 0; i < 5; i++)
        addr_is(k.rec[i], order[i]);
    kept_free(&k);
    uint64_t n = 0;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 5);
    ptr_store_filter all = f;
    all.region = (ptr_text){NULL, 0};
    assert_status(ptr_store_count(s, txn, &all, &n), PTR_OK);
    assert_int_equal(n, 6);
    ptr_store_rollback(s, txn);

    /* Rolled back: the pending records are the table's again. */
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, expected(&f, 1));
    ptr_store_rollback(s, txn);
    ptr_record_free(fresh);
    ptr_record_free(r);
}
