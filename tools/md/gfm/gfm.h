/*
 * gfm.h - sluice's own GFM renderer (work in progress, not used by
 * `sluice md` yet): Markdown to HTML as libcmark-gfm renders it with the
 * table, strikethrough, autolink and tasklist extensions (and tagfilter
 * when asked), CMARK_OPT_DEFAULT (| CMARK_OPT_UNSAFE), in one pass over a
 * page with one arena: docs/design/gfm-parser.md says how far it is.
 *
 * A renderer (sl_gfm) holds the memory it grew on earlier pages, so a
 * thread renders many pages without going back to malloc; it is not
 * shared between threads.
 */
#ifndef SLUICE_MD_GFM_H
#define SLUICE_MD_GFM_H

#include <stddef.h>

enum {
    SL_GFM_TABLE = 1 << 0,
    SL_GFM_STRIKETHROUGH = 1 << 1,
    SL_GFM_AUTOLINK = 1 << 2,
    SL_GFM_TASKLIST = 1 << 3,
    SL_GFM_TAGFILTER = 1 << 4,
    SL_GFM_UNSAFE = 1 << 5, /* raw HTML passes (CMARK_OPT_UNSAFE) */
    /* what tools/md/render_cmark.c attaches */
    SL_GFM_GITHUB = SL_GFM_TABLE | SL_GFM_STRIKETHROUGH | SL_GFM_AUTOLINK | SL_GFM_TASKLIST,
};

typedef struct sl_gfm sl_gfm;

sl_gfm *sl_gfm_new(void);
void sl_gfm_free(sl_gfm *g);

/* Renders src[0..len) with `flags` (SL_GFM_*) and returns the HTML, valid
 * until the next call on g (or NULL, *out_len 0, when out of memory). */
const char *sl_gfm_render(sl_gfm *g, const char *src, size_t len, unsigned flags, size_t *out_len);

#endif
