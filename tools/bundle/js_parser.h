/*
 * js_parser.h - ES2024 parser with scope analysis, the second phase.
 *
 * It walks the whole grammar (statements, expressions, patterns, classes,
 * functions) but keeps only what bundling needs in the module record
 * (js_ast.h): the top-level statements, symbols and exports, and every
 * identifier occurrence that resolves, through the scope chain, to a
 * top-level symbol.  References are resolved after the parse, so hoisted
 * `var` and function declarations are found wherever they appear.
 */
#ifndef SL_BUNDLE_JS_PARSER_H
#define SL_BUNDLE_JS_PARSER_H

#include <pthread.h>

#include "arena.h"
#include "js_ast.h"
#include "js_lexer.h"

typedef struct js_define {
    const char **parts; /* "process", "env", "NODE_ENV" */
    size_t nparts;
    const char *value;  /* replacement text, printed as is */
} js_define;

/* What `import.meta` becomes: kept (ESM output); `({})` with a warning
 * (CommonJS or IIFE output, where it is a syntax error, as esbuild does);
 * on node in CommonJS, .url/.dirname/.filename from the CommonJS module's
 * own __filename and `({})` with a warning for anything else. */
enum { JS_META_KEEP, JS_META_EMPTY, JS_META_NODE_CJS };

typedef struct js_parse_opts {
    const js_define *defines;
    size_t ndefines;
    int import_meta; /* JS_META_* */
} js_parse_opts;

/* Nesting: brackets, blocks, statement bodies, patterns, classes and
 * prefix operators nested deeper than JS_MAX_NESTING levels stop the
 * parse with "nesting too deep".  Holding that many levels takes up to
 * JS_PARSE_STACK bytes of C stack (8.6 MB measured under ASan, 3.4 MB in
 * Release, for the deepest shape in tests/bundle/nesting_test.c):
 * call sl__js_parse on a thread started by sl__js_thread_start. */
#define JS_MAX_NESTING 10000
#define JS_PARSE_STACK ((size_t)64 << 20)

/* pthread_create with a JS_PARSE_STACK stack.  Returns 0 or an errno. */
int sl__js_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Per-worker scratch reused from module to module (tokens, scopes, tables). */
typedef struct js_parse_scratch js_parse_scratch;
js_parse_scratch *sl__js_scratch_new(void);
void sl__js_scratch_free(js_parse_scratch *s);

/* Parses m->src (m->path for messages) into m.  Returns 0, or -1 with
 * "path:line:col: message" plus the line and a caret in err. */
int sl__js_parse(js_module *m, const js_parse_opts *o, sl__arena *a, js_parse_scratch *s, char *err,
                 size_t errlen);

/* Writes "path:line:col: msg\n<line>\n<caret>\n" for byte offset pos. */
void sl__js_diag(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg);
/* 1-based line and column of a byte offset. */
void sl__js_line_col(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col);

#endif
