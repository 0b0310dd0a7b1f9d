/* fixture.c - the counting pipeline the tests share; see fixture.h. */
#include "fixture.h"

void fx_sleep_us(unsigned us)
{
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

void fx_free(fixture *f, fx_item *it)
{
    atomic_fetch_sub(&f->live, 1);
    atomic_fetch_add(&f->frees, 1);
    free(it);
}

static int fx_source(void *ctx, void **item, size_t *bytes)
{
    fixture *f = ctx;
    if (f->next == f->n)
        return 0;
    if ((int64_t)f->next == f->fail_source_at)
        return f->fail_code;
    fx_item *it = malloc(sizeof *it);
    CHECK(it != NULL);
    it->seq = f->next++;
    it->value = it->seq * 3;
    it->produced = 0;
    atomic_fetch_add(&f->allocs, 1);
    int64_t live = atomic_fetch_add(&f->live, 1) + 1, max = atomic_load(&f->live_max);
    while (live > max && !atomic_compare_exchange_weak(&f->live_max, &max, live))
        ;
    *item = it;
    *bytes = 10;
    return 1;
}

static int fx_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    fixture *f = ctx;
    fx_item *it = in;
    (void)worker;
    atomic_fetch_add(&f->work_calls, 1);
    if (it->seq == 0 && f->first_delay_ms)
        fx_sleep_us(f->first_delay_ms * 1000u);
    if (f->delay_us)
        fx_sleep_us((unsigned)(sl_test_rand() % (f->delay_us + 1)));
    if ((int64_t)it->seq == f->fail_work_at) {
        fx_free(f, it); /* on failure, work releases its input */
        return f->fail_code;
    }
    it->value += 1;
    it->produced = 1;
    *out = it;
    *bytes = 20;
    return 0;
}

static int fx_sink(void *ctx, void *item, size_t bytes)
{
    fixture *f = ctx;
    fx_item *it = item;
    if (!pthread_equal(pthread_self(), f->runner))
        atomic_store(&f->wrong_thread, 1);
    CHECK_EQ(bytes, 20);
    CHECK(it->produced);
    CHECK_EQ(it->value, it->seq * 3 + 1);
    if (it->seq != f->next_expected)
        f->out_of_order = 1;
    f->next_expected = it->seq + 1;
    if (f->seen) {
        if (f->seen[it->seq])
            f->seen_twice = 1;
        f->seen[it->seq] = 1;
    }
    int fail = (int64_t)it->seq == f->fail_sink_at;
    fx_free(f, it); /* the sink owns the item, even when it fails */
    if (fail)
        return f->fail_code;
    f->delivered++;
    return 0;
}

static void fx_drop(void *ctx, void *item, int produced)
{
    fixture *f = ctx;
    fx_item *it = item;
    if (it->produced != produced)
        atomic_store(&f->bad_drop, 1);
    if (!pthread_equal(pthread_self(), f->runner))
        atomic_store(&f->wrong_thread, 1);
    fx_free(f, it);
}

const sl_pipeline_ops fx_ops = {fx_source, fx_work, fx_sink, fx_drop};

void fx_init(fixture *f, uint64_t n)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    f->fail_source_at = f->fail_work_at = f->fail_sink_at = FX_NEVER;
    f->fail_code = -100;
    f->runner = pthread_self(); /* the tests run pipelines on their own thread */
    if (n != UINT64_MAX) {
        f->seen = calloc(n ? n : 1, 1);
        CHECK(f->seen != NULL);
    }
}

void fx_check_clean(fixture *f)
{
    CHECK_EQ(atomic_load(&f->allocs), atomic_load(&f->frees));
    CHECK_EQ(atomic_load(&f->live), 0);
    CHECK_EQ(atomic_load(&f->bad_drop), 0);
    CHECK_EQ(atomic_load(&f->wrong_thread), 0);
    CHECK_EQ(f->seen_twice, 0);
}

void fx_fini(fixture *f)
{
    free(f->seen);
    f->seen = NULL;
}

int fx_run(fixture *f, size_t workers, size_t depth, int ordered, sl_metrics *m)
{
    sl_pipeline_config cfg = {workers, depth, ordered, m};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, f, &cfg);
    CHECK(p != NULL);
    int r = sl_pipeline_run(p);
    sl_pipeline_free(p);
    return r;
}

