/*
 * pipeline.h - source -> N parallel workers -> sink, over bounded channels.
 *
 * Items are opaque pointers.  The source produces them one at a time, the
 * workers transform them in parallel, the sink consumes the results: in
 * source order (ordered mode, through a bounded reorder buffer) or as they
 * finish (unordered).  Items in flight never exceed depth + workers + depth:
 * when the reorder buffer would grow past that, the source waits.  The
 * first error stops every stage; the pipeline hands each item it still
 * holds to ops->drop, and the error reaches the caller of sl_pipeline_run.
 * See docs/api/pipeline.md and docs/design/runtime.md.
 */
#ifndef SLUICE_PIPELINE_H
#define SLUICE_PIPELINE_H

#include <stddef.h>

#include "chan.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_pipeline sl_pipeline;

typedef struct sl_pipeline_ops {
    /* Produces the next item into *item (and its size, for metrics, into
     * *bytes): returns 1 for an item, 0 at the end of input, or a negative
     * error code (or any other non-1 non-zero value) to stop the pipeline. */
    int (*source)(void *ctx, void **item, size_t *bytes);
    /* Transforms one item, on worker `worker` (0 <= worker < workers, so a
     * worker can keep state in an array).  Takes ownership of `in`; on
     * success returns 0 and hands the result (maybe `in` itself) to *out and
     * its size to *bytes; on failure returns non-zero and must have released
     * `in` itself. */
    int (*work)(void *ctx, unsigned worker, void *in, void **out, size_t *bytes);
    /* Consumes one result (and owns it afterwards): 0 to go on, non-zero
     * to stop the pipeline with that error. */
    int (*sink)(void *ctx, void *item, size_t bytes);
    /* Releases an item that the pipeline still held when it stopped early:
     * `produced` is 1 for a worker's result, 0 for a source item.  May be
     * NULL when items need no release. */
    void (*drop)(void *ctx, void *item, int produced);
} sl_pipeline_ops;

typedef struct sl_pipeline_config {
    size_t workers;      /* 0: the number of online CPUs */
    size_t depth;        /* bounded channel depth; 0: 2 * workers */
    int ordered;         /* 1: the sink sees items in source order */
    sl_metrics *metrics; /* optional: stages "source", "work", "sink" */
} sl_pipeline_config;

/* NULL on failure (bad ops, no memory). */
sl_pipeline *sl_pipeline_new(const sl_pipeline_ops *ops, void *ctx, const sl_pipeline_config *cfg);
/* Runs to the end.  Returns 0, the first error a stage returned, or
 * SL_CANCELED after sl_pipeline_cancel.  Runs once per pipeline. */
int sl_pipeline_run(sl_pipeline *p);
/* From any thread: stops the pipeline; run returns SL_CANCELED. */
void sl_pipeline_cancel(sl_pipeline *p);
void sl_pipeline_free(sl_pipeline *p);

/* Added: what the defaults resolved to, for sizing per-worker state
 * before sl_pipeline_run (workers 0 means the online CPUs), and the most
 * items ever alive at once: depth + workers + depth. */
size_t sl_pipeline_workers(const sl_pipeline *p);
size_t sl_pipeline_inflight_max(const sl_pipeline *p);

#ifdef __cplusplus
}
#endif

#endif
