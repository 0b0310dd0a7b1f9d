/*
 * arena.c - chunked bump allocator (see arena.h).
 *
 * Chunks are 64 KiB until the arena holds 1 MiB, then 4 MiB blocks on
 * huge pages (tools/js/js_bigmem.h: faulted 2 MiB at a time); a request
 * larger than a chunk gets a chunk of its own, so a huge source file
 * costs one allocation.
 */
#include "arena.h"

#include "../js/js_bigmem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl__arena_chunk {
    sl__arena_chunk *next;
    size_t size;
    size_t big; /* bytes of a js_bigmem block, 0 for malloc */
    max_align_t data[];
};

void *sl__xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "sluice bundle: out of memory\n");
        abort();
    }
    return q;
}

void sl__arena_init(sl__arena *a)
{
    memset(a, 0, sizeof *a);
}

void sl__arena_free(sl__arena *a)
{
    sl__arena_chunk *c = a->head;
    while (c) {
        sl__arena_chunk *n = c->next;
        if (c->big)
            sl__js_big_free(c, c->big);
        else
            free(c);
        c = n;
    }
    memset(a, 0, sizeof *a);
}

void *sl__arena_alloc(sl__arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(a->end - a->cur) < n) {
        size_t size = n > (64u << 10) ? n : (64u << 10), big = 0;
        if (a->total >= (1u << 20)) {
            big = (sizeof(sl__arena_chunk) + (n > (4u << 20) ? n : (4u << 20)) + SL_JS_BIG_UNIT - 1) &
                  ~(size_t)(SL_JS_BIG_UNIT - 1);
            size = big - sizeof(sl__arena_chunk);
        }
        sl__arena_chunk *c = big ? sl__js_big_alloc(big) : sl__xrealloc(NULL, sizeof *c + size);
        c->size = size;
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

void *sl__arena_zalloc(sl__arena *a, size_t n)
{
    void *p = sl__arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *sl__arena_strndup(sl__arena *a, const char *s, size_t n)
{
    char *p = sl__arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *sl__arena_realloc_array(sl__arena *a, void *old, size_t n, size_t m, size_t size)
{
    void *p = sl__arena_alloc(a, m * size);
    if (n)
        memcpy(p, old, n * size);
    return p;
}

char *sl__arena_printf(sl__arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = sl__arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
