/*
 * The conformance suite against the fault-injecting wrapper (disarmed: a
 * wrapper must not weaken the store), then the service over it with a
 * failure injected at every store call of every operation in turn: after
 * each injected failure the visible state must equal the state before the
 * operation. PTR_E_BUSY must be retried, a bounded number of times.
 */
#include <stdlib.h>

#include "fault_store.h"
#include "ptr_test.h"
#include "store_conformance.h"

static fault_state *last_fault;

static ptr_store *make_faulty(void *arg)
{
    (void)arg;
    ptr_store *inner, *s;
    if (ptr_memstore_new(NULL, &inner) != PTR_OK)
        return NULL;
    if (fault_store_new(inner, &last_fault, &s) != PTR_OK) {
        ptr_store_free(inner);
        return NULL;
    }
    return s;
}

typedef struct fx {
    ptr_store *store;
    fault_state *fault;
    ptr_ctx *ctx;
} fx;

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->store = make_faulty(NULL);
    f->fault = last_fault;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.busy_retries = 3;
    if (ptr_ctx_new(&cfg, &f->ctx, NULL) != PTR_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
    free(f);
    return 0;
}

static ptr_status create(fx *f, const char *addr)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("a.example.com")};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(f->ctx, &P1, &r, NULL, NULL);
}

typedef ptr_status (*op_fn)(fx *f);

static ptr_status op_create(fx *f)
{
    return create(f, "203.0.113.50");
}
static ptr_status op_create_exists(fx *f)
{
    return create(f, "203.0.113.1");
}
static ptr_status op_update(fx *f)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n[] = {{PTR_LIT("b.example.com")}, {PTR_LIT("c.example.com")}};
    r.flags = PTR_REQUEST_NAMES | PTR_REQUEST_TTL;
    r.names = n;
    r.name_count = 2;
    r.ttl = 77;
    return ptr_ctx_update(f->ctx, &P1, PTR_LIT("203.0.113.2"), &r, NULL, NULL);
}
static ptr_status op_delete(fx *f)
{
    return ptr_ctx_delete(f->ctx, &P1, PTR_LIT("203.0.113.1"), NULL);
}
static ptr_status op_batch(fx *f)
{
    const ptr_text t[] = {
        {PTR_LIT("203.0.113.2")}, {PTR_LIT("203.0.113.3")}, {PTR_LIT("203.0.113.4")}};
    return ptr_ctx_delete_batch(f->ctx, &P1, t, 3, NULL);
}
static ptr_status op_list(fx *f)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    q.limit = 2;
    ptr_record_list *l = NULL;
    ptr_status st = ptr_ctx_list(f->ctx, &P1, &q, &l, NULL);
    if (st == PTR_OK && ptr_record_list_count(l) != 2)
        st = PTR_E_INVAL;
    ptr_record_list_free(l);
    return st;
}
static ptr_status op_get(fx *f)
{
    ptr_record *r;
    ptr_record_new(NULL, &r);
    ptr_status st = ptr_ctx_get(f->ctx, &P1, PTR_LIT("203.0.113.1"), r, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_resolve(fx *f)
{
    ptr_record *r;
    ptr_record_new(NULL, &r);
    ptr_status st = ptr_ctx_resolve(f->ctx, PTR_LIT("r1"), PTR_LIT("203.0.113.9"), r, NULL, NULL);
    ptr_record_free(r);
    return st;
}
static ptr_status op_quota(fx *f)
{
    uint64_t used, limit;
    return ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL);
}

static void prefill(fx *f)
{
    const char *a[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"};
    for (int i = 0; i < 4; i++)
        assert_status(create(f, a[i]), PTR_OK);
}

/* Fail call 1, 2, 3, ... of op until it runs through without reaching the fault. */
static void every_call_fails(fx *f, op_fn op, ptr_status final)
{
    for (long n = 1;; n++) {
        assert_true(n < 100);
        char *before = store_dump(f->store);
        fault_arm(f->fault, n, PTR_E_STORE, 0);
        ptr_status st = op(f);
        const long fired = fault_fired(f->fault);
        fault_arm(f->fault, 0, PTR_E_STORE, 0);
        char *after = store_dump(f->store);
        if (!fired) {
            assert_status(st, final);
            free(before);
            free(after);
            return;
        }
        assert_status(st, PTR_E_STORE);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
}

static void faults_in_every_operation(void **state)
{
    fx *f = *state;
    prefill(f);
    every_call_fails(f, op_create_exists, PTR_E_EXISTS);
    every_call_fails(f, op_get, PTR_OK);
    every_call_fails(f, op_resolve, PTR_OK);
    every_call_fails(f, op_quota, PTR_OK);
    every_call_fails(f, op_list, PTR_OK);
    every_call_fails(f, op_update, PTR_OK);
    every_call_fails(f, op_create, PTR_OK);
    every_call_fails(f, op_batch, PTR_OK);
    every_call_fails(f, op_delete, PTR_OK);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 1); /* 4 + 1 created, 3 + 1 deleted */
}

static void busy_is_retried(void **state)
{
    fx *f = *state;
    /* One busy answer anywhere in a create (begin, get, count, insert, commit): retried. */
    for (long n = 1; n <= 5; n++) {
        char a[32];
        snprintf(a, sizeof a, "203.0.113.%ld", 100 + n);
        fault_arm(f->fault, n, PTR_E_BUSY, 0);
        assert_status(create(f, a), PTR_OK);
        assert_int_equal(fault_fired(f->fault), 1);
        /* 5 calls that counted, the failed one and its retry: no record twice. */
        assert_status(create(f, a), PTR_E_EXISTS);
    }
    fault_arm(f->fault, 0, PTR_E_STORE, 0);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 5);

    /* Always busy: 1 + busy_retries attempts, then PTR_E_BUSY and nothing changed. */
    char *before = store_dump(f->store);
    fault_arm(f->fault, 1, PTR_E_BUSY, 1);
    ptr_error e;
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("a.example.com")};
    r.address = (ptr_text){PTR_LIT("203.0.113.99")};
    r.names = &n;
    r.name_count = 1;
    assert_status(ptr_ctx_create(f->ctx, &P1, &r, NULL, &e), PTR_E_BUSY);
    assert_error(&e, PTR_E_BUSY, PTR_FIELD_NONE, 0, 0);
    assert_int_equal(fault_calls(f->fault), 4);
    fault_arm(f->fault, 0, PTR_E_STORE, 0);
    char *after = store_dump(f->store);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int main(void)
{
    int failed = store_conformance_run("fault store conformance", make_faulty, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(faults_in_every_operation, setup, teardown),
        cmocka_unit_test_setup_teardown(busy_is_retried, setup, teardown),
    };
    failed += cmocka_run_group_tests_name("faults", tests, NULL, NULL);
    return failed ? 1 : 0;
}
