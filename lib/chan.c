/*
 * chan.c - Go-style channels: a ring buffer and two wait queues per
 * channel, under one small per-channel lock.
 *
 * The idea it rests on: a blocked operation is an *entry* (on the blocked
 * thread's stack) in the channel's send or receive queue, pointing at a
 * *waiter* that owns a one-shot parker and a `sel` word.  Whoever completes
 * the operation first claims the waiter by a compare-and-swap of `sel` from
 * 0 to the entry's token, moves the value directly between the two threads'
 * buffers, sets the entry's status and only then unparks the waiter.  A
 * select registers one entry per case, all pointing at the same waiter, so
 * the CAS on `sel` is what makes exactly one case win without ever holding
 * two channel locks at once.  The owner gives up (timeout, or a case that
 * became ready while it was registering) with the same CAS, to
 * SL__SEL_ABORTED; losing that race means a waker owns the entry and will
 * unpark it shortly, so the owner must wait for that before it returns and
 * its stack disappears.
 */
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "park.h"
#include "sluice/chan.h"

#define SL__SEL_ABORTED UINT32_MAX

typedef struct sl__waiter {
    sl__parker parker;
    _Atomic uint32_t sel; /* 0, the token of the entry that won, or SL__SEL_ABORTED */
} sl__waiter;

typedef struct sl__entry {
    sl__waiter *w;
    void *elem; /* the value to send, or where the received one goes */
    struct sl__entry *next, *prev;
    uint32_t token; /* written into w->sel by the waker that claims this entry */
    int status;     /* set by that waker before it unparks: SL_OK or SL_CLOSED */
    int linked;     /* in a queue; read and written under the channel lock */
} sl__entry;

typedef struct sl__queue {
    sl__entry *head, *tail;
} sl__queue;

struct sl_chan {
    sl__lock lock;
    int closed;
    size_t esz;   /* element size */
    size_t cap;   /* capacity: 0, N, or SL_UNBOUNDED */
    char *buf;    /* ring of `slots` elements, grown on demand up to cap */
    size_t slots; /* allocated elements */
    size_t head;  /* index of the oldest element */
    size_t count; /* elements in the ring */
    sl__queue recvq, sendq;
};

/* ---- wait queues --------------------------------------------------- */

static void queue_push(sl__queue *q, sl__entry *e)
{
    e->next = NULL;
    e->prev = q->tail;
    if (q->tail)
        q->tail->next = e;
    else
        q->head = e;
    q->tail = e;
    e->linked = 1;
}

static void queue_unlink(sl__queue *q, sl__entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        q->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        q->tail = e->prev;
    e->next = e->prev = NULL;
    e->linked = 0;
}

/* Removes entries from the front until one can be claimed; entries whose
 * waiter was already claimed elsewhere (another case of its select) or has
 * given up are dropped on the way.  Their owners unlink nothing twice:
 * `linked` says the entry is gone. */
static sl__entry *queue_claim(sl__queue *q)
{
    sl__entry *e;
    while ((e = q->head)) {
        queue_unlink(q, e);
        uint32_t expected = 0;
        if (atomic_compare_exchange_strong_explicit(&e->w->sel, &expected, e->token, memory_order_acq_rel,
                                                    memory_order_acquire))
            return e;
    }
    return NULL;
}

/* 1 if the queue holds an entry of a waiter other than `self`. */
static int queue_has_other(const sl__queue *q, const sl__waiter *self)
{
    for (const sl__entry *e = q->head; e; e = e->next)
        if (e->w != self)
            return 1;
    return 0;
}

/* ---- the ring ---------------------------------------------------------- */

static void copy_elem(const sl_chan *c, void *dst, const void *src)
{
    if (c->esz)
        memcpy(dst, src, c->esz);
}

/* Address of ring slot i; zero-size elements have no storage at all. */
static char *ring_slot(const sl_chan *c, size_t i)
{
    return c->esz ? c->buf + i * c->esz : NULL;
}

static int ring_grow(sl_chan *c)
{
    /* The first growth holds 8 values, or as many as fit in 4 KiB when
     * they are larger (at least one): a channel of big values costs one
     * value's memory until more are queued. */
    size_t initial = c->esz > 512 ? 4096 / c->esz : 8;
    size_t want = c->slots ? c->slots * 2 : initial ? initial : 1;
    if (want > c->cap || want < c->slots)
        want = c->cap;
    if (c->esz == 0) { /* nothing to store: only the count matters */
        c->slots = want;
        return SL_OK;
    }
    if (want > SIZE_MAX / c->esz)
        return SL_NOMEM;
    char *nb = malloc(want * c->esz);
    if (!nb)
        return SL_NOMEM;
    size_t first = c->slots - c->head < c->count ? c->slots - c->head : c->count;
    if (c->count) {
        memcpy(nb, c->buf + c->head * c->esz, first * c->esz);
        memcpy(nb + first * c->esz, c->buf, (c->count - first) * c->esz);
    }
    free(c->buf);
    c->buf = nb;
    c->slots = want;
    c->head = 0;
    return SL_OK;
}

static int ring_push(sl_chan *c, const void *elem)
{
    if (c->count == c->slots) {
        int rc = ring_grow(c);
        if (rc != SL_OK)
            return rc;
    }
    size_t i = c->head + c->count;
    if (i >= c->slots)
        i -= c->slots;
    copy_elem(c, ring_slot(c, i), elem);
    c->count++;
    return SL_OK;
}

static void ring_pop(sl_chan *c, void *elem)
{
    copy_elem(c, elem, ring_slot(c, c->head));
    if (++c->head == c->slots)
        c->head = 0;
    c->count--;
}

/* ---- one operation, under the lock --------------------------------------
 * Each returns SL_OK or SL_CLOSED when the operation completed (setting
 * *wake to an entry to unpark after unlocking, if any), SL_NOMEM, or
 * SL_WOULDBLOCK when the caller has to wait. */

static int send_locked(sl_chan *c, const void *elem, sl__entry **wake)
{
    if (c->closed)
        return SL_CLOSED;
    sl__entry *r = queue_claim(&c->recvq);
    if (r) { /* a receiver is waiting, so the ring is empty: hand over */
        copy_elem(c, r->elem, elem);
        r->status = SL_OK;
        *wake = r;
        return SL_OK;
    }
    if (c->count < c->cap)
        return ring_push(c, elem);
    return SL_WOULDBLOCK;
}

static int recv_locked(sl_chan *c, void *elem, sl__entry **wake)
{
    if (c->count) {
        ring_pop(c, elem);
        /* A waiting sender means the ring was full: its value takes the
         * freed slot, keeping FIFO order across ring and queue. */
        sl__entry *s = queue_claim(&c->sendq);
        if (s) {
            ring_push(c, s->elem); /* cannot fail: a slot was just freed */
            s->status = SL_OK;
            *wake = s;
        }
        return SL_OK;
    }
    sl__entry *s = queue_claim(&c->sendq);
    if (s) { /* unbuffered: take the value straight from the sender */
        copy_elem(c, elem, s->elem);
        s->status = SL_OK;
        *wake = s;
        return SL_OK;
    }
    if (c->closed) {
        if (c->esz)
            memset(elem, 0, c->esz);
        return SL_CLOSED;
    }
    return SL_WOULDBLOCK;
}

static int op_locked(sl_chan *c, int dir, void *elem, sl__entry **wake)
{
    return dir == SL_SEND ? send_locked(c, elem, wake) : recv_locked(c, elem, wake);
}

/* Would an operation in `dir` complete now, not counting `self`'s entries? */
static int ready_locked(const sl_chan *c, int dir, const sl__waiter *self)
{
    if (c->closed)
        return 1;
    if (dir == SL_SEND)
        return c->count < c->cap || queue_has_other(&c->recvq, self);
    return c->count > 0 || queue_has_other(&c->sendq, self);
}

static sl__queue *queue_for(sl_chan *c, int dir)
{
    return dir == SL_SEND ? &c->sendq : &c->recvq;
}

/* ---- waiting --------------------------------------------------------- */

static void waiter_init(sl__waiter *w)
{
    sl__parker_init(&w->parker);
    atomic_init(&w->sel, 0);
}

/* Parks until a waker has claimed `w` (returns 1) or the deadline passes
 * and the owner wins the race to abort (returns 0). */
static int waiter_wait(sl__waiter *w, int64_t deadline)
{
    if (sl__parker_park(&w->parker, deadline) == SL_OK)
        return 1;
    uint32_t expected = 0;
    if (atomic_compare_exchange_strong_explicit(&w->sel, &expected, SL__SEL_ABORTED, memory_order_acq_rel,
                                                memory_order_acquire))
        return 0;
    /* Claimed just as the deadline passed: the waker is writing our
     * buffer and will unpark us; we must not leave before it has. */
    sl__parker_park(&w->parker, SL_FOREVER);
    return 1;
}

static void unpark_entry(sl__entry *e)
{
    if (e)
        sl__parker_unpark(&e->w->parker);
}

/* The whole of send and receive: try, then (unless told not to wait)
 * queue an entry and park.  `nowait` is the status to return instead of
 * waiting (SL_WOULDBLOCK for try_*), or 0 to wait until `deadline`. */
static int chan_op(sl_chan *c, int dir, void *elem, int64_t deadline, int nowait)
{
    if (!c || (!elem && c->esz))
        return SL_INVAL;
    sl__entry *wake = NULL;
    sl__lock_acquire(&c->lock);
    int rc = op_locked(c, dir, elem, &wake);
    if (rc != SL_WOULDBLOCK || nowait) {
        sl__lock_release(&c->lock);
        unpark_entry(wake);
        return rc == SL_WOULDBLOCK ? nowait : rc;
    }
    if (deadline != SL_FOREVER && deadline <= sl_now()) {
        sl__lock_release(&c->lock);
        return SL_TIMEDOUT;
    }
    sl__waiter w;
    waiter_init(&w);
    sl__entry e = {.w = &w, .elem = elem, .token = 1, .status = SL_OK};
    sl__queue *q = queue_for(c, dir);
    queue_push(q, &e);
    sl__lock_release(&c->lock);
    if (waiter_wait(&w, deadline))
        return e.status;
    sl__lock_acquire(&c->lock);
    if (e.linked)
        queue_unlink(q, &e);
    sl__lock_release(&c->lock);
    return SL_TIMEDOUT;
}

/* ---- the public API ---------------------------------------------------- */

sl_chan *sl_chan_new(size_t elem_size, size_t capacity)
{
    sl_chan *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    sl__lock_init(&c->lock);
    c->esz = elem_size;
    c->cap = capacity;
    return c;
}

void sl_chan_free(sl_chan *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c);
}

int sl_chan_send(sl_chan *c, const void *elem)
{
    return chan_op(c, SL_SEND, (void *)elem, SL_FOREVER, 0);
}

int sl_chan_recv(sl_chan *c, void *elem)
{
    return chan_op(c, SL_RECV, elem, SL_FOREVER, 0);
}

int sl_chan_try_send(sl_chan *c, const void *elem)
{
    return chan_op(c, SL_SEND, (void *)elem, 0, SL_WOULDBLOCK);
}

int sl_chan_try_recv(sl_chan *c, void *elem)
{
    return chan_op(c, SL_RECV, elem, 0, SL_WOULDBLOCK);
}

int sl_chan_send_until(sl_chan *c, const void *elem, int64_t deadline)
{
    return chan_op(c, SL_SEND, (void *)elem, deadline, 0);
}

int sl_chan_recv_until(sl_chan *c, void *elem, int64_t deadline)
{
    return chan_op(c, SL_RECV, elem, deadline, 0);
}

int sl_chan_close(sl_chan *c)
{
    if (!c)
        return SL_INVAL;
    sl__entry *woken = NULL, *e;
    sl__lock_acquire(&c->lock);
    if (c->closed) {
        sl__lock_release(&c->lock);
        return SL_CLOSED;
    }
    c->closed = 1;
    while ((e = queue_claim(&c->recvq))) {
        if (c->esz)
            memset(e->elem, 0, c->esz);
        e->status = SL_CLOSED;
        e->next = woken;
        woken = e;
    }
    while ((e = queue_claim(&c->sendq))) {
        e->status = SL_CLOSED;
        e->next = woken;
        woken = e;
    }
    sl__lock_release(&c->lock);
    while ((e = woken)) {
        woken = e->next; /* read before the unpark lets the owner return */
        unpark_entry(e);
    }
    return SL_OK;
}

size_t sl_chan_len(sl_chan *c)
{
    if (!c)
        return 0;
    sl__lock_acquire(&c->lock);
    size_t n = c->count;
    sl__lock_release(&c->lock);
    return n;
}

size_t sl_chan_cap(sl_chan *c)
{
    return c ? c->cap : 0;
}

size_t sl_chan_elem_size(sl_chan *c)
{
    return c ? c->esz : 0;
}

int sl_chan_is_closed(sl_chan *c)
{
    if (!c)
        return 0;
    sl__lock_acquire(&c->lock);
    int closed = c->closed;
    sl__lock_release(&c->lock);
    return closed;
}

/* ---- select ------------------------------------------------------------ */

static uint64_t select_rand(void)
{
    static _Thread_local uint64_t x;
    if (!x)
        x = ((uint64_t)(uintptr_t)&x * 0x9E3779B97F4A7C15ull) ^ (uint64_t)sl_now();
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

/* Tries every case once, in `order`; returns the index of the case that
 * completed, or SL_WOULDBLOCK. */
static int select_try(sl_case *cases, const uint32_t *order, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        sl_case *cs = &cases[order[k]];
        sl__entry *wake = NULL;
        sl__lock_acquire(&cs->chan->lock);
        int rc = op_locked(cs->chan, cs->dir, cs->elem, &wake);
        sl__lock_release(&cs->chan->lock);
        unpark_entry(wake);
        if (rc != SL_WOULDBLOCK) {
            cs->status = rc;
            return (int)order[k];
        }
    }
    return SL_WOULDBLOCK;
}

/* Registers an entry on every case's channel and parks.  Returns the
 * index of the case a waker completed, SL_TIMEDOUT, or SL_WOULDBLOCK when
 * a case became ready while registering (the caller tries again). */
static int select_wait(sl_case *cases, const uint32_t *order, sl__entry *ents, size_t n, int64_t deadline)
{
    sl__waiter w;
    waiter_init(&w);
    size_t registered = 0;
    int claimed = 0;
    for (size_t k = 0; k < n; k++) {
        sl_case *cs = &cases[order[k]];
        sl__lock_acquire(&cs->chan->lock);
        if (ready_locked(cs->chan, cs->dir, &w)) {
            sl__lock_release(&cs->chan->lock);
            uint32_t expected = 0;
            /* Abort to retry the fast path; failing means a waker won. */
            claimed = !atomic_compare_exchange_strong_explicit(&w.sel, &expected, SL__SEL_ABORTED,
                                                               memory_order_acq_rel, memory_order_acquire);
            if (claimed)
                sl__parker_park(&w.parker, SL_FOREVER);
            break;
        }
        ents[k] = (sl__entry){.w = &w, .elem = cs->elem, .token = (uint32_t)k + 1, .status = SL_OK};
        queue_push(queue_for(cs->chan, cs->dir), &ents[k]);
        sl__lock_release(&cs->chan->lock);
        registered = k + 1;
        if (atomic_load_explicit(&w.sel, memory_order_acquire) != 0) {
            claimed = 1;
            break;
        }
    }
    int aborted = atomic_load_explicit(&w.sel, memory_order_acquire) == SL__SEL_ABORTED;
    int timed_out = 0;
    if (!aborted && registered == n)
        timed_out = !waiter_wait(&w, deadline);
    else if (claimed)
        sl__parker_park(&w.parker, SL_FOREVER);
    /* Every entry must be out of its queue before this frame returns. */
    for (size_t k = 0; k < registered; k++) {
        sl_chan *c = cases[order[k]].chan;
        sl__lock_acquire(&c->lock);
        if (ents[k].linked)
            queue_unlink(queue_for(c, cases[order[k]].dir), &ents[k]);
        sl__lock_release(&c->lock);
    }
    uint32_t sel = atomic_load_explicit(&w.sel, memory_order_acquire);
    if (sel != 0 && sel != SL__SEL_ABORTED) {
        sl_case *cs = &cases[order[sel - 1]];
        cs->status = ents[sel - 1].status;
        return (int)order[sel - 1];
    }
    return timed_out ? SL_TIMEDOUT : SL_WOULDBLOCK;
}

#define SL__SELECT_STACK 32

int sl_select(sl_case *cases, size_t ncases, int64_t deadline)
{
    if (ncases && !cases)
        return SL_INVAL;
    if (ncases > INT32_MAX)
        return SL_NOMEM;
    /* Checked before anything is queued: a NULL element parked in a wait
     * would fault later in whichever thread sends to or closes the
     * channel, far from the bug. */
    for (size_t i = 0; i < ncases; i++) {
        if (cases[i].dir != SL_SEND && cases[i].dir != SL_RECV)
            return SL_INVAL;
        if (cases[i].chan && !cases[i].elem && cases[i].chan->esz)
            return SL_INVAL;
    }
    uint32_t order_stack[SL__SELECT_STACK];
    sl__entry ents_stack[SL__SELECT_STACK];
    uint32_t *order = order_stack;
    sl__entry *ents = ents_stack;
    if (ncases > SL__SELECT_STACK) {
        order = malloc(ncases * sizeof *order);
        ents = malloc(ncases * sizeof *ents);
        if (!order || !ents) {
            free(order);
            free(ents);
            return SL_NOMEM;
        }
    }
    /* Nil channels never become ready: leave them out.  A uniformly random
     * order makes the first ready case found uniform among ready cases. */
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++)
        if (cases[i].chan)
            order[n++] = (uint32_t)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(select_rand() % i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    int rc;
    for (;;) {
        rc = select_try(cases, order, n);
        if (rc != SL_WOULDBLOCK)
            break;
        if (deadline == 0)
            break;
        if (deadline != SL_FOREVER && deadline <= sl_now()) {
            rc = SL_TIMEDOUT;
            break;
        }
        if (n == 0) { /* only nil channels: sleep until the deadline */
            sl__parker p;
            sl__parker_init(&p);
            while (sl__parker_park(&p, deadline) != SL_TIMEDOUT)
                ;
            rc = SL_TIMEDOUT;
            break;
        }
        rc = select_wait(cases, order, ents, n, deadline);
        if (rc != SL_WOULDBLOCK)
            break;
    }
    if (order != order_stack) {
        free(order);
        free(ents);
    }
    return rc;
}
