/*
 * fgcodec.c - a per-file graph to bytes and back (see fgcodec.h).
 *
 * Fixed-width little-endian fields, in the order docs/formats/graph-cache.md
 * gives; the arena goes as it is, so every string keeps its offset.  The
 * decoder reads through a cursor that refuses to run past the end, then
 * checks what the merger relies on: kinds in range, every parent before
 * its child, every string inside the arena and NUL-terminated.
 */
#include "fgcodec.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum { FG_CODEC_MAGIC = 0x32636766 /* "fgc2" */, MAX_DIAG = 4096 };

typedef struct wbuf {
    uint8_t *p;
    size_t n, cap;
} wbuf;

static void put(wbuf *w, const void *v, size_t n)
{
    if (n > w->cap - w->n)
        abort(); /* fg_file_encoded_size and the encoder disagree: a bug here */
    memcpy(w->p + w->n, v, n);
    w->n += n;
}

static void u32(wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}

static void str(wbuf *w, fg_str s)
{
    u32(w, s.off);
    u32(w, s.len);
}

size_t fg_file_encoded_size(const fg_file *f)
{
    size_t n = 9 * 4 + f->arena_len + f->nitems * 64 + f->nrefs * 20 + f->nuses * 24;
    for (size_t i = 0; i < f->ndiags; i++)
        n += 8 + strlen(f->diags[i].msg);
    return n;
}

void fg_file_encode_to(const fg_file *f, uint8_t *out, size_t len)
{
    wbuf w = {out, 0, len};
    u32(&w, FG_CODEC_MAGIC);
    u32(&w, (uint32_t)f->failed);
    u32(&w, (uint32_t)f->bytes);
    u32(&w, (uint32_t)(f->bytes >> 32));
    u32(&w, (uint32_t)f->arena_len);
    u32(&w, (uint32_t)f->nitems);
    u32(&w, (uint32_t)f->nrefs);
    u32(&w, (uint32_t)f->nuses);
    u32(&w, (uint32_t)f->ndiags);
    put(&w, f->arena, f->arena_len);
    for (size_t i = 0; i < f->nitems; i++) {
        const fg_item *it = &f->items[i];
        u32(&w, (uint32_t)it->kind | (uint32_t)it->sub << 8);
        u32(&w, it->parent);
        str(&w, it->name);
        str(&w, it->sig);
        str(&w, it->vis);
        str(&w, it->path_attr);
        str(&w, it->macro);
        u32(&w, it->line);
        u32(&w, it->col);
        u32(&w, it->end_line);
        u32(&w, it->end_col);
    }
    for (size_t i = 0; i < f->nrefs; i++) {
        const fg_ref *r = &f->refs[i];
        u32(&w, r->from);
        u32(&w, (uint32_t)r->edge | (uint32_t)r->form << 8);
        str(&w, r->text);
        u32(&w, r->line);
    }
    for (size_t i = 0; i < f->nuses; i++) {
        const fg_use *u = &f->uses[i];
        u32(&w, u->item);
        str(&w, u->path);
        str(&w, u->alias);
        u32(&w, u->glob);
    }
    for (size_t i = 0; i < f->ndiags; i++) {
        size_t n = strlen(f->diags[i].msg);
        u32(&w, f->diags[i].line);
        u32(&w, (uint32_t)n);
        put(&w, f->diags[i].msg, n);
    }
    if (w.n != len)
        abort();
}


void fg_file_encode(const fg_file *f, uint8_t **out, size_t *len)
{
    *len = fg_file_encoded_size(f);
    *out = gr_xmalloc(*len ? *len : 1);
    fg_file_encode_to(f, *out, *len);
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct rbuf {
    const uint8_t *p;
    size_t n, at;
    int bad;
} rbuf;

static uint32_t get32(rbuf *r)
{
    if (r->n - r->at < 4) {
        r->bad = 1;
        return 0;
    }
    const uint8_t *b = r->p + r->at;
    r->at += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A string: inside the arena, with its NUL right after it. */
static fg_str getstr(rbuf *r, const fg_file *f)
{
    fg_str s;
    s.off = get32(r);
    s.len = get32(r);
    if ((uint64_t)s.off + s.len >= f->arena_len || f->arena[s.off + s.len] != 0)
        r->bad = 1;
    return s;
}

/* Whether r still holds `count` records of `size` bytes (so a forged
 * count cannot make the decoder allocate without bound). */
static int room(const rbuf *r, uint32_t count, size_t size)
{
    return (uint64_t)count * size <= r->n - r->at;
}

static int items_ok(rbuf *r, fg_file *f, uint32_t n)
{
    if (!room(r, n, 64))
        return 0;
    f->items = n ? gr_xcalloc(n, sizeof *f->items) : NULL;
    f->nitems = f->items_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_item *it = &f->items[i];
        uint32_t ks = get32(r);
        it->kind = (uint8_t)ks;
        it->sub = (uint8_t)(ks >> 8);
        it->parent = get32(r);
        it->name = getstr(r, f);
        it->sig = getstr(r, f);
        it->vis = getstr(r, f);
        it->path_attr = getstr(r, f);
        it->macro = getstr(r, f);
        it->line = get32(r);
        it->col = get32(r);
        it->end_line = get32(r);
        it->end_col = get32(r);
        /* the extractor numbers items in file order: a parent comes first */
        if ((ks >> 16) || it->kind >= GK__COUNT || it->sub >= FS__COUNT || (i ? it->parent >= i : it->parent != 0))
            r->bad = 1;
    }
    return !r->bad;
}

static int refs_ok(rbuf *r, fg_file *f, uint32_t n)
{
    if (!room(r, n, 20))
        return 0;
    f->refs = n ? gr_xcalloc(n, sizeof *f->refs) : NULL;
    f->nrefs = f->refs_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_ref *x = &f->refs[i];
        x->from = get32(r);
        uint32_t ef = get32(r);
        x->edge = (uint8_t)ef;
        x->form = (uint8_t)(ef >> 8);
        x->text = getstr(r, f);
        x->line = get32(r);
        if ((ef >> 16) || x->from >= f->nitems || x->edge >= GE__COUNT || x->form > FF_EXPR_METHOD)
            r->bad = 1;
    }
    return !r->bad;
}

static int uses_ok(rbuf *r, fg_file *f, uint32_t n)
{
    if (!room(r, n, 24))
        return 0;
    f->uses = n ? gr_xcalloc(n, sizeof *f->uses) : NULL;
    f->nuses = f->uses_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_use *u = &f->uses[i];
        u->item = get32(r);
        u->path = getstr(r, f);
        u->alias = getstr(r, f);
        uint32_t glob = get32(r);
        u->glob = (uint8_t)glob;
        if (glob > 1 || u->item >= f->nitems || f->items[u->item].kind != GK_USE)
            r->bad = 1;
    }
    return !r->bad;
}

static int diags_ok(rbuf *r, fg_file *f, uint32_t n)
{
    if (!room(r, n, 8))
        return 0;
    f->diags = n ? gr_xcalloc(n, sizeof *f->diags) : NULL;
    f->diags_cap = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t line = get32(r), len = get32(r);
        if (r->bad || len > MAX_DIAG || r->n - r->at < len || memchr(r->p + r->at, 0, len))
            return 0;
        f->diags[i].line = line;
        f->diags[i].msg = gr_xmalloc(len + 1);
        memcpy(f->diags[i].msg, r->p + r->at, len);
        f->diags[i].msg[len] = 0;
        f->ndiags++;
        r->at += len;
    }
    return 1;
}

fg_file *fg_file_decode(const uint8_t *p, size_t n, const char *path, uint32_t index)
{
    rbuf r = {p, n, 0, 0};
    uint32_t h[9];
    for (int i = 0; i < 9; i++)
        h[i] = get32(&r);
    if (r.bad || h[0] != FG_CODEC_MAGIC || h[1] > 1 || h[4] == 0 || h[4] > r.n - r.at)
        return NULL;
    fg_file *f = gr_xcalloc(1, sizeof *f);
    f->path = gr_xstrdup(path);
    f->index = index;
    f->failed = (int)h[1];
    f->bytes = (uint64_t)h[3] << 32 | h[2];
    f->arena = gr_xmalloc(h[4]);
    memcpy(f->arena, r.p + r.at, h[4]);
    f->arena_len = f->arena_cap = h[4];
    r.at += h[4];
    /* the arena ends in a NUL, as fg_intern leaves it, and opens with "" */
    int ok = f->arena[0] == 0 && f->arena[f->arena_len - 1] == 0 && items_ok(&r, f, h[5]) &&
             refs_ok(&r, f, h[6]) && uses_ok(&r, f, h[7]) && diags_ok(&r, f, h[8]) && r.at == r.n;
    if (!ok) {
        fg_file_free(f);
        return NULL;
    }
    return f;
}
