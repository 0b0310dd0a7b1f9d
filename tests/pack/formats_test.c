/*
 * formats_test.c - the byte-level formats of pack: base64, Bech32, HKDF,
 * STREAM, armor and the seek table, each pinned to its spec's edges.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "armor.h"
#include "base64.h"
#include "bech32.h"
#include "check.h"
#include "hkdf.h"
#include "seektable.h"
#include "stream.h"

SL_TEST(base64_round_trips_every_tail_length)
{
    uint8_t in[8] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x10, 0x80}, out[8];
    char enc[16];
    for (int pad = 0; pad <= 1; pad++)
        for (size_t n = 0; n <= sizeof in; n++) {
            size_t k = sl_b64_encode(enc, in, n, pad);
            CHECK_EQ(k, sl_b64_encoded_len(n, pad));
            CHECK_EQ(sl_b64_decode(out, enc, k, pad), n);
            CHECK(!memcmp(in, out, n));
        }
}

SL_TEST(base64_rejects_noncanonical_spellings)
{
    uint8_t out[8];
    CHECK_EQ(sl_b64_decode(out, "AB", 2, 0), -1);       /* low bits of B set */
    CHECK_EQ(sl_b64_decode(out, "AA", 2, 0), 1);        /* canonical */
    CHECK_EQ(sl_b64_decode(out, "AAA=", 4, 0), -1);     /* padding where none is allowed */
    CHECK_EQ(sl_b64_decode(out, "AAA", 3, 1), -1);      /* missing padding */
    CHECK_EQ(sl_b64_decode(out, "AAAAA", 5, 0), -1);    /* impossible length */
    CHECK_EQ(sl_b64_decode(out, "AA\nA", 4, 0), -1);    /* stray character */
    CHECK_EQ(sl_b64_decode(out, "A===", 4, 1), -1);
}

SL_TEST(bech32_keys_round_trip_and_reject_defects)
{
    uint8_t key[32], back[32];
    randombytes_buf(key, sizeof key);
    char id[80], rc[80];
    sl_bech32_encode(id, sizeof id, "age-secret-key-", key, 32, 1);
    sl_bech32_encode(rc, sizeof rc, "age", key, 32, 0);
    CHECK_EQ(strlen(id), 74);
    CHECK_EQ(strlen(rc), 62);
    CHECK(!strncmp(id, "AGE-SECRET-KEY-1", 16));
    char hrp[32];
    CHECK_EQ(sl_bech32_decode(id, strlen(id), hrp, sizeof hrp, back, sizeof back), 32);
    CHECK(!strcmp(hrp, "age-secret-key-") && !memcmp(key, back, 32));
    CHECK_EQ(sl_bech32_decode(rc, strlen(rc), hrp, sizeof hrp, back, sizeof back), 32);
    rc[10] = rc[10] == 'q' ? 'p' : 'q'; /* one wrong character */
    CHECK_EQ(sl_bech32_decode(rc, strlen(rc), hrp, sizeof hrp, back, sizeof back), -1);
    id[20] = (char)(id[20] >= 'A' && id[20] <= 'Z' ? id[20] + 32 : id[20]); /* mixed case */
    if (id[20] >= 'a')
        CHECK_EQ(sl_bech32_decode(id, strlen(id), hrp, sizeof hrp, back, sizeof back), -1);
}

SL_TEST(hkdf_matches_rfc5869_test_case_1)
{
    uint8_t ikm[22], salt[13], okm[42];
    memset(ikm, 0x0b, sizeof ikm);
    for (int i = 0; i < 13; i++)
        salt[i] = (uint8_t)i;
    char info[11];
    for (int i = 0; i < 10; i++)
        info[i] = (char)(0xf0 + i);
    info[10] = 0;
    sl_hkdf_sha256(okm, sizeof okm, ikm, sizeof ikm, salt, sizeof salt, info);
    static const uint8_t want[42] = {0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a, 0x90, 0x43, 0x4f, 0x64, 0xd0, 0x36,
                                     0x2f, 0x2a, 0x2d, 0x2d, 0x0a, 0x90, 0xcf, 0x1a, 0x5a, 0x4c, 0x5d, 0xb0, 0x2d, 0x56,
                                     0xec, 0xc4, 0xc5, 0xbf, 0x34, 0x00, 0x72, 0x08, 0xd5, 0xb8, 0x87, 0x18, 0x58, 0x65};
    CHECK(!memcmp(okm, want, sizeof want));
}

static size_t ct_len(size_t n)
{
    size_t chunks = n ? (n + SL_STREAM_CHUNK - 1) / SL_STREAM_CHUNK : 1;
    return n + chunks * SL_STREAM_TAG;
}

SL_TEST(stream_round_trips_at_chunk_edges)
{
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 7};
    uint8_t key[32];
    randombytes_buf(key, sizeof key);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        uint8_t *pt = malloc(n + 1), *ct = malloc(ct_len(n)), *back = malloc(n + 1);
        randombytes_buf(pt, n);
        CHECK_EQ(sl_stream_seal(ct, pt, n, 0, 1, key), ct_len(n));
        uint64_t bad;
        CHECK_EQ(sl_stream_open(back, ct, ct_len(n), 0, 1, key, &bad), n);
        CHECK(!memcmp(pt, back, n));
        free(pt);
        free(ct);
        free(back);
    }
}

static void stream_detects_flips_with_one_implementation(void)
{
    size_t n = 3 * 65536 + 100;
    uint8_t key[32], *pt = malloc(n), *ct = malloc(ct_len(n)), *back = malloc(n);
    randombytes_buf(key, sizeof key);
    randombytes_buf(pt, n);
    size_t c = sl_stream_seal(ct, pt, n, 0, 1, key);
    uint64_t bad = 99;
    ct[70000] ^= 1; /* inside chunk 1 */
    CHECK_EQ(sl_stream_open(back, ct, c, 0, 1, key, &bad), -1);
    CHECK_EQ(bad, 1);
    ct[70000] ^= 1;
    /* Cut after chunk 2 (a full chunk, sealed as not-last): must fail. */
    CHECK_EQ(sl_stream_open(back, ct, 3 * SL_STREAM_CT_CHUNK, 0, 1, key, &bad), -1);
    CHECK_EQ(bad, 2);
    CHECK(sl_stream_opens_as_middle(ct + 2 * SL_STREAM_CT_CHUNK, SL_STREAM_CT_CHUNK, 2, key));
    /* Opened as a later segment (wrong counter): fails. */
    CHECK_EQ(sl_stream_open(back, ct, c, 16, 1, key, &bad), -1);
    /* An empty final chunk is only valid as the whole payload. */
    uint8_t empty_ct[16];
    sl_stream_seal(empty_ct, pt, 0, 4, 1, key);
    CHECK_EQ(sl_stream_open(back, empty_ct, 16, 4, 1, key, &bad), -1);
    free(pt);
    free(ct);
    free(back);
}

/* OpenSSL and libsodium seal to the same bytes and open each other's
 * chunks, at every chunk edge; a chunk that fails to open leaves no
 * plaintext behind in either. */
SL_TEST(stream_openssl_and_libsodium_agree_byte_for_byte)
{
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 3 * 65536 + 7};
    uint8_t key[32];
    randombytes_buf(key, sizeof key);
    CHECK(sl__stream_openssl_loaded()); /* or OpenSSL's side below would be libsodium again */
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], c = ct_len(n);
        uint64_t at = n ? 5 : 0; /* an empty payload is chunk 0 alone */
        uint8_t *pt = malloc(n + 1), *ct1 = malloc(c), *ct2 = malloc(c), *back = malloc(n + 1);
        randombytes_buf(pt, n);
        sl__stream_use(SL_STREAM_LIBSODIUM);
        CHECK_EQ(sl_stream_seal(ct1, pt, n, at, 1, key), c);
        sl__stream_use(SL_STREAM_OPENSSL);
        CHECK_EQ(sl_stream_seal(ct2, pt, n, at, 1, key), c);
        CHECK(!memcmp(ct1, ct2, c));
        uint64_t bad = 99;
        CHECK_EQ(sl_stream_open(back, ct1, c, at, 1, key, &bad), n); /* OpenSSL opens libsodium's */
        CHECK(!memcmp(pt, back, n));
        ct1[c - 1] ^= 1; /* the last chunk's tag */
        memset(back, 0xAA, n + 1);
        CHECK_EQ(sl_stream_open(back, ct1, c, at, 1, key, &bad), -1);
        CHECK_EQ(bad, at + (n ? (n - 1) / SL_STREAM_CHUNK : 0));
        size_t tail = n ? n - (n - 1) / SL_STREAM_CHUNK * SL_STREAM_CHUNK : 0; /* the last chunk's plaintext */
        for (size_t i = n - tail; i < n; i++)
            CHECK_EQ(back[i], 0);
        sl__stream_use(SL_STREAM_LIBSODIUM);
        CHECK_EQ(sl_stream_open(back, ct2, c, at, 1, key, &bad), n); /* and libsodium OpenSSL's */
        CHECK(!memcmp(pt, back, n));
        free(pt);
        free(ct1);
        free(ct2);
        free(back);
    }
    sl__stream_use(SL_STREAM_AUTO);
}

SL_TEST(stream_detects_flip_reorder_and_truncation)
{
    for (int impl = SL_STREAM_LIBSODIUM; impl <= SL_STREAM_OPENSSL; impl++) {
        sl__stream_use(impl);
        stream_detects_flips_with_one_implementation();
    }
    sl__stream_use(SL_STREAM_AUTO);
}
static long armor_round_trip(const uint8_t *p, size_t n, uint8_t *back, size_t cap, char **text)
{
    size_t tlen;
    FILE *f = open_memstream(text, &tlen);
    sl_armor_out a;
    sl_armor_begin(&a, f);
    sl_armor_write(&a, p, n);
    sl_armor_end(&a);
    fclose(f);
    sl_memsrc m = {(const uint8_t *)*text, tlen, 0};
    sl_reader src, dec;
    sl_reader_init(&src, sl_fill_mem, &m, 4096);
    sl_armor_in in = {&src, 0};
    sl_reader_init(&dec, sl_armor_fill, &in, 4096);
    size_t got = sl_reader_read(&dec, back, cap);
    long rc = dec.failed ? -1 : (long)got;
    sl_reader_free(&src);
    sl_reader_free(&dec);
    return rc;
}

SL_TEST(armor_round_trips_at_line_edges)
{
    static const size_t sizes[] = {1, 2, 3, 47, 48, 49, 96, 1000};
    uint8_t p[1000], back[1100];
    randombytes_buf(p, sizeof p);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        char *text = NULL;
        CHECK_EQ(armor_round_trip(p, sizes[s], back, sizeof back, &text), sizes[s]);
        CHECK(!memcmp(p, back, sizes[s]));
        free(text);
    }
}

static long decode_armor_text(const char *text)
{
    sl_memsrc m = {(const uint8_t *)text, strlen(text), 0};
    sl_reader src, dec;
    sl_reader_init(&src, sl_fill_mem, &m, 4096);
    sl_armor_in in = {&src, 0};
    sl_reader_init(&dec, sl_armor_fill, &in, 4096);
    uint8_t out[256];
    size_t got = sl_reader_read(&dec, out, sizeof out);
    long rc = dec.failed ? -1 : (long)got;
    sl_reader_free(&src);
    sl_reader_free(&dec);
    return rc;
}

/* "-----BEGIN...\n" + body + "-----END...", with what goes before and
 * after (and CRLF line ends if crlf). */
static long decode_wrapped(const char *before, const char *after, int crlf)
{
    static char text[8192];
    const char *eol = crlf ? "\r\n" : "\n";
    snprintf(text, sizeof text, "%s%s%sAAAA%s%s%s", before, SL_ARMOR_BEGIN, eol, eol, SL_ARMOR_END, after);
    return decode_armor_text(text);
}

/* head, then n bytes of every kind of whitespace */
static const char *spaces(const char *head, size_t n)
{
    static char buf[2][4096];
    static int k;
    char *b = buf[k++ % 2];
    size_t h = strlen(head);
    memcpy(b, head, h);
    for (size_t i = 0; i < n; i++)
        b[h + i] = " \t\r\n\v\f"[i % 6];
    b[h + n] = 0;
    return b;
}

/* What age accepts: no line end after END, CRLF, and whitespace before
 * BEGIN (up to 1 KiB) and after END (under 1 KiB). */
SL_TEST(armor_accepts_what_age_accepts)
{
    CHECK_EQ(decode_wrapped("", "", 0), 3);     /* the file stops right after END */
    CHECK_EQ(decode_wrapped("", "", 1), 3);     /* CRLF, and no line end after END */
    CHECK_EQ(decode_wrapped("", "\r\n", 1), 3); /* CRLF throughout */
    CHECK_EQ(decode_wrapped("", "\r", 0), 3);   /* END with a lone CR, as age trims it */
    CHECK_EQ(decode_wrapped("\n\n \t\r\n", "\n \n\t\v\f\r\n", 0), 3);
    /* the limits: after END they count from the END line's line end */
    CHECK_EQ(decode_wrapped(spaces("", SL_ARMOR_MAX_SPACE), spaces("\n", SL_ARMOR_MAX_SPACE - 1), 0), 3);
    CHECK_EQ(decode_wrapped(spaces("", SL_ARMOR_MAX_SPACE + 1), "\n", 0), -1);
    CHECK_EQ(decode_wrapped("", spaces("\n", SL_ARMOR_MAX_SPACE), 0), -1);
    CHECK_EQ(decode_wrapped("", "\n  x", 0), -1);   /* not whitespace */
    CHECK_EQ(decode_wrapped("", "  \n", 0), -1);    /* END line with trailing spaces: not END */
}

SL_TEST(armor_rejects_bad_lines_and_trailing_data)
{
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n"), 3);
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n  \n"), 3);
    /* a short line followed by more data */
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\nAAAA\n-----END AGE ENCRYPTED FILE-----\n"), -1);
    /* trailing garbage */
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\nx"), -1);
    /* no END line */
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n"), -1);
    /* missing padding */
    CHECK_EQ(decode_armor_text("-----BEGIN AGE ENCRYPTED FILE-----\nAAA\n-----END AGE ENCRYPTED FILE-----\n"), -1);
}

SL_TEST(seek_table_round_trips_and_rejects_bad_footers)
{
    sl_seektable t = {0}, back = {0};
    t.checksums = 1;
    for (uint32_t i = 0; i < 5; i++) {
        sl_seek_entry e = {100 + i, 1000 + i, 0xabcd0000u + i, 1, 1};
        sl_seektable_add(&t, &e);
    }
    size_t n = sl_seektable_frame_size(&t);
    CHECK_EQ(n, 8 + 5 * 12 + 9);
    uint8_t buf[128];
    sl_seektable_write(&t, buf);
    CHECK_EQ(sl_le32(buf), SL_SKIPPABLE_MAGIC_SEEK);
    char err[256];
    CHECK_EQ(sl_seektable_parse(buf + 8, n - 8, &back, err, sizeof err), 0);
    CHECK_EQ(back.n, 5);
    CHECK_EQ(back.e[4].check, 0xabcd0004u);
    CHECK_EQ(back.e[2].csize, 102);
    buf[n - 5] |= 0x04; /* a reserved descriptor bit */
    CHECK_EQ(sl_seektable_parse(buf + 8, n - 8, &back, err, sizeof err), -1);
    buf[n - 5] &= (uint8_t)~0x04;
    CHECK_EQ(sl_seektable_parse(buf + 9, n - 9, &back, err, sizeof err), -1); /* wrong length */
    sl_seektable_free(&t);
    sl_seektable_free(&back);
}

__attribute__((constructor)) static void init_sodium(void)
{
    if (sodium_init() < 0)
        abort();
}
