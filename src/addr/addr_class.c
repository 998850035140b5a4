/*
 * Address class and order: ptr_addr_is_public, ptr_addr_compare.
 *
 * "Public" means an address a tenant could really hold on the Internet and
 * want a PTR record for. The ranges below come from the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890, updated by RFC 8190), as
 * published at
 *   https://www.iana.org/assignments/iana-ipv4-special-registry/
 *   https://www.iana.org/assignments/iana-ipv6-special-registry/
 * plus the multicast and reserved blocks of the IPv4 and IPv6 address space
 * registries, which the special-purpose registries do not repeat.
 *
 * Where the registry marks a small block inside a larger special range as
 * "globally reachable" (192.0.0.9/32 and 192.0.0.10/32 anycast inside
 * 192.0.0.0/24; TURN, PCP, AMT, AS112, ORCHIDv2 and DET blocks inside
 * 2001::/23), the whole larger range is still treated as not public: those
 * are protocol anycast services run by their operators, never addresses a
 * cloud hands to a tenant, and one rule per block keeps the table auditable.
 * Blocks that are globally reachable on their own (AS112 192.31.196.0/24,
 * AMT 192.52.193.0/24, 192.175.48.0/24, 2620:4f:8000::/48) are not listed,
 * so they count as public.
 */
#include <string.h>

#include "util/internal.h"

struct v4_block {
    uint32_t net; /* host byte order */
    uint8_t len;
};

/* IPv4 blocks that are not public unicast. */
static const struct v4_block v4_special[] = {
    {0x00000000u, 8},  /* 0.0.0.0/8        "this network", RFC 791, RFC 1122 §3.2.1.3 */
    {0x0a000000u, 8},  /* 10.0.0.0/8       private, RFC 1918 */
    {0x64400000u, 10}, /* 100.64.0.0/10    shared address space (CGN), RFC 6598 */
    {0x7f000000u, 8},  /* 127.0.0.0/8      loopback, RFC 1122 §3.2.1.3 */
    {0xa9fe0000u, 16}, /* 169.254.0.0/16   link-local, RFC 3927 */
    {0xac100000u, 12}, /* 172.16.0.0/12    private, RFC 1918 */
    {0xc0000000u, 24}, /* 192.0.0.0/24     IETF protocol assignments, RFC 6890 §2.1 */
    {0xc0000200u, 24}, /* 192.0.2.0/24     documentation TEST-NET-1, RFC 5737 */
    {0xc0586300u, 24}, /* 192.88.99.0/24   6to4 relay anycast, deprecated by RFC 7526 */
    {0xc0a80000u, 16}, /* 192.168.0.0/16   private, RFC 1918 */
    {0xc6120000u, 15}, /* 198.18.0.0/15    benchmarking, RFC 2544 */
    {0xc6336400u, 24}, /* 198.51.100.0/24  documentation TEST-NET-2, RFC 5737 */
    {0xcb007100u, 24}, /* 203.0.113.0/24   documentation TEST-NET-3, RFC 5737 */
    {0xe0000000u, 4},  /* 224.0.0.0/4      multicast, RFC 5771 */
    {0xf0000000u, 4},  /* 240.0.0.0/4      reserved, RFC 1112 §4; covers 255.255.255.255 */
};

struct v6_block {
    uint8_t net[6]; /* every block here fits in its first 48 bits */
    uint8_t len;
};

/*
 * IPv6 blocks inside 2000::/3 that are not public unicast. Everything outside
 * 2000::/3 is already excluded (see is_public6), which covers ::/128, ::1/128,
 * ::ffff:0:0/96, 64:ff9b::/96 (RFC 6052), 64:ff9b:1::/48 (RFC 8215),
 * 100::/64 (RFC 6666), fc00::/7 (RFC 4193), fe80::/10 (RFC 4291 §2.5.6) and
 * ff00::/8 (RFC 4291 §2.7).
 */
static const struct v6_block v6_special[] = {
    {{0x20, 0x01, 0x00, 0x00, 0, 0}, 23}, /* 2001::/23      IETF protocol assignments, RFC 2928 */
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0}, 32}, /* 2001:db8::/32  documentation, RFC 3849 */
    {{0x20, 0x02, 0x00, 0x00, 0, 0}, 16}, /* 2002::/16      6to4, RFC 3056 */
    {{0x3f, 0xff, 0x00, 0x00, 0, 0}, 20}, /* 3fff::/20      documentation, RFC 9637 */
};

/* Are the first len bits of addr those of net? */
static int in_block(const uint8_t *addr, const uint8_t *net, unsigned len)
{
    const unsigned full = len / 8, rest = len % 8;
    for (unsigned i = 0; i < full; i++)
        if (addr[i] != net[i])
            return 0;
    if (rest == 0)
        return 1;
    const uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (addr[full] & mask) == (net[full] & mask);
}

int ptr_addr_in_prefix(const ptr_addr *net, unsigned prefix_len, const ptr_addr *a)
{
    if (!net || !a || net->family != a->family)
        return 0;
    if (prefix_len > (net->family == 4 ? 32u : net->family == 6 ? 128u : 0u))
        return 0;
    return in_block(a->bytes, net->bytes, prefix_len);
}

static int is_public4(const uint8_t b[4])
{
    const uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    for (size_t i = 0; i < sizeof v4_special / sizeof v4_special[0]; i++) {
        const uint32_t mask = 0xffffffffu << (32 - v4_special[i].len);
        if ((a & mask) == v4_special[i].net)
            return 0;
    }
    return 1;
}

static int is_public6(const uint8_t b[16])
{
    /* Only 2000::/3 is allocated for global unicast (RFC 4291 §2.4; IANA
     * IPv6 address space registry); the rest of the space is special or
     * reserved. */
    if ((b[0] & 0xe0) != 0x20)
        return 0;
    for (size_t i = 0; i < sizeof v6_special / sizeof v6_special[0]; i++)
        if (in_block(b, v6_special[i].net, v6_special[i].len))
            return 0;
    return 1;
}

int ptr_addr_is_public(const ptr_addr *a)
{
    if (!a)
        return 0;
    if (a->family == 4)
        return is_public4(a->bytes);
    if (a->family == 6)
        return is_public6(a->bytes);
    return 0;
}

/* Store order: IPv4 before IPv6, then the bytes as one unsigned number. */
int ptr_addr_compare(const ptr_addr *a, const ptr_addr *b)
{
    if (!a || !b)
        return 0;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}
