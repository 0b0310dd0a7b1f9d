/*
 * helpers.h - how the channel tests start their peers and wait for them.
 *
 * Each test file is built three times (tests/chan/CMakeLists.txt):
 *   SL_CHAN_MODE 0  the test body on the main thread, its peers threads;
 *   SL_CHAN_MODE 1  (task_*) the body a task, its peers tasks: tasks at
 *                   both ends of every channel;
 *   SL_CHAN_MODE 2  (mixed_*) the body a task, its peers threads and tasks
 *                   in turn, the first a thread: a task parks and a thread
 *                   wakes it, and the other way round.
 * Tasks run on one pool of two workers.  sleep_ms sleeps only the task.
 */
#ifndef SLUICE_TESTS_CHAN_HELPERS_H
#define SLUICE_TESTS_CHAN_HELPERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "sluice/chan.h"
#include "sluice/task.h"

#ifndef SL_CHAN_MODE
#define SL_CHAN_MODE 0
#endif

#define MS(n) ((int64_t)(n) * 1000000)

static inline void sleep_ms(int ms)
{
    sl_sleep_until(sl_now() + MS(ms));
}

typedef struct peer_t {
    pthread_t thread;
    sl_chan *done; /* a task peer sends on it when it returns */
} peer_t;

typedef struct {
    void *(*fn)(void *);
    void *arg;
    sl_chan *done;
} peer_start;

static sl_pool *test_pool;

#if SL_CHAN_MODE != 0
__attribute__((constructor)) static void make_test_pool(void)
{
    test_pool = sl_pool_new(2);
}

/* Joins the workers at exit: TSan sleeps a second at exit while other
 * threads run. */
__attribute__((destructor)) static void free_test_pool(void)
{
    sl_pool_free(test_pool);
}
#endif

static inline int peer_task(void *p)
{
    peer_start s = *(peer_start *)p;
    free(p);
    s.fn(s.arg);
    sl_chan_send(s.done, NULL);
    return 0;
}

/* Starts fn(arg) as a task on the test pool; join() waits for it. */
static inline peer_t spawn_task(void *(*fn)(void *), void *arg)
{
    peer_t t = {.done = sl_chan_new(0, 1)};
    peer_start *s = malloc(sizeof *s);
    if (!t.done || !s || !test_pool)
        abort();
    *s = (peer_start){fn, arg, t.done};
    if (sl_go(test_pool, peer_task, s) != SL_OK)
        abort();
    return t;
}

static inline peer_t spawn(void *(*fn)(void *), void *arg)
{
    static _Atomic int spawned;
    if (SL_CHAN_MODE == 1 || (SL_CHAN_MODE == 2 && atomic_fetch_add(&spawned, 1) % 2))
        return spawn_task(fn, arg);
    peer_t t = {.done = NULL};
    pthread_create(&t.thread, NULL, fn, arg);
    return t;
}

static inline void join(peer_t t)
{
    if (!t.done) {
        pthread_join(t.thread, NULL);
        return;
    }
    sl_chan_recv(t.done, NULL);
    sl_chan_free(t.done);
}

/* In the task modes every test body runs as a task; the main thread
 * waits for it on a channel (and so does not run tasks itself). */
static inline void *run_body(void *fn)
{
    ((void (*)(void))fn)();
    return NULL;
}

static inline void run_in_task(void (*body)(void))
{
    join(spawn_task(run_body, (void *)body));
}

#if SL_CHAN_MODE != 0
#define SL_CHAN_PREFIX (SL_CHAN_MODE == 1 ? "task_" : "mixed_")
#undef SL_TEST
#define SL_TEST(name)                                                      \
    static void name##_body(void);                                         \
    static void name(void)                                                 \
    {                                                                      \
        run_in_task(name##_body);                                          \
    }                                                                      \
    static char name##_name[128];                                          \
    static sl_test_case name##_case = {name##_name, name, NULL};           \
    __attribute__((constructor)) static void name##_register(void)         \
    {                                                                      \
        snprintf(name##_name, sizeof name##_name, "%s%s", SL_CHAN_PREFIX, #name); \
        sl_test_register(&name##_case);                                    \
    }                                                                      \
    static void name##_body(void)
#endif

#endif
