/*
 * tsarena.c - the bump allocator behind tree-sitter (see tsarena.h).
 *
 * ts_set_allocator is process-wide, so the installed functions decide per
 * call: with an arena open on the calling thread, allocate from it; else
 * libc.  A pointer is freed by libc only if it lies in no arena, which is
 * why every arena's range is registered (append-only, read lock-free).
 * Each block carries a header (its size, and a tag saying it is live) so
 * realloc can copy and free can check; the newest block can grow or be
 * freed in place (tree-sitter grows its arrays one at a time, so that case
 * is common).
 *
 * The contract - tree-sitter hands back only pointers the arena gave it,
 * once, within the span - is checked on every free and realloc: a pointer
 * into an arena that is not a live block's start (the middle of a block,
 * a block freed already, one from a span that has ended) stops the process
 * with a message instead of being ignored.  In an ASan build the unused
 * space, every header and a redzone after each block are poisoned, so a
 * read or write past a block, or after the span, is reported where it
 * happens.
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

#if defined(__SANITIZE_ADDRESS__)
#define GR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GR_ASAN 1
#endif
#endif

#ifdef GR_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
enum { REDZONE = 32 }; /* poisoned bytes after each block */
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
enum { REDZONE = 0 };
#endif

enum { MAX_ARENAS = 256 };
#define RESERVE ((size_t)1 << 30) /* address space per arena */
#define KEEP ((size_t)16 << 20)   /* resident bytes kept between files */
#define LIVE ((size_t)0x7a5a11ce0b10c4edull)
#define DEAD ((size_t)0x7a5a11cedeadb10cull)

struct gr_tsarena {
    char *base;
    size_t top;  /* next free byte */
    size_t high; /* bytes touched since the last trim */
    size_t last; /* offset of the newest block's header */
    size_t span_high; /* the highest top of this span (ASan poisons up to it at the end) */
    size_t ever;      /* the highest top there ever was (unpoisoned before munmap) */
};

typedef struct hdr {
    size_t size;
    size_t tag; /* LIVE ^ size while the block is live, DEAD ^ size after */
} hdr;

static _Thread_local gr_tsarena *cur;
static _Thread_local size_t requested; /* bytes asked for since begin */
static _Atomic(char *) bases[MAX_ARENAS];
static atomic_size_t nbases;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static char *arena_of(const void *p)
{
    size_t n = atomic_load_explicit(&nbases, memory_order_acquire);
    const char *c = p;
    for (size_t i = 0; i < n; i++) {
        char *b = atomic_load_explicit(&bases[i], memory_order_relaxed);
        if (b && c >= b && c < b + RESERVE)
            return b;
    }
    return NULL;
}

static void *oom(size_t n)
{
    fprintf(stderr, "sluice graph: out of memory (tree-sitter asked for %zu bytes)\n", n);
    exit(2);
}

static size_t span_of(size_t n)
{
    return sizeof(hdr) + ((n + 15) & ~(size_t)15) + REDZONE;
}

static void set_tag(hdr *h, size_t size, size_t tag)
{
    UNPOISON(h, sizeof *h);
    h->size = size;
    h->tag = tag ^ size;
    POISON(h, sizeof *h);
}

static void touch(gr_tsarena *a, size_t top)
{
    a->top = top;
    if (top > a->high)
        a->high = top;
    if (top > a->span_high)
        a->span_high = top;
    if (top > a->ever)
        a->ever = top;
}

/* A block of n bytes at h: data addressable, padding and redzone not. */
static void *open_block(hdr *h, size_t n)
{
    set_tag(h, n, LIVE);
    char *p = (char *)(h + 1);
    UNPOISON(p, n);
    POISON(p + n, span_of(n) - sizeof *h - n);
    return p;
}

/* Stops the process: tree-sitter handed back a pointer the arena does not
 * hold as a live block.  Going on would free or reuse memory still in use. */
static void broken(const void *p, const char *what)
{
    fprintf(stderr, "sluice graph: internal error: tree-sitter %s %p, which is not a live block of its arena\n",
            what, p);
    abort();
}

/* The header of arena pointer p (in arena `base`), checked: p must be the
 * start of a live block of the arena open on this thread; *size gets the
 * block's size (the header itself stays poisoned under ASan). */
static hdr *live_block(char *base, void *p, const char *what, size_t *size_out)
{
    gr_tsarena *a = cur;
    size_t off = (size_t)((char *)p - base);
    if (!a || a->base != base || off < sizeof(hdr) || off > a->top || (off & 15))
        broken(p, what);
    hdr *h = (hdr *)p - 1;
    UNPOISON(h, sizeof *h);
    size_t tag = h->tag, size = h->size;
    POISON(h, sizeof *h);
    if (tag != (LIVE ^ size) || off + size > a->top)
        broken(p, what);
    *size_out = size;
    return h;
}


static void *a_malloc(size_t n)
{
    gr_tsarena *a = cur;
    requested += n;
    if (a && n < RESERVE && a->top + span_of(n) <= RESERVE) {
        hdr *h = (hdr *)(a->base + a->top);
        a->last = a->top;
        touch(a, a->top + span_of(n));
        return open_block(h, n);
    }
    void *p = malloc(n);
    return p ? p : oom(n);
}

static void *a_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return oom(SIZE_MAX);
    if (!cur) {
        requested += n * size;
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
    char *base = arena_of(p);
    if (!base) {
        free(p);
        return;
    }
    size_t size;
    hdr *h = live_block(base, p, "freed", &size);
    gr_tsarena *a = cur;
    set_tag(h, size, DEAD);
    POISON(p, size);
    if ((char *)h == a->base + a->last) {
        a->top = a->last; /* the newest block: give it back */
        a->last = a->top;
    }
}

static void *a_realloc(void *p, size_t n)
{
    if (!p)
        return a_malloc(n);
    char *base = arena_of(p);
    if (!base) {
        requested += n;
        void *q = realloc(p, n);
        return q ? q : oom(n);
    }
    size_t old;
    hdr *h = live_block(base, p, "reallocated", &old);
    gr_tsarena *a = cur;
    requested += n;
    if ((char *)h == a->base + a->last && a->last + span_of(n) <= RESERVE) {
        touch(a, a->last + span_of(n));
        open_block(h, n);
        if (old > n)
            POISON((char *)p + n, old - n); /* what shrinking cut off */
        return p;
    }
    void *q = a_malloc(n);
    memcpy(q, p, old < n ? old : n);
    set_tag(h, old, DEAD);
    POISON(p, old);
    return q;
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static void install(void)
{
    ts_set_allocator(a_malloc, a_calloc, a_realloc, a_free);
}

void gr_tsarena_install(void)
{
    pthread_once(&install_once, install);
}

gr_tsarena *gr_tsarena_new(void)
{
    /* the hooks go in even when no arena can be had: they count */
    gr_tsarena_install();
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
    return a;
}

void gr_tsarena_free(gr_tsarena *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&reg_lock);
    size_t n = atomic_load_explicit(&nbases, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        if (atomic_load_explicit(&bases[i], memory_order_relaxed) == a->base)
            atomic_store_explicit(&bases[i], NULL, memory_order_relaxed);
    pthread_mutex_unlock(&reg_lock);
    UNPOISON(a->base, a->ever); /* the pages go back to the kernel; ASan's shadow must not say otherwise */
    munmap(a->base, RESERVE);
    free(a);
}

void gr_tsarena_begin(gr_tsarena *a)
{
    requested = 0;
    if (a) {
        a->top = a->last = a->span_high = 0;
        cur = a;
    }
}

void gr_tsarena_end(gr_tsarena *a)
{
    if (!a)
        return;
    cur = NULL;
    POISON(a->base, a->span_high); /* nothing from the span may be touched again */
    if (a->high > KEEP) {
        /* give back what one large file touched */
        madvise(a->base + KEEP, a->high - KEEP, MADV_DONTNEED);
        a->high = KEEP;
    }
    a->top = a->last = 0;
}

size_t gr_tsarena_requested(void)
{
    return requested;
}
