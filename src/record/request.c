/*
 * Request validation: everything a create or an update carries is checked
 * here, before any store is touched, without allocating. The first failing
 * field wins, in the order the fields appear in the request, so a client
 * fixing its errors one by one sees them in a predictable order.
 */
#include <string.h>

#include "record/record_internal.h"

/* The first request layout: every field up to expected_revision. */
#define REQUEST_V1_SIZE (offsetof(ptr_request, expected_revision) + sizeof(uint64_t))

void ptr_request_init(ptr_request *req)
{
    if (!req)
        return;
    memset(req, 0, sizeof *req);
    req->struct_size = (uint32_t)sizeof *req;
    req->ttl = -1;
}

/*
 * A plain loop: a request has few names (at most ten in the cloud presets).
 * Inline in check_names: a call per pair measured 2-3 ns of a 78 ns request
 * check.
 */
static inline int name_equiv(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen && a[alen - 1] == '.')
        alen--;
    if (blen && b[blen - 1] == '.')
        blen--;
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (ptr__lower((unsigned char)a[i]) != ptr__lower((unsigned char)b[i]))
            return 0;
    return 1;
}

int ptr__name_equiv(const char *a, size_t alen, const char *b, size_t blen)
{
    return name_equiv(a, alen, b, blen);
}

/* Bytes a scope value may hold: ASCII letters, digits, '-', '_' and '.'; one load per byte. */
#define SCOPE_OK(c)                                                                                \
    ((uint8_t)(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||                        \
               ((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '_' || (c) == '.'))
#define SCOPE_OK4(c)  SCOPE_OK(c), SCOPE_OK((c) + 1), SCOPE_OK((c) + 2), SCOPE_OK((c) + 3)
#define SCOPE_OK16(c) SCOPE_OK4(c), SCOPE_OK4((c) + 4), SCOPE_OK4((c) + 8), SCOPE_OK4((c) + 12)
#define SCOPE_OK64(c) SCOPE_OK16(c), SCOPE_OK16((c) + 16), SCOPE_OK16((c) + 32), SCOPE_OK16((c) + 48)
static const uint8_t scope_ok[256] = {SCOPE_OK64(0), SCOPE_OK64(64), SCOPE_OK64(128),
                                      SCOPE_OK64(192)};

ptr_status ptr__scope_text_check(ptr_text t, ptr_field field, ptr_error *err)
{
    /*
     * Scope values end up in ids ("region:address"), logs and SQL keys, so
     * they are kept to a conservative alphabet; 64 covers the cloud's 36-byte
     * enterprise project ids and its region names.
     */
    if (!t.s || t.len == 0)
        return ptr__fail(err, PTR_E_INVAL, field, 0, 0, "must not be empty");
    if (t.len > 64)
        return ptr__fail(err, PTR_E_INVAL, field, 0, 64, "longer than 64 bytes");
    /* All bytes first, without a branch each; the offending offset only on failure. */
    unsigned ok = 1;
    for (size_t i = 0; i < t.len; i++)
        ok &= scope_ok[(unsigned char)t.s[i]];
    if (ok)
        return PTR_OK;
    size_t i = 0;
    while (scope_ok[(unsigned char)t.s[i]])
        i++;
    return ptr__fail(err, PTR_E_INVAL, field, 0, i,
                     "only letters, digits, '-', '_' and '.' are allowed");
}

ptr_status ptr__request_check_address(ptr_text t, const ptr_policy *p, ptr_addr *out,
                                      ptr_error *err)
{
    if (!t.s && t.len)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_ADDRESS, 0, 0, "NULL text");
    ptr_addr a;
    ptr_status st = ptr_host_parse(t.s, t.len, &a);
    if (st == PTR_E_NOT_HOST)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, 0, 0,
                         "a PTR record is for a single address (/32 or /128), not a network");
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_ADDRESS, 0, 0, "not an IPv4 or IPv6 address");
    if (a.family == 6 && !(p->options & PTR_POLICY_IPV6))
        return ptr__fail(err, PTR_E_ADDR_FORBIDDEN, PTR_FIELD_ADDRESS, 0, 0,
                         "IPv6 addresses are not enabled by the policy");
    if ((p->options & PTR_POLICY_PUBLIC_ONLY) && !ptr_addr_is_public(&a))
        return ptr__fail(err, PTR_E_ADDR_FORBIDDEN, PTR_FIELD_ADDRESS, 0, 0,
                         "not a public unicast address");
    if (out)
        *out = a;
    return PTR_OK;
}

static ptr_status check_names(const ptr_text *names, size_t n, const ptr_policy *p, ptr_error *err)
{
    if (n == 0)
        return ptr__fail(err, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, 0, 0,
                         "at least one domain name is required");
    if (n > p->max_names)
        return ptr__failn(err, PTR_E_NAME_COUNT, PTR_FIELD_NAMES, 0, 0,
                          "at most %u domain names per record", p->max_names);
    if (!names)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NAMES, 0, 0, "NULL names array");
    for (size_t i = 0; i < n; i++) {
        const uint32_t idx = (uint32_t)i;
        if (!names[i].s && names[i].len)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NAME, idx, 0, "NULL text");
        ptr_status st = ptr_name_check(names[i].s, names[i].len, p->name_flags, err);
        if (st != PTR_OK) {
            if (err)
                err->index = idx;
            return st;
        }
        /*
         * Normal form is lower case plus one trailing dot, so two valid names
         * are duplicates exactly when name_equiv holds; comparing the
         * inputs avoids normalizing into a buffer. At most max_names^2 / 2
         * comparisons, most ending at the length.
         */
        for (size_t j = 0; j < i; j++)
            if (name_equiv(names[j].s, names[j].len, names[i].s, names[i].len))
                return ptr__failn(err, PTR_E_NAME_DUP, PTR_FIELD_NAME, idx, 0,
                                  "the same name as name %u", j);
    }
    return PTR_OK;
}

ptr_status ptr__request_check_fields(const ptr_request *req, const ptr_policy *p, uint32_t mask,
                                     ptr_error *err)
{
    ptr_status st;
    if (mask & PTR_REQUEST_NAMES) {
        st = check_names(req->names, req->name_count, p, err);
        if (st != PTR_OK)
            return st;
    }
    if ((mask & PTR_REQUEST_TTL) && req->ttl != -1 && ptr_ttl_check(req->ttl, p) != PTR_OK)
        return req->ttl < (int64_t)p->ttl_min
                   ? ptr__failn(err, PTR_E_TTL, PTR_FIELD_TTL, 0, 0,
                                "TTL below the policy's minimum (%u s)", p->ttl_min)
                   : ptr__failn(err, PTR_E_TTL, PTR_FIELD_TTL, 0, 0,
                                "TTL above the policy's maximum (%u s)", p->ttl_max);
    if (mask & PTR_REQUEST_DESCRIPTION) {
        if (!req->description.s && req->description.len)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_DESCRIPTION, 0, 0, "NULL text");
        st = ptr_description_check(req->description.s, req->description.len, p, err);
        if (st != PTR_OK)
            return st;
    }
    if (mask & PTR_REQUEST_TAGS) {
        if (!req->tags && req->tag_count)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_TAGS, 0, 0, "NULL tags array");
        st = ptr_tags_check(req->tags, req->tag_count, p, err);
        if (st != PTR_OK)
            return st;
    }
    return PTR_OK;
}

ptr_status ptr__request_size_check(const ptr_request *req, ptr_error *err)
{
    if (!req || req->struct_size < REQUEST_V1_SIZE)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "request missing or not set up by ptr_request_init()");
    return PTR_OK;
}

ptr_status ptr_request_check(const ptr_request *req, const ptr_policy *policy, ptr_addr *addr_out,
                             ptr_error *err)
{
    ptr_status st = ptr__request_size_check(req, err);
    if (st != PTR_OK)
        return st;
    const ptr_policy *p = ptr__policy_or_default(policy);
    st = ptr__request_check_address(req->address, p, addr_out, err);
    if (st != PTR_OK)
        return st;
    return ptr__request_check_fields(
        req, p, PTR_REQUEST_NAMES | PTR_REQUEST_TTL | PTR_REQUEST_DESCRIPTION | PTR_REQUEST_TAGS,
        err);
}
