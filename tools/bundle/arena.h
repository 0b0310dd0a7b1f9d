/*
 * arena.h - bump allocation for everything a module's parse produces.
 *
 * One arena per worker thread: tokens, scopes and the module record are
 * carved out of large chunks and never freed one by one, so parsing does
 * no per-node malloc and needs no lock.  Memory goes back all at once.
 */
#ifndef SL_BUNDLE_ARENA_H
#define SL_BUNDLE_ARENA_H

#include <stddef.h>

typedef struct sl__arena_chunk sl__arena_chunk;

typedef struct sl__arena {
    sl__arena_chunk *head;
    char *cur, *end;
    size_t total; /* bytes reserved from malloc, for --stats */
} sl__arena;

void sl__arena_init(sl__arena *a);
void sl__arena_free(sl__arena *a);
/* 8-byte aligned, never NULL (aborts when out of memory). */
void *sl__arena_alloc(sl__arena *a, size_t n);
void *sl__arena_zalloc(sl__arena *a, size_t n);
char *sl__arena_strndup(sl__arena *a, const char *s, size_t n);
/* A copy of old (n elements) with room for m (the old block is abandoned). */
void *sl__arena_realloc_array(sl__arena *a, void *old, size_t n, size_t m, size_t size);
char *sl__arena_printf(sl__arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable array whose storage is plain malloc (scratch that is reused
 * between modules, or grows too often for an arena). */
#define SL_VEC(T) struct { T *v; size_t n, cap; }
#define SL_VEC_PUSH(vec, x)                                                    \
    do {                                                                       \
        if ((vec).n == (vec).cap) {                                            \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 16;                        \
            (vec).v = sl__xrealloc((vec).v, (vec).cap * sizeof *(vec).v);      \
        }                                                                      \
        (vec).v[(vec).n++] = (x);                                              \
    } while (0)

void *sl__xrealloc(void *p, size_t n);

#endif
