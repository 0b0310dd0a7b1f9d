/*
 * stack.c - task stacks cut from mmap'd chunks, each with a guard page
 * below it; see stack.h for the layout and the policy.
 */
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sluice/chan.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef PIDFD_SELF_THREAD
#define PIDFD_SELF_THREAD (-10000) /* this process's memory, Linux 6.13+ */
#endif

enum { CHUNK_BYTES = 4 << 20, WARM_SHARED = 256, GUARD_BATCH = 256 };

typedef struct sl__stack_chunk {
    struct sl__stack_chunk *next;
    char *base;
    size_t bytes;
    size_t slots, handed; /* slots cut so far */
} sl__stack_chunk;

static size_t page_size(void)
{
    static size_t page;
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

size_t sl__stack_default_size(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return 256 << 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return 256 << 10;
#else
    return 64 << 10;
#endif
#else
    return 64 << 10;
#endif
}

void sl__stacks_init(sl__stacks *s, size_t size)
{
    memset(s, 0, sizeof *s);
    s->size = size;
    atomic_init(&s->used, 0);
    sl__lock_init(&s->lock);
}

static size_t slot_bytes(const sl__stacks *s)
{
    return page_size() + s->size;
}

/* One advice for one page at `first` + i * slot, for every slot, in as
 * few system calls as process_madvise allows.  1 if all were applied. */
static int advise_slots(char *base, size_t slots, size_t slot, size_t first, int advice)
{
    struct iovec iov[GUARD_BATCH];
    size_t done = 0;
    while (done < slots) {
        size_t k = 0;
        for (; k < GUARD_BATCH && done + k < slots; k++)
            iov[k] = (struct iovec){base + (done + k) * slot + first, page_size()};
        if (syscall(SYS_process_madvise, PIDFD_SELF_THREAD, iov, k, advice, 0) < 0)
            return 0;
        done += k;
    }
    return 1;
}

/* Whether the guard region at p really guards.  An emulator may accept
 * the advice and do nothing (qemu-user answers every madvise with 0), so
 * the first chunk asks the kernel to read the page: faccessat() copies
 * its path from user memory, which fails with EFAULT on a guard region
 * and finds an empty path (ENOENT) on an ordinary zero page. */
static int guards_hold(const char *p)
{
    static _Atomic int known; /* 0 untried, 1 yes, 2 no */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k == 0) {
        /* The raw system call: a sanitizer's access() would read the path
         * itself first, and fault. */
        k = syscall(SYS_faccessat, AT_FDCWD, p, F_OK, 0) != 0 && errno == EFAULT ? 1 : 2;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 1;
}

/* Guard pages for every slot of a chunk.  Preferred: guard regions, in
 * one process_madvise call per batch (a plain madvise per page costs
 * 2-3 us; batched, under 1 us); then madvise one by one; then mprotect,
 * which splits the mapping around every guard. */
enum { GUARD_UNTRIED, GUARD_BATCHED, GUARD_ONE_BY_ONE, GUARD_MPROTECT };
static _Atomic int mode; /* GUARD_*: how guards are installed */

static int install_guards(char *base, size_t slots, size_t slot)
{
    int m = atomic_load_explicit(&mode, memory_order_relaxed);
    size_t page = page_size();
    if (m <= 1) {
        if (advise_slots(base, slots, slot, 0, MADV_GUARD_INSTALL) && guards_hold(base)) {
            atomic_store_explicit(&mode, 1, memory_order_relaxed);
            return 0;
        }
        m = 2;
    }
    if (m == 2) {
        size_t i = 0;
        while (i < slots && madvise(base + i * slot, page, MADV_GUARD_INSTALL) == 0)
            i++;
        if (i == slots && guards_hold(base)) {
            atomic_store_explicit(&mode, 2, memory_order_relaxed);
            return 0;
        }
        if (i > 0 && i < slots) /* guard regions work but something else failed */
            return -1;
        atomic_store_explicit(&mode, 3, memory_order_relaxed);
    }
    for (size_t i = 0; i < slots; i++)
        if (mprotect(base + i * slot, page, PROT_NONE) != 0)
            return -1;
    return 0;
}

static sl__stack_chunk *chunk_new(sl__stacks *s)
{
    size_t slot = slot_bytes(s);
    size_t slots = CHUNK_BYTES / slot;
    if (slots == 0)
        slots = 1;
    sl__stack_chunk *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->bytes = slots * slot;
    c->base = mmap(NULL, c->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                   -1, 0);
    if (c->base == MAP_FAILED) {
        s->fail_errno = errno;
        free(c);
        return NULL;
    }
    /* Huge pages would commit 2 MiB for a task's first touch. */
    madvise(c->base, c->bytes, MADV_NOHUGEPAGE);
    if (install_guards(c->base, slots, slot) != 0) {
        s->fail_errno = errno;
        munmap(c->base, c->bytes);
        free(c);
        return NULL;
    }
    /* Every task touches its top page at once (its record and first
     * frames).  Committing those pages in one batch costs about 1 us a
     * page; a page fault each costs 10-25 us on a virtual machine.  Where
     * the kernel cannot, they fault in as usual. */
    advise_slots(c->base, slots, slot, slot - page_size(), MADV_POPULATE_WRITE);
    c->slots = slots;
    c->handed = 0;
    return c;
}

/* The record sits at the top of the slot, 64-byte aligned; the stack runs
 * from just above the guard page up to it. */
static sl__g *slot_record(const sl__stacks *s, char *slot)
{
    char *end = slot + slot_bytes(s);
    uintptr_t r = ((uintptr_t)end - sizeof(sl__g)) & ~(uintptr_t)63;
    sl__g *g = (sl__g *)r;
    memset(g, 0, sizeof *g);
    g->stack_lo = slot + page_size();
    g->stack_size = (size_t)((char *)g - g->stack_lo);
    return g;
}

/* Under the lock: a never-used slot from the newest chunk, or a new chunk. */
static sl__g *cut_slot(sl__stacks *s)
{
    sl__stack_chunk *c = s->chunks;
    if (!c || c->handed == c->slots) {
        c = chunk_new(s);
        if (!c)
            return NULL;
        c->next = s->chunks;
        s->chunks = c;
    }
    s->cut++;
    return slot_record(s, c->base + c->handed++ * slot_bytes(s));
}

/* A reused record keeps its stack bounds; the rest starts over. */
static sl__g *reset(sl__g *g)
{
    char *lo = g->stack_lo;
    size_t size = g->stack_size;
    memset(g, 0, sizeof *g);
    g->stack_lo = lo;
    g->stack_size = size;
    return g;
}

sl__g *sl__stack_get(sl__stacks *s, sl__stack_cache *c)
{
    if (c && c->n)
        return reset(c->items[--c->n]);
    if (!atomic_load_explicit(&s->used, memory_order_relaxed))
        atomic_store_explicit(&s->used, 1, memory_order_relaxed);
    sl__lock_acquire(&s->lock);
    sl__g *g = s->free;
    if (g) {
        s->free = g->next;
        s->nfree--;
    } else {
        g = cut_slot(s);
    }
    /* Refill the cache by half, so a worker starting many tasks takes the
     * lock once per 32. */
    while (c && c->n < SL__STACK_CACHE / 2 && s->free) {
        c->items[c->n++] = s->free;
        s->free = s->free->next;
        s->nfree--;
    }
    sl__lock_release(&s->lock);
    return g ? reset(g) : NULL;
}

/* Under the lock: beyond WARM_SHARED idle stacks, give back all of a
 * stack but its top page (which holds the record). */
static void shared_push(sl__stacks *s, sl__g *g)
{
    if (s->nfree >= WARM_SHARED) {
        size_t page = page_size();
        char *top_page = (char *)((uintptr_t)g & ~(uintptr_t)(page - 1));
        if (top_page > g->stack_lo)
            madvise(g->stack_lo, (size_t)(top_page - g->stack_lo), MADV_DONTNEED);
    }
    g->next = s->free;
    s->free = g;
    s->nfree++;
}

void sl__stack_put(sl__stacks *s, sl__stack_cache *c, sl__g *g)
{
    if (c && c->n < SL__STACK_CACHE) {
        c->items[c->n++] = g;
        return;
    }
    sl__lock_acquire(&s->lock);
    shared_push(s, g);
    /* Half of a full cache goes too, so the next puts are lock-free. */
    while (c && c->n > SL__STACK_CACHE / 2)
        shared_push(s, c->items[--c->n]);
    sl__lock_release(&s->lock);
}

void sl__stack_cache_flush(sl__stacks *s, sl__stack_cache *c)
{
    sl__lock_acquire(&s->lock);
    while (c->n)
        shared_push(s, c->items[--c->n]);
    sl__lock_release(&s->lock);
}

void sl__stacks_destroy(sl__stacks *s)
{
    sl__stack_chunk *c = s->chunks;
    while (c) {
        sl__stack_chunk *next = c->next;
        munmap(c->base, c->bytes);
        free(c);
        c = next;
    }
    s->chunks = NULL;
    s->free = NULL;
    s->nfree = 0;
}

/* The kernel's limit on a process's mappings, or 0 if unknown. */
static long max_map_count(void)
{
    long v = 0;
    int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
        v = v * 10 + (buf[i] - '0');
    return v;
}

void sl__stack_failure(sl__stacks *s, char *buf, size_t n)
{
    sl__lock_acquire(&s->lock);
    int err = s->fail_errno;
    size_t cut = s->cut;
    sl__lock_release(&s->lock);
    /* With mprotect'ed guards every stack costs two mappings, and the
     * kernel answers ENOMEM (to mmap, or to the mprotect that would split
     * the mapping) once the process has vm.max_map_count of them: near
     * 32,000 stacks by default, long before memory runs out. */
    if (err == ENOMEM && atomic_load_explicit(&mode, memory_order_relaxed) == GUARD_MPROTECT) {
        long max = max_map_count();
        char lim[48] = "";
        if (max > 0)
            snprintf(lim, sizeof lim, " (vm.max_map_count = %ld)", max);
        snprintf(buf, n,
                 "no stack for another task: the process has reached the kernel's limit on memory mappings%s "
                 "with %zu task stacks in this pool. Before Linux 6.13 each stack's guard page costs two "
                 "mappings: raise the limit to more than twice the tasks alive at once "
                 "(sysctl -w vm.max_map_count=262144), or run Linux 6.13 or later, where guard pages cost none",
                 lim, cut);
        return;
    }
    snprintf(buf, n, "out of memory for a task's stack (%zu task stacks in this pool): %s", cut,
             strerror(err ? err : ENOMEM));
}

char *sl__stack_guard(const sl__g *g)
{
    return g->stack_lo - page_size();
}
