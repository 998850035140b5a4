/*
 * ptrd: the cloud's "PTR records for EIPs" REST API as an HTTP service over
 * libptr. One header for the program's parts: options (main.c), the token
 * and EIP files (config.c), the HTTP layer (http.c), the routes (routes.c),
 * the JSON form of records and errors (json_map.c), metrics (metrics.c) and
 * the access log (accesslog.c).
 */
#ifndef PTRD_H
#define PTRD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libptr/libptr.h>
#include <libptr/sqlite.h>

#define PTRD_BODY_MAX (64u * 1024u) /* the request body limit */
#define PTRD_SHA256_LEN 32
#define PTRD_ID_MAX 64 /* scope texts: 1..64 bytes (libptr/service.h) */
#define PTRD_REGION_MAX 100 /* Designate's key regex allows 1..100 */

/* ---- config.c: the token file and the EIP inventory -------------------- */

typedef struct ptrd_token {
    unsigned char digest[PTRD_SHA256_LEN]; /* SHA-256 of the token */
    char project[PTRD_ID_MAX + 1];
    char owner[PTRD_ID_MAX + 1];
} ptrd_token;

typedef struct ptrd_eip {
    char region[PTRD_REGION_MAX + 1];
    char fip[37];                    /* lower-case UUID */
    char address[PTR_ADDR_STRLEN];   /* canonical text (ptr_addr_format) */
    char project[PTRD_ID_MAX + 1];
} ptrd_eip;

/* Both files as one immutable snapshot; reload swaps the snapshot, requests
 * keep the one they started with (reference counted). */
typedef struct ptrd_config {
    atomic_uint refs;
    uint64_t generation; /* one number per snapshot loaded, never reused */
    ptrd_token *tokens;
    size_t ntokens;
    ptrd_eip *eips;          /* sorted by fip */
    const ptrd_eip **by_addr; /* the same, sorted by region then address */
    size_t neips;
} ptrd_config;

/* Load both files; on failure *msg names the file, line and reason. */
ptrd_config *ptrd_config_load(const char *tokens_path, const char *eips_path, char *msg,
                              size_t cap);
void ptrd_config_release(ptrd_config *c);
/* The current snapshot (one more reference), and replacing it. */
ptrd_config *ptrd_config_acquire(void);
void ptrd_config_install(ptrd_config *c);

void ptrd_sha256(const void *data, size_t len, unsigned char out[PTRD_SHA256_LEN]);
/* The token's entry, compared in constant time against every entry; NULL if none. */
const ptrd_token *ptrd_token_find(const ptrd_config *c, const char *token, size_t len);
const ptrd_eip *ptrd_eip_by_fip(const ptrd_config *c, const char *fip, size_t len);
const ptrd_eip *ptrd_eip_by_addr(const ptrd_config *c, const char *region, const char *addr);
int ptrd_is_uuid(const char *s, size_t len);
int ptrd_is_region(const char *s, size_t len);

/* ---- the server's state (main.c) ---------------------------------------- */

typedef struct ptrd_server {
    /* One store (one database connection) and context per pool thread:
     * SQLite's store serializes the transactions of one connection, so
     * separate connections let reads run in parallel (WAL). */
    ptr_store **stores;
    ptr_ctx **ctxs;
    unsigned nconn;   /* readers' connections; stores[nconn] is the writers' */
    unsigned nstores; /* nconn + 1, and one more for the --push thread */
    atomic_uint next_conn;
    ptr_policy policy;
    const char *default_name; /* the template; NULL: libptr's */
    const char *region;       /* the region lists cover when the query names none */
    atomic_long inflight;     /* requests begun and not yet completed */
} ptrd_server;

extern ptrd_server ptrd;

/* This thread's context and store for reads (a thread keeps the ones it
 * first got), and the one context every write goes through: writers on
 * separate SQLite connections would wait for each other in SQLite's busy
 * handler, which sleeps; one connection's mutex hands over at once. */
ptr_ctx *ptrd_ctx(void);
ptr_ctx *ptrd_wctx(void);
ptr_store *ptrd_store(void);

/* ---- json_map.c: records and errors as the cloud's JSON ------------------ */

typedef struct ptrd_reply {
    unsigned http;   /* HTTP status */
    json_t *body;    /* owned; NULL: empty body */
    char *text;      /* instead of body: the JSON text already, malloc'ed, owned */
    size_t text_len;
    const char *allow; /* for 405: the Allow header */
} ptrd_reply;

/* JSON as compact text (malloc'ed, *len its length), or NULL. */
char *ptrd_json_text(const json_t *body, size_t *len);

/* A record as the cloud shows it; id is "region:fip", base the URL prefix. */
json_t *ptrd_record_json(const ptr_record *r, const ptrd_eip *eip, const char *base, int v21);
/* The record an EIP without one answers with: its default name. */
json_t *ptrd_default_json(const ptrd_eip *eip, const char *base);
/* An error: the cloud's code and message, libptr's status and field on top. */
void ptrd_reply_error(ptrd_reply *rep, ptr_status st, const char *field, long index,
                      const char *detail);
/* The same from a failed libptr call. */
void ptrd_reply_ptr_error(ptrd_reply *rep, ptr_status st, const ptr_error *err);
/* An error whose HTTP status and cloud code are ptrd's own (401, 404 route, 405, 413). */
void ptrd_reply_http_error(ptrd_reply *rep, unsigned http, const char *code, const char *message,
                           const char *field, const char *detail);
unsigned ptrd_http_status(ptr_status st);

/* ---- routes.c ------------------------------------------------------------ */

enum ptrd_route {
    ROUTE_FIP_SET,
    ROUTE_FIP_SHOW,
    ROUTE_FIP_LIST,
    ROUTE_PTR_CREATE,
    ROUTE_PTR_SHOW,
    ROUTE_PTR_UPDATE,
    ROUTE_PTR_DELETE,
    ROUTE_BATCH_DELETE,
    ROUTE_HEALTHZ,
    ROUTE_METRICS,
    ROUTE_OTHER,
    ROUTE_COUNT
};

/* What a route handler sees of the request. */
typedef struct ptrd_call {
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    const char *token; /* X-Auth-Token or NULL */
    const char *base;  /* "http://host" for links */
    /* query arguments by name, NULL when absent */
    const char *(*query)(void *user, const char *name);
    void *query_user;
    char project[PTRD_ID_MAX + 1]; /* set once authenticated, for the log */
} ptrd_call;

/* The route a method and path go to (for metrics too). */
enum ptrd_route ptrd_route_of(const char *method, const char *path);
const char *ptrd_route_name(enum ptrd_route r);
void ptrd_dispatch(ptrd_call *call, enum ptrd_route route, ptrd_reply *rep);

/* ---- show_cache.c: repeated GETs answered from this thread's copy ------- */

/* What a GET's answer depends on besides the database. */
typedef struct ptrd_show_key {
    uint64_t generation; /* of the configuration snapshot */
    const ptrd_token *tok;
    const ptrd_eip *eip;
    int v21;          /* the v2.1 shape */
    const char *base; /* the links' base URL */
} ptrd_show_key;

/* Up to `entries` answers per thread (rounded up to a power of two); 0: off. */
void ptrd_show_cache_init(unsigned entries);
int ptrd_show_cache_on(void);
/* Fill rep with k's kept answer when it was read at stamp `now`; 1 if so. */
int ptrd_show_cache_find(const ptrd_show_key *k, const ptr_sqlite_stamp *now, ptrd_reply *rep);
/* Keep an answer read after the database had stamp `before`. */
void ptrd_show_cache_keep(const ptrd_show_key *k, const ptr_sqlite_stamp *before, unsigned http,
                          const char *text, size_t len);

/* ---- metrics.c ----------------------------------------------------------- */

void ptrd_metrics_request(enum ptrd_route route, unsigned http, double seconds);
void ptrd_metrics_store_error(ptr_status st);
/* A GET that could be kept: answered from a kept copy (hit) or read. */
void ptrd_metrics_show_cache(int hit);
/* The Prometheus text; malloc'ed, *len its length. */
char *ptrd_metrics_text(size_t *len);

/* ---- sync.c: live DNS (--push) ------------------------------------------- */

/* Load the push file and start the thread that syncs with ctx (its own);
 * -1 with *msg naming the file, line and reason. */
int ptrd_sync_start(const char *path, ptr_ctx *ctx, char *msg, size_t cap);
void ptrd_sync_reload(void); /* SIGHUP: the push file again (kept on error) */
void ptrd_sync_kick(void);   /* a write happened: sync now rather than within a second */
void ptrd_sync_stop(void);   /* after the current round */
/* Its Prometheus lines into buf; the length, 0 when live DNS is off. */
int ptrd_sync_metrics(char *buf, size_t cap);

/* ---- accesslog.c --------------------------------------------------------- */

int ptrd_log_open(const char *path); /* NULL: stderr; 0 or -1 with errno */
void ptrd_log_reopen(void);
/* Writes the buffered access-log lines; the main loop calls it every second. */
void ptrd_log_flush(void);
void ptrd_log_access(const char *client, const char *method, const char *path, unsigned http,
                     size_t bytes, double seconds, const char *project);
void ptrd_log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PTRD_H */
