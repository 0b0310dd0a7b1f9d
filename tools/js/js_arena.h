/*
 * js_arena.h - bump allocation for everything one file's front-end run
 * produces: nodes, names, decoded strings, symbol and scope tables.
 *
 * A parse allocates thousands of small nodes and frees them all at once,
 * when the caller is done with the tree; so nodes come from large chunks
 * and nothing is freed one piece at a time.  No lock: an arena belongs to
 * one thread at a time.
 */
#ifndef SL_JS_ARENA_H
#define SL_JS_ARENA_H

#include <stddef.h>

typedef struct js_arena_chunk js_arena_chunk;
struct js_chunk_pool;

typedef struct js_arena {
    js_arena_chunk *head;
    char *cur, *end;
    size_t total;               /* bytes reserved from malloc */
    struct js_chunk_pool *pool; /* set after init: chunks come from (and are freed with) the pool */
    js_arena_chunk *spare;      /* chunks a reset kept, used again before new ones */
} js_arena;

void sl__js_arena_init(js_arena *a);
void sl__js_arena_free(js_arena *a);
/* Forgets everything allocated but keeps the chunks for the next file:
 * their pages are resident already (a fresh page costs a fault at first
 * touch, ~25 us a 4 KiB page on a VM — more than parsing it). */
void sl__js_arena_reset(js_arena *a);
/* 8-byte aligned, never NULL (aborts when out of memory). */
void *sl__js_alloc(js_arena *a, size_t n);
void *sl__js_zalloc(js_arena *a, size_t n);
char *sl__js_strndup(js_arena *a, const char *s, size_t n);
char *sl__js_printf(js_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* malloc that aborts instead of returning NULL (scratch outside arenas). */
void *sl__js_xrealloc(void *p, size_t n);

/* A growable array on plain malloc, for scratch reused between runs. */
#define JS_VEC(T) struct { T *v; size_t n, cap; }
#define JS_VEC_PUSH(vec, x)                                                    \
    do {                                                                       \
        if ((vec).n == (vec).cap) {                                            \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 16;                        \
            (vec).v = sl__js_xrealloc((vec).v, (vec).cap * sizeof *(vec).v);   \
        }                                                                      \
        (vec).v[(vec).n++] = (x);                                              \
    } while (0)

#endif
