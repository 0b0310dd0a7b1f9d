/*
 * wire.c - the job and result messages (docs/formats/cluster.md), and the
 * byte buffer and reader they are built and read with.
 *
 * The one idea: a message from the queue is hostile until proven
 * otherwise.  The reader never reads past the end (a failed read sticks),
 * every count is checked against the bytes that would have to follow it
 * before anything is allocated, and a message is taken only when every
 * byte of it has been accounted for.  Compressed messages (wire version
 * 2) are held to the same: their declared size is checked before they
 * are inflated, and they inflate into exactly that many bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <xxhash.h>
#include <zstd.h>

#include "cluster.h"

static const unsigned char JOBS_MAGIC[4] = {'S', 'L', 'J', 'B'};
static const unsigned char RESULTS_MAGIC[4] = {'S', 'L', 'R', 'B'};
#define WIRE_PLAIN 1 /* the entries as they are */
#define WIRE_ZSTD 2  /* the entries as one zstd frame */
#define ZSTD_LEVEL 1 /* level 1: most of the bytes saved for a tenth of level 3's time */
#define JOB_MIN (8 + SL_CLUSTER_HASH + 4)        /* a job with no input */
#define RESULT_MIN (8 + SL_CLUSTER_HASH + 1 + 1 + 4 + 4)

void sl_cluster_hash(const void *data, size_t len, uint8_t out[SL_CLUSTER_HASH])
{
    XXH128_hash_t h = XXH3_128bits(data, len);
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(h.high64 >> (56 - 8 * i));
        out[8 + i] = (uint8_t)(h.low64 >> (56 - 8 * i));
    }
}

/* ---- building ---- */

void sl_cluster_buf_put(sl_cluster_buf *b, const void *p, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n && cap < SIZE_MAX / 2)
            cap *= 2;
        unsigned char *d = cap - b->len >= n ? realloc(b->data, cap) : NULL;
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_le(sl_cluster_buf *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    sl_cluster_buf_put(b, x, (size_t)n);
}

void sl_cluster_buf_u8(sl_cluster_buf *b, uint8_t v) { put_le(b, v, 1); }
void sl_cluster_buf_u16(sl_cluster_buf *b, uint16_t v) { put_le(b, v, 2); }
void sl_cluster_buf_u32(sl_cluster_buf *b, uint32_t v) { put_le(b, v, 4); }
void sl_cluster_buf_u64(sl_cluster_buf *b, uint64_t v) { put_le(b, v, 8); }

void sl_cluster_buf_free(sl_cluster_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- reading ---- */

const unsigned char *sl_cluster_rd_bytes(sl_cluster_rd *r, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

static uint64_t get_le(sl_cluster_rd *r, int n)
{
    const unsigned char *p = sl_cluster_rd_bytes(r, (size_t)n);
    uint64_t v = 0;
    for (int i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t sl_cluster_rd_u8(sl_cluster_rd *r) { return (uint8_t)get_le(r, 1); }
uint16_t sl_cluster_rd_u16(sl_cluster_rd *r) { return (uint16_t)get_le(r, 2); }
uint32_t sl_cluster_rd_u32(sl_cluster_rd *r) { return (uint32_t)get_le(r, 4); }
uint64_t sl_cluster_rd_u64(sl_cluster_rd *r) { return get_le(r, 8); }

/* A short string: printable ASCII, not empty. */
static int read_name(sl_cluster_rd *r, size_t len, char *out, size_t cap)
{
    const unsigned char *p = sl_cluster_rd_bytes(r, len);
    if (!p || len == 0 || len >= cap)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (p[i] < 0x21 || p[i] > 0x7e)
            return -1;
    memcpy(out, p, len);
    out[len] = 0;
    return 0;
}

static int fail(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return -1;
}

static int wire_refused(char *err, size_t errlen, const char *what, unsigned wire)
{
    snprintf(err, errlen, "a %s batch of wire version %u (this sluice reads versions %d and %d)", what, wire,
             WIRE_PLAIN, WIRE_ZSTD);
    return -1;
}

/* ---- compression (wire version 2) ----
 * One compression and one decompression context per thread, kept for the
 * thread's life: a fresh context per batch would allocate (and fault in)
 * its tables every time. */

static pthread_key_t cctx_key, dctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void cctx_free(void *p) { ZSTD_freeCCtx(p); }
static void dctx_free(void *p) { ZSTD_freeDCtx(p); }
static void ctx_keys(void)
{
    pthread_key_create(&cctx_key, cctx_free);
    pthread_key_create(&dctx_key, dctx_free);
}

static ZSTD_CCtx *thread_cctx(void)
{
    pthread_once(&ctx_once, ctx_keys);
    ZSTD_CCtx *c = pthread_getspecific(cctx_key);
    if (!c && (c = ZSTD_createCCtx()) && pthread_setspecific(cctx_key, c) != 0) {
        ZSTD_freeCCtx(c);
        c = NULL;
    }
    return c;
}

static ZSTD_DCtx *thread_dctx(void)
{
    pthread_once(&ctx_once, ctx_keys);
    ZSTD_DCtx *d = pthread_getspecific(dctx_key);
    if (!d && (d = ZSTD_createDCtx()) && pthread_setspecific(dctx_key, d) != 0) {
        ZSTD_freeDCtx(d);
        d = NULL;
    }
    return d;
}

/* Turns a version-1 message of hdr header bytes into version 2: the same
 * header (version byte 2), the entries' size, then the entries as one
 * zstd frame.  A message whose entries are over SL_CLUSTER_MAX_RAW stays
 * version 1 (a reader would refuse to inflate it). */
static void seal(sl_cluster_buf *b, size_t hdr)
{
    if (b->failed || b->len < hdr || b->len - hdr > SL_CLUSTER_MAX_RAW)
        return;
    size_t raw = b->len - hdr, bound = ZSTD_compressBound(raw);
    unsigned char *d = malloc(hdr + 4 + bound);
    ZSTD_CCtx *cc = thread_cctx();
    size_t z = d && cc ? ZSTD_compressCCtx(cc, d + hdr + 4, bound, b->data + hdr, raw, ZSTD_LEVEL) : 0;
    if (!d || !cc || ZSTD_isError(z)) {
        free(d);
        b->failed = 1;
        return;
    }
    memcpy(d, b->data, hdr);
    d[4] = WIRE_ZSTD;
    for (int i = 0; i < 4; i++)
        d[hdr + (size_t)i] = (unsigned char)(raw >> (8 * i));
    free(b->data);
    b->data = d;
    b->len = hdr + 4 + z;
    b->cap = hdr + 4 + bound;
}

/* Reads a version-2 body: the entries' declared size, then exactly one
 * zstd frame that declares the same size and inflates to exactly it.  The
 * size is checked against SL_CLUSTER_MAX_RAW before anything is
 * allocated, and the frame is inflated into a buffer of that size and no
 * more, so a frame that lies (a "bomb") fails instead of growing.  On
 * success *r reads the inflated entries, which *raw owns. */
static int open_body(sl_cluster_rd *r, unsigned char **raw, char *err, size_t errlen)
{
    uint32_t n = sl_cluster_rd_u32(r);
    if (r->bad)
        return fail(err, errlen, "a compressed batch cut short");
    if (n > SL_CLUSTER_MAX_RAW) {
        snprintf(err, errlen, "a compressed batch declaring %u bytes (the limit is %u)", n,
                 (unsigned)SL_CLUSTER_MAX_RAW);
        return -1;
    }
    if (ZSTD_getFrameContentSize(r->p, r->left) != n)
        return fail(err, errlen, "a compressed batch whose zstd frame does not declare the batch's size");
    size_t zlen = ZSTD_findFrameCompressedSize(r->p, r->left);
    if (ZSTD_isError(zlen) || zlen != r->left)
        return fail(err, errlen, "a compressed batch cut short, or with bytes after its zstd frame");
    ZSTD_DCtx *dc = thread_dctx();
    *raw = malloc(n ? n : 1);
    size_t got = dc && *raw ? ZSTD_decompressDCtx(dc, *raw, n, r->p, r->left) : 0;
    if (!dc || !*raw || ZSTD_isError(got) || got != n) {
        const char *why = !dc || !*raw ? "out of memory" : ZSTD_isError(got) ? ZSTD_getErrorName(got) : "too short";
        snprintf(err, errlen, "a compressed batch that does not inflate to its declared %u bytes: %s", n, why);
        free(*raw);
        *raw = NULL;
        return -1;
    }
    *r = (sl_cluster_rd){*raw, n, 0};
    return 0;
}

/* ---- job batches ---- */

void sl_cluster_jobs_begin(sl_cluster_buf *b, const char *kind, const char *version, const uint8_t *run)
{
    b->len = 0;
    sl_cluster_buf_put(b, JOBS_MAGIC, 4);
    sl_cluster_buf_u8(b, WIRE_PLAIN);
    sl_cluster_buf_u8(b, (uint8_t)strlen(kind));
    sl_cluster_buf_u8(b, (uint8_t)strlen(version));
    sl_cluster_buf_u8(b, 0);
    sl_cluster_buf_put(b, kind, strlen(kind));
    sl_cluster_buf_put(b, version, strlen(version));
    sl_cluster_buf_put(b, run, SL_CLUSTER_RUN);
    sl_cluster_buf_u32(b, 0); /* the count: each _add bumps it */
}

/* A message's count (u32 at `at`) goes up by one as each entry is added. */
static void bump_count(sl_cluster_buf *b, size_t at)
{
    if (b->failed)
        return;
    uint32_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= (uint32_t)b->data[at + (size_t)i] << (8 * i);
    n++;
    for (int i = 0; i < 4; i++)
        b->data[at + (size_t)i] = (unsigned char)(n >> (8 * i));
}

/* The header's size: magic to count. */
static size_t jobs_header(const sl_cluster_buf *b) { return 8 + (size_t)b->data[5] + b->data[6] + SL_CLUSTER_RUN + 4; }
static size_t results_header(const sl_cluster_buf *b) { return 8 + (size_t)b->data[5] + SL_CLUSTER_RUN + 4; }

void sl_cluster_jobs_end(sl_cluster_buf *b)
{
    if (!b->failed && b->len >= 8)
        seal(b, jobs_header(b));
}

void sl_cluster_results_end(sl_cluster_buf *b, uint8_t wire)
{
    if (wire == WIRE_ZSTD && !b->failed && b->len >= 8)
        seal(b, results_header(b));
}

void sl_cluster_jobs_add(sl_cluster_buf *b, uint64_t seq, const uint8_t *hash, const void *data, uint32_t len)
{
    sl_cluster_buf_u64(b, seq);
    sl_cluster_buf_put(b, hash, SL_CLUSTER_HASH);
    sl_cluster_buf_u32(b, len);
    sl_cluster_buf_put(b, data, len);
    bump_count(b, jobs_header(b) - 4);
}

int sl_cluster_jobs_decode(const void *msg, size_t len, sl_cluster_jobs *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sl_cluster_rd r = {msg, len, 0};
    const unsigned char *magic = sl_cluster_rd_bytes(&r, 4);
    if (!magic || memcmp(magic, JOBS_MAGIC, 4))
        return fail(err, errlen, "not a job batch (no SLJB magic)");
    uint8_t wire = sl_cluster_rd_u8(&r);
    if (wire != WIRE_PLAIN && wire != WIRE_ZSTD)
        return wire_refused(err, errlen, "job", wire);
    uint8_t klen = sl_cluster_rd_u8(&r), vlen = sl_cluster_rd_u8(&r);
    sl_cluster_rd_u8(&r);
    if (read_name(&r, klen, out->kind, sizeof out->kind) || read_name(&r, vlen, out->version, sizeof out->version))
        return fail(err, errlen, "a job batch with a bad kind or version");
    const unsigned char *run = sl_cluster_rd_bytes(&r, SL_CLUSTER_RUN);
    uint32_t n = sl_cluster_rd_u32(&r);
    if (r.bad || n == 0 || n > SL_CLUSTER_MAX_JOBS)
        return fail(err, errlen, "a job batch with a bad job count");
    if (wire == WIRE_ZSTD && open_body(&r, &out->raw, err, errlen) != 0)
        return -1;
    out->wire = wire;
    if (n > r.left / JOB_MIN) {
        sl_cluster_jobs_free(out);
        return fail(err, errlen, "a job batch with a bad job count");
    }
    memcpy(out->run, run, SL_CLUSTER_RUN);
    out->jobs = calloc(n, sizeof *out->jobs);
    if (!out->jobs) {
        sl_cluster_jobs_free(out);
        return fail(err, errlen, "out of memory");
    }
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        sl_cluster_job *j = &out->jobs[i];
        j->seq = sl_cluster_rd_u64(&r);
        const unsigned char *h = sl_cluster_rd_bytes(&r, SL_CLUSTER_HASH);
        if (h)
            memcpy(j->hash, h, SL_CLUSTER_HASH);
        j->len = sl_cluster_rd_u32(&r);
        j->data = sl_cluster_rd_bytes(&r, j->len);
    }
    if (r.bad || r.left) {
        sl_cluster_jobs_free(out);
        return fail(err, errlen, r.bad ? "a job batch cut short" : "a job batch with bytes after its last job");
    }
    out->n = n;
    return 0;
}

void sl_cluster_jobs_free(sl_cluster_jobs *j)
{
    free(j->jobs);
    free(j->raw);
    j->jobs = NULL;
    j->raw = NULL;
    j->n = 0;
}

/* ---- result batches ---- */

void sl_cluster_results_begin(sl_cluster_buf *b, const uint8_t *run, const char *worker)
{
    size_t wlen = strlen(worker);
    if (wlen > 255)
        wlen = 255;
    b->len = 0;
    sl_cluster_buf_put(b, RESULTS_MAGIC, 4);
    sl_cluster_buf_u8(b, WIRE_PLAIN);
    sl_cluster_buf_u8(b, (uint8_t)wlen);
    sl_cluster_buf_u16(b, 0);
    sl_cluster_buf_put(b, worker, wlen);
    sl_cluster_buf_put(b, run, SL_CLUSTER_RUN);
    sl_cluster_buf_u32(b, 0);
}

void sl_cluster_results_add(sl_cluster_buf *b, const sl_cluster_result *x)
{
    sl_cluster_buf_u64(b, x->seq);
    sl_cluster_buf_put(b, x->hash, SL_CLUSTER_HASH);
    sl_cluster_buf_u8(b, x->status);
    sl_cluster_buf_u8(b, x->flags);
    sl_cluster_buf_u32(b, x->busy_us);
    sl_cluster_buf_u32(b, x->len);
    sl_cluster_buf_put(b, x->data, x->len);
    bump_count(b, results_header(b) - 4);
}

int sl_cluster_results_decode(const void *msg, size_t len, sl_cluster_results *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sl_cluster_rd r = {msg, len, 0};
    const unsigned char *magic = sl_cluster_rd_bytes(&r, 4);
    if (!magic || memcmp(magic, RESULTS_MAGIC, 4))
        return fail(err, errlen, "not a result batch (no SLRB magic)");
    uint8_t wire = sl_cluster_rd_u8(&r);
    if (wire != WIRE_PLAIN && wire != WIRE_ZSTD)
        return wire_refused(err, errlen, "result", wire);
    uint8_t wlen = sl_cluster_rd_u8(&r);
    sl_cluster_rd_u16(&r);
    if (read_name(&r, wlen, out->worker, sizeof out->worker))
        return fail(err, errlen, "a result batch with a bad worker name");
    const unsigned char *run = sl_cluster_rd_bytes(&r, SL_CLUSTER_RUN);
    uint32_t n = sl_cluster_rd_u32(&r);
    if (r.bad || n == 0 || n > SL_CLUSTER_MAX_JOBS)
        return fail(err, errlen, "a result batch with a bad result count");
    if (wire == WIRE_ZSTD && open_body(&r, &out->raw, err, errlen) != 0)
        return -1;
    out->wire = wire;
    if (n > r.left / RESULT_MIN) {
        sl_cluster_results_free(out);
        return fail(err, errlen, "a result batch with a bad result count");
    }
    memcpy(out->run, run, SL_CLUSTER_RUN);
    out->results = calloc(n, sizeof *out->results);
    if (!out->results) {
        sl_cluster_results_free(out);
        return fail(err, errlen, "out of memory");
    }
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        sl_cluster_result *x = &out->results[i];
        x->seq = sl_cluster_rd_u64(&r);
        const unsigned char *h = sl_cluster_rd_bytes(&r, SL_CLUSTER_HASH);
        if (h)
            memcpy(x->hash, h, SL_CLUSTER_HASH);
        x->status = sl_cluster_rd_u8(&r);
        x->flags = sl_cluster_rd_u8(&r);
        x->busy_us = sl_cluster_rd_u32(&r);
        x->len = sl_cluster_rd_u32(&r);
        x->data = sl_cluster_rd_bytes(&r, x->len);
        if (x->status > SL_CLUSTER_UNSUPPORTED)
            r.bad = 1;
    }
    if (r.bad || r.left) {
        sl_cluster_results_free(out);
        return fail(err, errlen, r.bad ? "a result batch cut short or with a bad status"
                                       : "a result batch with bytes after its last result");
    }
    out->n = n;
    return 0;
}

void sl_cluster_results_free(sl_cluster_results *r)
{
    free(r->results);
    free(r->raw);
    r->results = NULL;
    r->raw = NULL;
    r->n = 0;
}
