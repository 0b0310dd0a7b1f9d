/*
 * context_tree.c - Go's context.WithCancel / WithTimeout as done channels.
 *
 * A context is a channel of element size 0 (Go's chan struct{}) that is
 * closed when the context ends: closing it wakes every task that selects
 * on it, however many.  A child context ends when its parent does, when
 * its own deadline passes or when it is canceled; one small task per
 * context watches those three in a select and closes the child's channel,
 * so cancellation flows down the tree by itself.  Here a server context
 * (100 ms) has four requests: one with a 30 ms timeout, one with 60 ms,
 * one with 500 ms (cut to the server's 100 ms), one canceled by its caller
 * after 10 ms.  Each request runs four worker tasks that take jobs until
 * their context ends, and reports why it ended, as ctx.Err() would.
 * Build: build/examples/context_tree.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sluice/task.h>

#define MS(n) ((int64_t)(n) * 1000000)
enum { CANCELED = 1, DEADLINE_EXCEEDED = 2, WORKERS = 4 };

typedef struct context {
    struct context *parent;
    sl_chan *done;   /* closed when the context ends */
    sl_chan *cancel; /* closed by the owner to cancel */
    int64_t deadline;
    int err;         /* written before done is closed, read after */
    int64_t ended;
} context;

static sl_pool *pool;

static int watch(void *arg) /* the propagation task of one context */
{
    context *c = arg;
    sl_case cs[] = {{c->parent ? c->parent->done : NULL, SL_RECV, NULL, 0}, /* NULL: never ready */
                    {c->cancel, SL_RECV, NULL, 0}};
    int r = sl_select(cs, 2, c->deadline);
    c->err = r == 0 ? c->parent->err : r == 1 ? CANCELED : DEADLINE_EXCEEDED;
    c->ended = sl_now();
    sl_chan_close(c->done); /* the channel's lock publishes err and ended */
    return 0;
}

/* WithTimeout(parent, ns); ns < 0: no deadline of its own (WithCancel). */
static context *with_timeout(context *parent, int64_t ns)
{
    context *c = calloc(1, sizeof *c);
    c->parent = parent;
    c->done = sl_chan_new(0, 0);
    c->cancel = sl_chan_new(0, 0);
    c->deadline = ns < 0 ? SL_FOREVER : sl_deadline_in(ns);
    if (parent && parent->deadline < c->deadline)
        c->deadline = parent->deadline; /* a child never outlives its parent */
    sl_go(pool, watch, c);
    return c;
}

typedef struct {
    context *ctx;
    sl_chan *jobs;
    int done_jobs;
} worker_arg;

static int worker(void *arg)
{
    worker_arg *w = arg;
    for (;;) {
        int job;
        sl_case cs[] = {{w->ctx->done, SL_RECV, NULL, 0}, {w->jobs, SL_RECV, &job, 0}};
        if (sl_select(cs, 2, SL_FOREVER) == 0)
            return 0; /* <-ctx.Done() */
        sl_sleep_until(sl_deadline_in(MS(1))); /* a millisecond of "work" */
        w->done_jobs++;
    }
}

static int feeder(void *arg) /* an endless supply of jobs, until the server ends */
{
    void **a = arg;
    context *server = a[0];
    sl_chan *jobs = a[1];
    for (int job = 0;; job++) {
        sl_case cs[] = {{server->done, SL_RECV, NULL, 0}, {jobs, SL_SEND, &job, 0}};
        if (sl_select(cs, 2, SL_FOREVER) == 0)
            return 0;
    }
}

int main(void)
{
    pool = sl_pool_new(0);
    int64_t start = sl_now();
    context *server = with_timeout(NULL, MS(100));
    sl_chan *jobs = sl_chan_new(sizeof(int), 0);
    void *feed[] = {server, jobs};
    sl_go(pool, feeder, feed);

    static const int64_t timeouts[] = {MS(30), MS(60), MS(500), -1};
    context *req[4];
    worker_arg args[4][WORKERS];
    for (int i = 0; i < 4; i++) {
        req[i] = with_timeout(server, timeouts[i]);
        for (int k = 0; k < WORKERS; k++) {
            args[i][k] = (worker_arg){req[i], jobs, 0};
            sl_go(pool, worker, &args[i][k]);
        }
    }
    sl_sleep_until(start + MS(10));
    sl_chan_close(req[3]->cancel); /* cancel() */

    sl_pool_free(pool); /* every watcher and worker has ended when this returns */
    static const char *const why[] = {"?", "context canceled", "context deadline exceeded"};
    static const char *const what[] = {"timeout 30 ms", "timeout 60 ms", "timeout 500 ms", "canceled at 10 ms"};
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        int jobs_done = 0;
        for (int k = 0; k < WORKERS; k++)
            jobs_done += args[i][k].done_jobs;
        printf("request %d (%s): ended at %3.0f ms, %s, %d jobs\n", i, what[i],
               (double)(req[i]->ended - start) / 1e6, why[req[i]->err], jobs_done);
        ok &= req[i]->err == (i == 3 ? CANCELED : DEADLINE_EXCEEDED);
    }
    printf("server: ended at %3.0f ms, %s\n", (double)(server->ended - start) / 1e6, why[server->err]);
    for (int i = 0; i < 4; i++) {
        sl_chan_free(req[i]->done);
        sl_chan_free(req[i]->cancel);
        free(req[i]);
    }
    sl_chan_free(server->done);
    sl_chan_free(server->cancel);
    free(server);
    sl_chan_free(jobs);
    return ok ? 0 : 1;
}
