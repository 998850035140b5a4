/*
 * The scalar variants of wordwise.h's jobs: one plain loop each, written to
 * be read, not to be fast. They are what the fast variants must compute
 * (tests/test_wordwise.c compares the two), and what the library runs when
 * built with PTR_WORDWISE=SCALAR.
 */
#include "util/wordwise.h"

const char *ptr__ww_variant(void)
{
#if defined(PTR_WORDWISE_SCALAR)
    return "scalar";
#else
    return "fast";
#endif
}

unsigned ptr__ww_popcount_scalar(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

unsigned ptr__ww_lowest_bit_scalar(uint64_t m)
{
    unsigned i = 0;
    for (; i < 63 && !(m >> i & 1); i++)
        ;
    return i;
}

size_t ptr__ww_printable_span_scalar(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= 0x20 && s[i] <= 0x7E)
        i++;
    return i;
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int ptr__ww_hex_colon_scalar(const unsigned char *s, size_t n, uint64_t *colons)
{
    uint64_t c = 0;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':')
            c |= (uint64_t)1 << i;
        else if (!is_hex(s[i]))
            ok = 0;
    }
    *colons = c;
    return ok;
}

static unsigned hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A' + 10);
    return 0; /* the zero bytes of a short group */
}

void ptr__ww_hex_groups_scalar(const uint32_t w[8], uint64_t *lo, uint64_t *hi)
{
    uint64_t half[2] = {0, 0};
    for (unsigned k = 0; k < 8; k++) {
        for (unsigned b = 0; b < 2; b++) {
            const unsigned d0 = hex_digit((unsigned char)(w[k] >> (16 * b)));
            const unsigned d1 = hex_digit((unsigned char)(w[k] >> (16 * b + 8)));
            const unsigned at = 2 * k + b; /* the address byte */
            half[at / 8] |= (uint64_t)(d0 << 4 | d1) << (8 * (at % 8));
        }
    }
    *lo = half[0];
    *hi = half[1];
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The octet p[from..from+k): its value, or -1 when it has a leading zero or is above 255. */
static int octet(const unsigned char *p, unsigned from, unsigned k)
{
    if (k > 1 && p[from] == '0')
        return -1;
    unsigned v = 0;
    for (unsigned i = from; i < from + k; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    return v > 255 ? -1 : (int)v;
}

int ptr__ww_octet_dot_scalar(const unsigned char *p, unsigned *n)
{
    unsigned k = 0;
    while (k < 4 && is_digit(p[k]))
        k++;
    if (k == 0 || k == 4 || p[k] != '.')
        return -1;
    const int v = octet(p, 0, k);
    if (v >= 0)
        *n = k;
    return v;
}

int ptr__ww_dot_octet_scalar(const unsigned char *p, unsigned *n)
{
    unsigned k = 0; /* digits at the end */
    while (k < 4 && is_digit(p[3 - k]))
        k++;
    if (k == 0 || k == 4 || p[3 - k] != '.')
        return -1;
    const int v = octet(p, 4 - k, k);
    if (v >= 0)
        *n = k;
    return v;
}

void ptr__ww_name_classes_scalar(const unsigned char *s, size_t n, int underscore,
                                 ptr__ww_name_masks *m)
{
    m->ok = m->dot = m->hyphen = m->digit = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = s[i];
        const uint64_t bit = (uint64_t)1 << i;
        const int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (is_digit(c))
            m->digit |= bit;
        if (c == '.')
            m->dot |= bit;
        if (c == '-')
            m->hyphen |= bit;
        if (letter || is_digit(c) || c == '.' || c == '-' || (underscore && c == '_'))
            m->ok |= bit;
    }
}
