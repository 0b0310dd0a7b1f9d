/*
 * js_parser.c - recursive-descent parser for ES2024 with scope analysis.
 *
 * The printer splices source text, so the parser builds no expression
 * tree: it recognises the grammar, opens a scope for every function,
 * block, class and loop head, declares bindings, and records each
 * identifier reference with its scope.  Operator precedence is not needed
 * for that and is not computed.  After the walk every reference is looked
 * up through the scope chain; the ones that land on the module scope
 * become occurrences of top-level symbols (what the linker may rename),
 * the ones that land nowhere are free names (what renaming must avoid).
 * Syntax errors unwind with longjmp; all state lives in the scratch.
 */
#include "js_parser.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SC_MODULE, SC_FUNC, SC_BLOCK };
#define FREE_SCOPE 0xfffffffeu

typedef struct scope {
    int32_t parent;
    uint8_t kind;
} scope;

typedef struct decl_ent {
    uint32_t scope_p1; /* scope + 1; 0 marks an empty slot */
    uint32_t start, len, hash;
    int32_t sym; /* top-level symbol, -1 for an inner binding */
} decl_ent;

enum { REF_RESOLVED = 0x80 }; /* a declaration: sym already known */

typedef struct ref {
    uint32_t tok, scope, stmt;
    int32_t sym;     /* REF_RESOLVED */
    int32_t rec;     /* `require(...)` call: its import record */
    int32_t define;  /* a --define candidate starting here */
    uint32_t define_end;
    uint32_t mem_tok; /* OCC_MEMBER */
    uint8_t flags;
    uint8_t warn; /* W_*: a warning if the name turns out to be the global one */
} ref;

enum { W_NONE, W_REQUIRE, W_EVAL };

static const char *const warn_text[] = {
    NULL,
    "warning: this call to \"require\" will not be bundled: its argument is not a string literal",
    "warning: direct eval can see the bundle's renamed variables and may break the program",
};

/* A conditional whose condition --define may make constant (token ranges,
 * end exclusive; no alternate: else_tok == else_end). */
struct branch {
    uint32_t cond_tok, cond_end, then_tok, then_end, else_tok, else_end;
    uint32_t first_scope; /* scopes made inside it have ids from here on */
    int fn_depth, owner;  /* function depth; nesting depth of the parse that owns it */
    uint8_t expr;         /* `c ? a : b`, not an `if` */
};

/* A declaration that may reach outside a block: `var`, or a function
 * declaration (sloppy code hoists those out of blocks too). */
struct hoist {
    uint32_t tok, scope; /* scope: where a var lands */
    int fn_depth;        /* function declarations: the depth they sit at */
    uint8_t is_fn;
};

struct js_parse_scratch {
    js_tokens toks;
    SL_VEC(scope) scopes;
    decl_ent *tab;
    size_t tab_cap, tab_n;
    SL_VEC(ref) refs;
    SL_VEC(js_stmt) stmts;
    SL_VEC(uint32_t) stmt_decls;
    SL_VEC(js_symbol) syms;
    SL_VEC(js_import_rec) recs;
    SL_VEC(js_import_binding) imports;
    SL_VEC(js_export) exports;
    SL_VEC(uint32_t) stars;
    SL_VEC(js_occ) occs;
    SL_VEC(js_patch) patches;
    SL_VEC(const char *) free_names;
    SL_VEC(const char *) nested;
    SL_VEC(uint32_t) export_refs; /* export {a}: token of a, resolved at the end */
    SL_VEC(uint32_t) import_toks;   /* one import declaration's local names */
    SL_VEC(const char *) import_names;
    SL_VEC(js_warning) warnings;
    SL_VEC(struct branch) branches; /* --define: conditionals that may fold */
    SL_VEC(struct hoist) hoists;    /* var and function declarations, for dead-branch removal */
};

js_parse_scratch *sl__js_scratch_new(void)
{
    js_parse_scratch *s = sl__xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    return s;
}

void sl__js_scratch_free(js_parse_scratch *s)
{
    if (!s)
        return;
    free(s->toks.v);
    free(s->scopes.v);
    free(s->tab);
    free(s->refs.v);
    free(s->stmts.v);
    free(s->stmt_decls.v);
    free(s->syms.v);
    free(s->recs.v);
    free(s->imports.v);
    free(s->exports.v);
    free(s->stars.v);
    free(s->occs.v);
    free(s->patches.v);
    free(s->free_names.v);
    free(s->nested.v);
    free(s->export_refs.v);
    free(s->import_toks.v);
    free(s->import_names.v);
    free(s->branches.v);
    free(s->hoists.v);
    free(s->warnings.v);
    free(s);
}

typedef struct P {
    const char *src;
    size_t len;
    js_token *t;
    uint32_t n, i;
    sl__arena *a;
    js_module *m;
    const js_parse_opts *o;
    js_parse_scratch *s;
    int32_t sc;
    int fn_depth, in_async, in_gen;
    int depth; /* nesting, bounded by JS_MAX_NESTING */
    int32_t stmt;     /* current top-level statement */
    int impure;       /* side effects seen at the statement's own level */
    int pure_depth;   /* fn_depth at which side effects count */
    uint32_t with_p1; /* the first `with` statement + 1: an error once the file is known to be ESM */
    jmp_buf jb;
    uint32_t err_pos;
    const char *err_msg;
} P;

/* ---- tokens ------------------------------------------------------------ */

static js_token *cur(P *p) { return &p->t[p->i]; }
static js_token *peek(P *p, uint32_t k) { return &p->t[p->i + k < p->n ? p->i + k : p->n - 1]; }
static int is_op(const js_token *t, int op) { return t->kind == T_PUNCT && t->op == op; }
static int is_kw(const js_token *t, int kw) { return t->kind == T_NAME && t->op == kw; }
static void next(P *p) { if (p->i + 1 < p->n) p->i++; }
/* Consumes the punctuator `op` if it comes next: 1 if it did. */
static int eat(P *p, int op)
{
    if (!is_op(cur(p), op))
        return 0;
    next(p);
    return 1;
}

static _Noreturn void fail(P *p, uint32_t pos, const char *msg)
{
    p->err_pos = pos;
    p->err_msg = msg;
    longjmp(p->jb, 1);
}

static void expect(P *p, int op, const char *msg)
{
    if (!is_op(cur(p), op))
        fail(p, cur(p)->start, msg);
    next(p);
}

static void side_effect(P *p)
{
    if (p->fn_depth == p->pure_depth)
        p->impure = 1;
}

/* Words that can never name a binding or a variable. */
static int reserved(const js_token *t)
{
    switch (t->op) {
    case K_BREAK: case K_CASE: case K_CATCH: case K_CLASS: case K_CONST: case K_CONTINUE:
    case K_DEBUGGER: case K_DEFAULT: case K_DELETE: case K_DO: case K_ELSE: case K_EXPORT:
    case K_EXTENDS: case K_FALSE: case K_FINALLY: case K_FOR: case K_FUNCTION: case K_IF:
    case K_IMPORT: case K_IN: case K_INSTANCEOF: case K_NEW: case K_NULL: case K_RETURN:
    case K_SUPER: case K_SWITCH: case K_THIS: case K_THROW: case K_TRUE: case K_TRY:
    case K_TYPEOF: case K_VAR: case K_VOID: case K_WHILE: case K_WITH: case K_ENUM:
        return 1;
    default:
        return 0;
    }
}

static int is_ident(const js_token *t) { return t->kind == T_NAME && !reserved(t); }

/* ---- scopes and declarations -------------------------------------------- */

static uint32_t hash_name(const char *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static decl_ent *tab_slot(P *p, uint32_t scope, const char *name, uint32_t n, uint32_t h)
{
    js_parse_scratch *s = p->s;
    size_t mask = s->tab_cap - 1;
    size_t i = (h ^ (scope * 0x9e3779b1u)) & mask;
    for (;;) {
        decl_ent *e = &s->tab[i];
        if (!e->scope_p1)
            return e;
        if (e->scope_p1 == scope + 1 && e->hash == h && e->len == n && !memcmp(p->src + e->start, name, n))
            return e;
        i = (i + 1) & mask;
    }
}

static void tab_grow(P *p)
{
    js_parse_scratch *s = p->s;
    if (s->tab_n * 2 < s->tab_cap)
        return;
    decl_ent *old = s->tab;
    size_t oldcap = s->tab_cap;
    s->tab_cap = oldcap ? oldcap * 2 : 1024;
    s->tab = sl__xrealloc(NULL, s->tab_cap * sizeof *s->tab);
    memset(s->tab, 0, s->tab_cap * sizeof *s->tab);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].scope_p1) {
            decl_ent *e = tab_slot(p, old[i].scope_p1 - 1, p->src + old[i].start, old[i].len, old[i].hash);
            *e = old[i];
        }
    free(old);
}

/* Finds or adds (scope, name); *added says which. */
static decl_ent *tab_put(P *p, uint32_t scope, uint32_t start, uint32_t n, int *added)
{
    tab_grow(p);
    uint32_t h = hash_name(p->src + start, n);
    decl_ent *e = tab_slot(p, scope, p->src + start, n, h);
    *added = !e->scope_p1;
    if (*added) {
        e->scope_p1 = scope + 1;
        e->start = start;
        e->len = n;
        e->hash = h;
        e->sym = -1;
        p->s->tab_n++;
    }
    return e;
}

static void push_scope(P *p, int kind)
{
    scope sc = {p->sc, (uint8_t)kind};
    SL_VEC_PUSH(p->s->scopes, sc);
    p->sc = (int32_t)p->s->scopes.n - 1;
}

static void pop_scope(P *p) { p->sc = p->s->scopes.v[p->sc].parent; }

static const char *tok_str(P *p, const js_token *t)
{
    return sl__arena_strndup(p->a, p->src + t->start, t->end - t->start);
}

/* Declares the name at token index ti.  `var` goes to the function scope. */
static void declare(P *p, uint32_t ti, int kind, uint8_t flags)
{
    js_token *t = &p->t[ti];
    int32_t target = p->sc;
    if (kind == SYM_VAR)
        while (p->s->scopes.v[target].kind == SC_BLOCK)
            target = p->s->scopes.v[target].parent;
    if (kind == SYM_VAR && p->o->ndefines) {
        struct hoist h = {ti, (uint32_t)target, 0, 0};
        SL_VEC_PUSH(p->s->hoists, h);
    }
    int added;
    decl_ent *e = tab_put(p, (uint32_t)target, t->start, t->end - t->start, &added);
    if (target != 0) {
        if (added) /* the linker keeps imports from being captured by these */
            SL_VEC_PUSH(p->s->nested, tok_str(p, t));
        return;
    }
    if (added) {
        js_symbol sym = {.name = tok_str(p, t), .kind = (uint8_t)kind, .import_idx = -1, .stmt = p->stmt};
        e->sym = (int32_t)p->s->syms.n;
        SL_VEC_PUSH(p->s->syms, sym);
        SL_VEC_PUSH(p->s->stmt_decls, (uint32_t)e->sym);
    }
    ref r = {.tok = ti, .scope = 0, .stmt = (uint32_t)p->stmt, .sym = e->sym, .rec = -1, .define = -1,
             .flags = (uint8_t)(flags | OCC_DECL | REF_RESOLVED)};
    SL_VEC_PUSH(p->s->refs, r);
}

/* A synthesized top-level symbol (the name of an anonymous default export). */
static int32_t synth_symbol(P *p, int kind)
{
    js_symbol sym = {.name = "", .kind = (uint8_t)kind, .import_idx = -1, .stmt = p->stmt};
    SL_VEC_PUSH(p->s->syms, sym);
    int32_t id = (int32_t)p->s->syms.n - 1;
    SL_VEC_PUSH(p->s->stmt_decls, (uint32_t)id);
    return id;
}

static int32_t add_ref(P *p, uint32_t ti, uint8_t flags)
{
    ref r = {.tok = ti, .scope = (uint32_t)p->sc, .stmt = (uint32_t)p->stmt, .sym = -1, .rec = -1,
             .define = -1, .flags = flags};
    SL_VEC_PUSH(p->s->refs, r);
    return (int32_t)p->s->refs.n - 1;
}

/* ---- string literals ----------------------------------------------------- */

static int hex_val(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* n hex digits at s (n == 0: up to `}`, as in \u{...}); -1 if malformed. */
static long hex_run(const char *s, size_t avail, size_t n, size_t *used)
{
    long v = 0;
    size_t i = 0;
    for (; i < avail && (n ? i < n : s[i] != '}'); i++) {
        int d = hex_val(s[i]);
        if (d < 0 || v > 0x10FFFF)
            return -1;
        v = v * 16 + d;
    }
    if ((n && i != n) || (!n && (i == 0 || i >= avail)))
        return -1;
    *used = n ? n : i + 1;
    return v;
}

static size_t put_utf8(char *o, unsigned long c)
{
    if (c < 0x80)
        return o[0] = (char)c, 1;
    if (c < 0x800)
        return o[0] = (char)(0xC0 | c >> 6), o[1] = (char)(0x80 | (c & 63)), 2;
    if (c < 0x10000)
        return o[0] = (char)(0xE0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 63)), o[2] = (char)(0x80 | (c & 63)), 3;
    o[0] = (char)(0xF0 | c >> 18), o[1] = (char)(0x80 | (c >> 12 & 63));
    return o[2] = (char)(0x80 | (c >> 6 & 63)), o[3] = (char)(0x80 | (c & 63)), 4;
}

/* One escape after a backslash at s[0..n): its code point (-2: a line
 * continuation, nothing; -1: malformed) and the bytes it used. */
static long escape_at(const char *s, size_t n, size_t *used)
{
    *used = 1;
    switch (s[0]) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    case '0': return n > 1 && s[1] >= '0' && s[1] <= '9' ? -1 : 0;
    case '\r': *used = n > 1 && s[1] == '\n' ? 2 : 1; return -2;
    case '\n': return -2;
    case 'x': {
        long v = hex_run(s + 1, n - 1, 2, used);
        return *used += 1, v;
    }
    case 'u': {
        int braced = n > 1 && s[1] == '{';
        long v = hex_run(s + 1 + braced, n - 1 - braced, braced ? 0 : 4, used);
        return *used += 1 + (size_t)braced, v > 0x10FFFF ? -1 : v;
    }
    default:
        if ((unsigned char)s[0] == 0xE2 && n > 2 && (unsigned char)s[1] == 0x80 &&
            ((unsigned char)s[2] == 0xA8 || (unsigned char)s[2] == 0xA9))
            return *used = 3, -2; /* LS / PS continue the line */
        return s[0] >= '1' && s[0] <= '9' ? -1 : (unsigned char)s[0];
    }
}

/* The value of a string token, its escapes decoded as node decodes them
 * (`"./\x61.js"` is "./a.js"), surrogate pairs joined, in UTF-8.  A
 * malformed escape is a syntax error, as in a module. */
static const char *str_value(P *p, const js_token *t)
{
    size_t n = t->end - t->start - 2;
    char *out = sl__arena_alloc(p->a, n + 1);
    const char *s = p->src + t->start + 1;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            out[j++] = s[i];
            continue;
        }
        size_t used;
        long c = escape_at(s + i + 1, n - i - 1, &used);
        if (c == -1)
            fail(p, t->start + 1 + (uint32_t)i, "invalid escape sequence in string");
        i += used;
        if (c == -2)
            continue;
        if (c >= 0xD800 && c <= 0xDBFF && i + 2 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
            size_t used2;
            long lo = escape_at(s + i + 2, n - i - 2, &used2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i += 1 + used2;
            }
        }
        j += put_utf8(out + j, (unsigned long)c); /* never longer than its escape */
    }
    out[j] = 0;
    return out;
}

static int32_t add_rec(P *p, const js_token *spec, int kind, uint32_t pos, uint32_t end)
{
    js_import_rec r = {.spec = str_value(p, spec), .kind = (uint8_t)kind, .pos = pos, .end = end,
                       .stmt = p->stmt, .module = -1, .spec_pos = spec->start};
    SL_VEC_PUSH(p->s->recs, r);
    return (int32_t)p->s->recs.n - 1;
}

/* ---- expressions --------------------------------------------------------- */

static void parse_expr(P *p, int no_in);
static void parse_assign(P *p, int no_in);
static void parse_stmt(P *p);
static void parse_function(P *p, int is_decl, int is_async, int decl_kind_sym);
static void parse_class(P *p, int is_decl);
static void parse_binding(P *p, int kind);

static int starts_expr(const js_token *t)
{
    if (t->kind == T_EOF)
        return 0;
    if (t->kind != T_PUNCT)
        return !(t->kind == T_TMID || t->kind == T_TTAIL);
    switch (t->op) {
    case ')': case ']': case '}': case ';': case ',': case ':': case '=': case '?': case P_ARROW:
    case P_ASSIGN_OP: case P_BINARY: case '*': case '%': case '<': case '>': case '|': case '^':
    case '&': case '.': case P_OPTCHAIN:
        return 0;
    default:
        return 1;
    }
}

static void parse_template(P *p)
{
    if (cur(p)->kind == T_TEMPLATE) {
        next(p);
        return;
    }
    next(p); /* head */
    for (;;) {
        parse_expr(p, 0);
        js_token *t = cur(p);
        if (t->kind == T_TMID) {
            next(p);
            continue;
        }
        if (t->kind != T_TTAIL)
            fail(p, t->start, "expected '}' in template literal");
        next(p);
        return;
    }
}

static void parse_args(P *p)
{
    expect(p, '(', "expected '('");
    while (!is_op(cur(p), ')')) {
        eat(p, P_ELLIPSIS);
        parse_assign(p, 0);
        if (!eat(p, ','))
            break;
    }
    expect(p, ')', "expected ')' after arguments");
}

/* Parameters up to the closing `)`: patterns, defaults, a rest element. */
static void parse_param_list(P *p)
{
    while (!is_op(cur(p), ')')) {
        eat(p, P_ELLIPSIS);
        parse_binding(p, SYM_VAR);
        if (eat(p, '='))
            parse_assign(p, 0);
        if (!eat(p, ','))
            break;
    }
}

/* Function parameters and body, in a fresh function scope (already pushed). */
static void parse_params_body(P *p, int is_async, int is_gen)
{
    int sa = p->in_async, sg = p->in_gen;
    p->in_async = is_async;
    p->in_gen = is_gen;
    p->fn_depth++;
    expect(p, '(', "expected '(' before parameters");
    parse_param_list(p);
    expect(p, ')', "expected ')' after parameters");
    expect(p, '{', "expected '{' before function body");
    while (!is_op(cur(p), '}')) {
        if (cur(p)->kind == T_EOF)
            fail(p, cur(p)->start, "unexpected end of file in function body");
        parse_stmt(p);
    }
    next(p);
    p->fn_depth--;
    p->in_async = sa;
    p->in_gen = sg;
}

/* A method after its key: (params) { body }. */
static void parse_method(P *p, int is_async, int is_gen)
{
    push_scope(p, SC_FUNC);
    parse_params_body(p, is_async, is_gen);
    pop_scope(p);
}

/* Arrow function starting at the current token (params or a name). */
static void parse_arrow(P *p, int is_async)
{
    push_scope(p, SC_FUNC);
    int sa = p->in_async, sg = p->in_gen;
    p->fn_depth++;
    if (is_op(cur(p), '(')) {
        next(p);
        p->in_async = is_async; /* defaults are evaluated in the arrow */
        parse_param_list(p);
        expect(p, ')', "expected ')' after arrow parameters");
    } else {
        parse_binding(p, SYM_VAR);
    }
    expect(p, P_ARROW, "expected '=>'");
    p->in_async = is_async;
    p->in_gen = 0;
    if (is_op(cur(p), '{')) {
        next(p);
        while (!is_op(cur(p), '}')) {
            if (cur(p)->kind == T_EOF)
                fail(p, cur(p)->start, "unexpected end of file in arrow body");
            parse_stmt(p);
        }
        next(p);
    } else {
        parse_assign(p, 0);
    }
    p->fn_depth--;
    p->in_async = sa;
    p->in_gen = sg;
    pop_scope(p);
}

/* Property key: name, string, number, private name or [computed]. */
static void parse_prop_key(P *p)
{
    js_token *t = cur(p);
    if (is_op(t, '[')) {
        next(p);
        parse_assign(p, 0);
        expect(p, ']', "expected ']' after computed key");
        return;
    }
    if (t->kind == T_NAME || t->kind == T_STR || t->kind == T_NUM || t->kind == T_PRIVATE) {
        next(p);
        return;
    }
    fail(p, t->start, "expected a property name");
}

/* get/set/async/static followed by a key are modifiers; followed by
 * ( = ; , } : they are names themselves. */
static int modifier_here(P *p)
{
    js_token *n = peek(p, 1);
    if (n->flags & TF_NL_BEFORE && cur(p)->op == K_ASYNC)
        return 0;
    return !(is_op(n, '(') || is_op(n, '=') || is_op(n, ';') || is_op(n, ',') || is_op(n, '}') || is_op(n, ':') ||
             n->kind == T_EOF);
}

/* get / set / async / `*` before a method key. */
static void parse_modifiers(P *p, int *is_async, int *is_gen, int *accessor)
{
    *is_async = *is_gen = *accessor = 0;
    js_token *t = cur(p);
    while (t->kind == T_NAME && (t->op == K_GET || t->op == K_SET || t->op == K_ASYNC) && modifier_here(p)) {
        if (t->op == K_ASYNC)
            *is_async = 1;
        else
            *accessor = 1;
        next(p);
        t = cur(p);
    }
    if (is_op(t, '*')) {
        *is_gen = 1;
        next(p);
    }
}

static void parse_object(P *p)
{
    next(p); /* { */
    while (!is_op(cur(p), '}')) {
        js_token *t = cur(p);
        if (is_op(t, P_ELLIPSIS)) {
            next(p);
            parse_assign(p, 0);
        } else {
            int is_async, is_gen, accessor;
            parse_modifiers(p, &is_async, &is_gen, &accessor);
            t = cur(p);
            uint32_t key = p->i;
            int plain = t->kind == T_NAME;
            parse_prop_key(p);
            if (is_op(cur(p), '(')) {
                parse_method(p, is_async, is_gen);
            } else if (accessor || is_async || is_gen) {
                fail(p, cur(p)->start, "expected '(' after method name");
            } else if (is_op(cur(p), ':')) {
                next(p);
                parse_assign(p, 0);
            } else if (plain) {
                if (reserved(&p->t[key]) && p->t[key].op != K_THIS)
                    fail(p, p->t[key].start, "unexpected reserved word in shorthand property");
                int32_t r = add_ref(p, key, OCC_SHORTHAND);
                for (size_t d = 0; d < p->o->ndefines; d++) { /* {DEBUG} with --define DEBUG=... */
                    const js_define *def = &p->o->defines[d];
                    size_t len = strlen(def->parts[0]);
                    if (def->nparts == 1 && p->t[key].end - p->t[key].start == len &&
                        !memcmp(p->src + p->t[key].start, def->parts[0], len)) {
                        p->s->refs.v[r].define = (int32_t)d;
                        p->s->refs.v[r].define_end = p->t[key].end;
                    }
                }
                if (is_op(cur(p), '=')) { /* cover grammar: {a = 1} = obj */
                    next(p);
                    parse_assign(p, 0);
                }
            } else {
                fail(p, cur(p)->start, "expected ':' after property key");
            }
        }
        if (!eat(p, ','))
            break;
    }
    expect(p, '}', "expected '}' after object literal");
}

static void parse_array(P *p)
{
    next(p); /* [ */
    while (!is_op(cur(p), ']')) {
        if (is_op(cur(p), ',')) {
            next(p);
            continue;
        }
        eat(p, P_ELLIPSIS);
        parse_assign(p, 0);
        if (!eat(p, ','))
            break;
    }
    expect(p, ']', "expected ']' after array literal");
}

/* Tries the --define keys against the member chain at the current name. */
static void try_define(P *p, int32_t r)
{
    for (size_t d = 0; d < p->o->ndefines; d++) {
        const js_define *def = &p->o->defines[d];
        uint32_t k = 0, ok = 1;
        for (size_t part = 0; part < def->nparts && ok; part++) {
            const js_token *nt = peek(p, k);
            if (part > 0) {
                if (!is_op(nt, '.')) {
                    ok = 0;
                    break;
                }
                nt = peek(p, ++k);
            }
            size_t len = strlen(def->parts[part]);
            if (nt->kind != T_NAME || nt->end - nt->start != len || memcmp(p->src + nt->start, def->parts[part], len))
                ok = 0;
            k++;
        }
        if (!ok)
            continue;
        const js_token *after = peek(p, k);
        if (is_op(after, '=') || is_op(after, P_ASSIGN_OP) || is_op(after, P_INC) || is_op(after, P_DEC))
            continue;
        p->s->refs.v[r].define = (int32_t)d;
        p->s->refs.v[r].define_end = peek(p, k - 1)->end;
        p->i += k - 1; /* leave the last name as the current token */
        return;
    }
}

/* `import.meta` (start..end) in CommonJS or IIFE output, where it is a
 * syntax error: on node in CommonJS its url/dirname/filename come from the
 * module's own __filename (reserved names, never renamed); anything else
 * is an empty object and a warning, as esbuild does. */
static void replace_import_meta(P *p, uint32_t start, uint32_t end)
{
    static const struct { const char *prop, *text; } node[] = {
        {"url", "require(\"url\").pathToFileURL(__filename).href"},
        {"dirname", "__dirname"},
        {"filename", "__filename"}};
    js_token *prop = peek(p, 1);
    if (p->o->import_meta == JS_META_NODE_CJS && is_op(cur(p), '.') && prop->kind == T_NAME)
        for (size_t i = 0; i < sizeof node / sizeof node[0]; i++)
            if (prop->end - prop->start == strlen(node[i].prop) &&
                !memcmp(p->src + prop->start, node[i].prop, prop->end - prop->start)) {
                js_patch pa = {start, prop->end, node[i].text};
                SL_VEC_PUSH(p->s->patches, pa);
                next(p);
                next(p);
                return;
            }
    js_patch pa = {start, end, "({})"};
    SL_VEC_PUSH(p->s->patches, pa);
    js_warning w = {start, "warning: \"import.meta\" is not available in this output format and will be empty"};
    SL_VEC_PUSH(p->s->warnings, w);
}

/* Primary expression; returns the reference it made (an identifier), or -1. */
static int32_t parse_primary(P *p)
{
    js_token *t = cur(p);
    switch (t->kind) {
    case T_NUM: case T_STR: case T_REGEX:
        next(p);
        return -1;
    case T_TEMPLATE: case T_THEAD:
        parse_template(p);
        return -1;
    case T_PRIVATE: /* #x in obj */
        next(p);
        return -1;
    case T_NAME:
        break;
    case T_PUNCT:
        if (t->op == '(') {
            next(p);
            parse_expr(p, 0);
            expect(p, ')', "expected ')'");
            return -1;
        }
        if (t->op == '[') {
            parse_array(p);
            return -1;
        }
        if (t->op == '{') {
            parse_object(p);
            return -1;
        }
        fail(p, t->start, "unexpected token");
    default:
        fail(p, t->start, t->kind == T_EOF ? "unexpected end of file" : "unexpected token");
    }
    switch (t->op) {
    case K_THIS:
        if (p->fn_depth == 0)
            p->m->flags |= MF_USES_THIS;
        next(p);
        return -1;
    case K_NULL: case K_TRUE: case K_FALSE: case K_SUPER:
        next(p);
        return -1;
    case K_FUNCTION:
        parse_function(p, 0, 0, SYM_FUNCTION);
        return -1;
    case K_CLASS:
        parse_class(p, 0);
        return -1;
    case K_ASYNC:
        if (is_kw(peek(p, 1), K_FUNCTION) && !(peek(p, 1)->flags & TF_NL_BEFORE)) {
            next(p);
            parse_function(p, 0, 1, SYM_FUNCTION);
            return -1;
        }
        break;
    case K_NEW:
        next(p);
        if (is_op(cur(p), '.')) { /* new.target */
            next(p);
            next(p);
        }
        return -1;
    case K_IMPORT: {
        uint32_t start = t->start;
        next(p);
        if (is_op(cur(p), '.')) { /* import.meta */
            next(p);
            uint32_t end = cur(p)->end;
            next(p);
            p->m->flags |= MF_ESM_SYNTAX;
            if (p->o->import_meta != JS_META_KEEP)
                replace_import_meta(p, start, end);
            return -1;
        }
        if (!is_op(cur(p), '('))
            fail(p, cur(p)->start, "expected '(' or '.' after import");
        js_token *open = cur(p);
        if (peek(p, 1)->kind == T_STR && (is_op(peek(p, 2), ')') || is_op(peek(p, 2), ','))) {
            add_rec(p, peek(p, 1), IR_DYNAMIC, start, p->t[open->match].end);
        } else {
            js_warning w = {start, "warning: this \"import()\" will not be bundled: its argument is not a string "
                                   "literal"};
            SL_VEC_PUSH(p->s->warnings, w);
        }
        side_effect(p);
        parse_args(p);
        return -1;
    }
    default:
        if (reserved(t))
            fail(p, t->start, "unexpected keyword");
    }
    int32_t r = add_ref(p, p->i, 0);
    size_t n = t->end - t->start;
    if (n == 7 && !memcmp(p->src + t->start, "require", 7) && is_op(peek(p, 1), '(')) {
        if (peek(p, 2)->kind == T_STR && is_op(peek(p, 3), ')'))
            p->s->refs.v[r].rec = add_rec(p, peek(p, 2), IR_REQUIRE, t->start, peek(p, 3)->end);
        else
            p->s->refs.v[r].warn = W_REQUIRE;
    } else if (n == 4 && !memcmp(p->src + t->start, "eval", 4) && is_op(peek(p, 1), '(')) {
        p->s->refs.v[r].warn = W_EVAL;
    }
    if (p->o->ndefines)
        try_define(p, r);
    next(p);
    return r;
}

/* Member accesses, calls, tagged templates and postfix ++/--. */
static void parse_postfix(P *p, int32_t r, int pure_call)
{
    int first = 1;
    for (;;) {
        js_token *t = cur(p);
        if (is_op(t, '.')) {
            side_effect(p); /* a getter may run */
            next(p);
            js_token *name = cur(p);
            if (name->kind != T_NAME && name->kind != T_PRIVATE)
                fail(p, name->start, "expected a property name after '.'");
            if (first && r >= 0 && name->kind == T_NAME) {
                p->s->refs.v[r].flags |= OCC_MEMBER;
                p->s->refs.v[r].mem_tok = p->i;
                if (is_op(peek(p, 1), '('))
                    p->s->refs.v[r].flags |= OCC_MEM_CALL;
            }
            next(p);
        } else if (is_op(t, P_OPTCHAIN)) {
            side_effect(p);
            next(p);
            if (is_op(cur(p), '(')) {
                side_effect(p);
                parse_args(p);
            } else if (is_op(cur(p), '[')) {
                next(p);
                parse_expr(p, 0);
                expect(p, ']', "expected ']'");
            } else if (cur(p)->kind == T_NAME || cur(p)->kind == T_PRIVATE) {
                next(p);
            } else {
                fail(p, cur(p)->start, "expected a property name after '?.'");
            }
        } else if (is_op(t, '[')) {
            side_effect(p);
            next(p);
            parse_expr(p, 0);
            expect(p, ']', "expected ']'");
        } else if (is_op(t, '(')) {
            if (first && r >= 0)
                p->s->refs.v[r].flags |= OCC_CALL;
            if (!pure_call)
                side_effect(p);
            pure_call = 0;
            parse_args(p);
        } else if (t->kind == T_TEMPLATE || t->kind == T_THEAD) {
            if (first && r >= 0)
                p->s->refs.v[r].flags |= OCC_CALL;
            side_effect(p);
            parse_template(p);
        } else if ((is_op(t, P_INC) || is_op(t, P_DEC)) && !(t->flags & TF_NL_BEFORE)) {
            if (first && r >= 0)
                p->s->refs.v[r].flags |= OCC_WRITE;
            side_effect(p);
            next(p);
            return;
        } else {
            return;
        }
        first = 0;
    }
}

static void parse_unary(P *p);

/* ---- nesting ------------------------------------------------------------
 * The descent recurses once per level of nesting, so input decides how
 * deep the C stack goes.  Every cycle of the recursion passes through one
 * of the counted entries below (an assignment expression, a statement, a
 * binding pattern, a class, a prefix operator); past JS_MAX_NESTING levels
 * the parse stops with "nesting too deep".  The stack that holds the
 * limit is JS_PARSE_STACK bytes (js_parser.h): callers parse on such a
 * thread (sl__js_thread_start). */

static void enter(P *p)
{
    if (++p->depth > JS_MAX_NESTING)
        fail(p, cur(p)->start, "nesting too deep");
}

static void nested_unary(P *p)
{
    enter(p);
    parse_unary(p);
    p->depth--;
}

static void parse_unary(P *p)
{
    js_token *t = cur(p);
    if (t->kind == T_PUNCT) {
        switch (t->op) {
        case '!': case '~': case '+': case '-':
            next(p);
            nested_unary(p);
            return;
        case P_INC: case P_DEC:
            side_effect(p);
            next(p);
            nested_unary(p);
            return;
        default:
            break;
        }
    } else if (t->kind == T_NAME) {
        switch (t->op) {
        case K_TYPEOF: case K_VOID:
            next(p);
            nested_unary(p);
            return;
        case K_DELETE:
            side_effect(p);
            next(p);
            nested_unary(p);
            return;
        case K_AWAIT:
            if (p->in_async || p->fn_depth == 0) {
                if (p->fn_depth == 0 && !(p->m->flags & MF_TLA)) {
                    p->m->flags |= MF_TLA;
                    p->m->tla_pos = t->start;
                }
                side_effect(p);
                next(p);
                nested_unary(p);
                return;
            }
            break;
        case K_YIELD:
            if (p->in_gen) {
                side_effect(p);
                next(p);
                eat(p, '*');
                if (starts_expr(cur(p)) && !(cur(p)->flags & TF_NL_BEFORE))
                    parse_assign(p, 0);
                return;
            }
            break;
        case K_NEW:
            if (!is_op(peek(p, 1), '.')) {
                int pure = t->flags & TF_PURE;
                if (!pure)
                    side_effect(p);
                next(p);
                if (is_kw(cur(p), K_NEW)) {
                    nested_unary(p);
                    return;
                }
                int32_t r = parse_primary(p);
                parse_postfix(p, r, 1);
                return;
            }
            break;
        default:
            break;
        }
    }
    int pure = t->flags & TF_PURE;
    /* a #__PURE__ comment before `(function () { ... }())`, tsc's ES5
     * class: the call inside the parentheses is the annotated one (as in
     * esbuild) */
    if (pure && is_op(t, '(') && peek(p, 1)->kind != T_EOF)
        peek(p, 1)->flags |= TF_PURE;
    int32_t r = parse_primary(p);
    parse_postfix(p, r, pure);
}

static int binary_op(const js_token *t, int no_in)
{
    if (t->kind == T_NAME)
        return t->op == K_INSTANCEOF || (t->op == K_IN && !no_in);
    if (t->kind != T_PUNCT)
        return 0;
    switch (t->op) {
    case P_BINARY: case '+': case '-': case '*': case '/': case '%': case '<': case '>': case '&':
    case '|': case '^':
        return 1;
    default:
        return 0;
    }
}

/* Is the current token the start of an arrow function? */
static int arrow_ahead(P *p, int *is_async)
{
    js_token *t = cur(p);
    *is_async = 0;
    if (t->kind == T_NAME && t->op == K_ASYNC && !(peek(p, 1)->flags & TF_NL_BEFORE)) {
        js_token *n = peek(p, 1);
        if (is_ident(n) && is_op(peek(p, 2), P_ARROW)) {
            *is_async = 1;
            return 1;
        }
        if (is_op(n, '(') && is_op(&p->t[n->match + 1 < p->n ? n->match + 1 : n->match], P_ARROW)) {
            *is_async = 1;
            return 1;
        }
    }
    if (is_ident(t) && is_op(peek(p, 1), P_ARROW))
        return 1;
    if (is_op(t, '(') && t->match + 1 < p->n && is_op(&p->t[t->match + 1], P_ARROW))
        return 1;
    return 0;
}

static struct branch *new_branch(P *p, uint32_t cond_tok, uint32_t cond_end, int expr)
{
    struct branch b = {.cond_tok = cond_tok, .cond_end = cond_end, .then_tok = p->i,
                       .first_scope = (uint32_t)p->s->scopes.n, .fn_depth = p->fn_depth, .owner = p->depth,
                       .expr = (uint8_t)expr};
    SL_VEC_PUSH(p->s->branches, b);
    return &p->s->branches.v[p->s->branches.n - 1];
}

/* An assignment expression: operands and binary operators in a loop
 * (precedence does not matter here), assignments, conditionals.  With
 * --define, each `c ? a : b` is noted: `c` is what came since the chain
 * started (the last `=` or `:`), `b` runs to the end of the expression. */
static void assign_chain(P *p, int no_in)
{
    uint32_t chain = p->i;
    for (;;) {
        int is_async;
        if (arrow_ahead(p, &is_async)) {
            if (is_async)
                next(p);
            parse_arrow(p, is_async);
        } else {
            if (is_kw(cur(p), K_YIELD) && p->in_gen) {
                parse_unary(p);
                return;
            }
            parse_unary(p);
        }
        js_token *t = cur(p);
        if (binary_op(t, no_in)) {
            next(p);
            continue;
        }
        if (is_op(t, '=') || is_op(t, P_ASSIGN_OP)) {
            side_effect(p);
            next(p);
            chain = p->i;
            continue;
        }
        if (is_op(t, '?')) {
            uint32_t q = p->i;
            next(p);
            size_t bi = p->s->branches.n;
            if (p->o->ndefines)
                new_branch(p, chain, q, 1);
            parse_assign(p, 0);
            if (p->o->ndefines) {
                p->s->branches.v[bi].then_end = p->i;
                p->s->branches.v[bi].else_tok = p->i + 1;
            }
            expect(p, ':', "expected ':' in conditional expression");
            chain = p->i;
            continue;
        }
        return;
    }
}

static void parse_assign_body(P *p, int no_in)
{
    size_t first = p->s->branches.n;
    assign_chain(p, no_in);
    for (size_t k = first; k < p->s->branches.n; k++) /* alternates end here */
        if (p->s->branches.v[k].owner == p->depth && p->s->branches.v[k].expr && !p->s->branches.v[k].else_end)
            p->s->branches.v[k].else_end = p->i;
}

static void parse_expr(P *p, int no_in)
{
    parse_assign(p, no_in);
    while (is_op(cur(p), ',')) {
        next(p);
        parse_assign(p, no_in);
    }
}

/* ---- patterns, functions, classes --------------------------------------- */

static void parse_binding_body(P *p, int kind)
{
    js_token *t = cur(p);
    if (is_ident(t)) {
        declare(p, p->i, kind, 0);
        next(p);
        return;
    }
    if (is_op(t, '[')) {
        next(p);
        while (!is_op(cur(p), ']')) {
            if (is_op(cur(p), ',')) {
                next(p);
                continue;
            }
            eat(p, P_ELLIPSIS);
            parse_binding(p, kind);
            if (eat(p, '='))
                parse_assign(p, 0);
            if (!eat(p, ','))
                break;
        }
        expect(p, ']', "expected ']' in array pattern");
        return;
    }
    if (is_op(t, '{')) {
        next(p);
        while (!is_op(cur(p), '}')) {
            js_token *k = cur(p);
            if (is_op(k, P_ELLIPSIS)) {
                next(p);
                parse_binding(p, kind);
            } else if (k->kind == T_NAME && !is_op(peek(p, 1), ':')) {
                if (!is_ident(k))
                    fail(p, k->start, "unexpected keyword in pattern");
                declare(p, p->i, kind, OCC_SHORTHAND);
                next(p);
            } else {
                parse_prop_key(p);
                expect(p, ':', "expected ':' in object pattern");
                parse_binding(p, kind);
            }
            if (eat(p, '='))
                parse_assign(p, 0);
            if (!eat(p, ','))
                break;
        }
        expect(p, '}', "expected '}' in object pattern");
        return;
    }
    fail(p, t->start, "expected a binding name or pattern");
}

/* At `function`.  Declarations bind their name in the enclosing scope;
 * a function expression's name is visible only inside it. */
static void parse_function(P *p, int is_decl, int is_async, int decl_kind_sym)
{
    next(p); /* function */
    int is_gen = 0;
    if (is_op(cur(p), '*')) {
        is_gen = 1;
        next(p);
    }
    uint32_t name = 0;
    int has_name = 0;
    if (cur(p)->kind == T_NAME && !is_op(cur(p), '(')) {
        if (reserved(cur(p)))
            fail(p, cur(p)->start, "unexpected keyword as function name");
        name = p->i;
        has_name = 1;
        next(p);
    }
    if (is_decl && has_name)
        declare(p, name, decl_kind_sym, 0);
    if (is_decl && p->o->ndefines) {
        struct hoist h = {name, 0, p->fn_depth, 1};
        SL_VEC_PUSH(p->s->hoists, h);
    }
    push_scope(p, SC_FUNC);
    if (!is_decl && has_name)
        declare(p, name, SYM_LET, 0);
    int sd = p->pure_depth, si = p->impure;
    parse_params_body(p, is_async, is_gen);
    p->pure_depth = sd;
    p->impure = si;
    pop_scope(p);
}

static void parse_class_body(P *p, int is_decl)
{
    next(p); /* class */
    uint32_t name = 0;
    int has_name = 0;
    if (is_ident(cur(p)) && !is_kw(cur(p), K_EXTENDS)) {
        name = p->i;
        has_name = 1;
        next(p);
    }
    if (is_decl && has_name)
        declare(p, name, SYM_CLASS, 0);
    push_scope(p, SC_BLOCK);
    if (!is_decl && has_name)
        declare(p, name, SYM_CONST, 0);
    if (is_kw(cur(p), K_EXTENDS)) {
        next(p);
        side_effect(p);
        parse_unary(p);
    }
    expect(p, '{', "expected '{' to open the class body");
    while (!is_op(cur(p), '}')) {
        js_token *t = cur(p);
        if (t->kind == T_EOF)
            fail(p, t->start, "unexpected end of file in class body");
        if (is_op(t, ';')) {
            next(p);
            continue;
        }
        int is_static = 0, is_async = 0, is_gen = 0, accessor = 0;
        if (is_kw(t, K_STATIC) && is_op(peek(p, 1), '{')) { /* static block */
            side_effect(p);
            next(p);
            next(p);
            push_scope(p, SC_FUNC);
            p->fn_depth++;
            while (!is_op(cur(p), '}')) {
                if (cur(p)->kind == T_EOF)
                    fail(p, cur(p)->start, "unexpected end of file in static block");
                parse_stmt(p);
            }
            next(p);
            p->fn_depth--;
            pop_scope(p);
            continue;
        }
        if (is_kw(t, K_STATIC) && modifier_here(p)) {
            is_static = 1;
            next(p);
            t = cur(p);
        }
        parse_modifiers(p, &is_async, &is_gen, &accessor);
        if (is_op(cur(p), '['))
            side_effect(p);
        parse_prop_key(p);
        if (is_op(cur(p), '(')) {
            parse_method(p, is_async, is_gen);
            continue;
        }
        if (accessor || is_async || is_gen)
            fail(p, cur(p)->start, "expected '(' after method name");
        if (is_op(cur(p), '=')) {
            next(p);
            push_scope(p, SC_FUNC);
            if (is_static)
                side_effect(p);
            p->fn_depth++;
            int sa = p->in_async, sg = p->in_gen;
            p->in_async = p->in_gen = 0;
            parse_assign(p, 0);
            p->in_async = sa;
            p->in_gen = sg;
            p->fn_depth--;
            pop_scope(p);
        }
        if (is_op(cur(p), ';'))
            next(p);
        else if (!is_op(cur(p), '}') && !(cur(p)->flags & TF_NL_BEFORE))
            fail(p, cur(p)->start, "expected ';' after class field");
    }
    next(p);
    pop_scope(p);
}

/* ---- statements ---------------------------------------------------------- */

static int semicolon(P *p)
{
    js_token *t = cur(p);
    if (is_op(t, ';')) {
        next(p);
        return 1;
    }
    if (is_op(t, '}') || t->kind == T_EOF || (t->flags & TF_NL_BEFORE))
        return 0;
    fail(p, t->start, "expected ';'");
}

static int decl_kind(const js_token *t)
{
    return t->op == K_VAR ? SYM_VAR : t->op == K_LET ? SYM_LET : SYM_CONST;
}

static int is_lexical_decl(P *p)
{
    js_token *t = cur(p);
    if (is_kw(t, K_CONST))
        return 1;
    if (is_kw(t, K_LET)) {
        js_token *n = peek(p, 1);
        return (n->kind == T_NAME && !(n->op == K_IN || n->op == K_INSTANCEOF || n->op == K_OF)) ||
               is_op(n, '[') || is_op(n, '{');
    }
    return 0;
}

/* var/let/const bindings with initializers; the keyword is current. */
static void parse_var_list(P *p, int no_in)
{
    int kind = decl_kind(cur(p));
    next(p);
    for (;;) {
        parse_binding(p, kind);
        if (is_op(cur(p), '=')) {
            next(p);
            parse_assign(p, no_in);
        }
        if (!eat(p, ','))
            break;
    }
}

static void parse_block(P *p)
{
    expect(p, '{', "expected '{'");
    push_scope(p, SC_BLOCK);
    while (!is_op(cur(p), '}')) {
        if (cur(p)->kind == T_EOF)
            fail(p, cur(p)->start, "unexpected end of file: missing '}'");
        parse_stmt(p);
    }
    next(p);
    pop_scope(p);
}

static void parse_for(P *p)
{
    next(p);
    if (is_kw(cur(p), K_AWAIT))
        next(p);
    expect(p, '(', "expected '(' after for");
    push_scope(p, SC_BLOCK);
    if (is_op(cur(p), ';')) {
        /* no init */
    } else if (is_kw(cur(p), K_VAR) || is_lexical_decl(p)) {
        parse_var_list(p, 1);
    } else {
        parse_expr(p, 1);
    }
    if (is_kw(cur(p), K_OF)) {
        next(p);
        parse_assign(p, 0);
    } else if (is_kw(cur(p), K_IN)) {
        next(p);
        parse_expr(p, 0);
    } else {
        expect(p, ';', "expected ';' in for");
        if (!is_op(cur(p), ';'))
            parse_expr(p, 0);
        expect(p, ';', "expected ';' in for");
        if (!is_op(cur(p), ')'))
            parse_expr(p, 0);
    }
    expect(p, ')', "expected ')' after for clauses");
    parse_stmt(p);
    pop_scope(p);
}

static void parse_stmt_body(P *p)
{
    js_token *t = cur(p);
    if (t->kind == T_PUNCT) {
        if (t->op == '{') {
            parse_block(p);
            return;
        }
        if (t->op == ';') {
            next(p);
            return;
        }
    }
    if (t->kind == T_NAME) {
        switch (t->op) {
        case K_VAR:
            parse_var_list(p, 0);
            semicolon(p);
            return;
        case K_LET: case K_CONST:
            if (is_lexical_decl(p)) {
                parse_var_list(p, 0);
                semicolon(p);
                return;
            }
            break;
        case K_FUNCTION:
            parse_function(p, 1, 0, SYM_FUNCTION);
            return;
        case K_ASYNC:
            if (is_kw(peek(p, 1), K_FUNCTION) && !(peek(p, 1)->flags & TF_NL_BEFORE)) {
                next(p);
                parse_function(p, 1, 1, SYM_FUNCTION);
                return;
            }
            break;
        case K_CLASS:
            parse_class(p, 1);
            return;
        case K_IF: {
            side_effect(p);
            next(p);
            expect(p, '(', "expected '(' after if");
            uint32_t cond = p->i;
            parse_expr(p, 0);
            uint32_t cond_end = p->i;
            expect(p, ')', "expected ')'");
            size_t bi = p->s->branches.n;
            if (p->o->ndefines)
                new_branch(p, cond, cond_end, 0);
            parse_stmt(p);
            uint32_t then_end = p->i, else_tok = p->i, else_end = p->i;
            if (is_kw(cur(p), K_ELSE)) {
                next(p);
                else_tok = p->i;
                parse_stmt(p);
                else_end = p->i;
            }
            if (p->o->ndefines) {
                struct branch *b = &p->s->branches.v[bi];
                b->then_end = then_end, b->else_tok = else_tok, b->else_end = else_end;
            }
            return;
        }
        case K_FOR:
            side_effect(p);
            parse_for(p);
            return;
        case K_WHILE: case K_WITH:
            side_effect(p);
            if (is_kw(cur(p), K_WITH) && !p->with_p1)
                p->with_p1 = cur(p)->start + 1;
            next(p);
            expect(p, '(', "expected '('");
            parse_expr(p, 0);
            expect(p, ')', "expected ')'");
            parse_stmt(p);
            return;
        case K_DO:
            side_effect(p);
            next(p);
            parse_stmt(p);
            if (!is_kw(cur(p), K_WHILE))
                fail(p, cur(p)->start, "expected 'while' after do body");
            next(p);
            expect(p, '(', "expected '('");
            parse_expr(p, 0);
            expect(p, ')', "expected ')'");
            eat(p, ';');
            return;
        case K_RETURN:
            side_effect(p);
            next(p);
            if (!is_op(cur(p), ';') && !is_op(cur(p), '}') && cur(p)->kind != T_EOF &&
                !(cur(p)->flags & TF_NL_BEFORE))
                parse_expr(p, 0);
            semicolon(p);
            return;
        case K_BREAK: case K_CONTINUE:
            side_effect(p);
            next(p);
            if (cur(p)->kind == T_NAME && !(cur(p)->flags & TF_NL_BEFORE) && !reserved(cur(p)))
                next(p);
            semicolon(p);
            return;
        case K_THROW:
            side_effect(p);
            next(p);
            parse_expr(p, 0);
            semicolon(p);
            return;
        case K_TRY:
            side_effect(p);
            next(p);
            parse_block(p);
            if (is_kw(cur(p), K_CATCH)) {
                next(p);
                push_scope(p, SC_BLOCK);
                if (is_op(cur(p), '(')) {
                    next(p);
                    parse_binding(p, SYM_LET);
                    expect(p, ')', "expected ')' after catch parameter");
                }
                parse_block(p);
                pop_scope(p);
            }
            if (is_kw(cur(p), K_FINALLY)) {
                next(p);
                parse_block(p);
            }
            return;
        case K_SWITCH:
            side_effect(p);
            next(p);
            expect(p, '(', "expected '(' after switch");
            parse_expr(p, 0);
            expect(p, ')', "expected ')'");
            expect(p, '{', "expected '{' after switch");
            push_scope(p, SC_BLOCK);
            while (!is_op(cur(p), '}')) {
                if (is_kw(cur(p), K_CASE)) {
                    next(p);
                    parse_expr(p, 0);
                    expect(p, ':', "expected ':' after case");
                } else if (is_kw(cur(p), K_DEFAULT)) {
                    next(p);
                    expect(p, ':', "expected ':' after default");
                } else if (cur(p)->kind == T_EOF) {
                    fail(p, cur(p)->start, "unexpected end of file in switch");
                } else {
                    parse_stmt(p);
                }
            }
            next(p);
            pop_scope(p);
            return;
        case K_DEBUGGER:
            side_effect(p);
            next(p);
            semicolon(p);
            return;
        case K_IMPORT:
            if (!is_op(peek(p, 1), '(') && !is_op(peek(p, 1), '.'))
                fail(p, t->start, "import declarations may only appear at the top level of a module");
            break;
        case K_EXPORT:
            fail(p, t->start, "export declarations may only appear at the top level of a module");
        default:
            if (is_ident(t) && is_op(peek(p, 1), ':')) { /* label */
                next(p);
                next(p);
                parse_stmt(p);
                return;
            }
            break;
        }
    }
    parse_expr(p, 0);
    semicolon(p);
}

static void parse_assign(P *p, int no_in)
{
    enter(p);
    parse_assign_body(p, no_in);
    p->depth--;
}

static void parse_binding(P *p, int kind)
{
    enter(p);
    parse_binding_body(p, kind);
    p->depth--;
}

static void parse_class(P *p, int is_decl)
{
    enter(p);
    parse_class_body(p, is_decl);
    p->depth--;
}

static void parse_stmt(P *p)
{
    enter(p);
    parse_stmt_body(p);
    p->depth--;
}

/* ---- module items -------------------------------------------------------- */

static const char *name_or_string(P *p)
{
    js_token *t = cur(p);
    const char *s;
    if (t->kind == T_NAME)
        s = tok_str(p, t);
    else if (t->kind == T_STR)
        s = str_value(p, t);
    else
        fail(p, t->start, "expected a name or string");
    next(p);
    return s;
}

/* from 'spec' [with {...}] */
static int32_t parse_from(P *p, int kind)
{
    if (!is_kw(cur(p), K_FROM))
        fail(p, cur(p)->start, "expected 'from'");
    next(p);
    if (cur(p)->kind != T_STR)
        fail(p, cur(p)->start, "expected a module specifier string");
    int32_t rec = add_rec(p, cur(p), kind, 0, 0);
    next(p);
    return rec;
}

static void skip_attributes(P *p)
{
    if ((is_kw(cur(p), K_WITH) || (cur(p)->kind == T_NAME && cur(p)->end - cur(p)->start == 6 &&
                                   !memcmp(p->src + cur(p)->start, "assert", 6))) &&
        !(cur(p)->flags & TF_NL_BEFORE) && is_op(peek(p, 1), '{')) {
        next(p);
        p->i = cur(p)->match;
        next(p);
    }
}

static void add_import(P *p, uint32_t ti, int32_t rec, const char *imported)
{
    declare(p, ti, SYM_IMPORT, 0);
    int added;
    decl_ent *e = tab_put(p, 0, p->t[ti].start, p->t[ti].end - p->t[ti].start, &added);
    js_import_binding b = {.sym = (uint32_t)e->sym, .rec = (uint32_t)rec, .imported = imported};
    p->s->syms.v[e->sym].import_idx = (int32_t)p->s->imports.n;
    SL_VEC_PUSH(p->s->imports, b);
}

static void parse_import(P *p)
{
    p->m->flags |= MF_ESM_SYNTAX;
    next(p); /* import */
    if (cur(p)->kind == T_STR) {
        add_rec(p, cur(p), IR_IMPORT, 0, 0);
        next(p);
        skip_attributes(p);
        semicolon(p);
        return;
    }
    p->s->import_toks.n = p->s->import_names.n = 0;
#define names (p->s->import_toks)
#define imported (p->s->import_names)
    if (is_ident(cur(p))) {
        SL_VEC_PUSH(names, p->i);
        SL_VEC_PUSH(imported, "default");
        next(p);
        eat(p, ',');
    }
    if (is_op(cur(p), '*')) {
        next(p);
        if (!is_kw(cur(p), K_AS))
            fail(p, cur(p)->start, "expected 'as' after '*'");
        next(p);
        if (!is_ident(cur(p)))
            fail(p, cur(p)->start, "expected a name after 'as'");
        SL_VEC_PUSH(names, p->i);
        SL_VEC_PUSH(imported, "*");
        next(p);
    } else if (is_op(cur(p), '{')) {
        next(p);
        while (!is_op(cur(p), '}')) {
            uint32_t at = p->i;
            const char *im = name_or_string(p);
            if (is_kw(cur(p), K_AS)) {
                next(p);
                at = p->i;
                if (!is_ident(cur(p)))
                    fail(p, cur(p)->start, "expected a name after 'as'");
                next(p);
            } else if (!is_ident(&p->t[at])) {
                fail(p, p->t[at].start, "expected 'as' after imported name");
            }
            SL_VEC_PUSH(names, at);
            SL_VEC_PUSH(imported, im);
            if (!eat(p, ','))
                break;
        }
        expect(p, '}', "expected '}' after import list");
    }
    int32_t rec = parse_from(p, IR_IMPORT);
    for (size_t k = 0; k < names.n; k++)
        add_import(p, names.v[k], rec, imported.v[k]);
#undef names
#undef imported
    skip_attributes(p);
    semicolon(p);
}

static void add_export(P *p, const char *name, int32_t sym, int32_t rec, const char *imported)
{
    js_export e = {.name = name, .sym = sym, .rec = rec, .imported = imported};
    SL_VEC_PUSH(p->s->exports, e);
}

/* export ...; fills in the statement's kind and export entries. */
static void parse_export(P *p, js_stmt *st)
{
    p->m->flags |= MF_ESM_SYNTAX;
    next(p); /* export */
    js_token *t = cur(p);
    if (is_op(t, '*')) {
        next(p);
        const char *as = NULL;
        if (is_kw(cur(p), K_AS)) {
            next(p);
            as = name_or_string(p);
        }
        int32_t rec = parse_from(p, as ? IR_EXPORT_FROM : IR_EXPORT_STAR);
        if (as)
            add_export(p, as, -1, rec, "*");
        else
            SL_VEC_PUSH(p->s->stars, (uint32_t)rec);
        skip_attributes(p);
        semicolon(p);
        st->kind = S_EXPORT_FROM;
        return;
    }
    if (is_op(t, '{')) {
        next(p);
        size_t first = p->s->exports.n;
        p->s->import_toks.n = 0;
#define local_toks (p->s->import_toks)
        while (!is_op(cur(p), '}')) {
            uint32_t at = p->i;
            const char *local = name_or_string(p);
            const char *as = local;
            if (is_kw(cur(p), K_AS)) {
                next(p);
                as = name_or_string(p);
            }
            add_export(p, as, -1, -1, local);
            SL_VEC_PUSH(local_toks, at);
            if (!eat(p, ','))
                break;
        }
        expect(p, '}', "expected '}' after export list");
        if (is_kw(cur(p), K_FROM)) {
            int32_t rec = parse_from(p, IR_EXPORT_FROM);
            for (size_t k = first; k < p->s->exports.n; k++)
                p->s->exports.v[k].rec = rec;
            st->kind = S_EXPORT_FROM;
            skip_attributes(p);
        } else {
            for (size_t k = 0; k < local_toks.n; k++)
                SL_VEC_PUSH(p->s->export_refs, local_toks.v[k]);
            st->kind = S_EXPORT_LIST;
        }
#undef local_toks
        semicolon(p);
        return;
    }
    if (is_kw(t, K_DEFAULT)) {
        next(p);
        st->body = cur(p)->start;
        js_token *d = cur(p);
        int is_async = is_kw(d, K_ASYNC) && is_kw(peek(p, 1), K_FUNCTION) && !(peek(p, 1)->flags & TF_NL_BEFORE);
        if (is_kw(d, K_FUNCTION) || is_async || is_kw(d, K_CLASS)) {
            int is_class = is_kw(d, K_CLASS);
            uint32_t k = is_async ? 2 : 1;
            if (!is_class && is_op(peek(p, k), '*'))
                k++;
            js_token *name = peek(p, k);
            if (is_ident(name) && !(is_class && is_kw(name, K_EXTENDS))) {
                if (is_async)
                    next(p);
                if (is_class)
                    parse_class(p, 1);
                else
                    parse_function(p, 1, is_async, SYM_FUNCTION);
                st->kind = S_EXPORT_DEFAULT_DECL;
                int added;
                decl_ent *e = tab_put(p, 0, name->start, name->end - name->start, &added);
                st->default_sym = e->sym;
            } else {
                st->kind = S_EXPORT_DEFAULT_ANON;
                st->name_at = is_class ? d->end : name->start;
                st->default_sym = synth_symbol(p, is_class ? SYM_CLASS : SYM_FUNCTION);
                if (is_async)
                    next(p);
                if (is_class)
                    parse_class(p, 0);
                else
                    parse_function(p, 0, is_async, SYM_FUNCTION);
            }
        } else {
            st->kind = S_EXPORT_DEFAULT_EXPR;
            st->default_sym = synth_symbol(p, SYM_CONST);
            parse_assign(p, 0);
            st->has_semi = (uint8_t)semicolon(p);
        }
        add_export(p, "default", st->default_sym, -1, NULL);
        return;
    }
    /* export declaration */
    st->kind = S_EXPORT_DECL;
    st->body = t->start;
    size_t first = p->s->stmt_decls.n;
    if (is_kw(t, K_VAR) || is_kw(t, K_LET) || is_kw(t, K_CONST)) {
        parse_var_list(p, 0);
        semicolon(p);
    } else if (is_kw(t, K_FUNCTION)) {
        parse_function(p, 1, 0, SYM_FUNCTION);
    } else if (is_kw(t, K_ASYNC) && is_kw(peek(p, 1), K_FUNCTION)) {
        next(p);
        parse_function(p, 1, 1, SYM_FUNCTION);
    } else if (is_kw(t, K_CLASS)) {
        parse_class(p, 1);
    } else {
        fail(p, t->start, "expected a declaration after export");
    }
    for (size_t k = first; k < p->s->stmt_decls.n; k++) {
        uint32_t sym = p->s->stmt_decls.v[k];
        add_export(p, p->s->syms.v[sym].name, (int32_t)sym, -1, NULL);
    }
}

/* Does the directive prologue (the string statements that open the file)
 * say "use strict"? */
static int use_strict(P *p)
{
    for (uint32_t i = 0; p->t[i].kind == T_STR; i++) {
        const js_token *t = &p->t[i], *n = &p->t[i + 1];
        if (!(is_op(n, ';') || n->kind == T_EOF || is_op(n, '}') || (n->flags & TF_NL_BEFORE)))
            return 0; /* the string is part of an expression */
        if (t->end - t->start == 12 && !memcmp(p->src + t->start + 1, "use strict", 10))
            return 1;
        if (is_op(n, ';'))
            i++;
    }
    return 0;
}

static void parse_program(P *p)
{
    if (use_strict(p))
        p->m->flags |= MF_STRICT;
    while (cur(p)->kind != T_EOF) {
        js_token *t = cur(p);
        js_stmt st = {.start = t->start, .default_sym = -1};
        p->stmt = (int32_t)p->s->stmts.n;
        p->impure = 0;
        p->pure_depth = 0;
        st.decl_first = (uint32_t)p->s->stmt_decls.n;
        int pure_kind = 0;
        if (is_kw(t, K_IMPORT) && !is_op(peek(p, 1), '(') && !is_op(peek(p, 1), '.')) {
            parse_import(p);
            st.kind = S_IMPORT;
            pure_kind = 1;
        } else if (is_kw(t, K_EXPORT)) {
            parse_export(p, &st);
            pure_kind = st.kind == S_EXPORT_FROM || st.kind == S_EXPORT_LIST;
        } else {
            parse_stmt(p);
        }
        st.end = p->t[p->i - (p->i > 0)].end;
        if (cur(p)->kind == T_EOF)
            st.end = p->i > 0 ? p->t[p->i - 1].end : st.end;
        if (p->i > 0 && is_op(&p->t[p->i - 1], ';') && p->t[p->i - 1].end == st.end)
            st.has_semi = 1;
        st.decl_n = (uint32_t)p->s->stmt_decls.n - st.decl_first;
        st.pure = (uint8_t)(pure_kind || !p->impure);
        SL_VEC_PUSH(p->s->stmts, st);
    }
}

/* ---- after the walk: resolve references ---------------------------------- */

static void resolve_refs(P *p)
{
    js_parse_scratch *s = p->s;
    for (size_t k = 0; k < s->refs.n; k++) {
        ref *r = &s->refs.v[k];
        js_token *t = &p->t[r->tok];
        int32_t sym = -1;
        int bound = 0;
        if (r->flags & REF_RESOLVED) {
            sym = r->sym;
            bound = 1;
        } else {
            uint32_t n = t->end - t->start;
            uint32_t h = hash_name(p->src + t->start, n);
            for (int32_t sc = (int32_t)r->scope; sc >= 0; sc = s->scopes.v[sc].parent) {
                decl_ent *e = tab_slot(p, (uint32_t)sc, p->src + t->start, n, h);
                if (e->scope_p1) {
                    bound = 1;
                    sym = sc == 0 ? e->sym : -1;
                    break;
                }
            }
            if (!bound) {
                int added;
                tab_grow(p);
                tab_put(p, FREE_SCOPE, t->start, n, &added);
                if (added)
                    SL_VEC_PUSH(s->free_names, tok_str(p, t));
                if (r->warn) {
                    js_warning w = {t->start, warn_text[r->warn]};
                    SL_VEC_PUSH(s->warnings, w);
                }
                if ((n == 6 && !memcmp(p->src + t->start, "module", 6)) ||
                    (n == 7 && !memcmp(p->src + t->start, "exports", 7)))
                    p->m->flags |= MF_CJS_SYNTAX;
                if (r->define >= 0) {
                    const char *v = p->o->defines[r->define].value;
                    if (r->flags & OCC_SHORTHAND)
                        v = sl__arena_printf(p->a, "%.*s: %s", (int)n, p->src + t->start, v);
                    else if (*v >= '0' && *v <= '9' && r->define_end < p->len && p->src[r->define_end] == '.')
                        v = sl__arena_printf(p->a, "(%s)", v); /* `1.a` would not parse */
                    js_patch pa = {.pos = t->start, .end = r->define_end, .text = v};
                    SL_VEC_PUSH(s->patches, pa);
                }
            }
        }
        if (r->rec >= 0 && bound)
            s->recs.v[r->rec].kind = IR_DEAD; /* a local function named require */
        if (sym < 0)
            continue;
        js_occ o = {.pos = t->start, .len = t->end - t->start, .sym = (uint32_t)sym, .stmt = r->stmt,
                    .flags = (uint8_t)(r->flags & ~REF_RESOLVED)};
        if (r->flags & OCC_MEMBER) {
            o.mem_start = p->t[r->mem_tok].start;
            o.mem_len = p->t[r->mem_tok].end - p->t[r->mem_tok].start;
        }
        SL_VEC_PUSH(s->occs, o);
    }
    for (size_t k = 0, e = 0; k < s->exports.n; k++) {
        js_export *x = &s->exports.v[k];
        if (x->sym >= 0 || x->rec >= 0)
            continue;
        js_token *t = &p->t[s->export_refs.v[e++]];
        int added;
        decl_ent *d = tab_put(p, 0, t->start, t->end - t->start, &added);
        if (added || d->sym < 0)
            fail(p, t->start, "exported name is not declared in this module");
        x->sym = d->sym;
        x->imported = NULL;
    }
}

/* ---- dead branches under --define ------------------------------------------
 * After --define, `if ("production" !== "production") { ... }` and
 * `"production" === "production" ? a : b` have constant conditions.  The
 * branch that cannot run is cut here, before the worker resolves the
 * module's imports, so a require() inside it is never bundled (react's
 * and vue's entries switch between production and development builds this
 * way).  A condition folds when it is made of literals and --define
 * values joined by ! && || == != === !== and parentheses.  A dead branch
 * is replaced by `{}` (or `void 0` in an expression) and everything in
 * it - references, require() and import() calls, --define patches,
 * warnings - is dropped.  A `var` (or, in sloppy code, a function) it
 * declares is visible outside it, so it stays declared: the branch
 * becomes `{ var a, b; }`, keeping each name's own token. */

enum { V_UNKNOWN, V_UNDEF, V_NULL, V_BOOL, V_NUM, V_STR };

typedef struct cval {
    int kind;
    double num;
    const char *str;
    size_t len;
} cval;

typedef struct folder {
    P *p;
    uint32_t i, end; /* tokens left: [i, end) */
    const js_patch *patches;
    size_t npatches;
} folder;

static cval cval_of_text(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0] && !memchr(s + 1, '\\', n - 2) &&
        !memchr(s + 1, s[0], n - 2))
        return (cval){V_STR, 0, s + 1, n - 2};
    if (n == 4 && !memcmp(s, "true", 4))
        return (cval){V_BOOL, 1, NULL, 0};
    if (n == 5 && !memcmp(s, "false", 5))
        return (cval){V_BOOL, 0, NULL, 0};
    if (n == 4 && !memcmp(s, "null", 4))
        return (cval){V_NULL, 0, NULL, 0};
    if (n == 9 && !memcmp(s, "undefined", 9))
        return (cval){V_UNDEF, 0, NULL, 0};
    char buf[64], *e;
    if (n && n < sizeof buf && ((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) {
        memcpy(buf, s, n);
        buf[n] = 0;
        double d = strtod(buf, &e);
        if (!*e)
            return (cval){V_NUM, d, NULL, 0};
    }
    return (cval){V_UNKNOWN, 0, NULL, 0};
}

static int truthy(cval v)
{
    switch (v.kind) {
    case V_BOOL: case V_NUM: return v.num != 0 && v.num == v.num;
    case V_STR: return v.len > 0;
    default: return 0;
    }
}

static cval fold_or(folder *f);

/* A --define patch starting at byte pos, or NULL. */
static const js_patch *patch_at(const folder *f, uint32_t pos)
{
    size_t lo = 0, hi = f->npatches;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->patches[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->npatches && f->patches[lo].pos == pos ? &f->patches[lo] : NULL;
}

static cval fold_primary(folder *f)
{
    P *p = f->p;
    cval unknown = {V_UNKNOWN, 0, NULL, 0};
    if (f->i >= f->end)
        return unknown;
    const js_token *t = &p->t[f->i];
    const js_patch *pa = patch_at(f, t->start);
    if (pa) { /* the define's value, in place of the tokens it covers */
        while (f->i < f->end && p->t[f->i].end <= pa->end)
            f->i++;
        return cval_of_text(pa->text, strlen(pa->text));
    }
    if (is_op(t, '(')) {
        f->i++;
        cval v = fold_or(f);
        if (f->i >= f->end || !is_op(&p->t[f->i], ')'))
            return unknown;
        f->i++;
        return v;
    }
    f->i++;
    if (t->kind == T_STR || t->kind == T_NUM || is_kw(t, K_TRUE) || is_kw(t, K_FALSE) || is_kw(t, K_NULL))
        return cval_of_text(p->src + t->start, t->end - t->start);
    return unknown;
}

static int op_text(const folder *f, const char *op)
{
    if (f->i >= f->end)
        return 0;
    const js_token *t = &f->p->t[f->i];
    size_t n = strlen(op);
    return t->kind == T_PUNCT && t->end - t->start == n && !memcmp(f->p->src + t->start, op, n);
}

static cval fold_unary(folder *f)
{
    if (op_text(f, "!")) {
        f->i++;
        cval v = fold_unary(f);
        return v.kind == V_UNKNOWN ? v : (cval){V_BOOL, !truthy(v), NULL, 0};
    }
    return fold_primary(f);
}

static cval fold_eq(folder *f)
{
    cval a = fold_unary(f);
    for (;;) {
        int strict = op_text(f, "===") || op_text(f, "!=="), neg = op_text(f, "!==") || op_text(f, "!=");
        if (!strict && !op_text(f, "==") && !op_text(f, "!="))
            return a;
        f->i++;
        cval b = fold_unary(f);
        int eq;
        if (a.kind == V_UNKNOWN || b.kind == V_UNKNOWN)
            a.kind = V_UNKNOWN;
        else if (a.kind != b.kind && !(!strict && a.kind <= V_NULL && b.kind <= V_NULL))
            a.kind = strict ? V_BOOL : V_UNKNOWN, a.num = neg; /* loose equality across kinds: not folded */
        else {
            eq = a.kind <= V_NULL || b.kind <= V_NULL   ? 1
                 : a.kind == V_STR ? a.len == b.len && !memcmp(a.str, b.str, a.len)
                                   : a.num == b.num;
            a = (cval){V_BOOL, eq != neg, NULL, 0};
        }
    }
}

static cval fold_and(folder *f)
{
    cval a = fold_eq(f);
    while (op_text(f, "&&")) {
        f->i++;
        cval b = fold_eq(f);
        if (a.kind != V_UNKNOWN && !truthy(a))
            continue; /* false && anything */
        a = a.kind == V_UNKNOWN ? a : b;
    }
    return a;
}

static cval fold_or(folder *f)
{
    cval a = fold_and(f);
    while (op_text(f, "||")) {
        f->i++;
        cval b = fold_and(f);
        if (a.kind != V_UNKNOWN && truthy(a))
            continue; /* true || anything */
        a = a.kind == V_UNKNOWN ? a : b;
    }
    return a;
}

/* 1 true, 0 false, -1 not constant. */
static int fold_condition(P *p, uint32_t from, uint32_t to)
{
    folder f = {p, from, to, p->s->patches.v, p->s->patches.n};
    cval v = fold_or(&f);
    if (v.kind == V_UNKNOWN || f.i != to)
        return -1;
    return truthy(v);
}

typedef SL_VEC(uint32_t) tok_vec;

/* The declarations in tokens [from, to) of branch b that are visible
 * outside it: a var that lands in a scope outside, or (in sloppy code,
 * which hoists it out of its block) a function declared at b's depth.
 * Their name tokens, in order, go to `out`. */
static void hoisted(P *p, const struct branch *b, uint32_t from, uint32_t to, int sloppy, tok_vec *out)
{
    out->n = 0;
    for (size_t k = 0; k < p->s->hoists.n; k++) {
        const struct hoist *h = &p->s->hoists.v[k];
        if (h->tok < from || h->tok >= to)
            continue;
        if (h->is_fn ? sloppy && h->fn_depth == b->fn_depth : h->scope < b->first_scope)
            SL_VEC_PUSH(*out, h->tok);
    }
}

typedef struct dead {
    uint32_t start, end; /* bytes */
    const char *text;
} dead;

typedef SL_VEC(dead) dead_vec;

static int in_dead(const dead *d, size_t n, uint32_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && d[lo].start <= pos;
}

/* By start, the longest first: an outer range wins over one inside it. */
static int cmp_dead(const void *a, const void *b)
{
    const dead *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

static int cmp_patch_pos(const void *a, const void *b)
{
    const js_patch *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Cuts what is dead in place: occurrences, patches, require()/import(). */
static void cut_dead(P *p, dead *d, size_t n)
{
    js_parse_scratch *s = p->s;
    qsort(d, n, sizeof *d, cmp_dead);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* keep the outermost of nested ones */
        if (!k || d[i].start >= d[k - 1].end)
            d[k++] = d[i];
    n = k;
    k = 0;
    for (size_t i = 0; i < s->occs.n; i++)
        if (!in_dead(d, n, s->occs.v[i].pos))
            s->occs.v[k++] = s->occs.v[i];
    s->occs.n = k;
    k = 0;
    for (size_t i = 0; i < s->warnings.n; i++)
        if (!in_dead(d, n, s->warnings.v[i].pos))
            s->warnings.v[k++] = s->warnings.v[i];
    s->warnings.n = k;
    k = 0;
    for (size_t i = 0; i < s->patches.n; i++)
        if (!in_dead(d, n, s->patches.v[i].pos))
            s->patches.v[k++] = s->patches.v[i];
    s->patches.n = k;
    for (size_t i = 0; i < n; i++) {
        js_patch pa = {d[i].start, d[i].end, d[i].text};
        SL_VEC_PUSH(s->patches, pa);
    }
    qsort(s->patches.v, s->patches.n, sizeof *s->patches.v, cmp_patch_pos);
    for (size_t i = 0; i < s->recs.n; i++) {
        js_import_rec *r = &s->recs.v[i];
        if ((r->kind == IR_REQUIRE || r->kind == IR_DYNAMIC) && in_dead(d, n, r->pos))
            r->kind = IR_DEAD;
    }
}

/* Dead tokens [from, to) as ranges to cut.  Declarations that must
 * survive keep their name tokens (so renaming still reaches them):
 * `{ var a, b; }` in place of the statement. */
static void add_dead(P *p, uint32_t from, uint32_t to, int expr, const uint32_t *names, size_t n, dead_vec *d)
{
    uint32_t start = p->t[from].start, end = p->t[to - 1].end;
    if (!n) {
        dead x = {start, end, expr ? "void 0" : "{}"};
        SL_VEC_PUSH(*d, x);
        return;
    }
    for (size_t i = 0; i <= n; i++) {
        dead x = {i ? p->t[names[i - 1]].end : start, i < n ? p->t[names[i]].start : end,
                  i == 0 ? "{ var " : i < n ? ", " : "; }"};
        SL_VEC_PUSH(*d, x);
    }
}

static void fold_branches(P *p)
{
    js_parse_scratch *s = p->s;
    if (!s->branches.n)
        return;
    if (s->patches.n)
        qsort(s->patches.v, s->patches.n, sizeof *s->patches.v, cmp_patch_pos);
    int sloppy = !(p->m->flags & (MF_STRICT | MF_ESM_SYNTAX));
    dead_vec d = {0};
    tok_vec names = {0};
    for (size_t k = 0; k < s->branches.n; k++) {
        const struct branch *b = &s->branches.v[k];
        int c = fold_condition(p, b->cond_tok, b->cond_end);
        uint32_t from = c ? b->else_tok : b->then_tok, to = c ? b->else_end : b->then_end;
        if (c < 0 || from >= to)
            continue;
        hoisted(p, b, from, to, sloppy, &names);
        add_dead(p, from, to, b->expr, names.v, names.n, &d);
    }
    if (d.n)
        cut_dead(p, d.v, d.n);
    free(d.v);
    free(names.v);
}

#define COPY_OUT(field, vec)                                                                       \
    do {                                                                                           \
        m->n##field = s->vec.n;                                                                    \
        m->field = sl__arena_alloc(p->a, s->vec.n * sizeof *s->vec.v + 1);                         \
        if (s->vec.n)                                                                              \
            memcpy((void *)m->field, s->vec.v, s->vec.n * sizeof *s->vec.v);                       \
    } while (0)

static int cmp_warning(const void *a, const void *b)
{
    const js_warning *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void copy_out(P *p)
{
    js_module *m = p->m;
    js_parse_scratch *s = p->s;
    COPY_OUT(stmts, stmts);
    COPY_OUT(stmt_decls, stmt_decls);
    COPY_OUT(syms, syms);
    COPY_OUT(occs, occs);
    COPY_OUT(recs, recs);
    COPY_OUT(imports, imports);
    COPY_OUT(exports, exports);
    COPY_OUT(stars, stars);
    if (s->patches.n > 1) /* import.meta's, made while parsing, among --define's, made after */
        qsort(s->patches.v, s->patches.n, sizeof *s->patches.v, cmp_patch_pos);
    COPY_OUT(patches, patches);
    COPY_OUT(free_names, free_names);
    COPY_OUT(nested_names, nested);
    if (s->warnings.n)
        qsort(s->warnings.v, s->warnings.n, sizeof *s->warnings.v, cmp_warning);
    COPY_OUT(warnings, warnings);
}

static void reset(js_parse_scratch *s)
{
    s->scopes.n = s->refs.n = s->stmts.n = s->stmt_decls.n = s->syms.n = s->recs.n = 0;
    s->imports.n = s->exports.n = s->stars.n = s->occs.n = s->patches.n = 0;
    s->free_names.n = s->nested.n = s->export_refs.n = 0;
    s->branches.n = s->hoists.n = s->warnings.n = 0;
    if (s->tab_n) {
        memset(s->tab, 0, s->tab_cap * sizeof *s->tab);
        s->tab_n = 0;
    }
}

void sl__js_line_col(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (src[i] == '\n')
            l++, c = 1;
        else if (((unsigned char)src[i] & 0xC0) != 0x80)
            c++;
    }
    *line = l;
    *col = c;
}

/* At most this much of the offending line is shown, centred on the column
 * when the line is longer (minified code puts a whole file on one line). */
#define DIAG_WIDTH 160

void sl__js_diag(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg)
{
    uint32_t line, col;
    sl__js_line_col(src, len, pos, &line, &col);
    size_t at = pos > len ? len : pos;
    size_t ls = at;
    while (ls > 0 && src[ls - 1] != '\n' && src[ls - 1] != '\r')
        ls--;
    size_t le = at;
    while (le < len && src[le] != '\n' && src[le] != '\r')
        le++;
    size_t from = ls;
    if (at - ls > DIAG_WIDTH / 2) { /* start on a character boundary */
        from = at - DIAG_WIDTH / 2;
        while (from < at && ((unsigned char)src[from] & 0xC0) == 0x80)
            from++;
    }
    size_t to = le - from > DIAG_WIDTH ? from + DIAG_WIDTH : le;
    while (to > at && to < le && ((unsigned char)src[to] & 0xC0) == 0x80)
        to--;
    uint32_t caret = 0; /* characters between the window's start and pos */
    for (size_t i = from; i < at; i++)
        caret += ((unsigned char)src[i] & 0xC0) != 0x80;
    snprintf(out, outlen, "%s:%u:%u: %s\n    %s%.*s%s\n    %*s^", path, line, col, msg, from > ls ? "..." : "",
             (int)(to - from), src + from, to < le ? "..." : "", (int)caret + (from > ls ? 3 : 0), "");
}

int sl__js_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    int rc = pthread_attr_init(&at);
    if (rc)
        return rc;
    /* The pages are committed only as deep nesting touches them. */
    rc = pthread_attr_setstacksize(&at, JS_PARSE_STACK);
    if (!rc)
        rc = pthread_create(t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return rc;
}

int sl__js_parse(js_module *m, const js_parse_opts *o, sl__arena *a, js_parse_scratch *s, char *err,
                 size_t errlen)
{
    uint32_t epos = 0;
    const char *emsg = NULL;
    int lex_failed = sl__js_lex(m->src, m->len, &s->toks, &epos, &emsg) != 0;
    reset(s);
    if (m->len >= 2 && m->src[0] == '#' && m->src[1] == '!') {
        const char *nl = memchr(m->src, '\n', m->len);
        m->hashbang_end = (uint32_t)(nl ? (size_t)(nl - m->src) : m->len);
    }
    P *p = sl__xrealloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    p->src = m->src;
    p->len = m->len;
    p->t = s->toks.v;
    p->n = (uint32_t)s->toks.n;
    p->a = a;
    p->m = m;
    p->o = o;
    p->s = s;
    p->sc = -1;
    tab_grow(p); /* lookups below assume a table exists */
    push_scope(p, SC_MODULE);
    int rc = 0;
    if (setjmp(p->jb) == 0) {
        parse_program(p);
        if (lex_failed) /* the tokens before the lexer's error parsed fine */
            fail(p, epos, emsg);
        /* an import or export anywhere makes the whole file a module: strict, no `with` (node refuses it) */
        if (p->with_p1 && (m->flags & (MF_ESM_SYNTAX | MF_NODE_MODE)))
            fail(p, p->with_p1 - 1, "\"with\" statements cannot be used in an ECMAScript module");
        resolve_refs(p);
        fold_branches(p);
        copy_out(p);
    } else {
        if (lex_failed && p->err_pos >= epos)
            p->err_pos = epos, p->err_msg = emsg;
        sl__js_diag(err, errlen, m->path, m->src, m->len, p->err_pos, p->err_msg);
        rc = -1;
    }
    free(p);
    return rc;
}
