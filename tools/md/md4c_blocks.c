/*
 * md4c_blocks.c - code fences, code spans over lines and failed link
 * destinations: more places where md4c 0.4.8 reads a page unlike
 * CommonMark (cmark-gfm), found before rendering; such a page goes to
 * cmark-gfm, as md4c_misreads.c's rules send theirs (adv14's findings).
 *
 *  - A closing fence followed by a tab (```` ```\t ````): md4c does not
 *    close the block there, and the rest of the page stays code.  An
 *    opening fence with a tab (or \v, \f) before its info string: md4c
 *    drops the info string, and the language class with it.
 *  - A fence opened in a list item or block quote, and a fence line less
 *    indented or with fewer `>` marks: md4c takes it for the closer;
 *    CommonMark ends the container there (fenced code has no lazy lines)
 *    and opens a new block with it.
 *  - A fence indented past a block quote's `> `: md4c keeps that
 *    indentation on the block's lines, CommonMark takes it off.
 *  - A fence line indented four columns or more past the text of the
 *    line above (a tab counts to its stop): md4c lets it interrupt the
 *    paragraph; to CommonMark it is more of the paragraph.
 *  - A code span whose opening backticks end their line: md4c drops the
 *    line ending CommonMark turns into a space (`a ` then `` b` ``).
 *  - GFM: a table delimiter row inside a code span that runs over lines:
 *    md4c and cmark-gfm split the table and the span otherwise (text was
 *    lost: `` `x|y ``, `:-:|`, `` z` ``); gfm_route.c's inline scan skips
 *    over such a span and never sees the row.
 *  - GFM: a link destination that fails (a space, no `)`) with a URL in
 *    it: md4c autolinks the URL, inside the outer link's text too (an
 *    `<a>` in an `<a>`); cmark-gfm autolinks nothing in an open bracket.
 *
 * The one idea: all of it hangs on bytes most pages hold few of.  The
 * page is read once, 64 bytes at a time into bit masks (route_scan.h):
 * its `[` and `]`, its backticks and tildes.  The runs are read in
 * order: a run at a line's text start that is three or more long is a
 * fence line (the rules above, and which block is open), any other
 * backtick run opens or closes a code span.  Only a span that closes on
 * a later line has the lines between looked at (a blank one ends it).
 * Under --gfm the `[` before each `]` are counted, and only `](`
 * followed by a URL reads on.  Being wrong towards cmark-gfm costs
 * speed, never correctness: where the model of blocks is unsure, it
 * routes.
 */
#include <stddef.h>
#include <string.h>

#include "md.h"
#include "route_scan.h"

typedef struct blocks blocks;
static int span_left_open(blocks *b);
static int backtick_run(blocks *b, size_t at, size_t end);

/* The fenced block the model has open (len 0: none). */
typedef struct fence {
    char c;
    size_t len, quotes, col; /* its fence line's run, `>` marks and column */
    size_t margin;           /* the column right after its last `>` */
    size_t body;             /* where its first line starts */
    size_t seen;             /* its lines up to here have their `>` marks (quote_ended()) */
    int unsure;              /* indented four columns or more: maybe indented code */
} fence;

/* The code span the model has open (len 0: none). */
typedef struct span {
    size_t len, end; /* its opening run's length and end */
    size_t seen;     /* its line looked through for a `\n` up to here */
    size_t next;     /* the first line after it not looked at yet (0: it is on one line so far) */
    size_t own;      /* that line, when looked at as a run's own line (it may hold many) */
    int delimiter;   /* a line looked at may be a table's delimiter row */
    size_t inside;   /* past the last run met inside it (0: none) */
} span;

struct blocks {
    const char *s;
    size_t n;
    int gfm;
    fence fence;
    span span;
    size_t reread;    /* bytes read again after openers that never closed (at most n) */
    int rereading;    /* span_left_open() is reading them */
    unsigned html;    /* sl__md_html_lines() of the lines before html_at, fenced code aside */
    size_t html_at;   /* the first line it has not read */
    sl__md_next_byte angle; /* the page's next `<` */
};

/* Where a run's line begins, and what stands before the run on it. */
typedef struct prefix {
    size_t line;   /* the line's first byte */
    size_t quotes; /* `>` marks */
    size_t col;    /* the run's column: tabs to their stops, a `>` one column */
    size_t inset;  /* columns of blanks between the last `>` (or the line's start) and the run */
    size_t margin; /* the column right after the last `>` (0: none) */
    int tab;       /* a tab stands before the run */
    int item;      /* a list marker stands after the last `>` */
} prefix;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* 1 if s[i..) holds only blanks and a `\r` up to its line's end;
 * *tab: whether one of the blanks is a tab. */
static int blank_to_line_end(const char *s, size_t n, size_t i, int *tab)
{
    *tab = 0;
    for (; i < n && s[i] != '\n'; i++) {
        SL__MD_ROUTE_STEP();
        if (s[i] == '\t')
            *tab = 1;
        else if (s[i] != ' ' && s[i] != '\r')
            return 0;
    }
    return 1;
}

static size_t next_col(size_t col, char c)
{
    return c == '\t' ? col + 4 - col % 4 : col + 1;
}

/* After a list marker at s[i] and the blank that must follow it, or i. */
static size_t after_marker(const char *s, size_t end, size_t i)
{
    size_t d = i;
    while (d < end && d - i < 9 && s[d] >= '0' && s[d] <= '9')
        d++;
    size_t m = d > i ? (d < end && (s[d] == '.' || s[d] == ')') ? d + 1 : i)
                     : (s[i] == '-' || s[i] == '*' || s[i] == '+' ? i + 1 : i);
    return m > i && m < end && is_blank(s[m]) ? m : i;
}

/* 1 if only blanks, `>` marks and list markers stand before s[at] on its
 * line; then *p says what they are.  The walk back stops at the first
 * byte no prefix holds, so it never passes the run before (a backtick
 * is none): the page's runs are walked back over once in all. */
static int line_prefix(const char *s, size_t at, prefix *p)
{
    size_t l = at;
    while (l > 0 && s[l - 1] != '\n') {
        char c = s[l - 1];
        SL__MD_ROUTE_STEP();
        if (!(is_blank(c) || c == '>' || c == '-' || c == '*' || c == '+' || c == '.' || c == ')' ||
              (c >= '0' && c <= '9')))
            return 0;
        l--;
    }
    *p = (prefix){.line = l};
    size_t i = l, col = 0, blanks_from = 0;
    while (i < at) {
        size_t m;
        if (is_blank(s[i])) {
            p->tab |= s[i] == '\t';
            col = next_col(col, s[i++]);
        } else if (s[i] == '>') {
            p->quotes++;
            p->item = 0;
            col++, i++;
            blanks_from = p->margin = col;
        } else if ((m = after_marker(s, at, i)) > i) {
            p->item = 1;
            col += m - i;
            i = m;
            blanks_from = col;
        } else
            return 0; /* `-x```, `1.2```: no prefix */
    }
    p->col = col;
    p->inset = col - blanks_from;
    return 1;
}

/* What the line before the one at l holds before its text: its `>`
 * marks and the text's column (after blanks, marks and list markers).
 * 0 when that line is blank or there is none. */
static int text_above(const char *s, size_t l, prefix *above)
{
    if (l == 0)
        return 0;
    size_t p = l - 1;
    while (p > 0 && s[p - 1] != '\n') {
        SL__MD_ROUTE_STEP();
        p--;
    }
    *above = (prefix){.line = p};
    for (size_t i = p, m; i < l - 1;) {
        SL__MD_ROUTE_STEP();
        if (is_blank(s[i]) || s[i] == '>' || s[i] == '\r') {
            above->quotes += s[i] == '>';
            above->col = next_col(above->col, s[i++]);
        } else if ((m = after_marker(s, l - 1, i)) > i)
            above->col += m - i, i = m;
        else
            return 1;
    }
    return 0;
}

/* --- fences ---------------------------------------------------------- */

/* 1 if the line at l, not blank, is out of the container the open
 * block's fence line stands in: fewer `>` marks, the last of them in
 * another column (a quote in a list item: the item may have ended), or
 * (a fence indented past its quote's `> `, as in a list item) text left
 * of the fence, both counted from that mark.
 * Fenced code has no lazy lines: CommonMark ends the container, and the
 * block, there. */
static int leaves_block(const blocks *b, size_t l)
{
    const char *s = b->s;
    size_t col = 0, quotes = 0, margin = 0;
    for (; l < b->n; l++) {
        SL__MD_ROUTE_STEP();
        if (s[l] == '>' && quotes < b->fence.quotes)
            quotes++, margin = col + 1;
        else if (!is_blank(s[l]))
            break;
        col = next_col(col, s[l]);
    }
    size_t in = b->fence.col - b->fence.margin; /* columns past the quote's `>` */
    return quotes < b->fence.quotes || margin != b->fence.margin || (in > 1 && col - margin < in);
}

/* Whether the open block's quote ended before the line at `to`: at the
 * first line from b->fence.seen on with fewer `>` marks than its fence
 * line (fenced code has no lazy lines: md4c and CommonMark end the quote,
 * and the block, there).  Blank, that line ends the block alike in both:
 * *at is where, and 1.  Not blank, md4c reads it otherwise (`    a`: a
 * paragraph, to CommonMark indented code): -1.  Else 0.  Each line is
 * looked at once. */
static int quote_ended(blocks *b, size_t to, size_t *at)
{
    const char *s = b->s;
    size_t l = b->fence.seen > b->fence.body ? b->fence.seen : b->fence.body;
    b->fence.seen = to;
    for (size_t e; l < to; l = e + 1) {
        size_t q = 0, i = l;
        e = sl__md_line_end(s, to, l);
        for (; i < e && q < b->fence.quotes && (is_blank(s[i]) || s[i] == '>'); i++) {
            SL__MD_ROUTE_STEP();
            q += s[i] == '>';
        }
        if (q < b->fence.quotes) {
            int tab;
            *at = l;
            return blank_to_line_end(s, to, i, &tab) ? 1 : -1;
        }
    }
    return 0;
}

/* The line s[l..e) (not the last of the page's: e < n): its `>` marks
 * and the column its text starts at, after blanks, marks and list
 * markers; *item when a list marker stands on it, and then the text's
 * column is its item's content column (1-4 blanks after the marker are
 * the item's; with more the item starts with indented code, one column
 * past the marker).  0 when the line is blank. */
static int line_text(const char *s, size_t l, size_t e, size_t *quotes, size_t *col, int *item)
{
    size_t c = 0, i = l, m, mark = 0;
    *quotes = 0, *item = 0;
    while (i < e) {
        SL__MD_ROUTE_STEP();
        if (is_blank(s[i]) || s[i] == '\r') {
            c = next_col(c, s[i++]);
        } else if (s[i] == '>') {
            ++*quotes, *item = 0;
            c++, i++;
        } else if ((m = after_marker(s, e, i)) > i) {
            *item = 1;
            c += m - i, i = m;
            mark = c;
        } else {
            if (*item && c - mark > 4)
                c = mark + 1;
            *col = c;
            return 1;
        }
    }
    return 0;
}

/* A fence line under a paragraph's line, indented four columns or more
 * past the margin of the container it stands in: md4c 0.4.8 looks for an
 * opening fence at any indentation and lets it interrupt the paragraph;
 * to CommonMark the line is more of the paragraph (indented code cannot
 * interrupt one).  The margin is the column after its `>` marks (and
 * the space after the last), or a list item's content column: that of
 * the nearest line above in the paragraph with a list marker, where
 * the fence line and the lines between start at it or right of it (else
 * they may be lazy, or the item may have ended).  Otherwise, or without
 * such a line within 32, the quote's margin: wrong only towards
 * cmark-gfm.  A line with fewer `>` marks than the one above is
 * a lazy line of a quote's paragraph, four columns past its own marks.
 * unsure: a block the model cannot tell indented code from a list item's
 * fenced block is open (fence.unsure). */
static int interrupts_paragraph(const char *s, const prefix *p, int unsure)
{
    prefix above;
    if (!text_above(s, p->line, &above))
        return 0;
    if (p->quotes < above.quotes)
        return p->inset >= 4;
    if (p->item)
        return p->col >= above.col + 4;
    size_t margin = p->margin + (p->quotes && p->inset > 0), least = (size_t)-1, q, col;
    if (unsure && above.quotes == p->quotes && above.col >= margin + 4)
        return 0; /* the line above is code, as indented code or as a list item's fenced block */
    int item;
    for (size_t l = p->line, k = 0; l > 0 && k < 32; k++) {
        size_t pl = l - 1;
        while (pl > 0 && s[pl - 1] != '\n') {
            SL__MD_ROUTE_STEP();
            pl--;
        }
        if (!line_text(s, pl, l - 1, &q, &col, &item) || q != p->quotes)
            break;
        if (item) {
            /* Not the item's when left of its content, or when a line
             * between was (lazy, or the item ended there) */
            if (col <= least && col <= p->col && col > margin)
                margin = col;
            break;
        }
        least = col < least ? col : least;
        l = pl;
    }
    return p->col >= margin + 4;
}

/* The lines [from, to) of a block whose fence is indented or quoted:
 * 1 if one may read otherwise in md4c.
 *  - Only blanks, fewer columns of them than the fence's, or a tab: in
 *    a list item md4c keeps them, CommonMark takes them off with the
 *    item's indentation (which the fence's column bounds).
 *  - A line out of the fence's container (fewer `>` marks, or left of
 *    an indented fence): CommonMark ends the block there, md4c read on
 *    (a quote's block, then four columns in: a paragraph, not code; a
 *    backtick at the margin after a list item's block: lost). */
static int block_lines_differ(const blocks *b, size_t from, size_t to)
{
    const char *s = b->s;
    for (size_t l = from, e; l < to; l = e + 1) {
        e = sl__md_line_end(s, to, l);
        size_t col = 0, i = l;
        for (; i < e && (is_blank(s[i]) || s[i] == '>'); i++) {
            SL__MD_ROUTE_STEP();
            col = next_col(col, s[i]);
        }
        if (i == e || (s[i] == '\r' && i + 1 == e)) {
            if ((col > 0 && col < b->fence.col && memchr(s + l, ' ', i - l)) || memchr(s + l, '\t', i - l))
                return 1;
        } else if (leaves_block(b, l))
            return 1;
    }
    return 0;
}

/* A run of three or more `c` at s[at..end) that starts its line's text
 * (and, of backticks, has none after it on the line): 1 if md4c may read
 * the page otherwise, else the model's fence moves on (opened, closed,
 * or a line of the open block).  A fence line indented four columns or
 * more under a blank line opens a block too, an unsure one: in a list
 * item it is one, at the margin indented code, whose lines pair alike,
 * and whose lines may start a block (and interrupt a paragraph). */
static int fence_line(blocks *b, size_t at, size_t end, const prefix *p)
{
    const char *s = b->s;
    char c = s[at];
    int tab, bare = blank_to_line_end(s, b->n, end, &tab);
    if (bare && tab)
        return 1; /* md4c closes no block at a fence line with a tab after it */
    size_t ended;
    int quote = b->fence.len && b->fence.quotes ? quote_ended(b, p->line, &ended) : 0;
    if (quote < 0)
        return 1;
    if (quote) {
        b->fence.len = 0; /* it ended with its quote: this line is read anew */
        b->html_at = ended;
    }
    if ((!b->fence.len || b->fence.unsure) && interrupts_paragraph(s, p, b->fence.len != 0))
        return 1;
    if (b->fence.len) {
        if (leaves_block(b, p->line))
            return 1; /* CommonMark ends the block with its container and reads the line anew;
                         md4c closes the block there, or reads the line with the container's indentation */
        if (c != b->fence.c || end - at < b->fence.len || !bare || p->quotes > b->fence.quotes)
            return 0; /* a line of the block */
        if (p->col >= b->fence.col + 4)
            return 0; /* indented code inside the block */
        if (p->col > b->fence.col && p->col - (p->margin + (p->quotes && p->inset > 0)) >= 4)
            return 1; /* four columns in: a closer only if the fence's list item starts within three of
                         it, which the model does not know */
        b->fence.len = 0;
        b->html_at = sl__md_line_end(s, b->n, end) + 1; /* its code lines are no HTML */
        return (b->fence.col > 0 || b->fence.quotes) && block_lines_differ(b, b->fence.body, p->line);
    }
    /* A fence line inside raw HTML is the block's text: which lines are
     * code is unknown here (adv15 A3, rev10 F6).  The lines up to it are
     * read once, from the last closing fence on. */
    for (size_t l = b->html_at, e; l < p->line; l = e + 1) {
        /* Outside raw HTML a line with no `<` leaves the state as it is:
         * on to the line of the next `<` (most lines: a call each, and
         * their line ends found, were a good part of this check's time). */
        if (!b->html) {
            size_t lt = sl__md_find_byte(&b->angle, s, b->n, l, '<');
            if (lt >= p->line)
                break;
            const char *nl = memrchr(s + l, '\n', lt - l);
            l = nl ? (size_t)(nl - s) + 1 : l;
        }
        e = sl__md_line_end(s, b->n, l);
        sl__md_html_lines(s, l, e, &b->html);
    }
    b->html_at = p->line;
    if (b->html)
        return 1;
    prefix above = {0};
    text_above(s, p->line, &above); /* its `>` marks, blank or not */
    if (p->quotes && p->inset >= 2 && !p->item && above.quotes < p->quotes)
        return 1; /* the quote's first line: md4c keeps the fence's indentation on the code lines */
    if (p->tab)
        return 1; /* a tab before a fence (in a list item, split between the item and the line): md4c
                     counts its columns otherwise */
    for (size_t i = end; i < b->n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\v' || s[i] == '\f'); i++)
        if (s[i] != ' ')
            return 1; /* a tab (or \v, \f) before the info string: md4c keeps no language (adv18 F7) */
    b->fence = (fence){.c = c, .len = end - at, .quotes = p->quotes, .col = p->col, .margin = p->margin, .unsure = p->inset >= 4,
                       .body = sl__md_line_end(s, b->n, end) + 1};
    return span_left_open(b); /* a fence ends the paragraph */
}

/* --- code spans over lines -------------------------------------------- */

/* Could the line s[l..e) be a table's delimiter row: `|`, `:`, `-` and
 * blanks only (after `>` marks), a `-` and a `|` or `:`? */
static int delimiter_like(const char *s, size_t l, size_t e)
{
    int dash = 0, bar = 0;
    for (size_t i = l; i < e; i++) {
        SL__MD_ROUTE_STEP();
        char c = s[i];
        if (c == '-')
            dash = 1;
        else if (c == '|' || c == ':')
            bar = 1;
        else if (!is_blank(c) && c != '\r' && c != '>')
            return 0;
    }
    return dash && bar;
}

/* 1 if the line that starts at l (looked at up to e) ends a paragraph
 * before it: it holds only blanks and `>` marks, or starts a list item
 * or a heading. */
static int ends_paragraph(const char *s, size_t l, size_t e)
{
    size_t i = l;
    while (i < e && (is_blank(s[i]) || s[i] == '>' || s[i] == '\r')) {
        SL__MD_ROUTE_STEP();
        i++;
    }
    return i == e || s[i] == '#' || after_marker(s, e, i) > i;
}

/* 1 if only blanks and `>` marks stand before s[at] on its line. */
static int at_text_start(const char *s, size_t at)
{
    while (at > 0 && (is_blank(s[at - 1]) || s[at - 1] == '>')) {
        SL__MD_ROUTE_STEP();
        at--;
    }
    return at == 0 || s[at - 1] == '\n';
}

/* The open span meets a run at s[at]: 1 if the lines between (each
 * looked at once, however many runs follow) or the run's own line end
 * the paragraph: the span never closed, its opening run was text. */
static int span_ends_before(blocks *b, size_t at)
{
    const char *s = b->s;
    if (!b->span.next) { /* still on the opening run's line? */
        size_t from = b->span.seen > b->span.end ? b->span.seen : b->span.end;
        const char *nl = memchr(s + from, '\n', at - from);
        b->span.seen = at;
        if (!nl)
            return 0;
        b->span.next = (size_t)(nl - s) + 1;
    }
    size_t e;
    for (; (e = sl__md_line_end(s, b->n, b->span.next)) < at; b->span.next = e + 1) {
        if (ends_paragraph(s, b->span.next, e))
            return 1;
        b->span.delimiter |= b->gfm && delimiter_like(s, b->span.next, e);
    }
    if (b->span.own == b->span.next)
        return 0; /* the run's own line was looked at for an earlier run */
    b->span.own = b->span.next;
    return ends_paragraph(s, b->span.next, e);
}


/* The paragraph ends with the model's span still open: its opening run
 * was text, and pairing starts again right after it, as CommonMark's
 * does (adv15 A10: '``x`', '`' pairs the single backticks over the line
 * ending, which md4c drops).  The runs met inside it are read again, each
 * opener among them that never closes once more; past 2n bytes read
 * again in all (openers of ever other lengths), the page is routed:
 * unsure, and the steps stay linear.  1 if md4c may read the runs
 * otherwise. */
static int span_left_open(blocks *b)
{
    const char *s = b->s;
    b->rereading = 1;
    while (b->span.len) {
        size_t from = b->span.end, to = b->span.inside;
        b->span.len = 0;
        if (from >= to)
            break;
        b->reread += to - from;
        sl__md_route_steps += to - from;
        if (b->reread > 2 * b->n + 1024)
            return 1;
        for (const char *q; (q = memchr(s + from, '`', to - from)); ) {
            size_t at = (size_t)(q - s), e = at;
            while (e < to && s[e] == '`')
                e++;
            if (backtick_run(b, at, e))
                return 1;
            from = e;
        }
    }
    b->rereading = 0;
    return 0;
}

/* A backtick run at s[at..end) that is no fence line: the model's span
 * opens or closes.  1 if md4c may read it otherwise. */
static int backtick_run(blocks *b, size_t at, size_t end)
{
    const char *s = b->s;
    size_t len = end - at;
    /* The lines read again were all looked at before: none ends the
     * paragraph there (were one to, the model is unsure). */
    if (b->span.len && span_ends_before(b, at) && (b->rereading || span_left_open(b)))
        return 1;
    if (b->span.len) {
        if (len != b->span.len) {
            b->span.inside = end;
            return 0; /* backticks inside the span */
        }
        b->span.len = 0;
        int tab;
        /* Over lines: md4c drops the line ending right after the opening
         * run (CommonMark: a space), and may write a closing run that
         * starts its line as text; with a table delimiter row inside,
         * the two split the lines into rows and spans otherwise. */
        return b->span.next && (b->span.delimiter || blank_to_line_end(s, b->n, b->span.end, &tab) ||
                                at_text_start(s, at));
    }
    size_t bs = 0;
    while (bs < at && s[at - bs - 1] == '\\') {
        SL__MD_ROUTE_STEP();
        bs++;
    }
    if (bs % 2) /* an escaped backtick is text: the run opens one shorter */
        len--;
    b->span = (span){.len = len, .end = end};
    return 0;
}

/* The run of `s[at]` starting at s[at]: 1 if md4c may read the page
 * otherwise around it; *end: past the run. */
static int run_differs(blocks *b, size_t at, size_t *end)
{
    const char *s = b->s;
    size_t e = at;
    while (e < b->n && s[e] == s[at])
        e++;
    *end = e;
    prefix p;
    if (e - at >= 3 && line_prefix(s, at, &p) &&
        (s[at] == '~' || !memchr(s + e, '`', sl__md_line_end(s, b->n, e) - e)))
        return fence_line(b, at, e, &p);
    if (b->fence.len) /* a run in a line of the block, or the line that ends its container (md4c: lost text) */
        return line_prefix(s, at, &p) && leaves_block(b, p.line);
    if (s[at] == '~')
        return 0; /* a tilde run in text */
    return backtick_run(b, at, e);
}

/* --- link destinations ------------------------------------------------ */


/* The `]` scan's model of link brackets: `open` brackets wait (a `]`
 * takes the last one; none is ever dropped, as link text runs over
 * lines: a stray `[` only makes a later `](` look like a link's).  The
 * page loop counts the `[` before each `]` from its bit masks. */
typedef struct brackets {
    size_t open;
    size_t depth; /* `[` not yet closed by a `]` after it, in both dialects */
} brackets;

/* md4c 0.4.8 resolves nested brackets in time that grows with the square
 * of their depth when the page defines a link reference (`[`x20,000 then
 * `]`x20,000 and `[x]: /u`: 2 s for 40 KB; cmark-gfm 0.02 s).  No real page
 * nests brackets this deep: past it the page goes to cmark-gfm (adv18 F0),
 * when a `]:` in it may be a definition.  Without one md4c is linear there
 * and renders as cmark-gfm, which is not: runs of `<![CDATA[` or `![[]()`
 * nest as deep, and 100 KB of `![[]()` took cmark-gfm 0.29 4.9 s, md4c
 * 0.09 s.  The depth: SL_MD_MD4C_BRACKET_DEPTH (md.h). */

/* The URL at s[u..e), a failed link's destination: 1 if md4c may
 * autolink it otherwise than cmark-gfm - a host without a dot (cmark-gfm
 * links `https://git`, md4c nothing), or a `;` at its end (md4c keeps it
 * there, cmark-gfm not; other punctuation both leave out). */
static int url_reads_otherwise(const char *s, size_t u, size_t e)
{
    const char *slash = memchr(s + u, '/', e - u);
    int dot = 0;
    for (size_t h = slash && slash + 2 < s + e && slash[1] == '/' ? (size_t)(slash + 2 - s) : u;
         h + 1 < e && s[h] != '/' && s[h] != '?' && s[h] != '#'; h++)
        dot |= s[h] == '.' && s[h + 1] != '.' && s[h + 1] != '/';
    return !dot || s[e - 1] == ';';
}

/* 1 if s[i] is the ASCII letter `lower`, in either case. */
static int letter_is(const char *s, size_t i, char lower)
{
    return (s[i] | 0x20) == lower;
}

/* 1 if a URL GFM autolinks starts at s[i] (`http://`, `https://`,
 * `ftp://`, `www.`; letters in any case): a page's links call this for
 * every destination, so the bytes are tested one by one, no loop. */
static int starts_url(const char *s, size_t n, size_t i)
{
    size_t left = i < n ? n - i : 0, k;
    switch (left ? s[i] | 0x20 : 0) {
    case 'h':
        if (left < 7 || !letter_is(s, i + 1, 't') || !letter_is(s, i + 2, 't') || !letter_is(s, i + 3, 'p'))
            return 0;
        k = i + 4 + letter_is(s, i + 4, 's');
        return n - k >= 3 && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/';
    case 'f':
        return left >= 6 && letter_is(s, i + 1, 't') && letter_is(s, i + 2, 'p') && s[i + 3] == ':' &&
               s[i + 4] == '/' && s[i + 5] == '/';
    case 'w':
        return left >= 4 && letter_is(s, i + 1, 'w') && letter_is(s, i + 2, 'w') && s[i + 3] == '.';
    default:
        return 0; /* most destinations: `#`, `/`, `.`, a file name */
    }
}

/* At s[i] == ']' with `waiting` brackets open before it: 1 if `](` is
 * followed by blanks and a line end (md4c then fails the link, CommonMark
 * reads the destination on the next line), or (GFM) by a URL, and
 *  - no `[` waits: text, in which the two autolink the URL otherwise;
 *  - no `)` ends it (a blank and no closed title, or the line's end): the
 *    link fails, and md4c autolinks the URL inside an outer bracket (an
 *    `<a>` in an `<a>`; cmark-gfm links nothing in an open bracket), or
 *    one url_reads_otherwise.
 * A failed link's URL in a bracket of its own (`[a](https://x.org/a b)`)
 * reads alike in both. */
static int destination_differs(const char *s, size_t n, size_t i, int gfm, size_t waiting)
{
    if (n - i < 3 || s[i + 1] != '(')
        return 0;
    if (is_blank(s[i + 2])) {
        size_t b = i + 2;
        while (b < n && is_blank(s[b]))
            b++;
        if (b < n && (s[b] == '\n' || s[b] == '\r'))
            return 1;
    }
    if (!gfm || n - i < 6 || !starts_url(s, n, i + 2))
        return 0;
    if (!waiting)
        return 1;
    /* The bytes a destination's scan stops at (a quarter of a page's
     * bytes can be link URLs: 16 at a time). */
    static const char stop[] = {'(', ')', ' ', '\t', '\n', '\r', '<'};
    size_t depth = 0, e = i + 2, url_end;
    for (;; e++) {
        size_t from = e;
        e = sl__md_find_any(s, n, e, stop, sizeof stop);
        sl__md_route_steps += e - from + 1;
        if (e >= n || (s[e] != '(' && s[e] != ')'))
            break;
        if (s[e] == '(')
            depth++;
        else if (!depth--)
            return 0; /* a link to both */
    }
    url_end = e;
    while (e < n && (is_blank(s[e]) || s[e] == '\r'))
        e++;
    if (e < n && s[e] == '\n') /* a title may stand on the next line */
        for (e++; e < n && is_blank(s[e]); e++)
            ;
    if (e < n && (s[e] == '"' || s[e] == '\'' || s[e] == '(')) { /* a title, closed on its line, then `)` */
        char close = s[e] == '(' ? ')' : s[e];
        size_t le = sl__md_line_end(s, n, e + 1);
        const char *q = memchr(s + e + 1, close, le - (e + 1));
        for (e = q ? (size_t)(q - s) + 1 : n; e < n && is_blank(s[e]); e++)
            ;
    }
    if (e < n && s[e] == ')')
        return 0; /* a link to both */
    return waiting > 1 || url_reads_otherwise(s, i + 2, url_end);
}

/* --- the page ---------------------------------------------------------- */

int sl__md_md4c_blocks_misread(const char *s, size_t n, int commonmark)
{
    blocks b = {.s = s, .n = n, .gfm = !commonmark};
    brackets k = {0};
    int defines = -1; /* the page may define a link reference (-1: not looked at) */
    /* One pass: 64 bytes at a time, the `]`, `[`, backticks and tildes
     * among them as bits.  The `]` rule and the runs' model read nothing
     * of each other, so their bytes are taken in page order together. */
    static const char bracket[] = {']', '['}, runs_of[] = {'`', '~'};
    size_t end = 0; /* past the last run read: its bytes are read */
    for (size_t at = 0; at < n; at += 64) {
        /* The brackets in page order: a `[` waits, a `]` takes one. */
        for (uint64_t m = sl__md_any64(s, n, at, bracket, 2); m; m &= m - 1) {
            size_t i = at + (size_t)__builtin_ctzll(m), waiting = 0;
            if (s[i] == '[') {
                k.open++;
                if (++k.depth > SL_MD_MD4C_BRACKET_DEPTH) {
                    if (defines < 0) /* looked for once */
                        defines = memmem(s, n, "]:", 2) != NULL;
                    if (defines)
                        return 1;
                }
                continue;
            }
            k.depth -= k.depth > 0;
            if (b.gfm) {
                waiting = k.open;
                k.open -= waiting > 0;
            }
            if (destination_differs(s, n, i, b.gfm, waiting))
                return 1;
        }
        if (end >= at + 64)
            continue; /* inside a run that began before */
        for (uint64_t runs = sl__md_bits_from(sl__md_any64(s, n, at, runs_of, 2), end > at ? end - at : 0); runs;
             runs = sl__md_bits_from(runs, end - at))
            if (run_differs(&b, at + (size_t)__builtin_ctzll(runs), &end))
                return 1;
    }
    if (b.span.len && span_left_open(&b))
        return 1;
    /* A block still open at the end (its container may have ended it
     * anywhere): its lines to the end. */
    return b.fence.len && (b.fence.col > 0 || b.fence.quotes) && block_lines_differ(&b, b.fence.body, n);
}
