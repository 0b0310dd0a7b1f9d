/*
 * remote.h - channels that cross machines: Redis Streams with consumer groups.
 *
 * A sl_remote is one stream on one Redis server, named by a URL
 * (redis://[user:password@]host[:port]/NAME).  Opened as a queue (the
 * default), every message sent is received by exactly one member of the
 * stream's consumer group and stays the receiver's until it acknowledges
 * it: a receiver that stops acknowledging for longer than the lease loses
 * its messages to the others.  A sender waits while the stream already
 * holds max_len messages (backpressure: unread work is never trimmed).
 * Opened as a broadcast feed, every listener receives every message.
 * Scatter/gather: requests sent with a reply address, replies gathered on
 * a private stream.  Receipt can be waited on with sl_select through a
 * bridge channel.  Lost connections are re-made with backoff, and nothing
 * unacknowledged is lost: delivery is at least once.
 *
 * Lives in its own library (libsluice_remote, which links hiredis), not in
 * libsluice.  See docs/api/remote.md for the reference.
 */
#ifndef SLUICE_REMOTE_H
#define SLUICE_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "chan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_remote sl_remote;

/* Status codes beyond chan.h's (SL_OK, SL_TIMEDOUT, SL_CLOSED, SL_NOMEM,
 * SL_INVAL).  sl_remote_error names the cause of the last failure. */
enum {
    SL_REMOTE_EURL = -20,   /* not redis://[user:password@]host[:port]/NAME */
    SL_REMOTE_EAUTH = -21,  /* the server refused the credentials, or wants some */
    SL_REMOTE_ECONN = -22,  /* no server, and reconnecting was given up */
    SL_REMOTE_EPROTO = -23, /* the server answered what a Redis 7 stream would not */
    SL_REMOTE_ETOOBIG = -24 /* a message over max_msg bytes */
};

enum { SL_REMOTE_QUEUE = 0, SL_REMOTE_BROADCAST = 1 };

/* Options; zero means the default for every field. */
typedef struct sl_remote_opts {
    int mode;              /* SL_REMOTE_QUEUE or SL_REMOTE_BROADCAST */
    const char *group;     /* consumer group; default "sluice" */
    const char *consumer;  /* this member's name; default "<host>-<pid>-<random>" */
    size_t max_len;        /* a queue send waits while the stream holds this many; default 1024 */
    size_t batch;          /* most messages one read takes; default 16 */
    size_t max_msg;        /* largest message; default 256 MiB */
    int64_t lease_ns;      /* unacknowledged this long: reclaimed by others; default 30 s */
    int64_t timeout_ns;    /* connecting, and one command (+1 us per byte sent); default 5 s */
    int64_t give_up_ns;    /* stop reconnecting after this long; default 60 s; SL_FOREVER */
    /* Called (from any thread) with one line about a lost or re-made
     * connection, or a refused message; may be NULL. */
    void (*log)(void *arg, const char *line);
    void *log_arg;
} sl_remote_opts;

/* A message received.  data is NUL-terminated after len bytes. */
typedef struct sl_remote_msg {
    char id[48];          /* the stream entry's id, "ms-seq" */
    unsigned char *data;
    size_t len;
    int reclaimed;        /* 1: taken over from a member that stopped acknowledging */
    char *reply_to;       /* scatter: the gatherer's stream, else NULL */
    char *request;        /* a gathered reply: the id of the request it answers, else NULL */
} sl_remote_msg;

/* A message to send; a send fills in id, the entry it became. */
typedef struct sl_remote_buf {
    const void *data;
    size_t len;
    char id[48];
} sl_remote_buf;

/* Connects, authenticates (the URL's password, else $REDISCLI_AUTH) and,
 * for a queue, makes sure the consumer group exists (from the stream's
 * start, so messages sent before any receiver are kept).  o may be NULL.
 * Returns SL_OK, or an error with a message in err. */
int sl_remote_open(sl_remote **r, const char *url, const sl_remote_opts *o, char *err, size_t errlen);
/* Stops the bridge, if any (messages it still held stay unacknowledged
 * and are reclaimed after the lease), and frees r. */
void sl_remote_close(sl_remote *r);

/* Sends one message, or n in one round trip, waiting while the queue is
 * full.  SL_OK; SL_TIMEDOUT at the deadline (send_many: *sent say how
 * many are known to have gone), which also ends retries after a lost
 * connection; or an error.  A send run again after a lost reply does not
 * add its messages twice.  A broadcast feed never waits: it keeps the
 * newest max_len messages. */
int sl_remote_send(sl_remote *r, const void *data, size_t len, int64_t deadline);
int sl_remote_send_many(sl_remote *r, sl_remote_buf *m, size_t n, size_t *sent, int64_t deadline);

/* The next message (*m, freed with sl_remote_msg_free): a new one, or one
 * reclaimed from a member past its lease.  SL_OK, SL_TIMEDOUT, or an
 * error.  Calls are serialised: one reader at a time. */
int sl_remote_recv(sl_remote *r, sl_remote_msg **m, int64_t deadline);
/* Acknowledges: the message is done and leaves the stream.  After work is
 * done, never before.  ack_many: one round trip.  No-ops on a broadcast
 * feed. */
int sl_remote_ack(sl_remote *r, const sl_remote_msg *m);
int sl_remote_ack_many(sl_remote *r, sl_remote_msg *const *m, size_t n);
void sl_remote_msg_free(sl_remote_msg *m);

/* A channel of sl_remote_msg * fed by a bridge thread that receives for
 * you, to wait on with sl_select beside local channels; ack and free what
 * you take.  The same channel on every call.  NULL when out of memory. */
sl_chan *sl_remote_chan(sl_remote *r);
/* Stops the bridge: it receives nothing more, and closes the channel once
 * what it holds is delivered (so receivers drain, then see SL_CLOSED). */
void sl_remote_chan_stop(sl_remote *r);

/* Broadcast: sends to a feed every listener receives.  The same as
 * sl_remote_send on a remote opened with SL_REMOTE_BROADCAST. */
int sl_remote_broadcast(sl_remote *r, const void *data, size_t len);

/* Scatter/gather.  sl_remote_gather_open opens a private stream beside
 * the URL's (it expires when its owner stops keeping it alive, for lease
 * * 4, and is deleted at close); sl_remote_scatter sends requests on the
 * queue `work` asking for replies on it; a receiver answers with
 * sl_remote_reply, which sends the reply and acknowledges the request in
 * one round trip (a reply to a gatherer that is gone is dropped).  Replies
 * are received on the gatherer like any message, request set. */
int sl_remote_gather_open(sl_remote **g, const char *url, const sl_remote_opts *o, char *err, size_t errlen);
int sl_remote_scatter(sl_remote *work, sl_remote *gather, sl_remote_buf *m, size_t n, size_t *sent,
                      int64_t deadline);
int sl_remote_reply(sl_remote *r, const sl_remote_msg *request, const void *data, size_t len);
/* Replies to n requests (replies[i] answers requests[i]; ids unused) and
 * acknowledges them all, in one round trip.  SL_OK, then rcs[i] says what
 * became of each reply (SL_OK; SL_CLOSED: its gatherer is gone; or an
 * error); else an error, and no request counts as acknowledged here
 * (they stay held: pending on the server until reclaimed or acked). */
int sl_remote_reply_many(sl_remote *r, sl_remote_msg *const *requests, const sl_remote_buf *replies, size_t n,
                         int *rcs);
/* 1 while the gatherer a request asks to be answered on still exists, 0
 * once it is gone (its owner closed it or stopped keeping it alive): a
 * receiver can skip work nobody will read.  Or an error. */
int sl_remote_gatherer_alive(sl_remote *r, const sl_remote_msg *request);
/* Takes messages out of the stream by id (sent ones nobody needs any
 * more: a receiver that has not read one yet never will).  One round trip. */
int sl_remote_delete(sl_remote *r, const char *const *ids, size_t n);

/* The last failure's message ("" when none). */
const char *sl_remote_error(sl_remote *r);
/* This member's name and the stream's key. */
const char *sl_remote_consumer(const sl_remote *r);
const char *sl_remote_stream(const sl_remote *r);

/* Counters since open. */
typedef struct sl_remote_stats {
    uint64_t sent, received, acked, reclaimed, refused; /* messages */
    uint64_t bytes_sent, bytes_received;                  /* payload bytes */
    uint64_t round_trips, reconnects, full_waits;
} sl_remote_stats;
void sl_remote_stats_read(sl_remote *r, sl_remote_stats *s);

#ifdef __cplusplus
}
#endif

#endif
