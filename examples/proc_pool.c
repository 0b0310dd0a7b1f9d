/* proc_pool.c - a supervised pool of worker processes: each task counts
 * the primes below a number; the task "0" hits a bug that kills its
 * worker, and the pool reports that task alone while it answers the rest. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sluice/proc.h>

static int count_primes(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    (void)state;
    uint32_t n, count = 0;
    if (len != sizeof n)
        return 1;
    memcpy(&n, task, sizeof n);
    if (n == 0)
        raise(SIGSEGV); /* a bug: the worker dies, not the program */
    for (uint32_t i = 2; i < n; i++) {
        int prime = 1;
        for (uint32_t d = 2; d * d <= i && prime; d++)
            prime = i % d != 0;
        count += prime;
    }
    return sl_proc_reply_set(reply, &count, sizeof count);
}

static const sl_proc_worker primes = {"primes", NULL, count_primes};

int main(void)
{
    const sl_proc_worker *workers[] = {&primes};
    sl_proc_serve(workers, 1); /* in a worker process: serves tasks, never returns */

    sl_proc_config cfg = {.worker = &primes, .workers = 2, .task_timeout_ns = 2000 * 1000000LL};
    sl_proc_pool *pool = sl_proc_pool_new(&cfg);
    if (!pool) {
        perror("sl_proc_pool_new");
        return 1;
    }
    uint32_t limits[] = {1000, 20000, 0, 50000};
    for (uint64_t i = 0; i < 4; i++)
        sl_proc_pool_submit(pool, &limits[i], sizeof limits[i], i); /* tag: the index */
    for (int i = 0; i < 4; i++) {
        sl_proc_result r;
        sl_chan_recv(sl_proc_pool_results(pool), &r); /* an ordinary channel */
        if (r.status == SL_OK)
            printf("primes below %u: %u\n", limits[r.tag], *(uint32_t *)r.data);
        else /* run twice, then reported: "killed by SIGSEGV" */
            printf("primes below %u: failed after %d runs: %s\n", limits[r.tag], r.attempts, r.why);
        free(r.data);
    }
    sl_proc_pool_free(pool);
    return 0;
}
