/* hist_test.c - the histogram's buckets and the percentiles read from them. */
#include "check.h"
#include "metrics_hist.h"
#include "sluice/metrics.h"

SL_TEST(metrics_hist_buckets_cover_every_value_within_one_eighth)
{
    unsigned prev = 0;
    for (int64_t v = 0; v < 100000; v++) {
        unsigned b = sl__hist_bucket(v);
        CHECK(b >= prev); /* monotonic */
        prev = b;
        CHECK(sl__hist_lower(b) <= v && v <= sl__hist_upper(b));
    }
    for (int i = 0; i < 100000; i++) {
        int64_t v = (int64_t)(sl_test_rand() >> (sl_test_rand() % 64));
        if (v < 0)
            v = -v;
        unsigned b = sl__hist_bucket(v);
        CHECK(b < SL__HIST_BUCKETS);
        int64_t lo = sl__hist_lower(b), hi = sl__hist_upper(b);
        CHECK(lo <= v && v <= hi);
        CHECK(hi - lo <= (lo < 16 ? 0 : lo / 8)); /* relative error <= 12.5% */
    }
    CHECK_EQ(sl__hist_bucket(INT64_MAX), SL__HIST_BUCKETS - 1);
    CHECK_EQ(sl__hist_upper(SL__HIST_BUCKETS - 1), INT64_MAX);
    CHECK_EQ(sl__hist_bucket(-5), 0);
}

static sl_stage_stats stats_of(sl_metrics *m)
{
    sl_stage_stats st;
    CHECK_EQ(sl_metrics_read(m, 0, &st), SL_OK);
    return st;
}

SL_TEST(metrics_percentiles_from_known_data)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *s = sl_metrics_stage(m, "s");
    /* 1..1000 microseconds, shuffled order does not matter. */
    for (int64_t us = 1000; us >= 1; us--)
        sl_stage_wait(s, us * 1000);
    sl_stage_stats st = stats_of(m);
    CHECK_EQ(st.waits, 1000);
    CHECK_EQ(st.wait_max_ns, 1000000);
    /* The true p50 is 500 us, p95 950 us, p99 990 us; buckets are 1/8 wide. */
    CHECK(st.wait_p50_ns >= 500000 && st.wait_p50_ns <= 500000 + 500000 / 8);
    CHECK(st.wait_p95_ns >= 950000 && st.wait_p95_ns <= 950000 + 950000 / 8);
    CHECK(st.wait_p99_ns >= 990000 && st.wait_p99_ns <= 1000000); /* capped at max */
    sl_metrics_free(m);
}

SL_TEST(metrics_percentiles_exact_for_small_values)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *s = sl_metrics_stage(m, "s");
    for (int64_t v = 0; v < 10; v++)
        sl_stage_wait(s, v);
    sl_stage_stats st = stats_of(m);
    CHECK_EQ(st.wait_p50_ns, 4); /* the 5th smallest of 0..9 */
    CHECK_EQ(st.wait_p95_ns, 9);
    CHECK_EQ(st.wait_max_ns, 9);
    sl_metrics_free(m);
}

SL_TEST(metrics_percentiles_see_a_slow_tail)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *s = sl_metrics_stage(m, "s");
    for (int i = 0; i < 980; i++)
        sl_stage_wait(s, 1000);
    for (int i = 0; i < 20; i++)
        sl_stage_wait(s, 50000000); /* 2% at 50 ms */
    sl_stage_stats st = stats_of(m);
    CHECK(st.wait_p50_ns >= 1000 && st.wait_p50_ns <= 1125);
    CHECK(st.wait_p95_ns >= 1000 && st.wait_p95_ns <= 1125);
    CHECK_EQ(st.wait_p99_ns, 50000000);
    sl_metrics_free(m);
}

SL_TEST(metrics_empty_stage_reads_zeros)
{
    sl_metrics *m = sl_metrics_new();
    sl_metrics_stage(m, "idle");
    sl_stage_stats st = stats_of(m);
    CHECK_EQ(st.waits, 0);
    CHECK_EQ(st.wait_p50_ns, 0);
    CHECK_EQ(st.wait_p99_ns, 0);
    CHECK_EQ(st.items, 0);
    sl_metrics_free(m);
}
