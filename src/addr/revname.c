/*
 * Reverse names and reverse zones: ptr_revname, ptr_revname_parse,
 * ptr_revzone, ptr_revname_bufsz.
 *
 * IPv4 (RFC 1035 §3.5): the four octets in decimal, least significant first,
 * under in-addr.arpa. IPv6 (RFC 3596 §2.5): the 32 nibbles in hex, least
 * significant first, under ip6.arpa. Names are written in lower case and
 * read in any case, since DNS names compare case-insensitively
 * (RFC 4343).
 *
 * Text → reverse name is on the hot path of bulk imports and zone export,
 * so labels are copied from tables, four bytes at a time, rather than
 * converted digit by digit.
 */
#include <string.h>

#include "util/internal.h"

/*
 * Octet v as decimal text followed by its label dot, padded with NULs to four
 * bytes ("7.", "42.", "255."). Built by the preprocessor so the table cannot
 * hold a typo.
 */
/* clang-format off */
#define DEC0(v) ((v) >= 100 ? '0' + (v) / 100 : (v) >= 10 ? '0' + (v) / 10 : '0' + (v))
#define DEC1(v) ((v) >= 100 ? '0' + (v) / 10 % 10 : (v) >= 10 ? '0' + (v) % 10 : '.')
#define DEC2(v) ((v) >= 100 ? '0' + (v) % 10 : (v) >= 10 ? '.' : 0)
#define DEC3(v) ((v) >= 100 ? '.' : 0)
#define DEC(v) {(char)DEC0(v), (char)DEC1(v), (char)DEC2(v), (char)DEC3(v)}
#define DEC4(v) DEC(v), DEC((v) + 1), DEC((v) + 2), DEC((v) + 3)
#define DEC16(v) DEC4(v), DEC4((v) + 4), DEC4((v) + 8), DEC4((v) + 12)
#define DEC64(v) DEC16(v), DEC16((v) + 16), DEC16((v) + 32), DEC16((v) + 48)
static const char octet_label[256][4] = {DEC64(0), DEC64(64), DEC64(128), DEC64(192)};
/* clang-format on */

/* Bytes octet_label[v] really uses: digits and the dot. */
static inline size_t octet_label_len(unsigned v)
{
    return 2u + (v >= 10) + (v >= 100);
}

/*
 * Byte b as its two nibble labels, low nibble first as ip6.arpa orders them
 * ("b" "." "a" "." for 0xab).
 */
/* clang-format off */
#define HEXC(n) ((n) < 10 ? '0' + (n) : 'a' + (n) - 10)
#define NIB(b) {(char)HEXC((b) & 15), '.', (char)HEXC((b) >> 4), '.'}
#define NIB4(b) NIB(b), NIB((b) + 1), NIB((b) + 2), NIB((b) + 3)
#define NIB16(b) NIB4(b), NIB4((b) + 4), NIB4((b) + 8), NIB4((b) + 12)
#define NIB64(b) NIB16(b), NIB16((b) + 16), NIB16((b) + 32), NIB16((b) + 48)
static const char nibble_labels[256][4] = {NIB64(0), NIB64(64), NIB64(128), NIB64(192)};
/* clang-format on */

static const char hex_lower[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
                                   '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

#define V4_SUFFIX     "in-addr.arpa"
#define V4_SUFFIX_LEN (sizeof V4_SUFFIX - 1)
#define V6_SUFFIX     "ip6.arpa"
#define V6_SUFFIX_LEN (sizeof V6_SUFFIX - 1)

size_t ptr_revname_bufsz(void)
{
    return PTR_REVNAME_BUFSZ;
}

/* The first `count` octets of b as labels, last octet first; returns the new end. */
static char *put_octet_labels(char *p, const uint8_t *b, unsigned count)
{
    while (count--) {
        /* Four bytes always fit: a suffix follows every label. */
        memcpy(p, octet_label[b[count]], 4);
        p += octet_label_len(b[count]);
    }
    return p;
}

static size_t octet_labels_len(const uint8_t *b, unsigned count)
{
    size_t n = 0;
    while (count--)
        n += octet_label_len(b[count]);
    return n;
}

/* Suffix, optional root dot, NUL. */
static void put_suffix(char *p, const char *suffix, size_t suffix_len, size_t dot)
{
    memcpy(p, suffix, suffix_len);
    p += suffix_len;
    if (dot)
        *p++ = '.';
    *p = '\0';
}

ptr_status ptr_revname(const ptr_addr *a, unsigned flags, char *buf, size_t cap, size_t *out_len)
{
    if (!a || !buf || (flags & ~PTR_FQDN))
        return PTR_E_INVAL;
    const size_t dot = flags & PTR_FQDN;
    size_t n;
    if (a->family == 4) {
        n = octet_labels_len(a->bytes, 4) + V4_SUFFIX_LEN + dot;
        if (out_len)
            *out_len = n;
        if (cap <= n)
            return PTR_E_BUFFER;
        put_suffix(put_octet_labels(buf, a->bytes, 4), V4_SUFFIX, V4_SUFFIX_LEN, dot);
        return PTR_OK;
    }
    if (a->family != 6)
        return PTR_E_INVAL;
    n = 64 + V6_SUFFIX_LEN + dot;
    if (out_len)
        *out_len = n;
    if (cap <= n)
        return PTR_E_BUFFER;
    char *p = buf;
    for (unsigned i = 16; i--; p += 4)
        memcpy(p, nibble_labels[a->bytes[i]], 4);
    put_suffix(p, V6_SUFFIX, V6_SUFFIX_LEN, dot);
    return PTR_OK;
}

/* Decimal length of v (0..255), for the RFC 2317 label. */
static size_t dec_len(unsigned v)
{
    return 1u + (v >= 10) + (v >= 100);
}

static char *put_dec(char *p, unsigned v)
{
    memcpy(p, octet_label[v], 4);
    return p + dec_len(v);
}

/*
 * IPv4 zone. For /25../31, RFC 2317 §4 delegates a classless block through a
 * zone named by one more label in front of the /24. Its examples spell the
 * label "first/len"; the label is the delegator's choice, and "first-last"
 * is the common spelling where a '/' is awkward (file names, some tools),
 * hence the two flags.
 */
static ptr_status revzone4(const uint8_t *b, unsigned plen, unsigned flags, char *buf, size_t cap,
                           size_t *out_len)
{
    const size_t dot = flags & PTR_FQDN;
    const unsigned style = flags & (PTR_REVZONE_RFC2317_RANGE | PTR_REVZONE_RFC2317_SLASH);
    if (plen > 32)
        return PTR_E_INVAL;
    if (plen % 8 == 0) {
        const unsigned k = plen / 8;
        const size_t n = octet_labels_len(b, k) + V4_SUFFIX_LEN + dot;
        if (out_len)
            *out_len = n;
        if (cap <= n)
            return PTR_E_BUFFER;
        put_suffix(put_octet_labels(buf, b, k), V4_SUFFIX, V4_SUFFIX_LEN, dot);
        return PTR_OK;
    }
    if (plen < 25 || style == 0)
        return PTR_E_INVAL;

    const unsigned host = 0xffu >> (plen - 24);
    const unsigned first = b[3] & ~host & 0xffu;
    const unsigned second = style == PTR_REVZONE_RFC2317_RANGE ? first | host : plen;
    const size_t n =
        dec_len(first) + 1 + dec_len(second) + 1 + octet_labels_len(b, 3) + V4_SUFFIX_LEN + dot;
    if (out_len)
        *out_len = n;
    if (cap <= n)
        return PTR_E_BUFFER;
    char *p = put_dec(buf, first);
    *p++ = style == PTR_REVZONE_RFC2317_RANGE ? '-' : '/';
    p = put_dec(p, second);
    *p++ = '.';
    put_suffix(put_octet_labels(p, b, 3), V4_SUFFIX, V4_SUFFIX_LEN, dot);
    return PTR_OK;
}

/* IPv6 zone: one label per nibble of the prefix (RFC 3596 §2.5). */
static ptr_status revzone6(const uint8_t *b, unsigned plen, unsigned flags, char *buf, size_t cap,
                           size_t *out_len)
{
    const size_t dot = flags & PTR_FQDN;
    if (plen > 128 || plen % 4 != 0)
        return PTR_E_INVAL;
    const unsigned k = plen / 4;
    const size_t n = 2 * (size_t)k + V6_SUFFIX_LEN + dot;
    if (out_len)
        *out_len = n;
    if (cap <= n)
        return PTR_E_BUFFER;
    char *p = buf;
    for (unsigned i = k; i--;) {
        const unsigned nib = i % 2 ? b[i / 2] & 0xfu : (unsigned)b[i / 2] >> 4;
        *p++ = hex_lower[nib];
        *p++ = '.';
    }
    put_suffix(p, V6_SUFFIX, V6_SUFFIX_LEN, dot);
    return PTR_OK;
}

ptr_status ptr_revzone(const ptr_addr *a, unsigned prefix_len, unsigned flags, char *buf,
                       size_t cap, size_t *out_len)
{
    const unsigned rfc2317 = PTR_REVZONE_RFC2317_RANGE | PTR_REVZONE_RFC2317_SLASH;
    if (!a || !buf || (flags & ~(PTR_FQDN | rfc2317)) || (flags & rfc2317) == rfc2317)
        return PTR_E_INVAL;
    /* An RFC 2317 style flag only matters for IPv4 /25../31, so a caller can
     * pass its preferred style along with any prefix, IPv6 included. */
    if (a->family == 4)
        return revzone4(a->bytes, prefix_len, flags, buf, cap, out_len);
    if (a->family == 6)
        return revzone6(a->bytes, prefix_len, flags, buf, cap, out_len);
    return PTR_E_INVAL;
}

/*
 * Case-insensitive match of n bytes against a lower-case literal. fold has
 * 0x20 where the literal has a letter, so only letters have their case bit
 * forced and no other byte can fold onto '-' or '.'. One pass without a
 * branch a byte: the compiler unrolls it for the fixed suffix lengths.
 */
static inline int suffix_eq(const unsigned char *p, const char *lit, const char *fold, size_t n)
{
    unsigned diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned)((p[i] | (unsigned char)fold[i]) ^ (unsigned char)lit[i]);
    return diff == 0;
}

static int is_v4_suffix(const unsigned char *p)
{
    return suffix_eq(p, V4_SUFFIX, "\x20\x20\0\x20\x20\x20\x20\0\x20\x20\x20\x20", V4_SUFFIX_LEN);
}

static int is_v6_suffix(const unsigned char *p)
{
    return suffix_eq(p, V6_SUFFIX, "\x20\x20\0\0\x20\x20\x20\x20", V6_SUFFIX_LEN);
}

/*
 * Octet labels in [p, end), each followed by its dot, most significant last:
 * the general case, zones included. Fills b and *count; 0 when a label is
 * not decimal 0..255 without leading zeros or there are more than four.
 * RFC 2317 labels ("0/25", "0-127") are refused too: they name a delegated
 * zone, not an address or a prefix that ptr_revzone could print without a
 * style flag, and a PTR owner name never contains them.
 */
static int parse_octet_labels(const unsigned char *p, const unsigned char *end, uint8_t b[4],
                              unsigned *count)
{
    uint8_t tmp[4];
    unsigned k = 0;
    while (p != end) {
        const unsigned char *label = p;
        unsigned v = 0;
        while (p != end && ptr__is_digit(*p) && p - label < 3)
            v = v * 10 + (unsigned)(*p++ - '0');
        if (k == 4 || p == label || p == end || *p != '.' || v > 255 ||
            (*label == '0' && p - label > 1))
            return 0;
        p++;
        tmp[k++] = (uint8_t)v;
    }
    for (unsigned i = 0; i < k; i++)
        b[i] = tmp[k - 1 - i];
    *count = k;
    return 1;
}

static int hex_value(unsigned char c)
{
    if (ptr__is_digit(c))
        return c - '0';
    c = ptr__lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Nibble labels in [p, end), each "x." , least significant first. */
static int parse_nibble_labels(const unsigned char *p, const unsigned char *end, uint8_t b[16],
                               unsigned *count)
{
    const size_t n = (size_t)(end - p);
    if (n % 2 != 0 || n > 64)
        return 0;
    uint8_t tmp[16] = {0};
    const unsigned k = (unsigned)(n / 2);
    for (unsigned j = 0; j < k; j++, p += 2) {
        const int v = hex_value(p[0]);
        if (v < 0 || p[1] != '.')
            return 0;
        const unsigned i = k - 1 - j; /* nibble index, most significant first */
        tmp[i / 2] |= (uint8_t)(i % 2 ? (unsigned)v : (unsigned)v << 4);
    }
    memcpy(b, tmp, 16);
    *count = k;
    return 1;
}

/*
 * The labels of a full in-addr.arpa name are a dotted quad in reverse, so the
 * address parser's fast path reads them; parse_octet_labels does the rest.
 * Writes straight into *out (only on success): a copy of a struct just
 * written byte by byte would wait on store forwarding.
 */
static int full_v4_name(const unsigned char *p, const unsigned char *labels_end, ptr_addr *out)
{
    ptr_addr q;
    if (labels_end - p < 8 || labels_end[-1] != '.' ||
        ptr_addr_parse((const char *)p, (size_t)(labels_end - 1 - p), &q) != PTR_OK ||
        q.family != 4)
        return 0;
    out->family = 4;
    for (unsigned i = 0; i < 4; i++)
        out->bytes[i] = q.bytes[3 - i];
    memset(out->bytes + 4, 0, 12);
    return 1;
}

ptr_status ptr_revname_parse(const char *s, size_t len, ptr_addr *out, unsigned *prefix_len)
{
    if (!out || (!s && len))
        return PTR_E_INVAL;
    if (len == 0)
        return PTR_E_REVNAME;
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    if (end[-1] == '.')
        end--; /* the root label's dot is optional */

    ptr_addr a;
    memset(&a, 0, sizeof a);
    unsigned k, plen, full;
    const size_t n = (size_t)(end - p);
    if (n >= V4_SUFFIX_LEN && is_v4_suffix(end - V4_SUFFIX_LEN)) {
        const unsigned char *labels_end = end - V4_SUFFIX_LEN;
        if (full_v4_name(p, labels_end, out)) {
            if (prefix_len)
                *prefix_len = 32;
            return PTR_OK;
        }
        if (!parse_octet_labels(p, labels_end, a.bytes, &k))
            return PTR_E_REVNAME;
        a.family = 4;
        plen = 8 * k;
        full = 32;
    } else if (n >= V6_SUFFIX_LEN && is_v6_suffix(end - V6_SUFFIX_LEN)) {
        if (!parse_nibble_labels(p, end - V6_SUFFIX_LEN, a.bytes, &k))
            return PTR_E_REVNAME;
        a.family = 6;
        plen = 4 * k;
        full = 128;
    } else {
        return PTR_E_REVNAME;
    }
    if (!prefix_len && plen != full)
        return PTR_E_NOT_HOST;
    *out = a;
    if (prefix_len)
        *prefix_len = plen;
    return PTR_OK;
}
