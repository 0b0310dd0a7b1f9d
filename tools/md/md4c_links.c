/*
 * md4c_links.c - two places where md4c 0.4.8 reads an inline link
 * unlike CommonMark (and so unlike cmark-gfm), found before rendering:
 * such a page goes to cmark-gfm, as md4c_lists.c's rules send theirs
 * (adv15's findings A13 and A9).
 *
 *  - A backtick in a link's destination or title (`[a](u "`t") x``,
 *    `[a](x`b)``): md4c pairs code spans before it looks for links, so
 *    that backtick opened a span with one after the link and the link
 *    was lost; cmark-gfm reads the link at its `]`, before it ever sees
 *    the backtick, which is then the destination's or the title's.
 *  - A failed link whose destination is a URL with a host that starts
 *    with a dot (`[a](http://.example.com/x`): md4c autolinks it,
 *    cmark-gfm does not; or a URL with a backtick in it, which md4c
 *    pairs with one after it where cmark-gfm links the URL.
 *
 * md4c_lists.c's walk over the page's `]` calls this at each `](`; the
 * destination and title are read as cmark-gfm 0.29 reads them
 * (`manual_scan_link_url`, `scan_link_title`), so only a link both may
 * read sends the page, and every byte is looked at by one `](` at most.
 */
#include <stddef.h>

#include "md.h"
#include "route_scan.h"

/* A byte md4c ends an unbracketed destination at and cmark-gfm keeps in
 * it: an ASCII control other than a line end, tab or NUL (\v, \f, 0x01,
 * 0x1f, 0x7f: `[a](u<VT>y)` is no link to md4c, href="u%0By" to cmark-gfm). */
static int md4c_ends_destination(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != 0) || u == 0x7f;
}

/* 1 if s[d..x) holds a byte md4c_ends_destination() takes, where no
 * byte is a line end or a tab (the caller stopped before them): every
 * link on a page is looked at, and a byte-at-a-time test of each URL was
 * a tenth of all routing, so SSE2 tests 16 bytes at once where it can. */
static int controls_in(const char *s, size_t d, size_t x)
{
#if defined(__SSE2__)
    const __m128i del = _mm_set1_epi8(0x7f), below = _mm_set1_epi8(0x1f), zero = _mm_setzero_si128();
    for (; x - d >= 16; d += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + d));
        /* v <= 0x1f unsigned (saturating v - 0x1f is 0), less the NULs; or 0x7f */
        __m128i ctl = _mm_andnot_si128(_mm_cmpeq_epi8(v, zero), _mm_cmpeq_epi8(_mm_subs_epu8(v, below), zero));
        if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(v, del))))
            return 1;
    }
#endif
    for (; d < x; d++)
        if (md4c_ends_destination(s[d]))
            return 1;
    return 0;
}

/* cmark's scan_spacechars: past the whitespace, line ends too, at s[i]. */
static size_t past_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && sl__md_ascii_space((unsigned char)s[i]))
        i++;
    return i;
}

/* s[d..) is a failed link's destination: 1 if it is a URL GFM autolinks
 * (`http://`, `https://`, `ftp://`, any case) that md4c reads otherwise
 * - a host that starts with a dot (md4c links it, cmark-gfm not), or a
 * backtick in it (md4c pairs it with one after, cmark-gfm links it). */
static int failed_url_differs(const char *s, size_t n, size_t d, int ticks)
{
    static const char *const scheme[] = {"http://", "https://", "ftp://"};
    for (size_t k = 0; k < sizeof scheme / sizeof scheme[0]; k++) {
        size_t j = 0;
        while (scheme[k][j] && d + j < n && (s[d + j] | (scheme[k][j] >= 'a' ? 0x20 : 0)) == scheme[k][j])
            j++;
        if (!scheme[k][j])
            return ticks || (d + j < n && s[d + j] == '.');
    }
    return 0;
}

/* The backtick runs met in a link's destination and title, in order: a
 * run at s[k] is noted and skipped (*k: its last backtick). */
typedef struct ticks {
    size_t len[16], count; /* count past 16: too many to follow, taken as unpaired */
} ticks;

static void tick_run(const char *s, size_t n, size_t *k, ticks *t)
{
    size_t e = *k;
    while (e + 1 < n && s[e + 1] == '`')
        e++;
    if (t->count < 16)
        t->len[t->count] = e - *k + 1;
    t->count++;
    *k = e;
}

/* 1 if a run is left without a closer of its length inside the link, as
 * code spans pair (an opener takes the next run of its length): md4c
 * pairs that one with a run after the link. */
static int unpaired(const ticks *t)
{
    if (t->count > 16)
        return 1;
    for (size_t a = 0; a < t->count; a++) {
        size_t b = a + 1;
        while (b < t->count && t->len[b] != t->len[a])
            b++;
        if (b == t->count)
            return 1;
        a = b;
    }
    return 0;
}

int sl__md_inline_link_misread(const char *s, size_t n, size_t i)
{
    size_t d = past_spaces(s, n, i + 2), e = d;
    /* Most destinations are a URL or a path that runs to the `)`: 16
     * bytes at a time up to the first byte that could end it otherwise
     * or hold what is looked for; then a look for the controls md4c ends
     * a destination at (md4c_ends_destination; eight kinds is find_any's
     * most). */
    static const char stop[] = {')', '(', ' ', '`', '\\', '\n', '\t', '\r'};
    if (d < n && s[d] != '<') {
        size_t x = sl__md_find_any(s, n, d, stop, sizeof stop);
        if (x < n && s[x] == ')')
            return controls_in(s, d, x); /* else a link to both, no backtick in it */
    }
    ticks tick = {{0}, 0}; /* the backtick runs, not escaped, in the destination and title */
    if (e < n && s[e] == '<') { /* `<...>`: no line end or `<` inside */
        for (e++; e < n && s[e] != '>'; e++) {
            if (s[e] == '\n' || s[e] == '<')
                return 0;
            if (s[e] == '\\' && e + 1 < n && sl__md_ascii_punct((unsigned char)s[e + 1]))
                e++;
            else if (s[e] == '`')
                tick_run(s, n, &e, &tick);
        }
        if (e++ >= n)
            return 0;
    } else { /* up to a blank, parentheses balanced (32 deep at most) */
        for (size_t depth = 0; e < n && !sl__md_ascii_space((unsigned char)s[e]); e++) {
            if (md4c_ends_destination(s[e]))
                return 1; /* md4c ends the destination here; cmark-gfm does not */
            if (s[e] == '\\' && e + 1 < n && sl__md_ascii_punct((unsigned char)s[e + 1]))
                e++;
            else if (s[e] == '(' && ++depth > 32)
                return 0;
            else if (s[e] == ')' && !depth--)
                break;
            else if (s[e] == '`')
                tick_run(s, n, &e, &tick);
        }
        if (e < n && md4c_ends_destination(s[e]))
            return 1; /* \v or \f, which end the loop as blanks */
        if (e >= n)
            return failed_url_differs(s, n, d, tick.count > 0);
    }
    size_t dest_ticks = tick.count;
    size_t t = past_spaces(s, n, e), end = t;
    if (t > e && t < n && (s[t] == '"' || s[t] == '\'' || s[t] == '(')) {
        char close = s[t] == '(' ? ')' : s[t];
        size_t k = t + 1;
        for (; k < n && s[k] != close; k++) {
            if (s[k] == '\\' && k + 1 < n)
                k++;
            else if (close == ')' && s[k] == '(')
                break;
            else if (s[k] == '`')
                tick_run(s, n, &k, &tick);
        }
        if (k < n && s[k] == close)
            end = past_spaces(s, n, k + 1);
    }
    if (end < n && s[end] == ')')
        return unpaired(&tick); /* a link to cmark-gfm: md4c's span, if a run goes on past it */
    return s[d] != '<' && failed_url_differs(s, n, d, dest_ticks > 0);
}
