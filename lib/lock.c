/* lock.c - the contended path of sl__lock: spin a little, then sleep. */
#include "lock.h"

#include "sluice/chan.h"

void sl__lock_slow(sl__lock *l)
{
    /* Spin only in a spare core's slot, and not at all below 4 cores: with
     * more runnable threads than cores, a spinner holds the CPU the lock's
     * owner needs.  On 2 cores, sleeping at once ran contended channels
     * 2-3x faster than a 64-pause spin, even one gated to one spinner
     * (build/bench/chan boundedN_mpmc 110 vs 220-270 ns/msg). */
    if (sl__spin_slots() > 1 && sl__spin_begin()) {
        int got = 0;
        for (int i = 0; i < 64 && !got; i++) {
            uint32_t c = atomic_load_explicit(&l->v, memory_order_relaxed);
            got = c == 0 && atomic_compare_exchange_weak_explicit(&l->v, &c, 1, memory_order_acquire,
                                                                   memory_order_relaxed);
            if (!got)
                sl__cpu_relax();
        }
        sl__spin_end();
        if (got)
            return;
    }
    /* From here on the lock is marked "maybe sleepers" (2) whenever we own
     * it, so the owner's release always wakes the next sleeper. */
    while (atomic_exchange_explicit(&l->v, 2, memory_order_acquire) != 0)
        sl__futex_wait(&l->v, 2, SL_FOREVER);
}
