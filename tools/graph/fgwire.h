/*
 * fgwire.h - a per-file graph as bytes, for `sluice worker` to send back
 * to the coordinator (the result of a graph.file job, docs/formats/cluster.md).
 */
#ifndef SLUICE_GRAPH_FGWIRE_H
#define SLUICE_GRAPH_FGWIRE_H

#include "cluster.h"
#include "filegraph.h"

/* Appends f (all but its path and index, which are the coordinator's). */
void fg_wire_encode(const fg_file *f, sl_cluster_buf *out);
/* A fg_file named path/index from bytes, or NULL with why in err: every
 * string must lie in the arena and end there, every index point inside
 * the file and every parent come before its child. */
fg_file *fg_wire_decode(const void *data, size_t len, const char *path, uint32_t index, char *err, size_t errlen);

/* A text already read into a fresh f: the binary and UTF-8 checks, then
 * the extraction (x may be NULL: no parser). */
typedef struct gr_extractor gr_extractor;
void gr_parse_text(gr_extractor *x, fg_scratch *sc, fg_file *f, const char *buf, size_t len);

/* The worker side: one file's content to its encoded per-file graph, as
 * parse_all.c would build it from the file itself. */
extern const sl_cluster_kind sl_graph_job_kind;

#endif
