/*
 * proc.h - a supervised pool of worker processes, fed through shared
 * memory: a crash costs one retry, never the program.
 *
 * N worker processes each run a worker function of this same program
 * (re-executed, never forked: safe in a threaded program).  Tasks and
 * results are byte messages of any size, carried by rings in shared
 * memory; results arrive on an ordinary sl_chan, so they can be received
 * in an sl_select with local channels.  A worker that dies (signal, exit,
 * the OOM killer), passes a task's deadline, stops beating or goes over
 * its memory limit is replaced; the task it held is run once more on
 * another worker, then reported failed with the cause: a task runs at
 * most twice.  A circuit breaker refuses new tasks for a while after K
 * failures in a window.  When the parent dies, even by kill -9, the
 * workers die with it and nothing is left behind.
 * See docs/api/proc.md for the reference.
 */
#ifndef SLUICE_PROC_H
#define SLUICE_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "chan.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_proc_pool sl_proc_pool;
typedef struct sl_proc_reply sl_proc_reply;

/* Status codes of the process pool, beyond those of chan.h. */
enum {
    SL_REFUSED = -20,      /* submit: the circuit breaker is open */
    SL_PROC_CRASHED = -21, /* the worker died by a signal while it ran the task (code: the signal) */
    SL_PROC_EXITED = -22,  /* the worker exited while it ran the task (code: its exit status) */
    SL_PROC_HUNG = -23,    /* the worker stopped beating (or never started): killed */
    SL_PROC_OVERMEM = -24, /* the worker went past the memory kill limit: killed */
    SL_PROC_BADMSG = -25   /* the worker wrote a malformed message into shared memory: killed */
};

/* What a worker process runs.  `run` gets the task's bytes (in shared
 * memory, valid until it returns) and may answer with bytes through
 * `reply`; its return value reaches the caller as the result's code. */
typedef struct sl_proc_worker {
    const char *name; /* finds this worker again in the re-executed program */
    int (*init)(void **state); /* optional: once per process; non-zero: the process exits */
    int (*run)(void *state, const void *task, size_t len, sl_proc_reply *reply);
} sl_proc_worker;

/* Call first thing in main (or from a constructor), with every worker
 * the program's pools use.  In a worker process started by a pool it
 * serves tasks and never returns; in any other process it returns 0 at
 * once. */
int sl_proc_serve(const sl_proc_worker *const *workers, size_t n);

/* Inside run: space for the reply in shared memory (no copy), or copy a
 * reply there.  A second call replaces the first.  alloc returns NULL and
 * set SL_INVAL when len is above the pool's max_message. */
void *sl_proc_reply_alloc(sl_proc_reply *r, size_t len);
int sl_proc_reply_set(sl_proc_reply *r, const void *data, size_t len);
/* Inside run: tells the pool this worker is alive, for tasks that run
 * longer than the heartbeat limit. */
void sl_proc_heartbeat(void);

/* A result, as received from sl_proc_pool_results. */
typedef struct sl_proc_result {
    uint64_t tag;       /* as given to sl_proc_pool_submit */
    int status;         /* SL_OK: run returned; otherwise why not (docs/api/proc.md) */
    int code;           /* SL_OK: run's return value; CRASHED: the signal; EXITED: the exit status */
    int attempts;       /* runs counted: 1, or 2 after a retry (docs/api/proc.md) */
    void *data;         /* the reply, malloc'd: free() it; NULL when len is 0 */
    size_t len;
    int64_t latency_ns; /* from submit to this result */
    char why[80];       /* "" on success, else e.g. "killed by SIGSEGV" */
} sl_proc_result;

typedef struct sl_proc_config {
    const sl_proc_worker *worker; /* required; must be among sl_proc_serve's */
    size_t workers;               /* 0: the number of online CPUs */
    size_t depth;                 /* tasks queued in each worker at once; 0: 4 */
    size_t slot_size;             /* a message up to this size is copied into a slot; 0: 4096 */
    size_t max_message;           /* largest task or reply; 0: 1 GiB */
    int64_t task_timeout_ns;      /* per task: past it the worker is killed; 0: none */
    int64_t heartbeat_ns;         /* a worker silent this long is hung and killed; 0: not watched */
    size_t mem_limit;             /* private memory per worker: over it, recycled after the task; 0: none */
    size_t mem_kill;              /* over it, killed at once; 0: 2 * mem_limit */
    unsigned breaker_failures;    /* K failures within the window open the breaker; 0: no breaker */
    int64_t breaker_window_ns;    /* 0: 10 s */
    int64_t breaker_cooldown_ns;  /* how long it stays open; 0: 1 s */
    int64_t start_timeout_ns;     /* a worker not serving by then is killed; 0: 10 s */
    size_t spares;                /* started workers kept idle, to take a dead one's place at once */
    sl_metrics *metrics;          /* optional: stages and gauges "proc.<name>..." */
    const char *program;          /* the executable to run; NULL: this program */
} sl_proc_config;

/* Starts the workers and waits until each serves (or the start timeout
 * passes).  NULL on failure: bad config, no memory, or no worker could
 * start (errno says why where the system did). */
sl_proc_pool *sl_proc_pool_new(const sl_proc_config *cfg);

/* Copies the task into a worker's ring.  Waits while every worker's queue
 * is full.  SL_OK; SL_REFUSED (breaker open: not queued); SL_CLOSED (the
 * pool is closing); SL_INVAL (NULL pool, or len > max_message); _until:
 * SL_TIMEDOUT.  Thread-safe. */
int sl_proc_pool_submit(sl_proc_pool *p, const void *task, size_t len, uint64_t tag);
int sl_proc_pool_submit_until(sl_proc_pool *p, const void *task, size_t len, uint64_t tag, int64_t deadline);
/* The task is the pieces iov[0..iovcnt) one after another (a header and a
 * body, say), copied straight into the ring.  Waits until `deadline`. */
int sl_proc_pool_submitv(sl_proc_pool *p, const struct iovec *iov, int iovcnt, uint64_t tag, int64_t deadline);

/* Submits (waiting for room) and waits for that task's result, which
 * comes here rather than to the channel: a worker as a function call, for
 * a thread that has nothing else to do meanwhile.  SL_OK with *out set
 * (status and all, as a result from the channel), or what submit would
 * return.  Thread-safe. */
int sl_proc_pool_call(sl_proc_pool *p, const struct iovec *iov, int iovcnt, sl_proc_result *out);

/* The channel of sl_proc_result values: one per task submitted with
 * SL_OK, in the order they finish; closed once the pool has closed and
 * every result is in it.  Unbounded: results wait there for the caller. */
sl_chan *sl_proc_pool_results(sl_proc_pool *p);

/* Closes the pool: new submits return SL_CLOSED; every task admitted runs
 * to its result until `deadline`, when the workers still busy are killed
 * and their tasks answered SL_CANCELED (deadline 0: at once); then the
 * workers exit and the results channel is closed.  Returns SL_OK when
 * every task ran to a result, SL_TIMEDOUT when some were canceled,
 * SL_CLOSED when already closed. */
int sl_proc_pool_close(sl_proc_pool *p, int64_t deadline);
/* Closes (waiting forever) if not closed yet, and frees the pool and its
 * results channel. */
void sl_proc_pool_free(sl_proc_pool *p);

/* Health, as sl_metrics also shows it. */
enum { SL_BREAKER_CLOSED = 0, SL_BREAKER_OPEN = 1, SL_BREAKER_HALF_OPEN = 2 };
typedef struct sl_proc_stats {
    size_t workers, ready;   /* slots, and those serving now */
    size_t spares_ready;     /* spares started and waiting */
    uint64_t submitted;      /* tasks admitted */
    uint64_t answered;       /* results with status SL_OK */
    uint64_t failed;         /* results with another status */
    uint64_t retries;        /* tasks run a second time */
    uint64_t restarts;       /* worker processes started after the first */
    uint64_t refused;        /* submits refused by the breaker */
    uint64_t crashes, timeouts, hangs, overmem, badmsg, recycled; /* why workers went */
    int breaker;             /* SL_BREAKER_* */
    uint64_t breaker_opens;
    size_t inflight;         /* admitted, not yet answered */
    int64_t restart_last_ns; /* death seen to replacement serving, the last time */
    uint64_t start_failures; /* workers that died unasked before serving (init failed) */
} sl_proc_stats;
int sl_proc_pool_stats(sl_proc_pool *p, sl_proc_stats *out);
/* Worker slot i's process id now (0 while it has none); its private
 * memory (RSS less shared pages) in bytes, as last sampled. */
int sl_proc_pool_pid(sl_proc_pool *p, size_t i);
int64_t sl_proc_pool_rss(sl_proc_pool *p, size_t i);

#ifdef __cplusplus
}
#endif

#endif
