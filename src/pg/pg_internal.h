/*
 * Internals of the PostgreSQL store shared by its files; not installed.
 * Functions and objects are ptr__pg_* and hidden (the version script
 * exports ptr_pg_* only).
 *
 * This library sees the core through its public headers only, like any
 * embedder's store.
 */
#ifndef LIBPTR_PG_INTERNAL_H
#define LIBPTR_PG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include <libpq-fe.h>

#include "libptr/alloc.h"
#include "libptr/error.h"
#include "libptr/record.h"
#include "libptr/store.h"
#include "util/bytebuf.h"

/* The schema this library writes; older ones are migrated on open. */
#define PTR__PG_SCHEMA_VERSION 2

/* Type OIDs of the parameters and columns (pg_type.h; stable since PostgreSQL 7). */
#define PTR__PG_BYTEA 17
#define PTR__PG_INT8  20
#define PTR__PG_INT2  21

/* The address key: family byte (4 or 6), then 16 bytes; sorts in store order as bytes. */
#define PTR__PG_ADDR_LEN 17

/*
 * The record's columns, in the order of every SELECT and of the INSERT's
 * parameters. The DNS status (schema version 2): dns_status, dns_action and
 * in_dns as smallint (the numbers of ptr_dns_status, ptr_dns_action, 0 or
 * 1), dns_error as bytea.
 */
#define PTR__PG_COLUMNS                                                                            \
    "region, address, project, owner, ttl, description, names, tags, created, updated, revision,"  \
    " dns_status, dns_action, dns_error, in_dns"
#define PTR__PG_NCOLUMNS 15

/* The longest DNS error kept (ptr_record_dns_error): longer is refused on write, damage on read. */
#define PTR__PG_DNS_ERROR_MAX 255

/*
 * A pending record (ptr_store_filter.dns_pending): the predicate of the
 * partial index ptr_record_pending, which a query's WHERE must imply for the
 * planner to use that index.
 */
#define PTR__PG_PENDING "dns_status <> 0"

/* Parameters of one statement in binary format, pointing into a record and a buffer. */
typedef struct ptr__pg_params {
    const char *values[PTR__PG_NCOLUMNS + 1];
    int lengths[PTR__PG_NCOLUMNS + 1];
    int formats[PTR__PG_NCOLUMNS + 1];
    int n;
} ptr__pg_params;

void ptr__pg_params_init(ptr__pg_params *p);
/* Append a bytea (or any binary) parameter; the bytes must outlive the statement. */
void ptr__pg_param_bytes(ptr__pg_params *p, const void *s, size_t len);
/* Append an int8 parameter, written big-endian into slot (8 bytes the caller keeps). */
void ptr__pg_param_int8(ptr__pg_params *p, int64_t v, unsigned char slot[8]);
/* Append an int2 parameter, written big-endian into slot (2 bytes the caller keeps). */
void ptr__pg_param_int2(ptr__pg_params *p, int v, unsigned char slot[2]);

void ptr__pg_addr_encode(const ptr_addr *a, unsigned char out[PTR__PG_ADDR_LEN]);

/*
 * A record's 15 columns as parameters ($1..$15, PTR__PG_COLUMNS' order);
 * encoded lists go to buf and the integers to ints, both of which must not
 * change until the statement ran. PTR_E_INVAL for a record without an
 * address, or with a DNS error over PTR__PG_DNS_ERROR_MAX (the store never
 * writes what it would refuse to read); PTR_E_NOMEM.
 */
typedef struct ptr__pg_row_ints {
    unsigned char addr[PTR__PG_ADDR_LEN];
    unsigned char v[4][8];
    unsigned char s[3][2]; /* dns_status, dns_action, in_dns */
} ptr__pg_row_ints;
ptr_status ptr__pg_row_params(const ptr_record *rec, ptr__bytebuf *buf, ptr__pg_row_ints *ints,
                              ptr__pg_params *p);

/*
 * Row `row` of a binary result whose columns from `col` on are
 * PTR__PG_COLUMNS, into out (reset first). A damaged row is PTR_E_STORE
 * (out reset), never a crash; why (cap bytes, may be NULL) then names the
 * row's address, when it has one, and what is wrong.
 */
ptr_status ptr__pg_row_decode(const PGresult *res, int row, int col, ptr_record *out, char *why,
                              size_t cap);

/* A 64-bit big-endian column of a binary result; PTR_E_STORE when it is not 8 bytes. */
ptr_status ptr__pg_int8(const PGresult *res, int row, int col, int64_t *out);

/* 64-bit FNV-1a over the pieces, then a finalizing mix: the advisory lock keys. */
uint64_t ptr__pg_hash(uint64_t h, const void *s, size_t len);
#define PTR__PG_HASH_INIT 0xcbf29ce484222325u
int64_t ptr__pg_hash_key(uint64_t h);

/* A libpq result's SQLSTATE as a libptr status (40001, 40P01, 55P03: busy). */
ptr_status ptr__pg_status_of(const PGresult *res);
int ptr__pg_retryable(const PGresult *res);

/*
 * Copy "what: message" into buf (cap bytes, NUL-terminated, one line): the
 * result's primary message when res says one, else the connection's.
 */
void ptr__pg_message(char *buf, size_t cap, const char *what, const PGconn *conn,
                     const PGresult *res);

/* Fill err (when not NULL) with st, PTR_FIELD_NONE and msg; returns st. */
ptr_status ptr__pg_fail(ptr_error *err, ptr_status st, const char *msg);

/*
 * Bring the schema up to date (or only check it, when no_migrate), then
 * check it: version, and no triggers or rules on its tables. The connection's
 * search_path must already name the schema. On failure nothing has changed
 * and msg (cap bytes) says why.
 */
ptr_status ptr__pg_schema_prepare(PGconn *conn, const char *schema, int no_migrate, char *msg,
                                  size_t cap);

/* ---- the store (pg_store.c) ------------------------------------------------------ */

/* The prepared statements, named "ptr_<i>"; their SQL is in pg_store.c. */
enum {
    S_GET,
    S_INSERT,
    S_INSERT_CHECKED,
    S_EXISTS,
    S_REPLACE_SAME_OWNER,
    S_REPLACE,
    S_REMOVE,
    S_COUNT_OWNER,
    S_SCAN,
    S_COUNT,
    S_COUNT_ROWS,
    S_SCAN_PENDING, /* the same three with ptr_store_filter.dns_pending */
    S_COUNT_PENDING,
    S_COUNT_ROWS_PENDING,
    S_LIMIT_GET,
    S_LIMIT_SET,
    S_LIMIT_REMOVE,
    S_LIMIT_SCAN,
    S_LOCK_KEYS,
    S_LOCK_SHARED,
    S_LOCK_ALL,
    S_NSTMT
};

/* Owners whose count a write transaction keeps. */
#define KEPT_OWNERS 8

typedef struct kept_count {
    int64_t key;    /* the owner's lock key */
    uint64_t count; /* the count read, plus the transaction's inserts */
} kept_count;

/* One store: its connection, its session and the transaction in progress. */
typedef struct pgstore {
    ptr_allocator alloc;
    pthread_mutex_t lock; /* held from begin to commit/rollback */
    PGconn *conn;
    char *conninfo;
    char schema[64];
    unsigned lock_timeout_ms;
    int session_ready; /* search_path set and statements prepared on this connection */
    int in_txn, in_write;
    int all_keys; /* G held exclusively: every key is ours */
    int failed;   /* a statement failed: the server has aborted the transaction */
    int64_t global_key;
    char sqlstate[6]; /* of the last failed statement, "" when none */
    int64_t *held;    /* keys held in a keyed write transaction */
    size_t nheld, held_cap;
    kept_count kept[KEPT_OWNERS];
    unsigned nkept;
    ptr__bytebuf buf;
    char errmsg[PTR_ERROR_MESSAGE_SIZE * 2];
} pgstore;

/* Note a failed statement: the message, and the status it means. */
ptr_status ptr__pg_fail_res(pgstore *m, const char *what, PGresult *res);
/* A connection that broke is replaced; a new one gets its session set up. */
ptr_status ptr__pg_connection_ready(pgstore *m);
/* Run prepared statement i with binary parameters; binary results. */
PGresult *ptr__pg_run(pgstore *m, int i, const ptr__pg_params *p);
/* The ptr_store_methods destroy slot: closes the connection and frees the store. */
void ptr__pg_destroy(void *user);
/* Identifies ptr_pg_store_errmsg's question to owner_limit_get (see pg_store.c). */
extern const char ptr__pg_errmsg_cookie;

/* ---- lock keys and transactions (pg_txn.c) --------------------------------------- */

/* The lock key of an owner ("o:" + owner), hashed with the schema's name. */
int64_t ptr__pg_owner_key(const pgstore *m, const char *owner, size_t len);
/* The lock key of an address ("a:" + region + address), hashed with the schema's name. */
int64_t ptr__pg_addr_key(const pgstore *m, const char *region, size_t len, const ptr_addr *a);
/* Whether the transaction holds key (always, when it holds G exclusively). */
int ptr__pg_held(const pgstore *m, int64_t key);
/* Lock a key the transaction did not name (may deadlock: reported as busy). */
ptr_status ptr__pg_ensure_key(pgstore *m, int64_t key);
/* The store of txn when txn is its open transaction, else NULL. */
pgstore *ptr__pg_txn_store(void *user, ptr_store_txn *txn);
/* As ptr__pg_txn_store, for a write transaction only. */
pgstore *ptr__pg_write_store(void *user, ptr_store_txn *txn);
/* The begin slot: a read transaction, or a write one holding G exclusively. */
ptr_status ptr__pg_begin(void *user, unsigned flags, ptr_store_txn **txn);
/* The begin_keys slot: a write transaction holding G shared and the named keys. */
ptr_status ptr__pg_begin_keys(void *user, unsigned flags, const ptr_txn_keys *keys,
                              ptr_store_txn **txn);
/* The commit slot; a transaction the server aborted is rolled back (PTR_E_STORE). */
ptr_status ptr__pg_commit(void *user, ptr_store_txn *txn);
/* The rollback slot. */
void ptr__pg_rollback(void *user, ptr_store_txn *txn);

/* ---- the slots (pg_slots.c) ------------------------------------------------------ */

/* The store's methods table, for ptr_store_new. */
extern const ptr_store_methods ptr__pg_store_methods;

#endif /* LIBPTR_PG_INTERNAL_H */
