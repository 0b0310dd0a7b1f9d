/*
 * safety.c - what safe mode empties, and what the GFM tag filter escapes.
 *
 * Both renderers (md4c, cmark-gfm) share these two rules so that a page
 * is as safe whichever of them rendered it:
 *  - Without --unsafe-html, a link or image URL whose scheme is
 *    javascript:, vbscript:, file: or data: (except data:image/png, gif,
 *    jpeg and webp) is emptied, as cmark-gfm's safe mode does.  The test
 *    is the one a browser's URL parser makes before it picks the scheme:
 *    leading C0 controls and spaces are skipped, tabs and newlines
 *    anywhere are ignored, letters compare without case.  It runs on the
 *    URL as it will stand in the href (entities already decoded by the
 *    Markdown parser), so `jav&#x61;script:` and `JaVaScRiPt:` are caught.
 *  - With --unsafe-html under --gfm, raw HTML keeps its tags except nine
 *    that change how the rest of the page parses (GFM's "disallowed raw
 *    HTML"): their `<` becomes `&lt;`.  Where it looks is cmark-gfm's:
 *    an HTML block at every `<`, an inline HTML node (a tag, a comment, a
 *    processing instruction, ...) only at its own start, so that
 *    `<a title="<script>">` and `<!-- <style> -->` in a paragraph are
 *    kept as written.  That is known only while the page is rendered:
 *    render.c filters md4c's raw HTML as it writes it, render_cmark.c
 *    cmark-gfm's nodes before it renders them.
 */
#include <ctype.h>
#include <string.h>

#include "md.h"

/* Advances *i past what a browser ignores at that point of a URL: tabs
 * and newlines anywhere, and (lead) C0 controls and spaces at the start. */
static void skip_ignored(const char *u, size_t n, size_t *i, int lead)
{
    while (*i < n) {
        unsigned char c = (unsigned char)u[*i];
        if (c == '\t' || c == '\n' || c == '\r' || (lead && c <= ' '))
            (*i)++;
        else
            break;
    }
}

/* 1 if u[*i..] starts with `word` as a browser reads it; *i moves past it. */
static int starts_with(const char *u, size_t n, size_t *i, const char *word)
{
    size_t k = *i;
    for (const char *w = word; *w; w++) {
        skip_ignored(u, n, &k, 0);
        if (k >= n || tolower((unsigned char)u[k]) != *w)
            return 0;
        k++;
    }
    *i = k;
    return 1;
}

int sl__md_url_is_dangerous(const char *u, size_t n)
{
    static const char *const bad[] = {"javascript:", "vbscript:", "file:", "data:"};
    static const char *const images[] = {"image/png", "image/gif", "image/jpeg", "image/webp"};
    size_t i = 0;
    skip_ignored(u, n, &i, 1);
    unsigned char c = i < n ? (unsigned char)u[i] | 0x20 : 0;
    if (c != 'j' && c != 'v' && c != 'f' && c != 'd')
        return 0; /* the first letter of none of them: most URLs */
    for (size_t s = 0; s < sizeof bad / sizeof bad[0]; s++) {
        size_t k = i;
        if (!starts_with(u, n, &k, bad[s]))
            continue;
        if (s == 3)
            for (size_t m = 0; m < sizeof images / sizeof images[0]; m++) {
                size_t j = k;
                if (starts_with(u, n, &j, images[m]))
                    return 0;
            }
        return 1;
    }
    return 0;
}

/* 1 if h[i..n) (at a '<') opens or closes one of GFM's disallowed tags;
 * open_end: h ends at a line break, which would end the name too. */
static int disallowed_tag(const char *h, size_t n, size_t i, int open_end)
{
    static const char *const tags[] = {"title", "textarea", "style", "xmp", "iframe",
                                       "noembed", "noframes", "script", "plaintext"};
    size_t k = i + 1;
    if (k < n && h[k] == '/')
        k++;
    for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
        size_t l = strlen(tags[t]), j;
        if (n - k < l || (n - k == l && !open_end))
            continue;
        for (j = 0; j < l && tolower((unsigned char)h[k + j]) == tags[t][j]; j++)
            ;
        if (j < l)
            continue;
        if (k + l == n)
            return 1;
        char c = h[k + l];
        if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
            (c == '/' && k + l + 1 < n && h[k + l + 1] == '>'))
            return 1;
    }
    return 0;
}

int sl__md_tagfilter(sl__md_buf *html, size_t from, int every)
{
    const char *h = html->data + from, *p = h;
    size_t n = from < html->len ? html->len - from : 0, hits = 0;
    while ((p = memchr(p, '<', n - (size_t)(p - h)))) {
        hits += disallowed_tag(h, n, (size_t)(p - h), !every);
        if (!every || hits)
            break;
        p++;
    }
    if (!hits)
        return 0;
    /* The text from `from` on is written again after itself is cut off:
     * that is an HTML block or one node, so the copies add up to the page. */
    char *tail = malloc(n);
    if (!tail)
        return -1;
    memcpy(tail, h, n);
    html->len = from;
    size_t done = 0;
    for (size_t i = (size_t)(p - h); i < n; i++) {
        if (tail[i] != '<')
            continue;
        if (disallowed_tag(tail, n, i, !every)) {
            sl__md_buf_put(html, tail + done, i - done);
            sl__md_buf_puts(html, "&lt;");
            done = i + 1;
        }
        if (!every)
            break;
    }
    sl__md_buf_put(html, tail + done, n - done);
    free(tail);
    return html->failed ? -1 : 0;
}
