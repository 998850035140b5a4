/*
 * The import line parser: one line of CSV or JSON lines into a create
 * request. No I/O and no state kept between calls (a JSON line is parsed by
 * jansson, which allocates its tree and frees it before returning), so a fuzz
 * target can call it on any bytes. Formats: docs/ptrctl.md, "Import formats".
 */
#ifndef PTRCTL_IMPORT_PARSE_H
#define PTRCTL_IMPORT_PARSE_H

#include <stddef.h>

#include <libptr/libptr.h>

/* Most names and tags one line may hold; the policy's own (lower) limits are libptr's to check. */
#define PTRCTL_ROW_MAX_NAMES 64
#define PTRCTL_ROW_MAX_TAGS  64

/*
 * The longest line import reads, in bytes without its newline. A line of the
 * most a policy allows (10 names of 253 bytes, 20 tags of 128 + 255
 * characters, a description of 255), every character written as a JSON
 * surrogate-pair escape, stays well below it; a longer line is no import line
 * (docs/ptrctl.md, "Import formats").
 */
#define PTRCTL_IMPORT_LINE_MAX 262144

typedef enum ptrctl_format { PTRCTL_FMT_NONE = 0, PTRCTL_FMT_CSV, PTRCTL_FMT_JSONL } ptrctl_format;

/* The CSV columns (0-based, -1 when absent): ip and names are required. */
typedef struct ptrctl_import_format {
    ptrctl_format kind;
    int ncols;
    int col_ip, col_names, col_ttl, col_description, col_tags;
    int col_region, col_project, col_owner;
    /* export's read-only columns (the DNS status), read and ignored */
    int col_status, col_action, col_dns_error;
} ptrctl_import_format;

/* One parsed line: a request whose views point into the caller's buffer and these arrays. */
typedef struct ptrctl_import_row {
    ptr_request req;
    /* The line's own scope; an empty one (len 0) means the importer's default. */
    ptr_text region, project, owner;
    ptr_text names[PTRCTL_ROW_MAX_NAMES];
    ptr_tag tags[PTRCTL_ROW_MAX_TAGS];
} ptrctl_import_row;

typedef enum ptrctl_line_kind {
    PTRCTL_LINE_ROW,  /* a request in the row */
    PTRCTL_LINE_SKIP, /* a blank line, or the CSV header: nothing to create */
    PTRCTL_LINE_ERROR /* err says why (field, byte offset in the line, reason) */
} ptrctl_line_kind;

/*
 * The first non-blank line decides the format: "{" starts JSON lines (and the
 * line is data: the result is PTRCTL_LINE_ROW, parse it next), anything else
 * is a CSV header naming the columns (PTRCTL_LINE_SKIP), or an error.
 */
ptrctl_line_kind ptrctl_import_parse_header(const char *line, size_t len, ptrctl_import_format *fmt,
                                            ptr_error *err);

/*
 * Parse one line (without its "\n"; a final "\r" is ignored) of the format.
 * \p buf receives the decoded text the row points into; \p cap must be at
 * least \p len. The row's request is ptr_request_init()ed and filled; it is
 * only meaningful when the result is PTRCTL_LINE_ROW.
 */
ptrctl_line_kind ptrctl_import_parse_line(const char *line, size_t len,
                                          const ptrctl_import_format *fmt, char *buf, size_t cap,
                                          ptrctl_import_row *row, ptr_error *err);

/*
 * A TTL text as a request takes it (ptr_ttl_parse's syntax), into *out.
 * Digits alone too many for 32 bits give a value above every policy's
 * maximum, so libptr refuses them as it refuses 2147483648. PTR_E_TTL when
 * the text is not a TTL.
 */
ptr_status ptrctl_ttl_value(const char *s, size_t len, int64_t *out);

/*
 * Installs the allocation hooks a JSON line's parse uses (once; the first
 * parse does it too). Call it before a second thread uses jansson.
 */
void ptrctl_import_parse_init(void);

#endif /* PTRCTL_IMPORT_PARSE_H */
