/*
 * The SQLite store's DNS status (schema version 5): a version 4 file
 * migrated on open (its rows ACTIVE, no action, no error, in DNS) or read as
 * it is when read-only; damaged values as corrupt rows, skipped by read-only
 * scans when asked; an oversize error refused on write; and the plans that
 * make the pending records' page and count cost what is pending. The round
 * trip of every value is the conformance suite's (test_sqlite_store).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite/sqlite_internal.h"
#include "sqlite_test_util.h"
#include "store_conformance.h"

static test_db g_db;

static ptr_store *open_flags(uint32_t flags)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    ptr_store *s = NULL;
    ptr_error e;
    ptr_status st = ptr_sqlite_store_open(g_db.path, strlen(g_db.path), &o, &s, &e);
    if (st != PTR_OK)
        print_error("open: %s: %s\n", ptr_status_name(st), e.message);
    assert_status(st, PTR_OK);
    return s;
}

static void raw_exec(const char *script)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    if (sqlite3_exec(db, script, NULL, NULL, &msg) != SQLITE_OK) {
        print_error("%s: %s\n", script, msg ? msg : "?");
        sqlite3_free(msg);
        fail();
    }
    sqlite3_close(db);
}

static int64_t raw_int(const char *query)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The file's schema against libptr's for version (the check open makes). */
static ptr_status schema_is(int64_t version, char *msg, size_t cap)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    ptr_status st = ptr__sqlite_schema_verify(db, version, msg, cap);
    sqlite3_close(db);
    return st;
}

/* Records 203.0.113.<10 + i>, i < n, in r1, each PENDING_UPDATE with an error, not in DNS. */
static void put_pending(ptr_store *s, unsigned n)
{
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    for (unsigned i = 0; i < n; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "203.0.113.%u", 10 + i);
        ptr_record *r = test_record("r1", "p1", "o1", addr, names, NULL);
        assert_status(ptr_record_set_dns_status(r, PTR_DNS_PENDING_UPDATE), PTR_OK);
        assert_status(ptr_record_set_dns_action(r, PTR_ACTION_UPDATE), PTR_OK);
        assert_status(ptr_record_set_dns_error(r, PTR_LIT("SERVFAIL from 127.0.0.1:53")), PTR_OK);
        assert_status(ptr_store_insert(s, txn, r), PTR_OK);
        ptr_record_free(r);
    }
    assert_status(ptr_store_commit(s, txn), PTR_OK);
}

/* A version 4 file with n records (made as version 5, then turned back). */
static void make_v4(unsigned n)
{
    test_db_remove_files(g_db.path);
    ptr_store *s = open_flags(PTR_SQLITE_CREATE);
    put_pending(s, n);
    ptr_store_free(s);
    raw_exec(TEST_SQLITE_TO_V4);
    char msg[256];
    assert_status(schema_is(4, msg, sizeof msg), PTR_OK);
}

typedef struct seen {
    unsigned n, active, none, empty_error, in_dns;
} seen;

static int see(void *ctx, const ptr_record *r)
{
    seen *s = ctx;
    size_t len;
    ptr_record_dns_error(r, &len);
    s->n++;
    s->active += ptr_record_dns_status(r) == PTR_DNS_ACTIVE;
    s->none += ptr_record_dns_action(r) == PTR_ACTION_NONE;
    s->empty_error += len == 0;
    s->in_dns += ptr_record_in_dns(r) == 1;
    return 0;
}

/* Every record of r1 by get, scan and count, each read as a version 4 row reads. */
static void reads_as_v4(ptr_store *s, unsigned n)
{
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    for (unsigned i = 0; i < n; i++) {
        ptr_addr a = {.family = 4, .bytes = {203, 0, 113, (uint8_t)(10 + i)}};
        assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_OK);
        seen one = {0};
        see(&one, got);
        assert_int_equal(one.active + one.none + one.empty_error + one.in_dns, 4);
    }
    ptr_record_free(got);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    seen all = {0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, see, &all), PTR_OK);
    assert_int_equal(all.n, n);
    assert_int_equal(all.active, n);
    assert_int_equal(all.none, n);
    assert_int_equal(all.empty_error, n);
    assert_int_equal(all.in_dns, n);
    uint64_t count = 0;
    assert_status(ptr_store_count(s, txn, &f, &count), PTR_OK);
    assert_int_equal(count, n);
    /* Nothing pending: the pusher has nothing to send for records zone files served. */
    f.dns_pending = 1;
    seen pending = {0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, see, &pending), PTR_OK);
    assert_int_equal(pending.n, 0);
    assert_status(ptr_store_count(s, txn, &f, &count), PTR_OK);
    assert_int_equal(count, 0);
    f.region = (ptr_text){NULL, 0};
    assert_status(ptr_store_count(s, txn, &f, &count), PTR_OK);
    assert_int_equal(count, 0);
    ptr_store_rollback(s, txn);
}

static void read_only_v4_is_read_as_it_is(void **state)
{
    (void)state;
    make_v4(3);
    ptr_store *s = open_flags(PTR_SQLITE_READONLY);
    reads_as_v4(s, 3);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_E_STORE);
    ptr_store_free(s);
    /* Nothing was written: still version 4, exactly. */
    char msg[256];
    assert_status(schema_is(4, msg, sizeof msg), PTR_OK);
    assert_int_equal(raw_int("PRAGMA user_version"), 4);

    /* Older versions still need a read-write open first. */
    raw_exec("DROP TABLE ptr_owner_limit; DROP TABLE ptr_scope_count;"
             " DROP TRIGGER ptr_record_deleted_scope; DROP TRIGGER ptr_record_moved_scope;"
             " PRAGMA user_version = 3;");
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = PTR_SQLITE_READONLY;
    ptr_error e;
    assert_status(ptr_sqlite_store_open(g_db.path, strlen(g_db.path), &o, &s, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "open it read-write once"));
}

static void v4_is_migrated(void **state)
{
    (void)state;
    make_v4(3);
    /* A version 4 file with something planted is refused before any migration. */
    raw_exec("CREATE INDEX ptr_record_planted ON ptr_record (owner);");
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = 0;
    ptr_store *s = NULL;
    ptr_error e;
    assert_status(ptr_sqlite_store_open(g_db.path, strlen(g_db.path), &o, &s, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "index ptr_record_planted"));
    assert_int_equal(raw_int("PRAGMA user_version"), 4);
    raw_exec("DROP INDEX ptr_record_planted;");

    /* A reader of the version 4 file, then a writer migrates it under the reader. */
    ptr_store *old = open_flags(PTR_SQLITE_READONLY);
    s = open_flags(0);
    char msg[256];
    assert_status(schema_is(PTR__SQLITE_SCHEMA_VERSION, msg, sizeof msg), PTR_OK);
    assert_int_equal(raw_int("PRAGMA user_version"), PTR__SQLITE_SCHEMA_VERSION);
    assert_int_equal(raw_int("SELECT count(*) FROM sqlite_master"
                             " WHERE type = 'index' AND name = 'ptr_record_pending'"),
                     1);
    reads_as_v4(s, 3);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(old, PTR_TXN_READ, &txn), PTR_E_STORE);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(old), "open it again"));
    ptr_store_free(old);

    /* The migrated file keeps the DNS status of new writes, and its pending index has them. */
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    ptr_addr a = {.family = 4, .bytes = {203, 0, 113, 11}};
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, r), PTR_OK);
    assert_status(ptr_record_set_dns_status(r, PTR_DNS_PENDING_DELETE), PTR_OK);
    assert_status(ptr_record_set_dns_action(r, PTR_ACTION_DELETE), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);
    assert_int_equal(
        raw_int("SELECT count(*) FROM ptr_record INDEXED BY ptr_record_pending"
                " WHERE dns_status <> 0 AND address = x'04cb00710b000000000000000000000000'"),
        1);
    s = open_flags(0);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    uint64_t n = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 1);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, r), PTR_OK);
    assert_int_equal(ptr_record_dns_status(r), PTR_DNS_PENDING_DELETE);
    assert_int_equal(ptr_record_dns_action(r), PTR_ACTION_DELETE);
    assert_int_equal(ptr_record_in_dns(r), 1);
    ptr_store_rollback(s, txn);
    ptr_record_free(r);
    ptr_store_free(s);
}

/* ---- damaged values -------------------------------------------------------------- */

typedef struct damage {
    const char *set; /* the UPDATE's SET */
    const char *why; /* what the message says */
} damage;

static const damage DAMAGE[] = {
    {"dns_status = 5", "a DNS status outside 0..4"},
    {"dns_status = -1", "a DNS status outside 0..4"},
    {"dns_action = 4", "a DNS action outside 0..3"},
    {"in_dns = 2", "an in_dns that is neither 0 nor 1"},
    {"dns_error = replace(hex(zeroblob(128)), '0', 'e')",
     "a DNS error of 256 bytes, over the limit of 255"},
    {"dns_status = 'ACTIVE'", "a column of the wrong type"},
    /* Beyond SQLITE_LIMIT_LENGTH: a pending scan goes on past it through its index alone. */
    {"description = replace(hex(zeroblob(50000)), '0', 'd')", "string or blob too big"},
};
#define NDAMAGE (sizeof DAMAGE / sizeof DAMAGE[0])

static int count_visit(void *ctx, const ptr_record *r)
{
    (void)r;
    (*(unsigned *)ctx)++;
    return 0;
}

static ptr_status scan_r1(ptr_store *s, unsigned flags, int pending, unsigned *n)
{
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = pending;
    ptr_store_txn *txn;
    *n = 0;
    assert_status(ptr_store_begin(s, flags, &txn), PTR_OK);
    ptr_status st = ptr_store_scan(s, txn, &f, NULL, count_visit, n);
    ptr_store_rollback(s, txn);
    return st;
}

static void damaged_values_are_corrupt_rows(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr_store *s = open_flags(PTR_SQLITE_CREATE);
    put_pending(s, NDAMAGE + 2);
    ptr_store_free(s);
    /* Record i gets damage i; the last two stay whole. */
    for (size_t i = 0; i < NDAMAGE; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "UPDATE ptr_record SET %s WHERE address = x'04cb0071%02x000000000000000000000000'",
                 DAMAGE[i].set, (unsigned)(10 + i));
        raw_exec(sql);
    }
    s = open_flags(0);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    for (size_t i = 0; i < NDAMAGE; i++) {
        ptr_addr a = {.family = 4, .bytes = {203, 0, 113, (uint8_t)(10 + i)}};
        ptr_store_txn *txn;
        assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
        assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_E_STORE);
        ptr_store_rollback(s, txn);
        char want[160];
        snprintf(want, sizeof want, "corrupt row for 203.0.113.%u in region r1: %s",
                 (unsigned)(10 + i), DAMAGE[i].why);
        if (!strstr(ptr_sqlite_store_errmsg(s), want))
            print_error("%s\nwant %s\n", ptr_sqlite_store_errmsg(s), want);
        assert_non_null(strstr(ptr_sqlite_store_errmsg(s), want));
        /* Refused before it was copied: the record is left reset. */
        assert_int_equal(ptr_record_address(got)->family, 0);
    }
    /* Scans fail at the first, the pending ones too (dns_status -1 and 5 are not 0). */
    unsigned n;
    assert_status(scan_r1(s, PTR_TXN_READ, 0, &n), PTR_E_STORE);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "corrupt row for 203.0.113.10"));
    assert_status(scan_r1(s, PTR_TXN_READ, 1, &n), PTR_E_STORE);
    ptr_store_free(s);

    /* Skipped and counted by read-only scans when asked; a write transaction still fails. */
    s = open_flags(PTR_SQLITE_SKIP_CORRUPT);
    assert_status(scan_r1(s, PTR_TXN_READ, 0, &n), PTR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ptr_sqlite_store_skipped(s), NDAMAGE);
    /* Every row is pending (PENDING_UPDATE, or a damaged status that is not 0). */
    assert_status(scan_r1(s, PTR_TXN_READ, 1, &n), PTR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ptr_sqlite_store_skipped(s), NDAMAGE);
    assert_status(scan_r1(s, PTR_TXN_WRITE, 1, &n), PTR_E_STORE);
    ptr_store_free(s);
    ptr_record_free(got);
}

static void oversize_error_is_refused(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr_store *s = open_flags(PTR_SQLITE_CREATE);
    put_pending(s, 1);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.10", names, NULL);
    char text[PTR__SQLITE_DNS_ERROR_MAX + 1];
    memset(text, 'e', sizeof text);
    assert_status(ptr_record_set_dns_error(r, text, sizeof text), PTR_OK);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r), PTR_E_INVAL);
    assert_non_null(
        strstr(ptr_sqlite_store_errmsg(s),
               "cannot store the record: a DNS error of 256 bytes, over the limit of 255"));
    ptr_addr a = {.family = 4, .bytes = {203, 0, 113, 11}};
    assert_status(ptr_record_set_address(r, &a), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_E_INVAL);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);
    /* Nothing of either: the stored record keeps its error, the new one is not there. */
    assert_int_equal(raw_int("SELECT count(*) FROM ptr_record"), 1);
    assert_int_equal(raw_int("SELECT length(dns_error) FROM ptr_record"), 26);
    ptr_record_free(r);
}

/* ---- plans --------------------------------------------------------------------------- */

static void plan_of(sqlite3 *db, const char *query, char *out, size_t cap)
{
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", query);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s; ", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
}

static void pending_plans(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr_store_free(open_flags(PTR_SQLITE_CREATE));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    char plan[1024];
    /* A page of pending records: a range of the partial index, in order. */
    plan_of(db, PTR__SQLITE_SQL_SCAN_PENDING, plan, sizeof plan);
    assert_non_null(
        strstr(plan, "SEARCH ptr_record USING INDEX ptr_record_pending (region=? AND address>?)"));
    assert_null(strstr(plan, "TEMP B-TREE"));
    plan_of(db, PTR__SQLITE_SQL_NEXT_PENDING, plan, sizeof plan);
    assert_non_null(
        strstr(plan, "USING COVERING INDEX ptr_record_pending (region=? AND address>?)"));
    /* Their count: the partial index's entries, of one region or of all. */
    plan_of(db, PTR__SQLITE_SQL_COUNT_PENDING, plan, sizeof plan);
    assert_non_null(strstr(plan, "INDEX ptr_record_pending (region=?)"));
    plan_of(db, PTR__SQLITE_SQL_COUNT_PENDING_ALL, plan, sizeof plan);
    if (!strstr(plan, "INDEX ptr_record_pending"))
        print_error("%s\n", plan);
    assert_non_null(strstr(plan, "INDEX ptr_record_pending"));
    sqlite3_close(db);
}

/* The pending page costs the pending records, however many others there are. */
static void pending_page_costs_pending(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = NULL;
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    ptr_error e;
    assert_status(ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, &e), PTR_OK);
    const ptr_store_methods *M = &ptr__sqlite_methods;
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_store_txn *txn;
    assert_status(M->begin(m, PTR_TXN_WRITE, &txn), PTR_OK);
    for (int i = 0; i < 5000; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "10.0.%d.%d", i / 250, i % 250);
        ptr_record *r = test_record("r1", "p1", "o1", addr, names, NULL);
        if (i % 1000 == 999)
            assert_status(ptr_record_set_dns_status(r, PTR_DNS_PENDING_CREATE), PTR_OK);
        assert_status(M->insert(m, txn, r), PTR_OK);
        ptr_record_free(r);
    }
    assert_status(M->commit(m, txn), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    unsigned n = 0;
    uint64_t count = 0;
    assert_status(M->begin(m, PTR_TXN_READ, &txn), PTR_OK);
    sqlite3_stmt_status(m->stmt[PTR__S_SCAN_PENDING], SQLITE_STMTSTATUS_VM_STEP, 1);
    assert_status(M->scan(m, txn, &f, NULL, count_visit, &n), PTR_OK);
    const int steps =
        sqlite3_stmt_status(m->stmt[PTR__S_SCAN_PENDING], SQLITE_STMTSTATUS_VM_STEP, 1);
    assert_int_equal(n, 5);
    sqlite3_stmt_status(m->stmt[PTR__S_COUNT_PENDING], SQLITE_STMTSTATUS_VM_STEP, 1);
    assert_status(M->count(m, txn, &f, &count), PTR_OK);
    const int count_steps =
        sqlite3_stmt_status(m->stmt[PTR__S_COUNT_PENDING], SQLITE_STMTSTATUS_VM_STEP, 1);
    assert_int_equal(count, 5);
    M->rollback(m, txn);
    /* A walk of the 5000 rows would take tens of thousands of steps. */
    if (steps > 500 || count_steps > 500)
        print_error("scan %d steps, count %d steps\n", steps, count_steps);
    assert_true(steps > 0 && steps <= 500);
    assert_true(count_steps > 0 && count_steps <= 500);
    M->destroy(m);
}

int main(void)
{
    if (test_db_make(&g_db, "ptr-dns-", "ptr.db") != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_only_v4_is_read_as_it_is),
        cmocka_unit_test(v4_is_migrated),
        cmocka_unit_test(damaged_values_are_corrupt_rows),
        cmocka_unit_test(oversize_error_is_refused),
        cmocka_unit_test(pending_plans),
        cmocka_unit_test(pending_page_costs_pending),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_db_remove(&g_db);
    return failed;
}
