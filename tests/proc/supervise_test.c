/*
 * supervise_test.c - what the supervisor does when workers misbehave:
 * crashes, aborts, exits, deadlines, hangs, memory, garbage in shared
 * memory.  A task is answered exactly once, run at most twice, and the
 * pool carries on.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "sluice/task.h"

static sl_proc_stats stats_of(sl_proc_pool *p)
{
    sl_proc_stats st;
    CHECK_EQ(sl_proc_pool_stats(p, &st), SL_OK);
    return st;
}

/* The pool still works: one normal task goes through. */
static void check_still_serves(sl_proc_pool *p)
{
    CHECK_EQ(submit_str(p, "pid", 1000), SL_OK);
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.tag, 1000);
    CHECK_EQ(r.status, SL_OK);
    free(r.data);
}

static sl_proc_result run_fault(sl_proc_pool *p, const char *cmd)
{
    CHECK_EQ(submit_str(p, cmd, 1), SL_OK);
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.tag, 1);
    return r;
}

SL_TEST(proc_crashed_task_is_retried_once_then_reported_with_the_signal)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    sl_proc_result r = run_fault(p, "segv");
    CHECK_EQ(r.status, SL_PROC_CRASHED);
    CHECK_EQ(r.code, SIGSEGV);
    CHECK_EQ(r.attempts, 2);
    CHECK(strstr(r.why, "killed by SIGSEGV") != NULL);
    CHECK(r.data == NULL && r.len == 0);
    sl_proc_stats st = stats_of(p);
    CHECK_EQ(st.retries, 1);
    CHECK_EQ(st.crashes, 2);
    CHECK_EQ(st.failed, 1);
    check_still_serves(p);
    CHECK(stats_of(p).restarts >= 1);
    sl_proc_pool_free(p);
}

SL_TEST(proc_aborted_task_is_reported_as_sigabrt)
{
    sl_proc_config c = test_config(&test_fault, 1);
    sl_proc_pool *p = test_pool(&c);
    sl_proc_result r = run_fault(p, "abort");
    CHECK_EQ(r.status, SL_PROC_CRASHED);
    CHECK_EQ(r.code, SIGABRT);
    CHECK_EQ(r.attempts, 2);
    CHECK(strstr(r.why, "SIGABRT") != NULL);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

SL_TEST(proc_worker_exiting_mid_task_is_reported_with_its_status)
{
    sl_proc_config c = test_config(&test_fault, 1);
    sl_proc_pool *p = test_pool(&c);
    sl_proc_result r = run_fault(p, "exit 3");
    CHECK_EQ(r.status, SL_PROC_EXITED);
    CHECK_EQ(r.code, 3);
    CHECK_EQ(r.attempts, 2);
    CHECK(strstr(r.why, "exited with status 3") != NULL);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* The retry runs on a worker that was already there, not on the crashed
 * one's replacement; and a task that crashes once then succeeds is an
 * ordinary result, with attempts 2. */
SL_TEST(proc_retry_goes_to_another_worker_and_can_succeed)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    int before[2] = {sl_proc_pool_pid(p, 0), sl_proc_pool_pid(p, 1)};
    char path[] = "/tmp/sluice-proc-once-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path); /* the worker creates it on its first run */
    char cmd[64];
    snprintf(cmd, sizeof cmd, "once %s", path);
    sl_proc_result r = run_fault(p, cmd);
    unlink(path);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.attempts, 2);
    CHECK(r.len > 0 && r.len < 16);
    char pid[16] = {0};
    memcpy(pid, r.data, r.len);
    int ran_on = atoi(pid);
    CHECK(ran_on == before[0] || ran_on == before[1]); /* not a new process */
    CHECK(sl_proc_pool_pid(p, 0) != before[0] || sl_proc_pool_pid(p, 1) != before[1]); /* one was replaced */
    CHECK(ran_on == sl_proc_pool_pid(p, 0) || ran_on == sl_proc_pool_pid(p, 1)); /* the survivor */
    free(r.data);
    CHECK_EQ(stats_of(p).retries, 1);
    sl_proc_pool_free(p);
}

/* Past its deadline a task's worker is killed; the task is tried once
 * more and reported SL_TIMEDOUT.  A task on the other worker is not
 * disturbed. */
SL_TEST(proc_task_past_its_deadline_is_killed_and_reported)
{
    sl_proc_config c = test_config(&test_fault, 2);
    c.task_timeout_ns = 300 * 1000000LL;
    sl_proc_pool *p = test_pool(&c);
    int64_t t0 = sl_now();
    CHECK_EQ(submit_str(p, "hang", 1), SL_OK);
    CHECK_EQ(submit_str(p, "sleep 100", 2), SL_OK);
    sl_proc_result a = next_result(p, 60), b = next_result(p, 60);
    sl_proc_result *hung = a.tag == 1 ? &a : &b, *fine = a.tag == 1 ? &b : &a;
    CHECK_EQ(fine->tag, 2);
    CHECK_EQ(fine->status, SL_OK);
    CHECK_EQ(hung->status, SL_TIMEDOUT);
    CHECK_EQ(hung->attempts, 2);
    CHECK(strstr(hung->why, "timed out after 300 ms") != NULL);
    CHECK(sl_now() - t0 >= 600 * 1000000LL); /* two runs of 300 ms each */
    free(fine->data);
    CHECK_EQ(stats_of(p).timeouts, 2);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* A worker that stops beating is hung: killed and replaced.  A long task
 * that beats is left alone. */
SL_TEST(proc_silent_worker_is_killed_as_hung_a_beating_one_is_not)
{
    sl_proc_config c = test_config(&test_fault, 1);
    c.heartbeat_ns = 300 * 1000000LL;
    sl_proc_pool *p = test_pool(&c);
    sl_proc_result r = run_fault(p, "beat 900");
    CHECK_EQ(r.status, SL_OK);
    free(r.data);
    r = run_fault(p, "sleep 5000");
    CHECK_EQ(r.status, SL_PROC_HUNG);
    CHECK_EQ(r.attempts, 2);
    CHECK(strstr(r.why, "no heartbeat") != NULL);
    CHECK(r.latency_ns < 4000 * 1000000LL); /* well before the sleep would have ended */
    /* An idle worker that is stopped stops beating too. */
    wait_ready(p, 1);
    int pid = sl_proc_pool_pid(p, 0);
    CHECK(pid > 0);
    CHECK_EQ(kill(pid, SIGSTOP), 0);
    int64_t until = sl_deadline_in(10000000000LL);
    while ((sl_proc_pool_pid(p, 0) == pid || sl_proc_pool_pid(p, 0) == 0) && sl_now() < until)
        usleep(10000);
    CHECK(sl_proc_pool_pid(p, 0) != pid);
    CHECK_EQ(stats_of(p).hangs, 3);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* The memory limits are set above what an idle worker uses (which
 * depends on the build: ASan's shadow memory is private too). */
static sl_proc_config memory_config(size_t over_idle_mib, size_t kill_over_idle_mib)
{
    sl_proc_config probe = test_config(&test_fault, 1);
    sl_proc_pool *p = test_pool(&probe);
    int64_t idle = sl_proc_pool_rss(p, 0);
    sl_proc_pool_free(p);
    CHECK(idle > 0);
    sl_proc_config c = test_config(&test_fault, 1);
    c.mem_limit = (size_t)idle + (over_idle_mib << 20);
    c.mem_kill = (size_t)idle + (kill_over_idle_mib << 20);
    return c;
}

/* Over mem_limit, a worker finishes its task, then is replaced. */
SL_TEST(proc_worker_over_memory_limit_is_recycled_after_its_task)
{
    sl_proc_config c = memory_config(32, 1024);
    sl_proc_pool *p = test_pool(&c);
    int pid = sl_proc_pool_pid(p, 0);
    sl_proc_result r = run_fault(p, "keep 64");
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.attempts, 1);
    free(r.data);
    int64_t until = sl_deadline_in(10000000000LL);
    while (stats_of(p).recycled == 0 && sl_now() < until)
        usleep(5000);
    CHECK_EQ(stats_of(p).recycled, 1);
    while ((sl_proc_pool_pid(p, 0) == pid || sl_proc_pool_pid(p, 0) == 0) && sl_now() < until)
        usleep(5000);
    CHECK(sl_proc_pool_pid(p, 0) != pid);
    CHECK(sl_proc_pool_rss(p, 0) < (int64_t)c.mem_limit);
    CHECK_EQ(stats_of(p).failed, 0);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* Allocating without bound gets the worker killed at mem_kill. */
SL_TEST(proc_runaway_allocation_is_killed_over_the_memory_limit)
{
    sl_proc_config c = memory_config(16, 64);
    sl_proc_pool *p = test_pool(&c);
    sl_proc_result r = run_fault(p, "alloc");
    CHECK_EQ(r.status, SL_PROC_OVERMEM);
    CHECK_EQ(r.attempts, 2);
    CHECK(strstr(r.why, "over the memory limit") != NULL);
    CHECK_EQ(stats_of(p).overmem, 2);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* Replies forged in shared memory, each impossible in a different way:
 * the pool reports the worker, never reads outside the mapping, and goes
 * on.  Then workers that scribble at random over everything they can
 * write. */
SL_TEST(proc_garbage_in_shared_memory_cannot_crash_the_parent)
{
    sl_proc_config c = test_config(&test_fault, 2);
    c.depth = 4;
    c.slot_size = 256;
    sl_proc_pool *p = test_pool(&c);
    const char *forged[] = {"head", "seq", "len", "off", "ref"};
    for (size_t i = 0; i < 5; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "forge %s 4 256", forged[i]);
        sl_proc_result r = run_fault(p, cmd);
        CHECK_EQ(r.status, SL_PROC_BADMSG);
        CHECK_EQ(r.attempts, 2);
        CHECK(strstr(r.why, "malformed") != NULL);
    }
    CHECK_EQ(stats_of(p).badmsg, 10);
    size_t n = SL_TEST_SANITIZED ? 10 : 40;
    for (uint64_t i = 0; i < n; i++)
        CHECK_EQ(submit_str(p, i % 2 ? "garbage" : "pid", i), SL_OK);
    unsigned char *seen = calloc(n, 1);
    for (size_t k = 0; k < n; k++) {
        sl_proc_result r = next_result(p, 60);
        CHECK(r.tag < n && !seen[r.tag]);
        seen[r.tag] = 1;
        CHECK(r.status == SL_OK || r.status == SL_PROC_BADMSG || r.status == SL_PROC_EXITED ||
              r.status == SL_PROC_CRASHED);
        free(r.data);
    }
    free(seen);
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* A run that wrote over the words the pool keeps at the top of its
 * worker's shared page: its reply is refused (the worker's memory cannot
 * be trusted), and the task queued behind it on the same worker is not
 * charged for the worker's death - the word that said it had begun was
 * one of those written over. */
SL_TEST(proc_run_that_overwrites_the_pools_words_is_refused_and_spares_the_next_task)
{
    sl_proc_config c = test_config(&test_fault, 1);
    c.depth = 4;
    sl_proc_pool *p = test_pool(&c);
    for (int round = 0; round < 3; round++) {
        CHECK_EQ(submit_str(p, "smash", 1), SL_OK);
        CHECK_EQ(submit_str(p, "pid", 2), SL_OK);
        int got = 0;
        for (int k = 0; k < 2; k++) {
            sl_proc_result r = next_result(p, 60);
            if (r.tag == 1) {
                CHECK_EQ(r.status, SL_PROC_BADMSG);
                CHECK_EQ(r.attempts, 2);
                CHECK(strstr(r.why, "wrote over the pool's words") != NULL);
            } else {
                CHECK_EQ(r.tag, 2);
                CHECK_EQ(r.status, SL_OK);
                CHECK_EQ(r.attempts, 1);
            }
            got |= 1 << (r.tag - 1);
            free(r.data);
        }
        CHECK_EQ(got, 3);
    }
    check_still_serves(p);
    sl_proc_pool_free(p);
}

/* Idle workers killed from outside are replaced; no task is affected. */
SL_TEST(proc_idle_worker_killed_from_outside_is_replaced)
{
    sl_proc_config c = test_config(&test_echo, 2);
    sl_proc_pool *p = test_pool(&c);
    /* Idle means serving: killed while still starting, it is a failed
     * start (retried, not counted as a restart). */
    wait_ready(p, 2);
    int pid = sl_proc_pool_pid(p, 1);
    CHECK_EQ(kill(pid, SIGKILL), 0);
    int64_t until = sl_deadline_in(60000000000LL); /* a loaded ASan machine: seconds */
    /* the slot answers pid 0 once its worker has exited, and the dead
     * worker counts as ready until the supervisor has reaped it: wait for
     * a new live pid (a 0 with a stale ready == 2 read 0 restarts) */
    for (int now_pid; ((now_pid = sl_proc_pool_pid(p, 1)) == pid || now_pid == 0 || stats_of(p).ready < 2) &&
                      sl_now() < until;)
        usleep(2000);
    sl_proc_stats st = stats_of(p);
    CHECK_EQ(st.ready, 2);
    CHECK_EQ(st.restarts, 1);
    CHECK_EQ(st.crashes, 1);
    CHECK_EQ(st.failed, 0);
    CHECK(st.restart_last_ns > 0);
    sl_proc_pool_free(p);
}

/* With a spare, a dead worker's place is taken by a process already
 * started: a hand-off, not an exec; then a new spare starts. */
SL_TEST(proc_spare_takes_a_dead_workers_place_at_once)
{
    sl_proc_config c = test_config(&test_fault, 1);
    c.spares = 1;
    sl_proc_pool *p = test_pool(&c);
    int64_t until = sl_deadline_in(30000000000LL);
    while (stats_of(p).spares_ready < 1 && sl_now() < until)
        usleep(2000);
    CHECK_EQ(stats_of(p).spares_ready, 1);
    int pid = sl_proc_pool_pid(p, 0);
    sl_proc_result r = run_fault(p, "segv"); /* two deaths, two hand-offs */
    CHECK_EQ(r.status, SL_PROC_CRASHED);
    CHECK_EQ(r.attempts, 2);
    wait_ready(p, 1);
    CHECK(sl_proc_pool_pid(p, 0) != pid);
    sl_proc_stats st = stats_of(p);
    CHECK(st.restarts >= 2);
    CHECK(st.restart_last_ns > 0);
    while (stats_of(p).spares_ready < 1 && sl_now() < until) /* a new spare */
        usleep(2000);
    CHECK_EQ(stats_of(p).spares_ready, 1);
    check_still_serves(p);
    /* The spare never ran a task: everything went to slot 0. */
    CHECK_EQ(stats_of(p).answered, 1);
    sl_proc_pool_free(p);
}

/* Tasks that crash their worker are the tasks' failures, not failed
 * starts: each replacement is started at once, so a burst of them costs
 * a restart (an exec) each, and an innocent task behind them is not kept
 * waiting by the back-off meant for workers that cannot start (1, 2, 4
 * ... ms up to 1 s: about 10 s for this burst).  What is checked does not
 * depend on how fast this machine execs: when the last crashing task is
 * answered, both slots have a process again within 400 ms (after a
 * back-off, the slot whose worker died last would have none for 512 ms
 * to 1 s). */
SL_TEST(proc_burst_of_crashing_tasks_restarts_without_backoff)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    wait_ready(p, 2);
    enum { POISON = 20 };
    int64_t t0 = sl_now();
    for (uint64_t i = 0; i < POISON; i++)
        CHECK_EQ(submit_str(p, "segv", i), SL_OK);
    for (int k = 0; k < POISON; k++) {
        sl_proc_result r = next_result(p, 120);
        CHECK(r.tag < POISON);
        CHECK_EQ(r.status, SL_PROC_CRASHED);
        CHECK_EQ(r.attempts, 2);
    }
    int64_t burst_ns = sl_now() - t0, until = sl_now() + 400000000LL;
    while ((!sl_proc_pool_pid(p, 0) || !sl_proc_pool_pid(p, 1)) && sl_now() < until)
        usleep(1000);
    CHECK(sl_proc_pool_pid(p, 0) && sl_proc_pool_pid(p, 1));
    CHECK_EQ(stats_of(p).crashes, 2 * POISON);
    /* And a task after them runs at once, on a replacement. */
    CHECK_EQ(submit_str(p, "pid", POISON), SL_OK);
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.tag, POISON);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.attempts, 1);
    free(r.data);
    fprintf(stderr, "%d crashing tasks in %lld ms, then an innocent one in %lld ms\n", POISON,
            (long long)(burst_ns / 1000000), (long long)((sl_now() - t0 - burst_ns) / 1000000));
    sl_proc_pool_free(p);
}

/* Deaths that a task's `taken` word charges to it are its own: the tasks
 * queued behind it in the same ring go back uncharged, however often that
 * happens.  (The guard that fails a task after 16 deaths of workers that
 * began nothing must not count them: here the last task sees 24 deaths
 * before it begins, and still runs, once.) */
SL_TEST(proc_tasks_queued_behind_crashing_ones_still_run)
{
    enum { POISON = 12 };
    sl_proc_config c = test_config(&test_fault, 1);
    c.depth = POISON + 1; /* all in one ring at once */
    sl_proc_pool *p = test_pool(&c);
    wait_ready(p, 1);
    for (uint64_t i = 0; i < POISON; i++)
        CHECK_EQ(submit_str(p, "segv", i), SL_OK);
    CHECK_EQ(submit_str(p, "pid", POISON), SL_OK);
    for (int k = 0; k <= POISON; k++) {
        sl_proc_result r = next_result(p, 60);
        if (r.tag == POISON) {
            CHECK_EQ(r.status, SL_OK);
            CHECK_EQ(r.attempts, 1);
        } else {
            CHECK_EQ(r.status, SL_PROC_CRASHED);
            CHECK_EQ(r.attempts, 2);
        }
        free(r.data);
    }
    CHECK_EQ(stats_of(p).crashes, 2 * POISON);
    sl_proc_pool_free(p);
}

/* A worker that dies before it begins any task failed to start, and the
 * slot backs off (1, 2, 4 ... ms) instead of spinning, even with a task
 * queued to each replacement.  The first worker serves; once the gate
 * file exists its replacements fail `init`. */
SL_TEST(proc_worker_failing_to_start_is_restarted_with_backoff)
{
    char gate[] = "/tmp/sluice-proc-gate-XXXXXX";
    int fd = mkstemp(gate);
    CHECK(fd >= 0);
    close(fd);
    unlink(gate);
    CHECK_EQ(setenv("SLUICE_TEST_PROC_GATE", gate, 1), 0);
    sl_proc_config c = test_config(&test_gated, 1);
    sl_proc_pool *p = test_pool(&c);
    wait_ready(p, 1);
    fd = open(gate, O_CREAT | O_EXCL | O_WRONLY, 0600);
    CHECK(fd >= 0);
    close(fd);
    int pid = sl_proc_pool_pid(p, 0);
    int64_t t0 = sl_now();
    CHECK_EQ(kill(pid, SIGKILL), 0);
    CHECK_EQ(submit_str(p, "pid", 7), SL_OK); /* waits for a starting worker */
    sl_sleep_until(t0 + 600000000LL);
    sl_proc_stats st = stats_of(p);
    uint64_t restarts = st.restarts;
    unlink(gate);
    /* One crash (the kill); the replacements that failed init are start
     * failures, not crashes (they used to count as crashes). */
    CHECK_EQ(st.crashes, 1);
    CHECK(st.start_failures >= 1 && st.start_failures <= restarts);
    /* 600 ms of 1, 2, 4 ... ms back-off allow about 10 starts; without it
     * a start (an exec) every few ms would make dozens.  (A sanitized
     * binary on a loaded machine may take most of the 600 ms to fail
     * once: at least the first restart.) */
    fprintf(stderr, "%llu starts in 600 ms while they fail\n", (unsigned long long)restarts);
    CHECK(restarts >= 1 && restarts <= 12);
    /* The task never began on any of them: it runs once, uncounted before. */
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.tag, 7);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.attempts, 1);
    free(r.data);
    sl_proc_pool_free(p);
    unsetenv("SLUICE_TEST_PROC_GATE");
}
