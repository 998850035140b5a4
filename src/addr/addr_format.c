/*
 * Address text: ptr_addr_format, ptr_addr_strlen.
 *
 * The output is byte for byte what glibc's inet_ntop() prints, so logs,
 * API responses and zone files agree with every other tool on the host:
 *
 *  IPv4  dotted decimal.
 *  IPv6  RFC 5952 §4: lower-case hex without leading zeros; the longest run
 *        of two or more zero groups becomes "::", the first run on a tie; a
 *        single zero group stays "0".
 *        The last 32 bits are printed as a dotted quad when the first six
 *        groups are zero and the seventh is not ("::1.2.3.4", RFC 4291
 *        §2.5.5.1 IPv4-compatible), or when the first five are zero and the
 *        sixth is ffff ("::ffff:1.2.3.4", §2.5.5.2 IPv4-mapped). So
 *        "::0.0.1.0" prints as "::100" (seventh group zero),
 *        "::fffe:1.2.3.4" as "::fffe:102:304", and "::ffff:0:0" as
 *        "::ffff:0.0.0.0".
 */
#include <string.h>

#include "util/internal.h"

size_t ptr_addr_strlen(void)
{
    return PTR_ADDR_STRLEN;
}

/* Decimal octet without leading zeros; returns the new end. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        *p++ = (char)('0' + v / 10);
    } else if (v >= 10) {
        *p++ = (char)('0' + v / 10);
    }
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_quad(char *p, const uint8_t b[4])
{
    for (unsigned i = 0; i < 4; i++) {
        if (i)
            *p++ = '.';
        p = put_octet(p, b[i]);
    }
    return p;
}

/* Hex group without leading zeros; returns the new end. */
static char *put_group(char *p, unsigned g)
{
    static const char hex[16] = "0123456789abcdef";
    int shift = g >= 0x1000 ? 12 : g >= 0x100 ? 8 : g >= 0x10 ? 4 : 0;
    for (; shift >= 0; shift -= 4)
        *p++ = hex[(g >> shift) & 0xf];
    return p;
}

/* The address text into tmp (at least PTR_ADDR_STRLEN bytes); returns its length. */
static size_t format6(const uint8_t b[16], char *tmp)
{
    unsigned g[8];
    for (unsigned i = 0; i < 8; i++)
        g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];

    /* Longest zero run, first on a tie (RFC 5952 §4.2.3). */
    unsigned best = 8, best_len = 0;
    for (unsigned i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) /* RFC 5952 §4.2.2: "::" never stands for one group */
        best = 8;

    char *p = tmp;
    for (unsigned i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            i += best_len - 1;
            if (i == 7)
                *p++ = ':';
            continue;
        }
        if (i)
            *p++ = ':';
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && g[5] == 0xffff))) {
            p = put_quad(p, b + 12);
            break;
        }
        p = put_group(p, g[i]);
    }
    return (size_t)(p - tmp);
}

ptr_status ptr_addr_format(const ptr_addr *a, char *buf, size_t cap, size_t *out_len)
{
    if (!a || !buf || (a->family != 4 && a->family != 6))
        return PTR_E_INVAL;
    char tmp[PTR_ADDR_STRLEN];
    const size_t n =
        a->family == 4 ? (size_t)(put_quad(tmp, a->bytes) - tmp) : format6(a->bytes, tmp);
    if (out_len)
        *out_len = n;
    if (cap <= n)
        return PTR_E_BUFFER;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return PTR_OK;
}
