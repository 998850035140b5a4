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
 *
 * The output directory may be writable by others than the user running
 * ptrctl (often root); docs/security.md says what is guaranteed. Everything
 * is done relative to one descriptor of the directory: a temporary is a new
 * file (O_CREAT|O_EXCL|O_NOFOLLOW, never a planted name or symlink), a zone
 * file is only read when it is a regular file (O_NOFOLLOW|O_NONBLOCK: never
 * through a symlink, never blocking on a FIFO or device), a name that exists
 * as anything else is refused, the file is fsync'ed before its rename and
 * the directory after it, and a failed export removes its temporary.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ptrctl.h"

#include <libptr/zone.h>

#define MAX_NS 16
/* 128 /31 blocks fill a /24; more on one command line is a mistake. */
#define MAX_CLASSLESS 256
/* The last line of every zone file ptrctl writes: a comment naming the region. */
#define REGION_MARK "; ptrctl region "

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

/* A failure about one file of the output directory, with its own reason. */
static int file_failure(ptrctl_failure *x, const char *dir, const char *name, const char *why)
{
    ptrctl_failure_io("", "", x);
    snprintf(x->message, sizeof x->message, "%s/%s: %s", dir, name, why);
    return -1;
}

/* The reason to refuse an existing name of the directory that is not a regular file. */
static const char *not_regular(mode_t m)
{
    return S_ISLNK(m) ? "a symbolic link where a zone file belongs: refused, never written through"
           : S_ISDIR(m)  ? "a directory where a zone file belongs: refused"
           : S_ISFIFO(m) ? "a FIFO where a zone file belongs: refused, never opened"
                         : "not a regular file (a device or socket) where a zone file belongs: "
                           "refused, never opened";
}

/*
 * Open DIR/name for reading only when it is a regular file; -1 with x set
 * otherwise. O_NONBLOCK: should the name be swapped for a FIFO after the
 * check, the open does not wait for a writer (and fstat then refuses it).
 */
static int open_regular(int dfd, const char *dir, const char *name, ptrctl_failure *x)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        ptrctl_failure_io("cannot read the zone file", "", x);
        snprintf(x->message, sizeof x->message, "cannot read the zone file %s/%s: %s", dir, name,
                 strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode))
        return file_failure(x, dir, name, not_regular(st.st_mode));
    const int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int e = errno;
        if (fd >= 0)
            close(fd);
        if (fd >= 0 || e == ELOOP)
            return file_failure(x, dir, name, "changed into something other than a regular file");
        errno = e;
        ptrctl_failure_io("cannot read the zone file", "", x);
        snprintf(x->message, sizeof x->message, "cannot read the zone file %s/%s: %s", dir, name,
                 strerror(e));
        return -1;
    }
    return fd;
}

/* A listing of the output directory through its descriptor (a dup: closedir closes that). */
static DIR *open_listing(int dfd, const char *dir, ptrctl_failure *x)
{
    const int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        ptrctl_failure_io("cannot list the directory", dir, x);
    }
    return d;
}

/*
 * The largest SOA serial among DIR's reverse-zone files (0 when there is
 * none) into *best. A zone file whose serial cannot be read, or a name of
 * that form that is not a regular file, is an error: the serial would
 * otherwise silently restart from the date, below what secondaries hold.
 */
static int previous_serial(int dfd, const char *dir, uint64_t *best, ptrctl_failure *x)
{
    *best = 0;
    DIR *d = open_listing(dfd, dir, x);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".arpa.zone"))
            continue;
        const int fd = open_regular(dfd, dir, e->d_name, x);
        if (fd < 0) {
            rc = -1;
            break;
        }
        char head[16384]; /* the SOA comes first, after $ORIGIN and $TTL */
        size_t n = 0;
        ssize_t got;
        while (n < sizeof head && (got = read(fd, head + n, sizeof head - n)) > 0)
            n += (size_t)got;
        close(fd);
        uint64_t v;
        if (soa_serial(head, n, &v) != 0)
            rc = file_failure(x, dir, e->d_name,
                              "no SOA serial could be read in this zone file (within its first "
                              "16 KiB): fix or remove it");
        else if (v > *best)
            *best = v;
    }
    closedir(d);
    return rc;
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
    ptrctl_failure x;
    ptrctl_failure_of(c, PTR_E_NAME, &err, "contact", &x);
    return ptrctl_report(c, &x);
}

/*
 * An address that a zone file of the directory gave a PTR record, and that
 * now has none: the exported zone answers it with its default name (what
 * ptrctl resolve says), instead of dropping it, so a deleted record never
 * leaves the old name nor a lookup that fails.
 */
struct fallback {
    char zone[300]; /* without the trailing dot, as file_sink.zone */
    char line[600]; /* "label<TAB>ttl<TAB>IN<TAB>PTR<TAB>name\n" */
    int done;       /* written into its zone */
};

typedef struct file_sink {
    const ptrctl *c;
    const char *dir; /* for messages */
    int dfd;         /* the output directory */
    FILE *f;         /* the temporary being written, NULL between zones */
    char tmp[PATH_CAP], final[PATH_CAP], zone[300]; /* tmp and final: names in dfd */
    unsigned long seq;
    int failed;
    ptrctl_failure x; /* why, when failed */
    size_t zones;
    int first;
    uint64_t serial;
    int head;            /* the JSON document is started */
    struct fallback *fb; /* addresses of earlier zone files that now answer their default name */
    size_t nfb;
} file_sink;

/* Drop the temporary being written, if any; errno is kept for the message. */
static void drop_tmp(file_sink *s)
{
    const int e = errno;
    if (s->f) {
        fclose(s->f);
        s->f = NULL;
        unlinkat(s->dfd, s->tmp, 0);
    }
    errno = e;
}

static ptr_status sink_fail(file_sink *s, const char *what, const char *name)
{
    ptrctl_failure_io("", "", &s->x);
    snprintf(s->x.message, sizeof s->x.message, "%s %s/%s: %s", what, s->dir, name,
             strerror(errno));
    s->failed = 1;
    drop_tmp(s);
    return PTR_E_STORE;
}

/*
 * A new temporary next to the zone. O_EXCL|O_NOFOLLOW: never an existing
 * file and never through a symlink, whoever else may write the directory; a
 * name someone took is skipped for the next. Mode 0644 (less the umask), as
 * the zone file it becomes: the name server reads it.
 */
static int create_tmp(file_sink *s)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        const unsigned long tag =
            (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ (++s->seq * 7919u);
        if ((size_t)snprintf(s->tmp, sizeof s->tmp, ".%s.%lx.tmp", s->final, tag) >=
            sizeof s->tmp) {
            errno = ENAMETOOLONG;
            return -1;
        }
        const int fd =
            openat(s->dfd, s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

static ptr_status sink_begin(void *user, const char *zone, size_t len)
{
    file_sink *s = user;
    /* "113.0.203.in-addr.arpa." -> "113.0.203.in-addr.arpa.zone" */
    const size_t base = len && zone[len - 1] == '.' ? len - 1 : len;
    snprintf(s->zone, sizeof s->zone, "%.*s", (int)base, zone);
    if ((size_t)snprintf(s->final, sizeof s->final, "%s.zone", s->zone) >= sizeof s->final) {
        errno = ENAMETOOLONG;
        return sink_fail(s, "cannot write", s->zone);
    }
    /* An RFC 2317 zone's '/' ("0/26.113.0.203.in-addr.arpa") cannot be in a file name: '_',
     * which no reverse zone name holds, so the file still names one zone only. */
    for (char *p = s->final; (p = strchr(p, '/')) != NULL;)
        *p = '_';
    /* The rename would replace a symlink, not follow it; still, something other than a zone
     * file under a zone's name means someone else is at work in the directory: stop. */
    struct stat st;
    if (fstatat(s->dfd, s->final, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        file_failure(&s->x, s->dir, s->final, not_regular(st.st_mode));
        s->failed = 1;
        return PTR_E_STORE;
    }
    const int fd = create_tmp(s);
    if (fd < 0)
        return sink_fail(s, "cannot create a zone file in", "");
    s->f = fdopen(fd, "w");
    if (!s->f) {
        const int e = errno;
        close(fd);
        unlinkat(s->dfd, s->tmp, 0);
        errno = e;
        return sink_fail(s, "cannot write", s->tmp);
    }
    return PTR_OK;
}

static ptr_status sink_write(void *user, const char *text, size_t len)
{
    file_sink *s = user;
    if (fwrite(text, 1, len, s->f) != len)
        return sink_fail(s, "cannot write", s->tmp);
    return PTR_OK;
}

/*
 * With --json the document starts with the first zone written: an export
 * refused before (a bad --ns) prints the error object alone.
 */
static void json_head(file_sink *s)
{
    if (s->head)
        return;
    printf("{\"serial\": %lu, \"zones\": [", (unsigned long)s->serial);
    s->head = 1;
}

static ptr_status sink_end(void *user)
{
    file_sink *s = user;
    for (size_t i = 0; i < s->nfb; i++)
        if (!s->fb[i].done && strcmp(s->fb[i].zone, s->zone) == 0) {
            if (fputs(s->fb[i].line, s->f) == EOF)
                return sink_fail(s, "cannot write", s->tmp);
            s->fb[i].done = 1;
        }
    /* Whose zone this is: the next export of the region reads its addresses back (and only
     * its own region's files, whatever else the directory holds). */
    if (fprintf(s->f, "%s%s\n", REGION_MARK, s->c->region) < 0)
        return sink_fail(s, "cannot write", s->tmp);
    /* On disk before it is renamed, so that a crash leaves the old zone or the new one. */
    if (fflush(s->f) != 0 || fsync(fileno(s->f)) != 0)
        return sink_fail(s, "cannot write", s->tmp);
    FILE *f = s->f;
    s->f = NULL;
    if (fclose(f) != 0) {
        const int e = errno;
        unlinkat(s->dfd, s->tmp, 0);
        errno = e;
        return sink_fail(s, "cannot write", s->tmp);
    }
    if (renameat(s->dfd, s->tmp, s->dfd, s->final) != 0) {
        const int e = errno;
        unlinkat(s->dfd, s->tmp, 0);
        errno = e;
        return sink_fail(s, "cannot rename a zone file to", s->final);
    }
    /* The rename itself is on disk once the directory is. */
    if (fsync(s->dfd) != 0)
        return sink_fail(s, "cannot sync the directory", "");
    if (s->c->json) {
        json_head(s);
        fputs(s->first ? "" : ", ", stdout);
        fputs("{\"zone\": ", stdout);
        jwrite_cstr(stdout, s->zone);
        fputs(", \"file\": ", stdout);
        char path[2 * PATH_CAP];
        snprintf(path, sizeof path, "%s/%s", s->dir, s->final);
        jwrite_cstr(stdout, path);
        fputc('}', stdout);
    } else {
        printf("wrote %s/%s\n", s->dir, s->final);
    }
    s->first = 0;
    s->zones++;
    return PTR_OK;
}

/*
 * The fallbacks: every PTR owner of DIR's zone files whose address has no
 * record in the region any more, with the default name it answers with.
 * Read before the export, so that no other transaction runs inside it.
 */
/* Does the region have a record of a (in any state)? A store failure counts as yes: then
 * no fallback line is added, and the export itself reports the failure. */
static int stored(ptrctl *c, const ptr_addr *a)
{
    ptr_store_txn *txn = NULL;
    ptr_record *r = NULL;
    if (ptr_store_begin(c->store, PTR_TXN_READ, &txn) != PTR_OK)
        return 1;
    ptr_status st = ptr_record_new(NULL, &r);
    if (st == PTR_OK)
        st = ptr_store_get(c->store, txn, c->region, strlen(c->region), a, r);
    ptr_store_rollback(c->store, txn);
    ptr_record_free(r);
    return st != PTR_E_NOT_FOUND;
}

/*
 * The zone an address's line goes to in this export, without the trailing
 * dot: its RFC 2317 block's when one holds it, else its /24; an IPv6 address
 * stays in the zone of the file it came from (file_zone).
 */
static void current_zone(const ptr_addr *a, const ptr_zone_block *blocks, size_t nblocks,
                         const char *file_zone, char *buf, size_t cap)
{
    unsigned plen = 24, flags = 0;
    for (size_t i = 0; i < nblocks && a->family == 4; i++) {
        /* Read before the library checks the blocks: one it will refuse decides nothing. */
        if (blocks[i].net.family != 4 || blocks[i].prefix_len < 25 || blocks[i].prefix_len > 31)
            continue;
        const unsigned host = (1u << (32u - blocks[i].prefix_len)) - 1u;
        if (memcmp(blocks[i].net.bytes, a->bytes, 3) == 0 &&
            (a->bytes[3] & ~host & 0xFFu) == blocks[i].net.bytes[3]) {
            plen = blocks[i].prefix_len;
            flags = PTR_REVZONE_RFC2317_SLASH;
        }
    }
    size_t n = 0;
    if (a->family != 4 || ptr_revzone(a, plen, flags, buf, cap, &n) != PTR_OK)
        snprintf(buf, cap, "%s", file_zone);
}

static int collect_fallbacks(ptrctl *c, int dfd, const char *dir, const ptr_zone_block *blocks,
                             size_t nblocks, file_sink *fs, ptrctl_failure *x)
{
    DIR *d = open_listing(dfd, dir, x);
    if (!d)
        return -1;
    rewinddir(d); /* a dup shares the offset that previous_serial's listing moved */
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".arpa.zone"))
            continue;
        const int fd = open_regular(dfd, dir, e->d_name, x);
        FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
        if (!f) {
            if (fd >= 0)
                close(fd);
            rc = -1;
            break;
        }
        char zone[300];
        snprintf(zone, sizeof zone, "%.*s", (int)(strlen(e->d_name) - 5), e->d_name);
        char line[1024], mark[200];
        snprintf(mark, sizeof mark, "%s%s\n", REGION_MARK, c->region);
        int ours = 0; /* a file of this region: it ends with its mark */
        while (fgets(line, sizeof line, f)) {
            ours = strcmp(line, mark) == 0;
            /* The zone is its $ORIGIN: an RFC 2317 zone's file name is not its name. */
            if (strncmp(line, "$ORIGIN ", 8) == 0 && sscanf(line + 8, "%299s", zone) == 1 &&
                zone[0] && zone[strlen(zone) - 1] == '.')
                zone[strlen(zone) - 1] = '\0';
        }
        rewind(f);
        /* A label of an RFC 2317 zone ("10" in 0/26.113.0.203.in-addr.arpa) is the last octet
         * of an address of its /24: its reverse name skips the block's label. */
        const char *slash = strchr(zone, '/'), *dot = strchr(zone, '.');
        const char *parent = slash && dot && slash < dot ? dot + 1 : zone;
        while (ours && rc == 0 && fgets(line, sizeof line, f)) {
            char label[100], ttl[16], in[8], type[8];
            /* Only the records ptrctl writes: "label TTL IN PTR name" (not @, $ or comments). */
            if (line[0] == '@' || line[0] == '$' || line[0] == ';' || line[0] == ' ' ||
                line[0] == '\t' || sscanf(line, "%99s %15s %7s %7s", label, ttl, in, type) != 4 ||
                strcmp(type, "PTR") != 0)
                continue;
            char rev[512];
            snprintf(rev, sizeof rev, "%s.%s", label, parent);
            ptr_addr a;
            if (ptr_revname_parse(rev, strlen(rev), &a, NULL) != PTR_OK)
                continue;
            char text[PTR_ADDR_STRLEN + 1];
            size_t tlen = 0;
            if (ptr_addr_format(&a, text, sizeof text, &tlen) != PTR_OK)
                continue;
            char to[300];
            current_zone(&a, blocks, nblocks, zone, to, sizeof to);
            int is_default = 0, dup_entry = 0;
            for (size_t i = 0; i < fs->nfb && !dup_entry; i++)
                dup_entry = strcmp(fs->fb[i].zone, to) == 0 &&
                            strncmp(fs->fb[i].line, label, strlen(label)) == 0 &&
                            fs->fb[i].line[strlen(label)] == '\t';
            if (dup_entry)
                continue;
            ptr_record *rec = NULL;
            ptr_error err;
            ptr_error_clear(&err);
            ptr_status st = ptr_record_new(NULL, &rec);
            if (st == PTR_OK)
                st = ptr_ctx_resolve(c->ctx, &c->scope, text, tlen, rec, &is_default, &err);
            /* A record waiting for its delete answers its default name already: the library
             * writes it (ptr_ctx_zone_export). Only an address without a record is ours. */
            if (st == PTR_OK && is_default && stored(c, &a))
                is_default = 0;
            if (st == PTR_OK && is_default) {
                struct fallback *nf = realloc(fs->fb, (fs->nfb + 1) * sizeof *nf);
                if (!nf) {
                    st = PTR_E_NOMEM;
                } else {
                    fs->fb = nf;
                    struct fallback *b = &fs->fb[fs->nfb++];
                    snprintf(b->zone, sizeof b->zone, "%s", to);
                    const char *name = ptr_record_name(rec, 0, NULL);
                    snprintf(b->line, sizeof b->line, "%s\t%u\tIN\tPTR\t%s\n", label,
                             (unsigned)ptr_record_ttl(rec), name ? name : "");
                    b->done = 0;
                }
            }
            ptr_record_free(rec);
            if (st != PTR_OK) {
                ptrctl_failure_of(c, st, &err, NULL, x);
                rc = -1;
            }
        }
        fclose(f);
    }
    closedir(d);
    return rc;
}

/* The head of a zone that has no record any more, as ptr_zone_export writes one. */
static void zone_head(FILE *f, const char *zone, const ptr_zone_options *o)
{
    fprintf(f, "$ORIGIN %s.\n$TTL %u\n", zone, (unsigned)o->default_ttl);
    fprintf(f, "@\tIN\tSOA\t%.*s. %.*s (\n",
            (int)o->ns[0].len - (o->ns[0].s[o->ns[0].len - 1] == '.'), o->ns[0].s,
            (int)o->contact.len - (o->contact.len && o->contact.s[o->contact.len - 1] == '.'),
            o->contact.s);
    fprintf(f,
            "\t\t%u\t; serial\n\t\t%u\t; refresh\n\t\t%u\t; retry\n\t\t%u\t; expire\n"
            "\t\t%u )\t; minimum: TTL of negative answers (RFC 2308)\n",
            (unsigned)o->serial, (unsigned)o->refresh, (unsigned)o->retry, (unsigned)o->expire,
            (unsigned)o->minimum);
    for (size_t i = 0; i < o->ns_count; i++)
        fprintf(f, "@\tIN\tNS\t%.*s.\n", (int)o->ns[i].len - (o->ns[i].s[o->ns[i].len - 1] == '.'),
                o->ns[i].s);
}

/* The option a zone export's name error is about: "ns[1]", "contact" or "primary". */
static void zone_field(const ptr_error *err, char *buf, size_t cap)
{
    if (err->field != PTR_FIELD_NAME)
        ptrctl_field_text(err, buf, cap);
    else if (err->index == PTR_ZONE_INDEX_CONTACT)
        snprintf(buf, cap, "contact");
    else if (err->index == PTR_ZONE_INDEX_PRIMARY)
        snprintf(buf, cap, "primary");
    else
        snprintf(buf, cap, "ns[%u]", (unsigned)err->index);
}

/* One --classless value: an IPv4 prefix; whether the library takes it is its own rule. */
static int classless_arg(const ptrctl *c, const char *v, ptr_zone_block *blocks, const char **text,
                         size_t *n)
{
    if (*n == MAX_CLASSLESS)
        return ptrctl_usage(c, "at most %d --classless", MAX_CLASSLESS);
    unsigned len = 0;
    ptr_zone_block *b = &blocks[*n];
    memset(b, 0, sizeof *b);
    if (ptr_prefix_parse(v, strlen(v), &b->net, &len) != PTR_OK)
        return ptrctl_usage(c,
                            "--classless %s: not an address block such as 203.0.113.0/26 (the "
                            "block's first address, a '/', its prefix length)",
                            v);
    b->prefix_len = len;
    text[(*n)++] = v;
    return PTRCTL_EXIT_OK;
}

/*
 * A block the library refused, in the words of the command line: the
 * option, its value, and why ("overlaps --classless 203.0.113.0/26").
 */
static void classless_failure(const ptrctl *c, ptr_status st, const ptr_error *err,
                              const ptr_zone_block *blocks, const char **text, ptrctl_failure *x)
{
    ptrctl_failure_of(c, st, err, "--classless", x);
    const ptr_zone_block *b = &blocks[err->index];
    const char *why = strstr(err->message, ": ");
    char other[200] = "";
    for (uint32_t i = 0; !why && i < err->index; i++) { /* an overlap: with which block */
        const ptr_zone_block *e = &blocks[i];
        const unsigned shorter = e->prefix_len < b->prefix_len ? e->prefix_len : b->prefix_len;
        const unsigned mask = 0xFFu & ~((1u << (32u - shorter)) - 1u);
        if (memcmp(e->net.bytes, b->net.bytes, 3) == 0 &&
            (e->net.bytes[3] & mask) == (b->net.bytes[3] & mask))
            snprintf(other, sizeof other,
                     "overlaps --classless %s (an address is delegated to one zone only)", text[i]);
    }
    snprintf(x->message, sizeof x->message, "--classless %s: %s", text[err->index],
             why        ? why + 2
             : other[0] ? other
                        : err->message);
}

int cmd_export_zone(ptrctl *c, int argc, char **argv)
{
    const char *dir = ".", *contact = NULL;
    ptr_text ns[MAX_NS];
    size_t nns = 0;
    ptr_zone_block blocks[MAX_CLASSLESS];
    const char *block_text[MAX_CLASSLESS];
    size_t nblocks = 0;
    int rc;
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
        } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--classless", &v)) > 0) {
            if ((rc = classless_arg(c, v, blocks, block_text, &nblocks)) != 0)
                return rc;
        } else if (r == 0) {
            return argv[i][0] == '-' ? cli_unknown(c, argv[i])
                                     : ptrctl_usage(c, "unexpected argument '%s'", argv[i]);
        }
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
    }
    if (!*dir)
        return ptrctl_usage(c, "--out needs a directory");
    /* Without --ns, the configuration's zone_ns (comma-separated); a zone needs real ones. */
    char ns_list[4096];
    if (nns == 0) {
        snprintf(ns_list, sizeof ns_list, "%s", c->set[PTRCTL_K_ZONE_NS].value);
        for (char *p = ns_list, *end; *p; p = end) {
            end = p + strcspn(p, ",");
            if (*end)
                *end++ = '\0';
            while (*p == ' ' || *p == '\t')
                p++;
            size_t n = strlen(p);
            while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
            if (n == 0)
                continue;
            if (nns == MAX_NS)
                return ptrctl_usage(c, "at most %d name servers in zone_ns", MAX_NS);
            ns[nns++] = (ptr_text){p, n};
        }
    }
    if (nns == 0)
        return ptrctl_usage(c, "the zones' name servers are missing: give --ns NAME (repeatable) "
                               "or zone_ns in the configuration file");
    if (!contact)
        contact = c->set[PTRCTL_K_ZONE_CONTACT].value;
    char rname[512] = "";
    if (contact && (rc = contact_rname(c, contact, rname, sizeof rname)) != 0)
        return rc;
    /* O_DIRECTORY: a FIFO or device given as --out is refused at once, never waited on. */
    const int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    if (dfd < 0)
        return ptrctl_system(c, "cannot open the directory", dir);
    ptrctl_failure x;
    uint64_t prev = 0;
    if (previous_serial(dfd, dir, &prev, &x) != 0) {
        close(dfd);
        return ptrctl_report(c, &x);
    }
    uint64_t serial = date_serial();
    if (prev + 1 > serial)
        serial = prev + 1;
    if (serial > UINT32_MAX) {
        close(dfd);
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_INVAL;
        snprintf(err.message, sizeof err.message,
                 "the zone files in the directory have a serial that cannot grow any more");
        return ptrctl_fail(c, PTR_E_INVAL, &err);
    }
    if ((rc = ptrctl_open(c)) != 0) {
        close(dfd);
        return rc;
    }
    ptr_zone_options o;
    ptr_zone_options_init(&o);
    o.serial = (uint32_t)serial;
    o.ns = nns ? ns : NULL;
    o.ns_count = nns;
    o.contact = (ptr_text){rname, strlen(rname)};
    o.ipv6_prefix = ptrctl_setting_u32(c, PTRCTL_K_ZONE_IPV6_PREFIX);
    o.classless = nblocks ? blocks : NULL;
    o.classless_count = nblocks;
    file_sink fs;
    memset(&fs, 0, sizeof fs);
    fs.c = c;
    fs.dir = dir;
    fs.dfd = dfd;
    fs.first = 1;
    fs.serial = serial;
    const ptr_zone_sink sink = {sink_begin, sink_write, sink_end, &fs};
    size_t zones = 0;
    ptr_error err;
    ptr_error_clear(&err);
    ptr_status st = PTR_OK;
    if (collect_fallbacks(c, dfd, dir, blocks, nblocks, &fs, &x) != 0) {
        close(dfd);
        free(fs.fb);
        return ptrctl_report(c, &x);
    }
    st = ptr_ctx_zone_export(c->ctx, c->region, strlen(c->region), &o, &sink, &zones, &err);
    /* Zones whose every record was deleted: their addresses answer their default names. */
    for (size_t i = 0; st == PTR_OK && i < fs.nfb; i++) {
        if (fs.fb[i].done)
            continue;
        st = sink_begin(&fs, fs.fb[i].zone, strlen(fs.fb[i].zone));
        if (st == PTR_OK) {
            zone_head(fs.f, fs.fb[i].zone, &o);
            st = sink_end(&fs);
        }
        if (st == PTR_OK)
            zones++;
    }
    free(fs.fb);
    drop_tmp(&fs); /* the export stopped inside a zone: drop its partial file */
    close(dfd);
    if (st == PTR_OK) {
        if (c->json) {
            json_head(&fs);
            printf("]}\n");
        } else
            printf("%zu zone(s) of region %s, SOA serial %lu\n", zones, c->region,
                   (unsigned long)serial);
        return PTRCTL_EXIT_OK;
    }
    if (fs.failed) {
        x = fs.x;
    } else if (err.field == PTR_FIELD_ADDRESS && err.index < nblocks) {
        classless_failure(c, st, &err, blocks, block_text, &x);
    } else {
        char field[64];
        zone_field(&err, field, sizeof field);
        ptrctl_failure_of(c, st, &err, field, &x);
    }
    /* The zones written so far, and why the export stopped: never a success-shaped object. */
    if (c->json && fs.head) {
        fputs("], \"error\": ", stdout);
        ptrctl_failure_json(stdout, &x);
        fputs("}\n", stdout);
        c->json = 0; /* the JSON document is complete: the rest goes to stderr */
    }
    return ptrctl_report(c, &x);
}
