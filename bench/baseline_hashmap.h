/*
 * The baseline for the memory store: the hash map a programmer would write to keep PTR
 * records in memory without libptr. Open addressing with linear probing, keyed by
 * (region, address); each value is one heap allocation holding the record's fixed
 * fields and all of its text. No validation, no quota, no transactions, no lock.
 */
#ifndef PTR_BENCH_BASELINE_HASHMAP_H
#define PTR_BENCH_BASELINE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/libptr.h>

#define BH_MAX_NAMES 10
#define BH_MAX_TAGS  20

/* What goes in: views of the caller's text, as a libptr create request carries it. */
typedef struct bh_input {
    ptr_text region, project, owner;
    ptr_addr addr;
    const ptr_text *names;
    size_t name_count;
    uint32_t ttl;
    ptr_text description;
    const ptr_tag *tags;
    size_t tag_count;
    int64_t created;
} bh_input;

/* What a lookup fills: the fixed fields, and the text copied into `text` with offsets. */
typedef struct bh_out {
    ptr_addr addr;
    uint32_t ttl;
    int64_t created, updated;
    uint64_t revision;
    uint32_t name_count, tag_count;
    /* Offsets into text: region, project, owner, description, names, then key/value pairs. */
    uint32_t off[4 + BH_MAX_NAMES + 2 * BH_MAX_TAGS + 1];
    size_t text_len;
    char text[8192];
} bh_out;

typedef struct bh_map bh_map;

bh_map *bh_new(void);
void bh_free(bh_map *m);
/* 0 inserted, 1 the key exists (nothing changed), -1 out of memory or too large. */
int bh_insert(bh_map *m, const bh_input *in);
/* 0 found and copied into out, 1 not found. */
int bh_get(const bh_map *m, const char *region, size_t region_len, const ptr_addr *a, bh_out *out);
/* Bytes the map holds: table plus records (as requested from malloc). */
size_t bh_bytes(const bh_map *m);
size_t bh_count(const bh_map *m);

#endif /* PTR_BENCH_BASELINE_HASHMAP_H */
