/*
 * metrics.h - per-stage counters, wait-time histograms and progress.
 *
 * A sl_metrics holds a fixed set of named stages.  Each stage counts items
 * and bytes, busy time, queue depth (now and at most) and keeps a
 * histogram of wait times in logarithmic buckets, from which p50/p95/p99
 * are read.  All updates are lock-free atomics, safe from any thread.  A
 * progress callback is called at most once per configured interval.
 * See docs/api/metrics.md for the reference.
 */
#ifndef SLUICE_METRICS_H
#define SLUICE_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "chan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_metrics sl_metrics;
typedef struct sl_stage sl_stage;

/* Progress: done items, total items (0 when unknown), bytes done. */
typedef void (*sl_progress_fn)(void *arg, uint64_t done, uint64_t total, uint64_t bytes);

sl_metrics *sl_metrics_new(void);
void sl_metrics_free(sl_metrics *m);

/* Adds (or finds) the stage called `name`; NULL on failure.  The pointer
 * stays valid until sl_metrics_free. */
sl_stage *sl_metrics_stage(sl_metrics *m, const char *name);

/* Updates from any thread. */
void sl_stage_add(sl_stage *s, uint64_t items, uint64_t bytes);
void sl_stage_busy(sl_stage *s, int64_t ns);        /* time spent working */
void sl_stage_wait(sl_stage *s, int64_t ns);        /* one wait, into the histogram */
void sl_stage_depth(sl_stage *s, int64_t delta);    /* queue depth +/- */

/* Reading a stage. */
typedef struct sl_stage_stats {
    const char *name;
    uint64_t items, bytes;
    int64_t busy_ns;
    int64_t depth, depth_max;
    uint64_t waits;
    int64_t wait_p50_ns, wait_p95_ns, wait_p99_ns, wait_max_ns;
    double items_per_s, bytes_per_s; /* over the metrics' lifetime so far */
} sl_stage_stats;
int sl_metrics_nstages(sl_metrics *m);
int sl_metrics_read(sl_metrics *m, int stage, sl_stage_stats *out); /* SL_OK or SL_INVAL */

/* Progress reporting: cb is called with at most one call per interval_ns
 * (and once more by sl_metrics_progress_done), from whichever thread
 * reports.  total may be 0 (unknown) and set later. */
void sl_metrics_on_progress(sl_metrics *m, sl_progress_fn cb, void *arg, int64_t interval_ns);
void sl_metrics_set_total(sl_metrics *m, uint64_t total);
void sl_metrics_progress(sl_metrics *m, uint64_t items, uint64_t bytes);
void sl_metrics_progress_done(sl_metrics *m);

/* Gauges: named integers for figures that are not stages, such as the
 * state of a circuit breaker, a worker's memory, or a count of restarts.
 * Set or added to from any thread; the pointer stays valid until
 * sl_metrics_free.  NULL on failure (the functions ignore a NULL gauge). */
typedef struct sl_gauge sl_gauge;
sl_gauge *sl_metrics_gauge(sl_metrics *m, const char *name);
void sl_gauge_set(sl_gauge *g, int64_t v);
void sl_gauge_add(sl_gauge *g, int64_t delta);
int sl_metrics_ngauges(sl_metrics *m);
/* Gauge number i (in the order added): SL_OK or SL_INVAL. */
int sl_metrics_read_gauge(sl_metrics *m, int i, const char **name, int64_t *value);

/* Writes every stage and gauge as one JSON object (see docs/api/metrics.md). */
int sl_metrics_write_json(sl_metrics *m, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
