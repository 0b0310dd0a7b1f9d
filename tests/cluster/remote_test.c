/*
 * remote_test.c - libsluice_remote against a real redis-server (started
 * by tests/cluster/redis.sh): delivery, acknowledgement, reclaiming,
 * backpressure, reconnecting, credentials, hostile entries, broadcast,
 * scatter/gather and select.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "redis_env.h"
#include "sluice/remote.h"

#define MS 1000000LL

static sl_remote *open_q(const char *name, const sl_remote_opts *o)
{
    sl_remote *r = NULL;
    char err[512];
    int rc = sl_remote_open(&r, redis_url(name), o, err, sizeof err);
    if (rc != SL_OK)
        fprintf(stderr, "open: %s\n", err);
    CHECK(rc == SL_OK && r);
    return r;
}

static sl_remote_msg *recv_within(sl_remote *r, int64_t ns)
{
    sl_remote_msg *m = NULL;
    int rc = sl_remote_recv(r, &m, sl_deadline_in(ns));
    return rc == SL_OK ? m : NULL;
}

SL_TEST(remote_url_names_user_password_host_port_and_stream)
{
    sl_remote *r = NULL;
    char err[512];
    const char *bad[] = {"http://h/x", "redis://h", "redis://h:0/x", "redis://h:99999/x", "redis://h/",
                         "redis://h/na me", "redis://:%zz@h/x", "redis://[::1/x", "redis://h:12ab/x", NULL};
    for (int i = 0; bad[i]; i++) {
        CHECK_EQ(sl_remote_open(&r, bad[i], NULL, err, sizeof err), SL_REMOTE_EURL);
        CHECK(strstr(err, bad[i]) && strstr(err, "is not a Redis URL"));
        CHECK(r == NULL);
    }
    /* well formed, but nobody listens on port 1: the error names the server */
    CHECK_EQ(sl_remote_open(&r, "redis://u:p%40ss@127.0.0.1:1/q", NULL, err, sizeof err), SL_REMOTE_ECONN);
    CHECK(strstr(err, "redis://127.0.0.1:1: cannot connect"));
}

SL_TEST(remote_send_recv_ack_in_order_and_ack_empties_the_stream)
{
    sl_remote *s = open_q("basic", NULL), *r = open_q("basic", NULL);
    for (int i = 0; i < 3; i++) {
        char msg[16];
        int n = snprintf(msg, sizeof msg, "m%d", i);
        CHECK_EQ(sl_remote_send(s, msg, (size_t)n + 1, SL_FOREVER), SL_OK);
    }
    CHECK_EQ(sl_remote_send(s, "", 0, SL_FOREVER), SL_OK); /* empty messages are messages */
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "basic"), 4);
    for (int i = 0; i < 3; i++) {
        sl_remote_msg *m = recv_within(r, 2000 * MS);
        CHECK(m);
        char want[16];
        snprintf(want, sizeof want, "m%d", i);
        CHECK(!strcmp((char *)m->data, want) && !m->reclaimed && !m->reply_to);
        CHECK_EQ(sl_remote_ack(r, m), SL_OK);
        sl_remote_msg_free(m);
    }
    sl_remote_msg *m = recv_within(r, 2000 * MS);
    CHECK(m && m->len == 0);
    CHECK_EQ(sl_remote_ack(r, m), SL_OK);
    sl_remote_msg_free(m);
    CHECK_EQ(redis_int(raw, "XLEN %s", "basic"), 0); /* acknowledged means gone */
    CHECK(recv_within(r, 50 * MS) == NULL);
    sl_remote_stats st;
    sl_remote_stats_read(r, &st);
    CHECK_EQ(st.received, 4);
    CHECK_EQ(st.acked, 4);
    redisFree(raw);
    sl_remote_close(s);
    sl_remote_close(r);
}

SL_TEST(remote_message_sent_before_any_receiver_is_kept_for_it)
{
    sl_remote *s = open_q("early", NULL);
    CHECK_EQ(sl_remote_send(s, "first", 5, SL_FOREVER), SL_OK);
    sl_remote_close(s);
    sl_remote *r = open_q("early", NULL);
    sl_remote_msg *m = recv_within(r, 2000 * MS);
    CHECK(m && m->len == 5 && !memcmp(m->data, "first", 5));
    sl_remote_ack(r, m);
    sl_remote_msg_free(m);
    sl_remote_close(r);
}

SL_TEST(remote_each_message_goes_to_one_member_of_the_group)
{
    sl_remote *s = open_q("split", NULL), *a = open_q("split", NULL), *b = open_q("split", NULL);
    sl_remote_buf bufs[40];
    char text[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(text[i], sizeof text[i], "%d", i);
        bufs[i] = (sl_remote_buf){text[i], strlen(text[i]) + 1, ""};
    }
    size_t sent = 0;
    CHECK_EQ(sl_remote_send_many(s, bufs, 40, &sent, SL_FOREVER), SL_OK);
    CHECK_EQ(sent, 40);
    int seen[40] = {0}, got = 0;
    for (int turn = 0; got < 40 && turn < 400; turn++) {
        sl_remote *who = turn % 2 ? a : b;
        sl_remote_msg *m = recv_within(who, 20 * MS);
        if (!m)
            continue;
        seen[atoi((char *)m->data)]++;
        got++;
        sl_remote_ack(who, m);
        sl_remote_msg_free(m);
    }
    CHECK_EQ(got, 40);
    for (int i = 0; i < 40; i++)
        CHECK_EQ(seen[i], 1);
    sl_remote_close(s);
    sl_remote_close(a);
    sl_remote_close(b);
}

SL_TEST(remote_send_many_is_one_round_trip)
{
    sl_remote *s = open_q("batch", NULL);
    sl_remote_buf bufs[100];
    for (int i = 0; i < 100; i++)
        bufs[i] = (sl_remote_buf){"x", 1, ""};
    sl_remote_stats a, b;
    sl_remote_stats_read(s, &a);
    CHECK_EQ(sl_remote_send_many(s, bufs, 100, NULL, SL_FOREVER), SL_OK);
    sl_remote_stats_read(s, &b);
    CHECK_EQ(b.round_trips - a.round_trips, 1);
    CHECK_EQ(b.sent - a.sent, 100);
    for (int i = 1; i < 100; i++)
        CHECK(bufs[i].id[0] && strcmp(bufs[i].id, bufs[i - 1].id));
    sl_remote_close(s);
}

SL_TEST(remote_full_queue_makes_the_sender_wait_and_trims_nothing)
{
    sl_remote_opts o = {.max_len = 4};
    sl_remote *s = open_q("full", &o), *r = open_q("full", &o);
    sl_remote_buf bufs[6];
    for (int i = 0; i < 6; i++)
        bufs[i] = (sl_remote_buf){"job", 3, ""};
    size_t sent = 0;
    int64_t t0 = sl_now();
    CHECK_EQ(sl_remote_send_many(s, bufs, 6, &sent, sl_deadline_in(150 * MS)), SL_TIMEDOUT);
    CHECK(sl_now() - t0 >= 150 * MS);
    CHECK_EQ(sent, 4);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "full"), 4);
    /* a received but unacknowledged message is still work: still full */
    sl_remote_msg *m = recv_within(r, 1000 * MS);
    CHECK(m);
    CHECK_EQ(sl_remote_send(s, "more", 4, sl_deadline_in(50 * MS)), SL_TIMEDOUT);
    sl_remote_ack(r, m);
    sl_remote_msg_free(m);
    CHECK_EQ(sl_remote_send(s, "more", 4, sl_deadline_in(1000 * MS)), SL_OK);
    CHECK_EQ(redis_int(raw, "XLEN %s", "full"), 4);
    sl_remote_stats st;
    sl_remote_stats_read(s, &st);
    CHECK(st.full_waits > 0);
    redisFree(raw);
    sl_remote_close(s);
    sl_remote_close(r);
}

/* A member that takes a message and dies (kill -9) without acknowledging. */
static void die_holding(const char *name, const sl_remote_opts *o)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sl_remote *r = NULL;
        char err[512];
        if (sl_remote_open(&r, redis_url(name), o, err, sizeof err) != SL_OK)
            _exit(3);
        sl_remote_msg *m = NULL;
        if (sl_remote_recv(r, &m, sl_deadline_in(2000 * MS)) != SL_OK)
            _exit(4);
        raise(SIGKILL);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

SL_TEST(remote_message_of_a_killed_member_is_reclaimed_after_the_lease)
{
    sl_remote_opts o = {.lease_ns = 300 * MS};
    sl_remote *s = open_q("reclaim", &o);
    CHECK_EQ(sl_remote_send(s, "orphan", 6, SL_FOREVER), SL_OK);
    int64_t t0 = sl_now();
    die_holding("reclaim", &o);
    sl_remote *r = open_q("reclaim", &o);
    sl_remote_msg *m = recv_within(r, 3000 * MS);
    CHECK(m && m->reclaimed && m->len == 6 && !memcmp(m->data, "orphan", 6));
    CHECK(sl_now() - t0 >= 300 * MS);
    CHECK_EQ(sl_remote_ack(r, m), SL_OK);
    sl_remote_msg_free(m);
    sl_remote_stats st;
    sl_remote_stats_read(r, &st);
    CHECK_EQ(st.reclaimed, 1);
    sl_remote_close(s);
    sl_remote_close(r);
}

SL_TEST(remote_live_member_keeps_what_it_holds_past_the_lease)
{
    /* a lease of 500 ms, touched every 125 ms: long enough for a loaded
     * machine to schedule the holder in time */
    sl_remote_opts o = {.lease_ns = 500 * MS};
    sl_remote *s = open_q("keep", &o), *a = open_q("keep", &o), *b = open_q("keep", &o);
    CHECK_EQ(sl_remote_send(s, "long job", 8, SL_FOREVER), SL_OK);
    sl_remote_msg *m = recv_within(a, 2000 * MS);
    CHECK(m);
    /* a's bridge keeps reading (which keeps what it holds alive) for over
     * three leases; b never gets the message */
    sl_chan *ca = sl_remote_chan(a);
    CHECK(ca);
    CHECK(recv_within(b, 1600 * MS) == NULL);
    CHECK_EQ(sl_remote_ack(a, m), SL_OK);
    sl_remote_msg_free(m);
    sl_remote_close(s);
    sl_remote_close(a);
    sl_remote_close(b);
}

SL_TEST(remote_reconnects_across_a_server_restart_and_loses_nothing)
{
    sl_remote_opts o = {.give_up_ns = 10000 * MS};
    sl_remote *s = open_q("restart", &o), *r = open_q("restart", &o);
    CHECK_EQ(sl_remote_send(s, "held", 4, SL_FOREVER), SL_OK);
    CHECK_EQ(sl_remote_send(s, "queued", 6, SL_FOREVER), SL_OK);
    sl_remote_msg *held = recv_within(r, 2000 * MS);
    CHECK(held && held->len == 4);
    redis_restart();
    /* the next message, read across the restart, and a send after it */
    sl_remote_msg *m = recv_within(r, 5000 * MS);
    CHECK(m && m->len == 6 && !memcmp(m->data, "queued", 6));
    CHECK_EQ(sl_remote_send(s, "after", 5, SL_FOREVER), SL_OK);
    CHECK_EQ(sl_remote_ack(r, held), SL_OK); /* still ours on the server */
    CHECK_EQ(sl_remote_ack(r, m), SL_OK);
    sl_remote_msg_free(held);
    sl_remote_msg_free(m);
    m = recv_within(r, 2000 * MS);
    CHECK(m && m->len == 5);
    sl_remote_ack(r, m);
    sl_remote_msg_free(m);
    CHECK(recv_within(r, 100 * MS) == NULL); /* nothing twice */
    sl_remote_stats st;
    sl_remote_stats_read(r, &st);
    CHECK(st.reconnects >= 1);
    sl_remote_close(s);
    sl_remote_close(r);
}

SL_TEST(remote_gives_up_when_the_server_stays_away)
{
    sl_remote_opts o = {.give_up_ns = 2000 * MS};
    sl_remote *s = open_q("away", &o);
    redis_stop();
    int64_t t0 = sl_now();
    int rc = sl_remote_send(s, "x", 1, SL_FOREVER);
    int64_t took = sl_now() - t0;
    redis_start();
    CHECK_EQ(rc, SL_REMOTE_ECONN);
    /* at the give-up time, not at the end of a backoff pause past it
     * (pauses double to 2 s: with 2 s it gave up after 4.3 s) */
    CHECK(took >= 2000 * MS && took < 2600 * MS);
    CHECK(strstr(sl_remote_error(s), "gave up reconnecting"));
    sl_remote_close(s);
}

SL_TEST(remote_wrong_or_missing_password_is_a_clear_error)
{
    sl_remote *r = NULL;
    char err[512];
    CHECK_EQ(sl_remote_open(&r, redis_url_auth(":wrong@", "q"), NULL, err, sizeof err), SL_REMOTE_EAUTH);
    CHECK(strstr(err, "authentication failed") && strstr(err, "WRONGPASS"));
    unsetenv("REDISCLI_AUTH");
    CHECK_EQ(sl_remote_open(&r, redis_url_auth("", "q"), NULL, err, sizeof err), SL_REMOTE_EAUTH);
    CHECK(strstr(err, "wants a password"));
    /* REDISCLI_AUTH stands in for a password the URL does not give */
    setenv("REDISCLI_AUTH", getenv("SLUICE_TEST_REDIS_PASS"), 1);
    CHECK_EQ(sl_remote_open(&r, redis_url_auth("", "q"), NULL, err, sizeof err), SL_OK);
    sl_remote_close(r);
    unsetenv("REDISCLI_AUTH");
    /* an ACL user and its password */
    char ui[128];
    snprintf(ui, sizeof ui, "sluicetest:%s@", getenv("SLUICE_TEST_REDIS_USER_PASS"));
    CHECK_EQ(sl_remote_open(&r, redis_url_auth(ui, "q"), NULL, err, sizeof err), SL_OK);
    sl_remote_close(r);
    CHECK_EQ(sl_remote_open(&r, redis_url_auth("sluicetest:nope@", "q"), NULL, err, sizeof err), SL_REMOTE_EAUTH);
}

SL_TEST(remote_key_of_another_type_is_a_clear_error)
{
    redisContext *raw = redis_raw();
    freeReplyObject(redisCommand(raw, "SET notastream 1"));
    sl_remote *r = NULL;
    char err[512];
    CHECK_EQ(sl_remote_open(&r, redis_url("notastream"), NULL, err, sizeof err), SL_REMOTE_EPROTO);
    CHECK(strstr(err, "notastream") && strstr(err, "WRONGTYPE"));
    redisFree(raw);
}

/* A TCP proxy in front of the server that loses replies: the first
 * `drops` times a connection gets an answer after it sent an EVALSHA (a
 * send's script), the proxy closes both sides instead of passing the
 * answer on - the script ran, the sender never hears of it. */
static struct {
    int listen_fd, port;
    atomic_int drops;
    pthread_t thread;
} proxy;

static void *proxy_conn(void *arg)
{
    int c = (int)(intptr_t)arg, s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(getenv("SLUICE_TEST_REDIS_PORT")))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int armed = 0;
    if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
        static _Thread_local char b[1 << 16];
        for (;;) {
            struct pollfd p[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
            if (poll(p, 2, -1) < 0)
                break;
            if (p[0].revents) {
                ssize_t n = read(c, b, sizeof b);
                if (n <= 0 || write(s, b, (size_t)n) != n)
                    break;
                armed |= memmem(b, (size_t)n, "EVALSHA", 7) != NULL;
            }
            if (p[1].revents) {
                ssize_t n = read(s, b, sizeof b);
                if (n <= 0)
                    break;
                if (armed && atomic_load(&proxy.drops) > 0) {
                    atomic_fetch_sub(&proxy.drops, 1);
                    break;
                }
                if (write(c, b, (size_t)n) != n)
                    break;
            }
        }
    }
    close(c);
    if (s >= 0)
        close(s);
    return NULL;
}

static void *proxy_accept(void *arg)
{
    (void)arg;
    for (int c; (c = accept(proxy.listen_fd, NULL, NULL)) >= 0;) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, proxy_conn, (void *)(intptr_t)c) == 0);
        pthread_detach(t);
    }
    return NULL;
}

/* The URL of stream `name` through the proxy. */
static const char *proxy_url(const char *name)
{
    static char url[512];
    if (!proxy.port) {
        signal(SIGPIPE, SIG_IGN); /* a side the proxy writes to may be gone */
        proxy.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        CHECK(bind(proxy.listen_fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(proxy.listen_fd, 16) == 0);
        CHECK(getsockname(proxy.listen_fd, (struct sockaddr *)&a, &len) == 0);
        proxy.port = ntohs(a.sin_port);
        CHECK(pthread_create(&proxy.thread, NULL, proxy_accept, NULL) == 0);
        pthread_detach(proxy.thread);
    }
    snprintf(url, sizeof url, "redis://:%s@127.0.0.1:%d/%s", getenv("SLUICE_TEST_REDIS_PASS"), proxy.port, name);
    return url;
}

SL_TEST(remote_send_whose_reply_is_lost_is_not_added_twice)
{
    sl_remote *s = NULL, *g = NULL;
    char err[512];
    CHECK_EQ(sl_remote_open(&s, proxy_url("lost"), NULL, err, sizeof err), SL_OK);
    sl_remote_buf bufs[3] = {{"a", 1, ""}, {"b", 1, ""}, {"c", 1, ""}};
    size_t sent = 0;
    atomic_store(&proxy.drops, 1);
    CHECK_EQ(sl_remote_send_many(s, bufs, 3, &sent, SL_FOREVER), SL_OK);
    CHECK_EQ(atomic_load(&proxy.drops), 0); /* a reply was lost, and the send run again */
    CHECK_EQ(sent, 3);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "lost"), 3);
    /* the ids are the first run's: the entries themselves */
    for (int i = 0; i < 3; i++) {
        redisReply *rep = redisCommand(raw, "XRANGE lost %s %s", bufs[i].id, bufs[i].id);
        CHECK(rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1);
        freeReplyObject(rep);
    }
    sl_remote_stats st;
    sl_remote_stats_read(s, &st);
    CHECK_EQ(st.reconnects, 1);
    CHECK_EQ(st.sent, 3);
    /* the next send is a new one; and a scatter too */
    CHECK_EQ(sl_remote_send(s, "d", 1, SL_FOREVER), SL_OK);
    CHECK_EQ(redis_int(raw, "XLEN %s", "lost"), 4);
    CHECK_EQ(sl_remote_gather_open(&g, redis_url("lost"), NULL, err, sizeof err), SL_OK);
    atomic_store(&proxy.drops, 1);
    CHECK_EQ(sl_remote_scatter(s, g, bufs, 2, &sent, SL_FOREVER), SL_OK);
    CHECK_EQ(atomic_load(&proxy.drops), 0);
    CHECK_EQ(redis_int(raw, "XLEN %s", "lost"), 6);
    redisFree(raw);
    sl_remote_close(g);
    sl_remote_close(s);
}

SL_TEST(remote_send_gives_up_at_its_deadline_while_the_server_does_not_answer)
{
    sl_remote_opts o = {.timeout_ns = 100 * MS, .give_up_ns = SL_FOREVER};
    sl_remote *s = open_q("paused", &o);
    redisContext *raw = redis_raw();
    redisReply *rep = redisCommand(raw, "CLIENT PAUSE 4000 WRITE"); /* the send's script waits */
    CHECK(rep && rep->type == REDIS_REPLY_STATUS);
    freeReplyObject(rep);
    int64_t t0 = sl_now();
    int rc = sl_remote_send(s, "x", 1, sl_deadline_in(500 * MS));
    int64_t took = sl_now() - t0;
    freeReplyObject(redisCommand(raw, "CLIENT UNPAUSE"));
    CHECK_EQ(rc, SL_TIMEDOUT);
    CHECK(took >= 500 * MS && took < 2500 * MS);
    CHECK(strstr(sl_remote_error(s), "deadline"));
    /* what was sent may have arrived - at most once, and the remote works on */
    CHECK(redis_int(raw, "XLEN %s", "paused") <= 1);
    CHECK_EQ(sl_remote_send(s, "y", 1, sl_deadline_in(5000 * MS)), SL_OK);
    redisFree(raw);
    sl_remote_close(s);
}

SL_TEST(remote_large_send_slower_than_the_command_timeout_is_sent_once)
{
    /* 4 MiB keeps the server busy far longer than 5 ms: the socket waits
     * for the answer in proportion to what it sent */
    sl_remote_opts o = {.timeout_ns = 5 * MS};
    sl_remote *s = open_q("big", &o);
    size_t len = (size_t)4 << 20;
    char *big = malloc(len);
    CHECK(big);
    memset(big, 'z', len);
    CHECK_EQ(sl_remote_send(s, big, len, sl_deadline_in(20000 * MS)), SL_OK);
    sl_remote_stats st;
    sl_remote_stats_read(s, &st);
    CHECK_EQ(st.reconnects, 0);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "big"), 1);
    redisFree(raw);
    free(big);
    sl_remote_close(s);
}

SL_TEST(remote_recv_and_send_return_at_their_deadline_while_the_server_is_away)
{
    sl_remote_opts o = {.give_up_ns = 1500 * MS};
    sl_remote *s = open_q("away2", &o), *r = open_q("away2", &o);
    redis_stop();
    sl_remote_msg *m = NULL;
    int64_t t0 = sl_now();
    CHECK_EQ(sl_remote_recv(r, &m, sl_deadline_in(300 * MS)), SL_TIMEDOUT);
    CHECK(sl_now() - t0 < 1200 * MS);
    t0 = sl_now();
    CHECK_EQ(sl_remote_send(s, "x", 1, sl_deadline_in(300 * MS)), SL_TIMEDOUT);
    CHECK(sl_now() - t0 < 1200 * MS);
    /* give_up_ns counts from the loss, across calls: a loop of short
     * receives hears of it once the server has been away that long */
    int rc;
    while ((rc = sl_remote_recv(r, &m, sl_deadline_in(300 * MS))) == SL_TIMEDOUT && sl_now() - t0 < 10000 * MS)
        ;
    CHECK_EQ(rc, SL_REMOTE_ECONN);
    CHECK(strstr(sl_remote_error(r), "gave up reconnecting"));
    redis_start();
    CHECK_EQ(sl_remote_send(s, "y", 1, sl_deadline_in(5000 * MS)), SL_OK);
    /* a call that finds no connection makes one, even with its deadline
     * passed: non-blocking receives get the message (a review found them
     * answering "not connected" for good) */
    m = NULL;
    for (int i = 0; i < 100 && !m; i++)
        if (sl_remote_recv(r, &m, 0) != SL_OK)
            usleep(20000);
    CHECK(m && m->len == 1 && m->data[0] == 'y');
    sl_remote_ack(r, m);
    sl_remote_msg_free(m);
    sl_remote_close(s);
    sl_remote_close(r);
}

static atomic_int logged;
static void count_log(void *arg, const char *line)
{
    (void)arg;
    if (strstr(line, "refused"))
        atomic_fetch_add(&logged, 1);
}

SL_TEST(remote_hostile_entries_are_refused_logged_and_never_return)
{
    sl_remote_opts o = {.log = count_log, .max_msg = 1024};
    sl_remote *r = open_q("hostile", &o);
    redisContext *raw = redis_raw();
    static const char junk[] = {0, 1, 2, (char)0xff, 'd'};
    char big[2048];
    memset(big, 'x', sizeof big);
    freeReplyObject(redisCommand(raw, "XADD hostile * x y"));                       /* no data */
    freeReplyObject(redisCommand(raw, "XADD hostile * %b %b", junk, sizeof junk, junk, sizeof junk));
    freeReplyObject(redisCommand(raw, "XADD hostile * d hi r somebody:else"));      /* reply elsewhere */
    freeReplyObject(redisCommand(raw, "XADD hostile * d hi r hostile:gather:zz"));
    freeReplyObject(redisCommand(raw, "XADD hostile * d hi q notanid"));
    freeReplyObject(redisCommand(raw, "XADD hostile * d %b", big, sizeof big));    /* over max_msg */
    freeReplyObject(redisCommand(raw, "XADD hostile * d good"));
    sl_remote_msg *m = recv_within(r, 2000 * MS);
    CHECK(m && m->len == 4 && !memcmp(m->data, "good", 4));
    sl_remote_ack(r, m);
    sl_remote_msg_free(m);
    CHECK(recv_within(r, 50 * MS) == NULL);
    sl_remote_stats st;
    sl_remote_stats_read(r, &st);
    CHECK_EQ(st.refused, 6);
    CHECK_EQ(atomic_load(&logged), 6);
    CHECK_EQ(redis_int(raw, "XLEN %s", "hostile"), 0); /* refused entries were taken away */
    redisFree(raw);
    sl_remote_close(r);
}

SL_TEST(remote_broadcast_reaches_every_listener)
{
    sl_remote_opts o = {.mode = SL_REMOTE_BROADCAST};
    sl_remote *pub = open_q("news", &o);
    CHECK_EQ(sl_remote_broadcast(pub, "old", 3), SL_OK); /* before the listeners: not theirs */
    sl_remote *a = open_q("news", &o), *b = open_q("news", &o);
    CHECK_EQ(sl_remote_broadcast(pub, "one", 3), SL_OK);
    CHECK_EQ(sl_remote_send(pub, "two", 3, SL_FOREVER), SL_OK);
    sl_remote *who[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        sl_remote_msg *m1 = recv_within(who[i], 1000 * MS), *m2 = recv_within(who[i], 1000 * MS);
        CHECK(m1 && m2 && !memcmp(m1->data, "one", 3) && !memcmp(m2->data, "two", 3));
        CHECK_EQ(sl_remote_ack(who[i], m1), SL_OK); /* a no-op on a feed */
        sl_remote_msg_free(m1);
        sl_remote_msg_free(m2);
        CHECK(recv_within(who[i], 30 * MS) == NULL);
    }
    sl_remote_close(pub);
    sl_remote_close(a);
    sl_remote_close(b);
}

typedef struct replier {
    sl_remote *r;
    int n;
} replier;

static void *answer(void *arg)
{
    replier *p = arg;
    sl_remote_msg *m;
    while (p->n < 100 && sl_remote_recv(p->r, &m, sl_deadline_in(300 * MS)) == SL_OK) {
        char out[64];
        int len = snprintf(out, sizeof out, "re:%s", (char *)m->data);
        CHECK_EQ(sl_remote_reply(p->r, m, out, (size_t)len), SL_OK);
        sl_remote_msg_free(m);
        p->n++;
    }
    return NULL;
}

SL_TEST(remote_scatter_gather_brings_every_reply_back_to_the_gatherer)
{
    sl_remote *work = open_q("sg", NULL), *g = NULL;
    char err[512];
    CHECK_EQ(sl_remote_gather_open(&g, redis_url("sg"), NULL, err, sizeof err), SL_OK);
    CHECK(!strncmp(sl_remote_stream(g), "sg:gather:", 10));
    sl_remote_buf req[20];
    char text[20][8];
    for (int i = 0; i < 20; i++) {
        snprintf(text[i], sizeof text[i], "%d", i);
        req[i] = (sl_remote_buf){text[i], strlen(text[i]), ""};
    }
    CHECK_EQ(sl_remote_scatter(work, g, req, 20, NULL, SL_FOREVER), SL_OK);
    replier rp[2] = {{open_q("sg", NULL), 0}, {open_q("sg", NULL), 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, answer, &rp[i]);
    int seen[20] = {0};
    for (int i = 0; i < 20; i++) {
        sl_remote_msg *m = recv_within(g, 3000 * MS);
        CHECK(m && m->request && !strncmp((char *)m->data, "re:", 3));
        int k = atoi((char *)m->data + 3);
        CHECK(k >= 0 && k < 20 && !strcmp(m->request, req[k].id));
        seen[k]++;
        sl_remote_ack(g, m);
        sl_remote_msg_free(m);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 20; i++)
        CHECK_EQ(seen[i], 1);
    CHECK_EQ(rp[0].n + rp[1].n, 20);
    /* a reply to a gatherer that is gone is dropped, and says so */
    CHECK_EQ(sl_remote_scatter(work, g, req, 1, NULL, SL_FOREVER), SL_OK);
    sl_remote_close(g);
    sl_remote_msg *m = recv_within(rp[0].r, 2000 * MS);
    CHECK(m && m->reply_to);
    CHECK_EQ(sl_remote_reply(rp[0].r, m, "late", 4), SL_CLOSED);
    sl_remote_msg_free(m);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "EXISTS %s", m ? "sg:gather:x" : ""), 0);
    CHECK_EQ(redis_int(raw, "XLEN %s", "sg"), 0);
    redisFree(raw);
    sl_remote_close(rp[0].r);
    sl_remote_close(rp[1].r);
    sl_remote_close(work);
}

SL_TEST(remote_reply_many_answers_and_acknowledges_in_one_round_trip)
{
    sl_remote *work = open_q("rm", NULL), *r = open_q("rm", NULL), *g = NULL;
    char err[512];
    CHECK_EQ(sl_remote_gather_open(&g, redis_url("rm"), NULL, err, sizeof err), SL_OK);
    sl_remote_buf req[5] = {{"0", 1, ""}, {"1", 1, ""}, {"2", 1, ""}, {"3", 1, ""}, {"4", 1, ""}};
    CHECK_EQ(sl_remote_scatter(work, g, req, 5, NULL, SL_FOREVER), SL_OK);
    sl_remote_msg *m[5];
    sl_remote_buf out[5];
    char text[5][8];
    for (int i = 0; i < 5; i++) {
        m[i] = recv_within(r, 3000 * MS);
        CHECK(m[i] && m[i]->reply_to);
        snprintf(text[i], sizeof text[i], "re:%.*s", (int)m[i]->len, (char *)m[i]->data);
        out[i] = (sl_remote_buf){text[i], strlen(text[i]), ""};
    }
    sl_remote_stats a, b;
    sl_remote_stats_read(r, &a);
    int rcs[5];
    CHECK_EQ(sl_remote_reply_many(r, m, out, 5, rcs), SL_OK);
    sl_remote_stats_read(r, &b);
    CHECK_EQ(b.round_trips - a.round_trips, 1);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(rcs[i], SL_OK);
        sl_remote_msg *x = recv_within(g, 3000 * MS);
        CHECK(x && x->request && !strcmp(x->request, req[i].id) && x->len == 4 && ((char *)x->data)[3] == '0' + i);
        sl_remote_ack(g, x);
        sl_remote_msg_free(x);
        sl_remote_msg_free(m[i]);
    }
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "XLEN %s", "rm"), 0); /* every request acknowledged and deleted */
    redisFree(raw);
    sl_remote_close(g);
    sl_remote_close(r);
    sl_remote_close(work);
}

SL_TEST(remote_chan_is_selectable_beside_a_local_channel)
{
    sl_remote *s = open_q("sel", NULL), *r = open_q("sel", NULL);
    sl_chan *remote = sl_remote_chan(r), *local = sl_chan_new(sizeof(int), 1);
    CHECK(remote && remote == sl_remote_chan(r));
    int v = 7;
    sl_chan_send(local, &v);
    CHECK_EQ(sl_remote_send(s, "net", 3, SL_FOREVER), SL_OK);
    int got_local = 0, got_remote = 0;
    for (int i = 0; i < 2; i++) {
        sl_remote_msg *m = NULL;
        int lv;
        sl_case cs[] = {{remote, SL_RECV, &m, 0}, {local, SL_RECV, &lv, 0}};
        int k = sl_select(cs, 2, sl_deadline_in(3000 * MS));
        if (k == 0) {
            CHECK(m && m->len == 3 && !memcmp(m->data, "net", 3));
            sl_remote_ack(r, m);
            sl_remote_msg_free(m);
            got_remote++;
        } else {
            CHECK_EQ(k, 1);
            CHECK_EQ(lv, 7);
            got_local++;
        }
    }
    CHECK(got_local == 1 && got_remote == 1);
    sl_remote_chan_stop(r);
    sl_remote_msg *m;
    CHECK_EQ(sl_chan_recv(remote, &m), SL_CLOSED); /* stopped: drained, then closed */
    sl_chan_free(local);
    sl_remote_close(s);
    sl_remote_close(r);
}

/* Durations of SL_FOREVER (lease, timeout, give-up) mean never: a
 * gatherer opened with them keeps its stream (its expiry, the lease times
 * four, wrapped around to nothing before: the stream was gone at once and
 * the reply to it dropped), a queue delivers as any other, and a receive
 * whose deadline is long past (INT64_MIN) says so at once. */
SL_TEST(remote_durations_of_sl_forever_mean_never)
{
    sl_remote_opts o = {.lease_ns = SL_FOREVER, .timeout_ns = SL_FOREVER, .give_up_ns = SL_FOREVER};
    sl_remote *work = open_q("forever", &o), *r = open_q("forever", &o), *g = NULL;
    char err[512];
    CHECK_EQ(sl_remote_gather_open(&g, redis_url("forever"), &o, err, sizeof err), SL_OK);
    redisContext *raw = redis_raw();
    CHECK_EQ(redis_int(raw, "EXISTS %s", sl_remote_stream(g)), 1);
    sl_remote_buf req = {"x", 1, ""};
    CHECK_EQ(sl_remote_scatter(work, g, &req, 1, NULL, SL_FOREVER), SL_OK);
    sl_remote_msg *m = recv_within(r, 2000 * MS);
    CHECK(m && m->len == 1 && m->data[0] == 'x' && m->reply_to);
    CHECK_EQ(sl_remote_reply(r, m, "re:x", 4), SL_OK);
    sl_remote_msg_free(m);
    m = recv_within(g, 2000 * MS);
    CHECK(m && m->len == 4 && !memcmp(m->data, "re:x", 4));
    sl_remote_ack(g, m);
    sl_remote_msg_free(m);
    int64_t t0 = sl_now();
    m = NULL;
    CHECK_EQ(sl_remote_recv(r, &m, INT64_MIN), SL_TIMEDOUT);
    CHECK(sl_now() - t0 < 1000 * MS);
    redisFree(raw);
    sl_remote_close(g);
    sl_remote_close(work);
    sl_remote_close(r);
}
