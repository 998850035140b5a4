/*
 * Reverse names: ptr_revname_parse, and ptr_revname / ptr_revzone of every
 * address the input yields.
 *
 * - The input as a reverse name: when it parses, the address is zero beyond
 *   the prefix, the prefix is a whole number of labels, and ptr_revzone of
 *   the result gives the input back in lower case without its trailing dot
 *   (the grammar has one spelling per name up to case and that dot).
 * - The input as address text, as CIDR text, and the address it parsed to
 *   as a reverse name: for each, ptr_revname and ptr_revzone at every
 *   prefix length (0..full+4, with and without PTR_FQDN, and the RFC 2317
 *   flags) are compared with text built here label by label, and every
 *   reverse name parses back to the same address and length: 32 or 128 for
 *   ptr_revname. Lengths the contract does not list must give PTR_E_INVAL.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x7e

static unsigned full_len(const ptr_addr *a)
{
    return a->family == 4 ? 32u : 128u;
}

/* a with every bit beyond the first len bits cleared. */
static ptr_addr masked(const ptr_addr *a, unsigned len)
{
    ptr_addr m = *a;
    for (unsigned bit = len; bit < 128; bit++)
        m.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    return m;
}

/* Append text to out (capacity PTR_REVNAME_BUFSZ + 16), keeping *n. */
static void put(char *out, size_t *n, const char *text)
{
    const size_t len = strlen(text);
    FUZZ_CHECK(*n + len < PTR_REVNAME_BUFSZ + 16);
    memcpy(out + *n, text, len + 1);
    *n += len;
}

/* The reverse zone of a at len bits (a zone length: octets or nibbles), built here. */
static size_t expect_zone(const ptr_addr *a, unsigned len, int fqdn, char *out)
{
    size_t n = 0;
    char label[8];
    out[0] = '\0';
    if (a->family == 4) {
        for (unsigned i = len / 8; i-- > 0;) {
            snprintf(label, sizeof label, "%u.", (unsigned)a->bytes[i]);
            put(out, &n, label);
        }
        put(out, &n, "in-addr.arpa");
    } else {
        static const char hex[] = "0123456789abcdef";
        for (unsigned i = len / 4; i-- > 0;) {
            const unsigned b = a->bytes[i / 2];
            label[0] = hex[i % 2 ? b & 0xfu : b >> 4];
            label[1] = '.';
            label[2] = '\0';
            put(out, &n, label);
        }
        put(out, &n, "ip6.arpa");
    }
    if (fqdn)
        put(out, &n, ".");
    return n;
}

/* RFC 2317 classless zone "first-last.c.b.a.in-addr.arpa" or "first/len.c.b.a...". */
static size_t expect_rfc2317(const ptr_addr *a, unsigned len, int slash, int fqdn, char *out)
{
    const unsigned size = 1u << (32 - len);
    const unsigned first = a->bytes[3] & ~(size - 1) & 0xffu;
    char label[16];
    if (slash)
        snprintf(label, sizeof label, "%u/%u.", first, len);
    else
        snprintf(label, sizeof label, "%u-%u.", first, first + size - 1);
    size_t n = 0;
    out[0] = '\0';
    put(out, &n, label);
    char rest[PTR_REVNAME_BUFSZ + 16];
    expect_zone(a, 24, fqdn, rest);
    put(out, &n, rest);
    return n;
}

/* ptr_revname_parse of a name we produced gives (want, len), also without prefix_len. */
static void check_parses_back(const char *name, size_t n, const ptr_addr *want, unsigned len)
{
    char *copy = fuzz_dup((const uint8_t *)name, n);
    ptr_addr got;
    unsigned got_len = 9999;
    FUZZ_STATUS(ptr_revname_parse(copy, n, &got, &got_len), PTR_OK);
    FUZZ_CHECK(fuzz_addr_same(&got, want));
    FUZZ_CHECK(got_len == len);
    const ptr_status st = ptr_revname_parse(copy, n, &got, NULL);
    if (len == full_len(want)) {
        FUZZ_STATUS(st, PTR_OK);
        FUZZ_CHECK(fuzz_addr_same(&got, want));
    } else {
        FUZZ_STATUS(st, PTR_E_NOT_HOST);
    }
    free(copy);
}

/* Output text matches want exactly; a buffer one byte short gives PTR_E_BUFFER. */
static void check_text(const char *buf, size_t n, const char *want, size_t wn)
{
    FUZZ_CHECK(n == wn);
    FUZZ_CHECK(memcmp(buf, want, wn + 1) == 0);
    FUZZ_CHECK(n < PTR_REVNAME_BUFSZ);
}

static void check_short_buffer(const ptr_addr *a, unsigned len, unsigned flags, size_t n, int zone)
{
    char buf[PTR_REVNAME_BUFSZ];
    size_t need = 0;
    memset(buf, CANARY, sizeof buf);
    const ptr_status st =
        zone ? ptr_revzone(a, len, flags, buf, n, &need) : ptr_revname(a, flags, buf, n, &need);
    FUZZ_STATUS(st, PTR_E_BUFFER);
    FUZZ_CHECK(need == n);
    for (size_t i = 0; i < sizeof buf; i++)
        FUZZ_CHECK((unsigned char)buf[i] == CANARY);
}

static void check_revname(const ptr_addr *a)
{
    char buf[PTR_REVNAME_BUFSZ], want[PTR_REVNAME_BUFSZ + 16];
    for (int fqdn = 0; fqdn <= 1; fqdn++) {
        const unsigned flags = fqdn ? PTR_FQDN : 0u;
        size_t n = 0;
        const ptr_status st = ptr_revname(a, flags, buf, sizeof buf, &n);
        if (fuzz_unsupported(st, "ptr_revname"))
            return;
        FUZZ_STATUS(st, PTR_OK);
        const size_t wn = expect_zone(a, full_len(a), fqdn, want);
        check_text(buf, n, want, wn);
        FUZZ_CHECK(a->family == 4 || n == 72u + (size_t)fqdn);
        check_short_buffer(a, 0, flags, n, 0);
        check_parses_back(buf, n, a, full_len(a));
    }
    FUZZ_STATUS(ptr_revname(a, 0x80u, buf, sizeof buf, NULL), PTR_E_INVAL);
}

static void check_revzones(const ptr_addr *a)
{
    char buf[PTR_REVNAME_BUFSZ], want[PTR_REVNAME_BUFSZ + 16];
    const unsigned full = full_len(a);
    for (unsigned len = 0; len <= full + 4; len++) {
        const ptr_addr m = masked(a, len);
        const int zone_len =
            a->family == 4 ? len % 8 == 0 && len <= 32 : len % 4 == 0 && len <= 128;
        for (int fqdn = 0; fqdn <= 1; fqdn++) {
            const unsigned flags = fqdn ? PTR_FQDN : 0u;
            size_t n = 0;
            ptr_status st = ptr_revzone(a, len, flags, buf, sizeof buf, &n);
            if (fuzz_unsupported(st, "ptr_revzone"))
                return;
            if (!zone_len) {
                FUZZ_STATUS(st, PTR_E_INVAL);
            } else {
                FUZZ_STATUS(st, PTR_OK);
                check_text(buf, n, want, expect_zone(&m, len, fqdn, want));
                check_short_buffer(a, len, flags, n, 1);
                check_parses_back(buf, n, &m, len);
            }
            if (a->family != 4 || len < 25 || len > 31)
                continue;
            for (int slash = 0; slash <= 1; slash++) {
                const unsigned f =
                    flags | (slash ? PTR_REVZONE_RFC2317_SLASH : PTR_REVZONE_RFC2317_RANGE);
                st = ptr_revzone(a, len, f, buf, sizeof buf, &n);
                FUZZ_STATUS(st, PTR_OK);
                check_text(buf, n, want, expect_rfc2317(a, len, slash, fqdn, want));
                check_short_buffer(a, len, f, n, 1);
                /* "first-last" and "first/len" are not octet labels. */
                ptr_addr junk;
                unsigned junk_len;
                FUZZ_STATUS(ptr_revname_parse(buf, n, &junk, &junk_len), PTR_E_REVNAME);
            }
            st = ptr_revzone(a, len, flags | PTR_REVZONE_RFC2317_RANGE | PTR_REVZONE_RFC2317_SLASH,
                             buf, sizeof buf, &n);
            FUZZ_STATUS(st, PTR_E_INVAL);
        }
    }
    FUZZ_STATUS(ptr_revzone(a, 0, 0x80u, buf, sizeof buf, NULL), PTR_E_INVAL);
}

static void check_address(const ptr_addr *a)
{
    check_revname(a);
    check_revzones(a);
}

/* The input as a reverse name. */
static void check_input_revname(const char *s, size_t size)
{
    ptr_addr a;
    unsigned len = 9999;
    const ptr_status st = ptr_revname_parse(s, size, &a, &len);
    if (fuzz_unsupported(st, "ptr_revname_parse"))
        return;
    ptr_addr b;
    const ptr_status host_st = ptr_revname_parse(s, size, &b, NULL);
    if (st != PTR_OK) {
        FUZZ_STATUS(st, PTR_E_REVNAME);
        FUZZ_STATUS(host_st, PTR_E_REVNAME);
        return;
    }

    FUZZ_CHECK(a.family == 4 || a.family == 6);
    const unsigned full = full_len(&a);
    FUZZ_CHECK(len <= full && len % (a.family == 4 ? 8u : 4u) == 0);
    const ptr_addr m = masked(&a, len);
    FUZZ_CHECK(memcmp(&m, &a, sizeof a) == 0); /* zero-filled beyond the prefix */
    if (len == full) {
        FUZZ_STATUS(host_st, PTR_OK);
        FUZZ_CHECK(fuzz_addr_same(&a, &b));
    } else {
        FUZZ_STATUS(host_st, PTR_E_NOT_HOST);
    }

    /* The one spelling: lower case, no trailing dot. */
    size_t n = size;
    if (n > 0 && s[n - 1] == '.')
        n--;
    FUZZ_CHECK(n < PTR_REVNAME_BUFSZ);
    char want[PTR_REVNAME_BUFSZ], buf[PTR_REVNAME_BUFSZ];
    for (size_t i = 0; i < n; i++)
        want[i] = (char)fuzz_lower((unsigned char)s[i]);
    want[n] = '\0';
    size_t got = 0;
    const ptr_status zst = ptr_revzone(&a, len, 0, buf, sizeof buf, &got);
    if (fuzz_unsupported(zst, "ptr_revzone"))
        return;
    FUZZ_STATUS(zst, PTR_OK);
    check_text(buf, got, want, n);

    check_address(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    check_input_revname(s, size);

    ptr_addr a;
    ptr_status st = ptr_addr_parse(s, size, &a);
    if (!fuzz_unsupported(st, "ptr_addr_parse") && st == PTR_OK)
        check_address(&a);

    unsigned len;
    st = ptr_prefix_parse(s, size, &a, &len);
    if (!fuzz_unsupported(st, "ptr_prefix_parse") && st == PTR_OK && len != full_len(&a))
        check_address(&a);
    return 0;
}
