/*
 * js_front.c - TypeScript/JSX lowering and bundle minification through
 * tools/js (see js_front.h).
 *
 * The one idea: tools/js prints a source map as it prints; decoding that
 * map back into (generated position -> original position) points is what
 * lets the bundler's own source map, built by splicing the printed text,
 * still point into the original .ts/.tsx file, and lets a minified
 * bundle's map be composed with the unminified bundle's.
 */
#include "js_front.h"

#include <stdlib.h>
#include <string.h>

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

/* Byte offset of (line, UTF-16 column) in text. */
static uint32_t byte_offset(const char *text, size_t len, const uint32_t *line_start, uint32_t nlines,
                            uint32_t line, uint32_t col)
{
    if (line >= nlines)
        return (uint32_t)len;
    return (uint32_t)(sl__utf16_skip(text + line_start[line], text + len, (int32_t)col) - text);
}

static uint32_t *line_starts(const char *text, size_t len, uint32_t *n)
{
    uint32_t cap = 64, k = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    v[k++] = 0;
    for (const char *q = text; (q = memchr(q, '\n', (size_t)(text + len - q))); q++) {
        if (k == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[k++] = (uint32_t)(q + 1 - text);
    }
    *n = k;
    return v;
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

static void own_map(const js_sourcemap *sm, const char *text, size_t len, sl__omap_seg **map, size_t *nmap)
{
    size_t n;
    sl__map_seg *g = decode(sm->mappings.v ? sm->mappings.v : "", sm->mappings.n, &n);
    uint32_t nl;
    uint32_t *ls = line_starts(text, len, &nl);
    sl__omap_seg *o = malloc((n + 1) * sizeof *o);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i].src < 0)
            continue;
        uint32_t off = byte_offset(text, len, ls, nl, g[i].gen_line, g[i].gen_col);
        if (k && o[k - 1].off == off)
            continue;
        o[k++] = (sl__omap_seg){off, g[i].line, g[i].col};
    }
    free(ls);
    free(g);
    *map = o;
    *nmap = k;
}

int sl__front_lower(const char *path, const char *src, size_t len, const sl__lower_cfg *cfg, int want_map,
                    char **out, size_t *outlen, sl__omap_seg **map, size_t *nmap, char *err, size_t errlen)
{
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = sl__js_opts_for_path(path);
    js_ast ast;
    int rc = -1;
    js_buf b = {0};
    js_sourcemap sm = {0};
    if (sl__js_parse_program(&ast, path, src, len, &po, &a, err, errlen))
        goto done;
    js_lower_opts lo = lower_opts(cfg);
    if (sl__js_transform(&ast, po.ts, &lo, err, errlen))
        goto done;
    js_print_opts pr = {.sourcemap = want_map ? &sm : NULL};
    sl__js_print(&ast, &pr, &b);
    sl__js_buf_put(&b, "", 0); /* a NUL even for an empty module */
    if (want_map)
        own_map(&sm, b.v, b.n, map, nmap);
    *out = b.v;
    *outlen = b.n;
    b.v = NULL;
    rc = 0;
done:
    sl__js_buf_free(&b);
    sl__js_sourcemap_free(&sm);
    sl__js_arena_free(&a);
    return rc;
}

/* ---- minifying the bundle ------------------------------------------------- */

int sl__front_minify(const char *code, size_t len, const sl__minify_opts *o, sl__minified *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    js_arena a;
    sl__js_arena_init(&a);
    js_parse_opts po = {0, 0, o->module};
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
        const char *keep[1] = {o->keep};
        js_mangle_opts mo = {.reserved = keep, .nreserved = o->keep ? 1 : 0};
        sl__js_mangle(&ast, &mo);
    }
    js_print_opts pr = {.minify_whitespace = o->whitespace, .sourcemap = o->want_map ? &sm : NULL};
    sl__js_print(&ast, &pr, &b);
    sl__js_buf_put(&b, "", 0);
    if (!b.n || b.v[b.n - 1] != '\n')
        sl__js_buf_put(&b, "\n", 1);
    if (o->want_map) {
        out->segs = decode(sm.mappings.v ? sm.mappings.v : "", sm.mappings.n, &out->nsegs);
        out->names = calloc(sm.nnames + 1, sizeof *out->names);
        for (size_t i = 0; i < sm.nnames; i++)
            out->names[i] = strdup(sm.names[i]);
        out->nnames = sm.nnames;
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
