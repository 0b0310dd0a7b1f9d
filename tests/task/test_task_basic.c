/* test_task_basic.c - starting tasks, groups, yield, sleep, stacks: the
 * task API on its own, without channels. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sluice/task.h"
#include "task_helpers.h"

static int record_in_task(void *arg)
{
    int *out = arg;
    out[0] = sl_in_task();
    out[1] = 1;
    return 0;
}

SL_TEST(task_in_task_is_one_inside_and_zero_outside)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    int seen[2] = {-1, 0};
    CHECK_EQ(sl_group_go(g, record_in_task, seen), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(seen[0], 1);
    CHECK_EQ(seen[1], 1);
    CHECK_EQ(sl_in_task(), 0);
    sl_group_free(g);
    sl_pool_free(p);
}

static int count_one(void *arg)
{
    atomic_fetch_add((_Atomic long *)arg, 1);
    return 0;
}

SL_TEST(task_go_runs_every_task_once)
{
    sl_pool *p = sl_pool_new(2);
    _Atomic long n = 0;
    long want = (long)SL_TASK_MANY(100000);
    for (long i = 0; i < want; i++)
        CHECK_EQ(sl_go(p, count_one, &n), SL_OK);
    sl_pool_free(p); /* waits for every task */
    CHECK_EQ(atomic_load(&n), want);
}

static int fail_with(void *arg)
{
    return (int)(intptr_t)arg;
}

SL_TEST(task_group_wait_returns_first_error)
{
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, fail_with, (void *)(intptr_t)0), SL_OK);
    CHECK_EQ(sl_group_go(g, fail_with, (void *)(intptr_t)7), SL_OK);
    CHECK_EQ(sl_group_wait(g), 7);
    CHECK_EQ(sl_group_wait(g), 0); /* handed out once */
    sl_group_free(g);
    sl_pool_free(p);
}

SL_TEST(task_go_rejects_null_arguments)
{
    sl_pool *p = sl_pool_new(1);
    CHECK_EQ(sl_go(NULL, count_one, NULL), SL_INVAL);
    CHECK_EQ(sl_go(p, NULL, NULL), SL_INVAL);
    CHECK_EQ(sl_group_go(NULL, count_one, NULL), SL_INVAL);
    sl_pool_free(p);
}

/* Runs fn in a child with its stderr into a pipe and a 10 s alarm (a hang
 * shows as SIGALRM); returns the wait status, the child's stderr in err. */
static int in_child(void (*fn)(void), char *err, size_t cap)
{
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        alarm(10);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < cap && (got = read(fds[0], err + len, cap - 1 - len)) > 0)
        len += (size_t)got;
    err[len] = 0;
    close(fds[0]);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

static int free_own_pool(void *arg)
{
    sl_pool_free(arg);
    return 0;
}

static void go_free_own_pool(void)
{
    sl_pool *p = sl_pool_new(1);
    sl_go(p, free_own_pool, p);
    pause(); /* the task runs; the process ends by it (or by the alarm) */
}

/* It used to join its own worker and hang silently. */
SL_TEST(task_pool_free_from_a_task_of_its_pool_aborts_with_a_message)
{
    char err[512];
    int status = in_child(go_free_own_pool, err, sizeof err);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGABRT);
    CHECK(strstr(err, "sl_pool_free: called from a task of the pool it frees") != NULL);
}

static sl_pool *parent_pool;

static int set_flag(void *arg)
{
    atomic_store((_Atomic int *)arg, 1);
    return 0;
}

static void use_pools_after_fork(void)
{
    /* The parent's pool has no workers here: it refuses work rather than
     * take a task that would never run, and freeing it returns. */
    _Atomic int ran = 0;
    if (sl_go(parent_pool, set_flag, (void *)&ran) != SL_CLOSED)
        _exit(1);
    if (sl_pool_submit(parent_pool, set_flag, (void *)&ran) != SL_CLOSED)
        _exit(2);
    sl_pool_free(parent_pool);
    /* A fresh pool works. */
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    if (sl_group_go(g, set_flag, (void *)&ran) != SL_OK || sl_group_wait(g) != 0 || !atomic_load(&ran))
        _exit(3);
    sl_group_free(g);
    sl_pool_free(p);
    _exit(0);
}

SL_TEST(task_pool_of_the_parent_refuses_work_in_a_forked_child)
{
    if (SL_TASK_NO_FORK)
        return;
    parent_pool = sl_pool_new(2);
    _Atomic int ran = 0;
    sl_group *g = sl_group_new(parent_pool);
    CHECK_EQ(sl_group_go(g, set_flag, (void *)&ran), SL_OK); /* its workers started */
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    /* Let the workers go to sleep first: ASan's allocator is not fork-safe
     * (a worker inside it at the fork leaves its lock held in the child,
     * where the fresh pool's threads then wait on it forever). */
    sl_sleep_until(sl_deadline_in(MS(200)));
    char err[512];
    int status = in_child(use_pools_after_fork, err, sizeof err);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    /* The parent's pool is untouched by the child's calls. */
    CHECK_EQ(sl_go(parent_pool, set_flag, (void *)&ran), SL_OK);
    sl_pool_free(parent_pool);
    CHECK_EQ(atomic_load(&ran), 1);
}

/* ---- a task that forks: the child goes on as a plain thread (advrt F1) --- */

static int held_pipe[2];

static int read_held_pipe(void *arg)
{
    (void)arg;
    char b;
    return sl_fd_read(held_pipe[0], &b, 1, sl_deadline_in(MS(20000))) == 1 ? 0 : 1;
}

typedef struct {
    int fd;      /* written after a pause */
    sl_chan *c;  /* then sent 42 on */
} child_peer;

static void *child_peer_main(void *arg)
{
    child_peer *cp = arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (write(cp->fd, "x", 1) != 1)
        return NULL;
    int v = 42;
    sl_chan_send(cp->c, &v);
    return NULL;
}

/* In the child, still on the copied task's stack: every kind of wait, each
 * of which used to park into the copy of the parent's pool, which has no
 * workers (and whose netpoller a thread that is not there owned). */
static int waits_in_forked_child(void)
{
    int64_t t0 = sl_now();
    sl_sleep_until(t0 + MS(50));
    if (sl_now() - t0 < MS(50))
        return 1;
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    int v = 0;
    if (sl_chan_recv_until(c, &v, sl_deadline_in(MS(30))) != SL_TIMEDOUT)
        return 2;
    int p[2];
    if (pipe2(p, O_NONBLOCK) != 0)
        return 3;
    if (sl_fd_wait(p[0], POLLIN, sl_deadline_in(MS(30))) != SL_TIMEDOUT)
        return 4;
    /* Woken by another thread of the child: by the fd, then by a channel. */
    child_peer cp = {p[1], c};
    pthread_t t;
    if (pthread_create(&t, NULL, child_peer_main, &cp) != 0)
        return 5;
    if (sl_fd_wait(p[0], POLLIN, sl_deadline_in(MS(5000))) != SL_OK)
        return 6;
    char b;
    if (sl_fd_read(p[0], &b, 1, sl_deadline_in(MS(5000))) != 1)
        return 7;
    if (sl_chan_recv(c, &v) != SL_OK || v != 42)
        return 8;
    pthread_join(t, NULL);
    sl_yield();
    if (sl_in_task())
        return 9;
    sl_chan_free(c);
    return 0;
}

static int fork_and_wait_in_child(void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10); /* a hang shows as SIGALRM */
        _exit(waits_in_forked_child());
    }
    *(pid_t *)arg = pid;
    return pid > 0 ? 0 : 1;
}

/* The child's exit status, or -1 if it has not ended within 15 s. */
static int wait_child(pid_t pid)
{
    CHECK(pid > 0); /* never kill(0) or kill(-1) below */
    int status = 0;
    for (int i = 0; i < 1500; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* A task of p parked on held_pipe: an idle worker now owns the netpoller,
 * blocked in epoll, and at a fork that thread stays behind. */
static sl_group *park_reader_on_the_poller(sl_pool *p)
{
    CHECK_EQ(pipe2(held_pipe, O_NONBLOCK), 0);
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, read_held_pipe, NULL), SL_OK);
    sl_sleep_until(sl_deadline_in(MS(100)));
    return g;
}

/* The parent's reader is untouched by the child: it reads, and p ends. */
static void release_reader_and_free(sl_pool *p, sl_group *g)
{
    CHECK_EQ(write(held_pipe[1], "x", 1), 1);
    CHECK_EQ(sl_group_wait(g), 0);
    sl_group_free(g);
    sl_pool_free(p);
    close(held_pipe[0]);
    close(held_pipe[1]);
}

/* Runs forker (which forks and stores the child's pid in its argument) as
 * a task of p; the child must exit with status 0 within 15 s. */
static void fork_from_a_task_expect_exit_0(sl_pool *p, sl_task_fn forker)
{
    pid_t pid = 0;
    sl_group *fg = sl_group_new(p);
    CHECK_EQ(sl_group_go(fg, forker, &pid), SL_OK);
    CHECK_EQ(sl_group_wait(fg), 0);
    sl_group_free(fg);
    int status = wait_child(pid);
    CHECK(status != -1);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

SL_TEST(task_forked_child_of_a_task_sleeps_and_waits_as_a_thread)
{
    if (SL_TASK_NO_FORK)
        return;
    sl_pool *p = sl_pool_new(2);
    sl_group *g = park_reader_on_the_poller(p);
    fork_from_a_task_expect_exit_0(p, fork_and_wait_in_child);
    release_reader_and_free(p, g);
}

/* ---- a task that forks and returns in the child (rtfix2) ------------------
 * POSIX: the child's only thread returning from its start routine is
 * pthread_exit of the last thread, so the process exits with status 0 and
 * runs its atexit handlers.  The task is the child's start routine here.
 * Its return used to go back into the copy of what ran it: a worker loop
 * with no thread behind it (the child hung), or the wait of a thread that
 * helped, which returned, and the child went on with the parent's
 * program. */

static int atexit_fd = -1; /* the child's atexit handler writes here */

static void say_atexit(void)
{
    if (write(atexit_fd, "A", 1) != 1)
        _exit(20);
}

typedef struct {
    pid_t pid;
    int fds[2];   /* the atexit pipe */
    sl_chan *done; /* the parent's task sends 0 here, or NULL */
} forked;

/* Forks; the child registers its atexit handler and its task returns 0,
 * as the parent's does. */
static int task_fork_then_return(void *arg)
{
    forked *f = arg;
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10); /* a hang shows as SIGALRM */
        close(f->fds[0]);
        atexit_fd = f->fds[1];
        if (atexit(say_atexit) != 0)
            _exit(21);
        return 0;
    }
    f->pid = pid;
    int rc = pid > 0 ? 0 : 1;
    if (f->done)
        sl_chan_send(f->done, &rc);
    return rc;
}

/* The child must have exited with status 0 after writing its mark from
 * atexit, within wait_child's 15 s. */
static void check_child_exited_0_after_atexit(forked *f)
{
    close(f->fds[1]);
    int status = wait_child(f->pid);
    CHECK(status != -1);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    char b[2] = {0, 0};
    CHECK_EQ(read(f->fds[0], b, 2), 1);
    CHECK_EQ(b[0], 'A');
    close(f->fds[0]);
}

/* Forks from a task started by start (sl_go or sl_pool_submit) on one of
 * p's workers: this thread waits on a channel, so it runs no task. */
static forked on_worker; /* static: LSan at the child's exit scans only the
                         * child's one thread, and a channel that this
                         * thread's stack alone points at would be a leak */

static void fork_on_a_worker(sl_pool *p, int (*start)(sl_pool *, sl_task_fn, void *))
{
    forked *f = &on_worker;
    *f = (forked){0, {-1, -1}, sl_chan_new(sizeof(int), 0)};
    CHECK_EQ(pipe(f->fds), 0);
    CHECK_EQ(start(p, task_fork_then_return, f), SL_OK);
    int rc = -1;
    CHECK_EQ(sl_chan_recv(f->done, &rc), SL_OK);
    CHECK_EQ(rc, 0);
    sl_chan_free(f->done);
    check_child_exited_0_after_atexit(f);
}

/* Holds a pool's only worker (a pool task blocked in a channel receive
 * blocks its thread) until a value comes on the channel. */
static int hold_worker(void *arg)
{
    int v;
    return sl_chan_recv(arg, &v) == SL_OK ? 0 : 1;
}

/* Forks from a task started by spawn (sl_group_go or sl_group_spawn) on a
 * pool of one held worker: this thread runs it while it helps in
 * sl_group_wait. */
static void fork_on_a_helping_thread(int (*spawn)(sl_group *, sl_task_fn, void *))
{
    sl_pool *p = sl_pool_new(1);
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    sl_group *held = sl_group_new(p);
    CHECK_EQ(sl_group_spawn(held, hold_worker, c), SL_OK);
    sl_sleep_until(sl_deadline_in(MS(100)));
    pid_t self = getpid();
    forked f = {0, {-1, -1}, NULL};
    CHECK_EQ(pipe(f.fds), 0);
    sl_group *fg = sl_group_new(p);
    CHECK_EQ(spawn(fg, task_fork_then_return, &f), SL_OK);
    CHECK_EQ(sl_group_wait(fg), 0);
    sl_group_free(fg);
    CHECK_EQ(getpid(), self); /* not the child, going on */
    check_child_exited_0_after_atexit(&f);
    int v = 1;
    CHECK_EQ(sl_chan_send(c, &v), SL_OK);
    CHECK_EQ(sl_group_wait(held), 0);
    sl_group_free(held);
    sl_chan_free(c);
    sl_pool_free(p);
}

SL_TEST(task_forked_child_of_a_task_that_returns_exits_0_after_atexit)
{
    if (SL_TASK_NO_FORK)
        return;
    sl_pool *p = sl_pool_new(2);
    /* The workers asleep at the fork (ASan's allocator is not fork-safe). */
    sl_sleep_until(sl_deadline_in(MS(100)));
    fork_on_a_worker(p, sl_go);
    /* The pool still works in the parent. */
    _Atomic int ran = 0;
    CHECK_EQ(sl_go(p, set_flag, (void *)&ran), SL_OK);
    sl_pool_free(p);
    CHECK_EQ(atomic_load(&ran), 1);
    fork_on_a_helping_thread(sl_group_go);
}

SL_TEST(task_forked_child_of_a_task_that_returns_with_a_task_on_the_poller_exits_0)
{
    if (SL_TASK_NO_FORK)
        return;
    sl_pool *p = sl_pool_new(2);
    sl_group *g = park_reader_on_the_poller(p);
    fork_on_a_worker(p, sl_go);
    release_reader_and_free(p, g);
}

/* A run-to-completion pool task (on the worker's own stack, or on the
 * helping thread's) that forks and returns: the same. */
SL_TEST(task_forked_child_of_a_pool_task_that_returns_exits_0_after_atexit)
{
    if (SL_TASK_NO_FORK)
        return;
    sl_pool *p = sl_pool_new(2);
    sl_sleep_until(sl_deadline_in(MS(100)));
    fork_on_a_worker(p, sl_pool_submit);
    sl_pool_free(p);
    fork_on_a_helping_thread(sl_group_spawn);
}

/* In the child of a task: the parent's pool and its groups refuse (a wait
 * on a group whose task is in the parent used to help on the copy and then
 * sleep forever), and a pool made in the child runs tasks, helped by the
 * child's thread on the task's stack.  Then the task returns. */
static sl_pool *fork_pool;
static sl_group *parent_group; /* one task parked in the parent */

static int child_uses_pools(void)
{
    _Atomic int ran = 0;
    if (sl_go(fork_pool, set_flag, (void *)&ran) != SL_CLOSED)
        return 1;
    if (sl_group_go(parent_group, set_flag, (void *)&ran) != SL_CLOSED)
        return 2;
    if (sl_group_wait(parent_group) != SL_CLOSED)
        return 3;
    sl_pool *q = sl_pool_new(1);
    sl_group *g = sl_group_new(q);
    _Atomic long n = 0;
    for (int i = 0; i < 200; i++)
        if (sl_group_go(g, count_one, (void *)&n) != SL_OK || sl_group_spawn(g, count_one, (void *)&n) != SL_OK)
            return 4;
    if (sl_group_wait(g) != 0 || atomic_load(&n) != 400)
        return 5;
    sl_group_free(g);
    sl_pool_free(q);
    return atomic_load(&ran) ? 6 : 0;
}

static int fork_then_use_pools(void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        int rc = child_uses_pools();
        if (rc)
            _exit(rc);
        return 0; /* exits 0 */
    }
    *(pid_t *)arg = pid;
    return pid > 0 ? 0 : 1;
}

SL_TEST(task_forked_child_of_a_task_refuses_the_parents_groups_and_runs_a_new_pool)
{
    if (SL_TASK_NO_FORK)
        return;
    fork_pool = sl_pool_new(2);
    parent_group = park_reader_on_the_poller(fork_pool);
    fork_from_a_task_expect_exit_0(fork_pool, fork_then_use_pools);
    release_reader_and_free(fork_pool, parent_group);
}
