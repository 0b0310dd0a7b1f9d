/*
 * linker.c - evaluation order, naming and binding resolution (linker.h).
 *
 * Names: every reached module's free names, the JavaScript keywords and
 * the bundle's own helpers are reserved first; then each ESM module, in
 * evaluation order, claims its top-level names, taking `name$N` only when
 * the name is already claimed.  Imports get no name of their own.
 *
 * One rule decides every reference (occ_target): an identifier of an ES
 * module reads either one of its own top-level variables or, through an
 * import, a binding - a variable of another ES module (reached through any
 * chain of re-exports and `export *`), a namespace object, or an
 * expression over a name the bundle made up (CommonJS interop, JSON, an
 * external).  `ns.name` on a namespace reads the variable itself.  The
 * printer's text, tree shaking and the namespace objects all come from
 * that rule, and so does the one check that keeps an inner binding from
 * capturing a rewritten reference: when the variable's final name is bound
 * in an inner scope of the reading module, the variable is renamed.
 */
#include "linker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_diag.h"

/* ---- a set of names ------------------------------------------------------ */

typedef struct name_set {
    const char **v;
    size_t cap, n;
} name_set;

static size_t hname(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int set_has(name_set *s, const char *name)
{
    if (!s->cap)
        return 0;
    size_t n = strlen(name);
    for (size_t i = hname(name, n) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
        if (!strcmp(s->v[i], name))
            return 1;
    return 0;
}

static void set_add(name_set *s, const char *name)
{
    if (s->n * 2 >= s->cap) {
        name_set old = *s;
        s->cap = old.cap ? old.cap * 2 : 16; /* small: a set per module (binds_inner), per namespace */
        s->v = calloc(s->cap, sizeof *s->v);
        s->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.v[i])
                set_add(s, old.v[i]);
        free(old.v);
    }
    size_t n = strlen(name);
    size_t i = hname(name, n) & (s->cap - 1);
    for (; s->v[i]; i = (i + 1) & (s->cap - 1))
        if (!strcmp(s->v[i], name))
            return;
    s->v[i] = name;
    s->n++;
}

/* Counters behind `name$N`: the next N to try for a base name, so that
 * many modules declaring the same name cost linear work, not quadratic. */
typedef struct suffix_map {
    const char **keys;
    unsigned *next;
    size_t cap, n;
} suffix_map;

static unsigned *suffix_slot(suffix_map *m, const char *base)
{
    if (m->n * 2 >= m->cap) {
        suffix_map old = *m;
        m->cap = old.cap ? old.cap * 2 : 256;
        m->keys = calloc(m->cap, sizeof *m->keys);
        m->next = calloc(m->cap, sizeof *m->next);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                *suffix_slot(m, old.keys[i]) = old.next[i];
        free(old.keys);
        free(old.next);
    }
    size_t i = hname(base, strlen(base)) & (m->cap - 1);
    for (; m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (!strcmp(m->keys[i], base))
            return &m->next[i];
    m->keys[i] = base;
    m->n++;
    m->next[i] = 1;
    return &m->next[i];
}

/* (module, export name) pairs one resolution has visited: ECMAScript's
 * resolveSet.  Stamped with the query's generation, so starting a query
 * clears it in O(1). */
typedef struct visit_ent {
    uint32_t gen;
    int32_t mod;
    const char *name;
    size_t len;
} visit_ent;

typedef struct sl__binding {
    uint8_t kind;
    int32_t mod;
    uint32_t sym;
    const char *text;
} binding;

/* What one frame of resolve_export has found so far, weakest first: a
 * name of a CommonJS module or external reached by `export *` exists only
 * at run time (any static match outranks it, the first one wins); two
 * static matches that are different bindings make the name ambiguous. */
enum { R_NONE, R_DYNAMIC, R_STATIC, R_AMBIG };

typedef struct frame {
    int32_t mod, start, from; /* from: the module that exports `found` */
    const char *name;
    size_t len;
    uint32_t star;
    uint8_t pass, fresh, state;
    binding found;
} frame;

typedef struct linkctx {
    sl__link *L;
    name_set used;
    name_set inner; /* names bound below the top level, anywhere */
    suffix_map suffix;
    char *err;
    visit_ent *vis;
    size_t vis_cap, vis_n;
    uint32_t gen;
    SL_VEC(frame) frames;
    uint32_t *stamp; /* per module, for walks over `export *` */
    uint32_t stamp_gen;
    name_set *nested;  /* per module: names bound in its inner scopes (built on demand) */
    uint8_t *dynamic_ns; /* per module: 0 unknown, 1 names all static, 2 some only at run time */
    int captured; /* a rewrite was captured: names changed, rewrite again */
    int warn;     /* collect warnings (first rewrite only) */
    uint8_t *read; /* per CommonJS/JSON module: live code or an export reads its value (shake) */
    size_t nns_shaken; /* namespaces whose getters tree shaking saw (ns_list[0..nns_shaken)) */
    int32_t amb[2]; /* the last query was ambiguous: two modules exporting the name, else -1 */
} linkctx;

/* Is `s` unavailable?  A name the bundler makes up must also avoid every
 * name bound in an inner scope anywhere (or at the top of a CommonJS
 * closure), or code there that reads it would be captured. */
static int taken(linkctx *c, const char *s, int made_up)
{
    return set_has(&c->used, s) || (made_up && set_has(&c->inner, s));
}

static const char *claim_as(linkctx *c, const char *base, int made_up)
{
    if (!taken(c, base, made_up)) {
        set_add(&c->used, base);
        return base;
    }
    unsigned *k = suffix_slot(&c->suffix, base);
    for (;; ++*k) {
        char *s = sl__arena_printf(&c->L->a, "%s$%u", base, *k);
        if (!taken(c, s, 1)) {
            set_add(&c->used, s);
            ++*k;
            return s;
        }
    }
}

static const char *claim(linkctx *c, const char *base) { return claim_as(c, base, 1); }

/* An identifier made from a file name: lib/foo-bar.js -> foo_bar. */
static const char *base_of(sl__link *L, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strchr(b, '.');
    size_t n = dot ? (size_t)(dot - b) : strlen(b);
    if (n == 5 && !strncmp(b, "index", 5) && slash && slash > path) {
        const char *p = slash - 1;
        while (p > path && p[-1] != '/')
            p--;
        b = p;
        n = (size_t)(slash - p);
    }
    char *s = sl__arena_alloc(&L->a, n + 2);
    size_t o = 0;
    if (n == 0 || (b[0] >= '0' && b[0] <= '9'))
        s[o++] = '_';
    for (size_t i = 0; i < n; i++) {
        char ch = b[i];
        s[o++] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '$')
                     ? ch
                     : '_';
    }
    s[o] = 0;
    return s;
}

static void fail(linkctx *c, const char *fmt, const char *a, const char *b)
{
    if (c->err)
        return;
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    c->err = malloc(n);
    snprintf(c->err, n, fmt, a, b);
}

/* ---- classification and order ------------------------------------------ */

/* Whether m reads any of names (NULL-ended) as a free name. */
static int names_freely(const js_module *m, const char *const *names)
{
    for (size_t k = 0; k < m->nfree_names; k++)
        for (const char *const *n = names; *n; n++)
            if (!strcmp(m->free_names[k], *n))
                return 1;
    return 0;
}

/* CommonJS's wrapper gives these; ESM output on node defines them for it. */
static const char *const dirname_names[] = {"__filename", "__dirname", NULL};

/* A script that uses nothing only CommonJS gives it: not module or
 * exports, a top-level this or return, require as a value, __filename,
 * __dirname or the wrapper's arguments, and not a .cjs/.cts file. */
static int plain_script(const js_module *m)
{
    size_t n = strlen(m->path);
    if ((m->flags & (MF_CJS_SYNTAX | MF_CJS_ONLY)) || sl__link_free_require(m) ||
        (n > 4 && (!strcmp(m->path + n - 4, ".cjs") || !strcmp(m->path + n - 4, ".cts"))))
        return 0;
    static const char *const wrapper_arguments[] = {"arguments", NULL};
    return !names_freely(m, dirname_names) && !names_freely(m, wrapper_arguments);
}

/* A module without import/export syntax is an ES module only where node
 * loads it as one: a .mjs file, or a .js file under "type": "module" (or,
 * as esbuild reads it, a TypeScript file whose exports lowering removed:
 * `export type T = ...`).  Any other
 * file is CommonJS, as node runs it: sloppy, its top-level names its own,
 * its `this` module.exports, a top-level `return` its own end.  One rule
 * covers a script imported only for its effects (its implicit globals
 * must not throw in the bundle's strict code), a top-level `this` or
 * `return`, and a script imported whole (`import x from "./a.js"` gives
 * module.exports).  A file node loads as an ES module is still CommonJS
 * when it uses `module`/`exports` or is require()d or import()ed; and a
 * top-level await (a CommonJS wrapper cannot hold one) is always an ES
 * module.  The one script left unwrapped is the entry of --format esm
 * output that uses nothing only CommonJS has (plain_script) and that
 * nothing require()s: the output is
 * strict ES module code either way, and a wrapper would only add an
 * `export default` of an empty module.exports (esbuild prints the code). */
static void classify(sl__link *L)
{
    sl__graph *g = L->g;
    uint8_t *required = calloc(g->n, 1);
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        for (size_t k = 0; k < m->nrecs; k++)
            if ((m->recs[k].kind == IR_REQUIRE || m->recs[k].kind == IR_DYNAMIC) && m->recs[k].module >= 0)
                required[m->recs[k].module] = 1;
    }
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        if (m->flags & MF_JSON)
            L->kind[i] = MK_JSON;
        else if (m->flags & (MF_ESM_SYNTAX | MF_TLA)) /* top-level await is ES module syntax (esbuild) */
            L->kind[i] = MK_ESM;
        else if ((int32_t)i == L->entry && L->o->format == FMT_ESM && plain_script(m) && !required[i])
            L->kind[i] = MK_ESM; /* a script entry of ES module output: nothing to wrap it for (esbuild) */
        else if (!(m->flags & (MF_NODE_MODE | MF_LOWERED_ESM)) || (m->flags & MF_CJS_SYNTAX) || required[i])
            L->kind[i] = MK_CJS;
        else
            L->kind[i] = MK_ESM;
    }
    free(required);
}

static int static_edge(const js_import_rec *r)
{
    return (r->kind == IR_IMPORT || r->kind == IR_EXPORT_FROM || r->kind == IR_EXPORT_STAR) && r->module >= 0;
}

static void push_ev(sl__link *L, int type, int32_t mod, size_t *cap)
{
    if (L->nevs == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        L->evs = realloc(L->evs, *cap * sizeof *L->evs);
    }
    L->evs[L->nevs].type = (uint8_t)type;
    L->evs[L->nevs].mod = mod;
    L->nevs++;
}

/* Depth-first post-order over static imports, in source order: exactly the
 * order in which ECMAScript evaluates a module graph.  Iterative, so a
 * 10,000-deep import chain cannot overflow the stack.  CommonJS and JSON
 * modules are initialised where the first importer reaches them. */
static void dfs(sl__link *L, int32_t root, uint8_t *mark, uint8_t *inited, size_t *cap, int emit)
{
    sl__graph *g = L->g;
    typedef struct frame {
        int32_t mod;
        size_t rec;
    } frame;
    size_t sp = 0, scap = 64;
    frame *st = malloc(scap * sizeof *st);
    mark[root] = 1;
    st[sp++] = (frame){root, 0};
    while (sp) {
        frame *f = &st[sp - 1];
        js_module *m = g->mods[f->mod];
        if (f->rec < m->nrecs) {
            js_import_rec *r = &m->recs[f->rec++];
            if (!static_edge(r))
                continue;
            int32_t t = r->module;
            if (L->kind[t] != MK_ESM) {
                if (emit && !inited[t]) {
                    inited[t] = 1;
                    push_ev(L, L->kind[t] == MK_CJS ? EV_CJS_INIT : EV_JSON_INIT, t, cap);
                }
                continue;
            }
            if (mark[t])
                continue;
            mark[t] = 1;
            if (sp == scap) {
                scap *= 2;
                st = realloc(st, scap * sizeof *st);
            }
            st[sp++] = (frame){t, 0};
            continue;
        }
        if (emit)
            push_ev(L, EV_ESM, f->mod, cap);
        sp--;
    }
    free(st);
}

static void reach(sl__link *L)
{
    sl__graph *g = L->g;
    int32_t *stack = malloc(g->n * sizeof *stack);
    size_t sp = 0;
    L->reached[L->entry] = 1;
    stack[sp++] = L->entry;
    while (sp) {
        js_module *m = g->mods[stack[--sp]];
        for (size_t k = 0; k < m->nrecs; k++) {
            int32_t t = m->recs[k].module;
            if (m->recs[k].kind != IR_DEAD && t >= 0 && !L->reached[t]) {
                L->reached[t] = 1;
                stack[sp++] = t;
            }
        }
    }
    free(stack);
}

/* The static import closure of `root` among modules not in `skip`. */
static void closure(sl__link *L, int32_t root, const uint8_t *skip, uint8_t *vis, int32_t *stack,
                    void (*visit)(void *, int32_t), void *arg)
{
    size_t sp = 0;
    stack[sp++] = root;
    vis[root] = 1;
    while (sp) {
        int32_t x = stack[--sp];
        visit(arg, x);
        js_module *m = L->g->mods[x];
        for (size_t k = 0; k < m->nrecs; k++) {
            js_import_rec *r = &m->recs[k];
            if (static_edge(r) && L->kind[r->module] == MK_ESM && !skip[r->module] && !vis[r->module]) {
                vis[r->module] = 1;
                stack[sp++] = r->module;
            }
        }
    }
}

typedef struct count_arg {
    sl__link *L;
    uint8_t *cnt;
    int tla;
} count_arg;

static void count_visit(void *arg, int32_t x)
{
    count_arg *c = arg;
    if (c->cnt[x] < 255)
        c->cnt[x]++;
    if (c->L->g->mods[x]->flags & MF_TLA)
        c->tla = 1;
}

/* Evaluation order.  Modules reached statically from the entry run in
 * ECMAScript order.  A module reached only through import() runs when the
 * import() happens: it and its private static dependencies form a group
 * wrapped in a once-only function.  Modules shared between such groups,
 * groups with top-level await, and ES modules reached by require() run
 * first, before the entry (see docs/bundle.md, known limits). */
static void order(sl__link *L)
{
    sl__graph *g = L->g;
    size_t cap = 0, n = g->n;
    uint8_t *mark = calloc(n, 1), *inited = calloc(n, 1), *seen = calloc(n, 1);
    uint8_t *dyn = calloc(n, 1), *cnt = calloc(n, 1), *vis = calloc(n, 1);
    int32_t *stack = malloc(n * sizeof *stack);
    if (L->kind[L->entry] == MK_ESM)
        dfs(L, L->entry, seen, inited, &cap, 0);
    for (size_t i = 0; i < n; i++) {
        js_module *m = g->mods[i];
        if (!L->reached[i])
            continue;
        for (size_t k = 0; k < m->nrecs; k++) {
            int32_t t = m->recs[k].module;
            if (m->recs[k].kind == IR_DYNAMIC && t >= 0 && L->kind[t] == MK_ESM && !seen[t])
                dyn[t] = 1;
            /* require() needs the namespace at once, outside any group:
             * a required module runs before the entry even when import()
             * reaches it too, and the import() finds it done. */
            if (m->recs[k].kind == IR_REQUIRE && t >= 0 && L->kind[t] == MK_ESM)
                cnt[t] = 2;
        }
    }
    count_arg ca = {L, cnt, 0};
    for (size_t i = 0; i < n; i++)
        if (dyn[i]) {
            memset(vis, 0, n);
            ca.tla = 0;
            closure(L, (int32_t)i, seen, vis, stack, count_visit, &ca);
            if (ca.tla)
                dyn[i] = 0, cnt[i] = 2;
        }
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && L->kind[i] == MK_ESM && !seen[i] && !mark[i] && cnt[i] != 1)
            dfs(L, (int32_t)i, mark, inited, &cap, 1);
    if (L->kind[L->entry] == MK_ESM && !mark[L->entry])
        dfs(L, L->entry, mark, inited, &cap, 1);
    size_t neager = L->nevs;
    for (size_t i = 0; i < n; i++)
        if (dyn[i] && cnt[i] == 1 && !mark[i]) {
            push_ev(L, EV_LAZY_BEGIN, (int32_t)i, &cap);
            dfs(L, (int32_t)i, mark, inited, &cap, 1);
            push_ev(L, EV_LAZY_END, (int32_t)i, &cap);
        }
    /* The groups are only function definitions: put them first, so they
     * exist before any module's code (which may await an import()) runs. */
    if (L->nevs > neager) {
        sl__eval *re = malloc(L->nevs * sizeof *re);
        memcpy(re, L->evs + neager, (L->nevs - neager) * sizeof *re);
        memcpy(re + (L->nevs - neager), L->evs, neager * sizeof *re);
        free(L->evs);
        L->evs = re;
    }
    free(mark);
    free(inited);
    free(seen);
    free(dyn);
    free(cnt);
    free(vis);
    free(stack);
}

/* ---- made-up names --------------------------------------------------------- */

static const char *interop_of(linkctx *c, int32_t mod, int node_mode);

/* A fresh stamp for a walk over modules (no per-walk clearing). */
static uint32_t walk_begin(linkctx *c)
{
    if (++c->stamp_gen == 0) {
        memset(c->stamp, 0, c->L->g->n * sizeof *c->stamp);
        c->stamp_gen = 1;
    }
    return c->stamp_gen;
}

static const char *external_of(linkctx *c, const char *spec);

/* Calls fn(c, arg, r) for each `export *` record r below mod whose target
 * is not an ES module (CommonJS, JSON, an external), going on through the
 * ES modules they reach, each once. */
static void walk_stars(linkctx *c, int32_t mod, void (*fn)(linkctx *, void *, const js_import_rec *), void *arg)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    uint32_t st = walk_begin(c);
    int32_t *stack = malloc(g->n * sizeof *stack);
    size_t sp = 0;
    stack[sp++] = mod;
    c->stamp[mod] = st;
    while (sp) {
        js_module *m = g->mods[stack[--sp]];
        for (size_t k = 0; k < m->nstars; k++) {
            const js_import_rec *r = &m->recs[m->stars[k]];
            int32_t t = r->module;
            if (t < 0 || L->kind[t] != MK_ESM)
                fn(c, arg, r);
            else if (c->stamp[t] != st) {
                c->stamp[t] = st;
                stack[sp++] = t;
            }
        }
    }
    free(stack);
}

typedef struct star_list {
    const char **v;
    size_t n;
} star_list;

static void star_list_add(sl__link *L, star_list *s, const char *x, int by_text)
{
    for (size_t i = 0; i < s->n; i++)
        if (by_text ? !strcmp(s->v[i], x) : s->v[i] == x) /* two `export *` of one module */
            return;
    s->v = sl__arena_realloc_array(&L->a, s->v, s->n, s->n + 2, sizeof(char *));
    s->v[s->n++] = x;
    s->v[s->n] = NULL;
}

static void cjs_star(linkctx *c, void *arg, const js_import_rec *r)
{
    if (r->module < 0 && r->builtin)
        star_list_add(c->L, arg, external_of(c, r->spec), 0);
    else if (r->module >= 0 && c->L->kind[r->module] == MK_CJS)
        star_list_add(c->L, arg, interop_of(c, r->module, 1), 0);
}

/* `export *` from CommonJS or an external somewhere below mod: its names
 * are known only at run time, so the namespace object is built on first
 * use and the objects it reads (interop objects, the externals' namespace
 * variables) are listed in ns_cjs. */
static void find_cjs_stars(linkctx *c, int32_t mod)
{
    star_list s = {0};
    walk_stars(c, mod, cjs_star, &s);
    c->L->ns_cjs[mod] = s.v;
}

/* Does mod's namespace get names only known at run time (an `export *`
 * of CommonJS, JSON or an external somewhere below it)? */
static int ns_is_dynamic(linkctx *c, int32_t mod)
{
    sl__link *L = c->L;
    if (c->dynamic_ns[mod])
        return c->dynamic_ns[mod] == 2;
    uint32_t st = walk_begin(c);
    int32_t *stack = malloc(L->g->n * sizeof *stack);
    size_t sp = 0;
    int dyn = 0;
    stack[sp++] = mod;
    c->stamp[mod] = st;
    while (sp && !dyn) {
        js_module *m = L->g->mods[stack[--sp]];
        for (size_t k = 0; k < m->nstars && !dyn; k++) {
            int32_t t = m->recs[m->stars[k]].module;
            dyn = t < 0 || L->kind[t] != MK_ESM;
            if (!dyn && c->stamp[t] != st) {
                c->stamp[t] = st;
                stack[sp++] = t;
            }
        }
    }
    free(stack);
    c->dynamic_ns[mod] = dyn ? 2 : 1;
    return dyn;
}

/* The name of mod's namespace object; `need` says it must be emitted
 * (a namespace import whose every use is `ns.name` needs only the name). */
static const char *ns_name_of(linkctx *c, int32_t mod, int need)
{
    sl__link *L = c->L;
    if (!L->ns_name[mod]) {
        L->ns_name[mod] = claim(c, sl__arena_printf(&L->a, "%s_exports", base_of(L, L->g->mods[mod]->path)));
        find_cjs_stars(c, mod);
        L->ns_expr[mod] = L->ns_cjs[mod] ? sl__arena_printf(&L->a, "%s()", L->ns_name[mod]) : L->ns_name[mod];
    }
    if (need && !L->ns_emitted[mod]) {
        L->ns_emitted[mod] = 1;
        L->ns_list = realloc(L->ns_list, (L->nns + 1) * sizeof *L->ns_list);
        L->ns_list[L->nns++] = mod;
        L->need_ns = 1;
        if (L->ns_cjs[mod])
            L->need_ns_lazy = 1;
    }
    return L->ns_expr[mod];
}

static const char *ns_of(linkctx *c, int32_t mod) { return ns_name_of(c, mod, 1); }

static const char *require_of(linkctx *c, int32_t mod)
{
    sl__link *L = c->L;
    if (!L->require_name[mod]) {
        L->require_name[mod] = claim(c, sl__arena_printf(&L->a, "require_%s", base_of(L, L->g->mods[mod]->path)));
        L->cjs_order = realloc(L->cjs_order, (L->ncjs + 1) * sizeof *L->cjs_order);
        L->cjs_order[L->ncjs++] = mod;
        L->need_cjs = 1;
    }
    return L->require_name[mod];
}

static const char *interop_of(linkctx *c, int32_t mod, int node_mode)
{
    sl__link *L = c->L;
    require_of(c, mod);
    if (!L->interop[node_mode][mod]) {
        const char *b = base_of(L, L->g->mods[mod]->path);
        L->interop[node_mode][mod] =
            claim(c, node_mode ? sl__arena_printf(&L->a, "import_%s", b) : sl__arena_printf(&L->a, "import_%s_", b));
        L->need_toesm = 1;
    }
    return L->interop[node_mode][mod];
}

static const char *json_of(linkctx *c, int32_t mod)
{
    sl__link *L = c->L;
    if (!L->json_name[mod])
        L->json_name[mod] = claim(c, sl__arena_printf(&L->a, "%s_default", base_of(L, L->g->mods[mod]->path)));
    return L->json_name[mod];
}

static void ext_push(sl__link *L, sl__external x)
{
    if (L->next == L->ext_cap) {
        L->ext_cap = L->ext_cap ? L->ext_cap * 2 : 8;
        L->ext = realloc(L->ext, L->ext_cap * sizeof *L->ext);
    }
    L->ext[L->next++] = x;
}

/* The index of spec among v[0..n), or n. */
static size_t ext_find(const sl__external *v, size_t n, const char *spec)
{
    size_t i = 0;
    while (i < n && strcmp(v[i].spec, spec))
        i++;
    return i;
}

static const char *external_of(linkctx *c, const char *spec)
{
    sl__link *L = c->L;
    size_t i = ext_find(L->ext, L->next, spec);
    if (i == L->next)
        ext_push(L, (sl__external){spec, NULL, 0});
    sl__external *x = &L->ext[i];
    if (!x->name) { /* new, or kept bare until now */
        x->name = claim(c, sl__arena_printf(&L->a, "import_%s", base_of(L, spec)));
        x->bare = 0;
        if (L->o->format != FMT_ESM)
            L->need_toesm = 1;
    }
    return x->name;
}

/* External imports in the order the modules that hold them evaluate, so
 * their side effects keep that order; one imported only for its side
 * effects (`import "polyfill"`, or nothing it names is read) is kept bare,
 * as esbuild keeps it — except a node built-in, which does nothing when
 * imported (esbuild drops those too).  Those read by CommonJS interop or
 * require() keep their place after them. */
static void order_externals(linkctx *c, const uint8_t *included)
{
    sl__link *L = c->L;
    size_t nold = L->next;
    sl__external *old = malloc((nold ? nold : 1) * sizeof *old);
    if (nold) /* L->ext is NULL while no external was named */
        memcpy(old, L->ext, nold * sizeof *old);
    uint8_t *taken = calloc(nold ? nold : 1, 1);
    L->next = 0;
    for (size_t e = 0; e < L->nevs; e++) {
        int32_t mi = L->evs[e].mod;
        if (L->evs[e].type != EV_ESM || !included[mi])
            continue;
        const js_module *m = L->g->mods[mi];
        for (size_t k = 0; k < m->nrecs; k++) {
            const js_import_rec *r = &m->recs[k];
            if (r->module >= 0 || (r->kind != IR_IMPORT && r->kind != IR_EXPORT_FROM && r->kind != IR_EXPORT_STAR))
                continue;
            if (ext_find(L->ext, L->next, r->spec) < L->next)
                continue; /* placed already */
            size_t i = ext_find(old, nold, r->spec);
            if (i < nold)
                ext_push(L, old[i]), taken[i] = 1;
            else if (r->builtin != 2)
                ext_push(L, (sl__external){r->spec, NULL, 1});
        }
    }
    for (size_t i = 0; i < nold; i++)
        if (!taken[i])
            ext_push(L, old[i]);
    free(taken);
    free(old);
}

static const char *member(linkctx *c, const char *obj, const char *name)
{
    sl__arena *a = &c->L->a;
    int plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                *p == '$';
    return plain ? sl__arena_printf(a, "%s.%s", obj, name) : sl__arena_printf(a, "%s[\"%s\"]", obj, name);
}

/* ---- bindings ---------------------------------------------------------------
 * What a name resolves to.  B_SYM: a top-level variable (not an import) of
 * ES module `mod`.  B_NS: the namespace object of ES module `mod`.  B_TEXT:
 * an expression over names the bundle made up (CommonJS interop, JSON,
 * externals), which no inner binding can capture. */

enum { B_NONE, B_SYM, B_NS, B_TEXT };

static binding bind_text(const char *t) { return (binding){B_TEXT, -1, 0, t}; }

/* The value of CommonJS or JSON module `mod`, or a part of it: tree
 * shaking keeps that module evaluated when live code reads it. */
static binding bind_value(const char *t, int32_t mod) { return (binding){B_TEXT, mod, 0, t}; }

/* Export names of each ES module, hashed once: every lookup is O(1), so
 * an entry with 140,000 exports links in linear time. */
static void index_exports(sl__link *L, int32_t mi)
{
    js_module *m = L->g->mods[mi];
    size_t cap = 8;
    while (cap < m->nexports * 2 + 2)
        cap *= 2;
    int32_t *t = sl__arena_alloc(&L->a, cap * sizeof *t);
    memset(t, 0xff, cap * sizeof *t);
    for (size_t i = 0; i < m->nexports; i++) {
        const char *nm = m->exports[i].name;
        size_t h = hname(nm, strlen(nm)) & (cap - 1);
        for (; t[h] >= 0; h = (h + 1) & (cap - 1))
            if (!strcmp(m->exports[t[h]].name, nm))
                break;
        if (t[h] < 0) /* the first of a duplicated name wins */
            t[h] = (int32_t)i;
    }
    L->xtab[mi] = t;
    L->xcap[mi] = cap;
}

static js_export *find_export(linkctx *c, int32_t mi, const char *name, size_t len)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mi];
    if (!L->xtab[mi])
        index_exports(L, mi);
    int32_t *t = L->xtab[mi];
    size_t mask = L->xcap[mi] - 1;
    for (size_t h = hname(name, len) & mask; t[h] >= 0; h = (h + 1) & mask) {
        c->L->steps++;
        const char *e = m->exports[t[h]].name;
        if (strlen(e) == len && !memcmp(e, name, len))
            return &m->exports[t[h]];
    }
    return NULL;
}

/* Adds (mod, name) to this query's visited set; 0 if it was there. */
static int visit(linkctx *c, int32_t mod, const char *name, size_t len)
{
    if (c->vis_n * 2 >= c->vis_cap) { /* grow: keep only this query's entries */
        visit_ent *old = c->vis;
        size_t oc = c->vis_cap;
        c->vis_cap = oc ? oc * 2 : 256;
        c->vis = calloc(c->vis_cap, sizeof *c->vis);
        c->vis_n = 0;
        for (size_t i = 0; i < oc; i++)
            if (old[i].gen == c->gen)
                visit(c, old[i].mod, old[i].name, old[i].len);
        free(old);
    }
    size_t mask = c->vis_cap - 1;
    for (size_t h = (hname(name, len) ^ ((size_t)mod * 0x9e3779b97f4a7c15ull)) & mask;; h = (h + 1) & mask) {
        visit_ent *e = &c->vis[h];
        if (e->gen != c->gen) {
            *e = (visit_ent){c->gen, mod, name, len};
            c->vis_n++;
            return 1;
        }
        if (e->mod == mod && e->len == len && !memcmp(e->name, name, len))
            return 0;
    }
}

/* Where `imported` of record r leads, from a module whose default imports
 * of CommonJS follow node (node_mode): 1 with the final binding in *out,
 * or 0 with the next (module, name) to look up. */
static int follow(linkctx *c, const js_import_rec *r, const char *imported, int node_mode, binding *out,
                  int32_t *next_mod, const char **next_name)
{
    sl__link *L = c->L;
    int32_t t = r->module;
    int star = !strcmp(imported, "*");
    if (t < 0) {
        const char *x = external_of(c, r->spec);
        *out = bind_text(star ? x : member(c, x, imported));
        return 1;
    }
    if (star) {
        if (L->kind[t] == MK_ESM)
            *out = (binding){B_NS, t, 0, NULL};
        else if (L->kind[t] == MK_CJS)
            *out = bind_value(interop_of(c, t, node_mode), t);
        else
            *out = bind_value(sl__arena_printf(&L->a, "{ default: %s }", json_of(c, t)), t);
        return 1;
    }
    if (L->kind[t] == MK_CJS) {
        *out = bind_value(member(c, interop_of(c, t, node_mode), imported), t);
        return 1;
    }
    *next_mod = t;
    *next_name = imported;
    return 0;
}

enum { LOOK_FOUND, LOOK_MISSING, LOOK_DEAD };

/* Follows export `f->name` of f->mod through re-exports and imports (the
 * frame moves along) until a binding is found (LOOK_FOUND), the module in
 * hand does not export the name itself (LOOK_MISSING: search its `export
 * *`), or the chain closes on itself or cannot go on (LOOK_DEAD). */
static int look_up(linkctx *c, frame *f, binding *out)
{
    sl__link *L = c->L;
    for (;;) {
        L->steps++;
        if (!visit(c, f->mod, f->name, f->len))
            return LOOK_DEAD;
        js_module *m = L->g->mods[f->mod];
        if (L->kind[f->mod] != MK_ESM) { /* CommonJS, JSON: properties of a value */
            char *nm = sl__arena_strndup(&L->a, f->name, f->len);
            if (L->kind[f->mod] == MK_CJS)
                *out = bind_value(member(c, interop_of(c, f->mod, 1), nm), f->mod);
            else
                *out = bind_value(!strcmp(nm, "default") ? json_of(c, f->mod) : member(c, json_of(c, f->mod), nm),
                                  f->mod);
            return LOOK_FOUND;
        }
        js_export *e = find_export(c, f->mod, f->name, f->len);
        if (!e)
            return f->len == 7 && !memcmp(f->name, "default", 7) ? LOOK_DEAD : LOOK_MISSING;
        if (e->sym >= 0 && m->syms[e->sym].kind != SYM_IMPORT) {
            *out = (binding){B_SYM, f->mod, (uint32_t)e->sym, NULL};
            return LOOK_FOUND;
        }
        const js_import_rec *r;
        const char *imported, *next_name;
        int node_mode = 1;
        if (e->sym >= 0) { /* export { x } of an imported x */
            js_import_binding *b = &m->imports[m->syms[e->sym].import_idx];
            r = &m->recs[b->rec];
            imported = b->imported;
            node_mode = (m->flags & MF_NODE_MODE) != 0;
        } else {
            r = &m->recs[e->rec];
            imported = e->imported;
        }
        if (follow(c, r, imported, node_mode, out, &f->mod, &next_name))
            return LOOK_FOUND;
        f->name = next_name;
        f->len = strlen(next_name);
    }
}

static int same_binding(binding a, binding b)
{
    if (a.kind != b.kind || a.mod != b.mod)
        return 0;
    if (a.kind == B_SYM)
        return a.sym == b.sym;
    return a.kind != B_TEXT || !strcmp(a.text, b.text);
}

/* Ends the frame on top with what it found and hands that to the frame
 * that searched it: 1 with the query's answer when it was the last. */
static int frame_done(linkctx *c, binding *out)
{
    for (;;) {
        frame d = c->frames.v[--c->frames.n];
        if (!c->frames.n) {
            *out = d.state == R_AMBIG ? (binding){B_NONE, -1, 0, NULL} : d.found;
            return 1;
        }
        frame *p = &c->frames.v[c->frames.n - 1];
        if (d.state == R_AMBIG) {
            p->state = R_AMBIG;
        } else if (d.state == R_STATIC && p->state == R_STATIC) {
            if (same_binding(p->found, d.found)) /* one binding reached twice */
                return 0;
            c->amb[0] = p->from;
            c->amb[1] = d.from;
            p->state = R_AMBIG;
        } else if (d.state > p->state) {
            p->state = d.state;
            p->found = d.found;
            p->from = d.from;
        }
        if (p->state != R_AMBIG)
            return 0;
    }
}

/* Export `name` of module `mod`, as ECMAScript's ResolveExport finds it:
 * named exports first, then every `export *` target: a name that two of
 * them export as different bindings is ambiguous (B_NONE, with the two
 * modules in c->amb), one binding reached by two paths is not.  CommonJS
 * and external targets, whose names exist only at run time, are searched
 * only when no ES module has the name (the first one wins).  Each
 * (module, name) is visited once per query, so cycles of any shape end,
 * and the work is linear in what the query can reach.  Iterative: a long
 * chain of re-exports cannot overflow the stack. */
static binding resolve_export(linkctx *c, int32_t mod, const char *name, size_t len)
{
    sl__link *L = c->L;
    if (++c->gen == 0) {
        memset(c->vis, 0, c->vis_cap * sizeof *c->vis);
        c->gen = 1;
    }
    c->vis_n = 0;
    c->frames.n = 0;
    c->amb[0] = c->amb[1] = -1;
    frame f0 = {mod, mod, -1, name, len, 0, 0, 1, R_NONE, {B_NONE, -1, 0, NULL}};
    SL_VEC_PUSH(c->frames, f0);
    binding b;
    for (;;) {
        frame *f = &c->frames.v[c->frames.n - 1];
        if (f->fresh) {
            f->fresh = 0;
            int r = look_up(c, f, &b);
            if (r == LOOK_FOUND) {
                f->found = b;
                f->from = f->start;
                f->state = L->kind[f->start] == MK_ESM ? R_STATIC : R_DYNAMIC;
            }
            if (r != LOOK_MISSING && frame_done(c, &b))
                return b;
            if (r != LOOK_MISSING)
                continue;
        }
        js_module *m = L->g->mods[f->mod];
        if (f->state != R_NONE && (f->pass || f->star >= m->nstars)) { /* a run-time name: the first wins */
            if (frame_done(c, &b))
                return b;
            continue;
        }
        if (f->star >= m->nstars && f->pass == 1) {
            if (frame_done(c, &b))
                return b;
            continue;
        }
        if (f->star >= m->nstars) {
            f->pass = 1;
            f->star = 0;
            continue;
        }
        js_import_rec *r = &m->recs[m->stars[f->star++]];
        int dynamic = r->module < 0 || L->kind[r->module] != MK_ESM;
        if (dynamic != f->pass)
            continue;
        L->steps++;
        if (r->module < 0) {
            f->found = bind_text(member(c, external_of(c, r->spec), sl__arena_strndup(&L->a, f->name, f->len)));
            f->from = f->mod;
            f->state = R_DYNAMIC;
            continue;
        }
        frame next = {r->module, r->module, -1, f->name, f->len, 0, 0, 1, R_NONE, {B_NONE, -1, 0, NULL}};
        SL_VEC_PUSH(c->frames, next); /* f is stale from here */
    }
}

static void warn(linkctx *c, int32_t mod, uint32_t pos, const char *msg)
{
    sl__link *L = c->L;
    if (!c->warn)
        return;
    L->warnings = realloc(L->warnings, (L->nwarnings + 1) * sizeof *L->warnings);
    L->warnings[L->nwarnings++] = (sl__link_warning){mod, pos, msg};
}

/* A module path as a message shows it: relative to the importer's folder. */
static const char *shown_path(linkctx *c, int32_t from, int32_t to)
{
    const char *a = c->L->g->mods[from]->path, *b = c->L->g->mods[to]->path;
    const char *slash = strrchr(a, '/');
    size_t dl = slash ? (size_t)(slash - a) : 0;
    if (dl && !strncmp(a, b, dl) && b[dl] == '/')
        return sl__arena_printf(&c->L->a, "./%s", b + dl + 1);
    return b;
}

/* "path:line:col" of byte pos of m's src, in the file the user wrote (a
 * TypeScript/JSX module's src is the JavaScript printed from it). */
static const char *where_at(linkctx *c, const js_module *m, uint32_t pos)
{
    const char *osrc;
    size_t olen;
    uint32_t line, col, at = sl__module_orig_pos(m, pos, &osrc, &olen);
    sl__js_line_col(osrc, olen, at, &line, &col);
    return sl__arena_printf(&c->L->a, "%s:%u:%u", m->path, line, col);
}

/* `import { x } from "./m"` where m has no export x, or two through its
 * `export *` (the query that said so just ran): fails the link with
 * the importing file's line and a caret under the specifier, and the
 * module meant (its path: which file a package's fields picked is often
 * the question), as esbuild says it. */
static void fail_no_export(linkctx *c, const js_module *m, const js_import_rec *r, const char *imported)
{
    if (c->err)
        return;
    const js_module *t = r->module >= 0 ? c->L->g->mods[r->module] : NULL;
    const char *text = sl__arena_printf(&c->L->a, "no export named \"%s\" in \"%s\"", imported, t ? t->path : r->spec);
    if (c->amb[0] >= 0) /* the lookup just made found two (node: "conflicting star exports") */
        text = sl__arena_printf(&c->L->a,
                                "ambiguous import \"%s\" has multiple matching exports: \"%s\" and \"%s\" both "
                                "export it through `export *` of \"%s\"",
                                imported, c->L->g->mods[c->amb[0]]->path, c->L->g->mods[c->amb[1]]->path, t->path);
    c->err = sl__module_diag(m->path, m, r->spec_pos, text);
}

/* A TypeScript module: a name it does not export may be a type it
 * declared (types never reach the record), so an import of it is not an
 * error but undefined — esbuild's rule, as it too compiles one file at a
 * time (`import { User } from './types'; export { User }` of an interface). */
static int is_typescript(const js_module *m)
{
    const char *dot = strrchr(m->path, '.');
    return dot && (!strcmp(dot, ".ts") || !strcmp(dot, ".tsx") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts"));
}

/* What import symbol `symi` of module `mi` is bound to (resolved once). */
static binding import_binding(linkctx *c, int32_t mi, uint32_t symi)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mi];
    binding *memo = &L->imp[mi][symi];
    if (memo->kind != B_NONE)
        return *memo;
    js_import_binding *ib = &m->imports[m->syms[symi].import_idx];
    js_import_rec *r = &m->recs[ib->rec];
    binding b;
    int32_t t;
    const char *name;
    if (!follow(c, r, ib->imported, (m->flags & MF_NODE_MODE) != 0, &b, &t, &name)) {
        b = resolve_export(c, t, name, strlen(name));
        if (b.kind == B_NONE) {
            if (!is_typescript(L->g->mods[t]) || c->amb[0] >= 0)
                fail_no_export(c, m, r, ib->imported);
            b = bind_text("undefined");
        }
    }
    *memo = b;
    return b;
}

/* The one rule: what occurrence `o` of module `mi` reads, and where the
 * text it stands for ends (`ns.name` on a namespace reads the variable
 * itself, so the replaced text runs past `.name`).  Rewriting, tree
 * shaking and the capture check all ask here. */
static binding occ_target(linkctx *c, int32_t mi, const js_occ *o, uint32_t *end)
{
    js_module *m = c->L->g->mods[mi];
    *end = o->pos + o->len;
    if (m->syms[o->sym].kind != SYM_IMPORT)
        return (binding){B_SYM, mi, o->sym, NULL};
    /* An import binding is read-only (node: TypeError at the write), and
     * writing it here would write the exporter's variable: refused, as
     * esbuild does.  `ns.x = v` goes through the namespace object below. */
    if ((o->flags & OCC_WRITE) && !(o->flags & (OCC_MEMBER | OCC_DECL)) && !c->err)
        c->err = sl__module_diag(m->path, m, o->pos,
                                 sl__arena_printf(&c->L->a, "cannot assign to import \"%s\"", m->syms[o->sym].name));
    binding b = import_binding(c, mi, o->sym);
    if (b.kind != B_NS || !(o->flags & OCC_MEMBER) || (o->flags & OCC_WRITE))
        return b;
    binding mb = resolve_export(c, b.mod, m->src + o->mem_start, o->mem_len);
    if (mb.kind != B_NONE) {
        *end = o->mem_start + o->mem_len;
        return mb;
    }
    if (c->amb[0] >= 0)
        warn(c, mi, o->mem_start,
             sl__arena_printf(&c->L->a, "warning: import \"%.*s\" will always be undefined: it is ambiguous, \"%s\" "
                                        "and \"%s\" both export it through `export *`",
                              (int)o->mem_len, m->src + o->mem_start, shown_path(c, mi, c->amb[0]),
                              shown_path(c, mi, c->amb[1])));
    else if (!ns_is_dynamic(c, b.mod))
        warn(c, mi, o->mem_start,
             sl__arena_printf(&c->L->a, "warning: import \"%.*s\" will always be undefined: there is no export "
                                        "named \"%.*s\" in \"%s\"",
                              (int)o->mem_len, m->src + o->mem_start, (int)o->mem_len, m->src + o->mem_start,
                              shown_path(c, mi, b.mod)));
    return b;
}

static const char *text_of(linkctx *c, binding b)
{
    switch (b.kind) {
    case B_SYM: return c->L->g->mods[b.mod]->syms[b.sym].final_name;
    case B_NS: return ns_of(c, b.mod);
    case B_TEXT: return b.text;
    default: return "undefined";
    }
}

/* ---- rewriting -------------------------------------------------------------- */

static int is_member_text(const char *t) { return strchr(t, '.') || strchr(t, '[') || strchr(t, '{'); }

/* Is `name` bound in some inner scope of module mi? */
static int binds_inner(linkctx *c, int32_t mi, const char *name)
{
    js_module *m = c->L->g->mods[mi];
    if (!m->nnested_names)
        return 0;
    name_set *s = &c->nested[mi];
    if (!s->cap)
        for (size_t i = 0; i < m->nnested_names; i++)
            set_add(s, m->nested_names[i]);
    return set_has(s, name);
}

/* The text occurrence o becomes (NULL: it stays).  The capture check: a
 * variable read under a name other than the one written here (an import
 * renamed, or `ns.name`) must not be bound in an inner scope of this
 * module, or that binding would capture the read; such a variable is
 * renamed (to a name no inner scope binds) and the rewrite runs again. */
static const char *rewrite(linkctx *c, int32_t mi, const js_occ *o, uint32_t *end)
{
    js_module *m = c->L->g->mods[mi];
    const js_symbol *s = &m->syms[o->sym];
    if (s->kind == SYM_IMPORT && (o->flags & OCC_DECL)) {
        /* The import's own name, in its statement, which is removed: resolved (a missing export is an
         * error, used or not, as in node) but not printed, which would build a namespace object
         * that only `ns.name` reads need not have. */
        import_binding(c, mi, o->sym);
        *end = o->pos + o->len;
        return NULL;
    }
    binding b = occ_target(c, mi, o, end);
    const char *t = text_of(c, b);
    int whole = *end == o->pos + o->len; /* not `ns.name` */
    if (b.kind == B_SYM && s->kind == SYM_IMPORT && strcmp(t, s->name) && binds_inner(c, mi, t)) {
        js_symbol *ts = &c->L->g->mods[b.mod]->syms[b.sym];
        ts->final_name = claim(c, ts->final_name);
        c->captured = 1;
        t = ts->final_name;
    }
    if (whole && strlen(t) == o->len && !memcmp(t, m->src + o->pos, o->len))
        return NULL;
    if (whole && (o->flags & OCC_SHORTHAND)) {
        if (!strcmp(s->name, "__proto__")) /* `{__proto__}` defines an own property, `{__proto__: x}` sets the prototype */
            return sl__arena_printf(&c->L->a, "[\"__proto__\"]: %s", t);
        return sl__arena_printf(&c->L->a, "%.*s: %s", (int)o->len, m->src + o->pos, t);
    }
    if ((o->flags & (whole ? OCC_CALL : OCC_MEM_CALL)) && is_member_text(t))
        return sl__arena_printf(&c->L->a, "(0, %s)", t); /* a call through a member gets no `this` */
    return t;
}

static void rewrite_module(linkctx *c, int32_t mi)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mi];
    if (!L->occ_text[mi]) {
        L->occ_text[mi] = sl__arena_alloc(&L->a, (m->noccs + 1) * sizeof *L->occ_text[mi]);
        L->occ_end[mi] = sl__arena_alloc(&L->a, (m->noccs + 1) * sizeof *L->occ_end[mi]);
    }
    for (size_t k = 0; k < m->noccs; k++)
        L->occ_text[mi][k] = rewrite(c, mi, &m->occs[k], &L->occ_end[mi][k]);
}

/* Every ES module's rewrites; again while a capture renamed something. */
static void rewrite_all(linkctx *c)
{
    sl__link *L = c->L;
    c->warn = 1;
    for (int round = 0; round < 8; round++) {
        c->captured = 0;
        for (size_t e = 0; e < L->nevs; e++)
            if (L->evs[e].type == EV_ESM)
                rewrite_module(c, L->evs[e].mod);
        c->warn = 0;
        if (!c->captured)
            break;
    }
}

/* The names on mod's namespace: its own exports, then those of its
 * `export *` targets (not default; the first one found wins).  malloc'd. */
static const char **export_names(linkctx *c, int32_t mod, size_t *n)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    name_set seen = {0};
    const char **out = NULL;
    size_t cnt = 0, cap = 0, sp = 0;
    uint32_t st = walk_begin(c);
    int32_t *stack = malloc(g->n * sizeof *stack);
    stack[sp++] = mod;
    c->stamp[mod] = st;
    while (sp) {
        int32_t x = stack[--sp];
        js_module *xm = g->mods[x];
        if (L->kind[x] != MK_ESM)
            continue;
        for (size_t k = 0; k < xm->nexports; k++) {
            const char *name = xm->exports[k].name;
            if ((x != mod && !strcmp(name, "default")) || set_has(&seen, name))
                continue;
            set_add(&seen, name);
            if (cnt == cap) {
                cap = cap ? cap * 2 : 16;
                out = realloc(out, cap * sizeof *out);
            }
            out[cnt++] = name;
        }
        /* reversed, so the first `export *` is searched first */
        for (size_t k = xm->nstars; k-- > 0;) {
            int32_t t = xm->recs[xm->stars[k]].module;
            if (t >= 0 && c->stamp[t] != st) {
                c->stamp[t] = st;
                stack[sp++] = t;
            }
        }
    }
    free(stack);
    free(seen.v);
    *n = cnt;
    return out;
}

/* The getters of every namespace object that must exist; a getter that
 * returns another namespace makes that one exist too (ns_list grows). */
static void namespace_entries(linkctx *c)
{
    sl__link *L = c->L;
    for (size_t i = 0; i < L->nns; i++) {
        int32_t mi = L->ns_list[i];
        if (L->ns_entries[mi])
            continue;
        size_t n, k = 0;
        const char **names = export_names(c, mi, &n);
        sl__ns_entry *es = sl__arena_alloc(&L->a, (n + 1) * sizeof *es);
        for (size_t j = 0; j < n; j++) {
            binding b = resolve_export(c, mi, names[j], strlen(names[j]));
            if (b.kind != B_NONE)
                es[k++] = (sl__ns_entry){names[j], text_of(c, b)};
        }
        L->ns_entries[mi] = es;
        L->nns_entries[mi] = k;
        free(names);
    }
}

static void link_requires(linkctx *c, int32_t mi)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mi];
    for (size_t k = 0; k < m->nrecs; k++) {
        js_import_rec *r = &m->recs[k];
        if (r->module < 0 || (r->kind != IR_REQUIRE && r->kind != IR_DYNAMIC))
            continue;
        int32_t t = r->module;
        if (L->kind[t] == MK_ESM) {
            ns_of(c, t);
            L->need_tocjs |= r->kind == IR_REQUIRE;
        } else if (r->kind == IR_DYNAMIC && L->kind[t] == MK_CJS)
            interop_of(c, t, 1);
        else
            require_of(c, t);
    }
}

static void external_star(linkctx *c, void *arg, const js_import_rec *r)
{
    if (r->module < 0 && r->builtin)
        star_list_add(c->L, arg, r->spec, 1);
}

/* The externals the entry's `export *` reach through ES modules, each once. */
static void entry_star_externals(linkctx *c)
{
    star_list s = {0};
    walk_stars(c, c->L->entry, external_star, &s);
    c->L->entry_star_ext = s.v;
    c->L->nentry_star_ext = s.n;
}

static void entry_exports(linkctx *c)
{
    sl__link *L = c->L;
    if (L->kind[L->entry] != MK_ESM)
        return;
    if (L->o->format != FMT_IIFE)
        entry_star_externals(c);
    if (L->o->format != FMT_ESM) {
        /* As esbuild: an entry with no export statement gives nothing (no
         * namespace builder, module.exports stays {}), one with any, even
         * `export {}`, its namespace. */
        js_module *m = L->g->mods[L->entry];
        for (size_t i = 0; i < m->nstmts && !L->entry_ns_out; i++)
            L->entry_ns_out = m->stmts[i].kind >= S_EXPORT_FROM;
        if (L->entry_ns_out && (L->o->format == FMT_CJS || L->o->global_name))
            ns_of(c, L->entry);
        return;
    }
    /* ESM output: one `export` clause with every name the entry exports. */
    size_t n;
    const char **names = export_names(c, L->entry, &n);
    L->entry_exports = malloc((2 * n + 1) * sizeof *L->entry_exports);
    for (size_t i = 0; i < n; i++) {
        binding b = resolve_export(c, L->entry, names[i], strlen(names[i]));
        if (b.kind == B_NONE)
            continue;
        L->entry_exports[L->nentry_exports++] = names[i];
        L->entry_exports[L->nentry_exports++] = text_of(c, b);
    }
    free(names);
}

/* ---- names ---------------------------------------------------------------- */

/* In place, not pointed to: no relocations at start-up. */
static const char js_reserved[][16] = {
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
    "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
    "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
    "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
    "public", "await", "arguments", "eval", "undefined", "NaN", "Infinity", "require", "module", "exports",
    "__cjs", "__require", "__toESM", "__toCJS", "__toCommonJS", "__cjsNs", "__ns", "__nsLazy", "__lazy", "__createRequire", "__fileURLToPath", "__filename", "__dirname", "Object", "Symbol", "Promise"};

static void assign_names(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    for (size_t i = 0; i < sizeof js_reserved / sizeof js_reserved[0]; i++)
        set_add(&c->used, js_reserved[i]);
    for (size_t i = 0; i < g->n; i++) {
        if (!L->reached[i])
            continue;
        js_module *m = g->mods[i];
        for (size_t k = 0; k < m->nfree_names; k++)
            set_add(&c->used, m->free_names[k]);
        for (size_t k = 0; k < m->nnested_names; k++)
            set_add(&c->inner, m->nested_names[k]);
        if (L->kind[i] == MK_CJS)
            for (size_t k = 0; k < m->nsyms; k++)
                set_add(&c->inner, m->syms[k].name);
    }
    for (size_t e = 0; e < L->nevs; e++) {
        if (L->evs[e].type != EV_ESM)
            continue;
        int32_t mi = L->evs[e].mod;
        js_module *m = g->mods[mi];
        L->imp[mi] = sl__arena_zalloc(&L->a, (m->nsyms + 1) * sizeof *L->imp[mi]);
        for (size_t k = 0; k < m->nsyms; k++) {
            js_symbol *s = &m->syms[k];
            s->final_name = NULL;
            if (s->kind == SYM_IMPORT)
                continue;
            const char *base = s->name[0] ? s->name : sl__arena_printf(&L->a, "%s_default", base_of(L, m->path));
            s->final_name = claim_as(c, base, s->name[0] == 0);
        }
    }
}

/* ---- tree shaking ----------------------------------------------------------
 * Statement-level, over ESM modules.  Roots: every statement with side
 * effects in a module that is included (a module is included from the
 * start unless its package says "sideEffects": false, in which case it is
 * included once something it declares is used), the entry's exports and
 * every export reachable through a namespace object.  A live statement
 * makes live every variable its references bind to (occ_target, the same
 * rule the rewrites use); a live variable makes live every statement that
 * declares it.  A CommonJS or JSON module is evaluated as a whole; one of a
 * "sideEffects": false package is dropped when only ES modules import it
 * and no live code reads what they import (drop_unread). */

typedef struct sym_ref {
    int32_t mod;
    uint32_t sym;
} sym_ref;

typedef struct shaker {
    linkctx *c;
    /* per module: occurrence range of each statement, declaring statements of each symbol */
    uint32_t **stmt_occ;  /* nstmts + 1 offsets into occs */
    uint32_t **decl_off;  /* nsyms + 1 offsets into decl_stmt */
    uint32_t **decl_stmt;
    uint8_t *included;
    SL_VEC(sym_ref) work; /* symbols to process */
} shaker;

static void index_module(shaker *sh, int32_t mi)
{
    js_module *m = sh->c->L->g->mods[mi];
    uint32_t *so = calloc(m->nstmts + 1, sizeof *so);
    for (size_t k = 0; k < m->noccs; k++)
        so[m->occs[k].stmt + 1]++;
    for (size_t s = 0; s < m->nstmts; s++)
        so[s + 1] += so[s];
    uint32_t *dof = calloc(m->nsyms + 1, sizeof *dof);
    for (size_t k = 0; k < m->noccs; k++)
        if (m->occs[k].flags & OCC_DECL)
            dof[m->occs[k].sym + 1]++;
    for (size_t s = 0; s < m->nsyms; s++)
        dof[s + 1] += dof[s];
    uint32_t *ds = malloc((dof[m->nsyms] + 1) * sizeof *ds);
    uint32_t *fill = calloc(m->nsyms + 1, sizeof *fill);
    for (size_t k = 0; k < m->noccs; k++)
        if (m->occs[k].flags & OCC_DECL) {
            uint32_t sy = m->occs[k].sym;
            ds[dof[sy] + fill[sy]++] = m->occs[k].stmt;
        }
    free(fill);
    sh->stmt_occ[mi] = so;
    sh->decl_off[mi] = dof;
    sh->decl_stmt[mi] = ds;
    for (size_t k = 0; k < m->nsyms; k++)
        m->syms[k].live = 0;
    for (size_t k = 0; k < m->nstmts; k++)
        m->stmts[k].live = 0;
}

static void live_binding(shaker *sh, binding b)
{
    if (b.kind == B_TEXT && b.mod >= 0)
        sh->c->read[b.mod] = 1;
    if (b.kind != B_SYM || !sh->stmt_occ[b.mod])
        return;
    js_module *m = sh->c->L->g->mods[b.mod];
    if (m->syms[b.sym].live)
        return;
    m->syms[b.sym].live = 1;
    sym_ref r = {b.mod, b.sym};
    SL_VEC_PUSH(sh->work, r);
}

static void live_stmt(shaker *sh, int32_t mi, uint32_t st)
{
    js_module *m = sh->c->L->g->mods[mi];
    js_stmt *s = &m->stmts[st];
    if (s->live)
        return;
    s->live = 1;
    if (s->default_sym >= 0)
        live_binding(sh, (binding){B_SYM, mi, (uint32_t)s->default_sym, NULL});
    for (uint32_t k = sh->stmt_occ[mi][st]; k < sh->stmt_occ[mi][st + 1]; k++) {
        uint32_t end;
        if (!(m->occs[k].flags & OCC_DECL))
            live_binding(sh, occ_target(sh->c, mi, &m->occs[k], &end));
    }
}

static void include_module(shaker *sh, int32_t mi)
{
    if (sh->included[mi])
        return;
    sh->included[mi] = 1;
    js_module *m = sh->c->L->g->mods[mi];
    for (uint32_t s = 0; s < m->nstmts; s++) {
        int k = m->stmts[s].kind;
        if (!m->stmts[s].pure && k != S_IMPORT && k != S_EXPORT_FROM && k != S_EXPORT_LIST)
            live_stmt(sh, mi, s);
    }
}

/* What the output itself reads: the entry's exports, the namespace getters. */
static void live_roots(shaker *sh)
{
    linkctx *c = sh->c;
    sl__link *L = c->L;
    size_t n;
    if (L->kind[L->entry] == MK_ESM && L->o->format == FMT_ESM) {
        const char **names = export_names(c, L->entry, &n);
        for (size_t i = 0; i < n; i++)
            live_binding(sh, resolve_export(c, L->entry, names[i], strlen(names[i])));
        free(names);
    }
    c->nns_shaken = L->nns;
    for (size_t i = 0; i < L->nns; i++) {
        const char **names = export_names(c, L->ns_list[i], &n);
        for (size_t k = 0; k < n; k++)
            live_binding(sh, resolve_export(c, L->ns_list[i], names[k], strlen(names[k])));
        free(names);
    }
}

static void shake(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    shaker sh = {.c = c};
    sh.stmt_occ = calloc(g->n, sizeof *sh.stmt_occ);
    sh.decl_off = calloc(g->n, sizeof *sh.decl_off);
    sh.decl_stmt = calloc(g->n, sizeof *sh.decl_stmt);
    sh.included = calloc(g->n, 1);
    for (size_t e = 0; e < L->nevs; e++)
        if (L->evs[e].type == EV_ESM)
            index_module(&sh, L->evs[e].mod);
    for (size_t e = 0; e < L->nevs; e++)
        if (L->evs[e].type == EV_ESM && !(g->mods[L->evs[e].mod]->flags & MF_NO_SIDE_EFFECTS))
            include_module(&sh, L->evs[e].mod);
    if (L->kind[L->entry] == MK_ESM)
        include_module(&sh, L->entry);
    live_roots(&sh);
    while (sh.work.n) {
        sym_ref r = sh.work.v[--sh.work.n];
        js_module *m = g->mods[r.mod];
        js_symbol *sy = &m->syms[r.sym];
        if (m->flags & MF_NO_SIDE_EFFECTS)
            include_module(&sh, r.mod);
        for (uint32_t k = sh.decl_off[r.mod][r.sym]; k < sh.decl_off[r.mod][r.sym + 1]; k++)
            live_stmt(&sh, r.mod, sh.decl_stmt[r.mod][k]);
        if (sy->stmt >= 0 && sy->name[0] == 0)
            live_stmt(&sh, r.mod, (uint32_t)sy->stmt);
    }
    order_externals(c, sh.included);
    for (size_t i = 0; i < g->n; i++) {
        free(sh.stmt_occ[i]);
        free(sh.decl_off[i]);
        free(sh.decl_stmt[i]);
    }
    free(sh.stmt_occ);
    free(sh.decl_off);
    free(sh.decl_stmt);
    free(sh.included);
    free(sh.work.v);
}

/* esbuild's rule for a CommonJS or JSON module of a "sideEffects": false
 * package: an import of it whose bindings nothing live reads (or a bare
 * `import "x"`) does not evaluate it.  Such a module leaves the output -
 * its init, its closure and what only it requires - unless a require(),
 * an import() or an `export *` reaches it (their use is not tracked), or
 * a namespace built after tree shaking (a require() of an ES module) may
 * read it.  Modules are kept by a walk from the entry and every ES module
 * (tree shaking printed what those need), along every edge but such
 * imports. */
static void drop_unread(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    size_t n = g->n, sp = 0;
    uint8_t *keep = calloc(n, 1), *all_edges = calloc(n, 1);
    int32_t *stack = malloc(n * sizeof *stack);
    for (size_t i = c->nns_shaken; i < L->nns; i++)
        all_edges[L->ns_list[i]] = 1;
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && ((int32_t)i == L->entry || L->kind[i] == MK_ESM)) {
            keep[i] = 1;
            stack[sp++] = (int32_t)i;
        }
    while (sp) {
        int32_t x = stack[--sp];
        const js_module *m = g->mods[x];
        for (size_t k = 0; k < m->nrecs; k++) {
            const js_import_rec *r = &m->recs[k];
            int32_t t = r->module;
            if (r->kind == IR_DEAD || t < 0 || keep[t])
                continue;
            if ((r->kind == IR_IMPORT || r->kind == IR_EXPORT_FROM) && L->kind[x] == MK_ESM && !all_edges[x] &&
                (g->mods[t]->flags & MF_NO_SIDE_EFFECTS) && !c->read[t])
                continue;
            keep[t] = 1;
            stack[sp++] = t;
        }
    }
    size_t k = 0;
    for (size_t e = 0; e < L->nevs; e++)
        if (keep[L->evs[e].mod])
            L->evs[k++] = L->evs[e];
    L->nevs = k;
    k = 0;
    for (size_t i = 0; i < L->ncjs; i++)
        if (keep[L->cjs_order[i]])
            L->cjs_order[k++] = L->cjs_order[i];
    L->ncjs = k;
    /* The helpers only dropped modules needed go too. */
    L->need_cjs = L->ncjs > 0;
    L->need_toesm = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep[i])
            L->reached[i] = 0;
        else if (L->interop[0][i] || L->interop[1][i])
            L->need_toesm = 1;
    }
    for (size_t i = 0; i < L->next && L->o->format != FMT_ESM; i++)
        if (L->ext[i].name)
            L->need_toesm = 1;
    free(keep);
    free(all_edges);
    free(stack);
}

/* `export { x } from './a.js'` of a name a.js does not export is an
 * error even when nothing imports it (node refuses the module; esbuild
 * says "No matching export"). */
static void check_reexports(linkctx *c)
{
    sl__link *L = c->L;
    for (size_t i = 0; i < L->g->n && !c->err; i++) {
        const js_module *m = L->g->mods[i];
        if (!L->reached[i] || L->kind[i] != MK_ESM)
            continue;
        for (size_t k = 0; k < m->nexports; k++) {
            const js_export *e = &m->exports[k];
            if (e->rec < 0 || !e->imported || !strcmp(e->imported, "*"))
                continue;
            const js_import_rec *r = &m->recs[e->rec];
            if (r->module < 0 || L->kind[r->module] != MK_ESM || is_typescript(L->g->mods[r->module]))
                continue;
            if (resolve_export(c, r->module, e->imported, strlen(e->imported)).kind == B_NONE)
                fail_no_export(c, m, r, e->imported);
        }
    }
}

/* ---- the link ----------------------------------------------------------------- */

static void link_alloc(sl__link *L, size_t n)
{
    L->kind = calloc(n, 1);
    L->reached = calloc(n, 1);
    L->require_name = calloc(n, sizeof *L->require_name);
    L->interop[0] = calloc(n, sizeof *L->interop[0]);
    L->interop[1] = calloc(n, sizeof *L->interop[1]);
    L->ns_name = calloc(n, sizeof *L->ns_name);
    L->ns_expr = calloc(n, sizeof *L->ns_expr);
    L->ns_cjs = calloc(n, sizeof *L->ns_cjs);
    L->ns_emitted = calloc(n, 1);
    L->json_name = calloc(n, sizeof *L->json_name);
    L->lazy_name = calloc(n, sizeof *L->lazy_name);
    L->occ_text = calloc(n, sizeof *L->occ_text);
    L->occ_end = calloc(n, sizeof *L->occ_end);
    L->ns_entries = calloc(n, sizeof *L->ns_entries);
    L->nns_entries = calloc(n, sizeof *L->nns_entries);
    L->imp = calloc(n, sizeof *L->imp);
    L->xtab = calloc(n, sizeof *L->xtab);
    L->xcap = calloc(n, sizeof *L->xcap);
}

/* Every module the output evaluates has the name the printer writes for
 * it: a CommonJS module imported only for its side effects too. */
static void name_evaluated(linkctx *c)
{
    sl__link *L = c->L;
    if (L->kind[L->entry] == MK_CJS || L->kind[L->entry] == MK_JSON)
        require_of(c, L->entry);
    for (size_t e = 0; e < L->nevs; e++) {
        int32_t mi = L->evs[e].mod;
        if (L->evs[e].type == EV_CJS_INIT)
            require_of(c, mi);
        else if (L->evs[e].type == EV_JSON_INIT)
            json_of(c, mi);
        else if (L->evs[e].type == EV_LAZY_BEGIN) {
            L->lazy_name[mi] = claim(c, sl__arena_printf(&L->a, "init_%s", base_of(L, L->g->mods[mi]->path)));
            ns_of(c, mi);
            L->need_lazy = 1;
        }
    }
}

int sl__link_free_require(const js_module *m)
{
    if (m->flags & MF_REQUIRE_VALUE)
        return 1;
    for (size_t k = 0; k < m->nrecs; k++) /* a require("x") left to run time: external, or caught */
        if (m->recs[k].kind == IR_REQUIRE && m->recs[k].module < 0)
            return 1;
    return 0;
}

/* What the output needs at run time besides the modules themselves. */
static void runtime_needs(sl__link *L)
{
    sl__graph *g = L->g;
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        if (!L->reached[i])
            continue;
        for (size_t k = 0; k < m->nrecs; k++)
            if (m->recs[k].kind == IR_REQUIRE && m->recs[k].builtin && m->recs[k].module < 0)
                L->need_require = 1;
        if (!L->o->platform_node && L->o->format != FMT_CJS && L->kind[i] == MK_CJS && sl__link_free_require(m))
            L->need_require_shim = 1;
        /* require() left to run time (a computed name, require.resolve):
         * on node, ESM output gets a real require from createRequire.  A
         * require("x") the bundle resolved reads none: it became require_x(). */
        if (L->o->platform_node && L->kind[i] == MK_CJS) {
            if (sl__link_free_require(m))
                L->need_require = 1;
            if (names_freely(m, dirname_names))
                L->need_dirname = 1;
        }
    }
}

int sl__link_build(sl__link *L, sl__graph *g, int32_t entry, const sl__link_opts *o, char **err)
{
    memset(L, 0, sizeof *L);
    L->g = g;
    L->o = o;
    L->entry = entry;
    sl__arena_init(&L->a);
    size_t n = g->n;
    link_alloc(L, n);
    linkctx c = {.L = L};
    c.stamp = calloc(n, sizeof *c.stamp);
    c.nested = calloc(n, sizeof *c.nested);
    c.dynamic_ns = calloc(n, 1);
    c.read = calloc(n, 1);
    classify(L);
    reach(L);
    order(L);
    assign_names(&c);
    name_evaluated(&c);
    rewrite_all(&c);
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && L->kind[i] != MK_JSON)
            link_requires(&c, (int32_t)i);
    entry_exports(&c);
    namespace_entries(&c);
    check_reexports(&c);
    shake(&c);
    if (o->format != FMT_ESM)
        for (size_t i = 0; i < n; i++)
            if (L->reached[i] && L->kind[i] == MK_ESM && (g->mods[i]->flags & MF_TLA))
                fail(&c, "%s: top-level await needs --format esm%s", where_at(&c, g->mods[i], g->mods[i]->tla_pos), "");
    /* CJS modules required by closures defined later still need names:
     * require_of() appended them to cjs_order as they were found. */
    for (size_t i = 0; i < L->ncjs; i++)
        link_requires(&c, L->cjs_order[i]);
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && L->kind[i] == MK_JSON && !L->json_name[i] && !L->require_name[i])
            require_of(&c, (int32_t)i);
    namespace_entries(&c); /* namespaces that require() of ES modules made needed since */
    drop_unread(&c);
    runtime_needs(L);
    for (size_t i = 0; i < n; i++)
        free(c.nested[i].v);
    free(c.nested);
    free(c.stamp);
    free(c.dynamic_ns);
    free(c.read);
    free(c.vis);
    free(c.frames.v);
    free(c.suffix.keys);
    free(c.suffix.next);
    free(c.used.v);
    free(c.inner.v);
    if (c.err) {
        *err = c.err;
        return -1;
    }
    *err = NULL;
    return 0;
}

void sl__link_free(sl__link *L)
{
    free(L->kind);
    free(L->reached);
    free(L->evs);
    free(L->cjs_order);
    free(L->require_name);
    free(L->interop[0]);
    free(L->interop[1]);
    free(L->ns_name);
    free(L->ns_expr);
    free(L->ns_cjs);
    free(L->ns_emitted);
    free(L->json_name);
    free(L->lazy_name);
    free(L->ns_list);
    free(L->ext);
    free(L->entry_exports);
    free(L->occ_text);
    free(L->occ_end);
    free(L->ns_entries);
    free(L->nns_entries);
    free(L->imp);
    free(L->xtab);
    free(L->xcap);
    free(L->warnings);
    sl__arena_free(&L->a);
}
