/*
 * pipeline_reorder.h - the ordered pipeline's reorder buffer: a ring
 * indexed by sequence number.
 *
 * The one idea: the source takes a credit before it produces item s and
 * the sink returns it only after delivering the item, so with C credits
 * every undelivered sequence number lies in [next, next + C).  A ring of C
 * slots indexed by seq % C therefore never has two items in one slot, and
 * never needs to grow.  Used by the sink's thread only: no locking.
 */
#ifndef SLUICE_PIPELINE_REORDER_H
#define SLUICE_PIPELINE_REORDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* What travels on the pipeline's channels: an item and its place. */
typedef struct sl__pipe_msg {
    uint64_t seq;
    void *item;
    size_t bytes;
} sl__pipe_msg;

typedef struct sl__reorder {
    size_t cap;         /* the number of credits */
    uint64_t next;      /* the next sequence number to deliver */
    size_t held;        /* items in the ring */
    sl__pipe_msg *slot; /* slot[seq % cap] */
    unsigned char *full;
} sl__reorder;

/* 0, or -1 without memory. */
static inline int sl__reorder_init(sl__reorder *r, size_t cap)
{
    r->cap = cap;
    r->next = 0;
    r->held = 0;
    r->slot = calloc(cap, sizeof *r->slot);
    r->full = calloc(cap, 1);
    return r->slot && r->full ? 0 : -1;
}

static inline void sl__reorder_free(sl__reorder *r)
{
    free(r->slot);
    free(r->full);
    r->slot = NULL;
    r->full = NULL;
}

/* Parks m until its turn (m->seq is in [next, next + cap), see above). */
static inline void sl__reorder_put(sl__reorder *r, const sl__pipe_msg *m)
{
    size_t i = (size_t)(m->seq % r->cap);
    r->slot[i] = *m;
    r->full[i] = 1;
    r->held++;
}

/* Takes the next item in sequence into *m: 1, or 0 while it has not come. */
static inline int sl__reorder_take(sl__reorder *r, sl__pipe_msg *m)
{
    size_t i = (size_t)(r->next % r->cap);
    if (!r->held || !r->full[i])
        return 0;
    *m = r->slot[i];
    r->full[i] = 0;
    r->held--;
    r->next++;
    return 1;
}

/* Takes any parked item, in slot order (to drop them all): 1, or 0 when
 * none is left.  *cursor starts at 0 and carries the scan between calls. */
static inline int sl__reorder_pop_any(sl__reorder *r, sl__pipe_msg *m, size_t *cursor)
{
    for (; r->held && *cursor < r->cap; (*cursor)++) {
        if (r->full[*cursor]) {
            *m = r->slot[*cursor];
            r->full[*cursor] = 0;
            r->held--;
            return 1;
        }
    }
    return 0;
}

#endif
