/*
 * emit.h - the graph's two output formats (docs/formats/graph.md).
 *
 * Both write the same content in the same order, through tools/common's
 * outfile (a temporary file renamed into place), so a reader never sees
 * a half-written graph.
 */
#ifndef SLUICE_GRAPH_EMIT_H
#define SLUICE_GRAPH_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

#define GR_FORMAT_VERSION 2

/* Which file an output went to: the device and inode of the file written
 * (both 0 for standard output, a device or a FIFO written in place), so
 * that the run record can tell it from a file another run has renamed
 * over the path since (runrec.h). */
typedef struct gr_written {
    uint64_t dev, ino;
} gr_written;

/* Each returns 0, or -1 with a message (naming the file) in err; written,
 * if not NULL, says which file it was. */
int gr_emit_json(const gr_graph *g, const char *path, gr_written *written, char *err, size_t errlen);
int gr_emit_sqlite(const gr_graph *g, const char *path, char *err, size_t errlen);

/* The SQLite output in two steps, so that writing overlaps resolution:
 * start once the module tree is mounted and gr_resolve_reserve has pinned
 * the graph (a thread writes the mounted nodes and sorts their index keys
 * meanwhile); finish once gr_graph_finish has run.  start returns NULL
 * with a message in err when the output cannot be opened; finish returns
 * 0 (and the file in written, if not NULL), or -1 with a message. */
typedef struct gr_sqlite_job gr_sqlite_job;
gr_sqlite_job *gr_emit_sqlite_start(const gr_graph *g, const char *path, char *err, size_t errlen);
int gr_emit_sqlite_finish(gr_sqlite_job *j, gr_written *written, char *err, size_t errlen);

/* Shared by both: the files table's status text for a file. */
const char *gr_file_status(const gr_file *f);

#endif
