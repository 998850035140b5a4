/*
 * Address and prefix text: ptr_addr_parse, ptr_host_parse, ptr_prefix_parse,
 * ptr_addr_equal.
 *
 * ptr_addr_parse accepts exactly the strings glibc's inet_pton() accepts for
 * AF_INET, then AF_INET6, so an address a service takes from its users means
 * the same thing here as in every resolver and socket call it makes later.
 * The rules, checked against glibc 2.36 by tests/test_addr_diff.c:
 *
 *  IPv4  exactly four decimal parts of 1..3 digits, each 0..255, with no
 *        leading zero ("01" and "00" are refused, "0" is fine); no shorthand
 *        ("127.1"), no octal or hex, no trailing dot.
 *  IPv6  (RFC 4291 §2.2) groups of 1..4 hex digits of either case; at most
 *        one "::", which must stand for at least one zero group, so
 *        "1:2:3:4:5:6:7::" and "::1:2:3:4:5:6:7" are accepted while
 *        "1:2:3:4:5:6:7:8::" is not; a lone leading or trailing ':' is
 *        refused. A dotted quad (IPv4 rules above) may replace the last two
 *        groups, and only those: "::1.2.3.4", "1::1.2.3.4",
 *        "1:2:3:4:5:6:1.2.3.4" are accepted, "1:2:3:4:5:6:7:1.2.3.4" is not.
 *
 * The input is (s, len): bytes past len are never read, and a NUL is just a
 * byte no rule accepts.
 */
#include <string.h>

#include "internal.h"

/*
 * Hex digit value, or 0xff for any other byte, so that one load and one
 * compare classify a byte without <ctype.h> and its locale. Built by the
 * preprocessor, so the table cannot hold a typo.
 */
#define HEXV(c)                                                                                    \
    ((uint8_t)((c) >= '0' && (c) <= '9'   ? (c) - '0'                                              \
               : (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10                                         \
               : (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10                                         \
                                          : 0xff))
#define HEXV4(c)  HEXV(c), HEXV((c) + 1), HEXV((c) + 2), HEXV((c) + 3)
#define HEXV16(c) HEXV4(c), HEXV4((c) + 4), HEXV4((c) + 8), HEXV4((c) + 12)
#define HEXV64(c) HEXV16(c), HEXV16((c) + 16), HEXV16((c) + 32), HEXV16((c) + 48)
static const uint8_t hex_value[256] = {HEXV64(0), HEXV64(64), HEXV64(128), HEXV64(192)};

/*
 * The 1..4 hex digits of a group at p: their value in *v, and the end of the
 * group; NULL when there is no digit. A fifth digit is left for the caller,
 * which refuses anything but ':' or '.' after a group. Unrolled, and without
 * bound checks while four bytes remain: a loop with a digit counter and a
 * bound check per byte costs more than the digits themselves.
 */
static inline const unsigned char *read_group(const unsigned char *p, const unsigned char *end,
                                              unsigned *v)
{
    unsigned d = hex_value[p[0]], x;
    if (d > 15)
        return NULL;
    if (end - p >= 4) {
        if ((x = hex_value[p[1]]) > 15) {
            *v = d;
            return p + 1;
        }
        d = d << 4 | x;
        if ((x = hex_value[p[2]]) > 15) {
            *v = d;
            return p + 2;
        }
        d = d << 4 | x;
        if ((x = hex_value[p[3]]) > 15) {
            *v = d;
            return p + 3;
        }
        *v = d << 4 | x;
        return p + 4;
    }
    /* Fewer than four bytes left. */
    for (p++; p != end && (x = hex_value[*p]) <= 15; p++)
        d = d << 4 | x;
    *v = d;
    return p;
}

/* Decimal digit value, or a number above 9 for any other byte. */
static inline unsigned dec_digit(unsigned char c)
{
    return (unsigned)c - '0';
}

/* Four bytes, the first in the low bits, whatever the host's byte order. */
static inline uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Bit 7 of every byte of x (text XOR "0000") that is not a decimal digit.
 * Exact for each byte: the 7-bit add cannot carry into the next one.
 */
static inline uint32_t non_digits(uint32_t x)
{
    return (((x & 0x7f7f7f7fu) + 0x76767676u) | x) & 0x80808080u;
}

/* Index of the first (lowest) / last (highest) flagged byte of a non-zero mask. */
static inline unsigned first_byte(uint32_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctz(m) / 8;
#else
    return m & 0x80u ? 0 : m & 0x8000u ? 1 : m & 0x800000u ? 2 : 3;
#endif
}

static inline unsigned last_byte(uint32_t m)
{
#if defined(__GNUC__)
    return (31u - (unsigned)__builtin_clz(m)) / 8;
#else
    return m & 0x80000000u ? 3 : m & 0x800000u ? 2 : m & 0x8000u ? 1 : 0;
#endif
}

/* Hundreds, tens and units in the low three bytes of y. */
static inline unsigned octet_value(uint32_t y)
{
    return (y & 0xffu) * 100 + (y >> 8 & 0xffu) * 10 + (y >> 16 & 0xffu);
}

/*
 * The octet at the start of the text word w (first byte lowest), followed by
 * its dot: 1..3 digits, 0..255, no leading zero, which inet_pton refuses
 * rather than read as octal. Returns the value and sets *n to the digit
 * count, or returns -1.
 */
static inline int octet_then_dot(uint32_t w, unsigned *n)
{
    const uint32_t x = w ^ 0x30303030u; /* a digit becomes 0..9 */
    const uint32_t other = non_digits(x);
    if (other == 0)
        return -1;
    const unsigned k = first_byte(other);
    const unsigned v = octet_value(x << (8 * (3 - k)));
    if (k == 0 || (w >> (8 * k) & 0xffu) != '.' || v > 255 || (k > 1 && (x & 0xffu) == 0))
        return -1;
    *n = k;
    return (int)v;
}

/* The octet that ends the text word w, after its dot; as octet_then_dot. */
static inline int dot_then_octet(uint32_t w, unsigned *n)
{
    const uint32_t x = w ^ 0x30303030u;
    const uint32_t other = non_digits(x);
    if (other == 0)
        return -1;
    const unsigned dot = last_byte(other);
    if (dot == 3 || (w >> (8 * dot) & 0xffu) != '.')
        return -1;
    const unsigned v = octet_value(x >> 8 & 0xffffffu << (8 * dot));
    if (v > 255 || (dot < 2 && (x >> (8 * dot + 8) & 0xffu) == 0))
        return -1;
    *n = 3 - dot;
    return (int)v;
}

/*
 * Dotted quad filling s[0..len) exactly.
 *
 * Octets are read four bytes at a time, the first two from the front and the
 * last two from the back, which keeps every read inside the text without
 * copying it, gives two short dependency chains instead of one long one, and
 * has no branch that depends on an octet's width: random addresses make such
 * branches mispredict, and the text → reverse name path must not be slower
 * than inet_pton() alone. The two halves must meet at the same dot.
 */
static inline int parse_v4(const unsigned char *s, size_t len, uint8_t dst[4])
{
    if (len < 7 || len > 15)
        return 0;
    unsigned n0, n1, n2, n3;
    const int o0 = octet_then_dot(load_le32(s), &n0);
    const int o3 = dot_then_octet(load_le32(s + len - 4), &n3);
    if (o0 < 0 || o3 < 0)
        return 0;
    const size_t second = n0 + 1; /* where the second octet starts */
    const size_t last_dot = len - n3 - 1;
    /* "b.c.d" needs five bytes after the first dot and "a.b.c" five before
     * the last one; shorter is invalid, and would read outside the text. */
    if (second + 5 > len || last_dot < 5)
        return 0;
    const int o1 = octet_then_dot(load_le32(s + second), &n1);
    const int o2 = dot_then_octet(load_le32(s + last_dot - 4), &n2);
    if (o1 < 0 || o2 < 0 || second + n1 != last_dot - n2 - 1)
        return 0;
    dst[0] = (uint8_t)o0;
    dst[1] = (uint8_t)o1;
    dst[2] = (uint8_t)o2;
    dst[3] = (uint8_t)o3;
    return 1;
}

/* RFC 4291 §2.2 text filling [p, end) exactly, with glibc's edge cases (file comment). */
static int parse_v6(const unsigned char *p, const unsigned char *end, uint8_t dst[16])
{
    uint8_t tmp[16];
    unsigned n = 0;   /* bytes of tmp filled */
    unsigned gap = 0; /* where "::" stands, as a byte index into tmp */
    int have_gap = 0;

    if (p == end)
        return 0;
    if (*p == ':') {
        /* Only "::" may start the text; a lone ':' cannot. */
        if (end - p < 2 || p[1] != ':')
            return 0;
        p += 2;
        have_gap = 1;
    }
    while (p != end) {
        const unsigned char *tok = p;
        unsigned v;
        if ((p = read_group(p, end, &v)) == NULL)
            return 0;
        if (p != end && *p == '.') {
            /* The group just read was the first part of a dotted quad, which
             * must end the text and fill the last 32 bits at most. */
            if (n > 12 || !parse_v4(tok, (size_t)(end - tok), tmp + n))
                return 0;
            n += 4;
            break;
        }
        if (n == 16)
            return 0;
        tmp[n++] = (uint8_t)(v >> 8);
        tmp[n++] = (uint8_t)v;
        if (p == end)
            break;
        if (*p != ':' || ++p == end)
            return 0;
        if (*p == ':') {
            if (have_gap)
                return 0;
            gap = n;
            have_gap = 1;
            p++;
        }
    }

    if (!have_gap) {
        if (n != 16)
            return 0;
        memcpy(dst, tmp, 16);
        return 1;
    }
    /* RFC 4291 §2.2: "::" stands for one or more groups of zeros, never for none. */
    if (n == 16)
        return 0;
    const unsigned tail = n - gap;
    memcpy(dst, tmp, gap);
    memset(dst + gap, 0, 16 - n);
    memcpy(dst + 16 - tail, tmp + gap, tail);
    return 1;
}

static void set_v4(ptr_addr *out, const uint8_t b[4])
{
    out->family = 4;
    memcpy(out->bytes, b, 4);
    memset(out->bytes + 4, 0, 12);
}

static void set_v6(ptr_addr *out, const uint8_t b[16])
{
    out->family = 6;
    memcpy(out->bytes, b, 16);
}

/* Parse [p, end) as an address into *out; 0 (out untouched) when it is not one. */
static int parse_addr(const unsigned char *p, const unsigned char *end, ptr_addr *out)
{
    uint8_t b[16];
    if (parse_v4(p, (size_t)(end - p), b)) {
        set_v4(out, b);
        return 1;
    }
    if (parse_v6(p, end, b)) {
        set_v6(out, b);
        return 1;
    }
    return 0;
}

ptr_status ptr_addr_parse(const char *s, size_t len, ptr_addr *out)
{
    if (!out || (!s && len))
        return PTR_E_INVAL;
    const unsigned char *p = (const unsigned char *)s;
    uint8_t b[16];
    /* parse_addr's steps, spelled out so the IPv4 path stays small. */
    if (parse_v4(p, len, b)) {
        set_v4(out, b);
        return PTR_OK;
    }
    if (len == 0 || !parse_v6(p, p + len, b))
        return PTR_E_ADDR;
    set_v6(out, b);
    return PTR_OK;
}

/*
 * Prefix length after the '/': decimal, no sign, no leading zero (so "/032"
 * cannot be read as octal by some other tool), at most max. Sets *len.
 */
static int parse_prefix_len(const unsigned char *p, const unsigned char *end, unsigned max,
                            unsigned *len)
{
    if (p == end || end - p > 3)
        return 0;
    if (*p == '0' && end - p > 1)
        return 0;
    unsigned v = 0;
    for (; p != end; p++) {
        const unsigned d = dec_digit(*p);
        if (d > 9)
            return 0;
        v = v * 10 + d;
    }
    if (v > max)
        return 0;
    *len = v;
    return 1;
}

/*
 * Split "ADDRESS[/LEN]" and parse both halves; *plen is the full length when
 * there is no '/'. Returns PTR_OK or PTR_E_ADDR.
 */
static ptr_status parse_cidr(const char *s, size_t len, ptr_addr *a, unsigned *plen)
{
    if (len == 0)
        return PTR_E_ADDR;
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    const unsigned char *slash = memchr(p, '/', len);
    if (!parse_addr(p, slash ? slash : end, a))
        return PTR_E_ADDR;
    const unsigned max = a->family == 4 ? 32u : 128u;
    if (!slash) {
        *plen = max;
        return PTR_OK;
    }
    return parse_prefix_len(slash + 1, end, max, plen) ? PTR_OK : PTR_E_ADDR;
}

ptr_status ptr_host_parse(const char *s, size_t len, ptr_addr *out)
{
    if (!out || (!s && len))
        return PTR_E_INVAL;
    ptr_addr a;
    unsigned plen;
    const ptr_status st = parse_cidr(s, len, &a, &plen);
    if (st != PTR_OK)
        return st;
    if (plen != (a.family == 4 ? 32u : 128u))
        return PTR_E_NOT_HOST;
    *out = a;
    return PTR_OK;
}

ptr_status ptr_prefix_parse(const char *s, size_t len, ptr_addr *out, unsigned *prefix_len)
{
    if (!out || !prefix_len || (!s && len))
        return PTR_E_INVAL;
    ptr_addr a;
    unsigned plen;
    const ptr_status st = parse_cidr(s, len, &a, &plen);
    if (st != PTR_OK)
        return st;
    /* A network written with host bits set is most often a typo for another
     * network; refusing it beats silently masking to a different one. */
    const unsigned nbytes = a.family == 4 ? 4u : 16u;
    for (unsigned i = plen / 8; i < nbytes; i++) {
        const unsigned keep = i == plen / 8 ? plen % 8 : 0;
        const uint8_t host = (uint8_t)(0xffu >> keep);
        if (a.bytes[i] & host)
            return PTR_E_ADDR;
    }
    *out = a;
    *prefix_len = plen;
    return PTR_OK;
}

/*
 * Bytes beyond the family's length are not part of the address, so an IPv4
 * address someone built with stray bytes there still equals its parsed form.
 * NULL equals nothing, not even NULL: there is no address to compare.
 */
int ptr_addr_equal(const ptr_addr *a, const ptr_addr *b)
{
    if (!a || !b || a->family != b->family)
        return 0;
    const size_t n = a->family == 4 ? 4 : 16;
    return memcmp(a->bytes, b->bytes, n) == 0;
}
