/* Internals of the service layer (src/service/); not installed. */
#ifndef LIBPTR_SERVICE_INTERNAL_H
#define LIBPTR_SERVICE_INTERNAL_H

#include "libptr/service.h"
#include "record/record_internal.h"

/* A transaction body; see ptr__run_txn. */
typedef ptr_status (*ptr__txn_body)(ptr_ctx *c, ptr_store_txn *txn, void *arg, ptr_error *err);

/*
 * Run body in one transaction of the context's store: begun with keys when
 * given (ptr_store_begin_keys), else plainly; commit on success, roll back
 * on failure, retry the whole transaction after PTR_E_BUSY a bounded number
 * of times. body may run more than once, so it must not keep state between
 * runs.
 */
ptr_status ptr__run_txn(ptr_ctx *c, unsigned flags, const ptr_txn_keys *keys, ptr__txn_body body,
                        void *arg, ptr_error *err);

/*
 * The keys of a write (ptr_txn_keys): n addresses of a region, and the owner
 * (NULL for a write that cannot raise a count); all views, owned by the caller.
 */
ptr_txn_keys ptr__keys(ptr_text region, const ptr_addr *addrs, size_t n, const ptr_text *owner);

/* Region and project (and owner when with_owner) of a scope. */
ptr_status ptr__scope_check(const ptr_scope *s, int with_owner, ptr_error *err);

/* An address to look up: any single host (the policy only limits what may be created). */
ptr_status ptr__parse_host(const char *s, size_t len, ptr_addr *a, ptr_error *err, uint32_t index);

/* The authorize hook (outside any transaction); index names the address in a batch. */
ptr_status ptr__authorize(const ptr_ctx *c, const ptr_scope *s, const ptr_addr *a, ptr_error *err,
                          uint32_t index);

/* Forward confirmation of every name of rec, when the policy asks for it. */
ptr_status ptr__forward_confirm(const ptr_ctx *c, const ptr_record *rec, ptr_error *err);

/* Replace rec's names with the request's, in normal form (lower case, one trailing dot). */
ptr_status ptr__put_names(ptr_record *rec, const ptr_request *req);

/* The record is in the caller's project (the region is the store's key). */
int ptr__in_project(const ptr_record *r, const ptr_scope *s);

/* PTR_E_NOT_FOUND for the address at index. */
ptr_status ptr__not_found(ptr_error *err, uint32_t index);

/*
 * The two halves of a create (create.c), shared with the import (import.c):
 * prepare checks the request, authorizes and fills rec (no transaction);
 * insert is the write step inside one, with the rule's answer described.
 */
ptr_status ptr__create_prepare(ptr_ctx *c, const ptr_scope *scope, const ptr_request *req,
                               int64_t t, ptr_addr *addr, ptr_record *rec, ptr_error *err);
ptr_status ptr__create_insert(ptr_ctx *c, ptr_store_txn *txn, ptr_record *rec, uint64_t limit,
                              ptr_error *err);

/*
 * A record deleted while DNS may still answer it: kept (PENDING_DELETE, or
 * ERROR when a server refused) until a push makes DNS answer the default name.
 */
int ptr__is_deleted(const ptr_record *r);

/* The default name of an address, normalized, into buf (PTR_NAME_BUFSZ bytes). */
ptr_status ptr__default_name_of(const ptr_ctx *c, const ptr_addr *a, char *buf, size_t *len,
                                ptr_error *err);

/* The owner's limit inside a transaction: its own from the store, else the policy's. */
ptr_status ptr__owner_limit(ptr_ctx *c, ptr_store_txn *txn, ptr_text owner, uint64_t *limit);

/* A new record with the context's allocator; PTR_E_NOMEM described in err. */
ptr_status ptr__record_make(const ptr_ctx *c, ptr_record **out, ptr_error *err);

/* The TTL a request asks for: its own, or the policy's default for -1. */
uint32_t ptr__ttl_of(const ptr_ctx *c, const ptr_request *req);

int64_t ptr__ctx_now(const ptr_ctx *c);
const ptr_allocator *ptr__ctx_allocator(const ptr_ctx *c);
ptr_store *ptr__ctx_store(const ptr_ctx *c);
const ptr_policy *ptr__ctx_policy(const ptr_ctx *c);

#endif /* LIBPTR_SERVICE_INTERNAL_H */
