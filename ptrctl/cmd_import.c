/*
 * import: bulk create from CSV or JSON lines. Each line is parsed
 * (import_parse.c) and reported by its number when it is refused; the valid
 * ones go to ptr_ctx_create_many in batches, so a file costs one transaction
 * per batch instead of one per line while the quota and uniqueness stay
 * exact (each batch is one write transaction). --all-or-nothing makes the
 * whole file one batch and creates nothing unless every line is accepted.
 *
 * Batches are read and parsed by a thread of their own while the previous
 * batch is created (import_read.c), and taken here in file order.
 *
 * Memory does not grow with the input: a line is at most
 * PTRCTL_IMPORT_LINE_MAX bytes (a longer one stops the import, so an endless
 * line such as /dev/zero ends quickly), the decoded text of each of the two
 * batches lives in one chunk of IMPORT_TEXT_BYTES (a batch whose text fills
 * it is created early), and refusals are printed batch by batch, not kept
 * (with --json the first JSON_MAX_ERRORS are kept for the summary).
 *
 * --all-or-nothing streams the file through one import (ptr_ctx_import_begin:
 * one write transaction held across the whole file): each line is created in
 * it as soon as it is parsed, so only one line is in memory at a time, and
 * the import is committed only when every line passed, else rolled back.
 * Lines after a refused one are still created (and rolled back) so that each
 * gets its own verdict, the store's checks (exists, quota) included.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_read.h"

#define DEFAULT_BATCH   500
#define MAX_BATCH       10000
#define STATUS_SLOTS    64
#define JSON_MAX_ERRORS 1000

typedef struct importer {
    ptrctl *c;
    size_t batch; /* lines per transaction */
    ptr_request *reqs;
    ptr_status *res;
    ptr_error *errs;
    size_t work_cap;
    unsigned long created, rejected, lines;
    unsigned long held_back; /* valid lines not created because of --all-or-nothing */
    unsigned long by_status[STATUS_SLOTS];
    import_refusal *rej; /* refusals not printed yet; with --json also the first printed ones */
    size_t nrej, rej_cap, emitted;
    unsigned long omitted; /* refusals left out of the JSON summary's list */
    progress prog;
    ptr_import *imp;  /* --all-or-nothing: the one transaction of the whole file */
    ptr_status fatal; /* a store or memory failure stopped the import */
    ptr_error fatal_err;
    unsigned long fatal_line;
    import_stop stop; /* what ended the reading early */
    uint64_t bytes;   /* read so far */
} importer;

/* Keep a refusal; emit() prints it in line order with the others of its batch. */
static int reject(importer *im, unsigned long line, ptr_status st, const ptr_error *err)
{
    im->rejected++;
    if ((unsigned)st < STATUS_SLOTS)
        im->by_status[st]++;
    return import_refusal_add(&im->rej, &im->nrej, &im->rej_cap, line, st, err);
}

static int by_line(const void *a, const void *b)
{
    const unsigned long x = ((const import_refusal *)a)->line,
                        y = ((const import_refusal *)b)->line;
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
    import_refusal *r = im->rej + im->emitted;
    qsort(r, n, sizeof *r, by_line);
    progress_finish(&im->prog);
    for (size_t i = 0; i < n && !im->c->quiet; i++) {
        char field[64];
        ptrctl_field_text(&r[i].err, field, sizeof field);
        fprintf(stderr, "line %lu: %s (%s)%s%s: %s\n", r[i].line, ptr_status_name(r[i].st),
                ptr_status_cloud_code(r[i].st), field[0] ? ", field " : "", field,
                r[i].err.message[0] ? r[i].err.message : ptr_strerror(r[i].st));
    }
    /* Printed: only the JSON summary still needs them, and only the first few. */
    if (!im->c->json) {
        im->nrej = 0;
    } else if (im->nrej > JSON_MAX_ERRORS) {
        im->omitted += im->nrej - JSON_MAX_ERRORS;
        im->nrej = JSON_MAX_ERRORS;
    }
    im->emitted = im->nrej;
}

/* Create the batch's lines (one scope: a line of another starts a new batch). */
static int flush(importer *im, import_batch *b)
{
    if (b->n == 0) {
        emit(im); /* refusals of lines read since the last batch */
        return 0;
    }
    if (im->work_cap < b->n) {
        ptr_request *q = realloc(im->reqs, b->n * sizeof *q);
        if (q)
            im->reqs = q;
        ptr_status *r = q ? realloc(im->res, b->n * sizeof *r) : NULL;
        if (r)
            im->res = r;
        ptr_error *e = r ? realloc(im->errs, b->n * sizeof *e) : NULL;
        if (!e)
            return -1;
        im->errs = e;
        im->work_cap = b->n;
    }
    for (size_t i = 0; i < b->n; i++) {
        /* The slots may have moved since they were parsed: point at their arrays again. */
        im->reqs[i] = b->slots[i].row.req;
        im->reqs[i].names = b->slots[i].row.names;
        im->reqs[i].tags = b->slots[i].row.tags;
    }
    size_t created = 0;
    const ptr_scope scope = {b->slots[0].row.region, b->slots[0].row.project,
                             b->slots[0].row.owner};
    const ptr_status st =
        ptr_ctx_create_many(im->c->ctx, &scope, im->reqs, b->n, 0, im->res, im->errs, &created);
    if (st == PTR_E_BUSY || st == PTR_E_STORE || st == PTR_E_NOMEM) {
        /* The batch failed as a whole (nothing of it was created): stop here. */
        size_t k = 0;
        while (k + 1 < b->n && im->res[k] != st)
            k++;
        im->fatal = st;
        im->fatal_err = im->errs[k];
        im->fatal_line = b->slots[0].line;
        return 0;
    }
    im->created += created;
    for (size_t i = 0; i < b->n; i++)
        if (im->res[i] != PTR_OK && reject(im, b->slots[i].line, im->res[i], &im->errs[i]) != 0)
            return -1;
    emit(im);
    return 0;
}

/*
 * The batches as the reading thread hands them over, in file order: each
 * one's refusals are counted, its lines created, and it goes back to be
 * filled again. After a failure the rest is only drained. 1 when memory ran
 * out here.
 */
static int run_batches(importer *im, import_pipe *p)
{
    int oom = 0, draining = 0;
    for (;;) {
        import_batch *b = import_pipe_take(p);
        const int last = b->last;
        if (!draining) {
            for (size_t i = 0; i < b->nrej && !oom; i++)
                if (reject(im, b->rej[i].line, b->rej[i].st, &b->rej[i].err) != 0)
                    oom = 1;
            im->lines = b->end_line;
            im->bytes = b->end_bytes;
            if (last)
                im->stop = b->stop;
            /* What stopped the reading keeps the lines of the last batch from being created. */
            const int create = !(last && (b->stop.read_error || b->stop.oom || b->stop.bad_header));
            if (!oom && (create ? flush(im, b) : (emit(im), 0)) != 0)
                oom = 1;
            progress_update(&im->prog, im->lines, im->bytes, 0);
            draining = oom || im->fatal;
        }
        import_pipe_give_back(p, im->rejected, draining);
        if (last)
            return oom;
    }
}

/*
 * --all-or-nothing: create one parsed line inside the import. A refusal is
 * kept for the report; a store failure ends the import (only a rollback is
 * left) and is reported as what stopped it.
 */
static int stream_create(importer *im, const ptrctl_import_row *row, unsigned long line)
{
    ptr_error err;
    ptr_error_clear(&err);
    const ptr_scope scope = {row->region, row->project, row->owner};
    const ptr_status st = ptr_import_create(im->imp, &scope, &row->req, &err);
    if (st == PTR_OK)
        return 0;
    if (st == PTR_E_BUSY || st == PTR_E_STORE || st == PTR_E_NOMEM) {
        im->fatal = st;
        im->fatal_err = err;
        im->fatal_line = line;
        return 0;
    }
    return reject(im, line, st, &err);
}

/* --all-or-nothing: commit when every line passed, else roll back; set the counts. */
static void stream_end(importer *im, int keep)
{
    const uint64_t passed = ptr_import_created(im->imp);
    if (!keep) {
        ptr_import_rollback(im->imp);
        im->imp = NULL;
        im->held_back = (unsigned long)passed;
        return;
    }
    ptr_error err;
    ptr_error_clear(&err);
    const ptr_status st = ptr_import_commit(im->imp, &err);
    im->imp = NULL;
    if (st == PTR_OK) {
        im->created = (unsigned long)passed;
    } else {
        im->fatal = st;
        im->fatal_err = err;
        im->fatal_line = 1;
        im->held_back = (unsigned long)passed;
    }
}

/*
 * The summary; fin is what stopped the import (NULL when it ran to the end).
 * With --json an import that exits non-zero carries "error": fin, else the
 * first refused line's error, so no failure looks like a success.
 */
static void summary(importer *im, int all_or_nothing, const ptrctl_failure *fin)
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
                jwrite_cstr(stdout, ptr_status_name((ptr_status)s));
                printf(": %lu", im->by_status[s]);
                first = 0;
            }
        fputs("}, \"errors\": [", stdout);
        for (size_t i = 0; i < im->nrej; i++) {
            printf("%s{\"line\": %lu, \"error\": ", i ? ", " : "", im->rej[i].line);
            ptrctl_error_json(im->c, stdout, im->rej[i].st, &im->rej[i].err);
            fputc('}', stdout);
        }
        fputs("]", stdout);
        if (im->omitted)
            printf(", \"errors_omitted\": %lu", im->omitted);
        if (im->fatal || im->stop.too_long || im->stop.max_errors)
            printf(", \"stopped_at_line\": %lu", im->fatal           ? im->fatal_line
                                                 : im->stop.too_long ? im->stop.too_long
                                                                     : im->stop.max_errors);
        if (fin) {
            fputs(", \"error\": ", stdout);
            ptrctl_failure_json(stdout, fin);
        } else if (im->nrej) {
            ptrctl_failure x;
            const import_refusal *r = &im->rej[0];
            ptrctl_failure_of(im->c, r->st, &r->err, NULL, &x);
            snprintf(x.message, sizeof x.message, "%lu line(s) refused; the first, line %lu: %s",
                     im->rejected, r->line,
                     r->err.message[0] ? r->err.message : ptr_strerror(r->st));
            fputs(", \"error\": ", stdout);
            ptrctl_failure_json(stdout, &x);
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
    if (im->stop.too_long)
        printf("import stopped at line %lu: longer than %d bytes\n", im->stop.too_long,
               PTRCTL_IMPORT_LINE_MAX);
    if (im->stop.max_errors)
        printf("import stopped at line %lu: %lu line(s) refused, the most --max-errors allows\n",
               im->stop.max_errors, im->rejected);
    if (im->fatal && fin)
        printf("stopped at the batch starting at line %lu: %s (%s)\n", im->fatal_line, fin->code,
               fin->message);
}

/*
 * --all-or-nothing: every line is read, parsed and created in turn, in this
 * thread, so only one line is in memory. 1 when memory ran out.
 */
static int run_stream(importer *im, import_reader *r, ptrctl_import_row *row, char *buf,
                      unsigned long max_errors)
{
    while (!im->fatal) {
        ptr_error err;
        ptr_error_clear(&err);
        import_read_kind k = import_read_line(r, &err);
        if (k == IMPORT_END)
            break;
        if (k == IMPORT_REFUSED) {
            im->lines = r->lines;
            return reject(im, r->lines, err.status, &err) != 0;
        }
        if (k == IMPORT_SKIP)
            continue;
        k = import_parse(r, buf, row, &err);
        if (k == IMPORT_REFUSED && reject(im, r->lines, err.status, &err) != 0)
            return 1;
        if (k == IMPORT_ROW && stream_create(im, row, r->lines) != 0)
            return 1;
        if (max_errors && im->rejected >= max_errors) {
            r->stop.max_errors = r->lines;
            break;
        }
        if (im->nrej - im->emitted >= im->batch)
            emit(im);
        progress_update(&im->prog, r->lines, r->bytes, 0);
    }
    im->lines = r->lines;
    return 0;
}

int cmd_import(ptrctl *c, int argc, char **argv)
{
    const char *path = NULL;
    int all = 0, show_progress = 1;
    uint32_t batch = DEFAULT_BATCH, max_errors = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (cli_flag(argv[i], "--all-or-nothing")) {
            all = 1;
        } else if (cli_flag(argv[i], "--no-progress")) {
            show_progress = 0;
        } else if (cli_flag(argv[i], "--quiet") || cli_flag(argv[i], "-q")) {
            c->quiet = 1;
            show_progress = 0;
        } else if ((r = cli_opt(c, argc, argv, &i, "--max-errors", &v)) > 0) {
            int rc = cli_count(c, "--max-errors", v, 4294967295u, &max_errors);
            if (rc)
                return rc;
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--batch", &v)) > 0) {
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
    c->creates = 1;
    int rc = ptrctl_open(c);
    char *line = rc ? NULL : malloc(PTRCTL_IMPORT_LINE_MAX);
    /* --all-or-nothing parses every line into this one row and its text buffer. */
    ptrctl_import_row *one = rc || !all ? NULL : malloc(sizeof *one);
    char *onebuf = one ? malloc(PTRCTL_IMPORT_LINE_MAX + 1) : NULL;
    if (rc || !line || (all && !onebuf)) {
        free(line);
        free(one);
        if (in != stdin)
            fclose(in);
        if (rc)
            return rc;
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_NOMEM;
        snprintf(err.message, sizeof err.message, "out of memory while importing");
        return ptrctl_fail(c, PTR_E_NOMEM, &err);
    }

    importer im;
    memset(&im, 0, sizeof im);
    im.c = c;
    im.batch = batch;
    struct stat sb;
    const uint64_t total =
        (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode)) ? (uint64_t)sb.st_size : 0;
    progress_start(&im.prog, total, show_progress);
    import_reader rd;
    memset(&rd, 0, sizeof rd);
    rd.c = c;
    rd.in = in;
    rd.line = line;
    int oom = 0;
    if (all) {
        ptr_error err;
        ptr_error_clear(&err);
        const ptr_status st = ptr_ctx_import_begin(c->ctx, &im.imp, &err);
        if (st != PTR_OK) {
            if (in != stdin)
                fclose(in);
            free(line);
            free(one);
            free(onebuf);
            return ptrctl_fail(c, st, &err);
        }
        oom = run_stream(&im, &rd, one, onebuf, max_errors);
        im.stop = rd.stop;
        im.bytes = rd.bytes;
        const import_stop *x = &im.stop;
        stream_end(&im, !oom && !x->oom && !x->read_error && !x->bad_header && !im.fatal &&
                            !im.rejected);
    } else {
        import_pipe pipe;
        if (import_pipe_start(&pipe, &rd, batch, max_errors) != 0)
            oom = 1;
        else {
            oom = run_batches(&im, &pipe);
            import_pipe_end(&pipe);
        }
    }
    if (in != stdin)
        fclose(in);
    oom = oom || im.stop.oom;
    progress_update(&im.prog, im.lines, im.bytes, 1);

    ptrctl_failure fin;
    const ptrctl_failure *stop = NULL;
    if (im.stop.read_error) {
        errno = im.stop.read_errno;
        ptrctl_failure_io("cannot read", path, &fin);
        stop = &fin;
    } else if (oom) {
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_NOMEM;
        snprintf(err.message, sizeof err.message, "out of memory while importing");
        ptrctl_failure_of(c, PTR_E_NOMEM, &err, NULL, &fin);
        stop = &fin;
    } else if (im.fatal) {
        ptrctl_failure_of(c, im.fatal, &im.fatal_err, NULL, &fin);
        stop = &fin;
    }
    summary(&im, all, stop);
    free(line);
    free(one);
    free(onebuf);
    free(im.reqs);
    free(im.res);
    free(im.errs);
    free(im.rej);

    /* The JSON summary above already carries the error: stderr only from here. */
    c->json = 0;
    if (stop)
        return ptrctl_report(c, stop);
    return im.rejected ? PTRCTL_EXIT_REJECTED : PTRCTL_EXIT_OK;
}
