/*
 * RFC 2317 classless delegation for zone export: which blocks are allowed,
 * which zone an address belongs to, and what the parent /24 zone says about
 * a delegated block.
 *
 * A block is /25../31: a /24 or shorter is an ordinary zone, and a /32 is a
 * single address, which a CNAME of its own reverse name already covers with
 * no zone to delegate. A CNAME may not share its name with other data (RFC
 * 1034 §3.6.2), so the parent carries CNAMEs for the block's addresses and
 * never their PTRs; zone.c sends those PTRs to the child.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "zone/zone_internal.h"

/* "%u" texts for ptr__failn; the block's position in the options is the error's index. */
static ptr_status block_fail(ptr_error *err, size_t i, const char *msg, uint64_t num)
{
    return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, (uint32_t)i, 0, msg, num);
}

static int by_address(const void *x, const void *y)
{
    const ptr__zblock *a = x, *b = y;
    return ptr_addr_compare(&a->net, &b->net);
}

/* The host bits of a /plen IPv4 block: the low (32 - plen) bits of the last octet. */
static unsigned host_mask(unsigned plen)
{
    return (1u << (32u - plen)) - 1u;
}

ptr_status ptr__zone_blocks(const ptr_zone_options *o, const ptr_allocator *al, ptr__zblock **out,
                            size_t *n, ptr_error *err)
{
    *out = NULL;
    *n = 0;
    if (o->struct_size < offsetof(ptr_zone_options, classless_count) + sizeof(size_t) ||
        !o->classless_count)
        return PTR_OK;
    if (!o->classless)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "ptr_zone_options.classless is NULL with classless_count above 0");
    /* 128 /31 blocks fill a /24; more than all /24s of IPv4 is a caller's bug. */
    if (o->classless_count > ((size_t)1 << 24) || o->classless_count > UINT32_MAX)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "too many classless blocks");
    for (size_t i = 0; i < o->classless_count; i++) {
        const ptr_zone_block *b = &o->classless[i];
        if (b->net.family != 4)
            return block_fail(err, i, "classless block %u: RFC 2317 delegates IPv4 blocks only", i);
        if (b->prefix_len < 25 || b->prefix_len > 31)
            return block_fail(err, i,
                              "classless block %u: the prefix length must be 25 to 31 (a /24 "
                              "is a zone of its own, a /32 a single address)",
                              i);
        if (b->net.bytes[3] & host_mask(b->prefix_len))
            return block_fail(err, i,
                              "classless block %u: bits beyond the prefix length are set; give "
                              "the block's first address",
                              i);
    }
    /* Sorted, each block keeping its position for the message; an overlap then shows as a
     * block that starts before its predecessor ends. */
    ptr__zblock *z = al->malloc(al->ctx, o->classless_count * sizeof *z);
    if (!z)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    for (size_t i = 0; i < o->classless_count; i++) {
        memset(&z[i], 0, sizeof z[i]);
        z[i].net = o->classless[i].net;
        z[i].plen = o->classless[i].prefix_len;
        z[i].pos = i;
    }
    qsort(z, o->classless_count, sizeof *z, by_address);
    ptr_status st = PTR_OK;
    for (size_t i = 1; i < o->classless_count && st == PTR_OK; i++) {
        const ptr__zblock *a = &z[i - 1], *b = &z[i];
        const unsigned a_last = a->net.bytes[3] | host_mask(a->plen);
        if (memcmp(a->net.bytes, b->net.bytes, 3) == 0 && b->net.bytes[3] <= a_last) {
            const size_t later = a->pos > b->pos ? a->pos : b->pos;
            const size_t earlier = a->pos > b->pos ? b->pos : a->pos;
            char msg[PTR_ERROR_MESSAGE_SIZE] = "classless block %u overlaps block ";
            size_t at = strlen(msg);
            char num[24];
            size_t k = 0, v = earlier;
            do {
                num[k++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            while (k)
                msg[at++] = num[--k];
            msg[at] = '\0';
            st = block_fail(err, later, msg, later);
        }
    }
    for (size_t i = 0; i < o->classless_count && st == PTR_OK; i++) {
        /* Checked above: IPv4, /25../31, so the name fits and the call cannot fail. */
        st = ptr_revzone(&z[i].net, z[i].plen, PTR_FQDN | PTR_REVZONE_RFC2317_SLASH, z[i].zone,
                         sizeof z[i].zone, &z[i].zone_len);
        z[i].label_len = (size_t)((const char *)memchr(z[i].zone, '.', z[i].zone_len) - z[i].zone);
    }
    if (st != PTR_OK) {
        al->free(al->ctx, z);
        return st;
    }
    *out = z;
    *n = o->classless_count;
    return PTR_OK;
}

const ptr__zblock *ptr__zone_block_of(const ptr__zblock *b, size_t n, const ptr_addr *a)
{
    if (a->family != 4)
        return NULL;
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the last block starting at or before a */
        const size_t mid = lo + (hi - lo) / 2;
        if (ptr_addr_compare(&b[mid].net, a) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const ptr__zblock *z = &b[lo - 1];
    return memcmp(z->net.bytes, a->bytes, 3) == 0 &&
                   (a->bytes[3] & ~host_mask(z->plen) & 0xFFu) == z->net.bytes[3]
               ? z
               : NULL;
}

size_t ptr__zone_delegation_room(size_t ns_lines_len, size_t ns_count)
{
    /* NS: the label (at most "255/31", 6 bytes) per NS line; CNAME: at most 128 of
     * "255\tIN\tCNAME\t255." + the zone + "\n". */
    return ns_lines_len + ns_count * 8 + 128 * (24 + PTR_REVNAME_BUFSZ);
}

/* Decimal of v (0..255) at p; returns the end. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

char *ptr__zone_delegation_put(char *p, const ptr__zblock *b, const char *ns_lines,
                               size_t ns_lines_len)
{
    for (size_t i = 0; i < ns_lines_len;) {
        const char *nl = memchr(ns_lines + i, '\n', ns_lines_len - i);
        const size_t len = (size_t)(nl - (ns_lines + i)) + 1;
        memcpy(p, b->zone, b->label_len);
        p += b->label_len;
        memcpy(p, ns_lines + i, len);
        p += len;
        i += len;
    }
    const unsigned first = b->net.bytes[3], last = first | host_mask(b->plen);
    for (unsigned v = first; v <= last; v++) {
        p = put_octet(p, v);
        memcpy(p, "\tIN\tCNAME\t", 10);
        p += 10;
        p = put_octet(p, v);
        *p++ = '.';
        memcpy(p, b->zone, b->zone_len);
        p += b->zone_len;
        *p++ = '\n';
    }
    return p;
}
