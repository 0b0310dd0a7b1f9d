/* progress_test.c - the progress callback's rate limit and final call. */
#include <pthread.h>
#include <stdatomic.h>

#include "check.h"
#include "sluice/metrics.h"

typedef struct seen {
    _Atomic int calls, inside, overlapped;
    uint64_t done, total, bytes;
} seen;

static void on_progress(void *arg, uint64_t done, uint64_t total, uint64_t bytes)
{
    seen *s = arg;
    if (atomic_fetch_add(&s->inside, 1) != 0)
        atomic_store(&s->overlapped, 1);
    atomic_fetch_add(&s->calls, 1);
    s->done = done;
    s->total = total;
    s->bytes = bytes;
    atomic_fetch_sub(&s->inside, 1);
}

typedef struct reporter {
    sl_metrics *m;
    int64_t until;
    _Atomic uint64_t *reports;
} reporter;

static void *report_main(void *arg)
{
    reporter *r = arg;
    while (sl_now() < r->until) {
        sl_metrics_progress(r->m, 1, 10);
        atomic_fetch_add(r->reports, 1);
    }
    return NULL;
}

SL_TEST(metrics_progress_is_rate_limited)
{
    sl_metrics *m = sl_metrics_new();
    seen s = {0};
    const int64_t interval = 20 * 1000000, span = 200 * 1000000;
    sl_metrics_on_progress(m, on_progress, &s, interval);
    _Atomic uint64_t reports = 0;
    int64_t start = sl_now();
    reporter r = {m, start + span, &reports};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, report_main, &r), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    int64_t took = sl_now() - start;
    int calls = atomic_load(&s.calls);
    /* At most one call per interval (the first comes at once); and with
     * thousands of reports, the limiter does let calls through. */
    CHECK(atomic_load(&reports) > 1000);
    CHECK(calls <= took / interval + 1);
    CHECK(calls >= 3);
    CHECK_EQ(atomic_load(&s.overlapped), 0);

    sl_metrics_progress_done(m);
    CHECK_EQ(atomic_load(&s.calls), calls + 1);
    CHECK_EQ(s.done, atomic_load(&reports));
    CHECK_EQ(s.bytes, 10 * atomic_load(&reports));
    sl_metrics_free(m);
}

SL_TEST(metrics_progress_total_unknown_then_set)
{
    sl_metrics *m = sl_metrics_new();
    seen s = {0};
    sl_metrics_on_progress(m, on_progress, &s, 0); /* 0: every report */
    sl_metrics_progress(m, 2, 5);
    CHECK_EQ(s.total, 0);
    CHECK_EQ(s.done, 2);
    sl_metrics_set_total(m, 10);
    sl_metrics_progress(m, 3, 5);
    CHECK_EQ(s.total, 10);
    CHECK_EQ(s.done, 5);
    CHECK_EQ(s.bytes, 10);
    CHECK_EQ(atomic_load(&s.calls), 2);
    sl_metrics_free(m);
}

SL_TEST(metrics_progress_without_callback_still_counts)
{
    sl_metrics *m = sl_metrics_new();
    sl_metrics_progress(m, 4, 40);
    sl_metrics_progress_done(m); /* no callback: nothing to call */
    seen s = {0};
    sl_metrics_on_progress(m, on_progress, &s, 1000000000);
    sl_metrics_progress_done(m);
    CHECK_EQ(atomic_load(&s.calls), 1);
    CHECK_EQ(s.done, 4);
    CHECK_EQ(s.bytes, 40);
    sl_metrics_free(m);
}

/* An interval of SL_FOREVER (or any interval longer than the clock has
 * left) means one call, at the first report, then only the final one:
 * now + interval must not wrap into the past and let every report through. */
SL_TEST(metrics_progress_interval_of_sl_forever_calls_once_then_at_done)
{
    const int64_t intervals[] = {SL_FOREVER, SL_FOREVER - 1, INT64_MAX / 2 + 1};
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
        sl_metrics *m = sl_metrics_new();
        seen s = {0};
        sl_metrics_on_progress(m, on_progress, &s, intervals[i]);
        for (int k = 0; k < 100; k++)
            sl_metrics_progress(m, 1, 1);
        CHECK_EQ(atomic_load(&s.calls), 1);
        sl_metrics_progress_done(m);
        CHECK_EQ(atomic_load(&s.calls), 2);
        CHECK_EQ(s.done, 100);
        sl_metrics_free(m);
    }
}
