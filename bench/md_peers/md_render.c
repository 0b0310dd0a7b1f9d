/*
 * md_render.c - what rendering costs in process, one thread, every page
 * already in memory and every output dropped: the figures bench/md's
 * ceiling is made of.
 *
 * `md_render LIST [REPS [nocmark]]` reads the page paths from the file
 * LIST and prints the median of REPS passes of each of (cmark's skipped,
 * and printed as 0, with `nocmark`):
 *   md4c   md4c-html alone on every page (the baseline the issue names);
 *   cmark  libcmark-gfm, parse + HTML with the GFM extensions, on every
 *          page: the renderer whose output sluice md's is byte for byte;
 *   tool   sl__md_render, all of it (UTF-8 check, front matter, sluice's
 *          own GFM renderer, heading ids, safe mode), as `sluice md -o`
 *          runs it: no word count, which only --json shows;
 * as "pages MB md4c-s cmark-s tool-s".
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "md_libs.h"
#include "median.h"
#include "sluice/chan.h"

typedef struct page {
    char *data;
    size_t len;
} page;

static void sink(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    sl__md_buf_put(ud, t, n);
}

static void md4c(const page *p, sl__md_buf *out)
{
    out->len = 0;
    sl__md_md4c_html()->md_html(p->data, (MD_SIZE)p->len, sink, out, MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
            MD_HTML_FLAG_SKIP_UTF8_BOM);
}

/* cmark-gfm as render_cmark.c drives it, in its safe mode (sluice md's
 * default), less what sluice adds (heading ids). */
static void cmark(const page *p)
{
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    int opts = CMARK_OPT_DEFAULT;
    cmark_parser *parser = cmark_parser_new(opts);
    for (size_t i = 0; i < 4; i++)
        cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(parser, p->data, p->len);
    cmark_node *doc = cmark_parser_finish(parser);
    free(cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser)));
    cmark_node_free(doc);
    cmark_parser_free(parser);
}

static size_t load(const char *list_path, page **out, size_t *bytes)
{
    FILE *list = fopen(list_path, "r");
    if (!list) {
        perror(list_path);
        exit(1);
    }
    char path[4096];
    size_t n = 0, cap = 0;
    page *pages = NULL;
    while (fgets(path, sizeof path, list)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        if (n == cap && !(pages = realloc(pages, (cap = cap ? cap * 2 : 1024) * sizeof *pages)))
            exit(1);
        sl__md_buf b = {0};
        char tmp[65536];
        for (size_t r; (r = fread(tmp, 1, sizeof tmp, f)) > 0;)
            sl__md_buf_put(&b, tmp, r);
        sl__md_buf_putc(&b, 0);
        fclose(f);
        page *p = &pages[n++];
        *p = (page){b.data, b.len - 1};
        *bytes += p->len;
    }
    fclose(list);
    *out = pages;
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: md_render LIST [REPS [nocmark]] (build/bench/md runs it on its corpora)\n");
        return 0;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    reps = reps < 1 ? 1 : reps > 100 ? 100 : reps;
    int with_cmark = !(argc > 3 && !strcmp(argv[3], "nocmark"));
    size_t bytes = 0;
    page *pages;
    size_t n = load(argv[1], &pages, &bytes);
    cmark_gfm_core_extensions_ensure_registered();
    double t_md4c[100], t_cmark[100], t_tool[100];
    sl__md_buf out = {0};
    sl__md_opts opts = {.no_word_count = 1};
    for (int r = 0; r < reps; r++) {
        int64_t t0 = sl_now();
        for (size_t i = 0; i < n; i++)
            md4c(&pages[i], &out);
        int64_t t1 = sl_now();
        for (size_t i = 0; with_cmark && i < n; i++)
            cmark(&pages[i]);
        int64_t t2 = sl_now();
        for (size_t i = 0; i < n; i++) {
            sl__md_page pg;
            char err[256];
            if (sl__md_render(pages[i].data, pages[i].len, &opts, &pg, err, sizeof err) == 0)
                sl__md_page_free(&pg);
        }
        int64_t t3 = sl_now();
        t_md4c[r] = (t1 - t0) / 1e9;
        t_cmark[r] = (t2 - t1) / 1e9;
        t_tool[r] = (t3 - t2) / 1e9;
    }
    printf("%zu %.3f %.4f %.4f %.4f\n", n, bytes / 1e6, sl_bench_median(t_md4c, (size_t)reps),
           sl_bench_median(t_cmark, (size_t)reps), sl_bench_median(t_tool, (size_t)reps));
    return 0;
}
