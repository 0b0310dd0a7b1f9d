/*
 * lock.h - a small futex mutex that spins briefly before it sleeps.
 *
 * Drepper's three-state mutex ("Futexes Are Tricky"): 0 free, 1 held,
 * 2 held with possible sleepers.  Unlocking makes a system call only in
 * state 2, so uncontended lock/unlock pairs are two atomic operations.
 * The critical sections it guards (a channel's queue and ring) are a few
 * dozen instructions, so a short spin usually beats going to sleep.
 */
#ifndef SLUICE_LOCK_H
#define SLUICE_LOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "park.h"

typedef struct sl__lock {
    _Atomic uint32_t v;
} sl__lock;

void sl__lock_slow(sl__lock *l);

static inline void sl__lock_init(sl__lock *l)
{
    atomic_init(&l->v, 0);
}

static inline void sl__lock_acquire(sl__lock *l)
{
    uint32_t c = 0;
    if (!atomic_compare_exchange_strong_explicit(&l->v, &c, 1, memory_order_acquire, memory_order_relaxed))
        sl__lock_slow(l);
}

static inline void sl__lock_release(sl__lock *l)
{
    if (atomic_exchange_explicit(&l->v, 0, memory_order_release) == 2)
        sl__futex_wake(&l->v, 1);
}

#endif
