/*
 * ts_parser.c - TypeScript's syntax: types (read and dropped) and the
 * declarations that mean something at run time (enum, namespace,
 * `import x = ...`), kept as nodes for ts_lower.c.
 *
 * Types are parsed by their grammar, not skipped by counting brackets,
 * because only the grammar knows where a type ends (`a as T < b`,
 * `x: (a) => b`, `f<T>(x)`); where TypeScript itself needs to look ahead
 * (a parenthesized type or a function type, type arguments in an
 * expression) the parser tries one reading and backs out.
 */
#include "js_parser_int.h"

#include <string.h>

static void skip_type_inner(js_parser *p, int no_cond);

int sl__ts_is_modifier(int kw)
{
    return kw == K_PUBLIC || kw == K_PRIVATE || kw == K_PROTECTED || kw == K_READONLY || kw == K_OVERRIDE;
}

/* `<...>` closing `>`: a `>>` in `A<B<C>>` is two. */
static void expect_gt(js_parser *p)
{
    switch (p->L.tok) {
    case TK_GT:
        next(p);
        return;
    case TK_SHR: case TK_USHR: case TK_GE: case TK_SHR_EQ: case TK_USHR_EQ:
        p->L.pos = p->L.start + 1;
        next(p);
        return;
    default:
        sl__js_fail(p, p->L.start, "expected `>`");
    }
}

static void skip_type_args(js_parser *p)
{
    unsigned saved = p->ctx;
    p->ctx &= ~(unsigned)CTX_TS_NO_COND; /* brackets of any kind allow conditional types again */
    if (is(p, TK_SHL)) { /* `A<<T>() => T>`: `<<` is two when type arguments open here (tsc's reScanLessThanToken) */
        p->L.pos = p->L.start + 1;
        next(p);
    } else {
        sl__js_expect(p, TK_LT);
    }
    while (!is(p, TK_GT) && !is(p, TK_SHR) && !is(p, TK_USHR) && !is(p, TK_GE) && !is(p, TK_SHR_EQ) &&
           !is(p, TK_USHR_EQ)) {
        sl__ts_skip_type(p);
        if (!eat(p, TK_COMMA))
            break;
    }
    expect_gt(p);
    p->ctx = saved;
}

/* The set of failed type-argument readings (js_parser.targs_failed).  The
 * reading from a `<` depends only on where it starts and on the context
 * (less CTX_TS_NO_COND, which it clears), so one that failed fails again.
 * A failure at the nesting limit counts too: read from a shallower depth
 * it could only succeed within a few levels of the limit. */
static uint64_t targs_key(js_parser *p)
{
    return ((uint64_t)(p->ctx & ~(unsigned)CTX_TS_NO_COND) << 32 | p->L.start) + 1;
}

static uint32_t targs_slot(const uint64_t *set, uint32_t cap, uint64_t key)
{
    uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);
    while (set[i] && set[i] != key)
        i = (i + 1) & (cap - 1);
    return i;
}

static int targs_known_failed(js_parser *p, uint64_t key)
{
    return p->targs_n && p->targs_failed[targs_slot(p->targs_failed, p->targs_cap, key)] == key;
}

static void targs_note_failed(js_parser *p, uint64_t key)
{
    if (2 * (p->targs_n + 1) > p->targs_cap) { /* grow in the arena: the old tables add at most as much again */
        uint32_t cap = p->targs_cap ? 2 * p->targs_cap : 64;
        uint64_t *set = sl__js_alloc(p->a, cap * sizeof *set);
        memset(set, 0, cap * sizeof *set);
        for (uint32_t i = 0; i < p->targs_cap; i++)
            if (p->targs_failed[i])
                set[targs_slot(set, cap, p->targs_failed[i])] = p->targs_failed[i];
        p->targs_failed = set;
        p->targs_cap = cap;
    }
    uint32_t i = targs_slot(p->targs_failed, p->targs_cap, key);
    if (!p->targs_failed[i]) {
        p->targs_failed[i] = key;
        p->targs_n++;
    }
}

/* Inside a speculation, a reading that fails is remembered, then the error
 * goes on to the speculation as before: `a < a < a ... b` read each `<`'s
 * type arguments to the end of the chain (quadratic, adv21 F10).  Outside
 * one an error ends the parse, so there is nothing to remember. */
void sl__ts_skip_type_args(js_parser *p)
{
    if (!p->spec_n) {
        skip_type_args(p);
        return;
    }
    uint64_t key = targs_key(p);
    if (targs_known_failed(p, key))
        sl__js_fail(p, p->L.start, "expected `>`");
    js_spec *sp = sl__js_spec_push(p);
    if (setjmp(sp->env)) {
        uint32_t pos = p->L.err_pos;
        const char *msg = p->L.err_msg;
        sl__js_spec_restore(p, sp);
        targs_note_failed(p, key);
        sl__js_fail(p, pos, msg);
    }
    skip_type_args(p);
    sl__js_spec_commit(p, sp);
}

void sl__ts_skip_type_params(js_parser *p)
{
    if (!is(p, TK_LT))
        return;
    next(p);
    while (!is(p, TK_GT)) {
        while (is_kw(p, K_CONST) || ((is_kw(p, K_IN) || is_kw(p, K_OUT)) && !p->L.escaped)) {
            js_spec *sp;
            if (JS_TRY(p, sp))
                break;
            next(p);
            if (!is(p, TK_NAME))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
        }
        if (!is(p, TK_NAME))
            sl__js_fail(p, p->L.start, "expected a type parameter");
        next(p);
        if (eat_kw(p, K_EXTENDS))
            sl__ts_skip_type(p);
        if (eat(p, TK_ASSIGN))
            sl__ts_skip_type(p);
        if (!eat(p, TK_COMMA))
            break;
    }
    expect_gt(p);
}

/* TypeScript's reading of `>` after `extends` (its scanner never joins `>>` or `>=` there). */
static int is_gt_start(js_parser *p)
{
    return is(p, TK_GT) || is(p, TK_GE) || is(p, TK_SHR) || is(p, TK_USHR) || is(p, TK_SHR_EQ) || is(p, TK_USHR_EQ);
}

/* In .tsx a `<` is JSX unless, as TypeScript decides (isParenthesizedArrowFunctionExpression), an
 * optional `const` and an identifier follow it, and then `,` or `=` (`<T,>`, `<T = X>`) or an
 * `extends` not followed by `=`, `>` or `/` (those are a JSX attribute named extends). */
int sl__ts_tsx_type_params_ahead(js_parser *p)
{
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    next(p);
    if (is_kw(p, K_CONST))
        next(p);
    int yes = 0;
    if (sl__js_is_identifier_tok(p)) {
        next(p);
        if (eat_kw(p, K_EXTENDS))
            yes = !is(p, TK_ASSIGN) && !is(p, TK_SLASH) && !is_gt_start(p);
        else
            yes = is(p, TK_COMMA) || is(p, TK_ASSIGN);
    }
    sl__js_spec_restore(p, sp);
    return yes;
}

void sl__ts_skip_type_annotation(js_parser *p)
{
    if (eat(p, TK_COLON))
        sl__ts_skip_type(p);
}

/* Parameters of a function type, from `(` to `)`. */
static void skip_fn_params(js_parser *p)
{
    sl__js_expect(p, TK_LPAREN);
    while (!is(p, TK_RPAREN)) {
        while (p->L.tok == TK_NAME && sl__ts_is_modifier(p->L.kw)) {
            js_spec *sp;
            if (JS_TRY(p, sp))
                break;
            next(p);
            if (!(is(p, TK_NAME) || is(p, TK_LBRACE) || is(p, TK_LBRACK)))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
        }
        eat(p, TK_ELLIPSIS);
        if (is_kw(p, K_THIS))
            next(p);
        else
            sl__js_parse_binding(p);
        eat(p, TK_QUESTION);
        sl__ts_skip_type_annotation(p);
        if (eat(p, TK_ASSIGN))
            sl__js_parse_expr(p, L_COMMA);
        if (!eat(p, TK_COMMA))
            break;
    }
    sl__js_expect(p, TK_RPAREN);
}

/* `x is T`, `asserts x`, `asserts x is T`, or a type: a return type. */
static void skip_return_type_inner(js_parser *p)
{
    if (is_kw(p, K_ASSERTS)) {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!(is(p, TK_NAME)) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            next(p);
            if (eat_kw(p, K_IS))
                sl__ts_skip_type(p);
            return;
        }
    }
    if (is(p, TK_NAME)) {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (!is_kw(p, K_IS) || p->L.nl_before)
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            next(p);
            sl__ts_skip_type(p);
            return;
        }
    }
    sl__ts_skip_type(p);
}

/* A return type allows conditional types again, even a function type's
 * inside a conditional's `extends` clause: tsc reads
 * `A extends () => V extends U ? 1 : 2 ? X : Y` with the inner
 * conditional as the return type (zod's Equals type). */
static void skip_return_type(js_parser *p)
{
    unsigned saved = p->ctx;
    p->ctx &= ~(unsigned)CTX_TS_NO_COND;
    skip_return_type_inner(p);
    p->ctx = saved;
}

/* An object type's members `{ a: T; m(): U; [k: K]: V; new (): W }`, or a mapped type. */
static void skip_object_type(js_parser *p)
{
    sl__js_expect(p, TK_LBRACE);
    /* mapped type: { readonly [K in T as U]?: V } */
    {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            if (is(p, TK_PLUS) || is(p, TK_MINUS))
                next(p);
            eat_kw(p, K_READONLY);
            sl__js_expect(p, TK_LBRACK);
            if (!is(p, TK_NAME))
                longjmp(sp->env, 1);
            next(p);
            if (!is_kw(p, K_IN))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            next(p);
            sl__ts_skip_type(p);
            if (eat_kw(p, K_AS))
                sl__ts_skip_type(p);
            sl__js_expect(p, TK_RBRACK);
            if (is(p, TK_PLUS) || is(p, TK_MINUS))
                next(p);
            eat(p, TK_QUESTION);
            sl__ts_skip_type_annotation(p);
            if (!eat(p, TK_SEMI))
                eat(p, TK_COMMA);
            sl__js_expect(p, TK_RBRACE);
            return;
        }
    }
    while (!is(p, TK_RBRACE)) {
        while (is_kw(p, K_READONLY) || is_kw(p, K_GET) || is_kw(p, K_SET) || (is(p, TK_PLUS) || is(p, TK_MINUS))) {
            js_spec *sp;
            if (JS_TRY(p, sp))
                break;
            next(p);
            if (is(p, TK_LPAREN) || is(p, TK_COLON) || is(p, TK_QUESTION) || is(p, TK_SEMI) || is(p, TK_COMMA) ||
                is(p, TK_RBRACE) || is(p, TK_LT))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
        }
        if (is_kw(p, K_NEW)) {
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                next(p);
                if (!is(p, TK_LPAREN) && !is(p, TK_LT))
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
            }
        }
        if (is(p, TK_LPAREN) || is(p, TK_LT)) { /* call or construct signature */
            sl__ts_skip_type_params(p);
            skip_fn_params(p);
            if (eat(p, TK_COLON))
                skip_return_type(p);
        } else if (is(p, TK_LBRACK)) { /* index signature or computed key */
            js_spec *sp;
            volatile int index = 0;
            if (!JS_TRY(p, sp)) {
                next(p);
                if (!is(p, TK_NAME))
                    longjmp(sp->env, 1);
                next(p);
                if (!is(p, TK_COLON))
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                sl__ts_skip_type_annotation(p);
                sl__js_expect(p, TK_RBRACK);
                index = 1;
            }
            if (!index) {
                uint16_t f = 0;
                sl__js_parse_property_key(p, &f);
            }
            eat(p, TK_QUESTION);
            if (is(p, TK_LPAREN) || is(p, TK_LT)) {
                sl__ts_skip_type_params(p);
                skip_fn_params(p);
            }
            if (eat(p, TK_COLON))
                skip_return_type(p);
        } else {
            uint16_t f = 0;
            if (is(p, TK_PRIVATE))
                sl__js_fail(p, p->L.start, "unexpected private name");
            sl__js_parse_property_key(p, &f);
            eat(p, TK_QUESTION);
            if (is(p, TK_LPAREN) || is(p, TK_LT)) {
                sl__ts_skip_type_params(p);
                skip_fn_params(p);
            }
            if (eat(p, TK_COLON))
                skip_return_type(p);
        }
        if (!eat(p, TK_SEMI) && !eat(p, TK_COMMA) && !is(p, TK_RBRACE) && !p->L.nl_before)
            sl__js_fail(p, p->L.start, "expected `;` or `,` in a type");
    }
    next(p);
}

static void skip_tuple(js_parser *p)
{
    sl__js_expect(p, TK_LBRACK);
    while (!is(p, TK_RBRACK)) {
        eat(p, TK_ELLIPSIS);
        /* labelled element `name: T` / `name?: T` */
        if (is(p, TK_NAME)) {
            js_spec *sp;
            if (!JS_TRY(p, sp)) {
                next(p);
                eat(p, TK_QUESTION);
                if (!is(p, TK_COLON))
                    longjmp(sp->env, 1);
                sl__js_spec_commit(p, sp);
                next(p);
            }
        }
        sl__ts_skip_type(p);
        eat(p, TK_QUESTION);
        if (!eat(p, TK_COMMA))
            break;
    }
    sl__js_expect(p, TK_RBRACK);
}

/* Is `(` here the start of a function type? Tries to read params then `=>`. */
static int try_fn_type(js_parser *p)
{
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    skip_fn_params(p);
    if (!is(p, TK_ARROW))
        longjmp(sp->env, 1);
    sl__js_spec_commit(p, sp);
    next(p);
    skip_return_type(p);
    return 1;
}

static void skip_template_type(js_parser *p)
{
    if (is(p, TK_TEMPLATE)) {
        next(p);
        return;
    }
    for (;;) {
        next(p);
        sl__ts_skip_type(p);
        if (!is(p, TK_RBRACE))
            sl__js_fail(p, p->L.start, "expected `}` in template literal type");
        sl__js_lex_template_cont(&p->L);
        if (is(p, TK_TTAIL))
            break;
    }
    next(p);
}

static void skip_primary_type_inner(js_parser *p);

/* Inside `( )` (not a function type's), `{ }`, `[ ]` and template types a
 * conditional type is allowed again, as in tsc; elsewhere the context
 * passes through. */
static void skip_primary_type(js_parser *p)
{
    unsigned saved = p->ctx;
    if (is(p, TK_LBRACE) || is(p, TK_LBRACK) || is(p, TK_TEMPLATE) || is(p, TK_THEAD))
        p->ctx &= ~(unsigned)CTX_TS_NO_COND;
    skip_primary_type_inner(p);
    p->ctx = saved;
}

static void skip_primary_type_inner(js_parser *p)
{
    switch (p->L.tok) {
    case TK_LPAREN: /* a function type's return type and a parenthesized type allow conditionals again */
        if (try_fn_type(p))
            return;
        next(p);
        p->ctx &= ~(unsigned)CTX_TS_NO_COND;
        sl__ts_skip_type(p);
        sl__js_expect(p, TK_RPAREN);
        return;
    case TK_LT: /* generic function type */
        sl__ts_skip_type_params(p);
        skip_fn_params(p);
        sl__js_expect(p, TK_ARROW);
        skip_return_type(p);
        return;
    case TK_LBRACE:
        skip_object_type(p);
        return;
    case TK_LBRACK:
        skip_tuple(p);
        return;
    case TK_STR: case TK_NUM: case TK_BIGINT:
        next(p);
        return;
    case TK_MINUS:
        next(p);
        if (!is(p, TK_NUM) && !is(p, TK_BIGINT))
            sl__js_unexpected(p);
        next(p);
        return;
    case TK_TEMPLATE: case TK_THEAD:
        skip_template_type(p);
        return;
    case TK_STAR: case TK_QUESTION: /* JSDoc-style `*`, `?`: accepted as esbuild does */
        next(p);
        return;
    case TK_NAME:
        break;
    default:
        sl__js_unexpected(p);
    }
    switch (p->L.kw) {
    case K_TYPEOF:
        next(p);
        if (is_kw(p, K_IMPORT)) {
            skip_primary_type(p);
            return;
        }
        do {
            if (!is(p, TK_NAME) && !is(p, TK_PRIVATE))
                sl__js_unexpected(p);
            next(p);
        } while (eat(p, TK_DOT));
        if ((is(p, TK_LT) || is(p, TK_SHL)) && !p->L.nl_before)
            sl__ts_skip_type_args(p);
        return;
    case K_KEYOF: case K_UNIQUE: case K_READONLY: {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            next(p);
            if (is(p, TK_RPAREN) || is(p, TK_COMMA) || is(p, TK_GT) || is(p, TK_SEMI) || is(p, TK_RBRACK) ||
                is(p, TK_EOF) || is(p, TK_ASSIGN) || is(p, TK_BAR) || is(p, TK_AMP))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            skip_type_inner(p, 1);
            return;
        }
        next(p);
        return;
    }
    case K_INFER:
        next(p);
        if (is(p, TK_NAME)) {
            next(p);
            if (is_kw(p, K_EXTENDS)) { /* infer U extends X ? ...: the constraint, if not a conditional */
                js_spec *sp;
                if (!JS_TRY(p, sp)) {
                    next(p);
                    skip_type_inner(p, 1);
                    /* `?` next: a conditional, unless conditionals cannot be here (tsc) */
                    if (is(p, TK_QUESTION) && !(p->ctx & CTX_TS_NO_COND))
                        longjmp(sp->env, 1);
                    sl__js_spec_commit(p, sp);
                }
            }
        }
        return;
    case K_NEW: /* constructor type */
        next(p);
        sl__ts_skip_type_params(p);
        skip_fn_params(p);
        sl__js_expect(p, TK_ARROW);
        skip_return_type(p);
        return;
    case K_ABSTRACT:
        next(p);
        skip_primary_type(p);
        return;
    case K_IMPORT: /* import("mod").A.B<T> */
        next(p);
        sl__js_expect(p, TK_LPAREN);
        next(p);
        if (eat(p, TK_COMMA))
            if (!is(p, TK_RPAREN))
                sl__js_parse_expr(p, L_COMMA);
        eat(p, TK_COMMA);
        sl__js_expect(p, TK_RPAREN);
        while (eat(p, TK_DOT)) {
            if (!is(p, TK_NAME))
                sl__js_unexpected(p);
            next(p);
        }
        if ((is(p, TK_LT) || is(p, TK_SHL)) && !p->L.nl_before)
            sl__ts_skip_type_args(p);
        return;
    case K_ASSERTS:
        break;
    default:
        break;
    }
    /* a type reference: A.B.C<T>, also `this`, `void`, `null`... */
    next(p);
    while (is(p, TK_DOT)) {
        next(p);
        if (!is(p, TK_NAME))
            sl__js_unexpected(p);
        next(p);
    }
    if ((is(p, TK_LT) || is(p, TK_SHL)) && !p->L.nl_before)
        sl__ts_skip_type_args(p);
}

/* Postfix: T[], T[K]. */
static void skip_postfix_type(js_parser *p)
{
    skip_primary_type(p);
    while (is(p, TK_LBRACK) && !p->L.nl_before) {
        next(p);
        if (!is(p, TK_RBRACK))
            sl__ts_skip_type(p);
        sl__js_expect(p, TK_RBRACK);
    }
}

static void skip_type_inner(js_parser *p, int no_cond)
{
    sl__js_enter(p);
    if (is(p, TK_BAR) || is(p, TK_AMP)) /* leading | or & */
        next(p);
    skip_postfix_type(p);
    while (is(p, TK_BAR) || is(p, TK_AMP)) {
        next(p);
        skip_postfix_type(p);
    }
    if (!no_cond && !(p->ctx & CTX_TS_NO_COND) && is_kw(p, K_EXTENDS) && !p->L.nl_before) { /* conditional type */
        next(p);
        unsigned saved = p->ctx;
        p->ctx |= CTX_TS_NO_COND;
        skip_type_inner(p, 1);
        p->ctx = saved;
        sl__js_expect(p, TK_QUESTION);
        sl__ts_skip_type(p);
        sl__js_expect(p, TK_COLON);
        sl__ts_skip_type(p);
    }
    leave(p);
}

void sl__ts_skip_type(js_parser *p)
{
    skip_type_inner(p, 0);
}

/* `<T>` in an expression: type arguments when what follows says so (as tsc's canFollowTypeArgumentsInExpression). */
int sl__ts_try_type_args_in_expr(js_parser *p)
{
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    sl__ts_skip_type_args(p);
    switch (p->L.tok) {
    case TK_LPAREN: case TK_TEMPLATE: case TK_THEAD:
        break;
    case TK_LT: case TK_GT: case TK_PLUS: case TK_MINUS:
        longjmp(sp->env, 1);
    default:
        if (p->L.nl_before)
            break;
        /* anything that could start an expression means `<` was less-than */
        switch (p->L.tok) {
        case TK_NAME: case TK_NUM: case TK_STR: case TK_BIGINT: case TK_LBRACK: case TK_LBRACE: case TK_BANG:
        case TK_TILDE: case TK_INC: case TK_DEC: case TK_PRIVATE: case TK_AT: case TK_SLASH: case TK_SLASH_EQ:
            if (p->L.tok == TK_NAME && (p->L.kw == K_IN || p->L.kw == K_INSTANCEOF || p->L.kw == K_AS ||
                                        p->L.kw == K_SATISFIES))
                break;
            longjmp(sp->env, 1);
        default:
            break;
        }
    }
    sl__js_spec_commit(p, sp);
    return 1;
}

void sl__ts_skip_return_annotation(js_parser *p)
{
    if (eat(p, TK_COLON))
        skip_return_type(p);
}

int sl__ts_try_return_type_arrow(js_parser *p)
{
    js_spec *sp;
    if (JS_TRY(p, sp))
        return 0;
    next(p); /* : */
    skip_return_type(p);
    if (!is(p, TK_ARROW) || p->L.nl_before)
        longjmp(sp->env, 1);
    sl__js_spec_commit(p, sp);
    return 1;
}

void sl__ts_skip_interface(js_parser *p)
{
    next(p); /* interface */
    next(p); /* name */
    sl__ts_skip_type_params(p);
    if (eat_kw(p, K_EXTENDS)) {
        do
            sl__ts_skip_type(p);
        while (eat(p, TK_COMMA));
    }
    skip_object_type(p);
}

void sl__ts_skip_type_alias(js_parser *p)
{
    next(p); /* type */
    next(p); /* name */
    sl__ts_skip_type_params(p);
    sl__js_expect(p, TK_ASSIGN);
    sl__ts_skip_type(p);
    sl__js_semicolon(p);
}

/* enum E { A, B = 1, "c" = B + 1 } */
js_node *sl__ts_parse_enum(js_parser *p, uint32_t pos, uint16_t flags)
{
    next(p); /* enum */
    js_node *e = sl__js_mk(p, N_ENUM, pos);
    e->flags = flags;
    if (!sl__js_is_identifier_tok(p))
        sl__js_fail(p, p->L.start, "expected the enum's name");
    e->a = sl__js_name_node(p);
    next(p);
    sl__js_expect(p, TK_LBRACE);
    size_t mark = p->stack.n;
    while (!is(p, TK_RBRACE)) {
        js_node *m = sl__js_mk(p, N_ENUM_MEMBER, p->L.start);
        if (is(p, TK_STR)) {
            m->a = sl__js_str(p->a, p->L.str, p->L.str_len, p->L.start);
            m->a->flags |= JF_QUOTED;
        } else if (is(p, TK_NAME)) {
            m->a = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
        } else {
            sl__js_fail(p, p->L.start, "expected an enum member name");
        }
        next(p);
        if (eat(p, TK_ASSIGN))
            m->b = sl__js_parse_expr(p, L_COMMA);
        push(p, m);
        if (!is(p, TK_RBRACE))
            sl__js_expect(p, TK_COMMA);
    }
    next(p);
    sl__js_list_end(p, e, mark);
    return e;
}

/* Does a namespace body hold anything with run-time meaning?  (tsc emits
 * nothing for one that holds only types.) */
static int has_values(js_node *body)
{
    if (body->kind == N_NAMESPACE)
        return body->b && has_values(body->b);
    for (uint32_t i = 0; i < body->n; i++) {
        js_node *s = body->list[i];
        if (s->kind == N_EMPTY)
            continue;
        if (s->kind == N_NAMESPACE && !s->b)
            continue;
        if (s->kind == N_ENUM && (s->flags & JF_CONST))
            continue;
        return 1;
    }
    return 0;
}

/* After `namespace`/`module`: the name (A or A.B.C) and the body. */
/* A namespace is lowered to a function called in a statement,
 * `(function (N) { ... })(N || (N = {}))`, about 3 levels deep.  Each
 * namespace - braced, or a segment of a dotted name (`A.B.C`, a namespace
 * in a namespace, parsed here by recursion) - counts NS_LEVELS at parse, so
 * a nesting past the limit is refused at the namespace in the .ts file, not
 * in the lowered text, and never deeper than the passes over the tree can
 * recurse.  A braced one's statement and block count 2 of them already. */
enum { NS_LEVELS = 4, NS_OWN = 2 };

static js_node *namespace_rest(js_parser *p, uint32_t pos, uint16_t flags)
{
    js_node *ns = sl__js_mk(p, N_NAMESPACE, pos);
    ns->flags = flags;
    if (!sl__js_is_identifier_tok(p))
        sl__js_fail(p, p->L.start, "expected the namespace's name");
    for (int i = 0; i < NS_LEVELS - NS_OWN; i++)
        sl__js_enter(p);
    ns->a = sl__js_name_node(p);
    next(p);
    if (eat(p, TK_DOT)) {
        for (int i = 0; i < NS_OWN; i++) /* the inner one has no statement or block of its own */
            sl__js_enter(p);
        js_node *inner = namespace_rest(p, p->L.start, JF_EXPORT);
        ns->b = inner->b ? inner : NULL;
        p->depth -= NS_LEVELS;
        return ns;
    }
    unsigned saved = p->ctx;
    p->ctx = saved & ~(CTX_ASYNC | CTX_GENERATOR | CTX_IN_FUNCTION);
    sl__js_enter(p);
    js_node *body = sl__js_mk(p, N_BLOCK, p->L.start);
    sl__js_expect(p, TK_LBRACE);
    size_t mark = p->stack.n;
    while (!is(p, TK_RBRACE)) {
        if (is(p, TK_EOF))
            sl__js_unexpected(p);
        js_node *s;
        if (is_kw(p, K_EXPORT)) {
            uint32_t epos = p->L.start;
            next(p);
            if (is(p, TK_LBRACE) || is(p, TK_STAR) || is_kw(p, K_DEFAULT) || is(p, TK_ASSIGN))
                sl__js_fail(p, epos, "this export form is not allowed in a namespace");
            if (is_kw(p, K_IMPORT)) {
                next(p);
                js_node *name = sl__js_name_node(p);
                next(p);
                s = sl__ts_parse_import_equals(p, epos, name, JF_EXPORT);
            } else {
                s = sl__js_parse_stmt(p);
                if (s && s->kind != N_EMPTY)
                    s->flags |= JF_EXPORT;
            }
        } else {
            s = sl__js_parse_stmt(p);
        }
        if (s)
            push(p, s);
    }
    next(p);
    leave(p);
    p->depth -= NS_LEVELS - NS_OWN;
    p->ctx = saved;
    sl__js_list_end(p, body, mark);
    ns->b = has_values(body) ? body : NULL;
    return ns;
}

/* namespace A.B { ... } / module A { ... } / module "x" { ... } (ambient: dropped). */
js_node *sl__ts_parse_namespace(js_parser *p, uint32_t pos, uint16_t flags)
{
    next(p); /* namespace / module */
    if (is(p, TK_STR)) {
        next(p);
        if (is(p, TK_LBRACE))
            sl__js_parse_block(p);
        else
            sl__js_semicolon(p);
        return sl__js_mk(p, N_EMPTY, pos);
    }
    return namespace_rest(p, pos, flags);
}

/* `declare ...`: parsed with its full grammar so errors are caught, then dropped. */
js_node *sl__ts_parse_declare(js_parser *p)
{
    uint32_t pos = p->L.start;
    if (is_kw(p, K_GLOBAL)) {
        next(p);
        sl__js_parse_block(p);
        return sl__js_mk(p, N_EMPTY, pos);
    }
    next(p); /* declare */
    unsigned saved = p->ctx;
    p->ctx |= CTX_AMBIENT;
    if (is_kw(p, K_GLOBAL)) {
        next(p);
        sl__js_parse_block(p);
    } else if (is_kw(p, K_MODULE) || is_kw(p, K_NAMESPACE)) {
        next(p);
        if (is(p, TK_STR))
            next(p);
        else
            do
                next(p);
            while (eat(p, TK_DOT));
        if (is(p, TK_LBRACE))
            sl__js_parse_block(p);
        else
            sl__js_semicolon(p);
    } else if (is_kw(p, K_CONST) || is_kw(p, K_VAR) || is_kw(p, K_LET)) {
        js_spec *sp;
        if (is_kw(p, K_CONST) && !JS_TRY(p, sp)) {
            next(p);
            if (!is_kw(p, K_ENUM))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            sl__ts_parse_enum(p, pos, JF_CONST);
        } else {
            next(p);
            do {
                sl__js_parse_binding(p);
                sl__ts_skip_type_annotation(p);
                if (eat(p, TK_ASSIGN))
                    sl__js_parse_expr(p, L_COMMA);
            } while (eat(p, TK_COMMA));
            sl__js_semicolon(p);
        }
    } else {
        sl__js_parse_stmt(p); /* function/class/enum/interface/type/abstract class */
    }
    p->ctx = saved;
    return sl__js_mk(p, N_EMPTY, pos);
}

/* import x = require("y") | import x = A.B.C (name already read; current token `=`). */
js_node *sl__ts_parse_import_equals(js_parser *p, uint32_t pos, js_node *name, uint16_t flags)
{
    sl__js_expect(p, TK_ASSIGN);
    js_node *ie = sl__js_mk(p, N_IMPORT_EQUALS, pos);
    ie->flags = flags;
    ie->a = name;
    if (is_kw(p, K_REQUIRE)) {
        js_spec *sp;
        if (!JS_TRY(p, sp)) {
            uint32_t rpos = p->L.start;
            next(p);
            if (!is(p, TK_LPAREN))
                longjmp(sp->env, 1);
            sl__js_spec_commit(p, sp);
            next(p);
            if (!is(p, TK_STR))
                sl__js_fail(p, p->L.start, "expected a module specifier string");
            js_node *call = sl__js_mk(p, N_CALL, rpos);
            call->a = sl__js_ident(p->a, "require", rpos);
            js_node *arg = sl__js_str(p->a, p->L.str, p->L.str_len, p->L.start);
            call->n = 1;
            call->list = sl__js_list_copy(p->a, &arg, 1);
            next(p);
            sl__js_expect(p, TK_RPAREN);
            ie->b = call;
            p->is_module = 1;
            sl__js_semicolon(p);
            return ie;
        }
    }
    js_node *e = sl__js_name_node(p);
    if (!is(p, TK_NAME))
        sl__js_unexpected(p);
    next(p);
    unsigned levels = 0; /* each `.` nests the chain one level deeper, as in an expression */
    while (eat(p, TK_DOT)) {
        sl__js_enter(p);
        levels++;
        js_node *m = sl__js_mk(p, N_MEMBER, e->pos);
        m->a = e;
        if (!is(p, TK_NAME))
            sl__js_unexpected(p);
        m->c = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
        next(p);
        e = m;
    }
    p->depth -= levels;
    ie->b = e;
    sl__js_semicolon(p);
    return ie;
}
