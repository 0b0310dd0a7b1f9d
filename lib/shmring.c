/*
 * shmring.c - single-producer, single-consumer rings of byte messages in
 * shared memory, checked on every read.  See shmring.h for the layout.
 *
 * Ordering: the writer fills a slot (header fields and payload), then
 * stores head with release; the reader loads head with acquire, so it sees
 * the slot complete.  The reader copies or uses the payload, then stores
 * tail with release; the writer loads tail with acquire before it reuses
 * the slot or its arena bytes.
 */
#include "shmring.h"

#include <stdlib.h>
#include <string.h>

#include "shm.h"
#include "sluice/chan.h"

enum { ALIGN = 64 };

static uint64_t round_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static uint64_t slot_stride(const sl__ring_geom *g)
{
    return sizeof(sl__ring_slot) + round_up(g->slot_size, ALIGN);
}

size_t sl__ring_arena_offset(const sl__ring_geom *g)
{
    return (size_t)round_up((uint64_t)g->nslots * slot_stride(g), sl__shm_page());
}

size_t sl__ring_bytes(const sl__ring_geom *g)
{
    return sl__ring_arena_offset(g) + (size_t)round_up(g->arena_size, sl__shm_page());
}

int sl__ring_init(sl__ring *r, const sl__ring_geom *g, void *base, _Atomic uint64_t *head,
                  _Atomic uint64_t *tail, int writer)
{
    memset(r, 0, sizeof *r);
    r->n = g->nslots;
    r->slot_size = g->slot_size;
    r->stride = slot_stride(g);
    r->arena_size = round_up(g->arena_size, sl__shm_page());
    r->keep = r->arena_size;
    r->slots = base;
    r->arena = (char *)base + sl__ring_arena_offset(g);
    r->head = head;
    r->tail = tail;
    r->fd = -1;
    if (writer) {
        r->a_start = calloc(r->n, sizeof *r->a_start);
        r->a_end = calloc(r->n, sizeof *r->a_end);
        if (!r->a_start || !r->a_end) {
            sl__ring_destroy(r);
            return SL_NOMEM;
        }
    }
    return SL_OK;
}

void sl__ring_destroy(sl__ring *r)
{
    free(r->a_start);
    free(r->a_end);
    r->a_start = r->a_end = NULL;
}

void sl__ring_set_release(sl__ring *r, int fd, uint64_t fd_arena_off, uint64_t keep)
{
    r->fd = fd;
    r->fd_arena_off = fd_arena_off;
    r->keep = keep < r->arena_size ? keep : r->arena_size;
}

uint64_t sl__ring_max(const sl__ring *r)
{
    return r->arena_size > r->slot_size ? r->arena_size : r->slot_size;
}

static sl__ring_slot *slot_at(const sl__ring *r, uint64_t seq)
{
    return (sl__ring_slot *)(r->slots + (seq % r->n) * r->stride);
}

/* Gives back the pages of arena range [off, off + len) that lie past
 * `keep`: below it, pages are kept for reuse. */
static void release_pages(sl__ring *r, uint64_t off, uint64_t len)
{
    if (r->fd < 0 || off + len <= r->keep)
        return;
    uint64_t from = off > r->keep ? off : r->keep;
    sl__shm_release(r->fd, r->fd_arena_off + from, off + len - from);
}

/* ---- writer ------------------------------------------------------------ */

/* Reads the reader's tail, checks it can be true (between the last one
 * seen and what was published), and frees the arena bytes of every
 * message released since. */
static int refresh_tail(sl__ring *r)
{
    uint64_t t = atomic_load_explicit(r->tail, memory_order_acquire);
    if (t - r->seen_tail > r->pos - r->seen_tail)
        return SL__RING_CORRUPT;
    for (uint64_t s = r->seen_tail; s != t; s++) {
        uint64_t i = s % r->n;
        if (r->a_end[i]) {
            r->a_tail = r->a_end[i];
            release_pages(r, r->a_start[i] % r->arena_size, r->a_end[i] - r->a_start[i]);
            r->a_end[i] = 0;
        }
    }
    r->seen_tail = t;
    return SL_OK;
}

/* Arena room for L bytes (a multiple of ALIGN), in counters: 1 and the
 * range, or 0 when it does not fit yet.  Back to offset 0 whenever the
 * message fits there (before the oldest one still held), so the lowest
 * pages stay in use and warm: a stream of messages touches only as many
 * pages as are in flight at once, not the whole arena. */
static int arena_alloc(sl__ring *r, uint64_t L, uint64_t *start)
{
    uint64_t A = r->arena_size;
    if (r->a_head == r->a_tail) /* empty: start over at offset 0 */
        r->a_head = r->a_tail = round_up(r->a_head, A);
    uint64_t off = r->a_head % A;
    if (off != 0) {
        uint64_t skip = A - off;
        if (r->a_head + skip + L - r->a_tail <= A) {
            *start = r->a_head + skip;
            return 1;
        }
        if (off + L > A)
            return 0;
    }
    if (r->a_head + L - r->a_tail > A)
        return 0;
    *start = r->a_head;
    return 1;
}

int sl__ring_reserve(sl__ring *r, uint64_t len, void **p)
{
    if (r->reserved) { /* replace the earlier reservation */
        r->a_head = r->r_prev_head;
        r->reserved = 0;
    }
    if (len > sl__ring_max(r))
        return SL_INVAL;
    if (r->pos - r->seen_tail >= r->n || len > r->slot_size) {
        if (refresh_tail(r) != SL_OK)
            return SL__RING_CORRUPT;
        if (r->pos - r->seen_tail >= r->n)
            return SL_WOULDBLOCK;
    }
    r->r_len = len;
    r->r_prev_head = r->a_head;
    if (len <= r->slot_size) {
        r->r_end = 0;
        *p = (char *)slot_at(r, r->pos) + sizeof(sl__ring_slot);
    } else {
        uint64_t L = round_up(len, ALIGN), start;
        if (!arena_alloc(r, L, &start))
            return SL_WOULDBLOCK;
        r->r_start = start;
        r->r_end = start + L;
        r->a_head = start + L;
        *p = r->arena + start % r->arena_size;
    }
    r->reserved = 1;
    return SL_OK;
}

void sl__ring_publish(sl__ring *r, uint64_t ref, int64_t code)
{
    sl__ring_slot *s = slot_at(r, r->pos);
    uint64_t i = r->pos % r->n;
    atomic_store_explicit(&s->seq, r->pos, memory_order_relaxed);
    atomic_store_explicit(&s->len, r->r_len, memory_order_relaxed);
    atomic_store_explicit(&s->off, r->r_end ? r->r_start % r->arena_size : SL__RING_INLINE,
                          memory_order_relaxed);
    atomic_store_explicit(&s->ref, ref, memory_order_relaxed);
    atomic_store_explicit(&s->code, code, memory_order_relaxed);
    r->a_start[i] = r->r_start;
    r->a_end[i] = r->r_end;
    r->reserved = 0;
    r->pos++;
    /* seq_cst, not just release: the caller next reads whether the reader
     * sleeps, and that load must not be ordered before this store (the
     * Dekker pattern of the wake-up protocol in proc). */
    atomic_store_explicit(r->head, r->pos, memory_order_seq_cst);
}

const void *sl__ring_written(const sl__ring *r, uint64_t seq)
{
    uint64_t i = seq % r->n;
    if (r->a_end[i])
        return r->arena + r->a_start[i] % r->arena_size;
    return (char *)slot_at(r, seq) + sizeof(sl__ring_slot);
}

/* ---- reader ------------------------------------------------------------ */

int sl__ring_ready(sl__ring *r)
{
    return atomic_load_explicit(r->head, memory_order_seq_cst) != r->pos;
}

int sl__ring_ready_hint(const sl__ring *r)
{
    return atomic_load_explicit(r->head, memory_order_seq_cst) !=
           atomic_load_explicit(r->tail, memory_order_seq_cst);
}

int sl__ring_peek(sl__ring *r, sl__ring_msg *m)
{
    uint64_t h = atomic_load_explicit(r->head, memory_order_acquire);
    if (h == r->pos)
        return SL_WOULDBLOCK;
    if (h - r->pos > r->n)
        return SL__RING_CORRUPT;
    sl__ring_slot *s = slot_at(r, r->pos);
    uint64_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
    uint64_t len = atomic_load_explicit(&s->len, memory_order_relaxed);
    uint64_t off = atomic_load_explicit(&s->off, memory_order_relaxed);
    if (seq != r->pos)
        return SL__RING_CORRUPT;
    if (off == SL__RING_INLINE) {
        if (len > r->slot_size)
            return SL__RING_CORRUPT;
        m->data = (char *)s + sizeof(sl__ring_slot);
    } else {
        if (off >= r->arena_size || len > r->arena_size - off)
            return SL__RING_CORRUPT;
        m->data = r->arena + off;
    }
    m->seq = seq;
    m->len = len;
    m->arena_off = off;
    m->ref = atomic_load_explicit(&s->ref, memory_order_relaxed);
    m->code = atomic_load_explicit(&s->code, memory_order_relaxed);
    return SL_OK;
}

void sl__ring_release(sl__ring *r, const sl__ring_msg *m)
{
    r->pos++;
    atomic_store_explicit(r->tail, r->pos, memory_order_seq_cst);
    if (m && m->arena_off != SL__RING_INLINE)
        release_pages(r, m->arena_off, m->len);
}
