/*
 * js_arena.c - chunked bump allocator (see js_arena.h).
 *
 * Chunks are 64 KiB until the arena holds 1 MiB; after that they are
 * 2 MiB blocks on huge pages (js_bigmem.h), where a big parse's faults
 * went.  A request larger than a chunk gets a chunk of its own.  A reset
 * keeps the chunks on a spare list, taken first fit before new ones.
 */
#include "js_arena.h"
#include "js_bigmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOLED ((size_t)-1)

struct js_arena_chunk {
    js_arena_chunk *next;
    size_t big;  /* bytes of a js_bigmem block, 0 for malloc, POOLED for a pool's */
    size_t size; /* bytes of data */
    max_align_t data[];
};

void *sl__js_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("sluice: out of memory\n", stderr);
        abort();
    }
    return q;
}

void sl__js_arena_init(js_arena *a)
{
    memset(a, 0, sizeof *a);
}

static void free_chunks(js_arena_chunk *c)
{
    for (js_arena_chunk *n; c; c = n) {
        n = c->next;
        if (c->big == POOLED)
            continue; /* the pool's to free */
        if (c->big)
            sl__js_big_free(c, c->big);
        else
            free(c);
    }
}

void sl__js_arena_free(js_arena *a)
{
    free_chunks(a->head);
    free_chunks(a->spare);
    memset(a, 0, sizeof *a);
}

void sl__js_arena_reset(js_arena *a)
{
    js_arena_chunk **tail = &a->spare;
    while (*tail)
        tail = &(*tail)->next;
    *tail = a->head;
    a->head = NULL;
    a->cur = a->end = NULL;
}

/* A spare chunk of at least n bytes, unlinked; NULL when none is. */
static js_arena_chunk *take_spare(js_arena *a, size_t n)
{
    for (js_arena_chunk **p = &a->spare; *p; p = &(*p)->next)
        if ((*p)->size >= n) {
            js_arena_chunk *c = *p;
            *p = c->next;
            return c;
        }
    return NULL;
}

/* A new chunk for a request of n bytes. */
static js_arena_chunk *new_chunk(js_arena *a, size_t n)
{
    size_t size = n > (64u << 10) ? n : (64u << 10), big = 0;
    if (a->pool) { /* small chunks: a pool's pages are all resident */
        big = POOLED;
        size = n > (16u << 10) ? n : (16u << 10);
    } else if (a->total >= (1u << 20)) {
        big = (sizeof(js_arena_chunk) + n + SL_JS_BIG_UNIT - 1) & ~(size_t)(SL_JS_BIG_UNIT - 1);
        size = big - sizeof(js_arena_chunk);
    }
    js_arena_chunk *c = big == POOLED ? sl__js_pool_take(a->pool, sizeof *c + size)
                        : big         ? sl__js_big_alloc(big)
                                      : sl__js_xrealloc(NULL, sizeof *c + size);
    c->big = big;
    c->size = size;
    a->total += size;
    return c;
}

void *sl__js_alloc(js_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(a->end - a->cur) < n) {
        js_arena_chunk *c = a->spare ? take_spare(a, n) : NULL;
        if (!c)
            c = new_chunk(a, n);
        c->next = a->head;
        a->head = c;
        a->cur = (char *)c->data;
        a->end = a->cur + c->size;
    }
    void *p = a->cur;
    a->cur += n;
    return p;
}

void *sl__js_zalloc(js_arena *a, size_t n)
{
    return memset(sl__js_alloc(a, n), 0, n);
}

char *sl__js_strndup(js_arena *a, const char *s, size_t n)
{
    char *p = sl__js_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *sl__js_printf(js_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = sl__js_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
