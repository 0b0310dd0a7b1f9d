/*
 * google_search.c - Rob Pike's "Google Search 3.0" (Go Concurrency
 * Patterns, 2012) with lightweight tasks.
 *
 * A search asks three backends (web, image, video) at once.  Each backend
 * has three replicas; the first replica to answer wins (Pike's First),
 * which cuts the tail latency.  The whole search has a budget of 50 ms
 * (Pike's 80 ms almost never runs out with three replicas): the results
 * that arrived by then are shown, the rest are dropped.  A fake backend
 * replica sleeps 0-100 ms, as a loaded server might.
 *
 * Two things differ from the Go program, because C has no garbage
 * collector: each First channel is buffered for every replica, so the
 * losers' sends never block (in Go they leak blocked goroutines), and it
 * is freed only when all three have answered; the search's own channel
 * likewise outlives the late answers it no longer waits for.
 * Build: build/examples/google_search [searches].
 */
#define _POSIX_C_SOURCE 200809L /* rand_r: not in plain C11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/task.h>

enum { KINDS = 3, REPLICAS = 3, BUDGET_MS = 50, SLOWEST_MS = 100 };
#define MS(n) ((int64_t)(n) * 1000000)

typedef struct {
    char text[48];
} result;

typedef struct {
    const char *kind;
    int replica;
    int64_t latency; /* how long this replica takes */
    sl_chan *out;    /* the First channel it answers on */
} replica_query;

typedef struct {
    const char *kind;
    int64_t latency[REPLICAS];
    sl_chan *out; /* the search's results channel */
} first_query;

static sl_pool *pool;

/* One fake backend replica: takes its time, then answers. */
static int replica(void *arg)
{
    replica_query *q = arg;
    sl_sleep_until(sl_deadline_in(q->latency)); /* only this task sleeps */
    result r;
    snprintf(r.text, sizeof r.text, "%s result from replica %d", q->kind, q->replica);
    sl_chan_send(q->out, &r); /* buffered for every replica: never blocks */
    free(q);
    return 0;
}

/* First: asks every replica, forwards the first answer. */
static int first(void *arg)
{
    first_query *f = arg;
    sl_chan *c = sl_chan_new(sizeof(result), REPLICAS);
    for (int i = 0; i < REPLICAS; i++) {
        replica_query *q = malloc(sizeof *q);
        *q = (replica_query){f->kind, i, f->latency[i], c};
        if (sl_go(pool, replica, q) != SL_OK)
            abort();
    }
    result r;
    sl_chan_recv(c, &r);
    sl_chan_send(f->out, &r); /* the search's channel has room for every backend */
    for (int i = 1; i < REPLICAS; i++) /* the losers, before c goes */
        sl_chan_recv(c, &r);
    sl_chan_free(c);
    free(f);
    return 0;
}

/* Google: every backend at once, whatever arrives within the budget. */
static int google(const char *query, unsigned *seed, sl_chan *results, result *got)
{
    static const char *const kinds[KINDS] = {"web", "image", "video"};
    (void)query;
    for (int k = 0; k < KINDS; k++) {
        first_query *f = malloc(sizeof *f);
        f->kind = kinds[k];
        f->out = results;
        for (int i = 0; i < REPLICAS; i++)
            f->latency[i] = MS(rand_r(seed) % SLOWEST_MS);
        if (sl_go(pool, first, f) != SL_OK)
            abort();
    }
    int64_t deadline = sl_deadline_in(MS(BUDGET_MS)); /* one deadline for the whole conversation */
    int n = 0;
    while (n < KINDS && sl_chan_recv_until(results, &got[n], deadline) == SL_OK)
        n++;
    return n; /* SL_TIMEDOUT ended the loop early: "timed out" */
}

int main(int argc, char **argv)
{
    int searches = argc > 1 ? atoi(argv[1]) : 10;
    pool = sl_pool_new(0);
    sl_chan **channels = calloc((size_t)searches, sizeof *channels);
    unsigned seed = 2012;
    int complete = 0;
    for (int s = 0; s < searches; s++) {
        channels[s] = sl_chan_new(sizeof(result), KINDS);
        result got[KINDS];
        int64_t start = sl_now();
        int n = google("golang", &seed, channels[s], got);
        double ms = (double)(sl_now() - start) / 1e6;
        printf("search %d: %d of %d backends in %.1f ms%s\n", s, n, KINDS, ms, n < KINDS ? " (timed out)" : "");
        for (int i = 0; i < n; i++)
            printf("    %s\n", got[i].text);
        complete += n == KINDS;
    }
    sl_pool_free(pool); /* waits for the replicas still sleeping */
    for (int s = 0; s < searches; s++)
        sl_chan_free(channels[s]); /* late answers are freed with their channel */
    free(channels);
    printf("%d of %d searches complete within %d ms\n", complete, searches, BUDGET_MS);
    return 0;
}
