/*
 * The memory store's data structures, each a plain textbook one, built on
 * the public API alone (records are ptr_record objects, compared through
 * their accessors):
 * - ms_textmap: text -> (count, pointer), open addressing; the regions, the
 *   per-owner and per-(region, project) record counts;
 * - ms_records: address -> record within one region, open addressing;
 * - ms_order: the records of one region in address order, as a directory of
 *   sorted blocks (a two-level B-tree), so that both ascending and random
 *   inserts cost O(log n + block) and a scan from a marker O(log n + page);
 * - ms_limits: owner -> limit, a sorted array (few owners have limits, and
 *   owner_limit_scan wants byte order).
 * Every function that may allocate does so before it changes anything, so a
 * failure leaves the structure as it was.
 */
#ifndef LIBPTR_MEMSTORE_INDEX_H
#define LIBPTR_MEMSTORE_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libptr/alloc.h"
#include "libptr/record.h"
#include "libptr/store.h"

/* ---- text -> count and pointer ---------------------------------------------------- */

typedef struct ms_text_entry {
    char *key; /* NULL: an empty slot */
    size_t len;
    uint64_t hash;
    uint64_t count;
    void *ptr;
} ms_text_entry;

typedef struct ms_textmap {
    ms_text_entry *e;
    size_t cap, n; /* cap is 0 or a power of two */
} ms_textmap;

ms_text_entry *ms_textmap_find(const ms_textmap *m, const char *s, size_t len);
/* The entry of s, added with count 0 and ptr NULL when missing (*added then 1). */
ptr_status ms_textmap_add(const ptr_allocator *a, ms_textmap *m, const char *s, size_t len,
                          ms_text_entry **out, int *added);
/* Take out an entry returned by find or add (its ptr is the caller's to free first). */
void ms_textmap_drop(const ptr_allocator *a, ms_textmap *m, ms_text_entry *e);
void ms_textmap_free(const ptr_allocator *a, ms_textmap *m);

/* ---- address -> record --------------------------------------------------------------- */

/*
 * A record pointer stored as bytes, so that the structs holding one pack
 * without padding: slots (12 bytes) and order entries (25 bytes), which keeps
 * the store within its memory target (bench/bench_store.c). Read and write
 * it with ms_ref_get and ms_ref_set only; all zero is NULL.
 */
typedef struct ms_recref {
    unsigned char b[sizeof(ptr_record *)];
} ms_recref;

static inline ptr_record *ms_ref_get(const ms_recref *ref)
{
    ptr_record *r;
    memcpy(&r, ref->b, sizeof r);
    return r;
}

static inline void ms_ref_set(ms_recref *ref, ptr_record *r)
{
    memcpy(ref->b, &r, sizeof r);
}

/*
 * A slot keeps 32 bits of its record's hash beside the pointer, so that a
 * probe reads a record only when the hash matches: without them each probe
 * of a lookup was a cache miss on another record, and a get at 1M records
 * cost 2.3x the bare map's (bench/bench_store.c).
 */
typedef struct ms_slot {
    uint32_t hash; /* of the record's address */
    ms_recref rec; /* NULL: empty */
} ms_slot;

typedef struct ms_records {
    ms_slot *e;
    size_t cap, n;
} ms_records;

/* The slot holding addr's record, or NULL. */
ms_slot *ms_records_find(const ms_records *m, const ptr_addr *addr);
/* Room for one more record, so that ms_records_put cannot fail. */
ptr_status ms_records_reserve(const ptr_allocator *a, ms_records *m);
/* Add a record whose address is not in the map; the room was reserved (or freed by a remove). */
void ms_records_put(ms_records *m, ptr_record *rec);
void ms_records_remove(ms_records *m, ms_slot *slot);

/* ---- the address order --------------------------------------------------------------- */

/* Entries per block: 3.2 KiB of 25-byte entries, a few hundred ns of memmove at most. */
#define MS_BLOCK 128

/* 25 bytes an entry (ms_recref), not 32 with padding: a fifth less memory for the order. */
typedef struct ms_okey {
    ptr_addr addr; /* the record's, copied so a search touches no record */
    ms_recref rec;
} ms_okey;

typedef struct ms_block {
    size_t n;
    ms_okey e[MS_BLOCK];
} ms_block;

/*
 * Blocks that a rollback may take without allocating (see ms_order_insert):
 * a remove keeps one here for the re-insert that would undo it.
 */
typedef struct ms_spares {
    ms_block **b;
    size_t n, cap;
    size_t promised; /* how many rollbacks may still need one */
} ms_spares;

typedef struct ms_order {
    ms_block **b;   /* in address order, none empty */
    ptr_addr *first; /* first[i] = b[i]->e[0].addr: the directory's search stays in one array */
    size_t nb, cap;
} ms_order;

/*
 * Insert (addr, rec); addr must not be in the order. A full block is split,
 * with a spare block beyond those promised, else a new one; with a = NULL
 * (rollback) a promised spare is used and nothing is allocated.
 */
ptr_status ms_order_insert(const ptr_allocator *a, ms_order *o, ms_spares *sp, const ptr_addr *addr,
                           ptr_record *rec);
/* The entry of addr, or NULL. */
ms_okey *ms_order_find(const ms_order *o, const ptr_addr *addr);
/* Remove addr's entry (present); a block left empty is freed. */
void ms_order_remove(const ptr_allocator *a, ms_order *o, const ptr_addr *addr);
/*
 * Make sure a rollback can re-insert one entry into o without allocating:
 * one more promised spare block and directory room for it.
 */
ptr_status ms_order_promise(const ptr_allocator *a, ms_order *o, ms_spares *sp);
/* Visit entries above after (from the first when NULL) in order until fn returns nonzero. */
int ms_order_walk(const ms_order *o, const ptr_addr *after, int (*fn)(void *ctx, ptr_record *rec),
                  void *ctx);
void ms_order_free(const ptr_allocator *a, ms_order *o);
/* Free the spares beyond the promised ones, keeping up to keep. */
void ms_spares_trim(const ptr_allocator *a, ms_spares *sp, size_t keep);

/* ---- owner -> limit ------------------------------------------------------------------ */

typedef struct ms_limit {
    char *owner;
    size_t len;
    uint64_t limit;
    int present; /* 0: removed in the open transaction, dropped when it ends */
} ms_limit;

typedef struct ms_limits {
    ms_limit *e; /* in byte order of owner */
    size_t n, cap;
} ms_limits;

/* The entry of owner, present or not, or NULL. */
ms_limit *ms_limits_find(const ms_limits *l, const char *owner, size_t len);
/* A new entry for owner (not in l), present with limit. */
ptr_status ms_limits_add(const ptr_allocator *a, ms_limits *l, const char *owner, size_t len,
                         uint64_t limit);
void ms_limits_drop(const ptr_allocator *a, ms_limits *l, ms_limit *e);
void ms_limits_free(const ptr_allocator *a, ms_limits *l);

#endif /* LIBPTR_MEMSTORE_INDEX_H */
