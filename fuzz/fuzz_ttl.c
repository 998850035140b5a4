/*
 * ptr_ttl_parse and ptr_ttl_check.
 *
 * A reference parser written here from fields.h decides every input: the
 * whole text a decimal number, or one or more "number unit" pairs (units
 * s m h d w, either case, any order, repeats adding up), the total at most
 * 4294967295 with no wrap-around on the way. ptr_ttl_parse must agree on
 * accept/reject and on the value.
 *
 * ptr_ttl_check is exact too: the parsed value, and (inputs of 8 bytes or
 * more) the first 8 bytes as an int64_t, against the defaults [1,
 * 2147483647] and (16 bytes or more) against a policy whose ttl_min and
 * ttl_max are bytes 8..15.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define TTL_LIMIT 4294967295u

static uint64_t unit_of(unsigned char c)
{
    switch (fuzz_lower(c)) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 60 * 60;
    case 'd': return 24 * 60 * 60;
    case 'w': return 7 * 24 * 60 * 60;
    default: return 0;
    }
}

/* 1 and *value when s[0..n) is a TTL by the contract, else 0. */
static int ref_ttl(const unsigned char *s, size_t n, uint64_t *value)
{
    if (n == 0)
        return 0;
    size_t digits = 0;
    while (digits < n && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    if (digits == 0)
        return 0;

    uint64_t total = 0;
    size_t at = 0;
    while (at < n) {
        /* One component: digits, then a unit unless the whole text is digits. */
        uint64_t num = 0;
        size_t j = at;
        for (; j < n && s[j] >= '0' && s[j] <= '9'; j++) {
            num = num * 10 + (uint64_t)(s[j] - '0');
            if (num > TTL_LIMIT)
                return 0;
        }
        if (j == at)
            return 0;
        uint64_t unit;
        if (j == n) {
            if (at != 0)
                return 0; /* "1h30": a bare number after a unit */
            unit = 1;
        } else {
            unit = unit_of(s[j]);
            if (unit == 0)
                return 0;
            j++;
        }
        total += num * unit;
        if (total > TTL_LIMIT)
            return 0;
        at = j;
    }
    *value = total;
    return 1;
}

static ptr_status expect_range(int64_t v, int64_t lo, int64_t hi)
{
    return v >= lo && v <= hi ? PTR_OK : PTR_E_TTL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t got = 0;
    const ptr_status st = ptr_ttl_parse((const char *)data, size, &got);
    if (fuzz_unsupported(st, "ptr_ttl_parse"))
        return 0;
    uint64_t want = 0;
    if (ref_ttl(data, size, &want)) {
        FUZZ_STATUS(st, PTR_OK);
        FUZZ_CHECK(got == want);
    } else {
        FUZZ_STATUS(st, PTR_E_TTL);
    }
    FUZZ_STATUS(ptr_ttl_parse((const char *)data, size, NULL), PTR_E_INVAL);

    if (st == PTR_OK) {
        const ptr_status cst = ptr_ttl_check((int64_t)got, NULL);
        if (fuzz_unsupported(cst, "ptr_ttl_check"))
            return 0;
        FUZZ_STATUS(cst, expect_range((int64_t)got, 1, 2147483647));
    }

    if (size >= 8) {
        int64_t x;
        memcpy(&x, data, sizeof x);
        const ptr_status cst = ptr_ttl_check(x, NULL);
        if (fuzz_unsupported(cst, "ptr_ttl_check"))
            return 0;
        FUZZ_STATUS(cst, expect_range(x, 1, 2147483647));
        if (size >= 16) {
            ptr_policy p;
            ptr_policy_init(&p);
            memcpy(&p.ttl_min, data + 8, sizeof p.ttl_min);
            memcpy(&p.ttl_max, data + 12, sizeof p.ttl_max);
            FUZZ_STATUS(ptr_ttl_check(x, &p), expect_range(x, p.ttl_min, p.ttl_max));
            FUZZ_STATUS(ptr_ttl_check((int64_t)p.ttl_min, &p),
                        expect_range(p.ttl_min, p.ttl_min, p.ttl_max));
        }
    }
    return 0;
}
