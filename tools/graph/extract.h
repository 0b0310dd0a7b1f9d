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

typedef struct gr_extractor gr_extractor;

gr_extractor *gr_extractor_new(void);
void gr_extractor_free(gr_extractor *x);

/* Whether plain top-level constants are read from the text and left out
 * of the parse (skim.h): on by default; off parses every byte, which the
 * tests and the fuzzer use to check that both give the same graph. */
void gr_extractor_skim(gr_extractor *x, int on);

/* Fills a fresh f (from fg_file_new) from src[0..len): item 0 is the
 * file's own module, the rest follow in source order with 1-based lines. */
void gr_extract(gr_extractor *x, fg_file *f, const char *src, size_t len);

#endif
