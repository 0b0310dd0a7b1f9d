/*
 * own_test.c - sluice's own GFM renderer (render_own.c, tools/md/gfm)
 * against the cmark-gfm path (render_cmark.c), the page sluice md wrote
 * before it: every page of tests/md's corpora and thousands of generated
 * ones, in every option set (GFM or CommonMark, safe or --unsafe-html,
 * --xhtml, --no-heading-ids), byte for byte - HTML, headings, word count,
 * front matter.  MD_OWN_DIFF_DIRS (directories, `:` between) adds pages,
 * for bench/md's corpora.  And hostile pages in linear time.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check.h"

#include "md.h"

static const char *opts_name(const sl__md_opts *o, char *b, size_t n)
{
    snprintf(b, n, "%s%s%s%s", o->commonmark ? "--commonmark" : "--gfm", o->unsafe_html ? " --unsafe-html" : "",
             o->xhtml ? " --xhtml" : "", o->no_heading_ids ? " --no-heading-ids" : "");
    return b;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* 1 if the page renders the same on both, else 0 (and says where). */
static int same_page(const char *src, size_t n, sl__md_opts o, const char *label)
{
    sl__md_page a, b;
    char ea[256], eb[256], on[96];
    o.renderer = SL__MD_OWN;
    int ra = sl__md_render(src, n, &o, &a, ea, sizeof ea);
    o.renderer = SL__MD_CMARK;
    int rb = sl__md_render(src, n, &o, &b, eb, sizeof eb);
    int same = ra == rb;
    const char *what = "status";
    if (same && ra == 0) {
        if (!(same = a.html_len == b.html_len && !memcmp(a.html, b.html, a.html_len)))
            what = "html";
        else if (!(same = a.nheadings == b.nheadings))
            what = "headings";
        for (size_t i = 0; same && i < a.nheadings; i++)
            if (!(same = a.headings[i].level == b.headings[i].level && same_str(a.headings[i].text, b.headings[i].text) &&
                         same_str(a.headings[i].id, b.headings[i].id)))
                what = "a heading";
        if (same && !(same = a.word_count == b.word_count))
            what = "word count";
        if (same && !(same = (!a.frontmatter && !b.frontmatter) ||
                             (a.frontmatter && b.frontmatter && json_equal(a.frontmatter, b.frontmatter))))
            what = "front matter";
        if (same && !(same = a.nwarnings == b.nwarnings))
            what = "warnings";
    }
    if (!same) {
        fprintf(stderr, "own vs cmark: %s differs (%s) on %s\n", what, opts_name(&o, on, sizeof on), label);
        if (ra == 0 && rb == 0) {
            size_t k = 0;
            while (k < a.html_len && k < b.html_len && a.html[k] == b.html[k])
                k++;
            size_t from = k > 60 ? k - 60 : 0;
            fprintf(stderr, "  at byte %zu\n  own:   %.160s\n  cmark: %.160s\n", k, a.html + from, b.html + from);
            const char *dump = getenv("MD_OWN_DUMP");
            if (dump) {
                char f[4096];
                snprintf(f, sizeof f, "%s.own", dump);
                FILE *o1 = fopen(f, "wb");
                snprintf(f, sizeof f, "%s.cmark", dump);
                FILE *o2 = fopen(f, "wb");
                snprintf(f, sizeof f, "%s.md", dump);
                FILE *o3 = fopen(f, "wb");
                if (o1 && o2 && o3) {
                    fwrite(a.html, 1, a.html_len, o1);
                    fwrite(b.html, 1, b.html_len, o2);
                    fwrite(src, 1, n, o3);
                }
                if (o1)
                    fclose(o1);
                if (o2)
                    fclose(o2);
                if (o3)
                    fclose(o3);
            }
        }
    }
    if (ra == 0)
        sl__md_page_free(&a);
    if (rb == 0)
        sl__md_page_free(&b);
    return same;
}

/* The page in all 16 option sets: how many differ. */
static size_t differing_sets(const char *src, size_t n, const char *label)
{
    size_t bad = 0;
    for (int m = 0; m < 16; m++) {
        sl__md_opts o = {.commonmark = m & 1, .unsafe_html = m >> 1 & 1, .xhtml = m >> 2 & 1,
                         .no_heading_ids = m >> 3 & 1};
        bad += !same_page(src, n, o, label);
    }
    return bad;
}

static size_t pages_seen, pages_differing;

static int one_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || st->st_size > (64 << 20))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *s = malloc((size_t)st->st_size + 1);
    size_t n = s ? fread(s, 1, (size_t)st->st_size, f) : 0;
    fclose(f);
    if (s) {
        pages_seen++;
        pages_differing += differing_sets(s, n, path) > 0;
    }
    free(s);
    return 0;
}

SL_TEST(md_own_renders_every_corpus_page_as_the_cmark_path)
{
    static const char *const dirs[] = {"corpus", "yaml", "gfm", "mdx"};
    pages_seen = pages_differing = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char d[4096];
        snprintf(d, sizeof d, "%s/%s", MD_SOURCE_DIR, dirs[i]);
        CHECK(nftw(d, one_file, 16, FTW_PHYS) == 0);
    }
    CHECK(pages_seen > 600);
    const char *more = getenv("MD_OWN_DIFF_DIRS");
    if (more && *more) {
        char *copy = strdup(more), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
            CHECK(nftw(d, one_file, 16, FTW_PHYS) == 0);
        free(copy);
    }
    fprintf(stderr, "%zu pages x 16 option sets: %zu pages differ\n", pages_seen, pages_differing);
    CHECK(pages_differing == 0);
}

/* Pieces of pages: what each option changes (raw HTML of every kind, in
 * headings too; URLs safe mode empties; the tag filter's tags; headings
 * and their ids; tasks, tables, autolinks), and bytes the page is
 * cleaned of (NUL, bad UTF-8, a BOM, CR). */
typedef struct piece {
    const char *s;
    size_t n;
} piece;
#define P(lit) {"" lit, sizeof(lit) - 1}
static const piece pieces[] = {
    P("# Title"), P("## Title"), P("# Title"), P("### Title <!-- omit in toc -->"),
    P("## Usage <a name=\"u\"></a>"), P("# a <script> b"), P("#"), P("## ##"), P("Setext\n==="), P("Other\n---"),
    P("# h &amp; `code` *em* [l](/x)"), P("# <b>bold</b> and <br/>"), P("## ![img <b>x</b>](/i.png \"t\")"),
    P("# [link](javascript:alert(1))"), P("[x](javascript:alert(1))"), P("[x](JaVaScRiPt:alert(1))"),
    P("[x](jav&#x61;script:x)"), P("[x](java%09script:x)"), P("[x]( \"java\tscript:y\")"),
    P("<javascript:alert(1)>"), P("![i](data:image/png;base64,AA)"), P("![i](data:text/html,x)"),
    P("[v](vbscript:x) [f](file:///etc/passwd)"), P("[r]: javascript:x\n\n[r] and [s][r]"),
    P("<div>\n<script>alert(1)</script>\n</div>"), P("<script>\nx<y\n</script>"), P("<style>p{}</style>"),
    P("<textarea>t</textarea> <xmp>x</xmp>"), P("a <iframe src=x> b <noembed> <plaintext> c"),
    P("<!-- <style> -->"), P("<div title=\"<script>\">"), P("<?php echo 1; ?>"), P("<![CDATA[ x ]]>"),
    P("<!DOCTYPE html>"), P("text <span\ntitle=\"t\">s</span> more"), P("a <b>b</b> c"), P("<TITLE>x</TITLE>"),
    P("</script>"), P("- [ ] todo\n- [x] done\n- [X] Done"), P("1. [ ] one\n\n   two"), P("* a\n  * [ ] b"),
    P("- [ ]\n- [x]"), P("| a | b |\n| --- | :-: |\n| c | <script> |\n| d |"), P("|x|\n|-|\n|`|`|"),
    P("a | b\n--|--\n1 | 2 | 3"), P("www.example.com/a?b=c."), P("https://x.org/(a)b) and http://y"),
    P("me@example.com mailto:a@b.co"), P("~~strike~~ ~one~ ~~~three~~~"),
    P("*em* **strong** ***both*** _u_ __uu__"), P("line  \nbreak\\\nhard"), P("```js\ncode <b>\n\tx\n```"),
    P("    indented\n\tcode"), P("> quote\n> # heading\n>\n> <div>"), P("> - [ ] in quote"), P("\tTab\tin\ttext"),
    P("a\rb\r\nc\n"), P("nul \0 byte"), P("bad \xff\xfe utf8 \xc3"), P("&#0; &#xD800; &nbsp; &copy; &bogus;"),
    P("[a][b]\n\n[b]: /u \"T\""), P("![a ![b](c)](d)"), P("<a href=\"x\">"), P("`<script>`"), P("\\<script> \\# h"),
    P("Heading\n"), P(""), P("---\ntitle: x\n---"), P("---\nbad: [\n---"),
};
#undef P

SL_TEST(md_own_renders_generated_pages_as_the_cmark_path)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    size_t npieces = sizeof pieces / sizeof pieces[0], bad = 0, pages = SL_TEST_SCALE(1500);
    char *page = malloc(1 << 16);
    CHECK(page != NULL);
    for (size_t k = 0; k < pages; k++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x % 7 == 0) {
            memcpy(page, "\xEF\xBB\xBF", 3);
            n = 3;
        }
        if (x % 5 == 0) {
            static const char fm[] = "---\ntitle: T\ntags: [a, b]\n---\n";
            memcpy(page + n, fm, sizeof fm - 1);
            n += sizeof fm - 1;
        }
        int count = 1 + (int)(x >> 8) % 10;
        for (int i = 0; i < count; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *p = pieces[x % npieces].s;
            size_t l = pieces[x % npieces].n;
            static const char *const seps[] = {"\n", "\n\n", " ", "\n> ", "\n- ", "\n  "};
            const char *sep = seps[(x >> 20) % 6];
            memcpy(page + n, p, l);
            n += l;
            memcpy(page + n, sep, strlen(sep));
            n += strlen(sep);
        }
        char label[64];
        snprintf(label, sizeof label, "generated page %zu", k);
        size_t d = differing_sets(page, n, label);
        if (d)
            fprintf(stderr, "page:\n%.*s\n----\n", (int)n, page);
        bad += d > 0;
    }
    free(page);
    CHECK(bad == 0);
}

/* CPU seconds to render src with sluice's own renderer in both modes. */
static double own_seconds(const char *src, size_t n, size_t *html_len)
{
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (int unsafe = 0; unsafe < 2; unsafe++) {
        sl__md_opts o = {.unsafe_html = unsafe, .renderer = SL__MD_OWN};
        sl__md_page p;
        char err[256];
        CHECK(sl__md_render(src, n, &o, &p, err, sizeof err) == 0);
        *html_len = p.html_len;
        sl__md_page_free(&p);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* `count` copies of `unit`, between `head` and `tail` copies of `close`. */
static char *repeat(const char *head, const char *unit, size_t count, const char *close, size_t *n)
{
    size_t hl = strlen(head), ul = strlen(unit), cl = strlen(close);
    char *s = malloc(hl + count * (ul + cl) + 1), *w = s;
    CHECK(s != NULL);
    memcpy(w, head, hl);
    w += hl;
    for (size_t i = 0; i < count; i++, w += ul)
        memcpy(w, unit, ul);
    for (size_t i = 0; i < count; i++, w += cl)
        memcpy(w, close, cl);
    *w = 0;
    *n = (size_t)(w - s);
    return s;
}

/* The shapes cmark-gfm (cmark_slow.c) or md4c take time growing with the
 * square of on, and nesting of every inline kind, 50,000 deep or long:
 * each renders in time that grows with the page.  Quadratic, any of them
 * would take minutes (50,000^2 steps); linear, milliseconds. */
SL_TEST(md_own_renders_hostile_shapes_in_linear_time)
{
    static const struct { const char *head, *unit, *close; } shapes[] = {
        {"", "[", "](u)"},             /* nested links */
        {"", "![[]()", ""},            /* brackets deactivated by each link (cmark_slow.c) */
        {"[x]: /u\n\n", "*a* [x]\n", ""}, /* emphasis before each link of one paragraph */
        {"", "[", ""},                 /* unclosed brackets */
        {"", "[a](", ""},              /* unclosed destinations */
        {"", "*", "*"},                /* nested emphasis */
        {"", "*a _b ", ""},            /* openers never closed */
        {"", "**a", ""},
        {"", "_a*", ""},
        {"", "~~a", "~~"},
        {"", "<![CDATA[", ""},         /* each scanned to the paragraph's end in cmark-gfm */
        {"", "<a ", ""},
        {"", "<!--", ""},
        {"", "`a", ""},                /* backtick runs never closed */
        {"", "a`", "``"},
        {"", "www.a.b ", ""},
        {"", "a@b.c ", ""},
        {"", "http://a.b/(", ""},
        {"", "&#", ""},
        {"", "\\", ""},
        {"", "> ", "x"},               /* nested quotes */
        {"", "- ", "x"},               /* nested lists */
        {"| a |\n| - |\n", "|", ""},   /* a row of 50,000 cells (cmark-gfm walks its list per cell) */
        {"[x]\n\n", "[x]: /u\n", ""}, /* definitions (and a reference to them: some output) */
        {"", "[x]", ""},               /* references */
        {"# ", "a ", ""},              /* a heading of 50,000 words */
        {"", "# h\n", ""},             /* 50,000 headings of one text: ids h-1 ... */
    };
    const size_t count = 50000;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        size_t n, out;
        char *s = repeat(shapes[i].head, shapes[i].unit, count, shapes[i].close, &n);
        double t = own_seconds(s, n, &out);
        if (t > (SL_TEST_SANITIZED ? 20.0 : 2.0))
            fprintf(stderr, "shape %zu (%s%s...%s): %.2f s\n", i, shapes[i].head, shapes[i].unit, shapes[i].close, t);
        CHECK(t < (SL_TEST_SANITIZED ? 20.0 : 2.0));
        CHECK(out > 0);
        free(s);
    }
}

/* Tables of 10,000 columns and of 10,000 rows, and rows far wider than
 * their header. */
SL_TEST(md_own_renders_huge_tables_in_linear_time)
{
    const size_t cols = 10000, rows = 10000;
    size_t cap = (size_t)16 << 20, n = 0, out;
    char *s = malloc(cap);
    CHECK(s != NULL);
    for (int line = 0; line < 3; line++) { /* 10,000 columns, three rows */
        for (size_t c = 0; c < cols; c++)
            n += (size_t)sprintf(s + n, line == 1 ? "|---" : "| c%zu ", c);
        s[n++] = '\n';
    }
    for (size_t r = 0; r < 100; r++) { /* body rows of 10,000 cells */
        for (size_t c = 0; c < cols; c++)
            n += (size_t)sprintf(s + n, "|%zu", r);
        s[n++] = '\n';
    }
    s[n++] = '\n';
    n += (size_t)sprintf(s + n, "| a | b | c |\n|---|:-:|--:|\n");
    for (size_t r = 0; r < rows; r++) /* 10,000 rows */
        n += (size_t)sprintf(s + n, "| %zu | *x* | `y` |\n", r);
    for (size_t r = 0; r < 100; r++) { /* rows far wider than their header */
        memset(s + n, '|', 10000);
        n += 10000;
        s[n++] = '\n';
    }
    CHECK(n < cap);
    double t = own_seconds(s, n, &out);
    if (t > (SL_TEST_SANITIZED ? 30.0 : 3.0))
        fprintf(stderr, "tables: %.2f s\n", t);
    CHECK(t < (SL_TEST_SANITIZED ? 30.0 : 3.0));
    CHECK(out > n);
    free(s);
}
