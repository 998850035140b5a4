/*
 * ptrd's options and life cycle: open the store and the context, load the
 * token and EIP files, start the HTTP server, then wait for signals on the
 * main thread (blocked in every other): SIGHUP reloads both files and
 * reopens the log (and the --push file), SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish and exit 0.
 */
#include "ptrd_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libptr/sqlite.h>
#include <sqlite3.h>
#ifdef PTRD_HAVE_PG
#include <libptr/pg.h>
#endif

ptrd_server ptrd;

static _Thread_local int conn_slot = -1;

static unsigned my_slot(void)
{
    if (conn_slot < 0)
        conn_slot = (int)(atomic_fetch_add(&ptrd.next_conn, 1) % ptrd.nconn);
    return (unsigned)conn_slot;
}

ptr_ctx *ptrd_ctx(void)
{
    return ptrd.ctxs[my_slot()];
}

ptr_ctx *ptrd_wctx(void)
{
    return ptrd.ctxs[ptrd.nconn];
}

ptr_store *ptrd_store(void)
{
    return ptrd.stores[my_slot()];
}

static const char usage[] =
    "usage: ptrd --db PATH|postgresql://URI --listen ADDR:PORT --tokens FILE --eips FILE\n"
    "            [--threads N] [--policy huawei|otc] [--default-name TEMPLATE] [--log FILE]\n"
    "            [--region NAME] [--max-connections N] [--timeout SECONDS]\n"
    "            [--header-timeout SECONDS] [--port-file FILE] [--push FILE]\n"
    "            [--show-cache ENTRIES]\n"
    "See docs/ptrd.md.\n";

typedef struct options {
    const char *db, *listen, *tokens, *eips, *policy, *default_name, *log, *region, *port_file;
    const char *push;
    unsigned threads, max_connections, timeout, header_timeout, show_cache;
} options;

static int parse_uint(const char *opt, const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "ptrd: %s '%s': expected an integer %u..%u\n", opt, s, lo, hi);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"tokens", required_argument, NULL, 't'},
        {"eips", required_argument, NULL, 'e'},
        {"threads", required_argument, NULL, 'n'},
        {"policy", required_argument, NULL, 'p'},
        {"default-name", required_argument, NULL, 'D'},
        {"log", required_argument, NULL, 'L'},
        {"region", required_argument, NULL, 'r'},
        {"max-connections", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 'T'},
        {"header-timeout", required_argument, NULL, 'H'},
        {"port-file", required_argument, NULL, 'P'},
        {"push", required_argument, NULL, 'S'},
        {"show-cache", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->threads = 4;
    o->max_connections = 512;
    o->timeout = 30;
    o->header_timeout = 10;
    o->show_cache = 1024;
    o->policy = "huawei";
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'l': o->listen = optarg; break;
        case 't': o->tokens = optarg; break;
        case 'e': o->eips = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'D': o->default_name = optarg; break;
        case 'L': o->log = optarg; break;
        case 'r': o->region = optarg; break;
        case 'P': o->port_file = optarg; break;
        case 'S': o->push = optarg; break;
        case 'n':
            if (parse_uint("--threads", optarg, 1, 256, &o->threads))
                return -1;
            break;
        case 'c':
            if (parse_uint("--max-connections", optarg, 1, 100000, &o->max_connections))
                return -1;
            break;
        case 'T':
            if (parse_uint("--timeout", optarg, 1, 3600, &o->timeout))
                return -1;
            break;
        case 'H':
            if (parse_uint("--header-timeout", optarg, 1, 3600, &o->header_timeout))
                return -1;
            break;
        case 'C':
            if (parse_uint("--show-cache", optarg, 0, 65536, &o->show_cache))
                return -1;
            break;
        case 'h': fputs(usage, stdout); exit(0);
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ptrd: unexpected argument '%s'\n%s", argv[optind], usage);
        return -1;
    }
    const char *missing = !o->db ? "--db" : !o->listen ? "--listen" : !o->tokens ? "--tokens"
                          : !o->eips ? "--eips" : NULL;
    if (missing) {
        fprintf(stderr, "ptrd: %s is required\n%s", missing, usage);
        return -1;
    }
    if (strcmp(o->policy, "huawei") != 0 && strcmp(o->policy, "otc") != 0) {
        fprintf(stderr, "ptrd: --policy '%s': expected huawei or otc\n", o->policy);
        return -1;
    }
    if (o->region && !ptrd_is_region(o->region, strlen(o->region))) {
        fprintf(stderr, "ptrd: --region '%s': 1..64 letters, digits, '-', '_' or '.'\n", o->region);
        return -1;
    }
    return 0;
}

/* ADDR:PORT, [V6ADDR]:PORT; port 0 picks a free one (see --port-file). */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    const char *colon = strrchr(s, ':');
    if (!colon)
        goto bad;
    unsigned port;
    char host[64];
    size_t hlen = (size_t)(colon - s);
    if (hlen >= sizeof host || parse_uint("--listen port", colon + 1, 0, 65535, &port))
        goto bad;
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
        host[hlen - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1)
            return 0;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) == 1)
            return 0;
    }
bad:
    fprintf(stderr, "ptrd: --listen '%s': expected ADDR:PORT or [V6ADDR]:PORT\n", s);
    return -1;
}

static int open_store(const char *db, ptr_store **out, ptr_error *err)
{
    if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0) {
#ifdef PTRD_HAVE_PG
        return ptr_pg_store_open(db, strlen(db), 0, out, err) == PTR_OK ? 0 : -1;
#else
        snprintf(err->message, sizeof err->message,
                 "this ptrd was built without the PostgreSQL store (libptr::ptr_pg)");
        return -1;
#endif
    }
    ptr_sqlite_options so;
    ptr_sqlite_options_init(&so);
    so.policy = &ptrd.policy;
    return ptr_sqlite_store_open(db, strlen(db), &so, out, err) == PTR_OK ? 0 : -1;
}

static void close_stores(void)
{
    for (unsigned i = 0; i < ptrd.nstores; i++) {
        if (ptrd.ctxs)
            ptr_ctx_free(ptrd.ctxs[i]);
        if (ptrd.stores)
            ptr_store_free(ptrd.stores[i]);
    }
    free(ptrd.ctxs);
    free(ptrd.stores);
    ptrd.ctxs = NULL;
    ptrd.stores = NULL;
}

static void drain_and_stop(struct MHD_Daemon *d)
{
    /* Stop accepting first, so a load balancer's next connection goes elsewhere. */
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 3000 && atomic_load(&ptrd.inflight) > 0; i++)
        nanosleep(&pause, NULL);
    MHD_stop_daemon(d);
}

int main(int argc, char **argv)
{
    /*
     * SQLite keeps malloc statistics under one process-wide mutex unless
     * told not to; Debian's build also has no lookaside allocator, so every
     * statement step of every thread would take that mutex (bench/ptrd).
     * Must come before SQLite is first used.
     */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    struct sockaddr_storage sa;
    if (parse_listen(o.listen, &sa) != 0)
        return 2;
    if (ptrd_log_open(o.log) != 0) {
        fprintf(stderr, "ptrd: --log %s: %s\n", o.log, strerror(errno));
        return 2;
    }
    if (strcmp(o.policy, "otc") == 0)
        ptr_policy_init_otc(&ptrd.policy);
    else
        ptr_policy_init(&ptrd.policy);
    if (o.default_name)
        ptrd.policy.default_name_template = o.default_name;
    ptrd.default_name = o.default_name;

    char msg[512];
    ptrd_config *cfg = ptrd_config_load(o.tokens, o.eips, msg, sizeof msg);
    if (!cfg) {
        fprintf(stderr, "ptrd: %s\n", msg);
        return 2;
    }
    ptrd_config_install(cfg);
    /* Lists cover one region: --region, else the inventory's first. */
    static char first_region[PTRD_REGION_MAX + 1];
    if (!o.region && cfg->neips) {
        snprintf(first_region, sizeof first_region, "%s", cfg->by_addr[0]->region);
        o.region = first_region;
    }
    ptrd.region = o.region;

    ptr_error err;
    ptr_error_clear(&err);
    ptrd_show_cache_init(o.show_cache);
    ptrd.nconn = o.threads; /* readers; one more for the writes, and one for --push */
    ptrd.nstores = o.threads + 1 + (o.push != NULL);
    ptrd.stores = calloc(ptrd.nstores, sizeof *ptrd.stores);
    ptrd.ctxs = calloc(ptrd.nstores, sizeof *ptrd.ctxs);
    if (!ptrd.stores || !ptrd.ctxs) {
        fprintf(stderr, "ptrd: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < ptrd.nstores; i++) {
        if (open_store(o.db, &ptrd.stores[i], &err) != 0) {
            fprintf(stderr, "ptrd: cannot open database '%s': %s\n", o.db,
                    err.message[0] ? err.message : ptr_strerror(err.status));
            close_stores();
            return 1;
        }
        ptr_ctx_config cc;
        ptr_ctx_config_init(&cc);
        cc.store = ptrd.stores[i];
        cc.policy = &ptrd.policy;
        if (ptr_ctx_new(&cc, &ptrd.ctxs[i], &err) != PTR_OK) {
            /* The policy is ptrd's defaults plus --default-name: only that can be refused. */
            if (o.default_name)
                fprintf(stderr, "ptrd: --default-name '%s': %s\n", o.default_name, err.message);
            else
                fprintf(stderr, "ptrd: %s\n", err.message);
            close_stores();
            return 2;
        }
    }

    /* jansson seeds its hash function on first use; seed it here, before any
     * thread, as its thread-safety notes ask. */
    json_object_seed(0);

    /* Signals go to this thread only: block them before any thread starts. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (o.push && ptrd_sync_start(o.push, ptrd.ctxs[ptrd.nstores - 1], msg, sizeof msg) != 0) {
        fprintf(stderr, "ptrd: %s\n", msg);
        close_stores();
        return 2;
    }

    ptrd_http_limits lim = {o.threads, o.max_connections, o.timeout, 16 * 1024, o.header_timeout};
    struct MHD_Daemon *d = ptrd_http_start((const struct sockaddr *)&sa, &lim);
    if (!d) {
        fprintf(stderr, "ptrd: cannot listen on %s: %s\n", o.listen, strerror(errno));
        ptrd_sync_stop();
        close_stores();
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    if (o.port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", o.port_file);
        FILE *pf = fopen(tmp, "w");
        if (!pf || fprintf(pf, "%u\n", port) < 0 || fclose(pf) != 0 || rename(tmp, o.port_file)) {
            fprintf(stderr, "ptrd: --port-file %s: %s\n", o.port_file, strerror(errno));
            drain_and_stop(d);
            ptrd_sync_stop();
            return 1;
        }
    }
    ptrd_log_msg("listening on port %u (%u threads, db %s, %zu tokens, %zu EIPs)", port, o.threads,
                 o.db, cfg->ntokens, cfg->neips);

    for (;;) {
        /* Wake once a second to enforce the header deadline. */
        struct timespec tick = {1, 0};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig < 0) {
            ptrd_http_reap();
            ptrd_log_flush();
            continue;
        }
        if (sig == SIGHUP) {
            ptrd_config *nc = ptrd_config_load(o.tokens, o.eips, msg, sizeof msg);
            ptrd_log_reopen();
            ptrd_sync_reload();
            if (!nc) {
                ptrd_log_msg("reload failed, keeping the files loaded before: %s", msg);
                continue;
            }
            ptrd_log_msg("reloaded: %zu tokens, %zu EIPs", nc->ntokens, nc->neips);
            ptrd_config_install(nc);
            continue;
        }
        ptrd_log_msg("%s: draining %ld in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                     atomic_load(&ptrd.inflight));
        break;
    }
    drain_and_stop(d);
    ptrd_sync_stop();
    close_stores();
    ptrd_config_install(NULL);
    ptrd_log_msg("stopped");
    return 0;
}
