/*
 * chan.h - Go-style channels for C threads.
 *
 * A channel carries fixed-size values (elem_size bytes, copied by value)
 * between threads in FIFO order.  Capacity 0 is unbuffered (a send returns
 * once a receiver has taken the value), SL_UNBOUNDED grows without limit,
 * anything else is a bounded buffer.  Every blocking operation has a
 * deadline variant on the sl_now() clock, and sl_select waits on several
 * operations at once.  See docs/api/chan.md for the full reference.
 */
#ifndef SLUICE_CHAN_H
#define SLUICE_CHAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_chan sl_chan;

#define SL_UNBOUNDED ((size_t)-1) /* capacity: grows without limit */
#define SL_FOREVER INT64_MAX      /* deadline: wait forever        */

enum {
    SL_OK = 0,
    SL_CLOSED = -1,
    SL_TIMEDOUT = -2,
    SL_WOULDBLOCK = -3,
    SL_NOMEM = -4,
    SL_INVAL = -5,
    SL_CANCELED = -6 /* an operation stopped by its owner (pipelines, groups) */
};

enum { SL_SEND = 1, SL_RECV = 2 };

/* Channel lifetime.  sl_chan_new returns NULL when out of memory.
 * elem_size may be 0 (a channel of events, like Go's chan struct{}); elem
 * pointers may then be NULL.  sl_chan_free is for after every thread is
 * done with the channel. */
sl_chan *sl_chan_new(size_t elem_size, size_t capacity);
void sl_chan_free(sl_chan *c);

/* Blocking operations: SL_OK, or SL_CLOSED (SL_NOMEM when a send finds
 * the buffer, which grows lazily up to the capacity, cannot grow; SL_INVAL
 * for a NULL channel or element). */
int sl_chan_send(sl_chan *c, const void *elem);
int sl_chan_recv(sl_chan *c, void *elem);

/* Never block: SL_WOULDBLOCK where the operation would have to wait. */
int sl_chan_try_send(sl_chan *c, const void *elem);
int sl_chan_try_recv(sl_chan *c, void *elem);

/* Block until the absolute deadline (sl_now() clock): SL_TIMEDOUT then.
 * A deadline at or before now behaves as the try_ variant would, except
 * that it returns SL_TIMEDOUT rather than SL_WOULDBLOCK. */
int sl_chan_send_until(sl_chan *c, const void *elem, int64_t deadline);
int sl_chan_recv_until(sl_chan *c, void *elem, int64_t deadline);

/* Close: buffered values are still delivered, then receives return
 * SL_CLOSED; blocked senders and receivers wake with SL_CLOSED; a send
 * after close and a second close return SL_CLOSED. */
int sl_chan_close(sl_chan *c);

size_t sl_chan_len(sl_chan *c);       /* values buffered now */
size_t sl_chan_cap(sl_chan *c);       /* capacity given to sl_chan_new */
size_t sl_chan_elem_size(sl_chan *c); /* elem_size given to sl_chan_new */
int sl_chan_is_closed(sl_chan *c);    /* 1 once closed, else 0 */

/* CLOCK_MONOTONIC nanoseconds; deadlines are on this clock. */
int64_t sl_now(void);
/* Convenience: the deadline `ns` nanoseconds from now (saturating). */
int64_t sl_deadline_in(int64_t ns);

/*
 * Select.  Each case names a channel, a direction and the element buffer
 * (the value to send, or where to store the one received).  Returns the
 * index of the case that completed and sets that case's status (SL_OK, or
 * SL_CLOSED for a receive on a closed channel, or a send on one); chooses
 * uniformly at random among ready cases; a case whose chan is NULL is
 * never ready.  Deadline 0 means do not block (SL_WOULDBLOCK when nothing
 * is ready); otherwise SL_TIMEDOUT at the deadline.  SL_INVAL for a bad
 * case (dir not SL_SEND/SL_RECV) and SL_NOMEM if ncases is too large
 * to track.
 */
typedef struct sl_case {
    sl_chan *chan;
    int dir;
    void *elem;
    int status;
} sl_case;

int sl_select(sl_case *cases, size_t ncases, int64_t deadline);

#ifdef __cplusplus
}
#endif

#endif
