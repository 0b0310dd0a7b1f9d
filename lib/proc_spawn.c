/*
 * proc_spawn.c - starting worker processes, noticing their deaths, killing
 * them, and reading their memory.
 *
 * The one idea: a worker is this program run again (posix_spawn of
 * /proc/self/exe with a marker in its environment), never a fork().  A
 * fork of a threaded process copies one thread and every lock the others
 * held; posix_spawn execs at once, so it is safe from any thread at any
 * time, needs no set-up before threads start, and gives the worker a
 * clean address space, which is the point of isolating it.  The price is
 * an exec per start (milliseconds; cfg.spares keeps a started one ready)
 * and that the worker function is found again by name (sl_proc_serve).
 *
 * Only the supervisor thread spawns: PR_SET_PDEATHSIG, which kills a
 * worker when its parent dies, fires when the *thread* that created it
 * exits, and the supervisor lives as long as the workers do.
 *
 * Deaths are watched through pidfds by the reaper thread, which blocks in
 * poll() on all of them and reaps with waitid(P_PIDFD): no SIGCHLD
 * handler, no waitpid(-1) that could steal the program's other children,
 * and no pid reuse races when killing (pidfd_send_signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_pool.h"
#include "shm.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

enum { KEEP_BYTES = 32 << 20 }; /* arena bytes kept mapped for reuse */

static int fd_high(int fd)
{
    /* Above the fds the worker expects (3, 4, 5), so that the dup2s of
     * posix_spawn never overwrite one source with another. */
    if (fd < 0 || fd >= 10)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    return high;
}

int sl__proc_shm_high(const char *name, size_t bytes)
{
    return fd_high(sl__shm_create(name, bytes));
}

/* Maps and initialises the worker's two memfds in the pool. */
static int map_worker(sl_proc_pool *p, sl__pworker *w)
{
    char name[64];
    snprintf(name, sizeof name, "sluice-proc.%d.%d", (int)getpid(), w->slot);
    w->map_bytes = p->page + sl__ring_bytes(&p->geom);
    w->fd_down = sl__proc_shm_high(name, w->map_bytes);
    w->fd_up = sl__proc_shm_high(name, w->map_bytes);
    if (w->fd_down < 0 || w->fd_up < 0)
        return -1;
    w->down_map = sl__shm_map(w->fd_down, w->map_bytes, 1);
    w->up_map = sl__shm_map(w->fd_up, w->map_bytes, 1);
    if (!w->down_map || !w->up_map)
        return -1;
    w->down = (sl__proc_down *)w->down_map;
    w->up = (sl__proc_up *)w->up_map;
    w->down->magic = w->up->magic = SL__PROC_MAGIC;
    w->down->version = w->up->version = SL__PROC_VERSION;
    /* The pool frees task slots itself, when a task is answered, and never
     * from the worker's tail: a task's bytes stay put until it is answered,
     * in case it has to run again elsewhere. */
    atomic_store(&w->released, 0);
    if (sl__ring_init(&w->tasks, &p->geom, w->down_map + p->page, &w->down->task_head, &w->released, 1) ||
        sl__ring_init(&w->replies, &p->geom, w->up_map + p->page, &w->up->reply_head, &w->up->reply_tail, 0))
        return -1;
    uint64_t arena_at = p->page + sl__ring_arena_offset(&p->geom);
    sl__ring_set_release(&w->tasks, w->fd_down, arena_at, KEEP_BYTES);
    sl__ring_set_release(&w->replies, w->fd_up, arena_at, KEEP_BYTES);
    return 0;
}

void sl__proc_bury(sl_proc_pool *p, sl__pworker *w)
{
    (void)p;
    sl__ring_destroy(&w->tasks);
    sl__ring_destroy(&w->replies);
    sl__shm_unmap(w->down_map, w->map_bytes);
    sl__shm_unmap(w->up_map, w->map_bytes);
    w->down_map = w->up_map = NULL;
    w->down = NULL;
    w->up = NULL;
    int *fds[] = {&w->fd_down, &w->fd_up, &w->pidfd, &w->statm_fd};
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    w->state = W_DOWN;
    w->pid = 0;
}

/* The worker's environment: ours, less any marker of our own, plus its
 * marker.  The strings are ours; only the array is new. */
static char **worker_env(const char *marker)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = malloc((n + 2) * sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0, plen = strlen(SL__PROC_ENV);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], SL__PROC_ENV, plen) != 0 || environ[i][plen] != '=')
            env[k++] = environ[i];
    env[k++] = (char *)marker;
    env[k] = NULL;
    return env;
}

static int spawn_process(sl_proc_pool *p, sl__pworker *w, char **env)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    /* stdin: nothing (a worker must not eat the parent's input, such as a
     * JSON-RPC stream); stdout: the parent's stderr (nor write into its
     * output); the three memfds where the worker looks for them; every
     * other fd closed. */
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    posix_spawn_file_actions_adddup2(&fa, p->bell_fd, SL__PROC_FD_BELL);
    posix_spawn_file_actions_adddup2(&fa, w->fd_down, SL__PROC_FD_DOWN);
    posix_spawn_file_actions_adddup2(&fa, w->fd_up, SL__PROC_FD_UP);
    posix_spawn_file_actions_addclosefrom_np(&fa, SL__PROC_FD_UP + 1);
    /* Default signal dispositions and an empty mask, whatever the parent
     * set; its own process group, so a Ctrl-C meant for the parent does not
     * look like a worker crash (the parent decides, and if it dies the
     * workers follow it). */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    const char *prog = p->cfg.program ? p->cfg.program : "/proc/self/exe";
    char *argv[] = {program_invocation_name, SL__PROC_ARG, (char *)p->cfg.worker->name, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, prog, &fa, &at, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0)
        return rc;
    w->pid = pid;
    w->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (w->pidfd < 0) { /* cannot watch it: do not keep it */
        rc = errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        w->pid = 0;
        return rc;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    w->statm_fd = open(path, O_RDONLY | O_CLOEXEC);
    return 0;
}

int sl__proc_spawn(sl_proc_pool *p, sl__pworker *w)
{
    w->fd_down = w->fd_up = w->pidfd = w->statm_fd = -1;
    if (map_worker(p, w) != 0) {
        int e = errno ? errno : ENOMEM;
        sl__proc_bury(p, w);
        return e;
    }
    char marker[512];
    snprintf(marker, sizeof marker, "%s=" SL__PROC_ENV_FMT "%s", SL__PROC_ENV, SL__PROC_VERSION, (int)getpid(),
             p->geom.nslots, (unsigned long long)p->geom.slot_size, (unsigned long long)p->geom.arena_size,
             (long long)p->cfg.heartbeat_ns, p->cfg.worker->name);
    char **env = worker_env(marker);
    int rc = env ? spawn_process(p, w, env) : ENOMEM;
    free(env);
    if (rc != 0) {
        sl__proc_bury(p, w);
        return rc;
    }
    w->gen = ++p->gens;
    w->state = W_STARTING;
    w->exited = 0;
    w->kill_status = 0;
    w->kill_why[0] = 0;
    w->retire = 0;
    w->answered = 0;
    w->done_since_spawn = 0;
    w->rss = 0;
    w->spawned_at = sl_now();
    sl__proc_reaper_poke(p);
    return 0;
}

void sl__proc_kill(sl_proc_pool *p, sl__pworker *w, int status, const char *why)
{
    (void)p;
    if (w->state == W_DOWN || w->exited || w->pidfd < 0)
        return;
    if (!w->kill_status) { /* the first reason is the one reported */
        w->kill_status = status;
        snprintf(w->kill_why, sizeof w->kill_why, "%s", why);
    }
    if (w->state != W_KILLED)
        syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
    w->state = W_KILLED;
}

void sl__proc_ring_bell(sl_proc_pool *p)
{
    atomic_fetch_add_explicit(&p->bell->ring, 1, memory_order_seq_cst);
    sl__shm_wake(&p->bell->ring, 1);
}

void sl__proc_wake_worker(sl__pworker *w)
{
    if (atomic_load_explicit(&w->up->sleeping, memory_order_seq_cst)) {
        atomic_fetch_add_explicit(&w->up->wake, 1, memory_order_seq_cst);
        sl__shm_wake(&w->up->wake, 1);
    }
}

void sl__proc_reaper_poke(sl_proc_pool *p)
{
    uint64_t one = 1;
    if (write(p->event_fd, &one, sizeof one) < 0) {
        /* the counter is full: the reaper has a poke pending anyway */
    }
}

int64_t sl__proc_sample_rss(sl__pworker *w)
{
    char buf[128];
    if (w->statm_fd < 0)
        return 0;
    ssize_t n = pread(w->statm_fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return w->rss;
    buf[n] = 0;
    unsigned long long size, resident, shared;
    if (sscanf(buf, "%llu %llu %llu", &size, &resident, &shared) != 3)
        return w->rss;
    /* Private memory: shared pages are the rings and the program text. */
    return (int64_t)((resident > shared ? resident - shared : 0) * sl__shm_page());
}

/* ---- the reaper ---------------------------------------------------------- */

/* The pidfds of every live worker, read under the lock, into the poll
 * set: returns the number of entries, or 0 once the reaper must stop. */
static size_t watch_list(sl_proc_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = 0;
    if (!p->stop_reaper) {
        p->rfds[n++] = (struct pollfd){.fd = p->event_fd, .events = POLLIN};
        for (size_t i = 0; i < p->nw; i++) {
            sl__pworker *w = &p->w[i];
            if (w->state == W_DOWN || w->exited || w->pidfd < 0)
                continue;
            p->rfds[n] = (struct pollfd){.fd = w->pidfd, .events = POLLIN};
            p->rslot[n] = (int)i;
            p->rgen[n] = w->gen;
            n++;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* Reaps one worker whose pidfd polled readable, and reports it. */
static void reap_one(sl_proc_pool *p, size_t k)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid((idtype_t)P_PIDFD, (id_t)p->rfds[k].fd, &si, WEXITED | WNOHANG);
    if (r == 0 && si.si_pid == 0)
        return; /* not dead yet */
    if (r != 0)
        si.si_code = 0; /* reaped by someone else: the status is lost */
    pthread_mutex_lock(&p->lock);
    /* The supervisor closes a pidfd only after it has seen `exited` for
     * it, and we set that here, after the poll: so the fd we just polled
     * cannot have been closed and reused for another worker.  A spare may
     * have moved into another slot since the poll set was made: the
     * spawn's generation, unique, finds it. */
    sl__pworker *w = &p->w[p->rslot[k]];
    for (size_t i = 0; w->gen != p->rgen[k] && i < p->nw; i++)
        w = &p->w[i];
    if (w->gen == p->rgen[k] && !w->exited) {
        w->si = si;
        w->died_at = sl_now();
        w->exited = 1;
    }
    pthread_mutex_unlock(&p->lock);
    sl__proc_ring_bell(p);
}

void *sl__proc_reap(void *arg)
{
    sl_proc_pool *p = arg;
    size_t n;
    while ((n = watch_list(p)) != 0) {
        if (poll(p->rfds, n, -1) < 0)
            continue; /* EINTR */
        if (p->rfds[0].revents) {
            uint64_t v;
            if (read(p->event_fd, &v, sizeof v) < 0) {
                /* EAGAIN: nothing to clear */
            }
        }
        for (size_t k = 1; k < n; k++)
            if (p->rfds[k].revents)
                reap_one(p, k);
    }
    return NULL;
}
