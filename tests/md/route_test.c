/*
 * route_test.c - md4c and cmark-gfm on the same pages, in process: where
 * md4c's output is put right (md4c_fix.c) it must equal cmark-gfm's, and
 * every generated page on which the two still differ must be one that
 * gfm_route.c sends to cmark-gfm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "md.h"

/* A page rendered by one renderer, forced, --unsafe-html so that raw HTML
 * is not in the way. */
static char *render_with(const char *md, int renderer)
{
    sl__md_opts o = {.unsafe_html = 1, .no_frontmatter = 1, .renderer = renderer};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(md, strlen(md), &o, &p, err, sizeof err) == 0);
    char *html = p.html;
    p.html = NULL;
    sl__md_page_free(&p);
    return html;
}

/* The text of each <pre><code> block, one after the other (the blocks'
 * surroundings differ between the two in layout only: `<li>\n<pre>`). */
static char *code_blocks(const char *html)
{
    sl__md_buf b = {0};
    for (const char *p = html; (p = strstr(p, "<pre><code")); ) {
        p = strchr(p, '>') + 1;
        const char *e = strstr(p, "</code></pre>");
        sl__md_buf_put(&b, p, (size_t)(e - p));
        sl__md_buf_puts(&b, "|\n");
        p = e;
    }
    sl__md_buf_putc(&b, 0);
    return b.data;
}

static int same_code(const char *md)
{
    char *a = render_with(md, SL__MD_MD4C), *b = render_with(md, SL__MD_CMARK);
    char *ca = code_blocks(a), *cb = code_blocks(b);
    int same = !strcmp(ca, cb);
    if (!same)
        fprintf(stderr, "page:\n%s--- md4c:\n%s--- cmark-gfm:\n%s", md, ca, cb);
    free(a), free(b), free(ca), free(cb);
    return same;
}

static const char *pick(const char *const *v, size_t n)
{
    return v[sl_test_rand() % n];
}
#define PICK(v) pick(v, sizeof v / sizeof v[0])

SL_TEST(md_code_lines_keep_their_tabs_as_cmark_gfm_does)
{
    static const char *const cases[] = {
        "```js\nvar a = {\n\tb: 1,\n\t\tc: \"<x>\",\n  \td\n};\n```\n",
        "    \tindented\n    \t\t<two>\n",
        "- item\n\n  ```\n  \tin a list\n  \t\n  \t&\n  ```\n",
        "```\n\t<only escaped>\n\t\n\tthen text\n```\n",
        "```c\n\t\n\t<\n```\n", /* no line of plain text: the info string places it */
        "1. one\n\n   ```\n   \t\tx\n   ```\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(same_code(cases[i]));
    /* Generated: fences at the margin or in space-indented list items,
     * lines of blanks, of escaped characters only, and of text. */
    static const char *const items[] = {"", "- ", "1. ", "  - "};
    static const char *const ws[] = {"", " ", "\t", "\t\t", " \t", "  \t", "\t ", "    ", "   \t\t"};
    static const char *const text[] = {"x", "<y>", "&z", "\"q\"", "<", "a\tb", "", "\t"};
    for (size_t k = 0; k < SL_TEST_SCALE(2000); k++) {
        const char *item = PICK(items);
        char md[512];
        size_t len = (size_t)snprintf(md, sizeof md, "%s```%s\n", item, sl_test_rand() % 2 ? "js" : "");
        size_t lines = 1 + sl_test_rand() % 4;
        for (size_t l = 0; l < lines; l++)
            len += (size_t)snprintf(md + len, sizeof md - len, "%*s%s%s\n", (int)strlen(item), "", PICK(ws),
                                    l == lines - 1 ? "text" : PICK(text));
        snprintf(md + len, sizeof md - len, "%*s```\n", (int)strlen(item), "");
        if (!same_code(md))
            break;
    }
}

SL_TEST(md_link_urls_keep_tilde_and_quote_as_cmark_gfm_does)
{
    static const char *const cases[] = {
        "[a](http://x.org/~u/it's)\n",
        "[i](/~a'b.png) <http://y.org/~z>\n",
        "[a](http://x.org/%7E/%27)\n", /* escapes written out stay as they are */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *a = render_with(cases[i], SL__MD_MD4C), *b = render_with(cases[i], SL__MD_CMARK);
        CHECK(!strcmp(a, b));
        free(a), free(b);
    }
    char *img = render_with("![i](/~a'b.png)\n", SL__MD_MD4C);
    CHECK(strstr(img, "src=\"/~a&#x27;b.png\"") != NULL);
    free(img);
}
