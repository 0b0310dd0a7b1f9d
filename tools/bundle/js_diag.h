/*
 * js_diag.h - where a byte offset of a source file is, for messages: its
 * line and column, and the diagnostic that quotes the line with a caret.
 *
 * Every message of the bundler that points into a file (syntax and early
 * errors, link errors, warnings) goes through these, so all of them count
 * columns alike: in characters, 1-based.
 */
#ifndef SL_BUNDLE_JS_DIAG_H
#define SL_BUNDLE_JS_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* Writes "path:line:col: msg\n    <line>\n    <caret>" for byte offset
 * pos; a long line shows a window around the column. */
void sl__js_diag(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg);
/* 1-based line and column (in characters) of a byte offset. */
void sl__js_line_col(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col);

#endif
