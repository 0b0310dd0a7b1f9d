/*
 * pool_for.c - sl_parallel_for: a range cut into chunks that the caller
 * and a few helper tasks claim from one shared counter.
 *
 * Self-scheduling rather than recursive splitting: every participant
 * takes the next chunk with one atomic add until none is left, so uneven
 * chunk costs balance themselves, and the helpers need no memory of their
 * own (they share one descriptor on the caller's stack, which outlives
 * them because the caller waits on their group).  Built on the public
 * group API only.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "sluice/pool.h"

typedef struct sl__for {
    sl_for_fn fn;
    void *arg;
    size_t begin, end, grain, nchunks;
    _Atomic size_t next; /* the next chunk to claim */
    _Atomic int err;     /* first non-zero result; stops further claims */
} sl__for;

/* Counting chunks rather than indices keeps the counter far from
 * overflow even when `end` is near SIZE_MAX. */
static void for_run(sl__for *f)
{
    while (!atomic_load_explicit(&f->err, memory_order_relaxed)) {
        size_t k = atomic_fetch_add_explicit(&f->next, 1, memory_order_relaxed);
        if (k >= f->nchunks)
            return;
        size_t b = f->begin + k * f->grain;
        size_t e = f->end - b > f->grain ? b + f->grain : f->end;
        int r = f->fn(f->arg, b, e);
        if (r) {
            int zero = 0;
            atomic_compare_exchange_strong_explicit(&f->err, &zero, r, memory_order_relaxed,
                                                    memory_order_relaxed);
            return;
        }
    }
}

static int for_task(void *arg)
{
    for_run(arg);
    return 0;
}

int sl_parallel_for(sl_pool *p, size_t begin, size_t end, size_t grain, sl_for_fn fn, void *arg)
{
    if (!p || !fn || begin > end)
        return SL_INVAL;
    size_t n = end - begin;
    if (n == 0)
        return 0;
    size_t threads = sl_pool_size(p);
    if (grain == 0) {
        /* About 32 chunks a thread: the last chunk to finish leaves the
         * other threads idle for at most ~1/32 of a thread's share, even
         * when a thread loses its CPU for a while; claiming a chunk is one
         * atomic add, nothing next to a chunk's work. */
        grain = n / (threads * 32);
        if (grain == 0)
            grain = 1;
    }
    sl__for f = {.fn = fn, .arg = arg, .begin = begin, .end = end, .grain = grain};
    f.nchunks = n / grain + (n % grain != 0);
    atomic_init(&f.next, 0);
    atomic_init(&f.err, 0);

    /* Helpers: one per other thread that could run them, never more than
     * there are chunks beyond the caller's first. */
    size_t helpers = sl_pool_worker_index(p) >= 0 ? threads - 1 : threads;
    if (helpers > f.nchunks - 1)
        helpers = f.nchunks - 1;
    sl_group *g = helpers ? sl_group_new(p) : NULL;
    if (g)
        for (size_t i = 0; i < helpers; i++)
            if (sl_group_spawn(g, for_task, &f) != SL_OK)
                break; /* fewer helpers: the caller does more itself */
    for_run(&f);
    if (g) {
        sl_group_wait(g);
        sl_group_free(g);
    }
    return atomic_load_explicit(&f.err, memory_order_relaxed);
}
