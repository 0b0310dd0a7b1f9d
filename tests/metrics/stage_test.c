/* stage_test.c - naming stages, counting into them from many threads. */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "sluice/metrics.h"

SL_TEST(metrics_stage_lookup_returns_the_same_stage)
{
    sl_metrics *m = sl_metrics_new();
    CHECK(m != NULL);
    sl_stage *a = sl_metrics_stage(m, "read");
    sl_stage *b = sl_metrics_stage(m, "write");
    CHECK(a && b && a != b);
    CHECK(sl_metrics_stage(m, "read") == a);
    CHECK_EQ(sl_metrics_nstages(m), 2);
    sl_stage_stats st;
    CHECK_EQ(sl_metrics_read(m, 1, &st), SL_OK);
    CHECK(strcmp(st.name, "write") == 0);
    CHECK_EQ(sl_metrics_read(m, 2, &st), SL_INVAL);
    CHECK_EQ(sl_metrics_read(m, -1, &st), SL_INVAL);
    CHECK(sl_metrics_stage(m, NULL) == NULL);
    sl_metrics_free(m);
}

SL_TEST(metrics_stage_limit_is_reported_as_null)
{
    sl_metrics *m = sl_metrics_new();
    char name[16];
    int made = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "s%d", i);
        if (sl_metrics_stage(m, name))
            made++;
    }
    CHECK_EQ(made, 64);
    CHECK_EQ(sl_metrics_nstages(m), 64);
    sl_metrics_free(m);
}

SL_TEST(metrics_depth_tracks_now_and_max)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *s = sl_metrics_stage(m, "q");
    sl_stage_depth(s, 3);
    sl_stage_depth(s, 2);
    sl_stage_depth(s, -4);
    sl_stage_depth(s, 1);
    sl_stage_stats st;
    sl_metrics_read(m, 0, &st);
    CHECK_EQ(st.depth, 2);
    CHECK_EQ(st.depth_max, 5);
    sl_metrics_free(m);
}

typedef struct hammer {
    sl_metrics *m;
    int n;
} hammer;

static void *hammer_main(void *arg)
{
    hammer *h = arg;
    /* Stages are found from several threads at once, too. */
    sl_stage *s = sl_metrics_stage(h->m, "shared");
    for (int i = 0; i < h->n; i++) {
        sl_stage_add(s, 1, 3);
        sl_stage_busy(s, 2);
        sl_stage_wait(s, i % 5000);
        sl_stage_depth(s, 1);
        sl_stage_depth(s, -1);
    }
    return NULL;
}

SL_TEST(metrics_concurrent_updates_are_not_lost)
{
    sl_metrics *m = sl_metrics_new();
    enum { T = 4 };
    hammer h = {m, 50000 * sl_test_stress()};
    pthread_t t[T];
    for (int i = 0; i < T; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, hammer_main, &h), 0);
    for (int i = 0; i < T; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(sl_metrics_nstages(m), 1);
    sl_stage_stats st;
    sl_metrics_read(m, 0, &st);
    CHECK_EQ(st.items, (uint64_t)T * h.n);
    CHECK_EQ(st.bytes, (uint64_t)T * h.n * 3);
    CHECK_EQ(st.busy_ns, (int64_t)T * h.n * 2);
    CHECK_EQ(st.waits, (uint64_t)T * h.n);
    CHECK_EQ(st.wait_max_ns, 4999);
    CHECK_EQ(st.depth, 0);
    CHECK(st.depth_max >= 1 && st.depth_max <= T);
    sl_metrics_free(m);
}

SL_TEST(metrics_throughput_is_items_over_lifetime)
{
    sl_metrics *m = sl_metrics_new();
    sl_stage *s = sl_metrics_stage(m, "s");
    sl_stage_add(s, 1000, 1 << 20);
    sl_stage_stats st;
    sl_metrics_read(m, 0, &st);
    CHECK(st.items_per_s > 0);
    CHECK(st.bytes_per_s > st.items_per_s); /* same time, more bytes */
    sl_metrics_free(m);
    sl_metrics_free(NULL);
}

SL_TEST(metrics_gauges_are_set_added_and_read_back)
{
    sl_metrics *m = sl_metrics_new();
    sl_gauge *a = sl_metrics_gauge(m, "a"), *b = sl_metrics_gauge(m, "b");
    CHECK(a && b && a != b);
    CHECK(sl_metrics_gauge(m, "a") == a);
    sl_gauge_set(a, 40);
    sl_gauge_add(a, 2);
    sl_gauge_add(b, -1);
    sl_gauge_set(NULL, 1); /* ignored */
    sl_gauge_add(NULL, 1);
    CHECK_EQ(sl_metrics_ngauges(m), 2);
    const char *name;
    int64_t v;
    CHECK_EQ(sl_metrics_read_gauge(m, 0, &name, &v), SL_OK);
    CHECK(strcmp(name, "a") == 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(sl_metrics_read_gauge(m, 1, &name, &v), SL_OK);
    CHECK_EQ(v, -1);
    CHECK_EQ(sl_metrics_read_gauge(m, 2, &name, &v), SL_INVAL);
    CHECK(sl_metrics_gauge(NULL, "x") == NULL);
    CHECK(sl_metrics_gauge(m, NULL) == NULL);
    sl_metrics_free(m);
}
