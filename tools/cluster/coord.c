/*
 * coord.c - the coordinator: a tool's jobs spread over workers and local
 * threads, with exactly one result per job handed to the tool.
 *
 * Three kinds of thread share one table of jobs under one lock:
 *
 *   the pump     two threads.  The sender sends jobs from the front of
 *                the queue in batches (one round trip for all the batches
 *                it has room for), sends again what stayed unanswered
 *                past the resend time, takes back unread batches at the
 *                end.  The receiver reads the workers' replies, checks
 *                each result (this run's, a job that was sent, the hash
 *                of exactly the input sent) and decodes it.  Apart, a
 *                send that waits on the server never delays a result,
 *                nor the window slot its reply frees
 *   local        (-j N) run jobs from the back of the queue; when it is
 *   threads      empty, they run sent jobs whose results have not come
 *                (oldest first): so a dead or missing worker delays the
 *                run by one job, not by a lease, and with no worker at all
 *                the run finishes here
 *   the caller   the collector: the first result of each job goes to the
 *                tool's take(); any later one is a duplicate and dropped
 *
 * Results travel to the collector on one channel.  Whatever order they
 * arrive in, the tool sees one result per job, computed from the same
 * input, which is what makes the output the same as a local run's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cluster.h"
#include "sluice/remote.h"
#include "sluice/sluice.h"

enum { J_QUEUED, J_TAKEN, J_SENT, J_DONE };
enum { FROM_HERE = -1 };

typedef struct cjob {
    uint64_t id, size;
    uint8_t state;
    uint8_t running;     /* a local thread runs it now */
    uint8_t here_only;   /* cannot be sent, or a worker could not run it */
    uint8_t answered;    /* a worker's result for its last send is on its way to the collector */
    uint8_t hash[SL_CLUSTER_HASH];
    uint8_t loaded;      /* in and len hold the input sent (len may be 0: in is then NULL) */
    unsigned char *in;   /* the input sent, kept for a local backup run */
    size_t len;
    int64_t sent_at;
    int32_t batch;       /* the batch it was last sent in, or -1 */
} cjob;

typedef struct cbatch {
    char id[48];
    int64_t sent_at;
    uint32_t *jobs, n;
    int open;            /* sent; its entry may still be on the queue */
} cbatch;

typedef struct item {
    uint32_t job;
    int32_t worker;      /* index into stats.workers, or FROM_HERE */
    void *result;
} item;

struct sl_cluster {
    sl_cluster_ops ops;
    void *ctx;
    sl_cluster_config cfg;
    sl_remote *work, *gather;
    uint8_t run[SL_CLUSTER_RUN];

    pthread_mutex_t lock;
    pthread_cond_t wake;     /* local threads: a job to run, or the end */
    cjob *jobs;
    size_t njobs, jobs_cap, done;
    uint32_t *q;             /* queued jobs: the pump takes the front, local threads the back */
    size_t qhead, qlen, qcap;
    uint32_t *sent;          /* jobs in the order sent: backups go oldest first */
    size_t nsent, sent_cap, backup_next;
    cbatch *batches;
    size_t nbatches, batches_cap, open_batches;
    int finished, remote_dead;
    int64_t first_send, last_reply, next_note;
    int64_t answer_ns;       /* how long workers take to answer a job: a moving average, 0 before any */

    sl_chan *results;
    pthread_t pump, receiver, *locals;
    unsigned nlocals;
    sl_cluster_stats st;
};

static void note(sl_cluster *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(sl_cluster *c, const char *fmt, ...)
{
    if (c->cfg.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", c->cfg.tool ? c->cfg.tool : "sluice");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (!q) {
        fprintf(stderr, "sluice: out of memory\n");
        abort(); /* as the tools' xalloc does: there is no sane way on */
    }
    *cap = n;
    return q;
}

/* ---- the queue (under the lock) ---- */

/* SLUICE_CLUSTER_CHECK=1: after every change, every QUEUED job is in line
 * (and nothing else is), or the process stops saying where. */
static int check_on = -1;
static void check_queue(sl_cluster *c, const char *where)
{
    if (check_on < 0)
        check_on = getenv("SLUICE_CLUSTER_CHECK") != NULL;
    if (!check_on)
        return;
    size_t queued = 0, inline_queued = 0;
    for (size_t j = 0; j < c->njobs; j++)
        queued += c->jobs[j].state == J_QUEUED;
    for (size_t i = 0; i < c->qlen; i++)
        inline_queued += c->jobs[c->q[(c->qhead + i) % c->qcap]].state == J_QUEUED;
    if (queued > inline_queued) {
        fprintf(stderr, "cluster check: %zu jobs QUEUED, %zu of them in line (%zu entries), after %s\n", queued,
                inline_queued, c->qlen, where);
        abort();
    }
}

/* DONE is final: a job with its result never goes back on the queue, and
 * one that gets its result while queued is skipped when popped. */
static void q_push_back(sl_cluster *c, uint32_t j)
{
    if (c->jobs[j].state == J_DONE)
        return;
    if (c->qlen == c->qcap) {
        size_t cap = c->qcap ? c->qcap * 2 : 64;
        size_t got = 0;
        uint32_t *q = grow(NULL, &got, cap, sizeof *q);
        for (size_t i = 0; i < c->qlen; i++)
            q[i] = c->q[(c->qhead + i) % c->qcap];
        free(c->q);
        c->q = q;
        c->qhead = 0;
        c->qcap = cap;
    }
    c->q[(c->qhead + c->qlen++) % c->qcap] = j; /* qcap <= got: only the first qcap are used */
    c->jobs[j].state = J_QUEUED;
}

static void q_push_front(sl_cluster *c, uint32_t j)
{
    if (c->jobs[j].state == J_DONE)
        return;
    q_push_back(c, j); /* then move it from the back slot to a new front one */
    c->qlen--;
    c->qhead = (c->qhead + c->qcap - 1) % c->qcap;
    c->q[c->qhead] = j;
    c->qlen++;
}

static uint32_t q_pop_front(sl_cluster *c)
{
    uint32_t j = c->q[c->qhead];
    c->qhead = (c->qhead + 1) % c->qcap;
    c->qlen--;
    return j;
}

static uint32_t q_pop_back(sl_cluster *c)
{
    return c->q[(c->qhead + --c->qlen) % c->qcap];
}

void sl_cluster_add(sl_cluster *c, uint64_t job, uint64_t size)
{
    pthread_mutex_lock(&c->lock);
    c->jobs = grow(c->jobs, &c->jobs_cap, c->njobs + 1, sizeof *c->jobs);
    c->jobs[c->njobs] = (cjob){.id = job, .size = size, .batch = -1};
    q_push_back(c, (uint32_t)c->njobs++);
    check_queue(c, "add");
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
}

/* Drops a job's loaded input.  Caller holds the lock. */
static void forget_input(cjob *x)
{
    free(x->in);
    x->in = NULL;
    x->len = 0;
    x->loaded = 0;
}

/* ---- results ---- */

static void deliver(sl_cluster *c, uint32_t job, int32_t worker, void *result)
{
    item it = {job, worker, result};
    if (sl_chan_send(c->results, &it) != SL_OK) /* the run is over: a late copy */
        c->ops.drop(c->ctx, result);
}

/* A job can only be run here: back to the queue for the local threads
 * (or, with none, the pump).  Caller holds the lock. */
static void requeue_here(sl_cluster *c, uint32_t j)
{
    cjob *x = &c->jobs[j];
    if (x->state == J_DONE || x->state == J_QUEUED)
        return;
    x->here_only = 1;
    x->answered = 0;
    q_push_back(c, j);
    pthread_cond_broadcast(&c->wake);
}

/* ---- local threads ---- */

/* How long a sent job must be out before a local thread runs it too:
 * clearly longer than workers take (4 x their average answer time, at
 * least 200 ms), or a second before any worker has answered.  Sooner,
 * local threads would race healthy workers for every job at the end. */
static int64_t backup_after(const sl_cluster *c)
{
    if (!c->answer_ns)
        return 1000000000LL;
    return c->answer_ns * 4 > 200000000LL ? c->answer_ns * 4 : 200000000LL;
}

static void wait_until(sl_cluster *c, int64_t deadline)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ns = deadline - sl_now(); /* the condvar's clock is the real-time one */
    if (ns <= 0)
        return;
    ts.tv_sec += (time_t)(ns / 1000000000);
    ts.tv_nsec += (long)(ns % 1000000000);
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&c->wake, &c->lock, &ts);
}

/* Drops jobs that got their result while queued from both ends. */
static void q_skip_done(sl_cluster *c)
{
    while (c->qlen && c->jobs[c->q[c->qhead]].state == J_DONE)
        q_pop_front(c);
    while (c->qlen && c->jobs[c->q[(c->qhead + c->qlen - 1) % c->qcap]].state == J_DONE)
        q_pop_back(c);
}

/* The next job for a local thread, or UINT32_MAX at the end: the back of
 * the queue, else the oldest sent job out past backup_after.  Caller holds
 * the lock; it may wait. */
static uint32_t pick_local(sl_cluster *c, int *backup)
{
    for (;;) {
        if (c->finished)
            return UINT32_MAX;
        q_skip_done(c);
        if (c->qlen) {
            *backup = 0;
            uint32_t j = q_pop_back(c);
            c->jobs[j].state = J_TAKEN; /* out of line: taken, in the same hold of the lock */
            return j;
        }
        while (c->backup_next < c->nsent &&
               (c->jobs[c->sent[c->backup_next]].state != J_SENT || c->jobs[c->sent[c->backup_next]].running))
            c->backup_next++;
        if (c->backup_next < c->nsent) {
            uint32_t j = c->sent[c->backup_next];
            int64_t due = c->jobs[j].sent_at + backup_after(c);
            if (sl_now() >= due) {
                c->backup_next++;
                *backup = 1;
                return j;
            }
            wait_until(c, due);
        } else
            pthread_cond_wait(&c->wake, &c->lock);
    }
}

typedef struct local_arg {
    sl_cluster *c;
    unsigned thread;
} local_arg;

/* Runs job j here and delivers the result. */
static void run_here(sl_cluster *c, unsigned thread, uint32_t j, int backup)
{
    pthread_mutex_lock(&c->lock);
    cjob *x = &c->jobs[j];
    uint64_t id = x->id;
    /* a backup runs from the input sent, even an empty one: "" is not NULL */
    const unsigned char *in = backup ? (x->in ? x->in : (const unsigned char *)"") : NULL;
    size_t len = backup ? x->len : 0;
    x->running = 1;
    if (!backup)
        x->state = J_TAKEN;
    else
        c->st.backups++;
    check_queue(c, "run_here");
    pthread_mutex_unlock(&c->lock);
    /* `in` stays valid: the collector frees a job's input only once no
     * local run holds it (running == 0) */
    void *result = c->ops.run(c->ctx, thread, id, in, len);
    pthread_mutex_lock(&c->lock);
    x = &c->jobs[j];
    x->running = 0;
    if (x->state == J_DONE)
        forget_input(x);
    pthread_mutex_unlock(&c->lock);
    deliver(c, j, FROM_HERE, result);
}

static void *local_main(void *arg)
{
    local_arg *a = arg;
    sl_cluster *c = a->c;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        int backup = 0;
        uint32_t j = pick_local(c, &backup);
        if (j == UINT32_MAX)
            break;
        pthread_mutex_unlock(&c->lock);
        run_here(c, a->thread, j, backup);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    free(a);
    return NULL;
}

/* ---- the pump: sending ---- */

/* Adds the time since t0 to a figure of --stats; returns now. */
static int64_t add_time(sl_cluster *c, int64_t *figure, int64_t t0)
{
    int64_t now = sl_now();
    pthread_mutex_lock(&c->lock);
    *figure += now - t0;
    pthread_mutex_unlock(&c->lock);
    return now;
}

/* Takes up to a batch of jobs off the front of the queue: at most a
 * sixteenth of what is queued, so that a short run still spreads over
 * many workers and the end of a long one is cut fine. */
static size_t take_batch(sl_cluster *c, uint32_t *out, size_t max)
{
    size_t n = 0, bytes = 0;
    pthread_mutex_lock(&c->lock);
    if (max > c->qlen / 16)
        max = c->qlen / 16 ? c->qlen / 16 : 1;
    while ((q_skip_done(c), c->qlen) && n < max) {
        uint32_t j = c->q[c->qhead];
        if (n && bytes + c->jobs[j].size > c->cfg.batch_bytes)
            break;
        if (c->jobs[j].here_only && c->nlocals)
            break; /* the local threads take those from the back */
        q_pop_front(c);
        c->jobs[j].state = J_TAKEN;
        bytes += c->jobs[j].size;
        out[n++] = j;
    }
    check_queue(c, "take_batch");
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Loads each job's input; a job that cannot be sent is run here.  Returns
 * how many are left in js to send. */
static size_t load_batch(sl_cluster *c, uint32_t *js, size_t n)
{
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        sl_cluster_buf in = {0};
        pthread_mutex_lock(&c->lock);
        uint64_t id = c->jobs[js[i]].id;
        int here = c->jobs[js[i]].here_only;
        pthread_mutex_unlock(&c->lock);
        if (here || c->ops.load(c->ctx, id, &in) != 0 || in.failed || in.len > UINT32_MAX) {
            sl_cluster_buf_free(&in);
            pthread_mutex_lock(&c->lock);
            c->jobs[js[i]].here_only = 1;
            if (c->nlocals) {
                q_push_back(c, js[i]);
                pthread_cond_broadcast(&c->wake);
                pthread_mutex_unlock(&c->lock);
            } else {
                pthread_mutex_unlock(&c->lock);
                run_here(c, c->cfg.threads, js[i], 0);
            }
            continue;
        }
        pthread_mutex_lock(&c->lock);
        cjob *x = &c->jobs[js[i]];
        x->in = in.data;
        x->len = in.len;
        x->loaded = 1;
        sl_cluster_hash(x->in, x->len, x->hash);
        pthread_mutex_unlock(&c->lock);
        js[keep++] = js[i];
    }
    return keep;
}

static void encode_batch(sl_cluster *c, const uint32_t *js, size_t n, sl_cluster_buf *msg)
{
    sl_cluster_jobs_begin(msg, c->ops.kind, SLUICE_VERSION, c->run);
    pthread_mutex_lock(&c->lock);
    check_queue(c, "encode_batch");
    for (size_t i = 0; i < n; i++) {
        cjob *x = &c->jobs[js[i]];
        sl_cluster_jobs_add(msg, js[i], x->hash, x->in, (uint32_t)x->len);
    }
    pthread_mutex_unlock(&c->lock);
    sl_cluster_jobs_end(msg); /* compressed outside the lock */
}

/* Batches sent: remember them and their jobs.  Caller holds the lock. */
static void record_sent(sl_cluster *c, uint32_t **js, size_t *ns, sl_remote_buf *bufs, size_t nb, int64_t now)
{
    for (size_t b = 0; b < nb; b++) {
        c->batches = grow(c->batches, &c->batches_cap, c->nbatches + 1, sizeof *c->batches);
        cbatch *cb = &c->batches[c->nbatches];
        *cb = (cbatch){.sent_at = now, .jobs = js[b], .n = (uint32_t)ns[b], .open = 1};
        snprintf(cb->id, sizeof cb->id, "%s", bufs[b].id);
        c->open_batches++;
        for (size_t i = 0; i < ns[b]; i++) {
            cjob *x = &c->jobs[js[b][i]];
            /* answered: a fast worker's result for it was admitted while the
             * batch was still being sent (the lock is not held then), and
             * is on its way to the collector.  Marked sent and unanswered
             * again, the reply's close_answered would send it once more -
             * a job done twice (cluster_graph_cache saw it under load: the
             * changed file run here too, from the cache its result filled) */
            if (x->state == J_DONE || x->answered)
                continue;
            x->state = J_SENT;
            x->answered = 0;
            x->sent_at = now;
            x->batch = (int32_t)c->nbatches;
            c->sent = grow(c->sent, &c->sent_cap, c->nsent + 1, sizeof *c->sent);
            c->sent[c->nsent++] = js[b][i];
        }
        js[b] = NULL;
        c->nbatches++;
        c->st.batches_sent++;
        c->st.bytes_sent += bufs[b].len;
    }
    if (!c->first_send)
        c->first_send = now;
    pthread_cond_broadcast(&c->wake);
}

#define SEND_AT_ONCE 16

/* Fills the window: every batch there is room for, in one round trip.
 * Returns 1 when something was sent, 0 when nothing was, -1 when the
 * queue is lost for good. */
static int send_some(sl_cluster *c)
{
    uint32_t *js[SEND_AT_ONCE] = {0};
    size_t ns[SEND_AT_ONCE], nb = 0;
    sl_cluster_buf msgs[SEND_AT_ONCE];
    sl_remote_buf bufs[SEND_AT_ONCE];
    memset(msgs, 0, sizeof msgs);
    pthread_mutex_lock(&c->lock);
    size_t room = c->cfg.window > c->open_batches ? c->cfg.window - c->open_batches : 0;
    pthread_mutex_unlock(&c->lock);
    while (nb < SEND_AT_ONCE && nb < room) {
        js[nb] = malloc(c->cfg.batch_jobs * sizeof *js[nb]);
        if (!js[nb])
            break;
        size_t n = take_batch(c, js[nb], c->cfg.batch_jobs);
        int64_t t0 = sl_now();
        n = n ? load_batch(c, js[nb], n) : 0;
        if (!n) {
            free(js[nb]);
            js[nb] = NULL;
            pthread_mutex_lock(&c->lock);
            int more = c->qlen && !(c->jobs[c->q[c->qhead]].here_only && c->nlocals);
            pthread_mutex_unlock(&c->lock);
            if (!more)
                break;
            continue;
        }
        ns[nb] = n;
        encode_batch(c, js[nb], n, &msgs[nb]);
        add_time(c, &c->st.pump_load_ns, t0);
        bufs[nb] = (sl_remote_buf){msgs[nb].data, msgs[nb].len, ""};
        nb++;
    }
    int rc = 0;
    if (nb) {
        size_t sent = 0;
        int64_t t0 = sl_now();
        int src = sl_remote_scatter(c->work, c->gather, bufs, nb, &sent, SL_FOREVER);
        add_time(c, &c->st.pump_send_ns, t0);
        pthread_mutex_lock(&c->lock);
        record_sent(c, js, ns, bufs, sent, sl_now());
        check_queue(c, "record_sent");
        for (size_t b = sent; b < nb; b++) /* not sent: back to the front */
            for (size_t i = ns[b]; i-- > 0;)
                q_push_front(c, js[b][i]);
        check_queue(c, "send_some");
        pthread_mutex_unlock(&c->lock);
        rc = src == SL_OK ? 1 : -1;
        if (src != SL_OK)
            note(c, "%s", sl_remote_error(c->work));
    }
    for (size_t b = 0; b < nb; b++) {
        free(js[b]);
        sl_cluster_buf_free(&msgs[b]);
    }
    return rc;
}

/* ---- the pump: replies ---- */

static int32_t worker_index(sl_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->st.nworkers; i++)
        if (!strcmp(c->st.workers[i].name, name))
            return (int32_t)i;
    if (c->st.nworkers == sizeof c->st.workers / sizeof c->st.workers[0])
        return (int32_t)c->st.nworkers - 1; /* the last row counts the rest */
    snprintf(c->st.workers[c->st.nworkers].name, sizeof c->st.workers[0].name, "%s", name);
    return (int32_t)c->st.nworkers++;
}

/* Checks one result against the job table: 1 to decode it, 0 dropped.
 * Caller holds the lock. */
static int admit(sl_cluster *c, const sl_cluster_result *x, uint64_t *id)
{
    if (x->seq >= c->njobs) {
        c->st.foreign++;
        return 0;
    }
    cjob *j = &c->jobs[x->seq];
    if (j->state == J_DONE) {
        c->st.duplicates++;
        return 0;
    }
    if (!j->loaded || memcmp(j->hash, x->hash, SL_CLUSTER_HASH)) { /* never sent, or not this input */
        c->st.stale++;
        return 0;
    }
    if (x->status != SL_CLUSTER_OK) {
        c->st.failed_remote++;
        requeue_here(c, (uint32_t)x->seq);
        return 0;
    }
    *id = j->id;
    j->answered = 1;
    return 1;
}

static void take_reply(sl_cluster *c, const sl_remote_msg *m)
{
    char err[256];
    sl_cluster_results rs;
    if (sl_cluster_results_decode(m->data, m->len, &rs, err, sizeof err) != 0) {
        pthread_mutex_lock(&c->lock);
        c->st.malformed++;
        pthread_mutex_unlock(&c->lock);
        note(c, "refused reply %s: %s", m->id, err);
        return;
    }
    pthread_mutex_lock(&c->lock);
    c->st.batches_in++;
    c->st.bytes_in += m->len;
    c->last_reply = sl_now();
    int foreign = memcmp(rs.run, c->run, SL_CLUSTER_RUN) != 0;
    if (foreign)
        c->st.foreign += rs.n;
    int32_t w = foreign ? 0 : worker_index(c, rs.worker);
    pthread_mutex_unlock(&c->lock);
    for (uint32_t i = 0; !foreign && i < rs.n; i++) {
        const sl_cluster_result *x = &rs.results[i];
        uint64_t id;
        pthread_mutex_lock(&c->lock);
        int ok = admit(c, x, &id);
        check_queue(c, "admit");
        if (x->status == SL_CLUSTER_UNSUPPORTED && i == 0)
            note(c, "worker %s: %.*s", rs.worker, (int)x->len, (const char *)x->data);
        if (ok && (x->flags & SL_CLUSTER_RECLAIMED))
            c->st.reclaimed++;
        if (ok) { /* answer time: a moving average over the last few dozen */
            int64_t took = sl_now() - c->jobs[x->seq].sent_at;
            c->answer_ns = c->answer_ns ? c->answer_ns + (took - c->answer_ns) / 16 : took;
        }
        if (ok)
            c->st.workers[w].busy_us += x->busy_us;
        pthread_mutex_unlock(&c->lock);
        if (!ok)
            continue;
        void *result = c->ops.decode(c->ctx, id, x->data, x->len, err, sizeof err);
        if (!result) {
            note(c, "refused a result from %s: %s; doing that job here", rs.worker, err);
            pthread_mutex_lock(&c->lock);
            c->st.malformed++;
            requeue_here(c, (uint32_t)x->seq);
            pthread_mutex_unlock(&c->lock);
            continue;
        }
        deliver(c, (uint32_t)x->seq, w, result);
    }
    sl_cluster_results_free(&rs);
}

/* The jobs of batch b still waiting for an answer to that send go back to
 * the front of the queue.  Their input is loaded again when they are sent
 * again, so a late reply to this send counts only if the input is still
 * the same.  Caller holds the lock. */
static void send_again(sl_cluster *c, size_t b)
{
    cbatch *cb = &c->batches[b];
    for (uint32_t i = cb->n; i-- > 0;) {
        cjob *x = &c->jobs[cb->jobs[i]];
        if (x->state == J_SENT && x->batch == (int32_t)b && !x->answered && !x->running) {
            forget_input(x);
            q_push_front(c, cb->jobs[i]);
        }
    }
}

/* A reply has come for the batch sent as entry `id`: its window slot is
 * free.  Its jobs without an admitted result (stale, or refused) go back
 * on the queue, to be sent again.  Caller holds the lock. */
static void close_answered(sl_cluster *c, const char *id)
{
    for (size_t b = c->nbatches; b-- > 0;) {
        cbatch *cb = &c->batches[b];
        if (!cb->open || strcmp(cb->id, id))
            continue;
        cb->open = 0;
        c->open_batches--;
        send_again(c, b);
        check_queue(c, "close_answered");
        pthread_cond_broadcast(&c->wake); /* the sender: room in the window */
        return;
    }
}

#define READ_AT_ONCE 64

/* Reads what replies there are, waiting up to the deadline for the first,
 * and acknowledges them all in one round trip. */
static int read_replies(sl_cluster *c, int64_t deadline)
{
    sl_remote_msg *got[READ_AT_ONCE];
    size_t n = 0;
    int rc;
    int64_t t0 = sl_now();
    while (n < READ_AT_ONCE && (rc = sl_remote_recv(c->gather, &got[n], deadline)) == SL_OK) {
        sl_remote_msg *m = got[n++];
        t0 = add_time(c, &c->st.pump_wait_ns, t0);
        take_reply(c, m);
        t0 = add_time(c, &c->st.pump_decode_ns, t0);
        if (m->request) {
            pthread_mutex_lock(&c->lock);
            close_answered(c, m->request);
            pthread_mutex_unlock(&c->lock);
        }
        deadline = 0; /* the rest only if already here */
    }
    add_time(c, &c->st.pump_wait_ns, t0);
    int ack = n ? sl_remote_ack_many(c->gather, got, n) : SL_OK;
    for (size_t i = 0; i < n; i++)
        sl_remote_msg_free(got[i]);
    if (n == READ_AT_ONCE)
        rc = SL_TIMEDOUT; /* stopped for room, not for an error */
    if (rc == SL_TIMEDOUT && ack == SL_OK)
        return 0;
    note(c, "%s", sl_remote_error(c->gather));
    return -1;
}

/* ---- the pump: housekeeping ---- */

/* Batches done (by anyone) close; their entries, if still unread, are
 * taken back.  Unanswered ones past the resend time are sent again. */
static void tidy_batches(sl_cluster *c, int64_t now, int all)
{
    const char **gone = NULL;
    size_t ngone = 0, gone_cap = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t b = 0; b < c->nbatches; b++) {
        cbatch *cb = &c->batches[b];
        if (!cb->open)
            continue;
        size_t left = 0;
        for (uint32_t i = 0; i < cb->n; i++) {
            const cjob *x = &c->jobs[cb->jobs[i]];
            left += x->state == J_SENT && x->batch == (int32_t)b && !x->answered;
        }
        int stale = now - cb->sent_at >= c->cfg.resend_ns;
        if (left && !stale && !all)
            continue;
        if (left && !all) {
            c->st.resent++;
            send_again(c, b);
        }
        cb->open = 0;
        c->open_batches--;
        gone = grow(gone, &gone_cap, ngone + 1, sizeof *gone);
        gone[ngone++] = cb->id;
    }
    check_queue(c, "tidy_batches");
    int dead = c->remote_dead;
    pthread_mutex_unlock(&c->lock);
    /* batch ids are stable: only this thread adds batches, at the end */
    if (ngone && !dead)
        sl_remote_delete(c->work, gone, ngone);
    free(gone);
}

static void say_if_nobody(sl_cluster *c, int64_t now)
{
    if (c->last_reply || !c->first_send || now - c->first_send < c->cfg.note_ns || now < c->next_note)
        return;
    c->next_note = now + c->cfg.note_ns;
    if (c->nlocals)
        note(c, "no worker has answered in %.0f s: working here (start `sluice worker %s`)",
             (double)(now - c->first_send) / 1e9, c->cfg.url);
    else
        note(c, "no worker has answered in %.0f s: waiting (start `sluice worker %s`, or give -j N to work here)",
             (double)(now - c->first_send) / 1e9, c->cfg.url);
}

/* The queue is gone for good: everything sent comes back to be run here. */
static void lose_remote(sl_cluster *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->remote_dead) { /* the other pump thread saw it first */
        pthread_mutex_unlock(&c->lock);
        return;
    }
    note(c, "lost the queue: finishing here");
    c->remote_dead = 1;
    for (size_t j = 0; j < c->njobs; j++)
        if (c->jobs[j].state == J_SENT && !c->jobs[j].running)
            requeue_here(c, (uint32_t)j);
    pthread_mutex_unlock(&c->lock);
}

/* With no local threads, the pump is the one to run what must run here. */
static void run_here_only(sl_cluster *c)
{
    for (;;) {
        pthread_mutex_lock(&c->lock);
        q_skip_done(c);
        if (c->finished || !c->qlen || (!c->jobs[c->q[c->qhead]].here_only && !c->remote_dead)) {
            pthread_mutex_unlock(&c->lock);
            return;
        }
        uint32_t j = q_pop_front(c);
        c->jobs[j].state = J_TAKEN;
        pthread_mutex_unlock(&c->lock);
        run_here(c, c->cfg.threads, j, 0);
    }
}

/* Whether the sender has nothing to do: the window is full, or nothing
 * it may send is queued.  Caller holds the lock. */
static int nothing_to_send(const sl_cluster *c)
{
    if (c->open_batches >= c->cfg.window)
        return 1;
    size_t i = c->qhead, n = c->qlen;
    while (n && c->jobs[c->q[i]].state == J_DONE) { /* skipped when popped */
        i = (i + 1) % c->qcap;
        n--;
    }
    return !n || (c->jobs[c->q[i]].here_only && c->nlocals);
}

/* The sender: fills the window whenever there is room, and keeps house.
 * It never reads a reply: a send that waits on the server (a full queue,
 * a busy or far server) holds up no result and frees no window slot late. */
static void *pump_main(void *arg)
{
    sl_cluster *c = arg;
    int64_t next_tidy = sl_now() + 1000000000LL;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        int finished = c->finished, dead = c->remote_dead; /* the receiver may set it */
        pthread_mutex_unlock(&c->lock);
        if (finished)
            break;
        if (!c->nlocals)
            run_here_only(c);
        if (dead) {
            if (c->nlocals)
                break;
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
            continue;
        }
        int sent = send_some(c);
        if (sent < 0) {
            lose_remote(c);
            continue;
        }
        int64_t now = sl_now();
        say_if_nobody(c, now);
        if (now >= next_tidy) {
            tidy_batches(c, now, 0);
            next_tidy = now + 1000000000LL;
        }
        pthread_mutex_lock(&c->lock);
        if (!sent && !c->finished && nothing_to_send(c))
            wait_until(c, now + 100000000LL); /* a reply, a job, the end; or housekeeping */
        pthread_mutex_unlock(&c->lock);
    }
    tidy_batches(c, sl_now(), 1); /* take back whatever is still unread */
    return NULL;
}

/* The receiver: reads, checks and decodes the workers' replies as they
 * come, and frees their batches' window slots. */
static void *receive_main(void *arg)
{
    sl_cluster *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        int stop = c->finished || c->remote_dead;
        pthread_mutex_unlock(&c->lock);
        if (stop)
            break;
        if (read_replies(c, sl_deadline_in(100000000)) < 0)
            lose_remote(c);
    }
    return NULL;
}

/* ---- the collector ---- */

/* No result for a while: say what the run is waiting for. */
static void say_stalled(sl_cluster *c)
{
    size_t n[4] = {0}, running = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t j = 0; j < c->njobs; j++) {
        n[c->jobs[j].state]++;
        running += c->jobs[j].running;
    }
    size_t open = c->open_batches, qlen = c->qlen;
    pthread_mutex_unlock(&c->lock);
    note(c, "still waiting for %zu of %zu jobs: %zu queued (%zu in line), %zu out with workers (%zu batches), "
            "%zu being sent, %zu running here",
         c->njobs - n[J_DONE], c->njobs, n[J_QUEUED], qlen, n[J_SENT], open, n[J_TAKEN], running);
}

static void collect(sl_cluster *c)
{
    int64_t drawn = 0;
    uint64_t bytes = 0;
    pthread_mutex_lock(&c->lock);
    while (c->done < c->njobs) {
        pthread_mutex_unlock(&c->lock);
        item it;
        int rc;
        while ((rc = sl_chan_recv_until(c->results, &it, sl_deadline_in(10 * 1000000000LL))) == SL_TIMEDOUT)
            say_stalled(c);
        if (rc != SL_OK)
            return;
        pthread_mutex_lock(&c->lock);
        cjob *x = &c->jobs[it.job];
        if (x->state == J_DONE) {
            c->st.duplicates++;
            pthread_mutex_unlock(&c->lock);
            c->ops.drop(c->ctx, it.result);
            pthread_mutex_lock(&c->lock);
            continue;
        }
        x->state = J_DONE;
        check_queue(c, "collect");
        if (!x->running)
            forget_input(x);
        c->done++;
        c->st.jobs++;
        if (it.worker == FROM_HERE)
            c->st.here++;
        else {
            c->st.remote++;
            c->st.workers[it.worker].jobs++;
        }
        uint64_t id = x->id, size = x->size;
        bytes += size;
        pthread_cond_broadcast(&c->wake);
        pthread_mutex_unlock(&c->lock);
        c->ops.take(c->ctx, id, it.result, size);
        if (c->cfg.progress && sl_now() - drawn > 100000000) {
            drawn = sl_now();
            c->cfg.progress(c->cfg.progress_arg, c->done, c->njobs, bytes);
        }
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
}

/* ---- life cycle ---- */

static void defaults(sl_cluster_config *g)
{
    if (!g->batch_bytes)
        g->batch_bytes = 256 * 1024;
    if (!g->batch_jobs)
        g->batch_jobs = 64;
    if (!g->window)
        g->window = 32;
    if (g->lease_ns <= 0)
        g->lease_ns = 30 * 1000000000LL;
    if (g->resend_ns <= 0)
        g->resend_ns = 4 * g->lease_ns;
    if (g->note_ns <= 0)
        g->note_ns = 10 * 1000000000LL;
}

static void remote_note(void *arg, const char *line)
{
    sl_cluster *c = arg;
    note(c, "%s", line);
}

int sl_cluster_new(sl_cluster **out, const sl_cluster_ops *ops, void *ctx, const sl_cluster_config *cfg, char *err,
                   size_t errlen)
{
    *out = NULL;
    sl_cluster *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->ops = *ops;
    c->ctx = ctx;
    c->cfg = *cfg;
    defaults(&c->cfg);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (getrandom(c->run, sizeof c->run, 0) != (ssize_t)sizeof c->run) {
        int64_t t = sl_now();
        memcpy(c->run, &t, sizeof t);
    }
    sl_remote_opts o = {.lease_ns = c->cfg.lease_ns, .log = remote_note, .log_arg = c, .max_len = 1 << 20};
    int rc = sl_remote_open(&c->work, c->cfg.url, &o, err, errlen);
    if (rc == SL_OK)
        rc = sl_remote_gather_open(&c->gather, c->cfg.url, &o, err, errlen);
    c->results = sl_chan_new(sizeof(item), SL_UNBOUNDED);
    if (rc != SL_OK || !c->results) {
        if (rc == SL_OK)
            snprintf(err, errlen, "out of memory");
        sl_cluster_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int sl_cluster_run(sl_cluster *c)
{
    c->nlocals = c->cfg.threads;
    c->locals = calloc(c->nlocals ? c->nlocals : 1, sizeof *c->locals);
    if (!c->locals)
        return -1;
    unsigned started = 0;
    for (; started < c->nlocals; started++) {
        local_arg *a = malloc(sizeof *a);
        if (!a)
            break;
        *a = (local_arg){c, started};
        if (pthread_create(&c->locals[started], NULL, local_main, a) != 0) {
            free(a);
            break;
        }
    }
    c->nlocals = started;
    int pump = pthread_create(&c->pump, NULL, pump_main, c) == 0;
    int receiver = pump && pthread_create(&c->receiver, NULL, receive_main, c) == 0;
    if (receiver)
        collect(c);
    pthread_mutex_lock(&c->lock);
    c->finished = 1;
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
    sl_chan_close(c->results); /* late copies are dropped by whoever made them */
    if (receiver)
        pthread_join(c->receiver, NULL);
    if (pump)
        pthread_join(c->pump, NULL);
    for (unsigned i = 0; i < started; i++)
        pthread_join(c->locals[i], NULL);
    if (!receiver)
        return -1;
    item it;
    while (sl_chan_try_recv(c->results, &it) == SL_OK) {
        c->st.duplicates++;
        c->ops.drop(c->ctx, it.result);
    }
    if (c->cfg.progress)
        c->cfg.progress(c->cfg.progress_arg, c->done, c->njobs, 0);
    return 0;
}

void sl_cluster_free(sl_cluster *c)
{
    if (!c)
        return;
    sl_remote_close(c->gather);
    sl_remote_close(c->work);
    for (size_t j = 0; j < c->njobs; j++)
        free(c->jobs[j].in);
    for (size_t b = 0; b < c->nbatches; b++)
        free(c->batches[b].jobs);
    free(c->batches);
    free(c->jobs);
    free(c->q);
    free(c->sent);
    free(c->locals);
    sl_chan_free(c->results);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    free(c);
}

void sl_cluster_stats_read(sl_cluster *c, sl_cluster_stats *s)
{
    pthread_mutex_lock(&c->lock);
    *s = c->st;
    pthread_mutex_unlock(&c->lock);
    sl_remote_stats a, b;
    sl_remote_stats_read(c->work, &a);
    sl_remote_stats_read(c->gather, &b);
    s->round_trips = a.round_trips + b.round_trips;
}

void sl_cluster_share(sl_cluster *c, uint64_t *here, uint64_t *remote)
{
    pthread_mutex_lock(&c->lock);
    *here = c->st.here;
    *remote = c->st.remote;
    pthread_mutex_unlock(&c->lock);
}

void sl_cluster_share_note(sl_cluster *c, char *buf, size_t n)
{
    uint64_t here, remote;
    sl_cluster_share(c, &here, &remote);
    if (here + remote)
        snprintf(buf, n, "workers %.0f%%", 100.0 * (double)remote / (double)(here + remote));
    else if (n)
        buf[0] = 0;
}

void sl_cluster_stats_print(sl_cluster *c, FILE *out)
{
    sl_cluster_stats s;
    sl_cluster_stats_read(c, &s);
    double all = s.jobs ? (double)s.jobs : 1;
    fprintf(out, "%s: %llu jobs: %llu here (%.0f%%, %llu of them backups of sent jobs), %llu by workers (%.0f%%)\n",
            c->cfg.tool ? c->cfg.tool : "sluice", (unsigned long long)s.jobs, (unsigned long long)s.here,
            100.0 * (double)s.here / all, (unsigned long long)s.backups, (unsigned long long)s.remote,
            100.0 * (double)s.remote / all);
    for (size_t i = 0; i < s.nworkers; i++)
        fprintf(out, "  worker %s: %llu jobs (%.0f%%), %.2f s busy\n", s.workers[i].name,
                (unsigned long long)s.workers[i].jobs, 100.0 * (double)s.workers[i].jobs / all,
                (double)s.workers[i].busy_us / 1e6);
    fprintf(out,
            "  queue: %llu batches out (%.1f MB), %llu in (%.1f MB), %llu round trips; %llu resent, %llu reclaimed;"
            " dropped: %llu duplicate, %llu stale, %llu foreign, %llu malformed; %llu a worker could not run\n",
            (unsigned long long)s.batches_sent, (double)s.bytes_sent / 1e6, (unsigned long long)s.batches_in,
            (double)s.bytes_in / 1e6, (unsigned long long)s.round_trips, (unsigned long long)s.resent,
            (unsigned long long)s.reclaimed, (unsigned long long)s.duplicates, (unsigned long long)s.stale,
            (unsigned long long)s.foreign, (unsigned long long)s.malformed, (unsigned long long)s.failed_remote);
    fprintf(out, "  pump: %.2f s loading and encoding, %.2f s sending, %.2f s waiting for replies, %.2f s decoding\n",
            (double)s.pump_load_ns / 1e9, (double)s.pump_send_ns / 1e9, (double)s.pump_wait_ns / 1e9,
            (double)s.pump_decode_ns / 1e9);
}
