/*
 * import's reading side: lines of the file into parsed rows (import_parse.c)
 * and refusals by line number, either one line at a time (--all-or-nothing)
 * or as batches filled by a reading thread while the previous batch is being
 * created (cmd_import.c takes them in order).
 */
#ifndef PTRCTL_IMPORT_READ_H
#define PTRCTL_IMPORT_READ_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "import_parse.h"
#include "ptrctl.h"

/* The decoded text of one batch; its rows point into it. Holds a line of the longest. */
#define IMPORT_TEXT_BYTES ((size_t)4 << 20)

typedef struct import_slot {
    ptrctl_import_row row;
    unsigned long line;
} import_slot;

/* A refused line: kept by the reader per batch, and by cmd_import.c until printed. */
typedef struct import_refusal {
    unsigned long line;
    ptr_status st;
    ptr_error err;
} import_refusal;

/* Why the reading ended early. */
typedef struct import_stop {
    unsigned long too_long;   /* this line was longer than PTRCTL_IMPORT_LINE_MAX */
    unsigned long max_errors; /* --max-errors was reached at this line */
    int bad_header;           /* the header was refused: nothing can be read */
    int read_error;           /* errno in read_errno */
    int read_errno;
    int oom;
} import_stop;

/* The file and where it is: shared by both ways of reading. */
typedef struct import_reader {
    const ptrctl *c;
    FILE *in;
    char *line; /* PTRCTL_IMPORT_LINE_MAX bytes */
    size_t len;
    ptrctl_import_format fmt;
    unsigned long lines; /* lines read so far, the current one included */
    uint64_t bytes;
    int check_rules; /* refuse a line that breaks a rule as it is read (batches) */
    import_stop stop;
} import_reader;

typedef enum import_read_kind {
    IMPORT_ROW,     /* a request in the row */
    IMPORT_REFUSED, /* the line is refused: err says why */
    IMPORT_SKIP,    /* a blank line or a header */
    IMPORT_END      /* the end, or a stop (reader->stop says which) */
} import_read_kind;

/*
 * Read the next line into reader->line: IMPORT_ROW when there is one to
 * parse, IMPORT_REFUSED (with err) for a line that stops the reading (too
 * long, a bad header: reader->stop), IMPORT_SKIP, or IMPORT_END.
 */
import_read_kind import_read_line(import_reader *r, ptr_error *err);
/* Parse the line just read into row, its text into buf (reader->len + 1 bytes). */
import_read_kind import_parse(import_reader *r, char *buf, ptrctl_import_row *row, ptr_error *err);

/*
 * Append a refusal of line with status st to the list (*rej, *n, *cap), which
 * grows as needed: err's text when err is about st, else st alone. 0, or -1
 * when memory ran out (the list unchanged).
 */
int import_refusal_add(import_refusal **rej, size_t *n, size_t *cap, unsigned long line,
                       ptr_status st, const ptr_error *err);

/* A batch: lines for one transaction, and the lines refused while reading them. */
typedef struct import_batch {
    import_slot *slots;
    size_t n, cap;
    char *text; /* IMPORT_TEXT_BYTES */
    size_t used;
    import_refusal *rej;
    size_t nrej, rej_cap;
    unsigned long end_line; /* lines read when it was handed over */
    uint64_t end_bytes;
    int last; /* the reader's last batch: it carries the stop */
    import_stop stop;
} import_batch;

/*
 * The reading thread fills one batch while the other is created; a batch
 * ends at `batch` lines, at `batch` refusals, when its text is full, or
 * before a line of another region, project or owner. With max_errors, the
 * reader waits for each batch to be created before reading on, so that the
 * store's refusals count at the same line as without the thread.
 */
typedef struct import_pipe {
    import_reader *r;
    size_t batch;
    unsigned long max_errors;
    import_batch b[2];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned full; /* batches handed over and not yet given back */
    unsigned next_fill, next_take;
    int stop;                    /* the creating side failed: read no more */
    unsigned long rejected_seen; /* refusals counted by the creating side */
    int started;
} import_pipe;

/* 0 on success; -1 when memory or a thread is lacking. */
int import_pipe_start(import_pipe *p, import_reader *r, size_t batch, unsigned long max_errors);
/* The next batch in file order (the last one has ->last set). */
import_batch *import_pipe_take(import_pipe *p);
/* The batch last taken is done with (batches come back in the order they were taken);
 * rejected is the refusals counted so far; stop: read no more. */
void import_pipe_give_back(import_pipe *p, unsigned long rejected, int stop);
/* After the last batch: the thread is joined and the batches freed. */
void import_pipe_end(import_pipe *p);

#endif /* PTRCTL_IMPORT_READ_H */
