/*
 * route_test.c - md4c and cmark-gfm on the same pages, in process: where
 * md4c's output is put right (md4c_fix.c) it must equal cmark-gfm's, and
 * every generated page on which the two still differ must be one that
 * gfm_route.c sends to cmark-gfm.
 */
#include <cmark-gfm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "md.h"
#include "md_libs.h"

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

/* A fixed-seed generator: the generated pages are the same on every run. */
static uint64_t seed = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static const char *pick(const char *const *v, size_t n)
{
    return v[next_rand() % n];
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
        size_t len = (size_t)snprintf(md, sizeof md, "%s```%s\n", item, next_rand() % 2 ? "js" : "");
        size_t lines = 1 + next_rand() % 4;
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

/* Layout-only differences dropped: blanks before a line end, line ends,
 * `<br />` for `<br>`, heading ids. */
static char *light(const char *h)
{
    size_t n = strlen(h), o = 0;
    char *r = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (h[i] == ' ' || h[i] == '\t') {
            size_t k = i;
            while (k < n && (h[k] == ' ' || h[k] == '\t'))
                k++;
            if (k < n && h[k] == '\n') {
                i = k - 1;
                continue;
            }
        }
        if (h[i] == '\n')
            continue;
        if (!strncmp(h + i, " />", 3)) {
            r[o++] = '>';
            i += 2;
            continue;
        }
        if (!strncmp(h + i, " id=\"", 5)) {
            i = (size_t)(strchr(h + i + 5, '"') - h);
            continue;
        }
        r[o++] = h[i];
    }
    r[o] = 0;
    return r;
}

static int same_light(const char *a, const char *b)
{
    char *x = light(a), *y = light(b);
    int same = !strcmp(x, y);
    free(x), free(y);
    return same;
}

/* A page routing keeps on md4c: 1 if it renders as cmark-gfm renders it
 * (a failed check and both outputs on stderr if not).  *cmark, when
 * asked for, gets cmark-gfm's HTML. */
static int kept_renders_as_cmark(const char *md, char **cmark)
{
    char *a = render_with(md, SL__MD_MD4C), *b = render_with(md, SL__MD_CMARK);
    int same = same_light(a, b);
    if (!same) {
        fprintf(stderr, "kept on md4c, renders otherwise:\n%s--- md4c:\n%s--- cmark-gfm:\n%s", md, a, b);
        CHECK(!"a page md4c renders otherwise stays on md4c");
    }
    free(a);
    if (cmark)
        *cmark = b;
    else
        free(b);
    return same;
}

typedef struct route_count {
    size_t pages, differ, core, routed_needlessly;
} route_count;

/* One generated page: where md4c's GFM output differs from cmark-gfm's
 * and their plain CommonMark outputs agree (so the difference is in GFM's
 * extensions, which routing is for), gfm_route.c must send it on. */
static int check_routed(const char *md, route_count *c)
{
    size_t n = strlen(md);
    char *a = render_with(md, SL__MD_MD4C), *b = render_with(md, SL__MD_CMARK);
    int routed = sl__md_gfm_needs_cmark(md, n), ok = 1;
    c->pages++;
    if (!same_light(a, b)) {
        sl__md_opts o = {.commonmark = 1, .unsafe_html = 1, .no_frontmatter = 1, .renderer = SL__MD_ROUTED};
        sl__md_page p;
        char err[256], *core = cmark_markdown_to_html(md, n, CMARK_OPT_UNSAFE);
        CHECK(sl__md_render(md, n, &o, &p, err, sizeof err) == 0);
        if (!same_light(p.html, core))
            c->core++; /* md4c and cmark differ in CommonMark itself: not routing's business */
        else if (c->differ++, !routed) {
            fprintf(stderr, "not routed:\n%s--- md4c:\n%s--- cmark-gfm:\n%s", md, a, b);
            ok = 0;
        }
        sl__md_page_free(&p);
        free(core);
    } else
        c->routed_needlessly += routed;
    free(a), free(b);
    return ok;
}

static void report(const char *what, const route_count *c)
{
    fprintf(stderr, "%s: %zu pages, %zu differ in GFM (all routed), %zu in CommonMark itself, %zu routed needlessly\n",
            what, c->pages, c->differ, c->core, c->routed_needlessly);
    CHECK(c->core * 50 < c->pages); /* the generators stay clear of CommonMark's own differences */
}

static const char *const leads[] = {"", " ", "(", "*", "_", "~", "\"", "'", "<", "[", "x", ":", "/", "`", "|", "=", "+", "**"};
static const char *const links[] = {
    "http://example.com", "https://a.b.org/x/y", "www.example.com", "ftp://f.org/a;b", "http://localhost:3000",
    "https://x.com/~u", "http://x.com/it's", "http://x.com/a_b", "https://x.com/(a)", "https://x.com/a)b",
    "HTTP://x.com", "http://a_b.c.com", "http://x.com/a*b", "www.a.b/c", "www.localhost", "http://1.2.3.4/p",
    "https://x.com/?q=1&r=2", "https://x.com/&amp;", "http://bücher.de", "http://x.com:8080/#f", "xhttp://x.com",
    "a@b.com", "first.last+tag@sub.example.org", "a@b.c1", "x_y@z.com", "mailto:a@b.com", "a.@b.com",
    "a@.b.com", "a@b..com", "a@b.com-x", "a@b@c.com",
    /* an address-like end at a line's end: md4c wrote the line end twice, and the next
     * line's `>` in a quote (advmd F11) */
    "https://unpkg.com/react@18.2.0", "www.x.y/a@b.com", "https://x.y/a@b.c1"};
static const char *const trails[] = {"", "", ".", ",", ")", "))", ";", "'", "\"", ">", "]", "*", "_", "~", "!",
                                     "?", ":", "&amp;", "&copy;", ".)", "...", "-", "/", "`"};
static const char *const follows[] = {"", " text", "x", " and http://b.org", " a@c.org", " ~x~", " [y](/z)", "\nmore", "\n> more"};
static const char *const contexts[] = {"%s", "%s", "[%s](/u)", "[%s]", "[a %s](/u)", "# %s", "- %s", "> %s",
                                       "| %s |\n|---|", "| a |\n|---|\n| %s |", "*%s*", "~~%s~~", "`x` %s",
                                       "a\n%s", "%s\n\nb"};

SL_TEST(md_gfm_route_sends_every_page_with_an_autolink_md4c_reads_otherwise)
{
    route_count c = {0};
    for (size_t k = 0; k < SL_TEST_SCALE(20000); k++) {
        char link[256], md[512];
        snprintf(link, sizeof link, "%s%s%s%s", PICK(leads), PICK(links), PICK(trails), PICK(follows));
        snprintf(md, sizeof md, PICK(contexts), link);
        strcat(md, "\n");
        if (!check_routed(md, &c)) {
            CHECK(!"a page md4c renders otherwise stays on md4c");
            break;
        }
    }
    report("autolinks", &c);
    CHECK(c.differ > c.pages / 10); /* the generator does reach differences */
}

static void collect(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    sl__md_buf_put(ud, t, n);
}

/* 1 if md4c-html itself (GFM) makes a mailto: link on the page. */
static int md4c_html_links_email(const char *md, size_t n)
{
    sl__md_buf out = {0};
    CHECK(sl__md_md4c_html()->md_html(md, (MD_SIZE)n, collect, &out, MD_DIALECT_GITHUB, 0) == 0);
    sl__md_buf_putc(&out, 0);
    int links = strstr(out.data, "mailto:") != NULL;
    sl__md_buf_free(&out);
    return links;
}

/* The autolinks render.c writes as cmark-gfm reads them where md4c reads
 * them otherwise (a URL right after a quote: linked; an e-mail address
 * whose domain ends in a digit, `glob@7.0.3`: text), in every shape
 * around them: what comes before the scheme or the address, bytes md4c
 * or cmark-gfm treat specially inside the URL, trailing punctuation,
 * entities, what follows, and the constructs they sit in.  Every page
 * sluice keeps on md4c (all of sl__md_routes_to_cmark) renders as
 * cmark-gfm does, and many of them are kept. */
SL_TEST(md_urls_after_quotes_and_digit_emails_render_as_cmark_gfm)
{
    static const char *const before[] = {"\"", "'", "\"", "'", "\\\"", "&quot;", "(\"", "*\"", "_\"", "~\"", "[\"",
                                         "=\"", "x\"", "\"\"", "'\"", " \"", "`c` \"", "**\"", "<\"", "\"(", "1\""};
    static const char *const urls[] = {
        "https://registry.npmjs.org/", "http://github.com", "https://a.b.org/x/y", "ftp://f.org/a;b",
        "http://localhost:3000", "https://x.com/~u", "https://x.com/it's", "https://x.com/a_b",
        "https://x.com/(a)", "https://x.com/a)b", "HTTP://x.com", "Https://x.com/p", "http://a_b.c.com",
        "http://x.com/a*b", "https://x.com/?q=1&r=2", "https://x.com/&amp;", "https://x.com/&copy;x",
        "http://bücher.de", "http://x.com:8080/#f", "xhttp://x.com", "http://", "https://\"", "http://.x",
        "https://x.com/a_(www.y.com)", "https://x.com/(www.y.com)", "https://x.com/_www.y.com", "https://x.com/~www.y",
        "https://x.com/(https://y.com)", "https://x.com/a@b.com", "https://u@x.com/", "https://x.com/a>b",
        "https://x.com/a<b", "https://x.com/a\\b", "https://x.com/a`b`", "https://x.com/a|b", "https://x.com/\"q\"",
        "https://x.com/a]b", "https://x.com/a[b", "https://x.com/a~b~", "https://x.com/a__b__", "https://x-y.z9.com/A-Z",
        "https://www.example.com/path", "www.example.com", "https://1.2.3.4/p", "https://x.com/a.b.c."};
    static const char *const emails[] = {"glob@7.0.3", "a@b.c1", "x.y+z@1.2", "pkg@10.0.1", "a@1.2-3", "a@1.2_3",
                                         "a@b.com", "a@1.2+b@c.com", "a@1.2@c.org", "first.last@sub.ex4mple.org9",
                                         "a-b@c-d.e-f1", "a@b1.c2.d3"};
    static const char *const email_before[] = {"", " ", "(", "\"", "'", "*", "_", "~", "<", "[", "/", ":", "mailto:",
                                               "@", "x ", "**", "+", "-", "."};
    static const char *const trails[] = {"", "\"", "'", "\".", "\",", "\")", "\";", ".", ",", ")", ";", "&copy;",
                                         "&amp;", "*", "_", "~", "\"*", "\"_", "'s", ">", ":", "?", "!", "\"\"", "/"};
    static const char *const follows[] = {"", " text", "x", " and http://b.org", " a@c.org", " ~x~", " [y](/z)",
                                          "\nmore", " \"https://c.org\"", "*", " *e*", "  \nhard", " glob@1.2.3"};
    static const char *const contexts[] = {"%s", "%s", "%s", "Default: %s", "[%s](/u)", "[%s]", "# %s", "- %s",
                                           "> %s", "| %s |\n|---|", "| a |\n|---|\n| %s |", "*%s*", "**%s**",
                                           "~~%s~~", "`x` %s", "a\n%s", "%s\n\nb", "<a href=\"/u\">%s</a>",
                                           "<a\n  title=%s>x</a>", "<div>\n%s\n</div>", "    %s", "![%s](/i.png)",
                                           "1. %s\n2. b", "Setext %s\n---", "`%s`", "<span>%s</span>"};
    size_t pages = 0, kept = 0, kept_quoted = 0, kept_email = 0;
    for (size_t k = 0; k < SL_TEST_SCALE(30000); k++) {
        char link[512], md[1024];
        if (k % 3 == 2)
            snprintf(link, sizeof link, "%s%s%s%s", PICK(email_before), PICK(emails), PICK(trails), PICK(follows));
        else
            snprintf(link, sizeof link, "%s%s%s%s", PICK(before), PICK(urls), PICK(trails), PICK(follows));
        snprintf(md, sizeof md, PICK(contexts), link);
        strcat(md, "\n");
        size_t n = strlen(md);
        pages++;
        if (sl__md_routes_to_cmark(md, n, 0))
            continue;
        kept++;
        char *b;
        if (!kept_renders_as_cmark(md, &b))
            break;
        /* What md4c alone reads otherwise: a link right after a quote; an
         * address ending in a digit, which md4c links and cmark-gfm not. */
        kept_quoted += strstr(b, "&quot;<a href=\"") || strstr(b, "'<a href=\"");
        kept_email += k % 3 == 2 && !strstr(b, "mailto:") && md4c_html_links_email(md, n);
        free(b);
    }
    fprintf(stderr, "URLs after quotes, e-mails: %zu of %zu pages kept on md4c (%zu with a URL linked after a quote, "
            "%zu with a digit-ending address left as text)\n", kept, pages, kept_quoted, kept_email);
    CHECK(kept_quoted > pages / 20); /* such pages do stay on md4c */
    CHECK(kept_email > pages / 100);
}

/* The scan looks at 16 bytes at a time and lets a `.` or `:` through
 * only by the bytes either side: the same autolinks, moved to every
 * offset of a long line (each lane of the vector, and the scalar tail). */
SL_TEST(md_gfm_route_finds_autolinks_at_every_offset_of_a_long_line)
{
    static const char filler[] = "ab cd ef gh ij kl mn op qr st uv wx yz ab cd ef gh ";
    route_count c = {0};
    for (size_t k = 0; k < SL_TEST_SCALE(3000); k++) {
        char link[256], md[512];
        int at = (int)(k % 40);
        snprintf(link, sizeof link, "%s%s%s%s", PICK(leads), PICK(links), PICK(trails), PICK(follows));
        snprintf(md, sizeof md, "%.*s%s %s\n", at, filler, link, filler);
        if (!check_routed(md, &c)) {
            CHECK(!"a page md4c renders otherwise stays on md4c");
            break;
        }
    }
    report("autolinks at every offset", &c);
    CHECK(c.differ > c.pages / 20);
}

/* A link whose text is a URL, `[https://x.org/a](/u)`: kept on md4c
 * only for URLs both read alike; every byte either may treat specially
 * in or after the URL, and destinations plain and not. */
SL_TEST(md_gfm_route_sends_every_link_with_a_url_text_md4c_reads_otherwise)
{
    static const char *const bytes[] = {"a", "Z", "0", "/", ".", ":", "#", "=", "%", "+", "-", "_", "~", "*", "&",
                                        "@", "?", "!", ",", ";", ")", "(", "'", "www.", "&amp;", "\\", "`"};
    static const char *const hosts[] = {"https://a.org", "http://x", "ftp://1.2", "https://www.b.com", "HTTPS://a.org",
                                        "https://a_b.org", "http://a.b"};
    static const char *const dests[] = {"/u", "https://b.org/x_y", "u~v", "#f", "a b", "<b>", "(x)", "", "/u \"t\"",
                                        "/u)x", "&amp;", "/a_b_"};
    static const char *const before[] = {"", "x ", "!", "\\", "[", "* ", "**", "_", "~", "`c` ", "| "};
    static const char *const after[] = {"", " y", ".", ")", "]", "**", "_", "~", " https://q.org/z", "*", "(z)"};
    route_count c = {0};
    size_t kept = 0;
    for (size_t k = 0; k < SL_TEST_SCALE(20000); k++) {
        char url[256] = "", md[512];
        strcat(url, PICK(hosts));
        for (size_t t = next_rand() % 7; t; t--)
            strcat(url, PICK(bytes));
        if (next_rand() % 2)
            strcat(url, "/p");
        snprintf(md, sizeof md, "%s[%s](%s)%s\n", PICK(before), url, PICK(dests), PICK(after));
        kept += !sl__md_gfm_needs_cmark(md, strlen(md));
        if (!check_routed(md, &c)) {
            CHECK(!"a page md4c renders otherwise stays on md4c");
            break;
        }
    }
    report("links with a URL text", &c);
    fprintf(stderr, "links with a URL text: %zu of %zu pages kept on md4c\n", kept, c.pages);
    CHECK(kept > c.pages / 20); /* the rule does keep pages */
}

/* Tab-indented tags: md4c may open an HTML block at `\t<b>` where
 * CommonMark does not, unless the line is inside a type-6 HTML block to
 * both.  Every page kept on md4c (by this and by gfm_route.c) renders as
 * cmark-gfm does; before the block, whatever could hold its lines in
 * something else. */
SL_TEST(md_tab_indented_tags_stay_on_md4c_only_inside_an_html_block)
{
    static const char *const before[] = {"", "", "text\n\n", "<!-- c -->\n\n", "<!--\n\n", "```\n\n",
                                         "```\nx\n```\n\n", "~~~~\n```\n\n", "- item\n\n", "- item\n  ```\n\n",
                                         "> q\n\n", "<pre>\n\n", "<script>\n\n", "<?x\n\n", "<!X\n\n",
                                         "<![CDATA[\n\n", "    code\n\n", "  ```\n\n", "<!-- a --> <!--\n\n"};
    static const char *const first[] = {"<div align=\"center\">", "<p>", "<h3>", "<header>", "<table>", "</div>",
                                        "<span>", "text", "<DIV>", "<div>x</div>", "<pre>", "<thead>", " <div>",
                                        "\t<div>", "<div", "<td>", "<details>"};
    static const char *const middle[] = {"\t<b>", "x", "```", "\t\t<a href=\"u\">*e*</a>", "  <i>", "- y", "\t```",
                                         "-->", "</pre>", "\t", "~~~"};
    static const char *const tabbed[] = {"\t<b>", "\t<img src=\"x\">", "\t</div>", "\t<!-- c -->", "\t\t<br>",
                                         "-\t<b>", "> \t<p>"};
    static const char *const after[] = {"", "</div>\n", "\ntext\n", "</div>\n\n*t*\n", "\t</b>\n\n\t<i>\n"};
    size_t kept = 0, pages = 0;
    for (size_t k = 0; k < SL_TEST_SCALE(20000); k++) {
        char md[1024];
        size_t len = (size_t)snprintf(md, sizeof md, "%s%s\n", PICK(before), PICK(first));
        for (size_t m = next_rand() % 3; m; m--)
            len += (size_t)snprintf(md + len, sizeof md - len, "%s\n", PICK(middle));
        snprintf(md + len, sizeof md - len, "%s\n%s", PICK(tabbed), PICK(after));
        size_t n = strlen(md);
        pages++;
        if (sl__md_html_start_md4c_misreads(md, n) || sl__md_gfm_needs_cmark(md, n))
            continue;
        kept++;
        if (!kept_renders_as_cmark(md, NULL))
            break;
    }
    fprintf(stderr, "tab-indented tags: %zu of %zu pages kept on md4c\n", kept, pages);
    CHECK(kept > pages / 20); /* the blocks' inner lines do stay */
}

SL_TEST(md_gfm_route_sends_every_page_with_tildes_md4c_pairs_otherwise)
{
    static const char *const toks[] = {"a", "b c", " ", " ", "\\~", "~", "~~", "~~~", ".", "(", ")", "\\",
                                       "~ ", " ~", "x~y", "[l](/u)", ",", "!", "\n", "\n\n", "`~`"};
    route_count c = {0};
    for (size_t k = 0; k < SL_TEST_SCALE(20000); k++) {
        char md[256] = "";
        for (size_t t = 1 + next_rand() % 8; t; t--)
            strcat(md, PICK(toks));
        if (!strchr(md, '~'))
            continue;
        strcat(md, "\n");
        if (!check_routed(md, &c)) {
            CHECK(!"a page md4c renders otherwise stays on md4c");
            break;
        }
    }
    report("tildes", &c);
}

static void table_row(char *md, size_t cap, size_t cells, const char *const *v, size_t nv)
{
    int outer = (int)(next_rand() % 4);
    if (outer == 1 || outer == 2 || cells == 1)
        strncat(md, "|", cap - strlen(md) - 1);
    for (size_t i = 0; i < cells; i++) {
        int pad = next_rand() % 3 == 0;
        snprintf(md + strlen(md), cap - strlen(md), "%s%s%s%s", pad ? " " : "", v[next_rand() % nv], pad ? " " : "",
                 i + 1 < cells || outer == 1 || outer == 3 || cells == 1 ? "|" : "");
    }
    strncat(md, "\n", cap - strlen(md) - 1);
}

SL_TEST(md_gfm_route_sends_every_table_md4c_reads_otherwise)
{
    static const char *const cells[] = {"", "", " ", "x", "two words", "\\|", "a \\| b", "`c \\| d`", "`c | d`",
                                        "*em*", "1.5", "&amp;", "é ü", "[l](/u)", "~~s~~", "`code`", "a\\*b",
                                        "<b>raw</b>", "www.example.com", "~a", "# h", "- i", "> q",
                                        /* a `|` that md4c reads inside a link's text, an image's alt,
                                         * a tag, a comment or an autolink before it splits the row,
                                         * where cmark-gfm splits first (advmd F9) */
                                        "[a|b](/u)", "![a|b](/i.png)", "<span title=\"x|y\">s</span>",
                                        "<!-- x|y -->", "<http://a.b/c|d>", "[a](/u|v)", "[a][r|s]", "a < b | c > d",
                                        /* ... where the first `>` after the `<` does not end md4c's tag,
                                         * comment or instruction (review of F9's rule) */
                                        "<span title=\"a>b|c\">s</span>", "<a href='x>y|z'>t</a>",
                                        "<span title=\"a>b\" class=\"c|d\">s</span>", "<!-- a > b | c -->",
                                        "<!-- x -> | y -->", "<? a > | ?>",
                                        /* an escaped backtick, then one that opens a span to md4c
                                         * over the cells (advmd F19) */
                                        "\\``x | y | z`", "x \\`` | y `"};
    static const char *const delims[] = {"-", "--", "---", ":-", "-:", ":-:", ":---", "---:", ":---:", "----------"};
    static const char *const before[] = {"", "", "A paragraph line\n", "# Heading\n\n", "- item\n\n", "> quote\n",
                                         "text\n\n", "```\ncode\n```\n"};
    static const char *const after[] = {"", "", "trailing text\n", "> quote\n", "- item\n", "# heading\n",
                                        "```\nx\n```\n", "<div>x</div>\n", "    code\n", "***\n", "| x |\n", "`c` | x\n"};
    static const char *const prefix[] = {"", "", "", "  ", "> "};
    route_count c = {0};
    for (size_t k = 0; k < SL_TEST_SCALE(9000); k++) {
        char t[1024] = "", md[2048] = "";
        size_t cols = 1 + next_rand() % 5, dcols = next_rand() % 10 ? cols : cols + 1 - 2 * (next_rand() % 2);
        strcat(t, PICK(before));
        table_row(t, sizeof t, cols, cells, sizeof cells / sizeof cells[0]);
        table_row(t, sizeof t, dcols ? dcols : 1, delims, sizeof delims / sizeof delims[0]);
        for (size_t r = next_rand() % 5; r; r--) {
            size_t n = cols + next_rand() % 5;
            table_row(t, sizeof t, n > 2 ? n - 2 : 1, cells, sizeof cells / sizeof cells[0]);
        }
        strcat(t, PICK(after));
        const char *p = PICK(prefix);
        for (char *line = t, *nl; *line; line = nl + 1) { /* the whole page in a list item or a quote */
            nl = strchr(line, '\n');
            snprintf(md + strlen(md), sizeof md - strlen(md), "%s%.*s\n", p, (int)(nl - line), line);
        }
        if (!check_routed(md, &c)) {
            CHECK(!"a page md4c renders otherwise stays on md4c");
            break;
        }
    }
    report("tables", &c);
}

SL_TEST(md_gfm_route_keeps_everyday_shapes_on_md4c)
{
    static const char *const plain[] = {
        "See https://example.com/docs/intro.html for more.\n",
        "The site (https://example.com/a/b) and http://x.org/path?q=1&r=2.\n",
        "A link: <https://example.com/x> and [text](https://example.com/a_b(c)).\n",
        "Write to first.last@example.org, or www.example.com.\n",
        "[![badge](https://img.shields.io/x.svg)](https://npmjs.com/package/x)\n",
        "<img src=\"https://example.com/logo.png\" alt=\"logo\">\n",
        "This is ~~wrong~~ right.\n\nAnd ~1.5 is roughly.\n",
        "| a | b |\n| --- | :-: |\n| `x` | [y](/z) |\n| 1 | 2 |\n\nAfter.\n",
        "# Title\n\n| name | value |\n|------|-------|\n| a | b |\n",
        "```js\nconst url = 'http://localhost:3000/' + \"~x~\";\n\tindented();\n```\n",
        "Use `http://localhost:8080` in `a|b` code.\n",
        "[id]: http://example.com/a'b \"title\"\n",
        "Report it at [https://github.com/a/b/issues](https://github.com/a/b/issues).\n",
        "- [https://x.org/docs/v2/](https://x.org/docs/v2/) and ![http://a.b/c.svg](/c.svg)\n",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (sl__md_gfm_needs_cmark(plain[i], strlen(plain[i])))
            fprintf(stderr, "routed: %s", plain[i]);
        CHECK(!sl__md_gfm_needs_cmark(plain[i], strlen(plain[i])));
    }
}

/* One page in one dialect: sluice md's output must be cmark-gfm's.
 * Counts the pages where md4c alone differs. */
static int renders_as_cmark(const char *md, int cm, size_t *differ)
{
    size_t n = strlen(md);
    sl__md_opts o = {.commonmark = cm, .unsafe_html = 1, .no_frontmatter = 1, .renderer = SL__MD_ROUTED};
    sl__md_page p, m;
    char err[256];
    CHECK(sl__md_render(md, n, &o, &p, err, sizeof err) == 0);
    o.renderer = SL__MD_MD4C;
    CHECK(sl__md_render(md, n, &o, &m, err, sizeof err) == 0);
    char *want = cm ? cmark_markdown_to_html(md, n, CMARK_OPT_UNSAFE) : render_with(md, SL__MD_CMARK);
    int ok = same_light(p.html, want);
    *differ += !same_light(m.html, want);
    if (!ok)
        fprintf(stderr, "%s:\n%s--- sluice md:\n%s--- cmark-gfm:\n%s", cm ? "--commonmark" : "--gfm", md, p.html,
                want);
    sl__md_page_free(&p);
    sl__md_page_free(&m);
    free(want);
    return ok;
}

/* md4c 0.4.8 ends a list item early where a blank line's look at its
 * block buffer happens to read a line's offset as an empty item's header
 * (md4c_fix.c): the same items, moved down the page a byte at a time past
 * 256, in both dialects, must render as cmark-gfm renders them. */
SL_TEST(md_list_items_end_where_cmark_gfm_ends_them_at_every_offset)
{
    static const char *const items[] = {
        "- a\n\n  ```sh\n  code line\n  ```\n\n  after\n", /* a fence's last code line */
        "- a\n\n  ## heading\n\n  after\n",               /* an ATX heading */
        "- # Title\n\n  after\n",                         /* one on the item's own line (adv15 A8) */
        "1. ### T\n\n   after\n- x\n",
        "> * # T\n>\n>   after\n",
        "- a\n\n  setext\n  ---\n\n  after\n",            /* a setext heading */
        "- a\n\n  text\n\n\n  after\n",                   /* two blank lines after text */
        "- a\n\n  <div>\n  x\n  </div>\n\n\n  after\n",   /* after an HTML block */
        "- a\n\n  <!-- c -->\n\n  after\n",               /* an HTML comment's end line */
        "- a\n  ~~~\n  x\n  ~~~\n\n  ```\n  y\n  ```\n", /* the fence after it turns into code */
        "> 1. a\n>\n>    ```\n>    code\n>    ```\n>\n>    after\n",
        "* a\r\n\r\n    ```\r\n    x\r\n    ```\r\n\r\n    after\r\n",
    };
    size_t pages = 0, differ = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof items / sizeof items[0]; i++)
        for (size_t pad = 0; ok && pad < 300; pad++) /* every low byte: not scaled down */
            for (int bom = 0; ok && bom < 2; bom++) { /* md4c counts from after a BOM */
                char md[1024];
                size_t len = (size_t)snprintf(md, sizeof md, "%s", bom ? "\xEF\xBB\xBF" : "");
                memset(md + len, 'p', pad);
                len += pad;
                snprintf(md + len, sizeof md - len, "%s%s", pad ? "\n\n" : "", items[i]);
                for (int cm = 0; ok && cm < 2; cm++, pages++)
                    ok = renders_as_cmark(md, cm, &differ);
            }
    CHECK(ok || !"a list item md4c ends early stays on md4c");
    fprintf(stderr, "list items: %zu pages, md4c alone differs on %zu\n", pages, differ);
    CHECK(differ > 0); /* the offsets do reach md4c's misreading */
}

/* The rule of three for runs of `*` and `_` between punctuation, which
 * md4c 0.4.8 does not apply (md4c_fix.c): globs and the like, generated,
 * in both dialects, must render as cmark-gfm renders them. */
SL_TEST(md_emphasis_between_punctuation_renders_as_cmark_gfm)
{
    static const char *const cases[] = {
        "Match **/*.js and **/*.ts files.\n",
        "Globs: **/*.js, src/**/*.ts\n",
        "- **bold** and **/*.js\n",
        "a __/_.x_ b\n",
        "]**&\n2) ]*\n", /* `2)` cannot interrupt a paragraph: the runs are one paragraph's */
        /* lines that start with three backticks but open or close no fence */
        "```x``` y\n\nglob '**/*.js' or *.ts\n",      /* a code span: an opener's info may hold no backtick */
        "```\nc\n```s\n```\n\nglob '**/*.js' or *.ts\n", /* a closing fence holds nothing after its run */
        "    ```\n\nglob '**/*.js' or *.ts\n",           /* indented code */
        "> ```x``` y\n\n- glob '**/*.js' or *.ts\n",
        "~~~\n```\n~~~\n\nglob '**/*.js' or *.ts\n",     /* another fence's character */
        "```\nc\n```  \t\n\nglob '**/*.js' or *.ts\n",   /* a closing fence with blanks after it */
    };
    static const char *const toks[] = {"*", "**", "***", "_", "__", "/", ".js", "a", "b c", " ", " ", "(", ")",
                                       "\"", ",", "é", "—", "`*`", "\\*", "]", "&", "\n2) ", "\n1. ", "\n- ", "\n-\n"};
    size_t pages = 0, differ = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof cases / sizeof cases[0]; i++)
        for (int cm = 0; ok && cm < 2; cm++, pages++)
            ok = renders_as_cmark(cases[i], cm, &differ);
    for (size_t k = 0; ok && k < SL_TEST_SCALE(20000); k++) {
        char md[256] = "";
        for (size_t t = 2 + next_rand() % 8; t; t--)
            strcat(md, PICK(toks));
        strcat(md, "\n");
        for (int cm = 0; ok && cm < 2; cm++, pages++)
            ok = renders_as_cmark(md, cm, &differ);
    }
    CHECK(ok || !"emphasis md4c pairs otherwise stays on md4c");
    fprintf(stderr, "emphasis: %zu pages, md4c alone differs on %zu\n", pages, differ);
    CHECK(differ > 0);
}

/* An indented link reference definition after a blank line in a list
 * item: md4c 0.4.8 made the list loose where cmark-gfm keeps it tight
 * (md4c_fix.c).  Lists around such definitions, in both dialects. */
SL_TEST(md_definitions_in_list_items_keep_the_list_as_cmark_gfm_does)
{
    static const char *const items[] = {"- a\n", "1. a\n", "- a\n  b\n"};
    static const char *const defs[] = {"  [x]: /u\n", "   [x]: /u \"t\"\n", "  [x]:\n  /u\n", "  [x]: /u\n  [y]: /v\n"};
    static const char *const afters[] = {"", "- b\n", "\ntext\n", "  more\n", "\n- b\n", "[x] and [y]\n"};
    static const char *const quoted[] = {"> - a\n>\n>   [x]: /u\n", "> - a\n>\n>   [x]: /u\n\n[x]\n"};
    size_t pages = 0, differ = 0;
    int ok = 1;
    for (size_t q = 0; ok && q < sizeof quoted / sizeof quoted[0]; q++)
        for (int cm = 0; ok && cm < 2; cm++, pages++)
            ok = renders_as_cmark(quoted[q], cm, &differ);
    for (size_t i = 0; ok && i < sizeof items / sizeof items[0]; i++)
        for (size_t d = 0; ok && d < sizeof defs / sizeof defs[0]; d++)
            for (size_t a = 0; ok && a < sizeof afters / sizeof afters[0]; a++)
                for (int blank = 0; ok && blank < 2; blank++) {
                    char md[256];
                    snprintf(md, sizeof md, "%s%s%s%s", items[i], blank ? "\n" : "", defs[d], afters[a]);
                    for (int cm = 0; ok && cm < 2; cm++, pages++)
                        ok = renders_as_cmark(md, cm, &differ);
                }
    /* an item whose first line is a definition, a blank line, more of the item (adv20 F6) */
    static const char *const first[] = {"- [x]: /u\n", "1. [x]: /u \"t\"\n", "+ [x]:\n  /u\n", "> * [x]: /u\n>\n"};
    static const char *const rest[] = {"  b\n", "  b\n- c\n", "- c\n", "  [x]\n", "   b\n"};
    for (size_t f = 0; ok && f < sizeof first / sizeof first[0]; f++)
        for (size_t r = 0; ok && r < sizeof rest / sizeof rest[0]; r++) {
            char md[256];
            snprintf(md, sizeof md, "%s%s%s%s", first[f], *first[f] == '>' ? "" : "\n", *first[f] == '>' ? ">" : "",
                     rest[r]);
            for (int cm = 0; ok && cm < 2; cm++, pages++)
                ok = renders_as_cmark(md, cm, &differ);
        }
    CHECK(ok || !"a definition md4c counts as a block stays on md4c");
    fprintf(stderr, "definitions: %zu pages, md4c alone differs on %zu\n", pages, differ);
    CHECK(differ > 0);
}

/* A lone tag line right after a paragraph in a list item or a quote:
 * cmark-gfm ends the container there, md4c read a lazy continuation
 * (md4c_fix.c).  Generated, in both dialects. */
SL_TEST(md_tag_lines_after_list_items_and_quotes_render_as_cmark_gfm)
{
    /* (one or two backticks or tildes start a paragraph, not a fence: adv18 F4) */
    static const char *const starts[] = {"* [Guide](g.md)\n", "- x\n", "1. x\n", "> x\n", "- x\n  y\n", "- x\ny\n",
                                         "> - x\n", "text\n", "- `\n", "> `\n", "- `a\n", "- ~\n", "> ``x\n", "- ```\n"};
    static const char *const tags[] = {"<a name=\"p\" />\n", "<a name=\"p\">\n", "</a>\n", "<span>\n",
                                       "  <custom-tag x=\"1\">\n", "<a name=\"p\"> text\n", "<div>\n"};
    static const char *const afters[] = {"", "\n# H\n", "more\n", "\n- next\n"};
    size_t pages = 0, differ = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof starts / sizeof starts[0]; i++)
        for (size_t t = 0; ok && t < sizeof tags / sizeof tags[0]; t++)
            for (size_t a = 0; ok && a < sizeof afters / sizeof afters[0]; a++) {
                char md[256];
                snprintf(md, sizeof md, "%s%s%s", starts[i], tags[t], afters[a]);
                for (int cm = 0; ok && cm < 2; cm++, pages++)
                    ok = renders_as_cmark(md, cm, &differ);
            }
    CHECK(ok || !"a tag line md4c reads as lazy stays on md4c");
    fprintf(stderr, "tag lines: %zu pages, md4c alone differs on %zu\n", pages, differ);
    CHECK(differ > 0);
}

/* Does sluice md send this page to cmark-gfm (in --gfm)? */
static int routed_any(const char *md)
{
    size_t n = strlen(md);
    return sl__md_html_start_md4c_misreads(md, n) || sl__md_list_item_md4c_ends_early(md, n) ||
           sl__md_emphasis_md4c_pairs_otherwise(md, n) || sl__md_definition_md4c_loosens_list(md, n) ||
           sl__md_html_lazy_tag_md4c_misreads(md, n) || sl__md_gfm_needs_cmark(md, n);
}

/* A tag line inside a type-6 HTML block is a line of that block to both
 * libraries, even where the lines before it read like a list item's
 * paragraph to the tag-line check (the block READMEs end with: tabs
 * inside `<div align="center">`).  Such pages stay on md4c; generated
 * blocks with every kind of line in them, after lists, quotes, open
 * fences, comments and raw `<script>`/`<pre>`, must render as cmark-gfm
 * renders them in both dialects, on md4c or not. */
SL_TEST(md_tag_lines_inside_html_blocks_stay_on_md4c_and_render_as_cmark_gfm)
{
    static const char readme[] = "- item\n\n<div align=\"center\">\n\t<b>\n\t\t<a href=\"https://x.org/a\">Help</a>\n"
                                 "\t</b>\n\t<br>\n\t<sub>\n\t\tTidelift helps<br>maintainers.\n\t</sub>\n</div>\n";
    size_t pages = 0, differ = 0, kept = 0;
    CHECK(!sl__md_html_lazy_tag_md4c_misreads(readme, strlen(readme)));
    int ok = renders_as_cmark(readme, 0, &differ) && renders_as_cmark(readme, 1, &differ);
    static const char *const before[] = {"", "- item\n", "> quote\n", "1. x\n   y\n", "text\n", "```\ncode\n",
                                         "<!--\n", "<script>\n", "- a\n\n  ```\n  c\n", "<pre>\n", "* a\n  b\n"};
    static const char *const openers[] = {
        "<div align=\"center\">", "<div>", "</div>", "<details>", "<table>", "<p align=\"center\">", "<section>",
        "<header>", "<h2>", "<divx>", "<span>", "<a name=\"x\">", "<ul>", " <div>", "\t<div>", "<DIV>", "<center>",
        "<p>", "<thead>", "<pre>"};
    static const char *const lines[] = {
        "\t<b>", "\t\t<a href=\"https://x.org/a_b\">t</a>", "\t</b>", "\t<br>", "\t<sub>", "\t\tText with <br>more.",
        "\t</sub>", "</div>", "  </p>", "<a name=\"y\" />", "  text", "- item", "* [x](y)", "> q", "    code", "```",
        "~~~", "text *em*", "\ttext", "   </span>", "</details>", "1. one", "é ü"};
    static const char *const after[] = {"", "\n", "\nafter\n", "\n- z\n  </div>\n", "\n\t</sub>\n"};
    for (size_t k = 0; ok && k < SL_TEST_SCALE(100000); k++) {
        char md[1024];
        size_t len = (size_t)snprintf(md, sizeof md, "%s\n%s\n", PICK(before), PICK(openers));
        for (size_t l = 1 + next_rand() % 6; l; l--)
            len += (size_t)snprintf(md + len, sizeof md - len, "%s\n", PICK(lines));
        snprintf(md + len, sizeof md - len, "%s", PICK(after));
        kept += !routed_any(md);
        ok = renders_as_cmark(md, 0, &differ) && (k % 4 || renders_as_cmark(md, 1, &differ));
        pages += 1 + (k % 4 == 0);
    }
    CHECK(ok || !"a page md4c renders otherwise stays on md4c");
    fprintf(stderr, "tag lines in HTML blocks: %zu pages, %zu kept on md4c, md4c alone differs on %zu\n", pages, kept,
            differ);
    CHECK(differ > 0 && kept > pages / 10);
}

/* The steps a routing check takes on a page made of `reps` copies of
 * `unit` between `head` and `tail` (a generated hostile page). */
typedef int (*route_check)(const char *, size_t);
static unsigned long route_steps(route_check check, const char *head, const char *unit, size_t reps,
                                 const char *tail, int *verdict)
{
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, head);
    for (size_t i = 0; i < reps; i++)
        sl__md_buf_puts(&b, unit);
    sl__md_buf_puts(&b, tail);
    CHECK(!b.failed);
    sl__md_route_steps = 0;
    *verdict = check(b.data, b.len);
    unsigned long steps = sl__md_route_steps;
    free(b.data);
    return steps;
}

/* Twice the page, about twice the steps (a quadratic walk: four times). */
static int grows_linearly(route_check check, const char *head, const char *unit, size_t reps, const char *tail,
                          int want)
{
    int v1, v2;
    unsigned long s1 = route_steps(check, head, unit, reps, tail, &v1);
    unsigned long s2 = route_steps(check, head, unit, 2 * reps, tail, &v2);
    fprintf(stderr, "%s: %lu steps, twice the page: %lu\n", unit, s1, s2);
    return v1 == want && v2 == want && (double)s2 <= 2.5 * (double)s1 + 1000;
}

/* A line of backtick runs of every length from 1 to k, none closed, on
 * a page the emphasis check reads (a pair of runs the rule of three keeps
 * apart, between punctuation: it answers 1 only after reading it all). */
static unsigned long backtick_steps(size_t k, size_t lines)
{
    sl__md_buf b = {0};
    for (size_t l = 0; l < lines; l++) {
        for (size_t i = 1; i <= k; i++) {
            for (size_t j = 0; j < i; j++)
                sl__md_buf_putc(&b, '`');
            sl__md_buf_putc(&b, ' ');
        }
        sl__md_buf_putc(&b, '\n');
    }
    sl__md_buf_puts(&b, "/**/ *a*\n");
    CHECK(!b.failed);
    sl__md_route_steps = 0;
    CHECK(sl__md_emphasis_md4c_pairs_otherwise(b.data, b.len));
    unsigned long steps = sl__md_route_steps;
    free(b.data);
    return steps;
}

/* Hostile pages (adv12 F4, F5): the checks' look-backs and look-aheads
 * take steps in proportion to the page, not to its square, and still
 * answer as before. */
SL_TEST(md_routing_checks_take_linear_steps_on_hostile_pages)
{
    /* Tab-indented rows of one table, a block's tag lines: each walked
     * back only to the line found before it, not to the table's start. */
    CHECK(grows_linearly(sl__md_html_start_md4c_misreads, "<table>\n", "\t<tr><td>a</td></tr>\n", 2000,
                         "</table>\n", 0));
    CHECK(grows_linearly(sl__md_html_start_md4c_misreads, "", "<div>\n\t<a>\n", 2000, "", 0));
    /* A line of `]:`: walked back to its start once, not once for each. */
    CHECK(grows_linearly(sl__md_definition_md4c_loosens_list, "text\n  [x", "]:", 5000, "\n", 0));
    static const char def[] = "- a\n\n  [x]: /u ]: [y]: /v\n";
    CHECK(sl__md_definition_md4c_loosens_list(def, strlen(def)));
    /* Unmatched backtick runs of many lengths: one long line, many lines. */
    unsigned long one = backtick_steps(300, 1), two = backtick_steps(600, 1);
    fprintf(stderr, "backtick runs 1..300: %lu steps, 1..600: %lu\n", one, two);
    CHECK(two <= 2.5 * one + 1000); /* twice the runs: each looking through all the others is x4 */
    CHECK(backtick_steps(60, 200) <= 2.5 * backtick_steps(60, 100) + 1000);
    /* A closing run found is still found: the code span hides its `*`. */
    static const char closed[] = "` `` ``` /**/ *a* `` x\n";
    CHECK(!sl__md_emphasis_md4c_pairs_otherwise(closed, strlen(closed)));
    static const char open[] = "` `` ``` `` /**/ *a* ``` x\n";
    CHECK(sl__md_emphasis_md4c_pairs_otherwise(open, strlen(open)));
}

/* md4c takes time that grows with the square of the autolinks in one
 * paragraph (adv12 F6): a paragraph with more than 1000 goes to
 * cmark-gfm; as many in paragraphs of their own stay on md4c. */
SL_TEST(md_gfm_route_sends_a_paragraph_of_many_autolinks_to_cmark_gfm)
{
    sl__md_buf one = {0}, many = {0};
    for (int i = 0; i < 1001; i++) {
        char w[32];
        snprintf(w, sizeof w, "www.a%d.com ", i);
        sl__md_buf_puts(&one, w);
        sl__md_buf_puts(&many, w);
        if (i % 10 == 9)
            sl__md_buf_puts(&many, "\n\n");
    }
    sl__md_buf_putc(&one, '\n');
    CHECK(!one.failed && !many.failed);
    CHECK(sl__md_gfm_needs_cmark(one.data, one.len));
    CHECK(!sl__md_gfm_needs_cmark(many.data, many.len));
    CHECK(!sl__md_gfm_needs_cmark(one.data, (size_t)(strstr(one.data, "www.a1000.") - one.data)));
    free(one.data), free(many.data);
}
