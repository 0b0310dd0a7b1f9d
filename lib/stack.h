/*
 * stack.h - task stacks: fixed-size, guard-paged, committed by the kernel
 * as they are touched, and pooled.
 *
 * Stacks are cut from chunks, each one mmap of several stack slots:
 *
 *   chunk: [guard|stack ......... record][guard|stack ......... record]...
 *                 ^ stack_lo               ^ the sl__g, at the top
 *
 * The guard page under each stack is a lightweight guard region
 * (MADV_GUARD_INSTALL, Linux 6.13+), which does not split the mapping, so
 * a million stacks cost a few mappings, not two million (the kernel allows
 * 65530).  Older kernels get an mprotect'ed page instead, two mappings a
 * stack, and run out near 32,000 stacks (sl__stack_failure says so).  Nothing is
 * committed until touched, so a task that never goes deep costs one page.
 *
 * Freed stacks go to the freeing worker's cache (no lock), and past that
 * to the pool's shared list (a lock).  Beyond a few hundred idle stacks
 * the shared list gives back all but a stack's top page, which holds the
 * record.
 */
#ifndef SLUICE_STACK_H
#define SLUICE_STACK_H

#include <stddef.h>

#include "lock.h"
#include "task.h"

enum { SL__STACK_CACHE = 64 };

typedef struct sl__stack_cache {
    unsigned n;
    sl__g *items[SL__STACK_CACHE];
} sl__stack_cache;

typedef struct sl__stacks {
    size_t size;          /* bytes per stack, record included, page multiple */
    _Atomic int used;     /* 1 once a stack was handed out: size is fixed */
    sl__lock lock;
    sl__g *free;          /* shared list of idle stacks */
    size_t nfree;
    struct sl__stack_chunk *chunks;
    size_t cut;           /* stacks cut from chunks so far */
    int fail_errno;       /* why the last chunk could not be made */
} sl__stacks;

/* Default stack size: 64 KiB, 256 KiB under sanitizers (their frames are
 * several times larger). */
size_t sl__stack_default_size(void);
void sl__stacks_init(sl__stacks *s, size_t size);
/* Unmaps every chunk; no stack may be in use. */
void sl__stacks_destroy(sl__stacks *s);
/* A stack with its record (zeroed but for the stack fields), or NULL when
 * memory or mappings ran out.  c may be NULL. */
sl__g *sl__stack_get(sl__stacks *s, sl__stack_cache *c);
void sl__stack_put(sl__stacks *s, sl__stack_cache *c, sl__g *g);
/* Why sl__stack_get last returned NULL, as a sentence for stderr: the
 * mapping limit (vm.max_map_count, with its value and the cure) when the
 * guards are mprotect'ed pages, else out of memory. */
void sl__stack_failure(sl__stacks *s, char *buf, size_t n);
/* Moves a cache's stacks to the shared list (a worker leaving). */
void sl__stack_cache_flush(sl__stacks *s, sl__stack_cache *c);
/* The guard page of a stack: [lo, lo + page). */
char *sl__stack_guard(const sl__g *g);

#endif
