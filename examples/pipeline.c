/*
 * examples/pipeline.c - upper-cases stdin line by line on every CPU, in
 * order, and prints the pipeline's metrics as JSON on stderr.
 *
 *   printf 'hello\nworld\n' | build/examples/pipeline
 *
 * The shape every sluice pipeline has: a source that allocates items, a
 * work function that transforms them in parallel, a sink that consumes
 * them in source order, and a drop that frees what an early stop left.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, getline: not in plain C11 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sluice/sluice.h"

/* One ctx for every callback: the files at each end. */
typedef struct files {
    FILE *in, *out;
} files;

typedef struct line {
    char *text;
    size_t len;
} line;

static int read_line(void *ctx, void **item, size_t *bytes)
{
    line *l = malloc(sizeof *l);
    if (!l)
        return SL_NOMEM;
    l->text = NULL;
    size_t cap = 0;
    ssize_t n = getline(&l->text, &cap, ((files *)ctx)->in);
    if (n < 0) { /* end of input (or a read error: see ferror below) */
        free(l->text);
        free(l);
        return 0;
    }
    l->len = (size_t)n;
    *item = l;
    *bytes = l->len;
    return 1;
}

static int upper(void *ctx, unsigned worker, void *in, void **out, size_t *bytes)
{
    (void)ctx, (void)worker;
    line *l = in;
    for (size_t i = 0; i < l->len; i++)
        l->text[i] = (char)toupper((unsigned char)l->text[i]);
    *out = l; /* transformed in place: the result is the input */
    *bytes = l->len;
    return 0;
}

static void free_line(void *ctx, void *item, int produced)
{
    (void)ctx, (void)produced;
    line *l = item;
    free(l->text);
    free(l);
}

static int write_line(void *ctx, void *item, size_t bytes)
{
    line *l = item;
    size_t put = fwrite(l->text, 1, bytes, ((files *)ctx)->out);
    free_line(NULL, l, 1); /* the sink owns the item */
    return put == bytes ? 0 : -1;
}

int main(void)
{
    sl_pipeline_ops ops = {read_line, upper, write_line, free_line};
    files f = {stdin, stdout};
    sl_metrics *m = sl_metrics_new();
    sl_pipeline_config cfg = {.workers = 0, .depth = 0, .ordered = 1, .metrics = m};
    /* stdin and stdout are each touched by one thread only: the source
     * runs on a thread of its own, the sink on this one. */
    sl_pipeline *p = sl_pipeline_new(&ops, &f, &cfg);
    if (!m || !p) {
        fprintf(stderr, "pipeline: out of memory\n");
        return 1;
    }
    int r = sl_pipeline_run(p);
    sl_pipeline_free(p);
    if (r == 0 && (ferror(stdin) || fflush(stdout) != 0))
        r = -1;
    sl_metrics_write_json(m, stderr);
    sl_metrics_free(m);
    if (r != 0) {
        fprintf(stderr, "pipeline: failed (%d)\n", r);
        return 1;
    }
    return 0;
}
