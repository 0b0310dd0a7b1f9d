/*
 * tsarena.h - a per-thread bump allocator for tree-sitter's memory while
 * one file is parsed and walked.
 *
 * Parsing allocates and frees millions of small subtrees, and deleting a
 * tree walks all of it just to free them: in the Debian crate corpus that
 * malloc/free traffic costs about a fifth of the parse.  A worker instead
 * points tree-sitter at its own arena for the span of one file (parser,
 * tree, cursors), then drops everything at once by resetting a pointer.
 * Outside such a span, and in sanitizer builds (so ASan still sees every
 * allocation), tree-sitter gets plain malloc.
 */
#ifndef SLUICE_GRAPH_TSARENA_H
#define SLUICE_GRAPH_TSARENA_H

typedef struct gr_tsarena gr_tsarena;

/* NULL when arenas are unavailable (sanitizer build, no address space);
 * callers then use tree-sitter the ordinary way. */
gr_tsarena *gr_tsarena_new(void);
void gr_tsarena_free(gr_tsarena *a);

/* Between begin and end, tree-sitter allocations on this thread come from
 * the arena; end forgets them all.  Nothing allocated in the span may be
 * used after end. */
void gr_tsarena_begin(gr_tsarena *a);
void gr_tsarena_end(gr_tsarena *a);

#endif
