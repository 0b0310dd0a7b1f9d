/*
 * cmark_gfm_pages.c - the `cmark-gfm` command's HTML rendering, many
 * pages in one process: the reference tests/md/gfm.js compares sluice md
 * with.  Spawning the command once per page cost ~25 ms of process
 * start-up each (360 pages: most of the test's time); this does what the
 * command does for `cmark-gfm [--unsafe] -e table -e strikethrough
 * -e autolink -e tagfilter -e tasklist` (a parser with the options and
 * the extensions attached, the page fed, cmark_render_html with the
 * parser's extensions), once per page, with Debian's libcmark-gfm.
 *
 * Reads one JSON object per line on stdin, {"md": PAGE, "unsafe": BOOL,
 * "core": BOOL}, and writes the HTML of each as one JSON string per line;
 * "core" attaches no extension (`cmark-gfm --unsafe` alone: CommonMark).
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tagfilter",
                                              "tasklist"};

static char *render(const char *md, size_t len, int unsafe, int core)
{
    int options = CMARK_OPT_DEFAULT | (unsafe ? CMARK_OPT_UNSAFE : 0);
    cmark_parser *parser = cmark_parser_new(options);
    for (size_t i = 0; !core && i < sizeof extension_names / sizeof extension_names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extension_names[i]);
        if (!e || !cmark_parser_attach_syntax_extension(parser, e)) {
            fprintf(stderr, "cmark_gfm_pages: no extension %s\n", extension_names[i]);
            exit(1);
        }
    }
    cmark_parser_feed(parser, md, len);
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return html;
}

int main(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int count = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t e;
        json_t *j = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &e);
        json_t *md = json_object_get(j, "md");
        if (!json_is_string(md)) {
            fprintf(stderr, "cmark_gfm_pages: line %d: not {\"md\": STRING, ...}: %s\n", count + 1, e.text);
            return 1;
        }
        char *html = render(json_string_value(md), json_string_length(md),
                            json_is_true(json_object_get(j, "unsafe")), json_is_true(json_object_get(j, "core")));
        sl__md_buf b = {0};
        sl__md_json_string(&b, html, strlen(html));
        sl__md_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        sl__md_buf_free(&b);
        free(html);
        json_decref(j);
        count++;
    }
    free(line);
    return 0;
}
