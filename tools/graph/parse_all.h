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

/* ---- parsing elsewhere: --isolate (isolate.c), --workers (parse_remote.c) ---- */

typedef struct gr_iso gr_iso;
typedef struct gr_extractor gr_extractor;

typedef struct gr_parse_via {
    gr_iso *iso;         /* --isolate: files are parsed in worker processes */
    const char *workers; /* --workers URL: and by `sluice worker`s */
    int workers_only;    /* -j0: none here */
    int quiet, stats;    /* the coordinator's notes; its --stats lines */
} gr_parse_via;

/* gr_parse_all, the parsing done as via says (NULL: here). */
int gr_parse_all_via(gr_graph *g, const gr_parse_via *via, int threads, int progress, gr_cache *cache,
                     gr_parse_stats *st);

/* One file, from its path, as a local run parses it: read, the cache,
 * then gr_parse_text here or (iso) in a worker process. */
fg_file *gr_parse_file(gr_extractor *x, fg_scratch *sc, gr_cache *cache, gr_iso *iso, const char *path,
                       uint32_t file);
/* A text already read into a fresh f: the binary and UTF-8 checks, then
 * the extraction (x may be NULL: no parser).  Depends on the text alone. */
void gr_parse_text(gr_extractor *x, fg_scratch *sc, fg_file *f, const char *buf, size_t len);

/* A test build's fault injection (tests/graph/fault.c), called with every
 * text before it is parsed; elsewhere (isolate.c) it does nothing. */
void gr_fault_point(const char *src, size_t len);

/* The merger's half, for a parse dispatched elsewhere.  take keeps a
 * result (f->index its file), makes its diagnostics warnings, and calls
 * send for each file its `mod` declarations reach that was not listed
 * yet (added to g first); returns how many.  order_extra puts those in
 * path order once every result is in.  largest_first: g's files by size,
 * largest first (the order jobs start in; malloc'd). */
typedef void (*gr_parse_send)(void *arg, const gr_graph *g, uint32_t file);
size_t gr_parse_take(gr_graph *g, fg_file *f, gr_parse_stats *st, gr_parse_send send, void *arg);
void gr_parse_order_extra(gr_graph *g, size_t listed);
uint32_t *gr_parse_largest_first(const gr_graph *g);

/* parse_remote.c: gr_parse_all through a sl_cluster (via->workers). */
int gr_parse_remote(gr_graph *g, const gr_parse_via *via, int threads, int progress, gr_cache *cache,
                    gr_parse_stats *st);

/* isolate.c: a pool of `workers` parser processes (0: one per CPU), each
 * file limited to timeout_ns and each process to mem bytes; NULL (and a
 * message printed) when they cannot start. */
gr_iso *gr_iso_new(size_t workers, int64_t timeout_ns, size_t mem);
void gr_iso_free(gr_iso *iso);
/* Parses buf[0..len) in a worker process into a new *f (named as *f was).
 * 0; -1 when the process crashed, hung or bloated on it twice, or sent
 * back bytes that do not decode: *f is then a failed file whose
 * diagnostic says why. */
int gr_iso_parse(gr_iso *iso, fg_file **f, const char *buf, size_t len);
/* The other side of both, in a worker process or a `sluice worker`: a
 * text parsed as a local run parses a file it has read, and its per-file
 * graph encoded (fgcodec.h) into *out (malloc'd), *n.  The parser and its
 * buffers are kept in p between calls (zeroed at first). */
typedef struct gr_text_parser {
    gr_extractor *x;
    fg_scratch sc;
    char *buf; /* the text, NUL-terminated as the parser wants it */
    size_t cap;
} gr_text_parser;
void gr_text_parse_encode(gr_text_parser *p, const void *text, size_t len, uint8_t **out, size_t *n);
void gr_text_parser_free(gr_text_parser *p);
/* The worker function, for the program's sl_proc_serve. */
struct sl_proc_worker;
extern const struct sl_proc_worker sl_graph_parse_worker;

#endif
