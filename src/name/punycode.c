/*
 * Punycode decoding (RFC 3492 §6.2, with the overflow checks of §6.4), so that
 * an "xn--" label is accepted only when it is a well-formed A-label.
 *
 * It validates, nothing more: IDNA2008's code point tables, NFC and the bidi
 * and context rules (RFC 5891 §5.4, RFC 5892, RFC 5893) are out of scope.
 */
#include <string.h>

#include "util/internal.h"
#include "name/punycode.h"

/* Bootstring parameters for Punycode (RFC 3492 §5). */
enum {
    PUNY_BASE = 36,
    PUNY_TMIN = 1,
    PUNY_TMAX = 26,
    PUNY_SKEW = 38,
    PUNY_DAMP = 700,
    PUNY_INITIAL_BIAS = 72,
    PUNY_INITIAL_N = 128,
    PUNY_DELIMITER = '-'
};

/*
 * RFC 3492 §5: a-z and A-Z are 0..25, 0-9 are 26..35, case-insensitively
 * (§5 "the decoder must accept both"). Anything else yields PUNY_BASE.
 */
static uint32_t digit_value(unsigned char c)
{
    if (ptr__is_digit(c))
        return (uint32_t)(c - '0') + 26u;
    if (ptr__is_alpha(c))
        return (uint32_t)((c | 0x20) - 'a');
    return PUNY_BASE;
}

/* Bias adaptation, RFC 3492 §6.1. */
static uint32_t adapt(uint32_t delta, uint32_t numpoints, int first_time)
{
    /* Damping the first delta keeps a large first jump from skewing the rest. */
    delta = first_time ? delta / PUNY_DAMP : delta / 2;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
        delta /= PUNY_BASE - PUNY_TMIN;
        k += PUNY_BASE;
    }
    return k + ((PUNY_BASE - PUNY_TMIN + 1) * delta) / (delta + PUNY_SKEW);
}

ptr__puny_result ptr__punycode_decode(const char *in, size_t len, uint32_t out[PTR__PUNYCODE_MAXCP],
                                      size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)in;
    if (len == 0)
        return PTR__PUNY_EMPTY;

    /* Everything before the last delimiter is literal (basic) code points. */
    size_t b = len;
    while (b > 0 && p[b - 1] != PUNY_DELIMITER)
        b--;
    b = b > 0 ? b - 1 : 0;
    if (b > PTR__PUNYCODE_MAXCP)
        return PTR__PUNY_TOO_LONG;
    for (size_t j = 0; j < b; j++) {
        /* A label's basic code points must be LDH themselves (RFC 5890 §2.3.1). */
        if (!ptr__is_alpha(p[j]) && !ptr__is_digit(p[j]) && p[j] != '-')
            return PTR__PUNY_BASIC;
        out[j] = p[j];
    }

    /* RFC 3492 §6.2: the delimiter is consumed only when something preceded it. */
    size_t pos = b > 0 ? b + 1 : 0;
    size_t count = b;
    uint32_t n = PUNY_INITIAL_N, i = 0, bias = PUNY_INITIAL_BIAS;

    while (pos < len) {
        /* One generalized variable-length integer: a delta of the state i. */
        const uint32_t oldi = i;
        uint32_t w = 1;
        for (uint32_t k = PUNY_BASE;; k += PUNY_BASE) {
            if (pos >= len)
                return PTR__PUNY_TRUNCATED;
            const uint32_t digit = digit_value(p[pos++]);
            if (digit >= PUNY_BASE)
                return PTR__PUNY_DIGIT;
            /* §6.4: i + digit * w must fit, tested without computing it. */
            if (digit > (UINT32_MAX - i) / w)
                return PTR__PUNY_OVERFLOW;
            i += digit * w;
            const uint32_t t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
            if (digit < t)
                break;
            /*
             * §6.4 again. With Punycode's parameters i, already at least w,
             * seems always to overflow first; the check keeps that a
             * non-assumption.
             */
            if (w > UINT32_MAX / (PUNY_BASE - t))
                return PTR__PUNY_OVERFLOW;
            w *= PUNY_BASE - t;
        }

        const uint32_t slots = (uint32_t)count + 1;
        bias = adapt(i - oldi, slots, oldi == 0);
        if (i / slots > UINT32_MAX - n)
            return PTR__PUNY_OVERFLOW;
        n += i / slots;
        i %= slots;
        /* n starts at initial_n and only grows, so §6.2's "n is basic" cannot occur. */

        /*
         * RFC 3492 leaves these to the application; a DNS label must carry
         * Unicode scalar values (RFC 5890 §2.3.2.1 via RFC 3629).
         */
        if (n > 0x10FFFFu || (n >= 0xD800u && n <= 0xDFFFu))
            return PTR__PUNY_CODEPOINT;
        if (count == PTR__PUNYCODE_MAXCP)
            return PTR__PUNY_TOO_LONG;

        memmove(out + i + 1, out + i, (count - i) * sizeof *out);
        out[i] = n;
        count++;
        i++;
    }

    /*
     * An A-label stands for a U-label, which by definition holds a non-ASCII
     * code point (RFC 5890 §2.3.2.1); "xn--abc-" would be a fake A-label.
     */
    if (count == b)
        return PTR__PUNY_ASCII;
    *out_len = count;
    return PTR__PUNY_OK;
}
