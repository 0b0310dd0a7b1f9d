/*
 * test_pool_group.c - groups: waiting, helping, nested fork-join that
 * never deadlocks, first-error propagation and skipping after a failure.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "sluice/pool.h"
#include "wait_until.h"

static int bump(void *arg)
{
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

SL_TEST(group_wait_returns_after_every_task)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    _Atomic long n = 0;
    for (int i = 0; i < 10000; i++)
        CHECK_EQ(sl_group_spawn(g, bump, &n), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(atomic_load(&n), 10000);
    sl_group_free(g);
    sl_pool_free(p);
}

SL_TEST(group_wait_with_nothing_spawned_returns_at_once)
{
    sl_pool *p = sl_pool_new(1);
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(sl_group_failed(g), 0);
    sl_group_free(g);
    sl_pool_free(p);
}

/* fib by recursive fork-join: each call spawns both halves into a group
 * of its own and waits for them. */
typedef struct {
    sl_pool *pool;
    int n;
    long result;
} fib_arg;

static int fib_task(void *arg)
{
    fib_arg *f = arg;
    if (f->n < 2) {
        f->result = f->n;
        return 0;
    }
    fib_arg a = {f->pool, f->n - 1, 0}, b = {f->pool, f->n - 2, 0};
    sl_group *g = sl_group_new(f->pool);
    CHECK(g);
    CHECK_EQ(sl_group_spawn(g, fib_task, &a), SL_OK);
    CHECK_EQ(sl_group_spawn(g, fib_task, &b), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    f->result = a.result + b.result;
    return 0;
}

static long fib_seq(int n)
{
    return n < 2 ? n : fib_seq(n - 1) + fib_seq(n - 2);
}

/* The waiter is this thread, off the pool. */
static void fib_from_outside(size_t threads, int n)
{
    sl_pool *p = sl_pool_new(threads);
    fib_arg f = {p, n, 0};
    CHECK_EQ(fib_task(&f), 0);
    CHECK_EQ(f.result, fib_seq(n));
    sl_pool_free(p);
}

SL_TEST(group_nested_fork_join_with_one_worker)
{
    fib_from_outside(1, 18);
}

/* The whole recursion on the one worker: every wait happens on it. */
typedef struct {
    fib_arg f;
    _Atomic long done;
} fib_root;

static int fib_root_task(void *arg)
{
    fib_root *r = arg;
    fib_task(&r->f);
    atomic_store(&r->done, 1);
    return 0;
}

SL_TEST(group_nested_fork_join_with_one_worker_inside_pool)
{
    sl_pool *p = sl_pool_new(1);
    fib_root r = {{p, 18, 0}, 0};
    CHECK_EQ(sl_pool_submit(p, fib_root_task, &r), SL_OK);
    CHECK(wait_until(&r.done, 1, 60));
    CHECK_EQ(r.f.result, fib_seq(18));
    sl_pool_free(p);
}

SL_TEST(group_nested_fork_join_with_many_workers)
{
    fib_from_outside(2, 19);
    fib_from_outside(4, 19);
    sl_pool *p = sl_pool_new(3);
    fib_root r = {{p, 19, 0}, 0};
    CHECK_EQ(sl_pool_submit(p, fib_root_task, &r), SL_OK);
    CHECK(wait_until(&r.done, 1, 60));
    CHECK_EQ(r.f.result, fib_seq(19));
    sl_pool_free(p);
}

/* A thread outside the pool that helps must stay depth-first: counting
 * how deep fib_depth frames nest on this thread, the depth stays near the
 * tree's (20), where oldest-first helping would nest one frame per queued
 * task, thousands, and overflow the stack. */
typedef struct {
    sl_pool *pool;
    int n;
} depth_arg;

static _Thread_local int depth_now, depth_max;

static int fib_depth(void *arg)
{
    depth_arg *d = arg;
    if (++depth_now > depth_max)
        depth_max = depth_now;
    if (d->n >= 2) {
        depth_arg a = {d->pool, d->n - 1}, b = {d->pool, d->n - 2};
        sl_group *g = sl_group_new(d->pool);
        CHECK_EQ(sl_group_spawn(g, fib_depth, &a), SL_OK);
        CHECK_EQ(sl_group_spawn(g, fib_depth, &b), SL_OK);
        CHECK_EQ(sl_group_wait(g), 0);
        sl_group_free(g);
    }
    depth_now--;
    return 0;
}

SL_TEST(group_nested_fork_join_off_pool_stays_depth_first)
{
    for (size_t threads = 1; threads <= 3; threads++) {
        sl_pool *p = sl_pool_new(threads);
        depth_arg d = {p, 20};
        depth_max = 0;
        fib_depth(&d);
        printf("%zu workers: off-pool helper nested %d frames deep\n", threads, depth_max);
        fflush(stdout);
        CHECK(depth_max <= 4 * 20);
        sl_pool_free(p);
    }
}

/* The only worker is held by a task that waits for a flag: the waiter
 * outside the pool must run the group's tasks itself. */
typedef struct {
    _Atomic long started, release;
} blocker;

static int block_task(void *arg)
{
    blocker *b = arg;
    atomic_store(&b->started, 1);
    CHECK(wait_until(&b->release, 1, 60));
    return 0;
}

typedef struct {
    sl_pool *pool;
    _Atomic long off_pool;
} where;

static int note_where(void *arg)
{
    where *w = arg;
    if (sl_pool_worker_index(w->pool) < 0)
        atomic_fetch_add(&w->off_pool, 1);
    return 0;
}

SL_TEST(group_waiter_off_pool_runs_tasks_itself)
{
    sl_pool *p = sl_pool_new(1);
    blocker b = {0, 0};
    CHECK_EQ(sl_pool_submit(p, block_task, &b), SL_OK);
    CHECK(wait_until(&b.started, 1, 30));
    where w = {p, 0};
    sl_group *g = sl_group_new(p);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(sl_group_spawn(g, note_where, &w), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(atomic_load(&w.off_pool), 100);
    atomic_store(&b.release, 1);
    sl_group_free(g);
    sl_pool_free(p);
}

/* A worker asleep in a group wait must wake when new work appears
 * elsewhere, or the pool loses a thread for as long as the wait lasts.
 * The root, on worker X, waits for child C, which runs on worker Y (the
 * root holds X until Y has taken C), sleeps long enough for X to fall
 * asleep in its wait, then spawns grandchildren and holds Y until one of
 * them has run on X: only a woken X can have run it. */
typedef struct {
    sl_pool *pool;
    int root_worker;
    _Atomic long child_started, ran_on_root_worker, done;
} wake_probe;

static int grandchild(void *arg)
{
    wake_probe *wp = arg;
    if (sl_pool_worker_index(wp->pool) == wp->root_worker)
        atomic_fetch_add(&wp->ran_on_root_worker, 1);
    return 0;
}

static int child(void *arg)
{
    wake_probe *wp = arg;
    atomic_store(&wp->child_started, 1);
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
    sl_group *g = sl_group_new(wp->pool);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(sl_group_spawn(g, grandchild, wp), SL_OK);
    CHECK(wait_until(&wp->ran_on_root_worker, 1, 30));
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    return 0;
}

static int wake_root(void *arg)
{
    wake_probe *wp = arg;
    wp->root_worker = sl_pool_worker_index(wp->pool);
    sl_group *g = sl_group_new(wp->pool);
    CHECK_EQ(sl_group_spawn(g, child, wp), SL_OK);
    CHECK(wait_until(&wp->child_started, 1, 30)); /* the other worker took it */
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    atomic_store(&wp->done, 1);
    return 0;
}

SL_TEST(group_waiter_asleep_wakes_to_steal_new_work)
{
    wake_probe wp = {sl_pool_new(2), -1, 0, 0, 0};
    CHECK_EQ(sl_pool_submit(wp.pool, wake_root, &wp), SL_OK);
    CHECK(wait_until(&wp.done, 1, 60));
    CHECK(atomic_load(&wp.ran_on_root_worker) >= 1);
    sl_pool_free(wp.pool);
}

static int fail_with(void *arg)
{
    return (int)(intptr_t)arg;
}

SL_TEST(group_returns_first_error)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    _Atomic long n = 0;
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(sl_group_spawn(g, bump, &n), SL_OK);
    CHECK_EQ(sl_group_spawn(g, fail_with, (void *)(intptr_t)42), SL_OK);
    CHECK_EQ(sl_group_wait(g), 42);
    sl_group_free(g);

    /* Several failures: the result is one of them, and the flag is set
     * for the rest of the round. */
    g = sl_group_new(p);
    for (int i = 1; i <= 50; i++)
        sl_group_spawn(g, fail_with, (void *)(intptr_t)i);
    int r = sl_group_wait(g);
    CHECK(r >= 1 && r <= 50);
    sl_group_free(g);
    sl_pool_free(p);
}

/* A task fails; tasks spawned once the failure is visible never run and
 * do not hold up the wait. */
typedef struct {
    sl_group *g;
    _Atomic long ran;
} after_fail;

static int spawn_after_failure(void *arg)
{
    after_fail *a = arg;
    while (!sl_group_failed(a->g))
        ;
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(sl_group_spawn(a->g, bump, &a->ran), SL_OK);
    return 0;
}

SL_TEST(group_tasks_spawned_after_failure_are_skipped)
{
    sl_pool *p = sl_pool_new(2);
    after_fail a = {sl_group_new(p), 0};
    CHECK_EQ(sl_group_spawn(a.g, fail_with, (void *)(intptr_t)-7), SL_OK);
    CHECK_EQ(sl_group_spawn(a.g, spawn_after_failure, &a), SL_OK);
    CHECK_EQ(sl_group_wait(a.g), -7);
    CHECK_EQ(atomic_load(&a.ran), 0);
    /* And from outside, too. */
    CHECK_EQ(sl_group_spawn(a.g, fail_with, (void *)(intptr_t)3), SL_OK);
    while (!sl_group_failed(a.g))
        ;
    CHECK_EQ(sl_group_spawn(a.g, bump, &a.ran), SL_OK);
    CHECK_EQ(sl_group_wait(a.g), 3);
    CHECK_EQ(atomic_load(&a.ran), 0);
    sl_group_free(a.g);
    sl_pool_free(p);
}

/* A long task polls sl_group_failed and stops early: the failure of a
 * sibling reaches tasks already running. */
typedef struct {
    sl_group *g;
    _Atomic long stopped;
} poller;

static int poll_until_failed(void *arg)
{
    poller *pl = arg;
    int64_t deadline = sl_deadline_in(30000000000);
    while (!sl_group_failed(pl->g))
        if (sl_now() > deadline)
            return 0;
    atomic_store(&pl->stopped, 1);
    return 0;
}

SL_TEST(group_failed_is_seen_by_running_tasks)
{
    sl_pool *p = sl_pool_new(2);
    poller pl = {sl_group_new(p), 0};
    CHECK_EQ(sl_group_spawn(pl.g, poll_until_failed, &pl), SL_OK);
    CHECK_EQ(sl_group_spawn(pl.g, fail_with, (void *)(intptr_t)5), SL_OK);
    CHECK_EQ(sl_group_wait(pl.g), 5);
    CHECK_EQ(atomic_load(&pl.stopped), 1);
    sl_group_free(pl.g);
    sl_pool_free(p);
}

SL_TEST(group_is_reusable_after_wait)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    _Atomic long n = 0;
    CHECK_EQ(sl_group_spawn(g, fail_with, (void *)(intptr_t)9), SL_OK);
    CHECK_EQ(sl_group_wait(g), 9);
    CHECK_EQ(sl_group_failed(g), 0); /* the wait handed the error out */
    for (int round = 1; round <= 5; round++) {
        for (int i = 0; i < 100; i++)
            CHECK_EQ(sl_group_spawn(g, bump, &n), SL_OK);
        CHECK_EQ(sl_group_wait(g), 0);
        CHECK_EQ(atomic_load(&n), 100 * round);
    }
    sl_group_free(g);
    sl_pool_free(p);
}

typedef struct {
    sl_group *g;
    _Atomic long *n;
} spawner;

static void *spawn_many(void *arg)
{
    spawner *s = arg;
    for (int i = 0; i < 5000; i++)
        CHECK_EQ(sl_group_spawn(s->g, bump, s->n), SL_OK);
    return NULL;
}

SL_TEST(group_spawn_from_many_threads_counts_every_task)
{
    sl_pool *p = sl_pool_new(2);
    _Atomic long n = 0;
    spawner s = {sl_group_new(p), &n};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, spawn_many, &s);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(sl_group_wait(s.g), 0);
    CHECK_EQ(atomic_load(&n), 20000);
    sl_group_free(s.g);
    sl_pool_free(p);
}

static int slow_bump(void *arg)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    return bump(arg);
}

SL_TEST(group_free_waits_for_pending_tasks)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    _Atomic long n = 0;
    for (int i = 0; i < 20; i++)
        CHECK_EQ(sl_group_spawn(g, slow_bump, &n), SL_OK);
    sl_group_free(g);
    CHECK_EQ(atomic_load(&n), 20);
    sl_pool_free(p);
}
