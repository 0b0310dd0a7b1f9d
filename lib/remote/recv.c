/*
 * recv.c - the receiving half: reading entries, reclaiming, keeping held
 * entries alive, acknowledging, replying.
 *
 * The one idea: every entry handed to the caller is remembered (`held`)
 * until it is acknowledged or freed.  That list is what keeps a live
 * member's entries from being reclaimed (they are touched every quarter
 * lease), and what stops an entry from being handed out twice when the
 * member reads its own backlog again after a reconnect.  An entry that is
 * not shaped as this library writes them (no `d` field, a reply address
 * that is not a gatherer of this stream) is refused: logged, counted,
 * acknowledged and deleted, so that it can never come back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote_int.h"

#define SLICE_NS 250000000LL /* the longest one blocking read waits */

/* ---- held entries ---- */

static void hold(sl_remote *r, const char *id)
{
    pthread_mutex_lock(&r->held_lock);
    if (r->nheld == r->held_cap) {
        size_t cap = r->held_cap ? r->held_cap * 2 : 32;
        struct sl__held *h = realloc(r->held, cap * sizeof *h);
        if (!h) { /* not remembered: it may be reclaimed from us after the lease, which is safe */
            pthread_mutex_unlock(&r->held_lock);
            return;
        }
        r->held = h;
        r->held_cap = cap;
    }
    snprintf(r->held[r->nheld].id, sizeof r->held[0].id, "%s", id);
    r->held[r->nheld++].since = sl_now();
    pthread_mutex_unlock(&r->held_lock);
}

static void unhold(sl_remote *r, const char *id)
{
    pthread_mutex_lock(&r->held_lock);
    for (size_t i = 0; i < r->nheld; i++)
        if (!strcmp(r->held[i].id, id)) {
            r->held[i] = r->held[--r->nheld];
            break;
        }
    pthread_mutex_unlock(&r->held_lock);
}

static int is_held(sl_remote *r, const char *id)
{
    int found = 0;
    pthread_mutex_lock(&r->held_lock);
    for (size_t i = 0; i < r->nheld && !found; i++)
        found = !strcmp(r->held[i].id, id);
    pthread_mutex_unlock(&r->held_lock);
    return found;
}

void sl_remote_msg_free(sl_remote_msg *m)
{
    if (!m)
        return;
    rmsg *x = (rmsg *)m;
    if (x->owner)
        unhold(x->owner, m->id);
    free(x);
}

/* ---- entries ---- */

static int is_str(const redisReply *e)
{
    return e && e->type == REDIS_REPLY_STRING;
}

/* A gatherer of this stream: NAME:gather:<32 hex digits>. */
static int reply_address_ok(const sl_remote *r, const redisReply *v)
{
    size_t klen = strlen(r->url.name), tlen = strlen(GATHER_TAG);
    if (v->len != klen + tlen + 32 || memcmp(v->str, r->url.name, klen) || memcmp(v->str + klen, GATHER_TAG, tlen))
        return 0;
    for (size_t i = klen + tlen; i < v->len; i++)
        if (!strchr("0123456789abcdef", v->str[i]))
            return 0;
    return 1;
}

static int valid_id(const redisReply *id)
{
    if (!is_str(id) || id->len == 0 || id->len >= 48)
        return 0;
    for (size_t i = 0; i < id->len; i++)
        if (!strchr("0123456789-", id->str[i]))
            return 0;
    return 1;
}

/* An entry [id, [field, value, ...]] as a message, or NULL with *why. */
static rmsg *make_msg(sl_remote *r, const redisReply *fields, const redisReply *id, const char **why)
{
    const redisReply *d = NULL, *rt = NULL, *q = NULL;
    if (!fields || fields->type != REDIS_REPLY_ARRAY || fields->elements % 2) {
        *why = fields && fields->type == REDIS_REPLY_NIL ? "deleted" : "not field/value pairs";
        return NULL;
    }
    for (size_t i = 0; i < fields->elements; i += 2) {
        const redisReply *f = fields->element[i], *v = fields->element[i + 1];
        if (!is_str(f) || !is_str(v)) {
            *why = "a field that is not a string";
            return NULL;
        }
        if (f->len == 1 && f->str[0] == 'd')
            d = v;
        else if (f->len == 1 && f->str[0] == 'r')
            rt = v;
        else if (f->len == 1 && f->str[0] == 'q')
            q = v;
    }
    if (!d) {
        *why = "no 'd' (data) field";
        return NULL;
    }
    if (d->len > r->o.max_msg) {
        *why = "over the message size limit";
        return NULL;
    }
    if (rt && !reply_address_ok(r, rt)) {
        *why = "a reply address that is not a gatherer of this stream";
        return NULL;
    }
    if (q && !valid_id(q)) {
        *why = "a request id that is not an entry id";
        return NULL;
    }
    size_t rtl = rt ? rt->len + 1 : 0, ql = q ? q->len + 1 : 0;
    rmsg *x = malloc(sizeof *x + d->len + 1 + rtl + ql);
    if (!x) {
        *why = "out of memory";
        return NULL;
    }
    memset(x, 0, sizeof *x);
    memcpy(x->m.id, id->str, id->len + 1);
    char *p = (char *)(x + 1);
    x->m.data = (unsigned char *)p;
    x->m.len = d->len;
    memcpy(p, d->str, d->len);
    p[d->len] = 0;
    p += d->len + 1;
    if (rt) {
        x->m.reply_to = memcpy(p, rt->str, rt->len);
        p[rt->len] = 0;
        p += rtl;
    }
    if (q) {
        x->m.request = memcpy(p, q->str, q->len);
        p[q->len] = 0;
    }
    return x;
}

static int push(sl_remote *r, rmsg *x)
{
    if (r->nbuf == r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap * 2 : 16;
        sl_remote_msg **b = malloc(cap * sizeof *b);
        if (!b)
            return SL_NOMEM;
        for (size_t i = 0; i < r->nbuf; i++)
            b[i] = r->buf[(r->buf_head + i) % r->buf_cap];
        free(r->buf);
        r->buf = b;
        r->buf_head = 0;
        r->buf_cap = cap;
    }
    r->buf[(r->buf_head + r->nbuf++) % r->buf_cap] = &x->m;
    return SL_OK;
}

static void ack_ids(sl_remote *r, const char *const *ids, size_t n);

/* Takes the entries of one read (an array of [id, fields]) into the
 * buffer; refused ones are acknowledged away.  Returns how many. */
static size_t take_entries(sl_remote *r, const redisReply *entries, int reclaimed, char *last, size_t lastlen)
{
    size_t got = 0;
    if (!entries || entries->type != REDIS_REPLY_ARRAY)
        return 0;
    for (size_t i = 0; i < entries->elements; i++) {
        const redisReply *e = entries->element[i];
        if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || !valid_id(e->element[0]))
            continue; /* nothing with an id to refuse */
        const redisReply *id = e->element[0];
        if (last && id->len < lastlen)
            memcpy(last, id->str, id->len + 1);
        if (r->o.mode == SL_REMOTE_QUEUE && is_held(r, id->str))
            continue; /* already ours, in the caller's hands */
        const char *why = NULL;
        rmsg *x = make_msg(r, e->element[1], id, &why);
        if (x && push(r, x) != SL_OK) {
            free(x);
            x = NULL;
            why = "out of memory";
        }
        if (!x) {
            if (strcmp(why, "out of memory")) {
                const char *ids[1] = {id->str};
                if (strcmp(why, "deleted")) {
                    sl__rstat(r, ST_REFUSED, 1);
                    sl__rlog(r, "refused entry %s on %s: %s", id->str, r->key, why);
                }
                if (r->o.mode == SL_REMOTE_QUEUE)
                    ack_ids(r, ids, 1);
            }
            continue;
        }
        x->m.reclaimed = reclaimed;
        sl__rstat(r, ST_RECEIVED, 1);
        sl__rstat(r, ST_BYTES_RECEIVED, x->m.len);
        if (reclaimed)
            sl__rstat(r, ST_RECLAIMED, 1);
        got++;
    }
    return got;
}

/* ---- maintenance: keep ours, take over the abandoned ---- */

/* The held entries due for a touch (held a quarter lease since the last),
 * copied out, since other threads change `held` while the command runs. */
static size_t due_for_touch(sl_remote *r, int64_t now, char (**ids)[48])
{
    size_t n = 0;
    *ids = NULL;
    pthread_mutex_lock(&r->held_lock);
    if (r->nheld && (*ids = malloc(r->nheld * sizeof **ids)))
        for (size_t i = 0; i < r->nheld; i++)
            if (now - r->held[i].since >= r->o.lease_ns / 4) {
                memcpy((*ids)[n++], r->held[i].id, sizeof **ids);
                r->held[i].since = now;
            }
    pthread_mutex_unlock(&r->held_lock);
    return n;
}

static void add_argv(sl__rcmd *c, const char *const *argv, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sl__rcmd_str(c, argv[i]);
}

/* One round trip: touch what we hold (XCLAIM ... JUSTID resets its idle
 * time), push a gatherer's expiry back, and take over up to a batch of
 * entries idle past the lease (XAUTOCLAIM, resuming where the last call
 * stopped). */
int sl__remote_maintain(sl_remote *r, int64_t retry_until)
{
    int64_t now = sl_now();
    r->next_maint = now + (r->o.lease_ns / 4 > 20000000 ? r->o.lease_ns / 4 : 20000000);
    if (r->o.mode != SL_REMOTE_QUEUE)
        return SL_OK;
    sl__rcmd cmds[3] = {{0}, {0}, {0}};
    redisReply *rep[3] = {0};
    char idle[24], count[24], ms[24];
    size_t n = 0;
    char(*ids)[48];
    size_t ntouch = due_for_touch(r, now, &ids);
    if (ntouch) {
        const char *argv[] = {"XCLAIM", r->key, r->group, r->consumer, "0"};
        add_argv(&cmds[n], argv, 5);
        for (size_t i = 0; i < ntouch; i++)
            sl__rcmd_str(&cmds[n], ids[i]);
        sl__rcmd_str(&cmds[n++], "JUSTID");
    }
    if (r->gather && now >= atomic_load(&r->next_keepalive)) {
        snprintf(ms, sizeof ms, "%lld", (long long)(r->ttl_ns / 1000000));
        const char *argv[] = {"PEXPIRE", r->key, ms};
        add_argv(&cmds[n++], argv, 3);
        atomic_store(&r->next_keepalive, now + r->ttl_ns / 4);
    }
    snprintf(idle, sizeof idle, "%lld", (long long)(r->o.lease_ns / 1000000));
    snprintf(count, sizeof count, "%zu", r->o.batch);
    const char *argv[] = {"XAUTOCLAIM", r->key, r->group, r->consumer, idle, r->claim_cursor, "COUNT", count};
    add_argv(&cmds[n], argv, 8);
    size_t claim = n++;
    int rc = sl__rconn_run(&r->rd, n, cmds, rep, 0, retry_until);
    if (rc == SL_OK) {
        redisReply *c = rep[claim];
        if (c->type == REDIS_REPLY_ARRAY && c->elements >= 2 && is_str(c->element[0]) &&
            c->element[0]->len < sizeof r->claim_cursor) {
            memcpy(r->claim_cursor, c->element[0]->str, c->element[0]->len + 1);
            take_entries(r, c->element[1], 1, NULL, 0);
        } else {
            sl__rerr(r, "redis://%s:%d/%s: reclaiming: %s", r->url.host, r->url.port, r->key,
                     c->type == REDIS_REPLY_ERROR ? c->str : "unexpected reply");
            rc = SL_REMOTE_EPROTO;
        }
        for (size_t i = 0; i < n; i++)
            freeReplyObject(rep[i]);
    }
    for (size_t i = 0; i < 3; i++)
        sl__rcmd_free(&cmds[i]);
    free(ids);
    return rc;
}

/* ---- reading ---- */

static int64_t min3(int64_t a, int64_t b, int64_t c)
{
    int64_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* One read: our own backlog after a reconnect, else new entries (a queue)
 * or the feed after the newest seen (a broadcast), blocking up to the
 * deadline, the next maintenance or a slice, whichever is first. */
static int read_once(sl_remote *r, size_t count, int64_t deadline, int64_t retry_until)
{
    int64_t now = sl_now();
    int64_t block = min3(deadline > now ? deadline - now : 0, r->next_maint - now, SLICE_NS); /* a deadline long past: no wrap */
    char cnt[24], blk[24];
    snprintf(cnt, sizeof cnt, "%zu", count ? count : 1);
    snprintf(blk, sizeof blk, "%lld", (long long)(block / 1000000));
    int blocking = !r->backlog && block >= 1000000;
    sl__rcmd cmd = {0};
    if (r->o.mode == SL_REMOTE_QUEUE) {
        const char *argv[] = {"XREADGROUP", "GROUP", r->group, r->consumer, "COUNT", cnt};
        add_argv(&cmd, argv, 6);
    } else {
        const char *argv[] = {"XREAD", "COUNT", cnt};
        add_argv(&cmd, argv, 3);
    }
    if (blocking) {
        sl__rcmd_str(&cmd, "BLOCK");
        sl__rcmd_str(&cmd, blk);
    }
    sl__rcmd_str(&cmd, "STREAMS");
    sl__rcmd_str(&cmd, r->key);
    sl__rcmd_str(&cmd, r->o.mode != SL_REMOTE_QUEUE ? r->last_id : r->backlog ? r->backlog_cursor : ">");
    redisReply *rep = NULL;
    int rc = sl__rconn_run(&r->rd, 1, &cmd, &rep, blocking ? block : 0, retry_until);
    sl__rcmd_free(&cmd);
    if (rc != SL_OK)
        return rc;
    if (rep->type == REDIS_REPLY_ERROR) {
        sl__rerr(r, "redis://%s:%d/%s: reading: %s", r->url.host, r->url.port, r->key, rep->str);
        rc = SL_REMOTE_EPROTO;
    } else if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
               rep->element[0]->elements == 2) {
        const redisReply *entries = rep->element[0]->element[1];
        if (r->o.mode != SL_REMOTE_QUEUE)
            take_entries(r, entries, 0, r->last_id, sizeof r->last_id);
        else if (r->backlog) {
            take_entries(r, entries, 0, r->backlog_cursor, sizeof r->backlog_cursor);
            r->backlog = entries->type == REDIS_REPLY_ARRAY && entries->elements > 0;
        } else
            take_entries(r, entries, 0, NULL, 0);
    } else if (r->backlog)
        r->backlog = 0;
    freeReplyObject(rep);
    return rc;
}

static sl_remote_msg *pop(sl_remote *r)
{
    sl_remote_msg *m = r->buf[r->buf_head];
    r->buf_head = (r->buf_head + 1) % r->buf_cap;
    r->nbuf--;
    if (r->o.mode == SL_REMOTE_QUEUE) {
        hold(r, m->id);
        ((rmsg *)m)->owner = r;
    }
    return m;
}

int sl__remote_next(sl_remote *r, sl_remote_msg **m, size_t count, int64_t deadline, int64_t retry_until)
{
    int tried = 0;
    for (;;) {
        if (r->nbuf) {
            *m = pop(r);
            return SL_OK;
        }
        if (tried && sl_now() >= deadline)
            return SL_TIMEDOUT;
        if (r->rd.reconnected) { /* a read's reply may have been lost with the connection */
            r->rd.reconnected = 0;
            r->backlog = r->o.mode == SL_REMOTE_QUEUE;
            strcpy(r->backlog_cursor, "0");
        }
        int rc;
        if (sl_now() >= r->next_maint)
            rc = sl__remote_maintain(r, retry_until);
        else {
            rc = read_once(r, count, deadline, retry_until);
            tried = !r->backlog;
        }
        if (rc != SL_OK)
            return rc;
    }
}

int sl_remote_recv(sl_remote *r, sl_remote_msg **m, int64_t deadline)
{
    if (!r || !m)
        return SL_INVAL;
    *m = NULL;
    pthread_mutex_lock(&r->rd_lock);
    int rc = sl__remote_next(r, m, r->o.batch, deadline, deadline);
    pthread_mutex_unlock(&r->rd_lock);
    return rc;
}

/* ---- acknowledging, replying, deleting ---- */

/* The npre commands in pre (replies), then XACK and XDEL of ids, in one
 * round trip on the command connection.  pre_rep gets pre's replies. */
static int ack_pipeline(sl_remote *r, const char *const *ids, size_t n, sl__rcmd *pre, size_t npre,
                        redisReply **pre_rep)
{
    sl__rcmd *cmds = calloc(npre + 2, sizeof *cmds);
    redisReply **rep = calloc(npre + 2, sizeof *rep);
    if (!cmds || !rep) {
        free(cmds);
        free(rep);
        return SL_NOMEM;
    }
    size_t k = npre;
    for (size_t i = 0; i < npre; i++)
        cmds[i] = pre[i];
    const char *a1[] = {"XACK", r->key, r->group}, *a2[] = {"XDEL", r->key};
    add_argv(&cmds[k], a1, 3);
    add_argv(&cmds[k + 1], a2, 2);
    for (size_t i = 0; i < n; i++) {
        sl__rcmd_str(&cmds[k], ids[i]);
        sl__rcmd_str(&cmds[k + 1], ids[i]);
    }
    k += 2;
    pthread_mutex_lock(&r->cmd_lock);
    int rc = sl__rconn_run(&r->cmd, k, cmds, rep, 0, SL_FOREVER);
    pthread_mutex_unlock(&r->cmd_lock);
    sl__rcmd_free(&cmds[npre]);
    sl__rcmd_free(&cmds[npre + 1]);
    if (rc == SL_OK) {
        for (size_t i = npre; i < k; i++) {
            if (rep[i]->type == REDIS_REPLY_ERROR && rc == SL_OK) {
                sl__rerr(r, "redis://%s:%d/%s: acknowledging: %s", r->url.host, r->url.port, r->key, rep[i]->str);
                rc = SL_REMOTE_EPROTO;
            }
            freeReplyObject(rep[i]);
        }
        for (size_t i = 0; i < npre; i++)
            pre_rep[i] = rep[i];
        if (rc == SL_OK)
            sl__rstat(r, ST_ACKED, n);
    }
    free(cmds);
    free(rep);
    return rc;
}

static void ack_ids(sl_remote *r, const char *const *ids, size_t n)
{
    ack_pipeline(r, ids, n, NULL, 0, NULL);
}

int sl_remote_ack_many(sl_remote *r, sl_remote_msg *const *m, size_t n)
{
    if (!r || (!m && n))
        return SL_INVAL;
    if (r->o.mode != SL_REMOTE_QUEUE || n == 0)
        return SL_OK;
    const char **ids = malloc(n * sizeof *ids);
    if (!ids)
        return SL_NOMEM;
    for (size_t i = 0; i < n; i++)
        ids[i] = m[i]->id;
    int rc = ack_pipeline(r, ids, n, NULL, 0, NULL);
    if (rc == SL_OK)
        for (size_t i = 0; i < n; i++)
            unhold(r, m[i]->id);
    free(ids);
    return rc;
}

int sl_remote_ack(sl_remote *r, const sl_remote_msg *m)
{
    sl_remote_msg *one = (sl_remote_msg *)m;
    return m ? sl_remote_ack_many(r, &one, 1) : SL_INVAL;
}

/* The XADD of one reply: NOMKSTREAM, so a reply to a gatherer that is
 * gone is dropped by the server instead of making a stream nobody reads. */
static void reply_cmd(sl__rcmd *add, const sl_remote_msg *request, const void *data, size_t len)
{
    const char *argv[] = {"XADD", request->reply_to, "NOMKSTREAM", "*", "d"};
    add_argv(add, argv, 5);
    sl__rcmd_add(add, data ? data : "", len);
    sl__rcmd_str(add, "q");
    sl__rcmd_str(add, request->id);
}

/* What the server said to one reply's XADD. */
static int reply_status(sl_remote *r, const sl_remote_msg *request, redisReply *rep, size_t len)
{
    if (rep->type == REDIS_REPLY_NIL)
        return SL_CLOSED;
    if (rep->type != REDIS_REPLY_STRING) {
        sl__rerr(r, "redis://%s:%d/%s: replying: %s", r->url.host, r->url.port, request->reply_to,
                 rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
        return SL_REMOTE_EPROTO;
    }
    sl__rstat(r, ST_SENT, 1);
    sl__rstat(r, ST_BYTES_SENT, len);
    return SL_OK;
}

int sl_remote_reply_many(sl_remote *r, sl_remote_msg *const *requests, const sl_remote_buf *replies, size_t n,
                         int *rcs)
{
    if (!r || (n && (!requests || !replies || !rcs)) || r->o.mode != SL_REMOTE_QUEUE)
        return SL_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (!requests[i] || !requests[i]->reply_to || (!replies[i].data && replies[i].len))
            return SL_INVAL;
        if (replies[i].len > r->o.max_msg) {
            sl__rerr(r, "a reply of %zu bytes is over the limit of %zu", replies[i].len, r->o.max_msg);
            return SL_REMOTE_ETOOBIG;
        }
    }
    if (n == 0)
        return SL_OK;
    sl__rcmd *adds = calloc(n, sizeof *adds);
    const char **ids = calloc(n, sizeof *ids);
    redisReply **reps = calloc(n, sizeof *reps);
    int rc = adds && ids && reps ? SL_OK : SL_NOMEM;
    for (size_t i = 0; rc == SL_OK && i < n; i++) {
        reply_cmd(&adds[i], requests[i], replies[i].data, replies[i].len);
        ids[i] = requests[i]->id;
    }
    if (rc == SL_OK)
        rc = ack_pipeline(r, ids, n, adds, n, reps);
    for (size_t i = 0; adds && i < n; i++)
        sl__rcmd_free(&adds[i]);
    for (size_t i = 0; reps && i < n; i++) {
        if (rc == SL_OK) {
            unhold(r, requests[i]->id);
            rcs[i] = reply_status(r, requests[i], reps[i], replies[i].len);
        }
        if (reps[i]) /* also when acknowledging failed after the replies went */
            freeReplyObject(reps[i]);
    }
    free(adds);
    free(ids);
    free(reps);
    return rc;
}

int sl_remote_reply(sl_remote *r, const sl_remote_msg *request, const void *data, size_t len)
{
    if (!request)
        return SL_INVAL;
    sl_remote_msg *one = (sl_remote_msg *)request;
    sl_remote_buf b = {data, len, ""};
    int st = SL_OK, rc = sl_remote_reply_many(r, &one, &b, 1, &st);
    return rc == SL_OK ? st : rc;
}

int sl_remote_delete(sl_remote *r, const char *const *ids, size_t n)
{
    if (!r || (!ids && n))
        return SL_INVAL;
    if (n == 0)
        return SL_OK;
    sl__rcmd cmd = {0};
    const char *argv[] = {"XDEL", r->key};
    add_argv(&cmd, argv, 2);
    for (size_t i = 0; i < n; i++)
        sl__rcmd_str(&cmd, ids[i]);
    redisReply *rep = NULL;
    pthread_mutex_lock(&r->cmd_lock);
    int rc = sl__rconn_run(&r->cmd, 1, &cmd, &rep, 0, SL_FOREVER);
    pthread_mutex_unlock(&r->cmd_lock);
    sl__rcmd_free(&cmd);
    if (rc == SL_OK) {
        if (rep->type == REDIS_REPLY_ERROR) {
            sl__rerr(r, "redis://%s:%d/%s: deleting: %s", r->url.host, r->url.port, r->key, rep->str);
            rc = SL_REMOTE_EPROTO;
        }
        freeReplyObject(rep);
    }
    return rc;
}

int sl_remote_gatherer_alive(sl_remote *r, const sl_remote_msg *request)
{
    if (!r || !request || !request->reply_to)
        return SL_INVAL;
    sl__rcmd cmd = {0};
    sl__rcmd_str(&cmd, "EXISTS");
    sl__rcmd_str(&cmd, request->reply_to);
    redisReply *rep = NULL;
    pthread_mutex_lock(&r->cmd_lock);
    int rc = sl__rconn_run(&r->cmd, 1, &cmd, &rep, 0, SL_FOREVER);
    pthread_mutex_unlock(&r->cmd_lock);
    sl__rcmd_free(&cmd);
    if (rc != SL_OK)
        return rc;
    rc = rep->type == REDIS_REPLY_INTEGER ? rep->integer > 0 : SL_REMOTE_EPROTO;
    if (rc == SL_REMOTE_EPROTO)
        sl__rerr(r, "redis://%s:%d/%s: EXISTS: unexpected reply", r->url.host, r->url.port, request->reply_to);
    freeReplyObject(rep);
    return rc;
}
