/*
 * unpack_test.c - `sluice unpack` run in-process on inputs built here:
 * zstd frames of every size near a multiple of 128 KiB, with and without
 * a content size and a checksum, plain and inside age.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "ageheader.h"
#include "agekey.h"
#include "armor.h"
#include "check.h"
#include "packtest.h"

#define BLOCK (128u << 10)

typedef struct sweep {
    uint8_t *zst, *plain;
    size_t zlen, plen, zcap, pcap;
} sweep;

static void reserve(uint8_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    *cap = need * 2;
    *p = realloc(*p, *cap);
    CHECK(*p != NULL);
}

/* One zstd frame of n bytes appended to s (and its plaintext to s->plain):
 * as `zstd` writes from a pipe when !with_size. */
static void add_frame(sweep *s, ZSTD_CCtx *c, size_t n, int with_size, int with_check, uint64_t seed)
{
    reserve(&s->plain, &s->pcap, s->plen + n + 1);
    uint8_t *src = s->plain + s->plen;
    pt_fill(src, n, seed);
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, with_size);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, with_check);
    size_t bound = ZSTD_compressBound(n);
    reserve(&s->zst, &s->zcap, s->zlen + bound);
    ZSTD_outBuffer out = {s->zst + s->zlen, bound, 0};
    ZSTD_inBuffer in = {src, n, 0};
    CHECK_EQ(ZSTD_compressStream2(c, &out, &in, ZSTD_e_end), 0);
    uint8_t fhd = s->zst[s->zlen + 4];
    CHECK_EQ(fhd >> 6 != 0 || (fhd >> 5 & 1), with_size); /* the header says what we asked */
    CHECK_EQ(fhd >> 2 & 1, with_check);
    s->zlen += out.pos;
    s->plen += n;
}

/* Unpacks `name` to standard output and checks it gives want[0..n). */
static void expect_unpacks_to(const char *name, const uint8_t *want, size_t n, const char *what)
{
    int rc;
    size_t got_len;
    const uint8_t *got = pt_unpack_stdout(&rc, &got_len, "-q", "-i", pt_path("id.txt"), "-o", "-", pt_path(name), NULL);
    if (rc != 0 || got_len != n || memcmp(got, want, n)) {
        fprintf(stderr, "%s: exit %d, %zu of %zu bytes\n", what, rc, got_len, n);
        CHECK(0);
    }
}

/* A few multiples stand for the rest where the path does not depend on
 * the size: whole frames (with a content size) and the age layer; the
 * sanitizer builds take fewer still. */
static int spot(size_t k)
{
    return k <= 3 || k == 32 || (!SL_TEST_SANITIZED && (k == 8 || k == 16 || k == 31));
}

/* Every multiple of 128 KiB up to 4 MiB, one byte short and one over, as
 * frames with and without a content size and a checksum, plain and inside
 * age.  The frames without a content size (streamed, where the bug was)
 * go through every multiple, plain; the other combinations through the
 * spot multiples; the sanitizer builds take only those.  The three frames
 * around a multiple go in one file: concatenated frames are each decoded
 * on their own. */
SL_TEST(unpack_reads_frames_at_every_128k_multiple)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    sweep s = {0};
    for (size_t k = 1; k <= 32; k++) {
        if (SL_TEST_SANITIZED && !spot(k))
            continue;
        for (int variant = 0; variant < 4; variant++) {
            int with_size = variant & 1, with_check = variant >> 1 & 1;
            if (with_size && !spot(k))
                continue;
            s.zlen = s.plen = 0;
            for (int d = -1; d <= 1; d++)
                add_frame(&s, c, k * BLOCK + (size_t)d, with_size, with_check, k * 3 + (size_t)(d + 1));
            char what[96];
            snprintf(what, sizeof what, "%zu x 128 KiB +-1, content size %d, checksum %d, plain", k, with_size,
                     with_check);
            pt_write("sweep.zst", s.zst, s.zlen);
            expect_unpacks_to("sweep.zst", s.plain, s.plen, what);
            if (!spot(k))
                continue;
            size_t alen;
            uint8_t *age = pt_age_seal(pub, s.zst, s.zlen, &alen);
            pt_write("sweep.age", age, alen);
            memcpy(what + strlen(what) - 5, "age", 4);
            expect_unpacks_to("sweep.age", s.plain, s.plen, what);
            free(age);
        }
    }
    free(s.zst);
    free(s.plain);
    ZSTD_freeCCtx(c);
    pt_dir_free();
}

/* The sizes from the report, each alone in a file as `zstd` writes it
 * from a pipe, unpacked to a file. */
SL_TEST(unpack_reads_a_piped_zstd_frame_of_exactly_128k)
{
    pt_dir_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    static const size_t sizes[] = {131072, 262144, 393216, 1048576};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        sweep s = {0};
        add_frame(&s, c, sizes[i], 0, 1, i);
        pt_write("z.zst", s.zst, s.zlen);
        CHECK_EQ(pt_unpack("-q", "-f", "-o", pt_path("z.out"), pt_path("z.zst"), NULL), 0);
        size_t n;
        uint8_t *got = pt_read("z.out", &n);
        CHECK(got && n == sizes[i] && !memcmp(got, s.plain, n));
        free(got);
        free(s.zst);
        free(s.plain);
    }
    ZSTD_freeCCtx(c);
    pt_dir_free();
}

/* name := armor(age file of a small zstd payload), reshaped by `shape`:
 * 0 as written, 1 without its final newline, 2 with CRLF line ends and
 * none after END, 3 with blank lines and tabs around it. */
static void write_armored(const char *name, const uint8_t pub[32], const uint8_t *zst, size_t zlen, int shape)
{
    size_t alen;
    uint8_t *age = pt_age_seal(pub, zst, zlen, &alen);
    char *text;
    size_t tlen;
    FILE *f = open_memstream(&text, &tlen);
    sl_armor_out a;
    CHECK(sl_armor_begin(&a, f) == 0 && sl_armor_write(&a, age, alen) == 0 && sl_armor_end(&a) == 0);
    fclose(f);
    FILE *out = fopen(pt_path(name), "wb");
    if (shape == 3)
        fputs("\n \t\r\n\n", out);
    for (size_t i = 0; i < tlen; i++) {
        if (text[i] == '\n' && i + 1 == tlen && (shape == 1 || shape == 2))
            break;
        if (text[i] == '\n' && shape == 2)
            fputc('\r', out);
        fputc(text[i], out);
    }
    if (shape == 3)
        fputs(" \n\t\n", out);
    fclose(out);
    free(text);
    free(age);
}

SL_TEST(unpack_reads_armor_as_age_writes_and_accepts_it)
{
    pt_dir_new();
    uint8_t pub[32], plain[5000];
    pt_identity(pub);
    pt_fill(plain, sizeof plain, 7);
    uint8_t zst[6000];
    size_t zlen = ZSTD_compress(zst, sizeof zst, plain, sizeof plain, 3);
    CHECK(!ZSTD_isError(zlen));
    static const char *const shapes[] = {"as written", "no final newline", "CRLF", "whitespace around"};
    for (int shape = 0; shape < 4; shape++) {
        write_armored("in.asc", pub, zst, zlen, shape);
        expect_unpacks_to("in.asc", plain, sizeof plain, shapes[shape]);
    }
    pt_dir_free();
}

SL_TEST(unpack_names_an_unsupported_age_version)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    static const char v2[] = "age-encryption.org/v2\n-> X25519 abc\nAAAA\n--- AAAA\n";
    pt_write("v2.age", v2, sizeof v2 - 1);
    char msg[512];
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", pt_path("id.txt"), "-o", pt_path("out"), pt_path("v2.age"),
                           NULL),
             1);
    CHECK(strstr(msg, "v2.age: age header: unsupported age format version 'v2'") != NULL);
    CHECK(!pt_exists("out"));
    /* armored, the same */
    FILE *f = fopen(pt_path("v2.asc"), "w");
    sl_armor_out a;
    sl_armor_begin(&a, f);
    sl_armor_write(&a, (const uint8_t *)v2, sizeof v2 - 1);
    sl_armor_end(&a);
    fclose(f);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", pt_path("id.txt"), "-o", pt_path("out"), pt_path("v2.asc"),
                           NULL),
             1);
    CHECK(strstr(msg, "unsupported age format version 'v2'") != NULL);
    pt_dir_free();
}

/* A frame as `zstd --long=WLOG` writes it from a pipe: no content size,
 * a window of 2^wlog. */
static void write_long_frame(const char *name, unsigned wlog)
{
    static uint8_t src[100000], dst[120000];
    pt_fill(src, sizeof src, wlog);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, (int)wlog);
    ZSTD_outBuffer out = {dst, sizeof dst, 0};
    ZSTD_inBuffer in = {src, sizeof src, 0};
    CHECK(!ZSTD_isError(ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue))); /* size unknown at the start */
    ZSTD_inBuffer none = {NULL, 0, 0};
    CHECK_EQ(ZSTD_compressStream2(c, &out, &none, ZSTD_e_end), 0);
    ZSTD_freeCCtx(c);
    CHECK_EQ(ZSTD_getFrameContentSize(dst, out.pos), ZSTD_CONTENTSIZE_UNKNOWN);
    pt_write(name, dst, out.pos);
}

/* zstd -d's rules: windows up to 128 MiB by default; --long=W raises the
 * limit to 2^W, --memory=SIZE to SIZE (and wins over --long); the error
 * names both ways out. */
SL_TEST(unpack_window_limit_follows_zstd_memory_and_long)
{
    pt_dir_new();
    write_long_frame("w27.zst", 27);
    write_long_frame("w28.zst", 28);
    write_long_frame("w21.zst", 21);
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("out"));
    char msg[512];
    CHECK_EQ(pt_unpack("-q", "-f", "-o", out, pt_path("w27.zst"), NULL), 0); /* at the limit */
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-f", "-o", out, pt_path("w28.zst"), NULL), 1); /* past it */
    CHECK(strstr(msg, "w28.zst: zstd frame at offset 0: needs a 256 MiB window, over the limit of 128 MiB: use "
                      "--long=28 or --memory=256M") != NULL);
    CHECK_EQ(pt_unpack("-q", "-f", "--long=28", "-o", out, pt_path("w28.zst"), NULL), 0);
    CHECK_EQ(pt_unpack("-q", "-f", "--memory=256M", "-o", out, pt_path("w28.zst"), NULL), 0);
    CHECK_EQ(pt_unpack("-q", "-f", "--long", "-o", out, pt_path("w28.zst"), NULL), 1); /* --long alone: 27 */
    /* every spelling of --memory; 1 MiB is under a level-3 window */
    CHECK_EQ(pt_unpack("-q", "-f", "-M1M", "-o", out, pt_path("w21.zst"), NULL), 1);
    CHECK_EQ(pt_unpack("-q", "-f", "-M", "1M", "-o", out, pt_path("w21.zst"), NULL), 1);
    CHECK_EQ(pt_unpack("-q", "-f", "--memory", "2M", "-o", out, pt_path("w21.zst"), NULL), 0);
    CHECK_EQ(pt_unpack("-q", "-f", "--memory=2MiB", "--long=20", "-o", out, pt_path("w21.zst"), NULL), 0);
    CHECK_EQ(pt_unpack("-q", "-f", "--long=21", "-o", out, pt_path("w21.zst"), NULL), 0);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--long=32", pt_path("w21.zst"), NULL), 2);
    CHECK(strstr(msg, "--long: '32'") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--memory=3G", pt_path("w21.zst"), NULL), 2);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--memory=1000", pt_path("w21.zst"), NULL), 2);
    pt_dir_free();
}

/* A frame of `content` bytes in raw blocks whose header asks for a
 * 2^wlog window (not a single segment), declaring its content size or
 * not: what `zstd --long=31` writes, without the 2 GiB it takes to. */
static size_t raw_frame(uint8_t *dst, size_t content, unsigned wlog, int with_size)
{
    size_t at = 0;
    dst[at++] = 0x28, dst[at++] = 0xB5, dst[at++] = 0x2F, dst[at++] = 0xFD;
    dst[at++] = with_size ? 2u << 6 : 0; /* a 4-byte content size, or none */
    dst[at++] = (uint8_t)((wlog - 10) << 3);
    for (int i = 0; with_size && i < 4; i++)
        dst[at++] = (uint8_t)(content >> (8 * i));
    size_t left = content;
    do {
        size_t n = left < BLOCK ? left : BLOCK;
        left -= n;
        uint32_t bh = (uint32_t)(n << 3) | (left == 0); /* raw block, last flag */
        dst[at++] = (uint8_t)bh, dst[at++] = (uint8_t)(bh >> 8), dst[at++] = (uint8_t)(bh >> 16);
        for (size_t i = 0; i < n; i++)
            dst[at++] = (uint8_t)(i * 7);
    } while (left);
    return at;
}

/* A 2 GiB window (zstd --long=31) is refused past the default limit with
 * zstd's own way out, as zstd -d refuses it: a frame without a content
 * size, and one that declares 8 MiB (over the size decoded whole, which
 * used to be decoded whole past the limit; zstd -d refuses both). */
SL_TEST(unpack_refuses_a_2g_window_with_zstds_message)
{
    pt_dir_new();
    size_t cap = (9u << 20), n;
    uint8_t *buf = malloc(cap);
    CHECK(buf != NULL);
    char msg[512];
    n = raw_frame(buf, 1u << 20, 31, 0);
    pt_write("w31.zst", buf, n);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--test", pt_path("w31.zst"), NULL), 1);
    CHECK(strstr(msg, "w31.zst: zstd frame at offset 0: needs a 2048 MiB window, over the limit of 128 MiB: use "
                      "--long=31 or --memory=2048M") != NULL);
    n = raw_frame(buf, 8u << 20, 31, 1);
    pt_write("w31s.zst", buf, n);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--test", pt_path("w31s.zst"), NULL), 1);
    CHECK(strstr(msg, "w31s.zst: zstd frame at offset 0: needs a 2048 MiB window, over the limit of 128 MiB: use "
                      "--long=31 or --memory=2048M") != NULL);
    /* with --long=30 too: the limit it names is the one given */
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--test", "--long=30", pt_path("w31s.zst"), NULL), 1);
    CHECK(strstr(msg, "needs a 2048 MiB window, over the limit of 1024 MiB: use --long=31") != NULL);
    free(buf);
    pt_dir_free();
}

/* A grease stanza whose argument makes the whole header `total` bytes,
 * given the header without it is `base` bytes. */
static char *padding_stanza(size_t base, size_t total)
{
    size_t k = total - base - 7; /* "-> g " + arg + LF + empty body line */
    char *st = malloc(k + 8);
    memcpy(st, "-> g ", 5);
    memset(st + 5, 'a', k);
    memcpy(st + 5 + k, "\n\n", 3);
    return st;
}

/* A header of 10,000 X25519 recipients (980 KB, none of them ours but
 * the last) unpacks; so does a header of exactly the 1 MiB limit, and one
 * byte more is refused with the limit named. */
SL_TEST(unpack_reads_headers_up_to_the_limit_and_refuses_one_byte_more)
{
    pt_dir_new();
    uint8_t pub[32], plain[1000], zst[1100];
    pt_identity(pub);
    pt_fill(plain, sizeof plain, 3);
    size_t zlen = ZSTD_compress(zst, sizeof zst, plain, sizeof plain, 3), alen;
    const char *bogus = "-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    size_t bl = strlen(bogus);
    char *many = malloc(bl * 10000 + 1);
    for (size_t i = 0; i < 10000; i++)
        memcpy(many + i * bl, bogus, bl);
    many[bl * 10000] = 0;
    uint8_t *age = pt_age_seal_extra(pub, many, zst, zlen, &alen);
    pt_write("many.age", age, alen);
    expect_unpacks_to("many.age", plain, sizeof plain, "10,000 recipients");
    free(age);
    free(many);

    age = pt_age_seal(pub, zst, zlen, &alen);
    size_t base = alen - 16 - (zlen + 16); /* the header alone */
    free(age);
    char msg[512];
    for (size_t over = 0; over <= 1; over++) {
        char *pad = padding_stanza(base, SL_AGE_MAX_HEADER + over);
        age = pt_age_seal_extra(pub, pad, zst, zlen, &alen);
        CHECK_EQ(alen - 16 - (zlen + 16), SL_AGE_MAX_HEADER + over);
        pt_write("big.age", age, alen);
        if (!over) {
            expect_unpacks_to("big.age", plain, sizeof plain, "a header of exactly 1 MiB");
        } else {
            CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", pt_path("id.txt"), "-o", "-", pt_path("big.age"), NULL),
                     1);
            CHECK(strstr(msg, "big.age: age header: larger than 1024 KiB, the limit") != NULL);
        }
        free(age);
        free(pad);
    }
    pt_dir_free();
}

/* The scrypt work factor: age's limit of 22 by default (a stanza asking
 * 23 is refused before any work), --max-work-factor N lowers or raises
 * it; a file at the limit opens, one over it does not. */
SL_TEST(unpack_max_work_factor_bounds_scrypt)
{
    pt_dir_new();
    uint8_t plain[3000];
    pt_fill(plain, sizeof plain, 5);
    pt_write("in", plain, sizeof plain);
    pt_write("pw", "hunter2\n", 8);
    setenv("SLUICE_SCRYPT_WORK_FACTOR", "12", 1);
    CHECK_EQ(pt_pack("-q", "--passphrase-file", pt_path("pw"), "-o", pt_path("in.age"), pt_path("in"), NULL), 0);
    unsetenv("SLUICE_SCRYPT_WORK_FACTOR");
    char msg[512], out[512];
    snprintf(out, sizeof out, "%s", pt_path("out"));
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--max-work-factor", "11", "--passphrase-file", pt_path("pw"), "-o",
                           out, pt_path("in.age"), NULL),
             1);
    CHECK(strstr(msg, "in.age: age header: scrypt work factor 12 is above the limit of 11") != NULL);
    CHECK(!pt_exists("out"));
    CHECK_EQ(pt_unpack("-q", "--max-work-factor=12", "--passphrase-file", pt_path("pw"), "-o", out,
                       pt_path("in.age"), NULL),
             0);
    size_t n;
    uint8_t *back = pt_read("out", &n);
    CHECK(back && n == sizeof plain && !memcmp(back, plain, n));
    free(back);
    /* 23 by default: refused at once, without the 8 GiB scrypt would take */
    static const char wf23[] = "age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 23\n"
                               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                               "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    pt_write("wf23.age", wf23, sizeof wf23 - 1);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-f", "--passphrase-file", pt_path("pw"), "-o", out,
                           pt_path("wf23.age"), NULL),
             1);
    CHECK(strstr(msg, "scrypt work factor 23 is above the limit of 22 (it would take 8192 MiB") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--max-work-factor", "31", pt_path("in.age"), NULL), 2);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--max-work-factor", "0", pt_path("in.age"), NULL), 2);
    pt_dir_free();
}

/* "-> g a a ... a" with `args` arguments after the type, and a body of
 * `cols` base64 characters then an empty final line (cols < 64: one short line). */
static char *grease(int args, size_t cols)
{
    char *st = malloc(16 + (size_t)args * 2 + cols + 8), *p = st;
    p += sprintf(p, "-> g");
    for (int i = 0; i < args; i++)
        p += sprintf(p, " a");
    *p++ = '\n';
    memset(p, 'A', cols);
    p += cols;
    strcpy(p, cols % 4 == 1 ? "A\n" : "\n");
    if (cols == 64)
        strcat(p, "\n"); /* a full line, then the empty final line */
    return st;
}

/* A valid age file whose header carries `extra`: does unpack take it? */
static int unpack_with_extra(const uint8_t pub[32], const char *extra, char *msg, size_t cap)
{
    static const uint8_t zst[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x11, 0x00, 0x00, 0x68, 0x69}; /* "hi" */
    size_t alen;
    uint8_t *age = pt_age_seal_extra(pub, extra, zst, sizeof zst, &alen);
    pt_write("limit.age", age, alen);
    free(age);
    return pt_unpack_msg(msg, cap, "-q", "-f", "-i", pt_path("id.txt"), "-o", "/dev/null", pt_path("limit.age"), NULL);
}

/* A grease stanza of `args` arguments and a `cols`-column body line:
 * taken (why NULL) or refused with `why`. */
static void expect_grease(const uint8_t pub[32], int args, size_t cols, const char *why)
{
    char msg[600], *st = grease(args, cols);
    CHECK_EQ(unpack_with_extra(pub, st, msg, sizeof msg), why ? 1 : 0);
    CHECK(!why || strstr(msg, why) != NULL);
    free(st);
}

/* Each limit in tools/pack/README.md ("Limits"), at the limit and one past
 * it, where another test does not already (the age header's 1 MiB, the
 * scrypt work factor, the zstd window, the whitespace around armor). */
SL_TEST(pack_and_unpack_take_each_limit_and_refuse_one_more)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    char msg[600];
    /* stanza arguments: 16 after "->", the type included; body lines: 64 columns */
    expect_grease(pub, 15, 0, NULL);
    expect_grease(pub, 16, 0, "age header: too many stanza arguments");
    expect_grease(pub, 1, 64, NULL);
    expect_grease(pub, 1, 65, "age header: stanza body line longer than 64 columns");
    /* armor lines: 64 columns (68 characters of valid base64 refused) */
    pt_write("long.asc",
             "-----BEGIN AGE ENCRYPTED FILE-----\n"
             "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n"
             "-----END AGE ENCRYPTED FILE-----\n",
             35 + 69 + 33);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", pt_path("id.txt"), "-o", "/dev/null", pt_path("long.asc"), NULL),
             1);
    CHECK(strstr(msg, "long.asc: armor: line longer than 64 columns") != NULL);
    /* pack --chunk: at most 64M */
    pt_write("in", "x", 1);
    char out[512];
    snprintf(out, sizeof out, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-q", "--chunk", "67108865", "-o", out, pt_path("in"), NULL), 2);
    CHECK(strstr(msg, "--chunk: '67108865' is not a size from 1 byte to 64M") != NULL);
    CHECK_EQ(pt_pack("-q", "--chunk", "64M", "-o", out, pt_path("in"), NULL), 0);
    /* passphrase files: the first line, up to 4096 bytes */
    char *pw = malloc(4099);
    memset(pw, 'p', 4097);
    pw[4096] = '\n';
    pt_write("pw", pw, 4097);
    snprintf(out, sizeof out, "%s", pt_path("pw.age"));
    setenv("SLUICE_SCRYPT_WORK_FACTOR", "10", 1);
    CHECK_EQ(pt_pack("-q", "--passphrase-file", pt_path("pw"), "-o", out, pt_path("in"), NULL), 0);
    unsetenv("SLUICE_SCRYPT_WORK_FACTOR");
    pw[4096] = 'p';
    pt_write("pw", pw, 4097);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-q", "-f", "--passphrase-file", pt_path("pw"), "-o", out, pt_path("in"),
                         NULL),
             2);
    CHECK(strstr(msg, "pw: the passphrase is longer than 4096 bytes, the limit") != NULL);
    free(pw);
    /* key files: 1 MiB */
    size_t idn;
    uint8_t *id = pt_read("id.txt", &idn);
    char *big = malloc((1 << 20) + 1);
    memset(big, '#', (1 << 20) + 1);
    big[0] = '\n';
    memcpy(big + 1, id, idn);
    big[(1 << 20) - 1] = '\n';
    pt_write("big-id.txt", big, 1 << 20);
    CHECK_EQ(unpack_with_extra(pub, "", msg, sizeof msg), 0); /* (writes limit.age) */
    CHECK_EQ(pt_unpack("-q", "-i", pt_path("big-id.txt"), "-o", "/dev/null", pt_path("limit.age"), NULL), 0);
    pt_write("big-id.txt", big, (1 << 20) + 1);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", pt_path("big-id.txt"), "-o", "/dev/null",
                           pt_path("limit.age"), NULL),
             2);
    CHECK(strstr(msg, "big-id.txt: over 1 MiB, too large for a key file") != NULL);
    free(big);
    free(id);
    pt_dir_free();
}

/* The bytes of file `name` on disk (st_blocks), or -1 if it is missing. */
static long long disk_bytes(const char *name)
{
    struct stat st;
    return stat(pt_path(name), &st) ? -1 : (long long)st.st_blocks * 512;
}

/* `sluice unpack ARGS -o out` made `out`: exactly want[0..n), and (where
 * the file system makes holes) on at most `most` bytes of disk. */
static void expect_file(const char *out, const uint8_t *want, size_t n, int holes, long long most, const char *what)
{
    size_t got_n;
    uint8_t *got = pt_read(out, &got_n);
    long long disk = disk_bytes(out);
    if (!got || got_n != n || memcmp(got, want, n) || (holes && disk > most)) {
        fprintf(stderr, "%s: %zu of %zu bytes%s, %lld bytes on disk (at most %lld)\n", what, got ? got_n : 0, n,
                got && got_n == n && !memcmp(got, want, n) ? "" : " (differ)", disk, most);
        CHECK(0);
    }
    free(got);
}

/* An output file gets holes where its bytes are zero, as `zstd -d` writes
 * one: 6 MiB that are mostly zeros, with 64 KiB of data at 1 MiB and
 * 100 KiB at 3 MiB + 5 and zeros to the end, restored on every path that
 * writes a file - the seek table's (plain and age, whole and a range
 * from an unaligned offset), the workers' whole frames and the streamed
 * frame of zstd's own output - is the same bytes on well under its size
 * of disk, and the same bytes in full with --no-sparse.  Standard output
 * is never sparse.  A 3 GiB disk image once took 100x zstd's disk space
 * and 16-20x its time. */
SL_TEST(unpack_leaves_zero_runs_as_holes_in_an_output_file)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    char r[SL_AGE_RECIPIENT_LEN + 1], id[512], out[512];
    sl_agekey_format_recipient(r, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    size_t n = (size_t)6 << 20;
    uint8_t *plain = calloc(n, 1);
    pt_fill(plain + (1u << 20), 64u << 10, 1);
    pt_fill(plain + (3u << 20) + 5, 100u << 10, 2);
    pt_write("in", plain, n);
    /* does this file system make holes at all? (tmpfs and ext4 do) */
    int fd = open(pt_path("probe"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && ftruncate(fd, 8 << 20) == 0 && pwrite(fd, "x", 1, (8 << 20) - 1) == 1);
    close(fd);
    int holes = disk_bytes("probe") < (1 << 20);
    if (!holes)
        fprintf(stderr, "note: this file system makes no holes: only the bytes are checked\n");
    long long most = 1 << 20; /* the data and the blocks it shares, with room for the file system's own */
    snprintf(out, sizeof out, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack("-q", "--chunk", "1M", "-o", out, pt_path("in"), NULL), 0);
    snprintf(out, sizeof out, "%s", pt_path("in.age"));
    CHECK_EQ(pt_pack("-q", "--chunk", "1M", "-r", r, "-o", out, pt_path("in"), NULL), 0);
    snprintf(out, sizeof out, "%s", pt_path("out"));
    static const char *const jobs[] = {"-j1", "-j2"};
    for (int j = 0; j < 2; j++) {
        CHECK_EQ(pt_unpack("-q", "-f", jobs[j], "-o", out, pt_path("in.zst"), NULL), 0);
        expect_file("out", plain, n, holes, most, "seek table, plain");
        CHECK_EQ(pt_unpack("-q", "-f", jobs[j], "-i", id, "-o", out, pt_path("in.age"), NULL), 0);
        expect_file("out", plain, n, holes, most, "seek table, age");
        CHECK_EQ(pt_unpack("-q", "-f", jobs[j], "-i", id, "--range", "12345:", "-o", out, pt_path("in.age"), NULL), 0);
        expect_file("out", plain + 12345, n - 12345, holes, most, "--range from an unaligned offset");
    }
    /* zstd's own output, without a seek table: frames with a content size (placed by the workers), and one
     * big frame without (streamed by the sink) */
    ZSTD_CCtx *c = ZSTD_createCCtx();
    for (int sized = 0; sized <= 1; sized++) {
        ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, sized);
        size_t cap = ZSTD_compressBound(n), zn = 0, piece = sized ? (size_t)1 << 20 : n;
        uint8_t *z = malloc(cap + 4096);
        for (size_t at = 0; at < n; at += piece) {
            ZSTD_outBuffer o = {z + zn, cap + 4096 - zn, 0};
            ZSTD_inBuffer in = {plain + at, piece, 0};
            CHECK_EQ(ZSTD_compressStream2(c, &o, &in, ZSTD_e_end), 0);
            zn += o.pos;
        }
        pt_write("z.zst", z, zn);
        free(z);
        CHECK_EQ(pt_unpack("-q", "-f", "-o", out, pt_path("z.zst"), NULL), 0);
        expect_file("out", plain, n, holes, most, sized ? "zstd frames with a content size" : "one streamed frame");
    }
    ZSTD_freeCCtx(c);
    /* --no-sparse writes every byte */
    CHECK_EQ(pt_unpack("-q", "-f", "--no-sparse", "-o", out, pt_path("in.zst"), NULL), 0);
    expect_file("out", plain, n, 0, 0, "--no-sparse");
    CHECK(disk_bytes("out") >= (long long)n);
    /* standard output: all of it, and the same bytes */
    int rc;
    size_t got_n;
    const uint8_t *got = pt_unpack_stdout(&rc, &got_n, "-q", "-o", "-", pt_path("in.zst"), NULL);
    CHECK(rc == 0 && got_n == n && !memcmp(got, plain, n));
    free(plain);
    pt_dir_free();
}

/* adv22 F8: a frame whose checksum does not match, sealed in a valid age
 * file (the damage came before the encryption: each chunk authenticates).
 * Read through the seek table it once passed --test and unpacked to other
 * bytes with exit 0, because the frames' XXH64 went unchecked in age; now
 * it is refused as `age -d | zstd -d` and the streaming path refuse it. */
SL_TEST(unpack_checks_frame_checksums_inside_age_too)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    size_t n = 100000, zn;
    uint8_t *plain = malloc(n);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) { /* incompressible: raw blocks, where a flipped byte decodes as it is */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        plain[i] = (uint8_t)(x >> 24);
    }
    pt_write("in", plain, n);
    char out[512], id[512];
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    snprintf(out, sizeof out, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack("-q", "-o", out, pt_path("in"), NULL), 0);
    uint8_t *z = pt_read("in.zst", &zn);
    z[50000] ^= 1;
    size_t an;
    uint8_t *age = pt_age_seal(pub, z, zn, &an);
    pt_write("bad.age", age, an);
    char msg[600];
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-i", id, "--test", pt_path("bad.age"), NULL), 1);
    CHECK(strstr(msg, "bad.age: frame 0 (at stream offset 0) does not decompress") != NULL &&
          strstr(msg, "checksum") != NULL);
    snprintf(out, sizeof out, "%s", pt_path("out"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "-o", out, pt_path("bad.age"), NULL), 1);
    CHECK(!pt_exists("out"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "--range", "0:", pt_path("bad.age"), NULL), 1);
    free(age);
    free(z);
    free(plain);
    pt_dir_free();
}

/* Small frames go to the workers in batches (adv22 F3): a stream that
 * mixes tiny frames with and without a content size, empty ones, big
 * ones on either side of a batch, and skippable frames, comes out whole
 * through a file, standard output, a pipe and age; and a corrupted frame
 * deep inside a batch is named by its own offset, in each kind of batch. */
SL_TEST(unpack_batches_small_frames_and_names_each_one)
{
    pt_dir_new();
    uint8_t pub[32];
    pt_identity(pub);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    sweep s = {0};
    size_t mark[2] = {0, 0}; /* where a sized and an unsized frame deep in a batch start */
    for (int i = 0; i < 3000; i++) {
        int with_size = i % 7 < 4, k = i % 13;
        if (i == 1000 || i == 2001) /* a big frame between batches: a whole frame, then a streamed one */
            add_frame(&s, c, i == 1000 ? 300000 : 2000000, i == 1000, 1, (uint64_t)i);
        if (i % 250 == 0) { /* a skippable frame, which ends no batch */
            static const uint8_t skip[12] = {0x5A, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
            reserve(&s.zst, &s.zcap, s.zlen + sizeof skip);
            memcpy(s.zst + s.zlen, skip, sizeof skip);
            s.zlen += sizeof skip;
        }
        if (i == 500 || i == 1503)
            mark[i == 1503] = s.zlen;
        add_frame(&s, c, k == 0 ? 0 : (size_t)(k * 37 + i % 300), with_size, 1, (uint64_t)i);
    }
    pt_write("mix.zst", s.zst, s.zlen);
    expect_unpacks_to("mix.zst", s.plain, s.plen, "mixed small frames, plain, to stdout");
    CHECK_EQ(pt_unpack("-q", "-j", "3", "-o", pt_path("mix.out"), pt_path("mix.zst"), NULL), 0);
    size_t n;
    uint8_t *got = pt_read("mix.out", &n);
    CHECK(got && n == s.plen && !memcmp(got, s.plain, n));
    free(got);
    int rc;
    const uint8_t *piped = pt_unpack_piped(s.zst, s.zlen, &rc, &n, "-q", "-", NULL);
    CHECK(rc == 0 && n == s.plen && !memcmp(piped, s.plain, n));
    size_t alen;
    uint8_t *age = pt_age_seal(pub, s.zst, s.zlen, &alen);
    pt_write("mix.age", age, alen);
    expect_unpacks_to("mix.age", s.plain, s.plen, "mixed small frames, age");
    free(age);
    /* frame 500 has a content size (500 % 7 < 4), 1503 none: flip the last
     * byte of each one's checksum, in turn */
    for (int m = 0; m < 2; m++) {
        uint8_t *bad = malloc(s.zlen);
        memcpy(bad, s.zst, s.zlen);
        size_t end = m ? mark[1] : mark[0];
        size_t len = ZSTD_findFrameCompressedSize(bad + end, s.zlen - end);
        CHECK(!ZSTD_isError(len));
        bad[end + len - 1] ^= 0x40;
        pt_write("bad.zst", bad, s.zlen);
        char msg[600], want[128];
        snprintf(want, sizeof want, "bad.zst: zstd frame at offset %zu: ", end);
        CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "--test", pt_path("bad.zst"), NULL), 1);
        if (!strstr(msg, want) || !strstr(msg, "checksum"))
            fprintf(stderr, "got: %s\nwant: %s...checksum\n", msg, want);
        CHECK(strstr(msg, want) != NULL && strstr(msg, "checksum") != NULL);
        CHECK_EQ(pt_unpack("-q", "-o", pt_path("bad.out"), pt_path("bad.zst"), NULL), 1);
        CHECK(!pt_exists("bad.out"));
        free(bad);
    }
    free(s.zst);
    free(s.plain);
    ZSTD_freeCCtx(c);
    pt_dir_free();
}

/* Unpacks bad.zst (plain bytes want[0..n) before the bad frame) to
 * standard output, then from a pipe, then to a file, at -j j. */
static void expect_prefix_then_error(const uint8_t *bad, size_t blen, const uint8_t *want, size_t n, const char *j,
                                     const char *what)
{
    int rc;
    size_t got_len;
    const uint8_t *got = pt_unpack_stdout(&rc, &got_len, "-q", "-j", j, "-o", "-", pt_path("bad.zst"), NULL);
    if (rc != 1 || got_len != n || memcmp(got, want, n))
        fprintf(stderr, "%s, -j%s, stdout: exit %d, %zu of %zu bytes\n", what, j, rc, got_len, n);
    CHECK(rc == 1 && got_len == n && !memcmp(got, want, n));
    got = pt_unpack_piped(bad, blen, &rc, &got_len, "-q", "-j", j, "-", NULL);
    if (rc != 1 || got_len != n || memcmp(got, want, n))
        fprintf(stderr, "%s, -j%s, piped: exit %d, %zu of %zu bytes\n", what, j, rc, got_len, n);
    CHECK(rc == 1 && got_len == n && !memcmp(got, want, n));
    /* a file output is all or nothing */
    CHECK_EQ(pt_unpack("-q", "-j", j, "-o", pt_path("bad.out"), pt_path("bad.zst"), NULL), 1);
    CHECK(!pt_exists("bad.out"));
}

/* A frame that fails its checksum ends the output, but everything before
 * it is written to standard output first, in order, as zstd -d writes it:
 * the small frames batched with it, and the frames of the batches (or
 * whole frames) that were still waiting for their turn in the sink.  Tiny
 * frames (batched), with and without a content size, and big ones (one
 * frame a block); the bad one last, or in the middle of a batch. */
SL_TEST(unpack_writes_every_frame_before_a_bad_one)
{
    pt_dir_new();
    ZSTD_CCtx *c = ZSTD_createCCtx();
    static const struct {
        size_t size;
        int frames, with_size, bad;
    } cases[] = {
        {17, 20, 0, 19}, {17, 20, 1, 19}, {300, 400, 1, 250}, {300, 400, 0, 250}, {300000, 12, 1, 11},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof *cases; ci++) {
        sweep s = {0};
        size_t zat = 0, pat = 0;
        for (int i = 0; i < cases[ci].frames; i++) {
            if (i == cases[ci].bad) {
                zat = s.zlen;
                pat = s.plen;
            }
            add_frame(&s, c, cases[ci].size, cases[ci].with_size, 1, (uint64_t)(ci * 1000 + (size_t)i));
        }
        size_t len = ZSTD_findFrameCompressedSize(s.zst + zat, s.zlen - zat);
        CHECK(!ZSTD_isError(len));
        s.zst[zat + len - 1] ^= 0x40; /* the last byte of its checksum */
        pt_write("bad.zst", s.zst, s.zlen);
        char what[64];
        snprintf(what, sizeof what, "%d frames of %zu bytes%s, frame %d bad", cases[ci].frames, cases[ci].size,
                 cases[ci].with_size ? "" : " (unsized)", cases[ci].bad);
        for (int round = 0; round < 3; round++) /* it was a race once */
            for (int j = 1; j <= 4; j *= 2)
                expect_prefix_then_error(s.zst, s.zlen, s.plain, pat, j == 1 ? "1" : j == 2 ? "2" : "4", what);
        free(s.zst);
        free(s.plain);
    }
    ZSTD_freeCCtx(c);
    pt_dir_free();
}
