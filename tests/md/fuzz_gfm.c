/*
 * fuzz_gfm.c - libFuzzer target: any bytes as a page for tools/md/gfm,
 * sluice's own GFM renderer, which must render it byte for byte as
 * libcmark-gfm does (gfm_ref.c) in both dialects and both safety modes,
 * without a sanitizer report.  Pages past 16 KiB are only rendered, not
 * compared: cmark-gfm itself is quadratic on some.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gfm.h"
#include "gfm_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sl_gfm *g;
    if (!g && !(g = sl_gfm_new()))
        abort();
    const char *s = (const char *)data;
    for (int cm = 0; cm < 2; cm++)
        for (int safe = 0; safe < 2; safe++) {
            if (size > 16384) {
                size_t n;
                if (!sl_gfm_render(g, s, size, sl_gfm_ref_flags(cm, safe), &n))
                    abort();
            } else if (!sl_gfm_ref_same(g, s, size, cm, safe, true)) {
                __builtin_trap();
            }
        }
    return 0;
}
