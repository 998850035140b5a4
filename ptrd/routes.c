/*
 * The API's routes: Huawei v2 / Designate /v2/reverse/floatingips, Huawei
 * v2.1 /v2.1/ptrs and the batch delete, plus /healthz. Each handler checks
 * the token, finds the EIP in the inventory (another project's EIP is
 * answered exactly like an unknown one), reads the JSON body with jansson
 * and calls libptr; libptr validates every field and keeps every write
 * atomic, so a refused request changes nothing.
 */
#include "ptrd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V2_FIPS "/v2/reverse/floatingips"
#define V21_PTRS "/v2.1/ptrs"
#define V21_BATCH "/v2.1/reverse/floatingips"
#define LIST_TAGS_MAX 20

static int has_prefix(const char *s, const char *p, const char **rest)
{
    size_t n = strlen(p);
    if (strncmp(s, p, n) != 0)
        return 0;
    *rest = s + n;
    return 1;
}

enum ptrd_route ptrd_route_of(const char *method, const char *path)
{
    const char *rest;
    int get = strcmp(method, "GET") == 0;
    if (strcmp(path, V2_FIPS) == 0)
        return get ? ROUTE_FIP_LIST : ROUTE_OTHER;
    if (has_prefix(path, V2_FIPS "/", &rest) && *rest && !strchr(rest, '/'))
        return get ? ROUTE_FIP_SHOW
                   : strcmp(method, "PATCH") == 0 ? ROUTE_FIP_SET : ROUTE_OTHER;
    if (strcmp(path, V21_PTRS) == 0)
        return strcmp(method, "POST") == 0 ? ROUTE_PTR_CREATE : ROUTE_OTHER;
    if (has_prefix(path, V21_PTRS "/", &rest) && *rest && !strchr(rest, '/')) {
        if (get)
            return ROUTE_PTR_SHOW;
        if (strcmp(method, "PUT") == 0)
            return ROUTE_PTR_UPDATE;
        return strcmp(method, "DELETE") == 0 ? ROUTE_PTR_DELETE : ROUTE_OTHER;
    }
    if (strcmp(path, V21_BATCH) == 0)
        return strcmp(method, "DELETE") == 0 ? ROUTE_BATCH_DELETE : ROUTE_OTHER;
    if (strcmp(path, "/healthz") == 0)
        return get ? ROUTE_HEALTHZ : ROUTE_OTHER;
    if (strcmp(path, "/metrics") == 0)
        return get ? ROUTE_METRICS : ROUTE_OTHER;
    return ROUTE_OTHER;
}

const char *ptrd_route_name(enum ptrd_route r)
{
    static const char *const names[ROUTE_COUNT] = {
        "fip_set",    "fip_show",   "fip_list", "ptr_create", "ptr_show", "ptr_update",
        "ptr_delete", "batch_delete", "healthz", "metrics",   "other",
    };
    return (unsigned)r < ROUTE_COUNT ? names[r] : "other";
}

/* For a path that exists with other methods: the methods it has (405), else NULL (404). */
static const char *allowed_methods(const char *path)
{
    const char *rest;
    if (strcmp(path, V2_FIPS) == 0)
        return "GET";
    if (has_prefix(path, V2_FIPS "/", &rest) && *rest && !strchr(rest, '/'))
        return "GET, PATCH";
    if (strcmp(path, V21_PTRS) == 0)
        return "POST";
    if (has_prefix(path, V21_PTRS "/", &rest) && *rest && !strchr(rest, '/'))
        return "GET, PUT, DELETE";
    if (strcmp(path, V21_BATCH) == 0)
        return "DELETE";
    if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0)
        return "GET";
    return NULL;
}

/* ---- what every handler needs ------------------------------------------- */

typedef struct handler {
    ptrd_call *call;
    ptrd_reply *rep;
    ptrd_config *cfg;
    const ptrd_token *tok;
    ptr_record *rec;
    ptr_error err;
} handler;

static int authenticate(handler *h)
{
    const char *t = h->call->token;
    h->tok = t ? ptrd_token_find(h->cfg, t, strlen(t)) : NULL;
    if (!h->tok) {
        ptrd_reply_http_error(h->rep, 401, "APIGW.0301", "Incorrect IAM authentication information.",
                              "X-Auth-Token", t ? "unknown token" : "no X-Auth-Token header");
        return 0;
    }
    snprintf(h->call->project, sizeof h->call->project, "%s", h->tok->project);
    return 1;
}

static ptr_scope scope_of(const handler *h, const ptrd_eip *eip)
{
    ptr_scope s;
    s.region = (ptr_text){eip->region, strlen(eip->region)};
    s.project = (ptr_text){h->tok->project, strlen(h->tok->project)};
    s.owner = (ptr_text){h->tok->owner, strlen(h->tok->owner)};
    return s;
}

/*
 * An EIP by "region:fip" (v2's key; require_region) or also by the bare
 * floating IP id (v2.1). Unknown and another project's EIPs give the same
 * 404, so a caller learns nothing about other projects' addresses.
 */
static const ptrd_eip *find_eip(handler *h, const char *key, int require_region, const char *field,
                                long index)
{
    const char *colon = strrchr(key, ':');
    const char *fip = colon ? colon + 1 : key;
    size_t rlen = colon ? (size_t)(colon - key) : 0;
    if ((require_region || colon) && (!colon || !ptrd_is_region(key, rlen))) {
        char d[200];
        snprintf(d, sizeof d, "'%.100s' is not in the form <region>:<floatingip_id>", key);
        ptrd_reply_http_error(h->rep, 400, "DNS.0504", "Invalid EIP address ID.", field, d);
        return NULL;
    }
    if (!ptrd_is_uuid(fip, strlen(fip))) {
        char d[200];
        snprintf(d, sizeof d, "floating IP id '%.100s' is not a UUID", fip);
        ptrd_reply_http_error(h->rep, 400, "DNS.0504", "Invalid EIP address ID.", field, d);
        return NULL;
    }
    const ptrd_eip *e = ptrd_eip_by_fip(h->cfg, fip, strlen(fip));
    if (!e || strcmp(e->project, h->tok->project) != 0 ||
        (colon && (strlen(e->region) != rlen || memcmp(e->region, key, rlen) != 0))) {
        ptrd_reply_error(h->rep, PTR_E_NOT_FOUND, field, index, NULL);
        /* The cloud answers an unknown EIP with its own code, not "no record". */
        json_object_set_new(h->rep->body, "code", json_string("DNS.0502"));
        json_object_set_new(h->rep->body, "message", json_string("This EIP address does not exist."));
        return NULL;
    }
    return e;
}

static json_t *read_body(handler *h)
{
    const ptrd_call *c = h->call;
    if (c->body_len == 0) {
        ptrd_reply_error(h->rep, PTR_E_INVAL, "body", -1, "the request needs a JSON object body");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        char d[300];
        snprintf(d, sizeof d, "malformed JSON at byte %d: %s", je.position, je.text);
        ptrd_reply_error(h->rep, PTR_E_INVAL, "body", -1, d);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        ptrd_reply_error(h->rep, PTR_E_INVAL, "body", -1, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

/* The record fields of a body, pointing into the JSON (which must outlive them). */
typedef struct fields {
    int has_names, names_null;
    ptr_text *names;
    size_t nnames;
    int has_ttl;
    int64_t ttl;
    int has_desc;
    ptr_text desc;
    int has_tags;
    ptr_tag *tags;
    size_t ntags;
} fields;

static void fields_free(fields *f)
{
    free(f->names);
    free(f->tags);
}

static int type_error(handler *h, ptr_status st, ptr_field field, long index, const char *what)
{
    ptrd_reply_error(h->rep, st, ptr_field_name(field), index, what);
    return 0;
}

static int text_of(json_t *s, ptr_text *out)
{
    out->s = json_string_value(s);
    out->len = json_string_length(s);
    return 1;
}

/* v2 has "ptrdname" (string, or null to restore); v2.1 has "ptrdnames" (array). */
static int read_fields(handler *h, json_t *body, int v21, fields *f)
{
    memset(f, 0, sizeof *f);
    json_t *v;
    if (!v21 && (v = json_object_get(body, "ptrdname"))) {
        f->has_names = 1;
        if (json_is_null(v)) {
            f->names_null = 1;
        } else if (!json_is_string(v)) {
            return type_error(h, PTR_E_NAME, PTR_FIELD_NAME, 0, "ptrdname must be a string or null");
        } else {
            f->names = malloc(sizeof *f->names);
            if (!f->names)
                return type_error(h, PTR_E_NOMEM, PTR_FIELD_NONE, -1, NULL);
            text_of(v, &f->names[0]);
            f->nnames = 1;
        }
    }
    if (v21 && (v = json_object_get(body, "ptrdnames"))) {
        if (!json_is_array(v))
            return type_error(h, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, -1,
                              "ptrdnames must be an array of strings");
        f->has_names = 1;
        f->nnames = json_array_size(v);
        f->names = calloc(f->nnames ? f->nnames : 1, sizeof *f->names);
        if (!f->names)
            return type_error(h, PTR_E_NOMEM, PTR_FIELD_NONE, -1, NULL);
        for (size_t i = 0; i < f->nnames; i++) {
            json_t *e = json_array_get(v, i);
            if (!json_is_string(e))
                return type_error(h, PTR_E_NAME, PTR_FIELD_NAME, (long)i,
                                  "each of ptrdnames must be a string");
            text_of(e, &f->names[i]);
        }
    }
    if ((v = json_object_get(body, "ttl"))) {
        f->has_ttl = 1;
        if (json_is_null(v))
            f->ttl = -1; /* the policy's default */
        else if (json_is_integer(v))
            f->ttl = json_integer_value(v);
        else
            return type_error(h, PTR_E_TTL, PTR_FIELD_TTL, -1, "ttl must be an integer or null");
        if (f->ttl < -1 || f->ttl > INT64_C(4294967295)) /* keep -1 meaning "default" only */
            f->ttl = INT64_C(4294967296);
    }
    if ((v = json_object_get(body, "description"))) {
        f->has_desc = 1;
        if (json_is_null(v))
            f->desc = (ptr_text){"", 0};
        else if (json_is_string(v))
            text_of(v, &f->desc);
        else
            return type_error(h, PTR_E_DESCRIPTION, PTR_FIELD_DESCRIPTION, -1,
                              "description must be a string or null");
    }
    if ((v = json_object_get(body, "tags"))) {
        if (json_is_null(v))
            v = NULL;
        else if (!json_is_array(v))
            return type_error(h, PTR_E_TAG, PTR_FIELD_TAGS, -1,
                              "tags must be an array of {\"key\", \"value\"} objects");
        f->has_tags = 1;
        f->ntags = v ? json_array_size(v) : 0;
        f->tags = calloc(f->ntags ? f->ntags : 1, sizeof *f->tags);
        if (!f->tags)
            return type_error(h, PTR_E_NOMEM, PTR_FIELD_NONE, -1, NULL);
        for (size_t i = 0; i < f->ntags; i++) {
            json_t *t = json_array_get(v, i);
            json_t *k = json_is_object(t) ? json_object_get(t, "key") : NULL;
            json_t *val = json_is_object(t) ? json_object_get(t, "value") : NULL;
            if (!json_is_string(k))
                return type_error(h, PTR_E_TAG, PTR_FIELD_TAG_KEY, (long)i,
                                  "each tag must be an object with a string \"key\"");
            if (val && !json_is_string(val) && !json_is_null(val))
                return type_error(h, PTR_E_TAG, PTR_FIELD_TAG_VALUE, (long)i,
                                  "a tag's \"value\" must be a string or null");
            f->tags[i].key = json_string_value(k);
            f->tags[i].key_len = json_string_length(k);
            f->tags[i].value = json_is_string(val) ? json_string_value(val) : "";
            f->tags[i].value_len = json_is_string(val) ? json_string_length(val) : 0;
        }
    }
    return 1;
}

static void request_of(const fields *f, const ptrd_eip *eip, ptr_request *req)
{
    ptr_request_init(req);
    req->address = (ptr_text){eip->address, strlen(eip->address)};
    req->names = f->names;
    req->name_count = f->nnames;
    req->ttl = f->has_ttl ? f->ttl : -1;
    req->description = f->has_desc ? f->desc : (ptr_text){"", 0};
    req->tags = f->tags;
    req->tag_count = f->ntags;
    req->flags = (f->has_names ? PTR_REQUEST_NAMES : 0u) | (f->has_ttl ? PTR_REQUEST_TTL : 0u) |
                 (f->has_desc ? PTR_REQUEST_DESCRIPTION : 0u) | (f->has_tags ? PTR_REQUEST_TAGS : 0u);
}

static void reply_record(handler *h, unsigned http, const ptrd_eip *eip, int v21)
{
    h->rep->http = http;
    h->rep->body = ptrd_record_json(h->rec, eip, h->call->base, v21);
}

static int fail(handler *h, ptr_status st)
{
    ptrd_reply_ptr_error(h->rep, st, &h->err);
    return 0;
}

/* ---- /v2/reverse/floatingips ---------------------------------------------- */

/* PATCH: create or update; {"ptrdname": null} restores the default name. */
static void fip_set(handler *h, const char *key)
{
    const ptrd_eip *eip = find_eip(h, key, 1, "floatingip_id", -1);
    if (!eip)
        return;
    json_t *body = read_body(h);
    if (!body)
        return;
    fields f;
    if (!read_fields(h, body, 0, &f))
        goto out;
    ptr_scope s = scope_of(h, eip);
    const char *a = eip->address;
    size_t alen = strlen(a);
    if (f.names_null) {
        ptr_status st = ptr_ctx_delete(ptrd_wctx(), &s, a, alen, &h->err);
        if (st != PTR_OK && st != PTR_E_NOT_FOUND) {
            fail(h, st);
            goto out;
        }
        /* A record DNS may still answer stays until a push: the reply shows it
         * PENDING_DELETE, as a GET does; otherwise the default name is back at once. */
        if (ptr_ctx_get(ptrd_wctx(), &s, a, alen, h->rec, &h->err) == PTR_OK) {
            reply_record(h, 202, eip, 0);
            goto out;
        }
        h->rep->http = 202;
        h->rep->body = ptrd_default_json(eip, h->call->base);
        goto out;
    }
    ptr_request req;
    request_of(&f, eip, &req);
    /* Get, then update or create. Another request may create or delete the
     * record in between: the write then fails with EXISTS or NOT_FOUND, and
     * going round again takes the other branch. Bounded, since another
     * project's record for the address would give EXISTS every time. A
     * create racing another create of the same address by an owner at its
     * limit may be refused with QUOTA (the SQLite store counts before it
     * looks for the address): if the record exists on the next look, this
     * request updates it; if not, the quota refusal stands. */
    ptr_status st = PTR_E_BUSY;
    int quota_seen = 0;
    ptr_error quota_err;
    for (int attempt = 0; attempt < 4; attempt++) {
        st = ptr_ctx_get(ptrd_wctx(), &s, a, alen, h->rec, &h->err);
        /* A deleted record waiting for DNS (PENDING_DELETE) is no record to update: a
         * create takes its place. */
        if (st == PTR_OK && ptr_record_dns_action(h->rec) == PTR_ACTION_DELETE)
            st = PTR_E_NOT_FOUND;
        if (st == PTR_OK) {
            if (req.flags == 0)
                break;
            st = ptr_ctx_update(ptrd_wctx(), &s, a, alen, &req, h->rec, &h->err);
            if (st != PTR_E_NOT_FOUND)
                break;
        } else if (st == PTR_E_NOT_FOUND) {
            if (!f.has_names) {
                ptrd_reply_error(h->rep, PTR_E_NAME_COUNT, "ptrdname", -1,
                                 "ptrdname is required to create a record");
                goto out;
            }
            if (quota_seen) {
                st = PTR_E_QUOTA;
                h->err = quota_err; /* the create's reason, not the get's */
                break;
            }
            st = ptr_ctx_create(ptrd_wctx(), &s, &req, h->rec, &h->err);
            if (st == PTR_E_QUOTA) {
                quota_seen = 1;
                quota_err = h->err;
            }
            else if (st != PTR_E_EXISTS)
                break;
        } else {
            break;
        }
    }
    if (st != PTR_OK)
        fail(h, st);
    else
        reply_record(h, 202, eip, 0);
out:
    fields_free(&f);
    json_decref(body);
}

/*
 * GET of one record (both shapes): the thread's kept answer while the
 * database is unchanged (show_cache.c), else a read, whose 200 is kept. v2
 * answers an EIP without a record with its default name; v2.1 with 404.
 */
static void show(handler *h, const ptrd_eip *eip, int v21)
{
    const ptrd_show_key k = {h->cfg->generation, h->tok, eip, v21, h->call->base};
    ptr_sqlite_stamp before;
    const int stamped =
        ptrd_show_cache_on() && ptr_sqlite_store_stamp(ptrd_store(), &before) == PTR_OK;
    if (stamped) {
        const int hit = ptrd_show_cache_find(&k, &before, h->rep);
        ptrd_metrics_show_cache(hit);
        if (hit)
            return;
    }
    ptr_scope s = scope_of(h, eip);
    ptr_status st = ptr_ctx_get(ptrd_ctx(), &s, eip->address, strlen(eip->address), h->rec, &h->err);
    if (st == PTR_OK) {
        reply_record(h, 200, eip, v21);
    } else if (st == PTR_E_NOT_FOUND && !v21) {
        h->rep->http = 200;
        h->rep->body = ptrd_default_json(eip, h->call->base);
    } else {
        fail(h, st);
        return;
    }
    if (!stamped || !h->rep->body)
        return;
    size_t len;
    char *text = ptrd_json_text(h->rep->body, &len);
    if (!text)
        return; /* the reply dumps it again and answers 500 */
    ptrd_show_cache_keep(&k, &before, h->rep->http, text, len);
    json_decref(h->rep->body);
    h->rep->body = NULL;
    h->rep->text = text;
    h->rep->text_len = len;
}

static void fip_show(handler *h, const char *key)
{
    const ptrd_eip *eip = find_eip(h, key, 1, "floatingip_id", -1);
    if (eip)
        show(h, eip, 0);
}

static void url_append(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf);
    for (; *s && n + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            strchr("-_.~:", ch))
            buf[n++] = (char)ch;
        else
            n += (size_t)snprintf(buf + n, cap - n, "%%%02X", ch);
    }
    buf[n] = '\0';
}

static void list_link(handler *h, char *buf, size_t cap, unsigned limit, const char *marker,
                      const char *region, const char *tags)
{
    snprintf(buf, cap, "%s" V2_FIPS "?limit=%u", h->call->base, limit);
    if (marker && *marker) {
        strncat(buf, "&marker=", cap - strlen(buf) - 1);
        url_append(buf, cap, marker);
    }
    if (region) {
        strncat(buf, "&region=", cap - strlen(buf) - 1);
        url_append(buf, cap, region);
    }
    if (tags) {
        strncat(buf, "&tags=", cap - strlen(buf) - 1);
        url_append(buf, cap, tags);
    }
}

/* tags=k1,v1|k2,v2 (a key alone matches any value), into tags[] pointing into copy. */
static int parse_tag_filter(handler *h, char *copy, ptr_tag *tags, size_t *n)
{
    *n = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
        if (*n == LIST_TAGS_MAX) {
            ptrd_reply_error(h->rep, PTR_E_TAG_COUNT, "tags", -1, "at most 20 tag filters");
            return 0;
        }
        char *comma = strchr(t, ',');
        if (comma)
            *comma = '\0';
        tags[*n] = (ptr_tag){t, strlen(t), comma ? comma + 1 : NULL, comma ? strlen(comma + 1) : 0};
        (*n)++;
    }
    return 1;
}

static void fip_list(handler *h)
{
    const char *region = h->call->query(h->call->query_user, "region");
    const char *qregion = region;
    if (!region)
        region = ptrd.region;
    if (!region || !ptrd_is_region(region, strlen(region))) {
        ptrd_reply_error(h->rep, PTR_E_INVAL, "region", -1,
                         region ? "region: 1..64 letters, digits, '-', '_' or '.'"
                                : "no region: give ?region= (ptrd has no --region)");
        return;
    }
    unsigned limit = PTR_LIST_LIMIT_MAX;
    const char *ls = h->call->query(h->call->query_user, "limit");
    if (ls) {
        char *end = NULL;
        unsigned long v = strtoul(ls, &end, 10);
        if (!*ls || *end || ls[0] == '-' || ls[0] == '+' || v < 1 || v > PTR_LIST_LIMIT_MAX) {
            ptrd_reply_error(h->rep, PTR_E_INVAL, "limit", -1, "limit must be an integer 1..500");
            return;
        }
        limit = (unsigned)v;
    }
    char marker[PTR_ADDR_STRLEN] = "";
    const char *ms = h->call->query(h->call->query_user, "marker");
    if (ms && *ms) {
        const ptrd_eip *m = find_eip(h, ms, 0, "marker", -1);
        if (!m)
            return;
        if (strcmp(m->region, region) != 0) {
            ptrd_reply_error(h->rep, PTR_E_INVAL, "marker", -1, "marker is of another region");
            return;
        }
        snprintf(marker, sizeof marker, "%s", m->address);
    }
    const char *ts = h->call->query(h->call->query_user, "tags");
    char tagcopy[1024];
    ptr_tag tags[LIST_TAGS_MAX];
    size_t ntags = 0;
    if (ts && *ts) {
        if (strlen(ts) >= sizeof tagcopy) {
            ptrd_reply_error(h->rep, PTR_E_TAG, "tags", -1, "tags filter too long");
            return;
        }
        snprintf(tagcopy, sizeof tagcopy, "%s", ts);
        if (!parse_tag_filter(h, tagcopy, tags, &ntags))
            return;
    }
    ptr_scope s = {{region, strlen(region)}, {h->tok->project, strlen(h->tok->project)},
                   {h->tok->owner, strlen(h->tok->owner)}};
    json_t *items = json_array();
    int64_t total = -1;
    char last_id[PTRD_REGION_MAX + 40] = "";
    int more = 0;
    /* Records whose address is no longer this project's EIP (the inventory
     * changed) are never shown; pages go on until `limit` visible ones. */
    for (;;) {
        ptr_list_query q;
        ptr_list_query_init(&q);
        q.flags = total < 0 ? PTR_LIST_TOTAL : 0;
        q.limit = limit;
        q.tags = tags;
        q.tag_count = ntags;
        q.marker = (ptr_text){marker, strlen(marker)};
        ptr_record_list *page = NULL;
        ptr_status st = ptr_ctx_list(ptrd_ctx(), &s, &q, &page, &h->err);
        if (st != PTR_OK) {
            json_decref(items);
            fail(h, st);
            return;
        }
        if (total < 0)
            total = ptr_record_list_total(page);
        size_t n = ptr_record_list_count(page);
        size_t i = 0;
        for (; i < n && json_array_size(items) < limit; i++) {
            const ptr_record *r = ptr_record_list_at(page, i);
            char at[PTR_ADDR_STRLEN];
            size_t alen = 0;
            ptr_addr_format(ptr_record_address(r), at, sizeof at, &alen);
            snprintf(marker, sizeof marker, "%s", at);
            const ptrd_eip *e = ptrd_eip_by_addr(h->cfg, region, at);
            if (!e || strcmp(e->project, h->tok->project) != 0)
                continue;
            json_array_append_new(items, ptrd_record_json(r, e, h->call->base, 0));
            snprintf(last_id, sizeof last_id, "%s:%s", e->region, e->fip);
        }
        char next[PTR_ADDR_STRLEN] = "";
        size_t nlen = 0;
        ptr_record_list_next_marker(page, next, sizeof next, &nlen);
        ptr_record_list_free(page);
        if (json_array_size(items) == limit) {
            more = i < n || nlen > 0;
            break;
        }
        if (nlen == 0)
            break;
    }
    json_t *o = json_object();
    json_object_set_new(o, "floatingips", items);
    json_t *links = json_object();
    char url[2048];
    list_link(h, url, sizeof url, limit, ms, qregion, ts);
    json_object_set_new(links, "self", json_string(url));
    if (more) {
        list_link(h, url, sizeof url, limit, last_id, qregion, ts);
        json_object_set_new(links, "next", json_string(url));
    } else {
        json_object_set_new(links, "next", json_null());
    }
    json_object_set_new(o, "links", links);
    json_t *meta = json_object();
    json_object_set_new(meta, "total_count", json_integer(total < 0 ? 0 : total));
    json_object_set_new(o, "metadata", meta);
    h->rep->http = 200;
    h->rep->body = o;
}

/* ---- /v2.1/ptrs ------------------------------------------------------------- */

static void ptr_create(handler *h)
{
    json_t *body = read_body(h);
    if (!body)
        return;
    fields f;
    memset(&f, 0, sizeof f);
    json_t *pip = json_object_get(body, "publicip");
    json_t *id = json_is_object(pip) ? json_object_get(pip, "id") : NULL;
    if (!json_is_string(id)) {
        ptrd_reply_http_error(h->rep, 400, "DNS.0504", "Invalid EIP address ID.", "publicip.id",
                              "publicip must be an object with a string \"id\"");
        goto out;
    }
    json_t *reg = json_object_get(pip, "region");
    if (reg && !json_is_string(reg) && !json_is_null(reg)) {
        ptrd_reply_error(h->rep, PTR_E_INVAL, "publicip.region", -1, "region must be a string");
        goto out;
    }
    char key[PTRD_REGION_MAX + 64];
    if (json_is_string(reg) && !strchr(json_string_value(id), ':'))
        snprintf(key, sizeof key, "%.100s:%.40s", json_string_value(reg), json_string_value(id));
    else
        snprintf(key, sizeof key, "%.140s", json_string_value(id));
    const ptrd_eip *eip = find_eip(h, key, 0, "publicip.id", -1);
    if (!eip)
        goto out;
    if (!read_fields(h, body, 1, &f))
        goto out;
    if (!f.has_names) {
        ptrd_reply_error(h->rep, PTR_E_NAME_COUNT, ptr_field_name(PTR_FIELD_NAMES), -1,
                         "ptrdnames is required");
        goto out;
    }
    ptr_scope s = scope_of(h, eip);
    ptr_request req;
    request_of(&f, eip, &req);
    ptr_status st = ptr_ctx_create(ptrd_wctx(), &s, &req, h->rec, &h->err);
    if (st != PTR_OK)
        fail(h, st);
    else
        reply_record(h, 202, eip, 1);
out:
    fields_free(&f);
    json_decref(body);
}

static void ptr_show(handler *h, const char *id)
{
    const ptrd_eip *eip = find_eip(h, id, 0, "ptr_id", -1);
    if (eip)
        show(h, eip, 1);
}

static void ptr_update(handler *h, const char *id)
{
    const ptrd_eip *eip = find_eip(h, id, 0, "ptr_id", -1);
    if (!eip)
        return;
    json_t *body = read_body(h);
    if (!body)
        return;
    fields f;
    if (read_fields(h, body, 1, &f)) {
        ptr_scope s = scope_of(h, eip);
        ptr_request req;
        request_of(&f, eip, &req);
        ptr_status st = req.flags
                            ? ptr_ctx_update(ptrd_wctx(), &s, eip->address, strlen(eip->address),
                                             &req, h->rec, &h->err)
                            : ptr_ctx_get(ptrd_wctx(), &s, eip->address, strlen(eip->address),
                                          h->rec, &h->err);
        if (st != PTR_OK)
            fail(h, st);
        else
            reply_record(h, 202, eip, 1);
    }
    fields_free(&f);
    json_decref(body);
}

static void ptr_delete(handler *h, const char *id)
{
    const ptrd_eip *eip = find_eip(h, id, 0, "ptr_id", -1);
    if (!eip)
        return;
    ptr_scope s = scope_of(h, eip);
    ptr_status st = ptr_ctx_delete(ptrd_wctx(), &s, eip->address, strlen(eip->address), &h->err);
    if (st != PTR_OK)
        fail(h, st);
    else
        h->rep->http = 204;
}

/* DELETE /v2.1/reverse/floatingips {"floatingip_ids": [...]}: 1..50, all or nothing. */
static void batch_delete(handler *h)
{
    json_t *body = read_body(h);
    if (!body)
        return;
    json_t *ids = json_object_get(body, "floatingip_ids");
    size_t n = json_is_array(ids) ? json_array_size(ids) : 0;
    ptr_text addrs[PTR_BATCH_MAX];
    const char *region = NULL;
    if (!json_is_array(ids)) {
        ptrd_reply_error(h->rep, PTR_E_INVAL, ptr_field_name(PTR_FIELD_ADDRESSES), -1,
                         "floatingip_ids must be an array of floating IP ids");
        goto out;
    }
    if (n == 0 || n > PTR_BATCH_MAX) {
        ptrd_reply_error(h->rep, PTR_E_INVAL, ptr_field_name(PTR_FIELD_ADDRESSES), -1,
                         "floatingip_ids must hold 1 to 50 ids");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(ids, i);
        if (!json_is_string(e)) {
            ptrd_reply_error(h->rep, PTR_E_INVAL, ptr_field_name(PTR_FIELD_ADDRESS), (long)i,
                             "each floating IP id must be a string");
            goto out;
        }
        const ptrd_eip *eip = find_eip(h, json_string_value(e), 0, "floatingip_ids", (long)i);
        if (!eip)
            goto out;
        if (region && strcmp(region, eip->region) != 0) {
            ptrd_reply_error(h->rep, PTR_E_INVAL, "floatingip_ids", (long)i,
                             "all floating IPs of a batch must be of one region");
            goto out;
        }
        region = eip->region;
        addrs[i] = (ptr_text){eip->address, strlen(eip->address)};
    }
    ptr_scope s = {{region, strlen(region)}, {h->tok->project, strlen(h->tok->project)},
                   {h->tok->owner, strlen(h->tok->owner)}};
    ptr_status st = ptr_ctx_delete_batch(ptrd_wctx(), &s, addrs, n, &h->err);
    if (st != PTR_OK)
        fail(h, st);
    else
        h->rep->http = 204;
out:
    json_decref(body);
}

static void healthz(handler *h)
{
    ptr_store_txn *txn = NULL;
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    uint64_t count = 0;
    ptr_status st = ptr_store_begin(ptrd_store(), PTR_TXN_READ, &txn);
    if (st == PTR_OK) {
        st = ptr_store_count(ptrd_store(), txn, &f, &count);
        ptr_store_rollback(ptrd_store(), txn);
    }
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(st == PTR_OK ? "ok" : "unavailable"));
    if (st == PTR_OK)
        json_object_set_new(o, "records", json_integer((json_int_t)count));
    else
        json_object_set_new(o, "error", json_string(ptr_status_name(st)));
    h->rep->http = st == PTR_OK ? 200 : 503;
    h->rep->body = o;
}

void ptrd_dispatch(ptrd_call *call, enum ptrd_route route, ptrd_reply *rep)
{
    handler h = {call, rep, NULL, NULL, NULL, {0}};
    ptr_error_clear(&h.err);
    if (route == ROUTE_OTHER) {
        const char *allow = allowed_methods(call->path);
        char d[300];
        snprintf(d, sizeof d, "%s %.200s", call->method, call->path);
        if (allow) {
            rep->allow = allow;
            ptrd_reply_http_error(rep, 405, "DNS.0002", "Invalid request.", "method", d);
        } else {
            ptrd_reply_http_error(rep, 404, "DNS.0002", "Invalid request.", "path", d);
        }
        return;
    }
    if (route == ROUTE_HEALTHZ) {
        healthz(&h);
        return;
    }
    h.cfg = ptrd_config_acquire();
    if (!authenticate(&h))
        goto out;
    if (ptr_record_new(NULL, &h.rec) != PTR_OK) {
        ptrd_reply_error(rep, PTR_E_NOMEM, NULL, -1, NULL);
        goto out;
    }
    const char *rest = NULL;
    switch (route) {
    case ROUTE_FIP_SET:
        has_prefix(call->path, V2_FIPS "/", &rest);
        fip_set(&h, rest);
        break;
    case ROUTE_FIP_SHOW:
        has_prefix(call->path, V2_FIPS "/", &rest);
        fip_show(&h, rest);
        break;
    case ROUTE_FIP_LIST:
        fip_list(&h);
        break;
    case ROUTE_PTR_CREATE:
        ptr_create(&h);
        break;
    case ROUTE_PTR_SHOW:
        has_prefix(call->path, V21_PTRS "/", &rest);
        ptr_show(&h, rest);
        break;
    case ROUTE_PTR_UPDATE:
        has_prefix(call->path, V21_PTRS "/", &rest);
        ptr_update(&h, rest);
        break;
    case ROUTE_PTR_DELETE:
        has_prefix(call->path, V21_PTRS "/", &rest);
        ptr_delete(&h, rest);
        break;
    case ROUTE_BATCH_DELETE:
        batch_delete(&h);
        break;
    default:
        break;
    }
out:
    ptr_record_free(h.rec);
    ptrd_config_release(h.cfg);
}
