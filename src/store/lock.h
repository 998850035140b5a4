/*
 * A lock for the memory store's transactions; not installed.
 *
 * Taking it is one atomic exchange and releasing it one plain store with
 * release order, where a pthread mutex releases with a second atomic
 * read-modify-write. On x86 every such instruction is a full barrier: it
 * cannot complete before the thread's earlier loads have, so a get that
 * released a mutex kept the next get from starting its cache misses until
 * its own had all arrived, and lookups through the store ran one after
 * another where a bare hash map's overlap. A plain release store does not
 * wait, so consecutive transactions overlap as the bare lookups do.
 *
 * A thread that finds the lock taken spins briefly, then yields the CPU,
 * then sleeps for growing intervals (ptr__lock_wait), so a long transaction
 * (a scan of a million records) costs its waiters little CPU. The lock is
 * not fair, as a pthread mutex is not; it is not recursive.
 */
#ifndef LIBPTR_LOCK_H
#define LIBPTR_LOCK_H

#include <stdatomic.h>

typedef struct ptr__lock {
    atomic_uint held;
} ptr__lock;

static inline void ptr__lock_init(ptr__lock *l)
{
    atomic_init(&l->held, 0u);
}

static inline int ptr__lock_try(ptr__lock *l)
{
    return atomic_exchange_explicit(&l->held, 1u, memory_order_acquire) == 0u;
}

/* The slow path: wait until the lock is taken by this thread. */
void ptr__lock_wait(ptr__lock *l);

static inline void ptr__lock_take(ptr__lock *l)
{
    if (!ptr__lock_try(l))
        ptr__lock_wait(l);
}

static inline void ptr__lock_give(ptr__lock *l)
{
    atomic_store_explicit(&l->held, 0u, memory_order_release);
}

#endif /* LIBPTR_LOCK_H */
