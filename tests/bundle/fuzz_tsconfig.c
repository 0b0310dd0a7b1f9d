/*
 * fuzz_tsconfig.c - libFuzzer target over tsconfig.json reading: JSONC
 * blanking, the JSON reader and the options (tsconfig.c).
 *
 * Any byte string must either give a config or an error naming the file;
 * never crash, read out of bounds or leak.  The path is in a directory
 * that does not exist, so an `extends` is looked for and never found.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tsconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl__tsconfigs *c = sl__tsconfigs_new();
    const sl__tsconfig *t = sl__tsconfig_parse(c, "/nonexistent-sluice-fuzz/tsconfig.json", (const char *)data, size);
    if (!t || (!t->error && t->paths && !t->paths_base))
        abort(); /* paths always come with the directory they are relative to */
    sl__tsconfigs_free(c);
    return 0;
}
