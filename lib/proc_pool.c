/*
 * proc_pool.c - the process pool's API: making one, submitting tasks
 * (placing each in the least busy worker's ring), closing, health.
 *
 * The one idea: a submitter copies its task straight into a worker's
 * shared-memory ring, under the pool's lock, and returns: the supervisor
 * thread (proc_super.c) never handles a task on its way in, only replies
 * on their way out and deaths.  Backpressure is the rings themselves: at
 * most `depth` unanswered tasks per worker.  A submitter that finds every
 * worker full takes the replies waiting in the rings itself (freeing room
 * without waking the supervisor), and only then waits on a condition
 * variable the supervisor signals when answers free room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>

#include "park.h"
#include "proc_pool.h"
#include "shm.h"

/* ---- placing tasks -------------------------------------------------------- */

static int accepting(const sl__pworker *w)
{
    return (w->state == W_STARTING || w->state == W_READY) && !w->retire && !w->exited && !w->spare;
}

static uint64_t load_of(const sl__pworker *w)
{
    return w->tasks.pos - w->answered;
}

/* Copies the task's pieces into w's ring and records it there. */
static int put(sl_proc_pool *p, sl__pworker *w, const struct iovec *iov, int iovcnt, const sl__ptask *t,
               int64_t now)
{
    void *dst;
    if (sl__ring_reserve(&w->tasks, t->len, &dst) != SL_OK)
        return SL_WOULDBLOCK; /* its arena is full for now */
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len)
            memcpy(dst, iov[i].iov_base, iov[i].iov_len);
        dst = (char *)dst + iov[i].iov_len;
    }
    uint64_t seq = w->tasks.pos;
    sl__ptask *rec = &w->q[seq % p->depth];
    *rec = *t;
    rec->copy = NULL;
    rec->next = NULL;
    sl__ring_publish(&w->tasks, 0, 0);
    if (seq == w->answered) {
        w->head_since = now;
        /* The supervisor may sleep past this task's deadline. */
        if (p->cfg.task_timeout_ns && w->state == W_READY && now + p->cfg.task_timeout_ns < p->sup_next)
            sl__proc_ring_bell(p);
    }
    sl__proc_wake_worker(w);
    return SL_OK;
}

/* The best worker to take a task: accepting, with room, not `avoid`
 * unless no other worker is accepting at all; then the least loaded, a
 * serving one before a starting one; ties go round-robin.  Workers whose
 * arena already refused this task (`tried`) are skipped. */
static sl__pworker *pick(sl_proc_pool *p, int avoid, const unsigned char *tried)
{
    int others = 0;
    for (size_t i = 0; i < p->n && avoid >= 0; i++)
        if ((int)i != avoid && accepting(&p->w[i]))
            others = 1;
    sl__pworker *best = NULL;
    uint64_t best_score = UINT64_MAX;
    for (size_t k = 0; k < p->n; k++) {
        sl__pworker *w = &p->w[(p->rr + k) % p->n];
        if (!accepting(w) || load_of(w) >= p->depth || tried[w->slot] || (others && w->slot == avoid))
            continue;
        uint64_t score = load_of(w) * 2 + (w->state != W_READY);
        if (score < best_score) {
            best = w;
            best_score = score;
        }
    }
    return best;
}

int sl__proc_place(sl_proc_pool *p, const struct iovec *iov, int iovcnt, sl__ptask *t, int64_t now)
{
    unsigned char tried_stack[64], *tried = tried_stack;
    if (p->n > sizeof tried_stack && !(tried = calloc(p->n, 1)))
        return SL_WOULDBLOCK;
    if (tried == tried_stack)
        memset(tried, 0, sizeof tried_stack);
    int rc = SL_WOULDBLOCK;
    sl__pworker *w;
    while ((w = pick(p, t->avoid, tried))) {
        if (put(p, w, iov, iovcnt, t, now) == SL_OK) {
            p->rr = (size_t)w->slot + 1;
            rc = SL_OK;
            break;
        }
        tried[w->slot] = 1;
    }
    if (tried != tried_stack)
        free(tried);
    return rc;
}

/* Tasks back from dead workers go first, in the order they came back. */
void sl__proc_place_requeued(sl_proc_pool *p, int64_t now)
{
    sl__ptask *t;
    struct iovec one;
    while ((t = p->requeue) && (one = (struct iovec){t->copy, t->len}, sl__proc_place(p, &one, 1, t, now)) == SL_OK) {
        p->requeue = t->next;
        if (!p->requeue)
            p->requeue_tail = NULL;
        free(t->copy);
        free(t);
    }
}

/* ---- results ------------------------------------------------------------ */

static void count_outcome(sl_proc_pool *p, int status)
{
    if (status == SL_OK) {
        p->st.answered++;
    } else {
        p->st.failed++;
        sl_gauge_add(p->g_failed, 1);
    }
}

void sl__proc_emit(sl_proc_pool *p, sl__proc_batch *b, const sl__ptask *t, int status, int code,
                   const char *why, void *data, size_t len, int64_t now)
{
    sl_proc_result one;
    sl__proc_batch to_caller = {&one, 0, 1, 1};
    if (t->call) /* sl_proc_pool_call: straight to the caller */
        b = &to_caller;
    else if (b->n == b->cap) { /* the supervisor's batch holds n * depth: this is the rare overflow */
        size_t cap = 2 * b->cap;
        sl_proc_result *o = b->fixed ? NULL : realloc(b->r, cap * sizeof *o);
        if (!o) { /* cannot queue it: deliver nothing rather than crash; the task is lost */
            free(data);
            p->inflight--;
            return;
        }
        b->r = o;
        b->cap = cap;
    }
    sl_proc_result *r = &b->r[b->n++];
    memset(r, 0, sizeof *r);
    r->tag = t->tag;
    r->status = status;
    r->code = code;
    r->attempts = t->attempts + (status == SL_OK);
    r->data = data;
    r->len = len;
    r->latency_ns = now - t->submitted;
    if (why && why[0])
        snprintf(r->why, sizeof r->why, "%s", why);
    p->inflight--;
    count_outcome(p, status);
    if (status == SL_OK) {
        sl_stage_add(p->m_tasks, 1, t->len);
        sl_stage_wait(p->m_tasks, r->latency_ns);
    }
    sl_stage_depth(p->m_tasks, -1);
    if (t->call) {
        t->call->result = one;
        t->call->done = 1;
        pthread_cond_signal(&t->call->cv);
    }
}

/* ---- making and freeing ------------------------------------------------- */

static void fill_defaults(sl_proc_config *c)
{
    if (!c->workers) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->workers = n > 0 ? (size_t)n : 1;
    }
    if (!c->depth)
        c->depth = 4;
    if (!c->slot_size)
        c->slot_size = 4096;
    if (!c->max_message)
        c->max_message = (size_t)1 << 30;
    if (c->mem_limit && !c->mem_kill)
        c->mem_kill = 2 * c->mem_limit;
    if (!c->breaker_window_ns)
        c->breaker_window_ns = 10 * 1000000000LL;
    if (!c->breaker_cooldown_ns)
        c->breaker_cooldown_ns = 1000000000LL;
    if (!c->start_timeout_ns)
        c->start_timeout_ns = 10 * 1000000000LL;
    /* The supervisor and the breaker add these durations to sl_now()
     * (time since boot).  Past about 73 years they mean "never" - a user's
     * SL_FOREVER, say - and are cut to that, so the sum cannot wrap into
     * the past (pool_new spun holding the lock, the supervisor never
     * slept). */
    const int64_t never = INT64_MAX / 4;
    int64_t *durations[] = {&c->start_timeout_ns, &c->task_timeout_ns, &c->heartbeat_ns, &c->breaker_window_ns,
                            &c->breaker_cooldown_ns};
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
        if (*durations[i] > never)
            *durations[i] = never;
}

static int valid_config(const sl_proc_config *c)
{
    return c && c->worker && c->worker->name && c->worker->name[0] && c->worker->run &&
           strlen(c->worker->name) < 256 && c->workers <= 1024 && c->spares <= 64 && c->depth <= 65536 &&
           c->slot_size <= (1u << 30) &&
           c->task_timeout_ns >= 0 && c->heartbeat_ns >= 0;
}

static sl_gauge *gauge(sl_proc_pool *p, const char *what)
{
    char name[320];
    snprintf(name, sizeof name, "proc.%s.%s", p->cfg.worker->name, what);
    return sl_metrics_gauge(p->cfg.metrics, name);
}

static void metrics_init(sl_proc_pool *p)
{
    sl_metrics *m = p->cfg.metrics;
    if (!m)
        return;
    char name[320];
    snprintf(name, sizeof name, "proc.%s", p->cfg.worker->name);
    p->m_tasks = sl_metrics_stage(m, name);
    snprintf(name, sizeof name, "proc.%s.restart", p->cfg.worker->name);
    p->m_restart = sl_metrics_stage(m, name);
    p->g_ready = gauge(p, "workers_ready");
    p->g_restarts = gauge(p, "restarts");
    p->g_retries = gauge(p, "retries");
    p->g_failed = gauge(p, "failed");
    p->g_refused = gauge(p, "refused");
    p->g_breaker = gauge(p, "breaker");
    p->g_opens = gauge(p, "breaker_opens");
    p->g_crashes = gauge(p, "crashes");
    p->g_start_failures = gauge(p, "start_failures");
    p->g_timeouts = gauge(p, "timeouts");
    p->g_hangs = gauge(p, "hangs");
    p->g_overmem = gauge(p, "overmem");
    p->g_badmsg = gauge(p, "badmsg");
    p->g_recycled = gauge(p, "recycled");
    p->g_rss = calloc(p->n, sizeof *p->g_rss);
    p->g_pid = calloc(p->n, sizeof *p->g_pid);
    for (size_t i = 0; i < p->n && p->g_rss && p->g_pid; i++) {
        char what[64];
        snprintf(what, sizeof what, "worker.%zu.rss_bytes", i);
        p->g_rss[i] = gauge(p, what);
        snprintf(what, sizeof what, "worker.%zu.pid", i);
        p->g_pid[i] = gauge(p, what);
    }
}

static void pool_release(sl_proc_pool *p)
{
    for (size_t i = 0; p->w && i < p->nw; i++) {
        if (p->w[i].state != W_DOWN) /* only when the threads never ran */
            sl__proc_bury(p, &p->w[i]);
        free(p->w[i].q);
    }
    for (sl__ptask *t = p->requeue, *next; t; t = next) {
        next = t->next;
        free(t->copy);
        free(t);
    }
    free(p->w);
    free(p->out.r);
    free(p->rfds);
    free(p->rslot);
    free(p->rgen);
    free(p->g_rss);
    free(p->g_pid);
    if (p->bell)
        sl__shm_unmap(p->bell, p->page);
    if (p->bell_fd >= 0)
        close(p->bell_fd);
    if (p->event_fd >= 0)
        close(p->event_fd);
    sl__breaker_destroy(&p->breaker);
    sl_chan_free(p->results);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->changed);
    free(p);
}

static int cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc;
}

/* Waits on c until the deadline (sl_now() clock); SL_TIMEDOUT after it. */
static int cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t deadline)
{
    if (deadline == SL_FOREVER)
        return pthread_cond_wait(c, m) == 0 ? SL_OK : SL_INVAL;
    struct timespec ts = {(time_t)(deadline / 1000000000), (long)(deadline % 1000000000)};
    return pthread_cond_timedwait(c, m, &ts) == ETIMEDOUT ? SL_TIMEDOUT : SL_OK;
}

static int pool_alloc_parts(sl_proc_pool *p)
{
    p->w = calloc(p->nw, sizeof *p->w);
    p->rfds = calloc(p->nw + 1, sizeof *p->rfds);
    p->rslot = calloc(p->nw + 1, sizeof *p->rslot);
    p->rgen = calloc(p->nw + 1, sizeof *p->rgen);
    p->results = sl_chan_new(sizeof(sl_proc_result), SL_UNBOUNDED);
    /* At most n * depth tasks are ever admitted and unanswered, so one
     * supervisor pass never gathers more results than that. */
    p->out.cap = p->n * p->depth;
    p->out.r = malloc(p->out.cap * sizeof *p->out.r);
    if (!p->out.r || !p->w || !p->rfds || !p->rslot || !p->rgen || !p->results)
        return SL_NOMEM;
    for (size_t i = 0; i < p->nw; i++) {
        sl__pworker *w = &p->w[i];
        w->slot = (int)i;
        w->spare = i >= p->n;
        w->fd_down = w->fd_up = w->pidfd = w->statm_fd = -1;
        if (!(w->q = calloc(p->depth, sizeof *w->q)))
            return SL_NOMEM;
    }
    char name[64];
    snprintf(name, sizeof name, "sluice-proc.%d.bell", (int)getpid());
    p->bell_fd = sl__proc_shm_high(name, p->page);
    p->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->bell_fd < 0 || p->event_fd < 0 || !(p->bell = sl__shm_map(p->bell_fd, p->page, 1)))
        return SL_NOMEM;
    return sl__breaker_init(&p->breaker, p->cfg.breaker_failures, p->cfg.breaker_window_ns,
                            p->cfg.breaker_cooldown_ns);
}

static size_t count_ready(const sl_proc_pool *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->w[i].state == W_READY;
    return n;
}

/* pool_new waits until every slot serves or has failed to start once. */
static int all_started(const sl_proc_pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->w[i].state != W_READY && !p->w[i].fails_in_row)
            return 0;
    return 1;
}

sl_proc_pool *sl_proc_pool_new(const sl_proc_config *cfg)
{
    /* A worker process that did not call sl_proc_serve is running the
     * program as if it were the parent: refuse, or each would start more. */
    if (!valid_config(cfg) || getenv(SL__PROC_ENV)) {
        errno = getenv(SL__PROC_ENV) ? EPERM : EINVAL;
        return NULL;
    }
    sl_proc_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = *cfg;
    fill_defaults(&p->cfg);
    p->n = p->cfg.workers;
    p->nw = p->n + p->cfg.spares;
    p->depth = p->cfg.depth;
    p->page = sl__shm_page();
    p->geom = (sl__ring_geom){(uint32_t)p->depth, p->cfg.slot_size,
                              p->cfg.max_message > p->cfg.slot_size ? p->cfg.max_message : 0};
    p->bell_fd = p->event_fd = -1;
    p->sup_next = INT64_MIN;
    pthread_mutex_init(&p->lock, NULL);
    if (cond_init_monotonic(&p->room) || cond_init_monotonic(&p->changed) || pool_alloc_parts(p) != SL_OK) {
        pool_release(p);
        errno = ENOMEM;
        return NULL;
    }
    metrics_init(p);
    if (pthread_create(&p->reaper, NULL, sl__proc_reap, p) != 0) {
        pool_release(p);
        return NULL;
    }
    if (pthread_create(&p->super, NULL, sl__proc_supervise, p) != 0) {
        pthread_mutex_lock(&p->lock);
        p->stop_reaper = 1;
        pthread_mutex_unlock(&p->lock);
        sl__proc_reaper_poke(p);
        pthread_join(p->reaper, NULL);
        pool_release(p);
        return NULL;
    }
    p->threads = 1;
    int64_t deadline = sl_now() + p->cfg.start_timeout_ns;
    pthread_mutex_lock(&p->lock);
    while (!all_started(p) && cond_wait_until(&p->changed, &p->lock, deadline) != SL_TIMEDOUT)
        ;
    size_t ready = count_ready(p);
    int e = p->spawn_errno;
    pthread_mutex_unlock(&p->lock);
    if (ready == 0) {
        sl_proc_pool_close(p, 0);
        sl_proc_pool_free(p);
        errno = e ? e : ECHILD;
        return NULL;
    }
    return p;
}

int sl_proc_pool_close(sl_proc_pool *p, int64_t deadline)
{
    if (!p)
        return SL_INVAL;
    pthread_mutex_lock(&p->lock);
    if (p->closing) {
        pthread_mutex_unlock(&p->lock);
        return SL_CLOSED;
    }
    p->closing = 1;
    p->close_deadline = deadline;
    pthread_cond_broadcast(&p->room); /* blocked submitters return SL_CLOSED */
    sl__proc_ring_bell(p);
    while (!p->close_done)
        pthread_cond_wait(&p->changed, &p->lock);
    int rc = p->close_rc;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void sl_proc_pool_free(sl_proc_pool *p)
{
    if (!p)
        return;
    sl_proc_pool_close(p, SL_FOREVER);
    pthread_join(p->super, NULL);
    pthread_mutex_lock(&p->lock);
    p->stop_reaper = 1;
    pthread_mutex_unlock(&p->lock);
    sl__proc_reaper_poke(p);
    pthread_join(p->reaper, NULL);
    pool_release(p);
}

/* ---- submitting ------------------------------------------------------------ */

/* One try, under the lock: SL_OK (placed), SL_REFUSED, SL_CLOSED, or
 * SL_WOULDBLOCK (no room: wait). */
static int try_submit(sl_proc_pool *p, const struct iovec *iov, int iovcnt, size_t len, uint64_t tag,
                      sl__proc_call *call)
{
    if (p->closing)
        return SL_CLOSED;
    int64_t now = sl_now();
    int probe;
    if (sl__breaker_check(&p->breaker, now, &probe) != SL_OK) {
        p->st.refused++;
        sl_gauge_add(p->g_refused, 1);
        return SL_REFUSED;
    }
    sl__proc_place_requeued(p, now);
    if (p->requeue) /* tasks back from dead workers have room first */
        return SL_WOULDBLOCK;
    sl__ptask t = {.tag = tag, .len = len, .submitted = now, .avoid = -1, .probe = probe, .call = call};
    if (sl__proc_place(p, iov, iovcnt, &t, now) != SL_OK)
        return SL_WOULDBLOCK;
    if (probe) {
        sl__breaker_take(&p->breaker);
        sl_gauge_set(p->g_breaker, SL_BREAKER_HALF_OPEN);
    }
    p->inflight++;
    p->st.submitted++;
    sl_stage_depth(p->m_tasks, 1);
    return SL_OK;
}

/* A submitter that finds every queue full takes the replies waiting in
 * the rings itself, as a thread waiting on a pool group runs tasks: the
 * answers free room at once, and the supervisor need not be woken to move
 * them.  Returns 1 if it took any. */
static int help(sl_proc_pool *p, sl__proc_batch *b)
{
    int took = 0;
    int64_t now = sl_now();
    for (size_t i = 0; i < p->n && b->n < b->cap; i++) {
        sl__pworker *w = &p->w[i];
        if ((w->state == W_READY || w->state == W_QUITTING) && !w->exited)
            took |= sl__proc_drain(p, w, now, b, 0);
    }
    /* Stopped with replies maybe left behind: a worker rings the bell only
     * for a reply into an empty ring, so the supervisor must hear of them
     * from us. */
    if (b->n == b->cap)
        sl__proc_ring_bell(p);
    return took;
}

/* Sends what a submitter gathered, outside the lock; the supervisor does
 * not close the results channel while a submitter still holds results. */
static void flush_helped(sl_proc_pool *p, sl__proc_batch *b)
{
    if (!b->n)
        return;
    p->flushing++;
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < b->n; i++)
        if (sl_chan_send(p->results, &b->r[i]) != SL_OK)
            free(b->r[i].data);
    b->n = 0;
    pthread_mutex_lock(&p->lock);
    if (--p->flushing == 0 && p->closing)
        sl__proc_ring_bell(p);
}

/* Admits a task (waiting for room until deadline), under the lock. */
static int admit(sl_proc_pool *p, const struct iovec *iov, int iovcnt, uint64_t tag, int64_t deadline,
                 sl__proc_call *call)
{
    size_t len = 0;
    for (int i = 0; p && i < iovcnt; i++) {
        if (!iov[i].iov_base && iov[i].iov_len)
            return SL_INVAL;
        len += iov[i].iov_len;
    }
    if (!p || iovcnt < 0 || (iovcnt && !iov) || len > p->cfg.max_message)
        return SL_INVAL;
    sl_proc_result gathered[32];
    sl__proc_batch b = {gathered, 0, sizeof gathered / sizeof *gathered, 1};
    int rc;
    unsigned step = 0;
    while ((rc = try_submit(p, iov, iovcnt, len, tag, call)) == SL_WOULDBLOCK) {
        if (deadline != SL_FOREVER && deadline <= sl_now()) {
            rc = SL_TIMEDOUT;
            break;
        }
        if (help(p, &b)) {
            flush_helped(p, &b);
            step = 0;
            continue;
        }
        /* Full, and no answer waiting: spin and yield a little first, then
         * sleep until the supervisor signals room. */
        if (sl__backoff(&step)) {
            pthread_mutex_unlock(&p->lock);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        p->waiting++;
        cond_wait_until(&p->room, &p->lock, deadline);
        p->waiting--;
        step = 0;
    }
    flush_helped(p, &b);
    return rc;
}

int sl_proc_pool_submitv(sl_proc_pool *p, const struct iovec *iov, int iovcnt, uint64_t tag, int64_t deadline)
{
    if (!p)
        return SL_INVAL;
    pthread_mutex_lock(&p->lock);
    int rc = admit(p, iov, iovcnt, tag, deadline, NULL);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int sl_proc_pool_call(sl_proc_pool *p, const struct iovec *iov, int iovcnt, sl_proc_result *out)
{
    if (!p || !out)
        return SL_INVAL;
    sl__proc_call call = {.done = 0};
    pthread_cond_init(&call.cv, NULL);
    pthread_mutex_lock(&p->lock);
    int rc = admit(p, iov, iovcnt, 0, SL_FOREVER, &call);
    /* Admitted, the task is answered exactly once (with a failure, at
     * worst: a closing pool cancels it), and that answer comes here. */
    while (rc == SL_OK && !call.done)
        pthread_cond_wait(&call.cv, &p->lock);
    pthread_mutex_unlock(&p->lock);
    pthread_cond_destroy(&call.cv);
    if (rc == SL_OK)
        *out = call.result;
    return rc;
}

int sl_proc_pool_submit_until(sl_proc_pool *p, const void *task, size_t len, uint64_t tag, int64_t deadline)
{
    if (!task && len)
        return SL_INVAL;
    struct iovec one = {(void *)task, len};
    return sl_proc_pool_submitv(p, &one, 1, tag, deadline);
}

int sl_proc_pool_submit(sl_proc_pool *p, const void *task, size_t len, uint64_t tag)
{
    return sl_proc_pool_submit_until(p, task, len, tag, SL_FOREVER);
}

sl_chan *sl_proc_pool_results(sl_proc_pool *p)
{
    return p ? p->results : NULL;
}

/* ---- health ----------------------------------------------------------------- */

int sl_proc_pool_stats(sl_proc_pool *p, sl_proc_stats *out)
{
    if (!p || !out)
        return SL_INVAL;
    pthread_mutex_lock(&p->lock);
    *out = p->st;
    out->workers = p->n;
    out->ready = count_ready(p);
    for (size_t i = p->n; i < p->nw; i++)
        out->spares_ready += p->w[i].state == W_READY && !p->w[i].exited;
    int probe;
    sl__breaker_check(&p->breaker, sl_now(), &probe); /* an open breaker's cool-down may be over */
    out->breaker = p->breaker.state;
    out->breaker_opens = p->breaker.opens;
    out->inflight = p->inflight;
    pthread_mutex_unlock(&p->lock);
    return SL_OK;
}

int sl_proc_pool_pid(sl_proc_pool *p, size_t i)
{
    if (!p || i >= p->n)
        return 0;
    pthread_mutex_lock(&p->lock);
    int pid = p->w[i].exited ? 0 : (int)p->w[i].pid;
    pthread_mutex_unlock(&p->lock);
    return pid;
}

int64_t sl_proc_pool_rss(sl_proc_pool *p, size_t i)
{
    if (!p || i >= p->n)
        return 0;
    pthread_mutex_lock(&p->lock);
    sl__pworker *w = &p->w[i];
    if (w->state != W_DOWN && !w->exited)
        w->rss = sl__proc_sample_rss(w);
    int64_t rss = w->rss;
    pthread_mutex_unlock(&p->lock);
    return rss;
}
