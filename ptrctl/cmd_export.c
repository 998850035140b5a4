/*
 * export: every record of the region and project (all owners), as CSV or
 * JSON lines that `import` reads back into the same records (names, TTL,
 * description, tags, region, project, owner; both also carry show's
 * read-only fields, such as the DNS status, which import ignores). Records
 * deleted but still pending in DNS (PENDING_DELETE) are left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptrctl.h"

int cmd_export(ptrctl *c, int argc, char **argv)
{
    const char *format = "csv", *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = cli_opt(c, argc, argv, &i, "--format", &v)) > 0)
            format = v;
        else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--out", &v)) > 0)
            out = v;
        else if (r == 0)
            return argv[i][0] == '-' ? cli_unknown(c, argv[i])
                                     : ptrctl_usage(c, "unexpected argument '%s'", argv[i]);
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
    }
    const int jsonl = strcmp(format, "jsonl") == 0;
    if (!jsonl && strcmp(format, "csv") != 0)
        return ptrctl_usage(c, "--format is csv or jsonl, not '%s'", format);
    if (out && !*out)
        return ptrctl_usage(c, "--out needs a file name");
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    FILE *f = stdout;
    if (out && strcmp(out, "-") != 0) {
        /* Never through a symlink planted at the name, never into a FIFO or device. */
        const int fd = open(out, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || ftruncate(fd, 0) != 0) {
            const int e = fd < 0 ? errno : (errno ? errno : EINVAL);
            if (fd >= 0)
                close(fd);
            errno = e == 0 ? EINVAL : e;
            return ptrctl_system(c, "cannot write the export to", out);
        }
        f = fdopen(fd, "w");
        if (!f) {
            close(fd);
            return ptrctl_system(c, "cannot write the export to", out);
        }
    }
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.limit = PTR_LIST_LIMIT_MAX;
    char marker[PTR_ADDR_STRLEN];
    unsigned long n = 0;
    if (!jsonl)
        record_csv_header(f);
    for (;;) {
        ptr_record_list *l = NULL;
        ptr_error err = {0};
        const ptr_status st = ptr_ctx_list(c->ctx, &c->scope, &q, &l, &err);
        if (st != PTR_OK) {
            if (f != stdout)
                fclose(f);
            return ptrctl_fail(c, st, &err);
        }
        for (size_t i = 0; i < ptr_record_list_count(l); i++) {
            const ptr_record *r = ptr_record_list_at(l, i);
            /* A deleted record only waits for DNS to forget it: it is no record to import. */
            if (record_is_deleted(r))
                continue;
            if (jsonl) {
                record_json(f, r);
                fputc('\n', f);
            } else {
                record_csv(f, r);
            }
            n++;
        }
        size_t mlen = 0;
        ptr_record_list_next_marker(l, marker, sizeof marker, &mlen);
        ptr_record_list_free(l);
        if (mlen == 0)
            break;
        q.marker = (ptr_text){marker, mlen};
    }
    if (f != stdout) {
        const int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
        if (fclose(f) != 0 || bad)
            return ptrctl_system(c, "cannot write the export to", out);
        if (c->json) {
            printf("{\"exported\": %lu, \"file\": ", n);
            jwrite_cstr(stdout, out);
            puts("}");
        } else {
            fprintf(stderr, "exported %lu record(s) to %s\n", n, out);
        }
    }
    return PTRCTL_EXIT_OK;
}
