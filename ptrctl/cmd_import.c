/*
 * import: bulk create from CSV or JSON lines. Each line is parsed
 * (import_parse.c) and reported by its number when it is refused; the valid
 * ones go to ptr_ctx_create_many in batches, so a file costs one transaction
 * per batch instead of one per line while the quota and uniqueness stay
 * exact (each batch is one write transaction). --all-or-nothing makes the
 * whole file one batch and creates nothing unless every line is accepted.
 *
 * Memory does not grow with the input: a line is at most
 * PTRCTL_IMPORT_LINE_MAX bytes (a longer one stops the import, so an endless
 * line such as /dev/zero ends quickly), the decoded text of a batch lives in
 * one chunk of CHUNK_BYTES (a batch whose text fills it is created early),
 * and refusals are printed batch by batch, not kept (with --json the first
 * JSON_MAX_ERRORS are kept for the summary).
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

#include "import_parse.h"
#include "ptrctl.h"

#define DEFAULT_BATCH   500
#define MAX_BATCH       10000
#define STATUS_SLOTS    64
#define CHUNK_BYTES     ((size_t)4 << 20) /* holds at least one line of the longest */
#define JSON_MAX_ERRORS 1000

typedef struct slot {
    ptrctl_import_row row;
    unsigned long line;
} slot;

/* Decoded text of the batch's lines; rows point into it, so a chunk never moves. */
typedef struct chunk {
    size_t used;
    char data[CHUNK_BYTES];
} chunk;

typedef struct rejection {
    unsigned long line;
    ptr_status st;
    ptr_error err;
} rejection;

typedef struct importer {
    ptrctl *c;
    slot *slots;
    size_t n, cap;
    size_t batch; /* lines per transaction */
    chunk *text;  /* the batch's text */
    ptr_request *reqs;
    ptr_status *res;
    ptr_error *errs;
    size_t work_cap;
    unsigned long created, rejected, lines;
    unsigned long held_back; /* valid lines not created because of --all-or-nothing */
    unsigned long by_status[STATUS_SLOTS];
    rejection *rej; /* refusals not printed yet; with --json also the first printed ones */
    size_t nrej, rej_cap, emitted;
    unsigned long omitted; /* refusals left out of the JSON summary's list */
    progress prog;
    ptr_import *imp;  /* --all-or-nothing: the one transaction of the whole file */
    ptr_status fatal; /* a store or memory failure stopped the import */
    ptr_error fatal_err;
    unsigned long fatal_line;
    unsigned long stopped_line;   /* a line too long to read ended the import there */
    unsigned long stopped_errors; /* --max-errors ended the import at this line */
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

static int flush(importer *im);

/*
 * Room for one more line in the batch, and need bytes of text for it in
 * *buf. A batch whose text would not fit is created first (the chunk is
 * then reused).
 */
static slot *next_slot(importer *im, size_t need, char **buf)
{
    if (!im->text) {
        im->text = malloc(sizeof *im->text);
        if (!im->text)
            return NULL;
        im->text->used = 0;
    } else if (CHUNK_BYTES - im->text->used < need) {
        if (flush(im) != 0)
            return NULL;
        im->text->used = 0;
        if (im->fatal) /* the batch just created failed: the caller stops */
            return NULL;
    }
    if (im->n == im->cap) {
        const size_t cap = im->cap ? im->cap * 2 : 64;
        slot *s = realloc(im->slots, cap * sizeof *s);
        if (!s)
            return NULL;
        im->slots = s;
        im->cap = cap;
    }
    *buf = im->text->data + im->text->used;
    return &im->slots[im->n];
}

/* A line without its own region, project or owner gets the global one. */
static void row_scope(const ptrctl *c, ptrctl_import_row *row)
{
    if (!row->region.len)
        row->region = c->scope.region;
    if (!row->project.len)
        row->project = c->scope.project;
    if (!row->owner.len)
        row->owner = c->scope.owner;
}

static int text_eq(ptr_text a, ptr_text b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static int same_scope(const ptrctl_import_row *a, const ptrctl_import_row *b)
{
    return text_eq(a->region, b->region) && text_eq(a->project, b->project) &&
           text_eq(a->owner, b->owner);
}

/* Create the batch's lines (one scope: a line of another starts a new batch). */
static int flush(importer *im)
{
    if (im->n == 0) {
        emit(im); /* refusals of lines read since the last batch */
        return 0;
    }
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
    const ptr_scope scope = {im->slots[0].row.region, im->slots[0].row.project,
                             im->slots[0].row.owner};
    const ptr_status st =
        ptr_ctx_create_many(im->c->ctx, &scope, im->reqs, im->n, 0, im->res, im->errs, &created);
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
    im->n = 0;
    emit(im);
    return 0;
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
        if (im->fatal || im->stopped_line || im->stopped_errors)
            printf(", \"stopped_at_line\": %lu", im->fatal          ? im->fatal_line
                                                 : im->stopped_line ? im->stopped_line
                                                                    : im->stopped_errors);
        if (fin) {
            fputs(", \"error\": ", stdout);
            ptrctl_failure_json(stdout, fin);
        } else if (im->nrej) {
            ptrctl_failure x;
            const rejection *r = &im->rej[0];
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
    if (im->stopped_line)
        printf("import stopped at line %lu: longer than %d bytes\n", im->stopped_line,
               PTRCTL_IMPORT_LINE_MAX);
    if (im->stopped_errors)
        printf("import stopped at line %lu: %lu line(s) refused, the most --max-errors allows\n",
               im->stopped_errors, im->rejected);
    if (im->fatal && fin)
        printf("stopped at the batch starting at line %lu: %s (%s)\n", im->fatal_line, fin->code,
               fin->message);
}

/*
 * One line into buf (room for PTRCTL_IMPORT_LINE_MAX bytes), without its
 * newline: 1 when there is one, 0 at the end of the input, -1 on a read
 * error, -2 when the line is longer (it is not read further: an endless
 * line must not keep the import reading).
 */
static int read_line(FILE *in, char *buf, size_t *len, uint64_t *bytes)
{
    size_t n = 0;
    int ch;
    while ((ch = getc_unlocked(in)) != EOF) {
        (*bytes)++;
        if (ch == '\n') {
            *len = n;
            return 1;
        }
        if (n == PTRCTL_IMPORT_LINE_MAX)
            return -2;
        buf[n++] = (char)ch;
    }
    if (ferror(in))
        return -1;
    *len = n;
    return n ? 1 : 0;
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
    }

    ptrctl_import_format fmt;
    memset(&fmt, 0, sizeof fmt);
    size_t len = 0;
    uint64_t bytes = 0;
    int oom = 0, bad_header = 0, got;
    errno = 0;
    while (!im.fatal && (got = read_line(in, line, &len, &bytes)) != 0) {
        im.lines++;
        ptr_error err;
        ptr_error_clear(&err);
        if (got == -1)
            break;
        if (got == -2) {
            /* Not an import file (or not one line of it): the lines before it are created, as
             * before a read error, and nothing after it is read. */
            err.status = PTR_E_INVAL;
            snprintf(err.message, sizeof err.message,
                     "the line is longer than %d bytes, the most an import line may be: "
                     "import stopped",
                     PTRCTL_IMPORT_LINE_MAX);
            if (reject(&im, im.lines, err.status, &err) != 0)
                oom = 1;
            im.stopped_line = im.lines;
            break;
        }
        if (fmt.kind == PTRCTL_FMT_NONE) {
            size_t k = 0;
            while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
                k++;
            if (k == len)
                continue;
            ptrctl_line_kind hk = ptrctl_import_parse_header(line, len, &fmt, &err);
            if (hk == PTRCTL_LINE_ERROR) {
                /* Without the columns no line can be read: stop before creating anything. */
                if (reject(&im, im.lines, err.status, &err) != 0)
                    oom = 1;
                bad_header = 1;
                break;
            }
            if (hk == PTRCTL_LINE_SKIP)
                continue;
        }
        char *buf = onebuf;
        ptrctl_import_row *row = one;
        slot *s = NULL;
        if (!all) {
            s = next_slot(&im, len + 1, &buf);
            if (!s) {
                oom = !im.fatal;
                break;
            }
            row = &s->row;
        }
        ptrctl_line_kind k = ptrctl_import_parse_line(line, len, &fmt, buf, len + 1, row, &err);
        if (k == PTRCTL_LINE_ROW &&
            ptrctl_address_check(c, row->req.address.s, row->req.address.len, &err) != PTR_OK)
            k = PTRCTL_LINE_ERROR;
        /* A batched line that breaks a rule is refused as it is read (counted for
         * --max-errors at once); the batch then holds only lines the store decides on. */
        if (k == PTRCTL_LINE_ROW && !all &&
            ptr_request_check(&row->req, &c->policy, NULL, &err) != PTR_OK)
            k = PTRCTL_LINE_ERROR;
        if (k == PTRCTL_LINE_ERROR) {
            if (reject(&im, im.lines, err.status, &err) != 0) {
                oom = 1;
                break;
            }
        } else if (k == PTRCTL_LINE_ROW && all) {
            row_scope(c, row);
            if (stream_create(&im, row, im.lines) != 0) {
                oom = 1;
                break;
            }
        } else if (k == PTRCTL_LINE_ROW) {
            row_scope(c, row);
            s->line = im.lines;
            im.text->used += len + 1;
            if (im.n > 0 && !same_scope(&im.slots[0].row, row)) {
                /* Another tenant: the batch so far is created first (its text stays put). */
                const slot mine = *s;
                if (flush(&im) != 0) {
                    oom = 1;
                    break;
                }
                if (im.fatal)
                    break;
                im.slots[0] = mine;
            }
            im.n++;
        }
        if (max_errors && im.rejected >= max_errors) {
            im.stopped_errors = im.lines;
            break;
        }
        /* A batch is its lines, refused or not: refusals too are printed (and dropped) per batch.
         */
        if (!all && (im.n >= im.batch || im.nrej - im.emitted >= im.batch) && flush(&im) != 0) {
            oom = 1;
            break;
        }
        if (all && im.nrej - im.emitted >= im.batch)
            emit(&im);
        progress_update(&im.prog, im.lines, bytes, 0);
    }
    const int read_error = ferror(in);
    const int read_errno = errno;
    if (in != stdin)
        fclose(in);
    if (all)
        stream_end(&im, !oom && !read_error && !bad_header && !im.fatal && !im.rejected);
    else if (!oom && !read_error && !bad_header && !im.fatal && flush(&im) != 0)
        oom = 1;
    progress_update(&im.prog, im.lines, bytes, 1);

    ptrctl_failure fin;
    const ptrctl_failure *stop = NULL;
    if (read_error) {
        errno = read_errno;
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
    free(im.text);
    free(im.slots);
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
