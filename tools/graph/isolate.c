/*
 * isolate.c - `sluice graph --isolate`: files parsed in worker processes
 * (libsluice's sl_proc_pool), so that a file which crashes, hangs or
 * bloats the parser costs a warning naming it, never the run.
 *
 * The one idea: only bytes cross the process boundary, and both ways in
 * forms the parent already trusts nothing about - the task is the file's
 * text, the reply its per-file graph in fgcodec's encoding, which the
 * parent decodes with every check the cache reader makes.  The parent's
 * threads each read a file, then wait for their own reply
 * (sl_proc_pool_call); the merger never knows the parse was elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "fgcodec.h"
#include "parse_all.h"
#include "sluice/proc.h"
#include "xalloc.h"

/* Test programs link a definition that faults on a marker in the text
 * (tests/graph/fault.c); everywhere else it does nothing. */
__attribute__((weak)) void gr_fault_point(const char *src, size_t len)
{
    (void)src, (void)len;
}

/* ---- the worker process ---- */

void gr_text_parse_encode(gr_text_parser *p, const void *text, size_t len, uint8_t **out, size_t *n)
{
    if (!p->x)
        p->x = gr_extractor_new();
    if (p->cap < len + 1) {
        free(p->buf);
        p->cap = len + 1;
        p->buf = gr_xmalloc(p->cap);
    }
    if (len)
        memcpy(p->buf, text, len);
    p->buf[len] = 0;
    fg_file *f = fg_file_new("", 0);
    gr_parse_text(p->x, &p->sc, f, p->buf, len);
    fg_file_encode(f, out, n);
    fg_file_free(f);
}

void gr_text_parser_free(gr_text_parser *p)
{
    gr_extractor_free(p->x);
    fg_scratch_free(&p->sc);
    free(p->buf);
    *p = (gr_text_parser){0};
}

static int iso_init(void **state)
{
    *state = gr_xcalloc(1, sizeof(gr_text_parser));
    return 0;
}

static int iso_run(void *state, const void *task, size_t len, sl_proc_reply *reply)
{
    uint8_t *bytes;
    size_t n;
    gr_text_parse_encode(state, task, len, &bytes, &n);
    int rc = sl_proc_reply_set(reply, bytes, n);
    free(bytes);
    return rc == SL_OK ? 0 : 1;
}

const sl_proc_worker sl_graph_parse_worker = {"sluice-graph-parse", iso_init, iso_run};

/* ---- the parent ---- */

struct gr_iso {
    sl_proc_pool *pool;
};

gr_iso *gr_iso_new(size_t workers, int64_t timeout_ns, size_t mem)
{
    sl_proc_config cfg = {
        .worker = &sl_graph_parse_worker,
        .workers = workers,
        .depth = 2, /* a file parsing and the next one waiting */
        .slot_size = 64 << 10, /* most files, and most of their graphs, fit a slot */
        .max_message = (size_t)1 << 30,
        .task_timeout_ns = timeout_ns,
        .mem_kill = mem,
        .mem_limit = mem / 2,
    };
    sl_proc_pool *pool = sl_proc_pool_new(&cfg);
    if (!pool) {
        fprintf(stderr, "sluice graph: --isolate: cannot start worker processes: %m\n");
        return NULL;
    }
    gr_iso *iso = gr_xcalloc(1, sizeof *iso);
    iso->pool = pool;
    return iso;
}

void gr_iso_free(gr_iso *iso)
{
    if (!iso)
        return;
    sl_proc_pool_free(iso->pool);
    free(iso);
}

/* *f becomes a failed file that says why. */
static int failed(fg_file *f, size_t len, const char *why, int attempts)
{
    f->failed = 1;
    f->lost = 1;
    f->bytes = len;
    if (attempts)
        fg_diagf(f, 0, "parsing failed in a worker process: %s (%d attempt%s)", why, attempts,
                 attempts == 1 ? "" : "s");
    else
        fg_diagf(f, 0, "parsing failed in a worker process: %s", why);
    return -1;
}

int gr_iso_parse(gr_iso *iso, fg_file **f, const char *buf, size_t len)
{
    struct iovec iov = {(void *)buf, len};
    sl_proc_result r = {0};
    int rc = sl_proc_pool_call(iso->pool, &iov, 1, &r);
    if (rc != SL_OK)
        return failed(*f, len, "could not hand the file to a worker process", 0);
    if (r.status != SL_OK) { /* the file crashed, hung or bloated its worker, twice */
        free(r.data);
        return failed(*f, len, r.why, r.attempts);
    }
    fg_file *got = r.code == 0 ? fg_file_decode(r.data, r.len, (*f)->path, (*f)->index) : NULL;
    free(r.data);
    if (!got)
        return failed(*f, len, r.code ? "its graph was too large to send back" : "it sent back a malformed graph",
                      0);
    fg_file_free(*f);
    *f = got;
    return 0;
}
