/*
 * ptr_description_check, against a UTF-8 decoder written here.
 *
 * The decoder below is deliberately simple and unlike a range table: it
 * takes the sequence length from the lead byte, gathers the payload bits,
 * then refuses the result when it is a surrogate, above U+10FFFF, or needs
 * fewer bytes than it used (overlong). From fields.h, a description is
 * valid when it decodes, has no C0, DEL or C1 control and no bidi control
 * U+202A..U+202E, U+2066..U+2069, and has at most description_max code
 * points.
 *
 * Checks, with the default policy and with description_max set to the
 * decoder's count and one less (which pins the library's count to ours):
 * accept exactly when the reference does; on rejection ptr_error names the
 * description, and its offset is inside the text and not before the first
 * problem the reference sees; on success ptr_error is untouched.
 *
 * The library also refuses U+2028/U+2029 (line/paragraph separators),
 * which fields.h does not list; the reference abstains on text with them
 * rather than fail on a documentation gap.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* One code point from s[0..n): its value, or -1 when malformed; *used: bytes looked at. */
static int32_t decode_one(const unsigned char *s, size_t n, size_t *used)
{
    size_t len;
    uint32_t cp;
    if (s[0] < 0x80) {
        *used = 1;
        return s[0];
    }
    if ((s[0] & 0xe0u) == 0xc0u) {
        len = 2;
        cp = s[0] & 0x1fu;
    } else if ((s[0] & 0xf0u) == 0xe0u) {
        len = 3;
        cp = s[0] & 0x0fu;
    } else if ((s[0] & 0xf8u) == 0xf0u) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        *used = 1; /* a continuation byte, or F8..FF */
        return -1;
    }
    for (size_t k = 1; k < len; k++) {
        if (k >= n || (s[k] & 0xc0u) != 0x80u) {
            *used = k;
            return -1;
        }
        cp = cp << 6 | (s[k] & 0x3fu);
    }
    *used = len;
    const size_t shortest = cp < 0x80u ? 1 : cp < 0x800u ? 2 : cp < 0x10000u ? 3 : 4;
    if (shortest != len || cp > 0x10ffffu || (cp >= 0xd800u && cp <= 0xdfffu))
        return -1;
    return (int32_t)cp;
}

static int forbidden(uint32_t cp)
{
    return cp < 0x20u || (cp >= 0x7fu && cp <= 0x9fu) || (cp >= 0x202au && cp <= 0x202eu) ||
           (cp >= 0x2066u && cp <= 0x2069u);
}

struct verdict {
    size_t count; /* code points, when the text decodes */
    size_t bad;   /* offset of the first malformed or forbidden sequence, or NONE */
    size_t sep;   /* offset of the first U+2028/U+2029, or NONE */
    size_t over;  /* offset of code point number max + 1, or NONE */
};

static struct verdict scan(const unsigned char *s, size_t n, size_t max)
{
    struct verdict v = {0, NONE, NONE, NONE};
    for (size_t i = 0; i < n;) {
        size_t used;
        const int32_t cp = decode_one(s + i, n - i, &used);
        if (v.count == max && v.over == NONE)
            v.over = i;
        if (cp < 0 || forbidden((uint32_t)cp)) {
            v.bad = i;
            return v;
        }
        if ((cp == 0x2028 || cp == 0x2029) && v.sep == NONE)
            v.sep = i;
        v.count++;
        i += used;
    }
    return v;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    const size_t ab = a < b ? a : b;
    return ab < c ? ab : c;
}

static void check_one(const char *text, size_t len, const ptr_policy *p, size_t max)
{
    ptr_error err;
    fuzz_error_prefill(&err);
    const ptr_status st = ptr_description_check(text, len, p, &err);
    if (fuzz_unsupported(st, "ptr_description_check"))
        return;
    FUZZ_STATUS(ptr_description_check(text, len, p, NULL), st);

    const struct verdict v = scan((const unsigned char *)text, len, max);
    const int valid = v.bad == NONE && v.over == NONE;
    if (st == PTR_OK) {
        FUZZ_CHECK(valid);
        FUZZ_CHECK(v.count <= max);
        FUZZ_CHECK(fuzz_error_untouched(&err));
        return;
    }
    FUZZ_STATUS(st, PTR_E_DESCRIPTION);
    FUZZ_CHECK(!valid || v.sep != NONE);
    fuzz_check_error(&err, st, len);
    FUZZ_CHECK(err.field == PTR_FIELD_DESCRIPTION);
    FUZZ_CHECK(err.index == 0);
    FUZZ_CHECK(err.offset >= min3(v.bad, v.sep, v.over));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_dup(data, size);
    check_one(text, size, NULL, 255);

    const struct verdict v = scan(data, size, NONE);
    if (v.bad == NONE && v.sep == NONE && v.count <= UINT32_MAX) {
        ptr_policy p;
        ptr_policy_init(&p);
        p.description_max = (uint32_t)v.count;
        check_one(text, size, &p, v.count); /* must accept: count == max */
        if (v.count > 0) {
            p.description_max = (uint32_t)(v.count - 1);
            check_one(text, size, &p, v.count - 1); /* must refuse: one too many */
        }
    }
    free(text);
    return 0;
}
