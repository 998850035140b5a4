/*
 * Internal helpers every layer of the library may use (failing with a
 * ptr_error, allocators, ASCII); not installed. Each layer above has its own
 * internal header, which includes only this one and the ones below it.
 */
#ifndef LIBPTR_INTERNAL_H
#define LIBPTR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "libptr/libptr.h"

/*
 * Fill *err (when not NULL) and return status, so a check can end with
 * `return ptr__fail(err, PTR_E_TTL, PTR_FIELD_TTL, 0, off, "...")`.
 * msg is a static one-line reason; it is copied and truncated to fit.
 */
ptr_status ptr__fail(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                     size_t offset, const char *msg);

/*
 * As ptr__fail, with a number spliced in: every "%u" in msg is replaced by
 * num (decimal). No other conversions; no snprintf.
 */
ptr_status ptr__failn(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                      size_t offset, const char *msg, uint64_t num);

/* Copy src into dst, or libc's functions when src is NULL; PTR_E_INVAL on a NULL slot. */
ptr_status ptr__allocator_set(ptr_allocator *dst, const ptr_allocator *src);

/*
 * Grow an array to hold at least need elements of elem bytes, doubling.
 * Returns the (possibly moved) array and updates *cap, or NULL when the
 * allocation fails, in which case p and *cap are untouched.
 */
void *ptr__grow(const ptr_allocator *a, void *p, size_t *cap, size_t need, size_t elem);

/* Policy in force: p, or the static defaults when p is NULL. */
const ptr_policy *ptr__policy_or_default(const ptr_policy *p);

/* ASCII helpers that do not depend on the C locale. */
static inline int ptr__is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int ptr__is_alpha(unsigned char c)
{
    return (unsigned char)((c | 0x20) - 'a') < 26u;
}
static inline unsigned char ptr__lower(unsigned char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
}

#endif /* LIBPTR_INTERNAL_H */
