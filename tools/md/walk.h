/*
 * walk.h - the list of pages a batch renders (see walk.c).
 */
#ifndef SLUICE_TOOLS_MD_WALK_H
#define SLUICE_TOOLS_MD_WALK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A directory the walk listed pages in, held open while any of them is
 * pending, so that each page is opened (and its output made) by one name
 * relative to it rather than by its whole path.  Held only within a
 * budget of descriptors (sl__md_dir_budget): past it, a directory's pages
 * get no sl__md_dir and go by path, as before. */
typedef struct sl__md_dir sl__md_dir;
struct sl__md_dir {
    int fd;             /* the input directory (O_RDONLY | O_DIRECTORY) */
    int out_fd;         /* its output directory, -1 if none (batch.c sets it, once, before
                           a page of it is handed to another thread; closed with fd) */
    int out_tried;      /* batch.c looked for out_fd */
    atomic_int refs;    /* the walk's while it is inside, and one per page listed in it */
    sl__md_dir *parent; /* while the walk is inside it (batch.c makes outputs downwards) */
};

typedef struct sl__md_input {
    char *path;      /* where to read it */
    char *rel;       /* the path its output mirrors, relative to OUTDIR */
    uint64_t size;   /* bytes, when listed */
    int regular;     /* listed as a regular file of that size (a read can trust it; see batch.c) */
    sl__md_dir *dir; /* the directory it was found in, held open (a reference), or NULL */
    const char *name; /* its name in dir (the end of path) */
} sl__md_input;

/* How many descriptors directories may hold at once (input and output
 * ones together): 0, the default, holds none.  A batch sets it from
 * RLIMIT_NOFILE, so that a tree of 100,000 directories never runs out. */
void sl__md_dir_budget(int fds);
/* Takes one descriptor of the budget: 1, or 0 when none is left. */
int sl__md_dir_fd_take(void);
/* Gives one back (taken, then not used). */
void sl__md_dir_fd_give(void);
/* Drops a reference; the last one closes the directory's descriptors,
 * gives them back to the budget and frees it. */
void sl__md_dir_release(sl__md_dir *d);
/* Drops the page's reference to its directory, if any (sets pg->dir NULL). */
void sl__md_input_release(sl__md_input *pg);

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
