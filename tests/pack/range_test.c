/*
 * range_test.c - `sluice unpack --range` and `--list`, run in-process: the
 * bytes asked for and no others, past the end, pipes and armor refused,
 * a corrupted chunk refused where needed and ignored where not, and the
 * frame listing with and without a seek table.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agekey.h"
#include "check.h"
#include "packtest.h"
#include "sluice/packfile.h"
#include "stream.h"

static uint8_t *plain;
static size_t plain_n;
static char id[512];

/* n bytes of the noisy kind, packed in frames of `chunk`: plain in.zst,
 * age in.age. */
static void setup_with(size_t n, const char *chunk)
{
    pt_dir_new();
    plain_n = n;
    plain = malloc(plain_n);
    pt_fill_noisy(plain, plain_n, 11);
    pt_write("in", plain, plain_n);
    uint8_t pub[32];
    char r[SL_AGE_RECIPIENT_LEN + 1], out[512];
    pt_identity(pub);
    sl_agekey_format_recipient(r, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    snprintf(out, sizeof out, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack("-q", "--chunk", chunk, "-o", out, pt_path("in"), NULL), 0);
    snprintf(out, sizeof out, "%s", pt_path("in.age"));
    CHECK_EQ(pt_pack("-q", "--chunk", chunk, "-r", r, "-o", out, pt_path("in"), NULL), 0);
}

/* 2 MB in 50K frames. */
static void setup(void)
{
    setup_with(2000000, "50K");
}

static void teardown(void)
{
    free(plain);
    pt_dir_free();
}

/* --range SPEC of `name` to stdout gives plain[off, off + len). */
static void expect_range(const char *name, const char *spec, uint64_t off, size_t len)
{
    int rc;
    size_t n;
    const uint8_t *got = pt_unpack_stdout(&rc, &n, "-q", "-i", id, "--range", spec, pt_path(name), NULL);
    if (rc || n != len || memcmp(got, plain + off, len)) {
        fprintf(stderr, "%s --range %s: exit %d, %zu bytes (want %zu)\n", name, spec, rc, n, len);
        CHECK(0);
    }
}

SL_TEST(unpack_range_restores_exactly_the_bytes_asked)
{
    setup();
    for (int age = 0; age <= 1; age++) {
        const char *f = age ? "in.age" : "in.zst";
        expect_range(f, "0:1", 0, 1);
        expect_range(f, "1999999:1", 1999999, 1);
        expect_range(f, "1999999:", 1999999, 1);
        expect_range(f, "51199:2", 51199, 2);           /* across a frame boundary (50 KiB frames) */
        expect_range(f, "50K:50K", 51200, 51200);       /* exactly one frame, K sizes */
        expect_range(f, "100000:1234567", 100000, 1234567); /* across many frames and pieces */
        expect_range(f, "0:", 0, plain_n);              /* the whole original */
        expect_range(f, "2000000:", 2000000, 0);        /* from the end: nothing */
        expect_range(f, "777:0", 777, 0);
    }
    /* to a file, and --test (verify the range, write nothing) */
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("part"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "--range", "1000:300000", "-o", out, pt_path("in.age"), NULL), 0);
    size_t n;
    uint8_t *got = pt_read("part", &n);
    CHECK(got && n == 300000 && !memcmp(got, plain + 1000, n));
    free(got);
    CHECK_EQ(pt_unpack("-q", "-i", id, "--test", "--range", "0:", pt_path("in.age"), NULL), 0);
    teardown();
}

SL_TEST(unpack_range_refuses_past_the_end_pipes_and_armor)
{
    setup();
    char msg[600], out[512];
    snprintf(out, sizeof out, "%s", pt_path("part"));
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", id, "--range", "1999999:2", "-o", out, pt_path("in.age"),
                           NULL),
             1);
    CHECK(strstr(msg, "in.age: the range 1999999:2 reaches past the end of the original (2000000 bytes)") != NULL);
    CHECK(!pt_exists("part"));
    /* the range as given, and the size in words that fit it */
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "2000001:", pt_path("in.zst"), NULL), 1);
    CHECK(strstr(msg, "in.zst: the range 2000001: reaches past the end of the original (2000000 bytes)") != NULL);
    pt_write("one", "x", 1);
    snprintf(out, sizeof out, "%s", pt_path("one.zst"));
    CHECK_EQ(pt_pack("-q", "-o", out, pt_path("one"), NULL), 0);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "1K:1", out, NULL), 1);
    CHECK(strstr(msg, "one.zst: the range 1K:1 reaches past the end of the original (1 byte)") != NULL);
    /* a FIFO named as the input: refused at once, without advice that does not apply to --range */
    CHECK_EQ(mkfifo(pt_path("fifo"), 0600), 0);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "5:10", "-o", "-", pt_path("fifo"), NULL), 1);
    CHECK(strstr(msg, "not a regular file") != NULL && strstr(msg, "--range needs a regular file") != NULL &&
          strstr(msg, "standard input") == NULL);
    snprintf(out, sizeof out, "%s", pt_path("part"));
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--range", "x:1", pt_path("in.zst"), NULL), 2);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--range", "5", pt_path("in.zst"), NULL), 2);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--range", "5:", "--list", pt_path("in.zst"), NULL), 2);
    /* a pipe on stdin: refused with why */
    int p[2];
    CHECK_EQ(pipe(p), 0);
    int saved = dup(0);
    CHECK(dup2(p[0], 0) == 0);
    close(p[0]);
    close(p[1]);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "0:10", "-", NULL), 1);
    CHECK(strstr(msg, "<stdin>: not a regular file: random access needs a file it can seek in") != NULL);
    CHECK(dup2(saved, 0) == 0);
    close(saved);
    /* a regular file on stdin is fine */
    int fd = open(pt_path("in.zst"), O_RDONLY);
    saved = dup(0);
    CHECK(fd >= 0 && dup2(fd, 0) == 0);
    close(fd);
    int rc;
    size_t n;
    const uint8_t *got = pt_unpack_stdout(&rc, &n, "-q", "--range", "10:10", NULL);
    CHECK(rc == 0 && n == 10 && !memcmp(got, plain + 10, 10));
    CHECK(dup2(saved, 0) == 0);
    close(saved);
    /* but not one read from further on: refused for that reason, not
     * for a seek table that the bytes before seemed to contradict */
    fd = open(pt_path("in.zst"), O_RDONLY);
    saved = dup(0);
    CHECK(fd >= 0 && lseek(fd, 100, SEEK_SET) == 100 && dup2(fd, 0) == 0);
    close(fd);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "0:10", "-o", "-", NULL), 1);
    CHECK(strstr(msg, "<stdin>: read from byte 100 on, not from its start") != NULL);
    CHECK(dup2(saved, 0) == 0);
    close(saved);
    teardown();
}

/* Where STREAM chunk k starts in an age file. */
static size_t chunk_at(const uint8_t *d, uint64_t k)
{
    const uint8_t *mac = (const uint8_t *)strstr((const char *)d, "\n--- ");
    CHECK(mac != NULL);
    return (size_t)(mac - d) + 65 + (size_t)k * SL_STREAM_CT_CHUNK;
}

/* A bit flipped in chunk 4 (stream bytes 256K-320K, inside frames 2-3 of
 * the compressed stream): a range that needs it fails and writes nothing,
 * to a file or to stdout; one that does not is served. */
SL_TEST(unpack_range_refuses_a_corrupted_chunk_only_where_needed)
{
    setup();
    size_t n;
    uint8_t *d = pt_read("in.age", &n);
    size_t at4 = chunk_at(d, 4);
    d[at4 + 100] ^= 1;
    pt_write("bad.age", d, n);
    free(d);
    char msg[600], out[512];
    snprintf(out, sizeof out, "%s", pt_path("part"));
    /* which original bytes sit over chunk 4? scan the frames with --range until one fails */
    int failed = 0, served = 0;
    for (uint64_t off = 0; off < plain_n; off += 51200) {
        char spec[64];
        size_t len = plain_n - off < 51200 ? plain_n - off : 51200;
        snprintf(spec, sizeof spec, "%llu:%zu", (unsigned long long)off, len);
        int rc;
        size_t got_n;
        const uint8_t *got = pt_unpack_stdout(&rc, &got_n, "-q", "-i", id, "--range", spec, pt_path("bad.age"), NULL);
        if (rc) {
            CHECK_EQ(got_n, 0); /* nothing released */
            failed++;
            CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-f", "-i", id, "--range", spec, "-o", out,
                                   pt_path("bad.age"), NULL),
                     1);
            char want[128];
            snprintf(want, sizeof want, "bad.age: age payload chunk 4 (at offset %zu) failed to authenticate", at4);
            CHECK(strstr(msg, want) != NULL);
            CHECK(!pt_exists("part"));
        } else {
            CHECK(got_n == len && !memcmp(got, plain + off, got_n));
            served++;
        }
    }
    CHECK(failed >= 1 && failed <= 3 && served >= 30);
    teardown();
}

/* --range SPEC of `name` with `jobs`, to standard output (to_file 0) or
 * in place into a file, gives plain[off, off + len). */
static void expect_range_by(const char *name, const char *jobs, int to_file, const char *spec, uint64_t off, size_t len)
{
    int rc;
    size_t n;
    if (!to_file) {
        const uint8_t *got = pt_unpack_stdout(&rc, &n, "-q", jobs, "-i", id, "--range", spec, pt_path(name), NULL);
        CHECK(rc == 0 && n == len && !memcmp(got, plain + off, len));
        return;
    }
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("part"));
    CHECK_EQ(pt_unpack("-q", "-f", jobs, "-i", id, "--range", spec, "-o", out, pt_path(name), NULL), 0);
    uint8_t *back = pt_read("part", &n);
    CHECK(back && n == len && !memcmp(back, plain + off, len));
    free(back);
}

/* A range of up to one piece (4 MiB), or any range with -j1, is read on
 * the calling thread; a bigger one by the pipeline's workers, in order to
 * standard output and each in place into a file (age, and plain zstd
 * whose frames are checked at their ends).  All give the same bytes. */
SL_TEST(unpack_range_gives_the_same_bytes_serially_in_parallel_and_in_place)
{
    setup_with(4300000, "200K");
    expect_range_by("in.age", "-j2", 0, "1000:4250000", 1000, 4250000); /* pipeline, ordered */
    expect_range_by("in.age", "-j2", 1, "1000:4250000", 1000, 4250000); /* pipeline, in place */
    expect_range_by("in.age", "-j1", 1, "1000:4250000", 1000, 4250000); /* serial, in place */
    expect_range_by("in.zst", "-j2", 1, "0:", 0, plain_n);
    expect_range_by("in.zst", "-j2", 0, "409599:409602", 409599, 409602); /* serial, across frames */
    teardown();
}

/* Every STREAM chunk of in.age is corrupted except the ones under the
 * frames a range needs and the last two, which hold the seek table: the
 * range is still served, so no other chunk was read, while the whole file
 * (and a range elsewhere) is refused. */
SL_TEST(unpack_range_reads_only_the_chunks_under_its_frames)
{
    setup();
    sl_packfile_key key = {.identity_file = id};
    sl_packfile *pf;
    char err[512];
    CHECK_EQ(sl_packfile_open(&pf, pt_path("in.age"), &key, err, sizeof err), 0);
    sl_packfile_frame_info first, last; /* the range 600000:150000 lies in frames 11..14 (50 KiB each) */
    CHECK(sl_packfile_frame(pf, 11, &first) == 0 && sl_packfile_frame(pf, 14, &last) == 0);
    CHECK(first.offset <= 600000 && 750000 <= last.offset + last.size);
    sl_packfile_close(pf);
    uint64_t c0 = first.stream_offset / SL_STREAM_CHUNK;
    uint64_t c1 = (last.stream_offset + last.compressed_size - 1) / SL_STREAM_CHUNK;
    size_t n;
    uint8_t *d = pt_read("in.age", &n);
    size_t at0 = chunk_at(d, 0);
    uint64_t chunks = (n - at0 + SL_STREAM_CT_CHUNK - 1) / SL_STREAM_CT_CHUNK, flipped = 0;
    CHECK(c1 + 2 < chunks - 1);
    for (uint64_t k = 0; k + 2 < chunks; k++)
        if (k < c0 || k > c1) {
            d[chunk_at(d, k) + 100] ^= 1;
            flipped++;
        }
    CHECK(flipped >= 6);
    pt_write("bad.age", d, n);
    free(d);
    int rc;
    size_t got_n;
    const uint8_t *got = pt_unpack_stdout(&rc, &got_n, "-q", "-i", id, "--range", "600000:150000", pt_path("bad.age"),
                                          NULL);
    CHECK(rc == 0 && got_n == 150000 && !memcmp(got, plain + 600000, got_n));
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("whole"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "-o", out, pt_path("bad.age"), NULL), 1);
    CHECK(!pt_exists("whole"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "--range", "0:1", pt_path("bad.age"), NULL), 1);
    teardown();
}

/* Lines of `text` that start with `prefix`. */
static int lines_with(const char *text, size_t n, const char *prefix)
{
    int k = 0;
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < n; i++)
        if ((i == 0 || text[i - 1] == '\n') && n - i >= pl && !memcmp(text + i, prefix, pl))
            k++;
    return k;
}

SL_TEST(unpack_list_prints_frames_with_or_without_a_seek_table)
{
    setup();
    int rc;
    size_t n;
    const char *t = (const char *)pt_unpack_stdout(&rc, &n, "-i", id, "--list", pt_path("in.age"), NULL);
    CHECK_EQ(rc, 0);
    CHECK(strstr(t, "in.age: seekable zstd stream in age, 40 frames\n") != NULL);
    CHECK(strstr(t, "  frame         offset         size  stream offset   compressed  checksum\n") != NULL);
    CHECK_EQ(lines_with(t, n, "     39        1996800         3200"), 1); /* the last, short frame */
    CHECK(strstr(t, "total: 40 frames, 2000000 bytes from ") != NULL);
    t = (const char *)pt_unpack_stdout(&rc, &n, "-l", pt_path("in.zst"), NULL);
    CHECK(rc == 0 && strstr(t, "in.zst: seekable zstd stream, 40 frames\n") != NULL);
    /* a stream without a seek table (the first frame of in.zst alone): walked */
    size_t zn;
    uint8_t *z = pt_read("in.zst", &zn);
    uint32_t first = (uint32_t)(strtoul(strstr(t, "\n      1 ") + 38, NULL, 10)); /* frame 1's stream offset */
    pt_write("one.zst", z, first);
    free(z);
    t = (const char *)pt_unpack_stdout(&rc, &n, "-l", pt_path("one.zst"), NULL);
    CHECK(rc == 0 && strstr(t, "one.zst: zstd stream without a seek table, 1 frame\n") != NULL);
    CHECK(strstr(t, "total: 1 frame, 51200 bytes from ") != NULL);
    teardown();
}

/* adv22 F7: `cat a.zst b.zst` of two pack outputs is a valid zstd
 * stream (zstd -d and unpack read it) whose last seek table covers only
 * b: --list walks it as docs/formats/pack.md says, as zstd -l does,
 * checking each table against the frames before it; so for armor. A
 * table that does not match its frames is still named. */
SL_TEST(unpack_list_walks_concatenated_pack_outputs_and_armor)
{
    setup_with(300000, "16K");
    size_t an, bn;
    uint8_t *a = pt_read("in.zst", &an), *b = pt_read("in.age", &bn);
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("b.zst"));
    CHECK_EQ(pt_pack("-q", "--chunk", "100K", "-o", out, pt_path("in"), NULL), 0); /* 3 frames */
    free(b);
    b = pt_read("b.zst", &bn);
    uint8_t *ab = malloc(an + bn);
    memcpy(ab, a, an);
    memcpy(ab + an, b, bn);
    pt_write("ab.zst", ab, an + bn);
    int rc;
    size_t n;
    const char *t = (const char *)pt_unpack_stdout(&rc, &n, "-l", pt_path("ab.zst"), NULL);
    CHECK_EQ(rc, 0);
    CHECK(strstr(t, "ab.zst: zstd stream, walked: concatenated, 2 seek tables, each checked against the frames before "
                    "it, 22 frames\n") != NULL);
    CHECK_EQ(lines_with(t, n, "     18         300000        16384"), 0);
    CHECK_EQ(lines_with(t, n, "     19         300000       102400"), 1); /* b's first frame, after a's 19 */
    CHECK(strstr(t, "total: 22 frames, 600000 bytes from ") != NULL);
    /* a's table damaged: the walk names it */
    uint32_t frames;
    memcpy(&frames, a + an - 9, 4);
    ab[an - 9 - 12 * (size_t)frames] ^= 1; /* entry 0's compressed size */
    pt_write("bad.zst", ab, an + bn);
    char msg[600];
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-l", pt_path("bad.zst"), NULL), 1);
    CHECK(strstr(msg, "bad.zst: seek table entry 0 does not match frame 0") != NULL);
    /* armored age: not at fixed places, so walked too */
    uint8_t pub[32];
    char r[SL_AGE_RECIPIENT_LEN + 1];
    pt_identity(pub);
    sl_agekey_format_recipient(r, pub);
    snprintf(out, sizeof out, "%s", pt_path("in.asc"));
    CHECK_EQ(pt_pack("-q", "-a", "--chunk", "16K", "-r", r, "-o", out, pt_path("in"), NULL), 0);
    t = (const char *)pt_unpack_stdout(&rc, &n, "-l", "-i", pt_path("id.txt"), pt_path("in.asc"), NULL);
    CHECK_EQ(rc, 0);
    CHECK(strstr(t, "in.asc: zstd stream in age, walked (its seek table checked against its frames), 19 frames\n") !=
          NULL);
    CHECK(strstr(t, "total: 19 frames, 300000 bytes from ") != NULL);
    free(a);
    free(b);
    free(ab);
    teardown();
}

/* adv22's case: in a plain file, frame 0's seek table entry says one byte
 * more than the frame holds.  A range in a later frame once came out
 * shifted by one byte with exit 0, and --list printed the table as it
 * was; now both refuse, naming the frame, and write nothing. */
SL_TEST(unpack_range_and_list_refuse_a_plain_seek_table_that_its_frames_contradict)
{
    setup_with(300000, "16K");
    size_t n;
    uint8_t *d = pt_read("in.zst", &n);
    uint32_t frames;
    memcpy(&frames, d + n - 9, 4);
    d[n - 9 - 12 * (size_t)frames + 4] += 1; /* entry 0's decompressed size: 16384 -> 16385 */
    pt_write("bad.zst", d, n);
    free(d);
    const char *why = "bad.zst: frame 0 (at stream offset 0) holds 16384 bytes by its header, but the seek table "
                      "says 16385: the seek table or the file is corrupted";
    int rc;
    size_t got_n;
    pt_unpack_stdout(&rc, &got_n, "-q", "--range", "276153:100", pt_path("bad.zst"), NULL);
    CHECK(rc == 1 && got_n == 0);
    char msg[600], out[512];
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "276153:100", pt_path("bad.zst"), NULL), 1);
    CHECK(strstr(msg, why) != NULL);
    snprintf(out, sizeof out, "%s", pt_path("part"));
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "100000:", "-o", out, pt_path("bad.zst"), NULL), 1);
    CHECK(strstr(msg, why) != NULL && !pt_exists("part"));
    pt_unpack_stdout(&rc, &got_n, "-l", pt_path("bad.zst"), NULL);
    CHECK(rc == 1 && got_n == 0);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-l", pt_path("bad.zst"), NULL), 1);
    CHECK(strstr(msg, why) != NULL);
    /* the whole file still fails at frame 0 itself, and the good file serves the same range */
    snprintf(out, sizeof out, "%s", pt_path("whole"));
    CHECK_EQ(pt_unpack("-q", "-o", out, pt_path("bad.zst"), NULL), 1);
    CHECK(!pt_exists("whole"));
    expect_range("in.zst", "276153:100", 276153, 100);
    teardown();
}
