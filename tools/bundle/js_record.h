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

#include <pthread.h>

#include "arena.h"
#include "js_ast.h"
#include "js_diag.h"

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
    /* The output is strict code (ES module format): a script's legacy
     * octal numbers and escapes are rewritten, so are Annex B's block
     * functions, `if (x) function` and labelled functions (js_record.c
     * annex_fn), and `with`, `delete x`, eval/arguments bound or
     * assigned and repeated parameters are errors. */
    int strict_out;
    /* The output is CommonJS (--format cjs): `exports` and `module` are
     * renamed (js_rename). */
    int cjs_out;
} js_parse_opts;

/* Nesting: brackets, blocks, statement bodies, patterns, classes and
 * prefix operators nested deeper than JS_MAX_NESTING levels (as tools/js
 * counts them: 1 to 3 a repetition of a shape) stop the parse with
 * "nesting too deep", past tools/js's own JS_MAX_DEPTH.  Holding that
 * many levels needs a deep C stack: call sl__js_record on a thread
 * started by sl__js_thread_start (JS_PARSE_STACK bytes, committed only
 * as deep nesting touches them; tests/bundle/nesting_test.c parses every
 * shape at the limit on it, under ASan too). */
#define JS_MAX_NESTING 10000
#define JS_PARSE_STACK ((size_t)64 << 20)

/* pthread_create with a JS_PARSE_STACK stack.  Returns 0 or an errno. */
int sl__js_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

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
