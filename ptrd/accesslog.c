/*
 * The access log: one line per request. Lines are gathered in a buffer and
 * written to the file (opened O_APPEND) by whole lines, when the buffer is
 * full and at the latest a second later (ptrd_log_flush, called by the main
 * loop's tick): a write(2) per request was a fifth of the system calls a GET
 * costs. ptrd's own messages are written at once, after what is buffered.
 * SIGHUP reopens the file (log rotation).
 */
#include "ptrd.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_path;
static int log_fd = 2;
/* Guards the buffer and the descriptor, so no line goes to a closed (or reused) one. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char pending[64 * 1024];
static size_t pending_len;

int ptrd_log_open(const char *path)
{
    log_path = path;
    if (!path)
        return 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    log_fd = fd;
    return 0;
}

/* With log_lock held. A full disk must not fail the requests being logged. */
static void write_all(const char *p, size_t len)
{
    while (len) {
        ssize_t r = write(log_fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        p += r;
        len -= (size_t)r;
    }
}

static void flush_locked(void)
{
    write_all(pending, pending_len);
    pending_len = 0;
}

void ptrd_log_flush(void)
{
    pthread_mutex_lock(&log_lock);
    flush_locked();
    pthread_mutex_unlock(&log_lock);
}

void ptrd_log_reopen(void)
{
    if (!log_path)
        return;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        ptrd_log_msg("cannot reopen log %s: %s", log_path, strerror(errno));
        return;
    }
    pthread_mutex_lock(&log_lock);
    flush_locked(); /* the old file gets what was logged before the signal */
    int old = log_fd;
    log_fd = fd;
    pthread_mutex_unlock(&log_lock);
    if (old > 2)
        close(old);
}

static void buffer_line(const char *line, size_t len)
{
    pthread_mutex_lock(&log_lock);
    if (pending_len + len > sizeof pending)
        flush_locked();
    memcpy(pending + pending_len, line, len); /* a line is far shorter than the buffer */
    pending_len += len;
    pthread_mutex_unlock(&log_lock);
}

static void write_line(const char *line, size_t len)
{
    pthread_mutex_lock(&log_lock);
    flush_locked();
    write_all(line, len);
    pthread_mutex_unlock(&log_lock);
}

/* The date and time to the second change once a second: each thread keeps its last. */
static _Thread_local time_t stamp_sec = -1;
static _Thread_local char stamp_text[32];

static void stamp(char *buf, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != stamp_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        if (strftime(stamp_text, sizeof stamp_text, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
            stamp_text[0] = '\0';
        stamp_sec = ts.tv_sec;
    }
    snprintf(buf, cap, "%s.%03ldZ", stamp_text, ts.tv_nsec / 1000000);
}

void ptrd_log_access(const char *client, const char *method, const char *path, unsigned http,
                     size_t bytes, double seconds, const char *project)
{
    char t[40], line[512];
    stamp(t, sizeof t);
    /* The path is client text: only printable ASCII goes to the log. */
    char safe[300];
    size_t k = 0;
    for (const char *p = path; *p && k + 1 < sizeof safe; p++)
        safe[k++] = (*p > 32 && *p < 127 && *p != '"') ? *p : '?';
    safe[k] = '\0';
    unsigned long long us = (unsigned long long)(seconds * 1e6 + 0.5);
    int n = snprintf(line, sizeof line, "%s %s \"%s %s\" %u %zu %llu.%03llums project=%s\n", t,
                     client, method, safe, http, bytes, us / 1000, us % 1000, project);
    if (n > 0)
        buffer_line(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void ptrd_log_msg(const char *fmt, ...)
{
    char t[40], line[1024];
    stamp(t, sizeof t);
    int n = snprintf(line, sizeof line, "%s ptrd: ", t);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    write_line(line, len);
    if (log_path) {
        ssize_t r = write(2, line, len); /* operators also see it on stderr */
        (void)r;
    }
}
