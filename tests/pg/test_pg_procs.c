/*
 * Races between processes, each with its own connection, against one
 * database (tests/pg/with_cluster.sh), through the service as an API server
 * would run it:
 *   - 60 creates of distinct addresses for one owner with a quota of 50:
 *     exactly 50 succeed, 10 answer PTR_E_QUOTA;
 *   - 8 creates of one address, by 8 different owners (so that only the
 *     address's key orders them), for 12 addresses: each exactly once,
 *     PTR_E_EXISTS for the rest;
 *   - mixed creates, updates and deletes over a few addresses and owners
 *     with a small quota; afterwards no owner is over its quota, and the
 *     counts the store reports are the rows in the table;
 *   - at store level, creates that pause between counting and inserting
 *     (begin_keys, count_owner, 0.3 s, insert, commit), so that a store
 *     whose keys did not exclude each other would let every process see
 *     room under the quota: exactly the quota's records are made.
 * No process may get anything but a rule's answer (no PTR_E_BUSY, no
 * PTR_E_STORE). The 8 processes start the moment the parent says go, and
 * the first also races the others creating the schema.
 *
 * Children never call cmocka; they report counts through a shared mapping.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg_test_util.h"
#include "ptr_test.h"

enum {
    PROCS = 8,
    QUOTA = 50,
    QUOTA_CREATES = 60,
    SAME_ADDRS = 12,
    MIXED_OPS = 60,
    MIXED_QUOTA = 3,
    MIXED_OWNERS = 4,
    MIXED_ADDRS = 16
};

#define SCHEMA "ptr_procs"

typedef struct counts {
    int ok, quota, exists, not_found, other, open_failed;
    int other_status;
    char other_msg[160];
} counts;

static void tally(counts *k, ptr_status st, const ptr_error *e)
{
    switch (st) {
    case PTR_OK: k->ok++; break;
    case PTR_E_QUOTA: k->quota++; break;
    case PTR_E_EXISTS: k->exists++; break;
    case PTR_E_NOT_FOUND: k->not_found++; break;
    default:
        k->other++;
        k->other_status = (int)st;
        snprintf(k->other_msg, sizeof k->other_msg, "%s", e->message);
    }
}

static ptr_status create(ptr_ctx *c, const ptr_scope *sc, const char *addr, ptr_error *e)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("mail.example.com")};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(c, sc, &r, NULL, e);
}

static ptr_ctx *child_ctx(ptr_store **s, unsigned quota)
{
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = SCHEMA;
    o.lock_timeout_ms = 30000;
    const char *ci = pg_test_conninfo();
    ptr_error e;
    if (ptr_pg_store_open_ex(ci, strlen(ci), &o, s, &e) != PTR_OK) {
        fprintf(stderr, "open: %s: %s\n", ptr_status_name(e.status), e.message);
        return NULL;
    }
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.max_records_per_owner = quota;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = *s;
    cfg.policy = &pol;
    cfg.busy_retries = 50;
    ptr_ctx *c = NULL;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK) {
        ptr_store_free(*s);
        return NULL;
    }
    return c;
}

typedef void (*race_fn)(ptr_store *s, ptr_ctx *c, int id, counts *k);

static void race_quota(ptr_store *s, ptr_ctx *c, int id, counts *k)
{
    (void)s;
    static const ptr_scope sc = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("limited")}};
    for (int i = id; i < QUOTA_CREATES; i += PROCS) {
        char addr[32];
        snprintf(addr, sizeof addr, "203.0.113.%d", i);
        ptr_error e;
        tally(k, create(c, &sc, addr, &e), &e);
    }
}

static void race_same(ptr_store *s, ptr_ctx *c, int id, counts *k)
{
    (void)s;
    char owner[16];
    snprintf(owner, sizeof owner, "same%d", id);
    const ptr_scope sc = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {owner, strlen(owner)}};
    for (int i = 0; i < SAME_ADDRS; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "198.51.100.%d", (i + id) % SAME_ADDRS);
        ptr_error e;
        tally(k, create(c, &sc, addr, &e), &e);
    }
}

static void race_mixed(ptr_store *s, ptr_ctx *c, int id, counts *k)
{
    (void)s;
    uint64_t rng = 0x9e3779b97f4a7c15u * (uint64_t)(id + 1);
    for (int i = 0; i < MIXED_OPS; i++) {
        char addr[32], owner[16];
        snprintf(addr, sizeof addr, "192.0.2.%u", (unsigned)(ptr_test_rand(&rng) % MIXED_ADDRS));
        snprintf(owner, sizeof owner, "mix%u", (unsigned)(ptr_test_rand(&rng) % MIXED_OWNERS));
        const ptr_scope sc = {{PTR_LIT("r2")}, {PTR_LIT("p1")}, {owner, strlen(owner)}};
        ptr_error e;
        ptr_status st;
        switch (ptr_test_rand(&rng) % 3) {
        case 0: st = create(c, &sc, addr, &e); break;
        case 1: {
            ptr_request u;
            ptr_request_init(&u);
            u.flags = PTR_REQUEST_TTL;
            u.ttl = (int64_t)(60 + i);
            st = ptr_ctx_update(c, &sc, addr, strlen(addr), &u, NULL, &e);
            break;
        }
        default: st = ptr_ctx_delete(c, &sc, addr, strlen(addr), &e); break;
        }
        tally(k, st, &e);
    }
}

static int child(int id, int go_fd, unsigned quota, race_fn fn, counts *k)
{
    char byte;
    while (read(go_fd, &byte, 1) > 0)
        ;
    ptr_store *s = NULL;
    ptr_ctx *c = child_ctx(&s, quota);
    if (!c) {
        k->open_failed = 1;
        return 1;
    }
    fn(s, c, id, k);
    ptr_ctx_free(c);
    ptr_store_free(s);
    return 0;
}

/* Run fn in PROCS processes at once; the sum of their counts. */
static counts race(unsigned quota, race_fn fn)
{
    counts *shared = mmap(NULL, PROCS * sizeof *shared, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(shared != MAP_FAILED);
    memset(shared, 0, PROCS * sizeof *shared);
    int go[2];
    assert_int_equal(pipe(go), 0);
    fflush(NULL);
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(go[1]);
            const int rc = child(i, go[0], quota, fn, &shared[i]);
            close(go[0]);
            _exit(rc);
        }
    }
    close(go[0]);
    close(go[1]);
    counts sum = {0};
    int bad_exit = 0;
    for (int i = 0; i < PROCS; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        bad_exit += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        const counts *a = &shared[i];
        sum.ok += a->ok;
        sum.quota += a->quota;
        sum.exists += a->exists;
        sum.not_found += a->not_found;
        sum.other += a->other;
        sum.open_failed += a->open_failed;
        if (a->other)
            print_error("process %d: unexpected %s: %s\n", i,
                        ptr_status_name((ptr_status)a->other_status), a->other_msg);
    }
    munmap(shared, PROCS * sizeof *shared);
    assert_int_equal(bad_exit, 0);
    assert_int_equal(sum.open_failed, 0);
    assert_int_equal(sum.other, 0);
    return sum;
}

/* One integer from SQL on a raw connection. */
static long long sql_int(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    const long long v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

static void quota_across_processes(void **state)
{
    (void)state;
    pg_test_drop_schema(SCHEMA); /* the processes race its creation too */
    const counts k = race(QUOTA, race_quota);
    assert_int_equal(k.ok, QUOTA);
    assert_int_equal(k.quota, QUOTA_CREATES - QUOTA);
    PGconn *c = pg_test_connect();
    assert_int_equal(sql_int(c, "SELECT count(*) FROM " SCHEMA ".ptr_record"
                                " WHERE owner = 'limited'::bytea"),
                     QUOTA);
    PQfinish(c);
}

static void one_address_across_processes(void **state)
{
    (void)state;
    const counts k = race(1000, race_same);
    assert_int_equal(k.ok, SAME_ADDRS);
    assert_int_equal(k.exists, (PROCS - 1) * SAME_ADDRS);
    PGconn *c = pg_test_connect();
    assert_int_equal(sql_int(c, "SELECT count(*) FROM " SCHEMA ".ptr_record"
                                " WHERE address >= '\\x04c6336400'::bytea"
                                " AND address < '\\x04c6336500'::bytea"),
                     SAME_ADDRS);
    PQfinish(c);
}

static void mixed_traffic(void **state)
{
    (void)state;
    const counts k = race(MIXED_QUOTA, race_mixed);
    assert_int_equal(k.ok + k.quota + k.exists + k.not_found, PROCS * MIXED_OPS);
    assert_true(k.ok > 0);
    PGconn *c = pg_test_connect();
    /* No owner over the quota, whatever happened. */
    assert_int_equal(sql_int(c, "SELECT count(*) FROM (SELECT owner FROM " SCHEMA ".ptr_record"
                                " WHERE region = 'r2'::bytea GROUP BY owner"
                                " HAVING count(*) > 3) x"),
                     0);
    const long long rows = sql_int(c, "SELECT count(*) FROM " SCHEMA ".ptr_record"
                                      " WHERE region = 'r2'::bytea");
    PQfinish(c);
    /* The store's own counts agree with the rows. */
    ptr_store *s = NULL;
    ptr_ctx *ctx = child_ctx(&s, MIXED_QUOTA);
    assert_non_null(ctx);
    uint64_t total = 0;
    for (int i = 0; i < MIXED_OWNERS; i++) {
        char owner[16];
        snprintf(owner, sizeof owner, "mix%d", i);
        uint64_t used, limit;
        assert_status(ptr_ctx_quota(ctx, owner, strlen(owner), &used, &limit, NULL), PTR_OK);
        assert_true(used <= MIXED_QUOTA);
        total += used;
    }
    assert_int_equal(total, rows);
    ptr_ctx_free(ctx);
    ptr_store_free(s);
}

enum { SLOW_LIMIT = 3 };

/* Creates at store level with a pause inside the transaction, each in a process. */
static void race_slow(ptr_store *s, ptr_ctx *c, int id, counts *k)
{
    (void)c;
    char addr[32];
    snprintf(addr, sizeof addr, "192.0.2.%d", 100 + id);
    ptr_addr a;
    ptr_host_parse(addr, strlen(addr), &a);
    ptr_record *r;
    ptr_record_new(NULL, &r);
    ptr_record_set_region(r, PTR_LIT("r3"));
    ptr_record_set_project(r, PTR_LIT("p1"));
    ptr_record_set_owner(r, PTR_LIT("slow"));
    ptr_record_set_address(r, &a);
    ptr_record_add_name(r, PTR_LIT("a.example.com."));
    const ptr_text owner = {PTR_LIT("slow")};
    ptr_txn_keys keys;
    ptr_txn_keys_init(&keys);
    keys.region = (ptr_text){PTR_LIT("r3")};
    keys.addrs = &a;
    keys.addr_count = 1;
    keys.owners = &owner;
    keys.owner_count = 1;
    ptr_store_txn *txn;
    ptr_status st = ptr_store_begin_keys(s, PTR_TXN_WRITE, &keys, &txn);
    ptr_error e;
    snprintf(e.message, sizeof e.message, "%s", ptr_pg_store_errmsg(s));
    if (st == PTR_OK) {
        uint64_t n = 0;
        st = ptr_store_count_owner(s, txn, PTR_LIT("slow"), &n);
        if (st == PTR_OK && n >= SLOW_LIMIT)
            st = PTR_E_QUOTA;
        if (st == PTR_OK) {
            usleep(300 * 1000);
            st = ptr_store_insert(s, txn, r);
        }
        snprintf(e.message, sizeof e.message, "%s", ptr_pg_store_errmsg(s));
        if (st == PTR_OK)
            st = ptr_store_commit(s, txn);
        else
            ptr_store_rollback(s, txn);
    }
    tally(k, st, &e);
    ptr_record_free(r);
}

static void keyed_transactions_exclude(void **state)
{
    (void)state;
    const counts k = race(SLOW_LIMIT, race_slow);
    assert_int_equal(k.ok, SLOW_LIMIT);
    assert_int_equal(k.quota, PROCS - SLOW_LIMIT);
}

int main(void)
{
    pg_test_conninfo();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quota_across_processes),
        cmocka_unit_test(one_address_across_processes),
        cmocka_unit_test(mixed_traffic),
        cmocka_unit_test(keyed_transactions_exclude),
    };
    const int failed = cmocka_run_group_tests_name("pg store between processes", tests, NULL, NULL);
    pg_test_drop_schema(SCHEMA);
    return failed ? 1 : 0;
}
