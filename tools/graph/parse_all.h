/*
 * parse_all.h - the parallel phase: workers parse files, one merger
 * (the calling thread) collects their per-file graphs.
 */
#ifndef SLUICE_GRAPH_PARSE_ALL_H
#define SLUICE_GRAPH_PARSE_ALL_H

#include "graph.h"
#include "graphcache.h"

typedef struct gr_parse_stats {
    uint64_t files, bytes;
} gr_parse_stats;

/* Parses every file in g on `threads` worker threads, plus any file a
 * `mod` declaration reaches that discovery did not list.  On return each
 * g->files[i].fg is set and per-file diagnostics are g's warnings.
 * With `progress`, a progress bar is drawn on stderr when it is a
 * terminal.  With a cache (may be NULL), a file whose text is in it is
 * not parsed, and every file parsed is added.  Returns 0, or -1 when the
 * workers could not be started. */
int gr_parse_all(gr_graph *g, int threads, int progress, gr_cache *cache, gr_parse_stats *st);

#endif
