/*
 * js_bigmem.h - large blocks on transparent huge pages, for the arenas of
 * big inputs (tools/js's and tools/bundle's).
 *
 * The one idea: a block that is a multiple of 2 MiB, aligned to 2 MiB and
 * marked MADV_HUGEPAGE is faulted in 2 MiB at a time instead of 4 KiB.
 * A first touch of a page costs a fault (~10 us each on this project's
 * virtual machine: three.js x10 --minify --sourcemap took ~80,000 of them
 * in a fifth of its 3.9 s of CPU); a 20 MB arena filled 4 KiB at a time
 * takes 5,000.
 * Where the kernel gives no huge page the block is still ordinary memory.
 */
#ifndef SL_JS_BIGMEM_H
#define SL_JS_BIGMEM_H

#include <pthread.h>
#include <stddef.h>

enum { SL_JS_BIG_UNIT = 2u << 20 };

/* n rounded up to SL_JS_BIG_UNIT; never NULL (aborts when out of memory). */
void *sl__js_big_alloc(size_t n);
void sl__js_big_free(void *p, size_t n);

/* Asks for huge pages for the 2 MiB-aligned inside of a malloc'd block
 * of n bytes not yet touched (a bundle's text, its map's JSON), when n is
 * at least 4 MiB: glibc maps such a block on its own, and the advice
 * outlives realloc's mremap.  Only advice: nothing changes where it is
 * refused. */
void sl__js_huge_hint(void *p, size_t n);

/* Many arenas that live and die together (the pieces of a minified
 * bundle: hundreds, each a few hundred KB) take their chunks from one
 * pool of huge-page blocks instead of one malloc each; the pool frees
 * them all at once.  Threads share a pool: taking a chunk holds its
 * mutex (a chunk is 64 KiB or more, so that is rare). */
typedef struct js_chunk_pool {
    pthread_mutex_t mu;
    char *cur, *end;
    struct js_big_block { void *p; size_t n; } *blocks;
    size_t nblocks, cap;
} js_chunk_pool;

void sl__js_pool_init(js_chunk_pool *p);
/* n bytes, 16-byte aligned; never NULL. */
void *sl__js_pool_take(js_chunk_pool *p, size_t n);
void sl__js_pool_free(js_chunk_pool *p);

#endif
