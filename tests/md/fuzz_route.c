/*
 * fuzz_route.c - libFuzzer target: any bytes as a page body for
 * md4c_blocks.c's routing check (fences, code spans over lines, link
 * destinations), in both dialects, for md4c_lists.c's (HTML blocks in
 * list items, definitions' titles, an unended last line), and for the
 * whole routing decision.
 * Each must answer without a sanitizer report, in steps that grow with
 * the page (its walks back and ahead look at each byte a bounded number
 * of times), and the same twice.
 */
#include <stdint.h>

#include "md.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    for (int cm = 0; cm < 2; cm++) {
        sl__md_route_steps = 0;
        int r = sl__md_md4c_blocks_misread(s, size, cm);
        if (sl__md_route_steps > 16 * (unsigned long)size + 64)
            __builtin_trap();
        if (r != sl__md_md4c_blocks_misread(s, size, cm))
            __builtin_trap();
        (void)sl__md_routes_to_cmark(s, size, cm);
    }
    sl__md_route_steps = 0;
    int r = sl__md_md4c_lists_misread(s, size);
    if (sl__md_route_steps > 16 * (unsigned long)size + 64 || r != sl__md_md4c_lists_misread(s, size))
        __builtin_trap();
    return 0;
}
