/*
 * js_mangle.c - slot assignment and naming (see js_mangle.h).
 *
 * Scopes are numbered in pre-order by js_scope.c, so one pass in index
 * order sees every parent before its children: a scope's first slot is
 * its parent's slot count.  The reserved set is a small hash of names.
 */
#include "js_mangle.h"

#include <stdlib.h>
#include <string.h>

#include "js_lexer.h"

static const char first_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";
static const char next_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789";

void sl__js_mangle_name(uint32_t n, char *buf, size_t len)
{
    size_t k = 0;
    uint32_t nf = sizeof first_chars - 1, nn = sizeof next_chars - 1;
    buf[k++] = first_chars[n % nf];
    n /= nf;
    while (n > 0 && k + 1 < len) {
        n--;
        buf[k++] = next_chars[n % nn];
        n /= nn;
    }
    buf[k] = 0;
}

typedef struct nameset {
    const char **v;
    size_t cap, n;
} nameset;

static uint32_t h(const char *s)
{
    uint32_t x = 2166136261u;
    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 16777619u;
    return x;
}

static void ns_add(nameset *ns, const char *name)
{
    if ((ns->n + 1) * 2 > ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 256;
        const char **v = calloc(cap, sizeof *v);
        if (!v)
            abort();
        for (size_t i = 0; i < ns->cap; i++)
            if (ns->v[i]) {
                size_t j = h(ns->v[i]) & (cap - 1);
                while (v[j])
                    j = (j + 1) & (cap - 1);
                v[j] = ns->v[i];
            }
        free(ns->v);
        ns->v = v;
        ns->cap = cap;
    }
    size_t j = h(name) & (ns->cap - 1);
    while (ns->v[j]) {
        if (!strcmp(ns->v[j], name))
            return;
        j = (j + 1) & (ns->cap - 1);
    }
    ns->v[j] = name;
    ns->n++;
}

static int ns_has(const nameset *ns, const char *name)
{
    if (!ns->cap)
        return 0;
    size_t j = h(name) & (ns->cap - 1);
    while (ns->v[j]) {
        if (!strcmp(ns->v[j], name))
            return 1;
        j = (j + 1) & (ns->cap - 1);
    }
    return 0;
}

static int renamable(const js_ast *ast, const js_symbol *s, const js_mangle_opts *o)
{
    if (s->kind == SK_UNBOUND || s->kind == SK_LABEL || s->link != JS_NONE)
        return 0;
    if (s->flags & (SF_EXPORTED | SF_NO_RENAME))
        return 0;
    const js_scope *sc = &ast->scopes[s->scope];
    if (sc->flags & SCF_EVAL)
        return 0;
    if (sc->kind == SC_MODULE && (o->keep_top_level || (!ast->is_module && !o->top_level_local)))
        return 0;
    return 1;
}

static int is_reserved_word(const char *s)
{
    static const char *const extra[] = {"arguments", "eval", "let", "static", "yield", "await", "implements",
                                        "package", "protected", "interface", "private", "public", "enum",
                                        "undefined", "NaN", "Infinity"};
    if (sl__js_is_reserved(s, strlen(s)))
        return 1;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (!strcmp(s, extra[i]))
            return 1;
    return 0;
}

typedef struct slot {
    uint32_t count, index;
} slot;

static int by_count(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* ---- private names ----------------------------------------------------------
 * `#name` is visible only inside the class body that declares it (and
 * classes nested there), so each class's private names are renamed on
 * their own: #a, #b, ... numbered after the names of the classes around
 * it, which a nested class may still read.  The heritage (`extends`) and
 * decorators are outside the class's own names, as in the spec. */

typedef struct priv_frame {
    const char **from, **to;
    size_t n;
} priv_frame;

typedef struct priv_walker {
    js_arena *a;
    priv_frame *v;
    size_t n, cap;
    uint32_t used; /* names handed out by the frames open now */
} priv_walker;

static void priv_walk(js_node *n, void *ctx);

static void priv_class(priv_walker *w, js_node *n)
{
    if (n->a)
        priv_walk(n->a, w);
    if (n->b)
        priv_walk(n->b, w);
    if (n->c)
        priv_walk(n->c, w);
    if (w->n == w->cap)
        w->v = realloc(w->v, (w->cap = w->cap ? w->cap * 2 : 8) * sizeof *w->v);
    priv_frame *f = &w->v[w->n++];
    memset(f, 0, sizeof *f);
    f->from = malloc((n->n + 1) * sizeof *f->from);
    f->to = malloc((n->n + 1) * sizeof *f->to);
    uint32_t base = w->used;
    for (uint32_t i = 0; i < n->n; i++) {
        const js_node *m = n->list[i];
        if (!m || m->kind != N_PROPERTY || !m->a || m->a->kind != N_PRIVATE)
            continue;
        size_t k = 0;
        while (k < f->n && strcmp(f->from[k], m->a->s))
            k++;
        if (k < f->n)
            continue; /* a getter and setter pair share one name */
        char buf[16];
        sl__js_mangle_name(w->used++, buf, sizeof buf);
        f->from[f->n] = m->a->s;
        f->to[f->n++] = sl__js_printf(w->a, "#%s", buf);
    }
    for (uint32_t i = 0; i < n->n; i++)
        if (n->list[i])
            priv_walk(n->list[i], w);
    w->used = base;
    f = &w->v[--w->n]; /* the walk may have moved the stack */
    free(f->from);
    free(f->to);
}

static void priv_walk(js_node *n, void *ctx)
{
    priv_walker *w = ctx;
    if (n->kind == N_CLASS || n->kind == N_CLASS_DECL) {
        priv_class(w, n);
        return;
    }
    if (n->kind == N_PRIVATE) {
        for (size_t i = w->n; i-- > 0;)
            for (size_t k = 0; k < w->v[i].n; k++)
                if (!strcmp(w->v[i].from[k], n->s)) {
                    n->s = w->v[i].to[k];
                    return;
                }
        return;
    }
    if (n->kind == N_MEMBER && n->c && n->c->kind == N_PRIVATE)
        priv_walk(n->c, w); /* `o.#x`: the name is not a child slot */
    sl__js_each_child(n, priv_walk, ctx);
}

/* Renames every class's private names (not where a direct eval could name them). */
static void mangle_private(js_ast *ast)
{
    if (ast->uses_eval || !ast->program)
        return;
    priv_walker w = {.a = ast->arena};
    priv_walk(ast->program, &w);
    free(w.v);
}

/* A function or class expression's own name that nothing reads: the
 * printer leaves it out (js_printer.c drop_own_name), so it takes no slot
 * among its scope's names, only one past all of them: the names of the
 * rest are then what they will be when the printed text is renamed again,
 * where the own name is gone (printing the printed text gives the same
 * bytes). */
static int unread_self_name(const js_symbol *sy)
{
    return (sy->flags & SF_SELF_NAME) && !sy->uses;
}

void sl__js_mangle(js_ast *ast, const js_mangle_opts *o)
{
    uint32_t nsc = ast->nscopes, nsy = ast->nsyms;
    uint32_t *next = calloc(nsc + 1, sizeof *next);
    uint32_t *sym_slot = malloc((nsy + 1) * sizeof *sym_slot);
    nameset reserved = {0};
    for (size_t i = 0; i < o->nreserved; i++)
        ns_add(&reserved, o->reserved[i]);
    uint32_t nslots = 0;
    for (uint32_t i = 0; i < nsy; i++) {
        sym_slot[i] = JS_NONE;
        if (!renamable(ast, &ast->syms[i], o) && ast->syms[i].link == JS_NONE) /* a linked one prints its target's name */
            ns_add(&reserved, ast->syms[i].out_name ? ast->syms[i].out_name : ast->syms[i].name);
    }
    for (uint32_t s = 0; s < nsc; s++) {
        const js_scope *sc = &ast->scopes[s];
        next[s] = sc->parent == JS_NONE ? 0 : next[sc->parent];
        for (uint32_t i = 0; i < sc->n; i++) {
            uint32_t id = ast->scope_syms[sc->first + i];
            const js_symbol *sy = &ast->syms[id];
            if (!renamable(ast, sy, o) || unread_self_name(sy))
                continue;
            /* a sloppy block function is visible in its whole function: slot it there */
            if (sy->kind == SK_HOISTED_FN && !(sc->flags & SCF_STRICT) && s != sc->fn) {
                continue;
            }
            sym_slot[id] = next[s]++;
        }
        if (next[s] > nslots)
            nslots = next[s];
    }
    /* sloppy block functions: a slot past everything their function scope's subtree uses */
    for (uint32_t i = 0; i < nsy; i++) {
        const js_symbol *sy = &ast->syms[i];
        if (sym_slot[i] == JS_NONE && renamable(ast, sy, o) && sy->kind == SK_HOISTED_FN)
            sym_slot[i] = nslots++;
    }
    for (uint32_t i = 0; i < nsy; i++)
        if (renamable(ast, &ast->syms[i], o) && unread_self_name(&ast->syms[i]))
            sym_slot[i] = nslots++;
    slot *slots = calloc(nslots + 1, sizeof *slots);
    for (uint32_t i = 0; i < nslots; i++)
        slots[i].index = i;
    for (uint32_t i = 0; i < nsy; i++)
        if (sym_slot[i] != JS_NONE)
            slots[sym_slot[i]].count += ast->syms[i].uses + 1;
    qsort(slots, nslots, sizeof *slots, by_count);
    const char **slot_name = calloc(nslots + 1, sizeof *slot_name);
    uint32_t gen = 0;
    char buf[16];
    for (uint32_t i = 0; i < nslots; i++) {
        do
            sl__js_mangle_name(gen++, buf, sizeof buf);
        while (ns_has(&reserved, buf) || is_reserved_word(buf));
        slot_name[slots[i].index] = sl__js_strndup(ast->arena, buf, strlen(buf));
    }
    for (uint32_t i = 0; i < nsy; i++)
        if (sym_slot[i] != JS_NONE)
            ast->syms[i].out_name = slot_name[sym_slot[i]];
    free(slot_name);
    free(slots);
    free(reserved.v);
    free(sym_slot);
    free(next);
    mangle_private(ast);
}

/* ---- a program in pieces ---------------------------------------------------- */

/* The program's top-level names: name -> entry, in first-seen order. */
typedef struct top_ent {
    const char *name;
    uint32_t count;
    uint8_t keep;
    const char *out;
} top_ent;

typedef struct top_tab {
    uint32_t *slot; /* index + 1 into ents; 0: empty */
    size_t cap;
    top_ent *ents;
    size_t n, ents_cap;
} top_tab;

static top_ent *top_find(top_tab *t, const char *name, int add)
{
    if (add && (t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        uint32_t *v = calloc(cap, sizeof *v);
        if (!v)
            abort();
        for (size_t i = 0; i < t->n; i++) {
            size_t j = h(t->ents[i].name) & (cap - 1);
            while (v[j])
                j = (j + 1) & (cap - 1);
            v[j] = (uint32_t)i + 1;
        }
        free(t->slot);
        t->slot = v;
        t->cap = cap;
    }
    if (!t->cap)
        return NULL;
    size_t j = h(name) & (t->cap - 1);
    for (; t->slot[j]; j = (j + 1) & (t->cap - 1))
        if (!strcmp(t->ents[t->slot[j] - 1].name, name))
            return &t->ents[t->slot[j] - 1];
    if (!add)
        return NULL;
    if (t->n == t->ents_cap) {
        t->ents_cap = t->ents_cap ? t->ents_cap * 2 : 1024;
        t->ents = realloc(t->ents, t->ents_cap * sizeof *t->ents);
        if (!t->ents)
            abort();
    }
    t->ents[t->n] = (top_ent){name, 0, 0, NULL};
    t->slot[j] = (uint32_t)++t->n;
    return &t->ents[t->n - 1];
}

/* Does sy live at the program's top level: declared in the module scope,
 * or a sloppy block function whose var lands there (Annex B)? */
static int at_top(const js_ast *ast, const js_symbol *sy)
{
    if (sy->kind == SK_UNBOUND || sy->kind == SK_LABEL || sy->link != JS_NONE)
        return 0;
    const js_scope *sc = &ast->scopes[sy->scope];
    if (sc->kind == SC_MODULE)
        return 1;
    return sy->kind == SK_HOISTED_FN && !(sc->flags & SCF_STRICT) && ast->scopes[sc->fn].kind == SC_MODULE;
}

/* A nested symbol that may take a slot (renamable() without the module scope's rule). */
static int nested_renamable(const js_ast *ast, const js_symbol *s)
{
    if (s->kind == SK_UNBOUND || s->kind == SK_LABEL || s->link != JS_NONE)
        return 0;
    if (s->flags & (SF_EXPORTED | SF_NO_RENAME))
        return 0;
    return !(ast->scopes[s->scope].flags & SCF_EVAL);
}

/* One piece's nested slots (numbered from 0 below its top level): sym_slot
 * per symbol, counts added into *gcount (grown to the piece's slot count). */
static void piece_slots(const js_ast *ast, uint32_t *sym_slot, uint32_t **gcount, uint32_t *ngslots)
{
    uint32_t *next = calloc(ast->nscopes + 1, sizeof *next);
    uint32_t nslots = 0;
    for (uint32_t i = 0; i < ast->nsyms; i++)
        sym_slot[i] = JS_NONE;
    for (uint32_t s = 0; s < ast->nscopes; s++) {
        const js_scope *sc = &ast->scopes[s];
        next[s] = sc->parent == JS_NONE ? 0 : next[sc->parent];
        if (sc->kind == SC_MODULE)
            continue;
        for (uint32_t i = 0; i < sc->n; i++) {
            uint32_t id = ast->scope_syms[sc->first + i];
            const js_symbol *sy = &ast->syms[id];
            if (at_top(ast, sy) || !nested_renamable(ast, sy) || unread_self_name(sy))
                continue;
            if (sy->kind == SK_HOISTED_FN && !(sc->flags & SCF_STRICT) && s != sc->fn)
                continue;
            sym_slot[id] = next[s]++;
        }
        if (next[s] > nslots)
            nslots = next[s];
    }
    for (uint32_t i = 0; i < ast->nsyms; i++) {
        const js_symbol *sy = &ast->syms[i];
        if (sym_slot[i] == JS_NONE && sy->kind == SK_HOISTED_FN && !at_top(ast, sy) && nested_renamable(ast, sy))
            sym_slot[i] = nslots++;
    }
    for (uint32_t i = 0; i < ast->nsyms; i++)
        if (!at_top(ast, &ast->syms[i]) && nested_renamable(ast, &ast->syms[i]) && unread_self_name(&ast->syms[i]))
            sym_slot[i] = nslots++;
    if (nslots > *ngslots) {
        *gcount = realloc(*gcount, (nslots + 1) * sizeof **gcount);
        if (!*gcount)
            abort();
        memset(*gcount + *ngslots, 0, (nslots - *ngslots) * sizeof **gcount);
        *ngslots = nslots;
    }
    for (uint32_t i = 0; i < ast->nsyms; i++)
        if (sym_slot[i] != JS_NONE)
            (*gcount)[sym_slot[i]] += ast->syms[i].uses + 1;
    free(next);
}

/* Top-level names: declared ones first (so every piece's unbound names can be looked up), then reads. */
static void collect_top(js_ast *const *asts, size_t n, int top_ok, top_tab *t, nameset *reserved)
{
    for (size_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < asts[p]->nsyms; i++) {
            const js_symbol *sy = &asts[p]->syms[i];
            if (!at_top(asts[p], sy))
                continue;
            top_ent *e = top_find(t, sy->name, 1);
            e->count += sy->uses + 1;
            e->keep |= !top_ok || (sy->flags & (SF_EXPORTED | SF_NO_RENAME)) || sy->out_name;
        }
    for (size_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < asts[p]->nsyms; i++) {
            const js_symbol *sy = &asts[p]->syms[i];
            if (sy->kind != SK_UNBOUND)
                continue;
            top_ent *e = top_find(t, sy->name, 0);
            if (!e) {
                ns_add(reserved, sy->name);
                continue;
            }
            e->count += sy->uses;
            e->keep |= (sy->flags & SF_NO_RENAME) != 0;
        }
    for (size_t i = 0; i < t->n; i++)
        if (t->ents[i].keep)
            ns_add(reserved, t->ents[i].name);
}

/* What gets a name, most used first: nested slots (index < nslots) and top-level entries. */
typedef struct claim {
    uint32_t count, index;
} claim;

static int by_claim(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void sl__js_mangle_pieces(js_ast *const *asts, size_t n, const js_mangle_opts *o)
{
    int any_module = 0, top_eval = 0;
    for (size_t p = 0; p < n; p++) {
        any_module |= asts[p]->is_module;
        top_eval |= asts[p]->nscopes && (asts[p]->scopes[0].flags & SCF_EVAL);
    }
    int top_ok = !o->keep_top_level && (any_module || o->top_level_local) && !top_eval;
    nameset reserved = {0};
    for (size_t i = 0; i < o->nreserved; i++)
        ns_add(&reserved, o->reserved[i]);
    top_tab t = {0};
    collect_top(asts, n, top_ok, &t, &reserved);
    uint32_t **sym_slot = calloc(n + 1, sizeof *sym_slot);
    uint32_t *gcount = NULL, ngslots = 0;
    for (size_t p = 0; p < n; p++) {
        const js_ast *ast = asts[p];
        for (uint32_t i = 0; i < ast->nsyms; i++) {
            const js_symbol *sy = &ast->syms[i];
            if (sy->kind != SK_UNBOUND && !at_top(ast, sy) && !nested_renamable(ast, sy) && sy->link == JS_NONE)
                ns_add(&reserved, sy->out_name ? sy->out_name : sy->name);
        }
        sym_slot[p] = malloc((ast->nsyms + 1) * sizeof **sym_slot);
        piece_slots(ast, sym_slot[p], &gcount, &ngslots);
    }
    size_t nclaims = 0;
    claim *claims = malloc((ngslots + t.n + 1) * sizeof *claims);
    for (uint32_t i = 0; i < ngslots; i++)
        claims[nclaims++] = (claim){gcount[i], i};
    for (size_t i = 0; i < t.n; i++)
        if (!t.ents[i].keep)
            claims[nclaims++] = (claim){t.ents[i].count, ngslots + (uint32_t)i};
    qsort(claims, nclaims, sizeof *claims, by_claim);
    const char **slot_name = calloc(ngslots + 1, sizeof *slot_name);
    uint32_t gen = 0;
    char buf[16];
    for (size_t i = 0; i < nclaims; i++) {
        do
            sl__js_mangle_name(gen++, buf, sizeof buf);
        while (ns_has(&reserved, buf) || is_reserved_word(buf));
        const char *nm = sl__js_strndup(asts[0]->arena, buf, strlen(buf));
        if (claims[i].index < ngslots)
            slot_name[claims[i].index] = nm;
        else
            t.ents[claims[i].index - ngslots].out = nm;
    }
    for (size_t p = 0; p < n; p++) {
        js_ast *ast = asts[p];
        for (uint32_t i = 0; i < ast->nsyms; i++) {
            js_symbol *sy = &ast->syms[i];
            if (sym_slot[p][i] != JS_NONE) {
                sy->out_name = slot_name[sym_slot[p][i]];
            } else if (sy->kind == SK_UNBOUND || at_top(ast, sy)) {
                top_ent *e = top_find(&t, sy->name, 0);
                if (e && e->out)
                    sy->out_name = e->out;
            }
        }
        free(sym_slot[p]);
        mangle_private(ast);
    }
    free(slot_name);
    free(claims);
    free(sym_slot);
    free(gcount);
    free(t.slot);
    free(t.ents);
    free(reserved.v);
}
