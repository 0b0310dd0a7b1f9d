/*
 * stress_test.c - the process pool under fire: workers killed with
 * SIGKILL at random during 100,000 tasks, the parent killed with SIGKILL,
 * the circuit breaker on a real clock, health in the metrics' JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

extern char **environ;

static sl_proc_stats stats_of(sl_proc_pool *p)
{
    sl_proc_stats st;
    CHECK_EQ(sl_proc_pool_stats(p, &st), SL_OK);
    return st;
}

typedef struct fire {
    sl_proc_pool *p;
    size_t n, workers;
    _Atomic int done;
    int kills, max_kills;
    int64_t gap_ns;
} fire;

static void *submit_all(void *arg)
{
    fire *f = arg;
    for (uint64_t i = 0; i < f->n; i++) {
        uint64_t v[2] = {i, i * 0x9E3779B97F4A7C15ull};
        CHECK_EQ(sl_proc_pool_submit(f->p, v, sizeof v, i), SL_OK);
    }
    return NULL;
}

static void *kill_at_random(void *arg)
{
    fire *f = arg;
    while (!atomic_load(&f->done) && f->kills < f->max_kills) {
        int64_t gap = f->gap_ns / 2 + (int64_t)(sl_test_rand() % (uint64_t)f->gap_ns);
        struct timespec ts = {0, gap};
        nanosleep(&ts, NULL);
        int pid = sl_proc_pool_pid(f->p, sl_test_rand() % f->workers);
        if (pid > 0 && kill(pid, SIGKILL) == 0)
            f->kills++;
    }
    return NULL;
}

/* Every task answered exactly once; every answer right; a task fails only
 * when both its runs were killed, and then says so. */
SL_TEST(proc_kill_9_during_100000_tasks_answers_each_exactly_once)
{
    fire f = {.n = SL_TEST_SANITIZED ? 20000 : 100000 * (size_t)sl_test_stress(), .workers = 3,
              .max_kills = SL_TEST_SANITIZED ? 15 : 150, .gap_ns = SL_TEST_SANITIZED ? 40000000 : 4000000};
    sl_proc_config c = test_config(&test_echo, f.workers);
    c.depth = 16;
    c.slot_size = 64;
    f.p = test_pool(&c);
    unsigned char *seen = calloc(f.n, 1);
    pthread_t sub, killer;
    CHECK_EQ(pthread_create(&sub, NULL, submit_all, &f), 0);
    CHECK_EQ(pthread_create(&killer, NULL, kill_at_random, &f), 0);
    size_t failed = 0;
    for (size_t k = 0; k < f.n; k++) {
        sl_proc_result r = next_result(f.p, 120);
        CHECK(r.tag < f.n && !seen[r.tag]);
        seen[r.tag] = 1;
        if (r.status == SL_OK) {
            uint64_t *v = r.data;
            CHECK_EQ(r.len, 16);
            CHECK(v[0] == r.tag && v[1] == r.tag * 0x9E3779B97F4A7C15ull);
        } else {
            CHECK_EQ(r.status, SL_PROC_CRASHED);
            CHECK_EQ(r.code, SIGKILL);
            CHECK_EQ(r.attempts, 2);
            failed++;
        }
        free(r.data);
    }
    atomic_store(&f.done, 1);
    pthread_join(sub, NULL);
    pthread_join(killer, NULL);
    /* A kill that lands after the last answer may not be seen yet: the
     * dead worker still counts as ready until the supervisor reaps it
     * (a fresh-clone ASan run read 0 restarts after 1 kill).  Every kill
     * of a live worker ends in a restart, so wait for the first. */
    CHECK(f.kills > 0);
    int64_t until = sl_deadline_in(30000000000LL);
    while (stats_of(f.p).restarts == 0 && sl_now() < until) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    wait_ready(f.p, f.workers); /* the last kills' replacements are up */
    sl_proc_stats st = stats_of(f.p);
    CHECK_EQ(st.answered + st.failed, f.n);
    CHECK_EQ(st.failed, failed);
    CHECK(st.restarts >= 1 && st.restarts <= (uint64_t)f.kills);
    CHECK(failed <= (size_t)f.kills / 2);
    CHECK_EQ(st.inflight, 0);
    printf("     %d kills, %llu restarts, %llu retries, %zu tasks failed twice\n", f.kills,
           (unsigned long long)st.restarts, (unsigned long long)st.retries, failed);
    free(seen);
    sl_proc_pool_free(f.p);
}

/* ---- the parent killed -------------------------------------------------------- */

/* 1 if any process still maps or holds a memfd named for `tag`. */
static int memfd_left(const char *tag)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d)) && !found) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], line[512];
        snprintf(path, sizeof path, "/proc/%s/maps", e->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f) && !found)
            found = strstr(line, tag) != NULL;
        if (f)
            fclose(f);
        snprintf(path, sizeof path, "/proc/%s/fd", e->d_name);
        DIR *fds = opendir(path);
        struct dirent *fe;
        while (fds && (fe = readdir(fds)) && !found) {
            char link[600], target[300];
            snprintf(link, sizeof link, "%s/%s", path, fe->d_name);
            ssize_t n = readlink(link, target, sizeof target - 1);
            if (n > 0) {
                target[n] = 0;
                found = strstr(target, tag) != NULL;
            }
        }
        if (fds)
            closedir(fds);
    }
    if (d)
        closedir(d);
    return found;
}

static int shm_entries(void)
{
    DIR *d = opendir("/dev/shm");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

/* Waits (up to 10 s) for pid, a child of ours, to end; its wait status. */
static int reap_within(pid_t pid)
{
    int st = 0;
    int64_t until = sl_deadline_in(10000000000LL);
    while (sl_now() < until) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        usleep(2000); /* ECHILD until it is reparented to us */
    }
    return -1;
}

SL_TEST(proc_parent_killed_by_sigkill_leaves_nothing_behind)
{
    /* Orphans come to us, so we can see how they ended and leave no zombie. */
    CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int shm_before = shm_entries();
    int out[2];
    CHECK_EQ(pipe(out), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    memcpy(env, environ, n * sizeof *env);
    env[n] = "SLUICE_TEST_PROC_PARENT=1";
    char *argv[] = {"proc_stress_tests", NULL};
    pid_t parent;
    CHECK_EQ(posix_spawn(&parent, "/proc/self/exe", &fa, NULL, argv, env), 0);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    close(out[1]);
    char line[128] = {0};
    FILE *f = fdopen(out[0], "r");
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    int ppid, w[2];
    CHECK_EQ(sscanf(line, "%d %d %d", &ppid, &w[0], &w[1]), 3);
    CHECK_EQ(ppid, parent);
    char tag[64];
    snprintf(tag, sizeof tag, "sluice-proc.%d.", ppid);
    CHECK(memfd_left(tag)); /* the test can see them while they live */
    CHECK_EQ(kill(w[0], 0), 0);
    CHECK_EQ(kill(w[1], 0), 0);

    CHECK_EQ(kill(parent, SIGKILL), 0);
    int st = reap_within(parent);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    for (int i = 0; i < 2; i++) {
        st = reap_within(w[i]); /* PR_SET_PDEATHSIG: SIGKILL */
        CHECK(st != -1);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        CHECK(kill(w[i], 0) == -1 && errno == ESRCH); /* reaped: no zombie */
    }
    CHECK(!memfd_left(tag));
    CHECK_EQ(shm_entries(), shm_before);
    CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}

/* ---- the breaker on a real clock -------------------------------------------------- */

/* The status of the next result, which must be tag's. */
static int status_for(sl_proc_pool *p, uint64_t tag)
{
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.tag, tag);
    free(r.data);
    return r.status;
}

/* Submits `cmd` until it is let in; returns when that happened. */
static int64_t submit_when_let_in(sl_proc_pool *p, const char *cmd, uint64_t tag)
{
    int64_t until = sl_deadline_in(30000000000LL);
    int rc;
    while ((rc = submit_str(p, cmd, tag)) == SL_REFUSED && sl_now() < until)
        usleep(5000);
    CHECK_EQ(rc, SL_OK);
    return sl_now();
}

SL_TEST(proc_breaker_opens_and_half_opens_on_schedule)
{
    const int64_t cool = 500 * 1000000LL;
    sl_proc_config c = test_config(&test_fault, 2);
    c.breaker_failures = 3;
    c.breaker_window_ns = 60 * 1000000000LL;
    c.breaker_cooldown_ns = cool;
    sl_proc_pool *p = test_pool(&c);
    /* Two crashing tasks: four failed attempts; the third opens it. */
    CHECK_EQ(submit_str(p, "segv", 1), SL_OK);
    CHECK_EQ(status_for(p, 1), SL_PROC_CRASHED);
    CHECK_EQ(stats_of(p).breaker, SL_BREAKER_CLOSED);
    int64_t t_submit = sl_now();
    CHECK_EQ(submit_str(p, "segv", 2), SL_OK);
    CHECK_EQ(status_for(p, 2), SL_PROC_CRASHED); /* admitted: it still ran twice */
    int64_t t_result = sl_now();
    CHECK_EQ(stats_of(p).breaker, SL_BREAKER_OPEN);
    CHECK_EQ(submit_str(p, "ok", 3), SL_REFUSED);
    /* Let in again only after the cool-down, and only one probe. */
    int64_t t_in = submit_when_let_in(p, "sleep 300", 4);
    CHECK(t_in - t_submit >= cool);
    CHECK(t_in - t_result <= cool + 2000 * 1000000LL);
    CHECK_EQ(stats_of(p).breaker, SL_BREAKER_HALF_OPEN);
    CHECK_EQ(submit_str(p, "ok", 5), SL_REFUSED);
    CHECK_EQ(status_for(p, 4), SL_OK); /* the probe answered: closed */
    CHECK_EQ(stats_of(p).breaker, SL_BREAKER_CLOSED);
    CHECK_EQ(submit_str(p, "ok", 6), SL_OK);
    CHECK_EQ(status_for(p, 6), SL_OK);
    /* Open it again; this time the probe crashes and it reopens. */
    CHECK_EQ(submit_str(p, "segv", 7), SL_OK);
    CHECK_EQ(status_for(p, 7), SL_PROC_CRASHED);
    CHECK_EQ(submit_str(p, "segv", 8), SL_OK);
    CHECK_EQ(status_for(p, 8), SL_PROC_CRASHED);
    CHECK_EQ(stats_of(p).breaker, SL_BREAKER_OPEN);
    submit_when_let_in(p, "segv", 9);
    CHECK_EQ(status_for(p, 9), SL_PROC_CRASHED);
    sl_proc_stats st = stats_of(p);
    CHECK_EQ(st.breaker, SL_BREAKER_OPEN);
    CHECK_EQ(st.breaker_opens, 3);
    CHECK(st.refused >= 2);
    sl_proc_pool_free(p);
}

/* ---- health in the metrics ------------------------------------------------------------ */

SL_TEST(proc_health_shows_in_the_metrics_json)
{
    sl_metrics *m = sl_metrics_new();
    sl_proc_config c = test_config(&test_fault, 2);
    c.metrics = m;
    sl_proc_pool *p = test_pool(&c);
    CHECK_EQ(submit_str(p, "segv", 1), SL_OK);
    CHECK_EQ(next_result(p, 60).status, SL_PROC_CRASHED);
    CHECK_EQ(submit_str(p, "ok", 2), SL_OK);
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.status, SL_OK);
    free(r.data);
    wait_ready(p, 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(sl_metrics_write_json(m, f), SL_OK);
    fclose(f);
    CHECK(strstr(buf, "\"name\": \"proc.fault\", \"items\": 1,") != NULL);
    CHECK(strstr(buf, "\"name\": \"proc.fault.restart\"") != NULL);
    CHECK(strstr(buf, "\"proc.fault.retries\": 1") != NULL);
    CHECK(strstr(buf, "\"proc.fault.failed\": 1") != NULL);
    CHECK(strstr(buf, "\"proc.fault.crashes\": 2") != NULL);
    CHECK(strstr(buf, "\"proc.fault.breaker\": 0") != NULL);
    CHECK(strstr(buf, "\"proc.fault.workers_ready\": 2") != NULL);
    CHECK(strstr(buf, "\"proc.fault.restarts\": ") != NULL);
    const char *rss = strstr(buf, "\"proc.fault.worker.1.rss_bytes\": ");
    CHECK(rss != NULL && atoll(rss + strlen("\"proc.fault.worker.1.rss_bytes\": ")) > 0);
    free(buf);
    sl_proc_pool_free(p);
    sl_metrics_free(m);
}
