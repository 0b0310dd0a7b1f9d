/*
 * js_parser.c - statements and expressions (see js_parser.h).
 *
 * Expressions are read by precedence climbing in two halves, as esbuild
 * does: parse_prefix reads an operand (with its prefix operators) and
 * parse_suffix folds every following operator whose level is above the
 * caller's.  Arrow parameters and destructuring targets are first read as
 * expressions (the "cover grammar") and converted to patterns once a `=>`
 * or `=` says what they were; TypeScript's annotations inside parentheses
 * are skipped on the way and oblige the parentheses to be arrow
 * parameters.
 */
#include "js_parser_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- basics */

_Noreturn void sl__js_fail(js_parser *p, uint32_t pos, const char *msg)
{
    sl__js_lex_fail(&p->L, pos, msg);
}

_Noreturn void sl__js_unexpected(js_parser *p)
{
    if (p->L.tok == TK_EOF)
        sl__js_fail(p, p->L.start, "unexpected end of file");
    sl__js_fail(p, p->L.start, "unexpected token");
}

static const char *tok_text(int tok)
{
    switch (tok) {
    case TK_LBRACE: return "expected `{`";
    case TK_RBRACE: return "expected `}`";
    case TK_LPAREN: return "expected `(`";
    case TK_RPAREN: return "expected `)`";
    case TK_LBRACK: return "expected `[`";
    case TK_RBRACK: return "expected `]`";
    case TK_SEMI: return "expected `;`";
    case TK_COLON: return "expected `:`";
    case TK_ASSIGN: return "expected `=`";
    case TK_ARROW: return "expected `=>`";
    case TK_GT: return "expected `>`";
    case TK_NAME: return "expected an identifier";
    case TK_STR: return "expected a string";
    default: return "unexpected token";
    }
}

/* An error only in an ES module: at once when the file is known to be
 * one, else noted and raised at the end if import/export make it one. */
static void module_error(js_parser *p, uint32_t pos, const char *msg)
{
    if (p->ctx & CTX_MODULE)
        sl__js_fail(p, pos, msg);
    if (!p->sloppy_p1) {
        p->sloppy_p1 = pos + 1;
        p->sloppy_msg = msg;
    }
}

/* What strict code refuses, "X cannot be used in strict mode", said of an
 * ES module as esbuild says it: "X cannot be used in an ECMAScript module"
 * where only the module goal makes the code strict (no "use strict", no
 * class around). */
void sl__js_strict_error(js_parser *p, uint32_t pos, const char *msg)
{
    if (p->fs.strict == STRICT_EXPLICIT)
        sl__js_fail(p, pos, msg);
    static const char tail[] = "in strict mode";
    size_t n = strlen(msg), k = sizeof tail - 1;
    if (n >= k && !strcmp(msg + n - k, tail))
        msg = sl__js_printf(p->a, "%.*sin an ECMAScript module", (int)(n - k), msg);
    module_error(p, pos, msg);
}

/* A legacy octal number (010, 08) or string escape ("\1", "\8") is
 * refused in strict code; the lexer marks the token. */
static void octal_check(js_parser *p)
{
    if (p->L.legacy_octal)
        JS_VEC_PUSH(p->octals, p->L.start);
    if (p->L.legacy_octal)
        sl__js_strict_error(p, p->L.start, p->L.tok == TK_NUM ? "Legacy octal literals cannot be used in strict mode"
                                                              : "Legacy octal escape sequences cannot be used in strict mode");
}

void sl__js_expect(js_parser *p, int tok)
{
    if (p->L.tok != tok)
        sl__js_fail(p, p->L.start, p->L.tok == TK_EOF ? "unexpected end of file" : tok_text(tok));
    next(p);
}

/* A statement ends: `;`, or automatic insertion before `}`, the end, or a line break. */
void sl__js_semicolon(js_parser *p)
{
    if (eat(p, TK_SEMI))
        return;
    if (is(p, TK_RBRACE) || is(p, TK_EOF) || p->L.nl_before)
        return;
    sl__js_fail(p, p->L.start, "expected `;`");
}

const char sl__js_msg_too_deep[] = "nesting too deep";

void sl__js_enter(js_parser *p)
{
    if (++p->depth > (p->o.max_depth ? p->o.max_depth : JS_MAX_DEPTH))
        sl__js_fail(p, p->L.start, sl__js_msg_too_deep);
}

js_node *sl__js_mk(js_parser *p, int kind, uint32_t pos)
{
    return sl__js_node(p->a, kind, pos);
}

const char *sl__js_tok_name(js_parser *p)
{
    return sl__js_strndup(p->a, p->L.name, p->L.name_len);
}

js_node *sl__js_name_node(js_parser *p)
{
    js_node *n = sl__js_mk(p, N_IDENT, p->L.start);
    n->s = sl__js_tok_name(p);
    return n;
}

void sl__js_list_end(js_parser *p, js_node *owner, size_t mark)
{
    owner->n = (uint32_t)(p->stack.n - mark);
    owner->list = owner->n ? sl__js_list_copy(p->a, p->stack.v + mark, owner->n) : NULL;
    p->stack.n = mark;
}

/* Speculations nest strictly (the innermost ends first), so their saved
 * states form a stack; it lives in heap chunks, not in the recursive
 * functions' frames, which keeps deep nesting cheap in stack. */
enum { SPEC_CHUNK = 64 };

js_spec *sl__js_spec_push(js_parser *p)
{
    size_t i = p->spec_n++, c = i / SPEC_CHUNK;
    if (c == p->spec_nchunks) {
        p->spec_chunks = sl__js_xrealloc(p->spec_chunks, (c + 1) * sizeof *p->spec_chunks);
        p->spec_chunks[c] = sl__js_xrealloc(NULL, SPEC_CHUNK * sizeof **p->spec_chunks);
        p->spec_nchunks++;
    }
    js_spec *sp = &p->spec_chunks[c][i % SPEC_CHUNK];
    sp->L = p->L;
    sp->ctx = p->ctx;
    sp->depth = p->depth;
    sp->stack_n = p->stack.n;
    sp->labels_n = p->labels.n;
    sp->covers_n = p->covers.n;
    sp->yields = p->yields;
    sp->fs = p->fs;
    sp->outer = p->L.fail;
    p->L.fail = &sp->env;
    return sp;
}

void sl__js_spec_restore(js_parser *p, js_spec *sp)
{
    p->L = sp->L; /* the saved copy holds fail == outer */
    p->ctx = sp->ctx;
    p->depth = sp->depth;
    p->stack.n = sp->stack_n;
    p->labels.n = sp->labels_n;
    p->covers.n = sp->covers_n;
    p->yields = sp->yields;
    p->fs = sp->fs;
    p->spec_n--;
}

void sl__js_spec_commit(js_parser *p, js_spec *sp)
{
    p->L.fail = sp->outer;
    p->spec_n--;
}

/* A name that may be an identifier reference or binding here (reserved words are not). */
int sl__js_is_identifier_tok(js_parser *p)
{
    if (p->L.tok != TK_NAME)
        return 0;
    if (p->L.kw == K_NONE || p->L.kw > K_LAST_RESERVED) {
        if (p->L.kw == K_AWAIT && (p->ctx & (CTX_ASYNC | CTX_MODULE)))
            return 0;
        if (p->L.kw == K_YIELD && (p->ctx & CTX_GENERATOR))
            return 0;
        return 1;
    }
    return 0;
}

static js_node *ident(js_parser *p)
{
    if (!sl__js_is_identifier_tok(p))
        sl__js_fail(p, p->L.start, p->L.tok == TK_NAME ? "unexpected reserved word" : "expected an identifier");
    js_node *n = sl__js_name_node(p);
    next(p);
    return n;
}

static js_node *str_node(js_parser *p)
{
    octal_check(p);
    js_node *n = sl__js_str(p->a, p->L.str, p->L.str_len, p->L.start);
    next(p);
    return n;
}

/* ------------------------------------------------------------ patterns */

/* Converts an expression read by the cover grammar to a binding or
 * assignment pattern, in place. */
static void to_pattern(js_parser *p, js_node *e, int binding)
{
    switch (e->kind) {
    case N_IDENT:
        if (binding && (e->flags & JF_PARENS))
            break; /* ((a)) => 1 */
        return;
    case N_MEMBER:
    case N_INDEX:
        if (!binding && !(e->flags & (JF_OPT_START | JF_OPT_CONT)))
            return;
        break;
    case N_ARRAY:
        if (e->flags & JF_PARENS)
            break;
        for (uint32_t i = 0; i < e->n; i++) {
            js_node *x = e->list[i];
            if (x->kind == N_SPREAD) {
                if (i + 1 != e->n)
                    sl__js_fail(p, x->pos, "a rest element must be last");
                to_pattern(p, x->a, binding);
            } else if (x->kind != N_HOLE) {
                to_pattern(p, x, binding);
            }
        }
        return;
    case N_OBJECT:
        if (e->flags & JF_PARENS)
            break;
        for (size_t i = p->covers.n; i-- > 0;) /* a pattern may name __proto__ twice, or have {a = 1} */
            if (p->covers.v[i].obj == e)
                p->covers.v[i] = p->covers.v[--p->covers.n];
        for (uint32_t i = 0; i < e->n; i++) {
            js_node *x = e->list[i];
            if (x->kind == N_SPREAD) {
                if (i + 1 != e->n)
                    sl__js_fail(p, x->pos, "a rest element must be last");
                to_pattern(p, x->a, binding);
                continue;
            }
            if (x->kind != N_PROPERTY || x->op != JP_INIT)
                sl__js_fail(p, x->pos, "invalid destructuring target");
            if (x->c) { /* {a = 1}: the default becomes an assignment pattern */
                js_node *as = sl__js_mk(p, N_ASSIGN, x->b->pos);
                as->a = x->b;
                as->b = x->c;
                x->b = as;
                x->c = NULL;
            }
            to_pattern(p, x->b, binding);
        }
        return;
    case N_ASSIGN:
        if (e->op == JB_NONE && !(e->flags & JF_PARENS)) {
            to_pattern(p, e->a, binding);
            return;
        }
        break;
    }
    sl__js_fail(p, e->pos, binding ? "invalid binding pattern" : "invalid assignment target");
}

/* The target of ++, -- or a compound assignment.  A call is accepted (it
 * throws at run time in sloppy code, as browsers keep it for the web). */
static int simple_target(const js_node *e)
{
    if (e->kind == N_IDENT || e->kind == N_CALL)
        return 1;
    return (e->kind == N_MEMBER || e->kind == N_INDEX) && !(e->flags & (JF_OPT_START | JF_OPT_CONT));
}

static js_node *parse_binding_elem(js_parser *p)
{
    js_node *b = sl__js_parse_binding(p);
    if (is(p, TK_ASSIGN)) {
        js_node *as = sl__js_mk(p, N_ASSIGN, b->pos);
        next(p);
        as->a = b;
        as->b = sl__js_parse_expr(p, L_COMMA);
        return as;
    }
    return b;
}

/* BindingIdentifier | ArrayBindingPattern | ObjectBindingPattern */
js_node *sl__js_parse_binding(js_parser *p)
{
    uint32_t pos = p->L.start;
    if (is(p, TK_LBRACK)) {
        sl__js_enter(p);
        next(p);
        js_node *arr = sl__js_mk(p, N_ARRAY, pos);
        size_t mark = p->stack.n;
        while (!is(p, TK_RBRACK)) {
            if (is(p, TK_COMMA)) {
                push(p, sl__js_mk(p, N_HOLE, p->L.start));
                next(p);
                continue;
            }
            if (is(p, TK_ELLIPSIS)) {
                js_node *r = sl__js_mk(p, N_SPREAD, p->L.start);
                next(p);
                r->a = sl__js_parse_binding(p);
                push(p, r);
                break;
            }
            push(p, parse_binding_elem(p));
            if (!is(p, TK_RBRACK))
                sl__js_expect(p, TK_COMMA);
        }
        sl__js_expect(p, TK_RBRACK);
        sl__js_list_end(p, arr, mark);
        leave(p);
        return arr;
    }
    if (is(p, TK_LBRACE)) {
        sl__js_enter(p);
        next(p);
        js_node *obj = sl__js_mk(p, N_OBJECT, pos);
        size_t mark = p->stack.n;
        while (!is(p, TK_RBRACE)) {
            if (is(p, TK_ELLIPSIS)) {
                js_node *r = sl__js_mk(p, N_SPREAD, p->L.start);
                next(p);
                r->a = ident(p);
                push(p, r);
                break;
            }
            js_node *prop = sl__js_mk(p, N_PROPERTY, p->L.start);
            prop->op = JP_INIT;
            int shorthand_ok = sl__js_is_identifier_tok(p);
            uint32_t kpos = p->L.start;
            const char *kname = shorthand_ok ? sl__js_tok_name(p) : NULL;
            prop->a = sl__js_parse_property_key(p, &prop->flags);
            if (is(p, TK_COLON)) {
                next(p);
                prop->b = parse_binding_elem(p);
            } else {
                if (!shorthand_ok || (prop->flags & JF_COMPUTED))
                    sl__js_fail(p, kpos, "expected `:`");
                prop->flags |= JF_SHORTHAND;
                js_node *id = sl__js_ident(p->a, kname, kpos);
                if (is(p, TK_ASSIGN)) {
                    js_node *as = sl__js_mk(p, N_ASSIGN, kpos);
                    next(p);
                    as->a = id;
                    as->b = sl__js_parse_expr(p, L_COMMA);
                    prop->b = as;
                } else {
                    prop->b = id;
                }
            }
            push(p, prop);
            if (!is(p, TK_RBRACE))
                sl__js_expect(p, TK_COMMA);
        }
        sl__js_expect(p, TK_RBRACE);
        sl__js_list_end(p, obj, mark);
        leave(p);
        return obj;
    }
    return ident(p);
}

/* ----------------------------------------------------------- functions */

/* Parameters `( ... )`: bindings with defaults, a rest element, and in
 * TypeScript `this` parameters, modifiers (parameter properties),
 * `?`, annotations and decorators. */
static void parse_params(js_parser *p, js_node *fn, int is_ctor)
{
    sl__js_expect(p, TK_LPAREN);
    size_t mark = p->stack.n;
    while (!is(p, TK_RPAREN)) {
        /* parameter decorators (experimentalDecorators): kept in the parameter's c slot */
        js_node *volatile decos = is(p, TK_AT) ? sl__js_parse_decorators(p) : NULL;
        volatile uint16_t prop_flags = 0;
        if (p->o.ts) {
            while (p->L.tok == TK_NAME && sl__ts_is_modifier(p->L.kw)) {
                js_spec *sp;
                if (JS_TRY(p, sp))
                    break;
                next(p);
                if (!(is(p, TK_NAME) || is(p, TK_LBRACE) || is(p, TK_LBRACK)) || p->L.nl_before)
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                if (is_ctor)
                    prop_flags = JF_PARAM_PROP;
            }
            if (is_kw(p, K_THIS) && p->stack.n == mark) {
                next(p);
                sl__ts_skip_type_annotation(p);
                if (!is(p, TK_RPAREN))
                    sl__js_expect(p, TK_COMMA);
                continue;
            }
        }
        if (is(p, TK_ELLIPSIS)) {
            js_node *r = sl__js_mk(p, N_SPREAD, p->L.start);
            next(p);
            r->a = sl__js_parse_binding(p);
            if (p->o.ts) {
                eat(p, TK_QUESTION);
                sl__ts_skip_type_annotation(p);
            }
            push(p, r);
            if (is(p, TK_COMMA) && p->o.ts)
                next(p);
            break;
        }
        js_node *b = sl__js_parse_binding(p);
        if (p->o.ts) {
            eat(p, TK_QUESTION);
            sl__ts_skip_type_annotation(p);
        }
        if (is(p, TK_ASSIGN)) {
            js_node *as = sl__js_mk(p, N_ASSIGN, b->pos);
            next(p);
            as->a = b;
            as->b = sl__js_parse_expr(p, L_COMMA);
            b = as;
        }
        b->flags |= prop_flags;
        if (decos)
            b->c = decos;
        push(p, b);
        if (!is(p, TK_RPAREN))
            sl__js_expect(p, TK_COMMA);
    }
    sl__js_expect(p, TK_RPAREN);
    sl__js_list_end(p, fn, mark);
}

static int simple_params(const js_node *fn)
{
    for (uint32_t i = 0; i < fn->n; i++)
        if (fn->list[i]->kind != N_IDENT)
            return 0;
    return 1;
}

/* Is statement s (parsed from a string token) the directive "use strict"? */
static int use_strict_directive(js_parser *p, const js_node *s)
{
    if (s->kind != N_EXPR || s->a->kind != N_STR || (s->a->flags & JF_PARENS))
        return -1; /* not a directive: the prologue ends */
    const char *raw = p->L.src + s->a->pos;
    return s->a->pos + 12 <= p->L.len && (!memcmp(raw, "\"use strict\"", 12) || !memcmp(raw, "'use strict'", 12));
}

/* A function's or arrow's block body, with its directive prologue: a
 * "use strict" there makes the function strict (JF_STRICT), which is an
 * error after a legacy octal escape in an earlier directive or with a
 * non-simple parameter list. */
static js_node *parse_body_block(js_parser *p, js_node *fn)
{
    js_node *b = sl__js_mk(p, N_BLOCK, p->L.start);
    sl__js_expect(p, TK_LBRACE);
    size_t mark = p->stack.n;
    int prologue = 1;
    uint32_t octal_p1 = 0;
    while (!is(p, TK_RBRACE)) {
        if (is(p, TK_EOF))
            sl__js_fail(p, p->L.start, "expected `}`");
        int str = prologue && is(p, TK_STR);
        uint32_t pos = p->L.start;
        if (str && p->L.legacy_octal && !octal_p1)
            octal_p1 = pos + 1;
        js_node *s = sl__js_parse_stmt(p);
        if (prologue && s) {
            int d = str ? use_strict_directive(p, s) : -1;
            prologue = d >= 0;
            if (d == 1) {
                if (!simple_params(fn))
                    sl__js_fail(p, pos, "Cannot use a \"use strict\" directive in a function with a non-simple parameter list");
                if (octal_p1)
                    sl__js_fail(p, octal_p1 - 1, "Legacy octal escape sequences cannot be used in strict mode");
                fn->flags |= JF_STRICT;
                p->fs.strict = STRICT_EXPLICIT;
            }
        }
        if (s)
            push(p, s);
    }
    next(p);
    sl__js_list_end(p, b, mark);
    return b;
}

/* ctx: the function's own context bits (async, generator, what super and
 * new.target may do).  Labels, loops and switches outside are not seen. */
static js_node *parse_fn_body(js_parser *p, js_node *fn, unsigned ctx)
{
    unsigned saved = p->ctx;
    js_fnstate fs = p->fs;
    size_t labels_n = p->labels.n;
    uint32_t yields = p->yields;
    p->ctx = (p->ctx & (CTX_MODULE | CTX_IN_CLASS)) | CTX_IN_FUNCTION | ctx;
    p->fs = (js_fnstate){.label_base = (uint32_t)p->labels.n, .strict = fs.strict};
    js_node *body = parse_body_block(p, fn);
    p->ctx = saved;
    p->fs = fs;
    p->labels.n = labels_n;
    p->yields = yields; /* the body's yields are not in any parameter list */
    return body;
}

enum { CTX_FN_ROLES = CTX_NEW_TARGET | CTX_SUPER_PROP | CTX_SUPER_CALL };

/* After the name: type parameters, parameters, return type, body.  In
 * TypeScript a signature without a body (an overload, or `declare`) leaves
 * b NULL. */
js_node *sl__js_parse_function_rest(js_parser *p, js_node *fn, int is_method, int is_ctor)
{
    unsigned ctx = (fn->flags & JF_ASYNC ? CTX_ASYNC : 0) | (fn->flags & JF_GENERATOR ? CTX_GENERATOR : 0) |
                   CTX_NEW_TARGET | (is_method ? CTX_SUPER_PROP : 0) |
                   (is_ctor && (p->ctx & CTX_DERIVED) ? CTX_SUPER_CALL : 0);
    unsigned saved = p->ctx;
    p->ctx = (p->ctx & ~(CTX_ASYNC | CTX_GENERATOR | CTX_FN_ROLES)) | ctx;
    if (p->o.ts)
        sl__ts_skip_type_params(p);
    uint32_t yields = p->yields;
    parse_params(p, fn, is_ctor);
    if (p->yields != yields)
        sl__js_fail(p, fn->pos, "Cannot use a \"yield\" expression in a parameter list");
    if (p->o.ts)
        sl__ts_skip_return_annotation(p);
    p->ctx = saved;
    if (p->o.ts && !is(p, TK_LBRACE)) {
        fn->b = NULL; /* overload signature */
        return fn;
    }
    fn->b = parse_fn_body(p, fn, ctx);
    return fn;
}

static js_node *parse_function(js_parser *p, uint32_t pos, uint16_t flags, int kind, int name_required)
{
    /* current token: `function` */
    next(p);
    js_node *fn = sl__js_mk(p, kind, pos);
    fn->flags = flags;
    if (eat(p, TK_STAR))
        fn->flags |= JF_GENERATOR;
    if (p->L.tok == TK_NAME && !is(p, TK_LPAREN)) {
        /* the name of a generator/async function expression follows its own rules */
        unsigned saved = p->ctx;
        if (kind == N_FUNCTION)
            p->ctx = (p->ctx & ~(CTX_ASYNC | CTX_GENERATOR)) | (fn->flags & JF_ASYNC ? CTX_ASYNC : 0) |
                     (fn->flags & JF_GENERATOR ? CTX_GENERATOR : 0);
        fn->a = ident(p);
        p->ctx = saved;
    } else if (name_required) {
        sl__js_fail(p, p->L.start, "a function declaration needs a name");
    }
    return sl__js_parse_function_rest(p, fn, 0, 0);
}

js_node *sl__js_parse_arrow_body(js_parser *p, js_node *arrow)
{
    unsigned ctx = arrow->flags & JF_ASYNC ? CTX_ASYNC : 0;
    if (p->L.nl_before)
        sl__js_fail(p, p->L.start, "a line break is not allowed before `=>`");
    sl__js_expect(p, TK_ARROW);
    if (is(p, TK_LBRACE)) {
        /* an arrow keeps the enclosing generator's `yield` rules off, and its own async */
        arrow->b = parse_fn_body(p, arrow, ctx | (p->ctx & CTX_FN_ROLES));
        return arrow;
    }
    unsigned saved = p->ctx;
    p->ctx = (p->ctx & ~(CTX_ASYNC | CTX_GENERATOR)) | ctx | CTX_IN_FUNCTION;
    arrow->flags |= JF_EXPR_BODY;
    arrow->b = sl__js_parse_expr(p, L_COMMA);
    p->ctx = saved;
    return arrow;
}

/* ---------------------------------------------------- objects, classes */

/* A property name: identifier name, string, number, bigint, [computed], #private. */
js_node *sl__js_parse_property_key(js_parser *p, uint16_t *flags)
{
    uint32_t pos = p->L.start;
    js_node *k;
    switch (p->L.tok) {
    case TK_NAME:
        k = sl__js_str(p->a, p->L.name, p->L.name_len, pos);
        next(p);
        return k;
    case TK_STR:
        k = str_node(p);
        k->flags |= JF_QUOTED;
        return k;
    case TK_NUM:
        octal_check(p);
        k = sl__js_mk(p, N_NUM, pos);
        k->num = p->L.num;
        next(p);
        return k;
    case TK_BIGINT:
        k = sl__js_mk(p, N_BIGINT, pos);
        k->s = sl__js_tok_name(p);
        next(p);
        return k;
    case TK_PRIVATE:
        if (!(p->ctx & CTX_IN_CLASS))
            sl__js_fail(p, pos, "private names are only allowed in classes");
        k = sl__js_mk(p, N_PRIVATE, pos);
        k->s = sl__js_tok_name(p);
        next(p);
        return k;
    case TK_LBRACK: {
        next(p);
        unsigned saved = p->ctx;
        p->ctx &= ~CTX_NO_IN;
        k = sl__js_parse_expr(p, L_COMMA);
        p->ctx = saved;
        sl__js_expect(p, TK_RBRACK);
        *flags |= JF_COMPUTED;
        return k;
    }
    default:
        sl__js_fail(p, pos, "expected a property name");
    }
}

static int key_is(const js_node *k, uint16_t flags, const char *name)
{
    return k->kind == N_STR && !(flags & JF_COMPUTED) && k->n == strlen(name) && !memcmp(k->s, name, k->n);
}

/* Can the current token start a property key (after get/set/async/static)? */
static int starts_key(js_parser *p)
{
    switch (p->L.tok) {
    case TK_NAME: case TK_STR: case TK_NUM: case TK_BIGINT: case TK_LBRACK: case TK_PRIVATE: case TK_STAR:
        return 1;
    default:
        return 0;
    }
}

/* A getter takes no parameter; a setter exactly one, not a rest. */
static void accessor_arity_check(js_parser *p, const js_node *m)
{
    const js_node *fn = m->b;
    if (m->op == JP_GET && fn->n)
        sl__js_fail(p, fn->list[0]->pos, "A getter cannot have parameters");
    if (m->op == JP_SET && (fn->n != 1 || fn->list[0]->kind == N_SPREAD))
        sl__js_fail(p, m->a->pos, "A setter must have exactly one parameter");
}

static js_node *method_value(js_parser *p, uint32_t pos, uint16_t fflags, int is_ctor)
{
    js_node *fn = sl__js_mk(p, N_FUNCTION, pos);
    fn->flags = fflags;
    return sl__js_parse_function_rest(p, fn, 1, is_ctor);
}

static js_node *parse_object_member(js_parser *p)
{
    uint32_t pos = p->L.start;
    if (is(p, TK_ELLIPSIS)) {
        js_node *s = sl__js_mk(p, N_SPREAD, pos);
        next(p);
        s->a = sl__js_parse_expr(p, L_COMMA);
        return s;
    }
    js_node *prop = sl__js_mk(p, N_PROPERTY, pos);
    uint16_t fflags = 0;
    int kind = JP_INIT;
    if (is_kw(p, K_ASYNC) || is_kw(p, K_GET) || is_kw(p, K_SET)) {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            int kw = p->L.kw;
            next(p);
            if (starts_key(p) && !p->L.nl_before) {
                sl__js_spec_commit(p, sp);
                if (kw == K_ASYNC)
                    fflags |= JF_ASYNC, kind = JP_METHOD;
                else
                    kind = kw == K_GET ? JP_GET : JP_SET;
            } else {
                longjmp(sp->env, 1);
            }
        }
    }
    if (eat(p, TK_STAR))
        fflags |= JF_GENERATOR, kind = JP_METHOD;
    int shorthand_ok = sl__js_is_identifier_tok(p) || is_kw(p, K_AWAIT) || is_kw(p, K_YIELD);
    const char *kname = p->L.tok == TK_NAME ? sl__js_tok_name(p) : NULL;
    prop->a = sl__js_parse_property_key(p, &prop->flags);
    if (kind != JP_INIT || is(p, TK_LPAREN) || (p->o.ts && is(p, TK_LT))) {
        prop->op = (uint8_t)(kind == JP_INIT ? JP_METHOD : kind);
        prop->b = method_value(p, pos, fflags, 0);
        if (!prop->b->b)
            sl__js_fail(p, p->L.start, "expected `{`");
        accessor_arity_check(p, prop);
        return prop;
    }
    prop->op = JP_INIT;
    if (eat(p, TK_COLON)) {
        prop->b = sl__js_parse_expr(p, L_COMMA);
        return prop;
    }
    if (!shorthand_ok || (prop->flags & JF_COMPUTED) || prop->a->kind != N_STR || (prop->a->flags & JF_QUOTED))
        sl__js_fail(p, p->L.start, "expected `:`");
    if (kname && sl__js_is_reserved(kname, strlen(kname)))
        sl__js_fail(p, pos, "unexpected reserved word");
    prop->flags |= JF_SHORTHAND;
    prop->b = sl__js_ident(p->a, kname, pos);
    if (is(p, TK_ASSIGN)) { /* only valid when this object becomes a pattern */
        next(p);
        prop->c = sl__js_parse_expr(p, L_COMMA);
    }
    return prop;
}

static js_node *parse_object(js_parser *p)
{
    js_node *obj = sl__js_mk(p, N_OBJECT, p->L.start);
    next(p);
    size_t mark = p->stack.n;
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    int protos = 0;
    while (!is(p, TK_RBRACE)) {
        js_node *m = parse_object_member(p);
        if (m->kind == N_PROPERTY && m->op == JP_INIT && !(m->flags & JF_SHORTHAND) && key_is(m->a, m->flags, "__proto__") &&
            protos++ == 1) {
            js_cover c = {obj, m->pos, "Cannot specify the \"__proto__\" property more than once per object"};
            JS_VEC_PUSH(p->covers, c);
        }
        if (m->kind == N_PROPERTY && m->c) {
            js_cover c = {obj, m->c->pos, "Unexpected \"=\""};
            JS_VEC_PUSH(p->covers, c);
        }
        push(p, m);
        if (!is(p, TK_RBRACE))
            sl__js_expect(p, TK_COMMA);
    }
    p->ctx = saved;
    next(p);
    sl__js_list_end(p, obj, mark);
    return obj;
}

js_node *sl__js_parse_decorators(js_parser *p)
{
    js_node *list = sl__js_mk(p, N_LIST, p->L.start);
    size_t mark = p->stack.n;
    while (is(p, TK_AT)) {
        next(p);
        js_node *e;
        if (is(p, TK_LPAREN)) {
            next(p);
            e = sl__js_parse_expr(p, L_LOWEST);
            sl__js_expect(p, TK_RPAREN);
        } else {
            e = ident(p);
            while (is(p, TK_DOT)) {
                next(p);
                js_node *m = sl__js_mk(p, N_MEMBER, e->pos);
                m->a = e;
                if (p->L.tok != TK_NAME && p->L.tok != TK_PRIVATE)
                    sl__js_unexpected(p);
                m->c = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
                next(p);
                e = m;
            }
            if (p->o.ts && (is(p, TK_LT) || is(p, TK_SHL)))
                sl__ts_try_type_args_in_expr(p);
            if (is(p, TK_LPAREN)) {
                js_node *c = sl__js_mk(p, N_CALL, e->pos);
                c->a = e;
                sl__js_parse_args(p, c);
                e = c;
            }
        }
        push(p, e);
    }
    sl__js_list_end(p, list, mark);
    return list;
}

static int is_ts_member_modifier(js_parser *p)
{
    return p->o.ts && p->L.tok == TK_NAME &&
           (p->L.kw == K_PUBLIC || p->L.kw == K_PRIVATE || p->L.kw == K_PROTECTED || p->L.kw == K_READONLY ||
            p->L.kw == K_ABSTRACT || p->L.kw == K_OVERRIDE || p->L.kw == K_DECLARE);
}

/* One class member; NULL for what TypeScript drops (index signatures, overloads, abstract members). */
static js_node *parse_class_member(js_parser *p)
{
    uint32_t pos = p->L.start;
    js_node *decos = is(p, TK_AT) ? sl__js_parse_decorators(p) : NULL;
    js_node *m = sl__js_mk(p, N_PROPERTY, p->L.start);
    m->d = decos;
    uint16_t fflags = 0;
    int kind = JP_INIT, dropped = 0;
    /* modifiers: each is a modifier only if a key follows it */
    for (;;) {
        if (!(is_kw(p, K_STATIC) || is_kw(p, K_ASYNC) || is_kw(p, K_GET) || is_kw(p, K_SET) ||
              is_kw(p, K_ACCESSOR) || is_ts_member_modifier(p)))
            break;
        js_spec *sp;
        if (JS_TRY(p, sp))
            break;
        int kw = p->L.kw;
        next(p);
        if (kw == K_STATIC && is(p, TK_LBRACE)) { /* static block */
            sl__js_spec_commit(p, sp);
            m->op = JP_STATIC_BLOCK;
            m->flags |= JF_STATIC;
            unsigned saved = p->ctx;
            js_fnstate fs = p->fs;
            size_t labels_n = p->labels.n;
            p->ctx = (p->ctx & (CTX_MODULE | CTX_IN_CLASS)) | CTX_CLASS_STATIC | CTX_IN_FUNCTION | CTX_NEW_TARGET |
                     CTX_SUPER_PROP;
            p->fs = (js_fnstate){.label_base = (uint32_t)p->labels.n, .strict = p->fs.strict};
            m->b = sl__js_parse_block(p);
            p->ctx = saved;
            p->fs = fs;
            p->labels.n = labels_n;
            return m;
        }
        if (!starts_key(p) || (p->L.nl_before && kw != K_STATIC && kw != K_GET && kw != K_SET)) {
            longjmp(sp->env, 1);
        }
        sl__js_spec_commit(p, sp);
        switch (kw) {
        case K_STATIC: m->flags |= JF_STATIC; break;
        case K_ASYNC: fflags |= JF_ASYNC; kind = JP_METHOD; break;
        case K_GET: kind = JP_GET; break;
        case K_SET: kind = JP_SET; break;
        case K_ACCESSOR: kind = JP_ACCESSOR; break;
        case K_ABSTRACT: dropped = 1; break;
        case K_DECLARE: m->flags |= JF_DECLARE; break;
        default: break; /* public, private, protected, readonly, override */
        }
    }
    if (p->o.ts && is(p, TK_LBRACK)) { /* an index signature `[k: T]: U;`? */
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (sl__js_is_identifier_tok(p)) {
                next(p);
                if (is(p, TK_COLON)) {
                    sl__js_spec_commit(p, sp);
                    sl__ts_skip_type_annotation(p);
                    sl__js_expect(p, TK_RBRACK);
                    sl__ts_skip_type_annotation(p);
                    sl__js_semicolon(p);
                    return NULL;
                }
            }
            longjmp(sp->env, 1);
        }
    }
    if (eat(p, TK_STAR))
        fflags |= JF_GENERATOR, kind = JP_METHOD;
    m->a = sl__js_parse_property_key(p, &m->flags);
    if (p->o.ts && (is(p, TK_QUESTION) || is(p, TK_BANG)))
        next(p);
    if (kind == JP_METHOD || kind == JP_GET || kind == JP_SET || is(p, TK_LPAREN) || (p->o.ts && is(p, TK_LT))) {
        int is_ctor = !(m->flags & JF_STATIC) && key_is(m->a, m->flags, "constructor");
        m->op = (uint8_t)(kind == JP_INIT ? JP_METHOD : kind);
        if (is_ctor && (m->op != JP_METHOD || fflags))
            sl__js_fail(p, m->a->pos, "A class constructor cannot be a getter, a setter, a generator or async");
        if ((m->flags & JF_STATIC) && key_is(m->a, m->flags, "prototype"))
            sl__js_fail(p, m->a->pos, "Invalid field name \"prototype\"");
        m->b = method_value(p, pos, fflags, is_ctor);
        accessor_arity_check(p, m);
        if (!m->b->b) { /* overload or abstract: no body */
            sl__js_semicolon(p);
            return NULL;
        }
        return dropped ? NULL : m;
    }
    m->op = (uint8_t)(kind == JP_ACCESSOR ? JP_ACCESSOR : JP_FIELD);
    if (key_is(m->a, m->flags, (m->flags & JF_STATIC) ? "prototype" : "constructor"))
        sl__js_fail(p, m->a->pos, (m->flags & JF_STATIC) ? "Invalid field name \"prototype\""
                                                         : "Invalid field name \"constructor\"");
    if (p->o.ts)
        sl__ts_skip_type_annotation(p);
    if (eat(p, TK_ASSIGN)) {
        unsigned saved = p->ctx;
        p->ctx = (p->ctx & (CTX_MODULE | CTX_IN_CLASS)) | CTX_IN_FUNCTION | CTX_NEW_TARGET | CTX_SUPER_PROP;
        m->b = sl__js_parse_expr(p, L_COMMA);
        p->ctx = saved;
    }
    sl__js_semicolon(p);
    return dropped ? NULL : m;
}

/* `class` [name] [<T>] [extends E] [implements ...] { members }; kind N_CLASS or N_CLASS_DECL. */
js_node *sl__js_parse_class(js_parser *p, int kind, js_node *decorators)
{
    js_node *c = sl__js_mk(p, kind, p->L.start);
    c->c = decorators;
    next(p); /* class */
    unsigned saved = p->ctx;
    uint8_t strict = p->fs.strict;
    /* all of a class is strict code; in a file already known to be a module,
     * for the module's sake (esbuild's words follow the module) */
    p->fs.strict = strict ? strict : p->is_module || (p->ctx & CTX_MODULE) ? STRICT_MODULE : STRICT_EXPLICIT;
    if (sl__js_is_identifier_tok(p) && !(p->o.ts && is_kw(p, K_IMPLEMENTS)))
        c->a = ident(p);
    if (p->o.ts)
        sl__ts_skip_type_params(p);
    if (eat_kw(p, K_EXTENDS)) {
        c->b = sl__js_parse_expr(p, L_NEW);
        /* `extends A()` is a call: L_NEW stops before it, so fold calls here */
        while (is(p, TK_LPAREN) || (p->o.ts && (is(p, TK_LT) || is(p, TK_SHL)))) {
            if (!is(p, TK_LPAREN)) { /* `extends B<T> {` / `implements`: a heritage `<` is always type arguments */
                sl__ts_skip_type_args(p);
                continue;
            }
            js_node *call = sl__js_mk(p, N_CALL, c->b->pos);
            call->a = c->b;
            sl__js_parse_args(p, call);
            c->b = call;
        }
    }
    if (p->o.ts && eat_kw(p, K_IMPLEMENTS)) {
        do
            sl__ts_skip_type(p);
        while (eat(p, TK_COMMA));
    }
    sl__js_expect(p, TK_LBRACE);
    p->ctx = (p->ctx & ~CTX_DERIVED) | CTX_IN_CLASS | (c->b ? CTX_DERIVED : 0);
    size_t mark = p->stack.n;
    int ctors = 0;
    while (!is(p, TK_RBRACE)) {
        if (eat(p, TK_SEMI))
            continue;
        js_node *m = parse_class_member(p);
        if (m && m->op == JP_METHOD && !(m->flags & JF_STATIC) && key_is(m->a, m->flags, "constructor") && ctors++)
            sl__js_fail(p, m->a->pos, "Classes cannot contain more than one constructor");
        if (m)
            push(p, m);
    }
    next(p);
    p->ctx = saved;
    p->fs.strict = strict;
    sl__js_list_end(p, c, mark);
    return c;
}

/* ---------------------------------------------------------- expressions */

void sl__js_parse_args(js_parser *p, js_node *call)
{
    sl__js_expect(p, TK_LPAREN);
    size_t mark = p->stack.n;
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    while (!is(p, TK_RPAREN)) {
        if (is(p, TK_ELLIPSIS)) {
            js_node *s = sl__js_mk(p, N_SPREAD, p->L.start);
            next(p);
            s->a = sl__js_parse_expr(p, L_COMMA);
            push(p, s);
        } else {
            push(p, sl__js_parse_expr(p, L_COMMA));
        }
        if (!is(p, TK_RPAREN))
            sl__js_expect(p, TK_COMMA);
    }
    p->ctx = saved;
    next(p);
    call->aux = p->L.prev_end;
    sl__js_list_end(p, call, mark);
}

/* An untagged template's text may not hold a legacy octal escape (`\1`,
 * `\01`, `\8`), in sloppy code either: only `\0` not before a digit.  A
 * tagged one may (its cooked value is undefined). */
static void template_octal_check(js_parser *p, const js_node *tag)
{
    if (tag)
        return;
    const char *s = p->L.str;
    for (uint32_t i = 0; i + 1 < p->L.str_len; i++) {
        if (s[i] != '\\')
            continue;
        char c = s[++i];
        if ((c >= '1' && c <= '9') || (c == '0' && i + 1 < p->L.str_len && s[i + 1] >= '0' && s[i + 1] <= '9'))
            sl__js_fail(p, (uint32_t)(s - p->L.src) + i - 1,
                        "Legacy octal escape sequences cannot be used in template literals");
    }
}

static js_node *parse_template(js_parser *p, js_node *tag)
{
    js_node *t = sl__js_mk(p, N_TEMPLATE, tag ? tag->pos : p->L.start);
    t->a = tag;
    size_t mark = p->stack.n;
    js_node *q = sl__js_mk(p, N_TEMPLATE_STR, p->L.start);
    q->s = sl__js_strndup(p->a, p->L.str, p->L.str_len);
    q->n = p->L.str_len;
    template_octal_check(p, tag);
    push(p, q);
    if (is(p, TK_THEAD)) {
        unsigned saved = p->ctx;
        p->ctx &= ~CTX_NO_IN;
        for (;;) {
            next(p);
            push(p, sl__js_parse_expr(p, L_LOWEST));
            if (!is(p, TK_RBRACE))
                sl__js_fail(p, p->L.start, "expected `}` in template literal");
            sl__js_lex_template_cont(&p->L);
            q = sl__js_mk(p, N_TEMPLATE_STR, p->L.start);
            q->s = sl__js_strndup(p->a, p->L.str, p->L.str_len);
            q->n = p->L.str_len;
            template_octal_check(p, tag);
            push(p, q);
            if (is(p, TK_TTAIL))
                break;
        }
        p->ctx = saved;
    }
    next(p);
    sl__js_list_end(p, t, mark);
    return t;
}

/* Parenthesized expression or arrow parameters, from `(`. */
static js_node *parse_paren_or_arrow(js_parser *p, uint32_t pos, uint16_t async_flag)
{
    uint32_t yields = p->yields;
    next(p);
    size_t mark = p->stack.n;
    int must_arrow = 0, rest = 0, trailing_comma = 0;
    uint32_t comma_pos = 0;
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    while (!is(p, TK_RPAREN)) {
        trailing_comma = 0;
        if (is(p, TK_ELLIPSIS)) {
            js_node *r = sl__js_mk(p, N_SPREAD, p->L.start);
            next(p);
            r->a = sl__js_parse_binding(p);
            if (p->o.ts) {
                eat(p, TK_QUESTION);
                sl__ts_skip_type_annotation(p);
            }
            push(p, r);
            rest = must_arrow = 1;
            break;
        }
        js_node *item;
        if (p->o.ts && sl__js_is_identifier_tok(p)) {
            /* `(a?: T` / `(a?)` / `(a?, ` : an optional parameter */
            js_spec *sp;
            item = NULL;
            if (!JS_TRY(p, sp)) {
                js_node *id = sl__js_name_node(p);
                next(p);
                if (!is(p, TK_QUESTION))
                    longjmp(sp->env, 1);
                next(p);
                if (!(is(p, TK_COLON) || is(p, TK_COMMA) || is(p, TK_RPAREN) || is(p, TK_ASSIGN)))
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                must_arrow = 1;
                item = id;
                if (is(p, TK_COLON))
                    sl__ts_skip_type_annotation(p);
                if (eat(p, TK_ASSIGN)) {
                    js_node *as = sl__js_mk(p, N_ASSIGN, id->pos);
                    as->a = id;
                    as->b = sl__js_parse_expr(p, L_COMMA);
                    item = as;
                }
            }
            if (!item)
                item = sl__js_parse_expr(p, L_COMMA);
        } else {
            item = sl__js_parse_expr(p, L_COMMA);
        }
        if (p->o.ts && is(p, TK_COLON)) {
            sl__ts_skip_type_annotation(p);
            must_arrow = 1;
            if (is(p, TK_ASSIGN)) { /* (a: T = 1) */
                js_node *as = sl__js_mk(p, N_ASSIGN, item->pos);
                next(p);
                as->a = item;
                as->b = sl__js_parse_expr(p, L_COMMA);
                item = as;
            }
        }
        push(p, item);
        if (is(p, TK_RPAREN))
            break;
        comma_pos = p->L.start;
        sl__js_expect(p, TK_COMMA);
        trailing_comma = 1;
    }
    uint32_t close = p->L.start;
    sl__js_expect(p, TK_RPAREN);
    p->ctx = saved;
    int arrow = is(p, TK_ARROW) && !p->L.nl_before;
    if (!arrow && p->o.ts && is(p, TK_COLON) && sl__ts_try_return_type_arrow(p))
        arrow = 1;
    if (arrow || must_arrow || async_flag) {
        if (!arrow && !async_flag)
            sl__js_fail(p, p->L.start, "expected `=>`");
        if (!arrow) { /* async(...) is a call */
            js_node *call = sl__js_mk(p, N_CALL, pos);
            call->a = sl__js_ident(p->a, "async", pos);
            sl__js_list_end(p, call, mark);
            return call;
        }
        js_node *fn = sl__js_mk(p, N_ARROW, pos);
        fn->flags = async_flag;
        sl__js_list_end(p, fn, mark);
        if (p->yields != yields)
            sl__js_fail(p, pos, "Cannot use a \"yield\" expression in a parameter list");
        for (uint32_t i = 0; i < fn->n; i++)
            to_pattern(p, fn->list[i]->kind == N_SPREAD ? fn->list[i]->a : fn->list[i], 1);
        (void)rest;
        return sl__js_parse_arrow_body(p, fn);
    }
    if (p->stack.n == mark)
        sl__js_fail(p, close, "expected an expression");
    if (trailing_comma)
        sl__js_fail(p, comma_pos, "unexpected `,`");
    js_node *e;
    if (p->stack.n - mark == 1) {
        e = p->stack.v[mark];
        p->stack.n = mark;
    } else {
        e = sl__js_mk(p, N_SEQ, p->stack.v[mark]->pos);
        sl__js_list_end(p, e, mark);
    }
    e->flags |= JF_PARENS;
    return e;
}

static js_node *parse_array(js_parser *p)
{
    js_node *arr = sl__js_mk(p, N_ARRAY, p->L.start);
    next(p);
    size_t mark = p->stack.n;
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    while (!is(p, TK_RBRACK)) {
        if (is(p, TK_COMMA)) {
            push(p, sl__js_mk(p, N_HOLE, p->L.start));
            next(p);
            continue;
        }
        if (is(p, TK_ELLIPSIS)) {
            js_node *s = sl__js_mk(p, N_SPREAD, p->L.start);
            next(p);
            s->a = sl__js_parse_expr(p, L_COMMA);
            push(p, s);
        } else {
            push(p, sl__js_parse_expr(p, L_COMMA));
        }
        if (!is(p, TK_RBRACK))
            sl__js_expect(p, TK_COMMA);
    }
    p->ctx = saved;
    next(p);
    sl__js_list_end(p, arr, mark);
    return arr;
}

static js_node *unary(js_parser *p, int kind, int op, uint32_t pos, int level)
{
    js_node *u = sl__js_mk(p, kind, pos);
    u->op = (uint8_t)op;
    u->a = sl__js_parse_expr(p, level);
    return u;
}

/* `async` seen as the current token: async function, async arrow, or a name. */
static js_node *parse_async(js_parser *p, int level)
{
    uint32_t pos = p->L.start;
    js_spec *sp;
    if (!JS_TRY(p, sp)) {
        next(p);
        if (p->L.nl_before)
            longjmp(sp->env, 1);
        if (is_kw(p, K_FUNCTION)) {
            sl__js_spec_commit(p, sp);
            return parse_function(p, pos, JF_ASYNC, N_FUNCTION, 0);
        }
        if (sl__js_is_identifier_tok(p) || is_kw(p, K_AWAIT) || is_kw(p, K_YIELD)) { /* async x => */
            js_node *param = sl__js_name_node(p);
            next(p);
            if (!is(p, TK_ARROW) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            js_node *fn = sl__js_mk(p, N_ARROW, pos);
            fn->flags = JF_ASYNC;
            fn->n = 1;
            fn->list = sl__js_list_copy(p->a, &param, 1);
            return sl__js_parse_arrow_body(p, fn);
        }
        if ((is(p, TK_LPAREN) || (p->o.ts && is(p, TK_LT))) && level < L_CALL) {
            sl__js_spec_commit(p, sp);
            if (is(p, TK_LT)) { /* async <T>(x) => ... */
                sl__ts_skip_type_params(p);
                if (!is(p, TK_LPAREN))
                    sl__js_unexpected(p);
            }
            return parse_paren_or_arrow(p, pos, JF_ASYNC);
        }
        longjmp(sp->env, 1);
    }
    js_node *id = sl__js_name_node(p);
    next(p);
    if (is(p, TK_ARROW) && !p->L.nl_before) {
        js_node *fn = sl__js_mk(p, N_ARROW, pos);
        fn->n = 1;
        fn->list = sl__js_list_copy(p->a, &id, 1);
        return sl__js_parse_arrow_body(p, fn);
    }
    return id;
}

/* `import` in expression position: import(...), import.meta. */
static js_node *parse_import_expr(js_parser *p, int level)
{
    uint32_t pos = p->L.start;
    next(p);
    if (eat(p, TK_DOT)) {
        if (!is_kw(p, K_META))
            sl__js_fail(p, p->L.start, "expected `meta`");
        next(p);
        p->is_module = 1;
        return sl__js_mk(p, N_IMPORT_META, pos);
    }
    if (!is(p, TK_LPAREN) || level >= L_CALL)
        sl__js_fail(p, pos, "unexpected `import`");
    next(p);
    js_node *c = sl__js_mk(p, N_IMPORT_CALL, pos);
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    c->a = sl__js_parse_expr(p, L_COMMA);
    if (eat(p, TK_COMMA) && !is(p, TK_RPAREN)) {
        c->b = sl__js_parse_expr(p, L_COMMA);
        eat(p, TK_COMMA);
    }
    p->ctx = saved;
    sl__js_expect(p, TK_RPAREN);
    c->aux = p->L.prev_end;
    return c;
}

static js_node *parse_new(js_parser *p)
{
    uint32_t pos = p->L.start;
    next(p);
    if (is(p, TK_DOT)) {
        next(p);
        if (!is_kw(p, K_TARGET))
            sl__js_fail(p, p->L.start, "expected `target`");
        next(p);
        if (!(p->ctx & CTX_NEW_TARGET))
            sl__js_fail(p, pos, "Cannot use \"new.target\" here");
        return sl__js_mk(p, N_NEW_TARGET, pos);
    }
    js_node *n = sl__js_mk(p, N_NEW, pos);
    n->flags |= p->L.pure ? 0 : 0;
    n->a = sl__js_parse_expr(p, L_MEMBER);
    if (n->a->kind == N_SUPER)
        sl__js_fail(p, n->a->pos, "Unexpected \"super\"");
    if (p->o.ts && (is(p, TK_LT) || is(p, TK_SHL)))
        sl__ts_try_type_args_in_expr(p);
    if (is(p, TK_LPAREN))
        sl__js_parse_args(p, n);
    return n;
}

/* A regular expression's flags: each known, none twice, not both u and v. */
static void regex_flags_check(js_parser *p, const js_node *re)
{
    uint32_t end = re->n, at = end;
    while (at > 0 && re->s[at - 1] != '/')
        at--;
    unsigned seen = 0;
    for (uint32_t i = at; i < end; i++) {
        const char *k = strchr("dgimsuyv", re->s[i]);
        char c[2] = {re->s[i], 0};
        if (!k || !re->s[i])
            sl__js_fail(p, re->pos + i, sl__js_printf(p->a, "Invalid regular expression flag \"%s\"", c));
        unsigned bit = 1u << (k - "dgimsuyv");
        if (seen & bit)
            sl__js_fail(p, re->pos + i, sl__js_printf(p->a, "Duplicate flag \"%s\" in regular expression", c));
        seen |= bit;
    }
    if ((seen & 0xA0) == 0xA0) /* u and v */
        sl__js_fail(p, re->pos + at, "The \"u\" and \"v\" regular expression flags cannot be used together");
}

/* `await` at the top level of a file not declared a module: an await
 * expression when an operand follows on the same line (`await import(x)`,
 * `await f()`), an identifier otherwise. */
static int top_level_await_ahead(js_parser *p)
{
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    next(p);
    int yes = !p->L.nl_before &&
              ((is(p, TK_NAME) && p->L.kw != K_IN && p->L.kw != K_INSTANCEOF && p->L.kw != K_OF && p->L.kw != K_AS) ||
               is(p, TK_NUM) || is(p, TK_STR) || is(p, TK_TEMPLATE) || is(p, TK_THEAD));
    sl__js_spec_restore(p, sp);
    return yes;
}

static js_node *parse_prefix(js_parser *p, int level)
{
    uint32_t pos = p->L.start;
    js_node *e;
    switch (p->L.tok) {
    case TK_NAME:
        switch (p->L.kw) {
        case K_THIS: next(p); return sl__js_mk(p, N_THIS, pos);
        case K_SUPER:
            next(p);
            if (!is(p, TK_LPAREN) && !is(p, TK_DOT) && !is(p, TK_LBRACK))
                sl__js_fail(p, pos, "`super` must be followed by `(`, `.` or `[`");
            if (!(p->ctx & (is(p, TK_LPAREN) ? CTX_SUPER_CALL : CTX_SUPER_PROP)))
                sl__js_fail(p, pos, "Unexpected \"super\"");
            return sl__js_mk(p, N_SUPER, pos);
        case K_NULL: next(p); return sl__js_mk(p, N_NULL, pos);
        case K_TRUE: case K_FALSE:
            e = sl__js_mk(p, N_BOOL, pos);
            e->op = p->L.kw == K_TRUE;
            next(p);
            return e;
        case K_FUNCTION: return parse_function(p, pos, 0, N_FUNCTION, 0);
        case K_CLASS: return sl__js_parse_class(p, N_CLASS, NULL);
        case K_NEW: return parse_new(p);
        case K_IMPORT: return parse_import_expr(p, level);
        case K_TYPEOF: next(p); return unary(p, N_UNARY, JU_TYPEOF, pos, L_PREFIX - 1);
        case K_VOID: next(p); return unary(p, N_UNARY, JU_VOID, pos, L_PREFIX - 1);
        case K_DELETE:
            next(p);
            e = unary(p, N_UNARY, JU_DELETE, pos, L_PREFIX - 1);
            if (e->a->kind == N_IDENT)
                sl__js_strict_error(p, pos, "Delete of a bare identifier cannot be used in strict mode");
            return e;
        case K_ASYNC:
            if (!p->L.escaped)
                return parse_async(p, level);
            break;
        case K_AWAIT:
            if (p->ctx & (CTX_ASYNC | CTX_MODULE) && !(p->ctx & CTX_CLASS_STATIC)) {
                if (!(p->ctx & CTX_IN_FUNCTION))
                    p->is_module = 1; /* top-level await */
                next(p);
                return unary(p, N_AWAIT, 0, pos, L_PREFIX - 1);
            }
            if (!(p->ctx & (CTX_IN_FUNCTION | CTX_CLASS_STATIC)) && top_level_await_ahead(p)) {
                p->is_module = 1; /* a file not known to be a module uses top-level await: it is one */
                next(p);
                return unary(p, N_AWAIT, 0, pos, L_PREFIX - 1);
            }
            break;
        case K_YIELD:
            if (p->ctx & CTX_GENERATOR) {
                if (level > L_ASSIGN)
                    sl__js_fail(p, pos, "`yield` is not allowed here");
                next(p);
                p->yields++;
                e = sl__js_mk(p, N_YIELD, pos);
                if (eat(p, TK_STAR)) {
                    e->flags |= JF_DELEGATE;
                    e->a = sl__js_parse_expr(p, L_YIELD);
                } else if (!p->L.nl_before && !is(p, TK_RPAREN) && !is(p, TK_RBRACK) && !is(p, TK_RBRACE) &&
                           !is(p, TK_COMMA) && !is(p, TK_COLON) && !is(p, TK_SEMI) && !is(p, TK_EOF) &&
                           !is(p, TK_TTAIL) && !is(p, TK_TMID) && !is_kw(p, K_IN) && !is_kw(p, K_OF) && !is(p, TK_QUESTION)) {
                    e->a = sl__js_parse_expr(p, L_YIELD);
                }
                return e;
            }
            break;
        default:
            break;
        }
        if (!sl__js_is_identifier_tok(p))
            sl__js_fail(p, pos, "unexpected reserved word");
        e = sl__js_name_node(p);
        next(p);
        if (is(p, TK_ARROW) && !p->L.nl_before && level <= L_ASSIGN) {
            js_node *fn = sl__js_mk(p, N_ARROW, pos);
            fn->n = 1;
            fn->list = sl__js_list_copy(p->a, &e, 1);
            return sl__js_parse_arrow_body(p, fn);
        }
        return e;
    case TK_STR:
        return str_node(p);
    case TK_NUM:
        octal_check(p);
        e = sl__js_mk(p, N_NUM, pos);
        e->num = p->L.num;
        next(p);
        return e;
    case TK_BIGINT:
        e = sl__js_mk(p, N_BIGINT, pos);
        e->s = sl__js_tok_name(p);
        next(p);
        return e;
    case TK_TEMPLATE: case TK_THEAD:
        return parse_template(p, NULL);
    case TK_SLASH: case TK_SLASH_EQ:
        sl__js_lex_regex(&p->L);
        e = sl__js_mk(p, N_REGEX, pos);
        e->s = sl__js_strndup(p->a, p->L.str, p->L.str_len);
        e->n = p->L.str_len;
        regex_flags_check(p, e);
        next(p);
        return e;
    case TK_LPAREN:
        return parse_paren_or_arrow(p, pos, 0);
    case TK_LBRACK:
        return parse_array(p);
    case TK_LBRACE:
        return parse_object(p);
    case TK_PLUS: next(p); return unary(p, N_UNARY, JU_POS, pos, L_PREFIX - 1);
    case TK_MINUS: next(p); return unary(p, N_UNARY, JU_NEG, pos, L_PREFIX - 1);
    case TK_BANG: next(p); return unary(p, N_UNARY, JU_NOT, pos, L_PREFIX - 1);
    case TK_TILDE: next(p); return unary(p, N_UNARY, JU_CPL, pos, L_PREFIX - 1);
    case TK_INC: case TK_DEC: {
        int op = is(p, TK_INC) ? JU_PRE_INC : JU_PRE_DEC;
        next(p);
        e = unary(p, N_UPDATE, op, pos, L_PREFIX - 1);
        if (!simple_target(e->a))
            sl__js_fail(p, e->a->pos, "invalid update target");
        return e;
    }
    case TK_PRIVATE: /* #x in obj */
        e = sl__js_mk(p, N_PRIVATE, pos);
        e->s = sl__js_tok_name(p);
        next(p);
        if (!is_kw(p, K_IN) || level >= L_COMPARE)
            sl__js_fail(p, pos, "unexpected private name");
        return e;
    case TK_AT: {
        js_node *decos = sl__js_parse_decorators(p);
        if (!is_kw(p, K_CLASS))
            sl__js_fail(p, p->L.start, "expected `class` after decorators");
        return sl__js_parse_class(p, N_CLASS, decos);
    }
    case TK_LT:
        if (p->o.ts && !p->o.jsx) { /* <T>(x) => x, or the type assertion <T>expr */
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                sl__ts_skip_type_params(p);
                if (!is(p, TK_LPAREN))
                    longjmp(sp->env, 1);
                e = parse_paren_or_arrow(p, pos, 0);
                if (e->kind != N_ARROW)
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                return e;
            }
            sl__ts_skip_type_args(p);
            return sl__js_parse_expr(p, L_PREFIX - 1);
        }
        if (p->o.ts && p->o.jsx && sl__ts_tsx_type_params_ahead(p)) { /* .tsx: <T,>() => or <T = X>() => */
            sl__ts_skip_type_params(p);
            e = parse_paren_or_arrow(p, pos, 0);
            if (e->kind != N_ARROW)
                sl__js_fail(p, pos, "expected an arrow function after type parameters");
            return e;
        }
        if (p->o.jsx) {
            p->has_jsx = 1;
            return sl__jsx_parse_element(p);
        }
        break;
    default:
        break;
    }
    sl__js_unexpected(p);
}

static int binary_op_of(js_parser *p, int *level)
{
    switch (p->L.tok) {
    case TK_QQ: *level = L_NULLISH; return JB_NULLISH;
    case TK_OR: *level = L_OR; return JB_OR;
    case TK_AND: *level = L_AND; return JB_AND;
    case TK_BAR: *level = L_BIT_OR; return JB_BIT_OR;
    case TK_CARET: *level = L_BIT_XOR; return JB_BIT_XOR;
    case TK_AMP: *level = L_BIT_AND; return JB_BIT_AND;
    case TK_EQ: *level = L_EQUALS; return JB_LOOSE_EQ;
    case TK_NE: *level = L_EQUALS; return JB_LOOSE_NE;
    case TK_EQ3: *level = L_EQUALS; return JB_STRICT_EQ;
    case TK_NE3: *level = L_EQUALS; return JB_STRICT_NE;
    case TK_LT: *level = L_COMPARE; return JB_LT;
    case TK_GT: *level = L_COMPARE; return JB_GT;
    case TK_LE: *level = L_COMPARE; return JB_LE;
    case TK_GE: *level = L_COMPARE; return JB_GE;
    case TK_SHL: *level = L_SHIFT; return JB_SHL;
    case TK_SHR: *level = L_SHIFT; return JB_SHR;
    case TK_USHR: *level = L_SHIFT; return JB_USHR;
    case TK_PLUS: *level = L_ADD; return JB_ADD;
    case TK_MINUS: *level = L_ADD; return JB_SUB;
    case TK_STAR: *level = L_MUL; return JB_MUL;
    case TK_SLASH: *level = L_MUL; return JB_DIV;
    case TK_PERCENT: *level = L_MUL; return JB_REM;
    case TK_STAR2: *level = L_POW; return JB_POW;
    case TK_NAME:
        if (p->L.kw == K_INSTANCEOF) {
            *level = L_COMPARE;
            return JB_INSTANCEOF;
        }
        if (p->L.kw == K_IN && !(p->ctx & CTX_NO_IN)) {
            *level = L_COMPARE;
            return JB_IN;
        }
        return JB_NONE;
    default:
        return JB_NONE;
    }
}

static int assign_op_of(int tok)
{
    switch (tok) {
    case TK_ASSIGN: return JB_NONE;
    case TK_PLUS_EQ: return JB_ADD;
    case TK_MINUS_EQ: return JB_SUB;
    case TK_STAR_EQ: return JB_MUL;
    case TK_SLASH_EQ: return JB_DIV;
    case TK_PERCENT_EQ: return JB_REM;
    case TK_STAR2_EQ: return JB_POW;
    case TK_SHL_EQ: return JB_SHL;
    case TK_SHR_EQ: return JB_SHR;
    case TK_USHR_EQ: return JB_USHR;
    case TK_AMP_EQ: return JB_BIT_AND;
    case TK_BAR_EQ: return JB_BIT_OR;
    case TK_CARET_EQ: return JB_BIT_XOR;
    case TK_AND_EQ: return JB_AND;
    case TK_OR_EQ: return JB_OR;
    case TK_QQ_EQ: return JB_NULLISH;
    default: return -1;
    }
}

static js_node *member(js_parser *p, js_node *obj, uint16_t flags)
{
    js_node *m = sl__js_mk(p, N_MEMBER, obj->pos);
    m->a = obj;
    m->flags = flags;
    if (is(p, TK_PRIVATE)) {
        if (!(p->ctx & CTX_IN_CLASS))
            sl__js_fail(p, p->L.start, "private names are only allowed in classes");
        m->c = sl__js_mk(p, N_PRIVATE, p->L.start);
        m->c->s = sl__js_tok_name(p);
    } else if (is(p, TK_NAME)) {
        m->c = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
    } else {
        sl__js_fail(p, p->L.start, "expected a property name");
    }
    next(p);
    return m;
}

/* Each operator folded here wraps the tree one level deeper without a
 * recursive call (`a.b.c...`, `a + b + c ...`), so it counts as one level
 * of nesting: the passes that walk the tree recurse that deep. */
static void deeper(js_parser *p, unsigned *levels)
{
    ++*levels;
    sl__js_enter(p);
}

static js_node *parse_suffix_levels(js_parser *p, js_node *left, int level, unsigned *levels);

static js_node *parse_suffix(js_parser *p, js_node *left, int level)
{
    unsigned levels = 0;
    js_node *e = parse_suffix_levels(p, left, level, &levels);
    p->depth -= levels;
    return e;
}

static js_node *parse_suffix_levels(js_parser *p, js_node *left, int level, unsigned *levels)
{
    uint16_t chain = 0; /* JF_OPT_CONT once a `?.` appeared in this chain */
    for (int first = 1;; first = 0) {
        if (!first) /* the previous turn wrapped `left` in a new node */
            deeper(p, levels);
        int tok = p->L.tok;
        if (first && left->kind == N_ARROW && !(left->flags & JF_PARENS) && tok != TK_COMMA)
            return left; /* an arrow function is a whole assignment expression: `() => {}()` is not a call */
        switch (tok) {
        case TK_DOT:
            next(p);
            left = member(p, left, chain);
            continue;
        case TK_QDOT:
            if (level >= L_CALL) /* new a?.b() is an error; stop, the caller reports it */
                return left;
            next(p);
            chain = JF_OPT_CONT;
            if (is(p, TK_LPAREN)) {
                js_node *c = sl__js_mk(p, N_CALL, left->pos);
                c->a = left;
                c->flags = JF_OPT_START;
                sl__js_parse_args(p, c);
                left = c;
            } else if (is(p, TK_LBRACK)) {
                next(p);
                js_node *ix = sl__js_mk(p, N_INDEX, left->pos);
                ix->a = left;
                ix->flags = JF_OPT_START;
                unsigned saved = p->ctx;
                p->ctx &= ~CTX_NO_IN;
                ix->b = sl__js_parse_expr(p, L_LOWEST);
                p->ctx = saved;
                sl__js_expect(p, TK_RBRACK);
                left = ix;
            } else if (p->o.ts && is(p, TK_LT)) {
                sl__ts_skip_type_args(p);
                if (!is(p, TK_LPAREN))
                    sl__js_unexpected(p);
                js_node *c = sl__js_mk(p, N_CALL, left->pos);
                c->a = left;
                c->flags = JF_OPT_START;
                sl__js_parse_args(p, c);
                left = c;
            } else {
                left = member(p, left, JF_OPT_START);
            }
            continue;
        case TK_LBRACK: {
            next(p);
            js_node *ix = sl__js_mk(p, N_INDEX, left->pos);
            ix->a = left;
            ix->flags = chain;
            unsigned saved = p->ctx;
            p->ctx &= ~CTX_NO_IN;
            ix->b = sl__js_parse_expr(p, L_LOWEST);
            p->ctx = saved;
            sl__js_expect(p, TK_RBRACK);
            left = ix;
            continue;
        }
        case TK_LPAREN: {
            if (level >= L_CALL)
                return left;
            js_node *c = sl__js_mk(p, N_CALL, left->pos);
            c->a = left;
            c->flags = chain;
            sl__js_parse_args(p, c);
            left = c;
            continue;
        }
        case TK_TEMPLATE: case TK_THEAD:
            if (chain)
                sl__js_fail(p, p->L.start, "a template cannot be tagged in an optional chain");
            left = parse_template(p, left);
            continue;
        default:
            break;
        }
        if (p->o.ts && tok == TK_BANG && !p->L.nl_before && level < L_POSTFIX) { /* non-null x! */
            next(p);
            continue;
        }
        if (p->o.ts && (tok == TK_LT || tok == TK_SHL) && level < L_CALL) { /* f<T>(x), f<T>`...`, f<T>; f<<U>() => U>() */
            if (sl__ts_try_type_args_in_expr(p))
                continue;
        }
        if (level >= L_CALL)
            return left;
        /* below: operators that end a member chain */
        chain = 0;
        if ((tok == TK_INC || tok == TK_DEC) && !p->L.nl_before) {
            if (level >= L_POSTFIX)
                return left;
            if (!simple_target(left))
                sl__js_fail(p, left->pos, "invalid update target");
            js_node *u = sl__js_mk(p, N_UPDATE, left->pos);
            u->op = tok == TK_INC ? JU_POST_INC : JU_POST_DEC;
            u->a = left;
            next(p);
            left = u;
            continue;
        }
        if (p->o.ts && tok == TK_NAME && (p->L.kw == K_AS || p->L.kw == K_SATISFIES) && !p->L.nl_before &&
            level < L_COMPARE) {
            next(p);
            if (is_kw(p, K_CONST))
                next(p);
            else
                sl__ts_skip_type(p);
            continue;
        }
        int blevel;
        int bop = binary_op_of(p, &blevel);
        if (bop != JB_NONE) {
            if (level >= blevel)
                return left;
            if (bop == JB_POW && (left->kind == N_UNARY || left->kind == N_AWAIT) && !(left->flags & JF_PARENS))
                sl__js_fail(p, p->L.start, "parenthesize the unary operand of `**`");
            if ((bop == JB_NULLISH && left->kind == N_BINARY && (left->op == JB_OR || left->op == JB_AND) &&
                 !(left->flags & JF_PARENS)))
                sl__js_fail(p, p->L.start, "`??` cannot be mixed with `||` or `&&` without parentheses");
            next(p);
            js_node *b = sl__js_mk(p, N_BINARY, left->pos);
            b->op = (uint8_t)bop;
            b->a = left;
            b->b = sl__js_parse_expr(p, bop == JB_POW ? blevel - 1 : blevel);
            left = b;
            continue;
        }
        if (tok == TK_QUESTION) {
            if (level >= L_COND)
                return left;
            next(p);
            js_node *c = sl__js_mk(p, N_COND, left->pos);
            c->a = left;
            unsigned saved = p->ctx;
            p->ctx &= ~CTX_NO_IN;
            js_span sp = {c, p->L.start, 0, 0, 0};
            c->b = sl__js_parse_expr(p, L_COMMA);
            sp.b_end = p->L.prev_end;
            p->ctx = saved;
            sl__js_expect(p, TK_COLON);
            sp.c_start = p->L.start;
            c->c = sl__js_parse_expr(p, L_COMMA);
            sp.c_end = p->L.prev_end;
            JS_VEC_PUSH(p->spans, sp);
            left = c;
            continue;
        }
        int aop = assign_op_of(tok);
        if (aop >= 0) {
            if (level >= L_ASSIGN)
                return left;
            if (aop == JB_NONE)
                to_pattern(p, left, 0);
            else if (!simple_target(left))
                sl__js_fail(p, left->pos, "invalid assignment target");
            next(p);
            js_node *as = sl__js_mk(p, N_ASSIGN, left->pos);
            as->op = (uint8_t)aop;
            as->a = left;
            as->b = sl__js_parse_expr(p, L_ASSIGN - 1);
            left = as;
            continue;
        }
        if (tok == TK_COMMA) {
            if (level >= L_COMMA)
                return left;
            js_node *seq = sl__js_mk(p, N_SEQ, left->pos);
            size_t mark = p->stack.n;
            push(p, left);
            while (eat(p, TK_COMMA))
                push(p, sl__js_parse_expr(p, L_COMMA));
            sl__js_list_end(p, seq, mark);
            left = seq;
            continue;
        }
        return left;
    }
}

js_node *sl__js_parse_expr(js_parser *p, int level)
{
    sl__js_enter(p);
    uint8_t pure = p->L.pure;
    js_node *e = parse_prefix(p, level);
    if (e->kind == N_ARROW && !(e->flags & JF_PARENS) && level >= L_ASSIGN) /* `typeof () => {}`, `a || () => b` */
        sl__js_fail(p, e->pos, "An arrow function cannot be an operand here");
    e = parse_suffix(p, e, level);
    if (pure && (e->kind == N_CALL || e->kind == N_NEW))
        e->flags |= JF_PURE;
    leave(p);
    return e;
}

/* ----------------------------------------------------------- statements */

js_node *sl__js_parse_block(js_parser *p)
{
    js_node *b = sl__js_mk(p, N_BLOCK, p->L.start);
    sl__js_expect(p, TK_LBRACE);
    size_t mark = p->stack.n;
    while (!is(p, TK_RBRACE)) {
        if (is(p, TK_EOF))
            sl__js_fail(p, p->L.start, "expected `}`");
        js_node *s = sl__js_parse_stmt(p);
        if (s)
            push(p, s);
    }
    next(p);
    sl__js_list_end(p, b, mark);
    return b;
}

/* var/let/const declarators; with no_in for a for-head. */
static js_node *parse_var(js_parser *p, int kind, uint32_t pos, int in_for)
{
    js_node *v = sl__js_mk(p, N_VAR, pos);
    v->op = (uint8_t)kind;
    size_t mark = p->stack.n;
    do {
        js_node *d = sl__js_mk(p, N_DECLARATOR, p->L.start);
        d->a = sl__js_parse_binding(p);
        if (p->o.ts) {
            eat(p, TK_BANG); /* definite assignment x!: T */
            sl__ts_skip_type_annotation(p);
        }
        if (eat(p, TK_ASSIGN)) {
            d->b = sl__js_parse_expr(p, L_COMMA);
        } else if (!in_for && (kind == JV_CONST || d->a->kind != N_IDENT) && !(p->ctx & CTX_AMBIENT)) {
            if (d->a->kind != N_IDENT || kind == JV_CONST)
                sl__js_fail(p, p->L.start, kind == JV_CONST ? "a `const` declaration needs a value"
                                                            : "a destructuring declaration needs a value");
        }
        push(p, d);
    } while (eat(p, TK_COMMA));
    sl__js_list_end(p, v, mark);
    return v;
}

static js_node *parse_sub_stmt(js_parser *p, const char *fn_msg);

static js_node *parse_for(js_parser *p, uint32_t pos)
{
    next(p);
    uint16_t flags = 0;
    if (is_kw(p, K_AWAIT)) {
        flags = JF_AWAIT;
        next(p);
    }
    sl__js_expect(p, TK_LPAREN);
    js_node *init = NULL;
    unsigned saved = p->ctx;
    p->ctx |= CTX_NO_IN;
    if (is(p, TK_SEMI)) {
        ;
    } else if (is_kw(p, K_VAR) || is_kw(p, K_CONST)) {
        int kind = is_kw(p, K_VAR) ? JV_VAR : JV_CONST;
        uint32_t vpos = p->L.start;
        next(p);
        init = parse_var(p, kind, vpos, 1);
    } else if (is_kw(p, K_LET)) {
        js_spec *sp;
        uint32_t vpos = p->L.start;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!(is(p, TK_NAME) || is(p, TK_LBRACK) || is(p, TK_LBRACE)) || is_kw(p, K_IN))
                longjmp(sp->env, 1);
            if (is_kw(p, K_OF)) { /* `for (let of x)` iterates with `let`; `for (let of = 1;;)` declares `of` */
                next(p);
                if (!is(p, TK_ASSIGN) && !is(p, TK_SEMI) && !is(p, TK_COMMA) && !is_kw(p, K_OF) && !is_kw(p, K_IN))
                    longjmp(sp->env, 1);
                sl__js_spec_restore(p, sp);
                next(p); /* let */
                init = parse_var(p, JV_LET, vpos, 1);
                goto have_init;
            }
            sl__js_spec_commit(p, sp);
            init = parse_var(p, JV_LET, vpos, 1);
        } else {
            init = sl__js_parse_expr(p, L_LOWEST);
        }
    } else if ((is_kw(p, K_USING) || (is_kw(p, K_AWAIT) && (p->ctx & (CTX_ASYNC | CTX_MODULE))))) {
        js_spec *sp;
        volatile uint32_t vpos = p->L.start;
        volatile int kind = is_kw(p, K_USING) ? JV_USING : JV_AWAIT_USING;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (kind == JV_AWAIT_USING) {
                if (!is_kw(p, K_USING) || p->L.nl_before)
                    longjmp(sp->env, 1);
                next(p);
            }
            if (!sl__js_is_identifier_tok(p) || is_kw(p, K_OF) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            init = parse_var(p, kind, vpos, 1);
        } else {
            init = sl__js_parse_expr(p, L_LOWEST);
        }
    } else {
        init = sl__js_parse_expr(p, L_LOWEST);
    }
have_init:
    p->ctx = saved;
    if (init && (is_kw(p, K_OF) || is_kw(p, K_IN))) {
        int of = is_kw(p, K_OF);
        if (init->kind == N_VAR) {
            if (init->n != 1)
                sl__js_fail(p, init->pos, "only one binding is allowed here");
            if (init->list[0]->b) { /* Annex B keeps `for (var x = 1 in o)` for sloppy code */
                if (of || init->op != JV_VAR || init->list[0]->a->kind != N_IDENT)
                    sl__js_fail(p, init->list[0]->b->pos, of ? "for-of loop variables cannot have an initializer"
                                                             : "for-in loop variables cannot have an initializer");
                sl__js_strict_error(p, init->list[0]->b->pos,
                                    "Variable initializers inside for-in loops cannot be used in strict mode");
            }
        } else {
            to_pattern(p, init, 0);
        }
        next(p);
        js_node *f = sl__js_mk(p, of ? N_FOR_OF : N_FOR_IN, pos);
        f->flags = flags;
        f->a = init;
        f->b = sl__js_parse_expr(p, of ? L_COMMA : L_LOWEST);
        sl__js_expect(p, TK_RPAREN);
        f->c = parse_sub_stmt(p, NULL);
        return f;
    }
    if (flags)
        sl__js_fail(p, p->L.start, "expected `of`");
    if (init && init->kind == N_VAR)
        for (uint32_t i = 0; i < init->n; i++)
            if (!init->list[i]->b && (init->op == JV_CONST || init->list[i]->a->kind != N_IDENT))
                sl__js_fail(p, init->list[i]->pos, "this declaration needs a value");
    js_node *f = sl__js_mk(p, N_FOR, pos);
    f->a = init;
    sl__js_expect(p, TK_SEMI);
    if (!is(p, TK_SEMI))
        f->b = sl__js_parse_expr(p, L_LOWEST);
    sl__js_expect(p, TK_SEMI);
    if (!is(p, TK_RPAREN))
        f->d = sl__js_parse_expr(p, L_LOWEST);
    sl__js_expect(p, TK_RPAREN);
    f->c = parse_sub_stmt(p, NULL);
    return f;
}

static js_node *parse_switch(js_parser *p, uint32_t pos)
{
    next(p);
    js_node *s = sl__js_mk(p, N_SWITCH, pos);
    sl__js_expect(p, TK_LPAREN);
    s->a = sl__js_parse_expr(p, L_LOWEST);
    sl__js_expect(p, TK_RPAREN);
    sl__js_expect(p, TK_LBRACE);
    size_t mark = p->stack.n;
    int seen_default = 0;
    while (!is(p, TK_RBRACE)) {
        js_node *c = sl__js_mk(p, N_CASE, p->L.start);
        if (eat_kw(p, K_DEFAULT)) {
            if (seen_default++)
                sl__js_fail(p, c->pos, "more than one `default` in a switch");
        } else {
            if (!is_kw(p, K_CASE))
                sl__js_fail(p, p->L.start, "expected `case` or `default`");
            next(p);
            c->a = sl__js_parse_expr(p, L_LOWEST);
        }
        sl__js_expect(p, TK_COLON);
        size_t m2 = p->stack.n;
        while (!is(p, TK_RBRACE) && !is_kw(p, K_CASE) && !is_kw(p, K_DEFAULT)) {
            if (is(p, TK_EOF))
                sl__js_unexpected(p);
            js_node *st = sl__js_parse_stmt(p);
            if (st)
                push(p, st);
        }
        sl__js_list_end(p, c, m2);
        push(p, c);
    }
    next(p);
    sl__js_list_end(p, s, mark);
    return s;
}

static js_node *parse_try(js_parser *p, uint32_t pos)
{
    next(p);
    js_node *t = sl__js_mk(p, N_TRY, pos);
    t->a = sl__js_parse_block(p);
    if (is_kw(p, K_CATCH)) {
        js_node *c = sl__js_mk(p, N_CATCH, p->L.start);
        next(p);
        if (eat(p, TK_LPAREN)) {
            c->a = sl__js_parse_binding(p);
            if (p->o.ts)
                sl__ts_skip_type_annotation(p);
            sl__js_expect(p, TK_RPAREN);
        }
        c->b = sl__js_parse_block(p);
        t->b = c;
    }
    if (eat_kw(p, K_FINALLY))
        t->c = sl__js_parse_block(p);
    if (!t->b && !t->c)
        sl__js_fail(p, p->L.start, "expected `catch` or `finally`");
    return t;
}

static js_node *expr_stmt(js_parser *p, js_node *e)
{
    js_node *s = sl__js_mk(p, N_EXPR, e->pos);
    s->a = e;
    sl__js_semicolon(p);
    return s;
}

/* A TypeScript overload signature (a function without a body) ends like a statement and leaves nothing. */
static js_node *overload(js_parser *p, uint32_t pos)
{
    sl__js_semicolon(p);
    return sl__js_mk(p, N_EMPTY, pos);
}

static js_node *module_source(js_parser *p)
{
    if (!is(p, TK_STR))
        sl__js_fail(p, p->L.start, "expected a module specifier string");
    return str_node(p);
}

/* `with { type: "json" }` (or the older `assert`) after a module specifier. */
static js_node *import_attributes(js_parser *p)
{
    if (!(is_kw(p, K_WITH) || (p->L.tok == TK_NAME && p->L.name_len == 6 && !memcmp(p->L.name, "assert", 6) &&
                               !p->L.nl_before)))
        return NULL;
    next(p);
    if (!is(p, TK_LBRACE))
        sl__js_unexpected(p);
    return parse_object(p);
}

/* A module export name: an identifier name or a string. */
static js_node *export_name(js_parser *p)
{
    if (is(p, TK_STR)) {
        js_node *s = str_node(p);
        s->flags |= JF_QUOTED;
        return s;
    }
    if (!is(p, TK_NAME))
        sl__js_fail(p, p->L.start, "expected a name");
    js_node *s = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
    next(p);
    return s;
}

static js_node *parse_import(js_parser *p, uint32_t pos)
{
    /* current token: `import`, not followed by ( or . */
    p->is_module = 1;
    next(p);
    js_node *im = sl__js_mk(p, N_IMPORT, pos);
    if (is(p, TK_STR)) {
        im->a = str_node(p);
        im->b = import_attributes(p);
        sl__js_semicolon(p);
        return im;
    }
    if (p->o.ts && is_kw(p, K_TYPE)) { /* import type ...: gone, unless `type` is the default import's name */
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (is_kw(p, K_FROM) || is(p, TK_COMMA) || (is_kw(p, K_TYPE) == 0 && is(p, TK_ASSIGN)))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            im->flags |= JF_TYPE_ONLY;
        }
    }
    volatile size_t mark = p->stack.n;
    if (sl__js_is_identifier_tok(p)) {
        js_node *name = ident(p);
        if (p->o.ts && is(p, TK_ASSIGN)) {
            js_node *ie = sl__ts_parse_import_equals(p, pos, name, 0);
            if (im->flags & JF_TYPE_ONLY)
                return sl__js_mk(p, N_EMPTY, pos);
            return ie;
        }
        js_node *sp = sl__js_mk(p, N_IMPORT_SPEC, name->pos);
        sp->op = JS_SPEC_DEFAULT;
        sp->a = name;
        push(p, sp);
        if (!eat(p, TK_COMMA))
            goto from;
    }
    if (is(p, TK_STAR)) {
        js_node *sp = sl__js_mk(p, N_IMPORT_SPEC, p->L.start);
        next(p);
        if (!eat_kw(p, K_AS))
            sl__js_fail(p, p->L.start, "expected `as`");
        sp->op = JS_SPEC_NAMESPACE;
        sp->a = ident(p);
        push(p, sp);
    } else if (eat(p, TK_LBRACE)) {
        while (!is(p, TK_RBRACE)) {
            js_node *sp = sl__js_mk(p, N_IMPORT_SPEC, p->L.start);
            sp->op = JS_SPEC_NAMED;
            if (p->o.ts && is_kw(p, K_TYPE)) { /* { type X }, but { type }, { type as x } name `type` */
                js_spec *s2;
                if (!JS_TRY(p, s2)) {
                    next(p);
                    if (is(p, TK_COMMA) || is(p, TK_RBRACE))
                        longjmp(s2->env, 1);
                    if (is_kw(p, K_AS)) {
                        next(p);
                        if (!is(p, TK_NAME) || is_kw(p, K_AS) == 0)
                            longjmp(s2->env, 1);
                    }
                    sl__js_spec_commit(p, s2);
                    sp->flags |= JF_TYPE_ONLY;
                }
            }
            int ident_ok = sl__js_is_identifier_tok(p);
            sp->b = export_name(p);
            if (eat_kw(p, K_AS)) {
                sp->a = ident(p);
            } else {
                if (!ident_ok)
                    sl__js_fail(p, sp->b->pos, "expected `as` after a reserved word or string");
                sp->a = sl__js_ident(p->a, sl__js_strndup(p->a, sp->b->s, sp->b->n), sp->b->pos);
            }
            push(p, sp);
            if (!is(p, TK_RBRACE))
                sl__js_expect(p, TK_COMMA);
        }
        next(p);
    } else {
        sl__js_unexpected(p);
    }
from:
    if (!eat_kw(p, K_FROM))
        sl__js_fail(p, p->L.start, "expected `from`");
    im->a = module_source(p);
    im->b = import_attributes(p);
    sl__js_semicolon(p);
    sl__js_list_end(p, im, mark);
    return im;
}

static js_node *parse_export(js_parser *p, uint32_t pos, js_node *decorators_in)
{
    js_node *volatile decorators = decorators_in; /* kept across the speculations below */
    p->is_module = 1;
    p->has_export = 1;
    next(p);
    if (eat_kw(p, K_DEFAULT)) {
        js_node *ed = sl__js_mk(p, N_EXPORT_DEFAULT, pos);
        if (is(p, TK_AT))
            decorators = sl__js_parse_decorators(p);
        if (is_kw(p, K_FUNCTION) || is_kw(p, K_CLASS) || (is_kw(p, K_ASYNC) && !p->L.escaped)) {
            if (is_kw(p, K_CLASS)) {
                ed->a = sl__js_parse_class(p, N_CLASS_DECL, decorators);
                ed->a->flags |= JF_DEFAULT;
                return ed;
            }
            if (is_kw(p, K_FUNCTION)) {
                ed->a = parse_function(p, p->L.start, JF_DEFAULT, N_FUNC_DECL, 0);
                if (!ed->a->b) /* an overload */
                    return overload(p, pos);
                return ed;
            }
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                uint32_t apos = p->L.start;
                next(p);
                if (!is_kw(p, K_FUNCTION) || p->L.nl_before)
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                ed->a = parse_function(p, apos, JF_ASYNC | JF_DEFAULT, N_FUNC_DECL, 0);
                if (!ed->a->b)
                    return overload(p, pos);
                return ed;
            }
        }
        if (p->o.ts && is_kw(p, K_ABSTRACT)) {
            next(p);
            ed->a = sl__js_parse_class(p, N_CLASS_DECL, decorators);
            ed->a->flags |= JF_DEFAULT;
            return ed;
        }
        if (p->o.ts && is_kw(p, K_INTERFACE)) {
            sl__ts_skip_interface(p);
            return sl__js_mk(p, N_EMPTY, pos);
        }
        ed->a = sl__js_parse_expr(p, L_COMMA);
        sl__js_semicolon(p);
        return ed;
    }
    if (is(p, TK_STAR)) {
        js_node *ea = sl__js_mk(p, N_EXPORT_ALL, pos);
        next(p);
        if (eat_kw(p, K_AS))
            ea->c = export_name(p);
        if (!eat_kw(p, K_FROM))
            sl__js_fail(p, p->L.start, "expected `from`");
        ea->a = module_source(p);
        ea->b = import_attributes(p);
        sl__js_semicolon(p);
        return ea;
    }
    if (p->o.ts && is(p, TK_ASSIGN)) { /* export = x */
        next(p);
        js_node *ee = sl__js_mk(p, N_EXPORT_EQUALS, pos);
        ee->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_semicolon(p);
        return ee;
    }
    volatile uint16_t type_only = 0;
    if (p->o.ts && is_kw(p, K_TYPE)) {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!is(p, TK_LBRACE) && !is(p, TK_STAR))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            type_only = JF_TYPE_ONLY;
            if (is(p, TK_STAR)) { /* export type * from: gone */
                next(p);
                if (eat_kw(p, K_AS))
                    export_name(p);
                eat_kw(p, K_FROM);
                module_source(p);
                import_attributes(p);
                sl__js_semicolon(p);
                return sl__js_mk(p, N_EMPTY, pos);
            }
        }
    }
    if (p->o.ts && is_kw(p, K_AS)) { /* export as namespace X; */
        next(p);
        next(p);
        ident(p);
        sl__js_semicolon(p);
        return sl__js_mk(p, N_EMPTY, pos);
    }
    if (p->o.ts && is_kw(p, K_IMPORT)) { /* export import a = b */
        next(p);
        js_node *name = ident(p);
        return sl__ts_parse_import_equals(p, pos, name, JF_EXPORT);
    }
    if (is(p, TK_LBRACE)) {
        js_node *en = sl__js_mk(p, N_EXPORT_NAMED, pos);
        en->flags |= type_only;
        next(p);
        size_t mark = p->stack.n;
        while (!is(p, TK_RBRACE)) {
            js_node *sp = sl__js_mk(p, N_EXPORT_SPEC, p->L.start);
            if (p->o.ts && is_kw(p, K_TYPE)) {
                js_spec *s2;
                if (!JS_TRY(p, s2)) {
                    next(p);
                    if (is(p, TK_COMMA) || is(p, TK_RBRACE) || is_kw(p, K_AS))
                        longjmp(s2->env, 1);
                    sl__js_spec_commit(p, s2);
                    sp->flags |= JF_TYPE_ONLY;
                }
            }
            sp->a = export_name(p);
            sp->b = eat_kw(p, K_AS) ? export_name(p) : sp->a;
            push(p, sp);
            if (!is(p, TK_RBRACE))
                sl__js_expect(p, TK_COMMA);
        }
        next(p);
        sl__js_list_end(p, en, mark);
        if (eat_kw(p, K_FROM)) {
            en->a = module_source(p);
            en->b = import_attributes(p);
        } else {
            /* local names: identifiers, not strings */
            for (uint32_t i = 0; i < en->n; i++) {
                js_node *sp = en->list[i], *l = sp->a;
                if (l->flags & JF_QUOTED)
                    sl__js_fail(p, l->pos, "a string export name needs `from`");
                js_node *id = sl__js_ident(p->a, sl__js_strndup(p->a, l->s, l->n), l->pos);
                sp->a = id;
            }
        }
        sl__js_semicolon(p);
        return en;
    }
    /* export declaration */
    js_node *d = sl__js_parse_stmt(p);
    if (!d)
        return NULL;
    if (decorators && d->kind == N_CLASS_DECL)
        d->c = decorators;
    switch (d->kind) {
    case N_VAR: case N_FUNC_DECL: case N_CLASS_DECL: case N_ENUM: case N_NAMESPACE: case N_IMPORT_EQUALS:
        d->flags |= JF_EXPORT;
        return d;
    case N_EMPTY:
        if (!p->o.ts)
            sl__js_fail(p, d->pos, "expected a declaration after `export`");
        return d; /* a TypeScript declaration with no output */
    default:
        sl__js_fail(p, d->pos, "expected a declaration after `export`");
    }
}

static int let_is_decl(js_parser *p)
{
    /* `let` followed by an identifier, [ or { starts a declaration */
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    next(p);
    int yes = is(p, TK_LBRACK) || is(p, TK_LBRACE) ||
              (is(p, TK_NAME) && (!p->L.nl_before || sl__js_is_identifier_tok(p)) && !is_kw(p, K_IN) &&
               !is_kw(p, K_INSTANCEOF));
    sl__js_spec_restore(p, sp);
    return yes;
}

static const char if_fn[] = "Function declarations inside if statements cannot be used in strict mode";
static const char label_fn[] = "Function declarations inside labels cannot be used in strict mode";

/* The body of if, a loop, with or a label: a statement, not a
 * declaration; Annex B lets sloppy code put a plain function after `if`
 * or a label (fn_msg: the error in strict code; NULL: never allowed). */
static js_node *parse_sub_stmt(js_parser *p, const char *fn_msg)
{
    uint32_t pos = p->L.start;
    js_node *s = sl__js_parse_stmt(p);
    if (!s)
        return s;
    int decl = (s->kind == N_VAR && s->op != JV_VAR) || s->kind == N_CLASS_DECL;
    const js_node *l = s;
    while (fn_msg != label_fn && l->kind == N_LABEL) /* `if (a) b: function f() {}` */
        l = l->a;
    if (l != s && l->kind == N_FUNC_DECL)
        decl = 1;
    if (s->kind == N_FUNC_DECL) {
        if (!fn_msg || (s->flags & (JF_ASYNC | JF_GENERATOR)))
            decl = 1;
        else
            sl__js_strict_error(p, pos, fn_msg);
    }
    if (decl)
        sl__js_fail(p, pos, "Cannot use a declaration in a single-statement context");
    return s;
}

/* break/continue [label]: the label must enclose it in this function
 * (a loop's for continue); without one, a loop (or switch for break). */
static void jump_check(js_parser *p, const js_node *s, uint32_t label_pos)
{
    int brk = s->kind == N_BREAK;
    if (!s->s) {
        if (!(brk ? p->fs.breakables : p->fs.loops))
            sl__js_fail(p, s->pos, brk ? "Cannot use \"break\" here" : "Cannot use \"continue\" here");
        return;
    }
    for (size_t i = p->labels.n; i-- > p->fs.label_base;)
        if (!strcmp(p->labels.v[i].name, s->s)) {
            if (!brk && !p->labels.v[i].loop)
                sl__js_fail(p, label_pos, sl__js_printf(p->a, "Cannot continue to label \"%s\"", s->s));
            return;
        }
    sl__js_fail(p, label_pos, sl__js_printf(p->a, "There is no containing label named \"%s\"", s->s));
}

/* `name: statement`: a label may not repeat one that encloses it. */
static js_node *parse_labelled(js_parser *p, js_node *name, uint32_t pending)
{
    if (sl__js_is_strict_reserved(name->s))
        sl__js_strict_error(p, name->pos,
                            sl__js_printf(p->a, "\"%s\" is a reserved word and cannot be used in strict mode", name->s));
    for (size_t i = p->labels.n; i-- > p->fs.label_base;)
        if (!strcmp(p->labels.v[i].name, name->s))
            sl__js_fail(p, name->pos, sl__js_printf(p->a, "Duplicate label \"%s\"", name->s));
    next(p); /* : */
    js_node *s = sl__js_mk(p, N_LABEL, name->pos);
    s->s = name->s;
    js_label l = {name->s, 0};
    JS_VEC_PUSH(p->labels, l);
    p->fs.pending = pending + 1;
    s->a = parse_sub_stmt(p, label_fn);
    p->fs.pending = 0;
    p->labels.n--;
    return s;
}

/* An iteration statement: the labels right in front of it are loop labels. */
static void loop_enter(js_parser *p, uint32_t pending)
{
    for (size_t i = p->labels.n - pending; i < p->labels.n; i++)
        p->labels.v[i].loop = 1;
    p->fs.loops++;
    p->fs.breakables++;
}

static void loop_leave(js_parser *p)
{
    p->fs.loops--;
    p->fs.breakables--;
}

static js_node *parse_stmt_inner(js_parser *p)
{
    uint32_t pos = p->L.start;
    js_node *s;
    uint32_t pending = p->fs.pending;
    int top = p->top;
    p->fs.pending = 0;
    p->top = 0;
    switch (p->L.tok) {
    case TK_LBRACE:
        return sl__js_parse_block(p);
    case TK_SEMI:
        next(p);
        return sl__js_mk(p, N_EMPTY, pos);
    case TK_AT: {
        js_node *decos = sl__js_parse_decorators(p);
        if (is_kw(p, K_EXPORT))
            return parse_export(p, p->L.start, decos);
        if (p->o.ts && is_kw(p, K_ABSTRACT))
            next(p);
        if (!is_kw(p, K_CLASS))
            sl__js_fail(p, p->L.start, "expected `class` after decorators");
        s = sl__js_parse_class(p, N_CLASS_DECL, decos);
        return s;
    }
    case TK_NAME:
        break;
    default:
        return expr_stmt(p, sl__js_parse_expr(p, L_LOWEST));
    }
    switch (p->L.kw) {
    case K_VAR: case K_CONST:
        if (p->L.kw == K_CONST && p->o.ts) {
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                next(p);
                if (!is_kw(p, K_ENUM))
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                return sl__ts_parse_enum(p, pos, JF_CONST);
            }
        }
        {
            int kind = p->L.kw == K_VAR ? JV_VAR : JV_CONST;
            next(p);
            s = parse_var(p, kind, pos, 0);
            sl__js_semicolon(p);
            return s;
        }
    case K_LET:
        if (!p->L.escaped && let_is_decl(p)) {
            next(p);
            s = parse_var(p, JV_LET, pos, 0);
            sl__js_semicolon(p);
            return s;
        }
        break;
    case K_USING: {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!sl__js_is_identifier_tok(p) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            s = parse_var(p, JV_USING, pos, 0);
            sl__js_semicolon(p);
            return s;
        }
        break;
    }
    case K_AWAIT:
        if (p->ctx & (CTX_ASYNC | CTX_MODULE)) {
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                next(p);
                if (!is_kw(p, K_USING) || p->L.nl_before)
                    longjmp(sp->env, 1);
                next(p);
                if (!sl__js_is_identifier_tok(p) || p->L.nl_before)
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                s = parse_var(p, JV_AWAIT_USING, pos, 0);
                sl__js_semicolon(p);
                return s;
            }
        }
        break;
    case K_FUNCTION:
        s = parse_function(p, pos, 0, N_FUNC_DECL, 1);
        return s->b ? s : overload(p, pos);
    case K_ASYNC: {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!is_kw(p, K_FUNCTION) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            s = parse_function(p, pos, JF_ASYNC, N_FUNC_DECL, 1);
            return s->b ? s : overload(p, pos);
        }
        break;
    }
    case K_CLASS:
        s = sl__js_parse_class(p, N_CLASS_DECL, NULL);
        if (!s->a)
            sl__js_fail(p, pos, "a class declaration needs a name");
        return s;
    case K_IF:
        next(p);
        s = sl__js_mk(p, N_IF, pos);
        sl__js_expect(p, TK_LPAREN);
        s->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_expect(p, TK_RPAREN);
        js_span sp = {s, p->L.start, 0, 0, 0};
        s->b = parse_sub_stmt(p, if_fn);
        sp.b_end = sp.c_start = sp.c_end = p->L.prev_end;
        if (eat_kw(p, K_ELSE)) {
            sp.c_start = p->L.start;
            s->c = parse_sub_stmt(p, if_fn);
            sp.c_end = p->L.prev_end;
        }
        JS_VEC_PUSH(p->spans, sp);
        return s;
    case K_FOR:
        loop_enter(p, pending);
        s = parse_for(p, pos);
        loop_leave(p);
        return s;
    case K_WHILE:
        next(p);
        s = sl__js_mk(p, N_WHILE, pos);
        sl__js_expect(p, TK_LPAREN);
        s->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_expect(p, TK_RPAREN);
        loop_enter(p, pending);
        s->b = parse_sub_stmt(p, NULL);
        loop_leave(p);
        return s;
    case K_DO:
        next(p);
        s = sl__js_mk(p, N_DO_WHILE, pos);
        loop_enter(p, pending);
        s->a = parse_sub_stmt(p, NULL);
        loop_leave(p);
        if (!eat_kw(p, K_WHILE))
            sl__js_fail(p, p->L.start, "expected `while`");
        sl__js_expect(p, TK_LPAREN);
        s->b = sl__js_parse_expr(p, L_LOWEST);
        sl__js_expect(p, TK_RPAREN);
        eat(p, TK_SEMI); /* `do x; while (y) z` needs no `;` after the `)` */
        return s;
    case K_RETURN:
        if (p->ctx & CTX_CLASS_STATIC)
            sl__js_fail(p, pos, "A return statement cannot be used here");
        if (!(p->ctx & CTX_IN_FUNCTION)) /* CommonJS may return at the top level (the bundler wraps it) */
            module_error(p, pos, "Top-level return cannot be used inside an ECMAScript module");
        next(p);
        s = sl__js_mk(p, N_RETURN, pos);
        if (!is(p, TK_SEMI) && !is(p, TK_RBRACE) && !is(p, TK_EOF) && !p->L.nl_before)
            s->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_semicolon(p);
        return s;
    case K_THROW:
        next(p);
        if (p->L.nl_before)
            sl__js_fail(p, p->L.start, "a line break is not allowed after `throw`");
        s = sl__js_mk(p, N_THROW, pos);
        s->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_semicolon(p);
        return s;
    case K_BREAK: case K_CONTINUE:
        s = sl__js_mk(p, p->L.kw == K_BREAK ? N_BREAK : N_CONTINUE, pos);
        next(p);
        uint32_t label_pos = p->L.start;
        if (is(p, TK_NAME) && !p->L.nl_before && sl__js_is_identifier_tok(p)) {
            s->s = sl__js_tok_name(p);
            next(p);
        }
        jump_check(p, s, label_pos);
        sl__js_semicolon(p);
        return s;
    case K_TRY:
        return parse_try(p, pos);
    case K_SWITCH:
        p->fs.breakables++;
        s = parse_switch(p, pos);
        p->fs.breakables--;
        return s;
    case K_WITH:
        if (p->fs.strict && !(p->ctx & CTX_MODULE))
            sl__js_fail(p, pos, "With statements cannot be used in strict mode");
        if (p->ctx & CTX_MODULE)
            sl__js_fail(p, pos, "\"with\" statements cannot be used in an ECMAScript module");
        if (!p->with_p1)
            p->with_p1 = pos + 1;
        next(p);
        s = sl__js_mk(p, N_WITH, pos);
        sl__js_expect(p, TK_LPAREN);
        s->a = sl__js_parse_expr(p, L_LOWEST);
        sl__js_expect(p, TK_RPAREN);
        s->b = parse_sub_stmt(p, NULL);
        return s;
    case K_DEBUGGER:
        next(p);
        sl__js_semicolon(p);
        return sl__js_mk(p, N_DEBUGGER, pos);
    case K_IMPORT: {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            int expr = is(p, TK_LPAREN) || is(p, TK_DOT);
            sl__js_spec_restore(p, sp);
            if (!expr) {
                if (!top && !p->o.ts)
                    sl__js_fail(p, pos, "Unexpected \"import\"");
                return parse_import(p, pos);
            }
        }
        break;
    }
    case K_EXPORT:
        if (!top && !p->o.ts)
            sl__js_fail(p, pos, "Unexpected \"export\"");
        return parse_export(p, pos, NULL);
    case K_ENUM:
        if (p->o.ts)
            return sl__ts_parse_enum(p, pos, 0);
        break;
    default:
        break;
    }
    if (p->o.ts && p->L.tok == TK_NAME && !p->L.escaped) {
        js_spec *sp;
        int kw = p->L.kw;
        if ((kw == K_TYPE || kw == K_INTERFACE || kw == K_NAMESPACE || kw == K_MODULE || kw == K_ABSTRACT ||
             kw == K_DECLARE || kw == K_GLOBAL) && !JS_TRY(p, sp)) {
            next(p);
            int ok = !p->L.nl_before &&
                     ((kw == K_TYPE || kw == K_INTERFACE) ? sl__js_is_identifier_tok(p)
                      : (kw == K_NAMESPACE || kw == K_MODULE) ? (sl__js_is_identifier_tok(p) || (kw == K_MODULE && is(p, TK_STR)))
                      : kw == K_ABSTRACT ? is_kw(p, K_CLASS)
                      : kw == K_GLOBAL ? is(p, TK_LBRACE)
                      : (p->L.tok == TK_NAME));
            sl__js_spec_restore(p, sp);
            if (ok) {
                switch (kw) {
                case K_TYPE: sl__ts_skip_type_alias(p); return sl__js_mk(p, N_EMPTY, pos);
                case K_INTERFACE: sl__ts_skip_interface(p); return sl__js_mk(p, N_EMPTY, pos);
                case K_NAMESPACE: case K_MODULE: return sl__ts_parse_namespace(p, pos, 0);
                case K_ABSTRACT:
                    next(p);
                    return sl__js_parse_class(p, N_CLASS_DECL, NULL);
                case K_GLOBAL: case K_DECLARE: return sl__ts_parse_declare(p);
                }
            }
        }
    }
    /* expression statement, or a label */
    js_node *e = sl__js_parse_expr(p, L_LOWEST);
    if (e->kind == N_IDENT && is(p, TK_COLON) && p->L.start > e->pos && !(e->flags & JF_PARENS))
        return parse_labelled(p, e, pending);
    return expr_stmt(p, e);
}

js_node *sl__js_parse_stmt(js_parser *p)
{
    sl__js_enter(p);
    js_node *s = parse_stmt_inner(p);
    leave(p);
    return s;
}

/* Notes where the top-level statement just parsed began and ended. */
static void stmt_range(js_parser *p, uint32_t start)
{
    JS_VEC_PUSH(p->stmt_start, start);
    JS_VEC_PUSH(p->stmt_end, p->L.prev_end);
}

/* Directive prologue: leading string-literal statements. */
static void parse_directives(js_parser *p, size_t mark)
{
    (void)mark;
    volatile uint32_t octal_p1 = 0;
    while (is(p, TK_STR)) {
        js_spec *sp;
        uint32_t st = p->L.start, en = p->L.pos;
        int octal = p->L.legacy_octal;
        if (JS_TRY(p, sp))
            return;
        next(p);
        if (!(is(p, TK_SEMI) || is(p, TK_RBRACE) || is(p, TK_EOF) || p->L.nl_before) ||
            (p->L.nl_before && (is(p, TK_DOT) || is(p, TK_LBRACK) || is(p, TK_LPAREN) || is(p, TK_PLUS)))) {
            sl__js_spec_restore(p, sp);
            return;
        }
        sl__js_spec_commit(p, sp);
        eat(p, TK_SEMI);
        js_node *d = sl__js_mk(p, N_DIRECTIVE, st);
        d->s = sl__js_strndup(p->a, p->L.src + st, en - st);
        d->n = en - st;
        push(p, d);
        stmt_range(p, st);
        if (octal && !octal_p1)
            octal_p1 = st + 1;
        if (octal)
            JS_VEC_PUSH(p->octals, st);
        if (d->n == 12 && !memcmp(d->s + 1, "use strict", 10)) {
            if (octal_p1)
                sl__js_fail(p, octal_p1 - 1, "Legacy octal escape sequences cannot be used in strict mode");
            p->fs.strict = STRICT_EXPLICIT;
        }
    }
}

static js_node *parse_program(js_parser *p)
{
    js_node *prog = sl__js_mk(p, N_PROGRAM, 0);
    next(p);
    size_t mark = p->stack.n;
    parse_directives(p, mark);
    while (!is(p, TK_EOF)) {
        uint32_t start = p->L.start;
        p->top = 1;
        js_node *s = sl__js_parse_stmt(p);
        if (s) {
            push(p, s);
            stmt_range(p, start);
        }
    }
    sl__js_list_end(p, prog, mark);
    return prog;
}

/* ----------------------------------------------------------- entry points */

js_parse_opts sl__js_opts_for_path(const char *path)
{
    js_parse_opts o = {0, 0, 0, 0};
    const char *dot = strrchr(path, '.');
    if (!dot)
        return o;
    if (!strcmp(dot, ".ts") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts"))
        o.ts = 1;
    else if (!strcmp(dot, ".tsx"))
        o.ts = o.jsx = 1;
    else if (!strcmp(dot, ".jsx"))
        o.jsx = 1;
    if (!strcmp(dot, ".mjs") || !strcmp(dot, ".mts"))
        o.module = 1;
    return o;
}

void sl__js_position(const char *src, size_t len, uint32_t pos, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (src[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

void sl__js_error_text(char *out, size_t outlen, const char *path, const char *src, size_t len, uint32_t pos,
                 const char *msg)
{
    uint32_t line, col;
    sl__js_position(src, len, pos, &line, &col);
    size_t ls = pos > len ? len : pos;
    while (ls > 0 && src[ls - 1] != '\n')
        ls--;
    size_t le = ls;
    while (le < len && src[le] != '\n' && src[le] != '\r')
        le++;
    int shown = (int)(le - ls > 200 ? 200 : le - ls);
    snprintf(out, outlen, "%s:%u:%u: %s\n    %.*s\n    %*s^", path, line, col, msg, shown, src + ls,
             (int)(col - 1 > 200 ? 200 : col - 1), "");
}

/* n items of `size` bytes into the arena (room for one more: never NULL). */
static void *arena_copy(js_arena *a, const void *v, size_t n, size_t size)
{
    void *p = sl__js_alloc(a, (n + 1) * size);
    if (n)
        memcpy(p, v, n * size);
    return p;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* v[0..n) sorted, each once, in the arena (a speculation that read a
 * token again pushed its position again). */
static uint32_t *sorted_unique(js_arena *a, uint32_t *v, size_t n, uint32_t *out_n)
{
    if (n)
        qsort(v, n, sizeof *v, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    *out_n = (uint32_t)k;
    return arena_copy(a, v, k, sizeof *v);
}

void sl__js_parse_finish(js_parser *p)
{
    if (p->with_p1 && p->is_module) /* an import or export after it made the file a module */
        sl__js_fail(p, p->with_p1 - 1, "\"with\" statements cannot be used in an ECMAScript module");
    if (p->sloppy_p1 && p->is_module) /* the same for what strict code or a module refuses */
        sl__js_fail(p, p->sloppy_p1 - 1, p->sloppy_msg);
    if (p->L.html && (p->is_module || p->o.module)) { /* Annex B.1.1 is for scripts only */
        uint32_t first = p->L.html->pos;
        for (const js_html_comment *h = p->L.html; h; h = h->next)
            first = h->pos < first ? h->pos : first;
        sl__js_fail(p, first, "HTML-like comments (<!-- and -->) are not allowed in an ECMAScript module");
    }
    size_t first = 0;
    for (size_t i = 1; i < p->covers.n; i++)
        if (p->covers.v[i].pos < p->covers.v[first].pos)
            first = i;
    if (p->covers.n)
        sl__js_fail(p, p->covers.v[first].pos, p->covers.v[first].msg);
}

void sl__js_parser_free(js_parser *p)
{
    free(p->stack.v);
    free(p->labels.v);
    free(p->covers.v);
    free(p->stmt_start.v);
    free(p->stmt_end.v);
    free(p->spans.v);
    free(p->octals.v);
    for (size_t i = 0; i < p->spec_nchunks; i++)
        free(p->spec_chunks[i]);
    free(p->spec_chunks);
    free(p);
}

static int run(js_ast *out, const char *path, const char *src, size_t len, const js_parse_opts *o, js_arena *a,
               char *err, size_t errlen, int expression)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    out->src = src;
    out->len = len;
    out->arena = a;
    jmp_buf fail;
    js_parser *p = sl__js_xrealloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    p->a = a;
    p->o = *o;
    p->ctx = o->module ? CTX_MODULE : 0;
    p->fs.strict = o->module ? STRICT_MODULE : 0;
    sl__js_lex_init(&p->L, src, len, a, &fail);
    out->hashbang_end = p->L.pos;
    int rc = 0;
    if (setjmp(fail) == 0) {
        if (expression) {
            js_node *prog = sl__js_mk(p, N_PROGRAM, 0);
            next(p);
            js_node *e = sl__js_parse_expr(p, L_LOWEST);
            if (!is(p, TK_EOF))
                sl__js_unexpected(p);
            js_node *st = sl__js_mk(p, N_EXPR, e->pos);
            st->a = e;
            prog->n = 1;
            prog->list = sl__js_list_copy(a, &st, 1);
            out->program = prog;
        } else {
            out->program = parse_program(p);
            out->stmt_start = arena_copy(a, p->stmt_start.v, p->stmt_start.n, sizeof *out->stmt_start);
            out->stmt_end = arena_copy(a, p->stmt_end.v, p->stmt_end.n, sizeof *out->stmt_end);
            out->spans = arena_copy(a, p->spans.v, p->spans.n, sizeof *out->spans);
            out->nspans = (uint32_t)p->spans.n;
            for (const js_html_comment *h = p->L.html; h; h = h->next)
                out->nhtml_comments++;
            out->html_comments = sl__js_alloc(a, (out->nhtml_comments + 1) * sizeof *out->html_comments);
            uint32_t k = out->nhtml_comments;
            for (const js_html_comment *h = p->L.html; h; h = h->next) /* the list is last first */
                out->html_comments[--k] = h->pos;
            out->legacy_octals = sorted_unique(a, p->octals.v, p->octals.n, &out->nlegacy_octals);
        }
        sl__js_parse_finish(p);
        out->is_module = p->is_module || o->module;
        out->has_export = p->has_export;
        out->has_jsx = p->has_jsx;
    } else {
        sl__js_error_text(err, errlen, path, src, len, p->L.err_pos, p->L.err_msg);
        rc = -1;
    }
    sl__js_parser_free(p);
    return rc;
}

int sl__js_parse_program(js_ast *out, const char *path, const char *src, size_t len, const js_parse_opts *o, js_arena *a,
                 char *err, size_t errlen)
{
    return run(out, path, src, len, o, a, err, errlen, 0);
}

int sl__js_parse_expression(js_ast *out, const char *path, const char *src, size_t len, const js_parse_opts *o,
                            js_arena *a, char *err, size_t errlen)
{
    return run(out, path, src, len, o, a, err, errlen, 1);
}
