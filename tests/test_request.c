/*
 * ptr_request_check: a whole create request validated without a store, the
 * first failing field reported with its index and offset.
 */
#include "ptr_test.h"

static ptr_text names3[] = {
    {PTR_LIT("mail.example.com")}, {PTR_LIT("MX.Example.com.")}, {PTR_LIT("smtp.example.net")}};
static ptr_tag tags2[] = {{PTR_LIT("env"), PTR_LIT("prod")}, {PTR_LIT("team"), PTR_LIT("mail")}};

static ptr_request good(void)
{
    ptr_request r;
    ptr_request_init(&r);
    r.address = (ptr_text){PTR_LIT("203.0.113.10")};
    r.names = names3;
    r.name_count = 3;
    r.ttl = 3600;
    r.description = (ptr_text){PTR_LIT("mail server of the example project, eu")};
    r.tags = tags2;
    r.tag_count = 2;
    return r;
}

static void valid_request(void **state)
{
    (void)state;
    ptr_request r = good();
    ptr_addr a;
    ptr_error e;
    ptr_error_clear(&e);
    assert_status(ptr_request_check(&r, NULL, &a, &e), PTR_OK);
    assert_int_equal(a.family, 4);
    assert_int_equal(a.bytes[3], 10);
    assert_int_equal(e.status, PTR_OK); /* untouched on success */
    /* "/32" is a host; ttl -1 is the default; no tags, no description are fine. */
    r.address = (ptr_text){PTR_LIT("203.0.113.10/32")};
    r.ttl = -1;
    r.tags = NULL;
    r.tag_count = 0;
    r.description = (ptr_text){NULL, 0};
    assert_status(ptr_request_check(&r, NULL, NULL, NULL), PTR_OK);
    ptr_request init;
    ptr_request_init(&init);
    assert_int_equal(init.struct_size, sizeof init);
    assert_int_equal(init.ttl, -1);
}

static void address_errors(void **state)
{
    (void)state;
    ptr_request r = good();
    ptr_error e;
    r.address = (ptr_text){PTR_LIT("203.0.113.0/24")};
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NOT_HOST);
    assert_error(&e, PTR_E_NOT_HOST, PTR_FIELD_ADDRESS, 0, 0);
    r.address = (ptr_text){PTR_LIT("203.0.113")};
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_ADDR);
    assert_error(&e, PTR_E_ADDR, PTR_FIELD_ADDRESS, 0, 0);
    r.address = (ptr_text){NULL, 0};
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_ADDR);
    /* IPv6 needs the policy option. */
    ptr_policy p;
    ptr_policy_init(&p);
    r.address = (ptr_text){PTR_LIT("2001:db8::1")};
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_E_ADDR_FORBIDDEN);
    assert_error(&e, PTR_E_ADDR_FORBIDDEN, PTR_FIELD_ADDRESS, 0, 0);
    p.options |= PTR_POLICY_IPV6;
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_OK);
    /* Public only: a private address is refused, a public one passes. */
    p.options |= PTR_POLICY_PUBLIC_ONLY;
    r.address = (ptr_text){PTR_LIT("10.1.2.3")};
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_E_ADDR_FORBIDDEN);
    assert_error(&e, PTR_E_ADDR_FORBIDDEN, PTR_FIELD_ADDRESS, 0, 0);
    r.address = (ptr_text){PTR_LIT("8.8.8.8")};
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_OK);
    /* The address is reported first even when other fields are bad too. */
    r.address = (ptr_text){PTR_LIT("x")};
    r.ttl = 0;
    r.name_count = 0;
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_E_ADDR);
}

static void name_errors(void **state)
{
    (void)state;
    ptr_request r = good();
    ptr_error e, direct;
    r.name_count = 0;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NAME_COUNT);
    assert_error(&e, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, 0, 0);
    ptr_text many[11];
    char buf[11][16];
    for (int i = 0; i < 11; i++) {
        int n = snprintf(buf[i], sizeof buf[i], "n%d.example.com", i);
        many[i] = (ptr_text){buf[i], (size_t)n};
    }
    r.names = many;
    r.name_count = 11;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NAME_COUNT);
    assert_error(&e, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, 0, 0);
    r.name_count = 10;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);
    ptr_policy p;
    ptr_policy_init(&p);
    p.max_names = 2;
    assert_status(ptr_request_check(&r, &p, NULL, &e), PTR_E_NAME_COUNT);

    /* A bad name: its index, and the offset ptr_name_check gives. */
    ptr_text bad[] = {
        {PTR_LIT("ok.example.com")}, {PTR_LIT("also.example.com")}, {PTR_LIT("bad..example.com")}};
    r.names = bad;
    r.name_count = 3;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NAME);
    assert_status(ptr_name_check(PTR_LIT("bad..example.com"), 0, &direct), PTR_E_NAME);
    assert_error(&e, PTR_E_NAME, PTR_FIELD_NAME, 2, direct.offset);

    /* Duplicates compare as normalized: case and the trailing dot do not count. */
    ptr_text dup[] = {
        {PTR_LIT("a.example.com")}, {PTR_LIT("b.example.com")}, {PTR_LIT("A.EXAMPLE.com.")}};
    r.names = dup;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NAME_DUP);
    assert_error(&e, PTR_E_NAME_DUP, PTR_FIELD_NAME, 2, 0);
    ptr_text nodup[] = {{PTR_LIT("a.example.com")}, {PTR_LIT("a.example.co")}};
    r.names = nodup;
    r.name_count = 2;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);
    r.names = NULL;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_INVAL);
    ptr_text nul[] = {{NULL, 4}};
    r.names = nul;
    r.name_count = 1;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NAME, 0, 0);
}

/*
 * Two names of 1..40 bytes that differ in one byte, at every position and on
 * both sides of the duplicate check's eight-byte words: in case only, they
 * are duplicates (with or without the trailing dot on either); in a letter,
 * they are not. Lengths that differ by the trailing dot alone still match.
 */
static void duplicate_names_every_position(void **state)
{
    (void)state;
    char a[48], b[48];
    for (size_t len = 3; len <= 40; len++) {
        for (size_t i = 0; i < len; i++)
            a[i] = i % 6 == 1 && i + 1 < len ? '.' : (char)('a' + i % 26);
        a[len] = '.';
        ptr_request r = good();
        ptr_error e;
        ptr_text names[2];
        r.names = names;
        r.name_count = 2;
        for (size_t at = 0; at < len; at++) {
            if (a[at] == '.')
                continue;
            for (unsigned dots = 0; dots < 4; dots++) {
                memcpy(b, a, len + 1);
                names[0] = (ptr_text){a, len + (dots & 1)};
                names[1] = (ptr_text){b, len + (dots >> 1)};
                b[at] = (char)(a[at] ^ 0x20); /* the other case */
                assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_NAME_DUP);
                assert_error(&e, PTR_E_NAME_DUP, PTR_FIELD_NAME, 1, 0);
                b[at] = a[at] == 'z' ? 'y' : (char)(a[at] + 1); /* another letter */
                assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);
            }
        }
        /* One byte longer or shorter is another name. */
        memcpy(b, a, len);
        b[len] = 'x';
        names[0] = (ptr_text){a, len};
        names[1] = (ptr_text){b, len + 1};
        assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);
        names[1] = (ptr_text){b, len - 1};
        if (b[len - 2] != '.')
            assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);
    }
}

static void other_field_errors(void **state)
{
    (void)state;
    ptr_request r = good();
    ptr_error e, direct;
    r.ttl = 0;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TTL);
    assert_error(&e, PTR_E_TTL, PTR_FIELD_TTL, 0, 0);
    r.ttl = 2147483648;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TTL);
    r.ttl = -2;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TTL);
    r.ttl = 2147483647;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_OK);

    r.description = (ptr_text){PTR_LIT("tab\there")};
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_DESCRIPTION);
    assert_status(ptr_description_check(PTR_LIT("tab\there"), NULL, &direct), PTR_E_DESCRIPTION);
    assert_error(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, direct.offset);
    r.description = (ptr_text){NULL, 0};

    ptr_tag dup[] = {{PTR_LIT("env"), PTR_LIT("a")}, {PTR_LIT("env"), PTR_LIT("b")}};
    r.tags = dup;
    r.tag_count = 2;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TAG_DUP);
    assert_int_equal(e.index, 1);
    ptr_tag bad[] = {{PTR_LIT("env"), PTR_LIT("a")}, {PTR_LIT("_sys_x"), PTR_LIT("b")}};
    r.tags = bad;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TAG);
    assert_int_equal(e.field, PTR_FIELD_TAG_KEY);
    assert_int_equal(e.index, 1);
    ptr_tag many[11];
    char keys[11][8];
    for (int i = 0; i < 11; i++) {
        int n = snprintf(keys[i], sizeof keys[i], "k%d", i);
        many[i] = (ptr_tag){keys[i], (size_t)n, "", 0};
    }
    r.tags = many;
    r.tag_count = 11;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_TAG_COUNT);
    r.tags = NULL;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_TAGS, 0, 0);
}

static void misuse(void **state)
{
    (void)state;
    ptr_error e;
    assert_status(ptr_request_check(NULL, NULL, NULL, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    ptr_request r = good();
    r.struct_size = 8;
    assert_status(ptr_request_check(&r, NULL, NULL, &e), PTR_E_INVAL);
    ptr_request_init(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_request), cmocka_unit_test(address_errors),
        cmocka_unit_test(name_errors),   cmocka_unit_test(other_field_errors),
        cmocka_unit_test(misuse),        cmocka_unit_test(duplicate_names_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
