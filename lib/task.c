/*
 * task.c - switching between tasks and the scheduler: starting a task on
 * a stack of its own, parking it, yielding, ending it; and the sanitizer
 * annotations that every switch needs.
 *
 * The idea it rests on: a task never decides its own fate on its own
 * stack.  To park, yield or end, it switches to the scheduler (the worker
 * thread's own stack) and leaves a note of what it wants; the scheduler,
 * now off the task's stack, carries it out.  So a parked task is committed
 * (its parker set to TASK_PARKED) only once its registers are saved, and a
 * waker that sees the commit may resume it on another worker at once: the
 * task cannot be running twice.  Go does the same with park_m on g0.
 *
 * Each thread that runs tasks has one scheduler context (sl__sched, in
 * thread-local storage).  A task moves between threads while parked, so
 * code that may park must never keep a thread-local's address across the
 * park: everything here reaches the scheduler through sched_self(), a call
 * the compiler cannot fold.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "netpoll.h"
#include "stack.h"
#include "task.h"
#include "sluice/task.h"

#if defined(__SANITIZE_ADDRESS__)
#define SL__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SL__ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define SL__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SL__TSAN 1
#endif
#endif

#ifdef SL__ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef SL__TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* What a task asked the scheduler to do once off its stack. */
enum { ACT_PARK = 1, ACT_YIELD, ACT_EXIT };

typedef struct sl__sched {
    void *sp;          /* the scheduler's saved stack pointer */
    sl__g *cur;        /* the task running now, NULL on the scheduler stack */
    int action;        /* ACT_*, left by the task that switched out */
    sl__parker *park;  /* for ACT_PARK */
    const void *stack_bottom; /* the scheduler stack, for ASan */
    size_t stack_size;
    void *asan_fake;
    void *tsan_fiber;  /* the thread's own fiber, for TSan */
} sl__sched;

static _Thread_local sl__sched tl_sched;

/* The calling thread's scheduler context.  noinline and a compiler
 * barrier: the compiler may not reuse an address computed before a park
 * (the task may wake on another thread). */
__attribute__((noinline)) static sl__sched *sched_self(void)
{
    __asm__ __volatile__("" ::: "memory");
    return &tl_sched;
}

__attribute__((noinline)) sl__g *sl__task_self(void)
{
    __asm__ __volatile__("" ::: "memory");
    return tl_sched.cur;
}

/* fork() from a task copies the calling worker into the child, in the
 * middle of the task, and nothing else: the copy of the pool has no
 * workers, and its netpoller may be "owned" by a thread left behind.  A
 * park there would switch to the copy's scheduler and hang, or run the
 * copy's worker loop on the epoll set shared with the parent (advrt F1).
 * So the child's handler (pool.c) makes the forking thread a plain thread
 * again: with no current task, every wait takes the thread path (futex,
 * ppoll, clock_nanosleep) on the stack it is on, and the park path pays
 * nothing for it. */
void sl__task_after_fork_in_child(void)
{
    tl_sched.cur = NULL;
}

/* A task that forked and then returns in the child: the copy's worker
 * loop it would return to has no thread here.  In the child the task is
 * the start routine of the only thread, and POSIX says what that thread's
 * return does: pthread_exit of the last thread, so the process exits with
 * status 0, as by exit(0), atexit handlers included (on the task's stack).
 * Called for lightweight tasks by switch_out and for pool tasks by
 * pool.c's run_task. */
_Noreturn void sl__task_returned_in_forked_child(void)
{
    exit(0);
}

int sl_in_task(void)
{
    return sl__task_self() != NULL;
}

/* ---- the sanitizers' view of a switch ----------------------------------
 * ASan must be told which stack is about to run (start_switch_fiber) and
 * that the switch happened (finish_switch_fiber, on the new stack); a
 * fiber that will never run again passes NULL for its fake stack, which
 * frees it.  TSan keeps a fiber per task and is told before each switch. */

static void asan_start(void **fake, const void *bottom, size_t size)
{
#ifdef SL__ASAN
    __sanitizer_start_switch_fiber(fake, bottom, size);
#else
    (void)fake, (void)bottom, (void)size;
#endif
}

static void asan_finish(void *fake, const void **bottom_old, size_t *size_old)
{
#ifdef SL__ASAN
    __sanitizer_finish_switch_fiber(fake, bottom_old, size_old);
#else
    (void)fake, (void)bottom_old, (void)size_old;
#endif
}

static void tsan_switch(void *fiber)
{
#ifdef SL__TSAN
    __tsan_switch_to_fiber(fiber, 0);
#else
    (void)fiber;
#endif
}

/* ---- switching ----------------------------------------------------------- */

/* Scheduler -> task.  Returns when the task switches back; s->action says
 * why. */
static void switch_in(sl__sched *s, sl__g *g)
{
#ifdef SL__TSAN
    if (!s->tsan_fiber)
        s->tsan_fiber = __tsan_get_current_fiber();
#endif
    s->cur = g;
    asan_start(&s->asan_fake, g->stack_lo, g->stack_size);
    tsan_switch(g->tsan_fiber);
    sl__ctx_switch(&s->sp, g->sp);
    asan_finish(s->asan_fake, NULL, NULL);
    s->cur = NULL;
}

/* Task -> scheduler of whichever thread runs it now.  Returns when the
 * task is resumed, maybe on another thread; never for ACT_EXIT. */
static void switch_out(sl__g *g, int action, sl__parker *pk)
{
    sl__sched *s = sched_self();
    /* An ending task is the running one, except in a child it forked
     * (the fork handler cleared cur): there s->sp is the copy's worker. */
    if (action == ACT_EXIT && __builtin_expect(s->cur != g, 0))
        sl__task_returned_in_forked_child();
    s->action = action;
    s->park = pk;
    asan_start(action == ACT_EXIT ? NULL : &g->asan_fake, s->stack_bottom, s->stack_size);
    tsan_switch(s->tsan_fiber);
    sl__ctx_switch(&g->sp, s->sp);
    s = sched_self(); /* another thread's, perhaps */
    asan_finish(g->asan_fake, &s->stack_bottom, &s->stack_size);
}

static void task_entry(void *arg)
{
    sl__g *g = arg;
    sl__sched *s = sched_self();
    asan_finish(NULL, &s->stack_bottom, &s->stack_size);
    g->result = g->fn(g->arg);
    switch_out(g, ACT_EXIT, NULL);
    abort(); /* unreachable: nothing resumes an ended task */
}

/* ---- the scheduler's side ------------------------------------------------ */

/* Off the task's stack: a parked task becomes TASK_PARKED, unless a
 * notification or its timer came first, when it runs again at once. */
static int park_commit(sl__parker *pk)
{
    uint32_t expected = SL__PARK_EMPTY;
    return atomic_compare_exchange_strong_explicit(&pk->state, &expected, SL__PARK_TASK_PARKED,
                                                   memory_order_acq_rel, memory_order_acquire);
}

static void task_end(sl__g *g)
{
    sl_pool *p = g->pool;
    sl_group *grp = g->group;
    int result = g->result;
#ifdef SL__TSAN
    __tsan_destroy_fiber(g->tsan_fiber);
    g->tsan_fiber = NULL;
#endif
    sl__stack_put(sl__pool_stacks(p), sl__sched_stack_cache(p), g);
    if (grp)
        sl__group_done(p, grp, result);
    sl__sched_task_ended(p);
}

/* Runs g until it parks, yields or ends. */
static void run(sl__g *g)
{
    sl__sched *s = sched_self();
    for (;;) {
        switch_in(s, g);
        if (s->action == ACT_PARK) {
            if (park_commit(s->park))
                return;
            continue; /* woken while switching out: run it again */
        }
        if (s->action == ACT_YIELD)
            sl__sched_push_back(g->pool, g);
        else
            task_end(g);
        return;
    }
}

int sl__task_resume(void *g)
{
    run(g);
    return 0;
}

void sl__task_start(sl_pool *p, const sl__task *t)
{
    sl_group *grp = (sl_group *)((uintptr_t)t->group & ~SL__TASK_START);
    sl__g *g = sl__stack_get(sl__pool_stacks(p), sl__sched_stack_cache(p));
    if (!g) {
        /* sl_go has already said SL_OK.  A group learns of it; a lone
         * task cannot, and Go would die here too. */
        if (grp) {
            sl__group_done(p, grp, SL_NOMEM);
            return;
        }
        char why[512];
        sl__stack_failure(sl__pool_stacks(p), why, sizeof why);
        fprintf(stderr, "sluice: %s\n", why);
        abort();
    }
    g->pool = p;
    g->fn = t->fn;
    g->arg = t->arg;
    g->group = grp;
#ifdef SL__ASAN
    /* The last task on this stack left its frames poisoned. */
    __asan_unpoison_memory_region(g->stack_lo, g->stack_size);
#endif
#ifdef SL__TSAN
    g->tsan_fiber = __tsan_create_fiber(0);
#endif
    g->sp = sl__ctx_make(g, task_entry, g);
    sl__sched_task_begun(p);
    run(g);
}

/* ---- parking ------------------------------------------------------------- */

int sl__task_park(sl__parker *pk, int64_t deadline)
{
    for (;;) {
        uint32_t st = atomic_load_explicit(&pk->state, memory_order_acquire);
        if (st == SL__PARK_NOTIFIED)
            return SL_OK;
        if (st == SL__PARK_EXPIRED) {
            /* Back to EMPTY, so a later park may commit; a notification
             * that slips in first wins. */
            if (atomic_compare_exchange_strong_explicit(&pk->state, &st, SL__PARK_EMPTY, memory_order_acq_rel,
                                                        memory_order_acquire))
                return SL_TIMEDOUT;
            continue;
        }
        if (deadline != SL_FOREVER && deadline <= sl_now())
            return SL_TIMEDOUT;
        sl__g *g = sl__task_self();
        pk->g = g;
        int timed = deadline != SL_FOREVER;
        if (timed) {
            g->parker = pk;
            sl__timer_add(g->pool, g, deadline);
        }
        switch_out(g, ACT_PARK, pk);
        if (timed)
            sl__timer_del(g->pool, g);
    }
}

/* ---- the public calls ------------------------------------------------------ */

void sl_yield(void)
{
    sl__g *g = sl__task_self();
    if (g)
        switch_out(g, ACT_YIELD, NULL);
    else
        sched_yield();
}

int sl_sleep_until(int64_t deadline)
{
    if (sl__task_self()) {
        sl__parker pk;
        sl__parker_init(&pk);
        while (sl__task_park(&pk, deadline) != SL_TIMEDOUT)
            ; /* nobody notifies this parker */
        return SL_OK;
    }
    if (deadline <= sl_now())
        return SL_OK;
    if (deadline == SL_FOREVER) {
        for (;;)
            pause();
    }
    struct timespec ts = {(time_t)(deadline / 1000000000), (long)(deadline % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    return SL_OK;
}
