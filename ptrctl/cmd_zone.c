/*
 * export-zone: the region's records as master files, one "<zone>.zone" per
 * reverse zone in --out DIR, written by ptr_zone_export through a file sink.
 *
 * SOA serial: the database has no place for it (its schema belongs to the
 * store), so it is derived from what an earlier export left in DIR:
 *   serial = max(largest SOA serial of DIR's *.arpa.zone files + 1,
 *                today's date as YYYYMMDD00, UTC)
 * It grows on every export into the same directory, and looks like the
 * date-based serials operators expect. Each file is written to a temporary
 * name and renamed into place, so a name server never reads half a zone.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ptrctl.h"

#include <libptr/zone.h>

#define MAX_NS   16
#define PATH_CAP 4096

/* The SOA serial in a master file's text: the third field after the token "SOA". */
static int soa_serial(const char *text, size_t n, uint64_t *out)
{
    int after = -1;
    size_t i = 0;
    while (i < n) {
        const char ch = text[i];
        if (ch == ';') { /* a comment runs to the end of the line */
            while (i < n && text[i] != '\n')
                i++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '(' || ch == ')') {
            i++;
            continue;
        }
        const size_t start = i;
        while (i < n && !strchr(" \t\r\n();", text[i]))
            i++;
        const size_t len = i - start;
        if (after < 0) {
            if (len == 3 && (text[start] | 0x20) == 's' && (text[start + 1] | 0x20) == 'o' &&
                (text[start + 2] | 0x20) == 'a')
                after = 0;
            continue;
        }
        if (++after < 3)
            continue;
        uint64_t v = 0;
        for (size_t k = start; k < i; k++) {
            if (text[k] < '0' || text[k] > '9' || v > UINT32_MAX)
                return -1;
            v = v * 10 + (uint64_t)(text[k] - '0');
        }
        if (len == 0 || v > UINT32_MAX)
            return -1;
        *out = v;
        return 0;
    }
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The largest SOA serial among DIR's reverse-zone files; 0 when there is none. */
static uint64_t previous_serial(const char *dir)
{
    uint64_t best = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ends_with(e->d_name, ".arpa.zone"))
            continue;
        char path[PATH_CAP];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        char head[16384]; /* the SOA comes first, after $ORIGIN and $TTL */
        const size_t n = fread(head, 1, sizeof head, f);
        fclose(f);
        uint64_t v;
        if (soa_serial(head, n, &v) == 0 && v > best)
            best = v;
    }
    closedir(d);
    return best;
}

static uint64_t date_serial(void)
{
    const time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return 0;
    return ((uint64_t)(tm.tm_year + 1900) * 10000 + (uint64_t)(tm.tm_mon + 1) * 100 +
            (uint64_t)tm.tm_mday) *
           100;
}

/*
 * "hostmaster@example.com" -> "hostmaster.example.com" (the SOA RNAME form);
 * a name without '@' is taken as it is. A dot in the mailbox part would need
 * a "\." escape, which a zone's names here never carry: refused.
 */
static int contact_rname(const ptrctl *c, const char *s, char *buf, size_t cap)
{
    const char *at = strchr(s, '@');
    if (!at) {
        snprintf(buf, cap, "%s", s);
        return PTRCTL_EXIT_OK;
    }
    ptr_error err;
    ptr_error_clear(&err);
    err.status = PTR_E_NAME;
    err.field = PTR_FIELD_NONE;
    if (at == s || !at[1] || strchr(at + 1, '@'))
        snprintf(err.message, sizeof err.message,
                 "--contact: give a mailbox (hostmaster@example.com) or its name form "
                 "(hostmaster.example.com)");
    else if (memchr(s, '.', (size_t)(at - s)))
        snprintf(err.message, sizeof err.message,
                 "--contact: a dot before the '@' cannot be written in an SOA contact; use "
                 "a mailbox without one");
    else if ((size_t)snprintf(buf, cap, "%.*s.%s", (int)(at - s), s, at + 1) >= cap)
        snprintf(err.message, sizeof err.message, "--contact: too long for a domain name");
    else
        return PTRCTL_EXIT_OK;
    return ptrctl_fail(c, PTR_E_NAME, &err);
}

typedef struct file_sink {
    const ptrctl *c;
    const char *dir;
    FILE *f;
    char tmp[PATH_CAP], final[PATH_CAP], zone[300];
    int err_no;
    const char *what; /* the step that failed, for the message */
    size_t zones;
    int first;
} file_sink;

static ptr_status sink_fail(file_sink *s, const char *what)
{
    s->err_no = errno;
    s->what = what;
    if (s->f) {
        fclose(s->f);
        s->f = NULL;
        remove(s->tmp);
    }
    return PTR_E_STORE;
}

static ptr_status sink_begin(void *user, const char *zone, size_t len)
{
    file_sink *s = user;
    /* "113.0.203.in-addr.arpa." -> "113.0.203.in-addr.arpa.zone" */
    const size_t base = len && zone[len - 1] == '.' ? len - 1 : len;
    snprintf(s->zone, sizeof s->zone, "%.*s", (int)base, zone);
    if ((size_t)snprintf(s->final, sizeof s->final, "%s/%s.zone", s->dir, s->zone) >=
            sizeof s->final ||
        (size_t)snprintf(s->tmp, sizeof s->tmp, "%s/.%s.zone.tmp", s->dir, s->zone) >=
            sizeof s->tmp) {
        errno = ENAMETOOLONG;
        return sink_fail(s, "cannot write into");
    }
    s->f = fopen(s->tmp, "w");
    if (!s->f)
        return sink_fail(s, "cannot create a zone file in");
    return PTR_OK;
}

static ptr_status sink_write(void *user, const char *text, size_t len)
{
    file_sink *s = user;
    if (fwrite(text, 1, len, s->f) != len)
        return sink_fail(s, "cannot write a zone file in");
    return PTR_OK;
}

static ptr_status sink_end(void *user)
{
    file_sink *s = user;
    FILE *f = s->f;
    s->f = NULL;
    if (fclose(f) != 0) {
        s->f = NULL;
        s->err_no = errno;
        s->what = "cannot write a zone file in";
        remove(s->tmp);
        return PTR_E_STORE;
    }
    if (rename(s->tmp, s->final) != 0) {
        s->err_no = errno;
        s->what = "cannot rename a zone file in";
        remove(s->tmp);
        return PTR_E_STORE;
    }
    if (s->c->json) {
        fputs(s->first ? "" : ", ", stdout);
        fputs("{\"zone\": ", stdout);
        json_cstr(stdout, s->zone);
        fputs(", \"file\": ", stdout);
        json_cstr(stdout, s->final);
        fputc('}', stdout);
    } else {
        printf("wrote %s\n", s->final);
    }
    s->first = 0;
    s->zones++;
    return PTR_OK;
}

int cmd_export_zone(ptrctl *c, int argc, char **argv)
{
    const char *dir = ".", *contact = NULL;
    ptr_text ns[MAX_NS];
    size_t nns = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = cli_opt(c, argc, argv, &i, "--out", &v)) > 0) {
            dir = v;
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--ns", &v)) > 0) {
            if (nns == MAX_NS)
                return ptrctl_usage(c, "at most %d --ns", MAX_NS);
            ns[nns++] = (ptr_text){v, strlen(v)};
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--contact", &v)) > 0) {
            contact = v;
        } else if (r == 0) {
            return argv[i][0] == '-' ? cli_unknown(c, argv[i])
                                     : ptrctl_usage(c, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
    }
    if (!*dir)
        return ptrctl_usage(c, "--out needs a directory");
    char rname[512] = "";
    if (contact) {
        int rc = contact_rname(c, contact, rname, sizeof rname);
        if (rc)
            return rc;
    }
    DIR *d = opendir(dir);
    if (!d)
        return ptrctl_system(c, "cannot open the directory", dir);
    closedir(d);
    const uint64_t prev = previous_serial(dir);
    uint64_t serial = date_serial();
    if (prev + 1 > serial)
        serial = prev + 1;
    if (serial > UINT32_MAX) {
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_INVAL;
        snprintf(err.message, sizeof err.message,
                 "the zone files in the directory have a serial that cannot grow any more");
        return ptrctl_fail(c, PTR_E_INVAL, &err);
    }
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.serial = (uint32_t)serial;
    o.ns = nns ? ns : NULL;
    o.ns_count = nns;
    o.contact = (ptr_text){rname, strlen(rname)};
    file_sink fs;
    memset(&fs, 0, sizeof fs);
    fs.c = c;
    fs.dir = dir;
    fs.first = 1;
    const ptr_zone_sink sink = {sink_begin, sink_write, sink_end, &fs};
    if (c->json)
        printf("{\"serial\": %lu, \"zones\": [", (unsigned long)serial);
    size_t zones = 0;
    ptr_error err;
    ptr_error_clear(&err);
    ptr_status st =
        ptr_zone_export(c->store, c->region, strlen(c->region), &o, &sink, &zones, &err);
    if (fs.f) { /* the export stopped inside a zone: drop its partial file */
        fclose(fs.f);
        remove(fs.tmp);
    }
    if (c->json)
        printf("]}\n");
    if (st == PTR_OK) {
        if (!c->json)
            printf("%zu zone(s) of region %s, SOA serial %lu\n", zones, c->region,
                   (unsigned long)serial);
        return PTRCTL_EXIT_OK;
    }
    c->json = 0; /* the JSON document is already closed: report on stderr */
    if (fs.what) {
        errno = fs.err_no;
        return ptrctl_system(c, fs.what, dir);
    }
    return ptrctl_fail(c, st, &err);
}
