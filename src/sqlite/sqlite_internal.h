/*
 * Internals of the SQLite store shared by its files; not installed. Names are
 * ptr__sqlite_* and hidden (the version script exports ptr_sqlite_* only).
 *
 * This library sees the core through its public headers only: the core's
 * ptr__ internals are hidden in libptr.so.
 */
#ifndef LIBPTR_SQLITE_INTERNAL_H
#define LIBPTR_SQLITE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "libptr/error.h"
#include "sqlite_row.h"

/* The schema this library writes; older ones are migrated on open. */
#define PTR__SQLITE_SCHEMA_VERSION 3

/*
 * PRAGMA application_id of a libptr database: "PTR1" read as a big-endian
 * number (0x50545231), in decimal because it is pasted into a PRAGMA.
 */
#define PTR__SQLITE_APPLICATION_ID 1347703345

/*
 * The queries whose plans matter for size (tests check them with EXPLAIN
 * QUERY PLAN): a get is one search of the key index (region, address); a
 * scan page is a range of that index, already in address order, with
 * project and owner checked on the way; the quota count is one row of
 * ptr_owner. Columns: sqlite_row.h.
 */
#define PTR__SQLITE_SQL_GET                                                                        \
    "SELECT " PTR__SQLITE_COLUMNS " FROM ptr_record WHERE region = ?1 AND address = ?2"
#define PTR__SQLITE_SQL_SCAN                                                                       \
    "SELECT " PTR__SQLITE_COLUMNS " FROM ptr_record"                                               \
    " WHERE region = ?1 AND address > ?2"                                                          \
    " AND (?3 IS NULL OR project = ?3) AND (?4 IS NULL OR owner = ?4)"                             \
    " ORDER BY address"
/* No row: the owner has no records. */
#define PTR__SQLITE_SQL_COUNT_OWNER "SELECT records FROM ptr_owner WHERE owner = ?1"
/* Adds ?2 (a transaction's inserts) to the owner's count. */
#define PTR__SQLITE_SQL_ADD_OWNER                                                                  \
    "INSERT INTO ptr_owner (owner, records) VALUES (?1, ?2)"                                       \
    " ON CONFLICT (owner) DO UPDATE SET records = records + excluded.records"

/* An SQLite result code as a libptr status (BUSY and LOCKED mean busy). */
ptr_status ptr__sqlite_status(int rc);

/*
 * Fill err (when not NULL) with st, PTR_FIELD_NONE and "what: SQLite's
 * message"; returns st. db may be NULL.
 */
ptr_status ptr__sqlite_fail(ptr_error *err, ptr_status st, const char *what, sqlite3 *db);

/*
 * Bring the schema of a freshly opened connection up to date, or refuse the
 * database. readonly: never write (refuse a database that needs migrating).
 * busy_ms: how long to wait for locks SQLite's busy handler does not wait
 * for. On failure nothing has changed; err says why.
 */
ptr_status ptr__sqlite_schema_prepare(sqlite3 *db, int readonly, int is_memory, uint32_t busy_ms,
                                      ptr_error *err);

#endif /* LIBPTR_SQLITE_INTERNAL_H */
