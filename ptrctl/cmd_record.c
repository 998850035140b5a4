/* create, show, update, delete and resolve: one record at a time, as the console does. */
#include <stdlib.h>
#include <string.h>

#include "ptrctl.h"

/* Most names and tags one command line may give; the policy's limits are checked by libptr. */
#define MAX_ARGS 64

/* The record as the command's output: JSON object or text lines. */
static void print_record(const ptrctl *c, const ptr_record *r)
{
    if (c->json) {
        record_json(stdout, r);
        fputc('\n', stdout);
    } else if (c->output == PTRCTL_OUT_CSV) {
        record_csv_header(stdout);
        record_csv(stdout, r);
    } else {
        record_text(stdout, r);
    }
}

/* Exactly one positional argument (the address), no options. */
static int one_address(ptrctl *c, int argc, char **argv, const char **addr)
{
    *addr = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            if (i + 1 < argc && !*addr)
                *addr = argv[++i];
            if (i + 1 < argc)
                return ptrctl_usage(c, "unexpected argument '%s'", argv[i + 1]);
            break;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_unknown(c, argv[i]);
        if (*addr)
            return ptrctl_usage(c, "unexpected argument '%s'", argv[i]);
        *addr = argv[i];
    }
    if (!*addr)
        return ptrctl_usage(c, "the IP address is missing");
    return PTRCTL_EXIT_OK;
}

/*
 * What addr answers with in the command's region: *rec (free it with
 * ptr_record_free, also on failure), whether that is the default name, and
 * the address as text in a.
 */
static ptr_status resolve_addr(ptrctl *c, const char *addr, ptr_record **rec, int *is_default,
                               char a[PTR_ADDR_STRLEN + 1], ptr_error *err)
{
    *rec = NULL;
    *is_default = 0;
    ptr_status st = ptr_record_new(NULL, rec);
    if (st == PTR_OK)
        st = ptr_ctx_resolve(c->ctx, &c->scope, addr, strlen(addr), *rec, is_default, err);
    if (st != PTR_OK ||
        ptr_addr_format(ptr_record_address(*rec), a, PTR_ADDR_STRLEN + 1, NULL) != PTR_OK)
        a[0] = '\0';
    return st;
}

int cmd_create(ptrctl *c, int argc, char **argv)
{
    ptr_text names[MAX_ARGS];
    ptr_tag tags[MAX_ARGS];
    size_t nn = 0, nt = 0;
    const char *addr = NULL, *v = NULL;
    ptr_request req;
    ptr_request_init(&req);
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        int r = 0;
        if (!only_positional && argv[i][0] == '-' && argv[i][1] != '\0') {
            if (strcmp(argv[i], "--") == 0) {
                only_positional = 1;
                continue;
            }
            if ((r = cli_opt(c, argc, argv, &i, "--ttl", &v)) > 0) {
                int rc = cli_ttl(c, v, &req.ttl);
                if (rc)
                    return rc;
            } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--description", &v)) > 0) {
                req.description = (ptr_text){v, strlen(v)};
            } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--tag", &v)) > 0) {
                if (nt == MAX_ARGS)
                    return ptrctl_usage(c, "more than %d --tag options", MAX_ARGS);
                cli_tag(v, &tags[nt]);
                if (!tags[nt].value)
                    return ptrctl_usage(c, "--tag takes KEY=VALUE (VALUE may be empty), not '%s'",
                                        v);
                nt++;
            } else if (r == 0) {
                return cli_unknown(c, argv[i]);
            }
            if (r < 0)
                return PTRCTL_EXIT_USAGE;
            continue;
        }
        if (!addr) {
            addr = argv[i];
        } else {
            if (nn == MAX_ARGS)
                return ptrctl_usage(c, "more than %d names", MAX_ARGS);
            names[nn++] = (ptr_text){argv[i], strlen(argv[i])};
        }
    }
    if (!addr)
        return ptrctl_usage(c, "the IP address and at least one name are missing");
    if (nn == 0)
        return ptrctl_usage(c, "at least one name is needed after the address");
    req.address = (ptr_text){addr, strlen(addr)};
    req.names = names;
    req.name_count = nn;
    req.tags = tags;
    req.tag_count = nt;

    ptr_error err = {0};
    if (ptrctl_address_check(c, addr, strlen(addr), &err) != PTR_OK)
        return ptrctl_fail(c, err.status, &err);
    c->creates = 1;
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_record *rec = NULL;
    ptr_status st = ptr_record_new(NULL, &rec);
    if (st == PTR_OK)
        st = ptr_ctx_create(c->ctx, &c->scope, &req, rec, &err);
    /*
     * set: an address that has a record gets exactly the given names, TTL,
     * description and tags instead (the TTL and description not given are
     * the defaults again, as for a new record). A record deleted between the
     * two calls is created again; one created meanwhile is replaced.
     */
    const int set = strcmp(argv[0], "set") == 0;
    for (int round = 0; set && st == PTR_E_EXISTS && round < 3; round++) {
        ptr_request up = req;
        up.flags = PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_DESCRIPTION | PTR_REQUEST_TAGS;
        ptr_error uerr;
        ptr_error_clear(&uerr);
        const ptr_status ust =
            ptr_ctx_update(c->ctx, &c->scope, addr, strlen(addr), &up, rec, &uerr);
        if (ust == PTR_E_NOT_FOUND) {
            /* Gone since (try again), or the record of another project (then EXISTS stays). */
            ptr_error_clear(&err);
            st = ptr_ctx_create(c->ctx, &c->scope, &req, rec, &err);
            continue;
        }
        st = ust;
        err = uerr;
    }
    if (st == PTR_OK)
        print_record(c, rec);
    else
        rc = ptrctl_fail(c, st, &err);
    ptr_record_free(rec);
    return rc;
}

int cmd_show(ptrctl *c, int argc, char **argv)
{
    const char *addr;
    int rc = one_address(c, argc, argv, &addr);
    if (rc || (rc = ptrctl_open(c)) != 0)
        return rc;
    ptr_record *rec = NULL;
    ptr_error err = {0};
    ptr_status st = ptr_record_new(NULL, &rec);
    if (st == PTR_OK)
        st = ptr_ctx_get(c->ctx, &c->scope, addr, strlen(addr), rec, &err);
    if (st == PTR_OK)
        print_record(c, rec);
    else
        rc = ptrctl_fail(c, st, &err);
    ptr_record_free(rec);
    return rc;
}

/* Set or replace one tag in a list of views. */
static int tag_put(ptr_tag *tags, size_t *n, size_t cap, const ptr_tag *t)
{
    for (size_t i = 0; i < *n; i++)
        if (tags[i].key_len == t->key_len && memcmp(tags[i].key, t->key, t->key_len) == 0) {
            tags[i] = *t;
            return 0;
        }
    if (*n == cap)
        return -1;
    tags[(*n)++] = *t;
    return 0;
}

/* Names given as "a.example.com,b.example.com": views into s. */
static size_t split_names(const char *s, ptr_text *out, size_t cap)
{
    size_t n = 0;
    while (*s) {
        const char *e = strchr(s, ',');
        const size_t len = e ? (size_t)(e - s) : strlen(s);
        if (n == cap)
            return cap + 1;
        out[n++] = (ptr_text){s, len};
        if (!e)
            break;
        s = e + 1;
    }
    return n;
}

/*
 * Tags merge with the record's (a --tag with an existing key replaces its
 * value) unless --clear-tags starts from none. A merge reads the record
 * first, so the update is made conditional on the revision it read and
 * retried when someone else changed the record in between: no lost update.
 */
int cmd_update(ptrctl *c, int argc, char **argv)
{
    ptr_text names[MAX_ARGS];
    ptr_tag given[MAX_ARGS];
    size_t nn = 0, ng = 0;
    int clear_tags = 0, only_positional = 0;
    const char *addr = NULL, *v = NULL;
    ptr_request req;
    ptr_request_init(&req);
    for (int i = 1; i < argc; i++) {
        int r = 0;
        if (!only_positional && argv[i][0] == '-' && argv[i][1] != '\0') {
            if (strcmp(argv[i], "--") == 0) {
                only_positional = 1;
                continue;
            }
            if (cli_flag(argv[i], "--clear-tags")) {
                clear_tags = 1;
                req.flags |= PTR_REQUEST_TAGS;
            } else if ((r = cli_opt(c, argc, argv, &i, "--names", &v)) > 0) {
                nn = split_names(v, names, MAX_ARGS);
                if (nn > MAX_ARGS)
                    return ptrctl_usage(c, "more than %d names", MAX_ARGS);
                req.flags |= PTR_REQUEST_NAMES;
            } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--ttl", &v)) > 0) {
                int rc = cli_ttl(c, v, &req.ttl);
                if (rc)
                    return rc;
                req.flags |= PTR_REQUEST_TTL;
            } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--description", &v)) > 0) {
                req.description = (ptr_text){v, strlen(v)};
                req.flags |= PTR_REQUEST_DESCRIPTION;
            } else if (r == 0 && (r = cli_opt(c, argc, argv, &i, "--tag", &v)) > 0) {
                ptr_tag t;
                cli_tag(v, &t);
                if (!t.value)
                    return ptrctl_usage(c, "--tag takes KEY=VALUE (VALUE may be empty), not '%s'",
                                        v);
                if (tag_put(given, &ng, MAX_ARGS, &t) != 0)
                    return ptrctl_usage(c, "more than %d --tag options", MAX_ARGS);
                req.flags |= PTR_REQUEST_TAGS;
            } else if (r == 0) {
                return cli_unknown(c, argv[i]);
            }
            if (r < 0)
                return PTRCTL_EXIT_USAGE;
            continue;
        }
        if (addr)
            return ptrctl_usage(c, "unexpected argument '%s' (names go in --names a,b)", argv[i]);
        addr = argv[i];
    }
    if (!addr)
        return ptrctl_usage(c, "the IP address is missing");
    if (!req.flags)
        return ptrctl_usage(c, "nothing to change: give --names, --ttl, --description, --tag "
                               "or --clear-tags");
    req.names = names;
    req.name_count = nn;

    ptr_error err = {0};
    if (ptrctl_address_check(c, addr, strlen(addr), &err) != PTR_OK)
        return ptrctl_fail(c, err.status, &err);
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_record *cur = NULL, *out = NULL;
    ptr_status st = ptr_record_new(NULL, &cur);
    if (st == PTR_OK)
        st = ptr_record_new(NULL, &out);
    const int merge = (req.flags & PTR_REQUEST_TAGS) && !clear_tags;
    for (int attempt = 0; st == PTR_OK && attempt < 16; attempt++) {
        /* The record's tags (never more than a policy allows, far below MAX_ARGS) and the given. */
        ptr_tag tags[2 * MAX_ARGS];
        size_t nt = 0;
        if (merge) {
            st = ptr_ctx_get(c->ctx, &c->scope, addr, strlen(addr), cur, &err);
            if (st != PTR_OK)
                break;
            for (size_t k = 0; k < ptr_record_tag_count(cur) && nt < MAX_ARGS; k++)
                if (ptr_record_tag(cur, k, &tags[nt]) == PTR_OK)
                    nt++;
            req.flags |= PTR_REQUEST_REVISION;
            req.expected_revision = ptr_record_revision(cur);
        }
        for (size_t k = 0; k < ng; k++)
            (void)tag_put(tags, &nt, 2 * MAX_ARGS, &given[k]); /* room for all: cannot fail */
        req.tags = tags;
        req.tag_count = nt;
        st = ptr_ctx_update(c->ctx, &c->scope, addr, strlen(addr), &req, out, &err);
        if (!(merge && st == PTR_E_CONFLICT))
            break;
        st = PTR_OK; /* someone changed the record between our read and write: merge again */
    }
    if (st == PTR_OK)
        print_record(c, out);
    else
        rc = ptrctl_fail(c, st, &err);
    ptr_record_free(cur);
    ptr_record_free(out);
    return rc;
}

/* delete IP IP...: up to 50 records in one transaction, all or none. */
static int delete_many(ptrctl *c, const ptr_text *addrs, size_t n)
{
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_error err;
    ptr_error_clear(&err);
    const ptr_status st = ptr_ctx_delete_batch(c->ctx, &c->scope, addrs, n, &err);
    if (st != PTR_OK) {
        if (err.field == PTR_FIELD_ADDRESS && err.index < n) {
            /* Name the address itself: the index alone means little on a command line. */
            char msg[sizeof err.message];
            snprintf(msg, sizeof msg, "%s", err.message[0] ? err.message : ptr_strerror(st));
            const int len = addrs[err.index].len > 64 ? 64 : (int)addrs[err.index].len;
            if (snprintf(err.message, sizeof err.message, "%.*s: %.80s (nothing was deleted)", len,
                         addrs[err.index].s, msg) < 0)
                err.message[0] = '\0';
        }
        return ptrctl_fail(c, st, &err);
    }
    if (c->json) {
        fputs("{\"deleted\": true, \"addresses\": [", stdout);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", stdout);
            jwrite_text(stdout, addrs[i].s, addrs[i].len);
        }
        fputs("]}\n", stdout);
    } else {
        printf("deleted the PTR records of %zu addresses; each now answers with its default name\n",
               n);
    }
    return PTRCTL_EXIT_OK;
}

/* After a delete, the address answers with its default name: show it. */
int cmd_delete(ptrctl *c, int argc, char **argv)
{
    ptr_text addrs[PTR_BATCH_MAX];
    size_t n = 0;
    for (int i = 1, ended = 0; i < argc; i++) {
        if (!ended && strcmp(argv[i], "--") == 0) {
            ended = 1;
            continue;
        }
        if (!ended && argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_unknown(c, argv[i]);
        if (n == PTR_BATCH_MAX)
            return ptrctl_usage(c, "at most %d addresses at once", PTR_BATCH_MAX);
        addrs[n++] = (ptr_text){argv[i], strlen(argv[i])};
    }
    if (n == 0)
        return ptrctl_usage(c, "the IP address is missing");
    if (n > 1)
        return delete_many(c, addrs, n);
    const char *addr = addrs[0].s;
    int rc = ptrctl_open(c);
    if (rc)
        return rc;
    ptr_error err = {0};
    ptr_status st = ptr_ctx_delete(c->ctx, &c->scope, addr, strlen(addr), &err);
    if (st != PTR_OK)
        return ptrctl_fail(c, st, &err);
    ptr_record *rec;
    int is_default;
    char a[PTR_ADDR_STRLEN + 1];
    st = resolve_addr(c, addr, &rec, &is_default, a, &err);
    if (st != PTR_OK) {
        rc = ptrctl_fail(c, st, &err);
    } else {
        const char *name = ptr_record_name(rec, 0, NULL);
        if (c->json) {
            fputs("{\"deleted\": true, \"address\": ", stdout);
            jwrite_cstr(stdout, a);
            fputs(", \"ptrdnames\": [", stdout);
            jwrite_cstr(stdout, name ? name : "");
            fprintf(stdout, "], \"default\": %s}\n", is_default ? "true" : "false");
        } else {
            printf("deleted the PTR record of %s; it now answers with %s%s\n", a, name ? name : "",
                   is_default ? " (the default name)" : "");
        }
    }
    ptr_record_free(rec);
    return rc;
}

int cmd_resolve(ptrctl *c, int argc, char **argv)
{
    const char *addr;
    int rc = one_address(c, argc, argv, &addr);
    if (rc || (rc = ptrctl_open(c)) != 0)
        return rc;
    ptr_record *rec;
    ptr_error err = {0};
    int is_default;
    char a[PTR_ADDR_STRLEN + 1];
    ptr_status st = resolve_addr(c, addr, &rec, &is_default, a, &err);
    if (st != PTR_OK) {
        rc = ptrctl_fail(c, st, &err);
        ptr_record_free(rec);
        return rc;
    }
    if (c->json) {
        fputs("{\"address\": ", stdout);
        jwrite_cstr(stdout, a);
        fputs(", \"ptrdnames\": [", stdout);
        for (size_t i = 0; i < ptr_record_name_count(rec); i++) {
            size_t len;
            const char *s = ptr_record_name(rec, i, &len);
            fputs(i ? ", " : "", stdout);
            jwrite_text(stdout, s, len);
        }
        fprintf(stdout, "], \"ttl\": %u, \"default\": %s}\n", (unsigned)ptr_record_ttl(rec),
                is_default ? "true" : "false");
    } else {
        for (size_t i = 0; i < ptr_record_name_count(rec); i++)
            printf("%s\n", ptr_record_name(rec, i, NULL));
        fflush(stdout); /* the note follows the names, also when both go to one pipe */
        if (is_default)
            fprintf(stderr, "ptrctl resolve: %s has no PTR record: this is its default name\n", a);
    }
    ptr_record_free(rec);
    return rc;
}
