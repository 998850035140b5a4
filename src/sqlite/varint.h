/*
 * LEB128 varint encoding (7 bits a byte, low first), for length-prefixed
 * text: the SQLite store's name and tag columns. Header-only, because
 * libptr-sqlite cannot call the core's hidden internals. Decoding stays with
 * the store, which reads columns from a file and checks every byte. (The
 * memory store keeps fixed 16-bit lengths instead, which a get reads
 * without a loop.)
 */
#ifndef LIBPTR_VARINT_H
#define LIBPTR_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes ptr__varint_put writes for v. */
static inline size_t ptr__varint_size(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Write v at p; returns the byte after it. */
static inline uint8_t *ptr__varint_put(uint8_t *p, size_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

#endif /* LIBPTR_VARINT_H */
