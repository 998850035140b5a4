/*
 * TTL rules: parsing "300" or "1h30m" into seconds, and the policy range.
 *
 * The range comes from the cloud API (DNS.0506: "The value must range from 1
 * to 2147483647") and RFC 2181 §8, which makes 2^31 - 1 the largest TTL a
 * resolver honours. Parsing is kept apart from the range so that a caller can
 * tell "not a TTL at all" from "a TTL the policy refuses"; the parser's only
 * limit is what fits in the uint32_t it returns.
 */
#include "util/internal.h"

/*
 * Seconds per unit letter, or 0 for a byte that is not a unit. The letters
 * are BIND's master-file TTL units (w, d, h, m, s, in either case).
 */
static uint32_t unit_seconds(unsigned char c)
{
    switch (ptr__lower(c)) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 604800;
    default: return 0;
    }
}

/*
 * Grammar: number | (number unit)+. A number without a unit is accepted only
 * as the whole text. "1h30" is rejected, as BIND's dns_ttl_fromtext() rejects
 * it: a reader may take it for 1h30m where the other reading is 1h + 30s, and
 * a TTL that is off by a factor of 60 is worse than an error. Units may
 * repeat and come in any order ("1m1h"), as in BIND; each component only
 * adds. Every step is checked against UINT32_MAX in 64-bit arithmetic, so no
 * input wraps around to a small, valid-looking TTL.
 */
ptr_status ptr_ttl_parse(const char *s, size_t len, uint32_t *out)
{
    if (!out || (!s && len > 0))
        return PTR_E_INVAL;
    if (len == 0)
        return PTR_E_TTL;

    const unsigned char *u = (const unsigned char *)s;
    uint64_t total = 0;
    size_t i = 0;
    while (i < len) {
        const size_t start = i;
        uint64_t num = 0;
        while (i < len && ptr__is_digit(u[i])) {
            num = num * 10 + (uint64_t)(u[i] - '0');
            if (num > UINT32_MAX)
                return PTR_E_TTL;
            i++;
        }
        if (i == start)
            return PTR_E_TTL; /* a unit without a number, a sign, a space, ... */
        if (i == len) {
            if (start != 0)
                return PTR_E_TTL; /* "1h30": a bare number after a unit */
            total = num;
            break;
        }
        const uint32_t unit = unit_seconds(u[i]);
        if (unit == 0)
            return PTR_E_TTL;
        i++;
        /* num <= 2^32 - 1 and unit <= 604800 < 2^20: the product fits in 64 bits. */
        total += num * unit;
        if (total > UINT32_MAX)
            return PTR_E_TTL;
    }
    *out = (uint32_t)total;
    return PTR_OK;
}

/*
 * int64_t, so that a caller holding a JSON number or a signed database column
 * can pass it unconverted: -1 and 2^31 must fail here, not wrap on the way in.
 */
ptr_status ptr_ttl_check(int64_t ttl, const ptr_policy *p)
{
    const ptr_policy *pol = ptr__policy_or_default(p);
    if (ttl < (int64_t)pol->ttl_min || ttl > (int64_t)pol->ttl_max)
        return PTR_E_TTL;
    return PTR_OK;
}
