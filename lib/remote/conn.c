/*
 * conn.c - one connection to the server: connect, authenticate, set up,
 * run pipelines, and re-make the connection with backoff when it is lost.
 *
 * The one idea: a lost connection is never the caller's problem until the
 * remote's give-up time has passed.  Any I/O error or timeout drops the
 * hiredis context (hiredis cannot recover one), waits 10 ms, 20 ms, ...
 * up to 2 s (with jitter, so members do not stampede a restarted server),
 * connects again, repeats the set-up (credentials, the send script, the
 * consumer group, which a server restarted without persistence no longer
 * has) and runs the whole pipeline again.  A refused password is final,
 * and so is a lost connection once the remote is told to stop: a worker
 * stopping while its server is away must not wait for it forever.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remote_int.h"

/* XADDs as many of the messages in ARGV[5..] as fit under ARGV[1]
 * entries, ARGV[2] values each (d, or d and r), and returns their ids:
 * the length check and the adds are one atomic step on the server.
 * ARGV[3] names this send (a counter of the sender's): the ids it made
 * are kept under KEYS[2] for ARGV[4] ms, so that the same send run again
 * - its reply was lost with the connection, or came later than the socket
 * waited - returns them instead of adding the messages a second time. */
static const char send_script[] =
    "local last = redis.call('GET', KEYS[2])\n"
    "if last then\n"
    "  local sp = string.find(last, ' ', 1, true)\n"
    "  if string.sub(last, 1, sp - 1) == ARGV[3] then\n"
    "    local ids = {}\n"
    "    for id in string.gmatch(string.sub(last, sp + 1), '%S+') do ids[#ids + 1] = id end\n"
    "    return ids\n"
    "  end\n"
    "end\n"
    "local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])\n"
    "local per = tonumber(ARGV[2])\n"
    "local ids = {}\n"
    "local i = 5\n"
    "while i <= #ARGV and #ids < room do\n"
    "  if per == 1 then\n"
    "    ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'd', ARGV[i])\n"
    "  else\n"
    "    ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'd', ARGV[i], 'r', ARGV[i + 1])\n"
    "  end\n"
    "  i = i + per\n"
    "end\n"
    "redis.call('SET', KEYS[2], ARGV[3] .. ' ' .. table.concat(ids, ' '), 'PX', ARGV[4])\n"
    "return ids\n";

int sl__rcmd_add(sl__rcmd *c, const void *s, size_t len)
{
    if (c->argc == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        const char **v = realloc(c->argv, cap * sizeof *v);
        if (!v)
            return SL_NOMEM;
        c->argv = v;
        size_t *l = realloc(c->len, cap * sizeof *l);
        if (!l)
            return SL_NOMEM;
        c->len = l;
        c->cap = cap;
    }
    c->argv[c->argc] = s;
    c->len[c->argc++] = len;
    return SL_OK;
}

int sl__rcmd_str(sl__rcmd *c, const char *s)
{
    return sl__rcmd_add(c, s, strlen(s));
}

void sl__rcmd_reset(sl__rcmd *c)
{
    c->argc = 0;
}

void sl__rcmd_free(sl__rcmd *c)
{
    free(c->argv);
    free(c->len);
    memset(c, 0, sizeof *c);
}

static struct timeval tv_of(int64_t ns)
{
    struct timeval tv = {(time_t)(ns / 1000000000), (suseconds_t)(ns % 1000000000 / 1000)};
    return tv;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

void sl__rconn_close(sl__rconn *k)
{
    if (k->c)
        redisFree(k->c);
    k->c = NULL;
}

/* One command on a fresh connection; NULL after an I/O error. */
static redisReply *call(sl__rconn *k, sl__rcmd *cmd)
{
    redisReply *rep = redisCommandArgv(k->c, (int)cmd->argc, cmd->argv, cmd->len);
    sl__rstat(k->r, ST_ROUND_TRIPS, 1);
    return rep;
}

static int starts(const redisReply *rep, const char *prefix)
{
    return rep && rep->type == REDIS_REPLY_ERROR && !strncmp(rep->str, prefix, strlen(prefix));
}

/* Credentials: the URL's (or REDISCLI_AUTH's) password, with its user. */
static int authenticate(sl__rconn *k)
{
    sl_remote *r = k->r;
    if (!r->url.pass)
        return SL_OK;
    sl__rcmd cmd = {0};
    sl__rcmd_str(&cmd, "AUTH");
    if (r->url.user)
        sl__rcmd_str(&cmd, r->url.user);
    int rc = sl__rcmd_str(&cmd, r->url.pass);
    redisReply *rep = rc ? NULL : call(k, &cmd);
    sl__rcmd_free(&cmd);
    if (!rep)
        return SL_REMOTE_ECONN;
    if (rep->type == REDIS_REPLY_ERROR) {
        sl__rerr(r, "redis://%s:%d: authentication failed: %s", r->url.host, r->url.port, rep->str);
        freeReplyObject(rep);
        return SL_REMOTE_EAUTH;
    }
    freeReplyObject(rep);
    return SL_OK;
}

/* A server that is starting (reading its data back) or busy with a script
 * answers these for a while: wait and connect again, as for a lost one. */
static int transient(const redisReply *rep)
{
    return starts(rep, "LOADING") || starts(rep, "BUSY") || starts(rep, "TRYAGAIN") || starts(rep, "MASTERDOWN");
}

/* An error reply during set-up as a status, with a message. */
static int setup_error(sl__rconn *k, redisReply *rep, const char *what)
{
    sl_remote *r = k->r;
    if (transient(rep)) {
        sl__rerr(r, "redis://%s:%d: %s", r->url.host, r->url.port, rep->str);
        return SL_REMOTE_ECONN;
    }
    if (starts(rep, "NOAUTH")) {
        sl__rerr(r, "redis://%s:%d: the server wants a password (give it in the URL or REDISCLI_AUTH)",
                 r->url.host, r->url.port);
        return SL_REMOTE_EAUTH;
    }
    if (starts(rep, "WRONGPASS") || starts(rep, "NOPERM")) {
        sl__rerr(r, "redis://%s:%d: authentication failed: %s", r->url.host, r->url.port, rep->str);
        return SL_REMOTE_EAUTH;
    }
    sl__rerr(r, "redis://%s:%d/%s: %s: %s", r->url.host, r->url.port, r->url.name, what,
             rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
    return SL_REMOTE_EPROTO;
}

/* After connecting: the send script and the consumer group. */
static int set_up(sl__rconn *k)
{
    sl_remote *r = k->r;
    sl__rcmd cmd = {0};
    sl__rcmd_str(&cmd, "SCRIPT");
    sl__rcmd_str(&cmd, "LOAD");
    int rc = sl__rcmd_str(&cmd, send_script);
    redisReply *rep = rc ? NULL : call(k, &cmd);
    if (!rep) {
        sl__rcmd_free(&cmd);
        return SL_REMOTE_ECONN;
    }
    if (rep->type != REDIS_REPLY_STRING || rep->len >= sizeof k->sha) {
        rc = setup_error(k, rep, "loading the send script");
        freeReplyObject(rep);
        sl__rcmd_free(&cmd);
        return rc;
    }
    memcpy(k->sha, rep->str, rep->len + 1);
    freeReplyObject(rep);
    rc = SL_OK;
    if (r->o.mode == SL_REMOTE_QUEUE) {
        /* From id 0: what was sent before the group existed is delivered too. */
        sl__rcmd_reset(&cmd);
        const char *argv[] = {"XGROUP", "CREATE", r->key, r->group, "0", "MKSTREAM"};
        for (size_t i = 0; i < 6; i++)
            sl__rcmd_str(&cmd, argv[i]);
        rep = call(k, &cmd);
        if (!rep)
            rc = SL_REMOTE_ECONN;
        else if (rep->type == REDIS_REPLY_ERROR && !starts(rep, "BUSYGROUP"))
            rc = setup_error(k, rep, "making the consumer group");
        if (rep)
            freeReplyObject(rep);
    }
    sl__rcmd_free(&cmd);
    return rc;
}

int sl__rconn_connect(sl__rconn *k)
{
    sl_remote *r = k->r;
    sl__rconn_close(k);
    redisContext *c = redisConnectWithTimeout(r->url.host, r->url.port, tv_of(r->o.timeout_ns));
    k->reached = c && !c->err;
    if (!c || c->err) {
        sl__rerr(r, "redis://%s:%d: cannot connect: %s", r->url.host, r->url.port,
                 c ? c->errstr : "out of memory");
        if (c)
            redisFree(c);
        return SL_REMOTE_ECONN;
    }
    k->c = c;
    k->timeout_set = r->o.timeout_ns;
    redisSetTimeout(c, tv_of(r->o.timeout_ns));
    redisEnableKeepAlive(c);
    int rc = authenticate(k);
    if (rc == SL_OK)
        rc = set_up(k);
    if (rc == SL_REMOTE_ECONN && k->c->err)
        sl__rerr(r, "redis://%s:%d: connection lost while setting up: %s", r->url.host, r->url.port,
                 k->c->errstr);
    if (rc != SL_OK) {
        sl__rconn_close(k);
        return rc;
    }
    k->reconnected = 1;
    return SL_OK;
}

int sl__rconn_open(sl__rconn *k)
{
    int64_t start = sl_now(), wait = 20000000;
    for (;;) {
        int rc = sl__rconn_connect(k);
        if (rc != SL_REMOTE_ECONN || !k->reached)
            return rc;
        if (k->r->o.give_up_ns != SL_FOREVER && sl_now() - start >= k->r->o.give_up_ns)
            return rc;
        int64_t left = k->r->o.give_up_ns == SL_FOREVER ? wait : k->r->o.give_up_ns - (sl_now() - start);
        sleep_ns(left < wait ? left : wait);
        if (wait < 1000000000)
            wait *= 2;
    }
}

/* A member told to stop (sl_remote_chan_stop) waits for no server: what
 * it holds unacknowledged stays pending, for others to reclaim. */
static int stopping(sl__rconn *k)
{
    sl_remote *r = k->r;
    if (!atomic_load(&r->stop))
        return 0;
    sl__rerr(r, "redis://%s:%d: stopping: not reconnecting", r->url.host, r->url.port);
    return 1;
}

/* Sleeps ns in short slices, so that a stop is seen within 20 ms: 0, or
 * -1 when stopping. */
static int backoff(sl__rconn *k, int64_t ns)
{
    for (int64_t end = sl_now() + ns, left; (left = end - sl_now()) > 0;) {
        if (stopping(k))
            return -1;
        sleep_ns(left < 20000000 ? left : 20000000);
    }
    return stopping(k) ? -1 : 0;
}

/* Connects again, with backoff, until the give-up time (or a stop, or
 * the caller's deadline: SL_TIMEDOUT). */
static int reconnect(sl__rconn *k, const char *why, int64_t deadline)
{
    sl_remote *r = k->r;
    sl__rlog(r, "lost redis://%s:%d (%s); reconnecting", r->url.host, r->url.port, why);
    int64_t start = k->lost_since, wait = 10000000; /* give_up_ns counts from the loss, across calls */
    for (;;) {
        int64_t pause = wait / 2 + (int64_t)(rand() % (int)(wait / 2000000 + 1)) * 1000000;
        int64_t now = sl_now();
        if (deadline != SL_FOREVER && pause > (deadline > now ? deadline - now : 0)) /* a deadline long past: no wrap */
            pause = deadline > now ? deadline - now : 0;
        /* and to the give-up time: the last pause ran up to 2 s past it
         * (advrt F3: give_up_ns 2 s gave up after 4.1 s) */
        if (r->o.give_up_ns != SL_FOREVER && pause > start + r->o.give_up_ns - sl_now())
            pause = start + r->o.give_up_ns - sl_now();
        if (backoff(k, pause))
            return SL_REMOTE_ECONN;
        int rc = sl__rconn_connect(k);
        if (rc == SL_OK) {
            k->lost_since = 0;
            sl__rstat(r, ST_RECONNECTS, 1);
            sl__rlog(r, "reconnected to redis://%s:%d", r->url.host, r->url.port);
            return SL_OK;
        }
        if (rc != SL_REMOTE_ECONN)
            return rc; /* refused credentials, or a server that is not what we need */
        if (r->o.give_up_ns != SL_FOREVER && sl_now() - start >= r->o.give_up_ns) {
            sl__rerr(r, "redis://%s:%d: gave up reconnecting after %.0f s: %s", r->url.host, r->url.port,
                     (double)(sl_now() - start) / 1e9, sl_remote_error(r));
            return SL_REMOTE_ECONN;
        }
        if (deadline != SL_FOREVER && sl_now() >= deadline) {
            sl__rerr(r, "redis://%s:%d: not reconnected by the deadline: %s", r->url.host, r->url.port,
                     sl_remote_error(r));
            return SL_TIMEDOUT;
        }
        if (wait < 2000000000)
            wait *= 2;
    }
}

/* How long the socket waits for the replies: timeout_ns, plus how long
 * the server may hold a blocking read, plus time for the server to take
 * in what was sent - a 64 MiB message keeps Redis busy for seconds (about
 * 60 ns a byte measured on loopback, more on a loaded machine; a
 * microsecond allowed), and a reply that comes later than the socket
 * waits is taken for a lost connection. */
static int64_t sat_add(int64_t a, int64_t b) /* both >= 0 */
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t reply_wait_ns(const sl__rconn *k, size_t n, const sl__rcmd *cmds, int64_t block_ns, int64_t deadline)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < cmds[i].argc; j++)
            bytes += cmds[i].len[j];
    /* never less than one command's timeout (and the blocking read's);
     * no longer than the caller's deadline allows beyond that */
    int64_t least = sat_add(k->r->o.timeout_ns, block_ns);
    int64_t ns = sat_add(least, bytes > INT64_MAX / 1000 ? INT64_MAX : (int64_t)bytes * 1000);
    if (deadline != SL_FOREVER) {
        int64_t now = sl_now(), left = deadline > now ? deadline - now : 0;
        if (ns > left)
            ns = left > least ? left : least;
    }
    return ns;
}

/* Sends the pipeline and reads every reply; -1 on an I/O error. */
static int pipeline(sl__rconn *k, size_t n, sl__rcmd *cmds, redisReply **rep, int64_t block_ns, int64_t deadline)
{
    int64_t wait = reply_wait_ns(k, n, cmds, block_ns, deadline);
    if (wait != k->timeout_set) {
        redisSetTimeout(k->c, tv_of(wait));
        k->timeout_set = wait;
    }
    for (size_t i = 0; i < n; i++)
        if (redisAppendCommandArgv(k->c, (int)cmds[i].argc, cmds[i].argv, cmds[i].len) != REDIS_OK)
            return -1;
    sl__rstat(k->r, ST_ROUND_TRIPS, 1);
    for (size_t i = 0; i < n; i++) {
        void *reply = NULL;
        if (redisGetReply(k->c, &reply) != REDIS_OK) {
            for (size_t j = 0; j < i; j++)
                freeReplyObject(rep[j]);
            return -1;
        }
        rep[i] = reply;
    }
    return 0;
}

/* Past the caller's deadline, a reply this call lost is not waited for
 * again.  (A call that starts without a connection tries to make one,
 * deadline or not: reconnect() gives up at the give-up time, else at the
 * deadline after one attempt.) */
static int past(sl__rconn *k, int64_t deadline, const char *why)
{
    if (deadline == SL_FOREVER || sl_now() < deadline)
        return 0;
    sl_remote *r = k->r;
    sl__rerr(r, "redis://%s:%d: no reply by the deadline (%s); what was sent may have arrived", r->url.host,
             r->url.port, why);
    return 1;
}

/* The connection is lost (this call sent on it when `ran`): it is closed
 * and made again, unless the reply this call lost is past its deadline. */
static int lost(sl__rconn *k, const char *why, int ran, int64_t deadline)
{
    char reason[128];
    snprintf(reason, sizeof reason, "%s", why); /* why may be the context's, freed here */
    sl__rconn_close(k);
    if (!k->lost_since)
        k->lost_since = sl_now();
    if (ran && past(k, deadline, reason))
        return SL_TIMEDOUT;
    return reconnect(k, reason, deadline);
}

int sl__rconn_run(sl__rconn *k, size_t n, sl__rcmd *cmds, redisReply **rep, int64_t block_ns, int64_t deadline)
{
    int repaired = 0, ran = 0; /* ran: this call sent the pipeline (a reply it lost may have run) */
    for (;;) {
        const char *why = "not connected";
        if (k->c) {
            ran = 1;
            if (pipeline(k, n, cmds, rep, block_ns, deadline) == 0) {
                /* A NOSCRIPT (scripts flushed) or NOGROUP (the stream
                 * deleted under us) is repaired by the set-up: do it and
                 * run again. */
                int repair = 0, later = 0;
                for (size_t i = 0; i < n; i++) {
                    repair |= starts(rep[i], "NOSCRIPT") || starts(rep[i], "NOGROUP");
                    later |= transient(rep[i]);
                }
                if (later) { /* as if the connection were lost: again, after a pause */
                    for (size_t i = 0; i < n; i++)
                        freeReplyObject(rep[i]);
                    int rc = lost(k, "server loading or busy", ran, deadline);
                    if (rc != SL_OK)
                        return rc;
                    continue;
                }
                if (!repair || repaired++)
                    return SL_OK;
                for (size_t i = 0; i < n; i++)
                    freeReplyObject(rep[i]);
                int rc = set_up(k);
                if (rc == SL_OK)
                    continue;
                if (rc != SL_REMOTE_ECONN)
                    return rc;
            }
            why = k->c->errstr[0] ? k->c->errstr : "connection closed";
        }
        int rc = lost(k, why, ran, deadline);
        if (rc != SL_OK)
            return rc;
    }
}
