/*
 * Domain-name syntax and normal form (src/name.c): both sides of every limit,
 * every byte value, every field of ptr_error on each failure, and a property
 * test against a reference model written the slow, obvious way.
 *
 * Every name is first copied to a heap block of exactly its length, so a read
 * past `len` shows up under ASan and valgrind.
 */
#include <stdlib.h>

#include "ptr_test.h"

#include "name/punycode.h"

#define U PTR_NAME_ALLOW_UNDERSCORE
#define S PTR_NAME_ALLOW_SINGLE_LABEL

static char *dup_exact(const char *s, size_t len)
{
    char *p = malloc(len ? len : 1);
    assert_non_null(p);
    if (len)
        memcpy(p, s, len);
    return p;
}

/* A ptr_error full of garbage, to show that success leaves it alone. */
static void poison(ptr_error *e)
{
    memset(e, 0xA5, sizeof *e);
}
static int is_poisoned(const ptr_error *e)
{
    const unsigned char *p = (const unsigned char *)e;
    for (size_t i = 0; i < sizeof *e; i++)
        if (p[i] != 0xA5)
            return 0;
    return 1;
}

static void expect_ok_at(const char *src, size_t len, unsigned flags, const char *file, int line)
{
    char *s = dup_exact(src, len);
    ptr_error e;
    poison(&e);
    ptr_status st = ptr_name_check(s, len, flags, &e);
    if (st != PTR_OK)
        print_error("\"%.*s\" (flags %u): %s at %zu: %s\n", (int)len, src, flags,
                    ptr_status_name(st), e.offset, e.message);
    ptr_test_status_eq(st, PTR_OK, "ptr_name_check", file, line);
    if (!is_poisoned(&e))
        _fail(file, line);
    ptr_test_status_eq(ptr_name_check(s, len, flags, NULL), PTR_OK, "check, err NULL", file, line);
    free(s);
}

/*
 * The name fails with PTR_E_NAME at `offset`, with the same ptr_error from
 * check and normalize, and normalize writes nothing.
 */
static void expect_bad_at(const char *src, size_t len, unsigned flags, size_t offset,
                          const char *msg, const char *file, int line)
{
    char *s = dup_exact(src, len);
    ptr_error e, e2;
    poison(&e);
    ptr_test_status_eq(ptr_name_check(s, len, flags, &e), PTR_E_NAME, "ptr_name_check", file, line);
    ptr_test_error_eq(&e, PTR_E_NAME, PTR_FIELD_NAME, 0, offset, file, line);
    if (msg && strcmp(e.message, msg) != 0) {
        print_error("message \"%s\", want \"%s\"\n", e.message, msg);
        _fail(file, line);
    }
    ptr_test_status_eq(ptr_name_check(s, len, flags, NULL), PTR_E_NAME, "check, err NULL", file,
                       line);

    char buf[PTR_NAME_BUFSZ + 8];
    memset(buf, 0x5A, sizeof buf);
    size_t out_len = 777;
    poison(&e2);
    ptr_test_status_eq(ptr_name_normalize(s, len, flags, buf, sizeof buf, &out_len, &e2),
                       PTR_E_NAME, "ptr_name_normalize", file, line);
    if (memcmp(&e, &e2, sizeof e) != 0 || out_len != 777) {
        print_error("normalize reported differently from check, or set out_len\n");
        _fail(file, line);
    }
    for (size_t i = 0; i < sizeof buf; i++)
        if (buf[i] != 0x5A)
            _fail(file, line);
    free(s);
}

#define OK(lit, flags)       expect_ok_at(PTR_LIT(lit), (flags), __FILE__, __LINE__)
#define BAD(lit, flags, off) expect_bad_at(PTR_LIT(lit), (flags), (off), NULL, __FILE__, __LINE__)
#define BADM(lit, flags, off, m)                                                                   \
    expect_bad_at(PTR_LIT(lit), (flags), (off), (m), __FILE__, __LINE__)
#define OKN(s, n, flags)       expect_ok_at((s), (n), (flags), __FILE__, __LINE__)
#define BADN(s, n, flags, off) expect_bad_at((s), (n), (flags), (off), NULL, __FILE__, __LINE__)

/* Fill out with labels of the given lengths ('a'..), joined by dots; returns the length. */
static size_t build(char *out, const size_t *lens, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[at++] = '.';
        for (size_t j = 0; j < lens[i]; j++)
            out[at++] = (char)('a' + (j + i) % 26);
    }
    return at;
}

/* ---- arguments --------------------------------------------------------- */

static void test_bufsz(void **state)
{
    (void)state;
    assert_int_equal(ptr_name_bufsz(), PTR_NAME_BUFSZ);
    assert_int_equal(PTR_NAME_BUFSZ, PTR_NAME_MAXLEN + 2);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    ptr_error e;
    char buf[PTR_NAME_BUFSZ];
    size_t out_len = 9;

    assert_status(ptr_name_check(NULL, 3, 0, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_status(ptr_name_check(NULL, 3, 0, NULL), PTR_E_INVAL);

    /* Every bit outside the two flags is refused, whatever the name. */
    for (unsigned bit = 2; bit < 32; bit++) {
        assert_status(ptr_name_check(PTR_LIT("example.com"), 1u << bit, &e), PTR_E_INVAL);
        assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
        assert_status(ptr_name_normalize(PTR_LIT("example.com"), 1u << bit | U, buf, sizeof buf,
                                         &out_len, &e),
                      PTR_E_INVAL);
        assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    }
    assert_status(ptr_name_check(PTR_LIT("example.com"), ~0u, NULL), PTR_E_INVAL);

    assert_status(ptr_name_normalize(PTR_LIT("example.com"), 0, NULL, 64, &out_len, &e),
                  PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_status(ptr_name_normalize(NULL, 1, 0, buf, sizeof buf, &out_len, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(out_len, 9);
}

static void test_empty(void **state)
{
    (void)state;
    ptr_error e;
    /* No bytes at all is a (bad) name, not API misuse, even with a NULL pointer. */
    assert_status(ptr_name_check(NULL, 0, 0, &e), PTR_E_NAME);
    assert_error(&e, PTR_E_NAME, PTR_FIELD_NAME, 0, 0);
    assert_string_equal(e.message, "empty name");
    BADM("", 0, 0, "empty name");
    BADM("", U | S, 0, "empty name");
}

/* ---- accepted names ---------------------------------------------------- */

static void test_valid(void **state)
{
    (void)state;
    OK("example.com", 0);
    OK("example.com.", 0);
    OK("mail.example.com", 0);
    OK("a.b", 0);
    OK("a.b.", 0);
    OK("A.B", 0);
    OK("Mail.Example.COM.", 0);
    OK("x.y.z.w.v.u.t.s.r.q", 0);
    OK("123.com", 0); /* RFC 1123 §2.1: labels may start with a digit */
    OK("3com.com", 0);
    OK("a-b.com", 0);
    OK("a--b.com", 0);
    OK("ab--cd.example", 0); /* reserved-LDH shape, but not xn--: accepted */
    OK("zz--top.example", 0);
    OK("xn-abc.com", 0); /* not the ACE prefix */
    OK("an--99999999999a.com", 0);
    OK("xm--99999999999a.com", 0);
    OK("yn--99999999999a.com", 0);
    OK("xn-9-99999999999a.com", 0);
    OK("axn--abc.com", 0);
    OK("ecs-203-0-113-10.compute.example.com", 0);
    OK("10.113.0.203.in-addr.arpa", 0);
    OK("0-0.a", 0);
    OK("a.b-c", 0);
}

/* ---- label length ------------------------------------------------------ */

static void test_label_length(void **state)
{
    (void)state;
    char n[300];
    size_t len;

    for (size_t pos = 0; pos < 3; pos++) {
        size_t lens[3] = {3, 4, 3};
        lens[pos] = 63;
        len = build(n, lens, 3);
        OKN(n, len, 0);
        n[len] = '.';
        OKN(n, len + 1, 0);

        lens[pos] = 64;
        len = build(n, lens, 3);
        size_t start = 0;
        for (size_t i = 0; i < pos; i++)
            start += lens[i] + 1;
        BADN(n, len, 0, start + 63);
        n[len] = '.';
        BADN(n, len + 1, 0, start + 63);
    }
    BADM("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0, 63,
         "label longer than 63 characters");
    /* A single label: 63 with the flag is fine, 64 is not. */
    size_t one = 63;
    len = build(n, &one, 1);
    OKN(n, len, S);
    one = 64;
    len = build(n, &one, 1);
    BADN(n, len, S, 63);
    /* The length error at octet 64 comes before a bad byte further on. */
    memset(n, 'a', 70);
    n[66] = '*';
    memcpy(n + 70, ".com", 4);
    BADN(n, 74, 0, 63);
    /* ... but a bad byte before octet 64 is reported first. */
    n[66] = 'a';
    n[20] = '*';
    BADN(n, 74, 0, 20);
    /* A trailing hyphen past octet 63 is still a too-long label. */
    n[20] = 'a';
    n[69] = '-';
    BADN(n, 74, 0, 63);
}

/* ---- name length ------------------------------------------------------- */

static void test_name_length(void **state)
{
    (void)state;
    char n[300];
    const size_t lens253[4] = {63, 63, 63, 61}; /* 63*3 + 61 + 3 dots = 253 */
    size_t len = build(n, lens253, 4);
    assert_int_equal(len, 253);
    OKN(n, 253, 0);
    n[253] = '.';
    OKN(n, 254, 0); /* 253 characters plus the trailing dot */

    const size_t lens254[4] = {63, 63, 63, 62};
    len = build(n, lens254, 4);
    assert_int_equal(len, 254);
    BADN(n, 254, 0, 253);
    n[254] = '.';
    BADN(n, 255, 0, 253);

    /* Message, and: the length is judged before anything else in the name. */
    len = build(n, lens254, 4);
    n[0] = '*';
    expect_bad_at(n, 254, 0, 253, "name longer than 253 characters", __FILE__, __LINE__);
    /* Two trailing dots: only one is "the" trailing dot. */
    len = build(n, lens253, 4);
    n[253] = '.';
    n[254] = '.';
    BADN(n, 255, 0, 253);
    /* 252 + two dots: 253 without the last dot, so the empty label is what fails. */
    const size_t lens252[4] = {63, 63, 63, 60};
    len = build(n, lens252, 4);
    assert_int_equal(len, 252);
    n[252] = '.';
    n[253] = '.';
    BADN(n, 254, 0, 253);

    /* Many short labels: 127 one-letter labels are 253 characters. */
    for (size_t i = 0; i < 127; i++) {
        n[2 * i] = 'a';
        n[2 * i + 1] = '.';
    }
    OKN(n, 253, 0);
    OKN(n, 254, 0);
    n[254] = 'b';
    BADN(n, 255, 0, 253);
}

/* ---- label count and the last label ------------------------------------ */

static void test_label_count(void **state)
{
    (void)state;
    BADM("localhost", 0, 0, "name needs at least two labels");
    BAD("localhost.", 0, 0);
    BAD("localhost", U, 0);
    OK("localhost", S);
    OK("localhost.", S);
    OK("LOCALHOST", S | U);
    OK("a.b", 0);
    OK("a", S);
    BAD("a", 0, 0);
    OK("xn--fiqs8s", S);
    BAD("xn--fiqs8s", 0, 0);
}

static void test_last_label_digits(void **state)
{
    (void)state;
    BADM("1.2.3.4", 0, 6, "last label is all digits");
    BAD("1.2.3.4.", 0, 6);
    BAD("203.0.113.10", 0, 10);
    BAD("example.123", 0, 8);
    BAD("example.0", 0, 8);
    OK("example.1a", 0);
    OK("example.a1", 0);
    OK("example.1-1", 0);
    OK("1.2.3.a", 0);
    BAD("example.1_1", 0, 9);
    OK("example.1_1", U);
    BAD("123", S, 0);
    OK("123a", S);
    /* Without the single-label flag, the label count is what is reported. */
    BADM("123", 0, 0, "name needs at least two labels");
}

/* ---- hyphens ----------------------------------------------------------- */

static void test_hyphens(void **state)
{
    (void)state;
    BADM("-a.com", 0, 0, "label starts with a hyphen");
    BADM("a-.com", 0, 1, "label ends with a hyphen");
    BAD("a.-b.com", 0, 2);
    BAD("a.b-.com", 0, 3);
    BAD("a.com-", 0, 5);
    BAD("a.com-.", 0, 5);
    BAD("-.com", 0, 0);
    BAD("--.com", 0, 0);
    BAD("a.-", 0, 2);
    OK("a-b.com", 0);
    OK("a---b.com", 0);
    OK("a.b-c-d", 0);
    /* The first problem in a label wins: a bad byte before a trailing hyphen. */
    BAD("a*-.com", 0, 1);
    BAD("-*.com", 0, 0);
}

/* ---- empty labels and dots --------------------------------------------- */

static void test_empty_labels(void **state)
{
    (void)state;
    BADM(".", 0, 0, "empty label");
    BAD(".", S, 0);
    BAD("..", 0, 0);
    BAD(".com", 0, 0);
    BAD(".example.com", 0, 0);
    BAD("a..b", 0, 2);
    BAD("a..b.", 0, 2);
    BAD("example.com..", 0, 12);
    BAD("a..", S, 2);
    BAD("a...", 0, 2);
}

/* ---- every byte value -------------------------------------------------- */

static void test_every_byte(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        char n[] = "ab?d.example";
        n[2] = (char)c;
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (alnum || c == '-' || c == '.') {
            OKN(n, sizeof n - 1, 0);
        } else if (c == '_') {
            BADN(n, sizeof n - 1, 0, 2);
            OKN(n, sizeof n - 1, U);
        } else {
            BADN(n, sizeof n - 1, 0, 2);
            BADN(n, sizeof n - 1, U | S, 2);
        }
        /* The same byte as the first and as the last character of the name. */
        char m[] = "?b.example";
        m[0] = (char)c;
        char t[] = "a.example?";
        t[9] = (char)c;
        if (alnum) {
            OKN(m, sizeof m - 1, 0);
            OKN(t, sizeof t - 1, 0);
        } else if (c == '-') {
            BADN(m, sizeof m - 1, 0, 0);
            BADN(t, sizeof t - 1, 0, 9);
        } else if (c == '.') {
            BADN(m, sizeof m - 1, 0, 0); /* empty first label */
            OKN(t, sizeof t - 1, 0);     /* the trailing dot */
        } else if (c == '_') {
            BADN(m, sizeof m - 1, 0, 0);
            BADN(t, sizeof t - 1, 0, 9);
            OKN(m, sizeof m - 1, U);
            OKN(t, sizeof t - 1, U);
        } else {
            BADN(m, sizeof m - 1, U, 0);
            BADN(t, sizeof t - 1, U, 9);
        }
    }
}

static void test_forbidden_messages(void **state)
{
    (void)state;
    expect_bad_at("a\0b.com", 7, 0, 1, "NUL byte in name", __FILE__, __LINE__);
    BADM("a\\.b.com", 0, 1, "escape sequences ('\\') are not allowed in a name");
    BADM("a\\046b.com", 0, 1, "escape sequences ('\\') are not allowed in a name");
    BADM("*.example.com", 0, 0, "wildcard '*' is not allowed in a name");
    BADM("a.*.com", 0, 2, "wildcard '*' is not allowed in a name");
    BADM("mail example.com", 0, 4, "space in name");
    BADM(" example.com", 0, 0, "space in name");
    BADM("example.com ", 0, 11, "space in name");
    BADM("_dmarc.example.com", 0, 0,
         "underscore in name (allowed only with PTR_NAME_ALLOW_UNDERSCORE)");
    BADM("b\xc3\xbc"
         "cher.de",
         0, 1, "non-ASCII byte in name (internationalized names must be xn-- A-labels)");
    BAD("\xff.com", 0, 0);
    BAD("\x80.com", 0, 0);
    BADM("a\tb.com", 0, 1, "control character in name");
    BADM("a\x7f"
         "b.com",
         0, 1, "control character in name");
    BADM("user@example.com", 0, 4,
         "invalid character in name (only letters, digits, '-' and '.' are allowed)");
    BAD("a/b.com", 0, 1);
    BAD("a:b.com", 0, 1);
    BAD("a@b.com", 0, 1);
    BAD("[::1].com", 0, 0);
}

/* ---- underscores ------------------------------------------------------- */

static void test_underscore(void **state)
{
    (void)state;
    BAD("_dmarc.example.com", 0, 0);
    OK("_dmarc.example.com", U);
    BAD("a_b.com", 0, 1);
    OK("a_b.com", U);
    OK("_.com", U);
    OK("a_.com", U);
    OK("_25._tcp.mail.example.com", U);
    BAD("a.b_", 0, 3);
    OK("a.b_", U);
    OK("a.__", U);
    OK("_", U | S);
    BAD("_", S, 0);
    /* The flag does not relax the hyphen rules. */
    BAD("_a.-b", U, 3);
}

/* ---- lengths, NULs and buffers that are not strings -------------------- */

static void test_not_terminated(void **state)
{
    (void)state;
    const char buf[] = "example.com*garbage";
    OKN(buf, 11, 0);
    BADN(buf, 12, 0, 11);
    OKN("example.com..", 12, 0);
    BADN("example.com..", 13, 0, 12);
    BADN("example.com.", 3, 0, 0); /* "exa": one label */
    OKN("example.com.", 3, S);
    BADN("example.com\0", 12, 0, 11);
    BADN("\0example.com", 12, 0, 0);
    BADN("example\0.com", 12, 0, 7);
    BADN("example.c\0om", 12, 0, 9);

    char n[16];
    memcpy(n, "www.example.org!", 16); /* no NUL anywhere */
    OKN(n, 15, 0);
    BADN(n, 16, 0, 15);
}

/* ---- A-labels ---------------------------------------------------------- */

static void test_a_labels(void **state)
{
    (void)state;
    OK("xn--bcher-kva.de", 0);
    OK("www.xn--mnchen-3ya.de", 0);
    OK("xn--fiqs8s.xn--fiqs8s", 0);
    OK("XN--BCHER-KVA.DE", 0);
    OK("Xn--bcher-kva.de", 0);
    OK("xN--bcher-KVA.de.", 0);
    OK("mail.xn--egbpdaj6bu4bxfgehfvwxn.example", 0);
    OK("xn--Proprostnemluvesky-uyb24dma41a.cz", 0);
    OK("xn---with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n.jp", 0);
    OK("xn--Hello-Another-Way--fc4qua05auwb3674vfr0b.jp", 0);
    OK("xn--bcher-kva.de", U);

    /* "xn--" with nothing, or ASCII only, ends in a hyphen: that rule fires first. */
    BADM("xn--.com", 0, 3, "label ends with a hyphen");
    BAD("xn--abc-.com", 0, 7);
    BAD("a.xn--", 0, 5);

    BADM("xn--99999999999a.com", 0, 0, "xn-- label overflows while decoding Punycode");
    BAD("www.xn--99999999999a.com", 0, 4);
    BADM("xn---kva.com", 0, 0, "xn-- label has an invalid Punycode digit");
    BADM("xn--bcher-kv.de", 0, 0, "xn-- label ends inside a Punycode number");
    BADM("xn--ib9b.com", 0, 0, "xn-- label decodes to an invalid code point");
    BAD("xn--en32g.com", 0, 0);
    OK("xn--dn32g.com", 0);
    BADM("xn--a_b-kva.com", U, 0, "xn-- label has a non-LDH basic character");
    BAD("xn--a_b-kva.com", 0, 5);
    BAD("xn--bcher-kv_.com", U, 0);
    BAD("example.XN--99999999999A", 0, 8);
    /* Punycode is judged per label, after the label's own syntax. */
    BAD("xn--99999999999a-.com", 0, 16);
    BAD("xn--99*.com", 0, 6);
    /*
     * Valid Punycode for C1 controls: "xn--a" is U+0080, "xn--abc" holds
     * U+0080..U+0082 (found by the hostile-input suite). "xn--6a" is U+00A0,
     * the first code point after them.
     */
    BADM("xn--a.example.com", 0, 0, "xn-- label decodes to a control character");
    BAD("mail.xn--abc.example.com", 0, 5);
    OK("xn--6a.example.com", 0);

    /* A 63-octet A-label, and one octet more. */
    char n[100];
    memcpy(n, "xn--", 4);
    memset(n + 4, 'a', 55);
    memcpy(n + 59, "-8yf.com", 8);
    OKN(n, 67, 0);
    memset(n + 4, 'a', 56);
    memcpy(n + 60, "-t2f.com", 8);
    BADN(n, 68, 0, 63);
}

/* ---- normalization ----------------------------------------------------- */

static void expect_norm(const char *in, size_t len, unsigned flags, const char *want)
{
    char *s = dup_exact(in, len);
    char buf[PTR_NAME_BUFSZ];
    size_t out_len = 0;
    ptr_error e;
    poison(&e);
    assert_status(ptr_name_normalize(s, len, flags, buf, sizeof buf, &out_len, &e), PTR_OK);
    assert_true(is_poisoned(&e));
    assert_string_equal(buf, want);
    assert_int_equal(out_len, strlen(want));
    /* The normal form passes the check and is a fixed point. */
    assert_status(ptr_name_check(buf, out_len, flags, NULL), PTR_OK);
    char again[PTR_NAME_BUFSZ];
    size_t again_len = 0;
    assert_status(ptr_name_normalize(buf, out_len, flags, again, sizeof again, &again_len, NULL),
                  PTR_OK);
    assert_int_equal(again_len, out_len);
    assert_string_equal(again, buf);
    free(s);
}

#define NORM(lit, flags, want) expect_norm(PTR_LIT(lit), (flags), (want))

static void test_normalize(void **state)
{
    (void)state;
    NORM("Mail.Example.COM", 0, "mail.example.com.");
    NORM("mail.example.com.", 0, "mail.example.com.");
    NORM("MAIL.EXAMPLE.COM.", 0, "mail.example.com.");
    NORM("a.b", 0, "a.b.");
    NORM("XN--BCHER-KVA.DE", 0, "xn--bcher-kva.de.");
    NORM("_DMARC.Example.com", U, "_dmarc.example.com.");
    NORM("LocalHost", S, "localhost.");
    NORM("localhost.", S, "localhost.");
    NORM("A-1.B-2", 0, "a-1.b-2.");
    /* Only the bytes up to len. */
    expect_norm("Example.COM.trailing", 11, 0, "example.com.");
}

static void test_normalize_buffer(void **state)
{
    (void)state;
    char buf[PTR_NAME_BUFSZ + 8];
    size_t out_len;
    ptr_error e;

    /* "example.com" needs 12 characters ("example.com.") and 13 bytes. */
    for (size_t cap = 0; cap <= 12; cap++) {
        memset(buf, 0x5A, sizeof buf);
        out_len = 0;
        assert_status(ptr_name_normalize(PTR_LIT("Example.com"), 0, buf, cap, &out_len, &e),
                      PTR_E_BUFFER);
        assert_error(&e, PTR_E_BUFFER, PTR_FIELD_NONE, 0, 0);
        assert_string_equal(e.message, "output buffer too small: 13 bytes needed");
        assert_int_equal(out_len, 12);
        for (size_t i = 0; i < sizeof buf; i++)
            assert_int_equal(buf[i], 0x5A);
    }
    /* The same with the dot already there: same need. */
    out_len = 0;
    assert_status(ptr_name_normalize(PTR_LIT("example.com."), 0, buf, 12, &out_len, NULL),
                  PTR_E_BUFFER);
    assert_int_equal(out_len, 12);

    memset(buf, 0x5A, sizeof buf);
    assert_status(ptr_name_normalize(PTR_LIT("Example.com"), 0, buf, 13, &out_len, &e), PTR_OK);
    assert_int_equal(out_len, 12);
    assert_memory_equal(buf, "example.com.", 13);
    assert_int_equal(buf[13], 0x5A); /* nothing beyond the NUL */

    /* out_len may be NULL. */
    assert_status(ptr_name_normalize(PTR_LIT("Example.com"), 0, buf, 13, NULL, NULL), PTR_OK);
    assert_string_equal(buf, "example.com.");
    assert_status(ptr_name_normalize(PTR_LIT("Example.com"), 0, buf, 12, NULL, NULL), PTR_E_BUFFER);

    /* A name validation failure is reported even when the buffer is too small. */
    assert_status(ptr_name_normalize(PTR_LIT("bad_name.com"), 0, buf, 0, &out_len, &e), PTR_E_NAME);
    assert_error(&e, PTR_E_NAME, PTR_FIELD_NAME, 0, 3);

    /* PTR_NAME_BUFSZ is enough for the longest name, with or without its dot. */
    char n[300];
    const size_t lens[4] = {63, 63, 63, 61};
    size_t len = build(n, lens, 4);
    n[0] = 'A';
    char *big = malloc(PTR_NAME_BUFSZ);
    assert_non_null(big);
    assert_status(ptr_name_normalize(n, len, 0, big, PTR_NAME_BUFSZ, &out_len, NULL), PTR_OK);
    assert_int_equal(out_len, 254);
    assert_int_equal(big[0], 'a');
    assert_int_equal(big[253], '.');
    assert_int_equal(big[254], '\0');
    n[len] = '.';
    assert_status(ptr_name_normalize(n, len + 1, 0, big, PTR_NAME_BUFSZ, &out_len, NULL), PTR_OK);
    assert_int_equal(out_len, 254);
    assert_status(ptr_name_normalize(n, len + 1, 0, big, PTR_NAME_BUFSZ - 1, &out_len, NULL),
                  PTR_E_BUFFER);
    assert_int_equal(out_len, 254);
    free(big);
}

/* ---- property test against a reference model --------------------------- */

/*
 * The rules restated the slow way: split on dots, then give each label the
 * lowest offset among its problems. Returns 1 to accept, else 0 and *off.
 */
static int ref_check(const unsigned char *s, size_t len, unsigned flags, size_t *off)
{
    if (len == 0)
        return *off = 0, 0;
    size_t end = len;
    if (s[len - 1] == '.')
        end--;
    if (end > 253)
        return *off = 253, 0;

    size_t a = 0, labels = 0, last = 0;
    for (;;) {
        size_t b = a;
        while (b < end && s[b] != '.')
            b++;
        size_t worst = SIZE_MAX;
        for (size_t j = a; j < b && worst == SIZE_MAX; j++) {
            unsigned char c = s[j];
            int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || (c == '_' && (flags & U));
            if (!ok)
                worst = j;
        }
        if (b == a)
            worst = a;
        else if (s[a] == '-')
            worst = a;
        if (b - a > 63 && a + 63 < worst)
            worst = a + 63;
        if (b > a && s[b - 1] == '-' && b - 1 < worst)
            worst = b - 1;
        if (worst != SIZE_MAX)
            return *off = worst, 0;
        if (b - a >= 4 && (s[a] == 'x' || s[a] == 'X') && (s[a + 1] == 'n' || s[a + 1] == 'N') &&
            s[a + 2] == '-' && s[a + 3] == '-') {
            uint32_t cps[PTR__PUNYCODE_MAXCP];
            size_t n;
            if (ptr__punycode_decode((const char *)s + a + 4, b - a - 4, cps, &n) != PTR__PUNY_OK)
                return *off = a, 0;
            for (size_t k = 0; k < n; k++)
                if (cps[k] >= 0x80u && cps[k] <= 0x9Fu) /* C1 controls */
                    return *off = a, 0;
        }
        labels++;
        last = a;
        if (b >= end)
            break;
        a = b + 1;
    }
    if (labels < 2 && !(flags & S))
        return *off = last, 0;
    int all_digits = 1;
    for (size_t j = last; j < end; j++)
        all_digits &= s[j] >= '0' && s[j] <= '9';
    if (all_digits)
        return *off = last, 0;
    return 1;
}

static const char *const a_labels[] = {
    "xn--bcher-kva", "XN--BCHER-KVA", "xn--fiqs8s",  "xn--mnchen-3ya", "xn--99999999999a",
    "xn--abc-",      "xn---kva",      "xn--a",       "xn--ib9b",       "xn--dn32g",
    "xn--",          "ab--cd",        "xn--a_b-kva",
};

static size_t gen_name(uint64_t *st, unsigned char *out)
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static const unsigned char odd[] = {'-',  '-',  '-',  '.', '.',  '_',  '_', '*',
                                        0x80, 0xC3, 0xFF, ' ', '\\', '\0', '@', 0x7F};
    const uint64_t mode = ptr_test_rand(st) % 10;
    const size_t target = mode < 6   ? (size_t)(ptr_test_rand(st) % 24)
                          : mode < 9 ? (size_t)(ptr_test_rand(st) % 90)
                                     : 230 + (size_t)(ptr_test_rand(st) % 40);
    const unsigned odd_pct = (unsigned)(ptr_test_rand(st) % 8); /* per-name noise level */
    size_t len = 0;
    while (len < target && len < 280) {
        if (ptr_test_rand(st) % 8 == 0) {
            const char *l = a_labels[ptr_test_rand(st) % (sizeof a_labels / sizeof *a_labels)];
            size_t n = strlen(l);
            memcpy(out + len, l, n);
            len += n;
        } else {
            size_t n = mode == 9 ? 40 + (size_t)(ptr_test_rand(st) % 30)
                                 : 1 + (size_t)(ptr_test_rand(st) % 10);
            for (size_t i = 0; i < n && len < 290; i++) {
                if (ptr_test_rand(st) % 100 < odd_pct)
                    out[len++] = odd[ptr_test_rand(st) % sizeof odd];
                else
                    out[len++] = (unsigned char)alpha[ptr_test_rand(st) % (sizeof alpha - 1)];
            }
        }
        if (len < target)
            out[len++] = '.';
    }
    if (len > 0 && ptr_test_rand(st) % 2)
        out[len++] = '.';
    return len;
}

static void test_property(void **state)
{
    (void)state;
    uint64_t st = 0x9E3779B97F4A7C15ULL;
    unsigned char raw[300];
    size_t accepted = 0, rejected = 0, long_ok = 0;
    const size_t rounds = 200000;

    for (size_t round = 0; round < rounds; round++) {
        const size_t len = gen_name(&st, raw);
        const unsigned flags = (unsigned)(ptr_test_rand(&st) % 4);
        char *s = dup_exact((const char *)raw, len);

        ptr_error e1, e2;
        memset(&e1, 0, sizeof e1);
        memset(&e2, 0, sizeof e2);
        const ptr_status c = ptr_name_check(s, len, flags, &e1);

        size_t ref_off = 0;
        const int ref_ok = ref_check(raw, len, flags, &ref_off);
        if (ref_ok != (c == PTR_OK) || (!ref_ok && e1.offset != ref_off)) {
            print_error("round %zu \"%.*s\" flags %u: check %s at %zu (%s), model %s at %zu\n",
                        round, (int)len, s, flags, ptr_status_name(c), e1.offset, e1.message,
                        ref_ok ? "accepts" : "rejects", ref_off);
            fail();
        }

        char buf[PTR_NAME_BUFSZ];
        size_t out_len = 999;
        const ptr_status nst = ptr_name_normalize(s, len, flags, buf, sizeof buf, &out_len, &e2);
        assert_int_equal(nst, c);
        if (c != PTR_OK) {
            assert_int_equal(c, PTR_E_NAME);
            assert_memory_equal(&e1, &e2, sizeof e1);
            assert_int_equal(out_len, 999);
            rejected++;
        } else {
            accepted++;
            long_ok += len > 200;
            /* Lower case of the input, one trailing dot. */
            const size_t body = raw[len - 1] == '.' ? len - 1 : len;
            assert_int_equal(out_len, body + 1);
            assert_int_equal(strlen(buf), out_len);
            for (size_t i = 0; i < body; i++) {
                const unsigned char want =
                    (unsigned char)(raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] | 0x20 : raw[i]);
                assert_int_equal((unsigned char)buf[i], want);
            }
            assert_int_equal(buf[body], '.');
            assert_status(ptr_name_check(buf, out_len, flags, NULL), PTR_OK);
            char again[PTR_NAME_BUFSZ];
            size_t again_len = 0;
            assert_status(
                ptr_name_normalize(buf, out_len, flags, again, sizeof again, &again_len, NULL),
                PTR_OK);
            assert_int_equal(again_len, out_len);
            assert_memory_equal(again, buf, out_len + 1);
        }
        free(s);
    }
    /* The generator must exercise both outcomes, long names included. */
    assert_true(accepted > rounds / 10);
    assert_true(rejected > rounds / 10);
    assert_true(long_ok > 100);
}

/*
 * Every length around the checker's blocks of 8 and 16 bytes (1..70), labels
 * of several lengths, and at every position either one byte replaced by one
 * that matters to a label rule or to a range test (some with bit 7 set), or
 * the bytes from there by a pair of hyphens or dots or an "xn--" prefix (cut
 * at the end of the name): the verdict and the offset match the model, for
 * all flags. Copies of exact length catch a read past the end.
 */
static void test_block_boundaries(void **state)
{
    (void)state;
    static const unsigned char subst[] = {
        '-', '.',  '_',  '0',  '9',  'A',  'Z',  'a',  'z',  ' ',  '/',  ':',  '@',  '`',  '[',
        '{', '\\', '\0', 0x0D, 0x0E, 0x7F, 0xAD, 0xAE, 0xB0, 0xC1, 0xDF, 0xE1, 0xFA, 0xFF,
    };
    static const char *const runs[] = {"--", "..", "-.", ".-", "xn--", "Xn--9ca"};
    static const size_t label_lens[] = {1, 2, 3, 7, 8, 15, 63};
    unsigned char base[80], n[80];
    size_t checked = 0;
    for (size_t len = 1; len <= 70; len++) {
        for (size_t li = 0; li < sizeof label_lens / sizeof *label_lens; li++) {
            const size_t k = label_lens[li];
            for (size_t i = 0; i < len; i++)
                base[i] = i % (k + 1) == k ? '.' : (unsigned char)('a' + i % 26);
            if (base[len - 1] == '.')
                base[len - 1] = 'z';
            for (size_t pos = 0; pos < len; pos++) {
                for (size_t v = 0; v < sizeof subst + sizeof runs / sizeof *runs; v++) {
                    memcpy(n, base, len);
                    if (v < sizeof subst) {
                        n[pos] = subst[v];
                    } else {
                        const char *r = runs[v - sizeof subst];
                        const size_t rlen = strlen(r);
                        memcpy(n + pos, r, pos + rlen <= len ? rlen : len - pos);
                    }
                    for (unsigned flags = 0; flags < 4; flags++) {
                        char *s = dup_exact((const char *)n, len);
                        ptr_error e;
                        memset(&e, 0, sizeof e);
                        const ptr_status st = ptr_name_check(s, len, flags, &e);
                        size_t off = 0;
                        const int ok = ref_check(n, len, flags, &off);
                        if (ok != (st == PTR_OK) || (!ok && e.offset != off)) {
                            print_error(
                                "\"%.*s\" flags %u: check %s at %zu (%s), model %s at %zu\n",
                                (int)len, s, flags, ptr_status_name(st), e.offset, e.message,
                                ok ? "accepts" : "rejects", off);
                            fail();
                        }
                        free(s);
                        checked++;
                    }
                }
            }
        }
    }
    assert_true(checked > 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bufsz),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_label_length),
        cmocka_unit_test(test_name_length),
        cmocka_unit_test(test_label_count),
        cmocka_unit_test(test_last_label_digits),
        cmocka_unit_test(test_hyphens),
        cmocka_unit_test(test_empty_labels),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_forbidden_messages),
        cmocka_unit_test(test_underscore),
        cmocka_unit_test(test_not_terminated),
        cmocka_unit_test(test_a_labels),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_normalize_buffer),
        cmocka_unit_test(test_property),
        cmocka_unit_test(test_block_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
