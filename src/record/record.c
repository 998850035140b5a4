/*
 * The record object, filled one way: through the public setters.
 *
 * All of a record's text lives in one growable arena, each piece followed by
 * a NUL so that accessors hand out C strings; fields refer to it by (offset,
 * length). A record filled again and again (a store's get into the caller's
 * record) allocates nothing once the arena is large enough: reset keeps it.
 *
 * A record made by ptr_record_dup holds its spans and text in the same
 * allocation as itself (a store's records: one block, read in one sweep);
 * the first change that needs more room moves them to blocks of their own.
 *
 * Setting a piece that is already set appends the new text and leaves the
 * old bytes behind. Those are reclaimed when the arena would otherwise grow
 * (compact), so a record that is set over and over never holds more than
 * twice its live text.
 */
#include <stddef.h>
#include <string.h>

#include "record/record_internal.h"

typedef struct span {
    uint32_t off, len;
} span;

struct ptr_record {
    ptr_allocator alloc;
    char *text; /* the arena */
    uint32_t text_len, text_cap;
    /* The names' spans, then two per tag (key, value): one array for both. */
    span *spans;
    uint32_t name_count, tag_count, span_cap;
    uint8_t text_inline, spans_inline; /* inside the record's own allocation (ptr_record_dup) */
    span region, project, owner, description, dns_error;
    ptr_addr addr;
    uint8_t dns_status, dns_action, in_dns; /* after addr's 17 bytes: in what was padding */
    uint32_t ttl;
    uint64_t revision;
    int64_t created, updated;
};

/* The pieces that are not in the span array, in arena order. */
#define FIXED_PIECES 5
#define FIXED_LIST(r) {&(r)->region, &(r)->project, &(r)->owner, &(r)->description, &(r)->dns_error}

/* Text is addressed with 32-bit offsets; a record never comes near 4 GiB. */
#define TEXT_MAX ((size_t)UINT32_MAX - 1)
/* The smallest arena. */
#define TEXT_MIN 64

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
    memset(r, 0, sizeof *r);
    r->alloc = a;
    *out = r;
    return PTR_OK;
}

void ptr_record_free(ptr_record *r)
{
    if (!r)
        return;
    const ptr_allocator a = r->alloc;
    if (r->text && !r->text_inline)
        a.free(a.ctx, r->text);
    if (r->spans && !r->spans_inline)
        a.free(a.ctx, r->spans);
    a.free(a.ctx, r);
}

void ptr_record_reset(ptr_record *r)
{
    if (!r)
        return;
    char *text = r->text;
    span *spans = r->spans;
    const uint32_t text_cap = r->text_cap, span_cap = r->span_cap;
    const uint8_t text_inline = r->text_inline, spans_inline = r->spans_inline;
    const ptr_allocator a = r->alloc;
    memset(r, 0, sizeof *r);
    r->alloc = a;
    r->text = text;
    r->text_cap = text_cap;
    r->text_inline = text_inline;
    r->spans = spans;
    r->span_cap = span_cap;
    r->spans_inline = spans_inline;
}

/* An empty piece takes no room in the arena; any other its bytes and a NUL. */
static size_t piece_size(span sp)
{
    return sp.len ? (size_t)sp.len + 1 : 0;
}

/* Bytes the pieces in use take in the arena. */
static size_t live_text(const ptr_record *r)
{
    size_t n = piece_size(r->region) + piece_size(r->project) + piece_size(r->owner) +
               piece_size(r->description) + piece_size(r->dns_error);
    const size_t spans = (size_t)r->name_count + 2u * r->tag_count;
    for (size_t i = 0; i < spans; i++)
        n += piece_size(r->spans[i]);
    return n;
}

static void move_piece(char *to, uint32_t *at, const char *from, span *sp)
{
    if (!sp->len) {
        sp->off = 0;
        return;
    }
    memcpy(to + *at, from + sp->off, sp->len);
    to[*at + sp->len] = '\0';
    sp->off = *at;
    *at += sp->len + 1;
}

/*
 * Make room for \p extra more bytes: in a new arena that holds only the live
 * pieces (dropping what setters left behind), at least doubled when it
 * grows. The old arena is kept on failure.
 */
static ptr_status reserve_text(ptr_record *r, size_t extra)
{
    if (extra > TEXT_MAX - r->text_len)
        return PTR_E_INVAL;
    if (r->text_len + extra <= r->text_cap)
        return PTR_OK;
    const size_t need = live_text(r) + extra;
    if (need > TEXT_MAX)
        return PTR_E_INVAL;
    /*
     * Mostly live text: grow, at least doubling. Mostly garbage: the same
     * size again, which compacting at least halves the use of.
     */
    size_t cap = r->text_cap;
    if (need > cap / 2)
        cap = need > 2u * cap || 2u * cap > TEXT_MAX ? need : 2u * cap;
    if (cap < TEXT_MIN)
        cap = TEXT_MIN; /* a record filled piece by piece then grows a few times, not each time */
    char *t = r->alloc.malloc(r->alloc.ctx, cap);
    if (!t)
        return PTR_E_NOMEM;
    uint32_t at = 0;
    span *fixed[FIXED_PIECES] = FIXED_LIST(r);
    for (size_t i = 0; i < FIXED_PIECES; i++)
        move_piece(t, &at, r->text, fixed[i]);
    const size_t spans = (size_t)r->name_count + 2u * r->tag_count;
    for (size_t i = 0; i < spans; i++)
        move_piece(t, &at, r->text, &r->spans[i]);
    if (r->text && !r->text_inline)
        r->alloc.free(r->alloc.ctx, r->text);
    r->text_inline = 0;
    r->text = t;
    r->text_len = at;
    r->text_cap = (uint32_t)cap;
    return PTR_OK;
}

static ptr_status reserve_spans(ptr_record *r, size_t need)
{
    if (need <= r->span_cap)
        return PTR_OK;
    if (need > UINT32_MAX / 2)
        return PTR_E_INVAL;
    size_t cap = r->span_cap;
    span *p;
    if (r->spans_inline) { /* never handed to realloc: copied to a block of its own */
        cap = 0;
        if (!(p = ptr__grow(&r->alloc, NULL, &cap, need, sizeof *r->spans)))
            return PTR_E_NOMEM;
        memcpy(p, r->spans, ((size_t)r->name_count + 2u * r->tag_count) * sizeof *p);
        r->spans_inline = 0;
    } else if (!(p = ptr__grow(&r->alloc, r->spans, &cap, need, sizeof *r->spans))) {
        return PTR_E_NOMEM;
    }
    r->spans = p;
    r->span_cap = (uint32_t)cap;
    return PTR_OK;
}

ptr_status ptr_record_reserve(ptr_record *r, size_t text, size_t names, size_t tags)
{
    if (!r || text > TEXT_MAX || names > UINT32_MAX / 4 || tags > UINT32_MAX / 4)
        return PTR_E_INVAL;
    const size_t spans = (size_t)r->name_count + 2u * r->tag_count + names + 2u * tags;
    ptr_status st = reserve_spans(r, spans);
    if (st == PTR_OK) /* each piece's NUL too */
        st = reserve_text(r, text + FIXED_PIECES + names + 2u * tags);
    return st;
}

/* Append s to the arena with its NUL; *out gets its span. */
static ptr_status append_text(ptr_record *r, const char *s, size_t len, span *out)
{
    if (!s && len)
        return PTR_E_INVAL;
    if (len >= TEXT_MAX)
        return PTR_E_INVAL;
    if (len == 0) {
        *out = (span){0, 0};
        return PTR_OK;
    }
    ptr_status st = reserve_text(r, len + 1);
    if (st != PTR_OK)
        return st;
    if (len)
        memcpy(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    *out = (span){r->text_len, (uint32_t)len};
    r->text_len += (uint32_t)len + 1;
    return PTR_OK;
}

static const char *span_text(const ptr_record *r, span sp, size_t *len)
{
    if (len)
        *len = sp.len;
    return sp.len ? r->text + sp.off : "";
}

/* Set one of the fixed pieces; the old text becomes garbage. */
static ptr_status set_piece(ptr_record *r, span *field, const char *s, size_t len)
{
    if (!r)
        return PTR_E_INVAL;
    span sp;
    ptr_status st = append_text(r, s, len, &sp);
    if (st == PTR_OK)
        *field = sp;
    return st;
}

ptr_status ptr_record_set_region(ptr_record *r, const char *s, size_t len)
{
    return set_piece(r, r ? &r->region : NULL, s, len);
}

ptr_status ptr_record_set_project(ptr_record *r, const char *s, size_t len)
{
    return set_piece(r, r ? &r->project : NULL, s, len);
}

ptr_status ptr_record_set_owner(ptr_record *r, const char *s, size_t len)
{
    return set_piece(r, r ? &r->owner : NULL, s, len);
}

ptr_status ptr_record_set_description(ptr_record *r, const char *s, size_t len)
{
    return set_piece(r, r ? &r->description : NULL, s, len);
}

ptr_status ptr_record_set_dns_error(ptr_record *r, const char *s, size_t len)
{
    if (len > PTR_DNS_ERROR_MAX)
        return PTR_E_INVAL;
    return set_piece(r, r ? &r->dns_error : NULL, s, len);
}

ptr_status ptr_record_set_dns_status(ptr_record *r, ptr_dns_status st)
{
    if (!r || (unsigned)st > PTR_DNS_ERROR)
        return PTR_E_INVAL;
    r->dns_status = (uint8_t)st;
    return PTR_OK;
}

ptr_status ptr_record_set_dns_action(ptr_record *r, ptr_dns_action a)
{
    if (!r || (unsigned)a > PTR_ACTION_DELETE)
        return PTR_E_INVAL;
    r->dns_action = (uint8_t)a;
    return PTR_OK;
}

ptr_status ptr_record_set_in_dns(ptr_record *r, int in_dns)
{
    if (!r)
        return PTR_E_INVAL;
    r->in_dns = in_dns != 0;
    return PTR_OK;
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
    if (!r || (!s && len))
        return PTR_E_INVAL;
    const size_t used = (size_t)r->name_count + 2u * r->tag_count;
    ptr_status st = reserve_spans(r, used + 1);
    span sp;
    if (st == PTR_OK)
        st = append_text(r, s, len, &sp);
    if (st != PTR_OK)
        return st;
    /* Names come before the tags in the span array: make room when tags are there. */
    if (r->tag_count)
        memmove(&r->spans[r->name_count + 1], &r->spans[r->name_count],
                2u * r->tag_count * sizeof *r->spans);
    r->spans[r->name_count++] = sp;
    return PTR_OK;
}

ptr_status ptr_record_clear_names(ptr_record *r)
{
    if (!r)
        return PTR_E_INVAL;
    if (r->tag_count)
        memmove(&r->spans[0], &r->spans[r->name_count], 2u * r->tag_count * sizeof *r->spans);
    r->name_count = 0;
    return PTR_OK;
}

ptr_status ptr_record_add_tag(ptr_record *r, const char *key, size_t key_len, const char *value,
                              size_t value_len)
{
    if (!r || (!key && key_len) || (!value && value_len))
        return PTR_E_INVAL;
    const size_t used = (size_t)r->name_count + 2u * r->tag_count;
    ptr_status st = reserve_spans(r, used + 2);
    /* Both pieces at once, so that a failure leaves no half tag behind. */
    if (st == PTR_OK && key_len + value_len + 2 < key_len)
        st = PTR_E_INVAL;
    if (st == PTR_OK)
        st = reserve_text(r, key_len + value_len + 2);
    span k, v;
    if (st == PTR_OK)
        st = append_text(r, key, key_len, &k);
    if (st == PTR_OK)
        st = append_text(r, value, value_len, &v);
    if (st != PTR_OK)
        return st;
    r->spans[used] = k;
    r->spans[used + 1] = v;
    r->tag_count++;
    return PTR_OK;
}

ptr_status ptr_record_clear_tags(ptr_record *r)
{
    if (!r)
        return PTR_E_INVAL;
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

ptr_status ptr_record_copy(ptr_record *dst, const ptr_record *src)
{
    if (!dst || !src)
        return PTR_E_INVAL;
    if (dst == src)
        return PTR_OK;
    ptr_record_reset(dst);
    /* One reservation for the live text of src, so the copy allocates at most twice. */
    const size_t spans = (size_t)src->name_count + 2u * src->tag_count;
    const size_t live = live_text(src);
    ptr_status st = reserve_spans(dst, spans);
    if (st == PTR_OK)
        st = reserve_text(dst, live);
    if (st != PTR_OK)
        return st;
    dst->region = src->region;
    dst->project = src->project;
    dst->owner = src->owner;
    dst->description = src->description;
    dst->dns_error = src->dns_error;
    if (spans)
        memcpy(dst->spans, src->spans, spans * sizeof *src->spans);
    if (live == src->text_len) {
        /* Nothing left behind by setters (a store's records): the arena as it is. */
        if (live)
            memcpy(dst->text, src->text, live);
        dst->text_len = src->text_len;
    } else {
        span *fixed[FIXED_PIECES] = FIXED_LIST(dst);
        uint32_t at = 0;
        for (size_t i = 0; i < FIXED_PIECES; i++)
            move_piece(dst->text, &at, src->text, fixed[i]);
        for (size_t i = 0; i < spans; i++)
            move_piece(dst->text, &at, src->text, &dst->spans[i]);
        dst->text_len = at;
    }
    dst->name_count = src->name_count;
    dst->tag_count = src->tag_count;
    dst->addr = src->addr;
    dst->ttl = src->ttl;
    dst->revision = src->revision;
    dst->created = src->created;
    dst->updated = src->updated;
    dst->dns_status = src->dns_status;
    dst->dns_action = src->dns_action;
    dst->in_dns = src->in_dns;
    return PTR_OK;
}

ptr_status ptr_record_dup(const ptr_record *src, const ptr_allocator *alloc, ptr_record **out)
{
    if (!src || !out)
        return PTR_E_INVAL;
    ptr_allocator a;
    if (ptr__allocator_set(&a, alloc) != PTR_OK)
        return PTR_E_INVAL;
    const size_t spans = (size_t)src->name_count + 2u * src->tag_count;
    const size_t live = live_text(src);
    /* The object, then its spans (aligned as the object is), then its text. */
    const size_t size = sizeof(ptr_record) + spans * sizeof(span) + live;
    ptr_record *r = a.malloc(a.ctx, size);
    if (!r)
        return PTR_E_NOMEM;
    memset(r, 0, sizeof *r);
    r->alloc = a;
    r->spans = (span *)(r + 1);
    r->span_cap = (uint32_t)spans;
    r->spans_inline = 1;
    r->text = (char *)(r->spans + spans);
    r->text_cap = (uint32_t)live;
    r->text_inline = 1;
    /* The room is exact, so the copy allocates nothing more. */
    ptr_status st = ptr_record_copy(r, src);
    if (st != PTR_OK) {
        ptr_record_free(r);
        return st;
    }
    *out = r;
    return PTR_OK;
}

const char *ptr_record_region(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, r->region, len) : NULL;
}

const char *ptr_record_project(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, r->project, len) : NULL;
}

const char *ptr_record_owner(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, r->owner, len) : NULL;
}

const char *ptr_record_description(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, r->description, len) : NULL;
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
    return span_text(r, r->spans[i], len);
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
    const span *kv = &r->spans[r->name_count + 2 * i];
    out->key = span_text(r, kv[0], &out->key_len);
    out->value = span_text(r, kv[1], &out->value_len);
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

ptr_dns_status ptr_record_dns_status(const ptr_record *r)
{
    return r ? (ptr_dns_status)r->dns_status : PTR_DNS_ACTIVE;
}

ptr_dns_action ptr_record_dns_action(const ptr_record *r)
{
    return r ? (ptr_dns_action)r->dns_action : PTR_ACTION_NONE;
}

const char *ptr_record_dns_error(const ptr_record *r, size_t *len)
{
    return r ? span_text(r, r->dns_error, len) : NULL;
}

int ptr_record_in_dns(const ptr_record *r)
{
    return r ? r->in_dns : 0;
}

const char *ptr_dns_status_name(ptr_dns_status st)
{
    static const char *const names[] = {"ACTIVE", "PENDING_CREATE", "PENDING_UPDATE",
                                        "PENDING_DELETE", "ERROR"};
    return (unsigned)st <= PTR_DNS_ERROR ? names[st] : "UNKNOWN";
}

const char *ptr_dns_action_name(ptr_dns_action a)
{
    static const char *const names[] = {"NONE", "CREATE", "UPDATE", "DELETE"};
    return (unsigned)a <= PTR_ACTION_DELETE ? names[a] : "UNKNOWN";
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
    const char *region = span_text(r, r->region, &rlen);
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
