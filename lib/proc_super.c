/*
 * proc_super.c - the supervisor: one thread per pool that takes replies
 * out of the workers' rings, buries dead workers, settles the tasks they
 * held, restarts them, and enforces deadlines, heartbeats and memory
 * limits.  It never dies of what a worker does: everything it reads from
 * shared memory is checked (shmring.c), and anything impossible gets the
 * worker killed as SL_PROC_BADMSG.
 *
 * Per worker slot:
 *
 *           spawn                 ready word = pid
 *   DOWN ───────────▶ STARTING ───────────────────▶ READY
 *    ▲  restart now,     │ start timeout               │ deadline, no heartbeat,
 *    │  or after a       │                             │ mem_kill, bad message ──▶ KILLED
 *    │  backoff          │                             │ over mem_limit, or the
 *    │                   ▼                             ▼ pool closes: quit ──▶ QUITTING
 *    └──────────── the reaper saw it exit (any state): settle its tasks, bury it
 *
 * Settling: the task the worker had begun (its `taken` word says whether
 * it had) failed an attempt: it runs once more on another worker, or,
 * after its second attempt, is answered with the cause.  Tasks it had not
 * begun go back unchanged.  At most twice, never lost.
 *
 * Sleeping: on the bell's futex, until the next timer (a task deadline, a
 * heartbeat or start limit, a restart, a memory sample, the close
 * deadline).  Workers ring the bell after publishing a reply only while
 * the supervisor sleeps (each worker's `sup_sleeping` word; see
 * proc_layout.h); the reaper and the API always ring it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "park.h"
#include "proc_pool.h"
#include "shm.h"

enum { BACKOFF_MAX_NS = 1000000000, SAMPLE_LIMITED_NS = 10000000, SAMPLE_METRICS_NS = 1000000000 };
/* The longest the supervisor sleeps.  Waking needs the worker's help (it
 * rings the bell), and a worker that scribbles over its own shared words
 * can fail to: then its replies wait for this tick, not forever. */
enum { TICK_NS = 1000000000 };

static int mapped(const sl__pworker *w)
{
    return w->state != W_DOWN;
}

static int alive(const sl__pworker *w)
{
    return w->state != W_DOWN && !w->exited;
}

static uint64_t load_of(const sl__pworker *w)
{
    return w->tasks.pos - w->answered;
}

/* A slot's gauges (spares have none). */
static void slot_gauges(sl_proc_pool *p, const sl__pworker *w)
{
    if (w->spare || !p->g_pid)
        return;
    sl_gauge_set(p->g_pid[w->slot], w->state == W_DOWN || w->exited ? 0 : w->pid);
    sl_gauge_set(p->g_rss[w->slot], w->rss);
}

/* ---- replies -------------------------------------------------------------- */

static void answered(sl__pworker *w, int64_t now)
{
    w->answered++;
    atomic_store_explicit(&w->released, w->answered, memory_order_release);
    w->done_since_spawn++;
    w->fails_in_row = 0;
    w->head_since = now;
}

int sl__proc_drain(sl_proc_pool *p, sl__pworker *w, int64_t now, sl__proc_batch *b, int may_kill)
{
    int took = 0;
    sl__ring_msg m;
    int rc = SL_OK;
    /* The page's first words are the pool's, written before the worker
     * started and never by the worker: changed, they say its `run` wrote
     * over its shared memory, and nothing there can be trusted - not the
     * replies, nor the words that say which task it began.  Refused now,
     * before a task queued behind is run (or charged) on a damaged
     * worker. */
    int damaged = *(const volatile uint32_t *)&w->up->magic != SL__PROC_MAGIC ||
                  *(const volatile uint32_t *)&w->up->version != SL__PROC_VERSION;
    if (damaged)
        rc = SL__RING_CORRUPT;
    while (!damaged && (!b->fixed || b->n < b->cap) && (rc = sl__ring_peek(&w->replies, &m)) == SL_OK) {
        /* A reply must answer the oldest unanswered task, in order. */
        if (m.ref != w->answered || w->answered == w->tasks.pos) {
            rc = SL__RING_CORRUPT;
            break;
        }
        sl__ptask *t = &w->q[m.ref % p->depth];
        void *data = NULL;
        if (m.len && !(data = malloc(m.len))) {
            sl__proc_emit(p, b, t, SL_NOMEM, 0, "no memory for the reply", NULL, 0, now);
        } else {
            if (m.len)
                memcpy(data, m.data, m.len);
            int64_t code = m.code < INT32_MIN ? INT32_MIN : m.code > INT32_MAX ? INT32_MAX : m.code;
            sl__proc_emit(p, b, t, SL_OK, (int)code, "", data, m.len, now);
        }
        sl__breaker_record(&p->breaker, now, 1, t->probe);
        sl__ring_release(&w->replies, &m);
        answered(w, now);
        took = 1;
    }
    if (took && alive(w))
        sl__proc_wake_worker(w); /* it may wait for reply space */
    if (rc == SL__RING_CORRUPT) {
        if (may_kill) {
            const char *why = damaged ? "wrote over the pool's words in shared memory (a malformed reply)"
                                      : "wrote a malformed reply into shared memory";
            /* Dead already (the words it wrote over may have told it to
             * go): the damage is still the cause its task is charged. */
            if (damaged && w->exited && !w->kill_status) {
                w->kill_status = SL_PROC_BADMSG;
                snprintf(w->kill_why, sizeof w->kill_why, "%s", why);
            } else {
                sl__proc_kill(p, w, SL_PROC_BADMSG, why);
            }
        }
        else
            sl__proc_ring_bell(p); /* only the supervisor changes a worker's state */
    }
    return took;
}

static int drain(sl_proc_pool *p, sl__pworker *w, int64_t now)
{
    return sl__proc_drain(p, w, now, &p->out, 1);
}

/* ---- deaths ----------------------------------------------------------------- */

static const char *signame(int sig, char *buf, size_t n)
{
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev)
        snprintf(buf, n, "SIG%s", abbrev);
    else
        snprintf(buf, n, "signal %d", sig);
    return buf;
}

/* Why w died, as a status, a code and words. */
static void cause_of_death(const sl__pworker *w, int *status, int *code, char *why, size_t n)
{
    char sig[32];
    *code = 0;
    if (w->kill_status) {
        *status = w->kill_status;
        snprintf(why, n, "%s", w->kill_why);
    } else if (w->si.si_code == CLD_EXITED) {
        *status = SL_PROC_EXITED;
        *code = w->si.si_status;
        snprintf(why, n, "exited with status %d", w->si.si_status);
    } else if (w->si.si_code == CLD_KILLED || w->si.si_code == CLD_DUMPED) {
        *status = SL_PROC_CRASHED;
        *code = w->si.si_status;
        snprintf(why, n, "killed by %.16s%s", signame(w->si.si_status, sig, sizeof sig),
                 w->si.si_status == SIGKILL ? " (not by the pool: the OOM killer?)" : "");
    } else {
        *status = SL_PROC_EXITED;
        *code = -1;
        snprintf(why, n, "exited (another waiter took its status)");
    }
}

/* `served`: the worker had said it serves.  One that died unasked before
 * that failed to start (its init failed): not a crash of a serving worker. */
static void count_death(sl_proc_pool *p, int status, int served)
{
    if (!served && (status == SL_PROC_CRASHED || status == SL_PROC_EXITED)) {
        p->st.start_failures++;
        sl_gauge_add(p->g_start_failures, 1);
        return;
    }
    struct {
        int status;
        uint64_t *n;
        sl_gauge *g;
    } kinds[] = {{SL_PROC_CRASHED, &p->st.crashes, p->g_crashes}, {SL_PROC_EXITED, &p->st.crashes, p->g_crashes},
                 {SL_TIMEDOUT, &p->st.timeouts, p->g_timeouts},   {SL_PROC_HUNG, &p->st.hangs, p->g_hangs},
                 {SL_PROC_OVERMEM, &p->st.overmem, p->g_overmem}, {SL_PROC_BADMSG, &p->st.badmsg, p->g_badmsg}};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kinds[i].status == status) {
            (*kinds[i].n)++;
            sl_gauge_add(kinds[i].g, 1);
        }
}

/* Puts a task of a dead worker on the requeue list, with its bytes. */
static void requeue(sl_proc_pool *p, sl__pworker *w, uint64_t seq, const sl__ptask *t, int64_t now)
{
    sl__ptask *c = malloc(sizeof *c);
    void *bytes = t->len ? malloc(t->len) : NULL;
    if (!c || (t->len && !bytes)) {
        free(c);
        free(bytes);
        sl__proc_emit(p, &p->out, t, SL_NOMEM, 0, "no memory to run it again", NULL, 0, now);
        return;
    }
    *c = *t;
    if (t->len)
        memcpy(bytes, sl__ring_written(&w->tasks, seq), t->len);
    c->copy = bytes;
    c->next = NULL;
    if (p->requeue_tail)
        p->requeue_tail->next = c;
    else
        p->requeue = c;
    p->requeue_tail = c;
}

/* The tasks a dead worker had: the one it had begun failed an attempt;
 * the others never ran.  Returns 1 if it had begun one after it said it
 * served: then it did start, and the task, not the start, failed. */
static int settle(sl_proc_pool *p, sl__pworker *w, int status, int code, const char *why, int64_t now)
{
    if (w->answered == w->tasks.pos)
        return 0;
    uint64_t taken = atomic_load_explicit(&w->up->taken, memory_order_acquire);
    int held = taken != w->answered; /* answered + 1, or garbage: count it */
    int served = atomic_load_explicit(&w->up->ready, memory_order_acquire) == (uint32_t)w->pid;
    for (uint64_t s = w->answered; s != w->tasks.pos; s++) {
        sl__ptask *t = &w->q[s % p->depth];
        int begun = held && s == w->answered;
        if (begun) {
            t->attempts++;
            t->status = status;
            t->code = code;
            snprintf(t->why, sizeof t->why, "%s", why);
            sl__breaker_record(&p->breaker, now, 0, t->probe);
            t->probe = 0;
        }
        if (status == SL_CANCELED || p->killing) {
            if (t->probe)
                sl__breaker_forget_probe(&p->breaker);
            sl__proc_emit(p, &p->out, t, SL_CANCELED, 0, "canceled: the pool was closed", NULL, 0, now);
        } else if (t->attempts >= 2) {
            sl__proc_emit(p, &p->out, t, t->status, t->code, t->why, NULL, 0, now);
        } else if (!held && ++t->bounced >= SL__PROC_BOUNCE_GUARD) {
            sl__proc_emit(p, &p->out, t, status, code, "its workers kept dying before they began it", NULL, 0, now);
        } else {
            sl__ptask again = *t;
            if (begun) {
                again.avoid = w->slot;
                p->st.retries++;
                sl_gauge_add(p->g_retries, 1);
            }
            requeue(p, w, s, &again, now);
        }
    }
    w->answered = w->tasks.pos;
    return held && served;
}

/* When a dead slot should start again: at once after a worker that had
 * answered something or begun a task (`began`: a task that crashes its
 * worker is that task's failure, and each task can cost at most two
 * deaths); after 1, 2, 4 ... ms up to 1 s while it keeps dying before it
 * begins anything (a worker that cannot start must not spin). */
static void schedule_restart(sl__pworker *w, int64_t now, int began)
{
    if (w->done_since_spawn || began || w->state == W_QUITTING) {
        w->fails_in_row = 0;
        w->restart_at = now;
        return;
    }
    w->fails_in_row++;
    int64_t backoff = 1000000LL << (w->fails_in_row < 11 ? w->fails_in_row - 1 : 10);
    w->restart_at = now + (backoff < BACKOFF_MAX_NS ? backoff : BACKOFF_MAX_NS);
}

/* Returns 1 if any worker was buried. */
static int bury_dead(sl_proc_pool *p, int64_t now)
{
    int any = 0;
    for (size_t i = 0; i < p->nw; i++) {
        sl__pworker *w = &p->w[i];
        if (!mapped(w) || !w->exited)
            continue;
        drain(p, w, now); /* replies it finished before it died are good */
        int status, code;
        char why[80];
        cause_of_death(w, &status, &code, why, sizeof why);
        int planned = w->state == W_QUITTING && !w->kill_status && w->si.si_code == CLD_EXITED && !code;
        if (!planned && status != SL_CANCELED)
            count_death(p, status, atomic_load_explicit(&w->up->ready, memory_order_acquire) == (uint32_t)w->pid);
        int began = settle(p, w, status, code, why, now);
        schedule_restart(w, now, began);
        sl__proc_bury(p, w);
        slot_gauges(p, w);
        any = 1;
    }
    if (any)
        pthread_cond_broadcast(&p->changed); /* pool_new waits for starts or failures */
    return any;
}

/* ---- watching the living ------------------------------------------------------ */

static void quit(sl__pworker *w)
{
    w->state = W_QUITTING;
    atomic_store_explicit(&w->up->quit, 1, memory_order_seq_cst);
    atomic_fetch_add_explicit(&w->up->wake, 1, memory_order_seq_cst);
    sl__shm_wake(&w->up->wake, 1);
}

static void became_ready(sl_proc_pool *p, sl__pworker *w, int64_t now)
{
    w->state = W_READY;
    w->ready_at = now;
    w->head_since = now;
    w->beat_at = now;
    w->beats_seen = atomic_load_explicit(&w->up->beats, memory_order_relaxed);
    if (w->died_at && !w->spare) { /* a restart: how long the slot was without a worker */
        p->st.restart_last_ns = now - w->died_at;
        sl_stage_add(p->m_restart, 1, 0);
        sl_stage_wait(p->m_restart, now - w->died_at);
    }
    w->died_at = 0;
    slot_gauges(p, w);
    pthread_cond_broadcast(&p->changed);
}

static void check_memory(sl_proc_pool *p, sl__pworker *w)
{
    w->rss = sl__proc_sample_rss(w);
    slot_gauges(p, w);
    if (p->cfg.mem_kill && w->rss > (int64_t)p->cfg.mem_kill) {
        char why[80];
        /* KiB: in whole MiB a process just over a limit read "64 MiB > 64 MiB". */
        snprintf(why, sizeof why, "over the memory limit (%lld KiB > %lld KiB)", (long long)(w->rss >> 10),
                 (long long)(p->cfg.mem_kill >> 10));
        sl__proc_kill(p, w, SL_PROC_OVERMEM, why);
    } else if (p->cfg.mem_limit && w->rss > (int64_t)p->cfg.mem_limit && !w->retire && w->state == W_READY) {
        /* Recycle after the current task: it quits once that is answered,
         * and tasks queued behind it go to other workers. */
        w->retire = 1;
        p->st.recycled++;
        sl_gauge_add(p->g_recycled, 1);
        quit(w);
    }
}

static void watch_one(sl_proc_pool *p, sl__pworker *w, int64_t now, int sample)
{
    char why[80];
    if (w->state == W_STARTING) {
        if (atomic_load_explicit(&w->up->ready, memory_order_acquire) == (uint32_t)w->pid) {
            became_ready(p, w, now);
            if (p->cfg.mem_limit || p->cfg.metrics)
                check_memory(p, w); /* its first sample, at once */
        }
        else if (now - w->spawned_at > p->cfg.start_timeout_ns)
            sl__proc_kill(p, w, SL_PROC_HUNG, "did not start in time");
        return;
    }
    if (w->state != W_READY && w->state != W_QUITTING)
        return;
    int64_t limit = p->cfg.task_timeout_ns;
    if (limit && load_of(w) && now - w->head_since >= limit) {
        snprintf(why, sizeof why, "timed out after %lld ms", (long long)(limit / 1000000));
        sl__proc_kill(p, w, SL_TIMEDOUT, why);
        return;
    }
    uint64_t beats = atomic_load_explicit(&w->up->beats, memory_order_relaxed);
    if (beats != w->beats_seen) {
        w->beats_seen = beats;
        w->beat_at = now;
    } else if (p->cfg.heartbeat_ns && now - w->beat_at > p->cfg.heartbeat_ns) {
        snprintf(why, sizeof why, "no heartbeat for %lld ms", (long long)((now - w->beat_at) / 1000000));
        sl__proc_kill(p, w, SL_PROC_HUNG, why);
        return;
    }
    if (sample)
        check_memory(p, w);
}

/* Should a DOWN worker be started?  Slots while there is or may be work;
 * spares until the pool closes. */
static int should_run(const sl_proc_pool *p, const sl__pworker *w)
{
    if (w->spare)
        return !p->closing;
    return !p->closing || (p->inflight > 0 && !p->killing);
}

/* A serving spare takes the place of slot k, which has no process: the
 * two records trade places (so the slot's index stays what tasks and
 * gauges know), and the spare's old place starts a new spare on the
 * slot's schedule (after a backoff when the slot keeps dying).  This
 * makes a restart a hand-off, not an exec. */
static int swap_in_spare(sl_proc_pool *p, size_t k, int64_t now)
{
    size_t j = p->n;
    while (j < p->nw && !(p->w[j].state == W_READY && !p->w[j].exited))
        j++;
    if (j == p->nw)
        return 0;
    sl__pworker dead = p->w[k];
    p->w[k] = p->w[j];
    p->w[j] = dead;
    p->w[k].slot = (int)k;
    p->w[k].spare = 0;
    p->w[j].slot = (int)j;
    p->w[j].spare = 1;
    /* The task ring's tail pointed into the record itself. */
    p->w[k].tasks.tail = &p->w[k].released;
    p->w[k].fails_in_row = dead.fails_in_row;
    sl__pworker *w = &p->w[k];
    w->head_since = w->beat_at = now;
    if (dead.died_at) {
        p->st.restart_last_ns = now - dead.died_at;
        sl_stage_add(p->m_restart, 1, 0);
        sl_stage_wait(p->m_restart, now - dead.died_at);
        p->w[j].died_at = 0;
    }
    p->st.restarts++;
    sl_gauge_add(p->g_restarts, 1);
    slot_gauges(p, w);
    pthread_cond_broadcast(&p->changed);
    return 1;
}

static void start(sl_proc_pool *p, sl__pworker *w, int64_t now)
{
    int e = sl__proc_spawn(p, w);
    if (e) { /* no process: try again later, as after a failed start */
        p->spawn_errno = e;
        schedule_restart(w, now, 0);
        pthread_cond_broadcast(&p->changed);
        return;
    }
    if (!w->spare && (w->died_at || w->fails_in_row)) {
        p->st.restarts++;
        sl_gauge_add(p->g_restarts, 1);
    }
}

static void watch(sl_proc_pool *p, int64_t now)
{
    int sample = (p->cfg.mem_limit || p->cfg.metrics) && now >= p->next_sample;
    if (sample)
        p->next_sample = now + (p->cfg.mem_limit ? SAMPLE_LIMITED_NS : SAMPLE_METRICS_NS);
    for (size_t i = 0; i < p->nw; i++) {
        sl__pworker *w = &p->w[i];
        if (alive(w))
            watch_one(p, w, now, sample);
        else if (w->state == W_DOWN && should_run(p, w) && !(i < p->n && swap_in_spare(p, i, now)) &&
                 now >= w->restart_at)
            start(p, &p->w[i], now);
    }
    size_t ready = 0;
    for (size_t i = 0; i < p->n; i++)
        ready += p->w[i].state == W_READY;
    sl_gauge_set(p->g_ready, (int64_t)ready);
    int probe;
    sl__breaker_check(&p->breaker, now, &probe);
    sl_gauge_set(p->g_breaker, p->breaker.state);
    sl_gauge_set(p->g_opens, (int64_t)p->breaker.opens);
}

/* ---- closing ------------------------------------------------------------------ */

static void cancel_requeued(sl_proc_pool *p, int64_t now)
{
    for (sl__ptask *t = p->requeue, *next; t; t = next) {
        next = t->next;
        if (t->probe)
            sl__breaker_forget_probe(&p->breaker);
        sl__proc_emit(p, &p->out, t, SL_CANCELED, 0, "canceled: the pool was closed", NULL, 0, now);
        free(t->copy);
        free(t);
    }
    p->requeue = p->requeue_tail = NULL;
}

static void closing_step(sl_proc_pool *p, int64_t now)
{
    if (!p->closing || p->close_ready)
        return;
    if (!p->killing && (p->close_deadline == 0 || (p->inflight > 0 && now >= p->close_deadline))) {
        p->killing = 1;
        if (p->inflight > 0)
            p->close_rc = SL_TIMEDOUT;
        cancel_requeued(p, now);
    }
    int down = 1;
    for (size_t i = 0; i < p->nw; i++) {
        sl__pworker *w = &p->w[i];
        if (w->state == W_DOWN)
            continue;
        down = 0;
        if (p->killing)
            sl__proc_kill(p, w, SL_CANCELED, "canceled: the pool was closed");
        else if (p->inflight == 0 && (w->state == W_READY || w->state == W_STARTING))
            quit(w);
    }
    if (down && (p->inflight == 0 || p->killing) && !p->flushing)
        p->close_ready = 1;
}

/* ---- the loop -------------------------------------------------------------------- */

static int64_t next_timer(const sl_proc_pool *p)
{
    int64_t t = sl_now() + TICK_NS;
#define SOONER(x)                                                                                                      \
    do {                                                                                                               \
        int64_t x_ = (x);                                                                                              \
        if (x_ < t)                                                                                                    \
            t = x_;                                                                                                    \
    } while (0)
    for (size_t i = 0; i < p->nw; i++) {
        const sl__pworker *w = &p->w[i];
        if (w->state == W_STARTING)
            SOONER(w->spawned_at + p->cfg.start_timeout_ns + 1);
        if (w->state == W_READY && p->cfg.task_timeout_ns && load_of(w))
            SOONER(w->head_since + p->cfg.task_timeout_ns);
        if ((w->state == W_READY || w->state == W_QUITTING) && p->cfg.heartbeat_ns)
            SOONER(w->beat_at + p->cfg.heartbeat_ns + 1);
        if (w->state == W_DOWN && should_run(p, w))
            SOONER(w->restart_at);
    }
    if (p->cfg.mem_limit || p->cfg.metrics)
        SOONER(p->next_sample);
    if (p->closing && !p->killing && p->close_deadline != SL_FOREVER && p->inflight > 0)
        SOONER(p->close_deadline);
#undef SOONER
    return t;
}

/* Something for the supervisor in shared memory, or from the reaper. */
static int work_waiting(sl_proc_pool *p)
{
    for (size_t i = 0; i < p->nw; i++) {
        sl__pworker *w = &p->w[i];
        if (!mapped(w))
            continue;
        /* A killed worker's ring may hold what made us kill it: it waits
         * for the reaper, not for us, and is drained once more at burial. */
        if (w->exited || (w->state != W_KILLED && sl__ring_ready(&w->replies)) ||
            (w->state == W_STARTING && atomic_load(&w->up->ready) == (uint32_t)w->pid))
            return 1;
    }
    return 0;
}

static void set_sleeping(sl_proc_pool *p, uint32_t v)
{
    for (size_t i = 0; i < p->nw; i++)
        if (mapped(&p->w[i]))
            atomic_store_explicit(&p->w[i].up->sup_sleeping, v, memory_order_seq_cst);
}

/* Before sleeping, spin and then yield a little, without the lock: on a
 * busy pool the next reply is usually a few microseconds away, and taking
 * it in the same pass as the ones behind it (a batch) is what makes the
 * supervisor cheap per message.  Only this thread changes a worker's
 * state or mappings, so it may look at them unlocked; but a submitter
 * waiting for room takes replies out of the rings too (help(), under the
 * lock), so the reply ring is asked through its published tail, not the
 * read position that submitter moves.  Everything else that wants this
 * thread rings the bell. */
static int work_soon(sl_proc_pool *p)
{
    uint32_t seen = atomic_load_explicit(&p->bell->ring, memory_order_acquire);
    pthread_mutex_unlock(&p->lock);
    unsigned step = 0;
    int found = 0;
    while (!found && sl__backoff(&step)) {
        found = atomic_load_explicit(&p->bell->ring, memory_order_acquire) != seen;
        for (size_t i = 0; i < p->nw && !found; i++) {
            sl__pworker *w = &p->w[i];
            found = mapped(w) && w->state != W_KILLED && sl__ring_ready_hint(&w->replies);
        }
    }
    pthread_mutex_lock(&p->lock);
    return found;
}

static void sleep_until(sl_proc_pool *p, int64_t when)
{
    if (when > sl_now() && work_soon(p))
        return;
    set_sleeping(p, 1);
    uint32_t seen = atomic_load_explicit(&p->bell->ring, memory_order_seq_cst);
    if (!work_waiting(p) && when > sl_now()) {
        p->sup_next = when;
        pthread_mutex_unlock(&p->lock);
        /* Only this thread maps and unmaps workers, so the mappings stay
         * valid while we sleep without the lock. */
        sl__shm_wait(&p->bell->ring, seen, when);
        pthread_mutex_lock(&p->lock);
        p->sup_next = INT64_MIN; /* awake: submitters need not ring */
    }
    set_sleeping(p, 0);
}

/* Sends what was gathered to the results channel, outside the lock (an
 * unbounded channel never blocks). */
static void flush(sl_proc_pool *p)
{
    if (!p->out.n)
        return;
    size_t n = p->out.n;
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < n; i++)
        if (sl_chan_send(p->results, &p->out.r[i]) != SL_OK)
            free(p->out.r[i].data);
    pthread_mutex_lock(&p->lock);
    p->out.n = 0;
}

void *sl__proc_supervise(void *arg)
{
    sl_proc_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        int64_t now = sl_now();
        int busy = bury_dead(p, now);
        for (size_t i = 0; i < p->n; i++)
            if (mapped(&p->w[i]) && p->w[i].state != W_KILLED)
                busy |= drain(p, &p->w[i], now);
        watch(p, now);
        sl__proc_place_requeued(p, now);
        closing_step(p, now);
        /* Room may have appeared: answers, a worker (re)started or ready. */
        if (p->waiting)
            pthread_cond_broadcast(&p->room);
        flush(p);
        if (p->close_ready)
            break;
        if (!busy)
            sleep_until(p, next_timer(p));
    }
    /* Every result is in the channel: close it, then let close() return. */
    sl_chan_close(p->results);
    p->close_done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}
