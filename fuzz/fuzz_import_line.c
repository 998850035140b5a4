/*
 * ptrctl's import line parser (ptrctl/import_parse.c, compiled into this
 * target): ptrctl_import_parse_header, then ptrctl_import_parse_line on the
 * lines after it. Input: lines separated by '\n'. The first is the header (a
 * CSV header, or a JSON line, which is then also the first data line); up to
 * MAX_LINES more are data lines. Each line and its decode buffer sit in their
 * own heap blocks of exactly the line's length, so ASan sees any read or
 * write past either.
 *
 * Properties:
 * - a refusal fills ptr_error consistently (offset inside the line);
 * - a row's views (address, names, description, tag keys and values) lie
 *   inside the decode buffer, which is only as long as the line, and the
 *   counts stay within PTRCTL_ROW_MAX_*;
 * - ptr_request_check on the row agrees with the field checks it is made of:
 *   accepted only when every field passes, and a refusal names a field that
 *   really fails;
 * - round trips: the row written back as a JSON line (when its text is all
 *   UTF-8, as JSON text must be: a CSV line may hold any bytes; once
 *   with non-ASCII raw, once with every valid UTF-8 sequence as \u escapes,
 *   which checks the parser's escape decoding against a decoder written
 *   here) and as a fully quoted CSV line (when its names and tags contain
 *   none of the separators) parses to the same request, byte for byte.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_parse.h"

#define MAX_LINES 8

/* A growable byte string for the re-encoded lines. */
typedef struct sb {
    char *s;
    size_t n, cap;
} sb;

static void put(sb *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n)
            cap *= 2;
        b->s = realloc(b->s, cap);
        FUZZ_CHECK(b->s != NULL);
        b->cap = cap;
    }
    if (n)
        memcpy(b->s + b->n, p, n);
    b->n += n;
}

static void puts_(sb *b, const char *s)
{
    put(b, s, strlen(s));
}

/*
 * Length of the valid UTF-8 sequence at s[0..n) and its code point, or 0 when
 * the bytes there are not one (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). Written here, independent of the parser.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len;
    unsigned v, min;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, v = s[0] & 0x1fu, min = 0x80;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, v = s[0] & 0x0fu, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, v = s[0] & 0x07u, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static void u_escape(sb *b, unsigned v)
{
    char esc[8];
    snprintf(esc, sizeof esc, "\\u%04x", v);
    put(b, esc, 6);
}

/*
 * A JSON string: '"', '\\' and control bytes escaped. With escape_all, each
 * valid UTF-8 sequence becomes a \u escape (a surrogate pair above the BMP),
 * so the parser's escape decoding is checked against utf8_seq; otherwise
 * (and for invalid UTF-8 always) the bytes go raw.
 */
static void jstr(sb *b, const char *s, size_t n, int escape_all)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        char esc[8];
        unsigned cp;
        size_t seq =
            escape_all && c >= 0x80 ? utf8_seq((const unsigned char *)s + i, n - i, &cp) : 0;
        if (seq) {
            if (cp >= 0x10000) {
                u_escape(b, 0xd800 + ((cp - 0x10000) >> 10));
                u_escape(b, 0xdc00 + ((cp - 0x10000) & 0x3ff));
            } else {
                u_escape(b, cp);
            }
            i += seq - 1;
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(b, esc, 6);
        } else {
            put(b, s + i, 1);
        }
    }
    put(b, "\"", 1);
}

static void csv_cell_begin(sb *b)
{
    put(b, "\"", 1);
}

/* Text inside a quoted CSV cell: '"' doubled (RFC 4180). */
static void csv_text(sb *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            put(b, "\"", 1);
        put(b, s + i, 1);
    }
}

static int inside(const char *p, size_t n, const char *buf, size_t cap)
{
    if (n == 0)
        return 1;
    return p >= buf && p <= buf + cap && n <= (size_t)(buf + cap - p);
}

static void check_views(const ptrctl_import_row *row, const char *buf, size_t cap)
{
    const ptr_request *r = &row->req;
    FUZZ_CHECK(r->names == row->names && r->tags == row->tags);
    FUZZ_CHECK(r->name_count <= PTRCTL_ROW_MAX_NAMES && r->tag_count <= PTRCTL_ROW_MAX_TAGS);
    FUZZ_CHECK(inside(r->address.s, r->address.len, buf, cap));
    FUZZ_CHECK(inside(r->description.s, r->description.len, buf, cap));
    FUZZ_CHECK(inside(row->region.s, row->region.len, buf, cap));
    FUZZ_CHECK(inside(row->project.s, row->project.len, buf, cap));
    FUZZ_CHECK(inside(row->owner.s, row->owner.len, buf, cap));
    for (size_t i = 0; i < r->name_count; i++)
        FUZZ_CHECK(inside(r->names[i].s, r->names[i].len, buf, cap));
    for (size_t i = 0; i < r->tag_count; i++) {
        FUZZ_CHECK(inside(r->tags[i].key, r->tags[i].key_len, buf, cap));
        FUZZ_CHECK(r->tags[i].value || r->tags[i].value_len == 0);
        FUZZ_CHECK(inside(r->tags[i].value, r->tags[i].value_len, buf, cap));
    }
    FUZZ_CHECK(r->ttl >= -1 && r->ttl <= (int64_t)UINT32_MAX);
}

static int text_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Same request; a NULL tag value (JSON null) equals "" unless null_matters. */
static int same_request(const ptr_request *a, const ptr_request *b, int null_matters)
{
    if (!text_eq(a->address.s, a->address.len, b->address.s, b->address.len) ||
        a->name_count != b->name_count || a->tag_count != b->tag_count || a->ttl != b->ttl ||
        !text_eq(a->description.s, a->description.len, b->description.s, b->description.len))
        return 0;
    for (size_t i = 0; i < a->name_count; i++)
        if (!text_eq(a->names[i].s, a->names[i].len, b->names[i].s, b->names[i].len))
            return 0;
    for (size_t i = 0; i < a->tag_count; i++) {
        const ptr_tag *x = &a->tags[i], *y = &b->tags[i];
        if (!text_eq(x->key, x->key_len, y->key, y->key_len) ||
            !text_eq(x->value, x->value_len, y->value, y->value_len))
            return 0;
        if (null_matters && (x->value == NULL) != (y->value == NULL))
            return 0;
    }
    return 1;
}

/* Parse a re-encoded line (in an exact-size block) and compare with the original row. */
static void reparse(const sb *line, const ptrctl_import_format *fmt, const ptr_request *want,
                    int null_matters)
{
    char *l = fuzz_dup((const uint8_t *)line->s, line->n);
    char *buf = malloc(line->n ? line->n : 1);
    ptrctl_import_row *row = malloc(sizeof *row);
    FUZZ_CHECK(buf && row);
    ptr_error err;
    ptrctl_line_kind k = ptrctl_import_parse_line(l, line->n, fmt, buf, line->n, row, &err);
    if (k != PTRCTL_LINE_ROW)
        fprintf(stderr, "re-encoded line refused: %s\n", err.message);
    FUZZ_CHECK(k == PTRCTL_LINE_ROW);
    check_views(row, buf, line->n);
    FUZZ_CHECK(same_request(&row->req, want, null_matters));
    free(row);
    free(buf);
    free(l);
}

static int text_is_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned cp;
        const size_t k =
            (unsigned char)s[i] < 0x80 ? 1 : utf8_seq((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Every text of the request is UTF-8 (a JSON line can hold nothing else). */
static int request_is_utf8(const ptr_request *r)
{
    if (!text_is_utf8(r->address.s, r->address.len) ||
        !text_is_utf8(r->description.s, r->description.len))
        return 0;
    for (size_t i = 0; i < r->name_count; i++)
        if (!text_is_utf8(r->names[i].s, r->names[i].len))
            return 0;
    for (size_t i = 0; i < r->tag_count; i++)
        if (!text_is_utf8(r->tags[i].key, r->tags[i].key_len) ||
            !text_is_utf8(r->tags[i].value, r->tags[i].value_len))
            return 0;
    return 1;
}

static void json_round_trip(const ptr_request *r, int escape_all)
{
    sb b = {0};
    puts_(&b, "{\"ip\": ");
    jstr(&b, r->address.s, r->address.len, escape_all);
    puts_(&b, ", \"ptrdnames\": [");
    for (size_t i = 0; i < r->name_count; i++) {
        if (i)
            puts_(&b, ", ");
        jstr(&b, r->names[i].s, r->names[i].len, escape_all);
    }
    puts_(&b, "]");
    if (r->ttl >= 0) {
        char t[32];
        snprintf(t, sizeof t, ", \"ttl\": %lld", (long long)r->ttl);
        puts_(&b, t);
    }
    puts_(&b, ", \"description\": ");
    jstr(&b, r->description.s, r->description.len, escape_all);
    puts_(&b, ", \"tags\": [");
    for (size_t i = 0; i < r->tag_count; i++) {
        puts_(&b, i ? ", {\"key\": " : "{\"key\": ");
        jstr(&b, r->tags[i].key, r->tags[i].key_len, escape_all);
        puts_(&b, ", \"value\": ");
        if (r->tags[i].value)
            jstr(&b, r->tags[i].value, r->tags[i].value_len, escape_all);
        else
            puts_(&b, "null");
        puts_(&b, "}");
    }
    puts_(&b, "]}");
    const ptrctl_import_format fmt = {
        PTRCTL_FMT_JSONL, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    reparse(&b, &fmt, r, 1);
    free(b.s);
}

static int has_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0' || strchr(set, s[i]))
            return 1;
    return 0;
}

/* CSV can hold the row when the splitting of names and tags cannot change it. */
static int csv_representable(const ptr_request *r)
{
    for (size_t i = 0; i < r->name_count; i++) {
        const ptr_text *t = &r->names[i];
        if (t->len == 0 || has_any(t->s, t->len, ";|") || t->s[0] == ' ' || t->s[t->len - 1] == ' ')
            return 0;
    }
    for (size_t i = 0; i < r->tag_count; i++) {
        const ptr_tag *t = &r->tags[i];
        /* "k=v" with k and v empty is "=", which is one tag; a fully empty piece is none. */
        if (has_any(t->key, t->key_len, ";=") || has_any(t->value, t->value_len, ";"))
            return 0;
    }
    return 1;
}

static void csv_round_trip(const ptr_request *r)
{
    if (!csv_representable(r))
        return;
    sb b = {0};
    csv_cell_begin(&b);
    csv_text(&b, r->address.s, r->address.len);
    puts_(&b, "\",\"");
    for (size_t i = 0; i < r->name_count; i++) {
        if (i)
            puts_(&b, ";");
        csv_text(&b, r->names[i].s, r->names[i].len);
    }
    puts_(&b, "\",");
    if (r->ttl >= 0) {
        char t[32];
        snprintf(t, sizeof t, "%lld", (long long)r->ttl);
        puts_(&b, t);
    }
    puts_(&b, ",\"");
    csv_text(&b, r->description.s, r->description.len);
    puts_(&b, "\",\"");
    for (size_t i = 0; i < r->tag_count; i++) {
        if (i)
            puts_(&b, ";");
        csv_text(&b, r->tags[i].key, r->tags[i].key_len);
        puts_(&b, "=");
        csv_text(&b, r->tags[i].value, r->tags[i].value_len);
    }
    puts_(&b, "\"");
    const ptrctl_import_format fmt = {PTRCTL_FMT_CSV, 5, 0, 1, 2, 3, 4, -1, -1, -1, -1, -1, -1};
    reparse(&b, &fmt, r, 0);
    free(b.s);
}

static int address_ok(const ptr_request *r, const ptr_policy *p)
{
    ptr_addr a;
    if (ptr_host_parse(r->address.s, r->address.len, &a) != PTR_OK)
        return 0;
    if (a.family == 6 && !(p->options & PTR_POLICY_IPV6))
        return 0;
    return !(p->options & PTR_POLICY_PUBLIC_ONLY) || ptr_addr_is_public(&a);
}

static int name_ok(const ptr_request *r, size_t i, const ptr_policy *p)
{
    char a[PTR_NAME_BUFSZ], b[PTR_NAME_BUFSZ];
    if (ptr_name_normalize(r->names[i].s, r->names[i].len, p->name_flags, a, sizeof a, NULL,
                           NULL) != PTR_OK)
        return 0;
    for (size_t j = 0; j < i; j++)
        if (ptr_name_normalize(r->names[j].s, r->names[j].len, p->name_flags, b, sizeof b, NULL,
                               NULL) == PTR_OK &&
            strcmp(a, b) == 0)
            return 0;
    return 1;
}

/* What the parser hands to ptr_ctx_create_many, against the field checks. */
static void check_request(const ptr_request *r, const ptr_policy *p)
{
    ptr_error err;
    fuzz_error_prefill(&err);
    const ptr_status st = ptr_request_check(r, p, NULL, &err);
    const int addr = address_ok(r, p);
    const int count = r->name_count >= 1 && r->name_count <= p->max_names;
    size_t bad_name = r->name_count;
    for (size_t i = 0; i < r->name_count && bad_name == r->name_count; i++)
        if (!name_ok(r, i, p))
            bad_name = i;
    const int names = bad_name == r->name_count;
    const int ttl = r->ttl == -1 || ptr_ttl_check(r->ttl, p) == PTR_OK;
    const int desc = ptr_description_check(r->description.s, r->description.len, p, NULL) == PTR_OK;
    const int tags = ptr_tags_check(r->tags, r->tag_count, p, NULL) == PTR_OK;
    if (st == PTR_OK) {
        FUZZ_CHECK(fuzz_error_untouched(&err));
        FUZZ_CHECK(addr && count && names && ttl && desc && tags);
        return;
    }
    FUZZ_CHECK(err.status == st);
    switch (err.field) {
    case PTR_FIELD_ADDRESS: FUZZ_CHECK(!addr); break;
    case PTR_FIELD_NAMES: FUZZ_CHECK(addr && !count); break;
    case PTR_FIELD_NAME: FUZZ_CHECK(addr && count && err.index == bad_name); break;
    case PTR_FIELD_TTL: FUZZ_CHECK(addr && count && names && !ttl); break;
    case PTR_FIELD_DESCRIPTION: FUZZ_CHECK(addr && count && names && ttl && !desc); break;
    case PTR_FIELD_TAGS:
    case PTR_FIELD_TAG_KEY:
    case PTR_FIELD_TAG_VALUE: FUZZ_CHECK(addr && count && names && ttl && desc && !tags); break;
    default: fuzz_fail("ptr_request_check refused with an unexpected field", __FILE__, __LINE__);
    }
}

static void one_line(const uint8_t *d, size_t n, const ptrctl_import_format *fmt)
{
    char *line = fuzz_dup(d, n);
    /* The contract asks for cap >= len: give exactly len, so an overrun is an ASan report. */
    char *buf = malloc(n ? n : 1);
    ptrctl_import_row *row = malloc(sizeof *row);
    FUZZ_CHECK(buf && row);
    ptr_error err;
    fuzz_error_prefill(&err);
    const ptrctl_line_kind k =
        ptrctl_import_parse_line(line ? line : "", n, fmt, buf, n, row, &err);
    if (k == PTRCTL_LINE_ERROR) {
        FUZZ_CHECK(err.status != PTR_OK);
        fuzz_check_error(&err, err.status, n);
    } else if (k == PTRCTL_LINE_ROW) {
        check_views(row, buf, n);
        ptr_policy huawei, strict;
        ptr_policy_init(&huawei);
        ptr_policy_init(&strict);
        strict.options = PTR_POLICY_IPV6 | PTR_POLICY_PUBLIC_ONLY;
        strict.max_names = 3;
        check_request(&row->req, &huawei);
        check_request(&row->req, &strict);
        if (request_is_utf8(&row->req)) {
            json_round_trip(&row->req, 0);
            json_round_trip(&row->req, 1);
        }
        csv_round_trip(&row->req);
    } else {
        FUZZ_CHECK(k == PTRCTL_LINE_SKIP);
    }
    free(row);
    free(buf);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t end = 0;
    while (end < size && data[end] != '\n')
        end++;
    ptrctl_import_format fmt;
    ptr_error err;
    char *header = fuzz_dup(data, end);
    fuzz_error_prefill(&err);
    const ptrctl_line_kind hk = ptrctl_import_parse_header(header ? header : "", end, &fmt, &err);
    free(header);
    if (hk == PTRCTL_LINE_ERROR) {
        fuzz_check_error(&err, err.status, end);
        return 0;
    }
    if (hk == PTRCTL_LINE_ROW) {
        FUZZ_CHECK(fmt.kind == PTRCTL_FMT_JSONL);
        one_line(data, end, &fmt);
    } else {
        FUZZ_CHECK(fmt.kind == PTRCTL_FMT_CSV && fmt.ncols >= 2 && fmt.ncols <= 11);
    }
    size_t at = end + 1;
    for (int i = 0; i < MAX_LINES && at <= size; i++) {
        size_t e = at;
        while (e < size && data[e] != '\n')
            e++;
        one_line(data + at, e - at, &fmt);
        at = e + 1;
    }
    return 0;
}
