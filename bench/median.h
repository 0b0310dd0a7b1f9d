/*
 * median.h - the median of repeated benchmark runs, which every benchmark
 * reports (this machine is shared and noisy).  Sorts v in place, so after
 * the call v[0] and v[n-1] are the fastest and slowest runs.
 */
#ifndef SLUICE_BENCH_MEDIAN_H
#define SLUICE_BENCH_MEDIAN_H

#include <stdlib.h>

static inline int sl_bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double sl_bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, sl_bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
