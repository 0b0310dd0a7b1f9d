/*
 * js_tool.c - drives the front end without the bundler, for tests:
 *   js_tool [--minify] [--minify-whitespace] [--minify-identifiers] [--minify-syntax]
 *           [--jsx=classic|automatic|preserve] [--jsx-factory=F] [--jsx-fragment=F]
 *           [--jsx-import-source=S] [--no-define-fields] [--experimental-decorators]
 *           [--verbatim-module-syntax] FILE
 * parses FILE (TypeScript/JSX by its extension), lowers TypeScript and
 * JSX, and prints the result on standard output; errors go to standard
 * error with exit status 1.
 *   js_tool --roundtrip [--allow-errors] [options] FILE...
 * prints each file, parses the printed text again and prints that: both
 * printings must be the same bytes and the printed text must parse; a
 * file that does not parse at all fails too, unless --allow-errors.
 * Extensionless files (fuzz seeds) are read as JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_lower.h"
#include "js_mangle.h"
#include "js_minify.h"
#include "js_parser.h"
#include "js_printer.h"
#include "js_scope.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    b[n] = 0;
    *len = n;
    return b;
}

static int mangle, minify_syntax, quiet;
static js_lower_opts lo;

static int print_once(const char *path, const char *src, size_t len, const js_parse_opts *po, const js_print_opts *o,
                      js_buf *out)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_ast ast;
    char err[1024];
    if (sl__js_parse_program(&ast, path, src, len, po, &a, err, sizeof err)) {
        if (!quiet)
            fprintf(stderr, "%s\n", err);
        sl__js_arena_free(&a);
        return 1;
    }
    if (sl__js_transform(&ast, po->ts, &lo, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        sl__js_arena_free(&a);
        return 1;
    }
    if (minify_syntax)
        sl__js_minify_syntax(&ast);
    if (mangle) {
        js_mangle_opts mo = {0};
        sl__js_mangle(&ast, &mo);
    }
    sl__js_print(&ast, o, out);
    sl__js_arena_free(&a);
    return 0;
}

/* Print, reparse the printed text, print again: 0 the same bytes, 1 the
 * file itself does not parse, 3 the printings differ, 4 the printed text
 * does not parse. */
static int roundtrip_file(const char *path, const js_print_opts *o)
{
    size_t len;
    char *src = slurp(path, &len);
    if (!src) {
        perror(path);
        return 1;
    }
    js_parse_opts po = sl__js_opts_for_path(path);
    js_buf out = {0}, again = {0};
    int rc = print_once(path, src, len, &po, o, &out);
    if (!rc) {
        char *name = malloc(strlen(path) + 16);
        sprintf(name, "%s (printed)", path);
        rc = print_once(name, out.v ? out.v : "", out.n, &po, o, &again) ? 4 : 0;
        if (!rc && (again.n != out.n || (out.n && memcmp(again.v, out.v, out.n)))) {
            fprintf(stderr, "%s: printing the printed text differs\n", path);
            rc = 3;
        }
        free(name);
    }
    sl__js_buf_free(&again);
    sl__js_buf_free(&out);
    free(src);
    return rc;
}

int main(int argc, char **argv)
{
    js_print_opts o = {0};
    lo = sl__js_lower_defaults();
    int roundtrip = 0, allow_errors = 0;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--minify-whitespace"))
            o.minify_whitespace = 1;
        else if (!strcmp(argv[i], "--minify-identifiers"))
            mangle = 1;
        else if (!strcmp(argv[i], "--minify-syntax"))
            minify_syntax = 1;
        else if (!strcmp(argv[i], "--minify"))
            mangle = minify_syntax = o.minify_whitespace = 1;
        else if (!strcmp(argv[i], "--jsx=preserve"))
            lo.jsx = JSX_PRESERVE;
        else if (!strcmp(argv[i], "--jsx=automatic"))
            lo.jsx = JSX_AUTOMATIC;
        else if (!strcmp(argv[i], "--jsx=classic"))
            lo.jsx = JSX_CLASSIC;
        else if (!strncmp(argv[i], "--jsx-factory=", 14))
            lo.jsx_factory = argv[i] + 14;
        else if (!strncmp(argv[i], "--jsx-fragment=", 15))
            lo.jsx_fragment = argv[i] + 15;
        else if (!strncmp(argv[i], "--jsx-import-source=", 20))
            lo.jsx_import_source = argv[i] + 20;
        else if (!strcmp(argv[i], "--no-define-fields"))
            lo.use_define_for_class_fields = 0;
        else if (!strcmp(argv[i], "--experimental-decorators"))
            lo.experimental_decorators = 1;
        else if (!strcmp(argv[i], "--verbatim-module-syntax"))
            lo.verbatim_module_syntax = 1;
        else if (!strcmp(argv[i], "--roundtrip"))
            roundtrip = 1;
        else if (!strcmp(argv[i], "--allow-errors"))
            allow_errors = 1;
        else
            paths[npaths++] = argv[i];
    }
    if (!npaths || (npaths > 1 && !roundtrip)) {
        fprintf(stderr, "usage: js_tool [options] FILE | js_tool --roundtrip [--allow-errors] FILE... (see js_tool.c)\n");
        free(paths);
        return 2;
    }
    int rc = 0;
    quiet = roundtrip && allow_errors; /* seeds that do not parse are expected */
    if (roundtrip) {
        size_t failed = 0, skipped = 0;
        for (size_t i = 0; i < npaths; i++) {
            int r = roundtrip_file(paths[i], &o);
            if (r == 1 && allow_errors)
                skipped++;
            else if (r)
                failed++, fprintf(stderr, "FAIL (%d): %s\n", r, paths[i]);
        }
        printf("%zu files, %zu failed, %zu did not parse (allowed)\n", npaths, failed, skipped);
        free(paths);
        return failed ? 3 : 0;
    }
    size_t len;
    char *src = slurp(paths[0], &len);
    if (!src) {
        perror(paths[0]);
        free(paths);
        return 2;
    }
    js_parse_opts po = sl__js_opts_for_path(paths[0]);
    js_buf out = {0};
    rc = print_once(paths[0], src, len, &po, &o, &out);
    if (!rc && out.n)
        fwrite(out.v, 1, out.n, stdout);
    sl__js_buf_free(&out);
    free(src);
    free(paths);
    return rc;
}
