/* test_task_stack.c - task stacks: a task that overflows its stack dies
 * on its guard page (death tests, in a child process), and the stack
 * size a pool gives its tasks. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

/* ---- the mapping limit of kernels before 6.13 (advrt F4) ------------------------ */

/* Makes this process see a kernel before 6.13, as the stock kernel of
 * Debian 12 (6.1) is: process_madvise and madvise(MADV_GUARD_INSTALL)
 * fail with EINVAL, so guard pages fall back to mprotect. */
static int refuse_guard_regions(void)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_madvise, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 102 /* MADV_GUARD_INSTALL */, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static long read_number(const char *path)
{
    char *s = sl_test_slurp(path);
    long v = s ? atol(s) : 0;
    free(s);
    return v;
}

static long mappings_now(void)
{
    char *s = sl_test_slurp("/proc/self/maps");
    long n = 0;
    for (char *q = s; q && *q; q++)
        n += *q == '\n';
    free(s);
    return n;
}

/* Uses up all but about `spare` of the process's mappings (vm.max_map_count),
 * with one region of alternating protections, as ~32,000 stacks would. */
static int eat_mappings(long spare)
{
    long want = read_number("/proc/sys/vm/max_map_count") - mappings_now() - spare;
    if (want <= 0)
        return 0;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), k = (size_t)want / 2;
    char *r = mmap(NULL, (2 * k + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (r == MAP_FAILED)
        return -1;
    for (size_t i = 0; i < k; i++)
        if (mprotect(r + (2 * i + 1) * page, page, PROT_NONE) != 0)
            return -1;
    return 0;
}

static sl_chan *gate;

static int park_on_gate(void *arg)
{
    int v;
    sl_chan_recv(arg, &v);
    return 0;
}

static void run_out_of_stack_mappings(void)
{
    if (refuse_guard_regions())
        _exit(90);
    sl_pool *p = sl_pool_new(2);
    sl_group *g = sl_group_new(p);
    gate = sl_chan_new(sizeof(int), 0);
    /* One task first: its chunk finds out that guard regions fail. */
    sl_chan_close(gate);
    if (sl_group_go(g, park_on_gate, gate) != SL_OK || sl_group_wait(g) != 0)
        _exit(91);
    sl_chan_free(gate);
    if (eat_mappings(600) != 0)
        _exit(92);
    /* In a group, a task that finds no stack ends with SL_NOMEM. */
    gate = sl_chan_new(sizeof(int), 0);
    for (int i = 0; i < 20000; i++)
        if (sl_group_go(g, park_on_gate, gate) != SL_OK)
            _exit(93);
    for (int i = 0; i < 20000 && !sl_group_failed(g); i++)
        sl_sleep_until(sl_deadline_in(MS(1)));
    sl_chan_close(gate);
    if (sl_group_wait(g) != SL_NOMEM)
        _exit(94);
    fputs("group: SL_NOMEM\n", stderr);
    /* A lone task has nobody to tell: the process ends, saying why. */
    gate = sl_chan_new(sizeof(int), 0);
    for (int i = 0; i < 20000; i++)
        sl_go(p, park_on_gate, gate);
    sl_sleep_until(sl_deadline_in(MS(15000)));
    _exit(95);
}

SL_TEST(task_stacks_past_the_mapping_limit_of_old_kernels_say_so)
{
    if (SL_TASK_NO_FORK)
        return;
    long max = read_number("/proc/sys/vm/max_map_count");
    if (max <= 0 || max > 300000) {
        fprintf(stderr, "skipped: vm.max_map_count %ld is too large to use up quickly\n", max);
        return;
    }
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        alarm(30);
        run_out_of_stack_mappings();
    }
    close(fds[1]);
    char err[2048];
    size_t len = 0;
    ssize_t got;
    while (len + 1 < sizeof err && (got = read(fds[0], err + len, sizeof err - 1 - len)) > 0)
        len += (size_t)got;
    err[len] = 0;
    close(fds[0]);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fprintf(stderr, "child status %#x, stderr:\n%s\n", status, err);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGABRT);
    CHECK(strstr(err, "group: SL_NOMEM") != NULL);
    CHECK(strstr(err, "vm.max_map_count") != NULL);
    CHECK(strstr(err, "task stacks in this pool") != NULL);
    CHECK(strstr(err, "Linux 6.13") != NULL);
}
