/*
 * import's reading side (import_read.h): a line at a time, or batches filled
 * by a reading thread.
 *
 * Why a thread: a JSON line parsed by jansson costs several times what the
 * store spends creating it in a batch, and the two need not wait for each
 * other. While the main thread creates one batch (cmd_import.c), this thread
 * reads and parses the next, so an import takes about as long as the slower
 * of the two instead of their sum (bench/import_jsonl.sh). There are two
 * batches; each is filled, handed over, created and given back in file
 * order, so refusals are still reported by line and the quota and
 * uniqueness are decided in the same order as without the thread.
 */
#include "import_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

import_read_kind import_read_line(import_reader *r, ptr_error *err)
{
    errno = 0;
    const int got = read_line(r->in, r->line, &r->len, &r->bytes);
    if (got == 0)
        return IMPORT_END;
    r->lines++;
    if (got == -1) {
        r->stop.read_error = 1;
        r->stop.read_errno = errno;
        return IMPORT_END;
    }
    if (got == -2) {
        /* Not an import file (or not one line of it): the lines before it are created, and
         * nothing after it is read. */
        ptr_error_clear(err);
        err->status = PTR_E_INVAL;
        snprintf(err->message, sizeof err->message,
                 "the line is longer than %d bytes, the most an import line may be: "
                 "import stopped",
                 PTRCTL_IMPORT_LINE_MAX);
        r->stop.too_long = r->lines;
        return IMPORT_REFUSED;
    }
    if (r->fmt.kind == PTRCTL_FMT_NONE) {
        size_t k = 0;
        while (k < r->len && (r->line[k] == ' ' || r->line[k] == '\t' || r->line[k] == '\r'))
            k++;
        if (k == r->len)
            return IMPORT_SKIP;
        const ptrctl_line_kind hk = ptrctl_import_parse_header(r->line, r->len, &r->fmt, err);
        if (hk == PTRCTL_LINE_ERROR) {
            /* Without the columns no line can be read: stop before creating anything. */
            r->stop.bad_header = 1;
            return IMPORT_REFUSED;
        }
        if (hk == PTRCTL_LINE_SKIP)
            return IMPORT_SKIP;
    }
    return IMPORT_ROW;
}

import_read_kind import_parse(import_reader *r, char *buf, ptrctl_import_row *row, ptr_error *err)
{
    const ptrctl *c = r->c;
    ptrctl_line_kind k =
        ptrctl_import_parse_line(r->line, r->len, &r->fmt, buf, r->len + 1, row, err);
    if (k == PTRCTL_LINE_ROW &&
        ptrctl_address_check(c, row->req.address.s, row->req.address.len, err) != PTR_OK)
        k = PTRCTL_LINE_ERROR;
    /* A batched line that breaks a rule is refused as it is read (counted for
     * --max-errors at once); a batch then holds only lines the store decides on. */
    if (k == PTRCTL_LINE_ROW && r->check_rules &&
        ptr_request_check(&row->req, &c->policy, NULL, err) != PTR_OK)
        k = PTRCTL_LINE_ERROR;
    if (k == PTRCTL_LINE_ERROR)
        return IMPORT_REFUSED;
    if (k == PTRCTL_LINE_SKIP)
        return IMPORT_SKIP;
    /* A line without its own region, project or owner gets the global one. */
    if (!row->region.len)
        row->region = c->scope.region;
    if (!row->project.len)
        row->project = c->scope.project;
    if (!row->owner.len)
        row->owner = c->scope.owner;
    return IMPORT_ROW;
}

/* ---- batches, filled by the reading thread ------------------------------------------- */

static int text_eq(ptr_text a, ptr_text b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static int same_scope(const ptrctl_import_row *a, const ptrctl_import_row *b)
{
    return text_eq(a->region, b->region) && text_eq(a->project, b->project) &&
           text_eq(a->owner, b->owner);
}

/* Room for one more slot. */
static int slot_room(import_batch *b)
{
    if (b->n < b->cap)
        return 0;
    const size_t cap = b->cap ? b->cap * 2 : 64;
    import_slot *s = realloc(b->slots, cap * sizeof *s);
    if (!s)
        return -1;
    b->slots = s;
    b->cap = cap;
    return 0;
}

int import_refusal_add(import_refusal **rej, size_t *n, size_t *cap, unsigned long line,
                       ptr_status st, const ptr_error *err)
{
    if (*n == *cap) {
        const size_t c = *cap ? *cap * 2 : 64;
        import_refusal *r = realloc(*rej, c * sizeof *r);
        if (!r)
            return -1;
        *rej = r;
        *cap = c;
    }
    import_refusal *r = &(*rej)[(*n)++];
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

static int refuse(import_batch *b, unsigned long line, const ptr_error *err)
{
    return import_refusal_add(&b->rej, &b->nrej, &b->rej_cap, line, err->status, err);
}

static void batch_reset(import_batch *b)
{
    b->n = 0;
    b->used = 0;
    b->nrej = 0;
    b->end_line = 0;
    b->end_bytes = 0;
    b->last = 0;
    memset(&b->stop, 0, sizeof b->stop);
}

/*
 * Hand the filled batch over and take the next empty one into *b: 1 when the
 * creating side asked to stop (the new batch is then only handed over as the
 * last one).
 */
static int hand_over(import_pipe *p, import_batch **b)
{
    (*b)->end_line = p->r->lines;
    (*b)->end_bytes = p->r->bytes;
    pthread_mutex_lock(&p->lock);
    p->full++;
    pthread_cond_broadcast(&p->changed);
    /* With --max-errors the store's refusals of this batch count before the next line. */
    while (p->full == 2 || (p->max_errors && p->full > 0 && !p->stop))
        pthread_cond_wait(&p->changed, &p->lock);
    *b = &p->b[p->next_fill];
    p->next_fill ^= 1u;
    const int stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    batch_reset(*b);
    return stop;
}

static unsigned long rejected_so_far(import_pipe *p, const import_batch *b)
{
    pthread_mutex_lock(&p->lock);
    const unsigned long seen = p->rejected_seen;
    pthread_mutex_unlock(&p->lock);
    return seen + b->nrej;
}

static void *fill(void *arg)
{
    import_pipe *p = arg;
    import_reader *r = p->r;
    import_batch *b = &p->b[0];
    for (;;) {
        ptr_error err;
        ptr_error_clear(&err);
        import_read_kind k = import_read_line(r, &err);
        if (k == IMPORT_END)
            break;
        if (k == IMPORT_REFUSED) {
            if (refuse(b, r->lines, &err) != 0)
                r->stop.oom = 1;
            break;
        }
        if (k == IMPORT_SKIP)
            continue;
        const size_t need = r->len + 1;
        if (IMPORT_TEXT_BYTES - b->used < need && hand_over(p, &b))
            break;
        if (slot_room(b) != 0) {
            r->stop.oom = 1;
            break;
        }
        import_slot *s = &b->slots[b->n];
        k = import_parse(r, b->text + b->used, &s->row, &err);
        if (k == IMPORT_ROW && b->n > 0 && !same_scope(&b->slots[0].row, &s->row)) {
            /* Another tenant: the batch so far is created first; the line is parsed again
             * into the next batch, whose text it must live in. */
            if (hand_over(p, &b))
                break;
            if (slot_room(b) != 0) {
                r->stop.oom = 1;
                break;
            }
            s = &b->slots[0];
            ptr_error_clear(&err);
            k = import_parse(r, b->text, &s->row, &err);
        }
        if (k == IMPORT_REFUSED && refuse(b, r->lines, &err) != 0) {
            r->stop.oom = 1;
            break;
        }
        if (k == IMPORT_ROW) {
            s->line = r->lines;
            b->used += need;
            b->n++;
        }
        if (p->max_errors && rejected_so_far(p, b) >= p->max_errors) {
            r->stop.max_errors = r->lines;
            break;
        }
        /* A batch is its lines, refused or not: refusals too are printed per batch. */
        if ((b->n >= p->batch || b->nrej >= p->batch) && hand_over(p, &b))
            break;
    }
    b->last = 1;
    b->stop = r->stop;
    b->end_line = r->lines;
    b->end_bytes = r->bytes;
    pthread_mutex_lock(&p->lock);
    p->full++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int import_pipe_start(import_pipe *p, import_reader *r, size_t batch, unsigned long max_errors)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    p->batch = batch;
    p->max_errors = max_errors;
    p->next_fill = 1; /* the thread starts on b[0] */
    r->check_rules = 1;
    for (int i = 0; i < 2; i++) {
        p->b[i].text = malloc(IMPORT_TEXT_BYTES);
        if (!p->b[i].text) {
            free(p->b[0].text);
            return -1;
        }
    }
    ptrctl_import_parse_init(); /* jansson's hooks, before a second thread uses jansson */
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&p->changed, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, fill, p) != 0) {
        pthread_cond_destroy(&p->changed);
        pthread_mutex_destroy(&p->lock);
        goto fail;
    }
    p->started = 1;
    return 0;
fail:
    free(p->b[0].text);
    free(p->b[1].text);
    return -1;
}

import_batch *import_pipe_take(import_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->full == 0)
        pthread_cond_wait(&p->changed, &p->lock);
    import_batch *b = &p->b[p->next_take];
    p->next_take ^= 1u;
    pthread_mutex_unlock(&p->lock);
    return b;
}

void import_pipe_give_back(import_pipe *p, unsigned long rejected, int stop)
{
    pthread_mutex_lock(&p->lock);
    p->full--;
    p->rejected_seen = rejected;
    if (stop)
        p->stop = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

void import_pipe_end(import_pipe *p)
{
    if (!p->started)
        return;
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    for (int i = 0; i < 2; i++) {
        free(p->b[i].slots);
        free(p->b[i].text);
        free(p->b[i].rej);
    }
    p->started = 0;
}
