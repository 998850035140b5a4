/*
 * Punycode decoder (RFC 3492): the §7.1 sample strings, every refusal, and
 * both sides of each limit. Expected code points were obtained by decoding
 * each string with an independent implementation (CPython's "punycode"
 * codec) and agree with the code points listed in RFC 3492 §7.1.
 */
#include "ptr_test.h"

#include "name/punycode.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void expect_cps(const char *in, size_t len, const uint32_t *want, size_t nwant)
{
    uint32_t out[PTR__PUNYCODE_MAXCP];
    size_t n = 12345;
    ptr__puny_result r = ptr__punycode_decode(in, len, out, &n);
    if (r != PTR__PUNY_OK)
        print_error("decoding \"%.*s\" gave %d\n", (int)len, in, (int)r);
    assert_int_equal(r, PTR__PUNY_OK);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) {
        if (out[i] != want[i])
            print_error("\"%.*s\"[%zu]: U+%04X, want U+%04X\n", (int)len, in, i, (unsigned)out[i],
                        (unsigned)want[i]);
        assert_int_equal(out[i], want[i]);
    }
}

#define EXPECT(lit, ...)                                                                           \
    do {                                                                                           \
        static const uint32_t want_[] = {__VA_ARGS__};                                             \
        expect_cps(PTR_LIT(lit), want_, N_OF(want_));                                              \
    } while (0)

static void expect_fail(const char *in, size_t len, ptr__puny_result want)
{
    uint32_t out[PTR__PUNYCODE_MAXCP];
    size_t n = 12345;
    ptr__puny_result r = ptr__punycode_decode(in, len, out, &n);
    if (r != want)
        print_error("decoding \"%.*s\" gave %d, want %d\n", (int)len, in, (int)r, (int)want);
    assert_int_equal(r, want);
    assert_int_equal(n, 12345); /* untouched on failure */
}

#define FAIL(lit, want) expect_fail(PTR_LIT(lit), (want))

static void test_common_labels(void **state)
{
    (void)state;
    EXPECT("bcher-kva", 0x62, 0xFC, 0x63, 0x68, 0x65, 0x72);        /* bücher */
    EXPECT("mnchen-3ya", 0x6D, 0xFC, 0x6E, 0x63, 0x68, 0x65, 0x6E); /* münchen */
    EXPECT("fiqs8s", 0x4E2D, 0x56FD);                               /* 中国 */
    EXPECT("a", 0x80);                                              /* smallest delta */
}

static void test_case_insensitive(void **state)
{
    (void)state;
    /* Digits are case-insensitive; basic code points keep their case (RFC 3492 §5, §7.1). */
    EXPECT("BCHER-KVA", 0x42, 0xFC, 0x43, 0x48, 0x45, 0x52);
    EXPECT("bcher-KvA", 0x62, 0xFC, 0x63, 0x68, 0x65, 0x72);
    EXPECT("FIQS8S", 0x4E2D, 0x56FD);
}

/* RFC 3492 §7.1, samples (A) to (R). */
static void test_rfc3492_samples(void **state)
{
    (void)state;
    EXPECT("egbpdaj6bu4bxfgehfvwxn", 0x644, 0x64A, 0x647, 0x645, 0x627, 0x628, 0x62A, 0x643, 0x644,
           0x645, 0x648, 0x634, 0x639, 0x631, 0x628, 0x64A, 0x61F);
    EXPECT("ihqwcrb4cv8a8dqg056pqjye", 0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4,
           0x4E2D, 0x6587);
    EXPECT("ihqwctvzc91f659drss3x8bo0yb", 0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA,
           0x4E2D, 0x6587);
    EXPECT("Proprostnemluvesky-uyb24dma41a", 0x50, 0x72, 0x6F, 0x10D, 0x70, 0x72, 0x6F, 0x73, 0x74,
           0x11B, 0x6E, 0x65, 0x6D, 0x6C, 0x75, 0x76, 0xED, 0x10D, 0x65, 0x73, 0x6B, 0x79);
    EXPECT("4dbcagdahymbxekheh6e0a7fei0b", 0x5DC, 0x5DE, 0x5D4, 0x5D4, 0x5DD, 0x5E4, 0x5E9, 0x5D5,
           0x5D8, 0x5DC, 0x5D0, 0x5DE, 0x5D3, 0x5D1, 0x5E8, 0x5D9, 0x5DD, 0x5E2, 0x5D1, 0x5E8,
           0x5D9, 0x5EA);
    EXPECT("i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd", 0x92F, 0x939, 0x932, 0x94B, 0x917, 0x939,
           0x93F, 0x928, 0x94D, 0x926, 0x940, 0x915, 0x94D, 0x92F, 0x94B, 0x902, 0x928, 0x939,
           0x940, 0x902, 0x92C, 0x94B, 0x932, 0x938, 0x915, 0x924, 0x947, 0x939, 0x948, 0x902);
    EXPECT("n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa", 0x306A, 0x305C, 0x307F, 0x3093, 0x306A, 0x65E5,
           0x672C, 0x8A9E, 0x3092, 0x8A71, 0x3057, 0x3066, 0x304F, 0x308C, 0x306A, 0x3044, 0x306E,
           0x304B);
    EXPECT("989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c", 0xC138, 0xACC4,
           0xC758, 0xBAA8, 0xB4E0, 0xC0AC, 0xB78C, 0xB4E4, 0xC774, 0xD55C, 0xAD6D, 0xC5B4, 0xB97C,
           0xC774, 0xD574, 0xD55C, 0xB2E4, 0xBA74, 0xC5BC, 0xB9C8, 0xB098, 0xC88B, 0xC744, 0xAE4C);
    EXPECT("b1abfaaepdrnnbgefbadotcwatmq2g4l", 0x43F, 0x43E, 0x447, 0x435, 0x43C, 0x443, 0x436,
           0x435, 0x43E, 0x43D, 0x438, 0x43D, 0x435, 0x433, 0x43E, 0x432, 0x43E, 0x440, 0x44F,
           0x442, 0x43F, 0x43E, 0x440, 0x443, 0x441, 0x441, 0x43A, 0x438);
    EXPECT("PorqunopuedensimplementehablarenEspaol-fmd56a", 0x50, 0x6F, 0x72, 0x71, 0x75, 0xE9,
           0x6E, 0x6F, 0x70, 0x75, 0x65, 0x64, 0x65, 0x6E, 0x73, 0x69, 0x6D, 0x70, 0x6C, 0x65, 0x6D,
           0x65, 0x6E, 0x74, 0x65, 0x68, 0x61, 0x62, 0x6C, 0x61, 0x72, 0x65, 0x6E, 0x45, 0x73, 0x70,
           0x61, 0xF1, 0x6F, 0x6C);
    EXPECT("TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g", 0x54, 0x1EA1, 0x69, 0x73, 0x61, 0x6F,
           0x68, 0x1ECD, 0x6B, 0x68, 0xF4, 0x6E, 0x67, 0x74, 0x68, 0x1EC3, 0x63, 0x68, 0x1EC9, 0x6E,
           0xF3, 0x69, 0x74, 0x69, 0x1EBF, 0x6E, 0x67, 0x56, 0x69, 0x1EC7, 0x74);
    EXPECT("3B-ww4c5e180e575a65lsy2b", 0x33, 0x5E74, 0x42, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F);
    EXPECT("-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n", 0x5B89, 0x5BA4, 0x5948, 0x7F8E, 0x6075, 0x2D,
           0x77, 0x69, 0x74, 0x68, 0x2D, 0x53, 0x55, 0x50, 0x45, 0x52, 0x2D, 0x4D, 0x4F, 0x4E, 0x4B,
           0x45, 0x59, 0x53);
    EXPECT("Hello-Another-Way--fc4qua05auwb3674vfr0b", 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x2D, 0x41,
           0x6E, 0x6F, 0x74, 0x68, 0x65, 0x72, 0x2D, 0x57, 0x61, 0x79, 0x2D, 0x305D, 0x308C, 0x305E,
           0x308C, 0x306E, 0x5834, 0x6240);
    EXPECT("2-u9tlzr9756bt3uc0v", 0x3072, 0x3068, 0x3064, 0x5C4B, 0x6839, 0x306E, 0x4E0B, 0x32);
    EXPECT("MajiKoi5-783gue6qz075azm5e", 0x4D, 0x61, 0x6A, 0x69, 0x3067, 0x4B, 0x6F, 0x69, 0x3059,
           0x308B, 0x35, 0x79D2, 0x524D);
    EXPECT("de-jg4avhby1noc0d", 0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x64, 0x65, 0x30EB, 0x30F3, 0x30D0);
    EXPECT("d9juau41awczczp", 0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067);
}

static void test_empty_and_ascii_only(void **state)
{
    (void)state;
    FAIL("", PTR__PUNY_EMPTY);
    /* Basic code points and no deltas: "xn--abc-" would stand for plain "abc". */
    FAIL("abc-", PTR__PUNY_ASCII);
    FAIL("a-", PTR__PUNY_ASCII);
    FAIL("a-b-", PTR__PUNY_ASCII);
    /* A lone or leading delimiter with nothing before it is not consumed (RFC 3492 §6.2). */
    FAIL("-", PTR__PUNY_DIGIT);
    FAIL("-kva", PTR__PUNY_DIGIT);
}

static void test_basic_code_points(void **state)
{
    (void)state;
    /* RFC 3492 §7.1 (S): valid Punycode, but its basic code points are not LDH. */
    FAIL("-> $1.00 <--", PTR__PUNY_BASIC);
    FAIL("a_b-kva", PTR__PUNY_BASIC);
    FAIL("a.b-kva", PTR__PUNY_BASIC);
    FAIL("\xc3\xbc-kva", PTR__PUNY_BASIC);
    FAIL(" -a", PTR__PUNY_BASIC);
    EXPECT("a-b--a", 0x80, 0x61, 0x2D, 0x62, 0x2D); /* hyphens before the last are basic */
    EXPECT("a9Z-a", 0x80, 0x61, 0x39, 0x5A);
}

static void test_digits(void **state)
{
    (void)state;
    FAIL("kv!", PTR__PUNY_DIGIT);
    FAIL("bcher-kv_", PTR__PUNY_DIGIT);
    FAIL("bcher-k\xe1", PTR__PUNY_DIGIT);
    FAIL("bcher-kva.", PTR__PUNY_DIGIT);
    FAIL("bcher-k\0a", PTR__PUNY_DIGIT);
    /* '@', '[', '`', '{', '/', ':' border the digit ranges. */
    FAIL("@", PTR__PUNY_DIGIT);
    FAIL("[", PTR__PUNY_DIGIT);
    FAIL("`", PTR__PUNY_DIGIT);
    FAIL("{", PTR__PUNY_DIGIT);
    FAIL("/", PTR__PUNY_DIGIT);
    FAIL(":", PTR__PUNY_DIGIT);
}

static void test_truncated(void **state)
{
    (void)state;
    /* A digit at or above the threshold t says "more digits follow". */
    FAIL("b", PTR__PUNY_TRUNCATED);
    FAIL("bcher-kv", PTR__PUNY_TRUNCATED);
    FAIL("fiqs8", PTR__PUNY_TRUNCATED);
}

static void test_overflow(void **state)
{
    (void)state;
    /* w * (base - t) leaves 32 bits. */
    FAIL("99999999999a", PTR__PUNY_OVERFLOW);
    FAIL("9999999999999999999999999999", PTR__PUNY_OVERFLOW);
    /* i + digit * w leaves 32 bits: a first delta of exactly 2^32. */
    FAIL("l0902716a", PTR__PUNY_OVERFLOW);
    /* n + i / (length + 1) leaves 32 bits: n = 2^32 + 5. */
    FAIL("2w902716a", PTR__PUNY_OVERFLOW);
    /* The largest value that fits (n = 2^32 - 1) is refused as a code point instead. */
    FAIL("ww902716a", PTR__PUNY_CODEPOINT);
}

static void test_code_points(void **state)
{
    (void)state;
    EXPECT("hb9b", 0xD7FF);
    FAIL("ib9b", PTR__PUNY_CODEPOINT); /* U+D800 */
    FAIL("zy0c", PTR__PUNY_CODEPOINT); /* U+DFFF */
    EXPECT("0y0c", 0xE000);
    EXPECT("dn32g", 0x10FFFF);
    FAIL("en32g", PTR__PUNY_CODEPOINT); /* 0x110000 */
}

static void test_length(void **state)
{
    (void)state;
    char in[80];
    uint32_t want[64];

    /* 62 basic + 1 inserted = 63 code points: fits. */
    memset(in, 'a', 62);
    memcpy(in + 62, "-8og", 4);
    for (size_t i = 0; i < 62; i++)
        want[i] = 'a';
    want[62] = 0xFC;
    expect_cps(in, 66, want, 63);

    /* 63 basic + 1 inserted = 64. */
    memset(in, 'a', 63);
    memcpy(in + 63, "-tsg", 4);
    expect_fail(in, 67, PTR__PUNY_TOO_LONG);

    /* 63 basic code points alone still fit the array (and then are ASCII only). */
    memset(in, 'a', 63);
    in[63] = '-';
    expect_fail(in, 64, PTR__PUNY_ASCII);

    /* 64 basic code points cannot fit. */
    memset(in, 'a', 64);
    memcpy(in + 64, "-a", 2);
    expect_fail(in, 66, PTR__PUNY_TOO_LONG);

    /* 64 deltas of zero: 63 fit, the 64th does not. */
    memset(in, 'a', 64);
    expect_fail(in, 64, PTR__PUNY_TOO_LONG);
    for (size_t i = 0; i < 63; i++)
        want[i] = 0x80;
    expect_cps(in, 63, want, 63);
}

static void test_reads_only_len(void **state)
{
    (void)state;
    const char buf[] = "bcher-kvaXYZ!";
    static const uint32_t bucher[] = {0x62, 0xFC, 0x63, 0x68, 0x65, 0x72};
    expect_cps(buf, 9, bucher, N_OF(bucher));
    expect_fail(buf, 6, PTR__PUNY_ASCII);
    expect_fail(buf, 8, PTR__PUNY_TRUNCATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_labels),     cmocka_unit_test(test_case_insensitive),
        cmocka_unit_test(test_rfc3492_samples),   cmocka_unit_test(test_empty_and_ascii_only),
        cmocka_unit_test(test_basic_code_points), cmocka_unit_test(test_digits),
        cmocka_unit_test(test_truncated),         cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_code_points),       cmocka_unit_test(test_length),
        cmocka_unit_test(test_reads_only_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
