/*
 * fuzz_packfile.c - libFuzzer entry for random access: the seekable
 * reader's open (the seek table found from the end of the file, in plain
 * zstd or by decrypting the last age chunks) and its reads, and the
 * --range parser.
 *
 * Byte 0 picks what the rest is: 0 or 3 a file opened as it is (with a
 * fixed X25519 identity, for age); 1 a --range argument; 2 a compressed
 * stream, sealed here as the payload of an age file to that identity, so
 * that mutations reach the seek table and the chunk arithmetic behind
 * real encryption.  Every read that succeeds must agree with a whole read
 * of the original, and each range is checked both ways.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "ageheader.h"
#include "agekey.h"
#include "args.h"
#include "packfile_keys.h"
#include "packfile_sink.h"
#include "sluice/packfile.h"
#include "stream.h"

#define WHOLE_MAX ((uint64_t)1 << 20) /* originals up to this are read whole to check the pieces */

static uint8_t secret[32] = {7, 7, 7};
static uint8_t public_key[32];

static void fuzz_range(const uint8_t *p, size_t n)
{
    char s[64];
    if (n >= sizeof s)
        n = sizeof s - 1;
    memcpy(s, p, n);
    s[n] = 0;
    uint64_t off, len, off2, len2;
    int to_end, to_end2;
    if (sl_args_range(s, &off, &len, &to_end))
        return;
    char again[64];
    if (to_end)
        snprintf(again, sizeof again, "%llu:", (unsigned long long)off);
    else
        snprintf(again, sizeof again, "%llu:%llu", (unsigned long long)off, (unsigned long long)len);
    if (sl_args_range(again, &off2, &len2, &to_end2) || off2 != off || len2 != len || to_end2 != to_end)
        __builtin_trap(); /* what it read must read back the same */
}

/* The stream p[0..n) as the payload of an age file to public_key. */
static uint8_t *seal(const uint8_t *p, size_t n, size_t *len)
{
    static const uint8_t fk[16] = {1, 2, 3, 4}, nonce[16] = {5, 6, 7, 8};
    sl_keylist r = {0};
    sl_keylist_add(&r, public_key);
    size_t hlen;
    uint8_t *h = sl_age_header_write(fk, &r, NULL, 0, 0, &hlen), key[32];
    sl_keylist_free(&r);
    size_t chunks = n ? (n + SL_STREAM_CHUNK - 1) / SL_STREAM_CHUNK : 1;
    uint8_t *out = h ? malloc(hlen + 16 + n + chunks * SL_STREAM_TAG) : NULL;
    if (!out) {
        free(h);
        return NULL;
    }
    memcpy(out, h, hlen);
    memcpy(out + hlen, nonce, 16);
    free(h);
    sl_age_payload_key(key, fk, nonce);
    *len = hlen + 16 + sl_stream_seal(out + hlen + 16, p, n, 0, 1, key);
    return out;
}

/* In a plain file p[0..n): whether every frame before the one holding
 * original byte `at` (every frame, for at == UINT64_MAX) has a header at
 * its table offset whose content size, where it gives one, is the
 * table's: what a read that succeeds, or --list's check, has made sure of. */
static int headers_agree(sl_packfile *pf, const uint8_t *p, size_t n, uint64_t at)
{
    for (size_t i = 0; i < sl_packfile_frames(pf); i++) {
        sl_packfile_frame_info f;
        sl_packfile_frame(pf, i, &f);
        if (at != UINT64_MAX && f.offset + f.size > at)
            break;
        if (f.stream_offset >= n)
            return 0;
        size_t len = n - f.stream_offset < f.compressed_size ? n - f.stream_offset : f.compressed_size;
        unsigned long long c = ZSTD_getFrameContentSize(p + f.stream_offset, len);
        if (c == ZSTD_CONTENTSIZE_ERROR || (c != ZSTD_CONTENTSIZE_UNKNOWN && c != f.size))
            return 0;
    }
    return 1;
}

/* Reads [off, off + len) and, where the whole original is known, checks it;
 * in a plain file p[0..n) (p NULL otherwise), a read that succeeds must
 * have found the frames before it agreeing with the table. */
static void read_and_check(sl_packfile *pf, const uint8_t *whole, uint64_t off, size_t len, const uint8_t *p, size_t n)
{
    uint8_t *buf = malloc(len + 1);
    char err[512];
    if (!buf)
        return;
    int rc = sl_packfile_read(pf, off, buf, len, err, sizeof err);
    if (rc == 0 && whole && memcmp(buf, whole + off, len))
        __builtin_trap(); /* a piece differs from the same bytes read whole */
    if (rc == 0 && len && p && !headers_agree(pf, p, n, off))
        __builtin_trap(); /* served from a table that an earlier frame contradicts */
    if (rc == SL_PACKFILE_ERANGE && off + len <= sl_packfile_size(pf))
        __builtin_trap();
    free(buf);
}

static void fuzz_file(int fd, const uint8_t *p, size_t n)
{
    if (ftruncate(fd, 0) || (n && pwrite(fd, p, n, 0) != (ssize_t)n))
        return;
    sl_keylist ids = {0};
    sl_keylist_add(&ids, secret);
    sl_packfile_keys k = {&ids, NULL, 0, 10, NULL, NULL};
    sl_packfile *pf;
    char err[512];
    int rc = sl__packfile_open_keys(&pf, fd, "fuzz", &k, err, sizeof err);
    sl_keylist_free(&ids);
    if (rc)
        return;
    uint64_t size = sl_packfile_size(pf);
    const uint8_t *plain = sl_packfile_encrypted(pf) ? NULL : p; /* the file is the stream */
    if (plain && sl__packfile_check_table(pf, err, sizeof err) == 0 && !headers_agree(pf, p, n, UINT64_MAX))
        __builtin_trap(); /* --list's check passed a frame that contradicts the table */
    for (size_t i = 0; i < sl_packfile_frames(pf); i++) {
        sl_packfile_frame_info f;
        if (sl_packfile_frame(pf, i, &f) || (i + 1 == sl_packfile_frames(pf) && f.offset + f.size != size))
            __builtin_trap();
    }
    uint8_t *whole = size <= WHOLE_MAX ? malloc(size + 1) : NULL;
    if (whole && sl_packfile_read(pf, 0, whole, (size_t)size, err, sizeof err)) {
        free(whole);
        whole = NULL;
    }
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n && i < 64; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    if (size) {
        read_and_check(pf, whole, 0, 1, plain, n);
        read_and_check(pf, whole, size - 1, 1, plain, n);
        uint64_t off = h % size;
        read_and_check(pf, whole, off, (size_t)((h >> 32) % (size - off < 65536 ? size - off + 1 : 65536)), plain, n);
    }
    read_and_check(pf, whole, size, 1, plain, n); /* past the end */
    free(whole);
    sl_packfile_close(pf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    if (fd < 0) {
        if (sodium_init() < 0 || (fd = memfd_create("fuzz-packfile", 0)) < 0)
            return 0;
        crypto_scalarmult_base(public_key, secret);
    }
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 1: fuzz_range(data + 1, size - 1); break;
    case 2: {
        size_t n;
        uint8_t *age = seal(data + 1, size - 1, &n);
        if (age)
            fuzz_file(fd, age, n);
        free(age);
        break;
    }
    default: fuzz_file(fd, data + 1, size - 1); break;
    }
    return 0;
}
