/*
 * Zone export of what DNS should answer, beyond test_zone.c: a record that
 * waits for its delete (PENDING_DELETE, made the way the service makes one:
 * create, a push confirms it, delete) gives its default name through
 * ptr_ctx_zone_export and nothing through ptr_zone_export, pending creates
 * and updates give their new names; RFC 2317 classless blocks give a child
 * zone and, in the parent, the delegation and a CNAME per address (exact
 * text), and bad blocks are refused with every ptr_error field.
 */
#include <stddef.h>
#include <stdlib.h>

#include "ptr_test.h"

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

/* ---- a sink that keeps "== zone\n" then the zone's text, for every zone ---- */

typedef struct out {
    char text[65536];
    size_t len;
    size_t zones;
} out;

static void out_put(out *o, const char *s, size_t n)
{
    assert_true(o->len + n < sizeof o->text);
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len] = '\0';
}

static ptr_status o_begin(void *user, const char *zone, size_t len)
{
    out_put(user, "== ", 3);
    out_put(user, zone, len);
    out_put(user, "\n", 1);
    return PTR_OK;
}

static ptr_status o_write(void *user, const char *text, size_t len)
{
    out_put(user, text, len);
    return PTR_OK;
}

static ptr_status o_end(void *user)
{
    ((out *)user)->zones++;
    return PTR_OK;
}

static ptr_zone_sink sink_of(out *o)
{
    memset(o, 0, sizeof *o);
    return (ptr_zone_sink){o_begin, o_write, o_end, o};
}

/* The head every zone has with ptr_zone_options_init() and ns1.example.net. */
#define HEAD                                                                                       \
    "$TTL 3600\n"                                                                                  \
    "@\tIN\tSOA\tns1.example.net. hostmaster.example.com. (\n"                                     \
    "\t\t1\t; serial\n"                                                                            \
    "\t\t3600\t; refresh\n"                                                                        \
    "\t\t600\t; retry\n"                                                                           \
    "\t\t1209600\t; expire\n"                                                                      \
    "\t\t300 )\t; minimum: TTL of negative answers (RFC 2308)\n"                                   \
    "@\tIN\tNS\tns1.example.net.\n"

static const ptr_text NS1 = {PTR_LIT("ns1.example.net")};

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_record *rec;
} fx;

static void fx_init(fx *f)
{
    assert_status(ptr_memstore_new(NULL, &f->store), PTR_OK);
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.options |= PTR_POLICY_IPV6;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.policy = &pol;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, NULL), PTR_OK);
    assert_status(ptr_record_new(NULL, &f->rec), PTR_OK);
}

static void fx_done(fx *f)
{
    ptr_record_free(f->rec);
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
}

static void create(fx *f, const char *addr, const char *name, uint32_t ttl)
{
    ptr_text n = {name, strlen(name)};
    ptr_request r;
    ptr_request_init(&r);
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    r.ttl = ttl;
    r.flags |= PTR_REQUEST_TTL;
    assert_status(ptr_ctx_create(f->ctx, &P1, &r, f->rec, NULL), PTR_OK);
}

/* A push reached the servers for the record's current revision: it is ACTIVE, in DNS. */
static void confirm(fx *f, const char *addr)
{
    assert_status(ptr_ctx_get(f->ctx, &P1, addr, strlen(addr), f->rec, NULL), PTR_OK);
    ptr_dns_result r = {
        *ptr_record_address(f->rec), ptr_record_revision(f->rec), PTR_DNS_ACTIVE, {"", 0}, 0};
    assert_status(ptr_ctx_dns_results(f->ctx, PTR_LIT("r1"), &r, 1, NULL), PTR_OK);
    assert_int_equal(r.applied, 1);
}

/* ---- deleted records -------------------------------------------------------------- */

static void deleted_gives_default_name(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    create(&f, "203.0.113.9", "keep.example.com", 600);
    create(&f, "203.0.113.10", "old.example.com", 600);
    create(&f, "203.0.113.11", "before.example.com", 600);
    create(&f, "198.51.100.7", "gone.example.com", 600);
    confirm(&f, "203.0.113.9");
    confirm(&f, "203.0.113.10");
    confirm(&f, "203.0.113.11");
    confirm(&f, "198.51.100.7");
    /* A deleted record DNS had stays, PENDING_DELETE with action DELETE. */
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.10"), NULL), PTR_OK);
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("198.51.100.7"), NULL), PTR_OK);
    assert_status(ptr_ctx_get(f.ctx, &P1, PTR_LIT("203.0.113.10"), f.rec, NULL), PTR_OK);
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_DELETE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_DELETE);
    /* A pending update gives its new names; a pending create its names. */
    ptr_text n = {PTR_LIT("after.example.com")};
    ptr_request r;
    ptr_request_init(&r);
    r.flags = PTR_REQUEST_NAMES;
    r.names = &n;
    r.name_count = 1;
    assert_status(ptr_ctx_update(f.ctx, &P1, PTR_LIT("203.0.113.11"), &r, f.rec, NULL), PTR_OK);
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_UPDATE);
    create(&f, "203.0.113.12", "new.example.com", 600);

    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.ns = &NS1;
    o.ns_count = 1;
    out w;
    ptr_zone_sink sink = sink_of(&w);
    size_t zones = 9;
    assert_status(ptr_ctx_zone_export(f.ctx, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 2);
    /* The default name and TTL are what ptr_ctx_resolve answers (policy defaults: 300). */
    assert_string_equal(w.text, "== 100.51.198.in-addr.arpa.\n"
                                "$ORIGIN 100.51.198.in-addr.arpa.\n" HEAD
                                "7\t300\tIN\tPTR\tecs-198-51-100-7.compute.example.com.\n"
                                "== 113.0.203.in-addr.arpa.\n"
                                "$ORIGIN 113.0.203.in-addr.arpa.\n" HEAD
                                "9\t600\tIN\tPTR\tkeep.example.com.\n"
                                "10\t300\tIN\tPTR\tecs-203-0-113-10.compute.example.com.\n"
                                "11\t600\tIN\tPTR\tafter.example.com.\n"
                                "12\t600\tIN\tPTR\tnew.example.com.\n");
    int is_default = 0;
    assert_status(ptr_ctx_resolve(f.ctx, &P1, PTR_LIT("203.0.113.10"), f.rec, &is_default, NULL),
                  PTR_OK);
    assert_int_equal(is_default, 1);
    assert_string_equal(ptr_record_name(f.rec, 0, NULL), "ecs-203-0-113-10.compute.example.com.");

    /* Without a context there is no policy to name it: the address is left out, and a zone
     * that only had it is not written. */
    sink = sink_of(&w);
    assert_status(ptr_zone_export(f.store, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 1);
    assert_null(strstr(w.text, "old.example.com"));
    assert_null(strstr(w.text, "gone.example.com"));
    assert_null(strstr(w.text, "\n10\t"));
    assert_non_null(strstr(w.text, "\n9\t600\tIN\tPTR\tkeep.example.com.\n"));

    /* Once a push confirms the delete, the record is gone from the store. */
    confirm(&f, "203.0.113.10");
    assert_status(ptr_ctx_get(f.ctx, &P1, PTR_LIT("203.0.113.10"), f.rec, NULL), PTR_E_NOT_FOUND);

    ptr_error err;
    assert_status(ptr_ctx_zone_export(NULL, PTR_LIT("r1"), &o, &sink, &zones, &err), PTR_E_INVAL);
    assert_int_equal(zones, 0);
    assert_non_null(strstr(err.message, "context"));
    fx_done(&f);
}

/* ---- RFC 2317 ------------------------------------------------------------------------ */

static ptr_zone_block block(const char *net, uint32_t len)
{
    ptr_zone_block b;
    memset(&b, 0, sizeof b);
    assert_status(ptr_addr_parse(net, strlen(net), &b.net), PTR_OK);
    b.prefix_len = len;
    return b;
}

static void classless_text(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    create(&f, "203.0.113.1", "one.example.com", 600);
    create(&f, "203.0.113.2", "two.example.com", 600);
    create(&f, "203.0.113.5", "five.example.com", 600);
    create(&f, "203.0.113.200", "high.example.com", 600);
    create(&f, "2001:db8::1", "v6.example.com", 600);
    /* Given out of order: the export sorts them. 198.51.100.0/24 has no record, yet gets
     * its zone and the child's, for the delegation. */
    const ptr_zone_block blocks[] = {block("203.0.113.4", 30), block("198.51.100.128", 31),
                                     block("203.0.113.0", 31)};
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.ns = &NS1;
    o.ns_count = 1;
    o.classless = blocks;
    o.classless_count = 3;
    out w;
    ptr_zone_sink sink = sink_of(&w);
    size_t zones = 0;
    assert_status(ptr_ctx_zone_export(f.ctx, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 6);
    assert_string_equal(
        w.text, "== 100.51.198.in-addr.arpa.\n"
                "$ORIGIN 100.51.198.in-addr.arpa.\n" HEAD "128/31\tIN\tNS\tns1.example.net.\n"
                "128\tIN\tCNAME\t128.128/31.100.51.198.in-addr.arpa.\n"
                "129\tIN\tCNAME\t129.128/31.100.51.198.in-addr.arpa.\n"
                "== 128/31.100.51.198.in-addr.arpa.\n"
                "$ORIGIN 128/31.100.51.198.in-addr.arpa.\n" HEAD "== 113.0.203.in-addr.arpa.\n"
                "$ORIGIN 113.0.203.in-addr.arpa.\n" HEAD "2\t600\tIN\tPTR\ttwo.example.com.\n"
                "200\t600\tIN\tPTR\thigh.example.com.\n"
                "0/31\tIN\tNS\tns1.example.net.\n"
                "0\tIN\tCNAME\t0.0/31.113.0.203.in-addr.arpa.\n"
                "1\tIN\tCNAME\t1.0/31.113.0.203.in-addr.arpa.\n"
                "4/30\tIN\tNS\tns1.example.net.\n"
                "4\tIN\tCNAME\t4.4/30.113.0.203.in-addr.arpa.\n"
                "5\tIN\tCNAME\t5.4/30.113.0.203.in-addr.arpa.\n"
                "6\tIN\tCNAME\t6.4/30.113.0.203.in-addr.arpa.\n"
                "7\tIN\tCNAME\t7.4/30.113.0.203.in-addr.arpa.\n"
                "== 0/31.113.0.203.in-addr.arpa.\n"
                "$ORIGIN 0/31.113.0.203.in-addr.arpa.\n" HEAD "1\t600\tIN\tPTR\tone.example.com.\n"
                "== 4/30.113.0.203.in-addr.arpa.\n"
                "$ORIGIN 4/30.113.0.203.in-addr.arpa.\n" HEAD "5\t600\tIN\tPTR\tfive.example.com.\n"
                "== 0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n"
                "$ORIGIN 0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n" HEAD
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\t600\tIN\tPTR\tv6.example.com.\n");

    /* A /25 gets 128 CNAMEs; records on both sides of it stay in the parent. */
    create(&f, "203.0.113.130", "in.example.com", 600);
    const ptr_zone_block half = block("203.0.113.128", 25);
    o.classless = &half;
    o.classless_count = 1;
    sink = sink_of(&w);
    assert_status(ptr_ctx_zone_export(f.ctx, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 3);
    size_t cnames = 0;
    for (const char *p = w.text; (p = strstr(p, "\tIN\tCNAME\t")) != NULL; p++)
        cnames++;
    assert_int_equal(cnames, 128);
    assert_non_null(strstr(w.text, "\n255\tIN\tCNAME\t255.128/25.113.0.203.in-addr.arpa.\n"));
    assert_non_null(strstr(w.text, "== 128/25.113.0.203.in-addr.arpa.\n"
                                   "$ORIGIN 128/25.113.0.203.in-addr.arpa.\n" HEAD
                                   "130\t600\tIN\tPTR\tin.example.com.\n"
                                   "200\t600\tIN\tPTR\thigh.example.com.\n== "));
    assert_non_null(strstr(w.text, "\n5\t600\tIN\tPTR\tfive.example.com.\n128/25\tIN\tNS\t"));

    /* Options of libptr 0.2.1 (no classless fields) are still read, without blocks. */
    o.struct_size = (uint32_t)offsetof(ptr_zone_options, classless);
    sink = sink_of(&w);
    assert_status(ptr_ctx_zone_export(f.ctx, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 2);
    assert_null(strstr(w.text, "CNAME"));
    fx_done(&f);
}

static void refused(const ptr_zone_block *b, size_t n, uint32_t index, const char *why)
{
    ptr_store *s = NULL;
    assert_status(ptr_memstore_new(NULL, &s), PTR_OK);
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.classless = b;
    o.classless_count = n;
    out w;
    ptr_zone_sink sink = sink_of(&w);
    size_t zones = 7;
    ptr_error err;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, &err), PTR_E_INVAL);
    assert_int_equal(err.status, PTR_E_INVAL);
    assert_int_equal(err.field, b ? PTR_FIELD_ADDRESS : PTR_FIELD_NONE);
    assert_int_equal(err.index, index);
    assert_int_equal(err.offset, 0);
    if (!strstr(err.message, why))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, why);
    assert_int_equal(zones, 0);
    assert_int_equal(w.len, 0);
    ptr_store_free(s);
}

static void classless_errors(void **state)
{
    (void)state;
    const ptr_zone_block ok = block("203.0.113.0", 26);
    ptr_zone_block b[3] = {ok, ok, ok};
    b[1] = block("2001:db8::", 120);
    refused(b, 2, 1, "classless block 1: RFC 2317 delegates IPv4 blocks only");
    b[1] = block("203.0.114.0", 24);
    refused(b, 2, 1, "classless block 1: the prefix length must be 25 to 31");
    b[1] = block("203.0.114.7", 32);
    refused(b, 2, 1, "the prefix length must be 25 to 31");
    b[0] = block("203.0.113.4", 25);
    refused(b, 1, 0, "classless block 0: bits beyond the prefix length are set");
    /* Overlaps: the later block is named, with the earlier one it overlaps. */
    b[0] = block("198.51.100.0", 25);
    b[1] = block("203.0.113.32", 27);
    b[2] = block("203.0.113.0", 26);
    refused(b, 3, 2, "classless block 2 overlaps block 1");
    b[2] = block("203.0.113.32", 27);
    refused(b, 3, 2, "classless block 2 overlaps block 1");
    b[2] = block("198.51.100.126", 31);
    refused(b, 3, 2, "classless block 2 overlaps block 0");
    refused(NULL, 1, 0, "classless is NULL");
    /* Adjacent blocks, and the same offsets in different /24s, are fine. */
    ptr_store *s = NULL;
    assert_status(ptr_memstore_new(NULL, &s), PTR_OK);
    const ptr_zone_block fine[] = {block("203.0.113.0", 26), block("203.0.113.64", 26),
                                   block("198.51.100.0", 26)};
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.classless = fine;
    o.classless_count = 3;
    out w;
    ptr_zone_sink sink = sink_of(&w);
    size_t zones = 0;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 5);
    ptr_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deleted_gives_default_name),
        cmocka_unit_test(classless_text),
        cmocka_unit_test(classless_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
