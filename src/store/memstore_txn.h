/*
 * The memory store's state and its transactions: a read-write lock held from
 * begin to commit or rollback (shared by reads, exclusive for writes), and an
 * undo log that rollback replays backwards.
 *
 * A write applies at once. Everything it may need to allocate (its undo
 * entry, table room, the copy of the record, a spare block for undoing a
 * remove) is allocated before its first visible change, so a failing write
 * changes nothing, and rollback never allocates.
 */
#ifndef LIBPTR_MEMSTORE_TXN_H
#define LIBPTR_MEMSTORE_TXN_H

#include <pthread.h>

#include "store/memstore_index.h"

/* The records of one region. */
typedef struct ms_region {
    ms_records map;      /* address -> record */
    ms_order order;      /* address order */
    ms_textmap projects; /* project -> its record count in this region */
} ms_region;

enum ms_undo_kind { MS_INSERTED = 1, MS_REMOVED, MS_REPLACED, MS_LIMIT };

typedef struct ms_undo {
    enum ms_undo_kind kind;
    ptr_record *rec; /* INSERTED, REPLACED: the store's record now */
    ptr_record *old; /* REMOVED, REPLACED: the record as it was */
    /* LIMIT: the entry's owner (its text lives as long as the entry) and what it held */
    const char *owner;
    size_t owner_len;
    uint64_t old_limit;
    int old_state; /* 0: no entry; 1: present; 2: entry removed in this transaction */
} ms_undo;

typedef struct memstore {
    ptr_allocator alloc;
    pthread_rwlock_t lock;
    /* The handles: their addresses tell a read transaction from a write one. */
    char read_txn, write_txn;

    ms_textmap regions; /* region -> ms_region (ptr) and its record count */
    ms_textmap owners;  /* owner -> record count, in the whole store */
    ms_limits limits;
    uint64_t total;

    ms_undo *undo;
    size_t nundo, undo_cap;
    ms_spares spares;
} memstore;

/* Make the store's lock (0, or nonzero on failure). */
int ms_lock_init(memstore *m);
/* The store of a write transaction's handle, or NULL for anything else. */
memstore *ms_writer(void *user, ptr_store_txn *txn);
/* The store of any open transaction's handle, or NULL. */
memstore *ms_reader(void *user, ptr_store_txn *txn);

ptr_status ms_begin(void *user, unsigned flags, ptr_store_txn **txn);
ptr_status ms_commit(void *user, ptr_store_txn *txn);
void ms_rollback(void *user, ptr_store_txn *txn);

/* Room for one more undo entry, so that ms_undo_push cannot fail. */
ptr_status ms_undo_reserve(memstore *m);
void ms_undo_push(memstore *m, const ms_undo *u);

/* The counts a record adds to (+1) or takes from (-1); its entries exist. */
void ms_count_record(memstore *m, ms_region *r, const ptr_record *rec, int delta);
/* Drop the count entries of rec's owner and project (and region) that fell to zero. */
void ms_drop_empty(memstore *m, const ptr_record *rec);
/* Free a region and what it holds (its records too). */
void ms_region_free(const ptr_allocator *a, ms_region *r);

#endif /* LIBPTR_MEMSTORE_TXN_H */
