/*
 * snapshot.h - the resolved graph of a full run, kept beside its run
 * record, so that a run in which only function bodies changed resolves
 * the changed files' calls against it instead of rebuilding everything.
 *
 * The one idea: when every changed file kept its shape (dbupdate.h), the
 * module tree, the node ids, every scope, import, associated item and
 * unresolved name of the last full run still hold; only calls can
 * differ, and a call is resolved by lookups that read those tables and
 * nothing else.  So the tables are written once, after a full run, in
 * the layout the resolver reads them in (node array, string table, the
 * maps' entries, the lookup memo's among them), and a later run
 * decompresses the file, reads the arrays in place and builds the hash
 * tables again from the strings and the entries.  What a call run against the snapshot answers is what a full
 * run would answer as long as no lookup depended on the order lookups
 * were made in (a glob cycle, a search cut at its depth limit): a full
 * run that met one writes no snapshot, and a fast run that meets one
 * goes the full way (docs/formats/graph-snapshot.md says why that is
 * enough, and what else the fast run checks).
 *
 * The file is the native layout of this build (it never leaves the
 * machine): versioned, keyed by the build, checksummed (XXH3-128), and
 * checked in full when read - every id in range, every chain and parent
 * pointing forward, no key twice in a map - so that a damaged or hostile
 * file is refused, never followed.
 */
#ifndef SLUICE_GRAPH_SNAPSHOT_H
#define SLUICE_GRAPH_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "strtab.h"

/* What resolution leaves besides its edges (resolve.c fills it when
 * g->keep is set). */
typedef struct gr_resolved {
    gr_map memo, field_type, libs, crate_pkg;
    uint8_t *named;      /* by string id below nnamed: some node or import has that name */
    uint32_t nnamed;
    uint8_t *holds;      /* by node below nreal: it has named children or imports */
    uint32_t *first_ref; /* by unresolved node (id - nreal): 0 made for an import,
                            else 1 + the index of the pending reference that made it */
    size_t nfirst;
    gr_warning *warnings; /* all of them, repeats too, with their origins */
    size_t nwarnings;
    size_t orphans;       /* files no root reaches (the orphan note) */
    uint64_t order_dependent; /* references whose answer depended on the order of lookups */
} gr_resolved;
void gr_resolved_free(gr_resolved *k);

/* One place a file was mounted (a file reached from two roots is mounted
 * twice): its items' nodes, and where its references start among the
 * pending ones (a file's references are pending in one run). */
typedef struct gr_mounted {
    uint32_t file, pending, nrefs, nitems;
    uint32_t *map; /* item -> node; map[0] the module it was mounted at */
} gr_mounted;
typedef struct gr_mountlog {
    gr_mounted *v;
    size_t n, cap;
} gr_mountlog;
void gr_mountlog_free(gr_mountlog *m);

struct gr_graph;

/* Writes the snapshot of g (resolved and finished, with g->keep and
 * g->mlog filled) for the request into cache_dir, through a temporary
 * file and a rename; its id (fresh random bytes) into id.  0, or -1 when
 * none was written. */
int gr_snap_save(const char *cache_dir, const uint8_t request[32], const struct gr_graph *g, uint8_t id[16]);

/* A snapshot read back: g a read-only view (nodes, strings, imports,
 * maps; files[].path; nfiles, nreal), k the resolver's leftovers, the
 * mounts, and per file whether a warning names it. */
typedef struct gr_snap {
    void *base;   /* the file, read (gr_xbig) or a copy (malloc) */
    size_t len;
    int mapped;   /* base is gr_xbig's */
    void *raw;    /* its body, decompressed: every array below points here */
    size_t raw_len;
    void *tables; /* the hash tables built from it (gr_xbig): the strings' slots, then the maps' */
    size_t tables_len;
    struct gr_graph *g;
    gr_resolved k;
    gr_mounted *inst;
    size_t ninst;
    const uint8_t *warned; /* by file */
    const uint8_t *okeys;  /* by warning, 32 bytes each: the cache key of the text its line comes
                            * from (ofile's), zeros when none or unknown */
    const uint32_t *path_off;
    const char *paths;
} gr_snap;

/* Maps and checks the snapshot of the request whose id is id.  NULL,
 * with the reason in why, when there is none or it fails a check. */
gr_snap *gr_snap_open(const char *cache_dir, const uint8_t request[32], const uint8_t id[16], char *why,
                      size_t whylen);
/* The same over bytes in memory (copied; the fuzzer's entry). */
gr_snap *gr_snap_from_bytes(const void *p, size_t n, const uint8_t request[32], const uint8_t id[16], char *why,
                            size_t whylen);
void gr_snap_close(gr_snap *s);
/* The path of file i of a snapshot. */
const char *gr_snap_file_path(const gr_snap *s, uint32_t i);
/* A snapshot file made of a header and an uncompressed body p[128..n):
 * the body compressed, the header made to claim this build, the sizes
 * and checksum made to match (malloc'd; NULL when n < 128).  The fuzzer
 * mutates raw bodies; without this it would test only LZ4 and the
 * checksum.  gr_snap_seal makes a file's header claim this build and its
 * body size and checksum match the body as it is (blocks and sizes as
 * given), so that mutations reach the blocks' sizes and LZ4.  With bit 1
 * of header byte 112 set (readers ignore it), gr_snap_pack stores every
 * block as it is instead, the form a run uses for the maps' entries. */
void *gr_snap_pack(const void *p, size_t n, size_t *out_n);
void gr_snap_seal(void *p, size_t n);

#endif
