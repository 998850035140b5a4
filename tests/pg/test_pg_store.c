/*
 * The PostgreSQL store against a real server (tests/pg/with_cluster.sh):
 * the store conformance suite and the service fault routine over it, then
 * what is its own: opening (arguments, schema versions, foreign triggers and
 * rules), the per-key locks (different keys in parallel, the same key and a
 * keyless writer in turn), owner limits, tenant isolation and SQL injection
 * through the service, a backend killed mid-transaction and a server
 * restart (no partial record, the next call works, the server's message
 * reachable).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "pg_test_util.h"
#include "ptr_test.h"
#include "store_conformance.h"

#define SCHEMA "ptr_test"

static ptr_store *make_pg(void *arg)
{
    (void)arg;
    return pg_test_store(SCHEMA);
}

static ptr_store *open_schema(const char *schema, unsigned timeout_ms, ptr_error *e)
{
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = schema;
    if (timeout_ms)
        o.lock_timeout_ms = timeout_ms;
    ptr_store *s = NULL;
    const char *ci = pg_test_conninfo();
    ptr_status st = ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, e);
    return st == PTR_OK ? s : NULL;
}

static const char *const N1[] = {"a.example.com.", NULL};

/* ---- open ------------------------------------------------------------------------ */

static void open_arguments(void **state)
{
    (void)state;
    const char *ci = pg_test_conninfo();
    ptr_store *s = NULL;
    ptr_error e;
    assert_status(ptr_pg_store_open(NULL, 0, 0, &s, &e), PTR_E_INVAL);
    assert_error(&e, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0);
    assert_status(ptr_pg_store_open(ci, strlen(ci), 0, NULL, &e), PTR_E_INVAL);
    assert_status(ptr_pg_store_open(ci, strlen(ci), 0x80, &s, &e), PTR_E_INVAL);
    assert_status(ptr_pg_store_open("host=x\0y", 8, 0, &s, &e), PTR_E_INVAL);
    assert_null(s);
    /* A schema name is pasted nowhere unchecked: anything but a plain name is refused. */
    static const char *const bad[] = {
        "",     "Upper",
        "a\"b", "x; DROP TABLE t",
        "pg_x", "1a",
        "a-b",  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ptr_pg_options o;
        ptr_pg_options_init(&o);
        o.schema = bad[i];
        assert_status(ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e), PTR_E_INVAL);
        assert_non_null(strstr(e.message, "schema"));
    }
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.struct_size = 4;
    assert_status(ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e), PTR_E_INVAL);
    /* No server there: the store error carries libpq's reason, and no password. */
    const char *nowhere = "host=/nonexistent port=1 user=u password=s3cret dbname=d";
    assert_status(ptr_pg_store_open(nowhere, strlen(nowhere), 0, &s, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "cannot connect"));
    assert_null(strstr(e.message, "s3cret"));
    assert_null(s);
    assert_int_equal(ptr_pg_schema_version(), 2);
}

static void open_creates_and_checks_schema(void **state)
{
    (void)state;
    pg_test_drop_schema("ptr_open");
    ptr_error e;
    /* A role that may not run DDL opens with NO_MIGRATE: an empty schema is refused. */
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = "ptr_open";
    o.flags = PTR_PG_NO_MIGRATE;
    ptr_store *s = NULL;
    const char *ci = pg_test_conninfo();
    assert_status(ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e), PTR_E_STORE);
    assert_non_null(strstr(e.message, "needs migrating"));
    /* Created on first use, then opened as it is (twice: nothing is redone). */
    for (int i = 0; i < 2; i++) {
        s = open_schema("ptr_open", 0, &e);
        assert_non_null(s);
        ptr_store_free(s);
    }
    o.flags = PTR_PG_NO_MIGRATE;
    assert_status(ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e), PTR_OK);
    ptr_store_free(s);

    PGconn *c = pg_test_connect();
    /* A newer schema: refused, telling to upgrade. */
    assert_int_equal(pg_test_exec(c, "UPDATE ptr_open.ptr_meta SET version = 99"), 0);
    assert_null(open_schema("ptr_open", 0, &e));
    assert_int_equal(e.status, PTR_E_STORE);
    assert_non_null(strstr(e.message, "newer"));
    assert_int_equal(pg_test_exec(c, "UPDATE ptr_open.ptr_meta SET version = 2"), 0);
    /* A rule that would swallow inserts, then a trigger: each refused. */
    assert_int_equal(pg_test_exec(c, "CREATE RULE swallow AS ON INSERT TO ptr_open.ptr_record"
                                     " DO INSTEAD NOTHING"),
                     0);
    assert_null(open_schema("ptr_open", 0, &e));
    assert_non_null(strstr(e.message, "triggers, rules"));
    assert_int_equal(pg_test_exec(c, "DROP RULE swallow ON ptr_open.ptr_record"), 0);
    assert_int_equal(pg_test_exec(c, "CREATE FUNCTION ptr_open.f() RETURNS trigger LANGUAGE plpgsql"
                                     " AS 'BEGIN RETURN NULL; END'"),
                     0);
    assert_int_equal(pg_test_exec(c, "CREATE TRIGGER t BEFORE INSERT ON ptr_open.ptr_record"
                                     " FOR EACH ROW EXECUTE FUNCTION ptr_open.f()"),
                     0);
    assert_null(open_schema("ptr_open", 0, &e));
    assert_non_null(strstr(e.message, "triggers, rules"));
    assert_int_equal(pg_test_exec(c, "DROP TRIGGER t ON ptr_open.ptr_record"), 0);
    /* A schema of someone else's tables is not taken over. */
    assert_int_equal(pg_test_exec(c, "CREATE SCHEMA ptr_other; CREATE TABLE ptr_other.t (x int)"),
                     0);
    assert_null(open_schema("ptr_other", 0, &e));
    assert_non_null(strstr(e.message, "not a libptr store"));
    assert_int_equal(pg_test_exec(c, "DROP SCHEMA ptr_other CASCADE"), 0);
    PQfinish(c);
    s = open_schema("ptr_open", 0, &e);
    assert_non_null(s);
    ptr_store_free(s);
    pg_test_drop_schema("ptr_open");
}

/* ---- locks ------------------------------------------------------------------------- */

typedef struct keyed {
    ptr_store *s;
    const char *owner;
    const char *addr;
    int keyless;
    ptr_status st;
} keyed;

static ptr_status begin_for(ptr_store *s, const char *owner, const char *addr, int keyless,
                            ptr_store_txn **txn)
{
    if (keyless)
        return ptr_store_begin(s, PTR_TXN_WRITE, txn);
    ptr_addr a;
    assert_status(ptr_host_parse(addr, strlen(addr), &a), PTR_OK);
    const ptr_text o = {owner, strlen(owner)};
    ptr_txn_keys k;
    ptr_txn_keys_init(&k);
    k.region = (ptr_text){PTR_LIT("r1")};
    k.addrs = &a;
    k.addr_count = 1;
    k.owners = &o;
    k.owner_count = 1;
    return ptr_store_begin_keys(s, PTR_TXN_WRITE, &k, txn);
}

/* Begin on a second connection while the first holds its transaction open. */
static ptr_status second_begin(ptr_store *s2, const char *owner, const char *addr, int keyless)
{
    ptr_store_txn *txn;
    ptr_status st = begin_for(s2, owner, addr, keyless, &txn);
    if (st == PTR_OK)
        ptr_store_rollback(s2, txn);
    return st;
}

static void keyed_writers(void **state)
{
    (void)state;
    ptr_store *s1 = pg_test_store(SCHEMA);
    assert_non_null(s1);
    ptr_error e;
    ptr_store *s2 = open_schema(SCHEMA, 300, &e); /* gives up after 0.3 s */
    assert_non_null(s2);
    ptr_store_txn *txn;
    assert_status(begin_for(s1, "o1", "203.0.113.1", 0, &txn), PTR_OK);
    /* Another owner and address: no wait. */
    assert_status(second_begin(s2, "o2", "203.0.113.2", 0), PTR_OK);
    /* The same owner, or the same address: waits, here until the timeout. */
    assert_status(second_begin(s2, "o1", "203.0.113.2", 0), PTR_E_BUSY);
    assert_non_null(strstr(ptr_pg_store_errmsg(s2), "lock timeout"));
    assert_status(second_begin(s2, "o2", "203.0.113.1", 0), PTR_E_BUSY);
    /* A keyless writer waits for every keyed one. */
    assert_status(second_begin(s2, NULL, NULL, 1), PTR_E_BUSY);
    ptr_store_rollback(s1, txn);
    assert_status(second_begin(s2, "o1", "203.0.113.1", 0), PTR_OK);
    assert_string_equal(ptr_pg_store_errmsg(s2), "");

    /* And every keyed writer waits for a keyless one. */
    assert_status(begin_for(s1, NULL, NULL, 1, &txn), PTR_OK);
    assert_status(second_begin(s2, "o9", "203.0.113.9", 0), PTR_E_BUSY);
    ptr_store_rollback(s1, txn);

    /*
     * A key the transaction did not name is locked when first written: an
     * insert for o3 under keys naming only o1 still excludes o3's creates.
     */
    assert_status(begin_for(s1, "o1", "203.0.113.1", 0, &txn), PTR_OK);
    ptr_record *r = test_record("r1", "p1", "o3", "203.0.113.3", N1, NULL);
    assert_status(ptr_store_insert(s1, txn, r), PTR_OK);
    assert_status(second_begin(s2, "o3", "203.0.113.4", 0), PTR_E_BUSY);
    assert_status(second_begin(s2, "o4", "203.0.113.3", 0), PTR_E_BUSY);
    assert_status(ptr_store_commit(s1, txn), PTR_OK);
    ptr_record_free(r);
    ptr_store_free(s2);
    ptr_store_free(s1);
}

/* ---- the service over the store ------------------------------------------------------ */

static ptr_status create(ptr_ctx *c, const ptr_scope *sc, const char *addr, const char *name,
                         const char *desc, ptr_error *e)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {name, strlen(name)};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    if (desc)
        r.description = (ptr_text){desc, strlen(desc)};
    return ptr_ctx_create(c, sc, &r, NULL, e);
}

static const ptr_scope A = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
static const ptr_scope B = {{PTR_LIT("r1")}, {PTR_LIT("p2")}, {PTR_LIT("o2")}};

static void owner_limits_in_the_store(void **state)
{
    (void)state;
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    ptr_ctx *c = ptr_test_ctx_ok(s);
    ptr_error e;
    assert_true(ptr_store_has_owner_limits(s));
    assert_status(ptr_ctx_set_owner_quota(c, PTR_LIT("o1"), 2, &e), PTR_OK);
    assert_status(create(c, &A, "203.0.113.1", "a.example.com", NULL, &e), PTR_OK);
    assert_status(create(c, &A, "203.0.113.2", "a.example.com", NULL, &e), PTR_OK);
    assert_status(create(c, &A, "203.0.113.3", "a.example.com", NULL, &e), PTR_E_QUOTA);
    /* A taken address is EXISTS even at the quota. */
    assert_status(create(c, &A, "203.0.113.1", "a.example.com", NULL, &e), PTR_E_EXISTS);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(c, PTR_LIT("o1"), &used, &limit, &e), PTR_OK);
    assert_int_equal(used, 2);
    assert_int_equal(limit, 2);
    /* Another process sees the same limit: it is in the database. */
    ptr_error e2;
    ptr_store *s2 = open_schema(SCHEMA, 0, &e2);
    assert_non_null(s2);
    ptr_ctx *c2 = ptr_test_ctx_ok(s2);
    assert_status(create(c2, &A, "203.0.113.4", "a.example.com", NULL, &e), PTR_E_QUOTA);
    assert_status(ptr_ctx_clear_owner_quota(c2, PTR_LIT("o1"), &e), PTR_OK);
    assert_status(ptr_ctx_clear_owner_quota(c2, PTR_LIT("o1"), &e), PTR_E_NOT_FOUND);
    assert_status(create(c, &A, "203.0.113.4", "a.example.com", NULL, &e), PTR_OK);
    ptr_ctx_free(c2);
    ptr_store_free(s2);
    ptr_ctx_free(c);
    ptr_store_free(s);
}

static void tenant_isolation(void **state)
{
    (void)state;
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    ptr_ctx *c = ptr_test_ctx_ok(s);
    ptr_error e;
    assert_status(create(c, &A, "203.0.113.10", "mail.example.com", NULL, &e), PTR_OK);
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    /* Project p2 sees nothing of p1's record, and cannot change or delete it. */
    assert_status(ptr_ctx_get(c, &B, PTR_LIT("203.0.113.10"), r, &e), PTR_E_NOT_FOUND);
    ptr_request u;
    ptr_request_init(&u);
    u.flags = PTR_REQUEST_TTL;
    u.ttl = 60;
    assert_status(ptr_ctx_update(c, &B, PTR_LIT("203.0.113.10"), &u, NULL, &e), PTR_E_NOT_FOUND);
    assert_status(ptr_ctx_delete(c, &B, PTR_LIT("203.0.113.10"), &e), PTR_E_NOT_FOUND);
    /* Nor can it take the address in the region. */
    assert_status(create(c, &B, "203.0.113.10", "x.example.com", NULL, &e), PTR_E_EXISTS);
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_record_list *list = NULL;
    assert_status(ptr_ctx_list(c, &B, &q, &list, &e), PTR_OK);
    assert_int_equal(ptr_record_list_count(list), 0);
    assert_int_equal(ptr_record_list_total(list), 0);
    ptr_record_list_free(list);
    assert_status(ptr_ctx_list(c, &A, &q, &list, &e), PTR_OK);
    assert_int_equal(ptr_record_list_count(list), 1);
    assert_int_equal(ptr_record_list_total(list), 1);
    ptr_record_list_free(list);
    assert_status(ptr_ctx_get(c, &A, PTR_LIT("203.0.113.10"), r, &e), PTR_OK);
    assert_int_equal(ptr_record_ttl(r), 300);
    ptr_record_free(r);
    ptr_ctx_free(c);
    ptr_store_free(s);
}

/* Text that would break SQL built from data, in every field the store keeps. */
static void sql_injection(void **state)
{
    (void)state;
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    static const char *const hostile[] = {
        "'; DROP TABLE ptr_record; --",
        "\\x00' OR '1'='1",
        "$1); DELETE FROM ptr_owner_limit; --",
        "x\"; DROP SCHEMA " SCHEMA " CASCADE; --",
    };
    ptr_store_txn *txn;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const char *h = hostile[i];
        char addr[32];
        snprintf(addr, sizeof addr, "203.0.113.%zu", 20 + i);
        const char *names[] = {h, NULL};
        char tag[96];
        snprintf(tag, sizeof tag, "%s=%s", h, h);
        const char *tags[] = {tag, NULL};
        ptr_record *r = test_record(h, h, h, addr, names, tags);
        assert_status(ptr_record_set_description(r, h, strlen(h)), PTR_OK);
        assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
        assert_status(ptr_store_insert(s, txn, r), PTR_OK);
        assert_status(ptr_store_owner_limit_set(s, txn, h, strlen(h), 7), PTR_OK);
        assert_status(ptr_store_commit(s, txn), PTR_OK);
        ptr_record *got;
        assert_status(ptr_record_new(NULL, &got), PTR_OK);
        assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
        assert_status(ptr_store_get(s, txn, h, strlen(h), ptr_record_address(r), got), PTR_OK);
        size_t len;
        assert_memory_equal(ptr_record_owner(got, &len), h, strlen(h));
        assert_int_equal(len, strlen(h));
        assert_memory_equal(ptr_record_description(got, &len), h, strlen(h));
        assert_memory_equal(ptr_record_name(got, 0, &len), h, strlen(h));
        ptr_tag t;
        assert_status(ptr_record_tag(got, 0, &t), PTR_OK);
        /* test_record splits the tag at its first '=': the key is the text before it. */
        assert_int_equal(t.key_len, (size_t)(strchr(tag, '=') - tag));
        assert_memory_equal(t.key, tag, t.key_len);
        uint64_t n = 0, lim = 0;
        assert_status(ptr_store_count_owner(s, txn, h, strlen(h), &n), PTR_OK);
        assert_int_equal(n, 1);
        assert_status(ptr_store_owner_limit_get(s, txn, h, strlen(h), &lim), PTR_OK);
        assert_int_equal(lim, 7);
        ptr_store_commit(s, txn);
        ptr_record_free(got);
        ptr_record_free(r);
    }
    /* Everything still there: no statement was cut short or extended. */
    PGconn *c = pg_test_connect();
    PGresult *res = PQexec(c, "SELECT count(*) FROM " SCHEMA ".ptr_record");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), "4");
    PQclear(res);
    res = PQexec(c, "SELECT count(*) FROM " SCHEMA ".ptr_owner_limit");
    assert_string_equal(PQgetvalue(res, 0, 0), "4");
    PQclear(res);
    PQfinish(c);
    ptr_store_free(s);
}

/* ---- lost connections -------------------------------------------------------------- */

static void kill_backends(void)
{
    PGconn *c = pg_test_connect();
    assert_int_equal(pg_test_exec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                     " WHERE pid <> pg_backend_pid() AND backend_type ="
                                     " 'client backend' AND datname = current_database()"),
                     0);
    PQfinish(c);
}

static uint64_t records_of(ptr_store *s, const char *owner)
{
    ptr_store_txn *txn;
    uint64_t n = 0;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, owner, strlen(owner), &n), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    return n;
}

static void backend_killed(void **state)
{
    (void)state;
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    /* Between transactions: the next one reconnects by itself. */
    kill_backends();
    assert_int_equal(records_of(s, "o1"), 0);

    /* Mid-transaction: the insert is lost whole, the error says why, the next call works. */
    ptr_store_txn *txn;
    ptr_record *r1 = test_record("r1", "p1", "o1", "203.0.113.1", N1, NULL);
    ptr_record *r2 = test_record("r1", "p1", "o1", "203.0.113.2", N1, NULL);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r1), PTR_OK);
    kill_backends();
    assert_status(ptr_store_insert(s, txn, r2), PTR_E_STORE);
    assert_true(ptr_pg_store_errmsg(s)[0] != '\0');
    assert_status(ptr_store_commit(s, txn), PTR_E_STORE);
    assert_int_equal(records_of(s, "o1"), 0);
    /* Killed just before COMMIT: nothing kept either. */
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r1), PTR_OK);
    kill_backends();
    assert_status(ptr_store_commit(s, txn), PTR_E_STORE);
    assert_true(ptr_pg_store_errmsg(s)[0] != '\0');
    assert_int_equal(records_of(s, "o1"), 0);

    /* Through the service: the status is PTR_E_STORE, then all is well again. */
    ptr_ctx *c = ptr_test_ctx_ok(s);
    ptr_error e;
    assert_status(create(c, &A, "203.0.113.5", "a.example.com", NULL, &e), PTR_OK);
    assert_int_equal(records_of(s, "o1"), 1);
    ptr_ctx_free(c);
    ptr_record_free(r1);
    ptr_record_free(r2);
    ptr_store_free(s);
}

static void server_restart(void **state)
{
    (void)state;
    const char *ctl = getenv("PTR_PG_TEST_CTL");
    if (!ctl || !*ctl)
        skip();
    ptr_store *s = pg_test_store(SCHEMA);
    assert_non_null(s);
    ptr_ctx *c = ptr_test_ctx_ok(s);
    ptr_error e;
    assert_status(create(c, &A, "203.0.113.1", "a.example.com", NULL, &e), PTR_OK);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -m fast restart >/dev/null", ctl);
    assert_int_equal(system(cmd), 0);
    /* The connection is gone; the next call reconnects and works. */
    assert_status(create(c, &A, "203.0.113.2", "a.example.com", NULL, &e), PTR_OK);
    assert_int_equal(records_of(s, "o1"), 2);

    /* A transaction open across the restart: nothing of it stays, the next works. */
    ptr_store_txn *txn;
    ptr_record *r = test_record("r1", "p1", "o1", "203.0.113.3", N1, NULL);
    assert_status(ptr_store_begin(s, PTR_TXN_WRITE, &txn), PTR_OK);
    assert_status(ptr_store_insert(s, txn, r), PTR_OK);
    assert_int_equal(system(cmd), 0);
    assert_status(ptr_store_commit(s, txn), PTR_E_STORE);
    assert_true(ptr_pg_store_errmsg(s)[0] != '\0');
    assert_int_equal(records_of(s, "o1"), 2);
    ptr_record_free(r);
    ptr_ctx_free(c);
    ptr_store_free(s);
}

static void errmsg_of_other_stores(void **state)
{
    (void)state;
    ptr_store *m;
    assert_status(ptr_memstore_new(NULL, &m), PTR_OK);
    assert_string_equal(ptr_pg_store_errmsg(m), "");
    assert_string_equal(ptr_pg_store_errmsg(NULL), "");
    ptr_store_free(m);
}

int main(void)
{
    pg_test_conninfo();
    int failed = store_conformance_run("pg store conformance", make_pg, NULL);
    failed += service_faults_run("pg service faults", make_pg, NULL);
    failed += service_faults_run_checked("pg service faults, insert_checked", make_pg, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_arguments),   cmocka_unit_test(open_creates_and_checks_schema),
        cmocka_unit_test(keyed_writers),    cmocka_unit_test(owner_limits_in_the_store),
        cmocka_unit_test(tenant_isolation), cmocka_unit_test(sql_injection),
        cmocka_unit_test(backend_killed),   cmocka_unit_test(errmsg_of_other_stores),
        cmocka_unit_test(server_restart),
    };
    failed += cmocka_run_group_tests_name("pg store", tests, NULL, NULL);
    pg_test_drop_schema(SCHEMA);
    return failed ? 1 : 0;
}
