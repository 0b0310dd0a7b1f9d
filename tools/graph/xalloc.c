/*
 * xalloc.c - malloc wrappers that exit(2) with a message when memory runs out.
 */
#include "xalloc.h"

#include "bigmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

static void oom(size_t n)
{
    fprintf(stderr, "sluice graph: out of memory (asked for %zu bytes)\n", n);
    exit(2);
}

void *gr_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

/* A large calloc'd block comes back on the shared zero page, and the
 * first write to each page after a read (a hash probe, a list head) is a
 * copy-on-write fault whose TLB flush interrupts every other core running
 * this process: in the resolve phase that was a quarter of the time.  A
 * write to each page up front faults it in once, writable.  (Not memset:
 * the compiler turns malloc + memset back into calloc.) */
void *gr_xcalloc(size_t n, size_t size)
{
    n = n ? n : 1;
    size = size ? size : 1;
    if (n > SIZE_MAX / size)
        oom(SIZE_MAX);
    void *p = calloc(n, size);
    if (!p)
        oom(n * size);
    if (n * size >= ((size_t)64 << 10))
        for (size_t i = 0; i < n * size; i += 4096)
            ((volatile char *)p)[i] = 0;
    return p;
}

void *gr_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *gr_xstrndup(const char *s, size_t n)
{
    char *p = gr_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *gr_xstrdup(const char *s)
{
    return gr_xstrndup(s, strlen(s));
}

/* Touching a fresh page costs a fault, and on a virtual machine that
 * shadows the guest's page tables a second one in the host: measured
 * here, 60 MB written for the first time took 460 ms in 4 KiB pages
 * faulted in by MAP_POPULATE and 8-16 ms in 2 MiB pages the kernel
 * made before the first touch (load 13).  So a large block that is
 * written whole at once (a snapshot's body, decompressed) is mapped at a
 * 2 MiB boundary and asked for transparent huge pages; where they are
 * refused it still works, in small pages.  gr_xbig_populate makes a
 * part's pages before it is written, in the kernel: one call per part
 * rather than one for the block, since populating holds the process's
 * mmap lock, which every other thread's mmap or munmap (a large malloc or
 * free) then waits for - threads each populating their own part also
 * share the zeroing. */
void *gr_xbig(size_t n)
{
    return sl_big_map(n);
}

void gr_xbig_populate(void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
    madvise((void *)a, (uintptr_t)p + n - a, MADV_POPULATE_WRITE);
}

void gr_xbig_free(void *p, size_t n)
{
    sl_big_unmap(p, n);
}

/* malloc's memory for a block this size is whatever its arena holds: in
 * a thread made late in the run (the SQLite writer's) it is most often
 * fresh, a fault a 4 KiB page - 20-30 us each on this VM, and the
 * writers' sort arrays and index parts are ~100 MB on the crate corpus.
 * How many of those pages were fresh depended on which threads had run
 * before (with a cache, the pack writer and the snapshot took the
 * arenas the parse had left warm): 10,000 more faults than without one,
 * most of the extra CPU of a run with an empty cache.  In 2 MiB pages
 * the count is small and the same either way. */
enum { TEMP_BIG = 1u << 20, HUGE_PAGE = 2u << 20 };

/* From TEMP_BIG up, whole 2 MiB pages: an array of 1.9 MB (a sort's
 * u32s) would otherwise be all small pages. */
static size_t temp_len(size_t n)
{
    return n > SIZE_MAX - HUGE_PAGE ? 0 : (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

/* Under ASan every array comes from malloc, whose bounds it checks. */
#if defined(__SANITIZE_ADDRESS__)
#define TEMP_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEMP_MALLOC 1
#endif
#endif
#ifndef TEMP_MALLOC
#define TEMP_MALLOC 0
#endif

void *gr_xtemp(size_t n)
{
    if (n < TEMP_BIG || TEMP_MALLOC)
        return gr_xmalloc(n);
    void *p = temp_len(n) ? gr_xbig(temp_len(n)) : NULL;
    if (!p)
        oom(n);
    return p;
}

void gr_xtemp_free(void *p, size_t n)
{
    if (n < TEMP_BIG || TEMP_MALLOC)
        free(p);
    else
        gr_xbig_free(p, temp_len(n));
}
