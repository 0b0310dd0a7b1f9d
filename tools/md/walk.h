/*
 * walk.h - the list of pages a batch renders (see walk.c).
 */
#ifndef SLUICE_TOOLS_MD_WALK_H
#define SLUICE_TOOLS_MD_WALK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl__md_input {
    char *path;    /* where to read it */
    char *rel;     /* the path its output mirrors, relative to OUTDIR */
    uint64_t size; /* bytes, when listed */
    int regular;   /* listed as a regular file of that size (a read can trust it; see batch.c) */
} sl__md_input;

typedef struct sl__md_inputs {
    sl__md_input *v;
    size_t n, cap;
} sl__md_inputs;

/* Adds the pages `arg` names (a file, or a directory walked recursively).
 * Returns 0, or -1 with a message naming the path in err. */
int sl__md_walk(const char *arg, sl__md_inputs *in, char *err, size_t errlen);
/* sl__md_walk, calling on_page(ctx, i) as page i is added (its entry in
 * in->v moves as the list grows; its strings do not).  An on_page that
 * returns -1 (no memory) ends the walk with -1. */
int sl__md_walk_each(const char *arg, sl__md_inputs *in, int (*on_page)(void *ctx, size_t i), void *ctx, char *err,
                     size_t errlen);
void sl__md_inputs_free(sl__md_inputs *in);
/* Reads the page whole (at most max bytes) into *data (malloc'd, NUL
 * after the end): 0, or -1 with a message naming it in err.  A FIFO, a
 * device or a directory is refused without blocking (infile.h), whatever
 * the walk saw there. */
int sl__md_input_read(const sl__md_input *pg, size_t max, char **data, size_t *len, char *err, size_t errlen);
/* 1 if the name ends in .md, .markdown or .mdx (any case). */
int sl__md_is_markdown_name(const char *name);
/* 1 if the name ends in .mdx (any case): an MDX page. */
int sl__md_is_mdx_name(const char *name);

#endif
