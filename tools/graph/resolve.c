/*
 * resolve.c - path resolution over the merged module tree: what each use
 * imports, what each type mention and call names.
 *
 * It rests on Rust 2018's rules, simplified where only a type checker
 * could do better: a path's first segment is looked up lexically (the
 * enclosing function bodies, then the enclosing module: its items, its
 * named imports, its glob imports), or is `crate`, `self`, `super`, `Self`
 * or a crate's name; `::x` is the crate x.  In an edition 2015 crate a
 * `use` path starts at the crate root instead, and so does `::x` in any
 * path (then, as the root's `extern crate x` would, the crate x); later
 * segments are members of what came before
 * (module items, enum variants, associated items of impls of a type, a
 * trait's items).  Imports resolve lazily and are memoised; an import met
 * again while resolving itself is a cycle and resolves to nothing.
 * Visibility is not checked.  What is not found becomes an `unresolved`
 * node named by the path text, shared by every reference to that text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "snapshot.h"
#include "xalloc.h"

enum ns { NS_TYPE, NS_VALUE, NS_ANY };
enum { MAX_SEGS = 32, MAX_GLOB_DEPTH = 8, MAX_IMPORT_CHAIN = 256 };
#define MEMO_TAINT 0x80000000u /* on a memoised answer: it may depend on the order of lookups */
#define MEMO_PROV 0x40000000u  /* ... or it does unless the cycle it met resolves as assumed */
#define MEMO_FLAGS (MEMO_TAINT | MEMO_PROV)
#define MEMO_BUSY (MEMO_TAINT | MEMO_PROV) /* | the level computing it */
#define PKG_2015 0x80000000u   /* on a crate_pkg value: the crate is edition 2015 */

typedef struct rs {
    gr_graph *g;
    uint32_t *kid_first, *kid_next; /* children lists, for trait defaults */
    uint32_t s_crate, s_self, s_super, s_Self;
    gr_map libs;      /* (package + 1 or 0, name) -> lib crate node */
    gr_map crate_pkg; /* (crate node, 0) -> package + 1, | PKG_2015 for an edition 2015 crate */
    gr_map memo;      /* (scope, name*4+ns) -> lookup result + 1; MEMO_BUSY while computed */
    const gr_map *memo_base; /* a snapshot's memo (read-only), consulted after memo */
    int tainted;      /* the lookup under way met a cycle or a cut (lookup_in) */
    /* Which answers may depend on the order of lookups (lookup_in): the
     * memoised lookups under way, one inside another, as levels 1..open,
     * each with the lowest level it met busy (Tarjan's low link) and
     * whether its cycle went wrong; the keys answered provisionally. */
    uint32_t open, levcap;
    uint32_t *low;
    uint8_t *viol;
    gr_map assumed;   /* keys met busy (taken as "not found") */
    gr_map prov_low;  /* provisional key -> the low link it was answered with */
    uint64_t *prov;
    size_t nprov, provcap;
    int nesting;      /* imports being resolved inside one another */
    gr_map field_type;/* (field node, 0) -> its type's node */
    uint8_t *named;   /* by string id: some node or import has this name */
    uint32_t nnamed;  /* ids from here on (made later) may be anything */
    uint8_t *holds;   /* by node: it has named children or imports */
} rs;

/* 0 when no item, crate and no import anywhere goes by `name`, so that no
 * lookup of it can succeed: std's names (Vec, Some, Ok, String...), which
 * a codebase mentions everywhere, then cost no walk through the scopes,
 * globs and memo table. */
static int may_exist(const rs *r, uint32_t name)
{
    return name >= r->nnamed || r->named[name];
}

/* 0: not acceptable in the namespace; lower is better. */
static int rank(int kind, int ns)
{
    switch (ns) {
    case NS_TYPE:
        switch (kind) {
        case GK_CRATE: case GK_MODULE: case GK_STRUCT: case GK_ENUM: case GK_UNION:
        case GK_TRAIT: case GK_TYPE:
            return 1;
        default:
            return 0;
        }
    case NS_VALUE:
        switch (kind) {
        case GK_FUNCTION: case GK_CONST: case GK_STATIC:
            return 1;
        case GK_STRUCT: case GK_VARIANT: /* tuple constructors */
            return 2;
        default:
            return 0;
        }
    default:
        return kind == GK_USE || kind == GK_IMPL ? 0 : 1;
    }
}

static uint32_t pick(rs *r, uint32_t first, int ns)
{
    uint32_t best = 0;
    int br = 0;
    for (uint32_t n = first; n; n = r->g->nodes[n].next_same) {
        int k = rank(r->g->nodes[n].kind, ns);
        if (k && (!br || k < br)) {
            best = n;
            br = k;
            if (k == 1)
                break;
        }
    }
    return best;
}

static uint32_t import_target(rs *r, uint32_t imp);
static uint32_t member(rs *r, uint32_t cur, uint32_t name, int ns, int depth);

static uint32_t lookup_uncached(rs *r, uint32_t scope, uint32_t name, int ns, int depth);

/* A module's (or function body's) own names: items, named imports, globs.
 * Memoised per (scope, name, namespace): glob imports make the same
 * module be searched again and again (every miss, e.g. each mention of a
 * std type, walks every glob).  The entry is set to "not found" while it
 * is being computed, which also ends glob cycles (a::* in b, b::* in a). */
/* The answer under way (level r->open, 0 for a reference itself)
 * depends on something whose order could change it: its cycle is spoilt. */
static void spoil(rs *r)
{
    if (r->open)
        r->viol[r->open] = 1;
    else
        r->tainted = 1;
}

/* The answer under way depends on level `lev`, still open. */
static void depends_on(rs *r, uint32_t lev)
{
    if (r->open && lev < r->low[r->open])
        r->low[r->open] = lev;
}

/* A key's answer is known for good: clean, or tainted when its cycle
 * went wrong; a reference that reads a tainted one is tainted. */
static void settle(rs *r, uint64_t key, int bad)
{
    uint32_t v = gr_map_get(&r->memo, key) & ~MEMO_FLAGS;
    gr_map_put(&r->memo, key, bad ? v | MEMO_TAINT : v);
}

static uint32_t lookup_in(rs *r, uint32_t scope, uint32_t name, int ns, int depth)
{
    /* Most scopes asked are function bodies that declare nothing: no
     * need to consult (or fill) the memo for them. */
    if (scope < r->g->nreal && !r->holds[scope])
        return 0;
    uint64_t key = gr_key(scope, name * 4u + (uint32_t)ns);
    uint32_t c = gr_map_get(&r->memo, key);
    if (!c && r->memo_base)
        c = gr_map_get(r->memo_base, key);
    if ((c & MEMO_FLAGS) == MEMO_BUSY) {
        /* A cycle: the lookups under way take this one as "not found".
         * If it then finds nothing, that was its answer all along; if it
         * finds something, what they memoised meanwhile depends on which
         * of them started first - on the order references are resolved
         * in.  Until its level is done their answers are provisional. */
        gr_map_put(&r->assumed, key, 1);
        depends_on(r, c & ~MEMO_FLAGS);
        return 0;
    }
    if (c & MEMO_TAINT)
        spoil(r);
    else if (c & MEMO_PROV)
        depends_on(r, gr_map_get(&r->prov_low, key));
    if (c)
        return (c & ~MEMO_FLAGS) - 1;
    uint32_t lev = ++r->open;
    if (lev >= r->levcap) {
        r->levcap = r->levcap ? 2 * r->levcap : 64;
        r->low = gr_xrealloc(r->low, r->levcap * sizeof *r->low);
        r->viol = gr_xrealloc(r->viol, r->levcap);
    }
    r->low[lev] = lev;
    r->viol[lev] = 0;
    size_t prov0 = r->nprov;
    gr_map_put(&r->memo, key, MEMO_BUSY | lev);
    uint32_t t = lookup_uncached(r, scope, name, ns, depth);
    r->open--;
    int wrong = r->viol[lev] || (t && r->assumed.n && gr_map_get(&r->assumed, key));
    uint32_t low = r->low[lev];
    if (low < lev) { /* in a cycle with a lookup still under way: provisional */
        gr_map_put(&r->memo, key, (t + 1) | MEMO_PROV);
        gr_map_put(&r->prov_low, key, low);
        if (r->nprov == r->provcap)
            r->prov = gr_xrealloc(r->prov, (r->provcap = r->provcap ? 2 * r->provcap : 64) * sizeof *r->prov);
        r->prov[r->nprov++] = key;
        r->viol[low] |= (uint8_t)wrong;
        depends_on(r, low);
        return t;
    }
    /* the first lookup of its cycle (or of none): every answer given on
     * the way is known now */
    gr_map_put(&r->memo, key, t + 1);
    for (size_t i = prov0; i < r->nprov; i++)
        settle(r, r->prov[i], wrong);
    settle(r, key, wrong);
    r->nprov = prov0;
    if (wrong)
        spoil(r);
    if (!r->open && r->assumed.n) {
        gr_map_free(&r->assumed);
        gr_map_free(&r->prov_low);
    }
    return t;
}

static uint32_t lookup_uncached(rs *r, uint32_t scope, uint32_t name, int ns, int depth)
{
    gr_graph *g = r->g;
    uint32_t best = pick(r, gr_map_get(&g->children, gr_key(scope, name)), ns);
    if (best)
        return best;
    for (uint32_t i = gr_map_get(&g->binds, gr_key(scope, name)); i; i = g->imports[i].next) {
        uint32_t t = import_target(r, i);
        if (t && rank(g->nodes[t].kind, ns))
            return t;
    }
    if (depth >= MAX_GLOB_DEPTH) {
        /* cut short: the memoised answer depends on the depth it was
         * first asked at (the key has no depth) */
        if (gr_map_get(&g->globs, gr_key(scope, 0)))
            spoil(r);
        return 0;
    }
    for (uint32_t i = gr_map_get(&g->globs, gr_key(scope, 0)); i; i = g->imports[i].next) {
        uint32_t base = import_target(r, i);
        if (!base || base == scope)
            continue;
        uint32_t t = member(r, base, name, ns, depth + 1);
        if (t)
            return t;
    }
    return 0;
}

static uint32_t assoc(rs *r, uint32_t type, uint32_t name, int ns)
{
    gr_graph *g = r->g;
    for (uint32_t e = gr_map_get(&g->assoc, gr_key(type, name)); e; e = g->assoc_next[2 * e + 1]) {
        uint32_t n = g->assoc_next[2 * e];
        if (ns == NS_TYPE ? g->nodes[n].kind == GK_TYPE : rank(g->nodes[n].kind, ns))
            return n;
    }
    return 0;
}

static uint32_t member(rs *r, uint32_t cur, uint32_t name, int ns, int depth)
{
    gr_graph *g = r->g;
    if (!may_exist(r, name))
        return 0;
    switch (g->nodes[cur].kind) {
    case GK_CRATE:
    case GK_MODULE:
        return lookup_in(r, cur, name, ns, depth);
    case GK_ENUM: {
        uint32_t v = pick(r, gr_map_get(&g->children, gr_key(cur, name)), NS_ANY);
        return v ? v : assoc(r, cur, name, ns);
    }
    case GK_TRAIT: {
        uint32_t v = pick(r, gr_map_get(&g->children, gr_key(cur, name)), NS_ANY);
        return v ? v : assoc(r, cur, name, ns);
    }
    case GK_STRUCT:
    case GK_UNION:
    case GK_TYPE:
        return assoc(r, cur, name, ns);
    default:
        return 0;
    }
}

static uint32_t module_of(rs *r, uint32_t n)
{
    while (n && r->g->nodes[n].kind != GK_MODULE && r->g->nodes[n].kind != GK_CRATE)
        n = r->g->nodes[n].parent;
    return n;
}

static uint32_t self_type(rs *r, uint32_t n)
{
    for (; n; n = r->g->nodes[n].parent) {
        if (r->g->nodes[n].kind == GK_IMPL)
            return r->g->nodes[n].target;
        if (r->g->nodes[n].kind == GK_TRAIT)
            return n;
    }
    return 0;
}

/* A crate by name, as `use name::x` or `::name::x` may mean: the lib of
 * the referring crate's own package first (a bin naming its lib), then
 * the first lib of that name.  Both come from maps built once. */
static uint32_t crate_named(rs *r, uint32_t name, uint32_t from_crate)
{
    uint32_t pkg = gr_map_get(&r->crate_pkg, gr_key(from_crate, 0)) & ~PKG_2015;
    uint32_t hit = pkg ? gr_map_get(&r->libs, gr_key(pkg, name)) : 0;
    return hit ? hit : gr_map_get(&r->libs, gr_key(0, name));
}

static void build_crate_maps(rs *r)
{
    gr_graph *g = r->g;
    for (size_t c = 0; c < g->ncrates; c++) {
        gr_crate *cr = &g->crates[c];
        if (!cr->node)
            continue;
        gr_map_put(&r->crate_pkg, gr_key(cr->node, 0), (cr->package + 1) | (cr->edition <= 2015 ? PKG_2015 : 0));
        if (strcmp(cr->kind, "lib"))
            continue;
        uint32_t name = g->nodes[cr->node].name;
        if (!gr_map_get(&r->libs, gr_key(cr->package + 1, name)))
            gr_map_put(&r->libs, gr_key(cr->package + 1, name), cr->node);
        if (!gr_map_get(&r->libs, gr_key(0, name)))
            gr_map_put(&r->libs, gr_key(0, name), cr->node);
    }
}

static uint32_t lexical(rs *r, uint32_t scope, uint32_t name, int ns)
{
    gr_graph *g = r->g;
    if (!may_exist(r, name))
        return 0;
    for (uint32_t s = scope; s; s = g->nodes[s].parent) {
        int k = g->nodes[s].kind;
        if (k == GK_FUNCTION || k == GK_MODULE || k == GK_CRATE) {
            uint32_t t = lookup_in(r, s, name, ns, 0);
            if (t)
                return t;
        }
        if (k == GK_MODULE || k == GK_CRATE)
            break;
    }
    uint32_t scope_crate = scope ? g->nodes[scope].crate : 0;
    return ns == NS_VALUE ? 0 : crate_named(r, name, scope_crate);
}

/* Splits "a::b::c" into the string ids of its segments; a leading "::"
 * gives an empty first segment.  Returns the count, 0 when too long or
 * when a segment is no string of the graph at all: then no item, import
 * or crate has that name and the path cannot resolve. */
static int segments(rs *r, const char *p, uint32_t *seg)
{
    int n = 0;
    if (p[0] == ':' && p[1] == ':') {
        seg[n++] = 0;
        p += 2;
    }
    while (*p) {
        const char *e = p;
        while (*e && !(e[0] == ':' && e[1] == ':'))
            e++;
        if (n == MAX_SEGS)
            return 0;
        uint32_t id = gr_strtab_find(&r->g->st, p, (size_t)(e - p));
        if (id == UINT32_MAX)
            return 0;
        seg[n++] = id;
        if (!*e)
            break;
        p = e + 2;
    }
    return n;
}

static int edition_2015(const rs *r, uint32_t crate)
{
    return (gr_map_get(&r->crate_pkg, gr_key(crate, 0)) & PKG_2015) != 0;
}

/* Edition 2015's crate-root-relative first segment (`use a::b`, `::a`):
 * an item or import of the root, else the crate a (the root's `extern
 * crate a`, std's implicit one). */
static uint32_t from_root(rs *r, uint32_t crate, uint32_t name, int ns)
{
    uint32_t t = crate ? member(r, crate, name, ns, 0) : 0;
    return t || ns == NS_VALUE ? t : crate_named(r, name, crate);
}

/* A path given as its text t[0..tlen) (NUL-terminated), whose string id
 * is text, or UINT32_MAX when it is no string of the graph; in_use: the
 * path of a `use` (edition 2015 starts it at the crate root). */
static uint32_t resolve_text(rs *r, uint32_t scope, const char *t, uint32_t tlen, uint32_t text, int ns, int in_use)
{
    gr_graph *g = r->g;
    uint32_t seg[MAX_SEGS];
    /* One segment (most references: a type, a function) is the text
     * itself, already interned: no splitting and no lookup. */
    int n;
    if (tlen && !memchr(t, ':', tlen)) {
        if (text == UINT32_MAX)
            return 0; /* no item, import or crate has that name */
        seg[0] = text;
        n = 1;
    } else {
        n = segments(r, t, seg);
    }
    if (!n)
        return 0;
    uint32_t cur;
    int i = 1;
    uint32_t scope_crate = g->nodes[scope].crate;
    if (seg[0] == 0) {
        /* `::` alone is edition 2015's crate root (`use ::*`, which later
         * editions reject); `::x` the crate x, in edition 2015 the root's x */
        if (n < 2)
            return scope_crate;
        int sns = n == 2 ? ns : NS_TYPE;
        cur = edition_2015(r, scope_crate) ? from_root(r, scope_crate, seg[1], sns) : crate_named(r, seg[1], scope_crate);
        i = 2;
    } else if (seg[0] == r->s_crate) {
        cur = scope_crate;
    } else if (seg[0] == r->s_self) {
        cur = module_of(r, scope);
    } else if (seg[0] == r->s_super) {
        cur = g->nodes[module_of(r, scope)].parent;
        cur = module_of(r, cur);
    } else if (seg[0] == r->s_Self) {
        cur = self_type(r, scope);
    } else if (in_use && edition_2015(r, scope_crate)) {
        cur = from_root(r, scope_crate, seg[0], n == 1 ? ns : NS_TYPE);
    } else {
        cur = lexical(r, scope, seg[0], n == 1 ? ns : NS_TYPE);
    }
    for (; cur && i < n; i++) {
        if (seg[i] == r->s_super)
            cur = module_of(r, g->nodes[cur].parent);
        else if (seg[i] != r->s_self)
            cur = member(r, cur, seg[i], i == n - 1 ? ns : NS_TYPE, 0);
    }
    return cur;
}

static uint32_t resolve_path(rs *r, uint32_t scope, uint32_t text, int ns, int in_use)
{
    return resolve_text(r, scope, gr_str(&r->g->st, text), gr_strlen(&r->g->st, text), text, ns, in_use);
}

/* `extern crate x [as y];`, whose path is "::x" (extract.c): the crate x
 * in any edition and at any depth - never a path, so never edition 2015's
 * root's x (in a module `serde`, `extern crate serde;` is no cycle).  Its
 * signature tells it from a `use ::x`: [VIS] extern crate ... */
static int extern_crate(rs *r, const gr_import *im)
{
    const gr_graph *g = r->g;
    const gr_node *n = &g->nodes[im->node];
    if (n->kind != GK_USE || !g->text.buf)
        return 0;
    const char *sig = gr_text_str(g, n->sig), *vis = gr_str(&g->st, n->vis);
    size_t vl = strlen(vis);
    if (vl && !strncmp(sig, vis, vl) && sig[vl] == ' ')
        sig += vl + 1;
    return !strncmp(sig, "extern crate ", 13) && gr_str(&g->st, im->path)[0] == ':';
}

static uint32_t import_target(rs *r, uint32_t imp)
{
    gr_import *im = &r->g->imports[imp];
    if (im->state == 2)
        return im->target;
    if (im->state == 1 || r->nesting >= MAX_IMPORT_CHAIN)
        spoil(r);
    if (im->state == 1)
        return 0; /* an import cycle: it names nothing */
    if (r->nesting >= MAX_IMPORT_CHAIN)
        return 0; /* re-exports of re-exports this deep: not followed (the C stack) */
    im->state = 1;
    r->nesting++;
    uint32_t t;
    if (extern_crate(r, im)) {
        const char *p = gr_str(&r->g->st, im->path) + 2;
        uint32_t name = gr_strtab_find(&r->g->st, p, strlen(p));
        t = name == UINT32_MAX ? 0 : crate_named(r, name, r->g->nodes[im->scope].crate);
    } else {
        t = resolve_path(r, im->scope, im->path, NS_ANY, 1);
    }
    r->nesting--;
    im = &r->g->imports[imp];
    im->target = t;
    im->state = 2;
    return t;
}

static uint32_t unresolved(gr_graph *g, uint32_t text)
{
    uint32_t n = gr_map_get(&g->unresolved, gr_key(text, 0));
    if (n)
        return n;
    gr_node u;
    memset(&u, 0, sizeof u);
    u.kind = GK_UNRESOLVED;
    u.name = text;
    u.path = gr_text_add(g, gr_str(&g->st, text), gr_strlen(&g->st, text));
    n = gr_graph_add_node(g, &u);
    gr_map_put(&g->unresolved, gr_key(text, 0), n);
    return n;
}

static void add_assoc(gr_graph *g, uint32_t type, uint32_t item)
{
    if (!g->nodes[item].name)
        return;
    if (!g->assoc_cap) {
        g->assoc_cap = 1024;
        g->assoc_next = gr_xcalloc(2 * g->assoc_cap, sizeof *g->assoc_next);
        g->nassoc = 1; /* entry 0 is "none" */
    }
    if (g->nassoc == g->assoc_cap) {
        g->assoc_cap *= 2;
        g->assoc_next = gr_xrealloc(g->assoc_next, 2 * g->assoc_cap * sizeof *g->assoc_next);
    }
    uint32_t e = (uint32_t)g->nassoc++;
    uint64_t k = gr_key(type, g->nodes[item].name);
    g->assoc_next[2 * e] = item;
    g->assoc_next[2 * e + 1] = 0;
    uint32_t first = gr_map_get(&g->assoc, k);
    if (!first) {
        gr_map_put(&g->assoc, k, e);
        return;
    }
    while (g->assoc_next[2 * first + 1])
        first = g->assoc_next[2 * first + 1];
    g->assoc_next[2 * first + 1] = e;
}

/* Associated items: every impl's items under its self type, then the
 * provided items of each implemented trait (found after the impl's own,
 * so an override wins). */
static void build_assoc(rs *r, uint32_t *impl_trait)
{
    gr_graph *g = r->g;
    size_t n = g->nnodes;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t p = g->nodes[i].parent;
        if (p && g->nodes[p].kind == GK_IMPL && g->nodes[p].target && g->nodes[p].sub != FS_NEGATIVE)
            add_assoc(g, g->nodes[p].target, i); /* (a negative impl gives its type nothing) */
    }
    for (uint32_t i = 1; i < n; i++) {
        if (g->nodes[i].kind != GK_IMPL || !g->nodes[i].target || !impl_trait[i] || g->nodes[i].sub == FS_NEGATIVE)
            continue; /* a negative impl gives the type none of the trait's items */
        for (uint32_t c = r->kid_first[impl_trait[i]]; c; c = r->kid_next[c])
            add_assoc(g, g->nodes[i].target, c);
    }
}

static void build_kids(rs *r)
{
    gr_graph *g = r->g;
    r->kid_first = gr_xcalloc(g->nnodes, sizeof *r->kid_first);
    r->kid_next = gr_xcalloc(g->nnodes, sizeof *r->kid_next);
    for (uint32_t i = (uint32_t)g->nnodes - 1; i >= 1; i--) {
        uint32_t p = g->nodes[i].parent;
        if (!p)
            continue;
        r->kid_next[i] = r->kid_first[p];
        r->kid_first[p] = i;
    }
}

/* The type of each field, for self.field.method(): the first of the
 * field's type mentions that resolved to a struct, enum, union or trait
 * (Box<Inner> and Vec<Item> give Inner and Item: std's wrappers are not
 * in the graph, and their methods would not resolve anyway). */
static void build_field_types(rs *r)
{
    gr_graph *g = r->g;
    for (size_t i = 0; i < g->npending; i++) {
        gr_pending *p = &g->pending[i];
        if (p->edge != GE_USES_TYPE || g->nodes[p->from].kind != GK_FIELD ||
            gr_map_get(&r->field_type, gr_key(p->from, 0)))
            continue;
        uint32_t t = resolve_path(r, p->from, p->text, NS_TYPE, 0);
        int k = t ? g->nodes[t].kind : -1;
        if (k == GK_STRUCT || k == GK_ENUM || k == GK_UNION || k == GK_TRAIT)
            gr_map_put(&r->field_type, gr_key(p->from, 0), t);
    }
}

/* "field.method" called on self inside an impl of a type with that field. */
static uint32_t field_method(rs *r, uint32_t from, const char *s)
{
    gr_graph *g = r->g;
    uint32_t st = self_type(r, from);
    const char *dot = strchr(s, '.');
    if (!st || !dot)
        return 0;
    uint32_t fname = gr_strtab_find(&g->st, s, (size_t)(dot - s));
    uint32_t mname = gr_strtab_find(&g->st, dot + 1, strlen(dot + 1));
    if (fname == UINT32_MAX || mname == UINT32_MAX)
        return 0;
    for (uint32_t f = gr_map_get(&g->children, gr_key(st, fname)); f; f = g->nodes[f].next_same) {
        uint32_t ty = g->nodes[f].kind == GK_FIELD ? gr_map_get(&r->field_type, gr_key(f, 0)) : 0;
        if (ty)
            return member(r, ty, mname, NS_VALUE, 0);
    }
    return 0;
}

/* prefix + name into buf[512], as the text of an unresolved node; its length. */
static size_t prefixed(char *buf, const char *prefix, const char *name, size_t nl)
{
    size_t pl = strlen(prefix);
    if (pl + nl > 511)
        nl = 511 - pl;
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, name, nl);
    buf[pl + nl] = 0;
    return pl + nl;
}

static uint32_t text_id(gr_graph *g, const char *prefix, uint32_t name)
{
    char buf[512];
    size_t n = prefixed(buf, prefix, gr_str(&g->st, name), gr_strlen(&g->st, name));
    return gr_strtab_intern(&g->st, buf, n);
}

void gr_resolve_reserve(gr_graph *g)
{
    gr_strtab_intern(&g->st, "crate", 5);
    gr_strtab_intern(&g->st, "self", 4);
    gr_strtab_intern(&g->st, "super", 5);
    gr_strtab_intern(&g->st, "Self", 4);
    /* at most one unresolved node per reference and per import, its path
     * a copy of the text (4-byte length, NUL, and "self." at most); at
     * most one new string per method call's text */
    size_t strings = 0, bytes = 0, texts = 0, tbytes = 0;
    for (size_t i = 0; i < g->npending; i++) {
        size_t len = gr_strlen(&g->st, g->pending[i].text);
        if (g->pending[i].form != FF_PATH) {
            strings++;
            bytes += len + 6;
        }
        texts++;
        tbytes += len + 6 + 5;
    }
    for (size_t i = 1; i < g->nimports; i++) {
        texts++;
        tbytes += gr_strlen(&g->st, g->imports[i].path) + 5;
    }
    gr_strtab_reserve_strings(&g->st, strings, bytes);
    gr_text_reserve(g, tbytes);
    gr_graph_reserve(g, g->nnodes + texts, g->nedges);
    g->pinned = 1;
    g->st.pinned = 1;
}

/* Before the references: what the impls, field types and imports made
 * the lookups answer depends only on what the shape of every file
 * (dbupdate.h) fixes, in an order it fixes too, so every run with these
 * shapes memoises the same answers here, cycles or not: none is tainted. */
static void fixed_so_far(rs *r)
{
    for (size_t i = 0; i < r->memo.cap; i++)
        if (r->memo.slots[i].key)
            r->memo.slots[i].val &= ~MEMO_FLAGS;
    r->tainted = 0;
    r->nprov = 0;
    gr_map_free(&r->assumed);
    gr_map_free(&r->prov_low);
}

/* What reference `text` (its string id, or UINT32_MAX when it is none)
 * of kind edge and form from node `from` names; 0 for nothing. */
static uint32_t ref_target(rs *r, uint32_t from, const char *text, uint32_t len, uint32_t id, int edge, int form)
{
    int ns = edge == GE_CALLS ? NS_VALUE : NS_TYPE;
    uint32_t scope = from;
    if (edge == GE_IMPL_OF || edge == GE_IMPLEMENTS)
        scope = r->g->nodes[from].parent;
    switch (form) {
    case FF_PATH:
        return resolve_text(r, scope, text, len, id, ns, 0);
    case FF_SELF_METHOD: {
        uint32_t st = self_type(r, from);
        return st && id != UINT32_MAX ? member(r, st, id, NS_VALUE, 0) : 0;
    }
    case FF_FIELD_METHOD:
        return field_method(r, from, text);
    default:
        return 0;
    }
}

void gr_resolve_all(gr_graph *g)
{
    rs r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.s_crate = gr_strtab_intern(&g->st, "crate", 5);
    r.s_self = gr_strtab_intern(&g->st, "self", 4);
    r.s_super = gr_strtab_intern(&g->st, "super", 5);
    r.s_Self = gr_strtab_intern(&g->st, "Self", 4);
    g->nreal = g->nnodes;
    gr_mount_index_children(g);
    r.nnamed = g->st.n;
    r.named = gr_xcalloc(r.nnamed ? r.nnamed : 1, 1);
    for (size_t i = 1; i < g->nnodes; i++)
        r.named[g->nodes[i].name] = 1;
    for (size_t i = 1; i < g->nimports; i++)
        r.named[g->imports[i].bind] = 1;
    r.holds = gr_xcalloc(g->nnodes, 1);
    for (size_t i = 1; i < g->nnodes; i++)
        if (gr_is_named_child(&g->nodes[i]))
            r.holds[g->nodes[i].parent] = 1;
    for (size_t i = 1; i < g->nimports; i++)
        r.holds[g->imports[i].scope] = 1;
    /* Sized from the corpus's own proportions (memo entries ~ 0.4 per
     * reference, unresolved texts ~ 1 in 20, associated items ~ 1 in 8
     * nodes) so that the common case never rehashes. */
    gr_map_reserve(&r.memo, g->npending * 2 / 5);
    gr_map_reserve(&g->unresolved, g->npending / 20);
    gr_map_reserve(&g->assoc, g->nnodes / 8);
    build_kids(&r);
    build_crate_maps(&r);
    uint32_t *impl_trait = gr_xcalloc(g->nnodes, sizeof *impl_trait);

    /* 1. impls: their self types and traits, which associated items need. */
    for (size_t i = 0; i < g->npending; i++) {
        gr_pending *p = &g->pending[i];
        if (p->edge != GE_IMPL_OF && p->edge != GE_IMPLEMENTS)
            continue;
        uint32_t scope = g->nodes[p->from].parent;
        uint32_t t = resolve_path(&r, scope, p->text, NS_TYPE, 0);
        if (p->edge == GE_IMPL_OF)
            g->nodes[p->from].target = t;
        else if (t && g->nodes[t].kind == GK_TRAIT)
            impl_trait[p->from] = t;
    }
    build_assoc(&r, impl_trait);
    build_field_types(&r);

    /* 2. imports. */
    for (uint32_t i = 1; i < g->nimports; i++) {
        uint32_t t = import_target(&r, i);
        gr_graph_add_edge(g, g->imports[i].node, GE_IMPORTS, t ? t : unresolved(g, g->imports[i].path));
    }

    /* 3. every reference, in the order they were recorded.  What a
     * snapshot keeps (snapshot.h): whether any answer here depended on
     * the order of lookups, and where each unresolved node was made. */
    fixed_so_far(&r);
    size_t by_imports = g->nnodes, first_cap = 0;
    uint32_t *first_ref = NULL;
    /* Grown as unresolved nodes are made, about 1 for 25 references:
     * sized for one node a reference, it was 2.4 MB on the crate corpus,
     * every page of it written (gr_xcalloc) for ~95 KB used - 600 fresh
     * pages on the main thread, in the run that makes a snapshot. */
    if (g->keep)
        first_ref = gr_xcalloc(first_cap = by_imports - g->nreal + 1024, sizeof *first_ref);
    for (size_t i = 0; i < g->npending; i++) {
        gr_pending p = g->pending[i];
        r.tainted = 0;
        uint32_t t = ref_target(&r, p.from, gr_str(&g->st, p.text), gr_strlen(&g->st, p.text), p.text, p.edge, p.form);
        g->order_dependent += (size_t)r.tainted;
        if (!t) /* the unresolved node's text: self.x for self calls, .x for other methods */
            t = unresolved(g, p.form == FF_PATH ? p.text : text_id(g, p.form == FF_EXPR_METHOD ? "." : "self.", p.text));
        gr_graph_add_edge(g, p.from, p.edge, t);
        if (first_ref && g->nnodes > by_imports) {
            size_t at = g->nnodes - 1 - g->nreal;
            if (at >= first_cap) {
                size_t cap = 2 * at + 1;
                first_ref = gr_xrealloc(first_ref, cap * sizeof *first_ref);
                memset(first_ref + first_cap, 0, (cap - first_cap) * sizeof *first_ref);
                first_cap = cap;
            }
            if (!first_ref[at])
                first_ref[at] = (uint32_t)i + 1;
        }
    }
    free(impl_trait);
    if (g->keep) { /* handed over: the snapshot writes them */
        gr_resolved *k = g->keep;
        k->memo = r.memo;
        k->field_type = r.field_type;
        k->libs = r.libs;
        k->crate_pkg = r.crate_pkg;
        k->named = r.named;
        k->nnamed = r.nnamed;
        k->holds = r.holds;
        k->first_ref = first_ref;
        k->nfirst = g->nnodes - g->nreal;
        k->order_dependent = g->order_dependent;
        /* before gr_graph_finish drops repeats: lines that move apart
         * with an edit make two warnings again */
        k->warnings = gr_xmalloc((g->nwarnings ? g->nwarnings : 1) * sizeof *k->warnings);
        for (size_t i = 0; i < g->nwarnings; i++) {
            k->warnings[i] = g->warnings[i];
            k->warnings[i].msg = gr_xstrdup(g->warnings[i].msg);
        }
        k->nwarnings = g->nwarnings;
        for (size_t i = 0; i < g->nfiles; i++)
            k->orphans += g->files[i].orphan;
        memset(&r.memo, 0, sizeof r.memo);
        memset(&r.field_type, 0, sizeof r.field_type);
        memset(&r.libs, 0, sizeof r.libs);
        memset(&r.crate_pkg, 0, sizeof r.crate_pkg);
        r.named = r.holds = NULL;
    }
    free(r.named);
    free(r.holds);
    free(r.kid_first);
    free(r.kid_next);
    gr_map_free(&r.libs);
    gr_map_free(&r.crate_pkg);
    gr_map_free(&r.memo);
    gr_map_free(&r.field_type);
    gr_map_free(&r.assumed);
    gr_map_free(&r.prov_low);
    free(r.prov);
    free(r.low);
    free(r.viol);
}

/* ---- one call at a time, against a snapshot (fastupdate.c) -------------- */

struct gr_resolver {
    rs r;
};

gr_resolver *gr_resolver_new(gr_graph *view, const gr_resolved *saved)
{
    gr_resolver *rv = gr_xcalloc(1, sizeof *rv);
    rs *r = &rv->r;
    r->g = view;
    r->s_crate = gr_strtab_find(&view->st, "crate", 5);
    r->s_self = gr_strtab_find(&view->st, "self", 4);
    r->s_super = gr_strtab_find(&view->st, "super", 5);
    r->s_Self = gr_strtab_find(&view->st, "Self", 4);
    /* read-only views into the snapshot: lookups never write them */
    r->libs = saved->libs;
    r->crate_pkg = saved->crate_pkg;
    r->field_type = saved->field_type;
    r->memo_base = &saved->memo;
    r->named = saved->named;
    r->nnamed = saved->nnamed;
    r->holds = saved->holds;
    return rv;
}

uint32_t gr_resolver_ref(gr_resolver *rv, uint32_t from, const char *text, int edge, int form)
{
    rs *r = &rv->r;
    gr_graph *g = r->g;
    size_t len = strlen(text);
    uint32_t id = gr_strtab_find(&g->st, text, len);
    r->tainted = 0;
    uint32_t t = ref_target(r, from, text, (uint32_t)len, id, edge, form);
    if (t)
        return t;
    char buf[512];
    const char *u = text;
    if (form != FF_PATH) {
        len = prefixed(buf, form == FF_EXPR_METHOD ? "." : "self.", text, len);
        u = buf;
    }
    uint32_t uid = gr_strtab_find(&g->st, u, len);
    return uid == UINT32_MAX ? 0 : gr_map_get(&g->unresolved, gr_key(uid, 0));
}

int gr_resolver_tainted(const gr_resolver *rv)
{
    return rv->r.tainted;
}

void gr_resolver_free(gr_resolver *rv)
{
    if (!rv)
        return;
    gr_map_free(&rv->r.memo);
    gr_map_free(&rv->r.assumed);
    gr_map_free(&rv->r.prov_low);
    free(rv->r.prov);
    free(rv->r.low);
    free(rv->r.viol);
    free(rv);
}
