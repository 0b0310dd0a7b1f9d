/*
 * chan.c - channel throughput in the shapes of crossbeam-channel's suite.
 *
 * Each shape moves n 8-byte integers through one channel (four for the
 * select shapes) and reports wall time per message, from making the
 * channels to joining the last thread, as crossbeam and its Go peer time
 * it.  bench/peers/go/chan is the same program in Go, with the same shape
 * names and flags; scripts/bench-peers.sh runs the two side by side.
 *
 *   chan [-n MESSAGES] [-r REPS] [--tsv] [--tasks] [SHAPE-PATTERN...]
 *
 * With --tasks every side is a lightweight task (sl_go) on a pool of one
 * worker per CPU, the main side included, as every side of the Go peer is
 * a goroutine; the shapes are then named task_<shape>.  The main thread
 * only waits (on a channel, so it does not help run tasks).
 *
 * Receivers add up what they get and the run is checked against what was
 * sent, so a channel that loses or duplicates a value fails the benchmark
 * instead of producing a figure.
 */
#include <sluice/chan.h>
#include <sluice/task.h>

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "median.h"

enum { THREADS = 4 }; /* producers, consumers and select channels */

typedef uint64_t msg; /* crossbeam sends a usize */

/* One run of one shape, shared by all its threads. */
struct run {
    sl_chan *ch[THREADS];
    size_t nch;
    _Atomic uint64_t received_sum;
    _Atomic uint64_t received_count;
};

typedef void *(*worker_fn)(void *);

struct worker {
    struct run *run;
    size_t idx;   /* which thread of its side: picks its channel in select_rx */
    size_t count; /* messages this thread sends or receives */
    worker_fn fn;
    pthread_t tid;
};

/* --tasks: the pool the sides run on, and the group of one run's sides. */
static sl_pool *task_pool;
static sl_group *task_group;

static int worker_task(void *arg)
{
    struct worker *w = arg;
    w->fn(w);
    return 0;
}

static void die_op(const char *op, int rc)
{
    fprintf(stderr, "chan: %s returned %d, expected SL_OK\n", op, rc);
    exit(1);
}

/* Senders send 1..count, so the values received add up to a known sum. */
static void *send_one(void *arg)
{
    struct worker *w = arg;
    sl_chan *c = w->run->ch[w->idx % w->run->nch];
    for (msg v = 1; v <= w->count; v++) {
        int rc = sl_chan_send(c, &v);
        if (rc != SL_OK)
            die_op("sl_chan_send", rc);
    }
    return NULL;
}

static void *send_any(void *arg)
{
    struct worker *w = arg;
    msg v;
    sl_case cases[THREADS];
    for (size_t k = 0; k < w->run->nch; k++)
        cases[k] = (sl_case){w->run->ch[k], SL_SEND, &v, 0};
    for (v = 1; v <= w->count; v++) {
        int i = sl_select(cases, w->run->nch, SL_FOREVER);
        if (i < 0 || cases[i].status != SL_OK)
            die_op("sl_select (send)", i < 0 ? i : cases[i].status);
    }
    return NULL;
}

static void tally(struct run *r, uint64_t sum, uint64_t count)
{
    atomic_fetch_add_explicit(&r->received_sum, sum, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->received_count, count, memory_order_relaxed);
}

static void *recv_one(void *arg)
{
    struct worker *w = arg;
    sl_chan *c = w->run->ch[0];
    uint64_t sum = 0;
    for (size_t i = 0; i < w->count; i++) {
        msg v;
        int rc = sl_chan_recv(c, &v);
        if (rc != SL_OK)
            die_op("sl_chan_recv", rc);
        sum += v;
    }
    tally(w->run, sum, w->count);
    return NULL;
}

static void *recv_any(void *arg)
{
    struct worker *w = arg;
    msg got[THREADS];
    sl_case cases[THREADS];
    for (size_t k = 0; k < w->run->nch; k++)
        cases[k] = (sl_case){w->run->ch[k], SL_RECV, &got[k], 0};
    uint64_t sum = 0;
    for (size_t i = 0; i < w->count; i++) {
        int k = sl_select(cases, w->run->nch, SL_FOREVER);
        if (k < 0 || cases[k].status != SL_OK)
            die_op("sl_select (recv)", k < 0 ? k : cases[k].status);
        sum += got[k];
    }
    tally(w->run, sum, w->count);
    return NULL;
}

/*
 * A shape: how many channels, how many sending and receiving threads, and
 * what each does.  0 receivers means the main thread receives all n (as
 * crossbeam's spsc, mpsc and select_rx do); 0 senders means the main thread
 * sends all n first and then receives them (seq).
 */
struct shape {
    const char *name;
    size_t nch;
    size_t senders;
    worker_fn send;
    size_t receivers;
    worker_fn recv;
};

static const struct shape shapes[] = {
    {"seq", 1, 0, send_one, 0, recv_one},
    {"spsc", 1, 1, send_one, 0, recv_one},
    {"mpsc", 1, THREADS, send_one, 0, recv_one},
    {"mpmc", 1, THREADS, send_one, THREADS, recv_one},
    {"select_rx", THREADS, THREADS, send_one, 0, recv_any},
    {"select_both", THREADS, THREADS, send_any, THREADS, recv_any},
};

enum { CAP_N = -2, CAP_UNBOUNDED = -1 };

static const struct capacity {
    const char *prefix;
    long cap; /* CAP_N: as many as there are messages */
} capacities[] = {
    {"bounded0", 0},
    {"bounded1", 1},
    {"boundedN", CAP_N},
    {"unbounded", CAP_UNBOUNDED},
};

/* seq sends everything before receiving anything: it needs room for all
 * n messages, so it exists only for boundedN and unbounded, as in crossbeam. */
static int shape_exists(const struct shape *s, const struct capacity *c)
{
    return s->senders > 0 || c->cap < 0;
}

/* Thread t's part of n when n is split among k threads. */
static size_t share(size_t n, size_t k, size_t t)
{
    return n / k + (t < n % k);
}

static size_t spawn_side(struct run *r, struct worker *ws, size_t k, worker_fn fn, size_t n)
{
    for (size_t t = 0; t < k; t++) {
        ws[t] = (struct worker){.run = r, .idx = t, .count = share(n, k, t), .fn = fn};
        if (task_pool) {
            if (sl_group_go(task_group, worker_task, &ws[t]) != SL_OK) {
                fprintf(stderr, "chan: sl_group_go failed\n");
                exit(1);
            }
            continue;
        }
        int rc = pthread_create(&ws[t].tid, NULL, fn, &ws[t]);
        if (rc != 0) {
            fprintf(stderr, "chan: pthread_create: %s\n", strerror(rc));
            exit(1);
        }
    }
    return k;
}

static void join_side(struct worker *ws, size_t k)
{
    if (task_pool) {
        if (k)
            sl_group_wait(task_group);
        return;
    }
    for (size_t t = 0; t < k; t++)
        pthread_join(ws[t].tid, NULL);
}

static uint64_t expected_sum(const struct shape *s, size_t n)
{
    size_t k = s->senders ? s->senders : 1;
    uint64_t sum = 0;
    for (size_t t = 0; t < k; t++) {
        uint64_t c = share(n, k, t);
        sum += c * (c + 1) / 2;
    }
    return sum;
}

/* Runs one shape once; returns nanoseconds per message. */
static double run_once(const struct shape *s, const struct capacity *c, size_t n)
{
    size_t cap = c->cap == CAP_N ? n : c->cap == CAP_UNBOUNDED ? SL_UNBOUNDED : (size_t)c->cap;
    struct run r = {.nch = s->nch};
    struct worker senders[THREADS], receivers[THREADS];
    struct worker main_side = {.run = &r, .idx = 0, .count = n};

    int64_t t0 = sl_now();
    for (size_t k = 0; k < s->nch; k++) {
        r.ch[k] = sl_chan_new(sizeof(msg), cap);
        if (!r.ch[k]) {
            fprintf(stderr, "chan: sl_chan_new(%zu, %zu) failed\n", sizeof(msg), cap);
            exit(1);
        }
    }
    if (s->senders == 0)
        s->send(&main_side);
    size_t ns = spawn_side(&r, senders, s->senders, s->send, n);
    size_t nr = spawn_side(&r, receivers, s->receivers, s->recv, n);
    if (s->receivers == 0)
        s->recv(&main_side);
    join_side(senders, ns);
    join_side(receivers, nr);
    int64_t t1 = sl_now();

    for (size_t k = 0; k < s->nch; k++)
        sl_chan_free(r.ch[k]);
    uint64_t got = atomic_load(&r.received_count), sum = atomic_load(&r.received_sum);
    if (got != n || sum != expected_sum(s, n)) {
        fprintf(stderr, "chan: %s_%s: received %" PRIu64 " values adding up to %" PRIu64
                        ", sent %zu adding up to %" PRIu64 "\n",
                c->prefix, s->name, got, sum, n, expected_sum(s, n));
        exit(1);
    }
    return (double)(t1 - t0) / (double)n;
}

/* --tasks: run_once itself runs as a task, as Go's main goroutine would. */
struct task_run {
    const struct shape *s;
    const struct capacity *c;
    size_t n;
    double ns;
    sl_chan *done;
};

static int run_once_task(void *arg)
{
    struct task_run *t = arg;
    t->ns = run_once(t->s, t->c, t->n);
    sl_chan_send(t->done, NULL);
    return 0;
}

static double run_once_in_task(const struct shape *s, const struct capacity *c, size_t n)
{
    struct task_run t = {s, c, n, 0, sl_chan_new(0, 1)};
    if (!t.done || sl_go(task_pool, run_once_task, &t) != SL_OK) {
        fprintf(stderr, "chan: cannot start a task\n");
        exit(1);
    }
    sl_chan_recv(t.done, NULL);
    sl_chan_free(t.done);
    return t.ns;
}

struct options {
    size_t n;
    size_t reps;
    int tsv;
    int tasks;
    char **patterns;
    int npatterns;
};

/* Whether `name` is one of the shapes asked for; marks the patterns it
 * matches so that one matching nothing can be reported. */
static int selected(const struct options *o, const char *name, char *used)
{
    int hit = o->npatterns == 0;
    for (int i = 0; i < o->npatterns; i++)
        if (fnmatch(o->patterns[i], name, 0) == 0)
            hit = used[i] = 1;
    return hit;
}

/* Runs one shape reps times and prints the median. */
static void bench_shape(const struct options *o, const char *name, const struct shape *s,
                        const struct capacity *c)
{
    double t[64];
    for (size_t i = 0; i < o->reps; i++)
        t[i] = task_pool ? run_once_in_task(s, c, o->n) : run_once(s, c, o->n);
    double med = sl_bench_median(t, o->reps); /* sorts t: t[0] is the fastest run */
    if (o->tsv)
        printf("%s\t%.1f\n", name, med);
    else
        printf("%-24s %10.1f %10.1f %10.1f\n", name, med, t[0], t[o->reps - 1]);
    fflush(stdout);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: chan [-n MESSAGES] [-r REPS] [--tsv] [--tasks] [SHAPE-PATTERN...]\n"
               "  -n MESSAGES  messages per run (default 1000000)\n"
               "  -r REPS      runs per shape, the median is reported (default 3, at most 64)\n"
               "  --tsv        print SHAPE<TAB>NS_PER_MSG lines only\n"
               "  --tasks      every side a task on a pool of one worker per CPU;\n"
               "               shapes are then named task_<shape>\n"
               "  SHAPE-PATTERN  run only the shapes matching these glob patterns\n"
               "                 (e.g. bounded1_mpmc, 'unbounded_*')\n"
               "shapes: {bounded0,bounded1,boundedN,unbounded}_"
               "{seq,spsc,mpsc,mpmc,select_rx,select_both}\n"
               "        (no bounded0_seq or bounded1_seq: seq needs room for every message)\n");
}

static size_t parse_count(const char *flag, const char *arg, size_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = arg ? strtoull(arg, &end, 10) : 0;
    if (!arg || errno || *end || arg[0] == '-' || v == 0 || v > max) {
        fprintf(stderr, "chan: %s wants a whole number from 1 to %zu, got '%s'\n", flag, max,
                arg ? arg : "");
        exit(2);
    }
    return (size_t)v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){.n = 1000000, .reps = 3};
    o->patterns = calloc((size_t)argc, sizeof *o->patterns);
    if (!o->patterns)
        exit(1);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-n") == 0) {
            o->n = parse_count("-n", val, SIZE_MAX / 4);
            i++;
        } else if (strcmp(a, "-r") == 0) {
            o->reps = parse_count("-r", val, 64);
            i++;
        } else if (strcmp(a, "--tsv") == 0)
            o->tsv = 1;
        else if (strcmp(a, "--tasks") == 0)
            o->tasks = 1;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (a[0] == '-') {
            fprintf(stderr, "chan: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        } else
            o->patterns[o->npatterns++] = argv[i];
    }
}

typedef void (*shape_visit)(const struct options *o, const char *name, const struct shape *s,
                            const struct capacity *c);

/* Calls visit (when not NULL) on every selected shape, in table order;
 * returns 0, or 2 after a message when a pattern matches no shape. */
static int each_shape(const struct options *o, shape_visit visit)
{
    char name[64];
    char *used = calloc((size_t)o->npatterns + 1, 1);
    if (!used)
        exit(1);
    for (size_t ci = 0; ci < sizeof capacities / sizeof capacities[0]; ci++) {
        for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
            const struct shape *s = &shapes[si];
            const struct capacity *c = &capacities[ci];
            snprintf(name, sizeof name, "%s%s_%s", o->tasks ? "task_" : "", c->prefix, s->name);
            if (shape_exists(s, c) && selected(o, name, used) && visit)
                visit(o, name, s, c);
        }
    }
    int rc = 0;
    for (int i = 0; i < o->npatterns; i++) {
        if (!used[i]) {
            fprintf(stderr, "chan: no shape matches '%s'\n", o->patterns[i]);
            rc = 2;
        }
    }
    free(used);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o;
    parse_args(argc, argv, &o);
    if (each_shape(&o, NULL) != 0) {
        usage(stderr);
        return 2;
    }
    if (o.tasks) {
        task_pool = sl_pool_new(0);
        task_group = task_pool ? sl_group_new(task_pool) : NULL;
        if (!task_group) {
            fprintf(stderr, "chan: cannot create the task pool\n");
            return 1;
        }
    }
    if (!o.tsv)
        printf("%-24s %10s %10s %10s   (n=%zu, median of %zu)\n", "shape", "ns/msg", "min", "max",
               o.n, o.reps);
    each_shape(&o, bench_shape);
    if (task_pool) {
        sl_group_free(task_group);
        sl_pool_free(task_pool);
    }
    free(o.patterns);
    return 0;
}
