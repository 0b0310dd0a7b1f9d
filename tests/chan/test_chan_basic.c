/* test_chan_basic.c - one channel at a time: copying, FIFO, blocking,
 * try_, deadlines, close, len/cap, unbounded growth. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "helpers.h"

SL_TEST(chan_copies_elements_by_value_of_any_size)
{
    size_t sizes[] = {1, 3, 8, 37, 4096};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        sl_chan *c = sl_chan_new(n, 4);
        unsigned char in[4096], out[4096];
        for (size_t i = 0; i < n; i++)
            in[i] = (unsigned char)(i * 7 + k);
        CHECK_EQ(sl_chan_send(c, in), SL_OK);
        memset(in, 0xEE, n); /* the channel holds a copy, not the pointer */
        memset(out, 0, n);
        CHECK_EQ(sl_chan_recv(c, out), SL_OK);
        for (size_t i = 0; i < n; i++)
            CHECK_EQ(out[i], (unsigned char)(i * 7 + k));
        sl_chan_free(c);
    }
}

/* One 64 MiB value into a channel of capacity 8 needs 64 MiB, not 8 of
 * them: in a child whose address space has room for ~200 MiB more, the
 * send succeeds and the value comes back whole. (Not under sanitizers,
 * whose shadow memory makes an address-space limit meaningless.) */
SL_TEST(chan_of_big_values_allocates_one_value_first)
{
    if (SL_TEST_SANITIZED)
        return;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        size_t big = (size_t)64 << 20;
        char *v = malloc(big), *r = malloc(big);
        if (!v || !r)
            _exit(2);
        memset(v, 7, big);
        memset(r, 0, big);
        long vm = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (!f || fscanf(f, "%ld", &vm) != 1)
            _exit(3);
        fclose(f);
        struct rlimit rl = {(rlim_t)vm * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)200 << 20), RLIM_INFINITY};
        rl.rlim_max = rl.rlim_cur;
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            _exit(4);
        sl_chan *c = sl_chan_new(big, 8);
        if (!c || sl_chan_send(c, v) != SL_OK)
            _exit(5);
        if (sl_chan_recv(c, r) != SL_OK || memcmp(r, v, big) != 0)
            _exit(6);
        _exit(0);
    }
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

SL_TEST(chan_buffered_is_fifo)
{
    sl_chan *c = sl_chan_new(sizeof(int), 100);
    for (int round = 0; round < 3; round++) { /* wrap the ring around */
        for (int i = 0; i < 70; i++)
            CHECK_EQ(sl_chan_send(c, &i), SL_OK);
        for (int i = 0; i < 70; i++) {
            int v = -1;
            CHECK_EQ(sl_chan_recv(c, &v), SL_OK);
            CHECK_EQ(v, i);
        }
    }
    sl_chan_free(c);
}

typedef struct {
    sl_chan *c;
    atomic_int done;
    int value;
    int rc;
} sender_arg;

static void *send_one(void *p)
{
    sender_arg *a = p;
    a->rc = sl_chan_send(a->c, &a->value);
    atomic_store(&a->done, 1);
    return NULL;
}

SL_TEST(chan_unbuffered_send_returns_only_after_receive)
{
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    sender_arg a = {.c = c, .value = 42};
    peer_t t = spawn(send_one, &a);
    sleep_ms(50);
    CHECK_EQ(atomic_load(&a.done), 0); /* nobody has received yet */
    int v = 0;
    CHECK_EQ(sl_chan_recv(c, &v), SL_OK);
    CHECK_EQ(v, 42);
    join(t);
    CHECK_EQ(a.rc, SL_OK);
    CHECK_EQ(atomic_load(&a.done), 1);
    sl_chan_free(c);
}

typedef struct {
    sl_chan *c;
    int value;
    int rc;
    atomic_int started; /* about to receive */
} recv_arg;

static void *recv_one(void *p)
{
    recv_arg *a = p;
    atomic_store(&a->started, 1);
    a->rc = sl_chan_recv(a->c, &a->value);
    return NULL;
}

SL_TEST(chan_value_goes_straight_to_waiting_receiver)
{
    /* A buffered channel with a receiver already waiting: the value is
     * handed over, never parked in the buffer. */
    sl_chan *c = sl_chan_new(sizeof(int), 8);
    recv_arg a = {.c = c, .value = -1};
    peer_t t = spawn(recv_one, &a);
    while (!atomic_load(&a.started)) /* a loaded machine may start it late */
        sleep_ms(1);
    sleep_ms(30);
    int v = 7;
    CHECK_EQ(sl_chan_send(c, &v), SL_OK);
    CHECK_EQ(sl_chan_len(c), 0);
    join(t);
    CHECK_EQ(a.rc, SL_OK);
    CHECK_EQ(a.value, 7);
    sl_chan_free(c);
}

SL_TEST(chan_try_send_would_block_when_full)
{
    sl_chan *c = sl_chan_new(sizeof(int), 2);
    int v = 1;
    CHECK_EQ(sl_chan_try_send(c, &v), SL_OK);
    CHECK_EQ(sl_chan_try_send(c, &v), SL_OK);
    CHECK_EQ(sl_chan_try_send(c, &v), SL_WOULDBLOCK);
    sl_chan *u = sl_chan_new(sizeof(int), 0); /* unbuffered, nobody receiving */
    CHECK_EQ(sl_chan_try_send(u, &v), SL_WOULDBLOCK);
    sl_chan_free(c);
    sl_chan_free(u);
}

SL_TEST(chan_try_recv_would_block_when_empty)
{
    sl_chan *c = sl_chan_new(sizeof(int), 2);
    int v = 0;
    CHECK_EQ(sl_chan_try_recv(c, &v), SL_WOULDBLOCK);
    v = 5;
    sl_chan_send(c, &v);
    v = 0;
    CHECK_EQ(sl_chan_try_recv(c, &v), SL_OK);
    CHECK_EQ(v, 5);
    CHECK_EQ(sl_chan_try_recv(c, &v), SL_WOULDBLOCK);
    sl_chan_free(c);
}

SL_TEST(chan_send_until_times_out_at_deadline)
{
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    int v = 1;
    int64_t start = sl_now(), deadline = start + MS(40);
    CHECK_EQ(sl_chan_send_until(c, &v, deadline), SL_TIMEDOUT);
    CHECK(sl_now() >= deadline);
    CHECK(sl_now() - start < MS(2000));
    /* The timed-out sender left no trace: a receiver finds nothing. */
    CHECK_EQ(sl_chan_try_recv(c, &v), SL_WOULDBLOCK);
    sl_chan_free(c);
}

SL_TEST(chan_recv_until_times_out_at_deadline)
{
    sl_chan *c = sl_chan_new(sizeof(int), 4);
    int v;
    int64_t deadline = sl_deadline_in(MS(40));
    CHECK_EQ(sl_chan_recv_until(c, &v, deadline), SL_TIMEDOUT);
    CHECK(sl_now() >= deadline);
    /* and a value sent afterwards is not lost to the departed receiver */
    v = 9;
    CHECK_EQ(sl_chan_try_send(c, &v), SL_OK);
    CHECK_EQ(sl_chan_len(c), 1);
    sl_chan_free(c);
}

SL_TEST(chan_until_with_past_deadline_times_out_at_once)
{
    sl_chan *c = sl_chan_new(sizeof(int), 1);
    int v = 3;
    CHECK_EQ(sl_chan_recv_until(c, &v, 0), SL_TIMEDOUT);
    CHECK_EQ(sl_chan_send_until(c, &v, sl_now() - 1), SL_OK); /* room: completes */
    CHECK_EQ(sl_chan_send_until(c, &v, sl_now() - 1), SL_TIMEDOUT);
    CHECK_EQ(sl_chan_recv_until(c, &v, 0), SL_OK);
    sl_chan_free(c);
}

SL_TEST(chan_close_delivers_buffered_values_then_closed)
{
    sl_chan *c = sl_chan_new(sizeof(int), 5);
    for (int i = 0; i < 3; i++)
        sl_chan_send(c, &i);
    CHECK_EQ(sl_chan_close(c), SL_OK);
    for (int i = 0; i < 3; i++) {
        int v = -1;
        CHECK_EQ(sl_chan_recv(c, &v), SL_OK);
        CHECK_EQ(v, i);
    }
    int v;
    CHECK_EQ(sl_chan_recv(c, &v), SL_CLOSED);
    CHECK_EQ(sl_chan_try_recv(c, &v), SL_CLOSED);
    CHECK_EQ(sl_chan_recv_until(c, &v, sl_deadline_in(MS(1000))), SL_CLOSED);
    sl_chan_free(c);
}

SL_TEST(chan_close_wakes_all_receivers)
{
    size_t caps[] = {0, 3, SL_UNBOUNDED};
    for (int k = 0; k < 3; k++) {
        sl_chan *c = sl_chan_new(sizeof(int), caps[k]);
        recv_arg a[6];
        peer_t t[6];
        for (int i = 0; i < 6; i++) {
            a[i] = (recv_arg){.c = c, .value = 1, .rc = 99};
            t[i] = spawn(recv_one, &a[i]);
        }
        sleep_ms(30);
        CHECK_EQ(sl_chan_close(c), SL_OK);
        for (int i = 0; i < 6; i++) {
            join(t[i]);
            CHECK_EQ(a[i].rc, SL_CLOSED);
        }
        sl_chan_free(c);
    }
}

SL_TEST(chan_close_wakes_all_blocked_senders)
{
    size_t caps[] = {0, 2};
    for (int k = 0; k < 2; k++) {
        sl_chan *c = sl_chan_new(sizeof(int), caps[k]);
        int fill = 0;
        while (sl_chan_try_send(c, &fill) == SL_OK)
            ;
        sender_arg a[5];
        peer_t t[5];
        for (int i = 0; i < 5; i++) {
            a[i] = (sender_arg){.c = c, .value = i, .rc = 99};
            t[i] = spawn(send_one, &a[i]);
        }
        sleep_ms(30);
        CHECK_EQ(sl_chan_close(c), SL_OK);
        for (int i = 0; i < 5; i++) {
            join(t[i]);
            CHECK_EQ(a[i].rc, SL_CLOSED);
        }
        sl_chan_free(c);
    }
}

SL_TEST(chan_send_after_close_returns_closed)
{
    sl_chan *c = sl_chan_new(sizeof(int), 4);
    sl_chan_close(c);
    int v = 1;
    CHECK_EQ(sl_chan_send(c, &v), SL_CLOSED);
    CHECK_EQ(sl_chan_try_send(c, &v), SL_CLOSED);
    CHECK_EQ(sl_chan_send_until(c, &v, sl_deadline_in(MS(10))), SL_CLOSED);
    CHECK_EQ(sl_chan_len(c), 0);
    CHECK_EQ(sl_chan_is_closed(c), 1);
    sl_chan_free(c);
}

SL_TEST(chan_second_close_returns_closed)
{
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    CHECK_EQ(sl_chan_close(c), SL_OK);
    CHECK_EQ(sl_chan_close(c), SL_CLOSED);
    sl_chan_free(c);
}

SL_TEST(chan_recv_on_closed_zeroes_element)
{
    sl_chan *c = sl_chan_new(sizeof(long), 1);
    sl_chan_close(c);
    long v = 1234;
    CHECK_EQ(sl_chan_recv(c, &v), SL_CLOSED);
    CHECK_EQ(v, 0); /* Go's zero value */
    sl_chan_free(c);
}

SL_TEST(chan_len_and_cap_report_buffer)
{
    sl_chan *c = sl_chan_new(sizeof(int), 10);
    CHECK_EQ(sl_chan_cap(c), 10);
    CHECK_EQ(sl_chan_elem_size(c), sizeof(int));
    for (int i = 0; i < 4; i++)
        sl_chan_send(c, &i);
    CHECK_EQ(sl_chan_len(c), 4);
    sl_chan *u = sl_chan_new(1, SL_UNBOUNDED);
    CHECK(sl_chan_cap(u) == SL_UNBOUNDED);
    sl_chan *z = sl_chan_new(1, 0);
    CHECK_EQ(sl_chan_cap(z), 0);
    CHECK_EQ(sl_chan_len(z), 0);
    sl_chan_free(c);
    sl_chan_free(u);
    sl_chan_free(z);
}

SL_TEST(chan_unbounded_grows_without_limit_in_order)
{
    sl_chan *c = sl_chan_new(sizeof(int), SL_UNBOUNDED);
    int n = 200000;
    for (int i = 0; i < n / 2; i++)
        CHECK_EQ(sl_chan_try_send(c, &i), SL_OK);
    int v;
    for (int i = 0; i < n / 4; i++) { /* leave the ring's head mid-buffer */
        CHECK_EQ(sl_chan_recv(c, &v), SL_OK);
        CHECK_EQ(v, i);
    }
    for (int i = n / 2; i < n; i++) /* then grow while wrapped */
        CHECK_EQ(sl_chan_send(c, &i), SL_OK);
    CHECK_EQ(sl_chan_len(c), (size_t)(n - n / 4));
    for (int i = n / 4; i < n; i++) {
        CHECK_EQ(sl_chan_recv(c, &v), SL_OK);
        CHECK_EQ(v, i);
    }
    sl_chan_free(c);
}

SL_TEST(chan_zero_size_elements_carry_events)
{
    sl_chan *c = sl_chan_new(0, 3);
    CHECK(c != NULL);
    CHECK_EQ(sl_chan_send(c, NULL), SL_OK);
    CHECK_EQ(sl_chan_send(c, NULL), SL_OK);
    CHECK_EQ(sl_chan_len(c), 2);
    CHECK_EQ(sl_chan_recv(c, NULL), SL_OK);
    CHECK_EQ(sl_chan_len(c), 1);
    sl_chan_close(c);
    CHECK_EQ(sl_chan_recv(c, NULL), SL_OK);
    CHECK_EQ(sl_chan_recv(c, NULL), SL_CLOSED);
    sl_chan_free(c);
}

SL_TEST(chan_rejects_null_arguments)
{
    int v = 0;
    CHECK_EQ(sl_chan_send(NULL, &v), SL_INVAL);
    CHECK_EQ(sl_chan_recv(NULL, &v), SL_INVAL);
    CHECK_EQ(sl_chan_close(NULL), SL_INVAL);
    sl_chan *c = sl_chan_new(sizeof(int), 1);
    CHECK_EQ(sl_chan_send(c, NULL), SL_INVAL);
    CHECK_EQ(sl_chan_try_recv(c, NULL), SL_INVAL);
    sl_chan_free(c);
    sl_chan_free(NULL);
}
