/*
 * fgwire.c - a per-file graph to bytes and back (the graph.file job's
 * result), and the worker side of that job.
 *
 * The one idea: the merger trusts a fg_file completely (it indexes arrays
 * with its numbers and reads its strings up to their NUL), so the decoder
 * checks every number and string before a fg_file exists, and the merger
 * never sees one a local parse could not have made in shape.
 */
#include "fgwire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "source.h"
#include "xalloc.h"

#define FG_WIRE_MAGIC 0x31574746u /* "FGW1" */

static void put_str(sl_cluster_buf *b, fg_str s)
{
    sl_cluster_buf_u32(b, s.off);
    sl_cluster_buf_u32(b, s.len);
}

void fg_wire_encode(const fg_file *f, sl_cluster_buf *b)
{
    sl_cluster_buf_u32(b, FG_WIRE_MAGIC);
    sl_cluster_buf_u8(b, f->failed ? 1 : 0);
    sl_cluster_buf_u64(b, f->bytes);
    sl_cluster_buf_u32(b, (uint32_t)f->arena_len);
    sl_cluster_buf_put(b, f->arena, f->arena_len);
    sl_cluster_buf_u32(b, (uint32_t)f->nitems);
    for (size_t i = 0; i < f->nitems; i++) {
        const fg_item *it = &f->items[i];
        sl_cluster_buf_u8(b, it->kind);
        sl_cluster_buf_u8(b, it->sub);
        sl_cluster_buf_u32(b, it->parent);
        put_str(b, it->name);
        put_str(b, it->sig);
        put_str(b, it->vis);
        put_str(b, it->path_attr);
        sl_cluster_buf_u32(b, it->line);
        sl_cluster_buf_u32(b, it->col);
        sl_cluster_buf_u32(b, it->end_line);
        sl_cluster_buf_u32(b, it->end_col);
    }
    sl_cluster_buf_u32(b, (uint32_t)f->nrefs);
    for (size_t i = 0; i < f->nrefs; i++) {
        const fg_ref *r = &f->refs[i];
        sl_cluster_buf_u32(b, r->from);
        sl_cluster_buf_u8(b, r->edge);
        sl_cluster_buf_u8(b, r->form);
        put_str(b, r->text);
        sl_cluster_buf_u32(b, r->line);
    }
    sl_cluster_buf_u32(b, (uint32_t)f->nuses);
    for (size_t i = 0; i < f->nuses; i++) {
        const fg_use *u = &f->uses[i];
        sl_cluster_buf_u32(b, u->item);
        put_str(b, u->path);
        put_str(b, u->alias);
        sl_cluster_buf_u8(b, u->glob);
    }
    sl_cluster_buf_u32(b, (uint32_t)f->ndiags);
    for (size_t i = 0; i < f->ndiags; i++) {
        size_t n = strlen(f->diags[i].msg);
        sl_cluster_buf_u32(b, f->diags[i].line);
        sl_cluster_buf_u32(b, (uint32_t)n);
        sl_cluster_buf_put(b, f->diags[i].msg, n);
    }
}

/* A string of the arena: inside it and followed by its NUL. */
static fg_str get_str(sl_cluster_rd *r, const fg_file *f)
{
    fg_str s;
    s.off = sl_cluster_rd_u32(r);
    s.len = sl_cluster_rd_u32(r);
    if ((uint64_t)s.off + s.len >= f->arena_len || f->arena[s.off + s.len] != 0)
        r->bad = 1;
    return s;
}

/* Array counts are checked against the bytes that must follow. */
static size_t get_count(sl_cluster_rd *r, size_t min_each)
{
    uint32_t n = sl_cluster_rd_u32(r);
    if (n > r->left / min_each)
        r->bad = 1;
    return r->bad ? 0 : n;
}

static int read_items(sl_cluster_rd *r, fg_file *f)
{
    f->nitems = f->items_cap = get_count(r, 2 + 4 + 4 * 8 + 4 * 4);
    f->items = f->nitems ? gr_xcalloc(f->nitems, sizeof *f->items) : NULL;
    for (size_t i = 0; i < f->nitems && !r->bad; i++) {
        fg_item *it = &f->items[i];
        it->kind = sl_cluster_rd_u8(r);
        it->sub = sl_cluster_rd_u8(r);
        it->parent = sl_cluster_rd_u32(r);
        it->name = get_str(r, f);
        it->sig = get_str(r, f);
        it->vis = get_str(r, f);
        it->path_attr = get_str(r, f);
        it->line = sl_cluster_rd_u32(r);
        it->col = sl_cluster_rd_u32(r);
        it->end_line = sl_cluster_rd_u32(r);
        it->end_col = sl_cluster_rd_u32(r);
        if (it->kind >= GK__COUNT || it->sub >= FS__COUNT || (i ? it->parent >= i : it->parent != 0))
            r->bad = 1;
    }
    return r->bad ? -1 : 0;
}

static int read_refs_uses(sl_cluster_rd *r, fg_file *f)
{
    f->nrefs = f->refs_cap = get_count(r, 4 + 2 + 8 + 4);
    f->refs = f->nrefs ? gr_xcalloc(f->nrefs, sizeof *f->refs) : NULL;
    for (size_t i = 0; i < f->nrefs && !r->bad; i++) {
        fg_ref *x = &f->refs[i];
        x->from = sl_cluster_rd_u32(r);
        x->edge = sl_cluster_rd_u8(r);
        x->form = sl_cluster_rd_u8(r);
        x->text = get_str(r, f);
        x->line = sl_cluster_rd_u32(r);
        if (x->from >= f->nitems || x->edge >= GE__COUNT || x->edge == GE_CONTAINS || x->edge == GE_IMPORTS ||
            x->form > FF_EXPR_METHOD)
            r->bad = 1;
    }
    f->nuses = f->uses_cap = r->bad ? 0 : get_count(r, 4 + 16 + 1);
    f->uses = f->nuses ? gr_xcalloc(f->nuses, sizeof *f->uses) : NULL;
    for (size_t i = 0; i < f->nuses && !r->bad; i++) {
        fg_use *u = &f->uses[i];
        u->item = sl_cluster_rd_u32(r);
        u->path = get_str(r, f);
        u->alias = get_str(r, f);
        u->glob = sl_cluster_rd_u8(r);
        if (u->item >= f->nitems || u->glob > 1)
            r->bad = 1;
    }
    return r->bad ? -1 : 0;
}

static int read_diags(sl_cluster_rd *r, fg_file *f)
{
    size_t n = get_count(r, 8);
    f->diags = n ? gr_xcalloc(n, sizeof *f->diags) : NULL;
    f->diags_cap = n;
    for (size_t i = 0; i < n && !r->bad; i++) {
        uint32_t line = sl_cluster_rd_u32(r), len = sl_cluster_rd_u32(r);
        const unsigned char *msg = sl_cluster_rd_bytes(r, len);
        if (!msg || memchr(msg, 0, len)) {
            r->bad = 1;
            break;
        }
        f->diags[i].line = line;
        f->diags[i].msg = gr_xmalloc((size_t)len + 1);
        memcpy(f->diags[i].msg, msg, len);
        f->diags[i].msg[len] = 0;
        f->ndiags++;
    }
    return r->bad ? -1 : 0;
}

fg_file *fg_wire_decode(const void *data, size_t len, const char *path, uint32_t index, char *err, size_t errlen)
{
    sl_cluster_rd r = {data, len, 0};
    if (sl_cluster_rd_u32(&r) != FG_WIRE_MAGIC) {
        snprintf(err, errlen, "not a per-file graph");
        return NULL;
    }
    fg_file *f = gr_xcalloc(1, sizeof *f);
    f->path = gr_xstrdup(path);
    f->index = index;
    uint8_t failed = sl_cluster_rd_u8(&r);
    f->failed = failed;
    f->bytes = sl_cluster_rd_u64(&r);
    uint32_t alen = sl_cluster_rd_u32(&r);
    const unsigned char *arena = sl_cluster_rd_bytes(&r, alen);
    if (arena && alen && arena[0] == 0 && arena[alen - 1] == 0 && failed <= 1) {
        f->arena = gr_xmalloc(alen);
        memcpy(f->arena, arena, alen);
        f->arena_len = f->arena_cap = alen;
    } else
        r.bad = 1;
    if (r.bad || read_items(&r, f) || read_refs_uses(&r, f) || read_diags(&r, f) || r.left ||
        (!f->failed && f->nitems == 0)) {
        snprintf(err, errlen, "a per-file graph that does not hold together (at byte %zu of %zu)", len - r.left, len);
        fg_file_free(f);
        return NULL;
    }
    return f;
}

/* ---- the worker side ---- */

/* What parse_all.c's parse_one does with a file once it is read. */
void gr_parse_text(gr_extractor *x, fg_scratch *sc, fg_file *f, const char *buf, size_t len)
{
    f->bytes = len;
    if (gr_source_is_binary(buf, len)) {
        f->failed = 1;
        fg_diagf(f, 0, "binary file (NUL bytes), skipped");
        return;
    }
    uint32_t bad = gr_source_bad_utf8_line(buf, len);
    if (bad)
        fg_diagf(f, bad, "invalid UTF-8; parsed anyway");
    if (!x) {
        f->failed = 1;
        fg_diagf(f, 0, "no parser (tree-sitter refused the grammar)");
        return;
    }
    fg_file_borrow(f, sc);
    gr_extract(x, f, buf, len);
    fg_file_keep(f, sc);
}

typedef struct job_state {
    gr_extractor *x;
    fg_scratch sc;
    char *buf;
    size_t cap;
} job_state;

static void job_state_free(void *p)
{
    job_state *s = p;
    if (!s)
        return;
    gr_extractor_free(s->x);
    fg_scratch_free(&s->sc);
    free(s->buf);
    free(s);
}

/* What parse_all.c does with a file it has read, on the content alone. */
static int graph_job(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    job_state *s = *state;
    if (!s) {
        s = *state = gr_xcalloc(1, sizeof *s);
        s->x = gr_extractor_new();
    }
    if (len > GR_MAX_FILE_BYTES) {
        snprintf(err, errlen, "a file over the size limit");
        return -1;
    }
    if (s->cap < len + 1) { /* the parser wants the text NUL-terminated, as gr_source_read gives it */
        free(s->buf);
        s->cap = len + 1;
        s->buf = gr_xmalloc(s->cap);
    }
    memcpy(s->buf, in, len);
    s->buf[len] = 0;
    fg_file *f = fg_file_new("", 0);
    gr_parse_text(s->x, &s->sc, f, s->buf, len);
    fg_wire_encode(f, out);
    fg_file_free(f);
    return 0;
}

const sl_cluster_kind sl_graph_job_kind = {"graph.file/1", graph_job, job_state_free};
