/*
 * Forward confirmation through the system resolver (forward_confirm = true):
 * the addresses a name has, as getaddrinfo finds them (/etc/hosts, DNS, ...
 * per nsswitch.conf), each lookup bounded by forward_timeout seconds.
 * glibc's getaddrinfo_a runs the lookup on a helper thread, so a resolver
 * that never answers cannot hold ptrctl (or, inside an import, the database's
 * write transaction) longer than the timeout.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ptrctl.h"

/* One lookup of name; *found is 0 when the resolver says the name has no address. */
static ptr_status lookup(const ptrctl *c, const char *name, size_t name_len, ptr_addr *out,
                         size_t cap, size_t *count, int *found)
{
    *count = 0;
    *found = 0;
    /* Freed only once the lookup is over: a lookup that cannot be cancelled still writes it. */
    struct lookup {
        struct gaicb cb;
        struct addrinfo hints;
        char name[PTR_NAME_BUFSZ + 1];
    } *l = calloc(1, sizeof *l);
    if (!l)
        return PTR_E_NOMEM;
    if (name_len >= sizeof l->name) {
        free(l);
        return PTR_E_INVAL;
    }
    memcpy(l->name, name, name_len);
    l->hints.ai_family = AF_UNSPEC;
    l->hints.ai_socktype = SOCK_STREAM; /* one entry per address, not one per socket type */
    l->cb.ar_name = l->name;
    l->cb.ar_request = &l->hints;
    struct gaicb *list[1] = {&l->cb};
    if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) != 0) {
        free(l);
        return PTR_E_BUSY;
    }
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)c->forward_timeout;
    int rc;
    while ((rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
        struct timespec now, left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = until.tv_sec - now.tv_sec;
        left.tv_nsec = until.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
            left.tv_nsec += 1000000000L;
            left.tv_sec--;
        }
        if (left.tv_sec < 0)
            break;
        const struct gaicb *wait[1] = {&l->cb};
        gai_suspend(wait, 1, &left);
    }
    if (rc == EAI_INPROGRESS) {
        fprintf(stderr, "ptrctl: the forward lookup of %s took more than %u s\n", l->name,
                (unsigned)c->forward_timeout);
        if (gai_cancel(&l->cb) == EAI_CANCELED)
            free(l);
        /* else the helper thread still owns l: left to the end of the process */
        return PTR_E_BUSY;
    }
    ptr_status st = PTR_OK;
    if (rc == 0) {
        *found = 1;
        for (const struct addrinfo *a = l->cb.ar_result; a; a = a->ai_next) {
            ptr_addr x;
            memset(&x, 0, sizeof x);
            if (a->ai_family == AF_INET) {
                x.family = 4;
                memcpy(x.bytes, &((const struct sockaddr_in *)(const void *)a->ai_addr)->sin_addr,
                       4);
            } else if (a->ai_family == AF_INET6) {
                x.family = 6;
                memcpy(x.bytes, &((const struct sockaddr_in6 *)(const void *)a->ai_addr)->sin6_addr,
                       16);
            } else {
                continue;
            }
            if (*count < cap)
                out[*count] = x;
            (*count)++;
        }
        freeaddrinfo(l->cb.ar_result);
    } else if (rc != EAI_NONAME && rc != EAI_NODATA) {
        /* The resolver failed (no answer, no network): not "the name has no address". */
        fprintf(stderr, "ptrctl: the forward lookup of %s failed: %s\n", l->name, gai_strerror(rc));
        st = PTR_E_BUSY;
    }
    free(l);
    return st;
}

/*
 * The library gives names in their normal form, absolute with the root's
 * dot ("mail.example.com."), which DNS takes as it is, with no search list.
 * glibc's files source (/etc/hosts) compares names as written there, without
 * the dot, and finds nothing: a name no source knows absolutely is looked up
 * once more without the dot. That lookup may go through the resolver's
 * search list only when the name has fewer dots than its ndots (1 unless
 * configured); a search-list hit must still have the record's address.
 */
ptr_status ptrctl_forward_lookup(void *user, const char *name, size_t name_len, ptr_addr *out,
                                 size_t cap, size_t *count)
{
    const ptrctl *c = user;
    int found = 0;
    ptr_status st = lookup(c, name, name_len, out, cap, count, &found);
    if (st == PTR_OK && !found && name_len > 1 && name[name_len - 1] == '.')
        st = lookup(c, name, name_len - 1, out, cap, count, &found);
    return st;
}
