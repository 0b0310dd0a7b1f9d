/* helpers.h - small thread helpers shared by the channel test files. */
#ifndef SLUICE_TESTS_CHAN_HELPERS_H
#define SLUICE_TESTS_CHAN_HELPERS_H

#include <pthread.h>
#include <time.h>

#include "sluice/chan.h"

static inline void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline pthread_t spawn(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_create(&t, NULL, fn, arg);
    return t;
}

#define MS(n) ((int64_t)(n) * 1000000)

#endif
