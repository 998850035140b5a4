/*
 * Zone export: a region's records as RFC 1035 §5 master files, one per
 * reverse zone (/24 for IPv4, opts->ipv6_prefix for IPv6).
 *
 * Three steps, so that no sink code runs inside a store transaction (the
 * rule of store.h) and a slow sink never holds the store's lock:
 *   1. check the options and build the part of a zone that every zone
 *      shares ($TTL, SOA, NS): it does not depend on the zone because owner
 *      names are written relative to $ORIGIN;
 *   2. in one read transaction, scan the region in address order and append
 *      each record's PTR lines to one text buffer, noting where each zone's
 *      lines start;
 *   3. after the transaction, hand each zone to the sink as its $ORIGIN line,
 *      the shared part, and its slice of the buffer.
 *
 * The scan loop is the hot path (a million records in well under a second):
 * numbers are formatted by hand and each line is one bounds check and a
 * few memcpy calls into a buffer that grows by doubling.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"
#include "zone/zone_internal.h"

#define DEFAULT_NS      "ns1.example.com."
#define DEFAULT_CONTACT "hostmaster.example.com."
/* RFC 2181 §8: a TTL is at most 2^31 - 1. */
#define TTL_MAX 2147483647u
/* Room for the $TTL line and the SOA: two names of at most 254 bytes, and fixed text and
 * five numbers that take less than 512. */
#define SOA_ROOM (512 + 2 * PTR_NAME_BUFSZ)
/* The options of libptr 0.2.1, before the RFC 2317 blocks. */
#define OPTIONS_V1_SIZE (offsetof(ptr_zone_options, reserved) + 8 * sizeof(uint32_t))

void ptr_zone_options_init(ptr_zone_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->serial = 1;
    /* Common operator defaults: refresh hourly, retry every 10 minutes, expire after two
     * weeks; a short negative TTL because records are created and deleted all day. */
    o->refresh = 3600;
    o->retry = 600;
    o->expire = 1209600;
    o->minimum = 300;
    o->default_ttl = 3600;
    o->ipv6_prefix = 64;
}

/* ---- text helpers ------------------------------------------------------- */

/* Decimal digits of v at p; returns how many (at most 10). */
static size_t put_u32(char *p, uint32_t v)
{
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

static char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT_LIT(p, lit) put((p), (lit), sizeof(lit) - 1)

/* A growable byte buffer over the library's (C library) allocator. */
typedef struct tbuf {
    ptr_allocator alloc;
    char *p;
    size_t len, cap;
} tbuf;

static int tbuf_reserve(tbuf *b, size_t more)
{
    if (more > SIZE_MAX - b->len)
        return -1;
    if (b->len + more <= b->cap)
        return 0;
    /* Start at 64 KiB: even a small export is then a handful of reallocations. */
    size_t need = b->len + more < 65536 ? 65536 : b->len + more;
    char *q = ptr__grow(&b->alloc, b->p, &b->cap, need, 1);
    if (!q)
        return -1;
    b->p = q;
    return 0;
}

static void tbuf_free(tbuf *b)
{
    if (b->p)
        b->alloc.free(b->alloc.ctx, b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- options -------------------------------------------------------------- */

/*
 * Fails naming the option: "prefix" (then the index when numbered) then ": " and why.
 * ptr__fail would truncate a long message anyway; only the local buffer must not overflow.
 */
static ptr_status fail_option(ptr_error *err, ptr_status st, uint32_t index, int numbered,
                              size_t offset, const char *prefix, const char *why)
{
    char msg[PTR_ERROR_MESSAGE_SIZE];
    const size_t room = sizeof msg - 1;
    size_t at = 0;
    for (size_t i = 0; prefix[i] && at < room; i++)
        msg[at++] = prefix[i];
    if (numbered && at + 10 <= room)
        at += put_u32(msg + at, index);
    for (const char *p = ": "; *p && at < room; p++)
        msg[at++] = *p;
    for (size_t i = 0; why[i] && at < room; i++)
        msg[at++] = why[i];
    msg[at] = '\0';
    return ptr__fail(err, st, PTR_FIELD_NAME, index, offset, msg);
}

/* Check one name option; index and the message prefix say which option it is. */
static ptr_status check_option(const ptr_text *t, uint32_t index, int numbered, const char *what,
                               ptr_error *err)
{
    if (!t->s && t->len)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "a zone option name is NULL with a length above 0");
    ptr_error inner;
    const ptr_status st = ptr_name_check(t->s, t->len, 0, &inner);
    if (st == PTR_OK)
        return PTR_OK;
    if (st != PTR_E_NAME) /* PTR_E_INVAL cannot happen with these arguments */
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "a zone option name was refused");
    return fail_option(err, st, index, numbered, inner.offset, what, inner.message);
}

/* A checked name option at p in its normal form; returns the end. */
static char *put_name(char *p, const ptr_text *t)
{
    size_t n = 0; /* stays 0 if normalizing failed, which checking the name ruled out */
    (void)ptr_name_normalize(t->s, t->len, 0, p, PTR_NAME_BUFSZ, &n, NULL);
    return p + n;
}

/* The checked options, and the text every zone shares after its $ORIGIN line. */
typedef struct zopts {
    uint32_t v6_prefix;
    tbuf head;
    tbuf ns_lines; /* "\tIN\tNS\tname.\n" per NS, for the delegations of RFC 2317 blocks */
    size_t ns_count;
    ptr__zblock *blocks; /* checked, in address order */
    size_t nblocks;
} zopts;

/* Checks every option, then writes the shared text once. */
static ptr_status build_head(const ptr_zone_options *o, zopts *z, ptr_error *err)
{
    if (o->struct_size < OPTIONS_V1_SIZE)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "ptr_zone_options.struct_size is smaller than any version's: "
                         "start from ptr_zone_options_init()");
    for (size_t i = 0; i < sizeof o->reserved / sizeof o->reserved[0]; i++)
        if (o->reserved[i])
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                             "ptr_zone_options.reserved must be zero");
    /* A nibble boundary, so the zone is a whole ip6.arpa name (RFC 3596 §2.5); neither the
     * root of ip6.arpa nor a single address. */
    if (o->ipv6_prefix < 4 || o->ipv6_prefix > 124 || o->ipv6_prefix % 4)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "ipv6_prefix must be a multiple of 4 from 4 to 124");
    if (o->default_ttl > TTL_MAX)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "default_ttl must be at most 2147483647 (RFC 2181 section 8)");
    if (o->minimum > TTL_MAX)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "minimum (the negative-caching TTL) must be at most 2147483647");
    if (!o->ns && o->ns_count)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "ptr_zone_options.ns is NULL with ns_count above 0");
    if (o->ns_count > UINT32_MAX / 2 || o->ns_count > SIZE_MAX / (PTR_NAME_BUFSZ + 16))
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "too many NS names");

    const ptr_text def_ns = {DEFAULT_NS, sizeof DEFAULT_NS - 1};
    const ptr_text *ns = o->ns_count ? o->ns : &def_ns;
    const size_t nns = o->ns_count ? o->ns_count : 1;

    /* The names, in the order of the options. */
    ptr_status st;
    for (size_t i = 0; i < nns; i++) {
        if ((st = check_option(&ns[i], (uint32_t)i, 1, "NS name ", err)) != PTR_OK)
            return st;
        /* A duplicate NS is one record twice; servers differ on whether they merge or refuse
         * it, so it is refused here where the caller can see which one. Two valid names are
         * the same record when ptr__name_equiv holds. */
        for (size_t j = 0; j < i; j++)
            if (ptr__name_equiv(ns[j].s, ns[j].len, ns[i].s, ns[i].len))
                return fail_option(err, PTR_E_NAME_DUP, (uint32_t)i, 1, 0, "NS name ",
                                   "the same NS name twice");
    }
    if (o->primary.len &&
        (st = check_option(&o->primary, PTR_ZONE_INDEX_PRIMARY, 0, "SOA primary", err)) != PTR_OK)
        return st;
    if (o->contact.len) {
        const char *at = o->contact.s ? memchr(o->contact.s, '@', o->contact.len) : NULL;
        if (at)
            return ptr__fail(err, PTR_E_NAME, PTR_FIELD_NAME, PTR_ZONE_INDEX_CONTACT,
                             (size_t)(at - o->contact.s),
                             "SOA contact: a domain name such as hostmaster.example.com, "
                             "not an e-mail address");
        if ((st = check_option(&o->contact, PTR_ZONE_INDEX_CONTACT, 0, "SOA contact", err)) !=
            PTR_OK)
            return st;
    }

    /* $TTL (RFC 2308 §4) gives the SOA and NS records their TTL. RFC 1035 §5.1: parentheses
     * let the SOA span lines, so each number gets a comment. The serial is written as it is:
     * keeping it growing in RFC 1982 arithmetic is the caller's job. The SOA's primary is the
     * first NS unless given. */
    if (tbuf_reserve(&z->head, SOA_ROOM + nns * (PTR_NAME_BUFSZ + 16)))
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    char *p = z->head.p;
    p = PUT_LIT(p, "$TTL ");
    p += put_u32(p, o->default_ttl);
    p = PUT_LIT(p, "\n@\tIN\tSOA\t");
    p = put_name(p, o->primary.len ? &o->primary : &ns[0]);
    *p++ = ' ';
    p = o->contact.len ? put_name(p, &o->contact) : PUT_LIT(p, DEFAULT_CONTACT);
    p = PUT_LIT(p, " (\n\t\t");
    p += put_u32(p, o->serial);
    p = PUT_LIT(p, "\t; serial\n\t\t");
    p += put_u32(p, o->refresh);
    p = PUT_LIT(p, "\t; refresh\n\t\t");
    p += put_u32(p, o->retry);
    p = PUT_LIT(p, "\t; retry\n\t\t");
    p += put_u32(p, o->expire);
    p = PUT_LIT(p, "\t; expire\n\t\t");
    p += put_u32(p, o->minimum);
    p = PUT_LIT(p, " )\t; minimum: TTL of negative answers (RFC 2308)\n");
    if (tbuf_reserve(&z->ns_lines, nns * (PTR_NAME_BUFSZ + 16)))
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    char *q = z->ns_lines.p;
    for (size_t i = 0; i < nns; i++) {
        q = PUT_LIT(q, "\tIN\tNS\t");
        q = put_name(q, &ns[i]);
        *q++ = '\n';
    }
    z->ns_lines.len = (size_t)(q - z->ns_lines.p);
    z->ns_count = nns;
    for (size_t i = 0; i < z->ns_lines.len;) { /* "@" and each NS line */
        const char *nl = memchr(z->ns_lines.p + i, '\n', z->ns_lines.len - i);
        const size_t len = (size_t)(nl - (z->ns_lines.p + i)) + 1;
        *p++ = '@';
        p = put(p, z->ns_lines.p + i, len);
        i += len;
    }
    z->head.len = (size_t)(p - z->head.p);
    z->v6_prefix = o->ipv6_prefix;
    return ptr__zone_blocks(o, &z->head.alloc, &z->blocks, &z->nblocks, err);
}

/* ---- reading the store ------------------------------------------------------ */

/*
 * A run of PTR lines of one zone in the body. The zone is the /24 (IPv4),
 * the ipv6_prefix (IPv6), or an RFC 2317 block; a /24 with a block in its
 * middle has two runs, before and after the block's.
 */
typedef struct zone_ent {
    ptr_addr net;             /* the first record's address; ptr_revzone ignores the host bits */
    const ptr__zblock *block; /* the RFC 2317 block the run is in, or NULL */
    size_t off;               /* where its PTR lines start in the body */
} zone_ent;

typedef struct zscan {
    unsigned v6_prefix;
    const ptr__zblock *blocks;
    size_t nblocks;
    /* ptr_ctx_zone_export's context, whose policy names a deleted record's address (its
     * default name and TTL); NULL: deleted records are left out. */
    const ptr_ctx *ctx;
    tbuf body;
    zone_ent *zones;
    size_t nzones, zones_cap;
    ptr_addr prev;
    ptr_status st;   /* PTR_OK, or why the scan was stopped */
    const char *why; /* the message for st */
} zscan;

static int same_zone(const ptr_addr *a, const ptr_addr *b, unsigned v6_prefix)
{
    if (a->family != b->family)
        return 0;
    if (a->family == 4)
        return memcmp(a->bytes, b->bytes, 3) == 0;
    const size_t whole = v6_prefix / 8;
    if (memcmp(a->bytes, b->bytes, whole) != 0)
        return 0;
    return v6_prefix % 8 == 0 || ((a->bytes[whole] ^ b->bytes[whole]) & 0xF0) == 0;
}

/* Bytes a stored host name may hold; anything else could break the master-file syntax. */
static int name_bytes_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (!ptr__is_alpha(c) && !ptr__is_digit(c) && c != '-' && c != '.' && c != '_')
            return 0;
    }
    return 1;
}

static int stop(zscan *z, ptr_status st, const char *why)
{
    z->st = st;
    z->why = why;
    return 1;
}

static int visit(void *ctx, const ptr_record *rec)
{
    zscan *z = ctx;
    const ptr_addr *a = ptr_record_address(rec);
    if (a->family != 4 && a->family != 6)
        return stop(z, PTR_E_STORE, "the store gave a record without a valid address");
    /* The grouping below needs address order; a store that broke it would split a zone and
     * a file sink would then overwrite the first half with the second. */
    if (z->nzones && ptr_addr_compare(&z->prev, a) >= 0)
        return stop(z, PTR_E_STORE, "the store's scan is not in address order");
    size_t count = ptr_record_name_count(rec);
    if (count == 0)
        return stop(z, PTR_E_STORE, "the store gave a record without names");
    /* A record waiting for its delete: DNS should answer the default name, never the old
     * names; without a policy to name it, the address is left out. */
    const int deleted = ptr_record_dns_action(rec) == PTR_ACTION_DELETE;
    char dname[PTR_NAME_BUFSZ];
    size_t dlen = 0;
    uint32_t ttl_value = ptr_record_ttl(rec);
    if (deleted) {
        if (!z->ctx)
            return 0;
        ptr_error derr;
        const ptr_status st = ptr__default_name_of(z->ctx, a, dname, &dlen, &derr);
        if (st != PTR_OK)
            return stop(z, st, "the default name template does not apply to a deleted address");
        ttl_value = ptr__ctx_policy(z->ctx)->ttl_default;
        count = 1;
    }
    const ptr__zblock *block = ptr__zone_block_of(z->blocks, z->nblocks, a);

    if (!z->nzones || !same_zone(&z->prev, a, z->v6_prefix) ||
        block != z->zones[z->nzones - 1].block) {
        zone_ent *ze =
            ptr__grow(&z->body.alloc, z->zones, &z->zones_cap, z->nzones + 1, sizeof *z->zones);
        if (!ze)
            return stop(z, PTR_E_NOMEM, "out of memory");
        z->zones = ze;
        ze[z->nzones].net = *a;
        ze[z->nzones].block = block;
        ze[z->nzones].off = z->body.len;
        z->nzones++;
    }
    z->prev = *a;

    /* The owner is the reverse name up to the zone: its first label for a /24, the
     * nibbles below the cut for IPv6. */
    char rev[PTR_REVNAME_BUFSZ];
    size_t rlen = 0, olen;
    if (ptr_revname(a, 0, rev, sizeof rev, &rlen) != PTR_OK)
        return stop(z, PTR_E_STORE, "the store gave a record without a valid address");
    if (a->family == 4)
        olen = (size_t)((const char *)memchr(rev, '.', rlen) - rev);
    else
        olen = (128u - z->v6_prefix) / 2u - 1u;
    char ttl[10];
    const size_t tlen = put_u32(ttl, ttl_value);

    for (size_t i = 0; i < count; i++) {
        size_t nlen = dlen;
        const char *name = deleted ? dname : ptr_record_name(rec, i, &nlen);
        if (!name || !nlen || !name_bytes_ok(name, nlen))
            return stop(z, PTR_E_STORE, "the store gave a name that is not a host name");
        /* owner \t ttl \t IN \t PTR \t name [.] \n */
        if (tbuf_reserve(&z->body, olen + tlen + nlen + 16))
            return stop(z, PTR_E_NOMEM, "out of memory");
        char *p = z->body.p + z->body.len;
        p = put(p, rev, olen);
        *p++ = '\t';
        p = put(p, ttl, tlen);
        p = PUT_LIT(p, "\tIN\tPTR\t");
        p = put(p, name, nlen);
        /* Stored names are absolute; one without its dot would silently become relative
         * to $ORIGIN (RFC 1035 §5.1), so it gets one. */
        if (name[nlen - 1] != '.')
            *p++ = '.';
        *p++ = '\n';
        z->body.len = (size_t)(p - z->body.p);
    }
    return 0;
}

static ptr_status read_store(ptr_store *store, const char *region, size_t region_len, zscan *z,
                             ptr_error *err)
{
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region.s = region;
    f.region.len = region_len;

    ptr_store_txn *txn = NULL;
    ptr_status st = ptr_store_begin(store, PTR_TXN_READ, &txn);
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0,
                         st == PTR_E_BUSY ? "the store was busy; try again"
                                          : "the store could not begin a read transaction");
    st = ptr_store_scan(store, txn, &f, NULL, visit, z);
    if (st == PTR_OK && z->st != PTR_OK) {
        ptr_store_rollback(store, txn);
        return ptr__fail(err, z->st, PTR_FIELD_NONE, 0, 0, z->why);
    }
    if (st != PTR_OK) {
        ptr_store_rollback(store, txn);
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the store's scan failed");
    }
    /* A read transaction's commit can still fail (a serializable database may only notice
     * a conflict there); then what was read is not a snapshot, and nothing is written. */
    st = ptr_store_commit(store, txn);
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the store's read transaction failed");
    return PTR_OK;
}

/* ---- writing ------------------------------------------------------------------ */

/* Where run i of the body ends. */
static size_t zone_end(const zscan *z, size_t i)
{
    return i + 1 < z->nzones ? z->zones[i + 1].off : z->body.len;
}

/* One zone to the sink: begin, $ORIGIN, the shared head, then each piece of its body. */
typedef struct zpiece {
    const char *p;
    size_t len;
} zpiece;

static ptr_status emit_zone(const ptr_zone_sink *sink, const char *zone, size_t zlen,
                            const zopts *o, const zpiece *pieces, size_t npieces, ptr_error *err)
{
    char line[8 + PTR_REVNAME_BUFSZ + 1];
    memcpy(line, "$ORIGIN ", 8);
    memcpy(line + 8, zone, zlen);
    line[8 + zlen] = '\0';
    ptr_status st = sink->begin(sink->user, line + 8, zlen);
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the zone sink's begin failed");
    line[8 + zlen] = '\n';
    if ((st = sink->write(sink->user, line, 8 + zlen + 1)) == PTR_OK)
        st = sink->write(sink->user, o->head.p, o->head.len);
    for (size_t i = 0; st == PTR_OK && i < npieces; i++)
        if (pieces[i].len)
            st = sink->write(sink->user, pieces[i].p, pieces[i].len);
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the zone sink's write failed");
    if ((st = sink->end(sink->user)) != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the zone sink's end failed");
    return PTR_OK;
}

static ptr_status zone_name(const ptr_addr *net, unsigned plen, char *buf, size_t *len,
                            ptr_error *err)
{
    const ptr_status st = ptr_revzone(net, plen, PTR_FQDN, buf, PTR_REVNAME_BUFSZ, len);
    if (st != PTR_OK) /* checked addresses and prefixes: cannot happen */
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "no reverse zone for an address");
    return PTR_OK;
}

/*
 * An IPv4 /24 with RFC 2317 blocks: the parent (its own runs, then per block
 * the delegation and CNAMEs), then each block's zone. Runs zones[i..iend)
 * and blocks[k..kend) all fall in this /24.
 */
static ptr_status emit_v4_with_blocks(const zscan *z, const zopts *o, size_t i, size_t iend,
                                      size_t k, size_t kend, const ptr_addr *net,
                                      const ptr_zone_sink *sink, size_t *done, ptr_error *err)
{
    const size_t n = (iend - i) + (kend - k);
    zpiece *pieces = z->body.alloc.malloc(z->body.alloc.ctx, (n ? n : 1) * sizeof *pieces);
    tbuf deleg = {z->body.alloc, NULL, 0, 0};
    const size_t room = ptr__zone_delegation_room(o->ns_lines.len, o->ns_count);
    if (!pieces || (kend - k) > SIZE_MAX / room || tbuf_reserve(&deleg, (kend - k) * room)) {
        if (pieces)
            z->body.alloc.free(z->body.alloc.ctx, pieces);
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    }
    size_t np = 0;
    for (size_t j = i; j < iend; j++)
        if (!z->zones[j].block)
            pieces[np++] = (zpiece){z->body.p + z->zones[j].off, zone_end(z, j) - z->zones[j].off};
    for (size_t j = k; j < kend; j++) {
        char *from = deleg.p + deleg.len;
        char *to = ptr__zone_delegation_put(from, &o->blocks[j], o->ns_lines.p, o->ns_lines.len);
        deleg.len += (size_t)(to - from);
        pieces[np++] = (zpiece){from, (size_t)(to - from)};
    }
    char name[PTR_REVNAME_BUFSZ];
    size_t nlen = 0;
    ptr_status st = zone_name(net, 24, name, &nlen, err);
    if (st == PTR_OK && (st = emit_zone(sink, name, nlen, o, pieces, np, err)) == PTR_OK)
        ++*done;
    for (size_t j = k; st == PTR_OK && j < kend; j++) {
        const ptr__zblock *b = &o->blocks[j];
        zpiece body = {NULL, 0};
        for (size_t m = i; m < iend; m++)
            if (z->zones[m].block == b)
                body = (zpiece){z->body.p + z->zones[m].off, zone_end(z, m) - z->zones[m].off};
        if ((st = emit_zone(sink, b->zone, b->zone_len, o, &body, 1, err)) == PTR_OK)
            ++*done;
    }
    tbuf_free(&deleg);
    z->body.alloc.free(z->body.alloc.ctx, pieces);
    return st;
}

/*
 * The zones in address order: IPv4 /24s (each followed by its RFC 2317
 * blocks' zones), then IPv6. A /24 with a block is written even without a
 * record, for the delegation.
 */
static ptr_status emit(const zscan *z, const zopts *o, const ptr_zone_sink *sink, size_t *done,
                       ptr_error *err)
{
    size_t i = 0, k = 0;
    while (i < z->nzones || k < o->nblocks) {
        const ptr_addr *e = i < z->nzones ? &z->zones[i].net : NULL;
        const ptr_addr *b = k < o->nblocks ? &o->blocks[k].net : NULL;
        ptr_status st;
        if (e && (!b || (e->family == 4 && memcmp(e->bytes, b->bytes, 3) < 0))) {
            /* A zone without blocks: one run. */
            char name[PTR_REVNAME_BUFSZ];
            size_t nlen = 0;
            const zpiece body = {z->body.p + z->zones[i].off, zone_end(z, i) - z->zones[i].off};
            st = zone_name(e, e->family == 4 ? 24u : z->v6_prefix, name, &nlen, err);
            if (st == PTR_OK)
                st = emit_zone(sink, name, nlen, o, &body, 1, err);
            if (st != PTR_OK)
                return st;
            ++*done;
            i++;
            continue;
        }
        /* The /24 of the next block, with its runs and its other blocks. */
        size_t iend = i, kend = k;
        while (iend < z->nzones && z->zones[iend].net.family == 4 &&
               memcmp(z->zones[iend].net.bytes, b->bytes, 3) == 0)
            iend++;
        while (kend < o->nblocks && memcmp(o->blocks[kend].net.bytes, b->bytes, 3) == 0)
            kend++;
        if ((st = emit_v4_with_blocks(z, o, i, iend, k, kend, b, sink, done, err)) != PTR_OK)
            return st;
        i = iend;
        k = kend;
    }
    return PTR_OK;
}

static ptr_status zone_export(ptr_store *store, const char *region, size_t region_len,
                              const ptr_zone_options *opts, const ptr_ctx *ctx,
                              const ptr_zone_sink *sink, size_t *zones, ptr_error *err)
{
    size_t done = 0;
    if (zones)
        *zones = 0;
    if (!store || !sink || !sink->begin || !sink->write || !sink->end)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "zone export needs a store and a sink with begin, write and end");
    if (!region || !region_len)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_REGION, 0, 0, "the region is empty");

    ptr_zone_options defaults;
    if (!opts) {
        ptr_zone_options_init(&defaults);
        opts = &defaults;
    }
    zopts o;
    zscan z;
    memset(&o, 0, sizeof o);
    memset(&z, 0, sizeof z);
    ptr__allocator_set(&o.head.alloc, NULL);
    ptr__allocator_set(&o.ns_lines.alloc, NULL);
    ptr__allocator_set(&z.body.alloc, NULL);

    ptr_status st = build_head(opts, &o, err);
    if (st == PTR_OK) {
        z.v6_prefix = o.v6_prefix;
        z.blocks = o.blocks;
        z.nblocks = o.nblocks;
        z.ctx = ctx;
        st = read_store(store, region, region_len, &z, err);
    }
    if (st == PTR_OK)
        st = emit(&z, &o, sink, &done, err);

    if (o.blocks)
        o.head.alloc.free(o.head.alloc.ctx, o.blocks);
    tbuf_free(&o.head);
    tbuf_free(&o.ns_lines);
    tbuf_free(&z.body);
    if (z.zones)
        z.body.alloc.free(z.body.alloc.ctx, z.zones);
    if (zones)
        *zones = done;
    return st;
}

ptr_status ptr_zone_export(ptr_store *store, const char *region, size_t region_len,
                           const ptr_zone_options *opts, const ptr_zone_sink *sink, size_t *zones,
                           ptr_error *err)
{
    return zone_export(store, region, region_len, opts, NULL, sink, zones, err);
}

ptr_status ptr_ctx_zone_export(ptr_ctx *ctx, const char *region, size_t region_len,
                               const ptr_zone_options *opts, const ptr_zone_sink *sink,
                               size_t *zones, ptr_error *err)
{
    if (zones)
        *zones = 0;
    if (!ctx)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "ptr_ctx_zone_export needs a context");
    return zone_export(ptr__ctx_store(ctx), region, region_len, opts, ctx, sink, zones, err);
}
