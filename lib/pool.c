/*
 * pool.c - the work-stealing pool: worker threads, the injection queue,
 * sleeping and waking, and task groups.
 *
 * The one idea: every task lives in exactly one queue until exactly one
 * thread takes it.  A worker's own deque (deque.h) receives what tasks
 * running on that worker spawn; the injection queue receives what threads
 * outside the pool submit.  A thread looking for work pops its own deque,
 * then takes from the injection queue, then steals from the other
 * workers' deques.  Workers that find nothing spin briefly, then sleep on
 * their parker (park.h) and use no CPU; a thread waiting on a group runs
 * queued tasks the same way before it sleeps, so nested fork-join makes
 * progress with any number of workers.
 *
 * No lock and no allocation on the hot path: a task is three words copied
 * into a deque slot, a group is one atomic counter, and a push looks at a
 * single shared word (the sleeper count) to decide whether to wake anyone.
 *
 * Lightweight tasks (task.h) ride on the same queues: a runnable task is
 * an sl__task that resumes it.  Three things are theirs alone.  A task
 * made runnable by a task of the same worker goes to the worker's `next`
 * slot and runs as soon as the waker parks, on the same core (a channel
 * hand-off then costs two user-space switches); other workers take it
 * from there only once it has sat unchanged for a while (see
 * worker_sleep).  Tasks that yield, that timers or the netpoller wake, or
 * that a thread outside the pool wakes go to a shared FIFO run queue.  And
 * the pool counts tasks alive, because sl_pool_free waits for parked ones.
 */
#include "sluice/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deque.h"
#include "lock.h"
#include "netpoll.h"
#include "park.h"
#include "stack.h"
#include "task.h"
#include "sluice/task.h"

/* A thread or task asleep in the pool: an idle worker (group NULL) or a
 * waiter on a group.  It lives on the sleeper's stack.  A waker takes it
 * off its list under pool->sleep_lock and then unparks it; a sleeper that
 * finds itself taken off waits for that unpark before it returns, so a
 * record is never touched after its frame. */
typedef struct sl__sleeper {
    sl__parker parker;
    sl_group *group;
    int listed; /* under sleep_lock */
    int deep;   /* an idle worker with no timeout: counted in ndeep */
    int poller; /* an idle worker blocked in epoll: woken through it */
    int task;   /* a task waiting on a group: on twaiters, uncounted */
    struct sl__sleeper *next;
} sl__sleeper;

typedef struct sl__worker {
    sl__deque dq;
    sl_pool *pool;
    size_t index;
    uint64_t rng;
    pthread_t thread;
    int started;
    _Atomic int start_cpu; /* the CPU it first ran on (sl__pool_start_cpu); -2 until then */
    /* The task to run next, and how many tasks this worker has run: the
     * owner writes both, thieves compare them (see worker_sleep). */
    _Alignas(64) _Atomic(sl__g *) next;
    _Atomic uint64_t ticks;
    unsigned streak;      /* tasks in a row taken from `next` */
    unsigned rounds;      /* find_task calls, for the fairness check */
    _Atomic uint64_t begun, ended; /* tasks started and ended here */
    sl__g **seen_next;    /* a snapshot of every worker's next and ticks */
    uint64_t *seen_ticks;
    sl__stack_cache stacks;
} sl__worker;

struct sl_pool {
    size_t n;
    sl__worker *workers;
    _Atomic int closing;
    unsigned fork_gen; /* fork_gen when made: another value, another process */

    /* Injection queue: a ring under a lock, for threads outside the pool.
     * inj_len mirrors inj_count so that an empty queue is seen without
     * taking the lock. */
    _Alignas(64) sl__lock inj_lock;
    sl__task *inj;
    size_t inj_cap, inj_head, inj_count;
    _Atomic size_t inj_len;

    /* Sleepers: idle workers and group waiters, in two stacks under a
     * lock, and their total readable without the lock by every push.
     * Tasks waiting on a group are apart (twaiters): new work must not
     * "wake" them instead of a worker, and they are not counted. */
    _Alignas(64) sl__lock sleep_lock;
    sl__sleeper *idle, *waiters, *twaiters;
    _Atomic size_t nsleeping;
    _Atomic size_t ndeep; /* idle workers asleep with no timeout */

    /* Runnable tasks in FIFO order: yields, timers, the netpoller and
     * wakes from outside the pool. */
    _Alignas(64) sl__lock gq_lock;
    sl__g *gq_head, *gq_tail;
    _Atomic size_t gq_len;

    /* The CPUs the creating thread could run on, which each worker takes
     * back as it starts (`spread`: it was started away from the creator's
     * CPU, see start_workers). */
    int spread;
    int from_cpu; /* the creator's CPU then; -1 where the workers were not spread */
    cpu_set_t allowed;

    /* Tasks begun and ended off the workers (a helping outside thread). */
    _Atomic uint64_t out_begun, out_ended;
    sl__stacks stacks;
    _Atomic(sl__netpoll *) np;
};

/* Group state: pending task count times 2, plus the WAITING bit once a
 * waiter has gone to sleep on the group (then the last task wakes it). */
enum { SL__G_WAITING = 1u, SL__G_ONE = 2u };
#define SL__G_LIMIT (1u << 31) /* at most 2^30 pending tasks per group */

struct sl_group {
    sl_pool *pool;
    _Atomic uint32_t state;
    _Atomic int err; /* first non-zero task result */
};

/* The worker the calling thread is, in whichever pool; NULL off-pool. */
static _Thread_local sl__worker *tl_worker;
static _Thread_local uint64_t tl_rng;

/* A task may move to another worker while parked, so no function here
 * reads this before a park and trusts it after: each read is fresh. */
static sl__worker *self_in(const sl_pool *p)
{
    sl__worker *w = tl_worker;
    return w && w->pool == p ? w : NULL;
}

static uint64_t next_rand(uint64_t *x)
{
    if (!*x)
        *x = (uint64_t)(uintptr_t)x ^ 0x9E3779B97F4A7C15ull;
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* ---- sleeping and waking ------------------------------------------------
 *
 * The invariant that prevents lost wake-ups: a thread about to sleep
 * first registers (nsleeping += 1, seq_cst) and only then looks for work
 * one last time (seq_cst loads of every deque's bounds and of inj_len); a
 * thread that queues a task first publishes it (a seq_cst store of the
 * deque's bottom, or of inj_len) and only then reads nsleeping (seq_cst).
 * In the single total order of seq_cst operations one of the two comes
 * first, so either the sleeper sees the task and stays up, or the
 * submitter sees the sleeper and wakes it.  A waker takes the sleeper off
 * the list, so a burst of pushes wakes each sleeper once, not once per
 * push.
 *
 * Group waiters sleep in the same way, so new work wakes them too (a
 * worker blocked in a wait would otherwise sit idle while its children
 * spawn stealable work), and the group's last task wakes them by name
 * (see group_done).
 */

static void sleeper_push(sl__sleeper **list, sl__sleeper *s)
{
    s->next = *list;
    *list = s;
    s->listed = 1;
}

static void sleeper_unlink(sl_pool *p, sl__sleeper **pp)
{
    sl__sleeper *s = *pp;
    *pp = s->next;
    s->listed = 0;
    if (s->deep)
        atomic_fetch_sub_explicit(&p->ndeep, 1, memory_order_seq_cst);
    if (!s->task)
        atomic_fetch_sub_explicit(&p->nsleeping, 1, memory_order_seq_cst);
}

static sl__sleeper **sleep_list(sl_pool *p, sl__sleeper *s)
{
    return s->task ? &p->twaiters : s->group ? &p->waiters : &p->idle;
}

/* An idle worker registers deep (woken only by others) unless it can see
 * a reason to come back by itself; a task waiting on a group goes on the
 * task waiters' list, uncounted. */
static void sleep_register(sl_pool *p, sl__sleeper *s, sl_group *g, int task, int poller)
{
    sl__parker_init(&s->parker);
    s->group = g;
    s->deep = !g && !task;
    s->poller = poller;
    s->task = task;
    sl__lock_acquire(&p->sleep_lock);
    sleeper_push(sleep_list(p, s), s);
    if (!task)
        atomic_fetch_add_explicit(&p->nsleeping, 1, memory_order_seq_cst);
    if (s->deep)
        atomic_fetch_add_explicit(&p->ndeep, 1, memory_order_seq_cst);
    sl__lock_release(&p->sleep_lock);
}

/* Leaves the list; if a waker took s off it, waits for that waker's
 * unpark, which may still be on its way. */
static void sleep_unregister(sl_pool *p, sl__sleeper *s)
{
    sl__lock_acquire(&p->sleep_lock);
    int taken = !s->listed;
    if (!taken) {
        sl__sleeper **pp = sleep_list(p, s);
        while (*pp != s)
            pp = &(*pp)->next;
        sleeper_unlink(p, pp);
    }
    sl__lock_release(&p->sleep_lock);
    if (taken)
        sl__parker_park(&s->parker, SL_FOREVER);
}

/* Under sleep_lock: takes a sleeper off and wakes it.  Workers and thread
 * waiters are unparked under the lock (which is what lets them not wait
 * for it); a poller is woken through the netpoller. */
static void wake_sleeper(sl_pool *p, sl__sleeper **pp)
{
    sl__sleeper *s = *pp;
    sleeper_unlink(p, pp);
    if (s->poller)
        sl__np_wake(atomic_load_explicit(&p->np, memory_order_acquire));
    sl__parker_unpark(&s->parker);
}

/* An idle worker first: a waiter that runs unrelated work returns late. */
static void wake_one(sl_pool *p)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **pp = p->idle ? &p->idle : p->waiters ? &p->waiters : NULL;
    if (pp)
        wake_sleeper(p, pp);
    sl__lock_release(&p->sleep_lock);
}

/* Wakes an idle worker that sleeps with no timeout, if there is one. */
static void wake_deep(sl_pool *p)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **pp = &p->idle;
    while (*pp && !(*pp)->deep)
        pp = &(*pp)->next;
    if (*pp)
        wake_sleeper(p, pp);
    sl__lock_release(&p->sleep_lock);
}

static void wake_all(sl_pool *p)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **lists[2] = {&p->idle, &p->waiters};
    for (int i = 0; i < 2; i++)
        while (*lists[i])
            wake_sleeper(p, lists[i]);
    sl__lock_release(&p->sleep_lock);
}

/* Wakes whatever sleeps in a wait on g.  g may have been freed already
 * (its waiter saw the count reach zero on its own): it is only compared.
 * Waiting tasks are unparked after the lock is dropped, because making a
 * task runnable may wake a worker, which takes the lock. */
static void wake_group(sl_pool *p, const sl_group *g)
{
    sl__sleeper *tasks = NULL;
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **pp = &p->waiters;
    while (*pp) {
        if ((*pp)->group == g)
            wake_sleeper(p, pp);
        else
            pp = &(*pp)->next;
    }
    pp = &p->twaiters;
    while (*pp) {
        sl__sleeper *s = *pp;
        if (s->group == g) {
            sleeper_unlink(p, pp);
            s->next = tasks;
            tasks = s;
        } else {
            pp = &s->next;
        }
    }
    sl__lock_release(&p->sleep_lock);
    while (tasks) {
        sl__sleeper *next = tasks->next;
        sl__parker_unpark(&tasks->parker);
        tasks = next;
    }
}

/* After publishing a task: wake a sleeper if there is one. */
static void notify(sl_pool *p)
{
    if (atomic_load_explicit(&p->nsleeping, memory_order_seq_cst) != 0)
        wake_one(p);
}

void sl__sched_kick(sl_pool *p)
{
    notify(p);
}

static int work_visible(sl_pool *p)
{
    if (atomic_load_explicit(&p->inj_len, memory_order_seq_cst) != 0 ||
        atomic_load_explicit(&p->gq_len, memory_order_seq_cst) != 0)
        return 1;
    for (size_t i = 0; i < p->n; i++)
        if (sl__deque_nonempty(&p->workers[i].dq))
            return 1;
    return 0;
}

/* ---- tasks alive ---------------------------------------------------------
 * Each worker counts the tasks begun and ended on it (only it writes its
 * counters); a task may begin on one worker and end on another, so only
 * the sums mean anything.  Reading every `ended` before any `begun` can
 * only over-count what is alive, never miss a task. */

static void count(_Atomic uint64_t *mine, _Atomic uint64_t *shared)
{
    if (mine)
        atomic_store_explicit(mine, atomic_load_explicit(mine, memory_order_relaxed) + 1, memory_order_seq_cst);
    else
        atomic_fetch_add_explicit(shared, 1, memory_order_seq_cst);
}

void sl__sched_task_begun(sl_pool *p)
{
    sl__worker *w = self_in(p);
    count(w ? &w->begun : NULL, &p->out_begun);
}

void sl__sched_task_ended(sl_pool *p)
{
    sl__worker *w = self_in(p);
    count(w ? &w->ended : NULL, &p->out_ended);
    if (atomic_load_explicit(&p->closing, memory_order_seq_cst))
        wake_all(p); /* the last one lets the workers leave */
}

static uint64_t tasks_alive(sl_pool *p)
{
    uint64_t ended = atomic_load_explicit(&p->out_ended, memory_order_seq_cst);
    for (size_t i = 0; i < p->n; i++)
        ended += atomic_load_explicit(&p->workers[i].ended, memory_order_seq_cst);
    uint64_t begun = atomic_load_explicit(&p->out_begun, memory_order_seq_cst);
    for (size_t i = 0; i < p->n; i++)
        begun += atomic_load_explicit(&p->workers[i].begun, memory_order_seq_cst);
    return begun - ended;
}

/* The pool may let its workers go: closing, no task alive, nothing queued.
 * Alive first: a task that queued work and then ended is then seen either
 * alive or with its work visible. */
static int may_leave(sl_pool *p)
{
    return atomic_load_explicit(&p->closing, memory_order_seq_cst) && tasks_alive(p) == 0 && !work_visible(p);
}

/* ---- the injection queue ---------------------------------------------- */

static int inject_grow(sl_pool *p)
{
    size_t cap = p->inj_cap ? 2 * p->inj_cap : 256;
    sl__task *q = malloc(cap * sizeof *q);
    if (!q)
        return SL_NOMEM;
    for (size_t i = 0; i < p->inj_count; i++)
        q[i] = p->inj[(p->inj_head + i) & (p->inj_cap - 1)];
    free(p->inj);
    p->inj = q;
    p->inj_cap = cap;
    p->inj_head = 0;
    return SL_OK;
}

static int inject_push(sl_pool *p, const sl__task *t)
{
    sl__lock_acquire(&p->inj_lock);
    if (p->inj_count == p->inj_cap && inject_grow(p) != SL_OK) {
        sl__lock_release(&p->inj_lock);
        return SL_NOMEM;
    }
    p->inj[(p->inj_head + p->inj_count) & (p->inj_cap - 1)] = *t;
    p->inj_count++;
    atomic_store_explicit(&p->inj_len, p->inj_count, memory_order_seq_cst);
    sl__lock_release(&p->inj_lock);
    return SL_OK;
}

/* Takes one task into *t.
 *
 * A worker takes the oldest and moves a share of the rest into its own
 * deque, so one lock round-trip feeds it for a while and idle workers can
 * steal the batch from it.
 *
 * A thread outside the pool takes the newest instead.  It has no deque,
 * so what the tasks it runs spawn lands here; taking the newest keeps its
 * helping depth-first, as a worker's own deque is.  Oldest-first would
 * make nested fork-join breadth-first on its stack: every task it ran
 * would wait, helping, inside the one before, until the stack overflowed. */
static int inject_take(sl_pool *p, sl__worker *w, sl__task *t)
{
    if (atomic_load_explicit(&p->inj_len, memory_order_seq_cst) == 0)
        return 0;
    sl__lock_acquire(&p->inj_lock);
    size_t n = p->inj_count, mask = p->inj_cap - 1, take = 0;
    if (n > 0 && !w) {
        *t = p->inj[(p->inj_head + n - 1) & mask];
        take = 1;
    } else if (n > 0) {
        *t = p->inj[p->inj_head];
        take = 1;
        size_t share = n / p->n;
        if (share > 64)
            share = 64;
        if (share > n - 1)
            share = n - 1;
        while (take <= share && sl__deque_push(&w->dq, &p->inj[(p->inj_head + take) & mask]) == SL_OK)
            take++;
        p->inj_head = (p->inj_head + take) & mask;
    }
    p->inj_count -= take;
    atomic_store_explicit(&p->inj_len, p->inj_count, memory_order_seq_cst);
    sl__lock_release(&p->inj_lock);
    return take > 0;
}

/* ---- finding and running tasks ---------------------------------------- */

static int steal_any(sl_pool *p, sl__worker *self, sl__task *t)
{
    size_t n = p->n;
    size_t start = (size_t)(next_rand(self ? &self->rng : &tl_rng) % n);
    int contended;
    do {
        contended = 0;
        for (size_t i = 0; i < n; i++) {
            sl__worker *v = &p->workers[(start + i) % n];
            if (v == self)
                continue;
            int r = sl__deque_steal(&v->dq, t);
            if (r > 0)
                return 1;
            contended |= r < 0;
        }
    } while (contended);
    return 0;
}

/* ---- runnable tasks ------------------------------------------------------ */

static sl__task resume_entry(sl__g *g)
{
    return (sl__task){sl__task_resume, g, NULL};
}

/* From a thread outside the pool the wake-up is sent before the lock is
 * dropped: once the task can be taken it may run, end, and let
 * sl_pool_free (waiting for it) free the pool, so an outside waker must
 * not touch the pool after the unlock.  Workers are joined before the
 * pool is freed, so they need not care. */
static void gq_push(sl_pool *p, sl__g *g, int outside)
{
    g->next = NULL;
    sl__lock_acquire(&p->gq_lock);
    if (p->gq_tail)
        p->gq_tail->next = g;
    else
        p->gq_head = g;
    p->gq_tail = g;
    atomic_store_explicit(&p->gq_len, atomic_load_explicit(&p->gq_len, memory_order_relaxed) + 1,
                          memory_order_seq_cst);
    if (outside)
        notify(p);
    sl__lock_release(&p->gq_lock);
    if (!outside)
        notify(p);
}

void sl__sched_push_back(sl_pool *p, sl__g *g)
{
    gq_push(p, g, 0);
}

static int gq_take(sl_pool *p, sl__task *t)
{
    if (atomic_load_explicit(&p->gq_len, memory_order_seq_cst) == 0)
        return 0;
    sl__lock_acquire(&p->gq_lock);
    sl__g *g = p->gq_head;
    if (g) {
        p->gq_head = g->next;
        if (!p->gq_head)
            p->gq_tail = NULL;
        atomic_store_explicit(&p->gq_len, atomic_load_explicit(&p->gq_len, memory_order_relaxed) - 1,
                              memory_order_seq_cst);
    }
    sl__lock_release(&p->gq_lock);
    if (g)
        *t = resume_entry(g);
    return g != NULL;
}

/* A task woken by a task of this worker goes to `next`: the waker usually
 * parks soon (a hand-off), and the woken task then runs on this core with
 * everything it needs in cache.  The task it displaces goes to the deque,
 * stealable.  A thread waking a task (or a worker's scheduler, for timers
 * and the netpoller) queues it where any worker finds it. */
void sl__sched_ready(sl__g *g)
{
    sl_pool *p = g->pool;
    sl__worker *w = self_in(p);
    if (w) {
        if (sl__task_self()) {
            g = atomic_exchange_explicit(&w->next, g, memory_order_seq_cst);
            if (!g) {
                /* Nobody may steal from `next` at once, but a deep sleeper
                 * must learn that something might need stealing later. */
                if (atomic_load_explicit(&p->ndeep, memory_order_seq_cst) != 0)
                    wake_deep(p);
                return;
            }
        }
        sl__task t = resume_entry(g);
        if (sl__deque_push(&w->dq, &t) == SL_OK) {
            notify(p);
            return;
        }
    }
    gq_push(p, g, w == NULL); /* never fails: the queue is intrusive */
}

static int take_next(sl__worker *w, sl__task *t)
{
    if (!atomic_load_explicit(&w->next, memory_order_relaxed))
        return 0;
    sl__g *g = atomic_exchange_explicit(&w->next, NULL, memory_order_acq_rel);
    if (g)
        *t = resume_entry(g);
    return g != NULL;
}

/* ---- finding and running tasks ---------------------------------------- */

/* For a worker: timers and the netpoller first (cheap unless something is
 * due), then `next`, its own deque (the most recent, cache-hot work), the
 * shared queues, and the others' deques.  Every 61st look takes the shared
 * queues first, and `next` yields to the deque after 64 in a row, so tasks
 * that keep waking each other cannot starve the rest (Go's rules). */
static int find_task(sl_pool *p, sl__worker *self, sl__task *t)
{
    if (self) {
        sl__netpoll *np = atomic_load_explicit(&p->np, memory_order_acquire);
        if (np)
            sl__np_service(p, np);
        if (++self->rounds % 61 == 0 && (gq_take(p, t) || inject_take(p, self, t)))
            return 1;
        if (self->streak < 64 && take_next(self, t)) {
            self->streak++;
            return 1;
        }
        self->streak = 0;
        if (sl__deque_pop(&self->dq, t) || take_next(self, t))
            return 1;
    }
    if (inject_take(p, self, t) || gq_take(p, t))
        return 1;
    return steal_any(p, self, t);
}

static void group_done(sl_pool *p, sl_group *g, int result);
static int made_in_another_process(const sl_pool *p);

static void run_task(sl_pool *p, sl__worker *self, const sl__task *t)
{
    if (self)
        atomic_store_explicit(&self->ticks, atomic_load_explicit(&self->ticks, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    if (sl__task_is_start(t)) {
        sl__task_start(p, t);
        return;
    }
    int r = t->fn(t->arg);
    /* A task that forked returns here in the child too, into the copy of
     * a worker loop (or of a helper's wait) with no pool behind it: the
     * process ends as POSIX ends a child whose only thread returns. */
    if (__builtin_expect(made_in_another_process(p), 0))
        sl__task_returned_in_forked_child();
    if (t->group)
        group_done(p, t->group, r);
}

/* Queues a task where the spec says: the calling worker's own deque, or
 * the injection queue from outside the pool. */
/* fork() copies a pool into the child without its worker threads: a task
 * queued there would never run.  The child's handler bumps this count, so
 * a pool sees it was made in another process without a getpid() call.
 * Only the forking thread lives in the child and it ran the handler, so
 * relaxed loads see the new value. */
static _Atomic unsigned fork_gen;
static pthread_once_t fork_watch = PTHREAD_ONCE_INIT;

static void after_fork_in_child(void)
{
    atomic_fetch_add_explicit(&fork_gen, 1, memory_order_relaxed);
    sl__task_after_fork_in_child();
}

static void watch_forks(void)
{
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

static int made_in_another_process(const sl_pool *p)
{
    return p->fork_gen != atomic_load_explicit(&fork_gen, memory_order_relaxed);
}

static int queue_task(sl_pool *p, const sl__task *t)
{
    if (made_in_another_process(p))
        return SL_CLOSED;
    sl__worker *w = self_in(p);
    int rc = w ? sl__deque_push(&w->dq, t) : inject_push(p, t);
    if (rc == SL_OK)
        notify(p);
    return rc;
}

/* ---- an idle worker's sleep ------------------------------------------------
 *
 * `next` is not stealable at once, so a worker that goes to sleep while
 * another worker holds a task there sleeps lightly: it comes back after
 * LIGHT_NS and takes the task if that worker has run nothing since (it is
 * stuck: in a long computation or a blocking system call).  Meanwhile a
 * waker that fills an empty `next` wakes only deep sleepers, so a channel
 * hand-off between two tasks of one worker costs no system call; the
 * Dekker pair is ndeep (sleeper: increment, then look at every `next`) and
 * `next` (waker: exchange, then read ndeep), all seq_cst.
 *
 * With timers armed or tasks waiting on file descriptors, one idle worker
 * sleeps in epoll instead of on its futex (the poller), until the
 * earliest timer. */
enum { LIGHT_NS = 1000 * 1000 };

/* Records every other worker's `next` and ticks; 1 if any holds a task. */
static int next_snapshot(sl_pool *p, sl__worker *w)
{
    int any = 0;
    for (size_t i = 0; i < p->n; i++) {
        sl__worker *v = &p->workers[i];
        w->seen_next[i] = v == w ? NULL : atomic_load_explicit(&v->next, memory_order_seq_cst);
        w->seen_ticks[i] = atomic_load_explicit(&v->ticks, memory_order_relaxed);
        any |= w->seen_next[i] != NULL;
    }
    return any;
}

/* Takes a task that sat in another worker's `next` since the snapshot
 * while that worker ran nothing. */
static int steal_stale_next(sl_pool *p, sl__worker *w, sl__task *t)
{
    for (size_t i = 0; i < p->n; i++) {
        sl__worker *v = &p->workers[i];
        sl__g *g = w->seen_next[i];
        if (g && atomic_load_explicit(&v->ticks, memory_order_relaxed) == w->seen_ticks[i] &&
            atomic_compare_exchange_strong_explicit(&v->next, &g, NULL, memory_order_acq_rel,
                                                    memory_order_relaxed)) {
            *t = resume_entry(g);
            return 1;
        }
    }
    return 0;
}

static void make_light(sl_pool *p, sl__sleeper *s)
{
    sl__lock_acquire(&p->sleep_lock);
    if (s->listed && s->deep) {
        s->deep = 0;
        atomic_fetch_sub_explicit(&p->ndeep, 1, memory_order_seq_cst);
    }
    sl__lock_release(&p->sleep_lock);
}

/* Sleeps until woken, or (light) a while; returns 1 with *t filled when it
 * took a stale `next`. */
static int worker_sleep(sl_pool *p, sl__worker *w, sl__task *t)
{
    sl__netpoll *np = atomic_load_explicit(&p->np, memory_order_acquire);
    int poller = np && sl__np_active(np) && sl__np_try_own(np);
    sl__sleeper s;
    sleep_register(p, &s, NULL, 0, poller);
    int64_t until = SL_FOREVER;
    if (next_snapshot(p, w)) {
        make_light(p, &s);
        until = sl_now() + LIGHT_NS;
    }
    if (!work_visible(p) && !(atomic_load_explicit(&p->closing, memory_order_seq_cst) && tasks_alive(p) == 0)) {
        if (poller)
            sl__np_block(np, until);
        else
            sl__parker_park(&s.parker, until);
    }
    sleep_unregister(p, &s);
    if (poller)
        sl__np_disown(p, np);
    return until != SL_FOREVER && steal_stale_next(p, w, t);
}

static void *worker_main(void *arg)
{
    sl__worker *w = arg;
    sl_pool *p = w->pool;
    atomic_store_explicit(&w->start_cpu, sched_getcpu(), memory_order_release);
    /* Started away from the creator's CPU: now anywhere it may run.  (This
     * fails only if none of those CPUs is usable any more - hot-unplugged,
     * or the cpuset shrunk - and then the kernel has rewritten the mask.) */
    if (p->spread)
        (void)sched_setaffinity(0, sizeof p->allowed, &p->allowed);
    tl_worker = w;
    sl__task t;
    for (;;) {
        if (find_task(p, w, &t)) {
            run_task(p, w, &t);
            continue;
        }
        /* Spin a little before sleeping: in fork-join the next task is
         * usually a few hundred nanoseconds away. */
        unsigned step = 0;
        int found = 0;
        while (!found && sl__backoff(&step))
            found = find_task(p, w, &t);
        /* Exit only with nothing left anywhere: a task still running on
         * another worker pushes its subtasks onto its own deque and runs
         * them itself, so nothing queued is left behind; parked tasks
         * count as alive. */
        if (!found && may_leave(p))
            break;
        if (found || worker_sleep(p, w, &t))
            run_task(p, w, &t);
    }
    sl__stack_cache_flush(&p->stacks, &w->stacks);
    tl_worker = NULL;
    return NULL;
}

/* ---- the pool ----------------------------------------------------------- */

static size_t online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static void pool_destroy(sl_pool *p)
{
    atomic_store_explicit(&p->closing, 1, memory_order_seq_cst);
    wake_all(p);
    for (size_t i = 0; i < p->n; i++)
        if (p->workers[i].started)
            pthread_join(p->workers[i].thread, NULL);
    for (size_t i = 0; i < p->n; i++) {
        sl__worker *w = &p->workers[i];
        if (atomic_load_explicit(&w->dq.buf, memory_order_relaxed))
            sl__deque_destroy(&w->dq);
        free(w->seen_next);
        free(w->seen_ticks);
    }
    sl__stacks_destroy(&p->stacks);
    sl__np_free(atomic_load_explicit(&p->np, memory_order_relaxed));
    free(p->workers);
    free(p->inj);
    free(p);
}

/* Starts the workers, each away from the CPU of the thread that makes the
 * pool where it may run elsewhere.  Linux can place a new thread on its
 * creator's CPU and leave an idle one to notice later: on a 2-CPU VM a
 * new pool's worker waited 2.7-16 ms behind its creator on one CPU while
 * the other stood idle (perf sched, bench/md's tree: that CPU idle for
 * the first 6-17 ms of a 75-95 ms run, 4-6 ms with this).  Each worker
 * starts allowed every CPU its creator may use but the creator's own,
 * and takes back the creator's whole set as its first act (worker_main),
 * so nothing stays pinned.  Where the set cannot be read or the creator
 * may use one CPU only, the workers start as before. */
static int start_workers(sl_pool *p)
{
    pthread_attr_t attr, *ap = NULL;
    int cpu = -1;
    if (sched_getaffinity(0, sizeof p->allowed, &p->allowed) == 0 && CPU_COUNT(&p->allowed) > 1) {
        cpu_set_t away = p->allowed;
        cpu = sched_getcpu();
        if (cpu >= 0 && cpu < CPU_SETSIZE)
            CPU_CLR(cpu, &away);
        if (CPU_COUNT(&away) > 0 && CPU_COUNT(&away) < CPU_COUNT(&p->allowed) && pthread_attr_init(&attr) == 0) {
            if (pthread_attr_setaffinity_np(&attr, sizeof away, &away) == 0)
                ap = &attr;
            else
                pthread_attr_destroy(&attr);
        }
    }
    p->spread = ap != NULL;
    p->from_cpu = ap ? cpu : -1;
    int ok = 1;
    for (size_t i = 0; i < p->n && ok; i++) {
        sl__worker *w = &p->workers[i];
        atomic_init(&w->start_cpu, -2);
        ok = pthread_create(&w->thread, ap, worker_main, w) == 0;
        if (!ok && ap) /* the away set refused (a CPU gone offline since): as before */
            ok = pthread_create(&w->thread, NULL, worker_main, w) == 0;
        w->started = ok;
    }
    if (ap)
        pthread_attr_destroy(ap);
    return ok;
}

sl_pool *sl_pool_new(size_t nthreads)
{
    size_t n = nthreads ? nthreads : online_cpus();
    if (n > 4096)
        return NULL;
    sl_pool *p = aligned_alloc(64, (sizeof *p + 63) & ~(size_t)63);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->n = n;
    atomic_init(&p->closing, 0);
    pthread_once(&fork_watch, watch_forks);
    p->fork_gen = atomic_load_explicit(&fork_gen, memory_order_relaxed);
    sl__lock_init(&p->inj_lock);
    atomic_init(&p->inj_len, 0);
    sl__lock_init(&p->sleep_lock);
    atomic_init(&p->nsleeping, 0);
    atomic_init(&p->ndeep, 0);
    sl__lock_init(&p->gq_lock);
    atomic_init(&p->gq_len, 0);
    atomic_init(&p->out_begun, 0);
    atomic_init(&p->out_ended, 0);
    atomic_init(&p->np, NULL);
    sl__stacks_init(&p->stacks, sl__stack_default_size());
    p->workers = aligned_alloc(64, n * sizeof(sl__worker));
    if (!p->workers) {
        free(p);
        return NULL;
    }
    memset(p->workers, 0, n * sizeof(sl__worker));
    int ok = inject_grow(p) == SL_OK;
    for (size_t i = 0; i < n && ok; i++) {
        sl__worker *w = &p->workers[i];
        w->pool = p;
        w->index = i;
        w->rng = 0x9E3779B97F4A7C15ull * (i + 1);
        atomic_init(&w->next, NULL);
        w->seen_next = calloc(n, sizeof *w->seen_next);
        w->seen_ticks = calloc(n, sizeof *w->seen_ticks);
        ok = w->seen_next && w->seen_ticks && sl__deque_init(&w->dq, 256) == SL_OK;
    }
    if (ok)
        ok = start_workers(p);
    if (!ok) {
        pool_destroy(p);
        return NULL;
    }
    return p;
}

void sl_pool_free(sl_pool *p)
{
    if (!p)
        return;
    /* The parent's pool in a forked child: its workers (and whatever locks
     * they held) are not here to join; leave its memory alone. */
    if (made_in_another_process(p))
        return;
    /* It would join the worker it runs on and wait forever: say why. */
    if (self_in(p)) {
        fputs("sl_pool_free: called from a task of the pool it frees\n", stderr);
        abort();
    }
    pool_destroy(p);
}

size_t sl_pool_size(const sl_pool *p)
{
    return p->n;
}

int sl_pool_worker_index(const sl_pool *p)
{
    sl__worker *w = self_in(p);
    return w ? (int)w->index : -1;
}

int sl_pool_submit(sl_pool *p, sl_task_fn fn, void *arg)
{
    if (!p || !fn)
        return SL_INVAL;
    if (atomic_load_explicit(&p->closing, memory_order_relaxed))
        return SL_CLOSED;
    sl__task t = {fn, arg, NULL};
    return queue_task(p, &t);
}

/* ---- groups -------------------------------------------------------------- */

sl_group *sl_group_new(sl_pool *p)
{
    if (!p)
        return NULL;
    sl_group *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    g->pool = p;
    atomic_init(&g->state, 0);
    atomic_init(&g->err, 0);
    return g;
}

/* The last thing a task does to its group.  Once the count reaches zero
 * the waiter may free the group, so nothing here reads it after the
 * decrement: wake_group only compares its address. */
static void group_done(sl_pool *p, sl_group *g, int result)
{
    if (result) {
        int zero = 0;
        atomic_compare_exchange_strong_explicit(&g->err, &zero, result, memory_order_relaxed,
                                                memory_order_relaxed);
    }
    uint32_t old = atomic_fetch_sub_explicit(&g->state, SL__G_ONE, memory_order_acq_rel);
    if (old == (SL__G_ONE | SL__G_WAITING))
        wake_group(p, g);
}

/* Spawning counted in a group, for a plain task or (tag SL__TASK_START) a
 * lightweight one. */
static int group_queue(sl_group *g, sl_task_fn fn, void *arg, uintptr_t tag)
{
    if (!g || !fn)
        return SL_INVAL;
    /* After a failure new tasks are skipped: they count as done at once. */
    if (atomic_load_explicit(&g->err, memory_order_relaxed))
        return SL_OK;
    if (atomic_load_explicit(&g->state, memory_order_relaxed) >= SL__G_LIMIT)
        return SL_NOMEM;
    /* Count the task before it can run, so the count cannot touch zero
     * while a task of the group is still to come. */
    atomic_fetch_add_explicit(&g->state, SL__G_ONE, memory_order_relaxed);
    sl__task t = {fn, arg, (sl_group *)((uintptr_t)g | tag)};
    int rc = queue_task(g->pool, &t);
    if (rc != SL_OK)
        group_done(g->pool, g, 0);
    return rc;
}

int sl_group_spawn(sl_group *g, sl_task_fn fn, void *arg)
{
    return group_queue(g, fn, arg, 0);
}

int sl_group_go(sl_group *g, sl_task_fn fn, void *arg)
{
    return group_queue(g, fn, arg, SL__TASK_START);
}

void sl__group_done(sl_pool *p, sl_group *g, int result)
{
    group_done(p, g, result);
}

/* Sleeps until the group's last task finishes or new work shows up.  The
 * WAITING bit is set with a read-modify-write after registering, so the
 * last task's decrement either comes after it (and then sees the bit and
 * finds this sleeper in the list) or before it (and then this thread sees
 * the count at zero and does not sleep). */
static void group_sleep(sl_pool *p, sl_group *g, int task)
{
    sl__sleeper s;
    sleep_register(p, &s, g, task, 0);
    uint32_t st = atomic_fetch_or_explicit(&g->state, SL__G_WAITING, memory_order_acq_rel);
    if (st >= SL__G_ONE && (task || !work_visible(p)))
        sl__parker_park(&s.parker, SL_FOREVER);
    sleep_unregister(p, &s);
}

/* A thread helps: it runs whatever is queued, its own work first.  A task
 * of this group that nobody has started is always somewhere it looks, so
 * the wait cannot deadlock on it, even with one worker.  A lightweight
 * task does not help (that would run tasks on its small stack, nested in
 * its own); it parks, and its worker runs the rest. */
static _Thread_local unsigned tl_help_depth;

/* What a thread nested HELP_STEAL_DEPTH waits deep may still run: its own
 * newest work (its deque, its next slot), the injection queue newest-first
 * from off the pool, and task starts, all depth-first.  It steals no more:
 * a stolen task is the oldest of someone's, a whole subtree, and every
 * wait inside it would nest one more frame here, without bound (two
 * hundred and more frames for a fib(20) fork-join from outside the pool
 * with one worker).  Whatever it does not take, the workers run. */
#define HELP_STEAL_DEPTH 16

static int find_task_near(sl_pool *p, sl__worker *self, sl__task *t)
{
    if (self && (sl__deque_pop(&self->dq, t) || take_next(self, t)))
        return 1;
    return inject_take(p, self, t) || gq_take(p, t);
}

static void group_help(sl_pool *p, sl_group *g)
{
    sl__worker *self = self_in(p);
    int deep = ++tl_help_depth > HELP_STEAL_DEPTH;
    unsigned step = 0;
    sl__task t;
    while (atomic_load_explicit(&g->state, memory_order_acquire) >= SL__G_ONE) {
        if (deep ? find_task_near(p, self, &t) : find_task(p, self, &t)) {
            run_task(p, self, &t);
            step = 0;
        } else if (!sl__backoff(&step)) {
            /* Deep, work others can see is not this thread's to take, so
             * it sleeps until the group ends, as a task does. */
            group_sleep(p, g, deep);
            step = 0;
        }
    }
    tl_help_depth--;
}

int sl_group_wait(sl_group *g)
{
    sl_pool *p = g->pool;
    /* In a forked child, the tasks a group of the parent's pool still
     * counts are in the parent (or queued in the copy, where running them
     * would run them twice): nothing here can end the wait. */
    if (atomic_load_explicit(&g->state, memory_order_acquire) >= SL__G_ONE && made_in_another_process(p))
        return SL_CLOSED;
    if (sl__task_self()) {
        while (atomic_load_explicit(&g->state, memory_order_acquire) >= SL__G_ONE)
            group_sleep(p, g, 1);
    } else {
        group_help(p, g);
    }
    /* Drop the WAITING bit, so later completions skip the wake. */
    uint32_t waiting = SL__G_WAITING;
    if (atomic_load_explicit(&g->state, memory_order_relaxed) == waiting)
        atomic_compare_exchange_strong_explicit(&g->state, &waiting, 0, memory_order_relaxed,
                                                memory_order_relaxed);
    /* The group starts over: its error is handed out once. */
    if (!atomic_load_explicit(&g->err, memory_order_relaxed))
        return 0;
    return atomic_exchange_explicit(&g->err, 0, memory_order_acq_rel);
}

int sl_group_failed(sl_group *g)
{
    return atomic_load_explicit(&g->err, memory_order_acquire) != 0;
}

void sl_group_free(sl_group *g)
{
    if (!g)
        return;
    if (atomic_load_explicit(&g->state, memory_order_acquire) >= SL__G_ONE)
        sl_group_wait(g);
    free(g);
}

/* ---- lightweight tasks ------------------------------------------------------ */

int sl_go(sl_pool *p, sl_task_fn fn, void *arg)
{
    if (!p || !fn)
        return SL_INVAL;
    /* While the pool closes, its own tasks may still start tasks: the
     * pool waits for those too. */
    if (atomic_load_explicit(&p->closing, memory_order_relaxed)) {
        sl__g *self = sl__task_self();
        if (!self || self->pool != p)
            return SL_CLOSED;
    }
    sl__task t = {fn, arg, (sl_group *)SL__TASK_START};
    return queue_task(p, &t);
}

int sl_pool_set_stack_size(sl_pool *p, size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (!p || bytes < (16 << 10) || bytes > ((size_t)1 << 30) ||
        atomic_load_explicit(&p->stacks.used, memory_order_relaxed))
        return SL_INVAL;
    p->stacks.size = (bytes + page - 1) / page * page;
    return SL_OK;
}

size_t sl_pool_stack_size(const sl_pool *p)
{
    return p ? p->stacks.size : 0;
}

sl__stack_cache *sl__sched_stack_cache(sl_pool *p)
{
    sl__worker *w = self_in(p);
    return w ? &w->stacks : NULL;
}

int sl__pool_start_cpu(sl_pool *p, size_t i, int *creator)
{
    *creator = p->from_cpu;
    return i < p->n ? atomic_load_explicit(&p->workers[i].start_cpu, memory_order_acquire) : -2;
}

sl__stacks *sl__pool_stacks(sl_pool *p)
{
    return &p->stacks;
}

sl__netpoll *sl__pool_netpoll(sl_pool *p)
{
    sl__netpoll *np = atomic_load_explicit(&p->np, memory_order_acquire);
    if (np)
        return np;
    sl__netpoll *fresh = sl__np_new();
    if (!fresh)
        return NULL;
    if (!atomic_compare_exchange_strong_explicit(&p->np, &np, fresh, memory_order_acq_rel, memory_order_acquire)) {
        sl__np_free(fresh);
        return np;
    }
    return fresh;
}
