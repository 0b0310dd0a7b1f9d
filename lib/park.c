/*
 * park.c - parking and waking OS threads on futexes, after a short spin.
 * See park.h for the contract.
 */
#include "park.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sluice/chan.h"

int64_t sl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t sl_deadline_in(int64_t ns)
{
    int64_t now = sl_now();
    if (ns <= 0)
        return now;
    return ns > SL_FOREVER - now ? SL_FOREVER : now + ns;
}

int sl__futex_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline)
{
    struct timespec ts, *tsp = NULL;
    if (deadline != SL_FOREVER) {
        if (deadline <= sl_now())
            return SL_TIMEDOUT;
        ts.tv_sec = (time_t)(deadline / 1000000000);
        ts.tv_nsec = (long)(deadline % 1000000000);
        tsp = &ts;
    }
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time, the clock
     * deadlines are on, so a wait interrupted by a signal needs no
     * recomputation. */
    long r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp,
                     NULL, FUTEX_BITSET_MATCH_ANY);
    if (r == -1 && errno == ETIMEDOUT)
        return SL_TIMEDOUT;
    return SL_OK;
}

void sl__futex_wake(_Atomic uint32_t *addr, int n)
{
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL, NULL, 0);
}

int sl__backoff(unsigned *step)
{
    /* Spin 1, 2, 4 ... 64 pauses, then yield a few times: a hand-off from
     * a thread running on another core usually lands within the spins,
     * and on a busy machine the yields let that thread run here. */
    if (*step <= 6) {
        for (unsigned i = 0; i < (1u << *step); i++)
            sl__cpu_relax();
    } else if (*step <= 10) {
        sched_yield();
    } else {
        return 0;
    }
    (*step)++;
    return 1;
}

int sl__parker_park(sl__parker *p, int64_t deadline)
{
    unsigned step = 0;
    while (!sl__parker_notified(p)) {
        if (sl__backoff(&step))
            continue;
        uint32_t s = SL__PARK_EMPTY;
        if (!atomic_compare_exchange_strong_explicit(&p->state, &s, SL__PARK_SLEEPING, memory_order_acq_rel,
                                                     memory_order_acquire) &&
            s == SL__PARK_NOTIFIED)
            break;
        if (sl__futex_wait(&p->state, SL__PARK_SLEEPING, deadline) == SL_TIMEDOUT &&
            !sl__parker_notified(p))
            return SL_TIMEDOUT;
    }
    return SL_OK;
}

void sl__parker_unpark(sl__parker *p)
{
    if (atomic_exchange_explicit(&p->state, SL__PARK_NOTIFIED, memory_order_acq_rel) == SL__PARK_SLEEPING)
        sl__futex_wake(&p->state, 1);
}
