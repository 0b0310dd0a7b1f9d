/*
 * remote.c - a stream as a channel: open, send with backpressure, receive
 * in a consumer group, acknowledge, reclaim, broadcast, scatter/gather.
 *
 * The one idea: a message belongs to whoever the server last delivered it
 * to, until that member acknowledges it.  The server keeps that record
 * (the group's pending entries list), so nothing here has to be believed
 * across a crash: a member that dies leaves its entries pending, and the
 * others take them over (XAUTOCLAIM) once they have been idle for the
 * lease; a member that is alive keeps its entries by touching the ones it
 * holds every quarter lease (XCLAIM ... JUSTID resets their idle time);
 * a member whose connection was cut reads its own pending entries again
 * (XREADGROUP ... 0), in case a read's reply was lost with the connection.
 * Acknowledging also deletes the entry, so the stream's length is exactly
 * the work not yet done, which is what a sender waits on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "remote_int.h"


void sl__rerr(sl_remote *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&r->err_lock);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    pthread_mutex_unlock(&r->err_lock);
    va_end(ap);
}

void sl__rlog(sl_remote *r, const char *fmt, ...)
{
    if (!r->o.log)
        return;
    char line[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->o.log(r->o.log_arg, line);
}

const char *sl_remote_error(sl_remote *r)
{
    static _Thread_local char copy[512];
    pthread_mutex_lock(&r->err_lock);
    memcpy(copy, r->err, sizeof copy);
    pthread_mutex_unlock(&r->err_lock);
    return copy;
}

const char *sl_remote_consumer(const sl_remote *r)
{
    return r->consumer;
}

const char *sl_remote_stream(const sl_remote *r)
{
    return r->key;
}

void sl_remote_stats_read(sl_remote *r, sl_remote_stats *s)
{
    uint64_t v[ST__N];
    for (int i = 0; i < ST__N; i++)
        v[i] = atomic_load_explicit(&r->st[i], memory_order_relaxed);
    *s = (sl_remote_stats){v[ST_SENT],       v[ST_RECEIVED],       v[ST_ACKED],       v[ST_RECLAIMED],
                           v[ST_REFUSED],    v[ST_BYTES_SENT],     v[ST_BYTES_RECEIVED],
                           v[ST_ROUND_TRIPS], v[ST_RECONNECTS],    v[ST_FULL_WAITS]};
}

static void hex_random(char *out, size_t bytes)
{
    unsigned char b[32];
    if (bytes > sizeof b)
        bytes = sizeof b;
    if (getrandom(b, bytes, 0) != (ssize_t)bytes)
        for (size_t i = 0; i < bytes; i++) /* no entropy source: time and pid will do for a name */
            b[i] = (unsigned char)((uint64_t)sl_now() >> (i % 8 * 8) ^ (uint64_t)getpid() >> (i % 3));
    for (size_t i = 0; i < bytes; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

#define NEVER_NS (INT64_MAX / 8)

static void defaults(sl_remote_opts *o)
{
    if (!o->max_len)
        o->max_len = 1024;
    if (!o->batch)
        o->batch = 16;
    if (!o->max_msg)
        o->max_msg = (size_t)256 << 20;
    if (o->lease_ns <= 0)
        o->lease_ns = 30 * 1000000000LL;
    if (o->timeout_ns <= 0)
        o->timeout_ns = 5 * 1000000000LL;
    if (o->give_up_ns <= 0)
        o->give_up_ns = 60 * 1000000000LL;
    /* Durations past ~36 years (SL_FOREVER, say) mean never: cut to
     * that, so that the clock plus one, or a lease times four (the
     * stream's expiry), cannot wrap around.  give_up_ns keeps SL_FOREVER,
     * which it tests for. */
    if (o->lease_ns > NEVER_NS)
        o->lease_ns = NEVER_NS;
    if (o->timeout_ns > NEVER_NS)
        o->timeout_ns = NEVER_NS;
    if (o->give_up_ns > NEVER_NS)
        o->give_up_ns = SL_FOREVER;
}

static char *make_consumer(void)
{
    char host[128] = "host", rnd[17], *s = NULL;
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = 0;
    hex_random(rnd, 8);
    if (asprintf(&s, "%s-%d-%s", host, (int)getpid(), rnd) < 0)
        return NULL;
    return s;
}

/* One simple command on the command connection, reply freed; SL_OK or an error. */
static int cmd_simple(sl_remote *r, sl__rcmd *cmd, redisReply **keep)
{
    redisReply *rep = NULL;
    pthread_mutex_lock(&r->cmd_lock);
    int rc = sl__rconn_run(&r->cmd, 1, cmd, &rep, 0, SL_FOREVER);
    pthread_mutex_unlock(&r->cmd_lock);
    if (rc != SL_OK)
        return rc;
    if (rep->type == REDIS_REPLY_ERROR) {
        sl__rerr(r, "redis://%s:%d/%s: %s", r->url.host, r->url.port, r->key, rep->str);
        rc = SL_REMOTE_EPROTO;
    }
    if (keep && rc == SL_OK)
        *keep = rep;
    else
        freeReplyObject(rep);
    return rc;
}

static int pexpire(sl_remote *r, sl__rcmd *cmd, char *ms)
{
    snprintf(ms, 24, "%lld", (long long)(r->ttl_ns / 1000000));
    sl__rcmd_str(cmd, "PEXPIRE");
    sl__rcmd_str(cmd, r->key);
    return sl__rcmd_str(cmd, ms);
}

/* A broadcast listener starts after the newest entry there is now. */
static int find_last_id(sl_remote *r)
{
    sl__rcmd cmd = {0};
    const char *argv[] = {"XREVRANGE", r->key, "+", "-", "COUNT", "1"};
    for (size_t i = 0; i < 6; i++)
        sl__rcmd_str(&cmd, argv[i]);
    redisReply *rep = NULL;
    int rc = cmd_simple(r, &cmd, &rep);
    sl__rcmd_free(&cmd);
    if (rc != SL_OK)
        return rc;
    strcpy(r->last_id, "0-0");
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
        rep->element[0]->elements >= 1 && rep->element[0]->element[0]->type == REDIS_REPLY_STRING &&
        rep->element[0]->element[0]->len < sizeof r->last_id)
        memcpy(r->last_id, rep->element[0]->element[0]->str, rep->element[0]->element[0]->len + 1);
    freeReplyObject(rep);
    return SL_OK;
}

static int open_key(sl_remote **out, const char *url, const sl_remote_opts *o, int gather, char *err,
                    size_t errlen)
{
    *out = NULL;
    sl_remote *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return SL_NOMEM;
    }
    int rc = sl__rurl_parse(url, &r->url, err, errlen);
    if (rc != SL_OK) {
        free(r);
        return rc;
    }
    if (o)
        r->o = *o;
    defaults(&r->o);
    r->gather = gather;
    if (gather)
        r->o.mode = SL_REMOTE_QUEUE;
    r->ttl_ns = r->o.lease_ns * 4;
    char rnd[33];
    hex_random(rnd, 16);
    if (gather)
        rc = asprintf(&r->key, "%s%s%s", r->url.name, GATHER_TAG, rnd) < 0;
    else
        rc = !(r->key = strdup(r->url.name));
    r->group = strdup(r->o.group ? r->o.group : "sluice");
    r->consumer = r->o.consumer ? strdup(r->o.consumer) : make_consumer();
    hex_random(rnd, 16);
    if (asprintf(&r->sent_key, "%s:sent:%s", r->key ? r->key : "", rnd) < 0)
        r->sent_key = NULL;
    pthread_mutex_init(&r->cmd_lock, NULL);
    pthread_mutex_init(&r->rd_lock, NULL);
    pthread_mutex_init(&r->err_lock, NULL);
    pthread_mutex_init(&r->held_lock, NULL);
    r->cmd.r = r->rd.r = r;
    strcpy(r->claim_cursor, "0-0");
    r->o.group = r->group;
    r->o.consumer = r->consumer;
    if (rc || !r->key || !r->group || !r->consumer || !r->sent_key) {
        snprintf(err, errlen, "out of memory");
        sl_remote_close(r);
        return SL_NOMEM;
    }
    rc = sl__rconn_open(&r->cmd);
    if (rc == SL_OK)
        rc = sl__rconn_open(&r->rd);
    if (rc == SL_OK && gather) {
        sl__rcmd cmd = {0};
        char ms[24];
        pexpire(r, &cmd, ms);
        rc = cmd_simple(r, &cmd, NULL);
        sl__rcmd_free(&cmd);
        atomic_store(&r->next_keepalive, sl_now() + r->ttl_ns / 4);
    }
    if (rc == SL_OK && r->o.mode == SL_REMOTE_BROADCAST)
        rc = find_last_id(r);
    if (rc != SL_OK) {
        snprintf(err, errlen, "%s", sl_remote_error(r));
        sl_remote_close(r);
        return rc;
    }
    r->rd.reconnected = 1; /* read our own backlog first: a member may reuse its name */
    r->next_maint = sl_now();
    *out = r;
    return SL_OK;
}

int sl_remote_open(sl_remote **r, const char *url, const sl_remote_opts *o, char *err, size_t errlen)
{
    return open_key(r, url, o, 0, err, errlen);
}

int sl_remote_gather_open(sl_remote **g, const char *url, const sl_remote_opts *o, char *err, size_t errlen)
{
    return open_key(g, url, o, 1, err, errlen);
}

void sl__remote_bridge_stop_join(sl_remote *r);

void sl_remote_close(sl_remote *r)
{
    if (!r)
        return;
    sl__remote_bridge_stop_join(r);
    if (r->gather && r->cmd.c) { /* best effort, no reconnecting: it expires anyway */
        redisReply *rep = redisCommand(r->cmd.c, "DEL %s", r->key);
        if (rep)
            freeReplyObject(rep);
    }
    if (r->send_seq && r->cmd.c && r->sent_key) { /* the same for the last send's ids */
        redisReply *rep = redisCommand(r->cmd.c, "DEL %s", r->sent_key);
        if (rep)
            freeReplyObject(rep);
    }
    for (size_t i = 0; i < r->nbuf; i++)
        free(r->buf[(r->buf_head + i) % r->buf_cap]);
    free(r->buf);
    free(r->held);
    sl__rconn_close(&r->cmd);
    sl__rconn_close(&r->rd);
    sl__rurl_free(&r->url);
    free(r->key);
    free(r->group);
    free(r->consumer);
    free(r->sent_key);
    pthread_mutex_destroy(&r->cmd_lock);
    pthread_mutex_destroy(&r->rd_lock);
    pthread_mutex_destroy(&r->err_lock);
    pthread_mutex_destroy(&r->held_lock);
    free(r);
}

/* ---- sending ---- */

static int check_sizes(sl_remote *r, const sl_remote_buf *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].len > r->o.max_msg || (!m[i].data && m[i].len)) {
            sl__rerr(r, "a message of %zu bytes is over the limit of %zu", m[i].len, r->o.max_msg);
            return m[i].data ? SL_REMOTE_ETOOBIG : SL_INVAL;
        }
    return SL_OK;
}

static void sleep_until(int64_t t)
{
    int64_t ns = t - sl_now();
    if (ns > 0) {
        struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
        nanosleep(&ts, NULL);
    }
}

/* The script call for m[0..n), with replies on `reply_to` when set. */
static int build_send(sl_remote *r, sl__rcmd *cmd, const sl_remote_buf *m, size_t n, const char *reply_to,
                      char *maxlen, char *seq, char *keep_ms)
{
    snprintf(maxlen, 24, "%zu", r->o.max_len);
    snprintf(seq, 24, "%llu", (unsigned long long)++r->send_seq);
    /* the ids are asked for again only while this sender retries the
     * send: at most give_up_ns (an hour when that is forever), twice over */
    int64_t keep = r->o.give_up_ns == SL_FOREVER || r->o.give_up_ns > 1800 * 1000000000LL
                       ? 3600 * 1000LL
                       : 2 * (r->o.give_up_ns / 1000000) + 60000;
    snprintf(keep_ms, 24, "%lld", (long long)keep);
    int rc = 0;
    rc |= sl__rcmd_str(cmd, "EVALSHA");
    rc |= sl__rcmd_str(cmd, r->cmd.sha);
    rc |= sl__rcmd_str(cmd, "2");
    rc |= sl__rcmd_str(cmd, r->key);
    rc |= sl__rcmd_str(cmd, r->sent_key);
    rc |= sl__rcmd_str(cmd, maxlen);
    rc |= sl__rcmd_str(cmd, reply_to ? "2" : "1");
    rc |= sl__rcmd_str(cmd, seq);
    rc |= sl__rcmd_str(cmd, keep_ms);
    for (size_t i = 0; i < n; i++) {
        rc |= sl__rcmd_add(cmd, m[i].data ? m[i].data : "", m[i].len);
        if (reply_to)
            rc |= sl__rcmd_str(cmd, reply_to);
    }
    return rc ? SL_NOMEM : SL_OK;
}

/* One round trip: as many of m[0..n) as fit; their ids copied back. */
static int send_round(sl_remote *r, sl_remote_buf *m, size_t n, sl_remote *gather, size_t *added,
                      int64_t deadline)
{
    sl__rcmd cmds[2] = {{0}, {0}};
    char maxlen[24], ms[24], seq[24], keep_ms[24];
    redisReply *rep[2] = {NULL, NULL};
    size_t ncmds = 1;
    *added = 0;
    pthread_mutex_lock(&r->cmd_lock);
    /* the script's sha is the connection's: built under the lock */
    int rc = build_send(r, &cmds[0], m, n, gather ? gather->key : NULL, maxlen, seq, keep_ms);
    if (rc == SL_OK && gather && sl_now() >= atomic_load(&gather->next_keepalive)) {
        rc = pexpire(gather, &cmds[1], ms);
        atomic_store(&gather->next_keepalive, sl_now() + gather->ttl_ns / 4);
        ncmds = 2;
    }
    if (rc == SL_OK)
        rc = sl__rconn_run(&r->cmd, ncmds, cmds, rep, 0, deadline);
    pthread_mutex_unlock(&r->cmd_lock);
    sl__rcmd_free(&cmds[0]);
    sl__rcmd_free(&cmds[1]);
    if (rc != SL_OK)
        return rc;
    redisReply *ids = rep[0];
    if (ids->type != REDIS_REPLY_ARRAY || ids->elements > n) {
        sl__rerr(r, "redis://%s:%d/%s: sending: %s", r->url.host, r->url.port, r->key,
                 ids->type == REDIS_REPLY_ERROR ? ids->str : "unexpected reply");
        rc = SL_REMOTE_EPROTO;
    } else {
        for (size_t i = 0; i < ids->elements; i++) {
            redisReply *id = ids->element[i];
            m[i].id[0] = 0;
            if (id->type == REDIS_REPLY_STRING && id->len < sizeof m[i].id)
                memcpy(m[i].id, id->str, id->len + 1);
            sl__rstat(r, ST_BYTES_SENT, m[i].len);
        }
        *added = ids->elements;
        sl__rstat(r, ST_SENT, ids->elements);
    }
    for (size_t i = 0; i < ncmds; i++)
        freeReplyObject(rep[i]);
    return rc;
}

/* A broadcast never waits: it keeps the newest max_len entries. */
static int send_broadcast(sl_remote *r, sl_remote_buf *m, size_t n)
{
    sl__rcmd *cmds = calloc(n ? n : 1, sizeof *cmds);
    redisReply **rep = calloc(n ? n : 1, sizeof *rep);
    char maxlen[24];
    snprintf(maxlen, sizeof maxlen, "%zu", r->o.max_len);
    int rc = cmds && rep ? SL_OK : SL_NOMEM;
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        const char *argv[] = {"XADD", r->key, "MAXLEN", "~", maxlen, "*", "d"};
        for (size_t j = 0; j < 7; j++)
            rc |= sl__rcmd_str(&cmds[i], argv[j]);
        rc |= sl__rcmd_add(&cmds[i], m[i].data ? m[i].data : "", m[i].len);
    }
    if (rc == SL_OK) {
        pthread_mutex_lock(&r->cmd_lock);
        rc = sl__rconn_run(&r->cmd, n, cmds, rep, 0, SL_FOREVER);
        pthread_mutex_unlock(&r->cmd_lock);
        for (size_t i = 0; rc == SL_OK && i < n; i++) {
            if (rep[i]->type == REDIS_REPLY_STRING && rep[i]->len < sizeof m[i].id) {
                memcpy(m[i].id, rep[i]->str, rep[i]->len + 1);
                sl__rstat(r, ST_SENT, 1);
                sl__rstat(r, ST_BYTES_SENT, m[i].len);
            } else {
                sl__rerr(r, "redis://%s:%d/%s: broadcasting: %s", r->url.host, r->url.port, r->key,
                         rep[i]->type == REDIS_REPLY_ERROR ? rep[i]->str : "unexpected reply");
                rc = SL_REMOTE_EPROTO;
            }
        }
        for (size_t i = 0; i < n && rep[0]; i++)
            if (rep[i])
                freeReplyObject(rep[i]);
    }
    for (size_t i = 0; cmds && i < n; i++)
        sl__rcmd_free(&cmds[i]);
    free(cmds);
    free(rep);
    return rc;
}

static int send_many(sl_remote *r, sl_remote *gather, sl_remote_buf *m, size_t n, size_t *sent,
                     int64_t deadline)
{
    size_t done = 0;
    int rc = check_sizes(r, m, n);
    if (rc == SL_OK && r->o.mode == SL_REMOTE_BROADCAST && !gather) {
        rc = send_broadcast(r, m, n);
        done = rc == SL_OK ? n : 0;
    }
    int64_t wait = 1000000; /* while the queue is full: 1 ms, doubling to 100 ms */
    while (rc == SL_OK && done < n) {
        size_t added;
        rc = send_round(r, m + done, n - done, gather, &added, deadline);
        done += added;
        if (rc != SL_OK || done == n)
            break;
        if (added)
            wait = 1000000;
        if (sl_now() >= deadline) {
            rc = SL_TIMEDOUT;
            break;
        }
        sl__rstat(r, ST_FULL_WAITS, 1);
        int64_t until = sl_now() + wait;
        sleep_until(until < deadline ? until : deadline);
        if (wait < 100000000)
            wait *= 2;
    }
    if (sent)
        *sent = done;
    return rc;
}

int sl_remote_send_many(sl_remote *r, sl_remote_buf *m, size_t n, size_t *sent, int64_t deadline)
{
    if (!r || (!m && n))
        return SL_INVAL;
    return send_many(r, NULL, m, n, sent, deadline);
}

int sl_remote_send(sl_remote *r, const void *data, size_t len, int64_t deadline)
{
    sl_remote_buf b = {data, len, ""};
    return sl_remote_send_many(r, &b, 1, NULL, deadline);
}

int sl_remote_broadcast(sl_remote *r, const void *data, size_t len)
{
    if (!r)
        return SL_INVAL;
    sl_remote_buf b = {data, len, ""};
    int rc = check_sizes(r, &b, 1);
    return rc == SL_OK ? send_broadcast(r, &b, 1) : rc;
}

int sl_remote_scatter(sl_remote *work, sl_remote *gather, sl_remote_buf *m, size_t n, size_t *sent,
                      int64_t deadline)
{
    if (!work || !gather || !gather->gather || work->o.mode != SL_REMOTE_QUEUE || (!m && n))
        return SL_INVAL;
    return send_many(work, gather, m, n, sent, deadline);
}
