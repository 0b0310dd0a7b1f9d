/*
 * link_test.c - two pipelines in series: everything arrives in order,
 * and a failure on either side stops both without a hang or a leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "link.h"

typedef struct chain {
    sl_link link;
    uint64_t next, n, seen, expect;
    int fail_up_at, fail_down_at, order_ok;
} chain;

static int up_source(void *ctx, void **item, size_t *bytes)
{
    chain *c = ctx;
    if (c->next == c->n)
        return 0;
    uint64_t *v = malloc(sizeof *v);
    *v = c->next++;
    *item = v;
    *bytes = 8;
    return 1;
}

static int up_work(void *ctx, unsigned w, void *in, void **out, size_t *bytes)
{
    (void)w;
    chain *c = ctx;
    uint64_t *v = in;
    if ((int64_t)*v == c->fail_up_at) {
        free(v);
        return 7;
    }
    *out = v;
    *bytes = 8;
    return 0;
}

static int up_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    chain *c = ctx;
    if (sl_link_send(&c->link, item) != SL_OK) {
        free(item);
        return -1;
    }
    return 0;
}

static int down_source(void *ctx, void **item, size_t *bytes)
{
    chain *c = ctx;
    *bytes = 8;
    return sl_link_recv(&c->link, item);
}

static int down_work(void *ctx, unsigned w, void *in, void **out, size_t *bytes)
{
    (void)ctx;
    (void)w;
    *out = in;
    *bytes = 8;
    return 0;
}

static int down_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    chain *c = ctx;
    uint64_t v = *(uint64_t *)item;
    free(item);
    if (v != c->expect++)
        c->order_ok = 0;
    c->seen++;
    return (int64_t)v == c->fail_down_at ? 9 : 0;
}

static void drop(void *ctx, void *item, int produced)
{
    (void)ctx;
    (void)produced;
    free(item);
}

static void drop1(void *item)
{
    free(item);
}

static int run_chain(chain *c, int *up_rc)
{
    static const sl_pipeline_ops up_ops = {up_source, up_work, up_sink, drop};
    static const sl_pipeline_ops down_ops = {down_source, down_work, down_sink, drop};
    sl_pipeline_config cfg = {3, 2, 1, NULL};
    sl_pipeline *up = sl_pipeline_new(&up_ops, c, &cfg);
    sl_pipeline *down = sl_pipeline_new(&down_ops, c, &cfg);
    CHECK(up && down);
    CHECK_EQ(sl_link_start(&c->link, up, 2, NULL, NULL, drop1), 0);
    int rc = sl_pipeline_run(down);
    *up_rc = sl_link_finish(&c->link, rc);
    sl_pipeline_free(up);
    sl_pipeline_free(down);
    return rc;
}

SL_TEST(link_delivers_everything_in_order)
{
    for (int round = 0; round < 5 * sl_test_stress(); round++) {
        chain c = {.n = 2000, .fail_up_at = -1, .fail_down_at = -1, .order_ok = 1};
        int up;
        CHECK_EQ(run_chain(&c, &up), 0);
        CHECK_EQ(up, 0);
        CHECK_EQ(c.seen, 2000);
        CHECK(c.order_ok);
    }
}

SL_TEST(link_upstream_failure_reaches_downstream)
{
    for (int round = 0; round < 5 * sl_test_stress(); round++) {
        chain c = {.n = 2000, .fail_up_at = 500, .fail_down_at = -1, .order_ok = 1};
        int up;
        CHECK(run_chain(&c, &up) != 0);
        CHECK_EQ(up, 7);
        CHECK(c.seen <= 500);
        CHECK(c.order_ok);
    }
}

SL_TEST(link_downstream_failure_stops_upstream)
{
    for (int round = 0; round < 5 * sl_test_stress(); round++) {
        chain c = {.n = 100000, .fail_up_at = -1, .fail_down_at = 300, .order_ok = 1};
        int up;
        CHECK_EQ(run_chain(&c, &up), 9);
        CHECK_EQ(c.seen, 301);
        CHECK(c.next < 100000); /* upstream stopped early rather than running to the end */
    }
}
