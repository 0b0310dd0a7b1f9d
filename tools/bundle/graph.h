/*
 * graph.h - the module graph, built by a coordinator and a pool of workers.
 *
 * The coordinator (the calling thread) alone owns the module table and the
 * `seen` map from path to module id.  Workers take paths from the work
 * channel, read, lex, parse and resolve each module's imports into their
 * own arena, and send the finished record back on the result channel.
 * The coordinator assigns ids to newly seen paths and sends them out as
 * work; the build is complete when no module is pending.  Nothing on this
 * path takes a lock other than the channels' own.
 */
#ifndef SL_BUNDLE_GRAPH_H
#define SL_BUNDLE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "js_ast.h"
#include "js_front.h"
#include "js_record.h"
#include "resolver.h"
#include "sluice/pool.h"

typedef struct sl__graph_opts {
    js_parse_opts parse;
    sl__resolve_opts resolve;
    size_t max_modules; /* more is an error at the import that would pass it (0: SL_BUNDLE_MAX_MODULES) */
    sl__lower_cfg lower; /* --jsx* flags (-1 / NULL: the nearest tsconfig.json, else the default) */
} sl__graph_opts;

typedef struct sl__graph {
    js_module **mods; /* by id; entries first */
    size_t n;
    size_t nentries;
    size_t bytes;      /* source bytes read */
    size_t arena_bytes;
    size_t nworkers;
    void *priv;        /* worker arenas, freed by sl__graph_free */
} sl__graph;

/* Builds the graph from absolute entry paths.  Returns 0, or -1 with one
 * message per failing module (joined by newlines) in *err (malloc'd). */

int sl__graph_build(sl__graph *g, sl_pool *pool, const char **entries, size_t nentries, const sl__graph_opts *o,
                    char **err);
void sl__graph_free(sl__graph *g);

/* Where byte offset pos of m->src is in the file the user wrote: the same
 * offset for JavaScript, through the module's own map for TypeScript and
 * JSX.  *src and *len receive that file's text. */
uint32_t sl__module_orig_pos(const js_module *m, uint32_t pos, const char **src, size_t *len);
/* "path:line:col: text", the line and a caret under pos (js_diag.c), in
 * the file the user wrote (through sl__module_orig_pos); malloc'd, NULL
 * when out of memory. */
char *sl__module_diag(const char *path, const js_module *m, uint32_t pos, const char *text);

#endif
