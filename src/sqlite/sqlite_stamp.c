/*
 * ptr_sqlite_store_stamp: a stamp of the database's commits, read without a
 * transaction or a file lock, for caches of read results (ptrd's GET).
 *
 * In WAL mode every connection, of any process, shares the WAL index (the
 * -shm file, mapped by each). Its first 96 bytes are two copies of a 48-byte
 * header that a commit rewrites: the frame count (mxFrame), a change counter
 * (iChange) and the salts that a WAL restart changes. The layout and the way
 * it is written are SQLite's file format, shared by every SQLite version
 * that opens the file (https://sqlite.org/walformat.html, "The WAL-Index
 * Header"): the writer writes the second copy, a memory barrier, then the
 * first; a reader reads the first, a barrier, then the second, and trusts
 * them only when both are equal and marked initialized. That is what
 * SQLite's own readers do to begin a read transaction, and all this file
 * does with them: equal headers mean no commit came in between. It never
 * reads a database page, so it needs none of the locks that reading one does.
 */
#include <string.h>

#include "libptr/sqlite.h"
#include "sqlite_internal.h"

#define HEADER_SIZE  48    /* one copy of the WAL-index header */
#define REGION_SIZE  32768 /* the WAL index is mapped in regions of 32 KiB */
#define IS_INIT_BYTE 12    /* isInit: 1 once the header was written */

_Static_assert(sizeof(ptr_sqlite_stamp) == HEADER_SIZE, "a stamp is one header copy");

void ptr__sqlite_stamp_probe(ptr__sqlite_store *m, int is_memory, int immutable)
{
    m->has_wal_index = 0;
    if (is_memory || immutable)
        return;
    sqlite3_stmt *st = NULL;
    int wal = 0;
    if (sqlite3_prepare_v2(m->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(st, 0);
        wal = mode && strcmp((const char *)mode, "wal") == 0;
    }
    sqlite3_finalize(st);
    m->has_wal_index = wal;
}

/* The first region of the connection's WAL index, mapped by SQLite when it opened the WAL. */
static const uint32_t *wal_index(sqlite3 *db)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
        !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
        return NULL;
    volatile void *p = NULL;
    /* bExtend 0: an existing mapping only. Taken under the VFS's own mutex, briefly. */
    if (f->pMethods->xShmMap(f, 0, REGION_SIZE, 0, &p) != SQLITE_OK)
        return NULL;
    return (const uint32_t *)p; /* page-aligned; the header is made of 32-bit fields */
}

/*
 * One copy of the header, word by word. Acquire: no load written after
 * this call (the other copy's) is done before it, as SQLite's barrier
 * between the two copies ensures for its readers.
 */
static void read_copy(const uint32_t *h, unsigned char *out)
{
    for (size_t i = 0; i < HEADER_SIZE / 4; i++) {
        const uint32_t w = __atomic_load_n(&h[i], __ATOMIC_ACQUIRE);
        memcpy(out + 4 * i, &w, 4);
    }
}

ptr_status ptr_sqlite_store_stamp(const ptr_store *s, ptr_sqlite_stamp *out)
{
    ptr__sqlite_store *m = ptr_store_user(s, &ptr__sqlite_methods);
    if (!m || !out)
        return PTR_E_INVAL;
    if (!m->has_wal_index)
        return PTR_E_UNSUPPORTED;
    /* The connection is not SQLite's to share between threads (NOMUTEX): the store's lock. */
    if (pthread_mutex_lock(&m->lock) != 0)
        return PTR_E_INVAL; /* this thread's own transaction holds it */
    const uint32_t *h = wal_index(m->db);
    ptr_status st = PTR_E_UNSUPPORTED;
    if (h) {
        unsigned char second[HEADER_SIZE];
        read_copy(h, out->bytes);
        read_copy(h + HEADER_SIZE / 4, second);
        /* Unequal copies: a commit is writing them now. Not initialized: SQLite will rebuild it. */
        st = memcmp(out->bytes, second, HEADER_SIZE) == 0 && out->bytes[IS_INIT_BYTE] ? PTR_OK
                                                                                      : PTR_E_BUSY;
    }
    pthread_mutex_unlock(&m->lock);
    return st;
}
