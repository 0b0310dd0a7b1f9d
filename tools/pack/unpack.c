/*
 * unpack.c - `sluice unpack`: decrypt and decompress in parallel.
 *
 * The input is recognised by its first bytes: an age header (binary or
 * armored) or a zstd / skippable frame.  For age, a first pipeline reads
 * 16-chunk ciphertext segments, opens them on N workers (each chunk's
 * nonce follows from its position) and passes the plaintext in order over
 * a link.  The frame scanner cuts that plaintext (or an unencrypted input
 * directly) into frames for the second pipeline, whose workers decompress
 * whole frames in parallel and whose ordered sink writes them, or runs a
 * streaming decompressor itself for a frame over 4 MiB (one thread,
 * as zstd would).  Nothing reaches the output before it authenticated and
 * its zstd checksum matched, except inside such a streamed frame.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* ZSTD_DCtx_setMaxWindowSize and ZSTD_getFrameHeader (what --memory and
 * its error message need) are in zstd's "experimental" section, exported
 * by the shared library all the same. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include "ageheader.h"
#include "foreign.h"
#include "args.h"
#include "armor.h"
#include "block.h"
#include "link.h"
#include "session.h"
#include "stream.h"
#include "unpack_range.h"
#include "zscan.h"

#define SEG_CHUNKS SL_STREAM_SEGMENT_CHUNKS
#define SEG_CT ((size_t)SEG_CHUNKS * SL_STREAM_CT_CHUNK)
/* Whole frames up to this content size go to the workers, in parallel;
 * bigger ones stream through the sink's one decoder in PIECEs, as zstd -d
 * decodes every frame.  Pack's own frames are this size unless --chunk
 * said otherwise; zstd writes one frame per file it reads (declaring up
 * to the whole file), and a cat of such files has many.  Held whole, in
 * and out, 2 * depth + workers at a time, 64 MiB frames of `zstd` took
 * 535 MB where zstd -d takes a few: at this size unpack's memory stays
 * within docs/formats/pack.md's bound, whoever wrote the file. */
#define FRAME_MAX SL_PACK_DEFAULT_CHUNK
/* Streamed frames and raw data move in pieces of this size.  They only
 * pass through the workers, but 2 * depth + workers of them are in flight
 * all the same: 1 MiB pieces took 80 MiB of RSS at -j 32, these 21 MiB,
 * at the same speed. */
#define PIECE ((size_t)256 << 10)
/* Readers under the frame scanner keep a buffer smaller than a full zstd
 * block (128 KiB), so whole blocks are read straight into the frame's
 * buffer, one copy instead of two. */
#define READ_BUF ((size_t)64 << 10)
/* Small frames go to the workers together, in batches of up to BATCH of
 * compressed or decompressed bytes: handed over one by one, a stream of
 * tiny frames (100,000 one-byte frames from zstd) spent its time passing
 * each frame between threads, waiting for a scheduler slot at every
 * step under load, and took 3-7x the wall time of zstd -d. */
#define BATCH ((size_t)1 << 20)
#define BATCH_FRAME_MAX ((size_t)256 << 10) /* a frame no bigger (either way) may join a batch */
/* Two kinds of batch block, frames each after a batch_rec: frames that
 * declare their size, which a worker decodes, and whole frames that do
 * not (zstd writes them when it reads a pipe), which could decode to any
 * size and so stream through the sink's decoder, as one piece each. */
enum { ITEM_BATCH = SL_ZITEM_RAW + 1, ITEM_STREAM_BATCH };
typedef struct batch_rec {
    uint64_t offset, len, content; /* the frame's offset in the stream, its bytes, its content size */
} batch_rec;
#define BATCH_CAP (BATCH + BATCH_FRAME_MAX + sizeof(batch_rec))

typedef struct unpack_job {
    sl_pack_session s; /* flags, input, output, errors, progress */
    sl_reader file, armored, plain;
    sl_armor_in armor;
    sl_reader *age_src; /* where the age header and payload come from */
    int is_age;
    size_t workers;
    /* age */
    uint8_t *payload_key;
    uint64_t next_seg;
    int seg_done;
    sl_link link;
    sl_block *cur; /* decrypted segment being read by the scanner */
    size_t cur_pos;
    /* zstd */
    sl_zscan scan;
    sl_zitem pending; /* a frame read to end a batch, to go out next */
    int has_pending;
    int scan_failed; /* the scanner failed after a batch it ended went out */
    ZSTD_DCtx **dctx;
    ZSTD_DCtx *stream_dctx;
    uint8_t *stream_out;
    size_t stream_fill; /* output in stream_out not yet written (see flush_stream) */
    size_t stream_keep; /* of it, what came before the frame being decoded (see stream_batch) */
    uint64_t frames;
    /* Output to a regular file: workers write whole frames in place with
     * pwrite, in parallel, for as long as every frame before has a known
     * size; the sink writes the rest at its own offset. */
    int in_place;     /* the output is a regular file */
    int sizes_known;  /* every item so far was a whole frame: out_next is exact */
    uint64_t out_next; /* where the next item's output starts (source side) */
    uint64_t sink_at;  /* the end of the output so far, in order (sink side) */
    uint64_t synced;   /* output handed to writeback so far */
} unpack_job;

/* The sink's own writes, at sink_at: into a regular file with pwrite
 * beside the frames the workers placed (zero blocks left as holes, see
 * sl_session_pwrite), else through stdio. */
static int write_out(unpack_job *j, const uint8_t *p, size_t n)
{
    uint64_t at = j->sink_at;
    j->sink_at += n;
    if (!j->in_place)
        return sl_session_write(&j->s, p, n);
    sl_metrics_progress(j->s.progress, 0, n);
    return n ? sl_session_pwrite(&j->s, p, n, at) : 0;
}

/* ---- pipeline A: age payload segments ---- */

static int segment_source(void *ctx, void **item, size_t *bytes)
{
    unpack_job *j = ctx;
    if (j->seg_done)
        return 0;
    sl_block *b = sl_block_new(SEG_CT);
    if (!b)
        return sl_session_nomem(&j->s);
    b->offset = j->age_src->offset;
    b->len = sl_reader_read(j->age_src, b->data, SEG_CT);
    const uint8_t *p;
    b->last = b->len < SEG_CT || sl_reader_peek(j->age_src, 1, &p) == 0;
    if (j->age_src->failed) {
        sl_block_free(b);
        return sl_fail_set(&j->s.fail, "%s: %s", j->s.in_name, j->age_src->err);
    }
    if (b->len == 0) {
        sl_block_free(b);
        return sl_fail_set(&j->s.fail, "%s: truncated: the age payload has no chunks", j->s.in_name);
    }
    b->index = j->next_seg++;
    j->seg_done = b->last;
    *item = b;
    *bytes = b->len;
    return 1;
}

static int open_failed(unpack_job *j, const sl_block *s, uint64_t bad)
{
    uint64_t first = s->index * SEG_CHUNKS, k = bad - first;
    uint64_t at = s->offset + k * SL_STREAM_CT_CHUNK;
    size_t len = s->len - (size_t)(k * SL_STREAM_CT_CHUNK);
    if (len > SL_STREAM_CT_CHUNK)
        len = SL_STREAM_CT_CHUNK;
    int final = s->last && (k + 1) * SL_STREAM_CT_CHUNK >= s->len;
    if (final && len == SL_STREAM_CT_CHUNK && sl_stream_opens_as_middle(s->data + k * SL_STREAM_CT_CHUNK, len, bad, j->payload_key))
        return sl_fail_set(&j->s.fail, "%s: truncated: the age payload ends after chunk %llu, which is not the last one",
                           j->s.in_name, (unsigned long long)bad);
    /* at: where the chunk starts in the file, or in armor's decoded bytes */
    return sl_fail_set(&j->s.fail,
                       "%s: age payload chunk %llu (at offset %llu%s) failed to authenticate: "
                       "the file is %scorrupted or was modified",
                       j->s.in_name, (unsigned long long)bad, (unsigned long long)at,
                       j->age_src == &j->armored ? " of the dearmored file" : "", final ? "truncated, " : "");
}

static int open_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)worker;
    unpack_job *j = ctx;
    sl_block *s = in;
    sl_block *p = sl_block_new(s->len);
    if (!p) {
        sl_block_free(s);
        return sl_session_nomem(&j->s);
    }
    uint64_t bad;
    long n = sl_stream_open(p->data, s->data, s->len, s->index * SEG_CHUNKS, s->last, j->payload_key, &bad);
    if (n < 0) {
        open_failed(j, s, bad);
        sl_block_free(s);
        sl_block_free(p);
        return -1;
    }
    p->len = (size_t)n;
    p->index = s->index;
    sl_block_free(s);
    *out = p;
    *bytes = p->len;
    return 0;
}

static int plain_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    unpack_job *j = ctx;
    if (sl_link_send(&j->link, item) != SL_OK) {
        sl_block_free(item);
        return -1; /* downstream stopped; its error is recorded */
    }
    return 0;
}

/* The scanner's fill function for age input: decrypted segments, in order. */
static ssize_t fill_from_link(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    unpack_job *j = ctx;
    while (!j->cur || j->cur_pos == j->cur->len) {
        sl_block_free(j->cur);
        j->cur = NULL;
        void *item;
        int rc = sl_link_recv(&j->link, &item);
        if (rc == 0)
            return 0;
        if (rc != 1) {
            snprintf(err, errlen, "decryption failed");
            return -1;
        }
        j->cur = item;
        j->cur_pos = 0;
    }
    size_t n = j->cur->len - j->cur_pos < cap ? j->cur->len - j->cur_pos : cap;
    memcpy(buf, j->cur->data + j->cur_pos, n);
    j->cur_pos += n;
    return (ssize_t)n;
}

/* ---- pipeline B: frames ---- */

/* The scanner's next item: 1, 0 at the end, -1 (recorded) on error. */
static int next_item(unpack_job *j, sl_zitem *it)
{
    if (j->has_pending) {
        *it = j->pending;
        j->has_pending = 0;
        return 1;
    }
    int rc = sl_zscan_next(&j->scan, it);
    if (rc < 0)
        return sl_fail_set(&j->s.fail, "%s: %s%s", j->s.in_name, j->is_age ? "decrypted payload: " : "", j->scan.err);
    if (rc == 1 && it->dict_id) {
        /* zstd would say only "Dictionary mismatch": say which one, and
         * that the way to read it is zstd with that dictionary. */
        sl_block_zscan_release(NULL, it->data);
        return sl_fail_set(&j->s.fail,
                           "%s: %szstd frame at offset %llu was compressed with a zstd dictionary (ID %lu), which "
                           "sluice does not support: decompress it with zstd -d -D DICTIONARY",
                           j->s.in_name, j->is_age ? "decrypted payload: " : "", (unsigned long long)it->offset,
                           (unsigned long)it->dict_id);
    }
    return rc;
}

/* The kind of batch `it` may join, or 0. */
static int batch_kind(const sl_zitem *it)
{
    if (it->len > BATCH_FRAME_MAX)
        return 0;
    if (it->kind == SL_ZITEM_FRAME && it->content_size <= BATCH_FRAME_MAX)
        return ITEM_BATCH;
    return it->kind == SL_ZITEM_PIECE && it->first && it->last ? ITEM_STREAM_BATCH : 0;
}

/* Whether reading on may wait for a writer (a pipe whose bytes so far
 * are all taken): frames that are ready then go out rather than wait in
 * a batch for bytes that may be long in coming. */
static int input_may_wait(const unpack_job *j)
{
    return j->s.in_size == 0 && j->scan.r->pos == j->scan.r->len;
}

/* Frames from `it` on, while they are small, joined into one block. */
static sl_block *batch(unpack_job *j, sl_zitem *it)
{
    sl_block *b = sl_block_new(BATCH_CAP);
    if (!b) {
        sl_block_zscan_release(NULL, it->data);
        sl_session_nomem(&j->s);
        return NULL;
    }
    b->kind = batch_kind(it);
    b->offset = it->offset;
    for (;;) {
        batch_rec r = {it->offset, it->len, it->content_size};
        memcpy(b->data + b->len, &r, sizeof r);
        memcpy(b->data + b->len + sizeof r, it->data, it->len);
        b->len += sizeof r + it->len;
        b->raw_len += it->content_size;
        sl_block_zscan_release(NULL, it->data);
        if (b->len >= BATCH || b->raw_len >= BATCH || input_may_wait(j))
            return b;
        int rc = next_item(j, it);
        if (rc < 0)
            j->scan_failed = 1; /* the frames before the error go out first, as they would one by one */
        if (rc <= 0)
            return b;
        if (batch_kind(it) != b->kind) {
            j->pending = *it;
            j->has_pending = 1;
            return b;
        }
    }
}

static int frame_source(void *ctx, void **item, size_t *bytes)
{
    unpack_job *j = ctx;
    sl_zitem it;
    int rc = j->scan_failed ? -1 : next_item(j, &it);
    if (rc <= 0)
        return rc;
    sl_block *b;
    if (batch_kind(&it)) {
        if (!(b = batch(j, &it)))
            return -1;
    } else {
        b = sl_block_of(it.data); /* the scanner's buffers are blocks: see run_frames */
        b->len = it.len;
        b->kind = it.kind;
        b->offset = it.offset;
        b->raw_len = it.content_size;
        b->first = it.first;
        b->last = it.last;
    }
    b->index = j->frames++;
    j->sizes_known = j->sizes_known && (b->kind == SL_ZITEM_FRAME || b->kind == ITEM_BATCH);
    b->placed_ok = j->in_place && j->sizes_known;
    b->out_at = j->out_next;
    j->out_next += b->raw_len;
    *item = b;
    *bytes = b->len;
    return 1;
}

static int frame_error(unpack_job *j, uint64_t offset, const char *what)
{
    return sl_fail_set(&j->s.fail, "%s: %szstd frame at offset %llu: %s", j->s.in_name, j->is_age ? "decrypted payload: " : "",
                       (unsigned long long)offset, what);
}

/* One whole frame, src[0..len), into exactly `content` bytes at dst:
 * NULL, or what is wrong with it. */
static const char *decode_frame(ZSTD_DCtx *dctx, uint8_t *dst, const uint8_t *src, size_t len, uint64_t content)
{
    size_t n = ZSTD_decompressDCtx(dctx, dst, (size_t)content, src, len);
    if (ZSTD_isError(n))
        return ZSTD_getErrorName(n);
    if (n != content)
        return "content size does not match the frame header";
    return NULL;
}

/* A batch's frames one after the other into d (f->raw_len bytes of
 * room); d->len: the bytes of the frames that decoded, up to the first
 * that did not, whose fault goes in d->err. */
static void decode_batch(ZSTD_DCtx *dctx, sl_block *d, const sl_block *f)
{
    for (size_t at = 0; at < f->len;) {
        batch_rec r;
        memcpy(&r, f->data + at, sizeof r);
        at += sizeof r;
        if ((d->err = decode_frame(dctx, d->data + d->len, f->data + at, (size_t)r.len, r.content))) {
            d->err_offset = r.offset;
            return;
        }
        at += (size_t)r.len;
        d->len += (size_t)r.content;
    }
}

/* A frame that fails to decode does not stop the pipeline here: its block
 * goes on to the sink with the frames before it in the batch, so that
 * everything before the fault is written, in order, before the error is
 * reported, as zstd -d does; stopping here would drop every block still
 * waiting for its turn in the sink. */
static int decompress_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    unpack_job *j = ctx;
    sl_block *f = in;
    if (f->kind != SL_ZITEM_FRAME && f->kind != ITEM_BATCH) { /* streamed frames and raw data: the sink's job */
        *out = f;
        *bytes = f->len;
        return 0;
    }
    if (!j->dctx[worker] && !(j->dctx[worker] = ZSTD_createDCtx())) {
        sl_block_free(f);
        return sl_session_nomem(&j->s);
    }
    sl_block *d = sl_block_new((size_t)f->raw_len);
    if (!d) {
        sl_block_free(f);
        return sl_session_nomem(&j->s);
    }
    if (f->kind == ITEM_BATCH) {
        decode_batch(j->dctx[worker], d, f);
    } else if ((d->err = decode_frame(j->dctx[worker], d->data, f->data, f->len, f->raw_len))) {
        d->err_offset = f->offset;
    } else {
        d->len = (size_t)f->raw_len;
    }
    d->kind = SL_ZITEM_FRAME;
    d->placed_ok = f->placed_ok;
    d->out_at = f->out_at;
    sl_block_free(f);
    int rc = 0;
    if (!d->err && d->placed_ok) /* a worker writes a verified frame where it belongs */
        rc = sl_session_pwrite(&j->s, d->data, d->len, d->out_at);
    d->placed = rc == 0 && d->placed_ok && !d->err;
    if (rc) {
        sl_block_free(d);
        return rc;
    }
    *out = d;
    *bytes = d->len;
    return 0;
}

/* "256 MiB", "96 KiB" or "1000 bytes" */
static const char *size_text(char *buf, size_t cap, unsigned long long n)
{
    if (n && n % (1u << 20) == 0)
        snprintf(buf, cap, "%llu MiB", n >> 20);
    else if (n && n % 1024 == 0)
        snprintf(buf, cap, "%llu KiB", n >> 10);
    else
        snprintf(buf, cap, "%llu bytes", n);
    return buf;
}

/* A streamed frame needs a bigger window than --memory / --long allow:
 * say how big, and which flag takes it, as zstd -d does. */
static int window_error(unpack_job *j, const uint8_t *p, size_t n, uint64_t offset, int first)
{
    ZSTD_frameHeader h;
    char what[200], need[32], have[32];
    size_text(have, sizeof have, j->s.o.max_window);
    if (first && ZSTD_getFrameHeader(&h, p, n) == 0) {
        unsigned wlog = 10;
        while (wlog < 63 && ((unsigned long long)1 << wlog) < h.windowSize)
            wlog++;
        unsigned long long k = (h.windowSize + 1023) / 1024;
        snprintf(what, sizeof what, "needs a %s window, over the limit of %s: use --long=%u or --memory=%llu%s",
                 size_text(need, sizeof need, h.windowSize), have, wlog, k % 1024 ? k : k / 1024, k % 1024 ? "K" : "M");
    } else {
        snprintf(what, sizeof what, "needs a window over the limit of %s: use --long or --memory", have);
    }
    return frame_error(j, offset, what);
}

/* Writes what the streaming decoder has put out so far. */
static int flush_stream(unpack_job *j)
{
    size_t n = j->stream_fill;
    j->stream_fill = j->stream_keep = 0;
    return write_out(j, j->stream_out, n);
}

/* A piece of a frame, p[0..n) from `offset` in the stream, through the
 * sink's streaming decoder; first / last: the frame's first / last.  Its
 * output is written whenever the buffer fills, the rest by the caller's
 * flush_stream: a batch of small frames makes one write, not one each. */
static int stream_piece(unpack_job *j, const uint8_t *p, size_t n, uint64_t offset, int first, int last)
{
    if (!j->stream_dctx) {
        j->stream_dctx = ZSTD_createDCtx();
        j->stream_out = malloc(ZSTD_DStreamOutSize());
        if (!j->stream_dctx || !j->stream_out ||
            ZSTD_isError(ZSTD_DCtx_setMaxWindowSize(j->stream_dctx, j->s.o.max_window)))
            return sl_session_nomem(&j->s);
    }
    if (first)
        ZSTD_DCtx_reset(j->stream_dctx, ZSTD_reset_session_only);
    ZSTD_inBuffer in = {p, n, 0};
    size_t ret;
    /* The decoder returns 0 exactly once, when the frame is complete; the
     * loop must stop there.  Calling it again with no input left would
     * start reading a next frame and return a non-zero hint, which is how
     * a frame whose output exactly filled the buffer (any multiple of
     * 128 KiB) used to be taken for a truncated one. */
    do {
        ZSTD_outBuffer out = {j->stream_out, ZSTD_DStreamOutSize(), j->stream_fill};
        ret = ZSTD_decompressStream(j->stream_dctx, &out, &in);
        if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge)
            return window_error(j, p, n, offset, first);
        if (ZSTD_isError(ret))
            return frame_error(j, offset, ZSTD_getErrorName(ret));
        j->stream_fill = out.pos;
        if (out.pos == out.size && flush_stream(j))
            return -1;
        if (in.pos == in.size && out.pos < out.size)
            break; /* everything given is decoded: wait for the next piece */
    } while (ret != 0);
    if (ret == 0 && (!last || in.pos != in.size))
        return frame_error(j, offset, "the frame's data ends before its last block");
    if (last && ret != 0)
        return frame_error(j, offset, "frame ends early");
    return 0;
}

/* On a fault, the frames of the batch before the bad one are written,
 * and none of the bad one's output that is still in the buffer: what
 * ends in an error is a verified prefix, as zstd -d leaves it. */
static int stream_batch(unpack_job *j, const sl_block *b)
{
    for (size_t at = 0; at < b->len;) {
        batch_rec r;
        memcpy(&r, b->data + at, sizeof r);
        at += sizeof r;
        j->stream_keep = j->stream_fill;
        if (stream_piece(j, b->data + at, (size_t)r.len, r.offset, 1, 1)) {
            j->stream_fill = j->stream_keep;
            flush_stream(j);
            return -1;
        }
        at += (size_t)r.len;
    }
    return flush_stream(j);
}

/* A placed frame is already in the file: the sink only counts it. */
static int account_placed(unpack_job *j, const sl_block *b)
{
    j->sink_at += b->len;
    sl_metrics_progress(j->s.progress, 0, b->len);
    return 0;
}

/* A block with a frame that failed to decode (see decompress_work): the
 * frames before it are verified and go out first, unless the output is
 * a file written in place, which a failure discards whole anyway. */
static int write_failed(unpack_job *j, const sl_block *b)
{
    if (!b->placed_ok)
        write_out(j, b->data, b->len);
    return frame_error(j, b->err_offset, b->err);
}

static int output_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    unpack_job *j = ctx;
    sl_block *b = item;
    int rc = b->err                        ? write_failed(j, b)
             : b->placed                    ? account_placed(j, b)
             : b->kind == SL_ZITEM_PIECE    ? stream_piece(j, b->data, b->len, b->offset, b->first, b->last) ||
                                               flush_stream(j)
             : b->kind == ITEM_STREAM_BATCH ? stream_batch(j, b)
                                            : write_out(j, b->data, b->len);
    if (rc == 0)
        sl_session_writeback(&j->s, j->sink_at, &j->synced);
    sl_metrics_progress(j->s.progress, 1, 0);
    sl_block_free(b);
    return rc;
}

/* ---- setup ---- */

static int read_age_header(unpack_job *j)
{
    sl_age_header h;
    char err[512];
    if (sl_age_header_parse(j->age_src, &h, err, sizeof err)) {
        sl_age_header_free(&h);
        return sl_fail_set(&j->s.fail, "%s: %s", j->s.in_name, err);
    }
    if (sl_age_is_scrypt(&h) && !j->s.o.pass.p && !j->s.o.identities.n &&
        sl_pass_from_tty(&j->s.o.pass, 0, err, sizeof err)) {
        sl_age_header_free(&h);
        return sl_fail_set(&j->s.fail, "%s: %s", j->s.in_name, err);
    }
    uint8_t *file_key = sodium_malloc(16);
    j->payload_key = sodium_malloc(32);
    if (!file_key || !j->payload_key) {
        sl_age_header_free(&h);
        return sl_session_nomem(&j->s);
    }
    int rc = sl_age_unwrap(&h, &j->s.o.identities, j->s.o.pass.p, j->s.o.pass.len, j->s.o.max_log_n, file_key, err,
                           sizeof err);
    sl_age_header_free(&h);
    if (rc) {
        sodium_free(file_key);
        return sl_fail_set(&j->s.fail, "%s: %s", j->s.in_name, err);
    }
    uint8_t nonce[16];
    if (sl_reader_read(j->age_src, nonce, 16) != 16) {
        sodium_free(file_key);
        return sl_fail_set(&j->s.fail, "%s: truncated: no payload after the age header", j->s.in_name);
    }
    sl_age_payload_key(j->payload_key, file_key, nonce);
    sodium_free(file_key);
    return 0;
}

static int decompress_frames(unpack_job *j)
{
    static const sl_pipeline_ops ops = {frame_source, decompress_work, output_sink, sl_block_drop};
    j->dctx = calloc(j->workers, sizeof *j->dctx);
    sl_pipeline *p = j->dctx ? sl_session_pipeline(&j->s, &ops, j, j->s.m[j->is_age ? 1 : 0], 1) : NULL;
    int rc = p ? sl_pipeline_run(p) : sl_session_threads_failed(&j->s);
    sl_pipeline_free(p);
    if (j->has_pending) /* the run stopped before it went out */
        sl_block_zscan_release(NULL, j->pending.data);
    j->has_pending = 0;
    for (size_t i = 0; j->dctx && i < j->workers; i++)
        ZSTD_freeDCtx(j->dctx[i]);
    free(j->dctx);
    ZSTD_freeDCtx(j->stream_dctx);
    free(j->stream_out);
    return rc;
}

/* --list of a stream without a seek table: walk its frames, decompress
 * nothing, print what the scanner saw. */
static int walk_frames(unpack_job *j)
{
    sl_zitem it;
    int rc;
    j->scan.keep_log = 1;
    while ((rc = sl_zscan_next(&j->scan, &it)) == 1)
        sl_block_zscan_release(NULL, it.data);
    if (rc < 0)
        return sl_fail_set(&j->s.fail, "%s: %s%s", j->s.in_name, j->is_age ? "decrypted payload: " : "", j->scan.err);
    sl_unpack_list_scanned(&j->s, &j->scan, j->is_age);
    return 0;
}

static int run_frames(unpack_job *j, sl_reader *src)
{
    sl_zscan_init(&j->scan, src, FRAME_MAX, PIECE, j->is_age);
    j->scan.mem = (sl_zscan_mem){sl_block_zscan_grow, sl_block_zscan_release, NULL};
    int rc = j->s.o.list ? walk_frames(j) : decompress_frames(j);
    sl_zscan_free(&j->scan);
    return rc;
}

static int run_age(unpack_job *j)
{
    static const sl_pipeline_ops ops = {segment_source, open_work, plain_sink, sl_block_drop};
    if (read_age_header(j))
        return -1;
    sl_pipeline *pa = sl_session_pipeline(&j->s, &ops, j, j->s.m[0], 1);
    if (!pa || sl_reader_init(&j->plain, fill_from_link, j, READ_BUF) ||
        sl_link_start(&j->link, pa, 2, NULL, NULL, sl_block_drop_item)) {
        sl_pipeline_free(pa);
        return sl_session_threads_failed(&j->s);
    }
    int rc = run_frames(j, &j->plain);
    int up = sl_link_finish(&j->link, rc);
    sl_block_free(j->cur);
    j->cur = NULL;
    sl_pipeline_free(pa);
    return rc ? rc : up;
}

static int detect(unpack_job *j)
{
    const uint8_t *p;
    size_t n = sl_reader_peek(&j->file, 64, &p);
    if (j->file.failed)
        return sl_fail_set(&j->s.fail, "%s: %s", j->s.in_name, j->file.err);
    /* "age-encryption.org/" starts every version of age; the header
     * parser names a version it does not read.  A shorter prefix is a
     * truncated file. */
    size_t intro = strlen(SL_AGE_INTRO) - 3;
    if (n && !memcmp(p, SL_AGE_INTRO, n < intro ? n : intro)) {
        j->is_age = 1;
        j->age_src = &j->file;
        return 0;
    }
    if (sl_armor_detect(&j->file)) {
        j->is_age = 1;
        j->armor.src = &j->file;
        if (sl_reader_init(&j->armored, sl_armor_fill, &j->armor, READ_BUF))
            return sl_session_nomem(&j->s);
        j->age_src = &j->armored;
        return 0;
    }
    uint32_t magic = n >= 4 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
    if (magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u)
        return 0;
    n = sl_reader_peek(&j->file, SL_FOREIGN_PEEK, &p);
    const char *kind = n ? sl_foreign_format(p, n) : "it is empty";
    return sl_fail_set(&j->s.fail, "%s: not a zstd, age or sluice pack file%s%s%s", j->s.in_name, kind ? " (" : "",
                       kind ? kind : "", kind ? ")" : "");
}

/* The reader over the (open) input, and what the input is. */
static int start_reading(unpack_job *j)
{
    if (sl_reader_init(&j->file, sl_fill_fd, &j->s.in_fd, READ_BUF))
        return sl_session_nomem(&j->s);
    return detect(j);
}

static char *default_output(unpack_job *j)
{
    if (j->s.o.out)
        return strdup(j->s.o.out);
    if (!j->s.o.in || !strcmp(j->s.o.in, "-"))
        return strdup("-");
    /* .tzst is zstd's short .tar.zst: zstd -d names its output .tar */
    static const char *const exts[] = {".zst.age", ".age", ".zst", ".tzst", NULL};
    size_t n = strlen(j->s.o.in);
    for (int i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcmp(j->s.o.in + n - e, exts[i])) {
            char *out = NULL;
            if (strcmp(exts[i], ".tzst"))
                out = strndup(j->s.o.in, n - e);
            else if ((out = malloc(n)) != NULL)
                snprintf(out, n, "%.*s.tar", (int)(n - e), j->s.o.in); /* 1 byte shorter: n with its NUL */
            return out;
        }
    }
    sl_fail_set(&j->s.fail, "%s: cannot name the output (no .zst.age, .age, .zst or .tzst suffix): use -o",
                j->s.in_name);
    return NULL;
}

/* --list: from the seek table at the end if there is one, else by
 * walking the stream (which a pipe, or zstd's own output, needs). */
static int list(unpack_job *j)
{
    int rc = sl_session_open_input(&j->s) ? -1 : sl_unpack_list_table(&j->s);
    if (rc <= 0)
        return rc;
    if (start_reading(j))
        return -1;
    return j->is_age ? run_age(j) : run_frames(j, &j->file);
}

static int unpack(unpack_job *j)
{
    if (j->s.o.range)
        return sl_unpack_range(&j->s);
    if (j->s.o.list)
        return sl_session_finish(&j->s, list(j));
    char *out = NULL;
    if (sl_session_open_input(&j->s) || (!j->s.o.test && !(out = default_output(j))))
        return -1;
    /* A file with a seek table (what sluice pack writes) goes frame by
     * frame through the seekable reader, in parallel; the rest streams. */
    int rc = sl_unpack_seekable(&j->s, out);
    if (rc <= 0)
        return rc;
    if (start_reading(j)) {
        free(out); /* still ours: the session owns it once open_output has it */
        return -1;
    }
    if (out && sl_session_open_output(&j->s, out))
        return -1;
    j->in_place = j->s.writing && !sl_outfile_is_stream(&j->s.out);
    j->sizes_known = 1;
    sl_session_progress(&j->s, j->s.o.test ? "test" : "unpack", 0);
    j->s.m_name[0] = j->is_age ? "decrypt" : "decompress";
    j->s.m_name[1] = "decompress";
    j->s.m_used = j->is_age ? 2 : 1;
    rc = j->is_age ? run_age(j) : run_frames(j, &j->file);
    return sl_session_finish(&j->s, rc);
}

int sl_unpack_main(int argc, char **argv)
{
    unpack_job j;
    memset(&j, 0, sizeof j);
    int rc = sl_session_begin(&j.s, "unpack", sl_unpack_opts_parse, argc, argv);
    if (rc >= 0)
        return rc;
    j.workers = j.s.o.workers;
    if (!j.s.fail.set)
        unpack(&j);
    if (j.payload_key)
        sodium_free(j.payload_key);
    sl_reader_free(&j.file);
    sl_reader_free(&j.armored);
    sl_reader_free(&j.plain);
    return sl_session_end(&j.s);
}
