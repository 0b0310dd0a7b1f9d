/*
 * js_minify.c - --minify-syntax: rewrites that make the printed program
 * shorter and never change what it does.
 *
 * Each rewrite is local and justified by the language alone: `true` is
 * `!0`, an unbound `undefined` is `void 0`, `a["b"]` is `a.b`, a typeof
 * result compared with a string needs no strict equality, an `if` whose
 * branches are expressions is a `&&`, `||` or `?:`, a block of one
 * statement needs no braces unless that statement is a declaration the
 * block scopes, adjacent declarations of one kind are one declaration,
 * `() => { return x }` is `() => x`.  Nothing that could run a getter,
 * skip a side effect or move a declaration is touched.  The tree must be
 * bound (js_scope.c): `undefined` is rewritten only where it is the global.
 */
#include "js_minify.h"

#include <stdlib.h>
#include <string.h>

typedef struct minifier {
    js_ast *ast;
    js_arena *a;
    JS_VEC(js_node *) out;
    uint8_t *written; /* per symbol: assigned somewhere (a `const` that is stays one) */
} minifier;

static void node(minifier *M, js_node *n);

static js_node *mk(minifier *M, int kind, uint32_t pos)
{
    return sl__js_node(M->a, kind, pos);
}

static void child(js_node *n, void *M)
{
    node(M, n);
}

static void children(minifier *M, js_node *n)
{
    sl__js_each_child(n, child, M);
}

static int is_global_undefined(minifier *M, const js_node *n)
{
    return n->kind == N_IDENT && !strcmp(n->s, "undefined") && n->aux != JS_NONE && n->aux < M->ast->nsyms &&
           M->ast->syms[n->aux].kind == SK_UNBOUND;
}

static void become_void0(minifier *M, js_node *n)
{
    uint32_t pos = n->pos;
    memset(n, 0, sizeof *n);
    n->kind = N_UNARY;
    n->op = JU_VOID;
    n->pos = pos;
    n->aux = JS_NONE;
    n->a = mk(M, N_NUM, pos);
}

static uint32_t sym_id(minifier *M, const js_node *id)
{
    uint32_t k = id->aux;
    while (k < M->ast->nsyms && M->ast->syms[k].link != JS_NONE && M->ast->syms[k].link != k)
        k = M->ast->syms[k].link;
    return k < M->ast->nsyms ? k : JS_NONE;
}

/* Every identifier in an assignment target (a pattern's defaults too: more is only safer). */
static void mark_written(js_node *n, void *Mv)
{
    minifier *M = Mv;
    if (n->kind == N_IDENT) {
        uint32_t k = sym_id(M, n);
        if (k != JS_NONE)
            M->written[k] = 1;
        return;
    }
    sl__js_each_child(n, mark_written, M);
}

static void target(minifier *M, js_node *t)
{
    if (t->kind != N_MEMBER && t->kind != N_INDEX)
        mark_written(t, M);
}

static void find_writes(js_node *n, void *Mv)
{
    minifier *M = Mv;
    if (n->kind == N_ASSIGN || n->kind == N_UPDATE)
        target(M, n->a);
    else if ((n->kind == N_FOR_IN || n->kind == N_FOR_OF) && n->a && n->a->kind != N_VAR)
        target(M, n->a);
    sl__js_each_child(n, find_writes, M);
}

static void may_be_let(js_node *n, void *flag)
{
    int *ok = ((void **)flag)[1];
    minifier *M = ((void **)flag)[0];
    if (!*ok)
        return;
    if (n->kind == N_IDENT) {
        uint32_t k = sym_id(M, n);
        const js_symbol *sy = k == JS_NONE ? NULL : &M->ast->syms[k];
        if (!sy || M->written[k] || (sy->flags & (SF_NO_RENAME | SF_EXPORTED)) || sy->ns_sym != JS_NONE ||
            sy->scope >= M->ast->nscopes || M->ast->scopes[sy->scope].parent == JS_NONE ||
            (M->ast->scopes[sy->scope].flags & SCF_EVAL))
            *ok = 0;
        return;
    }
    sl__js_each_child(n, may_be_let, flag);
}

/*
 * const -> let (esbuild does it when bundling with --minify-syntax, where
 * assigning to a const is a build error).  Here nothing refuses such an
 * assignment, so only a const that nothing assigns to becomes `let`: both
 * have the same scope and the same temporal dead zone, and only a write
 * tells them apart.  Not at the program's top level (a bundle is minified
 * in pieces, and another piece may write the name) and not where eval or
 * with could see the name.
 */
static void const_to_let(minifier *M, js_node *v)
{
    int ok = 1;
    void *ctx[2] = {M, &ok};
    for (uint32_t i = 0; i < v->n && ok; i++)
        may_be_let(v->list[i]->a, ctx);
    if (ok)
        v->op = JV_LET;
}

/* Statements that a block scopes: unwrapping the block would change their scope. */
static int block_scoped(const js_node *s)
{
    return (s->kind == N_VAR && s->op != JV_VAR) || s->kind == N_CLASS_DECL || s->kind == N_FUNC_DECL;
}

/* A statement as an expression (expression statements, and blocks of them), or NULL. */
static js_node *as_expr(minifier *M, js_node *s)
{
    if (s->kind == N_EXPR)
        return s->a;
    if (s->kind != N_BLOCK || !s->n)
        return NULL;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->list[i]->kind != N_EXPR)
            return NULL;
    if (s->n == 1)
        return s->list[0]->a;
    js_node *seq = mk(M, N_SEQ, s->pos);
    seq->n = s->n;
    seq->list = sl__js_alloc(M->a, s->n * sizeof *seq->list);
    for (uint32_t i = 0; i < s->n; i++)
        seq->list[i] = s->list[i]->a;
    return seq;
}

/* The body of if/for/while/with/label: one statement without braces where that is the same. */
static js_node *body(minifier *M, js_node *s)
{
    node(M, s);
    if (s->kind == N_BLOCK) {
        if (s->n == 0)
            return mk(M, N_EMPTY, s->pos);
        if (s->n == 1 && !block_scoped(s->list[0]))
            return s->list[0];
    }
    return s;
}

static js_node *negated(minifier *M, js_node *e, int *was_not)
{
    (void)M;
    if (e->kind == N_UNARY && e->op == JU_NOT) {
        *was_not = 1;
        return e->a;
    }
    *was_not = 0;
    return e;
}

/* if (c) a; else b;  ->  c ? a : b;   if (c) a;  ->  c && a;   if (!c) a;  ->  c || a; */
static js_node *if_statement(minifier *M, js_node *s)
{
    node(M, s->a);
    s->b = body(M, s->b);
    if (s->c)
        s->c = body(M, s->c);
    js_node *yes = as_expr(M, s->b), *no = s->c ? as_expr(M, s->c) : NULL;
    if (yes && (!s->c || no)) {
        js_node *e;
        if (no) {
            int not;
            js_node *test = negated(M, s->a, &not);
            e = mk(M, N_COND, s->pos);
            e->a = test; /* if (!c) a; else b;  ->  c ? b : a */
            e->b = not ? no : yes;
            e->c = not ? yes : no;
        } else {
            int not;
            js_node *test = negated(M, s->a, &not);
            e = mk(M, N_BINARY, s->pos);
            e->op = not ? JB_OR : JB_AND;
            e->a = test;
            e->b = yes;
        }
        js_node *st = mk(M, N_EXPR, s->pos);
        st->a = e;
        return st;
    }
    /* if (c) return a; else return b;  ->  return c ? a : b; */
    if (s->c && s->b->kind == N_RETURN && s->c->kind == N_RETURN && s->b->a && s->c->a) {
        js_node *e = mk(M, N_COND, s->pos);
        e->a = s->a;
        e->b = s->b->a;
        e->c = s->c->a;
        js_node *r = mk(M, N_RETURN, s->pos);
        r->a = e;
        return r;
    }
    return s;
}

/* a, b  ->  one flat sequence (a sequence's own commas need no parentheses) */
static js_node *join(minifier *M, js_node *a, js_node *b)
{
    uint32_t na = a->kind == N_SEQ ? a->n : 1, nb = b->kind == N_SEQ ? b->n : 1;
    js_node *seq = mk(M, N_SEQ, a->pos);
    seq->n = na + nb;
    seq->list = sl__js_alloc(M->a, seq->n * sizeof *seq->list);
    if (a->kind == N_SEQ)
        memcpy(seq->list, a->list, na * sizeof *seq->list);
    else
        seq->list[0] = a;
    if (b->kind == N_SEQ)
        memcpy(seq->list + na, b->list, nb * sizeof *seq->list);
    else
        seq->list[na] = b;
    return seq;
}

static int is_jump(const js_node *s)
{
    return s->kind == N_RETURN || s->kind == N_THROW || s->kind == N_BREAK || s->kind == N_CONTINUE;
}

/* Two jumps that go to the same place with nothing to evaluate: `return;`, `break l;`, `continue;`. */
static int same_bare_jump(const js_node *a, const js_node *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == N_RETURN)
        return !a->a && !b->a;
    if (a->kind == N_BREAK || a->kind == N_CONTINUE)
        return (!a->s && !b->s) || (a->s && b->s && !strcmp(a->s, b->s));
    return 0;
}

static void in_found(js_node *n, void *found)
{
    if (n->kind == N_BINARY && n->op == JB_IN)
        *(int *)found = 1;
    else if (!*(int *)found)
        sl__js_each_child(n, in_found, found);
}

/* An `in` anywhere inside (even in a nested function): such an expression stays out of a `for` head. */
static int has_in(js_node *e)
{
    int found = 0;
    in_found(e, &found);
    return found;
}

static js_node *top(minifier *M, size_t mark)
{
    return M->out.n > mark ? M->out.v[M->out.n - 1] : NULL;
}

static void push(minifier *M, size_t mark, js_node *s);

/* An `else` after a jump is the statements after the `if`; a block of them
 * is spliced in unless it scopes a declaration. */
static void push_after(minifier *M, size_t mark, js_node *s)
{
    if (s->kind != N_BLOCK) {
        push(M, mark, s);
        return;
    }
    for (uint32_t i = 0; i < s->n; i++)
        if (block_scoped(s->list[i])) {
            push(M, mark, s);
            return;
        }
    for (uint32_t i = 0; i < s->n; i++)
        push(M, mark, s->list[i]);
}

/* Splits `a, b, c` into `a, b` (or NULL) and its last `c`. */
static js_node *seq_last(minifier *M, js_node *e, js_node **before)
{
    *before = NULL;
    if (e->kind != N_SEQ || e->n < 2)
        return e;
    if (e->n == 2) {
        *before = e->list[0];
    } else {
        js_node *b = mk(M, N_SEQ, e->pos);
        b->n = e->n - 1;
        b->list = e->list;
        *before = b;
    }
    return e->list[e->n - 1];
}

/* (x, a) || b  ->  x, a || b */
static js_node *or_tests(minifier *M, js_node *a, js_node *b)
{
    js_node *before, *or = mk(M, N_BINARY, a->pos);
    or->op = JB_OR;
    or->a = seq_last(M, a, &before);
    or->b = b;
    return before ? join(M, before, or) : or;
}

/* for (init; ...): the expression or `var` before it moves into the head */
static int into_for(minifier *M, js_node *prev, js_node *s)
{
    if (prev->kind == N_EXPR && (!s->a || s->a->kind != N_VAR) && !has_in(prev->a)) {
        s->a = s->a ? join(M, prev->a, s->a) : prev->a;
        return 1;
    }
    if (prev->kind == N_VAR && prev->op == JV_VAR && !(prev->flags & JF_EXPORT) &&
        (!s->a || (s->a->kind == N_VAR && s->a->op == JV_VAR)) && !has_in(prev)) {
        if (s->a) {
            js_node **v = sl__js_alloc(M->a, (prev->n + s->a->n) * sizeof *v);
            memcpy(v, prev->list, prev->n * sizeof *v);
            memcpy(v + prev->n, s->a->list, s->a->n * sizeof *v);
            prev->list = v;
            prev->n += s->a->n;
        }
        s->a = prev;
        return 1;
    }
    return 0;
}

/*
 * Appends a rewritten statement to the list being built, merged into the
 * one before it where that evaluates the same things in the same order:
 * `a(); b()` -> `a(), b()`; `a(); return b` -> `return a(), b` (also
 * throw, and the heads of if, switch and for); adjacent declarations of
 * one kind; `if (a) return; if (b) return;` -> `if (a || b) return;`.
 * Declarations never become expressions; list() keeps directives out.
 */
static void push(minifier *M, size_t mark, js_node *s)
{
    js_node *prev = top(M, mark);
    switch (s->kind) {
    case N_EMPTY:
        return;
    case N_VAR:
        if (prev && prev->kind == N_VAR && prev->op == s->op && s->op <= JV_CONST && prev->flags == s->flags) {
            js_node **v = sl__js_alloc(M->a, (prev->n + s->n) * sizeof *v);
            memcpy(v, prev->list, prev->n * sizeof *v);
            memcpy(v + prev->n, s->list, s->n * sizeof *v);
            prev->list = v;
            prev->n += s->n;
            return;
        }
        break;
    case N_EXPR:
        if (prev && prev->kind == N_EXPR) {
            prev->a = join(M, prev->a, s->a);
            return;
        }
        break;
    case N_SWITCH: case N_IF:
        if (prev && prev->kind == N_EXPR) {
            s->a = join(M, prev->a, s->a);
            M->out.n--;
            prev = top(M, mark);
        }
        if (s->kind == N_IF && is_jump(s->b)) {
            if (prev && prev->kind == N_IF && !prev->c && same_bare_jump(prev->b, s->b)) {
                s->a = or_tests(M, prev->a, s->a);
                M->out.n--;
            }
            if (s->c) { /* if (a) return b; else c;  ->  if (a) return b; c; */
                js_node *no = s->c;
                s->c = NULL;
                JS_VEC_PUSH(M->out, s);
                push_after(M, mark, no);
                return;
            }
        }
        break;
    case N_RETURN: case N_THROW:
        if (prev && prev->kind == N_EXPR && s->a) {
            s->a = join(M, prev->a, s->a);
            M->out.n--;
        }
        break;
    case N_FOR:
        if (prev && into_for(M, prev, s))
            M->out.n--;
        break;
    default:
        break;
    }
    JS_VEC_PUSH(M->out, s);
}

static js_node *void0(minifier *M, uint32_t pos)
{
    js_node *v = mk(M, N_UNARY, pos);
    v->op = JU_VOID;
    v->a = mk(M, N_NUM, pos);
    return v;
}

/* if (a) return b; return c;  ->  return a ? b : c  (and `x(); return c` -> `return x(), c`; also throw) */
static int fold_last_jump(minifier *M, size_t mark)
{
    if (M->out.n - mark < 2)
        return 0;
    js_node *last = M->out.v[M->out.n - 1], *prev = M->out.v[M->out.n - 2];
    if (last->kind != N_RETURN && last->kind != N_THROW)
        return 0;
    if (prev->kind == N_EXPR && last->a) {
        last->a = join(M, prev->a, last->a);
    } else if (prev->kind == N_IF && !prev->c && prev->b->kind == last->kind) {
        js_node *left = prev->b->a ? prev->b->a : void0(M, prev->pos);
        js_node *right = last->a ? last->a : void0(M, last->pos);
        js_node *before, *test = seq_last(M, prev->a, &before); /* if (a, b) return c; return d;  ->  return a, b ? c : d */
        if (test->kind == N_UNARY && test->op == JU_NOT) {
            js_node *t = left;
            left = right;
            right = t;
            test = test->a;
        }
        js_node *c = mk(M, N_COND, prev->pos);
        c->a = test;
        c->b = left;
        c->c = right;
        last->a = before ? join(M, before, c) : c;
    } else {
        return 0;
    }
    M->out.v[M->out.n - 2] = last;
    M->out.n--;
    return 1;
}

static int is_directive(const js_node *s)
{
    return s->kind == N_DIRECTIVE || (s->kind == N_EXPR && s->a->kind == N_STR);
}

/* One statement list: statements rewritten, empty ones dropped, neighbours merged. */
static void list(minifier *M, js_node *owner, int fn_body)
{
    size_t mark = M->out.n, fence = mark;
    uint32_t i = 0;
    /* A function body's directives (`"use strict"`) are string statements
     * here: they stay whole statements, and nothing merges into them. */
    for (; i < owner->n && is_directive(owner->list[i]); i++)
        JS_VEC_PUSH(M->out, owner->list[i]);
    fence = M->out.n;
    for (; i < owner->n; i++) {
        js_node *s = owner->list[i];
        if (s->kind == N_IF)
            s = if_statement(M, s);
        else
            node(M, s);
        push(M, fence, s);
    }
    /* `return;` as a function's last statement */
    if (fn_body && M->out.n > fence) {
        js_node *last = M->out.v[M->out.n - 1];
        if (last->kind == N_RETURN && !last->a)
            M->out.n--;
    }
    while (fold_last_jump(M, fence))
        ;
    owner->n = (uint32_t)(M->out.n - mark);
    owner->list = sl__js_list_copy(M->a, M->out.v + mark, owner->n);
    M->out.n = mark;
}

static int is_typeof(const js_node *e)
{
    return e->kind == N_UNARY && e->op == JU_TYPEOF;
}

static void binary(minifier *M, js_node *n)
{
    children(M, n);
    if (n->op != JB_STRICT_EQ && n->op != JB_STRICT_NE && n->op != JB_LOOSE_EQ && n->op != JB_LOOSE_NE)
        return;
    js_node *t = is_typeof(n->a) ? n->a : is_typeof(n->b) ? n->b : NULL;
    js_node *s = t == n->a ? n->b : n->a;
    if (!t || s->kind != N_STR)
        return;
    /* typeof x === "undefined"  ->  typeof x > "u": every other typeof result sorts before "u" */
    if (s->n == 9 && !memcmp(s->s, "undefined", 9)) {
        int eq = n->op == JB_STRICT_EQ || n->op == JB_LOOSE_EQ;
        n->op = eq ? (t == n->a ? JB_GT : JB_LT) : (t == n->a ? JB_LT : JB_GT);
        s->s = "u";
        s->n = 1;
        return;
    }
    /* both sides are strings: strict and loose equality agree */
    if (n->op == JB_STRICT_EQ)
        n->op = JB_LOOSE_EQ;
    else if (n->op == JB_STRICT_NE)
        n->op = JB_LOOSE_NE;
}

/* `!0` (what `true` became) or a non-zero number: a test that cannot fail or run anything */
static int always_true(const js_node *e)
{
    if (e->kind == N_UNARY && e->op == JU_NOT && e->a->kind == N_NUM)
        return e->a->num == 0;
    return e->kind == N_NUM && e->num != 0 && e->num == e->num;
}

static void node(minifier *M, js_node *n)
{
    switch (n->kind) {
    case N_BOOL: {
        int v = n->op;
        n->kind = N_UNARY;
        n->op = JU_NOT;
        n->a = mk(M, N_NUM, n->pos);
        n->a->num = v ? 0 : 1;
        return;
    }
    case N_IDENT:
        if (is_global_undefined(M, n))
            become_void0(M, n);
        return;
    case N_ASSIGN:
        /* `undefined = x` (sloppy code) stays a write to the global */
        if (n->a->kind != N_IDENT)
            node(M, n->a);
        node(M, n->b);
        return;
    case N_UPDATE:
        if (n->a->kind != N_IDENT)
            node(M, n->a);
        return;
    case N_INDEX:
        children(M, n);
        if (n->b->kind == N_STR && sl__js_is_ident_name(n->b->s, n->b->n)) {
            n->kind = N_MEMBER;
            n->c = n->b;
            n->b = NULL;
        }
        return;
    case N_BINARY:
        binary(M, n);
        return;
    case N_PROGRAM:
        list(M, n, 0);
        return;
    case N_BLOCK:
        list(M, n, 0);
        return;
    case N_CASE:
        if (n->a)
            node(M, n->a);
        list(M, n, 0);
        return;
    case N_FUNCTION: case N_FUNC_DECL:
        for (uint32_t i = 0; i < n->n; i++)
            node(M, n->list[i]);
        if (n->b)
            list(M, n->b, 1);
        return;
    case N_ARROW:
        for (uint32_t i = 0; i < n->n; i++)
            node(M, n->list[i]);
        if (n->flags & JF_EXPR_BODY) {
            node(M, n->b);
            return;
        }
        list(M, n->b, 1);
        /* () => { return x }  ->  () => x */
        if (n->b->n == 1 && n->b->list[0]->kind == N_RETURN && n->b->list[0]->a) {
            n->b = n->b->list[0]->a;
            n->flags |= JF_EXPR_BODY;
        }
        return;
    case N_IF: {
        js_node *r = if_statement(M, n);
        if (r != n)
            *n = *r;
        return;
    }
    case N_FOR: case N_FOR_IN: case N_FOR_OF:
        if (n->a)
            node(M, n->a);
        if (n->b)
            node(M, n->b);
        if (n->kind == N_FOR && n->d)
            node(M, n->d);
        n->c = body(M, n->c);
        return;
    case N_WHILE: case N_WITH:
        node(M, n->a);
        n->b = body(M, n->b);
        if (n->kind == N_WHILE && always_true(n->a)) { /* while (!0) x  ->  for (;;) x */
            js_node *b = n->b;
            n->kind = N_FOR;
            n->a = n->b = n->d = NULL;
            n->c = b;
            n->aux = JS_NONE;
        }
        return;
    case N_DO_WHILE:
        n->a = body(M, n->a);
        node(M, n->b);
        return;
    case N_LABEL:
        node(M, n->a);
        return;
    case N_RETURN:
        if (n->a) {
            node(M, n->a);
            if (n->a->kind == N_UNARY && n->a->op == JU_VOID && n->a->a->kind == N_NUM)
                n->a = NULL; /* return void 0 -> return */
        }
        return;
    case N_PROPERTY:
        if (n->flags & JF_COMPUTED)
            node(M, n->a);
        if (n->b) {
            if (n->op == JP_STATIC_BLOCK)
                list(M, n->b, 0);
            else
                node(M, n->b);
        }
        if (n->c)
            node(M, n->c);
        if (n->d)
            node(M, n->d);
        return;
    case N_VAR:
        children(M, n);
        if (n->op == JV_CONST && !(n->flags & JF_EXPORT) && M->written)
            const_to_let(M, n);
        return;
    case N_IMPORT: case N_EXPORT_NAMED: case N_EXPORT_ALL:
        return;
    default:
        children(M, n);
    }
}

void sl__js_minify_syntax(js_ast *ast)
{
    minifier M;
    memset(&M, 0, sizeof M);
    M.ast = ast;
    M.a = ast->arena;
    JS_VEC_PUSH(M.out, NULL); /* never NULL: lists are copied from out.v + mark */
    M.out.n = 0;
    if (ast->syms && ast->nsyms) {
        M.written = calloc(ast->nsyms, 1);
        if (M.written)
            find_writes(ast->program, &M);
    }
    node(&M, ast->program);
    free(M.written);
    free(M.out.v);
}
