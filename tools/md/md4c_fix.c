/*
 * md4c_fix.c - one thing md4c 0.4.8 writes unlike cmark-gfm (and so unlike
 * GitHub) on the very same document tree, put right in the output stream:
 * the leading tabs of code and raw HTML lines (render.c writes `~` and `'`
 * in URLs as cmark-gfm does itself); and what it parses unlike it, found
 * beforehand: HTML block starts whose tag md4c looks up wrongly and the
 * other routing checks below (such a page goes to cmark-gfm).
 *
 * The one idea: md4c-html passes runs of the page's own text through as
 * pointers into the source, and writes everything it makes up - markup,
 * entities, line ends, the spaces it indents verbatim lines with, a
 * percent-escaped byte - from memory of its own.  So where a chunk comes
 * from tells what it is:
 *  - md4c turns a code line's indentation into spaces (a tab becomes up
 *    to four), written from a static string before the line's text;
 *    cmark-gfm keeps the tabs.  Those spaces are replaced by the same
 *    columns of the source line's own whitespace, a tab split by the
 *    block's indentation becoming spaces as in cmark-gfm.  The source line
 *    is the one the line's first chunk of page text points into; a line
 *    with none (blanks, or only escaped `<>&"`) is found by counting lines
 *    from one that has, when the code block ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "md.h"
#include "route_scan.h"

_Thread_local unsigned long sl__md_route_steps;

/* Byte classes for the line walks of the routing checks below: a table
 * lookup where strchr() on a short constant string was a library call
 * for every byte looked at (a good part of what the walks cost). */
enum { C_BLANK = 1, C_CR = 2, C_QUOTE = 4, C_MARK = 8 };
static const unsigned char byte_class[256] = {
    [' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_CR, ['>'] = C_QUOTE, ['-'] = C_MARK, ['*'] = C_MARK,
    ['+'] = C_MARK,  ['.'] = C_MARK,    [')'] = C_MARK, ['0'] = C_MARK, ['1'] = C_MARK, ['2'] = C_MARK,
    ['3'] = C_MARK,  ['4'] = C_MARK,    ['5'] = C_MARK, ['6'] = C_MARK, ['7'] = C_MARK, ['8'] = C_MARK,
    ['9'] = C_MARK,
};

static int in_class(char c, unsigned mask)
{
    return byte_class[(unsigned char)c] & mask;
}

void sl__md_fix_free(sl__md_fix *f)
{
    free(f->later);
    f->later = NULL;
    f->nlater = f->cap = 0;
}

static int all_spaces(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] != ' ')
            return 0;
    return n > 0;
}

static int is_entity(const char *t, size_t n)
{
    return (n == 4 && (!memcmp(t, "&lt;", 4) || !memcmp(t, "&gt;", 4))) ||
           (n == 5 && !memcmp(t, "&amp;", 5)) || (n == 6 && !memcmp(t, "&quot;", 6));
}

/* The column just after s[from..to), from column col (tabs stop every 4
 * columns, as in CommonMark). */
static size_t column(const char *s, size_t from, size_t to, size_t col)
{
    for (size_t i = from; i < to; i++)
        col = s[i] == '\t' ? col + 4 - col % 4 : col + 1;
    return col;
}

/* The whitespace that fills the last `cols` columns before the line text
 * starting at source offset c, as cmark-gfm keeps it, into w (at most cols
 * bytes: a tab is one byte for up to four columns).  Returns its length,
 * or cols with w all spaces when the source has no tab there. */
static size_t indent_of(const sl__md_fix *f, size_t c, size_t cols, char *w)
{
    const char *s = f->src;
    size_t ws = c, line, len = 0;
    while (ws > 0 && (s[ws - 1] == ' ' || s[ws - 1] == '\t'))
        ws--;
    for (line = ws; line > 0 && s[line - 1] != '\n';)
        line--;
    size_t col = column(s, line, ws, 0), end = column(s, ws, c, col);
    if (!memchr(s + ws, '\t', c - ws) || end - col < cols) { /* md4c's spaces are right */
        memset(w, ' ', cols);
        return cols;
    }
    size_t want = end - cols, q = ws;
    while (col < want)
        col = column(s, q, q + 1, col), q++;
    for (size_t k = want; k < col; k++) /* a tab split by the block's indentation */
        w[len++] = ' ';
    memcpy(w + len, s + q, c - q);
    return len + (c - q);
}

/* Puts the last `len` bytes of out at offset `at`, ahead of what was
 * written since (a few escaped bytes). */
static void move_back(sl__md_buf *out, size_t at, size_t len)
{
    size_t tail = out->len - len - at;
    char tmp[32];
    if (out->failed || tail == 0)
        return;
    if (tail > sizeof tmp) { /* cannot happen: at most 4 entities of at most 6 bytes */
        out->failed = 1;
        return;
    }
    memcpy(tmp, out->data + at, tail);
    memmove(out->data + at, out->data + at + tail, len);
    memcpy(out->data + at + len, tmp, tail);
}

/* Writes the pending indentation at its place: the source's own when the
 * line's text is known to start at source offset c, md4c's spaces when
 * c is (size_t)-1. */
static void write_indent(sl__md_fix *f, sl__md_buf *out, size_t c)
{
    size_t before = out->len;
    f->pending = 0;
    if (c == (size_t)-1) {
        for (size_t k = 0; k < f->pend_cols; k++)
            sl__md_buf_putc(out, ' ');
    } else {
        char small[256], *w = f->pend_cols <= sizeof small ? small : malloc(f->pend_cols);
        if (!w) {
            out->failed = 1;
            return;
        }
        sl__md_buf_put(out, w, indent_of(f, c, f->pend_cols, w));
        if (w != small)
            free(w);
    }
    move_back(out, f->pend_at, out->len - before);
}

/* Where source line k of the code block starts, counting from the anchor. */
static size_t line_start(const sl__md_fix *f, size_t k)
{
    const char *s = f->src;
    size_t at = f->anchor_start;
    for (size_t i = f->anchor_line; i < k && at < f->n; i++) {
        const char *nl = memchr(s + at, '\n', f->n - at);
        at = nl ? (size_t)(nl - s) + 1 : f->n;
    }
    for (size_t i = f->anchor_line; i > k && at > 0; i--)
        for (at--; at > 0 && s[at - 1] != '\n';)
            at--;
    return at;
}

/* The code block ends: the lines whose text start was not seen get their
 * indentation from the source lines counted from the anchor. */
static void fix_later_lines(sl__md_fix *f, sl__md_buf *out)
{
    size_t w = f->nlater ? f->later[0].out_at : 0, r = w;
    for (size_t i = 0; i < f->nlater && f->anchored && !out->failed; i++) {
        sl__md_fix_line *l = &f->later[i];
        size_t start = line_start(f, l->line), e = start;
        while (e < f->n && f->src[e] != '\n')
            e++;
        if (e > start && f->src[e - 1] == '\r')
            e--;
        memmove(out->data + w, out->data + r, l->out_at - r); /* up to this line's indentation */
        w += l->out_at - r;
        w += e - start >= l->text ? indent_of(f, e - l->text, l->cols, out->data + w) : l->cols;
        r = l->out_at + l->cols;
    }
    if (f->nlater && f->anchored && !out->failed) {
        memmove(out->data + w, out->data + r, out->len - r);
        out->len = w + (out->len - r);
    }
    f->nlater = 0;
}

/* A line of the code block ends before its text started: md4c's spaces
 * for now, fixed when the block ends. */
static void defer_line(sl__md_fix *f, sl__md_buf *out)
{
    if (f->nlater == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        sl__md_fix_line *v = realloc(f->later, cap * sizeof *v);
        if (!v) {
            out->failed = 1;
            return;
        }
        f->later = v;
        f->cap = cap;
    }
    f->later[f->nlater++] = (sl__md_fix_line){f->pend_at, f->pend_cols, f->line, f->pend_src};
    write_indent(f, out, (size_t)-1);
}

/* A chunk of page text: the line it is on is known, and with it the
 * line's indentation when one is pending. */
static void source_chunk(sl__md_fix *f, sl__md_buf *out, const char *t)
{
    size_t c = (size_t)(t - f->src) - (f->pending ? f->pend_src : 0);
    if (f->in_code && !f->anchored) { /* ties line numbers to source lines (in the tag: the info string) */
        size_t start = c;
        while (start > 0 && f->src[start - 1] != '\n')
            start--;
        f->anchored = 1;
        f->anchor_line = f->line;
        f->anchor_start = start;
    }
    if (f->pending)
        write_indent(f, out, c);
}

/* md4c's spaces start a line: held back until the line's text shows
 * which source line they stand for. */
static void start_indent(sl__md_fix *f, const sl__md_buf *out)
{
    f->pending = 1;
    f->pend_at = out->len;
    f->pend_src = f->pend_cols = 0;
}

int sl__md_fix_code_chunk(sl__md_fix *f, sl__md_buf *out, const char *t, size_t n)
{
    int src = sl__md_fix_from_source(f, t), prev_nl = f->prev_nl;
    f->prev_nl = !src && n == 1 && t[0] == '\n';
    if (src) {
        source_chunk(f, out, t);
        return 0;
    }
    if (!f->in_code) { /* raw HTML lines: indentation right after a line end */
        if (n == 10 && !memcmp(t, "<pre><code", 10)) {
            f->in_code = 1;
            f->line = f->anchored = 0; /* line 0: a fenced block's opening fence */
        } else if (all_spaces(t, n) && (prev_nl || f->pending)) {
            if (!f->pending)
                start_indent(f, out);
            f->pend_cols += n;
            return 1;
        } else if (f->pending)
            write_indent(f, out, (size_t)-1);
        return 0;
    }
    if (f->in_code == 1) { /* the <pre><code ...> tag: the code lines come after it */
        if (n == 1 && t[0] == '>')
            f->in_code = 2, f->line = 1;
        return 0;
    }
    if (n == 14 && !memcmp(t, "</code></pre>\n", 14)) {
        if (f->pending)
            defer_line(f, out);
        fix_later_lines(f, out);
        f->in_code = 0;
        return 0;
    }
    if (all_spaces(t, n) && (f->pending || prev_nl || (out->len && out->data[out->len - 1] == '>'))) {
        if (!f->pending)
            start_indent(f, out);
        f->pend_cols += n; /* md4c writes long indents in several chunks */
        return 1;
    }
    if (f->pending && is_entity(t, n) && f->pend_src < 4) {
        f->pend_src++; /* one byte of the line's text, escaped */
        sl__md_buf_put(out, t, n);
        return 1;
    }
    if (n == 1 && t[0] == '\n') {
        if (f->pending)
            defer_line(f, out);
        f->line++;
    } else if (f->pending)
        write_indent(f, out, (size_t)-1);
    return 0;
}

/* --- HTML block starts md4c 0.4.8 reads otherwise ---------------------
 *
 * md4c 0.4.8's md_is_html_block_start_condition() (src/md4c.c) looks a
 * tag up in a short list per first letter and stops at the first name
 * that is a prefix of the tag (its `break`), so `header` stops at `head`,
 * `basefont` at `base`, `colgroup` at `col`, `frameset` at `frame`, `link`
 * at `li`, `menuitem` at `menu`, `param` at `p`, `thead` at `th`, `track`
 * at `tr`; `h2`-`h6` are not in the list at all (added upstream in
 * 2750d9f, md4c 0.5.0; the `break` is still there); a blank after the
 * name is only space or tab, where CommonMark also takes \v and \f; and
 * `<script`, `<pre`, `<style` start a type-1 block whatever follows them
 * (`<prefix>` runs to a `</pre>` that may never come).  Each is replayed
 * here as md4c reads it and as CommonMark (cmark-gfm 0.29) does. */

static const char *const md4c_type6[26] = {
    ['a' - 'a'] = "address article aside",
    ['b' - 'a'] = "base basefont blockquote body",
    ['c' - 'a'] = "caption center col colgroup",
    ['d' - 'a'] = "dd details dialog dir div dl dt",
    ['f' - 'a'] = "fieldset figcaption figure footer form frame frameset",
    ['h' - 'a'] = "h1 head header hr html",
    ['i' - 'a'] = "iframe",
    ['l' - 'a'] = "legend li link",
    ['m' - 'a'] = "main menu menuitem",
    ['n' - 'a'] = "nav noframes",
    ['o' - 'a'] = "ol optgroup option",
    ['p' - 'a'] = "p param",
    ['s' - 'a'] = "section source summary",
    ['t' - 'a'] = "table tbody td tfoot th thead title tr track",
    ['u' - 'a'] = "ul",
};

/* cmark-gfm 0.29.0.gfm.6's type-6 names: CommonMark 0.29's without
 * `source` (as in 0.31, which also adds `search`: neither library has
 * it).  With their lengths, in byte order (cm_is_type6 searches it by
 * halves): every tag at a line's start is looked up. */
#define N(w) {#w, sizeof #w - 1}
static const struct {
    char name[11]; /* in place, not pointed to: no relocations at start-up */
    unsigned char len;
} cm_type6[] = {
    N(address), N(article), N(aside), N(base), N(basefont), N(blockquote), N(body), N(caption), N(center),
    N(col), N(colgroup), N(dd), N(details), N(dialog), N(dir), N(div), N(dl), N(dt), N(fieldset),
    N(figcaption), N(figure), N(footer), N(form), N(frame), N(frameset), N(h1), N(h2), N(h3), N(h4), N(h5),
    N(h6), N(head), N(header), N(hr), N(html), N(iframe), N(legend), N(li), N(link), N(main), N(menu),
    N(menuitem), N(nav), N(noframes), N(ol), N(optgroup), N(option), N(p), N(param), N(section), N(summary),
    N(table), N(tbody), N(td), N(tfoot), N(th), N(thead), N(title), N(tr), N(track), N(ul)
};
#undef N

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 1 if s[i..n) starts with the lowercase word w[0..len), in any case. */
static int starts_with(const char *s, size_t n, size_t i, const char *w, size_t len)
{
    if (n - i < len)
        return 0;
    for (size_t k = 0; k < len; k++)
        if (lower(s[i + k]) != w[k])
            return 0;
    return 1;
}

/* What may follow a block-start tag name at s[i]: md4c takes space, tab,
 * a line end, `>` or `/>`; CommonMark also \v and \f. */
static int name_ends(const char *s, size_t n, size_t i, int cm)
{
    if (i >= n)
        return 1;
    char c = s[i];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>' || (cm && (c == '\v' || c == '\f')) ||
           (c == '/' && i + 1 < n && s[i + 1] == '>');
}

/* md4c's type-6 verdict on the name at s[i]: the first listed name that
 * is a prefix decides. */
static int md4c_is_type6(const char *s, size_t n, size_t i)
{
    int c = lower(s[i]);
    const char *w = c >= 'a' && c <= 'z' ? md4c_type6[c - 'a'] : NULL;
    while (w && *w) { /* the words walked without strspn()/strcspn(): library calls, per tag */
        size_t len = 0;
        while (w[len] && w[len] != ' ')
            len++;
        if (starts_with(s, n, i, w, len))
            return name_ends(s, n, i + len, 0);
        for (w += len; *w == ' '; w++)
            ;
    }
    return 0;
}

static int cm_is_type6(const char *s, size_t n, size_t i)
{
    size_t len = 0;
    char name[12];
    while (i + len < n && len < sizeof name - 2 && ((lower(s[i + len]) >= 'a' && lower(s[i + len]) <= 'z') ||
                                                   (s[i + len] >= '1' && s[i + len] <= '6')))
        name[len] = (char)lower(s[i + len]), len++;
    if (!len || !name_ends(s, n, i + len, 1))
        return 0;
    /* The table is in byte order: a binary search. */
    for (size_t lo = 0, hi = sizeof cm_type6 / sizeof cm_type6[0]; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2, ml = cm_type6[mid].len;
        int c = memcmp(cm_type6[mid].name, name, ml < len ? ml : len);
        if (!c)
            c = ml < len ? -1 : ml > len;
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int sl__md_html_type6_readers(const char *s, size_t n, size_t i)
{
    size_t j = i + 1 + (i + 1 < n && s[i + 1] == '/');
    return j < n ? md4c_is_type6(s, n, j) | cm_is_type6(s, n, j) << 1 : 0;
}

/* The two readings of a block that starts with the `<` at s[i]. */
static int start_differs(const char *s, size_t n, size_t i)
{
    static const char *const type1[] = {"script", "pre", "style"};
    size_t j = i + 1;
    int closing = j < n && s[j] == '/';
    if (!closing)
        for (size_t k = 0; k < 3; k++) {
            size_t len = strlen(type1[k]);
            if (starts_with(s, n, j, type1[k], len)) /* md4c: type 1, whatever follows */
                return !name_ends(s, n, j + len, 1) || (j + len < n && s[j + len] == '/');
        }
    /* md4c tries type 6 only with two bytes after the `<`: not on `<p` at
     * the very end of the page. */
    int md4c6 = i + 2 < n && j + closing < n && md4c_is_type6(s, n, j + closing);
    j += closing;
    return j < n && md4c6 != cm_is_type6(s, n, j);
}

/* --- a tab-indented tag inside an HTML block --------------------------
 *
 * md4c counts a tab before a tag as less than 4 columns, so a line
 * `\t<b>` could open an HTML block there where CommonMark reads indented
 * code or paragraph text.  But inside an HTML block of type 6 every line
 * up to the next blank one belongs to the block, in both, whatever it
 * holds: READMEs indent the inner tags of `<div align="center">` with
 * tabs.  The line is known to be there when the lines before it, up to a
 * blank line (or the page's start), begin with a type-6 tag at the
 * margin that both read alike, and nothing before that could hold those
 * lines in something else: no fence line among them, no fenced code left
 * open before them (counted at the margin; any fence off the margin, a
 * raw `<script`, `<pre`, `<style`, `<textarea`, or a comment, `<?`, `<!X`
 * or CDATA section left unclosed makes it unknown).  Unknown routes the
 * page, as before. */

static size_t line_from(const char *s, size_t at)
{
    while (at > 0 && s[at - 1] != '\n')
        at--;
    return at;
}

static int blank_line(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* A fence line: ``` or ~~~ after blanks, markers or `>`; *margin when at
 * column 0, with its character and length. */
static int fence_line(const char *s, size_t from, size_t to, int *margin, char *c, size_t *len)
{
    size_t i = from, k;
    while (i < to && in_class(s[i], C_BLANK | C_QUOTE | C_MARK))
        i++;
    if (i + 3 > to || (s[i] != '`' && s[i] != '~'))
        return 0;
    for (k = i; k < to && s[k] == s[i]; k++)
        ;
    if (k - i < 3)
        return 0;
    *margin = i == from;
    *c = s[i];
    *len = k - i;
    return 1;
}

/* 1 if the last `open` in s[0, to) has no `close` after it. */
static int left_open(const char *s, size_t to, const char *open, const char *close)
{
    size_t ol = strlen(open);
    const char *last = NULL;
    for (const char *p = s; (p = memmem(p, to - (size_t)(p - s), open, ol)); p++)
        last = p;
    return last && !memmem(last + ol, to - (size_t)(last + ol - s), close, strlen(close));
}

/* 1 if s[0, to) holds `<word`, in any case. */
static int has_tag(const char *s, size_t to, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = memchr(s, '<', to); p; p = memchr(p + 1, '<', to - (size_t)(p + 1 - s)))
        if (starts_with(s, to, (size_t)(p + 1 - s), word, wl))
            return 1;
    return 0;
}

/* What in_html_block last found: the run from `first` is a type-6 block
 * to both up to `upto` (the tag lines of one block come one after the
 * other: each then costs only its own lines). */
typedef struct html_run {
    size_t first, upto;
    size_t budget; /* bytes the look-backs may still read on this page (then: unknown) */
} html_run;

/* Is the line starting at `line` inside a type-6 HTML block in both? */
static int in_html_block(const char *s, size_t n, size_t line, html_run *run)
{
    size_t first = line, fl = 0;
    while (first > 0) { /* back to the run's first line */
        if (run->upto && first == run->upto) {
            first = run->first; /* no blank line since the last line found: its run */
            break;
        }
        SL__MD_ROUTE_STEP();
        size_t prev = line_from(s, first - 1);
        if (blank_line(s, prev, first - 1))
            break;
        first = prev;
    }
    if (first == line || first + 2 >= n || s[first] != '<')
        return 0;
    int known = run->upto && run->first == first; /* the same block as the last line */
    size_t from = known ? run->upto : 0;
    if (run->budget < line - from)
        return 0;
    run->budget -= line - from;
    size_t j = first + 1 + (s[first + 1] == '/');
    if (!known && (start_differs(s, n, first) || j >= n || !md4c_is_type6(s, n, j) || !cm_is_type6(s, n, j)))
        return 0;
    int margin, open = 0;
    char c, oc = 0;
    size_t len, olen = 0;
    for (size_t l = from; l < line; l = fl + 1) { /* fences: none in the run, none left open before it */
        const char *nl = memchr(s + l, '\n', line - l);
        fl = nl ? (size_t)(nl - s) : line;
        if (!fence_line(s, l, fl, &margin, &c, &len))
            continue;
        if (!margin || l >= first)
            return 0;
        if (!open)
            open = 1, oc = c, olen = len;
        else if (c == oc && len >= olen && blank_line(s, l + len, fl))
            open = 0;
    }
    if (open)
        return 0;
    static const char *const type1[] = {"script", "pre", "style", "textarea"};
    for (size_t k = 0; k < 4 && !known; k++)
        if (has_tag(s, first, type1[k]))
            return 0;
    if (!known && (left_open(s, first, "<!--", "-->") || left_open(s, first, "<?", "?>") ||
                   left_open(s, first, "<![CDATA[", "]]>") || left_open(s, first, "<!", ">")))
        return 0;
    run->first = first;
    run->upto = line;
    return 1;
}

int sl__md_html_start_md4c_misreads(const char *s, size_t n)
{
    html_run run = {.budget = 4 * n + 65536}; /* in_html_block's look-backs: linear in the page */
    for (const char *p = memchr(s, '<', n); p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
        /* Only where a block can start: after blanks, `>` and list
         * markers (more lines than that: a wrong yes costs speed only). */
        const char *k = p;
        while (k > s && k[-1] != '\n' && in_class(k[-1], C_BLANK | C_QUOTE | C_MARK))
            k--;
        if (!(k == s || k[-1] == '\n'))
            continue;
        /* md4c counts a tab before a tag as less than 4 columns: `\t<div>`
         * opens an HTML block (or interrupts a paragraph) there, where it
         * is indented code or a paragraph's continuation in CommonMark. */
        if (p > k && memchr(k, '\t', (size_t)(p - k)) && p + 1 < s + n &&
            ((lower(p[1]) >= 'a' && lower(p[1]) <= 'z') || p[1] == '/' || p[1] == '!' || p[1] == '?')) {
            if (!in_html_block(s, n, (size_t)(k - s), &run))
                return 1;
            continue; /* a line of the block to both: nothing starts there */
        }
        if (start_differs(s, n, (size_t)(p - s)))
            return 1;
    }
    return 0;
}

/* --- list items md4c 0.4.8 ends where they go on ----------------------
 *
 * CommonMark lets a list item begin with at most one blank line, so
 * md4c's md_analyze_line() ends an item at the first line after a second
 * blank one.  It tells that the item is still empty by reading, at a
 * blank line with no leaf block open, the last sizeof(MD_BLOCK) bytes of
 * its block buffer as the item's block header.  After a leaf block those
 * bytes are not a header but that block's last line record, and the
 * header's type field (its low 8 bits) is then the low byte of the line's
 * end offset (code and HTML lines, MD_VERBATIMLINE {beg, end, indent}) or
 * of its start (text and headings, MD_LINE {beg, end}).  When that byte
 * happens to be 4, MD_BLOCK_LI, the next line that goes on in the item
 * ends the item instead (a fenced block after it becomes indented code):
 * the same list renders otherwise 256 bytes further down.  Still so in
 * md4c 0.5.3.  A page where some blank line could read a record so goes
 * to cmark-gfm: the record is the last line of the block that ended just
 * before (the code line before a closing fence; a heading; an HTML
 * block's end line; after two blank lines, any block's last line), and
 * the line after the blanks must be indented or quoted to be in an item. */

/* After a list marker at s[t] (`-`, `*`, `+`, `1.`, `1)`) followed by a
 * blank or the line's end e, or t when there is none. */
static size_t list_marker_end(const char *s, size_t t, size_t e)
{
    size_t d = t;
    while (d < e && d - t < 9 && s[d] >= '0' && s[d] <= '9')
        d++;
    int marker = (d == t && t < e && (s[t] == '-' || s[t] == '*' || s[t] == '+')) || (d > t && d < e && (s[d] == '.' || s[d] == ')'));
    size_t after = (d > t ? d : t) + 1;
    return marker && (after >= e || s[after] == ' ' || s[after] == '\t' || s[after] == '\r') ? after : t;
}

/* Any offset in s[lo..hi] that md4c (which starts counting at base)
 * reads as MD_BLOCK_LI in the low byte. */
static int li_offset(size_t lo, size_t hi, size_t base)
{
    if (hi - lo >= 256)
        return 1;
    for (size_t k = lo; k <= hi; k++)
        if (((k - base) & 0xFF) == 4)
            return 1;
    return 0;
}

/* The bytes md4c skips at a line's start before its text: blanks, `>`
 * and list markers, a task box. */
static size_t text_start(const char *s, size_t from, size_t to)
{
    size_t i = from;
    while (i < to && in_class(s[i], C_BLANK | C_QUOTE | C_MARK))
        i++;
    if (to - i >= 3 && s[i] == '[' && strchr(" xX", s[i + 1]) && s[i + 2] == ']')
        for (i += 3; i < to && (s[i] == ' ' || s[i] == '\t'); i++)
            ;
    return i;
}

/* md4c's end of line l (it stops at `\r` too), and before trailing blanks. */
static size_t raw_end(const char *s, size_t l, size_t e)
{
    const char *cr = memchr(s + l, '\r', e - l);
    return cr ? (size_t)(cr - s) : e;
}

static size_t trimmed_end(const char *s, size_t l, size_t e)
{
    e = raw_end(s, l, e);
    while (e > l && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '#'))
        e--;
    return e;
}

/* The next `\n` at or after i that starts a line beginning with a blank
 * or `>`, or n: 16 bytes at a time where SSE2 is there, the byte after
 * each classified with them (one more load).  Looking at the byte after
 * each newline alone was fewer instructions but a branch on every line
 * that went either way on code and prose: by perf, the check's slowest
 * part. */
static size_t next_indented_line(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'),
                  gt = _mm_set1_epi8('>');
    for (; i + 17 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        __m128i after = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, sp), _mm_cmpeq_epi8(w, tab)), _mm_cmpeq_epi8(w, gt));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v, nl), after));
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i + 1 < n; i++)
        if (s[i] == '\n' && (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == '>'))
            return i;
    return n;
}

/* The last line before the one that starts at l that is not blank
 * (blanks, `\r` and `>` only), not looking before base: its start, with
 * *end at its end and *blanks the blank lines after it; or (size_t)-1,
 * also when need_blank and the line right above is not blank (found
 * without walking that line back to its start).  Read backwards: a line
 * that is not blank ends, mostly, in text. */
static size_t line_before_blanks(const char *s, size_t l, size_t base, size_t *end, size_t *blanks, int need_blank)
{
    *blanks = 0;
    while (l > base) {
        size_t e = l - 1, b = e;
        while (b > base && s[b - 1] != '\n' && in_class(s[b - 1], C_BLANK | C_CR | C_QUOTE))
            b--;
        if (b > base && s[b - 1] != '\n') {
            if (need_blank && !*blanks)
                return (size_t)-1;
            const char *nl = memrchr(s + base, '\n', b - base);
            *end = e;
            return nl ? (size_t)(nl - s) + 1 : base;
        }
        ++*blanks;
        l = b;
    }
    return (size_t)-1;
}

int sl__md_list_item_md4c_ends_early(const char *s, size_t n)
{
    /* md4c-html skips a BOM: md4c's offsets start after it. */
    size_t base = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
    /* Only a line that starts with a blank or `>` after a blank line can
     * go on in an item: found in bulk, and the two lines of text before
     * it read backwards from there. */
    for (size_t j = base; (j = next_indented_line(s, j, n)) < n; j++) {
        size_t l = j + 1, pe = 0, qe = 0, blanks, skipped;
        /* Most such lines follow a line of text (code, an item's next
         * line), with no blank line between: need_blank stops there. */
        size_t p = line_before_blanks(s, l, base, &pe, &blanks, 1);
        if (p == (size_t)-1 || !blanks)
            continue;
        size_t e = sl__md_line_end(s, n, l), t = l;
        while (t < e && in_class(s[t], C_BLANK | C_CR | C_QUOTE))
            t++;
        if (t == e)
            continue; /* blank itself */
        size_t q = line_before_blanks(s, p, base, &qe, &skipped, 0);
        size_t c = p;
        while (c < pe && in_class(s[c], C_BLANK | C_QUOTE))
            c++;
        size_t k = c;
        while (k < pe && s[k] == s[c])
            k++;
        int fence = (s[c] == '`' || s[c] == '~') && k - c >= 3;
        int heading = s[c] == '#' || ((s[c] == '=' || s[c] == '-') && trimmed_end(s, c, pe) == k);
        /* After a closing fence: the last code line's end. */
        if (fence && q != (size_t)-1 && li_offset(raw_end(s, q, qe), raw_end(s, q, qe), base))
            return 1;
        /* A setext underline: the heading's last text line. */
        if (heading && s[c] != '#' && q != (size_t)-1 && li_offset(q, text_start(s, q, qe), base))
            return 1;
        /* An ATX heading: its text's start, after the marks.  On the
         * item's own line too (`- # Title`: adv15 A8), past its marker. */
        size_t h = text_start(s, p, pe);
        if (h < pe && s[h] == '#') {
            while (h < pe && s[h] == '#')
                h++;
            size_t b = h;
            while (b < pe && (s[b] == ' ' || s[b] == '\t'))
                b++;
            if (li_offset(h, b, base))
                return 1;
        }
        /* The end line of an HTML block (types 1-5 end on a line of
         * their own): its end. */
        if (memchr(s + p, '>', pe - p) && li_offset(trimmed_end(s, p, pe), raw_end(s, p, pe), base))
            return 1;
        /* Two blank lines: any block ended at the first one. */
        if (blanks >= 2 && (li_offset(p, text_start(s, p, pe), base) ||
                            li_offset(trimmed_end(s, p, pe), raw_end(s, p, pe), base)))
            return 1;
    }
    return 0;
}

/* --- emphasis md4c 0.4.8 pairs otherwise -----------------------------
 *
 * CommonMark's rule of three: when a delimiter run of `*` or `_` can both
 * open and close emphasis, it does not pair with a run whose length adds
 * up with its own to a multiple of 3 (unless both are multiples of 3).
 * md4c 0.4.8 applies the rule only to `*` runs between two alphanumeric
 * characters; but a run between two punctuation characters can both open
 * and close too (in a glob of two stars, a slash, a star and `.js`, md4c
 * emphasises the slash, cmark-gfm keeps the text; fixed upstream in
 * 7882942, md4c 0.5.1).  A page with such a
 * run, outside code, and another run of its character in the same
 * paragraph that the rule would keep apart from it, goes to cmark-gfm.
 * Bytes of other scripts may be punctuation (md4c and cmark read Unicode
 * punctuation): they count as such here. */

/* 1 for a byte that may be punctuation on either side of a run. */
static int may_punct(unsigned char c)
{
    return c >= 0x80 || (c > ' ' && c < 0x7F && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9'));
}

/* The first of the bytes a, b, c, d in s[i..to), or to: 16 at a time
 * where SSE2 is there (prose has none of them in most of its bytes). */
static size_t next_of(const char *s, size_t i, size_t to, char a, char b, char c, char d)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
    for (; i + 16 <= to; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    while (i < to && s[i] != a && s[i] != b && s[i] != c && s[i] != d)
        i++;
    return i;
}

/* 1 if a line inside s[from..to) is blank as the walk below reads one
 * (blanks and `>` only, and a `\r`): a paragraph ends there. */
static int blank_line_between(const char *s, size_t from, size_t to)
{
    for (const char *p = memchr(s + from, '\n', to - from); p; p = memchr(p + 1, '\n', to - (size_t)(p + 1 - s))) {
        size_t t = (size_t)(p - s) + 1;
        while (t < to && in_class(s[t], C_BLANK | C_QUOTE))
            t++;
        if (t < to && s[t] == '\r')
            t++;
        if (t < to && s[t] == '\n')
            return 1;
    }
    return 0;
}

/* 0 when no paragraph of s[0..n) can hold what paragraph_emphasis_differs()
 * looks for: a run of `*` (or `_`) between two bytes that may be
 * punctuation, and a run of the same character, not blank on both sides,
 * whose length adds up with its own to a multiple of 3 (neither a
 * multiple of 3), with no blank line between them.  Read over the whole
 * page, fenced code and all: each run the walk looks at is one of these
 * runs, or its end after an escaped first byte (so a run after a `\`
 * counts one shorter too), with the same byte after it and, before it, a
 * byte that is punctuation or blank whenever the whole run's is (an
 * escape's `\`, a backtick, the line's start).  Most pages have no such
 * pair, and this one pass costs a fraction of the walk over paragraphs. */
static int emphasis_may_differ(const char *s, size_t n)
{
    unsigned pp[2] = {0}, any[2] = {0}; /* bit r: a run whose length is r mod 3, since the last blank line */
    size_t last = 0;                     /* the end of the last run */
    static const char marks[] = {'*', '_'};
    /* The runs, 64 bytes at a time: bits, most blocks none. */
    for (size_t at = 0, next = 0; at < n; at += 64) {
        if (next >= at + 64)
            continue; /* a run went past this block */
        for (uint64_t runs = sl__md_bits_from(sl__md_any64(s, n, at, marks, 2), next > at ? next - at : 0); runs;
             runs = sl__md_bits_from(runs, next - at)) {
            size_t i = at + (size_t)__builtin_ctzll(runs), k = i;
            while (k < n && s[k] == s[i])
                k++;
            unsigned char before = i ? (unsigned char)s[i - 1] : ' ', after = k < n ? (unsigned char)s[k] : ' ';
            unsigned len = 1u << ((k - i) % 3);
            if (before == '\\')
                len |= 1u << ((k - i - 1) % 3);
            if (before > ' ' || after > ' ') {
                int ch = s[i] == '_';
                if ((pp[0] | pp[1] | any[0] | any[1]) && blank_line_between(s, last, i))
                    pp[0] = pp[1] = any[0] = any[1] = 0;
                last = k;
                any[ch] |= len;
                if (may_punct(before) && may_punct(after))
                    pp[ch] |= len;
                if (((pp[ch] & 2) && (any[ch] & 4)) || ((pp[ch] & 4) && (any[ch] & 2)))
                    return 1;
            }
            next = k;
        }
    }
    return 0;
}

/* The runs of `*` and `_` in one paragraph s[from..to), code spans
 * skipped: 1 if a run that may close meets an earlier one that may open,
 * the rule keeps the two apart, and one of them is between punctuation.
 * (May open: no blank after it; may close: no blank before it - a
 * superset of CommonMark's flanking rules.) */
static int paragraph_emphasis_differs(const char *s, size_t from, size_t to)
{
    /* Runs that may open seen so far, by character and length mod 3: any,
     * and those between punctuation. */
    unsigned opener[2][3] = {{0}}, opener_pp[2][3] = {{0}};
    /* The look-ahead for a code span's closing run, as cmark keeps it: the
     * rightmost run of each length seen on the line looked through to its end
     * at `scanned` (runs of 64 or more together, by `long_at`).  A run
     * with no run of its length after it then needs no look, so a line of
     * unmatched runs of many lengths costs its length, not that times the
     * runs.  Long runs (few fit on a line) still look, within a budget. */
    size_t last_at[64] = {0}, long_at = 0, scanned = (size_t)-1, budget = 4 * (to - from) + 65536;
    for (size_t i = from; (i = next_of(s, i, to, '\\', '`', '*', '_')) < to; i++) {
        char c = s[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (c == '`') { /* a code span closing on the same line is skipped */
            size_t k = i;
            while (k < to && s[k] == '`')
                k++;
            size_t len = k - i, e = k;
            size_t last = len < 64 ? last_at[len] : long_at;
            if (scanned != (size_t)-1 && k <= scanned && last < k) { /* none after it on this line */
                i = k - 1;
                continue;
            }
            if (len >= 64 && scanned != (size_t)-1 && k <= scanned) {
                if (budget < scanned - k)
                    return 1; /* unknown: to cmark-gfm */
                budget -= scanned - k;
            }
            for (; e < to && s[e] != '\n'; e++) {
                SL__MD_ROUTE_STEP();
                if (s[e] == '`') {
                    size_t r = e;
                    while (r < to && s[r] == '`')
                        r++;
                    size_t *at = r - e < 64 ? &last_at[r - e] : &long_at;
                    *at = e > *at ? e : *at; /* the rightmost: a look that found its run stops short */
                    if (r - e == len)
                        break;
                    e = r - 1;
                }
            }
            if (e >= to || s[e] != '`')
                scanned = e; /* looked through to the line's end */
            i = (e < to && s[e] == '`' ? e + len : k) - 1;
            continue;
        }
        if (c != '*' && c != '_')
            continue;
        size_t k = i;
        while (k < to && s[k] == c)
            k++;
        unsigned char before = i > from ? (unsigned char)s[i - 1] : ' ', after = k < to ? (unsigned char)s[k] : ' ';
        int ch = c == '_', blank_before = before <= ' ', blank_after = after <= ' ';
        int pp = may_punct(before) && may_punct(after);
        unsigned m = (unsigned)((k - i) % 3), want = (3 - m) % 3;
        if (!blank_before && m != 0 && (pp ? opener[ch][want] : opener_pp[ch][want]))
            return 1;
        if (!blank_after) {
            opener[ch][m] = 1;
            opener_pp[ch][m] |= (unsigned)pp;
        }
        i = k - 1;
    }
    return 0;
}

/* Columns of the blanks right before s[t], back to s[l] or the first
 * other byte (a `>` or a list marker). */
static size_t indent_before(const char *s, size_t l, size_t t)
{
    size_t b = t;
    while (b > l && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    return column(s, b, t, 0);
}

int sl__md_emphasis_md4c_pairs_otherwise(const char *s, size_t n)
{
    if (!emphasis_may_differ(s, n))
        return 0;
    size_t para = 0, fence_len = 0;
    char fence_ch = 0;
    unsigned html = 0; /* sl__md_html_lines() */
    sl__md_lines lines = {0};
    sl__md_next_byte angle = {0};
    for (size_t l = 0, e; l < n; l = e + 1) {
        e = sl__md_next_line_end(&lines, s, n, l);
        /* Outside raw HTML a line with no `<` leaves the state at 0. */
        if (!fence_len && (html || sl__md_find_byte(&angle, s, n, l, '<') < e))
            sl__md_html_lines(s, l, e, &html);
        size_t t = l;
        while (t < e && in_class(s[t], C_BLANK | C_QUOTE))
            t++;
        /* A list item or a heading starts a paragraph of its own.  Only a
         * bullet or a `1.`/`1)` with text after it can interrupt one (`2)`
         * or a bare `-` under a paragraph's line is more of its text):
         * other marker lines are read on into the paragraph, which only
         * adds pairs to look at. */
        size_t after = list_marker_end(s, t, e);
        if (after > t) {
            size_t x = after;
            while (x < e && (s[x] == ' ' || s[x] == '\t' || s[x] == '\r'))
                x++;
            if (x < e && (!(s[t] >= '0' && s[t] <= '9') || (after - t == 2 && s[t] == '1'))) {
                if (!fence_len && paragraph_emphasis_differs(s, para, l))
                    return 1;
                para = after;
            }
            t = after;
            while (t < e && (s[t] == ' ' || s[t] == '\t'))
                t++;
        } else if (!fence_len && t < e && s[t] == '#') {
            if (paragraph_emphasis_differs(s, para, l))
                return 1;
            para = l;
        }
        size_t k = t, x;
        while (k < e && (s[k] == '`' || s[k] == '~') && s[k] == s[t])
            k++;
        for (x = k; x < e && (s[x] == ' ' || s[x] == '\t' || s[x] == '\r');)
            x++;
        /* Only a real fence switches: an opener indented less than four
         * (code otherwise) whose info holds no backtick (```x``` is a code
         * span), a closer with nothing after its run.  Missing an opener
         * only looks at code as paragraphs (a page sent to cmark-gfm for
         * nothing); missing a closer would skip the page's paragraphs. */
        if (k - t >= 3 && (fence_len ? s[t] == fence_ch && k - t >= fence_len && x == e
                                     : indent_before(s, l, t) < 4 && (s[t] == '~' || !memchr(s + k, '`', e - k)))) {
            /* An opener in raw HTML is the block's text: which lines are
             * code is unknown here, so the page goes to cmark-gfm. */
            if (!fence_len && (html || paragraph_emphasis_differs(s, para, l)))
                return 1;
            fence_len = fence_len ? 0 : k - t; /* opens or closes a fenced block */
            fence_ch = s[t];
            para = e;
            continue;
        }
        if (fence_len) {
            para = e;
            continue;
        }
        if (t == e || (s[t] == '\r' && t + 1 == e)) { /* a blank line ends the paragraph */
            if (paragraph_emphasis_differs(s, para, l))
                return 1;
            para = e;
        }
    }
    return !fence_len && paragraph_emphasis_differs(s, para, n);
}

/* --- a link reference definition md4c 0.4.8 counts as a block ---------
 *
 * A blank line in a list item makes the list loose only when a block of
 * the item follows it.  md4c counts a link reference definition there as
 * such a block (it decides looseness while reading lines, before the
 * definition is known to be one); cmark-gfm drops the definition first,
 * so `- a`, a blank line and an indented `[x]: /u` ending the list is
 * tight in cmark-gfm, loose (`<p>` in the items) in md4c.  A page with a
 * line that follows a blank line, is indented or quoted, and starts like
 * a definition goes to cmark-gfm (such definitions are rare: most pages
 * keep theirs at the margin, at the end). */
/* After a label's `]:` at s[i]: 1 if the line may go on as a definition
 * does - the URL on the next line, or a URL alone or with a title after
 * it that ends the line or goes on past it.  Changelogs write `- [rule]:
 * what changed` in items: text after the first word (or after a quoted
 * one), no definition to either. */
static int definition_tail(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t d = i;
    while (d < n && (unsigned char)s[d] > ' ')
        d++;
    size_t w = d;
    while (w < n && (s[w] == ' ' || s[w] == '\t' || s[w] == '\r'))
        w++;
    if (d == i || w >= n || s[w] == '\n')
        return 1;
    if (w == d || (s[w] != '"' && s[w] != '\'' && s[w] != '('))
        return 0;
    char q = s[w] == '(' ? ')' : s[w]; /* a title: it must end its line, or go on past it */
    for (w++; w < n && s[w] != '\n' && s[w] != q; w++)
        w += s[w] == '\\' && w + 1 < n && s[w + 1] != '\n';
    if (w >= n || s[w] == '\n')
        return 1;
    for (w++; w < n && (s[w] == ' ' || s[w] == '\t' || s[w] == '\r'); w++)
        ;
    return w >= n || s[w] == '\n';
}

/* The first `]:` at or after i, or n: the `]` and the byte after it
 * classified together, 16 at a time where SSE2 is there (a memchr() call
 * for each `]`, then a look at the byte after it, cost this check most of
 * its time on pages of links). */
static size_t next_label_end(const char *s, size_t n, size_t i)
{
#if defined(__SSE2__)
    const __m128i close = _mm_set1_epi8(']'), colon = _mm_set1_epi8(':');
    for (; i + 17 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v, close), _mm_cmpeq_epi8(w, colon)));
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i + 1 < n; i++)
        if (s[i] == ']' && s[i + 1] == ':')
            return i;
    return n;
}

int sl__md_definition_md4c_loosens_list(const char *s, size_t n)
{
    /* Looked for from each `]:` on the page (most pages have few, at the
     * margin), not line by line: the line it is on must start, after
     * blanks or `>`, with the `[` its `]` closes, and the line before
     * must be blank (blanks, `>` and `\r` only). */
    size_t last = (size_t)-1; /* the last `]:` looked at */
    for (size_t at = 0; (at = next_label_end(s, n, at)) < n; at++) {
        size_t l = at, t;
        /* A later `]:` on the same line has the earlier `]` before it: no
         * definition starts there (and the line is walked once, not once
         * for each: a line of them cost its square). */
        int same_line = last != (size_t)-1 && !memchr(s + last, '\n', at - last);
        last = at;
        if (same_line)
            continue;
        while (l > 0 && s[l - 1] != '\n') {
            SL__MD_ROUTE_STEP();
            l--;
        }
        for (t = l; t < at && in_class(s[t], C_BLANK | C_CR | C_QUOTE); t++)
            ;
        /* An item whose first line is a definition (`- [a]: /u`, then a
         * blank line and a block of the item): md4c makes that list loose
         * too, cmark-gfm tight (adv20 F6). */
        size_t m = t;
        while (m < at && s[m] >= '0' && s[m] <= '9' && m - t < 9)
            m++;
        if ((m > t && m < at && (s[m] == '.' || s[m] == ')')) || (m == t && (s[m] == '-' || s[m] == '*' || s[m] == '+'))) {
            size_t k = m + 1;
            while (k < at && (s[k] == ' ' || s[k] == '\t'))
                k++;
            if (k > m + 1 && s[k] == '[' && !memchr(s + k, ']', at - k) && definition_tail(s, n, at + 2))
                return 1;
        }
        if (t == l || s[t] != '[' || memchr(s + t, ']', at - t) || l == 0)
            continue;
        size_t b = l - 1;
        while (b > 0 && s[b - 1] != '\n' && in_class(s[b - 1], C_BLANK | C_CR | C_QUOTE))
            b--;
        if (b == 0 || s[b - 1] == '\n')
            return 1;
    }
    return 0;
}

/* --- a tag line after a list item's or quote's paragraph --------------
 *
 * A line holding one open or closing tag alone (an HTML block of type 7)
 * cannot interrupt a paragraph.  After a paragraph in a list item or a
 * block quote, the line at the margin is a lazy continuation of that
 * paragraph to md4c; cmark-gfm 0.29 first asks whether the line, outside
 * the containers it does not continue, starts a block, and there a type 7
 * block may start: the list or quote ends and the tag stands after it
 * (`* [Guide](g.md)` then `<a name="x" />`).  A page with a tag line
 * right after a line of a paragraph that began in a container goes to
 * cmark-gfm, unless the tag line is inside a type-6 HTML block that both
 * read alike (in_html_block() above). */

/* The paragraph being read began in `quote` block quotes (the `>` marks
 * of its lines, the most seen), or in a list item whose lines need `need`
 * columns past the innermost quote's marks (its `>` and one blank) to go
 * on in it; `qcol`: the blanks before a quoted line's first `>` (a quote
 * inside a list item: `-   x`, `    > b`). */
typedef struct lazy_state {
    size_t quote, need, qcol;
} lazy_state;

/* A line of spaces and tabs (and a `\r`) only: the paragraph ends. */
static int lazy_blank(const char *s, size_t l, size_t e)
{
    size_t t = l;
    while (t < e && (s[t] == ' ' || s[t] == '\t'))
        t++;
    return t == e || (s[t] == '\r' && t + 1 == e);
}

/* Past the blanks, `>` marks and (with markers) list markers at the
 * start of line [l, e): *quotes counts the marks, *qcol is where the
 * first one stands (past the list items around it), *base is where the
 * innermost quote's content starts (after its `>` and one blank; l when
 * there is none), *item says a list marker follows it. */
static size_t past_prefix(const char *s, size_t l, size_t e, int markers, size_t *quotes, size_t *qcol, size_t *base,
                          int *item)
{
    size_t t = l;
    *quotes = 0, *qcol = 0, *base = l, *item = 0;
    for (;;) {
        while (t < e && (s[t] == ' ' || s[t] == '\t'))
            t++;
        if (t < e && s[t] == '>') {
            if (!*quotes)
                *qcol = t - l;
            ++*quotes;
            t += 1 + (t + 1 < e && (s[t + 1] == ' ' || s[t + 1] == '\t'));
            *base = t, *item = 0;
            continue;
        }
        size_t m = markers ? list_marker_end(s, t, e) : t;
        if (m == t)
            return t;
        t = m, *item = 1;
    }
}

/* 1 if the `<` at s[t] starts an HTML block to cmark-gfm 0.29 where a
 * paragraph does not go on: types 1-6 by their start, type 7 a whole open
 * or closing tag with only blanks after it on its line [.., e).  Anything
 * else (`<b> x`, `<kbd>C</kbd> copies`) is a paragraph's text. */
static int starts_html_block(const char *s, size_t n, size_t t, size_t e)
{
    static const char *const type1[] = {"script", "pre", "style"};
    size_t j = t + 1;
    if (j < e && (s[j] == '!' || s[j] == '?'))
        return 1; /* comments, declarations, CDATA, processing instructions */
    int closing = j < e && s[j] == '/';
    for (size_t k = 0; !closing && k < 3; k++)
        if (starts_with(s, e, j, type1[k], strlen(type1[k])) && name_ends(s, e, j + strlen(type1[k]), 1))
            return 1;
    j += closing;
    size_t r = e;
    while (r > t && (s[r - 1] == '\r' || s[r - 1] == '\n'))
        r--;
    return (j < e && cm_is_type6(s, n, j)) || sl__md_lone_tag(s, t, r);
}

/* Line [l, e) read after the state st of the lines before it: 1 if it
 * is a tag line md4c reads as a lazy continuation. */
static int lazy_line(const char *s, size_t n, size_t l, size_t e, lazy_state *st)
{
    size_t quotes, qcol, base;
    int item;
    size_t t = past_prefix(s, l, e, 0, &quotes, &qcol, &base, &item);
    if (t == e || (s[t] == '\r' && t + 1 == e)) {
        if (!quotes)
            *st = (lazy_state){0, 0, 0};
        return 0; /* (a quote's blank line ends its paragraph too, but not the quote: a superset) */
    }
    size_t r = e;
    while (r > t && (s[r - 1] == ' ' || s[r - 1] == '\t' || s[r - 1] == '\r'))
        r--;
    size_t a = t + 1 + (t + 1 < e && s[t + 1] == '/');
    /* A tag line, or the start of a comment, a declaration or a
     * processing instruction (`<!--`, `<!X`, `<?`: HTML blocks that end
     * a paragraph in both, but not a lazy one in md4c). */
    int html = a < e && (((s[a] | 0x20) >= 'a' && (s[a] | 0x20) <= 'z' && s[r - 1] == '>') ||
                         (a == t + 1 && (s[a] == '!' || s[a] == '?')));
    /* Fewer `>` marks than the paragraph's, or too few columns past the
     * innermost one for its list item: the line leaves a container, and
     * cmark-gfm lets the tag start a block there where md4c reads on.
     * Four columns past what it continues, it would be code (the list
     * items around a quote, `-   x` then `    > b`, count as continued). */
    if (s[t] == '<' && html && (quotes < st->quote || t - base < st->need) &&
        t - base < 4 + (!quotes && st->quote ? st->qcol : 0))
        return 1;
    size_t text = past_prefix(s, l, e, 1, &quotes, &qcol, &base, &item);
    /* Only a paragraph counts: a line of raw HTML or a fence starts no
     * paragraph (their lines are no lazy continuation to md4c); one or
     * two backticks or tildes are a paragraph's text (adv18 F4: `- \``),
     * and so is a `<` that starts no HTML block after a `>` or a list
     * marker (`> <b> x`, advmd F4; without either, the line may be one of
     * an HTML block's: `<a href="u">`, then `  <img src="i"`). */
    size_t run = text;
    while (run < e && (s[run] == '`' || s[run] == '~') && s[run] == s[text])
        run++;
    if (text < e && ((s[text] == '<' && (!(quotes || item) || starts_html_block(s, n, text, e))) || run - text >= 3))
        return 0; /* (it leaves the state as it was) */
    if (quotes > st->quote)
        st->quote = quotes;
    if (quotes)
        st->qcol = qcol;
    if (item) /* after a list marker */
        st->need = text - base; /* tabs counted as one column: fewer, so more lines count as lazy */
    else if (!quotes && text > l && text - l < 4 && !st->need && !st->quote)
        st->need = text - l; /* a later paragraph of an item, as far in as its items go */
    return 0;
}

int sl__md_html_lazy_tag_md4c_misreads(const char *s, size_t n)
{
    /* Only a line with a `<` after at most three blanks can be one, and
     * the state a line is read with starts over at each blank line: so
     * the lines are read from the blank line before each such `<` (or
     * from where the last read stopped, when there is none between), not
     * all of them - most pages have few such lines, in few paragraphs. */
    lazy_state st = {0, 0, 0};
    size_t done = 0; /* the lines before it are read, st is their state */
    html_run run = {.budget = 4 * n + 65536};
    for (const char *p = memchr(s, '<', n); p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
        size_t at = (size_t)(p - s), l = at;
        /* back over blanks and `>` marks: a tag line in a quote leaves
         * the quote's inner containers too (`> > q`, `> <br>`; advmd F4) */
        while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '>'))
            l--;
        if (l < done || (l > 0 && s[l - 1] != '\n'))
            continue;
        size_t b = l;
        while (b > done) { /* back to a blank line, or to where reading stopped */
            size_t pl = b - 1;
            while (pl > 0 && s[pl - 1] != '\n')
                pl--;
            if (lazy_blank(s, pl, b - 1))
                break;
            b = pl;
        }
        if (b > done)
            st = (lazy_state){0, 0, 0};
        for (size_t x = b, e;; x = e + 1) {
            e = sl__md_line_end(s, n, x);
            /* A tag line inside a type-6 HTML block to both is a line of
             * that block to both, whatever the lines before it looked like
             * (READMEs indent the text inside `<div align="center">`,
             * which then read as an item's paragraph here). */
            if (lazy_line(s, n, x, e, &st) && !in_html_block(s, n, x, &run))
                return 1;
            if (x == l) {
                done = e + 1;
                break;
            }
        }
    }
    return 0;
}
