/*
 * graph.h - the global code graph the merger owns: crates, files, nodes,
 * edges, warnings, and the indexes name resolution walks.
 *
 * Only the merger thread builds a gr_graph; once gr_graph_finish has run
 * it is read-only, and the writers may read it from two threads.  Node
 * ids are array indexes starting at 1, assigned in a fixed walk (crates
 * in input order, each module tree depth-first in source order, then
 * orphan files by path, then unresolved names in order of first
 * reference), never in the order workers finish; that is what makes the
 * output identical for any -j.
 */
#ifndef SLUICE_GRAPH_GRAPH_H
#define SLUICE_GRAPH_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "filegraph.h"
#include "manifest.h"
#include "runrec.h"
#include "strtab.h"

/* A crate root found by discovery (lib, bin, test, ...). */
typedef struct gr_crate {
    char *name;   /* target name: package name with '-' as '_' for a lib */
    char *kind;   /* "lib", "bin", "test", "example", "bench", "build", "file" */
    char *root;   /* path of the root file */
    uint32_t package; /* index of its package in gr_graph.packages */
    uint32_t node;    /* its crate node, once built */
    uint16_t edition; /* 2015, 2018, 2021, 2024...: the target's, else its package's (resolve.c) */
} gr_crate;

/* A directory with a Cargo.toml (or a lone file's directory). */
typedef struct gr_package {
    char *dir;
    char *name;
} gr_package;

typedef struct gr_file {
    char *path;       /* normalised, as discovery or a mod declaration named it */
    uint32_t package; /* owning package, UINT32_MAX for files found via #[path] */
    uint8_t walked;   /* found by walking a package directory */
    uint8_t mounted;  /* reached from some crate root */
    uint8_t orphan;   /* walked, parsed, never reached */
    uint8_t on_stack; /* being mounted now (cycle detection) */
    uint32_t module;  /* node it was first mounted at, 0 if none */
    uint32_t size;    /* bytes when discovery saw it (job order only) */
    uint32_t watch;   /* with a run record: 1 + the index in g->watch of the answer discovery's
                       * lstat(2) gave for it (a regular file), else 0 */
    fg_file *fg;      /* the worker's result; NULL until it arrives */
} gr_file;

typedef struct gr_node {
    uint8_t kind, sub;
    uint32_t name, vis;  /* strtab ids */
    uint32_t macro;      /* strtab id: the item macro it was written in, 0 for none */
    uint32_t path, sig;  /* gr_text offsets: written out, never looked up */
    uint32_t file;                 /* file index + 1; 0 for none */
    uint32_t line, col, end_line, end_col;
    uint32_t parent;   /* containing node (contains edge), 0 for none */
    uint32_t crate;    /* crate node, 0 for none */
    uint32_t next_same;/* next node with the same (parent, name) */
    uint32_t target;   /* impl: its self type node once resolved */
} gr_node;

typedef struct gr_edge_rec {
    uint32_t src, dst;
    uint8_t kind;
} gr_edge_rec;

/* A reference waiting for resolution. */
typedef struct gr_pending {
    uint32_t from;       /* node */
    uint32_t text;       /* strtab id of the path text */
    uint8_t edge, form;
} gr_pending;

/* A use leaf: binds a name in a scope (or globs a module into it). */
typedef struct gr_import {
    uint32_t node;   /* the use node */
    uint32_t scope;  /* node whose names it extends */
    uint32_t path;   /* strtab id */
    uint32_t bind;   /* strtab id of the bound name; 0 for globs and `_` */
    uint8_t glob;
    uint8_t state;   /* 0 unresolved, 1 resolving, 2 done */
    uint32_t target; /* resolved node, 0 when not found */
    uint32_t next;   /* next import with the same (scope, bind), or next glob */
} gr_import;

typedef struct gr_warning {
    uint32_t file; /* strtab id of the file path ("" for none) */
    uint32_t line;
    char *msg;
    /* where its line comes from, when from a source's text (so that a
     * snapshot can move it with the text, snapshot.h): file index + 1 (0
     * for none), and item or diagnostic index */
    uint32_t ofile, oindex;
    uint8_t okind; /* GR_WARN_ITEM, GR_WARN_DIAG */
} gr_warning;
enum { GR_WARN_ITEM = 1, GR_WARN_DIAG = 2 };

/* Strings only written out (node paths and signatures, nearly all
 * distinct): appended, not interned, so they cost a copy and no hashing.
 * Each is its length (4 bytes) and its bytes; offset 0 is "". */
typedef struct gr_text {
    char *buf;
    size_t len, cap;
} gr_text;

typedef struct gr_graph {
    gr_strtab st;
    gr_text text;
    gr_package *packages;
    size_t npackages, packages_cap;
    gr_crate *crates;
    size_t ncrates, crates_cap;
    gr_file *files;
    size_t nfiles, files_cap;
    gr_map file_by_path;      /* strtab id of path -> file index + 1 */
    gr_node *nodes;           /* nodes[0] unused */
    size_t nnodes, nodes_cap; /* nnodes counts nodes[0] */
    gr_edge_rec *edges;
    size_t nedges, edges_cap;
    gr_pending *pending;
    size_t npending, pending_cap;
    gr_import *imports;       /* imports[0] unused */
    size_t nimports, imports_cap;
    gr_warning *warnings;
    size_t nwarnings, warnings_cap;
    gr_map children;          /* (parent, name) -> first node */
    gr_map binds;             /* (scope, name) -> first import */
    gr_map globs;             /* (scope, 0) -> first glob import */
    gr_map assoc;             /* (type node, name) -> first assoc entry */
    uint32_t *assoc_next;     /* assoc entries: node, next (pairs) */
    size_t nassoc, assoc_cap;
    gr_map unresolved;        /* (text id, 0) -> node */
    size_t nreal;             /* nodes before unresolved ones were added */
    size_t order_dependent;   /* references whose answer depended on the order of lookups (resolve) */
    int pinned;               /* nodes and text must not move (see gr_resolve_reserve) */
    gr_strlist inputs;        /* command-line paths, for the meta table */
    gr_strlist unread;        /* directories of .rs files in no package discovery read, sorted (a note) */
    int unread_more;          /* the search for them stopped early: there may be more */
    gr_watchlist *watch;      /* NULL, or every path asked about is recorded (runrec.h) */
    struct gr_resolved *keep; /* NULL, or what resolution leaves is kept there (snapshot.h) */
    struct gr_mountlog *mlog; /* NULL, or every mount of a file is logged there (snapshot.h) */
} gr_graph;

/* What discovery and the merger ask the file system about goes through
 * here, so that a run record (runrec.h) knows every answer the graph
 * depends on: the answer recorded (valid until the next question), which
 * the asker uses rather than asking again; NULL when nothing is recorded. */
static inline const gr_watch *gr_graph_watch(gr_graph *g, const char *path)
{
    return g->watch ? gr_watch_path(g->watch, path) : NULL;
}

void gr_graph_init(gr_graph *g);
uint32_t gr_text_add(gr_graph *g, const char *s, size_t len);
void gr_text_reserve(gr_graph *g, size_t bytes);
static inline const char *gr_text_str(const gr_graph *g, uint32_t off)
{
    return g->text.buf + off + 4;
}
static inline uint32_t gr_text_len(const gr_graph *g, uint32_t off)
{
    uint32_t n;
    __builtin_memcpy(&n, g->text.buf + off, 4);
    return n;
}
void gr_graph_free(gr_graph *g);

uint32_t gr_graph_file(gr_graph *g, const char *path, uint32_t package, int walked, int *added);
/* Capacity for `nodes` nodes and `edges` edges in all (a hint). */
void gr_graph_reserve(gr_graph *g, size_t nodes, size_t edges);
uint32_t gr_graph_add_node(gr_graph *g, const gr_node *n);
void gr_graph_add_edge(gr_graph *g, uint32_t src, int kind, uint32_t dst);
void gr_graph_warn(gr_graph *g, const char *file, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The last warning's line is that of item or diagnostic index of file. */
static inline void gr_warning_origin(gr_graph *g, uint32_t file, int kind, uint32_t index)
{
    gr_warning *w = &g->warnings[g->nwarnings - 1];
    w->ofile = file + 1;
    w->okind = (uint8_t)kind;
    w->oindex = index;
}

/* Sorts and de-duplicates edges, sorts warnings: the canonical order. */
void gr_graph_finish(gr_graph *g);
/* The warnings' part of it: sorted by file, line and message, repeats
 * dropped (and their messages freed). */
void gr_warnings_sort(gr_graph *g);
/* What a run says on standard error besides errors: its warnings, the
 * orphan note and the note on g->unread (kept in the run record, to be
 * said again); malloc'd. */
char *gr_warnings_text(const gr_graph *g, size_t orphans);

/* Module tree (mount.c): every crate root and what it reaches, then the
 * orphan files.  Needs every reachable file's fg_file in place. */
void gr_mount_all(gr_graph *g);
/* Fills g->children (and the next_same chains) from the mounted nodes:
 * done in bulk after the mount, which does not read it, so that the
 * SQLite writer can start first. */
void gr_mount_index_children(gr_graph *g);
/* Whether a node is one of its parent's named children, as lookups see
 * them (and as g->children holds them): items of files, not roots, impls
 * or uses. */
static inline int gr_is_named_child(const gr_node *n)
{
    return n->parent && n->name && n->kind != GK_USE && n->kind != GK_IMPL;
}
/* The files a parsed file's `mod x;` declarations might load, in every
 * reading of its directory ownership: discovery asks for those that exist. */
void gr_mount_candidates(const gr_graph *g, const fg_file *f, gr_strlist *out);
/* Interns f's names, reference texts and use paths into g's string table
 * (f->gid_*), so that the mount does not have to: the merger does it as
 * each file comes in, while the workers parse.  String ids are never
 * written out, so the order files arrive in changes nothing. */
void gr_mount_intern(gr_graph *g, fg_file *f);

/* Name resolution (resolve.c): turns pending references and imports into
 * edges, adding unresolved nodes for what cannot be found. */
void gr_resolve_all(gr_graph *g);
/* Makes room for everything gr_resolve_all adds (unresolved nodes, their
 * texts, the strings it interns) and pins the nodes, the text arena and
 * the string table: until gr_graph_unpin, resolving moves none of them,
 * so another thread may read the mounted nodes and their strings
 * meanwhile (the SQLite writer does).  A reservation that falls short
 * aborts rather than race. */
void gr_resolve_reserve(gr_graph *g);
void gr_graph_unpin(gr_graph *g);

/* One call at a time against a snapshot's read-only view (snapshot.h,
 * fastupdate.c): the lookups a full run's third pass makes, with the
 * snapshot's memo under a fresh one. */
struct gr_resolved;
typedef struct gr_resolver gr_resolver;
gr_resolver *gr_resolver_new(gr_graph *view, const struct gr_resolved *saved);
/* The node a reference of kind edge (enum gr_edge) and form (enum
 * fg_form) with text, from node `from`, names: its target, else the
 * unresolved node of its text, else 0 (a full run would make a new
 * unresolved node). */
uint32_t gr_resolver_ref(gr_resolver *rv, uint32_t from, const char *text, int edge, int form);
/* Whether the last call's answer met a cycle or a cut of the lookups
 * (itself or through a memoised answer): then it may depend on the
 * order references are resolved in, and a full run must give it. */
int gr_resolver_tainted(const gr_resolver *rv);
void gr_resolver_free(gr_resolver *rv);

/* Paths (mount.c): dir/rel with "." and ".." folded, as a new string. */
char *gr_path_join(const char *dir, const char *rel);
char *gr_path_dirname(const char *path);

#endif
