/* list: one page of the project's records, with the console's filters and marker paging. */
#include <inttypes.h>
#include <string.h>

#include "ptrctl.h"

#define MAX_TAGS 64

/*
 * One table row: address, DNS status (PENDING_DELETE for a deleted record DNS
 * may still answer), TTL, owner, the names (comma-separated), the tags (k=v,...).
 */
static void list_row(const ptr_record *r)
{
    char a[PTR_ADDR_STRLEN + 1];
    size_t len = 0;
    if (ptr_addr_format(ptr_record_address(r), a, sizeof a, &len) != PTR_OK)
        a[0] = '\0';
    printf("%-39s %-14s %-10" PRIu32 " %-16s ", a, ptr_dns_status_name(ptr_record_dns_status(r)),
           ptr_record_ttl(r), ptr_record_owner(r, NULL));
    int w = 0;
    for (size_t k = 0; k < ptr_record_name_count(r); k++)
        w += printf("%s%s", k ? "," : "", ptr_record_name(r, k, NULL));
    printf("%*s", w < 40 ? 41 - w : 1, "");
    for (size_t k = 0; k < ptr_record_tag_count(r); k++) {
        ptr_tag t;
        if (ptr_record_tag(r, k, &t) == PTR_OK)
            printf("%s%.*s=%.*s", k ? "," : "", (int)t.key_len, t.key, (int)t.value_len,
                   t.value ? t.value : "");
    }
    putchar('\n');
}

int cmd_list(ptrctl *c, int argc, char **argv)
{
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_tag tags[MAX_TAGS];
    size_t nt = 0;
    int all = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = cli_opt(c, argc, argv, &i, "--limit", &v)) > 0) {
            int rc = cli_count(c, "--limit", v, PTR_LIST_LIMIT_MAX, &q.limit);
            if (rc)
                return rc;
            if (q.limit == 0)
                return ptrctl_usage(c, "--limit is 1 to %d", PTR_LIST_LIMIT_MAX);
        } else if (r == 0 && cli_flag(argv[i], "--all")) {
            all = 1;
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
    /* --all: page after page from the marker the last one gives, printed as it comes. */
    char marker[PTR_ADDR_STRLEN];
    size_t shown = 0;
    int64_t total = 0;
    for (int page = 0;; page++) {
        ptr_record_list *l = NULL;
        ptr_error err = {0};
        ptr_status st = ptr_ctx_list(c->ctx, &c->scope, &q, &l, &err);
        if (st != PTR_OK) {
            if (page == 0)
                return ptrctl_fail(c, st, &err);
            /* Pages already printed: end the output, then report on stderr only. */
            if (c->json)
                fputs("]}\n", stdout);
            c->json = 0;
            return ptrctl_fail(c, st, &err);
        }
        const size_t n = ptr_record_list_count(l);
        size_t mlen = 0;
        ptr_record_list_next_marker(l, marker, sizeof marker, &mlen);
        if (page == 0) {
            total = ptr_record_list_total(l);
            if (c->output == PTRCTL_OUT_JSON)
                fputs("{\"ptrs\": [", stdout);
            else if (c->output == PTRCTL_OUT_CSV)
                record_csv_header(stdout);
            else
                printf("%-39s %-14s %-10s %-16s %-40s %s\n", "ADDRESS", "STATUS", "TTL", "OWNER",
                       "PTRDNAMES", "TAGS");
        }
        for (size_t i = 0; i < n; i++, shown++) {
            const ptr_record *r = ptr_record_list_at(l, i);
            if (c->output == PTRCTL_OUT_JSON) {
                fputs(shown ? ",\n  " : "\n  ", stdout);
                record_json(stdout, r);
            } else if (c->output == PTRCTL_OUT_CSV) {
                record_csv(stdout, r);
            } else {
                list_row(r);
            }
        }
        ptr_record_list_free(l);
        if (!all || mlen == 0) {
            if (c->output == PTRCTL_OUT_JSON) {
                fprintf(stdout, "%s], \"metadata\": {\"total_count\": %" PRId64, shown ? "\n" : "",
                        total);
                if (mlen) {
                    fputs(", \"next_marker\": ", stdout);
                    jwrite_text(stdout, marker, mlen);
                }
                fputs("}}\n", stdout);
            } else if (c->output == PTRCTL_OUT_TABLE) {
                printf("%zu shown, %" PRId64 " in all", shown, total);
                if (mlen)
                    printf("; next page: --marker %.*s", (int)mlen, marker);
                putchar('\n');
            }
            return PTRCTL_EXIT_OK;
        }
        q.marker = (ptr_text){marker, mlen};
    }
}
