/*
 * test_pool_idle.c - idle workers sleep: a pool of two threads with
 * nothing to do uses under 1% of one CPU over five seconds.  Release-only:
 * sanitizer runtimes run their own background threads.
 */
#include <stdatomic.h>
#include <time.h>

#include "check.h"
#include "sluice/pool.h"

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bump(void *arg)
{
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

SL_TEST(pool_idle_workers_use_no_cpu)
{
    sl_pool *p = sl_pool_new(2);
    /* Wake both workers with a burst first, so they go idle the way they
     * do in real use: after running work, through the spin, to sleep. */
    _Atomic long n = 0;
    sl_group *g = sl_group_new(p);
    for (int i = 0; i < 100000; i++)
        CHECK_EQ(sl_group_spawn(g, bump, &n), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    CHECK_EQ(atomic_load(&n), 100000);

    int64_t cpu0 = cpu_ns(), wall0 = sl_now();
    struct timespec ts = {5, 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
    int64_t cpu = cpu_ns() - cpu0, wall = sl_now() - wall0;
    printf("idle pool of 2: %.3f ms CPU over %.3f s (%.4f%%)\n", (double)cpu / 1e6, (double)wall / 1e9,
           100.0 * (double)cpu / (double)wall);
    CHECK(cpu * 100 < wall); /* under 1% */
    sl_pool_free(p);
}
