/**
 * \file libptr/pg.h
 * \brief The PostgreSQL store: records in a PostgreSQL database shared by
 * many processes on many hosts, every rule still holding across them.
 *
 * A companion library (libptr-pg, CMake target libptr::ptr_pg, pkg-config
 * libptr-pg), so that linking the core never pulls libpq in. Not included by
 * libptr/libptr.h.
 *
 * The database: the store's tables live in a schema of their own ("libptr"
 * unless ptr_pg_options.schema says otherwise), created on first use,
 * versioned and migrated on open; a unique key on (region, address).
 *
 * \par Isolation
 * A write transaction begun with its keys (ptr_store_methods.begin_keys, which
 * the service uses for every create, update, delete and limit change) runs
 * under READ COMMITTED and takes transaction-scoped advisory locks on 64-bit
 * hashes of each owner and each (region, address) it names, in ascending
 * order, after a shared lock on one store-wide key. A write transaction begun
 * without keys (begin(PTR_TXN_WRITE)) takes that store-wide key exclusively,
 * so it waits for every keyed writer and every keyed writer waits for it.
 * Writes for different owners and addresses therefore proceed in parallel,
 * and two creates for one owner or one address are ordered. Read
 * transactions are REPEATABLE READ, READ ONLY: one snapshot for a whole list.
 * docs/store.md has the argument why the quota cannot be exceeded.
 *
 * \par Errors
 * Serialization failures and deadlocks (SQLSTATE 40001, 40P01) while taking
 * the locks are retried inside the store a few times, then give
 * ::PTR_E_BUSY, as does a lock not granted within the lock timeout (SQLSTATE
 * 55P03); later in a transaction they give ::PTR_E_BUSY at once, and the
 * service retries the transaction. Everything else, a lost connection
 * included, is ::PTR_E_STORE; the server's message is kept
 * (ptr_pg_store_errmsg()). After a lost connection the next transaction
 * reconnects. Every statement has bound parameters only.
 *
 * \par Threads and processes
 * A store owns one connection and one mutex held from begin to commit or
 * rollback: threads may share a store, their transactions take turns. For
 * parallel writers open one store per thread or process; any number of
 * stores on any number of hosts may share one database and schema. A store
 * must not cross a fork().
 */
#ifndef LIBPTR_PG_H
#define LIBPTR_PG_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/store.h>

/*
 * The companion library's own export macro: PTR_API would mark the core's
 * declarations as exported from this library on Windows.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(PTR_STATICLIB)
#    define PTR_PG_API
#  elif defined(PTR_PG_BUILDING_LIBRARY)
#    define PTR_PG_API __declspec(dllexport)
#  else
#    define PTR_PG_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PTR_PG_API __attribute__((visibility("default")))
#else
#  define PTR_PG_API
#endif

PTR_BEGIN_DECLS

/**
 * \brief Open flag: never create or migrate the schema; refuse a database
 * without the current one. For processes whose database role may not run DDL.
 */
#define PTR_PG_NO_MIGRATE 0x1u

/** \brief The schema name used when none is given. */
#define PTR_PG_DEFAULT_SCHEMA "libptr"

/** \brief How to open the store. Start from ptr_pg_options_init(). */
typedef struct ptr_pg_options {
    uint32_t struct_size; /**< sizeof(ptr_pg_options), set by ptr_pg_options_init() */
    uint32_t flags;       /**< PTR_PG_* open flags */
    /**
     * The schema holding the store's tables, NUL-terminated; NULL: "libptr".
     * 1 to 63 bytes of lower-case ASCII letters, digits and '_', not starting
     * with a digit nor with "pg_" (a name that needs no quoting anywhere).
     */
    const char *schema;
    /** How long to wait for another writer's lock, in ms (init: 5000); then ::PTR_E_BUSY. */
    uint32_t lock_timeout_ms;
    const ptr_allocator *allocator; /**< for libptr's own memory (records); NULL: the C library */
} ptr_pg_options;

/** \brief Zero options, set struct_size and a 5000 ms lock timeout. */
PTR_PG_API void ptr_pg_options_init(ptr_pg_options *o);

/**
 * \brief Connect to a database and make a store over it.
 *
 * The schema is created when missing and migrated when older, all steps in
 * one transaction under an advisory lock, so processes may open a new
 * database at the same time. Open refuses a schema newer than this library
 * knows, and a schema whose tables carry triggers or rules this library did
 * not make (they could change what the store reads or writes).
 *
 * \param[in]  conninfo a libpq connection string ("host=db1 dbname=ptr") or
 *                      URI ("postgresql://user@db1/ptr"); need not be
 *                      NUL-terminated, must not contain a NUL byte
 * \param[in]  len      its length
 * \param[in]  flags    PTR_PG_* open flags
 * \param[out] out      the store; ptr_store_free() closes the connection
 * \param[out] err      optional; on failure the status, ::PTR_FIELD_NONE and
 *                      a message with the server's reason (never the password)
 * \retval PTR_OK
 * \retval PTR_E_STORE  cannot connect; the schema is newer, damaged, or has
 *                      foreign triggers or rules; a migration was needed
 *                      under ::PTR_PG_NO_MIGRATE
 * \retval PTR_E_BUSY   the migration lock was not granted in time
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL  NULL \p conninfo or \p out, a NUL byte in it, unknown flags
 */
PTR_PG_API ptr_status ptr_pg_store_open(const char *conninfo, size_t len, unsigned flags,
                                        ptr_store **out, ptr_error *err);

/**
 * \brief ptr_pg_store_open() with options (schema name, lock timeout, allocator).
 * \param[in] opts NULL: ptr_pg_options_init()'s
 * \retval PTR_E_INVAL also for a bad schema name or a struct_size smaller than version 1's
 */
PTR_PG_API ptr_status ptr_pg_store_open_ex(const char *conninfo, size_t len,
                                           const ptr_pg_options *opts, ptr_store **out,
                                           ptr_error *err);

/**
 * \brief The server's (or libpq's) message for the store's last failure
 * ("inserting a record: terminating connection due to administrator
 * command"); "" after a transaction that went well. Never NULL. Valid until
 * the next call on \p s; with threads sharing \p s, read it in the thread
 * whose call failed, before that thread begins another transaction.
 * \param[in] s a store from ptr_pg_store_open() (or a wrapper that forwards
 *              owner_limit_get to one); the built-in stores answer ""
 */
PTR_PG_API const char *ptr_pg_store_errmsg(ptr_store *s);

/** \brief The schema version this library writes (table ptr_meta of the schema). */
PTR_PG_API uint32_t ptr_pg_schema_version(void);

PTR_END_DECLS

#endif /* LIBPTR_PG_H */
