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

/* Each thread learns how long spinning pays before a notification comes.
 * Spinning wins when the waker runs on another core (a hand-off lands in a
 * few hundred nanoseconds); it is pure waste when the waker shares this
 * core, where only giving the CPU away lets it run.  So the budget grows
 * after a spin that ended in a notification and halves after one that did
 * not; at zero the thread yields at once, and every 64th park probes with
 * a small spin in case the threads have moved apart. */
enum { SPIN_MIN_PROBE = 64, SPIN_MAX = 1 << 12, PARK_YIELDS = 4 };
static _Thread_local unsigned spin_budget = 256;
static _Thread_local unsigned park_count;

static int spin_for(sl__parker *p)
{
    unsigned budget = spin_budget;
    if (budget == 0 && (++park_count & 63) == 0)
        budget = SPIN_MIN_PROBE;
    for (unsigned i = 0; i < budget; i++) {
        if (sl__parker_notified(p)) {
            unsigned want = 2 * i + SPIN_MIN_PROBE;
            spin_budget = want > SPIN_MAX ? SPIN_MAX : (want > spin_budget ? want : spin_budget);
            return 1;
        }
        sl__cpu_relax();
    }
    spin_budget /= 2;
    return 0;
}

int sl__parker_park(sl__parker *p, int64_t deadline)
{
    if (spin_for(p))
        return SL_OK;
    for (int i = 0; i < PARK_YIELDS; i++) {
        if (sl__parker_notified(p))
            return SL_OK;
        sched_yield();
    }
    while (!sl__parker_notified(p)) {
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
