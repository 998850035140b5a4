/**
 * \file libptr/sqlite.h
 * \brief The SQLite store: records in an SQLite database file, for ptrctl and
 * for embedders without a database of their own.
 *
 * A companion library (libptr-sqlite, CMake target libptr::ptr_sqlite,
 * pkg-config libptr-sqlite), so that linking the core never pulls SQLite in.
 * Not included by libptr/libptr.h.
 *
 * The database: a unique key on (region, address), each owner's and each
 * region's project's number of records and per-owner limits in tables of
 * their own, WAL journal, a schema version in PRAGMA user_version with
 * migrations applied on open. A write transaction is `BEGIN IMMEDIATE` (the database-wide write
 * lock, which gives ptr_store_methods.begin's isolation across threads and
 * processes); a lock still held by another connection after the busy timeout
 * gives ::PTR_E_BUSY, which the service retries. Every statement is prepared
 * with bound parameters.
 *
 * \par Threads and processes
 * A store from ptr_sqlite_store_open() owns one SQLite connection and one
 * mutex, held from begin to commit or rollback (read transactions too, since
 * a connection has one transaction at a time): any number of threads may
 * share the store, their transactions run one after another. Several stores
 * (in one process or many) may open the same file; their write transactions
 * exclude each other through SQLite's file locks. A store must not cross a
 * fork(): a child process opens its own. The SQLite library must be built
 * thread-safe (SQLITE_THREADSAFE 1 or 2); open refuses it otherwise.
 *
 * \par Memory
 * ptr_sqlite_options.allocator serves libptr's own buffers and records; SQLite
 * allocates through its own allocator, which this library never reconfigures
 * (sqlite3_config() is the application's).
 *
 * \par A database file is not trusted
 * Whoever can write the file could have added triggers, views or indexes
 * that run inside this library's transactions. On open, and again whenever
 * the file's schema changes while it is open, every object of the schema
 * (sqlite_master's type, name, tbl_name and sql) must be exactly what this
 * library's migrations make for the file's version; anything extra, missing
 * or altered is refused (::PTR_E_STORE naming the object). The connection
 * runs with SQLITE_DBCONFIG_DEFENSIVE, trusted_schema off, views and
 * extension loading disabled. Every value read back is bounded by the
 * record limits (ptr_sqlite_options.policy) before it is copied, and SQLite
 * itself refuses to load a longer one: a row beyond them is reported as
 * corrupt, with its address. New files are created with mode 0600 (owner
 * only; SQLite gives the -wal and -shm files the database file's mode).
 */
#ifndef LIBPTR_SQLITE_H
#define LIBPTR_SQLITE_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/policy.h>
#include <libptr/store.h>

/*
 * The companion library's own export macro: PTR_API would mark the core's
 * declarations as exported from this library on Windows.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(PTR_STATICLIB)
#    define PTR_SQLITE_API
#  elif defined(PTR_SQLITE_BUILDING_LIBRARY)
#    define PTR_SQLITE_API __declspec(dllexport)
#  else
#    define PTR_SQLITE_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PTR_SQLITE_API __attribute__((visibility("default")))
#else
#  define PTR_SQLITE_API
#endif

PTR_BEGIN_DECLS

/** \brief ptr_sqlite_options.flags: create the database file when it does not exist. */
#define PTR_SQLITE_CREATE 0x1u
/**
 * \brief ptr_sqlite_options.flags: open read-only. A write transaction then
 * fails with ::PTR_E_STORE, and a database that would need a migration is
 * refused (open it read-write once), but for schema version 4 (before the
 * DNS status), which is read as it is: its records read as the migration
 * would make them (::PTR_DNS_ACTIVE, ::PTR_ACTION_NONE, no error, in DNS),
 * and none is pending. ::PTR_SQLITE_CREATE is ignored.
 */
#define PTR_SQLITE_READONLY 0x2u
/**
 * \brief ptr_sqlite_options.flags: scans in read transactions skip a row
 * that cannot be read back (damaged, or beyond the record limits) instead of
 * failing, and count it (ptr_sqlite_store_skipped(), ptr_sqlite_store_errmsg()
 * names its address). Without it, and always in write transactions, such a
 * row fails the scan with ::PTR_E_STORE. get always fails on it.
 */
#define PTR_SQLITE_SKIP_CORRUPT 0x4u

/** \brief How to open the database. Start from ptr_sqlite_options_init(). */
typedef struct ptr_sqlite_options {
    uint32_t struct_size;     /**< sizeof(ptr_sqlite_options), set by ptr_sqlite_options_init() */
    uint32_t flags;           /**< PTR_SQLITE_* (init sets ::PTR_SQLITE_CREATE) */
    uint32_t busy_timeout_ms; /**< how long to wait for another writer (init: 5000) */
    const ptr_allocator *allocator; /**< for libptr's own memory (records); NULL: the C library */
    /**
     * The limits of the records the store holds (give the contexts' policy):
     * a value read back beyond them is refused as corrupt, and insert and
     * replace refuse a record beyond them (::PTR_E_INVAL), so that the store
     * never writes what it would not read back. Region, project and owner
     * are limited to 64 bytes, names to 255 bytes each, a description to 4
     * bytes per code point of description_max. NULL: ptr_policy_init()'s.
     * Read only when struct_size covers it (since 0.3); not kept after open.
     */
    const ptr_policy *policy;
} ptr_sqlite_options;

/** \brief Zero options, set struct_size, ::PTR_SQLITE_CREATE and a 5000 ms busy timeout. */
PTR_SQLITE_API void ptr_sqlite_options_init(ptr_sqlite_options *o);

/**
 * \brief Open (or create) a database and make a store over it.
 *
 * A new (empty) database gets the current schema; an older libptr schema is
 * migrated, all steps in one transaction; a file database is switched to WAL.
 * Whatever fails, the file is left as it was found (a new empty file may
 * remain when ::PTR_SQLITE_CREATE made it).
 *
 * A file that cannot be written (a read-only file or mount) is opened
 * read-only as if ::PTR_SQLITE_READONLY were given. A read-only handle
 * never writes: when the WAL index (the -shm file) cannot be made beside a
 * WAL database that nobody has open, it reads the file as immutable (no
 * writer may change it meanwhile: a writer would have made the -shm file).
 *
 * \param[in]  path     the file name (need not be NUL-terminated, must not
 *                      contain a NUL byte); ":memory:" gives a private
 *                      in-memory database. Taken literally: never a URI,
 *                      whatever SQLite's URI setting ("file:x?mode=ro" is
 *                      a file of that name in the current directory).
 * \param[in]  path_len its length
 * \param[in]  opts     NULL: ptr_sqlite_options_init()'s
 * \param[out] out      the store; ptr_store_free() closes the database
 * \param[out] err      optional; on failure the status, ::PTR_FIELD_NONE and
 *                      a message with SQLite's reason
 * \retval PTR_OK
 * \retval PTR_E_STORE       the file cannot be opened, is not an SQLite or not
 *                           a libptr database, has a newer schema than this
 *                           library knows, a schema object this library did
 *                           not make (or one changed), or needs a migration
 *                           while opened read-only; SQLite is not thread-safe
 * \retval PTR_E_BUSY        the schema migration could not take the write lock
 *                           within the busy timeout
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL       NULL \p out or \p path, a NUL in \p path, unknown
 *                           flags, or a struct_size smaller than version 1's
 */
PTR_SQLITE_API ptr_status ptr_sqlite_store_open(const char *path, size_t path_len,
                                                const ptr_sqlite_options *opts, ptr_store **out,
                                                ptr_error *err);

/** \brief The schema version this library writes (PRAGMA user_version). */
PTR_SQLITE_API uint32_t ptr_sqlite_schema_version(void);

/**
 * \brief Why the last transaction of this thread on \p s failed, as the
 * store saw it: SQLite's message and the file, such as "database or disk is
 * full (/var/lib/ptr/ptr.db)", or "corrupt row for 203.0.113.7 in region
 * eu-de: ...". A scan that skipped rows (::PTR_SQLITE_SKIP_CORRUPT) leaves
 * "corrupt row for ... skipped" here although it succeeded.
 *
 * Per thread: each thread sees the failures of its own calls only, so
 * threads sharing a store never read each other's message. Reset when this
 * thread begins a transaction on \p s; read it after the failing call
 * (ptr_ctx_* returning ::PTR_E_STORE or ::PTR_E_BUSY), before this thread
 * calls into \p s again.
 *
 * \param[in] s a store from ptr_sqlite_store_open() (never dereferenced:
 *              any other pointer, NULL included, gives "")
 * \return the message, "" when there is none; never NULL. Valid until this
 *         thread's next call into a SQLite store.
 */
PTR_SQLITE_API const char *ptr_sqlite_store_errmsg(const ptr_store *s);

/**
 * \brief How many rows the scans of this thread's last transaction on \p s
 * skipped as corrupt (::PTR_SQLITE_SKIP_CORRUPT); 0 for another store or
 * thread. Per thread, reset as ptr_sqlite_store_errmsg()'s message is.
 */
PTR_SQLITE_API uint64_t ptr_sqlite_store_skipped(const ptr_store *s);

/** \brief A stamp of a database's commits; see ptr_sqlite_store_stamp(). */
typedef struct ptr_sqlite_stamp {
    unsigned char bytes[48]; /**< opaque: compare two stamps with memcmp() */
} ptr_sqlite_stamp;

/**
 * \brief A stamp that changes with every commit to the database, by any
 * connection of any process, read without a transaction and without a file
 * lock. For a cache of read results: take a stamp before the read
 * transaction, keep it with what was read, and use what was read while a
 * stamp taken later is equal to it (ptrd answers repeated GETs so).
 *
 * The stamp is SQLite's WAL-index header, the start of the -shm file that
 * every connection maps and every SQLite reader reads to begin
 * (https://sqlite.org/walformat.html): its frame count, change counter and
 * salts. Two equal stamps promise that nothing was committed between the
 * two reads; two different ones do not promise a change (a checkpoint may
 * rewrite the header too). The promise holds while the database stays in WAL
 * mode, as a libptr database is (leaving it needs every other connection
 * closed), and trusts the -shm file as SQLite does.
 *
 * Takes the store's lock briefly: not from inside a transaction of this
 * thread on \p s. Since libptr 0.2.3.
 *
 * \param[in]  s   a store from ptr_sqlite_store_open()
 * \param[out] out the stamp
 * \retval PTR_OK
 * \retval PTR_E_BUSY        a commit was writing the header at that moment:
 *                           read the database itself
 * \retval PTR_E_UNSUPPORTED no WAL index shared with other connections
 *                           (":memory:", a read-only file read as
 *                           immutable, a read-only -shm file)
 * \retval PTR_E_INVAL       \p s is not a SQLite store, \p out is NULL, or
 *                           this thread has a transaction open on \p s
 */
PTR_SQLITE_API ptr_status ptr_sqlite_store_stamp(const ptr_store *s, ptr_sqlite_stamp *out);

PTR_END_DECLS

#endif /* LIBPTR_SQLITE_H */
