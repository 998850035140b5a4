/**
 * \file libptr/store.h
 * \brief Where records live: a versioned table of functions an embedder
 * implements over its own database, and the built-in memory store.
 *
 * The service keeps the rules (validation, the order of the checks, quota
 * arithmetic, retries); a store gives isolation and primitive operations.
 * Every operation of the service runs inside one transaction, and a create
 * is always this sequence:
 *
 *     begin_keys(WRITE, {region, address, owner})
 *       -> owner_limit_get (when the store keeps limits)
 *       -> insert_checked: count_owner, then insert; get only when the
 *          count is at the limit, so that EXISTS is reported before QUOTA
 *     -> commit
 *
 * (a store may answer insert_checked in one call of its own), and on any
 * failure rollback. That is only correct if the store keeps the isolation
 * contract of ptr_store_methods.begin, which a conformance suite
 * (tests/store_conformance.c) checks for any store.
 *
 * \par Order
 * Records are ordered by address: IPv4 before IPv6, then the address bytes
 * as unsigned numbers (so 9.0.0.1 < 10.0.0.1). scan visits them in that
 * order, which makes pagination stable.
 */
#ifndef LIBPTR_STORE_H
#define LIBPTR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/addr.h>
#include <libptr/alloc.h>
#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/fields.h>
#include <libptr/record.h>

PTR_BEGIN_DECLS

/**
 * \brief The ptr_store_methods version this header describes. Tables of
 * versions 1 and 2 are still accepted: the slots they lack count as NULL.
 */
#define PTR_STORE_METHODS_VERSION 3

/** \brief begin() flag: a read transaction (get, count_owner, scan only). */
#define PTR_TXN_READ 0x0u
/** \brief begin() flag: a write transaction (see the isolation contract). */
#define PTR_TXN_WRITE 0x1u

/** \brief A transaction handle: defined by the store, opaque to libptr. */
typedef struct ptr_store_txn ptr_store_txn;

/** \brief A store (opaque): a copied ptr_store_methods table and its user pointer. */
typedef struct ptr_store ptr_store;

/**
 * \brief What a write transaction touches, for begin_keys: a store shared by
 * many hosts may lock only these keys instead of the whole store. Start from
 * ptr_txn_keys_init().
 *
 * A transaction begun with keys reads and writes only the records of
 * (\c region, one of \c addrs), and reads only the counts and limits of the
 * \c owners. A transaction that removes records need not name their owners:
 * removing can only lower a count, which never lets a quota be exceeded.
 */
typedef struct ptr_txn_keys {
    uint32_t struct_size;     /**< sizeof(ptr_txn_keys), set by ptr_txn_keys_init() */
    ptr_text region;          /**< the region of \c addrs */
    const ptr_addr *addrs;    /**< the addresses whose records it reads or writes */
    size_t addr_count;        /**< how many */
    const ptr_text *owners;   /**< the owners whose count or limit it reads (creates) */
    size_t owner_count;       /**< how many */
} ptr_txn_keys;

/** \brief Zero a key set and set its struct_size. */
PTR_API void ptr_txn_keys_init(ptr_txn_keys *k);

/**
 * \brief Which records a scan visits. Every non-empty field must match.
 * Start from ptr_store_filter_init().
 */
typedef struct ptr_store_filter {
    uint32_t struct_size; /**< sizeof(ptr_store_filter), set by ptr_store_filter_init() */
    /**
     * Records of this region only. Required by scan; count (only) takes an
     * empty region to mean every region of the store.
     */
    ptr_text region;
    ptr_text project;     /**< empty: any project */
    ptr_text owner;       /**< empty: any owner */
    /**
     * Each tag must be on the record: a NULL \c value matches any value of
     * that key; a non-NULL one (even "") must equal the record's value.
     */
    const ptr_tag *tags;
    size_t tag_count; /**< number of \c tags */
    ptr_text name;    /**< empty: any; else one of the record's names, exactly */
    /**
     * Nonzero: only records whose DNS status is not ::PTR_DNS_ACTIVE (the
     * changes a pusher sends; stores keep an index for them). Since
     * version 0.3.
     */
    int dns_pending;
} ptr_store_filter;

/** \brief Zero a filter and set its struct_size. */
PTR_API void ptr_store_filter_init(ptr_store_filter *f);

/**
 * \brief Does \p rec match \p f? The rule a store's scan applies; a store
 * may use it instead of writing its own.
 * \return 1 when it matches, 0 when not (or on a NULL argument)
 */
PTR_API int ptr_store_filter_match(const ptr_store_filter *f, const ptr_record *rec);

/**
 * \brief Called by scan for each matching record, in order.
 * \param[in] ctx the \p visit_ctx given to scan
 * \param[in] rec the record, valid during the call only
 * \return 0 to go on, anything else to stop (scan then returns ::PTR_OK)
 */
typedef int (*ptr_store_visit_fn)(void *ctx, const ptr_record *rec);

/**
 * \brief Called by owner_limit_scan for each owner with a limit.
 * \param[in] owner valid during the call only; not NUL-terminated
 * \return 0 to go on, anything else to stop
 */
typedef int (*ptr_store_limit_visit_fn)(void *ctx, const char *owner, size_t owner_len,
                                        uint64_t limit);

/**
 * \brief The functions a store implements. Every slot takes the \c user
 * pointer given to ptr_store_new() first and returns a ::ptr_status: a store
 * translates its database's own errors (lock timeouts and serialization
 * failures to ::PTR_E_BUSY, everything else to ::PTR_E_STORE).
 *
 * \par The isolation contract of begin(PTR_TXN_WRITE)
 * From the moment begin(PTR_TXN_WRITE) returns ::PTR_OK until commit or
 * rollback of that transaction returns, no other write transaction on the
 * same store may commit, and everything the transaction reads (get,
 * count_owner, scan, count, owner_limit_get) stays true until it ends,
 * apart from its own changes. A store may lock more than that (the whole
 * database), never less. Examples: a lock held from begin to commit/rollback
 * (the memory store); `BEGIN IMMEDIATE` in SQLite. READ COMMITTED with a
 * plain `SELECT count(*)` is not enough: two writers would both see room
 * under the quota.
 *
 * \par The isolation contract of begin_keys(PTR_TXN_WRITE, keys)
 * The same, narrowed to the keys: until the transaction ends, no other
 * transaction may commit a change to a record of (keys.region, one of
 * keys.addrs), nor a change that raises the count of, or changes the limit
 * of, one of keys.owners; what it reads of those keys stays true. Writes to
 * other keys may commit meanwhile. So two creates for different owners and
 * addresses proceed in parallel, while two creates for one owner, or for
 * one address, are ordered. Examples: in PostgreSQL, transaction-scoped
 * advisory locks on hashes of each owner and each (region, address), taken
 * in one fixed (sorted) order so that two transactions cannot deadlock; or
 * SERIALIZABLE with SQLSTATE 40001/40P01 reported as ::PTR_E_BUSY. A store
 * without begin_keys gets begin(PTR_TXN_WRITE) instead, which locks more.
 *
 * \par Transactions
 * A transaction belongs to the thread that began it; libptr never begins a
 * second one on a thread that has one open, and never calls out of libptr
 * (hooks, callbacks) while one is open. commit and rollback always end the
 * transaction, even when commit fails; libptr never calls rollback after
 * commit. Changes made inside a transaction are visible to its own later
 * reads; rollback undoes all of them. A failing get, insert, replace, remove
 * or count_owner changes nothing; libptr then rolls back.
 *
 * \par Versions
 * \c version comes first and says which slots exist. ptr_store_new() refuses
 * a version it does not know and a NULL REQUIRED slot, and copies the table
 * field by field, so the table may live on the stack. New slots are only
 * ever appended, each marked with the version that added it.
 */
typedef struct ptr_store_methods {
    /** Set to ::PTR_STORE_METHODS_VERSION (3); 1 and 2 for tables without the later slots. */
    unsigned int version;

    /**
     * REQUIRED, since version 1. Start a transaction; \p flags is
     * ::PTR_TXN_READ or ::PTR_TXN_WRITE. Waiting for a lock is allowed;
     * giving up after a timeout returns ::PTR_E_BUSY.
     * \param[out] txn the handle passed to the other slots (may be any
     *                 value, NULL included, that the store recognizes)
     */
    ptr_status (*begin)(void *user, unsigned flags, ptr_store_txn **txn);

    /**
     * REQUIRED, since version 1. Make the transaction's changes durable and
     * end it. On failure nothing of it is kept, and it is still ended.
     * \retval PTR_OK, PTR_E_BUSY, PTR_E_STORE
     */
    ptr_status (*commit)(void *user, ptr_store_txn *txn);

    /** REQUIRED, since version 1. Undo the transaction's changes and end it. Cannot fail. */
    void (*rollback)(void *user, ptr_store_txn *txn);

    /**
     * REQUIRED, since version 1. Fetch the record of (\p region, \p addr).
     * \param[out] out a record made by ptr_record_new(): reset, then filled
     *                 with every field; untouched when not found
     * \retval PTR_OK
     * \retval PTR_E_NOT_FOUND no record for that address in that region
     */
    ptr_status (*get)(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                      const ptr_addr *addr, ptr_record *out);

    /**
     * REQUIRED, since version 1. Add a record (write transaction only). The
     * key is (region, address).
     * \retval PTR_OK
     * \retval PTR_E_EXISTS that key is taken; nothing changed. A store must
     *                      enforce this itself (a unique index, a map probe),
     *                      whatever libptr checked before.
     */
    ptr_status (*insert)(void *user, ptr_store_txn *txn, const ptr_record *rec);

    /**
     * REQUIRED, since version 1. Overwrite every field of the record with
     * \p rec's key (write transaction only).
     * \retval PTR_OK
     * \retval PTR_E_NOT_FOUND no such record; nothing changed
     */
    ptr_status (*replace)(void *user, ptr_store_txn *txn, const ptr_record *rec);

    /**
     * REQUIRED, since version 1. Delete the record of (\p region, \p addr)
     * (write transaction only).
     * \retval PTR_OK
     * \retval PTR_E_NOT_FOUND no such record
     */
    ptr_status (*remove)(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr);

    /**
     * REQUIRED, since version 1. How many records \p owner has, in every
     * region and project of the store (the quota's count).
     */
    ptr_status (*count_owner)(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                              uint64_t *count);

    /**
     * REQUIRED, since version 1. Visit, in address order, the records that
     * match \p filter and whose address is greater than \p after (every
     * matching record when \p after is NULL), until \p visit returns nonzero
     * or none is left. ptr_store_filter_match() implements the filter.
     */
    ptr_status (*scan)(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                       const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx);

    /**
     * Optional (NULL allowed), since version 1. Release \c user; called once
     * by ptr_store_free().
     */
    void (*destroy)(void *user);

    /**
     * Optional (NULL allowed), since version 2. The write step of a create
     * in one call, for a store that can do it with fewer lookups than
     * count_owner, get and insert (write transaction only), in this order:
     * - ::PTR_E_EXISTS when the key of \p rec (region, address) is taken;
     * - else ::PTR_E_QUOTA when the owner of \p rec already has \p limit
     *   records or more (counted as count_owner counts);
     * - else \p rec is inserted as insert does, and ::PTR_OK.
     *
     * Nothing changes when it fails. When NULL, libptr calls count_owner,
     * insert, and get when the count is at the limit, with the same result.
     */
    ptr_status (*insert_checked)(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                 uint64_t limit);

    /**
     * REQUIRED, since version 3. How many records match \p filter (its
     * region may be empty: every region). A store answers from an index or a
     * maintained count, so that a list's total does not cost a scan of every
     * record. For tables of versions 1 and 2, libptr counts with scan.
     */
    ptr_status (*count)(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                        uint64_t *count);

    /**
     * Optional (NULL allowed), since version 3. Begin a transaction that
     * touches only \p keys (see "The isolation contract of begin_keys").
     * libptr begins every write of a known set of records with it (create,
     * create_many, update, delete, delete_batch, owner limits), and other
     * transactions with begin. When NULL, begin is called instead.
     */
    ptr_status (*begin_keys)(void *user, unsigned flags, const ptr_txn_keys *keys,
                             ptr_store_txn **txn);

    /**
     * Optional (all four or none), since version 3. Per-owner record limits
     * kept in the store, so that every process sharing it enforces the same
     * quota; without them an owner's limit is always the policy's.
     *
     * owner_limit_get: the owner's limit. \retval PTR_E_NOT_FOUND the owner
     * has none (the policy's applies).
     */
    ptr_status (*owner_limit_get)(void *user, ptr_store_txn *txn, const char *owner,
                                  size_t owner_len, uint64_t *limit);
    /** Optional, since version 3. Set (insert or replace) an owner's limit (write transaction). */
    ptr_status (*owner_limit_set)(void *user, ptr_store_txn *txn, const char *owner,
                                  size_t owner_len, uint64_t limit);
    /**
     * Optional, since version 3. Remove an owner's limit (write transaction).
     * \retval PTR_E_NOT_FOUND it had none
     */
    ptr_status (*owner_limit_remove)(void *user, ptr_store_txn *txn, const char *owner,
                                     size_t owner_len);
    /**
     * Optional, since version 3. Visit every owner that has a limit, in
     * byte order of the owner text, until \p visit returns nonzero.
     */
    ptr_status (*owner_limit_scan)(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                   void *visit_ctx);
} ptr_store_methods;

/**
 * \brief Make a store from a methods table.
 *
 * \param[in]  methods copied field by field; need not outlive the call
 * \param[in]  user    passed first to every slot
 * \param[out] out     the store; free with ptr_store_free(). This small
 *                     handle is allocated with the C library's malloc().
 * \retval PTR_OK
 * \retval PTR_E_UNSUPPORTED \c version is not one this library knows
 * \retval PTR_E_INVAL       NULL \p methods or \p out, or a REQUIRED slot is NULL
 * \retval PTR_E_NOMEM
 */
PTR_API ptr_status ptr_store_new(const ptr_store_methods *methods, void *user, ptr_store **out);

/**
 * \brief The \p user pointer \p s was made with, when it was made from
 * \p methods (the same begin slot); NULL otherwise. For a store's own
 * functions beyond the table, such as ptr_sqlite_store_stamp(), to find
 * their state from the handle they are given, and to refuse another store's.
 * Since libptr 0.2.3.
 */
PTR_API void *ptr_store_user(const ptr_store *s, const ptr_store_methods *methods);

/**
 * \brief Free a store: calls its destroy slot (when set), then frees the
 * handle. NULL is ignored. No transaction may be open and no context may
 * still use it.
 */
PTR_API void ptr_store_free(ptr_store *s);

/**
 * \brief The built-in memory store.
 *
 * Built on the public record and store API alone, like any other store.
 * Thread-safe: a read-write lock (pthread_rwlock_t) is held from begin to
 * commit or rollback, shared by read transactions and exclusive for write
 * ones, so every transaction is serializable. Rollback undoes a
 * transaction's changes from an undo log. Lookups by address and counts by
 * owner take constant time; an ordered index per region makes a page cost
 * O(log n + page). Keeps per-owner limits. Nothing is persisted.
 *
 * \param[in]  alloc optional allocator, copied; NULL means the C library
 * \param[out] out   the store; free with ptr_store_free()
 * \retval PTR_OK
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL \p out NULL or an allocator with a NULL function
 */
PTR_API ptr_status ptr_memstore_new(const ptr_allocator *alloc, ptr_store **out);

/**
 * \name Calling a store's slots
 * What libptr itself calls; exported for store wrappers (one store adding
 * behaviour to another) and for conformance tests. Each checks its pointer
 * arguments (::PTR_E_INVAL) and calls the slot.
 * \{
 */
/** \brief Call the begin slot. */
PTR_API ptr_status ptr_store_begin(ptr_store *s, unsigned flags, ptr_store_txn **txn);
/** \brief Call the begin_keys slot; for a store without it, the begin slot. */
PTR_API ptr_status ptr_store_begin_keys(ptr_store *s, unsigned flags, const ptr_txn_keys *keys,
                                        ptr_store_txn **txn);
/** \brief Call the commit slot. */
PTR_API ptr_status ptr_store_commit(ptr_store *s, ptr_store_txn *txn);
/** \brief Call the rollback slot. */
PTR_API void ptr_store_rollback(ptr_store *s, ptr_store_txn *txn);
/** \brief Call the get slot. */
PTR_API ptr_status ptr_store_get(ptr_store *s, ptr_store_txn *txn, const char *region,
                                 size_t region_len, const ptr_addr *addr, ptr_record *out);
/** \brief Call the insert slot. */
PTR_API ptr_status ptr_store_insert(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec);
/** \brief Call the replace slot. */
PTR_API ptr_status ptr_store_replace(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec);
/** \brief Call the remove slot. */
PTR_API ptr_status ptr_store_remove(ptr_store *s, ptr_store_txn *txn, const char *region,
                                    size_t region_len, const ptr_addr *addr);
/** \brief Call the count_owner slot. */
PTR_API ptr_status ptr_store_count_owner(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                         size_t owner_len, uint64_t *count);
/**
 * \brief Call the insert_checked slot; for a store without it, the same
 * through count_owner, insert, and get when the count is at the limit
 * (get's record is made with the C library's allocator, so this may fail
 * with ::PTR_E_NOMEM).
 */
PTR_API ptr_status ptr_store_insert_checked(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec,
                                            uint64_t limit);
/** \brief Call the scan slot. */
PTR_API ptr_status ptr_store_scan(ptr_store *s, ptr_store_txn *txn, const ptr_store_filter *filter,
                                  const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx);
/**
 * \brief Call the count slot; for a version 1 or 2 store, count with scan
 * (::PTR_E_UNSUPPORTED for an empty region there).
 */
PTR_API ptr_status ptr_store_count(ptr_store *s, ptr_store_txn *txn, const ptr_store_filter *filter,
                                   uint64_t *count);
/** \brief Does the store keep per-owner limits (the owner_limit_* slots)? 1 or 0. */
PTR_API int ptr_store_has_owner_limits(const ptr_store *s);
/** \brief Call owner_limit_get (::PTR_E_UNSUPPORTED without the slots). */
PTR_API ptr_status ptr_store_owner_limit_get(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                             size_t owner_len, uint64_t *limit);
/** \brief Call owner_limit_set (::PTR_E_UNSUPPORTED without the slots). */
PTR_API ptr_status ptr_store_owner_limit_set(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                             size_t owner_len, uint64_t limit);
/** \brief Call owner_limit_remove (::PTR_E_UNSUPPORTED without the slots). */
PTR_API ptr_status ptr_store_owner_limit_remove(ptr_store *s, ptr_store_txn *txn,
                                                const char *owner, size_t owner_len);
/** \brief Call owner_limit_scan (::PTR_E_UNSUPPORTED without the slots). */
PTR_API ptr_status ptr_store_owner_limit_scan(ptr_store *s, ptr_store_txn *txn,
                                              ptr_store_limit_visit_fn visit, void *visit_ctx);
/** \} */

PTR_END_DECLS

#endif /* LIBPTR_STORE_H */
