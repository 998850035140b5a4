/*
 * The pusher (ptr_push_sync) over the memory store against a real knotd that
 * with_knot.sh starts: answers become statuses, an address no prefix holds
 * is an ERROR, a record written while its batch is out is superseded, a
 * wrong key gives ERROR naming BADSIG, and a server that does not answer
 * leaves the changes pending and is not tried again before its retry wait.
 * The shell tests (sync_servers.sh) check what DNS answers.
 *
 * Environment: PTR_PUSH_PORT (knotd's port), PTR_PUSH_SECRET (its key).
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ptr_test.h"
#include "libptr/push.h"

static const ptr_scope SC = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

typedef struct fx {
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_record *rec;
    ptr_push_config *cfg;
    ptr_push *push;
    size_t told;
    int rewrite;      /* the outcome callback updates 203.0.113.60 once */
    char reason[256]; /* the last outcome's */
} fx;

static void make_ctx(fx *f)
{
    assert_status(ptr_memstore_new(NULL, &f->store), PTR_OK);
    ptr_policy pol;
    ptr_policy_init(&pol);
    pol.options |= PTR_POLICY_IPV6;
    pol.max_records_per_owner = 1000;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.policy = &pol;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, NULL), PTR_OK);
    assert_status(ptr_record_new(NULL, &f->rec), PTR_OK);
}

static void make_push(fx *f, const char *secret, unsigned port, size_t max_message)
{
    char text[512];
    snprintf(text, sizeof text,
             "203.0.113.0/24 127.0.0.1:%u hmac-sha256:ptrpush:%s\n"
             "2001:db8::/32 127.0.0.1:%u hmac-sha256:ptrpush:%s\n",
             port, secret, port, secret);
    ptr_error err;
    assert_status(ptr_push_config_parse(text, strlen(text), &f->cfg, &err), PTR_OK);
    ptr_push_options o;
    ptr_push_options_init(&o);
    o.max_message = max_message;
    o.timeout_ms = 2000;
    o.retry_min_ms = 200;
    o.retry_max_ms = 400;
    assert_status(ptr_push_new(f->cfg, &o, &f->push, &err), PTR_OK);
}

static void drop_push(fx *f)
{
    ptr_push_free(f->push);
    ptr_push_config_free(f->cfg);
    f->push = NULL;
    f->cfg = NULL;
}

static void done(fx *f)
{
    drop_push(f);
    ptr_record_free(f->rec);
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
}

static unsigned env_port(void)
{
    const char *p = getenv("PTR_PUSH_PORT");
    assert_non_null(p);
    return (unsigned)atoi(p);
}

static const char *env_secret(void)
{
    const char *s = getenv("PTR_PUSH_SECRET");
    assert_non_null(s);
    return s;
}

static void put(fx *f, const char *addr, const char *name, int update)
{
    ptr_text n = {name, strlen(name)};
    ptr_request r;
    ptr_request_init(&r);
    r.names = &n;
    r.name_count = 1;
    if (update) {
        r.flags = PTR_REQUEST_NAMES;
        assert_status(ptr_ctx_update(f->ctx, &SC, addr, strlen(addr), &r, f->rec, NULL), PTR_OK);
    } else {
        r.address = (ptr_text){addr, strlen(addr)};
        assert_status(ptr_ctx_create(f->ctx, &SC, &r, f->rec, NULL), PTR_OK);
    }
}

static ptr_dns_status status_of(fx *f, const char *addr, const char **why)
{
    assert_status(ptr_ctx_get(f->ctx, &SC, addr, strlen(addr), f->rec, NULL), PTR_OK);
    if (why)
        *why = ptr_record_dns_error(f->rec, NULL);
    return ptr_record_dns_status(f->rec);
}

static void outcome(void *user, const ptr_push_outcome *o)
{
    fx *f = user;
    f->told++;
    assert_non_null(o->reason);
    assert_non_null(o->server);
    snprintf(f->reason, sizeof f->reason, "%s", o->reason);
    if (f->rewrite && o->status == PTR_DNS_ACTIVE) {
        f->rewrite = 0;
        put(f, "203.0.113.60", "rewritten.example.net", 1);
    }
}

static ptr_push_report sync_now(fx *f)
{
    ptr_push_report rep;
    ptr_error err;
    assert_status(ptr_push_sync(f->push, f->ctx, PTR_LIT("r1"), outcome, f, &rep, &err), PTR_OK);
    return rep;
}

static void answers_become_statuses(void **state)
{
    (void)state;
    fx f = {0};
    make_ctx(&f);
    make_push(&f, env_secret(), env_port(), 0);
    put(&f, "203.0.113.1", "one.example.net", 0);
    put(&f, "203.0.113.2", "two.example.net", 0);
    put(&f, "2001:db8::1", "six.example.net", 0);
    put(&f, "198.51.100.1", "nowhere.example.net", 0);
    assert_int_equal(status_of(&f, "203.0.113.1", NULL), PTR_DNS_PENDING_CREATE);
    ptr_push_report rep = sync_now(&f);
    assert_int_equal(rep.changes, 4);
    assert_int_equal(rep.active, 3);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(rep.unreachable, 0);
    assert_int_equal(rep.messages, 2); /* one per zone */
    assert_int_equal(f.told, 4);
    const char *why;
    assert_int_equal(status_of(&f, "203.0.113.1", NULL), PTR_DNS_ACTIVE);
    assert_int_equal(status_of(&f, "2001:db8::1", NULL), PTR_DNS_ACTIVE);
    assert_int_equal(status_of(&f, "198.51.100.1", &why), PTR_DNS_ERROR);
    assert_non_null(strstr(why, "no prefix"));
    /* nothing left but the unrouted one, which is not written again */
    rep = sync_now(&f);
    assert_int_equal(rep.changes, 1);
    assert_int_equal(rep.messages, 0);
    /* a delete is confirmed by the default name, then the record is gone */
    assert_status(ptr_ctx_delete(f.ctx, &SC, PTR_LIT("203.0.113.2"), NULL), PTR_OK);
    assert_int_equal(status_of(&f, "203.0.113.2", NULL), PTR_DNS_PENDING_DELETE);
    rep = sync_now(&f);
    assert_int_equal(rep.active, 1);
    assert_status(ptr_ctx_get(f.ctx, &SC, PTR_LIT("203.0.113.2"), f.rec, NULL), PTR_E_NOT_FOUND);
    done(&f);
}

static void written_while_sent(void **state)
{
    (void)state;
    fx f = {0};
    make_ctx(&f);
    /*
     * 512 bytes hold a few records: 60 take more messages than one window
     * has in flight. The answers to the first window are written with the
     * marks of the second, then told: 203.0.113.60, in the second window,
     * is written again while its message is out.
     */
    make_push(&f, env_secret(), env_port(), 512);
    char addr[32], name[64];
    for (int i = 1; i <= 60; i++) {
        snprintf(addr, sizeof addr, "203.0.113.%d", i);
        snprintf(name, sizeof name, "host-%d.with-a-rather-long-label.example.net", i);
        put(&f, addr, name, 0);
    }
    f.rewrite = 1;
    ptr_push_report rep = sync_now(&f);
    assert_true(rep.messages > 8);
    assert_int_equal(rep.superseded, 1);
    assert_int_equal(rep.active, 59);
    assert_int_equal(status_of(&f, "203.0.113.60", NULL), PTR_DNS_PENDING_UPDATE);
    rep = sync_now(&f);
    assert_int_equal(rep.changes, 1);
    assert_int_equal(rep.active, 1);
    assert_int_equal(status_of(&f, "203.0.113.60", NULL), PTR_DNS_ACTIVE);
    done(&f);
}

static void wrong_key(void **state)
{
    (void)state;
    fx f = {0};
    make_ctx(&f);
    make_push(&f, "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZyE=", env_port(), 0);
    put(&f, "203.0.113.20", "twenty.example.net", 0);
    ptr_push_report rep = sync_now(&f);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(rep.active, 0);
    const char *why;
    assert_int_equal(status_of(&f, "203.0.113.20", &why), PTR_DNS_ERROR);
    assert_non_null(strstr(why, "NOTAUTH (BADSIG) from 127.0.0.1:"));
    assert_null(strstr(why, "d3Jvbmc"));
    /* refused lately: the same pusher does not send it again before its wait */
    rep = sync_now(&f);
    assert_int_equal(rep.messages, 0);
    assert_int_equal(rep.errors, 1);
    /* the right key: the next pusher sends it, and it is confirmed */
    drop_push(&f);
    make_push(&f, env_secret(), env_port(), 0);
    rep = sync_now(&f);
    assert_int_equal(rep.active, 1);
    assert_int_equal(status_of(&f, "203.0.113.20", &why), PTR_DNS_ACTIVE);
    assert_string_equal(why, "");
    done(&f);
}

/* A loopback port nothing listens on (bound, then closed). */
static unsigned closed_port(void)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void no_answer(void **state)
{
    (void)state;
    fx f = {0};
    make_ctx(&f);
    make_push(&f, env_secret(), closed_port(), 0);
    put(&f, "203.0.113.30", "thirty.example.net", 0);
    put(&f, "203.0.113.31", "thirty-one.example.net", 0);
    ptr_push_report rep = sync_now(&f);
    assert_int_equal(rep.unreachable, 2);
    assert_int_equal(rep.messages, 0); /* none went out */
    assert_non_null(strstr(f.reason, "Connection refused"));
    assert_int_equal(status_of(&f, "203.0.113.30", NULL), PTR_DNS_PENDING_CREATE);
    /* within the wait: not tried */
    rep = sync_now(&f);
    assert_int_equal(rep.unreachable, 2);
    assert_non_null(strstr(f.reason, "waiting 200 ms"));
    /* after it: tried again (and the wait doubles) */
    const struct timespec pause = {0, 250 * 1000 * 1000};
    nanosleep(&pause, NULL);
    rep = sync_now(&f);
    assert_int_equal(rep.unreachable, 2);
    assert_non_null(strstr(f.reason, "Connection refused"));
    rep = sync_now(&f);
    assert_non_null(strstr(f.reason, "waiting 400 ms"));
    nanosleep(&pause, NULL);
    rep = sync_now(&f);
    assert_non_null(strstr(f.reason, "waiting 400 ms")); /* 250 ms were not enough */
    /* the server back (the real one): one sync and they are ACTIVE */
    drop_push(&f);
    make_push(&f, env_secret(), env_port(), 0);
    rep = sync_now(&f);
    assert_int_equal(rep.active, 2);
    assert_int_equal(status_of(&f, "203.0.113.31", NULL), PTR_DNS_ACTIVE);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_become_statuses),
        cmocka_unit_test(written_while_sent),
        cmocka_unit_test(wrong_key),
        cmocka_unit_test(no_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
