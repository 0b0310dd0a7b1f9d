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

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint32_t scope_p1; /* scope + 1; 0: empty */
    uint32_t sym;
    uint32_t hash;
    const char *name;
} entry;

typedef struct scoper {
    js_ast *ast;
    JS_VEC(js_scope) scopes;
    JS_VEC(js_symbol) syms;
    entry *tab;
    size_t tab_cap, tab_n;
    uint32_t module_scope;
    int strict;
} scoper;

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
    if (parent != JS_NONE && (S->scopes.v[parent].flags & SCF_STRICT))
        sc.flags |= SCF_STRICT;
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

/* Declares name in scope; a second var-like declaration of a name (or a
 * TypeScript merge) reuses the first symbol. */
static uint32_t declare(scoper *S, uint32_t scope, js_node *id, int kind)
{
    uint32_t h = hash_name(id->s);
    entry *e = tab_find(S, scope, id->s, h, 1);
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
    e = tab_find(S, scope, id->s, h, 1); /* the table may have grown */
    e->sym = sym;
    id->aux = sym;
    return sym;
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
    for (uint32_t i = 0; body && body->kind == N_BLOCK && i < body->n && body->list[i]->kind == N_DIRECTIVE; i++)
        if (body->list[i]->n == 12 && !memcmp(body->list[i]->s + 1, "use strict", 10))
            return 1;
    return 0;
}

static void decl_function(scoper *S, js_node *fn, uint32_t sc)
{
    uint32_t f = new_scope(S, sc, SC_FUNCTION);
    fn->aux = f;
    if (fn->b && fn->b->kind == N_BLOCK) {
        fn->b->aux = f; /* the body shares the function's scope */
        if (body_is_strict(fn->b))
            S->scopes.v[f].flags |= SCF_STRICT;
    }
    if (fn->kind == N_FUNCTION && fn->a) /* a named function expression sees its own name */
        declare(S, f, fn->a, SK_FUNCTION);
    for (uint32_t i = 0; i < fn->n; i++)
        decl_pattern(S, fn->list[i], f, SK_PARAM, f);
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
    if (c->a) {
        if (c->kind == N_CLASS_DECL) {
            uint32_t sym = declare(S, sc, c->a, SK_CLASS);
            entry *e = tab_find(S, cs, c->a->s, hash_name(c->a->s), 1);
            e->sym = sym; /* the inner name is the same binding for renaming */
        } else {
            declare(S, cs, c->a, SK_CLASS);
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
        js_scope *s = &S->scopes.v[sc];
        if (n->a) {
            if (s->fn == sc || s->kind == SC_NAMESPACE) {
                declare(S, sc, n->a, SK_FUNCTION);
            } else {
                uint32_t sym = declare(S, sc, n->a, SK_HOISTED_FN);
                /* Annex B: in sloppy code the function is also a var of the enclosing function */
                if (!(s->flags & SCF_STRICT)) {
                    entry *e = tab_find(S, s->fn, n->a->s, hash_name(n->a->s), 1);
                    if (e->sym == JS_NONE)
                        e->sym = sym;
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
        for (uint32_t i = 0; i < n->n; i++) {
            js_node *d = n->list[i];
            decl_pattern(S, d->a, target, kind, sc);
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
        if (n->a)
            decl_pattern(S, n->a, c, SK_CATCH, c);
        n->b->aux = c;
        decl_block_list(S, n->b, c);
        return;
    }
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

static uint32_t lookup(scoper *S, uint32_t sc, const char *name, int *via_with)
{
    uint32_t h = hash_name(name);
    *via_with = 0;
    for (uint32_t s = sc; s != JS_NONE; s = S->scopes.v[s].parent) {
        entry *e = tab_find(S, s, name, h, 0);
        if (e && e->sym != JS_NONE)
            return e->sym;
        if (S->scopes.v[s].kind == SC_WITH)
            *via_with = 1;
    }
    return JS_NONE;
}

static void ref(scoper *S, js_node *id, uint32_t sc)
{
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
    for (uint32_t i = 0; i < fn->n; i++)
        bind_pattern(S, fn->list[i], f);
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
        if (n->a)
            bind_pattern(S, n->a, n->aux);
        for (uint32_t i = 0; i < n->b->n; i++)
            bind_node(S, n->b->list[i], n->aux);
        return;
    case N_WITH:
        bind_node(S, n->a, sc);
        bind_node(S, n->b, n->aux);
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
            for (uint32_t i = 0; i < n->n; i++)
                ref(S, n->list[i]->a, sc);
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

/* Exported declarations keep their names (the export clause is the name). */
static void mark_exports(scoper *S, js_node *prog)
{
    for (uint32_t i = 0; i < prog->n; i++) {
        js_node *s = prog->list[i];
        if (s->kind == N_EXPORT_DEFAULT)
            s = s->a;
        if (!(s->flags & (JF_EXPORT | JF_DEFAULT)))
            continue;
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

void sl__js_scope_bind(js_ast *ast)
{
    scoper S;
    memset(&S, 0, sizeof S);
    S.ast = ast;
    tab_grow(&S);
    js_node *prog = ast->program;
    if (ast->syms)
        reset(prog);
    ast->uses_eval = 0;
    S.module_scope = new_scope(&S, JS_NONE, SC_MODULE);
    prog->aux = S.module_scope;
    if (ast->is_module || body_is_strict(prog))
        S.scopes.v[S.module_scope].flags |= SCF_STRICT;
    /* the program's directives look like a block's */
    for (uint32_t i = 0; i < prog->n; i++)
        decl_node(&S, prog->list[i], S.module_scope);
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
