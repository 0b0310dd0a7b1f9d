/*
 * js_front.c - TypeScript/JSX lowering and bundle minification through
 * tools/js (see js_front.h).
 *
 * The one idea: tools/js maps what it prints as it prints - a lowered
 * module as (byte offset -> original position) points, which let the
 * bundler's own source map, built by splicing the printed text, still
 * point into the original .ts/.tsx file; a minified piece as a source map
 * whose decoded segments are composed with the unminified bundle's.
 */
#include "js_front.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../js/js_bigmem.h"
#include "../js/js_lower.h"
#include "../js/js_mangle.h"
#include "../js/js_minify.h"
#include "../js/js_parser.h"
#include "../js/js_printer.h"
#include "../js/js_scope.h"

int sl__front_wants(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    return !strcmp(dot, ".ts") || !strcmp(dot, ".tsx") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts") ||
           !strcmp(dot, ".jsx");
}

/* ---- decoding a mappings string ------------------------------------------ */

static int b64(int c)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *q = c ? strchr(digits, c) : NULL;
    return q ? (int)(q - digits) : -1;
}

static int32_t vlq_next(const char **p, const char *end)
{
    uint32_t v = 0, shift = 0;
    while (*p < end) {
        int d = b64((unsigned char)*(*p)++);
        if (d < 0)
            break;
        v |= (uint32_t)(d & 31) << shift;
        shift += 5;
        if (!(d & 32))
            break;
    }
    int32_t mag = (int32_t)(v >> 1);
    return v & 1 ? -mag : mag;
}

/* Segments of a mappings string, in generated order. */
static sl__map_seg *decode(const char *s, size_t n, size_t *count)
{
    size_t cap = 64, k = 0;
    sl__map_seg *out = malloc(cap * sizeof *out);
    const char *p = s, *end = s + n;
    uint32_t line = 0;
    int32_t col = 0, src = 0, ol = 0, oc = 0, name = 0;
    while (p < end) {
        if (*p == ';') {
            line++, col = 0, p++;
            continue;
        }
        if (*p == ',') {
            p++;
            continue;
        }
        col += vlq_next(&p, end);
        sl__map_seg g = {line, (uint32_t)col, -1, 0, 0, -1};
        if (p < end && *p != ',' && *p != ';') {
            src += vlq_next(&p, end);
            ol += vlq_next(&p, end);
            oc += vlq_next(&p, end);
            g.src = src, g.line = ol, g.col = oc;
            if (p < end && *p != ',' && *p != ';') {
                name += vlq_next(&p, end);
                g.name = name;
            }
        }
        if (k == cap)
            out = realloc(out, (cap *= 2) * sizeof *out);
        out[k++] = g;
    }
    *count = k;
    return out;
}

/* The last base segment at or before (line, col); NULL if none on that line. */
static const sl__map_seg *seg_at(const sl__map_seg *base, size_t n, uint32_t line, uint32_t col)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first segment after (line, col) */
        size_t mid = (lo + hi) / 2;
        const sl__map_seg *g = &base[mid];
        if (g->gen_line < line || (g->gen_line == line && g->gen_col <= col))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || base[lo - 1].gen_line != line)
        return NULL;
    return &base[lo - 1];
}

/* The minifier's segments point into the unminified bundle; the base map
 * points from there into the original files.  Each segment goes through
 * the base segment before it on its line: in a copied run the text is
 * the source's, so the distance into the run carries over; in a patch
 * (SL_SEG_PATCH) every position is the patch's point; in generated text
 * (src -1) there is no source, and the segment is dropped.  In place;
 * returns how many are left. */
static size_t compose(sl__map_seg *segs, size_t n, const sl__map_seg *base, size_t nbase)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const sl__map_seg g = segs[i];
        const sl__map_seg *b = g.src == 0 ? seg_at(base, nbase, (uint32_t)g.line, (uint32_t)g.col) : NULL;
        if (b && b->src >= 0)
            segs[k++] = (sl__map_seg){g.gen_line, g.gen_col, b->src, b->line,
                                      b->col + (b->name == SL_SEG_PATCH ? 0 : g.col - (int32_t)b->gen_col), g.name};
    }
    return k;
}

const char *sl__utf16_skip(const char *s, const char *end, int32_t units)
{
    for (int32_t u = 0; u < units && s < end && *s != '\n';) {
        unsigned char c = (unsigned char)*s;
        int w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        u += w == 4 ? 2 : 1; /* a 4-byte character is a surrogate pair */
        s += w;
    }
    return s > end ? end : s;
}

/* ---- a minified map's names: as written in the original files ------------ */

/* Line starts of each original file, to find a map position's text. */
typedef struct src_lines {
    uint32_t *start;
    size_t n;
} src_lines;

static src_lines *index_sources(const sl__minify_opts *o)
{
    if (!o->want_map || !o->base || !o->contents)
        return NULL;
    src_lines *L = calloc(o->nsources + 1, sizeof *L);
    for (size_t i = 0; i < o->nsources; i++) {
        const char *t = o->contents[i], *end = t + (t ? o->content_lens[i] : 0);
        size_t n = 1;
        for (const char *q = t; q && (q = memchr(q, '\n', (size_t)(end - q))); q++)
            n++;
        L[i].start = malloc(n * sizeof *L[i].start);
        L[i].start[0] = 0;
        L[i].n = 1;
        for (const char *q = t; q && (q = memchr(q, '\n', (size_t)(end - q))); q++)
            L[i].start[L[i].n++] = (uint32_t)(q + 1 - t);
    }
    return L;
}

static void free_source_index(src_lines *L, size_t n)
{
    for (size_t i = 0; L && i < n; i++)
        free(L[i].start);
    free(L);
}

static int ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

/* The identifier written where segment s points in its original file, or
 * NULL (no identifier there, or one spelled with an escape). */
/* Where the last segment's column was found: segments of one line mostly
 * come in column order, so the next is found on from there (a minified
 * input is one long line: skipping from its start each time was
 * quadratic, 14 s for prettier's 2.2 MB). */
typedef struct col_cursor {
    int32_t src, line, col;
    const char *at;
} col_cursor;

static const char *written_ident(const sl__minify_opts *o, const src_lines *L, const sl__map_seg *s, size_t *len,
                                 col_cursor *cur)
{
    if (s->src < 0 || (size_t)s->src >= o->nsources || !o->contents[s->src] || s->line < 0 || s->col < 0 ||
        (size_t)s->line >= L[s->src].n)
        return NULL;
    const char *t = o->contents[s->src], *end = t + o->content_lens[s->src];
    const char *p;
    if (cur->at && cur->src == s->src && cur->line == s->line && cur->col <= s->col)
        p = sl__utf16_skip(cur->at, end, s->col - cur->col);
    else
        p = sl__utf16_skip(t + L[s->src].start[s->line], end, s->col);
    *cur = (col_cursor){s->src, s->line, s->col, p};
    const char *q = p;
    while (q < end && ident_byte((unsigned char)*q))
        q++;
    if (q == p || (*p >= '0' && *p <= '9') || (q < end && *q == '\\'))
        return NULL;
    *len = (size_t)(q - p);
    return p;
}

/* Extra names of one map: names[nnames + i] is v[i]. */
typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

/* Composed segments whose name differs from the identifier written at the
 * original position get that identifier (appended to extra) instead. */
static void written_names(sl__map_seg *segs, size_t n, const char *const *names, size_t nnames,
                          const sl__minify_opts *o, const src_lines *L, name_list *extra)
{
    col_cursor cur = {0};
    for (size_t i = 0; L && i < n; i++) {
        sl__map_seg *s = &segs[i];
        size_t len;
        const char *w;
        if (s->name < 0 || (size_t)s->name >= nnames || !(w = written_ident(o, L, s, &len, &cur)))
            continue;
        const char *have = names[s->name];
        if (strlen(have) == len && !memcmp(have, w, len))
            continue;
        size_t k = extra->n; /* a renamed name recurs: look back a few before adding */
        for (size_t j = extra->n; j-- > 0 && extra->n - j <= 8;)
            if (strlen(extra->v[j]) == len && !memcmp(extra->v[j], w, len)) {
                k = j;
                break;
            }
        if (k == extra->n) {
            if (extra->n == extra->cap)
                extra->v = realloc(extra->v, (extra->cap = extra->cap ? extra->cap * 2 : 16) * sizeof *extra->v);
            extra->v[extra->n++] = strndup(w, len);
        }
        s->name = (int32_t)(nnames + k);
    }
}

/* ---- lowering a module ---------------------------------------------------- */

static js_lower_opts lower_opts(const sl__lower_cfg *c)
{
    js_lower_opts lo = sl__js_lower_defaults();
    if (c->jsx == SL_JSX_CLASSIC)
        lo.jsx = JSX_CLASSIC;
    else if (c->jsx == SL_JSX_AUTOMATIC)
        lo.jsx = JSX_AUTOMATIC;
    else if (c->jsx == SL_JSX_PRESERVE)
        lo.jsx = JSX_PRESERVE;
    if (c->jsx_factory)
        lo.jsx_factory = c->jsx_factory;
    if (c->jsx_fragment)
        lo.jsx_fragment = c->jsx_fragment;
    if (c->jsx_import_source)
        lo.jsx_import_source = c->jsx_import_source;
    if (c->use_define_for_class_fields >= 0)
        lo.use_define_for_class_fields = (uint8_t)c->use_define_for_class_fields;
    if (c->experimental_decorators >= 0)
        lo.experimental_decorators = (uint8_t)c->experimental_decorators;
    if (c->verbatim_module_syntax >= 0)
        lo.verbatim_module_syntax = (uint8_t)c->verbatim_module_syntax;
    return lo;
}

int sl__front_lower(const char *path, const char *src, size_t len, const sl__lower_cfg *cfg, int want_map,
                    char **out, size_t *outlen, sl__omap_seg **map, size_t *nmap, uint32_t *source_ignored_p1,
                    int *has_export, char *err, size_t errlen)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = sl__js_opts_for_path(path);
    po.max_depth = cfg->max_depth;
    js_ast ast;
    int rc = -1;
    js_buf b = {0};
    js_offmap om = {0};
    if (sl__js_parse_program(&ast, path, src, len, &po, &a, err, errlen))
        goto done;
    if (has_export)
        *has_export = ast.has_export;
    js_lower_opts lo = lower_opts(cfg);
    if (sl__js_transform(&ast, po.ts, &lo, err, errlen))
        goto done;
    if (source_ignored_p1)
        *source_ignored_p1 = po.jsx ? sl__jsx_source_ignored(&ast, &lo) : 0;
    js_print_opts pr = {.offmap = want_map ? &om : NULL};
    sl__js_print(&ast, &pr, &b);
    sl__js_buf_put(&b, "", 0); /* a NUL even for an empty module */
    if (want_map) { /* the same three fields, in tools/js's type */
        sl__omap_seg *o = malloc((om.n + 1) * sizeof *o);
        for (size_t i = 0; i < om.n; i++)
            o[i] = (sl__omap_seg){om.v[i].off, om.v[i].line, om.v[i].col};
        *map = o;
        *nmap = om.n;
    }
    *out = b.v;
    *outlen = b.n;
    b.v = NULL;
    rc = 0;
done:
    sl__js_buf_free(&b);
    free(om.v);
    sl__js_arena_free(&a);
    return rc;
}

/* ---- minifying the bundle ------------------------------------------------- */

/* Names the renamer never hands out: the --global-name, and in CommonJS
 * output the module function's own parameters, which its renamed top
 * level could otherwise shadow. */
static size_t reserved_names(const sl__minify_opts *o, const char **keep)
{
    static const char *const wrapper[] = {"exports", "require", "module", "__filename", "__dirname"};
    size_t n = 0;
    if (o->keep)
        keep[n++] = o->keep;
    for (size_t i = 0; o->cjs && i < sizeof wrapper / sizeof wrapper[0]; i++)
        keep[n++] = wrapper[i];
    return n;
}

/* The joined map's names: each piece's names, each name once. */
typedef struct name_tab {
    char **v;
    size_t n, cap;
    uint32_t *slot; /* index + 1 */
    size_t scap;
} name_tab;

static uint32_t fnv(const char *s)
{
    uint32_t x = 2166136261u;
    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 16777619u;
    return x;
}

static int32_t name_index(name_tab *t, const char *s)
{
    if ((t->n + 1) * 2 > t->scap) {
        t->scap = t->scap ? t->scap * 2 : 1024;
        free(t->slot);
        t->slot = calloc(t->scap, sizeof *t->slot);
        for (size_t i = 0; i < t->n; i++) {
            size_t j = fnv(t->v[i]) & (t->scap - 1);
            while (t->slot[j])
                j = (j + 1) & (t->scap - 1);
            t->slot[j] = (uint32_t)i + 1;
        }
    }
    size_t j = fnv(s) & (t->scap - 1);
    for (; t->slot[j]; j = (j + 1) & (t->scap - 1))
        if (!strcmp(t->v[t->slot[j] - 1], s))
            return (int32_t)t->slot[j] - 1;
    if (t->n == t->cap)
        t->v = realloc(t->v, (t->cap = t->cap ? t->cap * 2 : 256) * sizeof *t->v);
    t->v[t->n] = strdup(s);
    t->slot[j] = (uint32_t)++t->n;
    return (int32_t)t->n - 1;
}


int sl__front_minify(const char *code, size_t len, const sl__minify_opts *o, sl__minified *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = {0, 0, o->module, o->max_depth};
    js_ast ast;
    js_buf b = {0};
    js_sourcemap sm = {0};
    int rc = -1;
    if (sl__js_parse_program(&ast, "<bundle>", code, len, &po, &a, err, errlen))
        goto done;
    sl__js_scope_bind(&ast);
    if (o->syntax)
        sl__js_minify_syntax(&ast);
    if (o->identifiers) {
        const char *keep[8];
        js_mangle_opts mo = {.reserved = keep, .nreserved = reserved_names(o, keep), .top_level_local = o->cjs};
        sl__js_mangle(&ast, &mo);
    }
    js_print_opts pr = {.minify_whitespace = o->whitespace, .sourcemap = o->want_map ? &sm : NULL};
    sl__js_print(&ast, &pr, &b);
    sl__js_buf_put(&b, "", 0);
    if (!b.n || b.v[b.n - 1] != '\n')
        sl__js_buf_put(&b, "\n", 1);
    if (o->want_map) {
        out->segs = decode(sm.mappings.v ? sm.mappings.v : "", sm.mappings.n, &out->nsegs);
        name_list extra = {0};
        if (o->base) {
            out->nsegs = compose(out->segs, out->nsegs, o->base, o->nbase);
            src_lines *L = index_sources(o);
            written_names(out->segs, out->nsegs, (const char *const *)sm.names, sm.nnames, o, L, &extra);
            free_source_index(L, o->nsources);
        }
        /* the names segments still use, each once, in order of first use */
        name_tab tab = {0};
        for (size_t i = 0; i < out->nsegs; i++) {
            size_t k = (size_t)out->segs[i].name;
            if (out->segs[i].name >= 0)
                out->segs[i].name = name_index(&tab, k < sm.nnames ? sm.names[k] : extra.v[k - sm.nnames]);
        }
        out->names = tab.v;
        out->nnames = tab.n;
        free(tab.slot);
        for (size_t i = 0; i < extra.n; i++)
            free(extra.v[i]);
        free(extra.v);
    }
    out->code = b.v;
    out->len = b.n;
    b.v = NULL;
    rc = 0;
done:
    sl__js_buf_free(&b);
    sl__js_sourcemap_free(&sm);
    sl__js_arena_free(&a);
    return rc;
}

void sl__minified_free(sl__minified *m)
{
    free(m->code);
    free(m->segs);
    for (size_t i = 0; i < m->nnames; i++)
        free(m->names[i]);
    free(m->names);
    memset(m, 0, sizeof *m);
}

/* ---- minifying the bundle in pieces ---------------------------------------- */

/* tools/bundle/js_record.h's thread starter (64 MiB stacks), declared here
 * because that header's types clash with tools/js's. */
int sl__js_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Pieces smaller than this join the next: a piece costs an arena, a scope
 * table and a thread hand-off, and statements joined in one piece can
 * still be merged by --minify-syntax.  A small bundle is still cut in
 * up to 16 pieces (so the tests' small bundles go the same way as large
 * ones).  The cut never depends on the thread count: -j does not change
 * the output. */
enum { PIECE_MAX_MIN = 64 << 10, SMALL_PIECES = 16 };

typedef struct piece {
    size_t start, end;
    uint32_t line0; /* the bundle's line where it starts (a line start) */
    js_arena a;
    js_ast ast;
    js_buf b;
    js_sourcemap sm;
    sl__map_seg *segs; /* sm decoded, in the bundle's lines (composed with the base map, if any) */
    size_t nsegs;
    name_list extra;   /* names written in the original files that sm.names lacks */
    size_t nl;         /* newlines in b */
    uint32_t last;     /* UTF-16 units after its last newline (or in all of b) */
    int failed;
    char err[256]; /* a piece that fails is parsed again whole, for the message */
} piece;

enum { PH_PARSE, PH_SYNTAX, PH_PRINT };

typedef struct pieces {
    const char *code;
    piece *v;
    size_t n;
    const sl__minify_opts *o;
    const src_lines *lines; /* o->contents' line starts, when names are looked up there */
    int phase;
    atomic_size_t next;
    js_chunk_pool pool; /* every piece's arena chunks */
} pieces;

/* Where the piece's text ends: its newlines and the width of its last line. */
static void piece_measure(piece *p)
{
    const char *last = NULL;
    for (const char *q = p->b.v; p->b.n && (q = memchr(q, '\n', (size_t)(p->b.v + p->b.n - q))); q++)
        p->nl++, last = q;
    p->last = last ? sl__utf16_units(last + 1, (size_t)(p->b.v + p->b.n - last - 1)) : sl__utf16_units(p->b.v, p->b.n);
}

/* The piece's map decoded, moved to the bundle's lines and composed with the base map. */
static void piece_map(piece *p, const sl__minify_opts *o, const src_lines *L)
{
    p->segs = decode(p->sm.mappings.v ? p->sm.mappings.v : "", p->sm.mappings.n, &p->nsegs);
    for (size_t i = 0; i < p->nsegs; i++)
        if (p->segs[i].src >= 0)
            p->segs[i].line += (int32_t)p->line0;
    if (o->base) {
        p->nsegs = compose(p->segs, p->nsegs, o->base, o->nbase);
        written_names(p->segs, p->nsegs, (const char *const *)p->sm.names, p->sm.nnames, o, L, &p->extra);
    }
}

static void piece_step(pieces *P, piece *p)
{
    const sl__minify_opts *o = P->o;
    if (P->phase == PH_PARSE) {
        sl__js_arena_init(&p->a);
        p->a.pool = &P->pool;
        js_parse_opts po = {0, 0, o->module, o->max_depth};
        if (sl__js_parse_program(&p->ast, "<bundle>", P->code + p->start, p->end - p->start, &po, &p->a, p->err,
                                 sizeof p->err))
            p->failed = 1;
        else
            sl__js_scope_bind(&p->ast);
    } else if (P->phase == PH_SYNTAX) {
        sl__js_minify_syntax(&p->ast);
    } else {
        js_print_opts pr = {.minify_whitespace = o->whitespace, .sourcemap = o->want_map ? &p->sm : NULL};
        sl__js_print(&p->ast, &pr, &p->b);
        piece_measure(p);
        if (o->want_map)
            piece_map(p, o, P->lines);
    }
}

/* Pieces are taken in order from one counter: no piece is done twice, and
 * each thread's writes reach the joiner through pthread_join. */
static void *piece_worker(void *arg)
{
    pieces *P = arg;
    for (size_t i; (i = atomic_fetch_add(&P->next, 1)) < P->n;)
        piece_step(P, &P->v[i]);
    return NULL;
}

static void run_phase(pieces *P, size_t threads, int phase)
{
    P->phase = phase;
    atomic_store(&P->next, 0);
    if (threads > P->n)
        threads = P->n;
    pthread_t *t = calloc(threads + 1, sizeof *t);
    size_t started = 0;
    for (size_t i = 1; i < threads; i++)
        if (!sl__js_thread_start(&t[started], piece_worker, P))
            started++;
    piece_worker(P); /* the caller takes pieces too (the front end fits a default stack) */
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
}

/* Pieces of at least min bytes, each starting at a cut at a line start. */
static size_t cut_pieces(const char *code, size_t len, const size_t *cuts, size_t ncuts, piece **out)
{
    size_t min = len / SMALL_PIECES;
    if (min > PIECE_MAX_MIN)
        min = PIECE_MAX_MIN;
    piece *v = calloc(ncuts + 2, sizeof *v);
    size_t n = 0, start = 0;
    uint32_t line = 0;
    const char *q = code;
    for (size_t i = 0; i < ncuts; i++) {
        size_t c = cuts[i];
        if (c <= start || c >= len || code[c - 1] != '\n' || c - start < min)
            continue;
        v[n].start = start, v[n].end = c, v[n].line0 = line;
        n++;
        for (; (q = memchr(q, '\n', (size_t)(code + c - q))); q++)
            line++;
        q = code + c;
        start = c;
    }
    v[n].start = start, v[n].end = len, v[n].line0 = line;
    *out = v;
    return n + 1;
}

/* A piece declaring a top-level `undefined` would make other pieces'
 * unbound `undefined` (rewritten to `void 0`) read it: minify whole. */
static int declares_undefined(const js_ast *ast)
{
    if (!ast->nscopes)
        return 0;
    const js_scope *top = &ast->scopes[0];
    for (uint32_t i = 0; i < top->n; i++) {
        const js_symbol *sy = &ast->syms[ast->scope_syms[top->first + i]];
        if (sy->kind != SK_UNBOUND && !strcmp(sy->name, "undefined"))
            return 1;
    }
    return 0;
}

/* UTF-16 units in s[0..n) (a source map's columns). */
uint32_t sl__utf16_units(const char *s, size_t n)
{
    uint32_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        u += (c & 0xC0) != 0x80;
        u += c >= 0xF0;
    }
    return u;
}

/* One piece's segments, moved to where its text lands in the output
 * (line, col), appended to *segs. */
static void join_map(const piece *p, uint32_t line, uint32_t col, name_tab *names, sl__map_seg *segs, size_t *n)
{
    for (size_t i = 0; i < p->nsegs; i++) {
        sl__map_seg s = p->segs[i];
        if (s.gen_line == 0)
            s.gen_col += col;
        s.gen_line += line;
        if (s.name >= 0) {
            size_t k = (size_t)s.name;
            const char *nm = k < p->sm.nnames ? p->sm.names[k] : k - p->sm.nnames < p->extra.n ? p->extra.v[k - p->sm.nnames] : NULL;
            s.name = nm ? name_index(names, nm) : -1;
        }
        segs[(*n)++] = s;
    }
}

static void join_pieces(pieces *P, sl__minified *out)
{
    name_tab names = {0};
    size_t len = 2, nsegs = 0;
    for (size_t i = 0; i < P->n; i++)
        len += P->v[i].b.n + 1, nsegs += P->v[i].nsegs;
    js_buf b = {malloc(len + 1), 0, len + 1};
    sl__js_huge_hint(b.v, len + 1);
    if (P->o->want_map) {
        out->segs = malloc((nsegs + 1) * sizeof *out->segs);
        sl__js_huge_hint(out->segs, (nsegs + 1) * sizeof *out->segs);
    }
    uint32_t line = 0, col = 0;
    for (size_t i = 0; i < P->n; i++) {
        piece *p = &P->v[i];
        if (!p->b.n)
            continue;
        if (b.n && b.v[b.n - 1] != '\n' && b.v[b.n - 1] != ';') { /* the last statement has no `;` */
            sl__js_buf_put(&b, ";", 1);
            col++;
        }
        if (P->o->want_map)
            join_map(p, line, col, &names, out->segs, &out->nsegs);
        sl__js_buf_put(&b, p->b.v, p->b.n);
        line += (uint32_t)p->nl;
        col = p->nl ? p->last : col + p->last;
        sl__js_buf_free(&p->b); /* copied: the peak holds one copy of the output */
        free(p->segs);
        p->segs = NULL;
    }
    sl__js_buf_put(&b, "", 0);
    if (!b.n || b.v[b.n - 1] != '\n')
        sl__js_buf_put(&b, "\n", 1);
    out->code = b.v;
    out->len = b.n;
    out->names = names.v;
    out->nnames = names.n;
    free(names.slot);
}

static void free_pieces(pieces *P)
{
    for (size_t i = 0; i < P->n; i++) {
        sl__js_buf_free(&P->v[i].b);
        sl__js_sourcemap_free(&P->v[i].sm);
        free(P->v[i].segs);
        for (size_t j = 0; j < P->v[i].extra.n; j++)
            free(P->v[i].extra.v[j]);
        free(P->v[i].extra.v);
        sl__js_arena_free(&P->v[i].a);
    }
    sl__js_pool_free(&P->pool);
    free(P->v);
}

int sl__front_minify_pieces(const char *code, size_t len, const size_t *cuts, size_t ncuts, size_t threads,
                            const sl__minify_opts *o, sl__minified *out)
{
    pieces P = {.code = code, .o = o};
    sl__js_pool_init(&P.pool);
    if (!threads)
        threads = 1;
    P.n = cut_pieces(code, len, cuts, ncuts, &P.v);
    int rc = 1;
    if (P.n < 2)
        goto done;
    run_phase(&P, threads, PH_PARSE);
    for (size_t i = 0; i < P.n; i++) /* the whole-bundle path says where, in the bundle's lines */
        if (P.v[i].failed || (o->syntax && declares_undefined(&P.v[i].ast)))
            goto done;
    if (o->syntax)
        run_phase(&P, threads, PH_SYNTAX);
    if (o->identifiers) {
        js_ast **asts = malloc(P.n * sizeof *asts);
        for (size_t i = 0; i < P.n; i++)
            asts[i] = &P.v[i].ast;
        const char *keep[8];
        js_mangle_opts mo = {.reserved = keep, .nreserved = reserved_names(o, keep), .top_level_local = o->cjs};
        sl__js_mangle_pieces(asts, P.n, &mo);
        free(asts);
    }
    src_lines *L = index_sources(o);
    P.lines = L;
    run_phase(&P, threads, PH_PRINT);
    memset(out, 0, sizeof *out);
    join_pieces(&P, out);
    free_source_index(L, o->nsources);
    rc = 0;
done:
    free_pieces(&P);
    return rc;
}

int sl__front_is_ident_name(const char *s, size_t n)
{
    return sl__js_is_ident_name(s, n);
}

int sl__front_jsx_name_ok(const char *s)
{
    return sl__jsx_name_ok(s);
}

int sl__front_is_binding_name(const char *s, size_t n)
{
    return sl__js_is_ident_name(s, n) && !sl__js_is_reserved(s, n);
}
