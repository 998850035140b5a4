/*
 * Description rules: strict UTF-8, a length in code points, and no characters
 * that can forge or reorder what a log line or a terminal shows.
 *
 * The cloud API counts the description in characters ("a maximum of 255
 * characters", DNS.0508); for UTF-8 text that is Unicode code points, so the
 * text has to be decoded, and decoding must be strict (RFC 3629 §3-4 and
 * §10): an overlong form or a surrogate is how a filter that looks at bytes
 * gets bypassed by a consumer that decodes leniently.
 */
#include "util/internal.h"
#include "util/wordwise.h"

#define FAIL(at, why) ptr__fail(err, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, (at), (why))

/*
 * Why a decoded code point is refused, or NULL when it is allowed.
 * - C0 (incl. TAB, LF, CR), DEL and C1 (incl. NEL U+0085): a stored newline
 *   or escape sequence forges log lines and drives terminals.
 * - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: mandatory line
 *   breaks in Unicode (UAX #14 class BK) and line terminators in JavaScript,
 *   so they forge lines in the same way a LF does.
 * - U+202A..U+202E (LRE RLE PDF LRO RLO) and U+2066..U+2069 (LRI RLI FSI PDI):
 *   the explicit embedding, override and isolate controls of the Unicode
 *   Bidirectional Algorithm (UAX #9), which make text display in an order
 *   other than its stored one ("Trojan Source", CVE-2021-42574).
 * Everything else that is a Unicode scalar value is allowed, including
 * U+00A0, private use, noncharacters and the implicit marks LRM/RLM/ALM,
 * which only influence neutral characters and cannot reorder a whole line.
 */
static const char *refused(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return "control character not allowed";
    if (cp < 0x2028)
        return NULL;
    if (cp <= 0x2029)
        return "line or paragraph separator not allowed";
    if (cp <= 0x202E || (cp >= 0x2066 && cp <= 0x2069))
        return "bidirectional control character not allowed";
    return NULL;
}

ptr_status ptr_description_check(const char *s, size_t len, const ptr_policy *p, ptr_error *err)
{
    if (!s) {
        if (len > 0)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_DESCRIPTION, 0, 0,
                             "description is NULL with a non-zero length");
        return PTR_OK;
    }
    const uint32_t max = ptr__policy_or_default(p)->description_max;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint32_t n = 0; /* code points accepted so far; never above max */

    for (;;) {
        /*
         * Fast path: printable ASCII is one byte per code point and always
         * allowed, so a run of it only has to stay within the length limit.
         */
        const size_t room = max - n;
        const size_t run = ptr__ww_printable_span(u + i, len - i > room ? room : len - i);
        i += run;
        n += (uint32_t)run;
        if (i == len)
            return PTR_OK;

        /* One code point at i, decoded per the table in RFC 3629 §4. */
        const size_t at = i;
        const unsigned char c = u[i];
        uint32_t cp;
        if (c < 0x80) {
            cp = c;
            i++;
        } else {
            size_t need;
            unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
            if (c < 0xC0)
                return FAIL(at, "invalid UTF-8 (unexpected continuation byte)");
            if (c < 0xC2)
                return FAIL(at, "invalid UTF-8 (overlong encoding)"); /* C0, C1: < U+0080 */
            if (c < 0xE0) {
                need = 1;
                cp = c & 0x1Fu;
            } else if (c < 0xF0) {
                need = 2;
                cp = c & 0x0Fu;
                if (c == 0xE0)
                    lo = 0xA0; /* E0 80..9F: overlong, < U+0800 */
                else if (c == 0xED)
                    hi = 0x9F; /* ED A0..BF: surrogates U+D800..U+DFFF */
            } else if (c < 0xF5) {
                need = 3;
                cp = c & 0x07u;
                if (c == 0xF0)
                    lo = 0x90; /* F0 80..8F: overlong, < U+10000 */
                else if (c == 0xF4)
                    hi = 0x8F; /* F4 90..BF: above U+10FFFF */
            } else {
                return FAIL(at, "invalid UTF-8 (byte 0xF5..0xFF)");
            }
            for (size_t k = 1; k <= need; k++) {
                if (i + k >= len || (u[i + k] & 0xC0u) != 0x80u)
                    return FAIL(at, "invalid UTF-8 (incomplete sequence)");
                const unsigned char b = u[i + k];
                if (k == 1 && (b < lo || b > hi)) {
                    if (b < lo)
                        return FAIL(at, "invalid UTF-8 (overlong encoding)");
                    if (c == 0xED)
                        return FAIL(at, "invalid UTF-8 (surrogate code point)");
                    return FAIL(at, "invalid UTF-8 (code point above U+10FFFF)");
                }
                cp = cp << 6 | (b & 0x3Fu);
            }
            i += need + 1;
        }

        if (n == max)
            return ptr__failn(err, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, at,
                              "description longer than %u characters", max);
        const char *why = refused(cp);
        if (why)
            return FAIL(at, why);
        n++;
    }
}
