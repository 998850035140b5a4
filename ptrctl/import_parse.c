/*
 * The import line parser (see import_parse.h). It only turns text into a
 * request: every rule on the values (address, names, TTL range, description,
 * tags) is libptr's, applied by ptr_ctx_create_many, so an import refuses
 * exactly what a create refuses. What is checked here is the syntax: CSV
 * quoting (RFC 4180, one record per line), JSON, known keys and columns, and
 * the shape of each value.
 */
#include <stdio.h>
#include <string.h>

#include "import_parse.h"

static ptrctl_line_kind fail(ptr_error *err, ptr_status st, ptr_field field, size_t off,
                             const char *msg)
{
    if (err) {
        ptr_error_clear(err);
        err->status = st;
        err->field = field;
        err->offset = off;
        snprintf(err->message, sizeof err->message, "%s (byte %zu of the line)", msg, off + 1);
    }
    return PTRCTL_LINE_ERROR;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static size_t strip_cr(const char *s, size_t n)
{
    return (n && s[n - 1] == '\r') ? n - 1 : n;
}

/* Equal ignoring ASCII case, for header names. */
static int word_eq(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && w[i]; i++) {
        char a = s[i], b = w[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return i == n && w[i] == '\0';
}

/* ---- CSV ---------------------------------------------------------------------- */

/*
 * The next field of a CSV line starting at *pos, decoded into buf at *used.
 * RFC 4180: a field is either plain (no quote inside) or wholly quoted, with
 * "" for a quote. Returns 1 with the field, 0 at the end of the line, -1 on a
 * syntax error (err filled).
 */
static int csv_field(const char *s, size_t n, size_t *pos, int *done, char *buf, size_t *used,
                     ptr_text *out, ptr_error *err)
{
    size_t i = *pos;
    char *dst = buf + *used;
    size_t len = 0;
    if (*done)
        return 0;
    if (i < n && s[i] == '"') {
        i++;
        for (;;) {
            if (i >= n) {
                fail(err, PTR_E_INVAL, PTR_FIELD_NONE, *pos,
                     "a quoted CSV field is not closed (a field cannot span lines)");
                return -1;
            }
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    dst[len++] = '"';
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            dst[len++] = s[i++];
        }
        if (i < n && s[i] != ',') {
            fail(err, PTR_E_INVAL, PTR_FIELD_NONE, i,
                 "text after the closing quote of a CSV field");
            return -1;
        }
    } else {
        while (i < n && s[i] != ',') {
            if (s[i] == '"') {
                fail(err, PTR_E_INVAL, PTR_FIELD_NONE, i,
                     "a quote inside an unquoted CSV field (quote the whole field)");
                return -1;
            }
            dst[len++] = s[i++];
        }
    }
    if (i < n)
        i++; /* the comma */
    else
        *done = 1;
    *pos = i;
    *out = (ptr_text){dst, len};
    *used += len;
    return 1;
}

ptrctl_line_kind ptrctl_import_parse_header(const char *line, size_t len, ptrctl_import_format *fmt,
                                            ptr_error *err)
{
    memset(fmt, 0, sizeof *fmt);
    fmt->col_ip = fmt->col_names = fmt->col_ttl = fmt->col_description = fmt->col_tags = -1;
    fmt->col_region = fmt->col_project = fmt->col_owner = -1;
    fmt->col_status = fmt->col_action = fmt->col_dns_error = -1;
    len = strip_cr(line, len);
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] == '{') {
        fmt->kind = PTRCTL_FMT_JSONL;
        return PTRCTL_LINE_ROW;
    }
    fmt->kind = PTRCTL_FMT_CSV;
    size_t pos = 0;
    int col = 0;
    while (pos <= len) {
        const size_t start = pos;
        const char *e = memchr(line + pos, ',', len - pos);
        size_t end = e ? (size_t)(e - line) : len;
        size_t a = start, b = end;
        while (a < b && (line[a] == ' ' || line[a] == '\t'))
            a++;
        while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
            b--;
        const char *w = line + a;
        const size_t wn = b - a;
        int *slot = NULL;
        if (word_eq(w, wn, "ip") || word_eq(w, wn, "address"))
            slot = &fmt->col_ip;
        else if (word_eq(w, wn, "names") || word_eq(w, wn, "ptrdnames") ||
                 word_eq(w, wn, "ptrdname"))
            slot = &fmt->col_names;
        else if (word_eq(w, wn, "ttl"))
            slot = &fmt->col_ttl;
        else if (word_eq(w, wn, "description"))
            slot = &fmt->col_description;
        else if (word_eq(w, wn, "tags"))
            slot = &fmt->col_tags;
        else if (word_eq(w, wn, "region"))
            slot = &fmt->col_region;
        else if (word_eq(w, wn, "project"))
            slot = &fmt->col_project;
        else if (word_eq(w, wn, "owner"))
            slot = &fmt->col_owner;
        else if (word_eq(w, wn, "status"))
            slot = &fmt->col_status;
        else if (word_eq(w, wn, "action"))
            slot = &fmt->col_action;
        else if (word_eq(w, wn, "dns_error"))
            slot = &fmt->col_dns_error;
        if (!slot)
            return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, a,
                        "unknown CSV column: the header names ip, names, ttl, description, tags, "
                        "region, project, owner (and export's status, action, dns_error, which "
                        "are ignored)");
        if (*slot >= 0)
            return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, a, "a CSV column named twice");
        *slot = col++;
        if (!e)
            break;
        pos = end + 1;
    }
    fmt->ncols = col;
    if (fmt->col_ip < 0 || fmt->col_names < 0)
        return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0,
                    "the CSV header must name the columns ip and names");
    return PTRCTL_LINE_SKIP;
}

/* "a.example.com;b.example.com" or with '|': names, spaces around each trimmed. */
static ptrctl_line_kind split_names(ptr_text cell, size_t off, ptrctl_import_row *row,
                                    ptr_error *err)
{
    size_t i = 0;
    while (i <= cell.len) {
        size_t j = i;
        while (j < cell.len && cell.s[j] != ';' && cell.s[j] != '|')
            j++;
        size_t a = i, b = j;
        while (a < b && cell.s[a] == ' ')
            a++;
        while (b > a && cell.s[b - 1] == ' ')
            b--;
        if (b > a) {
            if (row->req.name_count == PTRCTL_ROW_MAX_NAMES)
                return fail(err, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, off, "far too many names");
            row->names[row->req.name_count++] = (ptr_text){cell.s + a, b - a};
        }
        i = j + 1;
    }
    return PTRCTL_LINE_ROW;
}

/* "k=v;k2=v2": split at ';', each at its first '=' (no '=': an empty value). */
static ptrctl_line_kind split_tags(ptr_text cell, size_t off, ptrctl_import_row *row,
                                   ptr_error *err)
{
    size_t i = 0;
    while (i <= cell.len) {
        size_t j = i;
        while (j < cell.len && cell.s[j] != ';')
            j++;
        if (j > i) {
            if (row->req.tag_count == PTRCTL_ROW_MAX_TAGS)
                return fail(err, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, off, "far too many tags");
            const char *k = cell.s + i;
            const char *eq = memchr(k, '=', j - i);
            ptr_tag *t = &row->tags[row->req.tag_count++];
            t->key = k;
            t->key_len = eq ? (size_t)(eq - k) : j - i;
            t->value = eq ? eq + 1 : k + (j - i);
            t->value_len = eq ? (size_t)(cell.s + j - (eq + 1)) : 0;
        }
        i = j + 1;
    }
    return PTRCTL_LINE_ROW;
}

/*
 * What a number of seconds too large for 32 bits becomes: the largest that
 * ptr_ttl_parse gives, above every policy's maximum (RFC 2181 §8 caps a TTL
 * at 2^31 - 1), so libptr refuses it as it refuses 2147483648.
 */
#define TTL_TOO_LARGE ((int64_t)UINT32_MAX)

ptr_status ptrctl_ttl_value(const char *s, size_t len, int64_t *out)
{
    uint32_t v = 0;
    if (ptr_ttl_parse(s, len, &v) == PTR_OK) {
        *out = v;
        return PTR_OK;
    }
    /* Digits alone are seconds however many there are: 99999999999 gets the answer
     * 2147483648 gets ("above the policy's maximum"), not "not a TTL". */
    if (len == 0)
        return PTR_E_TTL;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return PTR_E_TTL;
    *out = TTL_TOO_LARGE;
    return PTR_OK;
}

static ptrctl_line_kind ttl_text(ptr_text t, size_t off, ptrctl_import_row *row, ptr_error *err)
{
    if (ptrctl_ttl_value(t.s, t.len, &row->req.ttl) != PTR_OK)
        return fail(err, PTR_E_TTL, PTR_FIELD_TTL, off,
                    "not a TTL: give seconds (300) or units s, m, h, d, w (5m, 1h30m)");
    return PTRCTL_LINE_ROW;
}

/* At most one of each column: the eight import reads and export's three it ignores. */
#define CSV_MAX_COLS 11

static ptrctl_line_kind parse_csv(const char *s, size_t n, const ptrctl_import_format *fmt,
                                  char *buf, ptrctl_import_row *row, ptr_error *err)
{
    size_t pos = 0, used = 0, at[CSV_MAX_COLS];
    int done = 0, col = 0, r;
    ptr_text cells[CSV_MAX_COLS], cell;
    /* Split first: with a wrong number of fields the columns do not line up, say that. */
    size_t start = 0;
    while ((r = csv_field(s, n, &pos, &done, buf, &used, &cell, err)) > 0) {
        if (col >= fmt->ncols || col >= CSV_MAX_COLS)
            return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, start,
                        "more CSV fields than the header has columns");
        at[col] = start;
        cells[col++] = cell;
        start = pos;
    }
    if (r < 0)
        return PTRCTL_LINE_ERROR;
    if (col != fmt->ncols)
        return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, n,
                    "fewer CSV fields than the header has columns");
    ptrctl_line_kind k = PTRCTL_LINE_ROW;
    row->req.address = cells[fmt->col_ip];
    k = split_names(cells[fmt->col_names], at[fmt->col_names], row, err);
    if (k == PTRCTL_LINE_ROW && fmt->col_ttl >= 0 && cells[fmt->col_ttl].len)
        k = ttl_text(cells[fmt->col_ttl], at[fmt->col_ttl], row, err);
    if (k == PTRCTL_LINE_ROW && fmt->col_description >= 0)
        row->req.description = cells[fmt->col_description];
    if (k == PTRCTL_LINE_ROW && fmt->col_tags >= 0)
        k = split_tags(cells[fmt->col_tags], at[fmt->col_tags], row, err);
    if (fmt->col_region >= 0)
        row->region = cells[fmt->col_region];
    if (fmt->col_project >= 0)
        row->project = cells[fmt->col_project];
    if (fmt->col_owner >= 0)
        row->owner = cells[fmt->col_owner];
    return k;
}

/* ---- JSON lines ------------------------------------------------------------------- */

typedef struct jp {
    const char *s;
    size_t n, i;
    char *buf;
    size_t used;
    ptr_error *err;
} jp;

static void ws(jp *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' || p->s[p->i] == '\n'))
        p->i++;
}

static int jfail(jp *p, ptr_status st, ptr_field f, const char *msg)
{
    fail(p->err, st, f, p->i, msg);
    return -1;
}

static int expect(jp *p, char c, const char *msg)
{
    ws(p);
    if (p->i >= p->n || p->s[p->i] != c)
        return jfail(p, PTR_E_INVAL, PTR_FIELD_NONE, msg);
    p->i++;
    return 0;
}

static int hex4(jp *p, unsigned *out)
{
    if (p->n - p->i < 4)
        return jfail(p, PTR_E_INVAL, PTR_FIELD_NONE, "a \\u escape needs 4 hex digits");
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        const char c = p->s[p->i++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return jfail(p, PTR_E_INVAL, PTR_FIELD_NONE, "a \\u escape needs 4 hex digits");
    }
    *out = v;
    return 0;
}

/*
 * A JSON string, decoded (UTF-8) into buf. The decoded form is never longer
 * than its source, so buf (as long as the line) always has room.
 */
static int jstring(jp *p, ptr_field f, ptr_text *out)
{
    ws(p);
    if (p->i >= p->n || p->s[p->i] != '"')
        return jfail(p, PTR_E_INVAL, f, "a string is expected");
    p->i++;
    char *dst = p->buf + p->used;
    size_t len = 0;
    for (;;) {
        if (p->i >= p->n)
            return jfail(p, PTR_E_INVAL, f, "the string is not closed");
        const unsigned char c = (unsigned char)p->s[p->i++];
        if (c == '"')
            break;
        if (c < 0x20)
            return jfail(p, PTR_E_INVAL, f, "a control character inside a JSON string");
        if (c != '\\') {
            dst[len++] = (char)c;
            continue;
        }
        if (p->i >= p->n)
            return jfail(p, PTR_E_INVAL, f, "the string is not closed");
        const char e = p->s[p->i++];
        unsigned cp;
        switch (e) {
        case '"': dst[len++] = '"'; continue;
        case '\\': dst[len++] = '\\'; continue;
        case '/': dst[len++] = '/'; continue;
        case 'b': dst[len++] = '\b'; continue;
        case 'f': dst[len++] = '\f'; continue;
        case 'n': dst[len++] = '\n'; continue;
        case 'r': dst[len++] = '\r'; continue;
        case 't': dst[len++] = '\t'; continue;
        case 'u': break;
        default: return jfail(p, PTR_E_INVAL, f, "an unknown escape in a JSON string");
        }
        if (hex4(p, &cp) != 0)
            return -1;
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return jfail(p, PTR_E_INVAL, f, "a lone low surrogate in a \\u escape");
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
                return jfail(p, PTR_E_INVAL, f, "a high surrogate without its low half");
            p->i += 2;
            if (hex4(p, &lo) != 0)
                return -1;
            if (lo < 0xdc00 || lo > 0xdfff)
                return jfail(p, PTR_E_INVAL, f, "a high surrogate without its low half");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        /* 6 source bytes (12 for a pair) become at most 3 (4) UTF-8 bytes. */
        if (cp < 0x80) {
            dst[len++] = (char)cp;
        } else if (cp < 0x800) {
            dst[len++] = (char)(0xc0 | (cp >> 6));
            dst[len++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            dst[len++] = (char)(0xe0 | (cp >> 12));
            dst[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            dst[len++] = (char)(0x80 | (cp & 0x3f));
        } else {
            dst[len++] = (char)(0xf0 | (cp >> 18));
            dst[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            dst[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            dst[len++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    *out = (ptr_text){dst, len};
    p->used += len;
    return 0;
}

static int jnull(jp *p)
{
    ws(p);
    if (p->n - p->i >= 4 && memcmp(p->s + p->i, "null", 4) == 0) {
        p->i += 4;
        return 1;
    }
    return 0;
}

/* ttl: a whole number of seconds, a TTL text ("5m"), or null for the default. */
static int jttl(jp *p, ptrctl_import_row *row)
{
    ws(p);
    if (jnull(p))
        return 0;
    if (p->i < p->n && p->s[p->i] == '"') {
        ptr_text t;
        if (jstring(p, PTR_FIELD_TTL, &t) != 0)
            return -1;
        return ttl_text(t, p->i, row, p->err) == PTRCTL_LINE_ROW ? 0 : -1;
    }
    if (p->i < p->n && p->s[p->i] == '-')
        return jfail(p, PTR_E_TTL, PTR_FIELD_TTL, "a TTL cannot be negative");
    uint64_t v = 0;
    const size_t start = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        v = v * 10 + (uint64_t)(p->s[p->i++] - '0');
        if (v > UINT32_MAX)
            v = (uint64_t)TTL_TOO_LARGE; /* and stays there: see ptrctl_ttl_value */
    }
    if (p->i == start)
        return jfail(p, PTR_E_TTL, PTR_FIELD_TTL, "ttl is a number of seconds");
    if (p->i < p->n && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E'))
        return jfail(p, PTR_E_TTL, PTR_FIELD_TTL, "a TTL is a whole number of seconds");
    row->req.ttl = (int64_t)v;
    return 0;
}

/* A JSON array: '[', elements read by elem and separated by ',', then ']'. */
static int jarray(jp *p, ptrctl_import_row *row, int (*elem)(jp *, ptrctl_import_row *),
                  const char *not_array, const char *bad_separator)
{
    if (expect(p, '[', not_array) != 0)
        return -1;
    ws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
        return 0;
    }
    for (;;) {
        if (elem(p, row) != 0)
            return -1;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        return expect(p, ']', bad_separator);
    }
}

static int jname(jp *p, ptrctl_import_row *row)
{
    if (row->req.name_count == PTRCTL_ROW_MAX_NAMES)
        return jfail(p, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, "far too many names");
    if (jstring(p, PTR_FIELD_NAME, &row->names[row->req.name_count]) != 0)
        return -1;
    row->req.name_count++;
    return 0;
}

static int jnames(jp *p, ptrctl_import_row *row)
{
    return jarray(p, row, jname, "ptrdnames is an array of strings",
                  "',' or ']' expected in ptrdnames");
}

static int jtag(jp *p, ptr_tag *t)
{
    int have_key = 0, have_value = 0;
    if (expect(p, '{', "each tag is an object {\"key\": ..., \"value\": ...}") != 0)
        return -1;
    ws(p);
    if (p->i < p->n && p->s[p->i] == '}')
        return jfail(p, PTR_E_TAG, PTR_FIELD_TAG_KEY, "a tag needs a key");
    for (;;) {
        ptr_text k, v;
        if (jstring(p, PTR_FIELD_NONE, &k) != 0 || expect(p, ':', "':' expected") != 0)
            return -1;
        if (k.len == 3 && memcmp(k.s, "key", 3) == 0 && !have_key) {
            if (jstring(p, PTR_FIELD_TAG_KEY, &v) != 0)
                return -1;
            t->key = v.s;
            t->key_len = v.len;
            have_key = 1;
        } else if (k.len == 5 && memcmp(k.s, "value", 5) == 0 && !have_value) {
            if (!jnull(p)) {
                if (jstring(p, PTR_FIELD_TAG_VALUE, &v) != 0)
                    return -1;
                t->value = v.s;
                t->value_len = v.len;
            }
            have_value = 1;
        } else {
            return jfail(p, PTR_E_TAG, PTR_FIELD_TAGS,
                         "a tag has the keys \"key\" and \"value\", each once");
        }
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (expect(p, '}', "',' or '}' expected in a tag") != 0)
            return -1;
        break;
    }
    if (!have_key)
        return jfail(p, PTR_E_TAG, PTR_FIELD_TAG_KEY, "a tag needs a key");
    return 0;
}

static int jtag_row(jp *p, ptrctl_import_row *row)
{
    if (row->req.tag_count == PTRCTL_ROW_MAX_TAGS)
        return jfail(p, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, "far too many tags");
    ptr_tag *t = &row->tags[row->req.tag_count];
    *t = (ptr_tag){NULL, 0, NULL, 0};
    if (jtag(p, t) != 0)
        return -1;
    row->req.tag_count++;
    return 0;
}

static int jtags(jp *p, ptrctl_import_row *row)
{
    return jarray(p, row, jtag_row, "tags is an array of {\"key\", \"value\"} objects",
                  "',' or ']' expected in tags");
}

enum {
    K_ADDRESS = 1,
    K_NAMES = 2,
    K_TTL = 4,
    K_DESCRIPTION = 8,
    K_TAGS = 16,
    K_REGION = 32,
    K_PROJECT = 64,
    K_OWNER = 128,
    /* What `show --json` adds that a create cannot set: read and ignored. */
    K_ID = 256,
    K_CREATED = 512,
    K_UPDATED = 1024,
    K_REVISION = 2048,
    K_STATUS = 4096,
    K_ACTION = 8192,
    K_DNS_ERROR = 16384
};

/* A JSON number (revision): digits only, skipped. */
static int jdigits(jp *p)
{
    ws(p);
    const size_t start = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > start ? 0 : jfail(p, PTR_E_INVAL, PTR_FIELD_NONE, "a number is expected");
}

static ptrctl_line_kind parse_json(const char *s, size_t n, char *buf, ptrctl_import_row *row,
                                   ptr_error *err)
{
    jp p = {s, n, 0, buf, 0, err};
    unsigned seen = 0;
    if (expect(&p, '{', "a JSON object is expected") != 0)
        return PTRCTL_LINE_ERROR;
    ws(&p);
    if (p.i < p.n && p.s[p.i] == '}') {
        p.i++;
    } else {
        for (;;) {
            ptr_text k;
            const size_t at = p.i;
            if (jstring(&p, PTR_FIELD_NONE, &k) != 0 || expect(&p, ':', "':' expected") != 0)
                return PTRCTL_LINE_ERROR;
            unsigned key;
            int r;
            if (word_eq(k.s, k.len, "ip") || word_eq(k.s, k.len, "address"))
                key = K_ADDRESS;
            else if (word_eq(k.s, k.len, "ptrdnames") || word_eq(k.s, k.len, "ptrdname"))
                key = K_NAMES;
            else if (word_eq(k.s, k.len, "ttl"))
                key = K_TTL;
            else if (word_eq(k.s, k.len, "description"))
                key = K_DESCRIPTION;
            else if (word_eq(k.s, k.len, "tags"))
                key = K_TAGS;
            else if (word_eq(k.s, k.len, "region"))
                key = K_REGION;
            else if (word_eq(k.s, k.len, "project"))
                key = K_PROJECT;
            else if (word_eq(k.s, k.len, "owner"))
                key = K_OWNER;
            else if (word_eq(k.s, k.len, "id"))
                key = K_ID;
            else if (word_eq(k.s, k.len, "created_at"))
                key = K_CREATED;
            else if (word_eq(k.s, k.len, "updated_at"))
                key = K_UPDATED;
            else if (word_eq(k.s, k.len, "revision"))
                key = K_REVISION;
            else if (word_eq(k.s, k.len, "status"))
                key = K_STATUS;
            else if (word_eq(k.s, k.len, "action"))
                key = K_ACTION;
            else if (word_eq(k.s, k.len, "dns_error"))
                key = K_DNS_ERROR;
            else
                return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, at,
                            "unknown key: a line has ip (or address), ptrdnames (or ptrdname), "
                            "ttl, description, tags, region, project, owner (and show's id, "
                            "created_at, updated_at, revision, status, action, dns_error, which "
                            "are ignored)");
            if (seen & key)
                return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, at, "a key given twice");
            seen |= key;
            if (key == K_ADDRESS) {
                r = jstring(&p, PTR_FIELD_ADDRESS, &row->req.address);
            } else if (key == K_NAMES) {
                ws(&p);
                if (p.i < p.n && p.s[p.i] == '"') {
                    r = jstring(&p, PTR_FIELD_NAME, &row->names[0]);
                    row->req.name_count = r == 0;
                } else {
                    r = jnames(&p, row);
                }
            } else if (key == K_TTL) {
                r = jttl(&p, row);
            } else if (key == K_DESCRIPTION) {
                r = jnull(&p) ? 0 : jstring(&p, PTR_FIELD_DESCRIPTION, &row->req.description);
            } else if (key == K_TAGS) {
                r = jnull(&p) ? 0 : jtags(&p, row);
            } else if (key == K_REGION) {
                r = jstring(&p, PTR_FIELD_REGION, &row->region);
            } else if (key == K_PROJECT) {
                r = jstring(&p, PTR_FIELD_PROJECT, &row->project);
            } else if (key == K_OWNER) {
                r = jstring(&p, PTR_FIELD_OWNER, &row->owner);
            } else if (key == K_REVISION) {
                r = jdigits(&p);
            } else {
                ptr_text ignored;
                r = jstring(&p, PTR_FIELD_NONE, &ignored);
            }
            if (r != 0)
                return PTRCTL_LINE_ERROR;
            ws(&p);
            if (p.i < p.n && p.s[p.i] == ',') {
                p.i++;
                continue;
            }
            if (expect(&p, '}', "',' or '}' expected") != 0)
                return PTRCTL_LINE_ERROR;
            break;
        }
    }
    ws(&p);
    if (p.i != p.n)
        return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, p.i, "text after the JSON object");
    if (!(seen & K_ADDRESS))
        return fail(err, PTR_E_ADDR, PTR_FIELD_ADDRESS, 0, "the line has no ip");
    return PTRCTL_LINE_ROW;
}

ptrctl_line_kind ptrctl_import_parse_line(const char *line, size_t len,
                                          const ptrctl_import_format *fmt, char *buf, size_t cap,
                                          ptrctl_import_row *row, ptr_error *err)
{
    ptr_request_init(&row->req);
    row->req.names = row->names;
    row->req.tags = row->tags;
    row->region = row->project = row->owner = (ptr_text){NULL, 0};
    if (!line || !fmt || !buf || cap < len)
        return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, "parser misuse");
    len = strip_cr(line, len);
    if (is_blank(line, len))
        return PTRCTL_LINE_SKIP;
    if (fmt->kind == PTRCTL_FMT_JSONL)
        return parse_json(line, len, buf, row, err);
    if (fmt->kind == PTRCTL_FMT_CSV)
        return parse_csv(line, len, fmt, buf, row, err);
    return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, "no format");
}
