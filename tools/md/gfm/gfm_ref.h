/*
 * gfm_ref.h - the reference tools/md/gfm is held to: a page rendered by
 * libcmark-gfm as tools/md/render_cmark.c sets it up (the table,
 * strikethrough, autolink and tasklist extensions, or none for
 * CommonMark; CMARK_OPT_DEFAULT, | CMARK_OPT_UNSAFE unless safe), and the
 * comparison of that with ours.  For the harness, the tests and the
 * fuzzer; not part of the renderer.
 */
#ifndef SLUICE_MD_GFM_REF_H
#define SLUICE_MD_GFM_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "gfm.h"

/* libcmark-gfm's HTML of s[0..n) (malloc'd; NULL when out of memory) */
char *sl_gfm_ref_render(const char *s, size_t n, bool commonmark, bool safe);

/* our flags for the same dialect */
unsigned sl_gfm_ref_flags(bool commonmark, bool safe);

/* Whether g renders s[0..n) byte for byte as libcmark-gfm does; if not,
 * and `report` is set, both outputs are printed to stderr with the page. */
bool sl_gfm_ref_same(sl_gfm *g, const char *s, size_t n, bool commonmark, bool safe, bool report);

#endif
