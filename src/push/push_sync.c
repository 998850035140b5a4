/*
 * The pusher: pending changes read a page at a time (ptr_ctx_pending),
 * routed to the longest prefix's server and zone, sent there as signed
 * UPDATE messages of several records each, and the answers written back
 * (ptr_ctx_dns_results). Each server keeps its retry state here: one that
 * did not answer is left alone until its wait (doubling from retry_min_ms
 * to retry_max_ms) has passed; one that refused a change is not sent that
 * record again before the same kind of wait, so a daemon that syncs every
 * second does not hammer a server with a change it will refuse again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_internal.h"

/* Changes read per ptr_ctx_pending call: the read transaction stays short. */
#define PUSH_PAGE   1024
#define PUSH_REASON 200
/*
 * Messages in flight to one server at once. Knot applies the UPDATEs queued
 * for a zone together; a server that takes one at a time still gains the
 * round trips. The first message of a window may wait behind the others.
 */
#define PUSH_WINDOW 8

typedef struct server_state {
    uint64_t retry_at;      /* no answer last time: not before this */
    unsigned retry_wait;    /* the wait that set it; 0 after an answer */
    uint64_t refused_until; /* records in ERROR on this server: not resent before this */
    unsigned refused_wait;
    push_conn conn;
} server_state;

struct ptr_push {
    const ptr_push_config *cfg;
    ptr_push_options opt;
    server_state *servers;
};

void ptr_push_options_init(ptr_push_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->struct_size = (uint32_t)sizeof *opt;
}

static ptr_status fail(ptr_error *err, ptr_status st, const char *msg)
{
    if (err) {
        ptr_error_clear(err);
        err->status = st;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return st;
}

ptr_status ptr_push_new(const ptr_push_config *cfg, const ptr_push_options *opt, ptr_push **out,
                        ptr_error *err)
{
    if (!cfg || !out)
        return fail(err, PTR_E_INVAL, "configuration or result missing");
    *out = NULL;
    ptr_push_options o;
    ptr_push_options_init(&o);
    if (opt) {
        if (opt->struct_size < sizeof o)
            return fail(err, PTR_E_INVAL, "options not made by ptr_push_options_init()");
        o = *opt;
    }
    if (!o.timeout_ms)
        o.timeout_ms = 3000;
    if (!o.max_message)
        o.max_message = 16384;
    if (!o.retry_min_ms)
        o.retry_min_ms = 1000;
    if (!o.retry_max_ms)
        o.retry_max_ms = 60000;
    if (o.max_message < 512 || o.max_message > 65535)
        return fail(err, PTR_E_INVAL, "max_message must be from 512 to 65535 bytes");
    if (o.retry_max_ms < o.retry_min_ms)
        return fail(err, PTR_E_INVAL, "retry_max_ms is shorter than retry_min_ms");
    ptr_push *p = calloc(1, sizeof *p);
    server_state *s = calloc(cfg->n_servers ? cfg->n_servers : 1, sizeof *s);
    if (!p || !s) {
        free(p);
        free(s);
        return fail(err, PTR_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < cfg->n_servers; i++)
        s[i].conn.fd = -1;
    p->cfg = cfg;
    p->opt = o;
    p->servers = s;
    *out = p;
    return PTR_OK;
}

void ptr_push_free(ptr_push *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->cfg->n_servers; i++)
        push_conn_close(&p->servers[i].conn);
    free(p->servers);
    free(p);
}

/* ---- one page of changes, copied out of the read transaction ------------------------- */

typedef struct change {
    ptr_addr addr;
    uint64_t revision;
    ptr_dns_action action;
    ptr_dns_status stored; /* the status read */
    uint32_t ttl;
    size_t names_at, name_count; /* into page.names */
    const push_route *route;
    /* the outcome */
    ptr_dns_status status;
    int superseded, done;
    char reason[PUSH_REASON];
} change;

typedef struct page {
    change *c;
    size_t n;
    char *names;
    size_t names_len, names_cap;
    int failed;
} page;

static int collect(void *user, const ptr_dns_change *ch)
{
    page *pg = user;
    change *c = &pg->c[pg->n];
    memset(c, 0, sizeof *c);
    c->addr = *ptr_record_address(ch->record);
    c->revision = ptr_record_revision(ch->record);
    c->action = ptr_record_dns_action(ch->record);
    c->stored = ptr_record_dns_status(ch->record);
    c->ttl = ch->ttl;
    c->names_at = pg->names_len;
    c->name_count = ch->name_count;
    size_t need = 0;
    for (size_t i = 0; i < ch->name_count; i++)
        need += ch->names[i].len + 1;
    if (pg->names_len + need > pg->names_cap) {
        size_t cap = pg->names_cap ? pg->names_cap : 4096;
        while (cap < pg->names_len + need)
            cap *= 2;
        char *g = realloc(pg->names, cap);
        if (!g) {
            pg->failed = 1;
            return 1;
        }
        pg->names = g;
        pg->names_cap = cap;
    }
    for (size_t i = 0; i < ch->name_count; i++) {
        memcpy(pg->names + pg->names_len, ch->names[i].s, ch->names[i].len);
        pg->names_len += ch->names[i].len;
        pg->names[pg->names_len++] = '\0';
    }
    size_t elen = 0;
    const char *e = ptr_record_dns_error(ch->record, &elen);
    snprintf(c->reason, sizeof c->reason, "%.*s",
             (int)(elen < PUSH_REASON ? elen : PUSH_REASON - 1), e ? e : "");
    pg->n++;
    return 0;
}

static ptr_dns_status pending_of(ptr_dns_action a)
{
    return a == PTR_ACTION_DELETE   ? PTR_DNS_PENDING_DELETE
           : a == PTR_ACTION_UPDATE ? PTR_DNS_PENDING_UPDATE
                                    : PTR_DNS_PENDING_CREATE;
}

/* ---- one sync ------------------------------------------------------------------------ */

typedef struct sync_run {
    ptr_push *p;
    ptr_ctx *ctx;
    const char *region;
    size_t region_len;
    ptr_push_outcome_fn fn;
    void *user;
    ptr_push_report rep;
    ptr_error *err;
    page pg;
    ptr_dns_result *res; /* PUSH_PAGE: one transaction's answers, refusals and marks */
    size_t *wids;        /* PUSH_PAGE change indices: the window's messages' */
    size_t *done;        /* PUSH_PAGE: changes answered or refused, not yet written */
    size_t n_done;
} sync_run;

static void tell(sync_run *r, change *c)
{
    c->done = 1;
    if (c->superseded)
        r->rep.superseded++;
    else if (c->status == PTR_DNS_ACTIVE)
        r->rep.active++;
    else if (c->status == PTR_DNS_ERROR)
        r->rep.errors++;
    else
        r->rep.unreachable++;
    if (!r->fn)
        return;
    const ptr_push_outcome o = {
        &c->addr,     c->revision, c->action,
        c->status,    c->reason,   c->route ? r->p->cfg->servers[c->route->server].text : "",
        c->superseded};
    r->fn(r->user, &o);
}

static void backoff(unsigned *wait, uint64_t *until, const ptr_push_options *o)
{
    *wait = *wait ? (*wait > o->retry_max_ms / 2 ? o->retry_max_ms : *wait * 2) : o->retry_min_ms;
    *until = push_now_ms() + *wait;
}

/* A message and the page's changes in it. */
typedef struct batch {
    push_msg m;
    size_t *ids; /* into sync_run.wids */
    size_t k;
    int shrunk;   /* commit dropped superseded changes: build it again */
    int answered; /* its answer was read */
} batch;

/*
 * One write transaction (ptr_ctx_dns_results) for: the outcomes of done[0..nd)
 * (status and reason set), then the marks of win[0..nw)'s changes (about to
 * be sent: possibly in DNS from now on, so a later delete sends the default
 * name). The answers to one window of messages go with the marks of the
 * next: a sync of many messages writes few transactions. The outcomes are
 * told; a marked change written since it was read is superseded, told, and
 * dropped from its batch (shrunk).
 */
static ptr_status commit(sync_run *r, const size_t *done, size_t nd, batch *win, size_t nw)
{
    size_t n = 0;
    for (size_t i = 0; i < nd; i++) {
        const change *c = &r->pg.c[done[i]];
        r->res[n++] =
            (ptr_dns_result){c->addr, c->revision, c->status, {c->reason, strlen(c->reason)}, 0};
    }
    for (size_t w = 0; w < nw; w++)
        for (size_t i = 0; i < win[w].k; i++) {
            const change *c = &r->pg.c[win[w].ids[i]];
            r->res[n++] = (ptr_dns_result){c->addr, c->revision, pending_of(c->action), {"", 0}, 0};
        }
    if (n == 0)
        return PTR_OK;
    const ptr_status st = ptr_ctx_dns_results(r->ctx, r->region, r->region_len, r->res, n, r->err);
    if (st != PTR_OK)
        return st;
    for (size_t i = 0; i < nd; i++) {
        change *c = &r->pg.c[done[i]];
        c->superseded = !r->res[i].applied;
        tell(r, c);
    }
    size_t at = nd;
    for (size_t w = 0; w < nw; w++) {
        size_t kept = 0;
        for (size_t i = 0; i < win[w].k; i++, at++) {
            change *c = &r->pg.c[win[w].ids[i]];
            if (r->res[at].applied) {
                win[w].ids[kept++] = win[w].ids[i];
                continue;
            }
            c->status = c->stored;
            c->superseded = 1;
            snprintf(c->reason, sizeof c->reason, "written again while being sent");
            tell(r, c);
        }
        win[w].shrunk = kept != win[w].k;
        win[w].k = kept;
    }
    return PTR_OK;
}

static void refuse(sync_run *r, size_t id, const char *why)
{
    change *c = &r->pg.c[id];
    c->status = PTR_DNS_ERROR;
    snprintf(c->reason, sizeof c->reason, "%s", why);
    r->done[r->n_done++] = id;
}

/*
 * The next message of route from list[*from..n). A change no message can
 * carry (too large, a bad name) is refused (ERROR, in r->done). b->k is 0
 * when nothing is left. PTR_OK or PTR_E_NOMEM.
 */
static ptr_status fill(sync_run *r, const push_route *route, const size_t *list, size_t n,
                       size_t *from, batch *b)
{
    b->k = 0;
    b->m.pkt = NULL;
    while (*from < n && b->k == 0) {
        const ptr_status st = push_msg_begin(&b->m, route, r->p->opt.max_message);
        if (st == PTR_E_NOMEM)
            return fail(r->err, st, "out of memory");
        if (st != PTR_OK) { /* max_message cannot hold even the zone and the key */
            for (; *from < n; (*from)++)
                refuse(r, list[*from], "max_message cannot hold the zone and the key");
            return PTR_OK;
        }
        for (; *from < n; (*from)++) {
            const change *c = &r->pg.c[list[*from]];
            const push_change_wire w = {&c->addr, r->pg.names + c->names_at, c->name_count, c->ttl};
            const ptr_status add = push_msg_add(&b->m, &w);
            if (add == PTR_OK) {
                b->ids[b->k++] = list[*from];
                continue;
            }
            if (b->k > 0)
                break; /* the next message takes it, or refuses it alone */
            refuse(r, list[*from],
                   add == PTR_E_BUFFER ? "larger than one UPDATE message of max_message bytes"
                                       : "a name DNS cannot carry");
        }
        if (b->k == 0)
            push_msg_free(&b->m);
    }
    return PTR_OK;
}

/* Build b's message again from its (fewer) changes, which fit before. */
static ptr_status rebuild(sync_run *r, const push_route *route, batch *b)
{
    push_msg_free(&b->m);
    b->shrunk = 0;
    if (b->k == 0)
        return PTR_OK;
    ptr_status st = push_msg_begin(&b->m, route, r->p->opt.max_message);
    for (size_t i = 0; i < b->k && st == PTR_OK; i++) {
        const change *c = &r->pg.c[b->ids[i]];
        const push_change_wire w = {&c->addr, r->pg.names + c->names_at, c->name_count, c->ttl};
        st = push_msg_add(&b->m, &w);
    }
    if (st != PTR_OK) {
        push_msg_free(&b->m);
        return fail(r->err, PTR_E_NOMEM, "out of memory");
    }
    return PTR_OK;
}

/* Every change of list[from..n) left pending (no answer: nothing to write). */
static void leave_pending(sync_run *r, const size_t *list, size_t from, size_t n,
                          const char *reason)
{
    for (size_t i = from; i < n; i++) {
        change *c = &r->pg.c[list[i]];
        c->status = pending_of(c->action);
        snprintf(c->reason, sizeof c->reason, "%s", reason);
        tell(r, c);
    }
}

/* The answer in wire[0..len) to one of win[0..nw): its changes' statuses, into r->done. */
static void take_answer(sync_run *r, const push_server *srv, server_state *ss, batch *win,
                        size_t nw, uint8_t *wire, size_t len)
{
    uint16_t id = 0;
    if (len >= 2)
        id = (uint16_t)(wire[0] << 8 | wire[1]);
    batch *b = NULL;
    for (size_t w = 0; w < nw && !b; w++)
        if (!win[w].answered && win[w].m.id == id)
            b = &win[w];
    if (!b) { /* an answer to nothing we sent: the connection cannot be trusted */
        push_conn_close(&ss->conn);
        return;
    }
    char why[PUSH_REASON - PUSH_SERVER_TEXT - 16];
    const push_answer_kind kind = push_msg_answer(&b->m, wire, len, why, sizeof why);
    b->answered = 1;
    if (kind == PUSH_ANSWER_UNVERIFIED)
        push_conn_close(&ss->conn); /* whatever it was, the next message starts afresh */
    if (kind == PUSH_ANSWER_CONFIRMED)
        ss->refused_wait = 0;
    else
        backoff(&ss->refused_wait, &ss->refused_until, &r->p->opt);
    for (size_t i = 0; i < b->k; i++) {
        change *c = &r->pg.c[b->ids[i]];
        c->status = kind == PUSH_ANSWER_CONFIRMED ? PTR_DNS_ACTIVE : PTR_DNS_ERROR;
        if (kind == PUSH_ANSWER_CONFIRMED)
            c->reason[0] = '\0';
        else
            snprintf(c->reason, sizeof c->reason, "%s from %s", why, srv->text);
        r->done[r->n_done++] = b->ids[i];
    }
}

/*
 * Send win[0..nw) on one connection, all before the first answer, then read
 * the answers. Returns 0, or -1 when the server stopped answering: the
 * unanswered changes are told as pending and its retry wait starts.
 */
static int exchange(sync_run *r, const push_route *route, batch *win, size_t nw)
{
    const push_server *srv = &r->p->cfg->servers[route->server];
    server_state *ss = &r->p->servers[route->server];
    char why[PUSH_REASON - PUSH_SERVER_TEXT - 16] = "";
    size_t sent = 0, answers = 0;
    int broken = 0;
    for (size_t w = 0; w < nw && !broken; w++) {
        batch *b = &win[w];
        b->answered = 0;
        if (push_msg_sign(&b->m) != PTR_OK) { /* cannot happen: the TSIG room was kept */
            snprintf(why, sizeof why, "cannot sign the message");
            broken = 1;
            break;
        }
        /* A connection kept from an earlier window may have been closed by the
           server (idle timeout): one fresh connection before giving up. */
        const int reused = ss->conn.fd >= 0 && w == 0;
        int rc = push_send(&ss->conn, srv, b->m.pkt->wire, b->m.pkt->size, r->p->opt.timeout_ms,
                           why, sizeof why);
        if (rc != 0 && reused)
            rc = push_send(&ss->conn, srv, b->m.pkt->wire, b->m.pkt->size, r->p->opt.timeout_ms,
                           why, sizeof why);
        if (rc != 0)
            broken = 1;
        else
            sent++;
    }
    r->rep.messages += sent;
    while (!broken && answers < sent) {
        uint8_t *answer = NULL;
        size_t alen = 0;
        if (push_recv(&ss->conn, r->p->opt.timeout_ms, &answer, &alen, why, sizeof why) != 0) {
            broken = 1;
            break;
        }
        take_answer(r, srv, ss, win, nw, answer, alen);
        free(answer);
        answers++;
        if (ss->conn.fd < 0 && answers < sent) { /* closed after a bad answer */
            snprintf(why, sizeof why, "an answer that is not to our messages");
            broken = 1;
        }
    }
    if (!broken) {
        ss->retry_wait = 0;
        return 0;
    }
    backoff(&ss->retry_wait, &ss->retry_at, &r->p->opt);
    char reason[PUSH_REASON];
    snprintf(reason, sizeof reason, "no answer from %s: %s", srv->text, why);
    for (size_t w = 0; w < nw; w++)
        if (!win[w].answered)
            leave_pending(r, win[w].ids, 0, win[w].k, reason);
    return -1;
}

/* Message IDs of one window differ, so that answers find their message. */
static void unique_ids(batch *win, size_t nw)
{
    for (size_t w = 1; w < nw; w++)
        for (size_t v = 0; v < w; v++)
            if (win[w].m.id == win[v].m.id) {
                win[w].m.id = (uint16_t)(win[w].m.id + 1);
                knot_wire_set_id(win[w].m.pkt->wire, win[w].m.id);
                v = (size_t)-1; /* check against all again */
            }
}

/* Every change of one route in this page: list[0..n) (indices into the page). */
static ptr_status send_route(sync_run *r, const push_route *route, size_t *list, size_t n)
{
    const push_server *srv = &r->p->cfg->servers[route->server];
    server_state *ss = &r->p->servers[route->server];
    const uint64_t now = push_now_ms();
    char reason[PUSH_REASON];
    if (ss->retry_at > now) {
        snprintf(reason, sizeof reason,
                 "no answer from %s at the last try: waiting %u ms before the next", srv->text,
                 ss->retry_wait);
        leave_pending(r, list, 0, n, reason);
        return PTR_OK;
    }
    /* Refused lately: those records wait too (their stored reason stands). */
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        change *c = &r->pg.c[list[i]];
        if (c->stored == PTR_DNS_ERROR && ss->refused_until > now) {
            c->status = PTR_DNS_ERROR;
            tell(r, c);
        } else {
            list[keep++] = list[i];
        }
    }
    batch win[PUSH_WINDOW];
    memset(win, 0, sizeof win);
    size_t from = 0;
    ptr_status st = PTR_OK;
    r->n_done = 0;
    for (;;) {
        /* The next window: up to PUSH_WINDOW messages. */
        size_t nw = 0, used = 0;
        while (st == PTR_OK && nw < PUSH_WINDOW && from < keep) {
            win[nw].ids = r->wids + used;
            st = fill(r, route, list, keep, &from, &win[nw]);
            if (st != PTR_OK || win[nw].k == 0)
                break;
            used += win[nw++].k;
        }
        /* The answers to the last window and the marks of this one, in one transaction. */
        if (st == PTR_OK)
            st = commit(r, r->done, r->n_done, win, nw);
        r->n_done = 0;
        size_t live = 0;
        for (size_t w = 0; w < nw && st == PTR_OK; w++) {
            if (win[w].shrunk)
                st = rebuild(r, route, &win[w]);
            if (win[w].k == 0) {
                push_msg_free(&win[w].m);
            } else if (live++ < w) {
                win[live - 1] = win[w];
                win[w].m.pkt = NULL;
            }
        }
        if (st != PTR_OK || live == 0) {
            for (size_t w = 0; w < nw; w++)
                push_msg_free(&win[w].m);
            break;
        }
        unique_ids(win, live);
        const int silent = exchange(r, route, win, live);
        for (size_t w = 0; w < live; w++)
            push_msg_free(&win[w].m);
        if (silent) {
            snprintf(reason, sizeof reason, "no answer from %s to an earlier message of this sync",
                     srv->text);
            leave_pending(r, list, from, keep, reason);
            break;
        }
    }
    /* The answers of the last window, and any refusal not yet written. */
    if (st == PTR_OK)
        st = commit(r, r->done, r->n_done, NULL, 0);
    r->n_done = 0;
    return st;
}

/* The changes no prefix holds: ERROR (written once; unchanged records are not rewritten). */
static ptr_status unrouted(sync_run *r)
{
    static const char why[] = "no prefix of the push configuration holds the address";
    size_t k = 0;
    for (size_t i = 0; i < r->pg.n; i++) {
        change *c = &r->pg.c[i];
        if (c->route)
            continue;
        const int same = c->stored == PTR_DNS_ERROR && strcmp(c->reason, why) == 0;
        c->status = PTR_DNS_ERROR;
        snprintf(c->reason, sizeof c->reason, "%s", why);
        if (same)
            tell(r, c);
        else
            r->done[k++] = i;
    }
    return commit(r, r->done, k, NULL, 0);
}

static ptr_status sync_page(sync_run *r)
{
    for (size_t i = 0; i < r->pg.n; i++)
        r->pg.c[i].route = push_route_find(r->p->cfg, &r->pg.c[i].addr);
    ptr_status st = unrouted(r);
    /* Route by route, in the order the page meets them: one zone per message. */
    size_t *list = malloc(r->pg.n * sizeof *list);
    if (!list)
        return fail(r->err, PTR_E_NOMEM, "out of memory");
    for (size_t i = 0; i < r->pg.n && st == PTR_OK; i++) {
        const change *first = &r->pg.c[i];
        if (first->done || !first->route)
            continue;
        size_t n = 0;
        for (size_t j = i; j < r->pg.n; j++)
            if (r->pg.c[j].route == first->route && !r->pg.c[j].done)
                list[n++] = j;
        st = send_route(r, first->route, list, n);
    }
    free(list);
    return st;
}

ptr_status ptr_push_sync(ptr_push *p, ptr_ctx *ctx, const char *region, size_t region_len,
                         ptr_push_outcome_fn fn, void *user, ptr_push_report *rep, ptr_error *err)
{
    if (rep)
        memset(rep, 0, sizeof *rep);
    if (!p || !ctx)
        return fail(err, PTR_E_INVAL, "pusher or context missing");
    sync_run r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.ctx = ctx;
    r.region = region;
    r.region_len = region_len;
    r.fn = fn;
    r.user = user;
    r.err = err;
    r.pg.c = malloc(PUSH_PAGE * sizeof *r.pg.c);
    r.res = malloc(PUSH_PAGE * sizeof *r.res);
    r.wids = malloc(PUSH_PAGE * sizeof *r.wids);
    r.done = malloc(PUSH_PAGE * sizeof *r.done);
    ptr_status st =
        r.pg.c && r.res && r.wids && r.done ? PTR_OK : fail(err, PTR_E_NOMEM, "out of memory");
    ptr_addr after;
    int have_after = 0;
    while (st == PTR_OK) {
        r.pg.n = 0;
        r.pg.names_len = 0;
        r.pg.failed = 0;
        st = ptr_ctx_pending(ctx, region, region_len, have_after ? &after : NULL, PUSH_PAGE,
                             collect, &r.pg, err);
        if (st == PTR_OK && r.pg.failed)
            st = fail(err, PTR_E_NOMEM, "out of memory");
        if (st != PTR_OK || r.pg.n == 0)
            break;
        r.rep.changes += r.pg.n;
        after = r.pg.c[r.pg.n - 1].addr;
        have_after = 1;
        st = sync_page(&r);
        if (r.pg.n < PUSH_PAGE)
            break;
    }
    /* Servers close idle connections; the next sync connects again. */
    for (size_t i = 0; i < p->cfg->n_servers; i++)
        push_conn_close(&p->servers[i].conn);
    free(r.pg.c);
    free(r.pg.names);
    free(r.res);
    free(r.wids);
    free(r.done);
    if (rep)
        *rep = r.rep;
    if (st == PTR_OK && err)
        ptr_error_clear(err);
    return st;
}
