/* list: one page of the project's records, with the console's filters and marker paging. */
#include <inttypes.h>
#include <string.h>

#include "ptrctl.h"

#define MAX_TAGS 64

int cmd_list(ptrctl *c, int argc, char **argv)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_tag tags[MAX_TAGS];
    size_t nt = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = cli_opt(c, argc, argv, &i, "--limit", &v)) > 0) {
            int rc = cli_count(c, "--limit", v, PTR_LIST_LIMIT_MAX, &q.limit);
            if (rc)
                return rc;
            if (q.limit == 0)
                return ptrctl_usage(c, "--limit is 1 to %d", PTR_LIST_LIMIT_MAX);
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--marker", &v)) > 0) {
            q.marker = (ptr_text){v, strlen(v)};
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--name", &v)) > 0) {
            q.name = (ptr_text){v, strlen(v)};
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--tag", &v)) > 0) {
            if (nt == MAX_TAGS)
                return ptrctl_usage(c, "more than %d --tag filters", MAX_TAGS);
            cli_tag(v, &tags[nt++]); /* KEY alone: any value */
        } else if (r == 0) {
            return argv[i][0] == '-' ? cli_unknown(c, argv[i])
                                     : ptrctl_usage(c, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
    }
    q.tags = tags;
    q.tag_count = nt;

    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_record_list *l = NULL;
    ptr_error err = {0};
    ptr_status st = ptr_ctx_list(c->ctx, &c->scope, &q, &l, &err);
    if (st != PTR_OK)
        return ptrctl_fail(c, st, &err);
    const size_t n = ptr_record_list_count(l);
    size_t mlen = 0;
    char marker[PTR_ADDR_STRLEN];
    ptr_record_list_next_marker(l, marker, sizeof marker, &mlen);
    if (c->json) {
        fputs("{\"ptrs\": [", stdout);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ",\n  " : "\n  ", stdout);
            record_json(stdout, ptr_record_list_at(l, i));
        }
        fprintf(stdout, "%s], \"metadata\": {\"total_count\": %" PRId64, n ? "\n" : "",
                ptr_record_list_total(l));
        if (mlen) {
            fputs(", \"next_marker\": ", stdout);
            json_string(stdout, marker, mlen);
        }
        fputs("}}\n", stdout);
    } else {
        printf("%-40s %-10s %s\n", "ADDRESS", "TTL", "PTRDNAMES");
        for (size_t i = 0; i < n; i++) {
            const ptr_record *r = ptr_record_list_at(l, i);
            char a[PTR_ADDR_STRLEN + 1];
            size_t len = 0;
            if (ptr_addr_format(ptr_record_address(r), a, sizeof a, &len) != PTR_OK)
                a[0] = '\0';
            printf("%-40s %-10" PRIu32 " ", a, ptr_record_ttl(r));
            for (size_t k = 0; k < ptr_record_name_count(r); k++)
                printf("%s%s", k ? "," : "", ptr_record_name(r, k, NULL));
            putchar('\n');
        }
        printf("%zu shown, %" PRId64 " in all", n, ptr_record_list_total(l));
        if (mlen)
            printf("; next page: --marker %.*s", (int)mlen, marker);
        putchar('\n');
    }
    ptr_record_list_free(l);
    return PTRCTL_EXIT_OK;
}
