/*
 * The SQLite store's slots of store version 3, called through its methods
 * table (ptr__sqlite_methods: the core copies only the slots of the
 * versions it knows, so these are reached directly until it knows 3):
 * count against a count by scan for every kind of filter, the plans that
 * make a count one index range and a page a range from the marker, the
 * per-owner limits and their table (schema version 4, migrated from 3),
 * and begin_keys left NULL.
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
static const ptr_store_methods *M = &ptr__sqlite_methods;

static ptr__sqlite_store *make(uint32_t flags)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    ptr__sqlite_store *m = NULL;
    ptr_error e;
    ptr_status st = ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, &e);
    if (st != PTR_OK)
        print_error("open: %s\n", e.message);
    assert_status(st, PTR_OK);
    return m;
}

static ptr_store_txn *begin(ptr__sqlite_store *m, unsigned flags)
{
    ptr_store_txn *txn = NULL;
    assert_status(M->begin(m, flags, &txn), PTR_OK);
    return txn;
}

static void put(ptr__sqlite_store *m, ptr_store_txn *txn, const char *region, const char *project,
                const char *owner, const char *addr, const char *name, const char *tag)
{
    const char *const names[] = {name, NULL};
    const char *const tags[] = {tag, NULL};
    ptr_record *r = test_record(region, project, owner, addr, names, tag ? tags : NULL);
    assert_status(M->insert(m, txn, r), PTR_OK);
    ptr_record_free(r);
}

static int count_visit(void *ctx, const ptr_record *rec)
{
    (void)rec;
    (*(uint64_t *)ctx)++;
    return 0;
}

/* The count as the scan sees it (every region when the filter has none). */
static uint64_t count_by_scan(ptr__sqlite_store *m, ptr_store_txn *txn, ptr_store_filter f)
{
    static const char *const regions[] = {"r1", "r2", "r3"};
    uint64_t n = 0;
    if (f.region.len) {
        assert_status(M->scan(m, txn, &f, NULL, count_visit, &n), PTR_OK);
        return n;
    }
    for (size_t i = 0; i < 3; i++) {
        f.region = (ptr_text){regions[i], 2};
        assert_status(M->scan(m, txn, &f, NULL, count_visit, &n), PTR_OK);
    }
    return n;
}

static void count_matches_scan(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = make(PTR_SQLITE_CREATE);
    ptr_store_txn *txn = begin(m, PTR_TXN_WRITE);
    char addr[32];
    static const char *const proj[] = {"p1", "p2"}, *const own[] = {"o1", "o2", "o3"};
    for (int i = 0; i < 60; i++) {
        snprintf(addr, sizeof addr, "198.51.100.%d", i);
        put(m, txn, i % 3 == 2 ? "r2" : "r1", proj[i % 2], own[i % 3], addr,
            i % 5 ? "a.example.com." : "b.example.com.", i % 4 ? NULL : "env=prod");
    }
    /* Removes and project changes in the same transaction (the triggers, before the inserts are
     * written). */
    ptr_addr a;
    for (int i = 0; i < 60; i += 7) {
        snprintf(addr, sizeof addr, "198.51.100.%d", i);
        assert_status(ptr_addr_parse(addr, strlen(addr), &a), PTR_OK);
        assert_status(M->remove(m, txn, i % 3 == 2 ? "r2" : "r1", 2, &a), PTR_OK);
    }
    ptr_record *moved;
    assert_status(ptr_record_new(NULL, &moved), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("198.51.100.1"), &a), PTR_OK);
    assert_status(M->get(m, txn, PTR_LIT("r1"), &a, moved), PTR_OK);
    assert_status(ptr_record_set_project(moved, PTR_LIT("p3")), PTR_OK);
    assert_status(M->replace(m, txn, moved), PTR_OK);
    ptr_record_free(moved);
    const ptr_tag prod = {PTR_LIT("env"), PTR_LIT("prod")};
    const ptr_text texts[] = {{NULL, 0}, {PTR_LIT("r1")}, {PTR_LIT("r2")}, {PTR_LIT("r3")}};
    const ptr_text projects[] = {{NULL, 0}, {PTR_LIT("p1")}, {PTR_LIT("p3")}};
    const ptr_text owners[] = {{NULL, 0}, {PTR_LIT("o1")}, {PTR_LIT("o3")}};
    /* Inside the writing transaction, then after its commit. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < 4; r++)
            for (size_t p = 0; p < 3; p++)
                for (size_t o = 0; o < 3; o++)
                    for (int extra = 0; extra < 3; extra++) {
                        ptr_store_filter f;
                        ptr_store_filter_init(&f);
                        f.region = texts[r];
                        f.project = projects[p];
                        f.owner = owners[o];
                        if (extra == 1)
                            f.name = (ptr_text){PTR_LIT("b.example.com.")};
                        if (extra == 2) {
                            f.tags = &prod;
                            f.tag_count = 1;
                        }
                        uint64_t n = 999;
                        assert_status(M->count(m, txn, &f, &n), PTR_OK);
                        const uint64_t want = count_by_scan(m, txn, f);
                        if (n != want)
                            print_error("pass %d region %zu project %zu owner %zu extra %d\n", pass,
                                        r, p, o, extra);
                        assert_int_equal(n, want);
                    }
        if (pass == 0) {
            assert_status(M->commit(m, txn), PTR_OK);
            txn = begin(m, PTR_TXN_READ);
        }
    }
    ptr_store_filter all;
    ptr_store_filter_init(&all);
    uint64_t n = 0;
    assert_status(M->count(m, txn, &all, &n), PTR_OK);
    assert_int_equal(n, 60 - 9);
    /* The counts kept in the file are the rows' own. */
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(m->db,
                           "SELECT count(*) FROM (SELECT region, project, count(*) AS n"
                           " FROM ptr_record GROUP BY region, project) r"
                           " WHERE n IS NOT (SELECT records FROM ptr_scope_count c"
                           "  WHERE c.region = r.region AND c.project = r.project)",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    M->rollback(m, txn);
    assert_status(M->count(m, txn, &all, &n), PTR_E_INVAL); /* no transaction */
    M->destroy(m);
}

/* Every row of EXPLAIN QUERY PLAN, joined. */
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

static void plans(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = make(PTR_SQLITE_CREATE);
    char plan[1024];
    /* A list's total: one row of ptr_scope_count, however many records. */
    plan_of(m->db, PTR__SQLITE_SQL_COUNT_SCOPE, plan, sizeof plan);
    assert_non_null(
        strstr(plan, "SEARCH ptr_scope_count USING PRIMARY KEY (region=? AND project=?)"));
    /* Finding the key after a row SQLite will not load reads the key index only. */
    plan_of(m->db, PTR__SQLITE_SQL_NEXT_KEY, plan, sizeof plan);
    assert_non_null(strstr(plan, "USING COVERING INDEX ptr_record_key (region=? AND address>?)"));
    plan_of(m->db, PTR__SQLITE_SQL_REGIONS, plan, sizeof plan);
    assert_non_null(strstr(plan, "COVERING INDEX"));
    assert_null(strstr(plan, "TEMP B-TREE"));
    M->destroy(m);
}

/* A page costs its records, wherever the marker is: SQLite's own count of VM steps. */
typedef struct page {
    int left;
} page;

static int page_visit(void *ctx, const ptr_record *rec)
{
    (void)rec;
    return --((page *)ctx)->left == 0;
}

static int page_steps(ptr__sqlite_store *m, const char *after)
{
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.project = (ptr_text){PTR_LIT("p1")};
    ptr_addr a;
    if (after)
        assert_status(ptr_addr_parse(after, strlen(after), &a), PTR_OK);
    page p = {20};
    ptr_store_txn *txn = begin(m, PTR_TXN_READ);
    sqlite3_stmt_status(m->stmt[PTR__S_SCAN], SQLITE_STMTSTATUS_VM_STEP, 1);
    assert_status(M->scan(m, txn, &f, after ? &a : NULL, page_visit, &p), PTR_OK);
    const int steps = sqlite3_stmt_status(m->stmt[PTR__S_SCAN], SQLITE_STMTSTATUS_VM_STEP, 1);
    M->rollback(m, txn);
    assert_int_equal(p.left, 0);
    return steps;
}

static void page_from_marker(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = make(PTR_SQLITE_CREATE);
    ptr_store_txn *txn = begin(m, PTR_TXN_WRITE);
    char addr[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(addr, sizeof addr, "10.0.%d.%d", i / 250, i % 250);
        put(m, txn, "r1", "p1", "o1", addr, "a.example.com.", NULL);
    }
    assert_status(M->commit(m, txn), PTR_OK);
    const int first = page_steps(m, NULL), last = page_steps(m, "10.0.19.200");
    assert_true(first > 0);
    assert_true(last <= 2 * first);
    M->destroy(m);
}

/* ---- owner limits ----------------------------------------------------------------- */

typedef struct limits_seen {
    char text[128];
} limits_seen;

static int limit_visit(void *ctx, const char *owner, size_t len, uint64_t limit)
{
    limits_seen *s = ctx;
    size_t n = strlen(s->text);
    snprintf(s->text + n, sizeof s->text - n, "%.*s=%llu;", (int)len, owner,
             (unsigned long long)limit);
    return 0;
}

static void owner_limits(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = make(PTR_SQLITE_CREATE);
    ptr_store_txn *txn = begin(m, PTR_TXN_READ);
    uint64_t lim = 7;
    assert_status(M->owner_limit_get(m, txn, PTR_LIT("o1"), &lim), PTR_E_NOT_FOUND);
    assert_int_equal(lim, 7);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("o1"), 5), PTR_E_INVAL); /* read txn */
    M->rollback(m, txn);

    txn = begin(m, PTR_TXN_WRITE);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("o1"), 5), PTR_OK);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("o1"), 500), PTR_OK); /* replaces */
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("B"), UINT64_MAX), PTR_OK);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("a"), 0), PTR_OK);
    assert_status(M->owner_limit_get(m, txn, PTR_LIT("o1"), &lim), PTR_OK);
    assert_int_equal(lim, 500);
    assert_status(M->commit(m, txn), PTR_OK);

    /* A rolled-back change leaves nothing. */
    txn = begin(m, PTR_TXN_WRITE);
    assert_status(M->owner_limit_remove(m, txn, PTR_LIT("a")), PTR_OK);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("zz"), 1), PTR_OK);
    M->rollback(m, txn);
    M->destroy(m);

    /* Kept in the file, in byte order ("B" < "a" < "o1"). */
    m = make(0);
    txn = begin(m, PTR_TXN_READ);
    limits_seen seen = {""};
    assert_status(M->owner_limit_scan(m, txn, limit_visit, &seen), PTR_OK);
    assert_string_equal(seen.text, "B=18446744073709551615;a=0;o1=500;");
    M->rollback(m, txn);
    txn = begin(m, PTR_TXN_WRITE);
    assert_status(M->owner_limit_remove(m, txn, PTR_LIT("a")), PTR_OK);
    assert_status(M->owner_limit_remove(m, txn, PTR_LIT("a")), PTR_E_NOT_FOUND);
    assert_status(M->owner_limit_get(m, txn, PTR_LIT("a"), &lim), PTR_E_NOT_FOUND);
    assert_status(M->commit(m, txn), PTR_OK);
    M->destroy(m);
    assert_null(ptr__sqlite_methods.begin_keys); /* BEGIN IMMEDIATE locks everything */
}

/* A version 3 file (before the limits and scope count tables) is checked, then migrated. */
static void migrates_version_3(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    ptr__sqlite_store *m = make(PTR_SQLITE_CREATE);
    ptr_store_txn *txn = begin(m, PTR_TXN_WRITE);
    put(m, txn, "r1", "p1", "o1", "203.0.113.5", "a.example.com.", NULL);
    assert_status(M->commit(m, txn), PTR_OK);
    M->destroy(m);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  TEST_SQLITE_TO_V4
                                  " DROP TABLE ptr_owner_limit; DROP TABLE ptr_scope_count;"
                                  " DROP TRIGGER ptr_record_deleted_scope;"
                                  " DROP TRIGGER ptr_record_moved_scope;"
                                  " PRAGMA user_version = 3;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    /* Read-only: version 3 is known (its schema checks), but not migrated. */
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = PTR_SQLITE_READONLY;
    ptr_error e;
    assert_status(ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "read-write"));

    /* A version 3 file with something planted is refused before any migration. */
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE INDEX ptr_record_scope ON ptr_record (owner);", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    o.flags = 0;
    assert_status(ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "index ptr_record_scope"));
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP INDEX ptr_record_scope;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* The migration fills ptr_scope_count from the rows. */
    m = make(0);
    txn = begin(m, PTR_TXN_READ);
    ptr_store_filter all;
    ptr_store_filter_init(&all);
    uint64_t total = 0;
    assert_status(M->count(m, txn, &all, &total), PTR_OK);
    assert_int_equal(total, 1);
    M->rollback(m, txn);
    M->destroy(m);

    m = make(0);
    txn = begin(m, PTR_TXN_WRITE);
    assert_status(M->owner_limit_set(m, txn, PTR_LIT("o1"), 3), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.project = (ptr_text){PTR_LIT("p1")};
    uint64_t n = 0;
    assert_status(M->count(m, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 1);
    assert_status(M->commit(m, txn), PTR_OK);
    M->destroy(m);
    assert_int_equal(sqlite3_open(g_db.path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), PTR__SQLITE_SCHEMA_VERSION);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(void)
{
    if (test_db_make(&g_db, "ptr-v3-", "ptr.db") != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_matches_scan), cmocka_unit_test(plans),
        cmocka_unit_test(page_from_marker),   cmocka_unit_test(owner_limits),
        cmocka_unit_test(migrates_version_3),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_db_remove(&g_db);
    return failed;
}
