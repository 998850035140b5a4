/* Internals of the service (service.c, service_batch.c, list.c); not installed. */
#ifndef LIBPTR_SERVICE_INTERNAL_H
#define LIBPTR_SERVICE_INTERNAL_H

#include "record/record_internal.h"

/* A transaction body; see ptr__run_txn. */
typedef ptr_status (*ptr__txn_body)(ptr_ctx *c, ptr_store_txn *txn, void *arg, ptr_error *err);

/*
 * Run body in one transaction of the context's store: commit on success,
 * roll back on failure, retry the whole transaction after PTR_E_BUSY a
 * bounded number of times. body may run more than once.
 */
ptr_status ptr__run_txn(ptr_ctx *c, unsigned flags, ptr__txn_body body, void *arg, ptr_error *err);

/* Region and project (and owner when with_owner) of a scope. */
ptr_status ptr__scope_check(const ptr_scope *s, int with_owner, ptr_error *err);

/*
 * The steps of a create, shared by ptr_ctx_create and ptr_ctx_create_many.
 * check: the request's fields and the authorize hook (no transaction).
 * fill: rec made from the request, normalized, forward-confirmed (no transaction).
 * step: inside a write transaction, exists? then quota (used is the owner's
 * count, read once by the caller with ptr__owner_count; it grows by one on
 * success), then insert; through the store's insert_checked when it has one.
 * owner_count: the owner's count for step (0 when the store counts itself).
 */
ptr_status ptr__create_check(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                             ptr_addr *addr, ptr_error *err);
ptr_status ptr__create_fill(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                            const ptr_addr *addr, int64_t t, ptr_record *rec, ptr_error *err);
ptr_status ptr__create_step(ptr_ctx *c, ptr_store_txn *txn, const ptr_record *rec,
                            ptr_record *scratch, uint64_t *used, uint64_t limit, ptr_error *err);
ptr_status ptr__owner_count(ptr_ctx *c, ptr_store_txn *txn, const ptr_text *owner, uint64_t *used);
/* The owner's quota (an override, else the policy's), and the clock. */
uint64_t ptr__quota_limit(ptr_ctx *c, const ptr_text *owner);
int64_t ptr__ctx_now(const ptr_ctx *c);

const ptr_allocator *ptr__ctx_allocator(const ptr_ctx *c);
ptr_store *ptr__ctx_store(const ptr_ctx *c);
const ptr_policy *ptr__ctx_policy(const ptr_ctx *c);

#endif /* LIBPTR_SERVICE_INTERNAL_H */
