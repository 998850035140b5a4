/*
 * The bare hash map of baseline_hashmap.h. Written as a careful programmer would, so
 * that the comparison is not against a straw man: one allocation per record (fixed
 * fields, a table of offsets, then every piece of text NUL-terminated), 16-byte slots
 * carrying the full hash so that a probe compares a record only when the hash matches,
 * a load factor of at most 3/4, doubling.
 */
#include "baseline_hashmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct bh_rec {
    ptr_addr addr;
    uint8_t name_count, tag_count;
    uint32_t ttl;
    int64_t created, updated;
    uint64_t revision;
    uint32_t npieces; /* 4 + names + 2 * tags */
    uint32_t text_len;
    /* uint32_t off[npieces + 1], then the text. */
    uint32_t off[];
} bh_rec;

typedef struct bh_slot {
    uint64_t hash;
    bh_rec *rec; /* NULL: empty */
} bh_slot;

struct bh_map {
    bh_slot *slots;
    size_t cap, count, bytes;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t key_hash(const char *region, size_t rlen, const ptr_addr *a)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < rlen; i++)
        h = (h ^ (unsigned char)region[i]) * 0x100000001b3ULL;
    uint64_t lo, hi;
    memcpy(&lo, a->bytes, 8);
    memcpy(&hi, a->bytes + 8, 8);
    return mix(h ^ mix(lo ^ mix(hi ^ a->family)));
}

static const char *rec_text(const bh_rec *r)
{
    return (const char *)(r->off + r->npieces + 1);
}

static int rec_key_eq(const bh_rec *r, const char *region, size_t rlen, const ptr_addr *a)
{
    return r->addr.family == a->family && memcmp(r->addr.bytes, a->bytes, 16) == 0 &&
           r->off[1] - 1 == rlen && memcmp(rec_text(r), region, rlen) == 0;
}

bh_map *bh_new(void)
{
    return calloc(1, sizeof(bh_map));
}

void bh_free(bh_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].rec);
    free(m->slots);
    free(m);
}

static void put(bh_slot *slots, size_t cap, uint64_t h, bh_rec *r)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].rec)
        i = (i + 1) & (cap - 1);
    slots[i].hash = h;
    slots[i].rec = r;
}

static int grow(bh_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    bh_slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].rec)
            put(s, cap, m->slots[i].hash, m->slots[i].rec);
    free(m->slots);
    m->bytes += (cap - m->cap) * sizeof *s;
    m->slots = s;
    m->cap = cap;
    return 0;
}

static char *piece(char *p, uint32_t *off, char *base, const char *s, size_t len)
{
    *off = (uint32_t)(p - base);
    memcpy(p, s, len);
    p[len] = '\0';
    return p + len + 1;
}

int bh_insert(bh_map *m, const bh_input *in)
{
    if (in->name_count > BH_MAX_NAMES || in->tag_count > BH_MAX_TAGS)
        return -1;
    const uint64_t h = key_hash(in->region.s, in->region.len, &in->addr);
    if (m->cap) {
        for (size_t i = (size_t)h & (m->cap - 1); m->slots[i].rec; i = (i + 1) & (m->cap - 1))
            if (m->slots[i].hash == h &&
                rec_key_eq(m->slots[i].rec, in->region.s, in->region.len, &in->addr))
                return 1;
    }
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return -1;

    const uint32_t npieces = (uint32_t)(4 + in->name_count + 2 * in->tag_count);
    size_t text = in->region.len + in->project.len + in->owner.len + in->description.len + npieces;
    for (size_t i = 0; i < in->name_count; i++)
        text += in->names[i].len;
    for (size_t i = 0; i < in->tag_count; i++)
        text += in->tags[i].key_len + in->tags[i].value_len;
    if (text > sizeof(((bh_out *)0)->text))
        return -1;
    const size_t size = sizeof(bh_rec) + (npieces + 1) * sizeof(uint32_t) + text;
    bh_rec *r = malloc(size);
    if (!r)
        return -1;
    r->addr = in->addr;
    r->name_count = (uint8_t)in->name_count;
    r->tag_count = (uint8_t)in->tag_count;
    r->ttl = in->ttl;
    r->created = r->updated = in->created;
    r->revision = 1;
    r->npieces = npieces;
    r->text_len = (uint32_t)text;
    char *base = (char *)(r->off + npieces + 1), *p = base;
    uint32_t k = 0;
    p = piece(p, &r->off[k++], base, in->region.s, in->region.len);
    p = piece(p, &r->off[k++], base, in->project.s, in->project.len);
    p = piece(p, &r->off[k++], base, in->owner.s, in->owner.len);
    p = piece(p, &r->off[k++], base, in->description.s, in->description.len);
    for (size_t i = 0; i < in->name_count; i++)
        p = piece(p, &r->off[k++], base, in->names[i].s, in->names[i].len);
    for (size_t i = 0; i < in->tag_count; i++) {
        p = piece(p, &r->off[k++], base, in->tags[i].key, in->tags[i].key_len);
        p = piece(p, &r->off[k++], base, in->tags[i].value, in->tags[i].value_len);
    }
    r->off[k] = (uint32_t)(p - base);
    put(m->slots, m->cap, h, r);
    m->count++;
    m->bytes += size;
    return 0;
}

int bh_get(const bh_map *m, const char *region, size_t region_len, const ptr_addr *a, bh_out *out)
{
    if (!m->cap)
        return 1;
    const uint64_t h = key_hash(region, region_len, a);
    for (size_t i = (size_t)h & (m->cap - 1); m->slots[i].rec; i = (i + 1) & (m->cap - 1)) {
        const bh_rec *r = m->slots[i].rec;
        if (m->slots[i].hash != h || !rec_key_eq(r, region, region_len, a))
            continue;
        out->addr = r->addr;
        out->ttl = r->ttl;
        out->created = r->created;
        out->updated = r->updated;
        out->revision = r->revision;
        out->name_count = r->name_count;
        out->tag_count = r->tag_count;
        memcpy(out->off, r->off, (r->npieces + 1) * sizeof(uint32_t));
        out->text_len = r->text_len;
        memcpy(out->text, rec_text(r), r->text_len);
        return 0;
    }
    return 1;
}

size_t bh_bytes(const bh_map *m)
{
    return m->bytes;
}

size_t bh_count(const bh_map *m)
{
    return m->count;
}
