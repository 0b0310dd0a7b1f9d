/*
 * proc_pool.h - the inside of a process pool, shared by proc_pool.c (the
 * API: submit, close, stats), proc_super.c (the supervisor thread) and
 * proc_spawn.c (starting, watching and killing worker processes).
 *
 * The one idea: a task lives in exactly one place until it is answered:
 * in a worker's task ring (with its record in that worker's queue `q`,
 * indexed like the ring), or, after its worker died, in the pool's
 * requeue list with a private copy of its bytes.  Everything here is under
 * the pool's lock, except what only the supervisor thread touches (marked).
 */
#ifndef SLUICE_PROC_POOL_H
#define SLUICE_PROC_POOL_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "proc_breaker.h"
#include "proc_layout.h"
#include "shmring.h"
#include "sluice/proc.h"

/* A task whose workers died this often before they began it, with no
 * task begun (their `taken` word charged no task), fails: the guard
 * against a worker that lies about what it had begun, which would
 * otherwise get a task run any number of times.  Deaths that `taken`
 * charges to the task being run are that task's: they do not count
 * against the tasks queued behind it, which a burst of crashing tasks
 * would otherwise fail without running them. */
enum { SL__PROC_BOUNCE_GUARD = 16 };

/* A caller of sl_proc_pool_call waiting for its task's result (on its
 * stack; signalled under the pool's lock). */
typedef struct sl__proc_call {
    pthread_cond_t cv;
    int done;
    sl_proc_result result;
} sl__proc_call;

/* A task the pool holds until it is answered. */
typedef struct sl__ptask {
    uint64_t tag;
    uint64_t len;
    void *copy;          /* its bytes while on the requeue list, else NULL */
    int64_t submitted;   /* sl_now() at submit */
    int attempts;        /* runs begun that ended without an answer */
    int bounced;         /* back from workers that died charging no task */
    int avoid;           /* the slot whose worker failed it, or -1 */
    int probe;           /* the breaker's half-open probe */
    sl__proc_call *call; /* its result goes to this caller, not the channel */
    int status, code;    /* why the last attempt failed */
    char why[80];
    struct sl__ptask *next; /* on the requeue list */
} sl__ptask;

/* Results gathered under the pool's lock, to send once it is released. */
typedef struct sl__proc_batch {
    sl_proc_result *r;
    size_t n, cap;
    int fixed; /* a submitter's: never grows (draining stops when full) */
} sl__proc_batch;

/* A worker slot's life: DOWN until spawned; STARTING until it serves;
 * READY; QUITTING once asked to exit (recycled, or the pool closes);
 * KILLED once sent SIGKILL.  Whatever the state, `exited` (from the
 * reaper) means the process is gone and must be buried. */
enum { W_DOWN, W_STARTING, W_READY, W_QUITTING, W_KILLED };

typedef struct sl__pworker {
    int slot;  /* its index in p->w; below p->n a slot that takes tasks */
    int spare; /* slot >= p->n: a warm spare, never given tasks */
    int state;
    pid_t pid;
    int pidfd, statm_fd;
    unsigned gen; /* unique to each spawn: the reaper's reports name it */

    int fd_down, fd_up;
    char *down_map, *up_map;
    size_t map_bytes;
    sl__proc_down *down;
    sl__proc_up *up;
    sl__ring tasks, replies; /* the pool writes tasks, reads replies */
    _Atomic uint64_t released; /* the task ring's tail, as the pool sees it: answered tasks */

    sl__ptask *q;        /* depth records, by task seq % depth */
    uint64_t answered;   /* seq of the oldest unanswered task */
    int64_t head_since;  /* when that task could start: its deadline's base */

    uint64_t beats_seen;
    int64_t beat_at;     /* when beats last changed, on our clock */
    int64_t spawned_at, ready_at, died_at;
    uint64_t done_since_spawn;
    unsigned fails_in_row; /* deaths without an answer in between: restart backoff */
    int64_t restart_at;
    int retire;          /* over mem_limit: recycle once the current task is answered */

    int kill_status;     /* why the pool killed it (0: it did not) */
    char kill_why[80];

    int exited;          /* set by the reaper */
    siginfo_t si;
    int64_t rss;         /* private bytes, last sample */
} sl__pworker;

struct sl_proc_pool {
    sl_proc_config cfg;  /* with defaults filled in */
    size_t n, depth;     /* worker slots that take tasks, tasks queued in each */
    size_t nw;           /* n + spares: the length of w */
    unsigned gens;       /* the last spawn's generation */
    sl__ring_geom geom;
    size_t page;

    pthread_mutex_t lock;
    pthread_cond_t room;    /* submitters wait for queue space */
    pthread_cond_t changed; /* pool_new and close wait for the supervisor */

    sl__pworker *w;      /* n slots, then the spares */
    sl__ptask *requeue, *requeue_tail;
    size_t rr;              /* where the next placement search starts */
    size_t inflight;        /* admitted, not answered */
    int waiting;            /* submitters asleep on `room` */

    int bell_fd;
    sl__proc_bell *bell;
    int64_t sup_next;       /* when the supervisor plans to wake up next */

    sl__breaker breaker;
    sl_chan *results;
    sl__proc_batch out;     /* results to send, gathered under the lock (supervisor only) */
    int flushing;           /* submitters sending results they gathered while helping */

    int closing, close_ready, close_done, close_rc, killing;
    int64_t close_deadline;
    int stop_reaper;
    int event_fd;           /* wakes the reaper to look at the pidfds again */
    struct pollfd *rfds;    /* the reaper's poll set (reaper only) */
    int *rslot;
    unsigned *rgen;
    pthread_t super, reaper;
    int threads;            /* 1 once both threads run */
    int spawn_errno;

    sl_proc_stats st;
    int64_t next_sample;
    char **envp_extra;

    /* metrics: NULL without cfg.metrics */
    sl_stage *m_tasks, *m_restart;
    sl_gauge *g_ready, *g_restarts, *g_retries, *g_failed, *g_refused, *g_breaker, *g_opens;
    sl_gauge *g_crashes, *g_start_failures, *g_timeouts, *g_hangs, *g_overmem, *g_badmsg, *g_recycled;
    sl_gauge **g_rss, **g_pid;
};

struct pollfd;

/* proc_spawn.c */
int sl__proc_shm_high(const char *name, size_t bytes); /* a sealed memfd at fd >= 10 */
int sl__proc_spawn(sl_proc_pool *p, sl__pworker *w);  /* SL_OK or an errno-ish failure */
void sl__proc_bury(sl_proc_pool *p, sl__pworker *w);  /* unmaps and closes a dead worker's memory */
void sl__proc_kill(sl_proc_pool *p, sl__pworker *w, int status, const char *why);
void *sl__proc_reap(void *arg);                       /* the reaper thread */
void sl__proc_reaper_poke(sl_proc_pool *p);
int64_t sl__proc_sample_rss(sl__pworker *w);
void sl__proc_ring_bell(sl_proc_pool *p);
void sl__proc_wake_worker(sl__pworker *w);

/* proc_super.c */
void *sl__proc_supervise(void *arg);                  /* the supervisor thread */
/* Takes w's complete replies into b; a submitter (may_kill 0) leaves a
 * malformed one to the supervisor.  Returns 1 if it took any. */
int sl__proc_drain(sl_proc_pool *p, sl__pworker *w, int64_t now, sl__proc_batch *b, int may_kill);

/* proc_pool.c */
int sl__proc_place(sl_proc_pool *p, const struct iovec *iov, int iovcnt, sl__ptask *t,
                   int64_t now); /* SL_OK, SL_WOULDBLOCK */
void sl__proc_place_requeued(sl_proc_pool *p, int64_t now);
void sl__proc_emit(sl_proc_pool *p, sl__proc_batch *b, const sl__ptask *t, int status, int code,
                   const char *why, void *data, size_t len, int64_t now);

#endif
