/*
 * task.c - benchmark of lightweight tasks, the programs of its Go peer
 * (bench/peers/go/task) written against libsluice.
 *
 *   task [-n TASKS] [-c CONNS] [-m MESSAGES] [-r REPS] [--tsv] [NAME...]
 *
 *   spawn_wait   start TASKS (1,000,000) empty tasks into a group from a
 *                task, wait for them (ns/task)
 *   parked_rss   TASKS tasks parked on one channel: resident memory
 *                grown, divided by TASKS (bytes/task)
 *   echo         a TCP echo server and CONNS (1,000) clients on
 *                loopback, all tasks in this process: each client sends
 *                MESSAGES (100) 64-byte messages one after the other and
 *                waits for each echo (requests/s)
 *
 * As in Go, where main is a goroutine, each program runs as a task on a
 * pool of one worker per CPU, and the main thread only waits (on a
 * channel, so it does not help).  Each figure is the median of REPS runs
 * (parked_rss: 1 run, memory is not noisy).  With --tsv, lines are
 * NAME<TAB>VALUE<TAB>UNIT.  The run stops by itself; any failed check
 * (a lost task, a short echo) exits with status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "median.h"
#include "sluice/task.h"

enum { MSG = 64 };

static sl_pool *pool;

static void die(const char *what)
{
    fprintf(stderr, "task: %s\n", what);
    exit(1);
}

/* Runs fn(arg) as a task and waits for it from the main thread. */
typedef struct {
    void (*fn)(void *);
    void *arg;
    sl_chan *done;
} root;

static int root_task(void *p)
{
    root *r = p;
    r->fn(r->arg);
    sl_chan_send(r->done, NULL);
    return 0;
}

static void run_as_task(void (*fn)(void *), void *arg)
{
    root r = {fn, arg, sl_chan_new(0, 1)};
    if (!r.done || sl_go(pool, root_task, &r) != SL_OK)
        die("cannot start a task");
    sl_chan_recv(r.done, NULL);
    sl_chan_free(r.done);
}

/* ---- spawn_wait ------------------------------------------------------------- */

typedef struct {
    long n;
    double ns_per_task;
} spawn_run;

static _Atomic long ran;

static int empty_task(void *arg)
{
    (void)arg;
    atomic_fetch_add_explicit(&ran, 1, memory_order_relaxed);
    return 0;
}

static void spawn_wait(void *arg)
{
    spawn_run *s = arg;
    atomic_store(&ran, 0);
    int64_t t0 = sl_now();
    sl_group *g = sl_group_new(pool);
    if (!g)
        die("out of memory");
    for (long i = 0; i < s->n; i++)
        if (sl_group_go(g, empty_task, NULL) != SL_OK)
            die("sl_group_go failed");
    sl_group_wait(g);
    sl_group_free(g);
    s->ns_per_task = (double)(sl_now() - t0) / (double)s->n;
    if (atomic_load(&ran) != s->n)
        die("spawn_wait: a task did not run");
}

/* ---- parked_rss -------------------------------------------------------------- */

static long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
        die("cannot read /proc/self/statm");
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

typedef struct {
    long n;
    sl_chan *gate;
    _Atomic long parked;
    double bytes_per_task;
} park_run;

static int park_task(void *arg)
{
    park_run *r = arg;
    atomic_fetch_add_explicit(&r->parked, 1, memory_order_relaxed);
    return sl_chan_recv(r->gate, NULL) == SL_CLOSED ? 0 : 1;
}

static void parked_rss(void *arg)
{
    park_run *r = arg;
    sl_group *g = sl_group_new(pool);
    long before = rss_bytes();
    for (long i = 0; i < r->n; i++)
        if (sl_group_go(g, park_task, r) != SL_OK)
            die("sl_group_go failed");
    while (atomic_load(&r->parked) < r->n)
        sl_sleep_until(sl_deadline_in(1000000));
    sl_sleep_until(sl_deadline_in(20000000)); /* the last ones finish parking */
    r->bytes_per_task = (double)(rss_bytes() - before) / (double)r->n;
    sl_chan_close(r->gate);
    if (sl_group_wait(g) != 0)
        die("parked_rss: a task was not woken by the close");
    sl_group_free(g);
}

/* ---- echo ---------------------------------------------------------------------- */

typedef struct {
    int listen_fd;
    struct sockaddr_in addr;
    long conns, msgs;
    _Atomic long echoed;
    sl_group *g;
} echo_run;

static int set_nonblock(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reads or writes exactly n bytes, parking in sl_fd_wait when the socket
 * is not ready.  0, or -1 on an error or end of file. */
static int io_full(int fd, char *buf, size_t n, int writing)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = writing ? write(fd, buf + done, n - done) : read(fd, buf + done, n - done);
        if (r > 0) {
            done += (size_t)r;
        } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (sl_fd_wait(fd, writing ? POLLOUT : POLLIN, SL_FOREVER) != SL_OK)
                return -1;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    return 0;
}

static int serve_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[MSG];
    while (io_full(fd, buf, MSG, 0) == 0)
        if (io_full(fd, buf, MSG, 1) != 0)
            break;
    close(fd);
    return 0;
}

static int acceptor(void *arg)
{
    echo_run *e = arg;
    for (long i = 0; i < e->conns;) {
        int fd = accept4(e->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return 1;
            sl_fd_wait(e->listen_fd, POLLIN, SL_FOREVER);
            continue;
        }
        set_nonblock(fd);
        if (sl_group_go(e->g, serve_conn, (void *)(intptr_t)fd) != SL_OK)
            return 2;
        i++;
    }
    return 0;
}

static int client(void *arg)
{
    echo_run *e = arg;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 1;
    set_nonblock(fd);
    if (connect(fd, (struct sockaddr *)&e->addr, sizeof e->addr) != 0) {
        int err = 0;
        socklen_t len = sizeof err;
        if (errno != EINPROGRESS || sl_fd_wait(fd, POLLOUT, SL_FOREVER) != SL_OK ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            close(fd);
            return 2;
        }
    }
    char out[MSG], in[MSG];
    memset(out, 'e', sizeof out);
    for (long i = 0; i < e->msgs; i++) {
        memcpy(out, &i, sizeof i);
        if (io_full(fd, out, MSG, 1) != 0 || io_full(fd, in, MSG, 0) != 0 || memcmp(in, out, MSG) != 0) {
            close(fd);
            return 3;
        }
        atomic_fetch_add_explicit(&e->echoed, 1, memory_order_relaxed);
    }
    close(fd);
    return 0;
}

typedef struct {
    long conns, msgs;
    double per_s;
} echo_result;

static void echo(void *arg)
{
    echo_result *res = arg;
    echo_run e = {.conns = res->conns, .msgs = res->msgs};
    e.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    e.addr.sin_family = AF_INET;
    e.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof e.addr;
    if (e.listen_fd < 0 || bind(e.listen_fd, (struct sockaddr *)&e.addr, sizeof e.addr) != 0 ||
        listen(e.listen_fd, 4096) != 0 || getsockname(e.listen_fd, (struct sockaddr *)&e.addr, &len) != 0)
        die("echo: cannot listen on 127.0.0.1");
    e.g = sl_group_new(pool);
    sl_group *clients = sl_group_new(pool);
    int64_t t0 = sl_now();
    if (sl_group_go(e.g, acceptor, &e) != SL_OK)
        die("sl_group_go failed");
    for (long i = 0; i < e.conns; i++)
        if (sl_group_go(clients, client, &e) != SL_OK)
            die("sl_group_go failed");
    int rc = sl_group_wait(clients);
    int64_t t1 = sl_now();
    if (rc != 0 || atomic_load(&e.echoed) != e.conns * e.msgs)
        die("echo: a client failed");
    if (sl_group_wait(e.g) != 0) /* the server side ends as clients close */
        die("echo: the server failed");
    sl_group_free(clients);
    sl_group_free(e.g);
    close(e.listen_fd);
    res->per_s = (double)(e.conns * e.msgs) / ((double)(t1 - t0) / 1e9);
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: task [-n TASKS] [-c CONNS] [-m MESSAGES] [-r REPS] [--tsv] [NAME...]\n"
                    "  names: spawn_wait parked_rss echo\n");
    exit(2);
}


static int wanted(char **names, int nnames, const char *name)
{
    for (int i = 0; i < nnames; i++)
        if (fnmatch(names[i], name, 0) == 0)
            return 1;
    return nnames == 0;
}

static void report(int tsv, const char *name, double v, const char *unit)
{
    if (tsv)
        printf("%s\t%.1f\t%s\n", name, v, unit);
    else
        printf("  %-12s %14.1f %s\n", name, v, unit);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long n = 1000000, conns = 1000, msgs = 100, reps = 3;
    int tsv = 0, nnames = 0;
    char **names = calloc((size_t)argc, sizeof *names);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tsv"))
            tsv = 1;
        else if (!strcmp(argv[i], "-n"))
            n = sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-c"))
            conns = sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-m"))
            msgs = sl_bench_arg_count(argc, argv, &i, usage);
        else if (!strcmp(argv[i], "-r"))
            reps = sl_bench_arg_count(argc, argv, &i, usage);
        else if (argv[i][0] == '-')
            usage();
        else
            names[nnames++] = argv[i];
    }
    pool = sl_pool_new(0);
    double *v = malloc((size_t)reps * sizeof *v);
    if (!pool || !v || !names)
        die("cannot create the pool");
    if (!tsv)
        printf("sluice tasks: %zu workers, median of %ld runs\n", sl_pool_size(pool), reps);
    if (wanted(names, nnames, "spawn_wait")) {
        for (long r = 0; r < reps; r++) {
            spawn_run s = {n, 0};
            run_as_task(spawn_wait, &s);
            v[r] = s.ns_per_task;
        }
        report(tsv, "spawn_wait", sl_bench_median(v, (size_t)reps), "ns/task");
    }
    if (wanted(names, nnames, "parked_rss")) {
        park_run r = {.n = n, .gate = sl_chan_new(0, 0)};
        run_as_task(parked_rss, &r);
        sl_chan_free(r.gate);
        report(tsv, "parked_rss", r.bytes_per_task, "B/task");
    }
    if (wanted(names, nnames, "echo")) {
        for (long r = 0; r < reps; r++) {
            echo_result e = {conns, msgs, 0};
            run_as_task(echo, &e);
            v[r] = e.per_s;
        }
        report(tsv, "echo", sl_bench_median(v, (size_t)reps), "req/s");
    }
    sl_pool_free(pool);
    free(v);
    free(names);
    return 0;
}
