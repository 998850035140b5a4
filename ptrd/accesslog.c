/*
 * The access log: one line per request, written with one write(2) to a file
 * opened O_APPEND, so lines from the pool's threads never interleave. SIGHUP
 * reopens the file (log rotation).
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
/* Writers hold it shared for one write(2); reopen holds it exclusively to
 * swap and close the old file, so no write can go to a closed (or reused)
 * descriptor. */
static pthread_rwlock_t log_lock = PTHREAD_RWLOCK_INITIALIZER;

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

void ptrd_log_reopen(void)
{
    if (!log_path)
        return;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        ptrd_log_msg("cannot reopen log %s: %s", log_path, strerror(errno));
        return;
    }
    pthread_rwlock_wrlock(&log_lock);
    int old = log_fd;
    log_fd = fd;
    pthread_rwlock_unlock(&log_lock);
    if (old > 2)
        close(old);
}

static void write_line(const char *line, size_t len)
{
    pthread_rwlock_rdlock(&log_lock);
    ssize_t r = write(log_fd, line, len);
    pthread_rwlock_unlock(&log_lock);
    (void)r; /* a full disk must not fail the request being logged */
}

static void stamp(char *buf, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
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
    int n = snprintf(line, sizeof line, "%s %s \"%s %s\" %u %zu %.3fms project=%s\n", t, client,
                     method, safe, http, bytes, seconds * 1e3, project);
    if (n > 0)
        write_line(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
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
