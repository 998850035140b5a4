/*
 * The SQLite store: the store conformance suite on a file and on ":memory:",
 * again behind the fault-injecting wrapper (a failure at any store call of
 * any service operation leaves the database as it was), then what only this
 * store has: persistence, WAL and busy timeouts between connections, the
 * owner counts kept in ptr_owner (and read once per transaction by
 * insert_checked), schema migration and the refusal of foreign or newer
 * databases, query plans, and the row decoder on damaged column values.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fault_store.h"
#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite_test_util.h"
#include "sqlite/sqlite_internal.h"
#include "sqlite/sqlite_row.h"
#include "store_conformance.h"

/* ---- temporary databases ------------------------------------------------------- */

static char g_dir[64];
static unsigned g_seq;

/* A fresh database path in the test's directory (the file does not exist yet). */
static void temp_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/db%u.sqlite", g_dir, g_seq++);
}

static void remove_all(void)
{
    for (unsigned i = 0; i < g_seq; i++) {
        char p[96];
        snprintf(p, sizeof p, "%s/db%u.sqlite", g_dir, i);
        test_db_remove_files(p);
    }
    rmdir(g_dir);
}

static ptr_store *open_path(const char *path, uint32_t flags, uint32_t busy_ms, ptr_status want)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    o.busy_timeout_ms = busy_ms;
    ptr_store *s = NULL;
    ptr_error e;
    ptr_status st = ptr_sqlite_store_open(path, strlen(path), &o, &s, &e);
    if (st != want)
        print_error("open %s: %s: %s\n", path, ptr_status_name(st), e.message);
    assert_status(st, want);
    return s;
}

static ptr_store *make_file(void *arg)
{
    (void)arg;
    char path[96];
    temp_path(path, sizeof path);
    ptr_store *s = NULL;
    if (ptr_sqlite_store_open(path, strlen(path), NULL, &s, NULL) != PTR_OK)
        return NULL;
    return s;
}

static ptr_store *make_memory(void *arg)
{
    (void)arg;
    ptr_store *s = NULL;
    if (ptr_sqlite_store_open(PTR_LIT(":memory:"), NULL, &s, NULL) != PTR_OK)
        return NULL;
    return s;
}

static ptr_store *make_faulty(void *arg)
{
    return fault_store_wrap(make_file(arg), NULL);
}

/* A raw connection, to look at (or tamper with) a database behind the store's back. */
static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static void raw_exec(sqlite3 *db, const char *script)
{
    char *msg = NULL;
    if (sqlite3_exec(db, script, NULL, NULL, &msg) != SQLITE_OK) {
        print_error("%s: %s\n", script, msg ? msg : "?");
        sqlite3_free(msg);
        fail();
    }
}

static int64_t raw_int(sqlite3 *db, const char *query)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Every row of EXPLAIN QUERY PLAN, joined. */
static void raw_plan(sqlite3 *db, const char *query, char *out, size_t cap)
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

static int count_visit(void *ctx, const ptr_record *rec)
{
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

/* ---- persistence, WAL, busy ------------------------------------------------------ */

static void reopen_keeps_everything(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    ptr_store *s = open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", "p1", "o1", "2001:db8::7", names, NULL);
    ptr_record_add_name(r, "b\0x.example.com.", 16);
    /* Bytes the service would never store still round-trip: NUL, invalid UTF-8, a big revision. */
    ptr_record_add_tag(r, "k\0ey", 4, "v,a=l\0", 6);
    ptr_record_set_description(r, "\xff\0\xc3\xa9", 4);
    ptr_record_set_revision(r, UINT64_MAX - 1);
    ptr_record_set_created(r, INT64_MIN);
    ptr_record_set_ttl(r, UINT32_MAX);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    char *before = store_dump(s);
    ptr_store_free(s);

    s = open_path(path, 0, 1000, PTR_OK); /* no CREATE: it must exist */
    char *after = store_dump(s);
    assert_string_equal(before, after);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, "r1", 2, ptr_record_address(r), got), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_int_equal(ptr_record_revision(got), UINT64_MAX - 1);
    assert_int_equal(ptr_record_created(got), INT64_MIN);
    assert_int_equal(ptr_record_ttl(got), UINT32_MAX);
    size_t n;
    assert_memory_equal(ptr_record_name(got, 1, &n), "b\0x.example.com.", 16);
    assert_int_equal(n, 16);
    assert_memory_equal(ptr_record_description(got, &n), "\xff\0\xc3\xa9", 4);
    assert_int_equal(n, 4);
    ptr_tag t;
    assert_status(ptr_record_tag(got, 0, &t), PTR_OK);
    assert_int_equal(t.key_len, 4);
    assert_int_equal(t.value_len, 6);
    assert_memory_equal(t.value, "v,a=l\0", 6);
    ptr_store_free(s);

    /* The file is a libptr database of the current version, in WAL mode. */
    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), ptr_sqlite_schema_version());
    assert_int_equal(raw_int(db, "PRAGMA application_id"), PTR__SQLITE_APPLICATION_ID);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(before);
    free(after);
    ptr_record_free(r);
    ptr_record_free(got);
}

/*
 * Two connections: while one holds a write transaction, the other can still
 * read (WAL), and its write transaction gives up with PTR_E_BUSY after its
 * busy timeout; once the first commits, it sees the insert.
 */
static void busy_between_connections(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    ptr_store *a = open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK);
    ptr_store *b = open_path(path, 0, 50, PTR_OK);
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", NULL, NULL);
    ptr_store_txn *ta, *tb;
    uint64_t n = 99;
    assert_status(ptr_store_begin(a, PTR_TXN_WRITE, &ta), PTR_OK);
    assert_status(ptr_store_insert(a, ta, r), PTR_OK);
    assert_status(ptr_store_begin(b, PTR_TXN_READ, &tb), PTR_OK);
    assert_status(ptr_store_count_owner(b, tb, "o1", 2, &n), PTR_OK);
    assert_int_equal(n, 0);
    assert_status(ptr_store_commit(b, tb), PTR_OK);
    assert_status(ptr_store_begin(b, PTR_TXN_WRITE, &tb), PTR_E_BUSY);
    assert_status(ptr_store_commit(a, ta), PTR_OK);
    assert_status(ptr_store_begin(b, PTR_TXN_WRITE, &tb), PTR_OK);
    assert_status(ptr_store_count_owner(b, tb, "o1", 2, &n), PTR_OK);
    assert_int_equal(n, 1);
    assert_status(ptr_store_insert(b, tb, r), PTR_E_EXISTS);
    ptr_store_rollback(b, tb);
    ptr_store_free(a);
    ptr_store_free(b);
    ptr_record_free(r);
}

/* ---- threads, each with its own connection to one file --------------------------- */

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

enum { THREADS = 8, PER_THREAD = 8 };

typedef struct racer {
    const char *path;
    uint32_t quota;
    int same; /* every thread creates the same addresses */
    int id;
    int ok, quota_hit, exists, other;
} racer;

static void *racer_main(void *p)
{
    racer *r = p;
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.busy_timeout_ms = 10000;
    ptr_store *s = NULL;
    if (ptr_sqlite_store_open(r->path, strlen(r->path), &o, &s, NULL) != PTR_OK) {
        r->other = PER_THREAD;
        return NULL;
    }
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.max_records_per_owner = r->quota;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    cfg.policy = &pol;
    ptr_ctx *c = NULL;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK) {
        ptr_store_free(s);
        r->other = PER_THREAD;
        return NULL;
    }
    for (int i = 0; i < PER_THREAD; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "198.51.100.%d", r->same ? i : r->id * PER_THREAD + i);
        ptr_request q;
        ptr_request_init(&q);
        const ptr_text n = {PTR_LIT("a.example.com")};
        q.address = (ptr_text){addr, strlen(addr)};
        q.names = &n;
        q.name_count = 1;
        const ptr_status st = ptr_ctx_create(c, &P1, &q, NULL, NULL);
        r->ok += st == PTR_OK;
        r->quota_hit += st == PTR_E_QUOTA;
        r->exists += st == PTR_E_EXISTS;
        r->other += st != PTR_OK && st != PTR_E_QUOTA && st != PTR_E_EXISTS;
    }
    ptr_ctx_free(c);
    ptr_store_free(s);
    return NULL;
}

static void connection_race(int same, uint32_t quota, int *ok, int *quota_hit, int *exists)
{
    char path[96];
    temp_path(path, sizeof path);
    ptr_store_free(open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK));
    pthread_t th[THREADS];
    racer r[THREADS];
    for (int i = 0; i < THREADS; i++) {
        r[i] = (racer){path, quota, same, i, 0, 0, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, racer_main, &r[i]), 0);
    }
    *ok = *quota_hit = *exists = 0;
    int other = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        *ok += r[i].ok;
        *quota_hit += r[i].quota_hit;
        *exists += r[i].exists;
        other += r[i].other;
    }
    assert_int_equal(other, 0); /* never a storage error instead of a rule's answer */
}

static void threads_with_own_connections(void **state)
{
    (void)state;
    int ok, quota_hit, exists;
    connection_race(0, 20, &ok, &quota_hit, &exists);
    assert_int_equal(ok, 20);
    assert_int_equal(quota_hit, THREADS * PER_THREAD - 20);
    connection_race(1, 100, &ok, &quota_hit, &exists);
    assert_int_equal(ok, PER_THREAD);
    assert_int_equal(exists, (THREADS - 1) * PER_THREAD);
}

/* ---- owner counts ------------------------------------------------------------------ */

static uint64_t count_of(ptr_store *s, ptr_store_txn *txn, const char *owner)
{
    uint64_t n = 99;
    assert_status(ptr_store_count_owner(s, txn, owner, strlen(owner), &n), PTR_OK);
    return n;
}

static ptr_record *owned(const char *owner, const char *addr)
{
    return test_record("r1", "p1", owner, addr, NULL, NULL);
}

/* Rows whose owner's count in ptr_owner is not their number, and counts without rows. */
static int64_t counts_off(sqlite3 *db)
{
    return raw_int(db, "SELECT (SELECT count(*) FROM"
                       "  (SELECT owner, count(*) AS n FROM ptr_record GROUP BY owner) r"
                       "  WHERE n IS NOT (SELECT records FROM ptr_owner o WHERE o.owner = r.owner))"
                       " + (SELECT count(*) FROM ptr_owner o WHERE records <>"
                       "  (SELECT count(*) FROM ptr_record r WHERE r.owner = o.owner))");
}

/*
 * A write transaction's inserts are counted in memory and written at commit:
 * count_owner sees them at once, with removes and owner changes (counted by
 * the triggers) in any order, more owners than the store keeps in memory,
 * and a rollback leaves no trace of them.
 */
static void owner_counts(void **state)
{
    (void)state;
    char path[96], addr[32], owner[16];
    temp_path(path, sizeof path);
    ptr_store *s = open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK);
    ptr_record *r[3] = {owned("o1", "203.0.113.1"), owned("o1", "203.0.113.2"),
                        owned("o1", "203.0.113.3")};
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    for (int i = 0; i < 3; i++)
        assert_status(ptr_store_insert(s, txn, r[i]), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r[0]), PTR_E_EXISTS); /* not counted */
    assert_int_equal(count_of(s, txn, "o1"), 3);
    assert_status(ptr_store_remove(s, txn, "r1", 2, ptr_record_address(r[1])), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 2);
    assert_status(ptr_record_set_owner(r[2], PTR_LIT("o2")), PTR_OK);
    assert_status(ptr_store_replace(s, txn, r[2]), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 1);
    assert_int_equal(count_of(s, txn, "o2"), 1);
    /* Inserted and removed again: nothing. */
    ptr_record *gone = owned("o3", "203.0.113.9");
    assert_status(ptr_store_insert(s, txn, gone), PTR_OK);
    assert_status(ptr_store_remove(s, txn, "r1", 2, ptr_record_address(gone)), PTR_OK);
    assert_int_equal(count_of(s, txn, "o3"), 0);
    /* 40 owners, more than the store holds before writing them out mid-transaction. */
    for (int i = 0; i < 40; i++) {
        snprintf(owner, sizeof owner, "x%02d", i);
        snprintf(addr, sizeof addr, "198.51.100.%d", i + 1);
        ptr_record *x = owned(owner, addr);
        assert_status(ptr_store_insert(s, txn, x), PTR_OK);
        ptr_record_free(x);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(owner, sizeof owner, "x%02d", i);
        assert_int_equal(count_of(s, txn, owner), 1);
    }
    assert_int_equal(count_of(s, txn, "o1"), 1);
    assert_status(ptr_store_commit(s, txn), PTR_OK);

    /* A rolled-back insert is not counted, in memory or in the file. */
    ptr_record *more = owned("o1", "203.0.113.4");
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, more), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 2);
    ptr_store_rollback(s, txn);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 1);
    assert_int_equal(count_of(s, txn, "x07"), 1);
    assert_int_equal(count_of(s, txn, "nobody"), 0);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);

    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ptr_record"), 42);
    assert_int_equal(counts_off(db), 0);
    assert_int_equal(raw_int(db, "SELECT records FROM ptr_owner WHERE owner = 'o2'"), 1);
    sqlite3_close(db);
    for (int i = 0; i < 3; i++)
        ptr_record_free(r[i]);
    ptr_record_free(gone);
    ptr_record_free(more);
}

/*
 * insert_checked reads an owner's stored count once per transaction; a
 * remove or an owner change in the same transaction moves it (the
 * triggers), and the next insert_checked must see that.
 */
static void insert_checked_counts(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    ptr_store *s = open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK);
    ptr_record *a = owned("o1", "203.0.113.1"), *b = owned("o1", "203.0.113.2"),
               *c = owned("o1", "203.0.113.3"), *d = owned("o2", "203.0.113.4");
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, d), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);

    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, a, 2), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, b, 2), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, c, 2), PTR_E_QUOTA);
    assert_status(ptr_store_insert_checked(s, txn, a, 2), PTR_E_EXISTS); /* the key first */
    assert_status(ptr_store_insert_checked(s, txn, a, 5), PTR_E_EXISTS);
    assert_status(ptr_store_remove(s, txn, "r1", 2, ptr_record_address(a)), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, c, 2), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 2);
    /* o2's record moves to o1: o1 is over its limit of 2, o2 has room again. */
    assert_status(ptr_store_insert_checked(s, txn, d, 1), PTR_E_EXISTS);
    assert_status(ptr_record_set_owner(d, PTR_LIT("o1")), PTR_OK);
    assert_status(ptr_store_replace(s, txn, d), PTR_OK);
    assert_status(ptr_store_insert_checked(s, txn, a, 3), PTR_E_QUOTA);
    ptr_record *e = owned("o2", "203.0.113.5");
    assert_status(ptr_store_insert_checked(s, txn, e, 1), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);

    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_int_equal(count_of(s, txn, "o1"), 3);
    assert_int_equal(count_of(s, txn, "o2"), 1);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);
    sqlite3 *db = raw_open(path);
    assert_int_equal(counts_off(db), 0);
    sqlite3_close(db);
    ptr_record_free(a);
    ptr_record_free(b);
    ptr_record_free(c);
    ptr_record_free(d);
    ptr_record_free(e);
}

/* ---- schema: migration and refusals --------------------------------------------- */

/* Version 1 as the migration table wrote it, by hand: no revision column, no owner index. */
static const char V1_SCHEMA[] =
    "CREATE TABLE ptr_record (region TEXT NOT NULL, address BLOB NOT NULL,"
    " project TEXT NOT NULL, owner TEXT NOT NULL, ttl INTEGER NOT NULL,"
    " description TEXT NOT NULL, names BLOB NOT NULL, tags BLOB NOT NULL,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " PRIMARY KEY (region, address)) WITHOUT ROWID;"
    "PRAGMA application_id = 1347703345;"
    "PRAGMA user_version = 1;"
    /* 203.0.113.5: one name, one tag env=prod. */
    "INSERT INTO ptr_record VALUES ('eu-de', x'04cb007105000000000000000000000000',"
    " 'p1', 'o1', 600, 'old row', x'01116d61696c2e6578616d706c652e636f6d2e',"
    " x'0103656e760470726f64', 100, 200);";

static void migrates_version_1(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, V1_SCHEMA);
    sqlite3_close(db);

    ptr_store *s = open_path(path, 0, 1000, PTR_OK);
    ptr_record *got;
    ptr_addr a;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.5"), &a), PTR_OK);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, "eu-de", 5, &a, got), PTR_OK);
    uint64_t n;
    assert_status(ptr_store_count_owner(s, txn, "o1", 2, &n), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ptr_record_revision(got), 1); /* the column's default for old rows */
    assert_int_equal(ptr_record_ttl(got), 600);
    assert_string_equal(ptr_record_name(got, 0, NULL), "mail.example.com.");
    assert_string_equal(ptr_record_description(got, NULL), "old row");
    ptr_tag t;
    assert_status(ptr_record_tag(got, 0, &t), PTR_OK);
    assert_memory_equal(t.value, "prod", 4);
    assert_int_equal(ptr_record_created(got), 100);
    ptr_store_free(s);

    db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), ptr_sqlite_schema_version());
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                 " AND name = 'ptr_record_key'"),
                     1);
    assert_int_equal(
        raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ptr_record_owner'"), 0);
    assert_int_equal(raw_int(db, "SELECT records FROM ptr_owner WHERE owner = 'o1'"), 1);
    sqlite3_close(db);
    ptr_record_free(got);
}

/* Scan visitor: order[0] counts the records, order[1..3] their last address bytes. */
static int last_octets(void *ctx, const ptr_record *rec)
{
    uint8_t *order = ctx;
    if (order[0] < 3)
        order[1 + order[0]] = ptr_record_address(rec)->bytes[3];
    order[0]++;
    return 0;
}

/*
 * Version 2 (the records in a WITHOUT ROWID table, the owner index) becomes
 * version 3: the same rows in a rowid table and each owner's count in
 * ptr_owner, which then follows inserts, removes and owner changes.
 */
static void migrates_version_2(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, V1_SCHEMA);
    raw_exec(db, "ALTER TABLE ptr_record ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;"
                 "CREATE INDEX ptr_record_owner ON ptr_record (owner);"
                 "PRAGMA user_version = 2;"
                 /* 203.0.113.6 and .4 for o2, in the order a scan must not follow. */
                 "INSERT INTO ptr_record SELECT region, x'04cb007106000000000000000000000000',"
                 " project, 'o2', ttl, description, names, tags, created, updated, 7"
                 " FROM ptr_record;"
                 "INSERT INTO ptr_record SELECT region, x'04cb007104000000000000000000000000',"
                 " project, 'o2', ttl, description, names, tags, created, updated, 8"
                 " FROM ptr_record WHERE owner = 'o1';");
    sqlite3_close(db);

    ptr_store *s = open_path(path, 0, 1000, PTR_OK);
    db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), ptr_sqlite_schema_version());
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ptr_record"), 3);
    assert_int_equal(raw_int(db, "SELECT records FROM ptr_owner WHERE owner = 'o2'"), 2);
    sqlite3_close(db);

    /* A scan still walks the region in address order. */
    ptr_store_txn *txn;
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("eu-de")};
    uint8_t order[4] = {0};
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_scan(s, txn, &f, NULL, last_octets, order), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_int_equal(order[0], 3);
    assert_memory_equal(order + 1, "\x04\x05\x06", 3);

    ptr_record *got;
    ptr_addr a;
    uint64_t n;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.6"), &a), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, "eu-de", 5, &a, got), PTR_OK);
    assert_int_equal(ptr_record_revision(got), 7);
    /* o2 gives 203.0.113.6 to o1, then removes 203.0.113.4. */
    assert_status(ptr_record_set_owner(got, PTR_LIT("o1")), PTR_OK);
    assert_status(ptr_store_replace(s, txn, got), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.4"), &a), PTR_OK);
    assert_status(ptr_store_remove(s, txn, "eu-de", 5, &a), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, "o1", 2, &n), PTR_OK);
    assert_int_equal(n, 2);
    assert_status(ptr_store_count_owner(s, txn, "o2", 2, &n), PTR_OK);
    assert_int_equal(n, 0);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);

    db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT records FROM ptr_owner WHERE owner = 'o1'"), 2);
    /* An owner left without records leaves no row behind. */
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ptr_owner WHERE owner = 'o2'"), 0);
    sqlite3_close(db);
    ptr_record_free(got);
}

/* A step that fails undoes the steps before it: the database stays at version 1. */
static void failed_migration_changes_nothing(void **state)
{
    (void)state;
    char path[96];
    temp_path(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, V1_SCHEMA);
    /*
     * Step 2 -> 3 copies every row: one with a 100 KiB description is over
     * the length limit of the store's connection, so that step fails after
     * step 1 -> 2 ran.
     */
    raw_exec(db, "INSERT INTO ptr_record SELECT region, x'04cb007106000000000000000000000000',"
                 " project, owner, ttl, replace(hex(zeroblob(51200)), '0', 'x'), names, tags,"
                 " created, updated FROM ptr_record;");
    sqlite3_close(db);
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    ptr_store *s = NULL;
    ptr_error e;
    assert_status(ptr_sqlite_store_open(path, strlen(path), &o, &s, &e), PTR_E_STORE);
    assert_error(&e, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_non_null(strstr(e.message, "migrating"));
    assert_null(s);
    db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), 1);
    assert_int_equal(
        raw_int(db, "SELECT count(*) FROM pragma_table_info('ptr_record') WHERE name = 'revision'"),
        0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM ptr_record"), 2);
    sqlite3_close(db);
}

static ptr_status open_err(const char *path, uint32_t flags, ptr_error *e)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    ptr_store *s = NULL;
    ptr_status st = ptr_sqlite_store_open(path, strlen(path), &o, &s, e);
    if (st == PTR_OK)
        ptr_store_free(s);
    else
        assert_null(s);
    return st;
}

static void refuses_foreign_and_newer(void **state)
{
    (void)state;
    char path[96];
    ptr_error e;

    /* Somebody else's database: refused, and left exactly as it was (no WAL, no table). */
    temp_path(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    sqlite3_close(db);
    assert_status(open_err(path, PTR_SQLITE_CREATE, &e), PTR_E_STORE);
    assert_error(&e, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_non_null(strstr(e.message, "not a libptr database"));
    db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"), 1);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* A libptr database from a newer libptr. */
    temp_path(path, sizeof path);
    ptr_store_free(open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK));
    db = raw_open(path);
    char newer[64];
    snprintf(newer, sizeof newer, "PRAGMA user_version = %u;", ptr_sqlite_schema_version() + 1);
    raw_exec(db, newer);
    sqlite3_close(db);
    assert_status(open_err(path, 0, &e), PTR_E_STORE);
    assert_error(&e, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_non_null(strstr(e.message, "newer"));

    /* Not an SQLite file at all. */
    temp_path(path, sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 64; i++)
        fputs("this is not a database, ", f);
    fclose(f);
    assert_status(open_err(path, 0, &e), PTR_E_STORE);
    assert_error(&e, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);

    /* Missing without CREATE. */
    temp_path(path, sizeof path);
    assert_status(open_err(path, 0, &e), PTR_E_STORE);
    assert_error(&e, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(access(path, F_OK), -1);
}

static void read_only(void **state)
{
    (void)state;
    char path[96];
    ptr_error e;
    /* An old database is not migrated through a read-only handle. */
    temp_path(path, sizeof path);
    sqlite3 *db = raw_open(path);
    raw_exec(db, V1_SCHEMA);
    sqlite3_close(db);
    assert_status(open_err(path, PTR_SQLITE_READONLY, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "read-write"));

    ptr_store *rw = open_path(path, 0, 1000, PTR_OK);
    ptr_store *ro = open_path(path, PTR_SQLITE_READONLY, 1000, PTR_OK);
    ptr_store_txn *txn;
    uint64_t n;
    assert_status(ptr_store_begin(ro, PTR_TXN_WRITE, &txn), PTR_E_STORE);
    assert_status(ptr_store_begin(ro, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count_owner(ro, txn, "o1", 2, &n), PTR_OK);
    assert_status(ptr_store_commit(ro, txn), PTR_OK);
    assert_int_equal(n, 1);
    ptr_store_free(ro);
    ptr_store_free(rw);
}

static void bad_arguments(void **state)
{
    (void)state;
    ptr_store *s = NULL;
    ptr_error e;
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.flags, PTR_SQLITE_CREATE);
    assert_int_equal(o.busy_timeout_ms, 5000);
    assert_status(ptr_sqlite_store_open(NULL, 0, NULL, &s, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_status(ptr_sqlite_store_open(PTR_LIT(":memory:"), NULL, NULL, &e), PTR_E_INVAL);
    assert_status(ptr_sqlite_store_open("a\0b", 3, NULL, &s, &e), PTR_E_INVAL);
    assert_status(ptr_sqlite_store_open("", 0, NULL, &s, &e), PTR_E_INVAL);
    o.flags = 0x80;
    assert_status(ptr_sqlite_store_open(PTR_LIT(":memory:"), &o, &s, &e), PTR_E_INVAL);
    ptr_sqlite_options_init(&o);
    o.struct_size = 4;
    assert_status(ptr_sqlite_store_open(PTR_LIT(":memory:"), &o, &s, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_null(s);
    /* The path need not be NUL-terminated. */
    assert_status(ptr_sqlite_store_open(":memory:xyz", 8, NULL, &s, NULL), PTR_OK);
    ptr_store_free(s);
    assert_int_equal(ptr_sqlite_schema_version(), 5);
}

/* ---- query plans ---------------------------------------------------------------- */

static void plans_use_the_indexes(void **state)
{
    (void)state;
    char path[96], plan[1024];
    temp_path(path, sizeof path);
    ptr_store_free(open_path(path, PTR_SQLITE_CREATE, 1000, PTR_OK));
    sqlite3 *db = raw_open(path);
    raw_plan(db, PTR__SQLITE_SQL_GET, plan, sizeof plan);
    /* One search of the key index. */
    assert_non_null(
        strstr(plan, "SEARCH ptr_record USING INDEX ptr_record_key (region=? AND address=?)"));
    raw_plan(db, PTR__SQLITE_SQL_SCAN, plan, sizeof plan);
    /* A range of the key index, already in order: no sort, no full scan. */
    assert_non_null(
        strstr(plan, "SEARCH ptr_record USING INDEX ptr_record_key (region=? AND address>?)"));
    assert_null(strstr(plan, "TEMP B-TREE"));
    /* The quota's count is one row, however many records the owner has. */
    raw_plan(db, PTR__SQLITE_SQL_COUNT_OWNER, plan, sizeof plan);
    assert_non_null(strstr(plan, "SEARCH ptr_owner USING PRIMARY KEY (owner=?)"));
    sqlite3_close(db);
}

/* ---- allocation failures ------------------------------------------------------- */

typedef struct failing {
    long left; /* allocations that succeed before every later one fails; -1: never fail */
    long live; /* blocks out */
} failing;

static void *f_malloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (f->left == 0)
        return NULL;
    if (f->left > 0)
        f->left--;
    void *p = malloc(n);
    f->live += p != NULL;
    return p;
}

static void *f_realloc(void *ctx, void *p, size_t n)
{
    failing *f = ctx;
    if (f->left == 0)
        return NULL;
    if (f->left > 0)
        f->left--;
    return realloc(p, n);
}

static void f_free(void *ctx, void *p)
{
    failing *f = ctx;
    f->live--;
    free(p);
}

/*
 * Open, insert, get and scan with the nth allocation through the store's
 * allocator failing, for every n until nothing fails: each failure is
 * PTR_E_NOMEM, changes nothing, and leaks nothing.
 */
static void allocation_failures(void **state)
{
    (void)state;
    static const char *const names[] = {"a.example.com.", "b.example.com.", NULL};
    static const char *const tags[] = {"env=prod", NULL};
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.1", names, tags), *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    for (long n = 0;; n++) {
        assert_true(n < 100);
        failing f = {n, 0};
        const ptr_allocator a = {f_malloc, f_realloc, f_free, &f};
        ptr_sqlite_options o;
        ptr_sqlite_options_init(&o);
        o.allocator = &a;
        ptr_store *s = NULL;
        ptr_status st = ptr_sqlite_store_open(PTR_LIT(":memory:"), &o, &s, NULL);
        if (st != PTR_OK) {
            assert_status(st, PTR_E_NOMEM);
            assert_int_equal(f.live, 0);
            continue;
        }
        ptr_store_txn *txn;
        int done = 0;
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
        st = ptr_store_insert(s, txn, r);
        if (st == PTR_OK) {
            assert_status(ptr_store_commit(s, txn), PTR_OK);
            ptr_store_filter flt;
            ptr_store_filter_init(&flt);
            flt.region = (ptr_text){"r1", 2};
            assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
            st = ptr_store_scan(s, txn, &flt, NULL, count_visit, &done);
            assert_status(ptr_store_commit(s, txn), PTR_OK);
            if (st == PTR_OK)
                assert_int_equal(done, 1);
            else
                assert_status(st, PTR_E_NOMEM);
        } else {
            assert_status(st, PTR_E_NOMEM);
            ptr_store_rollback(s, txn);
            /* Nothing was inserted. */
            assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
            assert_status(ptr_store_get(s, txn, "r1", 2, ptr_record_address(r), got),
                          PTR_E_NOT_FOUND);
            assert_status(ptr_store_commit(s, txn), PTR_OK);
        }
        ptr_store_free(s);
        assert_int_equal(f.live, 0);
        if (f.left != 0 && done)
            break; /* the allocator never refused: every path ran */
    }
    ptr_record_free(r);
    ptr_record_free(got);
}

/* ---- the row decoder ------------------------------------------------------------ */

static const unsigned char KEY4[17] = {4, 203, 0, 113, 5};
static const unsigned char NAMES1[] = {1, 3, 'a', '.', 'b'};
static const unsigned char TAGS0[] = {0};

static ptr__sqlite_row good_row(void)
{
    ptr__sqlite_row row;
    memset(&row, 0, sizeof row);
    row.region = (ptr__sqlite_bytes){(const unsigned char *)"r1", 2};
    row.address = (ptr__sqlite_bytes){KEY4, sizeof KEY4};
    row.names = (ptr__sqlite_bytes){NAMES1, sizeof NAMES1};
    row.tags = (ptr__sqlite_bytes){TAGS0, sizeof TAGS0};
    row.ttl = 300;
    row.revision = -1;
    return row;
}

static void row_decoder(void **state)
{
    (void)state;
    ptr__sqlite_limits lim;
    ptr__sqlite_limits_init(&lim, NULL);
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    ptr__sqlite_row row = good_row();
    assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_OK);
    assert_int_equal(ptr_record_revision(r), UINT64_MAX);
    assert_string_equal(ptr_record_name(r, 0, NULL), "a.b");

    /* Each damage: PTR_E_STORE, and the record left reset. */
    static const unsigned char key_bad_family[17] = {5};
    static const unsigned char key_v4_tail[17] = {4, 1, 2, 3, 4, 0, 0, 0, 0,
                                                  0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char names_short[] = {1, 4, 'a', '.', 'b'};
    static const unsigned char names_extra[] = {1, 3, 'a', '.', 'b', 0, 0}; /* bad for both lists */
    static const unsigned char names_count[] = {2, 3, 'a', '.', 'b'};
    static const unsigned char varint_long[] = {0xff, 0xff, 0xff, 0xff, 0x7f};
    static const unsigned char varint_cut[] = {0x80};
    static const unsigned char tags_half[] = {1, 1, 'k'};
    const ptr__sqlite_bytes bad_keys[] = {
        {KEY4, 16}, {key_bad_family, 17}, {key_v4_tail, 17}, {NULL, 0}};
    const ptr__sqlite_bytes bad_lists[] = {
        {names_short, sizeof names_short}, {names_extra, sizeof names_extra},
        {names_count, sizeof names_count}, {varint_long, sizeof varint_long},
        {varint_cut, sizeof varint_cut},   {NULL, 0}};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        row = good_row();
        row.address = bad_keys[i];
        assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
        assert_int_equal(ptr_record_address(r)->family, 0);
    }
    for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
        row = good_row();
        row.names = bad_lists[i];
        assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
        assert_int_equal(ptr_record_name_count(r), 0);
        row = good_row();
        row.tags = bad_lists[i];
        assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
    }
    row = good_row();
    row.tags = (ptr__sqlite_bytes){tags_half, sizeof tags_half};
    assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
    row = good_row();
    row.ttl = -1;
    assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
    row.ttl = (int64_t)UINT32_MAX + 1;
    assert_status(ptr__sqlite_row_decode(&row, &lim, r, NULL, 0), PTR_E_STORE);
    assert_int_equal(ptr__sqlite_i64_to_u64(ptr__sqlite_u64_to_i64(UINT64_MAX)), UINT64_MAX);
    assert_int_equal(ptr__sqlite_u64_to_i64((uint64_t)INT64_MAX + 1), INT64_MIN);
    ptr_record_free(r);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/ptr-sqlite-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    int failed = store_conformance_run("sqlite store (file)", make_file, NULL);
    failed += store_conformance_run("sqlite store (:memory:)", make_memory, NULL);
    failed += store_conformance_run("sqlite store behind the fault wrapper", make_faulty, NULL);
    failed += service_faults_run("sqlite store (file): faults", make_file, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reopen_keeps_everything),
        cmocka_unit_test(busy_between_connections),
        cmocka_unit_test(threads_with_own_connections),
        cmocka_unit_test(owner_counts),
        cmocka_unit_test(insert_checked_counts),
        cmocka_unit_test(migrates_version_1),
        cmocka_unit_test(migrates_version_2),
        cmocka_unit_test(failed_migration_changes_nothing),
        cmocka_unit_test(refuses_foreign_and_newer),
        cmocka_unit_test(read_only),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(plans_use_the_indexes),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(row_decoder),
    };
    failed += cmocka_run_group_tests_name("sqlite store", tests, NULL, NULL);
    remove_all();
    return failed ? 1 : 0;
}
