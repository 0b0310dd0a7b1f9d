/*
 * js_parser.h - source text to syntax tree (js_ast.h), for JavaScript,
 * TypeScript and JSX.
 *
 * Recursive descent over ECMAScript 2024, with TypeScript's syntax read
 * and its types dropped, and JSX elements kept as N_JSX nodes for
 * jsx_lower.c.  The parser builds the tree only; declarations and
 * references are bound afterwards by js_scope.c, once every hoisted name
 * is known.  Nesting (brackets, statements, types, JSX) is bounded by
 * JS_MAX_DEPTH so that no input can overflow the C stack.
 */
#ifndef SL_JS_PARSER_H
#define SL_JS_PARSER_H

#include "js_ast.h"

/* Deepest nesting a file may have: each bracket, parenthesis, block,
 * nested statement, type or JSX element, and each operator folded into a
 * chain (`a.b.c`, `a + b + c`) is one level.  Past it the parse stops
 * with "nesting too deep" before any pass can run out of C stack: at the
 * limit every pass fits in 4 MiB of stack even under ASan (measured on
 * each shape of nesting; threads get 8 MiB by default). */
#define JS_MAX_DEPTH 4096

typedef struct js_parse_opts {
    uint8_t ts;     /* TypeScript syntax (.ts .tsx .mts .cts) */
    uint8_t jsx;    /* JSX syntax (.jsx .tsx; also .js where asked) */
    uint8_t module; /* parse as a module: strict, `await` reserved (import/export make it one anyway) */
    /* Nesting allowed, 0 for JS_MAX_DEPTH: more only on a thread whose
     * stack holds it (the bundler's parse threads: tools/bundle/js_parser.h). */
    uint16_t max_depth;
} js_parse_opts;

/* Options from a file name's extension: .ts .mts .cts -> ts; .tsx -> ts+jsx; .jsx -> jsx. */
js_parse_opts sl__js_opts_for_path(const char *path);

/* Parses src[0..len) (path for messages) into *out, allocating from a.
 * Returns 0, or -1 with "path:line:col: message" plus the line and a
 * caret under the column in err. */
int sl__js_parse_program(js_ast *out, const char *path, const char *src, size_t len, const js_parse_opts *o, js_arena *a,
                 char *err, size_t errlen);

/* Parses one expression (MDX's `{...}` and attribute values): the whole
 * of src[0..len) must be one expression.  Same contract as sl__js_parse_program;
 * out->program holds an N_PROGRAM with one N_EXPR. */
int sl__js_parse_expression(js_ast *out, const char *path, const char *src, size_t len, const js_parse_opts *o,
                            js_arena *a, char *err, size_t errlen);

/* "path:line:col: msg\n    <line>\n    <caret>" for byte offset pos. */
void sl__js_error_text(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg);
/* 1-based line and column (in bytes) of a byte offset. */
void sl__js_position(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col);

#endif
