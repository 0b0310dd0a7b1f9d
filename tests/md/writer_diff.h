/*
 * writer_diff.h - render.c's HTML against md4c-html's own rendering of
 * the same page (render_test.c's md_html_writer_matches_md4c_html and
 * fuzz_frontmatter.c).  render.c writes HTML from md4c's parse events as
 * md4c-html would, plus what sluice changes on purpose: heading ids (taken
 * out of both outputs here, raw HTML's too), code tabs, `~` and `'` in
 * URLs, a task item's space, an HTML block's line in a tight item, safe mode, the GFM tag filter and, under
 * --gfm, autolinks as cmark-gfm reads them (a URL after a quote linked,
 * an e-mail address ending in a digit not).  So the page is rendered with
 * raw HTML passed through (--unsafe-html) and no front matter, the ids,
 * URLs and task items are written back as md4c-html writes them, and
 * pages with tabs, a filtered tag, such an autolink or an `&` inside a
 * `<...>` autolink (its entities decoded, as cmark-gfm shows them) are
 * not compared.
 */
#ifndef SLUICE_TESTS_MD_WRITER_DIFF_H
#define SLUICE_TESTS_MD_WRITER_DIFF_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "md.h"
#include "md_libs.h"

/* Under --gfm, 1 if the page may hold an autolink render.c writes as
 * cmark-gfm does, not as md4c: "://" after a quote and letters, or an
 * `@` whose domain (as md4c reads it) ends in a digit. */
static int writer_diff_gfm_autolink(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' && n - i > 2 && s[i + 1] == '/' && s[i + 2] == '/') {
            size_t b = i;
            while (b > 0 && ((s[b - 1] | 0x20) >= 'a' && (s[b - 1] | 0x20) <= 'z'))
                b--;
            if (b > 0 && (s[b - 1] == '"' || s[b - 1] == '\''))
                return 1;
        } else if (s[i] == '@') {
            size_t e = i + 1;
            while (e < n && (isalnum((unsigned char)s[e]) || s[e] == '.' || s[e] == '-' || s[e] == '_'))
                e++;
            if (e > i + 1 && s[e - 1] == '.')
                e--;
            if (e > i + 1 && isdigit((unsigned char)s[e - 1]))
                return 1;
        }
    }
    return 0;
}

/* 1 if sluice changes the page's HTML on purpose in ways normalize()
 * cannot take back: invalid UTF-8 or NUL (repaired first), tabs (code
 * tabs kept), and under --gfm a tag the GFM tag filter escapes or an
 * autolink read as cmark-gfm reads it. */
static int writer_diff_skips(const char *s, size_t n, int commonmark)
{
    static const char *const filtered[] = {"script", "style", "title", "textarea", "xmp", "iframe",
                                           "noembed", "noframes", "plaintext"};
    if (!sl__md_utf8_valid(s, n) || memchr(s, '\t', n) || (!commonmark && writer_diff_gfm_autolink(s, n)))
        return 1;
    /* An `&` then a `;` in what may be a `<...>` autolink: render.c
     * decodes its entities in the link's text, as cmark-gfm does
     * (md4c-html: none). */
    for (const char *p = memchr(s, '<', n); p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
        int amp = 0;
        for (const char *q = p + 1; q < s + n && *q != '>' && *q != '<' && (unsigned char)*q > ' '; q++)
            if ((amp |= *q == '&') && *q == ';')
                return 1;
    }
    for (size_t i = 0; !commonmark && i < n; i++) {
        if (s[i] != '<')
            continue;
        size_t at = i + 1 + (i + 1 < n && s[i + 1] == '/');
        for (size_t k = 0; k < sizeof filtered / sizeof filtered[0]; k++) {
            size_t l = strlen(filtered[k]);
            if (n - at >= l && !strncasecmp(s + at, filtered[k], l))
                return 1;
        }
    }
    return 0;
}

static void writer_diff_collect(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    sl__md_buf_put(ud, t, n);
}

static int writer_diff_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t l = strlen(w);
    return n - i >= l && !memcmp(s + i, w, l);
}

/* s[0, n) as a C string, with what sluice writes on purpose written as
 * md4c-html does (applied to both outputs, so raw HTML stays equal):
 * no heading ids, `~` and `&#x27;` in href and src values as `%7E` and
 * `%27`, a task item's checkbox as `disabled>` / `checked>` (XHTML's
 * `disabled="disabled"` and `checked="checked"` too), and no line
 * end between other text and a `<` (render.c starts a raw HTML block
 * after a tight item's text on a line of its own). */
static char *writer_diff_normalize(const char *s, size_t n)
{
    char *o = malloc(3 * n + 1), *w = o;
    int url = 0;
    if (!o)
        abort();
    for (size_t i = 0; i < n;) {
        const char *q;
        if (n - i > 8 && s[i] == '<' && s[i + 1] == 'h' && s[i + 2] >= '1' && s[i + 2] <= '6' &&
            !memcmp(s + i + 3, " id=\"", 5) && (q = memchr(s + i + 8, '"', n - i - 8))) {
            memcpy(w, s + i, 3);
            w += 3;
            i = (size_t)(q - s) + 1;
            continue;
        }
        static const char *const task[][2] = {{" disabled> ", " disabled>"},
                                              {" checked> ", " checked>"},
                                              {" disabled /> ", " disabled>"},
                                              {" checked /> ", " checked>"},
                                              {" disabled=\"disabled\" /> ", " disabled>"},
                                              {" checked=\"checked\" /> ", " checked>"},
                                              {" disabled=\"disabled\"", " disabled"}};
        size_t k = 0, kinds = sizeof task / sizeof task[0];
        for (; k < kinds && !writer_diff_at(s, n, i, task[k][0]); k++)
            ;
        if (k < kinds) {
            memcpy(w, task[k][1], strlen(task[k][1]));
            w += strlen(task[k][1]);
            i += strlen(task[k][0]);
            continue;
        }
        if (!url && (writer_diff_at(s, n, i, "href=\"") || writer_diff_at(s, n, i, "src=\""))) {
            size_t l = s[i] == 'h' ? 6 : 5;
            memcpy(w, s + i, l);
            w += l;
            i += l;
            url = 1;
            continue;
        }
        if (url && s[i] == '"')
            url = 0;
        else if (url && s[i] == '~') {
            memcpy(w, "%7E", 3);
            w += 3;
            i++;
            continue;
        } else if (url && writer_diff_at(s, n, i, "&#x27;")) {
            memcpy(w, "%27", 3);
            w += 3;
            i += 6;
            continue;
        }
        if (s[i] == '\n' && i + 1 < n && s[i + 1] == '<' && w > o && w[-1] != '\n') {
            i++; /* an HTML block after a tight item's text starts a line in render.c only */
            continue;
        }
        *w++ = s[i++];
    }
    *w = 0;
    return o;
}

/* 1 when sluice's HTML for the page equals md4c-html's, ids aside (or the
 * page cannot be compared); 0 with both outputs on stderr otherwise. */
static int writer_diff_matches(const char *s, size_t n, int commonmark, int xhtml)
{
    if (n > 0xFFFFFFF0u || writer_diff_skips(s, n, commonmark))
        return 1;
    sl__md_opts o = {.commonmark = commonmark, .unsafe_html = 1, .xhtml = xhtml, .no_frontmatter = 1,
                     .renderer = SL__MD_MD4C, .no_word_count = 1};
    sl__md_page p;
    char err[256];
    if (sl__md_render(s, n, &o, &p, err, sizeof err) != 0)
        return 1; /* no memory: nothing to compare */
    sl__md_buf want = {0};
    int ok = sl__md_md4c_html()->md_html(s, (MD_SIZE)n, writer_diff_collect, &want,
                                          commonmark ? MD_DIALECT_COMMONMARK : MD_DIALECT_GITHUB,
                                          MD_HTML_FLAG_SKIP_UTF8_BOM | (xhtml ? MD_HTML_FLAG_XHTML : 0)) == 0;
    char *a = writer_diff_normalize(p.html, p.html_len), *b = writer_diff_normalize(want.data ? want.data : "", want.len);
    ok = ok && !want.failed && !strcmp(a, b);
    if (!ok)
        fprintf(stderr, "page (commonmark %d, xhtml %d):\n%.*s\n--- sluice:\n%s--- md4c-html:\n%s", commonmark, xhtml,
                (int)(n < 4000 ? n : 4000), s, a, b);
    free(a);
    free(b);
    sl__md_buf_free(&want);
    sl__md_page_free(&p);
    return ok;
}

#endif
