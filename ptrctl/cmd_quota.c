/* quota: how many records the owner has and may have (in the whole database). */
#include <inttypes.h>
#include <string.h>

#include "ptrctl.h"

int cmd_quota(ptrctl *c, int argc, char **argv)
{
    if (argc > 1)
        return ptrctl_usage(
            c, "unexpected argument '%s' (the owner is --owner, before the command)", argv[1]);
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    uint64_t used = 0, limit = 0;
    ptr_error err = {0};
    ptr_status st = ptr_ctx_quota(c->ctx, c->owner, strlen(c->owner), &used, &limit, &err);
    if (st != PTR_OK)
        return ptrctl_fail(c, st, &err);
    if (c->json) {
        fputs("{\"owner\": ", stdout);
        json_cstr(stdout, c->owner);
        printf(", \"used\": %" PRIu64 ", \"limit\": %" PRIu64 "}\n", used, limit);
    } else {
        printf("owner %s: %" PRIu64 " of %" PRIu64 " PTR records used\n", c->owner, used, limit);
    }
    return PTRCTL_EXIT_OK;
}
