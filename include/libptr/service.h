/**
 * \file libptr/service.h
 * \brief The record service: create, get, update, delete, list, resolve and
 * quota over a store, with the policy's rules, per-region uniqueness and the
 * per-owner quota enforced atomically.
 *
 * Every operation first validates its whole input, without a transaction,
 * and reports the first failing field in the optional ::ptr_error. Only then
 * does it open one store transaction; a failure anywhere after that rolls it
 * back, so a failed call leaves the store exactly as it was. ::PTR_E_BUSY
 * from the store is retried (the whole transaction) a bounded number of
 * times, then returned.
 *
 * Tenancy: each call takes the caller's ::ptr_scope. A record belongs to one
 * region and project; get, update and delete of an address whose record is
 * in another project answer ::PTR_E_NOT_FOUND, exactly as if there were
 * none. Uniqueness is per region, though, so creating a record for an
 * address that another project of the region holds fails with
 * ::PTR_E_EXISTS: that reveals the address is taken, which cannot be
 * avoided without letting two projects claim it.
 *
 * A ::ptr_ctx may be shared by any number of threads (docs/threading.md).
 */
#ifndef LIBPTR_SERVICE_H
#define LIBPTR_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/addr.h>
#include <libptr/alloc.h>
#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/policy.h>
#include <libptr/record.h>
#include <libptr/store.h>

PTR_BEGIN_DECLS

/** \brief The service (opaque). Made by ptr_ctx_new(), freed by ptr_ctx_free(). */
typedef struct ptr_ctx ptr_ctx;

/**
 * \brief Who is calling: region, project and owner (the account charged for
 * what it creates). Each is 1..64 bytes of ASCII letters, digits and
 * `- _ .`; anything else gives ::PTR_E_INVAL naming the field.
 */
typedef struct ptr_scope {
    ptr_text region;  /**< e.g. "eu-de" */
    ptr_text project; /**< the project the records belong to */
    ptr_text owner;   /**< the account charged; used by create only */
} ptr_scope;

/**
 * \brief Hook: may \p scope set a PTR record for \p addr (does the caller
 * hold that public IP)? Called by create, update, delete and batch delete,
 * outside any store transaction.
 * \return ::PTR_OK to allow; ::PTR_E_FORBIDDEN to refuse; any other status
 *         fails the operation with that status (so a hook can report
 *         ::PTR_E_BUSY when its own backend is unavailable)
 */
typedef ptr_status (*ptr_authorize_fn)(void *user, const ptr_scope *scope, const ptr_addr *addr);

/**
 * \brief Hook: the addresses \p name resolves to (A and AAAA), for forward
 * confirmation. \p name is normalized (lower case, trailing dot) and
 * NUL-terminated.
 * \param[out] out   room for \p cap addresses
 * \param[out] count how many addresses the name has (those beyond \p cap are
 *                   not written; 0 when the name does not exist)
 * \return ::PTR_OK, or a status that fails the operation as it is
 */
typedef ptr_status (*ptr_forward_lookup_fn)(void *user, const char *name, size_t name_len,
                                            ptr_addr *out, size_t cap, size_t *count);

/** \brief Hook: the time, in seconds since the Unix epoch. */
typedef int64_t (*ptr_clock_fn)(void *user);

/** \brief How a context is made. Start from ptr_ctx_config_init(). */
typedef struct ptr_ctx_config {
    uint32_t struct_size; /**< sizeof(ptr_ctx_config), set by ptr_ctx_config_init() */
    /**
     * REQUIRED. Borrowed, not owned: it must outlive the context, and the
     * caller frees it after ptr_ctx_free(). Several contexts may share one.
     */
    ptr_store *store;
    const ptr_policy *policy;       /**< copied (template included); NULL: ptr_policy_init() */
    const ptr_allocator *allocator; /**< copied; NULL: the C library */
    ptr_clock_fn clock;             /**< NULL: time() */
    ptr_authorize_fn authorize;     /**< NULL: every address is allowed */
    ptr_forward_lookup_fn forward_lookup; /**< required by ::PTR_POLICY_FORWARD_CONFIRM */
    void *user;                           /**< passed first to the three hooks */
    unsigned busy_retries;                /**< extra attempts after ::PTR_E_BUSY; 0 means 8 */
} ptr_ctx_config;

/** \brief Zero a config and set its struct_size. */
PTR_API void ptr_ctx_config_init(ptr_ctx_config *cfg);

/**
 * \brief Make a context.
 * \param[in]  cfg the configuration; copied (the store is borrowed)
 * \param[out] out the context; free with ptr_ctx_free()
 * \param[out] err optional; why the configuration was refused
 * \retval PTR_OK
 * \retval PTR_E_INVAL NULL \p cfg or \p out, no store, a struct_size smaller
 *         than version 1's, ::PTR_POLICY_FORWARD_CONFIRM without a
 *         forward_lookup hook, or a default-name template that does not give
 *         a valid name (\p err says why)
 * \retval PTR_E_NOMEM
 */
PTR_API ptr_status ptr_ctx_new(const ptr_ctx_config *cfg, ptr_ctx **out, ptr_error *err);

/** \brief Free a context (not its store). NULL is ignored. */
PTR_API void ptr_ctx_free(ptr_ctx *ctx);

/**
 * \brief Create a record: validate (ptr_request_check()), authorize, confirm
 * forward names when the policy asks; then in one write transaction: the
 * address must have no record in the region (::PTR_E_EXISTS), the owner
 * must be under quota (::PTR_E_QUOTA), insert, commit.
 *
 * The stored record has normalized names, the policy's TTL when the request
 * has -1, revision 1, and created = updated = the clock's time.
 *
 * \param[in]  ctx   the context
 * \param[in]  scope region, project and owner of the caller
 * \param[in]  req   the request (see ::ptr_request)
 * \param[out] out   optional; a record made by ptr_record_new(), filled with
 *                   the stored record (left reset on failure)
 * \param[out] err   optional; the failing field and why
 * \retval PTR_OK
 * \retval the statuses of ptr_request_check(), and PTR_E_FORBIDDEN,
 *         PTR_E_FORWARD, PTR_E_EXISTS, PTR_E_QUOTA, PTR_E_BUSY, PTR_E_STORE,
 *         PTR_E_NOMEM, PTR_E_INVAL (bad scope)
 */
PTR_API ptr_status ptr_ctx_create(ptr_ctx *ctx, const ptr_scope *scope, const ptr_request *req,
                                  ptr_record *out, ptr_error *err);

/** \brief ptr_ctx_create_many() flag: create every record or none. */
#define PTR_CREATE_ALL_OR_NOTHING 0x1u

/**
 * \brief Create many records in one write transaction, each with exactly the
 * rules of ptr_ctx_create(), for bulk imports.
 *
 * Every request is first validated and authorized (and forward-confirmed
 * when the policy asks), outside any transaction; an invalid request gets
 * its own status and creates nothing. Then one write transaction takes the
 * valid ones in order: an address with a record in the region, or one that
 * an earlier request of the batch took, gives ::PTR_E_EXISTS; once the
 * owner's records (counted once, at the start of the transaction, plus those
 * the batch inserted) reach its limit, each further request gives
 * ::PTR_E_QUOTA; the others are inserted. Because the whole batch is one
 * transaction, concurrent writers cannot push the owner over its quota nor
 * create an address twice. ::PTR_E_BUSY retries the whole batch; a store
 * failure rolls it back and fails every valid request.
 *
 * With ::PTR_CREATE_ALL_OR_NOTHING a failure of any request (validation
 * included) rolls everything back: nothing is created, and each request still
 * reports its own status (::PTR_OK for those that passed every check).
 *
 * \param[in]  ctx     the context
 * \param[in]  scope   region, project and owner of the caller (one for all)
 * \param[in]  reqs    the requests, as for ptr_ctx_create()
 * \param[in]  n       how many (0 is allowed and does nothing)
 * \param[in]  flags   0 or ::PTR_CREATE_ALL_OR_NOTHING
 * \param[out] results n statuses, one per request (required when n > 0)
 * \param[out] errs    optional; n errors, one per request, filled for each
 *                     failed request
 * \param[out] created optional; how many records were stored
 * \retval PTR_OK      every request was created
 * \retval other       the status of the first request that failed (with
 *                     ::PTR_CREATE_ALL_OR_NOTHING: nothing was created), or
 *                     for the batch as a whole ::PTR_E_BUSY, ::PTR_E_STORE,
 *                     ::PTR_E_NOMEM, or ::PTR_E_INVAL (NULL \p ctx, \p reqs or
 *                     \p results, unknown flags, bad scope; then every result
 *                     is that status)
 */
PTR_API ptr_status ptr_ctx_create_many(ptr_ctx *ctx, const ptr_scope *scope,
                                       const ptr_request *reqs, size_t n, unsigned flags,
                                       ptr_status *results, ptr_error *errs, size_t *created);

/**
 * \brief An import (opaque): one write transaction that creates records
 * streamed in by the caller, one request at a time, with memory that does
 * not grow with their number. Made by ptr_ctx_import_begin(), ended (and
 * freed) by ptr_import_commit() or ptr_import_rollback().
 */
typedef struct ptr_import ptr_import;

/**
 * \brief Begin an import: a write transaction of the whole store (no keys:
 * the records to come are not known yet), held until commit or rollback.
 *
 * For an operator's bulk load that must be all or nothing whatever its size
 * (`ptrctl import --all-or-nothing`). Unlike every other call, the
 * transaction stays open between calls, so the caller's own code (reading
 * the next line) and the context's hooks (authorize, forward lookup) run
 * while it is open: every other writer of the store waits meanwhile. Use one
 * import per thread, and no other call of the same context on that thread
 * until it ends.
 *
 * \param[in]  ctx the context
 * \param[out] out the import
 * \param[out] err optional
 * \retval PTR_OK
 * \retval PTR_E_BUSY (after the context's retries), PTR_E_STORE, PTR_E_NOMEM, PTR_E_INVAL
 */
PTR_API ptr_status ptr_ctx_import_begin(ptr_ctx *ctx, ptr_import **out, ptr_error *err);

/**
 * \brief Create one record inside the import, with exactly the rules of
 * ptr_ctx_create() (the owner's quota counts the import's earlier records).
 * A refused request changes nothing and the import goes on; the caller
 * decides whether to commit what passed.
 *
 * \param[in]  imp   the import
 * \param[in]  scope region, project and owner of this record (each request may differ)
 * \param[in]  req   the request
 * \param[out] err   optional; the failing field and why
 * \retval PTR_OK
 * \retval the statuses of ptr_ctx_create() for this request
 * \retval PTR_E_STORE, PTR_E_BUSY, PTR_E_NOMEM: the store failed; only
 *         ptr_import_rollback() is left to call
 */
PTR_API ptr_status ptr_import_create(ptr_import *imp, const ptr_scope *scope,
                                     const ptr_request *req, ptr_error *err);

/** \brief Records created so far by the import (none are visible to others before commit). */
PTR_API uint64_t ptr_import_created(const ptr_import *imp);

/**
 * \brief Commit the import and free it: every record it created becomes
 * visible at once, or (on failure) none. It always ends the import.
 * \retval PTR_OK
 * \retval PTR_E_BUSY, PTR_E_STORE nothing was kept (also when the store
 *         failed during the import: it was rolled back)
 * \retval PTR_E_INVAL NULL \p imp
 */
PTR_API ptr_status ptr_import_commit(ptr_import *imp, ptr_error *err);

/** \brief Undo everything the import created and free it. NULL is ignored. */
PTR_API void ptr_import_rollback(ptr_import *imp);

/**
 * \brief Fetch the record of an address in the caller's region and project.
 * \param[in]  ctx      the context
 * \param[in]  scope    the caller (owner not needed)
 * \param[in]  addr     the address text, "/32" or "/128" allowed
 * \param[in]  addr_len its length
 * \param[out] out      a record made by ptr_record_new(), overwritten (reset on failure)
 * \param[out] err      optional
 * \retval PTR_OK
 * \retval PTR_E_NOT_FOUND no record, or one of another project
 * \retval PTR_E_ADDR, PTR_E_NOT_HOST, PTR_E_INVAL, PTR_E_BUSY, PTR_E_STORE, PTR_E_NOMEM
 */
PTR_API ptr_status ptr_ctx_get(ptr_ctx *ctx, const ptr_scope *scope, const char *addr,
                               size_t addr_len, ptr_record *out, ptr_error *err);

/**
 * \brief Change the names, TTL, description or tags of a record (those
 * ptr_request.flags selects; a TTL of -1 restores the policy default).
 *
 * The address never changes: a request address that parses to another
 * address gives ::PTR_E_IMMUTABLE. With ::PTR_REQUEST_REVISION the update
 * only applies while the record's revision is \c expected_revision, else
 * ::PTR_E_CONFLICT. The revision grows by one and \c updated is set.
 *
 * \param[in]  ctx      the context
 * \param[in]  scope    the caller (owner not needed: the record stays its owner's)
 * \param[in]  addr     the record's address text
 * \param[in]  addr_len its length
 * \param[in]  req      what changes (flags) and to what
 * \param[out] out      optional; filled with the stored record (reset on failure)
 * \param[out] err      optional; the failing field and why
 * \retval PTR_OK
 * \retval PTR_E_NOT_FOUND, PTR_E_IMMUTABLE, PTR_E_CONFLICT, PTR_E_FORBIDDEN,
 *         PTR_E_FORWARD, the field statuses, PTR_E_BUSY, PTR_E_STORE, PTR_E_NOMEM
 */
PTR_API ptr_status ptr_ctx_update(ptr_ctx *ctx, const ptr_scope *scope, const char *addr,
                                  size_t addr_len, const ptr_request *req, ptr_record *out,
                                  ptr_error *err);

/**
 * \brief Delete the record of an address: it answers with its default name
 * again (ptr_ctx_resolve()), and its owner gets the quota back.
 * \param[in]  ctx      the context
 * \param[in]  scope    the caller (owner not needed)
 * \param[in]  addr     the address text
 * \param[in]  addr_len its length
 * \param[out] err      optional
 * \retval PTR_OK
 * \retval PTR_E_NOT_FOUND no record in the caller's region and project
 */
PTR_API ptr_status ptr_ctx_delete(ptr_ctx *ctx, const ptr_scope *scope, const char *addr,
                                  size_t addr_len, ptr_error *err);

/** \brief The most addresses one ptr_ctx_delete_batch() takes (the cloud API's 50). */
#define PTR_BATCH_MAX 50
/** \brief ::PTR_BATCH_MAX as a function, for bindings. */
PTR_API size_t ptr_batch_max(void);

/**
 * \brief Delete the records of 1..50 addresses, all or nothing, in one
 * transaction.
 * \param[in]  ctx   the context
 * \param[in]  scope the caller (owner not needed)
 * \param[in]  addrs the addresses
 * \param[in]  n     how many (1..::PTR_BATCH_MAX)
 * \param[out] err optional; for a failing address, field ::PTR_FIELD_ADDRESS
 *                 and its index in \p addrs
 * \retval PTR_OK
 * \retval PTR_E_NOT_FOUND one address has no record in the scope (none is deleted)
 * \retval PTR_E_INVAL     no address or more than 50 (::PTR_FIELD_ADDRESSES), or
 *                         the same one twice (::PTR_FIELD_ADDRESS, the index of the second)
 */
PTR_API ptr_status ptr_ctx_delete_batch(ptr_ctx *ctx, const ptr_scope *scope, const ptr_text *addrs,
                                        size_t n, ptr_error *err);

/** \brief ptr_list_query.flags: also count every record the filters match. */
#define PTR_LIST_TOTAL 0x1u
/** \brief The largest (and default) page. */
#define PTR_LIST_LIMIT_MAX 500

/**
 * \brief Filters and pagination for ptr_ctx_list(). Records are always of
 * the caller's region and project. Start from ptr_list_query_init().
 */
typedef struct ptr_list_query {
    uint32_t struct_size; /**< sizeof(ptr_list_query), set by ptr_list_query_init() */
    uint32_t flags;       /**< ::PTR_LIST_TOTAL */
    ptr_text owner;       /**< empty: any owner */
    const ptr_tag *tags;  /**< each must be on the record; a NULL value matches any value */
    size_t tag_count;     /**< number of \c tags */
    ptr_text name;        /**< empty: any; else one of the record's names (normalized first) */
    uint32_t limit;       /**< 1..500; 0 means 500 */
    ptr_text marker;      /**< empty: from the start; else the page's next_marker */
} ptr_list_query;

/** \brief Zero a query and set its struct_size. */
PTR_API void ptr_list_query_init(ptr_list_query *q);

/** \brief A page of records (opaque). Freed by ptr_record_list_free(). */
typedef struct ptr_record_list ptr_record_list;

/**
 * \brief One page of records in address order, starting after \c marker.
 *
 * Paging with next_marker visits every record that exists throughout the
 * paging exactly once (records created or deleted meanwhile may or may not
 * appear). A page costs O(page) reads of the store, wherever the marker is.
 * With ::PTR_LIST_TOTAL the page also carries the number of all matching
 * records, which the store counts (its count slot) in the same transaction.
 *
 * \param[in]  ctx   the context
 * \param[in]  scope the caller: records of its region and project only
 * \param[in]  q     filters and pagination
 * \param[out] out the page; free with ptr_record_list_free()
 * \param[out] err   optional; the failing field and why
 * \retval PTR_OK
 * \retval PTR_E_INVAL a bad limit (field ::PTR_FIELD_LIMIT) or scope;
 *         PTR_E_ADDR a bad marker (::PTR_FIELD_MARKER); PTR_E_NAME a bad
 *         name; PTR_E_TAG a bad tag filter
 */
PTR_API ptr_status ptr_ctx_list(ptr_ctx *ctx, const ptr_scope *scope, const ptr_list_query *q,
                                ptr_record_list **out, ptr_error *err);

/** \brief Number of records in the page. */
PTR_API size_t ptr_record_list_count(const ptr_record_list *l);
/** \brief Record \p i of the page, or NULL; valid until the list is freed. */
PTR_API const ptr_record *ptr_record_list_at(const ptr_record_list *l, size_t i);
/** \brief All matching records, with ::PTR_LIST_TOTAL; else -1. */
PTR_API int64_t ptr_record_list_total(const ptr_record_list *l);
/**
 * \brief The marker of the next page (the last address of this one) into a
 * caller buffer (::PTR_ADDR_STRLEN bytes are always enough), so that it
 * outlives the page; "" when this is the last page.
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small; \p *out_len gets the length needed
 * \retval PTR_E_INVAL  NULL \p l or \p buf
 */
PTR_API ptr_status ptr_record_list_next_marker(const ptr_record_list *l, char *buf, size_t cap,
                                               size_t *out_len);
/** \brief Free a page. NULL is ignored. */
PTR_API void ptr_record_list_free(ptr_record_list *l);

/**
 * \brief The names an address answers with in a region: its record's names
 * and TTL, or (when it has no record, in any project) the policy's default
 * name, normalized, with the policy's default TTL.
 *
 * \param[in]  ctx        the context
 * \param[in]  scope      the caller; only its region is used (an address
 *                        answers the same for every project)
 * \param[in]  addr       the address text
 * \param[in]  addr_len   its length
 * \param[out] out        a record made by ptr_record_new(), overwritten; for a
 *                        default answer only the region, address, one name and
 *                        the TTL are set
 * \param[out] is_default optional; 1 for the default name, else 0
 * \param[out] err        optional
 * \retval PTR_OK
 * \retval PTR_E_ADDR, PTR_E_NOT_HOST, PTR_E_INVAL, PTR_E_BUSY, PTR_E_STORE, PTR_E_NOMEM
 */
PTR_API ptr_status ptr_ctx_resolve(ptr_ctx *ctx, const ptr_scope *scope, const char *addr,
                                   size_t addr_len, ptr_record *out, int *is_default,
                                   ptr_error *err);

/**
 * \brief An owner's quota: records it has (in the whole store) and its limit
 * (its own, kept in the store, else the policy's max_records_per_owner).
 * \param[in]  ctx       the context
 * \param[in]  owner     the owner
 * \param[in]  owner_len its length
 * \param[out] used      records the owner has
 * \param[out] limit     records it may have
 * \param[out] err       optional
 * \retval PTR_OK
 * \retval PTR_E_INVAL bad owner text; PTR_E_BUSY, PTR_E_STORE
 */
PTR_API ptr_status ptr_ctx_quota(ptr_ctx *ctx, const char *owner, size_t owner_len, uint64_t *used,
                                 uint64_t *limit, ptr_error *err);

/**
 * \brief Give one owner a limit other than the policy's
 * max_records_per_owner (raise or lower it). Kept in the store, so every
 * process and host sharing the store enforces it. A lower limit never
 * deletes records; it only stops new ones.
 * \param[in]  ctx       the context
 * \param[in]  owner     the owner
 * \param[in]  owner_len its length
 * \param[in]  limit     the owner's new limit
 * \param[out] err       optional
 * \retval PTR_OK
 * \retval PTR_E_INVAL bad owner text (::PTR_FIELD_OWNER)
 * \retval PTR_E_UNSUPPORTED the store keeps no limits (no owner_limit_* slots)
 * \retval PTR_E_BUSY, PTR_E_STORE
 */
PTR_API ptr_status ptr_ctx_set_owner_quota(ptr_ctx *ctx, const char *owner, size_t owner_len,
                                           uint32_t limit, ptr_error *err);

/**
 * \brief Remove an owner's own limit: the policy's applies again.
 * \retval PTR_OK
 * \retval PTR_E_NOT_FOUND the owner had no limit of its own
 * \retval PTR_E_INVAL, PTR_E_UNSUPPORTED, PTR_E_BUSY, PTR_E_STORE as ptr_ctx_set_owner_quota()
 */
PTR_API ptr_status ptr_ctx_clear_owner_quota(ptr_ctx *ctx, const char *owner, size_t owner_len,
                                             ptr_error *err);

/**
 * \name Live DNS
 * A write leaves its record pending (::ptr_dns_status): a create
 * ::PTR_DNS_PENDING_CREATE, an update ::PTR_DNS_PENDING_UPDATE (or
 * PENDING_CREATE again when no change of the record was ever sent). A
 * delete removes a record no server was ever sent; one that a server may
 * answer stays, ::PTR_DNS_PENDING_DELETE, until a push makes the servers
 * answer its default name: get and list show it, update and delete answer
 * ::PTR_E_NOT_FOUND, resolve gives the default name, and a create of the
 * address takes its place. A pusher (libptr-push's ptr_push_sync(), or your
 * own) reads the pending changes with ptr_ctx_pending(), sends them, and
 * writes the servers' answers back with ptr_ctx_dns_results(). See
 * docs/push.md.
 * \{
 */

/** \brief What one address should answer: a change for the name servers. */
typedef struct ptr_dns_change {
    const ptr_record *record; /**< the stored record (valid during the call only) */
    /**
     * What the address should answer: the record's names, or its default
     * name when the record is deleted (valid during the call only)
     */
    const ptr_text *names;
    size_t name_count; /**< how many */
    uint32_t ttl;      /**< their TTL: the record's, or the policy's default for a default name */
} ptr_dns_change;

/**
 * \brief Called by ptr_ctx_pending() for each pending change, in address
 * order, inside a read transaction: copy what you need and return; do not
 * call the context or wait for the network here.
 * \return 0 to go on, anything else to stop
 */
typedef int (*ptr_dns_change_fn)(void *user, const ptr_dns_change *change);

/**
 * \brief Visit the records of \p region whose DNS status is not
 * ::PTR_DNS_ACTIVE (pending, or ::PTR_DNS_ERROR to retry), in address order.
 *
 * \param[in] after start just after this address (NULL: from the first)
 * \param[in] max   stop after this many (0: no limit)
 * \retval PTR_OK
 * \retval PTR_E_INVAL bad region or NULL \p fn; PTR_E_NOMEM, PTR_E_BUSY, PTR_E_STORE
 */
PTR_API ptr_status ptr_ctx_pending(ptr_ctx *ctx, const char *region, size_t region_len,
                                   const ptr_addr *after, size_t max, ptr_dns_change_fn fn,
                                   void *user, ptr_error *err);

/** \brief What the servers did with one change (for ptr_ctx_dns_results()). */
typedef struct ptr_dns_result {
    ptr_addr addr;     /**< the record's address */
    uint64_t revision; /**< the revision that was sent (ptr_record_revision()) */
    /**
     * ::PTR_DNS_ACTIVE: a server confirmed it (a deleted record is then
     * removed); ::PTR_DNS_ERROR: a server refused it, \c reason says why;
     * any PENDING_ value: it was sent, or is about to be, and no answer came
     * (the record is then marked as possibly in DNS, ptr_record_in_dns()).
     */
    ptr_dns_status status;
    ptr_text reason; /**< with ::PTR_DNS_ERROR; stored as the record's DNS error, cut to ::PTR_DNS_ERROR_MAX bytes */
    int applied;     /**< out: 1 when applied; 0 when the record changed since (superseded) or is gone */
} ptr_dns_result;

/**
 * \brief Record the servers' answers, all in one write transaction. An
 * answer applies only to the revision that was sent: a record written since
 * keeps its newer pending change. The revision and update time do not
 * change.
 * \retval PTR_OK (see each result's \c applied)
 * \retval PTR_E_INVAL bad region, a result without an address or with an unknown status
 * \retval PTR_E_NOMEM, PTR_E_BUSY, PTR_E_STORE (nothing applied)
 */
PTR_API ptr_status ptr_ctx_dns_results(ptr_ctx *ctx, const char *region, size_t region_len,
                                       ptr_dns_result *results, size_t n, ptr_error *err);
/** \} */

PTR_END_DECLS

#endif /* LIBPTR_SERVICE_H */
