/*
 * fuzz_graph_cache.c - libFuzzer entry point for the cache reader: the
 * bytes are put where the cache looks for an entry (graphcache.c) and read
 * back through gr_cache_get, and are also decoded as a bare payload
 * (fgcodec.c).  Nothing may crash, and whatever decodes must encode back
 * to the same bytes: the decoder accepts only what the encoder writes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fgcodec.h"
#include "fuzz_scratch.h"
#include "graphcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static gr_cache *cache;
static uint8_t key[GR_CACHE_KEY];
static char entry[512];

static void cleanup(void)
{
    fuzz_rm_tree(dir);
}

static void setup(void)
{
    fuzz_scratch_dir("sluice-fuzz-cache", dir, sizeof dir);
    char err[512];
    cache = gr_cache_open(dir, (uint64_t)1 << 30, err, sizeof err);
    if (!cache)
        abort();
    gr_cache_key("fn main() {}\n", 13, key);
    char hex[2 * GR_CACHE_KEY + 1];
    for (int i = 0; i < GR_CACHE_KEY; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    snprintf(entry, sizeof entry, "%s/sluice-graph-1/%.2s", dir, hex);
    mkdir(entry, 0777);
    snprintf(entry, sizeof entry, "%s/sluice-graph-1/%.2s/%s", dir, hex, hex);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cache)
        setup();
    FILE *f = fopen(entry, "wb");
    if (!f)
        abort();
    /* an entry's key field gets the key looked up, so that mutations reach
     * the checks after it (the seeds are entries of other texts) */
    if (size >= 48 && !memcmp(data, "SLGRAPH", 8)) {
        fwrite(data, 1, 16, f);
        fwrite(key, 1, GR_CACHE_KEY, f);
        fwrite(data + 48, 1, size - 48, f);
    } else {
        fwrite(data, 1, size, f);
    }
    fclose(f);
    fg_file_free(gr_cache_get(cache, key, "src/main.rs", 0));
    fg_file *g = fg_file_decode(data, size, "src/main.rs", 0);
    if (g) {
        uint8_t *p;
        size_t n;
        fg_file_encode(g, &p, &n);
        if (n != size || memcmp(p, data, size))
            abort(); /* two encodings of one graph: the decoder let something through */
        free(p);
        fg_file_free(g);
    }
    unlink(entry);
    return 0;
}
