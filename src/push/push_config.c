/*
 * The configuration: lines of `PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET`
 * (docs/push.md), read from a file only its owner may read and write, and
 * the longest-prefix lookup that routes an address to its server and key.
 *
 * No message quotes a field's text: a secret written in the wrong column
 * would otherwise be printed. Messages name the line, the field and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "push_internal.h"

/* A configuration file is a few lines per zone; more than this is not one. */
#define PUSH_CONFIG_MAX_BYTES (1u << 20)

static ptr_status fail(ptr_error *err, ptr_status st, unsigned line, size_t column, const char *fmt,
                       ...)
{
    if (!err)
        return st;
    ptr_error_clear(err);
    err->status = st;
    err->field = PTR_FIELD_NONE;
    err->index = line;
    err->offset = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

/* The algorithms of RFC 8945 §6 that knot signs with (hmac-sha256 is the one to use). */
static const char *const ALGORITHMS[] = {"hmac-md5",    "hmac-sha1",   "hmac-sha224",
                                         "hmac-sha256", "hmac-sha384", "hmac-sha512"};

static int algorithm_known(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof ALGORITHMS / sizeof ALGORITHMS[0]; i++)
        if (strlen(ALGORITHMS[i]) == len && strncasecmp(ALGORITHMS[i], s, len) == 0)
            return 1;
    return 0;
}

/* "203.0.113.1:53" or "[2001:db8::1]:53" into srv; 0, or -1 with the reason. */
static int server_parse(const char *s, size_t len, push_server *srv, const char **why)
{
    const char *host = s, *colon;
    size_t host_len;
    if (len && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close || close + 1 >= s + len || close[1] != ':') {
            *why = "an IPv6 server is written [ADDRESS]:PORT";
            return -1;
        }
        host = s + 1;
        host_len = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = memchr(s, ':', len);
        if (!colon || memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
            *why = "expected ADDRESS:PORT (an IPv6 address in brackets)";
            return -1;
        }
        host_len = (size_t)(colon - s);
    }
    const char *port_s = colon + 1;
    const size_t port_len = len - (size_t)(port_s - s);
    unsigned long port = 0;
    for (size_t i = 0; i < port_len; i++) {
        if (port_s[i] < '0' || port_s[i] > '9' || port > 65535) {
            port = 0;
            break;
        }
        port = port * 10 + (unsigned long)(port_s[i] - '0');
    }
    if (port_len == 0 || port_len > 5 || port == 0 || port > 65535 || port_s[0] == '0') {
        *why = "the port must be a number from 1 to 65535";
        return -1;
    }
    char buf[INET6_ADDRSTRLEN];
    if (host_len == 0 || host_len >= sizeof buf) {
        *why = "the server must be a numeric IPv4 or IPv6 address";
        return -1;
    }
    memcpy(buf, host, host_len);
    buf[host_len] = '\0';
    memset(srv, 0, sizeof *srv);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&srv->sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&srv->sa;
    if (s[0] != '[' && inet_pton(AF_INET, buf, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        srv->sa_len = sizeof *v4;
    } else if (s[0] == '[' && inet_pton(AF_INET6, buf, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        srv->sa_len = sizeof *v6;
    } else {
        *why = "the server must be a numeric IPv4 address, or an IPv6 address in brackets";
        return -1;
    }
    if (len >= sizeof srv->text) {
        *why = "too long";
        return -1;
    }
    memcpy(srv->text, s, len);
    srv->text[len] = '\0';
    return 0;
}

static int same_server(const push_server *a, const push_server *b)
{
    return a->sa_len == b->sa_len && memcmp(&a->sa, &b->sa, a->sa_len) == 0;
}

const push_route *push_route_find(const ptr_push_config *cfg, const ptr_addr *a)
{
    const push_route *best = NULL;
    for (size_t i = 0; i < cfg->n_routes; i++) {
        const push_route *r = &cfg->routes[i];
        if ((!best || r->prefix_len > best->prefix_len) &&
            ptr_addr_in_prefix(&r->prefix, r->prefix_len, a))
            best = r;
    }
    return best;
}

void ptr_push_config_free(ptr_push_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_routes; i++) {
        knot_tsig_key_deinit(&cfg->routes[i].key);
        knot_dname_free(cfg->routes[i].zone_dname, NULL);
    }
    free(cfg->routes);
    free(cfg->servers);
    free(cfg);
}

size_t ptr_push_config_count(const ptr_push_config *cfg)
{
    return cfg ? cfg->n_routes : 0;
}

/* A field of a line: its text and its column. */
typedef struct field {
    const char *s;
    size_t len, column;
} field;

/* The key triple into r->key. 0, or -1 with the reason (which never quotes the text). */
static int key_parse(const field *f, push_route *r, const char **why)
{
    const char *c1 = memchr(f->s, ':', f->len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', f->len - (size_t)(c1 + 1 - f->s)) : NULL;
    if (!c1 || !c2) {
        *why = "expected ALGORITHM:KEYNAME:SECRET";
        return -1;
    }
    const size_t alg_len = (size_t)(c1 - f->s), name_len = (size_t)(c2 - c1 - 1);
    const size_t secret_len = f->len - (size_t)(c2 + 1 - f->s);
    if (!algorithm_known(f->s, alg_len)) {
        *why = "unknown algorithm (hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, "
               "hmac-sha1 or hmac-md5)";
        return -1;
    }
    char alg[16], name[256];
    memcpy(alg, f->s, alg_len);
    alg[alg_len] = '\0';
    uint8_t wire[KNOT_DNAME_MAXLEN];
    if (name_len == 0 || name_len >= sizeof name) {
        *why = "the key name must be a domain name";
        return -1;
    }
    memcpy(name, c1 + 1, name_len);
    name[name_len] = '\0';
    if (!knot_dname_from_str(wire, name, sizeof wire)) {
        *why = "the key name must be a domain name";
        return -1;
    }
    if (secret_len == 0) {
        *why = "the secret is empty";
        return -1;
    }
    char *secret = malloc(secret_len + 1);
    if (!secret) {
        *why = NULL;
        return -1;
    }
    memcpy(secret, c2 + 1, secret_len);
    secret[secret_len] = '\0';
    const int rc = knot_tsig_key_init(&r->key, alg, name, secret);
    explicit_bzero(secret, secret_len);
    free(secret);
    if (rc != KNOT_EOK) {
        *why = rc == KNOT_ENOMEM ? NULL : "the secret is not valid Base64";
        return -1;
    }
    return 0;
}

/* One line's fields: 0 (blank), 3, or another count (an error). */
static size_t split(const char *s, size_t len, field *out, size_t cap)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i == len || s[i] == '#')
            break;
        const size_t start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '#')
            i++;
        if (n < cap)
            out[n] = (field){s + start, i - start, start};
        n++;
    }
    return n;
}

static ptr_status parse_line(ptr_push_config *cfg, const char *s, size_t len, unsigned line,
                             ptr_error *err)
{
    field f[3];
    const size_t n = split(s, len, f, 3);
    if (n == 0)
        return PTR_OK;
    if (memchr(s, '\0', len))
        return fail(err, PTR_E_INVAL, line, 0, "line %u: a NUL byte", line);
    if (n != 3)
        return fail(err, PTR_E_INVAL, line, 0,
                    "line %u: %zu fields, expected PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET",
                    line, n);
    push_route r;
    memset(&r, 0, sizeof r);
    r.line = line;
    if (ptr_prefix_parse(f[0].s, f[0].len, &r.prefix, &r.prefix_len) != PTR_OK)
        return fail(err, PTR_E_INVAL, line, f[0].column,
                    "line %u: prefix: not ADDRESS/LENGTH with the host bits zero", line);
    for (size_t i = 0; i < cfg->n_routes; i++)
        if (cfg->routes[i].prefix_len == r.prefix_len &&
            ptr_addr_equal(&cfg->routes[i].prefix, &r.prefix))
            return fail(err, PTR_E_INVAL, line, f[0].column,
                        "line %u: prefix: the same prefix as line %u", line, cfg->routes[i].line);
    const unsigned cut =
        r.prefix.family == 4 ? r.prefix_len - r.prefix_len % 8 : r.prefix_len - r.prefix_len % 4;
    size_t zlen;
    if (ptr_revzone(&r.prefix, cut, PTR_FQDN, r.zone, sizeof r.zone, &zlen) != PTR_OK ||
        !(r.zone_dname = knot_dname_from_str_alloc(r.zone)))
        return fail(err, PTR_E_NOMEM, line, f[0].column, "out of memory");
    push_server srv;
    const char *why = NULL;
    if (server_parse(f[1].s, f[1].len, &srv, &why) != 0) {
        knot_dname_free(r.zone_dname, NULL);
        return fail(err, PTR_E_INVAL, line, f[1].column, "line %u: server: %s", line, why);
    }
    if (key_parse(&f[2], &r, &why) != 0) {
        knot_dname_free(r.zone_dname, NULL);
        if (!why)
            return fail(err, PTR_E_NOMEM, line, f[2].column, "out of memory");
        return fail(err, PTR_E_INVAL, line, f[2].column, "line %u: key: %s", line, why);
    }
    size_t si = 0;
    while (si < cfg->n_servers && !same_server(&cfg->servers[si], &srv))
        si++;
    if (si == cfg->n_servers) {
        push_server *g = realloc(cfg->servers, (cfg->n_servers + 1) * sizeof *g);
        if (!g)
            goto nomem;
        cfg->servers = g;
        cfg->servers[cfg->n_servers++] = srv;
    }
    r.server = si;
    push_route *g = realloc(cfg->routes, (cfg->n_routes + 1) * sizeof *g);
    if (!g)
        goto nomem;
    cfg->routes = g;
    cfg->routes[cfg->n_routes++] = r;
    return PTR_OK;
nomem:
    knot_tsig_key_deinit(&r.key);
    knot_dname_free(r.zone_dname, NULL);
    return fail(err, PTR_E_NOMEM, line, 0, "out of memory");
}

ptr_status ptr_push_config_parse(const char *text, size_t len, ptr_push_config **out,
                                 ptr_error *err)
{
    if (!out || (!text && len))
        return fail(err, PTR_E_INVAL, 0, 0, "text or result missing");
    *out = NULL;
    ptr_push_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return fail(err, PTR_E_NOMEM, 0, 0, "out of memory");
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        const size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        const ptr_status st = parse_line(cfg, text + pos, end - pos, line, err);
        if (st != PTR_OK) {
            ptr_push_config_free(cfg);
            return st;
        }
        pos = end + 1;
    }
    if (cfg->n_routes == 0) {
        ptr_push_config_free(cfg);
        return fail(err, PTR_E_INVAL, 0, 0,
                    "no line of PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET");
    }
    if (err)
        ptr_error_clear(err);
    *out = cfg;
    return PTR_OK;
}

ptr_status ptr_push_config_load(const char *path, ptr_push_config **out, ptr_error *err)
{
    if (!path || !out)
        return fail(err, PTR_E_INVAL, 0, 0, "path or result missing");
    *out = NULL;
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fail(err, PTR_E_STORE, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        const int e = errno;
        close(fd);
        return fail(err, PTR_E_STORE, 0, 0, "cannot read '%s': %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return fail(err, PTR_E_STORE, 0, 0, "'%s' is not a regular file", path);
    }
    /* It holds secrets: nobody but its owner may read it, nor change which servers get them. */
    if (sb.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
        close(fd);
        return fail(err, PTR_E_FORBIDDEN, 0, 0,
                    "'%s' has mode %04o: others than its owner may read or write it; it "
                    "holds TSIG secrets (chmod 600)",
                    path, (unsigned)(sb.st_mode & 07777));
    }
    if (sb.st_size > (off_t)PUSH_CONFIG_MAX_BYTES) {
        close(fd);
        return fail(err, PTR_E_INVAL, 0, 0, "'%s' is larger than %u bytes", path,
                    PUSH_CONFIG_MAX_BYTES);
    }
    const size_t cap = (size_t)sb.st_size + 1;
    char *text = malloc(cap);
    if (!text) {
        close(fd);
        return fail(err, PTR_E_NOMEM, 0, 0, "out of memory");
    }
    size_t len = 0;
    for (;;) {
        const ssize_t n = read(fd, text + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            free(text);
            close(fd);
            return fail(err, PTR_E_STORE, 0, 0, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) { /* grew since fstat: refuse rather than read half */
            free(text);
            close(fd);
            return fail(err, PTR_E_STORE, 0, 0, "'%s' changed while being read", path);
        }
    }
    close(fd);
    const ptr_status st = ptr_push_config_parse(text, len, out, err);
    explicit_bzero(text, len); /* the secrets, out of the heap */
    free(text);
    return st;
}
