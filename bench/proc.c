/*
 * proc.c - benchmark of worker processes over shared-memory rings
 * (sl_proc_pool), side by side in one run with the same work done through
 * in-process sl_chan (a worker thread) and through a socketpair (a worker
 * process), and the time a crashed worker takes to be replaced.
 *
 *   proc [-r REPS] [-n MESSAGES] [-t TRANSPORT] [--tsv] [--curve MAX_WORKERS]
 *        [--md SLUICE CORPUS PAGES] [SHAPE...]
 *
 *   rt64       one 64-byte message to the worker and back at a time (us)
 *   tp64       64-byte messages to the worker and back, many in flight:
 *              one thread sends, the main thread receives (ns per message)
 *   tp1m       1 MiB messages to the worker, 8 bytes back (GB/s)
 *   tp1m_read  the same, the worker reading every byte it got (GB/s)
 *   restart    kill -9 a worker, until its replacement serves (ms): as
 *              the caller sees it, and as the pool measured it (death
 *              noticed to replacement serving); restart_spare: the same
 *              with a warm spare (cfg.spares = 1), whose process takes
 *              the dead one's place
 *   curve      with --curve N: tasks of ~200 us of hashing each, through
 *              1..N workers (tasks/s and the speed-up over one worker)
 *   md_j2      with --md SLUICE CORPUS PAGES: `sluice md -j2 -o OUT CORPUS`
 *              and the same with --isolate, taking turns (pages/s, and
 *              the ratio); build/bench/md_isolate assembles the corpus
 *              and runs this
 *
 * Each worker is one worker: one process (proc, socketpair) or one thread
 * (sl_chan).  A socketpair message is one write and one read (64-byte
 * messages on SOCK_SEQPACKET, 1 MiB on SOCK_STREAM).  -t runs only one
 * transport (proc, sl_chan or socketpair).  Every figure is the
 * median of REPS runs; the replies are checked, so a transport that loses
 * or garbles a message fails instead of producing a figure.  --tsv prints
 * NAME<TAB>TRANSPORT<TAB>VALUE<TAB>UNIT lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "median.h"
#include "sluice/chan.h"
#include "sluice/proc.h"

extern char **environ;

enum { SMALL = 64, BIG = 1 << 20, DEPTH_SMALL = 64, DEPTH_BIG = 4, HASH_ROUNDS = 20000 };

static void die(const char *what)
{
    fprintf(stderr, "proc: %s\n", what);
    exit(1);
}

/* ---- what the workers do, the same for every transport -------------------- */

static uint64_t sum_words(const void *p, size_t len)
{
    uint64_t s = 0, w;
    for (size_t i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, (const char *)p + i, 8);
        s += w;
    }
    return s;
}

/* ~200 us of work on one core, for the worker curve. */
static uint64_t hash_rounds(const void *p, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < HASH_ROUNDS; r++)
        for (size_t i = 0; i < len && i < 64; i++)
            h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ull + (uint64_t)r;
    return h;
}

static int echo_run(void *st, const void *t, size_t len, sl_proc_reply *r)
{
    (void)st;
    return sl_proc_reply_set(r, t, len);
}

static int sink_run(void *st, const void *t, size_t len, sl_proc_reply *r)
{
    (void)st;
    (void)t;
    uint64_t n = len;
    return sl_proc_reply_set(r, &n, 8);
}

static int sum_run(void *st, const void *t, size_t len, sl_proc_reply *r)
{
    (void)st;
    uint64_t s = sum_words(t, len);
    return sl_proc_reply_set(r, &s, 8);
}

static int hash_run(void *st, const void *t, size_t len, sl_proc_reply *r)
{
    (void)st;
    uint64_t h = hash_rounds(t, len);
    return sl_proc_reply_set(r, &h, 8);
}

static const sl_proc_worker w_echo = {"bench-echo", NULL, echo_run}, w_sink = {"bench-sink", NULL, sink_run},
                            w_sum = {"bench-sum", NULL, sum_run}, w_hash = {"bench-hash", NULL, hash_run};

/* ---- the three transports ----------------------------------------------------- */

typedef enum { T_PROC, T_CHAN, T_SOCK } transport;
static const char *tname[] = {"proc", "sl_chan", "socketpair"};

typedef enum { K_ECHO, K_SINK, K_SUM } kind;

/* One connection to one worker, whatever the transport. */
typedef struct conn {
    transport t;
    kind k;
    size_t msg;
    sl_proc_pool *pool;
    sl_chan *in, *out;
    pthread_t thread;
    int fd;
    pid_t child;
} conn;

static size_t reply_len(const conn *l)
{
    return l->k == K_ECHO ? l->msg : 8;
}

static void *chan_worker(void *arg)
{
    conn *l = arg;
    char *buf = malloc(l->msg);
    uint64_t r;
    while (sl_chan_recv(l->in, buf) == SL_OK) {
        if (l->k == K_ECHO) {
            sl_chan_send(l->out, buf);
            continue;
        }
        r = l->k == K_SUM ? sum_words(buf, l->msg) : l->msg;
        sl_chan_send(l->out, &r);
    }
    free(buf);
    return NULL;
}

static void read_full(int fd, void *p, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)p + got, n - got);
        if (r <= 0)
            die("socketpair: short read");
        got += (size_t)r;
    }
}

static void write_full(int fd, const void *p, size_t n)
{
    for (size_t put = 0; put < n;) {
        ssize_t r = write(fd, (const char *)p + put, n - put);
        if (r <= 0)
            die("socketpair: short write");
        put += (size_t)r;
    }
}

/* The socketpair worker: this program again, "--socket-serve KIND FD". */
static int socket_serve(kind k, int fd)
{
    size_t msg = k == K_ECHO ? SMALL : BIG;
    char *buf = malloc(msg);
    for (;;) {
        if (k == K_ECHO) {
            ssize_t r = read(fd, buf, msg);
            if (r <= 0)
                return 0;
            write_full(fd, buf, (size_t)r);
            continue;
        }
        ssize_t first = read(fd, buf, msg);
        if (first <= 0)
            return 0;
        read_full(fd, buf + first, msg - (size_t)first);
        uint64_t r = k == K_SUM ? sum_words(buf, msg) : msg;
        write_full(fd, &r, 8);
    }
}

static void link_open(conn *l, transport t, kind k, size_t msg, size_t depth)
{
    memset(l, 0, sizeof *l);
    l->t = t;
    l->k = k;
    l->msg = msg;
    if (t == T_PROC) {
        sl_proc_config c = {.worker = k == K_ECHO ? &w_echo : k == K_SUM ? &w_sum : &w_sink,
                            .workers = 1,
                            .depth = depth,
                            .max_message = 2 * BIG};
        if (!(l->pool = sl_proc_pool_new(&c)))
            die("sl_proc_pool_new failed");
    } else if (t == T_CHAN) {
        l->in = sl_chan_new(msg, depth);
        l->out = sl_chan_new(reply_len(l), depth);
        if (!l->in || !l->out || pthread_create(&l->thread, NULL, chan_worker, l) != 0)
            die("cannot start the sl_chan worker");
    } else {
        int sv[2];
        if (socketpair(AF_UNIX, (k == K_ECHO ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC, 0, sv) != 0)
            die("socketpair failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
        char kbuf[8];
        snprintf(kbuf, sizeof kbuf, "%d", (int)k);
        char *argv[] = {"proc", "--socket-serve", kbuf, "3", NULL};
        if (posix_spawn(&l->child, "/proc/self/exe", &fa, NULL, argv, environ) != 0)
            die("cannot start the socketpair worker");
        posix_spawn_file_actions_destroy(&fa);
        close(sv[1]);
        l->fd = sv[0];
    }
}

static void link_close(conn *l)
{
    if (l->t == T_PROC) {
        sl_proc_pool_free(l->pool);
    } else if (l->t == T_CHAN) {
        sl_chan_close(l->in);
        pthread_join(l->thread, NULL);
        sl_chan_free(l->in);
        sl_chan_free(l->out);
    } else {
        close(l->fd);
        waitpid(l->child, NULL, 0);
    }
}

static void link_send(conn *l, const void *m, uint64_t tag)
{
    int rc = SL_OK;
    if (l->t == T_PROC)
        rc = sl_proc_pool_submit(l->pool, m, l->msg, tag);
    else if (l->t == T_CHAN)
        rc = sl_chan_send(l->in, m);
    else
        write_full(l->fd, m, l->msg);
    if (rc != SL_OK)
        die("send failed");
}

/* Receives one reply into buf (reply_len bytes). */
static void link_recv(conn *l, void *buf)
{
    if (l->t == T_PROC) {
        sl_proc_result r;
        if (sl_chan_recv(sl_proc_pool_results(l->pool), &r) != SL_OK || r.status != SL_OK ||
            r.len != reply_len(l))
            die("a proc result is missing or wrong");
        memcpy(buf, r.data, r.len);
        free(r.data);
    } else if (l->t == T_CHAN) {
        if (sl_chan_recv(l->out, buf) != SL_OK)
            die("sl_chan_recv failed");
    } else {
        read_full(l->fd, buf, reply_len(l));
    }
}

/* ---- the shapes ------------------------------------------------------------------- */

typedef struct feed {
    conn *l;
    size_t n;
    const char *msg;
} feed;

static void *send_all(void *arg)
{
    feed *f = arg;
    for (size_t i = 0; i < f->n; i++)
        link_send(f->l, f->msg, i);
    return NULL;
}

static char *pattern(size_t n)
{
    char *m = malloc(n);
    for (size_t i = 0; i < n; i++)
        m[i] = (char)(i * 13 + 7);
    return m;
}

/* Seconds for n messages through l, one at a time (rt) or streamed (tp). */
static double run(conn *l, size_t n, int streamed)
{
    char *msg = pattern(l->msg), *reply = malloc(l->msg);
    uint64_t want = l->k == K_SUM ? sum_words(msg, l->msg) : l->msg;
    pthread_t t;
    feed f = {l, n, msg};
    int64_t t0 = sl_now();
    if (streamed && pthread_create(&t, NULL, send_all, &f) != 0)
        die("pthread_create failed");
    for (size_t i = 0; i < n; i++) {
        if (!streamed)
            link_send(l, msg, i);
        link_recv(l, reply);
        if (l->k == K_ECHO ? memcmp(reply, msg, l->msg) != 0 : memcmp(reply, &want, 8) != 0)
            die("a reply differs from what was sent");
    }
    if (streamed)
        pthread_join(t, NULL);
    double s = (double)(sl_now() - t0) / 1e9;
    free(msg);
    free(reply);
    return s;
}

typedef struct options {
    size_t reps, n;
    int tsv;
    size_t curve;
    const char *md_sluice, *md_corpus; /* --md */
    size_t md_pages;
    char **only; /* shapes named on the command line; none: all */
    int nonly;
    const char *transport; /* -t: only this one */
} options;

static int wanted_transport(const options *o, int t)
{
    return !o->transport || !strcmp(o->transport, tname[t]);
}

static int wanted(const options *o, const char *shape)
{
    for (int i = 0; i < o->nonly; i++)
        if (!strcmp(o->only[i], shape))
            return 1;
    return o->nonly == 0;
}

static void report(const options *o, const char *name, const char *tr, double v, const char *unit)
{
    if (o->tsv)
        printf("%s\t%s\t%.3f\t%s\n", name, tr, v, unit);
    else
        printf("%-10s %-11s %12.3f %s\n", name, tr, v, unit);
    fflush(stdout);
}

/* Median over reps of one shape on one transport, as `scale / seconds`
 * (a rate) or `seconds * scale` (a time per message). */
static double measure(const options *o, transport t, kind k, size_t msg, size_t depth, size_t n, int streamed)
{
    double *v = calloc(o->reps, sizeof *v);
    conn l;
    link_open(&l, t, k, msg, depth);
    run(&l, n / 10 + 1, streamed); /* warm up: pages, caches, spin budgets */
    for (size_t r = 0; r < o->reps; r++)
        v[r] = run(&l, n, streamed);
    link_close(&l);
    double med = sl_bench_median(v, o->reps);
    free(v);
    return med;
}

static void shape_small(const options *o)
{
    double tp[3] = {1, 1, 1};
    for (int t = 0; t < 3 && wanted(o, "rt64"); t++) {
        if (!wanted_transport(o, t))
            continue;
        double s = measure(o, (transport)t, K_ECHO, SMALL, 1, o->n / 10, 0);
        report(o, "rt64", tname[t], s / (double)(o->n / 10) * 1e6, "us");
    }
    if (!wanted(o, "tp64"))
        return;
    for (int t = 0; t < 3; t++) {
        if (!wanted_transport(o, t))
            continue;
        double s = measure(o, (transport)t, K_ECHO, SMALL, DEPTH_SMALL, o->n, 1);
        tp[t] = s / (double)o->n * 1e9;
        report(o, "tp64", tname[t], tp[t], "ns/msg");
    }
    if (!o->transport)
        report(o, "tp64", "proc/sl_chan", tp[T_CHAN] / tp[T_PROC], "x (target >= 0.5)");
}

static void shape_big(const options *o, kind k, const char *name)
{
    size_t n = o->n / 200 + 1;
    if (!wanted(o, name))
        return;
    for (int t = 0; t < 3; t++) {
        if (!wanted_transport(o, t))
            continue;
        double s = measure(o, (transport)t, k, BIG, DEPTH_BIG, n, 1);
        report(o, name, tname[t], (double)n * BIG / s / 1e9, "GB/s");
    }
}

static void restart_with(const options *o, size_t spares);

static void shape_restart(const options *o)
{
    if (!wanted(o, "restart"))
        return;
    restart_with(o, 0);
    restart_with(o, 1);
}

/* Kills the one worker again and again; with a spare, its place is taken
 * by a process already started, and the next spare starts meanwhile. */
static void restart_with(const options *o, size_t spares)
{
    sl_proc_config c = {.worker = &w_echo, .workers = 1, .spares = spares};
    sl_proc_pool *p = sl_proc_pool_new(&c);
    if (!p)
        die("sl_proc_pool_new failed");
    size_t reps = o->reps * 4;
    double *seen = calloc(reps, sizeof *seen), *inner = calloc(reps, sizeof *inner);
    for (size_t r = 0; r < reps; r++) {
        sl_proc_stats st;
        while (spares && sl_proc_pool_stats(p, &st) == SL_OK && st.spares_ready < spares) {
            struct timespec ts = {0, 100000}; /* the last kill's new spare is up */
            nanosleep(&ts, NULL);
        }
        int pid = sl_proc_pool_pid(p, 0);
        int64_t t0 = sl_now();
        kill(pid, SIGKILL);
        for (;;) { /* a new process in the slot, serving (read in that order) */
            int now_pid = sl_proc_pool_pid(p, 0);
            sl_proc_pool_stats(p, &st);
            if (now_pid != 0 && now_pid != pid && st.ready == 1)
                break;
            struct timespec ts = {0, 20000};
            nanosleep(&ts, NULL);
        }
        seen[r] = (double)(sl_now() - t0) / 1e6;
        inner[r] = (double)st.restart_last_ns / 1e6;
        if (getenv("SL_BENCH_DEBUG"))
            fprintf(stderr, "restart %zu: seen %.3f ms, pool %.3f ms\n", r, seen[r], inner[r]);
        /* The worker answers again: the restart is real. */
        if (sl_proc_pool_submit(p, "x", 1, r) != SL_OK)
            die("submit after a restart failed");
        sl_proc_result res;
        if (sl_chan_recv(sl_proc_pool_results(p), &res) != SL_OK || res.status != SL_OK)
            die("no answer after a restart");
        free(res.data);
    }
    report(o, spares ? "restart_spare" : "restart", "kill_to_ready", sl_bench_median(seen, reps),
           "ms (target <= 5)");
    report(o, spares ? "restart_spare" : "restart", "death_to_ready", sl_bench_median(inner, reps), "ms");
    free(seen);
    free(inner);
    sl_proc_pool_free(p);
}

/* CPU-bound tasks through 1..max workers: how a process pool scales. */
static void shape_curve(const options *o)
{
    double one = 0;
    for (size_t w = 1; w <= o->curve; w++) {
        sl_proc_config c = {.worker = &w_hash, .workers = w, .depth = 4};
        sl_proc_pool *p = sl_proc_pool_new(&c);
        if (!p)
            die("sl_proc_pool_new failed");
        size_t n = 2000 * w;
        double *v = calloc(o->reps, sizeof *v);
        char task[SMALL];
        memset(task, 'h', sizeof task);
        uint64_t want = hash_rounds(task, sizeof task);
        for (size_t r = 0; r < o->reps; r++) {
            conn l = {.t = T_PROC, .k = K_SINK, .msg = SMALL, .pool = p};
            feed f = {&l, n, task};
            pthread_t t;
            int64_t t0 = sl_now();
            pthread_create(&t, NULL, send_all, &f);
            for (size_t i = 0; i < n; i++) {
                sl_proc_result res;
                if (sl_chan_recv(sl_proc_pool_results(p), &res) != SL_OK || res.len != 8 ||
                    memcmp(res.data, &want, 8) != 0)
                    die("a curve result is wrong");
                free(res.data);
            }
            pthread_join(t, NULL);
            v[r] = (double)n / ((double)(sl_now() - t0) / 1e9);
        }
        double med = sl_bench_median(v, o->reps);
        if (w == 1)
            one = med;
        char name[32];
        snprintf(name, sizeof name, "curve_%zu", w);
        report(o, name, "tasks/s", med, "");
        report(o, name, "speedup", med / one, "x");
        free(v);
        sl_proc_pool_free(p);
    }
}

/* Seconds for one `sluice md -q -j2 [--isolate] -o OUT CORPUS`. */
static double md_run(const options *o, int isolate, size_t k)
{
    char out[256];
    snprintf(out, sizeof out, "/dev/shm/sluice-bench-proc-md.%d.%zu", (int)getpid(), k);
    char *argv[] = {(char *)o->md_sluice, "md", "-q", "-j2", "-o", out, (char *)o->md_corpus, NULL, NULL};
    if (isolate) {
        argv[6] = "--isolate";
        argv[7] = (char *)o->md_corpus;
    }
    pid_t pid;
    int64_t t0 = sl_now();
    int st;
    if (posix_spawn(&pid, o->md_sluice, NULL, NULL, argv, environ) != 0 || waitpid(pid, &st, 0) != pid ||
        !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("sluice md failed");
    double s = (double)(sl_now() - t0) / 1e9;
    char *rm[] = {"rm", "-rf", out, NULL};
    if (posix_spawnp(&pid, "rm", NULL, NULL, rm, environ) == 0)
        waitpid(pid, &st, 0);
    return s;
}

static void shape_md(const options *o)
{
    double *in = calloc(o->reps, sizeof *in), *iso = calloc(o->reps, sizeof *iso);
    md_run(o, 0, 0); /* warm the page cache */
    for (size_t r = 0; r < o->reps; r++) { /* taking turns: noise hits both */
        in[r] = (double)o->md_pages / md_run(o, 0, 2 * r + 1);
        iso[r] = (double)o->md_pages / md_run(o, 1, 2 * r + 2);
    }
    double a = sl_bench_median(in, o->reps), b = sl_bench_median(iso, o->reps);
    report(o, "md_j2", "in_process", a, "pages/s");
    report(o, "md_j2", "isolate", b, "pages/s");
    report(o, "md_j2", "isolate/in_process", b / a, "x (target >= 0.9)");
    free(in);
    free(iso);
}

static size_t number(const char *flag, const char *v)
{
    char *end;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v || *end || n < 1)
        die("a flag wants a whole number above 0");
    (void)flag;
    return (size_t)n;
}

int main(int argc, char **argv)
{
    const sl_proc_worker *workers[] = {&w_echo, &w_sink, &w_sum, &w_hash};
    sl_proc_serve(workers, 4);
    if (argc == 4 && !strcmp(argv[1], "--socket-serve"))
        return socket_serve((kind)atoi(argv[2]), atoi(argv[3]));
    options o = {.reps = 5, .n = 200000};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-r"))
            o.reps = number(a, v), i++;
        else if (!strcmp(a, "-n"))
            o.n = number(a, v), i++;
        else if (!strcmp(a, "-t") && v)
            o.transport = v, i++;
        else if (!strcmp(a, "--curve"))
            o.curve = number(a, v), i++;
        else if (!strcmp(a, "--md") && i + 3 < argc) {
            o.md_sluice = argv[i + 1];
            o.md_corpus = argv[i + 2];
            o.md_pages = number(a, argv[i + 3]);
            i += 3;
        }
        else if (!strcmp(a, "--tsv"))
            o.tsv = 1;
        else if (a[0] != '-') {
            o.only = argv + i;
            o.nonly = argc - i;
            break;
        } else {
            fprintf(stderr, "usage: proc [-r REPS] [-n MESSAGES] [-t TRANSPORT] [--tsv] [--curve MAX_WORKERS]\n"
                            "            [--md SLUICE CORPUS PAGES] [SHAPE...]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (!o.tsv)
        printf("%-10s %-11s %12s   (median of %zu; %ld CPUs)\n", "shape", "transport", "value", o.reps,
               sysconf(_SC_NPROCESSORS_ONLN));
    if (o.md_sluice) { /* --md: only the md comparison */
        shape_md(&o);
        return 0;
    }
    shape_small(&o);
    shape_big(&o, K_SINK, "tp1m");
    shape_big(&o, K_SUM, "tp1m_read");
    shape_restart(&o);
    if (o.curve)
        shape_curve(&o);
    return 0;
}
