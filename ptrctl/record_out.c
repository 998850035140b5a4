/* A record as ptrctl prints it: the cloud API's JSON shape, or aligned "field value" lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ptrctl.h"

void record_json(FILE *f, const ptr_record *r)
{
    char id[128], addr[PTR_ADDR_STRLEN + 1];
    size_t n = 0, len = 0;
    if (ptr_record_id(r, id, sizeof id, &n) != PTR_OK)
        n = 0;
    if (ptr_addr_format(ptr_record_address(r), addr, sizeof addr, &len) != PTR_OK)
        len = 0;
    const char *s;
    fputs("{\"id\": ", f);
    json_string(f, id, n);
    s = ptr_record_region(r, &len);
    fputs(", \"region\": ", f);
    json_string(f, s, len);
    s = ptr_record_project(r, &len);
    fputs(", \"project\": ", f);
    json_string(f, s, len);
    s = ptr_record_owner(r, &len);
    fputs(", \"owner\": ", f);
    json_string(f, s, len);
    fputs(", \"address\": ", f);
    json_cstr(f, addr);
    fputs(", \"ptrdnames\": [", f);
    for (size_t i = 0; i < ptr_record_name_count(r); i++) {
        s = ptr_record_name(r, i, &len);
        fputs(i ? ", " : "", f);
        json_string(f, s, len);
    }
    fprintf(f, "], \"ttl\": %" PRIu32 ", \"description\": ", ptr_record_ttl(r));
    s = ptr_record_description(r, &len);
    json_string(f, s, len);
    fputs(", \"tags\": [", f);
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        if (ptr_record_tag(r, i, &t) != PTR_OK)
            continue;
        fputs(i ? ", {\"key\": " : "{\"key\": ", f);
        json_string(f, t.key, t.key_len);
        fputs(", \"value\": ", f);
        json_string(f, t.value, t.value_len);
        fputc('}', f);
    }
    fputs("], \"created_at\": ", f);
    json_time(f, ptr_record_created(r));
    fputs(", \"updated_at\": ", f);
    json_time(f, ptr_record_updated(r));
    fprintf(f, ", \"revision\": %" PRIu64 "}", ptr_record_revision(r));
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
    fputs("ip,names,ttl,description,tags,region,project,owner\n", f);
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
    fputc('\n', f);
}
