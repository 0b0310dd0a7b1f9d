/*
 * bench/pipeline.c - what a sluice pipeline costs and how it scales.
 *
 * Two questions, each the median of several runs: how many items a second
 * pass through a pipeline whose stages do nothing (the pipeline's own
 * overhead: three channel hops and a credit per item), ordered and not,
 * with and without metrics, and the CPU time (all threads) that costs per
 * item; and how a CPU-bound worker stage speeds up
 * from 1 to N workers (the sink and source are trivial, so the ideal is N).
 *
 *   build/bench/pipeline [--tsv] [--reps N] [--workers N] [--item-us US]
 *
 * --workers sets the largest worker count for the CPU-bound stage (1, 2,
 * 4 ... up to it); --item-us the CPU time of one item there (200).
 *
 * --tsv prints NAME<TAB>VALUE<TAB>UNIT lines; speed-ups end in _speedup.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "median.h"
#include "sluice/sluice.h"

typedef struct bench {
    uint64_t n, next;
    unsigned spin;     /* kernel iterations per item: 0 for trivial work */
    uint64_t checksum; /* sink only: keeps the kernel from being optimised out */
} bench;

static int b_source(void *ctx, void **item, size_t *bytes)
{
    bench *b = ctx;
    if (b->next == b->n)
        return 0;
    *item = (void *)(uintptr_t)(++b->next);
    *bytes = 1;
    return 1;
}

/* A CPU-bound kernel with a serial dependency: xorshift* steps. */
static uint64_t kernel(uint64_t x, unsigned iters)
{
    for (unsigned i = 0; i < iters; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x *= 0x2545F4914F6CDD1Dull;
    }
    return x;
}

static int b_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    bench *b = ctx;
    (void)worker;
    uint64_t v = (uint64_t)(uintptr_t)in;
    if (b->spin)
        v = kernel(v, b->spin) | 1;
    *out = (void *)(uintptr_t)v;
    *bytes = 1;
    return 0;
}

static int b_sink(void *ctx, void *item, size_t bytes)
{
    bench *b = ctx;
    (void)bytes;
    b->checksum ^= (uint64_t)(uintptr_t)item;
    return 0;
}

static const sl_pipeline_ops b_ops = {b_source, b_work, b_sink, NULL};

static double process_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds (every thread) the last run_once used: unlike wall time,
 * barely moved by other processes on a shared machine. */
static double last_cpu_s;

/* Seconds for one run of n items. */
static double run_once(uint64_t n, unsigned spin, size_t workers, size_t depth, int ordered, int metrics)
{
    bench b = {n, 0, spin, 0};
    sl_metrics *m = metrics ? sl_metrics_new() : NULL;
    sl_pipeline_config cfg = {workers, depth, ordered, m};
    sl_pipeline *p = sl_pipeline_new(&b_ops, &b, &cfg);
    if (!p) {
        fprintf(stderr, "pipeline: sl_pipeline_new failed\n");
        exit(1);
    }
    double c0 = process_cpu_s();
    int64_t t0 = sl_now();
    int r = sl_pipeline_run(p);
    int64_t t1 = sl_now();
    last_cpu_s = process_cpu_s() - c0;
    sl_pipeline_free(p);
    sl_metrics_free(m);
    if (r != 0 || b.checksum == 0) {
        fprintf(stderr, "pipeline: run failed (%d)\n", r);
        exit(1);
    }
    return (double)(t1 - t0) / 1e9;
}

static double median_cpu_s; /* of the last median_secs */

static double median_secs(int reps, uint64_t n, unsigned spin, size_t workers, size_t depth, int ordered,
                          int metrics)
{
    double t[64], c[64];
    for (int i = 0; i < reps; i++) {
        t[i] = run_once(n, spin, workers, depth, ordered, metrics);
        c[i] = last_cpu_s;
    }
    median_cpu_s = sl_bench_median(c, (size_t)reps);
    return sl_bench_median(t, (size_t)reps);
}

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Kernel iterations that take about `us` microseconds of CPU here (CPU
 * time, not wall time: other processes on a shared machine must not make
 * the items smaller). */
static unsigned calibrate(double us)
{
    unsigned iters = 1 << 16;
    for (;;) {
        int64_t t0 = thread_cpu_ns();
        volatile uint64_t sink = kernel(1, iters);
        (void)sink;
        double took = (double)(thread_cpu_ns() - t0) / 1e3;
        if (took > 20000 || iters >= 1u << 30)
            return (unsigned)((double)iters * us / took);
        iters *= 2;
    }
}

typedef struct row {
    char name[64];
    double value;
    const char *unit;
} row;

static row rows[32];
static int nrows;

static void add(const char *name, double value, const char *unit)
{
    snprintf(rows[nrows].name, sizeof rows[nrows].name, "%s", name);
    rows[nrows].value = value;
    rows[nrows].unit = unit;
    nrows++;
}

int main(int argc, char **argv)
{
    int tsv = 0, reps = 5;
    size_t maxw = 2;
    double item_us = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tsv"))
            tsv = 1;
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
            maxw = (size_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--item-us") && i + 1 < argc)
            item_us = atof(argv[++i]);
        else {
            int help = !strcmp(argv[i], "--help");
            fprintf(help ? stdout : stderr,
                    "usage: %s [--tsv] [--reps N] [--workers N] [--item-us US]\n"
                    "  --tsv         NAME<TAB>VALUE<TAB>UNIT lines\n"
                    "  --reps N      runs per figure, the median is reported (5)\n"
                    "  --workers N   CPU-bound stage at 1, 2, 4 ... N workers (2)\n"
                    "  --item-us US  CPU time of one CPU-bound item (200)\n",
                    argv[0]);
            return help ? 0 : 2;
        }
    }
    if (reps < 1 || reps > 64 || maxw < 1 || maxw > 1024 || !(item_us >= 1 && item_us <= 1e6)) {
        fprintf(stderr, "pipeline: --reps must be 1..64, --workers 1..1024, --item-us 1..1000000\n");
        return 2;
    }

    /* Trivial stages: the pipeline's own cost per item. */
    const uint64_t trivial = 200000;
    double s = median_secs(reps, trivial, 0, 2, 0, 0, 0);
    add("trivial_unordered_items_per_s", (double)trivial / s, "items/s");
    s = median_secs(reps, trivial, 0, 2, 0, 1, 0);
    add("trivial_ordered_items_per_s", (double)trivial / s, "items/s");
    add("trivial_ordered_cpu_per_item", median_cpu_s * 1e9 / (double)trivial, "ns");
    s = median_secs(reps, trivial, 0, 2, 0, 1, 1);
    add("trivial_ordered_metrics_items_per_s", (double)trivial / s, "items/s");
    s = median_secs(reps, trivial, 0, 2, 256, 1, 0);
    add("trivial_ordered_depth256_items_per_s", (double)trivial / s, "items/s");

    /* CPU-bound work stage: item_us an item, 1 worker against maxw; about
     * 0.2 s of CPU a run. */
    unsigned spin = calibrate(item_us);
    const uint64_t cpu_items = (uint64_t)(200000 / item_us) + 1;
    double one = median_secs(reps, cpu_items, spin, 1, 0, 1, 0);
    add("cpu_1_worker_items_per_s", (double)cpu_items / one, "items/s");
    for (size_t w = 2; w <= maxw; w *= 2) {
        /* Runs at 1 and w workers alternate, and the speed-up is the
         * median of each pair's ratio: load from other processes on a
         * shared machine then hits both sides of a ratio alike. */
        double ratio[64], per[64];
        for (int i = 0; i < reps; i++) {
            double a = run_once(cpu_items, spin, 1, 0, 1, 0);
            per[i] = run_once(cpu_items * w, spin, w, 0, 1, 0) / (double)w;
            ratio[i] = a / per[i];
        }
        char name[64];
        snprintf(name, sizeof name, "cpu_%zu_workers_items_per_s", w);
        add(name, (double)cpu_items / sl_bench_median(per, (size_t)reps), "items/s");
        snprintf(name, sizeof name, "cpu_%zu_workers_speedup", w);
        add(name, sl_bench_median(ratio, (size_t)reps), "x");
        if (w * 2 > maxw && w != maxw)
            w = maxw / 2; /* end on maxw itself */
    }

    if (tsv) {
        for (int i = 0; i < nrows; i++)
            printf("%s\t%.3f\t%s\n", rows[i].name, rows[i].value, rows[i].unit);
        return 0;
    }
    printf("sluice pipeline: median of %d runs, %ld online CPUs, CPU item ~%.0f us\n", reps,
           sysconf(_SC_NPROCESSORS_ONLN), item_us);
    printf("%-40s %14s  %s\n", "measure", "value", "unit");
    for (int i = 0; i < nrows; i++)
        printf("%-40s %14.2f  %s\n", rows[i].name, rows[i].value, rows[i].unit);
    return 0;
}
