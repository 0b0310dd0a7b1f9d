/*
 * fuzz_graph_runrec.c - libFuzzer entry point for the run record reader
 * (runrec.c): the bytes are put where a run looks for its record and read
 * back both ways a run reads one - the no-change check, which stats what
 * the record names, and the load --update makes.  Nothing may crash or
 * exit.  An input whose first byte is even is sealed first: the magic put
 * before it and its checksum after, so that mutations reach the checks
 * behind them; an odd one is the file as it is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "fuzz_scratch.h"
#include "graphcache.h"
#include "runrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256], record[512];
static uint8_t key[32] = {1};

static void cleanup(void)
{
    fuzz_rm_tree(dir);
}

static void setup(void)
{
    fuzz_scratch_dir("sluice-fuzz-runrec", dir, sizeof dir);
    char hex[2 * GR_RUNREC_NAME + 1];
    gr_runrec_name_hex(key, hex);
    snprintf(record, sizeof record, "%s/" GR_CACHE_SUBDIR, dir);
    mkdir(record, 0777);
    snprintf(record, sizeof record, "%s/" GR_CACHE_SUBDIR "/runs", dir);
    mkdir(record, 0777);
    snprintf(record, sizeof record, "%s/" GR_CACHE_SUBDIR "/runs/%s", dir, hex);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    if (!size)
        return 0;
    static const char magic[8] = "SLGRUN5"; /* runrec.c's, with its NUL */
    int sealed = !(data[0] & 1);
    size_t n = sealed ? 8 + size - 1 + 16 : size;
    uint8_t *b = malloc(n);
    if (!b)
        abort();
    if (sealed) {
        memcpy(b, magic, 8);
        memcpy(b + 8, data + 1, size - 1);
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits(b, n - 16));
        memcpy(b + n - 16, c.digest, 16);
    } else {
        memcpy(b, data, size);
    }
    FILE *f = fopen(record, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f))
        abort();
    free(b);
    int st;
    char *warnings = NULL;
    if (gr_runrec_unchanged(dir, key, &st, &warnings))
        free(warnings);
    gr_runrec r;
    if (gr_runrec_load(dir, key, &r))
        gr_runrec_free(&r);
    return 0;
}
