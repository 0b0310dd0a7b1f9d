/*
 * graph.c - coordinator and workers over libsluice channels (graph.h).
 *
 * Work flows out on one unbounded channel, results come back on another.
 * Ownership moves with the message: once a worker sends a parsed module
 * it never touches it again, so the coordinator may fill in the linker's
 * fields without synchronisation (the channel hand-off orders the writes).
 * Each worker keeps its own arena and resolver cache.
 */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle_limits.h"
#include "infile.h"
#include "js_diag.h"
#include "js_record.h"
#include "json.h"
#include "sluice/chan.h"
#include "tsconfig.h"
#include "sluice/pool.h"

typedef struct work_msg {
    int32_t id;
    const char *path;
} work_msg;

typedef struct result_msg {
    int32_t id;
    js_module *mod;
    char *err; /* malloc'd message, NULL on success */
} result_msg;

typedef struct worker {
    sl_chan *work, *results;
    const sl__graph_opts *o;
    sl__arena arena;
    sl__resolver *res;
    js_record_scratch *rs; /* the worker thread's, from module to module */
    SL_VEC(char *) sources; /* file contents, malloc'd by sl_infile_read */
} worker;

/* The file's bytes, through tools/common/infile (never blocks on a FIFO,
 * refuses directories and devices, bounded).  The buffer joins the
 * worker's list of sources, freed with the graph. */
static char *read_file(worker *w, const char *path, size_t *len, char **err)
{
    char *data, msg[1024];
    if (sl_infile_read(path, SL_BUNDLE_MAX_FILE, &data, len, msg, sizeof msg)) {
        *err = strdup(msg);
        return NULL;
    }
    SL_VEC_PUSH(w->sources, data);
    return data;
}

static char *fmt_err(const char *fmt, const char *a, unsigned line, unsigned col, const char *b)
{
    size_t n = strlen(a) + strlen(b) + strlen(fmt) + 64;
    char *s = malloc(n);
    snprintf(s, n, fmt, a, line, col, b);
    return s;
}

/* "path:line:col: msg", the source line and a caret under pos, as a
 * syntax error is reported (js_diag.c): a message about an import shows
 * the import, as esbuild's do.  msg is printf'd with spec for its %s. */
static char *import_err(const char *path, const js_module *m, uint32_t spec_pos, const char *msg,
                        const char *spec)
{
    size_t n = strlen(msg) + 2 * strlen(spec) + 1;
    char *text = malloc(n);
    if (!text)
        return NULL;
    snprintf(text, n, msg, spec, spec);
    char *out = sl__module_diag(path, m, spec_pos, text);
    free(text);
    return out;
}

/* A package.json the resolver met that does not parse fails the build,
 * as node and esbuild fail: *err is its diagnostic. */
static int bad_package(worker *w, char **err)
{
    const char *bad = sl__resolver_bad_package(w->res);
    if (!bad)
        return 0;
    *err = strdup(bad);
    return 1;
}

/* The flags (set ones win) over the nearest tsconfig.json. */
static sl__lower_cfg lower_cfg(const sl__lower_cfg *flags, const sl__tsconfig *tc)
{
    sl__lower_cfg c = tc ? tc->lower : (sl__lower_cfg){SL_JSX_UNSET, NULL, NULL, NULL, -1, -1, -1, 0};
    if (c.jsx == SL_JSX_PRESERVE)
        c.jsx = SL_JSX_UNSET; /* the bundle must run: JSX is always compiled (docs/bundle.md) */
    if (flags->jsx != SL_JSX_UNSET)
        c.jsx = flags->jsx;
    if (flags->jsx_factory)
        c.jsx_factory = flags->jsx_factory;
    if (flags->jsx_fragment)
        c.jsx_fragment = flags->jsx_fragment;
    if (flags->jsx_import_source)
        c.jsx_import_source = flags->jsx_import_source;
    return c;
}

/* A TypeScript or JSX module: tools/js lowers it to JavaScript, which is
 * what the module record is then built from (tools/js parses that text
 * again: one parser, run twice); the original stays for source maps and
 * messages. */
static int lower_module(worker *w, js_module *m, uint32_t *source_ignored_p1, char **err)
{
    const sl__tsconfig *tc = sl__resolver_tsconfig(w->res, m->path);
    if (tc && tc->error) {
        *err = strdup(tc->error);
        return -1;
    }
    sl__lower_cfg cfg = lower_cfg(&w->o->lower, tc);
    cfg.max_depth = JS_MAX_NESTING; /* a worker's stack holds it, as for JavaScript */
    char *out, msg[1024];
    size_t n, nmap;
    sl__omap_seg *map;
    int has_export = 0;
    if (sl__front_lower(m->path, m->src, m->len, &cfg, 1, &out, &n, &map, &nmap, source_ignored_p1, &has_export,
                        msg, sizeof msg)) {
        *err = strdup(msg);
        return -1;
    }
    if (has_export) /* an ES module even if lowering removed every export (esbuild's rule) */
        m->flags |= MF_LOWERED_ESM;
    SL_VEC_PUSH(w->sources, out);
    SL_VEC_PUSH(w->sources, (char *)map);
    m->orig_src = m->src;
    m->orig_len = m->len;
    m->src = out;
    m->len = n;
    m->omap = map;
    m->nomap = nmap;
    return 0;
}

uint32_t sl__module_orig_pos(const js_module *m, uint32_t pos, const char **src, size_t *len)
{
    if (!m->omap || !m->nomap) {
        *src = m->src;
        *len = m->len;
        return pos;
    }
    *src = m->orig_src;
    *len = m->orig_len;
    size_t lo = 0, hi = m->nomap; /* the last segment at or before pos */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->omap[mid].off <= pos)
            lo = mid;
        else
            hi = mid;
    }
    const sl__omap_seg *g = &m->omap[lo];
    const char *s = m->orig_src, *end = s + m->orig_len;
    for (int32_t l = 0; l < g->line && s < end; l++) {
        const char *q = memchr(s, '\n', (size_t)(end - s));
        s = q ? q + 1 : end;
    }
    s = sl__utf16_skip(s, end, g->col);
    /* tools/js prints a token as it was written, so the distance past the
     * segment's start carries over, within the original line */
    for (uint32_t d = pos > g->off ? pos - g->off : 0; d > 0 && s < end && *s != '\n'; d--)
        s++;
    return (uint32_t)((s > end ? end : s) - m->orig_src);
}

char *sl__module_diag(const char *path, const js_module *m, uint32_t pos, const char *text)
{
    const char *osrc;
    size_t olen;
    uint32_t at = sl__module_orig_pos(m, pos, &osrc, &olen);
    size_t outlen = strlen(path) + strlen(text) + 1024; /* the line is cut to 160 characters (js_diag.c) */
    char *out = malloc(outlen);
    if (out)
        sl__js_diag(out, outlen, path, osrc, olen, at, text);
    return out;
}

/* The extension of a file no loader reads: stylesheets, images, fonts,
 * WebAssembly.  Parsed as JavaScript they gave a misleading "expected ';'"
 * deep inside the asset; esbuild says "no loader is configured". */
static const char *asset_ext(const char *path)
{
    static const char *const exts[] = {".css", ".scss", ".sass", ".less", ".styl", ".png", ".jpg",
                                       ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp",
                                       ".woff", ".woff2", ".ttf", ".otf", ".eot", ".wasm"};
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (!strcasecmp(dot, exts[i]))
            return exts[i];
    return NULL;
}

/* One more warning for m, in position order as the record keeps them
 * (in_orig: pos is in a lowered module's own text, and goes first). */
static void add_warning(worker *w, js_module *m, uint32_t pos, const char *msg, int in_orig)
{
    js_warning *v = sl__arena_alloc(&w->arena, (m->nwarnings + 1) * sizeof *v);
    size_t i = 0;
    for (; !in_orig && i < m->nwarnings && (m->warnings[i].in_orig || m->warnings[i].pos <= pos); i++)
        v[i] = m->warnings[i];
    v[i] = (js_warning){pos, msg, (uint8_t)in_orig};
    for (; i < m->nwarnings; i++)
        v[i + 1] = m->warnings[i];
    m->warnings = v;
    m->nwarnings++;
}

static js_module *load(worker *w, const char *path, char **err)
{
    js_module *m = sl__arena_zalloc(&w->arena, sizeof *m);
    m->path = path;
    if (!strncmp(path, SL_DISABLED_PREFIX, strlen(SL_DISABLED_PREFIX))) {
        m->src = "";
        m->flags = MF_CJS_SYNTAX; /* module.exports stays {} */
        char msg[64];
        if (sl__js_record(m, &w->o->parse, &w->arena, w->rs, msg, sizeof msg) != 0)
            abort();
        m->flags |= MF_CJS_SYNTAX;
        return m;
    }
    m->src = read_file(w, path, &m->len, err);
    if (!m->src)
        return NULL;
    m->flags = sl__resolver_file_flags(w->res, path);
    if (bad_package(w, err))
        return NULL;
    uint32_t source_ignored_p1 = 0;
    if (sl__front_wants(path) && lower_module(w, m, &source_ignored_p1, err))
        return NULL;
    if (m->flags & MF_JSON) {
        size_t at;
        const char *why;
        sl__arena scratch;
        sl__arena_init(&scratch);
        int ok = sl__json_parse_diag(&scratch, m->src, m->len, &at, &why) != NULL;
        sl__arena_free(&scratch);
        if (!ok) {
            char msg[1024];
            sl__js_diag(msg, sizeof msg, path, m->src, m->len, (uint32_t)at, why);
            *err = strdup(msg);
            return NULL;
        }
        return m;
    }
    char msg[1024];
    if (sl__js_record(m, &w->o->parse, &w->arena, w->rs, msg, sizeof msg) != 0) {
        *err = strdup(msg);
        return NULL;
    }
    if (source_ignored_p1)
        add_warning(w, m, source_ignored_p1 - 1, SL_JSX_SOURCE_IGNORED, 1);
    for (size_t i = 0; i < m->nrecs; i++) {
        js_import_rec *r = &m->recs[i];
        if (r->kind == IR_DEAD)
            continue;
        const char *out = NULL;
        int rc = sl__resolve(w->res, r->spec, path, r->kind == IR_REQUIRE, &w->arena, &out);
        if (bad_package(w, err)) { /* named first: the import that met it follows */
            char *at = import_err(path, m, r->spec_pos, "while resolving \"%s\"", r->spec);
            size_t n = strlen(*err) + (at ? strlen(at) : 0) + 2;
            char *both = malloc(n);
            if (both)
                snprintf(both, n, "%s\n%s", *err, at ? at : "");
            free(at);
            free(*err);
            *err = both;
            return NULL;
        }
        const char *asset = rc == RES_FILE ? asset_ext(out) : NULL;
        if (asset) {
            char fmt[160]; /* the extension is one of asset_ext's: no '%' in it */
            snprintf(fmt, sizeof fmt,
                     "no loader for %s files: \"%%s\" (sluice bundle reads JavaScript, "
                     "TypeScript and JSON; see docs/bundle.md)",
                     asset);
            *err = import_err(path, m, r->spec_pos, fmt, r->spec);
            return NULL;
        }
        if (rc == RES_FILE) {
            r->path = out;
            r->alt = sl__resolver_alt(w->res);
        } else if (rc == RES_BUILTIN || rc == RES_EXTERNAL) {
            r->builtin = rc == RES_BUILTIN ? 2 : 1;
        } else if ((r->kind == IR_REQUIRE || r->kind == IR_DYNAMIC) && r->caught) {
            /* As esbuild does: the code expects it may be missing (an
             * optional dependency), so node tries it at run time. */
            add_warning(w, m, r->spec_pos,
                        sl__arena_printf(&w->arena,
                                         "warning: could not resolve \"%s\": left to run time, where the %s "
                                         "around it handles the failure",
                                         r->spec, r->kind == IR_REQUIRE ? "try" : "try or .catch()"),
                        0);
            if (r->kind == IR_REQUIRE) /* the call stays: require is read at run time */
                m->flags |= MF_REQUIRE_VALUE;
            r->kind = IR_DEAD;
            r->builtin = 1;
        } else {
            if (rc == RES_NODE_ONLY)
                *err = import_err(path, m, r->spec_pos,
                                  "could not resolve \"%s\": it is built into node, not the browser "
                                  "(--platform node bundles for node; --external:%s leaves it to run time)",
                                  r->spec);
            else if (sl__resolver_why(w->res)) /* the text as it is: a target may hold a `%` */
                *err = sl__module_diag(path, m, r->spec_pos,
                                       sl__arena_printf(&w->arena, "could not resolve \"%s\": %s", r->spec,
                                                        sl__resolver_why(w->res)));
            else
                *err = import_err(path, m, r->spec_pos, "could not resolve \"%s\"", r->spec);
            return NULL;
        }
    }
    return m;
}

/* A worker thread: its stack holds the parser's deepest nesting
 * (sl__js_thread_start), which a pool thread's default stack may not. */
static void *worker_loop(void *arg)
{
    worker *w = arg;
    work_msg job;
    w->rs = sl__js_record_scratch_new();
    while (sl_chan_recv(w->work, &job) == SL_OK) {
        result_msg res = {.id = job.id};
        res.mod = load(w, job.path, &res.err);
        sl_chan_send(w->results, &res);
    }
    sl__js_record_scratch_free(w->rs);
    w->rs = NULL;
    return NULL;
}

typedef struct seen_map {
    const char **keys;
    int32_t *ids;
    size_t cap, n;
} seen_map;

static size_t hash_path(const char *s)
{
    size_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

/* Returns the id of path, adding it with id `next` when unseen. */
static int32_t seen_put(seen_map *m, const char *path, int32_t next, int *added)
{
    if (m->n * 2 >= m->cap) {
        size_t oc = m->cap;
        const char **ok = m->keys;
        int32_t *oi = m->ids;
        m->cap = oc ? oc * 2 : 1024;
        m->keys = calloc(m->cap, sizeof *m->keys);
        m->ids = calloc(m->cap, sizeof *m->ids);
        m->n = 0;
        for (size_t i = 0; i < oc; i++)
            if (ok[i]) {
                int dummy;
                seen_put(m, ok[i], oi[i], &dummy);
            }
        free(ok);
        free(oi);
    }
    size_t i = hash_path(path) & (m->cap - 1);
    while (m->keys[i]) {
        if (!strcmp(m->keys[i], path)) {
            *added = 0;
            return m->ids[i];
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = path;
    m->ids[i] = next;
    m->n++;
    *added = 1;
    return next;
}

/* The id of path, -1 when unseen. */
static int32_t seen_get(const seen_map *m, const char *path)
{
    for (size_t i = hash_path(path) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (!strcmp(m->keys[i], path))
            return m->ids[i];
    return -1;
}

typedef struct graph_priv {
    worker *workers;
    size_t n;
} graph_priv;

static void append_err(char **err, const char *msg)
{
    size_t old = *err ? strlen(*err) : 0;
    *err = realloc(*err, old + strlen(msg) + 2);
    if (old)
        (*err)[old++] = '\n';
    strcpy(*err + old, msg);
}


static void module_limit(char **err, const js_module *m, const js_import_rec *r, size_t max)
{
    uint32_t line, col;
    sl__js_line_col(m->src, m->len, r->kind == IR_REQUIRE || r->kind == IR_DYNAMIC ? r->pos : r->spec_pos, &line,
                    &col);
    char what[64];
    snprintf(what, sizeof what, "%zu", max);
    char *msg = fmt_err("%s:%u:%u: more than %s modules (--max-modules)", m->path, line, col, what);
    append_err(err, msg);
    free(msg);
}

/* Module ids are handed out in the order results arrive, which depends on
 * thread timing.  Renumber them by a walk of the graph (entries first, then
 * depth-first in import order) so the same input always gives the same
 * bundle, whatever -j is. */
static void canonical_ids(sl__graph *g)
{
    size_t n = g->n;
    int32_t *newid = malloc(n * sizeof *newid), *stack = malloc((n + 1) * sizeof *stack);
    js_module **mods = malloc(n * sizeof *mods);
    for (size_t i = 0; i < n; i++)
        newid[i] = -1;
    int32_t next = 0;
    for (size_t e = 0; e < g->nentries; e++)
        newid[e] = next++;
    for (size_t e = 0; e < g->nentries; e++) {
        size_t sp = 0;
        stack[sp++] = (int32_t)e;
        while (sp) {
            js_module *m = g->mods[stack[--sp]];
            /* Each module is queued once (a file may import one module many
             * times: the stack holds n), in the order of its first import,
             * reversed so that the first is taken first. */
            size_t from = sp;
            for (size_t k = 0; k < m->nrecs; k++) {
                int32_t t = m->recs[k].module;
                if (m->recs[k].kind == IR_DEAD || t < 0 || newid[t] != -1)
                    continue;
                newid[t] = -2; /* queued */
                stack[sp++] = t;
            }
            for (size_t i = from, j = sp; i + 1 < j; i++, j--) {
                int32_t x = stack[i];
                stack[i] = stack[j - 1];
                stack[j - 1] = x;
            }
            /* ids in the order modules are first reached, imports in order */
            for (size_t k = 0; k < m->nrecs; k++) {
                int32_t t = m->recs[k].module;
                if (m->recs[k].kind != IR_DEAD && t >= 0 && newid[t] == -2)
                    newid[t] = next++;
            }
        }
    }
    /* A module no longer reached (the ES build use_main_builds replaced)
     * is left out, as esbuild leaves it. */
    g->bytes = 0;
    for (size_t i = 0; i < n; i++)
        if (newid[i] >= 0) {
            mods[newid[i]] = g->mods[i];
            g->bytes += g->mods[i]->len;
        }
    for (size_t i = 0; i < (size_t)next; i++) {
        js_module *m = mods[i];
        for (size_t k = 0; k < m->nrecs; k++)
            if (m->recs[k].module >= 0)
                m->recs[k].module = newid[m->recs[k].module];
    }
    memcpy(g->mods, mods, (size_t)next * sizeof *mods);
    g->n = (size_t)next;
    free(mods);
    free(newid);
    free(stack);
}

/* esbuild's second half of the `module`/`main` rule (try_dir in
 * resolver.c): an import that took a package's ES build uses its CommonJS
 * build instead when that file is in the graph anyway, so the package is
 * bundled once and has one state.  The ES build, then reached by nothing,
 * drops out in canonical_ids. */
static void use_main_builds(sl__graph *g, seen_map *seen)
{
    for (size_t i = 0; i < g->n; i++) {
        js_module *m = g->mods[i];
        for (size_t k = 0; k < m->nrecs; k++) {
            js_import_rec *r = &m->recs[k];
            if (r->kind == IR_DEAD || !r->alt || r->module < 0)
                continue;
            int32_t id = seen_get(seen, r->alt);
            if (id < 0)
                continue;
            r->path = r->alt;
            r->module = id;
        }
    }
}

int sl__graph_build(sl__graph *g, sl_pool *pool, const char **entries, size_t nentries, const sl__graph_opts *o,
                    char **err)
{
    memset(g, 0, sizeof *g);
    *err = NULL;
    size_t max_modules = o->max_modules ? o->max_modules : SL_BUNDLE_MAX_MODULES;
    size_t nthreads = sl_pool_size(pool);
    sl_chan *work = sl_chan_new(sizeof(work_msg), SL_UNBOUNDED);
    sl_chan *results = sl_chan_new(sizeof(result_msg), SL_UNBOUNDED);
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    if (!work || !results || !tids) {
        fprintf(stderr, "sluice bundle: cannot start workers\n");
        exit(1);
    }
    graph_priv *gp = calloc(1, sizeof *gp);
    gp->workers = calloc(nthreads, sizeof *gp->workers);
    gp->n = nthreads;
    g->priv = gp;
    g->nworkers = nthreads;
    for (size_t i = 0; i < nthreads; i++) {
        worker *w = &gp->workers[i];
        w->work = work;
        w->results = results;
        w->o = o;
        sl__arena_init(&w->arena);
        w->res = sl__resolver_new(&o->resolve);
        if (sl__js_thread_start(&tids[i], worker_loop, w)) {
            fprintf(stderr, "sluice bundle: cannot start worker threads\n");
            exit(1);
        }
    }

    seen_map seen = {0};
    size_t cap = 1024;
    g->mods = calloc(cap, sizeof *g->mods);
    size_t pending = 0;
    for (size_t i = 0; i < nentries; i++) {
        int added;
        int32_t id = seen_put(&seen, entries[i], (int32_t)g->n, &added);
        if (!added)
            continue;
        g->n++;
        work_msg job = {id, entries[i]};
        sl_chan_send(work, &job);
        pending++;
    }
    g->nentries = g->n;
    int failed = 0;
    while (pending > 0) {
        result_msg res;
        sl_chan_recv(results, &res);
        pending--;
        if (res.err) {
            append_err(err, res.err);
            free(res.err);
            failed = 1;
            continue;
        }
        js_module *m = res.mod;
        g->mods[res.id] = m;
        g->bytes += m->len;
        if (failed)
            continue; /* drain, but dispatch nothing new */
        for (size_t k = 0; k < m->nrecs; k++) {
            js_import_rec *r = &m->recs[k];
            if (r->kind == IR_DEAD || !r->path)
                continue;
            int added;
            int32_t id = seen_put(&seen, r->path, (int32_t)g->n, &added);
            r->module = id;
            if (!added)
                continue;
            if (g->n >= max_modules) {
                module_limit(err, m, r, max_modules);
                failed = 1;
                break;
            }
            if (g->n == cap) {
                g->mods = realloc(g->mods, cap * 2 * sizeof *g->mods);
                memset(g->mods + cap, 0, cap * sizeof *g->mods);
                cap *= 2;
            }
            g->n++;
            work_msg job = {id, r->path};
            sl_chan_send(work, &job);
            pending++;
        }
    }
    /* Closing the work channel is the workers' signal to return. */
    sl_chan_close(work);
    for (size_t i = 0; i < nthreads; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    sl_chan_free(work);
    sl_chan_free(results);
    if (!failed)
        use_main_builds(g, &seen);
    free(seen.keys);
    free(seen.ids);
    for (size_t i = 0; i < nthreads; i++) {
        sl__resolver_free(gp->workers[i].res);
        gp->workers[i].res = NULL;
        g->arena_bytes += gp->workers[i].arena.total;
    }
    if (!failed)
        canonical_ids(g);
    return failed ? -1 : 0;
}

void sl__graph_free(sl__graph *g)
{
    graph_priv *gp = g->priv;
    if (gp) {
        for (size_t i = 0; i < gp->n; i++) {
            sl__arena_free(&gp->workers[i].arena);
            for (size_t k = 0; k < gp->workers[i].sources.n; k++)
                free(gp->workers[i].sources.v[k]);
            free(gp->workers[i].sources.v);
        }
        free(gp->workers);
        free(gp);
    }
    free(g->mods);
    memset(g, 0, sizeof *g);
}
