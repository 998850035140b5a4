/*
 * Tag rules, from the Huawei Cloud v2.1 / Open Telekom Cloud PTR API
 * (DNS.1003 "Invalid tag", DNS.1001 "Insufficient tag quota"): key 1..128
 * characters, value 0..255, letters, digits, space and _ . : = + - @, no
 * leading or trailing space, keys unique per resource, and no key starting
 * with "_sys_", which the cloud reserves for its own tags. Every allowed
 * character is ASCII, so characters are bytes here.
 */
#include <string.h>

#include "util/internal.h"

/* 1 for a byte allowed in a tag key or value. */
static const unsigned char tag_char[256] = {
    [' '] = 1, ['_'] = 1, ['.'] = 1, [':'] = 1, ['='] = 1, ['+'] = 1, ['-'] = 1, ['@'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/*
 * Charset, length and spaces of a key or a value, in one pass. The first
 * problem by position wins: a byte past the limit is reported as "too long"
 * at offset max, whatever it is.
 */
static ptr_status check_text(const char *s, size_t len, uint32_t max, ptr_field field,
                             uint32_t index, ptr_error *err)
{
    const unsigned char *u = (const unsigned char *)s;
    const int is_key = field == PTR_FIELD_TAG_KEY;
    if (len > 0 && u[0] == ' ')
        return ptr__fail(err, PTR_E_TAG, field, index, 0,
                         is_key ? "tag key starts with a space" : "tag value starts with a space");
    for (size_t i = 0; i < len; i++) {
        if (i == max)
            return ptr__failn(err, PTR_E_TAG, field, index, i,
                              is_key ? "tag key longer than %u characters"
                                     : "tag value longer than %u characters",
                              max);
        if (!tag_char[u[i]])
            return ptr__fail(err, PTR_E_TAG, field, index, i,
                             is_key ? "tag key character not allowed (letters, digits, "
                                      "space and _ . : = + - @ only)"
                                    : "tag value character not allowed (letters, digits, "
                                      "space and _ . : = + - @ only)");
    }
    if (len > 0 && u[len - 1] == ' ')
        return ptr__fail(err, PTR_E_TAG, field, index, len - 1,
                         is_key ? "tag key ends with a space" : "tag value ends with a space");
    return PTR_OK;
}

/* 1 when the four bytes at u are all allowed. */
static inline unsigned tag_chars4(const unsigned char *u)
{
    return tag_char[u[0]] & tag_char[u[1]] & tag_char[u[2]] & tag_char[u[3]];
}

/*
 * Whether check_text would accept s[0..len): the common case, tested first so
 * that only a bad key or value pays for the loop that finds its first
 * problem. Four bytes at a time, the last four ending with the text: looking
 * a byte up twice is cheaper than a branch on the length, which varies from
 * one tag to the next and would often be mispredicted.
 */
static inline int text_ok(const char *s, size_t len, uint32_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len > max)
        return 0;
    unsigned ok = 1;
    if (len >= 4) {
        for (size_t i = 0; i + 4 < len; i += 4)
            ok &= tag_chars4(u + i);
        ok &= tag_chars4(u + len - 4);
    } else {
        for (size_t i = 0; i < len; i++)
            ok &= tag_char[u[i]];
    }
    return ok && (len == 0 || (u[0] != ' ' && u[len - 1] != ' '));
}

/* The reserved prefix "_sys_", compared without regard to case, as the cloud does. */
static int is_reserved(const char *key, size_t klen)
{
    static const char prefix[] = "_sys_";
    if (klen < sizeof prefix - 1)
        return 0;
    for (size_t i = 0; i < sizeof prefix - 1; i++)
        if (ptr__lower((unsigned char)key[i]) != (unsigned char)prefix[i])
            return 0;
    return 1;
}

static ptr_status check_tag(const char *key, size_t klen, const char *val, size_t vlen,
                            const ptr_policy *pol, uint32_t index, ptr_error *err)
{
    if (!key && klen > 0)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_TAG_KEY, index, 0,
                         "tag key is NULL with a non-zero length");
    if (!val && vlen > 0)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_TAG_VALUE, index, 0,
                         "tag value is NULL with a non-zero length");
    if (klen == 0)
        return ptr__fail(err, PTR_E_TAG, PTR_FIELD_TAG_KEY, index, 0, "tag key is empty");
    if (is_reserved(key, klen))
        return ptr__fail(err, PTR_E_TAG, PTR_FIELD_TAG_KEY, index, 0,
                         "tag key starts with the reserved prefix _sys_");
    if (!text_ok(key, klen, pol->tag_key_max))
        return check_text(key, klen, pol->tag_key_max, PTR_FIELD_TAG_KEY, index, err);
    if (!text_ok(val, vlen, pol->tag_value_max))
        return check_text(val, vlen, pol->tag_value_max, PTR_FIELD_TAG_VALUE, index, err);
    return PTR_OK;
}

ptr_status ptr_tag_check(const char *key, size_t klen, const char *val, size_t vlen,
                         const ptr_policy *p, ptr_error *err)
{
    return check_tag(key, klen, val, vlen, ptr__policy_or_default(p), 0, err);
}

/*
 * The count is checked before any tag: it costs nothing, it is the answer
 * the cloud gives (DNS.1001) whatever the tags hold, and it bounds the
 * quadratic duplicate search below to max_tags^2 / 2 key comparisons (45 for
 * the default 10 tags), which is cheaper than sorting or hashing so few keys
 * and needs no memory. Then each tag in order is checked and compared with
 * the ones before it, so the error names the first bad index.
 */
ptr_status ptr_tags_check(const ptr_tag *tags, size_t n, const ptr_policy *p, ptr_error *err)
{
    if (!tags && n > 0)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_TAGS, 0, 0,
                         "tag list is NULL with a non-zero count");
    const ptr_policy *pol = ptr__policy_or_default(p);
    if (n > pol->max_tags)
        return ptr__failn(err, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, pol->max_tags, 0,
                          "more than %u tags", pol->max_tags);
    for (size_t i = 0; i < n; i++) {
        const ptr_tag *t = &tags[i];
        ptr_status st =
            check_tag(t->key, t->key_len, t->value, t->value_len, pol, (uint32_t)i, err);
        if (st != PTR_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (tags[j].key_len == t->key_len && memcmp(tags[j].key, t->key, t->key_len) == 0)
                return ptr__fail(err, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, (uint32_t)i, 0,
                                 "duplicate tag key");
    }
    return PTR_OK;
}
