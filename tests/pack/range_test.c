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
#include <unistd.h>

#include "agekey.h"
#include "check.h"
#include "packtest.h"
#include "stream.h"

static uint8_t *plain;
static size_t plain_n;
static char id[512];

/* 2 MB of the noisy kind, packed in 50K frames: plain in.zst, age in.age. */
static void setup(void)
{
    pt_dir_new();
    plain_n = 2000000;
    plain = malloc(plain_n);
    pt_fill_noisy(plain, plain_n, 11);
    pt_write("in", plain, plain_n);
    uint8_t pub[32];
    char r[SL_AGE_RECIPIENT_LEN + 1], out[512];
    pt_identity(pub);
    sl_agekey_format_recipient(r, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    snprintf(out, sizeof out, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack("-q", "--chunk", "50K", "-o", out, pt_path("in"), NULL), 0);
    snprintf(out, sizeof out, "%s", pt_path("in.age"));
    CHECK_EQ(pt_pack("-q", "--chunk", "50K", "-r", r, "-o", out, pt_path("in"), NULL), 0);
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
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--range", "2000001:", pt_path("in.zst"), NULL), 1);
    CHECK(strstr(msg, "reaches past the end") != NULL);
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
    teardown();
}

/* The payload offset of STREAM chunk k in an age file. */
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
    d[chunk_at(d, 4) + 100] ^= 1;
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
            CHECK(strstr(msg, "bad.age: age payload chunk 4 (at payload offset 262208) failed to authenticate") !=
                  NULL);
            CHECK(!pt_exists("part"));
        } else {
            CHECK(got_n == len && !memcmp(got, plain + off, got_n));
            served++;
        }
    }
    CHECK(failed >= 1 && failed <= 3 && served >= 30);
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
