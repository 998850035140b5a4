/* Helpers shared by every fuzz target (declared in fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ERROR_PATTERN 0x5a

unsigned long fuzz_unsupported_hits;

void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    abort();
}

void fuzz_fail_status(ptr_status got, ptr_status want, const char *call, const char *file, int line)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s gave %s, expected %s\n", file, line, call,
            ptr_status_name(got), ptr_status_name(want));
    abort();
}

int fuzz_unsupported(ptr_status st, const char *fn)
{
    if (st != PTR_E_UNSUPPORTED)
        return 0;
#ifdef PTR_FUZZ_ALLOW_UNSUPPORTED
    (void)fn;
    fuzz_unsupported_hits++;
    return 1;
#else
    fprintf(stderr,
            "fuzz check failed: %s returned PTR_E_UNSUPPORTED (not implemented yet?); "
            "configure with -DPTR_FUZZ_ALLOW_UNSUPPORTED=ON to skip such calls\n",
            fn);
    abort();
#endif
}

char *fuzz_dup(const uint8_t *data, size_t n)
{
    char *p = malloc(n);
    if (!p && n > 0)
        abort();
    if (n > 0)
        memcpy(p, data, n);
    return p;
}

void fuzz_error_prefill(ptr_error *err)
{
    memset(err, FUZZ_ERROR_PATTERN, sizeof *err);
}

int fuzz_error_untouched(const ptr_error *err)
{
    const unsigned char *p = (const unsigned char *)err;
    for (size_t i = 0; i < sizeof *err; i++)
        if (p[i] != FUZZ_ERROR_PATTERN)
            return 0;
    return 1;
}

void fuzz_check_error(const ptr_error *err, ptr_status returned, size_t field_len)
{
    FUZZ_STATUS(err->status, returned);
    FUZZ_CHECK(err->offset <= field_len);
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
    FUZZ_CHECK(err->message[0] != '\0');
    for (size_t i = 0; i < sizeof err->reserved; i++)
        FUZZ_CHECK(err->reserved[i] == 0);
}

int fuzz_addr_same(const ptr_addr *a, const ptr_addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

enum fuzz_dec fuzz_decimal(const char *s, size_t n, unsigned *value)
{
    if (n == 0)
        return FUZZ_DEC_NONE;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return FUZZ_DEC_NONE;
        v = v >= 100000u ? 1000000u : v * 10u + (unsigned)(s[i] - '0');
    }
    if (n > 1 && s[0] == '0')
        return FUZZ_DEC_LEADING;
    *value = v;
    return FUZZ_DEC_CANON;
}
