/*
 * linker.c - evaluation order, naming and binding resolution (linker.h).
 *
 * Names: every reached module's free names, the JavaScript keywords and
 * the bundle's own helpers are reserved first; then each ESM module, in
 * evaluation order, claims its top-level names, taking `name$N` only when
 * the name is already claimed.  Imports get no name of their own: an
 * import symbol's final_name is the text that replaces it, the final name
 * of the variable it resolves to through any chain of re-exports and
 * `export *`, which is what makes bindings live without any getter.
 */
#include "linker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_lexer.h"
#include "js_parser.h"

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
        s->cap = old.cap ? old.cap * 2 : 4096;
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

typedef struct linkctx {
    sl__link *L;
    sl__arena *tmp; /* texts made while resolving (the printer passes its own) */
    name_set used;
    name_set inner; /* names bound below the top level, anywhere */
    char *err;
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
    for (unsigned k = 1;; k++) {
        char *s = sl__arena_printf(&c->L->a, "%s$%u", base, k);
        if (!taken(c, s, 1)) {
            set_add(&c->used, s);
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

static void classify(sl__link *L)
{
    sl__graph *g = L->g;
    uint8_t *required = calloc(g->n, 1);
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        for (size_t k = 0; k < m->nrecs; k++)
            if (m->recs[k].kind == IR_REQUIRE && m->recs[k].module >= 0)
                required[m->recs[k].module] = 1;
    }
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        size_t n = strlen(m->path);
        int dot_cjs = n > 4 && !strcmp(m->path + n - 4, ".cjs");
        if (m->flags & MF_JSON)
            L->kind[i] = MK_JSON;
        else if (m->flags & MF_ESM_SYNTAX)
            L->kind[i] = MK_ESM;
        else if ((m->flags & MF_CJS_SYNTAX) || required[i] || dot_cjs || (int32_t)i == L->entry)
            L->kind[i] = (m->flags & MF_CJS_SYNTAX) || required[i] || dot_cjs ? MK_CJS : MK_ESM;
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
 * groups with top-level await, and ES modules reached only by require()
 * run first, before the entry (see docs/bundle.md, known limits). */
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

/* ---- binding resolution ------------------------------------------------- */

/* The name of mod's namespace object; `need` says it must be emitted
 * (a namespace import whose every use is `ns.name` needs only the name). */
static const char *interop_of(linkctx *c, int32_t mod, int node_mode);

/* `export *` from CommonJS somewhere below mod: its names are known only
 * at run time, so the namespace object is built on first use and the
 * interop objects it reads are listed in ns_cjs. */
static void find_cjs_stars(linkctx *c, int32_t mod)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    uint8_t *vis = calloc(g->n, 1);
    int32_t *stack = malloc(g->n * sizeof *stack);
    size_t sp = 0, n = 0;
    stack[sp++] = mod;
    vis[mod] = 1;
    while (sp) {
        js_module *m = g->mods[stack[--sp]];
        for (size_t k = 0; k < m->nstars; k++) {
            int32_t t = m->recs[m->stars[k]].module;
            if (t < 0 || vis[t])
                continue;
            vis[t] = 1;
            if (L->kind[t] == MK_ESM) {
                stack[sp++] = t;
            } else if (L->kind[t] == MK_CJS) {
                L->ns_cjs[mod] = sl__arena_realloc_array(&L->a, L->ns_cjs[mod], n, n + 2, sizeof(char *));
                L->ns_cjs[mod][n++] = interop_of(c, t, 1);
                L->ns_cjs[mod][n] = NULL;
            }
        }
    }
    free(vis);
    free(stack);
}

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

static const char *external_of(linkctx *c, const char *spec)
{
    sl__link *L = c->L;
    for (size_t i = 0; i < L->next; i++)
        if (!strcmp(L->ext[i].spec, spec))
            return L->ext[i].name;
    if (L->next == L->ext_cap) {
        L->ext_cap = L->ext_cap ? L->ext_cap * 2 : 8;
        L->ext = realloc(L->ext, L->ext_cap * sizeof *L->ext);
    }
    const char *b = base_of(L, spec);
    L->ext[L->next].spec = spec;
    L->ext[L->next].name = claim(c, sl__arena_printf(&L->a, "import_%s", b));
    if (L->o->format != FMT_ESM)
        L->need_toesm = 1;
    return L->ext[L->next++].name;
}

static const char *member(linkctx *c, const char *obj, const char *name)
{
    sl__arena *a = c->tmp;
    int plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                *p == '$';
    return plain ? sl__arena_printf(a, "%s.%s", obj, name) : sl__arena_printf(a, "%s[\"%s\"]", obj, name);
}

static const char *resolve_import(linkctx *c, int32_t mod, uint32_t sym, int depth);

/* The text that names export `name` of module `mod`, or NULL. */
static const char *resolve_export(linkctx *c, int32_t mod, const char *name, size_t len, int depth)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mod];
    if (depth > 100)
        return NULL;
    char *nm = sl__arena_strndup(c->tmp, name, len);
    if (L->kind[mod] == MK_CJS)
        return member(c, interop_of(c, mod, 1), nm);
    if (L->kind[mod] == MK_JSON)
        return !strcmp(nm, "default") ? json_of(c, mod) : member(c, json_of(c, mod), nm);
    for (size_t i = 0; i < m->nexports; i++) {
        js_export *e = &m->exports[i];
        if (strlen(e->name) != len || memcmp(e->name, name, len))
            continue;
        if (e->sym >= 0) {
            js_symbol *s = &m->syms[e->sym];
            if (s->kind == SYM_IMPORT)
                return resolve_import(c, mod, (uint32_t)e->sym, depth + 1);
            return s->final_name;
        }
        js_import_rec *r = &m->recs[e->rec];
        if (r->module < 0) {
            const char *x = external_of(c, r->spec);
            return !strcmp(e->imported, "*") ? x : member(c, x, e->imported);
        }
        if (!strcmp(e->imported, "*"))
            return L->kind[r->module] == MK_ESM ? ns_of(c, r->module) : interop_of(c, r->module, 1);
        return resolve_export(c, r->module, e->imported, strlen(e->imported), depth + 1);
    }
    if (len == 7 && !memcmp(name, "default", 7))
        return NULL;
    /* export *: ES modules first (their names are known); a CommonJS or
     * external star can only be asked at run time, so it comes last. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < m->nstars; i++) {
            js_import_rec *r = &m->recs[m->stars[i]];
            int dynamic = r->module < 0 || L->kind[r->module] != MK_ESM;
            if (dynamic != pass)
                continue;
            if (r->module < 0)
                return member(c, external_of(c, r->spec), nm);
            const char *t = resolve_export(c, r->module, name, len, depth + 1);
            if (t)
                return t;
        }
    return NULL;
}

static const char *resolve_import(linkctx *c, int32_t mod, uint32_t symi, int depth)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mod];
    js_symbol *s = &m->syms[symi];
    if (s->final_name)
        return s->final_name;
    js_import_binding *b = &m->imports[s->import_idx];
    js_import_rec *r = &m->recs[b->rec];
    const char *text;
    int node_mode = (m->flags & MF_NODE_MODE) != 0;
    if (r->module < 0) {
        const char *x = external_of(c, r->spec);
        text = !strcmp(b->imported, "*") ? x : member(c, x, b->imported);
    } else if (!strcmp(b->imported, "*")) {
        int32_t t = r->module;
        text = L->kind[t] == MK_ESM ? ns_name_of(c, t, 0) : L->kind[t] == MK_CJS ? interop_of(c, t, node_mode) : json_of(c, t);
        if (L->kind[t] == MK_JSON)
            text = sl__arena_printf(&L->a, "{ default: %s }", text);
    } else if (L->kind[r->module] == MK_CJS) {
        text = member(c, interop_of(c, r->module, node_mode), b->imported);
    } else {
        text = resolve_export(c, r->module, b->imported, strlen(b->imported), depth);
        if (!text) {
            uint32_t line, col;
            sl__js_line_col(m->src, m->len, r->spec_pos, &line, &col);
            char *what = sl__arena_printf(&L->a, "%s:%u:%u", m->path, line, col);
            fail(c, "%s: no export named \"%s\" in that module", what, b->imported);
            text = "undefined";
        }
    }
    s->final_name = text;
    return text;
}

const char *sl__link_member(sl__link *L, sl__arena *a, int32_t mod, const char *name, size_t len)
{
    linkctx c = {.L = L, .tmp = a};
    /* Only called after linking, for names the linker already resolved:
     * no new names are claimed on this path. */
    return resolve_export(&c, mod, name, len, 0);
}


const char **sl__link_export_names(sl__link *L, int32_t mod, size_t *n)
{
    sl__graph *g = L->g;
    name_set seen = {0};
    const char **out = NULL;
    size_t cnt = 0, cap = 0;
    uint8_t *vis = calloc(g->n, 1);
    int32_t *stack = malloc(g->n * sizeof *stack);
    size_t sp = 0;
    stack[sp++] = mod;
    vis[mod] = 1;
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
            if (t >= 0 && !vis[t]) {
                vis[t] = 1;
                stack[sp++] = t;
            }
        }
    }
    free(vis);
    free(stack);
    free(seen.v);
    *n = cnt;
    return out;
}

/* ---- names ---------------------------------------------------------------- */

static const char *js_reserved[] = {
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
    "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
    "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
    "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
    "public", "await", "arguments", "eval", "undefined", "NaN", "Infinity", "require", "module", "exports",
    "__cjs", "__toESM", "__ns", "__nsLazy", "__lazy", "__createRequire", "__fileURLToPath", "__filename", "__dirname", "Object", "Symbol", "Promise", NULL};

static void assign_names(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    for (int i = 0; js_reserved[i]; i++)
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
        for (size_t k = 0; k < m->nsyms; k++) {
            js_symbol *s = &m->syms[k];
            if (s->kind == SYM_IMPORT)
                continue;
            const char *base = s->name[0] ? s->name : sl__arena_printf(&L->a, "%s_default", base_of(L, m->path));
            s->final_name = claim_as(c, base, s->name[0] == 0);
        }
    }
}

/* Does every use of this namespace import read a statically known member? */
static void check_namespaces(linkctx *c, int32_t mi)
{
    sl__link *L = c->L;
    js_module *m = L->g->mods[mi];
    for (size_t k = 0; k < m->noccs; k++) {
        js_occ *o = &m->occs[k];
        js_symbol *s = &m->syms[o->sym];
        if (s->kind != SYM_IMPORT || (o->flags & OCC_DECL))
            continue;
        js_import_binding *b = &m->imports[s->import_idx];
        int32_t t = m->recs[b->rec].module;
        if (strcmp(b->imported, "*") || t < 0 || L->kind[t] != MK_ESM)
            continue;
        if ((o->flags & OCC_MEMBER) && !(o->flags & OCC_WRITE) &&
            resolve_export(c, t, m->src + o->mem_start, o->mem_len, 0))
            continue;
        ns_of(c, t);
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
        if (L->kind[t] == MK_ESM)
            ns_of(c, t);
        else if (r->kind == IR_DYNAMIC && L->kind[t] == MK_CJS)
            interop_of(c, t, 1);
        else
            require_of(c, t);
    }
}

static void entry_exports(linkctx *c)
{
    sl__link *L = c->L;
    if (L->kind[L->entry] != MK_ESM)
        return;
    if (L->o->format != FMT_ESM) {
        if (L->o->format == FMT_CJS || L->o->global_name)
            ns_of(c, L->entry);
        return;
    }
    /* ESM output: one `export` clause with every name the entry exports. */
    size_t n;
    const char **names = sl__link_export_names(L, L->entry, &n);
    L->entry_exports = malloc((2 * n + 1) * sizeof *L->entry_exports);
    for (size_t i = 0; i < n; i++) {
        const char *text = resolve_export(c, L->entry, names[i], strlen(names[i]), 0);
        if (!text)
            continue;
        L->entry_exports[L->nentry_exports++] = names[i];
        L->entry_exports[L->nentry_exports++] = text;
    }
    free(names);
}


/* ---- tree shaking ----------------------------------------------------------
 * Statement-level, over ESM modules.  Roots: every statement with side
 * effects in a module that is included (a module is included from the
 * start unless its package says "sideEffects": false, in which case it is
 * included once something it declares is used), the entry's exports and
 * every export reachable through a namespace object.  A live statement
 * makes live every symbol it reads; a live symbol makes live every
 * statement that declares it.  Imports are followed through their final
 * names, which are unique in the bundle. */

typedef struct sym_ref {
    int32_t mod;
    uint32_t sym;
} sym_ref;

typedef struct shaker {
    linkctx *c;
    /* final name -> symbol */
    const char **keys;
    sym_ref *vals;
    size_t cap;
    /* per module: occurrence range of each statement, declaring statements of each symbol */
    uint32_t **stmt_occ;  /* nstmts + 1 offsets into occs */
    uint32_t **decl_off;  /* nsyms + 1 offsets into decl_stmt */
    uint32_t **decl_stmt;
    uint8_t *included;
    SL_VEC(sym_ref) work; /* symbols to process */
} shaker;

static void map_put(shaker *sh, const char *k, sym_ref v)
{
    size_t i = hname(k, strlen(k)) & (sh->cap - 1);
    while (sh->keys[i])
        i = (i + 1) & (sh->cap - 1);
    sh->keys[i] = k;
    sh->vals[i] = v;
}

static sym_ref *map_get(shaker *sh, const char *k)
{
    size_t i = hname(k, strlen(k)) & (sh->cap - 1);
    for (; sh->keys[i]; i = (i + 1) & (sh->cap - 1))
        if (!strcmp(sh->keys[i], k))
            return &sh->vals[i];
    return NULL;
}

/* Final name -> symbol, over every ES module in the output. */
static void name_map_build(shaker *sh)
{
    sl__link *L = sh->c->L;
    size_t nsyms = 0;
    for (size_t e = 0; e < L->nevs; e++)
        if (L->evs[e].type == EV_ESM)
            nsyms += L->g->mods[L->evs[e].mod]->nsyms;
    sh->cap = 64;
    while (sh->cap < nsyms * 2 + 2)
        sh->cap *= 2;
    sh->keys = calloc(sh->cap, sizeof *sh->keys);
    sh->vals = calloc(sh->cap, sizeof *sh->vals);
    for (size_t e = 0; e < L->nevs; e++) {
        if (L->evs[e].type != EV_ESM)
            continue;
        js_module *m = L->g->mods[L->evs[e].mod];
        for (uint32_t k = 0; k < m->nsyms; k++)
            if (m->syms[k].kind != SYM_IMPORT)
                map_put(sh, m->syms[k].final_name, (sym_ref){L->evs[e].mod, k});
    }
}

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

static void live_sym(shaker *sh, int32_t mi, uint32_t sym)
{
    js_module *m = sh->c->L->g->mods[mi];
    if (m->syms[sym].live)
        return;
    m->syms[sym].live = 1;
    sym_ref r = {mi, sym};
    SL_VEC_PUSH(sh->work, r);
}

static void live_text(shaker *sh, const char *text)
{
    sym_ref *r = text ? map_get(sh, text) : NULL;
    if (r)
        live_sym(sh, r->mod, r->sym);
}

static void live_stmt(shaker *sh, int32_t mi, uint32_t st)
{
    sl__link *L = sh->c->L;
    js_module *m = L->g->mods[mi];
    js_stmt *s = &m->stmts[st];
    if (s->live)
        return;
    s->live = 1;
    if (s->default_sym >= 0)
        live_sym(sh, mi, (uint32_t)s->default_sym);
    for (uint32_t k = sh->stmt_occ[mi][st]; k < sh->stmt_occ[mi][st + 1]; k++) {
        js_occ *o = &m->occs[k];
        if (o->flags & OCC_DECL)
            continue;
        js_symbol *sy = &m->syms[o->sym];
        if (sy->kind == SYM_IMPORT && (o->flags & OCC_MEMBER)) {
            js_import_binding *b = &m->imports[sy->import_idx];
            int32_t t = m->recs[b->rec].module;
            if (!strcmp(b->imported, "*") && t >= 0 && L->kind[t] == MK_ESM) {
                const char *txt = resolve_export(sh->c, t, m->src + o->mem_start, o->mem_len, 0);
                if (txt) {
                    live_text(sh, txt);
                    continue;
                }
            }
        }
        live_sym(sh, mi, o->sym);
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

static void live_exports_of(shaker *sh, int32_t mi)
{
    size_t n;
    const char **names = sl__link_export_names(sh->c->L, mi, &n);
    for (size_t k = 0; k < n; k++)
        live_text(sh, resolve_export(sh->c, mi, names[k], strlen(names[k]), 0));
    free(names);
}

static void shake(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    shaker sh = {.c = c};
    name_map_build(&sh);
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
    for (size_t i = 0; i < L->nentry_exports; i += 2)
        live_text(&sh, L->entry_exports[i + 1]);
    for (size_t i = 0; i < L->nns; i++)
        live_exports_of(&sh, L->ns_list[i]);
    while (sh.work.n) {
        sym_ref r = sh.work.v[--sh.work.n];
        js_module *m = g->mods[r.mod];
        js_symbol *sy = &m->syms[r.sym];
        if (sy->kind == SYM_IMPORT) {
            live_text(&sh, sy->final_name);
            continue;
        }
        if (m->flags & MF_NO_SIDE_EFFECTS)
            include_module(&sh, r.mod);
        for (uint32_t k = sh.decl_off[r.mod][r.sym]; k < sh.decl_off[r.mod][r.sym + 1]; k++)
            live_stmt(&sh, r.mod, sh.decl_stmt[r.mod][k]);
        if (sy->stmt >= 0 && sy->name[0] == 0)
            live_stmt(&sh, r.mod, (uint32_t)sy->stmt);
    }
    for (size_t i = 0; i < g->n; i++) {
        free(sh.stmt_occ[i]);
        free(sh.decl_off[i]);
        free(sh.decl_stmt[i]);
    }
    free(sh.stmt_occ);
    free(sh.decl_off);
    free(sh.decl_stmt);
    free(sh.included);
    free(sh.keys);
    free(sh.vals);
    free(sh.work.v);
}

/* An import is replaced by its target's final name.  When the importing
 * module binds that name in an inner scope (and imported it under another
 * local name), the inner binding would capture the reference: such a
 * target is renamed, and imports are resolved again.  Returns 1 when
 * something was renamed. */
static int fix_captures(linkctx *c)
{
    sl__link *L = c->L;
    sl__graph *g = L->g;
    shaker sh = {.c = c};
    name_map_build(&sh);
    int renamed = 0;
    for (size_t e = 0; e < L->nevs; e++) {
        if (L->evs[e].type != EV_ESM)
            continue;
        js_module *m = g->mods[L->evs[e].mod];
        if (!m->nnested_names)
            continue;
        name_set nested = {0};
        for (uint32_t k = 0; k < m->nsyms; k++) {
            js_symbol *s = &m->syms[k];
            if (s->kind != SYM_IMPORT || !s->final_name || !strcmp(s->final_name, s->name))
                continue;
            if (!nested.cap)
                for (size_t i = 0; i < m->nnested_names; i++)
                    set_add(&nested, m->nested_names[i]);
            if (!set_has(&nested, s->final_name))
                continue;
            sym_ref *t = map_get(&sh, s->final_name);
            if (!t)
                continue;
            js_symbol *ts = &g->mods[t->mod]->syms[t->sym];
            ts->final_name = claim(c, ts->final_name);
            renamed = 1;
        }
        free(nested.v);
    }
    free(sh.keys);
    free(sh.vals);
    return renamed;
}

static void resolve_all_imports(linkctx *c, int reset)
{
    sl__link *L = c->L;
    for (size_t e = 0; e < L->nevs; e++) {
        int32_t mi = L->evs[e].mod;
        js_module *m = L->g->mods[mi];
        if (L->evs[e].type == EV_JSON_INIT)
            json_of(c, mi);
        if (L->evs[e].type != EV_ESM)
            continue;
        for (size_t k = 0; k < m->nsyms; k++)
            if (m->syms[k].kind == SYM_IMPORT) {
                if (reset)
                    m->syms[k].final_name = NULL;
                else
                    resolve_import(c, mi, (uint32_t)k, 0);
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
    linkctx c = {.L = L, .tmp = &L->a};
    classify(L);
    reach(L);
    order(L);
    assign_names(&c);
    if (L->kind[entry] == MK_CJS || L->kind[entry] == MK_JSON)
        require_of(&c, entry);
    for (size_t e = 0; e < L->nevs; e++)
        if (L->evs[e].type == EV_LAZY_BEGIN) {
            int32_t mi = L->evs[e].mod;
            L->lazy_name[mi] = claim(&c, sl__arena_printf(&L->a, "init_%s", base_of(L, g->mods[mi]->path)));
            ns_of(&c, mi);
            L->need_lazy = 1;
        }
    resolve_all_imports(&c, 0);
    for (int round = 0; round < 4 && !c.err && fix_captures(&c); round++) {
        resolve_all_imports(&c, 1);
        resolve_all_imports(&c, 0);
    }
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && L->kind[i] != MK_JSON) {
            link_requires(&c, (int32_t)i);
            if (L->kind[i] == MK_ESM)
                check_namespaces(&c, (int32_t)i);
        }
    entry_exports(&c);
    shake(&c);
    if (o->format != FMT_ESM)
        for (size_t i = 0; i < n; i++)
            if (L->reached[i] && L->kind[i] == MK_ESM && (g->mods[i]->flags & MF_TLA))
                fail(&c, "%s: top-level await needs --format esm%s", g->mods[i]->path, "");
    /* CJS modules required by closures defined later still need names:
     * require_of() appended them to cjs_order as they were found. */
    for (size_t i = 0; i < L->ncjs; i++)
        link_requires(&c, L->cjs_order[i]);
    for (size_t i = 0; i < n; i++)
        if (L->reached[i] && L->kind[i] == MK_JSON && !L->json_name[i] && !L->require_name[i])
            require_of(&c, (int32_t)i);
    for (size_t i = 0; i < n; i++) {
        js_module *m = g->mods[i];
        if (!L->reached[i])
            continue;
        for (size_t k = 0; k < m->nrecs; k++)
            if (m->recs[k].kind == IR_REQUIRE && m->recs[k].builtin && m->recs[k].module < 0)
                L->need_require = 1;
        /* require() left to run time (a computed name, require.resolve):
         * on node, ESM output gets a real require from createRequire. */
        if (o->platform_node && L->kind[i] == MK_CJS)
            for (size_t k = 0; k < m->nfree_names; k++) {
                if (!strcmp(m->free_names[k], "require"))
                    L->need_require = 1;
                if (!strcmp(m->free_names[k], "__filename") || !strcmp(m->free_names[k], "__dirname"))
                    L->need_dirname = 1;
            }
    }
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
    sl__arena_free(&L->a);
}
