/* test_task_chan.c - tasks parked on channels: a long chain, close while
 * parked, select, deadlines, and threads and tasks sharing channels. */
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

/* ---- 100,000 tasks in a chain, one token --------------------------------- */

typedef struct {
    sl_chan *in, *out;
} link_arg;

static int relay(void *arg)
{
    link_arg *l = arg;
    long v;
    if (sl_chan_recv(l->in, &v) != SL_OK)
        return 1;
    v++;
    return sl_chan_send(l->out, &v) == SL_OK ? 0 : 2;
}

SL_TEST(task_chain_of_100000_passes_one_token)
{
    size_t n = SL_TASK_MANY(100000);
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    sl_chan **c = malloc((n + 1) * sizeof *c);
    link_arg *links = malloc(n * sizeof *links);
    for (size_t i = 0; i <= n; i++)
        c[i] = sl_chan_new(sizeof(long), 0);
    for (size_t i = 0; i < n; i++) {
        links[i] = (link_arg){c[i], c[i + 1]};
        CHECK_EQ(sl_group_go(g, relay, &links[i]), SL_OK);
    }
    long v = 0;
    CHECK_EQ(sl_chan_send(c[0], &v), SL_OK); /* a thread starts it */
    int rc = sl_chan_recv_until(c[n], &v, sl_deadline_in(MS(120000)));
    if (rc != SL_OK) /* a link is missing (a task could not start?): */
        for (size_t i = 0; i <= n; i++) /* unblock the rest, then report */
            sl_chan_close(c[i]);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(rc, SL_OK);
    CHECK_EQ(v, (long)n);
    for (size_t i = 0; i <= n; i++)
        sl_chan_free(c[i]);
    free(c);
    free(links);
    sl_group_free(g);
    sl_pool_free(p);
}

/* ---- close while parked ------------------------------------------------------ */

typedef struct {
    sl_chan *c, *d;
    int kind; /* 0 recv on c, 1 send on d, 2 select over both */
    _Atomic int rc;
    _Atomic int parked;
} blocked_arg;

static int blocked_op(void *arg)
{
    blocked_arg *a = arg;
    long v = 1, r;
    int rc;
    atomic_store(&a->parked, 1);
    if (a->kind == 0) {
        rc = sl_chan_recv(a->c, &r);
    } else if (a->kind == 1) {
        rc = sl_chan_send(a->d, &v);
    } else {
        sl_case cs[] = {{a->c, SL_RECV, &r, 99}, {a->d, SL_SEND, &v, 99}};
        int i = sl_select(cs, 2, SL_FOREVER);
        rc = i < 0 ? i : cs[i].status;
    }
    atomic_store(&a->rc, rc);
    return 0;
}

/* Tasks parked in recv, send and select, more of them than workers; one
 * close of each channel wakes every one with SL_CLOSED. */
SL_TEST(task_close_wakes_tasks_parked_in_send_recv_and_select)
{
    enum { N = 30 };
    size_t rounds = SL_TEST_SCALE(40);
    sl_pool *p = sl_pool_new(2);
    for (size_t round = 0; round < rounds; round++) {
        sl_chan *c = sl_chan_new(sizeof(long), 0), *d = sl_chan_new(sizeof(long), 1);
        long fill = 0;
        sl_chan_send(d, &fill); /* d full: its senders park */
        blocked_arg a[N];
        sl_group *g = sl_group_new(p);
        for (int i = 0; i < N; i++) {
            a[i] = (blocked_arg){.c = c, .d = d, .kind = i % 3};
            atomic_init(&a[i].rc, 99);
            atomic_init(&a[i].parked, 0);
            CHECK_EQ(sl_group_go(g, blocked_op, &a[i]), SL_OK);
        }
        if (round % 2) { /* sometimes let them all park first */
            for (int i = 0; i < N; i++)
                while (!atomic_load(&a[i].parked))
                    sl_sleep_until(sl_now() + 100000);
            sl_sleep_until(sl_now() + MS(1));
        }
        if (round % 3) {
            sl_chan_close(c);
            sl_chan_close(d);
        } else {
            sl_chan_close(d);
            sl_chan_close(c);
        }
        CHECK_EQ(sl_group_wait(g), 0);
        for (int i = 0; i < N; i++)
            CHECK_EQ(atomic_load(&a[i].rc), SL_CLOSED);
        sl_group_free(g);
        sl_chan_free(c);
        sl_chan_free(d);
    }
    sl_pool_free(p);
}

/* ---- a task that waits on a group parks ------------------------------------- */

typedef struct {
    sl_pool *pool;
    sl_chan *gate, *done;
    _Atomic int started;
} family;

static int leaf(void *arg)
{
    family *f = arg;
    atomic_fetch_add(&f->started, 1);
    return sl_chan_recv(f->gate, NULL) == SL_CLOSED ? 5 : 6;
}

static int waits_on_children(void *arg)
{
    family *f = arg;
    sl_group *g = sl_group_new(f->pool);
    for (int i = 0; i < 20; i++)
        sl_group_go(g, leaf, f);
    int r = sl_group_wait(g); /* parks this task; the worker runs the leaves */
    sl_group_free(g);
    sl_chan_send(f->done, &r);
    return 0;
}

/* One worker: had the waiting task held it, no leaf could ever start. */
SL_TEST(task_group_wait_in_a_task_parks_it)
{
    family f = {sl_pool_new(1), sl_chan_new(0, 0), sl_chan_new(sizeof(int), 1), 0};
    CHECK_EQ(sl_go(f.pool, waits_on_children, &f), SL_OK);
    int64_t deadline = sl_deadline_in(MS(10000));
    while (atomic_load(&f.started) < 20 && sl_now() < deadline)
        sl_sleep_until(sl_now() + MS(1));
    CHECK_EQ(atomic_load(&f.started), 20);
    sl_chan_close(f.gate);
    int r = 0;
    CHECK_EQ(sl_chan_recv_until(f.done, &r, deadline), SL_OK);
    CHECK_EQ(r, 5);
    sl_pool_free(f.pool);
    sl_chan_free(f.gate);
    sl_chan_free(f.done);
}
