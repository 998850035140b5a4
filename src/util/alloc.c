/*
 * The allocator hook: every object that allocates keeps a resolved copy, so
 * a NULL hook is turned into the C library's functions once, when the object
 * is made, and never tested again.
 */
#include <stdlib.h>

#include "util/internal.h"

static void *libc_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void *libc_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return realloc(p, n);
}

static void libc_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static const ptr_allocator libc_allocator = {libc_malloc, libc_realloc, libc_free, NULL};

const ptr_allocator *ptr_allocator_libc(void)
{
    return &libc_allocator;
}

ptr_status ptr__allocator_set(ptr_allocator *dst, const ptr_allocator *src)
{
    if (!src) {
        *dst = libc_allocator;
        return PTR_OK;
    }
    if (!src->malloc || !src->realloc || !src->free)
        return PTR_E_INVAL;
    *dst = *src;
    return PTR_OK;
}

/* The capacity ptr__grow picks (cap doubled, from 4, until need fits); 0 on overflow. */
static size_t grown_cap(size_t cap, size_t need, size_t elem)
{
    size_t n = cap ? cap : 4;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return 0;
        n *= 2;
    }
    return n > SIZE_MAX / elem ? 0 : n;
}

void *ptr__grow(const ptr_allocator *a, void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    const size_t n = grown_cap(*cap, need, elem);
    if (!n)
        return NULL;
    void *q = p ? a->realloc(a->ctx, p, n * elem) : a->malloc(a->ctx, n * elem);
    if (q)
        *cap = n;
    return q;
}
