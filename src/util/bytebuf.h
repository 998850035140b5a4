/*
 * A growable byte buffer on a caller's allocator, where the SQLite and
 * PostgreSQL stores encode a record's lists before binding them.
 *
 * Header-only: each store is a library of its own that links the core
 * through its public API alone, so this is compiled into each, and it uses
 * nothing but the public allocator.
 */
#ifndef LIBPTR_BYTEBUF_H
#define LIBPTR_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

#include "libptr/alloc.h"
#include "libptr/error.h"

typedef struct ptr__bytebuf {
    const ptr_allocator *alloc;
    unsigned char *p;
    size_t cap;
} ptr__bytebuf;

/* Room for at least need bytes (the contents are kept); PTR_E_NOMEM leaves b as it was. */
static inline ptr_status ptr__bytebuf_reserve(ptr__bytebuf *b, size_t need)
{
    if (need <= b->cap)
        return PTR_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return PTR_E_NOMEM;
        cap *= 2;
    }
    unsigned char *p =
        b->p ? b->alloc->realloc(b->alloc->ctx, b->p, cap) : b->alloc->malloc(b->alloc->ctx, cap);
    if (!p)
        return PTR_E_NOMEM;
    b->p = p;
    b->cap = cap;
    return PTR_OK;
}

static inline void ptr__bytebuf_free(ptr__bytebuf *b)
{
    if (b->p)
        b->alloc->free(b->alloc->ctx, b->p);
    b->p = NULL;
    b->cap = 0;
}

#endif /* LIBPTR_BYTEBUF_H */
