/*
 * The import line parser (see import_parse.h). It only turns text into a
 * request: every rule on the values (address, names, TTL range, description,
 * tags) is libptr's, applied by ptr_ctx_create_many, so an import refuses
 * exactly what a create refuses. What is checked here is the syntax: CSV
 * quoting (RFC 4180, one record per line), JSON, known keys and columns, and
 * the shape of each value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <pthread.h>

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
                        "region, project, owner (export's status columns are ignored)");
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

/*
 * A JSON line is parsed by jansson (the JSON layer ptrd uses too) into a
 * tree, and the tree read into the row: the decoded strings are copied into
 * buf, which always has room, as decoded text is never longer than its JSON
 * source. Syntax errors carry jansson's byte position; a value of the wrong
 * shape names its field instead (the tree keeps no positions).
 */

/*
 * jansson allocates every node, key and string of the tree separately; for
 * one short line after another that is most of the parse's time. So while a
 * line is parsed, jansson's memory comes from a bump arena that the next
 * line starts over (its frees are no-ops), and from malloc once the arena is
 * full (a long line) or outside a parse (ptrctl's JSON output). jansson's
 * allocation hooks are the process's (json_set_alloc_funcs), so each thread
 * has its own arena: import parses on a reading thread while the main thread
 * may write JSON, and nothing keeps jansson memory across a parse.
 */
#define ARENA_BYTES ((size_t)64 << 10)

static _Thread_local struct {
    _Alignas(max_align_t) unsigned char mem[ARENA_BYTES];
    size_t used;
    int on; /* a line is being parsed */
} arena;

static void *arena_malloc(size_t n)
{
    const size_t a = _Alignof(max_align_t);
    if (arena.on && n <= ARENA_BYTES - arena.used) {
        const size_t rounded = (n + a - 1) / a * a;
        if (rounded <= ARENA_BYTES - arena.used) {
            void *p = arena.mem + arena.used;
            arena.used += rounded;
            return p;
        }
    }
    return malloc(n);
}

static void arena_free(void *p)
{
    /* As integers: pointers into different objects do not compare in C. A pointer of
     * another thread's arena is never freed here: no tree outlives its parse. */
    const uintptr_t b = (uintptr_t)p, lo = (uintptr_t)arena.mem;
    if (b >= lo && b - lo < ARENA_BYTES)
        return; /* the arena starts over with the next line */
    free(p);
}

static void install_hooks(void)
{
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void ptrctl_import_parse_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_hooks);
}

/* The hooks are installed before jansson allocates anything that is freed through them. */
static void arena_begin(void)
{
    ptrctl_import_parse_init();
    arena.used = 0;
    arena.on = 1;
}

static void arena_end(void)
{
    arena.on = 0;
    arena.used = 0;
}

/* A value of the wrong shape: the field says where, there is no byte to name. */
static ptrctl_line_kind vfail(ptr_error *err, ptr_status st, ptr_field field, const char *msg)
{
    if (err) {
        ptr_error_clear(err);
        err->status = st;
        err->field = field;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return PTRCTL_LINE_ERROR;
}

typedef struct jrow {
    char *buf;
    size_t used;
    ptrctl_import_row *row;
    ptr_error *err;
} jrow;

/* A JSON string's text, copied into buf. */
static ptr_text jcopy(jrow *j, const json_t *v)
{
    const size_t n = json_string_length(v);
    char *dst = j->buf + j->used;
    if (n)
        memcpy(dst, json_string_value(v), n);
    j->used += n;
    return (ptr_text){dst, n};
}

/* A string, else "a string is expected" naming the field (and its index in a list). */
static int jstr_at(jrow *j, const json_t *v, ptr_field f, size_t index, ptr_text *out)
{
    if (!json_is_string(v)) {
        vfail(j->err, PTR_E_INVAL, f, "a string is expected");
        if (j->err)
            j->err->index = (uint32_t)index;
        return -1;
    }
    *out = jcopy(j, v);
    return 0;
}

static int jstr(jrow *j, const json_t *v, ptr_field f, ptr_text *out)
{
    return jstr_at(j, v, f, 0, out);
}

static int jnames(jrow *j, const json_t *v)
{
    ptrctl_import_row *row = j->row;
    if (json_is_string(v)) {
        row->names[0] = jcopy(j, v);
        row->req.name_count = 1;
        return 0;
    }
    if (!json_is_array(v))
        return vfail(j->err, PTR_E_INVAL, PTR_FIELD_NONE, "ptrdnames is an array of strings"), -1;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (row->req.name_count == PTRCTL_ROW_MAX_NAMES)
            return vfail(j->err, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, "far too many names"), -1;
        if (jstr_at(j, e, PTR_FIELD_NAME, i, &row->names[row->req.name_count]) != 0)
            return -1;
        row->req.name_count++;
    }
    return 0;
}

/* ttl: a whole number of seconds, a TTL text ("5m"), or null for the default. */
static int jttl(jrow *j, const json_t *v)
{
    if (json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        if (ptrctl_ttl_value(json_string_value(v), json_string_length(v), &j->row->req.ttl) ==
            PTR_OK)
            return 0;
        return vfail(j->err, PTR_E_TTL, PTR_FIELD_TTL,
                     "not a TTL: give seconds (300) or units s, m, h, d, w (5m, 1h30m)"),
               -1;
    }
    if (json_is_real(v))
        return vfail(j->err, PTR_E_TTL, PTR_FIELD_TTL, "a TTL is a whole number of seconds"), -1;
    if (!json_is_integer(v))
        return vfail(j->err, PTR_E_TTL, PTR_FIELD_TTL, "ttl is a number of seconds"), -1;
    const json_int_t n = json_integer_value(v);
    if (n < 0)
        return vfail(j->err, PTR_E_TTL, PTR_FIELD_TTL, "a TTL cannot be negative"), -1;
    /* Any count of seconds past 32 bits is refused as 2147483648 is: see ptrctl_ttl_value. */
    j->row->req.ttl = (uint64_t)n > UINT32_MAX ? TTL_TOO_LARGE : (int64_t)n;
    return 0;
}

static int jtag(jrow *j, const json_t *v, size_t index, ptr_tag *t)
{
    if (!json_is_object(v))
        return vfail(j->err, PTR_E_INVAL, PTR_FIELD_NONE,
                     "each tag is an object {\"key\": ..., \"value\": ...}"),
               -1;
    int have_key = 0;
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x)
    {
        ptr_text txt;
        const size_t kn = json_object_iter_key_len(json_object_key_to_iter(k));
        if (kn == 3 && memcmp(k, "key", 3) == 0) {
            if (jstr_at(j, x, PTR_FIELD_TAG_KEY, index, &txt) != 0)
                return -1;
            t->key = txt.s;
            t->key_len = txt.len;
            have_key = 1;
        } else if (kn == 5 && memcmp(k, "value", 5) == 0) {
            if (json_is_null(x))
                continue;
            if (jstr_at(j, x, PTR_FIELD_TAG_VALUE, index, &txt) != 0)
                return -1;
            t->value = txt.s;
            t->value_len = txt.len;
        } else {
            return vfail(j->err, PTR_E_TAG, PTR_FIELD_TAGS,
                         "a tag has the keys \"key\" and \"value\", each once"),
                   -1;
        }
    }
    if (!have_key) {
        vfail(j->err, PTR_E_TAG, PTR_FIELD_TAG_KEY, "a tag needs a key");
        if (j->err)
            j->err->index = (uint32_t)index;
        return -1;
    }
    return 0;
}

static int jtags(jrow *j, const json_t *v)
{
    ptrctl_import_row *row = j->row;
    if (json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return vfail(j->err, PTR_E_INVAL, PTR_FIELD_NONE,
                     "tags is an array of {\"key\", \"value\"} objects"),
               -1;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (row->req.tag_count == PTRCTL_ROW_MAX_TAGS)
            return vfail(j->err, PTR_E_TAG_COUNT, PTR_FIELD_TAGS, "far too many tags"), -1;
        ptr_tag *t = &row->tags[row->req.tag_count];
        *t = (ptr_tag){NULL, 0, NULL, 0};
        if (jtag(j, e, i, t) != 0)
            return -1;
        row->req.tag_count++;
    }
    return 0;
}

/* The keys of a line; what `show --json` adds that a create cannot set is read and ignored. */
typedef enum jkey {
    K_ADDRESS,
    K_NAMES,
    K_TTL,
    K_DESCRIPTION,
    K_TAGS,
    K_REGION,
    K_PROJECT,
    K_OWNER,
    K_REVISION,
    K_IGNORED_TEXT, /* read-only strings: id, created_at, updated_at, status, action, dns_error */
    K_UNKNOWN
} jkey;

/* The key's meaning, and in *bit its own bit, shared by synonyms ("ip" and "address"). */
static jkey key_of(const char *k, size_t n, unsigned *bit)
{
    static const struct {
        const char *name;
        jkey key;
        unsigned bit;
    } keys[] = {
        {"ip", K_ADDRESS, 1u << 0},
        {"address", K_ADDRESS, 1u << 0},
        {"ptrdnames", K_NAMES, 1u << 1},
        {"ptrdname", K_NAMES, 1u << 1},
        {"ttl", K_TTL, 1u << 2},
        {"description", K_DESCRIPTION, 1u << 3},
        {"tags", K_TAGS, 1u << 4},
        {"region", K_REGION, 1u << 5},
        {"project", K_PROJECT, 1u << 6},
        {"owner", K_OWNER, 1u << 7},
        {"revision", K_REVISION, 1u << 8},
        {"id", K_IGNORED_TEXT, 1u << 9},
        {"created_at", K_IGNORED_TEXT, 1u << 10},
        {"updated_at", K_IGNORED_TEXT, 1u << 11},
        {"status", K_IGNORED_TEXT, 1u << 12},
        {"action", K_IGNORED_TEXT, 1u << 13},
        {"dns_error", K_IGNORED_TEXT, 1u << 14},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (word_eq(k, n, keys[i].name)) {
            *bit = keys[i].bit;
            return keys[i].key;
        }
    return K_UNKNOWN;
}

static int jfield(jrow *j, jkey key, const json_t *v)
{
    ptrctl_import_row *row = j->row;
    ptr_text ignored;
    switch (key) {
    case K_ADDRESS: return jstr(j, v, PTR_FIELD_ADDRESS, &row->req.address);
    case K_NAMES: return jnames(j, v);
    case K_TTL: return jttl(j, v);
    case K_DESCRIPTION:
        return json_is_null(v) ? 0 : jstr(j, v, PTR_FIELD_DESCRIPTION, &row->req.description);
    case K_TAGS: return jtags(j, v);
    case K_REGION: return jstr(j, v, PTR_FIELD_REGION, &row->region);
    case K_PROJECT: return jstr(j, v, PTR_FIELD_PROJECT, &row->project);
    case K_OWNER: return jstr(j, v, PTR_FIELD_OWNER, &row->owner);
    case K_REVISION:
        if (json_is_integer(v) && json_integer_value(v) >= 0)
            return 0;
        return vfail(j->err, PTR_E_INVAL, PTR_FIELD_NONE, "revision is a number"), -1;
    case K_IGNORED_TEXT: return jstr(j, v, PTR_FIELD_NONE, &ignored);
    default: return -1;
    }
}

/*
 * A number jansson cannot hold (an integer past 64 bits, a real past double)
 * ends at byte end of s: write in its place, padded with spaces, a number
 * that means the same to a line (a TTL past 32 bits, a negative one, a
 * fraction), so the parse can go on and the line gets the verdict it would
 * have with a number in range. The replacement is never longer: such an
 * integer has at least 19 digits, such a real at least 5 characters.
 */
static int clamp_number(char *s, size_t n, size_t end)
{
    if (end > n)
        return -1;
    size_t a = end;
    int real = 0;
    while (a > 0 && strchr("0123456789+-.eE", s[a - 1])) {
        if (strchr(".eE", s[a - 1]))
            real = 1;
        a--;
    }
    const char *with = real ? "0.5" : s[a] == '-' ? "-1" : "4294967295";
    const size_t wn = strlen(with);
    if (end - a < wn)
        return -1;
    memcpy(s + a, with, wn);
    memset(s + a + wn, ' ', end - a - wn);
    return 0;
}

/* Why jansson refused the text, in the words of ptrctl's messages, at a byte of the line. */
static ptrctl_line_kind syntax_fail(ptr_error *err, const json_error_t *je, size_t n)
{
    /* jansson's position is just past the token at fault; a byte that is not UTF-8 it
     * reports before taking it. */
    size_t at = je->position > 0 ? (size_t)je->position - 1 : 0;
    if (json_error_code(je) == json_error_invalid_utf8)
        at = (size_t)je->position;
    char msg[112]; /* and " (byte N of the line)" after it */
    switch (json_error_code(je)) {
    case json_error_end_of_input_expected:
        snprintf(msg, sizeof msg, "text after the JSON object");
        break;
    case json_error_duplicate_key: snprintf(msg, sizeof msg, "a key given twice"); break;
    case json_error_invalid_utf8:
        snprintf(msg, sizeof msg, "not UTF-8: JSON text is Unicode (RFC 8259 section 8.1)");
        break;
    default: snprintf(msg, sizeof msg, "not JSON: %.96s", je->text); break;
    }
    return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, at < n ? at : n, msg);
}

/* A clamped number may leave the line as a copy in buf; it goes once the tree is read. */
#define CLAMP_MAX 64

static ptrctl_line_kind parse_json(const char *s, size_t n, char *buf, ptrctl_import_row *row,
                                   ptr_error *err)
{
    /* Only objects: an array or a bare value is no line (jansson would take any at the top). */
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i == n || s[i] != '{')
        return fail(err, PTR_E_INVAL, PTR_FIELD_NONE, i, "a JSON object is expected");
    /* NUL escapes (\u0000) decode as before, for libptr to refuse in their field. */
    const size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;
    json_error_t je;
    arena_begin();
    json_t *root = json_loadb(s, n, flags, &je);
    for (int tries = 0; !root && json_error_code(&je) == json_error_numeric_overflow; tries++) {
        if (tries == 0)
            memcpy(buf, s, n);
        if (tries == CLAMP_MAX || clamp_number(buf, n, (size_t)je.position) != 0)
            break;
        root = json_loadb(buf, n, flags, &je);
    }
    if (!root) {
        arena_end();
        return syntax_fail(err, &je, n);
    }
    jrow j = {buf, 0, row, err};
    unsigned seen = 0;
    ptrctl_line_kind bad = PTRCTL_LINE_ROW;
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
    {
        unsigned bit = 0;
        /* A key's length, not strlen: "ip\u0000x" is no "ip". */
        const jkey key = key_of(k, json_object_iter_key_len(json_object_key_to_iter(k)), &bit);
        if (key == K_UNKNOWN) {
            bad = vfail(err, PTR_E_INVAL, PTR_FIELD_NONE,
                        "unknown key: a line has ip, ptrdnames, ttl, description, tags, region, "
                        "project, owner (and show's fields, which are ignored)");
            break;
        }
        if (seen & bit) {
            bad = vfail(err, PTR_E_INVAL, PTR_FIELD_NONE, "a key given twice");
            break;
        }
        seen |= bit;
        if (jfield(&j, key, v) != 0) {
            bad = PTRCTL_LINE_ERROR;
            break;
        }
    }
    json_decref(root);
    arena_end();
    if (bad == PTRCTL_LINE_ERROR)
        return PTRCTL_LINE_ERROR;
    if (!(seen & 1u)) /* the bit of ip and address */
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
