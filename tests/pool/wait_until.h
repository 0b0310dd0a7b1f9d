/*
 * wait_until.h - for the pool tests: wait, with a generous time limit, for
 * an atomic counter to reach a value, so a lost wake-up fails the test
 * instead of hanging it.
 */
#ifndef SLUICE_TESTS_POOL_WAIT_UNTIL_H
#define SLUICE_TESTS_POOL_WAIT_UNTIL_H

#include <stdatomic.h>
#include <time.h>

#include "sluice/chan.h"

/* 1 once *counter >= want, 0 if `seconds` went by first. */
static inline int wait_until(_Atomic long *counter, long want, int seconds)
{
    int64_t deadline = sl_deadline_in((int64_t)seconds * 1000000000);
    while (atomic_load(counter) < want) {
        if (sl_now() > deadline)
            return 0;
        struct timespec ts = {0, 20000};
        nanosleep(&ts, NULL);
    }
    return 1;
}

#endif
