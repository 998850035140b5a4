/*
 * One record as one row, both ways, in libpq's binary format: text fields as
 * bytea (every byte round-trips, a NUL or invalid UTF-8 included, and bytea
 * compares as bytes, which is the order owner_limit_scan promises), integers
 * as int8, the address as a 17-byte key that sorts in store order, names and
 * tags as length-prefixed lists in one bytea each, so that a get reads one
 * row. Also the advisory lock keys' hash.
 *
 * Lists: a 32-bit big-endian count, then per name a 32-bit length and its
 * bytes; per tag the key's length, the key, the value's length, the value.
 * Reading checks every length against what is left: a damaged row is
 * PTR_E_STORE, never a read past the column.
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"

void ptr__pg_params_init(ptr__pg_params *p)
{
    memset(p, 0, sizeof *p);
}

void ptr__pg_param_bytes(ptr__pg_params *p, const void *s, size_t len)
{
    /* A zero-length bytea still needs a non-NULL pointer: NULL would be SQL NULL. */
    p->values[p->n] = len ? s : "";
    p->lengths[p->n] = (int)len;
    p->formats[p->n] = 1;
    p->n++;
}

static void put_be(unsigned char *out, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *in, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | in[i];
    return v;
}

void ptr__pg_param_int8(ptr__pg_params *p, int64_t v, unsigned char slot[8])
{
    put_be(slot, (uint64_t)v, 8);
    ptr__pg_param_bytes(p, slot, 8);
}

void ptr__pg_param_int2(ptr__pg_params *p, int v, unsigned char slot[2])
{
    put_be(slot, (uint64_t)(uint16_t)v, 2);
    ptr__pg_param_bytes(p, slot, 2);
}

void ptr__pg_addr_encode(const ptr_addr *a, unsigned char out[PTR__PG_ADDR_LEN])
{
    memset(out, 0, PTR__PG_ADDR_LEN);
    out[0] = a->family;
    memcpy(out + 1, a->bytes, a->family == 4 ? 4 : 16);
}

/* Room for the lists of rec, checked against the 32-bit lengths and int's range. */
static ptr_status lists_size(const ptr_record *rec, size_t *names, size_t *tags)
{
    const size_t nn = ptr_record_name_count(rec), nt = ptr_record_tag_count(rec);
    size_t n = 4, t = 4;
    for (size_t i = 0; i < nn; i++) {
        size_t len;
        ptr_record_name(rec, i, &len);
        n += 4 + len;
    }
    for (size_t i = 0; i < nt; i++) {
        ptr_tag tg;
        if (ptr_record_tag(rec, i, &tg) != PTR_OK)
            return PTR_E_INVAL;
        t += 8 + tg.key_len + tg.value_len;
    }
    /* Names and tags are checked short long before this; the limit keeps ints safe. */
    if (n > (1u << 30) || t > (1u << 30))
        return PTR_E_INVAL;
    *names = n;
    *tags = t;
    return PTR_OK;
}

static unsigned char *put_piece(unsigned char *o, const char *s, size_t len)
{
    put_be(o, len, 4);
    if (len)
        memcpy(o + 4, s, len);
    return o + 4 + len;
}

ptr_status ptr__pg_row_params(const ptr_record *rec, ptr__bytebuf *buf, ptr__pg_row_ints *ints,
                              ptr__pg_params *p)
{
    const ptr_addr *a = ptr_record_address(rec);
    if (!a || (a->family != 4 && a->family != 6))
        return PTR_E_INVAL;
    size_t elen;
    const char *err = ptr_record_dns_error(rec, &elen);
    if (elen > PTR__PG_DNS_ERROR_MAX)
        return PTR_E_INVAL;
    size_t nsize, tsize;
    ptr_status st = lists_size(rec, &nsize, &tsize);
    if (st == PTR_OK)
        st = ptr__bytebuf_reserve(buf, nsize + tsize);
    if (st != PTR_OK)
        return st;
    unsigned char *o = buf->p;
    put_be(o, ptr_record_name_count(rec), 4);
    o += 4;
    for (size_t i = 0; i < ptr_record_name_count(rec); i++) {
        size_t len;
        const char *s = ptr_record_name(rec, i, &len);
        o = put_piece(o, s, len);
    }
    put_be(o, ptr_record_tag_count(rec), 4);
    o += 4;
    for (size_t i = 0; i < ptr_record_tag_count(rec); i++) {
        ptr_tag tg;
        ptr_record_tag(rec, i, &tg);
        o = put_piece(o, tg.key, tg.key_len);
        o = put_piece(o, tg.value, tg.value_len);
    }
    ptr__pg_addr_encode(a, ints->addr);
    size_t len;
    ptr__pg_params_init(p);
    const char *s = ptr_record_region(rec, &len);
    ptr__pg_param_bytes(p, s, len);
    ptr__pg_param_bytes(p, ints->addr, PTR__PG_ADDR_LEN);
    s = ptr_record_project(rec, &len);
    ptr__pg_param_bytes(p, s, len);
    s = ptr_record_owner(rec, &len);
    ptr__pg_param_bytes(p, s, len);
    ptr__pg_param_int8(p, (int64_t)ptr_record_ttl(rec), ints->v[0]);
    s = ptr_record_description(rec, &len);
    ptr__pg_param_bytes(p, s, len);
    ptr__pg_param_bytes(p, buf->p, nsize);
    ptr__pg_param_bytes(p, buf->p + nsize, tsize);
    ptr__pg_param_int8(p, ptr_record_created(rec), ints->v[1]);
    ptr__pg_param_int8(p, ptr_record_updated(rec), ints->v[2]);
    /* The unsigned revision kept two's complement: every value round-trips. */
    ptr__pg_param_int8(p, (int64_t)ptr_record_revision(rec), ints->v[3]);
    ptr__pg_param_int2(p, (int)ptr_record_dns_status(rec), ints->s[0]);
    ptr__pg_param_int2(p, (int)ptr_record_dns_action(rec), ints->s[1]);
    ptr__pg_param_bytes(p, err, elen);
    ptr__pg_param_int2(p, ptr_record_in_dns(rec), ints->s[2]);
    return PTR_OK;
}

ptr_status ptr__pg_int8(const PGresult *res, int row, int col, int64_t *out)
{
    if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 8)
        return PTR_E_STORE;
    *out = (int64_t)get_be((const unsigned char *)PQgetvalue(res, row, col), 8);
    return PTR_OK;
}

/* A bounded reader over one list column. */
typedef struct cursor {
    const unsigned char *p;
    size_t left;
} cursor;

static int take_len(cursor *c, size_t *len)
{
    if (c->left < 4)
        return 0;
    *len = (size_t)get_be(c->p, 4);
    c->p += 4;
    c->left -= 4;
    return *len <= c->left;
}

static int take_piece(cursor *c, const char **s, size_t *len)
{
    if (!take_len(c, len))
        return 0;
    *s = (const char *)c->p;
    c->p += *len;
    c->left -= *len;
    return 1;
}

static ptr_status decode_lists(const PGresult *res, int row, int col, ptr_record *out)
{
    cursor c = {(const unsigned char *)PQgetvalue(res, row, col),
                (size_t)PQgetlength(res, row, col)};
    size_t n;
    if (!take_len(&c, &n))
        return PTR_E_STORE;
    for (size_t i = 0; i < n; i++) {
        const char *s;
        size_t len;
        if (!take_piece(&c, &s, &len))
            return PTR_E_STORE;
        ptr_status st = ptr_record_add_name(out, s, len);
        if (st != PTR_OK)
            return st == PTR_E_NOMEM ? st : PTR_E_STORE;
    }
    if (c.left != 0)
        return PTR_E_STORE;
    c = (cursor){(const unsigned char *)PQgetvalue(res, row, col + 1),
                 (size_t)PQgetlength(res, row, col + 1)};
    if (!take_len(&c, &n))
        return PTR_E_STORE;
    for (size_t i = 0; i < n; i++) {
        const char *k, *v;
        size_t kl, vl;
        if (!take_piece(&c, &k, &kl) || !take_piece(&c, &v, &vl))
            return PTR_E_STORE;
        ptr_status st = ptr_record_add_tag(out, k, kl, v, vl);
        if (st != PTR_OK)
            return st == PTR_E_NOMEM ? st : PTR_E_STORE;
    }
    return c.left == 0 ? PTR_OK : PTR_E_STORE;
}

/* A smallint column of a binary result; -1 when it is not 2 bytes (never a stored value). */
static int int2_of(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 2)
        return -1;
    return (int)(int16_t)get_be((const unsigned char *)PQgetvalue(res, row, col), 2);
}

/* Why a row is damaged: the reason, for the caller's message. */
static ptr_status damaged(const char *reason, const char **why)
{
    *why = reason;
    return PTR_E_STORE;
}

/* The DNS status's columns, checked: values of the enums, 0 or 1, a short error. */
static ptr_status decode_dns(const PGresult *res, int row, int col, ptr_record *out,
                             const char **why)
{
    const int status = int2_of(res, row, col + 11), action = int2_of(res, row, col + 12);
    const int in_dns = int2_of(res, row, col + 14);
    const size_t elen = (size_t)PQgetlength(res, row, col + 13);
    if (status < PTR_DNS_ACTIVE || status > PTR_DNS_ERROR)
        return damaged("a DNS status outside 0..4", why);
    if (action < PTR_ACTION_NONE || action > PTR_ACTION_DELETE)
        return damaged("a DNS action outside 0..3", why);
    if (in_dns != 0 && in_dns != 1)
        return damaged("an in_dns that is neither 0 nor 1", why);
    if (elen > PTR__PG_DNS_ERROR_MAX)
        return damaged("a DNS error over 255 bytes", why);
    ptr_record_set_dns_status(out, (ptr_dns_status)status);
    ptr_record_set_dns_action(out, (ptr_dns_action)action);
    ptr_record_set_in_dns(out, in_dns);
    return ptr_record_set_dns_error(out, PQgetvalue(res, row, col + 13), elen);
}

static ptr_status decode(const PGresult *res, int row, int col, ptr_record *out, const char **why)
{
    if (PQnfields(res) < col + PTR__PG_NCOLUMNS)
        return damaged("too few columns", why);
    for (int i = 0; i < PTR__PG_NCOLUMNS; i++)
        if (PQgetisnull(res, row, col + i) || PQfformat(res, col + i) != 1)
            return damaged("a NULL or text column", why);
    const unsigned char *key = (const unsigned char *)PQgetvalue(res, row, col + 1);
    if (PQgetlength(res, row, col + 1) != PTR__PG_ADDR_LEN || (key[0] != 4 && key[0] != 6))
        return damaged("an address key that is not one this library writes", why);
    ptr_addr a;
    memset(&a, 0, sizeof a);
    a.family = key[0];
    memcpy(a.bytes, key + 1, a.family == 4 ? 4 : 16);
    int64_t ttl, created, updated, revision;
    if (ptr__pg_int8(res, row, col + 4, &ttl) != PTR_OK ||
        ptr__pg_int8(res, row, col + 8, &created) != PTR_OK ||
        ptr__pg_int8(res, row, col + 9, &updated) != PTR_OK ||
        ptr__pg_int8(res, row, col + 10, &revision) != PTR_OK || ttl < 0 || ttl > UINT32_MAX)
        return damaged("an integer column of the wrong size, or a TTL outside 0..4294967295",
                       why);
    ptr_status st =
        ptr_record_set_region(out, PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
    if (st == PTR_OK)
        st = ptr_record_set_project(out, PQgetvalue(res, row, col + 2),
                                    (size_t)PQgetlength(res, row, col + 2));
    if (st == PTR_OK)
        st = ptr_record_set_owner(out, PQgetvalue(res, row, col + 3),
                                  (size_t)PQgetlength(res, row, col + 3));
    if (st == PTR_OK)
        st = ptr_record_set_description(out, PQgetvalue(res, row, col + 5),
                                        (size_t)PQgetlength(res, row, col + 5));
    if (st == PTR_OK)
        st = decode_dns(res, row, col, out, why);
    if (st != PTR_OK)
        return st == PTR_E_NOMEM || st == PTR_E_STORE ? st : damaged("a text of 4 GiB", why);
    if ((st = decode_lists(res, row, col + 6, out)) != PTR_OK)
        return st == PTR_E_STORE ? damaged("a names or tags column that does not decode", why)
                                 : st;
    ptr_record_set_address(out, &a);
    ptr_record_set_ttl(out, (uint32_t)ttl);
    ptr_record_set_created(out, created);
    ptr_record_set_updated(out, updated);
    ptr_record_set_revision(out, (uint64_t)revision);
    return PTR_OK;
}

ptr_status ptr__pg_row_decode(const PGresult *res, int row, int col, ptr_record *out, char *why,
                              size_t cap)
{
    ptr_record_reset(out);
    const char *reason = NULL;
    ptr_status st = decode(res, row, col, out, &reason);
    if (st != PTR_OK)
        ptr_record_reset(out);
    if (st != PTR_E_STORE || !why || !cap)
        return st;
    /* The address, when the key is one: which row to look at. */
    const unsigned char *key = (const unsigned char *)PQgetvalue(res, row, col + 1);
    ptr_addr a;
    char addr[PTR_ADDR_STRLEN];
    memset(&a, 0, sizeof a);
    if (PQnfields(res) > col + 1 && PQgetlength(res, row, col + 1) == PTR__PG_ADDR_LEN &&
        (key[0] == 4 || key[0] == 6)) {
        a.family = key[0];
        memcpy(a.bytes, key + 1, a.family == 4 ? 4 : 16);
    }
    if (a.family && ptr_addr_format(&a, addr, sizeof addr, NULL) == PTR_OK)
        snprintf(why, cap, "a damaged row in ptr_record for %s: %s", addr,
                 reason ? reason : "a value that does not decode");
    else
        snprintf(why, cap, "a damaged row in ptr_record: %s",
                 reason ? reason : "a value that does not decode");
    return st;
}

uint64_t ptr__pg_hash(uint64_t h, const void *s, size_t len)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* FNV's low bits mix poorly; the finalizer of splitmix64 spreads every input bit. */
int64_t ptr__pg_hash_key(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    h ^= h >> 31;
    return (int64_t)h;
}
