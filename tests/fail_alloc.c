/* The failing, counting allocator of fail_alloc.h. */
#include <stdlib.h>

#include "fail_alloc.h"

long fail_alloc_live, fail_alloc_calls, fail_alloc_at;

static int fail_now(void)
{
    return fail_alloc_at && ++fail_alloc_calls == fail_alloc_at;
}

static void *fa_malloc(void *ctx, size_t n)
{
    (void)ctx;
    if (fail_now())
        return NULL;
    void *p = malloc(n);
    fail_alloc_live += p != NULL;
    return p;
}

static void *fa_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (fail_now())
        return NULL;
    void *q = realloc(p, n);
    fail_alloc_live += !p && q;
    return q;
}

static void fa_free(void *ctx, void *p)
{
    (void)ctx;
    fail_alloc_live -= p != NULL;
    free(p);
}

const ptr_allocator fail_alloc = {fa_malloc, fa_realloc, fa_free, NULL};
