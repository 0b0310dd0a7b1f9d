/*
 * misreads_test.c - pages generated around the places md4c 0.4.8 reads
 * unlike cmark-gfm that md4c_misreads.c routes (autolink schemes, an
 * empty list item before an indented line, trailing spaces in raw HTML
 * blocks, indented HTML starts under a paragraph) and gfm_route.c's
 * emphasis around autolinks: in both dialects, sluice md's output must be cmark-gfm's
 * on every page - byte for byte, but for heading ids and `<br />` - and
 * md4c alone must differ on some of them (the generator reaches the bug).
 */
#include <cmark-gfm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "md.h"

/* A fixed-seed generator: the same pages on every run. */
static uint64_t seed = 0x2545F4914F6CDD1Dull;
static uint64_t next_rand(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}
#define PICK(v) ((v)[next_rand() % (sizeof(v) / sizeof((v)[0]))])

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* HTML as a browser shows it, as tests/md/normalize.js has it: outside
 * <pre>, a run of whitespace is one space, and none next to a tag; inside
 * <pre> every byte counts (there md4c's cut spaces show).  Heading ids
 * (sluice's) dropped, `<br />` as `<br>`. */
static char *canon(const char *h)
{
    size_t n = strlen(h), o = 0;
    int pre = 0;
    char *r = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (!strncasecmp(h + i, "<pre", 4) && (h[i + 4] == '>' || h[i + 4] == ' '))
            pre++;
        else if (!strncasecmp(h + i, "</pre>", 6) && pre > 0)
            pre--;
        if (!strncmp(h + i, " />", 3)) {
            r[o++] = '>';
            i += 2;
        } else if (!strncmp(h + i, " id=\"", 5))
            i = (size_t)(strchr(h + i + 5, '"') - h);
        else if (!pre && blank(h[i])) {
            size_t k = i;
            while (k < n && blank(h[k]))
                k++;
            if (o > 0 && r[o - 1] != '>' && k < n && h[k] != '<' && strncmp(h + k, "&lt;", 4)) /* a tag, or one GFM's filter escaped */
                r[o++] = ' ';
            i = k - 1;
        }
        else
            r[o++] = h[i];
    }
    r[o] = 0;
    return r;
}

typedef struct counts {
    size_t pages, differ, left_out;
} counts;

/* safe: raw HTML escaped (sluice md's default), else passed through. */
static char *render_mode(const char *md, int cm, int renderer, int safe)
{
    sl__md_opts o = {.commonmark = cm, .unsafe_html = !safe, .no_frontmatter = 1, .renderer = renderer};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(md, strlen(md), &o, &p, err, sizeof err) == 0);
    char *h = canon(p.html);
    sl__md_page_free(&p);
    return h;
}

static char *render_as(const char *md, int cm, int renderer)
{
    return render_mode(md, cm, renderer, 0);
}

/* cmark-gfm's HTML for the page, as canon() has it (GFM: its extensions,
 * as render_cmark.c attaches them; CommonMark: its core). */
static char *cmark_html(const char *md, int cm)
{
    if (!cm)
        return render_as(md, 0, SL__MD_CMARK);
    char *raw = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_UNSAFE), *want = canon(raw);
    free(raw);
    return want;
}

/* Page k of a run into md (512 bytes): the ncases cases first, then
 * pages make_page writes. */
static void nth_page(char *md, size_t k, const char *const *cases, size_t ncases, void (*make_page)(char *md))
{
    if (k < ncases)
        snprintf(md, 512, "%s", cases[k]);
    else
        make_page(md);
}

/* One page in one dialect: sluice md's output must be cmark-gfm's. */
static int renders_as_cmark(const char *md, int cm, counts *c)
{
    char *want = cmark_html(md, cm);
    char *got = render_as(md, cm, SL__MD_ROUTED), *md4c = render_as(md, cm, SL__MD_MD4C);
    int ok = !strcmp(got, want);
    c->pages++;
    c->differ += strcmp(md4c, want) != 0;
    if (!ok)
        fprintf(stderr, "%s page:\n%s\n--- sluice md:\n%s--- cmark-gfm:\n%s", cm ? "--commonmark" : "--gfm", md, got,
                want);
    free(want), free(got), free(md4c);
    return ok;
}

static int both_dialects(const char *md, counts *c)
{
    return renders_as_cmark(md, 0, c) && renders_as_cmark(md, 1, c);
}

/* The cases, then `pages` pages of `min` to `min` + 11 tokens each, in
 * both dialects or GFM alone: 1 if every page renders as cmark-gfm's.
 * Pages `leave_out` (when given) answers 1 for are counted in
 * c->left_out instead. */
static int token_pages(const char *const *cases, size_t ncases, const char *const *toks, size_t ntoks, size_t min,
                       size_t pages, int both, int (*leave_out)(const char *), counts *c)
{
    int ok = 1;
    for (size_t i = 0; ok && i < ncases; i++)
        ok = both ? both_dialects(cases[i], c) : renders_as_cmark(cases[i], 0, c);
    for (size_t k = 0; ok && k < pages; k++) {
        char md[512] = "";
        for (size_t t = min + next_rand() % 12; t; t--)
            strcat(md, toks[next_rand() % ntoks]);
        strcat(md, "\n");
        if (leave_out && leave_out(md))
            c->left_out++;
        else
            ok = both ? both_dialects(md, c) : renders_as_cmark(md, 0, c);
    }
    return ok;
}

/* md4c takes any ASCII character as a scheme's first (`<<https://x>>`
 * linked `<https://x`; `<[u](u)>` became one autolink) and stops a
 * scheme at 31 characters. */
SL_TEST(md_autolink_schemes_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "a <<https://x.com>>\n",
        "Copyright (c) J <[http://x.net/](http://x.net/)>\n",
        "<(http://x.com)> <\"http://x.com\"> <_http://x.com> <1a:b> <.a:b> <*http://x.com*>\n",
        "<<mailto:a@b.c> <<javascript:x> <a<http://x> < <http://x> <<www.x.com>> <<a@b.c>>\n",
        "a <\nhttp://x.com> b\n",
        "</a:b> <+a:b@c.d> <!--http://x--> <?a:b>\n",
        "<abcdefghijklmnopqrstuvwxyzabcdef:x> <abcdefghijklmnopqrstuvwxyzabcde:x>\n", /* 32 and 31 */
        "<abcdefghijklmnopqrstuvwxyzabcdefg:x>\n",
        "<http://a\x7F" "b> and <1http://a\x7F" "b>\n",
    };
    static const char *const toks[] = {"<",   "<",  "<<",  "<[", "(",      ")",  "[",  "](", "]",  "\"",
                                       "_",   "*",  "1",   ".",  "+",      "-",  "a",  "ab", "http", "https",
                                       "mailto", ":", "//", "x.com", "/p", ">", ">>", " ",
                                       "\n",  "`",  "?",      "\\", "&lt;", "\n\n", "> "};
    counts c = {0};
    int ok = token_pages(cases, sizeof cases / sizeof cases[0], toks, sizeof toks / sizeof toks[0], 2,
                         SL_TEST_SCALE(12000), 1, NULL, &c);
    CHECK(ok || !"an autolink md4c reads otherwise stays on md4c");
    fprintf(stderr, "autolinks: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* An empty list item, a blank line, then a line indented into it: md4c
 * ended the item and read the line with the item's indentation taken
 * off (`-`, blank, `    b`: a paragraph, not code).  In quotes and
 * lists, with tabs, CRLF, several blank lines.  And an empty item right
 * after a paragraph's line, which md4c let interrupt it. */
SL_TEST(md_lines_after_an_empty_list_item_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "-\n\n    b\n",
        "- a\n  -\n\n      b\n",
        "> -\n>\n>     b\n",
        "1.\n\n       b\n      c\n",
        "- New\n-\n\n    New Authentication Manager System\n\n:   - x\n",
        "a\n* \n", "g\n1. \n", "1. a\n   +  \n    b\nc\n", /* an empty item may not interrupt a paragraph */
        /* an empty last item after a blank line makes the list loose (md4c kept it tight) */
        "* a\n\n*\n", "* a\n\n*\n* b\n", "* a\n\n  *\n", "> * a\n>\n> *\n", "* a\n \n*\n", "* a\n\n* \n",
        "1. a\n\n2.\n", "* a\n\r*\n",
    };
    static const char *const before[] = {"",       "",          "a\n\n", "- a\n", "- a\n  ",      "1. a\n   ", "  ",
                                         "> ",     "> - a\n> ", "- a\n\n", "1. a\n\n", "> - a\n>\n> "};
    static const char *const markers[] = {"-", "*", "+", "1.", "10.", "1)", "- -", "1. -", "-"};
    static const char *const trail[] = {"", "", " ", "  ", "\t", "\r"};
    static const char *const blank[] = {"\n", "\n", " \n", "\n\n", ">\n", "\r\n"};
    static const char *const indent[] = {"", " ", "  ", "   ", "    ", "     ", "      ", "       ", "        ",
                                         "\t", " \t", "\t\t", "  \t", "> ", ">     ", ">  \t"};
    static const char *const text[] = {"b", "b", "- b", "1. b", "<div>", "# h", "> b", "b  ", "    c", "-", "***"};
    static const char *const after[] = {"", "\n", "\nc\n", "\n    c\n", "\n- c\n", "\n\n  c\n"};
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        ok = both_dialects(cases[i], &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(12000); k++) {
        char md[512];
        const char *pre = PICK(before);
        const char *quote = strncmp(pre, "> ", 2) ? "" : ">";
        size_t blanks = next_rand() % 3;
        int len = snprintf(md, sizeof md, "%s%s%s\n", pre, PICK(markers), PICK(trail));
        for (size_t b = 0; b < blanks; b++)
            len += snprintf(md + len, sizeof md - (size_t)len, "%s%s", quote, PICK(blank));
        snprintf(md + len, sizeof md - (size_t)len, "%s%s%s%s", quote, PICK(indent), PICK(text), PICK(after));
        ok = both_dialects(md, &c);
    }
    CHECK(ok || !"a line after an empty item md4c misreads stays on md4c");
    fprintf(stderr, "empty items: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* Spaces at the end of a raw HTML block's lines: md4c cut them (seen in
 * <pre>, and in a comment's `<!-- ` at a line's end); cmark-gfm keeps
 * them.  Every block type, in containers, with blank lines; a block in a
 * quote followed by a line indented four columns without a `>` (md4c:
 * a paragraph, CommonMark: code).  Not here: in a list, md4c takes the
 * blank line that ends a block of type 6 or 7 for no blank, so a list
 * that only that blank makes loose stays tight (`- <div>`, blank,
 * `- b`); not routed (see md4c_misreads.c), so no blank follows a
 * block of those types in a list here. */
SL_TEST(md_html_block_lines_keep_their_trailing_spaces_as_cmark_gfm_does)
{
    static const char *const cases[] = {
        "<pre>\na  \nb\n</pre>\n",
        "<!-- \nx\n-->\n",
        "<div>\n\n<!--\nx  \n-->\n",
        "<pre>\n</pre>\n<!--\n\na  \n-->\n",
        "- <pre>\n  a  \n  </pre>\n",
    };
    static const char *const starts[] = {"<pre>",   "<pre class=\"x\">", "<div>",   "<!--",  "<?php",  "<!DOCTYPE x",
                                         "<![CDATA[", "<script>",        "<style>", "<span>", "<textarea>", "</div>",
                                         "<table>", "<p align=\"center\">", "<prefix>", "<a href=\"/u\">"};
    static const char *const ends[] = {"</pre>", "</div>", "-->", "?>", "x>", "]]>", "</textarea>", "</span>",
                                       "</PRE>", ""};
    static const char *const lines[] = {"a", "a ", "a  ", "a\t", "a \t", " ", "  ", "", "<b>x</b>  ", "text",
                                        "  indented  ", "\tx ", "a  \r", "*b* "};
    static const char *const list_lines[] = {"a", "a ", "a  ", "<b>x</b>  ", "\tx ", "a  \r"};
    /* A paragraph after an unclosed <pre> is in it for canon(): md4c keeps a tab at a paragraph's end (not
     * a misreading of HTML), so lines that may fall out of the block end with no tab. */
    static const char *const afters[] = {"a", "a  ", "", "<b>x</b>  ", "text", "  indented  "};
    static const char *const prefix[] = {"", "", "", "> ", "- ", "  ", "1. ", "   "};
    static const char *const before[] = {"", "", "para\n", "para\n\n", "- item\n", "```\n<pre>\n```\n"};
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        ok = both_dialects(cases[i], &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(12000); k++) {
        char md[1024];
        const char *p = PICK(prefix), *cont = *p == '>' ? "> " : *p == '-' ? "  " : *p == '1' ? "   " : p;
        const char *pre = PICK(before), *end = PICK(ends);
        /* In a list, no blank line inside or right after the block (the list's looseness, above). */
        int list = *p == '-' || *p == '1' || (*pre == '-' && *p == ' ');
        if (list && !*end)
            end = "x";
        int len = snprintf(md, sizeof md, "%s%s%s%s\n", pre, p, PICK(starts), next_rand() % 3 ? "" : " ");
        for (size_t l = next_rand() % 4; l; l--) {
            int in = next_rand() % 4 != 0; /* else a line that may fall out of the container: no tab at its end */
            len += snprintf(md + len, sizeof md - (size_t)len, "%s%s\n", in ? cont : "",
                            !in ? (list ? "a" : PICK(afters)) : list ? PICK(list_lines) : PICK(lines));
        }
        len += snprintf(md + len, sizeof md - (size_t)len, "%s%s%s\n", cont, end, next_rand() % 3 ? "" : "  ");
        if (next_rand() % 2)
            snprintf(md + len, sizeof md - (size_t)len, "%s%s\n", PICK(afters), next_rand() % 2 ? "" : "\nafter  ");
        ok = both_dialects(md, &c);
    }
    CHECK(ok || !"an HTML block md4c cuts spaces from stays on md4c");
    fprintf(stderr, "html blocks: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* Emphasis marks around and inside GFM autolinks: md4c paired a `_`
 * before a `www.`/`http://` URL with one inside it (`Foo_(bar)`), and
 * the link then swallowed the closer: an `<em>` never closed, the rest
 * of the page italic in a browser.  `_`, `*` and their runs before,
 * after and inside URLs with parentheses, over one paragraph or two. */
SL_TEST(md_emphasis_around_autolinks_renders_as_cmark_gfm)
{
    static const char *const cases[] = {
        "_see www.x.org/wiki/Foo_(bar)\n\nnext\n",
        "An _example www.x.org/wiki/Foo_(bar) and more text_ here\n",
        "An _example http://x.org/wiki/Foo_(bar) and more text_ here\n",
        "*see www.x.org/wiki/Foo*(bar)\n",
        "_see www.x.org/wiki/Foo_bar_\n",
    };
    static const char *const toks[] = {"_",     "*",      "__",   "**",   " ",       " ",        "see ", "a",
                                       "www.x.org/wiki/Foo", "http://x.org/", "https://x.org/w/", "Foo", "_(bar)",
                                       "*(bar)", "(bar)", "_bar", "bar_", "*bar", ")",   "(",    ".",       ",",
                                       "\n",    "\n\n",   "a@b.co", "@b.co", "~",  "/"};
    counts c = {0};
    int ok = token_pages(cases, sizeof cases / sizeof cases[0], toks, sizeof toks / sizeof toks[0], 3,
                         SL_TEST_SCALE(12000), 0, NULL, &c);
    CHECK(ok || !"emphasis around an autolink md4c pairs otherwise stays on md4c");
    fprintf(stderr, "emphasis and autolinks: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* A line indented four columns or more that would start an HTML block,
 * right under a paragraph's line: md4c ended the paragraph there (an
 * HTML block, or in safe mode its escaped text outside any paragraph),
 * CommonMark reads more of the paragraph.  In quotes and list items,
 * under code, after blank lines. */
SL_TEST(md_indented_html_starts_under_a_paragraph_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "a\n    <!-- x -->\n",
        "a\n    <div>\n",
        "a\n    <?x?>\n",
        "a\n    <!--\n# heading\n-->\n",
        "    code\n    <div>\n\na\n     <div>\n",
    };
    static const char *const above[] = {"a\n", "a\n", "a\n", "> a\n", "- a\n", "1. a\n", "    code\n", "a\n    b\n",
                                        "\n", "# h\n", "a\n\n", "- a\n\n", "```\nx\n```\n", "<div>\n"};
    static const char *const indent[] = {"", "   ", "    ", "     ", "      ", "\t", " \t", "> ", ">     ", ">\t ",
                                         "  ", "        "};
    static const char *const starts[] = {"<!-- x -->", "<!--", "<div>", "<?x?>", "<!X y>", "<![CDATA[x]]>",
                                         "<script>", "</div>", "<span>", "<pre>", "<table>", "<p>"};
    static const char *const after[] = {"", "\n", "\nb\n", "\n-->\n", "\n# h\n-->\n", "\n\nb\n", "\n    c\n"};
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        ok = both_dialects(cases[i], &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(6000); k++) {
        char md[512];
        snprintf(md, sizeof md, "%s%s%s%s%s", PICK(above), next_rand() % 4 ? "" : PICK(above), PICK(indent),
                 PICK(starts), PICK(after));
        ok = both_dialects(md, &c);
    }
    CHECK(ok || !"an indented HTML start md4c lets end a paragraph stays on md4c");
    fprintf(stderr, "indented html: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* Everyday shapes stay on md4c (a fenced block's HTML lines with
 * trailing spaces do not: the rule does not follow fences). */
SL_TEST(md_misreads_keep_everyday_shapes_on_md4c)
{
    static const char *const plain[] = {
        "A link: <https://example.com/x> and <a@b.co>, a tag <span>x</span>.\n",
        "- item\n\n  more\n\n- [ ] task\n",
        "1. one\n2. two\n\n   indented paragraph\n",
        "<div align=\"center\">\n<img src=\"x.png\">\n</div>\n\nText with a hard break  \nnext\n",
        "Use `a <b` and x < y, 1 <2.\n\n---\n\n* * *\n",
        "[link](<(https://example.com/x)>)\n",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        int r = sl__md_md4c_misreads(plain[i], strlen(plain[i]));
        if (r != (i == sizeof plain / sizeof plain[0] - 1))
            fprintf(stderr, "routed %d: %s", r, plain[i]);
        /* The last: a link destination in <> that looks like an autolink to md4c's scan; routed needlessly. */
        CHECK(r == (i == sizeof plain / sizeof plain[0] - 1));
    }
}

/* --- md4c_blocks.c: code fences, code spans over lines, failed link
 * destinations (adv14's findings) ---------------------------------------- */

/* Code fences: a closing fence with a tab after it (md4c kept the rest of
 * the page in the block); a fence line outside the list item or quote
 * the block opened in (md4c closed the block, CommonMark opens one); a
 * fence indented past a quote's `> ` (md4c kept the indentation on the
 * code lines); a fence indented four columns past a paragraph's text, or
 * by a tab (md4c interrupted the paragraph). */
SL_TEST(md_code_fences_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "```\nx\n```\t\n\n# h\n",
        "~~~\nx\n~~~\t\n",
        "``` \t \nx\n``` \t \n",
        "* a\n  ```\n  x\n```\ny\n",
        "> ```\n> x\n```\ny\n",
        ">   ```\n>    x\n",
        ">  ```\n>  x\n",
        "x\n    ```\n    y\n    ```\n",
        "* x\n      ```\n      y\n",
        "x\n\t```\ny\n",
        "x\n    ~~~\n    y\n",
        /* a tab, \v or \f before the info string: md4c dropped the language (adv18 F7) */
        "```\tjs\nx\n```\n", "~~~\tjs\nx\n~~~\n", "``` \tjs\nx\n```\n", "```\vjs\nx\n```\n",
        "```\fjs x\ny\n```\n", "> ```\tjs\n> x\n",
    };
    static const char *const above[] = {"", "", "a\n", "a\n\n", "- a\n", "- a\n\n", "1. a\n", "> a\n", "> - a\n",
                                        "# h\n", "    code\n"};
    static const char *const prefix[] = {"", "", "", " ", "  ", "   ", "    ", "      ", "\t", " \t", "> ", ">  ",
                                         ">   ", ">\t", "- ", "1. ", "> - ", "  > "};
    static const char *const fences[] = {"```", "```", "~~~", "````", "```js", "~~~~", "```\tjs", "~~~ \tpy x"};
    static const char *const lines[] = {"x", "  x", "    x", "", "`y`", "a ` b"};
    static const char *const trail[] = {"", "", "", " ", "\t", " \t ", "\r", "  x"};
    static const char *const after[] = {"", "y\n", "\ny\n", "# h\n", "- z\n", "```\n"};
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        ok = both_dialects(cases[i], &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(12000); k++) {
        char md[512];
        const char *p = PICK(prefix), *cont = *p == '-' ? "  " : *p == '1' ? "   " : !strcmp(p, "> - ") ? ">   " : p;
        const char *f = PICK(fences);
        int len = snprintf(md, sizeof md, "%s%s%s\n", PICK(above), p, f);
        for (size_t l = next_rand() % 3; l; l--) {
            /* (a line of only a tab in a top-level block: md4c writes spaces, md4c_fix.c has no text to
             * place the tab by, and only --gfm routes it (gfm_route.c) - not this rule's) */
            const char *in = next_rand() % 4 ? cont : PICK(prefix), *line = PICK(lines);
            len += snprintf(md + len, sizeof md - (size_t)len, "%s%s\n", in, !*line && strchr(in, '\t') ? "x" : line);
        }
        /* the closer: the block's own fence (its length, at most), in or out of the container */
        if (next_rand() % 5)
            len += snprintf(md + len, sizeof md - (size_t)len, "%s%.*s%s\n", next_rand() % 3 ? cont : PICK(prefix),
                            3, f[0] == '~' ? "~~~~" : "````", PICK(trail));
        snprintf(md + len, sizeof md - (size_t)len, "%s", PICK(after));
        ok = both_dialects(md, &c);
    }
    CHECK(ok || !"a fence md4c reads otherwise stays on md4c");
    fprintf(stderr, "code fences: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* Code spans that run over lines: md4c dropped the line ending right
 * after the opening backticks (CommonMark: a space); and (GFM) a table
 * delimiter row inside one (`` `x|y ``, `:-:|`, `` z` ``): md4c made a
 * table of one column and lost the `y`. */
SL_TEST(md_code_spans_over_lines_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "a `\nb` c\n", "`\n`\n", "` d\n`i\n", "`x|y\n:-:|\nz`\n", "`|\n:-:\n`\n", "a ``\nb `` c\n",
    };
    static const char *const toks[] = {"`",  "`",   "``",  "`",  " ",     " ",    "\n", "\n",  "\n", "x",
                                       "ab", "|",   "|",   ":-:", "---", ":--",  "-:", " \n", "\\", "\n\n",
                                       "> ", "- ",  "\r\n", "*", "~~~\n", "```\n"};
    counts c = {0};
    int ok = token_pages(cases, sizeof cases / sizeof cases[0], toks, sizeof toks / sizeof toks[0], 3,
                         SL_TEST_SCALE(12000), 1, NULL, &c);
    CHECK(ok || !"a code span md4c reads otherwise stays on md4c");
    fprintf(stderr, "code spans over lines: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* cmark-gfm 0.29 takes a link destination with an unclosed `(` (`![](a(b`
 * then `)` on the next line, `[x]: https:(/a`): a bug of its own that
 * commonmark.js and md4c do not share, and sluice md does not copy
 * (adv14 F12).  Pages with such a destination are left out. */
static int unbalanced_destination(const char *md)
{
    for (const char *d = strstr(md, "]("); d; d = strstr(d + 1, "](")) {
        int depth = 0;
        const char *p = d + 2;
        while (*p == ' ' || *p == '\t')
            p++;
        for (; *p && !blank(*p) && depth >= 0; p++)
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        if (depth > 0)
            return 1;
    }
    return 0;
}

/* A link destination that fails with a URL in it (a space, no `)`): md4c
 * autolinked the URL (GFM), inside the outer link's text too (an <a> in
 * an <a>), or with a `;` cmark-gfm leaves out.  And `](`, a blank and a
 * line end before the destination: md4c failed the link. */
SL_TEST(md_failed_link_destinations_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "[![i](https://a.com/x y)](https://b.com)\n",
        "[[`c`](https://a.com/x y)] - z\n",
        "[t](https://d.rs/a.html;\n",
        "[a](https://git hub.com)\n",
        "](http://o\n",
        "[![npm](https://img.shields.io/npm/v/x.svg?maxAge =3600)](https://npmjs.com/x)\n",
        "[a]( \n/u)\n",
    };
    static const char *const toks[] = {"[",  "[",   "[",  "](", "](",  "]",   ")",  "(",   " ",      " ",
                                       "y",  ";",   "\"t\"", "https://a.com/x", "http://o", " www.b.org/p",
                                       "https://git", "\n", "."};
    counts c = {0};
    int ok = token_pages(cases, sizeof cases / sizeof cases[0], toks, sizeof toks / sizeof toks[0], 3,
                         SL_TEST_SCALE(12000), 1, unbalanced_destination, &c);
    fprintf(stderr, "left out for cmark-gfm's unclosed `(` in a destination: %zu pages\n", c.left_out);
    CHECK(ok || !"a failed link destination md4c reads otherwise stays on md4c");
    fprintf(stderr, "failed destinations: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* Everyday fences, spans and links stay on md4c. */
SL_TEST(md_blocks_keep_everyday_shapes_on_md4c)
{
    static const char *const plain[] = {
        "Text with `code` and ``a ` b``.\n\n```js\nlet x = `t`;\n```\n",
        "- item\n\n  ```sh\n  make\n  ```\n\n1. step\n\n    ```\n    run\n    ```\n",
        "- item\n  ```\n  code\n  ```\n",
        "> quote\n>\n> ```\n> code\n> ```\n",
        "~~~\ncode\n~~~\n\n~~struck~~ text ~/path\n",
        "| `a` | b |\n| :-: | --- |\n| `c` | d |\n",
        "A [link](https://example.com/x) and [t](https://e.org/a \"title\"), ![i](https://e.org/i.png).\n",
        "Wrapped `code\nspan` over a line.\n",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        for (int cm = 0; cm < 2; cm++) {
            int r = sl__md_md4c_blocks_misread(plain[i], strlen(plain[i]), cm);
            if (r)
                fprintf(stderr, "routed (%s): %s", cm ? "--commonmark" : "--gfm", plain[i]);
            CHECK(!r);
        }
}

/* The steps a routing check (md4c_blocks.c's, md4c_lists.c's) takes on a
 * page of `head` and `reps` copies of `unit`. */
typedef int (*dialect_check)(const char *s, size_t n, int commonmark);
static unsigned long check_steps(dialect_check check, const char *head, const char *unit, size_t reps, int cm,
                                 int *verdict)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, head);
    for (size_t i = 0; i < reps; i++)
        sl__md_buf_puts(&b, unit);
    CHECK(!b.failed);
    sl__md_route_steps = 0;
    *verdict = check(b.data, b.len, cm);
    free(b.data);
    return sl__md_route_steps;
}

/* Hostile pages: an unclosed span before many lines of runs, a line of
 * many links, runs in a quoted list item's block, fence lines walking
 * back over the lines above, a deep line of runs inside a span opened on
 * the line before: steps in proportion to the page. */
SL_TEST(md_blocks_take_linear_steps_on_hostile_pages)
{
    static const char *const units[] = {
        "` a `` b ``` c\n", "[a](https://a.org/x) [b](https://b.org/y) ", "> - ```\n>   `x` ``\n",
        "- a\n  ```\n  b ` c\n  ```\n", "x `y\n", "\\\\\\\\`", "----------```", "[[[[ ](https://a.org/x) ",
    };
    char indent[2100];
    memset(indent, ' ', sizeof indent - 1);
    indent[sizeof indent - 1] = 0;
    memcpy(indent, "``\n", 3); /* a span over lines, then a deep line of runs inside it */
    for (size_t u = 0; u <= sizeof units / sizeof units[0]; u++)
        for (int cm = 0; cm < 2; cm++) {
            int v1, v2;
            const char *head = u < sizeof units / sizeof units[0] ? "" : indent,
                       *unit = u < sizeof units / sizeof units[0] ? units[u] : "` ";
            unsigned long s1 = check_steps(sl__md_md4c_blocks_misread, head, unit, 2000, cm, &v1),
                          s2 = check_steps(sl__md_md4c_blocks_misread, head, unit, 4000, cm, &v2);
            fprintf(stderr, "%s: %lu steps, twice the page: %lu\n", unit, s1, s2);
            CHECK(v1 == v2);
            CHECK((double)s2 <= 2.5 * (double)s1 + 1000);
        }
}

/* --- md4c_lists.c: HTML blocks in list items, definitions' titles over
 * lines, an empty item on an unended last line (adv15's findings) ----- */

/* One page in both dialects with raw HTML passed through (as above), and
 * in safe mode: there sluice md's output must be its own cmark-gfm path's
 * (cmark-gfm's safe mode writes `<!-- raw HTML omitted -->` where sluice
 * md escapes), GFM's in both dialects: these pages hold no syntax of
 * GFM's extensions. */
static int every_mode(const char *md, counts *c)
{
    if (!both_dialects(md, c))
        return 0;
    char *want = render_mode(md, 0, SL__MD_CMARK, 1);
    int ok = 1;
    for (int cm = 0; ok && cm < 2; cm++) {
        char *got = render_mode(md, cm, SL__MD_ROUTED, 1);
        if (!(ok = !strcmp(got, want)))
            fprintf(stderr, "safe %s page:\n%s\n--- sluice md:\n%s--- cmark-gfm:\n%s", cm ? "--commonmark" : "--gfm",
                    md, got, want);
        free(got);
    }
    free(want);
    return ok;
}

/* The cases, then `pages` generated pages, in every mode: each must
 * render as cmark-gfm's, and md4c alone must differ on some (the
 * generator reaches the bug).  make_page writes one page of at most 512
 * bytes; what names the pages in the log. */
static void pages_render_as_cmark(const char *const *cases, size_t ncases, void (*make_page)(char *md), size_t pages,
                                  const char *what)
{
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < ncases; i++)
        ok = every_mode(cases[i], &c);
    for (size_t k = 0; ok && k < pages; k++) {
        char md[512];
        make_page(md);
        ok = every_mode(md, &c);
    }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "%s: %zu pages, md4c alone differs on %zu\n", what, c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* A list item, HTML lines in it (or under it, or out of it), a blank
 * line, and what follows. */
static void html_in_item_page(char *md)
{
    /* (no `<pre>` left open: a blank line as the last line of an item
     * inside an unclosed block of types 1-5 is another misreading, not
     * routed; no `>` without its space: a tag line one column short of a nested
     * item's text is another misreading, md4c_fix.c's lazy tag line) */
    static const char *const quote[] = {"", "", "> "};
    static const char *const markers[] = {"- ", "* ", "+ ", "1. ", "10) ", "- - "};
    static const char *const first[] = {"x", "x", "# h", "<div>", "<details>", "<span>", "<b>x</b>", "x  "};
    static const char *const html[] = {"<div>", "</div>", "<details>", "<summary>s</summary>", "<p align=\"center\">",
                                       "<table>", "<span>", "</a>", "<img src=\"a.png\" />", "<a href='x' title=y>",
                                       "<!-- c -->", "<b>x</b>", "<div", "y"};
    static const char *const html6[] = {"<div>", "</div>", "<details>", "<p align=\"center\">", "y"};
    /* Past the item's own indentation, none the most.  (Not four columns:
     * indented code in an item, then a blank line, is another misreading
     * md4c keeps the list tight for, not routed.) */
    static const char *const indent[] = {"", "", "", "", " ", "  "};
    static const char *const blanks[] = {"", " ", "\n", "\t"};
    static const char *const after[] = {"- y", "* y", "1. y", "y", "  y", "  - y", "    y", "<div>", "", "- <div>"};
    const char *q = PICK(quote), *m = PICK(markers);
    int len = snprintf(md, 512, "%s%s%s\n", q, m, PICK(first));
    /* The item's own indentation, or none: the list ends, or the line is
     * lazy (only a type 6 tag or text then: a lone type 7 tag there is
     * md4c_fix.c's lazy tag line, another misreading), and is the last
     * (an HTML line indented under it is md4c_misreads.c's, which does
     * not look past the type 6 block above). */
    for (size_t l = next_rand() % 3 + 1, in = 1; in && l; l--) {
        in = next_rand() % 6 != 0;
        len += snprintf(md + len, 512 - (size_t)len, "%s%*s%s%s\n", q, in ? (int)strlen(m) : 0, "", PICK(indent),
                        in ? PICK(html) : PICK(html6));
    }
    len += snprintf(md + len, 512 - (size_t)len, "%s%s\n", *q ? ">" : "", PICK(blanks));
    snprintf(md + len, 512 - (size_t)len, "%s%s\n", q, PICK(after));
}

/* A type 6 or 7 HTML block in a list item, ended by a blank line the list
 * goes on after: md4c took the blank for the block's end only and kept
 * the list tight (every `<p>` lost).  Under a paragraph, a heading, as
 * the item's first line; in quotes, ordered lists, nested lists. */
SL_TEST(md_html_blocks_in_list_items_keep_the_list_loose_as_cmark_gfm)
{
    static const char *const cases[] = {
        "- x\n  <div>\n  </div>\n\n- y\n",
        "* x\n  <div>\n\n  y\n",
        "1. x\n   <p align=\"center\">\n\n   y\n",
        "* x\n  <details>\n  <summary>s</summary>\n\n  y\n",
        "> * x\n>   <div>\n>\n>   y\n",
        "- step\n  <details>\n  <summary>More</summary>\n\n  text\n\n  </details>\n\n- next\n",
        "- <div>\n\n- b\n",
        "- <span>\n\n- b\n",
        "- <img src='a.png' />\n\n- b\n",
        "- # h\n  <div>\n\n- b\n",
        "- a\n  - <div>\n\n- b\n",
        "- x\n  <div>\n \n- b\n",
        "- x\n\t<div>\n\n- b\n",
        "para\n- x\n  y\n  <div>\n\n- b\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], html_in_item_page, SL_TEST_SCALE(6000),
                          "html in list items");
    /* The same pages with CRLF line ends: the walk up to the item saw the
     * empty stretch between `\r` and `\n` as a blank line (rev10 F2). */
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++) {
        char crlf[1024];
        size_t m = 0;
        for (const char *p = cases[i]; *p && m + 2 < sizeof crlf; p++) {
            if (*p == '\n')
                crlf[m++] = '\r';
            crlf[m++] = *p;
        }
        crlf[m] = 0;
        ok = every_mode(crlf, &c);
    }
    CHECK(ok || !"a CRLF page md4c reads otherwise stays on md4c");
    CHECK(c.differ > 0);
}

/* A definition: its title on the destination's line (never on the next:
 * there cmark-gfm 0.29 both takes the title and keeps its line as text,
 * a bug of its own sluice md does not copy), over one or more lines,
 * closed or not, and what follows its closer. */
static void definition_page(char *md)
{
    static const char *const prefix[] = {"", "", "> ", "- ", "   "};
    static const char *const sep[] = {" ", " ", "\n", "  "};
    static const char *const dest[] = {"/u", "/u", "<u>", "<a b>", "/u(x)", "e.org/p"};
    static const char *const open[] = {"'", "\"", "("};
    /* (no backslash right before a closer: cmark-gfm 0.29 takes `"a \"` for a title, CommonMark and md4c do not) */
    static const char *const lines[] = {"a", "a\nb", "a\nb\nc", "a \\* b\nc", "a\n\nb", "", "\nb", "\\\\"};
    static const char *const tail[] = {"", "", " ", " junk", "junk", "  j k", "\t", " x", " 'y'", " \t ", "\t\t"};
    const char *p = PICK(prefix), *o = PICK(open), *t = PICK(lines);
    const char *cont = *p == '>' ? "> " : *p == '-' ? "  " : "";
    char close = *o == '(' ? ')' : *o;
    int len = snprintf(md, 512, "%s[1]:%s%s %s", p, PICK(sep), PICK(dest), o);
    for (; *t; t++) /* the title's lines go on in the container, or lazily */
        len += *t == '\n' ? snprintf(md + len, 512 - (size_t)len, "\n%s", next_rand() % 4 ? cont : "")
                          : snprintf(md + len, 512 - (size_t)len, "%c", *t);
    if (next_rand() % 6)
        md[len++] = close;
    snprintf(md + len, 512 - (size_t)len, "%s\n\n[1]\n", PICK(tail));
}

/* A definition whose title opens on the destination's line and closes on
 * a later one with more text after it: md4c kept a definition of the
 * destination's line (the title's first line lost, the label a link);
 * CommonMark has no definition there.  And a definition's line that ends
 * with a tab: md4c cuts only spaces from a line's end, so to it the tab
 * is more text and there is no definition (or no title). */
SL_TEST(md_definition_titles_over_lines_and_tabs_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "[1]: /u 'a\nb' junk\n\n[1]\n",
        "[1]: /u \"a\nb\" junk\n\n[1]\n",
        "[1]: /u (a\nb) junk\n\n[1]\n",
        "[1]:\n/u 'a\nb' junk\n\n[1]\n",
        "> [1]: /u 'a\n> b' junk\n\n[1]\n",
        "- [1]: /u 'a\n  b' junk\n\n[1]\n",
        "[1]: /u 'a\nb\nc' j\n\n[1]\n",
        "[a\\\\]: /u 'x\ny' z\n\n[a\\\\]\n",
        "[x]: /u 'a\n[y]: /v 'b\nc' d\n\n[x] [y]\n",
        "[1]: /u \"a\nb\"\t\n\n[1]\n", /* md4c cuts only spaces from a line's end: a tab is more text to it */
        "[1]: /u\t\n\n[1]\n",
        "[1]: /u \"t\" \t \n\n[1]\n",
        "[1]:\n/u\t\n\n[1]\n",
        "[1]: /u\n\"t\"\t\n\n[1]\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], definition_page, SL_TEST_SCALE(6000),
                          "definition titles");
}

/* What comes before an empty item on the page's last line, the item's
 * markers, and how the page ends: no line end, or a lone `\r`. */
static void last_item_page(char *md)
{
    static const char *const before[] = {"* a\n\n", "* a\n \n", "> * a\n>\n> ", "a\n", "1. a\n\n", "* a\r\n\r\n",
                                         "* a\r\r", "- a\n\n", "+ `\n\n", "* a\n", "", "# h\n", "* a\n\n  "};
    static const char *const markers[] = {"*", "* ", "-", "+", "1.", "2)", "- -", "* * *", "- - -", "*\t", "  *",
                                          "1. -", "-  ", "10."};
    snprintf(md, 512, "%s%s%s", PICK(before), PICK(markers), next_rand() % 4 ? "" : "\r");
}

/* adv14 F7 on the page's last line with no line end after it (`* a`,
 * blank, `*`): md4c kept the list tight, CommonMark makes it loose; and
 * such an item right under a paragraph's line (md4c let it interrupt the
 * paragraph). */
SL_TEST(md_an_empty_item_on_an_unended_last_line_renders_as_cmark_gfm)
{
    static const char *const cases[] = {
        "* a\n\n*", "* a\n\n* ", "+ `\n\n+", "> * a\n>\n> *", "* a\r\r*", "* a\n\n*\r", "a\n* ", "- a\n\n- -",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], last_item_page, SL_TEST_SCALE(3000),
                          "unended last items");
}

/* Raw HTML holding a fence-looking line, then text md4c misreads. */
static void fence_in_html_page(char *md)
{
    static const char *const open[] = {"<div>", "<!--", "<i>", "<details>", "- <div>", "> <div>", "<div>\n\n<!--",
                                       "<p align=\"center\">", "<b>x</b> y", "<pre>\n", "<style>\n", "<?x\n",
                                       "<!X\n", "<![CDATA[\n", "<script>\n", "<PRE class=a>\n"};
    static const char *const fence[] = {"```", "~~~", "```js", "  ```", "````"};
    static const char *const mid[] = {"", "x", "\n", "```", "-->"};
    static const char *const close[] = {"</div>", "-->", "", "</details>", "</pre>", "</style>", "?>", ">", "]]>",
                                        "</script>"};
    static const char *const after[] = {"glob '**/*.js' or *.ts", "a `\nb` c", "*a **b** c*", "```\ncode\n```",
                                        "x **/*.c y"};
    snprintf(md, 512, "%s\n%s\n%s\n%s\n\n%s\n", PICK(open), PICK(fence), PICK(mid), PICK(close), PICK(after));
}

/* A fence-looking line inside an HTML block is the block's text, yet the
 * routing checks that skip fenced code took it for an opener and skipped
 * every later paragraph, so md4c's misreadings after it stayed on md4c
 * (adv15 A3: emphasis lost, links and code spans otherwise). */
SL_TEST(md_fence_lines_in_html_blocks_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "<div>\n```\n</div>\n\nglob '**/*.js' or *.ts\n",
        "<div>\n```\n</div>\n\na `\nb` c\n",
        "<!--\n```\n-->\n\nglob '**/*.js' or *.ts\n",
        "<!--\n\n```\n\n-->\n\na `\nb` c\n",
        "<i>\n```\n\nglob '**/*.js' or *.ts\n",
        "<div>\n~~~\n</div>\n\nglob '**/*.js' or *.ts\n",
        "- <div>\n  ```\n  </div>\n\nglob '**/*.js' or *.ts\n",
        /* blocks that go on over blank lines to their end marker (rev10 F6) */
        "<pre>\n\n```\n</pre>\n\nglob '**/*.js' or *.ts\n",
        "<style>\n\n```\n</style>\n\na `\nb` c\n",
        "<?x\n\n```\n?>\n\nglob '**/*.js' or *.ts\n",
        "<!X\n\n```\n>\n\nglob '**/*.js' or *.ts\n",
        "<![CDATA[\n\n```\n]]>\n\nglob '**/*.js' or *.ts\n",
        "<script>\n\n~~~\n</script>\n\nglob '**/*.js' or *.ts\n",
    };
    /* GFM's autolinks after such a block (gfm_route.c's fence tracking) */
    static const char *const gfm[] = {
        "<div>\n```\n</div>\n\nhttp://e\n", "<!--\n\n```\n\n-->\n\nhttp://e\n", "<i>\n```\n\nwww.x.org/p\n",
        "- <div>\n  ```\n  </div>\n\nhttp://e\n", "<pre>\n\n```\n</pre>\n\nhttp://e\n",
    };
    counts c = {0};
    for (size_t i = 0; i < sizeof gfm / sizeof gfm[0]; i++)
        CHECK(renders_as_cmark(gfm[i], 0, &c));
    CHECK(c.differ > 0); /* md4c alone misreads some */
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], fence_in_html_page, SL_TEST_SCALE(6000),
                          "fences in html blocks");
}

/* A paragraph's line, then an underline with blanks after it. */
static void underline_page(char *md)
{
    static const char *const above[] = {"Title", "a *b*", "> T", "- item", "  T", "T\nU", "- a\n\n  b"};
    static const char *const run[] = {"-", "--", "---", "-----", "=", "===", "> ---", "   ---", "- -", "  \t--", "\t==="};
    static const char *const tail[] = {"\t", " \t", "\t ", "\t\t", "  ", "", "\t\r", " \t x"};
    static const char *const after[] = {"", "\ntext", "\n\ntext", "\n- x"};
    snprintf(md, 512, "%s\n%s%s%s\n", PICK(above), PICK(run), PICK(tail), PICK(after));
}

/* A setext underline with a tab after it: md4c cuts only spaces from a
 * line's end, so it read a thematic break or more of the paragraph where
 * CommonMark has a heading (adv15 A11); also where a tab indents the
 * underline (advmd F10). */
SL_TEST(md_setext_underlines_ending_in_a_tab_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "Title\n-----\t\n\ntext\n", "Title\n=====  \t\n", "> T\n> ---\t\n", "T\n--\t \n", "a\nb\n=\t\n",
        "- a\n\n  b\n  \t--\t\n", "- a\n\n  b\n  \t===\t\n", "- a\n\n  b\n  \t=\t\n", /* a tab in the indentation (advmd F10) */
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], underline_page, SL_TEST_SCALE(3000),
                          "underlines ending in a tab");
}

/* Shapes md4c reads as CommonMark does stay on md4c: a blank line before
 * the HTML, a comment, an unindented tag (it ends the list), a top-level
 * `<details>` block then a list (README changelogs), a tag with text
 * after it, two blank lines, a title on one line or closed at its line's
 * end, a title on the line after the destination (where cmark-gfm 0.29
 * is wrong), a last line that ends. */
SL_TEST(md_lists_keep_everyday_shapes_on_md4c)
{
    static const char *const plain[] = {
        "* x\n\n  <div>\n\n  y\n",
        "* x\n  <!-- c -->\n\n  y\n",
        "* x\n<div>\n\n  y\n",
        "- x\n  <div>\n\ny\n",
        "<details>\n  <summary><strong>Guiding Principles</strong></summary>\n\n- Changelogs are for humans.\n",
        "text\n  <div>\n\n  y\n",
        "- <b>x</b>\n\n- b\n",
        "- <div>\n\n\n- b\n",
        "[1]: /u \"t\" junk\n\n[1]\n",
        "[1]: /u 'a\nb'\n\n[1]\n",
        "[1]: /u 'a\nb\n\n[1]\n",
        "[1]: /u\n\"title\" y\n\n[1]\n",
        "x = a[1]: 'b\nc'\n",
        "* a\n\n*\n",
        "* a\n\n* * *",
        "a\n*",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        int r = sl__md_md4c_lists_misread(plain[i], strlen(plain[i]));
        if (r)
            fprintf(stderr, "routed: %s\n", plain[i]);
        CHECK(!r);
    }
}

/* md4c_lists.c's check, in check_steps' shape: the same in both dialects. */
static int lists_check(const char *s, size_t n, int commonmark)
{
    (void)commonmark;
    return sl__md_md4c_lists_misread(s, n);
}

/* Hostile pages: HTML lines in one item with no blank line (the walk
 * ahead), indented HTML lines under one item line (the walk back), titles
 * that never close, many `]:` on a line: steps in proportion to the
 * page. */
SL_TEST(md_lists_take_linear_steps_on_hostile_pages)
{
    static const struct {
        const char *head, *unit;
    } pages[] = {
        {"", "- a\n  <div>\n"}, {"- a\n", "  <div>\n"}, {"", "[1]: u (x\n"}, {"", "]: u (x ]: u 'x "},
        {"", "[1]: u 'x\n[2]: u \"x\n[3]: u (x\n"}, {"", "- <span>\n  <div>\n"}, {"", "\\]: u (x\n"},
        {"- a\n", "  <div> <p> <b> "},
        /* CR-only pages: a line's end looked for the `\n` first, to the page's end (rev11 F1) */
        {"- x\r  <div>\r", "a\r"}, {"", "- <b>\r"}, {"- a\r", "  <div>\r\r- b\r"},
    };
    for (size_t u = 0; u < sizeof pages / sizeof pages[0]; u++) {
        int v1, v2;
        unsigned long s1 = check_steps(lists_check, pages[u].head, pages[u].unit, 2000, 0, &v1),
                      s2 = check_steps(lists_check, pages[u].head, pages[u].unit, 4000, 0, &v2);
        fprintf(stderr, "%s: %lu steps, twice the page: %lu\n", pages[u].unit, s1, s2);
        CHECK(v1 == v2);
        CHECK((double)s2 <= 2.5 * (double)s1 + 1000);
    }
}

/* An inline link with backticks in its destination or title, and what
 * follows it on the page; with url, a URL GFM autolinks as its
 * destination. */
/* 1 if a backtick run of md has no later run of its length but is
 * followed by runs of other lengths: cmark-gfm 0.29's cache of runs then
 * misses closers (a bug of its own, adv14 F12b; sluice md does not copy
 * it). */
static int lone_run_before_others(const char *md)
{
    size_t at[64], len[64], k = 0;
    for (size_t i = 0; md[i] && k < 64; i++)
        if (md[i] == '`' && (i == 0 || md[i - 1] != '\\')) {
            at[k] = i;
            while (md[i + 1] == '`')
                i++;
            len[k] = i + 1 - at[k];
            k++;
        }
    for (size_t a = 0; a < k; a++) {
        int closer = 0, other = 0;
        for (size_t b = a + 1; b < k; b++)
            closer |= len[b] == len[a], other |= len[b] != len[a];
        if (!closer && other)
            return 1;
    }
    return 0;
}

static void link_page(char *md, int url)
{
    static const char *const prefix[] = {"", "", "> ", "- ", "x ", "`q` "};
    static const char *const text[] = {"a", "a", "`c`", "a b"};
    static const char *const dest[] = {"u", "x`b", "<x`b>", "x``b", "x\\`b", "u(`)", "x`b`", "/`",
                                       "u\vy", "x\fb", "u(\v)", "u\001y", "u\037", "x\177b"}; /* md4c ends a
                                       destination at a control byte, cmark-gfm does not (rev11 F2, rev12 F7) */
    static const char *const urls[] = {"http://.e.com/x", "https://.e.org", "http://e.com/`", "HTTP://e.c/a`b`",
                                       "ftp://.x", "http://e.com/x", "www.e.com/`", "http://..e"};
    static const char *const title[] = {"", "", " \"`t\"", " '`t'", " (`t)", " \"R `t` x\"", " \"``t\"", "\n\"`t\"",
                                        " \"`t` `\"", " \"a\\`\""};
    static const char *const close[] = {")", ")", ")", "", " )"};
    static const char *const after[] = {" x`", " `y`", "", " ``z``", "\n`w`", "`", " `y` `"};
    do
        snprintf(md, 512, "%s[%s](%s%s%s%s\n", PICK(prefix), PICK(text), url ? PICK(urls) : PICK(dest), PICK(title),
                 PICK(close), PICK(after));
    while (lone_run_before_others(md));
}

static void link_tick_page(char *md)
{
    link_page(md, 0);
}

/* md4c pairs code spans before it reads links, so a backtick in a link's
 * destination or title that has no partner there opened a span with one
 * after the link, and the link was lost; cmark-gfm reads the link first
 * (adv15 A13).  And a failed link's URL: md4c autolinks one whose host
 * starts with a dot, cmark-gfm not (adv15 A9), and pairs a backtick in
 * it with one after it, where cmark-gfm links the URL (GFM's autolinks:
 * compared in each dialect with raw HTML passed through, as safe mode's
 * comparison takes GFM's output for both). */
SL_TEST(md_backticks_in_link_destinations_and_titles_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "[a](u \"`t\") x`\n", "[a](x`b)`\n",      "[a](u \"R `t` `\") y `\n", "[a](<x`b>) `\n",
        "[a](u '`t') `\n",    "[a](u (`t)) `\n", "![a](x`b)`\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], link_tick_page, SL_TEST_SCALE(6000),
                          "backticks in links");
    static const char *const urls[] = {"[a](http://.example.com/x\n", "[a](http://e.com/` `y` `\n"};
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof urls / sizeof urls[0]; i++)
        ok = both_dialects(urls[i], &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(3000); k++) {
        char md[512];
        link_page(md, 1);
        ok = both_dialects(md, &c);
    }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "urls in failed links: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* A paragraph's line, lines of `>` indented four columns or more (or
 * less), then an indented line that would start an HTML block. */
static void marks_then_html_page(char *md)
{
    static const char *const quote[] = {"", "", "> "};
    static const char *const first[] = {"x", "a b", "    code", "- x"};
    static const char *const mid[] = {"    >", "     >", ">", "  >", "    > >", "\t>", "    x", "y", "  >    >"};
    static const char *const start[] = {"    <div", "    <div>", "    <!-- c -->", "     <p>", "<div>", "    <?x ?>"};
    const char *q = PICK(quote);
    int len = snprintf(md, 512, "%s%s\n", q, PICK(first));
    for (size_t l = next_rand() % 3 + 1; l; l--)
        len += snprintf(md + len, 512 - (size_t)len, "%s%s\n", q, PICK(mid));
    snprintf(md + len, 512 - (size_t)len, "%s%s\n%s", q, PICK(start), next_rand() % 2 ? "z\n" : "");
}

/* md4c_misreads.c's walk up from an indented HTML start took a line of
 * `>` four columns in (`x`, `    >`, `    <div`) for a quote's blank
 * line and so found no paragraph above; it is the paragraph's text, and
 * md4c ended the paragraph at the `<div` (adv15 A12). */
SL_TEST(md_indented_quote_marks_above_html_starts_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "x\n    >\n    <div\n", "> x\n>     >\n>     <div\n", "x\n     >\n    <div>\n", "x\n\t>\n    <!-- c -->\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], marks_then_html_page, SL_TEST_SCALE(6000),
                          "quote marks above html starts");
}

/* A list item whose line opens an HTML block, lines in the item, then a
 * line that may leave it indented four columns or more. */
static void item_tag_page(char *md)
{
    static const char *const quote[] = {"", "", "> "};
    static const char *const marker[] = {"1)   ", "1.  ", "-    ", "10.  ", "- ", "*   ", "- 1)  ", "100)  "};
    static const char *const tag[] = {"<r>", "<div>", "<b>x</b>", "<!-- c -->", "<span a=1>", "</p>", "<x y='z' />"};
    static const char *const inside[] = {"x", "<i>", "  y", "</div>"};
    static const char *const leave[] = {"    1", "    1", "     1", "   1", "1", "\t1", "    - x", ""};
    const char *q = PICK(quote), *m = PICK(marker);
    int len = snprintf(md, 512, "%s%s%s\n", q, m, PICK(tag));
    for (size_t l = next_rand() % 3; l; l--)
        len += snprintf(md + len, 512 - (size_t)len, "%s%*s%s\n", q, (int)strlen(m), "", PICK(inside));
    snprintf(md + len, 512 - (size_t)len, "%s%s\n%s", next_rand() % 4 ? q : "", PICK(leave), next_rand() % 2 ? "z\n" : "");
}

/* An HTML block of type 6 or 7 opened on a list item's line, then a line
 * that leaves the item four columns in or more: md4c read a paragraph
 * there, CommonMark indented code (adv15 A6). */
SL_TEST(md_lines_leaving_an_item_after_its_html_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "1)   <r>\n    1\n", "1)   <div>\n    1\n", "> 1)   <r>\n>     1\n", "1)   <r>\n     x\n    1\n",
        "10.  <b>x</b>\n    1\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], item_tag_page, SL_TEST_SCALE(6000),
                          "lines leaving an item after its html");
}

/* A raw HTML block that goes on over blank lines, with lines of blanks
 * (tabs among them) inside. */
static void blank_tab_page(char *md)
{
    static const char *const open[] = {"<pre>", "<pre>", "<!--", "<script>", "<style>", "<?x", "<!X", "<![CDATA[",
                                       "> <pre>", "- <pre>", "<PRE class=a>"};
    static const char *const line[] = {"x", "\t", " \t", "\t ", "  ", "", "a\tb", "\t\t", "   \t"};
    static const char *const close[] = {"</pre>", "-->", "</script>", "</style>", "?>", ">", "]]>", ""};
    int len = snprintf(md, 512, "%s\n", PICK(open));
    for (size_t l = next_rand() % 4 + 1; l; l--)
        len += snprintf(md + len, 512 - (size_t)len, "%s\n", PICK(line));
    snprintf(md + len, 512 - (size_t)len, "%s\n%s", PICK(close), next_rand() % 2 ? "\nz\n" : "");
}

/* md4c writes a tab on a line of blanks inside a raw HTML block of types
 * 1-5 as spaces, cmark-gfm keeps it (adv15 A15: visible in `<pre>`). */
SL_TEST(md_blank_lines_with_tabs_in_html_blocks_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "<pre>\nx\n\t\ny\n</pre>\n", "<pre>\nx\n \t\ny\n</pre>\n", "<pre>\n\t\n</pre>\n", "<!--\nx\n\t\ny\n-->\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], blank_tab_page, SL_TEST_SCALE(6000),
                          "blank lines with tabs in html blocks");
}

/* html_in_item_page's pages with CR-only line ends. */
static void html_in_item_cr_page(char *md)
{
    html_in_item_page(md);
    for (char *p = md; (p = strchr(p, '\n')); p++)
        *p = '\r';
}

/* md4c and CommonMark take a lone `\r` for a line end; md4c_lists.c's
 * walk ahead of an HTML line in a list item looked for `\n` only, so on
 * a CR-only page it never found the blank line (rev10 F2's second
 * cause). */
SL_TEST(md_html_blocks_in_list_items_on_cr_only_pages_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "- x\r  <div>\r  </div>\r\r- y\r",
        "- <div>\r\r- b\r",
        "* x\r  <details>\r  <summary>s</summary>\r\r  y\r",
        "> * x\r>   <div>\r>\r>   y\r",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], html_in_item_cr_page, SL_TEST_SCALE(6000),
                          "html in list items, CR-only");
}

/* Pages of several generators above with every line end a lone `\r`, or
 * one `\n` in three turned into one. */
static void lone_cr_page(char *md)
{
    static void (*const make[])(char *) = {last_item_page, definition_page, underline_page, item_tag_page,
                                           html_in_item_page, fence_in_html_page, marks_then_html_page};
    PICK(make)(md);
    int all = next_rand() % 2;
    for (char *p = md; (p = strchr(p, '\n')); p++)
        if (all || next_rand() % 3 == 0)
            *p = '\r';
}

/* A lone `\r` is a line end (CommonMark 2.1) which the routing checks
 * read only in places: an outside tester (adv18 F3) found an empty item
 * interrupting a paragraph, a list that stayed tight, trailing spaces lost
 * in a `<pre>` block, a tab in fenced code turned into spaces and a task
 * item md4c made of `- [ ]` alone, all on md4c with `\n` routed.  Every
 * page with a lone CR now goes to cmark-gfm. */
SL_TEST(md_pages_with_a_lone_cr_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "x\r* \ry\r", "x\r1. \ry\r", "x\r1) \ry\r", ":\r1. \r\r", "* a\r\r*\r* b\r", "-\r\r    b\r",
        "a\r<pre>\rx  \r</pre>\r", "```c\r\tx\r```\r", "- [ ]\rU", "x\r* \ny\r\n", "a\n\n* b\r\r*\r* c\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], lone_cr_page, SL_TEST_SCALE(6000),
                          "lone CR line ends");
}

/* An e-mail address with some of its characters written as entity
 * references, in a few places on a line. */
static void entity_address_page(char *md)
{
    static const char *const local[] = {"a", "jo.e", "x_y", "&#97;", "a&#46;b", "&#x6a;o"};
    static const char *const at[] = {"@", "&#64;", "&#x40;", "&commat;", "@"};
    static const char *const domain[] = {"b.co", "b&#46;co", "ex.org&#46;uk", "b.c&#111;", "b.co&#46;", "b-c.io"};
    static const char *const before[] = {"", "x ", "mailto:", "mailto&#58;", "**", "<", "[l](", "`", "_"};
    static const char *const after[] = {"", " y", "**", ">", ")", "`", ".", "&#46;", "_"};
    snprintf(md, 512, "%s%s%s%s%s\n", PICK(before), PICK(local), PICK(at), PICK(domain), PICK(after));
}

/* cmark-gfm finds e-mail autolinks in text after decoding entity
 * references, md4c before: `a&#64;b.co` was a link to cmark-gfm only, and
 * `a@b.co&#46;uk` linked a shorter address (adv18 F1, an obfuscated
 * mailto in a README).  Such pages go to cmark-gfm under --gfm. */
SL_TEST(md_addresses_written_with_entities_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "a&#64;b.co\n", "a@b.co&#46;uk\n", "mailto&#58;a@b.co\n", "&#97;@b.co\n", "a@b&#46;co\n",
        "**a&#64;b.co**\n", "a&#x40;b.co\n", "a&commat;b.co\n",
        "<&#x6d;&#x61;&#x69;&#x6c;&#x74;&#x6f;&#x3a;&#x61;&#x40;&#x62;&#x2e;&#x63;&#x6f;>\n",
    };
    counts c = {0};
    int ok = 1; /* GFM alone: --commonmark has no autolinks to compare */
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        ok = renders_as_cmark(cases[i], 0, &c);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(4000); k++) {
        char md[512];
        entity_address_page(md);
        ok = renders_as_cmark(md, 0, &c);
    }
    /* runs longer than the check's 256-byte window, and entities far apart
     * (rev14 G1, G2: a first entity near the page's start, or one whose
     * window holds the `@` the one before it did not, was skipped) */
    static char longer[3][1024];
    snprintf(longer[0], sizeof longer[0], "&#49;%0300d\n\nx&#46;y@example.com\n", 0);
    snprintf(longer[1], sizeof longer[1], "%020d&#49;%0240db&#46;c%040d@example.com\n", 0, 0, 0);
    snprintf(longer[2], sizeof longer[2], "a&#46;b %0400d x&#46;y@e.co &#49;%0500d q@r.co\n", 0, 0);
    for (size_t i = 0; ok && i < 3; i++)
        ok = renders_as_cmark(longer[i], 0, &c);
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "addresses written with entities: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* md4c 0.4.8 takes time that grows with the square of bracket nesting
 * on a page that defines a link reference (adv18 F0: 40 KB of `[`, `]`
 * took 2 s): past 32 open brackets the page goes to cmark-gfm, which is
 * linear there, in both dialects.  Everyday nesting stays on md4c. */
SL_TEST(md_deeply_nested_brackets_go_to_cmark_gfm)
{
    static const size_t depths[] = {33, 100, 5000};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        size_t k = depths[d], len = 0;
        char *md = malloc(2 * k + 64);
        memset(md, '[', k);
        memset(md + k, ']', k);
        len = 2 * k;
        len += (size_t)sprintf(md + len, "\n\n[x]: /u\n");
        for (int cm = 0; cm < 2; cm++) {
            CHECK(sl__md_routes_to_cmark(md, len, cm));
            counts c = {0};
            CHECK(renders_as_cmark(md, cm, &c));
        }
        free(md);
    }
    static const char *const everyday[] = {"[[a]](/u) [b [c] d](/v)\n\n[x]: /u\n",
                                           "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n\n[x]: /u\n"};
    for (size_t i = 0; i < 2; i++)
        for (int cm = 0; cm < 2; cm++)
            CHECK(!sl__md_routes_to_cmark(everyday[i], strlen(everyday[i]), cm));
}

/* A page of `unit` repeated `k` times after `lead`. */
static char *repeat_page(const char *lead, const char *unit, size_t k, const char *tail)
{
    size_t ul = strlen(unit), ll = strlen(lead), tl = strlen(tail);
    char *md = malloc(ll + ul * k + tl + 2);
    memcpy(md, lead, ll);
    for (size_t i = 0; i < k; i++)
        memcpy(md + ll + i * ul, unit, ul);
    memcpy(md + ll + ul * k, tail, tl + 1);
    return md;
}

/* cmark-gfm 0.29 takes time growing with the square of the page on long
 * runs of `|` in a table row, of `<![CDATA[`, and of `![[]()` (brackets
 * nested ever deeper): 100 KB took it 1.2-34 s, md4c 0.03-0.09 s.  The
 * bracket rule sent the last two to cmark-gfm for md4c's own quadratic
 * case, which needs a link reference definition; and past a thousand of
 * them a page stays on md4c whatever else routes it (cmark_slow.c).
 * Under the limits (and the bracket rule's depth) md4c renders them as
 * cmark-gfm does. */
SL_TEST(md_pages_cmark_gfm_is_quadratic_on_stay_on_md4c)
{
    static const char *const lead[] = {"", "see http://g here\n\n"}; /* the second routes on its own */
    static const struct {
        const char *lead, *unit;
        size_t limit; /* past it, cmark_slow.c keeps the page on md4c */
    } shapes[] = {{"| a | b |\n|---|---|\n", "|", 4096}, {"a ", "<![CDATA[", 1024}, {"", "![[]()", 1024}};
    for (size_t h = 0; h < sizeof shapes / sizeof shapes[0]; h++)
        for (size_t l = 0; l < 2; l++) {
            char head[128];
            snprintf(head, sizeof head, "%s%s", lead[l], shapes[h].lead);
            /* just past the limit: md4c, in both dialects, rendering as cmark-gfm does */
            char *md = repeat_page(head, shapes[h].unit, shapes[h].limit + 1, "\n");
            for (int cm = 0; cm < 2; cm++) {
                CHECK(!sl__md_routes_to_cmark(md, strlen(md), cm));
                if (!l) {
                    counts c = {0};
                    CHECK(renders_as_cmark(md, cm, &c));
                }
            }
            free(md);
            /* below it, and deeper than the bracket rule's 32: routed only for the lead (and, under
             * --gfm, for the row's empty cells, which md4c drops) */
            md = repeat_page(head, shapes[h].unit, 100, "\n");
            for (int cm = 0; cm < 2; cm++) {
                CHECK(sl__md_routes_to_cmark(md, strlen(md), cm) == ((l || h == 0) && !cm));
                counts c = {0};
                CHECK(renders_as_cmark(md, cm, &c));
            }
            free(md);
        }
    /* deep brackets with a definition: md4c is the quadratic one, cmark-gfm renders */
    char *md = repeat_page("", "![[]()", 2000, "\n\n[x]: /u\n");
    CHECK(sl__md_routes_to_cmark(md, strlen(md), 0) && sl__md_routes_to_cmark(md, strlen(md), 1));
    free(md);
    /* slow for both (a review: a line of 4,100 `|` sent a page of brackets
     * 20,000 deep back to md4c, 1.9 s instead of 0.03 s): the page goes
     * where its square is smaller */
    char *pipes = repeat_page("| a | b |\n|---|---|\n", "|", 4100, "\n\n");
    char *deep = repeat_page(pipes, "![[]()", 20000, "\n\n[x]: /u\n");
    CHECK(sl__md_routes_to_cmark(deep, strlen(deep), 0) && sl__md_routes_to_cmark(deep, strlen(deep), 1));
    free(deep);
    free(pipes);
    pipes = repeat_page("| a | b |\n|---|---|\n", "|", 8200, "\n\n");
    deep = repeat_page(pipes, "![[]()", 2000, "\n\n[x]: /u\n");
    CHECK(!sl__md_routes_to_cmark(deep, strlen(deep), 0) && !sl__md_routes_to_cmark(deep, strlen(deep), 1));
    free(deep);
    free(pipes);
}

/* A list item that starts with indented code, then what follows it. */
static void item_code_page(char *md)
{
    static const char *const quote[] = {"", "", "> ", "- a\n  "};
    static const char *const marker[] = {"-", "*", "+", "1.", "2)", "10."};
    static const char *const pad[] = {"     ", "      ", "        ", "    "};
    static const char *const text[] = {"T", "code()", "x  y"};
    static const char *const after[] = {"\n- S\n", "\n  x\n", "- S\n", "\n\n- S\n", "", "\n1. S\n", "\n      more\n"};
    const char *q = PICK(quote);
    snprintf(md, 512, "%s%s%s%s\n%s", q, PICK(marker), PICK(pad), PICK(text), PICK(after));
}

/* md4c 0.4.8 kept the list of an item that starts with indented code
 * tight across a blank line (`-     T`, blank, `- S`: every `<p>` lost;
 * adv18 F11, CommonMark 5.2's rule 2).  Such pages go to cmark-gfm. */
SL_TEST(md_items_starting_with_indented_code_render_as_cmark_gfm)
{
    static const char *const cases[] = {"-     T\n\n- S\n", "1.      T\n\n2. S\n", "-     T\n\n  x\n",
                                        "> -     T\n>\n> - S\n"};
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], item_code_page, SL_TEST_SCALE(4000),
                          "items starting with indented code");
}

/* A bracket, then an image right after its `]`, and some of their
 * labels defined. */
static void ref_image_page(char *md)
{
    static const char *const lead[] = {"", "See ", "- ", "> ", "# ", "a "};
    static const char *const first[] = {"[x]", "![x]", "[]", "[x][y]", "[x y]", "[x](/u)", "[x]\\"};
    static const char *const second[] = {"![a](/i.png)", "![a]", "![b][bi]", "![a][]", "![y]", "![x]"};
    static const char *const tail[] = {"", " t", "![a]", "\n"};
    static const char *const defs[] = {"", "[x]: /x\n", "[a]: /a.png\n", "[x]: /x\n[a]: /a.png\n",
                                       "[y]: /y\n[bi]: /b.png\n", "[x]: /x\n[a]: /a.png\n[y]: /y\n[bi]: /b.png\n"};
    snprintf(md, 512, "%s%s%s%s\n\n%s", PICK(lead), PICK(first), PICK(second), PICK(tail), PICK(defs));
}

/* md4c 0.4.8 takes `![label]` right after a bracket's `]` for that
 * bracket's reference label, its `!` ignored: `[x]![a](/i.png)` linked x
 * to a's URL and lost the image, and a badge row written `![npm]![build]`
 * became one image with the second's URL (advmd F15).  Pages with a `]`
 * right before `![` go to cmark-gfm, in both dialects. */
SL_TEST(md_a_bracket_right_before_an_image_renders_as_cmark_gfm)
{
    static const char *const cases[] = {
        "[x]![a](/i.png)\n\n[x]: /x\n[a]: /a.png\n",
        "![npm]![build]\n\n[npm]: https://img.shields.io/npm/v/x.svg\n[build]: https://img.shields.io/ci/x.svg\n",
        "[]![a]\n\n[a]: /a.png\n", "[x]![b][bi]\n\n[x]: /x\n[bi]: /b.png\n"};
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], ref_image_page, SL_TEST_SCALE(3000),
                          "brackets right before images");
}

/* The same rule where the page's bytes fall anywhere against the 64
 * bytes md4c_lists.c's scan for a marker and five spaces reads at once
 * (each block 60 on from the last: a run may start in its last four
 * bytes) and against the page's end: found at every offset, and never
 * where no marker comes before the spaces.  A NUL before them counts as
 * a marker, as it did when strchr() decided (cmark-gfm reads it as
 * U+FFFD: wrong towards cmark-gfm costs speed only). */
SL_TEST(md_item_starting_with_code_found_at_every_offset)
{
    /* Each item, and the same bytes with letters for its markers (`@`: a
     * NUL). */
    static const char *const items[][2] = {
        {"-     T", "x     T"}, {"1.     T", "1x     T"}, {"@     T", "x     T"}, {"> *      code", "> x      code"}};
    for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
        for (size_t before = 0; before < 140; before++)
            for (size_t after = 0; after < 24; after++)
                for (int p = 0; p < 2; p++) {
                    char md[192];
                    size_t len = 0, w = strlen(items[k][p]);
                    if (before) {
                        memset(md, 'a', before);
                        md[before] = '\n';
                        len = before + 1;
                    }
                    memcpy(md + len, items[k][p], w);
                    for (size_t i = len; i < len + w; i++)
                        if (md[i] == '@')
                            md[i] = 0;
                    len += w;
                    if (after) {
                        md[len] = '\n';
                        memset(md + len + 1, 'b', after - 1);
                        len += after;
                    }
                    CHECK(sl__md_md4c_lists_misread(md, len) == !p);
                }
}

/* cmark-gfm 0.29 draws a task item's checkbox only where the item's
 * marker starts its line; md4c after a `>` or another marker too (adv18
 * F6: a quote had checkboxes or not as something else routed its page).
 * Such pages go to cmark-gfm under --gfm. */
SL_TEST(md_task_items_after_a_quote_or_marker_render_as_cmark_gfm)
{
    /* (checked by the decision and cmark-gfm's output: md4c's own pages
     * write GitHub's task classes, which the comparison does not take) */
    static const char *const before[] = {"", "", "a\n\n", "- x\n", "> q\n"};
    static const char *const prefix[] = {"> ", ">", "> - ", "- - ", "* + ", "  > ", "1. - ", "> > "};
    static const char *const marker[] = {"- ", "* ", "1. ", "2) "};
    static const char *const task[] = {"[ ] ", "[x] ", "[X] "};
    counts c = {0};
    int ok = 1;
    for (size_t k = 0; ok && k < SL_TEST_SCALE(3000); k++) {
        char md[512];
        int len = snprintf(md, sizeof md, "%s%s%s%sdo it\n", PICK(before), PICK(prefix), PICK(marker), PICK(task));
        CHECK(sl__md_routes_to_cmark(md, (size_t)len, 0));
        ok = renders_as_cmark(md, 0, &c);
    }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    /* an item whose marker starts its line keeps md4c (and its checkbox) */
    static const char *const plain[] = {"- [ ] a\n", "  * [x] b\n", "1. [X] c\n", "a\n\n- [ ] b\n", "> text [ ] b\n"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        CHECK(!sl__md_routes_to_cmark(plain[i], strlen(plain[i]), 0));
}

/* How many times word occurs in h. */
static size_t occurrences(const char *h, const char *word)
{
    size_t k = 0;
    for (const char *p = h; (p = strstr(p, word)); p++)
        k++;
    return k;
}

static size_t checkboxes(const char *h)
{
    return occurrences(h, "checkbox");
}

/* A task item right under the last line of a quote in the item before
 * (or a lazy line of the quote's paragraph): md4c 0.4.8 drew no checkbox,
 * the quote being its innermost open container; cmark-gfm draws it
 * (adv20 F1).  Such pages go to cmark-gfm under --gfm. */
SL_TEST(md_task_items_right_after_a_quote_in_an_item_render_as_cmark_gfm)
{
    /* (checked by the decision and cmark-gfm's output, and the checkboxes
     * md4c draws: its pages write GitHub's task classes) */
    static const char *const before[] = {"- a\n  > x\n",    "- > x\n",          "1. > x\n",         "- >\n",
                                         "- a\n  > x\nlazy\n", "* a\n  > x\n  > y\n", "- a\n  - b\n    > x\n",
                                         "- a\n  > > x\n",  "+ a\n\n  > x\n"};
    static const char *const task[] = {"- [ ] t\n", "2. [x] t\n", "  - [ ] t\n", "* [X] t\n", "+ [ ] t\n", "-  [x] t\n"};
    static const char *const after[] = {"", "- [x] u\n", "\nz\n"};
    counts c = {0};
    size_t missed = 0;
    int ok = 1;
    for (size_t b = 0; ok && b < sizeof before / sizeof before[0]; b++)
        for (size_t t = 0; ok && t < sizeof task / sizeof task[0]; t++)
            for (size_t a = 0; ok && a < sizeof after / sizeof after[0]; a++) {
                char md[256];
                int len = snprintf(md, sizeof md, "%s%s%s", before[b], task[t], after[a]);
                char *m4 = render_as(md, 0, SL__MD_MD4C), *cm = render_as(md, 0, SL__MD_CMARK);
                if (checkboxes(m4) != checkboxes(cm)) {
                    missed++;
                    CHECK(sl__md_routes_to_cmark(md, (size_t)len, 0));
                }
                free(m4), free(cm);
                ok = renders_as_cmark(md, 0, &c);
            }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "tasks after quotes: %zu pages, md4c alone misses a checkbox on %zu\n", c.pages, missed);
    CHECK(missed > 0);
    /* a blank line, or no quote, before the item keeps md4c */
    static const char *const plain[] = {"- a\n  > x\n\n- [ ] t\n", "- a\n  b\n- [ ] t\n", "- [ ] a\n- [x] b\n",
                                        "> q\n\n- [ ] t\n"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        CHECK(!sl__md_routes_to_cmark(plain[i], strlen(plain[i]), 0));
}

/* Every page a[i] b[j] c[k] and a line end renders under --gfm as
 * cmark-gfm's, and md4c alone differs on some. */
static void gfm_pages_of_three(const char *const *a, size_t na, const char *const *b, size_t nb, const char *const *c3,
                               size_t nc, const char *what)
{
    counts c = {0};
    int ok = 1;
    for (size_t i = 0; ok && i < na; i++)
        for (size_t j = 0; ok && j < nb; j++)
            for (size_t k = 0; ok && k < nc; k++) {
                char md[256];
                snprintf(md, sizeof md, "%s%s%s\n", a[i], b[j], c3[k]);
                ok = renders_as_cmark(md, 0, &c);
            }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "%s: %zu pages, md4c alone differs on %zu\n", what, c.pages, c.differ);
    CHECK(c.differ > 0);
}

/* `www.` right after a quote's `>` with no space: cmark-gfm links it (the
 * paragraph's text starts there), md4c looked at the `>` and left it
 * text (adv20 F5). */
SL_TEST(md_www_right_after_a_quote_marker_renders_as_cmark_gfm)
{
    static const char *const quote[] = {">", "> >", ">>", " >", "- >", "> - >"};
    static const char *const url[] = {"www.o", "www.;", "www.a.org/p[[\"t\"", "www.x.org", "www.a.b/c)", "www.x.org."};
    static const char *const after[] = {"", " t", "\nmore", "\n\nz"};
    gfm_pages_of_three(quote, sizeof quote / sizeof quote[0], url, sizeof url / sizeof url[0], after,
                       sizeof after / sizeof after[0], "www after a quote's mark");
}

/* `[]:` or `[ ]:` at a line's start is no definition (a blank label):
 * the URL after it is text cmark-gfm autolinks; the GFM check took the
 * line for a definition and skipped it (adv18 F8). */
SL_TEST(md_urls_after_a_blank_label_render_as_cmark_gfm)
{
    static const char *const label[] = {"[]:", "[ ]:", "[\t]:", "[  ]: ", "[]: ", " []:"};
    static const char *const url[] = {"http://g", "https://x.org/a", "www.x.org", "a@b.co", "http://g.", "x"};
    static const char *const after[] = {"", " t", "\nmore", "\n\n[a]: /u"};
    gfm_pages_of_three(label, sizeof label / sizeof label[0], url, sizeof url / sizeof url[0], after,
                       sizeof after / sizeof after[0], "URLs after a blank label");
}

/* Up to five lines of text, fences, blanks with tabs and lines indented
 * four columns, at the margin, in a block quote or in a list item (the
 * container's own marks again, or not: lazy lines), in --commonmark and
 * GFM alike (adv18 F10, F14). */
static void fence_and_tab_page(char *md)
{
    static const char *const lines[] = {"a",    "    ```", "\t",    "  \t",   "",    "```",  "~~~", "    ~~~",
                                        "   ```", "\t```",  "    a", "\ta",    " \t", "\t\t", "  a"};
    /* (No `- > `: an empty quote in an item, then a tab-indented line and
     * a blank one with a tab, keeps md4c's list tight - another
     * misreading, not routed.) */
    static const char *const prefix[] = {"", "", "", "> ", "- ", "1. ", "  ", "> - "};
    const char *p = PICK(prefix);
    int len = 0;
    for (size_t l = 0, nl = 1 + next_rand() % 5; l < nl; l++) {
        const char *own = p;
        if (l > 0) /* the container's marks, its indentation, or none */
            own = next_rand() % 4 == 0 ? ""
                  : *p == '-'          ? "  "
                  : *p == '1'          ? "   "
                  : !strcmp(p, "> - ") ? ">   "
                                       : p;
        len += snprintf(md + len, 512 - (size_t)len, "%s%s\n", own, PICK(lines));
    }
}

/* A fence line four columns past its container's margin under a
 * paragraph's line (`  a`, `    ```` ``` ````): md4c 0.4.8 looks for a fence at any
 * indentation and lets it interrupt the paragraph, CommonMark reads on in
 * the paragraph; md4c_blocks.c measured the four columns from the line
 * above's text, not the margin.  A fenced block whose only lines are
 * blanks with tabs (`~~~`, `\t\t`): md4c writes spaces that md4c_fix.c
 * cannot place the tabs back into; GFM pages went to cmark-gfm,
 * --commonmark ones stayed.  Also a quoted fence ended by its quote, and
 * a closing fence four columns in. */
SL_TEST(md_indented_fences_and_tab_lines_render_as_cmark_gfm_in_both_dialects)
{
    static const char *const cases[] = {
        "  a\n    ```\n",  "  a\n    ```\n\ta\n", ">   a\n>     ```\n", "~~~\n\t\t\n",  "~~~\n\t\t\n~~~\n",
        "1. a\n~~~\n   \t\t\n\t\n", "> ```\n    a\n> ~~~\n", "> ```\n>   a\n\n>    ```\n>   a\n",
        "   ```\n    ```\n```\n~~~\n \t\n", "- a\n    b\n      ```\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], fence_and_tab_page, SL_TEST_SCALE(12000),
                          "indented fences and tab lines");
    /* a fence in a list item, four columns in under its text, stays on md4c */
    static const char *const plain[] = {"1. a\n    ```\n    x\n    ```\n", "- a\n  ```\n  x\n  ```\n"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        for (int cm = 0; cm < 2; cm++)
            CHECK(!sl__md_routes_to_cmark(plain[i], strlen(plain[i]), cm));
}

/* A line that may start an HTML block (or look like one), then a quoted
 * HTML block, then a line four columns in without a `>`. */
static void quoted_block_after_tag_page(char *md)
{
    static const char *const first[] = {"<d", "<d x", "<a", "<div", "<!--", "x", "<d\n<e"};
    static const char *const quoted[] = {"> <a>", "> <div>", "> <span>", ">  <b>x</b>", "> <d>\n> z", "> <p>"};
    static const char *const after[] = {"    y", "     y", "\ty", "    y\nz", "  y"};
    snprintf(md, 512, "%s\n%s\n%s\n", PICK(first), PICK(quoted), PICK(after));
}

/* A quoted HTML block, then a line four columns in without a `>`: md4c
 * reads a paragraph's line, CommonMark indented code (md4c_misreads.c
 * routes it).  A `<` line above, read through for its own block
 * unquoted, kept the quoted block's lines from being read again with
 * the rule (adv20 F4: `<d`, `> <a>`, `    y`: the code was lost). */
SL_TEST(md_indented_lines_after_a_quoted_html_block_under_a_tag_line_render_as_cmark_gfm)
{
    static const char *const cases[] = {"<d\n> <a>\n    y\n", "<d\n> <div>\n    y\n", "<d x\n> <a>\n    y\n"};
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], quoted_block_after_tag_page, SL_TEST_SCALE(3000),
                          "indented lines after a quoted html block under a tag line");
}

/* A line that looks like a link reference definition but is none: text
 * after the URL (`[a]:http://g t`), a title that does not end the line,
 * unbalanced parentheses, or a line that continues a paragraph.  The URL
 * is then a paragraph's, which cmark-gfm autolinks and md4c may not (no
 * dot in `http://g`); the GFM check took the line for a definition and
 * skipped it.  Real definitions among them stay on md4c. */
SL_TEST(md_urls_after_a_definition_that_is_none_render_as_cmark_gfm)
{
    static const char *const before[] = {"", "x\n", "\n", "[b]: /u\n", "# h\n", "```\nc\n```\n", "- i\n"};
    static const char *const label[] = {"[a]:", "[a]: ", " [a]:\t", "[a b]: "};
    static const char *const url[] = {"http://g", "<http://g>", "http://g(x", "http://g(x)", "http://g.com", "www.x.org"};
    static const char *const after[] = {"", " t", " \"t\"", " \"t\" x", " 't'", " (t)", " (t(x)", "\"t\"", " \"t",
                                        " \"t\\\"\"", " <u>"};
    static const char *const tail[] = {"", "\nmore", "\nx\" y"};
    counts c = {0};
    int ok = 1;
    for (size_t a = 0; ok && a < sizeof before / sizeof before[0]; a++)
        for (size_t b = 0; ok && b < sizeof label / sizeof label[0]; b++)
            for (size_t u = 0; ok && u < sizeof url / sizeof url[0]; u++)
                for (size_t d = 0; ok && d < sizeof after / sizeof after[0]; d++)
                    for (size_t t = 0; ok && t < sizeof tail / sizeof tail[0]; t++) {
                        char md[256];
                        snprintf(md, sizeof md, "%s%s%s%s%s\n", before[a], label[b], url[u], after[d], tail[t]);
                        ok = renders_as_cmark(md, 0, &c);
                    }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "definitions that are none: %zu pages, md4c alone differs on %zu\n", c.pages, c.differ);
    CHECK(c.differ > 0);
    /* definitions both read alike keep md4c */
    static const char *const plain[] = {"[a]: http://g\n", "[a]: http://g \"t\"\n", "x\n\n[a]: <http://g> 'a'\n",
                                        "[b]: /u\n[a]: http://g (t)\n"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        CHECK(!sl__md_routes_to_cmark(plain[i], strlen(plain[i]), 0));
}

/* 1 if, after a backtick run with no later run of its length, runs of
 * another length come three times or more: cmark-gfm 0.29's cache of
 * runs (per paragraph, escaped ones too) then takes a closer it passed
 * for the last of its length and misses the pair after it (adv14 F12b,
 * not copied). */
static int lone_run_before_pairs(const char *md)
{
    size_t len[128], opens[128], k = 0;
    for (size_t i = 0; md[i] && k < 128; i++)
        if (md[i] == '`') {
            size_t at = i;
            while (md[i + 1] == '`')
                i++;
            len[k] = i + 1 - at;
            opens[k] = len[k] - (at > 0 && md[at - 1] == '\\'); /* an escaped backtick is no opener's */
            k++;
        }
    for (size_t a = 0; a < k; a++) {
        size_t seen[8] = {0};
        int closer = 0, many = 0;
        for (size_t b = a + 1; b < k; b++) {
            closer |= len[b] == opens[a];
            many |= len[b] < 8 && ++seen[len[b]] >= 3;
        }
        if (!closer && many)
            return 1;
    }
    return 0;
}

/* A paragraph of backtick runs of a few lengths over lines, some of which
 * never close (at most 4 lines of 4 words: the page stays under 512
 * bytes with its tail). */
static void lone_opener_text(char *md)
{
    static const char *const quote[] = {"", "", "> ", "- "};
    static const char *const word[] = {"x", "a b", "``", "`", "```", "\\`", "` ", " `", "``x`", "-"};
    const char *q = PICK(quote);
    int len = snprintf(md, 512, "%sx ", q);
    for (size_t l = next_rand() % 4 + 1; l; l--) {
        for (size_t w = next_rand() % 4 + 1; w; w--)
            len += snprintf(md + len, 512 - (size_t)len, "%s", PICK(word));
        len += snprintf(md + len, 512 - (size_t)len, "\n%s%s", l > 1 ? q : "", l > 1 && *q == '-' ? " " : "");
    }
}

/* lone_opener_text's paragraph, then maybe a blank line, a fence, more
 * text or a heading. */
static void lone_opener_page(char *md)
{
    static const char *const tail[] = {"", "", "\n", "\n```\n", "\n`z`\n", "# h\n"};
    do
        lone_opener_text(md);
    while (lone_run_before_pairs(md)); /* the paragraph's runs */
    strcat(md, PICK(tail));
}

/* A backtick run that never closes is text, and CommonMark pairs the
 * runs after it anew; md4c_blocks.c's model of spans held on to it to the
 * paragraph's end, so a span after it that runs over lines went
 * unchecked: `` ``x` ``, `` ` `` wrote `<code></code>`, where the line
 * ending is a space (adv15 A10). */
SL_TEST(md_code_spans_after_an_unclosed_opener_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "``x`\n`\n", "a ``x` b`\n`\n", "> ``x`\n> `\n", "```x `` y`\n`\n\nz\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], lone_opener_page, SL_TEST_SCALE(6000),
                          "code spans after an unclosed opener");
}

/* A list item, an HTML block of types 1-5 opened in it (or as its first
 * line), maybe its end, a blank line, and what follows. */
static void open_block_in_item_page(char *md)
{
    static const char *const quote[] = {"", "", "> "};
    static const char *const markers[] = {"- ", "* ", "1. ", "10) ", "- - "};
    /* (One type 1 name: md4c ends a type 1 block only at its own name's
     * closing tag, CommonMark at any of them - another misreading, not
     * routed.) */
    static const char *const open[] = {"<pre>", "<!--", "<?x", "<!X", "<![CDATA[", "<PRE class=a>", "<!-- c -->",
                                       "<pre>x</pre>"};
    /* (No line of only `>`: after a type 7 line, md4c_lists.c's blank_then_list
     * takes it for a quote's blank line - a gap of that rule, not routed.) */
    static const char *const inside[] = {"x", "<b>", "</pre>", "-->", "?>", "x>", "]]>"};
    static const char *const after[] = {"- y", "* y", "1. y", "y", "  y", "  - y", "<div>", "", "  </pre>"};
    const char *q = PICK(quote), *m = PICK(markers);
    int first = next_rand() % 2;
    int len = snprintf(md, 512, "%s%s%s\n", q, m, first ? PICK(open) : "x");
    if (!first)
        len += snprintf(md + len, 512 - (size_t)len, "%s%*s%s\n", q, (int)strlen(m), "", PICK(open));
    for (size_t l = next_rand() % 3; l; l--)
        len += snprintf(md + len, 512 - (size_t)len, "%s%*s%s\n", q, (int)strlen(m), "", PICK(inside));
    len += snprintf(md + len, 512 - (size_t)len, "%s\n", *q ? ">" : "");
    snprintf(md + len, 512 - (size_t)len, "%s%s\n", q, PICK(after));
}

/* An HTML block of types 1-5 in a list item, still open at a blank line
 * after which the list goes on: CommonMark keeps the blank line in the
 * block and makes the list loose, md4c kept it tight (every `<p>` lost;
 * mdfix12's unrouted shape). */
SL_TEST(md_open_html_blocks_in_list_items_keep_the_list_loose_as_cmark_gfm)
{
    static const char *const cases[] = {
        "- x\n  <pre>\n\n- y\n", "- <pre>\n\n- y\n", "- x\n  <!--\n\n- y\n", "> - <script>\n>\n> - y\n",
        "1. <![CDATA[\n\n2. y\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], open_block_in_item_page, SL_TEST_SCALE(6000),
                          "open html blocks in list items");
}

/* A line ending in a URL (or `www.` link) whose last part reads as an
 * e-mail address, in quotes, items and paragraphs, then another line. */
static void url_then_line_page(char *md)
{
    static const char *const first[] = {"> ", "> > ", "- > ", "- ", "", "1. ", "> - "};
    static const char *const url[] = {"https://unpkg.com/react@18.2.0", "https://x.y/a@b.com", "www.x.y/a@b.com",
                                      "https://cdn.jsdelivr.net/npm/vue@3.4.0", "http://a.b/x@y.z",
                                      "https://unpkg.com/react@18.2.0/umd/react.js", "https://x.y/@babel/core",
                                      "https://x.y/a@b.com.", "https://x.y/a@b", "a@b.com"};
    static const char *const tail[] = {"", "", " ", "\t", ")", " x"};
    static const char *const next[] = {"> next", "> > b", "  > next", "  next", "next", "> ", "  - c", ""};
    const char *f = PICK(first);
    snprintf(md, 512, "%s%s%s%s\n%s\n", f, next_rand() % 2 ? "Use " : "", PICK(url), PICK(tail), PICK(next));
}

/* md4c 0.4.8 reads an e-mail autolink inside a URL link that ends its
 * line (`https://unpkg.com/react@18.2.0`), and its text after the link
 * then starts at the link's end: the line end and the next line's
 * `>` marks came out as text (advmd F11). */
/* The cases, then `pages` generated pages, in GFM alone (GFM's
 * autolinks), raw HTML passed through and escaped (the safe page against
 * sluice md's own cmark-gfm path): each must render as cmark-gfm's, and
 * md4c alone must differ on some. */
static void gfm_pages_render_as_cmark(const char *const *cases, size_t ncases, void (*make_page)(char *md),
                                      size_t pages, const char *what)
{
    counts c = {0};
    int ok = 1;
    for (size_t k = 0; ok && k < ncases + pages; k++) {
        char md[512];
        nth_page(md, k, cases, ncases, make_page);
        ok = renders_as_cmark(md, 0, &c);
        char *want = render_mode(md, 0, SL__MD_CMARK, 1), *got = render_mode(md, 0, SL__MD_ROUTED, 1);
        if (ok && !(ok = !strcmp(got, want)))
            fprintf(stderr, "safe --gfm page:\n%s\n--- sluice md:\n%s--- cmark-gfm:\n%s", md, got, want);
        free(want), free(got);
    }
    CHECK(ok || !"a page md4c reads otherwise stays on md4c");
    fprintf(stderr, "%s: %zu pages, md4c alone differs on %zu\n", what, c.pages, c.differ);
    CHECK(c.differ > 0);
}

SL_TEST(md_urls_ending_in_an_address_at_a_line_end_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "> Use https://unpkg.com/react@18.2.0\n> next\n", "> https://cdn.jsdelivr.net/npm/vue@3.4.0\n> next\n",
        "- > https://unpkg.com/react@18.2.0\n  > next\n",  "> > http://a.b/x@y.z\n> > b\n",
        "> x https://x.y/a@b.com\n> b\n",                   "x www.x.y/a@b.com\nb\n",
    };
    gfm_pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], url_then_line_page, SL_TEST_SCALE(6000),
                              "urls ending in an address");
}

/* A URL after `<` or `\<`, closed by `>`, `\>` or nothing. */
static void url_after_angle_page(char *md)
{
    static const char *const lead[] = {"See ", "", "> ", "- ", "a\\\\"};
    static const char *const open[] = {"\\<", "<", "\\<", " <"};
    static const char *const url[] = {"https://example.com/x", "http://a.b", "www.x.org/p", "ftp://f.org"};
    static const char *const close[] = {"\\>", ">", "", "\\> now", ">-", " x>"};
    snprintf(md, 512, "%s%s%s%s\n", PICK(lead), PICK(open), PICK(url), PICK(close));
}

/* An escaped `<` before a URL (`\\<https://example.com/x\\>`): no
 * CommonMark autolink, so cmark-gfm's extension links the URL (and a
 * `\\>` after it); gfm_autolink.c took it for a `<...>` autolink both
 * read alike, and md4c left it text (advmd F13). */
SL_TEST(md_urls_after_an_escaped_angle_bracket_render_as_cmark_gfm)
{
    static const char *const cases[] = {"See \\<https://example.com/x\\> now\n", "\\<http://a.b>-\n"};
    gfm_pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], url_after_angle_page, SL_TEST_SCALE(3000),
                              "urls after an escaped angle bracket");
}

/* A paragraph in containers (quotes, items, both, nested; starting with
 * an inline tag or text), maybe a lazy line, then a tag line with fewer
 * of them: `> > q`, `> <br>`; `-   x`, `    > b`, `    <span>`. */
static void tag_line_leaving_page(char *md)
{
    static const char *const first[] = {"> ", "> > ", "- ", "- - ", "> - ", "-   ", "10) ", "1. ", "-   x\n    > ",
                                        "10) x\n    > ", "- x\n  > ", "> 1. ", "* > ", "  "};
    static const char *const text[] = {"q", "<b> x", "<b>x</b> y", "<kbd>Ctrl</kbd> copies", "<img src=a.png> caption",
                                       "<span>", "<div>", "<!-- c -->", "a `b`", "<a href=\"u\">t</a>"};
    static const char *const lazy[] = {"", "", "y\n", "> y\n"};
    static const char *const prefix[] = {"", "", "> ", ">", "  ", "    ", "> > ", ">   ", "      ", "   "};
    static const char *const tag[] = {"<span>", "</span>", "<br>", "<pre>", "</pre>", "<!-- x -->", "<div>",
                                      "<a name=\"x\" />", "<img src=b.png>", "text", "<b> x"};
    static const char *const after[] = {"", "", "z\n", "\n- n\n"};
    snprintf(md, 512, "%s%s\n%s%s%s\n%s", PICK(first), PICK(text), PICK(lazy), PICK(prefix), PICK(tag), PICK(after));
}

/* A tag line that leaves a container of the paragraph above it: cmark-gfm
 * 0.29 ends the containers it does not continue and starts an HTML block
 * there, md4c read a lazy line.  md4c_fix.c's check missed it when the
 * paragraph started with an inline tag (`> <b> x`, `<span>`; advmd F4),
 * after a `>` mark (`> > q`, `> <br>`; `> - li`, `> </span>`), after a
 * second marker (`- - li`, `  </span>`) and four columns in past a quote
 * in an item (`-   x`, `    > b`, `    <span>`; advmd F1). */
SL_TEST(md_tag_lines_leaving_a_container_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "-   x\n    > b\n    <span>\n", "10) x\n    > b\n    </pre>\n", "10. x\n    > b\n    <span>\n",
        "> <b> x\n<span>\n",            "- <b>x</b> y\n<br>\n",         "- <b> x\ny\n<span>\n",
        "> > q\n> <br>\n",               "> - li\n> </span>\n",          "- - li\n  </span>\n",
        "> - li\n> <picture>\n> *em*\n", "- <kbd>Ctrl</kbd> copies\n<br>\n",
        "> <img src=a.png> caption\n<img src=b.png>\n",
    };
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], tag_line_leaving_page, SL_TEST_SCALE(6000),
                          "tag lines leaving a container");
}

/* A quoted HTML block (maybe in an item), then a `>` line indented four
 * columns or more, or less. */
static void quoted_html_then_indented_mark_page(char *md)
{
    static const char *const first[] = {"> <div>", "> </span>", "> <!-- x", "> <pre>", "- > <div>", "> <div>\n> a"};
    static const char *const next[] = {"    > q", "     > q", "    >", "   > q", "      > q", "    > > q", "\t> q",
                                       "    q"};
    static const char *const after[] = {"", "z\n", "\n> y\n"};
    snprintf(md, 512, "%s\n%s\n%s", PICK(first), PICK(next), PICK(after));
}

/* md4c reads a `>` line four columns in after a quoted HTML block as a
 * paragraph (`> <div>`, `    > q`), CommonMark as indented code; the
 * check that finds such lines left out those starting with `>` (advmd
 * F18). */
SL_TEST(md_indented_marks_after_a_quoted_html_block_render_as_cmark_gfm)
{
    static const char *const cases[] = {"> <div>\n    > q\n", "> </span>\n    > q\n"};
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], quoted_html_then_indented_mark_page,
                          SL_TEST_SCALE(3000), "indented marks after a quoted html block");
}

/* A task item, unchecked or not, with a `[x]`, `[X]` or `[ ]` later on
 * its line or the next. */
static void task_mark_later_page(char *md)
{
    static const char *const marker[] = {"- ", "* ", "1. ", "10) ", "  - ", "- a\n- "};
    static const char *const box[] = {"[ ] ", "[x] ", "[ ] ", "[X] "};
    static const char *const text[] = {"a [x] b", "two words[x]", "a [X]", "[x]n", "a", "<![CDATA[x]]>",
                                       "a [ ] b", "a\n  [x] b", "a `[x]`", "a \\[x]"};
    snprintf(md, 512, "%s%s%s\n%s", PICK(marker), PICK(box), PICK(text), next_rand() % 2 ? "- [ ] c\n" : "");
}

/* cmark-gfm 0.29 draws a task item checked when its line holds `[x]` or
 * `[X]` anywhere after an unchecked mark (`- [ ] a [x] b`); md4c by the
 * mark, so the same item was checked or not as something else on the
 * page routed it (advmd F2). */
SL_TEST(md_task_items_with_a_checked_mark_later_on_their_line_render_as_cmark_gfm)
{
    /* (checked by the boxes each renderer checks and the decision: md4c's
     * own pages write GitHub's task classes, which the comparison does not
     * take; a routed page must render as cmark-gfm's) */
    static const char *const cases[] = {"- [ ] a [x] b\n", "- [ ] two words[x]`a\\|b`\n", "1. [ ] <![CDATA[x]]>\n",
                                        "- [ ] [x]n\n"};
    counts c = {0};
    size_t otherwise = 0;
    int ok = 1;
    for (size_t k = 0; ok && k < sizeof cases / sizeof cases[0] + SL_TEST_SCALE(3000); k++) {
        char md[512];
        nth_page(md, k, cases, sizeof cases / sizeof cases[0], task_mark_later_page);
        char *m4 = render_as(md, 0, SL__MD_MD4C), *cm = render_as(md, 0, SL__MD_CMARK);
        if (occurrences(m4, "checked") != occurrences(cm, "checked")) {
            otherwise++;
            if (!(ok = sl__md_routes_to_cmark(md, strlen(md), 0) && renders_as_cmark(md, 0, &c)))
                fprintf(stderr, "page kept on md4c:\n%s\n", md);
        }
        free(m4), free(cm);
    }
    CHECK(ok || !"a task item md4c checks otherwise stays on md4c");
    fprintf(stderr, "task items with a checked mark later: md4c checks otherwise on %zu pages\n", otherwise);
    CHECK(otherwise > 0);
}

/* A table whose rows hold backticks that close in no row, or an ATX
 * heading (in a quote or an item too) or setext one with a backtick
 * that closes on the line after, and URLs about them. */
static void backtick_past_one_line_block_page(char *md)
{
    static const char *const cell[] = {"`http://x", "` ", "`x", "http://a`", "www.a.b` c", "x ` http://g", "``y",
                                       "` http://x.y/` z", "a", "`b` http://c"};
    static const char *const lead[] = {"", "> ", "- "};
    static const char *const more[] = {"", "> ", "  "};
    static const char *const head[] = {"# `x", "## a `b", "# ``c", "### `http://h", "# x"};
    static const char *const next[] = {"http://a`", "x www.b` y", "` http://q`", "a`", "http://z.org/ `"};
    size_t l = next_rand() % 3;
    switch (next_rand() % 3) {
    case 0:
        snprintf(md, 512, "| a | b |\n|---|---|\n| %s | %s |\n| %s | %s |\n\n%s\n", PICK(cell), PICK(cell),
                 PICK(cell), PICK(cell), PICK(next));
        break;
    case 1:
        snprintf(md, 512, "%s%s\n%s%s\n", lead[l], PICK(head), more[l], PICK(next));
        break;
    default:
        snprintf(md, 512, "%s%s\n%s===\n%s%s\n", lead[l], PICK(cell), more[l], more[l], PICK(next));
    }
}

/* cmark-gfm splits a table row into cells and ends an ATX heading at its
 * line before it reads code spans; gfm_route.c's scan let a span opened
 * there close in a later row or line, and skipped the autolinks between
 * (`| `http://x | y |`, `| ` | w |`; `# `x`, `http://a``: cmark-gfm links
 * them, md4c does not; advmd F20). */
SL_TEST(md_backticks_past_a_table_row_or_heading_render_as_cmark_gfm)
{
    static const char *const cases[] = {
        "| a | b |\n|---|---|\n| `http://x | y |\n| ` | w |\n", "| a | b |\n|---|---|\n| `x | y |\n| http://a` | w |\n",
        "# `x\nhttp://a`\n", "- # `x\n  http://a`\n", "`x\n===\nhttp://a`\n"};
    gfm_pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], backtick_past_one_line_block_page,
                              SL_TEST_SCALE(4000), "backticks past a table row or heading");
}

/* An `<...>` autolink of entity-like pieces, among links and escapes
 * (no 8-digit reference: cmark-gfm 0.29 decodes one, md4c and the spec
 * do not, in the URL too; README, "Differences that remain"). */
static void autolink_entity_page(char *md)
{
    static const char *const lead[] = {"", "See ", "[x](<u&amp;v>) ", "\\&amp; ", "> ", "- ", "**"};
    static const char *const scheme[] = {"https://x.com/", "mailto:", "HTTP://a.b/?", "irc:", "a+b:"};
    static const char *const piece[] = {"&amp;", "&copy;", "&#65;", "&#x41;", "&bogus;", "&amp", "&#xD800;", "&#0;", "&ngE;", "a", "&&", "&#;", "&#x;", "&a1;", "&A;",
                                        "&", ";", "%20", "&#1234567;", "&#x10FFFF;", "&#x110000;", "&lt;"};
    char url[256] = "";
    for (size_t k = 1 + next_rand() % 5; k; k--)
        strcat(url, PICK(piece));
    snprintf(md, 512, "%s<%s%s> %s\n", PICK(lead), PICK(scheme), url, next_rand() % 2 ? "<https://q.org/&amp;>" : "");
}

/* md4c hands an autolink's text over as it stands; cmark-gfm decodes its
 * entity references (`<https://x/?a=1&amp;b=2>` showed "&amp;" on
 * md4c's pages, advmd F23): md4c's pages, in both dialects, must show
 * the text cmark-gfm shows. */
SL_TEST(md_entities_in_autolinks_render_as_cmark_gfm_on_md4c_pages)
{
    static const char *const cases[] = {"<https://x.com/?a=1&amp;b=2> <https://x.com/a&copy;>\n",
                                        "<https://x.com/&#65;&bogus;&amp&#0;&#xD800;&ngE;>\n"};
    int ok = 1;
    size_t pages = 0;
    for (size_t k = 0; ok && k < sizeof cases / sizeof cases[0] + SL_TEST_SCALE(4000); k++) {
        char md[512];
        nth_page(md, k, cases, sizeof cases / sizeof cases[0], autolink_entity_page);
        for (int cm = 0; ok && cm < 2; cm++) {
            char *want = cmark_html(md, cm), *got = render_as(md, cm, SL__MD_MD4C);
            if (!(ok = !strcmp(got, want)))
                fprintf(stderr, "%s page:\n%s\n--- md4c:\n%s\n--- cmark-gfm:\n%s\n", cm ? "--commonmark" : "--gfm", md,
                        got, want);
            free(got), free(want);
            pages++;
        }
    }
    CHECK(ok);
    fprintf(stderr, "entities in autolinks: %zu pages\n", pages);
}

/* A list item whose last block is a thematic break (on its marker's line,
 * or indented under its text), a blank line, and what follows. */
static void break_in_item_page(char *md)
{
    static const char *const item[] = {"- ",       "* ",      "1. ",      "10) ",   "-   ",  "> - ", "- a\n  ",
                                       "- a\n\t", "  - ",    "1.  ",     "- - ",   "* a\n  ", "- a\n    ", ""};
    static const char *const rule[] = {"***", "---", "___", "* * *", "- - -", "_ _ _", "***  ", "-- -", "**"};
    static const char *const blank[] = {"\n", "\n", "\n\n", ">\n", "", "  \n"};
    static const char *const next[] = {"- b\n", "  b\n",  "    y\n",   "b\n",     "       <!-- x -->\n",
                                       "2. c\n", "> - b\n", "   w\n", "  * c\n", "> b\n"};
    snprintf(md, 512, "%s%s\n%s%s", PICK(item), PICK(rule), PICK(blank), PICK(next));
}

/* cmark-gfm 0.29 keeps a list tight across a blank line after an item's
 * thematic break (`- ***`, blank, `- b`), and the item's column takes
 * the line after it (`-   ***`, blank, `    y`: `y` in the item); md4c
 * made the list loose, and moved `y` out of the list (advmd F3). */
SL_TEST(md_thematic_breaks_ending_list_items_render_as_cmark_gfm)
{
    static const char *const cases[] = {"- ***\n\n- b\n",     "1. ***\n\n2. b\n",   "- a\n  ***\n\n- b\n",
                                        "- ***\n\n  b\n",     "-   ***\n\n    y\n", "10) ***\n\n    y\n",
                                        "1.  ***\n\n    y\n", "10) ___\n\n    y\n", "10) ***\n\n       <!-- x -->\n",
                                        "1. ***\n\n   w\n",   "1. a\n\t***\n\n   b\n", "* ---\n\n  <\n"};
    pages_render_as_cmark(cases, sizeof cases / sizeof cases[0], break_in_item_page, SL_TEST_SCALE(4000),
                          "thematic breaks ending list items");
}
