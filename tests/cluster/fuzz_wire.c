/*
 * fuzz_wire.c - libFuzzer target: arbitrary bytes as a job batch and as a
 * result batch (docs/formats/cluster.md), the messages a worker and a
 * coordinator take off the queue.  Whatever decodes must encode back to
 * the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const sl_cluster_buf *b, const uint8_t *data, size_t size)
{
    if (b->failed || b->len != size || memcmp(b->data, data, size))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    sl_cluster_buf b = {0};
    sl_cluster_jobs js;
    if (sl_cluster_jobs_decode(data, size, &js, err, sizeof err) == 0) {
        sl_cluster_jobs_begin(&b, js.kind, js.version, js.run);
        for (uint32_t i = 0; i < js.n; i++)
            sl_cluster_jobs_add(&b, js.jobs[i].seq, js.jobs[i].hash, js.jobs[i].data, js.jobs[i].len);
        /* the reserved byte after the lengths is not kept */
        if (size > 7 && data[7] == 0)
            same(&b, data, size);
        sl_cluster_jobs_free(&js);
    }
    sl_cluster_results rs;
    if (sl_cluster_results_decode(data, size, &rs, err, sizeof err) == 0) {
        sl_cluster_results_begin(&b, rs.run, rs.worker);
        for (uint32_t i = 0; i < rs.n; i++)
            sl_cluster_results_add(&b, &rs.results[i]);
        if (size > 7 && data[6] == 0 && data[7] == 0)
            same(&b, data, size);
        sl_cluster_results_free(&rs);
    }
    sl_cluster_buf_free(&b);
    return 0;
}
