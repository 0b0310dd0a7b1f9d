/*
 * js_scope.c - the declare walk and the bind walk (see js_scope.h).
 *
 * One hash table maps (scope, name) to a symbol for the whole file; a
 * lookup probes it once per scope on the way up.  The inner name of a
 * class or of a named function expression is entered in its own scope
 * pointing at the same symbol as the outer binding (class) or at a
 * symbol of its own (function expression), so renaming keeps them equal
 * where the language makes them equal.
 */
#include "js_scope.h"

#include "js_parser.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint32_t scope_p1; /* scope + 1; 0: empty */
    uint32_t sym;
    uint32_t hash;
    uint32_t var_through; /* a `var` of this name hoists out through this block (sym may be JS_NONE) */
    const char *name;
} entry;

typedef struct block_fn {
    js_node *id;    /* the name of a sloppy block's function declaration */
    uint32_t scope; /* the block */
    uint16_t flags; /* the declaration's: an async function or a generator is not hoisted */
} block_fn;

typedef struct param_list {
    const js_node *fn;
    struct param_list *up;
} param_list;

typedef struct scoper {
    js_ast *ast;
    JS_VEC(js_scope) scopes;
    JS_VEC(js_symbol) syms;
    entry *tab;
    size_t tab_cap, tab_n;
    uint32_t module_scope;
    int strict;
    /* early errors (sl__js_scope_check): the first one found, and what declare() needs to know */
    uint8_t check, is_ts;
    uint8_t unique_params; /* declaring the parameters of a function that may not repeat one */
    uint8_t next_is_method; /* the next function declared is a method's */
    uint32_t var_from;      /* declaring a `var` written in this scope (it hoists to its function's) */
    uint16_t declaring_flags; /* the flags of the function declaration being declared */
    JS_VEC(block_fn) block_fns; /* sloppy block function declarations (Annex B.3.3), hoisted after the declare walk */
    struct param_list *params;  /* the functions whose parameter lists are being bound, innermost first */
    uint32_t err_pos;
    const char *err_msg;
} scoper;

/* Records an early error; the first one found is the one reported. */
static void early(scoper *S, uint32_t pos, const char *msg)
{
    if (!S->err_msg) {
        S->err_pos = pos;
        S->err_msg = msg;
    }
}

static void early_name(scoper *S, uint32_t pos, const char *fmt, const char *name)
{
    if (!S->err_msg)
        early(S, pos, sl__js_printf(S->ast->arena, fmt, name));
}

/* Notes what sloppy code may do and strict code may not (js_ast
 * strict_only_p1): the first one in the file. */
static void strict_only(scoper *S, uint32_t pos, const char *fmt, const char *name)
{
    js_ast *ast = S->ast;
    if (!ast->strict_only_p1 || pos + 1 < ast->strict_only_p1) {
        ast->strict_only_p1 = pos + 1;
        ast->strict_only_what = sl__js_printf(ast->arena, fmt, name);
    }
}

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void tab_grow(scoper *S)
{
    size_t cap = S->tab_cap ? S->tab_cap * 2 : 1024;
    entry *t = calloc(cap, sizeof *t);
    if (!t)
        abort();
    for (size_t i = 0; i < S->tab_cap; i++) {
        entry *e = &S->tab[i];
        if (!e->scope_p1)
            continue;
        size_t j = (e->hash ^ (e->scope_p1 * 0x9E3779B1u)) & (cap - 1);
        while (t[j].scope_p1)
            j = (j + 1) & (cap - 1);
        t[j] = *e;
    }
    free(S->tab);
    S->tab = t;
    S->tab_cap = cap;
}

static entry *tab_find(scoper *S, uint32_t scope, const char *name, uint32_t h, int insert)
{
    if (insert && (S->tab_n + 1) * 2 > S->tab_cap)
        tab_grow(S);
    if (!S->tab_cap)
        return NULL;
    size_t j = (h ^ ((scope + 1) * 0x9E3779B1u)) & (S->tab_cap - 1);
    for (;;) {
        entry *e = &S->tab[j];
        if (!e->scope_p1) {
            if (!insert)
                return NULL;
            e->scope_p1 = scope + 1;
            e->hash = h;
            e->name = name;
            e->sym = JS_NONE;
            S->tab_n++;
            return e;
        }
        if (e->scope_p1 == scope + 1 && e->hash == h && !strcmp(e->name, name))
            return e;
        j = (j + 1) & (S->tab_cap - 1);
    }
}

static uint32_t new_scope(scoper *S, uint32_t parent, int kind)
{
    js_scope sc = {0};
    sc.parent = parent;
    sc.kind = (uint8_t)kind;
    sc.fn = (kind == SC_FUNCTION || kind == SC_MODULE || parent == JS_NONE) ? (uint32_t)S->scopes.n
                                                                            : S->scopes.v[parent].fn;
    if (parent != JS_NONE)
        sc.flags |= S->scopes.v[parent].flags & (SCF_STRICT | SCF_MODULE_GOAL);
    JS_VEC_PUSH(S->scopes, sc);
    return (uint32_t)S->scopes.n - 1;
}

static uint32_t new_sym(scoper *S, uint32_t scope, const char *name, int kind)
{
    js_symbol sy = {0};
    sy.name = name;
    sy.scope = scope;
    sy.kind = (uint8_t)kind;
    sy.link = JS_NONE;
    sy.ns_sym = JS_NONE;
    JS_VEC_PUSH(S->syms, sy);
    return (uint32_t)S->syms.n - 1;
}

static int var_like(int kind)
{
    return kind == SK_VAR || kind == SK_FUNCTION || kind == SK_PARAM || kind == SK_HOISTED_FN;
}

static int mergeable(int a, int b)
{
    int ta = a == SK_ENUM || a == SK_NAMESPACE || a == SK_FUNCTION || a == SK_CLASS;
    int tb = b == SK_ENUM || b == SK_NAMESPACE;
    return (ta && tb) || (tb && (a == SK_ENUM || a == SK_NAMESPACE)) || (a == SK_NAMESPACE && (b == SK_FUNCTION || b == SK_CLASS || b == SK_ENUM));
}

static int strict_at(const scoper *S, uint32_t scope)
{
    return S->scopes.v[scope].flags & SCF_STRICT;
}

/* Does a declaration of this kind bind its name once per scope (let,
 * const, class, import, a block's function; a module's top-level
 * function)? */
static int lexical(const scoper *S, int kind, uint32_t scope)
{
    return kind == SK_LET || kind == SK_CONST || kind == SK_CLASS || kind == SK_IMPORT || kind == SK_HOISTED_FN ||
           (kind == SK_FUNCTION && scope == S->module_scope && S->ast->is_module);
}

/* Is declaring `kind` in `scope`, where `old` is already declared, an early error? */
static int redeclared(const scoper *S, const js_symbol *old, int kind, uint32_t scope)
{
    if (old->scope != scope || (old->flags & SF_SELF_NAME))
        return 0; /* an alias (Annex B's var, a class's inner name), or shadowing a function expression's name */
    if (old->kind == SK_ENUM || old->kind == SK_NAMESPACE || kind == SK_ENUM || kind == SK_NAMESPACE)
        return 0; /* TypeScript declaration merging: tsc checks what may merge */
    if (S->is_ts && (old->kind == SK_IMPORT || kind == SK_IMPORT))
        return 0; /* an import may be a type's, gone after lowering */
    if (old->kind == SK_PARAM && kind == SK_PARAM)
        return S->unique_params;
    if (old->kind == SK_HOISTED_FN && kind == SK_HOISTED_FN) /* Annex B lets sloppy blocks repeat a plain function */
        return strict_at(S, scope) || ((old->decl ? old->decl->flags : 0) | S->declaring_flags) & (JF_ASYNC | JF_GENERATOR);
    return lexical(S, old->kind, scope) || lexical(S, kind, scope);
}

static int eval_or_arguments(const char *s)
{
    return (s[0] == 'e' && !strcmp(s, "eval")) || (s[0] == 'a' && !strcmp(s, "arguments"));
}

/* fmt's `%s`s: the name, and "strict mode" or, where only the module goal
 * makes sc strict (JS_NONE: a "use strict" does), "an ECMAScript module". */
static void early_strict(scoper *S, uint32_t pos, uint32_t sc, const char *fmt, const char *name)
{
    if (!S->err_msg)
        early(S, pos,
              sl__js_printf(S->ast->arena, fmt, name,
                            sc != JS_NONE && (S->scopes.v[sc].flags & SCF_MODULE_GOAL) ? "an ECMAScript module"
                                                                                      : "strict mode"));
}

/* An identifier used (bound or read) in scope sc that strict code or a module refuses. */
static void check_name(scoper *S, const js_node *id, uint32_t sc)
{
    if (strict_at(S, sc) && sl__js_is_strict_reserved(id->s))
        early_strict(S, id->pos, sc, "\"%s\" is a reserved word and cannot be used in %s", id->s);
    else if (S->ast->is_module && id->s[0] == 'a' && !strcmp(id->s, "await"))
        early(S, id->pos, "Cannot use \"await\" as an identifier in an ECMAScript module");
}

/* A name bound in strict code (scope sc, as early_strict): not eval, arguments or a strict reserved word. */
static void strict_binding_check(scoper *S, const js_node *id, uint32_t sc)
{
    if (eval_or_arguments(id->s))
        early_strict(S, id->pos, sc, "Declarations with the name \"%s\" cannot be used in %s", id->s);
    else if (sl__js_is_strict_reserved(id->s))
        early_strict(S, id->pos, sc, "\"%s\" is a reserved word and cannot be used in %s", id->s);
}

/* An assignment pattern in strict code may not assign eval or arguments
 * (in sloppy code: noted, strict_only). */
static void strict_pattern_check(scoper *S, const js_node *p, uint32_t sc)
{
    int strict = strict_at(S, sc);
    switch (p->kind) {
    case N_IDENT:
        if (eval_or_arguments(p->s)) {
            if (strict)
                early_strict(S, p->pos, sc, "Cannot assign to \"%s\" in %s", p->s);
            else
                strict_only(S, p->pos, "Assignments to \"%s\"", p->s);
        }
        return;
    case N_ASSIGN: case N_SPREAD:
        strict_pattern_check(S, p->a, sc);
        return;
    case N_PROPERTY:
        strict_pattern_check(S, p->b, sc);
        return;
    case N_ARRAY: case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++)
            strict_pattern_check(S, p->list[i], sc);
        return;
    default:
        return;
    }
}

/* A `var` hoists from the block it is written in to its function: no
 * block on the way may declare the name lexically, and a block that
 * declares it later must know (var_through). */
static void var_hoist_check(scoper *S, uint32_t scope, const js_node *id, uint32_t h)
{
    for (uint32_t s = S->var_from; s != scope && s != JS_NONE; s = S->scopes.v[s].parent) {
        entry *e = tab_find(S, s, id->s, h, 1);
        if (e->sym != JS_NONE) {
            const js_symbol *o = &S->syms.v[e->sym];
            if (o->scope == s && lexical(S, o->kind, s))
                early_name(S, id->pos, "The symbol \"%s\" has already been declared", id->s);
        }
        e->var_through = 1;
    }
}

/* Does a `var` written in scope `from` cross a TypeScript namespace on the way to `to`? */
static int crosses_namespace(const scoper *S, uint32_t from, uint32_t to)
{
    for (uint32_t s = from; s != to && s != JS_NONE; s = S->scopes.v[s].parent)
        if (S->scopes.v[s].kind == SC_NAMESPACE)
            return 1;
    return 0;
}

/* A function other than an arrow has its own `arguments` binding, which
 * a `var arguments`, a `function arguments` or a sloppy block function of
 * the name hoisted there (Annex B.3.3) does not replace but assigns: the
 * symbol of such a declaration is that binding (no new var: typeof reads
 * the arguments object until the assignment), and keeps the name. */
static void own_arguments(scoper *S, uint32_t scope, uint32_t sym)
{
    js_symbol *sy = &S->syms.v[sym];
    if ((S->scopes.v[scope].flags & SCF_OWN_ARGUMENTS) && sy->name[0] == 'a' && !strcmp(sy->name, "arguments"))
        sy->flags |= SF_NO_RENAME;
}

/* Declares name in scope; a second var-like declaration of a name (or a
 * TypeScript merge) reuses the first symbol.  With S->check, a
 * declaration the language refuses is an early error at its name. */
static uint32_t declare(scoper *S, uint32_t scope, js_node *id, int kind)
{
    uint32_t h = hash_name(id->s);
    int check = S->check;
    if (check) {
        check_name(S, id, scope);
        if (strict_at(S, scope))
            strict_binding_check(S, id, scope);
        if ((kind == SK_LET || kind == SK_CONST) && !strcmp(id->s, "let"))
            early(S, id->pos, "Cannot use \"let\" as an identifier here");
        if (kind == SK_VAR && S->var_from != scope) {
            if (crosses_namespace(S, S->var_from, scope))
                check = 0; /* a namespace's var lands in the namespace (scoped here one level too far out) */
            else
                var_hoist_check(S, scope, id, h);
        }
    }
    entry *e = tab_find(S, scope, id->s, h, 1);
    int dup_param = e->sym != JS_NONE && kind == SK_PARAM && S->syms.v[e->sym].kind == SK_PARAM &&
                    S->syms.v[e->sym].scope == scope;
    if (check && (e->sym != JS_NONE ? redeclared(S, &S->syms.v[e->sym], kind, scope)
                                    : e->var_through && lexical(S, kind, scope)))
        early_name(S, id->pos,
                   dup_param ? "\"%s\" cannot be bound multiple times in the same parameter list" /* esbuild's words */
                             : "The symbol \"%s\" has already been declared",
                   id->s);
    else if (check && dup_param) /* `function f(a, a)`: sloppy code's only */
        strict_only(S, id->pos, "Duplicate parameter names (\"%s\")", id->s);
    if (e->sym != JS_NONE) {
        js_symbol *old = &S->syms.v[e->sym];
        if ((var_like(old->kind) && var_like(kind)) || mergeable(old->kind, kind) || old->kind == kind) {
            if (mergeable(old->kind, kind) || (old->kind == kind && (kind == SK_ENUM || kind == SK_NAMESPACE)))
                old->flags |= SF_TYPE_MERGED;
            if (kind == SK_FUNCTION && old->kind != SK_FUNCTION && var_like(old->kind))
                old->kind = SK_FUNCTION;
            id->aux = e->sym;
            return e->sym;
        }
    }
    uint32_t sym = new_sym(S, scope, id->s, kind);
    if (kind == SK_PARAM)
        S->syms.v[sym].flags |= SF_PARAM;
    else if (var_like(kind))
        own_arguments(S, scope, sym);
    e = tab_find(S, scope, id->s, h, 1); /* the table may have grown */
    e->sym = sym;
    id->aux = sym;
    return sym;
}

/* Annex B.3.5: `catch (e) { var e = 2 }` may repeat a simple catch
 * parameter, and the initializer assigns the parameter while the hoisted
 * `e` of the function stays as it was.  As esbuild does, the parameter
 * and the var become one symbol, so every renaming keeps their names
 * equal and the program reads them as the source does. */
static uint32_t declare_var(scoper *S, uint32_t scope, js_node *id)
{
    uint32_t sym = declare(S, scope, id, SK_VAR);
    uint32_t h = hash_name(id->s);
    for (uint32_t s = S->var_from; s != scope && s != JS_NONE; s = S->scopes.v[s].parent) {
        entry *e = tab_find(S, s, id->s, h, 0);
        if (e && e->sym != JS_NONE && S->syms.v[e->sym].kind == SK_CATCH && S->syms.v[e->sym].scope == s)
            e->sym = sym; /* the parameter's own node follows in the bind walk */
    }
    return sym;
}

int sl__js_cjs_wrapper_param(const char *name)
{
    static const char *const params[] = {"exports", "require", "module", "__filename", "__dirname"};
    for (size_t i = 0; i < sizeof params / sizeof *params; i++)
        if (!strcmp(name, params[i]))
            return 1;
    return 0;
}

/* Annex B.3.3: in sloppy code a block's `function f` also assigns the var
 * `f` of its function each time the declaration is evaluated, unless a
 * `var f` there would be an early error (a let, const, class or block
 * function of the name in a block on the way, or a lexical one in the
 * function's own scope) or f names a parameter (of a CommonJS module's
 * function too: js_ast.cjs_wrapper).  Every hoisted block function of a
 * name writes the same var: the first one, or a var or
 * function the function body itself declares, is that var, and each
 * other block function is linked to it (as esbuild does), so renaming
 * gives them all its name.  Run after the declare walk, when every
 * declaration that can block hoisting is known. */
static void annex_b_hoist(scoper *S)
{
    for (size_t i = 0; i < S->block_fns.n; i++) {
        js_node *id = S->block_fns.v[i].id;
        uint32_t sc = S->block_fns.v[i].scope, fn = S->scopes.v[sc].fn, sym = id->aux;
        uint32_t h = hash_name(id->s);
        int blocked = 0;
        for (uint32_t s = S->scopes.v[sc].parent; s != fn && s != JS_NONE && !blocked; s = S->scopes.v[s].parent) {
            entry *e = tab_find(S, s, id->s, h, 0);
            blocked = e && e->sym != JS_NONE && S->syms.v[e->sym].scope == s && lexical(S, S->syms.v[e->sym].kind, s);
        }
        if (blocked || (S->block_fns.v[i].flags & (JF_ASYNC | JF_GENERATOR))) /* B.3.3 is for plain functions */
            continue;
        if (fn == S->module_scope && S->ast->cjs_wrapper && sl__js_cjs_wrapper_param(id->s))
            continue; /* a parameter of node's CommonJS function */
        entry *e = tab_find(S, fn, id->s, h, 1);
        if (e->sym == JS_NONE) {
            e->sym = sym; /* the first one stands for the var */
            own_arguments(S, fn, sym);
            S->syms.v[sym].flags |= SF_ANNEX_B;
        }
        else if (e->sym == sym || (S->syms.v[e->sym].kind != SK_PARAM && var_like(S->syms.v[e->sym].kind))) {
            if (e->sym != sym && S->syms.v[sym].link == JS_NONE)
                S->syms.v[sym].link = e->sym;
            S->syms.v[sym].flags |= SF_ANNEX_B;
        }
    }
}

/* ---------------------------------------------------------------- declare */

static void decl_node(scoper *S, js_node *n, uint32_t sc);

typedef struct decl_children_ctx {
    scoper *S;
    uint32_t sc;
} decl_children_ctx;

static void decl_children_one(js_node *n, void *ctx)
{
    decl_children_ctx *c = ctx;
    decl_node(c->S, n, c->sc);
}

static void decl_children(scoper *S, js_node *n, uint32_t sc)
{
    decl_children_ctx c = {S, sc};
    sl__js_each_child(n, decl_children_one, &c);
}

/* The identifiers a binding pattern declares; defaults and computed keys are walked for scopes inside them. */
static void decl_pattern(scoper *S, js_node *p, uint32_t target, int kind, uint32_t sc)
{
    switch (p->kind) {
    case N_IDENT:
        if (kind == SK_VAR)
            declare_var(S, target, p);
        else
            declare(S, target, p, kind);
        return;
    case N_ASSIGN:
        decl_pattern(S, p->a, target, kind, sc);
        decl_node(S, p->b, sc);
        return;
    case N_SPREAD:
        decl_pattern(S, p->a, target, kind, sc);
        return;
    case N_ARRAY:
        for (uint32_t i = 0; i < p->n; i++)
            if (p->list[i]->kind != N_HOLE)
                decl_pattern(S, p->list[i], target, kind, sc);
        return;
    case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++) {
            js_node *x = p->list[i];
            if (x->kind == N_PROPERTY) {
                if (x->flags & JF_COMPUTED)
                    decl_node(S, x->a, sc);
                decl_pattern(S, x->b, target, kind, sc);
            } else {
                decl_pattern(S, x, target, kind, sc);
            }
        }
        return;
    default:
        decl_node(S, p, sc); /* a member expression target in a for-in head */
    }
}

static int body_is_strict(const js_node *body)
{
    for (uint32_t i = 0; body && (body->kind == N_BLOCK || body->kind == N_PROGRAM) && i < body->n &&
                         body->list[i]->kind == N_DIRECTIVE; i++)
        if (body->list[i]->n == 12 && !memcmp(body->list[i]->s + 1, "use strict", 10))
            return 1;
    return 0;
}

static int simple_params(const js_node *fn)
{
    for (uint32_t i = 0; i < fn->n; i++)
        if (fn->list[i]->kind != N_IDENT)
            return 0;
    return 1;
}

static void decl_function(scoper *S, js_node *fn, uint32_t sc)
{
    int method = S->next_is_method;
    S->next_is_method = 0;
    uint32_t f = new_scope(S, sc, SC_FUNCTION);
    fn->aux = f;
    if (fn->flags & JF_STRICT) /* the parser saw "use strict" in the body */
        S->scopes.v[f].flags = (uint8_t)((S->scopes.v[f].flags | SCF_STRICT) & ~SCF_MODULE_GOAL);
    if (fn->kind != N_ARROW)
        S->scopes.v[f].flags |= SCF_OWN_ARGUMENTS;
    if (fn->b && fn->b->kind == N_BLOCK) {
        fn->b->aux = f; /* the body shares the function's scope */
        if (body_is_strict(fn->b))
            S->scopes.v[f].flags = (uint8_t)((S->scopes.v[f].flags | SCF_STRICT) & ~SCF_MODULE_GOAL);
    }
    if (fn->kind == N_FUNCTION && fn->a) { /* a named function expression sees its own name */
        uint32_t sym = declare(S, f, fn->a, SK_FUNCTION);
        if (S->syms.v[sym].scope == f)
            S->syms.v[sym].flags |= SF_SELF_NAME;
    }
    /* strict code, arrows, methods and non-simple lists may not repeat a parameter */
    uint8_t unique = S->unique_params;
    S->unique_params = strict_at(S, f) || fn->kind == N_ARROW || method || !simple_params(fn);
    for (uint32_t i = 0; i < fn->n; i++)
        decl_pattern(S, fn->list[i], f, SK_PARAM, f);
    S->unique_params = unique;
    if (fn->b) {
        if (fn->b->kind == N_BLOCK)
            for (uint32_t i = 0; i < fn->b->n; i++)
                decl_node(S, fn->b->list[i], f);
        else
            decl_node(S, fn->b, f);
    }
}

static void decl_class(scoper *S, js_node *c, uint32_t sc)
{
    if (c->c)
        decl_node(S, c->c, sc); /* decorators run outside the class scope */
    if (c->b)
        decl_node(S, c->b, sc);
    uint32_t cs = new_scope(S, sc, SC_BLOCK);
    S->scopes.v[cs].flags |= SCF_STRICT;
    c->aux = cs;
    if (c->a && S->check) /* a class's name is bound in strict code */
        strict_binding_check(S, c->a, cs);
    if (c->a) {
        if (c->kind == N_CLASS_DECL) {
            uint32_t sym = declare(S, sc, c->a, SK_CLASS);
            entry *e = tab_find(S, cs, c->a->s, hash_name(c->a->s), 1);
            e->sym = sym; /* the inner name is the same binding for renaming */
        } else { /* a class expression's own name, seen only inside it */
            uint32_t sym = declare(S, cs, c->a, SK_CLASS);
            if (S->syms.v[sym].scope == cs)
                S->syms.v[sym].flags |= SF_SELF_NAME;
        }
    }
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (m->d)
            decl_node(S, m->d, cs);
        if (m->flags & JF_COMPUTED)
            decl_node(S, m->a, cs);
        if (!m->b)
            continue;
        if (m->op == JP_STATIC_BLOCK) {
            uint32_t f = new_scope(S, cs, SC_FUNCTION);
            m->b->aux = f;
            for (uint32_t j = 0; j < m->b->n; j++)
                decl_node(S, m->b->list[j], f);
        } else if (m->op == JP_FIELD || m->op == JP_ACCESSOR) {
            uint32_t f = new_scope(S, cs, SC_FUNCTION); /* an initializer is its own function */
            m->aux = f;
            decl_node(S, m->b, f);
        } else {
            S->next_is_method = m->b->kind == N_FUNCTION;
            decl_node(S, m->b, cs);
        }
    }
}

static void decl_block_list(scoper *S, js_node *n, uint32_t sc)
{
    for (uint32_t i = 0; i < n->n; i++)
        decl_node(S, n->list[i], sc);
}

static void decl_node(scoper *S, js_node *n, uint32_t sc)
{
    switch (n->kind) {
    case N_FUNCTION: case N_ARROW:
        decl_function(S, n, sc);
        return;
    case N_FUNC_DECL: {
        if (n->a && S->check && (n->flags & JF_STRICT)) /* "use strict" in the body covers the name */
            strict_binding_check(S, n->a, JS_NONE);
        js_scope *s = &S->scopes.v[sc];
        if (n->a) {
            if (s->fn == sc || s->kind == SC_NAMESPACE) {
                declare(S, sc, n->a, SK_FUNCTION);
            } else {
                S->declaring_flags = n->flags;
                uint32_t sym = declare(S, sc, n->a, SK_HOISTED_FN);
                if (!S->syms.v[sym].decl)
                    S->syms.v[sym].decl = n;
                /* Annex B: in sloppy code the function is also a var of the enclosing function (annex_b_hoist) */
                if (!(s->flags & SCF_STRICT)) {
                    block_fn bf = {n->a, sc, n->flags};
                    JS_VEC_PUSH(S->block_fns, bf);
                }
            }
        }
        decl_function(S, n, sc);
        return;
    }
    case N_CLASS: case N_CLASS_DECL:
        decl_class(S, n, sc);
        return;
    case N_VAR: {
        int kind = n->op == JV_VAR ? SK_VAR : n->op == JV_LET ? SK_LET : SK_CONST;
        uint32_t target = n->op == JV_VAR ? S->scopes.v[sc].fn : sc;
        uint32_t from = S->var_from;
        for (uint32_t i = 0; i < n->n; i++) {
            js_node *d = n->list[i];
            S->var_from = sc;
            decl_pattern(S, d->a, target, kind, sc);
            S->var_from = from;
            if (d->b)
                decl_node(S, d->b, sc);
        }
        return;
    }
    case N_BLOCK: {
        uint32_t b = new_scope(S, sc, SC_BLOCK);
        n->aux = b;
        decl_block_list(S, n, b);
        return;
    }
    case N_FOR: case N_FOR_IN: case N_FOR_OF: {
        uint32_t b = new_scope(S, sc, SC_BLOCK);
        n->aux = b;
        decl_children(S, n, b);
        return;
    }
    case N_SWITCH: {
        decl_node(S, n->a, sc);
        uint32_t b = new_scope(S, sc, SC_BLOCK);
        n->aux = b;
        for (uint32_t i = 0; i < n->n; i++)
            decl_children(S, n->list[i], b);
        return;
    }
    case N_CATCH: {
        uint32_t c = new_scope(S, sc, SC_BLOCK);
        n->aux = c;
        if (n->a) /* a destructured catch parameter is like a let: `var` may not repeat it */
            decl_pattern(S, n->a, c, n->a->kind == N_IDENT ? SK_CATCH : SK_LET, c);
        n->b->aux = c;
        decl_block_list(S, n->b, c);
        return;
    }
    case N_IF: /* Annex B: `if (x) function f() {}` declares f as in a block of its own */
        decl_node(S, n->a, sc);
        decl_node(S, n->b, n->b->kind == N_FUNC_DECL ? new_scope(S, sc, SC_BLOCK) : sc);
        if (n->c)
            decl_node(S, n->c, n->c->kind == N_FUNC_DECL ? new_scope(S, sc, SC_BLOCK) : sc);
        return;
    case N_WITH: {
        decl_node(S, n->a, sc);
        uint32_t w = new_scope(S, sc, SC_WITH);
        n->aux = w;
        decl_node(S, n->b, w);
        return;
    }
    case N_IMPORT:
        for (uint32_t i = 0; i < n->n; i++)
            declare(S, sc, n->list[i]->a, SK_IMPORT);
        return;
    case N_PROPERTY: /* an object literal's method may not repeat a parameter */
        if (n->op == JP_METHOD || n->op == JP_GET || n->op == JP_SET) {
            if (n->flags & JF_COMPUTED)
                decl_node(S, n->a, sc);
            S->next_is_method = n->b->kind == N_FUNCTION;
            decl_node(S, n->b, sc);
            return;
        }
        decl_children(S, n, sc);
        return;
    case N_IMPORT_EQUALS:
        declare(S, sc, n->a, SK_IMPORT);
        if (n->b->kind != N_CALL)
            decl_node(S, n->b, sc);
        return;
    case N_EXPORT_NAMED: case N_EXPORT_ALL:
        return; /* references, bound in the second walk */
    case N_ENUM: {
        uint32_t sym = declare(S, sc, n->a, SK_ENUM);
        if (n->flags & JF_CONST)
            S->syms.v[sym].flags |= SF_CONST_ENUM;
        if (!S->syms.v[sym].decl)
            S->syms.v[sym].decl = n;
        uint32_t es = new_scope(S, sc, SC_ENUM);
        n->aux = es;
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i]->b)
                decl_node(S, n->list[i]->b, es);
        return;
    }
    case N_NAMESPACE: {
        uint32_t sym = declare(S, sc, n->a, SK_NAMESPACE);
        uint32_t ns = new_scope(S, sc, SC_NAMESPACE);
        n->aux = ns;
        (void)sym;
        if (n->b && n->b->kind == N_BLOCK) {
            n->b->aux = ns;
            decl_block_list(S, n->b, ns);
        } else if (n->b) {
            decl_node(S, n->b, ns);
        }
        return;
    }
    default:
        decl_children(S, n, sc);
    }
}

/* ------------------------------------------------------------------- bind */

/* A function's parameters and its body share one scope here, but an
 * expression in the parameter list (a default, a computed key, a closure
 * in either) runs before the body and cannot see what the body declares
 * (ES2024 10.2.11: the body's names get an environment of their own once
 * the list has expressions): `const v = 1; function f(a = v) { const v =
 * 2 }` reads the outer v.  So while a list is being bound, lookups that
 * reach its function's scope see only the parameters (with a body var or
 * function merged into one of them: the same name, as in the source), a
 * function expression's own name and names lowering made. */
static int in_param_scope(const js_symbol *sy)
{
    return (sy->flags & (SF_PARAM | SF_SELF_NAME)) || sy->kind == SK_GENERATED || sy->kind == SK_ARGUMENTS;
}

/* A function expression's own name that its body declares again: the
 * scope's entry is the body's, the list sees the function. */
static uint32_t self_name_in_params(const scoper *S, uint32_t scope, const char *name)
{
    for (const param_list *p = S->params; p; p = p->up)
        if (p->fn->aux == scope)
            return p->fn->kind == N_FUNCTION && p->fn->a && !strcmp(p->fn->a->s, name) ? p->fn->a->aux : JS_NONE;
    return JS_NONE;
}

static uint32_t lookup(scoper *S, uint32_t sc, const char *name, int *via_with)
{
    uint32_t h = hash_name(name);
    *via_with = 0;
    for (uint32_t s = sc; s != JS_NONE; s = S->scopes.v[s].parent) {
        entry *e = tab_find(S, s, name, h, 0);
        if (e && e->sym != JS_NONE) {
            if (!(S->scopes.v[s].flags & SCF_PARAMS) || in_param_scope(&S->syms.v[e->sym]))
                return e->sym;
            uint32_t self = self_name_in_params(S, s, name);
            if (self != JS_NONE)
                return self;
        }
        if ((S->scopes.v[s].flags & SCF_OWN_ARGUMENTS) && name[0] == 'a' && !strcmp(name, "arguments")) {
            /* the function's own arguments (a declaration of the name there is it: own_arguments),
             * not a name further out: once per function, kept as it is */
            if (e && e->sym != JS_NONE)
                return e->sym;
            uint32_t sym = new_sym(S, s, "arguments", SK_ARGUMENTS);
            S->syms.v[sym].flags |= SF_NO_RENAME;
            e = tab_find(S, s, name, h, 1);
            e->sym = sym;
            return sym;
        }
        if (S->scopes.v[s].kind == SC_WITH)
            *via_with = 1;
    }
    return JS_NONE;
}

static void ref(scoper *S, js_node *id, uint32_t sc)
{
    if (S->check)
        check_name(S, id, sc);
    int via_with;
    uint32_t sym = lookup(S, sc, id->s, &via_with);
    if (sym == JS_NONE) {
        entry *e = tab_find(S, S->module_scope, id->s, hash_name(id->s), 1);
        if (e->sym == JS_NONE) {
            uint32_t ns = new_sym(S, S->module_scope, id->s, SK_UNBOUND);
            e = tab_find(S, S->module_scope, id->s, hash_name(id->s), 1);
            e->sym = ns;
        }
        sym = e->sym;
    }
    id->aux = sym;
    S->syms.v[sym].uses++;
    if (via_with)
        S->syms.v[sym].flags |= SF_NO_RENAME;
}

static void bind_node(scoper *S, js_node *n, uint32_t sc);

typedef struct bind_children_ctx {
    scoper *S;
    uint32_t sc;
} bind_children_ctx;

static void bind_children_one(js_node *n, void *ctx)
{
    bind_children_ctx *c = ctx;
    bind_node(c->S, n, c->sc);
}

static void bind_children(scoper *S, js_node *n, uint32_t sc)
{
    bind_children_ctx c = {S, sc};
    sl__js_each_child(n, bind_children_one, &c);
}

/* A binding pattern: its identifiers are declarations (aux set); walk defaults and computed keys. */
static void bind_pattern(scoper *S, js_node *p, uint32_t sc)
{
    switch (p->kind) {
    case N_IDENT:
        if (p->aux == JS_NONE)
            ref(S, p, sc);
        return;
    case N_ASSIGN:
        bind_pattern(S, p->a, sc);
        bind_node(S, p->b, sc);
        return;
    case N_SPREAD:
        bind_pattern(S, p->a, sc);
        return;
    case N_ARRAY:
        for (uint32_t i = 0; i < p->n; i++)
            bind_pattern(S, p->list[i], sc);
        return;
    case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++) {
            js_node *x = p->list[i];
            if (x->kind == N_PROPERTY) {
                if (x->flags & JF_COMPUTED)
                    bind_node(S, x->a, sc);
                bind_pattern(S, x->b, sc);
            } else {
                bind_pattern(S, x, sc);
            }
        }
        return;
    case N_HOLE:
        return;
    default:
        bind_node(S, p, sc);
    }
}

static void mark_eval(scoper *S, uint32_t sc)
{
    for (uint32_t s = sc; s != JS_NONE; s = S->scopes.v[s].parent)
        S->scopes.v[s].flags |= SCF_EVAL;
    S->ast->uses_eval = 1;
}

static void bind_function(scoper *S, js_node *fn)
{
    uint32_t f = fn->aux;
    param_list pl = {fn, S->params};
    S->params = &pl;
    S->scopes.v[f].flags |= SCF_PARAMS; /* see in_param_scope */
    for (uint32_t i = 0; i < fn->n; i++)
        bind_pattern(S, fn->list[i], f);
    S->scopes.v[f].flags &= (uint8_t)~SCF_PARAMS;
    S->params = pl.up;
    if (!fn->b)
        return;
    if (fn->b->kind == N_BLOCK)
        for (uint32_t i = 0; i < fn->b->n; i++)
            bind_node(S, fn->b->list[i], f);
    else
        bind_node(S, fn->b, f);
}

static void bind_class(scoper *S, js_node *c, uint32_t sc)
{
    if (c->c)
        bind_node(S, c->c, sc);
    if (c->b)
        bind_node(S, c->b, sc);
    uint32_t cs = c->aux;
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (m->d)
            bind_node(S, m->d, cs);
        if (m->flags & JF_COMPUTED)
            bind_node(S, m->a, cs);
        if (!m->b)
            continue;
        if (m->op == JP_STATIC_BLOCK) {
            for (uint32_t j = 0; j < m->b->n; j++)
                bind_node(S, m->b->list[j], m->b->aux);
        } else if (m->op == JP_FIELD || m->op == JP_ACCESSOR) {
            bind_node(S, m->b, m->aux);
        } else {
            bind_node(S, m->b, cs);
        }
    }
}

static void bind_node(scoper *S, js_node *n, uint32_t sc)
{
    switch (n->kind) {
    case N_IDENT:
        if (n->aux == JS_NONE)
            ref(S, n, sc);
        return;
    case N_FUNCTION: case N_ARROW: case N_FUNC_DECL:
        bind_function(S, n);
        return;
    case N_CLASS: case N_CLASS_DECL:
        bind_class(S, n, sc);
        return;
    case N_VAR:
        for (uint32_t i = 0; i < n->n; i++) {
            bind_pattern(S, n->list[i]->a, sc);
            if (n->list[i]->b)
                bind_node(S, n->list[i]->b, sc);
        }
        return;
    case N_BLOCK:
        for (uint32_t i = 0; i < n->n; i++)
            bind_node(S, n->list[i], n->aux);
        return;
    case N_FOR: case N_FOR_IN: case N_FOR_OF:
        bind_children(S, n, n->aux);
        return;
    case N_SWITCH:
        bind_node(S, n->a, sc);
        for (uint32_t i = 0; i < n->n; i++)
            bind_children(S, n->list[i], n->aux);
        return;
    case N_CATCH:
        if (n->a && n->a->kind == N_IDENT) /* a `var` of its name inside may have made it the function's (declare_var) */
            n->a->aux = tab_find(S, n->aux, n->a->s, hash_name(n->a->s), 0)->sym;
        else if (n->a)
            bind_pattern(S, n->a, n->aux);
        for (uint32_t i = 0; i < n->b->n; i++)
            bind_node(S, n->b->list[i], n->aux);
        return;
    case N_WITH:
        bind_node(S, n->a, sc);
        bind_node(S, n->b, n->aux);
        return;
    case N_ASSIGN: case N_UPDATE:
        if (S->check && (n->kind == N_UPDATE || n->op == JB_NONE || n->a->kind == N_IDENT))
            strict_pattern_check(S, n->a, sc);
        bind_children(S, n, sc);
        return;
    case N_CALL:
        if (n->a->kind == N_IDENT && !strcmp(n->a->s, "eval")) {
            bind_children(S, n, sc);
            if (S->syms.v[n->a->aux].kind == SK_UNBOUND)
                mark_eval(S, sc);
            return;
        }
        bind_children(S, n, sc);
        return;
    case N_PROPERTY:
        if (n->flags & JF_COMPUTED)
            bind_node(S, n->a, sc);
        if (n->b)
            bind_node(S, n->b, sc);
        if (n->c)
            bind_node(S, n->c, sc);
        return;
    case N_IMPORT:
        return;
    case N_IMPORT_EQUALS:
        if (n->b->kind != N_CALL)
            bind_node(S, n->b, sc);
        return;
    case N_EXPORT_NAMED:
        if (!n->a)
            for (uint32_t i = 0; i < n->n; i++) {
                js_node *local = n->list[i]->a;
                ref(S, local, sc);
                /* in TypeScript the name may be a type's, which the tree does not hold */
                if (S->check && !S->is_ts && S->syms.v[local->aux].kind == SK_UNBOUND)
                    early_name(S, local->pos, "\"%s\" is not declared in this file", local->s);
            }
        return;
    case N_EXPORT_ALL:
        return;
    case N_ENUM:
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i]->b)
                bind_node(S, n->list[i]->b, n->aux);
        return;
    case N_NAMESPACE:
        if (n->b && n->b->kind == N_BLOCK)
            for (uint32_t i = 0; i < n->b->n; i++)
                bind_node(S, n->b->list[i], n->aux);
        else if (n->b)
            bind_node(S, n->b, n->aux);
        return;
    case N_JSX:
        if (n->a && n->a->kind != N_STR)
            bind_node(S, n->a, sc);
        for (uint32_t i = 0; i < n->n; i++)
            bind_node(S, n->list[i], sc);
        if (n->c)
            bind_node(S, n->c, sc);
        return;
    case N_JSX_ATTR:
        if (n->b)
            bind_node(S, n->b, sc);
        return;
    default:
        bind_children(S, n, sc);
    }
}

/* The table's entries for export names live in a scope no tree has. */
#define EXPORT_NAMES (UINT32_MAX - 1)

/* A name the module exports: each at most once (early error). */
static void export_name(scoper *S, const char *name, uint32_t pos)
{
    if (!S->check)
        return;
    entry *e = tab_find(S, EXPORT_NAMES, name, hash_name(name), 1);
    if (e->sym != JS_NONE)
        early_name(S, pos, "Multiple exports with the same name \"%s\"", name);
    e->sym = 0;
}

/* The names an export statement adds that are not a declaration's. */
static void export_clause_names(scoper *S, const js_node *s)
{
    if (s->kind == N_EXPORT_DEFAULT)
        export_name(S, "default", s->pos);
    else if (s->kind == N_EXPORT_ALL && s->c)
        export_name(S, s->c->s, s->c->pos);
    else if (s->kind == N_EXPORT_NAMED && !(s->flags & JF_TYPE_ONLY))
        for (uint32_t i = 0; i < s->n; i++)
            if (!(s->list[i]->flags & JF_TYPE_ONLY))
                export_name(S, s->list[i]->b->s, s->list[i]->b->pos);
}

/* Exported declarations keep their names (the export clause is the name). */
static void mark_exports(scoper *S, js_node *prog)
{
    for (uint32_t i = 0; i < prog->n; i++) {
        js_node *s = prog->list[i];
        export_clause_names(S, s);
        if (s->kind == N_EXPORT_DEFAULT)
            s = s->a;
        if (!(s->flags & (JF_EXPORT | JF_DEFAULT)))
            continue;
        if ((s->kind == N_FUNC_DECL || s->kind == N_CLASS_DECL || s->kind == N_IMPORT_EQUALS) && s->a &&
            !(s->flags & JF_DEFAULT))
            export_name(S, s->a->s, s->a->pos);
        if ((s->kind == N_FUNC_DECL || s->kind == N_CLASS_DECL || s->kind == N_ENUM || s->kind == N_NAMESPACE ||
             s->kind == N_IMPORT_EQUALS) && s->a && s->a->aux != JS_NONE && !(s->flags & JF_DEFAULT))
            S->syms.v[s->a->aux].flags |= SF_EXPORTED;
        if (s->kind == N_VAR)
            for (uint32_t j = 0; j < s->n; j++) {
                /* every identifier in the pattern */
                js_node *stack[64];
                int top = 0;
                stack[top++] = s->list[j]->a;
                while (top) {
                    js_node *p = stack[--top];
                    if (p->kind == N_IDENT) {
                        export_name(S, p->s, p->pos);
                        if (p->aux != JS_NONE)
                            S->syms.v[p->aux].flags |= SF_EXPORTED;
                    } else if (p->kind == N_ASSIGN || p->kind == N_SPREAD) {
                        if (top < 64)
                            stack[top++] = p->a;
                    } else if (p->kind == N_PROPERTY) {
                        if (top < 64)
                            stack[top++] = p->b;
                    } else if (p->kind == N_ARRAY || p->kind == N_OBJECT) {
                        for (uint32_t k = 0; k < p->n && top < 64; k++)
                            stack[top++] = p->list[k];
                    }
                }
            }
    }
}

static void reset(js_node *n);

static void reset_child(js_node *n, void *ctx)
{
    (void)ctx;
    reset(n);
}

/* A second run starts afresh: no identifier keeps a symbol from the first. */
static void reset(js_node *n)
{
    if (n->kind == N_IDENT) {
        n->aux = JS_NONE;
        return;
    }
    sl__js_each_child(n, reset_child, NULL);
}

static void scope_run(js_ast *ast, scoper *sp);

void sl__js_scope_bind(js_ast *ast)
{
    scoper S;
    memset(&S, 0, sizeof S);
    scope_run(ast, &S);
}

int sl__js_scope_check(js_ast *ast, int is_ts, char *err, size_t errlen)
{
    scoper S;
    memset(&S, 0, sizeof S);
    S.check = 1;
    S.is_ts = (uint8_t)is_ts;
    scope_run(ast, &S);
    if (!S.err_msg)
        return 0;
    sl__js_error_text(err, errlen, ast->path, ast->src, ast->len, S.err_pos, S.err_msg);
    return -1;
}

static void scope_run(js_ast *ast, scoper *sp)
{
    scoper S = *sp;
    S.var_from = JS_NONE;
    S.ast = ast;
    tab_grow(&S);
    js_node *prog = ast->program;
    if (ast->syms)
        reset(prog);
    ast->uses_eval = 0;
    ast->strict_only_p1 = 0;
    ast->strict_only_what = NULL;
    S.module_scope = new_scope(&S, JS_NONE, SC_MODULE);
    prog->aux = S.module_scope;
    if (ast->is_module || body_is_strict(prog))
        S.scopes.v[S.module_scope].flags |= SCF_STRICT;
    if (ast->is_module && !body_is_strict(prog))
        S.scopes.v[S.module_scope].flags |= SCF_MODULE_GOAL;
    /* the program's directives look like a block's */
    for (uint32_t i = 0; i < prog->n; i++)
        decl_node(&S, prog->list[i], S.module_scope);
    annex_b_hoist(&S);
    free(S.block_fns.v);
    for (uint32_t i = 0; i < prog->n; i++)
        bind_node(&S, prog->list[i], S.module_scope);
    mark_exports(&S, prog);

    /* into the arena, symbols grouped by scope */
    js_arena *a = ast->arena;
    ast->nsyms = (uint32_t)S.syms.n;
    ast->syms = sl__js_alloc(a, (S.syms.n + 1) * sizeof *ast->syms);
    if (S.syms.n)
        memcpy(ast->syms, S.syms.v, S.syms.n * sizeof *ast->syms);
    ast->nscopes = (uint32_t)S.scopes.n;
    ast->scopes = sl__js_alloc(a, (S.scopes.n + 1) * sizeof *ast->scopes);
    memcpy(ast->scopes, S.scopes.v, S.scopes.n * sizeof *ast->scopes);
    for (uint32_t i = 0; i < ast->nscopes; i++)
        ast->scopes[i].n = 0;
    for (uint32_t i = 0; i < ast->nsyms; i++)
        ast->scopes[ast->syms[i].scope].n++;
    uint32_t at = 0;
    for (uint32_t i = 0; i < ast->nscopes; i++) {
        ast->scopes[i].first = at;
        at += ast->scopes[i].n;
        ast->scopes[i].n = 0;
    }
    ast->scope_syms = sl__js_alloc(a, (ast->nsyms + 1) * sizeof *ast->scope_syms);
    for (uint32_t i = 0; i < ast->nsyms; i++) {
        js_scope *sc = &ast->scopes[ast->syms[i].scope];
        ast->scope_syms[sc->first + sc->n++] = i;
    }
    free(S.scopes.v);
    free(S.syms.v);
    free(S.tab);
    sp->err_pos = S.err_pos;
    sp->err_msg = S.err_msg;
}

uint32_t sl__js_scope_lookup(const js_ast *ast, uint32_t scope, const char *name)
{
    /* after the walks: a linear scan of each scope's symbols */
    for (uint32_t s = scope; s != JS_NONE; s = ast->scopes[s].parent) {
        const js_scope *sc = &ast->scopes[s];
        for (uint32_t i = 0; i < sc->n; i++) {
            const js_symbol *sy = &ast->syms[ast->scope_syms[sc->first + i]];
            if (!strcmp(sy->name, name) && sy->kind != SK_UNBOUND)
                return ast->scope_syms[sc->first + i];
        }
    }
    return JS_NONE;
}
