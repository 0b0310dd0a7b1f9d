/* cancel_test.c - sl_pipeline_cancel from another thread stops a run. */
#include <pthread.h>

#include "fixture.h"

typedef struct canceller {
    sl_pipeline *p;
    unsigned after_us;
} canceller;

static void *cancel_later(void *arg)
{
    canceller *c = arg;
    fx_sleep_us(c->after_us);
    sl_pipeline_cancel(c->p);
    return NULL;
}

static void check_cancel(int ordered, unsigned delay_us, unsigned after_us)
{
    fixture f;
    fx_init(&f, UINT64_MAX); /* endless: only cancel ends it */
    f.delay_us = delay_us;
    sl_pipeline_config cfg = {3, 2, ordered, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
    CHECK(p != NULL);
    canceller c = {p, after_us};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, cancel_later, &c), 0);
    int64_t t0 = sl_now();
    CHECK_EQ(sl_pipeline_run(p), SL_CANCELED);
    int64_t took = sl_now() - t0;
    pthread_join(t, NULL);
    sl_pipeline_free(p);
    CHECK(took < 5 * (int64_t)1000000000); /* stopped, not ran on */
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_cancel_mid_stream_from_another_thread)
{
    check_cancel(1, 0, 30000);
    check_cancel(0, 0, 30000);
    check_cancel(1, 100, 20000);
    check_cancel(0, 100, 20000);
}

SL_TEST(pipeline_cancel_before_run_returns_canceled)
{
    fixture f;
    fx_init(&f, 100);
    sl_pipeline_config cfg = {2, 2, 1, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
    CHECK(p != NULL);
    sl_pipeline_cancel(p);
    CHECK_EQ(sl_pipeline_run(p), SL_CANCELED);
    sl_pipeline_free(p);
    CHECK_EQ(f.delivered, 0);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_cancel_stress_at_random_moments)
{
    int rounds = (FX_TSAN ? 100 : 200) * sl_test_stress();
    for (int i = 0; i < rounds; i++) {
        fixture f;
        fx_init(&f, UINT64_MAX);
        sl_pipeline_config cfg = {1 + sl_test_rand() % 3, 1 + sl_test_rand() % 3, (int)(sl_test_rand() % 2), NULL};
        sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
        CHECK(p != NULL);
        canceller c = {p, (unsigned)(sl_test_rand() % 2000)};
        pthread_t t;
        CHECK_EQ(pthread_create(&t, NULL, cancel_later, &c), 0);
        CHECK_EQ(sl_pipeline_run(p), SL_CANCELED);
        pthread_join(t, NULL);
        sl_pipeline_free(p);
        fx_check_clean(&f);
        fx_fini(&f);
    }
}
