/*
 * fdio.c - read, write, accept and connect for tasks: the call, retried
 * after sl_fd_wait while it says EAGAIN, its error returned as a negative
 * errno.
 *
 * The one idea: a task that parks may resume on another worker thread,
 * and errno is the thread's.  Worse, glibc declares __errno_location()
 * const, so a compiler may compute errno's address once per function and
 * use it on both sides of a park: the task then reads (or writes) the old
 * thread's errno.  So errno is read only inside the small functions below,
 * which make one system call each and never park, and are kept out of line
 * so that their errno address is computed anew on every call.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "sluice/task.h"

#include "netpoll.h"

#define SL__OUT_OF_LINE __attribute__((noinline))

SL__OUT_OF_LINE static ssize_t try_read(int fd, void *buf, size_t n)
{
    ssize_t r = read(fd, buf, n);
    return r < 0 ? -errno : r;
}

SL__OUT_OF_LINE static ssize_t try_write(int fd, const void *buf, size_t n)
{
    ssize_t r = write(fd, buf, n);
    return r < 0 ? -errno : r;
}

SL__OUT_OF_LINE static int try_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    int r = accept4(fd, addr, len, flags);
    return r < 0 ? -errno : r;
}

SL__OUT_OF_LINE static int try_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return connect(fd, addr, len) < 0 ? -errno : 0;
}

/* After a wait for a connect in progress: 0 connected, -EINPROGRESS still
 * going (the wait returned early, which sl_fd_wait allows), or the
 * connect's error. */
SL__OUT_OF_LINE static int connect_result(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -errno;
    if (err)
        return -err;
    struct sockaddr_storage peer;
    len = sizeof peer;
    if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
        return 0;
    return errno == ENOTCONN ? -EINPROGRESS : -errno;
}

/* Waits for fd as the I/O that said EAGAIN needs: 0 to try again, or the
 * negative errno to return. */
static int wait_for(int fd, int events, int64_t deadline)
{
    int w = sl__fd_wait_blocked(fd, events, deadline);
    if (w == SL_TIMEDOUT)
        return -ETIMEDOUT;
    if (w == SL_INVAL)
        return -EBADF;
    return 0;
}

/* The retry policy of every call here, after one try that gave *r: 1 to
 * try again (EINTR, or EAGAIN and then fd became ready), 0 when *r is the
 * answer (a result, an error, or the wait's -ETIMEDOUT / -EBADF). */
static int retry(ssize_t *r, int fd, int events, int64_t deadline)
{
    if (*r == -EINTR)
        return 1;
    if (*r != -EAGAIN && *r != -EWOULDBLOCK)
        return 0;
    int w = wait_for(fd, events, deadline);
    if (w)
        *r = w;
    return !w;
}

ssize_t sl_fd_read(int fd, void *buf, size_t n, int64_t deadline)
{
    ssize_t r;
    do
        r = try_read(fd, buf, n);
    while (retry(&r, fd, POLLIN, deadline));
    return r;
}

ssize_t sl_fd_write(int fd, const void *buf, size_t n, int64_t deadline)
{
    const char *p = buf;
    size_t done = 0;
    do {
        ssize_t r = try_write(fd, p + done, n - done);
        /* After an error what was written counts; the next call reports
         * the error again. */
        if (r >= 0)
            done += (size_t)r;
        else if (!retry(&r, fd, POLLOUT, deadline))
            return done ? (ssize_t)done : r;
    } while (done < n);
    return (ssize_t)done;
}

int sl_fd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags, int64_t deadline)
{
    ssize_t r;
    do
        r = try_accept(fd, addr, addrlen, flags);
    while (r == -ECONNABORTED || retry(&r, fd, POLLIN, deadline));
    return (int)r;
}

/* How long to wait before trying a connect the listener had no room for
 * again: 1, 2, 4 ... ms, up to 16 ms, not past the deadline. */
static void pause_before_retry(unsigned *step, int64_t deadline)
{
    int64_t at = sl_now() + ((int64_t)1000000 << (*step < 4 ? (*step)++ : 4));
    sl_sleep_until(at < deadline ? at : deadline);
}

int sl_fd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen, int64_t deadline)
{
    unsigned step = 0;
    int r = try_connect(fd, addr, addrlen);
    for (;;) {
        if (r == -EAGAIN) {
            /* An AF_UNIX listener's backlog is full (or, for TCP, no
             * local port is free): no connect was started, and no event
             * will say there is room now, so try again in a while until
             * the deadline, as a blocking connect would wait. */
            if (sl_now() >= deadline)
                return -ETIMEDOUT;
            pause_before_retry(&step, deadline);
            r = try_connect(fd, addr, addrlen);
            continue;
        }
        /* EALREADY: an earlier connect on fd is still going (one this
         * call gave up on at its deadline, say); its outcome is this
         * call's, as after EINPROGRESS. */
        if (r != -EINPROGRESS && r != -EALREADY && r != -EINTR)
            return r;
        int w = wait_for(fd, POLLOUT, deadline);
        if (w)
            return w;
        r = connect_result(fd);
        if (r != -EINPROGRESS)
            return r;
        /* Writable, yet neither connected nor failed: the wait returned
         * early (which sl_fd_wait allows), or the socket is in a state a
         * poll cannot tell.  Ask connect(2) again (EALREADY while it goes
         * on), after a pause and never past the deadline, so that a
         * socket that keeps polling ready cannot make this spin. */
        if (sl_now() >= deadline)
            return -ETIMEDOUT;
        pause_before_retry(&step, deadline);
        r = try_connect(fd, addr, addrlen);
        if (r == -EISCONN) /* connected since connect_result looked */
            return 0;
    }
}
