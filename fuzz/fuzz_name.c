/*
 * ptr_name_check and ptr_name_normalize.
 *
 * Input: the first byte picks the flags (bit 0 PTR_NAME_ALLOW_UNDERSCORE,
 * bit 1 PTR_NAME_ALLOW_SINGLE_LABEL, bit 7 adds an unknown flag, which both
 * calls must refuse with PTR_E_INVAL); the rest is the name.
 *
 * Checks:
 * - normalize accepts exactly when check accepts, with the same status and
 *   the same error field and offset;
 * - a reference checker written here from name.h (with its own RFC 3492
 *   decoder) agrees: what it calls valid is accepted, what it calls invalid
 *   is refused. It abstains only on labels whose Punycode decodes to a
 *   surrogate, or "xn--" labels with '_' among their basic characters,
 *   where the contract does not say;
 * - the normal form is the input in lower case with exactly one trailing
 *   dot; it passes ptr_name_check, and normalizing it again gives identical
 *   bytes; a buffer one byte short gives PTR_E_BUFFER and the length;
 * - ptr_error is left alone on success and consistent on failure.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

enum ref { REF_VALID, REF_INVALID, REF_ABSTAIN };

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 3492 §3.4 bias adaptation. */
static uint32_t adapt(uint32_t delta, uint32_t numpoints, int first)
{
    delta = first ? delta / 700u : delta / 2u;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((36u - 1u) * 26u) / 2u) {
        delta /= 36u - 1u;
        k += 36u;
    }
    return k + (36u * delta) / (delta + 38u);
}

/*
 * The Punycode payload p[0..n) (after "xn--"), decoded as RFC 3492 §6.2
 * says, with 32-bit overflow checks. Valid when it decodes to at least one
 * non-ASCII code point, none above U+10FFFF, none a surrogate and none a C1
 * control (U+0080..U+009F).
 */
static enum ref punycode_ref(const unsigned char *p, size_t n)
{
    size_t b = 0;
    int delim = 0;
    for (size_t j = 0; j < n; j++)
        if (p[j] == '-') {
            b = j;
            delim = 1;
        }
    enum ref verdict = REF_VALID;
    for (size_t j = 0; delim && j < b; j++)
        if (p[j] == '_')
            verdict = REF_ABSTAIN; /* ASCII, so basic for RFC 3492, but not LDH */

    uint32_t out = (uint32_t)(delim ? b : 0), code = 128, i = 0, bias = 72;
    size_t in = delim && b > 0 ? b + 1 : 0;
    if (in >= n)
        return REF_INVALID; /* no non-ASCII code point */
    while (in < n) {
        const uint32_t oldi = i;
        uint32_t w = 1;
        for (uint32_t k = 36;; k += 36) {
            if (in >= n)
                return REF_INVALID;
            const unsigned char c = p[in++];
            uint32_t digit;
            if (is_digit(c))
                digit = (uint32_t)(c - '0') + 26u;
            else if (c >= 'a' && c <= 'z')
                digit = (uint32_t)(c - 'a');
            else if (c >= 'A' && c <= 'Z')
                digit = (uint32_t)(c - 'A');
            else
                return REF_INVALID;
            if (digit > (UINT32_MAX - i) / w)
                return REF_INVALID;
            i += digit * w;
            const uint32_t t = k <= bias ? 1u : k >= bias + 26u ? 26u : k - bias;
            if (digit < t)
                break;
            if (w > UINT32_MAX / (36u - t))
                return REF_INVALID;
            w *= 36u - t;
        }
        bias = adapt(i - oldi, out + 1u, oldi == 0);
        if (i / (out + 1u) > UINT32_MAX - code)
            return REF_INVALID;
        code += i / (out + 1u);
        i %= out + 1u;
        if (code > 0x10ffffu)
            return REF_INVALID;
        if (code <= 0x9fu) /* C1 controls: name.h refuses them in a U-label */
            return REF_INVALID;
        if (code >= 0xd800u && code <= 0xdfffu)
            verdict = REF_ABSTAIN;
        out++;
        i++;
    }
    return verdict;
}

/* The rules of name.h, one label at a time. */
static enum ref name_ref(const unsigned char *s, size_t len, unsigned flags)
{
    if (len == 0)
        return REF_INVALID;
    const size_t end = s[len - 1] == '.' ? len - 1 : len;
    if (end == 0 || end > PTR_NAME_MAXLEN)
        return REF_INVALID;

    enum ref verdict = REF_VALID;
    size_t labels = 0;
    int last_all_digits = 0;
    for (size_t start = 0; start <= end;) {
        size_t stop = start;
        while (stop < end && s[stop] != '.')
            stop++;
        const size_t l = stop - start;
        if (l == 0 || l > PTR_LABEL_MAXLEN)
            return REF_INVALID;
        int all_digits = 1;
        for (size_t j = start; j < stop; j++) {
            const unsigned char c = s[j];
            if (is_digit(c))
                continue;
            all_digits = 0;
            if (!is_alpha(c) && c != '-' && !(c == '_' && (flags & PTR_NAME_ALLOW_UNDERSCORE)))
                return REF_INVALID;
        }
        if (s[start] == '-' || s[stop - 1] == '-')
            return REF_INVALID;
        if (l >= 4 && fuzz_lower(s[start]) == 'x' && fuzz_lower(s[start + 1]) == 'n' &&
            s[start + 2] == '-' && s[start + 3] == '-') {
            const enum ref p = punycode_ref(s + start + 4, l - 4);
            if (p == REF_INVALID)
                return REF_INVALID;
            if (p == REF_ABSTAIN)
                verdict = REF_ABSTAIN;
        }
        labels++;
        last_all_digits = all_digits;
        start = stop + 1;
    }
    if (labels < 2 && !(flags & PTR_NAME_ALLOW_SINGLE_LABEL))
        return REF_INVALID;
    if (last_all_digits)
        return REF_INVALID;
    return verdict;
}

static void check_normal_form(const char *name, size_t len, unsigned flags, const char *buf,
                              size_t out_len)
{
    /* Lower case, exactly one trailing dot. */
    const size_t body = len - (name[len - 1] == '.');
    FUZZ_CHECK(out_len == body + 1);
    FUZZ_CHECK(out_len < PTR_NAME_BUFSZ);
    for (size_t i = 0; i < body; i++)
        FUZZ_CHECK((unsigned char)buf[i] == fuzz_lower((unsigned char)name[i]));
    FUZZ_CHECK(buf[body] == '.' && buf[body + 1] == '\0');

    char *copy = fuzz_dup((const uint8_t *)buf, out_len);
    FUZZ_STATUS(ptr_name_check(copy, out_len, flags, NULL), PTR_OK);
    char again[PTR_NAME_BUFSZ];
    size_t again_len = 0;
    FUZZ_STATUS(ptr_name_normalize(copy, out_len, flags, again, sizeof again, &again_len, NULL),
                PTR_OK);
    FUZZ_CHECK(again_len == out_len);
    FUZZ_CHECK(memcmp(again, buf, out_len + 1) == 0);

    size_t need = 0;
    FUZZ_STATUS(ptr_name_normalize(copy, out_len, flags, again, out_len, &need, NULL),
                PTR_E_BUFFER);
    FUZZ_CHECK(need == out_len);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int bogus = (data[0] & 0x80u) != 0;
    const unsigned flags = (data[0] & 3u) | (bogus ? 0x100u : 0u);
    const size_t len = size - 1;
    char *name = fuzz_dup(data + 1, len);

    ptr_error cerr, nerr;
    fuzz_error_prefill(&cerr);
    fuzz_error_prefill(&nerr);
    const ptr_status cst = ptr_name_check(name, len, flags, &cerr);
    char buf[PTR_NAME_BUFSZ];
    size_t out_len = 0;
    const ptr_status nst = ptr_name_normalize(name, len, flags, buf, sizeof buf, &out_len, &nerr);
    if (fuzz_unsupported(cst, "ptr_name_check") || fuzz_unsupported(nst, "ptr_name_normalize"))
        goto done;

    FUZZ_STATUS(nst, cst);
    FUZZ_STATUS(ptr_name_check(name, len, flags, NULL), cst);
    if (bogus) {
        FUZZ_STATUS(cst, PTR_E_INVAL);
        fuzz_check_error(&cerr, cst, len);
        fuzz_check_error(&nerr, nst, len);
        goto done;
    }

    const enum ref ref = name_ref((const unsigned char *)name, len, flags);
    if (cst != PTR_OK) {
        FUZZ_STATUS(cst, PTR_E_NAME);
        FUZZ_CHECK(ref != REF_VALID);
        fuzz_check_error(&cerr, cst, len);
        fuzz_check_error(&nerr, nst, len);
        FUZZ_CHECK(cerr.field == PTR_FIELD_NAME && cerr.index == 0);
        FUZZ_CHECK(nerr.field == cerr.field && nerr.index == cerr.index);
        FUZZ_CHECK(nerr.offset == cerr.offset);
        goto done;
    }
    FUZZ_CHECK(ref != REF_INVALID);
    FUZZ_CHECK(fuzz_error_untouched(&cerr));
    FUZZ_CHECK(fuzz_error_untouched(&nerr));
    check_normal_form(name, len, flags, buf, out_len);
done:
    free(name);
    return 0;
}
