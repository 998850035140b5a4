/*
 * Temporary databases for the SQLite store tests: a fresh directory with a
 * database path in it, and removal of a database together with the files
 * SQLite keeps beside it.
 */
#ifndef PTR_SQLITE_TEST_UTIL_H
#define PTR_SQLITE_TEST_UTIL_H

typedef struct test_db {
    char dir[64];
    char path[96];
} test_db;

/*
 * Make a fresh directory $TMPDIR/<prefix>XXXXXX (TMPDIR defaults to /tmp)
 * and set db->path to <dir>/<file>; the file is not created. 0 on success.
 */
int test_db_make(test_db *db, const char *prefix, const char *file);

/* Remove path and its -wal, -shm and -journal files, those that exist. */
void test_db_remove_files(const char *path);

/* Remove db->path's files, then db->dir (which must hold nothing else). */
void test_db_remove(const test_db *db);

/*
 * SQL that turns a database of schema version 5 into one of version 4, as
 * version 4 made it (SQLite's DROP COLUMN gives back the table's text from
 * before ADD COLUMN, which the schema check compares): the DNS status and
 * its index go. The rows keep every other value.
 */
#define TEST_SQLITE_TO_V4                                                                          \
    "DROP INDEX ptr_record_pending;"                                                               \
    " ALTER TABLE ptr_record DROP COLUMN in_dns;"                                                  \
    " ALTER TABLE ptr_record DROP COLUMN dns_error;"                                               \
    " ALTER TABLE ptr_record DROP COLUMN dns_action;"                                              \
    " ALTER TABLE ptr_record DROP COLUMN dns_status;"                                              \
    " PRAGMA user_version = 4;"

#endif /* PTR_SQLITE_TEST_UTIL_H */
