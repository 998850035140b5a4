/*
 * Punycode (RFC 3492) decoding, used only to tell whether an "xn--" label is
 * a real A-label (RFC 5890 §2.3.2.1). Internal: not installed, not exported.
 */
#ifndef LIBPTR_PUNYCODE_H
#define LIBPTR_PUNYCODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A DNS label is at most 63 octets (RFC 1035 §2.3.4), and every decoded code
 * point costs at least one input octet, so no valid A-label decodes to more.
 */
#define PTR__PUNYCODE_MAXCP 63

/* Why a payload was refused; the name checker turns each into a message. */
typedef enum ptr__puny_result {
    PTR__PUNY_OK = 0,
    PTR__PUNY_EMPTY,     /* nothing after "xn--" */
    PTR__PUNY_BASIC,     /* a character before the last '-' that is not LDH */
    PTR__PUNY_DIGIT,     /* a character after the last '-' that is not a base-36 digit */
    PTR__PUNY_TRUNCATED, /* input ends inside a variable-length integer */
    PTR__PUNY_OVERFLOW,  /* an intermediate value exceeds 32 bits (RFC 3492 §6.4) */
    PTR__PUNY_CODEPOINT, /* decodes to a surrogate or to a value above U+10FFFF */
    PTR__PUNY_ASCII,     /* decodes to ASCII only: not an A-label */
    PTR__PUNY_TOO_LONG   /* decodes to more than PTR__PUNYCODE_MAXCP code points */
} ptr__puny_result;

/*
 * Decode the Punycode payload in[0..len) (what follows "xn--"; digits are
 * case-insensitive, basic code points are kept as given) into out. On
 * PTR__PUNY_OK, *out_len is the number of code points; otherwise out holds
 * scratch and *out_len is untouched. Never reads beyond in[len - 1].
 */
ptr__puny_result ptr__punycode_decode(const char *in, size_t len, uint32_t out[PTR__PUNYCODE_MAXCP],
                                      size_t *out_len);

#endif /* LIBPTR_PUNYCODE_H */
