/*
 * js_lexer.c - the on-demand tokenizer (see js_lexer.h).
 *
 * A token is scanned only when the parser asks, in the mode the parser
 * names, so nothing here guesses at context.  Names and strings written
 * without escapes point into the source; only escaped ones are decoded
 * into the arena.  Non-ASCII identifier characters are Unicode's ID_Start
 * and ID_Continue (js_unicode_id.h, generated from node's tables).
 */
#include "js_lexer.h"
#include "js_unicode_id.h"
#include "cp_ranges.h"
#include "hex_digit.h"
#include "utf8_put.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Held in place, not pointed to: pointers in a PIE are relocated at every
 * start of the sluice binary.  "constructor" is the longest. */
static const char kw_names[K_COUNT][12] = {
    [K_BREAK] = "break", [K_CASE] = "case", [K_CATCH] = "catch", [K_CLASS] = "class",
    [K_CONST] = "const", [K_CONTINUE] = "continue", [K_DEBUGGER] = "debugger",
    [K_DEFAULT] = "default", [K_DELETE] = "delete", [K_DO] = "do", [K_ELSE] = "else",
    [K_ENUM] = "enum", [K_EXPORT] = "export", [K_EXTENDS] = "extends", [K_FALSE] = "false",
    [K_FINALLY] = "finally", [K_FOR] = "for", [K_FUNCTION] = "function", [K_IF] = "if",
    [K_IMPORT] = "import", [K_IN] = "in", [K_INSTANCEOF] = "instanceof", [K_NEW] = "new",
    [K_NULL] = "null", [K_RETURN] = "return", [K_SUPER] = "super", [K_SWITCH] = "switch",
    [K_THIS] = "this", [K_THROW] = "throw", [K_TRUE] = "true", [K_TRY] = "try",
    [K_TYPEOF] = "typeof", [K_VAR] = "var", [K_VOID] = "void", [K_WHILE] = "while",
    [K_WITH] = "with", [K_AS] = "as", [K_ASYNC] = "async", [K_AWAIT] = "await",
    [K_FROM] = "from", [K_GET] = "get", [K_LET] = "let", [K_OF] = "of", [K_SET] = "set",
    [K_STATIC] = "static", [K_YIELD] = "yield", [K_TARGET] = "target", [K_META] = "meta",
    [K_USING] = "using", [K_ACCESSOR] = "accessor", [K_ABSTRACT] = "abstract",
    [K_DECLARE] = "declare", [K_TYPE] = "type", [K_INTERFACE] = "interface",
    [K_NAMESPACE] = "namespace", [K_MODULE] = "module", [K_PUBLIC] = "public",
    [K_PRIVATE] = "private", [K_PROTECTED] = "protected", [K_READONLY] = "readonly",
    [K_OVERRIDE] = "override", [K_IMPLEMENTS] = "implements", [K_SATISFIES] = "satisfies",
    [K_KEYOF] = "keyof", [K_INFER] = "infer", [K_IS] = "is", [K_ASSERTS] = "asserts",
    [K_UNIQUE] = "unique", [K_GLOBAL] = "global", [K_REQUIRE] = "require", [K_OUT] = "out",
    [K_CONSTRUCTOR] = "constructor", [K_UNDEFINED] = "undefined", [K_NEVER] = "never",
    [K_UNKNOWN] = "unknown", [K_ANY] = "any",
};

/* Open-addressed table from (first letter, length, last letter) to keyword. */
#define KW_SLOTS 512
static uint8_t kw_table[KW_SLOTS];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static unsigned kw_hash(const char *s, size_t n)
{
    return ((unsigned)(unsigned char)s[0] * 31u + (unsigned)n * 7u + (unsigned char)s[n - 1] * 131u) &
           (KW_SLOTS - 1);
}

static void kw_init(void)
{
    for (int k = 1; k < K_COUNT; k++) {
        const char *s = kw_names[k];
        unsigned h = kw_hash(s, strlen(s));
        while (kw_table[h])
            h = (h + 1) & (KW_SLOTS - 1);
        kw_table[h] = (uint8_t)k;
    }
}

int sl__js_keyword_id(const char *s, size_t n)
{
    if (n < 2 || n > 11 || s[0] < 'a' || s[0] > 'y')
        return K_NONE;
    pthread_once(&kw_once, kw_init);
    for (unsigned h = kw_hash(s, n);; h = (h + 1) & (KW_SLOTS - 1)) {
        int k = kw_table[h];
        if (!k)
            return K_NONE;
        if (!strncmp(kw_names[k], s, n) && kw_names[k][n] == 0)
            return k;
    }
}

_Noreturn void sl__js_lex_fail(js_lexer *L, uint32_t pos, const char *msg)
{
    L->err_pos = pos;
    L->err_msg = msg;
    longjmp(*L->fail, 1);
}

int sl__js_utf8_put(char *buf, uint32_t cp)
{
    return (int)sl_utf8_put(buf, cp);
}

int sl__js_utf8_get(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (n < 2) {
        *cp = 0xFFFD;
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
        return 2;
    }
    if ((u[0] & 0xF0) == 0xE0 && n >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        return 3;
    }
    if ((u[0] & 0xF8) == 0xF0 && n >= 4 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
        (u[3] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
              ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD; /* not UTF-8: one byte, read as a replacement character */
    return 1;
}

static int is_space_cp(uint32_t cp)
{
    return cp == 0xA0 || cp == 0xFEFF || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* ECMA-262 IdentifierStartChar: ID_Start, `$`, `_` (Unicode 17.0's tables,
 * node 20.20's: every identifier node runs is taken; esbuild 0.28 reads
 * 15.1); surrogates and U+FFFD, which stands for bytes that are not UTF-8,
 * are in neither table. */
int sl__js_id_start(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_' || cp == '$';
    return sl_cp_in_ranges(js_id_start_ranges, sizeof js_id_start_ranges / sizeof *js_id_start_ranges, cp);
}

/* IdentifierPartChar: ID_Continue, `$`, ZWNJ, ZWJ. */
int sl__js_id_part(uint32_t cp)
{
    if (cp < 0x80)
        return sl__js_id_start(cp) || (cp >= '0' && cp <= '9');
    return cp == 0x200C || cp == 0x200D ||
           sl_cp_in_ranges(js_id_continue_ranges, sizeof js_id_continue_ranges / sizeof *js_id_continue_ranges, cp);
}

void sl__js_lex_init(js_lexer *L, const char *src, size_t len, js_arena *a, jmp_buf *fail)
{
    memset(L, 0, sizeof *L);
    L->src = src;
    L->len = (uint32_t)len;
    L->arena = a;
    L->fail = fail;
    if (len >= 2 && src[0] == '#' && src[1] == '!') /* hashbang: the parser keeps the line */
        while (L->pos < L->len && src[L->pos] != '\n' && src[L->pos] != '\r')
            L->pos++;
}

static uint32_t peek_cp(js_lexer *L, uint32_t at, int *w)
{
    uint32_t cp;
    *w = sl__js_utf8_get(L->src + at, L->len - at, &cp);
    return cp;
}

static void note_comment(js_lexer *L, uint32_t s, uint32_t e)
{
    const char *c = L->src;
    for (uint32_t i = s; i + 9 <= e; i++)
        if ((c[i] == '@' || c[i] == '#') && !memcmp(c + i + 1, "__PURE__", 8)) {
            L->pure = 1;
            return;
        }
}

/* `<!--` anywhere, or `-->` with nothing but white space and comments
 * before it on its line (or in the file): Annex B.1.1's HTML-like
 * comments, which run to the end of the line. */
static int html_comment_at(const js_lexer *L)
{
    const char *s = L->src + L->pos;
    uint32_t left = L->len - L->pos;
    if (s[0] == '<')
        return left >= 4 && s[1] == '!' && s[2] == '-' && s[3] == '-';
    return s[0] == '-' && left >= 3 && s[1] == '-' && s[2] == '>' && (L->nl_before || L->prev_end == 0);
}

/* White space and comments before a token; notes line breaks and @__PURE__. */
static void skip_space(js_lexer *L)
{
    const char *s = L->src;
    while (L->pos < L->len) {
        unsigned char c = (unsigned char)s[L->pos];
        if (c == '\n' || c == '\r') {
            L->nl_before = 1;
            L->pos++;
        } else if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
            L->pos++;
        } else if ((c == '/' && L->pos + 1 < L->len && s[L->pos + 1] == '/') ||
                   ((c == '<' || c == '-') && html_comment_at(L))) {
            uint32_t st = L->pos;
            if (c != '/') {
                js_html_comment *h = sl__js_alloc(L->arena, sizeof *h);
                *h = (js_html_comment){st, L->html};
                L->html = h;
            }
            while (L->pos < L->len && s[L->pos] != '\n' && s[L->pos] != '\r')
                L->pos++;
            note_comment(L, st, L->pos);
        } else if (c == '/' && L->pos + 1 < L->len && s[L->pos + 1] == '*') {
            uint32_t st = L->pos;
            const char *e = memmem(s + L->pos + 2, L->len - L->pos - 2, "*/", 2);
            if (!e)
                sl__js_lex_fail(L, st, "unterminated comment");
            L->pos = (uint32_t)(e - s) + 2;
            if (memchr(s + st, '\n', L->pos - st) || memchr(s + st, '\r', L->pos - st))
                L->nl_before = 1;
            note_comment(L, st, L->pos);
        } else if (c >= 0x80) {
            int w;
            uint32_t cp = peek_cp(L, L->pos, &w);
            if (cp == 0x2028 || cp == 0x2029)
                L->nl_before = 1;
            else if (!is_space_cp(cp))
                break;
            L->pos += (uint32_t)w;
        } else {
            break;
        }
    }
}

/* \uXXXX or \u{X...} at L->src[*at] == 'u'; returns the code point. */
static uint32_t read_unicode_escape(js_lexer *L, uint32_t *at)
{
    uint32_t p = *at + 1, cp = 0;
    if (p < L->len && L->src[p] == '{') {
        p++;
        int digits = 0;
        while (p < L->len && sl_hex_digit((unsigned char)L->src[p]) >= 0) {
            cp = cp * 16 + (uint32_t)sl_hex_digit((unsigned char)L->src[p++]);
            if (cp > 0x10FFFF)
                sl__js_lex_fail(L, *at, "code point out of range");
            digits++;
        }
        if (!digits || p >= L->len || L->src[p] != '}')
            sl__js_lex_fail(L, *at, "bad unicode escape");
        p++;
    } else {
        for (int i = 0; i < 4; i++, p++) {
            int h = p < L->len ? sl_hex_digit((unsigned char)L->src[p]) : -1;
            if (h < 0)
                sl__js_lex_fail(L, *at, "bad unicode escape");
            cp = cp * 16 + (uint32_t)h;
        }
    }
    *at = p;
    return cp;
}

/* An identifier from L->pos; escapes make a decoded copy. */
static void scan_name(js_lexer *L, uint32_t start)
{
    const char *s = L->src;
    uint32_t p = start;
    int escaped = 0;
    for (;;) {
        if (p >= L->len)
            break;
        unsigned char c = (unsigned char)s[p];
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$')
                p++;
            else if (c == '\\') { /* skip the whole escape: \u{...} holds `{`, which ends no name */
                escaped = 1, p++;
                if (p < L->len && s[p] == 'u' && p + 1 < L->len && s[p + 1] == '{') {
                    while (p < L->len && s[p] != '}')
                        p++;
                    p += p < L->len;
                }
            } else
                break;
        } else {
            int w;
            uint32_t cp = peek_cp(L, p, &w);
            if (!sl__js_id_part(cp))
                break;
            p += (uint32_t)w;
        }
    }
    L->pos = p;
    L->escaped = (uint8_t)escaped;
    if (!escaped) {
        L->name = s + start;
        L->name_len = p - start;
        return;
    }
    char *out = sl__js_alloc(L->arena, (p - start) * 2 + 8), *o = out;
    for (uint32_t q = start; q < p;) {
        if (s[q] == '\\') {
            q++;
            if (q >= p || s[q] != 'u')
                sl__js_lex_fail(L, q, "bad escape in identifier");
            uint32_t cp = read_unicode_escape(L, &q);
            if (!(o == out ? sl__js_id_start(cp) : sl__js_id_part(cp)) || cp == '\\')
                sl__js_lex_fail(L, start, "escape is not an identifier character");
            o += sl__js_utf8_put(o, cp);
        } else {
            *o++ = s[q++];
        }
    }
    L->name = out;
    L->name_len = (uint32_t)(o - out);
}

static int is_digit_of(int c, int base)
{
    int v = sl_hex_digit(c);
    return v >= 0 && v < base;
}

/* Digits of one base with `_` separators (each between two digits). */
static uint32_t scan_digits(js_lexer *L, uint32_t p, int base)
{
    const char *s = L->src;
    while (p < L->len) {
        if (is_digit_of((unsigned char)s[p], base))
            p++;
        else if (s[p] == '_' && p > 0 && is_digit_of((unsigned char)s[p - 1], base) && p + 1 < L->len &&
                 is_digit_of((unsigned char)s[p + 1], base))
            p++;
        else
            break;
    }
    return p;
}

static void number_end_check(js_lexer *L)
{
    if (L->pos < L->len) {
        int w;
        uint32_t cp = peek_cp(L, L->pos, &w);
        if (sl__js_id_start(cp) || (cp >= '0' && cp <= '9') || cp == '\\')
            sl__js_lex_fail(L, L->pos, "identifier starts immediately after a number");
    }
}

static void scan_number(js_lexer *L)
{
    const char *s = L->src;
    uint32_t st = L->start, p = st;
    L->legacy_octal = 0;
    int base = 10;
    if (s[p] == '0' && p + 1 < L->len) {
        char c = (char)(s[p + 1] | 0x20);
        base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 10;
    }
    if (base != 10) {
        uint32_t d = p + 2, e = scan_digits(L, d, base);
        if (e == d)
            sl__js_lex_fail(L, st, "missing digits in number");
        double v = 0;
        for (uint32_t i = d; i < e; i++)
            if (s[i] != '_')
                v = v * base + sl_hex_digit((unsigned char)s[i]);
        L->pos = e;
        if (e < L->len && s[e] == 'n') {
            L->tok = TK_BIGINT;
            L->name = s + st;
            L->name_len = e - st;
            L->pos = e + 1;
        } else {
            L->tok = TK_NUM;
            L->num = v;
        }
        number_end_check(L);
        return;
    }
    /* legacy octal 017 (and 08/09, decimal) */
    if (s[p] == '0' && p + 1 < L->len && s[p + 1] >= '0' && s[p + 1] <= '9') {
        uint32_t e = p + 1;
        int octal = 1;
        while (e < L->len && s[e] >= '0' && s[e] <= '9') {
            if (s[e] >= '8')
                octal = 0;
            e++;
        }
        L->legacy_octal = 1;
        if (octal) {
            double v = 0;
            for (uint32_t i = p + 1; i < e; i++)
                v = v * 8 + (s[i] - '0');
            L->tok = TK_NUM;
            L->num = v;
            L->pos = e;
            number_end_check(L);
            return;
        }
    }
    uint32_t e = scan_digits(L, p, 10);
    int is_int = 1;
    if (e < L->len && s[e] == '.') {
        is_int = 0;
        e = scan_digits(L, e + 1, 10);
    }
    if (e < L->len && (s[e] | 0x20) == 'e') {
        uint32_t q = e + 1;
        if (q < L->len && (s[q] == '+' || s[q] == '-'))
            q++;
        uint32_t f = scan_digits(L, q, 10);
        if (f == q)
            sl__js_lex_fail(L, e, "missing exponent");
        e = f;
        is_int = 0;
    }
    if (is_int && e < L->len && s[e] == 'n' && !L->legacy_octal) {
        L->tok = TK_BIGINT;
        L->name = s + st;
        L->name_len = e - st;
        L->pos = e + 1;
        number_end_check(L);
        return;
    }
    char buf[64], *b = buf;
    if (e - st >= sizeof buf)
        b = sl__js_alloc(L->arena, e - st + 1);
    size_t k = 0;
    for (uint32_t i = st; i < e; i++)
        if (s[i] != '_')
            b[k++] = s[i];
    b[k] = 0;
    L->tok = TK_NUM;
    L->num = strtod(b, NULL);
    L->pos = e;
    number_end_check(L);
}

/* A quoted string; decoded into the arena only when it has escapes. */
static void scan_string(js_lexer *L)
{
    const char *s = L->src;
    char q = s[L->start];
    uint32_t p = L->start + 1;
    int esc = 0;
    L->legacy_octal = 0;
    while (p < L->len && s[p] != q) {
        if (s[p] == '\\')
            /* `\` CR LF is one LineContinuation: step over the LF too */
            esc = 1, p += p + 2 < L->len && s[p + 1] == '\r' && s[p + 2] == '\n' ? 3 : 2;
        else if (s[p] == '\n' || s[p] == '\r')
            sl__js_lex_fail(L, L->start, "unterminated string");
        else
            p++;
    }
    if (p >= L->len)
        sl__js_lex_fail(L, L->start, "unterminated string");
    L->pos = p + 1;
    L->tok = TK_STR;
    if (!esc) {
        L->str = s + L->start + 1;
        L->str_len = p - L->start - 1;
        return;
    }
    char *out = sl__js_alloc(L->arena, p - L->start + 4), *o = out;
    for (uint32_t i = L->start + 1; i < p;) {
        if (s[i] != '\\') {
            *o++ = s[i++];
            continue;
        }
        i++;
        char c = s[i];
        switch (c) {
        case 'n': *o++ = '\n'; i++; break;
        case 't': *o++ = '\t'; i++; break;
        case 'r': *o++ = '\r'; i++; break;
        case 'b': *o++ = '\b'; i++; break;
        case 'f': *o++ = '\f'; i++; break;
        case 'v': *o++ = '\v'; i++; break;
        case '\r': i++; if (i < p && s[i] == '\n') i++; break;
        case '\n': i++; break;
        case 'x': {
            int h1 = i + 1 < p ? sl_hex_digit((unsigned char)s[i + 1]) : -1, h2 = i + 2 < p ? sl_hex_digit((unsigned char)s[i + 2]) : -1;
            if (h1 < 0 || h2 < 0)
                sl__js_lex_fail(L, i - 1, "bad hexadecimal escape");
            o += sl__js_utf8_put(o, (uint32_t)(h1 * 16 + h2));
            i += 3;
            break;
        }
        case 'u': {
            uint32_t cp = read_unicode_escape(L, &i);
            /* a surrogate pair written as two escapes is one code point */
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < p && s[i] == '\\' && s[i + 1] == 'u') {
                uint32_t j = i + 1, lo = read_unicode_escape(L, &j);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i = j;
                }
            }
            o += sl__js_utf8_put(o, cp);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                uint32_t v = 0, j = i;
                int max = c <= '3' ? 3 : 2;
                while (j < p && j - i < (uint32_t)max && s[j] >= '0' && s[j] <= '7')
                    v = v * 8 + (uint32_t)(s[j++] - '0');
                if (!(c == '0' && j == i + 1 && !(j < p && s[j] >= '8' && s[j] <= '9')))
                    L->legacy_octal = 1;
                o += sl__js_utf8_put(o, v);
                i = j;
            } else if (c == '8' || c == '9') {
                L->legacy_octal = 1;
                *o++ = c;
                i++;
            } else {
                int w;
                uint32_t cp = peek_cp(L, i, &w);
                if (cp != 0x2028 && cp != 0x2029) /* line continuation */
                    memcpy(o, s + i, (size_t)w), o += w;
                i += (uint32_t)w;
            }
        }
    }
    L->str = out;
    L->str_len = (uint32_t)(o - out);
}

/* Template text from p (after ` or }) to ` or ${. */
static void scan_template_from(js_lexer *L, uint32_t p, int head)
{
    const char *s = L->src;
    uint32_t st = p;
    while (p < L->len) {
        if (s[p] == '`') {
            L->tok = head ? TK_TEMPLATE : TK_TTAIL;
            L->str = s + st;
            L->str_len = p - st;
            L->pos = p + 1;
            return;
        }
        if (s[p] == '$' && p + 1 < L->len && s[p + 1] == '{') {
            L->tok = head ? TK_THEAD : TK_TMID;
            L->str = s + st;
            L->str_len = p - st;
            L->pos = p + 2;
            return;
        }
        p += s[p] == '\\' ? 2 : 1;
    }
    sl__js_lex_fail(L, L->start, "unterminated template literal");
}

static int tok2(js_lexer *L, int n, int tok)
{
    L->pos = L->start + (uint32_t)n;
    return tok;
}

/* Longest punctuator at L->start. */
static int scan_punct(js_lexer *L)
{
    const char *s = L->src + L->start;
    uint32_t left = L->len - L->start;
    char c1 = left > 1 ? s[1] : 0, c2 = left > 2 ? s[2] : 0, c3 = left > 3 ? s[3] : 0;
    switch (s[0]) {
    case '{': return tok2(L, 1, TK_LBRACE);
    case '}': return tok2(L, 1, TK_RBRACE);
    case '(': return tok2(L, 1, TK_LPAREN);
    case ')': return tok2(L, 1, TK_RPAREN);
    case '[': return tok2(L, 1, TK_LBRACK);
    case ']': return tok2(L, 1, TK_RBRACK);
    case ';': return tok2(L, 1, TK_SEMI);
    case ',': return tok2(L, 1, TK_COMMA);
    case '~': return tok2(L, 1, TK_TILDE);
    case ':': return tok2(L, 1, TK_COLON);
    case '@': return tok2(L, 1, TK_AT);
    case '.':
        if (c1 == '.' && c2 == '.')
            return tok2(L, 3, TK_ELLIPSIS);
        return tok2(L, 1, TK_DOT);
    case '<':
        if (c1 == '<')
            return c2 == '=' ? tok2(L, 3, TK_SHL_EQ) : tok2(L, 2, TK_SHL);
        return c1 == '=' ? tok2(L, 2, TK_LE) : tok2(L, 1, TK_LT);
    case '>':
        if (c1 == '>') {
            if (c2 == '>')
                return c3 == '=' ? tok2(L, 4, TK_USHR_EQ) : tok2(L, 3, TK_USHR);
            return c2 == '=' ? tok2(L, 3, TK_SHR_EQ) : tok2(L, 2, TK_SHR);
        }
        return c1 == '=' ? tok2(L, 2, TK_GE) : tok2(L, 1, TK_GT);
    case '=':
        if (c1 == '>')
            return tok2(L, 2, TK_ARROW);
        if (c1 == '=')
            return c2 == '=' ? tok2(L, 3, TK_EQ3) : tok2(L, 2, TK_EQ);
        return tok2(L, 1, TK_ASSIGN);
    case '!':
        if (c1 == '=')
            return c2 == '=' ? tok2(L, 3, TK_NE3) : tok2(L, 2, TK_NE);
        return tok2(L, 1, TK_BANG);
    case '+':
        return c1 == '+' ? tok2(L, 2, TK_INC) : c1 == '=' ? tok2(L, 2, TK_PLUS_EQ) : tok2(L, 1, TK_PLUS);
    case '-':
        return c1 == '-' ? tok2(L, 2, TK_DEC) : c1 == '=' ? tok2(L, 2, TK_MINUS_EQ) : tok2(L, 1, TK_MINUS);
    case '*':
        if (c1 == '*')
            return c2 == '=' ? tok2(L, 3, TK_STAR2_EQ) : tok2(L, 2, TK_STAR2);
        return c1 == '=' ? tok2(L, 2, TK_STAR_EQ) : tok2(L, 1, TK_STAR);
    case '/': return c1 == '=' ? tok2(L, 2, TK_SLASH_EQ) : tok2(L, 1, TK_SLASH);
    case '%': return c1 == '=' ? tok2(L, 2, TK_PERCENT_EQ) : tok2(L, 1, TK_PERCENT);
    case '&':
        if (c1 == '&')
            return c2 == '=' ? tok2(L, 3, TK_AND_EQ) : tok2(L, 2, TK_AND);
        return c1 == '=' ? tok2(L, 2, TK_AMP_EQ) : tok2(L, 1, TK_AMP);
    case '|':
        if (c1 == '|')
            return c2 == '=' ? tok2(L, 3, TK_OR_EQ) : tok2(L, 2, TK_OR);
        return c1 == '=' ? tok2(L, 2, TK_BAR_EQ) : tok2(L, 1, TK_BAR);
    case '^': return c1 == '=' ? tok2(L, 2, TK_CARET_EQ) : tok2(L, 1, TK_CARET);
    case '?':
        if (c1 == '?')
            return c2 == '=' ? tok2(L, 3, TK_QQ_EQ) : tok2(L, 2, TK_QQ);
        if (c1 == '.' && !(c2 >= '0' && c2 <= '9'))
            return tok2(L, 2, TK_QDOT);
        return tok2(L, 1, TK_QUESTION);
    }
    sl__js_lex_fail(L, L->start, "unexpected character");
}

static void begin(js_lexer *L)
{
    L->nl_before = 0;
    L->pure = 0;
    L->escaped = 0;
    L->kw = K_NONE;
    skip_space(L);
    L->start = L->pos;
}

void sl__js_lex_next(js_lexer *L)
{
    L->prev_end = L->pos;
    begin(L);
    if (L->pos >= L->len) {
        L->tok = TK_EOF;
        return;
    }
    const char *s = L->src;
    unsigned char c = (unsigned char)s[L->pos];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '\\' || c >= 0x80) {
        if (c >= 0x80) {
            int w;
            if (!sl__js_id_start(peek_cp(L, L->pos, &w)))
                sl__js_lex_fail(L, L->pos, "unexpected character");
        }
        scan_name(L, L->pos);
        L->tok = TK_NAME;
        if (!L->escaped)
            L->kw = (uint8_t)sl__js_keyword_id(L->name, L->name_len);
        return;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && L->pos + 1 < L->len && s[L->pos + 1] >= '0' && s[L->pos + 1] <= '9')) {
        scan_number(L);
        return;
    }
    if (c == '"' || c == '\'') {
        scan_string(L);
        return;
    }
    if (c == '`') {
        scan_template_from(L, L->pos + 1, 1);
        return;
    }
    if (c == '#') {
        int w;
        if (L->pos + 1 < L->len && (sl__js_id_start(peek_cp(L, L->pos + 1, &w)) || s[L->pos + 1] == '\\')) {
            scan_name(L, L->pos + 1);
            L->tok = TK_PRIVATE;
            if (L->escaped) {
                char *n = sl__js_alloc(L->arena, L->name_len + 2);
                n[0] = '#';
                memcpy(n + 1, L->name, L->name_len);
                L->name = n;
            } else {
                L->name = s + L->start;
            }
            L->name_len++;
            return;
        }
        L->pos++;
        L->tok = TK_HASH;
        return;
    }
    L->tok = (uint8_t)scan_punct(L);
}

void sl__js_lex_regex(js_lexer *L)
{
    const char *s = L->src;
    uint32_t p = L->start + 1;
    int in_class = 0;
    for (;;) {
        if (p >= L->len || s[p] == '\n' || s[p] == '\r')
            sl__js_lex_fail(L, L->start, "unterminated regular expression");
        char c = s[p];
        if (c == '\\') {
            p += 2;
            continue;
        }
        if (c == '[')
            in_class = 1;
        else if (c == ']')
            in_class = 0;
        else if (c == '/' && !in_class)
            break;
        p++;
    }
    p++;
    while (p < L->len) {
        int w;
        uint32_t cp = peek_cp(L, p, &w);
        if (!sl__js_id_part(cp))
            break;
        p += (uint32_t)w;
    }
    L->pos = p;
    L->tok = TK_REGEX;
    L->str = s + L->start;
    L->str_len = p - L->start;
}

void sl__js_lex_template_cont(js_lexer *L)
{
    scan_template_from(L, L->start + 1, 0);
}

void sl__js_lex_split_gt(js_lexer *L)
{
    L->pos = L->start + 1;
    L->tok = TK_GT;
}

void sl__js_lex_jsx_child(js_lexer *L)
{
    L->nl_before = 0;
    L->start = L->pos;
    const char *s = L->src;
    uint32_t p = L->pos;
    if (p >= L->len)
        sl__js_lex_fail(L, p, "unterminated JSX element");
    if (s[p] == '{' || s[p] == '<') {
        L->tok = s[p] == '{' ? TK_LBRACE : TK_LT;
        L->pos = p + 1;
        return;
    }
    while (p < L->len && s[p] != '{' && s[p] != '<') {
        if (s[p] == '>' || s[p] == '}')
            sl__js_lex_fail(L, p, s[p] == '>' ? "`>` is not allowed in JSX text (write {'>'} or &gt;)"
                                              : "`}` is not allowed in JSX text (write {'}'} or &rbrace;)");
        p++;
    }
    L->tok = TK_JSX_TEXT;
    L->str = s + L->start;
    L->str_len = p - L->start;
    L->pos = p;
}

void sl__js_lex_jsx_tag(js_lexer *L)
{
    begin(L);
    const char *s = L->src;
    if (L->pos >= L->len) {
        L->tok = TK_EOF;
        return;
    }
    unsigned char c = (unsigned char)s[L->pos];
    if (c == '"' || c == '\'') {
        const char *e = memchr(s + L->pos + 1, c, L->len - L->pos - 1);
        if (!e)
            sl__js_lex_fail(L, L->start, "unterminated string");
        L->tok = TK_STR;
        L->str = s + L->pos + 1;
        L->str_len = (uint32_t)(e - (s + L->pos + 1));
        L->pos = (uint32_t)(e - s) + 1;
        return;
    }
    int w;
    if (c == '\\' || !sl__js_id_start(peek_cp(L, L->pos, &w))) {
        L->tok = (uint8_t)scan_punct(L);
        if (L->tok != TK_GT && L->tok != TK_SLASH && L->tok != TK_LBRACE && L->tok != TK_RBRACE && L->tok != TK_LT &&
            L->tok != TK_ASSIGN && L->tok != TK_DOT && L->tok != TK_COLON) {
            L->pos = L->start + 1; /* `/>`, `>=`, `=>`: never glue two */
            L->tok = c == '>' ? TK_GT : c == '/' ? TK_SLASH : c == '=' ? TK_ASSIGN : L->tok;
        }
        return;
    }
    uint32_t p = L->pos;
    while (p < L->len) {
        uint32_t cp = peek_cp(L, p, &w);
        if (!sl__js_id_part(cp) && cp != '-')
            break;
        p += (uint32_t)w;
    }
    L->tok = TK_NAME;
    L->name = s + L->start;
    L->name_len = p - L->start;
    L->pos = p;
    L->kw = (uint8_t)sl__js_keyword_id(L->name, L->name_len);
}
