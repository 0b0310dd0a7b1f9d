/*
 * js_parse_range.h - parse a piece of a larger file in place: MDX's ESM
 * blocks, `{expressions}` and attribute values, which sit inside Markdown.
 *
 * The one idea: the lexer scans only src[start..end), but offsets, lines
 * and columns stay those of the whole file, so a node's `pos` and an
 * error's `file:line:column` (with the file's own line under it) point
 * into the document the person wrote, not into a copy of the snippet.
 */
#ifndef SL_JS_PARSE_RANGE_H
#define SL_JS_PARSE_RANGE_H

#include "js_parser.h"

enum js_range_kind {
    JS_RANGE_PROGRAM,    /* statements (MDX: import/export blocks) */
    JS_RANGE_EXPRESSION, /* exactly one expression (a comma sequence counts as one) */
};

/* Parses src[start..end) (end <= len) as kind into *out, allocating from
 * a.  Returns 0; or -1 with "path:line:col: message", the line of src and
 * a caret in err, and the offset of the error in *err_pos (may be NULL;
 * JS_RANGE_TOO_DEEP instead of -1 for nesting past the limit):
 * an error at `end` means the piece stopped short (more text might
 * complete it).  out->src is src, so printing and positions use the
 * whole file. */
/* sl__js_parse_range's result (instead of -1) when the piece nests past
 * the parser's depth limit: a longer piece of the same text meets the
 * same nesting on its way, so a caller trying ever longer ranges (MDX's
 * `{` to each later `}`) stops there: the refusal stays linear. */
#define JS_RANGE_TOO_DEEP (-2)

int sl__js_parse_range(js_ast *out, const char *path, const char *src, size_t len, size_t start, size_t end,
                       int kind, const js_parse_opts *o, js_arena *a, char *err, size_t errlen, uint32_t *err_pos);

/* 1 if src[start..end) holds only white space and comments (an empty MDX
 * expression, such as a brace holding only a comment); 0 otherwise, also for an unclosed
 * comment. */
int sl__js_range_is_blank(const char *src, size_t start, size_t end);

#endif
