/*
 * Default names: the name an address answers with when its owner set none,
 * such as OTC's "ecs-xx-xx-xx-xx.compute.xxx.com". The template is the
 * operator's; only the placeholders below are replaced, everything else is
 * copied, so a template needs no escaping.
 */
#include <string.h>

#include "record/record_internal.h"

static const char hexdig[] = "0123456789abcdef";

/* Write at most what fits; count everything, so the caller learns the size needed. */
typedef struct out {
    char *buf;
    size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len < o->cap && n <= o->cap - o->len)
        memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_octet(out *o, unsigned v)
{
    char d[3];
    size_t n = 0;
    if (v >= 100)
        d[n++] = (char)('0' + v / 100);
    if (v >= 10)
        d[n++] = (char)('0' + v / 10 % 10);
    d[n++] = (char)('0' + v % 10);
    put(o, d, n);
}

static int match(const char *t, size_t left, const char *ph)
{
    const size_t n = strlen(ph);
    return left >= n && memcmp(t, ph, n) == 0;
}

ptr_status ptr_default_name(const char *tmpl, size_t tmpl_len, const ptr_addr *a, char *buf,
                            size_t cap, size_t *out_len)
{
    if (!a || !buf || (a->family != 4 && a->family != 6) || (!tmpl && tmpl_len))
        return PTR_E_INVAL;
    if (!tmpl) {
        tmpl = PTR_DEFAULT_NAME_TEMPLATE;
        tmpl_len = sizeof PTR_DEFAULT_NAME_TEMPLATE - 1;
    }
    const int v4 = a->family == 4;
    out o = {buf, cap, 0};
    size_t i = 0;
    while (i < tmpl_len) {
        const char *t = tmpl + i;
        const size_t left = tmpl_len - i;
        if (match(t, left, "{dashed}")) {
            if (v4) {
                for (int k = 0; k < 4; k++) {
                    if (k)
                        put(&o, "-", 1);
                    put_octet(&o, a->bytes[k]);
                }
            } else {
                /* Full groups keep the name one fixed shape and free of "--". */
                for (int k = 0; k < 16; k++) {
                    if (k && k % 2 == 0)
                        put(&o, "-", 1);
                    char h[2] = {hexdig[a->bytes[k] >> 4], hexdig[a->bytes[k] & 15]};
                    put(&o, h, 2);
                }
            }
            i += 8;
        } else if (left >= 3 && t[0] == '{' && t[1] >= 'a' && t[1] <= 'd' && t[2] == '}') {
            if (!v4)
                return PTR_E_INVAL;
            put_octet(&o, a->bytes[t[1] - 'a']);
            i += 3;
        } else if (match(t, left, "{hex}")) {
            if (v4)
                return PTR_E_INVAL;
            for (int k = 0; k < 16; k++) {
                char h[2] = {hexdig[a->bytes[k] >> 4], hexdig[a->bytes[k] & 15]};
                put(&o, h, 2);
            }
            i += 5;
        } else {
            put(&o, t, 1);
            i++;
        }
    }
    if (out_len)
        *out_len = o.len;
    if (o.len >= cap)
        return PTR_E_BUFFER;
    buf[o.len] = '\0';
    return PTR_OK;
}
