/* test_task_sched.c - how tasks share workers: yield and fairness, sleeps
 * and deadlines in order, a stuck worker, shutdown with tasks parked. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

/* ---- fairness ---------------------------------------------------------------- */

typedef struct {
    _Atomic int stop;
    _Atomic long spins;
    _Atomic long done;
} fair_arg;

static int yielder(void *arg)
{
    fair_arg *f = arg;
    while (!atomic_load(&f->stop)) {
        atomic_fetch_add(&f->spins, 1);
        sl_yield();
    }
    return 0;
}

static int worker_task(void *arg)
{
    fair_arg *f = arg;
    for (int i = 0; i < 100; i++)
        sl_yield(); /* even one that yields itself gets its turns */
    atomic_fetch_add(&f->done, 1);
    return 0;
}

/* One worker, two tasks that yield forever: 50 other tasks still finish,
 * and the yielders keep running too. */
SL_TEST(task_yield_loop_does_not_starve_others)
{
    sl_pool *p = sl_pool_new(1);
    fair_arg f = {0};
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, yielder, &f), SL_OK);
    CHECK_EQ(sl_group_go(g, yielder, &f), SL_OK);
    for (int i = 0; i < 50; i++)
        CHECK_EQ(sl_go(p, worker_task, &f), SL_OK);
    int64_t deadline = sl_deadline_in(MS(10000));
    while (atomic_load(&f.done) < 50 && sl_now() < deadline)
        sl_sleep_until(sl_now() + MS(1));
    CHECK_EQ(atomic_load(&f.done), 50);
    long before = atomic_load(&f.spins); /* and the yielders still run */
    while (atomic_load(&f.spins) == before && sl_now() < deadline)
        sl_sleep_until(sl_now() + MS(1));
    CHECK(atomic_load(&f.spins) > before);
    atomic_store(&f.stop, 1);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    sl_pool_free(p);
}

typedef struct {
    sl_chan *in, *out;
    _Atomic int *stop;
    _Atomic long rounds;
} pinger;

static int echo_task(void *arg)
{
    pinger *a = arg;
    long v;
    while (sl_chan_recv(a->in, &v) == SL_OK)
        if (sl_chan_send(a->out, &v) != SL_OK)
            return 1;
    return 0;
}

static int bounce(void *arg)
{
    pinger *a = arg;
    long v = 0;
    while (!atomic_load(a->stop)) {
        if (sl_chan_send(a->out, &v) != SL_OK || sl_chan_recv(a->in, &v) != SL_OK)
            return 1;
        atomic_fetch_add(&a->rounds, 1);
    }
    sl_chan_close(a->out);
    return 0;
}

/* Two tasks that wake each other through an unbuffered channel keep
 * passing through one worker's `next` slot, until told to stop; ten more
 * tasks on that worker still get their turns while they do. */
SL_TEST(task_hand_off_pair_does_not_starve_a_third)
{
    sl_pool *p = sl_pool_new(1);
    sl_chan *ab = sl_chan_new(sizeof(long), 0), *ba = sl_chan_new(sizeof(long), 0);
    _Atomic int stop = 0;
    pinger e = {ab, ba, &stop, 0}, b = {ba, ab, &stop, 0};
    fair_arg f = {0};
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, echo_task, &e), SL_OK);
    CHECK_EQ(sl_group_go(g, bounce, &b), SL_OK);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(sl_go(p, worker_task, &f), SL_OK);
    int64_t deadline = sl_deadline_in(MS(10000));
    while (atomic_load(&f.done) < 10 && sl_now() < deadline)
        sl_sleep_until(sl_now() + MS(1));
    CHECK_EQ(atomic_load(&f.done), 10);
    CHECK(atomic_load(&b.rounds) > 0);
    atomic_store(&stop, 1);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    sl_chan_free(ab);
    sl_chan_free(ba);
    sl_pool_free(p);
}

/* ---- sleeps and deadlines ------------------------------------------------------ */

enum { SLEEPERS = 200 };

typedef struct {
    int64_t start;
    int64_t due[SLEEPERS];
    int64_t woke[SLEEPERS];
    _Atomic int order[SLEEPERS];
    _Atomic int n;
    _Atomic int waiting;
    sl_chan *never, *gate;
} sleep_table;

typedef struct {
    sleep_table *t;
    int i;
} sleeper;

static int sleep_task(void *arg)
{
    sleeper *s = arg;
    sleep_table *t = s->t;
    /* All park on the gate first, so the deadlines are set once every
     * task has started (starting 200 is slow under the sanitizers). */
    atomic_fetch_add(&t->waiting, 1);
    sl_chan_recv(t->gate, NULL);
    if (s->i % 2) {
        CHECK_EQ(sl_sleep_until(t->due[s->i]), SL_OK);
    } else { /* half wait on a channel nobody sends on, until a deadline */
        long v;
        CHECK_EQ(sl_chan_recv_until(t->never, &v, t->due[s->i]), SL_TIMEDOUT);
    }
    t->woke[s->i] = sl_now();
    t->order[atomic_fetch_add(&t->n, 1)] = s->i;
    return 0;
}

static int busy_task(void *arg)
{
    _Atomic int *stop = arg;
    while (!atomic_load(stop))
        sl_yield();
    return 0;
}

/* 200 tasks sleep until deadlines 2 ms apart, started in shuffled order,
 * half in sl_sleep_until and half in a receive with a deadline, next to
 * four tasks that only yield.  A task drives it, so that no thread helps
 * run tasks (a thread waiting on a group would).  Returns the table for
 * the caller to judge. */
typedef struct {
    sl_pool *pool;
    sleep_table *t;
    sl_chan *done;
} crowd;

static int drive_crowd(void *arg)
{
    crowd *c = arg;
    sleep_table *t = c->t;
    sleeper *s = calloc(SLEEPERS, sizeof *s);
    int64_t step = SL_TEST_SANITIZED ? MS(5) : MS(2);
    int perm[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++)
        perm[i] = i;
    for (int i = SLEEPERS - 1; i > 0; i--) {
        int j = (int)(sl_test_rand() % (uint64_t)(i + 1)), x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    _Atomic int stop = 0;
    sl_group *load = sl_group_new(c->pool), *g = sl_group_new(c->pool);
    for (int i = 0; i < 4; i++)
        sl_group_go(load, busy_task, &stop);
    for (int k = 0; k < SLEEPERS; k++) {
        int i = perm[k];
        s[i] = (sleeper){t, i};
        CHECK_EQ(sl_group_go(g, sleep_task, &s[i]), SL_OK);
    }
    while (atomic_load(&t->waiting) < SLEEPERS)
        sl_sleep_until(sl_now() + MS(1));
    t->start = sl_now() + (SL_TEST_SANITIZED ? MS(200) : MS(50));
    for (int i = 0; i < SLEEPERS; i++)
        t->due[i] = t->start + i * step;
    sl_chan_close(t->gate); /* publishes the deadlines */
    CHECK_EQ(sl_group_wait(g), 0);
    atomic_store(&stop, 1);
    sl_group_wait(load);
    sl_group_free(g);
    sl_group_free(load);
    free(s);
    sl_chan_send(c->done, NULL);
    return 0;
}

static sleep_table *sleep_crowd(size_t workers)
{
    crowd c = {sl_pool_new(workers), calloc(1, sizeof(sleep_table)), sl_chan_new(0, 1)};
    c.t->never = sl_chan_new(sizeof(long), 0);
    c.t->gate = sl_chan_new(0, 0);
    CHECK_EQ(sl_go(c.pool, drive_crowd, &c), SL_OK);
    sl_chan_recv(c.done, NULL);
    CHECK_EQ(atomic_load(&c.t->n), SLEEPERS);
    sl_chan_free(c.t->never);
    sl_chan_free(c.t->gate);
    sl_chan_free(c.done);
    sl_pool_free(c.pool);
    return c.t;
}

/* On one worker the order is exact: due timers are queued in deadline
 * order behind the yielding tasks, and one worker runs them in turn.  And
 * nobody wakes early. */
SL_TEST(task_sleeps_and_deadlines_end_in_order_under_load)
{
    sleep_table *t = sleep_crowd(1);
    for (int k = 0; k < SLEEPERS; k++) {
        int i = t->order[k];
        CHECK(t->woke[i] >= t->due[i]);
        CHECK_EQ(i, k);
    }
    free(t);
}

/* On two workers, two wake-ups can swap (each worker resumes one; this
 * machine may stall either), but none comes early. */
SL_TEST(task_sleeps_and_deadlines_never_end_early_on_two_workers)
{
    sleep_table *t = sleep_crowd(2);
    for (int i = 0; i < SLEEPERS; i++)
        CHECK(t->woke[i] >= t->due[i]);
    free(t);
}

static int sleep_until_task(void *arg)
{
    return sl_sleep_until(*(int64_t *)arg);
}

static int stamp(void *arg)
{
    *(int64_t *)arg = sl_now();
    return 0;
}

/* A task asleep leaves its worker free: on one worker, a task queued
 * after a sleeping one runs while it sleeps. */
SL_TEST(task_sleep_parks_only_the_task)
{
    sl_pool *p = sl_pool_new(1);
    int64_t until = sl_now() + MS(300), ran = 0;
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, sleep_until_task, &until), SL_OK);
    CHECK_EQ(sl_group_go(g, stamp, &ran), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK(ran != 0 && ran < until);
    CHECK(sl_now() >= until);
    sl_group_free(g);
    sl_pool_free(p);
}

/* ---- a stuck worker ------------------------------------------------------------ */

typedef struct {
    sl_pool *pool;
    int pipe[2];
    _Atomic long done;
    sl_chan *wake;
} stuck_arg;

static int count_done(void *arg)
{
    atomic_fetch_add(&((stuck_arg *)arg)->done, 1);
    return 0;
}

static int wake_then_count(void *arg)
{
    stuck_arg *a = arg;
    sl_chan_recv(a->wake, NULL);
    return count_done(a);
}

/* Queues work behind itself (its own deque, and a task it wakes into its
 * worker's `next` slot), then blocks its worker in a plain read(). */
static int get_stuck(void *arg)
{
    stuck_arg *a = arg;
    for (int i = 0; i < 100; i++)
        sl_go(a->pool, count_done, a);
    sl_chan_send(a->wake, NULL); /* the waiting task goes to our `next` */
    char c;
    return read(a->pipe[0], &c, 1) == 1 ? 0 : 1;
}

SL_TEST(task_stuck_worker_does_not_stall_tasks_queued_behind_it)
{
    stuck_arg a = {.pool = sl_pool_new(2), .wake = sl_chan_new(0, 0)};
    CHECK_EQ(pipe(a.pipe), 0);
    sl_group *g = sl_group_new(a.pool);
    CHECK_EQ(sl_group_go(g, wake_then_count, &a), SL_OK);
    sl_sleep_until(sl_now() + MS(20)); /* parked on `wake` by now */
    CHECK_EQ(sl_group_go(g, get_stuck, &a), SL_OK);
    int64_t deadline = sl_deadline_in(MS(10000));
    while (atomic_load(&a.done) < 101 && sl_now() < deadline)
        sl_sleep_until(sl_now() + MS(1));
    CHECK_EQ(atomic_load(&a.done), 101); /* all ran on the other worker */
    CHECK_EQ(write(a.pipe[1], "x", 1), 1);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    close(a.pipe[0]);
    close(a.pipe[1]);
    sl_chan_free(a.wake);
    sl_pool_free(a.pool);
}

/* ---- shutdown ---------------------------------------------------------------------- */

typedef struct {
    sl_pool *pool;
    sl_chan *gate;
    _Atomic int parked, finished;
    _Atomic int freed;
} shut_arg;

static int park_on_gate(void *arg)
{
    shut_arg *a = arg;
    atomic_fetch_add(&a->parked, 1);
    int rc = sl_chan_recv(a->gate, NULL);
    if (rc == SL_CLOSED && atomic_load(&a->freed) == 0)
        atomic_fetch_add(&a->finished, 1);
    return 0;
}

static void *free_pool(void *arg)
{
    shut_arg *a = arg;
    sl_pool_free(a->pool);
    atomic_store(&a->freed, 1);
    return NULL;
}

/* The documented behaviour: sl_pool_free waits for parked tasks, which
 * run to their end once something unblocks them; meanwhile sl_go from
 * outside returns SL_CLOSED. */
SL_TEST(task_pool_free_waits_for_parked_tasks)
{
    enum { N = 50 };
    shut_arg a = {.pool = sl_pool_new(2), .gate = sl_chan_new(0, 0)};
    for (int i = 0; i < N; i++)
        CHECK_EQ(sl_go(a.pool, park_on_gate, &a), SL_OK);
    while (atomic_load(&a.parked) < N)
        sl_sleep_until(sl_now() + MS(1));
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, free_pool, &a), 0);
    sl_sleep_until(sl_now() + MS(100));
    CHECK_EQ(atomic_load(&a.freed), 0); /* still waiting for them */
    CHECK_EQ(sl_go(a.pool, park_on_gate, &a), SL_CLOSED);
    sl_chan_close(a.gate);
    pthread_join(t, NULL);
    CHECK_EQ(atomic_load(&a.finished), N);
    sl_chan_free(a.gate);
}

static int spawn_while_closing(void *arg)
{
    shut_arg *a = arg;
    sl_chan_recv(a->gate, NULL);
    /* the pool is closing: its own tasks may still start tasks */
    return sl_go(a->pool, park_on_gate, a) == SL_OK ? 0 : 1;
}

SL_TEST(task_pool_free_runs_tasks_started_by_tasks_while_closing)
{
    shut_arg a = {.pool = sl_pool_new(2), .gate = sl_chan_new(0, 0)};
    CHECK_EQ(sl_go(a.pool, spawn_while_closing, &a), SL_OK);
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, free_pool, &a), 0);
    sl_sleep_until(sl_now() + MS(50));
    sl_chan_close(a.gate); /* the child finds the gate closed too */
    pthread_join(t, NULL);
    CHECK_EQ(atomic_load(&a.parked), 1);
    CHECK_EQ(atomic_load(&a.finished), 1);
    sl_chan_free(a.gate);
}
