/*
 * fuzz_own.c - libFuzzer target: any bytes as a page, sluice's own
 * renderer (SL__MD_OWN, render_own.c) against the cmark-gfm path
 * (SL__MD_CMARK, render_cmark.c): the HTML, the headings and the word
 * count must be the same.  The first byte picks the option set (GFM or
 * CommonMark, safe or --unsafe-html, --xhtml, front matter read or not).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned m = data[0];
    /* A copy of exactly the page's bytes: ASan sees any read past it. */
    size_t n = size - 1;
    char *s = malloc(n ? n : 1);
    if (!s)
        return 0;
    memcpy(s, data + 1, n);
    sl__md_opts o = {.commonmark = m & 1, .unsafe_html = m >> 1 & 1, .xhtml = m >> 2 & 1,
                     .no_frontmatter = m >> 3 & 1};
    sl__md_page a, b;
    char ea[256], eb[256];
    o.renderer = SL__MD_OWN;
    int ra = sl__md_render(s, n, &o, &a, ea, sizeof ea);
    o.renderer = SL__MD_CMARK;
    int rb = sl__md_render(s, n, &o, &b, eb, sizeof eb);
    int same = ra == rb;
    /* past sluice md's limits on how far a page's HTML may grow, which
     * this cmark-gfm (0.29.0.gfm.6) does not have: not comparable */
    for (size_t i = 0; ra == 0 && i < a.nwarnings; i++)
        if (strstr(a.warnings[i].msg, "limit on how far the HTML may grow"))
            ra = rb = 1;
    if (same && ra == 0) {
        same = a.html_len == b.html_len && !memcmp(a.html, b.html, a.html_len) && a.nheadings == b.nheadings &&
               a.word_count == b.word_count;
        for (size_t i = 0; same && i < a.nheadings; i++)
            same = a.headings[i].level == b.headings[i].level && same_str(a.headings[i].text, b.headings[i].text) &&
                   same_str(a.headings[i].id, b.headings[i].id);
    }
    if (!same) {
        fprintf(stderr, "fuzz_own: options %u, own and cmark-gfm differ\n--- own:\n%s\n--- cmark:\n%s\n", m & 15,
                ra == 0 ? a.html : ea, rb == 0 ? b.html : eb);
        abort();
    }
    if (ra != -1)
        sl__md_page_free(&a);
    if (rb != -1)
        sl__md_page_free(&b);
    free(s);
    return 0;
}
