/*
 * cmark_slow.c - pages cmark-gfm 0.29.0.gfm.6 (Debian's) takes time for
 * that grows with the square of their size, where md4c 0.4.8 is linear:
 * such a page stays on md4c even where a routing check would send it to
 * cmark-gfm, which could be made to spend minutes on one page (a 60 KB
 * table row of `|`: 56 s on a loaded machine, md4c 0.05 s).  What md4c
 * renders otherwise on it is the price; no real page comes near the
 * limits (the most `|` on a line of bench/md's corpora is 140).
 *  - A line with more than 4096 `|`: cmark-gfm's table extension appends
 *    each cell to a linked list by walking it from its head.
 *  - More than 1024 `<![CDATA[`: each unclosed one is scanned to the end
 *    of the paragraph for its `]]>`.
 *  - `[` nested more than 1024 deep (`![[]()` repeated): each link made
 *    inside them walks the stack of open brackets to deactivate them.
 *    Not where a `]:` may define a link reference: md4c is the quadratic
 *    one then (md4c_blocks.c routes such pages), and a page slow for
 *    both goes where its square is smaller.
 * The scan reads each byte a few times at most; it runs only on pages
 * already routed.
 */
#include <string.h>

#include "md.h"

enum { MAX_LINE_PIPES = 4096, MAX_CDATA = 1024, MAX_BRACKET_DEPTH = 1024 };

/* The most `|` on one line. */
static size_t most_pipes_on_a_line(const char *s, size_t n)
{
    const char *p = s, *end = s + n, *eol = memchr(s, '\n', n);
    size_t pipes = 0, most = 0;
    if (!eol)
        eol = end;
    for (; (p = memchr(p, '|', (size_t)(end - p))); p++) {
        if (p > eol) { /* on a later line: its end */
            if (!(eol = memchr(p, '\n', (size_t)(end - p))))
                eol = end;
            pipes = 0;
        }
        if (++pipes > most)
            most = pipes;
    }
    return most;
}

/* How deep `[` nest, and how many `<![CDATA[` there are (each holds two
 * `[`): one walk over the `[` and `]`. */
static void brackets_and_cdata(const char *s, size_t n, size_t *deepest, size_t *cdata)
{
    size_t depth = 0;
    const char *end = s + n, *from = s; /* the `]` before each `[` are counted from `from` */
    *deepest = *cdata = 0;
    for (const char *p = memchr(s, '[', n); p; p = memchr(p + 1, '[', (size_t)(end - p - 1))) {
        for (const char *q = from; (q = memchr(q, ']', (size_t)(p - q))); q++)
            depth -= depth > 0;
        from = p + 1;
        if (p - s >= 8 && p[-1] == 'A' && !memcmp(p - 8, "<![CDATA", 8))
            ++*cdata;
        if (++depth > *deepest)
            *deepest = depth;
    }
}

int sl__md_cmark_slow(const char *s, size_t n)
{
    size_t pipes = most_pipes_on_a_line(s, n), deepest, cdata;
    brackets_and_cdata(s, n, &deepest, &cdata);
    /* Where a `]:` may define a link reference, md4c is the one that is
     * quadratic in the bracket depth (md4c_blocks.c routes those pages):
     * a page slow for both goes where its square is the smaller one (the
     * two cost a few ns a step each, measured) - a hostile page is slow
     * somewhere; --isolate bounds it. */
    size_t md4c_cost = deepest > SL_MD_MD4C_BRACKET_DEPTH && memmem(s, n, "]:", 2) ? deepest : 0;
    size_t cmark_cost = 0;
    if (pipes > MAX_LINE_PIPES)
        cmark_cost = pipes;
    if (cdata > MAX_CDATA && cdata > cmark_cost)
        cmark_cost = cdata;
    if (!md4c_cost && deepest > MAX_BRACKET_DEPTH && deepest > cmark_cost)
        cmark_cost = deepest;
    return cmark_cost > md4c_cost;
}
