/* A consumer of the installed SQLite store: a record through the service, in memory. */
#include <stdio.h>
#include <string.h>

#include <libptr/libptr.h>
#include <libptr/sqlite.h>

int main(void)
{
    ptr_store *s = NULL;
    ptr_error err;
    ptr_status st = ptr_sqlite_store_open(":memory:", 8, NULL, &s, &err);
    if (st != PTR_OK) {
        fprintf(stderr, "sqlite consumer: open: %s\n", err.message);
        return 1;
    }
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *ctx = NULL;
    if ((st = ptr_ctx_new(&cfg, &ctx, NULL)) == PTR_OK) {
        const ptr_scope scope = {{"eu-de", 5}, {"p1", 2}, {"o1", 2}};
        const ptr_text name = {"mail.example.com", 16};
        ptr_request req;
        ptr_request_init(&req);
        req.address = (ptr_text){"203.0.113.10", 12};
        req.names = &name;
        req.name_count = 1;
        st = ptr_ctx_create(ctx, &scope, &req, NULL, NULL);
    }
    uint64_t used = 0, limit = 0;
    if (st == PTR_OK)
        st = ptr_ctx_quota(ctx, "o1", 2, &used, &limit, NULL);
    ptr_ctx_free(ctx);
    ptr_store_free(s);
    if (st != PTR_OK || used != 1) {
        fprintf(stderr, "sqlite consumer: %s\n", ptr_status_name(st));
        return 1;
    }
    printf("libptr-sqlite schema %u: %llu of %llu records used\n",
           (unsigned)ptr_sqlite_schema_version(), (unsigned long long)used,
           (unsigned long long)limit);
    return 0;
}
