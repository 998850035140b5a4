/* A record as ptrctl prints it: the cloud API's JSON shape, or aligned "field value" lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptrctl.h"

int record_is_deleted(const ptr_record *r)
{
    return ptr_record_dns_action(r) == PTR_ACTION_DELETE;
}

json_t *record_json_value(const ptr_record *r)
{
    char id[128], addr[PTR_ADDR_STRLEN + 1];
    size_t n = 0, len = 0;
    if (ptr_record_id(r, id, sizeof id, &n) != PTR_OK)
        n = 0;
    if (ptr_addr_format(ptr_record_address(r), addr, sizeof addr, &len) != PTR_OK)
        len = 0;
    json_t *o = json_object(), *names = json_array(), *tags = json_array();
    if (!o || !names || !tags) {
        json_decref(o);
        json_decref(names);
        json_decref(tags);
        return NULL;
    }
    const char *s;
    int bad = jset(o, "id", jtext(id, n));
    s = ptr_record_region(r, &n);
    bad |= jset(o, "region", jtext(s, n));
    s = ptr_record_project(r, &n);
    bad |= jset(o, "project", jtext(s, n));
    s = ptr_record_owner(r, &n);
    bad |= jset(o, "owner", jtext(s, n));
    bad |= jset(o, "address", jtext(addr, len));
    for (size_t i = 0; i < ptr_record_name_count(r); i++) {
        s = ptr_record_name(r, i, &n);
        bad |= json_array_append_new(names, jtext(s, n));
    }
    bad |= jset(o, "ptrdnames", names);
    bad |= jset(o, "ttl", json_integer((json_int_t)ptr_record_ttl(r)));
    s = ptr_record_description(r, &n);
    bad |= jset(o, "description", jtext(s, n));
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        if (ptr_record_tag(r, i, &t) != PTR_OK)
            continue;
        json_t *to = json_object();
        bad |= to ? 0 : -1;
        bad |= jset(to, "key", jtext(t.key, t.key_len));
        bad |= jset(to, "value", jtext(t.value, t.value_len));
        bad |= json_array_append_new(tags, to);
    }
    bad |= jset(o, "tags", tags);
    /* The cloud's names for where the record stands with DNS; the reason only when there is one. */
    bad |= jset(o, "status", jcstr(ptr_dns_status_name(ptr_record_dns_status(r))));
    bad |= jset(o, "action", jcstr(ptr_dns_action_name(ptr_record_dns_action(r))));
    s = ptr_record_dns_error(r, &n);
    if (n)
        bad |= jset(o, "dns_error", jtext(s, n));
    bad |= jset(o, "created_at", jtime(ptr_record_created(r)));
    bad |= jset(o, "updated_at", jtime(ptr_record_updated(r)));
    bad |= jset(o, "revision", json_integer((json_int_t)ptr_record_revision(r)));
    if (bad) { /* out of memory: no object rather than one missing fields */
        json_decref(o);
        return NULL;
    }
    return o;
}

void record_json(FILE *f, const ptr_record *r)
{
    json_print(f, record_json_value(r));
}

void record_text(FILE *f, const ptr_record *r)
{
    char id[128], addr[PTR_ADDR_STRLEN + 1], t1[40], t2[40];
    size_t n = 0, len = 0;
    if (ptr_record_id(r, id, sizeof id, &n) != PTR_OK)
        id[0] = '\0';
    if (ptr_addr_format(ptr_record_address(r), addr, sizeof addr, &len) != PTR_OK)
        addr[0] = '\0';
    time_rfc3339(ptr_record_created(r), t1, sizeof t1);
    time_rfc3339(ptr_record_updated(r), t2, sizeof t2);
    fprintf(f, "id           %s\n", id);
    fprintf(f, "address      %s\n", addr);
    fprintf(f, "region       %s\n", ptr_record_region(r, NULL));
    fprintf(f, "project      %s\n", ptr_record_project(r, NULL));
    fprintf(f, "owner        %s\n", ptr_record_owner(r, NULL));
    for (size_t i = 0; i < ptr_record_name_count(r); i++)
        fprintf(f, "%-12s %s\n", i ? "" : "ptrdnames", ptr_record_name(r, i, NULL));
    fprintf(f, "ttl          %" PRIu32 "\n", ptr_record_ttl(r));
    fprintf(f, "description  %s\n", ptr_record_description(r, NULL));
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        if (ptr_record_tag(r, i, &t) == PTR_OK)
            fprintf(f, "%-12s %.*s=%.*s\n", i ? "" : "tags", (int)t.key_len, t.key,
                    (int)t.value_len, t.value ? t.value : "");
    }
    fprintf(f, "status       %s\n", ptr_dns_status_name(ptr_record_dns_status(r)));
    fprintf(f, "action       %s\n", ptr_dns_action_name(ptr_record_dns_action(r)));
    size_t elen = 0;
    const char *e = ptr_record_dns_error(r, &elen);
    if (elen)
        fprintf(f, "dns_error    %.*s\n", (int)elen, e);
    fprintf(f, "created_at   %s\n", t1);
    fprintf(f, "updated_at   %s\n", t2);
    fprintf(f, "revision     %" PRIu64 "\n", ptr_record_revision(r));
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, separator or line break. */
static void csv_field(FILE *f, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && !strchr(",\";|\r\n", s[i]))
        i++;
    if (i == len) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

void record_csv_header(FILE *f)
{
    fputs("ip,names,ttl,description,tags,region,project,owner,status,action,dns_error\n", f);
}

void record_csv(FILE *f, const ptr_record *r)
{
    char addr[PTR_ADDR_STRLEN + 1];
    size_t len = 0;
    if (ptr_addr_format(ptr_record_address(r), addr, sizeof addr, &len) != PTR_OK)
        len = 0;
    fwrite(addr, 1, len, f);
    fputc(',', f);
    /* Names cannot hold ';' (a domain name's syntax), so the list needs no quoting of its own. */
    for (size_t i = 0; i < ptr_record_name_count(r); i++) {
        const char *s = ptr_record_name(r, i, &len);
        if (i)
            fputc(';', f);
        fwrite(s, 1, len, f);
    }
    fprintf(f, ",%" PRIu32 ",", ptr_record_ttl(r));
    const char *s = ptr_record_description(r, &len);
    csv_field(f, s, len);
    fputc(',', f);
    /* The tags as one field "k=v;k=v", quoted as a whole when needed. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *m = open_memstream(&buf, &blen);
    if (m) {
        for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
            ptr_tag t;
            if (ptr_record_tag(r, i, &t) != PTR_OK)
                continue;
            fprintf(m, "%s%.*s=%.*s", i ? ";" : "", (int)t.key_len, t.key, (int)t.value_len,
                    t.value ? t.value : "");
        }
        if (fclose(m) == 0)
            csv_field(f, buf, blen);
        free(buf);
    }
    s = ptr_record_region(r, &len);
    fputc(',', f);
    csv_field(f, s, len);
    s = ptr_record_project(r, &len);
    fputc(',', f);
    csv_field(f, s, len);
    s = ptr_record_owner(r, &len);
    fputc(',', f);
    csv_field(f, s, len);
    fprintf(f, ",%s,%s,", ptr_dns_status_name(ptr_record_dns_status(r)),
            ptr_dns_action_name(ptr_record_dns_action(r)));
    s = ptr_record_dns_error(r, &len);
    csv_field(f, s, len);
    fputc('\n', f);
}
