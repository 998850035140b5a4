/*
 * The PostgreSQL store's DNS status (schema version 2), against a real
 * server (tests/pg/with_cluster.sh): a version 1 schema, made by SQL as
 * version 1 made it, migrated on open (its rows ACTIVE, no action, no error,
 * in DNS) or refused under PTR_PG_NO_MIGRATE; damaged values refused naming
 * the row; an oversize error refused on write; and the pending records'
 * page planned over ptr_record_pending. The round trip of every value is
 * the conformance suite's (test_pg_store).
 */
#include <stdlib.h>

#include "pg_test_util.h"
#include "ptr_test.h"
#include "store_conformance.h"

#define SCHEMA "ptr_dns"

static ptr_store *open_flags(unsigned flags, ptr_error *e)
{
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = SCHEMA;
    o.flags = flags;
    ptr_store *s = NULL;
    const char *ci = pg_test_conninfo();
    return ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, e) == PTR_OK ? s : NULL;
}

/* The first column of the first row of a query, as text ("" when no row). */
static void query_text(PGconn *c, const char *sql, char *out, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        print_error("%s: %s", sql, PQresultErrorMessage(r));
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    out[0] = '\0';
    for (int i = 0; i < PQntuples(r); i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s\n", PQgetvalue(r, i, 0));
    }
    PQclear(r);
}

/* Version 1 as its step made it, with three records (203.0.113.10-12 in r1), by SQL. */
static void make_v1(void)
{
    pg_test_drop_schema(SCHEMA);
    PGconn *c = pg_test_connect();
    assert_int_equal(
        pg_test_exec(c, "CREATE SCHEMA " SCHEMA ";"
                        "SET search_path = " SCHEMA ";"
                        "CREATE TABLE ptr_meta (id int PRIMARY KEY CHECK (id = 1),"
                        " version int NOT NULL);"
                        "INSERT INTO ptr_meta VALUES (1, 1);"
                        "CREATE TABLE ptr_record ("
                        " region bytea NOT NULL, address bytea NOT NULL, project bytea NOT NULL,"
                        " owner bytea NOT NULL, ttl bigint NOT NULL, description bytea NOT NULL,"
                        " names bytea NOT NULL, tags bytea NOT NULL, created bigint NOT NULL,"
                        " updated bigint NOT NULL, revision bigint NOT NULL,"
                        " CONSTRAINT ptr_record_key PRIMARY KEY (region, address));"
                        "CREATE INDEX ptr_record_owner ON ptr_record (owner);"
                        "CREATE TABLE ptr_owner_limit (owner bytea PRIMARY KEY,"
                        " max_records bigint NOT NULL);"
                        "INSERT INTO ptr_record SELECT 'r1'::bytea,"
                        " ('\\x04cb0071' || to_hex(i) || '000000000000000000000000')::bytea,"
                        " 'p1'::bytea, 'o1'::bytea, 300, 'old'::bytea,"
                        " '\\x0000000100000003612e62'::bytea,"
                        " '\\x00000000'::bytea, 1000, 1001, 3 FROM generate_series(16, 18) AS i;"),
        0);
    PQfinish(c);
}

typedef struct seen {
    unsigned n, as_migrated;
} seen;

static int see(void *ctx, const ptr_record *r)
{
    seen *s = ctx;
    size_t len;
    ptr_record_dns_error(r, &len);
    s->n++;
    s->as_migrated += ptr_record_dns_status(r) == PTR_DNS_ACTIVE &&
                      ptr_record_dns_action(r) == PTR_ACTION_NONE && len == 0 &&
                      ptr_record_in_dns(r) == 1 && ptr_record_revision(r) == 3;
    return 0;
}

static void v1_is_migrated(void **state)
{
    (void)state;
    make_v1();
    ptr_error e;
    /* A role that may not run DDL cannot migrate: refused, nothing changed. */
    assert_null(open_flags(PTR_PG_NO_MIGRATE, &e));
    assert_int_equal(e.status, PTR_E_STORE);
    assert_non_null(strstr(e.message, "version 1 and needs migrating to 2"));

    ptr_store *s = open_flags(0, &e);
    if (!s)
        print_error("open: %s\n", e.message);
    assert_non_null(s);
    PGconn *c = pg_test_connect();
    char text[512];
    query_text(c, "SELECT version FROM " SCHEMA ".ptr_meta", text, sizeof text);
    assert_string_equal(text, "2\n");
    query_text(c,
               "SELECT indexdef FROM pg_catalog.pg_indexes WHERE schemaname = '" SCHEMA "'"
               " AND indexname = 'ptr_record_pending'",
               text, sizeof text);
    assert_non_null(strstr(text, "WHERE (dns_status <> 0)"));

    /* The rows from before read as the migration made them; none is pending. */
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    seen all = {0, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, see, &all), PTR_OK);
    assert_int_equal(all.n, 3);
    assert_int_equal(all.as_migrated, 3);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    ptr_addr a = {.family = 4, .bytes = {203, 0, 113, 17}};
    assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_OK);
    seen one = {0, 0};
    see(&one, got);
    assert_int_equal(one.as_migrated, 1);
    assert_string_equal(ptr_record_name(got, 0, NULL), "a.b");
    f.dns_pending = 1;
    uint64_t n = 99;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 0);
    ptr_store_rollback(s, txn);

    /* A write after the migration keeps its status. */
    assert_status(ptr_record_set_dns_status(got, PTR_DNS_PENDING_UPDATE), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_replace(s, txn, got), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 1);
    ptr_store_rollback(s, txn);
    ptr_store_free(s);
    /* Opened again: nothing is redone. */
    s = open_flags(PTR_PG_NO_MIGRATE, &e);
    assert_non_null(s);
    ptr_store_free(s);
    ptr_record_free(got);
    PQfinish(c);
}

static void damaged_values_are_refused(void **state)
{
    (void)state;
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    static const char *const names[] = {"a.example.com.", NULL};
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    for (int i = 0; i < 5; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "203.0.113.%d", 10 + i);
        ptr_record *r = test_record("r1", "p1", "o1", addr, names, NULL);
        assert_status(ptr_record_set_dns_status(r, PTR_DNS_PENDING_CREATE), PTR_OK);
        assert_status(ptr_store_insert(s, txn, r), PTR_OK);
        ptr_record_free(r);
    }
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    static const struct {
        const char *set, *why;
    } damage[] = {
        {"dns_status = 5", "a DNS status outside 0..4"},
        {"dns_action = -1", "a DNS action outside 0..3"},
        {"in_dns = 2", "an in_dns that is neither 0 nor 1"},
        {"dns_error = convert_to(repeat('e', 256), 'UTF8')", "a DNS error over 255 bytes"},
    };
    PGconn *c = pg_test_connect();
    for (int i = 0; i < 4; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "UPDATE " SCHEMA ".ptr_record SET %s"
                 " WHERE address = '\\x04cb0071%02x000000000000000000000000'",
                 damage[i].set, 10 + i);
        assert_int_equal(pg_test_exec(c, sql), 0);
    }
    PQfinish(c);
    ptr_record *got;
    assert_status(ptr_record_new(NULL, &got), PTR_OK);
    for (int i = 0; i < 4; i++) {
        ptr_addr a = {.family = 4, .bytes = {203, 0, 113, (uint8_t)(10 + i)}};
        assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
        assert_status(ptr_store_get(s, txn, PTR_LIT("r1"), &a, got), PTR_E_STORE);
        ptr_store_rollback(s, txn);
        char want[160];
        snprintf(want, sizeof want, "a damaged row in ptr_record for 203.0.113.%d: %s", 10 + i,
                 damage[i].why);
        if (!strstr(ptr_pg_store_errmsg(s), want))
            print_error("%s\nwant %s\n", ptr_pg_store_errmsg(s), want);
        assert_non_null(strstr(ptr_pg_store_errmsg(s), want));
        assert_int_equal(ptr_record_address(got)->family, 0);
    }
    /* Scans fail at the first, the pending one too, and so does a count that reads rows. */
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    uint64_t n = 0;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK); /* counts rows, reads none */
    assert_int_equal(n, 5);
    f.name = (ptr_text){PTR_LIT("a.example.com.")};
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_E_STORE);
    ptr_store_rollback(s, txn);
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    f.name = (ptr_text){NULL, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, see, &(seen){0, 0}), PTR_E_STORE);
    assert_non_null(strstr(ptr_pg_store_errmsg(s), "203.0.113.10"));
    ptr_store_rollback(s, txn);

    /* An error over the limit is never written. */
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.20", names, NULL);
    char text[256];
    memset(text, 'e', sizeof text);
    assert_status(ptr_record_set_dns_error(r, text, sizeof text), PTR_OK);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_E_INVAL);
    assert_non_null(
        strstr(ptr_pg_store_errmsg(s), "a DNS error of 256 bytes, over the limit of 255"));
    assert_status(ptr_store_insert_checked(s, txn, r, 100), PTR_E_INVAL);
    assert_status(ptr_record_set_dns_error(r, text, 255), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_record_free(r);
    ptr_record_free(got);
    ptr_store_free(s);
}

static void pending_page_uses_its_index(void **state)
{
    (void)state;
    ptr_store_free(pg_test_store(SCHEMA));
    PGconn *c = pg_test_connect();
    /* Many confirmed records, a few pending ones, and the statistics that say so. */
    assert_int_equal(
        pg_test_exec(c, "INSERT INTO " SCHEMA ".ptr_record SELECT 'r1'::bytea,"
                        " '\\x06'::bytea || decode(lpad(to_hex(i), 32, '0'), 'hex'),"
                        " 'p1'::bytea, 'o1'::bytea, 300, ''::bytea, '\\x00000000'::bytea,"
                        " '\\x00000000'::bytea, 1, 1, 1, CASE WHEN i % 1000 = 0 THEN 1 ELSE 0 END,"
                        " 0, ''::bytea, 0 FROM generate_series(1, 20000) AS i;"
                        "ANALYZE " SCHEMA ".ptr_record;"),
        0);
    char plan[2048];
    query_text(c,
               "EXPLAIN SELECT * FROM " SCHEMA ".ptr_record WHERE region = 'r1'::bytea"
               " AND address > ''::bytea AND dns_status <> 0 ORDER BY address LIMIT 32",
               plan, sizeof plan);
    if (!strstr(plan, "ptr_record_pending"))
        print_error("%s", plan);
    assert_non_null(strstr(plan, "ptr_record_pending"));
    query_text(c,
               "EXPLAIN SELECT count(*) FROM " SCHEMA ".ptr_record WHERE region = 'r1'::bytea"
               " AND dns_status <> 0",
               plan, sizeof plan);
    if (!strstr(plan, "ptr_record_pending"))
        print_error("%s", plan);
    assert_non_null(strstr(plan, "ptr_record_pending"));
    PQfinish(c);
    /* The store's own pending page and count agree with the table. */
    ptr_error e;
    ptr_store *s = open_flags(0, &e);
    assert_non_null(s);
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    f.dns_pending = 1;
    seen all = {0, 0};
    assert_status(ptr_store_scan(s, txn, &f, NULL, see, &all), PTR_OK);
    assert_int_equal(all.n, 20);
    uint64_t n = 0;
    assert_status(ptr_store_count(s, txn, &f, &n), PTR_OK);
    assert_int_equal(n, 20);
    ptr_store_rollback(s, txn);
    ptr_store_free(s);
    pg_test_drop_schema(SCHEMA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_is_migrated),
        cmocka_unit_test(damaged_values_are_refused),
        cmocka_unit_test(pending_page_uses_its_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
