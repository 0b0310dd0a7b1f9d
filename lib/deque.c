/*
 * deque.c - the cold half of the work-stealing deque: creating it, growing
 * it and freeing it.  The hot operations are inline in deque.h.
 */
#include "deque.h"

#include <stdlib.h>

static sl__deque_buf *buf_new(int64_t capacity)
{
    sl__deque_buf *a = malloc(sizeof *a + (size_t)capacity * sizeof(sl__slot));
    if (!a)
        return NULL;
    a->mask = capacity - 1;
    a->older = NULL;
    return a;
}

int sl__deque_init(sl__deque *d, size_t capacity)
{
    int64_t cap = 16;
    while ((size_t)cap < capacity)
        cap *= 2;
    sl__deque_buf *a = buf_new(cap);
    if (!a)
        return SL_NOMEM;
    atomic_init(&d->top, 0);
    atomic_init(&d->bottom, 0);
    atomic_init(&d->buf, a);
    d->top_seen = 0;
    return SL_OK;
}

void sl__deque_destroy(sl__deque *d)
{
    sl__deque_buf *a = atomic_load_explicit(&d->buf, memory_order_relaxed);
    while (a) {
        sl__deque_buf *older = a->older;
        free(a);
        a = older;
    }
    atomic_store_explicit(&d->buf, NULL, memory_order_relaxed);
}

sl__deque_buf *sl__deque_grow(sl__deque *d, sl__deque_buf *a, int64_t top, int64_t bottom)
{
    sl__deque_buf *b = buf_new(2 * (a->mask + 1));
    if (!b)
        return NULL;
    for (int64_t i = top; i < bottom; i++) {
        sl__task t;
        sl__slot_get(&a->slots[i & a->mask], &t);
        sl__slot_put(&b->slots[i & b->mask], &t);
    }
    /* Thieves that loaded `a` may still read from it: keep it. */
    b->older = a;
    atomic_store_explicit(&d->buf, b, memory_order_release);
    return b;
}
