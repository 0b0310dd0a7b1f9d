/*
 * test_pool_shutdown.c - sl_pool_free with work still queued: every task
 * runs exactly once, including what tasks spawn while the pool closes.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "sluice/pool.h"

enum { QUEUED = 20000 };

typedef struct {
    _Atomic long runs[QUEUED];
} table;

typedef struct {
    table *t;
    int i;
} slot_arg;

static int run_slot(void *arg)
{
    slot_arg *a = arg;
    unsigned x = 0;
    for (unsigned k = 0; k < 200; k++) { /* a little work, so a queue builds up */
        x += k;
        __asm__ __volatile__("" : "+r"(x));
    }
    atomic_fetch_add(&a->t->runs[a->i], 1);
    return 0;
}

SL_TEST(pool_free_runs_every_queued_task)
{
    for (int round = 0; round < 3 * sl_test_stress(); round++) {
        table *t = calloc(1, sizeof *t);
        slot_arg *args = malloc(QUEUED * sizeof *args);
        sl_pool *p = sl_pool_new(2);
        for (int i = 0; i < QUEUED; i++) {
            args[i] = (slot_arg){t, i};
            CHECK_EQ(sl_pool_submit(p, run_slot, &args[i]), SL_OK);
        }
        sl_pool_free(p); /* right away: most tasks are still queued */
        for (int i = 0; i < QUEUED; i++)
            CHECK_EQ(atomic_load(&t->runs[i]), 1);
        free(args);
        free(t);
    }
}

/* Each queued task fans out into a group of its own and waits: the
 * subtasks are spawned while sl_pool_free is already waiting. */
typedef struct {
    sl_pool *pool;
    table *t;
    int first;
} fan_arg;

static int fan_out(void *arg)
{
    fan_arg *f = arg;
    slot_arg kids[10];
    sl_group *g = sl_group_new(f->pool);
    CHECK(g);
    for (int i = 0; i < 10; i++) {
        kids[i] = (slot_arg){f->t, f->first + i};
        CHECK_EQ(sl_group_spawn(g, run_slot, &kids[i]), SL_OK);
    }
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    return 0;
}

SL_TEST(pool_free_runs_subtasks_spawned_while_closing)
{
    table *t = calloc(1, sizeof *t);
    fan_arg *args = malloc(QUEUED / 10 * sizeof *args);
    sl_pool *p = sl_pool_new(2);
    for (int i = 0; i < QUEUED / 10; i++) {
        args[i] = (fan_arg){p, t, i * 10};
        CHECK_EQ(sl_pool_submit(p, fan_out, &args[i]), SL_OK);
    }
    sl_pool_free(p);
    for (int i = 0; i < QUEUED; i++)
        CHECK_EQ(atomic_load(&t->runs[i]), 1);
    free(args);
    free(t);
}

/* A task that keeps submitting until the pool says it is closing; the
 * submits that were accepted still run. */
typedef struct {
    sl_pool *pool;
    _Atomic long accepted, ran, saw_closed;
} closer;

static int count_run(void *arg)
{
    atomic_fetch_add(&((closer *)arg)->ran, 1);
    return 0;
}

static int submit_until_closed(void *arg)
{
    closer *c = arg;
    int64_t deadline = sl_deadline_in(30000000000);
    while (sl_now() < deadline) {
        int rc = sl_pool_submit(c->pool, count_run, c);
        if (rc == SL_CLOSED) {
            atomic_store(&c->saw_closed, 1);
            return 0;
        }
        CHECK_EQ(rc, SL_OK);
        atomic_fetch_add(&c->accepted, 1);
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

SL_TEST(pool_submit_while_closing_returns_closed)
{
    closer c = {sl_pool_new(2), 0, 0, 0};
    CHECK_EQ(sl_pool_submit(c.pool, submit_until_closed, &c), SL_OK);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
    sl_pool_free(c.pool);
    CHECK_EQ(atomic_load(&c.saw_closed), 1);
    CHECK_EQ(atomic_load(&c.ran), atomic_load(&c.accepted));
}

SL_TEST(pool_free_of_idle_pool_returns_promptly)
{
    for (int i = 0; i < 20; i++) {
        int64_t t0 = sl_now();
        sl_pool *p = sl_pool_new(4);
        CHECK(p);
        sl_pool_free(p);
        CHECK(sl_now() - t0 < 5000000000); /* no sleeper left behind */
    }
}
