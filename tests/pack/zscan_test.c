/*
 * zscan_test.c - the frame scanner: whole frames, streamed frames, seek
 * tables checked against the frames, and every truncation refused.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "check.h"
#include "seektable.h"
#include "zscan.h"

typedef struct scanned {
    int frames, pieces, raws, err;
    int empty_pieces, last_pieces; /* pieces of no bytes; pieces flagged last */
    size_t bytes;
    char msg[256];
} scanned;

static scanned scan(const uint8_t *p, size_t n, size_t frame_max, int raw_ok)
{
    scanned s = {0};
    sl_memsrc m = {p, n, 0};
    sl_reader r;
    sl_reader_init(&r, sl_fill_mem, &m, 65536);
    sl_zscan z;
    sl_zscan_init(&z, &r, frame_max, 4096, raw_ok);
    sl_zitem it;
    int rc;
    while ((rc = sl_zscan_next(&z, &it)) == 1) {
        s.frames += it.kind == SL_ZITEM_FRAME;
        s.pieces += it.kind == SL_ZITEM_PIECE;
        s.raws += it.kind == SL_ZITEM_RAW;
        s.empty_pieces += it.kind == SL_ZITEM_PIECE && it.len == 0;
        s.last_pieces += it.kind == SL_ZITEM_PIECE && it.last;
        s.bytes += it.len;
        free(it.data);
    }
    s.err = rc < 0;
    if (s.err)
        memcpy(s.msg, z.err, sizeof s.msg);
    sl_zscan_free(&z);
    sl_reader_free(&r);
    return s;
}

/* Three frames with checksums (and content sizes) plus a seek table. */
static uint8_t *seekable(size_t *len, sl_seektable *t)
{
    static uint8_t data[3][20000];
    uint8_t *out = malloc(100000);
    size_t n = 0;
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    t->checksums = 1;
    for (int i = 0; i < 3; i++) {
        for (size_t k = 0; k < sizeof data[i]; k++)
            data[i][k] = (uint8_t)(k * (size_t)(i + 1) % 251 ^ (k >> 7));
        size_t f = ZSTD_compress2(c, out + n, 100000 - n, data[i], sizeof data[i]);
        sl_seek_entry e = {(uint32_t)f, sizeof data[i], sl_le32(out + n + f - 4), 1, 1};
        sl_seektable_add(t, &e);
        n += f;
    }
    sl_seektable_write(t, out + n);
    n += sl_seektable_frame_size(t);
    ZSTD_freeCCtx(c);
    *len = n;
    return out;
}

SL_TEST(zscan_splits_frames_and_checks_the_seek_table)
{
    sl_seektable t = {0};
    size_t n;
    uint8_t *p = seekable(&n, &t);
    scanned s = scan(p, n, 1 << 20, 0);
    CHECK_EQ(s.err, 0);
    CHECK_EQ(s.frames, 3);
    CHECK_EQ(s.pieces, 0);
    /* A seek table that disagrees with the frames is an error. */
    t.e[1].dsize++;
    sl_seektable_write(&t, p + n - sl_seektable_frame_size(&t));
    s = scan(p, n, 1 << 20, 0);
    CHECK_EQ(s.err, 1);
    CHECK(strstr(s.msg, "seek table") != NULL);
    free(p);
    sl_seektable_free(&t);
}

SL_TEST(zscan_refuses_every_truncation)
{
    sl_seektable t = {0};
    size_t n;
    uint8_t *p = seekable(&n, &t);
    for (size_t cut = 1; cut < n; cut++) {
        scanned s = scan(p, cut, 1 << 20, 0);
        /* Cutting exactly between frames leaves a valid shorter zstd
         * stream (the seek table is optional in zstd); anything else fails. */
        int boundary = cut == t.e[0].csize || cut == t.e[0].csize + t.e[1].csize ||
                       cut == (size_t)t.e[0].csize + t.e[1].csize + t.e[2].csize;
        if (!boundary)
            CHECK_EQ(s.err, 1);
    }
    free(p);
    sl_seektable_free(&t);
}

SL_TEST(zscan_streams_frames_without_content_size)
{
    uint8_t in[50000], out[60000];
    for (size_t k = 0; k < sizeof in; k++)
        in[k] = (uint8_t)(k % 97);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0); /* like `zstd` reading a pipe */
    ZSTD_outBuffer ob = {out, sizeof out, 0};
    ZSTD_inBuffer ib = {in, sizeof in, 0};
    ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end);
    ZSTD_freeCCtx(c);
    scanned s = scan(out, ob.pos, 1 << 20, 0);
    CHECK_EQ(s.err, 0);
    CHECK_EQ(s.frames, 0);
    CHECK(s.pieces >= 1);
    CHECK_EQ(s.bytes, ob.pos);
    /* Same for a frame bigger than frame_max. */
    size_t f = ZSTD_compress(out, sizeof out, in, sizeof in, 1);
    s = scan(out, f, 1000, 0);
    CHECK_EQ(s.err, 0);
    CHECK(s.pieces >= 1);
    CHECK_EQ(s.frames, 0);
}

/* A streamed frame (no content size) without a checksum whose last block
 * ends exactly where a piece fills up: the frame's end was once handed
 * on as a further piece of no bytes and no buffer, which unpack's decoder
 * dereferenced (a crash on `head -c 1048560 /dev/urandom | zstd
 * --no-check`).  Every size around the edge, so that one of them lands
 * on it whatever zstd's framing costs. */
SL_TEST(zscan_streamed_frame_ending_at_a_piece_edge_ends_in_that_piece)
{
    static uint8_t in[12000], out[13000];
    uint64_t x = 88172645463325252ull;
    for (size_t k = 0; k < sizeof in; k++) { /* incompressible: raw blocks */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        in[k] = (uint8_t)x;
    }
    int hit = 0;
    for (size_t n = 4050; n <= 4110 || (n >= 8150 && n <= 8200); n = n == 4110 ? 8150 : n + 1) {
        for (int check = 0; check < 2; check++) {
            ZSTD_CCtx *c = ZSTD_createCCtx();
            ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
            ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, check);
            ZSTD_outBuffer ob = {out, sizeof out, 0};
            ZSTD_inBuffer ib = {in, n, 0};
            CHECK_EQ(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end), 0);
            ZSTD_freeCCtx(c);
            hit += ob.pos % 4096 == 0 || (ob.pos - 4) % 4096 == 0;
            scanned s = scan(out, ob.pos, 1 << 20, 0); /* pieces of 4096 */
            CHECK_EQ(s.err, 0);
            CHECK_EQ(s.bytes, ob.pos);
            CHECK_EQ(s.empty_pieces, 0);
            CHECK_EQ(s.last_pieces, 1);
        }
    }
    CHECK(hit >= 2); /* the sweep did reach the edge */
}

SL_TEST(zscan_rejects_garbage_but_passes_raw_payloads_when_asked)
{
    const uint8_t text[] = "hello, this is not zstd";
    scanned s = scan(text, sizeof text, 1 << 20, 0);
    CHECK_EQ(s.err, 1);
    s = scan(text, sizeof text, 1 << 20, 1);
    CHECK_EQ(s.err, 0);
    CHECK_EQ(s.raws, 1);
    CHECK_EQ(s.bytes, sizeof text);
    s = scan(text, 0, 1 << 20, 0);
    CHECK_EQ(s.err, 1); /* empty is not a zstd stream */
    /* Trailing garbage after a valid frame. */
    uint8_t buf[256];
    size_t f = ZSTD_compress(buf, sizeof buf, text, sizeof text, 3);
    memcpy(buf + f, "junk", 4);
    s = scan(buf, f + 4, 1 << 20, 0);
    CHECK_EQ(s.err, 1);
    CHECK(strstr(s.msg, "trailing") != NULL);
}

/* Skippable frames of size 0 are valid (zstd reads them), with the seek
 * table's magic too: found by make fuzz (a NULL buffer plus 0 under UBSan). */
SL_TEST(zscan_passes_empty_skippable_frames)
{
    const uint8_t text[] = "hello";
    uint8_t buf[256];
    static const uint32_t magics[] = {0x184D2A50u, 0x184D2A5Eu};
    for (int i = 0; i < 2; i++) {
        memset(buf, 0, 8);
        for (int k = 0; k < 4; k++)
            buf[k] = (uint8_t)(magics[i] >> (8 * k));
        size_t f = ZSTD_compress(buf + 8, sizeof buf - 8, text, sizeof text, 3);
        scanned s = scan(buf, 8 + f, 1 << 20, 0);
        CHECK_EQ(s.err, 0);
        CHECK_EQ(s.frames, 1);
        CHECK_EQ(s.bytes, f);
    }
}
