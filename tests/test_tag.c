/*
 * Tag rules (Huawei Cloud v2.1 / OTC, DNS.1003 and DNS.1001): key 1..128,
 * value 0..255, letters, digits, space and _ . : = + - @, no leading or
 * trailing space, no "_sys_" key prefix, unique keys, 10 tags (OTC 20).
 */
#include "ptr_test.h"

static void check_tag_ok(const char *k, size_t kl, const char *v, size_t vl, const ptr_policy *p,
                         const char *file, int line)
{
    ptr_error e, untouched;
    memset(&e, 0x5A, sizeof e);
    memcpy(&untouched, &e, sizeof e);
    ptr_status st = ptr_tag_check(k, kl, v, vl, p, &e);
    if (st != PTR_OK) {
        print_error("tag \"%.*s\"=\"%.*s\": got %s field %s offset %zu (%s), want PTR_OK\n",
                    (int)kl, k ? k : "", (int)vl, v ? v : "", ptr_status_name(st),
                    ptr_field_name(e.field), e.offset, e.message);
        _fail(file, line);
    }
    if (memcmp(&e, &untouched, sizeof e) != 0) {
        print_error("ptr_error written on success\n");
        _fail(file, line);
    }
    ptr_test_status_eq(ptr_tag_check(k, kl, v, vl, p, NULL), PTR_OK, "no err", file, line);
}

static void check_tag_bad(const char *k, size_t kl, const char *v, size_t vl, const ptr_policy *p,
                          ptr_status status, ptr_field field, size_t off, const char *why,
                          const char *file, int line)
{
    ptr_error e;
    memset(&e, 0x5A, sizeof e);
    ptr_test_status_eq(ptr_tag_check(k, kl, v, vl, p, &e), status, "ptr_tag_check", file, line);
    ptr_test_error_eq(&e, status, field, 0, off, file, line);
    if (why && !strstr(e.message, why)) {
        print_error("message \"%s\" does not say \"%s\"\n", e.message, why);
        _fail(file, line);
    }
    ptr_test_status_eq(ptr_tag_check(k, kl, v, vl, p, NULL), status, "no err", file, line);
}

#define assert_tag_ok(k, v) check_tag_ok(PTR_LIT(k), PTR_LIT(v), NULL, __FILE__, __LINE__)
#define assert_key_bad(k, off, why)                                                                \
    check_tag_bad(PTR_LIT(k), PTR_LIT("v"), NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, (off), (why),      \
                  __FILE__, __LINE__)
#define assert_value_bad(v, off, why)                                                              \
    check_tag_bad(PTR_LIT("k"), PTR_LIT(v), NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, (off), (why),    \
                  __FILE__, __LINE__)

static const char allowed_punct[] = " _.:=+-@";

/* The allowed set, written a second way: ranges plus a list. */
static int allowed(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr(allowed_punct, (int)c) != NULL);
}

static void test_valid(void **state)
{
    (void)state;
    assert_tag_ok("env", "prod");
    assert_tag_ok("k", "");
    assert_tag_ok("a", "b");
    assert_tag_ok("Owner Team", "mail ops");
    assert_tag_ok("cost-center:eu_west.1", "a=b+c@d");
    assert_tag_ok("a b_c.d:e=f+g-h@i", "J K_L.M:N=O+P-Q@R");
    assert_tag_ok("_", "_");
    assert_tag_ok("@", "=");
    assert_tag_ok("0", "0");
    assert_tag_ok("a  b", "c   d"); /* inner runs of spaces */
    check_tag_ok(PTR_LIT("k"), NULL, 0, NULL, __FILE__, __LINE__);
}

static void test_each_byte(void **state)
{
    (void)state;
    char key[3] = {'a', 0, 'b'};
    char val[3] = {'c', 0, 'd'};
    for (unsigned c = 0; c < 256; c++) {
        key[1] = val[1] = (char)c;
        if (allowed(c)) {
            check_tag_ok(key, 3, val, 3, NULL, __FILE__, __LINE__);
        } else {
            check_tag_bad(key, 3, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 1, "not allowed",
                          __FILE__, __LINE__);
            check_tag_bad("k", 1, val, 3, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 1, "not allowed",
                          __FILE__, __LINE__);
            /* Alone, where it is also the first and the last byte. */
            check_tag_bad(key + 1, 1, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 0, NULL, __FILE__,
                          __LINE__);
        }
    }
}

static void test_punctuation(void **state)
{
    (void)state;
    /* Each allowed one, in the middle of a key and of a value. */
    assert_tag_ok("a_b", "a_b");
    assert_tag_ok("a.b", "a.b");
    assert_tag_ok("a:b", "a:b");
    assert_tag_ok("a=b", "a=b");
    assert_tag_ok("a+b", "a+b");
    assert_tag_ok("a-b", "a-b");
    assert_tag_ok("a@b", "a@b");
    assert_tag_ok("a b", "a b");
    /* And at the edges (all but space may lead or trail). */
    assert_tag_ok("_a_", ".v.");
    assert_tag_ok("-k-", "@v@");
    /* Forbidden by both the v2 and the v2.1 rules, and some others. */
    assert_key_bad("a,b", 1, "not allowed");
    assert_key_bad("a*b", 1, "not allowed");
    assert_key_bad("a<b", 1, "not allowed");
    assert_key_bad("a>b", 1, "not allowed");
    assert_key_bad("a/b", 1, "not allowed");
    assert_key_bad("a\\b", 1, "not allowed");
    assert_key_bad("a|b", 1, "not allowed");
    assert_key_bad("a\tb", 1, "not allowed");
    assert_key_bad("a\nb", 1, "not allowed");
    assert_key_bad("a\0b", 1, "not allowed");
    assert_key_bad("ab#", 2, "not allowed");
    assert_key_bad("ab\"", 2, "not allowed");
    assert_key_bad("\xc3\xa9t\xc3\xa9", 0, "not allowed"); /* non-ASCII: bytes, not characters */
    assert_key_bad("caf\xc3\xa9", 3, "not allowed");
    assert_value_bad("a,b", 1, "not allowed");
    assert_value_bad("a*b", 1, "not allowed");
    assert_value_bad("a<b", 1, "not allowed");
    assert_value_bad("a/b", 1, "not allowed");
    assert_value_bad("a\\b", 1, "not allowed");
    assert_value_bad("a|b", 1, "not allowed");
    assert_value_bad("a\tb", 1, "not allowed");
    assert_value_bad("x;rm", 1, "not allowed");
    assert_value_bad("caf\xc3\xa9", 3, "not allowed");
}

static void test_spaces(void **state)
{
    (void)state;
    assert_key_bad(" a", 0, "starts with a space");
    assert_key_bad("a ", 1, "ends with a space");
    assert_key_bad(" ", 0, "starts with a space");
    assert_key_bad("  ", 0, "starts with a space");
    assert_key_bad("ab  ", 2 + 1, "ends with a space");
    assert_value_bad(" v", 0, "starts with a space");
    assert_value_bad("v ", 1, "ends with a space");
    assert_value_bad(" ", 0, "starts with a space");
    assert_value_bad("value  ", 6, "ends with a space");
    /* The first problem by position: a leading space before a bad byte. */
    assert_key_bad(" a*", 0, "starts with a space");
    assert_key_bad("a* ", 1, "not allowed");
}

static void test_reserved_prefix(void **state)
{
    (void)state;
    assert_key_bad("_sys_", 0, "_sys_");
    assert_key_bad("_sys_x", 0, "_sys_");
    assert_key_bad("_SYS_x", 0, "_sys_");
    assert_key_bad("_Sys_x", 0, "_sys_");
    assert_key_bad("_sYs_", 0, "_sys_");
    assert_key_bad("_sys_enterprise_project_id", 0, "_sys_");
    assert_tag_ok("_sysx", "v");
    assert_tag_ok("_sys", "v");
    assert_tag_ok("_sy", "v");
    assert_tag_ok("sys_x", "v");
    assert_tag_ok("x_sys_", "v");
    assert_tag_ok("__sys_", "v");
    assert_tag_ok("_sys.x", "v");
    assert_tag_ok("_sys-x", "v");
    /* Only keys are reserved. */
    assert_tag_ok("k", "_sys_x");
}

static void test_lengths(void **state)
{
    (void)state;
    char k[300], v[300];
    memset(k, 'k', sizeof k);
    memset(v, 'v', sizeof v);
    check_tag_ok(k, 128, v, 255, NULL, __FILE__, __LINE__);
    check_tag_ok(k, 1, v, 0, NULL, __FILE__, __LINE__);
    check_tag_bad(k, 129, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, "longer than 128",
                  __FILE__, __LINE__);
    check_tag_bad(k, sizeof k, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, "longer than 128",
                  __FILE__, __LINE__);
    check_tag_bad(k, 1, v, 256, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 255, "longer than 255",
                  __FILE__, __LINE__);
    /* A key too long is reported before its value is looked at. */
    check_tag_bad(k, 129, v, 256, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, NULL, __FILE__,
                  __LINE__);
    /* Past the limit, the length is the problem, whatever the byte there. */
    k[128] = '*';
    check_tag_bad(k, 129, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, "longer than", __FILE__,
                  __LINE__);
    k[128] = 'k';
    k[127] = ' ';
    check_tag_bad(k, 128, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 127, "ends with a space",
                  __FILE__, __LINE__);
    check_tag_bad(k, 129, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, "longer than", __FILE__,
                  __LINE__);
    k[127] = 'k';
    k[5] = '|';
    check_tag_bad(k, 200, v, 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 5, "not allowed", __FILE__,
                  __LINE__);
    k[5] = 'k';

    /* Empty key. */
    check_tag_bad("", 0, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 0, "empty", __FILE__,
                  __LINE__);
    check_tag_bad(NULL, 0, NULL, 0, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 0, "empty", __FILE__,
                  __LINE__);

    /* A policy's own limits. */
    ptr_policy p;
    ptr_policy_init(&p);
    p.tag_key_max = 36; /* the Huawei v2 (CN) limits */
    p.tag_value_max = 43;
    check_tag_ok(k, 36, v, 43, &p, __FILE__, __LINE__);
    check_tag_bad(k, 37, v, 43, &p, PTR_E_TAG, PTR_FIELD_TAG_KEY, 36, "longer than 36", __FILE__,
                  __LINE__);
    check_tag_bad(k, 36, v, 44, &p, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 43, "longer than 43", __FILE__,
                  __LINE__);
    p.tag_value_max = 0;
    check_tag_ok(k, 1, v, 0, &p, __FILE__, __LINE__);
    check_tag_ok(k, 1, NULL, 0, &p, __FILE__, __LINE__);
    check_tag_bad(k, 1, v, 1, &p, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 0, "longer than 0", __FILE__,
                  __LINE__);
    ptr_policy_init_otc(&p);
    check_tag_ok(k, 128, v, 255, &p, __FILE__, __LINE__);
    check_tag_bad(k, 129, v, 1, &p, PTR_E_TAG, PTR_FIELD_TAG_KEY, 128, NULL, __FILE__, __LINE__);
}

/*
 * Keys and values of 1..20 bytes, with at every position a byte that is not
 * allowed, or a space: the first problem by position is reported, at the
 * right offset, however the length falls on the checker's groups of four.
 * And each length against a policy limit one below, equal and one above.
 */
static void test_every_position(void **state)
{
    (void)state;
    char t[24];
    ptr_policy p;
    ptr_policy_init(&p);
    for (size_t len = 1; len <= 20; len++) {
        for (size_t at = 0; at < len; at++) {
            memset(t, 'a', sizeof t);
            t[at] = '/';
            check_tag_bad(t, len, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, at, "not allowed",
                          __FILE__, __LINE__);
            check_tag_bad("k", 1, t, len, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, at, "not allowed",
                          __FILE__, __LINE__);
            t[at] = ' ';
            if (at == 0) {
                check_tag_bad(t, len, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 0, "starts with",
                              __FILE__, __LINE__);
                check_tag_bad("k", 1, t, len, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 0,
                              "starts with", __FILE__, __LINE__);
            } else if (at == len - 1) {
                check_tag_bad(t, len, "v", 1, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, at, "ends with",
                              __FILE__, __LINE__);
                check_tag_bad("k", 1, t, len, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, at, "ends with",
                              __FILE__, __LINE__);
            } else {
                check_tag_ok(t, len, t, len, NULL, __FILE__, __LINE__);
            }
        }
        memset(t, 'a', sizeof t);
        p.tag_key_max = p.tag_value_max = (uint32_t)len;
        check_tag_ok(t, len, t, len, &p, __FILE__, __LINE__);
        p.tag_key_max = (uint32_t)len - 1;
        check_tag_bad(t, len, "", 0, &p, PTR_E_TAG, PTR_FIELD_TAG_KEY, len - 1, "longer than",
                      __FILE__, __LINE__);
        p.tag_key_max = (uint32_t)len;
        p.tag_value_max = (uint32_t)len - 1;
        check_tag_bad(t, len, t, len, &p, PTR_E_TAG, PTR_FIELD_TAG_VALUE, len - 1, "longer than",
                      __FILE__, __LINE__);
        p.tag_key_max = (uint32_t)len - 1;
        /* Past the limit, the length is reported before a bad byte after it. */
        t[len - 1] = '/';
        check_tag_bad(t, len, "v", 1, &p, PTR_E_TAG, PTR_FIELD_TAG_KEY, len - 1, "longer than",
                      __FILE__, __LINE__);
    }
}

static void test_tag_null(void **state)
{
    (void)state;
    check_tag_bad(NULL, 3, "v", 1, NULL, PTR_E_INVAL, PTR_FIELD_TAG_KEY, 0, NULL, __FILE__,
                  __LINE__);
    check_tag_bad("k", 1, NULL, 2, NULL, PTR_E_INVAL, PTR_FIELD_TAG_VALUE, 0, NULL, __FILE__,
                  __LINE__);
    /* Only len bytes are read. */
    const char key[2] = {'o', 'k'};
    check_tag_ok(key, sizeof key, "v*", 1, NULL, __FILE__, __LINE__);
}

/* ---- lists ------------------------------------------------------------------- */

/* A tag from two literals. */
/* clang-format off */
#define TAG(k, v) {k, sizeof(k) - 1, v, sizeof(v) - 1}
/* clang-format on */

static void check_tags_bad(const ptr_tag *t, size_t n, const ptr_policy *p, ptr_status status,
                           ptr_field field, uint32_t index, size_t off, const char *file, int line)
{
    ptr_error e;
    memset(&e, 0x5A, sizeof e);
    ptr_test_status_eq(ptr_tags_check(t, n, p, &e), status, "ptr_tags_check", file, line);
    ptr_test_error_eq(&e, status, field, index, off, file, line);
    ptr_test_status_eq(ptr_tags_check(t, n, p, NULL), status, "no err", file, line);
}
#define assert_tags_bad(t, n, p, status, field, index, off)                                        \
    check_tags_bad((t), (n), (p), (status), (field), (index), (off), __FILE__, __LINE__)

/* n distinct valid tags: keys k0, k1, ... */
static void fill_tags(ptr_tag *t, char (*keys)[8], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        keys[i][0] = 'k';
        keys[i][1] = (char)('0' + i / 10);
        keys[i][2] = (char)('0' + i % 10);
        t[i].key = keys[i];
        t[i].key_len = 3;
        t[i].value = i % 2 ? "value" : NULL;
        t[i].value_len = i % 2 ? 5 : 0;
    }
}

static void test_tags_count(void **state)
{
    (void)state;
    ptr_tag t[32];
    char keys[32][8];
    fill_tags(t, keys, 32);
    ptr_policy p;

    assert_status(ptr_tags_check(NULL, 0, NULL, NULL), PTR_OK);
    assert_status(ptr_tags_check(t, 0, NULL, NULL), PTR_OK);
    assert_status(ptr_tags_check(t, 1, NULL, NULL), PTR_OK);
    assert_status(ptr_tags_check(t, 10, NULL, NULL), PTR_OK);
    assert_tags_bad(t, 11, NULL, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0);
    assert_tags_bad(t, 32, NULL, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0);
    assert_tags_bad(t, SIZE_MAX, NULL, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0);
    ptr_error e;
    ptr_tags_check(t, 11, NULL, &e);
    assert_non_null(strstr(e.message, "more than 10 tags"));

    ptr_policy_init(&p);
    assert_status(ptr_tags_check(t, 10, &p, NULL), PTR_OK);
    assert_tags_bad(t, 11, &p, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0);

    ptr_policy_init_otc(&p);
    assert_status(ptr_tags_check(t, 11, &p, NULL), PTR_OK);
    assert_status(ptr_tags_check(t, 20, &p, NULL), PTR_OK);
    assert_tags_bad(t, 21, &p, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 20, 0);
    ptr_tags_check(t, 21, &p, &e);
    assert_non_null(strstr(e.message, "more than 20 tags"));

    p.max_tags = 0;
    assert_status(ptr_tags_check(t, 0, &p, NULL), PTR_OK);
    assert_tags_bad(t, 1, &p, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 0, 0);

    /* The count is checked first: too many tags, even when one is also bad or a duplicate. */
    t[0].key = "_sys_x";
    t[0].key_len = 6;
    t[1].key = t[2].key;
    assert_tags_bad(t, 11, NULL, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0);
}

static void test_tags_each(void **state)
{
    (void)state;
    ptr_tag t[10];
    char keys[10][8];
    fill_tags(t, keys, 10);

    t[3].value = "bad,value";
    t[3].value_len = 9;
    assert_tags_bad(t, 10, NULL, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 3, 3);
    assert_status(ptr_tags_check(t, 3, NULL, NULL), PTR_OK);

    fill_tags(t, keys, 10);
    t[9].key = " k";
    t[9].key_len = 2;
    assert_tags_bad(t, 10, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 9, 0);

    fill_tags(t, keys, 10);
    t[4].key = NULL;
    t[4].key_len = 0;
    assert_tags_bad(t, 10, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 4, 0);

    fill_tags(t, keys, 10);
    t[6].key = "_SYS_name";
    t[6].key_len = 9;
    assert_tags_bad(t, 10, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 6, 0);

    fill_tags(t, keys, 10);
    t[2].key = NULL;
    t[2].key_len = 4;
    assert_tags_bad(t, 10, NULL, PTR_E_INVAL, PTR_FIELD_TAG_KEY, 2, 0);
    fill_tags(t, keys, 10);
    t[7].value = NULL;
    t[7].value_len = 1;
    assert_tags_bad(t, 10, NULL, PTR_E_INVAL, PTR_FIELD_TAG_VALUE, 7, 0);

    assert_tags_bad(NULL, 1, NULL, PTR_E_INVAL, PTR_FIELD_TAGS, 0, 0);

    /* The policy's per-tag limits apply to each tag. */
    ptr_policy p;
    ptr_policy_init(&p);
    p.tag_value_max = 4;
    fill_tags(t, keys, 10);
    assert_tags_bad(t, 10, &p, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 1, 4);
}

static void test_tags_duplicates(void **state)
{
    (void)state;
    const ptr_tag dup[] = {TAG("a", "1"), TAG("b", "2"), TAG("a", "3")};
    assert_tags_bad(dup, 3, NULL, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 2, 0);
    assert_status(ptr_tags_check(dup, 2, NULL, NULL), PTR_OK);

    const ptr_tag same[] = {TAG("env", "prod"), TAG("env", "prod")};
    assert_tags_bad(same, 2, NULL, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 1, 0);

    /* Exact comparison: case, prefixes and inner spaces make different keys. */
    const ptr_tag distinct[] = {TAG("Env", "1"),  TAG("env", "2"),  TAG("ENV", "3"), TAG("en", "4"),
                                TAG("envx", "5"), TAG("e nv", "6"), TAG("a", ""),    TAG("b", "")};
    assert_status(ptr_tags_check(distinct, 8, NULL, NULL), PTR_OK);

    /* Keys in different buffers compare by content. */
    char k1[] = "owner", k2[] = "owner";
    const ptr_tag bufs[] = {{k1, 5, "x", 1}, {"z", 1, NULL, 0}, {k2, 5, "y", 1}};
    assert_tags_bad(bufs, 3, NULL, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 2, 0);

    /* The first error by index wins: a duplicate at 2 before a bad tag at 3 ... */
    const ptr_tag d_then_bad[] = {TAG("a", ""), TAG("b", ""), TAG("a", ""), TAG("c*", "")};
    assert_tags_bad(d_then_bad, 4, NULL, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 2, 0);
    /* ... and a bad tag at 1 before a duplicate at 3. */
    const ptr_tag bad_then_d[] = {TAG("a", ""), TAG("b ", ""), TAG("c", ""), TAG("a", "")};
    assert_tags_bad(bad_then_d, 4, NULL, PTR_E_TAG, PTR_FIELD_TAG_KEY, 1, 1);

    /* A third occurrence: the second one is reported. */
    const ptr_tag three[] = {TAG("x", "1"), TAG("x", "2"), TAG("x", "3")};
    assert_tags_bad(three, 3, NULL, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 1, 0);

    /* The last of twenty under OTC repeats the first. */
    ptr_tag t[20];
    char keys[20][8];
    fill_tags(t, keys, 20);
    ptr_policy p;
    ptr_policy_init_otc(&p);
    assert_status(ptr_tags_check(t, 20, &p, NULL), PTR_OK);
    t[19].key = keys[0];
    assert_tags_bad(t, 20, &p, PTR_E_TAG_DUP, PTR_FIELD_TAG_KEY, 19, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),           cmocka_unit_test(test_each_byte),
        cmocka_unit_test(test_punctuation),     cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_reserved_prefix), cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_tag_null),        cmocka_unit_test(test_tags_count),
        cmocka_unit_test(test_tags_each),       cmocka_unit_test(test_tags_duplicates),
        cmocka_unit_test(test_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
