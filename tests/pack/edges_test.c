/*
 * edges_test.c - pack and unpack round trips at the sizes where frames and
 * age's STREAM chunks begin and end, run in-process, with the peers as
 * the judges: zstd's decoder reads every plain output, and `age -d`
 * decrypts one encrypted output per size (the sweep's other runs are
 * ours, so they cost no process each).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agekey.h"
#include "check.h"
#include "packtest.h"

static char id[512], rcpt[SL_AGE_RECIPIENT_LEN + 1];

static void setup(void)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    sl_agekey_format_recipient(rcpt, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
}

/* The file `name` holds exactly want[0..n). */
static void expect_file(const char *name, const uint8_t *want, size_t n, const char *what)
{
    size_t got_n;
    uint8_t *got = pt_read(name, &got_n);
    if (!got || got_n != n || memcmp(got, want, n)) {
        fprintf(stderr, "%s: %s has %zu bytes, not the %zu expected\n", what, name, got ? got_n : 0, n);
        CHECK(0);
    }
    free(got);
}

/* zstd's decoder turns the file `name` into want[0..n). */
static void expect_zstd_reads(const char *name, const uint8_t *want, size_t n, const char *what)
{
    size_t zn;
    uint8_t *z = pt_read(name, &zn);
    CHECK(z != NULL);
    if (!pt_zstd_decodes_to(z, zn, want, n)) {
        fprintf(stderr, "%s: zstd does not read %s back\n", what, name);
        CHECK(0);
    }
    free(z);
}

/* `age -d` decrypts `name` to a zstd stream that decodes to want[0..n). */
static void expect_age_reads(const char *name, const uint8_t *want, size_t n, const char *what)
{
    const char *argv[] = {"age", "-d", "-i", id, pt_path(name), NULL};
    if (pt_spawn("age.out", argv) != 0) {
        fprintf(stderr, "%s: age -d refuses %s\n", what, name);
        CHECK(0);
    }
    expect_zstd_reads("age.out", want, n, what);
}

/* Sizes around the 1000-byte frames, at -j 1 and -j 3: zstd reads the
 * plain output, whose bytes do not depend on -j (frames are independent);
 * unpack reads both kinds back; age reads the encrypted one. */
SL_TEST(pack_round_trips_size_edges)
{
    setup();
    static const size_t sizes[] = {0, 1, 999, 1000, 1001, 25000};
    uint8_t *in = malloc(25000);
    CHECK(in != NULL);
    char p[512], back[512], what[64];
    snprintf(back, sizeof back, "%s", pt_path("back"));
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        pt_fill_noisy(in, n, i + 1);
        pt_write("in", in, n);
        uint8_t *first = NULL;
        size_t first_n = 0;
        for (int j = 1; j <= 3; j += 2) {
            const char *jobs = j == 1 ? "1" : "3";
            snprintf(what, sizeof what, "%zu bytes, -j %d", n, j);
            snprintf(p, sizeof p, "%s", pt_path("p.zst"));
            CHECK_EQ(pt_pack("-q", "-f", "-j", jobs, "--chunk", "1000", "-o", p, pt_path("in"), NULL), 0);
            expect_zstd_reads("p.zst", in, n, what);
            size_t zn;
            uint8_t *z = pt_read("p.zst", &zn);
            CHECK(z != NULL);
            if (!first) {
                first = z, first_n = zn;
            } else {
                CHECK(zn == first_n && !memcmp(z, first, zn)); /* -j 3's bytes are -j 1's */
                free(z);
            }
            CHECK_EQ(pt_unpack("-q", "-f", "-j", jobs, "-o", back, p, NULL), 0);
            expect_file("back", in, n, what);
            snprintf(p, sizeof p, "%s", pt_path("p.age"));
            CHECK_EQ(pt_pack("-q", "-f", "-j", jobs, "--chunk", "1000", "-r", rcpt, "-o", p, pt_path("in"), NULL), 0);
            CHECK_EQ(pt_unpack("-q", "-f", "-j", jobs, "-i", id, "-o", back, p, NULL), 0);
            expect_file("back", in, n, what);
        }
        free(first);
        expect_age_reads("p.age", in, n, what); /* -j 3's */
    }
    free(in);
    pt_dir_free();
}

/* Incompressible input of n bytes packs to n + c bytes of zstd stream;
 * pick n so that the encrypted stream is 64 KiB - 1, 64 KiB, 64 KiB + 1
 * (and the same around 128 KiB): the age last-chunk edges.  age and
 * unpack both read each. */
SL_TEST(pack_round_trips_stream_chunk_edges)
{
    setup();
    static const size_t targets[] = {65535, 65536, 65537, 131071, 131072, 131073};
    uint8_t *in = malloc(131073);
    CHECK(in != NULL);
    char zst[512], age[512], back[512], what[64];
    snprintf(zst, sizeof zst, "%s", pt_path("in.zst"));
    snprintf(age, sizeof age, "%s", pt_path("in.age"));
    snprintf(back, sizeof back, "%s", pt_path("back"));
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        size_t target = targets[i], zn;
        snprintf(what, sizeof what, "a stream of %zu bytes", target);
        /* the overhead c depends on how many 128 KiB blocks there are:
         * probe near the target */
        randombytes_buf(in, target - 100);
        pt_write("in", in, target - 100);
        CHECK_EQ(pt_pack("-q", "-f", "--chunk", "1M", "-o", zst, pt_path("in"), NULL), 0);
        free(pt_read("in.zst", &zn));
        size_t n = target - (zn - (target - 100));
        randombytes_buf(in, n);
        pt_write("in", in, n);
        CHECK_EQ(pt_pack("-q", "-f", "--chunk", "1M", "-o", zst, pt_path("in"), NULL), 0);
        free(pt_read("in.zst", &zn));
        if (zn != target) {
            fprintf(stderr, "stream of %zu bytes, wanted %zu\n", zn, target);
            CHECK(0);
        }
        CHECK_EQ(pt_pack("-q", "-f", "--chunk", "1M", "-r", rcpt, "-o", age, pt_path("in"), NULL), 0);
        expect_age_reads("in.age", in, n, what);
        CHECK_EQ(pt_unpack("-q", "-f", "-i", id, "-o", back, age, NULL), 0);
        expect_file("back", in, n, what);
    }
    free(in);
    pt_dir_free();
}
