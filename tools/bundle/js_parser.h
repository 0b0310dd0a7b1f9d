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

#include "arena.h"
#include "js_ast.h"
#include "js_lexer.h"

typedef struct js_define {
    const char **parts; /* "process", "env", "NODE_ENV" */
    size_t nparts;
    const char *value;  /* replacement text, printed as is */
} js_define;

typedef struct js_parse_opts {
    const js_define *defines;
    size_t ndefines;
} js_parse_opts;

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
