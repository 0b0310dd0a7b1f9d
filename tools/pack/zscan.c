/*
 * zscan.c - walking zstd frames block by block.
 *
 * A frame is: magic, a 2-14 byte header whose descriptor says which
 * fields follow, blocks (3-byte header: last flag, type, size; an RLE
 * block carries one byte), and an optional 4-byte checksum.  The scanner
 * copies those bytes into a buffer as it walks; a whole frame is returned
 * when it ends, a streamed one whenever `piece` bytes have gathered.
 * Every length is checked before it is trusted, since this is the first
 * code to see untrusted input.
 */
#include "zscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZSTD_MAGIC 0xFD2FB528u
#define BLOCK_MAX (128u * 1024)
#define SKIPPABLE_KEEP_MAX (64u << 20) /* bigger skippable frames are skipped unread */

static void *heap_grow(void *ctx, void *p, size_t len, size_t cap, size_t *got)
{
    (void)ctx;
    (void)len;
    void *q = realloc(p, cap);
    *got = cap;
    return q;
}

static void heap_release(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

void sl_zscan_init(sl_zscan *s, sl_reader *r, size_t frame_max, size_t piece, int raw_ok)
{
    memset(s, 0, sizeof *s);
    s->mem = (sl_zscan_mem){heap_grow, heap_release, NULL};
    s->r = r;
    s->frame_max = frame_max;
    s->piece = piece;
    s->raw_ok = raw_ok;
}

void sl_zscan_free(sl_zscan *s)
{
    if (s->buf)
        s->mem.release(s->mem.ctx, s->buf);
    s->buf = NULL;
    free(s->log);
    s->log = NULL;
    sl_seektable_free(&s->seen);
}

static int fail(sl_zscan *s, uint64_t at, const char *what)
{
    if (s->r->failed)
        snprintf(s->err, sizeof s->err, "%s", s->r->err);
    else
        snprintf(s->err, sizeof s->err, "%s (at offset %llu)", what, (unsigned long long)at);
    return -1;
}

static int reserve(sl_zscan *s, size_t more)
{
    if (s->len + more <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 4096, got;
    while (cap < s->len + more)
        cap += cap / 2;
    uint8_t *p = s->mem.grow(s->mem.ctx, s->buf, s->len, cap, &got);
    if (!p)
        return -1;
    s->buf = p;
    s->cap = got;
    return 0;
}

/* Appends exactly n bytes from the reader to buf. */
static int take(sl_zscan *s, size_t n)
{
    if (n == 0) /* an empty skippable frame: buf may still be NULL */
        return 0;
    if (reserve(s, n))
        return fail(s, s->r->offset, "out of memory");
    if (sl_reader_read(s->r, s->buf + s->len, n) != n)
        return fail(s, s->r->offset, "truncated zstd frame");
    s->len += n;
    return 0;
}

static void hand_over(sl_zscan *s, sl_zitem *it, int kind)
{
    it->kind = kind;
    it->data = s->buf;
    it->len = s->len;
    s->buf = NULL;
    s->len = s->cap = 0;
}

static int check_seek_table(sl_zscan *s, const uint8_t *content, size_t n, uint64_t at)
{
    sl_seektable t = {0};
    int rc = sl_seektable_parse(content, n, &t, s->err, sizeof s->err);
    if (rc == 0 && t.n != s->seen.n) {
        snprintf(s->err, sizeof s->err, "seek table lists %zu frames but %zu precede it (at offset %llu)", t.n,
                 s->seen.n, (unsigned long long)at);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < t.n; i++) {
        const sl_seek_entry *a = &t.e[i], *b = &s->seen.e[i];
        if (a->csize != b->csize || (b->dsize_known && a->dsize != b->dsize) ||
            (t.checksums && b->has_check && a->check != b->check)) {
            snprintf(s->err, sizeof s->err, "seek table entry %zu does not match frame %zu (at offset %llu)", i, i,
                     (unsigned long long)at);
            rc = -1;
        }
    }
    sl_seektable_free(&t);
    s->seen.n = 0;
    s->tables++;
    return rc;
}

static int skippable(sl_zscan *s, const uint8_t *p, uint64_t at)
{
    uint32_t magic = sl_le32(p), size = sl_le32(p + 4);
    sl_reader_skip(s->r, 8);
    if (magic != SL_SKIPPABLE_MAGIC_SEEK || size > SKIPPABLE_KEEP_MAX) {
        uint8_t junk[4096];
        for (uint64_t left = size; left;) {
            size_t k = left < sizeof junk ? (size_t)left : sizeof junk;
            if (sl_reader_read(s->r, junk, k) != k)
                return fail(s, s->r->offset, "truncated skippable frame");
            left -= k;
        }
        return 0;
    }
    s->len = 0;
    if (take(s, size))
        return -1;
    int rc = sl_seektable_is(s->buf, size) ? check_seek_table(s, s->buf, size, at) : 0;
    s->len = 0;
    return rc;
}

static int frame_header(sl_zscan *s, const uint8_t *p, size_t have, uint64_t at)
{
    if (have < 5)
        return fail(s, at, "truncated zstd frame header");
    uint8_t fhd = p[4];
    int fcs_flag = fhd >> 6, single = fhd >> 5 & 1, dict = fhd & 3;
    static const int dict_size[4] = {0, 1, 2, 4}, fcs_size[4] = {0, 2, 4, 8};
    if (fhd & 0x08)
        return fail(s, at, "reserved bit set in zstd frame header");
    size_t fcs_len = (size_t)(fcs_flag == 0 && single ? 1 : fcs_size[fcs_flag]);
    size_t hdr = 5 + (size_t)!single + (size_t)dict_size[dict] + fcs_len;
    if (have < hdr)
        return fail(s, at, "truncated zstd frame header");
    uint64_t fcs = 0;
    for (size_t i = 0; i < fcs_len; i++)
        fcs |= (uint64_t)p[hdr - fcs_len + i] << (8 * i);
    s->dict_id = 0; /* after the descriptor and the window byte, before the content size */
    for (int i = 0; i < dict_size[dict]; i++)
        s->dict_id |= (uint32_t)p[5 + !single + i] << (8 * i);
    if (fcs_len == 2)
        fcs += 256;
    s->content_known = fcs_len > 0;
    s->content_size = fcs;
    s->has_check = fhd >> 2 & 1;
    s->streamed = !s->content_known || fcs > s->frame_max;
    s->in_frame = 1;
    s->last_block = 0;
    s->block_left = 0;
    s->first_piece = 1;
    s->frame_start = at;
    s->len = 0;
    /* A whole frame is at most its content plus 3 bytes per 128 KiB
     * block (raw blocks) and a little: reserve that once rather than
     * doubling into twice the memory. */
    size_t want = s->streamed ? s->piece + BLOCK_MAX : hdr + (size_t)fcs + (size_t)(fcs >> 10) + 64;
    if (reserve(s, want))
        return fail(s, at, "out of memory");
    return take(s, hdr);
}

/* Starts the next frame: 1 started, 0 end of stream, -1 error. */
static int start_frame(sl_zscan *s)
{
    for (;;) {
        const uint8_t *p;
        uint64_t at = s->r->offset;
        size_t have = sl_reader_peek(s->r, 18, &p);
        if (have == 0) {
            if (s->r->failed)
                return fail(s, at, "");
            if (!s->started && !s->raw_ok)
                return fail(s, at, "empty input: not a zstd stream");
            return 0;
        }
        uint32_t magic = have >= 4 ? sl_le32(p) : 0;
        int first = !s->started;
        s->started = 1;
        if (have >= 4 && magic == ZSTD_MAGIC)
            return frame_header(s, p, have, at) ? -1 : 1;
        if (have >= 8 && (magic & 0xFFFFFFF0u) == 0x184D2A50u) {
            if (skippable(s, p, at))
                return -1;
            continue;
        }
        if (first && s->raw_ok) {
            s->raw = 1;
            return 0;
        }
        if (have < 8 && (magic & 0xFFFFFFF0u) == 0x184D2A50u)
            return fail(s, at, "truncated skippable frame");
        return fail(s, at, first ? "not a zstd stream" : "trailing data that is not a zstd frame");
    }
}

static int log_frame(sl_zscan *s, const sl_seek_entry *e, uint64_t csize)
{
    if (s->log_n == s->log_cap) {
        size_t cap = s->log_cap ? s->log_cap * 2 : 64;
        sl_zscan_frame *p = realloc(s->log, cap * sizeof *p);
        if (!p)
            return -1;
        s->log = p;
        s->log_cap = cap;
    }
    s->log[s->log_n++] = (sl_zscan_frame){s->frame_start, csize, s->content_size, e->check, s->content_known,
                                          s->has_check};
    return 0;
}

static int record_frame(sl_zscan *s)
{
    sl_seek_entry e = {(uint32_t)(s->r->offset - s->frame_start), (uint32_t)s->content_size, 0, s->content_known,
                       s->has_check};
    if (s->has_check)
        e.check = sl_le32(s->buf + s->len - 4);
    s->frames++;
    if (s->r->offset - s->frame_start > UINT32_MAX)
        e.csize = UINT32_MAX; /* cannot match a table entry; tables cannot describe it either */
    if (s->keep_log && log_frame(s, &e, s->r->offset - s->frame_start))
        return fail(s, s->r->offset, "out of memory");
    return sl_seektable_add(&s->seen, &e) ? fail(s, s->r->offset, "out of memory") : 0;
}

/* Walks blocks until the frame ends or (streamed) a piece is full:
 * 1 if the frame ended, 0 if a piece is ready, -1 on error. */
static int walk_blocks(sl_zscan *s)
{
    size_t whole_max = s->frame_max + s->frame_max / 4 + 65536;
    for (;;) {
        if (s->block_left) {
            size_t k = s->block_left;
            if (s->streamed && k > s->piece)
                k = s->piece;
            if (take(s, k))
                return -1;
            s->block_left -= k;
        } else if (!s->last_block) {
            uint64_t at = s->r->offset;
            if (take(s, 3))
                return -1;
            const uint8_t *h = s->buf + s->len - 3;
            uint32_t bh = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16;
            uint32_t type = bh >> 1 & 3, size = bh >> 3;
            if (type == 3)
                return fail(s, at, "reserved zstd block type");
            if (size > BLOCK_MAX)
                return fail(s, at, "zstd block larger than 128 KiB");
            s->last_block = bh & 1;
            s->block_left = type == 1 ? 1 : size;
        } else {
            if (s->has_check && take(s, 4))
                return -1;
            s->in_frame = 0;
            return record_frame(s) ? -1 : 1;
        }
        if (!s->streamed && s->len > whole_max)
            return fail(s, s->frame_start, "zstd frame larger than its declared content size allows");
        /* A full piece goes out, unless the frame has just ended: then
         * the end (and checksum) joins this piece, so that no piece of
         * the frame is ever empty. */
        if (s->streamed && s->len >= s->piece && !(s->last_block && !s->block_left))
            return 0;
    }
}

static int next_raw(sl_zscan *s, sl_zitem *it)
{
    s->len = 0;
    if (reserve(s, s->piece))
        return fail(s, s->r->offset, "out of memory");
    it->offset = s->r->offset;
    s->len = sl_reader_read(s->r, s->buf, s->piece);
    if (s->r->failed)
        return fail(s, s->r->offset, "");
    if (!s->len)
        return 0;
    hand_over(s, it, SL_ZITEM_RAW);
    return 1;
}

int sl_zscan_next(sl_zscan *s, sl_zitem *it)
{
    memset(it, 0, sizeof *it);
    if (s->raw)
        return next_raw(s, it);
    if (!s->in_frame) {
        int rc = start_frame(s);
        if (rc <= 0)
            return rc < 0 ? -1 : s->raw ? next_raw(s, it) : 0;
    }
    uint64_t at = s->r->offset - s->len;
    int ended = walk_blocks(s);
    if (ended < 0)
        return -1;
    it->offset = s->streamed ? at : s->frame_start;
    it->content_size = s->content_size;
    it->dict_id = s->dict_id;
    if (!s->streamed) {
        hand_over(s, it, SL_ZITEM_FRAME);
        return 1;
    }
    it->first = s->first_piece;
    it->last = ended;
    s->first_piece = 0;
    hand_over(s, it, SL_ZITEM_PIECE);
    return 1;
}
