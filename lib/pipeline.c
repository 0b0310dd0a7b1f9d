/*
 * pipeline.c - source -> N workers -> sink over three bounded channels.
 *
 *   source thread --in(depth)--> worker threads --out(depth)--> caller (sink)
 *        ^                                                        |
 *        +-------------------- tokens(credits) <------------------+
 *
 * The one idea: a credit.  The source takes a token before it produces an
 * item and the sink gives it back after consuming the result, so with
 * depth + workers + depth tokens no more items than that are ever alive,
 * however slow one item is: the reorder buffer cannot grow past the
 * credits, and the source simply waits.  Stopping (first error, or cancel)
 * is closing all three channels, which wakes every blocked stage; each
 * stage parks the one item it holds in its own slot, and the caller drops
 * everything left once every thread has been joined.  See
 * docs/design/runtime.md.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "pipeline_reorder.h"
#include "sluice/pipeline.h"

enum { SL__PIPE_MAX_WORKERS = 1024, SL__PIPE_MAX_DEPTH = 1 << 20 };

/* An item a stage still held when the pipeline stopped. */
typedef struct sl__pipe_held {
    void *item;
    int produced; /* as ops->drop's argument */
    int has;
} sl__pipe_held;

typedef struct sl__pipe_worker {
    sl_pipeline *p;
    unsigned index;
    sl__pipe_held held;
    pthread_t thread;
} sl__pipe_worker;

struct sl_pipeline {
    sl_pipeline_ops ops;
    void *ctx;
    size_t workers, depth, credits;
    int ordered;

    sl_chan *in, *out, *tokens;
    _Atomic int err; /* first error; non-zero means stopped */
    _Atomic int ran;
    _Atomic size_t live_workers; /* the last worker out closes `out` */

    sl__pipe_worker *w;
    pthread_t source_thread;
    sl__pipe_held source_held, sink_held;
    sl__reorder reorder;

    sl_metrics *metrics;
    sl_stage *st_source, *st_work, *st_sink;
};

/* ---- Stopping ---------------------------------------------------------- */

static int stopped(sl_pipeline *p)
{
    return atomic_load_explicit(&p->err, memory_order_acquire) != 0;
}

/* Records the first error and wakes every stage.  The error is stored
 * before the channels close, so a stage woken by a close sees it.  Only
 * stop() closes `in` or `out` before their producers are done, so a send
 * that fails with SL_CLOSED means the pipeline has stopped already, and
 * calling stop() again with it changes nothing. */
static void stop(sl_pipeline *p, int err)
{
    int none = 0;
    atomic_compare_exchange_strong_explicit(&p->err, &none, err, memory_order_acq_rel, memory_order_acquire);
    sl_chan_close(p->in);
    sl_chan_close(p->out);
    sl_chan_close(p->tokens);
}

static void hold(sl__pipe_held *h, void *item, int produced)
{
    h->item = item;
    h->produced = produced;
    h->has = 1;
}

/* ---- Metrics (all no-ops without cfg->metrics) ------------------------- */

static int64_t clock_ns(const sl_pipeline *p)
{
    return p->metrics ? sl_now() : 0;
}

static void depth(const sl_pipeline *p, sl_stage *s, int64_t delta)
{
    if (p->metrics)
        sl_stage_depth(s, delta);
}

static void account(const sl_pipeline *p, sl_stage *s, size_t bytes, int64_t busy, int64_t wait)
{
    if (!p->metrics)
        return;
    sl_stage_add(s, 1, bytes);
    sl_stage_busy(s, busy);
    sl_stage_wait(s, wait);
}

/* ---- Stages ------------------------------------------------------------ */

/* Stage depths: "source" counts items in flight (credits taken), "work"
 * the items queued on `in`, "sink" those on `out` or in the reorder
 * buffer.  Each is raised before the hand-off that may block, so a
 * receiver never sees it go below zero. */

static void *source_main(void *arg)
{
    sl_pipeline *p = arg;
    sl__pipe_msg m = {0, NULL, 0};
    for (;;) {
        int64_t t0 = clock_ns(p);
        char token;
        if (sl_chan_recv(p->tokens, &token) != SL_OK || stopped(p))
            break;
        depth(p, p->st_source, 1);
        int64_t t1 = clock_ns(p);
        m.item = NULL;
        m.bytes = 0;
        int r = p->ops.source(p->ctx, &m.item, &m.bytes);
        int64_t t2 = clock_ns(p);
        if (r != 1) {
            depth(p, p->st_source, -1);
            if (r != 0)
                stop(p, r);
            break;
        }
        depth(p, p->st_work, 1);
        int sent = sl_chan_send(p->in, &m);
        if (sent != SL_OK) {
            depth(p, p->st_work, -1);
            hold(&p->source_held, m.item, 0);
            stop(p, sent); /* SL_CLOSED: stopped already; else SL_NOMEM */
            break;
        }
        account(p, p->st_source, m.bytes, t2 - t1, (t1 - t0) + (clock_ns(p) - t2));
        m.seq++;
    }
    sl_chan_close(p->in);
    return NULL;
}

static void *worker_main(void *arg)
{
    sl__pipe_worker *w = arg;
    sl_pipeline *p = w->p;
    for (;;) {
        int64_t t0 = clock_ns(p);
        sl__pipe_msg m;
        if (sl_chan_recv(p->in, &m) != SL_OK)
            break;
        depth(p, p->st_work, -1);
        if (stopped(p)) {
            hold(&w->held, m.item, 0);
            break;
        }
        int64_t t1 = clock_ns(p);
        void *result = NULL;
        size_t bytes = 0;
        int r = p->ops.work(p->ctx, w->index, m.item, &result, &bytes);
        int64_t t2 = clock_ns(p);
        if (r != 0) { /* work released the item itself */
            depth(p, p->st_source, -1);
            stop(p, r);
            break;
        }
        m.item = result;
        m.bytes = bytes;
        depth(p, p->st_sink, 1);
        int sent = sl_chan_send(p->out, &m);
        if (sent != SL_OK) {
            depth(p, p->st_sink, -1);
            hold(&w->held, m.item, 1);
            stop(p, sent); /* as in source_main */
            break;
        }
        account(p, p->st_work, bytes, t2 - t1, (t1 - t0) + (clock_ns(p) - t2));
    }
    if (atomic_fetch_sub_explicit(&p->live_workers, 1, memory_order_acq_rel) == 1)
        sl_chan_close(p->out);
    return NULL;
}

/* Hands one result to ops->sink and gives its credit back: 0 to go on. */
static int deliver(sl_pipeline *p, const sl__pipe_msg *m, int64_t wait)
{
    depth(p, p->st_sink, -1);
    int64_t t0 = clock_ns(p);
    int r = p->ops.sink(p->ctx, m->item, m->bytes);
    if (p->metrics) {
        account(p, p->st_sink, m->bytes, clock_ns(p) - t0, wait);
        if (r == 0)
            sl_metrics_progress(p->metrics, 1, m->bytes);
    }
    depth(p, p->st_source, -1);
    char token = 0;
    sl_chan_send(p->tokens, &token); /* never blocks: tokens <= credits; SL_CLOSED once stopped */
    if (r != 0) {
        stop(p, r);
        return -1;
    }
    return 0;
}

/* The sink stage, on the caller's thread, until `out` is closed and empty
 * or the pipeline stops. */
static void sink_loop(sl_pipeline *p)
{
    for (;;) {
        int64_t t0 = clock_ns(p);
        sl__pipe_msg m;
        if (sl_chan_recv(p->out, &m) != SL_OK)
            return;
        int64_t wait = clock_ns(p) - t0;
        if (stopped(p)) {
            depth(p, p->st_sink, -1);
            hold(&p->sink_held, m.item, 1);
            return;
        }
        if (!p->ordered) {
            if (deliver(p, &m, wait) != 0)
                return;
            continue;
        }
        sl__reorder_put(&p->reorder, &m);
        while (!stopped(p) && sl__reorder_take(&p->reorder, &m)) {
            if (deliver(p, &m, wait) != 0)
                return;
            wait = 0; /* the wait that brought the run in counts once */
        }
    }
}

/* ---- Cleaning up after a stop ------------------------------------------ */

static void drop(sl_pipeline *p, void *item, int produced)
{
    depth(p, p->st_source, -1);
    if (p->ops.drop)
        p->ops.drop(p->ctx, item, produced);
}

static void drop_held(sl_pipeline *p, sl__pipe_held *h)
{
    if (h->has)
        drop(p, h->item, h->produced);
    h->has = 0;
}

/* Every thread has been joined: whatever is still buffered or held was
 * never consumed.  Channels deliver buffered values even once closed. */
static void drain(sl_pipeline *p)
{
    sl__pipe_msg m;
    drop_held(p, &p->source_held);
    for (size_t i = 0; i < p->workers; i++)
        drop_held(p, &p->w[i].held);
    while (sl_chan_try_recv(p->in, &m) == SL_OK) {
        depth(p, p->st_work, -1);
        drop(p, m.item, 0);
    }
    drop_held(p, &p->sink_held);
    while (sl_chan_try_recv(p->out, &m) == SL_OK) {
        depth(p, p->st_sink, -1);
        drop(p, m.item, 1);
    }
    size_t cursor = 0;
    while (p->ordered && sl__reorder_pop_any(&p->reorder, &m, &cursor)) {
        depth(p, p->st_sink, -1);
        drop(p, m.item, 1);
    }
}

/* ---- Public API -------------------------------------------------------- */

static size_t online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static int setup_metrics(sl_pipeline *p, sl_metrics *m)
{
    p->metrics = m;
    if (!m)
        return 0;
    p->st_source = sl_metrics_stage(m, "source");
    p->st_work = sl_metrics_stage(m, "work");
    p->st_sink = sl_metrics_stage(m, "sink");
    return p->st_source && p->st_work && p->st_sink ? 0 : -1;
}

static int setup_channels(sl_pipeline *p)
{
    p->in = sl_chan_new(sizeof(sl__pipe_msg), p->depth);
    p->out = sl_chan_new(sizeof(sl__pipe_msg), p->depth);
    p->tokens = sl_chan_new(1, p->credits);
    if (!p->in || !p->out || !p->tokens)
        return -1;
    char token = 0;
    for (size_t i = 0; i < p->credits; i++)
        if (sl_chan_try_send(p->tokens, &token) != SL_OK)
            return -1;
    return 0;
}

sl_pipeline *sl_pipeline_new(const sl_pipeline_ops *ops, void *ctx, const sl_pipeline_config *cfg)
{
    static const sl_pipeline_config defaults = {0, 0, 0, NULL};
    if (!ops || !ops->source || !ops->work || !ops->sink)
        return NULL;
    if (!cfg)
        cfg = &defaults;
    size_t workers = cfg->workers ? cfg->workers : online_cpus();
    size_t depth = cfg->depth ? cfg->depth : 2 * workers;
    if (workers > SL__PIPE_MAX_WORKERS || depth > SL__PIPE_MAX_DEPTH)
        return NULL;
    sl_pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ops = *ops;
    p->ctx = ctx;
    p->workers = workers;
    p->depth = depth;
    p->credits = depth + workers + depth;
    p->ordered = cfg->ordered != 0;
    atomic_init(&p->live_workers, workers);
    p->w = calloc(workers, sizeof *p->w);
    int bad = !p->w || setup_channels(p) != 0 || setup_metrics(p, cfg->metrics) != 0 ||
              (p->ordered && sl__reorder_init(&p->reorder, p->credits) != 0);
    if (bad) {
        sl_pipeline_free(p);
        return NULL;
    }
    for (size_t i = 0; i < workers; i++) {
        p->w[i].p = p;
        p->w[i].index = (unsigned)i;
    }
    return p;
}

size_t sl_pipeline_workers(const sl_pipeline *p)
{
    return p ? p->workers : 0;
}

size_t sl_pipeline_inflight_max(const sl_pipeline *p)
{
    return p ? p->credits : 0;
}

int sl_pipeline_run(sl_pipeline *p)
{
    if (!p || atomic_exchange(&p->ran, 1))
        return SL_INVAL;
    size_t started = 0;
    while (started < p->workers &&
           pthread_create(&p->w[started].thread, NULL, worker_main, &p->w[started]) == 0)
        started++;
    if (started < p->workers) {
        /* Workers that never started will not close `out`; stop() does. */
        atomic_fetch_sub(&p->live_workers, p->workers - started);
        stop(p, SL_NOMEM);
    }
    int source_started = pthread_create(&p->source_thread, NULL, source_main, p) == 0;
    if (!source_started)
        stop(p, SL_NOMEM); /* closes `in`, which the source would have */
    sink_loop(p);
    if (source_started)
        pthread_join(p->source_thread, NULL);
    for (size_t i = 0; i < started; i++)
        pthread_join(p->w[i].thread, NULL);
    drain(p);
    return atomic_load_explicit(&p->err, memory_order_acquire);
}

void sl_pipeline_cancel(sl_pipeline *p)
{
    if (p)
        stop(p, SL_CANCELED);
}

void sl_pipeline_free(sl_pipeline *p)
{
    if (!p)
        return;
    if (p->in)
        sl_chan_free(p->in);
    if (p->out)
        sl_chan_free(p->out);
    if (p->tokens)
        sl_chan_free(p->tokens);
    sl__reorder_free(&p->reorder);
    free(p->w);
    free(p);
}
