/*
 * The SQLite row format's varints: unsigned LEB128 (7 bits a byte, low
 * first), the lengths of the name and tag columns (sqlite_row.c). Writing
 * only: decoding reads a file that is not trusted, and lives in sqlite_row.c
 * with the bounds checks. Values are below 2^32 (VARINT_MAX bytes there).
 */
#ifndef LIBPTR_SQLITE_VARINT_H
#define LIBPTR_SQLITE_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes ptr__sqlite_varint_put writes for v. */
static inline size_t ptr__sqlite_varint_size(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Write v at p; returns the byte after it. */
static inline uint8_t *ptr__sqlite_varint_put(uint8_t *p, size_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

#endif /* LIBPTR_SQLITE_VARINT_H */
