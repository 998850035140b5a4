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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Byte b in every byte of a word. */
#define EACH_BYTE(b) (UINT64_C(0x0101010101010101) * (b))

/* Eight bytes, the first in the low bits, whatever the host's byte order. */
static inline uint64_t load_le64(const unsigned char *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

static inline void store_le64(unsigned char *p, uint64_t x)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (unsigned char)(x >> 8 * i);
}

/*
 * Bit 7 of each byte of y that lies in lo..hi. The bytes of y must be below
 * 0x80: then neither the sum nor the difference carries into the next byte.
 */
static inline uint64_t bytes_in(uint64_t y, unsigned lo, unsigned hi)
{
    return (y + EACH_BYTE(0x80 - lo)) & (EACH_BYTE(0x80 + hi) - y);
}

/* Bit 7 of each byte of m, which has no other bit set, as bit i for byte i. */
static inline uint64_t byte_bits(uint64_t m)
{
    /* Moves bit 8i + 7 to bit 56 + i; no two partial products meet, so nothing carries. */
    return (m * UINT64_C(0x0002040810204081)) >> 56;
}

/*
 * The text s[0..len) as masks of one bit per byte: *colons, its ':' bytes,
 * and *other, non-zero when a byte is neither ':' nor a hex digit.
 *
 * A word at a time, for 8..39 bytes: five words cover the text, those that
 * would end past it moved back to end with it, so a byte may be read twice
 * but none past len. The range tests see 7 bits of each byte; `high`
 * catches the bytes above 0x7f.
 */
static inline void classify_words(const unsigned char *s, size_t len, uint64_t *colons,
                                  uint64_t *other)
{
    const size_t at[5] = {0, len < 16 ? len - 8 : 8, len < 24 ? len - 8 : 16,
                          len < 32 ? len - 8 : 24, len - 8};
    uint64_t ok = EACH_BYTE(0x80), high = 0, c = 0;
    for (unsigned i = 0; i < 5; i++) {
        const uint64_t x = load_le64(s + at[i]);
        const uint64_t y = x & EACH_BYTE(0x7f);
        ok &= bytes_in(y, '0', ':') | bytes_in(y | EACH_BYTE(0x20), 'a', 'f');
        high |= x;
        c |= byte_bits(bytes_in(y, ':', ':') & EACH_BYTE(0x80)) << at[i];
    }
    *colons = c;
    *other = (ok & ~high & EACH_BYTE(0x80)) ^ EACH_BYTE(0x80);
}

#if defined(__SSE2__)
/*
 * As classify_words, sixteen bytes at a time, for 16..39 bytes: three loads,
 * the last two moved back as the words are. A range test adds the constant
 * that takes the range's first byte to -128, then compares signed.
 */
static inline void classify_sse2(const unsigned char *s, size_t len, uint64_t *colons,
                                 uint64_t *other)
{
    const size_t at[3] = {0, len < 32 ? len - 16 : 16, len - 16};
    uint64_t c = 0, bad = 0;
    for (unsigned i = 0; i < 3; i++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at[i]));
        const __m128i digit_or_colon = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x80 - '0')),
                                                      _mm_set1_epi8(-128 + ':' - '0' + 1));
        const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
        const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(0x80 - 'a')),
                                              _mm_set1_epi8(-128 + 'f' - 'a' + 1));
        const unsigned ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit_or_colon, letter));
        const unsigned colon = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
        c |= (uint64_t)colon << at[i];
        bad |= ok ^ 0xffffu;
    }
    *colons = c;
    *other = bad;
}
#endif

static inline unsigned popcount64(uint64_t x)
{
    x -= x >> 1 & EACH_BYTE(0x55);
    x = (x & EACH_BYTE(0x33)) + (x >> 2 & EACH_BYTE(0x33));
    x = (x + (x >> 4)) & EACH_BYTE(0x0f);
    return (unsigned)((x * EACH_BYTE(1)) >> 56);
}

/* Index of the lowest set bit of a non-zero m. */
static inline uint64_t lowest_bit(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m);
#else
    uint64_t i = 0;
    for (; !(m & 1); m >>= 1)
        i++;
    return i;
#endif
}

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
        w = load_le32(s + at) << (8 * (4 + at - c));
    } else {
        w = load_le32(s + c - 4);
    }
    w &= group_keep[c - *prev];
    *prev = c;
    return w;
}

/*
 * Eight groups as group_word gives them, to the sixteen address bytes: bytes
 * 0..7 in *lo and 8..15 in *hi, first byte lowest. A digit's value is its low
 * nibble, plus 9 for a letter of either case (bit 6 set); a zero byte counts
 * 0. The digits d0..d3 of a group become the bytes d0d1 and d2d3.
 */
#if defined(__SSE2__)
static inline void groups_to_bytes(const uint32_t w[8], uint64_t *lo, uint64_t *hi)
{
    const __m128i low4 = _mm_set1_epi8(0x0f), one = _mm_set1_epi8(1), low8 = _mm_set1_epi16(0xff);
    __m128i x[2];
    x[0] = _mm_set_epi32((int)w[3], (int)w[2], (int)w[1], (int)w[0]);
    x[1] = _mm_set_epi32((int)w[7], (int)w[6], (int)w[5], (int)w[4]);
    for (unsigned i = 0; i < 2; i++) {
        const __m128i letter = _mm_and_si128(_mm_srli_epi16(x[i], 6), one);
        const __m128i nib = _mm_add_epi8(_mm_and_si128(x[i], low4),
                                         _mm_add_epi8(letter, _mm_slli_epi16(letter, 3)));
        /* A 16-bit lane holds two digits, the first one low: d0 * 16 + d1 in its low byte. */
        x[i] = _mm_and_si128(_mm_add_epi16(_mm_slli_epi16(nib, 4), _mm_srli_epi16(nib, 8)), low8);
    }
    uint64_t b[2];
    _mm_storeu_si128((__m128i *)(void *)b, _mm_packus_epi16(x[0], x[1]));
    *lo = b[0];
    *hi = b[1];
}
#else
static inline void groups_to_bytes(const uint32_t w[8], uint64_t *lo, uint64_t *hi)
{
    uint64_t half[2] = {0, 0};
    for (unsigned k = 0; k < 8; k += 2) {
        const uint64_t x = (uint64_t)w[k] | (uint64_t)w[k + 1] << 32;
        const uint64_t nib = (x & EACH_BYTE(0x0f)) + (x >> 6 & EACH_BYTE(0x01)) * 9;
        /* d0d1 and d2d3 of both groups at bytes 0, 2, 4 and 6, then side by side. */
        uint64_t b = ((nib << 4) + (nib >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
        b = (b | b >> 8) & UINT64_C(0x0000ffff0000ffff);
        half[k / 4] |= ((b | b >> 16) & 0xffffffffu) << (k % 4 * 16);
    }
    *lo = half[0];
    *hi = half[1];
}
#endif

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
    uint64_t colons, other;
#if defined(__SSE2__)
    if (len >= 16)
        classify_sse2(s, len, &colons, &other);
    else
#endif
        classify_words(s, len, &colons, &other);

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
    const unsigned n_seps = popcount64(all_seps);
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
        w[k] = group_word(s, lowest_bit(seps | end_bit), &prev, k < 2);
        seps &= seps - 1;
    }
    uint64_t a_lo, a_hi;
    groups_to_bytes(w, &a_lo, &a_hi);

    /*
     * The groups up to the "::" (all of them without one) stay; those after
     * it move up by the groups it stands for, 8 - n_seps, so that the last
     * one ends the address: one 128-bit shift, made of 64-bit ones and masks
     * so that it takes no branch either.
     */
    const unsigned stay = popcount64(all_seps & ((gap << 2) - 1));
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
        store_le64(out->bytes, lo);
        store_le64(out->bytes + 8, hi);
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
