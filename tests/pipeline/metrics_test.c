/* metrics_test.c - what a pipeline reports into cfg->metrics. */
#include <string.h>

#include "fixture.h"

static int find(sl_metrics *m, const char *name, sl_stage_stats *st)
{
    for (int i = 0; i < sl_metrics_nstages(m); i++)
        if (sl_metrics_read(m, i, st) == SL_OK && strcmp(st->name, name) == 0)
            return 1;
    return 0;
}

typedef struct progress_seen {
    uint64_t calls, last_done, last_bytes;
} progress_seen;

static void on_progress(void *arg, uint64_t done, uint64_t total, uint64_t bytes)
{
    progress_seen *s = arg;
    (void)total;
    s->calls++;
    s->last_done = done;
    s->last_bytes = bytes;
}

SL_TEST(pipeline_metrics_count_every_stage)
{
    fixture f;
    fx_init(&f, FX_N(3000));
    f.delay_us = 10;
    sl_metrics *m = sl_metrics_new();
    progress_seen ps = {0, 0, 0};
    sl_metrics_on_progress(m, on_progress, &ps, 0);
    CHECK_EQ(fx_run(&f, 2, 2, 1, m), 0);
    sl_metrics_progress_done(m);

    sl_stage_stats st;
    CHECK(find(m, "source", &st));
    CHECK_EQ(st.items, f.n);
    CHECK_EQ(st.bytes, 10 * f.n);
    CHECK_EQ(st.depth, 0);
    CHECK(st.depth_max >= 1 && st.depth_max <= 2 + 2 + 2); /* items in flight */
    CHECK_EQ(st.waits, f.n);
    CHECK(find(m, "work", &st));
    CHECK_EQ(st.items, f.n);
    CHECK_EQ(st.bytes, 20 * f.n);
    CHECK(st.busy_ns >= 0);
    CHECK_EQ(st.depth, 0);
    /* `in` holds 2; a sender counts before and a receiver after it moves. */
    CHECK(st.depth_max >= 1 && st.depth_max <= 2 + 1 + 2);
    CHECK(find(m, "sink", &st));
    CHECK_EQ(st.items, f.n);
    CHECK_EQ(st.depth, 0);
    CHECK(st.items_per_s > 0);
    CHECK(ps.calls >= 2);
    CHECK_EQ(ps.last_done, f.n);
    CHECK_EQ(ps.last_bytes, 20 * f.n);
    sl_metrics_free(m);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_metrics_depths_return_to_zero_after_an_error)
{
    for (int ordered = 0; ordered <= 1; ordered++) {
        fixture f;
        fx_init(&f, FX_N(2000));
        f.fail_work_at = (int64_t)f.n / 2;
        f.delay_us = 20;
        sl_metrics *m = sl_metrics_new();
        CHECK_EQ(fx_run(&f, 3, 3, ordered, m), -100);
        const char *names[] = {"source", "work", "sink"};
        for (int i = 0; i < 3; i++) {
            sl_stage_stats st;
            CHECK(find(m, names[i], &st));
            CHECK_EQ(st.depth, 0);
        }
        sl_metrics_free(m);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}
