/*
 * import: bulk create from CSV or JSON lines. Each line is parsed
 * (import_parse.c) and reported by its number when it is refused; the valid
 * ones go to ptr_ctx_create_many in batches, so a file costs one transaction
 * per batch instead of one per line while the quota and uniqueness stay
 * exact (each batch is one write transaction). --all-or-nothing makes the
 * whole file one batch and creates nothing unless every line is accepted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_parse.h"
#include "ptrctl.h"

#define DEFAULT_BATCH 500
#define MAX_BATCH     10000
#define STATUS_SLOTS  64

typedef struct slot {
    ptrctl_import_row row;
    char *buf;
    size_t cap;
    unsigned long line;
} slot;

typedef struct rejection {
    unsigned long line;
    ptr_status st;
    ptr_error err;
} rejection;

typedef struct importer {
    ptrctl *c;
    unsigned flags;
    slot *slots;
    size_t n, cap;
    ptr_request *reqs;
    ptr_status *res;
    ptr_error *errs;
    size_t work_cap;
    unsigned long created, rejected, lines;
    unsigned long held_back; /* valid lines not created because of --all-or-nothing */
    unsigned long by_status[STATUS_SLOTS];
    rejection *rej; /* every refusal, for the report and the JSON summary */
    size_t nrej, rej_cap, emitted;
    progress prog;
    ptr_status fatal; /* a store or memory failure stopped the import */
    ptr_error fatal_err;
    unsigned long fatal_line;
} importer;

/* Keep a refusal; emit() prints it in line order with the others of its batch. */
static int reject(importer *im, unsigned long line, ptr_status st, const ptr_error *err)
{
    im->rejected++;
    if ((unsigned)st < STATUS_SLOTS)
        im->by_status[st]++;
    if (im->nrej == im->rej_cap) {
        const size_t cap = im->rej_cap ? im->rej_cap * 2 : 64;
        rejection *r = realloc(im->rej, cap * sizeof *r);
        if (!r)
            return -1;
        im->rej = r;
        im->rej_cap = cap;
    }
    rejection *r = &im->rej[im->nrej++];
    r->line = line;
    r->st = st;
    if (err && err->status == st) {
        r->err = *err;
    } else {
        ptr_error_clear(&r->err);
        r->err.status = st;
    }
    return 0;
}

static int by_line(const void *a, const void *b)
{
    const unsigned long x = ((const rejection *)a)->line, y = ((const rejection *)b)->line;
    return (x > y) - (x < y);
}

/*
 * Print the refusals kept since the last call, by line number: a line refused
 * while reading and one refused by the store then come out in file order.
 */
static void emit(importer *im)
{
    const size_t n = im->nrej - im->emitted;
    if (n == 0)
        return;
    rejection *r = im->rej + im->emitted;
    qsort(r, n, sizeof *r, by_line);
    progress_finish(&im->prog);
    for (size_t i = 0; i < n; i++) {
        char field[64];
        ptrctl_field_text(&r[i].err, field, sizeof field);
        fprintf(stderr, "line %lu: %s (%s)%s%s: %s\n", r[i].line, ptr_status_name(r[i].st),
                ptr_status_cloud_code(r[i].st), field[0] ? ", field " : "", field,
                r[i].err.message[0] ? r[i].err.message : ptr_strerror(r[i].st));
    }
    im->emitted = im->nrej;
}

/* Room for one more line in the batch; the slot's buffer holds at least need bytes. */
static slot *next_slot(importer *im, size_t need)
{
    if (im->n == im->cap) {
        const size_t cap = im->cap ? im->cap * 2 : 64;
        slot *s = realloc(im->slots, cap * sizeof *s);
        if (!s)
            return NULL;
        memset(s + im->cap, 0, (cap - im->cap) * sizeof *s);
        im->slots = s;
        im->cap = cap;
    }
    slot *s = &im->slots[im->n];
    if (s->cap < need) {
        char *b = realloc(s->buf, need);
        if (!b)
            return NULL;
        s->buf = b;
        s->cap = need;
    }
    return s;
}

/* Create the batch's lines; report each refusal by its line number. */
static int flush(importer *im)
{
    if (im->n == 0)
        return 0;
    if (im->work_cap < im->n) {
        ptr_request *q = realloc(im->reqs, im->n * sizeof *q);
        if (q)
            im->reqs = q;
        ptr_status *r = q ? realloc(im->res, im->n * sizeof *r) : NULL;
        if (r)
            im->res = r;
        ptr_error *e = r ? realloc(im->errs, im->n * sizeof *e) : NULL;
        if (!e)
            return -1;
        im->errs = e;
        im->work_cap = im->n;
    }
    for (size_t i = 0; i < im->n; i++) {
        /* The slots may have moved since they were parsed: point at their arrays again. */
        im->reqs[i] = im->slots[i].row.req;
        im->reqs[i].names = im->slots[i].row.names;
        im->reqs[i].tags = im->slots[i].row.tags;
    }
    size_t created = 0;
    const ptr_status st = ptr_ctx_create_many(im->c->ctx, &im->c->scope, im->reqs, im->n, im->flags,
                                              im->res, im->errs, &created);
    if (st == PTR_E_BUSY || st == PTR_E_STORE || st == PTR_E_NOMEM) {
        /* The batch failed as a whole (nothing of it was created): stop here. */
        size_t k = 0;
        while (k + 1 < im->n && im->res[k] != st)
            k++;
        im->fatal = st;
        im->fatal_err = im->errs[k];
        im->fatal_line = im->slots[0].line;
        im->n = 0;
        return 0;
    }
    im->created += created;
    for (size_t i = 0; i < im->n; i++)
        if (im->res[i] != PTR_OK && reject(im, im->slots[i].line, im->res[i], &im->errs[i]) != 0)
            return -1;
    if ((im->flags & PTR_CREATE_ALL_OR_NOTHING) && created == 0) {
        /* The lines that passed every check were not created either: count them as such. */
        for (size_t i = 0; i < im->n; i++)
            if (im->res[i] == PTR_OK)
                im->held_back++;
    }
    im->n = 0;
    emit(im);
    return 0;
}

static void summary(importer *im, int all_or_nothing)
{
    emit(im);
    progress_finish(&im->prog);
    if (im->c->json) {
        printf("{\"lines\": %lu, \"created\": %lu, \"rejected\": %lu, \"not_created\": %lu, "
               "\"reasons\": {",
               im->lines, im->created, im->rejected, im->held_back);
        int first = 1;
        for (unsigned s = 1; s < STATUS_SLOTS; s++)
            if (im->by_status[s]) {
                printf("%s", first ? "" : ", ");
                json_cstr(stdout, ptr_status_name((ptr_status)s));
                printf(": %lu", im->by_status[s]);
                first = 0;
            }
        fputs("}, \"errors\": [", stdout);
        for (size_t i = 0; i < im->nrej; i++) {
            printf("%s{\"line\": %lu, \"error\": ", i ? ", " : "", im->rej[i].line);
            ptrctl_error_json(stdout, im->rej[i].st, &im->rej[i].err);
            fputc('}', stdout);
        }
        fputs("]", stdout);
        if (im->fatal) {
            printf(", \"stopped_at_line\": %lu, \"error\": ", im->fatal_line);
            ptrctl_error_json(stdout, im->fatal, &im->fatal_err);
        }
        fputs("}\n", stdout);
        return;
    }
    printf("import: %lu lines, %lu created, %lu rejected\n", im->lines, im->created, im->rejected);
    for (unsigned s = 1; s < STATUS_SLOTS; s++)
        if (im->by_status[s])
            printf("  %-20s %-9s %lu\n", ptr_status_name((ptr_status)s),
                   ptr_status_cloud_code((ptr_status)s), im->by_status[s]);
    if (all_or_nothing && im->rejected)
        printf("nothing created: --all-or-nothing and %lu line(s) were rejected "
               "(%lu line(s) that passed the checks held back)\n",
               im->rejected, im->held_back);
    if (im->fatal)
        printf("stopped at the batch starting at line %lu: %s (%s)\n", im->fatal_line,
               ptr_status_name(im->fatal), im->fatal_err.message);
}

int cmd_import(ptrctl *c, int argc, char **argv)
{
    const char *path = NULL;
    int all = 0, show_progress = 1;
    uint32_t batch = DEFAULT_BATCH;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_flag(argv[i], "--all-or-nothing")) {
            all = 1;
        } else if (cli_flag(argv[i], "--no-progress")) {
            show_progress = 0;
        } else if ((r = cli_opt(c, argc, argv, &i, "--batch", &v)) > 0) {
            int rc = cli_count(c, "--batch", v, MAX_BATCH, &batch);
            if (rc)
                return rc;
            if (batch == 0)
                return ptrctl_usage(c, "--batch is 1 to %d", MAX_BATCH);
        } else if (r < 0) {
            return PTRCTL_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_unknown(c, argv[i]);
        } else if (path) {
            return ptrctl_usage(c, "one file only ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return ptrctl_usage(c, "the file to import is missing (or '-' for standard input)");

    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in)
        return ptrctl_system(c, "cannot open", path);
    int rc = ptrctl_open(c);
    if (rc) {
        if (in != stdin)
            fclose(in);
        return rc;
    }

    importer im;
    memset(&im, 0, sizeof im);
    im.c = c;
    im.flags = all ? PTR_CREATE_ALL_OR_NOTHING : 0;
    struct stat sb;
    const uint64_t total =
        (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode)) ? (uint64_t)sb.st_size : 0;
    progress_start(&im.prog, total, show_progress);

    ptrctl_import_format fmt;
    memset(&fmt, 0, sizeof fmt);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    uint64_t bytes = 0;
    int oom = 0, bad_header = 0;
    errno = 0;
    while (!im.fatal && (got = getline(&line, &lcap, in)) >= 0) {
        im.lines++;
        bytes += (uint64_t)got;
        size_t len = (size_t)got;
        if (len && line[len - 1] == '\n')
            len--;
        ptr_error err;
        ptr_error_clear(&err);
        if (fmt.kind == PTRCTL_FMT_NONE) {
            size_t k = 0;
            while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
                k++;
            if (k == len)
                continue;
            ptrctl_line_kind hk = ptrctl_import_parse_header(line, len, &fmt, &err);
            if (hk == PTRCTL_LINE_ERROR) {
                /* Without the columns no line can be read: stop before creating anything. */
                reject(&im, im.lines, err.status, &err);
                bad_header = 1;
                break;
            }
            if (hk == PTRCTL_LINE_SKIP)
                continue;
        }
        slot *s = next_slot(&im, len + 1);
        if (!s) {
            oom = 1;
            break;
        }
        ptrctl_line_kind k =
            ptrctl_import_parse_line(line, len, &fmt, s->buf, s->cap, &s->row, &err);
        if (k == PTRCTL_LINE_ERROR) {
            if (reject(&im, im.lines, err.status, &err) != 0) {
                oom = 1;
                break;
            }
        } else if (k == PTRCTL_LINE_ROW) {
            s->line = im.lines;
            im.n++;
            if (!all && im.n >= batch && flush(&im) != 0) {
                oom = 1;
                break;
            }
        }
        progress_update(&im.prog, im.lines, bytes, 0);
    }
    const int read_error = ferror(in);
    const int read_errno = errno;
    if (in != stdin)
        fclose(in);
    /*
     * With --all-or-nothing a line refused while reading means nothing may be
     * created; the transaction would only be rolled back, so it is not run.
     */
    if (!oom && !read_error && !bad_header && !(all && im.rejected) && flush(&im) != 0)
        oom = 1;
    if (all && (im.rejected || bad_header || read_error)) {
        /*
         * Still say which of the parsed lines a create would refuse, as far as
         * that is known without the store (ptrctl runs the default policy).
         */
        for (size_t i = 0; i < im.n && !oom; i++) {
            ptr_request req = im.slots[i].row.req;
            req.names = im.slots[i].row.names;
            req.tags = im.slots[i].row.tags;
            ptr_error err;
            ptr_error_clear(&err);
            const ptr_status st = ptr_request_check(&req, NULL, NULL, &err);
            if (st == PTR_OK)
                im.held_back++;
            else if (reject(&im, im.slots[i].line, st, &err) != 0)
                oom = 1;
        }
        im.n = 0;
    }
    progress_update(&im.prog, im.lines, bytes, 1);
    summary(&im, all);
    free(line);
    for (size_t i = 0; i < im.cap; i++)
        free(im.slots[i].buf);
    free(im.slots);
    free(im.reqs);
    free(im.res);
    free(im.errs);
    free(im.rej);

    /* The JSON summary above already carries the error: stderr only from here. */
    c->json = 0;
    if (read_error) {
        errno = read_errno;
        return ptrctl_system(c, "cannot read", path);
    }
    if (oom) {
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_NOMEM;
        snprintf(err.message, sizeof err.message, "out of memory while importing");
        return ptrctl_fail(c, PTR_E_NOMEM, &err);
    }
    if (im.fatal)
        return ptrctl_fail(c, im.fatal, &im.fatal_err);
    return im.rejected ? PTRCTL_EXIT_REJECTED : PTRCTL_EXIT_OK;
}
