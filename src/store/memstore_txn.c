/*
 * The memory store's transactions and undo log (see memstore_txn.h).
 */
/* pthread_rwlock_t is POSIX.1-2001; glibc's writer preference (below) is a GNU extension. */
#define _GNU_SOURCE
#include <string.h>

#include "store/memstore_txn.h"

int ms_lock_init(memstore *m)
{
    pthread_rwlockattr_t attr;
    if (pthread_rwlockattr_init(&attr) != 0)
        return -1;
#if defined(__GLIBC__)
    /*
     * glibc lets readers in while a writer waits, so a steady stream of gets
     * from a few threads could hold off every create for good. Preferring
     * the writer is safe here because no thread ever takes the lock twice
     * (libptr never opens a second transaction on a thread).
     */
    (void)pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    const int r = pthread_rwlock_init(&m->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return r;
}

memstore *ms_writer(void *user, ptr_store_txn *txn)
{
    memstore *m = user;
    return txn == (ptr_store_txn *)&m->write_txn ? m : NULL;
}

memstore *ms_reader(void *user, ptr_store_txn *txn)
{
    memstore *m = user;
    return txn == (ptr_store_txn *)&m->write_txn || txn == (ptr_store_txn *)&m->read_txn ? m : NULL;
}

ptr_status ms_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    memstore *m = user;
    const int write = (flags & PTR_TXN_WRITE) != 0;
    /* Fails only when the lock's reader count would overflow: a busy store. */
    if ((write ? pthread_rwlock_wrlock(&m->lock) : pthread_rwlock_rdlock(&m->lock)) != 0)
        return PTR_E_BUSY;
    *txn = (ptr_store_txn *)(write ? &m->write_txn : &m->read_txn);
    return PTR_OK;
}

ptr_status ms_undo_reserve(memstore *m)
{
    if (m->nundo < m->undo_cap)
        return PTR_OK;
    const size_t cap = m->undo_cap ? m->undo_cap * 2 : 16;
    ms_undo *u = m->undo ? m->alloc.realloc(m->alloc.ctx, m->undo, cap * sizeof *u)
                         : m->alloc.malloc(m->alloc.ctx, cap * sizeof *u);
    if (!u)
        return PTR_E_NOMEM;
    m->undo = u;
    m->undo_cap = cap;
    return PTR_OK;
}

void ms_undo_push(memstore *m, const ms_undo *u)
{
    m->undo[m->nundo++] = *u;
}

static ms_region *region_of(const memstore *m, const ptr_record *rec)
{
    size_t len;
    const char *s = ptr_record_region(rec, &len);
    ms_text_entry *e = ms_textmap_find(&m->regions, s, len);
    return e ? e->ptr : NULL;
}

void ms_count_record(memstore *m, ms_region *r, const ptr_record *rec, int delta)
{
    size_t len;
    const char *s = ptr_record_owner(rec, &len);
    ms_textmap_find(&m->owners, s, len)->count += (uint64_t)(int64_t)delta;
    s = ptr_record_project(rec, &len);
    ms_textmap_find(&r->projects, s, len)->count += (uint64_t)(int64_t)delta;
    m->total += (uint64_t)(int64_t)delta;
}

void ms_region_free(const ptr_allocator *a, ms_region *r)
{
    for (size_t i = 0; i < r->map.cap; i++)
        if (ms_ref_get(&r->map.e[i].rec))
            ptr_record_free(ms_ref_get(&r->map.e[i].rec));
    if (r->map.e)
        a->free(a->ctx, r->map.e);
    ms_order_free(a, &r->order);
    ms_textmap_free(a, &r->projects);
    a->free(a->ctx, r);
}

void ms_drop_empty(memstore *m, const ptr_record *rec)
{
    size_t len;
    const char *s = ptr_record_owner(rec, &len);
    ms_text_entry *e = ms_textmap_find(&m->owners, s, len);
    if (e && e->count == 0)
        ms_textmap_drop(&m->alloc, &m->owners, e);
    s = ptr_record_region(rec, &len);
    ms_text_entry *re = ms_textmap_find(&m->regions, s, len);
    if (!re)
        return;
    ms_region *r = re->ptr;
    s = ptr_record_project(rec, &len);
    e = ms_textmap_find(&r->projects, s, len);
    if (e && e->count == 0)
        ms_textmap_drop(&m->alloc, &r->projects, e);
    if (r->map.n == 0) {
        ms_region_free(&m->alloc, r);
        ms_textmap_drop(&m->alloc, &m->regions, re);
    }
}

ptr_status ms_commit(void *user, ptr_store_txn *txn)
{
    memstore *m = ms_reader(user, txn);
    if (!m)
        return PTR_E_INVAL;
    if (!ms_writer(user, txn)) {
        pthread_rwlock_unlock(&m->lock);
        return PTR_OK;
    }
    /*
     * Count entries that fell to zero and limits removed are dropped only
     * now, so that undoing any step before could find them in place without
     * allocating. First the entries (the old records name them), then the
     * records replaced or removed, which only this log still holds.
     */
    const size_t n = m->nundo;
    for (size_t i = 0; i < n; i++) {
        const ms_undo *u = &m->undo[i];
        if (u->kind == MS_REMOVED || u->kind == MS_REPLACED)
            ms_drop_empty(m, u->old);
    }
    int limits = 0;
    for (size_t i = 0; i < n; i++) {
        const ms_undo *u = &m->undo[i];
        if (u->kind == MS_LIMIT)
            limits = 1;
        else if (u->old)
            ptr_record_free(u->old);
    }
    /* Limits removed in this transaction go now: a sweep of the (small) array. */
    for (size_t i = m->limits.n; limits && i-- > 0;)
        if (!m->limits.e[i].present)
            ms_limits_drop(&m->alloc, &m->limits, &m->limits.e[i]);
    m->nundo = 0;
    m->spares.promised = 0;
    ms_spares_trim(&m->alloc, &m->spares, 2);
    pthread_rwlock_unlock(&m->lock);
    return PTR_OK;
}

static void undo_one(memstore *m, const ms_undo *u)
{
    if (u->kind == MS_LIMIT) {
        ms_limit *l = ms_limits_find(&m->limits, u->owner, u->owner_len);
        if (u->old_state == 0) {
            ms_limits_drop(&m->alloc, &m->limits, l);
        } else {
            l->limit = u->old_limit;
            l->present = u->old_state == 1;
        }
        return;
    }
    const ptr_record *key = u->old ? u->old : u->rec;
    ms_region *r = region_of(m, key);
    const ptr_addr *addr = ptr_record_address(key);
    if (u->kind == MS_INSERTED) {
        ms_records_remove(&r->map, ms_records_find(&r->map, addr));
        ms_order_remove(&m->alloc, &r->order, addr);
        ms_count_record(m, r, u->rec, -1);
        /* Freed at the end of ms_rollback, once ms_drop_empty has read its owner and region. */
    } else if (u->kind == MS_REMOVED) {
        /* The table never shrinks and a spare block was promised: neither allocates. */
        ms_records_put(&r->map, u->old);
        (void)ms_order_insert(NULL, &r->order, &m->spares, addr, u->old);
        ms_count_record(m, r, u->old, +1);
    } else {
        ms_ref_set(&ms_records_find(&r->map, addr)->rec, u->old);
        ms_ref_set(&ms_order_find(&r->order, addr)->rec, u->old);
        ms_count_record(m, r, u->rec, -1);
        ms_count_record(m, r, u->old, +1);
    }
}

void ms_rollback(void *user, ptr_store_txn *txn)
{
    memstore *m = ms_reader(user, txn);
    if (!m)
        return;
    if (!ms_writer(user, txn)) {
        pthread_rwlock_unlock(&m->lock);
        return;
    }
    for (size_t i = m->nundo; i-- > 0;)
        undo_one(m, &m->undo[i]);
    /* Now the records this transaction made are out of every index: drop what emptied, free them. */
    const size_t n = m->nundo;
    for (size_t i = 0; i < n; i++) {
        const ms_undo *u = &m->undo[i];
        if (u->kind == MS_INSERTED || u->kind == MS_REPLACED)
            ms_drop_empty(m, u->rec);
    }
    for (size_t i = 0; i < n; i++) {
        const ms_undo *u = &m->undo[i];
        if (u->kind == MS_INSERTED || u->kind == MS_REPLACED)
            ptr_record_free(u->rec);
    }
    m->nundo = 0;
    m->spares.promised = 0;
    ms_spares_trim(&m->alloc, &m->spares, 2);
    pthread_rwlock_unlock(&m->lock);
}
