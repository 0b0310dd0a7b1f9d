/*
 * js_printer.h - the last phase: the bundle's text and its source map.
 *
 * A range-splicing printer.  Each module's output is its own source text
 * with a sorted list of patches applied: import and export statements
 * removed or stripped to their declarations, identifiers renamed to their
 * final names, `require()` and `import()` calls pointed at bundled
 * modules, --define values substituted.  Unchanged code is copied byte
 * for byte (comments and layout survive, and copying is fast); modules
 * are printed in parallel and joined in evaluation order.
 */
#ifndef SL_BUNDLE_JS_PRINTER_H
#define SL_BUNDLE_JS_PRINTER_H

#include <stddef.h>

#include "linker.h"
#include "sluice/pool.h"

typedef struct sl__output {
    char *code;
    size_t len;
    char *map; /* source map JSON when asked for */
    size_t map_len;
    size_t *module_bytes; /* bytes each module contributes (metafile) */
    /* with a map: its decoded segments and sources, for --minify to compose with */
    sl__map_seg *segs;
    size_t nsegs;
    char **sources;       /* relative to the map's directory */
    const char **contents; /* the original text (a .ts file's, not the JavaScript printed from it) */
    size_t *content_lens, nsources;
    /* where the code may be cut into pieces of whole top-level statements
     * (ascending; --minify works on them in parallel) */
    size_t *cuts, ncuts;
} sl__output;

/* map_name: the source map's file name, written into the sourceMappingURL
 * comment (NULL: no map).  map_dir: the directory the map's source paths
 * are made relative to.  map_json: 0 leaves out->map NULL (the caller
 * needs only the segments: --minify writes its own map).  Returns 0, or
 * -1 when the link left a name unassigned (an internal error; debug and
 * sanitizer builds abort). */
int sl__print(sl__link *L, sl_pool *pool, const char *map_name, const char *map_dir, int map_json, sl__output *out);
void sl__output_free(sl__output *out);

/* A source map v3 as JSON (*json malloc'd): segments in generated order. */
void sl__map_json(const sl__map_seg *segs, size_t nsegs, char *const *sources, const char *const *contents,
                  const size_t *lens, size_t nsources, char *const *names, size_t nnames, char **json, size_t *len);

#endif
