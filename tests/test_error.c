/* Status codes, their texts, names and cloud codes; ptr_error filling. */
#include "ptr_test.h"

#include "util/internal.h"

/* Every status with its frozen number, its name and the cloud error code it maps to. */
static const struct {
    ptr_status status;
    int number;
    const char *name;
    const char *cloud;
} statuses[] = {
    {PTR_OK, 0, "PTR_OK", ""},
    {PTR_E_INVAL, 1, "PTR_E_INVAL", "DNS.0002"},
    {PTR_E_NOMEM, 2, "PTR_E_NOMEM", "DNS.0001"},
    {PTR_E_BUFFER, 3, "PTR_E_BUFFER", "DNS.0001"},
    {PTR_E_UNSUPPORTED, 4, "PTR_E_UNSUPPORTED", "DNS.0002"},
    {PTR_E_ADDR, 10, "PTR_E_ADDR", "DNS.0602"},
    {PTR_E_NOT_HOST, 11, "PTR_E_NOT_HOST", "DNS.0602"},
    {PTR_E_ADDR_FORBIDDEN, 12, "PTR_E_ADDR_FORBIDDEN", "DNS.0602"},
    {PTR_E_REVNAME, 13, "PTR_E_REVNAME", "DNS.0501"},
    {PTR_E_NAME, 20, "PTR_E_NAME", "DNS.0505"},
    {PTR_E_NAME_COUNT, 21, "PTR_E_NAME_COUNT", "DNS.0505"},
    {PTR_E_NAME_DUP, 22, "PTR_E_NAME_DUP", "DNS.0505"},
    {PTR_E_TTL, 30, "PTR_E_TTL", "DNS.0506"},
    {PTR_E_DESCRIPTION, 31, "PTR_E_DESCRIPTION", "DNS.0508"},
    {PTR_E_TAG, 32, "PTR_E_TAG", "DNS.1003"},
    {PTR_E_TAG_COUNT, 33, "PTR_E_TAG_COUNT", "DNS.1001"},
    {PTR_E_TAG_DUP, 34, "PTR_E_TAG_DUP", "DNS.1003"},
    {PTR_E_EXISTS, 40, "PTR_E_EXISTS", "DNS.0016"},
    {PTR_E_QUOTA, 41, "PTR_E_QUOTA", "DNS.0405"},
    {PTR_E_NOT_FOUND, 42, "PTR_E_NOT_FOUND", "DNS.0507"},
    {PTR_E_IMMUTABLE, 43, "PTR_E_IMMUTABLE", "DNS.0002"},
    {PTR_E_CONFLICT, 44, "PTR_E_CONFLICT", "DNS.0503"},
    {PTR_E_FORBIDDEN, 45, "PTR_E_FORBIDDEN", "DNS.1802"},
    {PTR_E_FORWARD, 46, "PTR_E_FORWARD", "DNS.0505"},
    {PTR_E_BUSY, 50, "PTR_E_BUSY", "DNS.0021"},
    {PTR_E_STORE, 51, "PTR_E_STORE", "DNS.0001"},
};
#define NSTATUS (sizeof statuses / sizeof statuses[0])

static const struct {
    ptr_field field;
    int number;
    const char *name;
} fields[] = {
    {PTR_FIELD_NONE, 0, ""},
    {PTR_FIELD_ADDRESS, 1, "address"},
    {PTR_FIELD_NAME, 2, "ptrdname"},
    {PTR_FIELD_NAMES, 3, "ptrdnames"},
    {PTR_FIELD_TTL, 4, "ttl"},
    {PTR_FIELD_DESCRIPTION, 5, "description"},
    {PTR_FIELD_TAG_KEY, 6, "tags.key"},
    {PTR_FIELD_TAG_VALUE, 7, "tags.value"},
    {PTR_FIELD_TAGS, 8, "tags"},
    {PTR_FIELD_REGION, 9, "region"},
    {PTR_FIELD_PROJECT, 10, "project"},
    {PTR_FIELD_OWNER, 11, "owner"},
    {PTR_FIELD_REVISION, 12, "revision"},
    {PTR_FIELD_REVNAME, 13, "revname"},
    {PTR_FIELD_LIMIT, 14, "limit"},
    {PTR_FIELD_MARKER, 15, "marker"},
    {PTR_FIELD_ADDRESSES, 16, "addresses"},
};
#define NFIELD (sizeof fields / sizeof fields[0])

/* "DNS." and four digits: the shape of every Huawei/OTC DNS error code. */
static int is_cloud_code(const char *c)
{
    if (strlen(c) != 8 || memcmp(c, "DNS.", 4) != 0)
        return 0;
    for (int i = 4; i < 8; i++)
        if (c[i] < '0' || c[i] > '9')
            return 0;
    return 1;
}

static int is_known(int v)
{
    for (size_t i = 0; i < NSTATUS; i++)
        if (statuses[i].number == v)
            return 1;
    return 0;
}

/* The numbers are ABI: a renumbering must fail here. */
static void test_status_numbers_frozen(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSTATUS; i++)
        assert_int_equal((int)statuses[i].status, statuses[i].number);
    for (size_t i = 0; i < NFIELD; i++)
        assert_int_equal((int)fields[i].field, fields[i].number);
}

static void test_status_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSTATUS; i++) {
        const char *n = ptr_status_name(statuses[i].status);
        assert_non_null(n);
        assert_string_equal(n, statuses[i].name);
    }
}

static void test_strerror(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSTATUS; i++) {
        const char *t = ptr_strerror(statuses[i].status);
        assert_non_null(t);
        assert_true(strlen(t) > 0);
        assert_string_not_equal(t, "unknown status");
        assert_null(strchr(t, '\n'));
        /* Each status has its own text, so a log line tells them apart. */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t, ptr_strerror(statuses[j].status));
    }
    assert_string_equal(ptr_strerror(PTR_OK), "success");
}

static void test_cloud_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSTATUS; i++) {
        const char *c = ptr_status_cloud_code(statuses[i].status);
        assert_non_null(c);
        assert_string_equal(c, statuses[i].cloud);
        if (statuses[i].status != PTR_OK)
            assert_true(is_cloud_code(c));
    }
    /* The ones docs/errors.md names. */
    assert_string_equal(ptr_status_cloud_code(PTR_E_QUOTA), "DNS.0405");
    assert_string_equal(ptr_status_cloud_code(PTR_E_NAME), "DNS.0505");
    assert_string_equal(ptr_status_cloud_code(PTR_E_TTL), "DNS.0506");
    assert_string_equal(ptr_status_cloud_code(PTR_E_DESCRIPTION), "DNS.0508");
    assert_string_equal(ptr_status_cloud_code(PTR_E_TAG), "DNS.1003");
    assert_string_equal(ptr_status_cloud_code(PTR_OK), "");
}

/* Every number that is not a status, around and beyond the used range. */
static void test_unknown_status(void **state)
{
    (void)state;
    const int extra[] = {-1, -2147483647 - 1, 2147483647, 52, 99, 1000};
    for (int v = 0; v < 64; v++) {
        if (is_known(v))
            continue;
        ptr_status s = (ptr_status)v;
        assert_string_equal(ptr_status_name(s), "PTR_E_UNKNOWN");
        assert_string_equal(ptr_strerror(s), "unknown status");
        assert_non_null(ptr_status_cloud_code(s));
        assert_true(is_cloud_code(ptr_status_cloud_code(s)));
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        ptr_status s = (ptr_status)extra[i];
        assert_string_equal(ptr_status_name(s), "PTR_E_UNKNOWN");
        assert_string_equal(ptr_strerror(s), "unknown status");
        assert_true(is_cloud_code(ptr_status_cloud_code(s)));
    }
}

static void test_field_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIELD; i++) {
        const char *n = ptr_field_name(fields[i].field);
        assert_non_null(n);
        assert_string_equal(n, fields[i].name);
    }
    /* Each field has its own name, so a client can tell them apart. */
    for (size_t i = 0; i < NFIELD; i++)
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(fields[i].name, fields[j].name);
    /* Every number that is not a field, around and beyond the used range. */
    for (int v = -1; v < 64; v++) {
        size_t i = 0;
        while (i < NFIELD && fields[i].number != v)
            i++;
        if (i < NFIELD)
            continue;
        const char *n = ptr_field_name((ptr_field)v);
        assert_non_null(n);
        assert_string_equal(n, "unknown");
    }
    assert_string_equal(ptr_field_name((ptr_field)2147483647), "unknown");
}

static void test_error_clear(void **state)
{
    (void)state;
    ptr_error e;
    memset(&e, 0xA5, sizeof e);
    ptr_error_clear(&e);
    const unsigned char *b = (const unsigned char *)&e;
    for (size_t i = 0; i < sizeof e; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(e.status, PTR_OK);
    assert_int_equal(e.field, PTR_FIELD_NONE);
    assert_string_equal(e.message, "");
    ptr_error_clear(NULL);
}

static void test_fail_fills_everything(void **state)
{
    (void)state;
    ptr_error e;
    memset(&e, 0xA5, sizeof e); /* stale bytes must not survive */
    assert_status(ptr__fail(&e, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 7, 42, "why"), PTR_E_TAG);
    assert_error(&e, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 7, 42);
    assert_string_equal(e.message, "why");
    for (size_t i = 4; i < sizeof e.message; i++)
        assert_int_equal(e.message[i], 0);

    /* No struct: only the status comes back. */
    assert_status(ptr__fail(NULL, PTR_E_TTL, PTR_FIELD_TTL, 0, 0, "x"), PTR_E_TTL);
    assert_status(ptr__failn(NULL, PTR_E_TTL, PTR_FIELD_TTL, 0, 0, "x %u", 1), PTR_E_TTL);

    /* A message is copied verbatim: "%u" is not special for ptr__fail. */
    assert_status(ptr__fail(&e, PTR_E_NAME, PTR_FIELD_NAME, 3, 0, "100%u"), PTR_E_NAME);
    assert_error(&e, PTR_E_NAME, PTR_FIELD_NAME, 3, 0);
    assert_string_equal(e.message, "100%u");

    /* Offsets are size_t: the largest survives. */
    ptr__fail(&e, PTR_E_NAME, PTR_FIELD_NAME, UINT32_MAX, SIZE_MAX, "m");
    assert_error(&e, PTR_E_NAME, PTR_FIELD_NAME, UINT32_MAX, SIZE_MAX);
}

static void test_fail_truncates(void **state)
{
    (void)state;
    char longmsg[400];
    for (size_t i = 0; i < sizeof longmsg - 1; i++)
        longmsg[i] = (char)('a' + i % 26);
    longmsg[sizeof longmsg - 1] = '\0';

    ptr_error e;
    memset(&e, 0xA5, sizeof e);
    ptr__fail(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 1, longmsg);
    assert_error(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 1);
    assert_int_equal(strlen(e.message), PTR_ERROR_MESSAGE_SIZE - 1);
    assert_memory_equal(e.message, longmsg, PTR_ERROR_MESSAGE_SIZE - 1);

    /* Exactly SIZE - 1 characters fit; SIZE - 1 + 1 loses the last. */
    longmsg[PTR_ERROR_MESSAGE_SIZE - 1] = '\0';
    ptr__fail(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 1, longmsg);
    assert_string_equal(e.message, longmsg);

    memset(&e, 0xA5, sizeof e);
    ptr__failn(&e, PTR_E_TTL, PTR_FIELD_TTL, 0, 0, longmsg, 5);
    assert_error(&e, PTR_E_TTL, PTR_FIELD_TTL, 0, 0);
    assert_string_equal(e.message, longmsg);
}

static void test_failn_splices(void **state)
{
    (void)state;
    ptr_error e;
    static const struct {
        const char *msg;
        uint64_t num;
        const char *want;
    } cases[] = {
        {"longer than %u characters", 255, "longer than 255 characters"},
        {"%u", 0, "0"},
        {"%u", 7, "7"},
        {"%u", UINT64_MAX, "18446744073709551615"},
        {"%u", 4294967296u, "4294967296"},
        {"a %u b %u c", 42, "a 42 b 42 c"},
        {"%u%u", 10, "1010"},
        {"ends %u", 9, "ends 9"},
        {"no number", 9, "no number"},
        {"%d %s %% % u %", 3, "%d %s %% % u %"},
        {"%%u", 3, "%3"},
        {"", 3, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&e, 0xA5, sizeof e);
        assert_status(
            ptr__failn(&e, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10, 0, cases[i].msg, cases[i].num),
            PTR_E_TAG_COUNT);
        assert_string_equal(e.message, cases[i].want);
        assert_int_equal(e.status, PTR_E_TAG_COUNT);
        assert_int_equal(e.field, PTR_FIELD_TAGS);
        assert_int_equal(e.index, 10);
        assert_int_equal(e.offset, 0);
        for (size_t j = 0; j < sizeof e.reserved; j++)
            assert_int_equal(e.reserved[j], 0);
    }
}

/* A number that lands on the end of the buffer is cut, never overrun. */
static void test_failn_truncates_number(void **state)
{
    (void)state;
    char msg[PTR_ERROR_MESSAGE_SIZE + 8];
    const size_t lead = PTR_ERROR_MESSAGE_SIZE - 3; /* room for two digits */
    memset(msg, 'x', lead);
    memcpy(msg + lead, "%u tail", sizeof "%u tail");

    ptr_error e;
    memset(&e, 0xA5, sizeof e);
    ptr__failn(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 9, msg, 12345);
    assert_error(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 9);
    assert_int_equal(strlen(e.message), PTR_ERROR_MESSAGE_SIZE - 1);
    assert_memory_equal(e.message + lead, "12", 2);

    /* A hole past the end adds nothing. */
    memset(msg, 'y', PTR_ERROR_MESSAGE_SIZE + 2);
    memcpy(msg + PTR_ERROR_MESSAGE_SIZE + 2, "%u", 3);
    ptr__failn(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, 9, msg, 12345);
    assert_int_equal(strlen(e.message), PTR_ERROR_MESSAGE_SIZE - 1);
    assert_null(strchr(e.message, '1'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_numbers_frozen),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_cloud_codes),
        cmocka_unit_test(test_unknown_status),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_error_clear),
        cmocka_unit_test(test_fail_fills_everything),
        cmocka_unit_test(test_fail_truncates),
        cmocka_unit_test(test_failn_splices),
        cmocka_unit_test(test_failn_truncates_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
