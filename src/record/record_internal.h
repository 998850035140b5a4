/*
 * Internals of the record layer (request checks split by field, scope text),
 * used by the service; not installed. Includes nothing above the record layer.
 */
#ifndef LIBPTR_RECORD_INTERNAL_H
#define LIBPTR_RECORD_INTERNAL_H

#include "libptr/record.h"
#include "util/internal.h"

/* Scope text rules (region, project, owner): 1..64 bytes of letters, digits, '-', '_', '.'. */
ptr_status ptr__scope_text_check(ptr_text t, ptr_field field, ptr_error *err);

/* Equal as normalized names: ASCII case-insensitive, one trailing dot ignored. */
int ptr__name_equiv(const char *a, size_t alen, const char *b, size_t blen);

/* Request checks, split so that an update checks only the fields it sets. */
ptr_status ptr__request_size_check(const ptr_request *req, ptr_error *err);
ptr_status ptr__request_check_address(ptr_text t, const ptr_policy *p, ptr_addr *out,
                                      ptr_error *err);
ptr_status ptr__request_check_fields(const ptr_request *req, const ptr_policy *p, uint32_t mask,
                                     ptr_error *err);

#endif /* LIBPTR_RECORD_INTERNAL_H */
