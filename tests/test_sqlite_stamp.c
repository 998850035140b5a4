/*
 * ptr_sqlite_store_stamp: equal while nothing is committed, different after
 * a commit by another connection of this process, by another process, and
 * after the WAL restarts from its beginning; refused where there is no
 * shared WAL index, for another store, and inside this thread's transaction.
 */
#define _POSIX_C_SOURCE 200809L /* fork */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite_test_util.h"

static const ptr_scope SCOPE = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static ptr_status set_name(ptr_ctx *c, const char *addr, const char *name)
{
    ptr_request r;
    const ptr_text n = {name, strlen(name)};
    ptr_test_request(&r, addr, &n);
    const ptr_status st = ptr_ctx_create(c, &SCOPE, &r, NULL, NULL);
    if (st != PTR_E_EXISTS)
        return st;
    r.flags = PTR_REQUEST_NAMES;
    return ptr_ctx_update(c, &SCOPE, r.address.s, r.address.len, &r, NULL, NULL);
}

static ptr_sqlite_stamp stamp_of(const ptr_store *s)
{
    ptr_sqlite_stamp st;
    memset(&st, 0, sizeof st);
    /* No commit runs in this test while a stamp is read, so the header is never half-written. */
    assert_status(ptr_sqlite_store_stamp(s, &st), PTR_OK);
    return st;
}

static int same(const ptr_sqlite_stamp *a, const ptr_sqlite_stamp *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static ptr_store *open_path(const char *path)
{
    ptr_store *s = NULL;
    assert_status(ptr_sqlite_store_open(path, strlen(path), NULL, &s, NULL), PTR_OK);
    return s;
}

static int write_from_child(const char *path)
{
    ptr_store *s = NULL;
    int bad = ptr_sqlite_store_open(path, strlen(path), NULL, &s, NULL) != PTR_OK;
    ptr_ctx *c = bad ? NULL : ptr_test_ctx(s);
    bad = !c || set_name(c, "203.0.113.1", "b.example.com") != PTR_OK;
    ptr_ctx_free(c);
    ptr_store_free(s);
    return bad;
}

static void stamp_follows_commits(void **state)
{
    (void)state;
    test_db db;
    assert_int_equal(test_db_make(&db, "ptr-stamp-", "stamp.sqlite"), 0);
    /*
     * The other process first, so that it inherits nothing to free (valgrind
     * checks children too); it writes once the parent closes the pipe.
     */
    int go[2];
    assert_int_equal(pipe(go), 0);
    fflush(NULL);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        char byte;
        while (read(go[0], &byte, 1) > 0)
            ;
        close(go[0]);
        _exit(write_from_child(db.path));
    }
    ptr_store *reader = open_path(db.path), *writer = open_path(db.path);
    ptr_ctx *rc = ptr_test_ctx_ok(reader), *wc = ptr_test_ctx_ok(writer);

    const ptr_sqlite_stamp s0 = stamp_of(reader);
    ptr_sqlite_stamp again = stamp_of(reader);
    assert_true(same(&s0, &again));

    /* A commit by another connection of this process. */
    assert_status(set_name(wc, "203.0.113.1", "a.example.com"), PTR_OK);
    const ptr_sqlite_stamp s1 = stamp_of(reader);
    assert_false(same(&s0, &s1));
    /* The writer's own view moves with it, and reads change nothing. */
    ptr_sqlite_stamp w1 = stamp_of(writer);
    assert_true(same(&s1, &w1));
    ptr_record *rec = NULL;
    assert_status(ptr_record_new(NULL, &rec), PTR_OK);
    assert_status(ptr_ctx_get(rc, &SCOPE, PTR_LIT("203.0.113.1"), rec, NULL), PTR_OK);
    assert_status(ptr_ctx_get(wc, &SCOPE, PTR_LIT("203.0.113.1"), rec, NULL), PTR_OK);
    again = stamp_of(reader);
    assert_true(same(&s1, &again));

    /* A refused write commits nothing. */
    assert_status(set_name(wc, "203.0.113.1", "-bad-.example.com"), PTR_E_NAME);
    again = stamp_of(reader);
    assert_true(same(&s1, &again));

    /* A commit by another process (forked before anything was opened). */
    close(go[0]);
    close(go[1]); /* go */
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const ptr_sqlite_stamp s2 = stamp_of(reader);
    assert_false(same(&s1, &s2));

    /*
     * The WAL copied into the database and truncated: the next commit writes
     * from the start of the WAL again, its frame count back where it was once,
     * and the stamp still tells it from every earlier one (the salts changed).
     */
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(db.path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_wal_checkpoint_v2(raw, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    const ptr_sqlite_stamp s3 = stamp_of(reader);
    assert_status(set_name(wc, "203.0.113.1", "a.example.com"), PTR_OK);
    const ptr_sqlite_stamp s4 = stamp_of(reader);
    assert_false(same(&s3, &s4));
    assert_false(same(&s0, &s4));
    assert_false(same(&s1, &s4));
    assert_false(same(&s2, &s4));

    ptr_record_free(rec);
    ptr_ctx_free(rc);
    ptr_ctx_free(wc);
    ptr_store_free(reader);
    ptr_store_free(writer);
    test_db_remove(&db);
}

static void stamp_refused(void **state)
{
    (void)state;
    ptr_sqlite_stamp st;
    /* Another store, or none. */
    ptr_store *mem = NULL;
    assert_status(ptr_memstore_new(NULL, &mem), PTR_OK);
    assert_status(ptr_sqlite_store_stamp(mem, &st), PTR_E_INVAL);
    assert_status(ptr_sqlite_store_stamp(NULL, &st), PTR_E_INVAL);
    ptr_store_free(mem);
    /* An in-memory database shares no WAL index. */
    ptr_store *m = open_path(":memory:");
    assert_status(ptr_sqlite_store_stamp(m, &st), PTR_E_UNSUPPORTED);
    ptr_store_free(m);

    test_db db;
    assert_int_equal(test_db_make(&db, "ptr-stamp-", "stamp.sqlite"), 0);
    ptr_store *s = open_path(db.path);
    assert_status(ptr_sqlite_store_stamp(s, NULL), PTR_E_INVAL);
    /* Inside this thread's own transaction: refused, not a deadlock. */
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_sqlite_store_stamp(s, &st), PTR_E_INVAL);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_status(ptr_sqlite_store_stamp(s, &st), PTR_OK);
    ptr_store_free(s);

    test_db_remove(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stamp_follows_commits),
        cmocka_unit_test(stamp_refused),
    };
    return cmocka_run_group_tests_name("sqlite store stamp", tests, NULL, NULL);
}
