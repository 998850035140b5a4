/*
 * Word-at-a-time code, all of it: the only place in the library that looks at
 * several bytes of text in one register. Each job below is one function with
 * two variants:
 *
 *   ptr__ww_JOB_fast    a few bytes per operation; static inline here,
 *                       because the callers' whole budget is tens of
 *                       nanoseconds (bench/ addr and name suites);
 *   ptr__ww_JOB_scalar  a plain loop over the bytes, in wordwise.c: the
 *                       definition the fast one must match.
 *
 * ptr__ww_JOB, the one callers use, picks the fast variant unless the
 * library is built with PTR_WORDWISE=SCALAR (CMake), which defines
 * PTR_WORDWISE_SCALAR. tests/test_wordwise.c compares the two variants of
 * every job on every length 0..64 and every byte value at every position,
 * and scripts/test.sh runs the unit tests once more with the scalar variants
 * selected, so neither can drift.
 *
 * There is one fast variant per job. Most are portable C, compiled and
 * tested on every host. Three are SSE2, which every x86-64 has: hex_colon,
 * hex_groups and name_classes, where 64-bit-word versions were measured
 * slower (IPv6 text -> revname 28 -> 35 ns per address, the name check
 * about 1.5 times); on a host without SSE2 these three have only their
 * scalar variant.
 *
 * None of these jobs reports an error: callers use them to decide quickly
 * that input is valid, and leave everything else to byte-by-byte code that
 * names the problem.
 */
#ifndef LIBPTR_WORDWISE_H
#define LIBPTR_WORDWISE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define PTR__WW_SSE2 1
#endif

/* "fast" or "scalar": the variant this build of the library selected. */
const char *ptr__ww_variant(void);

/* ---- loads: byte k of the text is bits 8k..8k+7, on any host ---------- */

/* Compilers make each of these one load or store. */
static inline uint32_t ptr__ww_load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ptr__ww_load_le64(const unsigned char *p)
{
    return (uint64_t)ptr__ww_load_le32(p) | (uint64_t)ptr__ww_load_le32(p + 4) << 32;
}

static inline void ptr__ww_store_le64(unsigned char *p, uint64_t x)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (unsigned char)(x >> 8 * i);
}

/* ---- helpers of the fast variants --------------------------------------- */

/* Byte b in every byte of a word. */
#define PTR__WW_EACH(b) (UINT64_C(0x0101010101010101) * (uint64_t)(b))

/*
 * Bit 7 of every byte of x in lo..hi, for 0 <= lo <= hi <= 0x7F; a byte of
 * 0x80 or above never matches. Exact for each byte: with bit 7 cleared
 * first, neither the add nor the subtraction can carry into the next byte.
 */
static inline uint64_t ptr__ww_bytes_in(uint64_t x, unsigned lo, unsigned hi)
{
    const uint64_t low7 = x & ~PTR__WW_EACH(0x80);
    const uint64_t at_least_lo = low7 + PTR__WW_EACH(0x80u - lo);
    const uint64_t at_most_hi = PTR__WW_EACH(0x80u + hi) - low7;
    return at_least_lo & at_most_hi & ~x & PTR__WW_EACH(0x80);
}

/* ---- popcount: the number of set bits ------------------------------------- */

unsigned ptr__ww_popcount_scalar(uint64_t x);

/* Bits summed in pairs, nibbles, then bytes; the multiply adds the bytes. */
static inline unsigned ptr__ww_popcount_fast(uint64_t x)
{
    x -= x >> 1 & PTR__WW_EACH(0x55);
    x = (x & PTR__WW_EACH(0x33)) + (x >> 2 & PTR__WW_EACH(0x33));
    x = (x + (x >> 4)) & PTR__WW_EACH(0x0f);
    return (unsigned)((x * PTR__WW_EACH(1)) >> 56);
}

/* ---- lowest_bit: the index of the lowest set bit of a non-zero word ------- */

unsigned ptr__ww_lowest_bit_scalar(uint64_t m);

static inline unsigned ptr__ww_lowest_bit_fast(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m);
#else
    return ptr__ww_lowest_bit_scalar(m);
#endif
}

/* ---- printable_span: how many bytes from s on are printable ASCII -------- */

/* The length of the longest prefix of s[0..n) of bytes 0x20..0x7E. */
size_t ptr__ww_printable_span_scalar(const unsigned char *s, size_t n);

static inline int ptr__ww_printable8(uint64_t w)
{
    return ptr__ww_bytes_in(w, 0x20, 0x7E) == PTR__WW_EACH(0x80);
}

/* Eight bytes at a time; a short tail as the word that ends s[0..n), which
 * may overlap bytes already accepted; byte by byte only inside a word that
 * holds something else. */
static inline size_t ptr__ww_printable_span_fast(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (n - i >= 8 && ptr__ww_printable8(ptr__ww_load_le64(s + i)))
        i += 8;
    if (i < n && n - i < 8 && n >= 8 && ptr__ww_printable8(ptr__ww_load_le64(s + n - 8)))
        return n;
    while (i < n && s[i] >= 0x20 && s[i] < 0x7F)
        i++;
    return i;
}

/* ---- hex_colon: IPv6 text as a mask of its colons ------------------------- */

/*
 * For s[0..n), n <= 64: 1 when every byte is a hex digit (either case) or
 * ':', with bit i of *colons set for each ':' at s[i]; else 0, and *colons
 * is unspecified.
 */
int ptr__ww_hex_colon_scalar(const unsigned char *s, size_t n, uint64_t *colons);

#if defined(PTR__WW_SSE2)
/* Sixteen bytes: bit i of *ok for a hex digit or ':', of *colon for a ':'. A range
 * test adds what takes the range's first byte to -128, then compares signed. */
static inline void ptr__ww_hex_colon16(__m128i x, unsigned *ok, unsigned *colon)
{
    const __m128i digit_or_colon = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x80 - '0')),
                                                  _mm_set1_epi8(-128 + ':' - '0' + 1));
    const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(0x80 - 'a')),
                                          _mm_set1_epi8(-128 + 'f' - 'a' + 1));
    *ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit_or_colon, letter));
    *colon = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
}
#endif

/*
 * For 8..48 bytes (the IPv6 text the fast parser takes is 8..39), sixteen at
 * a time in three loads, those that would end past the text moved back to
 * end with it, so a byte may be read twice but none past n. Under sixteen
 * bytes, the first eight and the last eight in one register. Other lengths,
 * and hosts without SSE2, take the scalar variant.
 */
static inline int ptr__ww_hex_colon_fast(const unsigned char *s, size_t n, uint64_t *colons)
{
#if defined(PTR__WW_SSE2)
    unsigned ok, colon;
    if (n >= 8 && n < 16) {
        const __m128i x =
            _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)s),
                               _mm_loadl_epi64((const __m128i *)(const void *)(s + n - 8)));
        ptr__ww_hex_colon16(x, &ok, &colon);
        *colons = (uint64_t)(colon & 0xffu) | (uint64_t)(colon >> 8) << (n - 8);
        return ok == 0xffffu;
    }
    if (n >= 16 && n <= 48) {
        const size_t at[3] = {0, n < 32 ? n - 16 : 16, n - 16};
        uint64_t c = 0;
        unsigned all = 0xffffu;
        for (unsigned i = 0; i < 3; i++) {
            ptr__ww_hex_colon16(_mm_loadu_si128((const __m128i *)(const void *)(s + at[i])), &ok,
                                &colon);
            c |= (uint64_t)colon << at[i];
            all &= ok;
        }
        *colons = c;
        return all == 0xffffu;
    }
#endif
    return ptr__ww_hex_colon_scalar(s, n, colons);
}

/* ---- hex_groups: eight IPv6 groups of hex digits to sixteen bytes -------- */

/*
 * w[k] holds group k as four bytes, first byte lowest, each either 0 or an
 * ASCII hex digit of either case (a 0 counts as the digit 0): the digits
 * d0..d3 become address bytes 2k = d0d1 and 2k+1 = d2d3. Bytes 0..7 of the
 * address go to *lo, 8..15 to *hi, first byte lowest. Other bytes in w give
 * an unspecified result.
 */
void ptr__ww_hex_groups_scalar(const uint32_t w[8], uint64_t *lo, uint64_t *hi);

/*
 * A digit's value is its low nibble, plus 9 for a letter (bit 6 set); all
 * eight groups in two registers. Hosts without SSE2 take the scalar variant.
 */
static inline void ptr__ww_hex_groups_fast(const uint32_t w[8], uint64_t *lo, uint64_t *hi)
{
#if defined(PTR__WW_SSE2)
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
#else
    ptr__ww_hex_groups_scalar(w, lo, hi);
#endif
}

/* ---- octets: the decimal parts of a dotted quad -------------------------- */

/*
 * octet_dot: p[0..3] starts with an IPv4 octet and its dot: 1..3 decimal
 * digits (no leading zero, which inet_pton refuses rather than read as
 * octal) of value 0..255, then '.'. Returns the value and sets *n to the
 * digit count, or returns -1 (*n unchanged).
 * dot_octet: the same for an octet that ends p[0..3], after its dot.
 */
int ptr__ww_octet_dot_scalar(const unsigned char *p, unsigned *n);
int ptr__ww_dot_octet_scalar(const unsigned char *p, unsigned *n);

/* Bit 7 of every byte of x (text XOR "0000") that is not a decimal digit.
 * Exact for each byte: the 7-bit add cannot carry into the next one. */
static inline uint32_t ptr__ww_non_digits(uint32_t x)
{
    return (((x & 0x7f7f7f7fu) + 0x76767676u) | x) & 0x80808080u;
}

/* Hundreds, tens and units in the low three bytes of y. */
static inline unsigned ptr__ww_octet_value(uint32_t y)
{
    return (y & 0xffu) * 100 + (y >> 8 & 0xffu) * 10 + (y >> 16 & 0xffu);
}

/* The four bytes at once, with no branch on the octet's width: random
 * addresses would make such branches mispredict. */
static inline int ptr__ww_octet_dot_fast(const unsigned char *p, unsigned *n)
{
    const uint32_t w = ptr__ww_load_le32(p);
    const uint32_t x = w ^ 0x30303030u; /* a digit becomes 0..9 */
    const uint32_t other = ptr__ww_non_digits(x);
    if (other == 0)
        return -1;
#if defined(__GNUC__)
    const unsigned k = (unsigned)__builtin_ctz(other) / 8;
#else
    const unsigned k = other & 0x80u ? 0 : other & 0x8000u ? 1 : other & 0x800000u ? 2 : 3;
#endif
    const unsigned v = ptr__ww_octet_value(x << (8 * (3 - k)));
    if (k == 0 || (w >> (8 * k) & 0xffu) != '.' || v > 255 || (k > 1 && (x & 0xffu) == 0))
        return -1;
    *n = k;
    return (int)v;
}

static inline int ptr__ww_dot_octet_fast(const unsigned char *p, unsigned *n)
{
    const uint32_t w = ptr__ww_load_le32(p);
    const uint32_t x = w ^ 0x30303030u;
    const uint32_t other = ptr__ww_non_digits(x);
    if (other == 0)
        return -1;
#if defined(__GNUC__)
    const unsigned dot = (31u - (unsigned)__builtin_clz(other)) / 8;
#else
    const unsigned dot = other & 0x80000000u ? 3 : other & 0x800000u ? 2 : other & 0x8000u ? 1 : 0;
#endif
    if (dot == 3 || (w >> (8 * dot) & 0xffu) != '.')
        return -1;
    const unsigned v = ptr__ww_octet_value(x >> 8 & 0xffffffu << (8 * dot));
    if (v > 255 || (dot < 2 && (x >> (8 * dot + 8) & 0xffu) == 0))
        return -1;
    *n = 3 - dot;
    return (int)v;
}

/* ---- name_classes: a host name's bytes as masks -------------------------- */

/* Bit k of each mask is about byte k of the name. */
typedef struct ptr__ww_name_masks {
    uint64_t ok;     /* a letter, digit, '-' or '.', or '_' when allowed */
    uint64_t dot;    /* '.' */
    uint64_t hyphen; /* '-' */
    uint64_t digit;  /* '0'..'9' */
} ptr__ww_name_masks;

/* The masks of s[0..n), n <= 64; no bit at n or above. '_' is ok when underscore != 0. */
void ptr__ww_name_classes_scalar(const unsigned char *s, size_t n, int underscore,
                                 ptr__ww_name_masks *m);

#if defined(PTR__WW_SSE2)
/* Sixteen bytes in one register: each class is a range test or a compare, and
 * one movemask turns it into sixteen bits. */
static inline void ptr__ww_name16(__m128i x, int underscore, size_t at, ptr__ww_name_masks *m)
{
    /* A range test adds what takes the range's first byte to -128, then compares signed. */
    const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
                                          _mm_set1_epi8((char)(-128 + 26)));
    const __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))),
                                         _mm_set1_epi8((char)(-128 + 10)));
    const __m128i dot = _mm_cmpeq_epi8(x, _mm_set1_epi8('.'));
    const __m128i hyphen = _mm_cmpeq_epi8(x, _mm_set1_epi8('-'));
    __m128i ok = _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(dot, hyphen));
    if (underscore)
        ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
    m->ok |= (uint64_t)(unsigned)_mm_movemask_epi8(ok) << at;
    m->dot |= (uint64_t)(unsigned)_mm_movemask_epi8(dot) << at;
    m->hyphen |= (uint64_t)(unsigned)_mm_movemask_epi8(hyphen) << at;
    m->digit |= (uint64_t)(unsigned)_mm_movemask_epi8(digit) << at;
}
#endif

/*
 * For 8..64 bytes, sixteen at a time; nothing outside s[0..n) is read: under
 * sixteen bytes, the first eight and the word that ends the text moved down
 * over them (the bytes past n become zeros, which match no class); from
 * sixteen on, the last block overlaps the one before, which changes no bit.
 */
static inline void ptr__ww_name_classes_fast(const unsigned char *s, size_t n, int underscore,
                                             ptr__ww_name_masks *m)
{
#if defined(PTR__WW_SSE2)
    if (n >= 8) {
        m->ok = m->dot = m->hyphen = m->digit = 0;
        if (n < 16) {
            const uint64_t tail = ptr__ww_load_le64(s + n - 8) >> 8 * (15 - n) >> 8;
            ptr__ww_name16(_mm_set_epi64x((long long)tail, (long long)ptr__ww_load_le64(s)),
                           underscore, 0, m);
            return;
        }
        for (size_t at = 0;;) {
            ptr__ww_name16(_mm_loadu_si128((const __m128i *)(const void *)(s + at)), underscore, at,
                           m);
            if (at + 16 == n)
                return;
            at = n - at >= 32 ? at + 16 : n - 16;
        }
    }
#endif
    ptr__ww_name_classes_scalar(s, n, underscore, m);
}

/* ---- the selected variants ------------------------------------------------ */

#if defined(PTR_WORDWISE_SCALAR)
#define PTR__WW_PICK(job) ptr__ww_##job##_scalar
#else
#define PTR__WW_PICK(job) ptr__ww_##job##_fast
#endif

static inline unsigned ptr__ww_popcount(uint64_t x)
{
    return PTR__WW_PICK(popcount)(x);
}

static inline unsigned ptr__ww_lowest_bit(uint64_t m)
{
    return PTR__WW_PICK(lowest_bit)(m);
}

static inline size_t ptr__ww_printable_span(const unsigned char *s, size_t n)
{
    return PTR__WW_PICK(printable_span)(s, n);
}

static inline int ptr__ww_hex_colon(const unsigned char *s, size_t n, uint64_t *colons)
{
    return PTR__WW_PICK(hex_colon)(s, n, colons);
}

static inline void ptr__ww_hex_groups(const uint32_t w[8], uint64_t *lo, uint64_t *hi)
{
    PTR__WW_PICK(hex_groups)(w, lo, hi);
}

static inline int ptr__ww_octet_dot(const unsigned char *p, unsigned *n)
{
    return PTR__WW_PICK(octet_dot)(p, n);
}

static inline int ptr__ww_dot_octet(const unsigned char *p, unsigned *n)
{
    return PTR__WW_PICK(dot_octet)(p, n);
}

static inline void ptr__ww_name_classes(const unsigned char *s, size_t n, int underscore,
                                        ptr__ww_name_masks *m)
{
    PTR__WW_PICK(name_classes)(s, n, underscore, m);
}

#endif /* LIBPTR_WORDWISE_H */
