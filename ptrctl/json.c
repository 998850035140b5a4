/*
 * ptrctl's JSON output, on jansson (the JSON layer ptrd uses too). What is
 * ptrctl's own here is the text it hands to jansson: JSON text must be
 * Unicode, and input echoed back in an error message (a bad CSV line) can
 * hold any byte, so each byte that is not part of a valid UTF-8 sequence
 * becomes U+FFFD before jansson sees the string (jansson refuses invalid
 * UTF-8 rather than repairing it). Everything is printed in one layout:
 * `{"key": value, ...}` on one line, the separators ptrctl always used.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptrctl.h"

/* One line, ", " and ": " between items, object keys in insertion order. */
#define DUMP_FLAGS (JSON_INDENT(0) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    const unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

/* The offset of the first byte of s that is not valid UTF-8, or len when all are. */
static size_t utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        const size_t n = utf8_seq(p + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

json_t *jtext(const char *s, size_t len)
{
    if (!s)
        s = "";
    size_t bad = utf8_valid_prefix(s, len);
    if (bad == len) /* the common case: no copy */
        return json_stringn_nocheck(s, len);
    /* Each bad byte becomes the 3 bytes of U+FFFD. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *fixed = malloc(3 * len + 1);
    if (!fixed)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const size_t n = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i);
        if (n == 0) {
            memcpy(fixed + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(fixed + o, p + i, n);
            o += n;
            i += n;
        }
    }
    json_t *v = json_stringn_nocheck(fixed, o);
    free(fixed);
    return v;
}

json_t *jcstr(const char *s)
{
    return jtext(s, s ? strlen(s) : 0);
}

void time_rfc3339(int64_t t, char *buf, size_t cap)
{
    const time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, cap, "1970-01-01T00:00:00Z");
}

json_t *jtime(int64_t t)
{
    char buf[40];
    time_rfc3339(t, buf, sizeof buf);
    return json_string_nocheck(buf);
}

int jset(json_t *obj, const char *key, json_t *value)
{
    /* json_object_set_new takes value even when it fails, and a NULL value (out of memory) is
     * refused there too: the object then lacks the key, and the caller's dump says so. */
    return json_object_set_new_nocheck(obj, key, value);
}

int json_print(FILE *f, json_t *v)
{
    if (!v) { /* out of memory making it: the text stays JSON, an explicit null */
        fputs("null", f);
        return -1;
    }
    const int rc = json_dumpf(v, f, DUMP_FLAGS);
    json_decref(v);
    return rc;
}

void jwrite_text(FILE *f, const char *s, size_t len)
{
    json_print(f, jtext(s, len));
}

void jwrite_cstr(FILE *f, const char *s)
{
    json_print(f, jcstr(s));
}

void jwrite_time(FILE *f, int64_t t)
{
    json_print(f, jtime(t));
}
