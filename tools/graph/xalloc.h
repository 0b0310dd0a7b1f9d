/*
 * xalloc.h - allocation that cannot fail quietly.
 *
 * sluice graph builds large in-memory tables; running out of memory midway
 * leaves nothing sensible to write, so these print one message and exit(2)
 * (the tool's "error" status) rather than thread NULL checks through every
 * builder.  Output files are never half-written: they go to temp files.
 */
#ifndef SLUICE_GRAPH_XALLOC_H
#define SLUICE_GRAPH_XALLOC_H

#include <stddef.h>

void *gr_xmalloc(size_t n);
void *gr_xcalloc(size_t n, size_t size);
void *gr_xrealloc(void *p, size_t n);
char *gr_xstrdup(const char *s);
char *gr_xstrndup(const char *s, size_t n);

/* n bytes of fresh, writable memory, in huge pages where the kernel
 * gives them (xalloc.c says why); NULL when none can be mapped.  Freed
 * with gr_xbig_free(p, n).  gr_xbig_populate makes the pages of p[0..n)
 * at once, before they are written. */
void *gr_xbig(size_t n);
void gr_xbig_populate(void *p, size_t n);
void gr_xbig_free(void *p, size_t n);

/* A large temporary array of n bytes (a sort's scratch, a part of the
 * database being built): from 1 MiB up in whole huge pages (gr_xbig), below
 * that from malloc; never NULL.  Freed with gr_xtemp_free(p, n). */
void *gr_xtemp(size_t n);
void gr_xtemp_free(void *p, size_t n);

#endif
