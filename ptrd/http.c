/*
 * The HTTP layer on libmicrohttpd: reads a request body up to 64 KiB (413
 * beyond, without reading the rest), hands the request to the routes, sends
 * the JSON reply, and on completion counts it (metrics) and logs it (one
 * access-log line). libmicrohttpd itself bounds headers (its per-connection
 * memory limit: 431/413), idle time (connection timeout) and connections.
 */
#include "ptrd_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct request {
    struct timespec start;
    char *body;
    size_t len;
    int too_large;
    int replied;
    enum ptrd_route route;
    unsigned http;
    size_t bytes;
    char project[PTRD_ID_MAX + 1];
    char method[16];
    char path[256];
} request;

/*
 * The header deadline. libmicrohttpd 0.9.75 times out a silent connection
 * but not a slow one: a client sending a header byte now and then would
 * hold its connection for ever. Every connection is tracked from its accept
 * (and from each reply, for the next request on it) until its next request's
 * headers are complete; ptrd_http_reap(), run by the main thread once a
 * second, shuts down the ones past the deadline. shutdown(2) leaves the
 * descriptor open, and libmicrohttpd's "closed" notice takes the same lock
 * before it closes it, so a reaped descriptor is never one reused by
 * another connection.
 */
typedef struct tracked {
    struct tracked *prev, *next;
    int fd;
    atomic_int waiting;    /* 1 while the next request's headers are awaited */
    atomic_llong since_ms; /* since when */
} tracked;

static pthread_mutex_t tracked_lock = PTHREAD_MUTEX_INITIALIZER;
static tracked *tracked_head;
static unsigned header_timeout_s = 10;

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        tracked *t = calloc(1, sizeof *t);
        if (!t || !ci) {
            free(t);
            *socket_context = NULL;
            return;
        }
        t->fd = ci->connect_fd;
        atomic_init(&t->waiting, 1);
        atomic_init(&t->since_ms, now_ms());
        pthread_mutex_lock(&tracked_lock);
        t->next = tracked_head;
        if (tracked_head)
            tracked_head->prev = t;
        tracked_head = t;
        pthread_mutex_unlock(&tracked_lock);
        *socket_context = t;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        tracked *t = *socket_context;
        if (!t)
            return;
        pthread_mutex_lock(&tracked_lock);
        if (t->prev)
            t->prev->next = t->next;
        else
            tracked_head = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&tracked_lock);
        free(t);
        *socket_context = NULL;
    }
}

static tracked *tracked_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

unsigned ptrd_http_reap(void)
{
    unsigned n = 0;
    long long limit = now_ms() - (long long)header_timeout_s * 1000;
    pthread_mutex_lock(&tracked_lock);
    for (tracked *t = tracked_head; t; t = t->next)
        if (atomic_load(&t->waiting) && atomic_load(&t->since_ms) < limit) {
            shutdown(t->fd, SHUT_RDWR);
            atomic_store(&t->waiting, 0); /* once is enough */
            n++;
        }
    pthread_mutex_unlock(&tracked_lock);
    return n;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *query_arg(void *user, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)user, MHD_GET_ARGUMENT_KIND, name);
}

/*
 * The reply's text, in one buffer of the size most replies fit (a record is
 * about 400 bytes), dumped again into an exact one when it is larger: json_dumps
 * would grow its buffer from 16 bytes by doubling.
 */
char *ptrd_json_text(const json_t *body, size_t *len)
{
    size_t cap = 2048;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    size_t need = json_dumpb(body, text, cap, JSON_COMPACT);
    if (need > cap) {
        char *big = realloc(text, need);
        if (!big) {
            free(text);
            return NULL;
        }
        text = big;
        need = json_dumpb(body, text, need, JSON_COMPACT);
    }
    if (need == 0) { /* jansson could not dump it */
        free(text);
        return NULL;
    }
    *len = need;
    return text;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, request *rq, ptrd_reply *rep)
{
    char *text = NULL;
    size_t len = 0;
    if (rep->text) {
        text = rep->text;
        len = rep->text_len;
        rep->text = NULL;
    } else if (rep->body) {
        text = ptrd_json_text(rep->body, &len);
        json_decref(rep->body);
        rep->body = NULL;
        if (!text)
            rep->http = 500;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, text ? text : (void *)"", text ? MHD_RESPMEM_MUST_FREE
                                                                            : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    if (text)
        MHD_add_response_header(r, "Content-Type", "application/json");
    if (rep->allow)
        MHD_add_response_header(r, "Allow", rep->allow);
    rq->http = rep->http;
    rq->bytes = len;
    rq->replied = 1;
    enum MHD_Result ret = MHD_queue_response(c, rep->http, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, request *rq, unsigned http, char *text,
                                 size_t len, const char *ctype)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", ctype);
    rq->http = http;
    rq->bytes = len;
    rq->replied = 1;
    enum MHD_Result ret = MHD_queue_response(c, http, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result too_large(struct MHD_Connection *c, request *rq)
{
    ptrd_reply rep = {.http = 0};
    char d[80];
    snprintf(d, sizeof d, "the request body is larger than %u bytes", PTRD_BODY_MAX);
    ptrd_reply_http_error(&rep, 413, "DNS.0002", "Invalid request.", "body", d);
    return send_reply(c, rq, &rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        tracked *t = tracked_of(c);
        if (t)
            atomic_store(&t->waiting, 0); /* the headers are in */
        rq->route = ptrd_route_of(method, url);
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->path, sizeof rq->path, "%s", url);
        atomic_fetch_add(&ptrd.inflight, 1);
        *con_cls = rq;
        /* A declared length over the limit is refused before any byte of the body is read. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > PTRD_BODY_MAX)
            return too_large(c, rq);
        return MHD_YES;
    }
    if (rq->replied) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        /* A chunked body has no declared length: count as it comes. */
        if (rq->too_large || rq->len + *upload_size > PTRD_BODY_MAX) {
            rq->too_large = 1;
        } else {
            char *b = realloc(rq->body, rq->len + *upload_size);
            if (!b)
                return MHD_NO;
            memcpy(b + rq->len, upload, *upload_size);
            rq->body = b;
            rq->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_large)
        return too_large(c, rq);
    if (rq->route == ROUTE_METRICS) {
        size_t len = 0;
        char *text = ptrd_metrics_text(&len);
        if (!text)
            return MHD_NO;
        return send_text(c, rq, 200, text, len, "text/plain; version=0.0.4");
    }
    char base[300] = "http://localhost";
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (host && strlen(host) < 250 && !strpbrk(host, "\"\\<> \t"))
        snprintf(base, sizeof base, "http://%s", host);
    ptrd_call call;
    memset(&call, 0, sizeof call);
    call.method = method;
    call.path = url;
    call.body = rq->body;
    call.body_len = rq->len;
    call.token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Token");
    call.base = base;
    call.query = query_arg;
    call.query_user = c;
    ptrd_reply rep = {.http = 500};
    ptrd_dispatch(&call, rq->route, &rep);
    memcpy(rq->project, call.project, sizeof rq->project);
    return send_reply(c, rq, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    tracked *t = tracked_of(c);
    if (t) { /* the deadline for the next request's headers starts now */
        atomic_store(&t->since_ms, now_ms());
        atomic_store(&t->waiting, 1);
    }
    double secs = since(&rq->start);
    unsigned http = rq->replied ? rq->http : 0; /* 0: the client went away or timed out */
    if (!rq->replied && toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
        http = 408;
    ptrd_metrics_request(rq->route, http, secs);
    if (http >= 200 && http < 300 && strcmp(rq->method, "GET") != 0 &&
        strcmp(rq->method, "HEAD") != 0)
        ptrd_sync_kick(); /* a write: its change goes to DNS now */
    char client[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, client,
                      sizeof client);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      client, sizeof client);
    }
    ptrd_log_access(client, rq->method, rq->path, http, rq->bytes, secs,
                    rq->project[0] ? rq->project : "-");
    free(rq->body);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&ptrd.inflight, 1);
}

struct MHD_Daemon *ptrd_http_start(const struct sockaddr *sa, const ptrd_http_limits *lim)
{
    header_timeout_s = lim->header_timeout;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    if (sa->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    uint16_t port = sa->sa_family == AF_INET6
                        ? ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port)
                        : ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
    return MHD_start_daemon(flags, port, NULL, NULL, on_request, NULL,
                            MHD_OPTION_SOCK_ADDR, sa,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)lim->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->max_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)lim->idle_timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)lim->header_bytes,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                            MHD_OPTION_END);
}
