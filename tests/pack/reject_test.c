/*
 * reject_test.c - `sluice unpack` refusing damaged files, run in-process:
 * every flipped bit (age, armored, plain) and every interesting truncation
 * fails with the file named and no output left, from a file and from a
 * pipe.  One process for the whole sweep; zstd's own decoder is asked
 * only where unpack accepts a damaged plain file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agekey.h"
#include "check.h"
#include "stream.h"
#include "packtest.h"

static uint8_t *plain;
static size_t plain_n;
static char id[512], out[512];
static uint8_t pub[32]; /* id.txt's */

/* n noisy bytes packed in 30K frames: in.zst, in.age and (if armored)
 * in.asc. */
static void setup(size_t n, int armored)
{
    pt_dir_new();
    plain_n = n;
    plain = malloc(n);
    CHECK(plain != NULL);
    pt_fill_noisy(plain, n, 5);
    pt_write("in", plain, n);
    char r[SL_AGE_RECIPIENT_LEN + 1], to[512];
    pt_identity(pub);
    sl_agekey_format_recipient(r, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    snprintf(out, sizeof out, "%s", pt_path("out"));
    snprintf(to, sizeof to, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack("-q", "--chunk", "30K", "-o", to, pt_path("in"), NULL), 0);
    snprintf(to, sizeof to, "%s", pt_path("in.age"));
    CHECK_EQ(pt_pack("-q", "--chunk", "30K", "-r", r, "-o", to, pt_path("in"), NULL), 0);
    snprintf(to, sizeof to, "%s", pt_path("in.asc"));
    if (armored)
        CHECK_EQ(pt_pack("-q", "--chunk", "30K", "-a", "-r", r, "-o", to, pt_path("in"), NULL), 0);
}

static void teardown(void)
{
    free(plain);
    pt_dir_free();
}

/* `name` (already written) is refused: exit 1, a message that starts
 * "sluice unpack: PATH: " and contains one of the alternatives in `want`
 * ('|'-separated; NULL for any), and nothing named out*. */
static void expect_refused(const char *name, const char *want, const char *what)
{
    char msg[1024], path[512], prefix[600];
    snprintf(path, sizeof path, "%s", pt_path(name));
    int rc = pt_unpack_msg(msg, sizeof msg, "-q", "-i", id, "-o", out, path, NULL);
    snprintf(prefix, sizeof prefix, "sluice unpack: %s: ", path);
    int matched = !want;
    for (const char *w = want; w && *w && !matched;) {
        size_t k = strcspn(w, "|");
        char alt[128];
        snprintf(alt, sizeof alt, "%.*s", (int)k, w);
        matched = strstr(msg, alt) != NULL;
        w += k + (w[k] == '|');
    }
    if (rc != 1 || strncmp(msg, prefix, strlen(prefix)) || !matched) {
        fprintf(stderr, "%s: exit %d, message '%s' (wanted '%s...' with %s)\n", what, rc, msg, prefix,
                want ? want : "anything");
        CHECK(0);
    }
    CHECK(pt_none_named("out"));
}

/* count copies of `name`, each with one bit flipped, at positions spread
 * evenly from `first` to the end (header, payload, tail); armor keeps to
 * the 7 bits of ASCII.  Calls check(copy name, position) on each. */
static void flips(const char *name, int count, size_t first, void (*check)(const char *, size_t))
{
    size_t n;
    uint8_t *d = pt_read(name, &n);
    CHECK(d != NULL && n > first);
    int ascii = strstr(name, ".asc") != NULL;
    for (int i = 0; i < count; i++) {
        size_t pos = first + (n - 1 - first) * (size_t)i / (size_t)(count - 1);
        uint8_t bit = (uint8_t)(1u << (ascii ? i % 7 : i % 8));
        d[pos] ^= bit;
        pt_write("bad", d, n);
        check("bad", pos);
        d[pos] ^= bit;
    }
    free(d);
}

static void encrypted_flip_refused(const char *name, size_t pos)
{
    char what[64];
    snprintf(what, sizeof what, "flipped bit at %zu", pos);
    expect_refused(name, NULL, what);
}

/* Unencrypted: every flip in frame data or the seek table is caught (by
 * the frames' checksums and the table check), or zstd agrees it is
 * harmless. */
static void plain_flip_caught_or_harmless(const char *name, size_t pos)
{
    char msg[1024];
    if (pt_unpack_msg(msg, sizeof msg, "-q", "-f", "-o", out, pt_path(name), NULL) == 0) {
        size_t n;
        uint8_t *d = pt_read(name, &n);
        if (!pt_zstd_decodes_to(d, n, plain, plain_n)) {
            fprintf(stderr, "in.zst: flipped bit at %zu accepted with different output\n", pos);
            CHECK(0);
        }
        free(d);
        CHECK(remove(out) == 0);
    }
    CHECK(pt_none_named("out"));
}

SL_TEST(unpack_rejects_flipped_bits)
{
    setup(200000, 1);
    flips("in.age", 24, 0, encrypted_flip_refused);
    flips("in.asc", 24, 0, encrypted_flip_refused);
    flips("in.zst", 16, 20, plain_flip_caught_or_harmless);
    teardown();
}

/* The first cut bytes of src as `name`; refused as a file, and refused
 * when piped (where output may have started: the exit status says). */
static void cut_refused(const uint8_t *src, size_t cut, const char *name, const char *want)
{
    char what[64];
    snprintf(what, sizeof what, "cut at %zu", cut);
    pt_write(name, src, cut);
    expect_refused(name, want, what);
    int rc;
    size_t n;
    pt_unpack_piped(src, cut, &rc, &n, "-q", "-i", id, NULL);
    if (rc == 0) {
        fprintf(stderr, "stdout: %s accepted\n", what);
        CHECK(0);
    }
}

SL_TEST(unpack_rejects_truncated_files)
{
    setup(400000, 0);
    size_t n, zn;
    uint8_t *age = pt_read("in.age", &n), *zst = pt_read("in.zst", &zn);
    CHECK(age != NULL && zst != NULL);
    const uint8_t *mac = memmem(age, n, "\n--- ", 5);
    CHECK(mac != NULL);
    size_t hdr = (size_t)(mac + 1 - age) + 48 + 16; /* "--- " MAC LF, then the 16-byte nonce */
    /* inside the header, right after it, at and around STREAM chunk
     * boundaries, one byte short */
    const size_t cuts[] = {10, 100, hdr, hdr + 100, hdr + 65552, hdr + 65552 * 2, hdr + 65552 * 2 + 1, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        cut_refused(age, cuts[i], "t.age", "truncated|failed to authenticate|age header");
    const size_t zcuts[] = {3, 10, 1000, 50000, zn - 30, zn - 1};
    for (size_t i = 0; i < sizeof zcuts / sizeof zcuts[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "zstd cut at %zu", zcuts[i]);
        pt_write("t.zst", zst, zcuts[i]);
        expect_refused("t.zst", NULL, what);
    }
    free(age);
    free(zst);
    teardown();
}

/* Where an age file's STREAM chunks start: after the MAC line and the
 * 16-byte nonce. */
static size_t payload_start(const uint8_t *d, size_t n)
{
    const uint8_t *mac = memmem(d, n, "\n--- ", 5);
    CHECK(mac != NULL);
    return (size_t)(mac + 1 - d) + 48 + 16;
}

/* age file d[0..n) (freed here) with a bit flipped in chunk 2, then cut
 * inside chunk 2: both refused, naming chunk 2 and where it starts. */
static void chunk_2_named(uint8_t *d, size_t n, const char *what)
{
    char want[200], label[100];
    size_t at2 = payload_start(d, n) + 2 * SL_STREAM_CT_CHUNK;
    CHECK(at2 + SL_STREAM_CT_CHUNK < n);
    for (int cut = 0; cut < 2; cut++) {
        d[at2 + 100] ^= (uint8_t)!cut;
        pt_write("bad.age", d, cut ? at2 + 1000 : n); /* cut: chunk 2 is the last one, and short */
        d[at2 + 100] ^= (uint8_t)!cut;
        snprintf(want, sizeof want, "age payload chunk 2 (at offset %zu) failed to authenticate: the file is %scorrupted",
                 at2, cut ? "truncated, " : "");
        snprintf(label, sizeof label, "%s, %s", what, cut ? "cut inside chunk 2" : "chunk 2 flipped");
        expect_refused("bad.age", want, label);
    }
    free(d);
}

/* A chunk that fails to authenticate is named by where it starts in the
 * file, the same number whichever reader meets it (through the seek
 * table, for what pack writes, or as a stream, for what age writes:
 * they said "payload offset" for two different numbers), and "truncated"
 * is said of the last chunk only, which a cut file leaves short. */
SL_TEST(unpack_names_a_bad_chunk_by_its_offset_in_the_file)
{
    setup(400000, 1);
    size_t n;
    uint8_t *age = pt_read("in.age", &n);
    CHECK(age != NULL);
    chunk_2_named(age, n, "pack's age file (read through its seek table)");
    age = pt_age_seal(pub, plain, plain_n, &n);
    chunk_2_named(age, n, "no seek table (read as a stream)");

    /* armor: the offset is in the decoded bytes, and says so */
    uint8_t *asc = pt_read("in.asc", &n);
    CHECK(asc != NULL);
    size_t k = n / 2;
    while (!((asc[k] >= 'a' && asc[k] <= 'z') || (asc[k] >= 'A' && asc[k] <= 'Z')))
        k++;
    asc[k] ^= 0x20; /* another letter: still base64 */
    pt_write("bad.asc", asc, n);
    expect_refused("bad.asc", "of the dearmored file) failed to authenticate", "armored, a letter's case changed");
    free(asc);
    teardown();
}
