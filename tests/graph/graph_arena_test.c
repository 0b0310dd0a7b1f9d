/*
 * graph_arena_test.c - the bump arena tree-sitter allocates from while a
 * worker parses one file (tools/graph/tsarena.c), driven through the
 * allocator hooks tree-sitter itself calls: how it reuses memory, that it
 * refuses every pointer that is not a live block of its own, and (ASan
 * build) that what is not a live block is poisoned.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
    CHECK(a != NULL);
    if (!a)
        return;
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

/* Runs `bad` in a child process: 1 when the child stopped with SIGABRT
 * (the arena's check), after saying why on its standard error. */
static int aborts(void (*bad)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        bad();
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void free_inside_a_block(void)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(1 << 20);
    ts_current_malloc(64);
    ts_current_free(p + (512 << 10)); /* what tree-sitter 0.20.7 did past 65,535 children */
}

static void free_twice(void)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(100);
    ts_current_malloc(100);
    ts_current_free(p);
    ts_current_free(p);
}

static void free_after_the_span(void)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(100);
    gr_tsarena_end(a);
    ts_current_free(p);
}

static void realloc_freed_block(void)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(100);
    ts_current_malloc(100);
    ts_current_free(p);
    ts_current_realloc(p, 200);
}

SL_TEST(tsarena_stops_on_any_free_of_what_is_not_a_live_block)
{
    CHECK(aborts(free_inside_a_block));
    CHECK(aborts(free_twice));
    CHECK(aborts(free_after_the_span));
    CHECK(aborts(realloc_freed_block));
}

SL_TEST(tsarena_counts_the_bytes_tree_sitter_asks_for)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    CHECK_EQ(gr_tsarena_requested(), 0);
    char *p = ts_current_malloc(100);
    p = ts_current_realloc(p, 300);
    ts_current_free(ts_current_calloc(10, 10));
    ts_current_free(p);
    CHECK_EQ(gr_tsarena_requested(), 500);
    gr_tsarena_end(a);
    gr_tsarena_begin(a);
    CHECK_EQ(gr_tsarena_requested(), 0); /* per span */
    gr_tsarena_end(a);
    gr_tsarena_free(a);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GR_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(GR_TEST_ASAN)
#define GR_TEST_ASAN 1
#endif

#ifdef GR_TEST_ASAN
#include <sanitizer/asan_interface.h>

SL_TEST(tsarena_poisons_all_but_live_blocks_under_asan)
{
    gr_tsarena *a = gr_tsarena_new();
    gr_tsarena_begin(a);
    char *p = ts_current_malloc(100), *q = ts_current_malloc(40);
    CHECK(!__asan_region_is_poisoned(p, 100));
    CHECK(__asan_address_is_poisoned(p + 100)); /* past the end: padding, redzone */
    CHECK(__asan_address_is_poisoned(p - 1));   /* the header */
    CHECK(__asan_address_is_poisoned(q - 1));
    ts_current_free(p);
    CHECK(__asan_address_is_poisoned(p)); /* freed, though not given back */
    q = ts_current_realloc(q, 4000);      /* the newest: grows in place */
    CHECK(!__asan_region_is_poisoned(q, 4000));
    CHECK(__asan_address_is_poisoned(q + 4000));
    q = ts_current_realloc(q, 16);
    CHECK(__asan_address_is_poisoned(q + 2000)); /* what shrinking cut off */
    gr_tsarena_end(a);
    CHECK(__asan_address_is_poisoned(q)); /* nothing from an ended span */
    gr_tsarena_free(a);
}
#endif
