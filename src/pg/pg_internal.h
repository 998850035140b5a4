/*
 * Internals of the PostgreSQL store shared by its files; not installed.
 * Names are ptr__pg_* and hidden (the version script exports ptr_pg_* only).
 *
 * This library sees the core through its public headers only, like any
 * embedder's store.
 */
#ifndef LIBPTR_PG_INTERNAL_H
#define LIBPTR_PG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "libptr/alloc.h"
#include "libptr/error.h"
#include "libptr/record.h"

/* The schema this library writes; older ones are migrated on open. */
#define PTR__PG_SCHEMA_VERSION 1

/* Type OIDs of the parameters and columns (pg_type.h; stable since PostgreSQL 7). */
#define PTR__PG_BYTEA 17
#define PTR__PG_INT8  20

/* The address key: family byte (4 or 6), then 16 bytes; sorts in store order as bytes. */
#define PTR__PG_ADDR_LEN 17

/* The record's columns, in the order of every SELECT and of the INSERT's parameters. */
#define PTR__PG_COLUMNS                                                                            \
    "region, address, project, owner, ttl, description, names, tags, created, updated, revision"
#define PTR__PG_NCOLUMNS 11

/* A growable byte buffer. */
typedef struct ptr__pg_buf {
    const ptr_allocator *alloc;
    unsigned char *p;
    size_t cap;
} ptr__pg_buf;

ptr_status ptr__pg_buf_reserve(ptr__pg_buf *b, size_t need);
void ptr__pg_buf_free(ptr__pg_buf *b);

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

void ptr__pg_addr_encode(const ptr_addr *a, unsigned char out[PTR__PG_ADDR_LEN]);

/*
 * A record's 11 columns as parameters ($1..$11, PTR__PG_COLUMNS' order);
 * encoded lists go to buf and the integers to ints, both of which must not
 * change until the statement ran. PTR_E_INVAL for a record without an
 * address; PTR_E_NOMEM.
 */
typedef struct ptr__pg_row_ints {
    unsigned char addr[PTR__PG_ADDR_LEN];
    unsigned char v[4][8];
} ptr__pg_row_ints;
ptr_status ptr__pg_row_params(const ptr_record *rec, ptr__pg_buf *buf, ptr__pg_row_ints *ints,
                              ptr__pg_params *p);

/*
 * Row `row` of a binary result whose columns from `col` on are
 * PTR__PG_COLUMNS, into out (reset first). A damaged row is PTR_E_STORE
 * (out reset), never a crash.
 */
ptr_status ptr__pg_row_decode(const PGresult *res, int row, int col, ptr_record *out);

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

#endif /* LIBPTR_PG_INTERNAL_H */
