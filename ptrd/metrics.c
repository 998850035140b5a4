/*
 * Prometheus metrics: requests by route and HTTP status, one latency
 * histogram, the number of records in the store, store errors, GETs
 * answered from a kept copy (show_cache.c), and with
 * --push the changes sent to the name servers (sync.c). Counters are
 * atomics, so the request path takes no lock.
 */
#include "ptrd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned codes[] = {200, 202, 204, 400, 401, 403, 404, 405,
                                 408, 409, 413, 431, 500, 503, 0};
#define NCODES (sizeof codes / sizeof codes[0])
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

static atomic_ullong requests[ROUTE_COUNT][NCODES]; /* last code slot: any other */
static atomic_ullong buckets[NBOUNDS + 1];
static atomic_ullong latency_us_sum;
static atomic_ullong latency_count;
static atomic_ullong store_errors[3]; /* busy, store, nomem */
static atomic_ullong show_cache[2];   /* GETs that could be kept: answered from a kept copy, read */

void ptrd_metrics_request(enum ptrd_route route, unsigned http, double seconds)
{
    size_t c = NCODES - 1;
    for (size_t i = 0; i + 1 < NCODES; i++)
        if (codes[i] == http)
            c = i;
    atomic_fetch_add(&requests[(unsigned)route < ROUTE_COUNT ? route : ROUTE_OTHER][c], 1);
    size_t b = NBOUNDS;
    for (size_t i = 0; i < NBOUNDS; i++)
        if (seconds <= bounds[i]) {
            b = i;
            break;
        }
    atomic_fetch_add(&buckets[b], 1);
    atomic_fetch_add(&latency_us_sum, (unsigned long long)(seconds * 1e6));
    atomic_fetch_add(&latency_count, 1);
}

void ptrd_metrics_store_error(ptr_status st)
{
    atomic_fetch_add(&store_errors[st == PTR_E_BUSY ? 0 : st == PTR_E_STORE ? 1 : 2], 1);
}

void ptrd_metrics_show_cache(int hit)
{
    atomic_fetch_add(&show_cache[hit ? 0 : 1], 1);
}

typedef struct out {
    char *buf;
    size_t len, cap;
    int failed;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        char *b = realloc(o->buf, o->cap * 2 + (size_t)n);
        if (!b) {
            o->failed = 1;
            return;
        }
        o->buf = b;
        o->cap = o->cap * 2 + (size_t)n;
    }
}

char *ptrd_metrics_text(size_t *len)
{
    out o = {malloc(8192), 0, 8192, 0};
    if (!o.buf)
        return NULL;
    put(&o, "# HELP ptrd_requests_total HTTP requests by route and status (0: no reply).\n"
            "# TYPE ptrd_requests_total counter\n");
    for (unsigned r = 0; r < ROUTE_COUNT; r++)
        for (size_t c = 0; c < NCODES; c++) {
            unsigned long long v = atomic_load(&requests[r][c]);
            if (!v)
                continue;
            if (codes[c])
                put(&o, "ptrd_requests_total{route=\"%s\",code=\"%u\"} %llu\n",
                    ptrd_route_name((enum ptrd_route)r), codes[c], v);
            else
                put(&o, "ptrd_requests_total{route=\"%s\",code=\"other\"} %llu\n",
                    ptrd_route_name((enum ptrd_route)r), v);
        }
    put(&o, "# HELP ptrd_request_duration_seconds Time from the request's headers to its reply.\n"
            "# TYPE ptrd_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t i = 0; i < NBOUNDS; i++) {
        cum += atomic_load(&buckets[i]);
        put(&o, "ptrd_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[i], cum);
    }
    cum += atomic_load(&buckets[NBOUNDS]);
    put(&o, "ptrd_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    put(&o, "ptrd_request_duration_seconds_sum %.6f\n",
        (double)atomic_load(&latency_us_sum) / 1e6);
    put(&o, "ptrd_request_duration_seconds_count %llu\n", atomic_load(&latency_count));
    ptr_store_txn *txn = NULL;
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    uint64_t count = 0;
    ptr_status st = ptr_store_begin(ptrd_store(), PTR_TXN_READ, &txn);
    if (st == PTR_OK) {
        st = ptr_store_count(ptrd_store(), txn, &f, &count);
        ptr_store_rollback(ptrd_store(), txn);
    }
    if (st == PTR_OK)
        put(&o, "# HELP ptrd_records Records in the store (all regions and projects).\n"
                "# TYPE ptrd_records gauge\nptrd_records %llu\n",
            (unsigned long long)count);
    else
        ptrd_metrics_store_error(st);
    put(&o, "# HELP ptrd_store_errors_total Store failures seen by requests, by status.\n"
            "# TYPE ptrd_store_errors_total counter\n"
            "ptrd_store_errors_total{status=\"PTR_E_BUSY\"} %llu\n"
            "ptrd_store_errors_total{status=\"PTR_E_STORE\"} %llu\n"
            "ptrd_store_errors_total{status=\"PTR_E_NOMEM\"} %llu\n",
        atomic_load(&store_errors[0]), atomic_load(&store_errors[1]),
        atomic_load(&store_errors[2]));
    put(&o, "# HELP ptrd_show_cache_total GETs of one record with --show-cache on an SQLite store,"
            " by whether a kept answer was given (hit) or the database read (miss).\n"
            "# TYPE ptrd_show_cache_total counter\n"
            "ptrd_show_cache_total{result=\"hit\"} %llu\n"
            "ptrd_show_cache_total{result=\"miss\"} %llu\n",
        atomic_load(&show_cache[0]), atomic_load(&show_cache[1]));
    put(&o, "# HELP ptrd_inflight_requests Requests begun and not yet completed.\n"
            "# TYPE ptrd_inflight_requests gauge\nptrd_inflight_requests %ld\n",
        atomic_load(&ptrd.inflight));
    char dns[1024];
    if (ptrd_sync_metrics(dns, sizeof dns) > 0)
        put(&o, "%s", dns);
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    *len = o.len;
    return o.buf;
}
