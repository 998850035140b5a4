/*
 * One record as one row of ptr_record, both ways. The only file that knows
 * how columns are encoded: the address as a 17-byte key that sorts in store
 * order, names and tags as length-prefixed lists that round-trip any bytes.
 *
 * ptr__sqlite_row_decode takes plain column values so that a fuzz target can
 * feed it arbitrary ones; whatever it is given, it either fills the record or
 * fails with PTR_E_STORE (or PTR_E_NOMEM) and leaves the record reset.
 *
 * The file is not trusted: every length is checked against the record limits
 * (ptr__sqlite_limits) before anything is copied, and the connection's
 * SQLITE_LIMIT_LENGTH keeps SQLite itself from loading a longer value.
 */
#ifndef LIBPTR_SQLITE_ROW_H
#define LIBPTR_SQLITE_ROW_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "libptr/alloc.h"
#include "libptr/policy.h"
#include "libptr/record.h"
#include "util/bytebuf.h"

/*
 * The columns of ptr_record in the order every statement reads and binds
 * them. The DNS status (schema version 5): dns_status and dns_action are
 * the numbers of ptr_dns_status and ptr_dns_action, dns_error the reason of
 * the last error ("" when none), in_dns 0 or 1.
 */
#define PTR__SQLITE_COLUMNS_V4                                                                     \
    "region, address, project, owner, ttl, description, names, tags, created, updated, revision"
#define PTR__SQLITE_COLUMNS PTR__SQLITE_COLUMNS_V4 ", dns_status, dns_action, dns_error, in_dns"
#define PTR__SQLITE_NCOLUMNS 15
/*
 * The same values from a schema version 4 file (opened read-only, so not
 * migrated): what the migration gives its rows, ACTIVE, NONE, no error, and
 * perhaps in DNS (zone files may have served them).
 */
#define PTR__SQLITE_COLUMNS_READ_V4 PTR__SQLITE_COLUMNS_V4 ", 0, 0, '', 1"

/* The address key: the family byte (4 or 6), then the 16 address bytes (IPv4: 4, then zeros). */
#define PTR__SQLITE_ADDR_LEN 17

/*
 * The longest region, project or owner: the service's scope rule (64 bytes),
 * which the policy does not carry.
 */
#define PTR__SQLITE_SCOPE_MAX 64
/* The longest name: 253 characters of RFC 1035 and a final dot, with room to spare. */
#define PTR__SQLITE_NAME_MAX 255
/* The longest DNS error (ptr_record_dns_error): a server's answer and address, with room. */
#define PTR__SQLITE_DNS_ERROR_MAX 255

/* What a row may hold, in bytes and counts, from a policy (ptr__sqlite_limits_init). */
typedef struct ptr__sqlite_limits {
    size_t scope;              /* region, project, owner: bytes */
    size_t description;        /* bytes: 4 per code point of description_max */
    size_t names;              /* count */
    size_t name;               /* bytes */
    size_t tags;               /* count */
    size_t tag_key, tag_value; /* bytes (tags are ASCII) */
    size_t dns_error;          /* bytes */
    size_t value;              /* the longest row, and so any value in it: SQLITE_LIMIT_LENGTH */
} ptr__sqlite_limits;

/* The limits of rows for records under policy p (NULL: ptr_policy_init()'s). */
void ptr__sqlite_limits_init(ptr__sqlite_limits *l, const ptr_policy *p);

/* A column's bytes; p may be NULL when len is 0. */
typedef struct ptr__sqlite_bytes {
    const unsigned char *p;
    size_t len;
} ptr__sqlite_bytes;

/* The values of one row, as SQLite returns them. */
typedef struct ptr__sqlite_row {
    ptr__sqlite_bytes region, address, project, owner, description, names, tags, dns_error;
    int64_t ttl, created, updated, revision, dns_status, dns_action, in_dns;
} ptr__sqlite_row;

/* The key of an address (family 4 or 6 only). */
void ptr__sqlite_addr_encode(const ptr_addr *a, unsigned char out[PTR__SQLITE_ADDR_LEN]);

/* The address of a key: PTR_E_STORE unless it is one ptr__sqlite_addr_encode makes. */
ptr_status ptr__sqlite_addr_decode(const unsigned char *p, size_t len, ptr_addr *out);

/*
 * Fill a record from column values; see the top of this file. A value beyond
 * lim is damage (PTR_E_STORE) found before any copy. why (may be NULL) gets
 * the reason of a PTR_E_STORE, such as "description of 2000 bytes, over the
 * limit of 1020".
 */
ptr_status ptr__sqlite_row_decode(const ptr__sqlite_row *row, const ptr__sqlite_limits *lim,
                                  ptr_record *out, char *why, size_t why_cap);

/*
 * Read columns first .. first+14 of the current row of st (selected as
 * PTR__SQLITE_COLUMNS) into row, checking each column's type: PTR_E_STORE
 * for a value of the wrong type. The bytes belong to st until it next steps.
 */
ptr_status ptr__sqlite_row_read(sqlite3_stmt *st, int first, ptr__sqlite_row *row);

/*
 * Bind rec to parameters ?1 .. ?15 of st, in PTR__SQLITE_COLUMNS order. The
 * encoded lists live in buf, which must not change until st is reset.
 * PTR_E_INVAL for a record without an address, or beyond lim (why says
 * which value; the store never writes a row it would refuse to read).
 */
ptr_status ptr__sqlite_row_bind(sqlite3_stmt *st, const ptr_record *rec, ptr__bytebuf *buf,
                                const ptr__sqlite_limits *lim, char *why, size_t why_cap);

/* uint64_t revisions in SQLite's signed 64-bit integers, both ways, without loss. */
int64_t ptr__sqlite_u64_to_i64(uint64_t v);
uint64_t ptr__sqlite_i64_to_u64(int64_t v);

#endif /* LIBPTR_SQLITE_ROW_H */
