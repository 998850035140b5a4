/*
 * Crash safety of the SQLite store. A child process bulk-imports records
 * (ptr_ctx_create_many, one transaction per batch) into a database file and
 * is killed with SIGKILL at a different moment each round. After each kill:
 * - the file passes PRAGMA integrity_check (through the sqlite3 API, behind
 *   the store's back) and ptr_sqlite_store_open opens it;
 * - every record is whole: its content is derived from its address, so each
 *   field (owner, names in order, TTL, description, tags) is checked against
 *   what the child wrote, and a half-written row would not decode or match;
 * - no owner holds more records than the quota: a batch is committed whole
 *   or not at all, and the count is taken inside the write transaction;
 * - each owner's count, as the quota reads it (its row of ptr_owner, which
 *   the store writes just before COMMIT), equals the records found.
 * The next round's child starts the import from the top again (existing
 * addresses give PTR_E_EXISTS) and a final child runs it to the end, which
 * must leave exactly the quota for each owner.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite_test_util.h"

#define N_RECORDS 3000
#define BATCH     50
#define N_OWNERS  3
/* Below N_RECORDS / N_OWNERS, so the quota is reached and must hold. */
#define QUOTA  900
#define ROUNDS 8

static test_db g_db;

/* Record i: its address, and everything else derived from i. */
static void addr_text(unsigned i, char *buf, size_t cap)
{
    snprintf(buf, cap, "198.18.%u.%u", i / 250, i % 250 + 1);
}

static unsigned index_of(const ptr_addr *a)
{
    assert_int_equal(a->family, 4);
    assert_int_equal(a->bytes[0], 198);
    assert_int_equal(a->bytes[1], 18);
    assert_true(a->bytes[3] >= 1 && a->bytes[3] <= 250);
    return a->bytes[2] * 250u + a->bytes[3] - 1u;
}

/* Batch b holds records b*BATCH.. and belongs to owner b % N_OWNERS. */
static unsigned owner_of(unsigned i)
{
    return (i / BATCH) % N_OWNERS;
}

typedef struct texts {
    char addr[32], n1[48], n2[48], desc[64], tagv[16];
    ptr_text names[2];
    ptr_tag tags[2];
} texts;

static void fill_request(unsigned i, texts *t, ptr_request *r)
{
    addr_text(i, t->addr, sizeof t->addr);
    snprintf(t->n1, sizeof t->n1, "h%u.example.com", i);
    snprintf(t->n2, sizeof t->n2, "alt-%u.example.net", i);
    snprintf(t->desc, sizeof t->desc, "record %u of the crash import", i);
    snprintf(t->tagv, sizeof t->tagv, "%u", i);
    t->names[0] = (ptr_text){t->n1, strlen(t->n1)};
    t->names[1] = (ptr_text){t->n2, strlen(t->n2)};
    t->tags[0] = (ptr_tag){PTR_LIT("idx"), t->tagv, strlen(t->tagv)};
    t->tags[1] = (ptr_tag){PTR_LIT("kind"), PTR_LIT("crash-test")};
    ptr_request_init(r);
    r->address = (ptr_text){t->addr, strlen(t->addr)};
    r->names = t->names;
    r->name_count = 2;
    r->ttl = 60 + i;
    r->description = (ptr_text){t->desc, strlen(t->desc)};
    r->tags = t->tags;
    r->tag_count = 2;
}

static ptr_ctx *open_ctx(ptr_store **store)
{
    if (ptr_sqlite_store_open(g_db.path, strlen(g_db.path), NULL, store, NULL) != PTR_OK)
        return NULL;
    ptr_policy p;
    ptr_policy_init(&p);
    p.max_records_per_owner = QUOTA;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = *store;
    cfg.policy = &p;
    ptr_ctx *c = NULL;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK) {
        ptr_store_free(*store);
        return NULL;
    }
    return c;
}

/* The child: the whole import, batch by batch. Exits 0 when done, 1 on a surprise. */
static _Noreturn void importer(void)
{
    ptr_store *s;
    ptr_ctx *c = open_ctx(&s);
    if (!c)
        _exit(1);
    static texts t[BATCH];
    ptr_request reqs[BATCH];
    ptr_status results[BATCH];
    for (unsigned b = 0; b < N_RECORDS / BATCH; b++) {
        char owner[8];
        snprintf(owner, sizeof owner, "o%u", owner_of(b * BATCH));
        const ptr_scope sc = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {owner, strlen(owner)}};
        for (unsigned k = 0; k < BATCH; k++)
            fill_request(b * BATCH + k, &t[k], &reqs[k]);
        size_t created = 0;
        ptr_status st = ptr_ctx_create_many(c, &sc, reqs, BATCH, 0, results, NULL, &created);
        if (st != PTR_OK && st != PTR_E_QUOTA && st != PTR_E_EXISTS)
            _exit(1);
        for (unsigned k = 0; k < BATCH; k++)
            if (results[k] != PTR_OK && results[k] != PTR_E_EXISTS && results[k] != PTR_E_QUOTA)
                _exit(1);
    }
    ptr_ctx_free(c);
    ptr_store_free(s);
    _exit(0);
}

static void integrity_ok(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(g_db.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *r = (const char *)sqlite3_column_text(st, 0);
    if (!r || strcmp(r, "ok") != 0) {
        print_error("integrity_check: %s\n", r ? r : "(null)");
        fail();
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

typedef struct tally {
    unsigned per_owner[N_OWNERS];
    unsigned total;
} tally;

static void text_eq(const char *got, size_t len, const char *want)
{
    if (len != strlen(want) || memcmp(got, want, len) != 0) {
        print_error("got \"%.*s\", want \"%s\"\n", (int)len, got, want);
        fail();
    }
}

/* One record, field by field, against what the importer wrote for its address. */
static int check_record(void *ctx, const ptr_record *rec)
{
    tally *t = ctx;
    const unsigned i = index_of(ptr_record_address(rec));
    assert_true(i < N_RECORDS);
    char want[64];
    size_t n;
    const char *s = ptr_record_owner(rec, &n);
    snprintf(want, sizeof want, "o%u", owner_of(i));
    text_eq(s, n, want);
    s = ptr_record_project(rec, &n);
    text_eq(s, n, "p1");
    assert_int_equal(ptr_record_name_count(rec), 2);
    snprintf(want, sizeof want, "h%u.example.com.", i);
    s = ptr_record_name(rec, 0, &n);
    text_eq(s, n, want);
    snprintf(want, sizeof want, "alt-%u.example.net.", i);
    s = ptr_record_name(rec, 1, &n);
    text_eq(s, n, want);
    assert_int_equal(ptr_record_ttl(rec), 60 + i);
    snprintf(want, sizeof want, "record %u of the crash import", i);
    s = ptr_record_description(rec, &n);
    text_eq(s, n, want);
    assert_int_equal(ptr_record_tag_count(rec), 2);
    ptr_tag tag;
    assert_status(ptr_record_tag(rec, 0, &tag), PTR_OK);
    text_eq(tag.key, tag.key_len, "idx");
    snprintf(want, sizeof want, "%u", i);
    text_eq(tag.value, tag.value_len, want);
    assert_status(ptr_record_tag(rec, 1, &tag), PTR_OK);
    text_eq(tag.value, tag.value_len, "crash-test");
    t->per_owner[owner_of(i)]++;
    t->total++;
    return 0;
}

/* The database after a kill: sound, every record whole, every owner within the quota. */
static tally verify(void)
{
    integrity_ok();
    ptr_store *s = NULL;
    ptr_error e;
    ptr_status st = ptr_sqlite_store_open(g_db.path, strlen(g_db.path), NULL, &s, &e);
    if (st != PTR_OK)
        print_error("open after kill: %s\n", e.message);
    assert_status(st, PTR_OK);
    tally t;
    memset(&t, 0, sizeof t);
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){PTR_LIT("r1")};
    ptr_store_txn *txn;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_scan(s, txn, &f, NULL, check_record, &t), PTR_OK);
    for (unsigned o = 0; o < N_OWNERS; o++) {
        char owner[8];
        uint64_t n = 0;
        snprintf(owner, sizeof owner, "o%u", o);
        assert_status(ptr_store_count_owner(s, txn, owner, strlen(owner), &n), PTR_OK);
        assert_int_equal(n, t.per_owner[o]);
        assert_true(t.per_owner[o] <= QUOTA);
    }
    ptr_store_rollback(s, txn);
    ptr_store_free(s);
    return t;
}

static int run_child(long kill_after_us)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        importer();
    if (kill_after_us >= 0) {
        struct timespec ts = {kill_after_us / 1000000, (kill_after_us % 1000000) * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void killed_mid_import(void **state)
{
    (void)state;
    /* Create the file and its schema first, so every kill lands in the import itself. */
    ptr_store *s;
    ptr_ctx *c = open_ctx(&s);
    assert_non_null(c);
    ptr_ctx_free(c);
    ptr_store_free(s);

    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)(unsigned)getpid();
    unsigned last_total = 0, killed = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /*
         * Later each round, with jitter: a round's child first skips over what
         * is there (PTR_E_EXISTS), so a fixed window would kill every child
         * before it writes anything new. The whole import takes ~0.1 s natively.
         */
        const long delay = 10000L * (round + 1) + (long)(ptr_test_rand(&seed) % 10000);
        const int status = run_child(delay);
        if (WIFSIGNALED(status)) {
            assert_int_equal(WTERMSIG(status), SIGKILL);
            killed++;
        } else {
            /* It finished before the kill: fine, but it must have succeeded. */
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        const tally t = verify();
        print_message("round %d: %s after %ld ms, %u records\n", round,
                      WIFSIGNALED(status) ? "killed" : "finished", delay / 1000, t.total);
        /* Committed batches stay committed. */
        assert_true(t.total >= last_total);
        last_total = t.total;
    }
    /* The second import completes what the killed ones left. */
    const int status = run_child(-1);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const tally t = verify();
    for (unsigned o = 0; o < N_OWNERS; o++)
        assert_int_equal(t.per_owner[o], QUOTA);
    print_message("%u of %d rounds killed mid-import\n", killed, ROUNDS);
}

static int setup(void **state)
{
    (void)state;
    return test_db_make(&g_db, "ptr-sqlcrash.", "crash.sqlite");
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
        cmocka_unit_test(killed_mid_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
