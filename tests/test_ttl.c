/* TTL parsing and the policy range (DNS.0506: 1..2147483647; RFC 2181 §8). */
#include <stdlib.h>

#include "ptr_test.h"

#define SENTINEL 0xDEADBEEFu

/* Parse a NUL-free literal; the output must be want. */
static void parses_to(const char *s, size_t len, uint64_t want, const char *file, int line)
{
    uint32_t out = SENTINEL;
    ptr_status st = ptr_ttl_parse(s, len, &out);
    if (st != PTR_OK || out != want) {
        print_error("ptr_ttl_parse(\"%.*s\"): got %s, %u; want PTR_OK, %llu\n", (int)len, s,
                    ptr_status_name(st), (unsigned)out, (unsigned long long)want);
        _fail(file, line);
    }
}
#define assert_ttl(lit, want) parses_to(PTR_LIT(lit), (want), __FILE__, __LINE__)

/* The parse fails with PTR_E_TTL and leaves the output untouched. */
static void rejects(const char *s, size_t len, const char *file, int line)
{
    uint32_t out = SENTINEL;
    ptr_status st = ptr_ttl_parse(s, len, &out);
    if (st != PTR_E_TTL || out != SENTINEL) {
        print_error("ptr_ttl_parse(\"%.*s\", %zu): got %s, out %u; want PTR_E_TTL, untouched\n",
                    (int)len, s, len, ptr_status_name(st), (unsigned)out);
        _fail(file, line);
    }
}
#define assert_bad_ttl(lit) rejects(PTR_LIT(lit), __FILE__, __LINE__)

static void test_parse_decimal(void **state)
{
    (void)state;
    assert_ttl("0", 0);
    assert_ttl("1", 1);
    assert_ttl("300", 300);
    assert_ttl("86400", 86400);
    assert_ttl("2147483647", 2147483647u);
    assert_ttl("2147483648", 2147483648u); /* parses; the range is ptr_ttl_check's */
    assert_ttl("4294967295", 4294967295u);
    assert_ttl("0300", 300);
    assert_ttl("000000000000000000000000000000000000001", 1);
    assert_ttl("0000000000000000000000000004294967295", 4294967295u);
}

static void test_parse_overflow(void **state)
{
    (void)state;
    assert_bad_ttl("4294967296");
    assert_bad_ttl("4294967300");
    assert_bad_ttl("9999999999");
    assert_bad_ttl("18446744073709551616"); /* 2^64: must not wrap to 0 */
    assert_bad_ttl("18446744073709551617");
    assert_bad_ttl("99999999999999999999999999999999");
    /* Multiplication: 1193046 h = 4294965600, 1193047 h = 4294969200. */
    assert_ttl("1193046h", 4294965600u);
    assert_bad_ttl("1193047h");
    assert_ttl("7101w", 4294684800u);
    assert_bad_ttl("7102w");
    assert_ttl("49710d", 4294944000u);
    assert_bad_ttl("49711d");
    assert_ttl("71582788m", 4294967280u);
    assert_bad_ttl("71582789m");
    assert_ttl("4294967295s", 4294967295u);
    assert_bad_ttl("4294967296s");
    assert_bad_ttl("4294967295w");
    /* Addition: each step on its own fits, the sum does not. */
    assert_ttl("7101w282495s", 4294967295u);
    assert_bad_ttl("7101w282496s");
    assert_bad_ttl("4294967295s1s");
    assert_bad_ttl("1193046h1193046h");
    assert_ttl("4294967295s0s0w", 4294967295u);
}

/* 2^31 - 1 in hours: where a parsed TTL passes or fails the default range. */
static void test_parse_then_check_boundary(void **state)
{
    (void)state;
    uint32_t out = 0;
    assert_status(ptr_ttl_parse(PTR_LIT("596523h"), &out), PTR_OK);
    assert_int_equal(out, 2147482800u);
    assert_status(ptr_ttl_check(out, NULL), PTR_OK);
    assert_status(ptr_ttl_parse(PTR_LIT("596524h"), &out), PTR_OK);
    assert_int_equal(out, 2147486400u);
    assert_status(ptr_ttl_check(out, NULL), PTR_E_TTL);
    assert_status(ptr_ttl_parse(PTR_LIT("596523h847s"), &out), PTR_OK);
    assert_int_equal(out, 2147483647u);
    assert_status(ptr_ttl_check(out, NULL), PTR_OK);
    assert_status(ptr_ttl_parse(PTR_LIT("596523h848s"), &out), PTR_OK);
    assert_status(ptr_ttl_check(out, NULL), PTR_E_TTL);
}

static void test_parse_units(void **state)
{
    (void)state;
    assert_ttl("1s", 1);
    assert_ttl("1m", 60);
    assert_ttl("5m", 300);
    assert_ttl("1h", 3600);
    assert_ttl("1d", 86400);
    assert_ttl("1w", 604800);
    assert_ttl("1S", 1);
    assert_ttl("1M", 60);
    assert_ttl("1H", 3600);
    assert_ttl("1D", 86400);
    assert_ttl("1W", 604800);
    assert_ttl("1h30m", 5400);
    assert_ttl("1H30M", 5400);
    assert_ttl("1h30M", 5400);
    assert_ttl("1w2d", 777600);
    assert_ttl("1w1d1h1m1s", 694861);
    assert_ttl("90m", 5400);
    assert_ttl("0s", 0);
    assert_ttl("0w0d", 0);
    assert_ttl("007m", 420);
    /* As in BIND, components may repeat or come in any order; they add up. */
    assert_ttl("1m1h", 3660);
    assert_ttl("1h1h", 7200);
    assert_ttl("30s1w", 604830);
}

static void test_parse_syntax(void **state)
{
    (void)state;
    assert_bad_ttl("");
    assert_bad_ttl(" ");
    assert_bad_ttl(" 300");
    assert_bad_ttl("300 ");
    assert_bad_ttl("3 00");
    assert_bad_ttl("+300");
    assert_bad_ttl("-300");
    assert_bad_ttl("-0");
    assert_bad_ttl("0x12c");
    assert_bad_ttl("1e3");
    assert_bad_ttl("1.5h");
    assert_bad_ttl("1,000");
    assert_bad_ttl("300\n");
    assert_bad_ttl("\t300");
    assert_bad_ttl("h");
    assert_bad_ttl("s");
    assert_bad_ttl("1hm"); /* a unit without a number */
    assert_bad_ttl("1h m");
    assert_bad_ttl("1h 30m");
    assert_bad_ttl("1hh");
    assert_bad_ttl("h1");
    assert_bad_ttl("1x");
    assert_bad_ttl("1y");
    assert_bad_ttl("1ms");
    assert_bad_ttl("1min");
    assert_bad_ttl("1sec");
    assert_bad_ttl("\xd9\xa3");     /* ARABIC-INDIC DIGIT THREE: digits are ASCII only */
    assert_bad_ttl("\xef\xbc\x93"); /* FULLWIDTH DIGIT THREE */
    /* A bare number only stands alone: "1h30" could be read as 1h30m. */
    assert_bad_ttl("1h30");
    assert_bad_ttl("1w0");
    assert_bad_ttl("0h0");
}

/* Text is (pointer, length): NUL is a byte like any other, and no terminator is needed. */
static void test_parse_embedded_nul_and_length(void **state)
{
    (void)state;
    assert_bad_ttl("300\0");
    /* "\0" "3": a separate literal, or the NUL would be the octal escape \03. */
    /* clang-format off */
    assert_bad_ttl("3\0" "00");
    assert_bad_ttl("\0" "300");
    assert_bad_ttl("1h\0" "30m");
    /* clang-format on */
    assert_bad_ttl("\0");

    const char unterminated[3] = {'3', '0', '0'};
    uint32_t out = 0;
    assert_status(ptr_ttl_parse(unterminated, sizeof unterminated, &out), PTR_OK);
    assert_int_equal(out, 300);
    /* Only len bytes count: "3001" read as "300", "1h30m" as "1h". */
    assert_status(ptr_ttl_parse("3001", 3, &out), PTR_OK);
    assert_int_equal(out, 300);
    assert_status(ptr_ttl_parse("1h30m", 2, &out), PTR_OK);
    assert_int_equal(out, 3600);
    assert_status(ptr_ttl_parse("1h30m", 4, &out), PTR_E_TTL);
}

static void test_parse_null(void **state)
{
    (void)state;
    uint32_t out = SENTINEL;
    assert_status(ptr_ttl_parse("300", 3, NULL), PTR_E_INVAL);
    assert_status(ptr_ttl_parse(NULL, 3, &out), PTR_E_INVAL);
    assert_int_equal(out, SENTINEL);
    assert_status(ptr_ttl_parse(NULL, 0, &out), PTR_E_TTL); /* the empty TTL */
    assert_int_equal(out, SENTINEL);
    assert_status(ptr_ttl_parse(NULL, 0, NULL), PTR_E_INVAL);
}

/* Random values written as decimal and as a random sum of units, against 64-bit arithmetic. */
static void test_parse_random(void **state)
{
    (void)state;
    static const struct {
        char unit;
        uint64_t secs;
    } units[] = {{'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1},
                 {'W', 604800}, {'D', 86400}, {'H', 3600}, {'M', 60}, {'S', 1}};
    uint64_t rng = 0x5eed7711u;
    char buf[128];
    for (int iter = 0; iter < 50000; iter++) {
        /* Decimal, around the uint32_t limit half of the time. */
        uint64_t v = ptr_test_rand(&rng);
        switch (iter % 4) {
        case 0: v %= 100000; break;
        case 1: v = 4294967295u - 1000 + v % 2000; break;
        case 2: v &= 0xFFFFFFFFFu; break;
        default: v >>= (v & 63); break;
        }
        int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
        uint32_t out = SENTINEL;
        ptr_status st = ptr_ttl_parse(buf, (size_t)n, &out);
        if (v <= UINT32_MAX) {
            assert_status(st, PTR_OK);
            assert_int_equal(out, v);
        } else {
            assert_status(st, PTR_E_TTL);
            assert_int_equal(out, SENTINEL);
        }

        /* 1..5 components with units; the sum either fits or is refused. */
        int comps = 1 + (int)(ptr_test_rand(&rng) % 5);
        size_t at = 0;
        uint64_t sum = 0;
        int over = 0;
        for (int c = 0; c < comps; c++) {
            uint64_t r = ptr_test_rand(&rng);
            uint64_t num = (r & 1) ? (r >> 8) % 5000 : (r >> 8) % 5000000000u;
            size_t u = (size_t)((r >> 4) % (sizeof units / sizeof units[0]));
            n = snprintf(buf + at, sizeof buf - at, "%llu%c", (unsigned long long)num,
                         units[u].unit);
            at += (size_t)n;
            if (num > UINT32_MAX)
                over = 1;
            sum += num * units[u].secs;
            if (sum > UINT32_MAX)
                over = 1;
        }
        /* An exact-size heap copy, so ASan and valgrind see any read past the length. */
        char *exact = malloc(at);
        assert_non_null(exact);
        memcpy(exact, buf, at);
        out = SENTINEL;
        st = ptr_ttl_parse(exact, at, &out);
        free(exact);
        if (over) {
            assert_status(st, PTR_E_TTL);
            assert_int_equal(out, SENTINEL);
        } else {
            assert_status(st, PTR_OK);
            assert_int_equal(out, sum);
        }
    }
}

static void test_check_default_range(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    const ptr_policy *pols[] = {NULL, &p};
    for (size_t i = 0; i < 2; i++) {
        assert_status(ptr_ttl_check(0, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(1, pols[i]), PTR_OK);
        assert_status(ptr_ttl_check(300, pols[i]), PTR_OK);
        assert_status(ptr_ttl_check(2147483646, pols[i]), PTR_OK);
        assert_status(ptr_ttl_check(2147483647, pols[i]), PTR_OK);
        assert_status(ptr_ttl_check(2147483648, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(4294967295, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(4294967296, pols[i]), PTR_E_TTL); /* would wrap to 0 */
        assert_status(ptr_ttl_check(4294967297, pols[i]), PTR_E_TTL); /* would wrap to 1 */
        assert_status(ptr_ttl_check(-1, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(-2147483647 - 1, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(INT64_MIN, pols[i]), PTR_E_TTL);
        assert_status(ptr_ttl_check(INT64_MAX, pols[i]), PTR_E_TTL);
    }
    ptr_policy_init_otc(&p);
    assert_status(ptr_ttl_check(1, &p), PTR_OK);
    assert_status(ptr_ttl_check(0, &p), PTR_E_TTL);
    assert_status(ptr_ttl_check(2147483647, &p), PTR_OK);
    assert_status(ptr_ttl_check(2147483648, &p), PTR_E_TTL);
}

static void test_check_custom_range(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.ttl_min = 300; /* the Terraform provider's documented minimum */
    p.ttl_max = 86400;
    assert_status(ptr_ttl_check(299, &p), PTR_E_TTL);
    assert_status(ptr_ttl_check(300, &p), PTR_OK);
    assert_status(ptr_ttl_check(86400, &p), PTR_OK);
    assert_status(ptr_ttl_check(86401, &p), PTR_E_TTL);
    assert_status(ptr_ttl_check(1, &p), PTR_E_TTL);

    /* Designate allows 0; a policy may too. */
    p.ttl_min = 0;
    assert_status(ptr_ttl_check(0, &p), PTR_OK);
    assert_status(ptr_ttl_check(-1, &p), PTR_E_TTL);

    /* The whole uint32_t range, and nothing beyond it. */
    p.ttl_max = UINT32_MAX;
    assert_status(ptr_ttl_check(4294967295, &p), PTR_OK);
    assert_status(ptr_ttl_check(4294967296, &p), PTR_E_TTL);

    /* A single allowed value; an empty range allows none. */
    p.ttl_min = p.ttl_max = 60;
    assert_status(ptr_ttl_check(59, &p), PTR_E_TTL);
    assert_status(ptr_ttl_check(60, &p), PTR_OK);
    assert_status(ptr_ttl_check(61, &p), PTR_E_TTL);
    p.ttl_min = 61;
    assert_status(ptr_ttl_check(60, &p), PTR_E_TTL);
    assert_status(ptr_ttl_check(61, &p), PTR_E_TTL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_decimal),
        cmocka_unit_test(test_parse_overflow),
        cmocka_unit_test(test_parse_then_check_boundary),
        cmocka_unit_test(test_parse_units),
        cmocka_unit_test(test_parse_syntax),
        cmocka_unit_test(test_parse_embedded_nul_and_length),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_parse_random),
        cmocka_unit_test(test_check_default_range),
        cmocka_unit_test(test_check_custom_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
