/*
 * helpers.h - small helpers for the process-pool tests: making a pool of
 * the test workers, receiving a result with a time limit (so a lost
 * result fails a test instead of hanging it), and submitting a string.
 */
#ifndef SLUICE_TESTS_PROC_HELPERS_H
#define SLUICE_TESTS_PROC_HELPERS_H

#include <string.h>
#include <time.h>

#include "check.h"
#include "sluice/proc.h"
#include "workers.h"

static inline sl_proc_config test_config(const sl_proc_worker *w, size_t workers)
{
    sl_proc_config c = {.worker = w, .workers = workers};
    return c;
}

static inline sl_proc_pool *test_pool(const sl_proc_config *c)
{
    sl_proc_pool *p = sl_proc_pool_new(c);
    CHECK(p != NULL);
    return p;
}

/* The next result, waiting at most `seconds`. */
static inline sl_proc_result next_result(sl_proc_pool *p, int seconds)
{
    sl_proc_result r;
    memset(&r, 0, sizeof r);
    int rc = sl_chan_recv_until(sl_proc_pool_results(p), &r, sl_deadline_in((int64_t)seconds * 1000000000));
    CHECK_EQ(rc, SL_OK);
    return r;
}

/* Waits (at most 30 s) until `n` workers serve. */
static inline void wait_ready(sl_proc_pool *p, size_t n)
{
    int64_t until = sl_deadline_in(30000000000LL);
    sl_proc_stats st;
    while (sl_proc_pool_stats(p, &st) == SL_OK && st.ready < n && sl_now() < until) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    CHECK(st.ready >= n);
}

static inline int submit_str(sl_proc_pool *p, const char *s, uint64_t tag)
{
    return sl_proc_pool_submit(p, s, strlen(s), tag);
}

#endif
