/*
 * Shared helpers for the cmocka tests: asserts that speak libptr's language,
 * printing status names, fields and offsets when they fail.
 */
#ifndef PTR_TEST_H
#define PTR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libptr/libptr.h"

/* Length of a string literal, for (s, len) calls. */
#define PTR_LIT(s) (s), (sizeof(s) - 1)
/* A scope for the calls that use only its region (ptr_ctx_resolve). */
#define PTR_TEST_REGION(r) (&(ptr_scope){{PTR_LIT(r)}, {PTR_LIT("p1")}, {PTR_LIT("o1")}})

static inline void ptr_test_status_eq(ptr_status got, ptr_status want, const char *expr,
                                      const char *file, int line)
{
    if (got != want) {
        print_error("%s: got %s (%d), want %s (%d)\n", expr, ptr_status_name(got), (int)got,
                    ptr_status_name(want), (int)want);
        _fail(file, line);
    }
}

/* assert_status(call, PTR_E_TTL): the call returns that status. */
#define assert_status(expr, want) ptr_test_status_eq((expr), (want), #expr, __FILE__, __LINE__)

static inline void ptr_test_error_eq(const ptr_error *e, ptr_status status, ptr_field field,
                                     uint32_t index, size_t offset, const char *file, int line)
{
    int bad = e->status != status || e->field != field || e->index != index ||
              e->offset != offset || e->message[0] == '\0' ||
              memchr(e->message, '\0', sizeof e->message) == NULL;
    for (size_t i = 0; i < sizeof e->reserved; i++)
        bad |= e->reserved[i] != 0;
    if (bad) {
        print_error("ptr_error {%s, field %d (%s), index %u, offset %zu, \"%.*s\"}\n"
                    "     want {%s, field %d (%s), index %u, offset %zu, non-empty message}\n",
                    ptr_status_name(e->status), (int)e->field, ptr_field_name(e->field),
                    (unsigned)e->index, e->offset, (int)sizeof e->message, e->message,
                    ptr_status_name(status), (int)field, ptr_field_name(field), (unsigned)index,
                    offset);
        _fail(file, line);
    }
}

/*
 * assert_error(&err, PTR_E_NAME, PTR_FIELD_NAME, 0, 12): every field of the
 * error struct, a non-empty NUL-terminated message, and zero reserved bytes.
 */
#define assert_error(e, status, field, index, offset)                                     \
    ptr_test_error_eq((e), (status), (field), (index), (offset), __FILE__, __LINE__)

/* A context over s with the default policy, or NULL; asserts nothing (fit for a child). */
static inline ptr_ctx *ptr_test_ctx(ptr_store *s)
{
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *c = NULL;
    return ptr_ctx_new(&cfg, &c, NULL) == PTR_OK ? c : NULL;
}

/* The same, asserting that it was made (not in a child process). */
static inline ptr_ctx *ptr_test_ctx_ok(ptr_store *s)
{
    ptr_ctx *c = ptr_test_ctx(s);
    assert_non_null(c);
    return c;
}

/* *r: a request for addr with the one name *name (whose text must outlive *r). */
static inline void ptr_test_request(ptr_request *r, const char *addr, const ptr_text *name)
{
    ptr_request_init(r);
    r->address = (ptr_text){addr, strlen(addr)};
    r->names = name;
    r->name_count = 1;
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static inline uint64_t ptr_test_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

#endif /* PTR_TEST_H */
