/*
 * The store handle: registration of a methods table (version and REQUIRED
 * slots checked, then copied field by field, so the caller's table may be a
 * stack variable and a table of an older version never has its missing tail
 * read), the calls into its slots with the generic steps for the optional
 * ones, and the scan filter every store shares.
 */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "libptr/store.h"
#include "util/internal.h"

struct ptr_store {
    ptr_store_methods m;
    void *user;
};

ptr_status ptr_store_new(const ptr_store_methods *methods, void *user, ptr_store **out)
{
    if (!methods || !out)
        return PTR_E_INVAL;
    const unsigned v = methods->version;
    if (v < 1 || v > PTR_STORE_METHODS_VERSION)
        return PTR_E_UNSUPPORTED;
    if (!methods->begin || !methods->commit || !methods->rollback || !methods->get ||
        !methods->insert || !methods->replace || !methods->remove || !methods->count_owner ||
        !methods->scan || (v >= 3 && !methods->count))
        return PTR_E_INVAL;
    if (v >= 3) {
        /* The owner limits come as a set: all four slots or none. */
        const int limits = !!methods->owner_limit_get + !!methods->owner_limit_set +
                           !!methods->owner_limit_remove + !!methods->owner_limit_scan;
        if (limits != 0 && limits != 4)
            return PTR_E_INVAL;
    }
    /* The handle is tiny and made once per store: the C library is enough. */
    ptr_store *s = malloc(sizeof *s);
    if (!s)
        return PTR_E_NOMEM;
    memset(s, 0, sizeof *s);
    s->m.version = v;
    s->m.begin = methods->begin;
    s->m.commit = methods->commit;
    s->m.rollback = methods->rollback;
    s->m.get = methods->get;
    s->m.insert = methods->insert;
    s->m.replace = methods->replace;
    s->m.remove = methods->remove;
    s->m.count_owner = methods->count_owner;
    s->m.scan = methods->scan;
    s->m.destroy = methods->destroy;
    if (v >= 2)
        s->m.insert_checked = methods->insert_checked;
    if (v >= 3) {
        s->m.count = methods->count;
        s->m.begin_keys = methods->begin_keys;
        s->m.owner_limit_get = methods->owner_limit_get;
        s->m.owner_limit_set = methods->owner_limit_set;
        s->m.owner_limit_remove = methods->owner_limit_remove;
        s->m.owner_limit_scan = methods->owner_limit_scan;
    }
    s->user = user;
    *out = s;
    return PTR_OK;
}

void *ptr_store_user(const ptr_store *s, const ptr_store_methods *methods)
{
    /* The begin slot is REQUIRED, so it tells one table's stores from another's. */
    if (!s || !methods || !methods->begin || s->m.begin != methods->begin)
        return NULL;
    return s->user;
}

void ptr_store_free(ptr_store *s)
{
    if (!s)
        return;
    if (s->m.destroy)
        s->m.destroy(s->user);
    free(s);
}

void ptr_txn_keys_init(ptr_txn_keys *k)
{
    if (!k)
        return;
    memset(k, 0, sizeof *k);
    k->struct_size = (uint32_t)sizeof *k;
}

ptr_status ptr_store_begin(ptr_store *s, unsigned flags, ptr_store_txn **txn)
{
    if (!s || !txn || (flags & ~PTR_TXN_WRITE))
        return PTR_E_INVAL;
    return s->m.begin(s->user, flags, txn);
}

ptr_status ptr_store_begin_keys(ptr_store *s, unsigned flags, const ptr_txn_keys *keys,
                                ptr_store_txn **txn)
{
    if (!s || !txn || !keys || keys->struct_size < sizeof *keys || (flags & ~PTR_TXN_WRITE) ||
        (keys->addr_count && !keys->addrs) || (keys->owner_count && !keys->owners))
        return PTR_E_INVAL;
    if (!s->m.begin_keys)
        return s->m.begin(s->user, flags, txn);
    return s->m.begin_keys(s->user, flags, keys, txn);
}

ptr_status ptr_store_commit(ptr_store *s, ptr_store_txn *txn)
{
    if (!s)
        return PTR_E_INVAL;
    return s->m.commit(s->user, txn);
}

void ptr_store_rollback(ptr_store *s, ptr_store_txn *txn)
{
    if (s)
        s->m.rollback(s->user, txn);
}

ptr_status ptr_store_get(ptr_store *s, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    if (!s || !region || !addr || !out)
        return PTR_E_INVAL;
    return s->m.get(s->user, txn, region, region_len, addr, out);
}

ptr_status ptr_store_insert(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec)
{
    if (!s || !rec)
        return PTR_E_INVAL;
    return s->m.insert(s->user, txn, rec);
}

/*
 * The generic create step: the count first, since at the limit a record for
 * the address must still answer EXISTS rather than QUOTA, and only then is a
 * get needed to tell the two apart.
 */
static ptr_status checked_steps(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec,
                                uint64_t limit)
{
    size_t olen, rlen;
    const char *owner = ptr_record_owner(rec, &olen);
    uint64_t used = 0;
    ptr_status st = s->m.count_owner(s->user, txn, owner, olen, &used);
    if (st != PTR_OK)
        return st;
    if (used < limit)
        return s->m.insert(s->user, txn, rec); /* refuses a taken key with PTR_E_EXISTS */
    ptr_record *found;
    if (ptr_record_new(NULL, &found) != PTR_OK)
        return PTR_E_NOMEM;
    const char *region = ptr_record_region(rec, &rlen);
    st = s->m.get(s->user, txn, region, rlen, ptr_record_address(rec), found);
    ptr_record_free(found);
    if (st == PTR_OK)
        return PTR_E_EXISTS;
    return st == PTR_E_NOT_FOUND ? PTR_E_QUOTA : st;
}

ptr_status ptr_store_insert_checked(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    if (!s || !rec)
        return PTR_E_INVAL;
    if (s->m.insert_checked)
        return s->m.insert_checked(s->user, txn, rec, limit);
    return checked_steps(s, txn, rec, limit);
}

ptr_status ptr_store_replace(ptr_store *s, ptr_store_txn *txn, const ptr_record *rec)
{
    if (!s || !rec)
        return PTR_E_INVAL;
    return s->m.replace(s->user, txn, rec);
}

ptr_status ptr_store_remove(ptr_store *s, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    if (!s || !region || !addr)
        return PTR_E_INVAL;
    return s->m.remove(s->user, txn, region, region_len, addr);
}

ptr_status ptr_store_count_owner(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    if (!s || !owner || !count)
        return PTR_E_INVAL;
    return s->m.count_owner(s->user, txn, owner, owner_len, count);
}

/* A filter as this version knows it: one from an older caller, copied and padded with zeros. */
static const ptr_store_filter *filter_full(const ptr_store_filter *f, ptr_store_filter *room)
{
    if (f->struct_size >= sizeof *f)
        return f;
    ptr_store_filter_init(room);
    memcpy((char *)room + sizeof room->struct_size, (const char *)f + sizeof f->struct_size,
           f->struct_size > sizeof f->struct_size ? f->struct_size - sizeof f->struct_size : 0);
    return room;
}

ptr_status ptr_store_scan(ptr_store *s, ptr_store_txn *txn, const ptr_store_filter *filter,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    if (!s || !filter || !visit || !filter->region.len)
        return PTR_E_INVAL;
    ptr_store_filter full;
    return s->m.scan(s->user, txn, filter_full(filter, &full), after, visit, visit_ctx);
}

static int count_visit(void *ctx, const ptr_record *rec)
{
    (void)rec;
    (*(uint64_t *)ctx)++;
    return 0;
}

ptr_status ptr_store_count(ptr_store *s, ptr_store_txn *txn, const ptr_store_filter *filter,
                           uint64_t *count)
{
    if (!s || !filter || !count)
        return PTR_E_INVAL;
    *count = 0;
    ptr_store_filter full;
    filter = filter_full(filter, &full);
    if (s->m.count)
        return s->m.count(s->user, txn, filter, count);
    /* A version 1 or 2 store: count what its scan visits, in one region only. */
    if (!filter->region.len)
        return PTR_E_UNSUPPORTED;
    return s->m.scan(s->user, txn, filter, NULL, count_visit, count);
}

int ptr_store_has_owner_limits(const ptr_store *s)
{
    return s && s->m.owner_limit_get;
}

ptr_status ptr_store_owner_limit_get(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                     size_t owner_len, uint64_t *limit)
{
    if (!s || !owner || !limit)
        return PTR_E_INVAL;
    if (!s->m.owner_limit_get)
        return PTR_E_UNSUPPORTED;
    return s->m.owner_limit_get(s->user, txn, owner, owner_len, limit);
}

ptr_status ptr_store_owner_limit_set(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                     size_t owner_len, uint64_t limit)
{
    if (!s || !owner)
        return PTR_E_INVAL;
    if (!s->m.owner_limit_set)
        return PTR_E_UNSUPPORTED;
    return s->m.owner_limit_set(s->user, txn, owner, owner_len, limit);
}

ptr_status ptr_store_owner_limit_remove(ptr_store *s, ptr_store_txn *txn, const char *owner,
                                        size_t owner_len)
{
    if (!s || !owner)
        return PTR_E_INVAL;
    if (!s->m.owner_limit_remove)
        return PTR_E_UNSUPPORTED;
    return s->m.owner_limit_remove(s->user, txn, owner, owner_len);
}

ptr_status ptr_store_owner_limit_scan(ptr_store *s, ptr_store_txn *txn,
                                      ptr_store_limit_visit_fn visit, void *visit_ctx)
{
    if (!s || !visit)
        return PTR_E_INVAL;
    if (!s->m.owner_limit_scan)
        return PTR_E_UNSUPPORTED;
    return s->m.owner_limit_scan(s->user, txn, visit, visit_ctx);
}

void ptr_store_filter_init(ptr_store_filter *f)
{
    if (!f)
        return;
    memset(f, 0, sizeof *f);
    f->struct_size = (uint32_t)sizeof *f;
}

static int text_eq(const char *a, size_t alen, ptr_text b)
{
    return alen == b.len && (alen == 0 || memcmp(a, b.s, alen) == 0);
}

/* Is one of the record's tags \p want (any value when want->value is NULL)? */
static int has_tag(const ptr_record *rec, const ptr_tag *want)
{
    const size_t tags = ptr_record_tag_count(rec);
    for (size_t i = 0; i < tags; i++) {
        ptr_tag t;
        ptr_record_tag(rec, i, &t);
        if (text_eq(t.key, t.key_len, (ptr_text){want->key, want->key_len}) &&
            (!want->value ||
             text_eq(t.value, t.value_len, (ptr_text){want->value, want->value_len})))
            return 1;
    }
    return 0;
}

int ptr_store_filter_match(const ptr_store_filter *f, const ptr_record *rec)
{
    if (!f || !rec)
        return 0;
    size_t n;
    const char *s;
    if (f->region.len) {
        s = ptr_record_region(rec, &n);
        if (!text_eq(s, n, f->region))
            return 0;
    }
    if (f->project.len) {
        s = ptr_record_project(rec, &n);
        if (!text_eq(s, n, f->project))
            return 0;
    }
    if (f->owner.len) {
        s = ptr_record_owner(rec, &n);
        if (!text_eq(s, n, f->owner))
            return 0;
    }
    if (f->struct_size >= offsetof(ptr_store_filter, dns_pending) + sizeof f->dns_pending &&
        f->dns_pending && ptr_record_dns_status(rec) == PTR_DNS_ACTIVE)
        return 0;
    if (f->name.len) {
        const size_t count = ptr_record_name_count(rec);
        size_t i = 0;
        while (i < count && (s = ptr_record_name(rec, i, &n), !text_eq(s, n, f->name)))
            i++;
        if (i == count)
            return 0;
    }
    for (size_t k = 0; k < f->tag_count; k++)
        if (!has_tag(rec, &f->tags[k]))
            return 0;
    return 1;
}
