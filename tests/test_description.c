/*
 * Description rules: strict UTF-8 (RFC 3629), at most 255 code points
 * (DNS.0508), no control, line-separator or bidirectional-control characters.
 */
#include <stdlib.h>

#include "ptr_test.h"

/* Encode cp in exactly n bytes (1..4), valid or not: overlongs and surrogates on purpose. */
static size_t enc_n(uint32_t cp, size_t n, unsigned char *out)
{
    static const unsigned char lead[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    for (size_t k = n - 1; k > 0; k--) {
        out[k] = (unsigned char)(0x80u | (cp & 0x3Fu));
        cp >>= 6;
    }
    out[0] = (unsigned char)(lead[n] | cp);
    return n;
}

/* Encode cp in its shortest form. */
static size_t enc(uint32_t cp, unsigned char *out)
{
    return enc_n(cp, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, out);
}

static void check_ok(const void *s, size_t len, const ptr_policy *p, const char *file, int line)
{
    ptr_error e;
    memset(&e, 0x5A, sizeof e);
    ptr_error untouched;
    memcpy(&untouched, &e, sizeof e);
    ptr_status st = ptr_description_check(s, len, p, &e);
    if (st != PTR_OK) {
        print_error("description of %zu bytes: got %s at offset %zu (%s), want PTR_OK\n", len,
                    ptr_status_name(st), e.offset, e.message);
        _fail(file, line);
    }
    /* Filled on failure only. */
    if (memcmp(&e, &untouched, sizeof e) != 0) {
        print_error("ptr_error written on success\n");
        _fail(file, line);
    }
    ptr_test_status_eq(ptr_description_check(s, len, p, NULL), PTR_OK, "no err", file, line);
}

static void check_bad(const void *s, size_t len, const ptr_policy *p, size_t off, const char *why,
                      const char *file, int line)
{
    ptr_error e;
    memset(&e, 0x5A, sizeof e);
    ptr_test_status_eq(ptr_description_check(s, len, p, &e), PTR_E_DESCRIPTION,
                       "ptr_description_check", file, line);
    ptr_test_error_eq(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, off, file, line);
    if (why && !strstr(e.message, why)) {
        print_error("message \"%s\" does not say \"%s\"\n", e.message, why);
        _fail(file, line);
    }
    ptr_test_status_eq(ptr_description_check(s, len, p, NULL), PTR_E_DESCRIPTION, "no err", file,
                       line);
}

#define assert_desc_ok(s, len, p) check_ok((s), (len), (p), __FILE__, __LINE__)
#define assert_desc_bad(s, len, p, off, why)                                                       \
    check_bad((s), (len), (p), (off), (why), __FILE__, __LINE__)
#define assert_lit_ok(lit) check_ok(PTR_LIT(lit), NULL, __FILE__, __LINE__)
#define assert_lit_bad(lit, off, why)                                                              \
    check_bad(PTR_LIT(lit), NULL, (off), (why), __FILE__, __LINE__)

static void test_empty_and_null(void **state)
{
    (void)state;
    assert_desc_ok("", 0, NULL);
    assert_desc_ok(NULL, 0, NULL);

    ptr_error e;
    memset(&e, 0x5A, sizeof e);
    assert_status(ptr_description_check(NULL, 1, NULL, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_DESCRIPTION, 0, 0);
    assert_status(ptr_description_check(NULL, 1, NULL, NULL), PTR_E_INVAL);
}

static void test_ascii(void **state)
{
    (void)state;
    char all[95];
    for (int c = 0x20; c < 0x7F; c++)
        all[c - 0x20] = (char)c;
    assert_desc_ok(all, sizeof all, NULL);
    assert_lit_ok("mail server for example.com (primary)");
    assert_lit_ok(" leading and trailing spaces are fine ");
}

/* 255 code points pass, 256 fail at the first byte of the 256th, for each encoded width. */
static void test_length_limit_each_width(void **state)
{
    (void)state;
    static const uint32_t cps[] = {'a', 0xE9, 0x20AC, 0x1F600};
    unsigned char buf[4 * 300];
    for (size_t w = 0; w < 4; w++) {
        size_t len = 0, at255 = 0;
        for (int i = 0; i < 256; i++) {
            if (i == 255)
                at255 = len;
            len += enc(cps[w], buf + len);
        }
        assert_int_equal(at255, 255 * (w + 1));
        assert_desc_ok(buf, at255, NULL);
        assert_desc_bad(buf, len, NULL, at255, "longer than 255 characters");
        /* Bytes are not what counts: 255 four-byte characters are 1020 bytes. */
        assert_desc_ok(buf, at255 - (w + 1), NULL);
    }
}

static void test_length_limit_mixed(void **state)
{
    (void)state;
    unsigned char buf[1024];
    size_t len = 0;
    memset(buf, 'x', 254);
    len = 254;
    len += enc(0x10FFFF, buf + len); /* 255th: 4 bytes */
    assert_desc_ok(buf, len, NULL);
    const size_t at = len;
    len += enc(0xE9, buf + len);
    assert_desc_bad(buf, len, NULL, at, "longer than");
    /* The 256th is printable ASCII after a multi-byte 255th. */
    buf[at] = 'y';
    assert_desc_bad(buf, at + 1, NULL, at, "longer than");

    /* Mixed widths throughout, 255 of them. */
    static const uint32_t cycle[] = {'a', 0x3B1, 0x4E2D, 0x1F30D, ' ', 0xA0};
    len = 0;
    size_t starts[257];
    for (int i = 0; i < 257; i++) {
        starts[i] = len;
        len += enc(cycle[i % 6], buf + len);
    }
    assert_desc_ok(buf, starts[255], NULL);
    assert_desc_bad(buf, starts[256], NULL, starts[255], "longer than");
    assert_desc_bad(buf, len, NULL, starts[255], "longer than");
}

static void test_length_limit_policy(void **state)
{
    (void)state;
    ptr_policy p;
    ptr_policy_init(&p);
    p.description_max = 160; /* Designate's limit */
    char buf[300];
    memset(buf, 'd', sizeof buf);
    assert_desc_ok(buf, 160, &p);
    assert_desc_bad(buf, 161, &p, 160, "longer than 160 characters");

    p.description_max = 0;
    assert_desc_ok("", 0, &p);
    assert_desc_ok(NULL, 0, &p);
    assert_desc_bad("d", 1, &p, 0, "longer than 0 characters");
    assert_desc_bad("\xc3\xa9", 2, &p, 0, "longer than 0 characters");

    p.description_max = 1;
    assert_desc_ok("\xf0\x9f\x98\x80", 4, &p);
    assert_desc_bad("\xf0\x9f\x98\x80z", 5, &p, 4, NULL);

    p.description_max = UINT32_MAX;
    assert_desc_ok(buf, sizeof buf, &p);

    ptr_policy_init_otc(&p);
    assert_desc_ok(buf, 255, &p);
    assert_desc_bad(buf, 256, &p, 255, NULL);
}

/* Every kind of malformed UTF-8, after a two-byte prefix so offsets are visible. */
static void test_bad_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *why;
    } cases[] = {
#define C(lit, why) {lit, sizeof(lit) - 1, why}
        C("\x80", "continuation"),
        C("\xbf", "continuation"),
        C("\x80\x80", "continuation"),
        C("\xc0\x80", "overlong"), /* U+0000 in two bytes ("modified UTF-8") */
        C("\xc0\xaf", "overlong"), /* '/' in two bytes: the classic path bypass */
        C("\xc1\xbf", "overlong"),
        C("\xe0\x80\x80", "overlong"),
        C("\xe0\x80\xaf", "overlong"),
        C("\xe0\x9f\xbf", "overlong"), /* U+07FF in three bytes */
        C("\xf0\x80\x80\x80", "overlong"),
        C("\xf0\x80\x80\xaf", "overlong"),
        C("\xf0\x8f\xbf\xbf", "overlong"),          /* U+FFFF in four bytes */
        C("\xed\xa0\x80", "surrogate"),             /* U+D800 */
        C("\xed\xad\xbf", "surrogate"),             /* U+DB7F */
        C("\xed\xb0\x80", "surrogate"),             /* U+DC00 */
        C("\xed\xbf\xbf", "surrogate"),             /* U+DFFF */
        C("\xed\xa0\xbd\xed\xb8\x80", "surrogate"), /* CESU-8 pair for U+1F600 */
        C("\xf4\x90\x80\x80", "above U+10FFFF"),    /* U+110000 */
        C("\xf4\xbf\xbf\xbf", "above U+10FFFF"),
        C("\xf5\x80\x80\x80", "0xF5..0xFF"),
        C("\xf7\xbf\xbf\xbf", "0xF5..0xFF"),
        C("\xf8\x88\x80\x80\x80", "0xF5..0xFF"), /* old 5-byte form */
        C("\xfc\x84\x80\x80\x80\x80", "0xF5..0xFF"),
        C("\xfe", "0xF5..0xFF"),
        C("\xff", "0xF5..0xFF"),
        C("\xff\xfe", "0xF5..0xFF"),
        C("\xc3", "incomplete"),
        C("\xc3z", "incomplete"),
        C("\xc3\xc3\xa9", "incomplete"),
        C("\xe2\x82", "incomplete"),
        C("\xe2", "incomplete"),
        C("\xe2z\xac", "incomplete"),
        C("\xe2\x82z", "incomplete"),
        C("\xe2\x82\xe2\x82\xac", "incomplete"),
        C("\xf0\x9f\x98", "incomplete"),
        C("\xf0\x9f", "incomplete"),
        C("\xf0", "incomplete"),
        C("\xf0\x9f\x98z", "incomplete"),
        C("\xf0\x9fz\x80", "incomplete"),
        C("\xe0", "incomplete"),
        C("\xed", "incomplete"),
        C("\xf4", "incomplete"),
        C("\xc3\x00", "incomplete"),
#undef C
    };
    unsigned char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* At the start, after ASCII, after a multi-byte character, and followed by text. */
        assert_desc_bad(cases[i].bytes, cases[i].len, NULL, 0, cases[i].why);
        memcpy(buf, "ab", 2);
        memcpy(buf + 2, cases[i].bytes, cases[i].len);
        assert_desc_bad(buf, 2 + cases[i].len, NULL, 2, cases[i].why);
        memcpy(buf, "\xc3\xa9\xe2\x82\xac", 5);
        memcpy(buf + 5, cases[i].bytes, cases[i].len);
        memcpy(buf + 5 + cases[i].len, "tail", 4);
        assert_desc_bad(buf, 5 + cases[i].len + 4, NULL, 5, cases[i].why);
    }
}

/* The valid neighbours of every invalid range. */
static void test_utf8_boundaries_valid(void **state)
{
    (void)state;
    assert_lit_ok("\x7e");             /* U+007E */
    assert_lit_ok("\xc2\xa0");         /* U+00A0, first allowed two-byte */
    assert_lit_ok("\xdf\xbf");         /* U+07FF */
    assert_lit_ok("\xe0\xa0\x80");     /* U+0800 */
    assert_lit_ok("\xed\x9f\xbf");     /* U+D7FF, below the surrogates */
    assert_lit_ok("\xee\x80\x80");     /* U+E000, above them (private use) */
    assert_lit_ok("\xef\xbf\xbd");     /* U+FFFD */
    assert_lit_ok("\xef\xbf\xbf");     /* U+FFFF, a noncharacter, but a scalar value */
    assert_lit_ok("\xf0\x90\x80\x80"); /* U+10000 */
    assert_lit_ok("\xf3\xbf\xbf\xbf"); /* U+FFFFF */
    assert_lit_ok("\xf4\x80\x80\x80"); /* U+100000 */
    assert_lit_ok("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
    assert_lit_ok("\xef\xbb\xbf"
                  "BOM"); /* U+FEFF is allowed text */
    assert_lit_ok("Gr\xc3\xbc\xc3\x9f"
                  "e aus K\xc3\xb6ln, \xe4\xb8\xad\xe6\x96\x87, "
                  "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xf0\x9f\x93\xa7");
}

/* Every code point that is refused, and the allowed ones next to each range. */
static void test_refused_code_points(void **state)
{
    (void)state;
    unsigned char buf[16];
    static const struct {
        uint32_t lo, hi;
        const char *why;
    } refused[] = {
        {0x00, 0x1F, "control character"},
        {0x7F, 0x9F, "control character"},
        {0x2028, 0x2029, "line or paragraph separator"},
        {0x202A, 0x202E, "bidirectional"},
        {0x2066, 0x2069, "bidirectional"},
    };
    for (size_t r = 0; r < sizeof refused / sizeof refused[0]; r++) {
        for (uint32_t cp = refused[r].lo; cp <= refused[r].hi; cp++) {
            buf[0] = 'x';
            size_t n = enc(cp, buf + 1);
            buf[1 + n] = 'y';
            assert_desc_bad(buf, n + 2, NULL, 1, refused[r].why);
            assert_desc_bad(buf + 1, n, NULL, 0, refused[r].why);
        }
    }
    static const uint32_t allowed[] = {
        0x20,   0x7E,   0xA0,   0xA1,   0xAD, /* soft hyphen: Cf, not a control */
        0x2027, 0x202F, 0x2065, 0x206A, 0x200B, 0x200D,  0x200E,
        0x200F, 0x061C, /* ZWSP, ZWJ, LRM, RLM, ALM */
        0x2060, 0x2064, 0x2030, 0x3000, 0xFFF9, 0xE0001, 0x1F3F3,
    };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        buf[0] = 'x';
        size_t n = enc(allowed[i], buf + 1);
        assert_desc_ok(buf, n + 1, NULL);
    }
    /* Specific ones by name, as they arrive on the wire. */
    assert_lit_bad("line1\nline2", 5, "control");
    assert_lit_bad("a\r\n", 1, "control");
    assert_lit_bad("tab\there", 3, "control");
    assert_lit_bad("nul\0byte", 3, "control");
    assert_lit_bad("\x1b[31mred", 0, "control");
    assert_lit_bad("del\x7f", 3, "control");
    assert_lit_bad("nel\xc2\x85", 3, "control");
    assert_lit_bad("csi\xc2\x9b"
                   "31m",
                   3, "control");
    assert_lit_bad("\xe2\x80\xae"
                   "evil",
                   0, "bidirectional");                     /* RLO */
    assert_lit_bad("ok \xe2\x81\xa6x", 3, "bidirectional"); /* LRI */
    assert_lit_bad("ls\xe2\x80\xa8"
                   "x",
                   2, "separator");                         /* U+2028 */
    assert_lit_bad("\xc3\xa9\xe2\x80\xa9", 2, "separator"); /* U+2029 */
}

/*
 * Precedence, in text order: the first code point with a problem is the one
 * reported; for that code point its encoding comes first, then the length,
 * then whether it is allowed.
 */
static void test_precedence(void **state)
{
    (void)state;
    unsigned char buf[300];
    memset(buf, 'a', sizeof buf);
    buf[255] = '\n';
    assert_desc_bad(buf, 256, NULL, 255, "longer than");
    buf[255] = 0x80;
    assert_desc_bad(buf, 256, NULL, 255, "continuation");
    buf[255] = 'a';
    buf[280] = 0xFF;
    assert_desc_bad(buf, 281, NULL, 255, "longer than");
    buf[10] = '\t';
    assert_desc_bad(buf, 281, NULL, 10, "control");
    assert_lit_bad("\t\xff", 0, "control");
    assert_lit_bad("\xff\t", 0, "0xF5..0xFF");
}

/* Only len bytes are read: no terminator needed, and what follows does not matter. */
static void test_length_is_the_bound(void **state)
{
    (void)state;
    const unsigned char no_nul[3] = {'a', 0xC3, 0xA9};
    assert_desc_ok(no_nul, sizeof no_nul, NULL);
    assert_desc_bad(no_nul, 2, NULL, 1, "incomplete");
    assert_desc_ok("ok\xff", 2, NULL);
    assert_desc_ok("ok\n", 2, NULL);
}

/* ---- property test against an independent reference decoder -------------------- */

/*
 * The reference: count the lead byte's high one bits for the length, gather
 * the continuation bits, then reject a code point that a shorter sequence
 * could hold, a surrogate, or one past U+10FFFF. The refused set is a table.
 * Returns the offset of the first problem, or SIZE_MAX; *count gets the code
 * points seen before it.
 */
static size_t ref_check(const unsigned char *s, size_t len, uint32_t max, uint32_t *count)
{
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    static const uint32_t banned[][2] = {
        {0x0, 0x1F}, {0x7F, 0x9F}, {0x2028, 0x2029}, {0x202A, 0x202E}, {0x2066, 0x2069}};
    uint32_t n = 0;
    size_t i = 0;
    while (i < len) {
        unsigned b = s[i];
        size_t ones = 0;
        while (ones < 8 && (b & (0x80u >> ones)))
            ones++;
        size_t seq = ones == 0 ? 1 : ones;
        if (ones == 1 || ones > 4 || i + seq > len)
            break;
        uint32_t cp = b & (0xFFu >> (ones + 1));
        size_t k;
        for (k = 1; k < seq; k++) {
            if ((s[i + k] >> 6) != 2)
                break;
            cp = (cp << 6) + (s[i + k] & 0x3Fu);
        }
        if (k < seq || cp < min_cp[seq] || (cp >= 0xD800 && cp < 0xE000) || cp > 0x10FFFF)
            break;
        if (n == max)
            break;
        int bad = 0;
        for (size_t r = 0; r < sizeof banned / sizeof banned[0]; r++)
            bad |= cp >= banned[r][0] && cp <= banned[r][1];
        if (bad)
            break;
        n++;
        i += seq;
    }
    *count = n;
    return i < len ? i : SIZE_MAX;
}

static uint32_t rnd_cp(uint64_t *rng, int spice)
{
    static const uint32_t edge[] = {
        0x00,   0x09,   0x0A,   0x0D,   0x1F,   0x20,   0x7E,    0x7F,     0x80,   0x85,   0x9F,
        0xA0,   0x7FF,  0x800,  0x2027, 0x2028, 0x2029, 0x202A,  0x202E,   0x202F, 0x2065, 0x2066,
        0x2069, 0x206A, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF, 0x200E, 0xFEFF};
    uint64_t r = ptr_test_rand(rng);
    if (spice && r % 100 == 0)
        return edge[(r >> 8) % (sizeof edge / sizeof edge[0])];
    switch ((r >> 8) % 10) {
    case 0: return 0xA0 + (uint32_t)((r >> 16) % (0x800 - 0xA0));
    case 1:
    case 2: {
        uint32_t cp = 0x800 + (uint32_t)((r >> 16) % (0x10000 - 0x800));
        if (cp >= 0xD800 && cp < 0xE000)
            cp -= 0x1000;
        if (cp >= 0x2028 && cp <= 0x206F)
            cp = 0x4E2D;
        return cp;
    }
    case 3: return 0x10000 + (uint32_t)((r >> 16) % 0x100000);
    default: return 0x20 + (uint32_t)((r >> 16) % 95);
    }
}

/* Mostly valid UTF-8, often close to 255 code points, sometimes damaged. */
static size_t gen(uint64_t *rng, unsigned char *buf)
{
    size_t len = 0;
    uint64_t r = ptr_test_rand(rng);
    int mode = (int)(r % 10);
    if (mode == 0) { /* raw random bytes */
        size_t n = (size_t)((r >> 8) % 24);
        for (size_t i = 0; i < n; i++)
            buf[len++] = (unsigned char)ptr_test_rand(rng);
        return len;
    }
    size_t cps = (r >> 8) & 1 ? 250 + (size_t)((r >> 16) % 11) : (size_t)((r >> 16) % 300);
    for (size_t i = 0; i < cps; i++)
        len += enc(rnd_cp(rng, mode >= 4), buf + len);
    if (mode < 7 || len == 0)
        return len;
    int damage = 1 + (int)((r >> 32) % 2);
    for (int d = 0; d < damage && len > 0; d++) {
        uint64_t q = ptr_test_rand(rng);
        size_t at = (size_t)((q >> 8) % len);
        unsigned char junk[4];
        size_t jn;
        switch (q % 7) {
        case 0: buf[at] = (unsigned char)(q >> 32); continue;
        case 1: len = at; continue; /* cut, maybe inside a sequence */
        case 2: jn = enc_n((uint32_t)((q >> 32) % 0x800), 2 + (size_t)((q >> 20) % 3), junk); break;
        case 3: jn = enc_n(0xD800 + (uint32_t)((q >> 32) % 0x800), 3, junk); break;
        case 4: jn = enc_n(0x110000 + (uint32_t)((q >> 32) % 0xEFFFF), 4, junk); break;
        case 5:
            junk[0] = (unsigned char)(0xF5 + (q >> 32) % 11);
            jn = 1;
            break;
        default:
            junk[0] = (unsigned char)(0xC2 + (q >> 32) % 0x33);
            jn = 1;
            break;
        }
        memmove(buf + at + jn, buf + at, len - at);
        memcpy(buf + at, junk, jn);
        len += jn;
    }
    return len;
}

static void check_against_ref(const unsigned char *buf, size_t len, uint32_t max,
                              const ptr_policy *p)
{
    uint32_t count = 0;
    size_t want = ref_check(buf, len, max, &count);
    ptr_error e;
    ptr_status st = ptr_description_check((const char *)buf, len, p, &e);
    if (want == SIZE_MAX) {
        assert_status(st, PTR_OK);
    } else {
        assert_status(st, PTR_E_DESCRIPTION);
        assert_error(&e, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0, want);
    }
}

static void test_property_vs_reference(void **state)
{
    (void)state;
    static unsigned char scratch[2048];
    uint64_t rng = 0xC0FFEE1234ULL;
    ptr_policy p;
    ptr_policy_init(&p);
    unsigned accepted = 0, rejected = 0, at_limit = 0, over_limit = 0;
    for (int iter = 0; iter < 120000; iter++) {
        size_t len = gen(&rng, scratch);
        /* An exact-size heap copy, so ASan and valgrind see any read past len. */
        unsigned char *buf = malloc(len ? len : 1);
        assert_non_null(buf);
        memcpy(buf, scratch, len);

        /* The default policy: 255. */
        uint32_t count = 0;
        size_t bad = ref_check(buf, len, 255, &count);
        check_against_ref(buf, len, 255, NULL);
        if (bad == SIZE_MAX)
            accepted++;
        else
            rejected++;

        /* The exact count, from the reference without a limit: max = count passes, count - 1 fails.
         */
        bad = ref_check(buf, len, UINT32_MAX, &count);
        if (bad == SIZE_MAX) {
            if (count == 255)
                at_limit++;
            if (count == 256)
                over_limit++;
            p.description_max = count;
            check_against_ref(buf, len, count, &p);
            if (count > 0) {
                p.description_max = count - 1;
                check_against_ref(buf, len, count - 1, &p);
            }
        }
        p.description_max = (uint32_t)(ptr_test_rand(&rng) % 300);
        check_against_ref(buf, len, p.description_max, &p);
        free(buf);
    }
    /* The generator must have exercised both sides and the boundary itself. */
    assert_true(accepted > 20000);
    assert_true(rejected > 20000);
    assert_true(at_limit > 500);
    assert_true(over_limit > 500);
}

/*
 * Printable ASCII of 0..40 bytes, around the checker's eight-byte steps, with
 * at every position a byte that ends the fast run (a control, DEL, a
 * continuation byte, a lead byte, a two-byte character), and limits just
 * around the length and the position: the reference agrees on each.
 */
static void test_ascii_runs(void **state)
{
    (void)state;
    static const unsigned char stops[][2] = {{0x1F, 0}, {0x7F, 0},    {0x80, 0},
                                             {0xFF, 0}, {0xC3, 0xA9}, {0xC2, 0x85}};
    unsigned char text[48];
    ptr_policy p;
    ptr_policy_init(&p);
    for (size_t len = 0; len <= 40; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
                for (size_t i = 0; i < len; i++)
                    text[i] = (unsigned char)(0x20 + (i * 7) % 95);
                const size_t n = len;
                if (at < len) {
                    text[at] = stops[k][0];
                    if (stops[k][1] && at + 1 < len)
                        text[at + 1] = stops[k][1];
                }
                unsigned char *buf = malloc(n ? n : 1);
                assert_non_null(buf);
                memcpy(buf, text, n);
                check_against_ref(buf, n, 255, NULL);
                const uint32_t a32 = (uint32_t)at, n32 = (uint32_t)n;
                const uint32_t limits[] = {0, 1, 7, 8, 9, a32, a32 + 1, n32, n32 + 1};
                for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
                    p.description_max = limits[l];
                    check_against_ref(buf, n, limits[l], &p);
                }
                free(buf);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_length_limit_each_width),
        cmocka_unit_test(test_length_limit_mixed),
        cmocka_unit_test(test_length_limit_policy),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_utf8_boundaries_valid),
        cmocka_unit_test(test_refused_code_points),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_length_is_the_bound),
        cmocka_unit_test(test_property_vs_reference),
        cmocka_unit_test(test_ascii_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
