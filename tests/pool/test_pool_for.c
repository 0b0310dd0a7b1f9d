/*
 * test_pool_for.c - parallel-for: every index exactly once whatever the
 * grain, chunk sizes, edge ranges, the first error, and nesting.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "sluice/pool.h"

typedef struct {
    size_t base, grain;
    _Atomic long *hits; /* hits[i - base] */
    _Atomic long calls, oversized;
} cover;

static int hit_range(void *arg, size_t b, size_t e)
{
    cover *c = arg;
    atomic_fetch_add(&c->calls, 1);
    if (e <= b || (c->grain && e - b > c->grain))
        atomic_fetch_add(&c->oversized, 1);
    for (size_t i = b; i < e; i++)
        atomic_fetch_add(&c->hits[i - c->base], 1);
    return 0;
}

static void check_cover(sl_pool *p, size_t begin, size_t end, size_t grain)
{
    cover c = {begin, grain, calloc(end - begin + 1, sizeof(_Atomic long)), 0, 0};
    CHECK_EQ(sl_parallel_for(p, begin, end, grain, hit_range, &c), 0);
    for (size_t i = begin; i < end; i++)
        CHECK_EQ(atomic_load(&c.hits[i - begin]), 1);
    CHECK_EQ(atomic_load(&c.oversized), 0);
    free(c.hits);
}

SL_TEST(parallel_for_covers_every_index_once)
{
    size_t grains[] = {0, 1, 3, 7, 64, 1000, 99999};
    sl_pool *p = sl_pool_new(3);
    for (int r = 0; r < sl_test_stress(); r++)
        for (size_t g = 0; g < sizeof grains / sizeof *grains; g++) {
            check_cover(p, 0, 10000, grains[g]);
            check_cover(p, 17, 5003, grains[g]);
            check_cover(p, 5, 6, grains[g]);
            check_cover(p, SIZE_MAX - 100, SIZE_MAX, grains[g]);
        }
    sl_pool_free(p);
}

SL_TEST(parallel_for_empty_range_calls_nothing)
{
    sl_pool *p = sl_pool_new(2);
    cover c = {0, 0, NULL, 0, 0};
    CHECK_EQ(sl_parallel_for(p, 0, 0, 0, hit_range, &c), 0);
    CHECK_EQ(sl_parallel_for(p, 42, 42, 7, hit_range, &c), 0);
    CHECK_EQ(atomic_load(&c.calls), 0);
    sl_pool_free(p);
}

SL_TEST(parallel_for_grain_larger_than_range_is_one_chunk)
{
    sl_pool *p = sl_pool_new(2);
    cover c = {100, 0, calloc(50, sizeof(_Atomic long)), 0, 0};
    CHECK_EQ(sl_parallel_for(p, 100, 150, 1000, hit_range, &c), 0);
    CHECK_EQ(atomic_load(&c.calls), 1);
    for (int i = 0; i < 50; i++)
        CHECK_EQ(atomic_load(&c.hits[i]), 1);
    free(c.hits);
    sl_pool_free(p);
}

SL_TEST(parallel_for_chunks_never_exceed_grain)
{
    sl_pool *p = sl_pool_new(2);
    cover c = {0, 10, calloc(1005, sizeof(_Atomic long)), 0, 0};
    CHECK_EQ(sl_parallel_for(p, 0, 1005, 10, hit_range, &c), 0);
    CHECK_EQ(atomic_load(&c.calls), 101); /* 100 full chunks and one of 5 */
    CHECK_EQ(atomic_load(&c.oversized), 0);
    free(c.hits);
    sl_pool_free(p);
}

static int fail_at_500(void *arg, size_t b, size_t e)
{
    (void)arg;
    return b <= 500 && 500 < e ? 77 : 0;
}

SL_TEST(parallel_for_returns_first_error)
{
    sl_pool *p = sl_pool_new(2);
    for (size_t grain = 1; grain <= 1024; grain *= 4)
        CHECK_EQ(sl_parallel_for(p, 0, 100000, grain, fail_at_500, NULL), 77);
    sl_pool_free(p);
}

/* A parallel-for whose body runs parallel-fors, from inside tasks. */
typedef struct {
    sl_pool *pool;
    _Atomic long *cells; /* 64 x 64 */
} grid;

static int inner_row(void *arg, size_t b, size_t e)
{
    _Atomic long *row = arg;
    for (size_t i = b; i < e; i++)
        atomic_fetch_add(&row[i], 1);
    return 0;
}

static int outer_rows(void *arg, size_t b, size_t e)
{
    grid *g = arg;
    for (size_t r = b; r < e; r++) {
        int rc = sl_parallel_for(g->pool, 0, 64, 4, inner_row, &g->cells[r * 64]);
        if (rc)
            return rc;
    }
    return 0;
}

SL_TEST(parallel_for_nests_inside_tasks)
{
    for (size_t threads = 1; threads <= 3; threads++) {
        grid g = {sl_pool_new(threads), calloc(64 * 64, sizeof(_Atomic long))};
        CHECK_EQ(sl_parallel_for(g.pool, 0, 64, 1, outer_rows, &g), 0);
        for (int i = 0; i < 64 * 64; i++)
            CHECK_EQ(atomic_load(&g.cells[i]), 1);
        free(g.cells);
        sl_pool_free(g.pool);
    }
}

SL_TEST(parallel_for_rejects_bad_arguments)
{
    sl_pool *p = sl_pool_new(1);
    CHECK_EQ(sl_parallel_for(p, 10, 5, 1, fail_at_500, NULL), SL_INVAL);
    CHECK_EQ(sl_parallel_for(p, 0, 5, 1, NULL, NULL), SL_INVAL);
    CHECK_EQ(sl_parallel_for(NULL, 0, 5, 1, fail_at_500, NULL), SL_INVAL);
    sl_pool_free(p);
}
