/*
 * fixture.h - a counting pipeline for the tests: heap items whose every
 * allocation, free and moment in flight is counted, and hooks to make any
 * stage slow or fail at a chosen item.
 *
 * The one idea: the tests never trust the pipeline's own bookkeeping.
 * The source allocates each item and bumps `live`; only the sink and drop
 * free it and lower `live`; so allocs == frees proves nothing leaked (even
 * where ASan is not watching) and live_max checks the in-flight bound.
 */
#ifndef SLUICE_TESTS_PIPELINE_FIXTURE_H
#define SLUICE_TESTS_PIPELINE_FIXTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "sluice/pipeline.h"

#if defined(__SANITIZE_THREAD__)
#define FX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FX_TSAN 1
#endif
#endif
#ifndef FX_TSAN
#define FX_TSAN 0
#endif

/* Counts scaled down under TSan, which runs several times slower. */
#define FX_N(n) ((uint64_t)(FX_TSAN ? (n) / 2 + 1 : (n)) * (uint64_t)sl_test_stress())

enum { FX_NEVER = -1 };

typedef struct fx_item {
    uint64_t seq;
    uint64_t value;
    int produced; /* set by work */
} fx_item;

typedef struct fixture {
    uint64_t n;                 /* items the source produces (UINT64_MAX: endless) */
    uint64_t next;              /* source thread only */
    int64_t fail_source_at, fail_work_at, fail_sink_at; /* seq, or FX_NEVER */
    int fail_code;
    unsigned delay_us;          /* work sleeps up to this much, at random */
    unsigned first_delay_ms;    /* work on item 0 sleeps this long */

    _Atomic int64_t allocs, frees, live, live_max;
    _Atomic int64_t work_calls;
    _Atomic int bad_drop;       /* drop's `produced` disagreed with the item */
    pthread_t runner;           /* the thread that runs the pipeline: fx_init's */
    _Atomic int wrong_thread;   /* sink or drop ran on another thread */

    /* sink thread only */
    uint64_t delivered, next_expected;
    int out_of_order;
    unsigned char *seen;        /* per seq, when n is finite and small */
    int seen_twice;
} fixture;

void fx_sleep_us(unsigned us);
void fx_init(fixture *f, uint64_t n);
/* Every item allocated was freed exactly once, and drop saw the truth. */
void fx_check_clean(fixture *f);
void fx_fini(fixture *f);
/* Builds, runs and frees one pipeline over f; returns run's result. */
int fx_run(fixture *f, size_t workers, size_t depth, int ordered, sl_metrics *m);
extern const sl_pipeline_ops fx_ops;

#endif
