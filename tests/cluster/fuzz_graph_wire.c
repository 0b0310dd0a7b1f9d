/*
 * fuzz_graph_wire.c - libFuzzer target: arbitrary bytes as a worker's
 * graph.file result.  The decoder must refuse or accept without reading
 * out of bounds; what it accepts must encode back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fgwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    fg_file *f = fg_wire_decode(data, size, "fuzz.rs", 0, err, sizeof err);
    if (!f)
        return 0;
    sl_cluster_buf b = {0};
    fg_wire_encode(f, &b);
    if (b.failed || b.len != size || memcmp(b.data, data, size))
        abort();
    sl_cluster_buf_free(&b);
    fg_file_free(f);
    return 0;
}
