/*
 * js_printer.h - syntax tree to JavaScript text, with a source map.
 *
 * The printer regenerates the text from the tree: precedence decides the
 * parentheses, the renamer's names replace the written ones, and every
 * statement, identifier, call and member access that came from the source
 * gets a source-map segment pointing back at it.  Readable output by
 * default (two-space indentation, one statement a line); with
 * minify_whitespace only the spaces and semicolons the grammar needs.
 */
#ifndef SL_JS_PRINTER_H
#define SL_JS_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "js_ast.h"

typedef struct js_buf {
    char *v;
    size_t n, cap;
} js_buf;

void sl__js_buf_put(js_buf *b, const char *s, size_t n);
void sl__js_buf_puts(js_buf *b, const char *s);
void sl__js_buf_free(js_buf *b);

/* A source map v3 under construction (one output file, any number of sources). */
typedef struct js_sourcemap {
    js_buf mappings;
    const char **names;
    size_t nnames, names_cap;
    /* the last segment written, for relative encoding */
    int32_t gen_line, gen_col, src, orig_line, orig_col, name;
    uint8_t any_on_line;
} js_sourcemap;

/* A map as byte offsets, for a caller that splices the printed text and
 * never writes this map out (tools/bundle): output byte offset -> source
 * line and UTF-16 column (0-based), one point per output offset, in
 * output order.  No VLQ to write and decode, no output columns to count. */
typedef struct js_offmap_seg {
    uint32_t off;
    int32_t line, col;
} js_offmap_seg;

typedef struct js_offmap {
    js_offmap_seg *v;
    size_t n, cap;
} js_offmap;

typedef struct js_print_opts {
    uint8_t minify_whitespace;
    uint8_t ascii_only;   /* escape non-ASCII characters in strings (esbuild's default charset) */
    uint8_t keep_jsx;     /* print N_JSX as JSX (no lowering ran) */
    js_sourcemap *sourcemap; /* NULL: none */
    int32_t source_index;    /* this file's index in the map's sources */
    js_offmap *offmap;       /* NULL: none (with sourcemap NULL: instead of it) */
} js_print_opts;

/* Appends the program's text to out.  With a source map, segments are
 * added for positions of ast->src; the map's generated line/column
 * continue from what out held already. */
void sl__js_print(const js_ast *ast, const js_print_opts *o, js_buf *out);

/* Writes the whole map as JSON: sources (as given), sourcesContent (when contents is not NULL), names, mappings. */
void sl__js_sourcemap_json(const js_sourcemap *sm, const char *const *sources, const char *const *contents,
                           size_t nsources, js_buf *out);
void sl__js_sourcemap_free(js_sourcemap *sm);

/* The shortest text that reads back as the number v (v >= 0, finite), as Number.prototype.toString
 * gives it (minify: the shortest of that and the exponent form). */
void sl__js_format_number(double v, int minify, char *buf, size_t len);

#endif
