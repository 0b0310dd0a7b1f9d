/* order_test.c - what the sink sees: every item once, in order when asked. */
#include <unistd.h>

#include "fixture.h"

SL_TEST(pipeline_ordered_reassembles_with_random_delays)
{
    fixture f;
    fx_init(&f, FX_N(3000));
    f.delay_us = 200; /* workers finish out of order all the time */
    CHECK_EQ(fx_run(&f, 4, 2, 1, NULL), 0);
    CHECK_EQ(f.out_of_order, 0);
    CHECK_EQ(f.delivered, f.n);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_unordered_delivers_every_item_exactly_once)
{
    fixture f;
    fx_init(&f, FX_N(50000));
    CHECK_EQ(fx_run(&f, 3, 4, 0, NULL), 0);
    CHECK_EQ(f.delivered, f.n);
    for (uint64_t i = 0; i < f.n; i++)
        CHECK(f.seen[i]);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_unordered_does_reorder_with_random_delays)
{
    /* The control for the ordered test: the same load without the reorder
     * buffer does arrive out of order, so that test can fail. */
    fixture f;
    fx_init(&f, FX_N(2000));
    f.delay_us = 200;
    CHECK_EQ(fx_run(&f, 4, 2, 0, NULL), 0);
    CHECK_EQ(f.out_of_order, 1);
    CHECK_EQ(f.delivered, f.n);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_one_worker_depth_one_keeps_order)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        fixture f;
        fx_init(&f, FX_N(5000));
        CHECK_EQ(fx_run(&f, 1, 1, ordered, NULL), 0);
        CHECK_EQ(f.out_of_order, 0); /* one worker: FIFO all the way */
        CHECK_EQ(f.delivered, f.n);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}

SL_TEST(pipeline_zero_items_returns_zero_without_calling_sink)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        fixture f;
        fx_init(&f, 0);
        CHECK_EQ(fx_run(&f, 2, 1, ordered, NULL), 0);
        CHECK_EQ(f.delivered, 0);
        CHECK_EQ(atomic_load(&f.work_calls), 0);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}

SL_TEST(pipeline_many_workers_more_than_items)
{
    fixture f;
    fx_init(&f, 3);
    CHECK_EQ(fx_run(&f, 16, 1, 1, NULL), 0);
    CHECK_EQ(f.delivered, 3);
    CHECK_EQ(f.out_of_order, 0);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_defaults_use_online_cpus_and_twice_as_deep)
{
    fixture f;
    fx_init(&f, FX_N(1000));
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, NULL);
    CHECK(p != NULL);
    size_t cpus = (size_t)sysconf(_SC_NPROCESSORS_ONLN);
    CHECK_EQ(sl_pipeline_workers(p), cpus);
    CHECK_EQ(sl_pipeline_inflight_max(p), 2 * (2 * cpus) + cpus);
    CHECK_EQ(sl_pipeline_run(p), 0);
    sl_pipeline_free(p);
    CHECK_EQ(f.delivered, f.n);
    fx_check_clean(&f);
    fx_fini(&f);
}
