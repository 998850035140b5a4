/*
 * Row encoding for the SQLite store (see sqlite_row.h).
 *
 * names: varint count, then per name a varint length and its bytes.
 * tags:  varint count, then per tag a varint key length, the key, a varint
 *        value length and the value.
 * A varint is unsigned LEB128 (7 bits a byte, low first). Lengths, not
 * separators, so that any byte (a NUL, a comma) round-trips; one column per
 * list, so that a get is one row of one table.
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"
#include "sqlite_row.h"
#include "varint.h"

/* Longest varint we write or accept: 32-bit values (record text is below 4 GiB). */
#define VARINT_MAX 5

int64_t ptr__sqlite_u64_to_i64(uint64_t v)
{
    /* Two's complement by arithmetic: converting an out-of-range value is implementation-defined.
     */
    if (v <= (uint64_t)INT64_MAX)
        return (int64_t)v;
    return -(int64_t)(UINT64_MAX - v) - 1;
}

uint64_t ptr__sqlite_i64_to_u64(int64_t v)
{
    if (v >= 0)
        return (uint64_t)v;
    return UINT64_MAX - (uint64_t)(-(v + 1));
}

/* ---- limits ------------------------------------------------------------------ */

/* Bytes of a list column holding n texts of at most len bytes each. */
static uint64_t list_max(uint64_t n, uint64_t len)
{
    return VARINT_MAX + n * (VARINT_MAX + len);
}

static size_t clamp(uint64_t v)
{
    return v > UINT32_MAX ? (size_t)UINT32_MAX : (size_t)v;
}

void ptr__sqlite_limits_init(ptr__sqlite_limits *l, const ptr_policy *p)
{
    ptr_policy dflt;
    if (!p) {
        ptr_policy_init(&dflt);
        p = &dflt;
    }
    l->scope = PTR__SQLITE_SCOPE_MAX;
    l->description = clamp(4 * (uint64_t)p->description_max); /* UTF-8: 4 bytes at most */
    l->names = p->max_names;
    l->name = PTR__SQLITE_NAME_MAX;
    l->tags = p->max_tags;
    l->tag_key = p->tag_key_max;
    l->tag_value = p->tag_value_max;
    l->dns_error = PTR__SQLITE_DNS_ERROR_MAX;
    /*
     * SQLite applies its length limit to each value read and to each whole
     * row written, so the limit is the longest row: every column at its
     * longest, and room for the record header and the integers.
     */
    const uint64_t names = list_max(l->names, l->name);
    const uint64_t tags = list_max(2 * (uint64_t)l->tags, l->tag_key + (uint64_t)l->tag_value);
    l->value = clamp(3 * (uint64_t)l->scope + PTR__SQLITE_ADDR_LEN + l->description + names + tags +
                     l->dns_error + 1024);
}

/* ---- the address key ---------------------------------------------------------- */

void ptr__sqlite_addr_encode(const ptr_addr *a, unsigned char out[PTR__SQLITE_ADDR_LEN])
{
    memset(out, 0, PTR__SQLITE_ADDR_LEN);
    out[0] = a->family;
    /* IPv4 keeps its 4 bytes only, so that equal addresses give equal keys whatever the tail. */
    memcpy(out + 1, a->bytes, a->family == 4 ? 4 : 16);
}

ptr_status ptr__sqlite_addr_decode(const unsigned char *p, size_t len, ptr_addr *out)
{
    if (len != PTR__SQLITE_ADDR_LEN || (p[0] != 4 && p[0] != 6))
        return PTR_E_STORE;
    if (p[0] == 4)
        for (size_t i = 5; i < PTR__SQLITE_ADDR_LEN; i++)
            if (p[i])
                return PTR_E_STORE;
    memset(out, 0, sizeof *out);
    out->family = p[0];
    memcpy(out->bytes, p + 1, 16);
    return PTR_OK;
}

/* Why a row is damaged, for the caller's message. */
typedef struct why_buf {
    char *s;
    size_t cap;
} why_buf;

static ptr_status damaged(why_buf *w, const char *what)
{
    if (w->s && w->cap)
        snprintf(w->s, w->cap, "%s", what);
    return PTR_E_STORE;
}

/* PTR_OK when a value of len bytes fits max; else the reason, naming the value. */
static ptr_status within(why_buf *w, const char *what, size_t len, size_t max)
{
    if (len <= max)
        return PTR_OK;
    if (w->s && w->cap)
        snprintf(w->s, w->cap, "%s of %zu bytes, over the limit of %zu", what, len, max);
    return PTR_E_STORE;
}

static ptr_status count_within(why_buf *w, const char *what, size_t n, size_t max)
{
    if (n <= max)
        return PTR_OK;
    if (w->s && w->cap)
        snprintf(w->s, w->cap, "%zu %s, over the limit of %zu", n, what, max);
    return PTR_E_STORE;
}

/* ---- lists -------------------------------------------------------------------- */

/* A cursor over a column being decoded; every read is bounds-checked. */
typedef struct reader {
    const unsigned char *p, *end;
} reader;

static int varint_get(reader *r, size_t *out)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < VARINT_MAX; i++) {
        if (r->p == r->end)
            return 0;
        const unsigned char b = *r->p++;
        if (i == VARINT_MAX - 1 && b > 0x0f)
            return 0; /* above 32 bits */
        v |= (uint32_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return 1;
        }
    }
    return 0;
}

/* The next length-prefixed text: 0 when it runs past the end. */
static int text_get(reader *r, const char **s, size_t *len)
{
    if (!varint_get(r, len) || *len > (size_t)(r->end - r->p))
        return 0;
    *s = (const char *)r->p;
    r->p += *len;
    return 1;
}

static size_t text_size(size_t len)
{
    return ptr__sqlite_varint_size(len) + len;
}

static unsigned char *text_put(unsigned char *p, const char *s, size_t len)
{
    p = ptr__sqlite_varint_put(p, len);
    if (len)
        memcpy(p, s, len);
    return p + len;
}

/*
 * Bytes the names and the tags of rec take, or 0 when one is beyond the
 * limits (w says which; every limit is below 2^32, so each length can be
 * encoded). The one pass over the lists that a bind makes before writing.
 */
static size_t lists_size(const ptr_record *rec, const ptr__sqlite_limits *lim, why_buf *w,
                         size_t *names_size)
{
    const size_t nn = ptr_record_name_count(rec), nt = ptr_record_tag_count(rec);
    size_t total = ptr__sqlite_varint_size(nn), len;
    for (size_t i = 0; i < nn; i++) {
        ptr_record_name(rec, i, &len);
        if (within(w, "a name", len, lim->name) != PTR_OK)
            return 0;
        total += text_size(len);
    }
    *names_size = total;
    total += ptr__sqlite_varint_size(nt);
    for (size_t i = 0; i < nt; i++) {
        ptr_tag t;
        ptr_record_tag(rec, i, &t);
        if (within(w, "a tag key", t.key_len, lim->tag_key) != PTR_OK ||
            within(w, "a tag value", t.value_len, lim->tag_value) != PTR_OK)
            return 0;
        total += text_size(t.key_len) + text_size(t.value_len);
    }
    return total;
}

static void lists_put(const ptr_record *rec, unsigned char *p)
{
    const size_t nn = ptr_record_name_count(rec), nt = ptr_record_tag_count(rec);
    size_t len;
    p = ptr__sqlite_varint_put(p, nn);
    for (size_t i = 0; i < nn; i++) {
        const char *s = ptr_record_name(rec, i, &len);
        p = text_put(p, s, len);
    }
    p = ptr__sqlite_varint_put(p, nt);
    for (size_t i = 0; i < nt; i++) {
        ptr_tag t;
        ptr_record_tag(rec, i, &t);
        p = text_put(p, t.key, t.key_len);
        p = text_put(p, t.value, t.value_len);
    }
}

/* ---- decoding ------------------------------------------------------------------- */

static const char *text_of(ptr__sqlite_bytes b)
{
    return b.len ? (const char *)b.p : "";
}

/*
 * Every length and count of the lists, before any is copied: a list whose
 * count or lengths run past its bytes, or past the limits, is damage.
 */
static ptr_status check_lists(const ptr__sqlite_row *row, const ptr__sqlite_limits *lim, why_buf *w)
{
    /* A list has at least its count: no bytes at all (perhaps a NULL pointer) is damage. */
    if (!row->names.p || !row->tags.p)
        return damaged(w, "a names or tags column without its count");
    reader r = {row->names.p, row->names.p + row->names.len};
    size_t n, len, vlen;
    const char *s, *v;
    ptr_status st;
    if (!varint_get(&r, &n))
        return damaged(w, "a names column without a valid count");
    if ((st = count_within(w, "names", n, lim->names)) != PTR_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (!text_get(&r, &s, &len))
            return damaged(w, "a name running past the end of its column");
        if ((st = within(w, "a name", len, lim->name)) != PTR_OK)
            return st;
    }
    if (r.p != r.end)
        return damaged(w, "bytes after the last name");
    r = (reader){row->tags.p, row->tags.p + row->tags.len};
    if (!varint_get(&r, &n))
        return damaged(w, "a tags column without a valid count");
    if ((st = count_within(w, "tags", n, lim->tags)) != PTR_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (!text_get(&r, &s, &len) || !text_get(&r, &v, &vlen))
            return damaged(w, "a tag running past the end of its column");
        if ((st = within(w, "a tag key", len, lim->tag_key)) != PTR_OK ||
            (st = within(w, "a tag value", vlen, lim->tag_value)) != PTR_OK)
            return st;
    }
    return r.p == r.end ? PTR_OK : damaged(w, "bytes after the last tag");
}

/* The lists again, now known to be well-formed and within the limits, into the record. */
static ptr_status decode_lists(const ptr__sqlite_row *row, ptr_record *out)
{
    reader r = {row->names.p, row->names.p + row->names.len};
    size_t n, len, vlen;
    const char *s, *v;
    ptr_status st;
    if (!varint_get(&r, &n))
        return PTR_E_STORE;
    for (size_t i = 0; i < n; i++) {
        if (!text_get(&r, &s, &len))
            return PTR_E_STORE;
        if ((st = ptr_record_add_name(out, s, len)) != PTR_OK)
            return st;
    }
    r = (reader){row->tags.p, row->tags.p + row->tags.len};
    if (!varint_get(&r, &n))
        return PTR_E_STORE;
    for (size_t i = 0; i < n; i++) {
        if (!text_get(&r, &s, &len) || !text_get(&r, &v, &vlen))
            return PTR_E_STORE;
        if ((st = ptr_record_add_tag(out, s, len, v, vlen)) != PTR_OK)
            return st;
    }
    return PTR_OK;
}

/* Everything that can be checked without copying: the key, the integers, every length. */
static ptr_status check(const ptr__sqlite_row *row, const ptr__sqlite_limits *lim, why_buf *w,
                        ptr_addr *a)
{
    ptr_status st;
    if (!row->address.p || ptr__sqlite_addr_decode(row->address.p, row->address.len, a))
        return damaged(w, "an address key that is not one this library writes");
    if (row->ttl < 0 || row->ttl > (int64_t)UINT32_MAX)
        return damaged(w, "a TTL outside 0..4294967295");
    /* The enums' values only: a record never holds another (its setters refuse them). */
    if (row->dns_status < PTR_DNS_ACTIVE || row->dns_status > PTR_DNS_ERROR)
        return damaged(w, "a DNS status outside 0..4");
    if (row->dns_action < PTR_ACTION_NONE || row->dns_action > PTR_ACTION_DELETE)
        return damaged(w, "a DNS action outside 0..3");
    if (row->in_dns != 0 && row->in_dns != 1)
        return damaged(w, "an in_dns that is neither 0 nor 1");
    if ((st = within(w, "a region", row->region.len, lim->scope)) != PTR_OK ||
        (st = within(w, "a project", row->project.len, lim->scope)) != PTR_OK ||
        (st = within(w, "an owner", row->owner.len, lim->scope)) != PTR_OK ||
        (st = within(w, "a description", row->description.len, lim->description)) != PTR_OK ||
        (st = within(w, "a DNS error", row->dns_error.len, lim->dns_error)) != PTR_OK)
        return st;
    return check_lists(row, lim, w);
}

static ptr_status decode(const ptr__sqlite_row *row, const ptr__sqlite_limits *lim, why_buf *w,
                         ptr_record *out)
{
    ptr_addr a;
    ptr_status st = check(row, lim, w, &a);
    if (st != PTR_OK)
        return st;
    if ((st = ptr_record_set_region(out, text_of(row->region), row->region.len)) ||
        (st = ptr_record_set_project(out, text_of(row->project), row->project.len)) ||
        (st = ptr_record_set_owner(out, text_of(row->owner), row->owner.len)) ||
        (st = ptr_record_set_address(out, &a)) ||
        (st = ptr_record_set_ttl(out, (uint32_t)row->ttl)) ||
        (st = ptr_record_set_description(out, text_of(row->description), row->description.len)) ||
        (st = ptr_record_set_created(out, row->created)) ||
        (st = ptr_record_set_updated(out, row->updated)) ||
        (st = ptr_record_set_revision(out, ptr__sqlite_i64_to_u64(row->revision))) ||
        (st = ptr_record_set_dns_status(out, (ptr_dns_status)row->dns_status)) ||
        (st = ptr_record_set_dns_action(out, (ptr_dns_action)row->dns_action)) ||
        (st = ptr_record_set_dns_error(out, text_of(row->dns_error), row->dns_error.len)) ||
        (st = ptr_record_set_in_dns(out, (int)row->in_dns)))
        return st == PTR_E_INVAL ? PTR_E_STORE : st; /* INVAL: text of 4 GiB or more */
    return decode_lists(row, out);
}

ptr_status ptr__sqlite_row_decode(const ptr__sqlite_row *row, const ptr__sqlite_limits *lim,
                                  ptr_record *out, char *why, size_t why_cap)
{
    if (!row || !lim || !out)
        return PTR_E_INVAL;
    why_buf w = {why, why_cap};
    if (why && why_cap)
        why[0] = '\0';
    ptr_record_reset(out);
    ptr_status st = decode(row, lim, &w, out);
    if (st != PTR_OK)
        ptr_record_reset(out);
    return st;
}

/* ---- statements ------------------------------------------------------------------ */

static ptr_status column_bytes(sqlite3_stmt *st, int col, int type, ptr__sqlite_bytes *out)
{
    if (sqlite3_column_type(st, col) != type)
        return PTR_E_STORE;
    /* The pointer first, then the length: that is the order SQLite documents as safe. */
    const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, col)
                                        : sqlite3_column_blob(st, col);
    const int n = sqlite3_column_bytes(st, col);
    if (n < 0 || (!p && n > 0))
        return PTR_E_STORE;
    if (!p && type == SQLITE_TEXT)
        return PTR_E_NOMEM; /* sqlite3_column_text gives NULL for text only when out of memory */
    out->p = p;
    out->len = (size_t)n;
    return PTR_OK;
}

static ptr_status column_int(sqlite3_stmt *st, int col, int64_t *out)
{
    if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
        return PTR_E_STORE;
    *out = sqlite3_column_int64(st, col);
    return PTR_OK;
}

ptr_status ptr__sqlite_row_read(sqlite3_stmt *st, int first, ptr__sqlite_row *row)
{
    ptr_status s;
    if ((s = column_bytes(st, first + 0, SQLITE_TEXT, &row->region)) ||
        (s = column_bytes(st, first + 1, SQLITE_BLOB, &row->address)) ||
        (s = column_bytes(st, first + 2, SQLITE_TEXT, &row->project)) ||
        (s = column_bytes(st, first + 3, SQLITE_TEXT, &row->owner)) ||
        (s = column_int(st, first + 4, &row->ttl)) ||
        (s = column_bytes(st, first + 5, SQLITE_TEXT, &row->description)) ||
        (s = column_bytes(st, first + 6, SQLITE_BLOB, &row->names)) ||
        (s = column_bytes(st, first + 7, SQLITE_BLOB, &row->tags)) ||
        (s = column_int(st, first + 8, &row->created)) ||
        (s = column_int(st, first + 9, &row->updated)) ||
        (s = column_int(st, first + 10, &row->revision)) ||
        (s = column_int(st, first + 11, &row->dns_status)) ||
        (s = column_int(st, first + 12, &row->dns_action)) ||
        (s = column_bytes(st, first + 13, SQLITE_TEXT, &row->dns_error)) ||
        (s = column_int(st, first + 14, &row->in_dns)))
        return s;
    return PTR_OK;
}

/* Text is bound as text (readable with the sqlite3 shell), never NULL: "" for empty. */
static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
    return sqlite3_bind_text64(st, i, len ? s : "", (sqlite3_uint64)len, SQLITE_STATIC,
                               SQLITE_UTF8);
}

/* A record's texts and counts within the limits (the lists' lengths: lists_size); else why not. */
static ptr_status record_within(const ptr_record *rec, const ptr__sqlite_limits *lim, why_buf *w)
{
    size_t len;
    const int bad =
        within(w, "a region", (ptr_record_region(rec, &len), len), lim->scope) ||
        within(w, "a project", (ptr_record_project(rec, &len), len), lim->scope) ||
        within(w, "an owner", (ptr_record_owner(rec, &len), len), lim->scope) ||
        within(w, "a description", (ptr_record_description(rec, &len), len), lim->description) ||
        within(w, "a DNS error", (ptr_record_dns_error(rec, &len), len), lim->dns_error) ||
        count_within(w, "names", ptr_record_name_count(rec), lim->names) ||
        count_within(w, "tags", ptr_record_tag_count(rec), lim->tags);
    return bad ? PTR_E_INVAL : PTR_OK;
}

ptr_status ptr__sqlite_row_bind(sqlite3_stmt *st, const ptr_record *rec, ptr__bytebuf *buf,
                                const ptr__sqlite_limits *lim, char *why, size_t why_cap)
{
    why_buf w = {why, why_cap};
    const ptr_addr *a = ptr_record_address(rec);
    if (a->family != 4 && a->family != 6) {
        damaged(&w, "a record without an address");
        return PTR_E_INVAL;
    }
    size_t names_size;
    const size_t lists =
        record_within(rec, lim, &w) == PTR_OK ? lists_size(rec, lim, &w, &names_size) : 0;
    if (!lists)
        return PTR_E_INVAL;
    /* The key goes in the buffer too: every bound byte then lives until the statement is reset. */
    ptr_status s = ptr__bytebuf_reserve(buf, PTR__SQLITE_ADDR_LEN + lists);
    if (s != PTR_OK)
        return s;
    ptr__sqlite_addr_encode(a, buf->p);
    lists_put(rec, buf->p + PTR__SQLITE_ADDR_LEN);
    const unsigned char *names = buf->p + PTR__SQLITE_ADDR_LEN, *tags = names + names_size;

    size_t len;
    const char *t;
    int rc = SQLITE_OK;
    t = ptr_record_region(rec, &len);
    rc = bind_text(st, 1, t, len);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob64(st, 2, buf->p, PTR__SQLITE_ADDR_LEN, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        t = ptr_record_project(rec, &len);
        rc = bind_text(st, 3, t, len);
    }
    if (rc == SQLITE_OK) {
        t = ptr_record_owner(rec, &len);
        rc = bind_text(st, 4, t, len);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 5, (sqlite3_int64)ptr_record_ttl(rec));
    if (rc == SQLITE_OK) {
        t = ptr_record_description(rec, &len);
        rc = bind_text(st, 6, t, len);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob64(st, 7, names, names_size, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob64(st, 8, tags, lists - names_size, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 9, ptr_record_created(rec));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 10, ptr_record_updated(rec));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 11, ptr__sqlite_u64_to_i64(ptr_record_revision(rec)));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 12, (int)ptr_record_dns_status(rec));
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 13, (int)ptr_record_dns_action(rec));
    if (rc == SQLITE_OK) {
        t = ptr_record_dns_error(rec, &len);
        rc = bind_text(st, 14, t, len);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 15, ptr_record_in_dns(rec));
    return rc == SQLITE_OK ? PTR_OK : ptr__sqlite_status(rc);
}
