/*
 * deque.h - the per-worker work-stealing deque (Chase-Lev), holding tasks
 * by value.
 *
 * The owner pushes and pops at the bottom without locks (LIFO: the task it
 * spawned last is still hot in its cache); thieves take from the top with
 * one compare-and-swap (FIFO: the oldest task, usually the biggest piece of
 * a recursive split).  The only race that needs care is the last element,
 * which the owner and a thief may both want: both settle it with a CAS on
 * `top`, so exactly one of them gets it.
 *
 * Memory orders follow Le, Pop, Cohen and Zappa Nardelli, "Correct and
 * Efficient Work-Stealing for Weak Memory Models" (PPoPP 2013), with the
 * paper's fences folded into seq_cst accesses so that ThreadSanitizer,
 * which does not model stand-alone fences, sees every synchronisation:
 *   - push writes the slot, then stores `bottom` (release: a thief that
 *     reads the new bottom also reads the slot and what the task's
 *     creator wrote before spawning it);
 *   - pop stores the decremented `bottom` before it loads `top`, and a
 *     thief loads `top` before `bottom`; both pairs are seq_cst, so they
 *     cannot both miss each other and take the same task.
 * Slots are atomics read and written relaxed: a thief may read a slot the
 * owner is overwriting (after a wrap-around), but then its CAS on `top`
 * fails and it drops what it read.
 *
 * A full deque doubles into a new buffer.  Thieves may still be reading
 * the old one, so old buffers are kept (chained from the new one) until
 * the deque is destroyed: at most as much memory again as the largest
 * buffer.
 */
#ifndef SLUICE_DEQUE_H
#define SLUICE_DEQUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sluice/pool.h"

/* A task by value: what to call, with what, and the group it counts in. */
typedef struct sl__task {
    sl_task_fn fn;
    void *arg;
    sl_group *group; /* NULL for sl_pool_submit */
} sl__task;

typedef struct sl__slot {
    _Atomic(sl_task_fn) fn;
    _Atomic(void *) arg;
    _Atomic(sl_group *) group;
} sl__slot;

typedef struct sl__deque_buf {
    int64_t mask; /* capacity - 1, capacity a power of two */
    struct sl__deque_buf *older;
    sl__slot slots[];
} sl__deque_buf;

typedef struct sl__deque {
    /* top and bottom on their own cache lines: thieves hammer top, the
     * owner bottom. */
    _Alignas(64) _Atomic int64_t top;
    _Alignas(64) _Atomic int64_t bottom;
    _Atomic(sl__deque_buf *) buf;
    /* Owner only: a value top had once.  top only grows, so it is a lower
     * bound, and a push needs to read the thieves' line only when the
     * bound says the buffer may be full. */
    int64_t top_seen;
} sl__deque;

/* SL_OK or SL_NOMEM.  Capacity is rounded up to a power of two. */
int sl__deque_init(sl__deque *d, size_t capacity);
/* Frees every buffer; no thread may use the deque any more. */
void sl__deque_destroy(sl__deque *d);
/* Owner only: doubles the buffer; NULL when out of memory. */
sl__deque_buf *sl__deque_grow(sl__deque *d, sl__deque_buf *a, int64_t top, int64_t bottom);

static inline void sl__slot_put(sl__slot *s, const sl__task *t)
{
    atomic_store_explicit(&s->fn, t->fn, memory_order_relaxed);
    atomic_store_explicit(&s->arg, t->arg, memory_order_relaxed);
    atomic_store_explicit(&s->group, t->group, memory_order_relaxed);
}

static inline void sl__slot_get(sl__slot *s, sl__task *t)
{
    t->fn = atomic_load_explicit(&s->fn, memory_order_relaxed);
    t->arg = atomic_load_explicit(&s->arg, memory_order_relaxed);
    t->group = atomic_load_explicit(&s->group, memory_order_relaxed);
}

/* Owner only.  SL_OK, or SL_NOMEM when the deque could not grow.  The
 * seq_cst store of bottom also orders the push before the caller's later
 * seq_cst load of the pool's sleeper count (see pool.c). */
static inline int sl__deque_push(sl__deque *d, const sl__task *t)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    sl__deque_buf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    if (b - d->top_seen > a->mask) {
        d->top_seen = atomic_load_explicit(&d->top, memory_order_acquire);
        if (b - d->top_seen > a->mask) {
            a = sl__deque_grow(d, a, d->top_seen, b);
            if (!a)
                return SL_NOMEM;
        }
    }
    sl__slot_put(&a->slots[b & a->mask], t);
    atomic_store_explicit(&d->bottom, b + 1, memory_order_seq_cst);
    return SL_OK;
}

/* Owner only.  1 with *t filled, or 0 when empty. */
static inline int sl__deque_pop(sl__deque *d, sl__task *t)
{
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1;
    sl__deque_buf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    atomic_store_explicit(&d->bottom, b, memory_order_seq_cst);
    int64_t top = atomic_load_explicit(&d->top, memory_order_seq_cst);
    if (top > b) { /* was empty */
        atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
        return 0;
    }
    sl__slot_get(&a->slots[b & a->mask], t);
    if (top < b)
        return 1;
    /* The last element: race the thieves for it. */
    int won = atomic_compare_exchange_strong_explicit(&d->top, &top, top + 1, memory_order_seq_cst,
                                                      memory_order_relaxed);
    atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);
    return won;
}

/* Any thread.  1 with *t filled, 0 when empty, -1 when another thread won
 * the race for the top element (the deque may still hold work). */
static inline int sl__deque_steal(sl__deque *d, sl__task *t)
{
    int64_t top = atomic_load_explicit(&d->top, memory_order_seq_cst);
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_seq_cst);
    if (top >= b)
        return 0;
    sl__deque_buf *a = atomic_load_explicit(&d->buf, memory_order_acquire);
    sl__slot_get(&a->slots[top & a->mask], t);
    if (!atomic_compare_exchange_strong_explicit(&d->top, &top, top + 1, memory_order_seq_cst,
                                                 memory_order_relaxed))
        return -1;
    return 1;
}

/* Any thread: a hint, exact only when the deque is quiescent. */
static inline int sl__deque_nonempty(sl__deque *d)
{
    int64_t top = atomic_load_explicit(&d->top, memory_order_seq_cst);
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_seq_cst);
    return top < b;
}

#endif
