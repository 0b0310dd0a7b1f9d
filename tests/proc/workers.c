/*
 * workers.c - the worker functions the process-pool tests run, and the
 * constructor that serves them when the test binary is started as a
 * worker (before check.c's main ever runs).
 *
 * "echo" replies with the task's bytes.  "fault" reads a command from the
 * task's first bytes and misbehaves as told: crash, abort, exit, hang,
 * allocate without bound, scribble over its shared memory, or forge
 * impossible reply headers there (it knows the layout: proc_layout.h).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "proc_layout.h"
#include "shm.h"
#include "shmring.h"
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

/* This worker's reply memfd (the writable sluice mapping that is not the
 * pool's bell), or the bell. */
static char *shared_mapping(int bell)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long lo = 0, hi;
    char perms[8];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && strstr(line, "sluice-proc") &&
            !strstr(line, ".bell") == !bell && perms[1] == 'w')
            break;
        else
            lo = 0;
    if (f)
        fclose(f);
    return (char *)lo;
}

/* "forge WHAT NSLOTS SLOT_SIZE": publishes a reply header that cannot be
 * true, behind the library's back, then hangs so the library never
 * publishes the real one. */
static void forge(const char *what, unsigned nslots, unsigned long slot_size)
{
    char *up = shared_mapping(0);
    sl__proc_bell *bell = (sl__proc_bell *)shared_mapping(1);
    if (!up || !bell)
        abort();
    sl__proc_up *ctl = (sl__proc_up *)up;
    uint64_t pos = atomic_load(&ctl->reply_head);
    size_t stride = sizeof(sl__ring_slot) + (slot_size + 63) / 64 * 64;
    sl__ring_slot *s = (sl__ring_slot *)(up + sl__shm_page() + (pos % nslots) * stride);
    uint64_t seq = pos, len = 0, off = SL__RING_INLINE, ref = atomic_load(&ctl->taken) - 1, head = pos + 1;
    if (!strcmp(what, "head"))
        head = pos + 1000; /* more replies than slots */
    else if (!strcmp(what, "seq"))
        seq = pos + 3; /* a stale or future slot */
    else if (!strcmp(what, "len"))
        len = slot_size + 1; /* longer than its slot */
    else if (!strcmp(what, "off"))
        len = 10, off = (uint64_t)1 << 40; /* far outside the arena */
    else if (!strcmp(what, "ref"))
        ref += 5; /* answers a task it was never given */
    atomic_store(&s->seq, seq);
    atomic_store(&s->len, len);
    atomic_store(&s->off, off);
    atomic_store(&s->ref, ref);
    atomic_store(&ctl->reply_head, head);
    atomic_fetch_add(&bell->ring, 1);
    sl__shm_wake(&bell->ring, 1);
    for (;;)
        sleep_ms(1000);
}

/* Where allocations are kept, so the compiler cannot drop them. */
static char *volatile kept;

static int fault_run(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    (void)state;
    char cmd[128];
    size_t n = len < sizeof cmd - 1 ? len : sizeof cmd - 1;
    memcpy(cmd, task, n);
    cmd[n] = 0;
    if (!strncmp(cmd, "segv", 4)) { /* the default action, even under ASan's handler */
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
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
            kept = p;
        }
    if (!strncmp(cmd, "keep ", 5)) { /* grow by N MiB and keep it */
        size_t mib = (size_t)atol(cmd + 5);
        char *p = malloc(mib << 20);
        if (p)
            memset(p, 1, mib << 20);
        kept = p;
    }
    if (!strncmp(cmd, "garbage", 7)) {
        sl_proc_reply_set(reply, "x", 1);
        scribble();
        return 0;
    }
    if (!strncmp(cmd, "smash", 5)) { /* over the pool's words: its magic, and a begun-task word that lies */
        sl__proc_up *up = (sl__proc_up *)shared_mapping(0);
        if (!up)
            abort();
        up->magic = 0xdeadbeefu;
        atomic_store(&up->taken, 987654321u);
        atomic_store(&up->quit, 1); /* and the worker goes after this reply, as if recycled */
        sl_proc_reply_set(reply, "x", 1);
        return 0;
    }
    if (!strncmp(cmd, "forge ", 6)) {
        char what[16];
        unsigned nslots;
        unsigned long slot;
        if (sscanf(cmd + 6, "%15s %u %lu", what, &nslots, &slot) == 3)
            forge(what, nslots, slot);
    }
    if (!strncmp(cmd, "once ", 5)) { /* segfault the first time only: a file says it happened */
        int fd = open(cmd + 5, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd >= 0) {
            close(fd);
            signal(SIGSEGV, SIG_DFL);
            raise(SIGSEGV);
        }
    }
    if (!strncmp(cmd, "once ", 5) || !strncmp(cmd, "pid", 3)) { /* reply: which process ran it */
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int)getpid());
        sl_proc_reply_set(reply, pid, strlen(pid));
        return 0;
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

/* Fails to start while the file SLUICE_TEST_PROC_GATE names exists. */
static int init_gated(void **state)
{
    (void)state;
    const char *gate = getenv("SLUICE_TEST_PROC_GATE");
    return gate && access(gate, F_OK) == 0;
}

const sl_proc_worker test_gated = {"gated", init_gated, echo_run};

/* With SLUICE_TEST_PROC_PARENT set, the test binary is the parent that
 * proc_parent_killed_by_sigkill_leaves_nothing_behind kills: it starts a
 * pool, runs a few tasks through it, prints "PID WORKER-PIDS..." and
 * waits to be killed. */
static void be_a_parent_to_kill(void)
{
    sl_proc_config c = {.worker = &test_echo, .workers = 2, .max_message = 1 << 20};
    sl_proc_pool *p = sl_proc_pool_new(&c);
    if (!p)
        _exit(2);
    static char big[100000];
    for (int i = 0; i < 4; i++) { /* touch the rings' pages, the arena's too */
        sl_proc_result r;
        if (sl_proc_pool_submit(p, big, i % 2 ? sizeof big : 10, (uint64_t)i) != SL_OK ||
            sl_chan_recv(sl_proc_pool_results(p), &r) != SL_OK)
            _exit(3);
        free(r.data);
    }
    printf("%d %d %d\n", (int)getpid(), sl_proc_pool_pid(p, 0), sl_proc_pool_pid(p, 1));
    fflush(stdout);
    for (;;)
        pause();
}

/* Runs before main: in a worker process, serves and never returns. */
__attribute__((constructor)) static void serve_test_workers(void)
{
    const sl_proc_worker *all[] = {&test_echo, &test_fault, &test_noinit, &test_gated};
    sl_proc_serve(all, sizeof all / sizeof *all);
    if (getenv("SLUICE_TEST_PROC_PARENT"))
        be_a_parent_to_kill();
}
