/*
 * tsarena.h - a per-thread bump allocator for tree-sitter's memory while
 * one file is parsed and walked.
 *
 * Parsing allocates and frees millions of small subtrees, and deleting a
 * tree walks all of it just to free them: in the Debian crate corpus that
 * malloc/free traffic costs about a fifth of the parse.  A worker instead
 * points tree-sitter at its own arena for the span of one file (parser,
 * tree, cursors), then drops everything at once by resetting a pointer.
 * Outside such a span tree-sitter gets plain malloc.  Every free is
 * checked against the arena's blocks (a bad one stops the process), and
 * ASan builds poison what is not a live block (tsarena.c).  The hooks also
 * count the bytes tree-sitter asks for, which is how the extractor bounds
 * the work one file may cost.
 */
#ifndef SLUICE_GRAPH_TSARENA_H
#define SLUICE_GRAPH_TSARENA_H

#include <stddef.h>

typedef struct gr_tsarena gr_tsarena;

/* Points tree-sitter's allocator at the arena's hooks, once per process.
 * Must happen before any other call into tree-sitter on any thread: the
 * hooks are plain global pointers that tree-sitter reads on every
 * allocation, and pthread_once is what orders the write before the reads
 * (gr_tsarena_new and gr_extractor_new call it first). */
void gr_tsarena_install(void);

/* NULL when no arena can be had (no address space, too many threads);
 * callers then use tree-sitter the ordinary way, still through the hooks. */
gr_tsarena *gr_tsarena_new(void);
void gr_tsarena_free(gr_tsarena *a);

/* Between begin and end, tree-sitter allocations on this thread come from
 * the arena; end forgets them all.  Nothing allocated in the span may be
 * used after end.  Either may be given NULL (no arena): begin then only
 * starts the count below. */
void gr_tsarena_begin(gr_tsarena *a);
void gr_tsarena_end(gr_tsarena *a);

/* The bytes tree-sitter asked for on this thread since gr_tsarena_begin
 * (every malloc, calloc and realloc, freed or not): a measure of the work
 * a parse does that is the same on every run of the same text. */
size_t gr_tsarena_requested(void);

#endif
