/* lock.c - the contended path of sl__lock: spin a little, then sleep. */
#include "lock.h"

#include "sluice/chan.h"

void sl__lock_slow(sl__lock *l)
{
    for (int i = 0; i < 64; i++) {
        uint32_t c = atomic_load_explicit(&l->v, memory_order_relaxed);
        if (c == 0 &&
            atomic_compare_exchange_weak_explicit(&l->v, &c, 1, memory_order_acquire, memory_order_relaxed))
            return;
        sl__cpu_relax();
    }
    /* From here on the lock is marked "maybe sleepers" (2) whenever we own
     * it, so the owner's release always wakes the next sleeper. */
    while (atomic_exchange_explicit(&l->v, 2, memory_order_acquire) != 0)
        sl__futex_wait(&l->v, 2, SL_FOREVER);
}
