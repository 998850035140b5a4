/* The HTTP layer's entry point (http.c), apart so that only it and main.c see libmicrohttpd. */
#ifndef PTRD_HTTP_H
#define PTRD_HTTP_H

#include <sys/socket.h>

#include <microhttpd.h>

#include "ptrd.h"

typedef struct ptrd_http_limits {
    unsigned threads;         /* the thread pool */
    unsigned max_connections; /* beyond: new connections are closed at once */
    unsigned idle_timeout;    /* seconds without a byte before a connection is closed */
    size_t header_bytes;      /* per-connection memory for the request line and headers */
} ptrd_http_limits;

struct MHD_Daemon *ptrd_http_start(const struct sockaddr *sa, const ptrd_http_limits *lim);

#endif /* PTRD_HTTP_H */
