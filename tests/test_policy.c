/* Policy presets: every field of both, and NULL handling. */
#include "ptr_test.h"

#include "util/internal.h"

/* The Huawei Cloud defaults, field by field (README's "What it enforces"). */
static void check_huawei_fields(const ptr_policy *p, uint32_t max_tags)
{
    assert_int_equal(p->struct_size, sizeof(ptr_policy));
    assert_int_equal(p->options, 0);
    assert_false(p->options & PTR_POLICY_IPV6);
    assert_false(p->options & PTR_POLICY_PUBLIC_ONLY);
    assert_false(p->options & PTR_POLICY_FORWARD_CONFIRM);
    assert_int_equal(p->max_names, 10);
    assert_int_equal(p->max_records_per_owner, 50);
    assert_int_equal(p->ttl_min, 1);
    assert_int_equal(p->ttl_max, 2147483647u);
    assert_int_equal(p->ttl_default, 300);
    assert_int_equal(p->description_max, 255);
    assert_int_equal(p->max_tags, max_tags);
    assert_int_equal(p->tag_key_max, 128);
    assert_int_equal(p->tag_value_max, 255);
    assert_int_equal(p->name_flags, 0);
    assert_null(p->default_name_template);
    for (size_t i = 0; i < sizeof p->reserved / sizeof p->reserved[0]; i++)
        assert_int_equal(p->reserved[i], 0);
}

static void test_init_defaults(void **state)
{
    (void)state;
    ptr_policy p;
    memset(&p, 0xA5, sizeof p); /* every field must be written, reserved too */
    ptr_policy_init(&p);
    check_huawei_fields(&p, 10);
}

static void test_init_otc(void **state)
{
    (void)state;
    ptr_policy p;
    memset(&p, 0xA5, sizeof p);
    ptr_policy_init_otc(&p);
    check_huawei_fields(&p, 20);

    /* OTC differs from the default in the tag count alone. */
    ptr_policy d;
    ptr_policy_init(&d);
    d.max_tags = 20;
    assert_memory_equal(&p, &d, sizeof p);
}

/* An init call resets a policy that was changed before. */
static void test_init_resets(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init_otc(&p);
    p.ttl_min = 60;
    p.options = PTR_POLICY_IPV6 | PTR_POLICY_FORWARD_CONFIRM;
    p.default_name_template = "x-{a}.example.net";
    p.reserved[31] = 1;
    ptr_policy_init(&p);
    check_huawei_fields(&p, 10);
}

static void test_init_null(void **state)
{
    (void)state;
    ptr_policy_init(NULL);
    ptr_policy_init_otc(NULL);
}

/* A NULL policy means the defaults of ptr_policy_init(). */
static void test_policy_or_default(void **state)
{
    (void)state;
    const ptr_policy *d = ptr__policy_or_default(NULL);
    assert_non_null(d);
    check_huawei_fields(d, 10);
    ptr_policy p;
    ptr_policy_init(&p);
    assert_memory_equal(d, &p, sizeof p);
    assert_ptr_equal(ptr__policy_or_default(&p), &p);
    assert_ptr_equal(ptr__policy_or_default(NULL), d);
}

/* The presets are consistent with the checks that use them. */
static void test_presets_consistent(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    assert_true(p.ttl_min <= p.ttl_default && p.ttl_default <= p.ttl_max);
    assert_status(ptr_ttl_check(p.ttl_default, &p), PTR_OK);
    assert_status(ptr_ttl_check(p.ttl_default, NULL), PTR_OK);
    ptr_policy_init_otc(&p);
    assert_status(ptr_ttl_check(p.ttl_default, &p), PTR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_defaults),     cmocka_unit_test(test_init_otc),
        cmocka_unit_test(test_init_resets),       cmocka_unit_test(test_init_null),
        cmocka_unit_test(test_policy_or_default), cmocka_unit_test(test_presets_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
