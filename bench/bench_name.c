/*
 * Domain-name checking on the same mixed valid/invalid inputs: libptr's host-name rules
 * against knot_dname_from_str (libknot) and ldns_str2rdf_dname, which only check DNS
 * wire limits (any byte may be in a label there) and build a wire-format name.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/libptr.h>

#ifdef PTR_BENCH_HAVE_KNOT
#include <libknot/libknot.h>
#endif
#ifdef PTR_BENCH_HAVE_LDNS
#include <ldns/ldns.h>
#endif

static bench_text *set_names;

static void make_names(void)
{
    static const char ldh[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t seed = 0x5eed0002u;
    set_names = calloc(BENCH_SET, sizeof *set_names);
    if (!set_names)
        abort();
    for (uint32_t i = 0; i < BENCH_SET; i++) {
        char *s = set_names[i].s;
        size_t n = 0;
        unsigned labels = 2 + (unsigned)(bench_rand(&seed) % 4);
        for (unsigned l = 0; l < labels; l++) {
            unsigned len = 1 + (unsigned)(bench_rand(&seed) % 14);
            for (unsigned k = 0; k < len; k++) {
                char c = ldh[bench_rand(&seed) % (l + 1 == labels ? 26 : 36)];
                if (k > 0 && k + 1 < len && bench_rand(&seed) % 8 == 0)
                    c = '-';
                if (bench_rand(&seed) % 6 == 0 && c >= 'a')
                    c = (char)(c - 32);
                s[n++] = c;
            }
            s[n++] = '.';
        }
        if (bench_rand(&seed) % 2)
            n--; /* half without the trailing dot */
        s[n] = '\0';
        /* A quarter break one rule each, at a random place. */
        switch (bench_rand(&seed) % 16) {
        case 0: s[bench_rand(&seed) % n] = '_'; break;
        case 1: s[bench_rand(&seed) % n] = ' '; break;
        case 2: s[0] = '-'; break;
        case 3: memmove(s + 1, s, n + 1), s[0] = '.', n++; break;
        default: break;
        }
        set_names[i].len = (uint32_t)n;
    }
}

static uint64_t ptr_check(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const bench_text *t = &set[i & (BENCH_SET - 1)];
        acc += ptr_name_check(t->s, t->len, 0, NULL) == PTR_OK;
    }
    return acc;
}

static uint64_t ptr_normalize(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    char out[PTR_NAME_BUFSZ];
    for (uint32_t i = 0; i < ops; i++) {
        const bench_text *t = &set[i & (BENCH_SET - 1)];
        size_t n = 0;
        if (ptr_name_normalize(t->s, t->len, 0, out, sizeof out, &n, NULL) == PTR_OK)
            acc += n;
    }
    return acc;
}

#ifdef PTR_BENCH_HAVE_KNOT
static uint64_t knot_check(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    knot_dname_storage_t dst;
    for (uint32_t i = 0; i < ops; i++)
        acc += knot_dname_from_str(dst, set[i & (BENCH_SET - 1)].s, sizeof dst) != NULL;
    return acc;
}
#endif

#ifdef PTR_BENCH_HAVE_LDNS
static uint64_t ldns_check(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        ldns_rdf *rdf = NULL;
        if (ldns_str2rdf_dname(&rdf, set[i & (BENCH_SET - 1)].s) == LDNS_STATUS_OK) {
            acc++;
            ldns_rdf_deep_free(rdf);
        }
    }
    return acc;
}
#endif

void bench_name(void)
{
    make_names();
    uint64_t valid = ptr_check(set_names, BENCH_SET);
    printf("  (name inputs: %u, of which libptr accepts %llu)\n", BENCH_SET,
           (unsigned long long)valid);

    const char *g = "name check (mixed inputs)";
    double p = bench_run(g, "libptr ptr_name_check", ptr_check, set_names);
    bench_run(g, "libptr ptr_name_normalize", ptr_normalize, set_names);
#ifdef PTR_BENCH_HAVE_KNOT
    double k = bench_run(g, "knot_dname_from_str", knot_check, set_names);
    bench_target("name check: libptr / knot_dname_from_str", p / k, 1.0, 1);
#else
    (void)p;
    printf("  (libknot-dev not installed: no knot baseline)\n");
#endif
#ifdef PTR_BENCH_HAVE_LDNS
    bench_run(g, "ldns_str2rdf_dname", ldns_check, set_names);
#endif
    free(set_names);
}
