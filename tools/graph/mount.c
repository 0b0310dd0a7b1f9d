/*
 * mount.c - Rust's module tree: which file each `mod x;` loads, and the
 * global nodes of every file at the place the tree puts it.
 *
 * The rule it rests on (the Rust reference, "Modules"): a file "owns" a
 * directory where its child modules live.  A crate root, a mod.rs and a
 * file loaded through #[path] own their own directory; any other file
 * a/b.rs owns a/b/.  `mod c;` then loads <owned>/c.rs or <owned>/c/mod.rs,
 * inline modules add their names (or #[path] values) as directories, and
 * a #[path] outside inline modules is relative to the file's directory.
 * A file is instantiated at each place it is mounted; a file that is
 * already on the mount stack is a cycle and is not mounted again.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "graph.h"
#include "snapshot.h"
#include "xalloc.h"

enum { MAX_MOUNT_DEPTH = 128 };

char *gr_path_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return gr_xstrdup(".");
    if (s == path)
        return gr_xstrdup("/");
    return gr_xstrndup(path, (size_t)(s - path));
}

/* dir/rel with "." segments dropped and "x/.." folded. */
char *gr_path_join(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *in = gr_xmalloc(n);
    if (rel[0] == '/' || !dir[0])
        snprintf(in, n, "%s", rel);
    else
        snprintf(in, n, "%s/%s", dir, rel);
    int abs = in[0] == '/';
    char **seg = gr_xmalloc(n * sizeof *seg);
    size_t ns = 0;
    for (char *tok = strtok(in, "/"); tok; tok = strtok(NULL, "/")) {
        if (!strcmp(tok, "."))
            continue;
        if (!strcmp(tok, "..") && ns && strcmp(seg[ns - 1], "..")) {
            ns--;
            continue;
        }
        if (!strcmp(tok, "..") && abs && !ns)
            continue;
        seg[ns++] = tok;
    }
    char *out = gr_xmalloc(n + 2);
    size_t len = 0;
    if (abs)
        out[len++] = '/';
    for (size_t i = 0; i < ns; i++)
        len += (size_t)sprintf(out + len, "%s%s", i ? "/" : "", seg[i]);
    if (!len)
        out[len++] = '.';
    out[len] = 0;
    free(seg);
    free(in);
    return out;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The directory a file owns for its `mod x;` declarations. */
static char *owned_dir(const char *path, int mod_rs)
{
    char *dir = gr_path_dirname(path);
    if (mod_rs)
        return dir;
    const char *b = base_name(path);
    size_t bl = strlen(b);
    char *stem = gr_xstrndup(b, bl > 3 && !strcmp(b + bl - 3, ".rs") ? bl - 3 : bl);
    char *r = gr_path_join(dir, stem);
    free(stem);
    free(dir);
    return r;
}

/* A module's name as a file or directory name: a raw identifier without
 * its `r#` (`mod r#type;` loads type.rs, as rustc does). */
static const char *file_name_of(const char *name)
{
    return name[0] == 'r' && name[1] == '#' ? name + 2 : name;
}

/* The inline modules around item i of f, outermost first, as a relative
 * directory ("a/b"), each contributing its #[path] or its name. */
static void inline_dirs(const fg_file *f, uint32_t i, char *out, size_t cap)
{
    uint32_t chain[64];
    int n = 0;
    for (uint32_t p = f->items[i].parent; p != 0 && n < 64; p = f->items[p].parent)
        if (f->items[p].kind == GK_MODULE)
            chain[n++] = p;
    size_t len = 0;
    out[0] = 0;
    for (int k = n - 1; k >= 0; k--) {
        const fg_item *m = &f->items[chain[k]];
        const char *s = m->path_attr.len ? fg_ptr(f, m->path_attr) : file_name_of(fg_ptr(f, m->name));
        len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", len ? "/" : "", s);
        if (len >= cap) {
            out[cap - 1] = 0;
            return;
        }
    }
}

/* Candidate files for `mod` item i of f, most likely first. */
static void candidates(const fg_file *f, uint32_t i, int mod_rs, gr_strlist *out)
{
    const fg_item *it = &f->items[i];
    char in[1024], rel[1200];
    inline_dirs(f, i, in, sizeof in);
    const char *name = file_name_of(fg_ptr(f, it->name));
    if (it->path_attr.len) {
        const char *p = fg_ptr(f, it->path_attr);
        char *base = in[0] ? owned_dir(f->path, mod_rs) : gr_path_dirname(f->path);
        snprintf(rel, sizeof rel, "%s%s%s", in, in[0] ? "/" : "", p);
        char *c = gr_path_join(base, rel);
        gr_strlist_push(out, c);
        free(c);
        free(base);
        return;
    }
    char *base = owned_dir(f->path, mod_rs);
    snprintf(rel, sizeof rel, "%s%s%s.rs", in, in[0] ? "/" : "", name);
    char *c = gr_path_join(base, rel);
    gr_strlist_push(out, c);
    free(c);
    snprintf(rel, sizeof rel, "%s%s%s/mod.rs", in, in[0] ? "/" : "", name);
    c = gr_path_join(base, rel);
    gr_strlist_push(out, c);
    free(c);
    free(base);
}

void gr_mount_candidates(const gr_graph *g, const fg_file *f, gr_strlist *out)
{
    (void)g;
    for (uint32_t i = 1; i < f->nitems; i++) {
        if (f->items[i].kind != GK_MODULE || f->items[i].sub != FS_DECL)
            continue;
        candidates(f, i, 1, out);
        candidates(f, i, 0, out);
    }
}

/* ---- instantiation ------------------------------------------------------ */

typedef struct mount_ctx {
    gr_graph *g;
    uint32_t crate;
    int depth;
    /* (scope, name) or (scope, 0) for globs -> the last import on its
     * chain, so that an import is appended without walking the chain */
    gr_map import_tails;
} mount_ctx;

static uint32_t intern_fg(gr_graph *g, const fg_file *f, fg_str s)
{
    return gr_strtab_intern(&g->st, fg_ptr(f, s), s.len);
}

/* Appends s[0..len) at buf + n, keeping the text under cap bytes (as
 * snprintf would truncate it); returns the new length. */
static size_t cat(char *buf, size_t cap, size_t n, const char *s, size_t len)
{
    if (n + 1 >= cap)
        return n;
    if (len > cap - 1 - n)
        len = cap - 1 - n;
    memcpy(buf + n, s, len);
    return n + len;
}

/* The path a new child of `parent` gets. */
static uint32_t child_path(gr_graph *g, const gr_node *parent, int kind, uint32_t name_id, const char *trait,
                           int negative)
{
    /* pp is read into buf before the new path is appended to g->text */
    const char *pp = gr_text_str(g, parent->path), *name = gr_str(&g->st, name_id);
    size_t pl = gr_text_len(g, parent->path), nl = gr_strlen(&g->st, name_id), n = 0;
    char buf[2048];
    if (parent->kind == GK_IMPL) {
        /* methods are named through their type: crate::a::Foo::new */
        const char *pe = strrchr(pp, '{');
        char scope[2048];
        size_t sn = cat(scope, sizeof scope, 0, pp, pe ? (size_t)(pe - pp) : pl);
        sn = cat(scope, sizeof scope, sn, gr_str(&g->st, parent->name), gr_strlen(&g->st, parent->name));
        n = cat(buf, sizeof buf, 0, scope, sn);
        n = cat(buf, sizeof buf, n, "::", 2);
        n = cat(buf, sizeof buf, n, name, nl);
        return gr_text_add(g, buf, n);
    }
    n = cat(buf, sizeof buf, 0, pp, pl);
    switch (kind) {
    case GK_IMPL:
        n = cat(buf, sizeof buf, n, "::{", 3);
        if (trait && trait[0]) {
            char t[1024];
            size_t tn = cat(t, sizeof t, 0, "impl !", negative ? 6 : 5);
            tn = cat(t, sizeof t, tn, trait, strlen(trait));
            tn = cat(t, sizeof t, tn, " for ", 5);
            tn = cat(t, sizeof t, tn, name, nl);
            n = cat(buf, sizeof buf, n, t, tn);
        } else {
            n = cat(buf, sizeof buf, n, "impl !", negative ? 6 : 5);
            n = cat(buf, sizeof buf, n, name, nl);
        }
        n = cat(buf, sizeof buf, n, "}", 1);
        break;
    case GK_USE:
        n = cat(buf, sizeof buf, n, "::{use}", 7);
        break;
    default:
        n = cat(buf, sizeof buf, n, "::", 2);
        n = cat(buf, sizeof buf, n, name, nl);
        break;
    }
    return gr_text_add(g, buf, n);
}

static void mount_file(mount_ctx *m, uint32_t file, uint32_t module, int mod_rs);

/* The last segment of the trait an impl implements, for its path.  The
 * extractor records an impl's references right after creating it, so a
 * cursor moving forward through the refs finds them in one pass. */
static const char *impl_trait_name(const fg_file *f, uint32_t item, size_t *cursor)
{
    size_t r = *cursor;
    while (r < f->nrefs && f->refs[r].from < item)
        r++;
    *cursor = r;
    for (; r < f->nrefs && f->refs[r].from == item; r++) {
        if (f->refs[r].edge == GE_IMPLEMENTS) {
            const char *t = fg_ptr(f, f->refs[r].text);
            const char *s = strrchr(t, ':');
            return s ? s + 1 : t;
        }
    }
    return NULL;
}

void gr_mount_index_children(gr_graph *g)
{
    size_t n = 0;
    for (size_t id = 1; id < g->nnodes; id++)
        n += gr_is_named_child(&g->nodes[id]);
    /* 7 MB on the crate corpus, freed below: whole huge pages (xalloc.h),
     * not malloc's, fresh 4 KiB pages when the cache's threads hold what
     * the parse freed (+760 faults on an empty cache) */
    size_t nk = n ? n : 1;
    uint64_t *keys = gr_xtemp(nk * sizeof *keys);
    uint32_t *ids = gr_xtemp(nk * sizeof *ids), *first = gr_xtemp(nk * sizeof *first);
    size_t k = 0;
    for (size_t id = 1; id < g->nnodes; id++) {
        const gr_node *x = &g->nodes[id];
        if (gr_is_named_child(x)) {
            keys[k] = gr_key(x->parent, x->name);
            ids[k++] = (uint32_t)id;
        }
    }
    gr_map_add_many(&g->children, n, keys, ids, first);
    /* a name declared again goes on the end of the first one's chain
     * (lookups prefer the first declaration), in id order; each chain's
     * tail is remembered, so a name declared 100,000 times in one scope
     * costs 100,000 steps, not 5 billion */
    gr_map tails = {0};
    for (size_t i = 0; i < n; i++) {
        if (!first[i])
            continue;
        uint32_t t = gr_map_get(&tails, first[i]);
        if (!t)
            for (t = first[i]; g->nodes[t].next_same;)
                t = g->nodes[t].next_same;
        g->nodes[t].next_same = ids[i];
        gr_map_put(&tails, first[i], ids[i]);
    }
    gr_map_free(&tails);
    gr_xtemp_free(keys, nk * sizeof *keys);
    gr_xtemp_free(ids, nk * sizeof *ids);
    gr_xtemp_free(first, nk * sizeof *first);
}

/* The name a non-glob use binds: its alias (none for `as _`) or the last
 * segment of its path. */
static uint32_t use_bind(gr_graph *g, const fg_file *f, const fg_use *u)
{
    if (u->glob)
        return 0;
    if (u->alias.len)
        return (u->alias.len == 1 && fg_ptr(f, u->alias)[0] == '_') ? 0 : intern_fg(g, f, u->alias);
    const char *p = fg_ptr(f, u->path);
    const char *last = strrchr(p, ':');
    last = last ? last + 1 : p;
    return gr_strtab_intern(&g->st, last, strlen(last));
}

void gr_mount_intern(gr_graph *g, fg_file *f)
{
    f->gid_items = gr_xmalloc((f->nitems ? f->nitems : 1) * 2 * sizeof *f->gid_items);
    for (size_t i = 0; i < f->nitems; i++) {
        f->gid_items[2 * i] = intern_fg(g, f, f->items[i].name);
        f->gid_items[2 * i + 1] = intern_fg(g, f, f->items[i].vis);
    }
    f->gid_refs = gr_xmalloc((f->nrefs ? f->nrefs : 1) * sizeof *f->gid_refs);
    for (size_t r = 0; r < f->nrefs; r++)
        f->gid_refs[r] = intern_fg(g, f, f->refs[r].text);
    f->gid_uses = gr_xmalloc((f->nuses ? f->nuses : 1) * 2 * sizeof *f->gid_uses);
    for (size_t u = 0; u < f->nuses; u++) {
        f->gid_uses[2 * u] = intern_fg(g, f, f->uses[u].path);
        f->gid_uses[2 * u + 1] = use_bind(g, f, &f->uses[u]);
    }
}

/* Appends use `use` of f, on `node` in `scope`, to its (scope, name)
 * chain, or to the scope's glob chain: in mount order, which resolution
 * and the outputs keep.  The chain's tail is remembered in m, so 40,000
 * globs of one module (all one chain) cost 40,000 steps, not 800 million
 * (an outside tester: 1.8 s of mount). */
static void add_import(mount_ctx *m, const fg_file *f, size_t use, uint32_t node, uint32_t scope)
{
    gr_graph *g = m->g;
    const fg_use *u = &f->uses[use];
    gr_import im;
    memset(&im, 0, sizeof im);
    im.node = node;
    im.scope = scope;
    im.path = f->gid_uses[2 * use];
    im.glob = u->glob;
    im.bind = f->gid_uses[2 * use + 1];
    if (g->nimports == g->imports_cap) {
        g->imports_cap = g->imports_cap ? g->imports_cap * 2 : 256;
        g->imports = gr_xrealloc(g->imports, g->imports_cap * sizeof *g->imports);
    }
    uint32_t id = (uint32_t)g->nimports++;
    gr_map *map = im.glob ? &g->globs : &g->binds;
    /* a glob's key (scope, 0) is no bind's: a bind's name is never 0 */
    uint64_t key = gr_key(scope, im.glob ? 0 : im.bind);
    g->imports[id] = im;
    if (!im.glob && !im.bind)
        return; /* `use x as _;` binds nothing, but still imports */
    uint32_t first = gr_map_get(map, key);
    if (!first) {
        gr_map_put(map, key, id);
    } else {
        /* a chain not appended to yet (one import, or an earlier mount's
         * kept by a snapshot) is walked once; a one-import chain, the usual
         * case, costs no entry in the tails map */
        uint32_t t = gr_map_get(&m->import_tails, key);
        if (!t)
            for (t = first; g->imports[t].next;)
                t = g->imports[t].next;
        g->imports[t].next = id;
        gr_map_put(&m->import_tails, key, id);
    }
}

/* `mod x;` item i of f became node `mod_node`: find and mount its file. */
static void mount_decl(mount_ctx *m, const fg_file *f, uint32_t i, uint32_t mod_node, int mod_rs)
{
    gr_graph *g = m->g;
    gr_strlist cand = {0};
    candidates(f, i, mod_rs, &cand);
    uint32_t found = UINT32_MAX;
    for (size_t c = 0; c < cand.n && found == UINT32_MAX; c++) {
        uint32_t id = gr_strtab_find(&g->st, cand.v[c], strlen(cand.v[c]));
        uint32_t fi = id == UINT32_MAX ? 0 : gr_map_get(&g->file_by_path, gr_key(id, 0));
        if (fi && g->files[fi - 1].fg)
            found = fi - 1;
    }
    const char *name = fg_ptr(f, f->items[i].name);
    uint32_t line = f->items[i].line;
    size_t warned = g->nwarnings;
    if (found == UINT32_MAX) {
        if (cand.n == 1)
            gr_graph_warn(g, f->path, line, "module `%s`: file %s not found", name, cand.v[0]);
        else
            gr_graph_warn(g, f->path, line, "module `%s`: neither %s nor %s exists", name, cand.v[0],
                          cand.n > 1 ? cand.v[1] : "");
    } else if (g->files[found].fg->failed) {
        /* its own read error is reported on the file; say who wanted it */
        gr_graph_warn(g, f->path, line, "module `%s`: %s could not be read", name, g->files[found].path);
    } else if (g->files[found].on_stack) {
        gr_graph_warn(g, f->path, line, "module `%s`: %s is already being loaded (a module cycle); not loaded again",
                      name, g->files[found].path);
    } else if (m->depth >= MAX_MOUNT_DEPTH) {
        gr_graph_warn(g, f->path, line, "module `%s`: modules nested deeper than %d files; not loaded", name,
                      MAX_MOUNT_DEPTH);
    } else {
        /* A file loaded through #[path] owns its own directory. */
        int child_mod_rs = f->items[i].path_attr.len > 0 || !strcmp(base_name(g->files[found].path), "mod.rs");
        mount_file(m, found, mod_node, child_mod_rs);
        warned = SIZE_MAX; /* its warnings are its own */
    }
    if (warned != SIZE_MAX && g->nwarnings > warned)
        gr_warning_origin(g, f->index, GR_WARN_ITEM, i);
    gr_strlist_free(&cand);
}

static void mount_file(mount_ctx *m, uint32_t file, uint32_t module, int mod_rs)
{
    gr_graph *g = m->g;
    gr_file *gf = &g->files[file];
    const fg_file *f = gf->fg;
    gf->on_stack = 1;
    gf->mounted = 1;
    m->depth++;
    uint32_t *map = gr_xmalloc((f->nitems ? f->nitems : 1) * sizeof *map);
    map[0] = module;
    size_t ref_cursor = 0;
    if (!gf->module)
        gf->module = module;
    if (g->nodes[module].kind == GK_CRATE || !g->nodes[module].parent) {
        /* a root spans its whole file; a `mod x;` keeps its own span */
        g->nodes[module].end_line = f->nitems ? f->items[0].end_line : 1;
        g->nodes[module].end_col = f->nitems ? f->items[0].end_col : 1;
    }
    for (uint32_t i = 1; i < f->nitems; i++) {
        const fg_item *it = &f->items[i];
        gr_node n;
        memset(&n, 0, sizeof n);
        n.kind = it->kind;
        n.sub = it->sub;
        n.name = f->gid_items[2 * i]; /* interned by the merger's take() */
        n.sig = gr_text_add(g, fg_ptr(f, it->sig), it->sig.len);
        n.vis = f->gid_items[2 * i + 1];
        if (it->macro.len)
            n.macro = gr_strtab_intern(&g->st, fg_ptr(f, it->macro), it->macro.len);
        n.file = file + 1;
        n.line = it->line;
        n.col = it->col;
        n.end_line = it->end_line;
        n.end_col = it->end_col;
        n.parent = map[it->parent < i ? it->parent : 0];
        n.crate = m->crate;
        const char *trait = it->kind == GK_IMPL ? impl_trait_name(f, i, &ref_cursor) : NULL;
        /* {impl !Send for T}; {impl !Trait} (a negative impl without a trait) */
        n.path = child_path(g, &g->nodes[n.parent], it->kind, n.name, trait, it->sub == FS_NEGATIVE);
        uint32_t id = gr_graph_add_node(g, &n);
        map[i] = id;
        gr_graph_add_edge(g, n.parent, GE_CONTAINS, id);
        if (it->kind == GK_MODULE && it->sub == FS_DECL)
            mount_decl(m, f, i, id, mod_rs);
    }
    for (size_t u = 0; u < f->nuses; u++) {
        uint32_t node = map[f->uses[u].item];
        add_import(m, f, u, node, g->nodes[node].parent);
    }
    uint32_t pending0 = (uint32_t)g->npending;
    for (size_t r = 0; r < f->nrefs; r++) {
        if (g->npending == g->pending_cap) {
            g->pending_cap = g->pending_cap ? g->pending_cap * 2 : 1024;
            g->pending = gr_xrealloc(g->pending, g->pending_cap * sizeof *g->pending);
        }
        g->pending[g->npending++] = (gr_pending){
            map[f->refs[r].from], f->gid_refs[r], f->refs[r].edge, f->refs[r].form};
    }
    if (g->mlog) { /* for a snapshot: this mount's nodes and references */
        gr_mountlog *ml = g->mlog;
        if (ml->n == ml->cap)
            ml->v = gr_xrealloc(ml->v, (ml->cap = ml->cap ? 2 * ml->cap : 256) * sizeof *ml->v);
        ml->v[ml->n++] = (gr_mounted){file, pending0, (uint32_t)f->nrefs, (uint32_t)(f->nitems ? f->nitems : 1), map};
        map = NULL;
    }
    free(map);
    m->depth--;
    gf->on_stack = 0;
}

static uint32_t new_root(gr_graph *g, int kind, int sub, const char *name, const char *path, uint32_t file)
{
    gr_node n;
    memset(&n, 0, sizeof n);
    n.kind = (uint8_t)kind;
    n.sub = (uint8_t)sub;
    n.name = gr_strtab_intern(&g->st, name, strlen(name));
    n.path = gr_text_add(g, path, strlen(path));
    n.file = file + 1;
    n.line = n.col = 1;
    return gr_graph_add_node(g, &n);
}

static const char *stem_of(const char *path, char *buf, size_t cap)
{
    const char *b = base_name(path);
    size_t l = strlen(b);
    if (l > 3 && !strcmp(b + l - 3, ".rs"))
        l -= 3;
    snprintf(buf, cap, "%.*s", (int)l, b);
    return buf;
}

static int orphan_cmp(const void *a, const void *b)
{
    const gr_file *const *x = a, *const *y = b;
    return strcmp((*x)->path, (*y)->path);
}

/* Sizes the tables once from what the workers found, instead of doubling
 * them (and copying, and faulting in fresh pages) all through the mount. */
/* Memory the mount is about to fill, faulted in ahead of it on another
 * thread: the mount runs alone, so the other core is free, and a page
 * fault costs about as much as filling the page.  MADV_POPULATE_WRITE
 * (Linux 5.14) maps pages without touching their contents, so it is safe
 * beside the writes; elsewhere this does nothing. */
enum { PREFAULT_MAX = 8 };
typedef struct prefault {
    char *at[PREFAULT_MAX];
    size_t len[PREFAULT_MAX];
    int n;
    pthread_t tid;
    int running;
} prefault;

static void prefault_add(prefault *p, void *at, size_t len)
{
    if (p->n == PREFAULT_MAX || !at || !len)
        return;
    p->at[p->n] = at;
    p->len[p->n++] = len;
}

static void *prefault_run(void *arg)
{
#ifdef MADV_POPULATE_WRITE
    prefault *p = arg;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < p->n; i++) {
        uintptr_t a = (uintptr_t)p->at[i] & ~(page - 1), b = (uintptr_t)p->at[i] + p->len[i];
        (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
    }
#else
    (void)arg;
#endif
    return NULL;
}

static void reserve(gr_graph *g, prefault *pf)
{
    size_t items = 0, refs = 0, uses = 0, bytes = 0;
    for (size_t i = 0; i < g->nfiles; i++) {
        const fg_file *f = g->files[i].fg;
        if (!f)
            continue;
        items += f->nitems;
        refs += f->nrefs;
        uses += f->nuses;
        bytes += f->arena_len;
    }
    /* room for the unresolved nodes too (one per reference or use at
     * most), so that gr_resolve_reserve has nothing left to move */
    size_t nodes = g->nnodes + items + g->ncrates + g->nfiles + refs + uses;
    gr_graph_reserve(g, nodes, items + refs + uses);
    /* paths (about 48 bytes) and signatures of the items, texts of the
     * unresolved: the files' own strings bound the latter two */
    gr_text_reserve(g, 64 * items + 2 * bytes + 16 * (refs + uses));
    /* what the mount itself writes: a node, a path and a signature per
     * item (paths ~50 bytes; signatures no longer than the files' own
     * strings), a pending reference per reference */
    size_t more = items + g->ncrates + g->nfiles;
    prefault_add(pf, g->nodes + g->nnodes, more * sizeof *g->nodes);
    size_t text = 56 * items + bytes;
    if (text > g->text.cap - g->text.len)
        text = g->text.cap - g->text.len;
    prefault_add(pf, g->text.buf + g->text.len, text);
    if (g->pending_cap < refs) {
        g->pending_cap = refs;
        g->pending = gr_xrealloc(g->pending, refs * sizeof *g->pending);
    }
    prefault_add(pf, g->pending, refs * sizeof *g->pending);
    /* the maps too: doubling them rehashes everything and faults in fresh
     * pages on the one thread the whole tail waits for */
    gr_map_reserve(&g->children, items + g->ncrates + g->nfiles);
    gr_map_reserve(&g->binds, uses);
    if (g->imports_cap < g->nimports + uses) {
        g->imports_cap = g->nimports + uses;
        g->imports = gr_xrealloc(g->imports, g->imports_cap * sizeof *g->imports);
    }
}

void gr_mount_all(gr_graph *g)
{
    mount_ctx m = {g, 0, 0, {0}};
    prefault pf;
    memset(&pf, 0, sizeof pf);
    reserve(g, &pf);
    pf.running = pthread_create(&pf.tid, NULL, prefault_run, &pf) == 0;
    for (size_t c = 0; c < g->ncrates; c++) {
        gr_crate *cr = &g->crates[c];
        int added;
        uint32_t file = gr_graph_file(g, cr->root, cr->package, 0, &added);
        uint32_t node = new_root(g, GK_CRATE, FS_NONE, cr->name, "crate", file);
        g->nodes[node].crate = node;
        g->nodes[node].sig = gr_text_add(g, cr->kind, strlen(cr->kind));
        cr->node = node;
        m.crate = node;
        gr_file *gf = &g->files[file];
        if (!gf->fg || gf->fg->failed) {
            gr_graph_warn(g, cr->root, 0, "crate root could not be read; crate `%s` is empty", cr->name);
            continue;
        }
        mount_file(&m, file, node, 1);
    }
    /* Orphans: walked files no root reached, in path order. */
    gr_file **orph = gr_xmalloc((g->nfiles ? g->nfiles : 1) * sizeof *orph);
    size_t no = 0;
    for (size_t i = 0; i < g->nfiles; i++)
        if (g->files[i].walked && !g->files[i].mounted && g->files[i].fg && !g->files[i].fg->failed)
            orph[no++] = &g->files[i];
    qsort(orph, no, sizeof *orph, orphan_cmp);
    for (size_t i = 0; i < no; i++) {
        if (orph[i]->mounted) /* an earlier orphan's `mod` reached it */
            continue;
        uint32_t file = (uint32_t)(orph[i] - g->files);
        char stem[256], path[600];
        stem_of(orph[i]->path, stem, sizeof stem);
        snprintf(path, sizeof path, "{orphan %s}", orph[i]->path);
        uint32_t node = new_root(g, GK_MODULE, FS_NONE, stem, path, file);
        orph[i]->orphan = 1;
        m.crate = 0;
        /* An orphan main.rs or lib.rs is most likely some target's root. */
        const char *b = base_name(orph[i]->path);
        mount_file(&m, file, node, !strcmp(b, "mod.rs") || !strcmp(b, "main.rs") || !strcmp(b, "lib.rs"));
    }
    free(orph);
    gr_map_free(&m.import_tails);
    if (pf.running)
        pthread_join(pf.tid, NULL);
}
