/*
 * tcp_echo.c - a TCP echo server and its clients, all lightweight tasks on
 * one pool: Go's "one goroutine per connection" in C.
 *
 * The server accepts on 127.0.0.1 and starts a task per connection that
 * echoes until the peer closes or stays silent for IDLE_MS (a read
 * deadline, as net.Conn.SetReadDeadline).  A thousand client tasks connect
 * at once (fewer if the descriptor limit is low): most send MESSAGES lines
 * and check the echo, every tenth says nothing and must be cut off by the
 * server.  Each task waits on its socket through the pool's netpoller
 * (sl_fd_read and friends), so the whole program runs on one worker
 * thread per CPU.  Build: build/examples/tcp_echo [connections].
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4's SOCK_NONBLOCK, SOCK_CLOEXEC under -std=c11 */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sluice/task.h>

enum { MESSAGES = 20, IDLE_MS = 2000 };
#define MS(n) ((int64_t)(n) * 1000000)

static sl_pool *pool;
static int listener;
static struct sockaddr_in server_addr;
static sl_chan *stop; /* closed when the server should stop accepting */
static atomic_int echoed, cut_off, failed, conns_served;

/* One connection, server side: echo until EOF, an error or IDLE_MS of silence. */
static int serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    ssize_t n;
    while ((n = sl_fd_read(fd, buf, sizeof buf, sl_deadline_in(MS(IDLE_MS)))) > 0)
        if (sl_fd_write(fd, buf, (size_t)n, sl_deadline_in(MS(IDLE_MS))) != n)
            break;
    if (n == -ETIMEDOUT)
        atomic_fetch_add(&cut_off, 1);
    close(fd);
    atomic_fetch_add(&conns_served, 1);
    return 0;
}

/* The accept loop: wakes every 50 ms to see whether it should stop. */
static int acceptor(void *arg)
{
    (void)arg;
    while (!sl_chan_is_closed(stop)) {
        int fd = sl_fd_accept(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC, sl_deadline_in(MS(50)));
        if (fd >= 0) {
            if (sl_go(pool, serve, (void *)(intptr_t)fd) != SL_OK)
                close(fd);
        } else if (fd != -ETIMEDOUT) {
            fprintf(stderr, "accept: %s\n", strerror(-fd));
            sl_sleep_until(sl_deadline_in(MS(10))); /* EMFILE and the like: back off */
        }
    }
    return 0;
}

static int client(void *arg)
{
    intptr_t id = (intptr_t)arg;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || sl_fd_connect(fd, (struct sockaddr *)&server_addr, sizeof server_addr, sl_deadline_in(MS(10000))) != 0) {
        atomic_fetch_add(&failed, 1);
        if (fd >= 0)
            close(fd);
        return 1;
    }
    char out[64], in[64];
    if (id % 10 == 9) { /* a silent client: the server hangs up on it */
        ssize_t n = sl_fd_read(fd, in, sizeof in, sl_deadline_in(MS(10000)));
        if (n != 0 && n != -ECONNRESET)
            atomic_fetch_add(&failed, 1);
        close(fd);
        return 0;
    }
    for (int m = 0; m < MESSAGES; m++) {
        int len = snprintf(out, sizeof out, "client %ld line %d\n", (long)id, m);
        int64_t deadline = sl_deadline_in(MS(10000)); /* for the whole round trip */
        if (sl_fd_write(fd, out, (size_t)len, deadline) != len)
            goto fail;
        for (int got = 0; got < len;) {
            ssize_t n = sl_fd_read(fd, in + got, (size_t)(len - got), deadline);
            if (n <= 0)
                goto fail;
            got += (int)n;
        }
        if (memcmp(in, out, (size_t)len) != 0)
            goto fail;
    }
    atomic_fetch_add(&echoed, 1);
    close(fd);
    return 0;
fail:
    atomic_fetch_add(&failed, 1);
    close(fd);
    return 1;
}

int main(int argc, char **argv)
{
    int conns = argc > 1 ? atoi(argv[1]) : 1000;
    /* Two descriptors a connection (both ends live here): raise the soft
     * limit to the hard one, and fit the crowd to what is allowed. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)conns * 2 + 64 > rl.rlim_cur)
            conns = (int)((rl.rlim_cur - 64) / 2);
    }
    signal(SIGPIPE, SIG_IGN); /* a write to a closed peer: -EPIPE, not death */

    listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    server_addr.sin_family = AF_INET;
    server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* port 0: any free port */
    socklen_t len = sizeof server_addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&server_addr, sizeof server_addr) != 0 ||
        listen(listener, SOMAXCONN) != 0 || getsockname(listener, (struct sockaddr *)&server_addr, &len) != 0) {
        perror("tcp_echo: listen");
        return 1;
    }
    pool = sl_pool_new(0);
    stop = sl_chan_new(0, 0);
    sl_go(pool, acceptor, NULL);

    int64_t t0 = sl_now();
    sl_group *clients = sl_group_new(pool);
    for (intptr_t i = 0; i < conns; i++)
        sl_group_go(clients, client, (void *)i);
    sl_group_wait(clients);
    double ms = (double)(sl_now() - t0) / 1e6;
    sl_group_free(clients);

    sl_chan_close(stop);
    sl_pool_free(pool); /* waits for the acceptor and the last server tasks */
    close(listener);
    sl_chan_free(stop);

    int silent = conns / 10;
    printf("%d connections in %.0f ms: %d echoed %d lines each, %d silent ones cut off after %d ms, %d failed\n",
           conns, ms, (int)echoed, MESSAGES, (int)cut_off, IDLE_MS, (int)failed);
    return echoed == conns - silent && cut_off == silent && conns_served == conns && failed == 0 ? 0 : 1;
}
