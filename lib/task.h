/*
 * task.h - what the runtime's files share about lightweight tasks: the
 * task record, and the calls between the switcher (task.c), the scheduler
 * (pool.c), parking (park.c), stacks (stack.c) and timers and the
 * netpoller (netpoll.c).
 *
 * A task is an sl__g (Go's G): a record at the top of its own stack
 * holding the saved stack pointer and what the task runs.  A runnable task
 * travels through the pool's ordinary queues as an sl__task whose function
 * is sl__task_resume and whose argument is the record; a task not yet
 * started travels as its function and argument with the low bit of the
 * group pointer set (SL__TASK_START), so sl_go costs what sl_group_spawn
 * costs and a stack is taken only when the task first runs.
 */
#ifndef SLUICE_TASK_INTERNAL_H
#define SLUICE_TASK_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "deque.h"
#include "park.h"
#include "sluice/pool.h"

/* A timer: a node of the pool's pairing heap (netpoll.c), inside the
 * record of the task it wakes, so arming one never allocates. */
typedef struct sl__timer {
    int64_t when;
    struct sl__timer *child, *sibling, *prev; /* prev: parent or left sibling */
    int armed;
} sl__timer;

typedef struct sl__g {
    void *sp;             /* saved stack pointer while switched out */
    sl_pool *pool;
    sl_task_fn fn;
    void *arg;
    sl_group *group;      /* counted in, or NULL */
    char *stack_lo;       /* lowest usable byte, just above the guard page */
    size_t stack_size;    /* usable bytes, from stack_lo up to this record */
    struct sl__g *next;   /* links in free lists and run queues */
    sl__parker *parker;   /* what the task is parked on, for its timer */
    sl__timer timer;
    int result;           /* what fn returned, for the group */
    void *asan_fake;      /* ASan's fake stack while switched out */
    void *tsan_fiber;     /* TSan's fiber, one per task */
} sl__g;

#define SL__TASK_START ((uintptr_t)1)

static inline int sl__task_is_start(const sl__task *t)
{
    return ((uintptr_t)t->group & SL__TASK_START) != 0;
}

/* ---- task.c ---------------------------------------------------------- */

/* The task running on the calling thread, or NULL.  Never inlined: a
 * task may move to another thread while parked, so a thread-local's
 * address must be computed afresh after every park, never cached. */
sl__g *sl__task_self(void);
/* Runs t (a task to start, SL__TASK_START) until it parks, yields or
 * returns.  Called by the pool on a scheduler stack. */
void sl__task_start(sl_pool *p, const sl__task *t);
/* The function of a runnable task's queue entry: resumes it. */
int sl__task_resume(void *g);
/* Parks the calling task on a parker (park.c's task path). */
int sl__task_park(sl__parker *pk, int64_t deadline);
/* In a child forked by a task: the forking thread runs on as a plain
 * thread (called by pool.c's fork handler, on that thread). */
void sl__task_after_fork_in_child(void);
/* A task (lightweight or pool) returned in a child it forked: the
 * process exits with status 0, as a child's last thread returning does. */
_Noreturn void sl__task_returned_in_forked_child(void);

/* ---- pool.c: scheduling runnable tasks --------------------------------- */

/* Makes a parked task runnable: next on the caller's worker when the
 * caller is a task of the same pool (it will probably park soon, as a
 * hand-off partner does), else queued where any worker finds it. */
void sl__sched_ready(sl__g *g);
/* Queues a task at the back of the pool's shared run queue (yield, and
 * tasks made runnable by timers and the netpoller). */
void sl__sched_push_back(sl_pool *p, sl__g *g);
/* The end of a task counted in a group (pool.c's group_done). */
void sl__group_done(sl_pool *p, sl_group *g, int result);
/* Bookkeeping for sl_pool_free: a task began or ended. */
void sl__sched_task_begun(sl_pool *p);
void sl__sched_task_ended(sl_pool *p);
/* The calling worker's stack cache for p, or NULL off p's workers. */
struct sl__stack_cache *sl__sched_stack_cache(sl_pool *p);
/* The pool's stacks and netpoller. */
struct sl__stacks *sl__pool_stacks(sl_pool *p);
/* Tests: the CPU worker i first ran on (-2 until it has run) and, in
 * *creator, the CPU its creator ran on when it was started away from it
 * (-1 where it was not: one CPU allowed). */
int sl__pool_start_cpu(sl_pool *p, size_t i, int *creator);
struct sl__netpoll *sl__pool_netpoll(sl_pool *p);
/* Wakes an idle worker (after a timer or a netpoll registration that a
 * sleeping pool must notice). */
void sl__sched_kick(sl_pool *p);

#endif
