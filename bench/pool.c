/*
 * pool.c - benchmark of the work-stealing pool, the programs of its Go
 * peer (bench/peers/go/pool) written against libsluice.
 *
 *   pool [-n TASKS] [-r REPS] [-c CUTOFF] [-t THREADS] [--tsv]
 *
 *   spawn_wait          spawn TASKS empty tasks into a group, wait (ns/task)
 *   spawn_wait_outside  the same from a thread outside the pool (ns/task;
 *                       no Go counterpart: every goroutine is "inside")
 *   fib32_seq           fib(32), plain recursion on one thread (ms)
 *   fib32               fib(32) by fork-join, sequential below CUTOFF (ms)
 *   parallel_for_1t/2t  a CPU-bound kernel over 65536 indices (ms)
 *   parallel_for_speedup  1t / 2t (x): 1 and 2 threads take turns, and
 *                       this is the median of the turns' ratios
 *
 * Go runs its main goroutine on one of GOMAXPROCS threads; to match, each
 * measured program (but spawn_wait_outside) runs as a task on the pool,
 * and the main thread waits on a semaphore, so it does not help.  Each
 * figure is the median of REPS runs.  With --tsv, lines are
 * NAME<TAB>VALUE<TAB>UNIT.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "median.h"
#include "sluice/pool.h"

enum { FOR_N = 1 << 16, FOR_ITERS = 256, FIB_N = 32, FIB_32 = 2178309 };

static int cutoff = 10;

static double now_ms(void)
{
    return (double)sl_now() / 1e6;
}

/* ---- running a program as a task, with the main thread out of the way */

typedef struct {
    void (*fn)(void *);
    void *arg;
    sem_t done;
} root;

static int root_task(void *arg)
{
    root *r = arg;
    r->fn(r->arg);
    sem_post(&r->done);
    return 0;
}

static void run_on_pool(sl_pool *p, void (*fn)(void *), void *arg)
{
    root r;
    r.fn = fn;
    r.arg = arg;
    sem_init(&r.done, 0, 0);
    if (sl_pool_submit(p, root_task, &r) != SL_OK) {
        fprintf(stderr, "pool: submit failed\n");
        exit(1);
    }
    while (sem_wait(&r.done) != 0 && errno == EINTR)
        ;
    sem_destroy(&r.done);
}

/* ---- spawn_wait ---------------------------------------------------------- */

typedef struct {
    sl_pool *pool;
    long n;
    double ms;
} spawn_run;

static int empty_task(void *arg)
{
    (void)arg;
    return 0;
}

static void spawn_wait(void *arg)
{
    spawn_run *s = arg;
    double t0 = now_ms();
    sl_group *g = sl_group_new(s->pool);
    if (!g) {
        fprintf(stderr, "pool: out of memory\n");
        exit(1);
    }
    for (long i = 0; i < s->n; i++)
        if (sl_group_spawn(g, empty_task, NULL) != SL_OK) {
            fprintf(stderr, "pool: spawn failed\n");
            exit(1);
        }
    sl_group_wait(g);
    sl_group_free(g);
    s->ms = now_ms() - t0;
}

/* ---- fib ------------------------------------------------------------------ */

static long fib_seq(int n)
{
    return n < 2 ? n : fib_seq(n - 1) + fib_seq(n - 2);
}

typedef struct {
    sl_pool *pool;
    int n;
    long result;
} fib_arg;

/* Spawn one half, compute the other here, wait: the usual fork-join. */
static int fib_task(void *arg)
{
    fib_arg *f = arg;
    if (f->n < cutoff) {
        f->result = fib_seq(f->n);
        return 0;
    }
    fib_arg x = {f->pool, f->n - 1, 0}, y = {f->pool, f->n - 2, 0};
    sl_group *g = sl_group_new(f->pool);
    if (!g || sl_group_spawn(g, fib_task, &x) != SL_OK) {
        fprintf(stderr, "pool: out of memory\n");
        exit(1);
    }
    fib_task(&y);
    sl_group_wait(g);
    sl_group_free(g);
    f->result = x.result + y.result;
    return 0;
}

typedef struct {
    sl_pool *pool;
    double ms;
} fib_run;

static void check_fib(long r)
{
    if (r != FIB_32) {
        fprintf(stderr, "pool: fib(%d) = %ld, not %d\n", FIB_N, r, FIB_32);
        exit(1);
    }
}

static void fib_par(void *arg)
{
    fib_run *fr = arg;
    double t0 = now_ms();
    fib_arg f = {fr->pool, FIB_N, 0};
    fib_task(&f);
    fr->ms = now_ms() - t0;
    check_fib(f.result);
}

/* ---- parallel-for over a CPU-bound kernel ------------------------------- */

static uint64_t mix(uint64_t x)
{
    for (int k = 0; k < FOR_ITERS; k++) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 29;
    }
    return x;
}

typedef struct {
    sl_pool *pool;
    uint64_t *out;
    double ms;
} for_run;

static int kernel(void *arg, size_t b, size_t e)
{
    uint64_t *out = arg;
    for (size_t i = b; i < e; i++)
        out[i] = mix(i + 1);
    return 0;
}

static void par_for(void *arg)
{
    for_run *fr = arg;
    double t0 = now_ms();
    sl_parallel_for(fr->pool, 0, FOR_N, 0, kernel, fr->out);
    fr->ms = now_ms() - t0;
}

static uint64_t checksum(const uint64_t *out)
{
    uint64_t s = 0;
    for (size_t i = 0; i < FOR_N; i++)
        s += out[i];
    return s;
}

/* ---- main ------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: pool [-n TASKS] [-r REPS] [-c CUTOFF] [-t THREADS] [--tsv]\n");
    exit(2);
}


typedef struct {
    const char *name, *unit;
    double value;
} row;

int main(int argc, char **argv)
{
    long n = 1000000, reps = 5, threads = 2;
    int tsv = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tsv"))
            tsv = 1;
        else if (!strcmp(argv[i], "-n"))
            n = sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-r"))
            reps = sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-c"))
            cutoff = (int)sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-t"))
            threads = sl_bench_arg_count(argc, argv, &i, usage);
        else
            usage();
    }
    double *v = malloc((size_t)reps * sizeof *v);
    uint64_t *out = malloc(FOR_N * sizeof *out);
    row rows[7];
    int nrows = 0;

    sl_pool *p = sl_pool_new((size_t)threads);
    if (!p || !v || !out) {
        fprintf(stderr, "pool: cannot create a pool of %ld threads\n", threads);
        return 1;
    }
    for (long r = 0; r < reps; r++) {
        spawn_run s = {p, n, 0};
        run_on_pool(p, spawn_wait, &s);
        v[r] = s.ms * 1e6 / (double)n;
    }
    rows[nrows++] = (row){"spawn_wait", "ns/task", sl_bench_median(v, (size_t)reps)};
    for (long r = 0; r < reps; r++) {
        spawn_run s = {p, n, 0};
        spawn_wait(&s);
        v[r] = s.ms * 1e6 / (double)n;
    }
    rows[nrows++] = (row){"spawn_wait_outside", "ns/task", sl_bench_median(v, (size_t)reps)};
    for (long r = 0; r < reps; r++) {
        double t0 = now_ms();
        check_fib(fib_seq(FIB_N));
        v[r] = now_ms() - t0;
    }
    rows[nrows++] = (row){"fib32_seq", "ms", sl_bench_median(v, (size_t)reps)};
    for (long r = 0; r < reps; r++) {
        fib_run fr = {p, 0};
        run_on_pool(p, fib_par, &fr);
        v[r] = fr.ms;
    }
    rows[nrows++] = (row){"fib32", "ms", sl_bench_median(v, (size_t)reps)};
    sl_pool_free(p);

    /* 1 and 2 threads take turns, so both see the same machine, and the
     * speed-up is the median of each turn's ratio. */
    double *v2 = malloc((size_t)reps * sizeof *v2), *ratio = malloc((size_t)reps * sizeof *ratio);
    sl_pool *q[2] = {sl_pool_new(1), sl_pool_new(2)};
    if (!v2 || !ratio || !q[0] || !q[1]) {
        fprintf(stderr, "pool: cannot create the pools of 1 and 2 threads\n");
        return 1;
    }
    uint64_t sums[2];
    for (long r = 0; r < reps; r++) {
        double *ms[2] = {&v[r], &v2[r]};
        for (int t = 0; t < 2; t++) {
            for_run fr = {q[t], out, 0};
            memset(out, 0, FOR_N * sizeof *out);
            run_on_pool(q[t], par_for, &fr);
            *ms[t] = fr.ms;
            sums[t] = checksum(out);
        }
        ratio[r] = v[r] / v2[r];
        if (sums[0] != sums[1]) {
            fprintf(stderr, "pool: parallel_for results differ between 1 and 2 threads\n");
            return 1;
        }
    }
    sl_pool_free(q[0]);
    sl_pool_free(q[1]);
    rows[nrows++] = (row){"parallel_for_1t", "ms", sl_bench_median(v, (size_t)reps)};
    rows[nrows++] = (row){"parallel_for_2t", "ms", sl_bench_median(v2, (size_t)reps)};
    rows[nrows++] = (row){"parallel_for_speedup", "x", sl_bench_median(ratio, (size_t)reps)};

    if (tsv) {
        for (int i = 0; i < nrows; i++)
            printf("%s\t%.3f\t%s\n", rows[i].name, rows[i].value, rows[i].unit);
    } else {
        printf("sluice pool: %ld threads, %ld tasks, fib cutoff %d, median of %ld runs\n", threads, n, cutoff,
               reps);
        for (int i = 0; i < nrows; i++)
            printf("  %-22s %10.3f %s\n", rows[i].name, rows[i].value, rows[i].unit);
    }
    free(v);
    free(v2);
    free(ratio);
    free(out);
    return 0;
}
