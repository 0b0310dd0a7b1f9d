/*
 * md4c_lists.c - three more places where md4c 0.4.8 reads a page unlike
 * CommonMark (and so unlike cmark-gfm, in both dialects), found before
 * rendering: such a page goes to cmark-gfm, as md4c_misreads.c's rules
 * send theirs (adv15's findings A5, A2 and A4).
 *
 *  - An HTML block of type 6 (`<div>`, `<details>`, `<p align=..>`) or
 *    7 (a lone complete tag) in a list item, ended by a blank line after
 *    which the list goes on: md4c takes that blank line for the block's
 *    end condition and not for a blank line of the list, so the list
 *    stays tight where CommonMark makes it loose (every `<p>` lost).  The
 *    realistic shape: `- step`, `  <details>`, ..., blank, `- next`.
 *  - A link reference definition whose title opens on the destination's
 *    line, closes on a later line and has more text after it: md4c keeps
 *    a definition of the destination's line alone (the title's first
 *    line vanishes, the label becomes a link); CommonMark has no
 *    definition there at all.  md4c cuts only spaces from a line's end,
 *    so a tab after a definition's destination or title is such text
 *    too, and a definition that ends with one is none to md4c.
 *  - An empty list item on the page's last line when no line end follows
 *    (`* a`, blank, `*`): the same misreading md4c_misreads.c routes for
 *    such a line with its `\n`, which its scan of line ends never sees.
 *  - A setext underline with a tab after it (adv15 A11): the tab again.
 *  - A list item that starts with indented code (`-     T`): md4c keeps
 *    its list tight across a blank line (adv18 F11).
 *
 * The one idea: each rule starts from a byte most pages hold few of in
 * the place it needs - a `<` after a blank, a `]:`, the page's unended
 * last line - and looks a line or two around it; the forward walks
 * remember how far they went, so no line is walked twice.  Being wrong
 * towards cmark-gfm costs speed, never correctness: each rule keeps a
 * superset of md4c's misreading.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "md.h"
#include "route_scan.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The line that holds s[i] starts here (after a `\n` or a lone `\r`). */
static size_t line_start(const char *s, size_t i)
{
    while (i > 0 && s[i - 1] != '\n' && s[i - 1] != '\r')
        i--;
    return i;
}

/* Where the line above the one that starts at s[l] (l > 0) ends: at its
 * `\r` when it ends with `\r\n`, so that line_start() from there finds
 * its start, not the empty stretch between the two. */
static size_t end_above(const char *s, size_t l)
{
    size_t e = l - 1;
    return s[e] == '\n' && e > 0 && s[e - 1] == '\r' ? e - 1 : e;
}

/* The end of the line's text: before its `\r`, if any. */
static size_t text_end(const char *s, size_t l, size_t e)
{
    return e > l && s[e - 1] == '\r' ? e - 1 : e;
}

/* Past the blanks and `>` marks at s[l..r). */
static size_t past_quotes(const char *s, size_t l, size_t r)
{
    while (l < r && (is_blank(s[l]) || s[l] == '>'))
        l++;
    return l;
}

/* 1 if the line s[l..e) holds only blanks and `>` marks: a blank line,
 * in a block quote too. */
static int blank_line(const char *s, size_t l, size_t e)
{
    size_t r = text_end(s, l, e);
    return past_quotes(s, l, r) == r;
}

/* The column s[k] stands at on the line that starts at s[l], tabs to
 * their stops. */
static size_t column_at(const char *s, size_t l, size_t k)
{
    size_t col = 0;
    for (; l < k; l++)
        col = s[l] == '\t' ? col + 4 - col % 4 : col + 1;
    return col;
}

/* 1 if c is a nonzero byte of set. */
static int one_of(char c, const char *set)
{
    return c && strchr(set, c);
}

/* Past a list marker at s[t] (a bullet, or 1-9 digits and `.` or `)`)
 * when a blank or the line's end r follows it; t when there is none. */
static size_t past_marker(const char *s, size_t t, size_t r)
{
    size_t d = t;
    while (d < r && d - t < 9 && is_digit(s[d]))
        d++;
    if (d == t ? !(d < r && (s[d] == '-' || s[d] == '*' || s[d] == '+'))
               : !(d < r && (s[d] == '.' || s[d] == ')')))
        return t;
    d++;
    return d == r || is_blank(s[d]) ? d : t;
}

/* --- a type 6 or 7 HTML block in a list item, then a blank line ------ */

/* 1 if the line s[t..r) is one complete open or closing tag (not
 * `<script`, `<pre` or `<style`, which start type 1) and blanks: CommonMark's
 * (and md4c's) start of an HTML block of type 7, on one line (md4c_fix.c
 * asks it too). */
int sl__md_lone_tag(const char *s, size_t t, size_t r)
{
    int close = t + 1 < r && s[t + 1] == '/';
    size_t p = t + 1 + (size_t)close, name = p;
    while (p < r && (is_letter((unsigned char)s[p]) || is_digit(s[p]) || s[p] == '-'))
        p++;
    if (p == name || !is_letter((unsigned char)s[name]))
        return 0;
    static const char *const type1[] = {"script", "pre", "style"};
    for (size_t k = 0; k < 3 && !close; k++) /* `</pre>` alone is type 7 */
        if (p - name == strlen(type1[k]) && !strncasecmp(s + name, type1[k], p - name))
            return 0;
    for (;;) {
        size_t b = p;
        while (p < r && is_blank(s[p]))
            p++;
        if (p < r && (s[p] == '>' || (!close && s[p] == '/' && p + 1 < r && s[p + 1] == '>'))) {
            for (p += s[p] == '/' ? 2 : 1; p < r && is_blank(s[p]); p++)
                ;
            return p == r;
        }
        /* An attribute: a blank before it, a name, maybe `=` and a value. */
        if (close || p == b || p == r || !(is_letter((unsigned char)s[p]) || s[p] == '_' || s[p] == ':'))
            return 0;
        while (p < r && (is_letter((unsigned char)s[p]) || is_digit(s[p]) || one_of(s[p], "_.:-")))
            p++;
        size_t after = p;
        while (p < r && is_blank(s[p]))
            p++;
        if (p == r || s[p] != '=') {
            p = after;
            continue;
        }
        for (p++; p < r && is_blank(s[p]); p++)
            ;
        if (p < r && (s[p] == '"' || s[p] == '\'')) {
            const char *q = memchr(s + p + 1, s[p], r - p - 1);
            if (!q)
                return 0;
            p = (size_t)(q - s) + 1;
        } else {
            size_t v = p;
            while (p < r && !is_blank(s[p]) && !one_of(s[p], "\"'=<>`"))
                p++;
            if (p == v)
                return 0;
        }
    }
}

/* The walks' memory: lines before `done` were walked forward to the
 * blank line at `done` without an answer of 1; the lines above the one
 * at `above_line`, back to a blank one, hold a list marker if `above`. */
typedef struct html_walk {
    size_t done, above_line;
    int above;
} html_walk;

/* 1 if a list marker opens the text of line s[l..r) (after blanks and
 * `>` marks, and other markers); *text: where its text starts, *margin:
 * right after its last `>` mark (l when none). */
static int opens_item(const char *s, size_t l, size_t r, size_t *text, size_t *margin)
{
    size_t t = l;
    int marker = 0;
    *margin = l;
    for (;;) {
        while (t < r && is_blank(s[t]))
            t++;
        if (t < r && s[t] == '>') {
            *margin = ++t;
            continue;
        }
        size_t m = past_marker(s, t, r);
        if (m == t)
            break;
        marker = 1;
        t = m;
    }
    *text = t;
    return marker;
}

/* 1 if the line above the one at s[l] may be a paragraph's: its text
 * starts with a letter, a digit or a non-ASCII byte, and holds no `>`
 * (which may end an HTML block of types 1-5). */
static int text_above(const char *s, size_t l)
{
    size_t e = end_above(s, l), p = line_start(s, e), r = text_end(s, p, e), t, margin;
    opens_item(s, p, r, &t, &margin);
    unsigned char c = t < r ? (unsigned char)s[t] : 0;
    return (is_letter(c) || is_digit((char)c) || c >= 0x80) && !memchr(s + t, '>', r - t);
}

/* 1 if one of the lines above the one at s[l], back to a blank line,
 * opens a list item: the line at s[l] may be more of that item. */
static int item_above(const char *s, size_t l, html_walk *w)
{
    int found = 0;
    size_t t, margin;
    for (size_t p = l, e; p > 0 && !found;) {
        e = end_above(s, p);
        p = line_start(s, e);
        SL__MD_ROUTE_STEP();
        if (blank_line(s, p, e))
            break;
        found = opens_item(s, p, text_end(s, p, e), &t, &margin);
        if (p == w->above_line) { /* walked from there before */
            found |= w->above;
            break;
        }
    }
    w->above_line = l;
    w->above = found;
    return found;
}

/* The end of the line that starts at s[from]: its `\n`, or a `\r` that
 * no `\n` follows (a CR-only page's line end, which md4c and CommonMark
 * take as one; a CRLF line ends at its `\n`, text_end() takes the `\r`). */
static size_t line_end(const char *s, size_t n, size_t from)
{
    /* One scan for either byte: looking for the `\n` first read a
     * CR-only page to its end on every line (rev11 F1: 1.6 MB, 7.6 s). */
    size_t e = sl__md_find_any(s, n, from, "\n\r", 2);
    sl__md_route_steps += (e - from) >> 6; /* the bytes read, a step per 64 */
    if (e < n && s[e] == '\r' && (e + 1 == n || s[e + 1] == '\n'))
        return e + 1; /* a CRLF's `\n`, or a last `\r` the line keeps */
    return e;
}

/* 1 if, from the line that starts at s[from], the first blank line is
 * followed right away by a line that goes on with a list: indented two
 * columns or more past its `>` marks, or a list marker. */
static int blank_then_list(const char *s, size_t n, size_t from, html_walk *w)
{
    size_t l = from, e;
    for (;; l = e + 1) {
        if (l >= n) {
            w->done = n;
            return 0;
        }
        e = line_end(s, n, l);
        SL__MD_ROUTE_STEP();
        if (blank_line(s, l, e))
            break;
    }
    w->done = l;
    if (e >= n)
        return 0;
    l = e + 1;
    e = line_end(s, n, l);
    size_t r = text_end(s, l, e), t = past_quotes(s, l, r), q = t;
    while (q > l && is_blank(s[q - 1]))
        q--;
    return t < r && (column_at(s, l, t) - column_at(s, l, q) >= 2 || past_marker(s, t, r) != t);
}

/* The line at s[l] opens an HTML block of types 1-5 (`<pre`, `<!--`,
 * ...): 1 if the block is still open at the first blank line after it,
 * which then goes on with a list (st: sl__md_html_lines() after the
 * line that opens it, l: the line after).  CommonMark keeps the blank line in the
 * block and makes the list loose; md4c keeps it tight (every `<p>`
 * lost).  The lines up to where the block ends, or to the blank line,
 * are the block's: no `<` in them starts another (w->done). */
/* How many `c` s[0..n) holds. */
static size_t count_byte(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

static int open_block_then_list(const char *s, size_t n, size_t l, unsigned st, size_t marks, html_walk *w)
{
    for (size_t e;; l = e + 1) {
        if (l >= n) {
            w->done = n;
            return 0;
        }
        e = line_end(s, n, l);
        SL__MD_ROUTE_STEP();
        /* Blank in the item's quote (`>` inside it is the block's text). */
        if (blank_line(s, l, e) && (size_t)count_byte(s + l, e - l, '>') <= marks)
            return blank_then_list(s, n, l, w);
        sl__md_html_lines(s, l, e, &st);
        if (!(st >> SL__MD_HTML_OPEN_SHIFT)) {
            w->done = e;
            return 0; /* ended before the blank line: read alike */
        }
    }
}

/* 1 if the `<` at s[i] may start an HTML block of type 6 or 7 in a list
 * item whose end condition md4c takes a blank line of the list for, or
 * one of types 1-5 left open at a blank line of the list. */
static int html_in_item(const char *s, size_t n, size_t i, html_walk *w)
{
    if (i < w->done || i + 2 >= n ||
        !(is_letter((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?'))
        return 0;
    /* Only blanks, `>` marks and list markers before it on its line
     * (looked at up to 64 bytes back, so a `<` in a line's text costs no
     * walk to the line's start; a longer run of them is no list item's
     * start md4c reads alike anyway: code, four columns in). */
    size_t l = i, t, margin;
    while (l > 0 && i - l < 64 && one_of(s[l - 1], " \t>-*+.)0123456789"))
        l--;
    if (l > 0 && s[l - 1] != '\n' && s[l - 1] != '\r')
        return 0;
    int marker = opens_item(s, l, i, &t, &margin);
    if (t != i)
        return 0;
    /* Else indented into an item opened above, with no blank line
     * between (after a blank, that blank made the list loose in md4c
     * too); type 7 interrupts no paragraph. */
    if (!marker && (column_at(s, l, i) - column_at(s, l, margin) < 2 || !item_above(s, l, w)))
        return 0; /* (the walk back first: the tag tests cost more, and most indented tags are in no item) */
    size_t r = text_end(s, l, line_end(s, n, i));
    unsigned st = 0;
    sl__md_html_lines(s, i, line_end(s, n, i), &st); /* from the `<`: markers, `>` marks read above */
    if (st >> SL__MD_HTML_OPEN_SHIFT) /* types 1-5, open past its line */
        return open_block_then_list(s, n, line_end(s, n, i) + 1, st, count_byte(s + l, i - l, '>'), w);
    int type6 = sl__md_html_type6_readers(s, n, i) != 0;
    if (!type6 && !sl__md_lone_tag(s, i, r))
        return 0;
    if (!marker && !type6 && text_above(s, l))
        return 0;
    return blank_then_list(s, n, line_end(s, n, i) + 1, w);
}

/* --- a definition's title over lines, with text after it ------------- */

/* Past a link destination at s[k] on its line s[..r): `<...>` or a run of
 * anything but blanks; k when there is none. */
static size_t past_destination(const char *s, size_t k, size_t r)
{
    if (k < r && s[k] == '<') {
        const char *gt = memchr(s + k, '>', r - k);
        return gt ? (size_t)(gt - s) + 1 : k;
    }
    while (k < r && !is_blank(s[k]))
        k++;
    return k;
}

/* Where in s[k..r) the title's closer c is (not after a backslash), or r. */
static size_t closer_at(const char *s, size_t k, size_t r, char c)
{
    size_t from = k;
    for (; k < r; k++) {
        if (s[k] == '\\' && k + 1 < r)
            k++;
        else if (s[k] == c)
            break;
    }
    sl__md_route_steps += k - from;
    return k < r ? k : r;
}

/* 1 if the blanks that end s[from..r) hold a tab: md4c cuts only spaces
 * from a line's end, so a definition's line that ends with a tab (after
 * its destination or title) is none to md4c, one to CommonMark. */
static int tab_at_end(const char *s, size_t from, size_t r)
{
    for (; r > from && is_blank(s[r - 1]); r--)
        if (s[r - 1] == '\t')
            return 1;
    return 0;
}

/* The title walks' memory, per closer (`"`, `'`, `)`): a walk for it
 * that started at s[from] met no closer before s[stop] (the closer
 * there, or the blank line or page end it stopped at) and answered 0;
 * a walk that starts in between would end alike. */
typedef struct title_walk {
    size_t from[3], stop[3];
} title_walk;

/* 1 if, from s[k] on, the title's closer c comes before a blank line,
 * on a later line than s[k]'s (which ends at e), with more text after it
 * on its line. */
static int closes_with_text_after(const char *s, size_t n, size_t k, size_t e, char c, title_walk *w)
{
    size_t kind = c == '"' ? 0 : c == '\'' ? 1 : 2, r = text_end(s, k, e), at;
    if (w->from[kind] <= k && k <= w->stop[kind])
        return 0;
    w->from[kind] = k;
    at = closer_at(s, k, r, c);
    if (at < r) {
        w->stop[kind] = at;
        return 0; /* on the destination's line: md4c reads it as CommonMark does */
    }
    for (size_t l = e + 1; e < n; l = e + 1) {
        e = sl__md_line_end(s, n, l);
        SL__MD_ROUTE_STEP();
        if (blank_line(s, l, e))
            break; /* which ends the paragraph and the title with it */
        r = text_end(s, l, e);
        if ((at = closer_at(s, l, r, c)) < r) {
            w->stop[kind] = at;
            for (at++; at < r && s[at] == ' '; at++)
                ;
            return at < r; /* a tab too: md4c cuts only spaces from a line's end */
        }
    }
    w->stop[kind] = e < n ? e : n;
    return 0;
}

/* 1 if the `]:` at s[i] may be a definition whose title opens on the
 * destination's line (or the line after the `]:`, where the destination
 * may be) and closes on a later one with more after it. */
static int title_over_lines(const char *s, size_t n, size_t i, title_walk *w)
{
    size_t k = i + 2, e = sl__md_line_end(s, n, k), r = text_end(s, k, e);
    while (k < r && is_blank(s[k]))
        k++;
    if (k == r) { /* the destination may be on the next line */
        if (e >= n)
            return 0;
        k = e + 1;
        e = sl__md_line_end(s, n, k);
        r = text_end(s, k, e);
        k = past_quotes(s, k, r);
    }
    size_t d = past_destination(s, k, r);
    if (d == k)
        return 0;
    if (tab_at_end(s, d, r))
        return 1;
    if (d == r) { /* the title may be on the next line */
        if (e >= n)
            return 0;
        size_t e2 = sl__md_line_end(s, n, e + 1);
        return tab_at_end(s, e + 1, text_end(s, e + 1, e2));
    }
    if (!is_blank(s[d]))
        return 0;
    while (d < r && is_blank(s[d]))
        d++;
    if (d == r || !(s[d] == '"' || s[d] == '\'' || s[d] == '('))
        return 0;
    return closes_with_text_after(s, n, d + 1, e, s[d] == '(' ? ')' : s[d], w);
}

/* 1 if the `]` at s[i] is escaped: an odd run of backslashes before it. */
static int escaped(const char *s, size_t i)
{
    size_t slashes = 0;
    while (slashes < i && s[i - 1 - slashes] == '\\')
        slashes++;
    return slashes % 2;
}

/* 1 if the `]:` at s[i] may end a definition's label: its `]` is the
 * first of its line that no backslash escapes (a label holds no other
 * bracket).  *last: the last `]:` asked about, so that one line is
 * walked back once, whatever number of them it holds. */
static int label_end(const char *s, size_t i, size_t *last)
{
    if (escaped(s, i))
        return 0;
    size_t prev = *last;
    *last = i;
    if (prev != (size_t)-1 && !memchr(s + prev, '\n', i - prev) && !memchr(s + prev, '\r', i - prev))
        return 0; /* another before it on its line */
    for (size_t k = i; k > 0 && s[k - 1] != '\n' && s[k - 1] != '\r'; k--)
        if (s[k - 1] == ']' && !escaped(s, k - 1))
            return 0;
    return 1;
}

/* --- an empty item on the page's unended last line ------------------- */

/* md4c_misreads.c's reading of an empty item's line, for the last line:
 * only markers, not a thematic break, and either a blank line above
 * (CommonMark makes the list loose, md4c kept it tight) or, ending in a
 * blank or an ordered marker, a line of text above (md4c lets it
 * interrupt a paragraph, CommonMark does not). */
static int last_line_empty_item(const char *s, size_t n)
{
    size_t r = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
    if (r == 0 || s[r - 1] == '\n' || s[r - 1] == '\r')
        return 0; /* ended: md4c_misreads.c looks at it */
    size_t l = line_start(s, r - 1), t = past_quotes(s, l, r), m = t;
    if (t == r || l == 0)
        return 0;
    for (size_t next; (next = past_marker(s, m, r)) != m;)
        m = past_quotes(s, next, r);
    if (m != r)
        return 0; /* text after the markers */
    size_t same = 0, blanks = 0;
    for (size_t k = t; k < r; k++) {
        same += s[k] == s[t];
        blanks += is_blank(s[k]);
    }
    if ((s[t] == '-' || s[t] == '*') && same >= 3 && same + blanks == r - t)
        return 0; /* `- - -`, `* * *`: a thematic break to both */
    size_t pe = end_above(s, l);
    if (blank_line(s, line_start(s, pe), pe))
        return 1;
    return is_blank(s[r - 1]) || s[r - 1] == '.' || s[r - 1] == ')';
}

/* --- the page ------------------------------------------------------------ */

/* The page's `]` and `<` are found with memchr, a pass for each: most are
 * a link's `](` and inline tags, let go at once (one pass finding both
 * sixteen bytes at a time costs more, by callgrind, than glibc's memchr
 * twice). */
/* A setext underline with a tab after its run (`Title`, `-----<TAB>`):
 * md4c cuts only spaces from a line's end, as with definitions above, so
 * to it the line is a thematic break (`-`) or more of the paragraph
 * (`=`), where CommonMark's underline may end in any blanks - the
 * heading lost (adv15 A11).  From each tab after a line's run of `-` or
 * `=`, with nothing but blanks to the line's end: a line of text above
 * routes the page (a heading or fence there too: a wrong yes costs
 * speed only). */
static int underline_with_tab(const char *s, size_t n)
{
    for (const char *p = memchr(s, '\t', n); p; p = memchr(p + 1, '\t', n - (size_t)(p + 1 - s))) {
        size_t i = (size_t)(p - s), e = i, b = i;
        while (e < n && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r'))
            e++;
        p = s + e - 1; /* the line's other tabs: read */
        if (e < n && s[e] != '\n')
            continue;
        while (b > 0 && is_blank(s[b - 1]))
            b--;
        if (b == 0 || (s[b - 1] != '-' && s[b - 1] != '='))
            continue;
        size_t l = b - 1;
        while (l > 0 && s[l - 1] == s[b - 1])
            l--;
        while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '>'))
            l--; /* (a tab in the indentation too: `  \t--\t` in an item, advmd F10) */
        if (l == 0 || s[l - 1] != '\n')
            continue;
        size_t pe = end_above(s, l);
        if (!blank_line(s, line_start(s, pe), pe))
            return 1;
    }
    return 0;
}

/* The first i >= from (from >= 1) where five spaces start at s[i] after
 * a byte that may end a list marker (`-*+.)`, and a NUL, as when
 * strchr() answered), or n.  A run of five spaces
 * after no marker is what indented code, aligned tables and ASCII art
 * are made of, and memmem() stopped at every one of them (at each of a
 * long run's spaces in turn): 12% of all the routing's instructions on
 * bench/md's flat corpus.  Here the page's spaces come 64 bytes at a
 * time as bits (route_scan.h), the runs of five are bit arithmetic (a run
 * can start only in the first 60 bits of each 64, the last four lacking
 * their run's end: the next 64 start there), and
 * prose, which has none, costs about half an instruction a byte. */
static size_t marker_then_spaces(const char *s, size_t n, size_t from)
{
    static const char space[] = {' '}, marks[] = {'-', '*', '+', '.', ')', 0};
    for (; from + 5 <= n; from += 60) {
        uint64_t sp = sl__md_any64(s, n, from, space, 1);
        uint64_t runs = sp & sp >> 1 & sp >> 2 & sp >> 3 & sp >> 4;
        /* Runs of five are indented code's: the bytes before them are
         * classified together (bit k: s[from + k - 1]), not looked at
         * one by one (a branch a run, most of them no marker). */
        if (runs && (runs &= sl__md_any64(s, n, from - 1, marks, sizeof marks)))
            return from + (size_t)__builtin_ctzll(runs);
    }
    return n;
}

/* 1 if a list item starts with indented code: a marker (`-`, `*`, `+`,
 * digits and `.` or `)`) then five spaces or more and text.  md4c 0.4.8
 * keeps such an item's list tight across a blank line (`-     T`, blank,
 * `- S`: every `<p>` lost; adv18 F11).  Found from each run of five
 * spaces; the line before the marker may hold only blanks, `>` marks and
 * other markers (a superset: more of them only cost speed). */
static int item_starts_with_code(const char *s, size_t n)
{
    size_t failed = (size_t)-1; /* where the last walk back that failed began */
    for (size_t i = marker_then_spaces(s, n, 1); i < n; i = marker_then_spaces(s, n, i + 1)) {
        size_t m = i - 1, t = i + 5;
        while (t < n && s[t] == ' ')
            t++;
        if (t >= n || s[t] == '\n' || s[t] == '\r')
            continue; /* an empty item */
        if (s[m] == '.' || s[m] == ')') {
            size_t d = m;
            while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
                d--;
            if (d == m || m - d > 9)
                continue;
            m = d;
        }
        /* Back to the line's start over what may stand before a marker;
         * a walk that reaches where the last failed one began fails the
         * same way (so `x-     -     ...` is walked once, not once a hit). */
        size_t l = m;
        int again = 0;
        while (l > 0 && s[l - 1] != '\n' && s[l - 1] != '\r' && strchr(" \t>-*+.)0123456789", s[l - 1])) {
            if (l == failed) {
                again = 1;
                break;
            }
            l--;
        }
        if (!again && (l == 0 || s[l - 1] == '\n' || s[l - 1] == '\r'))
            return 1;
        failed = m;
    }
    return 0;
}

/* 1 if the `[ ]` ending at s[i] is an unchecked task item's mark (after
 * a list marker that starts its line: `- [ ] a [x] b`) and its line holds
 * `[x]` or `[X]` after it: cmark-gfm 0.29 draws such an item checked (its
 * tasklist.c looks for `[x]` anywhere in the rest of the line), md4c by
 * the first mark, unchecked - and a page routed for another reason drew
 * it checked (advmd F2). */
static int task_checked_later(const char *s, size_t n, size_t i)
{
    size_t l = i - 2;
    while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
        l--;
    if (l == i - 2 || l == 0)
        return 0;
    if (s[l - 1] == '-' || s[l - 1] == '*' || s[l - 1] == '+')
        l--;
    else if (s[l - 1] == '.' || s[l - 1] == ')') {
        size_t d = --l;
        while (l > 0 && d - l < 9 && s[l - 1] >= '0' && s[l - 1] <= '9')
            l--;
        if (l == d)
            return 0;
    } else
        return 0;
    while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
        l--;
    if (l > 0 && s[l - 1] != '\n' && s[l - 1] != '\r')
        return 0;
    const char *end = memchr(s + i, '\n', n - i);
    size_t e = end ? (size_t)(end - s) : n;
    for (const char *p = memchr(s + i + 1, '[', e - i - 1); p; p = memchr(p + 1, '[', e - (size_t)(p + 1 - s)))
        if (p + 2 < s + e && (p[1] == 'x' || p[1] == 'X') && p[2] == ']')
            return 1;
    return 0;
}

int sl__md_md4c_lists_misread(const char *s, size_t n)
{
    if (last_line_empty_item(s, n) || underline_with_tab(s, n) || item_starts_with_code(s, n))
        return 1;
    title_walk titles = {{0}, {0}};
    size_t last_label = (size_t)-1;
    for (const char *p = memchr(s, ']', n); p; p = memchr(p + 1, ']', n - (size_t)(p + 1 - s))) {
        size_t i = (size_t)(p - s);
        if (i + 1 < n && s[i + 1] == ':' && label_end(s, i, &last_label) && title_over_lines(s, n, i, &titles))
            return 1;
        if (i + 1 < n && s[i + 1] == '(' && sl__md_inline_link_misread(s, n, i))
            return 1; /* md4c_links.c */
        /* md4c takes `![label]` right after a `]` for that bracket's
         * reference label, the `!` ignored (`[x]![a](/i.png)`: x linked
         * to a's URL, the image lost; advmd F15).  Code aside, wrong that
         * way only costs speed: no such page on bench/md's corpora. */
        if (i + 2 < n && s[i + 1] == '!' && s[i + 2] == '[')
            return 1;
        if (i >= 2 && s[i - 1] == ' ' && s[i - 2] == '[' && task_checked_later(s, n, i))
            return 1;
    }
    html_walk html = {0};
    for (const char *p = memchr(s, '<', n); p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
        size_t i = (size_t)(p - s);
        /* A list item's text never starts at a line's first byte. */
        if (i > 0 && is_blank(s[i - 1]) && html_in_item(s, n, i, &html))
            return 1;
    }
    return 0;
}
