/*
 * The HTTP layer's own limit, for bench/ptrd/run.sh: libmicrohttpd with
 * ptrd's settings (internal epoll thread pool, ITC, turbo, the same
 * connection limit and timeout) answering every request with one fixed JSON
 * body the size of a record, and nothing else.
 *   ptrd_bare PORT THREADS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static const char body[] =
    "{\"id\":\"eu-de:aaaaaaaa-0000-4000-8000-000000000001\",\"ptrdname\":\"bench.example.com.\","
    "\"ptrdnames\":[\"bench.example.com.\"],\"description\":\"\",\"ttl\":300,"
    "\"address\":\"203.0.113.1\",\"status\":\"ACTIVE\",\"action\":\"NONE\",\"tags\":[],"
    "\"links\":{\"self\":\"http://127.0.0.1/v2/reverse/floatingips/"
    "eu-de:aaaaaaaa-0000-4000-8000-000000000001\"}}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload;
    if (!*con_cls) { /* the first call has only the headers */
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ptrd_bare PORT THREADS\n");
        return 2;
    }
    unsigned port = (unsigned)atoi(argv[1]), threads = (unsigned)atoi(argv[2]);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO,
        (uint16_t)port, NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        256u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ptrd_bare: cannot listen on %u\n", port);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
