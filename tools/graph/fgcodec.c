/*
 * fgcodec.c - a per-file graph to bytes and back (see fgcodec.h).
 *
 * Varints, in the order docs/formats/graph-cache.md gives; the arena goes
 * as it is, so every string keeps its offset.  The
 * decoder reads through a cursor that refuses to run past the end, then
 * checks what the merger relies on: kinds in range, every parent before
 * its child, every string inside the arena and NUL-terminated.
 */
#include "fgcodec.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum { FG_CODEC_MAGIC = 0x33636766 /* "fgc3" */, MAX_DIAG = 4096, VARINT_MAX = 5 };

/* Numbers go as LEB128 varints (7 bits a byte, low first, the shortest
 * form only), and most as differences from a number just before them
 * (zigzag, so that a small step back is small too), all in u32
 * arithmetic so that every value round-trips.  Fixed-width fields (64
 * bytes an item, 20 a reference) made 35 of the crate corpus's 64 MB of
 * payloads, and LZ4 went through every byte of them on each cold run;
 * as varints they are 9 MB, and a cold run's entries take a quarter
 * less CPU to write and a third less room. */
typedef struct wbuf {
    uint8_t *p;
    size_t n, cap;
} wbuf;

static void put(wbuf *w, const void *v, size_t n)
{
    if (n > w->cap - w->n)
        abort(); /* fg_file_encoded_bound and the encoder disagree: a bug here */
    memcpy(w->p + w->n, v, n);
    w->n += n;
}

static void var(wbuf *w, uint32_t v)
{
    if (w->cap - w->n < VARINT_MAX)
        abort();
    uint8_t *b = w->p + w->n;
    while (v >= 0x80) {
        *b++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *b++ = (uint8_t)v;
    w->n = (size_t)(b - w->p);
}

static uint32_t zig(uint32_t v)
{
    return v << 1 ^ (uint32_t)-(v >> 31);
}

/* A string: 0 for the empty one at offset 0; else its length + 1 and its
 * offset less where the string before it ended (past its NUL): strings
 * are mostly interned in the order the items name them. */
static void str(wbuf *w, fg_str s, uint32_t *cursor)
{
    if (!s.off && !s.len) {
        var(w, 0);
        return;
    }
    var(w, s.len + 1);
    var(w, zig(s.off - *cursor));
    *cursor = s.off + s.len + 1;
}

size_t fg_file_encoded_bound(const fg_file *f)
{
    /* An item: kind, parent, five strings (two numbers each at the most),
     * line, column, end line, end column - 16 numbers. */
    size_t n = 4 + 8 * VARINT_MAX + f->arena_len + f->nitems * 16 * VARINT_MAX + f->nrefs * 6 * VARINT_MAX +
               f->nuses * 6 * VARINT_MAX;
    for (size_t i = 0; i < f->ndiags; i++)
        n += 2 * VARINT_MAX + strlen(f->diags[i].msg);
    return n;
}

size_t fg_file_encode_to(const fg_file *f, uint8_t *out, size_t cap)
{
    wbuf w = {out, 0, cap};
    uint32_t magic = FG_CODEC_MAGIC, cursor = 0, line = 0, from = 0;
    uint8_t m[4] = {(uint8_t)magic, (uint8_t)(magic >> 8), (uint8_t)(magic >> 16), (uint8_t)(magic >> 24)};
    put(&w, m, 4);
    var(&w, (uint32_t)f->failed);
    var(&w, (uint32_t)f->bytes);
    var(&w, (uint32_t)(f->bytes >> 32));
    var(&w, (uint32_t)f->arena_len);
    var(&w, (uint32_t)f->nitems);
    var(&w, (uint32_t)f->nrefs);
    var(&w, (uint32_t)f->nuses);
    var(&w, (uint32_t)f->ndiags);
    put(&w, f->arena, f->arena_len);
    for (size_t i = 0; i < f->nitems; i++) {
        const fg_item *it = &f->items[i];
        var(&w, (uint32_t)it->kind | (uint32_t)it->sub << 8);
        var(&w, (uint32_t)i - it->parent);
        str(&w, it->name, &cursor);
        str(&w, it->sig, &cursor);
        str(&w, it->vis, &cursor);
        str(&w, it->path_attr, &cursor);
        str(&w, it->macro, &cursor);
        var(&w, zig(it->line - line));
        var(&w, it->col);
        var(&w, zig(it->end_line - it->line));
        var(&w, it->end_col);
        line = it->line;
    }
    for (size_t i = 0; i < f->nrefs; i++) {
        const fg_ref *r = &f->refs[i];
        var(&w, zig(r->from - from));
        var(&w, (uint32_t)r->edge | (uint32_t)r->form << 8);
        str(&w, r->text, &cursor);
        var(&w, zig(r->line - line));
        from = r->from;
        line = r->line;
    }
    for (size_t i = 0; i < f->nuses; i++) {
        const fg_use *u = &f->uses[i];
        var(&w, u->item);
        str(&w, u->path, &cursor);
        str(&w, u->alias, &cursor);
        var(&w, u->glob);
    }
    for (size_t i = 0; i < f->ndiags; i++) {
        size_t n = strlen(f->diags[i].msg);
        var(&w, f->diags[i].line);
        var(&w, (uint32_t)n);
        put(&w, f->diags[i].msg, n);
    }
    return w.n;
}

void fg_file_encode(const fg_file *f, uint8_t **out, size_t *len)
{
    size_t cap = fg_file_encoded_bound(f);
    *out = gr_xmalloc(cap);
    *len = fg_file_encode_to(f, *out, cap);
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct rbuf {
    const uint8_t *p;
    size_t n, at;
    int bad;
} rbuf;

/* A varint in its shortest form, below 2^32: anything else is refused,
 * so that one graph has one encoding. */
static uint32_t get(rbuf *r)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (r->at == r->n) {
            r->bad = 1;
            return 0;
        }
        uint8_t b = r->p[r->at++];
        if (shift == 28 && b > 0x0f) /* past 32 bits (or a continuation) */
            break;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (!b && shift) /* a needless zero byte at the top */
                break;
            return v;
        }
    }
    r->bad = 1;
    return 0;
}

static uint32_t unzig(uint32_t v)
{
    return v >> 1 ^ (uint32_t)-(v & 1);
}

/* A string (str above): inside the arena, with its NUL right after it. */
static fg_str getstr(rbuf *r, const fg_file *f, uint32_t *cursor)
{
    fg_str s = {0, 0};
    uint32_t len1 = get(r);
    if (!len1)
        return s;
    s.len = len1 - 1;
    s.off = *cursor + unzig(get(r));
    *cursor = s.off + s.len + 1;
    /* (the empty string at 0 has its own form, 0) */
    if ((!s.off && !s.len) || (uint64_t)s.off + s.len >= f->arena_len || f->arena[s.off + s.len] != 0)
        r->bad = 1;
    return s;
}

/* Whether r still holds `count` records of at least `size` bytes (so a
 * forged count cannot make the decoder allocate without bound). */
static int room(const rbuf *r, uint32_t count, size_t size)
{
    return (uint64_t)count * size <= r->n - r->at;
}

/* An item is at least 11 bytes (a varint a field, an empty string one),
 * a reference or a use 4, a diagnostic 2. */
static int items_ok(rbuf *r, fg_file *f, uint32_t n, uint32_t *cursor, uint32_t *line)
{
    if (!room(r, n, 11))
        return 0;
    f->items = n ? gr_xcalloc(n, sizeof *f->items) : NULL;
    f->nitems = f->items_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_item *it = &f->items[i];
        uint32_t ks = get(r);
        it->kind = (uint8_t)ks;
        it->sub = (uint8_t)(ks >> 8);
        it->parent = i - get(r);
        it->name = getstr(r, f, cursor);
        it->sig = getstr(r, f, cursor);
        it->vis = getstr(r, f, cursor);
        it->path_attr = getstr(r, f, cursor);
        it->macro = getstr(r, f, cursor);
        it->line = *line + unzig(get(r));
        it->col = get(r);
        it->end_line = it->line + unzig(get(r));
        it->end_col = get(r);
        *line = it->line;
        /* the extractor numbers items in file order: a parent comes first */
        if ((ks >> 16) || it->kind >= GK__COUNT || it->sub >= FS__COUNT || (i ? it->parent >= i : it->parent != 0))
            r->bad = 1;
    }
    return !r->bad;
}

static int refs_ok(rbuf *r, fg_file *f, uint32_t n, uint32_t *cursor, uint32_t *line)
{
    if (!room(r, n, 4))
        return 0;
    f->refs = n ? gr_xcalloc(n, sizeof *f->refs) : NULL;
    f->nrefs = f->refs_cap = n;
    uint32_t from = 0;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_ref *x = &f->refs[i];
        x->from = from + unzig(get(r));
        uint32_t ef = get(r);
        x->edge = (uint8_t)ef;
        x->form = (uint8_t)(ef >> 8);
        x->text = getstr(r, f, cursor);
        x->line = *line + unzig(get(r));
        from = x->from;
        *line = x->line;
        if ((ef >> 16) || x->from >= f->nitems || x->edge >= GE__COUNT || x->form > FF_EXPR_METHOD)
            r->bad = 1;
    }
    return !r->bad;
}

static int uses_ok(rbuf *r, fg_file *f, uint32_t n, uint32_t *cursor)
{
    if (!room(r, n, 4))
        return 0;
    f->uses = n ? gr_xcalloc(n, sizeof *f->uses) : NULL;
    f->nuses = f->uses_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        fg_use *u = &f->uses[i];
        u->item = get(r);
        u->path = getstr(r, f, cursor);
        u->alias = getstr(r, f, cursor);
        uint32_t glob = get(r);
        u->glob = (uint8_t)glob;
        if (glob > 1 || u->item >= f->nitems || f->items[u->item].kind != GK_USE)
            r->bad = 1;
    }
    return !r->bad;
}

static int diags_ok(rbuf *r, fg_file *f, uint32_t n)
{
    if (!room(r, n, 2))
        return 0;
    f->diags = n ? gr_xcalloc(n, sizeof *f->diags) : NULL;
    f->diags_cap = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t line = get(r), len = get(r);
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
    if (n < 4 || ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) != FG_CODEC_MAGIC)
        return NULL;
    r.at = 4;
    uint32_t h[8];
    for (int i = 0; i < 8; i++)
        h[i] = get(&r);
    if (r.bad || h[0] > 1 || h[3] == 0 || h[3] > r.n - r.at)
        return NULL;
    fg_file *f = gr_xcalloc(1, sizeof *f);
    f->path = gr_xstrdup(path);
    f->index = index;
    f->failed = (int)h[0];
    f->bytes = (uint64_t)h[2] << 32 | h[1];
    f->arena = gr_xmalloc(h[3]);
    memcpy(f->arena, r.p + r.at, h[3]);
    f->arena_len = f->arena_cap = h[3];
    r.at += h[3];
    /* the arena ends in a NUL, as fg_intern leaves it, and opens with "" */
    uint32_t cursor = 0, line = 0;
    int ok = f->arena[0] == 0 && f->arena[f->arena_len - 1] == 0 && items_ok(&r, f, h[4], &cursor, &line) &&
             refs_ok(&r, f, h[5], &cursor, &line) && uses_ok(&r, f, h[6], &cursor) && diags_ok(&r, f, h[7]) &&
             r.at == r.n;
    if (!ok) {
        fg_file_free(f);
        return NULL;
    }
    return f;
}
