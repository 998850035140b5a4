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
    unsigned header_timeout;  /* seconds from accept (or the last reply) to a request's headers */
} ptrd_http_limits;

struct MHD_Daemon *ptrd_http_start(const struct sockaddr *sa, const ptrd_http_limits *lim);
/* Shut down the connections past the header deadline; how many. The main thread calls it. */
unsigned ptrd_http_reap(void);

#endif /* PTRD_HTTP_H */
