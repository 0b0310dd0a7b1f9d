/*
 * shmring.h - a single-producer, single-consumer ring of byte messages in
 * memory shared by two processes.
 *
 * The one idea: neither side trusts what the other wrote.  The geometry
 * (slot count, slot size, arena size) comes from each side's own
 * configuration, never from shared memory; each side keeps the index it
 * owns in private memory and only publishes it; every header the reader
 * takes from shared memory is loaded once and checked against that
 * geometry before it is used.  A peer that scribbles over the ring can
 * make its own messages wrong, and get itself reported as corrupt, but
 * cannot make the reader touch memory outside the mapping.
 *
 * Layout: `nslots` slots, each a 64-byte header and `slot_size` bytes of
 * payload, then the arena.  A message of up to slot_size bytes is copied
 * into its slot; a larger one into the arena, a byte ring of its own that
 * is allocated in message order and freed in the same order as the
 * reader releases slots, so the writer learns what is free from the
 * slot tail alone.  The writer goes back to offset 0 whenever a message
 * fits there, so a stream of large messages reuses the same few pages
 * instead of touching the whole arena (each first touch is a page fault,
 * in both processes); pages past `keep` are given back when freed.
 *
 *   head (writer) ──▶ [slot hdr|payload][slot hdr|payload]...  [arena .........]
 *   tail (reader) ──▶  seq len off ref code                     ^ large payloads
 */
#ifndef SLUICE_SHMRING_H
#define SLUICE_SHMRING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Beyond the SL_ codes of chan.h: the peer broke the ring's invariants. */
enum { SL__RING_CORRUPT = -100 };

#define SL__RING_INLINE UINT64_MAX /* slot.off of a message held in its slot */

typedef struct sl__ring_geom {
    uint32_t nslots;     /* >= 1 */
    uint64_t slot_size;  /* payload bytes held in a slot */
    uint64_t arena_size; /* bytes for messages larger than a slot (0: none) */
} sl__ring_geom;

/* One slot's header, in shared memory: each field is loaded once, with a
 * plain atomic load, so a value cannot change between check and use. */
typedef struct sl__ring_slot {
    _Atomic uint64_t seq; /* the message's number: the head it was published at */
    _Atomic uint64_t len;
    _Atomic uint64_t off; /* SL__RING_INLINE, or where in the arena */
    _Atomic uint64_t ref; /* the user's: a reply names the message it answers */
    _Atomic int64_t code; /* the user's: a reply's status */
    char pad[24];
} sl__ring_slot;

/* A message as the reader sees it, already checked. */
typedef struct sl__ring_msg {
    uint64_t seq, len, ref;
    int64_t code;
    const void *data; /* into the mapping: valid until sl__ring_release */
    uint64_t arena_off; /* SL__RING_INLINE or the arena offset */
} sl__ring_msg;

/* One side's view of a ring.  Everything but the two indexes and the
 * mapping itself is private to that side. */
typedef struct sl__ring {
    uint32_t n;
    uint64_t slot_size, stride, arena_size, keep;
    char *slots, *arena;
    _Atomic uint64_t *head, *tail; /* shared: head written by the writer, tail by the reader */
    uint64_t pos; /* writer: the next seq to publish; reader: the next to read */

    /* writer only */
    uint64_t seen_tail;       /* the tail as last read, checked */
    uint64_t a_head, a_tail;  /* arena allocation counters (monotonic bytes) */
    uint64_t *a_start, *a_end; /* per slot: its arena range in counters; end 0: inline */
    int reserved;             /* a reservation waits for publish */
    uint64_t r_len, r_start, r_end, r_prev_head;

    /* either side: where to give pages back (fd -1: never) */
    int fd;
    uint64_t fd_arena_off;
} sl__ring;

/* Bytes the slots and the arena take, page aligned, and where the arena
 * starts in that range. */
size_t sl__ring_bytes(const sl__ring_geom *g);
size_t sl__ring_arena_offset(const sl__ring_geom *g);

/* Sets r up over `base` (sl__ring_bytes(g) bytes of a mapping) and the
 * two shared indexes, which must start at 0.  A writer allocates its
 * per-slot records: SL_OK or SL_NOMEM. */
int sl__ring_init(sl__ring *r, const sl__ring_geom *g, void *base, _Atomic uint64_t *head,
                  _Atomic uint64_t *tail, int writer);
void sl__ring_destroy(sl__ring *r);

/* Pages of freed large messages that lie past `keep` arena bytes go back
 * to the system through `fd`, where the arena starts at fd_arena_off. */
void sl__ring_set_release(sl__ring *r, int fd, uint64_t fd_arena_off, uint64_t keep);

/* Writer.  reserve: room for a message of len bytes, *p where to write it;
 * SL_OK, SL_WOULDBLOCK (no free slot or arena room yet), SL_INVAL (longer
 * than the arena can ever hold), SL__RING_CORRUPT (the tail the reader
 * published is impossible).  A second reserve replaces the first.
 * publish: makes the reserved message visible. */
int sl__ring_reserve(sl__ring *r, uint64_t len, void **p);
void sl__ring_publish(sl__ring *r, uint64_t ref, int64_t code);
/* Writer: the payload of message `seq`, published and not yet released
 * (its bytes are the writer's own: to copy them out again). */
const void *sl__ring_written(const sl__ring *r, uint64_t seq);
/* The largest message the ring can ever hold. */
uint64_t sl__ring_max(const sl__ring *r);

/* Reader.  peek: the oldest message: SL_OK, SL_WOULDBLOCK (empty),
 * SL__RING_CORRUPT.  release: frees it (the writer may reuse its space). */
int sl__ring_peek(sl__ring *r, sl__ring_msg *m);
void sl__ring_release(sl__ring *r, const sl__ring_msg *m);
/* Reader: 1 when a message is waiting (or the head is impossible: peek
 * then says corrupt). */
int sl__ring_ready(sl__ring *r);

/* The same question for a thread that does not own the reading side: the
 * owner may be advancing its position under a lock this caller does not
 * hold, so this compares against the published tail instead.  A hint
 * (stale by the time it returns, as any unlocked look), never wrong about
 * a message published before the owner last released one. */
int sl__ring_ready_hint(const sl__ring *r);

#endif
