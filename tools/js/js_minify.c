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

/* One statement list: statements rewritten, empty ones dropped, adjacent declarations merged. */
static void list(minifier *M, js_node *owner, int fn_body)
{
    size_t mark = M->out.n;
    for (uint32_t i = 0; i < owner->n; i++) {
        js_node *s = owner->list[i];
        if (s->kind == N_IF)
            s = if_statement(M, s);
        else
            node(M, s);
        if (s->kind == N_EMPTY)
            continue;
        if (s->kind == N_VAR && M->out.n > mark) {
            js_node *prev = M->out.v[M->out.n - 1];
            if (prev->kind == N_VAR && prev->op == s->op && s->op <= JV_CONST && prev->flags == s->flags) {
                js_node **v = sl__js_alloc(M->a, (prev->n + s->n) * sizeof *v);
                memcpy(v, prev->list, prev->n * sizeof *v);
                memcpy(v + prev->n, s->list, s->n * sizeof *v);
                prev->list = v;
                prev->n += s->n;
                continue;
            }
        }
        JS_VEC_PUSH(M->out, s);
    }
    /* `return;` as a function's last statement */
    if (fn_body && M->out.n > mark) {
        js_node *last = M->out.v[M->out.n - 1];
        if (last->kind == N_RETURN && !last->a)
            M->out.n--;
    }
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
    node(&M, ast->program);
    free(M.out.v);
}
