/* worker_pool.c - four threads take jobs from one channel, send results on another. */
#include <pthread.h>
#include <stdio.h>
#include <sluice/chan.h>

static sl_chan *jobs, *results;

static void *worker(void *arg)
{
    (void)arg;
    int n;
    while (sl_chan_recv(jobs, &n) == SL_OK) { /* SL_CLOSED once jobs is closed and empty */
        long sq = (long)n * n;
        sl_chan_send(results, &sq);
    }
    return NULL;
}

int main(void)
{
    jobs = sl_chan_new(sizeof(int), 16);     /* buffered: 16 jobs may wait */
    results = sl_chan_new(sizeof(long), 16);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    long total = 0;
    int sent = 0, received = 0;
    while (received < 100) { /* feed jobs and collect results without deadlock */
        long r;
        sl_case cs[] = {{sent < 100 ? jobs : NULL, SL_SEND, &sent, 0}, /* NULL: case disabled */
                        {results, SL_RECV, &r, 0}};
        if (sl_select(cs, 2, SL_FOREVER) == 0)
            sent++;
        else
            total += r, received++;
    }
    sl_chan_close(jobs); /* workers drain and exit */
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("sum of squares 0..99 = %ld\n", total);
    sl_chan_free(jobs);
    sl_chan_free(results);
    return total == 328350 ? 0 : 1;
}
