/*
 * mdx_autolink.c - GFM autolink literals in MDX, as remark-gfm makes them.
 *
 * remark-gfm links URLs and e-mail addresses twice.  First micromark's
 * tokenizer (micromark-extension-gfm-autolink-literal), as it reads text
 * left to right: `http://` and `https://` after anything but an ASCII
 * letter, `www.` at the text's start or after white space, `(`, `*`, `_`,
 * `[`, `]` or `~`, an e-mail address after anything but atext or `/`;
 * none while a `[` or `![` is open.  A literal is taken as written
 * (`&amp;` in it stays `&amp;`), and before emphasis, escapes or code
 * spans can claim its characters (`_a@b.co_` is a link then a `_`).
 * mdx_scan.c runs it on the page (sl__mdx_literal_at) and hides each
 * literal from md4c behind a placeholder.  Then
 * mdast-util-gfm-autolink-literal's find-and-replace, over the decoded
 * text nodes left outside links, one regex at a time: URLs (`http://`,
 * `https://`, `www.` at a node's start or after white space or
 * punctuation), `xmpp:` addresses, `mailto:` ones, bare e-mail addresses
 * (sl__mdx_transform_at, for mdx_tree.c's link_literals).
 *
 * md4c is asked for none of its permissive autolinks: its rules are not
 * micromark's (`ftp://`, where a URL ends, `a@b.c1`), and md4c 0.4.8
 * looks, for each such link, at every mark after it up to the next
 * resolved one: a paragraph of lines like `[http://a.b/c* ` took time
 * quadratic in its length (40,000 lines: 3 s).
 */
#include <stdint.h>
#include <string.h>

#include "mdx.h"

/* The code point that ends just before t[i]. */
uint32_t sl__mdx_cp_before(const char *t, size_t i)
{
    size_t k = i - 1;
    while (k > 0 && i - k < 4 && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    const unsigned char *u = (const unsigned char *)t + k;
    size_t w = i - k;
    if (w == 2 && (u[0] & 0xE0) == 0xC0)
        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    if (w == 3 && (u[0] & 0xF0) == 0xE0)
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    if (w == 4 && (u[0] & 0xF8) == 0xF0)
        return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 | (uint32_t)(u[2] & 0x3F) << 6 |
               (u[3] & 0x3F);
    return (unsigned char)t[i - 1];
}

static int ascii_alpha(uint32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int ascii_alnum(uint32_t c) { return ascii_alpha(c) || (c >= '0' && c <= '9'); }
static int word_char(char c) { return ascii_alnum((unsigned char)c) || c == '_'; }

/* micromark's unicodeWhitespace or unicodePunctuation (\s, \p{P}, \p{S}):
 * all of ASCII, and outside it the blocks of spaces, punctuation and
 * symbols people type (not the whole of Unicode's tables). */
static int ws_or_punct(uint32_t c)
{
    if (c < 0x80)
        return !ascii_alnum(c);
    return (c >= 0xA0 && c <= 0xBF && c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 && c != 0xBA &&
            (c < 0xBC || c > 0xBE)) ||
           c == 0xD7 || c == 0xF7 || c == 0x1680 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
           (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) ||
           c == 0x3030 || c == 0x303D || (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6B) ||
           c == 0xFEFF || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || (c >= 0x1F000 && c <= 0x1FAFF);
}

static int prefix_ci(const char *t, size_t n, size_t i, const char *p)
{
    size_t k = strlen(p);
    if (n - i < k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (t[i + j] != p[j] && !(ascii_alpha((unsigned char)t[i + j]) && (t[i + j] | 0x20) == p[j]))
            return 0;
    return 1;
}

/* isCorrectDomain: the last two labels, where not empty, hold a letter or
 * digit and no `_`. */
static int good_label(const char *t, size_t from, size_t to)
{
    int alnum = 0;
    for (size_t k = from; k < to; k++) {
        if (t[k] == '_')
            return 0;
        alnum |= ascii_alnum((unsigned char)t[k]);
    }
    return from == to || alnum;
}

/* The end of the code point that starts at t[k]. */
static size_t cp_end(const char *t, size_t n, size_t k)
{
    size_t e = k + 1;
    while (e < n && e - k < 4 && ((unsigned char)t[e] & 0xC0) == 0x80)
        e++;
    return e;
}

/* Unicode white space (micromark's unicodeWhitespace past ASCII) at t[k]. */
static int unicode_ws_at(const char *t, size_t n, size_t k)
{
    uint32_t c = sl__mdx_cp_before(t, cp_end(t, n, k));
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int space_or_eol(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* micromark's trail at t[k]: trailing punctuation (`.`, `!`, `&amp;`,
 * `]`...) up to the text's end, white space or `<`?  Where not, *stop is
 * where that showed: a trail from any byte it passed on the way is none
 * either (the callers skip those, so a run of punctuation is read once). */
static int trail_ends(const char *t, size_t n, size_t k, size_t *stop)
{
    while (k < n) {
        char c = t[k];
        if (c && strchr("!\"')*,.:;?_~", c)) {
            k++;
        } else if (c == '&') {
            size_t j = k + 1;
            while (j < n && ascii_alpha((unsigned char)t[j]))
                j++;
            if (j == k + 1 || j >= n || t[j] != ';') {
                *stop = j; /* (j < n: `&x` then no `;`) */
                return 0;
            }
            k = j + 1;
        } else if (c == ']') {
            k++;
            if (k >= n || t[k] == '(' || t[k] == '[' || space_or_eol(t[k]) ||
                ((unsigned char)t[k] >= 0x80 && unicode_ws_at(t, n, k)))
                return 1;
        } else {
            if (c == '<' || space_or_eol(c) || ((unsigned char)c >= 0x80 && unicode_ws_at(t, n, k)))
                return 1;
            *stop = k;
            return 0;
        }
    }
    return 1;
}


/* The last two dots in [from, to) into m->p1, m->p2 (at least one). */
static void last_dots(const char *t, size_t from, size_t to, mdx_dom_memo *m)
{
    m->p1 = m->p2 = SIZE_MAX;
    for (size_t j = to; j > from;)
        if (t[--j] == '.') {
            if (m->p1 == SIZE_MAX) {
                m->p1 = j;
            } else {
                m->p2 = j;
                break;
            }
        }
}

static int has_underscore(const char *t, size_t from, size_t to)
{
    return from < to && memchr(t + from, '_', to - from) != NULL;
}

/* micromark's own protocol and www autolinks (its tokenizer): after `//`
 * or at `www.` (at t[d]) a domain up to white space or punctuation other
 * than `-` (`.` and `_` inside it), with a character and no `_` in its
 * last two labels, then a path up to white space, its trail and
 * unbalanced `)` left out: `http://localhost:3000/.` links
 * `http://localhost:3000/`.  Its end in *end, or 0. */
static int protocol_tokenized(const char *t, size_t n, size_t d, mdx_dom_memo *m, size_t *end)
{
    if (d >= n || ((unsigned char)t[d] < 0x80 ? !ascii_alnum((unsigned char)t[d]) : ws_or_punct(sl__mdx_cp_before(t, cp_end(t, n, d)))))
        return 0; /* white space, a control or punctuation (`-` too) after `//` */
    size_t k = d, no_trail = d; /* no trail starts in [k, no_trail) */
    int seen = 0, us_last = 0, us_last_last = 0;
    if (m->end && d >= m->lo && d <= m->end) {
        /* read before: the domain's end and its labels' underscores (a
         * start past the second-last dot has its own second label) */
        k = no_trail = m->end;
        seen = 1; /* t[d] is a letter, digit or other, and the scan took it */
        if (m->p1 == SIZE_MAX || m->p1 < d) {
            us_last = has_underscore(t, d, k);
        } else {
            us_last = m->last_bad;
            us_last_last = m->p2 != SIZE_MAX && m->p2 >= d ? m->prev_bad : has_underscore(t, d, m->p1);
        }
        goto path;
    }
    while (k < n) {
        unsigned char c = (unsigned char)t[k];
        if (c == '.' || c == '_') {
            if (k >= no_trail && trail_ends(t, n, k, &no_trail))
                break;
            if (c == '_')
                us_last = 1;
            else
                us_last_last = us_last, us_last = 0;
            k++;
            continue;
        }
        size_t w = 1;
        if (c >= 0x80) {
            w = cp_end(t, n, k) - k;
            if (ws_or_punct(sl__mdx_cp_before(t, k + w)))
                break;
        } else if (c != '-' && !ascii_alnum(c)) {
            break; /* white space, a control or punctuation */
        }
        seen = 1;
        k += w;
    }
    *m = (mdx_dom_memo){.lo = d, .end = k};
    last_dots(t, d, k, m);
    if (m->p1 != SIZE_MAX) {
        m->last_bad = has_underscore(t, m->p1 + 1, k);
        m->prev_bad = m->p2 != SIZE_MAX && has_underscore(t, m->p2 + 1, m->p1);
    }
path:
    if (!seen || us_last || us_last_last)
        return 0;
    size_t open = 0, close = 0;
    while (k < n && !space_or_eol(t[k]) && !((unsigned char)t[k] >= 0x80 && unicode_ws_at(t, n, k))) {
        char c = t[k];
        if (c == '(') {
            open++;
        } else if (c == ')' && close < open) {
            close++;
        } else if (c && strchr("!\"&'),.:;<?]_~*", c)) {
            if (k >= no_trail && trail_ends(t, n, k, &no_trail))
                break;
            close += c == ')';
        }
        k++;
    }
    *end = k;
    return 1;
}

/* A URL the transform's first regex links at t[i]: its text's end (after
 * splitUrl's trailing punctuation) in *end; whether it is `www.` in *www.
 * 0: none.  m: the domain read for an earlier start. */
static int transform_url_at(const char *t, size_t n, size_t i, mdx_dom_memo *m, size_t *end, int *www)
{
    size_t d;
    if (prefix_ci(t, n, i, "https://"))
        d = i + 8, *www = 0;
    else if (prefix_ci(t, n, i, "http://"))
        d = i + 7, *www = 0;
    else if (prefix_ci(t, n, i, "www."))
        d = i + 3, *www = 1;
    else
        return 0;
    /* at the node's start or after white space or punctuation (its
     * regex's lookbehind, no ASCII letter or digit, and previous()) */
    if (i && !ws_or_punct(sl__mdx_cp_before(t, i)))
        return 0;
    size_t k = d;
    while (k < n && (word_char(t[k]) || t[k] == '-'))
        k++;
    if (k >= n || t[k] != '.')
        return 0;
    size_t dot = k++; /* the domain's first dot */
    if (m->end && k >= m->lo && k <= m->end) {
        k = m->end;
    } else {
        size_t lo = k;
        while (k < n && (word_char(t[k]) || t[k] == '-' || t[k] == '.'))
            k++;
        *m = (mdx_dom_memo){.lo = lo, .end = k};
        last_dots(t, lo - 1, k, m);
        m->last_bad = !good_label(t, m->p1 + 1, k);
        m->prev_bad = m->p2 != SIZE_MAX && !good_label(t, m->p2 + 1, m->p1);
    }
    size_t dom = *www ? i : d;
    if (!*www && !(word_char(t[dom]) && t[dom] != '_')) /* unicodePunctuation(domain[0]): `.`, `-`, `_` */
        return 0;
    /* the last two labels: [p1 + 1, end) and, where the domain has two
     * dots from `dot` on, [p2 + 1, p1), else the first, [dom, dot) */
    if (m->last_bad || (m->p2 != SIZE_MAX && m->p2 >= dot ? m->prev_bad : !good_label(t, dom, dot)))
        return 0;
    while (k < n && t[k] != ' ' && t[k] != '\t' && t[k] != '\n' && t[k] != '\r')
        k++;
    /* splitUrl */
    size_t e = k;
    while (e > dom && t[e - 1] && strchr("!\"&'),.:;<>?]}", t[e - 1]))
        e--;
    size_t open = 0, close = 0;
    for (size_t j = dom; j < e; j++)
        open += t[j] == '(', close += t[j] == ')';
    for (size_t j = e; j < k && open > close; j++)
        if (t[j] == ')')
            e = j + 1, close++;
    *end = e;
    return 1;
}


/* ------------------------------------------------------------ e-mail */

/* micromark's gfmAtext: `+`, `-`, `.`, `_`, ASCII letters and digits. */
static int atext(uint32_t c) { return c == '+' || c == '-' || c == '.' || c == '_' || ascii_alnum(c); }

/* micromark's e-mail literal at t[i] (an atext character): atext, `@`,
 * then a domain of letters, digits, `-`, `_` and dots each followed by a
 * letter or digit, with a dot and ending in a letter.  Its end in *end. */
static int email_tokenized(const char *t, size_t n, size_t i, size_t *end)
{
    size_t k = i;
    while (k < n && atext((unsigned char)t[k]))
        k++;
    if (k >= n || t[k] != '@')
        return 0;
    k++;
    int data = 0, dot = 0;
    while (k < n) {
        unsigned char c = (unsigned char)t[k];
        if (c == '.' && k + 1 < n && ascii_alnum((unsigned char)t[k + 1])) {
            dot = 1;
        } else if (c == '-' || c == '_' || ascii_alnum(c)) {
            data = 1;
        } else {
            break; /* a `.` before anything else is trailing punctuation */
        }
        k++;
    }
    if (!data || !dot || !ascii_alpha((unsigned char)t[k - 1]))
        return 0;
    *end = k;
    return 1;
}

int sl__mdx_literal_at(const char *t, size_t n, size_t i, uint32_t prev, mdx_dom_memo *m, size_t *end)
{
    unsigned char c = (unsigned char)t[i];
    /* the constructs at a character, in micromark's order: e-mail first */
    if (atext(c) && prev != '/' && !atext(prev) && email_tokenized(t, n, i, end))
        return MDX_LIT_EMAIL;
    if ((c | 0x20) == 'h' && !ascii_alpha(prev)) {
        size_t d = prefix_ci(t, n, i, "https://") ? i + 8 : prefix_ci(t, n, i, "http://") ? i + 7 : 0;
        if (d && protocol_tokenized(t, n, d, m, end))
            return MDX_LIT_URL;
    }
    /* previousWww: the text's start (0), a line ending, space, tab, ( * _ [ ] ~ */
    if ((c | 0x20) == 'w' && (prev == 0 || (prev < 0x80 && strchr("\n\r\t (*_[]~", (int)prev))) &&
        prefix_ci(t, n, i, "www.") && protocol_tokenized(t, n, i, m, end))
        return MDX_LIT_WWW;
    return 0;
}

/* The transform's regexes: `[\w+\-.]` and `[\w-]` (ASCII). */
static int email_char(char c) { return word_char(c) || c == '+' || c == '-' || c == '.'; }
static int label_char(char c) { return word_char(c) || c == '-'; }

/* `([\w+\-.]+)@([\w-]+(?:\.[\w-]+)+)` at t[k]: the end, or 0; 0 too
 * where the replace function refuses it, its domain ending in a digit,
 * `-` or `_`. */
static size_t address_end(const char *t, size_t n, size_t k)
{
    size_t a = k;
    while (k < n && email_char(t[k]))
        k++;
    if (k == a || k >= n || t[k] != '@')
        return 0;
    size_t l = ++k;
    while (k < n && label_char(t[k]))
        k++;
    if (k == l)
        return 0;
    int parts = 0;
    while (k + 1 < n && t[k] == '.' && label_char(t[k + 1])) {
        k++;
        while (k < n && label_char(t[k]))
            k++;
        parts++;
    }
    if (!parts || (t[k - 1] >= '0' && t[k - 1] <= '9') || t[k - 1] == '-' || t[k - 1] == '_')
        return 0;
    return k;
}

/* `(?<![\w+\-.@])`: nothing, or none of those, before t[i]. */
static int scheme_start(const char *t, size_t i)
{
    return !i || !(email_char(t[i - 1]) || t[i - 1] == '@');
}

/* `(?:^|[^\d@A-Za-z])(?:mailto|xmpp):` just before t[i]. */
static int after_scheme(const char *t, size_t i, const char *scheme)
{
    size_t k = strlen(scheme);
    return i >= k && !memcmp(t + i - k, scheme, k) &&
           (i == k || !(ascii_alnum((unsigned char)t[i - k - 1]) || t[i - k - 1] == '@'));
}

int sl__mdx_transform_at(int pass, const char *t, size_t n, size_t i, mdx_dom_memo *m, size_t *end, const char **prefix)
{
    size_t e;
    int www;
    *prefix = "";
    switch (pass) {
    case 0: /* URLs */
        if (((t[i] | 0x20) != 'h' && (t[i] | 0x20) != 'w') || !transform_url_at(t, n, i, m, end, &www))
            return 0;
        if (www)
            *prefix = "http://";
        return 1;
    case 1: /* xmpp:a@b.c, and a /resource ending in a letter not followed by `@` */
        if (t[i] != 'x' || n - i < 5 || memcmp(t + i, "xmpp:", 5) || !scheme_start(t, i) ||
            !(e = address_end(t, n, i + 5)))
            return 0;
        if (e < n && t[e] == '/') {
            size_t r = e + 1;
            while (r < n && (label_char(t[r]) || t[r] == '/' ||
                             (t[r] == '.' && r + 1 < n && ascii_alnum((unsigned char)t[r + 1]))))
                r++;
            if (!ascii_alpha((unsigned char)t[r - 1]) || (r < n && t[r] == '@'))
                return 0;
            e = r;
        }
        *end = e;
        return 1;
    case 2: /* mailto:a@b.c */
        if (t[i] != 'm' || n - i < 7 || memcmp(t + i, "mailto:", 7) || !scheme_start(t, i) ||
            !(e = address_end(t, n, i + 7)))
            return 0;
        *end = e;
        return 1;
    default: /* a@b.c, not after atext, `mailto:` or `xmpp:` */
        if (!email_char(t[i]) || (i && email_char(t[i - 1])) || after_scheme(t, i, "mailto:") ||
            after_scheme(t, i, "xmpp:") || !(e = address_end(t, n, i)))
            return 0;
        *prefix = "mailto:";
        *end = e;
        return 1;
    }
}
