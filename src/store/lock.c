/*
 * The memory store lock's slow path (see lock.h): spin, then yield, then
 * sleep with a doubling interval. Waiters poll, so no wake-up can be lost;
 * the price is at most one interval (1 ms at the longest) of delay after a
 * long transaction ends.
 */
#define _POSIX_C_SOURCE 200809L
#include <sched.h>
#include <time.h>

#include "store/lock.h"

#define SPINS       128
#define YIELDS      64
#define SLEEP_FIRST 1000L    /* ns */
#define SLEEP_MAX   1000000L /* ns */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Free now? A plain load first, so that waiters do not take the line from the holder. */
static int looks_free(ptr__lock *l)
{
    return atomic_load_explicit(&l->held, memory_order_relaxed) == 0u;
}

void ptr__lock_wait(ptr__lock *l)
{
    for (int i = 0; i < SPINS; i++) {
        if (looks_free(l) && ptr__lock_try(l))
            return;
        cpu_relax();
    }
    for (int i = 0; i < YIELDS; i++) {
        if (looks_free(l) && ptr__lock_try(l))
            return;
        sched_yield();
    }
    long ns = SLEEP_FIRST;
    for (;;) {
        if (looks_free(l) && ptr__lock_try(l))
            return;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < SLEEP_MAX)
            ns *= 2;
    }
}
