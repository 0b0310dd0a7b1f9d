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
    if (sc->kind == SC_MODULE && (o->keep_top_level || !ast->is_module))
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
        if (!renamable(ast, &ast->syms[i], o))
            ns_add(&reserved, ast->syms[i].out_name ? ast->syms[i].out_name : ast->syms[i].name);
    }
    for (uint32_t s = 0; s < nsc; s++) {
        const js_scope *sc = &ast->scopes[s];
        next[s] = sc->parent == JS_NONE ? 0 : next[sc->parent];
        for (uint32_t i = 0; i < sc->n; i++) {
            uint32_t id = ast->scope_syms[sc->first + i];
            const js_symbol *sy = &ast->syms[id];
            if (!renamable(ast, sy, o))
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
}
