/*
 * extract.h - one Rust source text to its per-file graph, with tree-sitter.
 *
 * An extractor owns a tree-sitter parser, so each worker thread has its
 * own; the grammar tables it shares are read-only.  Extraction never
 * fails: a syntax error costs only the items inside the broken region,
 * and is reported as a diagnostic on the file with its line.
 */
#ifndef SLUICE_GRAPH_EXTRACT_H
#define SLUICE_GRAPH_EXTRACT_H

#include <stddef.h>

#include "filegraph.h"

/* The version of what the extractor makes of a text: raise it with any
 * change to the per-file graph a text gives (items, references, uses,
 * diagnostics, the parse budget), so cached graphs of older versions
 * (graphcache.h) are not used. */
#define GR_EXTRACTOR_VERSION 10

typedef struct gr_extractor gr_extractor;

gr_extractor *gr_extractor_new(void);
void gr_extractor_free(gr_extractor *x);

/* Whether plain top-level constants are read from the text and left out
 * of the parse (skim.h): on by default; off parses every byte, which the
 * tests and the fuzzer use to check that both give the same graph. */
void gr_extractor_skim(gr_extractor *x, int on);

/* Fills a fresh f (from fg_file_new) from src[0..len): item 0 is the
 * file's own module, the rest follow in source order with 1-based lines.
 * The parse is bounded: past gr_parse_budget(len) bytes asked of the
 * allocator (tsarena.h), tree-sitter is stopped and the file keeps no
 * items, with a diagnostic at the line the parser had reached. */
void gr_extract(gr_extractor *x, fg_file *f, const char *src, size_t len);

/* The work one file's parse may cost, in bytes tree-sitter asks for
 * (freed or not): BASE + PER_BYTE x its size, at most MAX.  Real code
 * asks for 24 bytes per byte of source on the Debian crate corpus, at
 * most about 100 in a file over 4 KB, and about 5 KB for any parse at
 * all; error recovery that re-wraps a growing error region for every
 * token (a run of '#' around a literal) asks for tens of thousands per
 * byte, and its time goes with what it asks for. */
#define GR_PARSE_BUDGET_BASE ((size_t)1 << 20)
#define GR_PARSE_BUDGET_PER_BYTE ((size_t)1024)
#define GR_PARSE_BUDGET_MAX ((size_t)1 << 30)
size_t gr_parse_budget(size_t len);

#endif
