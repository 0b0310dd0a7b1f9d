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
    /* without SL_GFM_UNSAFE: raw HTML is written escaped, as text, where
     * cmark-gfm writes "<!-- raw HTML omitted -->" (sluice md's safe mode) */
    SL_GFM_RAW_AS_TEXT = 1 << 6,
    /* what tools/md/render_cmark.c attaches */
    SL_GFM_GITHUB = SL_GFM_TABLE | SL_GFM_STRIKETHROUGH | SL_GFM_AUTOLINK | SL_GFM_TASKLIST,
};

typedef struct sl_gfm sl_gfm;

sl_gfm *sl_gfm_new(void);
void sl_gfm_free(sl_gfm *g);

/* Bytes the renderer holds between pages (arena, buffers, definition
 * table): a few MiB at most after any page, however large it was. */
size_t sl_gfm_held(const sl_gfm *g);

/* Renders src[0..len) with `flags` (SL_GFM_*) and returns the HTML, valid
 * until the next call on g (or NULL, *out_len 0, when out of memory). */
const char *sl_gfm_render(sl_gfm *g, const char *src, size_t len, unsigned flags, size_t *out_len);

/* What sluice md asks beyond cmark-gfm's options (tools/md/render_own.c). */
typedef struct sl_gfm_opts {
    unsigned flags; /* SL_GFM_* */
    /* Without SL_GFM_UNSAFE: a link's or image's URL (decoded) is written
     * empty when this says 1.  NULL: cmark-gfm's own rule. */
    int (*url_dangerous)(const char *url, size_t n);
    /* Called as each heading is written, in page order, with its level
     * and inner HTML as written with SL_GFM_UNSAFE (raw HTML kept, through
     * the tag filter when asked; with SL_GFM_RAW_AS_TEXT the heading is
     * written again escaped afterwards).  It sets *id (and *id_len) to the
     * heading's id, written as ` id="..."` in its opening tag as it is
     * (NULL: none), which must stay valid until the render returns; or it
     * returns -1 (out of memory): the render then returns NULL. */
    int (*heading_id)(void *ud, int level, const char *inner, size_t n, const char **id, size_t *id_len);
    void *ud;
} sl_gfm_opts;

/* sl_gfm_render with sluice md's options. */
const char *sl_gfm_render_opts(sl_gfm *g, const char *src, size_t len, const sl_gfm_opts *o, size_t *out_len);

/* The HTML of the page just rendered, NUL-terminated, handed over: the
 * caller frees it (sluice md keeps a page's HTML as its own; no copy).  The
 * next render grows a new buffer, sized from its page.  NULL when the last
 * render failed or the HTML was taken already. */
char *sl_gfm_take(sl_gfm *g, size_t *out_len);

/* The first line of the page rendered last where a limit on how far its
 * HTML may grow applied, or 0: its link references past the page's size or
 * 100,000 bytes of URL and title, a table's short rows past 0x80000 empty
 * cells (both current cmark-gfm's, as GitHub runs it), a page's past twice
 * that.  Past a limit a reference is text and a table's rows are paragraphs,
 * as in cmark-gfm; Debian's cmark-gfm (0.29.0.gfm.6) has neither limit.
 * Also where paragraphs read again as tables' headers pass 16 times the
 * page's size and 1 MB (gfm_table.h): no paragraph becomes a table after. */
int sl_gfm_limit_line(const sl_gfm *g);

#endif
