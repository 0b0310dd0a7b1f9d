/*
 * netpoll.h - a pool's timers and its epoll instance: what makes
 * deadlines, sl_sleep_until and sl_fd_wait park a task instead of its
 * worker.
 *
 * One per pool, made on first use.  Timers are a pairing heap of nodes
 * inside the task records, under one lock.  File descriptors are
 * registered one-shot and level-triggered, re-armed for each wait, so a
 * wait on an fd that is already ready returns at once, as poll() would.
 * Nobody runs a thread for this: workers look at the timers and poll
 * without blocking as they schedule (sl__np_service), and a worker with
 * nothing to do sleeps in epoll_wait, until the earliest timer, instead of
 * on its futex (sl__np_block); a waker interrupts it through an eventfd.
 * Go's runtime works the same way (netpoll in findrunnable).
 */
#ifndef SLUICE_NETPOLL_H
#define SLUICE_NETPOLL_H

#include <stdatomic.h>
#include <stdint.h>

#include "task.h"

typedef struct sl__netpoll sl__netpoll;

sl__netpoll *sl__np_new(void);
void sl__np_free(sl__netpoll *np);

/* Arms and disarms the timer of a task about to park until `when`. */
void sl__timer_add(sl_pool *p, sl__g *g, int64_t when);
void sl__timer_del(sl_pool *p, sl__g *g);

/* 1 while timers are armed or tasks wait on file descriptors. */
int sl__np_active(sl__netpoll *np);
/* The earliest timer, or SL_FOREVER. */
int64_t sl__np_next_timer(sl__netpoll *np);

/* For a worker between tasks: fires due timers and, at most every few
 * tens of microseconds, takes ready fds from epoll without blocking.
 * Cheap when nothing is due. */
void sl__np_service(sl_pool *p, sl__netpoll *np);

/* The idle worker's sleep.  sl__np_try_own makes the caller the one
 * thread that may block in epoll (0 if another is); sl__np_block then
 * sleeps until an fd is ready, the earliest timer, `until`, or
 * sl__np_wake; sl__np_disown dispatches what it found (timers and fds:
 * the tasks become runnable) and gives up the role. */
int sl__np_try_own(sl__netpoll *np);
void sl__np_block(sl__netpoll *np, int64_t until);
void sl__np_disown(sl_pool *p, sl__netpoll *np);
void sl__np_wake(sl__netpoll *np);

/* sl_fd_wait without its first look at the fd: for fdio.c's calls, made
 * just after a syscall said EAGAIN. */
int sl__fd_wait_blocked(int fd, int events, int64_t deadline);

#endif
