/*
 * fuzz_link.c - libFuzzer target over parse + link + print of one module.
 *
 * The input is an entry module; its imports are treated as externals, so
 * the linker (names, bindings, tree shaking, namespace objects) and the
 * printer (patch splicing, source map segments) run on whatever the
 * parser accepts.  Nothing may crash, overrun or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "js_parser.h"
#include "js_printer.h"
#include "linker.h"
#include "sluice/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sl_pool *pool;
    if (!pool)
        pool = sl_pool_new(1);
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = 0;
    js_parse_scratch *s = sl__js_scratch_new();
    sl__arena a;
    sl__arena_init(&a);
    js_parse_opts po = {NULL, 0};
    js_module m = {.path = "/fuzz/entry.mjs", .src = src, .len = size};
    char err[512];
    if (sl__js_parse(&m, &po, &a, s, err, sizeof err) == 0) {
        for (size_t i = 0; i < m.nrecs; i++) {
            m.recs[i].module = -1;
            m.recs[i].builtin = 1;
        }
        js_module *mods[1] = {&m};
        sl__graph g = {.mods = mods, .n = 1, .nentries = 1};
        for (int format = FMT_IIFE; format <= FMT_ESM; format++) {
            sl__link_opts lo = {.format = format, .platform_node = 1, .global_name = "G"};
            sl__link L;
            char *lerr = NULL;
            if (sl__link_build(&L, &g, 0, &lo, &lerr) == 0) {
                sl__output out;
                sl__print(&L, pool, "entry.js.map", "/fuzz", &out);
                if (!out.code || !out.map)
                    abort();
                sl__output_free(&out);
            }
            free(lerr);
            sl__link_free(&L);
            for (size_t k = 0; k < m.nsyms; k++)
                m.syms[k].final_name = NULL;
        }
    }
    sl__arena_free(&a);
    sl__js_scratch_free(s);
    free(src);
    return 0;
}
