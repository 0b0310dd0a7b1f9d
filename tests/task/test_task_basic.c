/* test_task_basic.c - starting tasks, groups, yield, sleep, stacks: the
 * task API on its own, without channels. */
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
#if defined(__SANITIZE_THREAD__)
    return; /* TSan does not support fork() in a process with threads */
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
    return;
#endif
#endif
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
