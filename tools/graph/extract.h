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

/* Fills f (which has only its root item slot free) from src[0..len).
 * Items get 1-based lines; item 0 is the file's own module. */
void gr_extract(gr_extractor *x, fg_file *f, const char *src, size_t len);

/* Parses without extracting, for the parse-only benchmark floor.
 * Returns the number of nodes with syntax errors (0 for a clean file). */
int gr_parse_only(gr_extractor *x, const char *src, size_t len);

#endif
