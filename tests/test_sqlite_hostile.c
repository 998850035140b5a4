/*
 * SQL injection against the SQLite store. Every text field that reaches SQL
 * (region, project, owner as bound parameters and filters; description,
 * names and tags inside the row) gets classic payloads. A store must be safe
 * for input the service would refuse (the service's scope alphabet stops
 * most of these before they get here, but a store is also called by other
 * code), so the payloads go straight through ptr_store_insert/get/scan/
 * count_owner in records built with setters, and then, where the service
 * lets them through, through ptr_ctx_create and ptr_ctx_list.
 *
 * After each: the tables are intact (sqlite_master, row count, each owner's
 * count in ptr_owner equal to its rows), the payload
 * comes back byte for byte as data, and filters holding '%' or '_' match
 * only themselves (equality, not LIKE).
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite_test_util.h"

typedef struct payload {
    const char *s;
    size_t len;
} payload;

#define P(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }

static const payload PAYLOADS[] = {
    P("'); DROP TABLE ptr_record;--"),
    P("\" OR 1=1 --"),
    P("' OR '1'='1"),
    P("%"),
    P("_"),
    P("a%"),
    P("\\"),
    P("\\'; --"),
    P("*/ SELECT 1; /*"),
    P("x\0'); DROP TABLE ptr_record;--"),
    P("\0"),
    P("\xf0\x9f\x98\x80"),
    P("\xff\xfe invalid UTF-8 \xc0\xaf"),
};
#define NPAY (sizeof PAYLOADS / sizeof PAYLOADS[0])
/* The longest text every field takes (a scope value's 64 bytes); 100 KiB is refused below. */
#define LONG_LEN 64
#define HUGE_LEN (100 * 1024)

static test_db g_db;

/* A run of quotes and comment markers. */
static void fill_quotes(char *buf, size_t len)
{
    static const char piece[] = "' OR ''=''; -- ";
    for (size_t k = 0; k < len; k++)
        buf[k] = piece[k % (sizeof piece - 1)];
}

/* Payload i, with the last one a run of quotes and comment markers as long as a field takes. */
static payload payload_at(size_t i, char *longbuf)
{
    if (i < NPAY)
        return PAYLOADS[i];
    fill_quotes(longbuf, LONG_LEN);
    return (payload){longbuf, LONG_LEN};
}

static ptr_addr addr_of(size_t i)
{
    ptr_addr a;
    memset(&a, 0, sizeof a);
    a.family = 4;
    a.bytes[0] = 203;
    a.bytes[1] = 0;
    a.bytes[2] = 113;
    a.bytes[3] = (uint8_t)(10 + i);
    return a;
}

/* A record with the payload in every text field. */
static ptr_record *payload_record(payload p, const ptr_addr *a)
{
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_record_set_region(r, p.s, p.len), PTR_OK);
    assert_status(ptr_record_set_project(r, p.s, p.len), PTR_OK);
    assert_status(ptr_record_set_owner(r, p.s, p.len), PTR_OK);
    assert_status(ptr_record_set_address(r, a), PTR_OK);
    assert_status(ptr_record_add_name(r, p.s, p.len), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("second.example.com.")), PTR_OK);
    assert_status(ptr_record_set_ttl(r, 300), PTR_OK);
    assert_status(ptr_record_set_description(r, p.s, p.len), PTR_OK);
    assert_status(ptr_record_add_tag(r, p.s, p.len, p.s, p.len), PTR_OK);
    assert_status(ptr_record_set_revision(r, 1), PTR_OK);
    return r;
}

static void text_is(const char *got, size_t got_len, payload want)
{
    assert_int_equal(got_len, want.len);
    if (want.len)
        assert_memory_equal(got, want.s, want.len);
}

static void record_is(const ptr_record *r, payload p, const ptr_addr *a)
{
    size_t n;
    const char *s;
    s = ptr_record_region(r, &n);
    text_is(s, n, p);
    s = ptr_record_project(r, &n);
    text_is(s, n, p);
    s = ptr_record_owner(r, &n);
    text_is(s, n, p);
    assert_int_equal(ptr_addr_compare(ptr_record_address(r), a), 0);
    assert_int_equal(ptr_record_name_count(r), 2);
    s = ptr_record_name(r, 0, &n);
    text_is(s, n, p);
    s = ptr_record_description(r, &n);
    text_is(s, n, p);
    assert_int_equal(ptr_record_tag_count(r), 1);
    ptr_tag t;
    assert_status(ptr_record_tag(r, 0, &t), PTR_OK);
    text_is(t.key, t.key_len, p);
    text_is(t.value, t.value_len, p);
}

/* The table as SQLite itself sees it, behind the store's back. */
static void table_intact(int64_t rows)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(g_db.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    /* The schema's objects, and every owner's count as the quota reads it equal to its rows. */
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM ptr_record),"
                           " (SELECT count(*) FROM sqlite_master"
                           "  WHERE name IN ('ptr_record', 'ptr_record_key', 'ptr_owner',"
                           "   'ptr_record_deleted', 'ptr_record_moved')),"
                           " (SELECT count(*) FROM"
                           "   (SELECT owner, count(*) AS n FROM ptr_record GROUP BY owner) r"
                           "   WHERE n IS NOT"
                           "    (SELECT records FROM ptr_owner o WHERE o.owner = r.owner))"
                           " + (SELECT count(*) FROM ptr_owner o WHERE records <>"
                           "   (SELECT count(*) FROM ptr_record r WHERE r.owner = o.owner))",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), rows);
    assert_int_equal(sqlite3_column_int64(st, 1), 5);
    assert_int_equal(sqlite3_column_int64(st, 2), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

typedef struct seen {
    size_t n;
    ptr_record *last;
} seen;

static int keep(void *ctx, const ptr_record *rec)
{
    seen *s = ctx;
    s->n++;
    assert_status(ptr_record_copy(s->last, rec), PTR_OK);
    return 0;
}

static size_t scan_count(ptr_store *s, const ptr_store_filter *f, ptr_record *last)
{
    ptr_store_txn *txn;
    seen v = {0, last};
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_scan(s, txn, f, NULL, keep, &v), PTR_OK);
    ptr_store_rollback(s, txn);
    return v.n;
}

static uint64_t owner_count(ptr_store *s, payload owner)
{
    ptr_store_txn *txn;
    uint64_t n = 99;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, owner.s, owner.len, &n), PTR_OK);
    ptr_store_rollback(s, txn);
    return n;
}

static ptr_store *open_store(void)
{
    ptr_store *s = NULL;
    ptr_error e;
    ptr_status st = ptr_sqlite_store_open(g_db.path, strlen(g_db.path), NULL, &s, &e);
    if (st != PTR_OK)
        print_error("open: %s\n", e.message);
    assert_status(st, PTR_OK);
    return s;
}

/* Every payload in every field, straight into the store, then read back every way there is. */
static void store_level_payloads(void **state)
{
    (void)state;
    char *longbuf = malloc(HUGE_LEN);
    assert_non_null(longbuf);
    ptr_store *s = open_store();
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);

    /* A bystander in region "r1", owner "o1", that no wildcard may match. */
    static const char *const names[] = {"plain.example.com.", NULL};
    ptr_record *by;
    const ptr_addr by_addr = addr_of(200);
    assert_status(ptr_record_new(NULL, &by), PTR_OK);
    assert_status(ptr_record_set_region(by, PTR_LIT("r1")), PTR_OK);
    assert_status(ptr_record_set_project(by, PTR_LIT("p1")), PTR_OK);
    assert_status(ptr_record_set_owner(by, PTR_LIT("o1")), PTR_OK);
    assert_status(ptr_record_set_address(by, &by_addr), PTR_OK);
    assert_status(ptr_record_add_name(by, names[0], strlen(names[0])), PTR_OK);
    assert_status(ptr_record_add_tag(by, PTR_LIT("a"), PTR_LIT("b")), PTR_OK);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, by), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);

    /* 100 KiB in every field is beyond the record limits: refused, nothing written. */
    fill_quotes(longbuf, HUGE_LEN);
    const ptr_addr huge_addr = addr_of(100);
    ptr_record *huge = payload_record((payload){longbuf, HUGE_LEN}, &huge_addr);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, huge), PTR_E_INVAL);
    assert_non_null(strstr(ptr_sqlite_store_errmsg(s), "over the limit of 64"));
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    table_intact(1);
    ptr_record_free(huge);

    for (size_t i = 0; i <= NPAY; i++) {
        const payload p = payload_at(i, longbuf);
        const ptr_addr a = addr_of(i);
        ptr_record *r = payload_record(p, &a);
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
        assert_status(ptr_store_insert(s, txn, r), PTR_OK);
        /* The same region and address again is a duplicate, whatever the text. */
        assert_status(ptr_store_insert(s, txn, r), PTR_E_EXISTS);
        assert_status(ptr_store_commit(s, txn), PTR_OK);
        table_intact((int64_t)i + 2);

        assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
        assert_status(ptr_store_get(s, txn, p.s, p.len, &a, got), PTR_OK);
        record_is(got, p, &a);
        /* The payload's region holds no other address, the bystander's no payload. */
        assert_status(ptr_store_get(s, txn, p.s, p.len, &by_addr, got), PTR_E_NOT_FOUND);
        assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_E_NOT_FOUND);
        ptr_store_rollback(s, txn);

        assert_int_equal(owner_count(s, p), 1);

        ptr_store_filter f;
        ptr_store_filter_init(&f);
        f.region = (ptr_text){p.s, p.len};
        assert_int_equal(scan_count(s, &f, got), 1);
        record_is(got, p, &a);
        f.project = f.region;
        f.owner = f.region;
        f.name = f.region;
        const ptr_tag tag = {p.s, p.len, p.s, p.len};
        f.tags = &tag;
        f.tag_count = 1;
        assert_int_equal(scan_count(s, &f, got), 1);
        record_is(got, p, &a);

        /* In the bystander's region, a payload filter matches nothing. */
        f.region = (ptr_text){PTR_LIT("r1")};
        assert_int_equal(scan_count(s, &f, got), 0);
        f.project = (ptr_text){NULL, 0};
        f.name = (ptr_text){NULL, 0};
        f.tags = NULL;
        f.tag_count = 0;
        assert_int_equal(scan_count(s, &f, got), 0);
        ptr_record_free(r);
    }

    /* Wildcards are literal: "%" and "_" each name exactly one owner and region. */
    assert_int_equal(owner_count(s, (payload)P("%")), 1);
    assert_int_equal(owner_count(s, (payload)P("_")), 1);
    assert_int_equal(owner_count(s, (payload)P("%%")), 0);
    assert_int_equal(owner_count(s, (payload)P("o_")), 0);
    assert_int_equal(owner_count(s, (payload)P("o%")), 0);
    assert_int_equal(owner_count(s, (payload)P("o1")), 1);
    /* Byte equality, not a case-folding collation: "O1" is another owner. */
    assert_int_equal(owner_count(s, (payload)P("O1")), 0);
    /* A NUL ends nothing: "o1\0" is not "o1". */
    assert_int_equal(owner_count(s, (payload)P("o1\0")), 0);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("%")};
    assert_int_equal(scan_count(s, &f, got), 1);
    f.region = (ptr_text){PTR_LIT("r_")};
    assert_int_equal(scan_count(s, &f, got), 0);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.owner = (ptr_text){PTR_LIT("%")};
    assert_int_equal(scan_count(s, &f, got), 0);
    f.owner = (ptr_text){PTR_LIT("_1")};
    assert_int_equal(scan_count(s, &f, got), 0);

    /* Remove through the payload keys: exactly one row each, the bystander stays. */
    for (size_t i = 0; i <= NPAY; i++) {
        const payload p = payload_at(i, longbuf);
        const ptr_addr a = addr_of(i);
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
        assert_status(ptr_store_remove(s, txn, p.s, p.len, &a), PTR_OK);
        assert_status(ptr_store_commit(s, txn), PTR_OK);
        table_intact((int64_t)(NPAY - i) + 1);
    }
    assert_int_equal(owner_count(s, (payload)P("o1")), 1);

    ptr_record_free(by);
    ptr_record_free(got);
    ptr_store_free(s);
    free(longbuf);
}

/* Through the service: the scope alphabet refuses the payloads; the rest goes in as data. */
static void service_level_payloads(void **state)
{
    (void)state;
    ptr_store *s = open_store();
    ptr_ctx *c;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    assert_status(ptr_ctx_new(&cfg, &c, NULL), PTR_OK);
    const ptr_scope ok = {{PTR_LIT("r2")}, {PTR_LIT("p2")}, {PTR_LIT("o2")}};
    const ptr_text name = {PTR_LIT("svc.example.com")};
    ptr_request r;
    ptr_error e;

    for (size_t i = 0; i < NPAY; i++) {
        const ptr_text p = {PAYLOADS[i].s, PAYLOADS[i].len};
        const ptr_scope bad[] = {
            {p, ok.project, ok.owner}, {ok.region, p, ok.owner}, {ok.region, ok.project, p}};
        static const ptr_field fields[] = {PTR_FIELD_REGION, PTR_FIELD_PROJECT, PTR_FIELD_OWNER};
        for (size_t k = 0; k < 3; k++) {
            /* "_" alone is in the alphabet; it must then be taken literally (below). */
            if (PAYLOADS[i].len == 1 && PAYLOADS[i].s[0] == '_')
                continue;
            ptr_request_init(&r);
            r.address = (ptr_text){PTR_LIT("192.0.2.1")};
            r.names = &name;
            r.name_count = 1;
            assert_status(ptr_ctx_create(c, &bad[k], &r, NULL, &e), PTR_E_INVAL);
            assert_int_equal(e.field, fields[k]);
        }
    }
    table_intact(1);

    /* Descriptions the service accepts, with SQL in them, come back as they went in. */
    static const char *const descs[] = {
        "'); DROP TABLE ptr_record;--", "\" OR 1=1 --", "%", "_", "\\",
        "caf\xc3\xa9 \xf0\x9f\x98\x80"};
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "192.0.2.%zu", 10 + i);
        ptr_request_init(&r);
        r.address = (ptr_text){addr, strlen(addr)};
        r.names = &name;
        r.name_count = 1;
        r.description = (ptr_text){descs[i], strlen(descs[i])};
        assert_status(ptr_ctx_create(c, &ok, &r, NULL, &e), PTR_OK);
        assert_status(ptr_ctx_get(c, &ok, addr, strlen(addr), got, NULL), PTR_OK);
        size_t n;
        const char *d = ptr_record_description(got, &n);
        text_is(d, n, (payload){descs[i], strlen(descs[i])});
    }
    table_intact(1 + sizeof descs / sizeof descs[0]);
    /* Same owner, same owner literally with "_" in it: "o_" is a different account. */
    const ptr_scope underscore = {{PTR_LIT("r2")}, {PTR_LIT("p2")}, {PTR_LIT("o_")}};
    ptr_request_init(&r);
    r.address = (ptr_text){PTR_LIT("192.0.2.99")};
    r.names = &name;
    r.name_count = 1;
    assert_status(ptr_ctx_create(c, &underscore, &r, NULL, NULL), PTR_OK);
    uint64_t used = 0, limit = 0;
    assert_status(ptr_ctx_quota(c, PTR_LIT("o_"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 1);
    assert_status(ptr_ctx_quota(c, PTR_LIT("o2"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, sizeof descs / sizeof descs[0]);

    /* List filters: owner "o_" is one record, not "o2"'s; payloads elsewhere are refused or match
     * nothing. */
    ptr_list_query q;
    ptr_record_list *l = NULL;
    ptr_list_query_init(&q);
    q.owner = (ptr_text){PTR_LIT("o_")};
    assert_status(ptr_ctx_list(c, &ok, &q, &l, NULL), PTR_OK);
    assert_int_equal(ptr_record_list_count(l), 1);
    ptr_record_list_free(l);
    for (size_t i = 0; i < NPAY; i++) {
        const ptr_text p = {PAYLOADS[i].s, PAYLOADS[i].len};
        const ptr_tag tag = {p.s, p.len, p.s, p.len};
        for (int which = 0; which < 4; which++) {
            ptr_list_query_init(&q);
            q.flags = PTR_LIST_TOTAL;
            if (which == 0)
                q.owner = p;
            else if (which == 1) {
                q.tags = &tag;
                q.tag_count = 1;
            } else if (which == 2)
                q.name = p;
            else
                q.marker = p;
            l = NULL;
            ptr_status st = ptr_ctx_list(c, &ok, &q, &l, NULL);
            /* Refused as a bad filter, or run as a filter that matches nothing. */
            if (st == PTR_OK && which != 3) /* a marker only says where a page starts */
                assert_int_equal(ptr_record_list_count(l), 0);
            else if (st != PTR_OK)
                assert_true(st == PTR_E_INVAL || st == PTR_E_ADDR || st == PTR_E_NAME ||
                            st == PTR_E_TAG);
            ptr_record_list_free(l);
        }
    }
    table_intact(2 + sizeof descs / sizeof descs[0]);
    ptr_record_free(got);
    ptr_ctx_free(c);
    ptr_store_free(s);
}

static int setup(void **state)
{
    (void)state;
    return test_db_make(&g_db, "ptr-sqlhostile.", "h.sqlite");
}

static int teardown(void **state)
{
    (void)state;
    test_db_remove(&g_db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_level_payloads),
        cmocka_unit_test(service_level_payloads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
