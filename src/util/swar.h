/*
 * Transitional, to be deleted: service.c's copy_lower is the last user of
 * this header, and becomes a plain loop in the same change (issue 10), which
 * removes the include. Word-at-a-time code lives in util/wordwise.h.
 */
#ifndef LIBPTR_SWAR_H
#define LIBPTR_SWAR_H

#include "util/wordwise.h"

/* x with ASCII upper-case letters made lower case; every other byte as it was. */
static inline uint64_t ptr__lower8(uint64_t x)
{
    return x | ptr__ww_bytes_in(x, 'A', 'Z') >> 2;
}

#endif /* LIBPTR_SWAR_H */
