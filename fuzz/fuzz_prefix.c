/*
 * ptr_prefix_parse: CIDR "ADDRESS/LEN", or a bare address (full length).
 *
 * The oracle splits at the first '/', parses the address part with
 * ptr_addr_parse, and accepts exactly when LEN is canonical decimal ("0" or
 * no leading zero), at most 32 (IPv4) or 128 (IPv6), and every address bit
 * beyond LEN is zero. Anything else must be PTR_E_ADDR.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* 1 when every bit of a beyond the first len bits is zero. */
static int host_bits_zero(const ptr_addr *a, unsigned len)
{
    for (unsigned bit = len; bit < 128; bit++)
        if (a->bytes[bit / 8] & (0x80u >> (bit % 8)))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ptr_addr got;
    unsigned got_len = 9999;
    const ptr_status st = ptr_prefix_parse(s, size, &got, &got_len);
    if (fuzz_unsupported(st, "ptr_prefix_parse"))
        return 0;

    const char *slash = size > 0 ? memchr(s, '/', size) : NULL;
    const size_t alen = slash ? (size_t)(slash - s) : size;
    char *addr_text = fuzz_dup(data, alen);
    ptr_addr want;
    const ptr_status ast = ptr_addr_parse(addr_text, alen, &want);
    free(addr_text);
    if (fuzz_unsupported(ast, "ptr_addr_parse"))
        return 0;
    if (ast != PTR_OK) {
        FUZZ_STATUS(st, PTR_E_ADDR);
        return 0;
    }

    const unsigned full = want.family == 4 ? 32u : 128u;
    unsigned want_len = full;
    if (slash) {
        char *len_text = fuzz_dup(data + alen + 1, size - alen - 1);
        const enum fuzz_dec cls = fuzz_decimal(len_text, size - alen - 1, &want_len);
        free(len_text);
        if (cls != FUZZ_DEC_CANON || want_len > full || !host_bits_zero(&want, want_len)) {
            FUZZ_STATUS(st, PTR_E_ADDR);
            return 0;
        }
    }
    FUZZ_STATUS(st, PTR_OK);
    FUZZ_CHECK(fuzz_addr_same(&got, &want));
    FUZZ_CHECK(got_len == want_len);
    return 0;
}
