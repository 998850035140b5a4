/* Temporary databases for the SQLite store tests; see sqlite_test_util.h. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sqlite_test_util.h"

int test_db_make(test_db *db, const char *prefix, const char *file)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(db->dir, sizeof db->dir, "%s/%sXXXXXX", tmp ? tmp : "/tmp", prefix);
    if (!mkdtemp(db->dir)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(db->path, sizeof db->path, "%s/%s", db->dir, file);
    return 0;
}

void test_db_remove_files(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

void test_db_remove(const test_db *db)
{
    test_db_remove_files(db->path);
    rmdir(db->dir);
}
