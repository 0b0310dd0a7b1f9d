/*
 * mdx_compile.c - one MDX page to an ES module: scan (mdx_scan.c), parse
 * and rebuild (mdx_tree.c), write the JSX program (mdx_emit.c), then let
 * tools/js parse it, lower its JSX for the automatic runtime of
 * --jsx-import-source and print it.
 *
 * The one idea: the MDX compiler writes JSX and never JavaScript calls of
 * its own, so the author's JSX (in text, in {expressions}, in ESM) and
 * the JSX made from Markdown are lowered by the same code, the bundler's,
 * into one module.  Everything one page allocates lives in one arena.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_lower.h"
#include "js_parser.h"
#include "js_printer.h"
#include "mdx.h"

static void copy_error(const mdx_scan *s, char *err, size_t errlen, uint32_t *line, uint32_t *col)
{
    snprintf(err, errlen, "%s", s->err);
    *line = s->err_line;
    *col = s->err_col;
}

/* The page's front matter as a JavaScript literal (JSON is one), or NULL. */
static char *frontmatter_js(const sl__md_page *page)
{
    if (!page->frontmatter)
        return NULL;
    sl__md_buf b = {0};
    sl__md_json_value(&b, page->frontmatter);
    sl__md_buf_putc(&b, 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

int sl__mdx_compile(const char *src, size_t n, size_t body, const sl__md_opts *o, sl__md_page *page, char *err,
                    size_t errlen, uint32_t *line, uint32_t *col)
{
    js_arena a;
    sl__js_arena_init(&a);
    mdx_scan s;
    mx_node *root = NULL;
    sl__md_buf prog = {0};
    char *fm = NULL;
    int rc = sl__mdx_scan(&s, "", src, n, body, !o->commonmark, &a);
    if (rc == 0)
        rc = sl__mdx_tree(&s, &root);
    if (rc == -1) {
        copy_error(&s, err, errlen, line, col);
        goto out;
    }
    if (rc)
        goto out;
    fm = frontmatter_js(page);
    mdx_emit_opts eo = {
        .provider_import_source = o->provider_import_source[0] ? o->provider_import_source : NULL,
        .heading_ids = !o->no_heading_ids,
        /* front matter that is not YAML stays text, as a string */
        .frontmatter_json = fm,
    };
    if ((rc = sl__mdx_emit(&s, root, &eo, &prog, page)) != 0)
        goto out;

    js_ast ast;
    js_parse_opts po = {.jsx = 1, .module = 1};
    char jerr[1200];
    if (sl__js_parse_program(&ast, "mdx-output", prog.data, prog.len, &po, &a, jerr, sizeof jerr) != 0) {
        /* the page's own JavaScript was checked in place; this is ours */
        snprintf(err, errlen, "1:1: internal error: the compiled module does not parse: %s", jerr);
        *line = *col = 1;
        rc = -1;
        goto out;
    }
    js_lower_opts lo = sl__js_lower_defaults();
    lo.jsx = JSX_AUTOMATIC;
    lo.jsx_import_source = o->jsx_import_source[0] ? o->jsx_import_source : "react";
    lo.verbatim_module_syntax = 1; /* every import the author wrote stays */
    if (sl__js_transform(&ast, 0, &lo, jerr, sizeof jerr) != 0) {
        snprintf(err, errlen, "1:1: internal error: %s", jerr);
        *line = *col = 1;
        rc = -1;
        goto out;
    }
    js_print_opts pr = {0};
    js_buf code = {0};
    sl__js_print(&ast, &pr, &code);
    page->mdx = 1;
    page->html = code.v;
    page->html_len = code.n;
    if (!code.v && !(page->html = calloc(1, 1)))
        rc = -2;
out:
    free(fm);
    free(prog.data);
    sl__mdx_tree_free(root);
    sl__mdx_scan_free(&s);
    sl__js_arena_free(&a);
    return rc;
}

int sl__md_render_mdx(const char *src, size_t n, size_t body, const sl__md_opts *o, sl__md_page *out, char *err,
                      size_t errlen)
{
    uint32_t line = 0, col = 0;
    if (n > 0xFFFFFFF0u) {
        snprintf(err, errlen, "page too large for MDX (%zu bytes, limit 4 GiB)", n);
        return -1;
    }
    /* A byte order mark before a page without front matter is not text
     * (micromark drops it, as md4c-html does for Markdown pages). */
    if (body == 0 && n >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
        body = 3;
    int rc = sl__mdx_compile(src, n, body, o, out, err, errlen, &line, &col);
    if (rc == -2)
        snprintf(err, errlen, "out of memory compiling the page");
    return rc == -1 ? -2 : rc == -2 ? -1 : 0;
}
