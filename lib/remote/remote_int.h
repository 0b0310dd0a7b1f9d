/*
 * remote_int.h - what the files of libsluice_remote share, and nothing
 * outside it sees.
 *
 * A remote holds two connections to the server: `cmd` for sends, acks and
 * replies (any thread, one at a time under its lock), and `rd` for reads
 * (one reader at a time: sl_remote_recv's caller or the bridge thread),
 * so that a read blocked in XREADGROUP never delays an acknowledgement.
 * Every command goes through sl__rconn_run, which re-makes a lost
 * connection with backoff and runs the whole pipeline again: callers only
 * pipeline commands for which running twice is harmless (acks and deletes;
 * a send names itself, and the script returns the first run's ids to a
 * second run of the same send) or merely duplicates a message (a
 * broadcast, a reply: delivery is at least once).
 */
#ifndef SLUICE_REMOTE_INT_H
#define SLUICE_REMOTE_INT_H

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>

#include "sluice/remote.h"

/* A gatherer's stream is NAME GATHER_TAG <32 hex digits>. */
#define GATHER_TAG ":gather:"

/* A message as allocated: the public part, then its owner (so that
 * freeing it unacknowledged forgets it), then data and strings. */
typedef struct rmsg {
    sl_remote_msg m;
    sl_remote *owner;
} rmsg;

/* redis://[user:password@]host[:port]/NAME, percent-decoded. */
typedef struct sl__rurl {
    char *host, *user, *pass, *name;
    int port;
} sl__rurl;
/* SL_OK or SL_REMOTE_EURL with a message in err. */
int sl__rurl_parse(const char *url, sl__rurl *u, char *err, size_t errlen);
void sl__rurl_free(sl__rurl *u);

/* One command: argc strings with their lengths. */
typedef struct sl__rcmd {
    size_t argc, cap;
    const char **argv;
    size_t *len;
} sl__rcmd;
int sl__rcmd_add(sl__rcmd *c, const void *s, size_t len); /* SL_OK or SL_NOMEM */
int sl__rcmd_str(sl__rcmd *c, const char *s);
void sl__rcmd_reset(sl__rcmd *c);
void sl__rcmd_free(sl__rcmd *c);

typedef struct sl__rconn sl__rconn;
struct sl__rconn {
    redisContext *c;
    sl_remote *r;
    char sha[48];       /* the send script, loaded at each connect */
    int64_t timeout_set; /* the socket's timeout now (ns) */
    int reconnected;    /* set at each new connection; the reader clears it */
    int reached;        /* the last connect got a TCP connection (the server is there) */
    int64_t lost_since; /* when the connection was lost, 0 while connected: calls with
                           deadlines retry in turns, and give_up_ns counts from here */
};

struct sl_remote {
    sl__rurl url;
    sl_remote_opts o;
    char *key;           /* the stream */
    char *group, *consumer;
    char *sent_key;      /* KEY:sent:<32 hex digits>: the ids of this remote's last send */
    uint64_t send_seq;   /* names each send round (under cmd_lock) */
    int gather;          /* a private reply stream: expires unless kept alive, deleted at close */
    int64_t ttl_ns;
    _Atomic int64_t next_keepalive; /* a gatherer: when to push its expiry back */

    pthread_mutex_t cmd_lock, rd_lock, err_lock, held_lock;
    sl__rconn cmd, rd;
    char err[512];

    /* Read but not yet handed out, oldest first. */
    sl_remote_msg **buf;
    size_t nbuf, buf_head, buf_cap;
    /* Handed out, not acknowledged: skipped when the own backlog is read
     * again after a reconnect, kept alive against reclaiming. */
    struct sl__held { char id[48]; int64_t since; } *held;
    size_t nheld, held_cap;
    int64_t next_maint;
    char claim_cursor[48];
    char last_id[48];    /* broadcast: the newest entry seen */
    int backlog;         /* reading our own pending entries again, from backlog_cursor */
    char backlog_cursor[48];

    /* The bridge. */
    sl_chan *chan;
    pthread_t bridge;
    int bridge_started;
    atomic_int stop;

    atomic_uint_fast64_t st[11];
};

enum { ST_SENT, ST_RECEIVED, ST_ACKED, ST_RECLAIMED, ST_REFUSED, ST_BYTES_SENT, ST_BYTES_RECEIVED,
       ST_ROUND_TRIPS, ST_RECONNECTS, ST_FULL_WAITS, ST__N };
static inline void sl__rstat(sl_remote *r, int i, uint64_t v)
{
    atomic_fetch_add_explicit(&r->st[i], v, memory_order_relaxed);
}

/* conn.c */
/* Runs n commands in one round trip; rep[i] gets each reply (free with
 * freeReplyObject).  block_ns: how long the server may hold the last one
 * (XREADGROUP BLOCK).  A lost connection is re-made and the pipeline run
 * again, but not once the deadline (SL_FOREVER: none) has passed: then
 * SL_TIMEDOUT.  Returns SL_OK (replies may be error replies),
 * SL_REMOTE_EAUTH, SL_REMOTE_ECONN, SL_REMOTE_EPROTO or SL_TIMEDOUT; sets
 * r's error. */
int sl__rconn_run(sl__rconn *k, size_t n, sl__rcmd *cmds, redisReply **rep, int64_t block_ns, int64_t deadline);
/* Connects once (no retry): SL_OK or an error in r's error. */
int sl__rconn_connect(sl__rconn *k);
/* For open: connects, and when the server took the connection but lost it
 * while setting up (it is restarting, or still loading its data), tries
 * again with backoff until the give-up time.  Nobody listening, refused
 * credentials and the like fail at once. */
int sl__rconn_open(sl__rconn *k);
void sl__rconn_close(sl__rconn *k);

/* remote.c */
void sl__rerr(sl_remote *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl__rlog(sl_remote *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The reader's step: the next message into *m, reading at most `count`
 * at a time, until the deadline; a lost connection is re-made until
 * retry_until (the bridge: SL_FOREVER, so only the give-up time ends it).
 * Caller holds rd_lock. */
int sl__remote_next(sl_remote *r, sl_remote_msg **m, size_t count, int64_t deadline, int64_t retry_until);
/* Keeps held messages and a gatherer's stream alive.  Caller holds rd_lock. */
int sl__remote_maintain(sl_remote *r, int64_t retry_until);

#endif
