/*
 * sync: the region's pending changes to the name servers (libptr-push): with
 * --once, every pending change once and a summary whose exit status says how
 * it went; without, a loop that sends changes as they appear until SIGTERM or
 * SIGINT. --config after the word sync is the push configuration (prefixes,
 * servers, TSIG keys), not ptrctl's own file (main.c leaves it here).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptrctl.h"

#ifndef PTRCTL_WITH_PUSH

int cmd_sync(ptrctl *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ptr_error err;
    ptr_error_clear(&err);
    err.status = PTR_E_UNSUPPORTED;
    snprintf(err.message, sizeof err.message,
             "ptrctl was built without live DNS (libptr-push needs libknot: apt-get install "
             "libknot-dev, then build again)");
    return ptrctl_fail(c, PTR_E_UNSUPPORTED, &err);
}

#else

#include <libptr/push.h>

/* The most servers whose silence a summary lists one by one. */
#define SYNC_SERVERS_LISTED 32

typedef struct silent_server {
    char server[64];
    char reason[200];
    size_t changes;
} silent_server;

/* What the outcomes of one --once run leave to print. */
typedef struct sync_out {
    const ptrctl *c;
    FILE *errors;    /* the ERROR lines (text), kept in text until the summary */
    char *text;
    size_t text_len;
    json_t *failed;  /* with --json: the ERROR objects instead */
    size_t n_errors; /* kept so far */
    silent_server silent[SYNC_SERVERS_LISTED];
    size_t n_silent;
} sync_out;

static void on_outcome(void *user, const ptr_push_outcome *o)
{
    sync_out *s = user;
    if (o->superseded || o->status == PTR_DNS_ACTIVE)
        return;
    char addr[PTR_ADDR_STRLEN];
    if (ptr_addr_format(o->addr, addr, sizeof addr, NULL) != PTR_OK)
        snprintf(addr, sizeof addr, "?");
    if (o->status == PTR_DNS_ERROR) {
        if (s->c->json && s->failed) {
            json_t *x = json_object();
            if (x) {
                jset(x, "address", jcstr(addr));
                jset(x, "action", jcstr(ptr_dns_action_name(o->action)));
                jset(x, "server", jcstr(o->server));
                jset(x, "reason", jcstr(o->reason));
                json_array_append_new(s->failed, x);
            }
        } else if (!s->c->json && s->errors) {
            fprintf(s->errors, "ERROR %s (%s): %s\n", addr, ptr_dns_action_name(o->action),
                    o->reason);
        }
        s->n_errors++;
        return;
    }
    /* Still pending: no answer. Told once per server, with how many changes wait. */
    for (size_t i = 0; i < s->n_silent; i++)
        if (strcmp(s->silent[i].server, o->server) == 0) {
            s->silent[i].changes++;
            return;
        }
    if (s->n_silent == SYNC_SERVERS_LISTED)
        return;
    silent_server *x = &s->silent[s->n_silent++];
    snprintf(x->server, sizeof x->server, "%s", o->server);
    snprintf(x->reason, sizeof x->reason, "%s", o->reason);
    x->changes = 1;
}

static void add_report(ptr_push_report *sum, const ptr_push_report *r)
{
    sum->changes += r->changes;
    sum->active += r->active;
    sum->errors += r->errors;
    sum->unreachable += r->unreachable;
    sum->superseded += r->superseded;
    sum->messages += r->messages;
}

/* Ready for a sync: 0, or -1 when out of memory. */
static int out_open(sync_out *s, const ptrctl *c)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->errors = open_memstream(&s->text, &s->text_len);
    s->failed = c->json ? json_array() : NULL;
    return s->errors && (!c->json || s->failed) ? 0 : -1;
}

/* The ERROR lines so far, as text ("" when none); ends what out_open began writing. */
static const char *out_text(sync_out *s)
{
    if (s->errors)
        fclose(s->errors);
    s->errors = NULL;
    return s->text ? s->text : "";
}

static void out_free(sync_out *s)
{
    out_text(s);
    json_decref(s->failed);
    free(s->text);
}

/* The summary; with --json one object, which takes s->failed. */
static void print_summary(const ptrctl *c, const ptr_push_report *r, const char *errors,
                          sync_out *s)
{
    if (c->json) {
        json_t *o = json_object(), *silent = json_array();
        if (o && silent) {
            jset(o, "changes", json_integer((json_int_t)r->changes));
            jset(o, "active", json_integer((json_int_t)r->active));
            jset(o, "errors", json_integer((json_int_t)r->errors));
            jset(o, "unreachable", json_integer((json_int_t)r->unreachable));
            jset(o, "superseded", json_integer((json_int_t)r->superseded));
            jset(o, "messages", json_integer((json_int_t)r->messages));
            jset(o, "failed", s->failed ? s->failed : json_array());
            s->failed = NULL;
            for (size_t i = 0; i < s->n_silent; i++) {
                json_t *x = json_object();
                if (!x)
                    continue;
                jset(x, "server", jcstr(s->silent[i].server));
                jset(x, "changes", json_integer((json_int_t)s->silent[i].changes));
                jset(x, "reason", jcstr(s->silent[i].reason));
                json_array_append_new(silent, x);
            }
            jset(o, "silent_servers", silent);
            silent = NULL;
        }
        json_decref(silent);
        json_print(stdout, o);
        fputc('\n', stdout);
        return;
    }
    printf("%zu change(s): %zu active, %zu error(s), %zu unreachable, %zu superseded; "
           "%zu message(s) sent\n",
           r->changes, r->active, r->errors, r->unreachable, r->superseded, r->messages);
    fputs(errors, stdout);
    for (size_t i = 0; i < s->n_silent; i++)
        printf("UNREACHABLE %s (%zu change(s) left pending): %s\n", s->silent[i].server,
               s->silent[i].changes, s->silent[i].reason);
}

/* Rounds of --once: a change written while its batch was out is sent again, a few times. */
#define SYNC_ONCE_ROUNDS    3

static int sync_once(ptrctl *c, ptr_push *p)
{
    sync_out s;
    if (out_open(&s, c) != 0) {
        out_free(&s);
        return ptrctl_system(c, "cannot allocate", "the summary");
    }
    ptr_push_report sum, r;
    memset(&sum, 0, sizeof sum);
    ptr_error err;
    ptr_status st = PTR_OK;
    for (int round = 0; round < SYNC_ONCE_ROUNDS; round++) {
        st = ptr_push_sync(p, c->ctx, c->region, strlen(c->region), on_outcome, &s, &r, &err);
        if (st != PTR_OK)
            break;
        add_report(&sum, &r);
        if (r.superseded == 0)
            break;
        /* Counted again by the next round, which sends them. */
        sum.changes -= r.superseded;
        sum.superseded -= r.superseded;
    }
    if (st != PTR_OK) {
        out_free(&s);
        return ptrctl_fail(c, st, &err);
    }
    print_summary(c, &sum, out_text(&s), &s);
    out_free(&s);
    /* No answer outranks a refusal: the run did not get to the end of the story. */
    if (sum.unreachable)
        return PTRCTL_EXIT_SYSTEM;
    return sum.errors ? PTRCTL_EXIT_REJECTED : PTRCTL_EXIT_OK;
}

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/*
 * Until SIGTERM or SIGINT: a sync about every second; a summary for each that
 * sent something or found a server silent (not again while it waits).
 */
static int sync_loop(ptrctl *c, ptr_push *p)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: the pause ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    while (!stop_requested) {
        sync_out s;
        out_open(&s, c); /* out of memory: the summary lacks the ERROR lines */
        ptr_push_report r;
        ptr_error err;
        const ptr_status st =
            ptr_push_sync(p, c->ctx, c->region, strlen(c->region), on_outcome, &s, &r, &err);
        if (st != PTR_OK && st != PTR_E_BUSY) {
            out_free(&s);
            return ptrctl_fail(c, st, &err);
        }
        /* A sync that sent something, or found a server silent (not one still waiting). */
        int tried = r.messages > 0;
        for (size_t i = 0; i < s.n_silent; i++)
            tried |= strstr(s.silent[i].reason, "waiting") == NULL;
        if (st == PTR_OK && tried) {
            char when[32];
            time_rfc3339((int64_t)time(NULL), when, sizeof when);
            if (!c->json)
                printf("%s ", when);
            print_summary(c, &r, out_text(&s), &s);
            fflush(stdout);
        }
        out_free(&s);
        const struct timespec second = {1, 0};
        if (!stop_requested)
            nanosleep(&second, NULL);
    }
    return PTRCTL_EXIT_OK;
}

/* The push configuration's failure: a file others may read, or a bad line, is a usage error. */
static int config_failure(ptrctl *c, ptr_status st, const ptr_error *err)
{
    ptrctl_failure x;
    ptrctl_failure_of(c, st, err, "config", &x);
    if (st == PTR_E_FORBIDDEN || st == PTR_E_INVAL)
        x.exit = PTRCTL_EXIT_USAGE;
    return ptrctl_report(c, &x);
}

int cmd_sync(ptrctl *c, int argc, char **argv)
{
    const char *path = NULL;
    int once = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        const int r = cli_opt(c, argc, argv, &i, "--config", &v);
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
        if (r > 0)
            path = v;
        else if (cli_flag(argv[i], "--once"))
            once = 1;
        else if (argv[i][0] == '-')
            return cli_unknown(c, argv[i]);
        else
            return ptrctl_usage(c, "sync takes no argument ('%s')", argv[i]);
    }
    if (!path || !*path)
        return ptrctl_usage(c, "sync needs --config FILE: the push configuration "
                               "(PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET lines)");
    ptr_error err;
    ptr_push_config *cfg = NULL;
    ptr_status st = ptr_push_config_load(path, &cfg, &err);
    if (st == PTR_E_INVAL) {
        /* The library names the line and field; say which file. */
        char msg[sizeof err.message];
        snprintf(msg, sizeof msg, "%s", err.message);
        if (snprintf(err.message, sizeof err.message, "%s: %s", path, msg) < 0)
            err.message[0] = '\0';
    }
    if (st != PTR_OK)
        return config_failure(c, st, &err);
    int rc = ptrctl_open(c);
    if (rc) {
        ptr_push_config_free(cfg);
        return rc;
    }
    ptr_push *p = NULL;
    st = ptr_push_new(cfg, NULL, &p, &err);
    if (st != PTR_OK) {
        ptr_push_config_free(cfg);
        return ptrctl_fail(c, st, &err);
    }
    rc = once ? sync_once(c, p) : sync_loop(c, p);
    ptr_push_free(p);
    ptr_push_config_free(cfg);
    return rc;
}

#endif /* PTRCTL_WITH_PUSH */
