/*
 * Shared by the fuzz targets: the libFuzzer entry point and the checks every
 * target makes. A failed check calls abort(), which libFuzzer reports as a
 * crash with the input that caused it (and the replay driver dies on, so its
 * ctest fails).
 */
#ifndef LIBPTR_FUZZ_H
#define LIBPTR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/libptr.h>

/* The entry point libFuzzer (or replay_main.c) calls with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print what failed, where, then abort(). */
_Noreturn void fuzz_fail(const char *what, const char *file, int line);

/* Print both status names, then abort(). */
_Noreturn void fuzz_fail_status(ptr_status got, ptr_status want, const char *call, const char *file,
                                int line);

#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))

/* The call returned `want`; on a mismatch both names are printed. */
#define FUZZ_STATUS(got, want)                                                                     \
    ((got) == (want) ? (void)0 : fuzz_fail_status((got), (want), #got, __FILE__, __LINE__))

/*
 * Nonzero when `st` is PTR_E_UNSUPPORTED, i.e. `fn` is still a stub: the
 * caller then skips its checks. No libptr contract lists that status, so
 * unless the build sets PTR_FUZZ_ALLOW_UNSUPPORTED it is a failure.
 */
int fuzz_unsupported(ptr_status st, const char *fn);

/* How many calls fuzz_unsupported() let through (read by the replay driver). */
extern unsigned long fuzz_unsupported_hits;

/* A copy of data[0..n) in a heap block of exactly n bytes, so ASan sees over-reads. */
char *fuzz_dup(const uint8_t *data, size_t n);

/* Fill *err with a pattern, so fuzz_error_untouched() can tell it was not written. */
void fuzz_error_prefill(ptr_error *err);
/* "Filled on failure only": a successful call left the prefilled struct alone. */
int fuzz_error_untouched(const ptr_error *err);

/*
 * A failed call's ptr_error is consistent: same status as returned, offset
 * inside the field (offset <= field_len), message NUL-terminated and not
 * empty, reserved bytes zero.
 */
void fuzz_check_error(const ptr_error *err, ptr_status returned, size_t field_len);

/*
 * Same family and all 16 bytes equal. Stricter than ptr_addr_equal (which
 * fuzz_addr tests against it): "IPv4 uses bytes[0..3]; the rest are zero".
 */
int fuzz_addr_same(const ptr_addr *a, const ptr_addr *b);

/* Classes of the text after a '/' (prefix lengths), see fuzz_decimal(). */
enum fuzz_dec {
    FUZZ_DEC_NONE,    /* empty, or some byte is not a digit */
    FUZZ_DEC_LEADING, /* digits with a leading zero ("032", "00") */
    FUZZ_DEC_CANON    /* canonical decimal: "0" or no leading zero */
};

/*
 * Classify s[0..n); for FUZZ_DEC_CANON, *value gets the number, saturated at
 * 1000000 (any such value is beyond every prefix length).
 */
enum fuzz_dec fuzz_decimal(const char *s, size_t n, unsigned *value);

/* ASCII lower case, independent of the locale. */
static inline unsigned char fuzz_lower(unsigned char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

#endif /* LIBPTR_FUZZ_H */
