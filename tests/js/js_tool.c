/*
 * js_tool.c - drives the front end without the bundler, for tests:
 *   js_tool [--minify-whitespace] [--keep-jsx] [--roundtrip] FILE
 * parses FILE (TypeScript/JSX by its extension) and prints the result on
 * standard output; errors go to standard error with exit status 1.
 * --roundtrip prints, parses the printed text again, prints that, and
 * fails (exit 3) unless both printings are the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_mangle.h"
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

static int mangle;

static int print_once(const char *path, const char *src, size_t len, const js_parse_opts *po, const js_print_opts *o,
                      js_buf *out)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_ast ast;
    char err[1024];
    if (sl__js_parse(&ast, path, src, len, po, &a, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        sl__js_arena_free(&a);
        return 1;
    }
    sl__js_scope_bind(&ast);
    if (mangle) {
        js_mangle_opts mo = {0};
        sl__js_mangle(&ast, &mo);
    }
    sl__js_print(&ast, o, out);
    sl__js_arena_free(&a);
    return 0;
}

int main(int argc, char **argv)
{
    js_print_opts o = {0};
    int roundtrip = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--minify-whitespace"))
            o.minify_whitespace = 1;
        else if (!strcmp(argv[i], "--minify-identifiers"))
            mangle = 1;
        else if (!strcmp(argv[i], "--keep-jsx"))
            o.keep_jsx = 1;
        else if (!strcmp(argv[i], "--roundtrip"))
            roundtrip = 1;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: js_tool [--minify-whitespace] [--keep-jsx] [--roundtrip] FILE\n");
        return 2;
    }
    size_t len;
    char *src = slurp(path, &len);
    if (!src) {
        perror(path);
        return 2;
    }
    js_parse_opts po = sl__js_opts_for_path(path);
    js_buf out = {0};
    int rc = print_once(path, src, len, &po, &o, &out);
    if (!rc && roundtrip) {
        js_buf again = {0};
        char *name = malloc(strlen(path) + 16);
        sprintf(name, "%s (printed)", path);
        rc = print_once(name, out.v ? out.v : "", out.n, &po, &o, &again);
        if (!rc && (again.n != out.n || memcmp(again.v, out.v, out.n))) {
            fprintf(stderr, "%s: printing the printed text differs\n", path);
            fwrite(again.v, 1, again.n, stderr);
            rc = 3;
        }
        sl__js_buf_free(&again);
        free(name);
    }
    if (!rc && out.n)
        fwrite(out.v, 1, out.n, stdout);
    sl__js_buf_free(&out);
    free(src);
    return rc;
}
