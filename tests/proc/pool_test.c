/*
 * pool_test.c - the process pool working normally: messages of every
 * size there and back, codes, tags, select, closing and the API's errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

static void check_echo(sl_proc_pool *p, size_t len, uint64_t tag)
{
    unsigned char *buf = malloc(len + 8);
    CHECK(buf != NULL);
    for (size_t i = 0; i < len; i += 8) { /* a different word at every offset */
        uint64_t w = (i + tag) * 0x9E3779B97F4A7C15ull;
        memcpy(buf + i, &w, 8);
    }
    CHECK_EQ(sl_proc_pool_submit(p, buf, len, tag), SL_OK);
    sl_proc_result r = next_result(p, 60);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.tag, tag);
    CHECK_EQ(r.len, len);
    CHECK_EQ(r.attempts, 1);
    CHECK(len == 0 ? r.data == NULL : memcmp(r.data, buf, len) == 0);
    free(r.data);
    free(buf);
}

SL_TEST(proc_messages_of_0_1_slot_and_slot_plus_1_bytes_round_trip)
{
    sl_proc_config c = test_config(&test_echo, 1);
    c.slot_size = 4096;
    c.max_message = 1 << 20;
    sl_proc_pool *p = test_pool(&c);
    size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 1 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        check_echo(p, sizes[i], i);
    CHECK_EQ(sl_proc_pool_submit(p, "x", (1 << 20) + 1, 99), SL_INVAL);
    CHECK_EQ(sl_proc_pool_close(p, SL_FOREVER), SL_OK);
    sl_proc_pool_free(p);
}

/* The full-size message of the issue: 256 MiB each way (32 MiB under the
 * sanitizers, where every byte costs ten times as much). */
SL_TEST(proc_message_of_256_mib_round_trips)
{
    size_t len = SL_TEST_SANITIZED ? (size_t)32 << 20 : (size_t)256 << 20;
    sl_proc_config c = test_config(&test_echo, 1);
    c.max_message = len;
    sl_proc_pool *p = test_pool(&c);
    check_echo(p, len, 7);
    sl_proc_pool_free(p);
}

SL_TEST(proc_result_carries_the_workers_return_code)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    CHECK_EQ(submit_str(p, "code 42", 1), SL_OK);
    sl_proc_result r = next_result(p, 30);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.code, 42);
    CHECK_EQ(r.tag, 1);
    CHECK_EQ(r.len, 0); /* no reply set: an empty one */
    CHECK(r.data == NULL);
    CHECK_EQ(r.why[0], 0);
    sl_proc_pool_free(p);
}

SL_TEST(proc_reply_written_in_place_arrives)
{
    sl_proc_config c = test_config(&test_fault, 1);
    c.slot_size = 256;
    c.max_message = 1 << 20;
    sl_proc_pool *p = test_pool(&c);
    const char *cmds[] = {"big 0", "big 1", "big 256", "big 257", "big 1048576"};
    size_t want[] = {0, 1, 256, 257, 1 << 20};
    for (size_t i = 0; i < 5; i++) {
        CHECK_EQ(submit_str(p, cmds[i], i), SL_OK);
        sl_proc_result r = next_result(p, 30);
        CHECK_EQ(r.status, SL_OK);
        CHECK_EQ(r.code, 0);
        CHECK_EQ(r.len, want[i]);
        for (size_t k = 0; k < r.len; k++)
            if (((unsigned char *)r.data)[k] != (unsigned char)(k * 7 + 1))
                CHECK(!"reply byte differs");
        free(r.data);
    }
    CHECK_EQ(submit_str(p, "big 1048577", 9), SL_OK); /* too big a reply: the function sees NULL */
    sl_proc_result r = next_result(p, 30);
    CHECK_EQ(r.status, SL_OK);
    CHECK_EQ(r.code, -1);
    CHECK_EQ(r.len, 0);
    sl_proc_pool_free(p);
}

/* Many tasks through several workers at once: each answered once, right. */
SL_TEST(proc_many_tasks_each_answered_once)
{
    sl_proc_config c = test_config(&test_echo, 3);
    c.depth = 8;
    c.slot_size = 64;
    sl_proc_pool *p = test_pool(&c);
    size_t n = SL_TEST_SCALE(20000);
    unsigned char *seen = calloc(n, 1);
    size_t got = 0;
    for (size_t i = 0; i < n || got < n;) {
        sl_proc_result r;
        if (i < n) {
            uint64_t v[4] = {i, i * 3, i * 5, i * 7}; /* 32 bytes; every 16th task is larger than a slot */
            size_t len = i % 16 ? sizeof v : 100;
            unsigned char big[100] = {0};
            memcpy(big, v, sizeof v);
            int rc = sl_proc_pool_submit_until(p, big, len, i, 0);
            if (rc == SL_OK) {
                i++;
                continue;
            }
            CHECK_EQ(rc, SL_TIMEDOUT);
        }
        CHECK_EQ(sl_chan_recv_until(sl_proc_pool_results(p), &r, sl_deadline_in(30000000000LL)), SL_OK);
        CHECK_EQ(r.status, SL_OK);
        CHECK(r.tag < n && !seen[r.tag]);
        seen[r.tag] = 1;
        uint64_t *v = r.data;
        CHECK_EQ(r.len, r.tag % 16 ? 32 : 100);
        CHECK(v[0] == r.tag && v[3] == r.tag * 7);
        free(r.data);
        got++;
    }
    sl_proc_stats st;
    CHECK_EQ(sl_proc_pool_stats(p, &st), SL_OK);
    CHECK_EQ(st.answered, n);
    CHECK_EQ(st.failed, 0);
    CHECK_EQ(st.restarts, 0);
    CHECK_EQ(st.inflight, 0);
    free(seen);
    sl_proc_pool_free(p);
}

/* Blocking submits into full queues: a submitter that waits for room
 * takes the replies out of the rings itself, while the supervisor looks
 * at the same rings to decide whether to sleep.  Under TSan this pins that
 * the two never touch a ring's read position unsynchronised. */
typedef struct {
    sl_proc_pool *p;
    size_t n;
    unsigned char *seen;
} drain_arg;

static void *drain_results(void *a)
{
    drain_arg *d = a;
    for (size_t i = 0; i < d->n; i++) {
        sl_proc_result r = next_result(d->p, 60);
        CHECK_EQ(r.status, SL_OK);
        CHECK(r.tag < d->n && !d->seen[r.tag]);
        if (r.tag < d->n)
            d->seen[r.tag] = 1;
        free(r.data);
    }
    return NULL;
}

SL_TEST(proc_blocking_submits_into_full_queues_each_answered_once)
{
    sl_proc_config c = test_config(&test_fault, 2);
    c.depth = 2;
    sl_proc_pool *p = test_pool(&c);
    drain_arg d = {p, 600, calloc(600, 1)};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, drain_results, &d), 0);
    for (size_t i = 0; i < d.n; i++)
        CHECK_EQ(submit_str(p, i % 8 ? "pid" : "sleep 1", i), SL_OK);
    pthread_join(t, NULL);
    for (size_t i = 0; i < d.n; i++)
        CHECK(d.seen[i]);
    free(d.seen);
    sl_proc_pool_free(p);
}

/* Results come on an ordinary channel: select on it with a local one. */
SL_TEST(proc_results_compose_with_select)
{
    sl_proc_config c = test_config(&test_echo, 1);
    sl_proc_pool *p = test_pool(&c);
    sl_chan *local = sl_chan_new(sizeof(int), 1);
    int v = 5;
    CHECK_EQ(sl_chan_send(local, &v), SL_OK);
    CHECK_EQ(sl_proc_pool_submit(p, "abc", 3, 77), SL_OK);
    int got_local = 0, got_result = 0;
    while (!got_local || !got_result) {
        sl_proc_result r;
        int lv;
        sl_case cs[] = {{local, SL_RECV, &lv, 0}, {sl_proc_pool_results(p), SL_RECV, &r, 0}};
        int i = sl_select(cs, 2, sl_deadline_in(30000000000LL));
        CHECK(i == 0 || i == 1);
        if (i == 0) {
            CHECK_EQ(lv, 5);
            got_local++;
            cs[0].chan = NULL;
        } else {
            CHECK_EQ(r.tag, 77);
            CHECK(r.len == 3 && memcmp(r.data, "abc", 3) == 0);
            free(r.data);
            got_result++;
        }
    }
    sl_chan_free(local);
    sl_proc_pool_free(p);
}

/* Close drains: everything admitted is answered, then the channel closes. */
SL_TEST(proc_close_answers_every_admitted_task_then_closes_results)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    for (uint64_t i = 0; i < 6; i++)
        CHECK_EQ(submit_str(p, "sleep 20", i), SL_OK);
    CHECK_EQ(sl_proc_pool_close(p, SL_FOREVER), SL_OK);
    CHECK_EQ(submit_str(p, "ok", 9), SL_CLOSED);
    CHECK_EQ(sl_proc_pool_close(p, SL_FOREVER), SL_CLOSED);
    int n = 0;
    sl_proc_result r;
    while (sl_chan_recv(sl_proc_pool_results(p), &r) == SL_OK) {
        CHECK_EQ(r.status, SL_OK);
        free(r.data);
        n++;
    }
    CHECK_EQ(n, 6);
    for (size_t i = 0; i < 2; i++)
        CHECK_EQ(sl_proc_pool_pid(p, i), 0);
    sl_proc_pool_free(p);
}

/* Close with a deadline already past kills at once: unfinished tasks are
 * answered SL_CANCELED, none lost. */
SL_TEST(proc_close_with_no_time_kills_and_cancels)
{
    sl_proc_config c = test_config(&test_fault, 2);
    sl_proc_pool *p = test_pool(&c);
    for (uint64_t i = 0; i < 5; i++)
        CHECK_EQ(submit_str(p, "hang", i), SL_OK);
    int64_t t0 = sl_now();
    CHECK_EQ(sl_proc_pool_close(p, 0), SL_TIMEDOUT);
    CHECK(sl_now() - t0 < 5000000000LL);
    int n = 0;
    sl_proc_result r;
    while (sl_chan_recv(sl_proc_pool_results(p), &r) == SL_OK) {
        CHECK_EQ(r.status, SL_CANCELED);
        CHECK(strstr(r.why, "canceled") != NULL);
        n++;
    }
    CHECK_EQ(n, 5);
    sl_proc_pool_free(p);
}

SL_TEST(proc_pool_rejects_bad_arguments)
{
    CHECK(sl_proc_pool_new(NULL) == NULL);
    sl_proc_config c = {0};
    CHECK(sl_proc_pool_new(&c) == NULL);
    sl_proc_worker nameless = {"", NULL, test_echo.run};
    c.worker = &nameless;
    CHECK(sl_proc_pool_new(&c) == NULL);
    CHECK_EQ(sl_proc_pool_submit(NULL, "x", 1, 0), SL_INVAL);
    CHECK_EQ(sl_proc_pool_close(NULL, 0), SL_INVAL);
    CHECK(sl_proc_pool_results(NULL) == NULL);
    sl_proc_stats st;
    CHECK_EQ(sl_proc_pool_stats(NULL, &st), SL_INVAL);
    sl_proc_pool_free(NULL);
    /* Outside a worker, serve returns at once. */
    CHECK_EQ(sl_proc_serve(NULL, 0), 0);
}

/* A worker whose init fails never serves: the pool cannot start. */
SL_TEST(proc_pool_new_fails_when_no_worker_can_start)
{
    sl_proc_config c = test_config(&test_noinit, 2);
    int64_t t0 = sl_now();
    CHECK(sl_proc_pool_new(&c) == NULL);
    CHECK(sl_now() - t0 < 5000000000LL); /* it died: no need to wait out the start timeout */
}

/* A task in pieces arrives as the pieces one after another. */
SL_TEST(proc_task_in_pieces_arrives_joined)
{
    sl_proc_config c = test_config(&test_echo, 1);
    c.slot_size = 16;
    sl_proc_pool *p = test_pool(&c);
    struct iovec iov[] = {{"head:", 5}, {NULL, 0}, {"a body longer than a slot", 25}};
    CHECK_EQ(sl_proc_pool_submitv(p, iov, 3, 5, SL_FOREVER), SL_OK);
    sl_proc_result r = next_result(p, 30);
    CHECK_EQ(r.len, 30);
    CHECK(memcmp(r.data, "head:a body longer than a slot", 30) == 0);
    free(r.data);
    struct iovec bad = {NULL, 3};
    CHECK_EQ(sl_proc_pool_submitv(p, &bad, 1, 6, 0), SL_INVAL);
    CHECK_EQ(sl_proc_pool_submitv(p, iov, -1, 6, 0), SL_INVAL);
    sl_proc_pool_free(p);
}

/* A call gets its own result back, not through the channel; many threads
 * may call at once. */
typedef struct caller {
    sl_proc_pool *p;
    int id, bad;
} caller;

static void *call_many(void *arg)
{
    caller *c = arg;
    for (int i = 0; i < 200; i++) {
        char msg[32];
        int n = snprintf(msg, sizeof msg, "caller %d call %d", c->id, i);
        struct iovec iov = {msg, (size_t)n};
        sl_proc_result r;
        if (sl_proc_pool_call(c->p, &iov, 1, &r) != SL_OK || r.status != SL_OK || r.len != (size_t)n ||
            memcmp(r.data, msg, (size_t)n) != 0)
            c->bad++;
        free(r.data);
    }
    return NULL;
}

SL_TEST(proc_call_returns_each_callers_own_result)
{
    sl_proc_config c = test_config(&test_echo, 2);
    sl_proc_pool *p = test_pool(&c);
    pthread_t t[4];
    caller cs[4];
    for (int i = 0; i < 4; i++) {
        cs[i] = (caller){p, i, 0};
        CHECK_EQ(pthread_create(&t[i], NULL, call_many, &cs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(cs[i].bad, 0);
    }
    sl_proc_result r;
    CHECK_EQ(sl_chan_try_recv(sl_proc_pool_results(p), &r), SL_WOULDBLOCK); /* nothing went there */
    CHECK_EQ(sl_proc_pool_call(p, NULL, 0, NULL), SL_INVAL);
    sl_proc_pool_free(p);
}

/* A duration of SL_FOREVER in the config means "never", as it does for a
 * deadline: no start timeout, task timeout, heartbeat limit; a breaker
 * window and cool-down that never end.  Adding it to the clock must not
 * wrap around (sl_proc_pool_new spun holding the pool's lock with the
 * start timeout, the supervisor woke without pause with the others). */
typedef struct {
    sl_proc_config cfg;
    sl_proc_pool *pool;
    sl_chan *done;
} forever_new;

static void *new_pool_thread(void *p)
{
    forever_new *f = p;
    f->pool = sl_proc_pool_new(&f->cfg);
    sl_chan_send(f->done, NULL);
    return NULL;
}

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

SL_TEST(proc_durations_of_sl_forever_mean_never)
{
    for (int which = 0; which < 4; which++) {
        forever_new f = {test_config(&test_echo, 2), NULL, sl_chan_new(0, 1)};
        switch (which) {
        case 0: f.cfg.start_timeout_ns = SL_FOREVER; break;
        case 1: f.cfg.task_timeout_ns = SL_FOREVER; break;
        case 2: f.cfg.heartbeat_ns = SL_FOREVER; break;
        default:
            f.cfg.breaker_failures = 1;
            f.cfg.breaker_window_ns = SL_FOREVER;
            f.cfg.breaker_cooldown_ns = SL_FOREVER;
        }
        pthread_t t;
        CHECK_EQ(pthread_create(&t, NULL, new_pool_thread, &f), 0);
        int rc = sl_chan_recv_until(f.done, NULL, sl_deadline_in(20000000000LL));
        if (rc != SL_OK)
            fprintf(stderr, "config %d: sl_proc_pool_new has not returned after 20 s\n", which);
        CHECK_EQ(rc, SL_OK);
        pthread_join(t, NULL);
        CHECK(f.pool != NULL);
        wait_ready(f.pool, 2);
        for (uint64_t i = 0; i < 8; i++)
            check_echo(f.pool, 100, i);
        /* Idle now: the supervisor must sleep, not spin on a deadline
         * that wrapped into the past. */
        int64_t c0 = cpu_ns();
        struct timespec ts = {0, 300000000};
        nanosleep(&ts, NULL);
        int64_t used = cpu_ns() - c0;
        if (used >= 100000000)
            fprintf(stderr, "config %d: %.0f ms of CPU in 300 ms idle\n", which, used / 1e6);
        CHECK(used < 100000000);
        CHECK_EQ(sl_proc_pool_close(f.pool, sl_deadline_in(10000000000LL)), SL_OK);
        sl_proc_pool_free(f.pool);
        sl_chan_free(f.done);
    }
}
