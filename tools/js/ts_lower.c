/*
 * ts_lower.c - TypeScript's run-time constructs as tsc emits them (see
 * js_lower.h).
 *
 * The tree is bound before this pass, so "which declaration does this
 * name mean" is a symbol id: an exported variable of a namespace is
 * recognised by its symbol wherever it is used in the namespace's body
 * and rewritten in place to `N.x`; an enum's constant members are
 * computed first, for the whole file, so a const enum access is inlined
 * wherever it appears.  Statement lists are rebuilt (one TypeScript
 * statement may become several); everything else is rewritten in place.
 */
#include "js_lower.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_decorators.h"
#include "js_parser.h"
#include "js_printer.h"
#include "js_scope.h"

typedef struct enum_val {
    const char *name;
    uint8_t kind; /* 0 unknown, 1 number, 2 string */
    double num;
    const char *str;
    uint32_t len;
} enum_val;

typedef struct enum_info {
    uint32_t sym;
    JS_VEC(enum_val) vals;
    uint32_t *index; /* vals by name (a slot holds index + 1; the latest of a name): every initializer
                      * names members, so a linear search made `A1 = A0 + 1, ...` quadratic */
    size_t cap;
} enum_info;

/* A name exported by a block of a namespace.  The key merges the blocks:
 * "#<symbol>" for a namespace declared on its own; "<parent key>.<name>"
 * for one exported from another namespace (or dotted, `A.B`), since each
 * block of the parent binds a symbol of its own for it. */
typedef struct ns_export_t {
    const char *key;
    const char *name;
} ns_export_t;

typedef struct ns_key_t {
    const js_node *ns;
    const char *key;
} ns_key_t;

/* An enum exported from a namespace block: "<namespace key>.<name>" and
 * its symbol.  Blocks of one namespace bind a symbol each for the same
 * enum; their members are one enum (tsc merges them), found by the key. */
typedef struct enum_key_t {
    const char *key;
    uint32_t sym;
} enum_key_t;

/* A namespace being lowered, innermost first: a name its body reads
 * that no declaration inside it binds is looked up in its exports from
 * every block (merged declarations) before the scope around it, as tsc's
 * binder does. */
typedef struct ns_frame {
    const char *param;    /* the IIFE's parameter: exports are param.name */
    const char *key;      /* its key in all_exports (NULL: none) */
    uint32_t scope;       /* its body's scope */
    const struct ns_frame *up;
} ns_frame;

typedef struct lower {
    js_ast *ast;
    const js_lower_opts *o;
    js_arena *a;
    const char **alias;      /* per symbol: print as <alias>.<name> */
    uint8_t *declared;       /* per symbol: a var/function/class already declares it */
    JS_VEC(enum_info) enums;
    JS_VEC(js_node *) out;   /* statement lists under construction */
    int need_decorate, need_param, need_std_decorators;
    const char *class_name;  /* `const E = class {}`: the name an anonymous class gets (named evaluation) */
    char *err;               /* the first error (a construct not lowered) */
    size_t errlen;
    int failed;
    uint32_t tmp_counter;
    const ns_frame *ns;       /* the namespaces being lowered, innermost first */
    const char *ns_key;       /* collect_ns_exports: the namespace whose exports are pushed */
    JS_VEC(ns_export_t) all_exports;
    JS_VEC(ns_key_t) ns_keys; /* every namespace node's key */
    JS_VEC(enum_key_t) enum_keys;
    const char *enum_ns;      /* collect_enums: the key of the namespace block being walked */
} lower;

/* ------------------------------------------------------------ builders */

static js_node *mk(lower *L, int kind, uint32_t pos) { return sl__js_node(L->a, kind, pos); }
static js_node *id(lower *L, const char *name, uint32_t pos) { return sl__js_ident(L->a, name, pos); }
static js_node *str(lower *L, const char *s, uint32_t pos) { return sl__js_str(L->a, s, strlen(s), pos); }

static js_node *num(lower *L, double v, uint32_t pos)
{
    js_node *n = mk(L, N_NUM, pos);
    n->num = v;
    return n;
}

static js_node *member(lower *L, js_node *obj, const char *name, uint32_t pos)
{
    js_node *m = mk(L, N_MEMBER, pos);
    m->a = obj;
    m->c = str(L, name, pos);
    return m;
}

static js_node *index_(lower *L, js_node *obj, js_node *key, uint32_t pos)
{
    js_node *m = mk(L, N_INDEX, pos);
    m->a = obj;
    m->b = key;
    return m;
}

static js_node *assign(lower *L, js_node *target, js_node *value, uint32_t pos)
{
    js_node *as = mk(L, N_ASSIGN, pos);
    as->a = target;
    as->b = value;
    return as;
}

static js_node *binary(lower *L, int op, js_node *a, js_node *b, uint32_t pos)
{
    js_node *n = mk(L, N_BINARY, pos);
    n->op = (uint8_t)op;
    n->a = a;
    n->b = b;
    return n;
}

static js_node *call(lower *L, js_node *callee, js_node **args, uint32_t nargs, uint32_t pos)
{
    js_node *c = mk(L, N_CALL, pos);
    c->a = callee;
    c->n = nargs;
    c->list = sl__js_list_copy(L->a, args, nargs);
    return c;
}

static js_node *expr_stmt(lower *L, js_node *e)
{
    js_node *s = mk(L, N_EXPR, e->pos);
    s->a = e;
    return s;
}

static js_node *var_stmt(lower *L, int kind, const char *name, js_node *init, uint32_t pos)
{
    js_node *v = mk(L, N_VAR, pos);
    v->op = (uint8_t)kind;
    js_node *d = mk(L, N_DECLARATOR, pos);
    d->a = id(L, name, pos);
    d->b = init;
    v->n = 1;
    v->list = sl__js_list_copy(L->a, &d, 1);
    return v;
}

static js_node *this_member(lower *L, const char *name, uint32_t pos)
{
    return member(L, mk(L, N_THIS, pos), name, pos);
}

/* ---------------------------------------------------------- enum values */

/* The symbol an enum's members are kept under: the first block's, for
 * an enum exported from several blocks of one namespace. */
static uint32_t enum_canon(const lower *L, uint32_t sym)
{
    for (size_t i = 0; i < L->enum_keys.n; i++)
        if (L->enum_keys.v[i].sym == sym) {
            for (size_t j = 0; j < i; j++)
                if (!strcmp(L->enum_keys.v[j].key, L->enum_keys.v[i].key))
                    return L->enum_keys.v[j].sym;
            break;
        }
    return sym;
}

static enum_info *enum_of(lower *L, uint32_t sym)
{
    sym = enum_canon(L, sym);
    for (size_t i = 0; i < L->enums.n; i++)
        if (L->enums.v[i].sym == sym)
            return &L->enums.v[i];
    return NULL;
}

static size_t name_hash(const char *s)
{
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static void enum_push_index(enum_info *e, size_t i)
{
    const char *name = e->vals.v[i].name;
    size_t h = name_hash(name) & (e->cap - 1);
    while (e->index[h] && strcmp(e->vals.v[e->index[h] - 1].name, name))
        h = (h + 1) & (e->cap - 1);
    e->index[h] = (uint32_t)(i + 1);
}

static enum_val *enum_member(enum_info *e, const char *name)
{
    if (!e || !e->cap)
        return NULL;
    for (size_t h = name_hash(name) & (e->cap - 1);; h = (h + 1) & (e->cap - 1)) {
        uint32_t k = e->index[h];
        if (!k)
            return NULL;
        if (!strcmp(e->vals.v[k - 1].name, name))
            return &e->vals.v[k - 1];
    }
}

/* Appends v; a later member of the same name is the one found. */
static void enum_push(enum_info *e, enum_val v)
{
    JS_VEC_PUSH(e->vals, v);
    if (e->vals.n * 2 > e->cap) {
        free(e->index);
        e->cap = e->cap ? e->cap * 2 : 16;
        e->index = calloc(e->cap, sizeof *e->index);
        for (size_t i = 0; i + 1 < e->vals.n; i++)
            enum_push_index(e, i);
    }
    enum_push_index(e, e->vals.n - 1);
}

static uint32_t root_sym(const js_ast *ast, uint32_t s)
{
    while (s != JS_NONE && s < ast->nsyms && ast->syms[s].link != JS_NONE)
        s = ast->syms[s].link;
    return s;
}

/* Number to string as JavaScript's ToString does it (for `+` of strings and numbers). */
static void number_text(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "NaN");
    else if (isinf(v))
        snprintf(buf, len, v < 0 ? "-Infinity" : "Infinity");
    else if (v < 0) {
        buf[0] = '-';
        sl__js_format_number(-v, 0, buf + 1, len - 1);
    } else
        sl__js_format_number(v, 0, buf, len);
}

static int to_int32(double v, int32_t *out)
{
    if (!isfinite(v)) {
        *out = 0;
        return 1;
    }
    double t = fmod(trunc(v), 4294967296.0);
    if (t < 0)
        t += 4294967296.0;
    *out = (int32_t)(uint32_t)t;
    return 1;
}

/* tsc's constant enum expressions: literals, unary/binary arithmetic, members of this enum. */
static enum_val eval(lower *L, enum_info *self, js_node *e)
{
    enum_val r = {0};
    switch (e->kind) {
    case N_NUM:
        r.kind = 1, r.num = e->num;
        return r;
    case N_STR:
        r.kind = 2, r.str = e->s, r.len = e->n;
        return r;
    case N_TEMPLATE:
        if (!e->a && e->n == 1 && !memchr(e->list[0]->s, '\\', e->list[0]->n)) {
            r.kind = 2, r.str = e->list[0]->s, r.len = e->list[0]->n;
        }
        return r;
    case N_IDENT: {
        enum_val *m = enum_member(self, e->s);
        if (m)
            return *m;
        if (!strcmp(e->s, "Infinity"))
            r.kind = 1, r.num = INFINITY;
        else if (!strcmp(e->s, "NaN"))
            r.kind = 1, r.num = NAN;
        return r;
    }
    case N_MEMBER: case N_INDEX: {
        if (e->a->kind != N_IDENT || e->a->aux == JS_NONE)
            return r;
        enum_info *other = enum_of(L, root_sym(L->ast, e->a->aux));
        const char *name = e->kind == N_MEMBER ? e->c->s : e->b->kind == N_STR ? e->b->s : NULL;
        enum_val *m = name ? enum_member(other, name) : NULL;
        return m ? *m : r;
    }
    case N_UNARY: {
        enum_val x = eval(L, self, e->a);
        if (x.kind != 1)
            return r;
        int32_t i;
        r.kind = 1;
        switch (e->op) {
        case JU_POS: r.num = x.num; return r;
        case JU_NEG: r.num = -x.num; return r;
        case JU_CPL: to_int32(x.num, &i); r.num = ~i; return r;
        default: r.kind = 0; return r;
        }
    }
    case N_BINARY: {
        enum_val x = eval(L, self, e->a), y = eval(L, self, e->b);
        if (e->op == JB_ADD && (x.kind == 2 || y.kind == 2) && x.kind && y.kind) {
            char nb[64];
            const char *xs = x.str, *ys = y.str;
            uint32_t xl = x.len, yl = y.len;
            if (x.kind == 1) {
                number_text(x.num, nb, sizeof nb);
                xs = sl__js_strndup(L->a, nb, strlen(nb)), xl = (uint32_t)strlen(nb);
            }
            if (y.kind == 1) {
                number_text(y.num, nb, sizeof nb);
                ys = sl__js_strndup(L->a, nb, strlen(nb)), yl = (uint32_t)strlen(nb);
            }
            char *s = sl__js_alloc(L->a, xl + yl + 1);
            memcpy(s, xs, xl);
            memcpy(s + xl, ys, yl);
            s[xl + yl] = 0;
            r.kind = 2, r.str = s, r.len = xl + yl;
            return r;
        }
        if (x.kind != 1 || y.kind != 1)
            return r;
        int32_t a, b;
        to_int32(x.num, &a);
        to_int32(y.num, &b);
        r.kind = 1;
        switch (e->op) {
        case JB_ADD: r.num = x.num + y.num; break;
        case JB_SUB: r.num = x.num - y.num; break;
        case JB_MUL: r.num = x.num * y.num; break;
        case JB_DIV: r.num = x.num / y.num; break;
        case JB_REM: r.num = fmod(x.num, y.num); break;
        case JB_POW: r.num = pow(x.num, y.num); break;
        case JB_SHL: r.num = (int32_t)((uint32_t)a << (b & 31)); break;
        case JB_SHR: r.num = a >> (b & 31); break;
        case JB_USHR: r.num = (uint32_t)a >> (b & 31); break;
        case JB_BIT_AND: r.num = a & b; break;
        case JB_BIT_OR: r.num = a | b; break;
        case JB_BIT_XOR: r.num = a ^ b; break;
        default: r.kind = 0;
        }
        return r;
    }
    default:
        return r;
    }
}

/* Computes every member's value of one enum declaration (auto-increment included). */
static void enum_values(lower *L, js_node *en)
{
    uint32_t sym = root_sym(L->ast, en->a->aux);
    if (L->enum_ns && (en->flags & JF_EXPORT) && sym != JS_NONE) {
        enum_key_t k = {sl__js_printf(L->a, "%s.%s", L->enum_ns, en->a->s), sym};
        JS_VEC_PUSH(L->enum_keys, k);
    }
    enum_info *info = enum_of(L, sym);
    if (!info) {
        enum_info fresh = {0};
        fresh.sym = enum_canon(L, sym);
        JS_VEC_PUSH(L->enums, fresh);
        info = &L->enums.v[L->enums.n - 1];
    }
    double next = 0;
    int next_known = 1;
    for (uint32_t i = 0; i < en->n; i++) {
        js_node *m = en->list[i];
        enum_val v = {0};
        v.name = m->a->s;
        if (m->b) {
            v = eval(L, info, m->b);
            v.name = m->a->s;
        } else if (next_known) {
            v.kind = 1, v.num = next;
        }
        next_known = v.kind == 1;
        next = v.kind == 1 ? v.num + 1 : 0;
        if (v.kind == 1) {
            m->flags |= JF_CONSTANT;
            m->num = v.num;
        } else if (v.kind == 2) {
            m->flags |= JF_CONSTANT;
            m->c = sl__js_str(L->a, v.str, v.len, m->pos); /* num (the union) stays unused */
        }
        enum_push(info, v);
    }
}

static void collect_enums(lower *L, js_node *n);
static const char *ns_key_of(const lower *L, const js_node *ns);

static void collect_enums_child(js_node *n, void *L)
{
    collect_enums(L, n);
}

static void collect_enums(lower *L, js_node *n)
{
    if (!n)
        return;
    if (n->kind == N_ENUM) {
        enum_values(L, n);
        return;
    }
    const char *outer = L->enum_ns;
    if (n->kind == N_NAMESPACE) /* only its blocks' own statements can be `export enum` */
        L->enum_ns = ns_key_of(L, n);
    sl__js_each_child(n, collect_enums_child, L);
    L->enum_ns = outer;
}

static void become_value(lower *L, js_node *n, const enum_val *v)
{
    uint32_t pos = n->pos;
    memset(n, 0, sizeof *n);
    n->pos = pos;
    n->aux = JS_NONE;
    if (v->kind == 1) {
        n->kind = N_NUM;
        n->num = v->num;
    } else {
        n->kind = N_STR;
        n->s = sl__js_strndup(L->a, v->str, v->len);
        n->n = v->len;
    }
}

/* ------------------------------------------------------ expressions */

static void lower_node(lower *L, js_node *n);
static void lower_list(lower *L, js_node *owner);

/* Is scope `inner` the scope `outer` or inside it? */
static int scope_within(const js_ast *ast, uint32_t inner, uint32_t outer)
{
    for (uint32_t s = inner; s != JS_NONE && s < ast->nscopes; s = ast->scopes[s].parent)
        if (s == outer)
            return 1;
    return 0;
}

/* The parameter of the innermost namespace being lowered that exports
 * the name `n` reads (from any of its blocks), unless a declaration
 * inside that namespace binds it first; NULL when none does. */
static const char *ns_export_param(lower *L, const js_node *n)
{
    const js_symbol *sy = &L->ast->syms[n->aux];
    for (const ns_frame *f = L->ns; f; f = f->up) {
        if (sy->kind != SK_UNBOUND && scope_within(L->ast, sy->scope, f->scope))
            return NULL;
        for (size_t i = 0; i < L->all_exports.n; i++)
            if (f->key && !strcmp(L->all_exports.v[i].key, f->key) && !strcmp(L->all_exports.v[i].name, n->s))
                return f->param;
    }
    return NULL;
}

/* An identifier that means a namespace export: rewrite it in place to ns.name. */
static int alias_ident(lower *L, js_node *n)
{
    const char *ns = NULL;
    if (n->aux != JS_NONE && n->aux < L->ast->nsyms)
        ns = L->alias[n->aux];
    if (!ns && L->ns && n->aux != JS_NONE && n->aux < L->ast->nsyms)
        ns = ns_export_param(L, n);
    if (!ns)
        return 0;
    const char *name = n->s;
    uint32_t pos = n->pos;
    n->kind = N_MEMBER;
    n->flags = 0;
    n->a = id(L, ns, pos);
    n->c = str(L, name, pos);
    n->b = NULL;
    n->d = NULL;
    n->aux = JS_NONE;
    return 1;
}

static void lower_child(js_node *n, void *L)
{
    lower_node(L, n);
}

static void lower_children(lower *L, js_node *n)
{
    sl__js_each_child(n, lower_child, L);
}

/* E.A / E["A"] of a const enum: the value. */
static int inline_enum(lower *L, js_node *n)
{
    if (n->a->kind != N_IDENT || n->a->aux == JS_NONE)
        return 0;
    uint32_t sym = root_sym(L->ast, n->a->aux);
    if (!(L->ast->syms[sym].flags & SF_CONST_ENUM))
        return 0;
    const char *name = n->kind == N_MEMBER ? (n->c->kind == N_STR ? n->c->s : NULL)
                                           : (n->b->kind == N_STR ? n->b->s : NULL);
    enum_val *v = name ? enum_member(enum_of(L, sym), name) : NULL;
    if (!v || !v->kind)
        return 0;
    become_value(L, n, v);
    return 1;
}

static void lower_class(lower *L, js_node *c, js_node **pending, size_t *npending);
static void std_decorators(lower *L, js_node *c, const char *given, js_node **pending, size_t *npending);

/* ---------------------------------------------------------- statements */

static void emit(lower *L, js_node *s) { JS_VEC_PUSH(L->out, s); }

static void lower_enum(lower *L, js_node *en, const char *parent_ns);
static void lower_namespace(lower *L, js_node *ns, const char *parent_ns);

/* `E || (E = {})`, or inside namespace P for an export: `E = P.E || (P.E = {})`. */
static js_node *iife_arg(lower *L, const char *name, const char *parent_ns, int exported, uint32_t pos)
{
    if (parent_ns && exported) {
        js_node *or = binary(L, JB_OR, member(L, id(L, parent_ns, pos), name, pos),
                             assign(L, member(L, id(L, parent_ns, pos), name, pos), mk(L, N_OBJECT, pos), pos), pos);
        return assign(L, id(L, name, pos), or, pos);
    }
    return binary(L, JB_OR, id(L, name, pos), assign(L, id(L, name, pos), mk(L, N_OBJECT, pos), pos), pos);
}

/* `var E;` (or `let E;` inside a namespace or function) once per symbol. */
static void declare_once(lower *L, js_node *name, int exported, const char *parent_ns, uint32_t pos)
{
    uint32_t sym = root_sym(L->ast, name->aux);
    if (sym != JS_NONE && L->declared[sym])
        return;
    if (sym != JS_NONE)
        L->declared[sym] = 1;
    int top = L->ast->scopes[L->ast->syms[sym].scope].kind == SC_MODULE;
    js_node *v = var_stmt(L, top ? JV_VAR : JV_LET, name->s, NULL, pos);
    if (exported && !parent_ns)
        v->flags |= JF_EXPORT;
    emit(L, v);
}

/* Inside an enum's initializers its members' names mean E.name. */
static void enum_refs(lower *L, js_node *n, enum_info *info, const char *ename)
{
    if (n->kind == N_IDENT) {
        if (enum_member(info, n->s)) {
            const char *name = n->s;
            n->kind = N_MEMBER;
            n->a = id(L, ename, n->pos);
            n->c = str(L, name, n->pos);
            n->aux = JS_NONE;
        }
        return;
    }
    if (n->kind == N_MEMBER) {
        enum_refs(L, n->a, info, ename);
        return;
    }
    uint8_t m = sl__js_slots[n->kind];
    if ((m & JS_SLOT_A) && n->a)
        enum_refs(L, n->a, info, ename);
    if ((m & JS_SLOT_B) && n->b)
        enum_refs(L, n->b, info, ename);
    if ((m & JS_SLOT_C) && n->c)
        enum_refs(L, n->c, info, ename);
    if (m & JS_SLOT_LIST)
        for (uint32_t i = 0; i < n->n; i++)
            if (n->list[i])
                enum_refs(L, n->list[i], info, ename);
}

static void lower_enum(lower *L, js_node *en, const char *parent_ns)
{
    uint32_t pos = en->pos;
    const char *name = en->a->s;
    declare_once(L, en->a, en->flags & JF_EXPORT, parent_ns, pos);
    enum_info *info = enum_of(L, root_sym(L->ast, en->a->aux));
    js_node *body = mk(L, N_BLOCK, pos);
    size_t mark = L->out.n;
    double next = 0;
    int next_known = 1;
    const char *prev = NULL;
    for (uint32_t i = 0; i < en->n; i++) {
        js_node *m = en->list[i];
        const char *key = m->a->s;
        js_node *value;
        int is_string = 0;
        if (m->flags & JF_CONSTANT) {
            if (m->c) {
                value = sl__js_str(L->a, m->c->s, m->c->n, m->pos);
                is_string = 1;
            } else {
                value = num(L, m->num, m->pos);
            }
        } else if (m->b) {
            /* a computed member: names of this enum inside it mean E.name */
            value = m->b;
            lower_node(L, value);
            enum_refs(L, value, info, name);
            is_string = value->kind == N_STR || (value->kind == N_TEMPLATE && !value->a);
        } else if (prev && !next_known) {
            value = binary(L, JB_ADD, member(L, id(L, name, pos), prev, pos), num(L, 1, pos), pos);
        } else {
            value = num(L, next, m->pos);
        }
        next_known = (m->flags & JF_CONSTANT) && !m->c;
        next = next_known ? m->num + 1 : 0;
        prev = key;
        js_node *inner = assign(L, index_(L, id(L, name, m->pos), str(L, key, m->pos), m->pos), value, m->pos);
        js_node *e = is_string ? inner : assign(L, index_(L, id(L, name, m->pos), inner, m->pos), str(L, key, m->pos), m->pos);
        emit(L, expr_stmt(L, e));
    }
    body->n = (uint32_t)(L->out.n - mark);
    body->list = sl__js_list_copy(L->a, L->out.v + mark, body->n);
    L->out.n = mark;
    js_node *fn = mk(L, N_FUNCTION, pos);
    js_node *param = id(L, name, pos);
    fn->n = 1;
    fn->list = sl__js_list_copy(L->a, &param, 1);
    fn->b = body;
    fn->flags |= JF_PARENS;
    js_node *arg = iife_arg(L, name, parent_ns, en->flags & JF_EXPORT, pos);
    emit(L, expr_stmt(L, call(L, fn, &arg, 1, pos)));
}

/* Marks the identifiers a binding pattern declares as aliases of ns. */
static void alias_pattern(lower *L, js_node *p, const char *ns)
{
    switch (p->kind) {
    case N_IDENT:
        if (p->aux != JS_NONE)
            L->alias[p->aux] = ns;
        return;
    case N_ASSIGN: case N_SPREAD:
        alias_pattern(L, p->a, ns);
        return;
    case N_PROPERTY:
        alias_pattern(L, p->b, ns);
        return;
    case N_ARRAY: case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++)
            alias_pattern(L, p->list[i], ns);
        return;
    default:
        return;
    }
}

static void names_of_pattern(lower *L, js_node *p, void (*fn)(lower *, js_node *))
{
    switch (p->kind) {
    case N_IDENT: fn(L, p); return;
    case N_ASSIGN: case N_SPREAD: names_of_pattern(L, p->a, fn); return;
    case N_PROPERTY: names_of_pattern(L, p->b, fn); return;
    case N_ARRAY: case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++)
            names_of_pattern(L, p->list[i], fn);
        return;
    default: return;
    }
}

static void push_export_name(lower *L, js_node *id_)
{
    ns_export_t e = {L->ns_key, id_->s};
    JS_VEC_PUSH(L->all_exports, e);
}

static void collect_ns_exports(lower *L, js_node *n);

/* One namespace block: its key, the names it exports, its nested namespaces. */
static void collect_namespace(lower *L, js_node *ns, const char *parent_key)
{
    if (ns->a->aux == JS_NONE || !ns->b)
        return;
    const char *key = parent_key ? sl__js_printf(L->a, "%s.%s", parent_key, ns->a->s)
                                 : sl__js_printf(L->a, "#%u", root_sym(L->ast, ns->a->aux));
    ns_key_t k = {ns, key};
    JS_VEC_PUSH(L->ns_keys, k);
    if (ns->b->kind == N_NAMESPACE) {
        collect_namespace(L, ns->b, key);
        return;
    }
    for (uint32_t i = 0; i < ns->b->n; i++) {
        js_node *s = ns->b->list[i];
        if (s->kind == N_NAMESPACE)
            collect_namespace(L, s, (s->flags & JF_EXPORT) ? key : NULL);
        else
            collect_ns_exports(L, s);
        if (!(s->flags & JF_EXPORT))
            continue;
        L->ns_key = key;
        if (s->kind == N_VAR)
            for (uint32_t j = 0; j < s->n; j++)
                names_of_pattern(L, s->list[j]->a, push_export_name);
        else if (s->a && s->a->kind == N_IDENT)
            push_export_name(L, s->a);
    }
}

/* Before anything is rewritten: the names each namespace's blocks export. */
static void collect_ns_exports(lower *L, js_node *n)
{
    if (!n)
        return;
    if (n->kind == N_NAMESPACE)
        collect_namespace(L, n, NULL);
    else if (n->kind == N_PROGRAM || n->kind == N_BLOCK)
        for (uint32_t i = 0; i < n->n; i++)
            collect_ns_exports(L, n->list[i]);
}

static const char *ns_key_of(const lower *L, const js_node *ns)
{
    for (size_t i = 0; i < L->ns_keys.n; i++)
        if (L->ns_keys.v[i].ns == ns)
            return L->ns_keys.v[i].key;
    return NULL;
}

static void lower_stmt(lower *L, js_node *s, const char *ns);

/* The parameter name of a namespace's IIFE: its own name unless the body declares that name. */
static const char *ns_param_name(lower *L, js_node *ns)
{
    const js_scope *sc = &L->ast->scopes[ns->aux];
    for (uint32_t i = 0; i < sc->n; i++)
        if (!strcmp(L->ast->syms[L->ast->scope_syms[sc->first + i]].name, ns->a->s))
            return sl__js_printf(L->a, "%s_1", ns->a->s);
    return ns->a->s;
}

static void lower_namespace(lower *L, js_node *ns, const char *parent_ns)
{
    if (!ns->b)
        return; /* types only: nothing at run time */
    uint32_t pos = ns->pos;
    const char *name = ns->a->s;
    declare_once(L, ns->a, ns->flags & JF_EXPORT, parent_ns, pos);
    const char *param = ns_param_name(L, ns);
    js_node *body = mk(L, N_BLOCK, pos);
    size_t mark = L->out.n;
    ns_frame frame = {param, ns_key_of(L, ns), ns->aux, L->ns};
    L->ns = &frame;
    if (ns->b->kind == N_NAMESPACE) {
        ns->b->flags |= JF_EXPORT;
        lower_namespace(L, ns->b, param);
    } else {
        /* exported variables and aliases first: every use in the body becomes param.name */
        for (uint32_t i = 0; i < ns->b->n; i++) {
            js_node *s = ns->b->list[i];
            if (s->kind == N_VAR && (s->flags & JF_EXPORT))
                for (uint32_t j = 0; j < s->n; j++)
                    alias_pattern(L, s->list[j]->a, param);
            if (s->kind == N_IMPORT_EQUALS && (s->flags & JF_EXPORT)) /* `export import K = A.B`: it is param.K */
                alias_pattern(L, s->a, param);
        }
        for (uint32_t i = 0; i < ns->b->n; i++)
            lower_stmt(L, ns->b->list[i], param);
    }
    L->ns = frame.up;
    body->n = (uint32_t)(L->out.n - mark);
    body->list = sl__js_list_copy(L->a, L->out.v + mark, body->n);
    L->out.n = mark;
    js_node *fn = mk(L, N_FUNCTION, pos);
    js_node *p = id(L, param, pos);
    fn->n = 1;
    fn->list = sl__js_list_copy(L->a, &p, 1);
    fn->b = body;
    fn->flags |= JF_PARENS;
    js_node *arg = iife_arg(L, name, parent_ns, ns->flags & JF_EXPORT, pos);
    emit(L, expr_stmt(L, call(L, fn, &arg, 1, pos)));
}

/* `ns.name = name;` after an exported function/class/alias inside a namespace. */
static void export_to_ns(lower *L, const char *ns, const char *name, uint32_t pos)
{
    emit(L, expr_stmt(L, assign(L, member(L, id(L, ns, pos), name, pos), id(L, name, pos), pos)));
}

static js_node *require_call(lower *L, js_node *c)
{
    return c; /* already `require("x")` */
    (void)L;
}

static void lower_var_in_ns(lower *L, js_node *s, const char *ns)
{
    /* export const a = 1, {b} = o;  ->  ns.a = 1; ({b: ns.b} = o); */
    for (uint32_t j = 0; j < s->n; j++) {
        js_node *d = s->list[j];
        lower_node(L, d->a);
        if (!d->b)
            continue;
        lower_node(L, d->b);
        js_node *target = d->a;
        if (target->kind == N_IDENT)
            alias_ident(L, target);
        emit(L, expr_stmt(L, assign(L, target, d->b, d->pos)));
    }
    (void)ns;
}

static void lower_stmt(lower *L, js_node *s, const char *ns)
{
    switch (s->kind) {
    case N_EMPTY:
        if (s->pos < L->ast->len && L->ast->src[s->pos] != ';')
            return; /* a TypeScript declaration that left nothing */
        emit(L, s);
        return;
    case N_ENUM:
        lower_enum(L, s, ns);
        return;
    case N_NAMESPACE:
        lower_namespace(L, s, ns);
        return;
    case N_IMPORT:
        if (s->flags & JF_TYPE_ONLY)
            return;
        {
            size_t mark = L->out.n;
            for (uint32_t i = 0; i < s->n; i++)
                if (!(s->list[i]->flags & JF_TYPE_ONLY))
                    JS_VEC_PUSH(L->out, s->list[i]);
            uint32_t kept = (uint32_t)(L->out.n - mark);
            if (s->n && !kept && !L->o->verbatim_module_syntax) {
                L->out.n = mark;
                return; /* every specifier was a type */
            }
            if (kept != s->n) {
                s->n = kept;
                s->list = sl__js_list_copy(L->a, L->out.v + mark, kept);
            }
            L->out.n = mark;
        }
        emit(L, s);
        return;
    case N_EXPORT_NAMED:
        if (s->flags & JF_TYPE_ONLY)
            return;
        {
            size_t mark = L->out.n;
            for (uint32_t i = 0; i < s->n; i++) {
                js_node *sp = s->list[i];
                if (sp->flags & JF_TYPE_ONLY)
                    continue;
                /* export { T } of a name declared nowhere as a value (an interface or type): gone */
                if (!s->a && sp->a->kind == N_IDENT && sp->a->aux != JS_NONE &&
                    L->ast->syms[sp->a->aux].kind == SK_UNBOUND)
                    continue;
                JS_VEC_PUSH(L->out, sp);
            }
            uint32_t kept = (uint32_t)(L->out.n - mark);
            if (kept != s->n) {
                s->list = sl__js_list_copy(L->a, L->out.v + mark, kept);
                int had = s->n != 0;
                s->n = kept;
                L->out.n = mark;
                if (!kept && had)
                    return;
            }
            L->out.n = mark;
        }
        emit(L, s);
        return;
    case N_IMPORT_EQUALS: {
        lower_node(L, s->b);
        int exported = (s->flags & JF_EXPORT) != 0;
        if (ns && exported) {
            emit(L, expr_stmt(L, assign(L, member(L, id(L, ns, s->pos), s->a->s, s->pos), s->b, s->pos)));
            return;
        }
        js_node *v = var_stmt(L, s->b->kind == N_CALL ? JV_CONST : JV_VAR, s->a->s, require_call(L, s->b), s->pos);
        v->list[0]->a = s->a; /* keep the bound identifier */
        if (exported)
            v->flags |= JF_EXPORT;
        v->flags |= JF_TYPE_ONLY; /* marks an import alias for the elision pass */
        emit(L, v);
        return;
    }
    case N_EXPORT_EQUALS: {
        lower_node(L, s->a);
        js_node *e = assign(L, member(L, id(L, "module", s->pos), "exports", s->pos), s->a, s->pos);
        emit(L, expr_stmt(L, e));
        return;
    }
    case N_VAR:
        if (ns && (s->flags & JF_EXPORT)) {
            lower_var_in_ns(L, s, ns);
            return;
        }
        lower_node(L, s);
        emit(L, s);
        return;
    case N_FUNC_DECL:
        lower_node(L, s);
        if (ns && (s->flags & JF_EXPORT)) {
            s->flags &= (uint16_t)~JF_EXPORT;
            emit(L, s);
            export_to_ns(L, ns, s->a->s, s->pos);
            return;
        }
        emit(L, s);
        return;
    case N_CLASS_DECL: {
        js_node *pending[64];
        size_t np = 0;
        lower_class(L, s, pending, &np);
        /* decorated classes come back rewritten into several statements */
        if (s->kind == N_EMPTY) {
            for (size_t i = 0; i < np; i++)
                emit(L, pending[i]);
        } else {
            int exported = ns && (s->flags & JF_EXPORT);
            if (exported)
                s->flags &= (uint16_t)~JF_EXPORT;
            emit(L, s);
            for (size_t i = 0; i < np; i++)
                emit(L, pending[i]);
            if (exported)
                export_to_ns(L, ns, s->a->s, s->pos);
        }
        return;
    }
    case N_EXPORT_DEFAULT:
        if (s->a->kind == N_CLASS_DECL) {
            js_node *pending[64];
            size_t np = 0;
            js_node *cls = s->a;
            lower_class(L, cls, pending, &np);
            if (cls->kind == N_EMPTY) {
                for (size_t i = 0; i < np; i++)
                    emit(L, pending[i]);
                return;
            }
            emit(L, s);
            for (size_t i = 0; i < np; i++)
                emit(L, pending[i]);
            return;
        }
        lower_node(L, s);
        emit(L, s);
        return;
    default:
        lower_node(L, s);
        emit(L, s);
    }
}

/* Rebuilds a statement list (program, block, case, static block, function body). */
static void lower_list(lower *L, js_node *owner)
{
    size_t mark = L->out.n;
    for (uint32_t i = 0; i < owner->n; i++)
        lower_stmt(L, owner->list[i], NULL);
    owner->n = (uint32_t)(L->out.n - mark);
    owner->list = sl__js_list_copy(L->a, L->out.v + mark, owner->n);
    L->out.n = mark;
}

/* A statement in a position that takes one (if/for/while bodies): a block if it became several. */
static js_node *lower_single(lower *L, js_node *s)
{
    size_t mark = L->out.n;
    lower_stmt(L, s, NULL);
    size_t k = L->out.n - mark;
    js_node *r;
    if (k == 1) {
        r = L->out.v[mark];
    } else if (k == 0) {
        r = mk(L, N_EMPTY, s->pos);
    } else {
        r = mk(L, N_BLOCK, s->pos);
        r->n = (uint32_t)k;
        r->list = sl__js_list_copy(L->a, L->out.v + mark, k);
    }
    L->out.n = mark;
    return r;
}

static void lower_node(lower *L, js_node *n)
{
    switch (n->kind) {
    case N_IDENT:
        alias_ident(L, n);
        return;
    case N_MEMBER: case N_INDEX:
        if (inline_enum(L, n))
            return;
        lower_children(L, n);
        return;
    case N_BLOCK: case N_PROGRAM:
        lower_list(L, n);
        return;
    case N_CASE:
        if (n->a)
            lower_node(L, n->a);
        lower_list(L, n);
        return;
    case N_IF:
        lower_node(L, n->a);
        n->b = lower_single(L, n->b);
        if (n->c)
            n->c = lower_single(L, n->c);
        return;
    case N_FOR: case N_FOR_IN: case N_FOR_OF:
        if (n->a)
            lower_node(L, n->a);
        if (n->b)
            lower_node(L, n->b);
        if (n->kind == N_FOR && n->d)
            lower_node(L, n->d);
        n->c = lower_single(L, n->c);
        return;
    case N_WHILE: case N_WITH:
        lower_node(L, n->a);
        n->b = lower_single(L, n->b);
        return;
    case N_DO_WHILE:
        n->a = lower_single(L, n->a);
        lower_node(L, n->b);
        return;
    case N_LABEL:
        n->a = lower_single(L, n->a);
        return;
    case N_DECLARATOR:
        if (n->a->kind == N_IDENT && n->b && n->b->kind == N_CLASS && !n->b->a)
            L->class_name = n->a->s;
        lower_children(L, n);
        L->class_name = NULL;
        return;
    case N_CLASS: {
        js_node *pending[64];
        size_t np = 0;
        lower_class(L, n, pending, &np);
        return;
    }
    case N_PROPERTY:
        if (n->flags & JF_COMPUTED)
            lower_node(L, n->a);
        if (n->b)
            lower_node(L, n->b);
        if (n->c)
            lower_node(L, n->c);
        if (n->d)
            lower_node(L, n->d);
        return;
    case N_JSX:
        if (n->a && n->a->kind != N_STR)
            lower_node(L, n->a);
        for (uint32_t i = 0; i < n->n; i++)
            lower_node(L, n->list[i]);
        if (n->c)
            lower_node(L, n->c);
        return;
    case N_JSX_ATTR:
        if (n->b)
            lower_node(L, n->b);
        return;
    default:
        lower_children(L, n);
    }
}

/* ------------------------------------------------------------- classes */

static int key_name_is(const js_node *m, const char *name)
{
    return m->a && m->a->kind == N_STR && !(m->flags & JF_COMPUTED) && !strcmp(m->a->s, name);
}

static const char *param_prop_name(const js_node *p)
{
    const js_node *x = p->kind == N_ASSIGN ? p->a : p;
    return x->kind == N_IDENT ? x->s : NULL;
}

static js_node *find_ctor(js_node *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        if (c->list[i]->op == JP_METHOD && !(c->list[i]->flags & JF_STATIC) && key_name_is(c->list[i], "constructor"))
            return c->list[i];
    return NULL;
}

/* Where statements go in a constructor body: after a top-level super(...) call, else first. */
static uint32_t ctor_insert_at(const js_node *body)
{
    for (uint32_t i = 0; i < body->n; i++) {
        const js_node *s = body->list[i];
        if (s->kind == N_EXPR && s->a->kind == N_CALL && s->a->a->kind == N_SUPER)
            return i + 1;
    }
    uint32_t i = 0;
    while (i < body->n && body->list[i]->kind == N_DIRECTIVE)
        i++;
    return i;
}

static js_node *make_ctor(lower *L, js_node *c)
{
    uint32_t pos = c->pos;
    js_node *m = mk(L, N_PROPERTY, pos);
    m->op = JP_METHOD;
    m->a = str(L, "constructor", pos);
    js_node *fn = mk(L, N_FUNCTION, pos);
    fn->b = mk(L, N_BLOCK, pos);
    m->b = fn;
    if (c->b) { /* constructor(...args) { super(...args); } */
        js_node *rest = mk(L, N_SPREAD, pos);
        rest->a = id(L, "args", pos);
        fn->n = 1;
        fn->list = sl__js_list_copy(L->a, &rest, 1);
        js_node *spread = mk(L, N_SPREAD, pos);
        spread->a = id(L, "args", pos);
        js_node *sup = expr_stmt(L, call(L, mk(L, N_SUPER, pos), &spread, 1, pos));
        fn->b->n = 1;
        fn->b->list = sl__js_list_copy(L->a, &sup, 1);
    }
    return m;
}

static void ctor_insert(lower *L, js_node *ctor, js_node **stmts, size_t n)
{
    if (!n)
        return;
    js_node *body = ctor->b->b;
    uint32_t at = ctor_insert_at(body);
    body->list = sl__js_list_insert(L->a, body->list, body->n, at, stmts, (uint32_t)n);
    body->n += (uint32_t)n;
}

static js_node *accessor_storage(lower *L, js_node *m, const char **priv)
{
    /* named after the accessor where its name can be part of one; unique by position where not ("a-b", [k]) */
    const char *base = m->a->kind == N_PRIVATE ? m->a->s + 1 : m->a->kind == N_STR && !(m->flags & JF_COMPUTED) ? m->a->s : "";
    *priv = sl__js_is_ident_name(base, strlen(base)) ? sl__js_printf(L->a, "#%s_accessor_storage", base)
                                                    : sl__js_printf(L->a, "#_%u_accessor_storage", m->pos);
    js_node *f = mk(L, N_PROPERTY, m->pos);
    f->op = JP_FIELD;
    f->flags = m->flags & JF_STATIC;
    f->a = mk(L, N_PRIVATE, m->pos);
    f->a->s = *priv;
    f->b = m->b;
    return f;
}

static js_node *accessor_method(lower *L, js_node *m, const char *priv, int setter, const char *cls)
{
    uint32_t pos = m->pos;
    js_node *g = mk(L, N_PROPERTY, pos);
    g->op = setter ? JP_SET : JP_GET;
    g->flags = m->flags & (JF_STATIC | JF_COMPUTED);
    g->a = m->a;
    js_node *fn = mk(L, N_FUNCTION, pos);
    fn->b = mk(L, N_BLOCK, pos);
    js_node *obj = (m->flags & JF_STATIC) && cls ? id(L, cls, pos) : mk(L, N_THIS, pos);
    js_node *field = mk(L, N_MEMBER, pos);
    field->a = obj;
    field->c = mk(L, N_PRIVATE, pos);
    field->c->s = priv;
    js_node *st;
    if (setter) {
        js_node *v = id(L, "value", pos);
        fn->n = 1;
        fn->list = sl__js_list_copy(L->a, &v, 1);
        st = expr_stmt(L, assign(L, field, id(L, "value", pos), pos));
    } else {
        st = mk(L, N_RETURN, pos);
        st->a = field;
    }
    fn->b->n = 1;
    fn->b->list = sl__js_list_copy(L->a, &st, 1);
    g->b = fn;
    return g;
}

static js_node *list_node(lower *L, js_node **v, size_t n, uint32_t pos)
{
    js_node *l = mk(L, N_ARRAY, pos);
    l->n = (uint32_t)n;
    l->list = sl__js_list_copy(L->a, v, n);
    return l;
}

/* __decorate([decorators], target, "key", desc) */
static js_node *decorate_call(lower *L, js_node *decos, js_node *target, js_node *key, int field, uint32_t pos)
{
    js_node *args[4];
    args[0] = list_node(L, decos->list, decos->n, pos);
    args[1] = target;
    uint32_t n = 2;
    if (key) {
        args[2] = key;
        if (field) {
            js_node *v = mk(L, N_UNARY, pos);
            v->op = JU_VOID;
            v->a = num(L, 0, pos);
            args[3] = v;
        } else {
            args[3] = mk(L, N_NULL, pos);
        }
        n = 4;
    }
    L->need_decorate = 1;
    return call(L, id(L, "__decorate", pos), args, n, pos);
}

static js_node *member_key_expr(lower *L, js_node *m)
{
    if (m->flags & JF_COMPUTED)
        return m->a;
    if (m->a->kind == N_STR)
        return sl__js_str(L->a, m->a->s, m->a->n, m->a->pos);
    if (m->a->kind == N_NUM)
        return m->a;
    return str(L, "", m->pos);
}

static int has_param_decorators(const js_node *fn)
{
    for (uint32_t i = 0; fn && fn->kind == N_FUNCTION && i < fn->n; i++)
        if (fn->list[i]->kind != N_SPREAD && fn->list[i]->c && fn->list[i]->c->kind == N_LIST)
            return 1;
    return 0;
}

/* decos followed by __param(i, d) for each decorator of each parameter of fn (tsc's order). */
static js_node *param_decorators(lower *L, js_node *fn, js_node *decos)
{
    if (!has_param_decorators(fn))
        return decos;
    js_node *list = mk(L, N_LIST, fn->pos);
    JS_VEC(js_node *) v = {0};
    for (uint32_t i = 0; decos && i < decos->n; i++)
        JS_VEC_PUSH(v, decos->list[i]);
    for (uint32_t i = 0; i < fn->n; i++) {
        js_node *p = fn->list[i];
        if (p->kind == N_SPREAD || !p->c || p->c->kind != N_LIST)
            continue;
        for (uint32_t j = 0; j < p->c->n; j++) {
            js_node *args[2] = {num(L, i, p->pos), p->c->list[j]};
            JS_VEC_PUSH(v, call(L, id(L, "__param", p->pos), args, 2, p->pos));
        }
        p->c = NULL;
        L->need_param = 1;
    }
    list->n = (uint32_t)v.n;
    list->list = sl__js_list_copy(L->a, v.v, v.n);
    free(v.v);
    return list;
}

/* 2023 decorators: a declaration becomes `let C = (() => {...})();` (plus its export), an expression the IIFE. */
static void std_decorators(lower *L, js_node *c, const char *given, js_node **pending, size_t *npending)
{
    int decl = c->kind == N_CLASS_DECL;
    if (c->a)
        given = c->a->s;
    else if (decl)
        given = "default";
    const char *name = c->a ? c->a->s : decl ? "_default" : given ? given : "_class";
    js_node *out[1];
    size_t nout = 0;
    char msg[256];
    uint32_t at;
    if (sl__js_lower_decorators(L->a, c, name, given ? given : "", out, &nout, msg, sizeof msg, &at)) {
        if (!L->failed) /* the first one, with the file, line and column of the member or the class */
            sl__js_error_text(L->err, L->errlen, L->ast->path, L->ast->src, L->ast->len, at, msg);
        L->failed = 1;
        return;
    }
    L->need_std_decorators = 1;
    if (!decl) { /* the IIFE itself */
        *c = *out[0]->list[0]->b;
        return;
    }
    uint32_t pos = c->pos;
    pending[(*npending)++] = out[0];
    if (c->flags & JF_DEFAULT) {
        js_node *ed = mk(L, N_EXPORT_DEFAULT, pos);
        ed->a = id(L, name, pos);
        pending[(*npending)++] = ed;
    } else if (c->flags & JF_EXPORT) {
        js_node *en = mk(L, N_EXPORT_NAMED, pos);
        js_node *sp = mk(L, N_EXPORT_SPEC, pos);
        sp->a = id(L, name, pos);
        sp->b = str(L, name, pos);
        en->n = 1;
        en->list = sl__js_list_copy(L->a, &sp, 1);
        pending[(*npending)++] = en;
    }
    c->kind = N_EMPTY;
}

typedef struct self_ref {
    const lower *L;
    uint32_t sym;      /* the class's binding */
    const char *alias; /* what references to it become */
    int found;
} self_ref;

/* Renames the references to the class's own binding (n itself included) to ref->alias. */
static void rename_self(js_node *n, void *ctx)
{
    self_ref *r = ctx;
    if (n->kind == N_IDENT && n->aux != JS_NONE && root_sym(r->L->ast, n->aux) == r->sym) {
        n->s = r->alias;
        n->aux = JS_NONE; /* a new variable: no renaming may take it back to the class's name */
        r->found = 1;
        return;
    }
    if (n->kind == N_PROPERTY && (n->flags & JF_SHORTHAND))
        return; /* tsc leaves `{ Foo }` alone: it stays the undecorated class */
    sl__js_each_child(n, rename_self, ctx);
}

/*
 * experimentalDecorators: a class decorator may replace the class, and
 * code inside the class must then see the replacement, as tsc arranges
 * it: references to the class inside its members read `Foo_1`, which a
 * first static block sets to the class and the final assignment to the
 * decorated one.  Returns the alias, or NULL when the body never names
 * the class.
 */
static const char *alias_self_refs(lower *L, js_node *c)
{
    if (!c->a || c->a->aux == JS_NONE)
        return NULL;
    self_ref r = {L, root_sym(L->ast, c->a->aux), sl__js_printf(L->a, "%s_1", c->a->s), 0};
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (m->b) /* values and bodies: decorators and keys run outside, before any replacement */
            rename_self(m->b, &r);
    }
    if (!r.found)
        return NULL;
    js_node *blk = mk(L, N_PROPERTY, c->pos);
    blk->op = JP_STATIC_BLOCK;
    blk->flags = JF_STATIC;
    blk->b = mk(L, N_BLOCK, c->pos);
    js_node *st = expr_stmt(L, assign(L, id(L, r.alias, c->pos), mk(L, N_THIS, c->pos), c->pos));
    blk->b->n = 1;
    blk->b->list = sl__js_list_copy(L->a, &st, 1);
    c->list = sl__js_list_insert(L->a, c->list, c->n, 0, &blk, 1);
    c->n++;
    return r.alias;
}

static void lower_class(lower *L, js_node *c, js_node **pending, size_t *npending)
{
    const char *given = L->class_name; /* for this class only, not the ones nested in it */
    L->class_name = NULL;
    if (c->b)
        lower_node(L, c->b);
    const char *cls = c->a ? c->a->s : NULL;
    int legacy = L->o->experimental_decorators;
    /* members: lower their values, collect parameter properties and fields */
    js_node *ctor = find_ctor(c);
    JS_VEC(js_node *) members = {0};
    JS_VEC(js_node *) inits = {0};   /* this.x = ... statements for the constructor */
    JS_VEC(js_node *) prop_fields = {0};
    if (ctor) {
        js_node *fn = ctor->b;
        for (uint32_t i = 0; i < fn->n; i++) {
            js_node *p = fn->list[i];
            if (!(p->flags & JF_PARAM_PROP))
                continue;
            p->flags &= (uint16_t)~JF_PARAM_PROP;
            const char *name = param_prop_name(p);
            if (!name)
                continue;
            JS_VEC_PUSH(inits, expr_stmt(L, assign(L, this_member(L, name, p->pos), id(L, name, p->pos), p->pos)));
            if (L->o->use_define_for_class_fields) {
                js_node *f = mk(L, N_PROPERTY, p->pos);
                f->op = JP_FIELD;
                f->a = str(L, name, p->pos);
                JS_VEC_PUSH(prop_fields, f);
            }
        }
    }
    for (size_t i = 0; i < prop_fields.n; i++)
        JS_VEC_PUSH(members, prop_fields.v[i]);
    JS_VEC(js_node *) static_inits = {0};
    for (uint32_t i = 0; i < c->n; i++) {
        js_node *m = c->list[i];
        if (m->flags & JF_COMPUTED)
            lower_node(L, m->a);
        if (m->d)
            lower_node(L, m->d);
        if (m->b)
            lower_node(L, m->b);
        if (m->flags & JF_DECLARE)
            continue;
        if (m->op == JP_ACCESSOR && !legacy && m->d && m->d->n) {
            JS_VEC_PUSH(members, m); /* a standard decorator sees its getter and setter: js_decorators.c lowers it */
            continue;
        }
        if (m->op == JP_ACCESSOR) {
            const char *priv;
            JS_VEC_PUSH(members, accessor_storage(L, m, &priv));
            js_node *g = accessor_method(L, m, priv, 0, cls);
            g->d = m->d;
            JS_VEC_PUSH(members, g);
            JS_VEC_PUSH(members, accessor_method(L, m, priv, 1, cls));
            if (legacy && m->d && m->d->n) /* tsc decorates the pair as it does a getter (left in the class, it did not parse) */
                JS_VEC_PUSH(static_inits, g);
            continue;
        }
        if (m->op == JP_FIELD && !L->o->use_define_for_class_fields && m->a->kind != N_PRIVATE) {
            /* assignment semantics: instance fields move into the constructor, statics into a static block;
             * a field without an initializer is erased, but tsc still decorates it (class-validator's shape) */
            if (legacy && m->d && m->d->n)
                JS_VEC_PUSH(static_inits, m);
            if (!m->b)
                continue;
            js_node *target = (m->flags & JF_COMPUTED || m->a->kind == N_NUM)
                                  ? index_(L, mk(L, N_THIS, m->pos), member_key_expr(L, m), m->pos)
                                  : this_member(L, m->a->s, m->pos);
            js_node *st = expr_stmt(L, assign(L, target, m->b, m->pos));
            if (m->flags & JF_STATIC) {
                js_node *blk = mk(L, N_PROPERTY, m->pos);
                blk->op = JP_STATIC_BLOCK;
                blk->flags = JF_STATIC;
                blk->b = mk(L, N_BLOCK, m->pos);
                blk->b->n = 1;
                blk->b->list = sl__js_list_copy(L->a, &st, 1);
                JS_VEC_PUSH(members, blk);
            } else {
                JS_VEC_PUSH(inits, st);
            }
            continue;
        }
        JS_VEC_PUSH(members, m);
        int is_ctor = m == ctor;
        if (legacy && !is_ctor && ((m->d && m->d->n) || has_param_decorators(m->b)))
            JS_VEC_PUSH(static_inits, m);
    }
    if (inits.n) {
        if (!ctor) {
            ctor = make_ctor(L, c);
            /* the constructor goes where tsc puts it: after the fields */
            JS_VEC_PUSH(members, ctor);
        }
        ctor_insert(L, ctor, inits.v, inits.n);
    }
    c->n = (uint32_t)members.n;
    c->list = sl__js_list_copy(L->a, members.v, members.n);
    free(members.v);
    free(inits.v);
    free(prop_fields.v);

    if (!legacy && sl__js_has_decorators(c)) {
        std_decorators(L, c, given, pending, npending);
        free(static_inits.v);
        return;
    }
    /* experimentalDecorators */
    if (legacy && ctor && has_param_decorators(ctor->b)) /* constructor parameters decorate the class */
        c->c = param_decorators(L, ctor->b, c->c);
    int class_decorated = c->c && c->c->n;
    if (legacy && (class_decorated || static_inits.n)) {
        uint32_t pos = c->pos;
        const char *name = cls ? cls : "default_1";
        /* members: instance first, then static, in order */
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < static_inits.n; i++) {
                js_node *m = static_inits.v[i];
                int is_static = (m->flags & JF_STATIC) != 0;
                if (is_static != pass)
                    continue;
                js_node *decos = m->d;
                if (m->b && m->b->kind == N_FUNCTION)
                    decos = param_decorators(L, m->b, decos);
                if (!decos || !decos->n)
                    continue;
                js_node *target = is_static ? id(L, name, pos) : member(L, id(L, name, pos), "prototype", pos);
                int field = m->op == JP_FIELD || m->op == JP_INIT;
                pending[(*npending)++] = expr_stmt(L, decorate_call(L, decos, target, member_key_expr(L, m), field, m->pos));
                m->d = NULL;
                if (*npending >= 60)
                    break;
            }
        if (class_decorated && c->kind == N_CLASS_DECL) {
            /* let K = class K { ... };  ...  K = __decorate([...], K); */
            js_node *decos = c->c;
            c->c = NULL;
            const char *self = alias_self_refs(L, c);
            js_node *expr = mk(L, N_CLASS, c->pos);
            *expr = *c;
            expr->kind = N_CLASS;
            expr->flags &= (uint16_t)~(JF_EXPORT | JF_DEFAULT);
            expr->a = c->a ? id(L, c->a->s, c->a->pos) : NULL;
            js_node *v = var_stmt(L, JV_LET, name, expr, pos);
            js_node *decl_id = v->list[0]->a;
            (void)decl_id;
            int exported = (c->flags & JF_EXPORT) != 0, is_default = (c->flags & JF_DEFAULT) != 0;
            js_node *post[64];
            size_t np = *npending;
            memcpy(post, pending, np * sizeof *post);
            *npending = 0;
            if (self)
                pending[(*npending)++] = var_stmt(L, JV_VAR, self, NULL, pos);
            pending[(*npending)++] = v;
            for (size_t i = 0; i < np; i++)
                pending[(*npending)++] = post[i];
            js_node *decorated = decorate_call(L, decos, id(L, name, pos), NULL, 0, pos);
            if (self)
                decorated = assign(L, id(L, self, pos), decorated, pos);
            pending[(*npending)++] = expr_stmt(L, assign(L, id(L, name, pos), decorated, pos));
            if (exported || is_default) {
                if (is_default) {
                    js_node *ed = mk(L, N_EXPORT_DEFAULT, pos);
                    ed->a = id(L, name, pos);
                    pending[(*npending)++] = ed;
                } else {
                    js_node *en = mk(L, N_EXPORT_NAMED, pos);
                    js_node *sp = mk(L, N_EXPORT_SPEC, pos);
                    sp->a = id(L, name, pos);
                    sp->b = str(L, name, pos);
                    en->n = 1;
                    en->list = sl__js_list_copy(L->a, &sp, 1);
                    pending[(*npending)++] = en;
                }
            }
            c->kind = N_EMPTY;
        }
    }
    free(static_inits.v);
}

/* ------------------------------------------------------------- helpers */

static const char param_src[] =
    "var __param = (this && this.__param) || function (paramIndex, decorator) {\n"
    "    return function (target, key) { decorator(target, key, paramIndex); }\n"
    "};\n";

static const char decorate_src[] =
    "var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {\n"
    "    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;\n"
    "    if (typeof Reflect === \"object\" && typeof Reflect.decorate === \"function\") r = Reflect.decorate(decorators, target, key, desc);\n"
    "    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;\n"
    "    return c > 3 && r && Object.defineProperty(target, key, r), r;\n"
    "};\n";

/* Parses a helper's source into statements prepended to the program. */
/* Positions inside helper text mean nothing in this file: past its end, they map to nothing (no
 * source-map segment puts the helper on the user's first lines). */
static void unmap_positions(js_node *n, void *ctx)
{
    n->pos = UINT32_MAX;
    if (n->kind == N_MEMBER && n->c) /* the name after the dot is no child */
        n->c->pos = UINT32_MAX;
    sl__js_each_child(n, unmap_positions, ctx);
}

static int prepend_helper(lower *L, const char *src, char *err, size_t errlen)
{
    js_ast h;
    js_parse_opts po = {0, 0, 0, 0};
    if (sl__js_parse_program(&h, "<helper>", src, strlen(src), &po, L->a, err, errlen))
        return -1;
    js_node *prog = L->ast->program;
    uint32_t at = 0;
    while (at < prog->n && prog->list[at]->kind == N_DIRECTIVE)
        at++;
    for (uint32_t i = 0; i < h.program->n; i++)
        unmap_positions(h.program->list[i], NULL);
    prog->list = sl__js_list_insert(L->a, prog->list, prog->n, at, h.program->list, h.program->n);
    prog->n += h.program->n;
    return 0;
}

int sl__ts_lower(js_ast *ast, const js_lower_opts *o, char *err, size_t errlen)
{
    lower L;
    memset(&L, 0, sizeof L);
    L.ast = ast;
    L.o = o;
    L.a = ast->arena;
    L.alias = calloc(ast->nsyms + 1, sizeof *L.alias);
    L.declared = calloc(ast->nsyms + 1, 1);
    for (uint32_t i = 0; i < ast->nsyms; i++) {
        int k = ast->syms[i].kind;
        if (k == SK_FUNCTION || k == SK_CLASS || k == SK_VAR || k == SK_LET || k == SK_CONST || k == SK_IMPORT)
            L.declared[i] = 1; /* a namespace merged with it needs no var of its own */
    }
    collect_ns_exports(&L, ast->program); /* first: collect_enums merges exported enums by namespace key */
    collect_enums(&L, ast->program);
    L.err = err;
    L.errlen = errlen;
    JS_VEC_PUSH(L.out, NULL); /* never NULL: lists are copied from out.v + mark */
    L.out.n = 0;
    lower_list(&L, ast->program);
    int rc = L.failed ? -1 : 0;
    if (!rc && L.need_std_decorators)
        rc = prepend_helper(&L, sl__js_decorator_helpers, err, errlen);
    if (!rc && L.need_param)
        rc = prepend_helper(&L, param_src, err, errlen);
    if (!rc && L.need_decorate)
        rc = prepend_helper(&L, decorate_src, err, errlen);
    for (size_t i = 0; i < L.enums.n; i++) {
        free(L.enums.v[i].vals.v);
        free(L.enums.v[i].index);
    }
    free(L.enums.v);
    free(L.out.v);
    free(L.all_exports.v);
    free(L.ns_keys.v);
    free(L.enum_keys.v);
    free(L.alias);
    free(L.declared);
    return rc;
}

static int import_used(const js_ast *ast, const js_node *local)
{
    return local->aux == JS_NONE || ast->syms[local->aux].uses > 0;
}

void sl__ts_elide_imports(js_ast *ast, const js_lower_opts *o)
{
    js_node *prog = ast->program;
    uint32_t k = 0;
    for (uint32_t i = 0; i < prog->n; i++) {
        js_node *s = prog->list[i];
        if (s->kind == N_IMPORT && s->n && !o->verbatim_module_syntax) {
            uint32_t kept = 0;
            for (uint32_t j = 0; j < s->n; j++)
                if (import_used(ast, s->list[j]->a))
                    s->list[kept++] = s->list[j];
            s->n = kept;
            if (!kept)
                continue;
        }
        if (s->kind == N_VAR && (s->flags & JF_TYPE_ONLY)) { /* import x = ... */
            s->flags &= (uint16_t)~JF_TYPE_ONLY;
            if (!(s->flags & JF_EXPORT) && !import_used(ast, s->list[0]->a) && !o->verbatim_module_syntax)
                continue;
        }
        prog->list[k++] = s;
    }
    prog->n = k;
}

js_lower_opts sl__js_lower_defaults(void)
{
    js_lower_opts o;
    memset(&o, 0, sizeof o);
    o.use_define_for_class_fields = 1;
    o.jsx = JSX_CLASSIC;
    return o;
}

int sl__js_transform(js_ast *ast, int is_ts, const js_lower_opts *o, char *err, size_t errlen)
{
    if (sl__js_scope_check(ast, is_ts, err, errlen))
        return -1;
    if (is_ts && sl__ts_lower(ast, o, err, errlen))
        return -1;
    if (ast->has_jsx && o->jsx != JSX_PRESERVE && sl__jsx_lower(ast, o, err, errlen))
        return -1;
    if (is_ts || ast->has_jsx)
        sl__js_scope_bind(ast);
    if (is_ts) {
        sl__ts_elide_imports(ast, o);
        sl__js_scope_bind(ast);
    }
    return 0;
}
