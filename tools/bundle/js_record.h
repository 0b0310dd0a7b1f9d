/*
 * js_record.h - a module record (js_ast.h) built from tools/js's syntax
 * tree and scopes, so that one parser serves the bundler, the TypeScript
 * and JSX lowering and the minifier.
 *
 * The record is what the linker and the splicing printer read: the
 * top-level statements with byte ranges, symbols, every occurrence of a
 * top-level symbol, import records, import bindings, exports, --define
 * patches, free and nested names, warnings and flags.  tools/js's tree
 * keeps each node's start; the parser also keeps the byte ranges of the
 * program's statements and the end of each call, which is all the
 * splicing needs; and of the branches of each `if` and `?:`, which
 * --define may cut.
 */
#ifndef SL_BUNDLE_JS_RECORD_H
#define SL_BUNDLE_JS_RECORD_H

#include "arena.h"
#include "js_ast.h"
#include "js_parser.h"

/* What one thread reuses from module to module (tools/js's arena and the
 * builder's tables); one thread at a time. */
typedef struct js_record_scratch js_record_scratch;
js_record_scratch *sl__js_record_scratch_new(void);
void sl__js_record_scratch_free(js_record_scratch *s);

/* Parses m->src (m->path for messages) with tools/js and fills m (its
 * arrays and names in a).  s: the calling thread's scratch, or NULL for
 * one of its own.  Returns 0, or -1 with "path:line:col: message" plus
 * the line and a caret in err.  Nesting is bounded at JS_MAX_NESTING
 * levels as tools/js counts them: call it on a thread started by
 * sl__js_thread_start. */
int sl__js_record(js_module *m, const js_parse_opts *o, sl__arena *a, js_record_scratch *s, char *err,
                  size_t errlen);

#endif
