/*
 * chan_demo.c - what `make run` shows first: a generator, four workers and
 * a collector connected by channels, a select with a timeout, and the rate
 * at which values cross an unbuffered channel between two threads.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "sluice/chan.h"

enum { WORKERS = 4, JOBS = 100000 };

static sl_chan *jobs, *results;

static void *worker(void *arg)
{
    (void)arg;
    int64_t n;
    while (sl_chan_recv(jobs, &n) == SL_OK) { /* until jobs is closed and drained */
        int64_t sq = n * n;
        sl_chan_send(results, &sq);
    }
    return NULL;
}

static void *generator(void *arg)
{
    (void)arg;
    for (int64_t i = 1; i <= JOBS; i++)
        sl_chan_send(jobs, &i);
    sl_chan_close(jobs);
    return NULL;
}

static void *echo(void *arg)
{
    sl_chan **pair = arg;
    int64_t v;
    while (sl_chan_recv(pair[0], &v) == SL_OK)
        sl_chan_send(pair[1], &v);
    return NULL;
}

int main(void)
{
    jobs = sl_chan_new(sizeof(int64_t), 64);
    results = sl_chan_new(sizeof(int64_t), 64);
    pthread_t gen, w[WORKERS];
    int64_t start = sl_now();
    pthread_create(&gen, NULL, generator, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&w[i], NULL, worker, NULL);

    int64_t sum = 0, got = 0;
    while (got < JOBS) {
        int64_t sq;
        sl_case cs[] = {{results, SL_RECV, &sq, 0}};
        int r = sl_select(cs, 1, sl_deadline_in(2000000000)); /* 2 s */
        if (r == SL_TIMEDOUT) {
            fprintf(stderr, "chan_demo: workers stalled\n");
            return 1;
        }
        sum += sq;
        got++;
    }
    pthread_join(gen, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(w[i], NULL);
    double ms = (double)(sl_now() - start) / 1e6;
    /* sum of squares 1..n = n(n+1)(2n+1)/6 */
    int64_t want = (int64_t)JOBS * (JOBS + 1) * (2 * JOBS + 1) / 6;
    printf("fan-out/fan-in: %d jobs through %d workers in %.1f ms, sum of squares %lld (%s)\n", JOBS,
           WORKERS, ms, (long long)sum, sum == want ? "correct" : "WRONG");

    /* A select that times out: nobody ever sends on `idle`. */
    sl_chan *idle = sl_chan_new(sizeof(int64_t), 0);
    int64_t v, t0 = sl_now();
    sl_case cs[] = {{idle, SL_RECV, &v, 0}};
    int r = sl_select(cs, 1, sl_deadline_in(50000000));
    printf("select on a silent channel: %s after %.1f ms\n", r == SL_TIMEDOUT ? "SL_TIMEDOUT" : "?",
           (double)(sl_now() - t0) / 1e6);

    /* Round trips over two unbuffered channels. */
    sl_chan *pair[2] = {sl_chan_new(sizeof(int64_t), 0), sl_chan_new(sizeof(int64_t), 0)};
    pthread_t e;
    pthread_create(&e, NULL, echo, pair);
    enum { ROUNDS = 100000 };
    t0 = sl_now();
    for (int64_t i = 0; i < ROUNDS; i++) {
        sl_chan_send(pair[0], &i);
        sl_chan_recv(pair[1], &v);
    }
    double ns = (double)(sl_now() - t0) / ROUNDS;
    sl_chan_close(pair[0]);
    pthread_join(e, NULL);
    printf("unbuffered ping-pong: %d round trips, %.0f ns each\n", ROUNDS, ns);

    sl_chan_free(jobs);
    sl_chan_free(results);
    sl_chan_free(idle);
    sl_chan_free(pair[0]);
    sl_chan_free(pair[1]);
    return sum == want && r == SL_TIMEDOUT ? 0 : 1;
}
