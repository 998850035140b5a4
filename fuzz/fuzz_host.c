/*
 * ptr_host_parse: an address, optionally "/32" (IPv4) or "/128" (IPv6).
 *
 * The oracle splits the input at its first '/', parses the address part
 * with ptr_addr_parse (itself checked against inet_pton by fuzz_addr), and
 * classifies the length text:
 * - no '/': exactly ptr_addr_parse's answer;
 * - bad address, or a length that is empty, not all digits, or has a
 *   leading zero: PTR_E_ADDR;
 * - the full length: PTR_OK and the same address;
 * - a shorter canonical length ("/24", "/0"): PTR_E_NOT_HOST;
 * - a canonical length beyond the family's ("/33"): PTR_E_ADDR or
 *   PTR_E_NOT_HOST (the contract leaves it open).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ptr_addr got;
    const ptr_status st = ptr_host_parse(s, size, &got);
    if (fuzz_unsupported(st, "ptr_host_parse"))
        return 0;

    const char *slash = size > 0 ? memchr(s, '/', size) : NULL;
    const size_t alen = slash ? (size_t)(slash - s) : size;
    char *addr_text = fuzz_dup(data, alen);
    ptr_addr want;
    const ptr_status ast = ptr_addr_parse(addr_text, alen, &want);
    free(addr_text);
    if (fuzz_unsupported(ast, "ptr_addr_parse"))
        return 0;

    if (!slash) {
        FUZZ_STATUS(st, ast);
        if (st == PTR_OK)
            FUZZ_CHECK(fuzz_addr_same(&got, &want));
        return 0;
    }
    if (ast != PTR_OK) {
        FUZZ_STATUS(st, PTR_E_ADDR);
        return 0;
    }

    const unsigned full = want.family == 4 ? 32u : 128u;
    unsigned len = 0;
    char *len_text = fuzz_dup(data + alen + 1, size - alen - 1);
    const enum fuzz_dec cls = fuzz_decimal(len_text, size - alen - 1, &len);
    free(len_text);

    if (cls != FUZZ_DEC_CANON) {
        FUZZ_STATUS(st, PTR_E_ADDR);
    } else if (len == full) {
        FUZZ_STATUS(st, PTR_OK);
        FUZZ_CHECK(fuzz_addr_same(&got, &want));
    } else if (len < full) {
        FUZZ_STATUS(st, PTR_E_NOT_HOST);
    } else {
        FUZZ_CHECK(st == PTR_E_ADDR || st == PTR_E_NOT_HOST);
    }
    return 0;
}
