/*
 * Zone export: a memory store of 1,000,000 records, exported as zone files to a sink that
 * only counts bytes (the library's own cost) and to /dev/null through a FILE * (what a
 * file sink adds: stdio copies and write calls). The store is filled before any timing.
 *
 * The records look like a cloud's EIP pools: IPv4 /24s filled with 250 hosts each, and
 * a tenth of the records in IPv6 /64s; every eighth record has a second name.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libptr/libptr.h>

#define ZONE_RECORDS 1000000u
#define ZONE_BATCH   10000u
#define ZONE_REPS    3u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, ptr_status st)
{
    fprintf(stderr, "bench zone: %s: %s\n", what, ptr_status_name(st));
    exit(1);
}

/* Record i's address: 9 of 10 in 11.0.0.0/8 onwards, 250 to a /24; the rest in 2001:db8::/32. */
static void address_of(uint32_t i, ptr_addr *a)
{
    memset(a, 0, sizeof *a);
    if (i % 10u != 9u) {
        const uint32_t k = i - i / 10u; /* the k-th IPv4 record */
        const uint32_t net = 11u * 65536u + k / 250u;
        a->family = 4;
        a->bytes[0] = (uint8_t)(net >> 16);
        a->bytes[1] = (uint8_t)(net >> 8);
        a->bytes[2] = (uint8_t)net;
        a->bytes[3] = (uint8_t)(1u + k % 250u);
    } else {
        const uint32_t k = i / 10u; /* the k-th IPv6 record: 256 to a /64 */
        a->family = 6;
        a->bytes[0] = 0x20;
        a->bytes[1] = 0x01;
        a->bytes[2] = 0x0d;
        a->bytes[3] = 0xb8;
        a->bytes[6] = (uint8_t)(k >> 16);
        a->bytes[7] = (uint8_t)(k >> 8);
        a->bytes[15] = (uint8_t)k;
    }
}

static ptr_store *fill(void)
{
    ptr_store *s = NULL;
    ptr_record *r = NULL;
    ptr_status st;
    if ((st = ptr_memstore_new(NULL, &s)) != PTR_OK || (st = ptr_record_new(NULL, &r)) != PTR_OK)
        die("setup", st);
    for (uint32_t i = 0; i < ZONE_RECORDS;) {
        ptr_store_txn *txn = NULL;
        if ((st = ptr_store_begin(s, PTR_TXN_WRITE, &txn)) != PTR_OK)
            die("begin", st);
        for (uint32_t end = i + ZONE_BATCH; i < end && i < ZONE_RECORDS; i++) {
            ptr_addr a;
            char name[64];
            address_of(i, &a);
            ptr_record_reset(r);
            ptr_record_set_region(r, "eu-de", 5);
            ptr_record_set_project(r, "p", 1);
            ptr_record_set_owner(r, "o", 1);
            ptr_record_set_address(r, &a);
            ptr_record_set_ttl(r, 300);
            int n = snprintf(name, sizeof name, "host-%u.tenant-%u.example.com.", i, i % 977u);
            ptr_record_add_name(r, name, (size_t)n);
            if (i % 8u == 0) {
                n = snprintf(name, sizeof name, "mail-%u.example.net.", i);
                ptr_record_add_name(r, name, (size_t)n);
            }
            if ((st = ptr_store_insert(s, txn, r)) != PTR_OK)
                die("insert", st);
        }
        if ((st = ptr_store_commit(s, txn)) != PTR_OK)
            die("commit", st);
    }
    ptr_record_free(r);
    return s;
}

typedef struct count_sink {
    uint64_t bytes, zones;
    FILE *f; /* NULL: only count */
} count_sink;

static ptr_status cs_begin(void *user, const char *zone, size_t len)
{
    count_sink *c = user;
    (void)zone;
    (void)len;
    c->zones++;
    return PTR_OK;
}

static ptr_status cs_write(void *user, const char *text, size_t len)
{
    count_sink *c = user;
    c->bytes += len;
    if (c->f && fwrite(text, 1, len, c->f) != len)
        return PTR_E_STORE;
    return PTR_OK;
}

static ptr_status cs_end(void *user)
{
    (void)user;
    return PTR_OK;
}

/* Median of ZONE_REPS exports, in seconds; *out gets the last run's counts. */
static double time_export(ptr_store *s, FILE *f, count_sink *out)
{
    double t[ZONE_REPS];
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.serial = 2026112201u;
    for (unsigned r = 0; r < ZONE_REPS; r++) {
        count_sink c = {0, 0, f};
        const ptr_zone_sink sink = {cs_begin, cs_write, cs_end, &c};
        ptr_error err;
        const double t0 = now_s();
        const ptr_status st = ptr_zone_export(s, "eu-de", 5, &o, &sink, NULL, &err);
        if (f)
            fflush(f);
        t[r] = now_s() - t0;
        if (st != PTR_OK)
            die(err.message, st);
        *out = c;
    }
    for (unsigned i = 1; i < ZONE_REPS; i++) /* insertion sort: three values */
        for (unsigned j = i; j > 0 && t[j] < t[j - 1]; j--) {
            const double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return t[ZONE_REPS / 2];
}

void bench_zone(void)
{
    const double t0 = now_s();
    ptr_store *s = fill();
    bench_note("zone", "fill the memory store (not timed below)", (now_s() - t0) * 1e3, "ms");

    count_sink counted;
    const double mem = time_export(s, NULL, &counted);
    bench_note("zone", "export 1M records, counting sink", mem * 1e3, "ms");
    bench_note("zone", "zone text", (double)counted.bytes / 1e6, "MB");
    bench_note("zone", "zones", (double)counted.zones, "zones");

    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull)
        die("/dev/null", PTR_E_STORE);
    count_sink written;
    const double file = time_export(s, devnull, &written);
    fclose(devnull);
    bench_note("zone", "export 1M records, FILE * to /dev/null", file * 1e3, "ms");
    bench_sink += counted.bytes + written.bytes;

    bench_target("zone export 1,000,000 records: seconds", file > mem ? file : mem, 2.0, 1);
    ptr_store_free(s);
}
