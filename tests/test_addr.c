/*
 * ptr_addr_parse, ptr_host_parse, ptr_prefix_parse, ptr_addr_equal and
 * ptr_addr_is_public: both sides of every limit. tests/test_addr_diff.c
 * holds the large differential test against inet_pton.
 */
#include <stdlib.h>

#include "ptr_test.h"

/* Expected bytes as hex text: 8 digits for IPv4, 32 for IPv6. */
static void check_bytes(const ptr_addr *a, const char *hex, const char *file, int line)
{
    const size_t n = strlen(hex) / 2;
    uint8_t want[16] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        want[i] = (uint8_t)v;
    }
    const int family = n == 4 ? 4 : 6;
    if (a->family != family || memcmp(a->bytes, want, 16) != 0) {
        print_error("family %d, bytes ", a->family);
        for (size_t i = 0; i < 16; i++)
            print_error("%02x", a->bytes[i]);
        print_error("; want family %d, bytes %s (rest zero)\n", family, hex);
        _fail(file, line);
    }
}

/* The text (a NUL-terminated literal) parses to these bytes. */
#define assert_parses(text, hex)                                                                   \
    do {                                                                                           \
        ptr_addr a_;                                                                               \
        memset(&a_, 0xa5, sizeof a_);                                                              \
        assert_status(ptr_addr_parse(PTR_LIT(text), &a_), PTR_OK);                                 \
        check_bytes(&a_, hex, __FILE__, __LINE__);                                                 \
    } while (0)

/* The text is refused with status, and out is left untouched. */
static void refuse(ptr_status (*parse)(const char *, size_t, ptr_addr *), const char *s, size_t len,
                   ptr_status want, const char *file, int line)
{
    ptr_addr a, before;
    memset(&a, 0xa5, sizeof a);
    before = a;
    const ptr_status got = parse(s, len, &a);
    if (got != want || memcmp(&a, &before, sizeof a) != 0) {
        print_error("\"%.*s\" (len %zu): got %s, want %s%s\n", (int)len, s, len,
                    ptr_status_name(got), ptr_status_name(want),
                    memcmp(&a, &before, sizeof a) ? ", and out was written" : "");
        _fail(file, line);
    }
}

#define assert_refused(text) refuse(ptr_addr_parse, PTR_LIT(text), PTR_E_ADDR, __FILE__, __LINE__)

static ptr_addr addr(const char *text)
{
    ptr_addr a;
    assert_status(ptr_addr_parse(text, strlen(text), &a), PTR_OK);
    return a;
}

/* ---- ptr_addr_parse: IPv4 ------------------------------------------------ */

static void test_v4_valid(void **state)
{
    (void)state;
    assert_parses("0.0.0.0", "00000000");
    assert_parses("255.255.255.255", "ffffffff");
    assert_parses("203.0.113.10", "cb00710a");
    assert_parses("1.2.3.4", "01020304");
    assert_parses("10.20.30.40", "0a141e28");
    assert_parses("100.200.0.9", "64c80009");
    assert_parses("192.168.100.200", "c0a864c8");
}

static void test_v4_octet_limits(void **state)
{
    (void)state;
    assert_parses("255.0.0.0", "ff000000");
    assert_refused("256.0.0.0");
    assert_parses("0.255.0.0", "00ff0000");
    assert_refused("0.256.0.0");
    assert_parses("0.0.255.0", "0000ff00");
    assert_refused("0.0.256.0");
    assert_parses("0.0.0.255", "000000ff");
    assert_refused("0.0.0.256");
    assert_parses("0.0.0.199", "000000c7");
    assert_refused("0.0.0.260");
    assert_refused("0.0.0.300");
    assert_refused("999.0.0.0");
    assert_refused("0.0.0.1000");
    assert_refused("1000.0.0.0");
    assert_refused("0.0.0.0255");
}

static void test_v4_leading_zeros(void **state)
{
    (void)state;
    assert_refused("01.2.3.4");
    assert_refused("1.02.3.4");
    assert_refused("1.2.003.4");
    assert_refused("1.2.3.00");
    assert_refused("00.0.0.0");
    assert_refused("0.0.0.00");
    assert_refused("010.0.0.0");
    assert_parses("100.0.0.0", "64000000");
    assert_parses("1.20.3.40", "01140328");
    assert_parses("0.10.0.100", "000a0064");
}

static void test_v4_parts(void **state)
{
    (void)state;
    assert_refused("1.2.3");
    assert_refused("1.2.3.4.5");
    assert_refused("1.2.3.4.");
    assert_refused(".1.2.3.4");
    assert_refused("1..2.3");
    assert_refused("1.2..3.4");
    assert_refused("127.1");
    assert_refused("1");
    assert_refused("");
    assert_refused(".");
    assert_refused("...");
    assert_refused("1.2.3.");
    assert_refused("255.255.255.255.255");
}

static void test_v4_other_bytes(void **state)
{
    (void)state;
    assert_refused(" 1.2.3.4");
    assert_refused("1.2.3.4 ");
    assert_refused("1.2.3.4\n");
    assert_refused("1.2.3.+4");
    assert_refused("-1.2.3.4");
    assert_refused("0x1.2.3.4");
    assert_refused("1.2.3.a");
    assert_refused("1.2.3.4/32");
    assert_refused("1.2.3.4%eth0");
    assert_refused("1,2,3,4");
    assert_refused("1.2.3.4\xff");
    assert_refused("1.2.3.\xb9");
    assert_refused("1.2.3.4\0");
    assert_refused("1.2\0.3.4");
    assert_refused("\0001.2.3.4");
}

/* Only [s, s + len) is read: the bytes after it are not part of the text. */
static void test_length_bounds_the_text(void **state)
{
    (void)state;
    ptr_addr a;
    assert_status(ptr_addr_parse("1.2.3.45", 7, &a), PTR_OK);
    check_bytes(&a, "01020304", __FILE__, __LINE__);
    assert_status(ptr_addr_parse("255.255.255.2551", 15, &a), PTR_OK);
    check_bytes(&a, "ffffffff", __FILE__, __LINE__);
    assert_status(ptr_addr_parse("1.2.3.4\0", 7, &a), PTR_OK);
    assert_status(ptr_addr_parse("::12", 3, &a), PTR_OK);
    check_bytes(&a, "00000000000000000000000000000001", __FILE__, __LINE__);
    assert_status(ptr_addr_parse("::1.2.3.45", 9, &a), PTR_OK);
    check_bytes(&a, "00000000000000000000000001020304", __FILE__, __LINE__);
    assert_status(ptr_addr_parse("1.2.3.4", 6, &a), PTR_E_ADDR);

    /* A text that ends where its buffer ends, on the heap, so a read past
     * it is caught under ASan and valgrind. */
    static const char *const texts[] = {"1.2.3.4",
                                        "1.2.3.",
                                        "255.255.255.255",
                                        "::",
                                        "1::",
                                        "::1.2.3.4",
                                        "1:2:3:4:5:6:7:8",
                                        "2001:db8:85a3::8a2e:370:7334",
                                        "1234:5678:9abc:def0:1234:5678:9abc:def0",
                                        "::ffff:1:2:3:4:5:6",
                                        "a:b:c:d:e:f::"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const size_t n = strlen(texts[i]);
        for (size_t len = 0; len <= n; len++) {
            char *copy = malloc(len ? len : 1);
            assert_non_null(copy);
            memcpy(copy, texts[i], len);
            (void)ptr_addr_parse(copy, len, &a);
            free(copy);
        }
    }
}

static void test_v4_clears_the_rest(void **state)
{
    (void)state;
    ptr_addr a;
    memset(&a, 0xff, sizeof a);
    assert_status(ptr_addr_parse(PTR_LIT("1.2.3.4"), &a), PTR_OK);
    assert_int_equal(a.family, 4);
    for (size_t i = 4; i < 16; i++)
        assert_int_equal(a.bytes[i], 0);
}

/* ---- ptr_addr_parse: IPv6 ------------------------------------------------ */

static void test_v6_valid(void **state)
{
    (void)state;
    assert_parses("::", "00000000000000000000000000000000");
    assert_parses("::1", "00000000000000000000000000000001");
    assert_parses("1::", "00010000000000000000000000000000");
    assert_parses("2001:db8::1", "20010db8000000000000000000000001");
    assert_parses("2001:DB8::1", "20010db8000000000000000000000001");
    assert_parses("2001:0db8:0000:0000:0000:0000:0000:0001", "20010db8000000000000000000000001");
    assert_parses("1:2:3:4:5:6:7:8", "00010002000300040005000600070008");
    assert_parses("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffffffffffffffffffffffffffffffff");
    assert_parses("FFFF:FfFf:fFfF:ABCD:abcd:AbCd:0:0", "ffffffffffffabcdabcdabcd00000000");
    assert_parses("fe80::1:2", "fe800000000000000000000000010002");
    assert_parses("1::8", "00010000000000000000000000000008");
    assert_parses("1:2::7:8", "00010002000000000000000000070008");
}

/* glibc's rules where RFC 4291 leaves room: checked against inet_pton. */
static void test_v6_compression(void **state)
{
    (void)state;
    /* "::" must stand for at least one group, at either end or inside. */
    assert_parses("1:2:3:4:5:6:7::", "00010002000300040005000600070000");
    assert_parses("::1:2:3:4:5:6:7", "00000001000200030004000500060007");
    assert_parses("1::2:3:4:5:6:7", "00010000000200030004000500060007");
    assert_parses("1:2:3:4:5:6::7", "00010002000300040005000600000007");
    assert_refused("1:2:3:4:5:6:7:8::");
    assert_refused("::1:2:3:4:5:6:7:8");
    assert_refused("1::2:3:4:5:6:7:8");
    assert_refused("1:2:3:4::5:6:7:8");
    /* At most one "::", and no lone colon at either end. */
    assert_refused("1::2::3");
    assert_refused("::1::");
    assert_refused(":::");
    assert_refused("::::");
    assert_refused("1:::2");
    assert_refused(":");
    assert_refused(":1::");
    assert_refused(":1:2:3:4:5:6:7:8");
    assert_refused("1:");
    assert_refused("::1:");
    assert_refused("1:2:3:4:5:6:7:8:");
    assert_refused("1:2:3:4:5:6:7:");
}

static void test_v6_groups(void **state)
{
    (void)state;
    /* 8 groups, not 7 or 9, without "::". */
    assert_parses("0:0:0:0:0:0:0:0", "00000000000000000000000000000000");
    assert_refused("1:2:3:4:5:6:7");
    assert_refused("1:2:3:4:5:6:7:8:9");
    /* 1..4 hex digits a group, leading zeros allowed. */
    assert_parses("ffff::", "ffff0000000000000000000000000000");
    assert_refused("fffff::");
    assert_parses("::ffff", "0000000000000000000000000000ffff");
    assert_refused("::fffff");
    assert_parses("0001::", "00010000000000000000000000000000");
    assert_refused("00001::");
    assert_refused("12345::");
    assert_refused("1:2:3:4:5:6:7:00008");
    assert_refused("g::");
    assert_refused("::G");
    assert_refused("1:2:3:4:5:6:7:x");
}

static void test_v6_dotted_quad(void **state)
{
    (void)state;
    assert_parses("::1.2.3.4", "00000000000000000000000001020304");
    assert_parses("1::1.2.3.4", "00010000000000000000000001020304");
    assert_parses("::ffff:192.0.2.1", "00000000000000000000ffffc0000201");
    assert_parses("::FFFF:192.0.2.1", "00000000000000000000ffffc0000201");
    assert_parses("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304");
    assert_parses("::0:1.2.3.4", "00000000000000000000000001020304");
    assert_parses("64:ff9b::255.255.255.255", "0064ff9b0000000000000000ffffffff");
    /* Only in the last 32 bits, and only as a full, valid dotted quad. */
    assert_refused("1:2:3:4:5:6:7:1.2.3.4");
    assert_refused("::1:2:3:4:5:6:1.2.3.4");
    assert_refused("1.2.3.4::");
    assert_refused("1.2.3.4::1");
    assert_refused("::1.2.3.4:5");
    assert_refused("::1.2.3.4.5");
    assert_refused("::1.2.3");
    assert_refused("::1.2.3.");
    assert_refused("::1.2.3.04");
    assert_refused("::01.2.3.4");
    assert_refused("::256.0.0.0");
    assert_refused("::1.2.3.256");
    assert_refused("::1a.2.3.4");
    assert_refused("::1234.2.3.4");
    assert_refused("::.1.2.3");
    assert_refused("1:.1.2.3");
    assert_refused("::1.2..3");
}

static void test_v6_other_bytes(void **state)
{
    (void)state;
    assert_refused("fe80::1%eth0");
    assert_refused("fe80::1%1");
    assert_refused("[::1]");
    assert_refused("::1 ");
    assert_refused(" ::1");
    assert_refused("::-1");
    assert_refused("::1/128");
    assert_refused("::1\0");
    assert_refused("::\0001");
    assert_refused("::\xff");
    assert_refused("2001:db8::1\n");
    assert_refused("2001.db8::1");
}

/*
 * Most IPv6 texts, 8..39 bytes of hex digits and colons, are classified a
 * word or sixteen bytes at a time: a wrong byte is refused wherever it
 * stands, including bytes that are a digit or ':' plus 0x80, and either case
 * of a letter is read the same everywhere.
 */
static void test_v6_every_position(void **state)
{
    (void)state;
    static const char full[] = "1234:5678:9abc:def0:1234:5678:9abc:def0";
    static const char want[] = "123456789abcdef0123456789abcdef0";
    static const char bad[] = {'g',    'G',    '/',    '@',    '`',    ' ',    '.',   '\0',
                               '\x7f', '\x80', '\xb0', '\xba', '\xc1', '\xe1', '\xff'};
    char t[sizeof full];
    for (size_t i = 0; i < sizeof full - 1; i++) {
        for (size_t b = 0; b < sizeof bad; b++) {
            memcpy(t, full, sizeof full);
            t[i] = bad[b];
            refuse(ptr_addr_parse, t, sizeof full - 1, PTR_E_ADDR, __FILE__, __LINE__);
        }
        memcpy(t, full, sizeof full);
        if (t[i] >= 'a' && t[i] <= 'f')
            t[i] = (char)(t[i] - 'a' + 'A');
        ptr_addr a;
        assert_status(ptr_addr_parse(t, sizeof full - 1, &a), PTR_OK);
        check_bytes(&a, want, __FILE__, __LINE__);
    }
    /* Around the lengths where the reading changes (8, 16, 32, 39 and 40). */
    assert_parses("1:2::3:4", "00010002000000000000000000030004");
    assert_parses("1:2:3::4", "00010002000300000000000000000004");
    assert_parses("1234::5678:9abc", "12340000000000000000000056789abc");
    assert_parses("1234::5678:9abc:1", "1234000000000000000056789abc0001");
    assert_parses("1234:5678:9abc::def0:12", "123456789abc000000000000def00012");
    assert_parses("1234:5678:9abc:def0::1234:5678", "123456789abcdef00000000012345678");
    assert_parses("1234:5678:9abc:def0:1234::5678:9", "123456789abcdef01234000056780009");
    assert_parses("ABCD:EF01:2345:6789:abcd:ef01::2345", "abcdef0123456789abcdef0100002345");
    assert_refused("1:2::3:4:");
    assert_refused("12345::6");
    assert_refused(":1:2:3:4:5:6:7:8");
    assert_refused("1:2:3:4:5:6:7:8::");
    assert_refused("1234:5678:9abc:def0:1234:5678:9abc:def01");
    assert_refused("1234:5678:9abc:def0:1234:5678:9abc:def0:");
}

static void test_parse_misuse(void **state)
{
    (void)state;
    ptr_addr a;
    assert_status(ptr_addr_parse(PTR_LIT("1.2.3.4"), NULL), PTR_E_INVAL);
    assert_status(ptr_addr_parse(NULL, 7, &a), PTR_E_INVAL);
    refuse(ptr_addr_parse, NULL, 0, PTR_E_ADDR, __FILE__, __LINE__);
}

/* ---- ptr_host_parse ------------------------------------------------------ */

#define assert_host(text, want) refuse(ptr_host_parse, PTR_LIT(text), want, __FILE__, __LINE__)

static void test_host_parse(void **state)
{
    (void)state;
    ptr_addr a;
    assert_status(ptr_host_parse(PTR_LIT("203.0.113.10"), &a), PTR_OK);
    check_bytes(&a, "cb00710a", __FILE__, __LINE__);
    assert_status(ptr_host_parse(PTR_LIT("203.0.113.10/32"), &a), PTR_OK);
    check_bytes(&a, "cb00710a", __FILE__, __LINE__);
    assert_status(ptr_host_parse(PTR_LIT("2001:db8::1"), &a), PTR_OK);
    check_bytes(&a, "20010db8000000000000000000000001", __FILE__, __LINE__);
    assert_status(ptr_host_parse(PTR_LIT("2001:db8::1/128"), &a), PTR_OK);
    check_bytes(&a, "20010db8000000000000000000000001", __FILE__, __LINE__);
    assert_status(ptr_host_parse(PTR_LIT("::ffff:1.2.3.4/128"), &a), PTR_OK);
    /* Only [s, s + len) counts. */
    assert_status(ptr_host_parse("1.2.3.4/321", 10, &a), PTR_OK);
    check_bytes(&a, "01020304", __FILE__, __LINE__);
}

static void test_host_prefix_lengths(void **state)
{
    (void)state;
    /* IPv4: /32 is a host, any other valid length is not, invalid is ADDR. */
    assert_host("203.0.113.10/31", PTR_E_NOT_HOST);
    assert_host("203.0.113.10/24", PTR_E_NOT_HOST);
    assert_host("203.0.113.10/0", PTR_E_NOT_HOST);
    assert_host("203.0.113.10/1", PTR_E_NOT_HOST);
    assert_host("203.0.113.10/33", PTR_E_ADDR);
    assert_host("203.0.113.10/032", PTR_E_ADDR);
    assert_host("203.0.113.10/00", PTR_E_ADDR);
    assert_host("203.0.113.10/128", PTR_E_ADDR);
    assert_host("203.0.113.10/", PTR_E_ADDR);
    assert_host("203.0.113.10/3a", PTR_E_ADDR);
    assert_host("203.0.113.10/+32", PTR_E_ADDR);
    assert_host("203.0.113.10/-0", PTR_E_ADDR);
    assert_host("203.0.113.10/ 32", PTR_E_ADDR);
    assert_host("203.0.113.10/32 ", PTR_E_ADDR);
    assert_host("203.0.113.10/32/32", PTR_E_ADDR);
    assert_host("203.0.113.10//32", PTR_E_ADDR);
    assert_host("203.0.113.10/1000", PTR_E_ADDR);
    assert_host("203.0.113.10/4294967328", PTR_E_ADDR); /* 2^32 + 32 */
    assert_host("203.0.113.10/32\0", PTR_E_ADDR);
    /* IPv6: /128 is a host. */
    assert_host("2001:db8::1/127", PTR_E_NOT_HOST);
    assert_host("2001:db8::1/64", PTR_E_NOT_HOST);
    assert_host("2001:db8::1/32", PTR_E_NOT_HOST);
    assert_host("2001:db8::1/0", PTR_E_NOT_HOST);
    assert_host("2001:db8::1/129", PTR_E_ADDR);
    assert_host("2001:db8::1/0128", PTR_E_ADDR);
    assert_host("2001:db8::1/1280", PTR_E_ADDR);
    /* A malformed address is ADDR whatever the length says. */
    assert_host("203.0.113/32", PTR_E_ADDR);
    assert_host("256.0.0.1/24", PTR_E_ADDR);
    assert_host("/32", PTR_E_ADDR);
    assert_host("", PTR_E_ADDR);
    assert_host("/", PTR_E_ADDR);
    assert_host("1.2.3.4 /32", PTR_E_ADDR);
}

static void test_host_misuse(void **state)
{
    (void)state;
    ptr_addr a;
    assert_status(ptr_host_parse(PTR_LIT("1.2.3.4"), NULL), PTR_E_INVAL);
    assert_status(ptr_host_parse(NULL, 3, &a), PTR_E_INVAL);
    refuse(ptr_host_parse, NULL, 0, PTR_E_ADDR, __FILE__, __LINE__);
}

/* ---- ptr_prefix_parse ---------------------------------------------------- */

static void prefix_ok(const char *text, const char *hex, unsigned want_len, const char *file,
                      int line)
{
    ptr_addr a;
    unsigned len = 999;
    const ptr_status st = ptr_prefix_parse(text, strlen(text), &a, &len);
    if (st != PTR_OK || len != want_len) {
        print_error("\"%s\": got %s /%u, want PTR_OK /%u\n", text, ptr_status_name(st), len,
                    want_len);
        _fail(file, line);
    }
    check_bytes(&a, hex, file, line);
}

static void prefix_bad(const char *text, const char *file, int line)
{
    ptr_addr a, before;
    memset(&a, 0xa5, sizeof a);
    before = a;
    unsigned len = 999;
    const ptr_status st = ptr_prefix_parse(text, strlen(text), &a, &len);
    if (st != PTR_E_ADDR || len != 999 || memcmp(&a, &before, sizeof a) != 0) {
        print_error("\"%s\": got %s, want PTR_E_ADDR and outputs untouched\n", text,
                    ptr_status_name(st));
        _fail(file, line);
    }
}

#define assert_prefix(text, hex, len) prefix_ok(text, hex, len, __FILE__, __LINE__)
#define assert_prefix_bad(text)       prefix_bad(text, __FILE__, __LINE__)

static void test_prefix_parse(void **state)
{
    (void)state;
    assert_prefix("203.0.113.0/24", "cb007100", 24);
    assert_prefix("203.0.113.5", "cb007105", 32);
    assert_prefix("0.0.0.0/0", "00000000", 0);
    assert_prefix("203.0.113.128/25", "cb007180", 25);
    assert_prefix("203.0.113.5/32", "cb007105", 32);
    assert_prefix("203.0.113.4/31", "cb007104", 31);
    assert_prefix("128.0.0.0/1", "80000000", 1);
    assert_prefix("2001:db8::/32", "20010db8000000000000000000000000", 32);
    assert_prefix("2001:db8::1", "20010db8000000000000000000000001", 128);
    assert_prefix("2001:db8::1/128", "20010db8000000000000000000000001", 128);
    assert_prefix("::/0", "00000000000000000000000000000000", 0);
    assert_prefix("2001:db8:0:0:8000::/65", "20010db8000000008000000000000000", 65);
    assert_prefix("2001:db8::/127", "20010db8000000000000000000000000", 127);
}

/* ---- ptr_addr_in_prefix -------------------------------------------------- */

static int inside(const char *prefix, const char *addr)
{
    ptr_addr net, a;
    unsigned len;
    if (ptr_prefix_parse(prefix, strlen(prefix), &net, &len) != PTR_OK ||
        ptr_addr_parse(addr, strlen(addr), &a) != PTR_OK)
        fail_msg("bad test input %s %s", prefix, addr);
    return ptr_addr_in_prefix(&net, len, &a);
}

static void test_addr_in_prefix(void **state)
{
    (void)state;
    assert_int_equal(inside("203.0.113.0/24", "203.0.113.0"), 1);
    assert_int_equal(inside("203.0.113.0/24", "203.0.113.255"), 1);
    assert_int_equal(inside("203.0.113.0/24", "203.0.114.0"), 0);
    assert_int_equal(inside("203.0.113.0/24", "203.0.112.255"), 0);
    /* A length that is not a whole number of bytes, on both sides of the boundary. */
    assert_int_equal(inside("203.0.113.64/26", "203.0.113.64"), 1);
    assert_int_equal(inside("203.0.113.64/26", "203.0.113.127"), 1);
    assert_int_equal(inside("203.0.113.64/26", "203.0.113.63"), 0);
    assert_int_equal(inside("203.0.113.64/26", "203.0.113.128"), 0);
    assert_int_equal(inside("0.0.0.0/0", "198.51.100.7"), 1);
    assert_int_equal(inside("198.51.100.7", "198.51.100.7"), 1);
    assert_int_equal(inside("198.51.100.7", "198.51.100.6"), 0);
    assert_int_equal(inside("2001:db8::/32", "2001:db8:ffff::1"), 1);
    assert_int_equal(inside("2001:db8::/32", "2001:db9::"), 0);
    assert_int_equal(inside("2001:db8:0:0:8000::/65", "2001:db8::8000:0:0:1"), 1);
    assert_int_equal(inside("2001:db8:0:0:8000::/65", "2001:db8::7fff:0:0:1"), 0);
    assert_int_equal(inside("::/0", "2001:db8::1"), 1);
    /* Never across families: ::/0 does not hold an IPv4 address, 0.0.0.0/0 no IPv6 one. */
    assert_int_equal(inside("::/0", "203.0.113.1"), 0);
    assert_int_equal(inside("0.0.0.0/0", "::ffff:203.0.113.1"), 0);
    /* Misuse: NULL, a length beyond the family's bits. */
    ptr_addr a;
    assert_int_equal(ptr_addr_parse("203.0.113.1", 11, &a), PTR_OK);
    assert_int_equal(ptr_addr_in_prefix(NULL, 0, &a), 0);
    assert_int_equal(ptr_addr_in_prefix(&a, 0, NULL), 0);
    assert_int_equal(ptr_addr_in_prefix(&a, 33, &a), 0);
    assert_int_equal(ptr_addr_in_prefix(&a, 32, &a), 1);
}

static void test_prefix_limits(void **state)
{
    (void)state;
    /* Host bits must be zero, on both sides of every boundary. */
    assert_prefix_bad("203.0.113.5/24");
    assert_prefix_bad("203.0.113.5/31");
    assert_prefix_bad("203.0.113.129/25");
    assert_prefix_bad("1.0.0.0/0");
    assert_prefix_bad("0.0.0.1/0");
    assert_prefix_bad("192.0.0.0/1");
    assert_prefix_bad("2001:db9::/31");
    assert_prefix_bad("2001:db8::1/127");
    assert_prefix_bad("2001:db8:0:0:8000::/64");
    assert_prefix_bad("::1/0");
    /* Length syntax and range. */
    assert_prefix_bad("203.0.113.5/33");
    assert_prefix_bad("203.0.113.5/032");
    assert_prefix_bad("0.0.0.0/00");
    assert_prefix_bad("203.0.113.0/");
    assert_prefix_bad("203.0.113.0/+24");
    assert_prefix_bad("203.0.113.0/24 ");
    assert_prefix_bad("203.0.113.0/2x");
    assert_prefix_bad("2001:db8::/129");
    assert_prefix_bad("2001:db8::/032");
    assert_prefix_bad("/24");
    assert_prefix_bad("");
    assert_prefix_bad("203.0.113/24");
}

static void test_prefix_misuse(void **state)
{
    (void)state;
    ptr_addr a;
    unsigned len;
    assert_status(ptr_prefix_parse(PTR_LIT("1.2.3.0/24"), NULL, &len), PTR_E_INVAL);
    assert_status(ptr_prefix_parse(PTR_LIT("1.2.3.0/24"), &a, NULL), PTR_E_INVAL);
    assert_status(ptr_prefix_parse(NULL, 4, &a, &len), PTR_E_INVAL);
    assert_status(ptr_prefix_parse(NULL, 0, &a, &len), PTR_E_ADDR);
}

/* ---- ptr_addr_equal ------------------------------------------------------ */

static void test_addr_equal(void **state)
{
    (void)state;
    ptr_addr a = addr("203.0.113.10"), b = addr("203.0.113.10");
    assert_int_equal(ptr_addr_equal(&a, &b), 1);
    assert_int_equal(ptr_addr_equal(&a, &a), 1);
    b = addr("203.0.113.11");
    assert_int_equal(ptr_addr_equal(&a, &b), 0);
    /* Bytes beyond an IPv4 address are not part of it. */
    b = a;
    b.bytes[15] = 0x5a;
    assert_int_equal(ptr_addr_equal(&a, &b), 1);
    /* Same bytes, other family. */
    a = addr("::");
    b = addr("0.0.0.0");
    assert_int_equal(ptr_addr_equal(&a, &b), 0);
    a = addr("2001:db8::1");
    b = addr("2001:DB8:0::0:1");
    assert_int_equal(ptr_addr_equal(&a, &b), 1);
    b.bytes[15] ^= 1;
    assert_int_equal(ptr_addr_equal(&a, &b), 0);
    b = addr("::ffff:203.0.113.10");
    a = addr("203.0.113.10");
    assert_int_equal(ptr_addr_equal(&a, &b), 0);
    assert_int_equal(ptr_addr_equal(NULL, &b), 0);
    assert_int_equal(ptr_addr_equal(&a, NULL), 0);
    assert_int_equal(ptr_addr_equal(NULL, NULL), 0);
}

/* ---- ptr_addr_is_public -------------------------------------------------- */

struct class_case {
    const char *text;
    int is_public;
};

/* Each special block: its first and last address, and its neighbours. */
/* clang-format off */
static const struct class_case class_cases[] = {
    {"0.0.0.0", 0},          {"0.255.255.255", 0},    {"1.0.0.0", 1},
    {"9.255.255.255", 1},    {"10.0.0.0", 0},         {"10.255.255.255", 0},
    {"11.0.0.0", 1},         {"100.63.255.255", 1},   {"100.64.0.0", 0},
    {"100.127.255.255", 0},  {"100.128.0.0", 1},      {"126.255.255.255", 1},
    {"127.0.0.0", 0},        {"127.0.0.1", 0},        {"127.255.255.255", 0},
    {"128.0.0.0", 1},        {"169.253.255.255", 1},  {"169.254.0.0", 0},
    {"169.254.255.255", 0},  {"169.255.0.0", 1},      {"172.15.255.255", 1},
    {"172.16.0.0", 0},       {"172.31.255.255", 0},   {"172.32.0.0", 1},
    {"191.255.255.255", 1},  {"192.0.0.0", 0},        {"192.0.0.9", 0},
    {"192.0.0.255", 0},      {"192.0.1.0", 1},        {"192.0.1.255", 1},
    {"192.0.2.0", 0},        {"192.0.2.255", 0},      {"192.0.3.0", 1},
    {"192.31.196.1", 1},     {"192.52.193.1", 1},     {"192.88.98.255", 1},
    {"192.88.99.0", 0},      {"192.88.99.255", 0},    {"192.88.100.0", 1},
    {"192.167.255.255", 1},  {"192.168.0.0", 0},      {"192.168.255.255", 0},
    {"192.169.0.0", 1},      {"192.175.48.1", 1},     {"198.17.255.255", 1},
    {"198.18.0.0", 0},       {"198.19.255.255", 0},   {"198.20.0.0", 1},
    {"198.51.99.255", 1},    {"198.51.100.0", 0},     {"198.51.100.255", 0},
    {"198.51.101.0", 1},     {"203.0.112.255", 1},    {"203.0.113.0", 0},
    {"203.0.113.255", 0},    {"203.0.114.0", 1},      {"223.255.255.255", 1},
    {"224.0.0.0", 0},        {"239.255.255.255", 0},  {"240.0.0.0", 0},
    {"255.255.255.254", 0},  {"255.255.255.255", 0},  {"8.8.8.8", 1},
    {"1.1.1.1", 1},          {"80.158.1.1", 1},

    {"::", 0},               {"::1", 0},              {"::2", 0},
    {"::ffff:8.8.8.8", 0},   {"::8.8.8.8", 0},        {"64:ff9b::8.8.8.8", 0},
    {"64:ff9b:1::1", 0},     {"100::1", 0},           {"100::ffff:ffff:ffff:ffff", 0},
    {"fc00::1", 0},          {"fdff:ffff::1", 0},     {"fe80::1", 0},
    {"febf::1", 0},          {"fec0::1", 0},          {"ff02::1", 0},
    {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0},   {"2000::", 1},
    {"2000::1", 1},          {"2001::", 0},           {"2001::1", 0},
    {"2001:1::1", 0},        {"2001:2::1", 0},        {"2001:20::1", 0},
    {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", 0},    {"2001:200::1", 1},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 1},    {"2001:db8::", 0},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 0},    {"2001:db9::", 1},
    {"2001:4860:4860::8888", 1},                      {"2002::", 0},
    {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0},   {"2003::", 1},
    {"2620:4f:8000::1", 1},  {"2a00:1450::1", 1},     {"3ffe:ffff::1", 1},
    {"3fff::", 0},           {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", 0},
    {"3fff:1000::", 1},      {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1},
    {"4000::1", 0},          {"5f00::1", 0},          {"8000::1", 0},
};
/* clang-format on */

static void test_is_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof class_cases / sizeof class_cases[0]; i++) {
        const ptr_addr a = addr(class_cases[i].text);
        const int got = ptr_addr_is_public(&a);
        if (got != class_cases[i].is_public) {
            print_error("ptr_addr_is_public(%s) = %d, want %d\n", class_cases[i].text, got,
                        class_cases[i].is_public);
            fail();
        }
    }
}

static void test_is_public_misuse(void **state)
{
    (void)state;
    assert_int_equal(ptr_addr_is_public(NULL), 0);
    ptr_addr a = addr("8.8.8.8");
    a.family = 0;
    assert_int_equal(ptr_addr_is_public(&a), 0);
    a.family = 5;
    assert_int_equal(ptr_addr_is_public(&a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_valid),           cmocka_unit_test(test_v4_octet_limits),
        cmocka_unit_test(test_v4_leading_zeros),   cmocka_unit_test(test_v4_parts),
        cmocka_unit_test(test_v4_other_bytes),     cmocka_unit_test(test_length_bounds_the_text),
        cmocka_unit_test(test_v4_clears_the_rest), cmocka_unit_test(test_v6_valid),
        cmocka_unit_test(test_v6_compression),     cmocka_unit_test(test_v6_groups),
        cmocka_unit_test(test_v6_dotted_quad),     cmocka_unit_test(test_v6_other_bytes),
        cmocka_unit_test(test_v6_every_position),  cmocka_unit_test(test_parse_misuse),
        cmocka_unit_test(test_host_parse),         cmocka_unit_test(test_host_prefix_lengths),
        cmocka_unit_test(test_host_misuse),        cmocka_unit_test(test_prefix_parse),
        cmocka_unit_test(test_prefix_limits),      cmocka_unit_test(test_addr_in_prefix),
        cmocka_unit_test(test_prefix_misuse),      cmocka_unit_test(test_addr_equal),
        cmocka_unit_test(test_is_public),          cmocka_unit_test(test_is_public_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
