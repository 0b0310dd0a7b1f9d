/*
 * gfm_ref.c - libcmark-gfm as the reference for tools/md/gfm (gfm_ref.h).
 */
#include "gfm_ref.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

char *sl_gfm_ref_render(const char *s, size_t n, bool commonmark, bool safe)
{
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    pthread_once(&registered, register_extensions);
    int opts = CMARK_OPT_DEFAULT | (safe ? 0 : CMARK_OPT_UNSAFE);
    cmark_parser *p = cmark_parser_new(opts);
    if (!p)
        return NULL;
    for (size_t i = 0; !commonmark && i < sizeof names / sizeof names[0]; i++)
        cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, s, n);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = doc ? cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p)) : NULL;
    cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

unsigned sl_gfm_ref_flags(bool commonmark, bool safe)
{
    return (commonmark ? 0 : SL_GFM_GITHUB) | (safe ? 0 : SL_GFM_UNSAFE);
}

bool sl_gfm_ref_same(sl_gfm *g, const char *s, size_t n, bool commonmark, bool safe, bool report)
{
    char *want = sl_gfm_ref_render(s, n, commonmark, safe);
    size_t len;
    const char *got = sl_gfm_render(g, s, n, sl_gfm_ref_flags(commonmark, safe), &len);
    /* past a limit on the HTML's growth, which this cmark-gfm does not have */
    bool same = (got && sl_gfm_limit_line(g)) || (want && got && strlen(want) == len && memcmp(want, got, len) == 0);
    if (!same && report)
        fprintf(stderr, "--- page (%s%s)\n%.*s\n--- cmark-gfm\n%s--- ours\n%.*s---\n", commonmark ? "commonmark" : "gfm",
                safe ? ", safe" : "", (int)n, s, want ? want : "(none)", (int)(got ? len : 4), got ? got : "none");
    free(want);
    return same;
}
