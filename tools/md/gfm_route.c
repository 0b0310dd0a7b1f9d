/*
 * gfm_route.c - which GFM pages md4c renders as GitHub does, and which
 * must go to cmark-gfm.
 *
 * md4c 0.4.8 is 3.5-4.5x faster than cmark-gfm but reads some of GFM's
 * extensions otherwise: its tables drop an empty cell (`| d || e |` shifts
 * e left), refuse delimiter cells shorter than three (`-`, `:-`), take a
 * delimiter row whose cell count is not the header's, cannot interrupt a
 * paragraph and run on over lines that start other blocks; its autolinks
 * start and end by other rules (gfm_autolink.c); its strikethrough pairs
 * tilde runs by other rules.  None of that can be fixed from outside md4c,
 * so this one pass over a page asks "could md4c differ here?" and sends
 * the page to cmark-gfm when it could.  It says no only for shapes both
 * read alike:
 *  - a table: a header line that starts a block, a delimiter row of as
 *    many cells of three or more of `:-`, rows up to a blank line that
 *    hold a `|`, start no other block and have no empty cell, no `\|`,
 *    no `|` in a code span and none between `[` and `]` or `<` and `>`
 *    (link text, alt, raw HTML, autolinks: md4c reads them before it
 *    splits the row), none of it inside a block quote or indented;
 *  - an autolink both libraries read to the same extent (gfm_autolink.c
 *    models the two), outside brackets and code;
 *  - tildes: at most one run in a paragraph, or runs of one or two that
 *    open before a word and close after one, in pairs;
 * and everything in code spans and fenced code is skipped (but a fenced
 * block whose lines all lack plain text, where md4c_fix.c cannot place a
 * tab, and a tab right after a list marker or `>`, go to cmark-gfm).
 * Being wrong towards cmark-gfm costs speed, never correctness;
 * route_test.c checks on generated pages that every page the two render
 * differently is sent.  The scan costs about a seventh of md4c's time
 * on bench/md's corpora, mostly at the bytes the inline scan stops at.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "md.h"
#include "route_scan.h"

static int task_after_container(const char *s, size_t l, size_t i, size_t e);
static int task_after_quote(const char *s, size_t l, size_t i, size_t e);
static size_t list_marker(const char *s, size_t n, size_t i);

typedef struct scan {
    const char *s;
    size_t n;
    size_t line, end; /* the line being scanned: [line, end), end at its '\n' or n */
    unsigned tildes;  /* tilde runs seen in the paragraph */
    int open_tilde;   /* a plain pair's opener is waiting for its closer */
    int tilde_len;    /* its length */
    size_t brackets;  /* `[` not yet closed in the paragraph */
    size_t budget;    /* bytes code-span lookahead may still read */
    size_t links;     /* autolinks in the paragraph */
    size_t table_end; /* the end of the rows of the last table both read alike */
    /* The last 16 bytes next_special() classified that held a stop,
     * kept for the next stop in them: a line of links or code spans has
     * a stop every few bytes, and each classified its 16 bytes again. */
    size_t stop_base, stop_end; /* the bytes from stop_base, on the line ending at stop_end */
    unsigned stop_mask;         /* their stops (bits past stop_end off) */
    sl__md_lines lines;         /* the page's line ends */
    sl__md_next_byte angle;     /* its next `<` */
} scan;

/* md4c 0.4.8 takes time that grows with the square of the autolinks in
 * one paragraph (2.4 MB of `www.aN.com` in one: 31 s, cmark-gfm 2 s): a
 * paragraph with more than this many goes to cmark-gfm.  The most in a
 * paragraph of the bench corpora (bench/md: corpus and flat) that stay
 * on md4c is 89; md4c spends about 1 ms on a paragraph of this many. */
#define MAX_PARAGRAPH_AUTOLINKS 1000

/* Bytes the inline scan stops at. */
static const unsigned char special[256] = {
    ['`'] = 1, [':'] = 1, ['.'] = 1, ['@'] = 1, ['~'] = 1, ['['] = 1, [']'] = 1, ['\\'] = 1,
};

/* The first byte at or after i, before end, that the inline scan stops
 * at: 16 at a time where SSE2 is there (most text has none of them).
 * `.` and `:` end most sentences and clauses, but only "www." and "://"
 * can start an autolink, so the vector test passes a `.` only after a
 * `w` and a `:` only before a `/` (the bytes either side are loaded
 * too): each stop costs the scan a mispredicted branch, and prose made
 * most of them.  The scalar tail stops at every special byte; the
 * switch in inline_differs rules the rest out either way. */
static size_t next_special(scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, end = sc->end;
#if defined(__SSE2__)
    if (sc->stop_end == end && i - sc->stop_base < 16) { /* among the bytes last classified */
        unsigned m = sc->stop_mask & (~0u << (i - sc->stop_base));
        if (m)
            return sc->stop_base + (size_t)__builtin_ctz(m);
        if (end - sc->stop_base <= 16)
            return end;
        i = sc->stop_base + 16;
    }
    if (i == 0 && end > 0) { /* nothing before s[0] to load */
        if (special[(unsigned char)s[0]])
            return 0;
        i = 1;
    }
    /* `[`, `\\` and `]` are 0x5B-0x5D: one range test (x - 0x5B <= 2,
     * unsigned); `@` and a backtick differ only in 0x20. */
    const __m128i grave = _mm_set1_epi8('`'), case_bit = _mm_set1_epi8(0x20), co = _mm_set1_epi8(':'),
                  dot = _mm_set1_epi8('.'), ti = _mm_set1_epi8('~'), lb = _mm_set1_epi8('['),
                  two = _mm_set1_epi8(2), zero = _mm_setzero_si128(), w = _mm_set1_epi8('w'),
                  sl = _mm_set1_epi8('/');
    /* The vector runs on past the line's end while the page has 17 more
     * bytes (the bytes past `end` masked off): lines are short, and the
     * byte-at-a-time tail was a good part of the scan. */
    for (; i < end && i + 17 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i before = _mm_loadu_si128((const __m128i *)(const void *)(s + i - 1));
        __m128i after = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        __m128i a = _mm_cmpeq_epi8(_mm_or_si128(v, case_bit), grave);
        __m128i b = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v, co), _mm_cmpeq_epi8(after, sl)),
                                 _mm_and_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(before, w)));
        __m128i c = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(v, lb), two), zero);
        __m128i d = _mm_cmpeq_epi8(v, ti);
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
        if (end - i < 16)
            mask &= (1u << (end - i)) - 1;
        if (mask) {
            sc->stop_base = i;
            sc->stop_end = end;
            sc->stop_mask = mask;
            return i + (size_t)__builtin_ctz(mask);
        }
        if (end - i <= 16)
            return end;
    }
#else
    (void)n; /* only the vector loads need the page's end */
#endif
    while (i < end && !special[(unsigned char)s[i]])
        i++;
    return i;
}

static int is_alnum(unsigned char c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

static int is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static size_t indent(const char *s, size_t from, size_t to)
{
    size_t i = from;
    while (i < to && s[i] == ' ')
        i++;
    return i - from;
}

/* A code fence line (``` or ~~~ at any indent: fences in list items are
 * indented): its character and length, or 0. */
static size_t fence(const char *s, size_t n, char *c)
{
    size_t i = 0, k;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n || (s[i] != '`' && s[i] != '~'))
        return 0;
    for (k = i; k < n && s[k] == s[i]; k++)
        ;
    if (k - i < 3 || (s[i] == '`' && memchr(s + k, '`', n - k)))
        return 0;
    *c = s[i];
    return k - i;
}

/* --- tables --------------------------------------------------------- */

/* The cells of a table row s[0..n) split at unescaped `|` (the outer
 * pipes dropped): their count, or 0 when md4c could split it otherwise
 * than cmark-gfm (an empty cell `||`, `\|`, a `|` in a code span, or a
 * `|` between a `[` and a later `]`, or between a `<` and a later `>`:
 * md4c reads link text, an image's alt, raw HTML, a comment or an
 * autolink there before it splits the row, cmark-gfm splits first -
 * `| [a|b](/u) | c |` was a link and `c` to md4c, `[a` and `b](/u)` to
 * cmark-gfm; advmd F9).  Escaped brackets count too: wrong that way only
 * sends a page to cmark-gfm. */
static size_t row_cells(const char *s, size_t n)
{
    size_t i = 0, cells = 1, last = 0, brackets = 0;
    int bracket_pipe = 0, angle = 0, angle_pipe = 0; /* a `|` since the open `[` / `<` */
    char quote = 0;                                  /* the open attribute quote inside `<` */
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '|')
        i++;
    if (n > i && s[n - 1] == '|' && !(n >= 2 && s[n - 2] == '\\'))
        n--;
    if (is_blank_line(s + i, n - i))
        return 0; /* no cell at all: cmark-gfm ends the table, md4c makes a row */
    for (last = i; i < n; i++) {
        /* `\|`; and `\``: md4c opens a code span at the backtick after
         * it, which may hold `|` over the cells (`| \``x | y | z` |` was
         * one cell of code to md4c; advmd F19) - the run scan below would
         * read the escaped one as part of the run. */
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '|' || s[i + 1] == '`'))
            return 0;
        if (s[i] == '`') { /* a code span holding `|` */
            size_t k = i;
            while (k < n && s[k] == '`')
                k++;
            size_t len = k - i, e = k;
            for (; e < n; e++)
                if (s[e] == '`') {
                    size_t r = e;
                    while (r < n && s[r] == '`')
                        r++;
                    if (r - e == len)
                        break;
                    e = r - 1;
                }
            if (e < n && memchr(s + k, '|', e - k))
                return 0;
            i = (e < n ? e + len : k) - 1;
            continue;
        }
        if (s[i] == '[') {
            brackets++;
        } else if (s[i] == ']' && brackets) {
            if (bracket_pipe)
                return 0;
            brackets--;
        } else if (s[i] == '<' && !angle) {
            /* where md4c's raw HTML can end: a tag at a `>` outside a
             * quoted attribute value, a comment at `-->`, a processing
             * instruction at `?>` (`<span title="a>b|c">` is one tag to
             * md4c, three cells to cmark-gfm).  A `>` it may not end at
             * keeps the `<` open: wrong that way only routes. */
            angle = i + 1 < n && s[i + 1] == '?' ? '?' : i + 3 < n && !memcmp(s + i + 1, "!--", 3) ? '-' : '<';
            quote = 0;
        } else if (angle == '<' && (quote ? s[i] == quote : s[i] == '"' || s[i] == '\'')) {
            quote = quote ? 0 : s[i];
        } else if (s[i] == '>' && angle && !quote &&
                   (angle == '<' || (i >= 2 && s[i - 1] == angle && (angle == '?' || s[i - 2] == '-')))) {
            if (angle_pipe)
                return 0;
            angle = 0;
        } else if (s[i] == '|') {
            if (i == last)
                return 0; /* an empty cell: md4c drops it */
            bracket_pipe |= brackets > 0;
            angle_pipe |= angle;
            cells++;
            last = i + 1;
        }
    }
    return i == last && cells > 1 ? 0 : cells;
}

/* A delimiter row md4c and cmark-gfm both take: cells of `:?-+:?` at
 * least three long, a `|`; its cell count, or 0. */
static size_t delimiter_cells(const char *s, size_t n)
{
    size_t cells = 0, i = 0;
    int pipe = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '|')
        pipe = 1, i++;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n || s[i] == '\r')
            break;
        size_t c = i;
        if (s[i] == ':')
            i++;
        while (i < n && s[i] == '-')
            i++;
        if (i < n && s[i] == ':')
            i++;
        if (i - c < 3 || !memchr(s + c, '-', i - c))
            return 0;
        cells++;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < n && s[i] == '|')
            pipe = 1, i++;
        else if (i < n && s[i] != '\r')
            return 0;
    }
    return pipe ? cells : 0;
}

/* Could a line of only `|:-`, blanks (after block-quote or list markers)
 * be a delimiter row to either library? */
static int maybe_delimiter_row(const char *s, size_t n)
{
    int dash = 0, bar = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-')
            dash = 1;
        else if (c == '|' || c == ':')
            bar = 1;
        else if (c != ' ' && c != '\t' && c != '\r' && c != '>')
            return 0;
    }
    return dash && bar;
}

/* A thematic break: three or more of one of `*-_`, spaces between. */
static int thematic_break(const char *s, size_t n, char c)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == c)
            count++;
        else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    }
    return count >= 3;
}

/* A line that may start a block other than a paragraph (a table row
 * would end there for cmark-gfm, not for md4c). */
static int starts_block(const char *s, size_t n)
{
    size_t i = indent(s, 0, n);
    if (i >= 4 || (i < n && s[i] == '\t'))
        return 1;
    if (i >= n)
        return 0;
    char c = s[i], next = i + 1 < n ? s[i + 1] : ' ';
    if (c == '#' || c == '>' || c == '<')
        return 1;
    if ((c == '`' || c == '~') && n - i >= 3 && s[i + 1] == c && s[i + 2] == c)
        return 1;
    if ((c == '*' || c == '-' || c == '+') && (next == ' ' || next == '\t' || next == '\r'))
        return 1;
    if ((c == '*' || c == '-' || c == '_') && thematic_break(s + i, n - i, c))
        return 1;
    size_t d = i;
    while (d < n && d - i < 10 && s[d] >= '0' && s[d] <= '9')
        d++;
    return d > i && d < n && (s[d] == '.' || s[d] == ')') && (d + 1 == n || s[d + 1] == ' ' || s[d + 1] == '\t');
}

/* The start of the line that ends just before offset `at` (a line start). */
static size_t line_before(const char *s, size_t at)
{
    size_t l = at - 1;
    while (l > 0 && s[l - 1] != '\n')
        l--;
    return l;
}

/* At the delimiter-looking line [sc->line, sc->end), after a header
 * line: 1 unless the table is one both read alike (its rows are then
 * scanned as any line is, and sc->table_end is set past the last). */
static int table_differs(scan *sc)
{
    const char *s = sc->s;
    size_t head = line_before(s, sc->line), hend = sc->line - 1, cols;
    if (s[head] == '>' || s[sc->line] == '>' || indent(s, head, hend) || indent(s, sc->line, sc->end) ||
        s[head] == '\t' || s[sc->line] == '\t')
        return 1; /* in a block quote or a list item */
    if (head > 0) {
        size_t before = line_before(s, head);
        if (!is_blank_line(s + before, head - 1 - before))
            return 1; /* md4c cannot interrupt a paragraph, cmark-gfm can */
    }
    if (starts_block(s + head, hend - head) || !(cols = delimiter_cells(s + sc->line, sc->end - sc->line)) ||
        row_cells(s + head, hend - head) != cols)
        return 1;
    for (size_t l = sc->end + 1, e; l < sc->n; l = e + 1) {
        e = sl__md_next_line_end(&sc->lines, s, sc->n, l);
        if (is_blank_line(s + l, e - l))
            break;
        if (starts_block(s + l, e - l) || !memchr(s + l, '|', e - l) || !row_cells(s + l, e - l))
            return 1;
        sc->table_end = e;
    }
    return 0;
}

/* --- inline ---------------------------------------------------------- */

/* A line of `=` (up to three spaces in, blanks after): under a paragraph
 * line it ends the paragraph as a setext heading's underline. */
static int setext_equals(const char *s, size_t n)
{
    size_t i = indent(s, 0, n);
    if (i >= 4 || i >= n || s[i] != '=')
        return 0;
    while (i < n && s[i] == '=')
        i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i == n;
}

/* Is the line being scanned a block of one line, a row of a table both
 * read alike or an ATX heading (after any `>` marks and list markers)? */
static int one_line_block(const scan *sc)
{
    const char *s = sc->s;
    if (sc->line < sc->table_end)
        return 1;
    size_t i = sc->line, e = sc->end, m, b;
    for (;;) {
        for (b = i; i < e && (s[i] == ' ' || s[i] == '\t'); i++)
            ;
        if (i < e && s[i] == '>') {
            i++;
            continue;
        }
        if ((m = list_marker(s, e, i)) == i || m >= e || (s[m] != ' ' && s[m] != '\t'))
            break;
        i = m;
    }
    size_t h = i;
    while (h < e && s[h] == '#')
        h++;
    return i - b < 4 && h > i && h - i <= 6 && (h == e || s[h] == ' ' || s[h] == '\t' || s[h] == '\r');
}

/* At s[i], a run of backticks: the index just past the code span it opens
 * (it may run over lines, not past a blank one), or i when it does not
 * close (then the backticks are text).  -1 when the lookahead budget (for
 * pathological pages) is spent. */
static size_t code_span_end(scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t k = i, n = sc->n;
    while (k < n && s[k] == '`')
        k++;
    size_t open = k - i, from = k, stop = n;
    /* The paragraph's end bounds the search: the first blank line or line
     * that starts a block (or underlines a setext heading), looked for
     * only as far as a closer candidate.  A table row or an ATX heading
     * is a block of one line: a span opened there ends on it, or the
     * backticks are text (the scan skipped an autolink in a later row or
     * the paragraph after a heading, advmd F20). */
    for (size_t nl = k;;) {
        const char *bt = memchr(s + k, '`', stop - k);
        size_t b = bt ? (size_t)(bt - s) : stop;
        const char *p;
        if (b > sc->end && nl <= sc->end && one_line_block(sc))
            stop = b = sc->end;
        while (nl < b && (p = memchr(s + nl, '\n', b - nl))) {
            size_t l = (size_t)(p - s) + 1, e = sl__md_line_end(s, n, l);
            if (is_blank_line(s + l, e - l) || starts_block(s + l, e - l) || setext_equals(s + l, e - l)) {
                stop = b = l;
                break;
            }
            nl = l;
        }
        nl = b;
        if (b >= stop)
            break;
        size_t e = b;
        while (e < n && s[e] == '`')
            e++;
        if (e - b == open)
            return e;
        k = e;
        nl = e;
    }
    if (stop - from > sc->budget)
        return (size_t)-1;
    sc->budget -= stop - from;
    return i;
}

/* A tilde run at s[i] of length len: 1 if the paragraph's tildes may pair
 * differently in the two. */
static int tildes_differ(scan *sc, size_t i, size_t len)
{
    const char *s = sc->s;
    unsigned char before = i ? (unsigned char)s[i - 1] : '\n', after = i + len < sc->n ? (unsigned char)s[i + len] : '\n';
    sc->tildes++;
    if (len > 2 || before == '\\')
        return sc->tildes > 1 || len > 2;
    int opener = (before == ' ' || before == '\n' || before == '\t' || before == '(') && is_alnum(after);
    int closer = is_alnum(before) && (after == ' ' || after == '\t' || after == '\r' || after == '\n' || after == '.' ||
                                      after == ',' || after == ';' || after == ':' || after == '!' || after == '?' ||
                                      after == ')');
    if (!sc->open_tilde && opener) {
        sc->open_tilde = 1;
        sc->tilde_len = (int)len;
        return sc->tildes % 2 == 0; /* a run before it was left alone */
    }
    if (sc->open_tilde && closer && (int)len == sc->tilde_len) {
        sc->open_tilde = 0;
        return 0;
    }
    return sc->tildes > 1; /* a lone run is text to both */
}

/* The end of a paragraph (a blank line): its inline state starts over.
 * 1 if what it left open could read otherwise in the two. */
static int paragraph_ends(scan *sc)
{
    int differs = sc->open_tilde && sc->tildes > 1;
    sc->tildes = 0;
    sc->open_tilde = 0;
    sc->brackets = 0;
    sc->links = 0;
    return differs;
}

static int alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* The text of a link candidate, s[i..skip): md4c lets a `*` in it close
 * emphasis (even none: a stray </em>), and a `_` run that may open or
 * close (`_see www.x.org/Foo_(bar)`: an <em> opened, its closer
 * swallowed by the link, never closed), and a `~` in it pair with tildes
 * outside it; cmark-gfm does none of that.  1 if that could matter.  A
 * `_` run between letters or digits (`node_modules`, `#fs_mkdir`) can do
 * neither (bytes past ASCII count as letters here: a superset). */
static int link_marks_differ(scan *sc, size_t i, size_t skip)
{
    const char *s = sc->s, *end = s + (skip < sc->n ? skip : sc->n);
    if (memchr(s + i, '*', (size_t)(end - (s + i))))
        return 1;
    for (const char *u = s + i; (u = memchr(u, '_', (size_t)(end - u))); u++) {
        const char *k = u;
        while (k < end && *k == '_')
            k++;
        if (!alnum((unsigned char)u[-1]) || k == s + sc->n || !alnum((unsigned char)*k))
            return 1;
        u = k - 1;
    }
    for (const char *t = s + i; (t = memchr(t, '~', (size_t)(end - t))); t++)
        if ((t == s + i || t[-1] != '~') && ++sc->tildes > 1)
            return 1;
    return 0;
}

/* Scans the inline bytes of line [from, sc->end): 1 if md4c could differ. */
static int inline_differs(scan *sc, size_t from)
{
    const char *s = sc->s;
    for (size_t i = from; (i = next_special(sc, i)) < sc->end; i++) {
        size_t skip;
        int link;
        switch (s[i]) {
        case '\\':
            i++; /* an escaped byte is text to both */
            if (i < sc->end && s[i] == '~' && sc->tildes++)
                return 1;
            break;
        case '`': {
            size_t e = code_span_end(sc, i);
            if (e == (size_t)-1)
                return 1;
            if (e > sc->end) { /* over lines: go on from the line where it closes */
                sc->line = line_before(s, sl__md_line_end(s, sc->n, e) + 1);
                sc->end = sl__md_line_end(s, sc->n, e);
            }
            i = (e > i ? e : i + 1) - 1;
            while (i + 1 < sc->end && s[i + 1] == '`')
                i++;
            break;
        }
        case '[':
            /* A task box is `[`, one byte, `]`: the three looks below
             * each ask that first (most `[` open a link's text; one of
             * them was a call). */
            if (sc->end - i >= 3 && s[i + 2] == ']' &&
                (sl__md_gfm_bare_task(s, sc->end, i) || task_after_container(s, sc->line, i, sc->end) ||
                 task_after_quote(s, sc->line, i, sc->end)))
                return 1;
            sc->brackets++;
            break;
        case ']':
            sc->brackets -= sc->brackets > 0;
            break;
        case '~': {
            size_t k = i;
            while (k < sc->end && s[k] == '~')
                k++;
            /* cmark-gfm 0.29's strikethrough takes the flanking of a `*`
             * or `_` run right next to a tilde run away (`__a__~x`, `x~*_b
             * c*`: no emphasis to it, to md4c and CommonMark some). */
            if ((i > sc->line && (s[i - 1] == '*' || s[i - 1] == '_')) ||
                (k < sc->end && (s[k] == '*' || s[k] == '_')))
                return 1;
            if (tildes_differ(sc, i, k - i))
                return 1;
            i = k - 1;
            break;
        }
        default: /* ':' '.' '@': an autolink candidate when "://" or "www." */
            if (s[i] == '.' ? i < 3 || memcmp(s + i - 3, "www", 3) : s[i] == ':' && (i + 2 >= sc->n || s[i + 1] != '/' || s[i + 2] != '/'))
                break;
            if (sl__md_autolink_differs(s, sc->n, i, sc->end, &skip, &link))
                return 1;
            if (sc->brackets && link)
                return 1; /* in a bracket cmark-gfm links no URL, md4c may */
            if (link && (link_marks_differ(sc, i, skip) || ++sc->links > MAX_PARAGRAPH_AUTOLINKS))
                return 1;
            i = (skip > sc->end ? sc->end : skip) - 1;
            break;
        }
    }
    return 0;
}

/* --- lines ----------------------------------------------------------- */

/* After a list marker at s[i] (`-`, `*`, `+`, `1.`, `1)`), or i. */
static size_t list_marker(const char *s, size_t n, size_t i)
{
    if (i < n && (s[i] == '-' || s[i] == '*' || s[i] == '+'))
        return i + 1;
    size_t m = i;
    while (m < n && m - i < 9 && s[m] >= '0' && s[m] <= '9')
        m++;
    return m > i && m < n && (s[m] == '.' || s[m] == ')') ? m + 1 : i;
}

/* A tab md4c counts otherwise than cmark-gfm: in the blanks after a list
 * marker or a `>` (at any depth of nested markers), or in the indentation
 * of a line holding only escaped bytes (`<>&"`), which md4c_fix.c has no
 * page text on to place it by. */
/* (Inlined: both scans call it on most lines that start with no letter;
 * as a call it cost gfm_needs_cmark 6% more on bench/md's flat corpus.) */
__attribute__((always_inline)) static inline int tab_md4c_miscounts(const char *s, size_t n)
{
    size_t i = 0, m, tab = 0;
    for (;;) {
        while (i < n && s[i] == ' ')
            i++;
        if (i < n && s[i] == '>') {
            for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
                if (s[i] == '\t')
                    return 1;
            continue;
        }
        if ((m = list_marker(s, n, i)) == i || (m < n && s[m] != ' ' && s[m] != '\t'))
            break;
        for (i = m; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
            if (s[i] == '\t')
                return 1;
    }
    for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
        tab |= s[i] == '\t';
    if (!tab || i == n)
        return 0;
    for (; i < n; i++)
        if (!strchr("<>&\"\r", s[i]))
            return 0;
    return 1;
}

/* `[id]: url` - a link reference definition: nothing on it autolinks.
 * Only a line both read as one is skipped: the URL alone, or followed by
 * a title that closes on the line, and nothing after it.  Text after the
 * URL (`[a]:http://g t`) or a line that continues a paragraph makes no
 * definition: the line is a paragraph's, whose URL cmark-gfm links and
 * md4c may not (`http://g`, no dot in the host), so it is scanned as any
 * other.  So is a title left open at the line's end, which may close on
 * a later line or not. */
static int link_definition(const char *s, size_t n)
{
    size_t i = indent(s, 0, n);
    if (i >= 4 || i >= n || s[i] != '[')
        return 0;
    const char *close = memchr(s + i, ']', n - i);
    if (!close || close + 1 >= s + n || close[1] != ':' || memchr(s + i + 1, '[', (size_t)(close - s) - i - 1) ||
        close - (s + i) > 1000)
        return 0;
    const char *c = s + i + 1;
    while (c < close && (*c == ' ' || *c == '\t'))
        c++;
    if (c == close) /* a blank label makes no definition (adv18 F8: `[]:url`) */
        return 0;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    for (i = (size_t)(close - s) + 2; i < n && (s[i] == ' ' || s[i] == '\t');)
        i++;
    if (i == n)
        return 1; /* the URL on the next line, scanned there */
    if (s[i] == '<') {
        for (i++; i < n && s[i] != '>'; i++)
            if (s[i] == '<' || (s[i] == '\\' && ++i == n))
                return 0;
        if (i++ == n)
            return 0;
    } else {
        int depth = 0;
        for (; i < n && (unsigned char)s[i] > ' ' && s[i] != 0x7F; i++)
            if (s[i] == '\\' && i + 1 < n)
                i++;
            else if ((depth += (s[i] == '(') - (s[i] == ')')) < 0)
                return 0;
        if (depth)
            return 0;
    }
    size_t t = i;
    while (t < n && (s[t] == ' ' || s[t] == '\t'))
        t++;
    if (t == n)
        return 1;
    char q = s[t] == '(' ? ')' : s[t];
    if (t == i || (q != '"' && q != '\'' && q != ')'))
        return 0;
    for (t++; t < n && s[t] != q; t++)
        if ((s[t] == '\\' && ++t == n) || (q == ')' && s[t] == '('))
            return 0;
    if (t == n)
        return 0;
    for (t++; t < n && (s[t] == ' ' || s[t] == '\t');)
        t++;
    return t == n;
}

/* The column s[from..to) has its first byte that is not a blank at (a
 * tab to its stop). */
static size_t column(const char *s, size_t from, size_t to)
{
    size_t col = 0;
    for (; from < to && (s[from] == ' ' || s[from] == '\t'); from++)
        col = s[from] == '\t' ? col + 4 - col % 4 : col + 1;
    return col;
}

/* Fenced code from the opening line at sc->line: skipped, except that a
 * block with a tab in a line's indentation and no line of plain text is
 * sent on (md4c_fix.c has nothing to place the tab by).  Returns the line
 * after the block, or (size_t)-1 to route. */
static size_t fenced_block(scan *sc, size_t flen, char fc)
{
    const char *s = sc->s;
    size_t l = sc->end + 1, tab = 0, text = 0, in = indent(s, sc->line, sc->end), in_col = column(s, sc->line, sc->end);
    int closed = 0;
    const char *info = s + sc->line + in + flen;
    text = !is_blank_line(info, (size_t)(s + sc->end - info));
    while (l < sc->n) {
        size_t e = sl__md_next_line_end(&sc->lines, s, sc->n, l), f, col;
        char c;
        size_t w = l;
        while (w < e && (s[w] == ' ' || s[w] == '\t'))
            w++;
        if ((f = fence(s + l, e - l, &c)) >= flen && c == fc && is_blank_line(s + w + f, e - w - f) &&
            (col = column(s, l, e)) < in_col + 4) {
            /* A closer up to three columns past the margin of the fence's
             * container: with the fence itself four or more columns in,
             * a list item's, up to three columns left of the fence. */
            if (col > 3 && col > in_col)
                return (size_t)-1; /* where that item starts is not known here */
            closed = 1;
            l = e + 1;
            break;
        }
        if (in && !is_blank_line(s + l, e - l) && indent(s, l, e) < in && s[l] != '\t')
            return (size_t)-1; /* the list item it is in may end here */
        if (!tab && w > l) /* most code lines: no indentation, or a tab already seen */
            tab = memchr(s + l, '\t', w - l) != NULL;
        for (; w < e && !text; w++)
            text = !strchr(" \t\r<>&\"", s[w]);
        l = e + 1;
    }
    if (!closed && in)
        return (size_t)-1; /* not closed: it ends where its list item does */
    return tab && !text ? (size_t)-1 : l;
}

/* Letters, and bytes past ASCII (other scripts' letters). */
static const unsigned char letter_start[256] = {
#define L8(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1, [c + 4] = 1, [c + 5] = 1, [c + 6] = 1, [c + 7] = 1
    L8('A'), L8('I'), L8('Q'), ['Y'] = 1, ['Z'] = 1, L8('a'), L8('i'), L8('q'), ['y'] = 1, ['z'] = 1,
    L8(0x80), L8(0x88), L8(0x90), L8(0x98), L8(0xA0), L8(0xA8), L8(0xB0), L8(0xB8),
    L8(0xC0), L8(0xC8), L8(0xD0), L8(0xD8), L8(0xE0), L8(0xE8), L8(0xF0), L8(0xF8),
#undef L8
};

/* A task item's `[ ]` (or `[x]`) after a `>` or after another list
 * marker on its line (`> - [ ] a`, `- - [x] b`, `1. * [ ] c`): cmark-gfm
 * 0.29's task list extension draws a checkbox only for an item whose
 * marker starts its line, md4c for any (adv18 F6: the same quote had
 * checkboxes or not as something else routed its page). */
static int task_after_container(const char *s, size_t l, size_t i, size_t e)
{
    if (e - i < 3 || s[i + 2] != ']' || !(s[i + 1] == ' ' || s[i + 1] == 'x' || s[i + 1] == 'X') || i == l ||
        (s[i - 1] != ' ' && s[i - 1] != '\t'))
        return 0;
    int markers = 0, quote = 0;
    for (size_t k = l; k < i;) {
        char c = s[k];
        if (c == ' ' || c == '\t') {
            k++;
            continue;
        }
        if (c == '>') {
            quote = 1;
            k++;
            continue;
        }
        if (c >= '0' && c <= '9') {
            size_t d = k;
            while (k < i && s[k] >= '0' && s[k] <= '9')
                k++;
            if (k - d > 9 || k >= i || (s[k] != '.' && s[k] != ')'))
                return 0;
        } else if (c != '-' && c != '*' && c != '+') {
            return 0;
        }
        k++; /* past the marker: a blank must follow */
        if (k < i && s[k] != ' ' && s[k] != '\t')
            return 0;
        markers++;
    }
    return markers >= 1 && (quote || markers >= 2);
}

/* A task item's `[ ]` (or `[x]`) on an item's own line right under a
 * quoted line, or a lazy line of a quote's paragraph, in the item before
 * (`- a`, `  > x`, `- [ ] t`): md4c 0.4.8 looks for the task mark only
 * when the innermost open container is a list item, and the quote is
 * still open at that line, so it draws no checkbox; cmark-gfm does
 * (adv20 F1).  The lines above, up to a blank one or the item before's
 * own marker line, are looked at for a `>`; past 32 of them the page
 * goes too. */
static int task_after_quote(const char *s, size_t l, size_t i, size_t e)
{
    if (e - i < 3 || s[i + 2] != ']' || !(s[i + 1] == ' ' || s[i + 1] == 'x' || s[i + 1] == 'X') || l == 0)
        return 0;
    size_t k = l, m;
    while (k < i && s[k] == ' ')
        k++;
    if ((m = list_marker(s, i, k)) == k || m >= i)
        return 0;
    for (size_t b = m; b < i; b++)
        if (s[b] != ' ' && s[b] != '\t')
            return 0; /* a `[` after text, or after a quote (task_after_container) */
    for (size_t up = l, lines = 0; up > 0; up = line_before(s, up), lines++) {
        size_t pl = line_before(s, up), j = pl, end = up - 1;
        if (lines == 32)
            return 1;
        while (j < end && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
            j++;
        if (j == end)
            return 0; /* a blank line closed the quote */
        int sibling = j - pl == k - l && list_marker(s, end, j) > j;
        for (;;) {
            while (j < end && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j < end && s[j] == '>')
                return 1;
            if ((m = list_marker(s, end, j)) == j || m >= end || (s[m] != ' ' && s[m] != '\t'))
                break;
            j = m;
        }
        if (sibling)
            return 0; /* the item before starts here, with no quote */
    }
    return 0;
}

int sl__md_gfm_bare_task(const char *s, size_t n, size_t i)
{
    /* `]` first: most `[` open a link's text, and strchr() was a call
     * (it also matches the NUL ending its string, kept here). */
    if (n - i < 3 || s[i + 2] != ']' || !(s[i + 1] == ' ' || s[i + 1] == 'x' || s[i + 1] == 'X' || !s[i + 1]))
        return 0;
    for (size_t k = i + 3; k < n && s[k] != '\n'; k++)
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            return 0;
    return 1;
}

int sl__md_gfm_needs_cmark(const char *s, size_t n)
{
    scan sc = {.s = s, .n = n, .budget = 64 * (n + 1024), .stop_end = (size_t)-1};
    unsigned html = 0;   /* sl__md_html_lines() */
    int after_break = 1; /* the line before ended a paragraph, if any */
    for (sc.line = 0; sc.line < n; sc.line = sc.end + 1) {
        sc.end = sl__md_next_line_end(&sc.lines, s, n, sc.line);
        size_t len = sc.end - sc.line, f;
        char fc;
        int def_ok = after_break;
        after_break = 0;
        /* A line that starts with a letter neither starts nor ends a run
         * of raw HTML lines; it may only end a block of types 1-5.  With
         * none open, a line without a `<` leaves the state as it is (most
         * lines: the call cost more than the look). */
        if ((!letter_start[(unsigned char)s[sc.line]] || (html >> SL__MD_HTML_OPEN_SHIFT)) &&
            (html || sl__md_find_byte(&sc.angle, s, n, sc.line, '<') < sc.end))
            sl__md_html_lines(s, sc.line, sc.end, &html);
        /* A line that starts with a letter (most of prose) is no blank
         * line, fence, list item, quote, delimiter row or definition:
         * the tests below all answer no at its first byte. */
        if (letter_start[(unsigned char)s[sc.line]]) {
            if (inline_differs(&sc, sc.line))
                return 1;
            continue;
        }
        if (is_blank_line(s + sc.line, len)) {
            if (paragraph_ends(&sc))
                return 1;
            after_break = 1;
            continue;
        }
        if ((f = fence(s + sc.line, len, &fc))) {
            /* In raw HTML it is the block's text, not a fence: which
             * lines are code is unknown here (adv15 A3). */
            if (html)
                return 1;
            size_t next = fenced_block(&sc, f, fc);
            if (next == (size_t)-1 || paragraph_ends(&sc))
                return 1;
            sc.end = next - 1;
            after_break = 1;
            continue;
        }
        if (tab_md4c_miscounts(s + sc.line, len))
            return 1;
        if (maybe_delimiter_row(s + sc.line, len)) {
            if (sc.line == 0 || table_differs(&sc))
                return 1;
            continue;
        }
        /* A definition cannot interrupt a paragraph: only after a blank
         * line, a fenced block or another definition is it one. */
        if (def_ok && link_definition(s + sc.line, len)) {
            after_break = 1;
            continue;
        }
        if (inline_differs(&sc, sc.line))
            return 1;
    }
    return paragraph_ends(&sc);
}

int sl__md_commonmark_needs_cmark(const char *s, size_t n)
{
    scan sc = {.s = s, .n = n, .stop_end = (size_t)-1};
    unsigned html = 0;
    for (sc.line = 0; sc.line < n; sc.line = sc.end + 1) {
        sc.end = sl__md_next_line_end(&sc.lines, s, n, sc.line);
        size_t len = sc.end - sc.line, f;
        char fc;
        if ((!letter_start[(unsigned char)s[sc.line]] || (html >> SL__MD_HTML_OPEN_SHIFT)) &&
            (html || sl__md_find_byte(&sc.angle, s, n, sc.line, '<') < sc.end))
            sl__md_html_lines(s, sc.line, sc.end, &html);
        if (letter_start[(unsigned char)s[sc.line]])
            continue;
        if ((f = fence(s + sc.line, len, &fc))) {
            if (html)
                return 1;
            size_t next = fenced_block(&sc, f, fc);
            if (next == (size_t)-1)
                return 1;
            sc.end = next - 1;
            continue;
        }
        if (tab_md4c_miscounts(s + sc.line, len))
            return 1;
    }
    return 0;
}
