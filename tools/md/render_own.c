/*
 * render_own.c - a page (GFM or --commonmark) through sluice's own GFM
 * renderer (tools/md/gfm), which writes what cmark-gfm writes at about
 * md4c's speed (tools/md/README.md says why it exists).
 *
 * The page comes out byte for byte as render_cmark.c makes it: the same
 * extensions (none under --commonmark), raw HTML shown escaped in safe
 * mode and dangerous link and image URLs emptied by safety.c's rule, the
 * tag filter under --gfm --unsafe-html, headings with their ids (their
 * text read off their HTML as --unsafe-html writes it, as render_cmark.c
 * reads it).  --xhtml changes nothing: cmark-gfm's HTML is XHTML already.
 *
 * Each thread keeps one sl_gfm (its buffers and arena grow once and serve
 * every page the thread renders, but for the HTML buffer, which each page
 * takes as its own) and one table of heading ids, emptied between pages;
 * nothing is shared between threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gfm.h"
#include "md.h"

typedef struct own_thread {
    sl_gfm *g;
    sl__md_slugs *slugs;
} own_thread;

static pthread_key_t gfm_key;
static pthread_once_t gfm_key_once = PTHREAD_ONCE_INIT;
static int gfm_key_ok;

static void free_thread(void *p)
{
    own_thread *t = p;
    sl_gfm_free(t->g);
    sl__md_slugs_free(t->slugs);
    free(t);
}

static void make_key(void)
{
    gfm_key_ok = pthread_key_create(&gfm_key, free_thread) == 0;
}

/* This thread's renderer and id table (made on its first page; freed when
 * it exits). */
static own_thread *thread_state(void)
{
    pthread_once(&gfm_key_once, make_key);
    if (!gfm_key_ok)
        return NULL;
    own_thread *t = pthread_getspecific(gfm_key);
    if (t)
        return t;
    if (!(t = calloc(1, sizeof *t)) || !(t->g = sl_gfm_new()) || !(t->slugs = sl__md_slugs_new()) ||
        pthread_setspecific(gfm_key, t) != 0) {
        if (t)
            free_thread(t);
        return NULL;
    }
    return t;
}

typedef struct own_state {
    sl__md_page *page;
    size_t cap; /* of page->headings */
    sl__md_slugs *slugs;
} own_state;

/* A heading's text and id, from its inner HTML (render_cmark.c's
 * heading_text_id). */
static int heading_id(void *ud, int level, const char *inner, size_t n, const char **id, size_t *id_len)
{
    own_state *st = ud;
    sl__md_page *p = st->page;
    if (p->nheadings == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 8;
        sl__md_heading *h = realloc(p->headings, cap * sizeof *h);
        if (!h)
            return -1;
        p->headings = h;
        st->cap = cap;
    }
    sl__md_heading *h = &p->headings[p->nheadings];
    *h = (sl__md_heading){level, NULL, NULL};
    h->text = sl__md_heading_text_id(st->slugs, inner, n, &h->id);
    if (!h->id)
        return -1;
    p->nheadings++;
    *id = h->id;
    *id_len = strlen(h->id);
    return 0;
}

int sl__md_render_own(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p)
{
    own_thread *t = thread_state();
    if (!t)
        return -1;
    sl_gfm *g = t->g;
    sl__md_slugs_clear(t->slugs);
    own_state st = {.page = p, .slugs = t->slugs};
    unsigned flags = o->commonmark ? 0 : SL_GFM_GITHUB;
    if (o->unsafe_html)
        flags |= SL_GFM_UNSAFE | (o->commonmark ? 0 : SL_GFM_TAGFILTER);
    else
        flags |= SL_GFM_RAW_AS_TEXT | (o->commonmark ? 0 : SL_GFM_TAGFILTER); /* the filter: for heading ids */
    sl_gfm_opts go = {.flags = flags, .url_dangerous = sl__md_url_is_dangerous, .heading_id = heading_id, .ud = &st};
    size_t len;
    const char *html = sl_gfm_render_opts(g, s, n, &go, &len);
    /* the renderer's buffer becomes the page's: no copy of the HTML */
    if (!html || !(p->html = sl_gfm_take(g, &len)))
        return -1;
    p->html_len = len;
    return sl_gfm_limit_line(g);
}
