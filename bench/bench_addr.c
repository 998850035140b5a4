/*
 * Reverse names: address text to reverse name (IPv4, IPv6) and reverse name to IPv4,
 * against inet_pton alone, inet_pton + snprintf (the naive way), ldns, and an
 * sscanf-based parser.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/libptr.h>

#ifdef PTR_BENCH_HAVE_LDNS
#include <ldns/ldns.h>
#endif

static bench_text *set_v4, *set_v6, *set_rev4;

static void make_sets(void)
{
    uint64_t seed = 0x5eed0001u;
    set_v4 = calloc(BENCH_SET, sizeof *set_v4);
    set_v6 = calloc(BENCH_SET, sizeof *set_v6);
    set_rev4 = calloc(BENCH_SET, sizeof *set_rev4);
    if (!set_v4 || !set_v6 || !set_rev4)
        abort();
    for (uint32_t i = 0; i < BENCH_SET; i++) {
        uint8_t b[16];
        uint64_t r = bench_rand(&seed);
        memcpy(b, &r, 8);
        inet_ntop(AF_INET, b, set_v4[i].s, sizeof set_v4[i].s);
        set_v4[i].len = (uint32_t)strlen(set_v4[i].s);

        uint64_t r2 = bench_rand(&seed);
        memcpy(b + 8, &r2, 8);
        if (i & 1) { /* half the IPv6 inputs have a run of zero groups, as real ones do */
            unsigned at = (unsigned)(r2 >> 60) % 6, run = 2 + (unsigned)(r2 >> 56) % 4;
            for (unsigned g = at; g < at + run && g < 8; g++)
                b[2 * g] = b[2 * g + 1] = 0;
        }
        inet_ntop(AF_INET6, b, set_v6[i].s, sizeof set_v6[i].s);
        set_v6[i].len = (uint32_t)strlen(set_v6[i].s);

        set_rev4[i].len = (uint32_t)snprintf(set_rev4[i].s, sizeof set_rev4[i].s,
                                             "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
    }
}

/* ---- text to reverse name ---------------------------------------------- */

static uint64_t ptr_to_revname(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    char out[PTR_REVNAME_BUFSZ];
    for (uint32_t i = 0; i < ops; i++) {
        const bench_text *t = &set[i & (BENCH_SET - 1)];
        ptr_addr a;
        size_t n = 0;
        if (ptr_addr_parse(t->s, t->len, &a) == PTR_OK &&
            ptr_revname(&a, 0, out, sizeof out, &n) == PTR_OK)
            acc += n + (unsigned char)out[0];
    }
    return acc;
}

static uint64_t pton_only4(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        struct in_addr a;
        acc += (uint64_t)inet_pton(AF_INET, set[i & (BENCH_SET - 1)].s, &a) + a.s_addr;
    }
    return acc;
}

static uint64_t pton_only6(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        struct in6_addr a;
        acc += (uint64_t)inet_pton(AF_INET6, set[i & (BENCH_SET - 1)].s, &a) + a.s6_addr[15];
    }
    return acc;
}

static uint64_t naive4(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    char out[PTR_REVNAME_BUFSZ];
    for (uint32_t i = 0; i < ops; i++) {
        unsigned char b[4];
        if (inet_pton(AF_INET, set[i & (BENCH_SET - 1)].s, b) == 1)
            acc += (uint64_t)snprintf(out, sizeof out, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2],
                                      b[1], b[0]);
    }
    return acc;
}

static uint64_t naive6(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    char out[PTR_REVNAME_BUFSZ];
    for (uint32_t i = 0; i < ops; i++) {
        unsigned char b[16];
        if (inet_pton(AF_INET6, set[i & (BENCH_SET - 1)].s, b) != 1)
            continue;
        int n = 0;
        for (int j = 15; j >= 0; j--)
            n += snprintf(out + n, sizeof out - (size_t)n, "%x.%x.", b[j] & 15u, b[j] >> 4);
        n += snprintf(out + n, sizeof out - (size_t)n, "ip6.arpa");
        acc += (uint64_t)n;
    }
    return acc;
}

#ifdef PTR_BENCH_HAVE_LDNS
static uint64_t ldns_rev(void *arg, uint32_t ops, int six)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        ldns_rdf *rdf = NULL;
        const char *s = set[i & (BENCH_SET - 1)].s;
        ldns_status st = six ? ldns_str2rdf_aaaa(&rdf, s) : ldns_str2rdf_a(&rdf, s);
        if (st != LDNS_STATUS_OK)
            continue;
        ldns_rdf *rev = ldns_rdf_address_reverse(rdf);
        if (rev) {
            acc += ldns_rdf_size(rev);
            ldns_rdf_deep_free(rev);
        }
        ldns_rdf_deep_free(rdf);
    }
    return acc;
}
static uint64_t ldns_rev4(void *arg, uint32_t ops) { return ldns_rev(arg, ops, 0); }
static uint64_t ldns_rev6(void *arg, uint32_t ops) { return ldns_rev(arg, ops, 1); }
#endif

/* ---- reverse name to address -------------------------------------------- */

static uint64_t ptr_from_revname(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const bench_text *t = &set[i & (BENCH_SET - 1)];
        ptr_addr a;
        unsigned plen;
        if (ptr_revname_parse(t->s, t->len, &a, &plen) == PTR_OK)
            acc += a.bytes[0] + plen;
    }
    return acc;
}

/* The parser a programmer writes in five minutes: sscanf, then range checks. */
static uint64_t sscanf_from_revname(void *arg, uint32_t ops)
{
    const bench_text *set = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const bench_text *t = &set[i & (BENCH_SET - 1)];
        unsigned d, c, b, a;
        int end = -1;
        if (sscanf(t->s, "%3u.%3u.%3u.%3u.in-addr.arpa%n", &d, &c, &b, &a, &end) == 4 &&
            end == (int)t->len && a < 256 && b < 256 && c < 256 && d < 256)
            acc += a + d;
    }
    return acc;
}

void bench_addr(void)
{
    make_sets();

    const char *g4 = "IPv4 text -> revname";
    double p4 = bench_run(g4, "libptr ptr_addr_parse+ptr_revname", ptr_to_revname, set_v4);
    double i4 = bench_run(g4, "inet_pton alone (parse only)", pton_only4, set_v4);
    double n4 = bench_run(g4, "inet_pton + snprintf", naive4, set_v4);
#ifdef PTR_BENCH_HAVE_LDNS
    bench_run(g4, "ldns str2rdf_a + rdf_address_reverse", ldns_rev4, set_v4);
#endif

    const char *g6 = "IPv6 text -> revname";
    double p6 = bench_run(g6, "libptr ptr_addr_parse+ptr_revname", ptr_to_revname, set_v6);
    double i6 = bench_run(g6, "inet_pton alone (parse only)", pton_only6, set_v6);
    double n6 = bench_run(g6, "inet_pton + snprintf", naive6, set_v6);
#ifdef PTR_BENCH_HAVE_LDNS
    bench_run(g6, "ldns str2rdf_aaaa + rdf_address_reverse", ldns_rev6, set_v6);
#endif

    const char *gr = "revname -> IPv4";
    double pr = bench_run(gr, "libptr ptr_revname_parse", ptr_from_revname, set_rev4);
    double sr = bench_run(gr, "sscanf parser", sscanf_from_revname, set_rev4);

    bench_target("IPv4 text->revname: libptr / inet_pton alone", p4 / i4, 1.0, 1);
    bench_target("IPv4 text->revname: (inet_pton+snprintf) / libptr", n4 / p4, 4.0, 0);
    bench_target("IPv6 text->revname: libptr / inet_pton alone", p6 / i6, 0.5, 1);
    bench_target("IPv6 text->revname: (inet_pton+snprintf) / libptr", n6 / p6, 20.0, 0);
    bench_target("revname->IPv4: sscanf parser / libptr", sr / pr, 6.0, 0);

    free(set_v4);
    free(set_v6);
    free(set_rev4);
}
