/*
 * libptr benchmarks: each figure is a median of several repetitions over a fixed
 * pseudo-random input set, and every target is a ratio against a baseline measured in
 * the same run, because absolute times on shared machines drift.
 *
 *   ptr_bench [--tsv FILE] [--svg FILE] [SUITE...]
 *   suites: addr name store zone sqlite list (default: all; sqlite and list when built with
 *   the SQLite store)
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

volatile uint64_t bench_sink;

typedef struct row {
    char group[48];
    char name[64];
    double value;
    char unit[16];
} row;

typedef struct target {
    char what[128];
    double ratio, limit;
    int at_most, pass;
} target;

static row rows[128];
static size_t nrows;
static target targets[64];
static size_t ntargets;

uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void bench_variant_make(bench_variant *v, uint32_t i, uint64_t *seed)
{
    static const char *const hosts[] = {"mail", "mx", "smtp", "relay", "out", "web", "api"};
    static const char *const tlds[] = {"com", "net", "org", "de", "io"};
    for (unsigned k = 0; k < 3; k++) {
        uint64_t r = bench_rand(seed);
        snprintf(v->name[k], sizeof v->name[k], "%s%u.tenant-%05u.example.%s.", hosts[r % 7],
                 k + 1, (unsigned)(r >> 8) % 100000u, tlds[(r >> 40) % 5]);
        v->names[k] = (ptr_text){v->name[k], strlen(v->name[k])};
    }
    /* 40 characters exactly, varying. */
    snprintf(v->desc, sizeof v->desc, "Outbound mail relay %08x, rack A-%02u ok.",
             (unsigned)bench_rand(seed), (unsigned)(bench_rand(seed) % 100));
    v->desc[40] = '\0';
    snprintf(v->key[0], sizeof v->key[0], "env");
    snprintf(v->val[0], sizeof v->val[0], "%s", (i & 1) ? "production" : "staging");
    snprintf(v->key[1], sizeof v->key[1], "team");
    snprintf(v->val[1], sizeof v->val[1], "mail-ops-%u", (unsigned)(i % 977));
    for (unsigned k = 0; k < 2; k++)
        v->tags[k] = (ptr_tag){v->key[k], strlen(v->key[k]), v->val[k], strlen(v->val[k])};
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void add_row(const char *group, const char *name, double value, const char *unit)
{
    if (nrows == sizeof rows / sizeof rows[0])
        return;
    row *r = &rows[nrows++];
    snprintf(r->group, sizeof r->group, "%s", group);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->value = value;
    printf("  %-26s %-40s %12.1f %s\n", group, name, value, unit);
    fflush(stdout);
}

double bench_run_n(const char *group, const char *name, bench_fn fn, void *arg, uint32_t ops,
                   uint32_t reps)
{
    double t[32];
    if (reps > 32)
        reps = 32;
    bench_sink += fn(arg, ops < 1000 ? ops : 1000); /* warm caches and branch predictors */
    for (uint32_t r = 0; r < reps; r++) {
        double t0 = now_ns();
        bench_sink += fn(arg, ops);
        t[r] = (now_ns() - t0) / ops;
    }
    qsort(t, reps, sizeof t[0], cmp_double);
    double median = t[reps / 2];
    add_row(group, name, median, "ns/op");
    return median;
}

void bench_run_pair(const char *group, const char *name_a, bench_fn fa, void *arg_a,
                    const char *name_b, bench_fn fb, void *arg_b, uint32_t ops, uint32_t reps,
                    double *a_ns, double *b_ns)
{
    double ta[32], tb[32];
    if (reps > 32)
        reps = 32;
    bench_sink += fa(arg_a, ops < 1000 ? ops : 1000);
    bench_sink += fb(arg_b, ops < 1000 ? ops : 1000);
    for (uint32_t r = 0; r < reps; r++) {
        double t0 = now_ns();
        bench_sink += fa(arg_a, ops);
        ta[r] = (now_ns() - t0) / ops;
        t0 = now_ns();
        bench_sink += fb(arg_b, ops);
        tb[r] = (now_ns() - t0) / ops;
    }
    qsort(ta, reps, sizeof ta[0], cmp_double);
    qsort(tb, reps, sizeof tb[0], cmp_double);
    *a_ns = ta[reps / 2];
    *b_ns = tb[reps / 2];
    add_row(group, name_a, *a_ns, "ns/op");
    add_row(group, name_b, *b_ns, "ns/op");
}

double bench_run(const char *group, const char *name, bench_fn fn, void *arg)
{
    return bench_run_n(group, name, fn, arg, BENCH_OPS, BENCH_REPS);
}

void bench_note(const char *group, const char *name, double value, const char *unit)
{
    add_row(group, name, value, unit);
}

void bench_target(const char *what, double ratio, double limit, int at_most)
{
    if (ntargets == sizeof targets / sizeof targets[0])
        return;
    target *t = &targets[ntargets++];
    snprintf(t->what, sizeof t->what, "%s", what);
    t->ratio = ratio;
    t->limit = limit;
    t->at_most = at_most;
    t->pass = at_most ? ratio <= limit : ratio >= limit;
}

static void print_targets(void)
{
    printf("\nTargets (ratios measured in this run)\n");
    for (size_t i = 0; i < ntargets; i++) {
        const target *t = &targets[i];
        printf("  %-4s %-70s %8.2f  (target %s %.2f)\n", t->pass ? "PASS" : "MISS", t->what,
               t->ratio, t->at_most ? "<=" : ">=", t->limit);
    }
}

static int write_tsv(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "kind\tgroup\tname\tvalue\tunit\n");
    for (size_t i = 0; i < nrows; i++)
        fprintf(f, "figure\t%s\t%s\t%.2f\t%s\n", rows[i].group, rows[i].name, rows[i].value,
                rows[i].unit);
    for (size_t i = 0; i < ntargets; i++)
        fprintf(f, "target\t%s\t%s %.2f\t%.3f\t%s\n", targets[i].what,
                targets[i].at_most ? "<=" : ">=", targets[i].limit, targets[i].ratio,
                targets[i].pass ? "PASS" : "MISS");
    return fclose(f);
}

/* A horizontal bar chart of the ns/op figures, grouped, on a log scale. */
static int write_svg(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    size_t n = 0;
    double maxv = 1;
    for (size_t i = 0; i < nrows; i++)
        if (strcmp(rows[i].unit, "ns/op") == 0) {
            n++;
            if (rows[i].value > maxv)
                maxv = rows[i].value;
        }
    const int bar = 18, left = 470, width = 420;
    int height = (int)n * (bar + 6) + 60;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            "<text x=\"10\" y=\"20\" font-size=\"15\">libptr against baselines: ns per "
            "operation (log scale, shorter is faster)</text>\n",
            left + width + 90, height);
    int y = 40;
    double lmax = log10(maxv * 1.5);
    for (size_t i = 0; i < nrows; i++) {
        const row *r = &rows[i];
        if (strcmp(r->unit, "ns/op") != 0)
            continue;
        double v = r->value < 1 ? 1 : r->value;
        int w = (int)(width * (log10(v) + 0.3) / (lmax + 0.3));
        int ours = strncmp(r->name, "libptr", 6) == 0;
        fprintf(f,
                "<text x=\"10\" y=\"%d\">%s: %s</text>\n"
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n"
                "<text x=\"%d\" y=\"%d\">%.1f</text>\n",
                y + 13, r->group, r->name, left, y, w, bar, ours ? "#2a7ab0" : "#b0b0b0",
                left + w + 5, y + 13, r->value);
        y += bar + 6;
    }
    fprintf(f, "</svg>\n");
    return fclose(f);
}

int main(int argc, char **argv)
{
    const char *tsv = NULL, *svg = NULL;
    const char *suites[8];
    size_t nsuites = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tsv") == 0 && i + 1 < argc)
            tsv = argv[++i];
        else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
            svg = argv[++i];
        else if (argv[i][0] != '-' && nsuites < 8)
            suites[nsuites++] = argv[i];
        else {
            fprintf(stderr,
                    "usage: %s [--tsv FILE] [--svg FILE] [addr|name|store|zone|sqlite|list]...\n",
                    argv[0]);
            return 2;
        }
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } all[] = {
        {"addr", bench_addr},     {"name", bench_name},
        {"store", bench_store},   {"zone", bench_zone},
#ifdef PTR_BENCH_HAVE_SQLITE
        {"sqlite", bench_sqlite}, {"list", bench_list},
#endif
    };

    printf("libptr benchmarks: median of %u repetitions x %u operations, %u distinct inputs\n",
           BENCH_REPS, BENCH_OPS, BENCH_SET);
    printf("  %-26s %-40s %12s\n", "group", "case", "figure");
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int chosen = nsuites == 0;
        for (size_t j = 0; j < nsuites; j++)
            chosen |= strcmp(suites[j], all[i].name) == 0;
        if (chosen)
            all[i].run();
    }
#ifndef PTR_BENCH_HAVE_SQLITE
    for (size_t j = 0; j < nsuites; j++)
        if (strcmp(suites[j], "sqlite") == 0)
            printf("  (built without the SQLite store: no sqlite suite)\n");
#endif
    print_targets();
    if (tsv && write_tsv(tsv) != 0) {
        perror(tsv);
        return 1;
    }
    if (svg && write_svg(svg) != 0) {
        perror(svg);
        return 1;
    }
    return 0;
}
