/* The benchmark harness shared by the bench_*.c suites: timing, inputs, the report. */
#ifndef PTR_BENCH_H
#define PTR_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/libptr.h>

/* Operations per repetition and repetitions per case; the median repetition counts. */
#define BENCH_OPS 1000000u
#define BENCH_REPS 7u
/* Inputs per set: made before timing, cycled through by every case. */
#define BENCH_SET 65536u

/* One text input, NUL-terminated (for the libc baselines) with its length. */
typedef struct bench_text {
    char s[256];
    uint32_t len;
} bench_text;

/* A case runs `ops` operations and returns a value that depends on their results. */
typedef uint64_t (*bench_fn)(void *arg, uint32_t ops);

/* Times fn: BENCH_REPS repetitions of BENCH_OPS operations; records and returns ns/op. */
double bench_run(const char *group, const char *name, bench_fn fn, void *arg);

/* As bench_run, with a caller-chosen number of operations per repetition. */
double bench_run_n(const char *group, const char *name, bench_fn fn, void *arg, uint32_t ops,
                   uint32_t reps);

/*
 * Times two cases that are compared by a ratio: their repetitions alternate (a, b,
 * a, b, ...) so that a change of the machine's load during the run falls on both.
 * Records both medians (ns/op) in *a_ns and *b_ns.
 */
void bench_run_pair(const char *group, const char *name_a, bench_fn fa, void *arg_a,
                    const char *name_b, bench_fn fb, void *arg_b, uint32_t ops, uint32_t reps,
                    double *a_ns, double *b_ns);

/* Records a measured figure that is not a time (bytes per record, seconds). */
void bench_note(const char *group, const char *name, double value, const char *unit);

/*
 * Records a target: `ratio` against `limit`; `at_most` says whether the ratio must
 * stay at or below the limit (else at or above). Printed with PASS or MISS.
 */
void bench_target(const char *what, double ratio, double limit, int at_most);

/*
 * The fields of one create request as the store benchmarks make them: three
 * names (lower case, trailing dot: what the service stores), a 40-character
 * description and two tags. The views point into the struct itself.
 */
typedef struct bench_variant {
    char name[3][64];
    char desc[48];
    char key[2][16], val[2][24];
    ptr_text names[3];
    ptr_tag tags[2];
} bench_variant;

/* Fill variant number i from the generator. */
void bench_variant_make(bench_variant *v, uint32_t i, uint64_t *seed);

/* Deterministic generator (xorshift64*), so every run times the same inputs. */
uint64_t bench_rand(uint64_t *state);

/* Keeps results alive so the compiler cannot drop the work. */
extern volatile uint64_t bench_sink;

/* The suites. Each prints its figures and targets through the functions above. */
void bench_addr(void);
void bench_name(void);
void bench_store(void);
void bench_zone(void);
/* Only when built with the SQLite store (PTR_BENCH_HAVE_SQLITE). */
void bench_sqlite(void);
/* A list page and a list's total of the SQLite store at 10k, 100k and 1M records. */
void bench_list(void);

#endif /* PTR_BENCH_H */
