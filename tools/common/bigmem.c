/*
 * bigmem.c - large blocks on 2 MiB boundaries with transparent huge pages
 * (see bigmem.h).
 */
#include "bigmem.h"

#include <stdint.h>
#include <sys/mman.h>

enum { HUGE = 2u << 20, PAGE = 4096 };

static size_t pages(size_t n)
{
    return (n + PAGE - 1) / PAGE * PAGE;
}

void *sl_big_map(size_t n)
{
    n = pages(n);
    if (!n || n > SIZE_MAX - HUGE)
        return NULL;
    uint8_t *raw = mmap(NULL, n + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
    if (p > raw) /* the slack before and after goes back */
        munmap(raw, (size_t)(p - raw));
    if (raw + HUGE > p)
        munmap(p + n, (size_t)(raw + HUGE - p));
#ifdef MADV_HUGEPAGE
    madvise(p, n, MADV_HUGEPAGE); /* advice: refused, the block is ordinary pages */
#endif
    return p;
}

void sl_big_unmap(void *p, size_t n)
{
    if (p)
        munmap(p, pages(n));
}
