/*
 * md4c_misreads.c - four more places where md4c 0.4.8 parses a page
 * unlike CommonMark (and so unlike cmark-gfm, in both dialects), found
 * before rendering: such a page goes to cmark-gfm, as md4c_fix.c's rules
 * send theirs.
 *
 *  - Autolinks: md4c takes any ASCII character as the first one of a
 *    scheme (`md_is_autolink_uri`), CommonMark only a letter; so in
 *    `<<https://x>>` the second `<` went into the link's URL, and in
 *    `<[url](url)>` the Markdown link became one autolink.  md4c also
 *    stops a scheme at 31 characters where CommonMark allows 32.
 *  - An empty list item, a blank line, then a line indented into the
 *    item: md4c ends the item there ("a list item can begin with at most
 *    one blank line"), but reads the line with the item's indentation
 *    already taken off, so four spaces become a paragraph, not code.
 *  - Trailing spaces of a raw HTML block's lines: md4c cuts them from
 *    every line that is not code, cmark-gfm keeps them (seen in <pre>),
 *    and writes a tab on a line of blanks as spaces;
 *    and a line indented four columns or more after a block of types
 *    1-5 (or after one in a quote): md4c a paragraph, CommonMark code.
 *  - A line that starts an HTML block indented four columns or more
 *    under a paragraph's line: md4c ends the paragraph there.
 *
 * The one idea: each rule replays md4c's reading (the autolink, exactly)
 * or keeps a superset of it (the other two), in one pass over the page
 * with at most a few bytes of look-around per `<` or per line.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "md.h"
#include "route_scan.h"

static int is_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int scheme_char(unsigned char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* --- autolinks ------------------------------------------------------- */

/* md4c 0.4.8's md_is_autolink_uri at s[i] == '<' (max_end: the page's
 * end, past its paragraph's: a superset). */
static int md4c_uri(const char *s, size_t n, size_t i)
{
    size_t off = i + 1;
    if (off >= n || (unsigned char)s[off] > 127)
        return 0;
    for (off++;; off++) {
        if (off >= n || off - i > 32)
            return 0;
        if (s[off] == ':' && off - i >= 3)
            break;
        if (!scheme_char((unsigned char)s[off]))
            return 0;
    }
    for (; off < n && s[off] != '>'; off++) {
        unsigned char c = (unsigned char)s[off];
        if (c <= ' ' || c == 127 || c == '<') /* md4c's whitespace and controls */
            return 0;
    }
    return off < n;
}

/* CommonMark's (cmark-gfm's scanner): a letter, 1-31 scheme characters,
 * `:`, then anything but controls, space, `<` and `>` up to `>`. */
static int cm_uri(const char *s, size_t n, size_t i)
{
    size_t off = i + 1;
    if (off >= n || !is_letter((unsigned char)s[off]))
        return 0;
    for (off++; off < n && off - i <= 33 && scheme_char((unsigned char)s[off]); off++)
        ;
    if (off >= n || s[off] != ':' || off - i < 3 || off - i > 33)
        return 0;
    for (off++; off < n && s[off] != '>'; off++)
        if ((unsigned char)s[off] <= ' ' || s[off] == '<')
            return 0;
    return off < n;
}

/* --- lines: empty list items, HTML blocks ----------------------------- */

/* After the blanks, `>` marks and list markers a line starts with. */
static size_t text_from(const char *s, size_t t, size_t e)
{
    for (;;) {
        while (t < e && (s[t] == ' ' || s[t] == '\t' || s[t] == '>'))
            t++;
        size_t d = t;
        while (d < e && d - t < 9 && s[d] >= '0' && s[d] <= '9')
            d++;
        int marker = d == t ? t < e && (s[t] == '-' || s[t] == '*' || s[t] == '+')
                            : d < e && (s[d] == '.' || s[d] == ')');
        size_t after = (d > t ? d : t) + 1;
        if (!marker || (after < e && s[after] != ' ' && s[after] != '\t'))
            return t;
        t = after;
    }
}

/* md4c's end of the line that ends at e (before a `\r`). */
static size_t content_end(const char *s, size_t l, size_t e)
{
    return e > l && s[e - 1] == '\r' ? e - 1 : e;
}

/* After the blanks and `>` marks at s[l..r). */
static size_t after_quotes(const char *s, size_t l, size_t r)
{
    while (l < r && (s[l] == ' ' || s[l] == '\t' || s[l] == '>'))
        l++;
    return l;
}

/* The column s[t] stands at, from l: blanks to tab stops, a `>` one column. */
static size_t column_of(const char *s, size_t l, size_t t)
{
    size_t col = 0;
    for (; l < t; l++)
        col = s[l] == '\t' ? col + 4 - col % 4 : col + 1;
    return col;
}

/* The columns of blanks before the text of line s[l..r), past its last
 * `>` mark. */
static size_t indent_of(const char *s, size_t l, size_t r)
{
    size_t t = after_quotes(s, l, r), b = t;
    while (b > l && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    return column_of(s, l, t) - column_of(s, l, b);
}

/* --- an empty list item, a blank line, an indented line --------------
 *
 * md4c's hack for "a list item can begin with at most one blank line"
 * (mity/md4c#6) ends the item at the first line after the blank that
 * would belong to it, but that line's indentation has already been
 * reduced by the item's: `-`, a blank line and `    b` gives a paragraph
 * `b` (CommonMark: indented code), a deeper line loses columns of its
 * code.  The line that opens the item holds list markers and nothing
 * else: it ends (before blanks and a `\r`) with `-`, `*`, `+`, or a digit
 * and `.` or `)`.  Such line ends are looked for a word at a time, as
 * most pages have none. */

static size_t count_blanks(const char *s, size_t t, size_t r)
{
    size_t b = 0;
    for (; t < r; t++)
        b += s[t] == ' ' || s[t] == '\t';
    return b;
}

/* 1 if the empty-looking item whose line is s[l..e) follows a line that
 * is not blank, or is followed by blank lines and any line, or right
 * away by a line whose text is two columns in or more. */
static int empty_item_differs(const char *s, size_t n, size_t l, size_t e)
{
    size_t r = content_end(s, l, e), t = after_quotes(s, l, r);
    if (text_from(s, t, r) != r || t == r)
        return 0; /* not only markers */
    size_t same = 0;
    for (size_t k = t; k < r; k++)
        same += s[k] == s[t];
    if ((s[t] == '-' || s[t] == '*') && same >= 3 && same + (size_t)count_blanks(s, t, r) == r - t)
        return 0; /* `- - -`, `* * *`: a thematic break to both */
    /* md4c lets an empty item with a blank after its marker (or an
     * ordered one, in a list) interrupt a paragraph, CommonMark does not
     * (`a`, then `* `): any line right above counts.  Not a bare bullet,
     * which both read alike: the ` *` lines of comments in code. */
    if (l > 0 && (s[r - 1] == ' ' || s[r - 1] == '\t' || (s[r - 1] == '.' || s[r - 1] == ')'))) {
        size_t p = l - 1;
        while (p > 0 && s[p - 1] != '\n')
            p--;
        if (after_quotes(s, p, content_end(s, p, l - 1)) < content_end(s, p, l - 1))
            return 1;
    }
    /* An empty item right after a blank line (`* a`, blank, `*`): CommonMark
     * makes the list loose, md4c kept it tight.  A new list started there
     * reads alike in both; it is sent along all the same. */
    if (l > 0) {
        size_t p = l - 1, pe;
        while (p > 0 && s[p - 1] != '\n')
            p--;
        pe = content_end(s, p, l - 1);
        if (after_quotes(s, p, pe) == pe)
            return 1;
    }
    /* After a blank line, md4c's hack drops the innermost container the
     * next line goes on in, whichever list item that is, and leaves the
     * list tight: any line counts.  With no blank line, a line two
     * columns in (code in the item leaves the list tight too). */
    for (size_t blanks = 0, ln = e + 1; ln < n; ln = e + 1, blanks++) {
        e = sl__md_line_end(s, n, ln);
        r = content_end(s, ln, e);
        t = after_quotes(s, ln, r);
        if (t < r)
            return blanks > 0 || column_of(s, ln, t) >= 2;
    }
    return 0;
}

/* The bytes an empty item's line may hold before its last marker:
 * blanks, `>` marks and list markers (a table: strchr() was a library
 * call for each byte walked back over). */
static const unsigned char item_prefix[256] = {
    [' '] = 1, ['\t'] = 1, ['>'] = 1, ['-'] = 1, ['*'] = 1, ['+'] = 1, ['.'] = 1, [')'] = 1, ['0'] = 1, ['1'] = 1,
    ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* --- a thematic break that ends a list item, then a blank line --------
 *
 * cmark-gfm 0.29 does not count the blank line after a thematic break
 * as one that ends its block (blocks.c sets no last_line_blank there),
 * so an item whose last block is a break keeps its list tight (`- ***`,
 * blank, `- b`: `<li>b</li>`; `- a`, `  ***`, blank, `- b`), and a line
 * after the blank that the item's column takes is more of the item.
 * md4c makes the list loose, and after a marker with the break four
 * columns or more past it (`-   ***`, blank, `    y`) ends the item: `y`
 * left the list (advmd F3).  Such a line ends with `-`, `*` or `_` (the
 * line ends the vectors below look at): it routes when its break follows
 * a list marker, or stands two columns in (in an item above; not a `-`
 * run right under a text line, a setext underline to both), and a
 * blank line and then a marker or an indented line follow. */
static int break_in_item(const char *s, size_t n, size_t k, size_t j)
{
    char c = s[k - 1];
    size_t b = k, count = 0;
    int blank = 0, gap = 0; /* a blank after a `c`; one between two */
    for (; b > 0 && (s[b - 1] == c || s[b - 1] == ' ' || s[b - 1] == '\t'); b--)
        if (s[b - 1] == c)
            count++, gap |= blank;
        else
            blank = count > 0;
    if (count < 3)
        return 0;
    size_t l = b;
    while (l > 0 && item_prefix[(unsigned char)s[l - 1]])
        l--;
    if ((l > 0 && s[l - 1] != '\n' && s[l - 1] != '\r') || text_from(s, l, b) != b)
        return 0; /* text before the run, or the run is more than a break */
    if (after_quotes(s, l, b) == b) { /* no marker: in an item only if indented */
        if (indent_of(s, l, k) < 2)
            return 0;
        if (c == '-' && !gap && l > 0) {
            size_t p = l - 1;
            while (p > 0 && s[p - 1] != '\n' && s[p - 1] != '\r')
                p--;
            if (after_quotes(s, p, content_end(s, p, l - 1)) < content_end(s, p, l - 1))
                return 0; /* a setext underline */
        }
    }
    size_t ln = j + 1, e, r;
    int blanks = 0;
    for (; ln < n; ln = e + 1, blanks = 1) {
        e = sl__md_line_end(s, n, ln);
        r = content_end(s, ln, e);
        size_t t = after_quotes(s, ln, r);
        if (t < r)
            return blanks && (text_from(s, ln, r) > t || indent_of(s, ln, r) >= 2);
    }
    return 0;
}

/* 1 if the line end at s[j] may end an empty item's line that md4c misreads. */
static int item_line_end(const char *s, size_t n, size_t j)
{
    size_t k = j;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
        k--;
    if (k == 0)
        return 0;
    char c = s[k - 1];
    if ((c == '-' || c == '*' || c == '_') && break_in_item(s, n, k, j))
        return 1;
    if (!(c == '-' || c == '*' || c == '+' || ((c == '.' || c == ')') && k >= 2 && s[k - 2] >= '0' && s[k - 2] <= '9')))
        return 0;
    size_t l = k - 1; /* back to the line's start over what such a line may hold */
    while (l > 0 && item_prefix[(unsigned char)s[l - 1]])
        l--;
    return (l == 0 || s[l - 1] == '\n' || s[l - 1] == '\r') && empty_item_differs(s, n, l, j); /* \r: a CR-only line end */
}

/* --- trailing spaces in HTML blocks ------------------------------------
 *
 * md4c cuts the spaces (not tabs) at the end of every line that is not
 * code, and an HTML block's lines are written from those cut lines;
 * cmark-gfm writes them whole (`<pre>`, then `a  `: two spaces less in
 * md4c's output).  Each `<` that may start an HTML block (after a line's
 * blanks, `>` marks and list markers) has its block looked through, as
 * md4c reads it: to its end condition (types 1-5) or to the next blank
 * line (6 and 7).  Lines already looked through are not looked at again,
 * and each end condition is looked for once per stretch of the page, so
 * the rule stays linear. */
enum { END_TYPE1, END_COMMENT, END_PI, END_DECL, END_CDATA, END_KINDS };
typedef struct html_scan {
    /* Lines before done[q] have been looked through, for a block that
     * starts in a quote (q = 1: with the indented line rule, so done[0]
     * follows) or not (q = 0; adv20 F4: `<d`, then `> <a>`, then a line
     * four columns in - the unquoted look through past `<d` kept the
     * quoted one from the line).  Each line is looked at twice at most. */
    size_t done[2];
    size_t from[END_KINDS], at[END_KINDS]; /* end condition k: searched from `from`, its line at `at` (n: none) */
    size_t indent_line;           /* the last line lines_above() answered for (-1: none) */
    int indent_seen;              /* its answer */
} html_scan;

/* The kind of end condition the HTML block starting at s[i] == '<' ends
 * at as md4c 0.4.8 reads it, or END_KINDS for types 6 and 7 (a blank
 * line ends them).  md4c opens type 1 at `<script`, `<pre` or `<style`
 * whatever follows, and ends it at any of their closing tags. */
static int html_end_kind(const char *s, size_t i, size_t r)
{
    static const char *const type1[] = {"script", "pre", "style"};
    if (r - i >= 4 && !memcmp(s + i, "<!--", 4))
        return END_COMMENT;
    if (r - i >= 9 && !memcmp(s + i, "<![CDATA[", 9))
        return END_CDATA;
    if (r - i >= 2 && s[i + 1] == '?')
        return END_PI;
    if (r - i >= 3 && s[i + 1] == '!' && is_letter((unsigned char)s[i + 2]))
        return END_DECL;
    for (size_t k = 0; k < sizeof type1 / sizeof type1[0]; k++) {
        size_t len = strlen(type1[k]), j = 0;
        while (j < len && i + 1 + j < r && (s[i + 1 + j] | 0x20) == type1[k][j])
            j++;
        if (j == len)
            return END_TYPE1;
    }
    return END_KINDS;
}

/* 1 if s[from..r) holds the end condition of kind k (md4c: from the
 * block's `<` on, the start line too). */
static int ends_here(const char *s, size_t from, size_t r, int k)
{
    static const char *const word[] = {"", "-->", "?>", ">", "]]>"};
    static const char *const close1[] = {"</script>", "</pre>", "</style>"};
    char first = k == END_TYPE1 ? '<' : word[k][0];
    for (const char *p = memchr(s + from, first, r - from); p; p = memchr(p + 1, first, r - (size_t)(p + 1 - s))) {
        size_t left = r - (size_t)(p - s);
        if (k != END_TYPE1) {
            size_t len = strlen(word[k]);
            if (left >= len && !memcmp(p, word[k], len))
                return 1;
            continue;
        }
        for (size_t c = 0; c < 3; c++) {
            size_t len = strlen(close1[c]), j = 0;
            while (j < len && j < left && (p[j] | (is_letter((unsigned char)p[j]) ? 0x20 : 0)) == close1[c][j])
                j++;
            if (j == len)
                return 1;
        }
    }
    return 0;
}

void sl__md_html_lines(const char *s, size_t l, size_t e, unsigned *st)
{
    unsigned open = *st >> SL__MD_HTML_OPEN_SHIFT; /* the open block's end kind + 1 */
    if (open) { /* inside a block that ends at its end condition, blank lines and all */
        if (ends_here(s, l, e, (int)open - 1))
            *st &= SL__MD_HTML_RUN;
        return;
    }
    size_t t = l;
    while (t < e && (s[t] == ' ' || s[t] == '\t' || s[t] == '>'))
        t++;
    if (t == e || (s[t] == '\r' && t + 1 == e)) {
        *st &= ~(unsigned)SL__MD_HTML_RUN;
        return;
    }
    size_t m = t; /* a list item's marker: `- <div>` opens a block in the item */
    while (m < e && m - t < 9 && s[m] >= '0' && s[m] <= '9')
        m++;
    if (m < e && (m > t ? s[m] == '.' || s[m] == ')' : s[m] == '-' || s[m] == '*' || s[m] == '+') && m + 1 < e &&
        (s[m + 1] == ' ' || s[m + 1] == '\t'))
        for (t = m + 1; t < e && (s[t] == ' ' || s[t] == '\t');)
            t++;
    if (t == e) {
        *st &= ~(unsigned)SL__MD_HTML_RUN;
        return;
    }
    if (s[t] != '<')
        return;
    *st |= SL__MD_HTML_RUN;
    int k = html_end_kind(s, t, e);
    if (k != END_KINDS && !ends_here(s, t, e, k))
        *st |= (unsigned)(k + 1) << SL__MD_HTML_OPEN_SHIFT;
}

/* 1 if one of the lines s[from..to) ends with a space; with to_blank, the
 * look stops at a blank line (*stop: where it stopped).  quoted: the
 * block starts in a block quote, where md4c reads a line indented four
 * columns or more without a `>` after it as a paragraph's (CommonMark:
 * indented code after the quote); such a line counts too. */
static int spaces_at_line_end(const char *s, size_t n, size_t from, size_t to, int to_blank, int quoted, size_t *stop)
{
    size_t l = from, e;
    for (; l < to; l = e + 1) {
        e = sl__md_line_end(s, n, l);
        size_t r = content_end(s, l, e), b = l;
        while (b < r && (s[b] == ' ' || s[b] == '\t'))
            b++;
        if (to_blank && after_quotes(s, l, r) == r && !(quoted && b < r && column_of(s, l, b) >= 4))
            break; /* (`    >` is no quote's blank line but code: below) */
        /* A `>` four columns in is no quote mark but the code's text
         * (`> <div>`, `    > q`; advmd F18). */
        /* A line of blanks with a tab: md4c writes the tab as spaces
         * (adv15 A15), cmark-gfm keeps it. */
        if ((r > l && s[r - 1] == ' ') || (b == r && memchr(s + l, '\t', r - l)) ||
            (quoted && column_of(s, l, b) >= 4)) {
            *stop = l;
            return 1;
        }
    }
    *stop = l < to ? l : to;
    return 0;
}

/* 1 if the `<` at s[i] may begin a line's text: only blanks, `>` marks
 * and list markers before it on its line (looked at up to 64 bytes back;
 * a longer run of them counts as such a start). */
static int at_line_start(const char *s, size_t i)
{
    for (size_t k = i; k > 0 && i - k < 64; k--) {
        char c = s[k - 1];
        if (c == '\n')
            return 1;
        if (!(c == ' ' || c == '\t' || c == '>' || c == '-' || c == '*' || c == '+' || c == '.' || c == ')' ||
              (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/* A type 6 or 7 block opened on a list item's line (`1)   <r>`) ends at
 * the first line that leaves the item, and md4c reads that line as a
 * paragraph's even when it is indented four columns or more (CommonMark:
 * code), as it does after a block of types 1-5 (adv15 A6).  1 if such a
 * line follows the block started at s[i] on line s[l..e): only when the
 * tag stands five columns in or more can a line leave the item that far
 * in.  A later item's line with a tag of its own ends the walk: its `<`
 * is looked at in turn, so no line is walked twice. */
static int item_html_leaves_indented(const char *s, size_t n, size_t l, size_t i, size_t e)
{
    size_t a = after_quotes(s, l, i), c = column_of(s, l, i);
    if (c < 5 || a == i || text_from(s, a, i) != i)
        return 0;
    for (size_t ln = e + 1; ln < n; ln = e + 1) {
        e = sl__md_line_end(s, n, ln);
        size_t r = content_end(s, ln, e), t = after_quotes(s, ln, r);
        if (t == r)
            return 0; /* a blank line ends the block */
        if (column_of(s, ln, t) < c)
            return indent_of(s, ln, r) >= 4;
        size_t x = text_from(s, t, r);
        if (x != t && x < r && s[x] == '<')
            return 0;
    }
    return 0;
}

/* The lines before `to` have been looked through, in a quote (q) or not. */
static void looked_through(html_scan *h, int q, size_t to)
{
    for (int k = 0; k <= q; k++)
        if (to > h->done[k])
            h->done[k] = to;
}

/* 1 if the HTML block that may start at s[i] == '<' holds a line that
 * ends with a space. */
static int html_block_spaces(const char *s, size_t n, size_t i, html_scan *h)
{
    size_t l = i, e = sl__md_line_end(s, n, i), r = content_end(s, i, e), stop;
    while (l > 0 && s[l - 1] != '\n')
        l--;
    int k = html_end_kind(s, i, r), q = memchr(s + l, '>', i - l) != NULL;
    if (k == END_KINDS) { /* types 6 and 7: the start line, then lines up to a blank one */
        if (item_html_leaves_indented(s, n, l, i, e))
            return 1;
        if (l >= h->done[0] && r > l && s[r - 1] == ' ')
            return 1;
        size_t from = e + 1 > h->done[q] ? e + 1 : h->done[q];
        int found = spaces_at_line_end(s, n, from, n, 1, q, &stop);
        looked_through(h, q, stop);
        return found;
    }
    if (h->from[k] > i || h->at[k] < i) { /* not searched over this stretch yet */
        size_t at = l, from = i, end = e;
        while (at < n && !ends_here(s, from, content_end(s, at, end), k)) {
            at = end + 1;
            from = at;
            end = at < n ? sl__md_line_end(s, n, at) : n;
        }
        h->from[k] = i;
        h->at[k] = at < n ? at : n;
    }
    size_t end = h->at[k] < n ? sl__md_line_end(s, n, h->at[k]) : n, from = l > h->done[q] ? l : h->done[q];
    int found = from < end && spaces_at_line_end(s, n, from, end, 0, q, &stop);
    /* A line indented four columns or more right after such a block:
     * md4c reads a paragraph's, CommonMark indented code. */
    if (!found && end < n) {
        size_t e2 = sl__md_line_end(s, n, end + 1), r2 = content_end(s, end + 1, e2);
        found = after_quotes(s, end + 1, r2) < r2 && indent_of(s, end + 1, r2) >= 4;
    }
    looked_through(h, q, end);
    return found;
}

/* --- an indented HTML start under a paragraph's line ------------------
 *
 * md4c 0.4.8 lets a line that starts an HTML block (`<!--`, `<div>`,
 * `<?`) end a paragraph even when it is indented four columns or more;
 * CommonMark reads such a line as more of the paragraph (`a`, then
 * `    <!-- x -->`: one paragraph).  A `<` after blanks and `>` marks
 * only, four columns or more past the last `>`, is routed when the lines
 * above it up to a blank one are not all indented that far (so not an
 * indented code block, whose lines md4c reads as cmark-gfm does) and
 * none of them starts a type-6 HTML block (`<table>`, whose indented
 * rows are that block's to both).  A
 * superset: a list item's own indentation is not taken off, and a line
 * above that is no paragraph's counts too.  The answer for the last such
 * line is kept, so a code block of tags is walked once.  And the other
 * way round: after a paragraph's line indented that far (its lazy
 * continuation), md4c reads a line that starts an HTML block at the
 * margin as more of the paragraph's text (`a`, `    b`, `<!--`). */
/* 1 if the line s[l..r), which holds only blanks and `>`, is blank to
 * both: each `>` a quote's mark, less than four columns past the line's
 * start or the mark before (and its space).  A `>` further in is text: a
 * paragraph's line `    >` (adv15 A12), or code. */
static int blank_or_marks(const char *s, size_t l, size_t r)
{
    for (size_t from = l, t = l; t < r; t++)
        if (s[t] == '>') {
            if (column_of(s, from, t) >= 4)
                return 0;
            from = t + 1 < r && s[t + 1] == ' ' ? t + 2 : t + 1;
        }
    return 1;
}

/* What the lines above line l read as, up to a blank one: text a
 * paragraph may hold (bit 1), the start of a type-6 HTML block (bit 2),
 * which then runs on to the blank line in both. */
static int lines_above(const char *s, size_t n, size_t l, html_scan *h)
{
    int seen = 0;
    for (size_t p = l; p > 0;) {
        size_t e = p - 1;
        for (p = e; p > 0 && s[p - 1] != '\n'; p--)
            ;
        size_t r = content_end(s, p, e), t = after_quotes(s, p, r);
        if (t == r) {
            if (blank_or_marks(s, p, r))
                break; /* a blank line */
            /* else a `>` four columns in: read as any line indented that far */
        } else if (indent_of(s, p, r) < 4)
            seen |= s[t] == '<' && sl__md_html_type6_readers(s, n, t) == 3 ? 2 : 1;
        if (p == h->indent_line) {
            seen |= h->indent_seen;
            break;
        }
    }
    h->indent_line = l;
    h->indent_seen = seen;
    return seen;
}

static int indented_html_under_text(const char *s, size_t n, size_t i, html_scan *h)
{
    size_t l = i;
    while (l > 0 && s[l - 1] != '\n')
        l--;
    size_t r = content_end(s, l, sl__md_line_end(s, n, i));
    if (after_quotes(s, l, i) != i || l == 0 ||
        (html_end_kind(s, i, r) == END_KINDS && !(sl__md_html_type6_readers(s, n, i) & 1)))
        return 0; /* no start of a block of types 1-6 to md4c (type 7 interrupts no paragraph) */
    if (indent_of(s, l, i) < 4) { /* no deeper than the line above? */
        size_t p = l - 1;
        while (p > 0 && s[p - 1] != '\n')
            p--;
        size_t pr = content_end(s, p, l - 1);
        if (after_quotes(s, p, pr) == pr || indent_of(s, p, pr) < 4)
            return 0;
    }
    return lines_above(s, n, l, h) == 1;
}

/* --- the page, one pass ------------------------------------------------ */

/* 1 if the `<` at s[i] reads otherwise in md4c: an autolink, or the start
 * of an HTML block with a line that ends with a space. */
static int at_angle(const char *s, size_t n, size_t i, html_scan *h)
{
    if (i + 1 >= n)
        return 0;
    if (i + 4 == n && !memcmp(s + i, "<!--", 4))
        return 1; /* at the page's very end md4c takes it for text, not a comment's start */
    unsigned char c = (unsigned char)s[i + 1];
    if ((is_letter(c) || c == '/' || c == '!' || c == '?') && at_line_start(s, i) &&
        (html_block_spaces(s, n, i, h) || indented_html_under_text(s, n, i, h)))
        return 1;
    if (i + 3 >= n)
        return 0;
    /* Most `<` open a tag or close one: a letter then a name that is no
     * scheme, or `/`, a letter and a name (md4c's scheme stops at once). */
    if (is_letter(c) ? !scheme_char((unsigned char)s[i + 2])
                     : c == '/' && is_letter((unsigned char)s[i + 2]) && !scheme_char((unsigned char)s[i + 3]) &&
                           s[i + 3] != ':')
        return 0;
    return md4c_uri(s, n, i) != cm_uri(s, n, i);
}

/* The bytes an empty item's line may end with before its `\n`. */
static const unsigned char item_last[256] = {['-'] = 1, ['*'] = 1, ['+'] = 1, ['.'] = 1, [')'] = 1, ['_'] = 1,
                                             [' '] = 1, ['\t'] = 1, ['\r'] = 1};

#ifdef __SSE2__
/* The same bytes for the vector walk: 1 where item_last says so, but 2
 * for `.` and `)`, which it takes only after a digit. */
static const unsigned char item_end_class[256] = {['-'] = 1, ['*'] = 1, ['+'] = 1, ['.'] = 2, [')'] = 2, ['_'] = 1,
                                                  [' '] = 1, ['\t'] = 1, ['\r'] = 1};
#endif

/* 1 if the `\n` at s[j] ends an empty item's line that md4c misreads. */
static int at_line_end(const char *s, size_t n, size_t j)
{
    return j > 0 && item_last[(unsigned char)s[j - 1]] && item_line_end(s, n, j);
}

/* Every `<` and `\n` of the page is looked at, 64 bytes at a time (the
 * last few, 16) where SSE2 is there (every x86-64): one pass, no call
 * per line. */
int sl__md_md4c_misreads(const char *s, size_t n)
{
    html_scan h = {0};
    for (int k = 0; k < END_KINDS; k++)
        h.from[k] = (size_t)-1; /* not searched yet */
    h.indent_line = (size_t)-1;
    size_t j = 0;
    for (; j < 2 && j < n; j++) /* the vectors look two bytes back */
        if (s[j] == '<' ? at_angle(s, n, j, &h) : s[j] == '\n' && at_line_end(s, n, j))
            return 1;
#ifdef __SSE2__
    /* A `\n` is looked at after one of `-*+_ \t\r`, or after `.` or `)`
     * that follow a digit: the ends of an empty item's line, or of a
     * thematic break's.  64 bytes at a time, only `\n` and `<` as bits,
     * the bytes before each `\n` looked up (lines are 40-60 bytes: one
     * look a block, most lines end otherwise); classifying the bytes
     * before every byte, 16 at a time, cost three times that. */
    static const char nl_lt[] = {'\n', '<'};
    for (; j + 64 <= n; j += 64)
        for (uint64_t m = sl__md_any64(s, n, j, nl_lt, 2); m; m &= m - 1) {
            size_t at = j + (size_t)__builtin_ctzll(m);
            unsigned char before = (unsigned char)s[at - 1];
            if (s[at] == '<' ? at_angle(s, n, at, &h)
                             : (item_end_class[before] == 1 ||
                                (item_end_class[before] == 2 && s[at - 2] >= '0' && s[at - 2] <= '9')) &&
                                   item_line_end(s, n, at))
                return 1;
        }
    const __m128i nl = _mm_set1_epi8('\n'), lt = _mm_set1_epi8('<');
    for (; j + 16 <= n; j += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        __m128i lts = _mm_cmpeq_epi8(v, lt);
        /* Most blocks of 16 hold neither a `\n` nor a `<`: the bytes
         * before a `\n` are looked at only in those that do. */
        if (!_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, nl), lts)))
            continue;
        __m128i p = _mm_loadu_si128((const __m128i *)(const void *)(s + j - 1));
        __m128i q = _mm_loadu_si128((const __m128i *)(const void *)(s + j - 2));
        __m128i ends = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(p, _mm_set1_epi8('-')), _mm_cmpeq_epi8(p, _mm_set1_epi8('*'))),
                         _mm_or_si128(_mm_cmpeq_epi8(p, _mm_set1_epi8('+')), _mm_cmpeq_epi8(p, _mm_set1_epi8(' ')))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(p, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(p, _mm_set1_epi8('\r'))),
                         _mm_cmpeq_epi8(p, _mm_set1_epi8('_'))));
        __m128i digit = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(q, _mm_set1_epi8('0')), _mm_set1_epi8(9)),
                                       _mm_setzero_si128());
        __m128i dot = _mm_or_si128(_mm_cmpeq_epi8(p, _mm_set1_epi8('.')), _mm_cmpeq_epi8(p, _mm_set1_epi8(')')));
        ends = _mm_or_si128(ends, _mm_and_si128(dot, digit));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v, nl), ends), lts));
        for (; m; m &= m - 1) {
            size_t at = j + (size_t)__builtin_ctz(m);
            if (s[at] == '<' ? at_angle(s, n, at, &h) : item_line_end(s, n, at))
                return 1;
        }
    }
#endif
    for (; j < n; j++)
        if (s[j] == '<' ? at_angle(s, n, j, &h) : s[j] == '\n' && at_line_end(s, n, j))
            return 1;
    return 0;
}
