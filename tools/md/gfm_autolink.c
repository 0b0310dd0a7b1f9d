/*
 * gfm_autolink.c - GFM's extended autolinks (http://, www., e-mail) as
 * md4c 0.4.8 and cmark-gfm 0.29 each read them, to tell whether they read
 * one the same way.
 *
 * The one idea: both libraries decide an autolink by a short, local rule
 * (md4c-html's md_analyze_permissive_*_autolink, cmark-gfm's autolink.c:
 * url_match, www_match, postprocess_text, autolink_delim).  Written out
 * here side by side, each is run on the candidate and the two extents
 * compared: same start and end (or neither a link), and md4c may render
 * the page.  Only the candidates whose every byte is plain ASCII that
 * neither library treats specially inside a link are modelled; anything
 * else (a backtick, a bracket, `<`, a backslash, an entity, `|`,
 * non-ASCII, an `_` in a host name, an unusual character before the link)
 * counts as "differs", which costs cmark-gfm's speed, never correctness.
 * Two extents that differ are answered "same" all the same, because
 * render.c writes them as cmark-gfm reads them: a URL right after a quote
 * that md4c leaves as text (quoted_url_plain) and an e-mail address
 * ending in a digit that md4c links (email_differs).  route_test.c checks the models against both libraries on generated
 * candidates.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "md.h"

static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* An e-mail address's bytes: before the `@` (alnum and .+-_), after it
 * (alnum and .-_). */
static int is_local(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '+' || c == '-' || c == '_';
}

static int is_domain(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '-' || c == '_';
}

/* `&` starting an entity md4c would resolve: &name; &#123; &#x1F; */
static int entity_at(const char *s, size_t n, size_t i)
{
    size_t k = i + 1, digits = 0;
    if (k < n && s[k] == '#')
        k += 1 + (k + 1 < n && (s[k + 1] | 0x20) == 'x');
    while (k < n && is_alnum((unsigned char)s[k]) && digits < 48)
        k++, digits++;
    return digits && k < n && s[k] == ';';
}

/* The run of non-blank bytes from `from`: its end, or 0 when a byte in it
 * is one the models leave out. */
static size_t token_end(const char *s, size_t n, size_t from)
{
    size_t e = from;
    for (; e < n && !sl__md_ascii_space((unsigned char)s[e]); e++) {
        unsigned char c = (unsigned char)s[e];
        if (c >= 0x80 || c < 0x20 || c == '`' || c == '[' || c == ']' || c == '<' || c == '\\' || c == '|' ||
            (c == '&' && entity_at(s, n, e)))
            return 0;
    }
    return e;
}

/* md4c: a host of alnum, `-`, `.`, `_` from d with a dot (a last `.`
 * dropped) and no `_` in its last two labels; then a path up to a blank
 * or `<`; then trailing `?!.,:*_~` and unbalanced `)` dropped.  The end,
 * or 0 for no link. */
static size_t md4c_end(const char *s, size_t n, size_t d)
{
    size_t off = d, dots = 0, open = 0, excess = 0;
    int us_last = 0, us_prev = 0;
    for (; off < n; off++) {
        char c = s[off];
        if (c == '.')
            dots++, us_prev = us_last, us_last = 0;
        else if (c == '_')
            us_last = 1;
        else if (!is_alnum((unsigned char)c) && c != '-')
            break;
    }
    if (off > d && s[off - 1] == '.')
        off--, dots--;
    if (off <= d || dots == 0 || us_last || us_prev)
        return 0;
    for (; off < n && s[off] != '<' && !sl__md_ascii_space((unsigned char)s[off]); off++) {
        if (s[off] == '(')
            open++;
        else if (s[off] == ')') {
            if (open)
                open--;
            else
                excess++;
        }
    }
    for (;;) {
        if (strchr("?!.,:*_~", s[off - 1]))
            off--;
        else if (s[off - 1] == ')' && excess)
            off--, excess--;
        else
            return off;
    }
}

/* cmark-gfm's check_domain over data[0..size): from index 1, labels of
 * host characters (ASCII: alnum; `-`) and `_`, stopping at other
 * punctuation; 0 for `_` in the last two labels, or (not allow_short) no dot. */
static size_t cmark_domain(const char *data, size_t size, int allow_short)
{
    size_t i, dots = 0, us1 = 0, us2 = 0;
    for (i = 1; i + 1 < size; i++) {
        if (data[i] == '_')
            us2++;
        else if (data[i] == '.')
            us1 = us2, us2 = 0, dots++;
        else if (!is_alnum((unsigned char)data[i]) && data[i] != '-')
            break;
    }
    if (us1 || us2)
        return 0;
    return allow_short || dots ? i : 0;
}

/* cmark-gfm's autolink_delim: link_end less what GFM drops at the end. */
static size_t cmark_delim(const char *data, size_t link_end)
{
    for (size_t i = 0; i < link_end; i++)
        if (data[i] == '<') {
            link_end = i;
            break;
        }
    while (link_end > 0) {
        char c = data[link_end - 1];
        if (strchr("?!.,:*_~'\"", c))
            link_end--;
        else if (c == ';') {
            size_t e = link_end - 2; /* `&name;` goes whole, a lone `;` alone */
            while (e > 0 && is_alpha((unsigned char)data[e]))
                e--;
            link_end = e < link_end - 2 && data[e] == '&' ? e : link_end - 1;
        } else if (c == ')') {
            size_t opening = 0, closing = 0;
            for (size_t i = 0; i < link_end; i++)
                opening += data[i] == '(', closing += data[i] == ')';
            if (closing <= opening)
                break;
            link_end--;
        } else
            break;
    }
    return link_end;
}

/* Before a link both accept a line start, a blank and `*_~(`. */
static int plain_lead(const char *s, size_t i)
{
    unsigned char c = i ? (unsigned char)s[i - 1] : '\n';
    return sl__md_ascii_space(c) || c == '*' || c == '_' || c == '~' || c == '(';
}

/* An `_` in the host name from d: the two count it by slightly different
 * rules near the end of a paragraph. */
static int host_has_underscore(const char *s, size_t d, size_t tok)
{
    for (; d < tok && (is_alnum((unsigned char)s[d]) || s[d] == '-' || s[d] == '.' || s[d] == '_'); d++)
        if (s[d] == '_')
            return 1;
    return 0;
}

/* What is not read for links up to a blank or `stop`: *skip past it.
 * Every link's destination is passed over here (`](https://...)`), so
 * 16 bytes at a time where SSE2 is there: a blank is a space or one of
 * `\t\n\v\f\r` (9 to 13). */
static int skip_to(const char *s, size_t n, size_t i, char stop, size_t *skip)
{
#if defined(__SSE2__)
    const __m128i st = _mm_set1_epi8(stop), sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'),
                  four = _mm_set1_epi8(4);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i ctl = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(v, tab), four), _mm_setzero_si128());
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, st), _mm_cmpeq_epi8(v, sp))));
        if (mask) {
            *skip = i + (size_t)__builtin_ctz(mask);
            return 0;
        }
    }
#endif
    while (i < n && s[i] != stop && !sl__md_ascii_space((unsigned char)s[i]))
        i++;
    *skip = i;
    return 0;
}

/* Is offset `at` inside an HTML tag begun earlier on its line (`<` and a
 * letter, no `>` since)?  Raw HTML to both, in which neither autolinks;
 * escaped as text (safe mode) it still holds none for md4c, which links
 * nothing after `"`. */
static int in_html_tag(const char *s, size_t at)
{
    while (at > 0 && s[at - 1] != '\n' && s[at - 1] != '>') {
        at--;
        if (s[at] == '<')
            return is_alpha((unsigned char)s[at + 1]);
    }
    return 0;
}

/* `<` before a link: a CommonMark autolink to both when `>` closes it
 * before a blank (then 0, and *skip past it), else 1. */
static int angle_autolink_differs(const char *s, size_t n, size_t i, size_t *skip)
{
    while (i < n && !sl__md_ascii_space((unsigned char)s[i]) && s[i] != '>' && s[i] != '<')
        i++;
    if (i >= n || s[i] != '>')
        return 1;
    *skip = i + 1;
    return 0;
}

/* A token that reads as a link from `start` in both, md4c's host from d,
 * cmark-gfm's domain check from `dom` (short domains allowed for a
 * scheme): 1 if the two links differ. */
static int link_differs(const char *s, size_t n, size_t start, size_t d, size_t dom, int allow_short, size_t tok)
{
    /* cmark-gfm's check_domain never looks at the last byte of the text
     * it is given; the text goes on past the token unless it ends there. */
    size_t ok = cmark_domain(s + dom, tok - dom + (tok < n), allow_short);
    size_t cm = ok ? cmark_delim(s + start, tok - start) : 0;
    return md4c_end(s, tok, d) != (cm ? start + cm : 0);
}

/* `[` right before the scheme, then the URL up to `](`, a plain
 * destination and `)`: an inline link whose text is its URL
 * (`[https://x.org/a](https://x.org/a)`, common in READMEs).  Both read
 * it as that link and autolink nothing in its text - cmark-gfm starts no
 * autolink inside brackets, md4c none that ends where the link text does
 * - as long as the URL holds only host and path bytes none of md4c's
 * other inline rules touch (no `&*_~@`, no `?!,;` it would drop at the
 * end) and ends in a letter, a digit or `/`.  Returns 1 with *skip at the
 * `]`; 0 for anything else (which is then read as any other URL). */
static int url_is_link_text(const char *s, size_t n, size_t b, size_t i, size_t *skip)
{
    if (b < 1 || s[b - 1] != '[' || (b >= 2 && s[b - 2] == '\\'))
        return 0;
    size_t e = i + 3, d;
    while (e < n && s[e] && (is_alnum((unsigned char)s[e]) || strchr("/.:#=%+-", s[e])))
        e++;
    if (e == i + 3 || e + 1 >= n || s[e] != ']' || s[e + 1] != '(' ||
        !(is_alnum((unsigned char)s[e - 1]) || s[e - 1] == '/'))
        return 0;
    for (d = e + 2; d < n && s[d] && (is_alnum((unsigned char)s[d]) || strchr("/.:#=%+-_~", s[d]));)
        d++;
    if (d == e + 2 || d >= n || s[d] != ')')
        return 0;
    *skip = e;
    return 1;
}

/* A URL right after a quote, `"https://x.org/"`: md4c starts no link
 * there, cmark-gfm does, and render.c links it as cmark-gfm would
 * (text_linking_urls) where md4c reads each of its bytes as text: a host
 * of letters, digits, `-` and `.`, no `@` (an e-mail to md4c) or `>` (the
 * end of a tag it may be in), no `(_~*` before a letter that may start a
 * link of md4c's own (`www.`, a scheme).  `*_~` go on to
 * link_marks_differ as in any link. */
static int quoted_url_plain(const char *s, size_t b, size_t i, size_t tok)
{
    if (b == 0 || (s[b - 1] != '"' && s[b - 1] != '\'') || i + 3 >= tok || !is_alnum((unsigned char)s[i + 3]) ||
        host_has_underscore(s, i + 3, tok))
        return 0;
    for (size_t k = i + 3; k < tok; k++)
        if (s[k] == '@' || s[k] == '>' || (strchr("(_~*", s[k]) && k + 1 < tok && strchr("wWhHfF", s[k + 1])))
            return 0;
    return 1;
}

/* The scheme s[b..i) cmark-gfm links (`http`, `https`, `ftp` in any
 * case) as its lower-case name, or NULL.  Indexed by the scheme's
 * length: one name to compare, no library call (this runs at every
 * "://" of the page). */
static const char *cmark_scheme(const char *s, size_t b, size_t i)
{
    static const char *const schemes[6] = {[3] = "ftp", [4] = "http", [5] = "https"};
    const char *scheme = i - b < 6 ? schemes[i - b] : NULL;
    for (size_t k = 0; scheme && k < i - b; k++)
        if ((s[b + k] | 0x20) != scheme[k])
            scheme = NULL;
    return scheme;
}

size_t sl__md_scheme_start(const char *s, size_t i)
{
    while (i > 0 && is_alpha((unsigned char)s[i - 1]))
        i--;
    return i;
}

/* A link token [from, tok) that ends its line with an address-like
 * tail, `name@dom.ain` (`react@18.2.0`, `a@b.c1`): md4c 0.4.8 reads an
 * e-mail autolink there too, and where the paragraph goes on, wrote the
 * line end twice and the next line's text from its start, a quote's `>`
 * with it (`> Use https://unpkg.com/react@18.2.0`, `> next`: "&gt; next";
 * advmd F11).  A tail with a `/` or other bytes after the `@`, or none
 * but a `/` before it (`https://npm.im/@npmcli/arborist`), reads alike. */
static int at_sign_ends_line(const char *s, size_t n, size_t from, size_t tok)
{
    size_t e = tok; /* blanks after it too: `react@18.2.0 `, then `> next` wrote "&gt; next" (mdfix) */
    while (e < n && (s[e] == ' ' || s[e] == '\t'))
        e++;
    if (e >= n || (s[e] != '\n' && s[e] != '\r'))
        return 0;
    const char *at = memrchr(s + from, '@', tok - from);
    if (!at || at == s + from || !(is_alnum((unsigned char)at[-1]) || strchr(".-_+", at[-1])))
        return 0;
    int dot = 0;
    for (const char *p = at + 1; p < s + tok; p++) {
        if (!is_alnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
            return 0;
        dot |= *p == '.';
    }
    return dot;
}

/* At s[i] == ':' followed by "//". */
static int url_differs(const char *s, size_t n, size_t i, size_t *skip, int *link)
{
    size_t b = sl__md_scheme_start(s, i);
    const char *scheme = cmark_scheme(s, b, i);
    if (!scheme)
        return 0; /* neither (xhttp://, ssh://) */
    if (memcmp(s + b, scheme, i - b))
        return 1; /* HTTP://: cmark-gfm ignores case, md4c does not */
    if (b > 1 && s[b - 1] == '(' && s[b - 2] == ']')
        return skip_to(s, n, i, ')', skip); /* a link's destination: neither autolinks in one */
    if (b > 1 && (s[b - 1] == '"' || s[b - 1] == '\'') && s[b - 2] == '=' && in_html_tag(s, b - 2))
        return skip_to(s, n, i, s[b - 1], skip); /* an attribute's value */
    if (url_is_link_text(s, n, b, i, skip))
        return 0; /* a link to both, nothing autolinked in it */
    *link = 1;
    if (b > 0 && s[b - 1] == '<') /* an escaped `<` starts no autolink: cmark-gfm links the URL, md4c not (advmd F13) */
        return (b > 1 && s[b - 2] == '\\') || angle_autolink_differs(s, n, i, skip);
    size_t tok = token_end(s, n, i);
    if (tok && quoted_url_plain(s, b, i, tok))
        return *skip = tok, 0;
    if (b > 0 && (s[b - 1] == '"' || s[b - 1] == '\'') && (i + 3 >= n || strchr(" \t\r\n!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i + 3])))
        return *link = 0, *skip = i + 3, 0; /* `"http://"`: no host, a link to neither */
    if (!plain_lead(s, b) || !tok || i + 3 >= tok || !is_alnum((unsigned char)s[i + 3]) ||
        host_has_underscore(s, i + 3, tok) || at_sign_ends_line(s, n, i, tok))
        return 1;
    *skip = tok;
    return link_differs(s, n, b, i + 3, i + 3, 1, tok);
}

/* At s[i] == '.' after "www". */
static int www_differs(const char *s, size_t n, size_t i, size_t *skip, int *link)
{
    size_t w = i - 3;
    if (w > 0 && (s[w - 1] == '[' || s[w - 1] == '|' || s[w - 1] == '>'))
        return *link = 1; /* md4c links after `[`, cmark-gfm not in a bracket; a table cell's start; a
                             quote's `>` with no space after it: cmark-gfm links at the text's start,
                             md4c looks at the `>` (adv20 F5) */
    if (!plain_lead(s, w))
        return 0; /* neither (after a letter, `/`, ...) */
    *link = 1;
    size_t tok = token_end(s, n, w);
    if (!tok || i + 1 >= tok || !is_alnum((unsigned char)s[i + 1]) || host_has_underscore(s, i + 1, tok) ||
        at_sign_ends_line(s, n, i, tok))
        return 1;
    *skip = tok;
    return link_differs(s, n, w, i + 1, w, 0, tok);
}

/* md4c's e-mail autolink around the `@` at i: [*b, *e), or 0. */
static int md4c_email(const char *s, size_t n, size_t i, size_t line_end, size_t *b, size_t *e)
{
    if (i == 0 || !is_alnum((unsigned char)s[i - 1]) || i + 3 >= line_end || !is_alnum((unsigned char)s[i + 1]))
        return 0;
    size_t beg = i, end = i + 1, dots = 0;
    while (beg > 0 && is_local((unsigned char)s[beg - 1]))
        beg--;
    for (; end < n && is_domain((unsigned char)s[end]); end++)
        dots += s[end] == '.';
    if (s[end - 1] == '.')
        end--, dots--;
    else if (s[end - 1] == '-' || s[end - 1] == '_')
        return 0;
    if (s[end - 1] == '@' || dots == 0)
        return 0;
    *b = beg;
    *e = end;
    return 1;
}

/* cmark-gfm's, from postprocess_text (one `@` in the run, a `.` only
 * before alnum, ending in a letter or `.`). */
static int cmark_email(const char *s, size_t n, size_t i, size_t *b, size_t *e)
{
    size_t beg = i, end, ats = 0, dots = 0;
    while (beg > 0 && is_local((unsigned char)s[beg - 1]))
        beg--;
    if (beg == i)
        return 0;
    for (end = i; end < n; end++) {
        char c = s[end];
        if (c == '@')
            ats++;
        else if (c == '.' && end + 1 < n && is_alnum((unsigned char)s[end + 1]))
            dots++;
        else if (!is_alnum((unsigned char)c) && c != '-' && c != '_')
            break;
    }
    if (end - i < 2 || ats != 1 || !dots || (!is_alpha((unsigned char)s[end - 1]) && s[end - 1] != '.'))
        return 0;
    size_t len = cmark_delim(s + i, end - i);
    if (!len)
        return 0;
    *b = beg;
    *e = i + len;
    return 1;
}

/* At s[i] == '@': the models read the run of address bytes around it
 * (neither library looks further). */
static int email_differs(const char *s, size_t n, size_t i, size_t line_end, size_t *skip, int *link)
{
    if (i == 0 || !is_local((unsigned char)s[i - 1]))
        return 0; /* nothing before it either reads as an address (@user, [@scope/pkg]) */
    size_t b = i, e = i + 1;
    while (b > 0 && is_local((unsigned char)s[b - 1]))
        b--;
    while (e < n && (is_domain((unsigned char)s[e]) || s[e] == '@'))
        e++;
    *skip = e;
    *link = 1;
    if (memchr(s + b, '_', e - b) || memchr(s + i + 1, '@', e - i - 1))
        return 1; /* `_` may be emphasis to cmark-gfm first; a second `@` starts over */
    if (b > 0 && (s[b - 1] == '/' || s[b - 1] == ':'))
        return 1; /* cmark-gfm versions differ after `/`; `mailto:` is in its link */
    size_t mb = 0, me = 0, cb = 0, ce = 0;
    int m = md4c_email(s, n, i, line_end, &mb, &me), c = cmark_email(s, n, i, &cb, &ce);
    if (m && !c && s[me - 1] >= '0' && s[me - 1] <= '9' && (b == 0 || s[b - 1] != '<') && (e >= n || s[e] != '+'))
        return 0; /* `pkg@1.2.3`: a link to md4c only, written as text by render.c (email_as_text) */
    return m != c || (m && (mb != cb || me != ce));
}

int sl__md_autolink_differs(const char *s, size_t n, size_t i, size_t line_end, size_t *skip, int *link)
{
    *skip = i + 1;
    *link = 0;
    if (s[i] == ':')
        return i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/' ? url_differs(s, n, i, skip, link) : 0;
    if (s[i] == '.')
        return i >= 3 && !memcmp(s + i - 3, "www", 3) ? www_differs(s, n, i, skip, link) : 0;
    return s[i] == '@' ? email_differs(s, n, i, line_end, skip, link) : 0;
}

size_t sl__md_cmark_url_length(const char *s, size_t n, size_t end, size_t b, size_t k)
{
    size_t h = k + 3, e = h;
    if (!cmark_scheme(s, b, k) || h >= end || !is_alnum((unsigned char)s[h]))
        return 0;
    for (; e < end && (is_alnum((unsigned char)s[e]) || s[e] == '-' || s[e] == '.' || s[e] == '_'); e++)
        if (s[e] == '_')
            return 0; /* check_domain refuses `_` in the last two labels; any, here */
    for (; e < end && !sl__md_ascii_space((unsigned char)s[e]); e++)
        if ((unsigned char)s[e] >= 0x80)
            return 0;
    if (e == end && end < n && !sl__md_ascii_space((unsigned char)s[end]) && s[end] != '<')
        return 0; /* the URL goes on past md4c's text (cmark-gfm cuts it at a `<`) */
    return cmark_delim(s + b, e - b);
}

/* The character an entity reference at s[i] (`&`) stands for, when it is
 * one an e-mail autolink is made of (ASCII letters, digits, `@ . : - _ +`),
 * else 0; *end is past its `;`.  Numeric references as CommonMark reads
 * them (1-7 decimal or 1-6 hex digits), and the named ones among those
 * characters. */
static int address_entity(const char *s, size_t n, size_t i, size_t *end)
{
    static const struct { const char *name; char c; } named[] = {
        {"commat;", '@'}, {"period;", '.'}, {"colon;", ':'}, {"hyphen;", '-'}, {"dash;", '-'},
        {"lowbar;", '_'}, {"UnderBar;", '_'}, {"plus;", '+'}};
    size_t k = i + 1;
    unsigned long v = 0;
    if (k < n && s[k] == '#') {
        int hex = k + 1 < n && (s[k + 1] == 'x' || s[k + 1] == 'X');
        size_t d = k + 1 + (size_t)hex, j = d;
        for (; j < n && j - d < 8; j++) {
            char c = s[j];
            int x = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0)
                break;
            v = v * (hex ? 16 : 10) + (unsigned long)x;
        }
        if (j == d || j - d > (hex ? 6u : 7u) || j >= n || s[j] != ';')
            return 0;
        *end = j + 1;
    } else {
        for (size_t m = 0; m < sizeof named / sizeof named[0]; m++) {
            size_t len = strlen(named[m].name);
            if (n - k >= len && !memcmp(s + k, named[m].name, len)) {
                *end = k + len;
                return named[m].c;
            }
        }
        return 0;
    }
    int c = v < 128 ? (int)v : 0;
    return is_alnum((unsigned char)c) || (c && strchr("@.:-_+", c)) ? c : 0;
}

static int address_delim(char c)
{
    return c && strchr(" \t\r\n<>()[]*~`\"'", c) != NULL;
}

int sl__md_entity_in_address(const char *s, size_t n)
{
    /* One pass: behind, the last delimiter and the last `@` before each
     * entity; ahead, the next delimiter and the next `@` from its end, each
     * found again only once the entities have passed it (they come in page
     * order), so every byte is read a bounded number of times. */
    size_t back = 0, after_delim = 0, last_at = (size_t)-1, next_delim = 0, next_at = 0;
    for (const char *p = s; (p = memchr(p, '&', (size_t)(s + n - p))) != NULL; p++) {
        size_t i = (size_t)(p - s), end;
        int c = address_entity(s, n, i, &end);
        if (!c)
            continue;
        if (c == '@')
            return 1;
        /* the run of bytes around it an address could span (256 each way): an `@` in it */
        for (; back < i; back++)
            if (address_delim(s[back]))
                after_delim = back + 1;
            else if (s[back] == '@')
                last_at = back;
        size_t b = i > 256 && i - 256 > after_delim ? i - 256 : after_delim;
        if (last_at != (size_t)-1 && last_at >= b)
            return 1;
        if (next_delim < end) {
            next_delim = end;
            while (next_delim < n && !address_delim(s[next_delim]))
                next_delim++;
        }
        if (next_at < end) {
            const char *a = memchr(s + end, '@', n - end);
            next_at = a ? (size_t)(a - s) : n;
        }
        if (next_at < (next_delim - end > 256 ? end + 256 : next_delim))
            return 1;
    }
    return 0;
}
