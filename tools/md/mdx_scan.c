/*
 * mdx_scan.c - what on an MDX page is not Markdown: import/export blocks,
 * JSX tags and {expressions}, found where micromark's MDX extensions
 * (micromark-extension-mdxjs-esm, -mdx-jsx, -mdx-expression) find them,
 * and the Markdown md4c will parse in their place.
 *
 * The one idea: MDX's constructs are tokens that Markdown's own parsing
 * never looks inside, so each can be cut out before md4c runs and put back
 * after.  A construct inside text becomes a short placeholder that starts
 * and ends with the construct's own first and last characters (`<...>`,
 * `{...}`), so emphasis and links around it parse as they would around
 * the real one; a line holding only constructs (JSX in flow) becomes an
 * ATX heading line of placeholders, which - like MDX's flow JSX - stands
 * on its own, interrupts a paragraph and is never a lazy line.  Fenced
 * code and code spans are copied untouched: MDX is not parsed inside them.
 *
 * Line by line: after the container markers (`>`, list bullets, indent)
 * a line is fenced code, blank, an ESM block (column 1, not inside a
 * paragraph), a flow line, or text, where `\` escapes, code spans, `<`
 * and `{` are read left to right as micromark reads them.  JavaScript is
 * checked in place with tools/js (sl__js_parse_range), so errors carry the
 * page's own line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_parse_range.h"
#include "md_libs.h"
#include "mdx.h"

/* md4c-html's HTML5 entity table (exported by libmd4c-html, not declared
 * in its public header, loaded with it: md_libs.h): name with `&` and
 * `;`, one or two code points. */
struct entity {
    const char *name;
    unsigned codepoints[2];
};

void sl__mdx_position(const char *src, size_t len, size_t pos, uint32_t *line, uint32_t *col)
{
    sl__js_position(src, len, (uint32_t)pos, line, col);
    size_t from = pos > len ? len : pos, units = 0;
    from -= *col - 1 < from ? *col - 1 : from; /* the line's start: tools/js counts bytes */
    for (size_t i = from; i < pos && i < len; i++) {
        unsigned char b = (unsigned char)src[i];
        units += (b & 0xC0) != 0x80 ? (b >= 0xF0 ? 2 : 1) : 0;
    }
    *col = (uint32_t)units + 1;
}

/* An error text "L:C: message\n    line\n    ^" (tools/js's, its path
 * "" dropped) into s->err, cut to fit, its column @mdx-js/mdx's (UTF-16
 * code units) for the error at pos. */
static void set_err(mdx_scan *s, const char *m, size_t pos)
{
    sl__mdx_position(s->src, s->len, pos, &s->err_line, &s->err_col);
    size_t k = strspn(m, "0123456789");
    if (m[k] == ':')
        k += 1 + strspn(m + k + 1, "0123456789");
    const char *caret = strrchr(m + k, '\n');
    int body = caret && caret[strspn(caret + 1, " ") + 1] == '^' && !caret[strspn(caret + 1, " ") + 2]
                   ? (int)(caret - (m + k))
                   : (int)strlen(m + k);
    snprintf(s->err, sizeof s->err, "%u:%u%.*s", s->err_line, s->err_col, body, m + k);
    if (body < (int)strlen(m + k)) { /* the caret under that column */
        size_t at = strlen(s->err);
        snprintf(s->err + at, sizeof s->err - at, "\n    %*s^", (int)(s->err_col - 1 > 200 ? 200 : s->err_col - 1), "");
    }
}

int sl__mdx_fail(mdx_scan *s, size_t pos, const char *msg)
{
    char tmp[1200];
    sl__js_error_text(tmp, sizeof tmp, "", s->src, s->len, (uint32_t)pos, msg);
    set_err(s, tmp + 1, pos); /* drop the empty path's ':' */
    return -1;
}

/* A JS error text "path:L:C: msg..." from tools/js (path ""), kept as ours. */
static int js_fail(mdx_scan *s, const char *err, uint32_t pos)
{
    set_err(s, err[0] == ':' ? err + 1 : err, pos);
    return -1;
}

/* ------------------------------------------------------------ characters */

static uint32_t utf8_at(const char *s, size_t n, size_t i, size_t *w)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = n - i;
    if (u[0] < 0x80 || left < 2) {
        *w = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0) {
        *w = 2;
        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0 && left >= 3) {
        *w = 3;
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    }
    if (left >= 4) {
        *w = 4;
        return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 | (uint32_t)(u[2] & 0x3F) << 6 |
               (u[3] & 0x3F);
    }
    *w = 1;
    return u[0];
}

static int is_unicode_ws(uint32_t c)
{
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000 || c == 0xFEFF;
}

static int is_space(uint32_t c) { return c == ' ' || c == '\t'; }
static int is_eol(uint32_t c) { return c == '\n' || c == '\r'; }

static int id_start(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' || c == '_' ||
           (c >= 0x80 && !is_unicode_ws(c));
}

static int id_cont(uint32_t c)
{
    return id_start(c) || (c >= '0' && c <= '9') || c == '-';
}

void sl__mdx_put_utf8(sl__md_buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80)
        t[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        t[0] = (char)(0xC0 | cp >> 6), t[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        t[0] = (char)(0xE0 | cp >> 12), t[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), t[2] = (char)(0x80 | (cp & 0x3F)),
        n = 3;
    else
        t[0] = (char)(0xF0 | cp >> 18), t[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), t[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    sl__md_buf_put(b, t, n);
}

size_t sl__mdx_char_ref(const char *s, size_t n, size_t i, sl__md_buf *b)
{
    size_t k = i + 1;
    if (k < n && s[k] == '#') {
        int hex = k + 1 < n && (s[k + 1] == 'x' || s[k + 1] == 'X');
        k += hex ? 2 : 1;
        size_t d0 = k;
        uint32_t v = 0;
        while (k < n && k - d0 < (hex ? 6u : 7u)) {
            char c = s[k];
            int d = c >= '0' && c <= '9' ? c - '0'
                    : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
            if (d < 0)
                break;
            v = v * (hex ? 16 : 10) + (uint32_t)d;
            k++;
        }
        if (k == d0 || k >= n || s[k] != ';')
            return 0;
        sl__mdx_put_utf8(b, v);
        return k + 1 - i;
    }
    while (k < n && k - i < 40 && ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z' ? 1 : (s[k] >= '0' && s[k] <= '9')))
        k++;
    if (k >= n || s[k] != ';' || k == i + 1)
        return 0;
    const struct entity *e = sl__md_md4c_html()->entity_lookup(s + i, k + 1 - i);
    if (!e)
        return 0;
    sl__mdx_put_utf8(b, e->codepoints[0]);
    if (e->codepoints[1])
        sl__mdx_put_utf8(b, e->codepoints[1]);
    return k + 1 - i;
}

/* ------------------------------------------------------------ containers
 *
 * micromark takes each line's container prefix off before the MDX
 * extensions see it: in `> {"a" +\n> "b"}` the expression is `"a" +\n"b"`.
 * The scanner reads constructs in the page itself, so it keeps the
 * containers of the line a construct starts on (s->cur: a block quote, or
 * a list item's indentation in columns) and takes their prefix off each
 * line the construct runs on: the tag reader skips it, tools/js parses a
 * copy of the page with it blanked (s->shadow, so positions stay the
 * page's), and mdx_emit.c leaves it out of the expression's text.
 */

static size_t tab_col(char c, size_t col) { return c == '\t' ? (col / 4 + 1) * 4 : col + 1; }

size_t sl__mdx_cont_text(const char *src, size_t n, size_t i, const uint8_t *cont, size_t ncont, int *full)
{
    size_t k = i, col = 0;
    *full = 1;
    for (size_t c = 0; c < ncont; c++) {
        size_t q = k, qcol = col;
        while (q < n && (src[q] == ' ' || src[q] == '\t'))
            qcol = tab_col(src[q++], qcol);
        if (cont[c] == MDX_CONT_QUOTE) { /* indentation, `>`, one space */
            if (q >= n || src[q] != '>') {
                *full = 0;
                return k;
            }
            k = q + 1, col = qcol + 1;
            if (k < n && (src[k] == ' ' || src[k] == '\t'))
                col = tab_col(src[k++], col);
        } else if (q >= n || src[q] == '\n' || src[q] == '\r') { /* a blank line stays in a list item */
            k = q, col = qcol;
        } else if (qcol - col < cont[c]) {
            *full = 0;
            return k;
        } else {
            for (size_t want = col + cont[c]; col < want;)
                col = tab_col(src[k++], col);
        }
    }
    return k;
}

static void push_cont(mdx_scan *s, size_t v)
{
    if (s->ncur < MDX_MAX_CONT && v <= 255)
        s->cur[s->ncur++] = (uint8_t)v;
}

/* The open list items after q quotes (s->items[q]), content columns
 * after the last `>`: those indented more than ind close (a line that is
 * no lazy paragraph continuation), and with deeper all inside deeper
 * quotes. */
static void close_items(mdx_scan *s, size_t q, size_t ind, int deeper)
{
    if (q < MDX_ITEM_QUOTES)
        while (s->nitems[q] && s->items[q][s->nitems[q] - 1] > ind)
            s->nitems[q]--;
    for (size_t d = q + 1; deeper && d < MDX_ITEM_QUOTES; d++)
        s->nitems[d] = 0;
}

/* The containers of the line from i (its prefix ends at p) into s->cur:
 * each `>` a block quote; each list marker an item whose indentation runs
 * to its content (CommonMark: one to four spaces after the marker, else
 * one); indentation after the last `>` with no marker is that of the
 * innermost list item it reaches of those open at that depth of quotes.
 * para: the line may be a lazy continuation of a paragraph (it closes
 * no list item). */
static void line_containers(mdx_scan *s, size_t i, size_t p, int para)
{
    const char *src = s->src;
    uint8_t old[MDX_MAX_CONT];
    size_t nold = s->ncur, k = i, col = 0, q = 0, w = 0, trail = 0;
    int marker = 0; /* a list marker since the last `>` */
    memcpy(old, s->cur, nold);
    s->ncur = 0;
    while (k < p) {
        size_t ws = col;
        while (k < p && (src[k] == ' ' || src[k] == '\t'))
            col = tab_col(src[k++], col);
        if (k >= p) {
            trail = col - ws;
            break;
        }
        if (src[k] == '>') {
            if (!para && !marker)
                close_items(s, q, col - ws, 0);
            push_cont(s, MDX_CONT_QUOTE);
            q++, w = 0, marker = 0, k++, col++;
            if (k < p && (src[k] == ' ' || src[k] == '\t'))
                col = tab_col(src[k++], col);
            continue;
        }
        /* a list marker (skip_prefix put p past it) */
        close_items(s, q, w + (col - ws), 1);
        size_t m = k;
        if (src[m] == '-' || src[m] == '+' || src[m] == '*')
            m++;
        else {
            while (m < p && src[m] >= '0' && src[m] <= '9')
                m++;
            m++;
        }
        col += m - k, k = m;
        size_t after = col;
        for (size_t g = k; g < p && (src[g] == ' ' || src[g] == '\t'); g++)
            after = tab_col(src[g], after);
        size_t content = col + (after - col >= 1 && after - col <= 4 ? after - col : 1);
        while (k < p && col < content && (src[k] == ' ' || src[k] == '\t'))
            col = tab_col(src[k++], col);
        push_cont(s, content - ws);
        w += content - ws, marker = 1;
        if (q < MDX_ITEM_QUOTES && s->nitems[q] < MDX_ITEM_DEPTH)
            s->items[q][s->nitems[q]++] = w;
    }
    if (!marker) {
        if (!para)
            close_items(s, q, trail, 1);
        if (q < MDX_ITEM_QUOTES && s->nitems[q] && s->items[q][s->nitems[q] - 1] <= trail)
            push_cont(s, s->items[q][s->nitems[q] - 1]);
    }
    if (nold != s->ncur || memcmp(old, s->cur, nold))
        s->cur_saved = NULL;
}

/* tools/js's parse of src[from..to), the container prefixes of its
 * continuation lines blanked: the JavaScript micromark hands acorn, at
 * the page's own offsets; an error quotes the page's line. */
static int parse_js(mdx_scan *s, js_ast *ast, size_t from, size_t to, int kind, char *err, size_t errlen,
                    uint32_t *epos)
{
    static const js_parse_opts po = {.jsx = 1, .module = 1};
    const char *src = s->src, *nl = s->ncur ? memchr(src + from, '\n', to - from) : NULL;
    if (nl && !s->shadow && (s->shadow = malloc(s->page_len)) != NULL) /* the whole page: s->len may be a text_limit */
        memcpy(s->shadow, src, s->page_len);
    if (!nl || !s->shadow) {
        if (nl)
            s->md.failed = 1; /* no memory: the scan ends in -2 */
        return sl__js_parse_range(ast, "", src, s->len, from, to, kind, &po, s->arena, err, errlen, epos);
    }
    for (size_t k = (size_t)(nl - src); k < to; k++) {
        if (src[k] != '\n')
            continue;
        int full;
        size_t t = sl__mdx_cont_text(src, to, k + 1, s->cur, s->ncur, &full);
        memset(s->shadow + k + 1, ' ', t - (k + 1));
        k = t - 1;
    }
    int rc = sl__js_parse_range(ast, "", s->shadow, s->len, from, to, kind, &po, s->arena, err, errlen, epos);
    memcpy(s->shadow + from, src + from, to - from);
    if (rc != 0) { /* quote the page's line, not the blanked one: ":L:C: message\n..." */
        const char *m = strchr(err + 1, ':');
        m = m ? strstr(m + 1, ": ") : NULL;
        if (m) {
            char msg[512];
            size_t ml = strcspn(m + 2, "\n");
            snprintf(msg, sizeof msg, "%.*s", (int)ml, m + 2);
            sl__js_error_text(err, errlen, "", src, s->len, *epos, msg);
        }
    }
    return rc;
}

/* ------------------------------------------------------------ constructs */

static mdx_construct *new_construct(mdx_scan *s, int kind, size_t start)
{
    if (s->nc == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        mdx_construct *c = realloc(s->c, cap * sizeof *c);
        if (!c)
            return NULL;
        s->c = c;
        s->cap = cap;
    }
    mdx_construct *c = &s->c[s->nc++];
    memset(c, 0, sizeof *c);
    c->kind = (uint8_t)kind;
    c->start = (uint32_t)start;
    if (s->ncur) {
        if (!s->cur_saved) {
            uint8_t *v = sl__js_alloc(s->arena, s->ncur);
            memcpy(v, s->cur, s->ncur);
            s->cur_saved = v;
        }
        c->cont = s->cur_saved;
        c->ncont = s->ncur;
    }
    return c;
}

/* The offset just past JS-aware braces from `from` (after a `{`) to the
 * `}` that balances it, skipping strings, templates and comments; or 0. */
static size_t js_brace_end(const char *s, size_t n, size_t from)
{
    int depth = 0;
    for (size_t i = from; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\'') {
            for (i++; i < n && s[i] != c && s[i] != '\n'; i++)
                if (s[i] == '\\')
                    i++;
        } else if (c == '`') {
            int inner = 0;
            for (i++; i < n && (s[i] != '`' || inner); i++) {
                if (s[i] == '\\')
                    i++;
                else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{')
                    inner++, i++;
                else if (s[i] == '}' && inner)
                    inner--;
            }
        } else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *e = NULL;
            for (size_t k = i + 2; k + 1 < n; k++)
                if (s[k] == '*' && s[k + 1] == '/') {
                    e = s + k;
                    break;
                }
            if (!e)
                return 0;
            i = (size_t)(e - s) + 1;
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (depth == 0)
                return i;
            depth--;
        }
    }
    return 0;
}

enum expr_kind { EX_TEXT, EX_ATTR_VALUE, EX_SPREAD };

/* Tries the expression between s->src[open+1] and a `}` at close. */
static int try_expr(mdx_scan *s, size_t open, size_t close, int kind, js_ast *ast, int *blank, char *err,
                    size_t errlen, uint32_t *epos)
{
    size_t from = open + 1;
    *blank = 0;
    if (sl__js_range_is_blank(s->src, from, close)) {
        if (kind == EX_TEXT) {
            *blank = 1;
            return 0;
        }
        snprintf(err, errlen, "%s", "");
        sl__js_error_text(err, errlen, "", s->src, s->len, (uint32_t)close,
                          kind == EX_SPREAD ? "Unexpected empty expression, expected an object spread (`{...spread}`)"
                                            : "Unexpected empty expression, expected a value between braces");
        *epos = (uint32_t)close;
        return -1;
    }
    if (kind == EX_SPREAD) {
        size_t k = from;
        while (k < close && (is_space((unsigned char)s->src[k]) || is_eol((unsigned char)s->src[k])))
            k++;
        if (close - k < 3 || memcmp(s->src + k, "...", 3) != 0) {
            sl__js_error_text(err, errlen, "", s->src, s->len, (uint32_t)k,
                              "Unexpected content in code: expected an object spread (`{...spread}`)");
            *epos = (uint32_t)k;
            return -1;
        }
        from = k + 3;
    }
    return parse_js(s, ast, from, close, JS_RANGE_EXPRESSION, err, errlen, epos);
}

#define LAZY_EXPR                                                                                               \
    "Unexpected lazy line in expression in container, expected line to be prefixed with `>` when in a block " \
    "quote, whitespace when in a list, etc"
#define LAZY_TAG                                                                                                \
    "Unexpected lazy line in container, expected line to be prefixed with `>` when in a block quote, "        \
    "whitespace when in a list, etc"

/* A flow construct's lines from `from` to `to` (a line ending at each):
 * the first that does not repeat its containers' prefix is an error, as
 * micromark's (text may run on over lazy lines). */
static int lazy_lines(mdx_scan *s, size_t from, size_t to, const char *msg)
{
    if (!s->in_flow || !s->ncur)
        return 0;
    for (size_t k = from; k < to; k++) {
        if (s->src[k] != '\n')
            continue;
        int full;
        size_t t = sl__mdx_cont_text(s->src, s->len, k + 1, s->cur, s->ncur, &full);
        if (!full)
            return sl__mdx_fail(s, t, msg);
    }
    return 0;
}

/* An expression at s->src[open] == '{': sets the construct's fields and
 * *end (just past `}`).  micromark ends it at the first `}` where what
 * precedes parses; the JS-aware brace match is tried first, the first
 * `}` that parses after that. */
static int scan_expr(mdx_scan *s, size_t open, int kind, js_ast *ast, int *blank, size_t *end)
{
    char err[1024];
    uint32_t epos = 0;
    size_t guess = js_brace_end(s->src, s->len, open + 1);
    int rc = guess ? try_expr(s, open, guess, kind, ast, blank, err, sizeof err, &epos) : -1;
    if (guess && rc == 0) {
        *end = guess + 1;
        return lazy_lines(s, open, guess, LAZY_EXPR);
    }
    if (rc == JS_RANGE_TOO_DEEP) /* so would every later `}` be (advmdx F19: they were tried, quadratic) */
        return js_fail(s, err, epos);
    int have_err = 0;
    for (size_t k = open + 1; k < s->len; k++) {
        if (s->src[k] != '}')
            continue;
        if (k == guess) {
            have_err = 0; /* already tried: keep its message */
            continue;
        }
        char e2[1024];
        uint32_t p2 = 0;
        rc = try_expr(s, open, k, kind, ast, blank, e2, sizeof e2, &p2);
        if (rc == 0) {
            *end = k + 1;
            return lazy_lines(s, open, k, LAZY_EXPR);
        }
        memcpy(err, e2, sizeof err);
        epos = p2;
        have_err = 1;
        if (rc == JS_RANGE_TOO_DEEP)
            break;
    }
    /* micromark reads on to the end of the file for a `}` that parses:
     * a lazy line on its way is the error it gives */
    if (lazy_lines(s, open, s->len, LAZY_EXPR))
        return -1;
    if (have_err || guess)
        return js_fail(s, err, epos);
    return sl__mdx_fail(s, s->len,
                        "Unexpected end of file in expression, expected a corresponding closing brace for `{`");
}

/* ------------------------------------------------------------ JSX tags */

typedef struct tag_reader {
    mdx_scan *s;
    size_t i;
    mdx_construct *c;
    size_t lazy; /* a flow tag: 1 + where its first lazy line starts (0: none) */
} tag_reader;

static uint32_t cur(tag_reader *t, size_t *w)
{
    if (t->i >= t->s->len) {
        *w = 0;
        return (uint32_t)-1;
    }
    return utf8_at(t->s->src, t->s->len, t->i, w);
}

static int crash(tag_reader *t, const char *at, const char *expect)
{
    size_t w;
    uint32_t c = cur(t, &w);
    char msg[512], ch[64];
    if (c == (uint32_t)-1)
        snprintf(ch, sizeof ch, "end of file");
    else if (c == '`')
        snprintf(ch, sizeof ch, "character ` ` ` (U+0060)");
    else
        snprintf(ch, sizeof ch, "character `%.*s` (U+%04X)", (int)w, t->s->src + t->i, c);
    snprintf(msg, sizeof msg, "Unexpected %s %s, expected %s", ch, at, expect);
    return sl__mdx_fail(t->s, t->i, msg);
}

/* At the start of a line inside a tag: past its containers' prefix. */
static void after_eol(tag_reader *t)
{
    mdx_scan *s = t->s;
    if (!s->ncur)
        return;
    int full;
    t->i = sl__mdx_cont_text(s->src, s->len, t->i, s->cur, s->ncur, &full);
    if (!full && s->in_flow && !t->lazy)
        t->lazy = t->i + 1;
}

/* JS white space and line endings inside a tag. */
static void es_ws(tag_reader *t)
{
    for (;;) {
        size_t w;
        uint32_t c = cur(t, &w);
        if (c == (uint32_t)-1 || !(is_space(c) || is_eol(c) || is_unicode_ws(c)))
            return;
        t->i += w;
        if (c == '\n' || (c == '\r' && (t->i >= t->s->len || t->s->src[t->i] != '\n')))
            after_eol(t);
    }
}

/* A name of id characters starting at t->i (the first is id_start). */
static size_t read_name(tag_reader *t)
{
    size_t from = t->i, w;
    uint32_t c = cur(t, &w);
    t->i += w;
    while ((c = cur(t, &w)) != (uint32_t)-1 && id_cont(c))
        t->i += w;
    return t->i - from;
}

static int name_end_ok(uint32_t c, const char *extra)
{
    return c == (uint32_t)-1 ? 0 : (c < 0x80 && strchr(extra, (int)c)) || is_space(c) || is_eol(c) || is_unicode_ws(c);
}

#define STARTS_NAME "a character that can start a name, such as a letter, `$`, or `_`"
#define STARTS_ATTR \
    "a character that can start an attribute name, such as a letter, `$`, or `_`; whitespace before attributes; or the end of the tag"

/* The tag's name: `A`, `a.b.c`, `ns:x`, or nothing (a fragment). */
static int tag_name(tag_reader *t)
{
    size_t w;
    uint32_t c = cur(t, &w);
    if (c == '>' || (t->c->closing && c == '>'))
        return 0; /* fragment */
    if (c == (uint32_t)-1 || !id_start(c))
        return crash(t, "before name",
                     c == '!' ? STARTS_NAME " (note: to create a comment in MDX, use `{/* text */}`)"
                     : t->c->closing && (c == '*' || c == '/')
                         ? STARTS_NAME " (note: JS comments in JSX tags are not supported in MDX)"
                         : STARTS_NAME);
    sl__md_buf name = {0};
    size_t from = t->i, n = read_name(t);
    sl__md_buf_put(&name, t->s->src + from, n);
    c = cur(t, &w);
    if (!name_end_ok(c, "./:>{")) {
        free(name.data);
        return crash(t, "in name",
                     c == '@' ? "a name character such as letters, digits, `$`, or `_`; whitespace before attributes; "
                                "or the end of the tag (note: to create a link in MDX, use `[text](url)`)"
                              : "a name character such as letters, digits, `$`, or `_`; whitespace before attributes; "
                                "or the end of the tag");
    }
    es_ws(t);
    c = cur(t, &w);
    if (c == '.') {
        while (c == '.') {
            t->i++;
            es_ws(t);
            c = cur(t, &w);
            if (c == (uint32_t)-1 || !id_start(c)) {
                free(name.data);
                return crash(t, "before member name", STARTS_ATTR);
            }
            from = t->i;
            n = read_name(t);
            sl__md_buf_putc(&name, '.');
            sl__md_buf_put(&name, t->s->src + from, n);
            c = cur(t, &w);
            if (!name_end_ok(c, "./>{")) {
                free(name.data);
                return crash(t, "in member name",
                             "a name character such as letters, digits, `$`, or `_`; whitespace before attributes; "
                             "or the end of the tag");
            }
            es_ws(t);
            c = cur(t, &w);
        }
    } else if (c == ':') {
        t->i++;
        es_ws(t);
        c = cur(t, &w);
        if (c == (uint32_t)-1 || !id_start(c)) {
            free(name.data);
            return crash(t, "before local name", STARTS_NAME);
        }
        from = t->i;
        n = read_name(t);
        sl__md_buf_putc(&name, ':');
        sl__md_buf_put(&name, t->s->src + from, n);
        c = cur(t, &w);
        if (!name_end_ok(c, "/>{")) {
            free(name.data);
            return crash(t, "in local name",
                         "a name character such as letters, digits, `$`, or `_`; whitespace before attributes; or "
                         "the end of the tag");
        }
        es_ws(t);
    }
    if (name.failed) {
        free(name.data);
        return -2;
    }
    t->c->name = sl__js_strndup(t->s->arena, name.data, name.len);
    free(name.data);
    return 0;
}

static mdx_attr *new_attr(tag_reader *t, int kind)
{
    mdx_construct *c = t->c;
    if ((c->nattrs & (c->nattrs - 1)) == 0) { /* 0, 1, 2, 4, ...: grow to the next power of two */
        size_t cap = c->nattrs ? c->nattrs * 2 : 1;
        mdx_attr *a = sl__js_alloc(t->s->arena, cap * sizeof *a);
        if (c->nattrs)
            memcpy(a, c->attrs, c->nattrs * sizeof *a);
        c->attrs = a;
    }
    mdx_attr *a = &c->attrs[c->nattrs++];
    memset(a, 0, sizeof *a);
    a->kind = (uint8_t)kind;
    return a;
}

/* In a quoted attribute value after a line ending: the white space that
 * micromark reads as the tag's (esWhitespace), each further line ending
 * (`\r`, `\n`, `\r\n` as written) kept in the value. */
static void value_ws(tag_reader *t, sl__md_buf *v)
{
    for (;;) {
        size_t w;
        uint32_t c = cur(t, &w);
        if (c == (uint32_t)-1 || !(is_space(c) || is_eol(c) || is_unicode_ws(c)))
            return;
        if (is_eol(c)) /* as written: a lone `\r` too (lone_cr_as_lf made it `\n` in src) */
            sl__md_buf_put(v, (t->s->raw ? t->s->raw : t->s->src) + t->i, w);
        t->i += w;
        if (c == '\n' || (c == '\r' && (t->i >= t->s->len || t->s->src[t->i] != '\n')))
            after_eol(t);
    }
}

/* A quoted attribute value at t->i (the quote): decoded into a->value. */
static int attr_string(tag_reader *t, mdx_attr *a)
{
    const char *s = t->s->src;
    char q = s[t->i];
    size_t open = t->i++;
    sl__md_buf v = {0};
    while (t->i < t->s->len && s[t->i] != q) {
        size_t k = s[t->i] == '&' ? sl__mdx_char_ref(s, t->s->len, t->i, &v) : 0;
        if (k) {
            t->i += k;
        } else if (s[t->i] == '\n' || s[t->i] == '\r') {
            /* micromark reads the white space that starts the next line
             * as the tag's, not the value's; every line ending stays in
             * the value (`"a\n\n  x"` is "a\n\nx"), a blank line's too */
            value_ws(t, &v);
        } else {
            sl__md_buf_putc(&v, s[t->i++]);
        }
    }
    if (t->i >= t->s->len) {
        free(v.data);
        char expect[64];
        snprintf(expect, sizeof expect, "a corresponding closing quote `%c`", q);
        (void)open;
        return crash(t, "in attribute value", expect);
    }
    t->i++;
    if (v.failed) {
        free(v.data);
        return -2;
    }
    a->value = sl__js_strndup(t->s->arena, v.data ? v.data : "", v.len);
    a->value_len = v.len;
    free(v.data);
    return 0;
}

/* `{...}` in a tag: an attribute value or a spread. */
static int attr_expr(tag_reader *t, mdx_attr *a, int kind)
{
    size_t end;
    int blank;
    int rc = scan_expr(t->s, t->i, kind, &a->expr, &blank, &end);
    if (rc)
        return rc;
    a->value = t->s->src + t->i + 1;
    a->value_len = end - 1 - (t->i + 1);
    t->i = end;
    return 0;
}

static int attributes(tag_reader *t)
{
    for (;;) {
        size_t w;
        uint32_t c = cur(t, &w);
        if (c == '/') {
            t->i++;
            es_ws(t);
            if (cur(t, &w) != '>') {
                c = cur(t, &w);
                return crash(t, "after self-closing slash",
                             c == '*' || c == '/'
                                 ? "`>` to end the tag (note: JS comments in JSX tags are not supported in MDX)"
                                 : "`>` to end the tag");
            }
            t->c->self_closing = 1;
            t->i++;
            return 0;
        }
        if (c == '>') {
            t->i++;
            return 0;
        }
        if (c == '{') {
            int rc = attr_expr(t, new_attr(t, MDX_ATTR_SPREAD), EX_SPREAD);
            if (rc)
                return rc;
            es_ws(t);
            continue;
        }
        if (c == (uint32_t)-1 || !id_start(c))
            return crash(t, "before attribute name", STARTS_ATTR);
        mdx_attr *a = new_attr(t, MDX_ATTR_BOOL);
        size_t from = t->i, n = read_name(t);
        c = cur(t, &w);
        if (!name_end_ok(c, "/:=>{"))
            return crash(t, "in attribute name",
                         "an attribute name character such as letters, digits, `$`, or `_`; `=` to initialize a "
                         "value; whitespace before attributes; or the end of the tag");
        es_ws(t);
        c = cur(t, &w);
        char *name;
        if (c == ':') {
            t->i++;
            es_ws(t);
            c = cur(t, &w);
            if (c == (uint32_t)-1 || !id_start(c))
                return crash(t, "before local attribute name",
                             "a character that can start an attribute name, such as a letter, `$`, or `_`; `=` to "
                             "initialize a value; or the end of the tag");
            size_t lf = t->i, ln = read_name(t);
            name = sl__js_printf(t->s->arena, "%.*s:%.*s", (int)n, t->s->src + from, (int)ln, t->s->src + lf);
            c = cur(t, &w);
            if (!name_end_ok(c, "/=>{"))
                return crash(t, "in local attribute name",
                             "an attribute name character such as letters, digits, `$`, or `_`; `=` to initialize a "
                             "value; whitespace before attributes; or the end of the tag");
            es_ws(t);
            c = cur(t, &w);
        } else {
            name = sl__js_strndup(t->s->arena, t->s->src + from, n);
        }
        a->name = name;
        if (c != '=')
            continue; /* a boolean attribute; the loop checks what follows */
        t->i++;
        es_ws(t);
        c = cur(t, &w);
        int rc;
        if (c == '"' || c == '\'') {
            a->kind = MDX_ATTR_STRING;
            rc = attr_string(t, a);
        } else if (c == '{') {
            a->kind = MDX_ATTR_EXPR;
            rc = attr_expr(t, a, EX_ATTR_VALUE);
        } else {
            return crash(t, "before attribute value",
                         c == '<' ? "a character that can start an attribute value, such as `\"`, `'`, or `{` (note: "
                                    "to use an element or fragment as a prop value in MDX, use `{<element />}`)"
                                  : "a character that can start an attribute value, such as `\"`, `'`, or `{`");
        }
        if (rc)
            return rc;
        es_ws(t);
    }
}

/* A JSX tag at s->src[at] == '<' whose next character is not white space. */
static int scan_tag(mdx_scan *s, size_t at, size_t *end, size_t *index)
{
    mdx_construct *c = new_construct(s, MDX_TAG, at);
    if (!c)
        return -2;
    *index = s->nc - 1;
    tag_reader t = {s, at + 1, c, 0};
    es_ws(&t);
    size_t w;
    if (cur(&t, &w) == '/') {
        c->closing = 1;
        t.i++;
        es_ws(&t);
    }
    int rc = tag_name(&t);
    if (!rc && c->closing) {
        uint32_t ch = cur(&t, &w);
        if (ch != '>')
            rc = c->name ? crash(&t, "after name", "`>` to end the tag (a closing tag takes no attributes)")
                         : crash(&t, "before name", STARTS_NAME);
        t.i++;
    } else if (!rc) {
        rc = attributes(&t);
    }
    if (t.lazy && rc != -2) /* micromark stops there: what follows it is not read */
        return sl__mdx_fail(s, t.lazy - 1, LAZY_TAG);
    if (rc)
        return rc;
    c = &s->c[*index]; /* attributes may have scanned expressions, not constructs: c is still valid */
    c->end = (uint32_t)t.i;
    *end = t.i;
    return 0;
}

/* ------------------------------------------------------------ ESM */

static int esm_statement_ok(const js_node *st)
{
    switch (st->kind) {
    case N_IMPORT:
    case N_EXPORT_NAMED:
    case N_EXPORT_ALL:
    case N_EXPORT_DEFAULT:
        return 1;
    case N_VAR:
    case N_FUNC_DECL:
    case N_CLASS_DECL:
        return (st->flags & JF_EXPORT) != 0;
    default:
        return 0;
    }
}

static int line_blank(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Does the error text err ("L:C: message\n...") give message msg? */
static int err_is(const char *err, const char *msg)
{
    const char *m = strstr(err, msg);
    return m && m > err + 1 && m[-1] == ' ' && m[-2] == ':' && (m[strlen(msg)] == '\n' || !m[strlen(msg)]);
}

/* Did the parse of src[..stop) fail only because the text stopped (acorn
 * raised it at the end: micromark-util-events-to-acorn's `swallow`)? */
static int esm_error_at_end(const char *src, const char *err, uint32_t epos, size_t stop)
{
    if (epos >= stop || err_is(err, "unterminated template literal") || err_is(err, "unterminated comment") ||
        err_is(err, "unterminated JSX element"))
        return 1;
    /* a string or regular expression acorn read to the end, no line ending */
    return (err_is(err, "unterminated string") || err_is(err, "unterminated regular expression")) &&
           !memchr(src + epos, '\n', stop - epos);
}

/* A layout export at [from, to): the page's first, or an error naming the
 * first, as @mdx-js/mdx's. */
static int layout_export(mdx_scan *s, size_t from, size_t to)
{
    while (to > from && (s->src[to - 1] == ' ' || s->src[to - 1] == '\t' || s->src[to - 1] == '\n' ||
                         s->src[to - 1] == '\r'))
        to--;
    if (!s->layout_end) {
        s->layout_start = (uint32_t)from;
        s->layout_end = (uint32_t)to;
        return 0;
    }
    uint32_t l0, c0, l1, c1;
    sl__mdx_position(s->src, s->len, s->layout_start, &l0, &c0);
    sl__mdx_position(s->src, s->len, s->layout_end, &l1, &c1);
    char msg[160];
    snprintf(msg, sizeof msg,
             "Unexpected duplicate layout, expected a single layout (previous: %u:%u-%u:%u)", l0, c0, l1, c1);
    return sl__mdx_fail(s, from, msg);
}

/* The layouts a parsed import/export block exports: `export default`, or
 * `default` among the names of an `export {...}`. */
static int esm_layouts(mdx_scan *s, const js_node *prog, size_t block_end)
{
    for (uint32_t k = 0; k < prog->n; k++) {
        const js_node *st = prog->list[k];
        size_t next = k + 1 < prog->n ? prog->list[k + 1]->pos : block_end;
        if (st->kind == N_EXPORT_DEFAULT) {
            if (layout_export(s, st->pos, next))
                return -1;
        } else if (st->kind == N_EXPORT_NAMED) {
            for (uint32_t i = 0; i < st->n; i++) {
                const js_node *sp = st->list[i];
                if (sp->b && sp->b->kind != N_NONE && sp->b->n == 7 && !memcmp(sp->b->s, "default", 7) &&
                    layout_export(s, sp->pos, sp->b->pos + 7))
                    return -1;
            }
        }
    }
    return 0;
}

/* An import/export block from `at` (column 1): lines up to one followed by
 * a blank line (or the end) where the text parses; an error at the very
 * end (the block stops short: a blank line inside a template literal, a
 * comment or a function body) takes the next lines in too. */
static int scan_esm(mdx_scan *s, size_t at, size_t *end)
{
    static const js_parse_opts po = {.jsx = 1, .module = 1};
    size_t e = sl__md_line_end(s->src, s->len, at);
    for (;;) {
        size_t next = e < s->len ? e + 1 : s->len;
        if (next >= s->len || line_blank(s->src, next, sl__md_line_end(s->src, s->len, next))) {
            mdx_construct *c = new_construct(s, MDX_ESM, at);
            if (!c)
                return -2;
            char err[1024];
            uint32_t epos = 0;
            size_t stop = e > at && s->src[e - 1] == '\r' ? e - 1 : e;
            if (sl__js_parse_range(&c->ast, "", s->src, s->len, at, stop, JS_RANGE_PROGRAM, &po, s->arena, err,
                                   sizeof err, &epos) == 0) {
                const js_node *prog = c->ast.program;
                for (uint32_t k = 0; k < prog->n; k++)
                    if (!esm_statement_ok(prog->list[k]))
                        return sl__mdx_fail(s, prog->list[k]->pos,
                                            "Unexpected statement in code: only import/exports are supported");
                if (esm_layouts(s, prog, stop))
                    return -1;
                c = &s->c[s->nc - 1];
                c->inner_start = (uint32_t)at;
                c->inner_end = (uint32_t)stop;
                c->end = (uint32_t)next;
                c->flow = 1;
                *end = next;
                return 0;
            }
            s->nc--;
            if (next >= s->len || !esm_error_at_end(s->src, err, epos, stop))
                return js_fail(s, err, epos);
        }
        /* more lines: through the blank ones to the next that has text */
        e = sl__md_line_end(s->src, s->len, next);
    }
}

/* ------------------------------------------------------------ lines */

/* After container markers: block quote `>`, list bullets and numbers,
 * indentation (MDX has no indented code, so indentation means nothing
 * else). */
static size_t skip_prefix(const char *s, size_t i, size_t le)
{
    for (;;) {
        while (i < le && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < le && s[i] == '>') {
            i++;
            continue;
        }
        if (i < le && (s[i] == '-' || s[i] == '+' || s[i] == '*') && (i + 1 == le || s[i + 1] == ' ' || s[i + 1] == '\t')) {
            /* not a thematic break such as `- - -` */
            size_t k = i, marks = 0;
            while (k < le && (s[k] == s[i] || s[k] == ' ' || s[k] == '\t'))
                marks += s[k++] == s[i];
            if (k == le && marks >= 3)
                return i;
            i++;
            continue;
        }
        size_t d = i;
        while (d < le && d - i < 9 && s[d] >= '0' && s[d] <= '9')
            d++;
        if (d > i && d < le && (s[d] == '.' || s[d] == ')') && (d + 1 == le || s[d + 1] == ' ' || s[d + 1] == '\t')) {
            i = d + 1;
            continue;
        }
        return i;
    }
}

/* A code fence opening at s[i]: its character and length, or 0. */
static size_t fence_open(const char *s, size_t i, size_t le, char *ch)
{
    if (i >= le || (s[i] != '`' && s[i] != '~'))
        return 0;
    size_t k = i;
    while (k < le && s[k] == s[i])
        k++;
    if (k - i < 3)
        return 0;
    if (s[i] == '`' && memchr(s + k, '`', le - k))
        return 0;
    *ch = s[i];
    return k - i;
}

static int fence_close(const char *s, size_t i, size_t le, char ch, size_t len)
{
    size_t k = i;
    while (k < le && s[k] == ch)
        k++;
    return k - i >= len && line_blank(s, k, le);
}

static int is_heading_line(const char *s, size_t i, size_t le)
{
    size_t k = i;
    while (k < le && k - i < 7 && s[k] == '#')
        k++;
    return k > i && k - i <= 6 && (k == le || s[k] == ' ' || s[k] == '\t' || s[k] == '\r');
}

static void put_index(sl__md_buf *b, size_t i)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%zu", i);
    sl__md_buf_put(b, t, (size_t)n);
}

/* The start of a heading md4c is to read, its `#` run and spaces written:
 * one space more where its text would begin at an offset of 4 modulo 256.
 * md4c 0.4.8, at a blank line after a heading in a list item, takes the
 * heading's line record {begin, end} for a block record and the low byte
 * of `begin` for its type; 4 is MD_BLOCK_LI, so it ends the list item
 * there ("two blank lines start an item"), and a closing tag further on
 * in the item was refused - depending only on the byte offset. */
static void heading_text_at(sl__md_buf *b)
{
    if ((b->len & 0xFF) == 4)
        sl__md_buf_putc(b, ' ');
}

/* Is the line from i (its container prefix included) a setext heading's
 * underline, should a paragraph precede it: `=` or `-` only? */
static int setext_underline(const char *s, size_t i, size_t le)
{
    while (i < le && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
        i++;
    if (i >= le || (s[i] != '=' && s[i] != '-'))
        return 0;
    char m = s[i];
    while (i < le && s[i] == m)
        i++;
    return line_blank(s, i, le);
}

/* The same md4c bug for a setext heading: its line record is that of its
 * last line of text, the one the underline follows; one more space
 * before that text where it would begin at an offset of 4 modulo 256. */
static void setext_text_at(sl__md_buf *b)
{
    if (b->failed || b->len < 2 || b->data[b->len - 1] != '\n')
        return;
    size_t t = b->len - 1;
    while (t > 0 && b->data[t - 1] != '\n')
        t--;
    while (t < b->len && (b->data[t] == ' ' || b->data[t] == '\t' || b->data[t] == '>'))
        t++;
    if ((t & 0xFF) != 4)
        return;
    sl__md_buf_putc(b, ' ');
    if (b->failed)
        return;
    memmove(b->data + t + 1, b->data + t, b->len - 1 - t);
    b->data[t] = ' ';
}

/* A line holding only tags and expressions, from p: 1 (a flow line, its
 * constructs recorded, *end past its line ending), 0 (not one: nothing
 * recorded), or an error. */
static int flow_line(mdx_scan *s, size_t p, size_t *end)
{
    size_t first = s->nc, i = p;
    const char *src = s->src;
    for (;;) {
        size_t idx, e = i;
        int rc;
        if (src[i] == '<') {
            if (i + 1 >= s->len || is_space((unsigned char)src[i + 1]) || is_eol((unsigned char)src[i + 1]))
                goto no;
            rc = scan_tag(s, i, &e, &idx);
        } else {
            mdx_construct *c = new_construct(s, MDX_EXPR, i);
            if (!c)
                return -2;
            idx = s->nc - 1;
            js_ast ast;
            int blank;
            rc = scan_expr(s, i, EX_TEXT, &ast, &blank, &e);
            if (!rc) {
                c = &s->c[idx];
                c->ast = ast;
                c->blank = blank;
                c->inner_start = (uint32_t)i + 1;
                c->inner_end = (uint32_t)e - 1;
                c->end = (uint32_t)e;
            }
        }
        if (rc)
            return rc;
        i = e;
        while (i < s->len && is_space((unsigned char)src[i]))
            i++;
        if (i >= s->len || is_eol((unsigned char)src[i])) {
            if (i < s->len && src[i] == '\r')
                i++;
            if (i < s->len && src[i] == '\n')
                i++;
            *end = i;
            for (size_t k = first; k < s->nc; k++)
                s->c[k].flow = 1;
            return 1;
        }
        if (src[i] != '<' && src[i] != '{')
            goto no;
    }
no:
    s->nc = first; /* read again as text */
    return 0;
}

/* The end of a code span whose opening run of `run` backticks ends at i,
 * within the paragraph (up to a blank line, or the line's end when
 * one_line), or 0. */
static size_t code_span_end(const char *s, size_t n, size_t i, size_t run, int one_line)
{
    while (i < n) {
        if (s[i] == '\n') {
            if (one_line)
                return 0;
            size_t le = sl__md_line_end(s, n, i + 1);
            if (line_blank(s, i + 1, le))
                return 0;
            i++;
            continue;
        }
        if (s[i] != '`') {
            i++;
            continue;
        }
        size_t k = i;
        while (k < n && s[k] == '`')
            k++;
        if (k - i == run)
            return k;
        i = k;
    }
    return 0;
}

/* `](destination "title")` after a link's label: skipped whole, so that a
 * `<` or `{` in a URL is not read as JSX (micromark reads the resource
 * before it would see them).  Returns the offset past `)`, or 0. */
static size_t link_resource_end(const char *s, size_t n, size_t i)
{
    size_t k = i + 2, depth = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    if (k < n && s[k] == '<') {
        while (k < n && s[k] != '>' && s[k] != '\n')
            k += s[k] == '\\' ? 2 : 1;
        if (k >= n || s[k] != '>')
            return 0;
        k++;
    } else {
        while (k < n && !(s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r')) {
            if (s[k] == '\\') {
                k += 2;
                continue;
            }
            if (s[k] == '(')
                depth++;
            else if (s[k] == ')') {
                if (!depth)
                    return k + 1;
                depth--;
            }
            k++;
        }
    }
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    if (k < n && (s[k] == '"' || s[k] == '\'')) {
        char q = s[k++];
        while (k < n && s[k] != q)
            k += s[k] == '\\' ? 2 : 1;
        k++;
    }
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    return k < n && s[k] == ')' ? k + 1 : 0;
}

/* Does the line s[i..le) (its containers' prefix taken off) end a
 * paragraph before it: blank, or a block that interrupts one (an ATX
 * heading, a code fence, a thematic break or a setext underline; with
 * containers, a block quote or a list item with content: bullet or
 * `1.`/`1)`)?  MDX has no indented code, so indentation does not matter. */
static int ends_paragraph(const char *s, size_t i, size_t le, int containers)
{
    size_t k = i;
    char ch;
    while (k < le && (s[k] == ' ' || s[k] == '\t'))
        k++;
    if (line_blank(s, k, le))
        return 1;
    if ((containers && s[k] == '>') || is_heading_line(s, k, le) || fence_open(s, k, le, &ch))
        return 1;
    size_t m = s[k] == '1' ? k + 1 : k; /* a list item with content */
    if (containers && (m > k ? m < le && (s[m] == '.' || s[m] == ')') : strchr("-+*", s[k]) != NULL) && m + 1 < le &&
        (s[m + 1] == ' ' || s[m + 1] == '\t') && !line_blank(s, m + 1, le))
        return 1;
    if (!strchr("-*_=", s[k]))
        return 0;
    size_t marks = 0;
    int spaced = 0;
    for (size_t j = k; j < le; j++) {
        if (s[j] == s[k])
            marks++, spaced |= j > k && (s[j - 1] == ' ' || s[j - 1] == '\t');
        else if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r')
            return 0;
    }
    /* `===`, `-` (setext underlines, any length, no inner spaces); `***`, `- - -` */
    return ((s[k] == '=' || s[k] == '-') && !spaced) || (s[k] != '=' && marks >= 3);
}

/* Where the text a construct at p is read in ends for micromark: the end
 * of its line in a heading or a table row, else the end of the last line
 * before one that ends the paragraph (ends_paragraph), or the page's end.
 * Read to there, a construct left open is "Unexpected end of file".  A
 * construct that leads its line (only white space and constructs before
 * it there: lead) was first read as flow JSX, a concrete construct, and
 * while that runs micromark starts no block quote or list item: lines
 * such as `>Learn more</a>` go on the tag. */
static size_t text_limit(mdx_scan *s, size_t p, int one_line, int lead)
{
    const char *src = s->src;
    size_t n = s->len, le = sl__md_line_end(src, n, p);
    if (one_line)
        return le > p && src[le - 1] == '\r' ? le - 1 : le;
    int hit = s->tl_valid && s->tl_len == n && s->tl_lead == lead && s->tl_ncur == s->ncur && le >= s->tl_from &&
              le <= s->tl_limit && !memcmp(s->tl_cur, s->cur, s->ncur);
    if (hit)
        le = s->tl_limit; /* the same paragraph, already scanned to its end */
    size_t from = le;
    while (le < n) {
        size_t next = le + 1, nle = sl__md_line_end(src, n, next);
        int full;
        size_t t = sl__mdx_cont_text(src, nle, next, s->cur, s->ncur, &full);
        if (ends_paragraph(src, t, nle, !lead))
            break;
        le = nle;
    }
    if (!hit) {
        s->tl_from = from;
        s->tl_limit = le;
        s->tl_len = n;
        s->tl_lead = lead;
        s->tl_ncur = s->ncur;
        memcpy(s->tl_cur, s->cur, s->ncur);
        s->tl_valid = 1;
    }
    if (le >= n)
        return n;
    return le > p && src[le - 1] == '\r' ? le - 1 : le;
}

/* A construct in text at i (a tag: tag = 1, else an expression), read as
 * far as its text goes (text_limit): its end in *e, the construct's index
 * in *idx (a tag) or the expression's fields set. */
static int text_construct(mdx_scan *s, size_t i, int tag, int one_line, int lead, size_t *e, size_t *idx)
{
    size_t len = s->len;
    s->len = text_limit(s, i, one_line, lead);
    int rc;
    if (tag) {
        rc = scan_tag(s, i, e, idx);
    } else {
        mdx_construct *cn = new_construct(s, MDX_EXPR, i);
        if (!cn) {
            s->len = len;
            return -2;
        }
        *idx = s->nc - 1;
        js_ast ast;
        int blank;
        rc = scan_expr(s, i, EX_TEXT, &ast, &blank, e);
        if (!rc) {
            cn = &s->c[*idx];
            cn->ast = ast;
            cn->blank = blank;
            cn->inner_start = (uint32_t)i + 1;
            cn->inner_end = (uint32_t)*e - 1;
            cn->end = (uint32_t)*e;
        }
    }
    s->len = len;
    return rc;
}

/* Is the `<` at s->src[i] the last character of its text (text_limit;
 * a table cell's, white space before its `|`)?  micromark starts a tag
 * there and finds the end of file before a name; with white space or a
 * line ending after it the `<` is text. */
static int lt_ends_text(mdx_scan *s, size_t i, int heading, int one_line, int lead)
{
    const char *src = s->src;
    size_t n = s->len, k = i + 1;
    if (one_line && !heading) { /* a table row: the cell ends at `|` */
        while (k < n && (src[k] == ' ' || src[k] == '\t'))
            k++;
        if (k < n && src[k] == '|')
            return 1;
        k = i + 1;
    }
    if (k < n && !is_eol((unsigned char)src[k]))
        return 0;
    return text_limit(s, i, one_line, lead) <= k;
}

/* The GFM autolink literal micromark's tokenizer takes at s->src[i]
 * (mdx_autolink.c), in text that starts at `start` (the line's or, in a
 * table row, the cell's) and ends at n: its kind, with its end in *e; or
 * 0.  In a line that may be a table's header (cut), n is the next `|`,
 * where the header would be split before any inline parsing: a URL read
 * up to it may run on over it in a paragraph, so it is left to the
 * transform (mdx_tree.c), and so is the rest up to the `|` (*skip: a
 * later start there reads up to it too). */
static int literal(mdx_scan *s, size_t start, size_t i, size_t n, int cut, size_t *e, size_t *skip)
{
    const char *src = s->src;
    unsigned char c = (unsigned char)src[i];
    if (!s->gfm || s->labels || i < *skip ||
        !(c == '+' || c == '-' || c == '.' || c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
        return 0;
    uint32_t prev = i > start ? sl__mdx_cp_before(src, i) : 0;
    int kind = sl__mdx_literal_at(src, n, i, prev, &s->lit_memo, e);
    if (!kind || *e > UINT32_MAX)
        return 0;
    if (cut && kind != MDX_LIT_EMAIL) { /* (an address stops at `|` anyway) */
        size_t k = *e;
        while (k < n && src[k] != ' ' && src[k] != '\t' && src[k] != '<')
            k++;
        if (k == n) {
            *skip = n;
            return 0;
        }
    }
    if (s->nlit == s->litcap) {
        size_t cap = s->litcap ? s->litcap * 2 : 16;
        mdx_literal *l = realloc(s->lit, cap * sizeof *l);
        if (!l) {
            s->md.failed = 1;
            return 0;
        }
        s->lit = l;
        s->litcap = cap;
    }
    s->lit[s->nlit++] = (mdx_literal){.start = (uint32_t)i, .end = (uint32_t)*e, .kind = (uint8_t)kind};
    return kind;
}

/* A literal's placeholder (MDX_PH_LINK) for s->lit[s->nlit - 1]. */
static void put_literal(mdx_scan *s)
{
    const mdx_literal *l = &s->lit[s->nlit - 1];
    const unsigned char *t = (const unsigned char *)s->src;
    size_t k = l->end - 1;
    while (k > l->start && (t[k] & 0xC0) == 0x80)
        k--;
    sl__md_buf_putc(&s->md, sl__md_ascii_punct(t[l->start]) ? '-' : (char)t[l->start]);
    sl__md_buf_puts(&s->md, MDX_PH_LINK);
    put_index(&s->md, s->nlit - 1);
    sl__md_buf_puts(&s->md, MDX_PH_LINK);
    if (t[k] >= 0x80)
        sl__md_buf_put(&s->md, s->src + k, l->end - k);
    else
        sl__md_buf_putc(&s->md, sl__md_ascii_punct(t[k]) ? '-' : (char)t[k]);
}

/* The end of the table cell that starts at i: its `|` (not escaped), or
 * the line's end. */
static size_t cell_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != '|' && s[i] != '\n' && s[i] != '\r')
        i += s[i] == '\\' && i + 1 < n && s[i + 1] != '\n' ? 2 : 1;
    return i < n ? i : n;
}

/* Can the line after the one ending at le be a table's delimiter row
 * (only `|`, `-`, `:`, white space and quote markers, a `-` among them)?
 * Then the line is maybe a table's header. */
static int delimiter_next(const char *s, size_t n, size_t le)
{
    int dash = 0;
    for (size_t k = le + 1; k < n && s[k] != '\n'; k++) {
        if (!strchr("|-: \t\r>", s[k]) || !s[k])
            return 0;
        dash |= s[k] == '-';
    }
    return dash;
}

/* Text from p to the end of its line (further when a tag, expression or
 * code span runs on): constructs become placeholders in s->md.  Returns
 * the offset where the next line starts, or an error (< 0 as size_t is
 * not possible: *rc). */
static size_t text_run(mdx_scan *s, size_t p, int heading, int one_line, int *rc)
{
    const char *src = s->src;
    size_t n = s->len, i = p;
    int lead = 1; /* only white space and constructs so far: text_limit */
    int row = one_line && !heading; /* a table row: literals end with their cell */
    /* a table's header maybe: URLs end at a `|` (literal) */
    int head = !row && !heading && s->gfm && delimiter_next(src, n, sl__md_line_end(src, n, p));
    size_t cell = p, cend = row || head ? cell_end(src, n, p) : n, skip = 0;
    *rc = 0;
    s->lit_memo = (mdx_dom_memo){0};
    while (i < n && src[i] != '\n') {
        char c = src[i];
        if (!(c == ' ' || c == '\t' || c == '{' ||
              (c == '<' && i + 1 < n && !is_space((unsigned char)src[i + 1]) && !is_eol((unsigned char)src[i + 1]))))
            lead = 0;
        if (c == '\\' && i + 1 < n && sl__md_ascii_punct((unsigned char)src[i + 1])) {
            sl__md_buf_put(&s->md, src + i, 2);
            i += 2;
        } else if (c == '`') {
            size_t k = i;
            while (k < n && src[k] == '`')
                k++;
            size_t e = code_span_end(src, n, k, k - i, heading);
            e = e ? e : k;
            sl__md_buf_put(&s->md, src + i, e - i);
            i = e;
        } else if (c == ']' && i + 1 < n && src[i + 1] == '(' && link_resource_end(src, n, i)) {
            size_t e = link_resource_end(src, n, i);
            s->labels -= s->labels > 0;
            sl__md_buf_put(&s->md, src + i, e - i);
            i = e;
        } else if (c == '<' && lt_ends_text(s, i, heading, one_line, lead)) {
            *rc = sl__mdx_fail(s, i + 1, "Unexpected end of file before name, expected " STARTS_NAME);
            return 0;
        } else if (c == '<' && i + 1 < n && !is_space((unsigned char)src[i + 1]) && !is_eol((unsigned char)src[i + 1])) {
            size_t e, idx;
            if ((*rc = text_construct(s, i, 1, one_line, lead, &e, &idx)) != 0)
                return 0;
            sl__md_buf_puts(&s->md, "<" MDX_PH_TAG);
            put_index(&s->md, idx);
            sl__md_buf_putc(&s->md, '>');
            i = e;
        } else if (c == '{') {
            size_t idx, e;
            if ((*rc = text_construct(s, i, 0, one_line, lead, &e, &idx)) != 0)
                return 0;
            sl__md_buf_puts(&s->md, "{" MDX_PH_EXPR);
            put_index(&s->md, idx);
            sl__md_buf_putc(&s->md, '}');
            i = e;
        } else {
            size_t e;
            if (cend < i) { /* a code span or construct ran over a `|` */
                cend = cell_end(src, n, i);
                s->lit_memo = (mdx_dom_memo){0};
            }
            if (literal(s, cell, i, cend, head, &e, &skip)) {
                put_literal(s);
                i = e;
                continue;
            }
            /* micromark's label starts: a literal waits for each to close */
            if (c == '[')
                s->labels++;
            else if (c == ']')
                s->labels -= s->labels > 0;
            if (c == '|' && (row || head)) {
                if (row) {
                    s->labels = 0;
                    cell = i + 1;
                }
                s->lit_memo = (mdx_dom_memo){0};
                cend = cell_end(src, n, i + 1);
            }
            sl__md_buf_putc(&s->md, c);
            i++;
        }
    }
    if (i < n) {
        sl__md_buf_putc(&s->md, '\n');
        i++;
    }
    return i;
}

/* Where an ATX heading's text from p (past its `#`s and white space) ends
 * on its line [.., le): before the white space at its end, and before a
 * closing run of `#`s with white space (or nothing) before it. */
static size_t atx_text_end(const char *src, size_t p, size_t le)
{
    size_t e = le > p && src[le - 1] == '\r' ? le - 1 : le, h;
    while (e > p && (src[e - 1] == ' ' || src[e - 1] == '\t'))
        e--;
    for (h = e; h > p && src[h - 1] == '#'; h--)
        ;
    if (h < e && (h == p || src[h - 1] == ' ' || src[h - 1] == '\t'))
        for (e = h; e > p && (src[e - 1] == ' ' || src[e - 1] == '\t'); e--)
            ;
    return e;
}

/* A line's text (text_run).  An ATX heading's ends where micromark's
 * does, before its closing `#`s: a tag or expression there meets the end
 * of the heading (`# a < #` is an error, as in @mdx-js/mdx, not the text
 * `a <`); the closing sequence goes to md4c as it was written. */
static size_t text_line(mdx_scan *s, size_t p, int heading, int one_line, int *rc)
{
    if (!heading)
        return text_run(s, p, 0, one_line, rc);
    size_t len = s->len, le = sl__md_line_end(s->src, len, p), end = atx_text_end(s->src, p, le);
    s->len = end;
    size_t i = text_run(s, p, 1, one_line, rc);
    s->len = len;
    if (*rc)
        return 0;
    sl__md_buf_put(&s->md, s->src + i, le - i);
    if (le < len) {
        sl__md_buf_putc(&s->md, '\n');
        le++;
    }
    return le;
}

static int thematic_or_underline(const char *s, size_t i, size_t le)
{
    if (i >= le || !strchr("-*_=", s[i]))
        return 0;
    char m = s[i];
    for (size_t k = i; k < le; k++)
        if (s[k] != m && s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            return 0;
    return 1;
}

/* ------------------------------------------------------------ tables
 *
 * micromark's GFM tables (remark-gfm) take delimiter cells of any length
 * (`|-|`, `| :- |`) and a table that interrupts a paragraph; md4c wants
 * three characters a cell and a table that starts its paragraph.  So a
 * delimiter row micromark would take is written out with cells of three
 * dashes, and a header line in the middle of a paragraph gets a break
 * line before it (a flow line of no constructs, which mdx_tree.c drops).
 */

static int ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The cells of a table row in s[from..to): unescaped `|` part them, one at
 * either end opens or closes the row.  0 for a line of no cells. */
static size_t row_cells(const char *s, size_t from, size_t to)
{
    while (from < to && ws(s[from]))
        from++;
    while (to > from && ws(s[to - 1]))
        to--;
    if (from < to && s[from] == '|')
        from++;
    if (from >= to)
        return 0;
    size_t cells = 1;
    for (size_t k = from; k < to; k++) {
        if (s[k] == '\\')
            k++;
        else if (s[k] == '|' && k + 1 < to)
            cells++;
    }
    return cells;
}

/* A delimiter row in s[from..to) (cells of `:?-+:?` parted by `|`, with at
 * least one `|`): its cell count, the row with three dashes a cell put in
 * out; or 0, nothing put. */
static size_t delimiter_row(const char *s, size_t from, size_t to, sl__md_buf *out)
{
    size_t k = from, cells = 0;
    int pipes = 0;
    char cell[64]; /* for each cell: 1 left colon, 2 right colon */
    while (k < to && ws(s[k]))
        k++;
    if (k < to && s[k] == '|')
        k++, pipes = 1;
    for (;;) {
        while (k < to && ws(s[k]))
            k++;
        if (k >= to)
            break;
        int align = 0;
        if (s[k] == ':')
            align |= 1, k++;
        size_t d = k;
        while (k < to && s[k] == '-')
            k++;
        if (k == d)
            return 0;
        if (k < to && s[k] == ':')
            align |= 2, k++;
        if (cells == sizeof cell)
            return 0;
        cell[cells++] = (char)align;
        while (k < to && ws(s[k]))
            k++;
        if (k < to && s[k] != '|')
            return 0;
        if (k < to)
            k++, pipes = 1;
    }
    if (!pipes || !cells)
        return 0;
    sl__md_buf_putc(out, '|');
    for (size_t c = 0; c < cells; c++)
        sl__md_buf_puts(out, cell[c] == 3 ? ":---:|" : cell[c] == 1 ? ":---|" : cell[c] == 2 ? "---:|" : "---|");
    return cells;
}

static size_t count_quotes(const char *s, size_t from, size_t to)
{
    size_t q = 0;
    for (size_t k = from; k < to; k++)
        q += s[k] == '>';
    return q;
}

/* Holds the container prefix s[from..to) a list marker? */
static int has_list_marker(const char *s, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '>')
            return 1;
    return 0;
}

/* One table cell d[cs..ce) into o, each backtick run that no run of the
 * same length closes within the cell escaped (`\``): code spans are
 * CommonMark's, searched for as cmark does (the last run of each length
 * is kept once the cell has been read to its end, so the search stays
 * linear); runs of 256 and more are copied as they are. */
static void cell_code(sl__md_buf *o, const char *d, size_t cs, size_t ce)
{
    size_t last[256] = {0}; /* 1 + where the last run of each length seen starts */
    int scanned = 0;        /* read to the cell's end once: last[] is complete */
    for (size_t i = cs; i < ce;) {
        if (d[i] == '\\' && i + 1 < ce) {
            sl__md_buf_put(o, d + i, 2);
            i += 2;
            continue;
        }
        if (d[i] != '`') {
            sl__md_buf_putc(o, d[i++]);
            continue;
        }
        size_t k = i;
        while (k < ce && d[k] == '`')
            k++;
        size_t n = k - i, close = 0;
        if (n >= 256) {
            sl__md_buf_put(o, d + i, n);
            i = k;
            continue;
        }
        if (!scanned || last[n] > k) {
            for (size_t j = k; j < ce;) {
                if (d[j] != '`') {
                    j++;
                    continue;
                }
                size_t r = j;
                while (r < ce && d[r] == '`')
                    r++;
                if (r - j < 256 && j + 1 > last[r - j])
                    last[r - j] = j + 1;
                if (r - j == n) {
                    close = j + 1;
                    break;
                }
                j = r;
            }
            scanned |= !close;
        }
        if (close) {
            sl__md_buf_put(o, d + i, close - 1 + n - i);
            i = close - 1 + n;
        } else {
            for (; i < k; i++)
                sl__md_buf_puts(o, "\\`");
        }
    }
}

/* The table row written to b from `from` to `to` as micromark's GFM
 * table reads it: cut into cells at each `|` no backslash escapes before
 * any inline parsing, so a code span ends with its cell (`| `a|b` |` is
 * two cells, `\\|` ends one).  md4c finds code spans in the whole row
 * first and splits only outside them: backtick runs that do not close in
 * their cell are escaped for it. */
static void table_row_code(sl__md_buf *b, size_t from, size_t to)
{
    if (b->failed || !memchr(b->data + from, '`', to - from))
        return;
    sl__md_buf o = {0};
    const char *d = b->data;
    for (size_t i = from; i < to;) {
        size_t ce = i;
        while (ce < to && d[ce] != '|' && d[ce] != '\n')
            ce += d[ce] == '\\' && ce + 1 < to ? 2 : 1;
        cell_code(&o, d, i, ce);
        if (ce < to)
            sl__md_buf_putc(&o, d[ce++]);
        i = ce;
    }
    sl__md_buf_put(&o, d + to, b->len - to);
    if (o.failed) {
        b->failed = 1;
    } else {
        b->len = from;
        sl__md_buf_put(b, o.data, o.len);
    }
    free(o.data);
}

/* The line that may be a table's header: where it starts in the page (i,
 * after its container prefix p) and in s->md, and its end. */
typedef struct table_head {
    int ok;             /* the last line was text with a `|`, not a table row */
    int first;          /* and it starts its paragraph */
    size_t i, p, le, md;
} table_head;

/* The line [i, le) (its prefix ends at p) as the delimiter row under the
 * header h: 1 when it is one (written to s->md), 2 when it would be but
 * for the header's cell count (nothing written), else 0. */
static int table_delimiter(mdx_scan *s, const table_head *h, size_t i, size_t p, size_t le)
{
    const char *src = s->src;
    if (!h->ok || has_list_marker(src, i, p) || count_quotes(src, i, p) != count_quotes(src, h->i, h->p))
        return 0;
    size_t mark = s->md.len;
    sl__md_buf_put(&s->md, src + i, p - i);
    size_t cells = delimiter_row(src, p, le, &s->md);
    if (!cells || cells != row_cells(src, h->p, h->le)) {
        s->md.len = mark;
        return cells ? 2 : 0;
    }
    sl__md_buf_putc(&s->md, '\n');
    table_row_code(&s->md, h->md, mark);
    if (!h->first) { /* end the paragraph before the header: md4c's table cannot interrupt one */
        size_t tail = s->md.len - h->md;
        char *t = malloc(tail ? tail : 1);
        if (!t) {
            s->md.failed = 1;
            return 1;
        }
        memcpy(t, s->md.data + h->md, tail);
        s->md.len = h->md;
        sl__md_buf_put(&s->md, src + h->i, h->p - h->i);
        sl__md_buf_puts(&s->md, "###### ");
        heading_text_at(&s->md);
        sl__md_buf_puts(&s->md, MDX_PH_FLOW "\n");
        sl__md_buf_put(&s->md, t, tail);
        free(t);
    }
    return 1;
}

/* The `>` markers at the start of the line from i. */
static size_t quote_marks(const char *s, size_t i, size_t le)
{
    size_t n = 0;
    for (; i < le && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'); i++)
        n += s[i] == '>';
    return n;
}

/* Whether the line i..le (p past its container markers) is outside the
 * container a fenced block opened in: a fenced block ends with its
 * container (CommonMark; code has no lazy lines).  fq: the `>` markers
 * before the fence; fcol: the content column of the list item it is in
 * (0: none known). */
static int fence_container_ends(const char *s, size_t i, size_t p, size_t le, size_t fq, size_t fcol)
{
    if (fq)
        return quote_marks(s, i, le) < fq;
    if (!fcol || line_blank(s, p, le))
        return 0;
    size_t col = 0;
    for (size_t k = i; k < le && col < fcol && (s[k] == ' ' || s[k] == '\t'); k++)
        col = s[k] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    return col < fcol;
}

/* A copy of src[0, len) with each lone `\r` (a line ending of its own, as
 * micromark reads it: classic Mac text) made `\n`, or NULL where there is
 * none (*nomem set where there is one but no memory).  The scanner, and
 * md4c's reading of the Markdown it passes on, take a line ending to be
 * `\n` or `\r\n`; a byte for a byte keeps every position, so errors
 * still name the page's line and column. */
static char *lone_cr_as_lf(const char *src, size_t len, int *nomem)
{
    const char *cr = memchr(src, '\r', len);
    while (cr && cr + 1 < src + len && cr[1] == '\n')
        cr = memchr(cr + 2, '\r', (size_t)(src + len - cr - 2));
    if (!cr)
        return NULL;
    char *c = malloc(len);
    if (!c) {
        *nomem = 1;
        return NULL;
    }
    memcpy(c, src, len);
    for (size_t i = (size_t)(cr - src); i < len; i++)
        if (c[i] == '\r' && (i + 1 >= len || c[i + 1] != '\n'))
            c[i] = '\n';
    return c;
}

int sl__mdx_scan(mdx_scan *s, const char *path, const char *src, size_t len, size_t body, int gfm, js_arena *a)
{
    memset(s, 0, sizeof *s);
    int nomem = 0;
    if ((s->lf_copy = lone_cr_as_lf(src, len, &nomem))) {
        s->raw = src; /* attribute values keep their line endings as written */
        src = s->lf_copy;
    } else if (nomem)
        return -2;
    s->gfm = gfm;
    s->path = path;
    s->src = src;
    s->len = s->page_len = len;
    s->body = body;
    s->arena = a;
    size_t i = body;
    char fch = 0;
    size_t flen = 0;  /* inside fenced code: the fence's length */
    size_t fq = 0, fcol = 0; /* its container: `>` markers, list item content column */
    size_t item_col = 0; /* the content column of the list item last seen (0: none) */
    int para = 0;     /* the previous line continues a paragraph */
    int pipe = 0;     /* the previous line was text with a `|`: maybe a table row */
    int table = 0;    /* inside a table (from its delimiter row to a blank or flow line) */
    table_head head = {0};
    size_t text_quotes = 0; /* the `>`s before the last line of text */
    while (i < len) {
        size_t le = sl__md_line_end(src, len, i), p = skip_prefix(src, i, le), k;
        int verbatim = 0;
        if (flen && fence_container_ends(src, i, p, le, fq, fcol))
            flen = 0;
        if (!flen && !line_blank(src, p, le) && !quote_marks(src, i, p)) {
            if (has_list_marker(src, i, p))
                item_col = p - i;
            else if (p == i)
                item_col = 0;
        }
        if (!flen && !line_blank(src, p, le))
            line_containers(s, i, p, para);
        if (!flen && para && setext_underline(src, i, le))
            setext_text_at(&s->md);
        if (flen) {
            if (fence_close(src, p, le, fch, flen))
                flen = 0;
            verbatim = 1;
        } else if (line_blank(src, p, le)) {
            para = 0;
            verbatim = 1;
        } else if ((k = fence_open(src, p, le, &fch)) != 0) {
            flen = k;
            fq = quote_marks(src, i, p);
            fcol = fq || !item_col ? 0 : (item_col < p - i ? item_col : p - i);
            para = 0;
            verbatim = 1;
        } else if (p == i && !para && le - i > 7 &&
                   (!memcmp(src + i, "import ", 7) || !memcmp(src + i, "export ", 7))) {
            size_t e = 0;
            int rc = scan_esm(s, i, &e);
            if (rc)
                return rc;
            sl__md_buf_puts(&s->md, "###### ");
            heading_text_at(&s->md);
            sl__md_buf_puts(&s->md, MDX_PH_FLOW);
            put_index(&s->md, s->nc - 1);
            sl__md_buf_putc(&s->md, '\n');
            table = head.ok = 0;
            i = e;
            continue;
        } else if (src[p] == '<' || src[p] == '{') {
            size_t e = 0, first = s->nc;
            s->in_flow = 1;
            int rc = flow_line(s, p, &e);
            s->in_flow = 0;
            if (rc < 0)
                return rc;
            if (rc == 1) {
                /* md4c takes any line after a table row as a row; in MDX
                 * flow JSX ends the table, as a blank line does */
                if (pipe)
                    sl__md_buf_putc(&s->md, '\n');
                pipe = 0;
                sl__md_buf_put(&s->md, src + i, p - i);
                sl__md_buf_puts(&s->md, "###### ");
                heading_text_at(&s->md);
                for (size_t c = first; c < s->nc; c++) {
                    sl__md_buf_puts(&s->md, MDX_PH_FLOW);
                    put_index(&s->md, c);
                }
                sl__md_buf_putc(&s->md, '\n');
                para = table = head.ok = 0;
                i = e;
                continue;
            }
        }
        if (verbatim) {
            pipe = table = head.ok = 0;
            sl__md_buf_put(&s->md, src + i, le - i);
            if (le < len)
                sl__md_buf_putc(&s->md, '\n');
            i = le < len ? le + 1 : len;
            continue;
        }
        table_head h = head;
        head.ok = 0;
        int td = !table && s->gfm ? table_delimiter(s, &h, i, p, le) : 0;
        if (td == 1) {
            table = pipe = 1;
            para = 0;
            i = le < len ? le + 1 : len;
            continue;
        }
        int heading = is_heading_line(src, p, le), rc;
        size_t md_at = s->md.len;
        sl__md_buf_put(&s->md, src + i, p - i);
        if (td == 2) { /* not a table to micromark (`| `a|b` |` is two header cells): nor to md4c, which counts one */
            size_t d = (size_t)((const char *)memchr(src + p, '-', le - p) - src);
            sl__md_buf_put(&s->md, src + p, d - p);
            sl__md_buf_putc(&s->md, '\\');
            p = d; /* the rest as text */
        }
        size_t quotes = count_quotes(src, i, p);
        if (!para || heading || table || has_list_marker(src, i, p) || quotes != text_quotes)
            s->labels = 0; /* new text: no label open */
        text_quotes = quotes;
        size_t q = p;
        if (heading) {
            while (q < le && src[q] == '#')
                q++;
            while (q < le && (src[q] == ' ' || src[q] == '\t'))
                q++;
            sl__md_buf_put(&s->md, src + p, q - p);
            heading_text_at(&s->md);
        }
        size_t next = text_line(s, q, heading, heading || table, &rc);
        if (rc)
            return rc;
        if (table)
            table_row_code(&s->md, md_at, s->md.len);
        pipe = memchr(src + p, '|', le - p) != NULL;
        head = (table_head){.ok = pipe && !table && !heading && next == (le < len ? le + 1 : len),
                            .first = !para || has_list_marker(src, i, p), .i = i, .p = p, .le = le, .md = md_at};
        para = !heading && !thematic_or_underline(src, p, le);
        i = next;
    }
    if (s->md.failed)
        return -2;
    return 0;
}

void sl__mdx_scan_free(mdx_scan *s)
{
    free(s->lf_copy);
    s->lf_copy = NULL;
    free(s->shadow);
    s->shadow = NULL;
    free(s->c);
    free(s->lit);
    free(s->md.data);
    s->c = NULL;
    s->lit = NULL;
    s->md.data = NULL;
}
