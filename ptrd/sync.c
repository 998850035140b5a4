/*
 * Live DNS from ptrd (--push FILE): one thread sends the pending changes of
 * every region of the EIP inventory to the name servers through libptr-push
 * (RFC 2136 UPDATE signed with TSIG, see docs/push.md), so that a record's
 * status moves from PENDING_* to ACTIVE, or to ERROR with the server's
 * reason, without an operator running `ptrctl sync`. It runs a round a
 * second, and at once after a write (ptrd_sync_kick); a server that does not
 * answer waits out libptr-push's retry backoff. The thread has its own store
 * connection and context. SIGHUP reloads the push file: the thread takes the
 * new pusher at the start of its next round. Several ptrd processes on one
 * database may each sync: a change confirmed twice is still one change, as
 * every UPDATE replaces the address's whole PTR set.
 */
#include "ptrd.h"

#ifdef PTRD_HAVE_PUSH

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libptr/push.h>

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int started, stop, kicked;
    const char *path;
    ptr_ctx *ctx;
    /* The pusher in use (the thread's alone) and the one a reload left for it. */
    ptr_push_config *cfg, *next_cfg;
    ptr_push *push, *next_push;
} sync_state = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static atomic_ullong dns_counts[4]; /* active, errors, unreachable, superseded */
static atomic_ullong dns_messages;

/* Load the push file and make a pusher for it; on failure *msg says why. */
static int load(const char *path, ptr_push_config **cfg, ptr_push **push, char *msg, size_t cap)
{
    ptr_error err;
    ptr_error_clear(&err);
    ptr_status st = ptr_push_config_load(path, cfg, &err);
    if (st != PTR_OK) { /* the message names the line and field */
        snprintf(msg, cap, "--push %s: %s", path, err.message[0] ? err.message : ptr_strerror(st));
        return -1;
    }
    ptr_push_options opt;
    ptr_push_options_init(&opt);
    st = ptr_push_new(*cfg, &opt, push, &err);
    if (st != PTR_OK) {
        snprintf(msg, cap, "--push %s: %s", path, err.message[0] ? err.message : ptr_strerror(st));
        ptr_push_config_free(*cfg);
        *cfg = NULL;
        return -1;
    }
    return 0;
}

static void on_outcome(void *user, const ptr_push_outcome *o)
{
    (void)user;
    if (o->status != PTR_DNS_ERROR)
        return;
    char a[PTR_ADDR_STRLEN];
    if (ptr_addr_format(o->addr, a, sizeof a, NULL) != PTR_OK)
        snprintf(a, sizeof a, "?");
    ptrd_log_msg("dns: %s %s refused: %s", a, ptr_dns_action_name(o->action), o->reason);
}

static void sync_region(ptr_push *push, const char *region)
{
    ptr_push_report rep;
    ptr_error err;
    ptr_error_clear(&err);
    ptr_status st =
        ptr_push_sync(push, sync_state.ctx, region, strlen(region), on_outcome, NULL, &rep, &err);
    if (st != PTR_OK) {
        ptrd_metrics_store_error(st);
        ptrd_log_msg("dns: region %s: %s", region, err.message[0] ? err.message : ptr_strerror(st));
        return;
    }
    atomic_fetch_add(&dns_counts[0], rep.active);
    atomic_fetch_add(&dns_counts[1], rep.errors);
    atomic_fetch_add(&dns_counts[2], rep.unreachable);
    atomic_fetch_add(&dns_counts[3], rep.superseded);
    atomic_fetch_add(&dns_messages, rep.messages);
    if (rep.messages || rep.errors)
        ptrd_log_msg("dns: region %s: %zu changes, %zu active, %zu errors, %zu waiting for a "
                     "server, %zu superseded, %zu messages",
                     region, rep.changes, rep.active, rep.errors, rep.unreachable, rep.superseded,
                     rep.messages);
}

/* One round: every region of the inventory (sorted by region), and --region. */
static void round_once(ptr_push *push)
{
    ptrd_config *c = ptrd_config_acquire();
    const char *prev = NULL;
    int own_seen = 0;
    for (size_t i = 0; c && i < c->neips; i++) {
        const char *region = c->by_addr[i]->region;
        if (prev && strcmp(prev, region) == 0)
            continue;
        prev = region;
        own_seen |= ptrd.region && strcmp(region, ptrd.region) == 0;
        sync_region(push, region);
    }
    if (ptrd.region && !own_seen)
        sync_region(push, ptrd.region);
    if (c)
        ptrd_config_release(c);
}

static void *run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sync_state.lock);
    while (!sync_state.stop) {
        if (sync_state.next_push) { /* a reload: the old pusher is no longer in use */
            ptr_push_free(sync_state.push);
            ptr_push_config_free(sync_state.cfg);
            sync_state.push = sync_state.next_push;
            sync_state.cfg = sync_state.next_cfg;
            sync_state.next_push = NULL;
            sync_state.next_cfg = NULL;
        }
        sync_state.kicked = 0;
        ptr_push *push = sync_state.push;
        pthread_mutex_unlock(&sync_state.lock);
        round_once(push);
        pthread_mutex_lock(&sync_state.lock);
        if (sync_state.stop || sync_state.kicked)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        while (!sync_state.stop && !sync_state.kicked &&
               pthread_cond_timedwait(&sync_state.wake, &sync_state.lock, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&sync_state.lock);
    return NULL;
}

int ptrd_sync_start(const char *path, ptr_ctx *ctx, char *msg, size_t cap)
{
    if (load(path, &sync_state.cfg, &sync_state.push, msg, cap) != 0)
        return -1;
    sync_state.path = path;
    sync_state.ctx = ctx;
    if (pthread_create(&sync_state.thread, NULL, run, NULL) != 0) {
        snprintf(msg, cap, "--push: cannot start the sync thread: %s", strerror(errno));
        ptr_push_free(sync_state.push);
        ptr_push_config_free(sync_state.cfg);
        sync_state.push = NULL;
        sync_state.cfg = NULL;
        return -1;
    }
    sync_state.started = 1;
    return 0;
}

void ptrd_sync_reload(void)
{
    if (!sync_state.started)
        return;
    char msg[512];
    ptr_push_config *cfg;
    ptr_push *push;
    if (load(sync_state.path, &cfg, &push, msg, sizeof msg) != 0) {
        ptrd_log_msg("reload failed, keeping the push file loaded before: %s", msg);
        return;
    }
    pthread_mutex_lock(&sync_state.lock);
    ptr_push_free(sync_state.next_push); /* two reloads before a round: the newer wins */
    ptr_push_config_free(sync_state.next_cfg);
    sync_state.next_push = push;
    sync_state.next_cfg = cfg;
    sync_state.kicked = 1;
    pthread_cond_signal(&sync_state.wake);
    pthread_mutex_unlock(&sync_state.lock);
    ptrd_log_msg("reloaded the push file: %zu prefixes", ptr_push_config_count(cfg));
}

void ptrd_sync_kick(void)
{
    if (!sync_state.started)
        return;
    pthread_mutex_lock(&sync_state.lock);
    sync_state.kicked = 1;
    pthread_cond_signal(&sync_state.wake);
    pthread_mutex_unlock(&sync_state.lock);
}

void ptrd_sync_stop(void)
{
    if (!sync_state.started)
        return;
    pthread_mutex_lock(&sync_state.lock);
    sync_state.stop = 1;
    pthread_cond_signal(&sync_state.wake);
    pthread_mutex_unlock(&sync_state.lock);
    pthread_join(sync_state.thread, NULL);
    ptr_push_free(sync_state.push);
    ptr_push_config_free(sync_state.cfg);
    ptr_push_free(sync_state.next_push);
    ptr_push_config_free(sync_state.next_cfg);
    sync_state.started = 0;
}

int ptrd_sync_metrics(char *buf, size_t cap)
{
    if (!sync_state.started)
        return 0;
    return snprintf(buf, cap,
                    "# HELP ptrd_dns_changes_total Changes sent to the name servers, by outcome.\n"
                    "# TYPE ptrd_dns_changes_total counter\n"
                    "ptrd_dns_changes_total{outcome=\"active\"} %llu\n"
                    "ptrd_dns_changes_total{outcome=\"error\"} %llu\n"
                    "ptrd_dns_changes_total{outcome=\"unreachable\"} %llu\n"
                    "ptrd_dns_changes_total{outcome=\"superseded\"} %llu\n"
                    "# HELP ptrd_dns_messages_total DNS UPDATE messages sent.\n"
                    "# TYPE ptrd_dns_messages_total counter\n"
                    "ptrd_dns_messages_total %llu\n",
                    atomic_load(&dns_counts[0]), atomic_load(&dns_counts[1]),
                    atomic_load(&dns_counts[2]), atomic_load(&dns_counts[3]),
                    atomic_load(&dns_messages));
}

#else /* built without libptr-push */

#include <stdio.h>

int ptrd_sync_start(const char *path, ptr_ctx *ctx, char *msg, size_t cap)
{
    (void)ctx;
    snprintf(msg, cap, "--push %s: this ptrd was built without live DNS (libptr-push)", path);
    return -1;
}

void ptrd_sync_reload(void)
{
}

void ptrd_sync_kick(void)
{
}

void ptrd_sync_stop(void)
{
}

int ptrd_sync_metrics(char *buf, size_t cap)
{
    (void)buf;
    (void)cap;
    return 0;
}

#endif
