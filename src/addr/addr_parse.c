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

#include "util/internal.h"
#include "util/wordwise.h"

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
    const int o0 = ptr__ww_octet_dot(s, &n0);
    const int o3 = ptr__ww_dot_octet(s + len - 4, &n3);
    if (o0 < 0 || o3 < 0)
        return 0;
    const size_t second = n0 + 1; /* where the second octet starts */
    const size_t last_dot = len - n3 - 1;
    /* "b.c.d" needs five bytes after the first dot and "a.b.c" five before
     * the last one; shorter is invalid, and would read outside the text. */
    if (second + 5 > len || last_dot < 5)
        return 0;
    const int o1 = ptr__ww_octet_dot(s + second, &n1);
    const int o2 = ptr__ww_dot_octet(s + last_dot - 4, &n2);
    if (o1 < 0 || o2 < 0 || second + n1 != last_dot - n2 - 1)
        return 0;
    dst[0] = (uint8_t)o0;
    dst[1] = (uint8_t)o1;
    dst[2] = (uint8_t)o2;
    dst[3] = (uint8_t)o3;
    return 1;
}

/*
 * The usual IPv6 text, 8..39 bytes of hex digits and colons, takes
 * parse_v6_hex. It finds every ':' at once, as a mask of one bit per byte;
 * from that mask, where each group ends and where the "::" is; then it
 * converts all eight groups together. Nothing in it branches on where the
 * short groups or the "::" fall: real addresses put both anywhere, so such
 * branches mispredict on most of them, and each mispredict costs about as
 * much as converting a group. Anything else (a dotted quad, another byte, a
 * shorter or longer text, an invalid one) goes to parse_v6.
 */

/*
 * Of the four bytes before a separator (a ':' or the end of the text), those
 * of the group it ends, by its distance from the previous separator: 0 for a
 * missing group (past the last separator), 1 for an empty one, 2..5 for 1..4
 * digits.
 */
static const uint32_t group_keep[6] = {0, 0, 0xff000000u, 0xffff0000u, 0xffffff00u, 0xffffffffu};

/*
 * The group that ends before separator c and starts after the previous
 * separator, *prev, as the four bytes before c with only its digits kept:
 * its last digit in the top byte, the first byte lowest. *prev becomes c.
 * From the third group on c >= 4; the first two may end sooner (early), and
 * are then read from s[0..3] and moved up.
 */
static inline uint32_t group_word(const unsigned char *s, uint64_t c, uint64_t *prev, int early)
{
    uint32_t w;
    if (early) {
        const uint64_t at = c < 4 ? 0 : c - 4;
        w = ptr__ww_load_le32(s + at) << (8 * (4 + at - c));
    } else {
        w = ptr__ww_load_le32(s + c - 4);
    }
    w &= group_keep[c - *prev];
    *prev = c;
    return w;
}

/* The first n groups' bits of the address as {bytes 0..7, bytes 8..15}, by n = 0..8. */
static const uint64_t first_groups[9][2] = {
    {0, 0},
    {0xffffu, 0},
    {0xffffffffu, 0},
    {UINT64_C(0xffffffffffff), 0},
    {~UINT64_C(0), 0},
    {~UINT64_C(0), 0xffffu},
    {~UINT64_C(0), 0xffffffffu},
    {~UINT64_C(0), UINT64_C(0xffffffffffff)},
    {~UINT64_C(0), ~UINT64_C(0)},
};

/*
 * The text s[0..len) when it is 8..39 bytes of hex digits and colons:
 * returns 1 with the address in *lo (bytes 0..7) and *hi (bytes 8..15),
 * first byte lowest; or 0 when this path cannot tell, for parse_v6 to decide.
 */
static int parse_v6_hex(const unsigned char *s, size_t len, uint64_t *lo, uint64_t *hi)
{
    if (len < 8 || len > 39)
        return 0;
    uint64_t colons;
    const uint64_t other = !ptr__ww_hex_colon(s, len, &colons);

    /*
     * A group ends at a separator: a ':' or the end of the text. A leading
     * "::" ends none and is dropped; any other "::" ends an empty group, two
     * at the end of the text.
     */
    const uint64_t end_bit = (uint64_t)1 << len;
    const uint64_t hex = (end_bit - 1) & ~colons;
    const uint64_t gap = colons & colons >> 1; /* where "::" starts */
    const uint64_t lead = (gap & 1) * 3;
    const uint64_t all_seps = (colons & ~lead) | end_bit;
    const uint64_t lone = colons & ~(gap | gap << 1);
    const uint64_t two = hex & hex >> 1;
    const unsigned n_seps = ptr__ww_popcount(all_seps);
    const unsigned have_gap = gap != 0, at_start = (unsigned)(gap & 1);
    const unsigned at_end = (gap << 2 & end_bit) != 0;
    /*
     * Refused: another byte; a second "::" or a ":::"; a ':' without a digit
     * on each side, but for those of the "::"; five digits in a row. And
     * other than eight groups without "::", or more than seven with it: as
     * it ends one empty group (two at the end, none at the start), at most
     * 8 separators (9 at the end, 7 at the start). Each test is computed,
     * none branched on, then all are tested at once.
     */
    const uint64_t bad_layout =
        other | (gap & (gap - 1)) | (lone & ~(hex << 1 & hex >> 1)) | (two & two >> 2 & hex >> 4);
    const unsigned bad_count = (n_seps + at_start > 8 + at_end) | ((n_seps != 8) & !have_gap);
    if ((bad_layout != 0) | bad_count)
        return 0;

    /* The first eight groups, the empty one of a "::" among them and zero ones
     * after the last; the ninth, if any, is the second empty one of a
     * trailing "::". The checks above keep each distance between separators
     * within group_keep. */
    uint32_t w[8];
    uint64_t seps = all_seps, prev = (lead & 1) * 2 - 1; /* the separator before the first group */
    for (unsigned k = 0; k < 8; k++) {
        w[k] = group_word(s, ptr__ww_lowest_bit(seps | end_bit), &prev, k < 2);
        seps &= seps - 1;
    }
    uint64_t a_lo, a_hi;
    ptr__ww_hex_groups(w, &a_lo, &a_hi);

    /*
     * The groups up to the "::" (all of them without one) stay; those after
     * it move up by the groups it stands for, 8 - n_seps, so that the last
     * one ends the address: one 128-bit shift, made of 64-bit ones and masks
     * so that it takes no branch either.
     */
    const unsigned stay = ptr__ww_popcount(all_seps & ((gap << 2) - 1));
    const uint64_t keep_lo = first_groups[stay][0], keep_hi = first_groups[stay][1];
    const uint64_t move_lo = a_lo & ~keep_lo, move_hi = a_hi & ~keep_hi;
    const unsigned shift = 16 * ((8 - n_seps) & 7), s6 = shift & 63;
    const uint64_t far = (uint64_t)0 - (shift >> 6); /* all ones when moving by 64 or more */
    const uint64_t up_lo = move_lo << s6;
    const uint64_t up_hi = move_hi << s6 | move_lo >> 1 >> (63 - s6);
    *lo = (a_lo & keep_lo) | (up_lo & ~far);
    *hi = (a_hi & keep_hi) | (up_hi & ~far) | (up_lo & far);
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

/*
 * IPv6 text [p, end) into *out; 0 (out untouched) when it is not one. The
 * fast path's bytes go into out as two words: through a byte buffer, the
 * next read of all sixteen would wait for the byte stores to reach the cache.
 */
static int parse_v6_addr(const unsigned char *p, const unsigned char *end, ptr_addr *out)
{
    uint64_t lo, hi;
    if (parse_v6_hex(p, (size_t)(end - p), &lo, &hi)) {
        out->family = 6;
        ptr__ww_store_le64(out->bytes, lo);
        ptr__ww_store_le64(out->bytes + 8, hi);
        return 1;
    }
    uint8_t b[16];
    if (p == end || !parse_v6(p, end, b))
        return 0;
    set_v6(out, b);
    return 1;
}

/* Parse [p, end) as an address into *out; 0 (out untouched) when it is not one. */
static int parse_addr(const unsigned char *p, const unsigned char *end, ptr_addr *out)
{
    uint8_t b[16];
    if (parse_v4(p, (size_t)(end - p), b)) {
        set_v4(out, b);
        return 1;
    }
    return parse_v6_addr(p, end, out);
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
    if (len == 0 || !parse_v6_addr(p, p + len, out))
        return PTR_E_ADDR;
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
