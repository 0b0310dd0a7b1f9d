/*
 * emit_sqlite.c - the graph as an SQLite database: meta, files, nodes,
 * edges, warnings, with indexes for the usual questions (who calls f,
 * who implements T, what is in module m).
 *
 * The graph is complete and in canonical order before it is written, so
 * the file is laid out directly (sqlfile.c) instead of through SQL
 * inserts and CREATE INDEX: every table is fed in key order, and each
 * index's entries are sorted and laid out here, on two more threads while
 * the tables are written.  The result is an ordinary SQLite database (the tests run
 * SQLite's integrity_check on it), with the schema in
 * docs/formats/graph.md.  It is written to the outfile's temporary file
 * and renamed into place, so a reader never sees half of it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbupdate.h"
#include "emit.h"
#include "outfile.h"
#include "sluice/sluice.h"
#include "sqlfile.h"
#include "xalloc.h"

enum { PAGE_SIZE = 8192 };

/* The schema, as SQLite keeps it in sqlite_schema (and as the format
 * document shows it). */
static const char sql_meta[] = "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)";
static const char sql_files[] =
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL, bytes INTEGER NOT NULL, "
    "status TEXT NOT NULL, module INTEGER REFERENCES nodes(id))";
static const char sql_nodes[] =
    "CREATE TABLE nodes(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, sub TEXT NOT NULL, "
    "name TEXT NOT NULL, path TEXT NOT NULL, crate INTEGER REFERENCES nodes(id), "
    "file INTEGER REFERENCES files(id), line INTEGER, col INTEGER, end_line INTEGER, "
    "end_col INTEGER, vis TEXT NOT NULL, sig TEXT NOT NULL, macro TEXT NOT NULL)";
static const char sql_edges[] =
    "CREATE TABLE edges(src INTEGER NOT NULL REFERENCES nodes(id), kind TEXT NOT NULL, "
    "dst INTEGER NOT NULL REFERENCES nodes(id), PRIMARY KEY(src, kind, dst)) WITHOUT ROWID";
static const char sql_warnings[] = "CREATE TABLE warnings(file TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL)";
static const char sql_nodes_name[] = "CREATE INDEX nodes_name ON nodes(name)";
static const char sql_nodes_path[] = "CREATE INDEX nodes_path ON nodes(path)";
static const char sql_nodes_file[] = "CREATE INDEX nodes_file ON nodes(file, line)";
static const char sql_edges_dst[] = "CREATE INDEX edges_dst ON edges(dst, kind)";

/* ---- index orders (BINARY collation: bytes, then length; NULL first) ---- */

typedef struct text_key {
    const char *s;
    uint32_t len, row;
} text_key;

static int text_cmp(const void *a, const void *b)
{
    const text_key *x = a, *y = b;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->s, y->s, n) : 0;
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct file_key {
    uint32_t file, line, row; /* file 0: NULL file and line */
} file_key;

/* Equal strings: the shorter first, then the row. */
static int len_row_cmp(const void *a, const void *b)
{
    const text_key *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Eight bytes of k's text from `at`, as a big-endian number, zero past
 * its end (so a string sorts before any longer one it begins). */
static uint64_t chunk_at(const text_key *k, uint32_t at)
{
    uint8_t b[8] = {0};
    if (at < k->len)
        memcpy(b, k->s + at, k->len - at < 8 ? k->len - at : 8);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* (key, val) pairs in key order, stably: LSD radix, a byte a pass,
 * skipping the bytes on which every key agrees. */
static void sort_pairs(uint64_t *key, uint32_t *val, uint64_t *tk, uint32_t *tv, size_t n)
{
    size_t count[256];
    for (int shift = 0; shift < 64; shift += 8) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[key[i] >> shift & 0xFF]++;
        if (count[key[0] >> shift & 0xFF] == n)
            continue;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t j = count[key[i] >> shift & 0xFF]++;
            tk[j] = key[i];
            tv[j] = val[i];
        }
        memcpy(key, tk, n * sizeof *key);
        memcpy(val, tv, n * sizeof *val);
    }
}

typedef struct text_sort {
    uint64_t *key, *tk;
    uint32_t *val, *tv;
    text_key *tmp;
} text_sort;

/* k[0..n), whose texts agree on their first `depth` bytes, in text_cmp's
 * order: sorted on the next eight bytes, then each run that agrees on
 * those as well on the eight after.  Every string is read once a level,
 * in a sequential pass, instead of twice at every comparison of a merge
 * sort (paths share long prefixes, so those comparisons were long). */
static void sort_text_from(text_key *k, size_t n, uint32_t depth, text_sort *w)
{
    if (n < 64) {
        qsort(k, n, sizeof *k, text_cmp);
        return;
    }
    uint64_t *key = w->key;
    uint32_t *val = w->val;
    for (size_t i = 0; i < n; i++) {
        key[i] = chunk_at(&k[i], depth);
        val[i] = (uint32_t)i;
    }
    sort_pairs(key, val, w->tk, w->tv, n);
    for (size_t i = 0; i < n; i++)
        w->tmp[i] = k[val[i]];
    memcpy(k, w->tmp, n * sizeof *k);
    for (size_t a = 0, b; a < n; a = b) {
        int longer = k[a].len > depth + 8;
        for (b = a + 1; b < n && key[b] == key[a]; b++)
            longer |= k[b].len > depth + 8;
        if (b - a < 2)
            continue;
        if (longer) {
            /* this run's slice of the scratch arrays is free now */
            text_sort sub = {w->key + a, w->tk + a, w->val + a, w->tv + a, w->tmp + a};
            sort_text_from(k + a, b - a, depth + 8, &sub);
        } else {
            qsort(k + a, b - a, sizeof *k, len_row_cmp);
        }
    }
}

/* qsort(k, n, sizeof *k, text_cmp), faster. */
static void sort_text(text_key *k, size_t n)
{
    if (n < 64) {
        qsort(k, n, sizeof *k, text_cmp);
        return;
    }
    text_sort w = {gr_xtemp(n * sizeof *w.key), gr_xtemp(n * sizeof *w.tk), gr_xtemp(n * sizeof *w.val),
                   gr_xtemp(n * sizeof *w.tv), gr_xtemp(n * sizeof *w.tmp)};
    sort_text_from(k, n, 0, &w);
    gr_xtemp_free(w.key, n * sizeof *w.key);
    gr_xtemp_free(w.tk, n * sizeof *w.tk);
    gr_xtemp_free(w.val, n * sizeof *w.val);
    gr_xtemp_free(w.tv, n * sizeof *w.tv);
    gr_xtemp_free(w.tmp, n * sizeof *w.tmp);
}

static int file_cmp(const void *a, const void *b)
{
    const file_key *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct dst_key {
    uint32_t dst, src;
    uint8_t kind;
} dst_key;

/* edges_dst orders (dst, kind, src); kinds compare as their names, which
 * enum gr_edge lists alphabetically. */
static int dst_cmp(const void *a, const void *b)
{
    const dst_key *x = a, *y = b;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->src < y->src ? -1 : x->src > y->src;
}

/* Node ids [1, nreal) ordered by (name, id): the distinct names are sorted once
 * (there are far fewer than nodes: `new`, `fmt`, `from`, ...), then the
 * nodes are counted into place by their name's rank, in id order. */
static uint32_t *by_name(const gr_graph *g, size_t nreal, uint32_t nstrings)
{
    size_t n = nreal - 1, nd = 0, nrank = nstrings ? nstrings : 1;
    uint32_t *rank = gr_xtemp(nrank * sizeof *rank);
    memset(rank, 0, nrank * sizeof *rank);
    text_key *d = gr_xtemp((n ? n : 1) * sizeof *d);
    for (size_t i = 1; i <= n; i++) {
        uint32_t s = g->nodes[i].name;
        if (!rank[s]) {
            rank[s] = 1;
            d[nd++] = (text_key){gr_str(&g->st, s), gr_strlen(&g->st, s), s};
        }
    }
    sort_text(d, nd); /* distinct: row (the string id) never decides */
    uint32_t *start = gr_xtemp((nd + 1) * sizeof *start);
    memset(start, 0, (nd + 1) * sizeof *start);
    for (size_t r = 0; r < nd; r++)
        rank[d[r].row] = (uint32_t)r;
    for (size_t i = 1; i <= n; i++)
        start[rank[g->nodes[i].name] + 1]++;
    for (size_t r = 0; r < nd; r++)
        start[r + 1] += start[r];
    uint32_t *out = gr_xtemp((n ? n : 1) * sizeof *out);
    for (size_t i = 1; i <= n; i++)
        out[start[rank[g->nodes[i].name]]++] = (uint32_t)i;
    gr_xtemp_free(start, (nd + 1) * sizeof *start);
    gr_xtemp_free(d, (n ? n : 1) * sizeof *d);
    gr_xtemp_free(rank, nrank * sizeof *rank);
    return out;
}

/* ---- tables --------------------------------------------------------------- */

typedef struct writer {
    sqf *f;
    sqf_rec r;
    int failed;
} writer;

static void text(sqf_rec *r, const gr_graph *g, uint32_t id)
{
    sqf_rec_text(r, gr_str(&g->st, id), gr_strlen(&g->st, id));
}

static void ctext(sqf_rec *r, const char *s)
{
    sqf_rec_text(r, s, strlen(s));
}

static void row(writer *w, sqf_tree *t, int64_t rowid)
{
    if (sqf_row_rec(t, rowid, &w->r))
        w->failed = 1;
}

static void entry(writer *w, sqf_tree *t)
{
    if (sqf_entry_rec(t, &w->r))
        w->failed = 1;
}

static void finish(writer *w, sqf_tree *t, const char *type, const char *name, const char *tbl, const char *sql)
{
    uint32_t root = sqf_tree_finish(t);
    if (!root)
        w->failed = 1;
    sqf_schema(w->f, type, name, tbl, root, sql);
}

static void write_meta(writer *w, const gr_graph *g)
{
    char version[32], inputs[8192];
    snprintf(version, sizeof version, "%d", GR_FORMAT_VERSION);
    size_t len = 0;
    inputs[0] = 0;
    for (size_t i = 0; i < g->inputs.n && len < sizeof inputs; i++)
        len += (size_t)snprintf(inputs + len, sizeof inputs - len, "%s%s", i ? "\n" : "", g->inputs.v[i]);
    /* rows in the order they always had; the key index sorts them */
    const char *kv[][2] = {{"format", "sluice-graph"}, {"version", version},
                           {"tool", "sluice " SLUICE_VERSION}, {"inputs", inputs}};
    enum { NKV = sizeof kv / sizeof kv[0] };
    sqf_tree *t = sqf_tree_new(w->f, 0);
    for (int i = 0; i < NKV; i++) {
        sqf_rec_reset(&w->r);
        ctext(&w->r, kv[i][0]);
        ctext(&w->r, kv[i][1]);
        row(w, t, i + 1);
    }
    finish(w, t, "table", "meta", "meta", sql_meta);
    int order[NKV];
    for (int i = 0; i < NKV; i++)
        order[i] = i;
    for (int i = 1; i < NKV; i++) /* insertion sort of four keys */
        for (int j = i; j > 0 && strcmp(kv[order[j - 1]][0], kv[order[j]][0]) > 0; j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    t = sqf_tree_new(w->f, 1);
    for (int i = 0; i < NKV; i++) {
        sqf_rec_reset(&w->r);
        ctext(&w->r, kv[order[i]][0]);
        sqf_rec_int(&w->r, order[i] + 1);
        entry(w, t);
    }
    finish(w, t, "index", "sqlite_autoindex_meta_1", "meta", NULL);
}

static void write_files(writer *w, const gr_graph *g)
{
    sqf_tree *t = sqf_tree_new(w->f, 0);
    for (size_t i = 0; i < g->nfiles; i++) {
        const gr_file *f = &g->files[i];
        sqf_rec_reset(&w->r);
        sqf_rec_null(&w->r); /* id: the rowid */
        ctext(&w->r, f->path);
        sqf_rec_int(&w->r, f->fg ? (int64_t)f->fg->bytes : 0);
        ctext(&w->r, gr_file_status(f));
        if (f->module)
            sqf_rec_int(&w->r, f->module);
        else
            sqf_rec_null(&w->r);
        row(w, t, (int64_t)i + 1);
    }
    finish(w, t, "table", "files", "files", sql_files);
}

/* Rows [from, to) of the nodes table. */
static void write_nodes(writer *w, const gr_graph *g, sqf_tree *t, size_t from, size_t to)
{
    sqf_rec *r = &w->r;
    for (size_t i = from; i < to; i++) {
        const gr_node *n = &g->nodes[i];
        sqf_rec_reset(r);
        sqf_rec_null(r); /* id: the rowid */
        ctext(r, gr_kind_name(n->kind));
        ctext(r, fg_sub_name(n->sub));
        text(r, g, n->name);
        sqf_rec_text(r, gr_text_str(g, n->path), gr_text_len(g, n->path));
        if (n->crate)
            sqf_rec_int(r, n->crate);
        else
            sqf_rec_null(r);
        if (n->file) {
            sqf_rec_int(r, n->file);
            sqf_rec_int(r, n->line);
            sqf_rec_int(r, n->col);
            sqf_rec_int(r, n->end_line);
            sqf_rec_int(r, n->end_col);
        } else {
            for (int k = 0; k < 5; k++)
                sqf_rec_null(r);
        }
        text(r, g, n->vis);
        sqf_rec_text(r, gr_text_str(g, n->sig), gr_text_len(g, n->sig));
        text(r, g, n->macro);
        row(w, t, (int64_t)i);
    }
}

static void write_edges(writer *w, const gr_graph *g)
{
    /* WITHOUT ROWID: an index b-tree of (src, kind, dst), which is the
     * order gr_graph_finish left the edges in */
    sqf_tree *t = sqf_tree_new(w->f, 1);
    for (size_t i = 0; i < g->nedges; i++) {
        sqf_rec_reset(&w->r);
        sqf_rec_int(&w->r, g->edges[i].src);
        ctext(&w->r, gr_edge_name(g->edges[i].kind));
        sqf_rec_int(&w->r, g->edges[i].dst);
        entry(w, t);
    }
    finish(w, t, "table", "edges", "edges", sql_edges);
}

static void write_warnings(writer *w, const gr_graph *g)
{
    sqf_tree *t = sqf_tree_new(w->f, 0);
    for (size_t i = 0; i < g->nwarnings; i++) {
        sqf_rec_reset(&w->r);
        text(&w->r, g, g->warnings[i].file);
        sqf_rec_int(&w->r, g->warnings[i].line);
        ctext(&w->r, g->warnings[i].msg);
        row(w, t, (int64_t)i + 1);
    }
    finish(w, t, "table", "warnings", "warnings", sql_warnings);
}

/* ---- indexes ---------------------------------------------------------------
 *
 * The index keys of the nodes the mount made are sorted while references
 * resolve (they are final then); the nodes resolution adds (unresolved
 * names, with larger ids) are merged in afterwards.  Each index is then
 * laid out as a part (sqlfile.h) on one of two threads while this one
 * writes the rest of the tables; the parts are appended in a fixed order,
 * so the file is the same whatever the timing. */

enum { IX_NAME, IX_PATH, IX_FILE, IX_DST, IX__COUNT };
static const char *const ix_name[IX__COUNT] = {"nodes_name", "nodes_path", "nodes_file", "edges_dst"};
static const char *const ix_table[IX__COUNT] = {"nodes", "nodes", "nodes", "edges"};
static const char *const ix_sql[IX__COUNT] = {sql_nodes_name, sql_nodes_path, sql_nodes_file, sql_edges_dst};

/* The mounted nodes' orders, sorted while references resolve. */
typedef struct early {
    size_t nreal;       /* nodes [1, nreal) */
    uint32_t nstrings;  /* string ids below this existed then */
    uint32_t *name_ids; /* by (name, id) */
    text_key *path;     /* by (path, id) */
    file_key *file;     /* by (file, line, id) */
} early;

static void sort_early(const gr_graph *g, early *e)
{
    size_t n = e->nreal - 1;
    e->name_ids = by_name(g, e->nreal, e->nstrings);
    size_t m = n ? n : 1;
    e->path = gr_xtemp(m * sizeof *e->path);
    e->file = gr_xtemp(m * sizeof *e->file);
    for (size_t i = 0; i < n; i++) {
        const gr_node *x = &g->nodes[i + 1];
        e->path[i] = (text_key){gr_text_str(g, x->path), gr_text_len(g, x->path), (uint32_t)i + 1};
        e->file[i] = (file_key){x->file, x->file ? x->line : 0, (uint32_t)i + 1};
    }
    sort_text(e->path, n);
    /* (file, line) as one number; rows are already in increasing order
     * and the radix sort is stable, so ties stay by row as file_cmp wants */
    uint64_t *key = gr_xtemp(m * sizeof *key), *tk = gr_xtemp(m * sizeof *tk);
    uint32_t *val = gr_xtemp(m * sizeof *val), *tv = gr_xtemp(m * sizeof *tv);
    for (size_t i = 0; i < n; i++) {
        key[i] = (uint64_t)e->file[i].file << 32 | e->file[i].line;
        val[i] = (uint32_t)i;
    }
    if (n)
        sort_pairs(key, val, tk, tv, n);
    file_key *sorted = gr_xtemp(m * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = e->file[val[i]];
    gr_xtemp_free(e->file, m * sizeof *e->file);
    e->file = sorted;
    gr_xtemp_free(key, m * sizeof *key);
    gr_xtemp_free(tk, m * sizeof *tk);
    gr_xtemp_free(val, m * sizeof *val);
    gr_xtemp_free(tv, m * sizeof *tv);
}

typedef struct ix_job {
    const gr_graph *g;
    const early *e;
    int first, second; /* the two indexes this job builds */
    sqf *part[IX__COUNT];
    uint32_t root[IX__COUNT];
    int failed;
    sl_chan *built; /* each index's number, once its part is complete */
} ix_job;

static text_key name_key(const gr_graph *g, uint32_t id)
{
    uint32_t s = g->nodes[id].name;
    return (text_key){gr_str(&g->st, s), gr_strlen(&g->st, s), id};
}

/* An index on a rowid table holds the indexed columns, then the rowid. */
static void build_index(ix_job *j, writer *w, int ix)
{
    const gr_graph *g = j->g;
    const early *e = j->e;
    size_t n = g->nnodes - 1, nr = e->nreal - 1, nu = n - nr;
    w->f = sqf_new_part(PAGE_SIZE);
    sqf_tree *t = sqf_tree_new(w->f, 1);
    sqf_rec *r = &w->r;
    switch (ix) {
    case IX_NAME:
    case IX_PATH: {
        /* the added nodes sorted alone, then merged with the early order */
        text_key *u = gr_xtemp((nu ? nu : 1) * sizeof *u);
        for (size_t i = 0; i < nu; i++) {
            uint32_t id = (uint32_t)(e->nreal + i);
            u[i] = ix == IX_NAME ? name_key(g, id)
                                 : (text_key){gr_text_str(g, g->nodes[id].path), gr_text_len(g, g->nodes[id].path), id};
        }
        sort_text(u, nu);
        size_t a = 0, b = 0;
        while (a < nr || b < nu) {
            text_key k;
            if (a < nr) {
                text_key x = ix == IX_NAME ? name_key(g, e->name_ids[a]) : e->path[a];
                if (b < nu && text_cmp(&u[b], &x) < 0)
                    k = u[b++];
                else
                    k = x, a++;
            } else {
                k = u[b++];
            }
            sqf_rec_reset(r);
            sqf_rec_text(r, k.s, k.len);
            sqf_rec_int(r, k.row);
            entry(w, t);
        }
        gr_xtemp_free(u, (nu ? nu : 1) * sizeof *u);
        break;
    }
    case IX_FILE: {
        /* added nodes have no file: (NULL, NULL, id), in id order */
        size_t a = 0, b = 0;
        while (a < nr || b < nu) {
            file_key k;
            file_key y = {0, 0, (uint32_t)(e->nreal + b)};
            if (a < nr && (b >= nu || file_cmp(&e->file[a], &y) < 0))
                k = e->file[a++];
            else
                k = y, b++;
            sqf_rec_reset(r);
            if (k.file) {
                sqf_rec_int(r, k.file);
                sqf_rec_int(r, k.line);
            } else {
                sqf_rec_null(r);
                sqf_rec_null(r);
            }
            sqf_rec_int(r, k.row);
            entry(w, t);
        }
        break;
    }
    default: {
        /* on a WITHOUT ROWID table an index entry ends with the primary
         * key columns it does not hold already: (dst, kind) + src */
        size_t m = g->nedges ? g->nedges : 1;
        dst_key *k = gr_xtemp(m * sizeof *k);
        for (size_t i = 0; i < g->nedges; i++)
            k[i] = (dst_key){g->edges[i].dst, g->edges[i].src, g->edges[i].kind};
        if (g->nnodes < ((size_t)1 << 29) && GE__COUNT <= 8) {
            /* (dst, kind, src) as one key: a radix sort */
            uint64_t *key = gr_xtemp(m * sizeof *key);
            for (size_t i = 0; i < g->nedges; i++)
                key[i] = (uint64_t)k[i].dst << 32 | (uint64_t)k[i].kind << 29 | k[i].src;
            gr_sort_u64(key, g->nedges);
            for (size_t i = 0; i < g->nedges; i++)
                k[i] = (dst_key){(uint32_t)(key[i] >> 32), key[i] & 0x1FFFFFFF, (uint8_t)(key[i] >> 29 & 7)};
            gr_xtemp_free(key, m * sizeof *key);
        } else {
            qsort(k, g->nedges, sizeof *k, dst_cmp);
        }
        for (size_t i = 0; i < g->nedges; i++) {
            sqf_rec_reset(r);
            sqf_rec_int(r, k[i].dst);
            ctext(r, gr_edge_name(k[i].kind));
            sqf_rec_int(r, k[i].src);
            entry(w, t);
        }
        gr_xtemp_free(k, m * sizeof *k);
        break;
    }
    }
    j->root[ix] = sqf_tree_finish(t);
    j->part[ix] = w->f;
    if (j->built)
        sl_chan_send(j->built, &ix); /* room for all four: never blocks */
}

static void *index_job(void *arg)
{
    ix_job *j = arg;
    writer w;
    memset(&w, 0, sizeof w);
    build_index(j, &w, j->first);
    build_index(j, &w, j->second);
    j->failed = w.failed;
    sqf_rec_free(&w.r);
    return NULL;
}

/* A stream (a device or FIFO) cannot be rewritten at page 1: the file is
 * built in an anonymous temporary file and copied. */
static int copy_file(FILE *from, FILE *to)
{
    char buf[1 << 16];
    size_t n;
    if (fseek(from, 0, SEEK_SET))
        return -1;
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            return -1;
    return ferror(from) ? -1 : 0;
}

struct gr_sqlite_job {
    const gr_graph *g;
    const char *path;
    sl_outfile out;
    int stream;
    FILE *fp;
    char *iobuf;
    writer w;
    sqf_tree *nodes;
    early e;
    pthread_t tid;
    int threaded;
};

/* What needs only the mounted graph: meta, files, the mounted nodes'
 * rows, and their index orders. */
static void *early_part(void *arg)
{
    gr_sqlite_job *j = arg;
    const gr_graph *g = j->g;
    write_meta(&j->w, g);
    write_files(&j->w, g);
    j->nodes = sqf_tree_new(j->w.f, 0);
    write_nodes(&j->w, g, j->nodes, 1, j->e.nreal);
    if (!j->stream)
        sl_outfile_start_writeback(&j->out); /* most of the file: let it go */
    sort_early(g, &j->e);
    return NULL;
}

gr_sqlite_job *gr_emit_sqlite_start(const gr_graph *g, const char *path, char *err, size_t errlen)
{
    if (!path || !strcmp(path, "-")) {
        snprintf(err, errlen, "--db needs a file name, not standard output");
        return NULL;
    }
    gr_sqlite_job *j = gr_xcalloc(1, sizeof *j);
    j->g = g;
    j->path = path;
    if (sl_outfile_open(&j->out, path, 1, err, errlen)) {
        free(j);
        return NULL;
    }
    j->stream = sl_outfile_is_stream(&j->out);
    j->fp = j->stream ? tmpfile() : j->out.fp;
    if (!j->fp) {
        snprintf(err, errlen, "%s: cannot create a temporary file", path);
        sl_outfile_abort(&j->out);
        free(j);
        return NULL;
    }
    /* 8 KiB pages written 1 MiB at a time (glibc ignores the size of a
     * buffer it is not given); freed once the file is closed */
    j->iobuf = malloc(1 << 20);
    if (j->iobuf)
        setvbuf(j->fp, j->iobuf, _IOFBF, 1 << 20);
    j->w.f = sqf_new(j->fp, PAGE_SIZE);
    j->e.nreal = g->nnodes;
    j->e.nstrings = g->st.n;
    j->threaded = pthread_create(&j->tid, NULL, early_part, j) == 0;
    return j;
}

int gr_emit_sqlite_finish(gr_sqlite_job *j, gr_written *written, char *err, size_t errlen)
{
    const gr_graph *g = j->g;
    if (j->threaded)
        pthread_join(j->tid, NULL);
    else
        early_part(j);
    /* name + file and path + edges_dst weigh about the same */
    sl_chan *built = sl_chan_new(sizeof(int), IX__COUNT);
    ix_job jobs[2] = {{g, &j->e, IX_NAME, IX_FILE, {NULL}, {0}, 0, built},
                      {g, &j->e, IX_PATH, IX_DST, {NULL}, {0}, 0, built}};
    pthread_t tid[2];
    int threaded[2];
    for (int k = 0; k < 2; k++)
        threaded[k] = built && pthread_create(&tid[k], NULL, index_job, &jobs[k]) == 0;
    writer *w = &j->w;
    write_nodes(w, g, j->nodes, j->e.nreal, g->nnodes); /* the unresolved */
    finish(w, j->nodes, "table", "nodes", "nodes", sql_nodes);
    write_edges(w, g);
    write_warnings(w, g);
    if (!j->stream)
        sl_outfile_start_writeback(&j->out);
    for (int k = 0; k < 2; k++)
        if (!threaded[k])
            index_job(&jobs[k]);
    /* Each part goes into the file as soon as it and those before it in
     * the fixed order are complete, while the other thread still builds:
     * the pages land where they would after a join, but the copying
     * overlaps the building. */
    int ready[IX__COUNT] = {0};
    for (int ix = 0; ix < IX__COUNT; ix++) {
        while (!ready[ix]) {
            int b;
            if (!built || sl_chan_recv(built, &b) != SL_OK)
                break; /* unthreaded: all were built above */
            ready[b] = 1;
        }
        ix_job *x = &jobs[ix == IX_NAME || ix == IX_FILE ? 0 : 1];
        uint32_t root = sqf_append(w->f, x->part[ix], x->root[ix]);
        if (!root)
            w->failed = 1;
        sqf_schema(w->f, "index", ix_name[ix], ix_table[ix], root, ix_sql[ix]);
        if (!j->stream)
            sl_outfile_start_writeback(&j->out);
    }
    for (int k = 0; k < 2; k++) {
        if (threaded[k])
            pthread_join(tid[k], NULL);
        w->failed |= jobs[k].failed;
    }
    sl_chan_free(built);
    int rc = sqf_close(w->f) ? -1 : 0;
    int e = rc ? errno : 0; /* the failed write's cause, kept for the message (0: not a write) */
    if (w->failed)
        rc = -1;
    sqf_rec_free(&w->r);
    size_t m = j->e.nreal > 1 ? j->e.nreal - 1 : 1;
    gr_xtemp_free(j->e.name_ids, m * sizeof *j->e.name_ids);
    gr_xtemp_free(j->e.path, m * sizeof *j->e.path);
    gr_xtemp_free(j->e.file, m * sizeof *j->e.file);
    if (!rc && j->stream && copy_file(j->fp, j->out.fp)) {
        rc = -1;
        e = errno;
    }
    if (j->stream)
        fclose(j->fp);
    if (rc) {
        if (e)
            snprintf(err, errlen, "%s: write error: %s", j->path, strerror(e));
        else
            snprintf(err, errlen, "%s: writing the database failed", j->path);
        sl_outfile_abort(&j->out);
    } else {
        /* SQLite's files beside the old database must not outlive it
         * (dbupdate.h): settled first, so that it stays whole for its
         * readers; removed after the rename, before a reader of the new
         * file applies them to it */
        if (!j->stream)
            gr_db_settle(j->path);
        rc = sl_outfile_commit(&j->out, err, errlen);
        if (!rc && !j->stream)
            gr_db_drop_sides(j->path);
        if (!rc && written)
            *written = (gr_written){j->out.dev, j->out.ino};
    }
    free(j->iobuf); /* the stream that used it is closed */
    free(j);
    return rc;
}

int gr_emit_sqlite(const gr_graph *g, const char *path, char *err, size_t errlen)
{
    gr_sqlite_job *j = gr_emit_sqlite_start(g, path, err, errlen);
    return j ? gr_emit_sqlite_finish(j, NULL, err, errlen) : -1;
}
