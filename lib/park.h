/*
 * park.h - how a waiter parks and how it is woken: the one place that knows.
 *
 * A parker is a one-shot event: park() returns once unpark() has been
 * called (or at a deadline), and every later park() returns at once until
 * the parker is reset.  A parked waiter is either an OS thread sleeping on
 * a futex after a short spin, or a task (task.h) switched out of its
 * worker: the parker's state says which, so wakers need not know.
 *
 * The futex word is the parker's state, so unpark() makes a system call
 * only when the waiter really sleeps: a waiter still spinning sees the
 * state change and leaves without one.  A task commits to TASK_PARKED only
 * after it has switched off its stack (task.c), so whoever sees that state
 * may make the task runnable at once.
 */
#ifndef SLUICE_PARK_H
#define SLUICE_PARK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sl__parker {
    _Atomic uint32_t state; /* SL__PARK_* */
    struct sl__g *g;        /* the parked task, valid in state TASK_PARKED */
} sl__parker;

/* EMPTY -> SLEEPING (a thread on the futex) or TASK_PARKED (a task) ->
 * NOTIFIED.  EXPIRED: a task's timer fired before any notification; the
 * task's park returns SL_TIMEDOUT and puts the state back to EMPTY. */
enum {
    SL__PARK_EMPTY = 0,
    SL__PARK_SLEEPING = 1,
    SL__PARK_NOTIFIED = 2,
    SL__PARK_TASK_PARKED = 3,
    SL__PARK_EXPIRED = 4
};

static inline void sl__parker_init(sl__parker *p)
{
    atomic_init(&p->state, SL__PARK_EMPTY);
    p->g = NULL;
}

/* Waits until notified (returns 0) or until `deadline` on the sl_now()
 * clock (returns SL_TIMEDOUT; a notification may still arrive later). */
int sl__parker_park(sl__parker *p, int64_t deadline);
/* Notifies; the waiter may free the parker as soon as it sees it, so the
 * caller must not touch *p afterwards. */
void sl__parker_unpark(sl__parker *p);
/* 1 once notified. */
static inline int sl__parker_notified(sl__parker *p)
{
    return atomic_load_explicit(&p->state, memory_order_acquire) == SL__PARK_NOTIFIED;
}

/* Raw futex operations on a 32-bit word, for other sleeping primitives
 * (locks, the pool's idle workers).  Wait returns at a wake, a spurious
 * wake-up, when *addr != expected, or at the deadline (SL_TIMEDOUT). */
int sl__futex_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline);
void sl__futex_wake(_Atomic uint32_t *addr, int n);
/* The same on a word other processes may share (shared 1: not private). */
int sl__futex_wait_in(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline, int shared);
void sl__futex_wake_in(_Atomic uint32_t *addr, int n, int shared);

/* One step of bounded exponential backoff, under the parker's policy:
 * spins (with a CPU pause) while a spin slot is free, then yields unless
 * yielding is off for this thread.  Returns 0 once the caller should stop
 * and sleep instead. */
int sl__backoff(unsigned *step);

/* A slot to spin in: 1 if the caller may spin now (then it must call
 * sl__spin_end), 0 if as many threads as there are spare cores already
 * spin, when the caller should sleep instead. */
int sl__spin_begin(void);
void sl__spin_end(void);
/* How many threads may spin at once: half the cores, and 1 below 4 cores. */
int sl__spin_slots(void);

static inline void sl__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
