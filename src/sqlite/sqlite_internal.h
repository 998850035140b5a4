/*
 * Internals of the SQLite store shared by its files; not installed. Names are
 * ptr__sqlite_* and hidden (the version script exports ptr_sqlite_* only).
 *
 * This library sees the core through its public headers only: the core's
 * ptr__ internals are hidden in libptr.so.
 */
#ifndef LIBPTR_SQLITE_INTERNAL_H
#define LIBPTR_SQLITE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "libptr/error.h"
#include "libptr/sqlite.h"
#include "libptr/store.h"
#include "sqlite_row.h"

/* The schema this library writes; older ones are migrated on open. */
#define PTR__SQLITE_SCHEMA_VERSION 5
/*
 * The oldest schema a read-only store reads without migrating it: version
 * 4 lacks only the DNS status, which its rows read as what the migration
 * would give them (PTR__SQLITE_COLUMNS_READ_V4).
 */
#define PTR__SQLITE_READ_OLDEST 4

/*
 * PRAGMA application_id of a libptr database: "PTR1" read as a big-endian
 * number (0x50545231), in decimal because it is pasted into a PRAGMA.
 */
#define PTR__SQLITE_APPLICATION_ID 1347703345

/*
 * A pending record (ptr_store_filter.dns_pending): the WHERE of the partial
 * index ptr_record_pending, which a query must repeat, word for word, for
 * SQLite to use that index.
 */
#define PTR__SQLITE_PENDING "dns_status <> 0"

/*
 * The queries whose plans matter for size (tests check them with EXPLAIN
 * QUERY PLAN): a get is one search of the key index (region, address); a
 * scan page is a range of that index, already in address order, with
 * project and owner checked on the way; the pending records' page is the
 * same range of ptr_record_pending, which holds them only; the quota count
 * is one row of ptr_owner; a count by region and project is a range of
 * ptr_record_scope. Columns: sqlite_row.h. The _OF forms take the columns
 * and the test of a pending record, for the statements of a version 4
 * file read as it is (sqlite_store.c).
 */
#define PTR__SQLITE_SQL_GET_OF(cols)                                                               \
    "SELECT " cols " FROM ptr_record WHERE region = ?1 AND address = ?2"
#define PTR__SQLITE_SQL_SCAN_OF(cols, where)                                                       \
    "SELECT " cols " FROM ptr_record"                                                              \
    " WHERE region = ?1 AND address > ?2" where                                                    \
    " AND (?3 IS NULL OR project = ?3) AND (?4 IS NULL OR owner = ?4)"                             \
    " ORDER BY address"
#define PTR__SQLITE_SQL_GET PTR__SQLITE_SQL_GET_OF(PTR__SQLITE_COLUMNS)
#define PTR__SQLITE_SQL_SCAN PTR__SQLITE_SQL_SCAN_OF(PTR__SQLITE_COLUMNS, "")
#define PTR__SQLITE_SQL_SCAN_PENDING                                                               \
    PTR__SQLITE_SQL_SCAN_OF(PTR__SQLITE_COLUMNS, " AND " PTR__SQLITE_PENDING)
/* The next key of a region after ?2, from the key index alone (no row is read). */
#define PTR__SQLITE_SQL_NEXT_KEY_OF(where)                                                         \
    "SELECT address FROM ptr_record WHERE region = ?1 AND address > ?2" where                      \
    " ORDER BY address LIMIT 1"
#define PTR__SQLITE_SQL_NEXT_KEY PTR__SQLITE_SQL_NEXT_KEY_OF("")
/* The same among the pending records, from ptr_record_pending alone. */
#define PTR__SQLITE_SQL_NEXT_PENDING PTR__SQLITE_SQL_NEXT_KEY_OF(" AND " PTR__SQLITE_PENDING)
/*
 * The pending records of a region (?1), or of every region, of a project
 * (?2) and owner (?3) or any (NULL): entries of ptr_record_pending, and the
 * rows they point to only when a project or owner is given.
 */
#define PTR__SQLITE_SQL_COUNT_PENDING_OF(region, where)                                            \
    "SELECT count(*) FROM ptr_record WHERE " region where                                          \
    " AND (?2 IS NULL OR project = ?2) AND (?3 IS NULL OR owner = ?3)"
#define PTR__SQLITE_SQL_COUNT_PENDING                                                              \
    PTR__SQLITE_SQL_COUNT_PENDING_OF("region = ?1 AND ", PTR__SQLITE_PENDING)
#define PTR__SQLITE_SQL_COUNT_PENDING_ALL PTR__SQLITE_SQL_COUNT_PENDING_OF("", PTR__SQLITE_PENDING)
/* Every region in order, from the key index alone (a count by name or tag in every region). */
#define PTR__SQLITE_SQL_REGIONS "SELECT DISTINCT region FROM ptr_record ORDER BY region"
/* A list's total: one row of ptr_scope_count (plus the open transaction's inserts). */
#define PTR__SQLITE_SQL_COUNT_SCOPE                                                                \
    "SELECT records FROM ptr_scope_count WHERE region = ?1 AND project = ?2"
/* No row: the owner has no records. */
#define PTR__SQLITE_SQL_COUNT_OWNER "SELECT records FROM ptr_owner WHERE owner = ?1"
/* Adds ?3 (a transaction's inserts) to the count of a region's project. */
#define PTR__SQLITE_SQL_ADD_SCOPE                                                                  \
    "INSERT INTO ptr_scope_count (region, project, records) VALUES (?1, ?2, ?3)"                   \
    " ON CONFLICT (region, project) DO UPDATE SET records = records + excluded.records"
/* Adds ?2 (a transaction's inserts) to the owner's count. */
#define PTR__SQLITE_SQL_ADD_OWNER                                                                  \
    "INSERT INTO ptr_owner (owner, records) VALUES (?1, ?2)"                                       \
    " ON CONFLICT (owner) DO UPDATE SET records = records + excluded.records"

/* The statements of a store, prepared once per connection (sqlite_store.c has their SQL). */
enum {
    PTR__S_BEGIN,
    PTR__S_BEGIN_WRITE,
    PTR__S_COMMIT,
    PTR__S_ROLLBACK,
    PTR__S_SCHEMA_COOKIE,
    PTR__S_GET,
    PTR__S_PROBE, /* the same as GET, for scan: a row that SQLite refused to load */
    PTR__S_INSERT,
    PTR__S_REPLACE,
    PTR__S_REMOVE,
    PTR__S_COUNT_OWNER,
    PTR__S_ADD_OWNER,
    PTR__S_ADD_SCOPE,
    PTR__S_SCAN,
    PTR__S_NEXT_KEY,
    PTR__S_SCAN_PENDING, /* scan with ptr_store_filter.dns_pending */
    PTR__S_NEXT_PENDING,
    PTR__S_COUNT_PENDING, /* count with dns_pending, of one region */
    PTR__S_COUNT_PENDING_ALL,
    PTR__S_REGIONS,
    /* count: one statement per combination of region, project and owner (bits 1, 2, 4). */
    PTR__S_COUNT0,
    PTR__S_COUNT7 = PTR__S_COUNT0 + 7,
    PTR__S_LIMIT_GET,
    PTR__S_LIMIT_SET,
    PTR__S_LIMIT_REMOVE,
    PTR__S_LIMIT_SCAN,
    PTR__S_NSTMT
};

/*
 * Owners a write transaction may have inserts for before they are written
 * to ptr_owner; one more writes them all first. A batch has one owner.
 */
#define PTR__SQLITE_PENDING_OWNERS 16

/* One owner's inserts in the open write transaction, not yet in ptr_owner. */
typedef struct ptr__sqlite_pending {
    size_t off, len; /* the owner's text in ptr__sqlite_store.owners */
    int64_t inserted;
    int64_t stored;   /* the owner's row of ptr_owner, when stored_known */
    int stored_known; /* read by insert_checked; forgotten when a remove or replace may change it */
} ptr__sqlite_pending;

/* One (region, project)'s inserts in the open write transaction, not yet in ptr_scope_count. */
typedef struct ptr__sqlite_scope {
    size_t off, region_len, project_len; /* region then project in ptr__sqlite_store.scope_text */
    int64_t inserted;
} ptr__sqlite_scope;

/* The store behind the slots (the user pointer of its ptr_store). */
typedef struct ptr__sqlite_store {
    ptr_allocator alloc;
    pthread_mutex_t lock; /* held from begin to commit/rollback */
    sqlite3 *db;
    const ptr_store
        *handle; /* what ptr_sqlite_store_open gave: the key of this thread's messages */
    sqlite3_stmt *stmt[PTR__S_NSTMT];
    ptr__sqlite_limits lim;
    int64_t schema_cookie; /* PRAGMA schema_version when the schema was last checked */
    int64_t version;       /* the file's schema version (older only when read-only) */
    int readonly, skip_corrupt;
    int has_wal_index;    /* a shared WAL index, for ptr_sqlite_store_stamp (sqlite_stamp.c) */
    int in_txn, in_write; /* guarded by lock */
    ptr__bytebuf buf;     /* encoded keys and lists being bound */
    ptr__bytebuf key;     /* scan: the address bytes of the last row read */
    ptr_record *scratch;  /* what scan hands to its visitor */
    /* The open write transaction's inserts per owner (guarded by lock). */
    ptr__sqlite_pending pending[PTR__SQLITE_PENDING_OWNERS];
    unsigned npending;
    ptr__bytebuf owners; /* their owners' text, one after another */
    size_t owners_used;
    /* The same for the counts of (region, project): sqlite_scope.c. */
    ptr__sqlite_scope scopes[PTR__SQLITE_PENDING_OWNERS];
    unsigned nscopes;
    ptr__bytebuf scope_text;
    size_t scope_used;
} ptr__sqlite_store;

/* An SQLite result code as a libptr status (BUSY and LOCKED mean busy). */
ptr_status ptr__sqlite_status(int rc);

/*
 * Fill err (when not NULL) with st, PTR_FIELD_NONE and "what: SQLite's
 * message"; returns st. db may be NULL.
 */
ptr_status ptr__sqlite_fail(ptr_error *err, ptr_status st, const char *what, sqlite3 *db);

/*
 * Bring the schema of a freshly opened connection up to date, or refuse the
 * database. readonly: never write (refuse a database that needs migrating,
 * but for version PTR__SQLITE_READ_OLDEST and later, which are read as they
 * are). busy_ms: how long to wait for locks SQLite's busy handler does not
 * wait for. version: the schema version the database now has. On failure
 * nothing has changed; err says why.
 */
ptr_status ptr__sqlite_schema_prepare(sqlite3 *db, int readonly, int is_memory, uint32_t busy_ms,
                                      int64_t *version, ptr_error *err);

/*
 * Compare the schema (sqlite_master) with what this library's migrations
 * make for version `version`: PTR_OK, or PTR_E_STORE with msg naming the
 * first object that is extra, missing or different. Inside a transaction
 * or not; never writes.
 */
ptr_status ptr__sqlite_schema_verify(sqlite3 *db, int64_t version, char *msg, size_t cap);

/* ---- this thread's messages (sqlite_diag.c) ---------------------------------------- */

/* A transaction of m begins on this thread: forget the last one's message and count. */
void ptr__sqlite_diag_begin(const ptr__sqlite_store *m);

/* Record why a call failed (printf format; " (file)" is appended); returns st. */
ptr_status ptr__sqlite_diag_fail(const ptr__sqlite_store *m, ptr_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* An SQLite failure: st from rc, SQLite's message; returns st. */
ptr_status ptr__sqlite_diag_rc(const ptr__sqlite_store *m, int rc);

/* A corrupt row was skipped: counted, and named in the message. */
void ptr__sqlite_diag_skipped(const ptr__sqlite_store *m, const char *what);

/* m is being freed: a message about it must not be taken for another store's later. */
void ptr__sqlite_diag_forget(const ptr__sqlite_store *m);

/* ---- slots in their own files ----------------------------------------------------- */

/* The store of a transaction handle, when it is the open one (it is the store itself). */
ptr__sqlite_store *ptr__sqlite_txn_store(void *user, ptr_store_txn *txn);
/* The same, for a write transaction only. */
ptr__sqlite_store *ptr__sqlite_write_store(void *user, ptr_store_txn *txn);

/* Leave a statement ready for its next use, releasing the buffers bound to it. */
void ptr__sqlite_stmt_done(sqlite3_stmt *st);
/*
 * Step a statement that should change one row, bound with result rc (the
 * step is skipped unless SQLITE_OK), then reset it: PTR_E_NOT_FOUND when no
 * row changed.
 */
ptr_status ptr__sqlite_step_change(ptr__sqlite_store *m, sqlite3_stmt *st, int rc);
/* Bind text (never NULL: "" for empty). */
int ptr__sqlite_bind_text(sqlite3_stmt *st, int i, const char *s, size_t len);

/*
 * Prepare the statements of a connection whose schema open checked (of
 * version m->version), and note its cookie.
 */
ptr_status ptr__sqlite_prepare(ptr__sqlite_store *m, ptr_error *err);

/* sqlite_scan.c: scan and count. */
ptr_status ptr__sqlite_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                            const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx);
ptr_status ptr__sqlite_count(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                             uint64_t *count);
/*
 * A get's row that could not be read (rc from the step, or a row that does
 * not decode): the message names the address; returns PTR_E_STORE (or
 * PTR_E_NOMEM).
 */
ptr_status ptr__sqlite_corrupt(const ptr__sqlite_store *m, const char *region, size_t region_len,
                               const unsigned char *key, size_t key_len, const char *why);

/* sqlite_scope.c: the counts of each region's projects, kept like the owners'. */
/* The entry of rec's (region, project), made before its insert so that counting cannot fail. */
ptr_status ptr__sqlite_scope_entry(ptr__sqlite_store *m, const ptr_record *rec,
                                   ptr__sqlite_scope **out);
/* Add the transaction's inserts to ptr_scope_count (before COMMIT, or when the table is full). */
ptr_status ptr__sqlite_scope_write(ptr__sqlite_store *m);
/* The transaction's inserts not yet written that match region and project (empty: any). */
int64_t ptr__sqlite_scope_pending(const ptr__sqlite_store *m, ptr_text region, ptr_text project);
/* The owner's count as count_owner gives it (sqlite_store.c). */
ptr_status ptr__sqlite_owner_count(ptr__sqlite_store *m, const char *owner, size_t owner_len,
                                   uint64_t *count);

/* sqlite_limits.c: per-owner limits. */
ptr_status ptr__sqlite_limit_get(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *limit);
ptr_status ptr__sqlite_limit_set(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t limit);
ptr_status ptr__sqlite_limit_remove(void *user, ptr_store_txn *txn, const char *owner,
                                    size_t owner_len);
ptr_status ptr__sqlite_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                  void *visit_ctx);

/*
 * The slots as a table (sqlite_store.c), and the store behind them without
 * its ptr_store handle (ptr_sqlite_store_open is make, then ptr_store_new):
 * for tests that look at the connection, or call the version 3 slots before
 * the core knows that version (ptr_store_new copies only the slots of the
 * version it knows). Free a made store with ptr__sqlite_methods.destroy, or
 * give it to ptr_store_new and set its handle.
 */
extern const ptr_store_methods ptr__sqlite_methods;

/* Whether the freshly opened connection has a WAL index shared with others (sqlite_stamp.c). */
void ptr__sqlite_stamp_probe(ptr__sqlite_store *m, int is_memory, int immutable);
ptr_status ptr__sqlite_store_make(const char *path, size_t path_len, const ptr_sqlite_options *opts,
                                  ptr__sqlite_store **out, ptr_error *err);

#endif /* LIBPTR_SQLITE_INTERNAL_H */
