/*
 * netpoll.c - timers and the epoll netpoller of a pool, and sl_fd_wait;
 * see netpoll.h for how they fit the scheduler.
 *
 * Timer races.  A parked task's timer and a notification race for its
 * parker: the timer moves the state EMPTY or TASK_PARKED to EXPIRED, a
 * notification exchanges it for NOTIFIED, and whoever finds TASK_PARKED
 * makes the task runnable.  The timer works under the timer lock, and the
 * task disarms its timer under that lock before its park returns, so a
 * timer never touches a parker (on the task's stack) that has gone.
 *
 * fd waits.  Each fd has a descriptor (sl__pd) listing the tasks waiting
 * on it, each with its events.  The fd is armed one-shot for the union of
 * their events; when epoll reports it, the dispatcher takes the waiters
 * the event satisfies off the list and re-arms for the rest.  A waiter
 * that times out takes itself off the list, unless the dispatcher got
 * there first, in which case it waits for the wake-up already on its way.
 *
 * Thousands of tasks may wait on one fd (acceptors on a listener, every
 * task on a shutdown eventfd), so joining and leaving cost O(1): the list
 * is doubly linked, the descriptor counts its POLLIN and POLLOUT waiters
 * (their union without a walk), and epoll_ctl runs only when a waiter
 * adds an event the fd is not armed for, or a leaver takes the last
 * waiter of one.  A fd armed for more than its waiters want fires at
 * worst once for nobody, and the dispatcher re-arms it for the rest.
 */
#include "netpoll.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "sluice/task.h"

/* epoll carries the fd number, not the descriptor's address: looking the
 * descriptor up again (an acquire load of its chunk) is what orders the
 * dispatcher after the descriptor's creation, for the memory model and
 * for TSan, which cannot see through the kernel. */
#define EVENTFD_KEY UINT64_MAX

enum {
    MAX_EVENTS = 128,
    PD_CHUNK = 1024,             /* descriptors per directory chunk */
    PD_DIR = 1024,               /* chunks: fds below 1,048,576 */
    POLL_EVERY_NS = 20 * 1000    /* busy workers poll at most this often */
};

typedef struct sl__fdw {
    sl__parker pk;
    int events; /* POLLIN | POLLOUT */
    int linked; /* on its descriptor's list; under the descriptor's lock */
    struct sl__fdw *next, *prev;
} sl__fdw;

typedef struct sl__pd {
    sl__lock lock;
    int fd;
    int added; /* the fd was added to the epoll set (it may have left since) */
    int armed; /* the events last armed; 0 once epoll reported them */
    int nin, nout; /* waiters wanting POLLIN, POLLOUT */
    sl__fdw *waiters;
} sl__pd;

struct sl__netpoll {
    /* Timers. */
    sl__lock tlock;
    sl__timer *root;
    _Atomic int64_t next_when; /* root's deadline, or SL_FOREVER */
    /* fd waits. */
    _Atomic long nfdw; /* tasks in sl_fd_wait */
    int epfd, evfd;
    _Atomic(sl__pd *) dir[PD_DIR];
    /* The one thread polling now (owned), and whether it blocks. */
    _Atomic int owned;
    _Atomic int blocked;
    _Atomic int64_t last_poll;
    int nev;
    struct epoll_event ev[MAX_EVENTS];
};

/* ---- the timer heap: a pairing heap ------------------------------------- */

static sl__timer *link_roots(sl__timer *a, sl__timer *b)
{
    if (b->when < a->when) {
        sl__timer *t = a;
        a = b;
        b = t;
    }
    b->sibling = a->child;
    if (a->child)
        a->child->prev = b;
    b->prev = a;
    a->child = b;
    return a;
}

/* Melds a list of siblings into one heap: pairs left to right, then the
 * pairs right to left (the two-pass rule that keeps removal O(log n)
 * amortised). */
static sl__timer *merge_pairs(sl__timer *first)
{
    sl__timer *pairs = NULL;
    while (first) {
        sl__timer *a = first, *b = a->sibling;
        first = b ? b->sibling : NULL;
        a->sibling = a->prev = NULL;
        if (b) {
            b->sibling = b->prev = NULL;
            a = link_roots(a, b);
        }
        a->sibling = pairs;
        pairs = a;
    }
    sl__timer *root = NULL;
    while (pairs) {
        sl__timer *next = pairs->sibling;
        pairs->sibling = NULL;
        root = root ? link_roots(root, pairs) : pairs;
        pairs = next;
    }
    return root;
}

static void heap_insert(sl__netpoll *np, sl__timer *t)
{
    t->child = t->sibling = t->prev = NULL;
    np->root = np->root ? link_roots(np->root, t) : t;
}

static void heap_remove(sl__netpoll *np, sl__timer *t)
{
    if (t == np->root) {
        np->root = merge_pairs(t->child);
        if (np->root)
            np->root->prev = NULL;
        return;
    }
    if (t->prev->child == t)
        t->prev->child = t->sibling;
    else
        t->prev->sibling = t->sibling;
    if (t->sibling)
        t->sibling->prev = t->prev;
    sl__timer *sub = merge_pairs(t->child);
    if (sub)
        np->root = link_roots(np->root, sub);
}

static void publish_next(sl__netpoll *np)
{
    atomic_store_explicit(&np->next_when, np->root ? np->root->when : SL_FOREVER, memory_order_seq_cst);
}

static sl__g *timer_task(sl__timer *t)
{
    return (sl__g *)((char *)t - offsetof(sl__g, timer));
}

void sl__timer_add(sl_pool *p, sl__g *g, int64_t when)
{
    sl__netpoll *np = sl__pool_netpoll(p);
    if (!np) /* could not make one: the task wakes when its worker next looks */
        abort();
    sl__lock_acquire(&np->tlock);
    g->timer.when = when;
    g->timer.armed = 1;
    heap_insert(np, &g->timer);
    int earliest = np->root == &g->timer;
    if (earliest)
        publish_next(np);
    sl__lock_release(&np->tlock);
    /* A sooner deadline than the blocked poller's must cut its sleep
     * short; with no poller, an idle worker must come and be one.  The
     * poller sets `blocked` before it reads next_when, and we stored
     * next_when before reading `blocked` (both seq_cst), so one of the
     * two sees the other. */
    if (earliest) {
        if (atomic_load_explicit(&np->blocked, memory_order_seq_cst))
            sl__np_wake(np);
        else
            sl__sched_kick(p);
    }
}

void sl__timer_del(sl_pool *p, sl__g *g)
{
    sl__netpoll *np = sl__pool_netpoll(p);
    sl__lock_acquire(&np->tlock);
    if (g->timer.armed) {
        g->timer.armed = 0;
        int was_root = np->root == &g->timer;
        heap_remove(np, &g->timer);
        if (was_root)
            publish_next(np);
    }
    sl__lock_release(&np->tlock);
}

/* Under the timer lock: the task's parker goes EMPTY or TASK_PARKED ->
 * EXPIRED; returns 1 when the task was parked and is now ours to run. */
static int expire(sl__parker *pk)
{
    uint32_t st = atomic_load_explicit(&pk->state, memory_order_acquire);
    while (st == SL__PARK_EMPTY || st == SL__PARK_TASK_PARKED) {
        if (atomic_compare_exchange_weak_explicit(&pk->state, &st, SL__PARK_EXPIRED, memory_order_acq_rel,
                                                  memory_order_acquire))
            return st == SL__PARK_TASK_PARKED;
    }
    return 0; /* notified first */
}

static void fire_timers(sl_pool *p, sl__netpoll *np, int64_t now)
{
    sl__g *due = NULL, **tail = &due;
    sl__lock_acquire(&np->tlock);
    while (np->root && np->root->when <= now) {
        sl__timer *t = np->root;
        heap_remove(np, t);
        t->armed = 0;
        sl__g *g = timer_task(t);
        if (expire(g->parker)) {
            g->next = NULL;
            *tail = g;
            tail = &g->next;
        }
    }
    publish_next(np);
    sl__lock_release(&np->tlock);
    /* In deadline order, at the back of the queue: sleeps end in order. */
    while (due) {
        sl__g *next = due->next;
        sl__sched_push_back(p, due);
        due = next;
    }
}

/* ---- descriptors ---------------------------------------------------------- */

static sl__pd *pd_get(sl__netpoll *np, int fd)
{
    if (fd < 0 || fd >= PD_CHUNK * PD_DIR)
        return NULL;
    _Atomic(sl__pd *) *slot = &np->dir[fd / PD_CHUNK];
    sl__pd *chunk = atomic_load_explicit(slot, memory_order_acquire);
    if (!chunk) {
        sl__pd *fresh = calloc(PD_CHUNK, sizeof *fresh);
        if (!fresh)
            return NULL;
        for (int i = 0; i < PD_CHUNK; i++) {
            sl__lock_init(&fresh[i].lock);
            fresh[i].fd = (fd / PD_CHUNK) * PD_CHUNK + i;
        }
        if (atomic_compare_exchange_strong_explicit(slot, &chunk, fresh, memory_order_acq_rel,
                                                    memory_order_acquire))
            chunk = fresh;
        else
            free(fresh);
    }
    return &chunk[fd % PD_CHUNK];
}

static int pd_events(const sl__pd *pd)
{
    return (pd->nin ? POLLIN : 0) | (pd->nout ? POLLOUT : 0);
}

/* Under pd->lock: arms the fd one-shot for `events`.  0 or -errno. */
static int pd_arm(sl__netpoll *np, sl__pd *pd, int events)
{
    int fd = pd->fd;
    struct epoll_event ev = {.events = (uint32_t)events | EPOLLONESHOT, .data.u64 = (uint64_t)fd};
    int op = pd->added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    for (int tries = 0; tries < 2; tries++) {
        if (epoll_ctl(np->epfd, op, fd, &ev) == 0) {
            pd->added = 1;
            pd->armed = events;
            return 0;
        }
        /* The fd was closed and its number reused (the kernel dropped the
         * old registration), or added by an earlier life of this pd. */
        if (errno == ENOENT && op == EPOLL_CTL_MOD)
            op = EPOLL_CTL_ADD;
        else if (errno == EEXIST && op == EPOLL_CTL_ADD)
            op = EPOLL_CTL_MOD;
        else
            break;
    }
    return -errno;
}

static void pd_link(sl__pd *pd, sl__fdw *w)
{
    w->prev = NULL;
    w->next = pd->waiters;
    if (w->next)
        w->next->prev = w;
    pd->waiters = w;
    w->linked = 1;
    pd->nin += (w->events & POLLIN) != 0;
    pd->nout += (w->events & POLLOUT) != 0;
}

static void pd_unlink(sl__pd *pd, sl__fdw *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        pd->waiters = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->linked = 0;
    pd->nin -= (w->events & POLLIN) != 0;
    pd->nout -= (w->events & POLLOUT) != 0;
}

static int satisfies(const sl__fdw *w, uint32_t revents)
{
    uint32_t in = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR, out = EPOLLOUT | EPOLLHUP | EPOLLERR;
    return ((w->events & POLLIN) && (revents & in)) || ((w->events & POLLOUT) && (revents & out));
}

/* The fd fired (and is disarmed): wake the waiters it satisfies, re-arm
 * for the others. */
static void pd_dispatch(sl__netpoll *np, sl__pd *pd, uint32_t revents)
{
    sl__fdw *wake = NULL;
    sl__lock_acquire(&pd->lock);
    pd->armed = 0; /* one-shot: epoll disarmed the fd when it reported it */
    for (sl__fdw *w = pd->waiters, *next; w; w = next) {
        next = w->next;
        if (satisfies(w, revents)) {
            pd_unlink(pd, w);
            w->next = wake;
            wake = w;
        }
    }
    if (pd->waiters)
        pd_arm(np, pd, pd_events(pd));
    sl__lock_release(&pd->lock);
    while (wake) {
        sl__fdw *next = wake->next; /* read before the wake lets it go */
        sl__parker_unpark(&wake->pk);
        wake = next;
    }
}

/* ---- polling --------------------------------------------------------------- */

sl__netpoll *sl__np_new(void)
{
    sl__netpoll *np = calloc(1, sizeof *np);
    if (!np)
        return NULL;
    sl__lock_init(&np->tlock);
    atomic_init(&np->next_when, SL_FOREVER);
    np->epfd = epoll_create1(EPOLL_CLOEXEC);
    np->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EVENTFD_KEY};
    if (np->epfd < 0 || np->evfd < 0 || epoll_ctl(np->epfd, EPOLL_CTL_ADD, np->evfd, &ev) != 0) {
        sl__np_free(np);
        return NULL;
    }
    return np;
}

void sl__np_free(sl__netpoll *np)
{
    if (!np)
        return;
    if (np->epfd >= 0)
        close(np->epfd);
    if (np->evfd >= 0)
        close(np->evfd);
    for (int i = 0; i < PD_DIR; i++)
        free(atomic_load_explicit(&np->dir[i], memory_order_relaxed));
    free(np);
}

int sl__np_active(sl__netpoll *np)
{
    return atomic_load_explicit(&np->next_when, memory_order_seq_cst) != SL_FOREVER ||
           atomic_load_explicit(&np->nfdw, memory_order_seq_cst) != 0;
}

int64_t sl__np_next_timer(sl__netpoll *np)
{
    return atomic_load_explicit(&np->next_when, memory_order_seq_cst);
}

int sl__np_try_own(sl__netpoll *np)
{
    int expected = 0;
    return atomic_compare_exchange_strong_explicit(&np->owned, &expected, 1, memory_order_acquire,
                                                   memory_order_relaxed);
}

void sl__np_wake(sl__netpoll *np)
{
    uint64_t one = 1;
    ssize_t r = write(np->evfd, &one, sizeof one);
    (void)r; /* EAGAIN: the counter is already non-zero, a wake is pending */
}

static void drain_eventfd(sl__netpoll *np)
{
    uint64_t v;
    ssize_t r = read(np->evfd, &v, sizeof v);
    (void)r;
}

/* The time left until a deadline, as the relative timeout that ppoll and
 * epoll_pwait2 take: NULL (no timeout) for SL_FOREVER, zero once past. */
static struct timespec *time_left(int64_t until, struct timespec *ts)
{
    if (until == SL_FOREVER)
        return NULL;
    /* Compared before subtracting: a deadline far in the past (INT64_MIN)
     * minus now would wrap around to centuries of waiting. */
    int64_t now = sl_now(), left = until > now ? until - now : 0;
    ts->tv_sec = (time_t)(left / 1000000000);
    ts->tv_nsec = (long)(left % 1000000000);
    return ts;
}

static int epoll_until(sl__netpoll *np, int64_t until)
{
    struct timespec ts, *tsp = time_left(until, &ts);
    int n = epoll_pwait2(np->epfd, np->ev, MAX_EVENTS, tsp, NULL);
    if (n < 0 && errno == ENOSYS) { /* before Linux 5.11: milliseconds, rounded up */
        int ms = -1;
        if (tsp) {
            int64_t m = (ts.tv_sec * 1000000000LL + ts.tv_nsec + 999999) / 1000000;
            ms = m > 1000000000 ? 1000000000 : (int)m;
        }
        n = epoll_wait(np->epfd, np->ev, MAX_EVENTS, ms);
    }
    return n < 0 ? 0 : n;
}

void sl__np_block(sl__netpoll *np, int64_t until)
{
    atomic_store_explicit(&np->blocked, 1, memory_order_seq_cst);
    int64_t t = atomic_load_explicit(&np->next_when, memory_order_seq_cst);
    np->nev = epoll_until(np, t < until ? t : until);
    atomic_store_explicit(&np->blocked, 0, memory_order_seq_cst);
}

void sl__np_disown(sl_pool *p, sl__netpoll *np)
{
    int n = np->nev;
    np->nev = 0;
    for (int i = 0; i < n; i++) {
        uint64_t key = np->ev[i].data.u64;
        if (key == EVENTFD_KEY) {
            drain_eventfd(np);
            continue;
        }
        sl__pd *chunk = atomic_load_explicit(&np->dir[key / PD_CHUNK], memory_order_acquire);
        pd_dispatch(np, &chunk[key % PD_CHUNK], np->ev[i].events);
    }
    atomic_store_explicit(&np->last_poll, sl_now(), memory_order_relaxed);
    atomic_store_explicit(&np->owned, 0, memory_order_release);
    if (atomic_load_explicit(&np->next_when, memory_order_acquire) <= sl_now())
        fire_timers(p, np, sl_now());
}

void sl__np_service(sl_pool *p, sl__netpoll *np)
{
    int64_t next = atomic_load_explicit(&np->next_when, memory_order_relaxed);
    long waits = atomic_load_explicit(&np->nfdw, memory_order_relaxed);
    if (next == SL_FOREVER && waits == 0)
        return;
    int64_t now = sl_now();
    if (next <= now)
        fire_timers(p, np, now);
    if (waits && now - atomic_load_explicit(&np->last_poll, memory_order_relaxed) >= POLL_EVERY_NS &&
        sl__np_try_own(np)) {
        np->nev = epoll_until(np, 0);
        sl__np_disown(p, np);
    }
}

/* ---- sl_fd_wait ----------------------------------------------------------- */

/* A thread (or a task that cannot use the netpoller) waits in ppoll. */
static int thread_wait(int fd, int events, int64_t deadline)
{
    struct pollfd pfd = {fd, (short)events, 0};
    for (;;) {
        struct timespec ts;
        int r = ppoll(&pfd, 1, time_left(deadline, &ts), NULL);
        if (r > 0)
            return pfd.revents & POLLNVAL ? SL_INVAL : SL_OK;
        if (r == 0)
            return SL_TIMEDOUT;
        if (errno != EINTR && errno != EAGAIN)
            return SL_INVAL;
    }
}

/* Takes w off its descriptor after a timeout: SL_TIMEDOUT, or SL_OK when
 * the dispatcher took it first (then its wake-up is on the way). */
static int fdw_cancel(sl__netpoll *np, sl__pd *pd, sl__fdw *w)
{
    sl__lock_acquire(&pd->lock);
    int mine = w->linked;
    if (mine) {
        pd_unlink(pd, w);
        /* Narrow the arming only when we took the last waiter of an event
         * and others remain; with nobody left, a stale arming costs at
         * most one report for nobody. */
        int rest = pd_events(pd);
        if (rest && (pd->armed & ~rest))
            pd_arm(np, pd, rest);
    }
    sl__lock_release(&pd->lock);
    if (mine)
        return SL_TIMEDOUT;
    sl__task_park(&w->pk, SL_FOREVER);
    return SL_OK;
}

/* probe: look at the fd with poll() before parking; fdio.c, which has
 * just been told EAGAIN, does not. */
static int fd_wait(int fd, int events, int64_t deadline, int probe)
{
    if (fd < 0 || events == 0 || (events & ~(POLLIN | POLLOUT)))
        return SL_INVAL;
    sl__g *g = sl__task_self();
    if (!g || (deadline != SL_FOREVER && deadline <= sl_now()))
        return thread_wait(fd, events, deadline);
    /* An fd that is ready now returns now, as the docs promise: parked,
     * the task would learn it only at its worker's next look at epoll
     * (every POLL_EVERY_NS while the worker is busy), and a deadline
     * nearer than that timed out on a ready fd (advrt F2).  One poll()
     * a call, but not for sl_fd_read and the like: they come here only
     * when their syscall said it would block. */
    struct pollfd now = {fd, (short)events, 0};
    if (probe && poll(&now, 1, 0) > 0)
        return now.revents & POLLNVAL ? SL_INVAL : SL_OK;
    sl__netpoll *np = sl__pool_netpoll(g->pool);
    sl__pd *pd = np ? pd_get(np, fd) : NULL;
    if (!pd) /* out of memory, or an fd past the table: block the worker */
        return thread_wait(fd, events, deadline);
    sl__fdw w = {.events = events};
    sl__parker_init(&w.pk);
    sl__lock_acquire(&pd->lock);
    /* With other waiters here the fd is armed for their union (or epoll
     * reported it and the dispatcher, which takes this lock next, will
     * see us); it needs arming again only for an event it lacks.  With
     * none, arm always: a closed fd's number may have been reused, and
     * the kernel dropped the old registration with it. */
    int rc = 0, had = pd->waiters != NULL;
    pd_link(pd, &w);
    if (!had || (pd->armed & events) != events)
        rc = pd_arm(np, pd, pd_events(pd));
    if (rc != 0)
        pd_unlink(pd, &w);
    sl__lock_release(&pd->lock);
    if (rc == -EPERM) /* a regular file or directory: always ready, as poll says */
        return SL_OK;
    if (rc != 0)
        return SL_INVAL;
    /* Counted before parking, so our worker polls before it sleeps. */
    atomic_fetch_add_explicit(&np->nfdw, 1, memory_order_seq_cst);
    int r = sl__task_park(&w.pk, deadline);
    if (r == SL_TIMEDOUT)
        r = fdw_cancel(np, pd, &w);
    atomic_fetch_sub_explicit(&np->nfdw, 1, memory_order_relaxed);
    return r;
}

int sl_fd_wait(int fd, int events, int64_t deadline)
{
    return fd_wait(fd, events, deadline, 1);
}

int sl__fd_wait_blocked(int fd, int events, int64_t deadline)
{
    return fd_wait(fd, events, deadline, 0);
}
