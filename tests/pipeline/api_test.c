/* api_test.c - what sl_pipeline_new refuses, and running only once. */
#include "fixture.h"

SL_TEST(pipeline_new_rejects_missing_callbacks)
{
    sl_pipeline_ops ops = fx_ops;
    CHECK(sl_pipeline_new(NULL, NULL, NULL) == NULL);
    ops.work = NULL;
    CHECK(sl_pipeline_new(&ops, NULL, NULL) == NULL);
    ops = fx_ops;
    ops.source = NULL;
    CHECK(sl_pipeline_new(&ops, NULL, NULL) == NULL);
    ops = fx_ops;
    ops.sink = NULL;
    CHECK(sl_pipeline_new(&ops, NULL, NULL) == NULL);
}

SL_TEST(pipeline_new_rejects_absurd_sizes)
{
    sl_pipeline_config cfg = {100000, 1, 0, NULL};
    CHECK(sl_pipeline_new(&fx_ops, NULL, &cfg) == NULL);
    cfg.workers = 2;
    cfg.depth = (size_t)1 << 40;
    CHECK(sl_pipeline_new(&fx_ops, NULL, &cfg) == NULL);
}

SL_TEST(pipeline_runs_only_once)
{
    fixture f;
    fx_init(&f, 10);
    sl_pipeline_config cfg = {2, 2, 1, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, &f, &cfg);
    CHECK(p != NULL);
    CHECK_EQ(sl_pipeline_run(p), 0);
    CHECK_EQ(sl_pipeline_run(p), SL_INVAL);
    sl_pipeline_free(p);
    CHECK_EQ(f.delivered, 10);
    fx_check_clean(&f);
    fx_fini(&f);
}

SL_TEST(pipeline_free_without_run_is_clean)
{
    sl_pipeline_config cfg = {3, 5, 1, NULL};
    sl_pipeline *p = sl_pipeline_new(&fx_ops, NULL, &cfg);
    CHECK(p != NULL);
    sl_pipeline_free(p);
    sl_pipeline_free(NULL);
}
