/* test_task_stack.c - task stacks: a task that overflows its stack dies
 * on its guard page (death tests, in a child process), and the stack
 * size a pool gives its tasks. */
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sluice/task.h"
#include "stack.h"
#include "task.h"
#include "task_helpers.h"

enum { ON_GUARD = 42, ELSEWHERE = 43 };

static char *guard_lo;
static size_t guard_len;

__attribute__((noinline)) static int recurse(int n)
{
    volatile char buf[512];
    buf[0] = (char)n;
    if (n == 0)
        return buf[0];
    return recurse(n - 1) + buf[0]; /* not a tail call */
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)ctx;
    char *a = si->si_addr;
    _exit(a >= guard_lo && a < guard_lo + guard_len ? ON_GUARD : ELSEWHERE);
}

/* One frame bigger than the whole stack, touched at its far end: without
 * stack clash protection that write skips the guard page and lands in
 * whatever lies below it (another task's stack) — silent corruption. */
__attribute__((noinline)) static int big_frame(size_t n)
{
    volatile char buf[n];
    buf[0] = 1;
    return buf[0];
}

typedef struct {
    int catch_it, big;
} overflow_how;

static int overflow(void *arg)
{
    overflow_how *how = arg;
    int catch_it = how->catch_it;
    if (catch_it) {
        /* The handler needs a stack of its own: this one is exhausted. */
        static char alt[1 << 16];
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaction(SIGSEGV, &sa, NULL);
        sl__g *g = sl__task_self();
        guard_lo = sl__stack_guard(g);
        guard_len = (size_t)(g->stack_lo - guard_lo);
    }
    if (how->big)
        return big_frame(sl__task_self()->stack_size + (8 << 10));
    return recurse(1 << 30);
}

/* Runs the overflowing task in a child; returns its wait status. */
static int overflow_in_child_how(int catch_it, int big)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        overflow_how how = {catch_it, big};
        sl_pool *p = sl_pool_new(1);
        sl_go(p, overflow, &how);
        sl_pool_free(p);
        _exit(0); /* not reached: the task never returns */
    }
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    return status;
}

static int overflow_in_child(int catch_it)
{
    return overflow_in_child_how(catch_it, 0);
}

/* The fault's address is on the task's guard page. */
SL_TEST(task_stack_overflow_faults_on_the_guard_page)
{
    int status = overflow_in_child(1);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), ON_GUARD);
}

/* A single frame larger than the stack (and the guard) faults on the
 * guard page too, not in a neighbour's stack: this library and its tests
 * are built with stack clash protection, as docs/api/task.md asks of task
 * code. */
SL_TEST(task_frame_larger_than_the_stack_faults_on_the_guard_page)
{
#ifdef SLUICE_STACK_CLASH_PROTECTION
    int status = overflow_in_child_how(1, 1);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), ON_GUARD);
#endif
}

/* With no handler the process dies of SIGSEGV, cleanly (sanitizer builds
 * report the overflow themselves and abort, so this runs optimised only). */
SL_TEST(task_stack_overflow_kills_the_process_with_sigsegv)
{
    if (SL_TEST_SANITIZED)
        return;
    int status = overflow_in_child(0);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGSEGV);
}

/* ---- stack size ----------------------------------------------------------------- */

static int deep(void *arg)
{
    (void)arg;
    /* about 700 KiB of frames: fits in 1 MiB, not in the default */
    return recurse(1300) == 0 ? 0 : 0;
}

SL_TEST(task_stack_size_is_the_pools_and_fixed_once_used)
{
    sl_pool *p = sl_pool_new(1);
    CHECK_EQ(sl_pool_stack_size(p), sl__stack_default_size());
    CHECK_EQ(sl_pool_set_stack_size(p, 1024), SL_INVAL);
    CHECK_EQ(sl_pool_set_stack_size(p, (size_t)2 << 30), SL_INVAL);
    CHECK_EQ(sl_pool_set_stack_size(p, (1 << 20) + 1), SL_OK);
    CHECK_EQ(sl_pool_stack_size(p), (1 << 20) + 4096); /* whole pages */
    sl_group *g = sl_group_new(p);
    CHECK_EQ(sl_group_go(g, deep, NULL), SL_OK);
    CHECK_EQ(sl_group_wait(g), 0);
    CHECK_EQ(sl_pool_set_stack_size(p, 1 << 16), SL_INVAL); /* a task has run */
    sl_group_free(g);
    sl_pool_free(p);
}
