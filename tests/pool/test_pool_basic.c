/*
 * test_pool_basic.c - the pool's threads, where submitted tasks go, and
 * that a sleeping worker always wakes for new work.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sluice/pool.h"
#include "task.h" /* sl__pool_start_cpu */
#include "wait_until.h"

SL_TEST(pool_size_zero_means_online_cpus)
{
    sl_pool *p = sl_pool_new(0);
    CHECK(p);
    CHECK_EQ(sl_pool_size(p), sysconf(_SC_NPROCESSORS_ONLN));
    sl_pool_free(p);
    p = sl_pool_new(3);
    CHECK_EQ(sl_pool_size(p), 3);
    sl_pool_free(p);
}

SL_TEST(pool_worker_index_is_minus_one_off_pool)
{
    sl_pool *p = sl_pool_new(2);
    CHECK_EQ(sl_pool_worker_index(p), -1);
    sl_pool_free(p);
}

typedef struct {
    sl_pool *pool;
    _Atomic long seen[4];
    _Atomic long done;
} index_probe;

static int record_index(void *arg)
{
    index_probe *ip = arg;
    int i = sl_pool_worker_index(ip->pool);
    if (i >= 0 && i < 4)
        atomic_fetch_add(&ip->seen[i], 1);
    atomic_fetch_add(&ip->done, 1);
    return 0;
}

SL_TEST(pool_worker_index_is_in_range_on_pool)
{
    index_probe ip = {0};
    ip.pool = sl_pool_new(4);
    for (int i = 0; i < 200; i++)
        CHECK_EQ(sl_pool_submit(ip.pool, record_index, &ip), SL_OK);
    CHECK(wait_until(&ip.done, 200, 30));
    long total = 0;
    for (int i = 0; i < 4; i++)
        total += atomic_load(&ip.seen[i]);
    CHECK_EQ(total, 200); /* every task saw an index in [0, 4) */
    sl_pool_free(ip.pool);
}

enum { OUTSIDE_TASKS = 20000 };

typedef struct {
    _Atomic long runs[OUTSIDE_TASKS];
    _Atomic long done;
} once_table;

typedef struct {
    once_table *t;
    int i;
} once_arg;

static int run_once(void *arg)
{
    once_arg *a = arg;
    atomic_fetch_add(&a->t->runs[a->i], 1);
    atomic_fetch_add(&a->t->done, 1);
    return 0;
}

SL_TEST(pool_submit_from_outside_runs_every_task_once)
{
    once_table *t = calloc(1, sizeof *t);
    once_arg *args = malloc(OUTSIDE_TASKS * sizeof *args);
    sl_pool *p = sl_pool_new(2);
    for (int i = 0; i < OUTSIDE_TASKS; i++) {
        args[i] = (once_arg){t, i};
        CHECK_EQ(sl_pool_submit(p, run_once, &args[i]), SL_OK);
    }
    CHECK(wait_until(&t->done, OUTSIDE_TASKS, 60));
    for (int i = 0; i < OUTSIDE_TASKS; i++)
        CHECK_EQ(atomic_load(&t->runs[i]), 1);
    sl_pool_free(p);
    free(args);
    free(t);
}

/* With one worker there is no thief: subtasks submitted from inside a
 * task run in LIFO order exactly when they sit on that worker's deque
 * (the injection queue would run them first in, first out). */
typedef struct {
    sl_pool *pool;
    int order[8];
    _Atomic long n;
} lifo_probe;

typedef struct {
    lifo_probe *lp;
    int id;
} lifo_arg;

static int lifo_child(void *arg)
{
    lifo_arg *a = arg;
    long k = atomic_fetch_add(&a->lp->n, 1);
    a->lp->order[k] = a->id;
    return 0;
}

static lifo_arg lifo_args[8];

static int lifo_parent(void *arg)
{
    lifo_probe *lp = arg;
    for (int i = 0; i < 8; i++) {
        lifo_args[i] = (lifo_arg){lp, i};
        CHECK_EQ(sl_pool_submit(lp->pool, lifo_child, &lifo_args[i]), SL_OK);
    }
    return 0;
}

SL_TEST(pool_submit_from_inside_goes_to_own_deque)
{
    lifo_probe lp = {0};
    lp.pool = sl_pool_new(1);
    CHECK_EQ(sl_pool_submit(lp.pool, lifo_parent, &lp), SL_OK);
    CHECK(wait_until(&lp.n, 8, 30));
    for (int i = 0; i < 8; i++)
        CHECK_EQ(lp.order[i], 7 - i);
    sl_pool_free(lp.pool);
}

static int nop(void *arg)
{
    (void)arg;
    return 0;
}

SL_TEST(pool_submit_rejects_null_arguments)
{
    sl_pool *p = sl_pool_new(1);
    CHECK_EQ(sl_pool_submit(p, NULL, NULL), SL_INVAL);
    CHECK_EQ(sl_pool_submit(NULL, nop, NULL), SL_INVAL);
    CHECK(sl_group_new(NULL) == NULL);
    sl_pool_free(p);
    sl_pool_free(NULL);
}

static int bump(void *arg)
{
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

/* Each round lets the workers go back to sleep (a random pause, often
 * longer than their spin), then submits one task from outside: a lost
 * wake-up leaves the task queued and the round times out. */
SL_TEST(pool_wakes_a_sleeping_worker_for_every_submit)
{
    sl_pool *p = sl_pool_new(2);
    _Atomic long ran = 0;
    long rounds = 1000L * sl_test_stress();
    for (long i = 0; i < rounds; i++) {
        struct timespec ts = {0, (long)(sl_test_rand() % 200000)};
        nanosleep(&ts, NULL);
        CHECK_EQ(sl_pool_submit(p, bump, &ran), SL_OK);
        CHECK(wait_until(&ran, i + 1, 10));
    }
    sl_pool_free(p);
}

/* A new pool's workers start away from the CPU of the thread that made
 * it (Linux puts a new thread on its creator's CPU and leaves an idle one
 * to notice later: milliseconds), then may run on every CPU their creator
 * may: nothing stays pinned. */
static cpu_set_t creator_set;
static atomic_int at_barrier, set_differs, noted;

static int note_affinity(void *arg)
{
    size_t n = (size_t)(uintptr_t)arg;
    cpu_set_t s;
    if (sched_getaffinity(0, sizeof s, &s) != 0 || !CPU_EQUAL(&s, &creator_set))
        atomic_fetch_add(&set_differs, 1);
    /* every worker holds one of these at once: each reports its own set */
    atomic_fetch_add(&at_barrier, 1);
    int64_t until = sl_now() + 10 * (int64_t)1000000000;
    while ((size_t)atomic_load(&at_barrier) < n && sl_now() < until)
        sched_yield();
    atomic_fetch_add(&noted, 1);
    return 0;
}

SL_TEST(pool_workers_start_away_from_their_creator_then_run_anywhere)
{
    CHECK_EQ(sched_getaffinity(0, sizeof creator_set, &creator_set), 0);
    size_t cpus = (size_t)CPU_COUNT(&creator_set);
    size_t n = cpus < 4 ? 2 : 4;
    for (int round = 0; round < 20; round++) {
        sl_pool *p = sl_pool_new(n);
        CHECK(p);
        for (size_t i = 0; i < n; i++) {
            int creator, start;
            int64_t until = sl_now() + 10 * (int64_t)1000000000;
            while ((start = sl__pool_start_cpu(p, i, &creator)) == -2 && sl_now() < until)
                sched_yield();
            CHECK(start >= 0);
            if (cpus > 1) {
                CHECK(creator >= 0);
                CHECK(start != creator);
            } else {
                CHECK_EQ(creator, -1);
            }
        }
        atomic_store(&at_barrier, 0);
        atomic_store(&set_differs, 0);
        atomic_store(&noted, 0);
        /* submitted from outside: only workers run them, n at once */
        for (size_t i = 0; i < n; i++)
            CHECK_EQ(sl_pool_submit(p, note_affinity, (void *)(uintptr_t)n), SL_OK);
        int64_t until = sl_now() + 20 * (int64_t)1000000000;
        while (atomic_load(&noted) < (int)n && sl_now() < until)
            sched_yield();
        CHECK_EQ(atomic_load(&noted), (int)n);
        CHECK_EQ(atomic_load(&set_differs), 0);
        sl_pool_free(p);
    }
}
