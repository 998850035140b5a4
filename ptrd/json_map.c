/*
 * Records and errors in the JSON the cloud's API answers with (Huawei v2 /
 * Designate shapes; docs/ptrd.md). Error messages are the cloud's own, by
 * code, from its published DNS error-code table (docs/errors.md).
 */
#include "ptrd.h"

#include <stdio.h>
#include <string.h>

json_t *ptrd_record_json(const ptr_record *r, const ptrd_eip *eip, const char *base, int v21)
{
    json_t *o = json_object();
    char id[PTRD_REGION_MAX + 40];
    snprintf(id, sizeof id, "%s:%s", eip->region, eip->fip);
    json_object_set_new(o, "id", json_string(id));
    json_t *names = json_array();
    size_t n = ptr_record_name_count(r);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *s = ptr_record_name(r, i, &len);
        json_array_append_new(names, json_stringn(s, len));
    }
    json_object_set(o, "ptrdname", n ? json_array_get(names, 0) : json_null());
    json_object_set_new(o, "ptrdnames", names);
    size_t dlen = 0;
    const char *d = ptr_record_description(r, &dlen);
    json_object_set_new(o, "description", json_stringn(d ? d : "", d ? dlen : 0));
    json_object_set_new(o, "ttl", json_integer((json_int_t)ptr_record_ttl(r)));
    json_object_set_new(o, "address", json_string(eip->address));
    /* Where the record stands with the name servers, in the cloud's words: a write is
     * PENDING_CREATE or PENDING_UPDATE until a push confirms it, a delete PENDING_DELETE. */
    json_object_set_new(o, "status", json_string(ptr_dns_status_name(ptr_record_dns_status(r))));
    json_object_set_new(o, "action", json_string(ptr_dns_action_name(ptr_record_dns_action(r))));
    json_t *tags = json_array();
    for (size_t i = 0; i < ptr_record_tag_count(r); i++) {
        ptr_tag t;
        if (ptr_record_tag(r, i, &t) != PTR_OK)
            continue;
        json_t *to = json_object();
        json_object_set_new(to, "key", json_stringn(t.key, t.key_len));
        json_object_set_new(to, "value", json_stringn(t.value ? t.value : "", t.value_len));
        json_array_append_new(tags, to);
    }
    json_object_set_new(o, "tags", tags);
    if (v21) {
        json_t *pip = json_object();
        json_object_set_new(pip, "region", json_string(eip->region));
        json_object_set_new(pip, "id", json_string(eip->fip));
        json_object_set_new(pip, "address", json_string(eip->address));
        json_object_set_new(o, "publicip", pip);
    }
    char self[512];
    snprintf(self, sizeof self, "%s%s%s", base, v21 ? "/v2.1/ptrs/" : "/v2/reverse/floatingips/",
             id);
    json_t *links = json_object();
    json_object_set_new(links, "self", json_string(self));
    json_object_set_new(o, "links", links);
    return o;
}

json_t *ptrd_default_json(const ptrd_eip *eip, const char *base)
{
    ptr_addr a;
    char name[300];
    size_t len = 0;
    const char *t = ptrd.default_name;
    if (ptr_addr_parse(eip->address, strlen(eip->address), &a) != PTR_OK ||
        ptr_default_name(t, t ? strlen(t) : 0, &a, name, sizeof name - 1, &len) != PTR_OK)
        len = 0;
    /* Names are shown in their stored form: lower case with the final dot. */
    for (size_t i = 0; i < len; i++)
        if (name[i] >= 'A' && name[i] <= 'Z')
            name[i] = (char)(name[i] - 'A' + 'a');
    if (len && name[len - 1] != '.')
        name[len++] = '.';
    ptr_record *r = NULL;
    json_t *o = NULL;
    if (ptr_record_new(NULL, &r) == PTR_OK) {
        ptr_record_set_address(r, &a);
        if (len)
            ptr_record_add_name(r, name, len);
        ptr_record_set_ttl(r, ptrd.policy.ttl_default);
        o = ptrd_record_json(r, eip, base, 0);
        ptr_record_free(r);
    }
    return o ? o : json_object();
}

unsigned ptrd_http_status(ptr_status st)
{
    switch (st) {
    case PTR_E_QUOTA:
    case PTR_E_FORBIDDEN:
        return 403;
    case PTR_E_NOT_FOUND:
        return 404;
    case PTR_E_CONFLICT:
    case PTR_E_BUSY:
        return 409;
    case PTR_E_NOMEM:
    case PTR_E_BUFFER:
    case PTR_E_STORE:
        return 500;
    default:
        return 400;
    }
}

/* The cloud's message for its code (docs/errors.md; the clouds' tables). */
static const char *cloud_message(const char *code)
{
    static const struct {
        const char *code, *msg;
    } table[] = {
        {"DNS.0001", "Internal error."},
        {"DNS.0002", "Invalid request."},
        {"DNS.0016", "This record already exists or conflicts with another record."},
        {"DNS.0021", "Could not acquire the lock, please try again later."},
        {"DNS.0405", "Insufficient PTR record quota."},
        {"DNS.0501", "Invalid PTR ID."},
        {"DNS.0502", "This EIP address does not exist."},
        {"DNS.0503", "The PTR record is not in a steady state."},
        {"DNS.0504", "Invalid EIP address ID."},
        {"DNS.0505", "Invalid domain name in the PTR record."},
        {"DNS.0506", "Invalid PTR TTL value."},
        {"DNS.0507", "This PTR record does not exist."},
        {"DNS.0508", "Invalid PTR description."},
        {"DNS.0601", "Invalid region."},
        {"DNS.0602", "Invalid floating IP address."},
        {"DNS.1001", "Insufficient tag quota."},
        {"DNS.1003", "Invalid tag."},
        {"DNS.1802", "Policy doesn't allow the action to be performed."},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].msg;
    return "Invalid request.";
}

static void set_error(ptrd_reply *rep, unsigned http, const char *code, const char *message,
                      const char *status, const char *field, long index, const char *detail)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(code));
    json_object_set_new(o, "message", json_string(message));
    if (status)
        json_object_set_new(o, "status", json_string(status));
    if (field && *field)
        json_object_set_new(o, "field", json_string(field));
    if (index >= 0)
        json_object_set_new(o, "index", json_integer(index));
    if (detail && *detail) {
        /* detail quotes client input, which may not be UTF-8: never drop the error for it */
        json_t *d = json_string(detail);
        json_object_set_new(o, "detail", d ? d : json_string("(not UTF-8)"));
    }
    json_decref(rep->body);
    rep->http = http;
    rep->body = o;
}

void ptrd_reply_error(ptrd_reply *rep, ptr_status st, const char *field, long index,
                      const char *detail)
{
    const char *code = ptr_status_cloud_code(st);
    if (!code || !*code)
        code = "DNS.0001";
    set_error(rep, ptrd_http_status(st), code, cloud_message(code), ptr_status_name(st), field,
              index, detail);
}

void ptrd_reply_ptr_error(ptrd_reply *rep, ptr_status st, const ptr_error *err)
{
    const char *field = NULL;
    long index = -1;
    if (err->status == st && err->field != PTR_FIELD_NONE) {
        field = ptr_field_name(err->field);
        if (err->field == PTR_FIELD_NAME || err->field == PTR_FIELD_TAG_KEY ||
            err->field == PTR_FIELD_TAG_VALUE || err->field == PTR_FIELD_ADDRESS)
            index = (long)err->index;
    }
    if (st == PTR_E_STORE || st == PTR_E_BUSY || st == PTR_E_NOMEM)
        ptrd_metrics_store_error(st);
    ptrd_reply_error(rep, st, field, index,
                     err->status == st && err->message[0] ? err->message : ptr_strerror(st));
}

void ptrd_reply_http_error(ptrd_reply *rep, unsigned http, const char *code, const char *message,
                           const char *field, const char *detail)
{
    set_error(rep, http, code, message, NULL, field, -1, detail);
}
