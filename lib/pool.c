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
 */
#include "sluice/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deque.h"
#include "lock.h"
#include "park.h"

/* A thread asleep in the pool: an idle worker (group NULL) or a thread
 * waiting on a group.  It lives on the sleeper's stack; wakers unpark it
 * only under pool->sleep_lock, and the sleeper leaves the list under that
 * lock before returning, so a record is never touched after its frame. */
typedef struct sl__sleeper {
    sl__parker parker;
    sl_group *group;
    int listed; /* under sleep_lock */
    struct sl__sleeper *next;
} sl__sleeper;

typedef struct sl__worker {
    sl__deque dq;
    sl_pool *pool;
    size_t index;
    uint64_t rng;
    pthread_t thread;
    int started;
} sl__worker;

struct sl_pool {
    size_t n;
    sl__worker *workers;
    _Atomic int closing;

    /* Injection queue: a ring under a lock, for threads outside the pool.
     * inj_len mirrors inj_count so that an empty queue is seen without
     * taking the lock. */
    _Alignas(64) sl__lock inj_lock;
    sl__task *inj;
    size_t inj_cap, inj_head, inj_count;
    _Atomic size_t inj_len;

    /* Sleepers: idle workers and group waiters, in two stacks under a
     * lock, and their total readable without the lock by every push. */
    _Alignas(64) sl__lock sleep_lock;
    sl__sleeper *idle, *waiters;
    _Atomic size_t nsleeping;
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
    atomic_fetch_sub_explicit(&p->nsleeping, 1, memory_order_seq_cst);
}

static void sleep_register(sl_pool *p, sl__sleeper *s, sl_group *g)
{
    sl__parker_init(&s->parker);
    s->group = g;
    sl__lock_acquire(&p->sleep_lock);
    sleeper_push(g ? &p->waiters : &p->idle, s);
    atomic_fetch_add_explicit(&p->nsleeping, 1, memory_order_seq_cst);
    sl__lock_release(&p->sleep_lock);
}

/* Leaves the list unless a waker already took s off it. */
static void sleep_unregister(sl_pool *p, sl__sleeper *s)
{
    sl__lock_acquire(&p->sleep_lock);
    if (s->listed) {
        sl__sleeper **pp = s->group ? &p->waiters : &p->idle;
        while (*pp != s)
            pp = &(*pp)->next;
        sleeper_unlink(p, pp);
    }
    sl__lock_release(&p->sleep_lock);
}

/* An idle worker first: a waiter that runs unrelated work returns late. */
static void wake_one(sl_pool *p)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **pp = p->idle ? &p->idle : p->waiters ? &p->waiters : NULL;
    if (pp) {
        sl__sleeper *s = *pp;
        sleeper_unlink(p, pp);
        sl__parker_unpark(&s->parker);
    }
    sl__lock_release(&p->sleep_lock);
}

static void wake_all(sl_pool *p)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **lists[2] = {&p->idle, &p->waiters};
    for (int i = 0; i < 2; i++)
        while (*lists[i]) {
            sl__sleeper *s = *lists[i];
            sleeper_unlink(p, lists[i]);
            sl__parker_unpark(&s->parker);
        }
    sl__lock_release(&p->sleep_lock);
}

/* Wakes the threads asleep in a wait on g.  g may have been freed already
 * (its waiter saw the count reach zero on its own): it is only compared. */
static void wake_group(sl_pool *p, const sl_group *g)
{
    sl__lock_acquire(&p->sleep_lock);
    sl__sleeper **pp = &p->waiters;
    while (*pp) {
        sl__sleeper *s = *pp;
        if (s->group == g) {
            sleeper_unlink(p, pp);
            sl__parker_unpark(&s->parker);
        } else {
            pp = &s->next;
        }
    }
    sl__lock_release(&p->sleep_lock);
}

/* After publishing a task: wake a sleeper if there is one. */
static void notify(sl_pool *p)
{
    if (atomic_load_explicit(&p->nsleeping, memory_order_seq_cst) != 0)
        wake_one(p);
}

static int work_visible(sl_pool *p)
{
    if (atomic_load_explicit(&p->inj_len, memory_order_seq_cst) != 0)
        return 1;
    for (size_t i = 0; i < p->n; i++)
        if (sl__deque_nonempty(&p->workers[i].dq))
            return 1;
    return 0;
}

static void worker_sleep(sl_pool *p)
{
    sl__sleeper s;
    sleep_register(p, &s, NULL);
    if (!work_visible(p) && !atomic_load_explicit(&p->closing, memory_order_seq_cst))
        sl__parker_park(&s.parker, SL_FOREVER);
    sleep_unregister(p, &s);
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

/* Own deque first (the most recent, cache-hot work), then the injection
 * queue, then the others' deques. */
static int find_task(sl_pool *p, sl__worker *self, sl__task *t)
{
    if (self && sl__deque_pop(&self->dq, t))
        return 1;
    if (inject_take(p, self, t))
        return 1;
    return steal_any(p, self, t);
}

static void group_done(sl_pool *p, sl_group *g, int result);

static void run_task(sl_pool *p, const sl__task *t)
{
    int r = t->fn(t->arg);
    if (t->group)
        group_done(p, t->group, r);
}

/* Queues a task where the spec says: the calling worker's own deque, or
 * the injection queue from outside the pool. */
static int queue_task(sl_pool *p, const sl__task *t)
{
    sl__worker *w = self_in(p);
    int rc = w ? sl__deque_push(&w->dq, t) : inject_push(p, t);
    if (rc == SL_OK)
        notify(p);
    return rc;
}

static void *worker_main(void *arg)
{
    sl__worker *w = arg;
    sl_pool *p = w->pool;
    tl_worker = w;
    sl__task t;
    for (;;) {
        if (find_task(p, w, &t)) {
            run_task(p, &t);
            continue;
        }
        /* Spin a little before sleeping: in fork-join the next task is
         * usually a few hundred nanoseconds away. */
        unsigned step = 0;
        int found = 0;
        while (!found && sl__backoff(&step))
            found = find_task(p, w, &t);
        if (found) {
            run_task(p, &t);
            continue;
        }
        /* Exit only with nothing left anywhere: a task still running on
         * another worker pushes its subtasks onto its own deque and runs
         * them itself, so nothing queued is left behind. */
        if (atomic_load_explicit(&p->closing, memory_order_seq_cst) && !work_visible(p))
            break;
        worker_sleep(p);
    }
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
    for (size_t i = 0; i < p->n; i++)
        if (atomic_load_explicit(&p->workers[i].dq.buf, memory_order_relaxed))
            sl__deque_destroy(&p->workers[i].dq);
    free(p->workers);
    free(p->inj);
    free(p);
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
    sl__lock_init(&p->inj_lock);
    atomic_init(&p->inj_len, 0);
    sl__lock_init(&p->sleep_lock);
    atomic_init(&p->nsleeping, 0);
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
        ok = sl__deque_init(&w->dq, 256) == SL_OK;
    }
    for (size_t i = 0; i < n && ok; i++) {
        ok = pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) == 0;
        p->workers[i].started = ok;
    }
    if (!ok) {
        pool_destroy(p);
        return NULL;
    }
    return p;
}

void sl_pool_free(sl_pool *p)
{
    if (p)
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

int sl_group_spawn(sl_group *g, sl_task_fn fn, void *arg)
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
    sl__task t = {fn, arg, g};
    int rc = queue_task(g->pool, &t);
    if (rc != SL_OK)
        group_done(g->pool, g, 0);
    return rc;
}

/* Sleeps until the group's last task finishes or new work shows up.  The
 * WAITING bit is set with a read-modify-write after registering, so the
 * last task's decrement either comes after it (and then sees the bit and
 * finds this sleeper in the list) or before it (and then this thread sees
 * the count at zero and does not sleep). */
static void group_sleep(sl_pool *p, sl_group *g)
{
    sl__sleeper s;
    sleep_register(p, &s, g);
    uint32_t st = atomic_fetch_or_explicit(&g->state, SL__G_WAITING, memory_order_acq_rel);
    if (st >= SL__G_ONE && !work_visible(p))
        sl__parker_park(&s.parker, SL_FOREVER);
    sleep_unregister(p, &s);
}

int sl_group_wait(sl_group *g)
{
    sl_pool *p = g->pool;
    sl__worker *self = self_in(p);
    unsigned step = 0;
    sl__task t;
    while (atomic_load_explicit(&g->state, memory_order_acquire) >= SL__G_ONE) {
        /* Help: run whatever is queued, ours first.  A task of this group
         * that nobody has started is always somewhere we look, so the
         * wait cannot deadlock on it, even with one worker. */
        if (find_task(p, self, &t)) {
            run_task(p, &t);
            step = 0;
        } else if (!sl__backoff(&step)) {
            group_sleep(p, g);
            step = 0;
        }
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
