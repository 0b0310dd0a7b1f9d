/*
 * graph.c - the global graph's containers: growing arrays, the file table,
 * warnings, and the final canonical ordering of edges and warnings.
 */
#include "graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define GROW(arr, n, cap)                                                  \
    do {                                                                   \
        if ((n) == (cap)) {                                                \
            (cap) = (cap) ? (cap) * 2 : 256;                               \
            (arr) = gr_xrealloc((arr), (cap) * sizeof *(arr));             \
        }                                                                  \
    } while (0)

static void grew_pinned(const char *what)
{
    fprintf(stderr, "sluice graph: internal error: %s grew while pinned\n", what);
    abort();
}

uint32_t gr_text_add(gr_graph *g, const char *s, size_t len)
{
    gr_text *t = &g->text;
    size_t need = t->len + 4 + len + 1;
    if (need > t->cap) {
        if (g->pinned)
            grew_pinned("the text arena");
        size_t cap = t->cap ? t->cap : 1 << 20;
        while (cap < need)
            cap *= 2;
        t->buf = gr_xrealloc(t->buf, cap);
        t->cap = cap;
    }
    uint32_t off = (uint32_t)t->len, n = (uint32_t)len;
    memcpy(t->buf + off, &n, 4);
    if (len)
        memcpy(t->buf + off + 4, s, len);
    t->buf[off + 4 + len] = 0;
    t->len = need;
    return off;
}

void gr_graph_init(gr_graph *g)
{
    memset(g, 0, sizeof *g);
    gr_strtab_init(&g->st);
    gr_text_add(g, "", 0); /* offset 0: the empty string */
    gr_node zero;
    memset(&zero, 0, sizeof zero);
    gr_graph_add_node(g, &zero); /* ids start at 1 */
    gr_import z;
    memset(&z, 0, sizeof z);
    GROW(g->imports, g->nimports, g->imports_cap);
    g->imports[g->nimports++] = z;
}

void gr_graph_free(gr_graph *g)
{
    for (size_t i = 0; i < g->npackages; i++) {
        free(g->packages[i].dir);
        free(g->packages[i].name);
    }
    for (size_t i = 0; i < g->ncrates; i++) {
        free(g->crates[i].name);
        free(g->crates[i].kind);
        free(g->crates[i].root);
    }
    for (size_t i = 0; i < g->nfiles; i++) {
        free(g->files[i].path);
        fg_file_free(g->files[i].fg);
    }
    for (size_t i = 0; i < g->nwarnings; i++)
        free(g->warnings[i].msg);
    free(g->packages);
    free(g->crates);
    free(g->files);
    free(g->nodes);
    free(g->edges);
    free(g->pending);
    free(g->imports);
    free(g->warnings);
    free(g->assoc_next);
    free(g->text.buf);
    gr_map_free(&g->file_by_path);
    gr_map_free(&g->children);
    gr_map_free(&g->binds);
    gr_map_free(&g->globs);
    gr_map_free(&g->assoc);
    gr_map_free(&g->unresolved);
    gr_strlist_free(&g->inputs);
    gr_strlist_free(&g->unread);
    gr_strtab_free(&g->st);
}

uint32_t gr_graph_file(gr_graph *g, const char *path, uint32_t package, int walked, int *added)
{
    uint32_t id = gr_strtab_intern(&g->st, path, strlen(path));
    uint32_t f = gr_map_get(&g->file_by_path, gr_key(id, 0));
    if (f) {
        if (walked && !g->files[f - 1].walked) {
            g->files[f - 1].walked = 1;
            g->files[f - 1].package = package;
        }
        *added = 0;
        return f - 1;
    }
    GROW(g->files, g->nfiles, g->files_cap);
    gr_file *x = &g->files[g->nfiles];
    memset(x, 0, sizeof *x);
    x->path = gr_xstrdup(path);
    x->package = package;
    x->walked = (uint8_t)walked;
    gr_map_put(&g->file_by_path, gr_key(id, 0), (uint32_t)g->nfiles + 1);
    *added = 1;
    return (uint32_t)g->nfiles++;
}

void gr_graph_reserve(gr_graph *g, size_t nodes, size_t edges)
{
    if (g->nodes_cap < nodes) {
        g->nodes_cap = nodes;
        g->nodes = gr_xrealloc(g->nodes, nodes * sizeof *g->nodes);
    }
    if (g->edges_cap < edges) {
        g->edges_cap = edges;
        g->edges = gr_xrealloc(g->edges, edges * sizeof *g->edges);
    }
}

void gr_text_reserve(gr_graph *g, size_t bytes)
{
    gr_text *t = &g->text;
    if (t->len + bytes > t->cap) {
        t->cap = t->len + bytes;
        t->buf = gr_xrealloc(t->buf, t->cap);
    }
}

void gr_graph_unpin(gr_graph *g)
{
    g->pinned = 0;
    g->st.pinned = 0;
}

uint32_t gr_graph_add_node(gr_graph *g, const gr_node *n)
{
    if (g->nnodes == g->nodes_cap && g->pinned)
        grew_pinned("the node table");
    GROW(g->nodes, g->nnodes, g->nodes_cap);
    g->nodes[g->nnodes] = *n;
    return (uint32_t)g->nnodes++;
}

void gr_graph_add_edge(gr_graph *g, uint32_t src, int kind, uint32_t dst)
{
    GROW(g->edges, g->nedges, g->edges_cap);
    g->edges[g->nedges++] = (gr_edge_rec){src, dst, (uint8_t)kind};
}

void gr_graph_warn(gr_graph *g, const char *file, uint32_t line, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    GROW(g->warnings, g->nwarnings, g->warnings_cap);
    g->warnings[g->nwarnings].file = gr_strtab_intern(&g->st, file ? file : "", file ? strlen(file) : 0);
    g->warnings[g->nwarnings].line = line;
    g->warnings[g->nwarnings].msg = gr_xstrdup(buf);
    g->warnings[g->nwarnings].ofile = g->warnings[g->nwarnings].oindex = 0;
    g->warnings[g->nwarnings].okind = 0;
    g->nwarnings++;
}


static int edge_cmp(const void *a, const void *b)
{
    const gr_edge_rec *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    return 0;
}

static const gr_strtab *warn_st;
static int warn_cmp(const void *a, const void *b)
{
    const gr_warning *x = a, *y = b;
    int c = strcmp(gr_str(warn_st, x->file), gr_str(warn_st, y->file));
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->msg, y->msg);
}

/* (src, kind, dst) in one key, when node ids leave dst 29 bits. */
static int sort_edges_by_key(gr_graph *g)
{
    if (g->nnodes >= ((size_t)1 << 29) || GE__COUNT > 8)
        return 0;
    /* 8 MB on the crate corpus, written once: huge pages (xalloc.h) */
    size_t len = (g->nedges ? g->nedges : 1) * sizeof(uint64_t);
    uint64_t *k = gr_xtemp(len);
    for (size_t i = 0; i < g->nedges; i++)
        k[i] = (uint64_t)g->edges[i].src << 32 | (uint64_t)g->edges[i].kind << 29 | g->edges[i].dst;
    gr_sort_u64(k, g->nedges);
    for (size_t i = 0; i < g->nedges; i++)
        g->edges[i] = (gr_edge_rec){(uint32_t)(k[i] >> 32), k[i] & 0x1FFFFFFF, (uint8_t)(k[i] >> 29 & 7)};
    gr_xtemp_free(k, len);
    return 1;
}

void gr_graph_finish(gr_graph *g)
{
    if (g->nedges && !sort_edges_by_key(g))
        qsort(g->edges, g->nedges, sizeof *g->edges, edge_cmp);
    size_t w = 0;
    for (size_t i = 0; i < g->nedges; i++)
        if (!w || edge_cmp(&g->edges[w - 1], &g->edges[i]))
            g->edges[w++] = g->edges[i];
    g->nedges = w;
    gr_warnings_sort(g);
}

void gr_warnings_sort(gr_graph *g)
{
    size_t w;
    warn_st = &g->st; /* one thread only: qsort has no context argument */
    if (g->nwarnings)
        qsort(g->warnings, g->nwarnings, sizeof *g->warnings, warn_cmp);
    w = 0;
    for (size_t i = 0; i < g->nwarnings; i++) {
        if (w && !warn_cmp(&g->warnings[w - 1], &g->warnings[i])) {
            free(g->warnings[i].msg);
            continue;
        }
        g->warnings[w++] = g->warnings[i];
    }
    g->nwarnings = w;
}

char *gr_warnings_text(const gr_graph *g, size_t orphans)
{
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return gr_xstrdup("");
    for (size_t i = 0; i < g->nwarnings; i++) {
        const gr_warning *w = &g->warnings[i];
        const char *f = gr_str(&g->st, w->file);
        if (w->line)
            fprintf(o, "sluice graph: warning: %s:%u: %s\n", f, w->line, w->msg);
        else
            fprintf(o, "sluice graph: warning: %s: %s\n", f, w->msg);
    }
    if (orphans)
        fprintf(o, "sluice graph: note: %zu file%s no crate root reaches (status 'orphan' in the files table)\n",
                orphans, orphans == 1 ? "" : "s");
    /* a few names, then a count: a big tree can have hundreds */
    enum { SHOWN = 8 };
    for (size_t i = 0; i < g->unread.n && i < SHOWN; i++)
        fprintf(o, "sluice graph: note: %s: not graphed, in no package read (a workspace's `exclude`, not a "
                   "member, or no Cargo.toml); name the directory to graph it\n", g->unread.v[i]);
    if (g->unread.n > SHOWN)
        fprintf(o, "sluice graph: note: and %zu more such directories%s\n", g->unread.n - SHOWN,
                g->unread_more ? ", and maybe more (the search stopped)" : "");
    else if (g->unread_more)
        fputs("sluice graph: note: and maybe more such directories (the search stopped)\n", o);
    fclose(o);
    return text;
}
