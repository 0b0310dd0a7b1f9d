/*
 * task.h - lightweight tasks: Go's goroutines for C, on a sluice pool.
 *
 * A task is a function with a stack of its own (mmap'd, with a guard
 * page), run by the pool's worker threads, many tasks per thread.  When a
 * task blocks in a channel operation, a select, sl_sleep_until or
 * sl_fd_wait, only the task waits: its worker switches to another task.
 * The channel API is the same from tasks and from threads, and a task and
 * a thread can share a channel in either direction.  Tasks are
 * cooperative: one that computes without blocking keeps its worker until
 * it blocks, yields or returns, and idle workers steal the tasks queued
 * behind it.  See docs/api/task.md for the reference and
 * docs/design/runtime.md for how the scheduler works.
 */
#ifndef SLUICE_TASK_H
#define SLUICE_TASK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "chan.h"
#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts fn(arg) as a task on p; its result is ignored.  SL_OK, SL_NOMEM,
 * SL_CLOSED once sl_pool_free has begun (from outside p's tasks) or in
 * a forked child on a pool made before the fork, or SL_INVAL for a NULL
 * p or fn.  A task that forks goes on in the child as its only thread;
 * if fn returns there, the child exits with status 0 as by exit(0), as
 * POSIX ends a process whose last thread returns (docs/api/task.md). */
int sl_go(sl_pool *p, sl_task_fn fn, void *arg);

/* The same, counted in g: sl_group_wait(g) returns once it has returned,
 * with the first non-zero result of the group's tasks.  SL_OK, SL_NOMEM,
 * SL_INVAL. */
int sl_group_go(sl_group *g, sl_task_fn fn, void *arg);

/* In a task: lets the other runnable tasks run first (the caller goes to
 * the back of the pool's queue).  In a thread: sched_yield(). */
void sl_yield(void);

/* Sleeps until `deadline` (sl_now() clock).  In a task only the task
 * sleeps.  SL_OK. */
int sl_sleep_until(int64_t deadline);

/* Waits until fd is ready for `events` (POLLIN, POLLOUT or both), has hung
 * up or has an error (SL_OK: try the I/O, which tells which), or until the
 * deadline (SL_TIMEDOUT; 0 polls without waiting).  In a task only the
 * task waits, on the pool's epoll instance.  SL_INVAL for a negative or
 * closed fd or other event bits. */
int sl_fd_wait(int fd, int events, int64_t deadline);

/* I/O for tasks on non-blocking descriptors: the call, retried after
 * sl_fd_wait while it says EAGAIN (and after EINTR).  Errors come back as
 * a negative errno, -ETIMEDOUT at the deadline (0: do not wait) — never
 * through errno, which a task that parked may no longer own (see
 * docs/api/task.md).  From a thread they block the thread in ppoll.
 *   sl_fd_read: bytes read (0 at end of file) or -errno.
 *   sl_fd_write: writes all n bytes: n, or the bytes written before an
 *     error (the next call reports it), or -errno if none were.
 *   sl_fd_accept: accept4(fd, addr, addrlen, flags): the new fd or -errno.
 *   sl_fd_connect: 0 once connected, or -errno (-ECONNREFUSED, ...).
 *     Called again after -ETIMEDOUT, it waits for the connect still
 *     going on that socket (EALREADY is waited on like EINPROGRESS).  To
 *     a full AF_UNIX backlog (EAGAIN) it connects again every few ms until
 *     there is room or the deadline. */
ssize_t sl_fd_read(int fd, void *buf, size_t n, int64_t deadline);
ssize_t sl_fd_write(int fd, const void *buf, size_t n, int64_t deadline);
int sl_fd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags, int64_t deadline);
int sl_fd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen, int64_t deadline);

/* 1 when called from a task started by sl_go or sl_group_go, else 0 (also
 * in a child forked by a task, which goes on as a plain thread). */
int sl_in_task(void);

/* Stack size for the tasks of p, guard page excluded: SL_OK, or SL_INVAL
 * below 16 KiB or above 1 GiB, or once p has started a task.  The
 * default is 64 KiB (256 KiB in sanitizer builds); the kernel commits the
 * pages a task touches, not the whole size. */
int sl_pool_set_stack_size(sl_pool *p, size_t bytes);
size_t sl_pool_stack_size(const sl_pool *p);

#ifdef __cplusplus
}
#endif

#endif
