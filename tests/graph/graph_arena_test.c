/*
 * graph_arena_test.c - the bump arena tree-sitter allocates from while a
 * worker parses one file (tools/graph/tsarena.c), driven through the
 * allocator hooks tree-sitter itself calls.  Sanitizer builds have no
 * arena (ASan must see every block); there the tests check just that.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "tsarena.h"

/* tree-sitter's allocator hooks (lib/src/alloc.h, not in the public api.h) */
extern void *(*ts_current_malloc)(size_t);
extern void *(*ts_current_calloc)(size_t, size_t);
extern void *(*ts_current_realloc)(void *, size_t);
extern void (*ts_current_free)(void *);

SL_TEST(tsarena_grows_newest_block_in_place_and_copies_others)
{
    gr_tsarena *a = gr_tsarena_new();
    if (!a)
        return; /* sanitizer build: plain malloc, nothing to test */
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(100);
    memset(p, 'x', 100);
    char *q = ts_current_realloc(p, 4000);
    CHECK(q == p); /* the newest block grows where it is */
    CHECK(q[99] == 'x');
    char *r = ts_current_malloc(10);
    char *s = ts_current_realloc(q, 9000);
    CHECK(s != q && s != r); /* no longer the newest: moved, copied */
    CHECK(s[0] == 'x' && s[99] == 'x');
    CHECK(((uintptr_t)s & 15) == 0);
    int *z = ts_current_calloc(64, sizeof *z);
    int zero = 1;
    for (int i = 0; i < 64; i++)
        zero &= z[i] == 0;
    CHECK(zero); /* calloc zeroes even reused arena memory */
    ts_current_free(z);
    ts_current_free(r);
    gr_tsarena_end(a);
    gr_tsarena_free(a);
}

SL_TEST(tsarena_reuses_memory_after_end_and_zeroes_calloc)
{
    gr_tsarena *a = gr_tsarena_new();
    if (!a)
        return;
    gr_tsarena_begin(a);
    char *first = ts_current_malloc(64);
    memset(first, 0xAB, 64);
    gr_tsarena_end(a);
    gr_tsarena_begin(a);
    unsigned char *again = ts_current_calloc(1, 64);
    CHECK((char *)again == first); /* the span starts over at the same place */
    CHECK(again[0] == 0 && again[63] == 0);
    gr_tsarena_end(a);
    gr_tsarena_free(a);
}

SL_TEST(tsarena_leaves_allocations_outside_a_span_to_libc)
{
    gr_tsarena *a = gr_tsarena_new();
    /* outside begin/end (or with no arena): ordinary heap blocks, which
     * free and realloc must hand back to libc even while a span is open */
    char *heap = ts_current_malloc(32);
    CHECK(heap != NULL);
    gr_tsarena_begin(a);
    heap = ts_current_realloc(heap, 64000);
    CHECK(heap != NULL);
    ts_current_free(heap);
    gr_tsarena_end(a);
    gr_tsarena_free(a);
}
