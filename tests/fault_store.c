/* The fault-injecting wrapper store; see fault_store.h. */
#include <stdatomic.h>
#include <stdlib.h>

#include "fault_store.h"

struct fault_state {
    ptr_store *inner;
    atomic_long calls; /* counted calls since the last arm */
    atomic_long fired;
    atomic_long fail_at;
    atomic_int sticky;
    atomic_int status;
};

/* Count this call; nonzero when it is to fail. */
static int should_fail(fault_state *f)
{
    const long n = atomic_fetch_add(&f->calls, 1) + 1;
    const long at = atomic_load(&f->fail_at);
    if (at == 0 || n < at || (n > at && !atomic_load(&f->sticky)))
        return 0;
    atomic_fetch_add(&f->fired, 1);
    return 1;
}

static ptr_status fs_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_begin(f->inner, flags, txn);
}

static ptr_status fs_commit(void *user, ptr_store_txn *txn)
{
    fault_state *f = user;
    if (should_fail(f)) {
        /* A failed commit still ends the transaction, and keeps nothing of it. */
        ptr_store_rollback(f->inner, txn);
        return (ptr_status)atomic_load(&f->status);
    }
    return ptr_store_commit(f->inner, txn);
}

static void fs_rollback(void *user, ptr_store_txn *txn)
{
    fault_state *f = user;
    ptr_store_rollback(f->inner, txn);
}

static ptr_status fs_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_get(f->inner, txn, region, region_len, addr, out);
}

static ptr_status fs_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_insert(f->inner, txn, rec);
}

static ptr_status fs_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_replace(f->inner, txn, rec);
}

static ptr_status fs_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_remove(f->inner, txn, region, region_len, addr);
}

static ptr_status fs_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_count_owner(f->inner, txn, owner, owner_len, count);
}

static ptr_status fs_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_scan(f->inner, txn, filter, after, visit, visit_ctx);
}

static ptr_status fs_insert_checked(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_insert_checked(f->inner, txn, rec, limit);
}

static ptr_status fs_count(void *user, ptr_store_txn *txn, const ptr_store_filter *filter,
                           uint64_t *count)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_count(f->inner, txn, filter, count);
}

static ptr_status fs_begin_keys(void *user, unsigned flags, const ptr_txn_keys *keys,
                                ptr_store_txn **txn)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_begin_keys(f->inner, flags, keys, txn);
}

static ptr_status fs_limit_get(void *user, ptr_store_txn *txn, const char *owner, size_t len,
                               uint64_t *limit)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_owner_limit_get(f->inner, txn, owner, len, limit);
}

static ptr_status fs_limit_set(void *user, ptr_store_txn *txn, const char *owner, size_t len,
                               uint64_t limit)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_owner_limit_set(f->inner, txn, owner, len, limit);
}

static ptr_status fs_limit_remove(void *user, ptr_store_txn *txn, const char *owner, size_t len)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_owner_limit_remove(f->inner, txn, owner, len);
}

static ptr_status fs_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                void *visit_ctx)
{
    fault_state *f = user;
    if (should_fail(f))
        return (ptr_status)atomic_load(&f->status);
    return ptr_store_owner_limit_scan(f->inner, txn, visit, visit_ctx);
}

static void fs_destroy(void *user)
{
    fault_state *f = user;
    ptr_store_free(f->inner);
    free(f);
}

ptr_status fault_store_new_ex(ptr_store *inner, int checked, fault_state **state, ptr_store **out)
{
    fault_state *f = calloc(1, sizeof *f);
    if (!f)
        return PTR_E_NOMEM;
    f->inner = inner;
    atomic_init(&f->calls, 0);
    atomic_init(&f->fired, 0);
    atomic_init(&f->fail_at, 0);
    atomic_init(&f->sticky, 0);
    atomic_init(&f->status, PTR_E_STORE);
    /*
     * Every slot (insert_checked when asked for, the owner limits when the
     * inner store keeps them): also shows that a stack table is enough.
     */
    const int limits = ptr_store_has_owner_limits(inner);
    const ptr_store_methods m = {
        .version = PTR_STORE_METHODS_VERSION,
        .begin = fs_begin,
        .commit = fs_commit,
        .rollback = fs_rollback,
        .get = fs_get,
        .insert = fs_insert,
        .replace = fs_replace,
        .remove = fs_remove,
        .count_owner = fs_count_owner,
        .scan = fs_scan,
        .destroy = fs_destroy,
        .insert_checked = checked ? fs_insert_checked : NULL,
        .count = fs_count,
        .begin_keys = fs_begin_keys,
        .owner_limit_get = limits ? fs_limit_get : NULL,
        .owner_limit_set = limits ? fs_limit_set : NULL,
        .owner_limit_remove = limits ? fs_limit_remove : NULL,
        .owner_limit_scan = limits ? fs_limit_scan : NULL,
    };
    ptr_status st = ptr_store_new(&m, f, out);
    if (st != PTR_OK) {
        free(f);
        return st;
    }
    *state = f;
    return PTR_OK;
}

ptr_status fault_store_new(ptr_store *inner, fault_state **state, ptr_store **out)
{
    return fault_store_new_ex(inner, 0, state, out);
}

ptr_store *fault_store_wrap_ex(ptr_store *inner, int checked, fault_state **state)
{
    fault_state *f;
    ptr_store *s;
    if (!inner)
        return NULL;
    if (fault_store_new_ex(inner, checked, state ? state : &f, &s) != PTR_OK) {
        ptr_store_free(inner);
        return NULL;
    }
    return s;
}

ptr_store *fault_store_wrap(ptr_store *inner, fault_state **state)
{
    return fault_store_wrap_ex(inner, 0, state);
}

void fault_arm(fault_state *f, long n, ptr_status status, int sticky)
{
    atomic_store(&f->status, (int)status);
    atomic_store(&f->sticky, sticky);
    atomic_store(&f->calls, 0);
    atomic_store(&f->fired, 0);
    atomic_store(&f->fail_at, n);
}

long fault_calls(const fault_state *f)
{
    return atomic_load(&((fault_state *)f)->calls);
}

long fault_fired(const fault_state *f)
{
    return atomic_load(&((fault_state *)f)->fired);
}
