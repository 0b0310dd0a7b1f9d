/*
 * block.c - allocating and freeing blocks, with a small free list.
 *
 * Big buffers are mapped fresh by malloc (see sl_tool_tune_malloc), so a
 * freed chunk's memory really goes back and peak RSS follows the blocks
 * in flight.  Mapping a fresh buffer for every chunk would page-fault in
 * every byte again, though, so freed inline blocks wait on a short list
 * for the next block of exactly the same size: in steady state the same
 * few buffers circulate, and the list can only hold blocks that were all
 * alive at once before, so it never raises the peak.
 */
#include "block.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define POOL_MAX 24
#define POOL_MIN_CAP ((size_t)64 << 10)

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static sl_block *pool[POOL_MAX];
static int pool_n;

static sl_block *pool_take(size_t cap)
{
    sl_block *b = NULL;
    pthread_mutex_lock(&pool_mu);
    for (int i = 0; i < pool_n; i++)
        if (pool[i]->cap == cap) {
            b = pool[i];
            pool[i] = pool[--pool_n];
            break;
        }
    pthread_mutex_unlock(&pool_mu);
    return b;
}

static int pool_put(sl_block *b)
{
    int kept = 0;
    pthread_mutex_lock(&pool_mu);
    if (pool_n < POOL_MAX) {
        pool[pool_n++] = b;
        kept = 1;
    }
    pthread_mutex_unlock(&pool_mu);
    return kept;
}

static void reset(sl_block *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->cap = cap;
    b->data = (uint8_t *)(b + 1);
}

/* Faults in a fresh big buffer's pages with one system call: each page
 * would otherwise cost a page fault at its first touch, which is several
 * times dearer (and dearer still in a virtual machine). */
static void populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = 4096, a = (uintptr_t)p & ~(page - 1), e = ((uintptr_t)p + n) & ~(page - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE); /* a hint: an old kernel says EINVAL */
#else
    (void)p;
    (void)n;
#endif
}

sl_block *sl_block_new(size_t cap)
{
    sl_block *b = cap >= POOL_MIN_CAP ? pool_take(cap) : NULL;
    if (!b) {
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        if (cap >= POOL_MIN_CAP)
            populate(b + 1, cap);
    }
    reset(b, cap);
    return b;
}

void sl_block_free(sl_block *b)
{
    if (!b)
        return;
    if (b->cap >= POOL_MIN_CAP && pool_put(b))
        return;
    free(b);
}

sl_block *sl_block_of(void *data)
{
    return (sl_block *)data - 1;
}

void *sl_block_zscan_grow(void *ctx, void *p, size_t len, size_t cap, size_t *got)
{
    (void)ctx;
    size_t step = cap >= ((size_t)1 << 20) ? (size_t)1 << 20 : POOL_MIN_CAP;
    cap = (cap + step - 1) / step * step;
    sl_block *b = sl_block_new(cap);
    if (!b)
        return NULL;
    if (p) {
        memcpy(b->data, p, len);
        sl_block_free(sl_block_of(p));
    }
    *got = cap;
    return b->data;
}

void sl_block_zscan_release(void *ctx, void *p)
{
    (void)ctx;
    sl_block_free(sl_block_of(p));
}

void sl_block_drop(void *ctx, void *item, int produced)
{
    (void)ctx;
    (void)produced;
    sl_block_free(item);
}

void sl_block_drop_item(void *item)
{
    sl_block_free(item);
}

void sl_block_pool_drain(void)
{
    pthread_mutex_lock(&pool_mu);
    while (pool_n)
        free(pool[--pool_n]);
    pthread_mutex_unlock(&pool_mu);
}
