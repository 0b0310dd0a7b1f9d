/*
 * tsarena.c - the bump allocator behind tree-sitter (see tsarena.h).
 *
 * ts_set_allocator is process-wide, so the installed functions decide per
 * call: with an arena open on the calling thread, allocate from it; else
 * libc.  A pointer is freed by libc only if it lies in no arena, which is
 * why every arena's range is registered (append-only, read lock-free).
 * Each block carries its size so realloc can copy, and the newest block
 * can grow or be freed in place (tree-sitter grows its arrays one at a
 * time, so that case is common).
 */
#include "tsarena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <tree_sitter/api.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GR_NO_ARENA 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define GR_NO_ARENA 1
#endif
#endif

enum { MAX_ARENAS = 256 };
#define RESERVE ((size_t)1 << 30) /* address space per arena */
#define KEEP ((size_t)16 << 20)   /* resident bytes kept between files */

struct gr_tsarena {
    char *base;
    size_t top;  /* next free byte */
    size_t high; /* bytes touched since the last trim */
    size_t last; /* offset of the newest block's header */
};

typedef struct hdr {
    size_t size;
    size_t pad; /* keeps blocks 16-byte aligned */
} hdr;

#ifndef GR_NO_ARENA
static _Thread_local gr_tsarena *cur;
static _Atomic(char *) bases[MAX_ARENAS];
static atomic_size_t nbases;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static int in_any(const void *p)
{
    size_t n = atomic_load_explicit(&nbases, memory_order_acquire);
    const char *c = p;
    for (size_t i = 0; i < n; i++) {
        char *b = atomic_load_explicit(&bases[i], memory_order_relaxed);
        if (b && c >= b && c < b + RESERVE)
            return 1;
    }
    return 0;
}

static void *oom(size_t n)
{
    fprintf(stderr, "sluice graph: out of memory (tree-sitter asked for %zu bytes)\n", n);
    exit(2);
}

static void *a_malloc(size_t n)
{
    gr_tsarena *a = cur;
    size_t need = sizeof(hdr) + ((n + 15) & ~(size_t)15);
    if (a && n < RESERVE && a->top + need <= RESERVE) {
        hdr *h = (hdr *)(a->base + a->top);
        h->size = n;
        a->last = a->top;
        a->top += need;
        if (a->top > a->high)
            a->high = a->top;
        return h + 1;
    }
    void *p = malloc(n);
    return p ? p : oom(n);
}

static void *a_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return oom(SIZE_MAX);
    if (!cur) {
        void *p = calloc(n, size);
        return p ? p : oom(n * size);
    }
    void *p = a_malloc(n * size);
    memset(p, 0, n * size); /* arena memory is reused, not zeroed */
    return p;
}

static void a_free(void *p)
{
    if (!p)
        return;
    if (!in_any(p)) {
        free(p);
        return;
    }
    gr_tsarena *a = cur;
    if (a && (char *)p - sizeof(hdr) == a->base + a->last && a->top > a->last) {
        a->top = a->last; /* the newest block: give it back */
        a->last = a->top;
    }
}

static void *a_realloc(void *p, size_t n)
{
    if (!p)
        return a_malloc(n);
    if (!in_any(p)) {
        void *q = realloc(p, n);
        return q ? q : oom(n);
    }
    hdr *h = (hdr *)p - 1;
    gr_tsarena *a = cur;
    if (a && (char *)h == a->base + a->last) {
        size_t need = sizeof(hdr) + ((n + 15) & ~(size_t)15);
        if (a->last + need <= RESERVE) {
            h->size = n;
            a->top = a->last + need;
            if (a->top > a->high)
                a->high = a->top;
            return p;
        }
    }
    void *q = a_malloc(n);
    memcpy(q, p, h->size < n ? h->size : n);
    return q;
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static void install(void)
{
    ts_set_allocator(a_malloc, a_calloc, a_realloc, a_free);
}

#endif

gr_tsarena *gr_tsarena_new(void)
{
#ifdef GR_NO_ARENA
    return NULL;
#else
    pthread_mutex_lock(&reg_lock);
    size_t n = atomic_load_explicit(&nbases, memory_order_relaxed);
    if (n == MAX_ARENAS) {
        pthread_mutex_unlock(&reg_lock);
        return NULL;
    }
    char *base = mmap(NULL, RESERVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        pthread_mutex_unlock(&reg_lock);
        return NULL;
    }
    gr_tsarena *a = calloc(1, sizeof *a);
    if (!a) {
        munmap(base, RESERVE);
        pthread_mutex_unlock(&reg_lock);
        return NULL;
    }
    a->base = base;
    /* Publish the range before any block from it can reach a_free on
     * another thread; ranges are never removed (a freed arena's slot is
     * cleared, never reused), so readers need no lock. */
    atomic_store_explicit(&bases[n], base, memory_order_relaxed);
    atomic_store_explicit(&nbases, n + 1, memory_order_release);
    pthread_mutex_unlock(&reg_lock);
    pthread_once(&install_once, install);
    return a;
#endif
}

void gr_tsarena_free(gr_tsarena *a)
{
    if (!a)
        return;
#ifndef GR_NO_ARENA
    pthread_mutex_lock(&reg_lock);
    size_t n = atomic_load_explicit(&nbases, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        if (atomic_load_explicit(&bases[i], memory_order_relaxed) == a->base)
            atomic_store_explicit(&bases[i], NULL, memory_order_relaxed);
    pthread_mutex_unlock(&reg_lock);
    munmap(a->base, RESERVE);
#endif
    free(a);
}

void gr_tsarena_begin(gr_tsarena *a)
{
#ifndef GR_NO_ARENA
    if (a) {
        a->top = a->last = 0;
        cur = a;
    }
#else
    (void)a;
#endif
}

void gr_tsarena_end(gr_tsarena *a)
{
    if (!a)
        return;
#ifndef GR_NO_ARENA
    cur = NULL;
    if (a->high > KEEP) {
        /* give back what one large file touched */
        madvise(a->base + KEEP, a->high - KEEP, MADV_DONTNEED);
        a->high = KEEP;
    }
    a->top = a->last = 0;
#endif
}
