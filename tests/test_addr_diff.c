/*
 * Property tests for the address layer, over generated inputs:
 *
 *  1. ptr_addr_parse accepts exactly what inet_pton(AF_INET) then
 *     inet_pton(AF_INET6) accept, with the same bytes, and ptr_addr_format
 *     prints exactly what inet_ntop prints: on random texts, and on every
 *     layout of IPv6 groups and "::".
 *  2. ptr_revname_parse(ptr_revname(a)) == a, in any letter case, with and
 *     without the root dot.
 *
 * The seed is fixed so a failure reproduces; PTR_TEST_SEED=<n> overrides it.
 * Inputs are placed at the very end of a heap block, so a read past len is
 * caught by ASan and valgrind.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "ptr_test.h"

#define DIFF_CASES       1000000u
#define ROUND_TRIP_CASES 1000000u
#define MAX_TEXT         96

static uint64_t test_seed(void)
{
    const char *env = getenv("PTR_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 0) : 0x5eed0fadd12e55ULL;
    if (seed == 0)
        seed = 1; /* xorshift never leaves zero */
    return seed;
}

static unsigned rnd(uint64_t *st, unsigned n)
{
    return (unsigned)(ptr_test_rand(st) % n);
}

/* A text under construction. */
struct text {
    char s[MAX_TEXT];
    size_t len;
};

static void put_char(struct text *t, char c)
{
    if (t->len < MAX_TEXT)
        t->s[t->len++] = c;
}

static void put_str(struct text *t, const char *s)
{
    while (*s)
        put_char(t, *s++);
}

/* Unsigned number in a base, zero-padded to at least width digits. */
static void put_num(struct text *t, unsigned v, unsigned base, unsigned width, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[16];
    unsigned n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (n < width && n < sizeof tmp)
        tmp[n++] = '0';
    while (n)
        put_char(t, tmp[--n]);
}

/* inet_ntop text of random addresses that look like real ones. */
static void gen_ntop(uint64_t *st, struct text *t)
{
    uint8_t b[16] = {0};
    char buf[INET6_ADDRSTRLEN];
    if (rnd(st, 3) == 0) {
        for (unsigned i = 0; i < 4; i++)
            b[i] = (uint8_t)ptr_test_rand(st);
        inet_ntop(AF_INET, b, buf, sizeof buf);
    } else {
        for (unsigned g = 0; g < 8; g++) {
            const unsigned kind = rnd(st, 4);
            const unsigned v = kind == 0 ? 0 : kind == 1 ? rnd(st, 16) : rnd(st, 0x10000);
            b[2 * g] = (uint8_t)(v >> 8);
            b[2 * g + 1] = (uint8_t)v;
        }
        if (rnd(st, 8) == 0) { /* IPv4-mapped or -compatible */
            memset(b, 0, 12);
            if (rnd(st, 2))
                b[10] = b[11] = 0xff;
        }
        inet_ntop(AF_INET6, b, buf, sizeof buf);
    }
    put_str(t, buf);
}

/* Dotted quad by hand: sometimes leading zeros, octets over 255, 3 or 5 parts. */
static void gen_v4(uint64_t *st, struct text *t)
{
    const unsigned parts = rnd(st, 16) == 0 ? 3 + 2 * rnd(st, 2) : 4;
    for (unsigned i = 0; i < parts; i++) {
        if (i)
            put_char(t, '.');
        const unsigned r = rnd(st, 20);
        const unsigned v = r == 0 ? 256 + rnd(st, 800) : r < 5 ? rnd(st, 10) : rnd(st, 256);
        put_num(t, v, 10, rnd(st, 24) == 0 ? 1 + rnd(st, 4) : 1, 0);
    }
}

/*
 * RFC 4291 text by hand: groups of any width and case, "::" anywhere (also
 * for zero groups, and rarely for none), an embedded dotted quad, 7..9 groups.
 */
static void gen_v6(uint64_t *st, struct text *t)
{
    unsigned g[9];
    unsigned ngroups = rnd(st, 12) == 0 ? 7 + 2 * rnd(st, 2) : 8;
    for (unsigned i = 0; i < ngroups; i++) {
        const unsigned kind = rnd(st, 3);
        g[i] = kind == 0 ? 0 : kind == 1 ? rnd(st, 0x100) : rnd(st, 0x10000);
    }
    const int quad = rnd(st, 5) == 0;
    const unsigned nhex = quad ? ngroups - 2 : ngroups; /* groups written in hex */
    /* "::" over the hex groups [gap, gap + gap_len); gap_len 0 is invalid. */
    const int has_gap = rnd(st, 3) != 0;
    unsigned gap = 0, gap_len = 0;
    if (has_gap) {
        gap = rnd(st, nhex + 1);
        gap_len = rnd(st, 16) == 0 ? 0 : rnd(st, nhex - gap + 1);
    }
    const int upper = rnd(st, 4) == 0;
    int need_colon = 0;
    for (unsigned i = 0;; i++) {
        if (has_gap && i == gap) {
            put_str(t, "::");
            need_colon = 0;
            i += gap_len;
        }
        if (i >= nhex)
            break;
        if (need_colon)
            put_char(t, ':');
        const unsigned width = rnd(st, 6) == 0 ? 1 + rnd(st, 5) : 1;
        put_num(t, g[i], 16, width, upper || rnd(st, 16) == 0);
        need_colon = 1;
    }
    if (quad) {
        if (need_colon)
            put_char(t, ':');
        for (unsigned i = 0; i < 4; i++) {
            if (i)
                put_char(t, '.');
            put_num(t, rnd(st, 10) == 0 ? rnd(st, 300) : rnd(st, 256), 10, rnd(st, 30) == 0 ? 2 : 1,
                    0);
        }
    }
}

/* Bytes that matter to an address parser, plus some that never should. */
static const char mutation_alphabet[] = "0123456789abcdefABCDEFgG::::....//% \t\n\0\x80\xff";

static void mutate(uint64_t *st, struct text *t)
{
    const unsigned edits = rnd(st, 4);
    for (unsigned e = 0; e < edits; e++) {
        const char c = mutation_alphabet[rnd(st, sizeof mutation_alphabet - 1)];
        const unsigned op = rnd(st, 3);
        if (op == 0 && t->len < MAX_TEXT) { /* insert */
            const size_t at = rnd(st, (unsigned)t->len + 1);
            memmove(t->s + at + 1, t->s + at, t->len - at);
            t->s[at] = c;
            t->len++;
        } else if (op == 1 && t->len) { /* delete */
            const size_t at = rnd(st, (unsigned)t->len);
            memmove(t->s + at, t->s + at + 1, t->len - at - 1);
            t->len--;
        } else if (t->len) { /* replace */
            t->s[rnd(st, (unsigned)t->len)] = c;
        }
    }
}

static void gen_case(uint64_t *st, struct text *t)
{
    t->len = 0;
    const unsigned kind = rnd(st, 16);
    if (kind < 5) {
        gen_ntop(st, t);
    } else if (kind < 9) {
        gen_v4(st, t);
    } else if (kind < 15) {
        gen_v6(st, t);
    } else { /* short noise from the alphabet */
        const unsigned n = rnd(st, 12);
        for (unsigned i = 0; i < n; i++)
            put_char(t, mutation_alphabet[rnd(st, sizeof mutation_alphabet - 1)]);
    }
    if (rnd(st, 2))
        mutate(st, t);
}

static void show(const char *what, const struct text *t)
{
    print_error("%s: \"", what);
    for (size_t i = 0; i < t->len; i++) {
        const unsigned char c = (unsigned char)t->s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            print_error("%c", c);
        else
            print_error("\\x%02x", c);
    }
    print_error("\" (len %zu)\n", t->len);
}

/*
 * Parses t placed at the very end of block (MAX_TEXT bytes) and checks the
 * result against inet_pton, and the formatted address against inet_ntop.
 * Returns the family inet_pton accepts, or 0 when it refuses the text.
 */
static int check_against_libc(const struct text *t, char *block)
{
    char *exact = block + MAX_TEXT - t->len;
    memcpy(exact, t->s, t->len);
    char cstr[MAX_TEXT + 1];
    memcpy(cstr, t->s, t->len);
    cstr[t->len] = '\0';

    ptr_addr a;
    memset(&a, 0xa5, sizeof a);
    const ptr_status got = ptr_addr_parse(exact, t->len, &a);

    uint8_t want[16];
    int family = 0;
    if (memchr(t->s, '\0', t->len)) {
        /* inet_pton would stop at the NUL; the text is invalid */
    } else if (inet_pton(AF_INET, cstr, want) == 1) {
        family = 4;
    } else if (inet_pton(AF_INET6, cstr, want) == 1) {
        family = 6;
    }

    if (family == 0) {
        if (got != PTR_E_ADDR) {
            show("accepted, inet_pton refuses", t);
            fail();
        }
        return 0;
    }
    if (got != PTR_OK || a.family != family || memcmp(a.bytes, want, family == 4 ? 4 : 16) != 0) {
        show("differs from inet_pton", t);
        fail();
    }
    if (family == 4) {
        static const uint8_t zero[12];
        assert_memory_equal(a.bytes + 4, zero, 12);
    }

    char mine[PTR_ADDR_STRLEN], theirs[INET6_ADDRSTRLEN];
    size_t len = 0;
    assert_status(ptr_addr_format(&a, mine, sizeof mine, &len), PTR_OK);
    assert_non_null(inet_ntop(family == 4 ? AF_INET : AF_INET6, want, theirs, sizeof theirs));
    if (len != strlen(theirs) || strcmp(mine, theirs) != 0) {
        show("format differs from inet_ntop", t);
        print_error("mine \"%s\", inet_ntop \"%s\"\n", mine, theirs);
        fail();
    }
    return family;
}

static void test_parse_matches_inet_pton(void **state)
{
    (void)state;
    uint64_t st = test_seed();
    print_message("seed 0x%llx, %u cases\n", (unsigned long long)st, DIFF_CASES);

    /* The text sits at the end of this block, so an over-read is caught. */
    char *block = malloc(MAX_TEXT);
    assert_non_null(block);
    unsigned long accepted4 = 0, accepted6 = 0, rejected = 0, with_nul = 0;
    struct text t;
    for (unsigned n = 0; n < DIFF_CASES; n++) {
        gen_case(&st, &t);
        const int family = check_against_libc(&t, block);
        if (family == 4)
            accepted4++;
        else if (family == 6)
            accepted6++;
        else
            rejected++;
        if (family == 0 && memchr(t.s, '\0', t.len))
            with_nul++;
    }
    free(block);
    print_message("accepted %lu IPv4, %lu IPv6; rejected %lu (%lu with a NUL)\n", accepted4,
                  accepted6, rejected, with_nul);
    /* The generator must keep exercising both sides of the boundary. */
    assert_true(accepted4 > DIFF_CASES / 10);
    assert_true(accepted6 > DIFF_CASES / 10);
    assert_true(rejected > DIFF_CASES / 10);
}

/*
 * IPv6 text of a given layout: groups of width[i] hex digits, each of either
 * case, "::" before group gap (after the last when gap == groups, nowhere
 * when it is greater) and, with quad, a dotted quad for the last group.
 */
static void put_layout(uint64_t *st, struct text *t, unsigned groups, const unsigned *width,
                       unsigned gap, int quad)
{
    t->len = 0;
    for (unsigned i = 0; i <= groups; i++) {
        if (i == gap)
            put_str(t, "::");
        else if (i > 0 && i < groups)
            put_char(t, ':');
        if (i == groups)
            break;
        if (quad && i == groups - 1) {
            for (unsigned k = 0; k < 4; k++) {
                if (k)
                    put_char(t, '.');
                put_num(t, rnd(st, 256), 10, 1, 0);
            }
            continue;
        }
        for (unsigned k = 0; k < width[i]; k++)
            put_num(t, rnd(st, 16), 16, 1, rnd(st, 4) == 0);
    }
}

/*
 * Every layout of up to nine groups of 1..5 digits, with "::" at each place
 * or none, ending in a dotted quad or not: each as built, valid or not, and
 * once more after mutate(). Group counts above six try LAYOUT_SAMPLES of
 * their width choices. Plain hex-and-colon texts take a parsing path of
 * their own, and this reaches every arrangement of short groups and "::"
 * there, which the random texts above reach unevenly.
 */
#define LAYOUT_SAMPLES 4000u

static void test_v6_every_layout(void **state)
{
    (void)state;
    uint64_t st = test_seed() ^ 0x6c61796f7574ULL;
    char *block = malloc(MAX_TEXT);
    assert_non_null(block);
    unsigned long cases = 0, accepted6 = 0;
    unsigned width[9];
    for (unsigned groups = 0; groups <= 9; groups++) {
        unsigned long choices = 1;
        for (unsigned i = 0; i < groups; i++)
            choices *= 5;
        const int sample = groups > 6;
        const unsigned long rounds = sample ? LAYOUT_SAMPLES : choices;
        for (unsigned long r = 0; r < rounds; r++) {
            unsigned long c = sample ? (unsigned long)(ptr_test_rand(&st) % choices) : r;
            for (unsigned i = 0; i < groups; i++, c /= 5)
                width[i] = 1 + (unsigned)(c % 5);
            for (unsigned gap = 0; gap <= groups + 1; gap++) {
                for (int quad = 0; quad <= (groups > 0); quad++) {
                    struct text t;
                    put_layout(&st, &t, groups, width, gap, quad);
                    accepted6 += check_against_libc(&t, block) == 6;
                    mutate(&st, &t);
                    accepted6 += check_against_libc(&t, block) == 6;
                    cases += 2;
                }
            }
        }
    }
    free(block);
    print_message("%lu cases, %lu accepted as IPv6\n", cases, accepted6);
    assert_true(accepted6 > cases / 20);
}

/* ASCII letters of s flipped to upper case at random. */
static void random_upper(uint64_t *st, char *s, size_t len)
{
    uint64_t bits = ptr_test_rand(st);
    for (size_t i = 0; i < len; i++) {
        if (i % 64 == 0)
            bits = ptr_test_rand(st);
        if (s[i] >= 'a' && s[i] <= 'z' && (bits >> (i % 64)) & 1)
            s[i] = (char)(s[i] - 'a' + 'A');
    }
}

static void test_revname_round_trip(void **state)
{
    (void)state;
    uint64_t st = test_seed() ^ 0x9e3779b97f4a7c15ULL;
    print_message("seed 0x%llx, %u cases\n", (unsigned long long)st, ROUND_TRIP_CASES);

    char *block = malloc(PTR_REVNAME_BUFSZ);
    assert_non_null(block);
    for (unsigned n = 0; n < ROUND_TRIP_CASES; n++) {
        ptr_addr a;
        memset(&a, 0, sizeof a);
        const uint64_t r1 = ptr_test_rand(&st), r2 = ptr_test_rand(&st);
        if (n % 2) {
            a.family = 4;
            memcpy(a.bytes, &r1, 4);
        } else {
            a.family = 6;
            memcpy(a.bytes, &r1, 8);
            memcpy(a.bytes + 8, &r2, 8);
        }
        const unsigned flags = (unsigned)(r2 >> 63) ? PTR_FQDN : 0u;

        char name[PTR_REVNAME_BUFSZ];
        size_t len = 0;
        assert_status(ptr_revname(&a, flags, name, sizeof name, &len), PTR_OK);
        assert_int_equal(strlen(name), len);
        if (r2 & 1)
            random_upper(&st, name, len);

        char *exact = block + PTR_REVNAME_BUFSZ - len;
        memcpy(exact, name, len);
        ptr_addr back;
        unsigned plen = 0;
        assert_status(ptr_revname_parse(exact, len, &back, &plen), PTR_OK);
        assert_int_equal(plen, a.family == 4 ? 32 : 128);
        assert_memory_equal(&back, &a, sizeof a);
        if (n % 8 == 0) {
            memset(&back, 0, sizeof back);
            assert_status(ptr_revname_parse(exact, len, &back, NULL), PTR_OK);
            assert_memory_equal(&back, &a, sizeof a);
        }
    }
    free(block);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_matches_inet_pton),
        cmocka_unit_test(test_v6_every_layout),
        cmocka_unit_test(test_revname_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
