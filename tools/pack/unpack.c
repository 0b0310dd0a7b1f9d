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
 * streaming decompressor itself for a frame too big to hold (one thread,
 * as zstd would).  Nothing reaches the output before it authenticated and
 * its zstd checksum matched, except inside such a streamed frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "ageheader.h"
#include "args.h"
#include "armor.h"
#include "block.h"
#include "link.h"
#include "packout.h"
#include "packopts.h"
#include "progress.h"
#include "stream.h"
#include "zscan.h"

#define SEG_CHUNKS 16
#define SEG_CT ((size_t)SEG_CHUNKS * SL_STREAM_CT_CHUNK)
#define FRAME_MAX SL_PACK_MAX_CHUNK  /* whole frames up to this size go to workers */
#define PIECE ((size_t)1 << 20)      /* streamed frames and raw data move in 1 MiB pieces */
#define READ_BUF ((size_t)256 << 10)

typedef struct unpack_job {
    sl_pack_opts o;
    const char *in_name;
    int in_fd;
    sl_pack_out out;
    char *out_path;
    int writing;
    sl_fail fail;
    sl_reader file, armored, plain;
    sl_armor_in armor;
    sl_reader *age_src; /* where the age header and payload come from */
    int is_age;
    size_t workers;
    sl_metrics *m_decrypt, *m_decompress;
    sl_metrics *m_progress; /* no stages: feeds the progress bar with output bytes */
    /* age */
    uint8_t *payload_key;
    uint64_t next_seg;
    int seg_done;
    sl_link link;
    sl_block *cur; /* decrypted segment being read by the scanner */
    size_t cur_pos;
    /* zstd */
    sl_zscan scan;
    ZSTD_DCtx **dctx;
    ZSTD_DCtx *stream_dctx;
    uint8_t *stream_out;
    uint64_t frames;
} unpack_job;

static int write_out(unpack_job *j, const uint8_t *p, size_t n)
{
    if (j->writing && n && fwrite(p, 1, n, j->out.fp) != n)
        return sl_fail_set(&j->fail, "%s: write error: %s", j->out.name, strerror(errno));
    sl_metrics_progress(j->m_progress, 0, n);
    return 0;
}

/* ---- pipeline A: age payload segments ---- */

static int segment_source(void *ctx, void **item, size_t *bytes)
{
    unpack_job *j = ctx;
    if (j->seg_done)
        return 0;
    sl_block *b = sl_block_new(SEG_CT);
    if (!b)
        return sl_fail_set(&j->fail, "out of memory");
    b->offset = j->age_src->offset;
    b->len = sl_reader_read(j->age_src, b->data, SEG_CT);
    const uint8_t *p;
    b->last = b->len < SEG_CT || sl_reader_peek(j->age_src, 1, &p) == 0;
    if (j->age_src->failed) {
        sl_block_free(b);
        return sl_fail_set(&j->fail, "%s: %s", j->in_name, j->age_src->err);
    }
    if (b->len == 0) {
        sl_block_free(b);
        return sl_fail_set(&j->fail, "%s: truncated: the age payload has no chunks", j->in_name);
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
        return sl_fail_set(&j->fail, "%s: truncated: the age payload ends after chunk %llu, which is not the last one",
                           j->in_name, (unsigned long long)bad);
    return sl_fail_set(&j->fail,
                       "%s: age payload chunk %llu (at payload offset %llu) failed to authenticate: "
                       "the file is truncated, corrupted or was modified",
                       j->in_name, (unsigned long long)bad, (unsigned long long)at);
}

static int open_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)worker;
    unpack_job *j = ctx;
    sl_block *s = in;
    sl_block *p = sl_block_new(s->len);
    if (!p) {
        sl_block_free(s);
        return sl_fail_set(&j->fail, "out of memory");
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

static void block_drop(void *ctx, void *item, int produced)
{
    (void)ctx;
    (void)produced;
    sl_block_free(item);
}

static void block_drop1(void *item)
{
    sl_block_free(item);
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

static int frame_source(void *ctx, void **item, size_t *bytes)
{
    unpack_job *j = ctx;
    sl_zitem it;
    int rc = sl_zscan_next(&j->scan, &it);
    if (rc == 0)
        return 0;
    if (rc < 0)
        return sl_fail_set(&j->fail, "%s: %s%s", j->in_name, j->is_age ? "decrypted payload: " : "", j->scan.err);
    sl_block *b = sl_block_adopt(it.data, it.len);
    if (!b)
        return sl_fail_set(&j->fail, "out of memory");
    b->kind = it.kind;
    b->offset = it.offset;
    b->raw_len = it.content_size;
    b->first = it.first;
    b->last = it.last;
    b->index = j->frames++;
    *item = b;
    *bytes = b->len;
    return 1;
}

static int frame_error(unpack_job *j, const sl_block *f, const char *what)
{
    return sl_fail_set(&j->fail, "%s: %szstd frame at offset %llu: %s", j->in_name, j->is_age ? "decrypted payload: " : "",
                       (unsigned long long)f->offset, what);
}

static int decompress_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    unpack_job *j = ctx;
    sl_block *f = in;
    if (f->kind != SL_ZITEM_FRAME) { /* streamed frames and raw data: the sink's job */
        *out = f;
        *bytes = f->len;
        return 0;
    }
    if (!j->dctx[worker] && !(j->dctx[worker] = ZSTD_createDCtx())) {
        sl_block_free(f);
        return sl_fail_set(&j->fail, "out of memory");
    }
    sl_block *d = sl_block_new((size_t)f->raw_len);
    if (!d) {
        sl_block_free(f);
        return sl_fail_set(&j->fail, "out of memory");
    }
    size_t n = ZSTD_decompressDCtx(j->dctx[worker], d->data, d->cap, f->data, f->len);
    int rc = 0;
    if (ZSTD_isError(n))
        rc = frame_error(j, f, ZSTD_getErrorName(n));
    else if (n != f->raw_len)
        rc = frame_error(j, f, "content size does not match the frame header");
    d->len = n;
    d->kind = SL_ZITEM_FRAME;
    sl_block_free(f);
    if (rc) {
        sl_block_free(d);
        return rc;
    }
    *out = d;
    *bytes = d->len;
    return 0;
}

static int stream_piece(unpack_job *j, const sl_block *f)
{
    if (!j->stream_dctx) {
        j->stream_dctx = ZSTD_createDCtx();
        j->stream_out = malloc(ZSTD_DStreamOutSize());
        if (!j->stream_dctx || !j->stream_out)
            return sl_fail_set(&j->fail, "out of memory");
    }
    if (f->first)
        ZSTD_DCtx_reset(j->stream_dctx, ZSTD_reset_session_only);
    ZSTD_inBuffer in = {f->data, f->len, 0};
    size_t ret;
    for (;;) {
        ZSTD_outBuffer out = {j->stream_out, ZSTD_DStreamOutSize(), 0};
        ret = ZSTD_decompressStream(j->stream_dctx, &out, &in);
        if (ZSTD_isError(ret))
            return frame_error(j, f, ZSTD_getErrorName(ret));
        if (write_out(j, j->stream_out, out.pos))
            return -1;
        if (in.pos == in.size && out.pos < out.size)
            break;
    }
    if (f->last && ret != 0)
        return frame_error(j, f, "frame ends early");
    return 0;
}

static int output_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    unpack_job *j = ctx;
    sl_block *b = item;
    int rc = b->kind == SL_ZITEM_PIECE ? stream_piece(j, b) : write_out(j, b->data, b->len);
    sl_metrics_progress(j->m_progress, 1, 0);
    sl_block_free(b);
    return rc;
}

/* ---- setup ---- */

static sl_pipeline *make_pipeline(unpack_job *j, const sl_pipeline_ops *ops, sl_metrics *m)
{
    sl_pipeline_config cfg = {j->workers, j->o.depth, 1, m};
    return sl_pipeline_new(ops, j, &cfg);
}

static int read_age_header(unpack_job *j)
{
    sl_age_header h;
    char err[512];
    if (sl_age_header_parse(j->age_src, &h, err, sizeof err)) {
        sl_age_header_free(&h);
        return sl_fail_set(&j->fail, "%s: %s", j->in_name, err);
    }
    if (sl_age_is_scrypt(&h) && !j->o.pass.p && !j->o.identities.n &&
        sl_pass_from_tty(&j->o.pass, 0, err, sizeof err)) {
        sl_age_header_free(&h);
        return sl_fail_set(&j->fail, "%s: %s", j->in_name, err);
    }
    uint8_t *file_key = sodium_malloc(16);
    j->payload_key = sodium_malloc(32);
    if (!file_key || !j->payload_key) {
        sl_age_header_free(&h);
        return sl_fail_set(&j->fail, "out of memory");
    }
    int rc = sl_age_unwrap(&h, &j->o.identities, j->o.pass.p, j->o.pass.len, file_key, err, sizeof err);
    sl_age_header_free(&h);
    if (rc) {
        sodium_free(file_key);
        return sl_fail_set(&j->fail, "%s: %s", j->in_name, err);
    }
    uint8_t nonce[16];
    if (sl_reader_read(j->age_src, nonce, 16) != 16) {
        sodium_free(file_key);
        return sl_fail_set(&j->fail, "%s: truncated: no payload after the age header", j->in_name);
    }
    sl_age_payload_key(j->payload_key, file_key, nonce);
    sodium_free(file_key);
    return 0;
}

static int run_frames(unpack_job *j, sl_reader *src)
{
    static const sl_pipeline_ops ops = {frame_source, decompress_work, output_sink, block_drop};
    sl_zscan_init(&j->scan, src, FRAME_MAX, PIECE, j->is_age);
    j->dctx = calloc(j->workers, sizeof *j->dctx);
    sl_pipeline *p = j->dctx ? make_pipeline(j, &ops, j->m_decompress) : NULL;
    int rc = p ? sl_pipeline_run(p) : sl_fail_set(&j->fail, "cannot start the pipeline (out of memory)");
    sl_pipeline_free(p);
    for (size_t i = 0; j->dctx && i < j->workers; i++)
        ZSTD_freeDCtx(j->dctx[i]);
    free(j->dctx);
    ZSTD_freeDCtx(j->stream_dctx);
    free(j->stream_out);
    sl_zscan_free(&j->scan);
    return rc;
}

static int run_age(unpack_job *j)
{
    static const sl_pipeline_ops ops = {segment_source, open_work, plain_sink, block_drop};
    if (read_age_header(j))
        return -1;
    sl_pipeline *pa = make_pipeline(j, &ops, j->m_decrypt);
    if (!pa || sl_reader_init(&j->plain, fill_from_link, j, READ_BUF) ||
        sl_link_start(&j->link, pa, 2, NULL, NULL, block_drop1)) {
        sl_pipeline_free(pa);
        return sl_fail_set(&j->fail, "cannot start the pipeline (out of memory)");
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
        return sl_fail_set(&j->fail, "%s: %s", j->in_name, j->file.err);
    size_t intro = strlen(SL_AGE_INTRO);
    if (n && !memcmp(p, SL_AGE_INTRO, n < intro ? n : intro)) { /* a shorter prefix: truncated */
        j->is_age = 1;
        j->age_src = &j->file;
        return 0;
    }
    if (sl_armor_detect(&j->file)) {
        j->is_age = 1;
        j->armor.src = &j->file;
        if (sl_reader_init(&j->armored, sl_armor_fill, &j->armor, READ_BUF))
            return sl_fail_set(&j->fail, "out of memory");
        j->age_src = &j->armored;
        return 0;
    }
    uint32_t magic = n >= 4 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
    if (magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u)
        return 0;
    return sl_fail_set(&j->fail, "%s: not a zstd, age or sluice pack file%s", j->in_name, n ? "" : " (it is empty)");
}

static int open_input(unpack_job *j)
{
    if (!j->o.in || !strcmp(j->o.in, "-")) {
        j->in_fd = 0;
        j->in_name = "<stdin>";
    } else {
        j->in_name = j->o.in;
        j->in_fd = open(j->o.in, O_RDONLY | O_CLOEXEC);
        if (j->in_fd < 0)
            return sl_fail_set(&j->fail, "%s: cannot open: %s", j->o.in, strerror(errno));
        struct stat st;
        if (fstat(j->in_fd, &st) == 0 && S_ISDIR(st.st_mode))
            return sl_fail_set(&j->fail, "%s: is a directory", j->in_name);
    }
    if (sl_reader_init(&j->file, sl_fill_fd, &j->in_fd, READ_BUF))
        return sl_fail_set(&j->fail, "out of memory");
    return detect(j);
}

static char *default_output(unpack_job *j)
{
    if (j->o.out)
        return strdup(j->o.out);
    if (!j->o.in || !strcmp(j->o.in, "-"))
        return strdup("-");
    static const char *const exts[] = {".zst.age", ".age", ".zst", NULL};
    size_t n = strlen(j->o.in);
    for (int i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcmp(j->o.in + n - e, exts[i]))
            return strndup(j->o.in, n - e);
    }
    sl_fail_set(&j->fail, "%s: cannot name the output (no .zst.age, .age or .zst suffix): use -o", j->in_name);
    return NULL;
}

static int open_output(unpack_job *j)
{
    if (j->o.test)
        return 0;
    char *path = default_output(j);
    if (!path)
        return j->fail.set ? -1 : sl_fail_set(&j->fail, "out of memory");
    char err[512];
    j->out_path = path; /* j->out.name points into it */
    int rc = sl_pack_out_open(&j->out, path, j->o.force, err, sizeof err);
    if (rc)
        return sl_fail_set(&j->fail, "%s", err);
    j->writing = 1;
    return 0;
}

static void print_stats(unpack_job *j)
{
    fprintf(stderr, "{");
    if (j->is_age) {
        fprintf(stderr, "\"decrypt\": ");
        sl_metrics_write_json(j->m_decrypt, stderr);
        fprintf(stderr, ", ");
    }
    fprintf(stderr, "\"decompress\": ");
    sl_metrics_write_json(j->m_decompress, stderr);
    fprintf(stderr, "}\n");
}

static int unpack(unpack_job *j)
{
    if (open_input(j) || open_output(j))
        return -1;
    uint64_t total = 0;
    sl_progress_bar *bar = sl_progress_bar_new(j->o.test ? "test" : "unpack", total, j->o.quiet ? 0 : -1);
    if (bar)
        sl_metrics_on_progress(j->m_progress, sl_progress_bar_update, bar, 100000000);
    int rc = j->is_age ? run_age(j) : run_frames(j, &j->file);
    char err[512];
    if (j->writing) {
        if (rc == 0 && sl_pack_out_commit(&j->out, err, sizeof err))
            rc = sl_fail_set(&j->fail, "%s", err);
        else if (rc)
            sl_pack_out_abort(&j->out);
    }
    sl_metrics_progress_done(j->m_progress);
    if (bar)
        sl_progress_bar_finish(bar);
    if (rc && !j->fail.set)
        sl_fail_set(&j->fail, "failed (error %d)", rc);
    return rc;
}

int sl_unpack_main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "sluice unpack: cannot initialise libsodium\n");
        return 1;
    }
    unpack_job j;
    memset(&j, 0, sizeof j);
    sl_fail_init(&j.fail);
    int rc = sl_unpack_opts_parse(&j.o, argc, argv);
    if (rc >= 0) {
        sl_pack_opts_free(&j.o);
        return rc;
    }
    sl_tool_tune_malloc();
    j.workers = j.o.workers;
    j.in_fd = -1;
    j.m_decrypt = sl_metrics_new();
    j.m_decompress = sl_metrics_new();
    j.m_progress = sl_metrics_new();
    if (!j.m_decrypt || !j.m_decompress || !j.m_progress)
        sl_fail_set(&j.fail, "out of memory");
    else
        unpack(&j);
    if (j.fail.set)
        fprintf(stderr, "sluice unpack: %s\n", j.fail.msg);
    else if (j.o.stats)
        print_stats(&j);
    if (j.in_fd > 0)
        close(j.in_fd);
    if (j.payload_key)
        sodium_free(j.payload_key);
    sl_reader_free(&j.file);
    sl_reader_free(&j.armored);
    sl_reader_free(&j.plain);
    sl_metrics_free(j.m_decrypt);
    sl_metrics_free(j.m_decompress);
    sl_metrics_free(j.m_progress);
    sl_pack_opts_free(&j.o);
    free(j.out_path);
    sl_block_pool_drain();
    return j.fail.set ? 1 : 0;
}
