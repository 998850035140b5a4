/*
 * ptr_request_check: a whole create request, against the field checks it is
 * made of. Input: lines separated by '\n':
 *   line 1       the address
 *   line 2       the TTL as text (ptr_ttl_parse; unparsable gives -1, the default)
 *   line 3       the description
 *   "n:NAME"     a name (up to 14 kept, so counts above the limit occur)
 *   "t:KEY=VAL"  a tag (up to 24 kept)
 * Every piece sits in its own heap block of exactly its size.
 *
 * Properties, under the default, OTC and an IPv6 + public-only policy:
 * - accepted: the address passes ptr_host_parse and the policy, 1..max_names
 *   names each pass ptr_name_check and none repeats once normalized, the
 *   TTL passes ptr_ttl_check, the description and the tag list pass theirs;
 * - refused: ptr_error is consistent; the field it names really fails its
 *   own check (or repeats), and every field checked before it passes: the
 *   order is address, name count, names, TTL, description, tags.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 14
#define MAX_TAGS 24

typedef struct piece {
    char *s;
    size_t len;
} piece;

static piece take(const uint8_t *d, size_t n)
{
    piece p = {fuzz_dup(d, n), n};
    return p;
}

typedef struct input {
    piece addr, ttl, desc;
    piece names[MAX_NAMES];
    size_t nn;
    piece keys[MAX_TAGS], vals[MAX_TAGS];
    size_t nt;
} input;

static void split(const uint8_t *d, size_t size, input *in)
{
    memset(in, 0, sizeof *in);
    size_t line = 0, at = 0;
    while (at <= size) {
        size_t end = at;
        while (end < size && d[end] != '\n')
            end++;
        const uint8_t *s = d + at;
        size_t n = end - at;
        if (line == 0)
            in->addr = take(s, n);
        else if (line == 1)
            in->ttl = take(s, n);
        else if (line == 2)
            in->desc = take(s, n);
        else if (n >= 2 && s[0] == 'n' && s[1] == ':' && in->nn < MAX_NAMES)
            in->names[in->nn++] = take(s + 2, n - 2);
        else if (n >= 2 && s[0] == 't' && s[1] == ':' && in->nt < MAX_TAGS) {
            size_t eq = 2;
            while (eq < n && s[eq] != '=')
                eq++;
            in->keys[in->nt] = take(s + 2, eq - 2);
            in->vals[in->nt] = eq < n ? take(s + eq + 1, n - eq - 1) : take(s, 0);
            in->nt++;
        }
        line++;
        at = end + 1;
    }
}

static void release(input *in)
{
    free(in->addr.s);
    free(in->ttl.s);
    free(in->desc.s);
    for (size_t i = 0; i < in->nn; i++)
        free(in->names[i].s);
    for (size_t i = 0; i < in->nt; i++) {
        free(in->keys[i].s);
        free(in->vals[i].s);
    }
}

static int address_ok(const input *in, const ptr_policy *p)
{
    ptr_addr a;
    if (ptr_host_parse(in->addr.s, in->addr.len, &a) != PTR_OK)
        return 0;
    if (a.family == 6 && !(p->options & PTR_POLICY_IPV6))
        return 0;
    return !(p->options & PTR_POLICY_PUBLIC_ONLY) || ptr_addr_is_public(&a);
}

/* Name i is valid and equal (normalized) to no earlier name. */
static int name_ok(const input *in, size_t i, const ptr_policy *p)
{
    char a[PTR_NAME_BUFSZ], b[PTR_NAME_BUFSZ];
    if (ptr_name_normalize(in->names[i].s, in->names[i].len, p->name_flags, a, sizeof a, NULL,
                           NULL) != PTR_OK)
        return 0;
    for (size_t j = 0; j < i; j++)
        if (ptr_name_normalize(in->names[j].s, in->names[j].len, p->name_flags, b, sizeof b,
                               NULL, NULL) == PTR_OK &&
            strcmp(a, b) == 0)
            return 0;
    return 1;
}

static void check(const input *in, int64_t ttl, const ptr_policy *p)
{
    ptr_text names[MAX_NAMES];
    ptr_tag tags[MAX_TAGS];
    for (size_t i = 0; i < in->nn; i++)
        names[i] = (ptr_text){in->names[i].s, in->names[i].len};
    for (size_t i = 0; i < in->nt; i++)
        tags[i] = (ptr_tag){in->keys[i].s, in->keys[i].len, in->vals[i].s, in->vals[i].len};

    ptr_request req;
    ptr_request_init(&req);
    req.address = (ptr_text){in->addr.s, in->addr.len};
    req.names = names;
    req.name_count = in->nn;
    req.ttl = ttl;
    req.description = (ptr_text){in->desc.s, in->desc.len};
    req.tags = tags;
    req.tag_count = in->nt;

    ptr_error err;
    ptr_addr parsed;
    fuzz_error_prefill(&err);
    ptr_status st = ptr_request_check(&req, p, &parsed, &err);

    const int addr_ok = address_ok(in, p);
    const int count_ok = in->nn >= 1 && in->nn <= p->max_names;
    size_t first_bad_name = in->nn;
    for (size_t i = 0; i < in->nn && first_bad_name == in->nn; i++)
        if (!name_ok(in, i, p))
            first_bad_name = i;
    const int names_ok = first_bad_name == in->nn;
    const int ttl_ok = ttl == -1 || ptr_ttl_check(ttl, p) == PTR_OK;
    const int desc_ok = ptr_description_check(in->desc.s, in->desc.len, p, NULL) == PTR_OK;
    const int tags_ok = ptr_tags_check(tags, in->nt, p, NULL) == PTR_OK;

    if (st == PTR_OK) {
        FUZZ_CHECK(fuzz_error_untouched(&err));
        FUZZ_CHECK(addr_ok && count_ok && names_ok && ttl_ok && desc_ok && tags_ok);
        ptr_addr a;
        FUZZ_CHECK(ptr_host_parse(in->addr.s, in->addr.len, &a) == PTR_OK);
        FUZZ_CHECK(fuzz_addr_same(&a, &parsed));
        return;
    }
    FUZZ_CHECK(err.status == st);
    switch (err.field) {
    case PTR_FIELD_ADDRESS:
        FUZZ_CHECK(!addr_ok);
        fuzz_check_error(&err, st, in->addr.len);
        break;
    case PTR_FIELD_NAMES:
        FUZZ_CHECK(addr_ok && !count_ok && st == PTR_E_NAME_COUNT);
        break;
    case PTR_FIELD_NAME:
        FUZZ_CHECK(addr_ok && count_ok && err.index == first_bad_name);
        FUZZ_CHECK(st == PTR_E_NAME || st == PTR_E_NAME_DUP);
        fuzz_check_error(&err, st, in->names[err.index].len);
        break;
    case PTR_FIELD_TTL:
        FUZZ_CHECK(addr_ok && count_ok && names_ok && !ttl_ok && st == PTR_E_TTL);
        break;
    case PTR_FIELD_DESCRIPTION:
        FUZZ_CHECK(addr_ok && count_ok && names_ok && ttl_ok && !desc_ok);
        fuzz_check_error(&err, st, in->desc.len);
        break;
    case PTR_FIELD_TAGS:
    case PTR_FIELD_TAG_KEY:
    case PTR_FIELD_TAG_VALUE:
        FUZZ_CHECK(addr_ok && count_ok && names_ok && ttl_ok && desc_ok && !tags_ok);
        FUZZ_CHECK(st == PTR_E_TAG || st == PTR_E_TAG_COUNT || st == PTR_E_TAG_DUP);
        break;
    default:
        fuzz_fail("ptr_request_check refused with an unexpected field", __FILE__, __LINE__);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in;
    split(data, size, &in);
    uint32_t t;
    int64_t ttl = ptr_ttl_parse(in.ttl.s, in.ttl.len, &t) == PTR_OK ? (int64_t)t : -1;

    ptr_policy huawei, otc, strict;
    ptr_policy_init(&huawei);
    ptr_policy_init_otc(&otc);
    ptr_policy_init(&strict);
    strict.options = PTR_POLICY_IPV6 | PTR_POLICY_PUBLIC_ONLY;
    strict.max_names = 3;
    strict.ttl_min = 60;
    check(&in, ttl, &huawei);
    check(&in, ttl, &otc);
    check(&in, ttl, &strict);
    release(&in);
    return 0;
}
