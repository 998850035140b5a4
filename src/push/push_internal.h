/*
 * libptr-push's internals: the parsed configuration, one UPDATE message
 * being built, and the TCP exchange. Only the public libptr API is used
 * from the core (tests/abi/check_layers.sh: an adapter reaches no internals).
 */
#ifndef PTR_PUSH_INTERNAL_H
#define PTR_PUSH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libknot/libknot.h>

#include <libptr/push.h>

/* "[ffff:...]:65535" and a NUL: room for any server text of a configuration. */
#define PUSH_SERVER_TEXT 64
/* A reverse zone in text, NUL included (an ip6.arpa zone of 124 bits at most). */
#define PUSH_ZONE_TEXT 80

/* One line of the configuration: a prefix, its server and its key. */
typedef struct push_route {
    ptr_addr prefix;
    unsigned prefix_len;
    unsigned line;             /* where it was written (1-based) */
    size_t server;             /* index into ptr_push_config.servers */
    knot_tsig_key_t key;       /* the secret lives here, nowhere else */
    char zone[PUSH_ZONE_TEXT]; /* the prefix cut to an octet or nibble, "113.0.203.in-addr.arpa." */
    knot_dname_t *zone_dname;
} push_route;

/* A server, once per address and port however many lines name it. */
typedef struct push_server {
    struct sockaddr_storage sa;
    socklen_t sa_len;
    char text[PUSH_SERVER_TEXT]; /* as written: "127.0.0.1:5300", "[::1]:5300" */
} push_server;

struct ptr_push_config {
    push_route *routes;
    size_t n_routes;
    push_server *servers;
    size_t n_servers;
};

/* push_config.c: the route of the longest prefix that holds a, or NULL. */
const push_route *push_route_find(const ptr_push_config *cfg, const ptr_addr *a);

/* push_wire.c: the messages. */
typedef struct push_msg {
    knot_pkt_t *pkt;
    const push_route *route;
    size_t limit; /* max_message */
    uint16_t id;
    uint8_t mac[64]; /* the request's TSIG MAC, which the answer's MAC covers */
    size_t mac_len;
} push_msg;

/* One change as the message needs it: the reverse name and the names in wire form. */
typedef struct push_change_wire {
    const ptr_addr *addr;
    const char *names; /* name_count NUL-terminated names, one after the other */
    size_t name_count;
    uint32_t ttl;
} push_change_wire;

/* Start an UPDATE of route's zone; PTR_E_NOMEM or PTR_OK. */
ptr_status push_msg_begin(push_msg *m, const push_route *route, size_t limit);
/*
 * Add one change (delete the PTR RRset of its name, then add its names).
 * PTR_OK; PTR_E_BUFFER when it does not fit (the message is unchanged);
 * PTR_E_NAME when a name cannot be put in wire form.
 */
ptr_status push_msg_add(push_msg *m, const push_change_wire *c);
/* Sign with the route's key: the wire in m->pkt->wire, m->pkt->size. */
ptr_status push_msg_sign(push_msg *m);
void push_msg_free(push_msg *m);

/* What the server said. */
typedef enum push_answer_kind {
    PUSH_ANSWER_CONFIRMED, /* NOERROR with a TSIG MAC that checks */
    PUSH_ANSWER_REFUSED,   /* an error RCODE (or TSIG error): reason names it */
    PUSH_ANSWER_UNVERIFIED /* NOERROR without a good TSIG, or not an answer to our message */
} push_answer_kind;

/* Read the answer to m from wire[0..len); the reason into buf (without the server). */
push_answer_kind push_msg_answer(const push_msg *m, uint8_t *wire, size_t len, char *reason,
                                 size_t cap);

/* push_net.c: the TCP exchange (RFC 1035 4.2.2, RFC 7766). */
typedef struct push_conn {
    int fd; /* -1 when closed */
} push_conn;

/*
 * Send wire[0..len) on conn, connecting first when it is closed, within
 * timeout_ms. 0, or -1 with the reason in buf ("connect: Connection
 * refused"); the connection is closed on failure.
 */
int push_send(push_conn *conn, const push_server *srv, const uint8_t *wire, size_t len,
              unsigned timeout_ms, char *reason, size_t cap);
/*
 * Read one answer into *out (malloc'd, *out_len bytes) within timeout_ms.
 * 0, or -1 with the reason ("no answer: timed out"); closed on failure.
 */
int push_recv(push_conn *conn, unsigned timeout_ms, uint8_t **out, size_t *out_len, char *reason,
              size_t cap);
void push_conn_close(push_conn *conn);

/* Milliseconds of a monotonic clock. */
uint64_t push_now_ms(void);

#endif /* PTR_PUSH_INTERNAL_H */
