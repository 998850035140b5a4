/*
 * The races between processes, not threads: 8 forked processes open the
 * same new database file (so they also race its creation and migration),
 * then create records through their own ptr_ctx, at once:
 *   - distinct addresses for one owner across the quota boundary: exactly
 *     the quota succeeds overall, the rest answer PTR_E_QUOTA;
 *   - the same addresses in every process: each succeeds exactly once, the
 *     rest answer PTR_E_EXISTS.
 * No process may get a storage error (PTR_E_BUSY, PTR_E_STORE) instead of a
 * rule's answer: the busy timeout is generous and the service retries.
 *
 * Children never call cmocka; they report counts through a shared mapping
 * and their exit status, which the parent asserts.
 */
#define _POSIX_C_SOURCE 200809L /* fork, pipe; MAP_ANONYMOUS via _DEFAULT_SOURCE below */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libptr/sqlite.h"
#include "ptr_test.h"
#include "sqlite_test_util.h"

enum { PROCS = 8, PER_PROC = 12, QUOTA = 50 };

typedef struct counts {
    int ok, quota, exists, other, open_failed;
    int other_status; /* the last unexpected status, for the failure message */
} counts;

static const ptr_scope QUOTA_SCOPE = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("limited")}};
static const ptr_scope SAME_SCOPE = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o2")}};

static ptr_status create(ptr_ctx *c, const ptr_scope *sc, const char *addr)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("mail.example.com")};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(c, sc, &r, NULL, NULL);
}

static void tally(counts *k, ptr_status st)
{
    if (st == PTR_OK)
        k->ok++;
    else if (st == PTR_E_QUOTA)
        k->quota++;
    else if (st == PTR_E_EXISTS)
        k->exists++;
    else {
        k->other++;
        k->other_status = (int)st;
    }
}

/* One racing process: everything it makes, it frees (valgrind checks children too). */
static int child(const char *path, int id, int go_fd, counts *quota_k, counts *same_k)
{
    char byte;
    /* Wait for the start: the parent closes the pipe once every child is forked. */
    while (read(go_fd, &byte, 1) > 0)
        ;
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    o.busy_timeout_ms = 30000;
    ptr_store *s = NULL;
    ptr_error e;
    if (ptr_sqlite_store_open(path, strlen(path), &o, &s, &e) != PTR_OK) {
        fprintf(stderr, "process %d: open: %s: %s\n", id, ptr_status_name(e.status), e.message);
        quota_k->open_failed = 1;
        return 1;
    }
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.max_records_per_owner = QUOTA;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    cfg.policy = &pol;
    cfg.busy_retries = 20;
    ptr_ctx *c = NULL;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK) {
        ptr_store_free(s);
        quota_k->open_failed = 1;
        return 1;
    }
    for (int i = 0; i < PER_PROC; i++) {
        char addr[32];
        /* Interleave both races so that every transaction competes with the others. */
        snprintf(addr, sizeof addr, "203.0.113.%d", id * PER_PROC + i);
        tally(quota_k, create(c, &QUOTA_SCOPE, addr));
        snprintf(addr, sizeof addr, "198.51.100.%d", (i + id) % PER_PROC);
        tally(same_k, create(c, &SAME_SCOPE, addr));
    }
    ptr_ctx_free(c);
    ptr_store_free(s);
    return 0;
}

static void processes_race(void **state)
{
    (void)state;
    test_db db;
    assert_int_equal(test_db_make(&db, "ptr-procs-", "race.sqlite"), 0);
    const char *path = db.path;

    counts *shared = mmap(NULL, 2 * PROCS * sizeof *shared, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(shared != MAP_FAILED);
    memset(shared, 0, 2 * PROCS * sizeof *shared);
    int go[2];
    assert_int_equal(pipe(go), 0);
    /* Nothing buffered may be written twice by the children. */
    fflush(NULL);
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(go[1]);
            const int rc = child(path, i, go[0], &shared[i], &shared[PROCS + i]);
            close(go[0]);
            _exit(rc);
        }
    }
    close(go[0]);
    close(go[1]); /* go */
    int bad_exit = 0;
    for (int i = 0; i < PROCS; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        bad_exit += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    counts q = {0}, same = {0};
    for (int i = 0; i < PROCS; i++) {
        const counts *a = &shared[i], *b = &shared[PROCS + i];
        q.ok += a->ok;
        q.quota += a->quota;
        q.exists += a->exists;
        q.other += a->other;
        q.open_failed += a->open_failed;
        same.ok += b->ok;
        same.quota += b->quota;
        same.exists += b->exists;
        same.other += b->other;
        if (a->other || b->other)
            print_error(
                "process %d: unexpected %s\n", i,
                ptr_status_name((ptr_status)(a->other ? a->other_status : b->other_status)));
    }
    assert_int_equal(q.open_failed, 0);
    assert_int_equal(bad_exit, 0);
    assert_int_equal(q.other, 0);
    assert_int_equal(same.other, 0);
    /* Exactly the quota, whatever the interleaving. */
    assert_int_equal(q.ok, QUOTA);
    assert_int_equal(q.quota, PROCS * PER_PROC - QUOTA);
    /* Each shared address exactly once. */
    assert_int_equal(same.ok, PER_PROC);
    assert_int_equal(same.exists, (PROCS - 1) * PER_PROC);

    /* And the file agrees. */
    ptr_store *s = NULL;
    assert_status(ptr_sqlite_store_open(path, strlen(path), NULL, &s, NULL), PTR_OK);
    ptr_store_txn *txn;
    uint64_t n1, n2;
    assert_status(ptr_store_begin(s, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, PTR_LIT("limited"), &n1), PTR_OK);
    assert_status(ptr_store_count_owner(s, txn, PTR_LIT("o2"), &n2), PTR_OK);
    assert_status(ptr_store_commit(s, txn), PTR_OK);
    ptr_store_free(s);
    assert_int_equal(n1, QUOTA);
    assert_int_equal(n2, PER_PROC);

    munmap(shared, 2 * PROCS * sizeof *shared);
    test_db_remove(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(processes_race),
    };
    return cmocka_run_group_tests_name("sqlite store between processes", tests, NULL, NULL);
}
