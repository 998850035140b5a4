/*
 * The SQLite store against a hostile or unusual database file (issue 11):
 * a schema somebody else changed (planted triggers, views, indexes, altered
 * tables, before open or while open), values far beyond the record limits
 * (a 100 MB description must not be loaded), the mode of new files, paths
 * SQLite would read as URIs, read-only files, and the store's own message
 * for a failure (a full disk, a corrupt row) with corrupt rows skipped by
 * read-only scans when asked.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, setuid, umask */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite/sqlite_internal.h"
#include "sqlite_test_util.h"
#include "store_conformance.h"

static test_db g_db;

static ptr_store *open_flags(const char *path, uint32_t flags)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    ptr_store *s = NULL;
    ptr_error e;
    ptr_status st = ptr_sqlite_store_open(path, strlen(path), &o, &s, &e);
    if (st != PTR_OK)
        print_error("open %s: %s: %s\n", path, ptr_status_name(st), e.message);
    assert_status(st, PTR_OK);
    return s;
}

static void raw_exec(const char *path, const char *script)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, script, NULL, NULL, &msg) != SQLITE_OK) {
        print_error("%s: %s\n", script, msg ? msg : "?");
        sqlite3_free(msg);
        fail();
    }
    sqlite3_close(db);
}

static int64_t raw_int(const char *path, const char *query)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void insert(ptr_store *s, const char *project, const char *addr)
{
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_record *r = test_record("r1", project, "o1", addr, names, NULL);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_record_free(r);
}

/* A fresh database of the current version with two records in r1/p1. */
static void fresh(void)
{
    test_db_remove_files(g_db.path);
    ptr_store *s = open_flags(g_db.path, PTR_SQLITE_CREATE);
    insert(s, "p1", "203.0.113.7");
    insert(s, "p1", "203.0.113.8");
    ptr_store_free(s);
}

static ptr_status open_status(const char *path, uint32_t flags, ptr_error *e)
{
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.flags = flags;
    ptr_store *s = NULL;
    ptr_status st = ptr_sqlite_store_open(path, strlen(path), &o, &s, e);
    ptr_store_free(s);
    return st;
}

/* ---- 1. the schema is not trusted --------------------------------------------- */

static void planted_objects_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *sql, *named;
    } plants[] = {
        /* Moves every new record into another project, inside our transaction. */
        {"CREATE TRIGGER evil AFTER INSERT ON ptr_record BEGIN"
         " UPDATE ptr_record SET project = 'victim' WHERE rowid = new.rowid; END;",
         "trigger evil"},
        {"CREATE VIEW v AS SELECT * FROM ptr_record;", "view v"},
        {"CREATE INDEX extra ON ptr_record (description);", "index extra"},
        {"CREATE TABLE sidecar (x);", "table sidecar"},
        {"ALTER TABLE ptr_owner ADD COLUMN note TEXT;", "table ptr_owner"},
        /* Without it, a delete no longer gives the owner its quota back. */
        {"DROP TRIGGER ptr_record_deleted;", "trigger ptr_record_deleted"},
        /* Same name, another body. */
        {"DROP TRIGGER ptr_record_moved; CREATE TRIGGER ptr_record_moved AFTER UPDATE OF owner"
         " ON ptr_record BEGIN SELECT 1; END;",
         "trigger ptr_record_moved"},
    };
    for (size_t i = 0; i < sizeof plants / sizeof plants[0]; i++) {
        fresh();
        raw_exec(g_db.path, plants[i].sql);
        const int64_t objects = raw_int(g_db.path, "SELECT count(*) FROM sqlite_master");
        ptr_error e;
        assert_status(open_status(g_db.path, PTR_SQLITE_CREATE, &e), PTR_E_STORE);
        if (!strstr(e.message, plants[i].named))
            print_error("%s: %s\n", plants[i].named, e.message);
        assert_non_null(strstr(e.message, plants[i].named));
        assert_non_null(strstr(e.message, "schema"));
        /* Refused without a write. */
        assert_int_equal(raw_int(g_db.path, "SELECT count(*) FROM sqlite_master"), objects);
        assert_status(open_status(g_db.path, PTR_SQLITE_READONLY, &e), PTR_E_STORE);
    }
}

/* A trigger added while the store is open never runs in its transactions. */
static void planted_while_open(void **state)
{
    (void)state;
    fresh();
    ptr_store *s = open_flags(g_db.path, 0);
    raw_exec(g_db.path, "CREATE TRIGGER evil AFTER INSERT ON ptr_record BEGIN"
                        " UPDATE ptr_record SET project = 'victim' WHERE rowid = new.rowid; END;");
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_E_STORE);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "trigger evil"));
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_E_STORE);
    /* Removed again: the store goes on. */
    raw_exec(g_db.path, "DROP TRIGGER evil;");
    insert(s, "p1", "203.0.113.9");
    ptr_store_free(s);
    assert_int_equal(raw_int(g_db.path, "SELECT count(*) FROM ptr_record WHERE project = 'p1'"), 3);
}

/* The connection's own defences. */
static void connection_is_defensive(void **state)
{
    (void)state;
    fresh();
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    ptr__sqlite_store *m = NULL;
    assert_status(ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, NULL), PTR_OK);
    int v = -1;
    assert_int_equal(sqlite3_db_config(m->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &v), SQLITE_OK);
    assert_int_equal(v, 1);
    assert_int_equal(sqlite3_db_config(m->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &v), SQLITE_OK);
    assert_int_equal(v, 0);
    assert_int_equal(sqlite3_db_config(m->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &v),
                     SQLITE_OK);
    assert_int_equal(v, 0);
    /* No value longer than the longest row under the default policy is ever loaded. */
    assert_true(sqlite3_limit(m->db, SQLITE_LIMIT_LENGTH, -1) < 64 * 1024);
    ptr__sqlite_methods.destroy(m);
}

/* ---- 1. values bounded before they are copied ----------------------------------- */

/* 203.0.113.7 gets a 100 MB description, 203.0.113.8 one of 2000 bytes, behind the store's back. */
static void damage_rows(void)
{
    fresh();
    ptr_store *s = open_flags(g_db.path, 0);
    insert(s, "p1", "203.0.113.9");
    ptr_store_free(s);
    raw_exec(g_db.path, "UPDATE ptr_record SET description = replace(hex(zeroblob(50000000)),"
                        " '0', 'x') WHERE address = x'04cb007107000000000000000000000000';"
                        "UPDATE ptr_record SET description = replace(hex(zeroblob(1000)),"
                        " '0', 'y') WHERE address = x'04cb007108000000000000000000000000';");
}

static int collect_last_octet(void *ctx, const ptr_record *rec)
{
    char *seen = ctx;
    size_t n = strlen(seen);
    seen[n] = (char)('0' + ptr_record_address(rec)->bytes[3] % 10);
    seen[n + 1] = '\0';
    return 0;
}

static ptr_status scan_r1(ptr_store *s, unsigned flags, char *seen)
{
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    ptr_store_txn *txn;
    seen[0] = '\0';
    assert_status(ptr_store_begin(s, flags, &txn), PTR_OK);
    ptr_status st = ptr_store_scan(s, txn, &f, NULL, collect_last_octet, seen);
    ptr_store_rollback(s, txn);
    return st;
}

static void huge_values_are_corrupt_rows(void **state)
{
    (void)state;
    damage_rows();
    ptr_store *s = open_flags(g_db.path, 0);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    ptr_addr a;
    ptr_store_txn *txn;

    sqlite3_memory_highwater(1);
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.7"), &a), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_E_STORE);
    ptr_store_rollback(s, txn);
    /* Refused before it was loaded: SQLite never held the 100 MB. */
    assert_true(sqlite3_memory_highwater(0) < 16 * 1024 * 1024);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "corrupt row for 203.0.113.7 in region r1"));
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), g_db.path));

    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.8"), &a), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_E_STORE);
    ptr_store_rollback(s, txn);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s),
                           "corrupt row for 203.0.113.8 in region r1: a description of 2000 "
                           "bytes, over the limit of 1020"));

    /* Without PTR_SQLITE_SKIP_CORRUPT a scan fails at the first, naming it. */
    char seen[16];
    assert_status(scan_r1(s, PTR_TXN_READ, seen), PTR_E_STORE);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "203.0.113.7"));
    assert_int_equal(ptr_sqlite_store_skipped(s), 0);
    ptr_store_free(s);

    /* With it, a read-only scan skips both and goes on; a write transaction still fails. */
    s = open_flags(g_db.path, PTR_SQLITE_SKIP_CORRUPT);
    sqlite3_memory_highwater(1);
    assert_status(scan_r1(s, PTR_TXN_READ, seen), PTR_OK);
    assert_true(sqlite3_memory_highwater(0) < 16 * 1024 * 1024);
    assert_string_equal(seen, "9");
    assert_int_equal(ptr_sqlite_store_skipped(s), 2);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "corrupt row for 203.0.113.8"));
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "skipped"));
    /* Another thread's store, or none, has no message. */
    assert_string_equal(ptr_sqlite_store_errmsg(NULL), "");
    assert_status(scan_r1(s, PTR_TXN_WRITE, seen), PTR_E_STORE);
    assert_int_equal(ptr_sqlite_store_skipped(s), 0);

    /* The service's list: the page has the readable record, the total counts every row. */
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *c;
    assert_status(ptr_ctx_new(&cfg, &c, NULL), PTR_OK);
    const ptr_scope scope = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
    ptr_list_query q;
    ptr_list_query_init(&q);
    ptr_record_list *l = NULL;
    assert_status(ptr_ctx_list(c, &scope, &q, &l, NULL), PTR_OK);
    assert_int_equal(ptr_record_list_count(l), 1);
    assert_int_equal(ptr_sqlite_store_skipped(s), 2);
    ptr_record_list_free(l);
    ptr_ctx_free(c);
    ptr_store_free(s);
    ptr_record_free(got);
}

/* ---- 2. new files are private ----------------------------------------------------- */

static void new_files_are_0600(void **state)
{
    (void)state;
    test_db_remove_files(g_db.path);
    const mode_t old = umask(022);
    ptr_store *s = open_flags(g_db.path, PTR_SQLITE_CREATE);
    insert(s, "p1", "203.0.113.7"); /* the -wal and -shm files exist while the store is open */
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", g_db.path, suffix[i]);
        struct stat sb;
        assert_int_equal(stat(p, &sb), 0);
        if ((sb.st_mode & 0777) != 0600)
            print_error("%s: mode %o\n", p, (unsigned)(sb.st_mode & 0777));
        assert_int_equal(sb.st_mode & 0777, 0600);
    }
    ptr_store_free(s);
    umask(old);
}

/* ---- 4. a path is a path ----------------------------------------------------------- */

static void uri_like_paths_are_files(void **state)
{
    (void)state;
    char cwd[256];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(g_db.dir), 0);
    static const char name[] = "file:lit.db?mode=memory";
    ptr_store *s = open_flags(name, PTR_SQLITE_CREATE);
    insert(s, "p1", "203.0.113.7");
    ptr_store_free(s);
    /* A file of exactly that name holds the record: not an in-memory database. */
    assert_int_equal(access(name, F_OK), 0);
    s = open_flags(name, 0);
    char dump_has[16];
    assert_status(scan_r1(s, PTR_TXN_READ, dump_has), PTR_OK);
    assert_string_equal(dump_has, "7");
    ptr_store_free(s);
    /* ?mode=ro does not make a read-write open read-only, nor does vfs= choose anything. */
    s = open_flags("file:lit.db?mode=ro&vfs=nope", PTR_SQLITE_CREATE);
    insert(s, "p1", "203.0.113.8");
    ptr_store_free(s);
    test_db_remove_files(name);
    test_db_remove_files("file:lit.db?mode=ro&vfs=nope");
    assert_int_equal(chdir(cwd), 0);
}

/* ---- 5. a read-only file can be read --------------------------------------------- */

/* In a child without the right to write the file or its directory: list, and refuse writes. */
static int read_only_child(const char *path)
{
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
        return 100; /* cannot drop root: nothing to test */
    if (access(path, W_OK) == 0)
        return 100;
    int bad = 0;
    const uint32_t flags[] = {PTR_SQLITE_CREATE, PTR_SQLITE_READONLY};
    for (int i = 0; i < 2; i++) {
        ptr_sqlite_options o;
        ptr_sqlite_options_init(&o);
        o.flags = flags[i];
        ptr_store *s = NULL;
        ptr_error e;
        if (ptr_sqlite_store_open(path, strlen(path), &o, &s, &e) != PTR_OK) {
            fprintf(stderr, "read-only open: %s\n", e.message);
            bad++;
            continue;
        }
        ptr_ctx_config cfg;
        ptr_ctx_config_init(&cfg);
        cfg.store = s;
        ptr_ctx *c = NULL;
        ptr_record_list *l = NULL;
        const ptr_scope scope = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
        ptr_list_query q;
        ptr_list_query_init(&q);
        if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK ||
            ptr_ctx_list(c, &scope, &q, &l, NULL) != PTR_OK || ptr_record_list_count(l) != 2) {
            fprintf(stderr, "read-only list: %s\n", ptr_sqlite_store_errmsg(s));
            bad++;
        }
        ptr_store_txn *txn;
        if (ptr_store_begin(s, PTR_TXN_WRITE, &txn) != PTR_E_STORE ||
            !strstr(ptr_sqlite_store_errmsg(s), "read-only"))
            bad++;
        ptr_record_list_free(l);
        ptr_ctx_free(c);
        ptr_store_free(s);
    }
    return bad;
}

static void read_only_file_is_listed(void **state)
{
    (void)state;
    fresh();
    /* Closed cleanly: no -wal or -shm file is left, and none can be made now. */
    assert_int_equal(access(g_db.path, F_OK), 0);
    assert_int_equal(chmod(g_db.path, 0444), 0);
    assert_int_equal(chmod(g_db.dir, 0555), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(read_only_child(g_db.path));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(chmod(g_db.dir, 0700), 0);
    assert_int_equal(chmod(g_db.path, 0600), 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 100)
        skip();
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- 3. the store's own message --------------------------------------------------- */

static void full_disk_is_named(void **state)
{
    (void)state;
    fresh();
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    ptr__sqlite_store *m = NULL;
    assert_status(ptr__sqlite_store_make(g_db.path, strlen(g_db.path), &o, &m, NULL), PTR_OK);
    ptr_store *s = NULL;
    assert_status(ptr_store_new(&ptr__sqlite_methods, m, &s), PTR_OK);
    m->handle = s;
    /* No page beyond those it has: the next page the file needs is a full disk. */
    assert_int_equal(sqlite3_exec(m->db, "PRAGMA max_page_count = 1", NULL, NULL, NULL), SQLITE_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *c;
    assert_status(ptr_ctx_new(&cfg, &c, NULL), PTR_OK);
    const ptr_scope scope = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o2")}};
    const ptr_text name = {PTR_LIT("a.example.com")};
    ptr_status st = PTR_OK;
    char addr[32], desc[200];
    memset(desc, 'd', sizeof desc);
    for (int i = 0; i < 250 && st == PTR_OK; i++) {
        snprintf(addr, sizeof addr, "198.51.100.%d", i);
        ptr_request q;
        ptr_request_init(&q);
        q.address = (ptr_text){addr, strlen(addr)};
        q.names = &name;
        q.name_count = 1;
        q.description = (ptr_text){desc, sizeof desc};
        st = ptr_ctx_create(c, &scope, &q, NULL, NULL);
    }
    assert_status(st, PTR_E_STORE);
    char want[160];
    snprintf(want, sizeof want, "database or disk is full (%s)", g_db.path);
    if (!strstr(ptr_sqlite_store_errmsg(s), want))
        print_error("errmsg: %s\n", ptr_sqlite_store_errmsg(s));
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), want));
    ptr_ctx_free(c);
    ptr_store_free(s);
}

int main(void)
{
    /* URIs on for the whole process, as some builds of SQLite have them (SQLITE_USE_URI). */
    sqlite3_config(SQLITE_CONFIG_URI, 1);
    if (test_db_make(&g_db, "ptr-harden-", "ptr.db") != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(planted_objects_are_refused),
        cmocka_unit_test(planted_while_open),
        cmocka_unit_test(connection_is_defensive),
        cmocka_unit_test(huge_values_are_corrupt_rows),
        cmocka_unit_test(new_files_are_0600),
        cmocka_unit_test(uri_like_paths_are_files),
        cmocka_unit_test(read_only_file_is_listed),
        cmocka_unit_test(full_disk_is_named),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_db_remove(&g_db);
    return failed;
}
