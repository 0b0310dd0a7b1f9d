/*
 * packfile_test.c - the seekable reader (include/sluice/packfile.h) on
 * files `sluice pack` writes here: ranges at every frame boundary and
 * across STREAM chunk boundaries, with one frame and with thousands, past
 * the end, corrupted chunks and frames (refused where needed, still
 * served where not), keys, and readers on many threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "agekey.h"
#include "check.h"
#include "packtest.h"
#include "seektable.h"
#include "sluice/packfile.h"
#include "stream.h"

typedef struct fixture {
    uint8_t *plain;
    size_t n;
    char recipient[SL_AGE_RECIPIENT_LEN + 1];
} fixture;

static fixture setup(size_t n, uint64_t seed)
{
    fixture fx = {malloc(n + 1), n, {0}};
    pt_dir_new();
    pt_fill_noisy(fx.plain, n, seed);
    pt_write("in", fx.plain, n);
    uint8_t pub[32];
    pt_identity(pub);
    sl_agekey_format_recipient(fx.recipient, pub);
    return fx;
}

static void teardown(fixture *fx)
{
    free(fx->plain);
    pt_dir_free();
}

/* pack `in` into `name` with --chunk chunk, to the recipient if age. */
static void pack(fixture *fx, const char *name, const char *chunk, int age)
{
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path(name));
    if (age)
        CHECK_EQ(pt_pack("-q", "-f", "--chunk", chunk, "-r", fx->recipient, "-o", out, pt_path("in"), NULL), 0);
    else
        CHECK_EQ(pt_pack("-q", "-f", "--chunk", chunk, "-o", out, pt_path("in"), NULL), 0);
}

static sl_packfile *open_ok(const char *name)
{
    sl_packfile_key key = {.identity_file = pt_path("id.txt")};
    sl_packfile *pf;
    char err[512];
    int rc = sl_packfile_open(&pf, pt_path(name), &key, err, sizeof err);
    if (rc)
        CHECK_EQ(rc, 0);
    return pf;
}

/* Reads [off, off + len) and checks it against the original. */
static void expect_range(sl_packfile *pf, const fixture *fx, uint64_t off, size_t len)
{
    static uint8_t *buf;
    static size_t cap;
    if (len + 1 > cap) {
        free(buf);
        buf = malloc(cap = len + 1);
    }
    char err[512];
    int rc = sl_packfile_read(pf, off, buf, len, err, sizeof err);
    if (rc || memcmp(buf, fx->plain + off, len)) {
        fprintf(stderr, "range %llu:%zu: %s\n", (unsigned long long)off, len, rc ? err : "wrong bytes");
        CHECK(0);
    }
}

static void expect_past_end(sl_packfile *pf, uint64_t off, size_t len)
{
    uint8_t buf[16];
    char err[512];
    CHECK_EQ(sl_packfile_read(pf, off, buf, len, err, sizeof err), SL_PACKFILE_ERANGE);
    CHECK(strstr(err, "past the end") != NULL);
}

/* First and last byte, both sides of every frame boundary, a range
 * across each boundary, the whole original, and past the end. */
static void check_boundaries(sl_packfile *pf, const fixture *fx)
{
    uint64_t size = sl_packfile_size(pf);
    CHECK_EQ(size, fx->n);
    expect_range(pf, fx, 0, 1);
    expect_range(pf, fx, size - 1, 1);
    expect_range(pf, fx, 0, (size_t)size);
    expect_range(pf, fx, size, 0);
    for (size_t i = 1; i < sl_packfile_frames(pf); i++) {
        sl_packfile_frame_info f;
        CHECK_EQ(sl_packfile_frame(pf, i, &f), 0);
        expect_range(pf, fx, f.offset - 1, 2); /* the last byte of one frame, the first of the next */
        if (i % 97 == 1)
            expect_range(pf, fx, f.offset - 1, 1), expect_range(pf, fx, f.offset, 1);
    }
    expect_past_end(pf, size, 1);
    expect_past_end(pf, size - 1, 2);
    expect_past_end(pf, UINT64_MAX - 1, 2);
}

/* Every frame read whole: each frame's compressed bytes that straddle a
 * 64 KiB STREAM chunk boundary make a read decrypt both chunks. */
static void check_every_frame(sl_packfile *pf, const fixture *fx)
{
    for (size_t i = 0; i < sl_packfile_frames(pf); i++) {
        sl_packfile_frame_info f;
        sl_packfile_frame(pf, i, &f);
        expect_range(pf, fx, f.offset, (size_t)f.size);
    }
}

SL_TEST(packfile_reads_ranges_at_every_boundary_of_thousands_of_frames)
{
    fixture fx = setup(3000000, 1);
    pack(&fx, "many.zst", "1000", 0);
    pack(&fx, "many.age", "1000", 1);
    for (int age = 0; age <= 1; age++) {
        sl_packfile *pf = open_ok(age ? "many.age" : "many.zst");
        CHECK_EQ(sl_packfile_frames(pf), 3000);
        CHECK_EQ(sl_packfile_encrypted(pf), age);
        check_boundaries(pf, &fx);
        check_every_frame(pf, &fx);
        expect_range(pf, &fx, 123457, 1500000); /* across many frames and chunks */
        sl_packfile_close(pf);
    }
    teardown(&fx);
}

SL_TEST(packfile_reads_ranges_of_a_single_frame)
{
    fixture fx = setup(300000, 2);
    pack(&fx, "one.zst", "4M", 0);
    pack(&fx, "one.age", "4M", 1);
    for (int age = 0; age <= 1; age++) {
        sl_packfile *pf = open_ok(age ? "one.age" : "one.zst");
        CHECK_EQ(sl_packfile_frames(pf), 1);
        check_boundaries(pf, &fx);
        expect_range(pf, &fx, 65535, 65538); /* the compressed frame spans several chunks; any range needs all */
        /* a plain file cut short after the open: a read says so, not "Input/output error" (in age the
         * one frame's chunks are still held, opened, from the reads above, and are served again) */
        char err[512], buf[16];
        CHECK(age || truncate(pt_path("one.zst"), 10) == 0);
        CHECK(age || sl_packfile_read(pf, 0, buf, sizeof buf, err, sizeof err) == SL_PACKFILE_EIO);
        CHECK(age ||
              strstr(err, "read error: the file ends early (it was truncated or changed after it was opened)") != NULL);
        sl_packfile_close(pf);
    }
    teardown(&fx);
}

/* An empty original: one empty frame, size 0, nothing to read. */
SL_TEST(packfile_reads_an_empty_original)
{
    fixture fx = setup(0, 3);
    pack(&fx, "empty.age", "1M", 1);
    sl_packfile *pf = open_ok("empty.age");
    CHECK_EQ(sl_packfile_size(pf), 0);
    expect_range(pf, &fx, 0, 0);
    expect_past_end(pf, 0, 1);
    sl_packfile_close(pf);
    teardown(&fx);
}

/* A copy of `name` as `copy` with one bit flipped at byte `at`. */
static void flip(const char *name, const char *copy, size_t at)
{
    size_t n;
    uint8_t *d = pt_read(name, &n);
    CHECK(d && at < n);
    d[at] ^= 0x10;
    pt_write(copy, d, n);
    free(d);
}

/* The file offset of STREAM chunk k's ciphertext in an age file. */
static size_t chunk_at(const char *name, uint64_t k)
{
    size_t n;
    uint8_t *d = pt_read(name, &n);
    const uint8_t *mac = (const uint8_t *)strstr((const char *)d, "\n--- ");
    CHECK(mac != NULL);
    size_t payload = (size_t)(mac - d) + 5 + 43 + 1 + 16;
    free(d);
    return payload + (size_t)k * SL_STREAM_CT_CHUNK;
}

/* A flipped bit in a chunk that a range needs: refused, and nothing of the
 * range is released; in a chunk it does not need: the range is served. */
SL_TEST(packfile_refuses_a_corrupted_chunk_only_where_a_range_needs_it)
{
    fixture fx = setup(2000000, 4);
    pack(&fx, "in.age", "100K", 1);
    size_t n;
    free(pt_read("in.age", &n));
    uint64_t k = (n - chunk_at("in.age", 0)) / SL_STREAM_CT_CHUNK / 2; /* a chunk in the middle */
    CHECK(k >= 2);
    flip("in.age", "bad.age", chunk_at("in.age", k) + 1000);
    sl_packfile *pf = open_ok("bad.age");
    char err[512];
    uint8_t *buf = malloc(fx.n);
    int needs = 0, served = 0;
    for (size_t i = 0; i < sl_packfile_frames(pf); i++) {
        sl_packfile_frame_info f;
        sl_packfile_frame(pf, i, &f);
        int touches = f.stream_offset < (k + 1) * 65536 && f.stream_offset + f.compressed_size > k * 65536;
        memset(buf, 0xAA, (size_t)f.size);
        int rc = sl_packfile_read(pf, f.offset, buf, (size_t)f.size, err, sizeof err);
        if (touches) {
            CHECK_EQ(rc, SL_PACKFILE_EAUTH);
            char want[128];
            snprintf(want, sizeof want, "bad.age: age payload chunk %llu (at offset %llu) failed to authenticate",
                     (unsigned long long)k, (unsigned long long)chunk_at("in.age", k));
            CHECK(strstr(err, want) != NULL);
            for (size_t k = 0; k < f.size; k++)
                CHECK(buf[k] == 0); /* nothing released */
            needs++;
        } else {
            CHECK_EQ(rc, 0);
            CHECK(!memcmp(buf, fx.plain + f.offset, (size_t)f.size));
            served++;
        }
    }
    CHECK(needs >= 1 && served >= 10);
    /* a range across the bad chunk is refused whole */
    CHECK_EQ(sl_packfile_read(pf, 0, buf, fx.n, err, sizeof err), SL_PACKFILE_EAUTH);
    sl_packfile_close(pf);
    /* the last chunk holds the seek table: the open itself refuses */
    flip("in.age", "badend.age", n - 3);
    sl_packfile_key key = {.identity_file = pt_path("id.txt")};
    CHECK_EQ(sl_packfile_open(&pf, pt_path("badend.age"), &key, err, sizeof err), SL_PACKFILE_EAUTH);
    CHECK(pf == NULL);
    free(buf);
    teardown(&fx);
}

/* Unencrypted, a flipped bit in a frame fails its checksum where read. */
SL_TEST(packfile_refuses_a_corrupted_frame_in_a_plain_file)
{
    fixture fx = setup(1000000, 5);
    pack(&fx, "in.zst", "100K", 0);
    sl_packfile *pf = open_ok("in.zst");
    sl_packfile_frame_info f3, f7;
    sl_packfile_frame(pf, 3, &f3);
    sl_packfile_frame(pf, 7, &f7);
    sl_packfile_close(pf);
    flip("in.zst", "bad.zst", (size_t)(f3.stream_offset + f3.compressed_size / 2));
    pf = open_ok("bad.zst");
    uint8_t *buf = malloc(fx.n);
    char err[512];
    CHECK_EQ(sl_packfile_read(pf, f3.offset + 10, buf, 10, err, sizeof err), SL_PACKFILE_EAUTH);
    CHECK(strstr(err, "frame 3 (at stream offset") != NULL);
    expect_range(pf, &fx, f7.offset, 5000);
    sl_packfile_close(pf);
    free(buf);
    teardown(&fx);
}

/* Truncated at a chunk boundary, armored, a pipe, zstd's own output (no
 * seek table), the wrong key, no key: each refused with its reason. */
SL_TEST(packfile_open_refuses_what_it_cannot_read_at_random)
{
    fixture fx = setup(1000000, 6);
    pack(&fx, "in.age", "64K", 1);
    char err[512];
    sl_packfile *pf;
    sl_packfile_key key = {.identity_file = pt_path("id.txt")};
    size_t n;
    uint8_t *d = pt_read("in.age", &n);
    size_t cut = chunk_at("in.age", 3);
    CHECK(cut + SL_STREAM_CT_CHUNK < n);
    pt_write("cut.age", d, cut);
    CHECK_EQ(sl_packfile_open(&pf, pt_path("cut.age"), &key, err, sizeof err), SL_PACKFILE_EAUTH);
    CHECK(strstr(err, "truncated: the age payload ends after chunk 2, which is not the last one") != NULL);
    free(d);
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("in.asc"));
    CHECK_EQ(pt_pack("-q", "-a", "-r", fx.recipient, "-o", out, pt_path("in"), NULL), 0);
    CHECK_EQ(sl_packfile_open(&pf, out, &key, err, sizeof err), SL_PACKFILE_EFORMAT);
    CHECK(strstr(err, "armored age cannot be read at random") != NULL);
    int p[2];
    CHECK_EQ(pipe(p), 0);
    CHECK_EQ(sl_packfile_open_fd(&pf, p[0], "<pipe>", &key, err, sizeof err), SL_PACKFILE_ENOSEEK);
    CHECK(strstr(err, "<pipe>: not a regular file") != NULL);
    close(p[0]);
    close(p[1]);
    static const uint8_t zstd_frame[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x68, 0x69};
    pt_write("plain.zst", zstd_frame, sizeof zstd_frame);
    CHECK_EQ(sl_packfile_open(&pf, pt_path("plain.zst"), NULL, err, sizeof err), SL_PACKFILE_ENOTABLE);
    CHECK(strstr(err, "seek table: none at the end") != NULL);
    CHECK_EQ(sl_packfile_open(&pf, pt_path("in.age"), NULL, err, sizeof err), SL_PACKFILE_EKEY);
    CHECK(strstr(err, "give an identity") != NULL);
    sl_packfile_key wrong = {.identity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"};
    CHECK_EQ(sl_packfile_open(&pf, pt_path("in.age"), &wrong, err, sizeof err), SL_PACKFILE_EKEY);
    CHECK(strstr(err, "no identity matched") != NULL);
    teardown(&fx);
}

/* A passphrase, with the work-factor limit. */
SL_TEST(packfile_opens_a_passphrase_file)
{
    fixture fx = setup(100000, 7);
    pt_write("pw", "open sesame\n", 12);
    setenv("SLUICE_SCRYPT_WORK_FACTOR", "11", 1);
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("in.age"));
    CHECK_EQ(pt_pack("-q", "--chunk", "10K", "--passphrase-file", pt_path("pw"), "-o", out, pt_path("in"), NULL), 0);
    unsetenv("SLUICE_SCRYPT_WORK_FACTOR");
    sl_packfile *pf;
    char err[512];
    sl_packfile_key key = {.passphrase = "open sesame", .max_work_factor = 10};
    CHECK_EQ(sl_packfile_open(&pf, out, &key, err, sizeof err), SL_PACKFILE_EKEY);
    CHECK(strstr(err, "work factor 11 is above the limit of 10") != NULL);
    key.max_work_factor = 0;
    CHECK_EQ(sl_packfile_open(&pf, out, &key, err, sizeof err), 0);
    expect_range(pf, &fx, 12345, 50000);
    sl_packfile_close(pf);
    key.passphrase = "open sesame!";
    CHECK_EQ(sl_packfile_open(&pf, out, &key, err, sizeof err), SL_PACKFILE_EKEY);
    teardown(&fx);
}

typedef struct reader_arg {
    sl_packfile *pf;
    const fixture *fx;
    int seed, bad;
} reader_arg;

static void *random_reader(void *p)
{
    reader_arg *a = p;
    uint8_t *buf = malloc(200000);
    uint64_t x = (uint64_t)a->seed * 0x9E3779B97F4A7C15ull + 7;
    char err[512];
    for (int i = 0; i < 100; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t len = (size_t)(x >> 40) % 200000;
        uint64_t off = (x >> 8) % (a->fx->n - len + 1);
        if (sl_packfile_read(a->pf, off, buf, len, err, sizeof err) || memcmp(buf, a->fx->plain + off, len))
            a->bad++;
    }
    free(buf);
    return NULL;
}

/* One handle, four threads reading at random at once (run under TSan). */
SL_TEST(packfile_serves_concurrent_readers_on_one_handle)
{
    fixture fx = setup(3000000, 8);
    pack(&fx, "in.age", "256K", 1);
    sl_packfile *pf = open_ok("in.age");
    pthread_t t[4];
    reader_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (reader_arg){pf, &fx, i + 1, 0};
        CHECK_EQ(pthread_create(&t[i], NULL, random_reader, &a[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(a[i].bad, 0);
    }
    sl_packfile_close(pf);
    teardown(&fx);
}

/* 100 bytes standing for one frame of `dsize`, then a seek table that
 * says so (the table is all the open reads). */
static void fake_table(const char *name, uint32_t dsize)
{
    uint8_t f[100 + 8 + 12 + 9] = {0x28, 0xb5, 0x2f, 0xfd};
    uint8_t *t = f + 100;
    uint32_t v[] = {0x184D2A5Eu, 12 + 9, 100, dsize, 0, 1};
    for (int i = 0; i < 6; i++)
        memcpy(t + (i < 5 ? 4 * i : 20), &v[i], 4); /* little-endian host */
    t[24] = 0x80;
    uint32_t magic = 0x8F92EAB1u;
    memcpy(t + 25, &magic, 4);
    pt_write(name, f, sizeof f);
}

/* Frames of up to 64 MiB (what pack --chunk allows) open; one byte more
 * is refused at the open, before anything would be allocated for it. */
SL_TEST(packfile_takes_frames_up_to_64m_and_refuses_bigger)
{
    pt_dir_new();
    sl_packfile *pf;
    char err[512];
    fake_table("at.zst", 64u << 20);
    CHECK_EQ(sl_packfile_open(&pf, pt_path("at.zst"), NULL, err, sizeof err), 0);
    CHECK_EQ(sl_packfile_size(pf), 64u << 20);
    sl_packfile_close(pf);
    fake_table("over.zst", (64u << 20) + 1);
    CHECK_EQ(sl_packfile_open(&pf, pt_path("over.zst"), NULL, err, sizeof err), SL_PACKFILE_EFORMAT);
    /* the seekable format allows it (zstd's contrib writer makes 1 GiB
     * frames by default): the message says it is this reader's limit */
    CHECK(strstr(err, "over.zst: seek table: frame 0 holds 67108865 bytes, over the 64 MiB a frame may hold to be "
                      "read at random: unpack the file whole") != NULL);
    fake_table("bad.zst", 1); /* 100 bytes cannot hold one byte compressed */
    CHECK_EQ(sl_packfile_open(&pf, pt_path("bad.zst"), NULL, err, sizeof err), SL_PACKFILE_EFORMAT);
    CHECK(strstr(err, "bad.zst: seek table: frame 0's sizes (1 bytes compressed to 100) cannot be zstd's") != NULL);
    pt_dir_free();
}

/* A copy of plain pack file `name` as `copy`, with `delta` added to field
 * `field` (0 compressed size, 1 decompressed size) of seek table entry i. */
static void edit_entry(const char *name, const char *copy, size_t i, int field, int32_t delta)
{
    size_t n;
    uint8_t *d = pt_read(name, &n);
    uint32_t frames, v;
    memcpy(&frames, d + n - 9, 4); /* little-endian host */
    CHECK(d[n - 5] & 0x80);        /* entries of 12 bytes */
    uint8_t *e = d + n - 9 - 12 * (size_t)frames + 12 * i + 4 * (size_t)field;
    memcpy(&v, e, 4);
    v += (uint32_t)delta;
    memcpy(e, &v, 4);
    pt_write(copy, d, n);
    free(d);
}

/* The read of original bytes [off, off + len) of `name` is refused, with
 * `want` in the message and nothing in buf. */
static void expect_refused(const char *name, uint64_t off, size_t len, const char *want)
{
    sl_packfile *pf = open_ok(name);
    uint8_t *buf = malloc(len);
    memset(buf, 0xAA, len);
    char err[512] = "";
    CHECK_EQ(sl_packfile_read(pf, off, buf, len, err, sizeof err), SL_PACKFILE_EAUTH);
    if (!strstr(err, want)) {
        fprintf(stderr, "%s %llu:%zu: got \"%s\", want \"%s\"\n", name, (unsigned long long)off, len, err, want);
        CHECK(0);
    }
    for (size_t k = 0; k < len; k++)
        CHECK(buf[k] == 0);
    free(buf);
    sl_packfile_close(pf);
}

/* In a plain file nothing authenticates the seek table, and a range's
 * place in the original comes from the sizes of every frame before it,
 * which the range does not decode: a changed entry of an earlier frame
 * once shifted the bytes served, with every checksum matching.  Each
 * earlier frame's header must now agree with its entry (content size,
 * and a frame where the table puts one), or the read is refused. */
SL_TEST(packfile_plain_read_refuses_an_earlier_seek_table_entry_its_frame_contradicts)
{
    fixture fx = setup(300000, 9);
    pack(&fx, "in.zst", "16K", 0);
    sl_packfile *pf = open_ok("in.zst");
    CHECK_EQ(sl_packfile_frames(pf), 19);
    sl_packfile_frame_info f1;
    sl_packfile_frame(pf, 1, &f1);
    sl_packfile_close(pf);
    /* frame 0 one byte longer by the table (the size still adds up: only the entries are summed) */
    edit_entry("in.zst", "size.zst", 0, 1, 1);
    expect_refused("size.zst", 276153, 100,
                   "size.zst: frame 0 (at stream offset 0) holds 16384 bytes by its header, but the seek table says "
                   "16385: the seek table or the file is corrupted");
    /* two frames' sizes changed so that the total holds: the first one named */
    edit_entry("in.zst", "two.zst", 3, 1, -7);
    edit_entry("two.zst", "two.zst", 5, 1, 7);
    expect_refused("two.zst", 200000, 10, "two.zst: frame 3 (at stream offset ");
    /* compressed sizes traded between frames 1 and 2 (the stream still adds up): frame 2 is not where the
     * table puts it; the frames after it are, and their sizes are right, but the table is not to be trusted */
    edit_entry("in.zst", "moved.zst", 1, 0, 5);
    edit_entry("moved.zst", "moved.zst", 2, 0, -5);
    char want[200];
    snprintf(want, sizeof want, "moved.zst: frame 2 is not at stream offset %llu, where the seek table puts it",
             (unsigned long long)(f1.stream_offset + f1.compressed_size + 5));
    expect_refused("moved.zst", 250000, 1000, want);
    /* a range from frame 0, or inside the frames that agree, is still served */
    pf = open_ok("moved.zst");
    expect_range(pf, &fx, 0, 10);
    sl_packfile_close(pf);
    pf = open_ok("size.zst");
    CHECK_EQ(sl_packfile_size(pf), fx.n + 1);
    char err[512];
    uint8_t b[16];
    CHECK_EQ(sl_packfile_read(pf, 0, b, 10, err, sizeof err), SL_PACKFILE_EAUTH); /* frame 0 itself decodes short */
    sl_packfile_close(pf);
    /* the undamaged file: every frame's range, from the end backwards, then forwards */
    pf = open_ok("in.zst");
    for (size_t i = sl_packfile_frames(pf); i-- > 0;) {
        sl_packfile_frame_info f;
        sl_packfile_frame(pf, i, &f);
        expect_range(pf, &fx, f.offset + f.size / 2, (size_t)(f.size - f.size / 2));
    }
    check_every_frame(pf, &fx);
    sl_packfile_close(pf);
    teardown(&fx);
}

/* fx's original as a seekable file `name` of frames of `chunk` bytes
 * whose headers give no content size (zstd's streaming API writes such
 * frames when it is not told the size), with checksums; entry 0's
 * decompressed size off by `delta`. */
static void pack_unsized(const fixture *fx, const char *name, size_t chunk, int32_t delta)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    CHECK(c && !ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0)) &&
          !ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
    size_t cap = fx->n + fx->n / 8 + 65536, len = 0;
    uint8_t *out = malloc(cap + 65536);
    sl_seektable t = {0};
    t.checksums = 1;
    for (size_t at = 0; at < fx->n; at += chunk) {
        size_t n = fx->n - at < chunk ? fx->n - at : chunk;
        ZSTD_inBuffer in = {fx->plain + at, n, 0};
        ZSTD_outBuffer o = {out + len, cap - len, 0};
        CHECK_EQ(ZSTD_compressStream2(c, &o, &in, ZSTD_e_end), 0);
        uint8_t *fr = out + len;
        CHECK(ZSTD_getFrameContentSize(fr, o.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
        sl_seek_entry e = {(uint32_t)o.pos, (uint32_t)n + (at ? 0u : (uint32_t)delta), sl_le32(fr + o.pos - 4), 1, 1};
        CHECK_EQ(sl_seektable_add(&t, &e), 0);
        len += o.pos;
    }
    CHECK(len + sl_seektable_frame_size(&t) <= cap + 65536);
    sl_seektable_write(&t, out + len);
    pt_write(name, out, len + sl_seektable_frame_size(&t));
    sl_seektable_free(&t);
    ZSTD_freeCCtx(c);
    free(out);
}

/* Frames whose headers give no content size cannot be checked against
 * the table from their headers: a read decompresses the earlier ones
 * instead (once per handle), and so still refuses a wrong entry. */
SL_TEST(packfile_plain_read_decodes_earlier_frames_without_a_content_size)
{
    fixture fx = setup(200000, 10);
    pack_unsized(&fx, "ok.zst", 20000, 0);
    pack_unsized(&fx, "bad.zst", 20000, 1);
    sl_packfile *pf = open_ok("ok.zst");
    CHECK_EQ(sl_packfile_frames(pf), 10);
    expect_range(pf, &fx, 190000, 10000);
    expect_range(pf, &fx, 100000, 5);
    check_boundaries(pf, &fx);
    sl_packfile_close(pf);
    expect_refused("bad.zst", 190000, 10000, "bad.zst: frame 0 (at stream offset 0) does not decompress: "
                                             "its size differs from the seek table's");
    teardown(&fx);
}
