/*
 * ptr_addr_format: RFC 5952 text as glibc's inet_ntop prints it, and the
 * buffer contract (PTR_E_BUFFER with the needed length, nothing written).
 * tests/test_addr_diff.c compares it with inet_ntop over a million addresses.
 */
#include <arpa/inet.h>

#include "ptr_test.h"

static ptr_addr addr(const char *text)
{
    ptr_addr a;
    assert_status(ptr_addr_parse(text, strlen(text), &a), PTR_OK);
    return a;
}

/* Parse `in`, format it, expect `want`. */
static void check_format(const char *in, const char *want, const char *file, int line)
{
    const ptr_addr a = addr(in);
    char buf[PTR_ADDR_STRLEN];
    size_t len = 0;
    const ptr_status st = ptr_addr_format(&a, buf, sizeof buf, &len);
    if (st != PTR_OK || len != strlen(want) || strcmp(buf, want) != 0) {
        print_error("format(%s): got %s \"%s\" (len %zu), want \"%s\"\n", in, ptr_status_name(st),
                    st == PTR_OK ? buf : "", len, want);
        _fail(file, line);
    }
}

#define assert_format(in, want) check_format(in, want, __FILE__, __LINE__)

static void test_format_v4(void **state)
{
    (void)state;
    assert_format("0.0.0.0", "0.0.0.0");
    assert_format("255.255.255.255", "255.255.255.255");
    assert_format("10.0.0.1", "10.0.0.1");
    assert_format("1.22.133.4", "1.22.133.4");
    assert_format("100.10.1.0", "100.10.1.0");
    assert_format("203.0.113.99", "203.0.113.99");
}

static void test_format_v6_compression(void **state)
{
    (void)state;
    assert_format("::", "::");
    assert_format("::1", "::1");
    assert_format("1::", "1::");
    assert_format("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
    assert_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* RFC 5952 §4.2.2: one zero group is not compressed. */
    assert_format("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    assert_format("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7");
    assert_format("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0");
    assert_format("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0");
    /* Two groups are. */
    assert_format("0:0:1:2:3:4:5:6", "::1:2:3:4:5:6");
    assert_format("1:2:3:4:5:6:0:0", "1:2:3:4:5:6::");
    assert_format("1:2:3:0:0:4:5:6", "1:2:3::4:5:6");
    /* §4.2.3: the longest run; the first one on a tie. */
    assert_format("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    assert_format("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
    assert_format("1:0:0:0:1:0:0:0", "1::1:0:0:0");
    assert_format("0:0:1:0:0:0:0:0", "0:0:1::");
    assert_format("0:0:0:1:0:0:0:2", "::1:0:0:0:2");
    assert_format("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
    /* §4.3: lower case, no leading zeros. */
    assert_format("ABCD:EF01:0023:0004:0:0:0:000A", "abcd:ef01:23:4::a");
    assert_format("fe80::0001", "fe80::1");
}

/* glibc prints a dotted quad only for ::a.b.c.d with a non-zero seventh group, and ::ffff:a.b.c.d.
 */
static void test_format_v6_dotted_quad(void **state)
{
    (void)state;
    assert_format("::ffff:1.2.3.4", "::ffff:1.2.3.4");
    assert_format("::ffff:0:0", "::ffff:0.0.0.0");
    assert_format("::ffff:ffff:ffff", "::ffff:255.255.255.255");
    assert_format("::1.2.3.4", "::1.2.3.4");
    assert_format("::0.1.0.0", "::0.1.0.0");
    assert_format("::0.0.1.0", "::100");
    assert_format("::0.0.0.2", "::2");
    assert_format("::fffe:1.2.3.4", "::fffe:102:304");
    assert_format("::1:1.2.3.4", "::1:102:304");
    assert_format("1::1.2.3.4", "1::102:304");
    assert_format("64:ff9b::1.2.3.4", "64:ff9b::102:304");
    assert_format("0:0:0:0:ffff:0:1.2.3.4", "::ffff:0:102:304");
    assert_format("ffff::1.2.3.4", "ffff::102:304");
}

/* The same results as inet_ntop, for the cases above and some more. */
static void test_format_matches_inet_ntop(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "::",
        "::1",
        "::ffff:0:0",
        "::1:0:0",
        "1:0:0:1:0:0:1:1",
        "::0.1.0.0",
        "::0.0.1.0",
        "::ffff:0.0.0.0",
        "0:0:0:0:0:1:1.2.3.4",
        "::fffe:1.2.3.4",
        "ff02::1:ff00:1",
        "2001:db8:1:2:3:4:5:6",
        "1:0:0:2::3",
        "0.0.0.0",
        "255.0.255.0",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const ptr_addr a = addr(texts[i]);
        char mine[PTR_ADDR_STRLEN], theirs[INET6_ADDRSTRLEN];
        assert_status(ptr_addr_format(&a, mine, sizeof mine, NULL), PTR_OK);
        assert_non_null(
            inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.bytes, theirs, sizeof theirs));
        assert_string_equal(mine, theirs);
    }
}

/* cap == len refuses and writes nothing; cap == len + 1 succeeds. */
static void check_cap(const char *in, const char *file, int line)
{
    const ptr_addr a = addr(in);
    char full[PTR_ADDR_STRLEN];
    size_t len = 0;
    assert_status(ptr_addr_format(&a, full, sizeof full, &len), PTR_OK);

    char buf[PTR_ADDR_STRLEN + 8];
    for (size_t cap = 0; cap <= len + 1; cap++) {
        memset(buf, 'X', sizeof buf);
        size_t got = 12345;
        const ptr_status st = ptr_addr_format(&a, buf, cap, &got);
        const ptr_status want = cap > len ? PTR_OK : PTR_E_BUFFER;
        int bad = st != want || got != len;
        if (want == PTR_OK)
            bad |= memcmp(buf, full, len + 1) != 0 || buf[len + 1] != 'X';
        else
            for (size_t i = 0; i < sizeof buf; i++)
                bad |= buf[i] != 'X';
        if (bad) {
            print_error("format(%s) cap %zu: got %s, out_len %zu; want %s, %zu\n", in, cap,
                        ptr_status_name(st), got, ptr_status_name(want), len);
            _fail(file, line);
        }
    }
    /* out_len may be NULL, for either result. */
    assert_status(ptr_addr_format(&a, buf, len, NULL), PTR_E_BUFFER);
    assert_status(ptr_addr_format(&a, buf, len + 1, NULL), PTR_OK);
}

static void test_format_buffer(void **state)
{
    (void)state;
    check_cap("1.2.3.4", __FILE__, __LINE__);
    check_cap("255.255.255.255", __FILE__, __LINE__);
    check_cap("::", __FILE__, __LINE__);
    check_cap("2001:db8::1", __FILE__, __LINE__);
    check_cap("::ffff:255.255.255.255", __FILE__, __LINE__);
    check_cap("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", __FILE__, __LINE__);
}

static void test_format_misuse(void **state)
{
    (void)state;
    ptr_addr a = addr("1.2.3.4");
    char buf[PTR_ADDR_STRLEN];
    size_t len = 77;
    assert_status(ptr_addr_format(NULL, buf, sizeof buf, &len), PTR_E_INVAL);
    assert_status(ptr_addr_format(&a, NULL, sizeof buf, &len), PTR_E_INVAL);
    assert_status(ptr_addr_format(&a, NULL, 0, &len), PTR_E_INVAL);
    a.family = 0;
    assert_status(ptr_addr_format(&a, buf, sizeof buf, &len), PTR_E_INVAL);
    a.family = 5;
    assert_status(ptr_addr_format(&a, buf, sizeof buf, &len), PTR_E_INVAL);
    assert_int_equal(len, 77);
}

static void test_strlen(void **state)
{
    (void)state;
    assert_int_equal(ptr_addr_strlen(), PTR_ADDR_STRLEN);
    assert_int_equal(PTR_ADDR_STRLEN, INET6_ADDRSTRLEN);
}

/* format then parse gives the address back. */
static void test_format_round_trip(void **state)
{
    (void)state;
    uint64_t st = 0x600dcafeULL;
    for (unsigned n = 0; n < 20000; n++) {
        ptr_addr a;
        memset(&a, 0, sizeof a);
        a.family = n % 2 ? 4 : 6;
        for (unsigned i = 0; i < (a.family == 4 ? 4u : 16u); i++) {
            const uint64_t r = ptr_test_rand(&st);
            a.bytes[i] = r % 3 == 0 ? 0 : (uint8_t)(r >> 8);
        }
        char buf[PTR_ADDR_STRLEN];
        size_t len;
        assert_status(ptr_addr_format(&a, buf, sizeof buf, &len), PTR_OK);
        ptr_addr back;
        assert_status(ptr_addr_parse(buf, len, &back), PTR_OK);
        assert_memory_equal(&a, &back, sizeof a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_v4),
        cmocka_unit_test(test_format_v6_compression),
        cmocka_unit_test(test_format_v6_dotted_quad),
        cmocka_unit_test(test_format_matches_inet_ntop),
        cmocka_unit_test(test_format_buffer),
        cmocka_unit_test(test_format_misuse),
        cmocka_unit_test(test_strlen),
        cmocka_unit_test(test_format_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
