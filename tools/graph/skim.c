/*
 * skim.c - what the parser need not read, found by a lexical scan (see
 * skim.h): a Rust lexer that tracks brackets, literals and comments and
 * nothing more, and small strict readers for the three kinds of region.
 */
#include "skim.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int ascii_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int ascii_ident(unsigned char c)
{
    return ascii_ident_start(c) || (c >= '0' && c <= '9');
}

/* The end of the identifier at s[i] (i when none), ASCII only. */
static uint32_t ident_end(const char *s, uint32_t i, uint32_t end)
{
    if (i >= end || !ascii_ident_start((unsigned char)s[i]))
        return i;
    while (i < end && ascii_ident((unsigned char)s[i]))
        i++;
    return i;
}

static int word_is(const char *s, uint32_t a, uint32_t b, const char *w)
{
    size_t n = strlen(w);
    return b - a == n && !memcmp(s + a, w, n);
}

static uint32_t skip_space(const char *s, uint32_t i, uint32_t end)
{
    while (i < end && is_space(s[i]))
        i++;
    return i;
}

static int ident_byte(unsigned char c)
{
    return ascii_ident(c) || c >= 0x80;
}

/* Is s[0..len) a keyword that starts an item? */
static int item_keyword(const char *s, size_t len)
{
    switch (len) {
    case 2: return !memcmp(s, "fn", 2);
    case 3: return !memcmp(s, "use", 3) || !memcmp(s, "mod", 3);
    case 4: return !memcmp(s, "enum", 4) || !memcmp(s, "impl", 4) || !memcmp(s, "type", 4);
    case 5: return !memcmp(s, "union", 5) || !memcmp(s, "trait", 5) || !memcmp(s, "const", 5);
    case 6: return !memcmp(s, "struct", 6) || !memcmp(s, "static", 6) || !memcmp(s, "extern", 6);
    case 11: return !memcmp(s, "macro_rules", 11);
    default: return 0;
    }
}

/* Whether the line holding s[end - 1] has "//" before it. */
static int line_has_comment(const char *s, size_t end)
{
    size_t a = end;
    while (a > 0 && s[a - 1] != '\n')
        a--;
    for (size_t i = a; i + 1 < end; i++)
        if (s[i] == '/' && s[i + 1] == '/')
            return 1;
    return 0;
}

uint32_t gr_next_mark(const char *s, uint32_t i, uint32_t hi)
{
    for (; i < hi; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '(') {
            /* A call's '(' follows its callee: a name, a generic's '>', a
             * ')' or ']' or '?' or '}' - not '!' (a macro's arguments are
             * not walked), an operator or a separator.  A comment between
             * the two is the one way to hide the callee's last character,
             * so after a '/' or a line holding "//" the '(' counts
             * regardless. */
            uint32_t k = i;
            int newline = 0;
            while (k > 0 && is_space(s[k - 1]))
                newline |= s[--k] == '\n';
            unsigned char p = k ? (unsigned char)s[k - 1] : 0;
            if (ident_byte(p) || p == '>' || p == ')' || p == ']' || p == '?' || p == '}' || p == '/' ||
                (newline && line_has_comment(s, k)))
                return i;
        } else if (c >= 'a' && c <= 'z' && (i == 0 || !ident_byte((unsigned char)s[i - 1]))) {
            uint32_t j = i + 1;
            while (j < hi && ident_byte((unsigned char)s[j]))
                j++;
            if (item_keyword(s + i, j - i))
                return i;
            i = j - 1;
        }
    }
    return hi;
}

int gr_plain_const_parse(const char *s, uint32_t a, uint32_t end, gr_plain_const *out)
{
    if (end < a || end - a < 12 || s[end - 1] != ';')
        return 0;
    for (uint32_t k = a; k + 1 < end; k++)
        if ((s[k] == '/' && (s[k + 1] == '/' || s[k + 1] == '*')) || s[k] == '"' || s[k] == '\'')
            return 0; /* comments and literals: leave them to the tree */
    uint32_t i = a, vis_end = a;
    if (end - i > 4 && !memcmp(s + i, "pub", 3)) {
        i += 3;
        if (s[i] == '(') {
            while (i < end && s[i] != ')' && !is_space(s[i]))
                i++;
            if (i >= end || s[i] != ')')
                return 0;
            i++;
        }
        vis_end = i;
        if (i >= end || !is_space(s[i]))
            return 0;
        i = skip_space(s, i, end);
    }
    uint32_t w = ident_end(s, i, end);
    if (!word_is(s, i, w, "const") || w >= end || !is_space(s[w]))
        return 0;
    uint32_t name_a = skip_space(s, w, end), name_b = ident_end(s, name_a, end);
    if (name_b == name_a || word_is(s, name_a, name_b, "_"))
        return 0;
    i = skip_space(s, name_b, end);
    if (i >= end || s[i] != ':' || (i + 1 < end && s[i + 1] == ':'))
        return 0;
    uint32_t type_a = skip_space(s, i + 1, end), type_b = type_a, segs = 0;
    if (end - type_b > 2 && s[type_b] == ':' && s[type_b + 1] == ':')
        type_b += 2;
    for (;;) {
        uint32_t x = ident_end(s, type_b, end);
        if (x == type_b || word_is(s, type_b, x, "Self") || word_is(s, type_b, x, "self") ||
            word_is(s, type_b, x, "super") || word_is(s, type_b, x, "crate") || word_is(s, type_b, x, "dyn") ||
            word_is(s, type_b, x, "impl") || word_is(s, type_b, x, "fn") || word_is(s, type_b, x, "unsafe") ||
            word_is(s, type_b, x, "extern"))
            return 0;
        segs++;
        type_b = x;
        if (end - type_b > 2 && s[type_b] == ':' && s[type_b + 1] == ':')
            type_b += 2;
        else
            break;
    }
    i = skip_space(s, type_b, end);
    if (i >= end || s[i] != '=' || (i + 1 < end && s[i + 1] == '='))
        return 0;
    uint32_t value_a = skip_space(s, i + 1, end);
    if (value_a >= end - 1)
        return 0;
    for (uint32_t k = value_a; k < end - 1; k++)
        if (s[k] == '(' || s[k] == '{' || s[k] == ';')
            return 0; /* a call or a block may hide in it: the tree's walk */
    out->vis_end = vis_end;
    out->name_a = name_a;
    out->name_b = name_b;
    out->type_a = type_a;
    out->type_b = type_b;
    out->segs = segs;
    out->value_a = value_a;
    return 1;
}

/* Whether s[a..b) is one of Rust's keywords or reserved words, or a word
 * this grammar treats specially (union, default, gen, raw, macro_rules). */
static int keyword(const char *s, uint32_t a, uint32_t b)
{
    static const char kw[][12] = { /* in place: pointers would be relocated at start-up */
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
        "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
        "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try", "union", "default", "gen", "raw", "macro_rules",
    };
    if (b - a < 2 || b - a > 11)
        return 0;
    for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
        if (word_is(s, a, b, kw[k]))
            return 1;
    return 0;
}

/* Rust's primitive types, the numeric ones first: those are also the
 * suffixes a number literal may carry. */
static const char primitive[][6] = {"u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "u128", "i128",
                                        "isize", "usize", "f32", "f64", "bool", "str", "char"};
enum { NUMERIC = 14 };

int gr_primitive_type(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof primitive / sizeof primitive[0]; k++)
        if (strlen(primitive[k]) == len && !memcmp(s, primitive[k], len))
            return 1;
    return 0;
}

/* The end of the number literal at s[k] (a digit) as the grammar lexes
 * one: decimal, with a fraction and an exponent, or 0x/0o/0b digits, and
 * an optional type suffix.  0 for any other form (`1.max`, `1.`, `1e`,
 * a suffix the grammar does not know), which the scan leaves alone. */
static uint32_t number_end(const char *s, uint32_t k, uint32_t b)
{
    const char *digits = "0123456789_";
    int decimal = 1;
    if (b - k > 2 && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'o' || s[k + 1] == 'b')) {
        digits = s[k + 1] == 'x' ? "0123456789abcdefABCDEF_" : s[k + 1] == 'o' ? "01234567_" : "01_";
        decimal = 0;
        k += 2;
    }
    uint32_t start = k;
    while (k < b && s[k] && strchr(digits, s[k]))
        k++;
    if (k == start)
        return 0;
    if (decimal) { /* a fraction, an exponent */
        if (k < b && s[k] == '.') {
            if (k + 1 >= b || s[k + 1] < '0' || s[k + 1] > '9')
                return 0;
            for (k++; k < b && ((s[k] >= '0' && s[k] <= '9') || s[k] == '_'); k++)
                ;
        }
        if (k < b && (s[k] == 'e' || s[k] == 'E')) {
            k++;
            if (k < b && (s[k] == '+' || s[k] == '-'))
                k++;
            if (k >= b || s[k] < '0' || s[k] > '9')
                return 0;
            while (k < b && ((s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
                k++;
        }
    }
    uint32_t w = ident_end(s, k, b);
    if (w == k)
        return k;
    for (size_t i = 0; i < NUMERIC; i++)
        if (word_is(s, k, w, primitive[i]))
            return w;
    return 0;
}

/* A path at s[k], [::]name(::name)*, as an operand (type 0) or as the
 * type of an `as` cast (type 1).  Of the keywords, only `Self`, `self`,
 * `super` and `crate` may start one, `super` and `crate` only with more
 * after them, `self` alone only as an operand; `true` and `false` are
 * operands on their own.  Its end, or 0. */
static uint32_t path_end(const char *s, uint32_t k, uint32_t b, int type)
{
    int first = 1;
    if (b - k > 2 && s[k] == ':' && s[k + 1] == ':')
        k += 2, first = 0;
    for (;;) {
        uint32_t w = ident_end(s, k, b);
        if (w == k)
            return 0;
        int more = b - w > 2 && s[w] == ':' && s[w + 1] == ':';
        if (keyword(s, k, w) &&
            !(first && (word_is(s, k, w, "Self") || (word_is(s, k, w, "self") && (more || !type)) ||
                        ((word_is(s, k, w, "super") || word_is(s, k, w, "crate")) && more) ||
                        (!type && !more && (word_is(s, k, w, "true") || word_is(s, k, w, "false"))))))
            return 0;
        if (!more)
            return w;
        k = w + 2;
        first = 0;
    }
}

/* Whether s[a..b) - a constant's value - is an expression the grammar
 * surely takes whole, and takes as this scan does: operands (numbers,
 * paths, field accesses, `as` casts to a path) between binary operators,
 * each with any number of prefix '-' and '!'.  Anything else (a bracket,
 * a literal, a lone '<' that might open generics, a trailing operator)
 * the scan leaves to the parser. */
static int simple_value(const char *s, uint32_t a, uint32_t b)
{
    static const char *const binop[] = {"<<", ">>", "==", "!=", "<=", ">=", "&&", "||",
                                        "+", "-", "*", "/", "%", "&", "|", "^"};
    uint32_t k = a;
    for (;;) {
        /* an operand, after its prefix operators */
        for (k = skip_space(s, k, b); k < b && (s[k] == '-' || s[k] == '!'); k = skip_space(s, k + 1, b))
            ;
        if (k >= b)
            return 0;
        uint32_t e = s[k] >= '0' && s[k] <= '9' ? number_end(s, k, b) : path_end(s, k, b, 0);
        if (!e)
            return 0;
        for (;;) { /* .field and `as Path` after it */
            k = skip_space(s, e, b);
            if (k < b && s[k] == '.' && (k + 1 >= b || s[k + 1] != '.')) {
                uint32_t w = ident_end(s, skip_space(s, k + 1, b), b);
                if (w == skip_space(s, k + 1, b) || keyword(s, skip_space(s, k + 1, b), w))
                    return 0;
                e = w;
                continue;
            }
            uint32_t w = ident_end(s, k, b);
            if (word_is(s, k, w, "as")) {
                uint32_t t = skip_space(s, w, b);
                if (t == w || !(e = path_end(s, t, b, 1)))
                    return 0;
                continue;
            }
            break;
        }
        if (k >= b)
            return 1;
        /* a binary operator, or the end */
        size_t i = 0;
        for (; i < sizeof binop / sizeof binop[0]; i++) {
            size_t n = strlen(binop[i]);
            if (b - k >= n && !memcmp(s + k, binop[i], n))
                break;
        }
        if (i == sizeof binop / sizeof binop[0])
            return 0;
        k += (uint32_t)strlen(binop[i]);
        if (k < b && (s[k] == '=' || s[k] == '<' || s[k] == '>' || s[k] == '&' || s[k] == '|'))
            return 0; /* a compound assignment, `<<=`, `&&&`...: not for the scan */
    }
}

typedef struct scan {
    const char *s;
    uint32_t len, i;
    uint32_t row, line_start; /* of i */
    int bad; /* met what the grammar's lexer rejects (see bad_byte) */
} scan;

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s[k] is the '\' of an escape in a string or character literal: the
 * end of the escape as the grammar's lexer takes it (\xHH, \uHHHH,
 * \u{H...}, or '\' and any one other byte), or 0 where it takes none. */
static uint32_t escape_end(const char *s, uint32_t k, uint32_t len)
{
    if (k + 1 >= len || !s[k + 1])
        return 0;
    if (s[k + 1] == 'x')
        return k + 3 < len && is_hex(s[k + 2]) && is_hex(s[k + 3]) ? k + 4 : 0;
    if (s[k + 1] != 'u')
        return k + 2;
    uint32_t j = k + 2;
    if (j < len && s[j] == '{') {
        for (j++; j < len && is_hex(s[j]); j++)
            ;
        return j > k + 3 && j < len && s[j] == '}' ? j + 1 : 0;
    }
    for (; j < len && j < k + 6 && is_hex(s[j]); j++)
        ;
    return j == k + 6 ? j : 0;
}

/* A byte, outside literals and comments, that no token of the grammar
 * holds: it makes an error even inside a macro's token tree.  Bytes past
 * ASCII count too: most are letters, but telling which would need the
 * Unicode tables, and a macro that holds one is simply parsed. */
static int bad_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') || c == '\\' ||
           c == '`' || c == '~' || c >= 0x7f;
}

/* Moves to byte `to`, counting the lines passed. */
static void advance(scan *z, uint32_t to)
{
    for (uint32_t k = z->i; k < to; k++)
        if (z->s[k] == '\n') {
            z->row++;
            z->line_start = k + 1;
        }
    z->i = to;
}

/* The lexer's pieces, on the text alone: each gives the end of what
 * starts at s[k], or 0. */

/* A block comment, nested ones inside, k at its opening slash. */
static uint32_t block_comment_end(const char *s, uint32_t k, uint32_t len)
{
    uint32_t depth = 1;
    for (k += 2; k + 1 < len;) {
        if (s[k] == '*' && s[k + 1] == '/') {
            k += 2;
            if (!--depth)
                return k;
        } else if (s[k] == '/' && s[k + 1] == '*') {
            k += 2;
            depth++;
        } else {
            k++;
        }
    }
    return 0;
}

/* A string literal, k at its '"'; sets *bad on an escape the grammar's
 * lexer rejects. */
static uint32_t string_end(const char *s, uint32_t k, uint32_t len, int *bad)
{
    for (k++; k < len; k++) {
        if (s[k] == '\\') {
            uint32_t e = escape_end(s, k, len);
            if (e)
                k = e - 1;
            else
                *bad = 1, k++;
        } else if (s[k] == '"') {
            return k + 1;
        }
    }
    return 0;
}

uint32_t gr_raw_string_end(const char *s, uint32_t open, uint32_t len)
{
    uint32_t hashes = 0, k = open;
    while (k < len && s[k] == '#')
        k++, hashes++;
    if (k >= len || s[k] != '"')
        return 0;
    for (k++; k < len; k++) {
        if (s[k] != '"')
            continue;
        uint32_t h = 0;
        while (h < hashes && k + 1 + h < len && s[k + 1 + h] == '#')
            h++;
        if (h == hashes)
            return k + 1 + h;
    }
    return UINT32_MAX;
}

static uint32_t utf8_char_end(const char *s, uint32_t j, uint32_t len);

/* A character literal the grammar's lexer takes, k at its opening quote:
 * one well-formed character or one escape, then the closing quote. */
static uint32_t char_end(const char *s, uint32_t k, uint32_t len)
{
    uint32_t j = k + 1;
    if (j >= len || s[j] == '\'')
        return 0;
    j = s[j] == '\\' ? escape_end(s, j, len) : utf8_char_end(s, j, len);
    return j && j < len && s[j] == '\'' ? j + 1 : 0;
}

/* A region of the given kind starting where the scan is. */
static gr_skimmed region_here(const scan *z, int kind, int adjoins)
{
    gr_skimmed m;
    memset(&m, 0, sizeof m);
    m.a = z->i;
    m.row = z->row;
    m.col = z->i - z->line_start;
    m.adjoins = (uint8_t)adjoins;
    m.kind = (uint8_t)kind;
    return m;
}

/* Moves the scan to `end` and records m as ending there. */
static void region_end(scan *z, gr_skims *out, gr_skimmed *m, uint32_t end)
{
    advance(z, end);
    m->end = end;
    m->end_row = z->row;
    m->end_col = end - z->line_start;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 256;
        out->v = gr_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    out->v[out->n++] = *m;
}

/* Tries the constant that may start at z->i (a `pub` or `const` at the
 * top level, starting a statement); on success records it and moves
 * past it. */
static int try_const(scan *z, gr_skims *out, int adjoins)
{
    /* the ';' that ends it, unless a bracket or a literal comes first (a
     * `pub fn`, a `pub struct`): then it is not one, and the search stops
     * there rather than run on through the item */
    const char *s = z->s;
    uint32_t a = z->i, k = a + 3;
    if (s[a] == 'p') {
        if (k < z->len && s[k] == '(') {
            while (k < z->len && s[k] != ')' && !is_space(s[k]))
                k++;
            if (k >= z->len)
                return 0;
            k++;
        }
        k = skip_space(s, k, z->len);
        if (z->len - k < 6 || memcmp(s + k, "const", 5) || !is_space(s[k + 5]))
            return 0;
    }
    while (k < z->len && s[k] != ';' && s[k] != '{' && s[k] != '(' && s[k] != '"' && s[k] != '\'')
        k++;
    if (k >= z->len || s[k] != ';')
        return 0;
    uint32_t end = k + 1;
    gr_plain_const pc;
    if (!gr_plain_const_parse(s, a, end, &pc) || keyword(s, pc.name_a, pc.name_b) ||
        !simple_value(s, pc.value_a, end - 1))
        return 0;
    if (pc.vis_end > a + 3 && !word_is(s, a, pc.vis_end, "pub(crate)") && !word_is(s, a, pc.vis_end, "pub(self)") &&
        !word_is(s, a, pc.vis_end, "pub(super)"))
        return 0;
    for (uint32_t k = pc.type_a; k < pc.type_b;) {
        uint32_t w = ident_end(s, k, pc.type_b);
        if (keyword(s, k, w))
            return 0;
        k = w == k ? k + 1 : w;
    }
    gr_skimmed m = region_here(z, GR_SKIM_CONST, adjoins);
    m.pc = pc;
    region_end(z, out, &m, end);
    return 1;
}

/* ---- data tables -------------------------------------------------------- */

enum { MIN_DATA = 512, MAX_DATA_NEST = 32 };

/* Past whitespace and comments (k > 0); 0 at a comment that does not end
 * and, when strict, at a doc comment (the grammar gives those structure)
 * or a line comment holding a NUL (its lexer rejects one). */
static uint32_t skip_gap(const char *s, uint32_t k, uint32_t len, int strict)
{
    for (;;) {
        k = skip_space(s, k, len);
        if (k + 1 >= len || s[k] != '/' || (s[k + 1] != '/' && s[k + 1] != '*'))
            return k;
        if (strict && k + 2 < len &&
            (s[k + 2] == '!' || (s[k + 2] == s[k + 1] && !(k + 3 < len && s[k + 3] == s[k + 1]))))
            return 0; /* a doc comment: three slashes, two stars, or a '!' */
        if (s[k + 1] == '/') {
            const char *nl = memchr(s + k, '\n', len - k);
            uint32_t e = nl ? (uint32_t)(nl - s) : len;
            if (strict && memchr(s + k, 0, e - k))
                return 0;
            k = e;
            continue;
        }
        if (!(k = block_comment_end(s, k, len)))
            return 0;
    }
}

/* The end of the one well-formed UTF-8 character at s[j] (no overlong
 * form, no surrogate, nothing past U+10FFFF), or 0.  The grammar's lexer
 * reads a malformed sequence as more than one character, so a character
 * literal holding one is an error. */
static uint32_t utf8_char_end(const char *s, uint32_t j, uint32_t len)
{
    unsigned char c = (unsigned char)s[j];
    if (c < 0x80)
        return c ? j + 1 : 0; /* the grammar's lexer rejects a NUL there */
    uint32_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!n || len - j < n)
        return 0;
    unsigned char lo = 0x80, hi = 0xbf, c1 = (unsigned char)s[j + 1];
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (c1 < lo || c1 > hi)
        return 0;
    for (uint32_t k = 2; k < n; k++)
        if (((unsigned char)s[j + k] & 0xc0) != 0x80)
            return 0;
    return j + n;
}

/* The end of the string, byte string or raw string literal at s[k] (0:
 * none, or one the grammar's lexer would reject). */
static uint32_t literal_end(const char *s, uint32_t k, uint32_t len)
{
    if (s[k] == 'b' && k + 1 < len && (s[k + 1] == '"' || s[k + 1] == '\'' || s[k + 1] == 'r'))
        k++;
    if (s[k] == 'r') {
        uint32_t e = gr_raw_string_end(s, k + 1, len);
        return e == UINT32_MAX ? 0 : e;
    }
    if (s[k] == '\'')
        return char_end(s, k, len);
    int bad = 0;
    uint32_t e = s[k] == '"' ? string_end(s, k, len, &bad) : 0;
    return bad ? 0 : e;
}

static uint32_t data_list(const char *s, uint32_t k, uint32_t len, char close, int nest);

/* One element of a data table, as the grammar surely parses it: a
 * literal, a path, `-` or `&` before an element, a tuple or an array of
 * elements.  No call, no cast, no field, no block.  Its end, or 0. */
static uint32_t data_elem(const char *s, uint32_t k, uint32_t len, int nest)
{
    if (nest > MAX_DATA_NEST || !(k = skip_gap(s, k, len, 1)) || k >= len)
        return 0;
    unsigned char c = (unsigned char)s[k];
    if (c == '-' || c == '&')
        return k + 1 < len && s[k + 1] != c ? data_elem(s, k + 1, len, nest + 1) : 0;
    if (c == '(' || c == '[')
        return data_list(s, k + 1, len, c == '(' ? ')' : ']', nest + 1);
    if (c >= '0' && c <= '9')
        return number_end(s, k, len);
    if (c == '"' || c == '\'')
        return literal_end(s, k, len);
    if (c == 'b' && k + 1 < len && (s[k + 1] == '"' || s[k + 1] == '\''))
        return literal_end(s, k, len);
    uint32_t r = c == 'b' && k + 1 < len && s[k + 1] == 'r' ? k + 1 : k; /* br"..." */
    if (s[r] == 'r' && r + 1 < len && (s[r + 1] == '"' || s[r + 1] == '#'))
        return literal_end(s, k, len);
    return path_end(s, k, len, 0);
}

/* Elements separated by commas (a trailing one allowed) up to `close`:
 * the end past it, or 0. */
static uint32_t data_list(const char *s, uint32_t k, uint32_t len, char close, int nest)
{
    for (;;) {
        if (!(k = skip_gap(s, k, len, 1)) || k >= len)
            return 0;
        if (s[k] == close)
            return k + 1;
        if (!(k = data_elem(s, k, len, nest)) || !(k = skip_gap(s, k, len, 1)) || k >= len)
            return 0;
        if (s[k] == ',')
            k++;
        else if (s[k] != close)
            return 0;
    }
}

/* `[pub[(...)]] const|static [mut] NAME: TYPE = [&]{[ ... ]};` at s[a], the
 * keyword at s[kw]: when the array's elements are data (data_elem) with
 * no mark (gr_next_mark) among them, and it is long enough to be worth
 * it, records the inside of its brackets as a region the parser need not
 * read (`[]` gives the same graph: nothing in the value is walked) and
 * moves past the item. */
static int try_data(scan *z, gr_skims *out, uint32_t kw)
{
    const char *s = z->s;
    uint32_t len = z->len, k = ident_end(s, kw, len);
    k = skip_space(s, k, len);
    uint32_t w = ident_end(s, k, len);
    if (word_is(s, k, w, "mut"))
        k = skip_space(s, w, len), w = ident_end(s, k, len);
    if (w == k || (keyword(s, k, w) && !word_is(s, k, w, "_")))
        return 0;
    k = skip_space(s, w, len);
    if (k >= len || s[k] != ':' || (k + 1 < len && s[k + 1] == ':'))
        return 0;
    /* the type, up to the '=' outside every bracket */
    long nest = 0;
    for (k++; k < len; k++) {
        char c = s[k];
        if (c == '(' || c == '[' || c == '<')
            nest++;
        else if (c == ')' || c == ']' || (c == '>' && s[k - 1] != '-'))
            nest--;
        else if (c == '=' && !nest)
            break;
        else if (c == '{' || c == '}' || c == '"' || c == '/' || (c == ';' && !nest))
            return 0;
        if (nest < 0)
            return 0;
    }
    if (k + 1 >= len || s[k + 1] == '=' || s[k + 1] == '>')
        return 0;
    k = skip_space(s, k + 1, len);
    if (k < len && s[k] == '&')
        k = skip_space(s, k + 1, len);
    if (k >= len || s[k] != '[')
        return 0;
    uint32_t open = k, close = data_list(s, k + 1, len, ']', 0);
    if (!close || close - open < MIN_DATA)
        return 0;
    close--; /* the ']' */
    uint32_t end = skip_space(s, close + 1, len);
    if (end >= len || s[end] != ';' || gr_next_mark(s, open + 1, close) < close)
        return 0;
    advance(z, open + 1);
    gr_skimmed m = region_here(z, GR_SKIM_DATA, 0);
    region_end(z, out, &m, close);
    advance(z, end + 1);
    return 1;
}

/* `name!{...}`, `name!(...);`, `a::b![...];` starting at s[i] (not
 * macro_rules!, whose name follows the '!'): the offset of its opening
 * bracket, or 0. */
static uint32_t macro_open(const char *s, uint32_t i, uint32_t len)
{
    for (;;) {
        uint32_t j = ident_end(s, i, len);
        if (j == i || keyword(s, i, j) || gr_primitive_type(s + i, j - i))
            return 0; /* `fn!{}`, `u8!{}`, `self::m!{}`: the parser is to judge */
        if (j + 2 < len && s[j] == ':' && s[j + 1] == ':') {
            i = j + 2;
            continue;
        }
        j = skip_space(s, j, len);
        if (j >= len || s[j] != '!')
            return 0;
        j = skip_space(s, j + 1, len);
        return j < len && (s[j] == '(' || s[j] == '[' || s[j] == '{') ? j : 0;
    }
}

enum { MAX_NEST = 256 };

/* Whether s[a..b) is a word that can start an item (after its
 * attributes): a statement that starts with anything else is an
 * expression, or a macro. */
static int item_start(const char *s, uint32_t a, uint32_t b)
{
    static const char *const w[] = {"pub", "fn", "struct", "enum", "union", "trait", "impl", "mod", "use",
                                    "extern", "const", "static", "type", "unsafe", "async", "macro_rules",
                                    "default", "auto"};
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if (word_is(s, a, b, w[k]))
            return 1;
    return 0;
}

/* Whether what follows a macro's closing '}' at s[k] leaves it a
 * statement of its own: the end, ';', an attribute or a name other than
 * `as`.  After `m!{}.f()`, `m!{}? `, `m!{} + 1` it is the start of an
 * expression, and without it what remains would not parse the same. */
static int ends_statement(const char *s, uint32_t k, uint32_t len)
{
    if (!(k = skip_gap(s, k, len, 0)))
        return 0;
    if (k >= len || s[k] == ';' || s[k] == '#')
        return 1;
    uint32_t w = ident_end(s, k, len);
    return w > k && !word_is(s, k, w, "as");
}

size_t gr_skim(const char *src, size_t len, gr_skims *out)
{
    out->n = 0;
    if (len >= UINT32_MAX / 2)
        return 0;
    scan z = {src, (uint32_t)len, 0, 0, 0, 0};
    const char *s = src;
    char open[MAX_NEST]; /* the brackets the scan is inside */
    size_t depth = 0;
    /* stmt: at the top level, where a statement starts (after ';', after
     * the '}' of an item's body, at the start); adjoins: nothing but
     * whitespace since the last region taken */
    int stmt = 1, adjoins = 0;
    /* prev: the last token's kind ('a' a name or number, '"' a literal,
     * else the punctuation byte); init: inside a top-level `= ...;`;
     * expr: in a top-level statement that does not start like an item
     * (an expression, which the grammar takes there too, or a macro the
     * scan did not take); item_brace: the open top-level '{' is an item's
     * body (it follows a name, ')', '>', ']' or a literal, in an item,
     * outside an initialiser), not a block in an expression */
    int prev = ';', init = 0, expr = 0, item_brace = 0;
    gr_skimmed mac; /* the top-level macro invocation being skipped */
    int in_macro = 0;
    if (z.len >= 2 && s[0] == '#' && s[1] == '!') {
        /* a shebang line (`#!` not opening an inner attribute): opaque */
        uint32_t k = 2;
        while (k < z.len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\f' || s[k] == '\v'))
            k++;
        if (k >= z.len || s[k] != '[') {
            const char *nl = memchr(s, '\n', z.len);
            z.i = nl ? (uint32_t)(nl - s) : z.len;
            stmt = 0;
        }
    }
    while (z.i < z.len) {
        uint32_t i = z.i;
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            z.row++;
            z.line_start = ++z.i;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            z.i++;
            continue;
        }
        if (c == '/' && i + 1 < z.len && (s[i + 1] == '/' || s[i + 1] == '*')) {
            adjoins = 0;
            if (s[i + 1] == '/') {
                const char *nl = memchr(s + i, '\n', z.len - i);
                z.i = nl ? (uint32_t)(nl - s) : z.len;
                if (memchr(s + i, 0, z.i - i))
                    z.bad = 1; /* the grammar's lexer rejects a NUL there */
            } else {
                uint32_t e = block_comment_end(s, i, z.len);
                if (!e)
                    goto unbalanced;
                advance(&z, e);
            }
            continue;
        }
        if (ascii_ident(c) || c >= 0x80) {
            uint32_t j = i;
            while (j < z.len && (ascii_ident((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80))
                j++;
            if (stmt && depth == 0) {
                expr = !item_start(s, i, j);
                if ((word_is(s, i, j, "pub") || word_is(s, i, j, "const")) && try_const(&z, out, adjoins)) {
                    adjoins = 1;
                    continue; /* still at a statement's start */
                }
                uint32_t br = macro_open(s, i, z.len);
                if (br) {
                    mac = region_here(&z, GR_SKIM_MACRO, adjoins);
                    in_macro = 1;
                    z.bad = 0;
                    advance(&z, br); /* on to its bracket */
                    stmt = adjoins = 0;
                    prev = '!';
                    continue;
                }
            }
            if (!in_macro && (word_is(s, i, j, "const") || word_is(s, i, j, "static")) &&
                (i == 0 || is_space(s[i - 1]) || s[i - 1] == '{' || s[i - 1] == ';' || s[i - 1] == '}' ||
                 s[i - 1] == ']') &&
                try_data(&z, out, i)) {
                stmt = depth == 0;
                adjoins = init = 0;
                prev = ';';
                continue;
            }
            stmt = adjoins = 0;
            prev = 'a';
            for (uint32_t k = i; k < j && !z.bad; k++)
                z.bad = (unsigned char)s[k] >= 0x80;
            if ((word_is(s, i, j, "r") || word_is(s, i, j, "br") || word_is(s, i, j, "cr")) && j < z.len &&
                (s[j] == '"' || s[j] == '#')) {
                uint32_t e = gr_raw_string_end(s, j, z.len);
                if (e == UINT32_MAX)
                    goto unbalanced;
                if (e) {
                    advance(&z, e);
                    prev = '"';
                    continue;
                }
            }
            z.i = j;
            continue;
        }
        if (stmt && depth == 0 && c != '#' && c != ';')
            expr = 1;
        stmt = adjoins = 0;
        if (c == '"') {
            uint32_t e = string_end(s, i, z.len, &z.bad);
            if (!e)
                goto unbalanced;
            advance(&z, e);
            prev = '"';
            continue;
        }
        if (c == '\'') {
            /* a character literal ('x', '\n', '\u{..}') or a lifetime */
            prev = '"';
            uint32_t e = char_end(s, i, z.len);
            if (e) {
                advance(&z, e); /* the character may be a line break */
                continue;
            }
            if (i + 2 < z.len && s[i + 1] == '\\') {
                /* an escape the grammar's lexer rejects: to its quote */
                uint32_t k = i + 3;
                while (k < z.len && s[k] != '\'' && s[k] != '\n')
                    k++;
                if (k >= z.len || s[k] != '\'')
                    goto unbalanced;
                z.bad = 1;
                advance(&z, k + 1);
                continue;
            }
            /* a lifetime; or what the parser is to judge: '' or a
             * character that is not ASCII or not well-formed */
            if (i + 1 < z.len && (s[i + 1] == '\'' || (unsigned char)s[i + 1] >= 0x80))
                z.bad = 1;
            z.i = i + 1;
            continue;
        }
        z.i++;
        int was = prev;
        prev = c;
        switch (c) {
        case '(': case '[': case '{':
            if (depth == MAX_NEST)
                goto unbalanced;
            if (depth == 0 && c == '{')
                item_brace = !init && !expr && (was == 'a' || was == ')' || was == '>' || was == ']' || was == '"');
            open[depth++] = (char)c;
            break;
        case ')': case ']': case '}':
            if (!depth || open[--depth] != (c == ')' ? '(' : c == ']' ? '[' : '{'))
                goto unbalanced;
            if (depth)
                break;
            stmt = c == '}' && item_brace;
            if (in_macro) {
                /* name!{...} stands alone, name!(...) and name![...] end
                 * with their ';' here */
                uint32_t end = z.i;
                in_macro = 0;
                if (z.bad)
                    break; /* the parser is to see, and report, what it rejects */
                if (c != '}') {
                    end = skip_space(s, end, z.len);
                    if (end >= z.len || s[end] != ';')
                        break;
                    end++;
                } else if (!ends_statement(s, end, z.len)) {
                    stmt = 0;
                    break;
                }
                region_end(&z, out, &mac, end);
                stmt = adjoins = 1;
                prev = ';';
            }
            break;
        case ';':
            if (depth == 0)
                stmt = 1, init = expr = 0;
            break;
        case '=':
            if (depth == 0 && (i == 0 || (s[i - 1] && !strchr("=!<>", s[i - 1]))) &&
                (z.i >= z.len || (s[z.i] != '=' && s[z.i] != '>')))
                init = 1;
            break;
        default:
            z.bad |= bad_byte(c);
            break;
        }
    }
    if (depth)
        goto unbalanced;
    /* A region that ends the text with no whitespace before it makes
     * tree-sitter 0.20.7 stretch the last token before it to the end:
     * such a last region is left to the parser. */
    if (out->n && out->v[out->n - 1].end >= z.len && out->v[out->n - 1].a > 0 &&
        !is_space(s[out->v[out->n - 1].a - 1]))
        out->n--;
    return out->n;
unbalanced:
    out->n = 0;
    return 0;
}

size_t gr_skim_ranges(const gr_skims *sk, TSRange **ranges, size_t *cap)
{
    size_t n = 0;
    TSRange open = {{0, 0}, {0, 0}, 0, 0};
    for (size_t k = 0; k <= sk->n; k++) {
        const gr_skimmed *m = k < sk->n ? &sk->v[k] : NULL;
        if (m && m->adjoins && k > 0) {
            /* the run goes on: one hole from its first region to here */
            open.start_point = (TSPoint){m->end_row, m->end_col};
            open.start_byte = m->end;
            continue;
        }
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *ranges = gr_xrealloc(*ranges, *cap * sizeof **ranges);
        }
        if (!m) {
            /* the last range runs to the end, as tree-sitter's default does */
            open.end_point = (TSPoint){UINT32_MAX, UINT32_MAX};
            open.end_byte = UINT32_MAX;
            (*ranges)[n++] = open;
            break;
        }
        open.end_point = (TSPoint){m->row, m->col};
        open.end_byte = m->a;
        if (open.end_byte > open.start_byte)
            (*ranges)[n++] = open;
        open.start_point = (TSPoint){m->end_row, m->end_col};
        open.start_byte = m->end;
    }
    return n;
}

void gr_skims_free(gr_skims *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
