/*
 * job.c - the worker side of the graph.file/2 cluster job
 * (docs/formats/cluster.md): one file's bytes in, its per-file graph out,
 * in fgcodec's encoding (docs/formats/graph-cache.md, "payload").
 *
 * The one idea: a worker does with the bytes exactly what a local run
 * does with a file it has read (gr_parse_text), and sends the result in
 * the exact encoding the cache uses, so the coordinator's decoded graph is
 * the one it would have made itself.  Path and file number are the
 * coordinator's and are not sent either way.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cluster.h"
#include "parse_all.h"
#include "source.h"
#include "xalloc.h"

static void job_state_free(void *p)
{
    if (!p)
        return;
    gr_text_parser_free(p);
    free(p);
}

static int graph_job(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    if (!*state)
        *state = gr_xcalloc(1, sizeof(gr_text_parser));
    if (len > GR_MAX_FILE_BYTES) {
        snprintf(err, errlen, "a file over the size limit");
        return -1;
    }
    uint8_t *bytes;
    size_t n;
    gr_text_parse_encode(*state, in, len, &bytes, &n);
    sl_cluster_buf_put(out, bytes, n);
    free(bytes);
    return 0;
}

const sl_cluster_kind sl_graph_job_kind = {"graph.file/2", graph_job, job_state_free};
