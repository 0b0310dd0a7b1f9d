/*
 * dbupdate.h - `--db FILE --update`: bring the database the last run
 * wrote up to date with one SQLite transaction that changes only the rows
 * a change can affect, instead of writing the whole file again.
 *
 * The one idea: a per-file graph's *shape* - its items (kind, name,
 * visibility, parent, #[path], macro), its use leaves, its references
 * other than calls, its diagnostics' messages - is all that the module tree, the
 * node ids, the paths and the resolution of every other file's references
 * depend on.  When every file whose content changed since the last run
 * (run records keep each source file's cache key, runrec.h) has the shape
 * it had, and no directory, manifest or module lookup answered
 * differently, then every row of the new graph is the old one except the
 * changed files' node positions and signatures, their byte counts, the
 * edges out of their nodes and the warnings' lines - which is what the
 * transaction rewrites.  But for one thing: where an answer depends on
 * the order of lookups (a glob cycle), a lookup made or no longer made
 * changes other answers (gr_update_refs_changed, below).
 * Resolution itself is still run in full (the new edges come from it);
 * only the write is spared.  Anything else - a changed shape, an
 * unresolved name appearing or going, a database that is not the one the
 * record names - is a full rewrite through a temporary file and a rename,
 * as without --update.  Readers of the database see the old graph or the
 * new one (SQLite's rollback journal), never a mix; the content of the
 * database afterwards is row for row that of a full run.
 */
#ifndef SLUICE_GRAPH_DBUPDATE_H
#define SLUICE_GRAPH_DBUPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "graphcache.h"
#include "runrec.h"

typedef struct gr_update gr_update;

typedef struct gr_update_stats {
    size_t files;          /* files whose content changed */
    size_t nodes_updated;  /* node rows rewritten (positions, signature) */
    size_t edges_deleted, edges_inserted, files_updated;
    /* The database as the transaction left it, for the run record (path
     * NULL), when db_seen: taken before another writer could commit (a
     * stat after the transaction may see another run's commit) */
    int db_seen;
    gr_watch db;
} gr_update_stats;

/* After the parse (every fg_file in g, g->watch the run's answers): the
 * plan, or NULL with the reason a full write is needed in why. */
gr_update *gr_update_plan(gr_graph *g, const gr_runrec *rec, const char *db, gr_cache *cache, char *why,
                          size_t whylen);

/* After resolution (g finished): the transaction.  0 when the database is
 * up to date; -1 with the reason in why when nothing was changed and a
 * full write is needed. */
int gr_update_apply(gr_update *u, const gr_graph *g, gr_update_stats *st, char *why, size_t whylen);

void gr_update_free(gr_update *u);

/* Whether a changed file makes other references than before (calls
 * included).  Then, where some answer depended on the order of lookups
 * (a glob cycle) in this run or the last full one, another file's answer
 * may have changed with the lookups made: the transaction, which
 * rewrites only the changed files' edges, is not enough. */
int gr_update_refs_changed(const gr_update *u);

/* The same transaction from a snapshot's view g (fastupdate.c): each
 * node's row (position and, unless sig is NULL, signature: n's, when
 * moved) and its call edges (the targets, sorted and distinct; other
 * edges are left as they are), each file's byte count, and the warnings
 * made g's, after checking the node and file counts, each file's node
 * count, each patched node's file and each call target's kind and name
 * (not every unresolved name, as gr_update_apply does: from a snapshot
 * they are the last run's by construction).  0, or -1 with the reason in
 * why and nothing changed. */
typedef struct gr_node_patch {
    uint32_t id;
    int moved;
    gr_node n;       /* file, line, col, end_line, end_col */
    const char *sig; /* NULL: the row's kept */
    uint32_t siglen;
    const uint32_t *calls;
    size_t ncalls;
    int keep_calls;  /* its call edges stand: its file's references are the last full run's */
} gr_node_patch;
typedef struct gr_file_patch {
    uint32_t file; /* id: index + 1 */
    uint64_t bytes;
    size_t nnodes; /* the node rows it has */
} gr_file_patch;
/* (Both transactions return -2 instead of -1 when the database stayed
 * locked by another connection past SQLite's busy timeout, 10 s.) */
int gr_update_patch(const char *db, const gr_graph *g, const gr_file_patch *files, size_t nfiles,
                    const gr_node_patch *nodes, size_t nnodes, gr_update_stats *st, char *why, size_t whylen);

/* Around a whole write of the database at path (a new file renamed over
 * it): SQLite keeps a transaction's undo in path-journal, or its commits
 * in path-wal, and every reader that opens path applies what it finds
 * there - to whatever file has that name then.  gr_db_settle, before the
 * rename, lets SQLite (its locks held) roll back a journal a killed
 * writer left, or fold a log into the file, so the old file is whole for
 * anyone still reading it; gr_db_drop_sides, after the rename, removes
 * path-journal, path-wal and path-shm, which can only be the old file's,
 * so that no reader takes them for the new one's. */
void gr_db_settle(const char *path);
void gr_db_drop_sides(const char *path);

/* 1 when a and b have the same shape (above): only positions,
 * signatures, sizes and calls may differ. */
int gr_fg_same_shape(const fg_file *a, const fg_file *b);
/* 1 when a and b make the same references, calls included (each from the
 * same item, of the same kind and form, with the same text, in the same
 * order; lines aside). */
int gr_fg_same_refs(const fg_file *a, const fg_file *b);

/* Whether a watched directory that answers differently now is still the
 * directory discovery listed: the same one (device and inode: not another
 * directory, nor one a symlink led to, put in its place) with the same
 * mode (one that can no longer be listed, or now can be, changes which
 * files discovery lists and which it finds only through `mod`, and so the
 * order files are numbered in).  Its times alone change with any entry
 * that comes or goes; what discovery makes of its entries is in the other
 * watched paths. */
int gr_dir_kept(const gr_watch *was, const gr_watch *now);

/* SQLite's busy timeout on --update's connections, in ms: how long a
 * reader's lock is waited out (10 s; tests shorten it). */
extern int gr__busy_timeout_ms;

#endif
