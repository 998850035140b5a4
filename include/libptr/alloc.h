/**
 * \file libptr/alloc.h
 * \brief The allocator hook a context, a record or the memory store allocates
 * through.
 *
 * There is no global allocator: each object that allocates is given one when
 * it is made (or NULL for the C library's malloc, realloc and free) and keeps
 * a copy. An allocator shared by objects used from several threads must be
 * thread-safe itself.
 */
#ifndef LIBPTR_ALLOC_H
#define LIBPTR_ALLOC_H

#include <stddef.h>

#include <libptr/export.h>

PTR_BEGIN_DECLS

/**
 * \brief Allocation functions with a context pointer.
 *
 * All three must be set. They behave as malloc(), realloc() and free(),
 * except that libptr never asks for 0 bytes and never passes NULL to \c free.
 * Returning NULL makes the operation fail with ::PTR_E_NOMEM and leave every
 * object as it was, which is what allocation-failure tests rely on.
 */
typedef struct ptr_allocator {
    void *(*malloc)(void *ctx, size_t size);             /**< as malloc() */
    void *(*realloc)(void *ctx, void *ptr, size_t size); /**< as realloc() */
    void (*free)(void *ctx, void *ptr);                  /**< as free() */
    void *ctx;                                           /**< passed first to each */
} ptr_allocator;

/**
 * \brief The C library's malloc, realloc and free as a ::ptr_allocator (what
 * NULL means wherever libptr takes an allocator). Static; never NULL.
 */
PTR_API const ptr_allocator *ptr_allocator_libc(void);

PTR_END_DECLS

#endif /* LIBPTR_ALLOC_H */
