/*
 * route_diff.c - the routing checks of this tree against a base commit's
 * (route_diff.h) on real and generated pages: `route_diff GEN PAGE...
 * @LIST...` reads each page (or each path listed, one a line, in LIST),
 * asks both builds about the page, its body after front matter and four
 * pieces cut from it at seeded random places, then about GEN pages put
 * together from fragments each check looks for.  Prints the decisions
 * compared and every difference; exit status 1 on any.  route_diff.sh
 * builds and runs it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_diff.h"

static unsigned long long seed = 0x9E3779B97F4A7C15ull;
static unsigned long long next_rand(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static long compared, differences, kept; /* kept: differences where this tree says 0 */

/* Both builds on a copy of exactly s[0..n) (ASan builds see a read past
 * it). */
static void compare(const char *s, size_t n, const char *what)
{
    char *c = malloc(n ? n : 1);
    if (!c) {
        perror("route_diff");
        exit(2);
    }
    memcpy(c, s, n);
    unsigned diff = route_diff_page(c, n);
    compared += ROUTE_NCHECKS;
    /* Which way it went: a change meant to route more must show only
     * "now 1". */
    for (size_t k = 0; k < ROUTE_NCHECKS; k++) {
        if (!(diff & 1u << k))
            continue;
        int now = route_checks[k].now(c, n) != 0;
        kept += !now;
        const char *dir = getenv("ROUTE_DIFF_KEPT"); /* a directory for those pages, to look at */
        if (!now && dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/kept-%ld.md", dir, kept);
            FILE *f = fopen(path, "wb");
            if (f)
                fwrite(c, 1, n, f), fclose(f);
        }
        if (++differences <= 50)
            fprintf(stderr, "route_diff: %s: %s answers otherwise than the base's (%zu bytes, now %d)\n", what,
                    route_checks[k].name, n, now);
    }
    free(c);
}

static void page(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    sl__md_buf b = {0};
    char tmp[65536];
    for (size_t r; (r = fread(tmp, 1, sizeof tmp, f)) > 0;)
        sl__md_buf_put(&b, tmp, r);
    fclose(f);
    size_t yo, yl, body;
    compare(b.data, b.len, path);
    if (sl__md_frontmatter_split(b.data, b.len, &yo, &yl, &body))
        compare(b.data + body, b.len - body, path);
    for (int k = 0; k < 4 && b.len; k++) {
        size_t at = next_rand() % b.len, len = next_rand() % (b.len - at + 1);
        compare(b.data + at, len, path);
    }
    free(b.data);
}

/* What the checks look for: block starts, runs, brackets, tags, links. */
static const char *const fragments[] = {
    "\n", "\n\n", " ", "  ", "    ", "\t", "\r\n", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">", "#", "# h", "```",
    "~~~", "`", "``", "~", "~~", "*", "**", "***", "_", "__", "[", "]", "](", ")", "(", "[x]", "[ ]", "]:",
    "[a]: /u", "|", "| a | b |", "|---|---|", "| --- |", ":-:", "---", "-", ":", "\\", "\\|", "<", ">", "</",
    "<div>", "<div", "</div>", "<p", "<pre>", "</pre>", "<script>", "<!--", "-->", "<?", "?>", "<!X",
    "<![CDATA[", "]]>", "<table>", "<a href=\"x\">", "<b>", "<https://x.org>", "<<https://a>>", "<a:b>",
    "https://", "http://x.org/a_b", "HTTP://x.org", "ftp://a.b", "[https://a.b](https://a.b)", "www.",
    "www.x.org", "www.a_b.com", "a@b.com", "x_y@z.org", "@", ".", "w", "word", "text", "Ab", "\xc3\xa9",
    "\xe4\xb8\xad", "&amp;", "&#x61;", "\"", "'", "=", "x=\"https://a.b\"", "0", "9", ".js", "/", "!", "?",
    ",", ";", "\v", "\f", "\xEF\xBB\xBF", "<details>", "<summary>", "<header", "<prefix>", "<source>",
    "<search>", "<BlockQuote>", "<figcaption ", "<H6>", "](https://a.b/c", "](http://x", "](www.a.b", "](ftp://h",
    "](HTTPS://a.b)", "[a](https://a.b/c d)", " \"t\")", "(x)", ";", "~~~ ", "```\t", ">     ```",
    "<menuitem>", "<menu ", "<h1 ", "</tr>", "<colgroup>", "<col/>", "<ul>", "<optgroup", "<track/>", "<Frameset>",
    "<address>", "<ul\t", "<tbody", "<th>", "<dt>", "<dd>", "<param>", "<iframe ", "<html>", "<hr/>",
    /* md4c_lists.c and the md4c_links.c rule it calls. */
    "](u \"`t\")", "](x`b)", "](http://.e.com/x", "](<u>", " 'a\nb'", "\x01", "\x7f", "\r", "-\t", "*\n",
    "- <b>", "  <div>", "[a]:", "\"t\n", "-----\t", "===", "1.\n", "- \n",
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: route_diff GEN [PAGE | @LIST]...\n");
        return 2;
    }
    long gen = atol(argv[1]);
    for (int a = 2; a < argc; a++) {
        if (argv[a][0] != '@') {
            page(argv[a]);
            continue;
        }
        FILE *list = fopen(argv[a] + 1, "r");
        char path[4096];
        if (!list) {
            perror(argv[a] + 1);
            return 2;
        }
        while (fgets(path, sizeof path, list)) {
            path[strcspn(path, "\n")] = 0;
            if (path[0])
                page(path);
        }
        fclose(list);
    }
    size_t nf = sizeof fragments / sizeof fragments[0];
    char buf[8192];
    for (long g = 0; g < gen; g++) {
        size_t len = 0, parts = 1 + next_rand() % 80;
        for (size_t p = 0; p < parts; p++) {
            const char *f = fragments[next_rand() % nf];
            size_t fl = strlen(f);
            if (len + fl > sizeof buf)
                break;
            memcpy(buf + len, f, fl);
            len += fl;
        }
        compare(buf, len, "a generated page");
    }
    printf("route_diff: %ld decisions compared, %ld differences (%ld of them now 0)\n", compared, differences, kept);
    return differences != 0;
}
