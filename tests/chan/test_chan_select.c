/* test_chan_select.c - sl_select: readiness, nil cases, deadlines, close,
 * fairness, self-pairing, many cases, and ping-pong without lost wake-ups. */
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "helpers.h"

SL_TEST(select_returns_the_ready_case)
{
    sl_chan *a = sl_chan_new(sizeof(int), 1), *b = sl_chan_new(sizeof(int), 1);
    int v = 11, ra = 0, rb = 0;
    sl_chan_send(b, &v);
    sl_case cs[] = {{a, SL_RECV, &ra, 99}, {b, SL_RECV, &rb, 99}};
    CHECK_EQ(sl_select(cs, 2, SL_FOREVER), 1);
    CHECK_EQ(cs[1].status, SL_OK);
    CHECK_EQ(rb, 11);
    /* a send case is ready when there is room */
    int s = 5;
    sl_case cs2[] = {{a, SL_SEND, &s, 99}};
    CHECK_EQ(sl_select(cs2, 1, 0), 0);
    CHECK_EQ(cs2[0].status, SL_OK);
    CHECK_EQ(sl_chan_len(a), 1);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_nil_channel_is_never_ready)
{
    sl_chan *a = sl_chan_new(sizeof(int), 1);
    int v = 1, r;
    sl_chan_send(a, &v);
    sl_case cs[] = {{NULL, SL_RECV, &r, 99}, {NULL, SL_SEND, &v, 99}, {a, SL_RECV, &r, 99}};
    for (int i = 0; i < 50; i++) {
        sl_chan_try_send(a, &v);
        CHECK_EQ(sl_select(cs, 3, SL_FOREVER), 2);
    }
    sl_case only_nil[] = {{NULL, SL_RECV, &r, 99}};
    CHECK_EQ(sl_select(only_nil, 1, 0), SL_WOULDBLOCK);
    int64_t deadline = sl_deadline_in(MS(20));
    CHECK_EQ(sl_select(only_nil, 1, deadline), SL_TIMEDOUT);
    CHECK(sl_now() >= deadline);
    sl_chan_free(a);
}

SL_TEST(select_deadline_zero_does_not_block)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0);
    int r;
    sl_case cs[] = {{a, SL_RECV, &r, 99}, {a, SL_SEND, &r, 99}};
    int64_t start = sl_now();
    CHECK_EQ(sl_select(cs, 2, 0), SL_WOULDBLOCK);
    CHECK(sl_now() - start < MS(100));
    CHECK_EQ(sl_select(NULL, 0, 0), SL_WOULDBLOCK);
    sl_chan_free(a);
}

SL_TEST(select_times_out_at_deadline)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0), *b = sl_chan_new(sizeof(int), 2);
    int r;
    sl_case cs[] = {{a, SL_RECV, &r, 99}, {b, SL_RECV, &r, 99}};
    int64_t deadline = sl_deadline_in(MS(40));
    CHECK_EQ(sl_select(cs, 2, deadline), SL_TIMEDOUT);
    CHECK(sl_now() >= deadline);
    /* nothing stays registered: a later send is not swallowed */
    int v = 3;
    CHECK_EQ(sl_chan_try_send(b, &v), SL_OK);
    CHECK_EQ(sl_chan_len(b), 1);
    CHECK_EQ(sl_chan_try_send(a, &v), SL_WOULDBLOCK);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_recv_on_closed_reports_closed)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0), *b = sl_chan_new(sizeof(int), 0);
    sl_chan_close(b);
    int r = 77;
    sl_case cs[] = {{a, SL_RECV, &r, 99}, {b, SL_RECV, &r, 99}};
    CHECK_EQ(sl_select(cs, 2, SL_FOREVER), 1);
    CHECK_EQ(cs[1].status, SL_CLOSED);
    CHECK_EQ(r, 0);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_send_on_closed_reports_closed)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0);
    sl_chan_close(a);
    int v = 1;
    sl_case cs[] = {{a, SL_SEND, &v, 99}};
    CHECK_EQ(sl_select(cs, 1, 0), 0);
    CHECK_EQ(cs[0].status, SL_CLOSED);
    sl_chan_free(a);
}

SL_TEST(select_chooses_uniformly_among_ready_cases)
{
    enum { K = 3, ROUNDS = 30000 };
    sl_chan *c[K + 1];
    sl_case cs[K + 1];
    int r, v = 0, hits[K + 1] = {0};
    for (int i = 0; i <= K; i++) {
        c[i] = sl_chan_new(sizeof(int), 1);
        cs[i] = (sl_case){c[i], SL_RECV, &r, 0};
    }
    /* cases 0..K-1 are always ready, case K never is */
    for (int n = 0; n < ROUNDS; n++) {
        for (int i = 0; i < K; i++)
            sl_chan_try_send(c[i], &v);
        int i = sl_select(cs, K + 1, 0);
        CHECK(i >= 0 && i < K);
        hits[i]++;
    }
    CHECK_EQ(hits[K], 0);
    for (int i = 0; i < K; i++) { /* expect 10,000 each; 5 sigma is about 410 */
        CHECK(hits[i] > ROUNDS / K - 600);
        CHECK(hits[i] < ROUNDS / K + 600);
    }
    for (int i = 0; i <= K; i++)
        sl_chan_free(c[i]);
}

typedef struct {
    sl_chan *c;
    int value;
    int delay_ms;
    int rc;
} delayed;

static void *delayed_send(void *p)
{
    delayed *d = p;
    sleep_ms(d->delay_ms);
    d->rc = sl_chan_send(d->c, &d->value);
    return NULL;
}

static void *delayed_recv(void *p)
{
    delayed *d = p;
    sleep_ms(d->delay_ms);
    d->rc = sl_chan_recv(d->c, &d->value);
    return NULL;
}

static void *delayed_close(void *p)
{
    delayed *d = p;
    sleep_ms(d->delay_ms);
    d->rc = sl_chan_close(d->c);
    return NULL;
}

SL_TEST(select_wakes_when_sender_arrives)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0), *b = sl_chan_new(sizeof(int), 0);
    delayed d = {b, 123, 30, 99};
    peer_t t = spawn(delayed_send, &d);
    int ra = 0, rb = 0;
    sl_case cs[] = {{a, SL_RECV, &ra, 99}, {b, SL_RECV, &rb, 99}};
    CHECK_EQ(sl_select(cs, 2, sl_deadline_in(MS(5000))), 1);
    CHECK_EQ(cs[1].status, SL_OK);
    CHECK_EQ(rb, 123);
    join(t);
    CHECK_EQ(d.rc, SL_OK);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_wakes_when_receiver_arrives)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0), *b = sl_chan_new(sizeof(int), 0);
    delayed d = {a, 0, 30, 99};
    peer_t t = spawn(delayed_recv, &d);
    int va = 5, vb = 6;
    sl_case cs[] = {{a, SL_SEND, &va, 99}, {b, SL_SEND, &vb, 99}};
    CHECK_EQ(sl_select(cs, 2, sl_deadline_in(MS(5000))), 0);
    CHECK_EQ(cs[0].status, SL_OK);
    join(t);
    CHECK_EQ(d.rc, SL_OK);
    CHECK_EQ(d.value, 5);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_close_wakes_blocked_select)
{
    sl_chan *a = sl_chan_new(sizeof(int), 0), *b = sl_chan_new(sizeof(int), 4);
    delayed d = {b, 0, 30, 99};
    peer_t t = spawn(delayed_close, &d);
    int r = 5;
    sl_case cs[] = {{a, SL_RECV, &r, 99}, {b, SL_RECV, &r, 99}};
    CHECK_EQ(sl_select(cs, 2, SL_FOREVER), 1);
    CHECK_EQ(cs[1].status, SL_CLOSED);
    join(t);
    sl_chan_free(a);
    sl_chan_free(b);
}

SL_TEST(select_does_not_pair_with_itself)
{
    /* Go blocks on `select { case c <- v: case <-c: }` for an unbuffered c:
     * one goroutine cannot be both ends of a hand-off. */
    sl_chan *c = sl_chan_new(sizeof(int), 0);
    int v = 1, r = 0;
    sl_case cs[] = {{c, SL_SEND, &v, 99}, {c, SL_RECV, &r, 99}};
    int64_t deadline = sl_deadline_in(MS(50));
    CHECK_EQ(sl_select(cs, 2, deadline), SL_TIMEDOUT);
    CHECK(sl_now() >= deadline);
    sl_chan_free(c);
}

SL_TEST(select_handles_many_cases)
{
    enum { N = 100 };
    sl_chan *c[N];
    sl_case cs[N];
    int r[N];
    for (int i = 0; i < N; i++) {
        c[i] = sl_chan_new(sizeof(int), 0);
        cs[i] = (sl_case){c[i], SL_RECV, &r[i], 99};
    }
    delayed d = {c[73], 7373, 20, 99};
    peer_t t = spawn(delayed_send, &d);
    CHECK_EQ(sl_select(cs, N, SL_FOREVER), 73);
    CHECK_EQ(r[73], 7373);
    join(t);
    for (int i = 0; i < N; i++)
        sl_chan_free(c[i]);
}

/* Go's `case <-c:` has no C spelling with an element size: a NULL element
 * for a channel that carries bytes is refused up front, sends and receives
 * alike, even when another case is ready, and nothing is taken. */
SL_TEST(select_rejects_null_element_for_sized_channel)
{
    sl_chan *c = sl_chan_new(sizeof(int), 1), *z = sl_chan_new(0, 1);
    int v = 7, r = 0;
    CHECK_EQ(sl_chan_send(c, &v), SL_OK);
    sl_case recv_null[] = {{c, SL_RECV, NULL, 0}};
    CHECK_EQ(sl_select(recv_null, 1, 0), SL_INVAL);
    CHECK_EQ(sl_select(recv_null, 1, SL_FOREVER), SL_INVAL);
    sl_case send_null[] = {{z, SL_RECV, NULL, 0}, {c, SL_SEND, NULL, 0}};
    CHECK_EQ(sl_select(send_null, 2, 0), SL_INVAL);
    /* The zero-size channel takes NULL, and the sized one still holds 7. */
    sl_case ok[] = {{z, SL_SEND, NULL, 0}};
    CHECK_EQ(sl_select(ok, 1, 0), 0);
    CHECK_EQ(sl_chan_recv(c, &r), SL_OK);
    CHECK_EQ(r, 7);
    sl_chan_free(c);
    sl_chan_free(z);
}

SL_TEST(select_rejects_bad_direction)
{
    sl_chan *c = sl_chan_new(sizeof(int), 1);
    int r;
    sl_case cs[] = {{c, 0, &r, 99}};
    CHECK_EQ(sl_select(cs, 1, 0), SL_INVAL);
    CHECK_EQ(sl_select(NULL, 3, 0), SL_INVAL);
    sl_chan_free(c);
}

/* Two threads bounce a counter over two unbuffered channels, both ends in
 * select with a spare never-ready case; a lost wake-up would hang one of
 * them, which the generous deadline turns into a failure. */
typedef struct {
    sl_chan *in, *out, *never;
    int rounds;
    int failed;
} ponger;

static void *pong(void *p)
{
    ponger *g = p;
    int v, dummy = 0;
    for (int i = 0; i < g->rounds; i++) {
        sl_case rc[] = {{g->never, SL_RECV, &dummy, 0}, {g->in, SL_RECV, &v, 0}};
        if (sl_select(rc, 2, sl_deadline_in(MS(10000))) != 1) {
            g->failed = 1;
            return NULL;
        }
        v++;
        sl_case sc[] = {{g->out, SL_SEND, &v, 0}, {g->never, SL_SEND, &dummy, 0}};
        if (sl_select(sc, 2, sl_deadline_in(MS(10000))) != 0) {
            g->failed = 1;
            return NULL;
        }
    }
    return NULL;
}

SL_TEST(select_ping_pong_unbuffered_loses_no_wakeup)
{
    sl_chan *ab = sl_chan_new(sizeof(int), 0), *ba = sl_chan_new(sizeof(int), 0);
    sl_chan *never = sl_chan_new(sizeof(int), 0);  /* only pong uses it */
    sl_chan *never2 = sl_chan_new(sizeof(int), 0); /* only this thread does */
    int rounds = (int)SL_TEST_SCALE(20000);
    ponger b = {ab, ba, never, rounds, 0};
    peer_t t = spawn(pong, &b);
    int v = 0;
    for (int i = 0; i < rounds; i++) {
        sl_case sc[] = {{never2, SL_SEND, &v, 0}, {ab, SL_SEND, &v, 0}};
        CHECK_EQ(sl_select(sc, 2, sl_deadline_in(MS(10000))), 1);
        sl_case rc[] = {{ba, SL_RECV, &v, 0}, {never2, SL_RECV, &v, 0}};
        CHECK_EQ(sl_select(rc, 2, sl_deadline_in(MS(10000))), 0);
        CHECK_EQ(v, 2 * i + 1);
        v++;
    }
    join(t);
    CHECK_EQ(b.failed, 0);
    sl_chan_free(ab);
    sl_chan_free(ba);
    sl_chan_free(never);
    sl_chan_free(never2);
}
