/*
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message with a two-byte
 * length in front. TCP because an UPDATE of many records does not fit a UDP
 * datagram, and one connection carries every message of a sync to a
 * server, several in flight at once (RFC 7766 §6.2.1.1 pipelining: the
 * answers are matched by message ID, in whatever order they come). Every
 * step waits with poll() against a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "push_internal.h"

uint64_t push_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void push_conn_close(push_conn *conn)
{
    if (conn->fd >= 0)
        close(conn->fd);
    conn->fd = -1;
}

/* Wait for events on fd until deadline: 1 ready, 0 timed out, -1 failed (errno). */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        const uint64_t now = push_now_ms();
        if (now >= deadline)
            return 0;
        struct pollfd p = {fd, events, 0};
        const int n = poll(&p, 1, (int)(deadline - now));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        return 1;
    }
}

static int fail(push_conn *conn, char *reason, size_t cap, const char *what, int e)
{
    if (e)
        snprintf(reason, cap, "%s: %s", what, strerror(e));
    else
        snprintf(reason, cap, "%s", what);
    push_conn_close(conn);
    return -1;
}

/*
 * A TCP connection to a local port on which nothing listens can connect to
 * itself, when the kernel picks that very port as the source (a "self
 * connect"): the pusher would then read its own UPDATE back as the answer.
 * Such a connection is refused here, as the server being down.
 */
static int is_self_connected(int fd)
{
    struct sockaddr_storage a, b;
    socklen_t al = sizeof a, bl = sizeof b;
    if (getsockname(fd, (struct sockaddr *)&a, &al) != 0 ||
        getpeername(fd, (struct sockaddr *)&b, &bl) != 0)
        return 0;
    return al == bl && memcmp(&a, &b, al) == 0;
}

static int connected(push_conn *conn, char *reason, size_t cap)
{
    if (is_self_connected(conn->fd))
        return fail(conn, reason, cap, "connect", ECONNREFUSED);
    return 0;
}

static int connect_to(push_conn *conn, const push_server *srv, uint64_t deadline, char *reason,
                      size_t cap)
{
    conn->fd = socket(srv->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (conn->fd < 0)
        return fail(conn, reason, cap, "socket", errno);
    const int one = 1;
    setsockopt(conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(conn->fd, (const struct sockaddr *)&srv->sa, srv->sa_len) == 0)
        return connected(conn, reason, cap);
    if (errno != EINPROGRESS)
        return fail(conn, reason, cap, "connect", errno);
    const int w = wait_fd(conn->fd, POLLOUT, deadline);
    if (w == 0)
        return fail(conn, reason, cap, "connect: timed out", 0);
    int e = 0;
    socklen_t elen = sizeof e;
    if (w < 0 || getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
        return fail(conn, reason, cap, "connect", errno);
    if (e)
        return fail(conn, reason, cap, "connect", e);
    return connected(conn, reason, cap);
}

static int send_all(push_conn *conn, const uint8_t *buf, size_t len, uint64_t deadline,
                    char *reason, size_t cap)
{
    size_t done = 0;
    while (done < len) {
        const ssize_t n = send(conn->fd, buf + done, len - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const int w = wait_fd(conn->fd, POLLOUT, deadline);
            if (w > 0)
                continue;
            return fail(conn, reason, cap, w == 0 ? "send: timed out" : "send", w ? errno : 0);
        }
        return fail(conn, reason, cap, "send", errno);
    }
    return 0;
}

static int recv_all(push_conn *conn, uint8_t *buf, size_t len, uint64_t deadline, char *reason,
                    size_t cap)
{
    size_t done = 0;
    while (done < len) {
        const ssize_t n = recv(conn->fd, buf + done, len - done, 0);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n == 0)
            return fail(conn, reason, cap, "the server closed the connection", 0);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            const int w = wait_fd(conn->fd, POLLIN, deadline);
            if (w > 0)
                continue;
            return fail(conn, reason, cap, w == 0 ? "no answer: timed out" : "recv", w ? errno : 0);
        }
        return fail(conn, reason, cap, "recv", errno);
    }
    return 0;
}

int push_send(push_conn *conn, const push_server *srv, const uint8_t *wire, size_t len,
              unsigned timeout_ms, char *reason, size_t cap)
{
    const uint64_t deadline = push_now_ms() + timeout_ms;
    if (len > UINT16_MAX)
        return fail(conn, reason, cap, "message too large", 0);
    if (conn->fd < 0 && connect_to(conn, srv, deadline, reason, cap) != 0)
        return -1;
    const uint8_t head[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    if (send_all(conn, head, 2, deadline, reason, cap) != 0 ||
        send_all(conn, wire, len, deadline, reason, cap) != 0)
        return -1;
    return 0;
}

int push_recv(push_conn *conn, unsigned timeout_ms, uint8_t **out, size_t *out_len, char *reason,
              size_t cap)
{
    const uint64_t deadline = push_now_ms() + timeout_ms;
    *out = NULL;
    *out_len = 0;
    if (conn->fd < 0)
        return fail(conn, reason, cap, "not connected", 0);
    uint8_t head[2];
    if (recv_all(conn, head, 2, deadline, reason, cap) != 0)
        return -1;
    const size_t alen = (size_t)head[0] << 8 | head[1];
    uint8_t *buf = malloc(alen ? alen : 1);
    if (!buf)
        return fail(conn, reason, cap, "out of memory", 0);
    if (recv_all(conn, buf, alen, deadline, reason, cap) != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = alen;
    return 0;
}
