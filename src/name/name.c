/*
 * Domain names a PTR record may point to: host-name syntax and normal form.
 *
 * The syntax is RFC 1035 §2.3.1's preferred name syntax as relaxed by
 * RFC 1123 §2.1 (a label may start with a digit), with the size limits of
 * RFC 1035 §2.3.4. IDNs are accepted only as A-labels (RFC 5890 §2.3.2.1),
 * whose Punycode (RFC 3492) must decode.
 *
 * Valid names of 8 to 63 letters, digits, hyphens and dots, nearly all
 * names, are accepted from masks of a bit per byte (util/wordwise.h). Anything
 * else, every invalid name included, goes through one pass over the bytes
 * with a class table, which names the error; Punycode runs only on labels
 * that start with "xn--". When a name breaks several rules, the first one
 * met from left to right is reported: a label's own syntax (at the lowest
 * offset) before its Punycode, the label count and the all-digit rule last.
 * The exception is a name over the length limit, refused as such before its
 * labels are looked at, so that oversized input costs nothing.
 */
#include "util/internal.h"
#include "name/punycode.h"
#include "util/wordwise.h"

/* Byte classes; every byte not listed is class 0 and never allowed in a label. */
enum { NC_DIGIT = 1u, NC_ALPHA = 2u, NC_HYPHEN = 4u, NC_UNDERSCORE = 8u };

/* clang-format off */
#define D NC_DIGIT
#define A NC_ALPHA
static const unsigned char name_class[256] = {
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D,
    ['5'] = D, ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D,
    ['A'] = A, ['B'] = A, ['C'] = A, ['D'] = A, ['E'] = A, ['F'] = A, ['G'] = A,
    ['H'] = A, ['I'] = A, ['J'] = A, ['K'] = A, ['L'] = A, ['M'] = A, ['N'] = A,
    ['O'] = A, ['P'] = A, ['Q'] = A, ['R'] = A, ['S'] = A, ['T'] = A, ['U'] = A,
    ['V'] = A, ['W'] = A, ['X'] = A, ['Y'] = A, ['Z'] = A,
    ['a'] = A, ['b'] = A, ['c'] = A, ['d'] = A, ['e'] = A, ['f'] = A, ['g'] = A,
    ['h'] = A, ['i'] = A, ['j'] = A, ['k'] = A, ['l'] = A, ['m'] = A, ['n'] = A,
    ['o'] = A, ['p'] = A, ['q'] = A, ['r'] = A, ['s'] = A, ['t'] = A, ['u'] = A,
    ['v'] = A, ['w'] = A, ['x'] = A, ['y'] = A, ['z'] = A,
    ['-'] = NC_HYPHEN,
    ['_'] = NC_UNDERSCORE,
};
#undef D
#undef A
/* clang-format on */

#define NAME_FLAGS (PTR_NAME_ALLOW_UNDERSCORE | PTR_NAME_ALLOW_SINGLE_LABEL)

size_t ptr_name_bufsz(void)
{
    return PTR_NAME_BUFSZ;
}

static ptr_status name_fail(ptr_error *err, size_t offset, const char *msg)
{
    return ptr__fail(err, PTR_E_NAME, PTR_FIELD_NAME, 0, offset, msg);
}

/* Says which rule a byte outside the label alphabet breaks; off the fast path. */
static ptr_status bad_byte(ptr_error *err, size_t offset, unsigned char c)
{
    const char *msg;
    if (c == '\0')
        msg = "NUL byte in name";
    else if (c >= 0x80)
        msg = "non-ASCII byte in name (internationalized names must be xn-- A-labels)";
    else if (c == '\\')
        msg = "escape sequences ('\\') are not allowed in a name";
    else if (c == '*')
        msg = "wildcard '*' is not allowed in a name";
    else if (c == ' ')
        msg = "space in name";
    else if (c == '_')
        msg = "underscore in name (allowed only with PTR_NAME_ALLOW_UNDERSCORE)";
    else if (c < 0x20 || c == 0x7F)
        msg = "control character in name";
    else
        msg = "invalid character in name (only letters, digits, '-' and '.' are allowed)";
    return name_fail(err, offset, msg);
}

static ptr_status bad_punycode(ptr_error *err, size_t offset, ptr__puny_result r)
{
    const char *msg;
    switch (r) {
    case PTR__PUNY_BASIC: msg = "xn-- label has a non-LDH basic character"; break;
    case PTR__PUNY_DIGIT: msg = "xn-- label has an invalid Punycode digit"; break;
    case PTR__PUNY_TRUNCATED: msg = "xn-- label ends inside a Punycode number"; break;
    case PTR__PUNY_OVERFLOW: msg = "xn-- label overflows while decoding Punycode"; break;
    case PTR__PUNY_CODEPOINT: msg = "xn-- label decodes to an invalid code point"; break;
    /*
     * An empty or ASCII-only payload ends in '-', and a label of 63 octets
     * cannot decode to more than 63 code points: the label rules have
     * already refused those.
     */
    default: msg = "xn-- label is not valid Punycode"; break;
    }
    return name_fail(err, offset, msg);
}

/*
 * The fast path: says whether s[0..end) is a valid name, for names of 8 to
 * 63 bytes (a whole word to classify, and no room for a label over 63) of
 * letters, digits, hyphens and dots, and underscores when the flags allow
 * them. It never reports an error: for any other name, valid or not, it
 * answers 0 and the byte-by-byte loop below decides and names the first
 * problem, so there is one place for every message and offset. Nor does it
 * decode Punycode: a label with "--" in its third and fourth bytes, which
 * may be an "xn--" one, is left to the loop too.
 *
 * With a bit per byte for the whole name, the label rules are a few masks:
 * the first byte of a label is the one after a dot (or the start), the last
 * is the one before a dot (or the end), and neither may be a dot (an empty
 * label) or a hyphen.
 */
static int plain_name_ok(const unsigned char *s, size_t end, unsigned flags)
{
    const int underscore = (flags & PTR_NAME_ALLOW_UNDERSCORE) != 0;
    if (end < 8 || end > PTR_LABEL_MAXLEN)
        return 0;
    ptr__ww_name_masks n;
    ptr__ww_name_classes(s, end, underscore, &n);
    const uint64_t first = n.dot << 1 | 1;
    const uint64_t last = n.dot >> 1 | UINT64_C(1) << (end - 1);
    if (n.ok != (UINT64_C(1) << end) - 1 || (n.dot | n.hyphen) & (first | last) ||
        n.hyphen & n.hyphen >> 1 & first << 2)
        return 0;
    if (!n.dot && !(flags & PTR_NAME_ALLOW_SINGLE_LABEL))
        return 0;

    /* RFC 1123 §2.1: a non-digit past the last dot. `upto` smears that dot down to bit 0. */
    uint64_t upto = n.dot;
    upto |= upto >> 1;
    upto |= upto >> 2;
    upto |= upto >> 4;
    upto |= upto >> 8;
    upto |= upto >> 16;
    upto |= upto >> 32;
    return (n.ok & ~n.digit & ~upto) != 0;
}

/*
 * The checks shared by ptr_name_check and ptr_name_normalize. On success,
 * *body gets the length of the name without its trailing dot.
 */
static ptr_status name_validate(const char *str, size_t len, unsigned flags, ptr_error *err,
                                size_t *body)
{
    if (flags & ~NAME_FLAGS)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "unknown name flags");
    if (!str && len > 0)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "name is NULL");
    if (len == 0)
        return name_fail(err, 0, "empty name");

    const unsigned char *s = (const unsigned char *)str;
    const size_t end = s[len - 1] == '.' ? len - 1 : len;
    /*
     * 253 characters without the trailing dot are 255 octets on the wire,
     * the limit of RFC 1035 §2.3.4. The offset is that of the first
     * character past the limit.
     */
    if (end > PTR_NAME_MAXLEN)
        return ptr__failn(err, PTR_E_NAME, PTR_FIELD_NAME, 0, PTR_NAME_MAXLEN,
                          "name longer than %u characters", PTR_NAME_MAXLEN);
    if (plain_name_ok(s, end, flags)) {
        *body = end;
        return PTR_OK;
    }

    const unsigned allowed =
        NC_DIGIT | NC_ALPHA | NC_HYPHEN | (flags & PTR_NAME_ALLOW_UNDERSCORE ? NC_UNDERSCORE : 0u);
    size_t i = 0, start;
    unsigned labels = 0, seen;
    for (;;) {
        start = i;
        seen = 0;
        while (i < end) {
            const unsigned k = name_class[s[i]];
            if (!(k & allowed))
                break;
            seen |= k;
            i++;
        }
        const size_t llen = i - start;
        const int at_dot = i == end || s[i] == '.';

        /* Tested in order of offset, so the first problem in the label is named. */
        if (llen == 0)
            return at_dot ? name_fail(err, start, "empty label") : bad_byte(err, i, s[i]);
        if (s[start] == '-')
            return name_fail(err, start, "label starts with a hyphen");
        if (llen > PTR_LABEL_MAXLEN)
            return ptr__failn(err, PTR_E_NAME, PTR_FIELD_NAME, 0, start + PTR_LABEL_MAXLEN,
                              "label longer than %u characters", PTR_LABEL_MAXLEN);
        if (!at_dot)
            return bad_byte(err, i, s[i]);
        if (s[i - 1] == '-')
            return name_fail(err, i - 1, "label ends with a hyphen");

        /*
         * "--" in the third and fourth positions marks a reserved LDH label
         * (RFC 5890 §2.3.1). Only "xn--" has a meaning, so only it is
         * decoded; other such labels are accepted, because host names like
         * "ab--cd" predate IDNA and are in use.
         */
        if (llen >= 4 && s[start + 2] == '-' && s[start + 3] == '-' && (s[start] | 0x20) == 'x' &&
            (s[start + 1] | 0x20) == 'n') {
            uint32_t cps[PTR__PUNYCODE_MAXCP];
            size_t ncp;
            const ptr__puny_result r =
                ptr__punycode_decode((const char *)s + start + 4, llen - 4, cps, &ncp);
            if (r != PTR__PUNY_OK)
                return bad_punycode(err, start, r);
            /*
             * Decoding never yields a basic (ASCII) code point, so the
             * controls a U-label can hide are C1 (U+0080..U+009F), which
             * IDNA2008 disallows (RFC 5892, general category Cc).
             */
            for (size_t k = 0; k < ncp; k++)
                if (cps[k] >= 0x80u && cps[k] <= 0x9Fu)
                    return name_fail(err, start, "xn-- label decodes to a control character");
        }

        labels++;
        if (i == end)
            break;
        i++;
    }

    if (labels < 2 && !(flags & PTR_NAME_ALLOW_SINGLE_LABEL))
        return name_fail(err, start, "name needs at least two labels");
    /* RFC 1123 §2.1: a name must not look like a dotted-decimal address. */
    if (!(seen & ~(unsigned)NC_DIGIT))
        return name_fail(err, start, "last label is all digits");

    *body = end;
    return PTR_OK;
}

ptr_status ptr_name_check(const char *s, size_t len, unsigned flags, ptr_error *err)
{
    size_t body;
    return name_validate(s, len, flags, err, &body);
}

ptr_status ptr_name_normalize(const char *s, size_t len, unsigned flags, char *buf, size_t cap,
                              size_t *out_len, ptr_error *err)
{
    if (!buf)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "output buffer is NULL");
    size_t body;
    const ptr_status st = name_validate(s, len, flags, err, &body);
    if (st != PTR_OK)
        return st;

    /* Stored names are absolute: exactly one trailing dot, then the NUL. */
    const size_t need = body + 1;
    if (cap <= need) {
        if (out_len)
            *out_len = need;
        return ptr__failn(err, PTR_E_BUFFER, PTR_FIELD_NONE, 0, 0,
                          "output buffer too small: %u bytes needed", need + 1);
    }
    for (size_t i = 0; i < body; i++)
        buf[i] = (char)ptr__lower((unsigned char)s[i]);
    buf[body] = '.';
    buf[need] = '\0';
    if (out_len)
        *out_len = need;
    return PTR_OK;
}
