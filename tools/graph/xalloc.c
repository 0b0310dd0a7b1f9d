/*
 * xalloc.c - malloc wrappers that exit(2) with a message when memory runs out.
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
