/*
 * zone_fixture DIR: fills a memory store through the service (IPv4 records in
 * three /24s, IPv6 records in two /64s, several names per record, a record
 * in another region that must not appear), exports region "eu-de" with
 * ptr_zone_export into DIR/<zone>.zone, and writes DIR/expect: one line
 * "ADDRESS NAME..." per record, from this file's own table, for
 * check_zone_servers.sh to ask a real server about.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libptr/libptr.h"

typedef struct fixture_rec {
    const char *address;
    const char *names[3];
    int64_t ttl;
} fixture_rec;

static const fixture_rec recs[] = {
    {"192.0.2.1", {"mail.example.com."}, 300},
    {"192.0.2.25", {"smtp.example.net.", "mx1.example.net."}, 3600},
    {"192.0.2.254", {"gw.example.org."}, 86400},
    {"198.51.100.7", {"web.example.com."}, 60},
    {"198.51.100.8", {"Web2.Example.COM"}, 60}, /* stored normalized: web2.example.com. */
    {"198.51.100.200", {"a.example.com.", "b.example.com.", "c.example.com."}, 120},
    {"203.0.113.10", {"xn--bcher-kva.example."}, 300},
    {"203.0.113.11", {"host-11.example.com."}, 2147483647},
    {"2001:db8::1", {"v6.example.com."}, 300},
    {"2001:db8::a:1", {"v6-a.example.com.", "v6-b.example.com."}, 900},
    {"2001:db8::ffff:ffff:ffff:ffff", {"last.example.com."}, 300},
    {"2001:db8:0:1::53", {"ns.example.net."}, 1800},
};

/* One zone at a time into DIR/<zone>.zone, through a temporary name so a failed
 * export never leaves half a file under the real one. */
typedef struct dir_sink {
    const char *dir;
    char path[4096], tmp[4096 + 4];
    FILE *f;
} dir_sink;

static ptr_status ds_begin(void *user, const char *zone, size_t len)
{
    dir_sink *d = user;
    (void)len;
    int n = snprintf(d->path, sizeof d->path, "%s/%szone", d->dir, zone);
    if (n < 0 || (size_t)n >= sizeof d->path)
        return PTR_E_INVAL;
    snprintf(d->tmp, sizeof d->tmp, "%s.tmp", d->path);
    d->f = fopen(d->tmp, "w");
    if (!d->f) {
        fprintf(stderr, "zone_fixture: %s: %s\n", d->tmp, strerror(errno));
        return PTR_E_STORE;
    }
    return PTR_OK;
}

static ptr_status ds_write(void *user, const char *text, size_t len)
{
    dir_sink *d = user;
    if (fwrite(text, 1, len, d->f) == len)
        return PTR_OK;
    fclose(d->f);
    d->f = NULL;
    remove(d->tmp);
    return PTR_E_STORE;
}

static ptr_status ds_end(void *user)
{
    dir_sink *d = user;
    int bad = fclose(d->f) != 0;
    d->f = NULL;
    if (bad || rename(d->tmp, d->path) != 0) {
        remove(d->tmp);
        return PTR_E_STORE;
    }
    return PTR_OK;
}

static int fail(const char *what, ptr_status st, const ptr_error *err)
{
    fprintf(stderr, "zone_fixture: %s: %s (%s)\n", what, ptr_status_name(st),
            err && err->message[0] ? err->message : ptr_strerror(st));
    return 1;
}

static ptr_status create(ptr_ctx *ctx, const char *region, const fixture_rec *r, ptr_error *err)
{
    const ptr_scope scope = {{region, strlen(region)}, {"p1", 2}, {"o1", 2}};
    ptr_text names[3];
    size_t n = 0;
    while (n < 3 && r->names[n]) {
        names[n].s = r->names[n];
        names[n].len = strlen(r->names[n]);
        n++;
    }
    ptr_request req;
    ptr_request_init(&req);
    req.address.s = r->address;
    req.address.len = strlen(r->address);
    req.names = names;
    req.name_count = n;
    req.ttl = r->ttl;
    return ptr_ctx_create(ctx, &scope, &req, NULL, err);
}

static int write_expect(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/expect", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "zone_fixture: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        fputs(recs[i].address, f);
        for (size_t j = 0; j < 3 && recs[i].names[j]; j++) {
            /* What a server answers: the normal form, lower case with the trailing dot. */
            char norm[PTR_NAME_BUFSZ];
            size_t len = 0;
            if (ptr_name_normalize(recs[i].names[j], strlen(recs[i].names[j]), 0, norm, sizeof norm,
                                   &len, NULL) != PTR_OK) {
                fclose(f);
                return 1;
            }
            fprintf(f, " %s", norm);
        }
        fputc('\n', f);
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: zone_fixture DIR\n");
        return 2;
    }
    ptr_store *store = NULL;
    ptr_ctx *ctx = NULL;
    ptr_error err;
    int rc = 1;
    ptr_status st = ptr_memstore_new(NULL, &store);
    if (st != PTR_OK)
        return fail("memory store", st, NULL);

    ptr_policy policy;
    ptr_policy_init(&policy);
    policy.options |= PTR_POLICY_IPV6;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = store;
    cfg.policy = &policy;
    if ((st = ptr_ctx_new(&cfg, &ctx, &err)) != PTR_OK) {
        fail("context", st, &err);
        goto out;
    }
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
        if ((st = create(ctx, "eu-de", &recs[i], &err)) != PTR_OK) {
            fail(recs[i].address, st, &err);
            goto out;
        }
    /* Same /24 as records above, other region: must not reach the eu-de zones. */
    const fixture_rec other = {"192.0.2.2", {"other-region.example.com."}, 300};
    if ((st = create(ctx, "eu-nl", &other, &err)) != PTR_OK) {
        fail("other region", st, &err);
        goto out;
    }

    const ptr_text ns[] = {{"ns1.example.net.", 16}, {"NS2.example.net", 15}};
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.serial = 2026112201;
    o.ns = ns;
    o.ns_count = 2;
    o.contact.s = "dns-admin.example.net";
    o.contact.len = strlen(o.contact.s);
    dir_sink d = {argv[1], {0}, {0}, NULL};
    const ptr_zone_sink sink = {ds_begin, ds_write, ds_end, &d};
    size_t zones = 0;
    if ((st = ptr_zone_export(store, "eu-de", 5, &o, &sink, &zones, &err)) != PTR_OK) {
        fail("export", st, &err);
        goto out;
    }
    if (zones != 5) { /* 3 IPv4 /24s and 2 IPv6 /64s */
        fprintf(stderr, "zone_fixture: %zu zones exported, expected 5\n", zones);
        goto out;
    }
    if (write_expect(argv[1]) != 0)
        goto out;
    printf("zone_fixture: %zu zones and the expect file written to %s\n", zones, argv[1]);
    rc = 0;
out:
    ptr_ctx_free(ctx);
    ptr_store_free(store);
    return rc;
}
