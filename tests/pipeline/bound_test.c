/* bound_test.c - items alive never exceed depth + workers + depth. */
#include "fixture.h"

/* Item 0 is slow, so in ordered mode nothing can reach the sink until it
 * is done: without the credits the reorder buffer would take every other
 * item.  The count of live items must reach the bound (the pipeline does
 * fill up) and never pass it. */
static void check_bound(size_t workers, size_t depth, int ordered)
{
    fixture f;
    fx_init(&f, FX_N(4000));
    f.first_delay_ms = 100;
    sl_pipeline_config cfg = {workers, depth, ordered, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
    CHECK(p != NULL);
    int64_t bound = (int64_t)sl_pipeline_inflight_max(p);
    CHECK_EQ(bound, (int64_t)(depth + workers + depth));
    CHECK_EQ(sl_pipeline_run(p), 0);
    sl_pipeline_free(p);
    CHECK(atomic_load(&f.live_max) <= bound);
    if (ordered) {
        CHECK_EQ(atomic_load(&f.live_max), bound);
        CHECK_EQ(f.out_of_order, 0);
    }
    CHECK_EQ(f.delivered, f.n);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_inflight_bound_holds_with_slow_first_item_ordered)
{
    check_bound(2, 2, 1);
    check_bound(3, 1, 1);
}

SL_TEST(pipeline_inflight_bound_holds_with_slow_first_item_unordered)
{
    check_bound(2, 2, 0);
    check_bound(1, 3, 0);
}

SL_TEST(pipeline_inflight_bound_holds_with_random_delays)
{
    fixture f;
    fx_init(&f, FX_N(3000));
    f.delay_us = 300;
    sl_pipeline_config cfg = {4, 3, 1, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
    CHECK(p != NULL);
    CHECK_EQ(sl_pipeline_run(p), 0);
    CHECK(atomic_load(&f.live_max) <= (int64_t)sl_pipeline_inflight_max(p));
    sl_pipeline_free(p);
    CHECK_EQ(f.out_of_order, 0);
    fx_check_clean(&f);
    fx_fini(&f);
}
