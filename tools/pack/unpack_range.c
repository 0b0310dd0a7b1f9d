/*
 * unpack_range.c - unpack through the seekable reader: `--range`, `--list`,
 * and a whole file that has a seek table.
 *
 * All stand on sluice/packfile.h: the bytes wanted are cut at frame edges
 * into pieces that a pipeline's workers read through one shared handle
 * (each piece's chunks decrypted and authenticated, its frames
 * decompressed and verified), so a big range runs on every core; a range
 * of one piece (any random read) is read on the calling thread, touching
 * one or two frames and starting no thread.  To a regular file the bytes
 * go in place with pwrite as they decode (packfile_sink.h); otherwise the
 * ordered sink writes each verified piece.
 * A whole file read this way needs no frame scanner and no copy between
 * stages, which is where the streaming path spends its time.  --list
 * prints the seek table, or, for a stream without one, the frames the
 * scanner walked.
 */
#include "unpack_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "block.h"
#include "packfile_keys.h"
#include "packfile_sink.h"
#include "sluice/packfile.h"

#define PIECE_MAX ((uint64_t)4 << 20) /* frames are joined into pieces of up to this much */

typedef struct range_job {
    sl_pack_session *s;
    sl_packfile *pf;
    uint64_t at, end; /* what is left to hand out: [at, end) */
    size_t frame;     /* the frame that holds `at` */
    uint64_t start;   /* where the output begins in the original */
    int in_place;     /* workers write their pieces into the output file */
    uint64_t done, synced; /* sink: output so far, and handed to writeback */
    int64_t sink_ns;       /* run_direct: time spent writing */
} range_job;

/* The passphrase from the terminal, kept in the session (a later walk of
 * the same file must not ask again). */
static int ask_tty(void *ctx, const char **pass, size_t *len, char *err, size_t errlen)
{
    sl_pack_session *s = ctx;
    if (!s->o.pass.p && sl_pass_from_tty(&s->o.pass, 0, err, errlen))
        return -1;
    *pass = s->o.pass.p;
    *len = s->o.pass.len;
    return 0;
}

#define QUIET(code) (1u << -(code)) /* open_packfile: a failure the caller has another way around */

/* The input as a packfile: a status code, recorded unless `quiet` names it. */
static int open_packfile(sl_pack_session *s, sl_packfile **pf, unsigned quiet)
{
    sl_packfile_keys k = {&s->o.identities, s->o.pass.p, s->o.pass.len, s->o.max_log_n, ask_tty, s};
    char err[600];
    /* The reader takes the file from its first byte; standard input may
     * stand further on (`{ dd ...; sluice unpack; } < FILE`), and what
     * follows there is what to read: streamed whole, refused for --range
     * with that reason (it read the file from 0, and named the table). */
    off_t at = s->in_stdin ? lseek(0, 0, SEEK_CUR) : 0;
    int rc = SL_PACKFILE_ENOSEEK;
    if (at > 0)
        snprintf(err, sizeof err,
                 "%s: read from byte %lld on, not from its start: random access reads a file from its start "
                 "(give the file by name, or unpack it whole)",
                 s->in_name, (long long)at);
    else
        rc = sl__packfile_open_keys(pf, s->in_fd, s->in_name, &k, err, sizeof err);
    if (rc && !(quiet & QUIET(rc)))
        sl_fail_set(&s->fail, "%s", err);
    return rc;
}

/* ---- --range ---- */

/* The next piece: the range's part of whole frames, as many as fit in
 * PIECE_MAX (and at least one), so that a piece never splits a frame
 * that two workers would then both decompress. */
static int piece_source(void *ctx, void **item, size_t *bytes)
{
    range_job *r = ctx;
    if (r->at == r->end)
        return 0;
    uint64_t stop = r->at;
    while (stop < r->end) {
        sl_packfile_frame_info f;
        sl_packfile_frame(r->pf, r->frame, &f);
        uint64_t frame_end = f.offset + f.size, end = frame_end < r->end ? frame_end : r->end;
        if (stop > r->at && end - r->at > PIECE_MAX)
            break;
        stop = end;
        if (end < frame_end)
            break; /* the range ends inside this frame */
        r->frame++;
    }
    sl_block *b = sl_block_new((size_t)(stop - r->at));
    if (!b)
        return sl_session_nomem(r->s);
    b->offset = r->at;
    b->len = (size_t)(stop - r->at);
    r->at = stop;
    *item = b;
    *bytes = b->len;
    return 1;
}

/* In place: decoded bytes go into the output file as they come (the
 * file is linked into place only if the whole run succeeds). */
static int pwrite_sink(void *ctx, const uint8_t *p, size_t n, uint64_t at)
{
    range_job *r = ctx;
    return sl_session_pwrite(r->s, p, n, at - r->start);
}

static int piece_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)worker;
    range_job *r = ctx;
    sl_block *b = in;
    char err[600];
    int rc = sl__packfile_read_to(r->pf, b->offset, b->data, b->len, r->in_place ? pwrite_sink : NULL, r, err,
                                  sizeof err)
                 ? sl_fail_set(&r->s->fail, "%s", err)
                 : 0;
    if (rc) {
        sl_block_free(b);
        return rc;
    }
    *out = b;
    *bytes = b->len;
    return 0;
}

static int piece_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    range_job *r = ctx;
    sl_block *b = item;
    int rc = 0;
    if (r->in_place)
        sl_metrics_progress(r->s->progress, 0, b->len); /* already in the file */
    else
        rc = sl_session_write(r->s, b->data, b->len);
    sl_metrics_progress(r->s->progress, 1, 0);
    r->done += b->len;
    sl_block_free(b);
    if (rc == 0)
        sl_session_writeback(r->s, r->done, &r->synced);
    return rc;
}

/* The frame that holds original byte `at` (at < size). */
static size_t frame_of(const sl_packfile *pf, uint64_t at)
{
    size_t lo = 0, hi = sl_packfile_frames(pf);
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        sl_packfile_frame_info f;
        sl_packfile_frame(pf, mid, &f);
        if (f.offset <= at)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The pieces one after another on this thread, counted in the stages a
 * pipeline would have (for --stats): a range of several pieces with -j1,
 * where a pipeline's threads, channels and blocks in flight would buy
 * nothing. */
static int run_serial(range_job *r, sl_metrics *m)
{
    sl_stage *st[3] = {sl_metrics_stage(m, "source"), sl_metrics_stage(m, "work"), sl_metrics_stage(m, "sink")};
    for (;;) {
        void *piece, *done;
        size_t bytes;
        int64_t t0 = now_ns();
        int rc = piece_source(r, &piece, &bytes);
        int64_t t1 = now_ns();
        if (rc <= 0)
            return rc;
        if (piece_work(r, 0, piece, &done, &bytes))
            return -1;
        int64_t t2 = now_ns();
        rc = piece_sink(r, done, bytes);
        int64_t t3 = now_ns();
        for (int i = 0; i < 3; i++) {
            sl_stage_add(st[i], 1, bytes);
            sl_stage_busy(st[i], i == 0 ? t1 - t0 : i == 1 ? t2 - t1 : t3 - t2);
        }
        if (rc)
            return rc;
    }
}

/* run_direct's writer: a frame's part of the range, verified, straight
 * from the reader's frame buffer to the output. */
static int direct_sink(void *ctx, const uint8_t *p, size_t n, uint64_t at)
{
    range_job *r = ctx;
    int64_t t0 = now_ns();
    int rc = r->in_place ? sl_session_pwrite(r->s, p, n, at - r->start) : sl_session_write(r->s, p, n);
    if (r->in_place)
        sl_metrics_progress(r->s->progress, 0, n);
    r->done += n;
    r->sink_ns += now_ns() - t0;
    return rc;
}

/* A range of one piece - the usual random read - on this thread with no
 * buffer of its own: each frame's part goes to the output from the
 * reader's frame buffer.  A 1 MiB block here was 256 fresh pages, each
 * faulted in at its first touch (~25 us apiece in a virtual machine,
 * MADV_POPULATE_WRITE or not): a fifth of a lone read's time.  Counted
 * in the stages run_serial has (for --stats). */
static int run_direct(range_job *r, sl_metrics *m)
{
    sl_stage *st[3] = {sl_metrics_stage(m, "source"), sl_metrics_stage(m, "work"), sl_metrics_stage(m, "sink")};
    char err[600];
    uint64_t len = r->end - r->at;
    int64_t t0 = now_ns();
    if (len && sl__packfile_read_to(r->pf, r->at, NULL, (size_t)len, direct_sink, r, err, sizeof err))
        return sl_fail_set(&r->s->fail, "%s", err);
    int64_t busy[3] = {0, now_ns() - t0 - r->sink_ns, r->sink_ns};
    sl_metrics_progress(r->s->progress, 1, 0);
    for (int i = 0; i < 3; i++) {
        sl_stage_add(st[i], 1, len);
        sl_stage_busy(st[i], busy[i]);
    }
    return 0;
}

/* Original bytes [off, off + len) to the output: straight from the frame
 * buffer when the range is one piece, piece by piece on this thread with
 * one worker, else through the pipeline. */
static int run_range(sl_pack_session *s, sl_packfile *pf, uint64_t off, uint64_t len, const char *label)
{
    static const sl_pipeline_ops ops = {piece_source, piece_work, piece_sink, sl_block_drop};
    range_job r = {s, pf, off, off + len, len ? frame_of(pf, off) : 0, off,
                   s->writing && !sl_outfile_is_stream(&s->out), 0, 0, 0};
    sl_session_progress(s, s->o.test ? "test" : label, len);
    s->m_name[0] = "frames";
    s->m_used = 1;
    if (len <= PIECE_MAX)
        return run_direct(&r, s->m[0]);
    if (s->o.workers <= 1)
        return run_serial(&r, s->m[0]);
    /* In place, each worker writes its own piece: the sink only counts,
     * so pieces need not wait for each other to reach it in order (a
     * slow frame would otherwise hold up the worker after it). */
    sl_pipeline *p = sl_session_pipeline(s, &ops, &r, s->m[0], !r.in_place);
    int rc = p ? sl_pipeline_run(p) : sl_session_threads_failed(s);
    sl_pipeline_free(p);
    return rc;
}

int sl_unpack_range(sl_pack_session *s)
{
    sl_packfile *pf = NULL;
    if (sl_session_open_input(s) || open_packfile(s, &pf, 0)) {
        sl_packfile_close(pf);
        return sl_session_finish(s, -1);
    }
    uint64_t size = sl_packfile_size(pf), off = s->o.range_off;
    uint64_t len = s->o.range_to_end && off <= size ? size - off : s->o.range_len;
    int rc = 0;
    if (off > size || len > size - off)
        rc = sl_fail_set(&s->fail, "%s: the range %s reaches past the end of the original (%llu byte%s)", s->in_name,
                         s->o.range_spec, (unsigned long long)size, size == 1 ? "" : "s");
    if (rc == 0 && !s->o.test)
        rc = sl_session_open_output(s, strdup(s->o.out ? s->o.out : "-"));
    if (rc == 0)
        rc = run_range(s, pf, off, len, "range");
    sl_packfile_close(pf);
    return sl_session_finish(s, rc);
}

int sl_unpack_seekable(sl_pack_session *s, char *out_path)
{
    sl_packfile *pf = NULL;
    /* not seekable, no seek table, not a format it reads (armor, or any
     * error the streaming path will name its own way): stream instead */
    unsigned stream_instead = QUIET(SL_PACKFILE_ENOSEEK) | QUIET(SL_PACKFILE_ENOTABLE) | QUIET(SL_PACKFILE_EFORMAT);
    int rc = open_packfile(s, &pf, stream_instead);
    if (rc && (stream_instead & QUIET(rc)))
        return 1;
    if (rc == 0 && out_path)
        rc = sl_session_open_output(s, out_path);
    else
        free(out_path);
    if (rc == 0) {
        /* every frame is read and checked, and any failure throws the
         * output away or leaves a verified prefix: no read needs the
         * frames before it checked against the table first */
        sl__packfile_reading_whole(pf);
        rc = run_range(s, pf, 0, sl_packfile_size(pf), "unpack");
    }
    sl_packfile_close(pf);
    return sl_session_finish(s, rc);
}

/* ---- --list ---- */

static void list_head(const char *name, const char *what, size_t frames)
{
    printf("%s: %s, %zu frame%s\n", name, what, frames, frames == 1 ? "" : "s");
    printf("%7s %14s %12s %14s %12s %9s\n", "frame", "offset", "size", "stream offset", "compressed", "checksum");
}

static void list_row(size_t i, int64_t offset, int64_t size, uint64_t stream_offset, uint64_t csize, int has_check,
                     uint32_t check)
{
    char o[24] = "-", z[24] = "-", c[12] = "-";
    if (offset >= 0)
        snprintf(o, sizeof o, "%lld", (long long)offset);
    if (size >= 0)
        snprintf(z, sizeof z, "%lld", (long long)size);
    if (has_check)
        snprintf(c, sizeof c, "%08x", check);
    printf("%7zu %14s %12s %14llu %12llu %9s\n", i, o, z, (unsigned long long)stream_offset,
           (unsigned long long)csize, c);
}

static void list_total(size_t frames, int64_t size, uint64_t compressed)
{
    if (size >= 0)
        printf("total: %zu frame%s, %lld bytes from %llu compressed (ratio %.3f)\n", frames, frames == 1 ? "" : "s",
               (long long)size, (unsigned long long)compressed, compressed ? (double)size / (double)compressed : 0.0);
    else
        printf("total: %zu frame%s, %llu bytes compressed (original size unknown: frames without a content size)\n",
               frames, frames == 1 ? "" : "s", (unsigned long long)compressed);
}

int sl_unpack_list_table(sl_pack_session *s)
{
    sl_packfile *pf;
    /* As unpack: what the seekable reader cannot read at random (no table
     * at the end, armor, a table that does not tile the file, as in
     * `cat a.zst b.zst` of two pack outputs) is walked as a stream, which
     * checks each table it meets against the frames before it, or names
     * what is wrong.  A table contradicted by its frames' own headers
     * (below) is an error either way, and this one names the frame. */
    unsigned walk = QUIET(SL_PACKFILE_ENOSEEK) | QUIET(SL_PACKFILE_ENOTABLE) | QUIET(SL_PACKFILE_EFORMAT);
    int rc = open_packfile(s, &pf, walk);
    if (rc && (walk & QUIET(rc)))
        return 1;
    char err[600];
    if (rc == 0 && sl__packfile_check_table(pf, err, sizeof err))
        rc = sl_fail_set(&s->fail, "%s", err); /* a plain file's table that its frames contradict */
    if (rc) {
        sl_packfile_close(pf);
        return -1;
    }
    size_t n = sl_packfile_frames(pf);
    sl_packfile_frame_info f = {0};
    list_head(s->in_name, sl_packfile_encrypted(pf) ? "seekable zstd stream in age" : "seekable zstd stream", n);
    uint64_t compressed = 0;
    for (size_t i = 0; i < n; i++) {
        sl_packfile_frame(pf, i, &f);
        list_row(i, (int64_t)f.offset, (int64_t)f.size, f.stream_offset, f.compressed_size, f.has_checksum,
                 f.checksum);
        compressed += f.compressed_size;
    }
    list_total(n, (int64_t)sl_packfile_size(pf), compressed);
    sl_packfile_close(pf);
    return 0;
}

void sl_unpack_list_scanned(const sl_pack_session *s, const sl_zscan *scan, int age)
{
    char what[160];
    const char *stream = age ? "zstd stream in age" : "zstd stream";
    if (scan->tables == 0)
        snprintf(what, sizeof what, "%s%s without a seek table", stream, age ? "," : "");
    else if (scan->tables == 1)
        snprintf(what, sizeof what, "%s, walked (its seek table checked against its frames)", stream);
    else /* concatenated pack outputs: zstd -l lists them as one stream too */
        snprintf(what, sizeof what, "%s, walked: concatenated, %llu seek tables, each checked against the frames before it",
                 stream, (unsigned long long)scan->tables);
    list_head(s->in_name, what, scan->log_n);
    int64_t offset = 0;
    uint64_t compressed = 0;
    for (size_t i = 0; i < scan->log_n; i++) {
        const sl_zscan_frame *f = &scan->log[i];
        list_row(i, offset, f->dsize_known ? (int64_t)f->dsize : -1, f->offset, f->csize, f->has_check, f->check);
        offset = offset >= 0 && f->dsize_known ? offset + (int64_t)f->dsize : -1;
        compressed += f->csize;
    }
    list_total(scan->log_n, offset, compressed);
}
