/*
 * The record object. All of a record's text lives in one growable arena, each
 * piece followed by a NUL so accessors can hand out C strings; fields refer to
 * it by (offset, length). A store that fills the same record again and again
 * (get, scan) therefore allocates nothing once the arena is large enough,
 * which keeps a lookup through the vtable close to a bare hash lookup.
 *
 * Setters append: text they replace stays in the arena as garbage until the
 * record is reset. Records are short-lived views, so that is cheaper than
 * compacting.
 */
#include <stddef.h>
#include <string.h>

#include "record/record_internal.h"

typedef struct span {
    uint32_t off, len;
} span;

/* Pieces a record may hold lazily: four fixed ones, then names and tags. */
#define PLENS_MAX 32

/* What a record holds without allocating: text bytes, name spans, tag spans (two a tag). */
#define INLINE_TEXT  384
#define INLINE_NAMES 12
#define INLINE_TAGS  24

struct ptr_record {
    ptr_allocator alloc;
    char *text; /* the arena */
    size_t text_len, text_cap;
    span *names;
    size_t name_count, name_cap;
    span *tags; /* two spans per tag: key, value */
    size_t tag_count, tag_cap;
    span region, project, owner, description;
    ptr_addr addr;
    uint32_t ttl;
    uint64_t revision;
    int64_t created, updated;
    /*
     * "Lazy": filled by ptr__record_load_packed, the spans above not yet
     * written; the pieces' lengths in the packed order are in plens, and an
     * accessor adds up the lengths before its piece (a dozen additions at
     * most) instead of every get writing a span per piece. Any change to
     * the text first writes the spans (materialize); the arrays already have
     * the room for them, so that cannot fail.
     */
    int lazy;
    uint16_t plens[PLENS_MAX];
    /*
     * Room for a typical record inside the object itself: its text and the
     * spans of its names and tags start here and move to the heap only
     * when they outgrow it. Making and filling a record is then one
     * allocation instead of four, which a batch of 500 creates, each with a
     * record of its own, pays 500 times.
     */
    span inames[INLINE_NAMES];
    span itags[INLINE_TAGS];
    char itext[INLINE_TEXT];
};

/* Text is addressed with 32-bit offsets; a record never comes near 4 GiB. */
#define TEXT_MAX ((size_t)UINT32_MAX - 1)

ptr_status ptr_record_new(const ptr_allocator *alloc, ptr_record **out)
{
    if (!out)
        return PTR_E_INVAL;
    ptr_allocator a;
    if (ptr__allocator_set(&a, alloc) != PTR_OK)
        return PTR_E_INVAL;
    ptr_record *r = a.malloc(a.ctx, sizeof *r);
    if (!r)
        return PTR_E_NOMEM;
    memset(r, 0, offsetof(ptr_record, inames));
    r->alloc = a;
    r->text = r->itext;
    r->text_cap = INLINE_TEXT;
    r->names = r->inames;
    r->name_cap = INLINE_NAMES;
    r->tags = r->itags;
    r->tag_cap = INLINE_TAGS;
    *out = r;
    return PTR_OK;
}

void ptr_record_free(ptr_record *r)
{
    if (!r)
        return;
    const ptr_allocator a = r->alloc;
    if (r->text != r->itext)
        a.free(a.ctx, r->text);
    if (r->names != r->inames)
        a.free(a.ctx, r->names);
    if (r->tags != r->itags)
        a.free(a.ctx, r->tags);
    a.free(a.ctx, r);
}

/*
 * ptr__grow for one of the record's arrays, which may still be its inline
 * one: that is never given to realloc, but copied (its used elements) to a
 * first heap array.
 */
static void *grow_array(ptr_record *r, void *p, const void *inline_array, size_t used, size_t *cap,
                        size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    if (p != inline_array)
        return ptr__grow(&r->alloc, p, cap, need, elem);
    const size_t n = ptr__grown_cap(*cap, need, elem);
    if (!n)
        return NULL;
    void *q = r->alloc.malloc(r->alloc.ctx, n * elem);
    if (!q)
        return NULL;
    if (used)
        memcpy(q, p, used * elem);
    *cap = n;
    return q;
}

static span *grow_names(ptr_record *r, size_t need)
{
    return grow_array(r, r->names, r->inames, r->name_count, &r->name_cap, need, sizeof(span));
}

static span *grow_tags(ptr_record *r, size_t need)
{
    return grow_array(r, r->tags, r->itags, 2 * r->tag_count, &r->tag_cap, need, sizeof(span));
}

void ptr_record_reset(ptr_record *r)
{
    if (!r)
        return;
    r->text_len = 0;
    r->name_count = 0;
    r->tag_count = 0;
    r->region = r->project = r->owner = r->description = (span){0, 0};
    r->lazy = 0;
    memset(&r->addr, 0, sizeof r->addr);
    r->ttl = 0;
    r->revision = 0;
    r->created = r->updated = 0;
}

const ptr_allocator *ptr__record_allocator(const ptr_record *r)
{
    return &r->alloc;
}

/* Make room for n more bytes of text (plus its NUL). */
static ptr_status reserve_text(ptr_record *r, size_t n)
{
    if (n > TEXT_MAX || r->text_len > TEXT_MAX - n - 1)
        return PTR_E_INVAL;
    char *t = grow_array(r, r->text, r->itext, r->text_len, &r->text_cap, r->text_len + n + 1, 1);
    if (!t)
        return PTR_E_NOMEM;
    r->text = t;
    return PTR_OK;
}

static ptr_status append_text(ptr_record *r, const char *s, size_t len, span *out)
{
    if (!s && len)
        return PTR_E_INVAL;
    ptr_status st = reserve_text(r, len);
    if (st != PTR_OK)
        return st;
    if (len)
        memcpy(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    *out = (span){(uint32_t)r->text_len, (uint32_t)len};
    r->text_len += len + 1;
    return PTR_OK;
}

static const char *span_text(const ptr_record *r, span sp, size_t *len)
{
    if (len)
        *len = sp.len;
    /* Empty text may have no arena behind it, or stale bytes after a reset. */
    return sp.len ? r->text + sp.off : "";
}

/* Piece k of a lazy record (see struct ptr_record). */
static span lazy_span(const ptr_record *r, size_t k)
{
    uint32_t off = 0;
    for (size_t i = 0; i < k; i++)
        off += r->plens[i] + 1u;
    return (span){off, r->plens[k]};
}

/* A field's span: the field itself, or piece k when the record is lazy. */
static span span_of(const ptr_record *r, const span *field, size_t k)
{
    return r->lazy ? lazy_span(r, k) : *field;
}

/*
 * Every span of a packed record from its pieces' lengths (packed order);
 * the arrays have the room (name_count, tag_count set).
 */
static void spans_from_lens(ptr_record *r, const uint16_t *l)
{
    uint32_t off = 0;
    span *const fixed[4] = {&r->region, &r->project, &r->owner, &r->description};
    for (size_t k = 0; k < 4; k++, l++) {
        *fixed[k] = (span){off, *l};
        off += *l + 1u;
    }
    for (size_t i = 0; i < r->name_count; i++, l++) {
        r->names[i] = (span){off, *l};
        off += *l + 1u;
    }
    for (size_t i = 0; i < 2 * r->tag_count; i++, l++) {
        r->tags[i] = (span){off, *l};
        off += *l + 1u;
    }
}

/* Write a lazy record's spans. Never allocates: loading made the room. */
static void materialize(ptr_record *r)
{
    if (!r->lazy)
        return;
    spans_from_lens(r, r->plens);
    r->lazy = 0;
}

static ptr_status set_text(ptr_record *r, span *field, const char *s, size_t len)
{
    if (!r)
        return PTR_E_INVAL;
    materialize(r);
    span sp;
    ptr_status st = append_text(r, s, len, &sp);
    if (st == PTR_OK)
        *field = sp;
    return st;
}

ptr_status ptr_record_set_region(ptr_record *r, const char *s, size_t len)
{
    return set_text(r, r ? &r->region : NULL, s, len);
}

ptr_status ptr_record_set_project(ptr_record *r, const char *s, size_t len)
{
    return set_text(r, r ? &r->project : NULL, s, len);
}

ptr_status ptr_record_set_owner(ptr_record *r, const char *s, size_t len)
{
    return set_text(r, r ? &r->owner : NULL, s, len);
}

ptr_status ptr_record_set_description(ptr_record *r, const char *s, size_t len)
{
    return set_text(r, r ? &r->description : NULL, s, len);
}

ptr_status ptr_record_set_address(ptr_record *r, const ptr_addr *a)
{
    if (!r || !a || (a->family != 4 && a->family != 6))
        return PTR_E_INVAL;
    r->addr = *a;
    return PTR_OK;
}

ptr_status ptr_record_add_name(ptr_record *r, const char *s, size_t len)
{
    if (!r)
        return PTR_E_INVAL;
    materialize(r);
    span *n = grow_names(r, r->name_count + 1);
    if (!n)
        return PTR_E_NOMEM;
    r->names = n;
    span sp;
    ptr_status st = append_text(r, s, len, &sp);
    if (st == PTR_OK)
        r->names[r->name_count++] = sp;
    return st;
}

char *ptr__record_reserve_name(ptr_record *r, size_t n)
{
    materialize(r);
    span *names = grow_names(r, r->name_count + 1);
    if (!names)
        return NULL;
    r->names = names;
    if (reserve_text(r, n) != PTR_OK)
        return NULL;
    return r->text + r->text_len;
}

void ptr__record_commit_name(ptr_record *r, size_t len)
{
    r->text[r->text_len + len] = '\0';
    r->names[r->name_count++] = (span){(uint32_t)r->text_len, (uint32_t)len};
    r->text_len += len + 1;
}

ptr_status ptr_record_clear_names(ptr_record *r)
{
    if (!r)
        return PTR_E_INVAL;
    materialize(r);
    r->name_count = 0;
    return PTR_OK;
}

ptr_status ptr_record_add_tag(ptr_record *r, const char *key, size_t key_len, const char *value,
                              size_t value_len)
{
    if (!r || (!key && key_len) || (!value && value_len))
        return PTR_E_INVAL;
    materialize(r);
    span *t = grow_tags(r, 2 * (r->tag_count + 1));
    if (!t)
        return PTR_E_NOMEM;
    r->tags = t;
    /* Reserve both pieces first so that a failure cannot leave half a tag. */
    if (key_len > TEXT_MAX || value_len > TEXT_MAX - key_len - 1)
        return PTR_E_INVAL;
    ptr_status st = reserve_text(r, key_len + value_len + 1);
    if (st != PTR_OK)
        return st;
    span k, v;
    append_text(r, key, key_len, &k);
    append_text(r, value, value_len, &v);
    r->tags[2 * r->tag_count] = k;
    r->tags[2 * r->tag_count + 1] = v;
    r->tag_count++;
    return PTR_OK;
}

ptr_status ptr_record_clear_tags(ptr_record *r)
{
    if (!r)
        return PTR_E_INVAL;
    materialize(r);
    r->tag_count = 0;
    return PTR_OK;
}

ptr_status ptr_record_set_ttl(ptr_record *r, uint32_t ttl)
{
    if (!r)
        return PTR_E_INVAL;
    r->ttl = ttl;
    return PTR_OK;
}

ptr_status ptr_record_set_created(ptr_record *r, int64_t t)
{
    if (!r)
        return PTR_E_INVAL;
    r->created = t;
    return PTR_OK;
}

ptr_status ptr_record_set_updated(ptr_record *r, int64_t t)
{
    if (!r)
        return PTR_E_INVAL;
    r->updated = t;
    return PTR_OK;
}

ptr_status ptr_record_set_revision(ptr_record *r, uint64_t rev)
{
    if (!r)
        return PTR_E_INVAL;
    r->revision = rev;
    return PTR_OK;
}

ptr_status ptr__record_prepare(ptr_record *r, size_t text, size_t names, size_t tags)
{
    ptr_record_reset(r);
    /* Room for every piece's NUL too: region, project, owner, description, names, tags. */
    const size_t pieces = 4 + names + 2 * tags;
    if (text > TEXT_MAX - pieces)
        return PTR_E_INVAL;
    ptr_status st = reserve_text(r, text + pieces);
    if (st != PTR_OK)
        return st;
    span *n = grow_names(r, names + 1);
    if (!n)
        return PTR_E_NOMEM;
    r->names = n;
    span *t = grow_tags(r, 2 * tags + 2);
    if (!t)
        return PTR_E_NOMEM;
    r->tags = t;
    return PTR_OK;
}

/* Append within what ptr__record_prepare reserved: no checks, no allocation. */
/*
 * Copy n bytes without a call for the short pieces a record is made of
 * (scope ids, tag keys and values): two overlapping fixed-size moves cover
 * any length from 4 to 32, and a call to memcpy cost more than such a copy.
 */
static inline void copy_piece(char *dst, const char *src, size_t n)
{
    if (n >= 16 && n <= 32) {
        memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    } else {
        memcpy(dst, src, n);
    }
}

static span put_reserved(ptr_record *r, const char *s, size_t len)
{
    copy_piece(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    const span sp = {(uint32_t)r->text_len, (uint32_t)len};
    r->text_len += len + 1;
    return sp;
}

void ptr__record_put_scope(ptr_record *r, const char *region, size_t rlen, const char *project,
                           size_t plen, const char *owner, size_t olen)
{
    r->region = put_reserved(r, region, rlen);
    r->project = put_reserved(r, project, plen);
    r->owner = put_reserved(r, owner, olen);
}

void ptr__record_put_name(ptr_record *r, const char *s, size_t len)
{
    r->names[r->name_count++] = put_reserved(r, s, len);
}

char *ptr__record_put_name_at(ptr_record *r, size_t len)
{
    char *p = r->text + r->text_len;
    p[len] = '\0';
    r->names[r->name_count++] = (span){(uint32_t)r->text_len, (uint32_t)len};
    r->text_len += len + 1;
    return p;
}

void ptr__record_put_description(ptr_record *r, const char *s, size_t len)
{
    r->description = put_reserved(r, s, len);
}

void ptr__record_put_tag(ptr_record *r, const char *k, size_t klen, const char *v, size_t vlen)
{
    r->tags[2 * r->tag_count] = put_reserved(r, k, klen);
    r->tags[2 * r->tag_count + 1] = put_reserved(r, v, vlen);
    r->tag_count++;
}

void ptr__record_put_fields(ptr_record *r, const ptr_addr *a, uint32_t ttl, uint64_t revision,
                            int64_t created, int64_t updated)
{
    r->addr = *a;
    r->ttl = ttl;
    r->revision = revision;
    r->created = created;
    r->updated = updated;
}

const char *ptr__record_packed(const ptr_record *r, uint32_t *lens, size_t *text_len)
{
    if (r->lazy) {
        for (size_t k = 0; k < 4 + r->name_count + 2 * r->tag_count; k++)
            lens[k] = r->plens[k];
        *text_len = r->text_len;
        return r->text;
    }
    const span fixed[4] = {r->region, r->project, r->owner, r->description};
    size_t off = 0, k = 0;
    for (size_t i = 0; i < 4; i++, k++) {
        if (fixed[i].off != off)
            return NULL;
        lens[k] = fixed[i].len;
        off += fixed[i].len + 1u;
    }
    for (size_t i = 0; i < r->name_count; i++, k++) {
        if (r->names[i].off != off)
            return NULL;
        lens[k] = r->names[i].len;
        off += r->names[i].len + 1u;
    }
    for (size_t i = 0; i < 2 * r->tag_count; i++, k++) {
        if (r->tags[i].off != off)
            return NULL;
        lens[k] = r->tags[i].len;
        off += r->tags[i].len + 1u;
    }
    if (off != r->text_len)
        return NULL;
    *text_len = off;
    return r->text;
}

ptr_status ptr__record_load_packed(ptr_record *r, const char *text, size_t text_len,
                                   const uint16_t *lens, size_t names, size_t tags)
{
    /* Capacity checks inline: a record reused for every get has the room already. */
    if (text_len > r->text_cap) {
        if (text_len > TEXT_MAX)
            return PTR_E_INVAL;
        r->text_len = 0;
        if (reserve_text(r, text_len) != PTR_OK)
            return PTR_E_NOMEM;
    }
    if (names > r->name_cap) {
        span *n = grow_names(r, names);
        if (!n)
            return PTR_E_NOMEM;
        r->names = n;
    }
    if (2 * tags > r->tag_cap) {
        span *t = grow_tags(r, 2 * tags);
        if (!t)
            return PTR_E_NOMEM;
        r->tags = t;
    }
    memcpy(r->text, text, text_len);
    r->text_len = text_len;
    r->name_count = names;
    r->tag_count = tags;
    const size_t pieces = 4 + names + 2 * tags;
    if (pieces <= PLENS_MAX) {
        memcpy(r->plens, lens, pieces * sizeof *lens);
        r->lazy = 1;
        return PTR_OK;
    }
    spans_from_lens(r, lens);
    r->lazy = 0;
    return PTR_OK;
}

ptr_status ptr_record_copy(ptr_record *dst, const ptr_record *src)
{
    if (!dst || !src)
        return PTR_E_INVAL;
    if (dst == src)
        return PTR_OK;
    ptr_record_reset(dst);
    /* One reservation for all the text, so the copy allocates at most three times. */
    ptr_status st = reserve_text(dst, src->text_len);
    if (st != PTR_OK)
        return st;
    span *n = grow_names(dst, src->name_count + 1);
    if (!n)
        return PTR_E_NOMEM;
    dst->names = n;
    span *t = grow_tags(dst, 2 * src->tag_count + 2);
    if (!t)
        return PTR_E_NOMEM;
    dst->tags = t;
    /* The arena (garbage included) is copied whole, so every span stays valid. */
    if (src->text_len)
        memcpy(dst->text, src->text, src->text_len);
    dst->text_len = src->text_len;
    if (src->lazy) {
        memcpy(dst->plens, src->plens,
               (4 + src->name_count + 2 * src->tag_count) * sizeof src->plens[0]);
        dst->lazy = 1;
    } else {
        if (src->name_count)
            memcpy(dst->names, src->names, src->name_count * sizeof *n);
        if (src->tag_count)
            memcpy(dst->tags, src->tags, 2 * src->tag_count * sizeof *t);
    }
    dst->name_count = src->name_count;
    dst->tag_count = src->tag_count;
    dst->region = src->region;
    dst->project = src->project;
    dst->owner = src->owner;
    dst->description = src->description;
    dst->addr = src->addr;
    dst->ttl = src->ttl;
    dst->revision = src->revision;
    dst->created = src->created;
    dst->updated = src->updated;
    return PTR_OK;
}

const char *ptr_record_region(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, span_of(r, &r->region, 0), len) : NULL;
}

const char *ptr_record_project(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, span_of(r, &r->project, 1), len) : NULL;
}

const char *ptr_record_owner(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, span_of(r, &r->owner, 2), len) : NULL;
}

const char *ptr_record_description(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, span_of(r, &r->description, 3), len) : NULL;
}

const ptr_addr *ptr_record_address(const ptr_record *r)
{
    return r ? &r->addr : NULL;
}

size_t ptr_record_name_count(const ptr_record *r)
{
    return r ? r->name_count : 0;
}

const char *ptr_record_name(const ptr_record *r, size_t i, size_t *len)
{
    if (!r || i >= r->name_count)
        return NULL;
    return span_text(r, span_of(r, &r->names[i], 4 + i), len);
}

uint32_t ptr_record_ttl(const ptr_record *r)
{
    return r ? r->ttl : 0;
}

size_t ptr_record_tag_count(const ptr_record *r)
{
    return r ? r->tag_count : 0;
}

ptr_status ptr_record_tag(const ptr_record *r, size_t i, ptr_tag *out)
{
    if (!r || !out || i >= r->tag_count)
        return PTR_E_INVAL;
    const size_t k = 4 + r->name_count + 2 * i;
    out->key = span_text(r, span_of(r, &r->tags[2 * i], k), &out->key_len);
    out->value = span_text(r, span_of(r, &r->tags[2 * i + 1], k + 1), &out->value_len);
    return PTR_OK;
}

int64_t ptr_record_created(const ptr_record *r)
{
    return r ? r->created : 0;
}

int64_t ptr_record_updated(const ptr_record *r)
{
    return r ? r->updated : 0;
}

uint64_t ptr_record_revision(const ptr_record *r)
{
    return r ? r->revision : 0;
}

ptr_status ptr_record_id(const ptr_record *r, char *buf, size_t cap, size_t *out_len)
{
    if (!r || !buf || (r->addr.family != 4 && r->addr.family != 6))
        return PTR_E_INVAL;
    char a[PTR_ADDR_STRLEN];
    size_t alen = 0;
    ptr_status st = ptr_addr_format(&r->addr, a, sizeof a, &alen);
    if (st != PTR_OK)
        return st;
    size_t rlen;
    const char *region = span_text(r, span_of(r, &r->region, 0), &rlen);
    const size_t need = rlen + 1 + alen;
    if (out_len)
        *out_len = need;
    if (cap <= need)
        return PTR_E_BUFFER;
    memcpy(buf, region, rlen);
    buf[rlen] = ':';
    memcpy(buf + rlen + 1, a, alen);
    buf[need] = '\0';
    return PTR_OK;
}
