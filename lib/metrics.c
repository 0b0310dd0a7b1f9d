/*
 * metrics.c - per-stage counters, wait-time histograms, progress and JSON.
 *
 * The one idea: every update is a handful of relaxed atomic adds on
 * counters that never move, so any thread may report without a lock and a
 * reader sees a slightly stale but never torn picture.  The only lock
 * guards the (rare) adding of a stage; stages are published by a release
 * store of the stage count, and never freed before the metrics are.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_hist.h"
#include "park.h"
#include "sluice/metrics.h"

enum { SL__METRICS_MAX_STAGES = 64, SL__METRICS_MAX_GAUGES = 512 };

struct sl_stage {
    char *name;
    _Atomic uint64_t items, bytes;
    _Atomic int64_t busy_ns, depth, depth_max, wait_max;
    _Atomic uint64_t hist[SL__HIST_BUCKETS];
};

struct sl_gauge {
    char *name;
    _Atomic int64_t value;
};

struct sl_metrics {
    int64_t born; /* sl_now() at creation: throughput is over this lifetime */
    pthread_mutex_t add_lock; /* serialises sl_metrics_stage and sl_metrics_gauge */
    _Atomic int nstages;
    sl_stage *stages[SL__METRICS_MAX_STAGES];
    _Atomic int ngauges; /* published like nstages */
    sl_gauge *gauges[SL__METRICS_MAX_GAUGES];

    /* Progress.  cb/arg/interval are set before reporting starts. */
    sl_progress_fn cb;
    void *cb_arg;
    int64_t interval_ns;
    _Atomic uint64_t done, total, done_bytes;
    _Atomic int64_t next_due; /* sl_now() time before which no call is due */
    _Atomic int in_cb;        /* 1 while a thread is inside cb */
};

sl_metrics *sl_metrics_new(void)
{
    sl_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->add_lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    m->born = sl_now();
    return m;
}

void sl_metrics_free(sl_metrics *m)
{
    if (!m)
        return;
    int n = atomic_load(&m->nstages);
    for (int i = 0; i < n; i++) {
        free(m->stages[i]->name);
        free(m->stages[i]);
    }
    n = atomic_load(&m->ngauges);
    for (int i = 0; i < n; i++) {
        free(m->gauges[i]->name);
        free(m->gauges[i]);
    }
    pthread_mutex_destroy(&m->add_lock);
    free(m);
}

static sl_stage *find_stage(sl_metrics *m, const char *name, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(m->stages[i]->name, name) == 0)
            return m->stages[i];
    return NULL;
}

sl_stage *sl_metrics_stage(sl_metrics *m, const char *name)
{
    if (!m || !name)
        return NULL;
    pthread_mutex_lock(&m->add_lock);
    int n = atomic_load_explicit(&m->nstages, memory_order_relaxed);
    sl_stage *s = find_stage(m, name, n);
    if (!s && n < SL__METRICS_MAX_STAGES) {
        s = calloc(1, sizeof *s);
        if (s && !(s->name = strdup(name))) {
            free(s);
            s = NULL;
        }
        if (s) {
            m->stages[n] = s;
            /* Readers load nstages with acquire, so they see the stage
             * fully built before they see it counted. */
            atomic_store_explicit(&m->nstages, n + 1, memory_order_release);
        }
    }
    pthread_mutex_unlock(&m->add_lock);
    return s;
}

void sl_stage_add(sl_stage *s, uint64_t items, uint64_t bytes)
{
    if (!s)
        return;
    atomic_fetch_add_explicit(&s->items, items, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->bytes, bytes, memory_order_relaxed);
}

void sl_stage_busy(sl_stage *s, int64_t ns)
{
    if (s)
        atomic_fetch_add_explicit(&s->busy_ns, ns, memory_order_relaxed);
}

static void raise_to(_Atomic int64_t *max, int64_t v)
{
    int64_t cur = atomic_load_explicit(max, memory_order_relaxed);
    while (v > cur && !atomic_compare_exchange_weak_explicit(max, &cur, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

void sl_stage_wait(sl_stage *s, int64_t ns)
{
    if (!s)
        return;
    if (ns < 0)
        ns = 0;
    atomic_fetch_add_explicit(&s->hist[sl__hist_bucket(ns)], 1, memory_order_relaxed);
    raise_to(&s->wait_max, ns);
}

void sl_stage_depth(sl_stage *s, int64_t delta)
{
    if (!s)
        return;
    int64_t now = atomic_fetch_add_explicit(&s->depth, delta, memory_order_relaxed) + delta;
    if (delta > 0)
        raise_to(&s->depth_max, now);
}

int sl_metrics_nstages(sl_metrics *m)
{
    return m ? atomic_load_explicit(&m->nstages, memory_order_acquire) : 0;
}

/* The value at percentile pct (0..100) of a histogram snapshot holding n
 * values: the upper edge of the bucket that holds the ceil(pct% * n)-th
 * smallest value, but never above the largest value seen. */
static int64_t percentile(const uint64_t *hist, uint64_t n, unsigned pct, int64_t max)
{
    if (n == 0)
        return 0;
    uint64_t rank = (n * pct + 99) / 100, seen = 0;
    if (rank == 0)
        rank = 1;
    for (unsigned i = 0; i < SL__HIST_BUCKETS; i++) {
        seen += hist[i];
        if (seen >= rank) {
            int64_t v = sl__hist_upper(i);
            return v < max ? v : max;
        }
    }
    return max;
}

static uint64_t snapshot_hist(sl_stage *s, uint64_t *hist)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < SL__HIST_BUCKETS; i++)
        n += hist[i] = atomic_load_explicit(&s->hist[i], memory_order_relaxed);
    return n;
}

static sl_stage *stage_at(sl_metrics *m, int i)
{
    if (!m || i < 0 || i >= sl_metrics_nstages(m))
        return NULL;
    return m->stages[i];
}

int sl_metrics_read(sl_metrics *m, int stage, sl_stage_stats *out)
{
    sl_stage *s = stage_at(m, stage);
    if (!s || !out)
        return SL_INVAL;
    uint64_t hist[SL__HIST_BUCKETS];
    uint64_t n = snapshot_hist(s, hist);
    double secs = (double)(sl_now() - m->born) / 1e9;
    out->name = s->name;
    out->items = atomic_load_explicit(&s->items, memory_order_relaxed);
    out->bytes = atomic_load_explicit(&s->bytes, memory_order_relaxed);
    out->busy_ns = atomic_load_explicit(&s->busy_ns, memory_order_relaxed);
    out->depth = atomic_load_explicit(&s->depth, memory_order_relaxed);
    out->depth_max = atomic_load_explicit(&s->depth_max, memory_order_relaxed);
    out->waits = n;
    out->wait_max_ns = atomic_load_explicit(&s->wait_max, memory_order_relaxed);
    out->wait_p50_ns = percentile(hist, n, 50, out->wait_max_ns);
    out->wait_p95_ns = percentile(hist, n, 95, out->wait_max_ns);
    out->wait_p99_ns = percentile(hist, n, 99, out->wait_max_ns);
    out->items_per_s = secs > 0 ? (double)out->items / secs : 0.0;
    out->bytes_per_s = secs > 0 ? (double)out->bytes / secs : 0.0;
    return SL_OK;
}

/* ---- Gauges ------------------------------------------------------------ */

static sl_gauge *find_gauge(sl_metrics *m, const char *name, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(m->gauges[i]->name, name) == 0)
            return m->gauges[i];
    return NULL;
}

sl_gauge *sl_metrics_gauge(sl_metrics *m, const char *name)
{
    if (!m || !name)
        return NULL;
    pthread_mutex_lock(&m->add_lock);
    int n = atomic_load_explicit(&m->ngauges, memory_order_relaxed);
    sl_gauge *g = find_gauge(m, name, n);
    if (!g && n < SL__METRICS_MAX_GAUGES) {
        g = calloc(1, sizeof *g);
        if (g && !(g->name = strdup(name))) {
            free(g);
            g = NULL;
        }
        if (g) {
            m->gauges[n] = g;
            atomic_store_explicit(&m->ngauges, n + 1, memory_order_release); /* as for stages */
        }
    }
    pthread_mutex_unlock(&m->add_lock);
    return g;
}

void sl_gauge_set(sl_gauge *g, int64_t v)
{
    if (g)
        atomic_store_explicit(&g->value, v, memory_order_relaxed);
}

void sl_gauge_add(sl_gauge *g, int64_t delta)
{
    if (g)
        atomic_fetch_add_explicit(&g->value, delta, memory_order_relaxed);
}

int sl_metrics_ngauges(sl_metrics *m)
{
    return m ? atomic_load_explicit(&m->ngauges, memory_order_acquire) : 0;
}

int sl_metrics_read_gauge(sl_metrics *m, int i, const char **name, int64_t *value)
{
    if (!m || i < 0 || i >= sl_metrics_ngauges(m))
        return SL_INVAL;
    if (name)
        *name = m->gauges[i]->name;
    if (value)
        *value = atomic_load_explicit(&m->gauges[i]->value, memory_order_relaxed);
    return SL_OK;
}

/* ---- Progress ---------------------------------------------------------- */

void sl_metrics_on_progress(sl_metrics *m, sl_progress_fn cb, void *arg, int64_t interval_ns)
{
    if (!m)
        return;
    m->cb = cb;
    m->cb_arg = arg;
    m->interval_ns = interval_ns > 0 ? interval_ns : 0;
    atomic_store(&m->next_due, 0);
}

void sl_metrics_set_total(sl_metrics *m, uint64_t total)
{
    if (m)
        atomic_store_explicit(&m->total, total, memory_order_relaxed);
}

static void call_progress(sl_metrics *m)
{
    m->cb(m->cb_arg, atomic_load_explicit(&m->done, memory_order_relaxed),
          atomic_load_explicit(&m->total, memory_order_relaxed),
          atomic_load_explicit(&m->done_bytes, memory_order_relaxed));
}

void sl_metrics_progress(sl_metrics *m, uint64_t items, uint64_t bytes)
{
    if (!m)
        return;
    atomic_fetch_add_explicit(&m->done, items, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->done_bytes, bytes, memory_order_relaxed);
    if (!m->cb)
        return;
    int64_t now = sl_now(), due = atomic_load_explicit(&m->next_due, memory_order_relaxed);
    if (now < due)
        return;
    /* Winning the CAS on next_due is the right to report for this
     * interval, so calls start at least interval_ns apart however many
     * threads report.  in_cb keeps a slow callback (a terminal write) from
     * running twice at once: a reporter that finds it busy just skips. */
    /* Saturated: an interval of SL_FOREVER means no call until done (the
     * plain sum wrapped into the past and let every report through). */
    int64_t next = m->interval_ns > INT64_MAX - now ? INT64_MAX : now + m->interval_ns;
    if (!atomic_compare_exchange_strong_explicit(&m->next_due, &due, next, memory_order_relaxed,
                                                 memory_order_relaxed))
        return;
    if (atomic_exchange_explicit(&m->in_cb, 1, memory_order_acquire))
        return;
    call_progress(m);
    atomic_store_explicit(&m->in_cb, 0, memory_order_release);
}

void sl_metrics_progress_done(sl_metrics *m)
{
    if (!m || !m->cb)
        return;
    /* The final call must not be skipped: wait out a call in progress. */
    unsigned step = 0;
    while (atomic_exchange_explicit(&m->in_cb, 1, memory_order_acquire)) {
        if (!sl__backoff(&step))
            sched_yield(); /* keep yielding: the other call is short */
    }
    call_progress(m);
    atomic_store_explicit(&m->in_cb, 0, memory_order_release);
}

/* ---- JSON -------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0.  Stops at
 * the first byte that does not fit, so it never reads past the NUL. */
static int utf8_len(const unsigned char *p)
{
    unsigned char lo = 0x80, hi = 0xbf;
    int n;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* JSON text is UTF-8: a name's bytes that are not become U+FFFD, one per
 * byte (as Go's encoding/json does), so the output always parses. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int n = utf8_len(p);
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else if (n == 0)
            fputs("\\ufffd", out);
        else {
            fwrite(p, 1, (size_t)n, out);
            p += n - 1;
        }
    }
    fputc('"', out);
}

static void json_stage(FILE *out, sl_metrics *m, int i)
{
    sl_stage_stats st;
    uint64_t hist[SL__HIST_BUCKETS];
    sl_metrics_read(m, i, &st);
    snapshot_hist(m->stages[i], hist);
    fputs("    {\"name\": ", out);
    json_string(out, st.name);
    fprintf(out,
            ", \"items\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"busy_ns\": %" PRId64
            ", \"depth\": %" PRId64 ", \"depth_max\": %" PRId64 ",\n"
            "     \"items_per_s\": %.3f, \"bytes_per_s\": %.3f,\n"
            "     \"wait\": {\"count\": %" PRIu64 ", \"p50_ns\": %" PRId64 ", \"p95_ns\": %" PRId64
            ", \"p99_ns\": %" PRId64 ", \"max_ns\": %" PRId64 ",\n"
            "              \"buckets\": [",
            st.items, st.bytes, st.busy_ns, st.depth, st.depth_max, st.items_per_s, st.bytes_per_s,
            st.waits, st.wait_p50_ns, st.wait_p95_ns, st.wait_p99_ns, st.wait_max_ns);
    int first = 1;
    for (unsigned b = 0; b < SL__HIST_BUCKETS; b++) {
        if (!hist[b])
            continue;
        fprintf(out, "%s{\"le_ns\": %" PRId64 ", \"count\": %" PRIu64 "}", first ? "" : ", ",
                sl__hist_upper(b), hist[b]);
        first = 0;
    }
    fputs("]}}", out);
}

int sl_metrics_write_json(sl_metrics *m, FILE *out)
{
    if (!m || !out)
        return SL_INVAL;
    int n = sl_metrics_nstages(m);
    fprintf(out,
            "{\n  \"elapsed_ns\": %" PRId64 ",\n  \"progress\": {\"done\": %" PRIu64 ", \"total\": %" PRIu64
            ", \"bytes\": %" PRIu64 "},\n  \"stages\": [\n",
            sl_now() - m->born, atomic_load(&m->done), atomic_load(&m->total), atomic_load(&m->done_bytes));
    for (int i = 0; i < n; i++) {
        json_stage(out, m, i);
        fputs(i + 1 < n ? ",\n" : "\n", out);
    }
    fputs("  ],\n  \"gauges\": {", out);
    int ng = sl_metrics_ngauges(m);
    for (int i = 0; i < ng; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        json_string(out, m->gauges[i]->name);
        fprintf(out, ": %" PRId64, atomic_load_explicit(&m->gauges[i]->value, memory_order_relaxed));
    }
    fputs(ng ? "\n  }\n}\n" : "}\n}\n", out);
    /* Flush so a full disk is reported here, not lost at fclose. */
    return fflush(out) != 0 || ferror(out) ? SL_CLOSED : SL_OK;
}
