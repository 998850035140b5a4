/* Internals shared by the service's source files (service.c, list.c); not installed. */
#ifndef LIBPTR_SERVICE_INTERNAL_H
#define LIBPTR_SERVICE_INTERNAL_H

#include "record_internal.h"

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

const ptr_allocator *ptr__ctx_allocator(const ptr_ctx *c);
ptr_store *ptr__ctx_store(const ptr_ctx *c);
const ptr_policy *ptr__ctx_policy(const ptr_ctx *c);

#endif /* LIBPTR_SERVICE_INTERNAL_H */
