/*
 * Internals shared by the record, store and service layers; not installed.
 * Exported names are ptr_*, these are ptr__* and hidden.
 */
#ifndef LIBPTR_RECORD_INTERNAL_H
#define LIBPTR_RECORD_INTERNAL_H

#include "util/internal.h"
#include "libptr/alloc.h"
#include "libptr/record.h"
#include "libptr/service.h"
#include "libptr/store.h"

/* Copy src into dst, or libc's functions when src is NULL; PTR_E_INVAL on a NULL slot. */
ptr_status ptr__allocator_set(ptr_allocator *dst, const ptr_allocator *src);

/*
 * Grow an array to hold at least need elements of elem bytes, doubling.
 * Returns the (possibly moved) array and updates *cap, or NULL when the
 * allocation fails, in which case p and *cap are untouched.
 */
void *ptr__grow(const ptr_allocator *a, void *p, size_t *cap, size_t need, size_t elem);

/* The capacity ptr__grow picks (cap doubled, from 4, until need fits); 0 on overflow. */
size_t ptr__grown_cap(size_t cap, size_t need, size_t elem);

/* The record's allocator (for objects that hang off a record). */
const ptr_allocator *ptr__record_allocator(const ptr_record *r);

/*
 * Reserve room for a name of up to n bytes at the end of the record's names
 * and return where to write it; ptr__record_commit_name then appends it with
 * its real length. Lets the service normalize straight into the record.
 */
char *ptr__record_reserve_name(ptr_record *r, size_t n);
void ptr__record_commit_name(ptr_record *r, size_t len);

/*
 * Filling a record fast, for stores: ptr__record_prepare resets r and
 * reserves room for text bytes of text (NULs not counted) in at most names
 * names and tags tags; the ptr__record_put_* calls then append without
 * checks or allocation and must stay within that reservation.
 */
ptr_status ptr__record_prepare(ptr_record *r, size_t text, size_t names, size_t tags);
void ptr__record_put_scope(ptr_record *r, const char *region, size_t rlen, const char *project,
                           size_t plen, const char *owner, size_t olen);
void ptr__record_put_name(ptr_record *r, const char *s, size_t len);
/* Append a name of len bytes and return where to write them (its NUL is written). */
char *ptr__record_put_name_at(ptr_record *r, size_t len);
void ptr__record_put_description(ptr_record *r, const char *s, size_t len);
void ptr__record_put_tag(ptr_record *r, const char *k, size_t klen, const char *v, size_t vlen);
void ptr__record_put_fields(ptr_record *r, const ptr_addr *a, uint32_t ttl, uint64_t revision,
                            int64_t created, int64_t updated);

/*
 * A record's text "packed": every piece once, in the order region, project,
 * owner, description, the names, then each tag's key and value, each piece
 * followed by its NUL, and nothing else. A record filled by the service's
 * create, or by ptr__record_load_packed, is packed; setters called again
 * leave garbage behind and unpack it.
 *
 * ptr__record_packed: when r is packed, its text (*text_len bytes, NULs
 * included) with the pieces' lengths written to lens in that order (room for
 * 4 + names + 2 * tags); NULL when it is not, and the caller gathers the
 * pieces through the accessors instead.
 *
 * ptr__record_load_packed: make r's text a copy of such a block, in one
 * copy, its spans from lens (16 bits each: the caller keeps records with a
 * longer piece some other way). Allocates only when r lacks the room. The
 * fixed fields are left to ptr__record_put_fields. The caller vouches for the
 * layout.
 */
const char *ptr__record_packed(const ptr_record *r, uint32_t *lens, size_t *text_len);
ptr_status ptr__record_load_packed(ptr_record *r, const char *text, size_t text_len,
                                   const uint16_t *lens, size_t names, size_t tags);

/* Does the store have the insert_checked slot (else the service does its three steps)? */
int ptr__store_has_insert_checked(const ptr_store *s);

/*
 * What insert_checked does, through get (into scratch), the owner's count
 * used (read by the caller) and insert, for a store without the slot:
 * PTR_E_EXISTS, else PTR_E_QUOTA when used >= limit, else the insert's status.
 */
ptr_status ptr__store_checked_steps(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec,
                                   ptr_record *scratch, uint64_t used, uint64_t limit);

/* Scope text rules (shared by the service and request checks). */
ptr_status ptr__scope_text_check(ptr_text t, ptr_field field, ptr_error *err);

/* Store-order comparison of two addresses (IPv4 first, then bytes). */
int ptr__addr_cmp(const ptr_addr *a, const ptr_addr *b);

/* Equal as normalized names: ASCII case-insensitive, one trailing dot ignored. */
int ptr__name_equiv(const char *a, size_t alen, const char *b, size_t blen);

/* Request checks, split so that an update checks only the fields it sets. */
ptr_status ptr__request_size_check(const ptr_request *req, ptr_error *err);
ptr_status ptr__request_check_address(ptr_text t, const ptr_policy *p, ptr_addr *out,
                                      ptr_error *err);
ptr_status ptr__request_check_fields(const ptr_request *req, const ptr_policy *p, uint32_t mask,
                                     ptr_error *err);

#endif /* LIBPTR_RECORD_INTERNAL_H */
