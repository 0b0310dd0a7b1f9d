/* test_chan_stress.c - many threads at once: every value delivered exactly
 * once and in each producer's order, for every kind of capacity; close
 * racing with blocked operations; deadlines racing with hand-offs. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"

enum { PRODUCERS = 4, CONSUMERS = 4 };

typedef struct {
    sl_chan *c;
    int id;
    size_t per_producer;
    atomic_uchar *seen; /* PRODUCERS * per_producer counters */
    int failed;
} mpmc_arg;

static uint64_t pack_value(int producer, size_t seq)
{
    return ((uint64_t)producer << 40) | seq;
}

static void *mpmc_producer(void *p)
{
    mpmc_arg *a = p;
    for (size_t i = 0; i < a->per_producer; i++) {
        uint64_t v = pack_value(a->id, i);
        if (sl_chan_send(a->c, &v) != SL_OK)
            a->failed = 1;
    }
    return NULL;
}

/* Receives until close; checks that each producer's values arrive in the
 * order they were sent (FIFO per sender) and counts every value seen. */
static void record(mpmc_arg *a, uint64_t v, size_t *last)
{
    int prod = (int)(v >> 40);
    size_t seq = (size_t)(v & ((1ull << 40) - 1));
    if (prod >= PRODUCERS || seq >= a->per_producer) {
        a->failed = 1;
        return;
    }
    if (last[prod] != (size_t)-1 && seq <= last[prod])
        a->failed = 1;
    last[prod] = seq;
    atomic_fetch_add(&a->seen[(size_t)prod * a->per_producer + seq], 1);
}

static void *mpmc_consumer(void *p)
{
    mpmc_arg *a = p;
    size_t last[PRODUCERS];
    memset(last, 0xff, sizeof last);
    uint64_t v;
    while (sl_chan_recv(a->c, &v) == SL_OK)
        record(a, v, last);
    return NULL;
}

static void mpmc_run(size_t cap)
{
    size_t per = SL_TEST_SCALE(50000);
    sl_chan *c = sl_chan_new(sizeof(uint64_t), cap == 1000000 ? PRODUCERS * per : cap);
    atomic_uchar *seen = calloc(PRODUCERS * per, 1);
    mpmc_arg prod[PRODUCERS], cons[CONSUMERS];
    peer_t tp[PRODUCERS], tc[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++) {
        cons[i] = (mpmc_arg){c, i, per, seen, 0};
        tc[i] = spawn(mpmc_consumer, &cons[i]);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        prod[i] = (mpmc_arg){c, i, per, seen, 0};
        tp[i] = spawn(mpmc_producer, &prod[i]);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        join(tp[i]);
        CHECK_EQ(prod[i].failed, 0);
    }
    sl_chan_close(c);
    for (int i = 0; i < CONSUMERS; i++) {
        join(tc[i]);
        CHECK_EQ(cons[i].failed, 0);
    }
    for (size_t i = 0; i < PRODUCERS * per; i++)
        CHECK_EQ(seen[i], 1);
    free(seen);
    sl_chan_free(c);
}

SL_TEST(chan_mpmc_unbuffered_delivers_each_value_once_in_order)
{
    mpmc_run(0);
}

SL_TEST(chan_mpmc_capacity1_delivers_each_value_once_in_order)
{
    mpmc_run(1);
}

SL_TEST(chan_mpmc_bufferedN_delivers_each_value_once_in_order)
{
    mpmc_run(1000000); /* N = every message */
}

SL_TEST(chan_mpmc_unbounded_delivers_each_value_once_in_order)
{
    mpmc_run(SL_UNBOUNDED);
}

/* ---- select on both sides ----------------------------------------------- */

enum { NCHAN = 4 };

typedef struct {
    sl_chan **chans;
    mpmc_arg base;
} select_arg;

static void *select_producer(void *p)
{
    select_arg *a = p;
    for (size_t i = 0; i < a->base.per_producer; i++) {
        uint64_t v = pack_value(a->base.id, i);
        sl_case cs[NCHAN];
        for (int k = 0; k < NCHAN; k++)
            cs[k] = (sl_case){a->chans[k], SL_SEND, &v, 0};
        int r = sl_select(cs, NCHAN, SL_FOREVER);
        if (r < 0 || cs[r].status != SL_OK)
            a->base.failed = 1;
    }
    return NULL;
}

static void *select_consumer(void *p)
{
    select_arg *a = p;
    sl_case cs[NCHAN];
    uint64_t v;
    for (int k = 0; k < NCHAN; k++)
        cs[k] = (sl_case){a->chans[k], SL_RECV, &v, 0};
    /* Values of one producer may travel different channels, so only
     * exactly-once is checked here, not order. */
    int open = NCHAN;
    while (open > 0) {
        int r = sl_select(cs, NCHAN, SL_FOREVER);
        if (r < 0) {
            a->base.failed = 1;
            return NULL;
        }
        if (cs[r].status == SL_CLOSED) {
            cs[r].chan = NULL; /* Go's idiom: a nil channel drops out */
            open--;
            continue;
        }
        size_t seq = (size_t)(v & ((1ull << 40) - 1));
        int prod = (int)(v >> 40);
        if (prod >= PRODUCERS || seq >= a->base.per_producer)
            a->base.failed = 1;
        else
            atomic_fetch_add(&a->base.seen[(size_t)prod * a->base.per_producer + seq], 1);
    }
    return NULL;
}

SL_TEST(select_mpmc_delivers_each_value_once)
{
    size_t caps[] = {0, 1, SL_UNBOUNDED};
    for (int ci = 0; ci < 3; ci++) {
        size_t per = SL_TEST_SCALE(20000);
        sl_chan *chans[NCHAN];
        for (int k = 0; k < NCHAN; k++)
            chans[k] = sl_chan_new(sizeof(uint64_t), caps[ci]);
        atomic_uchar *seen = calloc(PRODUCERS * per, 1);
        select_arg prod[PRODUCERS], cons[CONSUMERS];
        peer_t tp[PRODUCERS], tc[CONSUMERS];
        for (int i = 0; i < CONSUMERS; i++) {
            cons[i] = (select_arg){chans, {NULL, i, per, seen, 0}};
            tc[i] = spawn(select_consumer, &cons[i]);
        }
        for (int i = 0; i < PRODUCERS; i++) {
            prod[i] = (select_arg){chans, {NULL, i, per, seen, 0}};
            tp[i] = spawn(select_producer, &prod[i]);
        }
        for (int i = 0; i < PRODUCERS; i++) {
            join(tp[i]);
            CHECK_EQ(prod[i].base.failed, 0);
        }
        for (int k = 0; k < NCHAN; k++)
            sl_chan_close(chans[k]);
        for (int i = 0; i < CONSUMERS; i++) {
            join(tc[i]);
            CHECK_EQ(cons[i].base.failed, 0);
        }
        for (size_t i = 0; i < PRODUCERS * per; i++)
            CHECK_EQ(seen[i], 1);
        free(seen);
        for (int k = 0; k < NCHAN; k++)
            sl_chan_free(chans[k]);
    }
}

/* ---- close racing with blocked operations ------------------------------- */

typedef struct {
    sl_chan *c, *d;
    int kind; /* 0 recv on c, 1 send on d, 2 select over both */
    int rc;
} blocked_arg;

static void *blocked_op(void *p)
{
    blocked_arg *a = p;
    uint64_t v = 1;
    if (a->kind == 0) {
        a->rc = sl_chan_recv(a->c, &v);
    } else if (a->kind == 1) {
        a->rc = sl_chan_send(a->d, &v);
    } else {
        uint64_t r;
        sl_case cs[] = {{a->c, SL_RECV, &r, 99}, {a->d, SL_SEND, &v, 99}};
        int i = sl_select(cs, 2, SL_FOREVER);
        a->rc = i < 0 ? i : cs[i].status;
    }
    return NULL;
}

SL_TEST(chan_close_while_blocked_in_send_recv_and_select)
{
    size_t rounds = SL_TEST_SCALE(400);
    for (size_t round = 0; round < rounds; round++) {
        sl_chan *c = sl_chan_new(sizeof(uint64_t), 0);
        sl_chan *d = sl_chan_new(sizeof(uint64_t), 1);
        uint64_t fill = 0;
        sl_chan_send(d, &fill); /* d full: its senders block */
        blocked_arg a[6];
        peer_t t[6];
        for (int i = 0; i < 6; i++) {
            a[i] = (blocked_arg){c, d, i % 3, 99};
            t[i] = spawn(blocked_op, &a[i]);
        }
        if (round % 2)
            sleep_ms(1); /* sometimes let them all block first */
        if (round % 3 == 0) {
            sl_chan_close(c);
            sl_chan_close(d);
        } else {
            sl_chan_close(d);
            sl_chan_close(c);
        }
        for (int i = 0; i < 6; i++) {
            join(t[i]);
            CHECK_EQ(a[i].rc, SL_CLOSED);
        }
        sl_chan_free(c);
        sl_chan_free(d);
    }
}

/* ---- deadlines racing with hand-offs ------------------------------------- */

typedef struct {
    sl_chan *c;
    int id;
    size_t n;
    atomic_uchar *sent_ok;  /* per value: 1 if its send returned SL_OK */
    atomic_uchar *received; /* per value: times received */
    int use_select;
} deadline_arg;

static int64_t jitter_deadline(void)
{
    return sl_now() + (int64_t)(sl_test_rand() % 40000); /* 0-40 us ahead */
}

static void *deadline_producer(void *p)
{
    deadline_arg *a = p;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t v = (uint64_t)a->id * a->n + i;
        int rc;
        if (a->use_select) {
            sl_case cs[] = {{a->c, SL_SEND, &v, 0}};
            int r = sl_select(cs, 1, jitter_deadline());
            rc = r == 0 ? cs[0].status : r;
        } else {
            rc = sl_chan_send_until(a->c, &v, jitter_deadline());
        }
        if (rc == SL_OK)
            atomic_store(&a->sent_ok[v], 1);
    }
    return NULL;
}

static void *deadline_consumer(void *p)
{
    deadline_arg *a = p;
    for (;;) {
        uint64_t v;
        int rc;
        if (a->use_select) {
            sl_case cs[] = {{a->c, SL_RECV, &v, 0}};
            int r = sl_select(cs, 1, jitter_deadline());
            rc = r == 0 ? cs[0].status : r;
        } else {
            rc = sl_chan_recv_until(a->c, &v, jitter_deadline());
        }
        if (rc == SL_CLOSED)
            return NULL;
        if (rc == SL_OK)
            atomic_fetch_add(&a->received[v], 1);
    }
}

SL_TEST(chan_deadline_races_lose_no_value)
{
    size_t caps[] = {0, 1};
    for (int ci = 0; ci < 2; ci++) {
        size_t n = SL_TEST_SCALE(20000);
        sl_chan *c = sl_chan_new(sizeof(uint64_t), caps[ci]);
        atomic_uchar *sent = calloc(PRODUCERS * n, 1), *got = calloc(PRODUCERS * n, 1);
        deadline_arg prod[PRODUCERS], cons[CONSUMERS];
        peer_t tp[PRODUCERS], tc[CONSUMERS];
        for (int i = 0; i < CONSUMERS; i++) {
            cons[i] = (deadline_arg){c, i, n, sent, got, i % 2};
            tc[i] = spawn(deadline_consumer, &cons[i]);
        }
        for (int i = 0; i < PRODUCERS; i++) {
            prod[i] = (deadline_arg){c, i, n, sent, got, i % 2};
            tp[i] = spawn(deadline_producer, &prod[i]);
        }
        for (int i = 0; i < PRODUCERS; i++)
            join(tp[i]);
        sl_chan_close(c);
        for (int i = 0; i < CONSUMERS; i++)
            join(tc[i]);
        size_t ok = 0;
        for (size_t v = 0; v < PRODUCERS * n; v++) {
            /* sent with SL_OK <=> received exactly once */
            CHECK_EQ(got[v], sent[v]);
            ok += sent[v];
        }
        CHECK(ok > 0);
        free(sent);
        free(got);
        sl_chan_free(c);
    }
}
