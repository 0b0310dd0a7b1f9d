/*
 * js_arena.c - chunked bump allocator (see js_arena.h).
 *
 * Chunks are 64 KiB until the arena holds 1 MiB; after that they are
 * 2 MiB blocks on huge pages (js_bigmem.h), where a big parse's faults
 * went.  A request larger than a chunk gets a chunk of its own.
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
    size_t big; /* bytes of a js_bigmem block, 0 for malloc, POOLED for a pool's */
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

void sl__js_arena_free(js_arena *a)
{
    for (js_arena_chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        if (c->big == POOLED)
            continue; /* the pool's to free */
        if (c->big)
            sl__js_big_free(c, c->big);
        else
            free(c);
    }
    memset(a, 0, sizeof *a);
}

void *sl__js_alloc(js_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(a->end - a->cur) < n) {
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
        c->next = a->head;
        a->head = c;
        a->cur = (char *)c->data;
        a->end = a->cur + size;
        a->total += size;
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
