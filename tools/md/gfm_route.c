/*
 * gfm_route.c - which GFM pages md4c can render as GitHub does, and which
 * must go to cmark-gfm.
 *
 * md4c 0.4.8 is 3.5x faster than cmark-gfm but differs from it on GFM's
 * extensions: its tables drop or shift cells (`| d || e |`), refuse short
 * delimiter cells (`-`, `:-`), take rows whose count does not match the
 * header, cannot interrupt a paragraph; and its autolinks start and end
 * by other rules (after a quote, `<` or a digit; `;`, `&`, parentheses
 * and non-ASCII in the URL; e-mail domains ending in a digit); its
 * strikethrough pairs tilde runs of different lengths and escaped tildes
 * differently, and it makes an empty task item of a bare `- [ ]`.  The scan
 * below is one pass over the body that answers "could md4c differ here?"
 * erring towards yes: a line that looks like a table delimiter row, or
 * an autolink candidate not in the plain form both read alike, sends the
 * page to cmark-gfm.  The plain form: http://, https:// or ftp:// (or
 * www.) after a space, line start or one of `*_~(` and a backtick, an
 * ASCII domain with a dot, and a path of letters, digits and
 * /.#?=%+:-_&,!'@$ up to a space, ending in a letter, digit or /; a link
 * destination `](http://...)`, which neither autolinks; an e-mail
 * address of plain characters ending in a letter.  Everything else costs cmark-gfm's speed, never correctness.
 */
#include <string.h>
#include <strings.h>

#include "md.h"

static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A line of only |, :, -, blanks, with a - and a | or : : maybe a table's
 * delimiter row (a row of - alone is a rule or a setext underline). */
static int delimiter_row(const char *s, size_t n)
{
    int dash = 0, bar = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-')
            dash = 1;
        else if (c == '|' || c == ':')
            bar = 1;
        else if (c != ' ' && c != '\t' && c != '\r')
            return 0;
    }
    return dash && bar;
}

/* Characters of a URL's path that neither reader treats specially
 * inside it (both trim some at its end, which plain_url rules out). */
static int plain_url_char(unsigned char c)
{
    return is_alnum(c) || strchr("/.#?=%+:-_&,!'@$", c) != NULL;
}

/* The URL after a scheme or "www." at s[i]: plain, up to a space? */
static int plain_url(const char *s, size_t n, size_t i, int www)
{
    size_t dots = 0, start = i;
    for (; i < n && (is_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'); i++)
        dots += s[i] == '.';
    if ((!dots && !www) || i == start)
        return 0;
    for (; i < n && !is_space((unsigned char)s[i]); i++)
        if (!plain_url_char((unsigned char)s[i]))
            return 0;
    return is_alnum((unsigned char)s[i - 1]) || s[i - 1] == '/';
}

/* The character before position i (or '\n' at the start). */
static unsigned char before(const char *s, size_t i)
{
    return i ? (unsigned char)s[i - 1] : '\n';
}

static int plain_lead(unsigned char c)
{
    return is_space(c) || c == '*' || c == '_' || c == '~' || c == '(' || c == '`';
}

/* At s[i] == ':' with "//" after it: a URL autolink candidate. */
static int url_differs(const char *s, size_t n, size_t i)
{
    static const char *const schemes[] = {"http", "https", "ftp"};
    if (i + 2 >= n || s[i + 1] != '/' || s[i + 2] != '/')
        return 0;
    size_t b = i;
    while (b > 0 && is_alpha((unsigned char)s[b - 1]))
        b--;
    int known = 0;
    for (size_t k = 0; k < 3 && !known; k++) {
        size_t l = strlen(schemes[k]);
        if (i - b < l || strncasecmp(s + i - l, schemes[k], l))
            continue;
        if (i - b > l)
            return 0; /* letters before it (xhttp://): neither links */
        if (memcmp(s + b, schemes[k], l))
            return 1; /* HTTP://: cmark-gfm ignores case, md4c does not */
        known = 1;
    }
    if (!known)
        return 0;
    unsigned char lead = before(s, b);
    if (lead == '(' && b >= 2 && s[b - 2] == ']')
        return 0; /* a link's destination: neither autolinks inside one */
    if (lead == '<') { /* <http://...>: a CommonMark autolink only if closed before a space */
        size_t e = i;
        while (e < n && !is_space((unsigned char)s[e]) && s[e] != '>')
            e++;
        return e >= n || s[e] != '>';
    }
    if (lead == '"' || lead == '\'') /* an HTML attribute value, or prose in quotes */
        return b < 2 || s[b - 2] != '=';
    return !plain_lead(lead) || !plain_url(s, n, i + 3, 0);
}

/* At s[i] == 'w' starting "www.". */
static int www_differs(const char *s, size_t n, size_t i)
{
    unsigned char lead = before(s, i);
    if (lead == '[')
        return 1;
    if (!plain_lead(lead))
        return 0; /* neither links after a letter or other punctuation */
    return !plain_url(s, n, i + 4, 1);
}

/* At s[i] == '@'. */
static int email_differs(const char *s, size_t n, size_t i)
{
    static const char local[] = ".+-_";
    unsigned char b = before(s, i);
    if (!is_alnum(b) && !strchr(local, b))
        return 0; /* neither reads an address */
    if (!is_alnum(b))
        return 1;
    size_t l = i;
    while (l > 0 && (is_alnum((unsigned char)s[l - 1]) || strchr(local, s[l - 1])))
        l--;
    if (l > 0 && !is_space((unsigned char)s[l - 1]) && s[l - 1] != '(' && s[l - 1] != '<')
        return 1;
    size_t e = i + 1, dots = 0;
    for (; e < n && (is_alnum((unsigned char)s[e]) || s[e] == '-' || s[e] == '.'); e++)
        dots += s[e] == '.' && e + 1 < n && is_alnum((unsigned char)s[e + 1]);
    while (e > i + 1 && s[e - 1] == '.')
        e--;
    if (e == i + 1)
        return 0; /* "a@ b": neither */
    return !dots || !is_alpha((unsigned char)s[e - 1]) || (e < n && (s[e] == '_' || s[e] == '@'));
}

/* At the start of a run of tildes: 1 if the run (or the runs seen so far,
 * in *lengths: bit 0 one tilde, bit 1 two, bit 2 more) may pair
 * differently.  *len is the run's length. */
static int tildes_differ(const char *s, size_t n, size_t i, size_t line, unsigned *lengths, size_t *len)
{
    size_t k = i;
    while (k < n && s[k] == '~')
        k++;
    *len = k - i;
    size_t lead = line;
    while (lead < i && s[lead] == ' ')
        lead++;
    if (lead == i && i - line < 4 && *len >= 3)
        return 0; /* a code fence */
    if (i > 0 && s[i - 1] == '\\')
        return 1;
    *lengths |= *len == 1 ? 1u : *len == 2 ? 2u : 4u;
    return (*lengths & 4u) || *lengths == 3u;
}

/* At s[i] == '[': a task marker with nothing after it on its line. */
static int bare_task_marker(const char *s, size_t n, size_t i)
{
    if (n - i < 3 || !strchr(" xX", s[i + 1]) || s[i + 2] != ']')
        return 0;
    for (size_t k = i + 3; k < n && s[k] != '\n'; k++)
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            return 0;
    return 1;
}

/* A code fence line (``` or ~~~, at any indent: fences in list items are
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
    if (k - i < 3)
        return 0;
    *c = s[i];
    return k - i;
}

/* At s[i], the start of a run of backticks: the index just past the code
 * span it opens on this line, or i when it closes on no later point of
 * the line (then the backticks are read as text: checking what follows
 * errs towards cmark-gfm). */
static size_t code_span_end(const char *s, size_t n, size_t i)
{
    size_t k = i, open;
    while (k < n && s[k] == '`')
        k++;
    open = k - i;
    while (k < n && s[k] != '\n') {
        if (s[k] != '`') {
            k++;
            continue;
        }
        size_t e = k;
        while (e < n && s[e] == '`')
            e++;
        if (e - k == open)
            return e;
        k = e;
    }
    return i;
}

int sl__md_gfm_needs_cmark(const char *s, size_t n)
{
    size_t line = 0, run, in_fence = 0;
    unsigned tildes = 0;
    char fc = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == line) { /* a line starts: code blocks hold no autolinks, tables or tildes */
            const char *nl = memchr(s + i, '\n', n - i);
            size_t len = nl ? (size_t)(nl - (s + i)) : n - i, f;
            char c;
            if (in_fence || (f = fence(s + i, len, &c))) {
                if (in_fence && fence(s + i, len, &c) >= in_fence && c == fc)
                    in_fence = 0;
                else if (!in_fence)
                    in_fence = f, fc = c;
                line = i + len + 1;
                i = line - 1;
                continue;
            }
        }
        switch (s[i]) {
        case '\n':
            if (delimiter_row(s + line, i - line))
                return 1;
            line = i + 1;
            break;
        case '`': {
            size_t e = code_span_end(s, n, i);
            i = (e > i ? e : i + 1) - 1;
            while (i + 1 < n && s[i + 1] == '`')
                i++;
            break;
        }
        case ':':
            if (url_differs(s, n, i))
                return 1;
            break;
        case 'w':
            if (n - i > 4 && !memcmp(s + i, "www.", 4) && www_differs(s, n, i))
                return 1;
            break;
        case '@':
            if (email_differs(s, n, i))
                return 1;
            break;
        case '~':
            if (tildes_differ(s, n, i, line, &tildes, &run))
                return 1;
            i += run - 1;
            break;
        case '[':
            if (bare_task_marker(s, n, i))
                return 1;
            break;
        default: break;
        }
    }
    return line < n && !in_fence && delimiter_row(s + line, n - line);
}
