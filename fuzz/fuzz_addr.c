/*
 * ptr_addr_parse and ptr_addr_format against the C library.
 *
 * The contract says ptr_addr_parse accepts exactly what inet_pton() accepts
 * for AF_INET, then AF_INET6, and that ptr_addr_format writes what
 * inet_ntop() writes (RFC 5952, dotted quad for ::ffff:a.b.c.d and
 * ::a.b.c.d). So the oracle is the platform's inet_pton/inet_ntop (glibc's
 * is the reference), on a NUL-terminated copy of the input; an input with an
 * embedded NUL must be rejected.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x7e

static void check_format(const ptr_addr *a)
{
    const int af = a->family == 4 ? AF_INET : AF_INET6;
    char want[INET6_ADDRSTRLEN];
    FUZZ_CHECK(inet_ntop(af, a->bytes, want, sizeof want) != NULL);
    const size_t wlen = strlen(want);

    char buf[PTR_ADDR_STRLEN + 8];
    size_t out_len = 0;
    memset(buf, CANARY, sizeof buf);
    ptr_status st = ptr_addr_format(a, buf, sizeof buf, &out_len);
    if (fuzz_unsupported(st, "ptr_addr_format"))
        return;
    FUZZ_STATUS(st, PTR_OK);
    FUZZ_CHECK(out_len == wlen);
    FUZZ_CHECK(memcmp(buf, want, wlen + 1) == 0);
    FUZZ_CHECK(out_len < PTR_ADDR_STRLEN);

    /* Exactly enough room, and no out_len. */
    memset(buf, CANARY, sizeof buf);
    FUZZ_STATUS(ptr_addr_format(a, buf, wlen + 1, NULL), PTR_OK);
    FUZZ_CHECK(memcmp(buf, want, wlen + 1) == 0);

    /* One byte short: PTR_E_BUFFER, the length needed, and nothing written. */
    memset(buf, CANARY, sizeof buf);
    size_t need = 0;
    FUZZ_STATUS(ptr_addr_format(a, buf, wlen, &need), PTR_E_BUFFER);
    FUZZ_CHECK(need == wlen);
    for (size_t i = 0; i < sizeof buf; i++)
        FUZZ_CHECK((unsigned char)buf[i] == CANARY);

    /* The text parses back to the same address. */
    ptr_addr back;
    FUZZ_STATUS(ptr_addr_parse(want, wlen, &back), PTR_OK);
    FUZZ_CHECK(fuzz_addr_same(&back, a));
}

/* ptr_addr_equal: 1 for the same family and bytes, 0 when either differs. */
static void check_equal(const ptr_addr *a)
{
    const size_t n = a->family == 4 ? 4 : 16;
    ptr_addr b = *a;
    FUZZ_CHECK(ptr_addr_equal(a, &b) == 1);
    for (size_t i = 0; i < n; i++) {
        b = *a;
        b.bytes[i] ^= (uint8_t)(1u << (i % 8));
        FUZZ_CHECK(ptr_addr_equal(a, &b) == 0);
    }
    b = *a;
    b.family = a->family == 4 ? 6 : 4;
    FUZZ_CHECK(ptr_addr_equal(a, &b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ptr_addr got, untouched;
    memset(&got, 0xc3, sizeof got);
    untouched = got;
    const ptr_status st = ptr_addr_parse((const char *)data, size, &got);
    if (fuzz_unsupported(st, "ptr_addr_parse"))
        return 0;
    if (st != PTR_OK) {
        FUZZ_STATUS(st, PTR_E_ADDR);
        FUZZ_CHECK(memcmp(&got, &untouched, sizeof got) == 0); /* "untouched on failure" */
    }

    if (size > 0 && memchr(data, '\0', size) != NULL) {
        FUZZ_STATUS(st, PTR_E_ADDR);
        return 0;
    }

    char *text = malloc(size + 1);
    if (!text)
        abort();
    if (size > 0)
        memcpy(text, data, size);
    text[size] = '\0';
    unsigned char want[16] = {0};
    int family = 0;
    if (inet_pton(AF_INET, text, want) == 1)
        family = 4;
    else if (inet_pton(AF_INET6, text, want) == 1)
        family = 6;
    free(text);

    if (family == 0) {
        FUZZ_STATUS(st, PTR_E_ADDR);
        return 0;
    }
    FUZZ_STATUS(st, PTR_OK);
    FUZZ_CHECK(got.family == family);
    /* want[4..15] stay zero for IPv4: "IPv4 uses bytes[0..3]; the rest are zero". */
    FUZZ_CHECK(memcmp(got.bytes, want, sizeof want) == 0);

    const int pub = ptr_addr_is_public(&got);
    FUZZ_CHECK(pub == 0 || pub == 1);
    check_equal(&got);

    check_format(&got);
    return 0;
}
