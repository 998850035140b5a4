/*
 * Zone export: the exact text of small exports, zone cuts (IPv4 /24, IPv6 at
 * several nibble boundaries), names and TTLs, empty regions, option
 * validation with every ptr_error field, sink and store failures (through
 * the fault-injecting store), a store that breaks its contract, NULL
 * arguments, and a round trip of a larger random export through
 * ptr_revname_parse.
 */
#include <stddef.h>
#include <stdlib.h>

#include "fault_store.h"
#include "ptr_test.h"

/* ---- a sink that records everything and checks the call protocol ---------- */

typedef struct cap {
    char *text; /* every zone's text, one after the other */
    size_t len, room;
    char zone[64][PTR_REVNAME_BUFSZ];
    size_t zone_at[65]; /* where zone i's text starts in text; [nz] = len */
    size_t nz;
    int in_zone, begins, writes, ends;
    int fail_begin, fail_write, fail_end; /* fail the nth call (1-based); 0: never */
    ptr_status fail_with;
} cap;

static ptr_status cap_begin(void *user, const char *zone, size_t len)
{
    cap *c = user;
    assert_false(c->in_zone);
    assert_int_equal(zone[len], '\0');
    assert_int_equal(strlen(zone), len);
    assert_int_equal(zone[len - 1], '.');
    if (++c->begins == c->fail_begin)
        return c->fail_with;
    assert_true(c->nz < 64);
    memcpy(c->zone[c->nz], zone, len + 1);
    c->zone_at[c->nz] = c->len;
    c->in_zone = 1;
    return PTR_OK;
}

static ptr_status cap_write(void *user, const char *text, size_t len)
{
    cap *c = user;
    assert_true(c->in_zone);
    if (++c->writes == c->fail_write)
        return c->fail_with;
    if (c->len + len + 1 > c->room) {
        c->room = (c->len + len + 1) * 2;
        c->text = realloc(c->text, c->room);
        assert_non_null(c->text);
    }
    memcpy(c->text + c->len, text, len);
    c->len += len;
    c->text[c->len] = '\0';
    return PTR_OK;
}

static ptr_status cap_end(void *user)
{
    cap *c = user;
    assert_true(c->in_zone);
    if (++c->ends == c->fail_end)
        return c->fail_with;
    c->in_zone = 0;
    c->nz++;
    c->zone_at[c->nz] = c->len;
    return PTR_OK;
}

static ptr_zone_sink cap_sink(cap *c)
{
    memset(c, 0, sizeof *c);
    ptr_zone_sink s = {cap_begin, cap_write, cap_end, c};
    return s;
}

/* Zone i's text, NUL-terminated in a copy the test frees. */
static char *zone_text(const cap *c, size_t i)
{
    const size_t n = c->zone_at[i + 1] - c->zone_at[i];
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, c->text + c->zone_at[i], n);
    s[n] = '\0';
    return s;
}

#define assert_zone_text(c, i, want)                                                               \
    do {                                                                                           \
        char *got_ = zone_text((c), (i));                                                          \
        assert_string_equal(got_, (want));                                                         \
        free(got_);                                                                                \
    } while (0)

/* ---- filling a store ---------------------------------------------------------- */

/* One record straight into the store: names as given (a store keeps them normalized). */
static void add(ptr_store *s, const char *region, const char *address, uint32_t ttl,
                const char *names)
{
    ptr_record *r = NULL;
    ptr_addr a;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_addr_parse(address, strlen(address), &a), PTR_OK);
    assert_status(ptr_record_set_region(r, region, strlen(region)), PTR_OK);
    assert_status(ptr_record_set_project(r, PTR_LIT("p1")), PTR_OK);
    assert_status(ptr_record_set_owner(r, PTR_LIT("o1")), PTR_OK);
    assert_status(ptr_record_set_address(r, &a), PTR_OK);
    assert_status(ptr_record_set_ttl(r, ttl), PTR_OK);
    for (const char *p = names; *p;) { /* space-separated */
        const char *e = strchr(p, ' ');
        const size_t n = e ? (size_t)(e - p) : strlen(p);
        assert_status(ptr_record_add_name(r, p, n), PTR_OK);
        p += n + (e != NULL);
    }
    ptr_store_txn *txn = NULL;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_record_free(r);
}

static ptr_store *new_store(void)
{
    ptr_store *s = NULL;
    assert_status(ptr_memstore_new(NULL, &s), PTR_OK);
    return s;
}

#define SOA_DEFAULT                                                                                \
    "$TTL 3600\n"                                                                                  \
    "@\tIN\tSOA\tns1.example.com. hostmaster.example.com. (\n"                                     \
    "\t\t1\t; serial\n"                                                                            \
    "\t\t3600\t; refresh\n"                                                                        \
    "\t\t600\t; retry\n"                                                                           \
    "\t\t1209600\t; expire\n"                                                                      \
    "\t\t300 )\t; minimum: TTL of negative answers (RFC 2308)\n"                                   \
    "@\tIN\tNS\tns1.example.com.\n"

/* ---- output ----------------------------------------------------------------- */

static void defaults_exact(void **state)
{
    (void)state;
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.serial, 1);
    assert_null(o.ns);
    assert_int_equal(o.ns_count, 0);
    assert_int_equal(o.primary.len, 0);
    assert_int_equal(o.contact.len, 0);
    assert_int_equal(o.refresh, 3600);
    assert_int_equal(o.retry, 600);
    assert_int_equal(o.expire, 1209600);
    assert_int_equal(o.minimum, 300);
    assert_int_equal(o.default_ttl, 3600);
    assert_int_equal(o.ipv6_prefix, 64);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(o.reserved[i], 0);
    ptr_zone_options_init(NULL); /* ignored */

    ptr_store *s = new_store();
    add(s, "r1", "203.0.113.10", 300, "mail.example.com.");
    add(s, "r1", "203.0.113.9", 86400, "a.example.com. b.example.net.");
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    size_t zones = 99;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 1);
    assert_int_equal(c.nz, 1);
    assert_string_equal(c.zone[0], "113.0.203.in-addr.arpa.");
    assert_zone_text(&c, 0,
                     "$ORIGIN 113.0.203.in-addr.arpa.\n" SOA_DEFAULT
                     "9\t86400\tIN\tPTR\ta.example.com.\n"
                     "9\t86400\tIN\tPTR\tb.example.net.\n"
                     "10\t300\tIN\tPTR\tmail.example.com.\n");
    free(c.text);
    ptr_store_free(s);
}

static void options_exact(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    add(s, "r1", "192.0.2.1", 1, "x.example.");
    const ptr_text ns[] = {{PTR_LIT("NS-A.Example.NET")}, {PTR_LIT("ns-b.example.org.")}};
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.serial = 4294967295u; /* RFC 1982: the caller's business; written as it is */
    o.ns = ns;
    o.ns_count = 2;
    o.primary.s = "Primary.Example.NET";
    o.primary.len = strlen(o.primary.s);
    o.contact.s = "dns-admin.example.net.";
    o.contact.len = strlen(o.contact.s);
    o.refresh = 1;
    o.retry = 0;
    o.expire = 4294967295u;
    o.minimum = 2147483647u;
    o.default_ttl = 0;
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, NULL, NULL), PTR_OK);
    assert_int_equal(c.nz, 1);
    assert_zone_text(&c, 0,
                     "$ORIGIN 2.0.192.in-addr.arpa.\n"
                     "$TTL 0\n"
                     "@\tIN\tSOA\tprimary.example.net. dns-admin.example.net. (\n"
                     "\t\t4294967295\t; serial\n"
                     "\t\t1\t; refresh\n"
                     "\t\t0\t; retry\n"
                     "\t\t4294967295\t; expire\n"
                     "\t\t2147483647 )\t; minimum: TTL of negative answers (RFC 2308)\n"
                     "@\tIN\tNS\tns-a.example.net.\n"
                     "@\tIN\tNS\tns-b.example.org.\n"
                     "1\t1\tIN\tPTR\tx.example.\n");

    /* No primary: the first NS. */
    o.primary.s = NULL;
    o.primary.len = 0;
    free(c.text);
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, NULL, NULL), PTR_OK);
    assert_non_null(strstr(c.text, "\n@\tIN\tSOA\tns-a.example.net. dns-admin.example.net. (\n"));
    free(c.text);
    ptr_store_free(s);
}

static void several_zones_in_order(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    /* Inserted out of order, across four /24s and two regions. */
    add(s, "r1", "198.51.100.255", 60, "d.example.com.");
    add(s, "r1", "9.0.0.1", 60, "a.example.com.");
    add(s, "r1", "10.0.0.1", 120, "b.example.com.");
    add(s, "r2", "10.0.0.2", 60, "other.example.com.");
    add(s, "r1", "10.0.1.0", 60, "c.example.com.");
    add(s, "r1", "198.51.100.0", 60, "e.example.com.");
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    size_t zones = 0;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 4);
    assert_int_equal(c.nz, 4);
    assert_string_equal(c.zone[0], "0.0.9.in-addr.arpa.");
    assert_string_equal(c.zone[1], "0.0.10.in-addr.arpa.");
    assert_string_equal(c.zone[2], "1.0.10.in-addr.arpa.");
    assert_string_equal(c.zone[3], "100.51.198.in-addr.arpa.");
    assert_zone_text(
        &c, 1, "$ORIGIN 0.0.10.in-addr.arpa.\n" SOA_DEFAULT "1\t120\tIN\tPTR\tb.example.com.\n");
    assert_zone_text(
        &c, 2, "$ORIGIN 1.0.10.in-addr.arpa.\n" SOA_DEFAULT "0\t60\tIN\tPTR\tc.example.com.\n");
    assert_zone_text(&c, 3,
                     "$ORIGIN 100.51.198.in-addr.arpa.\n" SOA_DEFAULT
                     "0\t60\tIN\tPTR\te.example.com.\n"
                     "255\t60\tIN\tPTR\td.example.com.\n");
    assert_null(strstr(c.text, "other.example.com."));
    free(c.text);

    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r2"), NULL, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 1);
    assert_string_equal(c.zone[0], "0.0.10.in-addr.arpa.");
    assert_non_null(strstr(c.text, "\n2\t60\tIN\tPTR\tother.example.com.\n"));
    free(c.text);
    ptr_store_free(s);
}

static void ipv6_cuts(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    add(s, "r1", "203.0.113.1", 300, "v4.example.com.");
    add(s, "r1", "2001:db8::1", 300, "one.example.com.");
    add(s, "r1", "2001:db8:0:0:8000::1", 600, "two.example.com. three.example.com.");
    add(s, "r1", "2001:db8:0:1::1", 300, "four.example.com.");
    add(s, "r1", "2001:db8:1000::1", 300, "five.example.com.");
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    cap c;

    /* /64 (the default): IPv4 first, then three /64s. */
    ptr_zone_sink sink = cap_sink(&c);
    size_t zones = 0;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 4);
    assert_string_equal(c.zone[0], "113.0.203.in-addr.arpa.");
    assert_string_equal(c.zone[1], "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_string_equal(c.zone[2], "1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_string_equal(c.zone[3], "0.0.0.0.0.0.0.1.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_zone_text(&c, 1,
                     "$ORIGIN 0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n" SOA_DEFAULT
                     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\t300\tIN\tPTR\tone.example.com.\n"
                     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8\t600\tIN\tPTR\ttwo.example.com.\n"
                     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8\t600\tIN\tPTR\tthree.example.com.\n");
    free(c.text);

    /* /48: the first three records share a zone. */
    o.ipv6_prefix = 48;
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 3);
    assert_string_equal(c.zone[1], "0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_string_equal(c.zone[2], "0.0.0.1.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_non_null(strstr(c.text, "\n1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0\t300\tIN\tPTR\t"
                                   "four.example.com.\n"));
    free(c.text);

    /* /36 cuts inside a byte: 2001:db8:0xxx and 2001:db8:1xxx differ in the high nibble. */
    o.ipv6_prefix = 36;
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 3);
    assert_string_equal(c.zone[1], "0.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_string_equal(c.zone[2], "1.8.b.d.0.1.0.0.2.ip6.arpa.");
    free(c.text);

    /* /68 cuts inside a byte too: ::0 and ::8000 now differ. */
    o.ipv6_prefix = 68;
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 5);
    assert_string_equal(c.zone[2], "8.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    assert_zone_text(&c, 2,
                     "$ORIGIN 8.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n" SOA_DEFAULT
                     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0\t600\tIN\tPTR\ttwo.example.com.\n"
                     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0\t600\tIN\tPTR\tthree.example.com.\n");
    free(c.text);

    /* The extremes: one nibble of owner at /124, 31 at /4. */
    o.ipv6_prefix = 124;
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 5);
    assert_non_null(strstr(c.text, "\n1\t300\tIN\tPTR\tone.example.com.\n"));
    free(c.text);
    o.ipv6_prefix = 4;
    sink = cap_sink(&c);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 2);
    assert_string_equal(c.zone[1], "2.ip6.arpa.");
    assert_non_null(strstr(c.text, "\n1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0"
                                   "\t300\tIN\tPTR\tone.example.com.\n"));
    free(c.text);
    ptr_store_free(s);
}

static void empty_region(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    size_t zones = 99;
    /* An empty store, then a store whose records are all in another region. */
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 0);
    add(s, "r2", "192.0.2.1", 300, "x.example.com.");
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, 0);
    assert_int_equal(c.begins + c.writes + c.ends, 0);
    ptr_store_free(s);
}

/* ---- options ---------------------------------------------------------------- */

/* Export with o and expect the failure (status, field, index, offset) before any store or
 * sink call. */
static void check_refused(const ptr_zone_options *o, ptr_status st, ptr_field field, uint32_t index,
                          size_t offset, const char *in_message)
{
    ptr_store *inner = new_store(), *s = NULL;
    add(inner, "r1", "192.0.2.1", 300, "x.example.com.");
    fault_state *f = NULL;
    assert_status(fault_store_new(inner, &f, &s), PTR_OK);
    fault_arm(f, 0, PTR_OK, 0);
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    ptr_error err;
    memset(&err, 0xA5, sizeof err);
    size_t zones = 99;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), o, &sink, &zones, &err), st);
    assert_error(&err, st, field, index, offset);
    if (!strstr(err.message, in_message))
        fail_msg("message \"%s\" does not contain \"%s\"", err.message, in_message);
    assert_int_equal(zones, 0);
    assert_int_equal(fault_calls(f), 0);
    assert_int_equal(c.begins + c.writes + c.ends, 0);
    /* err is optional. */
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), o, &sink, NULL, NULL), st);
    ptr_store_free(s);
}

static void option_errors(void **state)
{
    (void)state;
    ptr_zone_options o;
    const uint32_t bad_prefixes[] = {0, 2, 63, 66, 128, 132, 1000};
    for (size_t i = 0; i < sizeof bad_prefixes / sizeof bad_prefixes[0]; i++) {
        ptr_zone_options_init(&o);
        o.ipv6_prefix = bad_prefixes[i];
        check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "ipv6_prefix");
    }
    ptr_zone_options_init(&o);
    o.struct_size = (uint32_t)offsetof(ptr_zone_options, classless) - 1; /* below libptr 0.2.1's */
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "struct_size");
    ptr_zone_options_init(&o);
    o.reserved[7] = 1;
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "reserved");
    ptr_zone_options_init(&o);
    o.default_ttl = 2147483648u;
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "default_ttl");
    ptr_zone_options_init(&o);
    o.minimum = 4294967295u;
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "minimum");
    ptr_zone_options_init(&o);
    o.ns_count = 1;
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "ns is NULL");

    const ptr_text bad_ns[] = {{PTR_LIT("ns1.example.com")}, {PTR_LIT("-ns2.example.com")}};
    ptr_zone_options_init(&o);
    o.ns = bad_ns;
    o.ns_count = 2;
    check_refused(&o, PTR_E_NAME, PTR_FIELD_NAME, 1, 0, "NS name 1: ");
    const ptr_text dup_ns[] = {
        {PTR_LIT("a.example.com")}, {PTR_LIT("b.example.com")}, {PTR_LIT("A.Example.COM.")}};
    o.ns = dup_ns;
    o.ns_count = 3;
    check_refused(&o, PTR_E_NAME_DUP, PTR_FIELD_NAME, 2, 0, "NS name 2: ");
    const ptr_text null_ns[] = {{NULL, 3}};
    o.ns = null_ns;
    o.ns_count = 1;
    check_refused(&o, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "NULL");
    const ptr_text one_label[] = {{PTR_LIT("localhost")}};
    o.ns = one_label;
    check_refused(&o, PTR_E_NAME, PTR_FIELD_NAME, 0, 0, "at least two labels");

    ptr_zone_options_init(&o);
    o.primary.s = "ns1.exa mple.com";
    o.primary.len = strlen(o.primary.s);
    check_refused(&o, PTR_E_NAME, PTR_FIELD_NAME, PTR_ZONE_INDEX_PRIMARY, 7, "SOA primary: ");

    ptr_zone_options_init(&o);
    o.contact.s = "hostmaster@example.com";
    o.contact.len = strlen(o.contact.s);
    check_refused(&o, PTR_E_NAME, PTR_FIELD_NAME, PTR_ZONE_INDEX_CONTACT, 10,
                  "not an e-mail address");
    o.contact.s = "host_master.example.com";
    o.contact.len = strlen(o.contact.s);
    check_refused(&o, PTR_E_NAME, PTR_FIELD_NAME, PTR_ZONE_INDEX_CONTACT, 4, "SOA contact: ");
}

/* ---- failures ----------------------------------------------------------------- */

static void null_arguments(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    add(s, "r1", "192.0.2.1", 300, "x.example.com.");
    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    ptr_error err;
    size_t zones = 99;
    assert_status(ptr_zone_export(NULL, PTR_LIT("r1"), NULL, &sink, &zones, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(zones, 0);
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, NULL, &zones, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    ptr_zone_sink partial = sink;
    partial.begin = NULL;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &partial, NULL, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    partial = sink;
    partial.write = NULL;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &partial, NULL, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    partial = sink;
    partial.end = NULL;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &partial, NULL, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_status(ptr_zone_export(s, NULL, 2, NULL, &sink, NULL, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_REGION, 0, 0);
    assert_status(ptr_zone_export(s, "r1", 0, NULL, &sink, NULL, &err), PTR_E_INVAL);
    assert_error(&err, PTR_E_INVAL, PTR_FIELD_REGION, 0, 0);
    assert_status(ptr_zone_export(NULL, NULL, 0, NULL, NULL, NULL, NULL), PTR_E_INVAL);
    assert_int_equal(c.begins + c.writes + c.ends, 0);
    ptr_store_free(s);
}

static void sink_failures(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    add(s, "r1", "192.0.2.1", 300, "x.example.com.");
    add(s, "r1", "198.51.100.1", 300, "y.example.com.");
    add(s, "r1", "203.0.113.1", 300, "z.example.com.");
    /* Fail each kind of call, on the second zone: the status comes back as it is, the
     * first zone was ended, and nothing more is called. */
    for (int kind = 0; kind < 3; kind++) {
        cap c;
        ptr_zone_sink sink = cap_sink(&c);
        c.fail_with = PTR_E_FORBIDDEN; /* any status: the sink's own */
        if (kind == 0)
            c.fail_begin = 2;
        else if (kind == 1)
            c.fail_write = 5; /* zone 1: three writes; zone 2: $ORIGIN, then this one */
        else
            c.fail_end = 2;
        ptr_error err;
        size_t zones = 99;
        assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, &err),
                      PTR_E_FORBIDDEN);
        assert_error(&err, PTR_E_FORBIDDEN, PTR_FIELD_NONE, 0, 0);
        assert_non_null(strstr(err.message, kind == 0 ? "begin" : kind == 1 ? "write" : "end"));
        assert_int_equal(zones, 1);
        assert_int_equal(c.nz, 1);
        assert_int_equal(c.begins, 2);
        assert_int_equal(c.writes, kind == 0 ? 3 : kind == 1 ? 5 : 6);
        assert_int_equal(c.ends, kind == 2 ? 2 : 1);
        free(c.text);
    }
    ptr_store_free(s);
}

static void store_failures(void **state)
{
    (void)state;
    /* The fault store counts begin (1), scan (2), commit (3). Whatever fails, the sink is
     * never called: the text is only handed over after the transaction. */
    const struct {
        long call;
        ptr_status st;
    } cases[] = {{1, PTR_E_BUSY},  {1, PTR_E_STORE}, {2, PTR_E_STORE},
                 {2, PTR_E_NOMEM}, {3, PTR_E_BUSY},  {3, PTR_E_STORE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ptr_store *inner = new_store(), *s = NULL;
        add(inner, "r1", "192.0.2.1", 300, "x.example.com.");
        fault_state *f = NULL;
        assert_status(fault_store_new(inner, &f, &s), PTR_OK);
        fault_arm(f, cases[i].call, cases[i].st, 0);
        cap c;
        ptr_zone_sink sink = cap_sink(&c);
        ptr_error err;
        size_t zones = 99;
        assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, &err), cases[i].st);
        assert_error(&err, cases[i].st, PTR_FIELD_NONE, 0, 0);
        assert_int_equal(fault_fired(f), 1);
        assert_int_equal(zones, 0);
        assert_int_equal(c.begins + c.writes + c.ends, 0);
        /* The store was left usable: its transaction was ended (a leak would deadlock). */
        fault_arm(f, 0, PTR_OK, 0);
        assert_status(ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, &zones, NULL), PTR_OK);
        assert_int_equal(zones, 1);
        assert_int_equal(fault_calls(f), 3);
        free(c.text);
        ptr_store_free(s);
    }
}

/* ---- a store that breaks its contract ------------------------------------------ */

typedef struct bad_store {
    ptr_record *recs[3];
    size_t n;
} bad_store;

static ptr_status bs_begin(void *u, unsigned flags, ptr_store_txn **txn)
{
    (void)u;
    (void)flags;
    *txn = NULL;
    return PTR_OK;
}
static ptr_status bs_commit(void *u, ptr_store_txn *t)
{
    (void)u;
    (void)t;
    return PTR_OK;
}
static void bs_rollback(void *u, ptr_store_txn *t)
{
    (void)u;
    (void)t;
}
static ptr_status bs_get(void *u, ptr_store_txn *t, const char *r, size_t rl, const ptr_addr *a,
                         ptr_record *out)
{
    (void)u, (void)t, (void)r, (void)rl, (void)a, (void)out;
    return PTR_E_NOT_FOUND;
}
static ptr_status bs_write(void *u, ptr_store_txn *t, const ptr_record *rec)
{
    (void)u, (void)t, (void)rec;
    return PTR_E_STORE;
}
static ptr_status bs_remove(void *u, ptr_store_txn *t, const char *r, size_t rl, const ptr_addr *a)
{
    (void)u, (void)t, (void)r, (void)rl, (void)a;
    return PTR_E_NOT_FOUND;
}
static ptr_status bs_count(void *u, ptr_store_txn *t, const char *o, size_t ol, uint64_t *n)
{
    (void)u, (void)t, (void)o, (void)ol;
    *n = 0;
    return PTR_OK;
}
static ptr_status bs_scan(void *u, ptr_store_txn *t, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *ctx)
{
    bad_store *b = u;
    (void)t, (void)f, (void)after;
    for (size_t i = 0; i < b->n; i++)
        if (visit(ctx, b->recs[i]))
            break;
    return PTR_OK;
}

/* Export what the bad store gives, records made from "address names" strings. */
static ptr_status export_bad(const char *const *recs, size_t n, cap *c, ptr_error *err)
{
    bad_store b = {{NULL, NULL, NULL}, n};
    for (size_t i = 0; i < n; i++) {
        assert_status(ptr_record_new(NULL, &b.recs[i]), PTR_OK);
        const char *sp = strchr(recs[i], ' ');
        ptr_addr a;
        assert_status(ptr_addr_parse(recs[i], (size_t)(sp - recs[i]), &a), PTR_OK);
        assert_status(ptr_record_set_address(b.recs[i], &a), PTR_OK);
        assert_status(ptr_record_set_ttl(b.recs[i], 5), PTR_OK);
        if (sp[1])
            assert_status(ptr_record_add_name(b.recs[i], sp + 1, strlen(sp + 1)), PTR_OK);
    }
    const ptr_store_methods m = {.version = 2,
                                 .begin = bs_begin,
                                 .commit = bs_commit,
                                 .rollback = bs_rollback,
                                 .get = bs_get,
                                 .insert = bs_write,
                                 .replace = bs_write,
                                 .remove = bs_remove,
                                 .count_owner = bs_count,
                                 .scan = bs_scan};
    ptr_store *s = NULL;
    assert_status(ptr_store_new(&m, &b, &s), PTR_OK);
    ptr_zone_sink sink = cap_sink(c);
    ptr_status st = ptr_zone_export(s, PTR_LIT("r1"), NULL, &sink, NULL, err);
    ptr_store_free(s);
    for (size_t i = 0; i < n; i++)
        ptr_record_free(b.recs[i]);
    return st;
}

static void broken_store(void **state)
{
    (void)state;
    cap c;
    ptr_error err;
    /* Out of order: would split 192.0.2.0/24 into two zones of the same name. */
    const char *unordered[] = {"192.0.2.2 a.example.", "198.51.100.1 b.example.",
                               "192.0.2.1 c.example."};
    assert_status(export_bad(unordered, 3, &c, &err), PTR_E_STORE);
    assert_error(&err, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_non_null(strstr(err.message, "order"));
    assert_int_equal(c.begins, 0);
    const char *dup[] = {"192.0.2.1 a.example.", "192.0.2.1 b.example."};
    assert_status(export_bad(dup, 2, &c, &err), PTR_E_STORE);
    /* A name that would inject master-file syntax. */
    const char *inject[] = {"192.0.2.1 a.example.\n@ IN NS evil.example."};
    assert_status(export_bad(inject, 1, &c, &err), PTR_E_STORE);
    assert_error(&err, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    const char *noname[] = {"192.0.2.1 "};
    assert_status(export_bad(noname, 1, &c, &err), PTR_E_STORE);
    assert_error(&err, PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(c.begins, 0);
    /* A name without its trailing dot is still written absolute. */
    const char *nodot[] = {"192.0.2.1 a.example"};
    assert_status(export_bad(nodot, 1, &c, &err), PTR_OK);
    assert_non_null(strstr(c.text, "\n1\t5\tIN\tPTR\ta.example.\n"));
    free(c.text);
}

/* ---- a larger export, read back ------------------------------------------------- */

static void random_round_trip(void **state)
{
    (void)state;
    ptr_store *s = new_store();
    uint64_t seed = 0x2011e;
    enum { N = 3000 };
    ptr_record *r = NULL;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    ptr_store_txn *txn = NULL;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    size_t inserted = 0;
    for (int i = 0; i < N; i++) {
        const uint64_t x = ptr_test_rand(&seed);
        ptr_addr a;
        memset(&a, 0, sizeof a);
        if (x & 1) { /* a few /24s, so zones have many records */
            a.family = 4;
            a.bytes[0] = 203;
            a.bytes[1] = 0;
            a.bytes[2] = (uint8_t)(x >> 8 & 7);
            a.bytes[3] = (uint8_t)(x >> 16);
        } else {
            a.family = 6;
            a.bytes[0] = 0x20;
            a.bytes[1] = 0x01;
            a.bytes[2] = 0x0d;
            a.bytes[3] = 0xb8;
            /* Byte 6 and the high nibble of byte 7 are inside a /60: 16 zones. */
            a.bytes[6] = (uint8_t)(x >> 8 & 0x31);
            a.bytes[7] = (uint8_t)(x >> 40 & 0x1F);
            a.bytes[15] = (uint8_t)(x >> 16);
        }
        char name[64];
        const int n = snprintf(name, sizeof name, "h%d.example.com.", i);
        ptr_record_reset(r);
        assert_status(ptr_record_set_region(r, PTR_LIT("r1")), PTR_OK);
        assert_status(ptr_record_set_address(r, &a), PTR_OK);
        assert_status(ptr_record_set_ttl(r, (uint32_t)(x >> 32)), PTR_OK);
        assert_status(ptr_record_add_name(r, name, (size_t)n), PTR_OK);
        const ptr_status st = ptr_store_insert(s, txn, r);
        if (st == PTR_OK)
            inserted++;
        else
            assert_status(st, PTR_E_EXISTS);
    }
    assert_status(ptr_store_commit(s, txn), PTR_OK);

    cap c;
    ptr_zone_sink sink = cap_sink(&c);
    size_t zones = 0;
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.ipv6_prefix = 60;
    assert_status(ptr_zone_export(s, PTR_LIT("r1"), &o, &sink, &zones, NULL), PTR_OK);
    assert_int_equal(zones, c.nz);
    assert_true(zones > 8 && zones <= 8 + 16);

    /* Every PTR line, owner + "." + zone, names a stored record with that name and TTL. */
    size_t lines = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    for (size_t z = 0; z < c.nz; z++) {
        char *t = zone_text(&c, z);
        for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
            char *tab1 = strchr(line, '\t');
            if (!tab1 || strstr(line, "\tIN\tPTR\t") == NULL)
                continue;
            char full[PTR_REVNAME_BUFSZ + 8];
            const int n =
                snprintf(full, sizeof full, "%.*s.%s", (int)(tab1 - line), line, c.zone[z]);
            ptr_addr a;
            assert_status(ptr_revname_parse(full, (size_t)n, &a, NULL), PTR_OK);
            assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, r), PTR_OK);
            char want[128];
            snprintf(want, sizeof want, "\t%u\tIN\tPTR\t%s", (unsigned)ptr_record_ttl(r),
                     ptr_record_name(r, 0, NULL));
            assert_string_equal(tab1, want);
            lines++;
        }
        free(t);
    }
    ptr_store_rollback(s, txn);
    assert_int_equal(lines, inserted);
    free(c.text);
    ptr_record_free(r);
    ptr_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_exact),         cmocka_unit_test(options_exact),
        cmocka_unit_test(several_zones_in_order), cmocka_unit_test(ipv6_cuts),
        cmocka_unit_test(empty_region),           cmocka_unit_test(option_errors),
        cmocka_unit_test(null_arguments),         cmocka_unit_test(sink_failures),
        cmocka_unit_test(store_failures),         cmocka_unit_test(broken_store),
        cmocka_unit_test(random_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
