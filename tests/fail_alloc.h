/*
 * An allocator for allocation-failure tests: counts the calls and the live
 * blocks, and fails the call numbered fail_alloc_at (1-based; 0: none).
 * Shared by the tests that run an operation with its 1st, 2nd, 3rd ...
 * allocation failing and then check that nothing changed and nothing leaked.
 */
#ifndef PTR_TEST_FAIL_ALLOC_H
#define PTR_TEST_FAIL_ALLOC_H

#include "libptr/libptr.h"

extern long fail_alloc_live;  /* blocks allocated and not yet freed */
extern long fail_alloc_calls; /* malloc and realloc calls since the test reset it */
extern long fail_alloc_at;    /* the call that fails; 0: none */

/* malloc, realloc and free with the counts above. */
extern const ptr_allocator fail_alloc;

#endif /* PTR_TEST_FAIL_ALLOC_H */
