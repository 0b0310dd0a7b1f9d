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

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct minifier {
    js_ast *ast;
    js_arena *a;
    JS_VEC(js_node *) out;
    uint8_t *written; /* per symbol: assigned somewhere (a `const` that is stays one) */
    uint32_t *refs;   /* per symbol: identifiers naming it, its declaration's included */
    int loop_body;    /* the next list() is the block of a loop's body */
    /* The statement list() is merging into: its sequence or declaration
     * list has room for more (grow_cap items at grow_list), so a run of n
     * statements merged one by one costs O(n), not a copy per statement. */
    js_node *grow;
    js_node **grow_list;
    uint32_t grow_cap;
} minifier;

static void node(minifier *M, js_node *n);
static js_node *void0(minifier *M, uint32_t pos);
static int removable(minifier *M, const js_node *e);
static int same(minifier *M, const js_node *a, const js_node *b);
static js_node *binop(minifier *M, int op, js_node *a, js_node *b);
static js_node *truth(minifier *M, js_node *e);
static js_node *not_of(minifier *M, js_node *e);
static js_node *negated(minifier *M, js_node *e, int *was_not);

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
    if (n->kind == N_IDENT && M->refs) {
        uint32_t k = sym_id(M, n);
        if (k != JS_NONE)
            M->refs[k]++;
    }
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

static js_node *cond(minifier *M, js_node *e);

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
    s->a = truth(M, s->a);
    s->b = body(M, s->b);
    if (s->c)
        s->c = body(M, s->c);
    /* if (a) if (b) c  ->  if (a && b) c  (neither has an else) */
    if (!s->c && s->b->kind == N_IF && !s->b->c) {
        s->a = binop(M, JB_AND, s->a, s->b->a);
        s->b = s->b->b;
    }
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
            e = cond(M, e);
        } else {
            int not;
            js_node *test = negated(M, s->a, &not);
            e = binop(M, not ? JB_OR : JB_AND, test, yes);
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
        r->a = cond(M, e);
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

/* Two jumps that do the same (esbuild's jumpStmtsLookTheSame): `break l;`,
 * `continue;`, or return/throw of values that look the same. */
static int same_jump(minifier *M, const js_node *a, const js_node *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == N_RETURN)
        return a->a ? b->a && same(M, a->a, b->a) : !b->a;
    if (a->kind == N_THROW)
        return same(M, a->a, b->a);
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

/* ---- single-use names: esbuild's substituteSingleUseSymbolInStmt ---- */

enum { SUB_CONTINUE, SUB_DONE, SUB_FAIL };

/* null, void 0, !0, a number, a string, a bigint: nothing to run and nothing anything can change */
static int primitive(const js_node *e)
{
    switch (e->kind) {
    case N_NULL: case N_NUM: case N_STR: case N_BOOL: case N_BIGINT:
        return 1;
    case N_UNARY:
        return (e->op == JU_VOID || e->op == JU_NOT) && e->a->kind == N_NUM;
    default:
        return 0;
    }
}

typedef struct substitution {
    uint32_t sym;    /* the name used once */
    js_node *value;  /* its initializer, evaluated where the name was */
    int pure;        /* value runs nothing (may be evaluated later or not at all) */
} substitution;

static int substitute(minifier *M, js_node **slot, const substitution *S);

/* Tries each slot in order; stops at the first that is not CONTINUE. */
static int substitute_each(minifier *M, js_node **v, uint32_t n, const substitution *S)
{
    for (uint32_t i = 0; i < n; i++) {
        int st = substitute(M, &v[i], S);
        if (st != SUB_CONTINUE)
            return st;
    }
    return SUB_CONTINUE;
}

static int is_optional(const js_node *e)
{
    return (e->flags & (JF_OPT_START | JF_OPT_CONT)) != 0;
}

/* A value that calls differently as a callee (or a template's tag) than
 * through a name: a member loses its `this`, `eval` becomes a direct eval. */
static int callee_changes(const js_node *v)
{
    return v->kind == N_MEMBER || v->kind == N_INDEX || (v->kind == N_IDENT && !strcmp(v->s, "eval"));
}

/* Walks *slot in evaluation order looking for the name; everything
 * evaluated before it must be something the value can move past. */
static int substitute_in(minifier *M, js_node *e, const substitution *S)
{
    int st;
    switch (e->kind) {
    case N_IDENT:
        return -1;
    case N_SPREAD: case N_AWAIT:
        return substitute(M, &e->a, S);
    case N_YIELD:
        return e->a ? substitute(M, &e->a, S) : -1;
    case N_IMPORT_CALL:
        return substitute(M, &e->a, S);
    case N_UNARY:
        return e->op == JU_DELETE ? -1 : substitute(M, &e->a, S);
    case N_MEMBER:
        return substitute(M, &e->a, S);
    case N_BINARY:
        if ((st = substitute(M, &e->a, S)) != SUB_CONTINUE)
            return st;
        /* the right side of && || ?? may not run: only a value that runs nothing goes there */
        if ((e->op == JB_AND || e->op == JB_OR || e->op == JB_NULLISH) && !S->pure)
            return -1;
        return substitute(M, &e->b, S);
    case N_ASSIGN:
        /* never into the target; a target that runs code (o[f()] = x) may change the value */
        if (!removable(M, e->a))
            return SUB_FAIL;
        if (e->op != JB_NONE && !S->pure) /* x += v reads x before v would run */
            return SUB_FAIL;
        return substitute(M, &e->b, S);
    case N_COND: {
        if ((st = substitute(M, &e->a, S)) != SUB_CONTINUE)
            return st;
        if (!S->pure)
            return -1;
        int yes = substitute(M, &e->b, S);
        if (yes == SUB_DONE)
            return yes;
        int no = substitute(M, &e->c, S);
        if (no == SUB_DONE)
            return no;
        return yes != SUB_CONTINUE || no != SUB_CONTINUE ? SUB_FAIL : -1;
    }
    case N_INDEX:
        if ((st = substitute(M, &e->a, S)) != SUB_CONTINUE)
            return st;
        if (S->pure || !is_optional(e))
            return substitute(M, &e->b, S);
        return -1;
    case N_CALL:
        /* f() with f = a.b would lose `this`; f() with f = eval would be
         * a direct eval, which sees the caller's scope */
        if (!(callee_changes(S->value) && e->a->kind == N_IDENT && sym_id(M, e->a) == S->sym)) {
            if ((st = substitute(M, &e->a, S)) != SUB_CONTINUE)
                return st;
            if (S->pure || !is_optional(e))
                return substitute_each(M, e->list, e->n, S);
        }
        return -1;
    case N_ARRAY: case N_SEQ:
        return substitute_each(M, e->list, e->n, S);
    case N_OBJECT:
        for (uint32_t i = 0; i < e->n; i++) {
            js_node *m = e->list[i];
            if (m->kind == N_SPREAD) /* a spread runs getters */
                return substitute(M, &m->a, S) == SUB_DONE ? SUB_DONE : SUB_FAIL;
            if (m->kind != N_PROPERTY)
                return SUB_FAIL;
            if (m->flags & JF_COMPUTED)
                return substitute(M, &m->a, S) == SUB_DONE ? SUB_DONE : SUB_FAIL;
            if (m->b && (st = substitute(M, &m->b, S)) != SUB_CONTINUE)
                return st;
        }
        return -1;
    case N_TEMPLATE: /* a tag is called as a callee is */
        if (e->a && e->a->kind == N_IDENT && sym_id(M, e->a) == S->sym && callee_changes(S->value))
            return -1;
        if (e->a && (st = substitute(M, &e->a, S)) != SUB_CONTINUE)
            return st;
        for (uint32_t i = 1; i < e->n; i += 2)
            if ((st = substitute(M, &e->list[i], S)) != SUB_CONTINUE)
                return st;
        return -1;
    default:
        return -1;
    }
}

static int substitute(minifier *M, js_node **slot, const substitution *S)
{
    js_node *e = *slot;
    if (e->kind == N_IDENT && sym_id(M, e) == S->sym) {
        *slot = S->value;
        return SUB_DONE;
    }
    int st = substitute_in(M, e, S);
    if (st == SUB_DONE || st == SUB_FAIL)
        return st;
    /* not in e (CONTINUE: nothing in e stopped it, but e itself runs after
     * its parts: `f(c += 5, p)`, `o.push(set(), p)`), or not here: the
     * value may move past e if neither runs anything, or one is a constant
     * (esbuild's substituteSingleUseSymbolInExpr ends the same way) */
    if ((S->pure && removable(M, e)) || primitive(e) || primitive(S->value))
        return SUB_CONTINUE;
    return SUB_FAIL;
}

/* The expression of s a name may be substituted into (esbuild's list), or NULL. */
static js_node **substitution_slot(js_node *s)
{
    switch (s->kind) {
    case N_EXPR: case N_THROW: case N_IF: case N_SWITCH:
        return &s->a;
    case N_RETURN:
        return s->a ? &s->a : NULL;
    case N_VAR:
        return s->n && s->list[0]->a->kind == N_IDENT && s->list[0]->b ? &s->list[0]->b : NULL;
    default:
        return NULL;
    }
}

/*
 * let x = f(); return x.y  ->  return f().y: a let/const of a nested scope
 * whose name is used once, by the next statement, where nothing that runs
 * before that use could see the difference (esbuild's rule: only the next
 * statement, never into a function, never into an assignment target; past
 * other code only if the value runs nothing or one side is a constant;
 * never where eval or with can see the name).  Repeats while it works:
 * let a = f(); let b = a.p; return b  ->  return f().p.
 */
static void substitute_single_use(minifier *M, size_t mark, js_node *s)
{
    js_node **slot = M->refs ? substitution_slot(s) : NULL;
    while (slot && M->out.n > mark) {
        js_node *prev = M->out.v[M->out.n - 1];
        if (prev->kind != N_VAR || (prev->op != JV_LET && prev->op != JV_CONST) || (prev->flags & JF_EXPORT) || !prev->n)
            return;
        js_node *d = prev->list[prev->n - 1];
        if (d->a->kind != N_IDENT)
            return;
        uint32_t k = sym_id(M, d->a);
        if (k == JS_NONE || M->refs[k] != 2)
            return;
        const js_symbol *sy = &M->ast->syms[k];
        if ((sy->flags & (SF_NO_RENAME | SF_EXPORTED)) || sy->ns_sym != JS_NONE || sy->scope >= M->ast->nscopes ||
            M->ast->scopes[sy->scope].parent == JS_NONE || (M->ast->scopes[sy->scope].flags & SCF_EVAL))
            return;
        substitution S = {k, d->b ? d->b : void0(M, d->pos), 0};
        S.pure = removable(M, S.value);
        if (substitute(M, slot, &S) != SUB_DONE)
            return;
        M->refs[k] = 0;
        if (prev->n == 1)
            M->out.n--;
        else
            prev->n--;
    }
}

/* *list (*n items, owned by `owner`) with add[0..k) appended: in place
 * when owner is the list list() grows, else a copy with room to grow. */
static void append_items(minifier *M, js_node *owner, js_node ***list, uint32_t *n, js_node *const *add, uint32_t k)
{
    if (owner != M->grow || *list != M->grow_list || *n + k > M->grow_cap) {
        uint32_t cap = 2 * (*n + k);
        js_node **v = sl__js_alloc(M->a, cap * sizeof *v);
        if (*n)
            memcpy(v, *list, *n * sizeof *v);
        *list = v;
        M->grow = owner;
        M->grow_list = v;
        M->grow_cap = cap;
    }
    memcpy(*list + *n, add, k * sizeof **list);
    *n += k;
}

/* a; b  ->  a, b for a run of expression statements: join's result, its
 * list growing in place from one statement to the next */
static js_node *append_seq(minifier *M, js_node *a, js_node *b)
{
    if (a->kind != N_SEQ || a != M->grow) {
        js_node *seq = mk(M, N_SEQ, a->pos);
        M->grow = NULL; /* a list of seq's own */
        append_items(M, seq, &seq->list, &seq->n, a->kind == N_SEQ ? a->list : &a, a->kind == N_SEQ ? a->n : 1);
        a = seq;
    }
    append_items(M, a, &a->list, &a->n, b->kind == N_SEQ ? b->list : &b, b->kind == N_SEQ ? b->n : 1);
    return a;
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
    substitute_single_use(M, mark, s);
    js_node *prev = top(M, mark);
    switch (s->kind) {
    case N_EMPTY:
        return;
    case N_VAR:
        if (prev && prev->kind == N_VAR && prev->op == s->op && s->op <= JV_CONST && prev->flags == s->flags) {
            append_items(M, prev, &prev->list, &prev->n, s->list, s->n);
            return;
        }
        break;
    case N_EXPR:
        if (prev && prev->kind == N_EXPR) {
            prev->a = append_seq(M, prev->a, s->a);
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
            if (prev && prev->kind == N_IF && !prev->c && same_jump(M, prev->b, s->b)) {
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
        c = cond(M, c);
        last->a = before ? join(M, before, c) : c;
    } else {
        return 0;
    }
    M->out.v[M->out.n - 2] = last;
    M->out.n--;
    return 1;
}

/*
 * if (a) return; b  ->  if (!a) b  (a || b when b is an expression) where
 * b is the rest of a function body, and the same with `continue` in a
 * loop body: esbuild's optimizeImplicitJump, here where the statements
 * after the jump have merged into one that no block would rescope.
 */
static void implicit_jump(minifier *M, size_t fence, int fn_body, int loop_body)
{
    if (M->out.n - fence < 2)
        return;
    js_node *s = M->out.v[M->out.n - 2], *rest = M->out.v[M->out.n - 1];
    if (s->kind != N_IF || s->c || block_scoped(rest))
        return;
    if (!(fn_body && s->b->kind == N_RETURN && !s->b->a) && !(loop_body && s->b->kind == N_CONTINUE && !s->b->s))
        return;
    js_node *r;
    if (rest->kind == N_EXPR) {
        int not;
        js_node *test = negated(M, s->a, &not);
        r = mk(M, N_EXPR, s->pos);
        r->a = binop(M, not ? JB_AND : JB_OR, test, rest->a);
    } else {
        r = s;
        s->a = truth(M, not_of(M, s->a));
        s->b = rest;
    }
    M->out.v[M->out.n - 2] = r;
    M->out.n--;
}

static int is_directive(const js_node *s)
{
    return s->kind == N_DIRECTIVE || (s->kind == N_EXPR && s->a->kind == N_STR);
}

/* One statement list: statements rewritten, empty ones dropped, neighbours merged. */
static void list(minifier *M, js_node *owner, int fn_body)
{
    int loop_body = M->loop_body;
    M->loop_body = 0;
    /* a nested list grows its own statements; the outer one's resume after it */
    js_node *grow = M->grow, **grow_list = M->grow_list;
    uint32_t grow_cap = M->grow_cap;
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
    /* `return;` as a function's last statement, `continue;` as a loop body's */
    if ((fn_body || loop_body) && M->out.n > fence) {
        js_node *last = M->out.v[M->out.n - 1];
        if ((fn_body && last->kind == N_RETURN && !last->a) || (loop_body && last->kind == N_CONTINUE && !last->s))
            M->out.n--;
    }
    implicit_jump(M, fence, fn_body, loop_body);
    while (fold_last_jump(M, fence))
        ;
    owner->n = (uint32_t)(M->out.n - mark);
    owner->list = sl__js_list_copy(M->a, M->out.v + mark, owner->n);
    M->out.n = mark;
    M->grow = grow;
    M->grow_list = grow_list;
    M->grow_cap = grow_cap;
}

static int is_typeof(const js_node *e)
{
    return e->kind == N_UNARY && e->op == JU_TYPEOF;
}

static int fold_numbers(minifier *M, js_node *n);

static void binary(minifier *M, js_node *n)
{
    children(M, n);
    if (fold_numbers(M, n))
        return;
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

/* ---- expressions: esbuild's MangleIfExpr and its constant folding ---- */

/* A name the file declares that no `with` or direct eval can see: reading
 * it runs nothing (esbuild's "bound identifier" test; like esbuild, a read
 * in the temporal dead zone is not modelled). */
static int bound_ident(minifier *M, const js_node *e)
{
    if (e->kind != N_IDENT)
        return 0;
    uint32_t k = sym_id(M, e);
    return k != JS_NONE && M->ast->syms[k].kind != SK_UNBOUND && !(M->ast->syms[k].flags & SF_NO_RENAME);
}

/* Evaluating e runs no code and throws nothing (esbuild's ExprCanBeRemovedIfUnused, its simple cases). */
static int removable(minifier *M, const js_node *e)
{
    switch (e->kind) {
    case N_NUM: case N_STR: case N_NULL: case N_BOOL: case N_BIGINT: case N_THIS: case N_FUNCTION: case N_ARROW:
        return 1;
    case N_IDENT:
        return bound_ident(M, e);
    case N_UNARY:
        return (e->op == JU_NOT || e->op == JU_VOID) && (e->a->kind == N_NUM || e->a->kind == N_STR);
    default:
        return 0;
    }
}

static int same(minifier *M, const js_node *a, const js_node *b);

static int same_list(minifier *M, const js_node *a, const js_node *b, uint32_t from)
{
    if (a->n != b->n)
        return 0;
    for (uint32_t i = from; i < a->n; i++)
        if (!same(M, a->list[i], b->list[i]))
            return 0;
    return 1;
}

/* Two expressions that evaluate alike (esbuild's ValuesLookTheSame). */
static int same(minifier *M, const js_node *a, const js_node *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case N_IDENT: {
        uint32_t x = sym_id(M, a), y = sym_id(M, b);
        return x != JS_NONE ? x == y : y == JS_NONE && !strcmp(a->s, b->s);
    }
    case N_NUM: /* NaN is not itself; 0 and -0 differ */
        return a->num == b->num && signbit(a->num) == signbit(b->num);
    case N_STR:
        return a->n == b->n && !memcmp(a->s, b->s, a->n);
    case N_NULL: case N_THIS:
        return 1;
    case N_BOOL:
        return a->op == b->op;
    case N_MEMBER:
        return a->flags == b->flags && a->c->kind == b->c->kind && !strcmp(a->c->s, b->c->s) && same(M, a->a, b->a);
    case N_INDEX:
        return a->flags == b->flags && same(M, a->a, b->a) && same(M, a->b, b->b);
    case N_UNARY:
        return a->op == b->op && same(M, a->a, b->a);
    case N_BINARY:
        return a->op == b->op && same(M, a->a, b->a) && same(M, a->b, b->b);
    case N_COND:
        return same(M, a->a, b->a) && same(M, a->b, b->b) && same(M, a->c, b->c);
    case N_CALL:
        return a->flags == b->flags && same(M, a->a, b->a) && same_list(M, a, b, 0);
    default:
        return 0;
    }
}

static int is_void0(const js_node *e)
{
    return e->kind == N_UNARY && e->op == JU_VOID && e->a->kind == N_NUM;
}

static int is_chain(const js_node *e)
{
    return (e->kind == N_MEMBER || e->kind == N_INDEX || e->kind == N_CALL) && (e->flags & (JF_OPT_START | JF_OPT_CONT));
}

/* Does the chain of member accesses and calls e start at an expression
 * that looks like check, without crossing a parenthesized optional chain
 * (`(a.b?.c).d`: making `.d` part of the chain would stop it throwing)? */
static int chain_starts_with(minifier *M, const js_node *check, const js_node *e)
{
    for (;;) {
        if (e->kind != N_MEMBER && e->kind != N_INDEX && e->kind != N_CALL)
            return 0;
        if (same(M, check, e->a))
            return 1;
        if (!(e->flags & (JF_OPT_START | JF_OPT_CONT)) && is_chain(e->a))
            return 0;
        e = e->a;
    }
}

/* !0 -> 1, !1 -> 0 (what true and false became), anything else -1 */
static int is_bool(const js_node *e)
{
    if (e->kind == N_UNARY && e->op == JU_NOT && e->a->kind == N_NUM && (e->a->num == 0 || e->a->num == 1))
        return e->a->num == 0;
    return -1;
}

/* The truth of e when that is known and reading it runs nothing: 1, 0, or -1 (esbuild's ToBooleanWithSideEffects, its literal cases). */
static int known_truth(const js_node *e)
{
    switch (e->kind) {
    case N_NULL:
        return 0;
    case N_BOOL:
        return e->op != 0;
    case N_NUM:
        return e->num != 0 && e->num == e->num;
    case N_STR:
        return e->n != 0;
    case N_FUNCTION: case N_ARROW:
        return 1;
    case N_UNARY:
        if (e->op == JU_VOID && e->a->kind == N_NUM)
            return 0;
        if (e->op == JU_NOT && e->a->kind == N_NUM)
            return !(e->a->num != 0 && e->a->num == e->a->num);
        return -1;
    default:
        return -1;
    }
}

/* !e, shorter where that is the same (esbuild's Not / MaybeSimplifyNot, its safe cases):
 * !(a == b) -> a != b, !(x, a) -> x, !a, !!0 -> !1 */
static js_node *not_of(minifier *M, js_node *e)
{
    js_node *before, *last = seq_last(M, e, &before);
    if (before)
        return join(M, before, not_of(M, last));
    if (e->kind == N_BINARY) {
        static const uint8_t flip[JB_COUNT] = {[JB_LOOSE_EQ] = JB_LOOSE_NE, [JB_LOOSE_NE] = JB_LOOSE_EQ,
                                               [JB_STRICT_EQ] = JB_STRICT_NE, [JB_STRICT_NE] = JB_STRICT_EQ};
        if (flip[e->op]) {
            js_node *f = binop(M, flip[e->op], e->a, e->b);
            return f;
        }
    }
    if (e->kind == N_UNARY && e->op == JU_NOT && e->a->kind == N_NUM) { /* !!0 -> !1 */
        js_node *n = mk(M, N_UNARY, e->pos);
        n->op = JU_NOT;
        n->a = mk(M, N_NUM, e->pos);
        n->a->num = (e->a->num != 0 && e->a->num == e->a->num) ? 0 : 1;
        return n;
    }
    js_node *n = mk(M, N_UNARY, e->pos);
    n->op = JU_NOT;
    n->a = e;
    return n;
}

/*
 * e where only its truth is read (an if/while/for test, the operand of !,
 * the test of ?:, the left of an unused && or ||): esbuild's
 * SimplifyBooleanExpr.  !!a -> a; a && !0 -> a; a || !1 -> a;
 * a ? void 0 : b -> !a && b; a ? b : !1 -> a && b; and their mirrors.
 */
static js_node *truth(minifier *M, js_node *e)
{
    switch (e->kind) {
    case N_UNARY:
        if (e->op != JU_NOT)
            return e;
        if (e->a->kind == N_UNARY && e->a->op == JU_NOT)
            return truth(M, e->a->a);
        e->a = truth(M, e->a);
        return e;
    case N_BINARY: {
        if (e->op != JB_AND && e->op != JB_OR)
            return e;
        e->a = truth(M, e->a);
        e->b = truth(M, e->b);
        int t = known_truth(e->b);
        if (t == (e->op == JB_AND)) /* a && truthy, a || falsy: only a decides */
            return e->a;
        return e;
    }
    case N_COND: {
        js_node *yes = truth(M, e->b), *no = truth(M, e->c);
        int ty = known_truth(yes), tn = known_truth(no);
        if (ty >= 0)
            return ty ? binop(M, JB_OR, e->a, no) : binop(M, JB_AND, not_of(M, e->a), no);
        if (tn >= 0)
            return tn ? binop(M, JB_OR, not_of(M, e->a), yes) : binop(M, JB_AND, e->a, yes);
        e->b = yes;
        e->c = no;
        return e;
    }
    default:
        return e;
    }
}

/* a == null ? void 0 : a.b.c(d)  ->  a?.b.c(d): `?.` at the access of a, the
 * rest continue the chain (esbuild's TryToInsertOptionalChain). */
static void insert_chain(minifier *M, const js_node *check, js_node *e)
{
    for (;; e = e->a) {
        if (same(M, check, e->a)) {
            e->flags = (uint16_t)((e->flags & ~JF_OPT_CONT) | JF_OPT_START);
            return;
        }
        if (!(e->flags & (JF_OPT_START | JF_OPT_CONT)))
            e->flags |= JF_OPT_CONT;
    }
}

/* b is a link of an op chain that a op b may join without parentheses */
static int chain_link(const js_node *b, int op)
{
    return (op == JB_AND || op == JB_OR) && b->kind == N_BINARY && b->op == op && !(b->flags & JF_PARENS);
}

/* Joining a to a chain as (a op b) op c copies the chain's left spine: a
 * chain longer than this (or one already JF_FLAT) is joined as it is,
 * a op (b op c), and printed without the parentheses (the same value: &&
 * and || are associative).  Otherwise a chain built one link at a time
 * (`a ? x : b ? x : c ? x : d` is `a || b || c ? x : d`, the links joined
 * from the inside out) costs time and memory quadratic in its length. */
enum { SPINE_COPY_MAX = 8 };

static int long_chain(const js_node *b, int op)
{
    for (int k = 0; chain_link(b, op); b = b->a, k++)
        if (k == SPINE_COPY_MAX || (b->flags & JF_FLAT))
            return 1;
    return 0;
}

/* a op b, as esbuild's JoinWithLeftAssociativeOp: (x, a) op b -> x, (a op b);
 * for && and ||, a op (b op c) -> (a op b) op c, which needs no parentheses */
static js_node *binop(minifier *M, int op, js_node *a, js_node *b)
{
    js_node *before;
    a = seq_last(M, a, &before);
    if (before)
        return join(M, before, binop(M, op, a, b));
    if (!long_chain(b, op))
        while (chain_link(b, op) && !(b->flags & JF_FLAT)) {
            a = binop(M, op, a, b->a);
            b = b->b;
        }
    js_node *e = mk(M, N_BINARY, a->pos);
    e->op = (uint8_t)op;
    e->a = a;
    e->b = b;
    if (chain_link(b, op))
        e->flags |= JF_FLAT;
    return e;
}

/*
 * c ? a : b, shorter where that evaluates the same things in the same
 * order; esbuild's MangleIfExpr rules, in its order.  Returns the
 * replacement (e itself when nothing applies).
 */
static js_node *cond(minifier *M, js_node *e)
{
    js_node *before;
    js_node *test = seq_last(M, e->a, &before); /* (a, b) ? c : d  ->  a, b ? c : d */
    if (before) {
        /* a new ?: node: node() copies the result over e, and a sequence
         * holding e itself would then hold itself (the printer recursed
         * until the stack ran out) */
        js_node *c = mk(M, N_COND, e->pos);
        *c = *e;
        c->a = test;
        return join(M, before, cond(M, c));
    }
    e->a = test = truth(M, test);
    if (test->kind == N_UNARY && test->op == JU_NOT) { /* !a ? b : c  ->  a ? c : b */
        js_node *t = e->b;
        e->a = test = test->a;
        e->b = e->c;
        e->c = t;
    }
    js_node *yes = e->b, *no = e->c;
    if (same(M, yes, no)) /* a ? b : b  ->  a, b (b when a runs nothing) */
        return removable(M, test) ? yes : join(M, test, yes);
    if (is_bool(yes) >= 0 && is_bool(no) >= 0) { /* a ? !0 : !1  ->  !!a;  a ? !1 : !0  ->  !a */
        js_node *not = mk(M, N_UNARY, e->pos);
        not->op = JU_NOT;
        not->a = test;
        if (is_bool(yes)) {
            js_node *nn = mk(M, N_UNARY, e->pos);
            nn->op = JU_NOT;
            nn->a = not;
            not = nn;
        }
        return not;
    }
    if (test->kind == N_IDENT && same(M, test, yes)) /* a ? a : b  ->  a || b */
        return binop(M, JB_OR, test, no);
    if (test->kind == N_IDENT && same(M, test, no)) /* a ? b : a  ->  a && b */
        return binop(M, JB_AND, test, yes);
    if (yes->kind == N_COND && same(M, yes->c, no)) { /* a ? b ? c : d : d  ->  a && b ? c : d */
        e->a = binop(M, JB_AND, test, yes->a);
        e->b = yes->b;
        return e;
    }
    if (no->kind == N_COND && same(M, yes, no->b)) { /* a ? b : c ? b : d  ->  a || c ? b : d */
        e->a = binop(M, JB_OR, test, no->a);
        e->c = no->c;
        return e;
    }
    if (no->kind == N_SEQ && no->n >= 2 && same(M, yes, no->list[no->n - 1])) { /* a ? c : (b, c)  ->  (a || b), c */
        js_node *b;
        js_node *c = seq_last(M, no, &b);
        return join(M, binop(M, JB_OR, test, b), c);
    }
    if (yes->kind == N_SEQ && yes->n >= 2 && same(M, yes->list[yes->n - 1], no)) { /* a ? (b, c) : c  ->  (a && b), c */
        js_node *b;
        js_node *c = seq_last(M, yes, &b);
        return join(M, binop(M, JB_AND, test, b), c);
    }
    if (yes->kind == N_BINARY && yes->op == JB_OR && same(M, yes->b, no)) { /* a ? b || c : c  ->  (a && b) || c */
        yes->a = binop(M, JB_AND, test, yes->a);
        return yes;
    }
    if (no->kind == N_BINARY && no->op == JB_AND && same(M, yes, no->b)) { /* a ? c : b && c  ->  (a || b) && c */
        no->a = binop(M, JB_OR, test, no->a);
        return no;
    }
    /* a ? b(c, d) : b(e, d)  ->  b(a ? c : e, d): the test moves after the
     * callee, so both must run nothing */
    if (yes->kind == N_CALL && no->kind == N_CALL && yes->n && yes->flags == no->flags && same(M, yes->a, no->a) &&
        removable(M, test) && removable(M, yes->a) && same_list(M, yes, no, 1) &&
        (yes->list[0]->kind == N_SPREAD) == (no->list[0]->kind == N_SPREAD)) {
        int spread = yes->list[0]->kind == N_SPREAD;
        js_node *c = mk(M, N_COND, e->pos);
        c->a = test;
        c->b = spread ? yes->list[0]->a : yes->list[0];
        c->c = spread ? no->list[0]->a : no->list[0];
        js_node *arg = cond(M, c);
        if (spread) {
            js_node *sp = mk(M, N_SPREAD, yes->list[0]->pos);
            sp->a = arg;
            arg = sp;
        }
        yes->list = sl__js_list_copy(M->a, yes->list, yes->n);
        yes->list[0] = arg;
        return yes;
    }
    /* a == null ? b : a  ->  a ?? b;  a == null ? void 0 : a.b  ->  a?.b */
    if (test->kind == N_BINARY && (test->op == JB_LOOSE_EQ || test->op == JB_LOOSE_NE) &&
        (test->a->kind == N_NULL || test->b->kind == N_NULL)) {
        js_node *check = test->b->kind == N_NULL ? test->a : test->b;
        js_node *if_null = test->op == JB_LOOSE_EQ ? yes : no, *if_not = test->op == JB_LOOSE_EQ ? no : yes;
        if (removable(M, check)) {
            if (same(M, check, if_not))
                return binop(M, JB_NULLISH, check, if_null);
            if (is_void0(if_null) && chain_starts_with(M, check, if_not)) {
                insert_chain(M, check, if_not);
                return if_not;
            }
        }
    }
    return e;
}

/* (0, a.b)(), (0, eval)(x), typeof (0, x): the comma drops `this`, makes
 * the eval indirect, reads x as an expression (a missing global throws),
 * so such a last item keeps one item before it. */
static int needs_comma(const js_node *e)
{
    return e->kind == N_MEMBER || e->kind == N_INDEX || e->kind == N_IDENT;
}

/*
 * An expression whose value nothing reads (a statement's, or a comma's
 * left side), reduced to what it does: NULL when that is nothing
 * (esbuild's SimplifyUnusedExpr, its cases for literals, names, `?:`,
 * `!`, `void`, `,`, `&&` and `||`): `a ? b() : void 0` -> `a && b()`,
 * `a != null && a.b()` -> `a?.b()`.
 */
static js_node *unused(minifier *M, js_node *e)
{
    switch (e->kind) {
    case N_NUM: case N_STR: case N_NULL: case N_BOOL: case N_BIGINT: case N_THIS: case N_FUNCTION: case N_ARROW:
        return NULL;
    case N_IDENT:
        return bound_ident(M, e) ? NULL : e;
    case N_UNARY:
        return e->op == JU_NOT || e->op == JU_VOID ? unused(M, e->a) : e;
    case N_COND: {
        js_node *yes = unused(M, e->b), *no = unused(M, e->c);
        if (!yes && !no)
            return unused(M, e->a);
        if (!yes)
            return binop(M, JB_OR, e->a, no);
        if (!no)
            return binop(M, JB_AND, e->a, yes);
        e->b = yes;
        e->c = no;
        return e;
    }
    case N_SEQ: {
        uint32_t k = 0;
        js_node **v = sl__js_alloc(M->a, e->n * sizeof *v);
        for (uint32_t i = 0; i < e->n; i++) {
            js_node *x = unused(M, e->list[i]);
            if (x)
                v[k++] = x;
        }
        if (k == 0)
            return NULL;
        if (k == 1)
            return v[0];
        e->list = v;
        e->n = k;
        return e;
    }
    case N_BINARY: {
        if (e->op != JB_AND && e->op != JB_OR)
            return e;
        e->a = truth(M, e->a);
        js_node *right = unused(M, e->b);
        if (!right)
            return unused(M, e->a);
        e->b = right;
        /* a != null && a.b()  ->  a?.b();  a == null || a.b()  ->  a?.b() */
        js_node *t = e->a;
        if (t->kind == N_BINARY && (t->op == (e->op == JB_AND ? JB_LOOSE_NE : JB_LOOSE_EQ)) &&
            (t->a->kind == N_NULL || t->b->kind == N_NULL)) {
            js_node *check = t->b->kind == N_NULL ? t->a : t->b;
            if (bound_ident(M, check) && chain_starts_with(M, check, right)) {
                insert_chain(M, check, right);
                return right;
            }
        }
        return e;
    }
    default:
        return e;
    }
}

/* The items of a comma sequence before its last are unused: each is reduced or dropped. */
static js_node *sequence(minifier *M, js_node *e)
{
    uint32_t k = 0;
    js_node **v = sl__js_alloc(M->a, e->n * sizeof *v);
    for (uint32_t i = 0; i + 1 < e->n; i++) {
        js_node *x = unused(M, e->list[i]);
        if (x)
            v[k++] = x;
    }
    js_node *last = e->list[e->n - 1];
    if (k == 0 && needs_comma(last))
        v[k++] = e->list[0];
    if (k == 0)
        return last;
    v[k++] = last;
    e->list = v;
    e->n = k;
    return e;
}

/* ToUint32 of a number, as JavaScript's bitwise operators read it. */
static uint32_t to_uint32(double v)
{
    if (!isfinite(v))
        return 0;
    double m = fmod(trunc(v), 4294967296.0);
    return (uint32_t)(m < 0 ? m + 4294967296.0 : m);
}

static int num_value(const js_node *e, double *v)
{
    if (e->kind == N_NUM) {
        *v = e->num;
        return 1;
    }
    if (e->kind == N_UNARY && e->op == JU_NEG && e->a->kind == N_NUM) {
        *v = -e->a->num;
        return 1;
    }
    return 0;
}

static int small_int(double v, double limit)
{
    return v == trunc(v) && fabs(v) <= limit;
}

static int digits(double v)
{
    char b[32];
    return snprintf(b, sizeof b, "%.0f", v);
}

/*
 * 97 - 65  ->  32: the operators and sizes esbuild folds when minifying
 * (ShouldFoldBinaryOperatorWhenMinifying), where the result prints no
 * longer: comparisons, equality, & | ^ >>, + and - of integers up to
 * 2^32, * of integers up to 255, << and >>> where the digits do not grow.
 * n becomes the number (or a comparison's !0 / !1); 0 when not folded.
 */
static int fold_numbers(minifier *M, js_node *n)
{
    double x, y, r;
    if (!num_value(n->a, &x) || !num_value(n->b, &y))
        return 0;
    int boolean = 0;
    switch (n->op) {
    case JB_ADD: case JB_SUB:
        if (!small_int(x, 4294967295.0) || !small_int(y, 4294967295.0))
            return 0;
        r = n->op == JB_ADD ? x + y : x - y;
        break;
    case JB_MUL:
        if (!small_int(x, 255) || !small_int(y, 255))
            return 0;
        r = x * y;
        break;
    case JB_BIT_AND: r = (int32_t)(to_uint32(x) & to_uint32(y)); break;
    case JB_BIT_OR: r = (int32_t)(to_uint32(x) | to_uint32(y)); break;
    case JB_BIT_XOR: r = (int32_t)(to_uint32(x) ^ to_uint32(y)); break;
    case JB_SHR: r = (int32_t)to_uint32(x) >> (to_uint32(y) & 31); break;
    case JB_SHL:
        r = (int32_t)(to_uint32(x) << (to_uint32(y) & 31));
        if (!small_int(x, 1e15) || !small_int(y, 1e15) || digits(r) > digits(x) + 2 + digits(y))
            return 0;
        break;
    case JB_USHR:
        r = to_uint32(x) >> (to_uint32(y) & 31);
        if (!small_int(x, 1e15) || !small_int(y, 1e15) || digits(r) > digits(x) + 3 + digits(y))
            return 0;
        break;
    case JB_LT: r = x < y; boolean = 1; break;
    case JB_GT: r = x > y; boolean = 1; break;
    case JB_LE: r = x <= y; boolean = 1; break;
    case JB_GE: r = x >= y; boolean = 1; break;
    case JB_LOOSE_EQ: case JB_STRICT_EQ: r = x == y; boolean = 1; break;
    case JB_LOOSE_NE: case JB_STRICT_NE: r = x != y; boolean = 1; break;
    default:
        return 0;
    }
    uint32_t pos = n->pos;
    memset(n, 0, sizeof *n);
    n->pos = pos;
    n->aux = JS_NONE;
    if (boolean) { /* !0 / !1, as true and false print */
        n->kind = N_UNARY;
        n->op = JU_NOT;
        n->a = mk(M, N_NUM, pos);
        n->a->num = r ? 0 : 1;
    } else if (signbit(r)) {
        n->kind = N_UNARY;
        n->op = JU_NEG;
        n->a = mk(M, N_NUM, pos);
        n->a->num = -r;
    } else {
        n->kind = N_NUM;
        n->num = r;
    }
    return 1;
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
    case N_UNARY:
        children(M, n);
        if (n->op == JU_NOT) { /* !(a == b) -> a != b; the operand is read for its truth */
            js_node *r = not_of(M, truth(M, n->a));
            *n = *r;
        }
        return;
    case N_SEQ: {
        children(M, n);
        js_node *r = sequence(M, n);
        if (r != n)
            *n = *r;
        return;
    }
    case N_EXPR:
        node(M, n->a);
        if (!(n->a = unused(M, n->a)))
            n->kind = N_EMPTY;
        return;
    case N_COND: {
        children(M, n);
        js_node *r = cond(M, n);
        if (r != n)
            *n = *r;
        return;
    }
    case N_PROGRAM:
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
        if (n->b) {
            node(M, n->b);
            if (n->kind == N_FOR)
                n->b = truth(M, n->b);
        }
        if (n->kind == N_FOR && n->d)
            node(M, n->d);
        M->loop_body = n->c->kind == N_BLOCK;
        n->c = body(M, n->c);
        return;
    case N_WHILE: case N_WITH:
        node(M, n->a);
        if (n->kind == N_WHILE)
            n->a = truth(M, n->a);
        M->loop_body = n->kind == N_WHILE && n->b->kind == N_BLOCK;
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
        M->loop_body = n->a->kind == N_BLOCK;
        n->a = body(M, n->a);
        node(M, n->b);
        n->b = truth(M, n->b);
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
        M.refs = calloc(ast->nsyms, sizeof *M.refs);
        if (M.written && M.refs)
            find_writes(ast->program, &M);
        else {
            free(M.refs);
            M.refs = NULL;
        }
    }
    node(&M, ast->program);
    free(M.written);
    free(M.refs);
    free(M.out.v);
}
