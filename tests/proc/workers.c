/*
 * workers.c - the worker functions the process-pool tests run, and the
 * constructor that serves them when the test binary is started as a
 * worker (before check.c's main ever runs).
 *
 * "echo" replies with the task's bytes.  "fault" reads a command from the
 * task's first bytes and misbehaves as told: crash, abort, exit, hang,
 * allocate without bound, scribble over its shared memory.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "sluice/proc.h"
#include "workers.h"

static int echo_run(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    (void)state;
    return sl_proc_reply_set(reply, task, len) == SL_OK ? 0 : 1;
}

const sl_proc_worker test_echo = {"echo", NULL, echo_run};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Random bytes over every writable shared mapping this process has: the
 * reply ring, its headers, the pool's bell. */
static void scribble(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || !strstr(line, "sluice-proc") || perms[1] != 'w')
            continue;
        for (uint64_t *w = (uint64_t *)lo; w < (uint64_t *)(lo + 2 * 4096) && (unsigned long)w < hi; w++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            *w = x % 3 ? x : x % 100;
        }
    }
    if (f)
        fclose(f);
}

static int fault_run(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    (void)state;
    char cmd[128];
    size_t n = len < sizeof cmd - 1 ? len : sizeof cmd - 1;
    memcpy(cmd, task, n);
    cmd[n] = 0;
    if (!strncmp(cmd, "segv", 4))
        raise(SIGSEGV);
    if (!strncmp(cmd, "abort", 5))
        abort();
    if (!strncmp(cmd, "exit ", 5))
        _exit(atoi(cmd + 5));
    if (!strncmp(cmd, "hang", 4))
        for (;;)
            sleep_ms(1000);
    if (!strncmp(cmd, "sleep ", 6))
        sleep_ms(atol(cmd + 6));
    if (!strncmp(cmd, "beat ", 5)) { /* a long task that says it is alive */
        for (long i = 0; i < atol(cmd + 5); i += 10) {
            sleep_ms(10);
            sl_proc_heartbeat();
        }
    }
    if (!strncmp(cmd, "alloc", 5)) /* without bound, touching every page */
        for (;;) {
            char *p = malloc(1 << 20);
            if (p)
                memset(p, 1, 1 << 20);
        }
    if (!strncmp(cmd, "keep ", 5)) { /* grow by N MiB and keep it */
        size_t mib = (size_t)atol(cmd + 5);
        char *p = malloc(mib << 20);
        if (p)
            memset(p, 1, mib << 20);
    }
    if (!strncmp(cmd, "garbage", 7)) {
        sl_proc_reply_set(reply, "x", 1);
        scribble();
        return 0;
    }
    if (!strncmp(cmd, "once ", 5)) { /* segfault the first time only: a file says it happened */
        int fd = open(cmd + 5, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd >= 0) {
            close(fd);
            raise(SIGSEGV);
        }
    }
    if (!strncmp(cmd, "code ", 5))
        return atoi(cmd + 5);
    if (!strncmp(cmd, "big ", 4)) { /* a reply of N bytes, written in place */
        size_t want = (size_t)atoll(cmd + 4);
        unsigned char *d = sl_proc_reply_alloc(reply, want);
        if (!d)
            return -1;
        for (size_t i = 0; i < want; i++)
            d[i] = (unsigned char)(i * 7 + 1);
        return 0;
    }
    sl_proc_reply_set(reply, "ok", 2);
    return 0;
}

const sl_proc_worker test_fault = {"fault", NULL, fault_run};

static int init_fails(void **state)
{
    (void)state;
    return 1;
}

const sl_proc_worker test_noinit = {"noinit", init_fails, echo_run};

/* Runs before main: in a worker process, serves and never returns. */
__attribute__((constructor)) static void serve_test_workers(void)
{
    const sl_proc_worker *all[] = {&test_echo, &test_fault, &test_noinit};
    sl_proc_serve(all, sizeof all / sizeof *all);
}
