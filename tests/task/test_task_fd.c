/* test_task_fd.c - sl_fd_wait on pipes and sockets, from tasks (parked on
 * the pool's netpoller) and from threads (ppoll): readable, writable,
 * hang-up, deadline, bad arguments. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

/* Runs fn(arg) as a task on a pool of one worker and returns its result;
 * a second task on the same worker proves the first parked rather than
 * blocking the worker: it must run while the first waits. */
typedef struct {
    int (*fn)(void *);
    void *arg;
    int result;
    _Atomic int other_ran;
    sl_chan *done; /* each task sends once when it has finished */
} in_task;

static int run_fn(void *p)
{
    in_task *t = p;
    t->result = t->fn(t->arg);
    sl_chan_send(t->done, NULL);
    return 0;
}

static int mark_other(void *p)
{
    in_task *t = p;
    atomic_store(&t->other_ran, 1);
    sl_chan_send(t->done, NULL);
    return 0;
}

static int task_result(sl_pool *p, int (*fn)(void *), void *arg, int *other_ran)
{
    in_task t = {fn, arg, -99, 0, sl_chan_new(0, 2)};
    CHECK_EQ(sl_go(p, run_fn, &t), SL_OK);
    CHECK_EQ(sl_go(p, mark_other, &t), SL_OK);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(sl_chan_recv_until(t.done, NULL, sl_deadline_in(MS(10000))), SL_OK);
    sl_chan_free(t.done);
    if (other_ran)
        *other_ran = atomic_load(&t.other_ran);
    return t.result;
}

typedef struct {
    int fd;
    int events;
    int64_t wait_ns;  /* deadline: now + wait_ns, or SL_FOREVER when < 0 */
    int64_t waited;   /* how long it took */
    int64_t returned; /* when it returned */
} fd_wait_arg;

static int do_wait(void *p)
{
    fd_wait_arg *a = p;
    int64_t t0 = sl_now();
    int rc = sl_fd_wait(a->fd, a->events, a->wait_ns < 0 ? SL_FOREVER : t0 + a->wait_ns);
    a->returned = sl_now();
    a->waited = a->returned - t0;
    return rc;
}

typedef struct {
    int fd;
    int64_t delay_ns;
    int action; /* 0 write a byte, 1 close, 2 read everything */
    int64_t at; /* when it acted */
} later_arg;

static void *act_later(void *p)
{
    later_arg *a = p;
    sl_sleep_until(sl_now() + a->delay_ns);
    a->at = sl_now();
    if (a->action == 0) {
        if (write(a->fd, "x", 1) != 1)
            abort();
    } else if (a->action == 1) {
        close(a->fd);
    } else {
        char buf[4096];
        fcntl(a->fd, F_SETFL, fcntl(a->fd, F_GETFL) | O_NONBLOCK);
        while (read(a->fd, buf, sizeof buf) > 0)
            ;
    }
    return NULL;
}

static void nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Fills a pipe or socket until a write would block. */
static void fill(int fd)
{
    nonblock(fd);
    char buf[4096] = {0};
    while (write(fd, buf, sizeof buf) > 0)
        ;
    CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Waits in a task (mode 0) or a thread (mode 1) for `events` on fd while
 * `act` happens 30 ms later; returns the wait's result. */
static int wait_while(sl_pool *p, int mode, fd_wait_arg *w, later_arg *act)
{
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, act_later, act), 0);
    int other = 0;
    int rc = mode == 0 ? task_result(p, do_wait, w, &other) : do_wait(w);
    pthread_join(t, NULL);
    if (mode == 0)
        CHECK_EQ(other, 1); /* the worker ran another task meanwhile */
    CHECK(w->returned >= act->at); /* it waited for the event */
    return rc;
}

SL_TEST(task_fd_wait_pipe_becomes_readable)
{
    sl_pool *p = sl_pool_new(1);
    for (int mode = 0; mode < 2; mode++) {
        int fds[2];
        CHECK_EQ(pipe(fds), 0);
        fd_wait_arg w = {fds[0], POLLIN, -1, 0, 0};
        later_arg act = {fds[1], MS(30), 0, 0};
        CHECK_EQ(wait_while(p, mode, &w, &act), SL_OK);
        char c;
        CHECK_EQ(read(fds[0], &c, 1), 1);
        close(fds[0]);
        close(fds[1]);
    }
    sl_pool_free(p);
}

SL_TEST(task_fd_wait_full_pipe_becomes_writable)
{
    sl_pool *p = sl_pool_new(1);
    for (int mode = 0; mode < 2; mode++) {
        int fds[2];
        CHECK_EQ(pipe(fds), 0);
        fill(fds[1]);
        fd_wait_arg w = {fds[1], POLLOUT, -1, 0, 0};
        later_arg act = {fds[0], MS(30), 2, 0};
        CHECK_EQ(wait_while(p, mode, &w, &act), SL_OK);
        CHECK_EQ(write(fds[1], "x", 1), 1);
        close(fds[0]);
        close(fds[1]);
    }
    sl_pool_free(p);
}

SL_TEST(task_fd_wait_returns_at_hang_up)
{
    sl_pool *p = sl_pool_new(1);
    for (int mode = 0; mode < 2; mode++) {
        int fds[2];
        CHECK_EQ(pipe(fds), 0);
        fd_wait_arg w = {fds[0], POLLIN, -1, 0, 0};
        later_arg act = {fds[1], MS(30), 1, 0}; /* the writer closes */
        CHECK_EQ(wait_while(p, mode, &w, &act), SL_OK);
        char c;
        CHECK_EQ(read(fds[0], &c, 1), 0); /* end of file */
        close(fds[0]);
    }
    sl_pool_free(p);
}

SL_TEST(task_fd_wait_times_out_at_deadline)
{
    sl_pool *p = sl_pool_new(1);
    for (int mode = 0; mode < 2; mode++) {
        int fds[2];
        CHECK_EQ(pipe(fds), 0);
        fd_wait_arg w = {fds[0], POLLIN, MS(40), 0, 0};
        int other = 0;
        int rc = mode == 0 ? task_result(p, do_wait, &w, &other) : do_wait(&w);
        CHECK_EQ(rc, SL_TIMEDOUT);
        CHECK(w.waited >= MS(40));
        CHECK(w.waited < MS(5000));
        /* the wait left nothing behind: data written now is read now */
        CHECK_EQ(write(fds[1], "y", 1), 1);
        w.wait_ns = MS(5000);
        CHECK_EQ(mode == 0 ? task_result(p, do_wait, &w, NULL) : do_wait(&w), SL_OK);
        CHECK(w.waited < MS(1000));
        close(fds[0]);
        close(fds[1]);
    }
    sl_pool_free(p);
}

SL_TEST(task_fd_wait_on_ready_fd_returns_at_once)
{
    sl_pool *p = sl_pool_new(1);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    CHECK_EQ(write(fds[1], "z", 1), 1);
    fd_wait_arg r = {fds[0], POLLIN, MS(5000), 0, 0}, w = {fds[1], POLLOUT, MS(5000), 0, 0};
    for (int i = 0; i < 3; i++) { /* level-triggered: ready stays ready */
        CHECK_EQ(task_result(p, do_wait, &r, NULL), SL_OK);
        CHECK_EQ(task_result(p, do_wait, &w, NULL), SL_OK);
    }
    r.wait_ns = 0; /* deadline now: a poll */
    CHECK_EQ(task_result(p, do_wait, &r, NULL), SL_OK);
    close(fds[0]);
    close(fds[1]);
    sl_pool_free(p);
}

/* A ready fd returns at once even when the deadline is nearer than the
 * worker's next look at epoll (busy workers poll every 20 us): a socket
 * that is writable all along, waited on from a task with a 5 us deadline
 * while another task keeps the one worker busy, never times out. */
typedef struct {
    int fd;
    int timeouts;
    _Atomic int stop;
} ready_arg;

static int busy_yielding(void *p)
{
    ready_arg *a = p;
    while (!atomic_load(&a->stop))
        sl_yield();
    return 0;
}

static int wait_ready_often(void *p)
{
    ready_arg *a = p;
    for (int i = 0; i < 2000; i++)
        if (sl_fd_wait(a->fd, POLLOUT, sl_now() + 5000) != SL_OK)
            a->timeouts++;
    atomic_store(&a->stop, 1);
    return 0;
}

SL_TEST(task_fd_wait_on_ready_fd_with_a_near_deadline_does_not_time_out)
{
    sl_pool *p = sl_pool_new(1);
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ready_arg a = {sv[0], 0, 0};
    sl_chan *done = sl_chan_new(0, 2);
    in_task busy = {busy_yielding, &a, -99, 0, done}, waiter = {wait_ready_often, &a, -99, 0, done};
    CHECK_EQ(sl_go(p, run_fn, &busy), SL_OK);
    CHECK_EQ(sl_go(p, run_fn, &waiter), SL_OK);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(sl_chan_recv_until(done, NULL, sl_deadline_in(MS(30000))), SL_OK);
    CHECK_EQ(a.timeouts, 0);
    sl_chan_free(done);
    close(sv[0]);
    close(sv[1]);
    sl_pool_free(p);
}

/* ---- sockets: two tasks on one socket, one reading and one writing ------------ */

typedef struct {
    int fd;
    int n;
    int rc;
} sock_arg;

/* Reads n bytes, waiting with sl_fd_wait whenever the socket is empty. */
static int sock_reader(void *p)
{
    sock_arg *a = p;
    int got = 0;
    char buf[256];
    while (got < a->n) {
        ssize_t r = read(a->fd, buf, sizeof buf);
        if (r > 0) {
            got += (int)r;
        } else if (r < 0 && errno == EAGAIN) {
            if (sl_fd_wait(a->fd, POLLIN, sl_deadline_in(MS(10000))) != SL_OK)
                return 1;
        } else {
            return 2;
        }
    }
    return 0;
}

/* Writes n bytes, waiting with sl_fd_wait whenever the socket is full. */
static int sock_writer(void *p)
{
    sock_arg *a = p;
    int sent = 0;
    char buf[4096];
    memset(buf, 'a', sizeof buf);
    while (sent < a->n) {
        size_t want = (size_t)(a->n - sent) < sizeof buf ? (size_t)(a->n - sent) : sizeof buf;
        ssize_t r = write(a->fd, buf, want);
        if (r > 0) {
            sent += (int)r;
        } else if (r < 0 && errno == EAGAIN) {
            if (sl_fd_wait(a->fd, POLLOUT, sl_deadline_in(MS(10000))) != SL_OK)
                return 1;
        } else {
            return 2;
        }
    }
    return 0;
}

/* Both ends of a socket pair, each end read and written by a task of its
 * own at once, 4 MiB each way: far more than the socket buffers hold, so
 * every task parks many times, on the same fds for both directions. */
SL_TEST(task_fd_wait_socket_both_directions_at_once)
{
    sl_pool *p = sl_pool_new(2);
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    nonblock(sv[0]);
    nonblock(sv[1]);
    int n = (int)SL_TEST_SCALE(4 << 20);
    sock_arg a[4] = {{sv[0], n, 0}, {sv[0], n, 0}, {sv[1], n, 0}, {sv[1], n, 0}};
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, sock_reader, &a[0]), SL_OK);
    CHECK_EQ(sl_group_go(g, sock_writer, &a[1]), SL_OK);
    CHECK_EQ(sl_group_go(g, sock_reader, &a[2]), SL_OK);
    CHECK_EQ(sl_group_go(g, sock_writer, &a[3]), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    close(sv[0]);
    close(sv[1]);
    sl_pool_free(p);
}

SL_TEST(task_fd_wait_socket_hang_up_wakes_reader_and_writer)
{
    sl_pool *p = sl_pool_new(1);
    for (int mode = 0; mode < 2; mode++) {
        int sv[2];
        CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        fd_wait_arg w = {sv[0], POLLIN, -1, 0, 0};
        later_arg act = {sv[1], MS(30), 1, 0};
        CHECK_EQ(wait_while(p, mode, &w, &act), SL_OK);
        char c;
        CHECK_EQ(read(sv[0], &c, 1), 0);
        /* a writer on a socket whose peer has gone: ready (EPIPE) */
        w.events = POLLOUT;
        CHECK_EQ(mode == 0 ? task_result(p, do_wait, &w, NULL) : do_wait(&w), SL_OK);
        close(sv[0]);
    }
    sl_pool_free(p);
}

/* fd: a descriptor number that is not open (the pool's own epoll and
 * eventfd take the lowest free numbers, so a number just closed will not
 * do). */
static int bad_waits(void *p)
{
    int fd = *(int *)p;
    if (sl_fd_wait(-1, POLLIN, SL_FOREVER) != SL_INVAL)
        return 1;
    if (sl_fd_wait(fd, 0, SL_FOREVER) != SL_INVAL)
        return 2;
    if (sl_fd_wait(fd, POLLIN | 0x400, SL_FOREVER) != SL_INVAL)
        return 3;
    if (sl_fd_wait(fd, POLLIN, sl_deadline_in(MS(1000))) != SL_INVAL) /* closed */
        return 4;
    return 0;
}

SL_TEST(task_fd_wait_rejects_bad_arguments)
{
    sl_pool *p = sl_pool_new(1);
    int fd = 9999;
    CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
    CHECK_EQ(task_result(p, bad_waits, &fd, NULL), 0);
    CHECK_EQ(bad_waits(&fd), 0);
    sl_pool_free(p);
}

/* ---- sl_fd_read / write / accept / connect -------------------------------- */

/* Each task reads one byte from its own socket, which has nothing at first
 * (EAGAIN: the task parks) and then gets a byte, end of file, a reset, or
 * nothing until the deadline.  With two workers a task may resume on the
 * other one; each must still get its own outcome (an errno read across the
 * park would often give another task's). */
typedef struct {
    int fd, kind;
    ssize_t got;
    char byte;
} read_one;

static int read_one_task(void *p)
{
    read_one *a = p;
    a->got = sl_fd_read(a->fd, &a->byte, 1, sl_deadline_in(a->kind == 3 ? MS(100) : MS(20000)));
    return 0;
}

SL_TEST(task_fd_read_gives_each_task_its_own_outcome)
{
    enum { N = 200 };
    static read_one a[N];
    int peer[N];
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    for (int i = 0; i < N; i++) {
        int sv[2];
        CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
        a[i] = (read_one){sv[0], i % 4, -99, 0};
        peer[i] = sv[1];
        CHECK_EQ(sl_group_go(g, read_one_task, &a[i]), SL_OK);
    }
    sl_sleep_until(sl_deadline_in(MS(20)));
    for (int i = 0; i < N; i++) {
        if (a[i].kind == 0)
            CHECK_EQ(write(peer[i], "x", 1), 1);
        if (a[i].kind == 2) /* unread data on the closing side: the reader gets ECONNRESET */
            CHECK_EQ(write(a[i].fd, "y", 1), 1);
        if (a[i].kind == 1 || a[i].kind == 2)
            close(peer[i]);
    }
    CHECK_EQ(sl_group_wait(g), 0);
    for (int i = 0; i < N; i++) {
        static const ssize_t want[4] = {1, 0, -ECONNRESET, -ETIMEDOUT};
        CHECK_EQ(a[i].got, want[a[i].kind]);
        if (a[i].kind == 0)
            CHECK_EQ(a[i].byte, 'x');
        close(a[i].fd);
        if (a[i].kind == 0 || a[i].kind == 3)
            close(peer[i]);
    }
    sl_group_free(g);
    sl_pool_free(p);
}

/* A loopback echo: a listening task accepts with sl_fd_accept and echoes
 * each connection in a task of its own; client tasks connect, write 256 KiB
 * (in pieces: writers wait for room) while they read it back.  Then the errors: a refused connect, an accept with no time. */
enum { ECHO_CLIENTS = 8, ECHO_BYTES = 256 << 10 };

static int echo_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    ssize_t n;
    while ((n = sl_fd_read(fd, buf, sizeof buf, sl_deadline_in(MS(20000)))) > 0)
        if (sl_fd_write(fd, buf, (size_t)n, sl_deadline_in(MS(20000))) != n)
            break;
    close(fd);
    return n == 0 ? 0 : 1;
}

typedef struct {
    int lfd;
    struct sockaddr_in addr;
    sl_pool *pool;
    sl_group *g;
} echo_server;

static int accept_loop(void *arg)
{
    echo_server *s = arg;
    for (int i = 0; i < ECHO_CLIENTS; i++) {
        int fd = sl_fd_accept(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC, sl_deadline_in(MS(20000)));
        if (fd < 0)
            return 1;
        if (sl_group_go(s->g, echo_conn, (void *)(intptr_t)fd) != SL_OK)
            return 1;
    }
    return 0;
}

typedef struct {
    int fd;
    const char *data;
    sl_chan *done; /* carries the writer's result */
} write_half;

/* The client's writing half, a task of its own, so that the client reads
 * the echo while it writes (one task waits for POLLIN, one for POLLOUT on
 * the same fd) and no buffer has to hold the whole message. */
static int write_all_then_shut(void *arg)
{
    write_half *w = arg;
    int bad = sl_fd_write(w->fd, w->data, ECHO_BYTES, sl_deadline_in(MS(20000))) != ECHO_BYTES;
    shutdown(w->fd, SHUT_WR);
    sl_chan_send(w->done, &bad);
    return 0;
}

static int echo_client(void *arg)
{
    echo_server *s = arg;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0 || sl_fd_connect(fd, (struct sockaddr *)&s->addr, sizeof s->addr, sl_deadline_in(MS(20000))) != 0)
        return 1;
    char *in = malloc(ECHO_BYTES), *copy = malloc(ECHO_BYTES);
    for (size_t i = 0; i < ECHO_BYTES; i++)
        copy[i] = (char)(i * 7 + (size_t)fd);
    write_half w = {fd, copy, sl_chan_new(sizeof(int), 1)};
    int bad = sl_go(s->pool, write_all_then_shut, &w) != SL_OK;
    size_t got = 0;
    ssize_t n = 1;
    while (!bad && got < ECHO_BYTES && (n = sl_fd_read(fd, in + got, ECHO_BYTES - got, sl_deadline_in(MS(20000)))) > 0)
        got += (size_t)n;
    int wbad = 1;
    bad |= sl_chan_recv(w.done, &wbad) != SL_OK || wbad;
    bad |= got != ECHO_BYTES || memcmp(in, copy, ECHO_BYTES) != 0;
    bad |= sl_fd_read(fd, in, 1, sl_deadline_in(MS(20000))) != 0; /* then end of file */
    sl_chan_free(w.done);
    free(in);
    free(copy);
    close(fd);
    return bad;
}

SL_TEST(task_fd_calls_echo_over_loopback_and_report_errors_as_negative_errno)
{
    echo_server s;
    memset(&s, 0, sizeof s);
    s.addr.sin_family = AF_INET;
    s.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    socklen_t len = sizeof s.addr;
    CHECK_EQ(bind(s.lfd, (struct sockaddr *)&s.addr, sizeof s.addr), 0);
    CHECK_EQ(listen(s.lfd, 64), 0);
    CHECK_EQ(getsockname(s.lfd, (struct sockaddr *)&s.addr, &len), 0);
    sl_pool *p = sl_pool_new(2);
    s.pool = p;
    s.g = sl_group_new(p);
    sl_group *clients = sl_group_new(p);
    CHECK_EQ(sl_group_go(s.g, accept_loop, &s), SL_OK);
    for (int i = 0; i < ECHO_CLIENTS; i++)
        CHECK_EQ(sl_group_go(clients, echo_client, &s), SL_OK);
    CHECK_EQ(sl_group_wait(clients), 0);
    CHECK_EQ(sl_group_wait(s.g), 0);
    /* No one waiting to be accepted, no time: -ETIMEDOUT (from this thread). */
    CHECK_EQ(sl_fd_accept(s.lfd, NULL, NULL, 0, 0), -ETIMEDOUT);
    /* The port is closed: the connect is refused. */
    close(s.lfd);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_EQ(sl_fd_connect(fd, (struct sockaddr *)&s.addr, sizeof s.addr, sl_deadline_in(MS(20000))), -ECONNREFUSED);
    close(fd);
    CHECK_EQ(sl_fd_read(-1, &fd, 1, 0), -EBADF);
    sl_group_free(clients);
    sl_group_free(s.g);
    sl_pool_free(p);
}

/* A connect that timed out goes on in the kernel: called again on the
 * same socket, sl_fd_connect waits for that connect (the kernel says
 * EALREADY, as it said EINPROGRESS the first time) instead of returning
 * -EALREADY at once.  A listener with backlog 0 and a full queue drops
 * the SYN, so the connect stays pending until the client sends it again
 * (about 1 s later) after room is made. */
typedef struct {
    int fd;
    struct sockaddr_in addr;
    int64_t deadline;
} connect_arg;

static int do_connect(void *p)
{
    connect_arg *a = p;
    return sl_fd_connect(a->fd, (struct sockaddr *)&a->addr, sizeof a->addr, a->deadline);
}

SL_TEST(task_fd_connect_called_again_after_its_timeout_waits_for_the_same_connect)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_EQ(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
    CHECK_EQ(listen(lfd, 0), 0);
    CHECK_EQ(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
    enum { FILL = 8 };
    int fds[FILL], pending = -1, n = 0;
    for (; n < FILL && pending < 0; n++) {
        fds[n] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int r = sl_fd_connect(fds[n], (struct sockaddr *)&addr, sizeof addr, sl_deadline_in(MS(50)));
        CHECK(r == 0 || r == -ETIMEDOUT);
        if (r == -ETIMEDOUT)
            pending = fds[n];
    }
    CHECK(pending >= 0);
    /* Still no room: it waits to its new deadline. */
    int64_t t0 = sl_now();
    CHECK_EQ(sl_fd_connect(pending, (struct sockaddr *)&addr, sizeof addr, sl_deadline_in(MS(50))), -ETIMEDOUT);
    CHECK(sl_now() - t0 >= MS(50));
    /* Room: the pending connect completes, and the call, in a task, says so. */
    int c;
    while ((c = accept(lfd, NULL, NULL)) >= 0)
        close(c);
    sl_pool *p = sl_pool_new(1);
    connect_arg a = {pending, addr, sl_deadline_in(MS(20000))};
    CHECK_EQ(task_result(p, do_connect, &a, NULL), 0);
    struct sockaddr_in peer;
    len = sizeof peer;
    CHECK_EQ(getpeername(pending, (struct sockaddr *)&peer, &len), 0);
    sl_pool_free(p);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    close(lfd);
}

/* An AF_UNIX listener whose backlog is full: a non-blocking connect says
 * EAGAIN and starts nothing (where TCP says EINPROGRESS), and the
 * unconnected socket polls writable at once, so there is nothing to wait
 * on.  sl_fd_connect tries again, a few ms apart, until the connect goes
 * in or the deadline passes: it neither spins nor outlives its deadline,
 * and it connects once the listener makes room; from a thread and from a
 * task. */
typedef struct {
    int lfd, fd;
    struct sockaddr_un addr;
    int64_t wait_ns;  /* the connect's deadline: now + wait_ns, or SL_FOREVER when < 0 */
    int64_t drain_ns; /* the listener accepts everything this much later, or never when < 0 */
    int result;
    int64_t took, cpu; /* wall and the calling thread's CPU time */
    int64_t ended, room_at; /* when the connect returned, when the listener began to accept */
    sl_chan *done;
} unix_connect;

static int64_t thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *drain_listener(void *p)
{
    unix_connect *u = p;
    sl_sleep_until(sl_now() + u->drain_ns);
    u->room_at = sl_now();
    int c;
    while ((c = accept(u->lfd, NULL, NULL)) >= 0)
        close(c);
    return NULL;
}

static int connect_unix(void *p)
{
    unix_connect *u = p;
    int64_t t0 = sl_now(), c0 = thread_cpu();
    u->result = sl_fd_connect(u->fd, (struct sockaddr *)&u->addr, sizeof u->addr,
                              u->wait_ns < 0 ? SL_FOREVER : t0 + u->wait_ns);
    u->cpu = thread_cpu() - c0;
    u->ended = sl_now();
    u->took = u->ended - t0;
    sl_chan_send(u->done, NULL);
    return 0;
}

static void *connect_unix_thread(void *p)
{
    connect_unix(p);
    return NULL;
}

/* Runs one connect (in a task when p is set) to a listener with a full
 * backlog; returns the record, its fd still open. */
static void run_unix_connect(sl_pool *p, unix_connect *u, int64_t wait_ns, int64_t drain_ns)
{
    memset(u, 0, sizeof *u);
    u->addr.sun_family = AF_UNIX;
    /* An abstract name: nothing is left in the file system. */
    snprintf(u->addr.sun_path + 1, sizeof u->addr.sun_path - 1, "sluice-test-uconn-%d", (int)getpid());
    u->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_EQ(bind(u->lfd, (struct sockaddr *)&u->addr, sizeof u->addr), 0);
    CHECK_EQ(listen(u->lfd, 1), 0);
    enum { MAX_FILL = 64 };
    int filled[MAX_FILL], n = 0;
    for (;;) { /* fill the backlog: the first socket it refuses is ours */
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK(fd >= 0 && n < MAX_FILL);
        if (connect(fd, (struct sockaddr *)&u->addr, sizeof u->addr) != 0) {
            CHECK_EQ(errno, EAGAIN);
            u->fd = fd;
            break;
        }
        filled[n++] = fd;
    }
    u->wait_ns = wait_ns;
    u->drain_ns = drain_ns;
    u->result = -99;
    u->done = sl_chan_new(0, 1);
    pthread_t drainer, t;
    if (drain_ns >= 0)
        CHECK_EQ(pthread_create(&drainer, NULL, drain_listener, u), 0);
    if (p)
        CHECK_EQ(sl_go(p, connect_unix, u), SL_OK);
    else
        CHECK_EQ(pthread_create(&t, NULL, connect_unix_thread, u), 0);
    /* Before the fix the call never returned: fail, do not hang. */
    CHECK_EQ(sl_chan_recv_until(u->done, NULL, sl_deadline_in(MS(20000))), SL_OK);
    if (!p)
        pthread_join(t, NULL);
    if (drain_ns >= 0)
        pthread_join(drainer, NULL);
    sl_chan_free(u->done);
    for (int i = 0; i < n; i++)
        close(filled[i]);
    close(u->lfd);
}

SL_TEST(task_fd_connect_to_a_full_unix_listener_retries_until_room_or_its_deadline)
{
    sl_pool *p = sl_pool_new(1);
    unix_connect u;
    for (int in_task = 0; in_task < 2; in_task++) {
        /* No room ever: -ETIMEDOUT at the deadline, having slept, not spun. */
        run_unix_connect(in_task ? p : NULL, &u, MS(200), -1);
        CHECK_EQ(u.result, -ETIMEDOUT);
        CHECK(u.took >= MS(200) && u.took < MS(10000));
        CHECK(u.cpu < MS(100));
        close(u.fd);
        /* Room after 100 ms: connected, with a deadline or without, once
         * there was room. */
        run_unix_connect(in_task ? p : NULL, &u, in_task ? MS(10000) : -1, MS(100));
        CHECK_EQ(u.result, 0);
        CHECK(u.ended >= u.room_at);
        CHECK(u.cpu < MS(100));
        close(u.fd);
    }
    sl_pool_free(p);
}

/* ---- many waiters on one fd ---------------------------------------------- */

typedef struct {
    int kind; /* 0: sl_sleep_until, 1: sl_fd_wait(POLLIN) on a silent pipe */
    int fd, rounds;
    _Atomic long early, bad; /* waits that ended before the deadline, or not SL_TIMEDOUT */
} crowd;

static int crowd_task(void *p)
{
    crowd *c = p;
    for (int i = 0; i < c->rounds; i++) {
        int64_t d = sl_deadline_in(MS(5) + MS(i % 3));
        int r = c->kind ? sl_fd_wait(c->fd, POLLIN, d) : sl_sleep_until(d);
        if (c->kind && r != SL_TIMEDOUT)
            atomic_fetch_add(&c->bad, 1);
        if (sl_now() < d)
            atomic_fetch_add(&c->early, 1);
    }
    return 0;
}

static int64_t process_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU the whole process spends for n tasks each waiting `rounds` times. */
static int64_t crowd_cpu(int kind, int fd, int n, int rounds)
{
    crowd c = {.kind = kind, .fd = fd, .rounds = rounds};
    int64_t c0 = process_cpu();
    sl_pool *p = sl_pool_new(2);
    for (int i = 0; i < n; i++)
        CHECK_EQ(sl_go(p, crowd_task, &c), SL_OK);
    sl_pool_free(p);
    int64_t cpu = process_cpu() - c0;
    CHECK_EQ(atomic_load(&c.early), 0);
    CHECK_EQ(atomic_load(&c.bad), 0);
    return cpu;
}

/* Before the fix each wait and each timeout walked the fd's whole waiter
 * list (and called epoll_ctl) under the fd's lock: 4,000 waiters cost
 * ~100x the CPU of 3,000 sleepers.  Now joining and leaving are O(1), so
 * the fd waiters cost about what the sleepers do.  CPU, not wall time:
 * a loaded machine stretches both runs alike. */
SL_TEST(task_fd_wait_many_waiters_on_one_fd_cost_about_what_sleepers_do)
{
    int n = (int)SL_TASK_MANY(3000), rounds = 10, pfd[2];
    CHECK_EQ(pipe(pfd), 0);
    int64_t sleep_cpu = crowd_cpu(0, -1, n, rounds), fd_cpu = crowd_cpu(1, pfd[0], n, rounds);
    printf("%d tasks x %d waits: sleep %.3f s CPU, fd_wait %.3f s CPU\n", n, rounds, sleep_cpu / 1e9,
           fd_cpu / 1e9);
    fflush(stdout);
    /* The slack covers a crowd too small to measure (TSan's). */
    CHECK(fd_cpu < 5 * sleep_cpu + MS(200));
    close(pfd[0]);
    close(pfd[1]);
}

/* Waiters for POLLIN, POLLOUT and both on one socket end, joining and
 * timing out while the other end makes it readable at random moments:
 * every wait returns SL_OK only when its event can have happened, a
 * timeout had no effect, and nobody is left behind (the pool frees). */
typedef struct {
    int fd;
    _Atomic int stop, ids;
    _Atomic long ok, timedout;
} race_fd;

static int race_waiter(void *p)
{
    race_fd *r = p;
    static const int evs[3] = {POLLIN, POLLOUT, POLLIN | POLLOUT};
    int id = atomic_fetch_add(&r->ids, 1);
    for (int i = 0; !atomic_load(&r->stop); i++) {
        int ev = evs[(id + i / 4) % 3];
        int rc = sl_fd_wait(r->fd, ev, sl_deadline_in((i % 7) * 20000));
        if (rc == SL_OK)
            atomic_fetch_add(&r->ok, 1);
        else if (rc == SL_TIMEDOUT)
            atomic_fetch_add(&r->timedout, 1);
        else
            CHECK_EQ(rc, SL_OK);
        if (rc == SL_OK && ev == POLLIN) { /* take what woke us, if nobody did */
            char b[64];
            ssize_t got = recv(r->fd, b, sizeof b, MSG_DONTWAIT);
            (void)got;
        }
    }
    return 0;
}

SL_TEST(task_fd_wait_wake_and_timeout_races_lose_nothing)
{
    int iters = (int)SL_TEST_SCALE(1000);
    for (int it = 0; it < iters; it++) {
        int sv[2];
        CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
        fill(sv[0]); /* not writable until the other end reads */
        race_fd r = {.fd = sv[0]};
        sl_pool *p = sl_pool_new(2);
        for (int i = 0; i < 6; i++)
            CHECK_EQ(sl_go(p, race_waiter, &r), SL_OK);
        for (int k = 0; k < 3; k++) { /* make sv[0] readable, then writable */
            usleep((unsigned)(it % 5) * 20);
            CHECK_EQ(send(sv[1], "x", 1, MSG_DONTWAIT), 1);
            char b[4096];
            while (recv(sv[1], b, sizeof b, MSG_DONTWAIT) > 0) {
            }
        }
        atomic_store(&r.stop, 1);
        /* Whoever still waits with a deadline ends by it; a ready end
         * wakes the rest. */
        CHECK_EQ(send(sv[1], "x", 1, MSG_DONTWAIT), 1);
        sl_pool_free(p);
        close(sv[0]);
        close(sv[1]);
    }
}

/* Many tasks park on one fd with no deadline; one write wakes them all. */
typedef struct {
    int fd;
    _Atomic long parked, woke;
} herd;

static int herd_task(void *p)
{
    herd *h = p;
    atomic_fetch_add(&h->parked, 1);
    CHECK_EQ(sl_fd_wait(h->fd, POLLIN, SL_FOREVER), SL_OK);
    atomic_fetch_add(&h->woke, 1);
    return 0;
}

SL_TEST(task_fd_wait_one_write_wakes_every_waiter_of_a_crowd)
{
    int n = (int)SL_TASK_MANY(16000), pfd[2];
    CHECK_EQ(pipe(pfd), 0);
    herd h = {.fd = pfd[0]};
    int64_t c0 = process_cpu();
    sl_pool *p = sl_pool_new(2);
    for (int i = 0; i < n; i++)
        CHECK_EQ(sl_go(p, herd_task, &h), SL_OK);
    while (atomic_load(&h.parked) < n)
        sl_sleep_until(sl_deadline_in(MS(1)));
    sl_sleep_until(sl_deadline_in(MS(20)));
    CHECK_EQ(atomic_load(&h.woke), 0);
    CHECK_EQ(write(pfd[1], "x", 1), 1);
    sl_pool_free(p);
    CHECK_EQ(atomic_load(&h.woke), n);
    printf("%d waiters parked and woken: %.3f s CPU\n", n, (process_cpu() - c0) / 1e9);
    close(pfd[0]);
    close(pfd[1]);
}

/* A deadline long past (INT64_MIN, say: a "no time left" sentinel, or a
 * deadline computed by subtraction that went below zero) times out at
 * once, as any past deadline does, from a thread and from a task: the
 * time left until it must not wrap around to centuries. */
typedef struct {
    int64_t deadline;
    int rd, wr;      /* an empty socket, and one that is full */
    int lfd;         /* a listener with no one connecting */
    int wait_rc;
    ssize_t read_rc, write_rc;
    int accept_rc;
    sl_chan *done;
} past_arg;

static int past_calls(void *p)
{
    past_arg *a = p;
    char buf[8];
    a->wait_rc = sl_fd_wait(a->rd, POLLIN, a->deadline);
    a->read_rc = sl_fd_read(a->rd, buf, sizeof buf, a->deadline);
    a->write_rc = sl_fd_write(a->wr, buf, sizeof buf, a->deadline);
    a->accept_rc = sl_fd_accept(a->lfd, NULL, NULL, SOCK_NONBLOCK, a->deadline);
    sl_chan_send(a->done, NULL);
    return 0;
}

static void *past_calls_thread(void *p)
{
    past_calls(p);
    return NULL;
}

SL_TEST(task_fd_calls_with_a_deadline_long_past_time_out_at_once)
{
    static const int64_t deadlines[] = {INT64_MIN, INT64_MIN + 1, -MS(1000) * 1000000, -1, 0};
    sl_pool *p = sl_pool_new(1);
    for (size_t i = 0; i < sizeof deadlines / sizeof deadlines[0]; i++) {
        for (int in_task = 0; in_task < 2; in_task++) {
            int a[2], b[2];
            CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
            CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
            fill(b[1]);
            int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
            struct sockaddr_un un = {.sun_family = AF_UNIX};
            CHECK(lfd >= 0);
            CHECK_EQ(bind(lfd, (struct sockaddr *)&un, sizeof(sa_family_t)), 0); /* autobind */
            CHECK_EQ(listen(lfd, 1), 0);
            past_arg arg = {deadlines[i], a[0], b[1], lfd, 99, 99, 99, 99, sl_chan_new(0, 1)};
            pthread_t t;
            if (in_task)
                CHECK_EQ(sl_go(p, past_calls, &arg), SL_OK);
            else
                CHECK_EQ(pthread_create(&t, NULL, past_calls_thread, &arg), 0);
            /* a hang is the bug: give up after 5 s rather than wait for it */
            int rc = sl_chan_recv_until(arg.done, NULL, sl_deadline_in(MS(5000)));
            if (rc != SL_OK)
                fprintf(stderr, "deadline %lld, %s: an fd call still waits after 5 s\n",
                        (long long)deadlines[i], in_task ? "task" : "thread");
            CHECK_EQ(rc, SL_OK);
            if (!in_task)
                pthread_join(t, NULL);
            CHECK_EQ(arg.wait_rc, SL_TIMEDOUT);
            CHECK_EQ(arg.read_rc, -ETIMEDOUT);
            CHECK_EQ(arg.write_rc, -ETIMEDOUT);
            CHECK_EQ(arg.accept_rc, -ETIMEDOUT);
            sl_chan_free(arg.done);
            close(a[0]);
            close(a[1]);
            close(b[0]);
            close(b[1]);
            close(lfd);
        }
    }
    sl_pool_free(p);
}
