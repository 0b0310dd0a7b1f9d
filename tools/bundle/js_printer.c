/*
 * js_printer.c - splices module sources into one bundle (js_printer.h).
 *
 * Patches are (from, to, text) triples sorted by position; a patch that
 * starts inside a range already replaced is dropped, which is how a
 * removed statement swallows the renames inside it.  For source maps the
 * copier notes, for every output line that starts inside copied source,
 * the original line it came from: line-level mappings that survive any
 * edit made within a line.
 */
#include "js_printer.h"
#include "js_front.h"

#include "../js/js_bigmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <unistd.h>

/* A source-map segment: output (line, column) -> original (line, column);
 * src_line -1: generated text, mapped nowhere.  `patch`: text the bundler
 * wrote in place of the source there (SL_SEG_PATCH in the bundle's map). */
typedef struct seg {
    uint32_t out_line, out_col;
    int32_t src_line, src_col;
    int32_t patch;
} seg;

typedef struct pbuf {
    char *b;
    size_t n, cap;
    size_t nl;  /* newlines written so far */
    size_t col; /* UTF-16 units since the last newline (source-map columns) */
    seg *segs;  /* one per run of copied source (--sourcemap) */
    size_t nsegs, segcap;
} pbuf;

/* Where copying is in the original: its line and that line's first byte.
 * For a TypeScript/JSX module, omap leads from src (the JavaScript tools/js
 * printed) back to the file the user wrote, and `next` is the first of its
 * points not yet passed. */
typedef struct srcpos {
    int32_t line;
    size_t line_start;
    const sl__omap_seg *omap;
    size_t nomap, next;
    size_t col_at;      /* the line's UTF-16 units are counted up to here */
    uint32_t col_units;
} srcpos;

/* Source-map column (UTF-16 units, as the spec and every consumer count)
 * of byte `from` on the current source line: counted on from the last
 * point asked, so a long line with many runs is scanned once. */
static int32_t src_col(srcpos *sp, const char *src, size_t from)
{
    if (sp->col_at < sp->line_start || sp->col_at > from)
        sp->col_at = sp->line_start, sp->col_units = 0;
    sp->col_units += sl__utf16_units(src + sp->col_at, from - sp->col_at);
    sp->col_at = from;
    return (int32_t)sp->col_units;
}

static void pb_grow(pbuf *p, size_t extra)
{
    if (p->n + extra + 1 > p->cap) {
        p->cap = (p->n + extra + 1) * 2;
        p->b = sl__xrealloc(p->b, p->cap);
    }
}

static void pb_seg(pbuf *p, int32_t line, int32_t col)
{
    if (p->nsegs == p->segcap) {
        p->segcap = p->segcap ? p->segcap * 2 : 64;
        p->segs = sl__xrealloc(p->segs, p->segcap * sizeof *p->segs);
    }
    p->segs[p->nsegs++] = (seg){(uint32_t)p->nl, (uint32_t)p->col, line, col, 0};
}

/* Generated text starts here: if source text mapped so far on this output
 * line, a segment mapped nowhere ends that run, or a consumer (and
 * --minify's composition) would read the generated text as more of it. */
static void pb_unmapped(pbuf *p)
{
    if (p->nsegs && p->segs[p->nsegs - 1].out_line == p->nl && p->segs[p->nsegs - 1].src_line >= 0 &&
        p->segs[p->nsegs - 1].out_col < p->col)
        pb_seg(p, -1, 0);
}

/* Advances the output position over s[0..n). */
static void pb_advance(pbuf *p, const char *s, size_t n)
{
    const char *last = NULL;
    for (const char *q = s; (q = memchr(q, '\n', (size_t)(s + n - q))); q++) {
        p->nl++;
        last = q;
    }
    p->col = last ? sl__utf16_units(last + 1, (size_t)(s + n - last - 1)) : p->col + sl__utf16_units(s, n);
}

/* Text written as is (the segments are the caller's). */
static void pb_raw(pbuf *p, const char *s, size_t n)
{
    if (!n)
        return;
    pb_grow(p, n);
    memcpy(p->b + p->n, s, n);
    p->n += n;
    pb_advance(p, s, n);
}

/* Generated text: it maps nowhere. */
static void pb_text(pbuf *p, const char *s, size_t n)
{
    if (!n)
        return;
    pb_unmapped(p);
    pb_raw(p, s, n);
}

static void pb_str(pbuf *p, const char *s) { pb_text(p, s, strlen(s)); }

/* Copied lowered text of a TypeScript/JSX module: a segment at each point
 * of the module's own map inside the run (and one at the run's start from
 * the point before it), so positions resolve to the .ts/.tsx file. */
static void pb_copy_mapped(pbuf *p, const char *src, size_t from, size_t to, srcpos *sp)
{
    while (sp->next < sp->nomap && sp->omap[sp->next].off < from)
        sp->next++;
    if (sp->next > 0 && (sp->next == sp->nomap || sp->omap[sp->next].off > from)) {
        const sl__omap_seg *g = &sp->omap[sp->next - 1];
        pb_seg(p, g->line, g->col);
    }
    size_t at = from;
    for (; sp->next < sp->nomap && sp->omap[sp->next].off < to; sp->next++) {
        const sl__omap_seg *g = &sp->omap[sp->next];
        pb_advance(p, src + at, g->off - at);
        at = g->off;
        pb_seg(p, g->line, g->col);
    }
    pb_advance(p, src + at, to - at);
}

/* Copied source src[from..to).  With `track`, each run of copied text and
 * each line inside it starts a segment pointing back at the original. */
static void pb_copy(pbuf *p, const char *src, size_t from, size_t to, srcpos *sp, int track)
{
    size_t n = to - from;
    if (!n)
        return;
    pb_grow(p, n);
    memcpy(p->b + p->n, src + from, n);
    p->n += n;
    if (!track)
        return;
    if (sp->omap) {
        pb_copy_mapped(p, src, from, to, sp);
        return;
    }
    pb_seg(p, sp->line, src_col(sp, src, from));
    const char *s = src + from, *end = src + to;
    for (const char *q; (q = memchr(s, '\n', (size_t)(end - s))); s = q + 1) {
        sp->line++;
        sp->line_start = (size_t)(q + 1 - src);
        p->nl++;
        p->col = 0;
        if (q + 1 < end)
            pb_seg(p, sp->line, 0);
    }
    p->col += sl__utf16_units(s, (size_t)(end - s));
}

/* A patch's first character maps to where the text it replaces starts
 * (in a TypeScript/JSX module, when the module's map has a point exactly
 * there): a renamed identifier maps to the name it replaces, not into the
 * text copied before it, so --minify's map, composed through this one,
 * finds it (and the name written there). */
static int pb_seg_at(pbuf *p, const char *src, size_t pos, srcpos *sp)
{
    if (!sp->omap) {
        pb_seg(p, sp->line, src_col(sp, src, pos));
    } else {
        while (sp->next < sp->nomap && sp->omap[sp->next].off < pos)
            sp->next++;
        if (sp->next == sp->nomap || sp->omap[sp->next].off != pos)
            return 0;
        pb_seg(p, sp->omap[sp->next].line, sp->omap[sp->next].col);
    }
    p->segs[p->nsegs - 1].patch = 1; /* all of the patch's text stands for this point */
    return 1;
}

/* Skipped source: only the position moves. */
static void skip_src(const char *src, size_t from, size_t to, srcpos *sp)
{
    const char *s = src + from, *end = src + to;
    for (const char *q; (q = memchr(s, '\n', (size_t)(end - s))); s = q + 1) {
        sp->line++;
        sp->line_start = (size_t)(q + 1 - src);
    }
}

typedef struct patch {
    uint32_t pos, end;
    const char *text;
} patch;

typedef SL_VEC(patch) patch_vec;

static void add(patch_vec *v, uint32_t pos, uint32_t end, const char *text)
{
    patch p = {pos, end, text};
    SL_VEC_PUSH(*v, p);
}

static int cmp_patch(const void *a, const void *b)
{
    const patch *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* ES modules keep ES module semantics in cjs and iife output, whatever
 * the entry is: their code is strict.  STRICT_FILE: every module can be strict, so the whole
 * output says "use strict".  STRICT_SPLIT: some CommonJS module is
 * sloppy (no "use strict" of its own) and must stay so, so the CommonJS
 * closures stay outside and the ES modules' code runs in a strict
 * function; the names the closures read from it (namespace objects,
 * import() groups) are declared outside and assigned inside. */
enum { STRICT_NONE, STRICT_FILE, STRICT_SPLIT };

typedef struct pctx {
    sl__link *L;
    int strict;
    atomic_int unnamed; /* a name the linker never assigned was asked for */
    sl__arena *arenas; /* one per pool worker, for patch texts */
    size_t narenas;
    int track;
    const char *map_dir;
    char cwd[4096]; /* read once, before the parallel part */
    size_t cwdlen;
} pctx;

/* Every module-level name the printer writes passes here.  One the
 * linker never assigned is a linker bug: a debug or sanitizer build stops
 * on it (so the fuzzers find it), a release build fails the bundle rather
 * than print "(null)" - printf's "%s" of NULL is undefined behaviour. */
static const char *name(pctx *c, const char *s)
{
    if (s)
        return s;
#if SL_BUNDLE_CHECKS
    (void)c;
    fputs("sluice bundle: internal error: the printer was asked for a name the linker never assigned\n", stderr);
    abort();
#else
    atomic_store(&c->unnamed, 1);
    return "__sluice_unnamed";
#endif
}

/* A JSON module's text as a JavaScript value.  In an object literal a key
 * "__proto__" (as written or with escapes: its value counts) sets the
 * object's prototype, where JSON.parse makes an own property; written
 * ["__proto__"], a computed key, it makes the own property, as esbuild
 * writes it.  The text has parsed as JSON (graph.c). */
static void copy_json(pbuf *out, const char *src, size_t end, srcpos *sp, int track)
{
    size_t from = 0;
    for (size_t i = 0; i < end; i++) {
        if (src[i] != '"')
            continue;
        size_t start = i++;
        char key[10];
        size_t k = 0;
        for (; i < end && src[i] != '"'; i++) {
            char ch = src[i];
            if (ch == '\\' && i + 1 < end) {
                ch = src[++i];
                if (ch == 'u' && i + 4 < end) {
                    unsigned v = 0;
                    for (int d = 1; d <= 4; d++) {
                        char x = src[i + d];
                        v = v * 16 + (unsigned)(x <= '9' ? x - '0' : (x | 0x20) - 'a' + 10);
                    }
                    i += 4;
                    ch = v < 0x80 ? (char)v : 0;
                } else if (ch != '"' && ch != '\\' && ch != '/') {
                    ch = 0; /* \b \f \n \r \t: no letter of the name */
                }
            }
            if (k < sizeof key)
                key[k++] = ch;
        }
        size_t j = i + 1;
        while (j < end && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r'))
            j++;
        if (k == 9 && !memcmp(key, "__proto__", 9) && j < end && src[j] == ':') {
            pb_copy(out, src, from, start, sp, track);
            pb_str(out, "[");
            pb_copy(out, src, start, i + 1, sp, track);
            pb_str(out, "]");
            from = i + 1;
        }
    }
    pb_copy(out, src, from, end, sp, track);
}

static const char *rec_text(pctx *c, sl__arena *a, const js_import_rec *r)
{
    sl__link *L = c->L;
    int32_t t = r->module;
    if (t < 0)
        return NULL;
    if (r->kind == IR_REQUIRE)
        return L->kind[t] == MK_ESM ? sl__arena_printf(a, "__toCJS(%s)", name(c, L->ns_expr[t]))
                                    : sl__arena_printf(a, "%s()", name(c, L->require_name[t]));
    if (L->kind[t] == MK_ESM && L->lazy_name[t])
        return sl__arena_printf(a, "Promise.resolve().then(() => %s())", L->lazy_name[t]);
    if (L->kind[t] == MK_ESM)
        return sl__arena_printf(a, "Promise.resolve().then(() => %s)", name(c, L->ns_expr[t]));
    if (L->kind[t] == MK_CJS)
        return sl__arena_printf(a, "Promise.resolve().then(() => __toESM(%s(), 1))", name(c, L->require_name[t]));
    return sl__arena_printf(a, "Promise.resolve().then(() => ({ default: %s() }))", name(c, L->require_name[t]));
}

static void stmt_patches(pctx *c, sl__arena *a, js_module *m, patch_vec *v)
{
    for (size_t i = 0; i < m->nstmts; i++) {
        js_stmt *st = &m->stmts[i];
        if (!st->live) { /* tree-shaken */
            add(v, st->start, st->end, "");
            continue;
        }
        switch (st->kind) {
        case S_IMPORT: case S_EXPORT_FROM: case S_EXPORT_LIST:
            add(v, st->start, st->end, "");
            break;
        case S_EXPORT_DECL: case S_EXPORT_DEFAULT_DECL:
            add(v, st->start, st->body, "");
            break;
        case S_EXPORT_DEFAULT_ANON:
            add(v, st->start, st->body, "");
            add(v, st->name_at, st->name_at,
                sl__arena_printf(a, st->name_at > 0 && m->src[st->name_at - 1] == ' ' ? "%s " : " %s",
                                 name(c, m->syms[st->default_sym].final_name)));
            break;
        case S_EXPORT_DEFAULT_EXPR:
            add(v, st->start, st->body, sl__arena_printf(a, "const %s = ", name(c, m->syms[st->default_sym].final_name)));
            if (!st->has_semi)
                add(v, st->end, st->end, ";");
            break;
        default:
            break;
        }
    }
}

/* Length of a `//# sourceMappingURL=` (or `//@ ...`) comment's lead at s,
 * 0 when the comment there is another. */
static size_t map_comment_at(const char *s, const char *end)
{
    const char *p = s + 2;
    if (p >= end || (*p != '#' && *p != '@'))
        return 0;
    p++;
    if (p >= end || (*p != ' ' && *p != '\t'))
        return 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return (size_t)(end - p) >= 17 && !memcmp(p, "sourceMappingURL=", 17) ? (size_t)(p - s) : 0;
}

/* A module's own `//# sourceMappingURL=` comments describe that file, not
 * the bundle: copied in, they make node --enable-source-maps and devtools
 * map the whole bundle through one module's map.  esbuild leaves them out;
 * so does this, where bundlers write them: in the comments after the last
 * statement.  That text is only blanks and comments, scanned here as such;
 * anything else stops the scan (nothing is dropped after it). */
static void map_comment_patches(const js_module *m, patch_vec *v)
{
    const char *s = m->src, *end = m->src + m->len;
    const char *p = s + (m->nstmts ? m->stmts[m->nstmts - 1].end : m->hashbang_end);
    if (m->len < 20 || !memmem(p, (size_t)(end - p), "sourceMappingURL=", 17))
        return;
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';') {
            p++;
        } else if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
            const char *c = memmem(p + 2, (size_t)(end - p - 2), "*/", 2);
            if (!c)
                return;
            p = c + 2;
        } else if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
            const char *nl = p;
            while (nl < end && *nl != '\n' && *nl != '\r')
                nl++;
            if (map_comment_at(p, nl))
                add(v, (uint32_t)(p - s), (uint32_t)(nl - s), "");
            p = nl;
        } else {
            return;
        }
    }
}

/* A `;` after each statement of an ES module that ends where ASI ended
 * it (js_stmt.open_end) and is not followed by its own source's next
 * statement as written: the next one removed (an import, an export list,
 * tree shaking), its first token rewritten (an import read as
 * `(0, import_x.f)`), or nothing more of this module (the next module,
 * or a wrapper, follows).  Otherwise `a = b` then `(0, import_x.f)()`,
 * `[1].forEach(...)` or a module that starts with `(` would continue it
 * as a call or an index.  v is sorted; returns whether any was added. */
static int asi_patches(const js_module *m, patch_vec *v)
{
    size_t n0 = v->n;
    for (size_t i = 0; i < m->nstmts; i++) {
        const js_stmt *st = &m->stmts[i];
        if (!st->live || !st->open_end || st->kind == S_EXPORT_DEFAULT_EXPR) /* that one gets its `;` */
            continue;
        const js_stmt *next = i + 1 < m->nstmts ? &m->stmts[i + 1] : NULL;
        int need = !next || !next->live || next->kind == S_IMPORT || next->kind == S_EXPORT_FROM ||
                   next->kind == S_EXPORT_LIST;
        if (!need) { /* a patch between the two, or at the next one's start */
            size_t lo = 0, hi = n0;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (v->v[mid].pos < st->end)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            need = lo < n0 && v->v[lo].pos <= next->start;
        }
        if (need)
            add(v, st->end, st->end, ";");
    }
    return v->n > n0;
}

/* The module's own text with its patches applied. */
static void splice(pctx *c, sl__arena *a, int32_t mi, int esm, pbuf *out)
{
    js_module *m = c->L->g->mods[mi];
    patch_vec v = {0};
    if (m->hashbang_end)
        add(&v, 0, m->hashbang_end, "");
    if (esm) {
        stmt_patches(c, a, m, &v);
        const char **text = c->L->occ_text[mi];
        for (size_t k = 0; k < m->noccs; k++)
            if (text[k])
                add(&v, m->occs[k].pos, c->L->occ_end[mi][k], text[k]);
    }
    for (size_t k = 0; k < m->nrecs; k++) {
        const js_import_rec *r = &m->recs[k];
        if (r->kind != IR_REQUIRE && r->kind != IR_DYNAMIC)
            continue;
        const char *t = rec_text(c, a, r);
        if (t)
            add(&v, r->pos, r->end, t);
    }
    for (size_t k = 0; k < m->npatches; k++)
        add(&v, m->patches[k].pos, m->patches[k].end, m->patches[k].text);
    for (size_t k = 0; k < m->nrenames; k++) { /* --format cjs: exports and module */
        const js_rename *r = &m->renames[k];
        if (r->top && esm)
            continue; /* an ES module's top level: the linker's names, or node's module */
        const char *to = m->cjs_names[r->module];
        add(&v, r->pos, r->end, r->shorthand ? sl__arena_printf(a, "%s: %s", r->module ? "module" : "exports", to) : to);
    }
    map_comment_patches(m, &v);
    if (v.n)
        qsort(v.v, v.n, sizeof *v.v, cmp_patch);
    if (esm && asi_patches(m, &v))
        qsort(v.v, v.n, sizeof *v.v, cmp_patch);
    pb_grow(out, m->len + m->len / 8 + 64); /* once: grown by doubling, realloc was 7% of a big bundle's CPU */
    size_t at = 0;
    srcpos sp = {.omap = m->omap, .nomap = m->nomap};
    for (size_t k = 0; k < v.n; k++) {
        patch *p = &v.v[k];
        if (p->pos < at)
            continue;
        pb_copy(out, m->src, at, p->pos, &sp, c->track);
        const char *t = p->text;
        if (c->track && p->pos < p->end && t[0] && pb_seg_at(out, m->src, p->pos, &sp)) {
            /* a shorthand `{x}` printed `{x: x$1}`: its value maps to x too */
            size_t k = p->end - p->pos;
            if (!strncmp(t, m->src + p->pos, k) && t[k] == ':' && t[k + 1] == ' ') {
                pb_raw(out, t, k + 2);
                pb_seg_at(out, m->src, p->pos, &sp);
                t += k + 2;
            }
            pb_raw(out, t, strlen(t));
        } else {
            pb_str(out, t); /* inserted text, or no point of a .ts file's map here: it maps nowhere */
        }
        if (c->track)
            skip_src(m->src, p->pos, p->end, &sp);
        at = p->end;
    }
    pb_copy(out, m->src, at, m->len, &sp, c->track);
    if (m->len == 0 || m->src[m->len - 1] != '\n')
        pb_str(out, "\n");
    free(v.v);
}

/* path as the bundle's comments name it: relative to the working
 * directory, with `../` where it lies outside it (as esbuild writes it),
 * so that a bundle does not depend on where the machine keeps the tree. */
static const char *rel(const pctx *c, sl__arena *a, const char *path)
{
    if (c->cwdlen && !strncmp(path, c->cwd, c->cwdlen) && path[c->cwdlen] == '/')
        return path + c->cwdlen + 1;
    if (!c->cwdlen || path[0] != '/')
        return path;
    /* the directories both start with, then one `../` for each of cwd's others */
    size_t common = 0;
    for (size_t i = 0; i < c->cwdlen && path[i] == c->cwd[i]; i++)
        if (c->cwd[i] == '/')
            common = i;
    if (c->cwdlen == 1) /* cwd is / */
        return path + 1;
    size_t ups = 1;
    for (size_t i = common + 1; i < c->cwdlen; i++)
        ups += c->cwd[i] == '/';
    const char *tail = path + common + 1;
    char *r = sl__arena_alloc(a, 3 * ups + strlen(tail) + 1), *w = r;
    for (size_t i = 0; i < ups; i++, w += 3)
        memcpy(w, "../", 3);
    strcpy(w, tail);
    return r;
}

static void print_namespace(pctx *c, sl__arena *a, int32_t mi, const char *how, pbuf *out);

typedef struct item {
    uint8_t type; /* 0 closure, 1 + EV_*, or ITEM_STRICT_OPEN */
    int32_t mod;
} item;

enum { ITEM_STRICT_OPEN = 100 }; /* STRICT_SPLIT: where the strict function starts */

static void print_namespaces(pctx *c, sl__arena *a, pbuf *out);

static void print_item(pctx *c, sl__arena *a, const item *it, pbuf *out)
{
    sl__link *L = c->L;
    if (it->type == ITEM_STRICT_OPEN) {
        int ret = L->o->format == FMT_IIFE && L->o->global_name;
        pb_str(out, ret ? "\nreturn (function () {\n\"use strict\";\n" : "\n(function () {\n\"use strict\";\n");
        print_namespaces(c, a, out);
        return;
    }
    js_module *m = L->g->mods[it->mod];
    char head[4096];
    snprintf(head, sizeof head, "\n// %s\n", rel(c, a, m->path));
    if (it->type == 0) {
        pb_str(out, head);
        pb_str(out, "var ");
        pb_str(out, name(c, L->require_name[it->mod]));
        if (L->kind[it->mod] == MK_JSON) { /* module2: as below */
            pb_str(out, L->o->format == FMT_CJS ? " = __cjs(function (exports2, module2) {\nmodule2.exports = "
                                                : " = __cjs(function (exports, module) {\nmodule.exports = ");
            srcpos sp = {.line = 0};
            copy_json(out, m->src, m->len, &sp, c->track);
            pb_str(out, ";\n});\n");
            return;
        }
        /* --format cjs: exports and module renamed (js_rename), or node
         * would read this closure's `exports.x =` as the bundle's own */
        const char *ex = m->cjs_names[0] ? m->cjs_names[0] : "exports", *mo = m->cjs_names[1] ? m->cjs_names[1] : "module";
        pb_str(out, sl__arena_printf(a, " = __cjs(function (%s, %s%s) {\n", ex, mo,
                                     L->need_require_shim && sl__link_free_require(m) ? ", require" : ""));
        splice(c, a, it->mod, 0, out);
        pb_str(out, "});\n");
        return;
    }
    switch (it->type - 1) {
    case EV_ESM: {
        int any = 0;
        for (size_t i = 0; i < m->nstmts && !any; i++)
            any = m->stmts[i].live;
        if (!any)
            break;
        pb_str(out, head);
        splice(c, a, it->mod, 1, out);
        break;
    }
    case EV_CJS_INIT:
        for (int mode = 0; mode < 2; mode++)
            if (L->interop[mode][it->mod]) {
                char *s = sl__arena_printf(a, "var %s = __toESM(%s()%s);\n", L->interop[mode][it->mod],
                                           name(c, L->require_name[it->mod]), mode ? ", 1" : "");
                pb_str(out, s);
            }
        if (!L->interop[0][it->mod] && !L->interop[1][it->mod])
            pb_str(out, sl__arena_printf(a, "%s();\n", name(c, L->require_name[it->mod])));
        break;
    case EV_LAZY_BEGIN:
        pb_str(out, sl__arena_printf(a, "\n// import() of %s: evaluated on first use\n%s%s = __lazy(() => {\n",
                                     rel(c, a, m->path), c->strict == STRICT_SPLIT ? "" : "var ",
                                     name(c, L->lazy_name[it->mod])));
        break;
    case EV_LAZY_END:
        print_namespace(c, a, it->mod, "return", out);
        pb_str(out, "});\n");
        break;
    case EV_JSON_INIT: {
        pb_str(out, head);
        pb_str(out, sl__arena_printf(a, "var %s = ", name(c, L->json_name[it->mod])));
        srcpos sp = {.line = 0};
        size_t end = m->len;
        while (end > 0 && (m->src[end - 1] == '\n' || m->src[end - 1] == '\r' || m->src[end - 1] == ' '))
            end--;
        copy_json(out, m->src, end, &sp, c->track);
        pb_str(out, ";\n");
        break;
    }
    }
}

typedef struct par {
    pctx *c;
    item *items;
    pbuf *bufs;
} par;

static int print_range(void *arg, size_t begin, size_t end)
{
    par *p = arg;
    sl__arena a;
    sl__arena_init(&a);
    for (size_t i = begin; i < end; i++)
        print_item(p->c, &a, &p->items[i], &p->bufs[i]);
    sl__arena_free(&a);
    return 0;
}

static const char helper_cjs[] =
    "var __cjs = (fn, mod) => () => (mod || fn.call((mod = { exports: {} }).exports, mod.exports, mod), "
    "mod.exports);\n";
static const char helper_cjs_require[] =
    "var __require = typeof require !== \"undefined\" ? require : (x) => {\n"
    "  throw Error(\"Dynamic require of \\\"\" + x + \"\\\" is not supported\");\n"
    "};\n"
    "var __cjs = (fn, mod) => () => (mod || fn.call((mod = { exports: {} }).exports, mod.exports, mod, __require), "
    "mod.exports);\n";
static const char helper_toesm[] =
    "var __toESM = (mod, node) => {\n"
    "  if (!node && mod && mod.__esModule) return mod;\n"
    "  var ns = { default: mod };\n"
    "  if (mod != null && (typeof mod === \"object\" || typeof mod === \"function\"))\n"
    "    for (let k of Object.keys(mod)) if (k !== \"default\") Object.defineProperty(ns, k, { get: () => mod[k], "
    "enumerable: true });\n"
    "  return ns;\n"
    "};\n";
static const char helper_ns_lazy[] =
    "var __nsLazy = (own, more, ns) => () => ns || (ns = __ns(Object.assign(Object.create(null), ...more().map((m) => {\n"
    "  var g = Object.create(null);\n"
    "  if (m != null) for (let k of Object.keys(m)) if (k !== \"default\") g[k] = () => m[k];\n"
    "  return g;\n"
    "}), own())));\n";
static const char helper_lazy[] = "var __lazy = (fn, res) => () => (fn && (res = fn(), fn = 0), res);\n";
static const char helper_ns[] =
    "var __ns = (getters) => {\n"
    "  var ns = Object.create(null);\n"
    "  for (var k of Object.keys(getters).sort()) Object.defineProperty(ns, k, { get: getters[k], enumerable: true "
    "});\n"
    "  Object.defineProperty(ns, Symbol.toStringTag, { value: \"Module\" });\n"
    "  return Object.preventExtensions(ns);\n"
    "};\n";

/* What require() of an ES module returns: as node 20 does, the namespace
 * with `__esModule: true` added when the module has a default export (and
 * no __esModule of its own), so the interop helpers of Babel and tsc take
 * its default for the default; import() still gets the plain namespace.
 * One object per namespace: require() twice gives the same one.  A module
 * that exports the string name "module.exports" (`export { f as
 * "module.exports" }`, yargs 18) has require() return that value instead,
 * as node does (20.19, 22.12). */
static const char helper_tocjs[] =
    "var __cjsNs = new WeakMap(), __toCJS = (ns) => {\n"
    "  var m = __cjsNs.get(ns), g = Object.create(null);\n"
    "  if (\"module.exports\" in ns) return ns[\"module.exports\"];\n"
    "  if (m) return m;\n"
    "  if (!(\"default\" in ns) || \"__esModule\" in ns) m = ns;\n"
    "  else {\n"
    "    g.__esModule = () => true;\n"
    "    for (let k of Object.keys(ns)) g[k] = () => ns[k];\n"
    "    m = __ns(g);\n"
    "  }\n"
    "  __cjsNs.set(ns, m);\n"
    "  return m;\n"
    "};\n";

/* module.exports of an ES entry in --format cjs, as esbuild's
 * __toCommonJS makes it: a plain object marked `__esModule` (not
 * enumerable) with a live getter per export, so that tsc's and Babel's
 * interop helpers (and other bundlers) take its `default` for a default
 * import.  An export named __esModule does not replace the mark. */
static const char helper_to_common_js[] =
    "var __toCommonJS = (ns) => {\n"
    "  var m = Object.defineProperty({}, \"__esModule\", { value: true });\n"
    "  for (let k of Object.keys(ns)) if (k !== \"__esModule\") Object.defineProperty(m, k, { get: () => ns[k], "
    "enumerable: true });\n"
    "  return m;\n"
    "};\n";

static int is_plain_ident(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '$'))
            return 0;
    return 1;
}

static void quote(pbuf *p, const char *s)
{
    pb_str(p, "\"");
    for (; *s; s++) {
        char ch = *s;
        char buf[8];
        if (ch == '"' || ch == '\\') {
            buf[0] = '\\';
            buf[1] = ch;
            pb_text(p, buf, 2);
        } else if (ch == '\n') {
            pb_str(p, "\\n");
        } else if ((unsigned char)ch < 0x20) {
            snprintf(buf, sizeof buf, "\\u%04x", ch);
            pb_str(p, buf);
        } else {
            pb_text(p, &ch, 1);
        }
    }
    pb_str(p, "\"");
}

/* A namespace object: getters over the final names, so it stays live. */
/* A namespace object: getters over the final names, so it stays live.
 * `how` is "var" (define it) or "return" (a lazy group hands it back).
 * With `export *` from CommonJS it is built on first use instead, adding
 * the CommonJS modules' own names, which exist only at run time. */
static void print_namespace(pctx *c, sl__arena *a, int32_t mi, const char *how, pbuf *out)
{
    sl__link *L = c->L;
    const char ***cjs = L->ns_cjs;
    int is_var = strcmp(how, "return") != 0;
    if (is_var) /* "var", or "assign" to a name declared outside (STRICT_SPLIT) */
        pb_str(out, sl__arena_printf(a, "%s%s = ", strcmp(how, "var") ? "" : "var ", name(c, L->ns_name[mi])));
    else
        pb_str(out, "return ");
    pb_str(out, cjs[mi] ? "__nsLazy(() => ({" : "__ns({");
    for (size_t k = 0; k < L->nns_entries[mi]; k++) {
        const sl__ns_entry *e = &L->ns_entries[mi][k];
        pb_str(out, k ? ",\n  " : "\n  ");
        if (!strcmp(e->name, "__proto__")) /* `__proto__: f` would set the prototype */
            pb_str(out, "[\"__proto__\"]");
        else if (is_plain_ident(e->name))
            pb_str(out, e->name);
        else
            quote(out, e->name);
        pb_str(out, sl__arena_printf(a, ": () => %s", name(c, e->text)));
    }
    pb_str(out, L->nns_entries[mi] ? "\n" : "");
    if (cjs[mi]) {
        pb_str(out, "}), () => [");
        for (size_t k = 0; cjs[mi][k]; k++)
            pb_str(out, sl__arena_printf(a, "%s%s", k ? ", " : "", name(c, cjs[mi][k])));
        pb_str(out, is_var ? "]);\n" : "])();\n");
    } else {
        pb_str(out, "});\n");
    }
}

static void print_namespaces(pctx *c, sl__arena *a, pbuf *out)
{
    sl__link *L = c->L;
    for (size_t i = 0; i < L->nns; i++) {
        int32_t mi = L->ns_list[i];
        if (!L->lazy_name[mi]) /* a lazy group returns its own */
            print_namespace(c, a, mi, c->strict == STRICT_SPLIT ? "assign" : "var", out);
    }
}

/* STRICT_SPLIT: `var` for the names the strict part assigns and the
 * sloppy CommonJS closures may read. */
static void print_split_names(pctx *c, pbuf *out)
{
    sl__link *L = c->L;
    int n = 0;
    for (size_t i = 0; i < L->nns; i++)
        if (!L->lazy_name[L->ns_list[i]]) {
            pb_str(out, n++ ? ", " : "var ");
            pb_str(out, name(c, L->ns_name[L->ns_list[i]]));
        }
    for (size_t e = 0; e < L->nevs; e++)
        if (L->evs[e].type == EV_LAZY_BEGIN) {
            pb_str(out, n++ ? ", " : "var ");
            pb_str(out, name(c, L->lazy_name[L->evs[e].mod]));
        }
    if (n)
        pb_str(out, ";\n");
}

static void print_prelude(pctx *c, sl__arena *a, pbuf *out)
{
    sl__link *L = c->L;
    const sl__link_opts *o = L->o;
    js_module *entry = L->g->mods[L->entry];
    if (entry->hashbang_end) {
        pb_text(out, entry->src, entry->hashbang_end);
        pb_str(out, "\n");
    }
    if (o->format == FMT_IIFE)
        pb_str(out, o->global_name ? sl__arena_printf(a, "%s(() => {\n", o->global_assign) : "(() => {\n");
    if (c->strict == STRICT_FILE)
        pb_str(out, "\"use strict\";\n");
    if (o->format == FMT_ESM && L->need_require)
        pb_str(out, "import { createRequire as __createRequire } from \"module\";\n"
                    "var require = __createRequire(import.meta.url);\n");
    if (o->format == FMT_ESM && L->need_dirname) /* the bundle's own, as node gives a CommonJS file */
        pb_str(out, "import { fileURLToPath as __fileURLToPath } from \"url\";\n"
                    "var __filename = __fileURLToPath(import.meta.url);\n"
                    "var __dirname = __filename.slice(0, __filename.lastIndexOf(\"/\"));\n");
    for (size_t i = 0; i < L->next; i++) {
        if (o->format == FMT_ESM && L->ext[i].bare) {
            pb_str(out, "import ");
            quote(out, L->ext[i].spec);
            pb_str(out, ";\n");
        } else if (o->format == FMT_ESM) {
            pb_str(out, sl__arena_printf(a, "import * as %s from ", name(c, L->ext[i].name)));
            quote(out, L->ext[i].spec);
            pb_str(out, ";\n");
        }
    }
    if (L->need_cjs)
        pb_str(out, L->need_require_shim ? helper_cjs_require : helper_cjs);
    if (L->need_toesm)
        pb_str(out, helper_toesm);
    if (L->need_ns)
        pb_str(out, helper_ns);
    if (L->need_tocjs)
        pb_str(out, helper_tocjs);
    if (L->need_lazy)
        pb_str(out, helper_lazy);
    if (L->need_ns_lazy)
        pb_str(out, helper_ns_lazy);
    for (size_t i = 0; i < L->next; i++) {
        if (o->format != FMT_ESM && L->ext[i].bare) {
            pb_str(out, "require(");
            quote(out, L->ext[i].spec);
            pb_str(out, ");\n");
        } else if (o->format != FMT_ESM) {
            pb_str(out, sl__arena_printf(a, "var %s = __toESM(require(", name(c, L->ext[i].name)));
            quote(out, L->ext[i].spec);
            pb_str(out, "), 1);\n");
        }
    }
    if (c->strict == STRICT_SPLIT)
        print_split_names(c, out);
    else
        print_namespaces(c, a, out);
}

/* Names a script may not use as a shorthand property's value in strict code. */
static int strict_reserved(const char *s)
{
    static const char *const words[] = {"implements", "interface", "let", "package", "private",
                                        "protected", "public", "static", "yield", "await"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(s, words[i]))
            return 1;
    return 0;
}

/* --format cjs of an ES entry: node's ESM loader finds a CommonJS module's
 * named exports with cjs-module-lexer, which cannot see through
 * `module.exports = __toCommonJS(ns)`.  So, as esbuild does, the output
 * ends with an assignment that never runs but that the lexer reads:
 * `0 && (module.exports = { a, "b-c": null, if: null });` (a shorthand
 * where the name can be one, else the name as a key; `default` is left
 * out: node's default import of CommonJS is module.exports anyway), and
 * `...require("x")` for an external the entry's `export *` reach, whose
 * names the lexer then reads from x itself. */
static void print_export_names(pctx *c, pbuf *out)
{
    sl__link *L = c->L;
    int32_t e = L->entry;
    int n = 0;
    for (size_t k = 0; k < L->nns_entries[e]; k++) {
        const char *s = L->ns_entries[e][k].name;
        if (!strcmp(s, "default"))
            continue;
        pb_str(out, n++ ? ",\n  " : "0 && (module.exports = {\n  ");
        if (!is_plain_ident(s))
            quote(out, s);
        else
            pb_str(out, s);
        if (!is_plain_ident(s) || !sl__front_is_binding_name(s, strlen(s)) || strict_reserved(s))
            pb_str(out, ": null");
    }
    for (size_t k = 0; k < L->nentry_star_ext; k++) {
        pb_str(out, n++ ? ",\n  ...require(" : "0 && (module.exports = {\n  ...require(");
        quote(out, L->entry_star_ext[k]);
        pb_str(out, ")");
    }
    if (n)
        pb_str(out, "\n});\n");
}

/* --format esm: the entry's exports, one `export { ... }` clause. */
static void print_export_clause(pctx *c, sl__arena *a, pbuf *out)
{
    sl__link *L = c->L;
    pbuf list = {0};
    for (size_t i = 0; i < L->nentry_exports; i += 2) {
        const char *exported = L->entry_exports[i], *text = name(c, L->entry_exports[i + 1]);
        if (!is_plain_ident(text)) {
            const char *tmp = sl__arena_printf(a, "__export_%zu", i / 2);
            pb_str(out, sl__arena_printf(a, "var %s = %s;\n", tmp, text));
            text = tmp;
        }
        pb_str(&list, i ? ",\n  " : "\n  ");
        pb_str(&list, text);
        pb_str(&list, " as ");
        if (is_plain_ident(exported))
            pb_str(&list, exported);
        else
            quote(&list, exported);
    }
    pb_str(out, "export {");
    pb_text(out, list.b, list.n);
    pb_str(out, "\n};\n");
    free(list.b);
    free(list.segs);
}

static void print_epilogue(pctx *c, sl__arena *a, pbuf *out)
{
    sl__link *L = c->L;
    const sl__link_opts *o = L->o;
    int32_t e = L->entry;
    pb_str(out, "\n");
    if (L->kind[e] != MK_ESM) {
        const char *call = sl__arena_printf(a, "%s()", name(c, L->require_name[e]));
        if (o->format == FMT_CJS)
            pb_str(out, sl__arena_printf(a, "module.exports = %s;\n", call));
        else if (o->format == FMT_ESM)
            pb_str(out, sl__arena_printf(a, "export default %s;\n", call));
        else if (o->global_name)
            pb_str(out, sl__arena_printf(a, "return %s;\n", call));
        else
            pb_str(out, sl__arena_printf(a, "%s;\n", call));
    } else if (o->format == FMT_ESM) {
        for (size_t k = 0; k < L->nentry_star_ext; k++) { /* names only the external knows */
            pb_str(out, "export * from ");
            quote(out, L->entry_star_ext[k]);
            pb_str(out, ";\n");
        }
        if (L->nentry_exports)
            print_export_clause(c, a, out);
    } else if (o->format == FMT_CJS && L->entry_ns_out) {
        pb_str(out, helper_to_common_js);
        pb_str(out, sl__arena_printf(a, "module.exports = __toCommonJS(%s);\n", name(c, L->ns_expr[e])));
    } else if (o->format == FMT_IIFE && o->global_name && L->entry_ns_out) {
        pb_str(out, sl__arena_printf(a, "return %s;\n", name(c, L->ns_expr[e])));
    }
    if (c->strict == STRICT_SPLIT)
        pb_str(out, "})();\n");
    if (o->format == FMT_IIFE)
        pb_str(out, "})();\n");
    if (o->format == FMT_CJS && L->kind[e] == MK_ESM && L->entry_ns_out)
        print_export_names(c, out); /* at the top level, last: the lexer's reading of module.exports */
}

/* How strict the output is (see STRICT_FILE, STRICT_SPLIT). */
static int strict_mode(const sl__link *L)
{
    if (L->o->format == FMT_ESM)
        return STRICT_NONE; /* ESM output is strict anyway */
    if (L->kind[L->entry] != MK_ESM) { /* a CommonJS entry keeps its own, and ES modules it reaches theirs */
        size_t e = 0;
        while (e < L->nevs && L->evs[e].type != EV_ESM)
            e++;
        if (e == L->nevs)
            return STRICT_NONE;
    }
    for (size_t i = 0; i < L->ncjs; i++) {
        const js_module *m = L->g->mods[L->cjs_order[i]];
        if (L->kind[L->cjs_order[i]] == MK_CJS && !(m->flags & MF_STRICT) && m->nstmts)
            return STRICT_SPLIT;
    }
    return STRICT_FILE;
}

/* ---- source map ---------------------------------------------------------- */

static void raw(pbuf *p, const char *s, size_t n)
{
    if (!n)
        return;
    pb_grow(p, n);
    memcpy(p->b + p->n, s, n);
    p->n += n;
}

/* One VLQ number, straight into the buffer (a map's JSON needs no line
 * counting). */
static void vlq(pbuf *p, int32_t v)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t u = v < 0 ? ((uint32_t)(-v) << 1) | 1 : (uint32_t)v << 1;
    pb_grow(p, 8);
    do {
        uint32_t digit = u & 31;
        u >>= 5;
        if (u)
            digit |= 32;
        p->b[p->n++] = b64[digit];
    } while (u);
}

/* A JSON string: runs that need no escape are copied whole (sourcesContent
 * is every original file, megabytes of it).  Tabs, newlines and the other
 * characters JSON has two-character escapes for get those, as esbuild
 * writes them (three.js indents with tabs: as \u0009 through snprintf
 * they were 5% of a --minify --sourcemap run's CPU, on one thread). */
static void raw_quote(pbuf *p, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    pb_grow(p, n + 2);
    raw(p, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        raw(p, s + run, i - run);
        run = i + 1;
        const char *e = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\t' ? "\\t"
                      : ch == '\r' ? "\\r" : ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : NULL;
        if (e) {
            raw(p, e, 2);
        } else {
            char buf[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            raw(p, buf, 6);
        }
    }
    raw(p, s + run, n - run);
    raw(p, "\"", 1);
}

static char *relative_to(const char *dir, const char *path)
{
    /* walk up from dir until it is a prefix of path */
    size_t dl = strlen(dir);
    char *out = malloc(strlen(path) + dl * 2 + 8);
    out[0] = 0;
    char *d = strdup(dir);
    for (;;) {
        size_t n = strlen(d);
        if (!strncmp(path, d, n) && (path[n] == '/' || n == 1)) {
            strcat(out, path + n + (n > 1));
            break;
        }
        strcat(out, "../");
        char *s = strrchr(d, '/');
        if (!s)
            break;
        if (s == d)
            s[1] = 0;
        else
            *s = 0;
    }
    free(d);
    return out;
}

/* JSON strings joined by commas (lens NULL: NUL-terminated). */
static void raw_list(pbuf *m, const char *const *s, const size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            raw(m, ",", 1);
        raw_quote(m, s[i], lens ? lens[i] : strlen(s[i]));
    }
}

/* The map's mappings string: segments in output order; `;` ends a line, `,` separates. */
static void map_mappings(pbuf *m, const sl__map_seg *segs, size_t nsegs)
{
    int32_t prev_src = 0, prev_line = 0, prev_col = 0, prev_name = 0;
    uint32_t line = 0, prev_out_col = 0;
    int on_line = 0; /* a segment already written on this output line */
    for (size_t k = 0; k < nsegs; k++) {
        const sl__map_seg *g = &segs[k];
        for (; line < g->gen_line; line++) {
            raw(m, ";", 1);
            on_line = 0;
            prev_out_col = 0;
        }
        if (on_line)
            raw(m, ",", 1);
        on_line = 1;
        vlq(m, (int32_t)(g->gen_col - prev_out_col));
        prev_out_col = g->gen_col;
        if (g->src < 0) /* generated text: a segment of one field, mapped nowhere */
            continue;
        vlq(m, g->src - prev_src);
        vlq(m, g->line - prev_line);
        vlq(m, g->col - prev_col);
        if (g->name >= 0) {
            vlq(m, g->name - prev_name);
            prev_name = g->name;
        }
        prev_src = g->src;
        prev_line = g->line;
        prev_col = g->col;
    }
}

void sl__map_json(const sl__map_seg *segs, size_t nsegs, char *const *sources, const char *const *contents,
                  const size_t *lens, size_t nsources, char *const *names, size_t nnames, char **json, size_t *len)
{
    /* sized once for the usual case (a third of the contents escaped -
     * three.js's tabs and newlines are 30% -, a segment in ~6 digits):
     * growing 36 MB by doubling copied and faulted it in twice over; what
     * is reserved and never written costs no memory */
    size_t want = 64 + nsegs * 8;
    for (size_t i = 0; i < nsources; i++)
        want += strlen(sources[i]) + lens[i] + lens[i] / 2 + 8;
    for (size_t i = 0; i < nnames; i++)
        want += strlen(names[i]) + 4;
    pbuf m = {sl__xrealloc(NULL, want), 0, want, 0, 0, NULL, 0, 0};
    sl__js_huge_hint(m.b, want);
    raw(&m, "{\"version\":3,\"sources\":[", 24);
    raw_list(&m, (const char *const *)sources, NULL, nsources);
    raw(&m, "],\"sourcesContent\":[", 20);
    raw_list(&m, contents, lens, nsources);
    raw(&m, "],\"names\":[", 11);
    raw_list(&m, (const char *const *)names, NULL, nnames);
    raw(&m, "],\"mappings\":\"", 14);
    map_mappings(&m, segs, nsegs);
    raw(&m, "\"}\n", 3);
    free(m.segs);
    *json = m.b;
    *len = m.n;
}

/* The bundle's map: its segments (kept decoded in out for --minify to
 * compose with), its sources relative to the map's directory and their
 * original text. */
static void build_map(pctx *c, const item *items, size_t nitems, const pbuf *bufs, size_t head_lines, int json,
                      sl__output *out)
{
    sl__link *L = c->L;
    int32_t *src_index = malloc(L->g->n * sizeof *src_index);
    for (size_t i = 0; i < L->g->n; i++)
        src_index[i] = -1;
    size_t nsrc = 0, nsegs = 0;
    for (size_t i = 0; i < nitems; i++)
        nsegs += bufs[i].nsegs;
    out->sources = calloc(L->g->n + 1, sizeof *out->sources);
    out->contents = calloc(L->g->n + 1, sizeof *out->contents);
    out->content_lens = calloc(L->g->n + 1, sizeof *out->content_lens);
    out->segs = malloc((nsegs + 1) * sizeof *out->segs);
    sl__js_huge_hint(out->segs, (nsegs + 1) * sizeof *out->segs);
    for (size_t i = 0; i < nitems; i++) {
        int32_t mi = items[i].mod;
        if (src_index[mi] >= 0 || bufs[i].nsegs == 0)
            continue;
        const js_module *mod = L->g->mods[mi];
        out->sources[nsrc] = relative_to(c->map_dir, mod->path);
        out->contents[nsrc] = mod->orig_src ? mod->orig_src : mod->src;
        out->content_lens[nsrc] = mod->orig_src ? mod->orig_len : mod->len;
        src_index[mi] = (int32_t)nsrc++;
    }
    out->nsources = nsrc;
    size_t k = 0, base = head_lines;
    for (size_t i = 0; i < nitems; i++) {
        const pbuf *b = &bufs[i];
        int32_t si = src_index[items[i].mod];
        for (size_t j = 0; j < b->nsegs && si >= 0; j++) {
            const seg *g = &b->segs[j];
            out->segs[k++] = g->src_line < 0 ? (sl__map_seg){(uint32_t)(base + g->out_line), g->out_col, -1, 0, 0, -1}
                                             : (sl__map_seg){(uint32_t)(base + g->out_line), g->out_col, si,
                                                             g->src_line, g->src_col, g->patch ? SL_SEG_PATCH : -1};
        }
        base += b->nl;
    }
    out->nsegs = k;
    if (json)
        sl__map_json(out->segs, out->nsegs, out->sources, out->contents, out->content_lens, out->nsources, NULL, 0,
                     &out->map, &out->map_len);
    free(src_index);
}

int sl__print(sl__link *L, sl_pool *pool, const char *map_name, const char *map_dir, int map_json, sl__output *out)
{
    memset(out, 0, sizeof *out);
    int strict = strict_mode(L), split = strict == STRICT_SPLIT;
    size_t nitems = L->ncjs + (size_t)split + L->nevs;
    item *items = malloc((nitems + 1) * sizeof *items);
    for (size_t i = 0; i < L->ncjs; i++)
        items[i] = (item){0, L->cjs_order[i]};
    if (split)
        items[L->ncjs] = (item){ITEM_STRICT_OPEN, L->entry};
    for (size_t i = 0; i < L->nevs; i++)
        items[L->ncjs + (size_t)split + i] = (item){(uint8_t)(1 + L->evs[i].type), L->evs[i].mod};
    pbuf *bufs = calloc(nitems + 1, sizeof *bufs);
    pctx c = {.L = L, .strict = strict, .track = map_name != NULL, .map_dir = map_dir};
    if (getcwd(c.cwd, sizeof c.cwd))
        c.cwdlen = strlen(c.cwd);
    par pa = {&c, items, bufs};
    sl_parallel_for(pool, 0, nitems, 8, print_range, &pa);

    sl__arena a;
    sl__arena_init(&a);
    pbuf head = {0}, tail = {0};
    print_prelude(&c, &a, &head);
    print_epilogue(&c, &a, &tail);

    size_t total = head.n + tail.n + 64 + (map_name ? strlen(map_name) + 32 : 0);
    for (size_t i = 0; i < nitems; i++)
        total += bufs[i].n;
    out->code = malloc(total);
    sl__js_huge_hint(out->code, total);
    out->module_bytes = calloc(L->g->n, sizeof *out->module_bytes);
    size_t o = 0;
    if (head.n)
        memcpy(out->code + o, head.b, head.n);
    o += head.n;
    out->cuts = malloc((nitems + 2) * sizeof *out->cuts);
    /* a cut only where no wrapper is open: the iife's function, the strict
     * function of STRICT_SPLIT, an import() group's __lazy closure */
    int depth = L->o->format == FMT_IIFE;
    for (size_t i = 0; i < nitems; i++) {
        if (!depth)
            out->cuts[out->ncuts++] = o;
        depth += items[i].type == ITEM_STRICT_OPEN || items[i].type == 1 + EV_LAZY_BEGIN;
        depth -= items[i].type == 1 + EV_LAZY_END;
        if (bufs[i].n)
            memcpy(out->code + o, bufs[i].b, bufs[i].n);
        o += bufs[i].n;
        out->module_bytes[items[i].mod] += bufs[i].n;
    }
    if (!depth)
        out->cuts[out->ncuts++] = o;
    if (tail.n)
        memcpy(out->code + o, tail.b, tail.n);
    o += tail.n;
    if (map_name)
        o += (size_t)sprintf(out->code + o, "//# sourceMappingURL=%s\n", map_name);
    out->len = o;

    if (map_name)
        build_map(&c, items, nitems, bufs, head.nl, map_json, out);
    for (size_t i = 0; i < nitems; i++) {
        free(bufs[i].b);
        free(bufs[i].segs);
    }
    free(bufs);
    free(items);
    free(head.b);
    free(head.segs);
    free(tail.b);
    free(tail.segs);
    sl__arena_free(&a);
    return atomic_load(&c.unnamed) ? -1 : 0;
}

void sl__output_free(sl__output *out)
{
    free(out->code);
    free(out->map);
    free(out->module_bytes);
    for (size_t i = 0; i < out->nsources; i++)
        free(out->sources[i]);
    free(out->sources);
    free(out->contents);
    free(out->content_lens);
    free(out->segs);
    free(out->cuts);
    memset(out, 0, sizeof *out);
}
