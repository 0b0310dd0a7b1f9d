/*
 * fuzz_wire.c - libFuzzer target: arbitrary bytes as a job batch and as a
 * result batch (docs/formats/cluster.md), the messages a worker and a
 * coordinator take off the queue.  Whatever decodes must encode back to
 * the same bytes (version 1) or, compressed again, decode to the same
 * entries (version 2: another compressor may have made other bytes).
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

/* b (version 1, entries as js) compressed: decodes to the same entries. */
static void again_jobs(sl_cluster_buf *b, const sl_cluster_jobs *js)
{
    char err[256];
    sl_cluster_jobs_end(b);
    sl_cluster_jobs back;
    if (b->failed || sl_cluster_jobs_decode(b->data, b->len, &back, err, sizeof err) != 0 || back.n != js->n)
        abort();
    for (uint32_t i = 0; i < js->n; i++)
        if (back.jobs[i].seq != js->jobs[i].seq || back.jobs[i].len != js->jobs[i].len ||
            memcmp(back.jobs[i].data, js->jobs[i].data, js->jobs[i].len))
            abort();
    sl_cluster_jobs_free(&back);
}

static void again_results(sl_cluster_buf *b, const sl_cluster_results *rs)
{
    char err[256];
    sl_cluster_results_end(b, 2);
    sl_cluster_results back;
    if (b->failed || sl_cluster_results_decode(b->data, b->len, &back, err, sizeof err) != 0 || back.n != rs->n)
        abort();
    for (uint32_t i = 0; i < rs->n; i++)
        if (back.results[i].seq != rs->results[i].seq || back.results[i].len != rs->results[i].len ||
            memcmp(back.results[i].data, rs->results[i].data, rs->results[i].len))
            abort();
    sl_cluster_results_free(&back);
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
        if (js.wire == 1 && data[7] == 0)
            same(&b, data, size);
        if (js.wire == 2)
            again_jobs(&b, &js);
        sl_cluster_jobs_free(&js);
    }
    sl_cluster_results rs;
    if (sl_cluster_results_decode(data, size, &rs, err, sizeof err) == 0) {
        sl_cluster_results_begin(&b, rs.run, rs.worker);
        for (uint32_t i = 0; i < rs.n; i++)
            sl_cluster_results_add(&b, &rs.results[i]);
        if (rs.wire == 1 && data[6] == 0 && data[7] == 0)
            same(&b, data, size);
        if (rs.wire == 2)
            again_results(&b, &rs);
        sl_cluster_results_free(&rs);
    }
    sl_cluster_buf_free(&b);
    return 0;
}
