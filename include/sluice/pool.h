/*
 * pool.h - a work-stealing thread pool, task groups and parallel-for.
 *
 * N worker threads, each with its own deque.  A task submitted from inside
 * a task goes to the submitter's own deque (LIFO for it, FIFO for thieves);
 * idle workers steal, then park without using CPU.  A group collects tasks
 * the way Go's sync.WaitGroup + errgroup do: spawn, wait for all, keep the
 * first non-zero result.  A thread waiting on a group runs queued tasks
 * meanwhile, so nested fork-join never deadlocks, even with one worker.
 * See docs/api/pool.md for the reference.
 */
#ifndef SLUICE_POOL_H
#define SLUICE_POOL_H

#include <stddef.h>

#include "chan.h" /* status codes */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_pool sl_pool;
typedef struct sl_group sl_group;

/* A task: returns 0 on success, anything else is its error. */
typedef int (*sl_task_fn)(void *arg);

/* nthreads 0: the number of online CPUs.  NULL on failure.  The workers
 * may run on every CPU the calling thread may; each starts on another CPU
 * than the caller's where it may (Linux can start it on the caller's,
 * behind the caller, until an idle CPU notices: it did on this project's
 * VMs). */
sl_pool *sl_pool_new(size_t nthreads);
/* Waits for every queued task to run, then joins the workers.  From a
 * task or worker of p it aborts with a message.  After fork(), a pool made
 * before it refuses work in the child (SL_CLOSED) and its free returns. */
void sl_pool_free(sl_pool *p);
size_t sl_pool_size(const sl_pool *p);
/* Index of the calling worker thread in [0, size), or -1 off the pool. */
int sl_pool_worker_index(const sl_pool *p);

/* Fire and forget: SL_OK, SL_NOMEM, or SL_CLOSED once the pool is being freed. */
int sl_pool_submit(sl_pool *p, sl_task_fn fn, void *arg);

/* Groups.  sl_group_new returns NULL on failure. */
sl_group *sl_group_new(sl_pool *p);
/* SL_OK or SL_NOMEM.  Once a task of the group has failed, tasks spawned
 * later are not run (they count as done); running ones are not stopped but
 * can poll sl_group_failed. */
int sl_group_spawn(sl_group *g, sl_task_fn fn, void *arg);
/* Waits for every task spawned so far (helping run queued work), then
 * returns the first non-zero task result, or 0.  The group can be reused.
 * In a forked child, on a group of a pool made before the fork that still
 * counts tasks: SL_CLOSED at once (its tasks are in the parent). */
int sl_group_wait(sl_group *g);
/* 1 once a task of the group has returned non-zero. */
int sl_group_failed(sl_group *g);
void sl_group_free(sl_group *g);

/* Runs fn over [begin, end) in chunks of at most `grain` indices (0: an
 * automatic grain), in parallel on the pool; the caller helps.  Returns the
 * first non-zero result of fn, or 0. */
typedef int (*sl_for_fn)(void *arg, size_t begin, size_t end);
int sl_parallel_for(sl_pool *p, size_t begin, size_t end, size_t grain, sl_for_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif
