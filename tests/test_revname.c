/*
 * ptr_revname, ptr_revname_parse and ptr_revzone: the names of RFC 1035
 * §3.5, RFC 3596 §2.5 and RFC 2317, their limits, and the buffer contract.
 * tests/test_addr_diff.c runs the million-address round trip.
 */
#include <stdlib.h>

#include "ptr_test.h"

static ptr_addr addr(const char *text)
{
    ptr_addr a;
    assert_status(ptr_addr_parse(text, strlen(text), &a), PTR_OK);
    return a;
}

static const char rfc3596_name[] =
    "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa";

/* ---- ptr_revname --------------------------------------------------------- */

static void check_revname(const char *in, unsigned flags, const char *want, const char *file,
                          int line)
{
    const ptr_addr a = addr(in);
    char buf[PTR_REVNAME_BUFSZ];
    size_t len = 0;
    const ptr_status st = ptr_revname(&a, flags, buf, sizeof buf, &len);
    if (st != PTR_OK || len != strlen(want) || strcmp(buf, want) != 0) {
        print_error("revname(%s, %u): got %s \"%s\" (len %zu), want \"%s\"\n", in, flags,
                    ptr_status_name(st), st == PTR_OK ? buf : "", len, want);
        _fail(file, line);
    }
}

#define assert_revname(in, flags, want) check_revname(in, flags, want, __FILE__, __LINE__)

static void test_revname_v4(void **state)
{
    (void)state;
    assert_revname("203.0.113.10", 0, "10.113.0.203.in-addr.arpa");
    assert_revname("203.0.113.10", PTR_FQDN, "10.113.0.203.in-addr.arpa.");
    assert_revname("0.0.0.0", 0, "0.0.0.0.in-addr.arpa");
    assert_revname("255.255.255.255", PTR_FQDN, "255.255.255.255.in-addr.arpa.");
    assert_revname("1.20.100.9", 0, "9.100.20.1.in-addr.arpa");
    assert_revname("10.2.0.52", 0, "52.0.2.10.in-addr.arpa"); /* RFC 1035 §3.5 */
}

static void test_revname_v6(void **state)
{
    (void)state;
    /* The example of RFC 3596 §2.5, in lower case. */
    assert_revname("4321:0:1:2:3:4:567:89ab", 0, rfc3596_name);
    assert_revname("2001:db8::1", 0,
                   "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    assert_revname("::", PTR_FQDN,
                   "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.");
    assert_revname("FEDC:BA98:7654:3210:0123:4567:89AB:CDEF", PTR_FQDN,
                   "f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f.ip6.arpa.");
    /* An IPv4-mapped address is IPv6 and gets an ip6.arpa name. */
    assert_revname("::ffff:1.2.3.4", 0,
                   "4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
}

/* cap == len refuses and writes nothing; cap == len + 1 succeeds. */
typedef ptr_status (*writer)(const ptr_addr *a, unsigned arg, unsigned flags, char *buf, size_t cap,
                             size_t *out_len);

static ptr_status revname_writer(const ptr_addr *a, unsigned arg, unsigned flags, char *buf,
                                 size_t cap, size_t *out_len)
{
    (void)arg;
    return ptr_revname(a, flags, buf, cap, out_len);
}

static void check_cap(writer w, const char *in, unsigned arg, unsigned flags, size_t want_len,
                      const char *file, int line)
{
    const ptr_addr a = addr(in);
    char full[PTR_REVNAME_BUFSZ];
    size_t len = 0;
    assert_status(w(&a, arg, flags, full, sizeof full, &len), PTR_OK);
    assert_int_equal(len, want_len);

    char buf[PTR_REVNAME_BUFSZ + 8];
    const size_t caps[] = {0, 1, len - 1, len, len + 1, len + 2};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        const size_t cap = caps[i];
        memset(buf, 'X', sizeof buf);
        size_t got = 12345;
        const ptr_status st = w(&a, arg, flags, buf, cap, &got);
        const ptr_status want = cap > len ? PTR_OK : PTR_E_BUFFER;
        int bad = st != want || got != len;
        if (want == PTR_OK)
            bad |= memcmp(buf, full, len + 1) != 0 || buf[len + 1] != 'X';
        else
            for (size_t j = 0; j < sizeof buf; j++)
                bad |= buf[j] != 'X';
        if (bad) {
            print_error("%s /%u flags %u, cap %zu: got %s, out_len %zu; want %s, %zu\n", in, arg,
                        flags, cap, ptr_status_name(st), got, ptr_status_name(want), len);
            _fail(file, line);
        }
    }
    assert_status(w(&a, arg, flags, buf, len, NULL), PTR_E_BUFFER);
    assert_status(w(&a, arg, flags, buf, len + 1, NULL), PTR_OK);
}

static void test_revname_buffer(void **state)
{
    (void)state;
    check_cap(revname_writer, "203.0.113.10", 0, 0, 25, __FILE__, __LINE__);
    check_cap(revname_writer, "203.0.113.10", 0, PTR_FQDN, 26, __FILE__, __LINE__);
    check_cap(revname_writer, "0.0.0.0", 0, 0, 20, __FILE__, __LINE__);
    check_cap(revname_writer, "255.255.255.255", 0, PTR_FQDN, 29, __FILE__, __LINE__);
    check_cap(revname_writer, "2001:db8::1", 0, 0, 72, __FILE__, __LINE__);
    /* The longest name there is fills PTR_REVNAME_BUFSZ exactly. */
    check_cap(revname_writer, "2001:db8::1", 0, PTR_FQDN, PTR_REVNAME_BUFSZ - 1, __FILE__,
              __LINE__);
}

static void test_revname_misuse(void **state)
{
    (void)state;
    ptr_addr a = addr("1.2.3.4");
    char buf[PTR_REVNAME_BUFSZ];
    size_t len = 77;
    assert_status(ptr_revname(NULL, 0, buf, sizeof buf, &len), PTR_E_INVAL);
    assert_status(ptr_revname(&a, 0, NULL, sizeof buf, &len), PTR_E_INVAL);
    assert_status(ptr_revname(&a, PTR_REVZONE_RFC2317_RANGE, buf, sizeof buf, &len), PTR_E_INVAL);
    assert_status(ptr_revname(&a, 0x80000000u, buf, sizeof buf, &len), PTR_E_INVAL);
    a.family = 0;
    assert_status(ptr_revname(&a, 0, buf, sizeof buf, &len), PTR_E_INVAL);
    a.family = 46;
    assert_status(ptr_revname(&a, 0, buf, sizeof buf, &len), PTR_E_INVAL);
    assert_int_equal(len, 77);
    assert_int_equal(ptr_revname_bufsz(), PTR_REVNAME_BUFSZ);
    assert_int_equal(PTR_REVNAME_BUFSZ, 74);
}

/* ---- ptr_revname_parse --------------------------------------------------- */

static void check_parse(const char *s, size_t n, const char *want_addr, unsigned want_len,
                        const char *file, int line)
{
    const ptr_addr want = addr(want_addr);
    ptr_addr a;
    memset(&a, 0xa5, sizeof a);
    unsigned plen = 999;
    const ptr_status st = ptr_revname_parse(s, n, &a, &plen);
    if (st != PTR_OK || plen != want_len || memcmp(&a, &want, sizeof a) != 0) {
        char got[PTR_ADDR_STRLEN] = "?";
        if (st == PTR_OK)
            ptr_addr_format(&a, got, sizeof got, NULL);
        print_error("revname_parse(\"%.*s\"): got %s %s/%u, want %s/%u\n", (int)n, s,
                    ptr_status_name(st), got, plen, want_addr, want_len);
        _fail(file, line);
    }
}

#define assert_revparse(text, want_addr, want_len)                                                 \
    check_parse(PTR_LIT(text), want_addr, want_len, __FILE__, __LINE__)

static void check_parse_fails(const char *s, size_t n, ptr_status want, const char *file, int line)
{
    ptr_addr a, before;
    memset(&a, 0xa5, sizeof a);
    before = a;
    unsigned plen = 999;
    const ptr_status st = ptr_revname_parse(s, n, &a, &plen);
    if (st != want || plen != 999 || memcmp(&a, &before, sizeof a) != 0) {
        print_error("revname_parse(\"%.*s\", len %zu): got %s, want %s and outputs untouched\n",
                    (int)n, s, n, ptr_status_name(st), ptr_status_name(want));
        _fail(file, line);
    }
}

#define assert_not_revname(text) check_parse_fails(PTR_LIT(text), PTR_E_REVNAME, __FILE__, __LINE__)

static void test_revname_parse_full(void **state)
{
    (void)state;
    assert_revparse("10.113.0.203.in-addr.arpa", "203.0.113.10", 32);
    assert_revparse("10.113.0.203.in-addr.arpa.", "203.0.113.10", 32);
    assert_revparse("10.113.0.203.IN-ADDR.ARPA", "203.0.113.10", 32);
    assert_revparse("10.113.0.203.In-Addr.Arpa.", "203.0.113.10", 32);
    assert_revparse("0.0.0.0.in-addr.arpa", "0.0.0.0", 32);
    assert_revparse("255.255.255.255.in-addr.arpa", "255.255.255.255", 32);
    assert_revparse("1.0.0.100.in-addr.arpa", "100.0.0.1", 32);
    assert_revparse("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
                    "4321:0:1:2:3:4:567:89ab", 128);
    assert_revparse("B.A.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.ARPA.",
                    "4321:0:1:2:3:4:567:89ab", 128);
    assert_revparse("f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.0.1.2.3.4.5.6.7.8.9.A.B.C.D.E.F.Ip6.Arpa",
                    "fedc:ba98:7654:3210:123:4567:89ab:cdef", 128);
}

static void test_revname_parse_zones(void **state)
{
    (void)state;
    assert_revparse("113.0.203.in-addr.arpa", "203.0.113.0", 24);
    assert_revparse("113.0.203.in-addr.arpa.", "203.0.113.0", 24);
    assert_revparse("0.203.in-addr.arpa", "203.0.0.0", 16);
    assert_revparse("203.in-addr.arpa", "203.0.0.0", 8);
    assert_revparse("in-addr.arpa", "0.0.0.0", 0);
    assert_revparse("IN-ADDR.ARPA.", "0.0.0.0", 0);
    assert_revparse("ip6.arpa", "::", 0);
    assert_revparse("ip6.arpa.", "::", 0);
    assert_revparse("8.b.d.0.1.0.0.2.ip6.arpa", "2001:db8::", 32);
    assert_revparse("2.ip6.arpa", "2000::", 4);
    assert_revparse("1.0.0.2.ip6.arpa", "2001::", 16);
    assert_revparse("1.2.3.4.ip6.arpa", "4321::", 16); /* four labels, but nibbles */
    assert_revparse("0.8.b.d.0.1.0.0.2.ip6.arpa.", "2001:db8::", 36);
    assert_revparse("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                    "2001:db8::", 124);
}

static void test_revname_parse_invalid(void **state)
{
    (void)state;
    assert_not_revname("");
    assert_not_revname(".");
    assert_not_revname("..");
    assert_not_revname("arpa");
    assert_not_revname("addr.arpa");
    assert_not_revname("n-addr.arpa");
    assert_not_revname("p6.arpa");
    assert_not_revname(".in-addr.arpa");
    assert_not_revname("in-addr.arpa..");
    assert_not_revname("xin-addr.arpa");
    assert_not_revname("1.2.3.4in-addr.arpa");
    assert_not_revname("10.2.3.45in-addr.arpa");
    assert_not_revname("1.2.3.4.in-addr.arpa..");
    assert_not_revname("1.2.3.4..in-addr.arpa");
    assert_not_revname("1..2.3.in-addr.arpa");
    assert_not_revname(".1.2.3.4.in-addr.arpa");
    assert_not_revname("1.2.3.4.in-addr.arpb");
    assert_not_revname("1.2.3.4.in_addr.arpa");
    assert_not_revname("1.2.3.4.in-addr.arpa.com");
    assert_not_revname("1.2.3.4.ip4.arpa");
    assert_not_revname("1.2.3.4.in-addr.arpa ");
    assert_not_revname(" 1.2.3.4.in-addr.arpa");
    assert_not_revname("1.2.3.4 .in-addr.arpa");
    /* Bytes whose case bit would turn them into '-' or '.'. */
    assert_not_revname("1.2.3.4.in\015addr.arpa");
    assert_not_revname("1.2.3.4.in-addr\016arpa");
    assert_not_revname("1.2.3.4.in-addr.arpa\x0e");
    assert_not_revname(
        "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6\016arpa");
    /* Octet labels: 0..255, no leading zeros, at most four. */
    assert_revparse("255.0.0.1.in-addr.arpa", "1.0.0.255", 32);
    assert_not_revname("256.0.0.1.in-addr.arpa");
    assert_not_revname("1.0.0.256.in-addr.arpa");
    assert_not_revname("01.0.0.1.in-addr.arpa");
    assert_not_revname("1.0.0.01.in-addr.arpa");
    assert_not_revname("00.in-addr.arpa");
    assert_not_revname("1000.in-addr.arpa");
    assert_not_revname("1.2.3.4.5.in-addr.arpa");
    assert_not_revname("a.2.3.4.in-addr.arpa");
    assert_not_revname("-1.2.3.4.in-addr.arpa");
    assert_not_revname("::1.2.3.4.in-addr.arpa");
    assert_not_revname("1:2:3:4:5:6:7:8.in-addr.arpa");
    /* RFC 2317 zone names are not reverse names of an address or prefix. */
    assert_not_revname("0/25.113.0.203.in-addr.arpa");
    assert_not_revname("0-127.113.0.203.in-addr.arpa");
    /* Nibble labels: one hex digit each, at most 32. */
    assert_not_revname("g.ip6.arpa");
    assert_not_revname("10.ip6.arpa");
    assert_not_revname("1..ip6.arpa");
    assert_not_revname("12.34.ip6.arpa");
    assert_not_revname("-.ip6.arpa");
    assert_not_revname("1.:.ip6.arpa");
    assert_not_revname("1.2ip6.arpa");
    assert_not_revname(".ip6.arpa");
    assert_not_revname(
        "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa");
    assert_revparse("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
                    "::", 128);
    /* NUL is just an invalid byte. */
    assert_not_revname("1.2.3.4.in-addr.arpa\0");
    assert_not_revname("1.2.3.4\0.in-addr.arpa");
    assert_not_revname("\0001.2.3.4.in-addr.arpa");
}

static void test_revname_parse_length(void **state)
{
    (void)state;
    /* Only [s, s + len) is read. */
    check_parse("1.2.3.4.in-addr.arpa.x", 21, "4.3.2.1", 32, __FILE__, __LINE__);
    check_parse("1.2.3.4.in-addr.arpa\0", 20, "4.3.2.1", 32, __FILE__, __LINE__);
    check_parse("2.ip6.arpa", 10, "2000::", 4, __FILE__, __LINE__);
    check_parse_fails("1.2.3.4.in-addr.arpa", 19, PTR_E_REVNAME, __FILE__, __LINE__);

    /* Every prefix of some names, each ending where its heap block ends. */
    static const char *const names[] = {"10.113.0.203.in-addr.arpa.", "in-addr.arpa",
                                        "8.b.d.0.1.0.0.2.ip6.arpa.", rfc3596_name};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const size_t n = strlen(names[i]);
        for (size_t len = 0; len <= n; len++) {
            char *copy = malloc(len ? len : 1);
            assert_non_null(copy);
            memcpy(copy, names[i], len);
            ptr_addr a;
            unsigned plen;
            (void)ptr_revname_parse(copy, len, &a, &plen);
            free(copy);
        }
    }
}

static void test_revname_parse_host_only(void **state)
{
    (void)state;
    ptr_addr a, before;
    memset(&a, 0xa5, sizeof a);
    before = a;
    /* Without prefix_len, a zone is not a host... */
    assert_status(ptr_revname_parse(PTR_LIT("113.0.203.in-addr.arpa"), &a, NULL), PTR_E_NOT_HOST);
    assert_status(ptr_revname_parse(PTR_LIT("in-addr.arpa"), &a, NULL), PTR_E_NOT_HOST);
    assert_status(ptr_revname_parse(PTR_LIT("8.b.d.0.1.0.0.2.ip6.arpa"), &a, NULL), PTR_E_NOT_HOST);
    assert_memory_equal(&a, &before, sizeof a);
    /* ...a malformed name is still not a reverse name... */
    assert_status(ptr_revname_parse(PTR_LIT("01.0.203.in-addr.arpa"), &a, NULL), PTR_E_REVNAME);
    assert_memory_equal(&a, &before, sizeof a);
    /* ...and a full name is fine. */
    assert_status(ptr_revname_parse(PTR_LIT("10.113.0.203.in-addr.arpa"), &a, NULL), PTR_OK);
    const ptr_addr want = addr("203.0.113.10");
    assert_memory_equal(&a, &want, sizeof a);
    assert_status(ptr_revname_parse(PTR_LIT(rfc3596_name), &a, NULL), PTR_OK);
}

static void test_revname_parse_misuse(void **state)
{
    (void)state;
    unsigned plen;
    ptr_addr a;
    assert_status(ptr_revname_parse(PTR_LIT("1.2.3.4.in-addr.arpa"), NULL, &plen), PTR_E_INVAL);
    assert_status(ptr_revname_parse(NULL, 5, &a, &plen), PTR_E_INVAL);
    check_parse_fails(NULL, 0, PTR_E_REVNAME, __FILE__, __LINE__);
}

/* ---- ptr_revzone --------------------------------------------------------- */

static void check_zone(const char *in, unsigned plen, unsigned flags, const char *want,
                       const char *file, int line)
{
    const ptr_addr a = addr(in);
    char buf[PTR_REVNAME_BUFSZ];
    size_t len = 0;
    const ptr_status st = ptr_revzone(&a, plen, flags, buf, sizeof buf, &len);
    if (st != PTR_OK || len != strlen(want) || strcmp(buf, want) != 0) {
        print_error("revzone(%s/%u, %u): got %s \"%s\" (len %zu), want \"%s\"\n", in, plen, flags,
                    ptr_status_name(st), st == PTR_OK ? buf : "", len, want);
        _fail(file, line);
    }
}

#define assert_zone(in, plen, flags, want) check_zone(in, plen, flags, want, __FILE__, __LINE__)

static void check_zone_inval(const char *in, unsigned plen, unsigned flags, const char *file,
                             int line)
{
    const ptr_addr a = addr(in);
    char buf[PTR_REVNAME_BUFSZ];
    memset(buf, 'X', sizeof buf);
    size_t len = 77;
    const ptr_status st = ptr_revzone(&a, plen, flags, buf, sizeof buf, &len);
    if (st != PTR_E_INVAL || len != 77 || buf[0] != 'X') {
        print_error("revzone(%s/%u, %u): got %s, want PTR_E_INVAL and nothing written\n", in, plen,
                    flags, ptr_status_name(st));
        _fail(file, line);
    }
}

#define assert_zone_inval(in, plen, flags) check_zone_inval(in, plen, flags, __FILE__, __LINE__)

static void test_revzone_v4(void **state)
{
    (void)state;
    assert_zone("203.0.113.77", 0, 0, "in-addr.arpa");
    assert_zone("203.0.113.77", 0, PTR_FQDN, "in-addr.arpa.");
    assert_zone("203.0.113.77", 8, 0, "203.in-addr.arpa");
    assert_zone("203.0.113.77", 16, 0, "0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 24, 0, "113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 24, PTR_FQDN, "113.0.203.in-addr.arpa.");
    assert_zone("203.0.113.77", 32, 0, "77.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.0", 24, 0, "113.0.203.in-addr.arpa");
    /* An RFC 2317 style only changes /25../31. */
    assert_zone("203.0.113.77", 24, PTR_REVZONE_RFC2317_RANGE, "113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 32, PTR_REVZONE_RFC2317_SLASH, "77.113.0.203.in-addr.arpa");
}

static void test_revzone_rfc2317(void **state)
{
    (void)state;
    const unsigned range = PTR_REVZONE_RFC2317_RANGE, slash = PTR_REVZONE_RFC2317_SLASH;
    assert_zone("203.0.113.77", 25, range, "0-127.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.200", 25, range, "128-255.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 26, range, "64-127.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 27, range, "64-95.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 28, range, "64-79.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 29, range, "72-79.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 30, range, "76-79.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 31, range, "76-77.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 31, range | PTR_FQDN, "76-77.113.0.203.in-addr.arpa.");
    assert_zone("203.0.113.5", 30, range, "4-7.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 25, slash, "0/25.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.200", 26, slash, "192/26.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.77", 31, slash, "76/31.113.0.203.in-addr.arpa");
    assert_zone("203.0.113.255", 31, slash | PTR_FQDN, "254/31.113.0.203.in-addr.arpa.");
    assert_zone("192.0.2.0", 26, slash, "0/26.2.0.192.in-addr.arpa"); /* RFC 2317 §4 */
}

static void test_revzone_v6(void **state)
{
    (void)state;
    assert_zone("2001:db8::1", 0, 0, "ip6.arpa");
    assert_zone("2001:db8::1", 0, PTR_FQDN, "ip6.arpa.");
    assert_zone("2001:db8::1", 4, 0, "2.ip6.arpa");
    assert_zone("2001:db8::1", 8, 0, "0.2.ip6.arpa");
    assert_zone("2001:db8::1", 32, 0, "8.b.d.0.1.0.0.2.ip6.arpa");
    assert_zone("2001:db8:abcd:12::1", 48, PTR_FQDN, "d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_zone("2001:db8:abcd:12::1", 52, 0, "0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa");
    assert_zone("2001:db8:abcd:12::1", 64, 0, "2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa");
    assert_zone("4321:0:1:2:3:4:567:89ab", 128, 0, rfc3596_name);
    assert_zone("4321:0:1:2:3:4:567:89ab", 124, 0, rfc3596_name + 2);
    /* RFC 2317 styles are for IPv4 only and change nothing here. */
    assert_zone("2001:db8::1", 32, PTR_REVZONE_RFC2317_SLASH, "8.b.d.0.1.0.0.2.ip6.arpa");
}

static void test_revzone_invalid(void **state)
{
    (void)state;
    assert_zone_inval("203.0.113.77", 25, 0);
    assert_zone_inval("203.0.113.77", 31, PTR_FQDN);
    assert_zone_inval("203.0.113.77", 33, 0);
    assert_zone_inval("203.0.113.77", 7, 0);
    assert_zone_inval("203.0.113.77", 9, 0);
    assert_zone_inval("203.0.113.77", 23, PTR_REVZONE_RFC2317_RANGE);
    assert_zone_inval("203.0.113.77", 12, PTR_REVZONE_RFC2317_SLASH);
    assert_zone_inval("203.0.113.77", 33, PTR_REVZONE_RFC2317_SLASH);
    assert_zone_inval("203.0.113.77", 64, 0);
    assert_zone_inval("203.0.113.77", 26, PTR_REVZONE_RFC2317_RANGE | PTR_REVZONE_RFC2317_SLASH);
    assert_zone_inval("203.0.113.77", 24, PTR_REVZONE_RFC2317_RANGE | PTR_REVZONE_RFC2317_SLASH);
    assert_zone_inval("203.0.113.77", 24, 0x8);
    assert_zone_inval("2001:db8::1", 127, 0);
    assert_zone_inval("2001:db8::1", 1, 0);
    assert_zone_inval("2001:db8::1", 132, 0);
    assert_zone_inval("2001:db8::1", 129, 0);
    assert_zone_inval("2001:db8::1", 0xffffffffu, 0);

    ptr_addr a = addr("1.2.3.4");
    char buf[PTR_REVNAME_BUFSZ];
    assert_status(ptr_revzone(NULL, 24, 0, buf, sizeof buf, NULL), PTR_E_INVAL);
    assert_status(ptr_revzone(&a, 24, 0, NULL, sizeof buf, NULL), PTR_E_INVAL);
    a.family = 0;
    assert_status(ptr_revzone(&a, 0, 0, buf, sizeof buf, NULL), PTR_E_INVAL);
}

static ptr_status revzone_writer(const ptr_addr *a, unsigned arg, unsigned flags, char *buf,
                                 size_t cap, size_t *out_len)
{
    return ptr_revzone(a, arg, flags, buf, cap, out_len);
}

static void test_revzone_buffer(void **state)
{
    (void)state;
    const unsigned range = PTR_REVZONE_RFC2317_RANGE, slash = PTR_REVZONE_RFC2317_SLASH;
    check_cap(revzone_writer, "203.0.113.77", 0, 0, 12, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.77", 24, 0, 22, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.77", 24, PTR_FQDN, 23, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.77", 32, 0, 25, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.200", 25, range, 30, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.200", 25, slash | PTR_FQDN, 30, __FILE__, __LINE__);
    check_cap(revzone_writer, "203.0.113.5", 31, range, 26, __FILE__, __LINE__);
    check_cap(revzone_writer, "2001:db8::", 0, 0, 8, __FILE__, __LINE__);
    check_cap(revzone_writer, "2001:db8::", 64, PTR_FQDN, 41, __FILE__, __LINE__);
    check_cap(revzone_writer, "2001:db8::", 128, PTR_FQDN, PTR_REVNAME_BUFSZ - 1, __FILE__,
              __LINE__);
}

/*
 * A zone name reads back as its network and length; at /32 and /128 it is
 * the reverse name itself.
 */
static void test_revzone_round_trip(void **state)
{
    (void)state;
    uint64_t st = 0x2317ULL;
    for (unsigned n = 0; n < 20000; n++) {
        ptr_addr a;
        memset(&a, 0, sizeof a);
        const uint64_t r1 = ptr_test_rand(&st), r2 = ptr_test_rand(&st);
        unsigned plen;
        if (n % 2) {
            a.family = 4;
            memcpy(a.bytes, &r1, 4);
            plen = 8 * (unsigned)(r2 % 5);
        } else {
            a.family = 6;
            memcpy(a.bytes, &r1, 8);
            memcpy(a.bytes + 8, &r2, 8);
            plen = 4 * (unsigned)(r2 % 33);
        }
        const unsigned flags = r1 >> 63 ? PTR_FQDN : 0u;
        char zone[PTR_REVNAME_BUFSZ];
        size_t len;
        assert_status(ptr_revzone(&a, plen, flags, zone, sizeof zone, &len), PTR_OK);

        ptr_addr net = a;
        for (unsigned bit = plen; bit < (a.family == 4 ? 32u : 128u); bit++)
            net.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
        ptr_addr back;
        unsigned back_len;
        assert_status(ptr_revname_parse(zone, len, &back, &back_len), PTR_OK);
        assert_int_equal(back_len, plen);
        assert_memory_equal(&back, &net, sizeof net);

        if (plen == (a.family == 4 ? 32u : 128u)) {
            char name[PTR_REVNAME_BUFSZ];
            assert_status(ptr_revname(&a, flags, name, sizeof name, NULL), PTR_OK);
            assert_string_equal(name, zone);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_revname_v4),
        cmocka_unit_test(test_revname_v6),
        cmocka_unit_test(test_revname_buffer),
        cmocka_unit_test(test_revname_misuse),
        cmocka_unit_test(test_revname_parse_full),
        cmocka_unit_test(test_revname_parse_zones),
        cmocka_unit_test(test_revname_parse_invalid),
        cmocka_unit_test(test_revname_parse_length),
        cmocka_unit_test(test_revname_parse_host_only),
        cmocka_unit_test(test_revname_parse_misuse),
        cmocka_unit_test(test_revzone_v4),
        cmocka_unit_test(test_revzone_rfc2317),
        cmocka_unit_test(test_revzone_v6),
        cmocka_unit_test(test_revzone_invalid),
        cmocka_unit_test(test_revzone_buffer),
        cmocka_unit_test(test_revzone_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
