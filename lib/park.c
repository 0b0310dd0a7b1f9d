/*
 * park.c - parking and waking OS threads on futexes, after a short spin;
 * a task parks by switching out instead (task.c).  See park.h for the
 * contract.
 */
#include "park.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sluice/chan.h"
#include "task.h"

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

/* shared: the futex word lies in memory other processes map (no
 * FUTEX_PRIVATE_FLAG), as the worker-process rings' words do. */
int sl__futex_wait_in(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline, int shared)
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
    long r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_BITSET | (shared ? 0 : FUTEX_PRIVATE_FLAG), expected,
                     tsp, NULL, FUTEX_BITSET_MATCH_ANY);
    if (r == -1 && errno == ETIMEDOUT)
        return SL_TIMEDOUT;
    return SL_OK;
}

void sl__futex_wake_in(_Atomic uint32_t *addr, int n, int shared)
{
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE | (shared ? 0 : FUTEX_PRIVATE_FLAG), n, NULL, NULL, 0);
}

int sl__futex_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline)
{
    return sl__futex_wait_in(addr, expected, deadline, 0);
}

void sl__futex_wake(_Atomic uint32_t *addr, int n)
{
    sl__futex_wake_in(addr, n, 0);
}

/* Each thread learns how long spinning pays before a notification comes.
 * Spinning wins when the waker runs on another core (a hand-off lands in a
 * few hundred nanoseconds); it is pure waste when the waker shares this
 * core, where only giving the CPU away lets it run.  So the budget grows
 * after a spin that ended in a notification and halves after one that did
 * not; at zero the thread yields at once.
 *
 * Zero must not be a trap.  Two threads that both stopped spinning both
 * sleep on futexes, so each notification waits for a futex wake-up (tens
 * of microseconds), and a short spin can never catch one: the pair stays
 * slow although the cores are idle (an unbuffered ping-pong took 28 us a
 * round trip that way).  So every 64th park probes with a long spin, long
 * enough to outlast a partner's wake-up; once one side spins, the other's
 * waits become short and its own probes succeed too.  On a shared core the
 * probes cost a fraction of a microsecond per park, averaged. */
enum { SPIN_PROBE = 1 << 11, SPIN_MAX = 1 << 12, PARK_YIELDS = 4 };
static _Thread_local unsigned spin_budget = 256;
static _Thread_local unsigned park_count;

/* And spinning only helps while there is a core to spare: with more
 * spinners than half the cores, they hold the CPUs that the threads they
 * wait for need (8 threads on 2 cores ran buffered hand-offs 3x slower).
 * So at most that many threads spin at once; the rest yield at once. */
static _Atomic int spinners;
static _Atomic int max_spinners;

int sl__spin_slots(void)
{
    int m = atomic_load_explicit(&max_spinners, memory_order_relaxed);
    if (m == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        m = n >= 4 ? (int)(n / 2) : 1;
        atomic_store_explicit(&max_spinners, m, memory_order_relaxed);
    }
    return m;
}

int sl__spin_begin(void)
{
    if (atomic_fetch_add_explicit(&spinners, 1, memory_order_relaxed) < sl__spin_slots())
        return 1;
    atomic_fetch_sub_explicit(&spinners, 1, memory_order_relaxed);
    return 0;
}

void sl__spin_end(void)
{
    atomic_fetch_sub_explicit(&spinners, 1, memory_order_relaxed);
}

static int spin_for(sl__parker *p)
{
    unsigned budget = spin_budget;
    if (budget < SPIN_PROBE && (++park_count & 63) == 0)
        budget = SPIN_PROBE;
    if (budget == 0 || !sl__spin_begin())
        return 0;
    int won = 0;
    unsigned i;
    for (i = 0; i < budget; i++) {
        if (sl__parker_notified(p)) {
            won = 1;
            break;
        }
        sl__cpu_relax();
    }
    sl__spin_end();
    if (won) {
        unsigned want = 2 * i + 64;
        if (want > SPIN_MAX)
            want = SPIN_MAX;
        if (want > spin_budget)
            spin_budget = want;
    } else {
        spin_budget /= 2;
    }
    return won;
}

/* Yielding is the cheapest wait when the waker shares this core: it runs
 * at once.  But when another process wants the core, a yield can hand it a
 * whole time slice (next to two CPU hogs, an unbuffered hand-off took
 * 1.2 ms with yields and 27 us without).  So a yield that kept the thread
 * away for over 0.5 ms three times in a row (another process's time
 * slices; a switch among our own threads is usually far shorter, and only
 * now and then long) turns yielding off for this thread, until a probe
 * tries again (see yield_outcome). */
enum { YIELD_TOO_LONG_NS = 500000, LONG_YIELDS_OFF = 3, YIELD_PROBE_MAX = 1 << 16 };
static _Thread_local int yields_on = 1;
static _Thread_local int yield_probing;           /* yields just turned back on to test */
static _Thread_local int long_yields;             /* long yields in a row */
static _Thread_local unsigned yield_probe_every = 64; /* parks between probes while off */
static _Thread_local unsigned parks_yields_off;

/* One yield's outcome: after LONG_YIELDS_OFF long ones in a row (or one,
 * while probing) yielding goes off, and each failed probe doubles the wait
 * before the next, so a machine full of other work costs a few long
 * yields per 64K parks; a fast yield while probing resets the wait. */
static void yield_outcome(int was_long)
{
    long_yields = was_long ? long_yields + 1 : 0;
    if (!was_long) {
        if (yield_probing)
            yield_probe_every = 64;
        yield_probing = 0;
        return;
    }
    if (long_yields < (yield_probing ? 1 : LONG_YIELDS_OFF))
        return;
    if (yield_probing && yield_probe_every < YIELD_PROBE_MAX)
        yield_probe_every *= 2;
    yields_on = yield_probing = long_yields = 0;
    parks_yields_off = 0;
}

static int yield_for(sl__parker *p)
{
    if (!yields_on && ++parks_yields_off >= yield_probe_every)
        yields_on = yield_probing = 1;
    for (int i = 0; yields_on && i < PARK_YIELDS; i++) {
        if (sl__parker_notified(p))
            return 1;
        int64_t t0 = sl_now();
        sched_yield();
        yield_outcome(sl_now() - t0 > YIELD_TOO_LONG_NS);
    }
    return sl__parker_notified(p);
}

/* The same policy for waits that poll a condition rather than a parker
 * (an idle pool worker looking for tasks, a group waiter): spin 1, 2, 4
 * ... 64 pauses while a spin slot is free, then yield a few times unless
 * yielding is off for this thread, then tell the caller to sleep. */
int sl__backoff(unsigned *step)
{
    if (*step <= 6) {
        if (sl__spin_begin()) {
            for (unsigned i = 0; i < (1u << *step); i++)
                sl__cpu_relax();
            sl__spin_end();
            (*step)++;
            return 1;
        }
        *step = 7; /* no core to spare: spinning would only delay the owner */
    }
    if (*step <= 10 && yields_on) {
        int64_t t0 = sl_now();
        sched_yield();
        yield_outcome(sl_now() - t0 > YIELD_TOO_LONG_NS);
        (*step)++;
        return 1;
    }
    return 0;
}

int sl__parker_park(sl__parker *p, int64_t deadline)
{
    /* A task never spins: its worker has other tasks to run. */
    if (sl__task_self())
        return sl__task_park(p, deadline);
    if (spin_for(p) || yield_for(p))
        return SL_OK;
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
    uint32_t old = atomic_exchange_explicit(&p->state, SL__PARK_NOTIFIED, memory_order_acq_rel);
    if (old == SL__PARK_SLEEPING)
        sl__futex_wake(&p->state, 1);
    else if (old == SL__PARK_TASK_PARKED)
        /* The task is off its stack and stays parked until made runnable,
         * which only this call does now, so p (on that stack) and p->g are
         * still ours to read. */
        sl__sched_ready(p->g);
}
