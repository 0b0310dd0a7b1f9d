/*
 * fork_join.c - recursive fork-join with sluice: a parallel merge sort.
 *
 * Each call splits its range in two, spawns the left half into a group,
 * sorts the right half itself, waits for the left, and merges.  The wait
 * runs queued tasks meanwhile, so the recursion uses every worker and
 * never deadlocks, whatever the pool size.
 *
 *   build/examples/fork_join [COUNT] [THREADS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/pool.h>

enum { CUTOFF = 4096 }; /* below this, sort sequentially */

typedef struct {
    sl_pool *pool;
    int *v, *tmp;
    size_t n;
} sort_job;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void merge(int *v, int *tmp, size_t mid, size_t n)
{
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n)
        tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static int sort_task(void *arg)
{
    sort_job *job = arg;
    if (job->n <= CUTOFF) {
        qsort(job->v, job->n, sizeof *job->v, cmp_int);
        return 0;
    }
    size_t mid = job->n / 2;
    sort_job left = {job->pool, job->v, job->tmp, mid};
    sort_job right = {job->pool, job->v + mid, job->tmp + mid, job->n - mid};

    sl_group *g = sl_group_new(job->pool);
    if (!g)
        return SL_NOMEM;
    int err = sl_group_spawn(g, sort_task, &left); /* fork (SL_NOMEM: not queued) */
    int right_err = sort_task(&right);             /* our half, meanwhile */
    int left_err = sl_group_wait(g);               /* join: runs queued tasks while it waits */
    sl_group_free(g);
    if (err || right_err || left_err)
        return err ? err : right_err ? right_err : left_err;
    merge(job->v, job->tmp, mid, job->n);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    size_t threads = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
    int *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
    sl_pool *pool = sl_pool_new(threads);
    if (!v || !tmp || !pool) {
        fprintf(stderr, "fork_join: out of memory\n");
        return 1;
    }
    srand(42);
    for (size_t i = 0; i < n; i++)
        v[i] = rand();

    int64_t t0 = sl_now();
    sort_job all = {pool, v, tmp, n};
    int err = sort_task(&all);
    double ms = (double)(sl_now() - t0) / 1e6;

    for (size_t i = 1; i < n && !err; i++)
        if (v[i - 1] > v[i])
            err = 1;
    printf("sorted %zu integers on %zu threads in %.1f ms: %s\n", n, sl_pool_size(pool), ms,
           err ? "FAILED" : "ok");
    sl_pool_free(pool);
    free(v);
    free(tmp);
    return err != 0;
}
