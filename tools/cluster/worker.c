/*
 * worker.c - `sluice worker redis://HOST:PORT/NAME [-j THREADS]`: serves
 * jobs of any tool from the queue until told to stop.
 *
 * The one idea: a job batch is acknowledged in the same round trip that
 * sends its results (sl_remote_reply), and never before, so a worker that
 * dies at any moment leaves its batch pending for another worker to
 * reclaim, and a worker that lives never loses one.  The bridge thread
 * reads up to two batches a thread ahead; the serving threads run them
 * and hand the results to one replier thread, which sends and
 * acknowledges while they run the next (so neither a read nor a reply
 * round trip leaves a thread idle).  SIGTERM stops the reading, lets every
 * thread finish and answer the batch in its hands and those already read,
 * and only then exits.  A message that is
 * not a job batch is refused (logged, acknowledged away) and the worker
 * goes on: nothing on the queue can crash it.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "sluice/remote.h"
#include "sluice/sluice.h"

typedef struct worker {
    sl_remote *q;
    sl_chan *in;
    const sl_cluster_kind *const *kinds;
    size_t nkinds;
    int verbose, quiet;
    int64_t delay_ns; /* tests: SLUICE_WORKER_TEST_DELAY_MS before each job */
    size_t max_msg;   /* the queue's message limit: a result batch over it is not sent */
    atomic_int fatal, running;
    atomic_uint_fast64_t batches, jobs, failed, refused, gone, bytes_in, bytes_out;
    sl_chan *replies; /* of reply: results on their way, to the replier thread */
    /* time: serving threads waiting for a batch, running one, handing its
     * results on; the replier sending them */
    atomic_uint_fast64_t idle_ns, run_ns, handoff_ns, reply_ns;
} worker;

typedef struct reply {
    sl_remote_msg *m;     /* the batch, held (not acknowledged) until replied */
    sl_cluster_buf res;   /* its results */
} reply;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&log_lock);
    fputs("sluice worker: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
    va_end(ap);
}

static void remote_log(void *arg, const char *line)
{
    (void)arg;
    say("%s", line);
}

static void usage(FILE *o)
{
    fprintf(o, "usage: sluice worker redis://[user:password@]HOST[:PORT]/NAME [-j THREADS] [--lease SECONDS] [-q | -v]\n"
               "\n"
               "Serves jobs that `sluice graph --workers URL` and `sluice md --workers URL` send,\n"
               "until SIGTERM or SIGINT (then it finishes and answers the jobs in hand, and exits).\n"
               "The password may also come from REDISCLI_AUTH.\n"
               "\n"
               "  -j, --threads N    jobs run at once (default: one per CPU)\n"
               "      --lease S      a job batch unanswered this long is taken over by other workers (default 30)\n"
               "  -q, --quiet        no summary at exit\n"
               "  -v, --verbose      a line per batch\n");
}

/* The index of the kind called `kind`, or -1. */
static long find_kind(const worker *w, const char *kind)
{
    for (size_t i = 0; i < w->nkinds; i++)
        if (!strcmp(w->kinds[i]->kind, kind))
            return (long)i;
    return -1;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* One job: its result, or why there is none, into x (data in out). */
static void run_job(worker *w, const sl_cluster_kind *k, void **state, const sl_cluster_job *j, sl_cluster_buf *out,
                    sl_cluster_result *x)
{
    char err[512] = "";
    x->seq = j->seq;
    sl_cluster_hash(j->data, j->len, x->hash);
    if (w->delay_ns)
        sleep_ns(w->delay_ns);
    int64_t t0 = sl_now();
    out->len = 0;
    out->failed = 0;
    if (memcmp(x->hash, j->hash, SL_CLUSTER_HASH)) {
        x->status = SL_CLUSTER_FAILED;
        snprintf(err, sizeof err, "the input does not match its hash");
    } else if (k->run(state, j->data, j->len, out, err, sizeof err) != 0 || out->failed) {
        x->status = SL_CLUSTER_FAILED;
        if (!err[0])
            snprintf(err, sizeof err, "out of memory");
    } else
        x->status = SL_CLUSTER_OK;
    x->busy_us = (uint32_t)((sl_now() - t0) / 1000);
    if (x->status != SL_CLUSTER_OK) {
        out->len = 0;
        out->failed = 0;
        sl_cluster_buf_put(out, err, strlen(err));
        atomic_fetch_add(&w->failed, 1);
    }
    x->data = out->data;
    x->len = (uint32_t)out->len;
}

/* Answers every job of a batch with one status and message, unrun: the
 * coordinator runs each such job itself. */
static void answer_all(worker *w, const sl_remote_msg *m, const sl_cluster_jobs *jobs, uint8_t status,
                       const char *why, sl_cluster_buf *res)
{
    sl_cluster_results_begin(res, jobs->run, sl_remote_consumer(w->q));
    for (uint32_t i = 0; i < jobs->n; i++) {
        sl_cluster_result x = {.seq = jobs->jobs[i].seq, .status = status,
                               .flags = m->reclaimed ? SL_CLUSTER_RECLAIMED : 0,
                               .data = (const unsigned char *)why, .len = (uint32_t)strlen(why)};
        memcpy(x.hash, jobs->jobs[i].hash, SL_CLUSTER_HASH);
        sl_cluster_results_add(res, &x);
    }
    sl_cluster_results_end(res, jobs->wire);
}

/* Runs a whole batch (or answers that this worker cannot) into res. */
static void run_batch(worker *w, const sl_remote_msg *m, const sl_cluster_jobs *jobs, void **states,
                      sl_cluster_buf *res)
{
    long k = find_kind(w, jobs->kind);
    if (k < 0 || strcmp(jobs->version, SLUICE_VERSION)) {
        char why[256];
        snprintf(why, sizeof why, "this worker (sluice %s) does not run %s jobs of sluice %s", SLUICE_VERSION,
                 jobs->kind, jobs->version);
        answer_all(w, m, jobs, SL_CLUSTER_UNSUPPORTED, why, res);
        return;
    }
    sl_cluster_buf out = {0};
    uint32_t ok = 0; /* jobs that ran: the ones that failed are counted already */
    sl_cluster_results_begin(res, jobs->run, sl_remote_consumer(w->q));
    for (uint32_t i = 0; i < jobs->n; i++) {
        sl_cluster_result x = {0};
        run_job(w, w->kinds[k], &states[k], &jobs->jobs[i], &out, &x);
        ok += x.status == SL_CLUSTER_OK;
        x.flags = m->reclaimed ? SL_CLUSTER_RECLAIMED : 0;
        sl_cluster_results_add(res, &x);
    }
    sl_cluster_results_end(res, jobs->wire); /* answered in the version asked */
    sl_cluster_buf_free(&out);
    if (!res->failed && res->len > w->max_msg) {
        /* The queue would refuse this reply (and, sent with others, theirs
         * too): the jobs fail here instead, so the coordinator runs them,
         * and the worker goes on serving. */
        char why[256];
        snprintf(why, sizeof why, "the batch's results (%zu bytes) are over the queue's message limit of %zu bytes",
                 res->len, w->max_msg);
        say("batch %s: %s; its jobs are left to the coordinator", m->id, why);
        sl_cluster_buf_free(res);
        *res = (sl_cluster_buf){0};
        answer_all(w, m, jobs, SL_CLUSTER_FAILED, why, res);
        atomic_fetch_add(&w->failed, ok);
    }
}

static void refuse(worker *w, const sl_remote_msg *m, const char *why)
{
    atomic_fetch_add(&w->refused, 1);
    say("refused entry %s: %s", m->id, why);
    if (sl_remote_ack(w->q, m) != SL_OK)
        say("%s", sl_remote_error(w->q));
}

/* What one thread last learnt about a coordinator's reply stream. */
typedef struct alive_memo {
    char key[256];
    int64_t until;
} alive_memo;

/* Whether the coordinator that sent m is still there: asked of the server
 * at most once a second per coordinator (per thread), not per batch. */
static int coordinator_alive(worker *w, const sl_remote_msg *m, alive_memo *memo)
{
    if (!strcmp(memo->key, m->reply_to) && sl_now() < memo->until)
        return 1;
    int alive = sl_remote_gatherer_alive(w->q, m);
    if (alive == 1) {
        snprintf(memo->key, sizeof memo->key, "%s", m->reply_to);
        memo->until = sl_now() + 1000000000LL;
    }
    return alive;
}

/* Serves one batch: 1 when m went to the replier (which frees it), 0 when
 * the caller still owns it. */
static int serve_one(worker *w, sl_remote_msg *m, void **states, alive_memo *alive_memo)
{
    char err[256];
    sl_cluster_jobs jobs;
    if (!m->reply_to) {
        refuse(w, m, "a job batch without a reply address");
        return 0;
    }
    if (sl_cluster_jobs_decode(m->data, m->len, &jobs, err, sizeof err) != 0) {
        refuse(w, m, err);
        return 0;
    }
    int alive = coordinator_alive(w, m, alive_memo);
    if (alive == 0) { /* its coordinator is gone: nobody would read the results */
        atomic_fetch_add(&w->gone, 1);
        if (w->verbose)
            say("skipped batch %s: its coordinator is gone", m->id);
        sl_remote_ack(w->q, m);
        sl_cluster_jobs_free(&jobs);
        return 0;
    }
    if (w->verbose)
        say("took batch %s: %u %s jobs%s", m->id, jobs.n, jobs.kind, m->reclaimed ? " (reclaimed)" : "");
    sl_cluster_buf res = {0};
    int64_t t0 = sl_now();
    run_batch(w, m, &jobs, states, &res);
    int64_t t1 = sl_now();
    atomic_fetch_add(&w->run_ns, (uint64_t)(t1 - t0));
    atomic_fetch_add(&w->batches, 1);
    atomic_fetch_add(&w->jobs, jobs.n);
    atomic_fetch_add(&w->bytes_in, m->len);
    sl_cluster_jobs_free(&jobs);
    if (res.failed) {
        say("batch %s: out of memory for its results; left for another worker", m->id);
        sl_cluster_buf_free(&res);
        return 0;
    }
    reply rp = {m, res};
    if (sl_chan_send(w->replies, &rp) != SL_OK) { /* cannot happen: closed only after every serve ends */
        sl_cluster_buf_free(&res);
        return 0;
    }
    atomic_fetch_add(&w->handoff_ns, (uint64_t)(sl_now() - t1));
    return 1;
}

/* The replier: sends the results of every batch that is ready and
 * acknowledges those batches in one round trip, while the serving threads
 * already run the next ones.  When a round trip is slower than a batch
 * (a loaded server), the batches waiting for it go together in the next,
 * so replying never holds the serving threads up for long.  A batch is
 * still acknowledged only once its results are on the reply stream: what
 * the replier has not sent when the worker dies is pending, and reclaimed
 * by another worker after the lease. */
#define REPLY_AT_ONCE 16

static void send_replies(worker *w, reply *rp, size_t n)
{
    if (atomic_load(&w->fatal))
        return; /* the server is gone for good: left pending, for another worker */
    sl_remote_msg *reqs[REPLY_AT_ONCE];
    sl_remote_buf bufs[REPLY_AT_ONCE];
    int rcs[REPLY_AT_ONCE];
    for (size_t i = 0; i < n; i++) {
        reqs[i] = rp[i].m;
        bufs[i] = (sl_remote_buf){rp[i].res.data, rp[i].res.len, ""};
    }
    int64_t t0 = sl_now();
    int rc = sl_remote_reply_many(w->q, reqs, bufs, n, rcs);
    atomic_fetch_add(&w->reply_ns, (uint64_t)(sl_now() - t0));
    if (rc != SL_OK) {
        say("%s", sl_remote_error(w->q));
        atomic_store(&w->fatal, 1);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (rcs[i] == SL_OK)
            atomic_fetch_add(&w->bytes_out, rp[i].res.len);
        else if (rcs[i] == SL_CLOSED) {
            atomic_fetch_add(&w->gone, 1);
            if (w->verbose)
                say("batch %s: its coordinator left before the results came", rp[i].m->id);
        } else
            say("%s", sl_remote_error(w->q));
    }
}

static void *replier(void *arg)
{
    worker *w = arg;
    reply rp[REPLY_AT_ONCE];
    while (sl_chan_recv(w->replies, &rp[0]) == SL_OK) {
        size_t n = 1;
        while (n < REPLY_AT_ONCE && sl_chan_try_recv(w->replies, &rp[n]) == SL_OK)
            n++;
        send_replies(w, rp, n);
        for (size_t i = 0; i < n; i++) {
            sl_remote_msg_free(rp[i].m);
            sl_cluster_buf_free(&rp[i].res);
        }
    }
    return NULL;
}

static void *serve(void *arg)
{
    worker *w = arg;
    void **states = calloc(w->nkinds ? w->nkinds : 1, sizeof *states);
    alive_memo memo = {"", 0};
    sl_remote_msg *m;
    int64_t t0 = sl_now();
    while (states && !atomic_load(&w->fatal) && sl_chan_recv(w->in, &m) == SL_OK) {
        atomic_fetch_add(&w->idle_ns, (uint64_t)(sl_now() - t0));
        if (!serve_one(w, m, states, &memo))
            sl_remote_msg_free(m);
        t0 = sl_now();
    }
    for (size_t i = 0; states && i < w->nkinds; i++)
        if (states[i] && w->kinds[i]->state_free)
            w->kinds[i]->state_free(states[i]);
    free(states);
    atomic_fetch_sub(&w->running, 1);
    return NULL;
}

static int parse_args(int argc, char **argv, const char **url, long *threads, double *lease, int *quiet,
                      int *verbose)
{
    static const struct option opts[] = {{"threads", required_argument, 0, 'j'}, {"lease", required_argument, 0, 'L'},
                                         {"quiet", no_argument, 0, 'q'},        {"verbose", no_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:qvh", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            *threads = strtol(optarg, &end, 10);
            if (*end || *threads < 1 || *threads > 1024) {
                fprintf(stderr, "sluice worker: -j wants a thread count from 1 to 1024, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'L':
            *lease = strtod(optarg, &end);
            if (*end || !(*lease >= 0.05 && *lease <= 86400)) {
                fprintf(stderr, "sluice worker: --lease wants seconds from 0.05 to 86400, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'q': *quiet = 1; break;
        case 'v': *verbose = 1; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "sluice worker: give one queue URL\n");
        usage(stderr);
        return 2;
    }
    *url = argv[optind];
    return 0;
}

/* Waits for SIGTERM/SIGINT/SIGHUP, or for every serving thread to end. */
static int wait_for_stop(worker *w, const sigset_t *set)
{
    struct timespec slice = {0, 200000000};
    while (atomic_load(&w->running) > 0 && !atomic_load(&w->fatal)) {
        int sig = sigtimedwait(set, NULL, &slice);
        if (sig > 0)
            return sig;
    }
    return 0;
}

/* Opens the queue, waiting for a server that is not there yet (a worker
 * is started and left running; its server may start later or be
 * restarting): retries with backoff until it answers or a signal comes.
 * A bad URL or refused credentials end it at once. */
static int open_queue(worker *w, const char *url, const sl_remote_opts *o, const sigset_t *set)
{
    char err[512];
    int64_t wait = 100000000;
    for (int tries = 0;; tries++) {
        int rc = sl_remote_open(&w->q, url, o, err, sizeof err);
        if (rc == SL_OK)
            return 0;
        if (rc != SL_REMOTE_ECONN) {
            fprintf(stderr, "sluice worker: %s\n", err);
            return -1;
        }
        if (tries == 0)
            say("%s; waiting for it", err);
        struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        if (sigtimedwait(set, NULL, &ts) > 0)
            return -1;
        if (wait < 5000000000LL)
            wait *= 2;
    }
}

static void summary(const worker *w)
{
    say("%llu jobs in %llu batches (%.1f MB in, %.1f MB out), %llu failed, %llu refused, %llu for coordinators gone",
        (unsigned long long)w->jobs, (unsigned long long)w->batches, (double)w->bytes_in / 1e6,
        (double)w->bytes_out / 1e6, (unsigned long long)w->failed, (unsigned long long)w->refused,
        (unsigned long long)w->gone);
    say("time: %.2f s running jobs, %.2f s waiting for batches, %.2f s handing results on; %.2f s replying",
        (double)w->run_ns / 1e9, (double)w->idle_ns / 1e9, (double)w->handoff_ns / 1e9, (double)w->reply_ns / 1e9);
}

int sl_cluster_worker_main(int argc, char **argv, const sl_cluster_kind *const *kinds, size_t nkinds)
{
    const char *url = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    double lease = 30;
    int quiet = 0, verbose = 0;
    int rc = parse_args(argc, argv, &url, &threads, &lease, &quiet, &verbose);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (threads < 1)
        threads = 1;
    worker w = {.kinds = kinds, .nkinds = nkinds, .verbose = verbose, .quiet = quiet};
    const char *delay = getenv("SLUICE_WORKER_TEST_DELAY_MS");
    w.delay_ns = delay ? atoll(delay) * 1000000LL : 0;
    /* tests: a lower limit for the results only, so that small batches hit it */
    const char *max_msg = getenv("SLUICE_WORKER_TEST_MAX_MSG");
    w.max_msg = max_msg && atoll(max_msg) > 0 ? (size_t)atoll(max_msg) : SL_CLUSTER_MAX_MSG;
    /* Signals are taken by the main thread alone, with sigtimedwait: the
     * threads started below inherit the blocked mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* Two batches a thread read ahead: the next is here when a thread
     * finishes one, however slow the server is to answer a read. */
    sl_remote_opts o = {.batch = 2 * (size_t)threads, .lease_ns = (int64_t)(lease * 1e9), .give_up_ns = SL_FOREVER,
                        .max_msg = SL_CLUSTER_MAX_MSG, .log = remote_log};
    if (open_queue(&w, url, &o, &set) != 0)
        return 2;
    w.in = sl_remote_chan(w.q);
    w.replies = sl_chan_new(sizeof(reply), 2 * (size_t)threads);
    pthread_t rep, *t = calloc((size_t)threads, sizeof *t);
    long started = 0;
    if (w.in && w.replies && t && pthread_create(&rep, NULL, replier, &w) == 0) {
        atomic_store(&w.running, (int)threads);
        for (; started < threads; started++)
            if (pthread_create(&t[started], NULL, serve, &w) != 0)
                break;
        atomic_fetch_sub(&w.running, (int)(threads - started));
        if (!started) {
            sl_chan_close(w.replies);
            pthread_join(rep, NULL);
        }
    }
    if (!started) {
        fprintf(stderr, "sluice worker: could not start threads\n");
        free(t);
        sl_chan_free(w.replies);
        sl_remote_close(w.q);
        return 2;
    }
    if (verbose)
        say("serving %s as %s on %ld threads", url, sl_remote_consumer(w.q), started);
    int sig = wait_for_stop(&w, &set);
    if (sig && !quiet)
        say("%s: finishing the jobs in hand", strsignal(sig));
    sl_remote_chan_stop(w.q);
    for (long i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    sl_chan_close(w.replies); /* the replier sends what it has, then ends */
    pthread_join(rep, NULL);
    sl_chan_free(w.replies);
    free(t);
    int status = 0;
    if (!sig) { /* the threads ended by themselves: the bridge or a reply failed for good */
        say("stopped: %s", sl_remote_error(w.q));
        status = 1;
    }
    if (!quiet)
        summary(&w);
    sl_remote_close(w.q);
    return status;
}
