/*
 * sqlfile.c - an SQLite database file written bottom-up (see sqlfile.h).
 *
 * Each tree keeps one page under construction per level.  A table (a
 * B+tree: rows only in leaves) sends (page, largest rowid) up when a leaf
 * is full.  An index b-tree keeps entries in interior pages too: the entry
 * that does not fit in a full page becomes the divider sent up with it.
 * Two rules keep every page non-empty, as SQLite expects: a full index
 * page is written only once the entry after its divider has arrived (at
 * the end, the page's last entry becomes the divider instead), and a full
 * table interior page gives its last cell's child as its right pointer.
 */
#include "sqlfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum { MAX_LEVELS = 24 };

typedef struct level {
    uint8_t *cells; /* the page's cells, back to back */
    size_t clen, ccap;
    uint32_t *off;  /* cell i starts at cells + off[i] */
    int64_t *key;   /* table interior cells: their rowid */
    int n, ncap;
    size_t used;    /* cell bytes + 2 per cell pointer */
    /* index trees: the divider waiting for a successor, and (interior
     * levels) the child left of it */
    uint8_t *cand;
    size_t cand_len, cand_cap;
    uint32_t cand_child;
    int has_cand;
} level;

struct sqf_tree {
    sqf *f;
    int index;
    int nlv;
    level lv[MAX_LEVELS];
    uint8_t *cell; /* scratch for one cell */
    size_t cell_cap;
};

typedef struct schema_row {
    char *type, *name, *tbl, *sql;
    uint32_t root;
} schema_row;

struct sqf {
    FILE *fp;        /* NULL: a part, kept in memory (sqf_new_part) */
    uint8_t **chunk; /* a part's pages, numbered from 1, CHUNK_PAGES a chunk */
    size_t nchunks, chunks_cap;
    uint8_t *ovfl;   /* a part's page i-1 is an overflow page */
    size_t ovfl_cap;
    uint32_t U;      /* page size (no reserved bytes) */
    uint32_t npages; /* pages written or reserved; page 1 is reserved */
    uint8_t *page;
    int failed;
    int err;         /* errno of the first write that failed, for sqf_close */
    uint32_t max_table, max_index, min_local; /* overflow thresholds */
    schema_row *schema;
    size_t nschema, schema_cap;
};

/* A write to the file failed: remembers why (errno) while it is fresh. */
static void write_failed(sqf *f)
{
    if (!f->err)
        f->err = errno;
    f->failed = 1;
}

/* ---- encoding ------------------------------------------------------------ */

static int put_varint(uint8_t *p, uint64_t v)
{
    if (v <= 0x7f) {
        p[0] = (uint8_t)v;
        return 1;
    }
    if (v & ((uint64_t)0xff000000 << 32)) {
        p[8] = (uint8_t)v;
        v >>= 8;
        for (int i = 7; i >= 0; i--) {
            p[i] = (uint8_t)((v & 0x7f) | 0x80);
            v >>= 7;
        }
        return 9;
    }
    uint8_t buf[10];
    int n = 0;
    do {
        buf[n++] = (uint8_t)((v & 0x7f) | 0x80);
        v >>= 7;
    } while (v);
    buf[0] &= 0x7f;
    for (int i = 0; i < n; i++)
        p[i] = buf[n - 1 - i];
    return n;
}

static int varint_len(uint64_t v)
{
    uint8_t tmp[9];
    return put_varint(tmp, v);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void sqf_rec_reset(sqf_rec *r)
{
    r->ntypes = 0;
    r->blen = 0;
}

static void body_reserve(sqf_rec *r, size_t n)
{
    if (r->blen + n > r->bcap) {
        size_t cap = r->bcap ? r->bcap * 2 : 256;
        while (cap < r->blen + n)
            cap *= 2;
        r->body = gr_xrealloc(r->body, cap);
        r->bcap = cap;
    }
}

static void add_type(sqf_rec *r, uint64_t t)
{
    if (r->ntypes + 9 <= sizeof r->types)
        r->ntypes += (size_t)put_varint(r->types + r->ntypes, t);
}

void sqf_rec_null(sqf_rec *r)
{
    add_type(r, 0);
}

void sqf_rec_int(sqf_rec *r, int64_t v)
{
    if (v == 0 || v == 1) {
        add_type(r, v == 0 ? 8 : 9);
        return;
    }
    static const int sizes[] = {0, 1, 2, 3, 4, 6, 8};
    int t;
    if (v >= -128 && v <= 127)
        t = 1;
    else if (v >= -32768 && v <= 32767)
        t = 2;
    else if (v >= -8388608 && v <= 8388607)
        t = 3;
    else if (v >= -2147483648LL && v <= 2147483647LL)
        t = 4;
    else if (v >= -140737488355328LL && v <= 140737488355327LL)
        t = 5;
    else
        t = 6;
    add_type(r, (uint64_t)t);
    int n = sizes[t];
    body_reserve(r, (size_t)n);
    uint64_t u = (uint64_t)v;
    for (int i = n - 1; i >= 0; i--) {
        r->body[r->blen + (size_t)i] = (uint8_t)u;
        u >>= 8;
    }
    r->blen += (size_t)n;
}

void sqf_rec_text(sqf_rec *r, const char *s, size_t len)
{
    add_type(r, 2 * (uint64_t)len + 13);
    body_reserve(r, len);
    if (len)
        memcpy(r->body + r->blen, s, len);
    r->blen += len;
}

static size_t rec_size(const sqf_rec *r, size_t *hsize);

const uint8_t *sqf_rec_done(sqf_rec *r, size_t *len)
{
    /* the header's size counts its own varint */
    size_t h, total = rec_size(r, &h);
    if (total > r->ocap) {
        size_t cap = r->ocap ? r->ocap * 2 : 512;
        while (cap < total)
            cap *= 2;
        free(r->out);
        r->out = gr_xmalloc(cap);
        r->ocap = cap;
    }
    size_t n = (size_t)put_varint(r->out, h);
    memcpy(r->out + n, r->types, r->ntypes);
    if (r->blen)
        memcpy(r->out + h, r->body, r->blen);
    *len = total;
    return r->out;
}

void sqf_rec_free(sqf_rec *r)
{
    free(r->body);
    free(r->out);
    memset(r, 0, sizeof *r);
}

/* ---- pages --------------------------------------------------------------- */

sqf *sqf_new(FILE *fp, uint32_t page_size)
{
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)))
        return NULL;
    sqf *f = gr_xcalloc(1, sizeof *f);
    f->fp = fp;
    f->U = page_size;
    f->npages = 1; /* page 1 is written last */
    f->page = gr_xmalloc(page_size);
    f->max_table = page_size - 35;
    f->max_index = (page_size - 12) * 64 / 255 - 23;
    f->min_local = (page_size - 12) * 32 / 255 - 23;
    memset(f->page, 0, page_size);
    if (fwrite(f->page, 1, page_size, fp) != page_size)
        write_failed(f);
    return f;
}

sqf *sqf_new_part(uint32_t page_size)
{
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)))
        return NULL;
    sqf *f = gr_xcalloc(1, sizeof *f);
    f->U = page_size;
    f->page = gr_xmalloc(page_size);
    f->max_table = page_size - 35;
    f->max_index = (page_size - 12) * 64 / 255 - 23;
    f->min_local = (page_size - 12) * 32 / 255 - 23;
    return f;
}

enum { CHUNK_PAGES = 256 };

/* Page i (from 0) of a part. */
static uint8_t *part_page(const sqf *f, uint32_t i)
{
    return f->chunk[i / CHUNK_PAGES] + (size_t)(i % CHUNK_PAGES) * f->U;
}

static uint32_t emit(sqf *f, const uint8_t *page, int overflow)
{
    if (f->fp) {
        if (!f->failed && fwrite(page, 1, f->U, f->fp) != f->U)
            write_failed(f);
        return ++f->npages;
    }
    /* In chunks that never move: growing one array by doubling copied
     * every page built so far, again and again. */
    if (f->npages % CHUNK_PAGES == 0) {
        if (f->nchunks == f->chunks_cap) {
            f->chunks_cap = f->chunks_cap ? f->chunks_cap * 2 : 16;
            f->chunk = gr_xrealloc(f->chunk, f->chunks_cap * sizeof *f->chunk);
        }
        f->chunk[f->nchunks++] = gr_xtemp((size_t)CHUNK_PAGES * f->U);
    }
    if (f->npages == f->ovfl_cap) {
        f->ovfl_cap = f->ovfl_cap ? f->ovfl_cap * 2 : 1024;
        f->ovfl = gr_xrealloc(f->ovfl, f->ovfl_cap);
    }
    memcpy(part_page(f, f->npages), page, f->U);
    f->ovfl[f->npages] = (uint8_t)overflow;
    return ++f->npages;
}

static uint32_t emit_page(sqf *f, const uint8_t *page)
{
    return emit(f, page, 0);
}

/* The local part of a payload of p bytes (the rest goes to overflow). */
static size_t local_size(const sqf *f, size_t p, int index)
{
    size_t max = index ? f->max_index : f->max_table, min = f->min_local;
    if (p <= max)
        return p;
    size_t k = min + (p - min) % (f->U - 4);
    return k <= max ? k : min;
}

/* Writes the overflow chain for payload bytes [local, len) and returns its
 * first page. */
static uint32_t write_overflow(sqf *f, const uint8_t *payload, size_t local, size_t len)
{
    size_t per = f->U - 4, rest = len - local;
    size_t npages = (rest + per - 1) / per;
    uint32_t first = f->npages + 1;
    uint8_t *pg = gr_xmalloc(f->U);
    for (size_t i = 0; i < npages; i++) {
        size_t n = rest < per ? rest : per;
        memset(pg, 0, f->U);
        put32(pg, i + 1 < npages ? first + (uint32_t)i + 1 : 0);
        memcpy(pg + 4, payload + local, n);
        local += n;
        rest -= n;
        emit(f, pg, 1);
    }
    free(pg);
    return first;
}

static void cell_reserve(sqf_tree *t, size_t n)
{
    if (n > t->cell_cap) {
        t->cell_cap = n * 2;
        t->cell = gr_xrealloc(t->cell, t->cell_cap);
    }
}

/* Builds payload-size varint, [rowid varint], local part, [overflow page]
 * into t->cell after `prefix` bytes left free; returns the cell's size. */
static size_t make_cell(sqf_tree *t, size_t prefix, const int64_t *rowid, const uint8_t *rec, size_t len)
{
    sqf *f = t->f;
    size_t local = local_size(f, len, t->index);
    cell_reserve(t, prefix + 18 + local + 4);
    size_t n = prefix;
    n += (size_t)put_varint(t->cell + n, len);
    if (rowid)
        n += (size_t)put_varint(t->cell + n, (uint64_t)*rowid);
    memcpy(t->cell + n, rec, local);
    n += local;
    if (local < len) {
        put32(t->cell + n, write_overflow(f, rec, local, len));
        n += 4;
    }
    return n;
}

/* Appends a cell made of `pre` (a child page number, or nothing) and `body`. */
static void lv_append(level *L, const uint8_t *pre, size_t plen, const uint8_t *body, size_t blen, int64_t key)
{
    size_t len = plen + blen;
    if (L->clen + len > L->ccap) {
        size_t cap = L->ccap ? L->ccap * 2 : 16384;
        while (cap < L->clen + len)
            cap *= 2;
        L->cells = gr_xrealloc(L->cells, cap);
        L->ccap = cap;
    }
    if (L->n == L->ncap) {
        L->ncap = L->ncap ? L->ncap * 2 : 256;
        L->off = gr_xrealloc(L->off, (size_t)L->ncap * sizeof *L->off);
        L->key = gr_xrealloc(L->key, (size_t)L->ncap * sizeof *L->key);
    }
    if (plen)
        memcpy(L->cells + L->clen, pre, plen);
    if (blen)
        memcpy(L->cells + L->clen + plen, body, blen);
    L->off[L->n] = (uint32_t)L->clen;
    L->key[L->n] = key;
    L->n++;
    L->clen += len;
    L->used += len + 2;
}

static void lv_reset(level *L)
{
    L->n = 0;
    L->clen = 0;
    L->used = 0;
}

static size_t cell_len(const level *L, int i)
{
    return (i + 1 < L->n ? L->off[i + 1] : L->clen) - L->off[i];
}

static int fits(const sqf *f, const level *L, int leaf, size_t len)
{
    return L->used + len + 2 <= f->U - (leaf ? 8u : 12u);
}

/* Writes level L's page: flag 0x0D/0x05 (table leaf/interior) or
 * 0x0A/0x02 (index), cells from the end of the page down, in order. */
static uint32_t write_level(sqf_tree *t, level *L, int leaf, uint32_t right)
{
    sqf *f = t->f;
    uint8_t *p = f->page;
    size_t hdr = leaf ? 8 : 12, pos = f->U;
    /* every byte is written below except the gap between the pointer
     * array and the cells, which is zeroed here */
    memset(p, 0, hdr);
    memset(p + hdr + 2 * (size_t)L->n, 0, f->U - hdr - 2 * (size_t)L->n - L->clen);
    p[0] = (uint8_t)(t->index ? (leaf ? 0x0A : 0x02) : (leaf ? 0x0D : 0x05));
    put16(p + 3, (uint32_t)L->n);
    if (!leaf)
        put32(p + 8, right);
    for (int i = 0; i < L->n; i++) {
        size_t len = cell_len(L, i);
        pos -= len;
        memcpy(p + pos, L->cells + L->off[i], len);
        put16(p + hdr + 2 * (size_t)i, (uint32_t)pos);
    }
    put16(p + 5, pos == 65536 ? 0 : (uint32_t)pos);
    return emit_page(f, p);
}

static level *lv_get(sqf_tree *t, int k)
{
    if (k >= MAX_LEVELS) {
        t->f->failed = 1; /* cannot happen: 24 levels hold more than 2^64 rows */
        return NULL;
    }
    while (t->nlv <= k)
        t->nlv++;
    return &t->lv[k];
}

sqf_tree *sqf_tree_new(sqf *f, int index)
{
    sqf_tree *t = gr_xcalloc(1, sizeof *t);
    t->f = f;
    t->index = index;
    t->nlv = 1;
    return t;
}

/* ---- tables (B+trees keyed by rowid) --------------------------------------- */

static void table_up(sqf_tree *t, int k, uint32_t child, int64_t key)
{
    level *L = lv_get(t, k);
    if (!L)
        return;
    uint8_t cell[13];
    put32(cell, child);
    size_t len = 4 + (size_t)put_varint(cell + 4, (uint64_t)key);
    if (!fits(t->f, L, 0, len)) {
        /* full: the last cell's child becomes the right pointer */
        L->n--;
        uint32_t right;
        const uint8_t *c = L->cells + L->off[L->n];
        right = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
        int64_t last = L->key[L->n];
        L->clen = L->off[L->n];
        uint32_t pg = write_level(t, L, 0, right);
        lv_reset(L);
        table_up(t, k + 1, pg, last);
        L = &t->lv[k];
    }
    lv_append(L, cell, len, NULL, 0, key);
}

/* Appends the n-byte cell in t->cell to the table's leaf level, first
 * writing out the leaf page it would not fit on. */
static int table_leaf_append(sqf_tree *t, int64_t rowid, size_t n)
{
    level *L = &t->lv[0];
    if (L->n && !fits(t->f, L, 1, n)) {
        uint32_t pg = write_level(t, L, 1, 0);
        int64_t last = L->key[L->n - 1];
        lv_reset(L);
        table_up(t, 1, pg, last);
    }
    lv_append(L, t->cell, n, NULL, 0, rowid);
    return t->f->failed ? -1 : 0;
}

int sqf_row(sqf_tree *t, int64_t rowid, const uint8_t *rec, size_t len)
{
    return table_leaf_append(t, rowid, make_cell(t, 0, &rowid, rec, len));
}

static uint32_t table_finish(sqf_tree *t, int k, uint32_t child)
{
    level *L = &t->lv[k];
    uint32_t pg = write_level(t, L, k == 0, child);
    return k + 1 < t->nlv ? table_finish(t, k + 1, pg) : pg;
}

/* ---- index b-trees ------------------------------------------------------- */

/* cell = [4-byte child if interior] + payload part (size varint, local,
 * overflow page).  `body` is the payload part. */
static void index_add(sqf_tree *t, int k, uint32_t child, const uint8_t *body, size_t blen)
{
    level *L = lv_get(t, k);
    if (!L)
        return;
    int leaf = k == 0;
    size_t len = blen + (leaf ? 0 : 4);
    if (L->has_cand) {
        /* the page is complete: its divider goes up, this entry starts the next */
        uint32_t pg = write_level(t, L, leaf, L->cand_child);
        lv_reset(L);
        L->has_cand = 0;
        uint8_t *cand = gr_xmalloc(L->cand_len);
        size_t cl = L->cand_len;
        memcpy(cand, L->cand, cl);
        index_add(t, k + 1, pg, cand, cl);
        free(cand);
        L = &t->lv[k];
    } else if (L->n && !fits(t->f, L, leaf, len)) {
        if (blen > L->cand_cap) {
            L->cand_cap = blen * 2;
            L->cand = gr_xrealloc(L->cand, L->cand_cap);
        }
        memcpy(L->cand, body, blen);
        L->cand_len = blen;
        L->cand_child = child;
        L->has_cand = 1;
        return;
    }
    uint8_t pre[4];
    put32(pre, child);
    lv_append(L, pre, leaf ? 0 : 4, body, blen, 0);
}

/* The record's encoded size, and its header's. */
static size_t rec_size(const sqf_rec *r, size_t *hsize)
{
    size_t h = r->ntypes + 1;
    if (h > 127)
        h = r->ntypes + (size_t)varint_len(r->ntypes + 2);
    *hsize = h;
    return h + r->blen;
}

/* Builds the cell straight from the record's parts when it needs no
 * overflow page (always, but for long texts); returns its size, or 0. */
static size_t cell_from_rec(sqf_tree *t, const int64_t *rowid, const sqf_rec *r)
{
    size_t h, len = rec_size(r, &h);
    if (len > (t->index ? t->f->max_index : t->f->max_table))
        return 0;
    cell_reserve(t, 18 + len);
    size_t n = (size_t)put_varint(t->cell, len);
    if (rowid)
        n += (size_t)put_varint(t->cell + n, (uint64_t)*rowid);
    n += (size_t)put_varint(t->cell + n, h);
    memcpy(t->cell + n, r->types, r->ntypes);
    n += r->ntypes;
    if (r->blen)
        memcpy(t->cell + n, r->body, r->blen);
    return n + r->blen;
}

int sqf_row_rec(sqf_tree *t, int64_t rowid, sqf_rec *r)
{
    size_t n = cell_from_rec(t, &rowid, r);
    if (!n) {
        size_t len;
        const uint8_t *rec = sqf_rec_done(r, &len);
        return sqf_row(t, rowid, rec, len);
    }
    return table_leaf_append(t, rowid, n);
}

int sqf_entry_rec(sqf_tree *t, sqf_rec *r)
{
    size_t n = cell_from_rec(t, NULL, r);
    if (!n) {
        size_t len;
        const uint8_t *rec = sqf_rec_done(r, &len);
        return sqf_entry(t, rec, len);
    }
    index_add(t, 0, 0, t->cell, n);
    return t->f->failed ? -1 : 0;
}

int sqf_entry(sqf_tree *t, const uint8_t *rec, size_t len)
{
    /* t->cell is not touched again until this entry is stored */
    size_t n = make_cell(t, 0, NULL, rec, len);
    index_add(t, 0, 0, t->cell, n);
    return t->f->failed ? -1 : 0;
}
static uint32_t index_finish(sqf_tree *t, int k, uint32_t child)
{
    level *L = &t->lv[k];
    int leaf = k == 0;
    if (L->has_cand) {
        /* no entry came after the divider: the page's own last entry is
         * the divider instead, and the waiting one starts the last page */
        L->n--;
        size_t len = L->clen - L->off[L->n];
        uint8_t *last = gr_xmalloc(len);
        memcpy(last, L->cells + L->off[L->n], len);
        L->clen = L->off[L->n];
        L->used -= len + 2;
        uint32_t right = leaf ? 0 : (uint32_t)last[0] << 24 | (uint32_t)last[1] << 16 | (uint32_t)last[2] << 8 | last[3];
        uint32_t pg = write_level(t, L, leaf, right);
        lv_reset(L);
        index_add(t, k + 1, pg, last + (leaf ? 0 : 4), len - (leaf ? 0 : 4));
        free(last);
        L = &t->lv[k];
        L->has_cand = 0;
        uint8_t pre[4];
        put32(pre, L->cand_child);
        lv_append(L, pre, leaf ? 0 : 4, L->cand, L->cand_len, 0);
    }
    uint32_t pg = write_level(t, L, leaf, child);
    return k + 1 < t->nlv ? index_finish(t, k + 1, pg) : pg;
}

uint32_t sqf_tree_finish(sqf_tree *t)
{
    uint32_t root = t->index ? index_finish(t, 0, 0) : table_finish(t, 0, 0);
    for (int i = 0; i < MAX_LEVELS; i++) {
        free(t->lv[i].cells);
        free(t->lv[i].off);
        free(t->lv[i].key);
        free(t->lv[i].cand);
    }
    int failed = t->f->failed;
    free(t->cell);
    free(t);
    return failed ? 0 : root;
}

/* ---- parts ------------------------------------------------------------------ */

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int get_varint(const uint8_t *p, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        x = x << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *v = x;
            return i + 1;
        }
    }
    *v = x << 8 | p[8];
    return 9;
}

static void add32(uint8_t *p, uint32_t base)
{
    put32(p, get32(p) + base);
}

/* A part's page moved up by `base` pages: every page number it holds
 * (children, right pointers, overflow chains) moves with it. */
static void relocate(const sqf *part, uint8_t *pg, int overflow, uint32_t base)
{
    if (overflow) {
        if (get32(pg))
            add32(pg, base);
        return;
    }
    int interior = pg[0] == 0x05 || pg[0] == 0x02, index = pg[0] == 0x0A || pg[0] == 0x02;
    size_t hdr = interior ? 12 : 8, n = (size_t)pg[3] << 8 | pg[4];
    if (interior)
        add32(pg + 8, base);
    for (size_t i = 0; i < n; i++) {
        uint8_t *c = pg + ((size_t)pg[hdr + 2 * i] << 8 | pg[hdr + 2 * i + 1]);
        if (interior) {
            add32(c, base);
            if (!index)
                continue; /* a table interior cell is child and rowid only */
            c += 4;
        }
        uint64_t len, rowid;
        c += get_varint(c, &len);
        if (!index)
            c += get_varint(c, &rowid);
        size_t local = local_size(part, len, index);
        if (local < len)
            add32(c + local, base);
    }
}

uint32_t sqf_append(sqf *f, sqf *part, uint32_t root)
{
    uint32_t base = f->npages;
    int failed = part->failed || part->U != f->U;
    /* a chunk at a time: one fwrite, which stdio hands straight to write */
    for (size_t c = 0; c < part->nchunks && !failed; c++) {
        uint32_t first = (uint32_t)(c * CHUNK_PAGES), n = part->npages - first;
        if (n > CHUNK_PAGES)
            n = CHUNK_PAGES;
        for (uint32_t i = first; i < first + n; i++)
            relocate(part, part_page(part, i), part->ovfl[i], base);
        if (f->fp) {
            if (!f->failed && fwrite(part->chunk[c], f->U, n, f->fp) != n)
                write_failed(f);
            f->npages += n;
        } else {
            for (uint32_t i = first; i < first + n; i++)
                emit(f, part_page(part, i), part->ovfl[i]);
        }
    }
    for (size_t c = 0; c < part->nchunks; c++)
        gr_xtemp_free(part->chunk[c], (size_t)CHUNK_PAGES * part->U);
    free(part->chunk);
    free(part->ovfl);
    free(part->page);
    free(part);
    if (failed)
        f->failed = 1;
    return failed || !root ? 0 : base + root;
}

/* ---- the schema and the header -------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s ? gr_xstrdup(s) : NULL;
}

void sqf_schema(sqf *f, const char *type, const char *name, const char *tbl, uint32_t root, const char *sql)
{
    if (f->nschema == f->schema_cap) {
        f->schema_cap = f->schema_cap ? f->schema_cap * 2 : 16;
        f->schema = gr_xrealloc(f->schema, f->schema_cap * sizeof *f->schema);
    }
    f->schema[f->nschema++] =
        (schema_row){gr_xstrdup(type), gr_xstrdup(name), gr_xstrdup(tbl), dup_or_null(sql), root};
}

int sqf_close(sqf *f)
{
    /* page 1: the 100-byte file header, then sqlite_schema as one leaf */
    uint8_t *p = f->page;
    memset(p, 0, f->U);
    memcpy(p, "SQLite format 3", 16);
    put16(p + 16, f->U == 65536 ? 1 : f->U);
    p[18] = p[19] = 1; /* legacy file format: rollback journal */
    p[21] = 64;
    p[22] = 32;
    p[23] = 32;
    put32(p + 24, 1);          /* file change counter */
    put32(p + 28, f->npages);  /* database size in pages */
    put32(p + 40, 1);          /* schema cookie */
    put32(p + 44, 4);          /* schema format */
    put32(p + 56, 1);          /* UTF-8 */
    put32(p + 92, 1);          /* version-valid-for: the change counter */
    put32(p + 96, 3040001);    /* SQLITE_VERSION_NUMBER of the writer */
    uint8_t *b = p + 100;
    b[0] = 0x0D;
    put16(b + 3, (uint32_t)f->nschema);
    size_t pos = f->U, ptrs = 100 + 8;
    sqf_rec r;
    memset(&r, 0, sizeof r);
    int rc = f->failed ? -1 : 0;
    for (size_t i = 0; i < f->nschema && !rc; i++) {
        schema_row *s = &f->schema[i];
        sqf_rec_reset(&r);
        sqf_rec_text(&r, s->type, strlen(s->type));
        sqf_rec_text(&r, s->name, strlen(s->name));
        sqf_rec_text(&r, s->tbl, strlen(s->tbl));
        sqf_rec_int(&r, s->root);
        if (s->sql)
            sqf_rec_text(&r, s->sql, strlen(s->sql));
        else
            sqf_rec_null(&r);
        size_t len;
        const uint8_t *rec = sqf_rec_done(&r, &len);
        uint8_t head[18];
        size_t h = (size_t)put_varint(head, len);
        h += (size_t)put_varint(head + h, i + 1);
        if (len > f->max_table || pos < ptrs + 2 * f->nschema + h + len) {
            rc = -1; /* the schema is a few hundred bytes: never */
            break;
        }
        pos -= h + len;
        memcpy(p + pos, head, h);
        memcpy(p + pos + h, rec, len);
        put16(p + ptrs + 2 * i, (uint32_t)pos);
    }
    sqf_rec_free(&r);
    put16(b + 5, pos == 65536 ? 0 : (uint32_t)pos);
    if (!rc && (fseek(f->fp, 0, SEEK_SET) || fwrite(p, 1, f->U, f->fp) != f->U || fseek(f->fp, 0, SEEK_END))) {
        write_failed(f);
        rc = -1;
    }
    int err = f->err;
    for (size_t i = 0; i < f->nschema; i++) {
        free(f->schema[i].type);
        free(f->schema[i].name);
        free(f->schema[i].tbl);
        free(f->schema[i].sql);
    }
    free(f->schema);
    free(f->page);
    free(f);
    errno = rc ? err : 0;
    return rc;
}
