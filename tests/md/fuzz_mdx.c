/*
 * fuzz_mdx.c - libFuzzer target: any bytes as an MDX page.  A page either
 * compiles to a module that tools/js parses back as an ES module with JSX
 * off (the compiler's output is plain JavaScript, valid UTF-8), or fails
 * with a syntax error that names a line and column inside the page.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "js_arena.h"
#include "js_parser.h"
#include "md.h"

/* The page's line count, for checking an error's line: `\n`, `\r\n` and
 * a lone `\r` each end a line (micromark's line endings). */
static size_t lines_of(const char *s, size_t n)
{
    size_t k = 1;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'));
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    for (int mode = 0; mode < 2; mode++) {
        sl__md_opts o = {.mdx = 1, .no_heading_ids = mode, .commonmark = mode}; /* GFM, then plain CommonMark */
        if (mode)
            memcpy(o.provider_import_source, "@mdx-js/react", sizeof "@mdx-js/react");
        sl__md_page p;
        char err[1200];
        int rc = sl__md_render(s, size, &o, &p, err, sizeof err);
        if (rc == -2) {
            unsigned line = 0, col = 0;
            if (sscanf(err, "%u:%u: ", &line, &col) != 2 || line < 1 || col < 1 || line > lines_of(s, size) + 1)
                __builtin_trap(); /* a syntax error names a place in the page */
            continue;
        }
        if (rc != 0)
            continue; /* out of memory, or over the size limit */
        if (!p.mdx || !sl__md_utf8_valid(p.html, p.html_len))
            __builtin_trap();
        js_arena a;
        sl__js_arena_init(&a);
        js_ast ast;
        js_parse_opts po = {.module = 1};
        char jerr[1200];
        if (sl__js_parse_program(&ast, "out.js", p.html, p.html_len, &po, &a, jerr, sizeof jerr) != 0) {
            fprintf(stderr, "the compiled module does not parse: %s\n", jerr);
            __builtin_trap();
        }
        sl__js_arena_free(&a);
        sl__md_page_free(&p);
    }
    return 0;
}
