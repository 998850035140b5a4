/*
 * ptr_tag_check and ptr_tags_check, against a reference written here from
 * fields.h: key 1..tag_key_max bytes, value 0..tag_value_max, both of ASCII
 * letters, digits, space and _ . : = + - @, neither with a leading or
 * trailing space, the key not starting with "_sys_" in any case; a list at
 * most max_tags long with no key twice (exact comparison).
 *
 * Input:
 * - one tag: the whole input split at its first NUL or '=' into key and
 *   value (no separator: the value is NULL with length 0);
 * - a list: the input split at '\n' into lines (at most 24), each split the
 *   same way.
 * Each key and value sits in its own heap block of exactly its size, so a
 * read past either end is caught. Every call runs with the default policy,
 * the OTC preset, and a policy of short limits (key 8, value 4, 3 tags).
 *
 * On rejection: the status names a rule the input really breaks, and
 * ptr_error says which tag (index) and which part (key or value).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LINES 24

struct part {
    char *text;
    size_t len;
};

struct tag_in {
    struct part key, value;
};

static int tag_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr(" _.:=+-@", c) != NULL;
}

static int ref_text(const char *s, size_t len, size_t min, size_t max)
{
    if (len < min || len > max)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!tag_char((unsigned char)s[i]))
            return 0;
    return len == 0 || (s[0] != ' ' && s[len - 1] != ' ');
}

static int ref_key(const struct part *k, const ptr_policy *p)
{
    static const char reserved[] = "_sys_";
    if (!ref_text(k->text, k->len, 1, p->tag_key_max))
        return 0;
    if (k->len < sizeof reserved - 1)
        return 1;
    for (size_t i = 0; i < sizeof reserved - 1; i++)
        if (fuzz_lower((unsigned char)k->text[i]) != (unsigned char)reserved[i])
            return 1;
    return 0;
}

static int ref_value(const struct part *v, const ptr_policy *p)
{
    return ref_text(v->text, v->len, 0, p->tag_value_max);
}

/* Split s[0..n) at its first NUL or '=' into separately allocated key and value. */
static struct tag_in split_tag(const uint8_t *s, size_t n)
{
    size_t at = 0;
    while (at < n && s[at] != '\0' && s[at] != '=')
        at++;
    struct tag_in t;
    t.key.text = fuzz_dup(s, at);
    t.key.len = at;
    if (at < n) {
        t.value.len = n - at - 1;
        t.value.text = fuzz_dup(s + at + 1, t.value.len);
    } else {
        t.value.len = 0;
        t.value.text = NULL;
    }
    return t;
}

static void free_tag(struct tag_in *t)
{
    free(t->key.text);
    free(t->value.text);
}

static void check_tag(const struct tag_in *t, const ptr_policy *p, const ptr_policy *call_p)
{
    ptr_error err;
    fuzz_error_prefill(&err);
    const ptr_status st =
        ptr_tag_check(t->key.text, t->key.len, t->value.text, t->value.len, call_p, &err);
    if (fuzz_unsupported(st, "ptr_tag_check"))
        return;
    FUZZ_STATUS(ptr_tag_check(t->key.text, t->key.len, t->value.text, t->value.len, call_p, NULL),
                st);
    const int key_ok = ref_key(&t->key, p), value_ok = ref_value(&t->value, p);
    if (key_ok && value_ok) {
        FUZZ_STATUS(st, PTR_OK);
        FUZZ_CHECK(fuzz_error_untouched(&err));
        return;
    }
    FUZZ_STATUS(st, PTR_E_TAG);
    FUZZ_CHECK(err.index == 0);
    if (!key_ok && value_ok) {
        FUZZ_CHECK(err.field == PTR_FIELD_TAG_KEY);
    } else if (key_ok) {
        FUZZ_CHECK(err.field == PTR_FIELD_TAG_VALUE);
    } else {
        FUZZ_CHECK(err.field == PTR_FIELD_TAG_KEY || err.field == PTR_FIELD_TAG_VALUE);
    }
    fuzz_check_error(&err, st, err.field == PTR_FIELD_TAG_KEY ? t->key.len : t->value.len);
}

static int same_key(const struct tag_in *a, const struct tag_in *b)
{
    return a->key.len == b->key.len &&
           (a->key.len == 0 || memcmp(a->key.text, b->key.text, a->key.len) == 0);
}

static void check_list(const struct tag_in *in, size_t n, const ptr_policy *p,
                       const ptr_policy *call_p)
{
    ptr_tag tags[MAX_LINES];
    for (size_t i = 0; i < n; i++) {
        tags[i].key = in[i].key.text;
        tags[i].key_len = in[i].key.len;
        tags[i].value = in[i].value.text;
        tags[i].value_len = in[i].value.len;
    }
    ptr_error err;
    fuzz_error_prefill(&err);
    const ptr_status st = ptr_tags_check(tags, n, call_p, &err);
    if (fuzz_unsupported(st, "ptr_tags_check"))
        return;
    FUZZ_STATUS(ptr_tags_check(tags, n, call_p, NULL), st);

    int all_ok = 1, dup = 0;
    for (size_t i = 0; i < n; i++) {
        all_ok &= ref_key(&in[i].key, p) && ref_value(&in[i].value, p);
        for (size_t j = 0; j < i; j++)
            dup |= same_key(&in[i], &in[j]);
    }
    const int too_many = n > p->max_tags;
    if (all_ok && !dup && !too_many) {
        FUZZ_STATUS(st, PTR_OK);
        FUZZ_CHECK(fuzz_error_untouched(&err));
        return;
    }

    FUZZ_CHECK(err.status == st);
    FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL && err.message[0] != '\0');
    switch (st) {
    case PTR_E_TAG_COUNT:
        FUZZ_CHECK(too_many);
        FUZZ_CHECK(err.field == PTR_FIELD_TAGS);
        break;
    case PTR_E_TAG: {
        FUZZ_CHECK(!all_ok);
        FUZZ_CHECK(err.index < n);
        const struct tag_in *t = &in[err.index];
        const int key_ok = ref_key(&t->key, p), value_ok = ref_value(&t->value, p);
        FUZZ_CHECK(!key_ok || !value_ok);
        if (err.field == PTR_FIELD_TAG_KEY) {
            FUZZ_CHECK(!key_ok);
            FUZZ_CHECK(err.offset <= t->key.len);
        } else {
            FUZZ_CHECK(err.field == PTR_FIELD_TAG_VALUE);
            FUZZ_CHECK(!value_ok);
            FUZZ_CHECK(err.offset <= t->value.len);
        }
        break;
    }
    case PTR_E_TAG_DUP: {
        FUZZ_CHECK(dup);
        FUZZ_CHECK(err.index < n);
        int earlier = 0;
        for (size_t j = 0; j < err.index; j++)
            earlier |= same_key(&in[err.index], &in[j]);
        FUZZ_CHECK(earlier); /* the index of the second occurrence */
        break;
    }
    default: fuzz_fail_status(st, PTR_E_TAG, "ptr_tags_check", __FILE__, __LINE__);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ptr_policy def, otc, tiny;
    ptr_policy_init(&def);
    ptr_policy_init_otc(&otc);
    ptr_policy_init(&tiny);
    tiny.tag_key_max = 8;
    tiny.tag_value_max = 4;
    tiny.max_tags = 3;

    struct tag_in one = split_tag(data, size);
    check_tag(&one, &def, NULL);
    check_tag(&one, &otc, &otc);
    check_tag(&one, &tiny, &tiny);
    free_tag(&one);

    struct tag_in lines[MAX_LINES];
    size_t n = 0;
    for (size_t start = 0; start <= size && n < MAX_LINES;) {
        const uint8_t *nl = start < size ? memchr(data + start, '\n', size - start) : NULL;
        const size_t stop = nl ? (size_t)(nl - data) : size;
        lines[n++] = split_tag(data + start, stop - start);
        start = stop + 1;
    }
    check_list(lines, n, &def, NULL);
    check_list(lines, n, &otc, &otc);
    check_list(lines, n, &tiny, &tiny);
    for (size_t i = 0; i < n; i++)
        free_tag(&lines[i]);
    return 0;
}
