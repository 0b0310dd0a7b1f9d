/*
 * js_front.h - the bundler's door into tools/js (the shared JS/TS/JSX
 * front end) for lowering TypeScript and JSX modules to JavaScript before
 * they enter the graph, and for minifying the linked bundle (js_record.c
 * is the other door: every module's record).
 *
 * tools/js and tools/bundle both name types js_parse_opts, js_ast, ...,
 * so no file includes both; this header speaks in plain C types only and
 * js_front.c includes tools/js (and js_record.c, renaming).  A
 * TypeScript module is parsed twice, both by tools/js: here, then (as the
 * JavaScript it printed) for its record.
 */
#ifndef SL_BUNDLE_JS_FRONT_H
#define SL_BUNDLE_JS_FRONT_H

#include <stddef.h>
#include <stdint.h>

/* A point of a module's own source map: byte offset in the printed
 * JavaScript -> 0-based line and column (UTF-16 units) in the original. */
typedef struct sl__omap_seg {
    uint32_t off;
    int32_t line, col;
} sl__omap_seg;

enum { SL_JSX_UNSET = -1, SL_JSX_CLASSIC = 0, SL_JSX_AUTOMATIC = 1, SL_JSX_PRESERVE = 2 };

/* What lowering needs to know: command-line flags over the nearest
 * tsconfig.json.  -1 / NULL: unset (tools/js's default). */
typedef struct sl__lower_cfg {
    int jsx; /* SL_JSX_* */
    const char *jsx_factory, *jsx_fragment, *jsx_import_source;
    int use_define_for_class_fields;
    int experimental_decorators;
    int verbatim_module_syntax;
    /* Nesting the parse allows, 0 for tools/js's JS_MAX_DEPTH; more only on
     * a thread whose stack holds it (the bundler's workers). */
    uint16_t max_depth;
} sl__lower_cfg;

/* Is path a file tools/js must lower (.ts .tsx .mts .cts .jsx)? */
int sl__front_wants(const char *path);

/* Parses and lowers src (path names the file and its dialect) and prints
 * it as JavaScript into *out (malloc'd, NUL-terminated).  With want_map,
 * *map (malloc'd, sorted by off) maps the printed text back to src.
 * Returns 0, or -1 with "path:line:col: message" and the line in err. */
int sl__front_lower(const char *path, const char *src, size_t len, const sl__lower_cfg *cfg, int want_map,
                    char **out, size_t *outlen, sl__omap_seg **map, size_t *nmap, char *err, size_t errlen);

/* s advanced by `units` UTF-16 units (source-map columns), stopping at a
 * line break or end. */
const char *sl__utf16_skip(const char *s, const char *end, int32_t units);
/* UTF-16 units in s[0..n) of UTF-8 text: its width as a source-map column. */
uint32_t sl__utf16_units(const char *s, size_t n);

/* One segment of a generated file's source map, decoded. */
typedef struct sl__map_seg {
    uint32_t gen_line, gen_col;
    int32_t src, line, col;
    int32_t name; /* index into the names, -1: none */
} sl__map_seg;

typedef struct sl__minify_opts {
    uint8_t whitespace, syntax, identifiers;
    uint8_t module;       /* --format esm: the bundle is a module (its exports keep their names) */
    uint8_t cjs;          /* --format cjs: its top level is the CommonJS module function's scope (renamed) */
    const char *keep;     /* --global-name: the global the bundle assigns (never renamed or handed out) */
    uint8_t want_map;
    /* want_map: the unminified bundle's map (its segments in generated
     * order); the result's segments then point through it into the
     * original files (a segment with no base segment on its line is
     * dropped).  NULL: they point into the unminified bundle (src 0). */
    const sl__map_seg *base;
    size_t nbase;
    /* With base: the original files' text (the map's sourcesContent, by
     * source index).  A renamed identifier's entry in the map's names is
     * then the name written there, as esbuild gives it, not the one the
     * linker gave it first (`foo$1`).  NULL: the names the minifier saw. */
    const char *const *contents;
    const size_t *content_lens;
    size_t nsources;
    /* Nesting the minifier's parse allows; 0: tools/js's JS_MAX_DEPTH.
     * More only where every thread that minifies has a stack that holds
     * it (the bundler: tools/bundle/js_record.h's JS_PARSE_STACK). */
    uint16_t max_depth;
} sl__minify_opts;

typedef struct sl__minified {
    char *code;
    size_t len;
    sl__map_seg *segs; /* want_map: generated -> original (through base, if given) */
    size_t nsegs;
    char **names; /* the original names of renamed identifiers */
    size_t nnames;
} sl__minified;

/* Minifies a linked bundle.  Returns 0, or -1 with a message (the
 * bundle did not parse: an internal error). */
int sl__front_minify(const char *code, size_t len, const sl__minify_opts *o, sl__minified *out, char *err,
                     size_t errlen);
void sl__minified_free(sl__minified *m);

/* The same, in pieces on `threads` threads: cuts[0..ncuts) are offsets of
 * code where a piece may begin (each piece between two of them is whole
 * statements of the bundle's top level; cut at line starts).  Each piece
 * is parsed, bound, rewritten and printed alone; only the naming of
 * top-level names and of the shared nested slots is one step over all
 * pieces (sl__js_mangle_pieces).  The result is what sl__front_minify
 * gives, less what joining statements across pieces would have saved.
 * Returns 0, or 1 without touching *out when the bundle is one piece, a
 * piece declares a top-level `undefined`, or a piece does not parse (the
 * caller minifies it whole, which says where, in the bundle's lines). */
int sl__front_minify_pieces(const char *code, size_t len, const size_t *cuts, size_t ncuts, size_t threads,
                            const sl__minify_opts *o, sl__minified *out);

/* Is s[0..n) an IdentifierName made only of ASCII (reserved words too)? */
int sl__front_is_ident_name(const char *s, size_t n);
/* Can s[0..n) name a variable (an ASCII identifier, not a reserved word)? */
int sl__front_is_binding_name(const char *s, size_t n);

#endif
