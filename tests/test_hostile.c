/*
 * Hostile input: one test per class of input that has bitten, or could bite,
 * code that takes text from tenants. Each input is written out here, so a
 * reader sees exactly what is refused. Every refusal goes through
 * ptr_ctx_create over the memory store and checks three things: the status,
 * the field the error names (so a refusal for the wrong reason fails), and
 * that the store is exactly as it was.
 */
#include <stdlib.h>

#include "ptr_test.h"
#include "store_conformance.h"

static const ptr_scope S = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
} fx;

static fx *fx_new(unsigned options)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_status(ptr_memstore_new(NULL, &f->store), PTR_OK);
    ptr_policy p;
    ptr_policy_init(&p);
    p.options = options;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.policy = &p;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, NULL), PTR_OK);
    /* One record already there, so "unchanged" is not trivially "empty". */
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("existing.example.com")};
    r.address = (ptr_text){PTR_LIT("198.51.100.1")};
    r.names = &n;
    r.name_count = 1;
    assert_status(ptr_ctx_create(f->ctx, &S, &r, NULL, NULL), PTR_OK);
    return f;
}

static void fx_free(fx *f)
{
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
    free(f);
}

/* A valid request to spoil one field of: one name, no tags. */
static ptr_request base_request(const ptr_text *name)
{
    ptr_request r;
    ptr_request_init(&r);
    r.address = (ptr_text){PTR_LIT("203.0.113.10")};
    r.names = name;
    r.name_count = 1;
    return r;
}

static const ptr_text OK_NAME = {PTR_LIT("mail.example.com")};

/*
 * Create with scope and request: refused with status, naming field (and
 * index), and the store unchanged. Returns the error for further checks.
 */
static ptr_error refused(fx *f, const ptr_scope *scope, const ptr_request *r, ptr_status status,
                         ptr_field field, uint32_t index)
{
    char *before = store_dump(f->store);
    ptr_error err;
    memset(&err, 0, sizeof err);
    ptr_status st = ptr_ctx_create(f->ctx, scope, r, NULL, &err);
    if (st != status || err.field != field || err.index != index) {
        print_error("create: got %s field %s[%u] \"%s\"; want %s field %s[%u]\n",
                    ptr_status_name(st), ptr_field_name(err.field), (unsigned)err.index,
                    err.message, ptr_status_name(status), ptr_field_name(field), (unsigned)index);
        fail();
    }
    assert_int_equal(err.status, st);
    assert_true(err.message[0] != '\0');
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
    return err;
}

/* ---- embedded NUL ------------------------------------------------------------------------- */

/*
 * A NUL inside a text field must not end the field early (a C string
 * function would see "203.0.113.10" and accept it) nor pass into the store.
 */
static void nul_in_every_text_field(void **state)
{
    (void)state;
    fx *f = fx_new(0);
    ptr_request r;
    ptr_error e;

    static const char addr[] = "203.0.113.10\0.5";
    r = base_request(&OK_NAME);
    r.address = (ptr_text){addr, sizeof addr - 1};
    e = refused(f, &S, &r, PTR_E_ADDR, PTR_FIELD_ADDRESS, 0);
    assert_true(e.offset <= sizeof addr - 1);

    static const char name[] = "mail\0.example.com";
    const ptr_text nul_name[] = {{PTR_LIT("ok.example.com")}, {name, sizeof name - 1}};
    r = base_request(nul_name);
    r.name_count = 2;
    e = refused(f, &S, &r, PTR_E_NAME, PTR_FIELD_NAME, 1);
    assert_int_equal(e.offset, 4);

    static const char desc[] = "fine\0then hidden";
    r = base_request(&OK_NAME);
    r.description = (ptr_text){desc, sizeof desc - 1};
    e = refused(f, &S, &r, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0);
    assert_int_equal(e.offset, 4);

    static const char key[] = "env\0x", val[] = "prod\0x";
    const ptr_tag bad_key[] = {{PTR_LIT("a"), PTR_LIT("b")}, {key, sizeof key - 1, PTR_LIT("v")}};
    r = base_request(&OK_NAME);
    r.tags = bad_key;
    r.tag_count = 2;
    refused(f, &S, &r, PTR_E_TAG, PTR_FIELD_TAG_KEY, 1);
    const ptr_tag bad_val[] = {{PTR_LIT("env"), val, sizeof val - 1}};
    r.tags = bad_val;
    r.tag_count = 1;
    refused(f, &S, &r, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 0);

    static const char region[] = "r1\0x", project[] = "p1\0x", owner[] = "o1\0x";
    r = base_request(&OK_NAME);
    const ptr_scope s1 = {{region, sizeof region - 1}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
    refused(f, &s1, &r, PTR_E_INVAL, PTR_FIELD_REGION, 0);
    const ptr_scope s2 = {{PTR_LIT("r1")}, {project, sizeof project - 1}, {PTR_LIT("o1")}};
    refused(f, &s2, &r, PTR_E_INVAL, PTR_FIELD_PROJECT, 0);
    const ptr_scope s3 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {owner, sizeof owner - 1}};
    refused(f, &s3, &r, PTR_E_INVAL, PTR_FIELD_OWNER, 0);

    /* The TTL as text: "300\0" is not 300. */
    uint32_t t = 7;
    assert_status(ptr_ttl_parse("300\0", 4, &t), PTR_E_TTL);
    fx_free(f);
}

/* ---- overlong everything ------------------------------------------------------------------ */

#define BIG  (64 * 1024)
#define MANY 10000

/*
 * 64 KiB fields and 10,000-element lists: refused with the right field. A
 * check that is quadratic in the input (comparing every name or tag with
 * every other before counting them) would make these take minutes.
 */
static void overlong_everything(void **state)
{
    (void)state;
    fx *f = fx_new(0);
    char *big = malloc(BIG);
    assert_non_null(big);
    ptr_request r;

    /* A 64 KiB name of valid labels: "aaa…a.aaa…a…" */
    for (size_t i = 0; i < BIG; i++)
        big[i] = (i % 64 == 63) ? '.' : 'a';
    big[BIG - 1] = 'm';
    const ptr_text long_name = {big, BIG};
    r = base_request(&long_name);
    refused(f, &S, &r, PTR_E_NAME, PTR_FIELD_NAME, 0);

    memset(big, 'x', BIG);
    r = base_request(&OK_NAME);
    r.description = (ptr_text){big, BIG};
    refused(f, &S, &r, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0);

    const ptr_tag long_key = {big, BIG, PTR_LIT("v")};
    r.description = (ptr_text){NULL, 0};
    r.tags = &long_key;
    r.tag_count = 1;
    refused(f, &S, &r, PTR_E_TAG, PTR_FIELD_TAG_KEY, 0);
    const ptr_tag long_value = {PTR_LIT("k"), big, BIG};
    r.tags = &long_value;
    refused(f, &S, &r, PTR_E_TAG, PTR_FIELD_TAG_VALUE, 0);

    const ptr_text addr_text = {big, BIG};
    r = base_request(&OK_NAME);
    r.address = addr_text;
    refused(f, &S, &r, PTR_E_ADDR, PTR_FIELD_ADDRESS, 0);

    /* 10,000 names, all the same: the count is refused before any duplicate search. */
    ptr_text *names = malloc(MANY * sizeof *names);
    assert_non_null(names);
    for (size_t i = 0; i < MANY; i++)
        names[i] = OK_NAME;
    r = base_request(names);
    r.name_count = MANY;
    refused(f, &S, &r, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, 0);

    ptr_tag *tags = malloc(MANY * sizeof *tags);
    assert_non_null(tags);
    for (size_t i = 0; i < MANY; i++)
        tags[i] = (ptr_tag){PTR_LIT("k"), PTR_LIT("v")};
    r = base_request(&OK_NAME);
    r.tags = tags;
    r.tag_count = MANY;
    refused(f, &S, &r, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, 10); /* the first tag over the limit */

    /* 64 KiB of scope. */
    memset(big, 'a', BIG);
    const ptr_scope wide = {{big, BIG}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
    r = base_request(&OK_NAME);
    refused(f, &wide, &r, PTR_E_INVAL, PTR_FIELD_REGION, 0);

    free(tags);
    free(names);
    free(big);
    fx_free(f);
}

/* ---- Punycode ------------------------------------------------------------------------------ */

/*
 * IDNs arrive as xn-- labels that must be valid Punycode (RFC 3492). The
 * decoder's arithmetic is where overflow lives: deltas of many digits, and
 * code points beyond U+10FFFF.
 */
static void punycode_overflow_and_edges(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "xn--99999999999999999999999a.example.com", /* delta overflows 32 bits */
        "xn--9999999a.example.com",                 /* decodes to U+1C6510E9, above U+10FFFF */
        "xn--99999999a.example.com",                /* decodes past 2^32 */
        "xn--a999999999.example.com",               /* i + digit * w wraps */
        "xn--.example.com",                         /* nothing after the prefix */
        "xn---.example.com",                        /* only a delimiter */
        "xn--a-.example.com",                       /* delimiter, then no digits */
        "xn--ab-9.example.com",                     /* a digit sequence cut short */
        "xn---9.example.com",                       /* a digit sequence with no end */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ptr_error e;
        if (ptr_name_check(bad[i], strlen(bad[i]), 0, &e) != PTR_E_NAME) {
            print_error("accepted: %s\n", bad[i]);
            fail();
        }
        assert_int_equal(e.field, PTR_FIELD_NAME);
        assert_true(e.offset <= strlen(bad[i]));
    }
    static const char *const good[] = {
        "xn--mnchen-3ya.example.com", /* münchen */
        "XN--MNCHEN-3YA.example.com", /* the prefix and digits in any case */
        "xn--ls8h.example.com",       /* U+1F4A9, beyond the BMP */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_status(ptr_name_check(good[i], strlen(good[i]), 0, NULL), PTR_OK);

    /* Through a create too: the overflow is refused there, not only by the checker. */
    fx *f = fx_new(0);
    const ptr_text n = {PTR_LIT("xn--99999999999999999999999a.example.com")};
    ptr_request r = base_request(&n);
    refused(f, &S, &r, PTR_E_NAME, PTR_FIELD_NAME, 0);
    fx_free(f);
}

/* ---- IPv4-mapped and -compatible IPv6 ----------------------------------------------------- */

/*
 * "::ffff:203.0.113.10" is IPv6 text. With IPv6 off it must be refused (not
 * quietly turned into 203.0.113.10, which would let a tenant reach the IPv4
 * record through a side door); with IPv6 on it is an IPv6 address, and its
 * record never collides with or shadows the IPv4 one.
 */
static void mapped_and_compat_ipv6(void **state)
{
    (void)state;
    static const char *const v6[] = {"::ffff:203.0.113.10", "::203.0.113.10", "::ffff:cb00:710a",
                                     "0:0:0:0:0:ffff:203.0.113.10/128"};
    fx *off = fx_new(0);
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        ptr_request r = base_request(&OK_NAME);
        r.address = (ptr_text){v6[i], strlen(v6[i])};
        refused(off, &S, &r, PTR_E_ADDR_FORBIDDEN, PTR_FIELD_ADDRESS, 0);
    }
    fx_free(off);

    fx *on = fx_new(PTR_POLICY_IPV6);
    ptr_request r4 = base_request(&OK_NAME);
    assert_status(ptr_ctx_create(on->ctx, &S, &r4, NULL, NULL), PTR_OK);
    ptr_record *rec;
    assert_status(ptr_record_new(NULL, &rec), PTR_OK);
    for (size_t i = 0; i < 2; i++) {
        const ptr_text n = {PTR_LIT("v6.example.com")};
        ptr_request r = base_request(&n);
        r.address = (ptr_text){v6[i], strlen(v6[i])};
        assert_status(ptr_ctx_create(on->ctx, &S, &r, rec, NULL), PTR_OK);
        assert_int_equal(ptr_record_address(rec)->family, 6);
    }
    /* The IPv4 record still answers with its own name. */
    assert_status(ptr_ctx_get(on->ctx, &S, PTR_LIT("203.0.113.10"), rec, NULL), PTR_OK);
    size_t len;
    const char *nm = ptr_record_name(rec, 0, &len);
    assert_int_equal(len, strlen("mail.example.com."));
    assert_memory_equal(nm, "mail.example.com.", len);
    /* The hex form of a mapped address is the same address as its dotted form. */
    ptr_request again = base_request(&OK_NAME);
    again.address = (ptr_text){PTR_LIT("::ffff:cb00:710a")};
    refused(on, &S, &again, PTR_E_EXISTS, PTR_FIELD_ADDRESS, 0);
    ptr_record_free(rec);
    fx_free(on);
}

/* ---- TTL text ------------------------------------------------------------------------------ */

/* "1h30" reads as 90 minutes to a person and as nothing to the grammar: refuse, don't guess. */
static void ttl_text_edges(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "1h30", "30m1", "1h30s5", "h",    "1hh", "1 h",        " 300",
        "300 ", "+300", "-1",     "0x10", "1e3", "4294967296", "99999999999999999999",
        "1.5",  "",     "5M0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t v = 12345;
        if (ptr_ttl_parse(bad[i], strlen(bad[i]), &v) != PTR_E_TTL) {
            print_error("accepted TTL text \"%s\" as %u\n", bad[i], (unsigned)v);
            fail();
        }
    }
    uint32_t v = 0;
    assert_status(ptr_ttl_parse(PTR_LIT("1h30m"), &v), PTR_OK);
    assert_int_equal(v, 5400);

    /* Numeric TTLs outside the range, through a create. */
    fx *f = fx_new(0);
    static const int64_t ttls[] = {0, -2, 2147483648LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof ttls / sizeof ttls[0]; i++) {
        ptr_request r = base_request(&OK_NAME);
        r.ttl = ttls[i];
        refused(f, &S, &r, PTR_E_TTL, PTR_FIELD_TTL, 0);
    }
    fx_free(f);
}

/* ---- descriptions that lie about their direction or their lines ---------------------------- */

/*
 * Bidi controls (Trojan Source, CVE-2021-42574) make a description display
 * other than it reads; U+2028/U+2029 end a line in JavaScript and in some
 * log viewers. All are refused, at their byte offset.
 */
static void bidi_and_line_separators(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t off;
    } bad[] = {
        {"abc\xe2\x80\xae"
         "cba",
         3},                         /* U+202E RIGHT-TO-LEFT OVERRIDE */
        {"ab\xe2\x80\xaa", 2},       /* U+202A LEFT-TO-RIGHT EMBEDDING */
        {"\xe2\x81\xa6x", 0},        /* U+2066 LEFT-TO-RIGHT ISOLATE */
        {"x\xe2\x81\xa9", 1},        /* U+2069 POP DIRECTIONAL ISOLATE */
        {"line\xe2\x80\xa8next", 4}, /* U+2028 LINE SEPARATOR */
        {"para\xe2\x80\xa9next", 4}, /* U+2029 PARAGRAPH SEPARATOR */
        {"a\nb", 1},                 /* a plain newline */
        {"a\x7f", 1},                /* DEL */
        {"a\xc2\x85", 1},            /* U+0085 NEXT LINE (C1) */
        {"\xed\xa0\x80", 0},         /* a UTF-8 encoded surrogate */
        {"\xc0\xaf", 0},             /* an overlong '/' */
    };
    fx *f = fx_new(0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ptr_request r = base_request(&OK_NAME);
        r.description = (ptr_text){bad[i].s, strlen(bad[i].s)};
        ptr_error e = refused(f, &S, &r, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, 0);
        if (e.offset != bad[i].off) {
            print_error("description %zu: offset %zu, want %zu\n", i, e.offset, bad[i].off);
            fail();
        }
    }
    fx_free(f);
}

/* ---- the cloud's reserved tag prefix -------------------------------------------------------- */

/* "_sys_" is reserved in any case: "_SYS_" must not slip past a case-sensitive compare. */
static void reserved_tag_prefix_any_case(void **state)
{
    (void)state;
    static const char *const keys[] = {"_sys_", "_SYS_", "_Sys_owner", "_sYs_x", "_sys_ "};
    fx *f = fx_new(0);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const ptr_tag t[] = {{PTR_LIT("env"), PTR_LIT("prod")},
                             {keys[i], strlen(keys[i]), PTR_LIT("v")}};
        ptr_request r = base_request(&OK_NAME);
        r.tags = t;
        r.tag_count = 2;
        refused(f, &S, &r, PTR_E_TAG, PTR_FIELD_TAG_KEY, 1);
    }
    /* Not the prefix: these are ordinary keys. */
    static const char *const fine[] = {"_sys", "sys_x", "x_sys_"};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        assert_status(ptr_tag_check(fine[i], strlen(fine[i]), PTR_LIT("v"), NULL, NULL), PTR_OK);
    fx_free(f);
}

/* ---- zone-file injection ------------------------------------------------------------------- */

/*
 * A name reaches export-zone as master-file text. ';' starts a comment, '('
 * a multi-line record, '$' a directive, a newline a new record, '\' an
 * escape, '@' the origin: any of them in a stored name would let a tenant
 * write arbitrary records into the zone. They are refused at create.
 */
static void zone_file_injection(void **state)
{
    (void)state;
    static const char *const names[] = {
        "a.example.com;",
        "a.example.com. ; comment",
        "$ORIGIN.example.com",
        "x.example.com\n$ORIGIN evil.example",
        "x.example.com\r\nevil IN A 1.2.3.4",
        "a(.example.com",
        "a.example.com. ( 1 )",
        "a\\.b.example.com",
        "a\\032b.example.com",
        "@.example.com",
        "\"a\".example.com",
        "a b.example.com",
        "a\tb.example.com",
        "*.example.com",
        "a.example.com.\x00.evil",
    };
    fx *f = fx_new(0);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        /* The NUL case holds the NUL inside the literal, so take its full size. */
        size_t len = i == sizeof names / sizeof names[0] - 1 ? sizeof "a.example.com.\x00.evil" - 1
                                                             : strlen(names[i]);
        const ptr_text n = {names[i], len};
        ptr_request r = base_request(&n);
        refused(f, &S, &r, PTR_E_NAME, PTR_FIELD_NAME, 0);
    }
    fx_free(f);
}

/* ---- bugs found while writing libptr ------------------------------------------------------- */

/*
 * ptrctl import called qsort(NULL, 0, ...) for an empty input: undefined
 * behaviour (qsort's pointer is declared nonnull), which UBSan reports. The
 * same shape in the library is an empty batch: no crash, nothing changes.
 */
static void empty_batch(void **state)
{
    (void)state;
    fx *f = fx_new(0);
    char *before = store_dump(f->store);
    size_t created = 99;
    /* A batch of 1..50 addresses (service.h): an empty one is refused, not run. */
    assert_status(ptr_ctx_delete_batch(f->ctx, &S, NULL, 0, NULL), PTR_E_INVAL);
    ptr_status results[1];
    ptr_status st = ptr_ctx_create_many(f->ctx, &S, NULL, 0, 0, results, NULL, &created);
    /* NULL reqs is API misuse even for n = 0 (service.h); it must not crash either way. */
    assert_true(st == PTR_OK || st == PTR_E_INVAL);
    ptr_request none;
    ptr_request_init(&none);
    assert_status(ptr_ctx_create_many(f->ctx, &S, &none, 0, 0, results, NULL, &created), PTR_OK);
    assert_int_equal(created, 0);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nul_in_every_text_field),
        cmocka_unit_test(overlong_everything),
        cmocka_unit_test(punycode_overflow_and_edges),
        cmocka_unit_test(mapped_and_compat_ipv6),
        cmocka_unit_test(ttl_text_edges),
        cmocka_unit_test(bidi_and_line_separators),
        cmocka_unit_test(reserved_tag_prefix_any_case),
        cmocka_unit_test(zone_file_injection),
        cmocka_unit_test(empty_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
