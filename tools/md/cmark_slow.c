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
 *    one then (md4c_blocks.c routes such pages).
 * The scan reads each byte a few times at most; it runs only on pages
 * already routed.
 */
#include <string.h>

#include "md.h"

enum { MAX_LINE_PIPES = 4096, MAX_CDATA = 1024, MAX_BRACKET_DEPTH = 1024 };

static int many_pipes_on_a_line(const char *s, size_t n)
{
    const char *p = s, *end = s + n, *eol = memchr(s, '\n', n);
    size_t pipes = 0;
    if (!eol)
        eol = end;
    for (; (p = memchr(p, '|', (size_t)(end - p))); p++) {
        if (p > eol) { /* on a later line: its end */
            if (!(eol = memchr(p, '\n', (size_t)(end - p))))
                eol = end;
            pipes = 0;
        }
        if (++pipes > MAX_LINE_PIPES)
            return 1;
    }
    return 0;
}

/* Brackets nested too deep, or too many `<![CDATA[` (each holds two
 * `[`): one walk over the `[` and `]`. */
static int deep_brackets_or_cdata(const char *s, size_t n)
{
    size_t depth = 0, cdata = 0;
    const char *end = s + n, *from = s; /* the `]` before each `[` are counted from `from` */
    for (const char *p = memchr(s, '[', n); p; p = memchr(p + 1, '[', (size_t)(end - p - 1))) {
        for (const char *q = from; (q = memchr(q, ']', (size_t)(p - q))); q++)
            depth -= depth > 0;
        from = p + 1;
        if (p - s >= 8 && p[-1] == 'A' && !memcmp(p - 8, "<![CDATA", 8) && ++cdata > MAX_CDATA)
            return 1;
        if (++depth > MAX_BRACKET_DEPTH)
            return !memmem(s, n, "]:", 2);
    }
    return 0;
}

int sl__md_cmark_slow(const char *s, size_t n)
{
    return many_pipes_on_a_line(s, n) || deep_brackets_or_cdata(s, n);
}
