/*
 * The DNS status lifecycle of the service (service/dns.c and the writes):
 * what each write leaves pending, what ptr_ctx_pending hands a pusher, what
 * each answer in ptr_ctx_dns_results makes of a record, deletes kept until
 * DNS answers the default name, supersede by create and by a later write, and
 * the quota across all of it. On the memory store, and built again with
 * PTR_TEST_SQLITE on an SQLite store (test_dns_status_sqlite): the pending
 * records there come from its SQL and its partial index. The PostgreSQL
 * store keeps the same fields (its conformance run).
 */
#include <stdlib.h>

#include "ptr_test.h"
#ifdef PTR_TEST_SQLITE
#include "libptr/sqlite.h"
#endif

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
static const ptr_scope P2 = {{PTR_LIT("r1")}, {PTR_LIT("p2")}, {PTR_LIT("o2")}};

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_record *rec;
} fx;

static void fx_init(fx *f)
{
#ifdef PTR_TEST_SQLITE
    assert_status(ptr_sqlite_store_open(PTR_LIT(":memory:"), NULL, &f->store, NULL), PTR_OK);
#else
    assert_status(ptr_memstore_new(NULL, &f->store), PTR_OK);
#endif
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, NULL), PTR_OK);
    assert_status(ptr_record_new(NULL, &f->rec), PTR_OK);
}

static void fx_done(fx *f)
{
    ptr_record_free(f->rec);
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
}

static ptr_status create(fx *f, const ptr_scope *s, const char *addr, const char *name)
{
    ptr_text n = {name, strlen(name)};
    ptr_request r;
    ptr_request_init(&r);
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(f->ctx, s, &r, f->rec, NULL);
}

static ptr_status rename_to(fx *f, const char *addr, const char *name)
{
    ptr_text n = {name, strlen(name)};
    ptr_request r;
    ptr_request_init(&r);
    r.flags = PTR_REQUEST_NAMES;
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_update(f->ctx, &P1, addr, strlen(addr), &r, f->rec, NULL);
}

/* What ptr_ctx_pending hands over, copied. */
typedef struct seen {
    size_t n;
    ptr_addr addr[8];
    uint64_t rev[8];
    ptr_dns_status status[8];
    char name[8][80];
    uint32_t ttl[8];
} seen;

static int collect(void *user, const ptr_dns_change *ch)
{
    seen *s = user;
    assert_true(s->n < 8);
    s->addr[s->n] = *ptr_record_address(ch->record);
    s->rev[s->n] = ptr_record_revision(ch->record);
    s->status[s->n] = ptr_record_dns_status(ch->record);
    assert_true(ch->name_count >= 1);
    snprintf(s->name[s->n], sizeof s->name[0], "%.*s", (int)ch->names[0].len, ch->names[0].s);
    s->ttl[s->n] = ch->ttl;
    s->n++;
    return 0;
}

static seen pending(fx *f)
{
    seen s;
    memset(&s, 0, sizeof s);
    assert_status(ptr_ctx_pending(f->ctx, PTR_LIT("r1"), NULL, 0, collect, &s, NULL), PTR_OK);
    return s;
}

/* Answer every pending change with one status. */
static void answer_all(fx *f, ptr_dns_status st, const char *reason)
{
    seen s = pending(f);
    ptr_dns_result res[8];
    for (size_t i = 0; i < s.n; i++)
        res[i] = (ptr_dns_result){s.addr[i], s.rev[i], st, {reason, strlen(reason)}, 0};
    assert_status(ptr_ctx_dns_results(f->ctx, PTR_LIT("r1"), res, s.n, NULL), PTR_OK);
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(res[i].applied, 1);
}

static ptr_dns_status status_of(fx *f, const ptr_scope *s, const char *addr)
{
    assert_status(ptr_ctx_get(f->ctx, s, addr, strlen(addr), f->rec, NULL), PTR_OK);
    return ptr_record_dns_status(f->rec);
}

static void test_lifecycle(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    assert_status(create(&f, &P1, "203.0.113.10", "mail.example.com"), PTR_OK);
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_CREATE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_CREATE);
    assert_int_equal(ptr_record_in_dns(f.rec), 0);

    seen s = pending(&f);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name[0], "mail.example.com.");
    answer_all(&f, PTR_DNS_ACTIVE, "");
    assert_int_equal(status_of(&f, &P1, "203.0.113.10"), PTR_DNS_ACTIVE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_NONE);
    assert_int_equal(ptr_record_in_dns(f.rec), 1);
    assert_int_equal(ptr_record_revision(f.rec), 1); /* an answer is no write */
    assert_int_equal(pending(&f).n, 0);

    /* An update of a record DNS has is an UPDATE; a refusal keeps it to retry. */
    assert_status(rename_to(&f, "203.0.113.10", "mx.example.com"), PTR_OK);
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_UPDATE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_UPDATE);
    answer_all(&f, PTR_DNS_ERROR, "NOTAUTH (BADSIG) from 127.0.0.1:5300");
    assert_int_equal(status_of(&f, &P1, "203.0.113.10"), PTR_DNS_ERROR);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_UPDATE);
    assert_string_equal(ptr_record_dns_error(f.rec, NULL), "NOTAUTH (BADSIG) from 127.0.0.1:5300");
    assert_int_equal(pending(&f).n, 1); /* ERROR is retried */
    answer_all(&f, PTR_DNS_ACTIVE, "");
    assert_int_equal(status_of(&f, &P1, "203.0.113.10"), PTR_DNS_ACTIVE);
    assert_string_equal(ptr_record_dns_error(f.rec, NULL), "");

    /* A delete of a record DNS has waits for the default name. */
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.10"), NULL), PTR_OK);
    assert_int_equal(status_of(&f, &P1, "203.0.113.10"), PTR_DNS_PENDING_DELETE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_DELETE);
    s = pending(&f);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name[0], "ecs-203-0-113-10.compute.example.com.");
    /* Deleted: update and delete find nothing, resolve gives the default name. */
    assert_status(rename_to(&f, "203.0.113.10", "x.example.com"), PTR_E_NOT_FOUND);
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.10"), NULL), PTR_E_NOT_FOUND);
    int dflt = 0;
    assert_status(ptr_ctx_resolve(f.ctx, &P1, PTR_LIT("203.0.113.10"), f.rec, &dflt, NULL), PTR_OK);
    assert_int_equal(dflt, 1);
    answer_all(&f, PTR_DNS_ACTIVE, "");
    assert_status(ptr_ctx_get(f.ctx, &P1, PTR_LIT("203.0.113.10"), f.rec, NULL), PTR_E_NOT_FOUND);
    fx_done(&f);
}

static void test_never_sent_goes_at_once(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    assert_status(create(&f, &P1, "203.0.113.11", "a.example.com"), PTR_OK);
    assert_status(rename_to(&f, "203.0.113.11", "b.example.com"), PTR_OK);
    /* DNS never had it: still a create. */
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_CREATE);
    assert_int_equal(ptr_record_dns_action(f.rec), PTR_ACTION_CREATE);
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.11"), NULL), PTR_OK);
    assert_status(ptr_ctx_get(f.ctx, &P1, PTR_LIT("203.0.113.11"), f.rec, NULL), PTR_E_NOT_FOUND);
    assert_int_equal(pending(&f).n, 0);

    /* Sent without an answer: from then on DNS may have it. */
    assert_status(create(&f, &P1, "203.0.113.12", "c.example.com"), PTR_OK);
    answer_all(&f, PTR_DNS_PENDING_CREATE, "");
    assert_int_equal(status_of(&f, &P1, "203.0.113.12"), PTR_DNS_PENDING_CREATE);
    assert_int_equal(ptr_record_in_dns(f.rec), 1);
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.12"), NULL), PTR_OK);
    assert_int_equal(status_of(&f, &P1, "203.0.113.12"), PTR_DNS_PENDING_DELETE);
    fx_done(&f);
}

static void test_superseded(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    assert_status(create(&f, &P1, "203.0.113.20", "a.example.com"), PTR_OK);
    seen s = pending(&f);
    assert_int_equal(s.n, 1);
    /* A write after the change was read: its answer must not make the new one ACTIVE. */
    assert_status(rename_to(&f, "203.0.113.20", "b.example.com"), PTR_OK);
    ptr_dns_result r = {s.addr[0], s.rev[0], PTR_DNS_ACTIVE, {"", 0}, 7};
    assert_status(ptr_ctx_dns_results(f.ctx, PTR_LIT("r1"), &r, 1, NULL), PTR_OK);
    assert_int_equal(r.applied, 0);
    assert_int_equal(status_of(&f, &P1, "203.0.113.20"), PTR_DNS_PENDING_CREATE);
    assert_string_equal(ptr_record_name(f.rec, 0, NULL), "b.example.com.");
    /* An answer for a record that is gone is no error. */
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.20"), NULL), PTR_OK);
    r.revision = 2;
    assert_status(ptr_ctx_dns_results(f.ctx, PTR_LIT("r1"), &r, 1, NULL), PTR_OK);
    assert_int_equal(r.applied, 0);
    /* Bad results are refused whole. */
    ptr_dns_result bad = {{0, {0}}, 1, PTR_DNS_ACTIVE, {"", 0}, 0};
    ptr_error e;
    assert_status(ptr_ctx_dns_results(f.ctx, PTR_LIT("r1"), &bad, 1, &e), PTR_E_INVAL);
    bad = (ptr_dns_result){s.addr[0], 1, (ptr_dns_status)9, {"", 0}, 0};
    assert_status(ptr_ctx_dns_results(f.ctx, PTR_LIT("r1"), &bad, 1, &e), PTR_E_INVAL);
    assert_status(ptr_ctx_dns_results(f.ctx, PTR_LIT("bad region!"), &r, 1, &e), PTR_E_INVAL);
    assert_int_equal(e.field, PTR_FIELD_REGION);
    assert_status(ptr_ctx_pending(f.ctx, PTR_LIT("r1"), NULL, 0, NULL, NULL, &e), PTR_E_INVAL);
    fx_done(&f);
}

/* A create takes the place of a pending delete, and the quota counts it once. */
static void test_create_over_pending_delete(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    assert_status(ptr_ctx_set_owner_quota(f.ctx, PTR_LIT("o1"), 1, NULL), PTR_OK);
    assert_status(create(&f, &P1, "203.0.113.30", "a.example.com"), PTR_OK);
    answer_all(&f, PTR_DNS_ACTIVE, "");
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.30"), NULL), PTR_OK);
    /* At the limit, the owner's own deleted record makes room for its create. */
    assert_status(create(&f, &P1, "203.0.113.30", "b.example.com"), PTR_OK);
    assert_int_equal(ptr_record_dns_status(f.rec), PTR_DNS_PENDING_CREATE);
    assert_int_equal(ptr_record_revision(f.rec), 3);
    assert_int_equal(ptr_record_in_dns(f.rec), 1);
    assert_status(create(&f, &P1, "203.0.113.30", "c.example.com"), PTR_E_EXISTS);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f.ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 1);
    /* Deleted again, another project's owner may take the address. */
    assert_status(ptr_ctx_delete(f.ctx, &P1, PTR_LIT("203.0.113.30"), NULL), PTR_OK);
    assert_status(create(&f, &P2, "203.0.113.30", "d.example.com"), PTR_OK);
    assert_status(ptr_ctx_get(f.ctx, &P1, PTR_LIT("203.0.113.30"), f.rec, NULL), PTR_E_NOT_FOUND);
    seen s = pending(&f);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name[0], "d.example.com.");
    fx_done(&f);
}

/* Paging through pending changes: after and max. */
static void test_pending_pages(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    const char *addrs[] = {"203.0.113.3", "203.0.113.1", "203.0.113.2"};
    for (size_t i = 0; i < 3; i++)
        assert_status(create(&f, &P1, addrs[i], "a.example.com"), PTR_OK);
    seen s;
    memset(&s, 0, sizeof s);
    assert_status(ptr_ctx_pending(f.ctx, PTR_LIT("r1"), NULL, 2, collect, &s, NULL), PTR_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.addr[0].bytes[3], 1);
    assert_int_equal(s.addr[1].bytes[3], 2);
    ptr_addr after = s.addr[1];
    memset(&s, 0, sizeof s);
    assert_status(ptr_ctx_pending(f.ctx, PTR_LIT("r1"), &after, 2, collect, &s, NULL), PTR_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.addr[0].bytes[3], 3);
    fx_done(&f);
}

/* The record's own fields: names, copies, bad values. */
static void test_record_fields(void **state)
{
    (void)state;
    ptr_record *r, *d;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_int_equal(ptr_record_dns_status(r), PTR_DNS_ACTIVE);
    assert_status(ptr_record_set_dns_status(r, PTR_DNS_ERROR), PTR_OK);
    assert_status(ptr_record_set_dns_status(r, (ptr_dns_status)5), PTR_E_INVAL);
    assert_status(ptr_record_set_dns_action(r, PTR_ACTION_DELETE), PTR_OK);
    assert_status(ptr_record_set_dns_action(r, (ptr_dns_action)4), PTR_E_INVAL);
    assert_status(ptr_record_set_dns_error(r, PTR_LIT("REFUSED from 127.0.0.1:53")), PTR_OK);
    assert_status(ptr_record_set_in_dns(r, 7), PTR_OK);
    assert_status(ptr_record_set_description(r, PTR_LIT("d")), PTR_OK);
    assert_status(ptr_record_dup(r, NULL, &d), PTR_OK);
    assert_int_equal(ptr_record_dns_status(d), PTR_DNS_ERROR);
    assert_int_equal(ptr_record_dns_action(d), PTR_ACTION_DELETE);
    assert_int_equal(ptr_record_in_dns(d), 1);
    assert_string_equal(ptr_record_dns_error(d, NULL), "REFUSED from 127.0.0.1:53");
    assert_string_equal(ptr_record_description(d, NULL), "d");
    ptr_record_free(d);
    ptr_record_reset(r);
    assert_int_equal(ptr_record_dns_status(r), PTR_DNS_ACTIVE);
    assert_string_equal(ptr_record_dns_error(r, NULL), "");
    ptr_record_free(r);
    assert_string_equal(ptr_dns_status_name(PTR_DNS_PENDING_DELETE), "PENDING_DELETE");
    assert_string_equal(ptr_dns_status_name((ptr_dns_status)9), "UNKNOWN");
    assert_string_equal(ptr_dns_action_name(PTR_ACTION_NONE), "NONE");
    assert_string_equal(ptr_dns_action_name((ptr_dns_action)9), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_never_sent_goes_at_once),
        cmocka_unit_test(test_superseded),
        cmocka_unit_test(test_create_over_pending_delete),
        cmocka_unit_test(test_pending_pages),
        cmocka_unit_test(test_record_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
