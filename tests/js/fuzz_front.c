/*
 * fuzz_front.c - libFuzzer targets over the front end, one per mode
 * (FUZZ_MODE, set by tests/js/CMakeLists.txt):
 *   FUZZ_TS   the input as TypeScript: parse, lower, print; the printed
 *             JavaScript must parse again.
 *   FUZZ_JSX  the input as .jsx or .tsx (by its length), classic or
 *             automatic runtime: the same contract.
 *   FUZZ_ROUNDTRIP  the input as JavaScript: print, reparse, print again;
 *             the two printings must be the same bytes, and full
 *             minification (syntax, identifiers, whitespace) must print
 *             something that parses.
 * Any input must parse or fail with "path:line:col: ..."; never crash,
 * read out of bounds, recurse past the stack or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "js_lower.h"
#include "js_mangle.h"
#include "js_minify.h"
#include "js_parser.h"
#include "js_printer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_TS = 1, FUZZ_JSX = 2, FUZZ_ROUNDTRIP = 3 };

/* Parses, transforms, optionally minifies, prints; 0 when src does not parse. */
static int compile(const char *path, const char *src, size_t len, const js_lower_opts *lo, int mangle, js_buf *out)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = sl__js_opts_for_path(path);
    js_ast ast;
    char err[512];
    int ok = 0;
    if (sl__js_parse_program(&ast, path, src, len, &po, &a, err, sizeof err) == 0) {
        if (sl__js_transform(&ast, po.ts, lo, err, sizeof err) == 0) {
            if (mangle) {
                sl__js_minify_syntax(&ast);
                js_mangle_opts mo = {0};
                sl__js_mangle(&ast, &mo);
            }
            js_print_opts o = {0};
            o.minify_whitespace = mangle;
            sl__js_print(&ast, &o, out);
            ok = 1;
        }
    } else if (strncmp(err, path, strlen(path)) || err[strlen(path)] != ':') {
        abort(); /* every message names the file and position */
    }
    sl__js_arena_free(&a);
    return ok;
}

/* The printed text must parse as plain JavaScript (a module when it has import/export). */
static void must_reparse(const js_buf *b, js_buf *again)
{
    js_lower_opts lo = sl__js_lower_defaults();
    if (!compile("printed.mjs", b->v ? b->v : "", b->n, &lo, 0, again))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    if (size)
        memcpy(src, data, size);
    src[size] = 0;
    js_lower_opts lo = sl__js_lower_defaults();
    js_buf out = {0}, again = {0}, min = {0};
#if FUZZ_MODE == FUZZ_TS
    lo.use_define_for_class_fields = size & 1;
    lo.experimental_decorators = (size >> 1) & 1;
    if (compile("fuzz.ts", src, size, &lo, 0, &out))
        must_reparse(&out, &again);
#elif FUZZ_MODE == FUZZ_JSX
    lo.jsx = (size & 2) ? JSX_AUTOMATIC : JSX_CLASSIC;
    if (compile(size & 1 ? "fuzz.tsx" : "fuzz.jsx", src, size, &lo, 0, &out))
        must_reparse(&out, &again);
#else
    if (compile("fuzz.mjs", src, size, &lo, 0, &out)) {
        must_reparse(&out, &again);
        if (again.n != out.n || (out.n && memcmp(again.v, out.v, out.n)))
            abort(); /* printing is not stable: the printer changed the program */
        if (compile("fuzz.mjs", src, size, &lo, 1, &min)) {
            js_buf min2 = {0};
            must_reparse(&min, &min2);
            sl__js_buf_free(&min2);
        }
    }
#endif
    sl__js_buf_free(&out);
    sl__js_buf_free(&again);
    sl__js_buf_free(&min);
    free(src);
    return 0;
}
