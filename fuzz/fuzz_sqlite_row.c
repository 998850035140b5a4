/*
 * The SQLite store's row decoding: what it makes of column values it did not
 * write (a damaged or hostile database file), and that what it writes comes
 * back unchanged.
 *
 * Input: four 8-byte integers (ttl, created, updated, revision; missing bytes
 * are zero), then the seven byte columns (region, address, project, owner,
 * description, names, tags), each as a one-byte length and that many bytes;
 * then the DNS status (schema version 5, after the rest so that older inputs
 * keep their meaning): three 8-byte integers (dns_status, dns_action,
 * in_dns) and the dns_error column. Each column sits in its own heap block
 * of exactly its size.
 *
 * Properties:
 * - ptr__sqlite_row_decode either succeeds, and the record holds exactly the
 *   column values (text, address key, integers), each within the limits, or
 *   fails with PTR_E_STORE (and a reason) or PTR_E_NOMEM and leaves the
 *   record empty. The limits are small (a policy of a few short names and
 *   tags) so that one-byte lengths reach past them;
 * - a decoded record, bound to a real statement (`SELECT ?1, ..., ?15` on an
 *   in-memory database), read back and decoded again, is the same record.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlite_row.h"

typedef struct cursor {
    const uint8_t *p, *end;
} cursor;

static int64_t take_i64(cursor *c)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (c->p < c->end ? *c->p++ : 0u);
    int64_t out;
    memcpy(&out, &v, sizeof out);
    return out;
}

static ptr__sqlite_bytes take_bytes(cursor *c, unsigned char **owned)
{
    size_t n = c->p < c->end ? *c->p++ : 0u;
    if (n > (size_t)(c->end - c->p))
        n = (size_t)(c->end - c->p);
    *owned = (unsigned char *)fuzz_dup(c->p, n);
    c->p += n;
    ptr__sqlite_bytes b = {*owned, n};
    return b;
}

static int same_text(const char *s, size_t len, ptr__sqlite_bytes b)
{
    return len == b.len && (len == 0 || memcmp(s, b.p, len) == 0);
}

static int same_record(const ptr_record *a, const ptr_record *b)
{
    size_t la, lb;
    const char *sa, *sb;
#define SAME_TEXT(get) (sa = get(a, &la), sb = get(b, &lb), la == lb && memcmp(sa, sb, la) == 0)
    if (!SAME_TEXT(ptr_record_region) || !SAME_TEXT(ptr_record_project) ||
        !SAME_TEXT(ptr_record_owner) || !SAME_TEXT(ptr_record_description) ||
        !SAME_TEXT(ptr_record_dns_error))
        return 0;
#undef SAME_TEXT
    if (!fuzz_addr_same(ptr_record_address(a), ptr_record_address(b)) ||
        ptr_record_ttl(a) != ptr_record_ttl(b) || ptr_record_created(a) != ptr_record_created(b) ||
        ptr_record_updated(a) != ptr_record_updated(b) ||
        ptr_record_revision(a) != ptr_record_revision(b) ||
        ptr_record_dns_status(a) != ptr_record_dns_status(b) ||
        ptr_record_dns_action(a) != ptr_record_dns_action(b) ||
        ptr_record_in_dns(a) != ptr_record_in_dns(b) ||
        ptr_record_name_count(a) != ptr_record_name_count(b) ||
        ptr_record_tag_count(a) != ptr_record_tag_count(b))
        return 0;
    for (size_t i = 0; i < ptr_record_name_count(a); i++) {
        sa = ptr_record_name(a, i, &la);
        sb = ptr_record_name(b, i, &lb);
        if (la != lb || memcmp(sa, sb, la) != 0)
            return 0;
    }
    for (size_t i = 0; i < ptr_record_tag_count(a); i++) {
        ptr_tag ta, tb;
        FUZZ_CHECK(ptr_record_tag(a, i, &ta) == PTR_OK && ptr_record_tag(b, i, &tb) == PTR_OK);
        if (ta.key_len != tb.key_len || memcmp(ta.key, tb.key, ta.key_len) != 0 ||
            ta.value_len != tb.value_len ||
            (ta.value_len && memcmp(ta.value, tb.value, ta.value_len) != 0))
            return 0;
    }
    return 1;
}

/* Limits that inputs of one-byte lengths can exceed in every field. */
static ptr__sqlite_limits small_limits(void)
{
    ptr_policy p;
    ptr_policy_init(&p);
    p.description_max = 16; /* 64 bytes */
    p.max_names = 3;
    p.max_tags = 3;
    p.tag_key_max = 8;
    p.tag_value_max = 16;
    ptr__sqlite_limits l;
    ptr__sqlite_limits_init(&l, &p);
    return l;
}

static int within_limits(const ptr_record *r, const ptr__sqlite_limits *l)
{
    size_t len;
    if (ptr_record_name_count(r) > l->names || ptr_record_tag_count(r) > l->tags)
        return 0;
    ptr_record_region(r, &len);
    if (len > l->scope)
        return 0;
    ptr_record_description(r, &len);
    if (len > l->description)
        return 0;
    ptr_record_dns_error(r, &len);
    if (len > l->dns_error)
        return 0;
    for (size_t i = 0; i < ptr_record_name_count(r); i++)
        if ((ptr_record_name(r, i, &len), len) > l->name)
            return 0;
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        ptr_record_tag(r, i, &t);
        if (t.key_len > l->tag_key || t.value_len > l->tag_value)
            return 0;
    }
    return 1;
}

/* Bind rec to `SELECT ?1..?15`, step, read the row and decode it into back. */
static void round_trip(sqlite3 *db, const ptr_record *rec, const ptr__sqlite_limits *lim,
                       ptr_record *back)
{
    sqlite3_stmt *st;
    FUZZ_CHECK(sqlite3_prepare_v2(
                   db, "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15",
                   -1, &st, NULL) == SQLITE_OK);
    ptr__bytebuf buf;
    memset(&buf, 0, sizeof buf);
    buf.alloc = ptr_allocator_libc();
    ptr_status s = ptr__sqlite_row_bind(st, rec, &buf, lim, NULL, 0);
    FUZZ_CHECK(s == PTR_OK);
    FUZZ_CHECK(sqlite3_step(st) == SQLITE_ROW);
    ptr__sqlite_row row;
    FUZZ_CHECK(ptr__sqlite_row_read(st, 0, &row) == PTR_OK);
    FUZZ_CHECK(ptr__sqlite_row_decode(&row, lim, back, NULL, 0) == PTR_OK);
    FUZZ_CHECK(same_record(rec, back));
    sqlite3_finalize(st);
    ptr__bytebuf_free(&buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3 *db;
    if (!db && sqlite3_open(":memory:", &db) != SQLITE_OK)
        abort();

    cursor c = {data, data + size};
    ptr__sqlite_row row;
    row.ttl = take_i64(&c);
    row.created = take_i64(&c);
    row.updated = take_i64(&c);
    row.revision = take_i64(&c);
    unsigned char *owned[8];
    row.region = take_bytes(&c, &owned[0]);
    row.address = take_bytes(&c, &owned[1]);
    row.project = take_bytes(&c, &owned[2]);
    row.owner = take_bytes(&c, &owned[3]);
    row.description = take_bytes(&c, &owned[4]);
    row.names = take_bytes(&c, &owned[5]);
    row.tags = take_bytes(&c, &owned[6]);
    row.dns_status = take_i64(&c);
    row.dns_action = take_i64(&c);
    row.in_dns = take_i64(&c);
    row.dns_error = take_bytes(&c, &owned[7]);

    ptr_record *rec, *back;
    if (ptr_record_new(NULL, &rec) != PTR_OK || ptr_record_new(NULL, &back) != PTR_OK)
        abort();
    const ptr__sqlite_limits lim = small_limits();
    char why[160];
    ptr_status st = ptr__sqlite_row_decode(&row, &lim, rec, why, sizeof why);
    if (st == PTR_OK) {
        FUZZ_CHECK(within_limits(rec, &lim));
        size_t len;
        const char *s = ptr_record_region(rec, &len);
        FUZZ_CHECK(same_text(s, len, row.region));
        s = ptr_record_project(rec, &len);
        FUZZ_CHECK(same_text(s, len, row.project));
        s = ptr_record_owner(rec, &len);
        FUZZ_CHECK(same_text(s, len, row.owner));
        s = ptr_record_description(rec, &len);
        FUZZ_CHECK(same_text(s, len, row.description));
        s = ptr_record_dns_error(rec, &len);
        FUZZ_CHECK(same_text(s, len, row.dns_error));
        FUZZ_CHECK((int64_t)ptr_record_dns_status(rec) == row.dns_status);
        FUZZ_CHECK((int64_t)ptr_record_dns_action(rec) == row.dns_action);
        FUZZ_CHECK(ptr_record_in_dns(rec) == row.in_dns);
        unsigned char key[PTR__SQLITE_ADDR_LEN];
        ptr__sqlite_addr_encode(ptr_record_address(rec), key);
        FUZZ_CHECK(row.address.len == sizeof key && memcmp(key, row.address.p, sizeof key) == 0);
        FUZZ_CHECK(row.ttl >= 0 && (uint64_t)row.ttl == ptr_record_ttl(rec));
        FUZZ_CHECK(ptr_record_created(rec) == row.created);
        FUZZ_CHECK(ptr_record_updated(rec) == row.updated);
        FUZZ_CHECK(ptr_record_revision(rec) == ptr__sqlite_i64_to_u64(row.revision));
        round_trip(db, rec, &lim, back);
    } else {
        FUZZ_CHECK(st == PTR_E_STORE || st == PTR_E_NOMEM);
        FUZZ_CHECK(st != PTR_E_STORE || why[0] != '\0');
        size_t len = 1;
        ptr_record_region(rec, &len);
        FUZZ_CHECK(len == 0 && ptr_record_name_count(rec) == 0 && ptr_record_tag_count(rec) == 0);
    }
    ptr_record_free(rec);
    ptr_record_free(back);
    for (int i = 0; i < 8; i++)
        free(owned[i]);
    return 0;
}
