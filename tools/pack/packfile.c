/*
 * packfile.c - the seekable reader: a pack file's seek table, read from
 * the end, and any range of the original from the frames that hold it.
 *
 * The one idea: in a seekable stream the frame that holds a byte follows
 * from the seek table alone, and in age the chunk that holds a stream byte
 * follows from its offset alone (64 KiB per chunk, the nonce is the
 * index), so a read touches only the chunks under the frames under the
 * range, and opens and checks each on its own.  The handle does not change
 * after the open, but for one atomic mark (how many frames of a plain file
 * are known to agree with the seek table); each read takes its buffers and
 * zstd context from a short mutex-guarded free list, so concurrent readers
 * share nothing else (pread needs no lock).
 */
#include "sluice/packfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_stableOutBuffer */
#include <zstd.h>

#include "ageheader.h"
#include "foreign.h"
#include "agekey.h"
#include "armor.h"
#include "packfile_keys.h"
#include "packfile_sink.h"
#include "reader.h"
#include "seektable.h"
#include "stream.h"

#define FRAME_MAX ((uint64_t)64 << 20) /* the largest frame a read decompresses whole */
#define TABLE_MAX ((uint64_t)64 << 20) /* the largest seek table (5.5 million frames) */
#define GROUP 4                         /* STREAM chunks read and opened at a time */

/* What one read works in: kept on the handle's free list between reads.
 * Its zstd context and the first homes of ct and pt share one 2 MiB huge
 * page, the arena (see scratch_new); a bigger ct or pt moves out. */
typedef struct scratch {
    struct scratch *next;
    ZSTD_DCtx *dctx;          /* static, in the arena */
    uint8_t *arena;
    size_t arena_cap;
    uint8_t *ct, *pt, *frame; /* ciphertext, plaintext (or the plain file's bytes), a decompressed frame */
    size_t ct_cap, pt_cap, frame_cap;
    uint64_t pt_first, pt_last; /* age: pt holds chunks pt_first..pt_last, opened, when pt_valid */
    int pt_valid;
} scratch;

struct sl_packfile {
    int fd;
    char *name;
    int encrypted;
    uint64_t payload_at; /* age: where the STREAM chunks start in the file */
    uint64_t ct_len;     /* age: bytes of STREAM chunks */
    uint64_t chunks;     /* age: how many */
    uint8_t *key;        /* age: the payload key (sodium_malloc'd) */
    uint64_t stream_len; /* bytes of the compressed stream (the age plaintext) */
    size_t n;            /* frames */
    uint64_t *coff;      /* n + 1 stream offsets of the frames */
    uint64_t *doff;      /* n + 1 original offsets */
    uint32_t *check;
    int checksums;
    /* plain: frames [0, agreed) sit where the table puts them, with the
     * sizes it gives (see check_frames_before); only ever grows */
    atomic_size_t agreed;
    pthread_mutex_t mu;
    scratch *spare;
};

static int fail(const sl_packfile *pf, char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(const sl_packfile *pf, char *err, size_t errlen, int code, const char *fmt, ...)
{
    int k = snprintf(err, errlen, "%s: ", pf->name);
    va_list ap;
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < errlen)
        vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- buffers ---- */

#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_MIN ((size_t)256 << 10) /* from here one huge page costs less than its small ones */

/* Grows a scratch buffer (its contents are not kept): by half again at
 * least, in whole MiB past 1 MiB, and faulted in with one madvise, so
 * that reads of frames of about one size settle on one buffer at once
 * instead of faulting in fresh pages, page by page, frame after frame.
 * A buffer of HUGE_MIN or more is rounded up to whole 2 MiB huge pages,
 * aligned, and asks for them: a 4 MiB frame is then two faults instead of
 * a thousand, which was most of a lone read's cost (the first read of a
 * process, `unpack --range`) where page faults are dear, as in a virtual
 * machine (here a 4 KiB page costs 13-24 us, a 2 MiB one about 150).
 * Only the first `use` bytes are faulted in at once (a frame prefix
 * touches no further); the rest, if ever touched, on demand. */
static int reserve_first(uint8_t **p, size_t *cap, size_t need, size_t use)
{
    if (need <= *cap)
        return 0;
    size_t n = need > *cap + *cap / 2 ? need : *cap + *cap / 2;
    if (n > ((size_t)1 << 20))
        n = (n + ((size_t)1 << 20) - 1) & ~(((size_t)1 << 20) - 1);
    free(*p);
    *p = NULL;
    if (n >= HUGE_MIN) {
        n = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        void *q;
        if (posix_memalign(&q, HUGE_PAGE, n) == 0)
            *p = q;
#ifdef MADV_HUGEPAGE
        if (*p)
            (void)madvise(*p, n, MADV_HUGEPAGE); /* a hint: without transparent huge pages, EINVAL */
#endif
    } else {
        *p = malloc(n);
    }
    *cap = *p ? n : 0;
#ifdef MADV_POPULATE_WRITE
    uintptr_t a = ((uintptr_t)*p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)*p + (use < n ? use : n) + 4095) & ~(uintptr_t)4095;
    if (e > (uintptr_t)*p + n)
        e = ((uintptr_t)*p + n) & ~(uintptr_t)4095;
    if (*p && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE); /* a hint: old kernels say EINVAL */
#endif
    return *p ? 0 : -1;
}

static int reserve(uint8_t **p, size_t *cap, size_t need)
{
    return reserve_first(p, cap, need, need);
}

static int in_arena(const scratch *s, const uint8_t *p)
{
    return p && s->arena && p >= s->arena && p < s->arena + s->arena_cap;
}

/* reserve() for ct or pt, which may still be in their arena slot. */
static int grow(scratch *s, uint8_t **p, size_t *cap, size_t need)
{
    if (need > *cap && in_arena(s, *p)) {
        *p = NULL; /* leaves its slot (not freed) for a buffer of its own */
        *cap = 0;
    }
    return reserve(p, cap, need);
}

static void scratch_free(scratch *s)
{
    if (!s)
        return;
    if (!in_arena(s, s->ct))
        free(s->ct);
    if (!in_arena(s, s->pt))
        free(s->pt);
    free(s->frame);
    free(s->arena); /* the static zstd context with it */
    free(s);
}

/* A read's zstd context: its output buffer is stable (see frame_prefix).
 * A frame decoded whole has its XXH64 checked in age too: a chunk's
 * authentication proves only that the bytes are what the writer sealed,
 * and a frame damaged before it was sealed (memory, a faulty or hostile
 * writer: anyone with the public key can write such a file) decoded to
 * other bytes with exit 0, where `age -d | zstd -d` and the streaming
 * path refuse it. */
static int dctx_setup(const sl_packfile *pf, ZSTD_DCtx *d)
{
    (void)pf;
    return ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_stableOutBuffer, 1)) ? -1 : 0;
}

#define ROUND_PAGE(n) (((n) + 4095) & ~(size_t)4095)
#define CT_SLOT ROUND_PAGE(GROUP * SL_STREAM_CT_CHUNK)

/* A new scratch: one 2 MiB huge page holds its zstd context (static,
 * with room for the one block a streamed decode buffers), a group of
 * chunks' ciphertext and the rest of the page for plaintext.  Each fresh
 * 4 KiB page costs a fault at its first touch (~25 us in a virtual
 * machine, MADV_POPULATE_WRITE or not); ZSTD_createDCtx and malloc'd
 * buffers for the seek table's chunks were about a hundred of them in a
 * lone read, where the huge page is one (zeroed, ~0.2 ms). */
static scratch *scratch_new(const sl_packfile *pf)
{
    scratch *s = calloc(1, sizeof *s);
    size_t zwork = ROUND_PAGE(ZSTD_estimateDCtxSize() + ZSTD_BLOCKSIZE_MAX + 4096);
    if (!s || reserve(&s->arena, &s->arena_cap, HUGE_PAGE) || zwork + CT_SLOT >= s->arena_cap ||
        !(s->dctx = ZSTD_initStaticDCtx(s->arena, zwork)) || dctx_setup(pf, s->dctx)) {
        if (s)
            free(s->arena);
        free(s);
        return NULL;
    }
    s->ct = s->arena + zwork;
    s->ct_cap = CT_SLOT;
    s->pt = s->ct + CT_SLOT;
    s->pt_cap = s->arena_cap - zwork - CT_SLOT;
    return s;
}

static scratch *scratch_get(sl_packfile *pf)
{
    pthread_mutex_lock(&pf->mu);
    scratch *s = pf->spare;
    if (s)
        pf->spare = s->next;
    pthread_mutex_unlock(&pf->mu);
    return s ? s : scratch_new(pf);
}

static void scratch_put(sl_packfile *pf, scratch *s)
{
    pthread_mutex_lock(&pf->mu);
    s->next = pf->spare;
    pf->spare = s;
    pthread_mutex_unlock(&pf->mu);
}

/* Reads n bytes at `at`: 0, or a failure as read_failed reports it. */
static int pread_full(int fd, uint8_t *p, size_t n, uint64_t at)
{
    while (n) {
        ssize_t k = pread(fd, p, n, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? -1 : (errno = 0, -1); /* shorter than fstat said at the open: it shrank */
        p += k;
        n -= (size_t)k;
        at += (uint64_t)k;
    }
    return 0;
}

static int read_failed(const sl_packfile *pf, char *err, size_t errlen)
{
    if (errno == 0)
        return fail(pf, err, errlen, SL_PACKFILE_EIO,
                    "read error: the file ends early (it was truncated or changed after it was opened)");
    return fail(pf, err, errlen, SL_PACKFILE_EIO, "read error: %s", strerror(errno));
}

/* ---- the compressed stream ---- */

static int chunk_failed(const sl_packfile *pf, const scratch *s, uint64_t c0, uint64_t bad, char *err, size_t errlen)
{
    uint64_t at = bad * SL_STREAM_CT_CHUNK;
    size_t len = pf->ct_len - at < SL_STREAM_CT_CHUNK ? (size_t)(pf->ct_len - at) : SL_STREAM_CT_CHUNK;
    if (bad == pf->chunks - 1 && len == SL_STREAM_CT_CHUNK &&
        sl_stream_opens_as_middle(s->ct + (bad - c0) * SL_STREAM_CT_CHUNK, len, bad, pf->key))
        return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                    "truncated: the age payload ends after chunk %llu, which is not the last one",
                    (unsigned long long)bad);
    /* Named by its offset in the file, as the streaming reader names it;
     * only the last chunk can be the victim of a truncation (the file's
     * size fixed where every other one starts and ends). */
    return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                "age payload chunk %llu (at offset %llu) failed to authenticate: the file is %scorrupted or "
                "was modified",
                (unsigned long long)bad, (unsigned long long)(pf->payload_at + at),
                bad == pf->chunks - 1 ? "truncated, " : "");
}

/* Points *out at stream bytes [off, off + len) (len > 0), in s: read as
 * they are from a plain file, or decrypted and authenticated chunk by
 * chunk (only the chunks under the range) from an age file. */
static int stream_bytes(const sl_packfile *pf, scratch *s, uint64_t off, size_t len, const uint8_t **out, char *err,
                        size_t errlen)
{
    if (!pf->encrypted) {
        if (grow(s, &s->pt, &s->pt_cap, len))
            return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
        if (pread_full(pf->fd, s->pt, len, off))
            return read_failed(pf, err, errlen);
        *out = s->pt;
        return 0;
    }
    uint64_t c0 = off / SL_STREAM_CHUNK, c1 = (off + len - 1) / SL_STREAM_CHUNK;
    if (s->pt_valid && s->pt_first <= c0 && c1 <= s->pt_last) { /* small reads in a row share their chunks */
        *out = s->pt + (off - s->pt_first * SL_STREAM_CHUNK);
        return 0;
    }
    s->pt_valid = 0;
    /* room for a group of chunks (the arena's slot), or for fewer when that is all a read needs */
    uint64_t group = c1 - c0 + 1 < GROUP ? c1 - c0 + 1 : GROUP;
    if (grow(s, &s->ct, &s->ct_cap, (size_t)group * SL_STREAM_CT_CHUNK) ||
        grow(s, &s->pt, &s->pt_cap, (size_t)(c1 - c0 + 1) * SL_STREAM_CHUNK))
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    /* a few chunks at a time: each is opened while its ciphertext is
     * still in the cache that the read left it in */
    for (uint64_t c = c0; c <= c1; c += GROUP) {
        uint64_t last = c + GROUP - 1 < c1 ? c + GROUP - 1 : c1;
        uint64_t ct_at = c * SL_STREAM_CT_CHUNK, ct_end = (last + 1) * SL_STREAM_CT_CHUNK;
        size_t ctn = (size_t)((ct_end < pf->ct_len ? ct_end : pf->ct_len) - ct_at);
        uint64_t bad;
        if (pread_full(pf->fd, s->ct, ctn, pf->payload_at + ct_at))
            return read_failed(pf, err, errlen);
        if (sl_stream_open(s->pt + (c - c0) * SL_STREAM_CHUNK, s->ct, ctn, c, last == pf->chunks - 1, pf->key,
                           &bad) < 0)
            return chunk_failed(pf, s, c, bad, err, errlen);
    }
    s->pt_first = c0;
    s->pt_last = c1;
    s->pt_valid = 1;
    *out = s->pt + (off - c0 * SL_STREAM_CHUNK);
    return 0;
}

/* ---- reading ---- */

/* Where sl__packfile_read_to hands decoded bytes, or NULL. */
typedef struct sink_to {
    sl__packfile_sink fn;
    void *ctx;
} sink_to;

#define SINK_STEP ((size_t)256 << 10) /* decoded bytes handed on at a time, while still in the cache */
#define FEED ((size_t)32 << 10)       /* compressed bytes given to zstd at a time: handing on, prefixes */

/* Decompresses frame f (its compressed bytes at src) into dst, handing
 * every SINK_STEP of output to the sink as soon as it is out: the writer
 * copies bytes that are still in the cache, where a whole 4 MiB frame
 * written after decoding would come back from memory. */
static int decode_handing_on(const sl_packfile *pf, scratch *s, size_t f, uint8_t *dst, const uint8_t *src,
                             const sink_to *w, char *err, size_t errlen)
{
    size_t csize = (size_t)(pf->coff[f + 1] - pf->coff[f]), dsize = (size_t)(pf->doff[f + 1] - pf->doff[f]);
    ZSTD_outBuffer out = {dst, dsize, 0}; /* stable: zstd decodes straight into it */
    ZSTD_inBuffer in = {src, 0, 0};
    size_t handed = 0, r = 1;
    ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
    while (r != 0 && (in.pos < in.size || in.size < csize)) {
        if (in.pos == in.size)
            in.size = csize - in.size < FEED ? csize : in.size + FEED;
        r = ZSTD_decompressStream(s->dctx, &out, &in);
        if (ZSTD_isError(r))
            return fail(pf, err, errlen, SL_PACKFILE_EAUTH, "frame %zu (at stream offset %llu) does not decompress: %s",
                        f, (unsigned long long)pf->coff[f], ZSTD_getErrorName(r));
        if (out.pos - handed >= SINK_STEP || (r == 0 && out.pos > handed)) {
            if (w->fn(w->ctx, dst + handed, out.pos - handed, pf->doff[f] + handed))
                return fail(pf, err, errlen, SL_PACKFILE_EIO, "the writer failed");
            handed = out.pos;
        }
    }
    if (r != 0 || out.pos != dsize)
        return fail(pf, err, errlen, SL_PACKFILE_EAUTH, "frame %zu (at stream offset %llu) does not decompress: %s", f,
                    (unsigned long long)pf->coff[f], "its size differs from the seek table's");
    return 0;
}

/* Decompresses frame f into dst (exactly its size) after checking that
 * its bytes are one zstd frame, with the seek table's checksum; handing
 * the output to w as it goes, if w is not NULL. */
static int frame_decode(const sl_packfile *pf, scratch *s, size_t f, uint8_t *dst, const sink_to *w, char *err,
                        size_t errlen)
{
    size_t csize = (size_t)(pf->coff[f + 1] - pf->coff[f]), dsize = (size_t)(pf->doff[f + 1] - pf->doff[f]);
    const uint8_t *src;
    int rc = stream_bytes(pf, s, pf->coff[f], csize, &src, err, errlen);
    if (rc)
        return rc;
    if (ZSTD_findFrameCompressedSize(src, csize) != csize || (pf->checksums && (!(src[4] & 4) ||
                                                                                sl_le32(src + csize - 4) != pf->check[f])))
        return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                    "frame %zu (at stream offset %llu) is not the zstd frame its seek table entry describes", f,
                    (unsigned long long)pf->coff[f]);
    if (w)
        return decode_handing_on(pf, s, f, dst, src, w, err, errlen);
    size_t n = ZSTD_decompressDCtx(s->dctx, dst, dsize, src, csize);
    if (ZSTD_isError(n) || n != dsize)
        return fail(pf, err, errlen, SL_PACKFILE_EAUTH, "frame %zu (at stream offset %llu) does not decompress: %s", f,
                    (unsigned long long)pf->coff[f],
                    ZSTD_isError(n) ? ZSTD_getErrorName(n) : "its size differs from the seek table's");
    return 0;
}

/* Decompresses the first `need` bytes of frame f (need < its size) into
 * s->frame, decrypting its chunks a group at a time and stopping as soon
 * as they are out: a range that ends inside a frame costs only what comes
 * before its end.  For age files only, because the prefix never reaches
 * the frame's checksum at its end: there each chunk's authentication is
 * what vouches for the bytes (and decoding is deterministic).  The output
 * buffer holds the whole frame and is declared stable, so zstd decodes
 * straight into it: otherwise it would allocate a window of the frame's
 * size of its own (fresh pages in a fresh process) and copy out of it.
 * zstd gets FEED compressed bytes per call, so that it stops within a
 * block or two past `need` (a whole group of chunks per call decoded up
 * to a MiB beyond it), and only the buffer up to about there is faulted
 * in: a 1 MiB range early in a 4 MiB frame touches one huge page, not two. */
static int frame_prefix(const sl_packfile *pf, scratch *s, size_t f, size_t need, char *err, size_t errlen)
{
    size_t dsize = (size_t)(pf->doff[f + 1] - pf->doff[f]);
    /* exactly: 4 MiB is two huge pages, 4 MiB + 1 three */
    if (reserve_first(&s->frame, &s->frame_cap, dsize ? dsize : 1, need + 2 * ZSTD_BLOCKSIZE_MAX))
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    ZSTD_outBuffer out = {s->frame, dsize, 0};
    uint64_t at = pf->coff[f], end = pf->coff[f + 1];
    size_t step = GROUP * SL_STREAM_CHUNK;
    ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
    while (out.pos < need && at < end) {
        size_t n = (size_t)(step - at % step < end - at ? step - at % step : end - at);
        const uint8_t *src;
        int rc = stream_bytes(pf, s, at, n, &src, err, errlen);
        if (rc)
            return rc;
        ZSTD_inBuffer in = {src, 0, 0};
        while ((in.pos < in.size || in.size < n) && out.pos < need) {
            if (in.pos == in.size)
                in.size = n - in.size < FEED ? n : in.size + FEED;
            size_t r = ZSTD_decompressStream(s->dctx, &out, &in);
            if (ZSTD_isError(r))
                return fail(pf, err, errlen, SL_PACKFILE_EAUTH, "frame %zu (at stream offset %llu) does not decompress: %s",
                            f, (unsigned long long)pf->coff[f], ZSTD_getErrorName(r));
            if (r == 0)
                break; /* the frame ended */
        }
        at += n;
    }
    if (out.pos < need)
        return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                    "frame %zu (at stream offset %llu) ends before the size its seek table entry gives", f,
                    (unsigned long long)pf->coff[f]);
    return 0;
}

/* The frame that holds original byte `at` (at < size). */
static size_t frame_of(const sl_packfile *pf, uint64_t at)
{
    size_t lo = 0, hi = pf->n; /* doff[lo] <= at < doff[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pf->doff[mid] <= at)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Copies what frame f holds of [offset, offset + len) into buf, and
 * hands it to w if w is not NULL: a frame that lies wholly inside is
 * decompressed straight into place.  Without buf, w gets the bytes
 * straight from the frame buffer once the frame is verified: no buffer of
 * the range's size is touched (fresh pages are a lone read's dearest
 * cost). */
static int read_frame(const sl_packfile *pf, scratch *s, size_t f, uint64_t offset, uint8_t *buf, size_t len,
                      const sink_to *w, char *err, size_t errlen)
{
    uint64_t a = pf->doff[f], b = pf->doff[f + 1];
    uint64_t from = a > offset ? a : offset, to = b < offset + len ? b : offset + len;
    if (from == a && to == b && buf)
        return frame_decode(pf, s, f, buf + (a - offset), w, err, errlen);
    int rc;
    if (to < b && pf->encrypted) /* decode no further than needed */
        rc = frame_prefix(pf, s, f, (size_t)(to - a), err, errlen);
    else if (reserve(&s->frame, &s->frame_cap, b > a ? (size_t)(b - a) : 1))
        rc = fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    else
        rc = frame_decode(pf, s, f, s->frame, NULL, err, errlen);
    if (rc)
        return rc;
    const uint8_t *part = s->frame + (from - a);
    if (buf)
        part = memcpy(buf + (from - offset), part, (size_t)(to - from));
    if (w && w->fn(w->ctx, part, (size_t)(to - from), from))
        return fail(pf, err, errlen, SL_PACKFILE_EIO, "the writer failed");
    return 0;
}

/* ---- a plain file's seek table against its frames ---- */

#define HEAD_SPAN ((size_t)64 << 10) /* the headers of small frames are read together, this much at a time */

/* Records that frames [0, upto) agree with the table, if they are more
 * than the mark says: readers on other threads may be raising it too. */
static void agreed_up_to(sl_packfile *pf, size_t from, size_t upto)
{
    size_t cur = atomic_load_explicit(&pf->agreed, memory_order_acquire);
    while (cur >= from && cur < upto &&
           !atomic_compare_exchange_weak_explicit(&pf->agreed, &cur, upto, memory_order_release, memory_order_acquire))
        ;
}

/* In a plain file nothing vouches for the seek table.  A read checks each
 * frame it decompresses, but where its first frame's bytes go in the
 * original is the sum of the sizes that the table gives every frame
 * before it, which the read never decodes: one changed entry there
 * shifted the output with every checksum still matching.  So before a
 * read from frame `upto`, each earlier frame's header is read where the
 * table puts the frame, and its Frame_Content_Size must be the table's
 * size: one pread of 18 bytes per frame, or one over a run of small
 * frames.  A frame whose header gives no content size (other tools'
 * seekable files) is decompressed whole instead, if `decode_unsized`,
 * else passed over (and then nothing is recorded).  The handle remembers
 * how far the frames agree, so each is checked once.  In age the table
 * is authenticated with the rest of the payload: nothing to do. */
static int check_frames_before(sl_packfile *pf, scratch *s, size_t upto, int decode_unsized, char *err,
                               size_t errlen)
{
    size_t f = atomic_load_explicit(&pf->agreed, memory_order_acquire), from = f;
    int unsized = 0;
    while (f < upto) {
        uint64_t at = pf->coff[f];
        size_t k = f + 1; /* frames f..k-1 in this read */
        while (k < upto && pf->coff[k] + ZSTD_FRAMEHEADERSIZE_MAX <= at + HEAD_SPAN)
            k++;
        uint64_t end = pf->coff[k - 1] + ZSTD_FRAMEHEADERSIZE_MAX < pf->coff[k] ? pf->coff[k - 1] + ZSTD_FRAMEHEADERSIZE_MAX
                                                                                 : pf->coff[k];
        if (grow(s, &s->pt, &s->pt_cap, (size_t)(end - at)))
            return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
        if (pread_full(pf->fd, s->pt, (size_t)(end - at), at))
            return read_failed(pf, err, errlen);
        for (; f < k; f++) {
            uint64_t csize = pf->coff[f + 1] - pf->coff[f], dsize = pf->doff[f + 1] - pf->doff[f];
            ZSTD_frameHeader h;
            if (ZSTD_getFrameHeader(&h, s->pt + (pf->coff[f] - at),
                                    csize < ZSTD_FRAMEHEADERSIZE_MAX ? (size_t)csize : ZSTD_FRAMEHEADERSIZE_MAX) != 0 ||
                h.frameType != ZSTD_frame)
                return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                            "frame %zu is not at stream offset %llu, where the seek table puts it: the seek table or "
                            "the file is corrupted",
                            f, (unsigned long long)pf->coff[f]);
            if (h.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
                unsized = 1;
                if (!decode_unsized)
                    continue;
                int rc = reserve(&s->frame, &s->frame_cap, dsize ? (size_t)dsize : 1)
                             ? fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory")
                             : frame_decode(pf, s, f, s->frame, NULL, err, errlen);
                if (rc)
                    return rc;
                f++;
                break; /* the frame's bytes took the headers' place in s->pt: read on from the next */
            }
            if (h.frameContentSize != dsize)
                return fail(pf, err, errlen, SL_PACKFILE_EAUTH,
                            "frame %zu (at stream offset %llu) holds %llu bytes by its header, but the seek table "
                            "says %llu: the seek table or the file is corrupted",
                            f, (unsigned long long)pf->coff[f], (unsigned long long)h.frameContentSize,
                            (unsigned long long)dsize);
        }
    }
    if (decode_unsized || !unsized)
        agreed_up_to(pf, from, upto);
    return 0;
}

int sl__packfile_check_table(sl_packfile *pf, char *err, size_t errlen)
{
    if (pf->encrypted)
        return 0;
    scratch *s = scratch_get(pf);
    if (!s)
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    int rc = check_frames_before(pf, s, pf->n, 0, err, errlen);
    scratch_put(pf, s);
    return rc;
}

void sl__packfile_reading_whole(sl_packfile *pf)
{
    atomic_store_explicit(&pf->agreed, pf->n, memory_order_release);
}

int sl__packfile_read_to(sl_packfile *pf, uint64_t offset, void *buf, size_t len, sl__packfile_sink fn, void *ctx,
                         char *err, size_t errlen)
{
    uint64_t size = pf->doff[pf->n];
    if (offset > size || len > size - offset)
        return fail(pf, err, errlen, SL_PACKFILE_ERANGE,
                    "the range %llu:%zu reaches past the end of the original (%llu byte%s)", (unsigned long long)offset,
                    len, (unsigned long long)size, size == 1 ? "" : "s");
    if (!len)
        return 0;
    scratch *s = scratch_get(pf);
    if (!s)
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    sink_to w = {fn, ctx};
    size_t first = frame_of(pf, offset), f = first;
    int rc = pf->encrypted ? 0 : check_frames_before(pf, s, first, 1, err, errlen);
    for (; rc == 0 && f < pf->n && pf->doff[f] < offset + len; f++)
        rc = read_frame(pf, s, f, offset, buf, len, fn ? &w : NULL, err, errlen);
    if (rc == 0 && !pf->encrypted)
        agreed_up_to(pf, first, f); /* each frame read was decompressed whole and its size checked */
    scratch_put(pf, s);
    if (rc && buf)
        memset(buf, 0, len); /* nothing unverified, and no half of a range */
    return rc;
}

int sl_packfile_read(sl_packfile *pf, uint64_t offset, void *buf, size_t len, char *err, size_t errlen)
{
    return sl__packfile_read_to(pf, offset, buf, len, NULL, NULL, err, errlen);
}

/* ---- the seek table, from the end ---- */

static int table_bad(const sl_packfile *pf, char *err, size_t errlen, const char *what)
{
    return fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "seek table: %s", what);
}

/* Builds the frames' offsets from a parsed table of tsize bytes. */
static int index_frames(sl_packfile *pf, const sl_seektable *t, uint64_t tsize, char *err, size_t errlen)
{
    pf->n = t->n;
    pf->checksums = t->checksums;
    pf->coff = malloc((t->n + 1) * sizeof *pf->coff);
    pf->doff = malloc((t->n + 1) * sizeof *pf->doff);
    pf->check = malloc((t->n + 1) * sizeof *pf->check);
    if (!pf->coff || !pf->doff || !pf->check)
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    pf->coff[0] = pf->doff[0] = 0;
    for (size_t i = 0; i < t->n; i++) {
        const sl_seek_entry *e = &t->e[i];
        /* The seekable format allows bigger frames (zstd's contrib writer
         * makes frames of up to 1 GiB by default): say that it is this
         * reader's limit and what reads the file, not that it is bad. */
        if (e->dsize > FRAME_MAX)
            return fail(pf, err, errlen, SL_PACKFILE_EFORMAT,
                        "seek table: frame %zu holds %u bytes, over the 64 MiB a frame may hold to be read at random: "
                        "unpack the file whole",
                        i, (unsigned)e->dsize);
        if (e->csize > ZSTD_compressBound(e->dsize) || e->csize < 9)
            return fail(pf, err, errlen, SL_PACKFILE_EFORMAT,
                        "seek table: frame %zu's sizes (%u bytes compressed to %u) cannot be zstd's", i,
                        (unsigned)e->dsize, (unsigned)e->csize);
        pf->coff[i + 1] = pf->coff[i] + e->csize;
        pf->doff[i + 1] = pf->doff[i] + e->dsize;
        pf->check[i] = e->check;
    }
    if (pf->coff[t->n] + tsize != pf->stream_len)
        return table_bad(pf, err, errlen, "its frames and the table do not add up to the stream");
    return 0;
}

static int read_table(sl_packfile *pf, scratch *s, char *err, size_t errlen)
{
    const uint8_t *p;
    uint8_t foot[SL_SEEKABLE_FOOTER];
    if (pf->stream_len < 8 + SL_SEEKABLE_FOOTER)
        return fail(pf, err, errlen, SL_PACKFILE_ENOTABLE, "seek table: none at the end of the stream");
    int rc = stream_bytes(pf, s, pf->stream_len - sizeof foot, sizeof foot, &p, err, errlen);
    if (rc)
        return rc;
    memcpy(foot, p, sizeof foot);
    if (sl_le32(foot + 5) != SL_SEEKABLE_MAGIC)
        return fail(pf, err, errlen, SL_PACKFILE_ENOTABLE,
                    "seek table: none at the end of the stream (sluice pack writes one, zstd does not: unpack such "
                    "a file whole)");
    uint64_t frames = sl_le32(foot), esz = foot[4] & 0x80 ? 12 : 8;
    uint64_t tsize = 8 + frames * esz + SL_SEEKABLE_FOOTER;
    if (frames > SL_SEEKABLE_MAX_FRAMES || tsize > TABLE_MAX || tsize > pf->stream_len)
        return table_bad(pf, err, errlen, "larger than the stream or than 64 MiB");
    if ((rc = stream_bytes(pf, s, pf->stream_len - tsize, (size_t)tsize, &p, err, errlen)))
        return rc;
    if (sl_le32(p) != SL_SKIPPABLE_MAGIC_SEEK || sl_le32(p + 4) != tsize - 8)
        return table_bad(pf, err, errlen, "its skippable frame header does not match its footer");
    sl_seektable t = {0};
    char why[256];
    if (sl_seektable_parse(p + 8, (size_t)tsize - 8, &t, why, sizeof why)) {
        sl_seektable_free(&t);
        return fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "%s", why);
    }
    rc = index_frames(pf, &t, tsize, err, errlen);
    sl_seektable_free(&t);
    return rc;
}

/* ---- age ---- */

typedef struct pread_src {
    int fd;
    uint64_t at;
} pread_src;

static ssize_t fill_pread(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    pread_src *p = ctx;
    for (;;) {
        ssize_t n = pread(p->fd, buf, cap, (off_t)p->at);
        if (n >= 0) {
            p->at += (uint64_t)n;
            return n;
        }
        if (errno != EINTR) {
            snprintf(err, errlen, "read error: %s", strerror(errno));
            return -1;
        }
    }
}

/* What kind of failure sl_age_unwrap's message describes. */
static int unwrap_status(const char *why)
{
    if (strstr(why, "MAC mismatch"))
        return SL_PACKFILE_EAUTH;
    if (strstr(why, "age header:") == why && !strstr(why, "work factor"))
        return SL_PACKFILE_EFORMAT;
    return SL_PACKFILE_EKEY; /* no identity matched, wrong passphrase, none given, work factor over the limit */
}

/* The file key, from the header the reader is at. */
static int unwrap(sl_packfile *pf, sl_reader *r, const sl_packfile_keys *k, uint8_t file_key[16], char *err,
                  size_t errlen)
{
    sl_age_header h;
    char why[512];
    if (sl_age_header_parse(r, &h, why, sizeof why)) {
        sl_age_header_free(&h);
        return fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "%s", why);
    }
    const char *pass = k->pass;
    size_t pass_len = k->pass_len;
    int rc = 0;
    if (sl_age_is_scrypt(&h) && !pass && k->ask_pass && k->ask_pass(k->ask_ctx, &pass, &pass_len, why, sizeof why))
        rc = fail(pf, err, errlen, SL_PACKFILE_EKEY, "%s", why);
    if (!rc && sl_age_unwrap(&h, k->ids, pass, pass_len, k->max_log_n, file_key, why, sizeof why))
        rc = fail(pf, err, errlen, unwrap_status(why), "%s", why);
    sl_age_header_free(&h);
    return rc;
}

/* Header, payload key, and the shape of the STREAM from the file's size. */
static int open_age(sl_packfile *pf, uint64_t file_size, const sl_packfile_keys *k, char *err, size_t errlen)
{
    pread_src src = {pf->fd, 0};
    sl_reader r;
    uint8_t file_key[16], nonce[16];
    if (sl_reader_init(&r, fill_pread, &src, 4096) || !(pf->key = sodium_malloc(32))) {
        sl_reader_free(&r);
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    }
    int rc = unwrap(pf, &r, k, file_key, err, errlen);
    if (!rc && sl_reader_read(&r, nonce, 16) != 16)
        rc = fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "truncated: no payload after the age header");
    pf->payload_at = r.offset;
    sl_reader_free(&r);
    if (rc)
        return rc;
    sl_age_payload_key(pf->key, file_key, nonce);
    sodium_memzero(file_key, sizeof file_key);
    pf->encrypted = 1;
    pf->ct_len = file_size - pf->payload_at;
    pf->chunks = (pf->ct_len + SL_STREAM_CT_CHUNK - 1) / SL_STREAM_CT_CHUNK;
    uint64_t last = pf->ct_len - (pf->chunks ? pf->chunks - 1 : 0) * SL_STREAM_CT_CHUNK;
    if (!pf->chunks || last < SL_STREAM_TAG)
        return fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "truncated: the age payload ends inside a chunk's tag");
    pf->stream_len = pf->ct_len - pf->chunks * SL_STREAM_TAG;
    return 0;
}

/* ---- opening ---- */

/* What the file is, from its first bytes: 1 age, 0 plain zstd, or an error. */
static int kind_of(sl_packfile *pf, char *err, size_t errlen)
{
    uint8_t p[1024 + 64];
    ssize_t n = pread(pf->fd, p, sizeof p, 0);
    if (n < 0)
        return fail(pf, err, errlen, SL_PACKFILE_EIO, "read error: %s", strerror(errno));
    size_t intro = strlen(SL_AGE_INTRO) - 3; /* "age-encryption.org/" */
    if ((size_t)n >= intro && !memcmp(p, SL_AGE_INTRO, intro))
        return 1;
    sl_memsrc m = {p, (size_t)n, 0};
    sl_reader r;
    int armored = sl_reader_init(&r, sl_fill_mem, &m, sizeof p) == 0 && sl_armor_detect(&r);
    sl_reader_free(&r);
    if (armored)
        return fail(pf, err, errlen, SL_PACKFILE_EFORMAT,
                    "armored age cannot be read at random (its bytes do not sit at fixed places): unpack it whole");
    uint32_t magic = n >= 4 ? sl_le32(p) : 0;
    if (magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u)
        return 0;
    const char *kind = n > 0 ? sl_foreign_format(p, (size_t)n) : "it is empty";
    return fail(pf, err, errlen, SL_PACKFILE_EFORMAT, "not a zstd, age or sluice pack file%s%s%s", kind ? " (" : "",
                kind ? kind : "", kind ? ")" : "");
}

static int open_handle(sl_packfile *pf, const sl_packfile_keys *k, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(pf->fd, &st) != 0)
        return fail(pf, err, errlen, SL_PACKFILE_EIO, "cannot stat: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(pf, err, errlen, SL_PACKFILE_ENOSEEK,
                    "not a regular file: random access needs a file it can seek in (a pipe can only be unpacked "
                    "whole)");
    int rc = kind_of(pf, err, errlen);
    if (rc < 0)
        return rc;
    pf->stream_len = (uint64_t)st.st_size;
    if (rc == 1 && (rc = open_age(pf, (uint64_t)st.st_size, k, err, errlen)))
        return rc;
    scratch *s = scratch_get(pf);
    if (!s)
        return fail(pf, err, errlen, SL_PACKFILE_ENOMEM, "out of memory");
    rc = read_table(pf, s, err, errlen);
    if (!in_arena(s, s->pt)) /* a big table's buffer: not worth keeping */
        scratch_free(s);
    else
        scratch_put(pf, s); /* the first read takes its zstd context and buffers */
    return rc;
}

int sl__packfile_open_keys(sl_packfile **out, int fd, const char *name, const sl_packfile_keys *keys, char *err,
                           size_t errlen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "%s: cannot initialise libsodium", name);
        return SL_PACKFILE_ENOMEM;
    }
    sl_packfile *pf = calloc(1, sizeof *pf);
    if (!pf || !(pf->name = strdup(name))) {
        free(pf);
        snprintf(err, errlen, "%s: out of memory", name);
        return SL_PACKFILE_ENOMEM;
    }
    pthread_mutex_init(&pf->mu, NULL);
    pf->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    int rc = pf->fd < 0 ? fail(pf, err, errlen, SL_PACKFILE_EIO, "%s", strerror(errno)) : open_handle(pf, keys, err, errlen);
    if (rc) {
        sl_packfile_close(pf);
        return rc;
    }
    *out = pf;
    return 0;
}

/* The keys a public sl_packfile_key names, loaded into ids. */
static int load_keys(const sl_packfile_key *key, sl_keylist *ids, sl_packfile_keys *k, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    if (!key)
        return 0;
    uint8_t sk[32];
    if (key->identity_file && sl_agekey_load_identities(ids, key->identity_file, err, errlen))
        return SL_PACKFILE_EKEY;
    if (key->identity) {
        int bad = sl_agekey_parse_identity(key->identity, strlen(key->identity), sk) || sl_keylist_add(ids, sk);
        sodium_memzero(sk, sizeof sk);
        if (bad) {
            snprintf(err, errlen, "the identity is not an AGE-SECRET-KEY-1... string");
            return SL_PACKFILE_EKEY;
        }
    }
    k->ids = ids;
    k->pass = key->passphrase;
    k->pass_len = key->passphrase ? strlen(key->passphrase) : 0;
    k->max_log_n = key->max_work_factor;
    return 0;
}

int sl_packfile_open_fd(sl_packfile **pf, int fd, const char *name, const sl_packfile_key *key, char *err,
                        size_t errlen)
{
    sl_keylist ids = {0};
    sl_packfile_keys k;
    *pf = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "%s: cannot initialise libsodium", name);
        return SL_PACKFILE_ENOMEM;
    }
    int rc = load_keys(key, &ids, &k, err, errlen);
    if (rc == 0)
        rc = sl__packfile_open_keys(pf, fd, name, &k, err, errlen);
    sl_keylist_free(&ids);
    return rc;
}

int sl_packfile_open(sl_packfile **pf, const char *path, const sl_packfile_key *key, char *err, size_t errlen)
{
    *pf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO opens at once, and is refused */
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return SL_PACKFILE_EIO;
    }
    int rc = sl_packfile_open_fd(pf, fd, path, key, err, errlen);
    close(fd);
    return rc;
}

void sl_packfile_close(sl_packfile *pf)
{
    if (!pf)
        return;
    while (pf->spare) {
        scratch *s = pf->spare;
        pf->spare = s->next;
        scratch_free(s);
    }
    if (pf->fd >= 0)
        close(pf->fd);
    if (pf->key)
        sodium_free(pf->key);
    pthread_mutex_destroy(&pf->mu);
    free(pf->coff);
    free(pf->doff);
    free(pf->check);
    free(pf->name);
    free(pf);
}

/* ---- what it holds ---- */

uint64_t sl_packfile_size(const sl_packfile *pf)
{
    return pf->doff[pf->n];
}

int sl_packfile_encrypted(const sl_packfile *pf)
{
    return pf->encrypted;
}

size_t sl_packfile_frames(const sl_packfile *pf)
{
    return pf->n;
}

int sl_packfile_frame(const sl_packfile *pf, size_t i, sl_packfile_frame_info *f)
{
    if (i >= pf->n)
        return SL_PACKFILE_ERANGE;
    f->offset = pf->doff[i];
    f->size = pf->doff[i + 1] - pf->doff[i];
    f->stream_offset = pf->coff[i];
    f->compressed_size = (uint32_t)(pf->coff[i + 1] - pf->coff[i]);
    f->checksum = pf->checksums ? pf->check[i] : 0;
    f->has_checksum = pf->checksums;
    return 0;
}
