/*
 * fuzz_graph_snapshot.c - libFuzzer entry point for the snapshot reader
 * (snapshot.c): the bytes are taken as a snapshot file and, once the
 * reader accepts them, the view is used as the fast --update path uses
 * it - every mount's nodes read, references resolved from the first
 * nodes through every lookup the resolver makes.  Nothing may crash or
 * hang.  An input is a header and an uncompressed body: it is compressed
 * and its checksum made to match (gr_snap_pack), so that mutations reach
 * the structural checks behind them - or, with bit 0 of header byte 112
 * set, a header and a body as in a file (LZ4 blocks, their sizes), only
 * sealed (gr_snap_seal), so that mutations reach the blocks and sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t request[32] = {0}, id[16] = {0};
    uint8_t *copy = NULL;
    size_t n = size;
    if (size >= 128) {
        memcpy(request, data + 16, 32);
        memcpy(id, data + 48, 16);
        if (data[112] & 1) { /* a file's body as it is (blocks, sizes): sealed, not packed */
            copy = malloc(size);
            if (copy) {
                memcpy(copy, data, size);
                gr_snap_seal(copy, size);
            }
        } else
            copy = gr_snap_pack(data, size, &n); /* a raw body in, a file as a run writes it out */
    }
    if (!copy && size)
        copy = malloc(size), n = size;
    if (!copy)
        return 0;
    if (copy && size < 128)
        memcpy(copy, data, size);
    char why[256];
    gr_snap *s = gr_snap_from_bytes(copy, n, request, id, why, sizeof why);
    free(copy);
    if (!s)
        return 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < s->ninst && i < 64; i++)
        for (uint32_t k = 0; k < s->inst[i].nitems; k++)
            sum += s->g->nodes[s->inst[i].map[k]].line;
    for (uint32_t i = 0; i < s->g->nfiles && i < 64; i++)
        sum += strlen(gr_snap_file_path(s, i)) + s->warned[i];
    for (size_t i = 0; i < s->k.nwarnings && i < 64; i++) /* each origin's key, whole (ASan sees the end) */
        sum += s->okeys[32 * i] + s->okeys[32 * i + 31];
    static const char *const texts[] = {"a", "new", "crate::a", "self::a::b", "super::a", "Self::new", "::a::b",
                                        "a.b", "x::y::z", "helper"};
    gr_resolver *rv = gr_resolver_new(s->g, &s->k);
    for (uint32_t from = 1; from < s->g->nnodes && from < 40; from++)
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
            for (int form = 0; form < 4; form++)
                sum += gr_resolver_ref(rv, from, texts[t], form ? GE_CALLS : (int)(t % 2 ? GE_USES_TYPE : GE_IMPL_OF),
                                       form) +
                       (uint64_t)gr_resolver_tainted(rv);
    gr_resolver_free(rv);
    gr_snap_close(s);
    return sum == UINT64_MAX; /* the reads kept: libFuzzer wants 0 or -1, and this is 0 */
}
