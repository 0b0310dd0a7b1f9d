/*
 * js_bigmem.c - large blocks on transparent huge pages (see js_bigmem.h).
 * The mapping itself is tools/common's (bigmem.c); a block here is a
 * whole number of 2 MiB units.
 */
#include "js_bigmem.h"

#include "bigmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static size_t units(size_t n)
{
    return (n + SL_JS_BIG_UNIT - 1) & ~(size_t)(SL_JS_BIG_UNIT - 1);
}

void *sl__js_big_alloc(size_t n)
{
    void *p = sl_big_map(units(n));
    if (!p) {
        fputs("sluice: out of memory\n", stderr);
        abort();
    }
    return p;
}

void sl__js_big_free(void *p, size_t n)
{
    sl_big_unmap(p, units(n));
}

void sl__js_huge_hint(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    if (!p || n < 2 * (size_t)SL_JS_BIG_UNIT)
        return;
    uintptr_t a = ((uintptr_t)p + SL_JS_BIG_UNIT - 1) & ~(uintptr_t)(SL_JS_BIG_UNIT - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(SL_JS_BIG_UNIT - 1);
    if (e > a)
        madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

void sl__js_pool_init(js_chunk_pool *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
}

/* A new block of at least n bytes, remembered for sl__js_pool_free. */
static char *pool_block(js_chunk_pool *p, size_t n)
{
    if (p->nblocks == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->blocks = realloc(p->blocks, p->cap * sizeof *p->blocks);
        if (!p->blocks) {
            fputs("sluice: out of memory\n", stderr);
            abort();
        }
    }
    char *b = sl__js_big_alloc(n);
    p->blocks[p->nblocks++] = (struct js_big_block){b, n};
    return b;
}

void *sl__js_pool_take(js_chunk_pool *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    pthread_mutex_lock(&p->mu);
    char *r;
    if (n > SL_JS_BIG_UNIT / 2) { /* a block of its own; the current one stays */
        r = pool_block(p, n);
    } else {
        if ((size_t)(p->end - p->cur) < n) {
            p->cur = pool_block(p, SL_JS_BIG_UNIT);
            p->end = p->cur + SL_JS_BIG_UNIT;
        }
        r = p->cur;
        p->cur += n;
    }
    pthread_mutex_unlock(&p->mu);
    return r;
}

void sl__js_pool_free(js_chunk_pool *p)
{
    for (size_t i = 0; i < p->nblocks; i++)
        sl__js_big_free(p->blocks[i].p, p->blocks[i].n);
    free(p->blocks);
    pthread_mutex_destroy(&p->mu);
    memset(p, 0, sizeof *p);
}
