/*
 * test_pool_steal.c - work stealing under stress: a tree of tasks of
 * uneven cost spawned from inside the pool (so thieves take from busy
 * deques) and from outside it, every task counted, each must run once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "sluice/pool.h"
#include "wait_until.h"

typedef struct {
    sl_pool *pool;
    sl_group *group;
    _Atomic long *runs; /* one counter per task id */
    long fanout_below; /* ids below this spawn children */
    long ntasks;
} tree;

typedef struct {
    tree *t;
    long id;
} node;

/* Uneven work the compiler cannot remove (the asm hides x's value). */
static void burn(unsigned n)
{
    unsigned x = 0;
    for (unsigned i = 0; i < n; i++) {
        x += i;
        __asm__ __volatile__("" : "+r"(x));
    }
}

/* Node id has children 4*id+1 .. 4*id+4 (those below ntasks), spawned
 * into the shared group from inside the running task. */
static int node_task(void *arg)
{
    node *nd = arg;
    tree *t = nd->t;
    atomic_fetch_add(&t->runs[nd->id], 1);
    burn((unsigned)(nd->id * 2654435761u) % 300);
    for (long c = 4 * nd->id + 1; c <= 4 * nd->id + 4 && c < t->ntasks; c++) {
        node *child = malloc(sizeof *child);
        *child = (node){t, c};
        CHECK_EQ(sl_group_spawn(t->group, node_task, child), SL_OK);
    }
    free(nd);
    return 0;
}

static void run_tree(tree *t)
{
    t->runs = calloc((size_t)t->ntasks, sizeof *t->runs);
    t->group = sl_group_new(t->pool);
    node *root = malloc(sizeof *root);
    *root = (node){t, 0};
    CHECK_EQ(sl_group_spawn(t->group, node_task, root), SL_OK);
    CHECK_EQ(sl_group_wait(t->group), 0);
    for (long i = 0; i < t->ntasks; i++)
        CHECK_EQ(atomic_load(&t->runs[i]), 1);
    sl_group_free(t->group);
    free(t->runs);
}

SL_TEST(pool_steal_runs_every_task_once)
{
    for (int round = 0; round < 4 * sl_test_stress(); round++) {
        tree t = {0};
        t.pool = sl_pool_new(4);
        t.ntasks = 30000;
        run_tree(&t);
        sl_pool_free(t.pool);
    }
}

/* Outside threads spawn trees into one group at once while the waiter
 * helps: the injection queue, the deques and the helper all race. */
typedef struct {
    tree *t;
    long first, count;
} spawner;

static void *spawn_roots(void *arg)
{
    spawner *s = arg;
    for (long i = 0; i < s->count; i++) {
        node *nd = malloc(sizeof *nd);
        *nd = (node){s->t, s->first + i};
        CHECK_EQ(sl_group_spawn(s->t->group, node_task, nd), SL_OK);
    }
    return NULL;
}

SL_TEST(pool_steal_runs_every_task_once_with_outside_spawners)
{
    for (int round = 0; round < 4 * sl_test_stress(); round++) {
        tree t = {0};
        t.pool = sl_pool_new(3);
        t.ntasks = 20000;
        t.runs = calloc((size_t)t.ntasks, sizeof *t.runs);
        t.group = sl_group_new(t.pool);
        /* Ids 0..3 have no parent in the tree but 0; give the spawners
         * the roots of four disjoint subtrees: 1, 2, 3, 4 (children of 0),
         * and count 0 as run by hand. */
        atomic_store(&t.runs[0], 1);
        pthread_t th[4];
        spawner s[4];
        for (int i = 0; i < 4; i++) {
            s[i] = (spawner){&t, 1 + i, 1};
            pthread_create(&th[i], NULL, spawn_roots, &s[i]);
        }
        for (int i = 0; i < 4; i++)
            pthread_join(th[i], NULL);
        CHECK_EQ(sl_group_wait(t.group), 0);
        for (long i = 0; i < t.ntasks; i++)
            CHECK_EQ(atomic_load(&t.runs[i]), 1);
        sl_group_free(t.group);
        free(t.runs);
        sl_pool_free(t.pool);
    }
}

/* A task spawns work onto its own deque and then blocks until some of it
 * has run elsewhere: nobody outside the pool helps, so the only way the
 * other worker gets that work is by stealing it. */
typedef struct {
    sl_pool *pool;
    int owner;
    _Atomic long stolen, done;
} thief_probe;

static int note_thief(void *arg)
{
    thief_probe *tp = arg;
    if (sl_pool_worker_index(tp->pool) != tp->owner)
        atomic_fetch_add(&tp->stolen, 1);
    return 0;
}

static int spawn_then_block(void *arg)
{
    thief_probe *tp = arg;
    tp->owner = sl_pool_worker_index(tp->pool);
    sl_group *g = sl_group_new(tp->pool);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(sl_group_spawn(g, note_thief, tp), SL_OK);
    CHECK(wait_until(&tp->stolen, 1, 60));
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    atomic_store(&tp->done, 1);
    return 0;
}

SL_TEST(pool_steal_takes_work_from_a_busy_worker)
{
    for (int round = 0; round < 20; round++) {
        thief_probe tp = {sl_pool_new(2), -1, 0, 0};
        CHECK_EQ(sl_pool_submit(tp.pool, spawn_then_block, &tp), SL_OK);
        CHECK(wait_until(&tp.done, 1, 60));
        CHECK(atomic_load(&tp.stolen) >= 1);
        sl_pool_free(tp.pool);
    }
}
