/*
 * util/wordwise.h: each job's fast variant against its scalar one, on every
 * length 0..64 and every byte value at every position of a few base texts,
 * then on random texts. Texts sit at the end of a heap block of exactly their
 * length, so that a read past them is caught by AddressSanitizer and valgrind.
 */
#include "ptr_test.h"

#include <stdlib.h>

#include "util/wordwise.h"

#define MAXLEN 64

static uint64_t rng = 0x9e3779b97f4a7c15u;

/* xorshift64: reproducible texts without libc's rand(). */
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A copy of base[0..n) in a heap block of exactly n bytes (one when n is 0). */
static unsigned char *exact_copy(const unsigned char *base, size_t n)
{
    unsigned char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, base, n);
    return p;
}

/* A text of n bytes drawn from alphabet, with one byte in sixteen drawn from all 256. */
static void random_text(unsigned char *t, size_t n, const char *alphabet)
{
    const size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++) {
        const uint64_t r = next_rand();
        t[i] = (r & 15) == 0 ? (unsigned char)(r >> 8) : (unsigned char)alphabet[(r >> 8) % k];
    }
}

/* A check of one text: compares the variants of one job on s[0..n), failing with the text. */
typedef void (*text_check)(const unsigned char *s, size_t n);

static void fail_text(const char *job, const unsigned char *s, size_t n)
{
    print_error("%s: variants differ on %zu bytes:", job, n);
    for (size_t i = 0; i < n; i++)
        print_error(" %02x", s[i]);
    print_error("\n");
    fail();
}

/*
 * Every length 0..64 of each base (cycled to the length), every byte value at
 * every position, then random texts from the alphabet.
 */
static void each_text(text_check check, const char *const *bases, size_t nbases,
                      const char *alphabet)
{
    unsigned char t[MAXLEN];
    for (size_t b = 0; b < nbases; b++) {
        const size_t blen = strlen(bases[b]);
        for (size_t n = 0; n <= MAXLEN; n++) {
            for (size_t i = 0; i < n; i++)
                t[i] = (unsigned char)bases[b][i % blen];
            unsigned char *s = exact_copy(t, n);
            check(s, n);
            for (size_t at = 0; at < n; at++) {
                for (unsigned v = 0; v < 256; v++) {
                    s[at] = (unsigned char)v;
                    check(s, n);
                }
                s[at] = t[at];
            }
            free(s);
        }
    }
    for (size_t n = 0; n <= MAXLEN; n++) {
        for (unsigned r = 0; r < 2000; r++) {
            random_text(t, n, alphabet);
            unsigned char *s = exact_copy(t, n);
            check(s, n);
            free(s);
        }
    }
}

/* ---- popcount, lowest_bit ----------------------------------------------- */

static void check_bits(uint64_t x)
{
    assert_int_equal(ptr__ww_popcount_fast(x), ptr__ww_popcount_scalar(x));
    if (x) {
        assert_int_equal(ptr__ww_lowest_bit_fast(x), ptr__ww_lowest_bit_scalar(x));
        assert_true((x >> ptr__ww_lowest_bit_scalar(x) & 1) != 0);
    }
}

static void test_bits(void **state)
{
    (void)state;
    assert_int_equal(ptr__ww_popcount_scalar(0), 0);
    assert_int_equal(ptr__ww_popcount_scalar(~UINT64_C(0)), 64);
    for (unsigned n = 0; n <= 64; n++) {
        const uint64_t low = n == 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
        check_bits(low);
        check_bits(~low);
        assert_int_equal(ptr__ww_popcount_scalar(low), n);
        if (n < 64) {
            check_bits(UINT64_C(1) << n);
            assert_int_equal(ptr__ww_lowest_bit_scalar(UINT64_C(1) << n), n);
            assert_int_equal(ptr__ww_lowest_bit_scalar(~low), n);
        }
    }
    for (unsigned r = 0; r < 100000; r++)
        check_bits(next_rand() & next_rand());
}

/* ---- printable_span --------------------------------------------------------- */

static void check_printable(const unsigned char *s, size_t n)
{
    const size_t want = ptr__ww_printable_span_scalar(s, n);
    if (ptr__ww_printable_span_fast(s, n) != want)
        fail_text("printable_span", s, n);
    /* The scalar variant is the definition: a prefix of 0x20..0x7E, then not one. */
    for (size_t i = 0; i < want; i++)
        assert_true(s[i] >= 0x20 && s[i] <= 0x7E);
    if (want < n)
        assert_false(s[want] >= 0x20 && s[want] <= 0x7E);
}

static void test_printable_span(void **state)
{
    (void)state;
    static const char *const bases[] = {"Hello, world! ~ 0123456789", " ~"};
    each_text(check_printable, bases, 2, "a ~\x7f\x1f\x80\xc3\xa9");
}

/* ---- hex_colon -------------------------------------------------------------- */

static void check_hex_colon(const unsigned char *s, size_t n)
{
    uint64_t want_colons, colons;
    const int want = ptr__ww_hex_colon_scalar(s, n, &want_colons);
    if (ptr__ww_hex_colon_fast(s, n, &colons) != want || (want && colons != want_colons))
        fail_text("hex_colon", s, n);
}

static void test_hex_colon(void **state)
{
    (void)state;
    static const char *const bases[] = {"2001:db8:0:Ff::1:", "0123456789abcdefABCDEF:"};
    each_text(check_hex_colon, bases, 2, "09afAF:gG/@`.");
    /* The definition, on a few texts. */
    uint64_t c;
    assert_int_equal(ptr__ww_hex_colon_scalar((const unsigned char *)"1:2::aF", 7, &c), 1);
    assert_int_equal(c, 0x1au);
    assert_int_equal(ptr__ww_hex_colon_scalar((const unsigned char *)"1:g", 3, &c), 0);
}

/* ---- name_classes ----------------------------------------------------------- */

static int underscore_flag;

static void check_name_classes(const unsigned char *s, size_t n)
{
    ptr__ww_name_masks want, got;
    ptr__ww_name_classes_scalar(s, n, underscore_flag, &want);
    ptr__ww_name_classes_fast(s, n, underscore_flag, &got);
    if (got.ok != want.ok || got.dot != want.dot || got.hyphen != want.hyphen ||
        got.digit != want.digit)
        fail_text(underscore_flag ? "name_classes (underscore)" : "name_classes", s, n);
}

static void test_name_classes(void **state)
{
    (void)state;
    static const char *const bases[] = {"www.example-1.COM.", "a_b9.xn--z-q.Zz"};
    for (underscore_flag = 0; underscore_flag < 2; underscore_flag++)
        each_text(check_name_classes, bases, 2, "azAZ09-._@[`{/:");

    /* The definition, on one text. */
    ptr__ww_name_masks m;
    ptr__ww_name_classes_scalar((const unsigned char *)"a-9._Z!", 7, 0, &m);
    assert_int_equal(m.ok, 0x2fu);
    assert_int_equal(m.dot, 0x08u);
    assert_int_equal(m.hyphen, 0x02u);
    assert_int_equal(m.digit, 0x04u);
    ptr__ww_name_classes_scalar((const unsigned char *)"a-9._Z!", 7, 1, &m);
    assert_int_equal(m.ok, 0x3fu);
}

/* ---- hex_groups ------------------------------------------------------------- */

static void check_groups(const uint32_t w[8])
{
    uint64_t lo, hi, want_lo, want_hi;
    ptr__ww_hex_groups_scalar(w, &want_lo, &want_hi);
    ptr__ww_hex_groups_fast(w, &lo, &hi);
    if (lo != want_lo || hi != want_hi) {
        print_error("hex_groups: variants differ on %08x %08x %08x %08x %08x %08x %08x %08x\n",
                    w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
        fail();
    }
}

static void test_hex_groups(void **state)
{
    (void)state;
    /* Every byte a group word may hold, at every byte of the eight words. */
    static const char digits[] = "0123456789abcdefABCDEF";
    unsigned char allowed[sizeof digits];
    allowed[0] = 0;
    memcpy(allowed + 1, digits, sizeof digits - 1);
    uint32_t base[8];
    for (unsigned k = 0; k < 8; k++)
        base[k] = ptr__ww_load_le32((const unsigned char *)"9aF0" + (k % 2));
    for (unsigned at = 0; at < 32; at++) {
        for (size_t v = 0; v < sizeof allowed; v++) {
            uint32_t w[8];
            memcpy(w, base, sizeof w);
            w[at / 4] = (w[at / 4] & ~(0xffu << (8 * (at % 4)))) | (uint32_t)allowed[v]
                                                                       << (8 * (at % 4));
            check_groups(w);
        }
    }
    for (unsigned r = 0; r < 100000; r++) {
        uint32_t w[8];
        for (unsigned k = 0; k < 8; k++) {
            unsigned char b[4];
            for (unsigned j = 0; j < 4; j++)
                b[j] = allowed[next_rand() % sizeof allowed];
            w[k] = ptr__ww_load_le32(b);
        }
        check_groups(w);
    }
    /* The definition: "2001:0db8:...:00ff" with the short groups' zero bytes. */
    const uint32_t w[8] = {ptr__ww_load_le32((const unsigned char *)"2001"),
                           ptr__ww_load_le32((const unsigned char *)"0dB8"),
                           0,
                           0,
                           0,
                           0,
                           0,
                           (uint32_t)'f' << 24 | (uint32_t)'F' << 16};
    uint64_t lo, hi;
    ptr__ww_hex_groups_scalar(w, &lo, &hi);
    assert_int_equal(lo, UINT64_C(0xb80d0120));
    assert_int_equal(hi, UINT64_C(0xff00000000000000));
}

/* ---- octet_dot, dot_octet ---------------------------------------------------- */

static void check_octets(const unsigned char p[4])
{
    unsigned n1 = 99, n2 = 99, m1 = 99, m2 = 99;
    const int a = ptr__ww_octet_dot_fast(p, &n1), b = ptr__ww_octet_dot_scalar(p, &n2);
    const int c = ptr__ww_dot_octet_fast(p, &m1), d = ptr__ww_dot_octet_scalar(p, &m2);
    if (a != b || n1 != n2 || c != d || m1 != m2) {
        print_error("octets: variants differ on %02x %02x %02x %02x: %d/%u %d/%u, %d/%u %d/%u\n",
                    p[0], p[1], p[2], p[3], a, n1, b, n2, c, m1, d, m2);
        fail();
    }
}

static void test_octets(void **state)
{
    (void)state;
    /* Every text of four digits and dots; then every byte value at every position
     * of those made of the digits that matter at the limits (0, 1, 2, 5, 6, 9). */
    static const char alphabet[] = "0123456789.", edges[] = "012569.";
    const unsigned k = sizeof alphabet - 1, e = sizeof edges - 1;
    for (unsigned i = 0; i < k * k * k * k; i++) {
        unsigned char p[4];
        for (unsigned j = 0, x = i; j < 4; j++, x /= k)
            p[j] = (unsigned char)alphabet[x % k];
        check_octets(p);
    }
    for (unsigned i = 0; i < e * e * e * e; i++) {
        unsigned char p[4];
        for (unsigned j = 0, x = i; j < 4; j++, x /= e)
            p[j] = (unsigned char)edges[x % e];
        for (unsigned at = 0; at < 4; at++) {
            unsigned char q[4];
            memcpy(q, p, 4);
            for (unsigned v = 0; v < 256; v++) {
                q[at] = (unsigned char)v;
                check_octets(q);
            }
        }
    }
    /* The definition, on a few texts. */
    unsigned n = 0;
    assert_int_equal(ptr__ww_octet_dot_scalar((const unsigned char *)"255.", &n), 255);
    assert_int_equal(n, 3);
    assert_int_equal(ptr__ww_octet_dot_scalar((const unsigned char *)"0.1.", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ptr__ww_octet_dot_scalar((const unsigned char *)"256.", &n), -1);
    assert_int_equal(ptr__ww_octet_dot_scalar((const unsigned char *)"01.2", &n), -1);
    assert_int_equal(ptr__ww_octet_dot_scalar((const unsigned char *)"1234", &n), -1);
    assert_int_equal(ptr__ww_dot_octet_scalar((const unsigned char *)"1.37", &n), 37);
    assert_int_equal(n, 2);
    assert_int_equal(ptr__ww_dot_octet_scalar((const unsigned char *)".200", &n), 200);
    assert_int_equal(n, 3);
    assert_int_equal(ptr__ww_dot_octet_scalar((const unsigned char *)"1.09", &n), -1);
    assert_int_equal(ptr__ww_dot_octet_scalar((const unsigned char *)"123.", &n), -1);
}

/* The library runs the variant its build asked for (PTR_WORDWISE). */
static void test_selected_variant(void **state)
{
    (void)state;
#if defined(PTR_WORDWISE_SCALAR)
    assert_string_equal(ptr__ww_variant(), "scalar");
#else
    assert_string_equal(ptr__ww_variant(), "fast");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_printable_span),
        cmocka_unit_test(test_hex_colon),
        cmocka_unit_test(test_name_classes),
        cmocka_unit_test(test_hex_groups),
        cmocka_unit_test(test_octets),
        cmocka_unit_test(test_selected_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
