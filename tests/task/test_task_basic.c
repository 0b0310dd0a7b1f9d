/* test_task_basic.c - starting tasks, groups, yield, sleep, stacks: the
 * task API on its own, without channels. */
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

static int record_in_task(void *arg)
{
    int *out = arg;
    out[0] = sl_in_task();
    out[1] = 1;
    return 0;
}

SL_TEST(task_in_task_is_one_inside_and_zero_outside)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    int seen[2] = {-1, 0};
    CHECK_EQ(sl_group_go(g, record_in_task, seen), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(seen[0], 1);
    CHECK_EQ(seen[1], 1);
    CHECK_EQ(sl_in_task(), 0);
    sl_group_free(g);
    sl_pool_free(p);
}

static int count_one(void *arg)
{
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

SL_TEST(task_go_runs_every_task_once)
{
    sl_pool *p = sl_pool_new(2);
    _Atomic long n = 0;
    long want = (long)SL_TASK_MANY(100000);
    for (long i = 0; i < want; i++)
        CHECK_EQ(sl_go(p, count_one, &n), SL_OK);
    sl_pool_free(p); /* waits for every task */
    CHECK_EQ(atomic_load(&n), want);
}

static int fail_with(void *arg)
{
    return (int)(intptr_t)arg;
}

SL_TEST(task_group_wait_returns_first_error)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, fail_with, (void *)(intptr_t)0), SL_OK);
    CHECK_EQ(sl_group_go(g, fail_with, (void *)(intptr_t)7), SL_OK);
    CHECK_EQ(sl_group_wait(g), 7);
    CHECK_EQ(sl_group_wait(g), 0); /* handed out once */
    sl_group_free(g);
    sl_pool_free(p);
}

SL_TEST(task_go_rejects_null_arguments)
{
    sl_pool *p = sl_pool_new(1);
    CHECK_EQ(sl_go(NULL, count_one, NULL), SL_INVAL);
    CHECK_EQ(sl_go(p, NULL, NULL), SL_INVAL);
    CHECK_EQ(sl_group_go(NULL, count_one, NULL), SL_INVAL);
    sl_pool_free(p);
}
