/*
 * proc_worker.c - the worker's side of a process pool: sl_proc_serve finds
 * the marker a pool put in the environment, maps the shared memory, and
 * runs tasks from the task ring until told to quit or its parent dies.
 *
 * The one idea: a worker holds nothing the pool needs.  It runs one task
 * at a time, in ring order, straight from shared memory (mapped read-only
 * here), and says which task it has begun (`taken`) before it calls the
 * worker function, so that if it dies the pool knows which task to count
 * as attempted and which never ran.  Its reply goes into the reply ring,
 * then the bell rings if the supervisor sleeps.
 *
 * Parent death: PR_SET_PDEATHSIG kills the worker with SIGKILL when the
 * parent's supervisor thread goes (with the process or alone); the
 * getppid() checks cover a parent that died before the prctl, and every
 * idle wake-up checks again.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "park.h"
#include "proc_layout.h"
#include "shm.h"
#include "shmring.h"
#include "sluice/proc.h"

struct sl_proc_reply {
    int reserved;
};

/* This process's one worker. */
static struct {
    sl__proc_bell *bell;
    sl__proc_down *down;
    sl__proc_up *up;
    sl__ring tasks, replies;
    int64_t idle_wake_ns; /* how often an idle worker beats and checks its parent */
    pid_t ppid;
} W;

static void fail(const char *what)
{
    fprintf(stderr, "sluice worker %d: %s\n", (int)getpid(), what);
    _exit(127);
}

/* ---- waiting ---------------------------------------------------------------- */

/* Sleeps on `wake` until the pool bumps it or `until`, unless `ready`
 * says there is something to do (checked after `sleeping` is set: the
 * pool's publish-then-check-sleeping makes the pair race-free). */
static void wait_for(int (*ready)(void), int64_t until)
{
    unsigned step = 0;
    while (sl__backoff(&step))
        if (ready())
            return;
    atomic_store_explicit(&W.up->sleeping, 1, memory_order_seq_cst);
    uint32_t seen = atomic_load_explicit(&W.up->wake, memory_order_seq_cst);
    if (!ready())
        sl__shm_wait(&W.up->wake, seen, until);
    atomic_store_explicit(&W.up->sleeping, 0, memory_order_relaxed);
}

static int task_or_quit(void)
{
    return sl__ring_ready(&W.tasks) || atomic_load_explicit(&W.up->quit, memory_order_acquire);
}

static uint64_t reply_tail_seen;

static int reply_space_changed(void)
{
    return atomic_load_explicit(&W.up->reply_tail, memory_order_acquire) != reply_tail_seen;
}

static void still_wanted(void)
{
    if (getppid() != W.ppid)
        _exit(0);
}

/* ---- the reply --------------------------------------------------------------- */

void *sl_proc_reply_alloc(sl_proc_reply *r, size_t len)
{
    if (!r || !W.up) {
        errno = EINVAL;
        return NULL;
    }
    for (;;) {
        void *dst;
        reply_tail_seen = atomic_load_explicit(&W.up->reply_tail, memory_order_acquire);
        int rc = sl__ring_reserve(&W.replies, len, &dst);
        if (rc == SL_OK) {
            r->reserved = 1;
            return dst;
        }
        if (rc == SL_INVAL) { /* larger than max_message: no reply at all */
            r->reserved = 0;
            errno = EMSGSIZE;
            return NULL;
        }
        if (rc != SL_WOULDBLOCK)
            fail("the pool's reply tail is impossible");
        /* The arena is full of replies the pool has not taken yet. */
        wait_for(reply_space_changed, sl_now() + W.idle_wake_ns);
        still_wanted();
    }
}

int sl_proc_reply_set(sl_proc_reply *r, const void *data, size_t len)
{
    void *dst = sl_proc_reply_alloc(r, len);
    if (!dst)
        return SL_INVAL;
    if (len)
        memcpy(dst, data, len);
    return SL_OK;
}

void sl_proc_heartbeat(void)
{
    if (W.up)
        atomic_fetch_add_explicit(&W.up->beats, 1, memory_order_relaxed);
}

/* ---- serving ---------------------------------------------------------------- */

/* Called after publishing reply number `seq`.  Only when every reply
 * before it has been taken can the supervisor have gone to sleep without
 * it (it sleeps only after seeing the ring empty); if replies were still
 * waiting, whoever published the first of them after the supervisor's
 * last look rang for it, and the supervisor takes them all in one pass.
 * Both loads come after the publish (seq_cst): see proc_layout.h. */
static void ring_bell_if_asleep(uint64_t seq)
{
    if (atomic_load_explicit(&W.up->sup_sleeping, memory_order_seq_cst) &&
        atomic_load_explicit(&W.up->reply_tail, memory_order_seq_cst) == seq) {
        atomic_fetch_add_explicit(&W.bell->ring, 1, memory_order_seq_cst);
        sl__shm_wake(&W.bell->ring, 1);
    }
}

static void run_one(const sl_proc_worker *wk, void *state, const sl__ring_msg *m)
{
    atomic_store_explicit(&W.up->taken, m->seq + 1, memory_order_release);
    sl_proc_heartbeat();
    sl_proc_reply reply = {0};
    int code = wk->run(state, m->data, (size_t)m->len, &reply);
    if (!reply.reserved && !sl_proc_reply_alloc(&reply, 0))
        fail("no room for an empty reply");
    sl__ring_release(&W.tasks, NULL);
    uint64_t seq = W.replies.pos;
    sl__ring_publish(&W.replies, m->seq, code);
    ring_bell_if_asleep(seq);
}

static void serve(const sl_proc_worker *wk, void *state)
{
    for (;;) {
        sl__ring_msg m;
        int rc = sl__ring_peek(&W.tasks, &m);
        if (rc == SL_OK) {
            run_one(wk, state, &m);
            if (atomic_load_explicit(&W.up->quit, memory_order_acquire))
                _exit(0); /* recycled: after this task, not before */
            continue;
        }
        if (rc != SL_WOULDBLOCK)
            fail("the task ring is corrupt");
        if (atomic_load_explicit(&W.up->quit, memory_order_acquire))
            _exit(0);
        wait_for(task_or_quit, sl_now() + W.idle_wake_ns);
        sl_proc_heartbeat();
        still_wanted();
    }
}

/* ---- start-up ---------------------------------------------------------------- */

typedef struct marker {
    unsigned version, nslots;
    int ppid;
    unsigned long long slot_size, arena_size;
    long long beat_ns;
    char name[256];
} marker;

static void read_marker(const char *env, marker *mk)
{
    int used = 0;
    if (sscanf(env, SL__PROC_ENV_FMT "%n", &mk->version, &mk->ppid, &mk->nslots, &mk->slot_size, &mk->arena_size,
               &mk->beat_ns, &used) != 6 ||
        used <= 0)
        fail("malformed " SL__PROC_ENV);
    if (mk->version != SL__PROC_VERSION)
        fail("pool and worker are different versions of libsluice");
    snprintf(mk->name, sizeof mk->name, "%s", env + used);
}

static void map_shared(const marker *mk)
{
    sl__ring_geom g = {mk->nslots, mk->slot_size, mk->arena_size};
    size_t page = sl__shm_page(), bytes = page + sl__ring_bytes(&g);
    W.bell = sl__shm_map(SL__PROC_FD_BELL, page, 1);
    char *down = sl__shm_map(SL__PROC_FD_DOWN, bytes, 0); /* tasks: read-only here */
    char *up = sl__shm_map(SL__PROC_FD_UP, bytes, 1);
    if (!W.bell || !down || !up)
        fail("cannot map the pool's shared memory");
    close(SL__PROC_FD_BELL);
    close(SL__PROC_FD_DOWN);
    close(SL__PROC_FD_UP);
    W.down = (sl__proc_down *)down;
    W.up = (sl__proc_up *)up;
    if (W.down->magic != SL__PROC_MAGIC || W.up->magic != SL__PROC_MAGIC)
        fail("the pool's shared memory is not a sluice pool's");
    if (sl__ring_init(&W.tasks, &g, down + page, &W.down->task_head, &W.up->task_tail, 0) != SL_OK ||
        sl__ring_init(&W.replies, &g, up + page, &W.up->reply_head, &W.up->reply_tail, 1) != SL_OK)
        fail("out of memory");
}

int sl_proc_serve(const sl_proc_worker *const *workers, size_t n)
{
    const char *env = getenv(SL__PROC_ENV);
    if (!env)
        return 0;
    marker mk;
    read_marker(env, &mk);
    unsetenv(SL__PROC_ENV); /* not for the worker's own children */
    W.ppid = mk.ppid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    still_wanted(); /* the parent may have died before the prctl */
    const sl_proc_worker *wk = NULL;
    for (size_t i = 0; i < n && !wk; i++)
        if (workers[i] && workers[i]->name && strcmp(workers[i]->name, mk.name) == 0)
            wk = workers[i];
    if (!wk || !wk->run)
        fail("no worker of that name in this program's sl_proc_serve");
    map_shared(&mk);
    /* Idle, beat four times per heartbeat limit, and at least once a
     * second check that the parent is still there. */
    W.idle_wake_ns = mk.beat_ns > 0 && mk.beat_ns / 4 < 1000000000LL ? mk.beat_ns / 4 : 1000000000LL;
    void *state = NULL;
    if (wk->init && wk->init(&state) != 0)
        fail("the worker's init failed");
    atomic_store_explicit(&W.up->ready, (uint32_t)getpid(), memory_order_seq_cst);
    atomic_fetch_add_explicit(&W.bell->ring, 1, memory_order_seq_cst);
    sl__shm_wake(&W.bell->ring, 1);
    serve(wk, state);
    return 0;
}
