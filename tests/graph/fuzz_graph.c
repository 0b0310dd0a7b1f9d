/*
 * fuzz_graph.c - libFuzzer entry point for everything sluice graph reads:
 * the bytes go through the Cargo.toml reader, the UTF-8 and binary checks,
 * the extractor (tree-sitter and the item walk, #[path] attributes
 * included), and the module-candidate computation on what it extracted.
 * It also checks the skim (skim.h): wherever the whole text parses without
 * an error, the graph from a parse that skips the skimmed regions must be
 * the same as the one from a parse of every byte (`macro` items, which
 * both leave out, included); and the regions of `macro` items
 * (macroitems.h) the extractor would leave out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "fg_same.h"
#include "graph.h"
#include "macroitems.h"
#include "manifest.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;

    gr_manifest m;
    char err[256];
    unsigned line;
    if (gr_manifest_parse(buf, size, &m, err, sizeof err, &line) == 0)
        gr_manifest_free(&m);

    (void)gr_source_is_binary(buf, size);
    (void)gr_source_bad_utf8_line(buf, size);

    /* the scan for `macro` items, trait aliases and extern types
     * (macroitems.h): regions in order, each one's parts where they belong */
    static gr_macro_defs defs;
    gr_macro_defs_scan(buf, (uint32_t)(size < UINT32_MAX / 2 ? size : 0), &defs);
    for (size_t k = 0; k < defs.n; k++) {
        const gr_macro_def *d = &defs.v[k];
        if (!(d->a <= d->item_a && d->item_a <= d->vis_end && d->vis_end < d->name_a && d->name_a < d->name_b &&
              d->name_b <= d->body && d->body < d->end && d->end <= size &&
              (d->kind == GR_DEF_MACRO ? buf[d->body] == '{' && buf[d->end - 1] == '}'
                                       : buf[d->body] == ';' && d->end == d->body + 1) &&
              (k == 0 || defs.v[k - 1].end <= d->a)))
            abort();
    }

    static gr_extractor *x, *full;
    if (!x) {
        x = gr_extractor_new();
        full = gr_extractor_new();
        gr_extractor_skim(full, 0);
    }
    fg_file *f = fg_file_new("src/fuzz/input.rs", 0);
    gr_extract(x, f, buf, size);
    fg_file *g = fg_file_new("src/fuzz/input.rs", 0);
    gr_extract(full, g, buf, size);
    if (g->ndiags == 0 && !fg_same(g, f))
        abort(); /* the skim changed the graph of a text that parses */
    fg_file_free(g);
    gr_strlist cand = {0};
    gr_mount_candidates(NULL, f, &cand);
    gr_strlist_free(&cand);
    fg_file_free(f);
    free(buf);
    return 0;
}
