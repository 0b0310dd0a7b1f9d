/* error_test.c - the first error stops every stage, frees every item and
 * reaches the caller, whichever stage returned it. */
#include "fixture.h"

enum { FAIL_SOURCE, FAIL_WORK, FAIL_SINK };

static void check_error(int where, int64_t at, int ordered, size_t workers, size_t depth)
{
    fixture f;
    fx_init(&f, FX_N(2000));
    if (at >= (int64_t)f.n)
        at = (int64_t)f.n / 3;
    f.fail_code = -42 - where;
    if (where == FAIL_SOURCE)
        f.fail_source_at = at;
    else if (where == FAIL_WORK)
        f.fail_work_at = at;
    else
        f.fail_sink_at = at;
    CHECK_EQ(fx_run(&f, workers, depth, ordered, NULL), -42 - where);
    /* In order nothing at or past the failure is delivered (out of order,
     * any number of items may overtake a slow one). */
    if (ordered)
        CHECK((int64_t)f.delivered <= at);
    CHECK(f.delivered < f.n);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_source_error_stops_and_frees_every_item)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        check_error(FAIL_SOURCE, 700, ordered, 3, 2);
        check_error(FAIL_SOURCE, 0, ordered, 2, 1);
    }
}

SL_TEST(pipeline_worker_error_stops_and_frees_every_item)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        check_error(FAIL_WORK, 500, ordered, 3, 2);
        check_error(FAIL_WORK, 0, ordered, 1, 1);
    }
}

SL_TEST(pipeline_sink_error_stops_and_frees_every_item)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        check_error(FAIL_SINK, 300, ordered, 3, 4);
        check_error(FAIL_SINK, 0, ordered, 2, 1);
    }
}

SL_TEST(pipeline_sink_error_in_order_delivers_exactly_the_prefix)
{
    /* Ordered: the sink saw items 0..at-1 in order, then stopped. */
    fixture f;
    fx_init(&f, 2000);
    f.fail_sink_at = 321;
    f.delay_us = 20;
    CHECK_EQ(fx_run(&f, 3, 2, 1, NULL), -100);
    CHECK_EQ(f.delivered, 321);
    CHECK_EQ(f.out_of_order, 0);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_positive_error_codes_reach_the_caller)
{
    fixture f;
    fx_init(&f, 100);
    f.fail_work_at = 50;
    f.fail_code = 7;
    CHECK_EQ(fx_run(&f, 2, 2, 0, NULL), 7);
    fx_check_clean(&f);
    fx_fini(&f);
}

/* Items that need no release: drop may be NULL. */
static int count_source(void *ctx, void **item, size_t *bytes)
{
    int *n = ctx;
    *bytes = 0;
    *item = NULL;
    return (*n)++ < 1000 ? 1 : 0;
}
static int pass_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)ctx, (void)worker, (void)bytes;
    *out = in;
    return 0;
}
static int failing_sink(void *ctx, void *item, size_t bytes)
{
    (void)ctx, (void)item, (void)bytes;
    return -5;
}

SL_TEST(pipeline_error_without_drop_callback)
{
    sl_pipeline_ops ops = {count_source, pass_work, failing_sink, NULL};
    int n = 0;
    sl_pipeline_config cfg = {2, 2, 1, NULL};
    sl_pipeline *p = sl_pipeline_new(&ops, &n, &cfg);
    CHECK(p != NULL);
    CHECK_EQ(sl_pipeline_run(p), -5);
    sl_pipeline_free(p);
}

SL_TEST(pipeline_stress_random_failure_points)
{
    int rounds = (FX_TSAN ? 100 : 300) * sl_test_stress();
    for (int i = 0; i < rounds; i++) {
        fixture f;
        fx_init(&f, 1 + sl_test_rand() % 200);
        int64_t at = (int64_t)(sl_test_rand() % (f.n + 20)); /* sometimes never */
        switch (sl_test_rand() % 3) {
        case 0: f.fail_source_at = at; break;
        case 1: f.fail_work_at = at; break;
        default: f.fail_sink_at = at; break;
        }
        int r = fx_run(&f, 1 + sl_test_rand() % 4, 1 + sl_test_rand() % 4, (int)(sl_test_rand() % 2), NULL);
        CHECK(r == 0 || r == -100);
        CHECK_EQ(r == 0, at >= (int64_t)f.n);
        if (r == 0)
            CHECK_EQ(f.delivered, f.n);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}

SL_TEST(pipeline_sink_and_drop_run_on_the_callers_thread)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        fixture f;
        fx_init(&f, UINT64_MAX);
        f.fail_work_at = 0;
        f.first_delay_ms = 30; /* in order, every other credit's item waits */
        CHECK_EQ(fx_run(&f, 3, 4, ordered, NULL), -100);
        if (ordered) /* so drop did run: more freed than delivered + item 0 */
            CHECK(atomic_load(&f.frees) > (int64_t)f.delivered + 1);
        CHECK_EQ(atomic_load(&f.wrong_thread), 0);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}
