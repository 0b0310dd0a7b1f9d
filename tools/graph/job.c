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
#include <string.h>

#include "cluster.h"
#include "extract.h"
#include "fgcodec.h"
#include "parse_all.h"
#include "source.h"
#include "xalloc.h"

typedef struct job_state {
    gr_extractor *x;
    fg_scratch sc;
    char *buf;
    size_t cap;
} job_state;

static void job_state_free(void *p)
{
    job_state *s = p;
    if (!s)
        return;
    gr_extractor_free(s->x);
    fg_scratch_free(&s->sc);
    free(s->buf);
    free(s);
}

static int graph_job(void **state, const void *in, size_t len, sl_cluster_buf *out, char *err, size_t errlen)
{
    job_state *s = *state;
    if (!s) {
        s = *state = gr_xcalloc(1, sizeof *s);
        s->x = gr_extractor_new();
    }
    if (len > GR_MAX_FILE_BYTES) {
        snprintf(err, errlen, "a file over the size limit");
        return -1;
    }
    if (s->cap < len + 1) { /* the parser wants the text NUL-terminated, as gr_source_read gives it */
        free(s->buf);
        s->cap = len + 1;
        s->buf = gr_xmalloc(s->cap);
    }
    memcpy(s->buf, in, len);
    s->buf[len] = 0;
    fg_file *f = fg_file_new("", 0);
    gr_parse_text(s->x, &s->sc, f, s->buf, len);
    uint8_t *bytes;
    size_t n;
    fg_file_encode(f, &bytes, &n);
    fg_file_free(f);
    sl_cluster_buf_put(out, bytes, n);
    free(bytes);
    return 0;
}

const sl_cluster_kind sl_graph_job_kind = {"graph.file/2", graph_job, job_state_free};
