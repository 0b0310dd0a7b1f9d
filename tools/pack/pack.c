/*
 * pack.c - `sluice pack`: compress into seekable zstd frames, optionally
 * inside age, on every core.
 *
 * Two pipelines.  The first reads fixed-size chunks, compresses each into
 * an independent zstd frame on N workers, and its ordered sink lays the
 * frames end to end (and records the seek table).  Unencrypted, that sink
 * writes the output itself.  Encrypted, the sink cuts the frame stream into
 * 1 MiB segments (16 STREAM chunks) and hands them over a link to the
 * second pipeline, whose workers seal each segment (a chunk's nonce is its
 * index, known from the segment number) and whose ordered sink writes.
 * See docs/formats/pack.md.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "ageheader.h"
#include "args.h"
#include "armor.h"
#include "block.h"
#include "link.h"
#include "seektable.h"
#include "session.h"
#include "stream.h"

#define SEG_CHUNKS SL_STREAM_SEGMENT_CHUNKS
#define SEG_BYTES ((size_t)SEG_CHUNKS * SL_STREAM_CHUNK)

typedef struct pack_job {
    sl_pack_session s; /* flags, input, output, errors, progress */
    int encrypt;
    sl_armor_out armor;
    /* pipeline 1 */
    size_t workers;
    ZSTD_CCtx **cctx;
    uint64_t next_chunk;
    uint64_t in_read; /* bytes of input read so far */
    int in_done;
    sl_seektable table;
    /* encryption */
    uint8_t *payload_key; /* 32 bytes, sodium_malloc'd */
    sl_block *seg;
    uint64_t seg_index;
    sl_link link;
} pack_job;

static int write_out(pack_job *j, const uint8_t *p, size_t n)
{
    int bad = j->s.o.armor && j->encrypt ? sl_armor_write(&j->armor, p, n) != 0 : fwrite(p, 1, n, j->s.out.fp) != n;
    if (bad)
        return sl_fail_set(&j->s.fail, "%s: write error: %s", j->s.out.name, strerror(errno));
    return 0;
}

/* ---- pipeline 1: read, compress, lay frames end to end ---- */

static int read_full(int fd, uint8_t *p, size_t n, size_t *got)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = read(fd, p + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        done += (size_t)k;
    }
    *got = done;
    return 0;
}

static int chunk_source(void *ctx, void **item, size_t *bytes)
{
    pack_job *j = ctx;
    if (j->in_done)
        return 0;
    sl_block *b = sl_block_new(j->s.o.chunk);
    if (!b)
        return sl_session_nomem(&j->s);
    size_t got;
    if (read_full(j->s.in_fd, b->data, j->s.o.chunk, &got)) {
        sl_block_free(b);
        return sl_fail_set(&j->s.fail, "%s: read error: %s", j->s.in_name, strerror(errno));
    }
    j->in_read += got;
    if (got < j->s.o.chunk) {
        j->in_done = 1;
        /* A named file that ends before the size it had at the open was
         * cut short meanwhile (a log rotated, a copy still being
         * rewritten): what was read is no version of it, so fail, as zstd
         * does ("Incomplete read") and tar ("file shrank").  One that
         * grew is read to its end. */
        if (j->s.in_named_file && j->in_read < j->s.in_size) {
            sl_block_free(b);
            return sl_fail_set(&j->s.fail, "%s: read error: the file shrank while it was read (%llu of %llu bytes)",
                               j->s.in_name, (unsigned long long)j->in_read, (unsigned long long)j->s.in_size);
        }
    }
    if (got == 0 && j->next_chunk > 0) { /* an empty input still gets one (empty) frame */
        sl_block_free(b);
        return 0;
    }
    b->len = b->raw_len = got;
    b->index = j->next_chunk++;
    *item = b;
    *bytes = got;
    return 1;
}

static int compress_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    pack_job *j = ctx;
    sl_block *b = in;
    ZSTD_CCtx *c = j->cctx[worker];
    if (!c) {
        c = j->cctx[worker] = ZSTD_createCCtx();
        if (!c || ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, j->s.o.level)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1))) {
            sl_block_free(b);
            return sl_fail_set(&j->s.fail, "cannot set up the zstd compressor");
        }
    }
    sl_block *f = sl_block_new(ZSTD_compressBound(b->len));
    if (!f) {
        sl_block_free(b);
        return sl_session_nomem(&j->s);
    }
    size_t n = ZSTD_compress2(c, f->data, f->cap, b->data, b->len);
    f->index = b->index;
    f->raw_len = b->raw_len;
    sl_block_free(b);
    if (ZSTD_isError(n)) {
        sl_block_free(f);
        return sl_fail_set(&j->s.fail, "zstd: %s", ZSTD_getErrorName(n));
    }
    f->len = n;
    *out = f;
    *bytes = n;
    return 0;
}

/* Encrypted output: append to the current segment, handing full ones on.
 * A full segment is sent only when more bytes arrive, because the final
 * segment must carry the last-chunk flag and only the end knows which. */
static int segment_append(pack_job *j, const uint8_t *p, size_t n)
{
    while (n) {
        if (j->seg && j->seg->len == SEG_BYTES) {
            if (sl_link_send(&j->link, j->seg) != SL_OK)
                return -1; /* downstream stopped; its error is recorded */
            j->seg = NULL;
        }
        if (!j->seg) {
            j->seg = sl_block_new(SEG_BYTES);
            if (!j->seg)
                return sl_session_nomem(&j->s);
            j->seg->index = j->seg_index++;
        }
        size_t k = SEG_BYTES - j->seg->len < n ? SEG_BYTES - j->seg->len : n;
        memcpy(j->seg->data + j->seg->len, p, k);
        j->seg->len += k;
        p += k;
        n -= k;
    }
    return 0;
}

static int emit(pack_job *j, const uint8_t *p, size_t n)
{
    return j->encrypt ? segment_append(j, p, n) : write_out(j, p, n);
}

static int frame_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    pack_job *j = ctx;
    sl_block *f = item;
    sl_seek_entry e = {(uint32_t)f->len, (uint32_t)f->raw_len, sl_le32(f->data + f->len - 4), 1, 1};
    int rc = sl_seektable_add(&j->table, &e) ? sl_session_nomem(&j->s) : emit(j, f->data, f->len);
    sl_metrics_progress(j->s.progress, 1, f->raw_len);
    sl_block_free(f);
    return rc;
}

/* After the last frame: the seek table, then (encrypted) the final segment. */
static int finish_stream(void *ctx)
{
    pack_job *j = ctx;
    j->table.checksums = 1;
    size_t n = sl_seektable_frame_size(&j->table);
    uint8_t *t = malloc(n);
    if (!t)
        return sl_session_nomem(&j->s);
    sl_seektable_write(&j->table, t);
    int rc = emit(j, t, n);
    free(t);
    if (rc || !j->encrypt)
        return rc;
    j->seg->last = 1;
    if (sl_link_send(&j->link, j->seg) != SL_OK)
        return -1;
    j->seg = NULL;
    return 0;
}

/* ---- pipeline 2: seal segments, write them in order ---- */

static int segment_source(void *ctx, void **item, size_t *bytes)
{
    pack_job *j = ctx;
    int rc = sl_link_recv(&j->link, item);
    if (rc == 1)
        *bytes = ((sl_block *)*item)->len;
    return rc;
}

static int seal_work(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)worker;
    pack_job *j = ctx;
    sl_block *s = in;
    sl_block *c = sl_block_new(s->len + SEG_CHUNKS * SL_STREAM_TAG);
    if (!c) {
        sl_block_free(s);
        return sl_session_nomem(&j->s);
    }
    c->len = sl_stream_seal(c->data, s->data, s->len, s->index * SEG_CHUNKS, s->last, j->payload_key);
    c->index = s->index;
    sl_block_free(s);
    *out = c;
    *bytes = c->len;
    return 0;
}

static int cipher_sink(void *ctx, void *item, size_t bytes)
{
    (void)bytes;
    pack_job *j = ctx;
    sl_block *c = item;
    int rc = write_out(j, c->data, c->len);
    sl_block_free(c);
    return rc;
}

/* ---- setup ---- */

static int write_age_header(pack_job *j)
{
    uint8_t nonce[16];
    uint8_t *file_key = sodium_malloc(16);
    j->payload_key = sodium_malloc(32);
    if (!file_key || !j->payload_key) {
        sodium_free(file_key);
        return sl_session_nomem(&j->s);
    }
    randombytes_buf(file_key, 16);
    randombytes_buf(nonce, sizeof nonce);
    size_t hlen;
    int scrypt = j->s.o.recipients.n == 0;
    uint8_t *h = sl_age_header_write(file_key, scrypt ? NULL : &j->s.o.recipients, j->s.o.pass.p, j->s.o.pass.len,
                                     j->s.o.scrypt_log_n, &hlen);
    sl_age_payload_key(j->payload_key, file_key, nonce);
    sodium_free(file_key);
    if (!h)
        return sl_fail_set(&j->s.fail, "cannot build the age header (out of memory)");
    if (j->s.o.armor && sl_armor_begin(&j->armor, j->s.out.fp))
        return sl_fail_set(&j->s.fail, "%s: write error: %s", j->s.out.name, strerror(errno));
    int rc = write_out(j, h, hlen) || write_out(j, nonce, sizeof nonce);
    free(h);
    return rc ? -1 : 0;
}

static int run_plain(pack_job *j, sl_pipeline *p1)
{
    int rc = sl_pipeline_run(p1);
    return rc ? rc : finish_stream(j);
}

static int run_encrypted(pack_job *j, sl_pipeline *p1)
{
    static const sl_pipeline_ops seal_ops = {segment_source, seal_work, cipher_sink, sl_block_drop};
    sl_pipeline *p2 = sl_session_pipeline(&j->s, &seal_ops, j, j->s.m[1], 1);
    if (!p2 || sl_link_start(&j->link, p1, 2, finish_stream, j, sl_block_drop_item)) {
        sl_pipeline_free(p2);
        return sl_session_threads_failed(&j->s);
    }
    int rc = sl_pipeline_run(p2);
    int up = sl_link_finish(&j->link, rc);
    sl_block_free(j->seg);
    j->seg = NULL;
    sl_pipeline_free(p2);
    return rc ? rc : up;
}

static int run(pack_job *j)
{
    static const sl_pipeline_ops compress_ops = {chunk_source, compress_work, frame_sink, sl_block_drop};
    j->cctx = calloc(j->workers, sizeof *j->cctx);
    sl_pipeline *p1 = j->cctx ? sl_session_pipeline(&j->s, &compress_ops, j, j->s.m[0], 1) : NULL;
    if (!p1) {
        free(j->cctx);
        return sl_session_threads_failed(&j->s);
    }
    int rc = j->encrypt ? run_encrypted(j, p1) : run_plain(j, p1);
    sl_pipeline_free(p1);
    for (size_t i = 0; i < j->workers; i++)
        ZSTD_freeCCtx(j->cctx[i]);
    free(j->cctx);
    return rc;
}

static char *default_output(pack_job *j)
{
    const char *in = j->s.o.in;
    if (j->s.o.out)
        return strdup(j->s.o.out);
    if (!in || !strcmp(in, "-"))
        return strdup("-");
    const char *ext = j->encrypt ? ".zst.age" : ".zst";
    size_t n = strlen(in) + strlen(ext) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", in, ext);
    return p;
}

static int open_output(pack_job *j)
{
    char *path = default_output(j);
    if (path && !strcmp(path, "-") && isatty(1) && !(j->encrypt && j->s.o.armor)) {
        free(path);
        return sl_fail_set(&j->s.fail, "refusing to write binary output to a terminal (use -o FILE%s or a pipe)",
                           j->encrypt ? ", -a" : "");
    }
    return sl_session_open_output(&j->s, path);
}

static int pack(pack_job *j)
{
    if (sl_session_open_input(&j->s) || open_output(j))
        return -1;
    sl_session_progress(&j->s, "pack", j->s.in_size);
    j->s.m_name[0] = "compress";
    j->s.m_name[1] = "encrypt";
    j->s.m_used = j->encrypt ? 2 : 1;
    int rc = j->encrypt ? write_age_header(j) : 0;
    if (rc == 0)
        rc = run(j);
    if (rc == 0 && j->encrypt && j->s.o.armor && sl_armor_end(&j->armor))
        rc = sl_fail_set(&j->s.fail, "%s: write error: %s", j->s.out.name, strerror(errno));
    return sl_session_finish(&j->s, rc);
}

int sl_pack_main(int argc, char **argv)
{
    int rc = sl_pack_unpack_main(argc, argv);
    if (rc >= 0)
        return rc;
    pack_job j;
    memset(&j, 0, sizeof j);
    rc = sl_session_begin(&j.s, "pack", sl_pack_opts_parse, argc, argv);
    if (rc >= 0)
        return rc;
    j.encrypt = j.s.o.recipients.n > 0 || j.s.o.pass.p;
    j.workers = j.s.o.workers;
    if (!j.s.fail.set)
        pack(&j);
    if (j.payload_key)
        sodium_free(j.payload_key);
    sl_seektable_free(&j.table);
    return sl_session_end(&j.s);
}
