/*
 * metrics_hist.h - the bucket arithmetic of the wait-time histograms.
 *
 * Log-linear buckets (the HdrHistogram idea with 3 significant bits):
 * values below 16 ns get a bucket each; above, every power of two
 * [2^e, 2^(e+1)) is cut into 8 equal sub-buckets.  So a bucket's width is
 * at most 1/8 of its lower edge, and a percentile read as a bucket's upper
 * edge overstates the true value by at most 12.5%, from nanoseconds to
 * centuries, in 488 counters.
 */
#ifndef SLUICE_METRICS_HIST_H
#define SLUICE_METRICS_HIST_H

#include <stdint.h>

enum {
    SL__HIST_SUB_BITS = 3,
    SL__HIST_SUB = 1 << SL__HIST_SUB_BITS,
    /* exponents 3..62 (a non-negative int64), 8 sub-buckets each, plus 0..7 */
    SL__HIST_BUCKETS = SL__HIST_SUB + (62 - SL__HIST_SUB_BITS + 1) * SL__HIST_SUB
};

/* The bucket that holds v nanoseconds (negative values count as 0). */
static inline unsigned sl__hist_bucket(int64_t v)
{
    if (v < SL__HIST_SUB)
        return v < 0 ? 0 : (unsigned)v;
    uint64_t u = (uint64_t)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(u);
    unsigned sub = (unsigned)(u >> (e - SL__HIST_SUB_BITS)) & (SL__HIST_SUB - 1);
    return SL__HIST_SUB + (e - SL__HIST_SUB_BITS) * SL__HIST_SUB + sub;
}

/* The smallest value that falls in bucket i. */
static inline int64_t sl__hist_lower(unsigned i)
{
    if (i < SL__HIST_SUB)
        return (int64_t)i;
    unsigned e = (i - SL__HIST_SUB) / SL__HIST_SUB + SL__HIST_SUB_BITS;
    uint64_t sub = (i - SL__HIST_SUB) % SL__HIST_SUB;
    return (int64_t)((1ull << e) + (sub << (e - SL__HIST_SUB_BITS)));
}

/* The largest value that falls in bucket i. */
static inline int64_t sl__hist_upper(unsigned i)
{
    if (i < SL__HIST_SUB)
        return (int64_t)i;
    unsigned e = (i - SL__HIST_SUB) / SL__HIST_SUB + SL__HIST_SUB_BITS;
    /* Unsigned: the last bucket's edge is INT64_MAX, lower + width is not. */
    return (int64_t)((uint64_t)sl__hist_lower(i) + (1ull << (e - SL__HIST_SUB_BITS)) - 1);
}

#endif
