/*
 * render_test.c - one page through sluice md: front matter, YAML subset,
 * heading ids, escaping, JSON output, and hostile pages (huge, deeply
 * nested, invalid UTF-8, NUL bytes, binary junk).
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#include "md.h"
#include "sluice/chan.h"
#include "writer_diff.h"

static sl__md_page render(const char *src, size_t n, int commonmark, int unsafe)
{
    sl__md_opts o = {.commonmark = commonmark, .unsafe_html = unsafe};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(src, n, &o, &p, err, sizeof err) == 0);
    return p;
}

static sl__md_page render_s(const char *src)
{
    return render(src, strlen(src), 0, 0);
}

static int contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

SL_TEST(md_frontmatter_is_split_off_and_parsed)
{
    sl__md_page p = render_s("---\ntitle: \"A: b\"\ndraft: false\ncount: 3\n"
                             "tags: [x, 'y z']\nauthor:\n  name: Ann\n  links:\n    - a\n    - b\n"
                             "desc: |\n  line one\n  line two\n---\n# Body\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter));
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "title")), "A: b"));
    CHECK(json_is_false(json_object_get(p.frontmatter, "draft")));
    CHECK_EQ(json_integer_value(json_object_get(p.frontmatter, "count")), 3);
    json_t *tags = json_object_get(p.frontmatter, "tags");
    CHECK_EQ(json_array_size(tags), 2);
    CHECK(!strcmp(json_string_value(json_array_get(tags, 1)), "y z"));
    json_t *links = json_object_get(json_object_get(p.frontmatter, "author"), "links");
    CHECK_EQ(json_array_size(links), 2);
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "desc")), "line one\nline two\n"));
    CHECK(!contains(p.html, "title"));
    CHECK(contains(p.html, "<h1 id=\"body\">Body</h1>"));
    sl__md_page_free(&p);
    /* UTF-16 surrogate escapes, as JSON writers escape non-BMP characters:
     * a pair is its character, a lone one U+FFFD (libyaml refuses both,
     * which dropped the whole block); after multi-byte text too. */
    p = render_s("---\n{\"t\": \"\xc3\xa9 \\ud83d\\ude00!\", 'q': '\\ud800', \"l\": \"x\\uDC00y\\ud83dz\"}\n---\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter) && p.nwarnings == 0);
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "t")), "\xc3\xa9 \xf0\x9f\x98\x80!"));
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "q")), "\\ud800")); /* single-quoted: no escapes */
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "l")), "x\xef\xbf\xbdy\xef\xbf\xbdz"));
    sl__md_page_free(&p);
    /* The same in the 8-digit form, and a pair mixing the two forms. */
    p = render_s("---\na: \"\\U0000D800\"\nb: \"x\\U0000D83D\\U0000DE00y\\ud83d\\U0000DE00z\\uDBFF\"\n---\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter) && p.nwarnings == 0);
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "a")), "\xef\xbf\xbd"));
    CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "b")),
                  "x\xf0\x9f\x98\x80y\xf0\x9f\x98\x80z\xef\xbf\xbd"));
    sl__md_page_free(&p);
}

/* 1 if the page's front matter has `key` as the string `want`. */
static int fm_string_is(const sl__md_page *p, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(p->frontmatter, key));
    return v && !strcmp(v, want);
}

/* The page's front matter is refused with a warning naming page line `line`. */
static void check_fm_error_line(const char *src, size_t line)
{
    sl__md_page p = render_s(src);
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1);
    CHECK_EQ(p.warnings[0].line, line);
    sl__md_page_free(&p);
}

/* js-yaml joins a pair whose halves an escaped line break parts (its
 * string holds them side by side); the lines after keep their numbers. */
SL_TEST(md_frontmatter_surrogate_pair_across_an_escaped_line_break_is_its_character)
{
    sl__md_page p = render_s("---\na: \"x\\ud83d\\\n   \\ude00y\\uD83C\\\r\n\\\n\t\\U0000DF89\"\n"
                             "b: \"\\ud83d\\\n z\\ude00\"\n---\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter) && p.nwarnings == 0);
    CHECK(fm_string_is(&p, "a", "x\xf0\x9f\x98\x80y\xf0\x9f\x8e\x89"));
    CHECK(fm_string_is(&p, "b", "\xef\xbf\xbdz\xef\xbf\xbd")); /* text between the halves: each alone */
    sl__md_page_free(&p);
    check_fm_error_line("---\na: \"\\ud83d\\\n  \\ude00\"\nb: 1\nb: 2\n---\n", 5);
}

/* A quoted scalar over several lines reads as js-yaml reads it: blanks
 * that end a line with text are kept (libyaml drops them), an escaped
 * line break skips the empty lines after it (libyaml keeps them as line
 * feeds); `\\` at a line's end is a backslash.  Lines keep their numbers. */
SL_TEST(md_frontmatter_quoted_lines_fold_as_js_yaml_reads_them)
{
    sl__md_page p = render_s("---\na: \"x \t\n  y\"\nb: 'it''s \n  \"q\" \\\\'\nc: \"j\\\n\n \t\n  k\"\n"
                             "d: \"e\\\\\n\n  f\"\n---\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter) && p.nwarnings == 0);
    CHECK(fm_string_is(&p, "a", "x \t y"));
    CHECK(fm_string_is(&p, "b", "it's  \"q\" \\\\"));
    CHECK(fm_string_is(&p, "c", "jk"));
    CHECK(fm_string_is(&p, "d", "e\\\nf"));
    sl__md_page_free(&p);
    check_fm_error_line("---\na: \"x \n\n  y\\\n\n z\"\nb: 1\nb: 2\n---\n", 8);
}

/* A line of blanks that starts with a tab, alone or before a comment, is
 * nothing to js-yaml (libyaml refuses it); the lines keep their numbers.
 * A tab before content, or on a line inside a block scalar, is refused
 * by both. */
SL_TEST(md_frontmatter_tab_on_a_blank_or_comment_line_is_nothing_as_in_js_yaml)
{
    sl__md_page p = render_s("---\n\t# first\nx: 1\n\t\na:\n  - 1\n\t \t# c\n  - 2\ns: x\n\t\n  y\n\t\r\n---\n");
    CHECK(p.frontmatter && json_is_object(p.frontmatter) && p.nwarnings == 0);
    CHECK_EQ(json_integer_value(json_object_get(p.frontmatter, "x")), 1);
    CHECK(json_array_size(json_object_get(p.frontmatter, "a")) == 2);
    CHECK(fm_string_is(&p, "s", "x\ny"));
    sl__md_page_free(&p);
    check_fm_error_line("---\n\t\nx: 1\n\t# c\nx: 2\n---\n", 5);
    check_fm_error_line("---\na:\n  b: 1\n\tc: 2\n---\n", 4);
    check_fm_error_line("---\nt: |\n  k\n\t\n  more\n---\n", 4);
    check_fm_error_line("---\na: x\n\t# c\n  y\n---\n", 4); /* js-yaml: its line 3 */
}

SL_TEST(md_frontmatter_yaml_error_is_a_warning_naming_its_line)
{
    sl__md_page p = render_s("---\ntitle: ok\ntags: [a, b\nnext: c\n---\n# Body\n");
    CHECK(json_is_string(p.frontmatter));
    CHECK(!strcmp(json_string_value(p.frontmatter), "title: ok\ntags: [a, b\nnext: c\n"));
    CHECK_EQ(p.nwarnings, 1);
    CHECK(p.warnings[0].line >= 3 && p.warnings[0].line <= 5); /* the page's lines, fence included */
    CHECK(contains(p.warnings[0].msg, "not valid YAML"));
    CHECK(contains(p.html, "<h1 id=\"body\">Body</h1>"));
    sl__md_page_free(&p);
    p = render_s("---\na: 1\na: 2\n---\n");
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1 && p.warnings[0].line == 3);
    CHECK(contains(p.warnings[0].msg, "duplicated mapping key"));
    sl__md_page_free(&p);
    p = render_s("---\na: !!null \"\"\nb: !!null\n---\n"); /* js-yaml 4.1.0 refuses the quoted one */
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1 && p.warnings[0].line == 2);
    sl__md_page_free(&p);
    p = render_s("---\nb: !!null\n---\n");
    CHECK(json_is_object(p.frontmatter) && json_is_null(json_object_get(p.frontmatter, "b")) && !p.nwarnings);
    sl__md_page_free(&p);
}

/* Nine aliases of nine aliases of ...: a few hundred bytes that stand for
 * a billion values are refused, not expanded; so is nesting past 1,000. */
SL_TEST(md_frontmatter_alias_bombs_and_deep_nesting_are_refused)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "---\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        char line[128];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        sl__md_buf_puts(&b, line);
    }
    sl__md_buf_puts(&b, "---\n");
    sl__md_page p = render(b.data, b.len, 0, 0);
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1);
    CHECK(contains(p.warnings[0].msg, "1,000,000 values"));
    sl__md_page_free(&p);
    b.len = 0;
    sl__md_buf_puts(&b, "---\nx: ");
    for (int i = 0; i < 1001; i++)
        sl__md_buf_putc(&b, '[');
    sl__md_buf_puts(&b, "\n---\n");
    p = render(b.data, b.len, 0, 0);
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1);
    CHECK(contains(p.warnings[0].msg, "nested more than 1,000"));
    sl__md_page_free(&p);
    /* Few values, much text: 2,000 aliases of a 64 KB scalar (128 MB of
     * JSON from a 74 KB block); the same with 500 aliases is 32 MB, read. */
    for (int n = 2000; n >= 500; n -= 1500) {
        b.len = 0;
        sl__md_buf_puts(&b, "---\ns: &s ");
        for (int i = 0; i < 65536; i++)
            sl__md_buf_putc(&b, 'y');
        sl__md_buf_puts(&b, "\nl: [*s");
        for (int i = 1; i < n; i++)
            sl__md_buf_puts(&b, ", *s");
        sl__md_buf_puts(&b, "]\n---\n");
        p = render(b.data, b.len, 0, 0);
        if (n == 2000) {
            CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1);
            CHECK(p.nwarnings == 1 && contains(p.warnings[0].msg, "64 MiB of text"));
        } else {
            CHECK(json_is_object(p.frontmatter) && p.nwarnings == 0);
            CHECK_EQ(json_array_size(json_object_get(p.frontmatter, "l")), 500);
        }
        sl__md_page_free(&p);
    }
    /* the same text as a key: a mapping with a 64 KB key, aliased 2,000
     * times (review22 H1) */
    b.len = 0;
    sl__md_buf_puts(&b, "---\ns: &s ");
    for (int i = 0; i < 65536; i++)
        sl__md_buf_putc(&b, 'y');
    sl__md_buf_puts(&b, "\nm: &m {*s : 1}\nl: [*m");
    for (int i = 1; i < 2000; i++)
        sl__md_buf_puts(&b, ", *m");
    sl__md_buf_puts(&b, "]\n---\n");
    p = render(b.data, b.len, 0, 0);
    CHECK(json_is_string(p.frontmatter) && p.nwarnings == 1);
    CHECK(p.nwarnings == 1 && contains(p.warnings[0].msg, "64 MiB of text"));
    sl__md_page_free(&p);
    sl__md_buf_free(&b);
}

/* Past the limits on how far a page's HTML may grow (tools/md/gfm: link
 * references, tables' empty cells) the page is still rendered and a
 * warning names the page's line where a limit first applied. */
SL_TEST(md_render_warns_at_the_line_a_growth_limit_applies)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "---\ntitle: x\n---\n\n[r]: http://x/");
    for (int i = 0; i < 10000; i++)
        sl__md_buf_putc(&b, 'a');
    sl__md_buf_puts(&b, "\n\nok [r][]\n\n");
    for (int i = 0; i < 20; i++)
        sl__md_buf_puts(&b, "[r][] ");
    sl__md_buf_puts(&b, "\n");
    sl__md_page p = render(b.data, b.len, 0, 0);
    CHECK_EQ(p.nwarnings, 1);
    if (p.nwarnings == 1) {
        CHECK_EQ(p.warnings[0].line, 9); /* the paragraph past the page's size of expansions */
        CHECK(contains(p.warnings[0].msg, "limit on how far the HTML may grow"));
    }
    CHECK(contains(p.html, "<p>ok <a href=\"http://x/aaa"));
    CHECK(contains(p.html, "[r][] [r][]"));
    sl__md_page_free(&p);
    /* a heading with raw HTML is rendered twice in safe mode (its id):
     * its references count once (review22 M4) - 2 x 30 KB of 100 KB */
    b.len = 0;
    sl__md_buf_puts(&b, "[r]: /");
    for (int i = 0; i < 30000; i++)
        sl__md_buf_putc(&b, 'a');
    sl__md_buf_puts(&b, "\n\n# <b>x</b> [r] [r]\n");
    p = render(b.data, b.len, 0, 0);
    CHECK_EQ(p.nwarnings, 0);
    size_t links = 0;
    for (const char *q = p.html; (q = strstr(q, "<a href")); q++)
        links++;
    CHECK_EQ(links, 2);
    sl__md_page_free(&p);
    sl__md_buf_free(&b);
}

/* libyaml reads only [A-Za-z0-9_-] in anchor and alias names, YAML 1.2
 * (js-yaml) any character up to a blank or a flow indicator: where the two
 * read different names the block is refused, and the warning says why
 * (libyaml's own error, when it has one, names neither). */
static void check_anchor_refused(const char *src, size_t line, const char *what)
{
    sl__md_page p = render_s(src);
    CHECK(json_is_string(p.frontmatter));
    CHECK_EQ(p.nwarnings, 1);
    if (p.nwarnings == 1) {
        CHECK_EQ(p.warnings[0].line, line);
        CHECK(contains(p.warnings[0].msg, what));
        CHECK(contains(p.warnings[0].msg, "libyaml cannot read: characters other than letters, digits, '_' and '-'"));
        CHECK(sl__md_utf8_valid(p.warnings[0].msg, strlen(p.warnings[0].msg)));
    }
    sl__md_page_free(&p);
}

SL_TEST(md_frontmatter_anchor_names_libyaml_reads_short_are_refused)
{
    /* libyaml: an empty key anchored "title"; js-yaml: "Hello" anchored "title:" */
    check_anchor_refused("---\n&title: Hello\n---\nx\n", 2, "anchor name \"title:\"");
    check_anchor_refused("---\nk: &a.b v\nj: *a.b\n---\nx\n", 2, "anchor name \"a.b\"");
    check_anchor_refused("---\na: &k key\n*k: v\n---\n", 3, "alias name \"k:\"");
    check_anchor_refused("---\n- &k key\n- {*k: v}\n---\n", 3, "alias name \"k:\"");
    check_anchor_refused("---\na: &x 1\nb: *x@y\n---\n", 3, "alias name \"x@y\"");
    /* characters before it that take several bytes (libyaml's marks count characters) */
    check_anchor_refused("---\nt: \"h\xC3\xA9llo w\xC3\xB6rld \xE2\x82\xAC\"\nu: &k\xE2\x82\xAC v\n&k?: w\n---\n", 3,
                         "anchor name \"k\xE2\x82\xAC\"");
    check_anchor_refused("---\nt: \"\xC3\xA9\xC3\xA9\"\n&k?: w\n---\n", 3, "anchor name \"k?:\"");
    /* a long name is cut at a character's start */
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "---\nk: &");
    for (int i = 0; i < 79; i++)
        sl__md_buf_putc(&b, 'a');
    sl__md_buf_puts(&b, "\xC3\xA9\xC3\xA9 v\n---\n");
    sl__md_buf_putc(&b, 0); /* a C string for render_s */
    check_anchor_refused(b.data, 2, "aaa...\"");
    sl__md_buf_free(&b);
    /* anchors libyaml and js-yaml read alike, and `&` or `*` that start no name */
    sl__md_page p = render_s("---\na: &x-1_b 1\nb: [*x-1_b, *x-1_b]\nc: {k: *x-1_b}\nd: \"&t: x\"\ne: a&b:c *d:e\n"
                             "f: 'x *y: z' # &c: comment\ng: &m {k: v}\nh: *m\n*x-1_b : key\n---\n");
    CHECK(json_is_object(p.frontmatter) && !p.nwarnings);
    json_t *fm = p.frontmatter;
    CHECK(json_array_size(json_object_get(fm, "b")) == 2 && json_integer_value(json_array_get(json_object_get(fm, "b"), 1)) == 1);
    CHECK(!strcmp(json_string_value(json_object_get(fm, "e")), "a&b:c *d:e"));
    CHECK(!strcmp(json_string_value(json_object_get(fm, "1")), "key"));
    sl__md_page_free(&p);
}

/* --no-front-matter renders the block as Markdown; --commonmark still
 * takes it off (front matter is not Markdown in either dialect). */
SL_TEST(md_frontmatter_detection_follows_its_flag_not_the_dialect)
{
    const char *src = "---\ntitle: x\n---\ntext\n";
    sl__md_opts o = {.commonmark = 1};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(src, strlen(src), &o, &p, err, sizeof err) == 0);
    CHECK(json_is_object(p.frontmatter) && !contains(p.html, "title"));
    sl__md_page_free(&p);
    o.no_frontmatter = 1;
    CHECK(sl__md_render(src, strlen(src), &o, &p, err, sizeof err) == 0);
    CHECK(p.frontmatter == NULL);
    CHECK(contains(p.html, "<hr") && contains(p.html, "title: x"));
    sl__md_page_free(&p);
}

SL_TEST(md_unterminated_frontmatter_is_markdown)
{
    sl__md_page p = render_s("---\ntitle: x\n\nno closing fence\n");
    CHECK(p.frontmatter == NULL);
    CHECK(contains(p.html, "<hr"));
    CHECK(contains(p.html, "no closing fence"));
    sl__md_page_free(&p);
}

SL_TEST(md_frontmatter_split_accepts_dots_and_crlf)
{
    size_t yo, yl, body;
    const char *s = "---\r\na: 1\r\n...\r\nrest";
    CHECK(sl__md_frontmatter_split(s, strlen(s), &yo, &yl, &body) == 1);
    CHECK(!strcmp(s + body, "rest"));
    CHECK_EQ(yl, strlen("a: 1\r\n"));
    CHECK(sl__md_frontmatter_split("x\n---\n---\n", 10, &yo, &yl, &body) == 0);
}

SL_TEST(md_heading_ids_are_github_style_and_unique)
{
    sl__md_page p = render_s("# Hello, World!\n## Hello World\n### Hello World\n"
                             "## Hello World-1\n# `code` & *em*\n# !!!\n# Ünïcode Title\n");
    CHECK_EQ(p.nheadings, 7);
    CHECK(!strcmp(p.headings[0].id, "hello-world"));
    CHECK(!strcmp(p.headings[1].id, "hello-world-1"));
    CHECK(!strcmp(p.headings[2].id, "hello-world-2"));
    CHECK(!strcmp(p.headings[3].id, "hello-world-1-1"));
    CHECK(!strcmp(p.headings[4].id, "code--em"));
    CHECK(!strcmp(p.headings[4].text, "code & em"));
    CHECK(!strcmp(p.headings[5].id, "section"));
    CHECK(!strcmp(p.headings[6].id, "\xc3\xbc" "n" "\xc3\xaf" "code-title")); /* ünïcode: toLowerCase */
    CHECK_EQ(p.headings[1].level, 2);
    CHECK(contains(p.html, "<h2 id=\"hello-world-2\">") == 0);
    CHECK(contains(p.html, "<h3 id=\"hello-world-2\">Hello World</h3>"));
    sl__md_page_free(&p);
}

/* One page in one mode on one renderer. */

static sl__md_page render_with(const char *src, int commonmark, int unsafe, int renderer)
{
    sl__md_opts o = {.commonmark = commonmark, .unsafe_html = unsafe, .renderer = renderer};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(src, strlen(src), &o, &p, err, sizeof err) == 0);
    return p;
}

/* Ids as github-slugger makes them beyond ASCII (GitHub's anchors,
 * rehype-slug): JavaScript's toLowerCase on every script, symbols and
 * emoji removed by Unicode category (Unicode 13), letters, marks, decimal
 * and letter numbers (not ½ or ²) and
 * connector punctuation kept; on every renderer.  Each `want` is what
 * github-slugger 2.0.0 gives (md_slug_matches_github_slugger compares
 * many more with it under node).  Ids kept non-ASCII letters' case and
 * kept `⚠`, `©`, `→`. */
SL_TEST(md_heading_ids_lowercase_all_scripts_and_drop_symbols_as_github_slugger)
{
    static const char *const cases[][2] = {
        {"\xc3\x84rger", "\xc3\xa4rger"},                                      /* Ärger */
        {"\xe2\x9a\xa0 Warning", "-warning"},                                    /* ⚠ */
        {"\xe2\x9a\xa0\xef\xb8\x8f Warning", "\xef\xb8\x8f-warning"},          /* ⚠️: VS16 is a mark */
        {"Rocket \xf0\x9f\x9a\x80 launch", "rocket--launch"},                    /* 🚀 */
        {"\xc2\xa9 2024 \xe2\x86\x92 next", "-2024--next"},                    /* © → */
        {"\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf\xcf\x82"},    /* ΟΔΟΣ: final ς */
        {"\xce\xa3\xce\x91", "\xcf\x83\xce\xb1"},                              /* ΣΑ: σ */
        {"\xc4\xb0stanbul", "i\xcc\x87stanbul"},                                /* İ: i U+0307 */
        {"\xc8\xba", "\xe2\xb1\xa5"},                                          /* Ⱥ: 2 bytes to 3 */
        {"\xe2\x84\xaa", "k"},                                                 /* Kelvin sign */
        {"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"}, /* Привет */
        {"\xf0\x90\x90\x80", "\xf0\x90\x90\xa8"},                              /* Deseret 𐐀 */
        {"a\xc2\xa0" "b\xe3\x80\x80" "c", "abc"},                                 /* NBSP, ideographic space */
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x80\x82", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"}, /* 日本語。 */
        {"x\xe2\x80\xbfy \xc2\xbd", "x\xe2\x80\xbfy-"},                 /* ‿ (Pc) kept, ½ (No) not */
        {"\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82\xe0\xa4\xa6\xe0\xa5\x80", "\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82\xe0\xa4\xa6\xe0\xa5\x80"}, /* हिंदी */
    };
    size_t n = sizeof cases / sizeof *cases;
    sl__md_buf src = {0};
    for (size_t i = 0; i < n; i++) {
        sl__md_buf_puts(&src, "# ");
        sl__md_buf_puts(&src, cases[i][0]);
        sl__md_buf_puts(&src, "\n");
    }
    sl__md_buf_putc(&src, 0); /* render_with reads a C string */
    CHECK(!src.failed);
    for (int renderer = SL__MD_OWN; renderer <= SL__MD_CMARK; renderer++) {
        sl__md_page p = render_with(src.data, 0, 0, renderer);
        CHECK_EQ(p.nheadings, n);
        for (size_t i = 0; i < n && i < p.nheadings; i++) {
            if (strcmp(p.headings[i].id, cases[i][1]))
                fprintf(stderr, "renderer %d: %s: id %s, want %s\n", renderer, cases[i][0], p.headings[i].id, cases[i][1]);
            CHECK(!strcmp(p.headings[i].id, cases[i][1]));
        }
        sl__md_page_free(&p);
    }
    sl__md_buf_free(&src);
}

/* In safe mode raw HTML in a heading is shown escaped, but its tags give
 * the heading's id and --json text nothing, as with --unsafe-html and on
 * GitHub (`## TOC <!-- omit in toc -->` was `toc----omit-in-toc---`, and
 * its `[..](#toc-)` links broke; advmd F5): on both renderers, in both
 * dialects, the headings of safe mode are those of --unsafe-html. */
SL_TEST(md_heading_ids_in_safe_mode_leave_raw_html_out_as_github_does)
{
    static const char *const raw[] = {"<!-- omit in toc -->", "<a name=\"u\"></a>", "<b>bold</b>", "<br/>",
                                      "<script>", "<img src=\"a.png\" alt=\"x\">", "<!-- a > b -->",
                                      "&lt;b&gt;", "`<code>`", "<span\ntitle=\"t\">s</span>", "<?p x ?>"};
    static const char *const form[] = {"## %s %s %s\n", "# %s%s %s\n\nx\n", "%s %s %s\n===\n", "> ### %s %s %s\n",
                                       "- # %s %s %s\n"};
    sl__md_page p = render_s("## TOC <!-- omit in toc -->\n## Usage <a name=\"u\"></a>\n");
    /* the space before the comment stays in the text content: `toc-`, as
     * on GitHub (`### Alexa locale <!-- omit in toc -->` is
     * `#alexa-locale-` there, home-assistant.io issue 38084) */
    CHECK(p.nheadings == 2 && !strcmp(p.headings[0].id, "toc-") && !strcmp(p.headings[1].id, "usage-"));
    CHECK(contains(p.html, "<h2 id=\"toc-\">TOC &lt;!-- omit in toc --&gt;</h2>"));
    sl__md_page_free(&p);
    uint64_t x = 88172645463325252ull;
    size_t headed = 0;
    for (int k = 0; k < 600; k++) {
        char md[512];
        const char *w[3];
        for (int i = 0; i < 3; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            w[i] = i == 1 ? (x % 3 ? raw[x % (sizeof raw / sizeof raw[0])] : "Title") : raw[x % (sizeof raw / sizeof raw[0])];
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        snprintf(md, sizeof md, form[x % (sizeof form / sizeof form[0])], w[0], w[1], w[2]);
        for (int cm = 0; cm < 2; cm++)
            for (int renderer = SL__MD_MD4C; renderer <= SL__MD_CMARK; renderer++) {
                sl__md_page safe = render_with(md, cm, 0, renderer), unsafe = render_with(md, cm, 1, renderer);
                int same = safe.nheadings == unsafe.nheadings;
                headed += safe.nheadings > 0;
                for (size_t h = 0; same && h < safe.nheadings; h++)
                    same = !strcmp(safe.headings[h].id, unsafe.headings[h].id) &&
                           !strcmp(safe.headings[h].text, unsafe.headings[h].text);
                if (!same)
                    fprintf(stderr, "page (commonmark %d, renderer %d):\n%s--- safe:\n%s--- unsafe:\n%s", cm, renderer, md,
                            safe.html, unsafe.html);
                CHECK(same);
                sl__md_page_free(&safe);
                sl__md_page_free(&unsafe);
            }
    }
    CHECK(headed > 1200); /* most pages hold a heading */
}

/* A `>` inside a quoted attribute value, a comment, a processing
 * instruction or a CDATA section does not end the raw HTML: the heading's
 * text and id leave all of it out, as GitHub's (cmark-gfm's HTML, its text
 * content) do; both renderers, safe and --unsafe-html.  The text was cut
 * at the first `>` (`a y">b`, id `a-yb`). */
SL_TEST(md_heading_text_skips_raw_html_with_a_quoted_or_inner_gt)
{
    static const char *const src = "## a <span title=\"x>y\">b</span>\n## x <!-- a > b --> y\n"
                                   "## p <?x a > b ?> q\n## c <![CDATA[ > ]]> d\n## e <i title='>'>f</i>\n";
    /* the text content keeps the spaces on both sides of the markup: GitHub's `x--y` */
    static const char *const want[][2] = {{"a b", "a-b"}, {"x y", "x--y"}, {"p q", "p--q"}, {"c d", "c--d"}, {"e f", "e-f"}};
    for (int unsafe = 0; unsafe < 2; unsafe++)
        for (int renderer = SL__MD_MD4C; renderer <= SL__MD_CMARK; renderer++) {
            sl__md_page p = render_with(src, 0, unsafe, renderer);
            CHECK_EQ(p.nheadings, 5);
            for (size_t h = 0; h < 5 && h < p.nheadings; h++) {
                if (strcmp(p.headings[h].text, want[h][0]) || strcmp(p.headings[h].id, want[h][1]))
                    fprintf(stderr, "renderer %d unsafe %d: %s / %s\n", renderer, unsafe, p.headings[h].text,
                            p.headings[h].id);
                CHECK(!strcmp(p.headings[h].text, want[h][0]) && !strcmp(p.headings[h].id, want[h][1]));
            }
            sl__md_page_free(&p);
        }
}

/* CPU seconds to compile head + reps x unit + tail as an MDX page (GFM). */
static double mdx_seconds(const char *head, const char *unit, size_t reps, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), n = 0;
    char *s = malloc(hl + reps * ul + tl + 1);
    CHECK(s != NULL);
    memcpy(s, head, hl);
    n = hl;
    for (size_t i = 0; i < reps; i++, n += ul)
        memcpy(s + n, unit, ul);
    memcpy(s + n, tail, tl);
    n += tl;
    sl__md_opts o = {.mdx = 1};
    sl__md_page p;
    char err[256];
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    int rc = sl__md_render(s, n, &o, &p, err, sizeof err);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    CHECK_EQ(rc, 0);
    if (rc == 0)
        sl__md_page_free(&p);
    free(s);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* MDX pages link URL literals in the text md4c leaves (mdx_tree.c): md4c
 * 0.4.8's permissive URL and www autolinks looked, for each link, at every
 * mark after it up to the next resolved one, so a paragraph of lines like
 * `[http://a.b/c* ` took time quadratic in its length (40,000 lines: 3 s);
 * and each `www.` of a run of them sharing one domain read the whole run.
 * Each shape at 10,000 and 40,000 repeats: no more than 8 times as long
 * for 4 times the size (quadratic: 16). */
/* An MDX page's links and images may take the page's size in URL and
 * title bytes for what they write and as much again for what references
 * add (mdx_tree.c fits_budget): 10,000 uses of one 10 KB URL were 100 MB
 * of JavaScript from 70 KB.  Past it a link is its text, an image its alt
 * text; a page of ordinary references is untouched. */
SL_TEST(md_mdx_references_expand_to_at_most_twice_the_page)
{
    for (int literal = 0; literal < 2; literal++) { /* an http:// URL is a literal mdx_scan.c hides from md4c */
        sl__md_buf b = {0};
        sl__md_buf_puts(&b, literal ? "[r]: http://x/" : "[r]: /x/");
        for (int i = 0; i < 10000; i++)
            sl__md_buf_putc(&b, 'a');
        sl__md_buf_puts(&b, "\n[i]: /i.png\n\n");
        for (int i = 0; i < 10000; i++)
            sl__md_buf_puts(&b, "[r][] ");
        sl__md_buf_puts(&b, "\n\n![alt][i] [ok](/y)\n");
        sl__md_opts o = {.mdx = 1};
        sl__md_page p;
        char err[256];
        CHECK_EQ(sl__md_render(b.data, b.len, &o, &p, err, sizeof err), 0);
        CHECK(p.html_len < ((size_t)1 << 20));
        CHECK(contains(p.html, "href: \"/y\""));  /* written after the budget ran out: still a link */
        CHECK(contains(p.html, "src: \"/i.png\""));
        size_t links = 0;
        for (const char *q = p.html; (q = strstr(q, "_components.a,")); q++)
            links++;
        CHECK(links >= 10 && links <= 20); /* (70 KB + 100 KB) / 10 KB, and [ok] */
        sl__md_page_free(&p);
        sl__md_buf_free(&b);
    }
}

SL_TEST(md_mdx_links_url_literals_in_linear_time)
{
    static const struct { const char *head, *unit, *tail; } shapes[] = {
        {"", "[http://a.b/c* \n", ""}, {"", "[www.a.b/c* \n", ""}, {"", "http://a.b/c* \n", ""},
        {"", "x_ www.a.b/c \n", ""},  {"", "www.", "a_b.c_d\n"},   {"x ", "_www.", "a_b\n"},
        {"http://a.b/", "..", "x\n"},  {"http://a.b/", "&amp;", "x\n"}, {"x www.", "a.", "_\n"},
        /* e-mail literals: micromark's tokenizer in mdx_scan.c, the
         * transform's regexes in link_literals */
        {"", "a@", "b.co\n"},         {"", "a.b@c.d1@", "x\n"},      {"", "_a@b.co", "\n"},
        {"", "xmpp:a@b.c/", "x\n"},   {"", "@a.", "\n"},             {"x ", "[a@b.co ", "\n"},
        {"", "a_b", "@c.d1 \n"},      {"mailto:", "a.", "@b.c1\n"},
        /* a table's header maybe: each URL read up to the `|` */
        {"", "/http://a.b/", "|\n-|-\n"}, {"", "(www.a.b/", "|\n-|-\n"},
    };
    /* a quarter of the size under the sanitizers (5x slower there: 9.5 s
     * of the suite's time at full size); quadratic is still 16x */
    size_t base = 10000;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    base = 2500;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    base = 2500;
#endif
#endif
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        double t1 = mdx_seconds(shapes[i].head, shapes[i].unit, base, shapes[i].tail);
        double t4 = mdx_seconds(shapes[i].head, shapes[i].unit, 4 * base, shapes[i].tail);
        fprintf(stderr, "shape %zu: %.3f s, 4x: %.3f s\n", i, t1, t4);
        CHECK(t4 < 8 * t1 + 0.05);
    }
}

/* Suffixes past one digit, a suffix an earlier heading already took
 * (skipped), and a page with more ids than the table first holds. */
SL_TEST(md_heading_ids_count_past_ten_and_skip_taken_suffixes)
{
    sl__md_buf src = {0};
    sl__md_buf_puts(&src, "# A 10\n");
    for (int i = 0; i < 12; i++)
        sl__md_buf_puts(&src, "# A\n");
    for (int i = 0; i < 40; i++) {
        char h[32];
        snprintf(h, sizeof h, "## Part %d\n", i);
        sl__md_buf_puts(&src, h);
    }
    sl__md_page p = render(src.data, src.len, 0, 0);
    CHECK_EQ(p.nheadings, 53);
    CHECK(!strcmp(p.headings[0].id, "a-10"));
    CHECK(!strcmp(p.headings[1].id, "a"));
    CHECK(!strcmp(p.headings[10].id, "a-9"));
    CHECK(!strcmp(p.headings[11].id, "a-11")); /* a-10 is taken */
    CHECK(!strcmp(p.headings[12].id, "a-12"));
    CHECK(!strcmp(p.headings[52].id, "part-39"));
    CHECK(contains(p.html, "<h1 id=\"a-12\">A</h1>"));
    sl__md_page_free(&p);
    sl__md_buf_free(&src);
}

SL_TEST(md_raw_html_is_escaped_unless_unsafe)
{
    const char *src = "<script>alert(1)</script>\n\nhi <b>x</b>\n";
    sl__md_page p = render_s(src);
    CHECK(!contains(p.html, "<script>"));
    CHECK(contains(p.html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(p.html, "&lt;b&gt;x&lt;/b&gt;"));
    sl__md_page_free(&p);
    p = render(src, strlen(src), 1, 1); /* CommonMark: raw HTML as it is */
    CHECK(contains(p.html, "<script>alert(1)</script>"));
    sl__md_page_free(&p);
    p = render(src, strlen(src), 0, 1); /* GFM: through the tag filter */
    CHECK(contains(p.html, "&lt;script>alert(1)&lt;/script>") && contains(p.html, "<b>x</b>"));
    sl__md_page_free(&p);
    /* Raw HTML is parsed as HTML, then shown escaped, on both renderers:
     * a comment's Markdown stays text, reference definitions after an
     * HTML line still define, an HTML block runs to its blank line.
     * md4c's no-HTML mode read all three as Markdown. */
    const char *page = "a <!-- ![x](/t.png) --> b\n\n<!--\n**draft** [secret](/s)\n-->\n\n"
                       "[![v][img]][url]\n\n<!-- x -->\n[img]: /i.svg\n[url]: /u\n\n"
                       "<div>\n\n# h\n</div>\n* item\n";
    for (int renderer = SL__MD_MD4C; renderer <= SL__MD_CMARK; renderer++) {
        sl__md_opts o = {.renderer = renderer};
        char err[256];
        CHECK(sl__md_render(page, strlen(page), &o, &p, err, sizeof err) == 0);
        CHECK(contains(p.html, "<p>a &lt;!-- ![x](/t.png) --&gt; b</p>"));
        CHECK(contains(p.html, "&lt;!--\n**draft** [secret](/s)\n--&gt;\n"));
        CHECK(!contains(p.html, "<img src=\"/t.png\"") && !contains(p.html, "<strong>") && !contains(p.html, "/s\""));
        CHECK(contains(p.html, "<a href=\"/u\"><img src=\"/i.svg\" alt=\"v\"") && !contains(p.html, "[img]:"));
        CHECK(contains(p.html, "&lt;/div&gt;\n* item") && !contains(p.html, "<li>"));
        sl__md_page_free(&p);
    }
}

SL_TEST(md_raw_heading_tags_are_not_taken_for_headings)
{
    const char *src = "<h2>\nraw\n</h2>\n\n# Real <h1>x</h1>\n\ninline <h3>y</h3>\n";
    sl__md_page p = render(src, strlen(src), 0, 1);
    CHECK_EQ(p.nheadings, 1);
    CHECK(!strcmp(p.headings[0].id, "real-x"));
    CHECK(contains(p.html, "<h2>\nraw\n</h2>"));
    CHECK(contains(p.html, "<h1 id=\"real-x\">Real <h1>x</h1></h1>"));
    sl__md_page_free(&p);
}

SL_TEST(md_gfm_is_default_and_commonmark_is_plain)
{
    const char *src = "| a |\n|---|\n| 1 |\n\n~~x~~ www.example.com\n";
    sl__md_page p = render(src, strlen(src), 0, 0);
    CHECK(contains(p.html, "<table>") && contains(p.html, "<del>x</del>"));
    CHECK(contains(p.html, "<a href=\"http://www.example.com\">"));
    sl__md_page_free(&p);
    p = render(src, strlen(src), 1, 0);
    CHECK(!contains(p.html, "<table>") && !contains(p.html, "<del>"));
    sl__md_page_free(&p);
}

/* Checks every `attr"..."` value in html: never a dangerous URL as a
 * browser reads it; from a dangerous source, empty or made harmless by
 * percent-encoding; from a good one, kept.  Returns how many it saw. */
static int check_urls(const char *html, const char *attr, int from_bad)
{
    int seen = 0;
    for (const char *h = html; (h = strstr(h, attr)); seen++) {
        h += strlen(attr);
        const char *e = strchr(h, '"');
        CHECK(e != NULL);
        size_t n = (size_t)(e - h);
        CHECK(!sl__md_url_is_dangerous(h, n));
        if (from_bad)
            CHECK(n == 0 || memchr(h, '%', n) != NULL);
        else
            CHECK(n > 0);
        h = e;
    }
    return seen;
}

/* Every dangerous scheme, in the spellings a browser still reads as that
 * scheme, is emptied in links, images, autolinks and references, on pages
 * md4c renders and on pages cmark-gfm renders (the table sends it there);
 * data:image/png|gif|jpeg|webp and ordinary URLs stay. */
SL_TEST(md_safe_mode_empties_dangerous_urls_in_both_renderers)
{
    static const char *const bad[] = {
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x61;script:x", "&#106;avascript:x",
        "javascript&#58;x", "java&#9;script:x", "<\x01javascript:x>", "< javascript:x>",
        "<\x1f javascript:x>", "vbscript:x", "VBScript:x", "file:///etc/passwd", "FILE:x",
        "data:text/html,x", "DATA:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml,x"};
    static const char *const good[] = {"http://x.org/", "/rel", "#f", "mailto:a@b.c",
                                       "data:image/png;base64,AA", "data:image/gif,x",
                                       "data:image/jpeg,x", "data:image/webp,x", "javascriptx:y"};
    for (int table = 0; table < 2; table++)
        for (size_t k = 0; k < sizeof bad / sizeof bad[0] + sizeof good / sizeof good[0]; k++) {
            int is_bad = k < sizeof bad / sizeof bad[0];
            const char *u = is_bad ? bad[k] : good[k - sizeof bad / sizeof bad[0]];
            char src[512];
            snprintf(src, sizeof src, "%s[a](%s) ![i](%s) [r]\n\n[r]: %s\n",
                     table ? "| t |\n| - |\n| x |\n\n" : "", u, u, u);
            sl__md_page p = render_s(src);
            CHECK_EQ(check_urls(p.html, "href=\"", is_bad) + check_urls(p.html, "src=\"", is_bad), 3);
            sl__md_page_free(&p);
        }
    CHECK(sl__md_url_is_dangerous(" \t\x01jAvA\tsCrIpT\n:x", 19));
    CHECK(!sl__md_url_is_dangerous("%01javascript:x", 15));
}

/* With raw HTML on under --gfm, the tag filter looks where cmark-gfm's
 * does: an inline HTML node at its start only (an attribute value, a
 * comment, a processing instruction, CDATA keep their text), an HTML
 * block at every tag; in both renderers.  A heading's id follows its
 * text as shown (`&lt;script>` is text), and an image's alt text is
 * escaped once. */
SL_TEST(md_tag_filter_looks_at_inline_html_only_at_its_start_in_both_renderers)
{
    static const char *const cases[][2] = {
        {"a <a title=\"<script>\">x</a> <!-- <style> --> <?x <xmp> ?>\n",
         "<p>a <a title=\"<script>\">x</a> <!-- <style> --> <?x <xmp> ?></p>\n"},
        {"b <![CDATA[ <script> ]]> <!X <title> > <script title='<style>'>\n",
         "<p>b <![CDATA[ <script> ]]> <!X <title> &gt; &lt;script title='<style>'></p>\n"},
        {"c <a><script><TEXTAREA/></a> <?p\n <xmp> ?> <script\n x=1>\n",
         "<p>c <a>&lt;script>&lt;TEXTAREA/></a> <?p\n<xmp> ?> &lt;script\nx=1></p>\n"},
        {"<!-- <style> -->\n\n<div title=\"<script>\">\n<script\n>\n",
         "<!-- &lt;style> -->\n<div title=\"&lt;script>\">\n&lt;script\n>\n"},
        {"# a <script> b\n", "<h1 id=\"a-script-b\">a &lt;script> b</h1>\n"},
        {"![a <b title=\"<script>\">](/u)\n", "alt=\"a &lt;b title=&quot;&lt;script&gt;&quot;&gt;\""},
    };
    for (int renderer = SL__MD_MD4C; renderer <= SL__MD_CMARK; renderer++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            sl__md_opts o = {.unsafe_html = 1, .renderer = renderer};
            sl__md_page p;
            char err[256];
            CHECK(sl__md_render(cases[i][0], strlen(cases[i][0]), &o, &p, err, sizeof err) == 0);
            if (!contains(p.html, cases[i][1]))
                fprintf(stderr, "renderer %d case %zu: %s", renderer, i, p.html);
            CHECK(contains(p.html, cases[i][1]));
            sl__md_page_free(&p);
        }
}

/* render.c writes HTML from md4c's parse events as md4c-html writes it:
 * md4c's pages equal md4c-html's own rendering, what sluice changes on
 * purpose aside (writer_diff.h) - entities (named, numeric, invalid, in
 * URLs, titles and info strings), images in images, hard and soft breaks
 * in alt text, tables, lists, task items, raw HTML, in both dialects,
 * with and without --xhtml.  fuzz_frontmatter checks every input so. */
SL_TEST(md_html_writer_matches_md4c_html)
{
    static const char *const pages[] = {
        "# A &amp; <em>b</em> `c` &copy; &#x3C; &#60; &bogus; &#0; &#x110000;\n\nx &nbsp; &ngE; &#1234567; \"q\" & <b>b</b> >\n",
        "[l &lt;](http://x.y/a&b%20c?d=\"e\"#f&quot;g \"t &amp; \\\"q\\\" &#x26;\") <http://a.b/c&d>\n",
        /* (no image inside an image: md4c-html closes the outer alt there, we write cmark-gfm's alt) */
        "![a *b* `c` [l](u) in\nsoft\\\nhard](/i.png \"t&lt;\") tail ![e]()\n",
        "![x](/&#x41;&copy;%41 \"&#0;\")[y](</a b> 'single')\n\n[r]: /ref \"T\"\n[r] [R][r]\n",
        "```c&amp;x &lt;y&gt; z\nint a = b < c && d;\n```\n\n~~~\n~~~\n\n    indented <x>\n\n```&bogus;\nq\n```\n",
        "| a | b | c |\n|:--|:-:|--:|\n| `x\\|y` | ~~d~~ | **s** |\n| d || e |\n\n~one~ ***both*** _u_ __b__\n",
        "- a\n- b\n\n  c\n1. x\n3. y\n\n7) z\n> q\n> > r\n> - s\n\n***\n---\n\nline  \nbreak\\\nend\n",
        "<div>\n<p>html</p>\n</div>\n\n<!-- c -->\n<?p?>\n<![CDATA[x]]>\ntext <span a=\"b\">in</span> <x/>\n",
        "Setext\n===\nTwo\n---\n## Dup\n## Dup\n###### six ######\n",
        "www.example.com/path x@y.org http://q.r/s?t=u&v=w. (https://p.q/r)\n",
        "- [ ] a\n- [x] b [l ~ '](/~u'v?a&b \"t'~\") ![i](<~'>)\n\n  - [X] c\n",
    };
    for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++)
        for (int f = 0; f < 4; f++) {
            CHECK(!writer_diff_skips(pages[k], strlen(pages[k]), f & 1));
            CHECK(writer_diff_matches(pages[k], strlen(pages[k]), f & 1, f >> 1));
        }
}

/* render.c's text escape tells `<>&"` from every other byte 16 bytes at a
 * time, by bit tricks rather than one compare per byte: every ASCII
 * byte, at every offset of two blocks in text, in a code span and in a
 * code block, is written as md4c-html writes it. */
SL_TEST(md_text_escape_finds_every_special_byte_at_every_offset)
{
    for (int c = 1; c < 0x80; c++) {
        if (c == '\n' || c == '\r' || c == '\t')
            continue; /* line structure, and tabs writer_diff leaves to md4c_fix.c */
        for (size_t at = 0; at < 34; at++) {
            char page[160];
            char run[40];
            memset(run, 'a', sizeof run);
            run[at] = (char)c;
            run[34] = 0;
            int n = snprintf(page, sizeof page, "x%s\n\n`%s`\n\n```\n%s\n```\n", run, run, run);
            CHECK(n > 0 && (size_t)n < sizeof page);
            CHECK(writer_diff_matches(page, (size_t)n, 1, 0));
        }
    }
}

/* An HTML block right after a tight list item's text starts on a line of
 * its own, as cmark-gfm writes it (md4c-html glued it to the text: seen
 * on npm undici's docs); in safe mode too, where the block is text. */
SL_TEST(md_html_block_after_a_tight_item_starts_a_line)
{
    static const char *const page = "* a\n  <!-- c -->\n* <?p ?>\n";
    for (int cm = 0; cm < 2; cm++) {
        sl__md_page p = render(page, strlen(page), cm, 1);
        CHECK(p.html && !strcmp(p.html, "<ul>\n<li>a\n<!-- c -->\n</li>\n<li>\n<?p ?>\n</li>\n</ul>\n"));
        sl__md_page_free(&p);
        p = render(page, strlen(page), cm, 0);
        CHECK(p.html && contains(p.html, "<li>a\n&lt;!-- c --&gt;"));
        sl__md_page_free(&p);
    }
}

/* 1 if every attribute of every tag in html has a quoted value, as XML
 * wants (`<input ... disabled checked />` has two without). */
static int attributes_have_values(const char *html)
{
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        if (!isalpha((unsigned char)p[1]))
            continue;
        const char *q = p + 1;
        while (isalnum((unsigned char)*q))
            q++;
        for (;;) {
            while (*q == ' ' || *q == '\n')
                q++;
            if (*q == '>' || (*q == '/' && q[1] == '>'))
                break;
            while (isalnum((unsigned char)*q) || *q == '-' || *q == ':')
                q++;
            if (q[0] != '=' || q[1] != '"')
                return 0;
            const char *e = strchr(q + 2, '"');
            if (!e)
                return 0;
            q = e + 1;
        }
    }
    return 1;
}

/* Under --xhtml a task item's checkbox is XML on both renderers: md4c's
 * pages wrote `disabled checked />`, which an XML parser refuses (advmd
 * F17); cmark-gfm's write `checked="" disabled="" />`. */
SL_TEST(md_xhtml_task_checkboxes_are_xml_on_both_renderers)
{
    static const char *const pages[] = {"- [x] t\n- [ ] u\n", "1. [X] a\n\n   b\n", "- a\n  - [ ] q\n"};
    for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++)
        for (int renderer = SL__MD_MD4C; renderer <= SL__MD_CMARK; renderer++) {
            sl__md_opts o = {.xhtml = 1, .renderer = renderer};
            sl__md_page p;
            char err[256];
            CHECK(sl__md_render(pages[k], strlen(pages[k]), &o, &p, err, sizeof err) == 0);
            CHECK(contains(p.html, "type=\"checkbox\""));
            if (!attributes_have_values(p.html))
                fprintf(stderr, "%s", p.html);
            CHECK(attributes_have_values(p.html));
            CHECK(contains(p.html, "checked=\"") == (k < 2)); /* the first two are checked */
            sl__md_page_free(&p);
        }
}

/* A page is read within its n bytes, with no NUL after it: one whose
 * length is 2 past a multiple of 16 and that ends in `:/` (the end of
 * render.c's 16-byte search for "://" after a quote read a byte past). */
SL_TEST(md_page_is_read_within_its_bytes)
{
    for (size_t n = 2; n <= 66; n += 16) {
        char *page = malloc(n); /* exactly n bytes: ASan sees a read past them */
        CHECK(page != NULL);
        memset(page, 'a', n - 2);
        memcpy(page + n - 2, ":/", 2);
        sl__md_page p = render(page, n, 0, 0);
        CHECK(p.html && contains(p.html, ":/"));
        sl__md_page_free(&p);
        free(page);
    }
}

/* A cell never moves: `| d || e |` keeps its empty middle cell, short
 * delimiter cells make a table, a mismatched delimiter row does not, and
 * `\|` in a code span is a pipe. */
SL_TEST(md_gfm_table_cells_stay_in_their_columns)
{
    sl__md_page p = render_s("| a | b | c |\n| - | :-: | -: |\n| d || e |\n| `x \\| y` |\n");
    CHECK(contains(p.html, "<td>d</td>\n<td align=\"center\"></td>\n<td align=\"right\">e</td>"));
    CHECK(contains(p.html, "<td><code>x | y</code></td>\n<td align=\"center\"></td>\n<td align=\"right\"></td>"));
    sl__md_page_free(&p);
    p = render_s("| a | b |\n| --- |\n| c |\n");
    CHECK(!contains(p.html, "<table>") && contains(p.html, "<p>| a | b |"));
    sl__md_page_free(&p);
    p = render_s("text\n| a |\n| - |\n");
    CHECK(contains(p.html, "<p>text</p>\n<table>"));
    sl__md_page_free(&p);
}

/* cmark-gfm 0.29 keeps the extensions' special inline characters (`~`,
 * `:`, `w`) in one global table that every cmark_parser_finish fills at
 * its start and clears at its end, so a page finishing while another is
 * parsed loses its strikethrough mid-page (render_cmark.c's finish_lock).
 * Filling the table once beforehand does not help: the next finish's end
 * still clears it.  Two threads render the same routed page (a table
 * sends it to cmark-gfm) over and over; without the lock nearly every
 * render overlaps another one's end and drops `<del>`s (seen: 150 -> 39
 * on one page).  The sanitizer builds render fewer (SL_TEST_SCALE): what
 * the test catches shows in the output, which the release build checks,
 * and neither sanitizer sees inside cmark-gfm (not instrumented). */
#define STRIKES 16
#define RENDERS SL_TEST_SCALE(200)

static void *render_strikes(void *src)
{
    intptr_t bad = 0;
    for (size_t i = 0; i < RENDERS; i++) {
        sl__md_opts o = {0};
        sl__md_page p;
        char err[256];
        if (sl__md_render(src, strlen(src), &o, &p, err, sizeof err) != 0)
            return (void *)1;
        size_t dels = 0;
        for (const char *h = p.html; (h = strstr(h, "<del>")); h++)
            dels++;
        bad += dels != STRIKES;
        sl__md_page_free(&p);
    }
    return (void *)bad;
}

SL_TEST(md_cmark_pages_keep_strikethrough_when_rendered_at_once)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "| a | b |\n| - | - |\n| 1 | 2 |\n\n");
    for (int i = 0; i < STRIKES; i++) {
        char line[96];
        snprintf(line, sizeof line, "para %d ~~s%d~~ and www.x%d.com: w:\n\n", i, i, i);
        sl__md_buf_puts(&b, line);
    }
    sl__md_buf_putc(&b, 0);
    CHECK(sl__md_gfm_needs_cmark(b.data, b.len - 1));
    pthread_t t[2];
    void *bad[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, render_strikes, b.data), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], &bad[i]);
        CHECK_EQ((intptr_t)bad[i], 0);
    }
    sl__md_buf_free(&b);
}

/* render_cmark.c hands cmark-gfm a per-page arena: blocks cut from 64 KiB
 * chunks that double, a free that only gives back the last block cut, a
 * realloc that grows the last block where it is or copies, and blocks of
 * 16 KiB or more from malloc (a buffer that grows past that moves there).
 * A page that takes every one of those paths - thousands of nodes, a
 * code block and a paragraph line growing past 16 KiB, a table - must
 * come out as cmark-gfm renders it with its own allocator (unsafe mode
 * and no headings: render_cmark.c then changes nothing). */
SL_TEST(md_cmark_pages_render_from_the_arena_as_cmark_gfm_alone)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, "| a | b |\n| - | :-: |\n");
    for (int i = 0; i < 300; i++) {
        char row[128];
        snprintf(row, sizeof row, "| *c%d* [l](/u%d) | ~~d~~ www.x%d.org `k` |\n", i, i, i);
        sl__md_buf_puts(&b, row);
    }
    for (int round = 0; round < 3; round++) {
        sl__md_buf_puts(&b, "\n```c\n");
        for (int i = 0; i < 2000; i++)
            sl__md_buf_puts(&b, "int x = a < b && c; /* a code line */\n");
        sl__md_buf_puts(&b, "```\n\nOne long line:");
        for (int i = 0; i < 600; i++)
            sl__md_buf_puts(&b, " word *em* [a](b) **st** a@b.org");
        sl__md_buf_puts(&b, "\n\n- item [x\n- [y](z) *w*\n  - nested `q`\n\n> quoted *text*\n");
        for (int i = 0; i < 500; i++)
            sl__md_buf_puts(&b, "\npara *a* _b_ [c] [[d]] ![e](f \"t\") <https://x.org> x@y.org\n");
    }
    sl__md_buf_putc(&b, 0);
    CHECK(!b.failed);
    sl__md_opts o = {.unsafe_html = 1, .renderer = SL__MD_CMARK, .no_word_count = 1};
    sl__md_page p;
    char err[256];
    CHECK(sl__md_render(b.data, b.len - 1, &o, &p, err, sizeof err) == 0);
    cmark_gfm_core_extensions_ensure_registered();
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_UNSAFE);
    for (size_t i = 0; i < 4; i++)
        cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(parser, b.data, b.len - 1);
    cmark_node *doc = cmark_parser_finish(parser);
    char *want = cmark_render_html(doc, CMARK_OPT_UNSAFE, cmark_parser_get_syntax_extensions(parser));
    CHECK(p.html && want && p.html_len > 400000);
    CHECK(!strcmp(p.html, want));
    free(want);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    sl__md_page_free(&p);
    sl__md_buf_free(&b);
}

SL_TEST(md_word_count_counts_text_not_tags)
{
    sl__md_page p = render_s("# Two words\n\nthree *more* words\n\n- a\n- b\n");
    CHECK_EQ(p.word_count, 7);
    sl__md_page_free(&p);
}

/* sl__md_utf8_check's answer is the offset of the first byte that starts
 * no valid sequence, wherever that byte falls against the 32- and
 * 8-byte blocks it reads ASCII in: each bad byte, NUL and good sequence
 * at every offset of a 100-byte page, and at its very end. */
SL_TEST(md_utf8_check_finds_the_first_bad_byte_at_any_offset)
{
    static const struct { const char *seq; int ok; } cases[] = {
        {"\x00", 0}, {"\x80", 0}, {"\xff", 0}, {"\xc3", 0}, {"\xc3\x28", 0}, {"\xed\xa0\x80", 0},
        {"\xf4\x90\x80\x80", 0}, {"\xc3\xa9", 1}, {"\xe2\x82\xac", 1}, {"\xf0\x9f\x98\x80", 1}};
    char page[100];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t l = strlen(cases[c].seq) + !cases[c].seq[0]; /* NUL: one byte */
        for (size_t at = 0; at + l <= sizeof page; at++) {
            memset(page, 'a', sizeof page);
            memcpy(page + at, cases[c].seq, l);
            size_t want = cases[c].ok ? sizeof page : at;
            CHECK_EQ(sl__md_utf8_check(page, sizeof page), want);
            CHECK_EQ(sl__md_utf8_check(page, at + l), cases[c].ok ? at + l : at);
        }
    }
}

SL_TEST(md_invalid_utf8_becomes_replacement_characters)
{
    const char src[] = "# bad \xff\xfe title\n\ntext \xc3\x28 \xed\xa0\x80 end\n";
    sl__md_page p = render(src, sizeof src - 1, 0, 0);
    CHECK(sl__md_utf8_valid(p.html, p.html_len));
    CHECK(contains(p.html, "\xef\xbf\xbd"));
    CHECK(sl__md_utf8_valid(p.headings[0].id, strlen(p.headings[0].id)));
    sl__md_buf b = {0};
    sl__md_page_json(&b, "f.md", &p);
    json_error_t e;
    json_t *j = json_loadb(b.data, b.len, 0, &e);
    CHECK(j != NULL);
    json_decref(j);
    sl__md_buf_free(&b);
    sl__md_page_free(&p);
}

SL_TEST(md_nul_bytes_become_replacement_characters)
{
    const char src[] = "a\0b\n\n# h\0\n";
    sl__md_page p = render(src, sizeof src - 1, 0, 0);
    CHECK(memchr(p.html, 0, p.html_len) == NULL);
    CHECK(contains(p.html, "a\xef\xbf\xbd" "b"));
    sl__md_page_free(&p);
}

/* NUL is U+FFFD wherever it stands, alone (no raw NUL left beside it):
 * raw HTML, code spans, link destinations, headings, table cells and
 * front matter, in both dialects and with raw HTML on or off. */
SL_TEST(md_nul_becomes_replacement_in_every_construct)
{
    static const char src[] = "---\nt\0: a\0b\n---\n"
                              "<div t=\"\0\">h\0tml</div>\n\n`sp\0an`\n\n[l](/u\0rl)\n\n"
                              "# he\0ad\n\n| a\0 | b |\n| --- | --- |\n| c\0 | d |\n";
    for (int mode = 0; mode < 4; mode++) {
        sl__md_page p = render(src, sizeof src - 1, mode & 1, mode >> 1);
        CHECK(memchr(p.html, 0, p.html_len) == NULL);
        CHECK(sl__md_utf8_valid(p.html, p.html_len));
        CHECK(contains(p.html, "sp\xef\xbf\xbd" "an</code>"));
        CHECK(contains(p.html, "href=\"/u%EF%BF%BDrl\""));
        CHECK(contains(p.html, "h\xef\xbf\xbd" "tml"));
        CHECK(!contains(p.html, "\xef\xbf\xbd\xef\xbf\xbd"));
        CHECK_EQ(p.nheadings, 1);
        CHECK(!strcmp(p.headings[0].text, "he\xef\xbf\xbd" "ad"));
        if (!(mode & 1))
            CHECK(contains(p.html, "<td>c\xef\xbf\xbd</td>"));
        CHECK(!strcmp(json_string_value(json_object_get(p.frontmatter, "t\xef\xbf\xbd")), "a\xef\xbf\xbd" "b"));
        sl__md_page_free(&p);
    }
}

/* A numeric reference to a surrogate names no character: U+FFFD, as
 * CommonMark says and cmark-gfm writes, never the surrogate's bytes (not
 * UTF-8; a strict JSON reader refuses a sidecar reply holding them) - in
 * text, headings and their ids, link destinations and titles, image alt
 * text, a code block's info string and table cells. */
SL_TEST(md_surrogate_references_become_replacement_in_every_construct)
{
    static const char src[] = "a &#xD800; &#55296; &#xDFFF; &#xDBFF;&#xDC00; b\n\n# h &#xDC00; i\n\n"
                              "[l](/u&#xD800;v \"t&#xD800;\") ![&#xDFFF;](i.png)\n\n"
                              "```x&#xD800;\nc\n```\n\n| a |\n| --- |\n| c&#xD800; |\n";
    for (int mode = 0; mode < 4; mode++) {
        sl__md_page p = render(src, sizeof src - 1, mode & 1, mode >> 1);
        CHECK(sl__md_utf8_valid(p.html, p.html_len));
        CHECK(!contains(p.html, "\xed"));
        CHECK(contains(p.html, "a \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd b"));
        CHECK(contains(p.html, "href=\"/u%EF%BF%BDv\" title=\"t\xef\xbf\xbd\""));
        CHECK(contains(p.html, "alt=\"\xef\xbf\xbd\""));
        CHECK(contains(p.html, "class=\"language-x\xef\xbf\xbd\""));
        CHECK_EQ(p.nheadings, 1);
        CHECK(!strcmp(p.headings[0].text, "h \xef\xbf\xbd i"));
        CHECK(sl__md_utf8_valid(p.headings[0].id, strlen(p.headings[0].id)));
        if (!(mode & 1))
            CHECK(contains(p.html, "<td>c\xef\xbf\xbd</td>"));
        sl__md_page_free(&p);
    }
}

SL_TEST(md_binary_junk_renders_without_crashing)
{
    size_t n = 1 << 20;
    char *src = malloc(n);
    for (size_t i = 0; i < n; i++)
        src[i] = (char)(sl_test_rand() & 0xff);
    sl__md_page p = render(src, n, 0, 0);
    CHECK(sl__md_utf8_valid(p.html, p.html_len));
    sl__md_buf b = {0};
    sl__md_page_json(&b, "junk", &p);
    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    CHECK(j != NULL);
    json_decref(j);
    sl__md_buf_free(&b);
    sl__md_page_free(&p);
    free(src);
}

static void deep(const char *unit, size_t depth, const char *tail, int64_t max_ns)
{
    size_t ul = strlen(unit), tl = strlen(tail);
    char *src = malloc(ul * depth + tl + 1);
    for (size_t i = 0; i < depth; i++)
        memcpy(src + i * ul, unit, ul);
    memcpy(src + ul * depth, tail, tl + 1);
    int64_t t0 = sl_now();
    sl__md_page p = render(src, ul * depth + tl, 0, 0);
    int64_t ns = sl_now() - t0;
    CHECK(p.html_len > 0);
    if (ns > max_ns)
        fprintf(stderr, "rendering %zu-deep %s took %.2f s\n", depth, unit, ns / 1e9);
    CHECK(ns < max_ns);
    sl__md_page_free(&p);
    free(src);
}

SL_TEST(md_ten_thousand_deep_block_quotes)
{
    deep(">", 10000, " deep\n", (int64_t)20e9);
}

SL_TEST(md_ten_thousand_deep_lists)
{
    /* Each level indents two more spaces: 1,000 levels is already 1 MB of
     * indentation; the one-line form below goes 10,000 deep. */
    size_t depth = 1000;
    sl__md_buf b = {0};
    for (size_t i = 0; i < depth; i++) {
        for (size_t k = 0; k < i; k++)
            sl__md_buf_put(&b, "  ", 2);
        sl__md_buf_puts(&b, "- x\n");
    }
    int64_t t0 = sl_now();
    sl__md_page p = render(b.data, b.len, 0, 0);
    CHECK(sl_now() - t0 < (int64_t)30e9);
    CHECK(contains(p.html, "<ul>"));
    sl__md_page_free(&p);
    sl__md_buf_free(&b);
    deep("- ", 10000, "x\n", (int64_t)20e9); /* all on one line */
}

SL_TEST(md_ten_thousand_deep_inline_nesting)
{
    deep("*[", 10000, "x", (int64_t)20e9);
}

SL_TEST(md_fifty_megabyte_page)
{
    const char *para = "Some **bold** text with a [link](http://example.com/x) and `code`.\n\n"
                       "## A heading\n\n- item one\n- item two\n\n";
    /* The sanitizers slow this single-threaded render five- to tenfold and
     * find nothing at 50 MB that 10 MB does not reach (the same paragraph
     * over and over): 50 MB in release, 10 MB under ASan and TSan. */
    size_t pl = strlen(para), n = (size_t)(SL_TEST_SANITIZED ? 10 : 50) << 20;
    char *src = malloc(n + pl);
    size_t len = 0;
    while (len < n) {
        memcpy(src + len, para, pl);
        len += pl;
    }
    /* Linear time, on CPU time: the wall clock of a loaded machine (ASan
     * at load 16: 93 s) is not the render's. */
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    sl__md_page p = render(src, len, 0, 0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    CHECK(b.tv_sec - a.tv_sec < 60);
    CHECK(p.html_len > len);
    CHECK(p.nheadings == len / pl);
    char last[64];
    snprintf(last, sizeof last, "a-heading-%zu", p.nheadings - 1);
    CHECK(!strcmp(p.headings[p.nheadings - 1].id, last));
    sl__md_page_free(&p);
    free(src);
}

SL_TEST(md_page_json_has_every_field)
{
    sl__md_page p = render_s("---\nt: 1\n---\n# \"Quoted\" \\ head\n\ttab\n");
    sl__md_buf b = {0};
    sl__md_page_json(&b, "dir/a \"b\".md", &p);
    json_error_t e;
    json_t *j = json_loadb(b.data, b.len, 0, &e);
    CHECK(j != NULL);
    CHECK(!strcmp(json_string_value(json_object_get(j, "file")), "dir/a \"b\".md"));
    CHECK(!strcmp(json_string_value(json_object_get(j, "html")), p.html));
    CHECK_EQ(json_integer_value(json_object_get(json_object_get(j, "frontmatter"), "t")), 1);
    json_t *h = json_array_get(json_object_get(j, "headings"), 0);
    CHECK_EQ(json_integer_value(json_object_get(h, "level")), 1);
    CHECK(!strcmp(json_string_value(json_object_get(h, "text")), "\"Quoted\" \\ head"));
    CHECK(!strcmp(json_string_value(json_object_get(h, "id")), "quoted--head"));
    CHECK(json_is_integer(json_object_get(j, "wordCount")));
    json_decref(j);
    sl__md_buf_free(&b);
    sl__md_page_free(&p);
}

SL_TEST(md_json_strings_round_trip_every_escape_at_every_offset)
{
    const char specials[] = "\"\\\n\t\r\x01\x1f\x7f/\xc3\xa9";
    for (size_t len = 1; len < 40; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials - 1; k++) {
                char s[48];
                memset(s, 'a', len);
                s[at] = specials[k];
                if ((unsigned char)specials[k] == 0xc3) {
                    if (at + 1 >= len)
                        continue;
                    s[at + 1] = (char)0xa9;
                } else if ((unsigned char)specials[k] == 0xa9)
                    continue;
                sl__md_buf b = {0};
                sl__md_json_string(&b, s, len);
                json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
                CHECK(json_is_string(j) && json_string_length(j) == len &&
                      !memcmp(json_string_value(j), s, len));
                json_decref(j);
                sl__md_buf_free(&b);
            }
    sl__md_buf b = {0};
    sl__md_json_string(&b, "a\0b", 3);
    CHECK(b.len == 10 && !memcmp(b.data, "\"a\\u0000b\"", 10));
    sl__md_buf_free(&b);
}

/* Raw HTML inside an image's description is alt text: escaped in both
 * modes, as cmark-gfm writes it.  With --unsafe-html it was copied as
 * HTML into the attribute, where a `"` ended it (adv18 F9:
 * `![<!-- " onerror=x -->](/u)` gave the image an onerror handler). */
SL_TEST(md_raw_html_in_alt_text_is_escaped_in_both_modes)
{
    static const char *const cases[][2] = {
        {"![<x y=\"z\">](/u)\n", "alt=\"&lt;x y=&quot;z&quot;&gt;\""},
        {"![<!-- \" onerror=x -->](/u)\n", "alt=\"&lt;!-- &quot; onerror=x --&gt;\""},
        {"![a <b>c</b> *d*](/u)\n", "alt=\"a &lt;b&gt;c&lt;/b&gt; d\""},
        /* an image in the alt text is alt text too (md4c-html closed the
         * outer alt there, and HTML after it went out live: rev13 F8) */
        {"![a ![b](i) c](/u)\n", "alt=\"a b c\""},
        {"![x ![b](i) <img src=z onerror=alert(2)>](/u)\n", "alt=\"x b &lt;img src=z onerror=alert(2)&gt;\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int unsafe = 0; unsafe < 2; unsafe++) {
            sl__md_page p = render(cases[i][0], strlen(cases[i][0]), 0, unsafe);
            CHECK(contains(p.html, cases[i][1]));
            CHECK(!contains(p.html, "onerror=x \""));
            CHECK(!contains(p.html, "<img src=z"));
            sl__md_page_free(&p);
        }
}
