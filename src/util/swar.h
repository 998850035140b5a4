/*
 * Eight bytes at a time in a uint64_t, for the field checkers' fast paths:
 * a test is applied to every byte of a word at once and leaves bit 7 of each
 * byte that passes. Portable C, no vector instructions, so the same code is
 * tested on every host. A fast path built on these only decides that input
 * is valid; anything else goes to the byte-by-byte code, which names the
 * error.
 */
#ifndef LIBPTR_SWAR_H
#define LIBPTR_SWAR_H

#include <stdint.h>

/* Byte b in every byte of a word. */
#define PTR__EACH_BYTE(b) (UINT64_C(0x0101010101010101) * (uint64_t)(b))
#define PTR__HIGH_BITS    PTR__EACH_BYTE(0x80)

/*
 * p[0..7] with p[0] in the low bits, whatever the host's byte order, so that
 * byte k of the text is bits 8k..8k+7. Compilers make this one load.
 */
static inline uint64_t ptr__load_le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

/*
 * Bit 7 of every byte of x in lo..hi, for 0 <= lo <= hi <= 0x7F; a byte of
 * 0x80 or above never matches. Exact for each byte: with bit 7 cleared
 * first, neither the add nor the subtraction can carry into the next byte.
 */
static inline uint64_t ptr__bytes_in(uint64_t x, unsigned lo, unsigned hi)
{
    const uint64_t low7 = x & ~PTR__HIGH_BITS;
    const uint64_t at_least_lo = low7 + PTR__EACH_BYTE(0x80u - lo);
    const uint64_t at_most_hi = PTR__EACH_BYTE(0x80u + hi) - low7;
    return at_least_lo & at_most_hi & ~x & PTR__HIGH_BITS;
}

/* Bit 7 of every byte of x equal to c (c <= 0x7F). */
static inline uint64_t ptr__bytes_eq(uint64_t x, unsigned c)
{
    return ptr__bytes_in(x, c, c);
}

/* x with ASCII upper-case letters made lower case; every other byte as it was. */
static inline uint64_t ptr__lower8(uint64_t x)
{
    return x | ptr__bytes_in(x, 'A', 'Z') >> 2;
}

#endif /* LIBPTR_SWAR_H */
