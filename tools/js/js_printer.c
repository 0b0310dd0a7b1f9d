/*
 * js_printer.c - the tree back to text (see js_printer.h).
 *
 * Each expression is printed at a precedence level; a node whose own
 * level is not above it gets parentheses.  A few spots need more than
 * precedence: an expression statement may not start with `{`, `function`,
 * `class` or `let [` (the printer remembers where the statement began and
 * wraps such a start), `in` may not appear bare in a for-loop head, an
 * optional chain ends at parentheses, and two tokens may not glue into a
 * different one (`a - -b`, `a / /re/`, `1 .x`).
 */
#include "js_printer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_lexer.h"

void sl__js_buf_put(js_buf *b, const char *s, size_t n)
{
    if (!n && b->v)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->v = sl__js_xrealloc(b->v, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->v + b->n, s, n);
    b->n += n;
    b->v[b->n] = 0;
}

void sl__js_buf_puts(js_buf *b, const char *s)
{
    sl__js_buf_put(b, s, strlen(s));
}

void sl__js_buf_free(js_buf *b)
{
    free(b->v);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ numbers */

void sl__js_format_number(double v, int minify, char *buf, size_t len)
{
    if (v == 0) {
        snprintf(buf, len, "0");
        return;
    }
    char tmp[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp: d.ddddde[+-]xx -> digits and exponent */
    char digits[24];
    int nd = 0;
    const char *q = tmp;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = 0;
    int e = atoi(q + 1); /* value = 0.d1d2.. * 10^(e+1) */
    int n = e + 1;       /* position of the decimal point after n digits */
    char plain[400];
    if (n >= nd && n <= 21) {
        snprintf(plain, sizeof plain, "%s%0*d", digits, n - nd, 0);
        if (n == nd)
            snprintf(plain, sizeof plain, "%s", digits);
    } else if (n > 0 && n <= 21) {
        snprintf(plain, sizeof plain, "%.*s.%s", n, digits, digits + n);
    } else if (n <= 0 && n > -6) {
        snprintf(plain, sizeof plain, "0.%0*d%s", -n, 0, digits);
        if (n == 0)
            snprintf(plain, sizeof plain, "0.%s", digits);
    } else {
        int x = n - 1;
        if (nd == 1)
            snprintf(plain, sizeof plain, "%se%c%d", digits, x < 0 ? '-' : '+', abs(x));
        else
            snprintf(plain, sizeof plain, "%c.%se%c%d", digits[0], digits + 1, x < 0 ? '-' : '+', abs(x));
    }
    if (minify) {
        char alt[64];
        /* the exponent form without '+', and without the leading 0 of "0.5" */
        int x = n - nd;
        snprintf(alt, sizeof alt, "%se%d", digits, x);
        const char *best = plain;
        char trimmed[400];
        if (plain[0] == '0' && plain[1] == '.') {
            snprintf(trimmed, sizeof trimmed, "%s", plain + 1);
            best = trimmed;
        }
        char *plus = strstr(best, "e+");
        char noplus[400];
        if (plus) {
            snprintf(noplus, sizeof noplus, "%.*s%s", (int)(plus - best + 1), best, plus + 2);
            best = noplus;
        }
        if (x != 0 && strlen(alt) < strlen(best))
            best = alt;
        snprintf(buf, len, "%s", best);
        return;
    }
    snprintf(buf, len, "%s", plain);
}

/* --------------------------------------------------------- source maps */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void vlq(js_buf *b, int32_t v)
{
    uint32_t u = v < 0 ? ((uint32_t)(-(int64_t)v) << 1) | 1 : (uint32_t)v << 1;
    do {
        uint32_t digit = u & 31;
        u >>= 5;
        if (u)
            digit |= 32;
        char c = b64[digit];
        sl__js_buf_put(b, &c, 1);
    } while (u);
}

static int32_t sm_name(js_sourcemap *sm, const char *name)
{
    for (size_t i = sm->nnames; i-- > 0 && i + 64 >= sm->nnames;) { /* recent names repeat */
        const char *q = sm->names[i]; /* mostly the very same string: no strcmp call for a hit or a clear miss */
        if (q == name || (q[0] == name[0] && !strcmp(q, name)))
            return (int32_t)i;
    }
    if (sm->nnames == sm->names_cap) {
        sm->names_cap = sm->names_cap ? sm->names_cap * 2 : 64;
        sm->names = sl__js_xrealloc(sm->names, sm->names_cap * sizeof *sm->names);
    }
    sm->names[sm->nnames] = name;
    return (int32_t)sm->nnames++;
}

static void sm_add(js_sourcemap *sm, int32_t gen_line, int32_t gen_col, int32_t src, int32_t line, int32_t col,
                   const char *name)
{
    while (sm->gen_line < gen_line) {
        sl__js_buf_put(&sm->mappings, ";", 1);
        sm->gen_line++;
        sm->gen_col = 0;
        sm->any_on_line = 0;
    }
    if (sm->any_on_line) {
        if (gen_col == sm->gen_col)
            return; /* one segment per generated position */
        sl__js_buf_put(&sm->mappings, ",", 1);
    }
    vlq(&sm->mappings, gen_col - sm->gen_col);
    vlq(&sm->mappings, src - sm->src);
    vlq(&sm->mappings, line - sm->orig_line);
    vlq(&sm->mappings, col - sm->orig_col);
    if (name) {
        int32_t ni = sm_name(sm, name);
        vlq(&sm->mappings, ni - sm->name);
        sm->name = ni;
    }
    sm->gen_col = gen_col;
    sm->src = src;
    sm->orig_line = line;
    sm->orig_col = col;
    sm->any_on_line = 1;
}

static void json_str(js_buf *b, const char *s)
{
    sl__js_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[8];
        if (c == '"' || c == '\\') {
            e[0] = '\\', e[1] = (char)c;
            sl__js_buf_put(b, e, 2);
        } else if (c < 0x20) {
            snprintf(e, sizeof e, "\\u%04x", c);
            sl__js_buf_put(b, e, 6);
        } else {
            sl__js_buf_put(b, (const char *)&c, 1);
        }
    }
    sl__js_buf_put(b, "\"", 1);
}

void sl__js_sourcemap_json(const js_sourcemap *sm, const char *const *sources, const char *const *contents,
                           size_t nsources, js_buf *out)
{
    sl__js_buf_puts(out, "{\"version\":3,\"sources\":[");
    for (size_t i = 0; i < nsources; i++) {
        if (i)
            sl__js_buf_puts(out, ",");
        json_str(out, sources[i]);
    }
    sl__js_buf_puts(out, "]");
    if (contents) {
        sl__js_buf_puts(out, ",\"sourcesContent\":[");
        for (size_t i = 0; i < nsources; i++) {
            if (i)
                sl__js_buf_puts(out, ",");
            json_str(out, contents[i] ? contents[i] : "");
        }
        sl__js_buf_puts(out, "]");
    }
    sl__js_buf_puts(out, ",\"names\":[");
    for (size_t i = 0; i < sm->nnames; i++) {
        if (i)
            sl__js_buf_puts(out, ",");
        json_str(out, sm->names[i]);
    }
    sl__js_buf_puts(out, "],\"mappings\":\"");
    if (sm->mappings.n)
        sl__js_buf_put(out, sm->mappings.v, sm->mappings.n);
    sl__js_buf_puts(out, "\"}\n");
}

void sl__js_sourcemap_free(js_sourcemap *sm)
{
    sl__js_buf_free(&sm->mappings);
    free(sm->names);
    memset(sm, 0, sizeof *sm);
}

/* ------------------------------------------------------------ printer */

enum { F_FORBID_IN = 1, F_FORBID_CALL = 2, F_EXPR_START = 4 };

typedef struct printer {
    const js_ast *ast;
    const js_print_opts *o;
    js_buf *out;
    int indent;
    int minify;
    int needs_semi;      /* minify: a `;` is owed before the next statement */
    /* source map */
    int32_t gen_line;
    size_t line_start, col_scan_pos;
    int32_t col_scan_units;
    uint32_t *src_lines; /* byte offset of each source line */
    uint32_t nsrc_lines;
    uint32_t col_line, col_pos; /* the last source point measured, and its column: */
    int32_t col_units;          /* a minified input is one long line, scanned once */
    /* a segment waits for the next token's first character (after any space put to separate it) */
    int pending;
    uint32_t pending_pos;
    const char *pending_name;
} printer;

static void flush_map(printer *p);

static void put(printer *p, const char *s, size_t n)
{
    if (p->pending && n && s[0] != ' ' && s[0] != '\n')
        flush_map(p);
    sl__js_buf_put(p->out, s, n);
}

static void puts_(printer *p, const char *s)
{
    put(p, s, strlen(s));
}

static char last_char(printer *p)
{
    return p->out->n ? p->out->v[p->out->n - 1] : 0;
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80 || c == '\\';
}

static void space(printer *p)
{
    if (!p->minify)
        put(p, " ", 1);
}

/* A word (identifier, keyword, number): a space first if it would glue to the previous one. */
static void word(printer *p, const char *s)
{
    if (is_word_char(last_char(p)) && is_word_char(s[0]))
        put(p, " ", 1);
    puts_(p, s);
}

static void newline(printer *p)
{
    if (p->minify)
        return;
    put(p, "\n", 1);
    p->gen_line++;
    p->line_start = p->col_scan_pos = p->out->n;
    p->col_scan_units = 0;
}

static void print_indent(printer *p)
{
    if (p->minify)
        return;
    for (int i = 0; i < p->indent; i++)
        put(p, "  ", 2);
}

/* Newlines inside text copied verbatim (template quasis, JSX text) move the generated line. */
static void note_newlines(printer *p, size_t from)
{
    for (size_t i = from; i < p->out->n; i++)
        if (p->out->v[i] == '\n') {
            p->gen_line++;
            p->line_start = p->col_scan_pos = i + 1;
            p->col_scan_units = 0;
        }
}

static int32_t gen_col(printer *p)
{
    /* columns count UTF-16 units: scan forward from the last point measured */
    const char *v = p->out->v;
    size_t i = p->col_scan_pos;
    int32_t u = p->col_scan_units;
    while (i < p->out->n) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x80) {
            i++, u++;
        } else {
            uint32_t cp;
            i += (size_t)sl__js_utf8_get(v + i, p->out->n - i, &cp);
            u += cp >= 0x10000 ? 2 : 1;
        }
    }
    p->col_scan_pos = i;
    p->col_scan_units = u;
    return u;
}

static void src_line_col(printer *p, uint32_t pos, int32_t *line, int32_t *col)
{
    uint32_t lo = 0, hi = p->nsrc_lines;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (p->src_lines[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int32_t)lo;
    int32_t c = 0;
    const char *s = p->ast->src;
    uint32_t i = p->src_lines[lo];
    if (p->col_line == lo + 1 && p->col_pos <= pos && p->col_pos >= i) /* on from the last point */
        i = p->col_pos, c = p->col_units;
    for (; i < pos && i < p->ast->len;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            i++, c++;
        } else {
            uint32_t cp;
            i += (uint32_t)sl__js_utf8_get(s + i, p->ast->len - i, &cp);
            c += cp >= 0x10000 ? 2 : 1;
        }
    }
    p->col_line = lo + 1, p->col_pos = i, p->col_units = c;
    *col = c;
}

/* The next token printed starts at source position pos (and was written `name` there, when renamed). */
static void map(printer *p, uint32_t pos, const char *name)
{
    if ((!p->o->sourcemap && !p->o->offmap) || pos > p->ast->len)
        return;
    p->pending = 1;
    p->pending_pos = pos;
    p->pending_name = name;
}

static void flush_map(printer *p)
{
    p->pending = 0;
    int32_t line, col;
    src_line_col(p, p->pending_pos, &line, &col);
    js_offmap *om = p->o->offmap;
    if (om) {
        uint32_t off = (uint32_t)p->out->n;
        if (om->n && om->v[om->n - 1].off == off)
            return; /* one point per output position */
        if (om->n == om->cap)
            om->v = sl__js_xrealloc(om->v, (om->cap = om->cap ? om->cap * 2 : 256) * sizeof *om->v);
        om->v[om->n++] = (js_offmap_seg){off, line, col};
        return;
    }
    sm_add(p->o->sourcemap, p->gen_line, gen_col(p), p->o->source_index, line, col, p->pending_name);
}

static void semi_flush(printer *p)
{
    if (p->needs_semi) {
        put(p, ";", 1);
        p->needs_semi = 0;
    }
}

static void end_stmt(printer *p)
{
    if (p->minify)
        p->needs_semi = 1;
    else
        put(p, ";", 1);
    newline(p);
}

/* ---- strings ---- */

static void print_string(printer *p, const char *s, size_t n, char quote)
{
    if (!quote) {
        size_t dq = 0, sq = 0;
        for (size_t i = 0; i < n; i++)
            dq += s[i] == '"', sq += s[i] == '\'';
        quote = dq > sq ? '\'' : '"';
    }
    put(p, &quote, 1);
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char buf[16];
        size_t w = 1;
        switch (c) {
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\v': esc = "\\v"; break;
        case 0:
            esc = (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') ? "\\x00" : "\\0";
            break;
        case '<': /* </script in an inline script */
            if (i + 7 < n + 0 && !strncasecmp(s + i + 1, "/script", 7))
                esc = "<\\/";
            if (esc)
                w = 2;
            break;
        default:
            if (c == (unsigned char)quote) {
                buf[0] = '\\', buf[1] = (char)c, buf[2] = 0;
                esc = buf;
            } else if (c < 0x20 || c == 0x7F) {
                snprintf(buf, sizeof buf, "\\x%02X", c);
                esc = buf;
            } else if (c >= 0x80) {
                uint32_t cp;
                w = (size_t)sl__js_utf8_get(s + i, n - i, &cp);
                if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
                    (p->o->ascii_only && cp >= 0x80)) {
                    if (cp >= 0x10000)
                        snprintf(buf, sizeof buf, "\\u%04X\\u%04X", 0xD800 + ((cp - 0x10000) >> 10),
                                 0xDC00 + ((cp - 0x10000) & 0x3FF));
                    else
                        snprintf(buf, sizeof buf, "\\u%04X", cp);
                    esc = buf;
                }
            }
        }
        if (esc) {
            if (run)
                put(p, s + i - run, run);
            run = 0;
            puts_(p, esc);
            i += w;
        } else {
            run += w;
            i += w;
        }
    }
    if (run)
        put(p, s + n - run, run);
    put(p, &quote, 1);
}

/* ---- names ---- */

static const js_symbol *sym_of(printer *p, const js_node *id)
{
    if (id->aux == JS_NONE || !p->ast->syms || id->aux >= p->ast->nsyms)
        return NULL;
    const js_symbol *s = &p->ast->syms[id->aux];
    while (s->link != JS_NONE && s->link < p->ast->nsyms)
        s = &p->ast->syms[s->link];
    return s;
}

static const char *name_of(printer *p, const js_node *id)
{
    const js_symbol *s = sym_of(p, id);
    return s && s->out_name ? s->out_name : id->s;
}

/* A function or class expression's own name that the renamer would
 * change and nothing reads (no reference; eval and `with` keep names):
 * left out, as esbuild leaves it out, so the name the expression takes
 * from its context (`Foo: function Foo() {}`, `var Foo = class Foo {}`)
 * stays its .name.  dart2js's runtime, for one, tags classes by it. */
static int drop_own_name(printer *p, const js_node *id, uint32_t scope)
{
    const js_symbol *s = sym_of(p, id);
    return s && s->out_name && strcmp(s->out_name, s->name) && !s->uses && s->scope == scope;
}

static void print_ident(printer *p, const js_node *id)
{
    const js_symbol *s = sym_of(p, id);
    if (s && s->ns_sym != JS_NONE) { /* a TypeScript namespace member: ns.name */
        const js_symbol *ns = &p->ast->syms[s->ns_sym];
        map(p, id->pos, NULL);
        word(p, ns->out_name ? ns->out_name : ns->name);
        put(p, ".", 1);
        puts_(p, s->name);
        return;
    }
    const char *n = s && s->out_name ? s->out_name : id->s;
    map(p, id->pos, n != id->s ? id->s : NULL);
    word(p, n);
}

/* ---- expressions ---- */

static void expr(printer *p, const js_node *e, int level, int flags);
static void stmt(printer *p, const js_node *s);
static void block_body(printer *p, const js_node *b);
static void print_class(printer *p, const js_node *c);
static void print_fn_rest(printer *p, const js_node *fn);
static int needs_wrap_at_start(const js_node *e, int arrow_body);

static void open_paren(printer *p) { put(p, "(", 1); }
static void close_paren(printer *p) { put(p, ")", 1); }

static void comma(printer *p)
{
    put(p, ",", 1);
    space(p);
}

static void print_property_key(printer *p, const js_node *m)
{
    const js_node *k = m->a;
    if (m->flags & JF_COMPUTED) {
        put(p, "[", 1);
        expr(p, k, L_COMMA, 0);
        put(p, "]", 1);
        return;
    }
    map(p, k->pos, NULL);
    switch (k->kind) {
    case N_STR:
        if (sl__js_is_ident_name(k->s, k->n) && (p->minify || !(k->flags & JF_QUOTED)))
            word(p, k->s);
        else
            print_string(p, k->s, k->n, 0);
        return;
    case N_NUM: {
        char buf[64];
        sl__js_format_number(k->num, p->minify, buf, sizeof buf);
        word(p, buf);
        return;
    }
    case N_BIGINT:
        word(p, k->s);
        put(p, "n", 1);
        return;
    case N_PRIVATE:
        puts_(p, k->s);
        return;
    default:
        expr(p, k, L_COMMA, 0);
    }
}

static void print_params(printer *p, const js_node *fn)
{
    open_paren(p);
    for (uint32_t i = 0; i < fn->n; i++) {
        if (i)
            comma(p);
        expr(p, fn->list[i], L_COMMA, 0);
    }
    close_paren(p);
}

static void print_fn_rest(printer *p, const js_node *fn)
{
    print_params(p, fn);
    space(p);
    block_body(p, fn->b);
}

/* A method, getter, setter, field or static block of an object or class. */
static void print_member(printer *p, const js_node *m, int in_class)
{
    if (m->d && m->d->kind == N_LIST)
        for (uint32_t i = 0; i < m->d->n; i++) {
            put(p, "@", 1);
            expr(p, m->d->list[i], L_NEW, 0);
            space(p);
        }
    if (m->flags & JF_STATIC)
        word(p, "static"), space(p);
    switch (m->op) {
    case JP_STATIC_BLOCK:
        block_body(p, m->b);
        return;
    case JP_FIELD: case JP_ACCESSOR:
        if (m->op == JP_ACCESSOR)
            word(p, "accessor"), put(p, " ", 1);
        print_property_key(p, m);
        if (m->b) {
            space(p);
            put(p, "=", 1);
            space(p);
            expr(p, m->b, L_COMMA, 0);
        }
        put(p, ";", 1);
        return;
    case JP_GET: case JP_SET:
        word(p, m->op == JP_GET ? "get" : "set");
        if (!(m->flags & JF_COMPUTED) && m->a->kind != N_PRIVATE)
            put(p, " ", 1);
        else
            space(p);
        print_property_key(p, m);
        print_fn_rest(p, m->b);
        return;
    case JP_METHOD:
        if (m->b->flags & JF_ASYNC)
            word(p, "async"), put(p, " ", 1);
        if (m->b->flags & JF_GENERATOR)
            put(p, "*", 1);
        print_property_key(p, m);
        print_fn_rest(p, m->b);
        return;
    default: /* JP_INIT in an object literal or pattern */
        break;
    }
    (void)in_class;
    const js_node *v = m->b;
    if ((m->flags & JF_SHORTHAND) && m->a->kind == N_STR) {
        const js_node *id = v->kind == N_ASSIGN ? v->a : v;
        const js_symbol *s = id->kind == N_IDENT ? sym_of(p, id) : NULL;
        if (id->kind == N_IDENT && !(s && s->ns_sym != JS_NONE) && !strcmp(name_of(p, id), m->a->s)) {
            expr(p, v, L_COMMA, 0);
            return;
        }
        if (!strcmp(m->a->s, "__proto__")) {
            /* `{__proto__}` defines an own property; `{__proto__: x}` would
             * set the prototype instead: the key goes computed, as esbuild's */
            map(p, m->a->pos, NULL);
            put(p, "[", 1);
            print_string(p, m->a->s, m->a->n, 0);
            put(p, "]:", 2);
            space(p);
            expr(p, v, L_COMMA, 0);
            return;
        }
    }
    print_property_key(p, m);
    put(p, ":", 1);
    space(p);
    expr(p, v, L_COMMA, 0);
}

static int object_multiline(const js_node *o)
{
    if (o->n > 4)
        return 1;
    for (uint32_t i = 0; i < o->n; i++) {
        const js_node *m = o->list[i];
        if (m->kind == N_PROPERTY && (m->op != JP_INIT || (m->b && (m->b->kind == N_FUNCTION || m->b->kind == N_ARROW ||
                                                                    m->b->kind == N_CLASS ||
                                                                    (m->b->kind == N_OBJECT && m->b->n)))))
            return 1;
    }
    return 0;
}

static void print_object(printer *p, const js_node *o)
{
    put(p, "{", 1);
    if (!o->n) {
        put(p, "}", 1);
        return;
    }
    int ml = !p->minify && object_multiline(o);
    if (ml)
        p->indent++;
    for (uint32_t i = 0; i < o->n; i++) {
        if (i)
            put(p, ",", 1);
        if (ml) {
            newline(p);
            print_indent(p);
        } else {
            space(p);
        }
        const js_node *m = o->list[i];
        if (m->kind == N_SPREAD) {
            put(p, "...", 3);
            expr(p, m->a, L_COMMA, 0);
        } else {
            print_member(p, m, 0);
        }
    }
    if (ml) {
        p->indent--;
        newline(p);
        print_indent(p);
    } else {
        space(p);
    }
    put(p, "}", 1);
}

static int is_chain(const js_node *e)
{
    return (e->kind == N_MEMBER || e->kind == N_INDEX || e->kind == N_CALL) && (e->flags & (JF_OPT_START | JF_OPT_CONT));
}

static void print_template(printer *p, const js_node *t)
{
    if (t->a) { /* an optional chain as a tag keeps its parentheses: a?.b`x` is an error */
        int wrap = is_chain(t->a);
        if (wrap)
            open_paren(p);
        expr(p, t->a, L_POSTFIX, 0);
        if (wrap)
            close_paren(p);
    }
    put(p, "`", 1);
    for (uint32_t i = 0; i < t->n; i++) {
        const js_node *x = t->list[i];
        if (i % 2 == 0) {
            size_t from = p->out->n;
            put(p, x->s, x->n);
            note_newlines(p, from);
        } else {
            put(p, "${", 2);
            expr(p, x, L_LOWEST, 0);
            put(p, "}", 1);
        }
    }
    put(p, "`", 1);
}

static void print_args(printer *p, const js_node *c)
{
    open_paren(p);
    for (uint32_t i = 0; i < c->n; i++) {
        if (i)
            comma(p);
        expr(p, c->list[i], L_COMMA, 0);
    }
    close_paren(p);
}

/* flags: F_FORBID_IN where the arrow stands in a for-loop head, whose
 * `in` rule reaches into an expression body (ConciseBody[?In]). */
static void print_arrow(printer *p, const js_node *fn, int flags)
{
    if (fn->flags & JF_ASYNC)
        word(p, "async"), space(p);
    if (p->minify && fn->n == 1 && fn->list[0]->kind == N_IDENT && !(fn->flags & JF_ASYNC && 0))
        expr(p, fn->list[0], L_COMMA, 0);
    else
        print_params(p, fn);
    space(p);
    put(p, "=>", 2);
    space(p);
    if (fn->flags & JF_EXPR_BODY) {
        if (needs_wrap_at_start(fn->b, 1)) {
            open_paren(p);
            expr(p, fn->b, L_LOWEST, 0);
            close_paren(p);
        } else {
            expr(p, fn->b, L_COMMA, flags & F_FORBID_IN);
        }
    } else {
        block_body(p, fn->b);
    }
}

static void print_jsx(printer *p, const js_node *e);

static void print_unary_op(printer *p, int op)
{
    const char *t = sl__js_unary_text(op);
    if (op >= JU_VOID && op <= JU_DELETE) {
        word(p, t);
        space(p); /* minified: the operand's own word() adds one where needed */
        return;
    }
    char l = last_char(p);
    /* `! --x`: `<!--` would start an HTML-like comment in a script (Annex B.1.1) */
    if ((t[0] == '+' && l == '+') || (t[0] == '-' && l == '-') || (op == JU_PRE_DEC && l == '!'))
        put(p, " ", 1);
    puts_(p, t);
}

/* The node whose text comes first when e is printed (without parentheses of its own). */
static const js_node *leftmost(const js_node *e)
{
    for (;;) {
        switch (e->kind) {
        case N_BINARY: case N_ASSIGN: case N_COND: case N_CALL: case N_MEMBER: case N_INDEX:
            if (e->kind == N_CALL && (e->flags & JF_PURE))
                return e;
            e = e->a;
            continue;
        case N_UPDATE:
            if (e->op == JU_POST_INC || e->op == JU_POST_DEC) {
                e = e->a;
                continue;
            }
            return e;
        case N_SEQ:
            if (!e->n)
                return e;
            e = e->list[0];
            continue;
        case N_TEMPLATE:
            if (!e->a)
                return e;
            e = e->a;
            continue;
        default:
            return e;
        }
    }
}

/* Would e, at the start of a statement (or an arrow body, or after `export default`), read as something else? */
static int needs_wrap_at_start(const js_node *e, int arrow_body)
{
    const js_node *l = leftmost(e);
    if (l->kind == N_OBJECT)
        return 1;
    if (arrow_body)
        return 0;
    return l->kind == N_FUNCTION || l->kind == N_CLASS || (l->kind == N_IDENT && !strcmp(l->s, "let") && e != l);
}

/* `in`, `instanceof`, `of` before `right`: minified, a space only where a
 * word would glue to its neighbour (`"a"in o`, `for(let[a,b]of c)`). */
static void word_between(printer *p, const char *op, const js_node *right)
{
    if (!p->minify) {
        put(p, " ", 1);
        puts_(p, op);
        put(p, " ", 1);
        return;
    }
    word(p, op);
    const js_node *l = leftmost(right);
    if (l->kind != N_STR && l->kind != N_ARRAY && l->kind != N_OBJECT && !(l->kind == N_TEMPLATE && !l->a))
        put(p, " ", 1);
}

static void expr(printer *p, const js_node *e, int level, int flags)
{
    char buf[64];
    switch (e->kind) {
    case N_IDENT:
        print_ident(p, e);
        return;
    case N_PRIVATE:
        map(p, e->pos, NULL);
        puts_(p, e->s);
        return;
    case N_NUM: {
        double v = e->num;
        map(p, e->pos, NULL);
        if (isnan(v)) {
            word(p, "NaN");
            return;
        }
        int neg = signbit(v) != 0;
        int wrap = neg && level >= L_PREFIX;
        if (wrap)
            open_paren(p);
        if (neg) {
            if (last_char(p) == '-')
                put(p, " ", 1);
            put(p, "-", 1);
            v = -v;
        }
        if (isinf(v)) {
            if (p->minify) {
                if (!neg && level >= L_MUL)
                    open_paren(p);
                word(p, "1/0");
                if (!neg && level >= L_MUL)
                    close_paren(p);
            } else {
                word(p, "Infinity");
            }
        } else {
            sl__js_format_number(v, p->minify, buf, sizeof buf);
            word(p, buf);
        }
        if (wrap)
            close_paren(p);
        return;
    }
    case N_BIGINT:
        map(p, e->pos, NULL);
        word(p, e->s);
        put(p, "n", 1);
        return;
    case N_STR:
        map(p, e->pos, NULL);
        print_string(p, e->s, e->n, 0);
        return;
    case N_REGEX:
        map(p, e->pos, NULL);
        if (last_char(p) == '/' || (last_char(p) == '<' && 0))
            put(p, " ", 1);
        put(p, e->s, e->n);
        return;
    case N_TEMPLATE:
        map(p, e->pos, NULL);
        print_template(p, e);
        return;
    case N_THIS: map(p, e->pos, NULL); word(p, "this"); return;
    case N_SUPER: map(p, e->pos, NULL); word(p, "super"); return;
    case N_NULL: map(p, e->pos, NULL); word(p, "null"); return;
    case N_BOOL:
        map(p, e->pos, NULL);
        word(p, e->op ? "true" : "false");
        return;
    case N_NEW_TARGET: map(p, e->pos, NULL); word(p, "new.target"); return;
    case N_IMPORT_META: map(p, e->pos, NULL); word(p, "import.meta"); return;
    case N_HOLE: return;
    case N_ARRAY:
        map(p, e->pos, NULL);
        put(p, "[", 1);
        for (uint32_t i = 0; i < e->n; i++) {
            if (i)
                comma(p);
            const js_node *x = e->list[i];
            if (x->kind == N_SPREAD) {
                put(p, "...", 3);
                expr(p, x->a, L_COMMA, 0);
            } else {
                expr(p, x, L_COMMA, 0);
            }
            if (x->kind == N_HOLE && i + 1 == e->n)
                put(p, ",", 1);
        }
        put(p, "]", 1);
        return;
    case N_OBJECT:
        map(p, e->pos, NULL);
        print_object(p, e);
        return;
    case N_FUNCTION: {
        map(p, e->pos, NULL);
        if (e->flags & JF_ASYNC)
            word(p, "async"), put(p, " ", 1);
        word(p, "function");
        if (e->flags & JF_GENERATOR)
            put(p, "*", 1);
        if (e->a && !drop_own_name(p, e->a, e->aux)) {
            space(p);
            print_ident(p, e->a);
        }
        print_fn_rest(p, e);
        return;
    }
    case N_ARROW: {
        int wrap = level >= L_ASSIGN;
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        map(p, e->pos, NULL);
        print_arrow(p, e, flags);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_CLASS:
        print_class(p, e);
        return;
    case N_UNARY: {
        int wrap = level >= L_PREFIX;
        if (wrap)
            open_paren(p);
        map(p, e->pos, NULL);
        print_unary_op(p, e->op);
        expr(p, e->a, L_PREFIX - 1, 0);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_UPDATE: {
        int prefix = e->op == JU_PRE_INC || e->op == JU_PRE_DEC;
        int wrap = level >= (prefix ? L_PREFIX : L_POSTFIX);
        if (wrap)
            open_paren(p);
        map(p, e->pos, NULL);
        if (prefix) {
            print_unary_op(p, e->op);
            expr(p, e->a, L_PREFIX - 1, 0);
        } else {
            expr(p, e->a, L_POSTFIX - 1, 0);
            puts_(p, sl__js_unary_text(e->op));
        }
        if (wrap)
            close_paren(p);
        return;
    }
    case N_BINARY: {
        int op_level = sl__js_binary_level(e->op);
        int wrap = level >= op_level || (e->op == JB_IN && (flags & F_FORBID_IN));
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        int left_level = op_level - 1, right_level = op_level;
        if (e->op == JB_POW) {
            left_level = op_level;
            right_level = op_level - 1;
        }
        if ((e->flags & JF_FLAT) && e->b->kind == N_BINARY && e->b->op == e->op)
            right_level = op_level - 1; /* a || (b || c) is a || b || c */
        /* ?? cannot mix with || and && without parentheses */
        if (e->op == JB_NULLISH) {
            if (e->a->kind == N_BINARY && (e->a->op == JB_OR || e->a->op == JB_AND))
                left_level = L_PREFIX;
            if (e->b->kind == N_BINARY && (e->b->op == JB_OR || e->b->op == JB_AND))
                right_level = L_PREFIX;
        } else if (e->op == JB_OR || e->op == JB_AND) {
            if (e->a->kind == N_BINARY && e->a->op == JB_NULLISH)
                left_level = L_PREFIX;
            if (e->b->kind == N_BINARY && e->b->op == JB_NULLISH)
                right_level = L_PREFIX;
        }
        /* `-x ** y` and `await x ** y` are errors: the unary left side needs parentheses */
        if (e->op == JB_POW && (e->a->kind == N_UNARY || e->a->kind == N_AWAIT ||
                                (e->a->kind == N_NUM && signbit(e->a->num))))
            left_level = L_PREFIX;
        if (e->op == JB_IN && e->a->kind == N_PRIVATE) {
            expr(p, e->a, left_level, 0);
        } else {
            expr(p, e->a, left_level, flags & F_FORBID_IN);
        }
        const char *t = sl__js_binary_text(e->op);
        int is_word = t[0] >= 'a' && t[0] <= 'z';
        if (is_word) {
            word_between(p, t, e->b);
        } else {
            space(p);
            char l = last_char(p);
            /* `a-- > b`: `-->` first on a line is an HTML-like comment in a script */
            if ((t[0] == '+' && l == '+') || (t[0] == '-' && l == '-') || (t[0] == '<' && l == '<') ||
                (t[0] == '/' && l == '/') || (t[0] == '>' && l == '-'))
                put(p, " ", 1);
            puts_(p, t);
            space(p);
        }
        /* `a + +b`, `a - -b`, `a < !--b` */
        if (p->minify && e->b->kind == N_UNARY) {
            const char *u = sl__js_unary_text(e->b->op);
            if ((t[strlen(t) - 1] == '+' && u[0] == '+') || (t[strlen(t) - 1] == '-' && u[0] == '-'))
                put(p, " ", 1);
        }
        if (p->minify && e->b->kind == N_UPDATE && (e->b->op == JU_PRE_INC || e->b->op == JU_PRE_DEC)) {
            const char *u = sl__js_unary_text(e->b->op);
            if (t[strlen(t) - 1] == u[0])
                put(p, " ", 1);
        }
        expr(p, e->b, right_level, flags & F_FORBID_IN);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_ASSIGN: {
        int wrap = level >= L_ASSIGN;
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        expr(p, e->a, L_ASSIGN, flags & F_FORBID_IN);
        space(p);
        if (e->op != JB_NONE)
            puts_(p, sl__js_binary_text(e->op));
        put(p, "=", 1);
        space(p);
        expr(p, e->b, L_ASSIGN - 1, flags & F_FORBID_IN);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_COND: {
        int wrap = level >= L_COND;
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        expr(p, e->a, L_COND, flags & F_FORBID_IN);
        space(p);
        put(p, "?", 1);
        space(p);
        expr(p, e->b, L_YIELD, 0);
        space(p);
        put(p, ":", 1);
        space(p);
        expr(p, e->c, L_YIELD, flags & F_FORBID_IN);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_CALL: {
        int wrap = (flags & F_FORBID_CALL) != 0;
        if (wrap)
            open_paren(p);
        if ((e->flags & JF_PURE) && !p->minify)
            puts_(p, "/* @__PURE__ */ ");
        int callee_wrap = is_chain(e->a) && !(e->flags & (JF_OPT_START | JF_OPT_CONT));
        if (callee_wrap)
            open_paren(p);
        expr(p, e->a, L_POSTFIX, 0);
        if (callee_wrap)
            close_paren(p);
        map(p, e->pos, NULL);
        if (e->flags & JF_OPT_START)
            put(p, "?.", 2);
        print_args(p, e);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_NEW: {
        int wrap = level >= L_CALL && 0;
        if ((e->flags & JF_PURE) && !p->minify)
            puts_(p, "/* @__PURE__ */ ");
        map(p, e->pos, NULL);
        word(p, "new");
        space(p);
        int chain = is_chain(e->a); /* new (a?.b)() is not new a?.b(), an error */
        if (chain)
            open_paren(p);
        expr(p, e->a, L_NEW, F_FORBID_CALL);
        if (chain)
            close_paren(p);
        if (e->n || !p->minify || level >= L_POSTFIX)
            print_args(p, e);
        (void)wrap;
        return;
    }
    case N_MEMBER: case N_INDEX: {
        int obj_wrap = is_chain(e->a) && !(e->flags & (JF_OPT_START | JF_OPT_CONT));
        int forbid_call = flags & F_FORBID_CALL;
        if (obj_wrap)
            open_paren(p);
        int num_obj = e->a->kind == N_NUM && !obj_wrap && e->kind == N_MEMBER;
        if (num_obj) {
            sl__js_format_number(fabs(e->a->num), p->minify, buf, sizeof buf);
            int need = !signbit(e->a->num) && !strpbrk(buf, ".eEx") && isfinite(e->a->num);
            if (need || signbit(e->a->num) || !isfinite(e->a->num)) {
                open_paren(p);
                expr(p, e->a, L_LOWEST, 0);
                close_paren(p);
            } else {
                expr(p, e->a, L_POSTFIX, 0);
            }
        } else {
            expr(p, e->a, L_POSTFIX, forbid_call);
        }
        if (obj_wrap)
            close_paren(p);
        if (e->kind == N_MEMBER) {
            put(p, e->flags & JF_OPT_START ? "?." : ".", e->flags & JF_OPT_START ? 2 : 1);
            map(p, e->c->pos, NULL); /* the name after the dot is what sits at c->pos */
            puts_(p, e->c->s);
        } else {
            if (e->flags & JF_OPT_START)
                put(p, "?.", 2);
            put(p, "[", 1);
            expr(p, e->b, L_LOWEST, 0);
            put(p, "]", 1);
        }
        return;
    }
    case N_SEQ: {
        int wrap = level >= L_COMMA;
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        for (uint32_t i = 0; i < e->n; i++) {
            if (i)
                comma(p);
            expr(p, e->list[i], L_COMMA, flags & F_FORBID_IN);
        }
        if (wrap)
            close_paren(p);
        return;
    }
    case N_SPREAD:
        put(p, "...", 3);
        expr(p, e->a, L_COMMA, 0);
        return;
    case N_YIELD: {
        int wrap = level >= L_ASSIGN;
        if (wrap) {
            open_paren(p);
            flags &= ~F_FORBID_IN;
        }
        map(p, e->pos, NULL);
        word(p, "yield");
        if (e->flags & JF_DELEGATE)
            put(p, "*", 1);
        if (e->a) {
            space(p);
            /* yield AssignmentExpression[?In]: a for-loop head's rule reaches it */
            expr(p, e->a, L_YIELD, flags & F_FORBID_IN);
        }
        if (wrap)
            close_paren(p);
        return;
    }
    case N_AWAIT: {
        int wrap = level >= L_PREFIX;
        if (wrap)
            open_paren(p);
        map(p, e->pos, NULL);
        word(p, "await");
        space(p);
        expr(p, e->a, L_PREFIX - 1, 0);
        if (wrap)
            close_paren(p);
        return;
    }
    case N_IMPORT_CALL:
        map(p, e->pos, NULL);
        word(p, "import");
        open_paren(p);
        expr(p, e->a, L_COMMA, 0);
        if (e->b) {
            comma(p);
            expr(p, e->b, L_COMMA, 0);
        }
        close_paren(p);
        return;
    case N_JSX:
        print_jsx(p, e);
        return;
    default:
        /* a node kind that lowering should have removed: print nothing visible that misleads */
        puts_(p, "void 0");
        return;
    }
}

/* ---- JSX (kept as written when no lowering ran) ---- */

static void jsx_tag(printer *p, const js_node *t)
{
    if (t->kind == N_STR)
        put(p, t->s, t->n);
    else
        expr(p, t, L_MEMBER, 0);
}

static void print_jsx(printer *p, const js_node *e)
{
    map(p, e->pos, NULL);
    put(p, "<", 1);
    if (e->a)
        jsx_tag(p, e->a);
    for (uint32_t i = 0; i < e->n; i++) {
        const js_node *at = e->list[i];
        put(p, " ", 1);
        if (at->kind == N_SPREAD) {
            put(p, "{...", 4);
            expr(p, at->a, L_COMMA, 0);
            put(p, "}", 1);
            continue;
        }
        put(p, at->a->s, at->a->n);
        if (!at->b)
            continue;
        put(p, "=", 1);
        if (at->b->kind == N_JSX_TEXT) {
            char q = memchr(at->b->s, '"', at->b->n) ? '\'' : '"';
            put(p, &q, 1);
            size_t from = p->out->n;
            put(p, at->b->s, at->b->n);
            note_newlines(p, from);
            put(p, &q, 1);
        } else if (at->b->kind == N_JSX) {
            print_jsx(p, at->b);
        } else {
            put(p, "{", 1);
            expr(p, at->b->a, L_LOWEST, 0);
            put(p, "}", 1);
        }
    }
    if (e->a && (!e->c || !e->c->n)) {
        put(p, " />", 3);
        return;
    }
    put(p, ">", 1);
    for (uint32_t i = 0; e->c && i < e->c->n; i++) {
        const js_node *k = e->c->list[i];
        if (k->kind == N_JSX_TEXT) {
            size_t from = p->out->n;
            put(p, k->s, k->n);
            note_newlines(p, from);
        } else if (k->kind == N_JSX) {
            print_jsx(p, k);
        } else if (k->kind == N_SPREAD) {
            put(p, "{...", 4);
            expr(p, k->a, L_COMMA, 0);
            put(p, "}", 1);
        } else {
            put(p, "{", 1);
            if (k->a)
                expr(p, k->a, L_LOWEST, 0);
            put(p, "}", 1);
        }
    }
    put(p, "</", 2);
    if (e->a)
        jsx_tag(p, e->a);
    put(p, ">", 1);
}

/* ---- classes and functions ---- */

static void print_decorators(printer *p, const js_node *list)
{
    if (!list)
        return;
    for (uint32_t i = 0; i < list->n; i++) {
        put(p, "@", 1);
        const js_node *d = list->list[i];
        int simple = d->kind == N_IDENT || d->kind == N_MEMBER || (d->kind == N_CALL && (d->a->kind == N_IDENT ||
                                                                                          d->a->kind == N_MEMBER));
        if (!simple)
            open_paren(p);
        expr(p, d, L_LOWEST, 0);
        if (!simple)
            close_paren(p);
        put(p, " ", 1);
    }
}

static void print_class(printer *p, const js_node *c)
{
    print_decorators(p, c->c);
    map(p, c->pos, NULL);
    word(p, "class");
    if (c->a && !(c->kind == N_CLASS && drop_own_name(p, c->a, c->aux))) {
        put(p, " ", 1);
        print_ident(p, c->a);
    }
    if (c->b) {
        put(p, " ", 1);
        word(p, "extends");
        space(p);
        expr(p, c->b, L_NEW - 1, 0);
    }
    space(p);
    put(p, "{", 1);
    p->indent++;
    for (uint32_t i = 0; i < c->n; i++) {
        newline(p);
        print_indent(p);
        map(p, c->list[i]->pos, NULL);
        print_member(p, c->list[i], 1);
    }
    p->indent--;
    if (c->n) {
        newline(p);
        print_indent(p);
    }
    put(p, "}", 1);
}

/* ---- statements ---- */

static void block_body(printer *p, const js_node *b)
{
    put(p, "{", 1);
    if (b->n) {
        p->indent++;
        newline(p);
        for (uint32_t i = 0; i < b->n; i++)
            stmt(p, b->list[i]);
        p->indent--;
        p->needs_semi = 0;
        print_indent(p);
    }
    put(p, "}", 1);
}

static void var_decl(printer *p, const js_node *v, int flags)
{
    static const char *const kinds[] = {"var", "let", "const", "using", "await using"};
    map(p, v->pos, NULL);
    word(p, kinds[v->op]);
    space(p);
    for (uint32_t i = 0; i < v->n; i++) {
        if (i)
            comma(p);
        const js_node *d = v->list[i];
        expr(p, d->a, L_COMMA, 0);
        if (d->b) {
            space(p);
            put(p, "=", 1);
            space(p);
            expr(p, d->b, L_COMMA, flags);
        }
    }
}

/* The body of if/for/while/with/label: a block stays on the line; a single statement goes on the next. */
static void sub_stmt(printer *p, const js_node *s)
{
    if (s->kind == N_BLOCK) {
        space(p);
        block_body(p, s);
        newline(p);
        return;
    }
    if (s->kind == N_EMPTY) {
        put(p, ";", 1);
        newline(p);
        return;
    }
    newline(p);
    p->indent++;
    stmt(p, s);
    p->indent--;
}

static void print_if(printer *p, const js_node *s)
{
    word(p, "if");
    space(p);
    open_paren(p);
    expr(p, s->a, L_LOWEST, 0);
    close_paren(p);
    const js_node *yes = s->b;
    /* `if (a) if (b) x; else y`: the inner if would take our else */
    int dangling = 0;
    if (s->c) {
        const js_node *t = yes;
        while (t && (t->kind == N_IF || t->kind == N_FOR || t->kind == N_FOR_IN || t->kind == N_FOR_OF ||
                     t->kind == N_WHILE || t->kind == N_WITH || t->kind == N_LABEL)) {
            if (t->kind == N_IF) {
                if (!t->c) {
                    dangling = 1;
                    break;
                }
                t = t->c;
            } else {
                t = t->kind == N_LABEL ? t->a : t->kind == N_WHILE || t->kind == N_WITH ? t->b : t->c;
            }
        }
    }
    if (dangling) {
        space(p);
        put(p, "{", 1);
        p->indent++;
        newline(p);
        stmt(p, yes);
        p->indent--;
        p->needs_semi = 0;
        print_indent(p);
        put(p, "}", 1);
        newline(p);
    } else {
        sub_stmt(p, yes);
    }
    if (s->c) {
        semi_flush(p);
        print_indent(p);
        word(p, "else");
        if (s->c->kind == N_IF) {
            put(p, " ", 1);
            print_if(p, s->c);
        } else {
            sub_stmt(p, s->c);
        }
    }
}

static void for_init(printer *p, const js_node *a)
{
    if (a->kind == N_VAR) {
        var_decl(p, a, F_FORBID_IN);
    } else {
        expr(p, a, L_LOWEST, F_FORBID_IN);
    }
}

static void export_prefix(printer *p, const js_node *s)
{
    if (s->flags & JF_EXPORT) {
        word(p, "export");
        put(p, " ", 1);
    }
}

/* Mapped: a module that does not resolve is reported at its specifier,
 * and one a lowering made up (JSX's runtime) at the code that needs it. */
static void print_module_str(printer *p, const js_node *s)
{
    map(p, s->pos, NULL);
    print_string(p, s->s, s->n, 0);
}

static void print_attrs(printer *p, const js_node *attrs)
{
    if (!attrs)
        return;
    space(p);
    word(p, "with");
    space(p);
    print_object(p, attrs);
}

static void print_spec_name(printer *p, const js_node *n)
{
    if (n->kind == N_IDENT)
        print_ident(p, n);
    else if (sl__js_is_ident_name(n->s, n->n) || (!(n->flags & JF_QUOTED) && n->n))
        word(p, n->s);
    else
        print_string(p, n->s, n->n, 0);
}

static void stmt(printer *p, const js_node *s)
{
    semi_flush(p);
    if (s->kind == N_EMPTY && p->minify) {
        put(p, ";", 1);
        return;
    }
    print_indent(p);
    map(p, s->pos, NULL);
    switch (s->kind) {
    case N_EMPTY:
        put(p, ";", 1);
        newline(p);
        return;
    case N_DIRECTIVE:
        put(p, s->s, s->n);
        end_stmt(p);
        return;
    case N_BLOCK:
        block_body(p, s);
        newline(p);
        return;
    case N_EXPR:
        /* `{`, `function`, `class` or `let [` first would read as another statement */
        if (needs_wrap_at_start(s->a, 0)) {
            open_paren(p);
            expr(p, s->a, L_LOWEST, 0);
            close_paren(p);
        } else {
            expr(p, s->a, L_LOWEST, 0);
        }
        end_stmt(p);
        return;
    case N_VAR:
        export_prefix(p, s);
        var_decl(p, s, 0);
        end_stmt(p);
        return;
    case N_FUNC_DECL:
        export_prefix(p, s);
        if (s->flags & JF_ASYNC)
            word(p, "async"), put(p, " ", 1);
        word(p, "function");
        if (s->flags & JF_GENERATOR)
            put(p, "*", 1);
        if (s->a) {
            space(p);
            print_ident(p, s->a);
        }
        print_fn_rest(p, s);
        newline(p);
        return;
    case N_CLASS_DECL:
        if (s->c && s->c->n) { /* decorators come before `export` */
            print_decorators(p, s->c);
        }
        export_prefix(p, s);
        {
            js_node tmp = *s;
            tmp.c = NULL;
            print_class(p, &tmp);
        }
        newline(p);
        return;
    case N_IF:
        print_if(p, s);
        return;
    case N_FOR:
        word(p, "for");
        space(p);
        open_paren(p);
        if (s->a)
            for_init(p, s->a);
        put(p, ";", 1);
        if (s->b) {
            space(p);
            expr(p, s->b, L_LOWEST, 0);
        }
        put(p, ";", 1);
        if (s->d) {
            space(p);
            expr(p, s->d, L_LOWEST, 0);
        }
        close_paren(p);
        sub_stmt(p, s->c);
        return;
    case N_FOR_IN: case N_FOR_OF:
        word(p, "for");
        if (s->flags & JF_AWAIT)
            put(p, " ", 1), word(p, "await");
        space(p);
        open_paren(p);
        if (s->kind == N_FOR_OF && s->a->kind == N_IDENT && !strcmp(name_of(p, s->a), "async") &&
            !(s->flags & JF_AWAIT)) {
            open_paren(p); /* `for (async of x)` reads as an async arrow */
            for_init(p, s->a);
            close_paren(p);
        } else if (s->a->kind == N_IDENT && !strcmp(name_of(p, s->a), "let")) {
            open_paren(p);
            for_init(p, s->a);
            close_paren(p);
        } else {
            for_init(p, s->a);
        }
        word_between(p, s->kind == N_FOR_OF ? "of" : "in", s->b);
        expr(p, s->b, s->kind == N_FOR_OF ? L_COMMA : L_LOWEST, 0);
        close_paren(p);
        sub_stmt(p, s->c);
        return;
    case N_WHILE:
        word(p, "while");
        space(p);
        open_paren(p);
        expr(p, s->a, L_LOWEST, 0);
        close_paren(p);
        sub_stmt(p, s->b);
        return;
    case N_DO_WHILE:
        word(p, "do");
        if (s->a->kind == N_BLOCK) {
            space(p);
            block_body(p, s->a);
            space(p);
        } else {
            newline(p);
            p->indent++;
            stmt(p, s->a);
            semi_flush(p);
            p->indent--;
            print_indent(p);
        }
        word(p, "while");
        space(p);
        open_paren(p);
        expr(p, s->b, L_LOWEST, 0);
        close_paren(p);
        end_stmt(p);
        return;
    case N_RETURN: case N_THROW:
        word(p, s->kind == N_RETURN ? "return" : "throw");
        if (s->a) {
            space(p);
            expr(p, s->a, L_LOWEST, 0);
        }
        end_stmt(p);
        return;
    case N_BREAK: case N_CONTINUE:
        word(p, s->kind == N_BREAK ? "break" : "continue");
        if (s->s) {
            put(p, " ", 1);
            word(p, s->s);
        }
        end_stmt(p);
        return;
    case N_LABEL:
        word(p, s->s);
        put(p, ":", 1);
        if (s->a->kind == N_BLOCK || s->a->kind == N_EMPTY) {
            sub_stmt(p, s->a);
        } else {
            space(p);
            int saved = p->indent;
            p->indent = 0;
            stmt(p, s->a);
            p->indent = saved;
        }
        return;
    case N_SWITCH:
        word(p, "switch");
        space(p);
        open_paren(p);
        expr(p, s->a, L_LOWEST, 0);
        close_paren(p);
        space(p);
        put(p, "{", 1);
        newline(p);
        p->indent++;
        for (uint32_t i = 0; i < s->n; i++) {
            const js_node *c = s->list[i];
            semi_flush(p);
            print_indent(p);
            if (c->a) {
                word(p, "case"); /* minified, a space only where a word would glue: case"a", case!0 */
                space(p);
                expr(p, c->a, L_LOWEST, 0);
            } else {
                word(p, "default");
            }
            put(p, ":", 1);
            newline(p);
            p->indent++;
            for (uint32_t j = 0; j < c->n; j++)
                stmt(p, c->list[j]);
            p->indent--;
        }
        p->indent--;
        p->needs_semi = 0;
        print_indent(p);
        put(p, "}", 1);
        newline(p);
        return;
    case N_TRY:
        word(p, "try");
        space(p);
        block_body(p, s->a);
        if (s->b) {
            space(p);
            word(p, "catch");
            if (s->b->a) {
                space(p);
                open_paren(p);
                expr(p, s->b->a, L_LOWEST, 0);
                close_paren(p);
            }
            space(p);
            block_body(p, s->b->b);
        }
        if (s->c) {
            space(p);
            word(p, "finally");
            space(p);
            block_body(p, s->c);
        }
        newline(p);
        return;
    case N_WITH:
        word(p, "with");
        space(p);
        open_paren(p);
        expr(p, s->a, L_LOWEST, 0);
        close_paren(p);
        sub_stmt(p, s->b);
        return;
    case N_DEBUGGER:
        word(p, "debugger");
        end_stmt(p);
        return;
    case N_IMPORT:
        word(p, "import");
        if (s->n) {
            space(p);
            int braces = 0;
            for (uint32_t i = 0; i < s->n; i++) {
                const js_node *sp = s->list[i];
                if (i && !(braces && sp->op == JS_SPEC_NAMED))
                    comma(p);
                else if (i)
                    comma(p);
                if (sp->op == JS_SPEC_DEFAULT) {
                    print_ident(p, sp->a);
                } else if (sp->op == JS_SPEC_NAMESPACE) {
                    put(p, "*", 1);
                    space(p);
                    word(p, "as");
                    put(p, " ", 1);
                    print_ident(p, sp->a);
                } else {
                    if (!braces) {
                        put(p, "{", 1);
                        space(p);
                        braces = 1;
                    }
                    if (strcmp(sp->b->s, name_of(p, sp->a)) || (sp->b->flags & JF_QUOTED)) {
                        print_spec_name(p, sp->b);
                        put(p, " ", 1);
                        word(p, "as");
                        put(p, " ", 1);
                    }
                    print_ident(p, sp->a);
                }
            }
            if (braces) {
                space(p);
                put(p, "}", 1);
            }
            space(p);
            word(p, "from");
        }
        space(p);
        print_module_str(p, s->a);
        print_attrs(p, s->b);
        end_stmt(p);
        return;
    case N_EXPORT_NAMED:
        word(p, "export");
        space(p);
        put(p, "{", 1);
        for (uint32_t i = 0; i < s->n; i++) {
            if (i)
                put(p, ",", 1);
            space(p);
            const js_node *sp = s->list[i];
            const char *local = sp->a->kind == N_IDENT ? name_of(p, sp->a) : sp->a->s;
            print_spec_name(p, sp->a);
            if (strcmp(local, sp->b->s) || (sp->b->flags & JF_QUOTED) != (sp->a->flags & JF_QUOTED)) {
                put(p, " ", 1);
                word(p, "as");
                put(p, " ", 1);
                print_spec_name(p, sp->b);
            }
        }
        if (s->n)
            space(p);
        put(p, "}", 1);
        if (s->a) {
            space(p);
            word(p, "from");
            space(p);
            print_module_str(p, s->a);
            print_attrs(p, s->b);
        }
        end_stmt(p);
        return;
    case N_EXPORT_ALL:
        word(p, "export");
        space(p);
        put(p, "*", 1);
        if (s->c) {
            space(p);
            word(p, "as");
            put(p, " ", 1);
            print_spec_name(p, s->c);
        }
        space(p);
        word(p, "from");
        space(p);
        print_module_str(p, s->a);
        print_attrs(p, s->b);
        end_stmt(p);
        return;
    case N_EXPORT_DEFAULT:
        word(p, "export");
        put(p, " ", 1);
        word(p, "default");
        put(p, " ", 1);
        if (s->a->kind == N_FUNC_DECL || s->a->kind == N_CLASS_DECL) {
            const js_node *d = s->a;
            if (d->kind == N_FUNC_DECL) {
                if (d->flags & JF_ASYNC)
                    word(p, "async"), put(p, " ", 1);
                word(p, "function");
                if (d->flags & JF_GENERATOR)
                    put(p, "*", 1);
                if (d->a) {
                    space(p);
                    print_ident(p, d->a);
                }
                print_fn_rest(p, d);
            } else {
                print_class(p, d);
            }
            newline(p);
            return;
        }
        if (needs_wrap_at_start(s->a, 0)) {
            open_paren(p);
            expr(p, s->a, L_LOWEST, 0);
            close_paren(p);
        } else {
            expr(p, s->a, L_COMMA, 0);
        }
        end_stmt(p);
        return;
    default:
        /* TypeScript nodes are lowered before printing */
        newline(p);
        return;
    }
}

static uint32_t *line_table(const js_ast *ast, uint32_t *n)
{
    size_t cap = 64, k = 0;
    uint32_t *v = sl__js_xrealloc(NULL, cap * sizeof *v);
    v[k++] = 0;
    for (size_t i = 0; i < ast->len; i++) {
        char c = ast->src[i];
        int nl = c == '\n' || (c == '\r' && !(i + 1 < ast->len && ast->src[i + 1] == '\n'));
        if (!nl && (unsigned char)c == 0xE2 && i + 2 < ast->len && (unsigned char)ast->src[i + 1] == 0x80 &&
            ((unsigned char)ast->src[i + 2] == 0xA8 || (unsigned char)ast->src[i + 2] == 0xA9)) {
            i += 2;
            nl = 1;
        }
        if (nl) {
            if (k == cap)
                v = sl__js_xrealloc(v, (cap *= 2) * sizeof *v);
            v[k++] = (uint32_t)(i + 1);
        }
    }
    *n = (uint32_t)k;
    return v;
}

void sl__js_print(const js_ast *ast, const js_print_opts *o, js_buf *out)
{
    printer p;
    memset(&p, 0, sizeof p);
    p.ast = ast;
    p.o = o;
    p.out = out;
    p.minify = o->minify_whitespace;
    if (o->sourcemap) {
        p.gen_line = o->sourcemap->gen_line;
        size_t ls = out->n;
        while (ls > 0 && out->v[ls - 1] != '\n')
            ls--;
        p.line_start = p.col_scan_pos = ls;
    }
    if (o->sourcemap || o->offmap)
        p.src_lines = line_table(ast, &p.nsrc_lines);
    if (ast->hashbang_end) {
        put(&p, ast->src, ast->hashbang_end);
        put(&p, "\n", 1);
        p.gen_line++;
        p.line_start = p.col_scan_pos = out->n;
    }
    const js_node *prog = ast->program;
    for (uint32_t i = 0; i < prog->n; i++)
        stmt(&p, prog->list[i]);
    if (p.minify && p.needs_semi && 0)
        put(&p, ";", 1);
    free(p.src_lines);
}
