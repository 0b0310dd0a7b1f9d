/*
 * fuzz_graph_cache.c - libFuzzer entry point for the cache reader: the
 * bytes are put where the cache looks for a pack (graphcache.c), a fresh
 * cache opens it and looks up every key its index names, as well as one
 * it does not; and the bytes are also decoded as a bare payload
 * (fgcodec.c).  Nothing may crash, and whatever decodes must encode back
 * to the same bytes: the decoder accepts only what the encoder writes.
 *
 * The first byte says how much of the pack to mend before it is written,
 * so that mutations reach the checks behind the checksums: 0 nothing,
 * 1 the index's checksum, 2 that and every record's checksum the index
 * leads to.  The rest is the pack (or the payload).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "fgcodec.h"
#include "fuzz_scratch.h"
#include "graphcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { TRAILER = 40, IX = 48, REC = 64, MAX_LOOKUPS = 16 };

static char dir[256], pack[512];

static void cleanup(void)
{
    fuzz_rm_tree(dir);
}

static void setup(void)
{
    fuzz_scratch_dir("sluice-fuzz-cache", dir, sizeof dir);
    char err[512];
    gr_cache *c = gr_cache_open(dir, (uint64_t)1 << 30, err, sizeof err); /* makes packs/ */
    if (!c)
        abort();
    gr_cache_close(c, NULL);
    snprintf(pack, sizeof pack, "%s/" GR_CACHE_SUBDIR "/packs/00112233445566778899aabbccddeeff.pack", dir);
    atexit(cleanup);
}

/* Empties packs/: what a run wrote while mending a damaged pack goes
 * too, so every input starts from its own bytes alone. */
static void empty_packs(void)
{
    char d[512], p[800];
    snprintf(d, sizeof d, "%s/" GR_CACHE_SUBDIR "/packs", dir);
    DIR *dp = opendir(d);
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", d, e->d_name);
            unlink(p);
        }
    if (dp)
        closedir(dp);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void sum_into(const uint8_t *p, size_t n, uint8_t *out)
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
    memcpy(out, c.digest, 16);
}

/* The index of b[0..n) as its trailer gives it, when it lies inside. */
static int index_of(const uint8_t *b, size_t n, uint64_t *at, uint64_t *count)
{
    if (n < 16 + TRAILER)
        return 0;
    *count = rd64(b + n - TRAILER);
    *at = rd64(b + n - TRAILER + 8);
    return *at <= n - TRAILER && *count <= (n - TRAILER - *at) / IX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*dir)
        setup();
    if (size < 1)
        return 0;
    int mend = data[0] % 3;
    size_t n = size - 1;
    uint8_t *b = malloc(n ? n : 1);
    memcpy(b, data + 1, n);
    uint64_t at = 0, count = 0;
    int has_index = index_of(b, n, &at, &count);
    for (uint64_t i = 0; mend == 2 && has_index && i < count; i++) {
        const uint8_t *e = b + at + i * IX;
        uint64_t off = rd64(e + 32), len = rd64(e + 40);
        if (off <= n && len >= REC && len <= n - off)
            sum_into(b + off + 16, len - 16, b + off);
    }
    if (mend && has_index)
        sum_into(b + at, count * IX, b + n - TRAILER + 16);
    FILE *f = fopen(pack, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f))
        abort();
    char err[512];
    gr_cache *c = gr_cache_open(dir, (uint64_t)1 << 30, err, sizeof err);
    if (!c)
        abort();
    uint8_t key[GR_CACHE_KEY];
    gr_cache_key("fn main() {}\n", 13, key);
    fg_file_free(gr_cache_get(c, key, "src/main.rs", 0));
    for (uint64_t i = 0; has_index && i < count && i < MAX_LOOKUPS; i++) {
        memcpy(key, b + at + i * IX, GR_CACHE_KEY);
        fg_file_free(gr_cache_get(c, key, "src/main.rs", (uint32_t)i));
    }
    /* a run that found the pack damaged removes or rewrites it (the
     * code that merges and evicts, fuzzed too) */
    gr_cache_close(c, NULL);
    empty_packs();
    free(b);
    fg_file *g = fg_file_decode(data + 1, n, "src/main.rs", 0);
    if (g) {
        uint8_t *p;
        size_t len;
        fg_file_encode(g, &p, &len);
        if (len != n || memcmp(p, data + 1, n))
            abort(); /* two encodings of one graph: the decoder let something through */
        free(p);
        fg_file_free(g);
    }
    return 0;
}
