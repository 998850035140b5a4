/*
 * The built-in memory store: the slots of a version 3 store table, built on
 * the public record and store API alone, as any other store would be, so it
 * is also the example to copy when writing one.
 *
 * Each record is a ptr_record of its own, made by ptr_record_dup (one block)
 * on insert and replace, copied out on get and read in place by a scan's
 * visitor. Per region, a hash map finds a record by
 * address and an ordered index (memstore_index.c) gives scans their order;
 * counts per owner, per region and per (region, project) are kept up to date
 * by every write, so count_owner and the common counts cost one lookup.
 * Transactions and rollback are in memstore_txn.c.
 */
/* pthread_rwlock_t is POSIX.1-2001 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "store/memstore_txn.h"

static ms_region *find_region(const memstore *m, const char *s, size_t len)
{
    const ms_text_entry *e = ms_textmap_find(&m->regions, s, len);
    return e ? e->ptr : NULL;
}

/* ---- reads ----------------------------------------------------------------------- */

static ptr_status ms_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    const ms_region *r = find_region(m, region, region_len);
    const ms_slot *s = r ? ms_records_find(&r->map, addr) : NULL;
    if (!s)
        return PTR_E_NOT_FOUND;
    return ptr_record_copy(out, ms_ref_get(&s->rec));
}

static ptr_status ms_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    const ms_text_entry *e = ms_textmap_find(&m->owners, owner, owner_len);
    *count = e ? e->count : 0;
    return PTR_OK;
}

typedef struct scan_state {
    const memstore *m;
    const ptr_store_filter *f;
    ptr_store_visit_fn visit;
    void *visit_ctx;
    ptr_status st;
    uint64_t matched; /* for count */
} scan_state;

/*
 * The visitor reads the stored record itself, as const and during the call
 * only (the scan's contract), under the store's lock: no copy per record.
 */
static int scan_one(void *ctx, ptr_record *rec)
{
    scan_state *s = ctx;
    if (!ptr_store_filter_match(s->f, rec))
        return 0;
    return s->visit(s->visit_ctx, rec) != 0;
}

static ptr_status ms_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    const ms_region *r = find_region(m, f->region.s, f->region.len);
    if (!r)
        return PTR_OK;
    scan_state s = {m, f, visit, visit_ctx, PTR_OK, 0};
    ms_order_walk(&r->order, after, scan_one, &s);
    return s.st;
}

static int count_one(void *ctx, ptr_record *rec)
{
    scan_state *s = ctx;
    s->matched += (uint64_t)ptr_store_filter_match(s->f, rec);
    return 0;
}

/*
 * Records of r matching f (whose region is r's): a maintained count, else a
 * walk of r. The pending records have no count of their own (f is full size:
 * ptr_store_count made it so).
 */
static uint64_t count_region(const memstore *m, const ms_region *r, const ptr_store_filter *f)
{
    if (!f->owner.len && !f->tag_count && !f->name.len && !f->dns_pending) {
        if (!f->project.len)
            return r->map.n;
        const ms_text_entry *e = ms_textmap_find(&r->projects, f->project.s, f->project.len);
        return e ? e->count : 0;
    }
    scan_state s = {m, f, NULL, NULL, PTR_OK, 0};
    ms_order_walk(&r->order, NULL, count_one, &s);
    return s.matched;
}

static ptr_status ms_count(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                           uint64_t *count)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    if (f->region.len) {
        const ms_region *r = find_region(m, f->region.s, f->region.len);
        *count = r ? count_region(m, r, f) : 0;
        return PTR_OK;
    }
    /* Every region: the store's counts where they answer, else region by region. */
    if (!f->project.len && !f->tag_count && !f->name.len && !f->dns_pending) {
        const ms_text_entry *e =
            f->owner.len ? ms_textmap_find(&m->owners, f->owner.s, f->owner.len) : NULL;
        *count = !f->owner.len ? m->total : e ? e->count : 0;
        return PTR_OK;
    }
    uint64_t n = 0;
    for (size_t i = 0; i < m->regions.cap; i++) {
        const ms_text_entry *e = &m->regions.e[i];
        if (!e->key)
            continue;
        ptr_store_filter one = *f;
        one.region = (ptr_text){e->key, e->len};
        n += count_region(m, e->ptr, &one);
    }
    *count = n;
    return PTR_OK;
}

/* ---- writes ----------------------------------------------------------------------- */

/* A write transaction's store and a record that can be stored (an address, a region). */
static memstore *check_write(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    memstore *m = ms_writer(user, txn);
    if (!m)
        return NULL;
    size_t rlen;
    ptr_record_region(rec, &rlen);
    const uint8_t fam = ptr_record_address(rec)->family;
    return (fam == 4 || fam == 6) && rlen ? m : NULL;
}

/*
 * The count entries rec will add to (owner, region, project), made when
 * missing; *fresh says which were made, for drop_fresh to take back.
 */
enum { FRESH_OWNER = 1, FRESH_REGION = 2, FRESH_PROJECT = 4 };

static void drop_fresh(memstore *m, const ptr_record *rec, unsigned fresh)
{
    size_t len;
    const char *s;
    if (fresh & FRESH_OWNER) {
        s = ptr_record_owner(rec, &len);
        ms_textmap_drop(&m->alloc, &m->owners, ms_textmap_find(&m->owners, s, len));
    }
    s = ptr_record_region(rec, &len);
    ms_text_entry *re = ms_textmap_find(&m->regions, s, len);
    if (!re)
        return;
    ms_region *r = re->ptr;
    if (fresh & FRESH_PROJECT) {
        s = ptr_record_project(rec, &len);
        ms_textmap_drop(&m->alloc, &r->projects, ms_textmap_find(&r->projects, s, len));
    }
    if (fresh & FRESH_REGION) {
        ms_region_free(&m->alloc, r);
        ms_textmap_drop(&m->alloc, &m->regions, re);
    }
}

static ptr_status make_entries(memstore *m, const ptr_record *rec, ms_region **out, unsigned *fresh)
{
    size_t len;
    const char *s = ptr_record_region(rec, &len);
    ms_text_entry *re;
    int added;
    *fresh = 0;
    ptr_status st = ms_textmap_add(&m->alloc, &m->regions, s, len, &re, &added);
    if (st != PTR_OK)
        return st;
    if (added) {
        *fresh |= FRESH_REGION;
        if (!(re->ptr = m->alloc.malloc(m->alloc.ctx, sizeof(ms_region)))) {
            ms_textmap_drop(&m->alloc, &m->regions, re);
            *fresh = 0;
            return PTR_E_NOMEM;
        }
        memset(re->ptr, 0, sizeof(ms_region));
    }
    ms_region *r = re->ptr;
    ms_text_entry *e;
    s = ptr_record_project(rec, &len);
    if ((st = ms_textmap_add(&m->alloc, &r->projects, s, len, &e, &added)) != PTR_OK)
        goto fail;
    *fresh |= added ? FRESH_PROJECT : 0;
    s = ptr_record_owner(rec, &len);
    if ((st = ms_textmap_add(&m->alloc, &m->owners, s, len, &e, &added)) != PTR_OK)
        goto fail;
    *fresh |= added ? FRESH_OWNER : 0;
    *out = r;
    return PTR_OK;
fail:
    drop_fresh(m, rec, *fresh);
    *fresh = 0;
    return st;
}

static ptr_status ms_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    memstore *m = check_write(user, txn, rec);
    if (!m)
        return PTR_E_INVAL;
    size_t len;
    const char *region = ptr_record_region(rec, &len);
    const ptr_addr *addr = ptr_record_address(rec);
    const ms_region *known = find_region(m, region, len);
    if (known && ms_records_find(&known->map, addr))
        return PTR_E_EXISTS;
    ptr_record *copy;
    ptr_status st = ms_undo_reserve(m);
    if (st != PTR_OK || (st = ptr_record_dup(rec, &m->alloc, &copy)) != PTR_OK)
        return st;
    ms_region *r;
    unsigned fresh;
    if ((st = make_entries(m, rec, &r, &fresh)) != PTR_OK) {
        ptr_record_free(copy);
        return st;
    }
    /* The order's insert is the last step that may fail; nothing after it can. */
    if ((st = ms_records_reserve(&m->alloc, &r->map)) != PTR_OK ||
        (st = ms_order_insert(&m->alloc, &r->order, &m->spares, addr, copy)) != PTR_OK) {
        drop_fresh(m, rec, fresh);
        ptr_record_free(copy);
        return st;
    }
    ms_records_put(&r->map, copy);
    ms_count_record(m, r, copy, +1);
    ms_undo_push(m, &(ms_undo){.kind = MS_INSERTED, .rec = copy});
    return PTR_OK;
}

static ptr_status ms_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    memstore *m = check_write(user, txn, rec);
    if (!m)
        return PTR_E_INVAL;
    size_t len;
    const char *region = ptr_record_region(rec, &len);
    const ptr_addr *addr = ptr_record_address(rec);
    ms_region *r = find_region(m, region, len);
    ms_slot *slot = r ? ms_records_find(&r->map, addr) : NULL;
    if (!slot)
        return PTR_E_NOT_FOUND;
    ptr_record *copy;
    ptr_status st = ms_undo_reserve(m);
    if (st != PTR_OK || (st = ptr_record_dup(rec, &m->alloc, &copy)) != PTR_OK)
        return st;
    unsigned fresh;
    if ((st = make_entries(m, rec, &r, &fresh)) != PTR_OK) {
        ptr_record_free(copy);
        return st;
    }
    ptr_record *old = ms_ref_get(&slot->rec);
    ms_ref_set(&slot->rec, copy);
    ms_ref_set(&ms_order_find(&r->order, addr)->rec, copy);
    ms_count_record(m, r, old, -1);
    ms_count_record(m, r, copy, +1);
    ms_undo_push(m, &(ms_undo){.kind = MS_REPLACED, .rec = copy, .old = old});
    return PTR_OK;
}

static ptr_status ms_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    memstore *m = ms_writer(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ms_region *r = find_region(m, region, region_len);
    ms_slot *slot = r ? ms_records_find(&r->map, addr) : NULL;
    if (!slot)
        return PTR_E_NOT_FOUND;
    ptr_status st = ms_undo_reserve(m);
    if (st != PTR_OK || (st = ms_order_promise(&m->alloc, &r->order, &m->spares)) != PTR_OK)
        return st;
    ptr_record *old = ms_ref_get(&slot->rec);
    ms_records_remove(&r->map, slot);
    ms_order_remove(&m->alloc, &r->order, addr);
    ms_count_record(m, r, old, -1);
    ms_undo_push(m, &(ms_undo){.kind = MS_REMOVED, .old = old});
    return PTR_OK;
}

/* ---- owner limits --------------------------------------------------------------------- */

static ptr_status ms_limit_get(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t *limit)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    const ms_limit *l = ms_limits_find(&m->limits, owner, owner_len);
    if (!l || !l->present)
        return PTR_E_NOT_FOUND;
    *limit = l->limit;
    return PTR_OK;
}

static ptr_status ms_limit_set(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t limit)
{
    memstore *m = ms_writer(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = ms_undo_reserve(m);
    if (st != PTR_OK)
        return st;
    ms_limit *l = ms_limits_find(&m->limits, owner, owner_len);
    ms_undo u = {.kind = MS_LIMIT};
    if (l) {
        u.old_limit = l->limit;
        u.old_state = l->present ? 1 : 2;
        l->limit = limit;
        l->present = 1;
    } else {
        if ((st = ms_limits_add(&m->alloc, &m->limits, owner, owner_len, limit)) != PTR_OK)
            return st;
        l = ms_limits_find(&m->limits, owner, owner_len);
    }
    u.owner = l->owner;
    u.owner_len = l->len;
    ms_undo_push(m, &u);
    return PTR_OK;
}

static ptr_status ms_limit_remove(void *user, ptr_store_txn *txn, const char *owner,
                                  size_t owner_len)
{
    memstore *m = ms_writer(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ms_limit *l = ms_limits_find(&m->limits, owner, owner_len);
    if (!l || !l->present)
        return PTR_E_NOT_FOUND;
    ptr_status st = ms_undo_reserve(m);
    if (st != PTR_OK)
        return st;
    /* Only marked: the entry stays until the transaction ends, so rollback need not allocate. */
    ms_undo_push(m, &(ms_undo){.kind = MS_LIMIT,
                               .owner = l->owner,
                               .owner_len = l->len,
                               .old_limit = l->limit,
                               .old_state = 1});
    l->present = 0;
    return PTR_OK;
}

static ptr_status ms_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                void *visit_ctx)
{
    const memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    for (size_t i = 0; i < m->limits.n; i++) {
        const ms_limit *l = &m->limits.e[i];
        if (l->present && visit(visit_ctx, l->owner, l->len, l->limit))
            break;
    }
    return PTR_OK;
}

/* ---- life cycle ---------------------------------------------------------------------- */

static void ms_destroy(void *user)
{
    memstore *m = user;
    const ptr_allocator a = m->alloc;
    for (size_t i = 0; i < m->regions.cap; i++)
        if (m->regions.e[i].key)
            ms_region_free(&a, m->regions.e[i].ptr);
    ms_textmap_free(&a, &m->regions);
    ms_textmap_free(&a, &m->owners);
    ms_limits_free(&a, &m->limits);
    m->spares.promised = 0;
    ms_spares_trim(&a, &m->spares, 0);
    if (m->spares.b)
        a.free(a.ctx, m->spares.b);
    if (m->undo)
        a.free(a.ctx, m->undo);
    pthread_rwlock_destroy(&m->lock);
    a.free(a.ctx, m);
}

ptr_status ptr_memstore_new(const ptr_allocator *alloc, ptr_store **out)
{
    if (!out || (alloc && (!alloc->malloc || !alloc->realloc || !alloc->free)))
        return PTR_E_INVAL;
    const ptr_allocator a = alloc ? *alloc : *ptr_allocator_libc();
    memstore *m = a.malloc(a.ctx, sizeof *m);
    if (!m)
        return PTR_E_NOMEM;
    memset(m, 0, sizeof *m);
    m->alloc = a;
    if (ms_lock_init(m) != 0) {
        a.free(a.ctx, m);
        return PTR_E_NOMEM;
    }
    const ptr_store_methods methods = {
        .version = PTR_STORE_METHODS_VERSION,
        .begin = ms_begin,
        .commit = ms_commit,
        .rollback = ms_rollback,
        .get = ms_get,
        .insert = ms_insert,
        .replace = ms_replace,
        .remove = ms_remove,
        .count_owner = ms_count_owner,
        .scan = ms_scan,
        .destroy = ms_destroy,
        /*
         * No insert_checked: count_owner, get and insert are each one hash
         * lookup here, so one call of our own would save nothing worth a
         * second copy of the create rules. No begin_keys: one lock covers all.
         */
        .count = ms_count,
        .owner_limit_get = ms_limit_get,
        .owner_limit_set = ms_limit_set,
        .owner_limit_remove = ms_limit_remove,
        .owner_limit_scan = ms_limit_scan,
    };
    const ptr_status st = ptr_store_new(&methods, m, out);
    if (st != PTR_OK)
        ms_destroy(m);
    return st;
}
