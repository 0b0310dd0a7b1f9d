/*
 * gfm_own_test.c - tools/md/gfm, sluice's own GFM renderer (not used by
 * `sluice md` yet), against libcmark-gfm byte for byte, in both dialects
 * and both safety modes: the pages it once rendered otherwise, the GFM
 * extension cases (tests/md/gfm/cases.txt), generated inline and block
 * pages, and pages built to be slow.
 */
#include <cmark-gfm.h>
#include <cmark-gfm/buffer.h>
#include <cmark-gfm/utf8.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "gfm.h"
#include "gfm_ref.h"
#include "gfm_scan.h"
#include "gfm_unicode.inc" /* the tables gfm_inline.c looks code points up in */

/* every dialect and mode; the number of them that differ */
static int differs(sl_gfm *g, const char *s, size_t n)
{
    int bad = 0;
    for (int cm = 0; cm < 2; cm++)
        for (int safe = 0; safe < 2; safe++)
            bad += !sl_gfm_ref_same(g, s, n, cm, safe, bad == 0);
    return bad;
}

SL_TEST(md_gfm_own_renders_what_it_once_got_wrong_as_cmark_gfm)
{
    static const char *const pages[] = {
        /* a text run holding an '@' merged for the e-mail pass kept the
         * nodes after it (a link, here) */
        "x (@user) [#1](http://x/1) after\n",
        "deps: node-gyp@3.0.3 in npm (Kat) [#2822](https://github.com/nodejs/node/pull/2822)\n",
        /* e-mail autolinks: a slash before is no bar, mailto: and xmpp:
         * stay in the url, a second '@' restarts */
        "path/to/user@example.com\n",
        "mailto:a@b.com irc://example.com file://x/y\n",
        "xmpp:foo@bar.com/baz and .mailto:a@b.c and amailto:a@b.c and 1mailto:a@b.c\n",
        "a@b@example.com q@w.e@r.t a@b.c@ a@@b.c xmpp:a@b.c/d@e.f mailto:@b.c\n",
        /* an '@' that makes no address moves the search one past it */
        "__@mailto:a@b.co\n", "x@mailto:a@b.c\n",
        /* after an address, the text before is out of the protocol check */
        "a@b.co---mailto:a@b.co-mailto:x\n",
        /* addresses in a link's text after a link inside it are linked */
        "1. |[&bogus;<http://a.b>x a@b.co y](t) c@d.ef\n", "[<http://a.b> a@b.co *c@d.ef*](t)\n",
        /* task items checked with an upper-case X */
        "- [ ] todo\n- [x] done\n- [X] also done\n",
        /* autolinks inside brackets: any link bracket keeps them out, an
         * image bracket only until a link forms */
        "![[a](b) http://c.d\n", "[a [b](c) http://c.d\n", "![x ![a [b](c)] http://e.f\n",
        "[x ![a [b](c)] http://e.f\n", "![x [b](c) ![y http://e.f\n", "![a ![b](c) http://c.d\n",
        "![[a](b) http://c.d](e)\n",
        /* a byte that is no UTF-8 character ends what cmark-gfm's re2c
         * classes match: a table row, a fence's info, an HTML block's end
         * line, a title, an attribute value, a comment, an autolink */
        "| a | b |\n|---|---|\n| e | f )) [c](x) [d](y\xbd)\n", "| a\xed\xa0\x80 | b |\n|-|-|\n",
        "```a\xbd\nx\n```\n", "<!-- a\xbd -->\nx\n", "[a](b \"t\xbdt\")\n", "x <a title=\"\xbd\"> y\n",
        "<a title=\"\xbd\">\n", "x <a b=c\xbd> y\n", "x <!-- a\xbd --> y\n", "x <![CDATA[\xff]]> y\n",
        "<http://a\xbd>\n", "1\xc3\xa9 [ ] x\n", "12\xbd [ ] x\n",
        /* cmark_isspace is space, tab, LF and CR: VT and FF are text to
         * trims, list markers, destinations and autolinks (the scanners'
         * spacechar has them) */
        "www.ex.com:http://x.y\x0bz\n", "-\x0bx\n", "# a \x0b#\n", "| a\x0b | b |\n|-|-|\n| x\x0c | y |\n",
        "```\x0ba\x0b\n```\n", "[a](\x0bb\x0b)\n", "[\x0ba\x0b]: /u\n\n[a]\n", "a\x0b\nb\n",
        /* a '?' in a processing instruction, a ']' in CDATA, takes the
         * character after it along: "??>" and "]]]>" end nothing */
        "x <?p ?\?> y\n", "x <?a?\?>b?> y\n", "x <![CDATA[]]]> y\n", "x <![CDATA[a]]]>]]> y\n",
        /* pages with no leaf text at all */
        ">", "-", "", "\n\n", "> -\n>", "---",
        /* "<![CDATA[" in any case, as block start and inline */
        "x <![cdata[a]]> y\n", "<![CdATA[\na\n]]>\n",
        /* a code span of line ends and spaces only keeps them all (a lazy
         * line keeps its leading spaces) */
        "> a `\n `b\n", "> a ``\n  ``b\n", "> `\n `\n",
        /* a definition whose title line goes on after the title ends
         * before that line, and keeps the title */
        "[a]: http://x.y\n(t)<a@b.c>?\n\n[a]\n", "[b]: /u\n\"t\" x\n[b]\n",
        /* a line whose first non-space (VT and FF are none) is VT or FF
         * may still start a block: a delimiter row (its spaces are
         * [ \t\v\f]), a task item's mark read from the line's start
         * (fuzz_md_own, once block starts were looked for only after the
         * bytes that begin one) */
        "a\n\x0b---\nb\n", "| a | b |\n\x0c|-|-|\n", "a\n\x0b|---|\n", "- x\n  \x0b- [ ] y\n", "- \x0b[x] y\n",
        /* punctuation and case folds as cmark-gfm's utf8proc has them, not
         * as Unicode 14 does (fuzz_md_own): U+061D is no punctuation to it,
         * so a host character; U+166D and U+2E43 flank emphasis otherwise;
         * U+1C90 folds to nothing else */
        "http://\xd8\x9d\xef\xbf\xbd a\n", "http://\xd8\x9dx.y www.\xd8\x9dx.y\n", "a\xd8\x9d_b_\xd8\x9d c\n",
        "a\xe1\x99\xad_b_\xe1\x99\xad c\n", "a\xe2\xb9\x83*b*\xe2\xb9\x83 _c_\xe2\xb9\x83\n",
        "[\xe1\xb2\x90]: /u\n\n[\xe1\x83\x90] [\xe1\xb2\x90]\n", "[\xe1\x83\x90]: /v\n\n[\xe1\xb2\x90]\n",
    };
    sl_gfm *g = sl_gfm_new();
    int bad = 0;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        bad += differs(g, pages[i], strlen(pages[i]));
    CHECK_EQ(bad, 0);
    /* cmark-gfm 0.29.0.gfm.6 takes runs of at most 80 backticks for code
     * spans: a longer run opens none and closes none (fuzz_md_own) */
    static const size_t runs[] = {79, 80, 81, 114, 1000, 1001};
    char *ticks = malloc(4096);
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        size_t r = runs[i], m = 0;
        static const char *const mids[] = {"x`x", "x\n", "x``y"};
        for (size_t k = 0; k < 3; k++) {
            m = 0;
            ticks[m++] = 'a';
            memset(ticks + m, '`', r);
            m += r;
            m += (size_t)sprintf(ticks + m, "%s", mids[k]);
            memset(ticks + m, '`', r);
            m += r;
            m += (size_t)sprintf(ticks + m, " `b`\n");
            bad += differs(g, ticks, m);
        }
    }
    free(ticks);
    CHECK_EQ(bad, 0);
    /* 1001 '@' of a text run are looked at, no more */
    char *big = malloc(16 * 1024);
    size_t n = 0;
    for (int i = 0; i < 1001; i++)
        n += (size_t)sprintf(big + n, "x@ ");
    n += (size_t)sprintf(big + n, "a@b.c\n");
    CHECK_EQ(differs(g, big, n), 0);
    n = 0;
    for (int i = 0; i < 1500; i++)
        n += (size_t)sprintf(big + n, "a@b.c ");
    CHECK_EQ(differs(g, big, n), 0);
    free(big);
    sl_gfm_free(g);
}

/* gfm_unicode.inc's classes against libcmark-gfm 0.29.0.gfm.6's own
 * functions, for every code point past ASCII: its punctuation (emphasis
 * flanking, autolinks' host characters) and case folds (link labels) are
 * an older Unicode's than Python's, which the tables once came from. */
static bool in_punct_table(uint32_t c)
{
    for (size_t i = 0; i < GFM_NUM_PUNCT; i++)
        if (c >= gfm_punct[i][0] && c <= gfm_punct[i][1])
            return true;
    return false;
}

SL_TEST(md_gfm_own_unicode_classes_are_cmark_gfms)
{
    cmark_strbuf b;
    cmark_strbuf_init(cmark_get_default_mem_allocator(), &b, 0);
    size_t punct_bad = 0, fold_bad = 0, f = 0, folds = 0;
    for (uint32_t c = 0x80; c < 0x110000; c++) {
        if (c >= 0xD800 && c < 0xE000)
            continue;
        bool theirs = cmark_utf8proc_is_punctuation((int32_t)c) != 0;
        if (in_punct_table(c) != theirs && punct_bad++ < 5)
            fprintf(stderr, "U+%04X: punctuation to cmark-gfm %d, to ours %d\n", (unsigned)c, theirs, !theirs);
        uint8_t u[4];
        size_t ul = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        for (size_t k = ul - 1; k > 0; k--)
            u[k] = (uint8_t)(0x80 | (c >> (6 * (ul - 1 - k)) & 0x3F));
        u[0] = (uint8_t)((ul == 2 ? 0xC0 : ul == 3 ? 0xE0 : 0xF0) | c >> (6 * (ul - 1)));
        cmark_strbuf_clear(&b);
        cmark_utf8proc_case_fold(&b, u, (bufsize_t)ul);
        bool folds_to_other = (size_t)b.size != ul || memcmp(b.ptr, u, ul) != 0;
        folds += folds_to_other;
        while (f < GFM_NUM_FOLDS && gfm_fold_cp[f] < c)
            f++;
        bool ours = f < GFM_NUM_FOLDS && gfm_fold_cp[f] == c;
        size_t ol = ours ? (size_t)(gfm_fold_off[f + 1] - gfm_fold_off[f]) : 0;
        bool same = ours == folds_to_other && (!ours || (ol == (size_t)b.size && !memcmp(gfm_fold_utf8 + gfm_fold_off[f], b.ptr, ol)));
        if (!same && fold_bad++ < 5)
            fprintf(stderr, "U+%04X: folds otherwise than in cmark-gfm\n", (unsigned)c);
    }
    cmark_strbuf_free(&b);
    fprintf(stderr, "%zu folds; %zu punctuation and %zu folds differ\n", folds, punct_bad, fold_bad);
    CHECK(folds > 1000);
    CHECK_EQ(punct_bad, 0);
    CHECK_EQ(fold_bad, 0);
}

/* gfm_scan.h's 16-byte scans stop where their byte tables (the scalar
 * loops') say, for every byte value at every offset of a block and of
 * the short tail after it: the SIMD masks test ranges and bit tricks,
 * not the bytes one by one. */
SL_TEST(md_gfm_own_scans_stop_where_their_tables_say)
{
    uint8_t buf[48];
    size_t bad = 0;
    for (size_t n = 40; n <= sizeof buf; n += 8) /* 40: a tail of 8 after two blocks */
    for (int b = 0; b < 256; b++)
        for (size_t k = 0; k < n; k++) {
            memset(buf, 'a', sizeof buf);
            buf[k] = (uint8_t)b;
            bool url_stop = b <= ' ' || b == '\\' || b == '(' || b == ')' || b == '&';
            size_t html = gfm_scan_html(buf, 0, n), href = gfm_scan_href(buf, 0, n), url = gfm_scan_url(buf, 0, n);
            if (html != (gfm_html_esc[b] ? k : n) || href != (gfm_href_safe[b] ? n : k) || url != (url_stop ? k : n)) {
                if (bad++ < 5)
                    fprintf(stderr, "byte 0x%02X at %zu of %zu: html %zu href %zu url %zu\n", (unsigned)b, k, n, html, href, url);
            }
        }
    CHECK_EQ(bad, 0);
}

/* tests/md/gfm/cases.txt: "=== NAME [safe]" then the page; arrows are tabs */
SL_TEST(md_gfm_own_renders_the_gfm_cases_as_cmark_gfm)
{
    char *text = sl_test_slurp(SLUICE_SOURCE_DIR "/tests/md/gfm/cases.txt");
    CHECK(text != NULL);
    if (!text)
        return;
    sl_gfm *g = sl_gfm_new();
    size_t cap = strlen(text) + 1, n = 0, cases = 0;
    char *page = malloc(cap);
    int bad = 0;
    bool in_case = false;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        size_t len = next ? (size_t)(next - line) : strlen(line);
        if (next)
            next++;
        if (len >= 4 && strncmp(line, "=== ", 4) == 0) {
            if (in_case) {
                bad += differs(g, page, n);
                cases++;
            }
            in_case = true;
            n = 0;
            continue;
        }
        if (!in_case)
            continue;
        if (n)
            page[n++] = '\n';
        for (size_t i = 0; i < len; i++) {
            if (i + 2 < len && (unsigned char)line[i] == 0xE2 && (unsigned char)line[i + 1] == 0x86 &&
                (unsigned char)line[i + 2] == 0x92) {
                page[n++] = '\t';
                i += 2;
            } else {
                page[n++] = line[i];
            }
        }
    }
    if (in_case) {
        bad += differs(g, page, n);
        cases++;
    }
    fprintf(stderr, "%zu GFM cases\n", cases);
    CHECK(cases > 80);
    CHECK_EQ(bad, 0);
    free(page);
    free(text);
    sl_gfm_free(g);
}

static size_t pick(size_t n)
{
    return (size_t)(sl_test_rand() % n);
}

static size_t append(char *page, size_t n, size_t cap, const char *s)
{
    size_t l = strlen(s);
    if (n + l >= cap)
        return n;
    memcpy(page + n, s, l);
    return n + l;
}

/* Generated pages, each against cmark-gfm in every mode: SL_TEST_SCALE(3000)
 * of them from `make`, which writes one into page (cap bytes) and returns
 * its length. */
static void generated_pages_render_as_cmark_gfm(size_t (*make)(char *page, size_t cap))
{
    sl_gfm *g = sl_gfm_new();
    size_t pages = SL_TEST_SCALE(3000);
    int bad = 0;
    char page[2048];
    for (size_t k = 0; k < pages && bad == 0; k++)
        bad += differs(g, page, make(page, sizeof page));
    CHECK_EQ(bad, 0);
    sl_gfm_free(g);
}

/* pages of inline pieces: emphasis, brackets, autolinks, entities */
static const char *const atoms[] = {
    "*", "**", "_", "__", "~", "~~", "`", "``", "[", "]", "(", ")", "![", "<", ">", "&amp;", "&#35;", "&bogus;",
    "\\", "\\*", "a", "b", "foo", " ", "  ", "\t", "\n", "\n\n", "- ", "* ", "1. ", "> ", "# ", "```", "    ",
    "|", " | ", "|---|", ":", "http://x.y", "https://a.b/c?d=e.", "www.ex.com", "www.a_b.c", "a@b.co", "mailto:",
    "xmpp:", "<span a=\"b\">", "<!-- c -->", "<?p ?>", "<![CDATA[x]]>", "[x]: /u \"t\"", "[x]", "[X][]", "[ ]",
    "\"", "'", "(t)", "-", "---", ".", ";", "!", "\xc3\xa9", "\xc2\xa0", "\xe2\x80\x9c", "\r\n", "\r",
    "<http://a.b>", "<a@b.c>", "(www.x.org)", "ftp://f.g", "HTTP://U.V", "***", "~~~~", "\\|", "<title>", "@",
};

static size_t inline_page(char *page, size_t cap)
{
    size_t n = 0, parts = 1 + pick(40);
    for (size_t i = 0; i < parts; i++)
        n = append(page, n, cap, atoms[pick(sizeof atoms / sizeof atoms[0])]);
    return n;
}

SL_TEST(md_gfm_own_renders_generated_inline_pages_as_cmark_gfm)
{
    generated_pages_render_as_cmark_gfm(inline_page);
}

/* pages of lines under container prefixes: lists, quotes, code, tables,
 * HTML blocks, definitions */
static const char *const prefixes[] = {"", "", "", " ", "  ", "   ", "    ", "\t", " \t", "> ", ">", "> > ",
                                       "- ", "* ", "+ ", "1. ", "2) ", "10. ", "-\t", "- [ ] ", "- [x] ",
                                       "* [X] ", "  - ", "    - ", ">  - ", "- > "};
static const char *const bodies[] = {
    "foo", "bar *baz*", "", "", "```", "```js", "~~~", "    code", "# h", "### h ###", "#5 no", "---", "***",
    "___", "===", "- - -", "<div>", "</div>", "<!-- x", "-->", "<pre>", "</pre>", "<script>", "</script>",
    "<?x", "?>", "<!X", "<![CDATA[", "]]>", "<a href=\"x\">", "<custom-tag>", "| a | b |", "|---|---|", "a | b",
    "--|--", "| :-- | --: |", "|x|", "| a \\| b |", "[r]: /url", "[r]: /url \"title\"", "[r]:", "  /u", "[r]",
    "text [r] more", "line  ", "line\\", "www.example.com/path?q=1", "foo@bar.example", "http://a.b/c)",
    "**bold**", "~~del~~", "`code`", "    ", "\t\tx", "1.", "-", "*", ">"};
static const char *const ends[] = {"\n", "\r\n", "\r"};

static size_t block_page(char *page, size_t cap)
{
    size_t n = 0, lines = 1 + pick(14);
    const char *end = ends[pick(3)];
    for (size_t i = 0; i < lines; i++) {
        for (size_t p = pick(3); p > 0; p--)
            n = append(page, n, cap, prefixes[pick(sizeof prefixes / sizeof prefixes[0])]);
        n = append(page, n, cap, bodies[pick(sizeof bodies / sizeof bodies[0])]);
        if (i + 1 < lines || pick(2))
            n = append(page, n, cap, end);
    }
    return n;
}

SL_TEST(md_gfm_own_renders_generated_block_pages_as_cmark_gfm)
{
    generated_pages_render_as_cmark_gfm(block_page);
}

/* lines of inline pieces under container and block prefixes */
static size_t mixed_page(char *page, size_t cap)
{
    static const char *const starts[] = {"",    "",   "",   " ",    "  ",   "    ", "\t",  "> ",      ">",
                                         "- ",  "* ", "1. ", "2) ", "- [ ] ", "  - ", "| ", "|",       "```",
                                         "~~~ ", "<div>", "#",  "## ", "[a]: "};
    size_t n = 0, lines = 1 + pick(10);
    for (size_t i = 0; i < lines; i++) {
        for (size_t p = pick(3); p > 0; p--)
            n = append(page, n, cap, starts[pick(sizeof starts / sizeof starts[0])]);
        for (size_t k = pick(9); k > 0; k--)
            n = append(page, n, cap, atoms[pick(sizeof atoms / sizeof atoms[0])]);
        if (i + 1 < lines)
            n = append(page, n, cap, "\n");
    }
    return n;
}

SL_TEST(md_gfm_own_renders_generated_mixed_pages_as_cmark_gfm)
{
    generated_pages_render_as_cmark_gfm(mixed_page);
}

static double cpu_seconds(sl_gfm *g, const char *s, size_t n)
{
    clock_t t = clock();
    size_t len;
    CHECK(sl_gfm_render(g, s, n, SL_GFM_GITHUB | SL_GFM_UNSAFE, &len) != NULL);
    return (double)(clock() - t) / CLOCKS_PER_SEC;
}

/* Pages that are slow to someone: each at 20,000 and 80,000 repeats must
 * not take more than 8 times as long for 4 times the size (linear, with
 * room for noise); a piece of each renders as cmark-gfm renders it. */
SL_TEST(md_gfm_own_takes_linear_time_on_hostile_pages)
{
    static const char *const units[] = {"[",   "![",    "[a](b", "*a ",  "*a_ ",   "**a ",    "_a* ",
                                        "a@",  "a@b.",  "www.a ", "[ http://a.b ", "<!--", "<a ",
                                        "&amp;", "~a ", "> ",    "`` ` ", "[a]",  "[a](<b", "[a](b \"",
                                        "<a@", "a_b@c.d_", "[a][b", "![a](b", "[a]: <b", "|a"};
    sl_gfm *g = sl_gfm_new();
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        double t[2];
        for (int k = 0; k < 2; k++) {
            size_t reps = k ? 80000 : 20000, l = strlen(units[u]), n = 0;
            char *s = malloc(reps * l + 1);
            for (size_t i = 0; i < reps; i++, n += l)
                memcpy(s + n, units[u], l);
            if (units[u][0] == '|') { /* a table as wide as the repeats */
                s[n++] = '\n';
                s = realloc(s, 2 * n + 2);
                for (size_t i = 0; i < reps; i++, n += 2)
                    memcpy(s + n, "|-", 2);
            }
            cpu_seconds(g, s, n); /* the arena grown, then timed */
            t[k] = cpu_seconds(g, s, n);
            if (k == 0) /* cmark-gfm is slow on some: a 2,000-repeat prefix */
                CHECK_EQ(differs(g, s, n < 2000 * l ? n : 2000 * l), 0);
            free(s);
        }
        fprintf(stderr, "%-16s %.4f s, 4x: %.4f s\n", units[u], t[0], t[1]);
        CHECK(t[1] < 8 * t[0] + 0.05);
    }
    sl_gfm_free(g);
}

/* A renderer that met one huge page keeps little of it: the sidecar's
 * threads live long, and a 30 MB page (with 100,000 definitions) held
 * its arena, buffers and definition table until the thread ended. */
SL_TEST(md_gfm_own_gives_back_a_huge_pages_memory)
{
    sl_gfm *g = sl_gfm_new();
    size_t n = 0, cap = (size_t)32 << 20;
    char *s = malloc(cap);
    CHECK(s != NULL);
    for (int i = 0; i < 100000; i++)
        n += (size_t)sprintf(s + n, "[d%d]: /u%d\n", i, i);
    s[n++] = '\n';
    while (n + 64 < cap - (1 << 20))
        n += (size_t)sprintf(s + n, "*a* [d%zu] b `c` <x>\n\n", n % 100000);
    size_t out;
    CHECK(sl_gfm_render(g, s, n, SL_GFM_GITHUB, &out) != NULL);
    CHECK(out > n);
    CHECK(sl_gfm_held(g) > n); /* the page's memory, while its HTML is valid */
    for (int i = 0; i < 2; i++) /* the next page may use it; the one after a small page does not */
        CHECK(sl_gfm_render(g, "a *b*\n", 7, SL_GFM_GITHUB, &out) != NULL);
    fprintf(stderr, "a huge page of %zu bytes, then two small ones: %zu bytes held\n", n, sl_gfm_held(g));
    CHECK(sl_gfm_held(g) < ((size_t)24 << 20));
    /* pages each asking a little more than the last hold no more */
    size_t most = 0;
    for (size_t k = 1; k <= 40; k++) {
        size_t m = k * 100000;
        memset(s, 'a', m);
        for (size_t i = 80; i < m; i += 81)
            s[i] = '\n';
        CHECK(sl_gfm_render(g, s, m, SL_GFM_GITHUB, &out) != NULL);
        if (sl_gfm_held(g) > most)
            most = sl_gfm_held(g);
    }
    for (int i = 0; i < 2; i++)
        CHECK(sl_gfm_render(g, "a\n", 2, SL_GFM_GITHUB, &out) != NULL);
    CHECK(sl_gfm_held(g) < ((size_t)24 << 20));
    free(s);
    sl_gfm_free(g);
}
