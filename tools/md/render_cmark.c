/*
 * render_cmark.c - a GFM page through libcmark-gfm, GitHub's own renderer.
 *
 * md4c 0.4.8 (Debian's) gets GFM tables wrong in ways that move data into
 * the wrong cell, and reads some autolinks differently from GitHub;
 * gfm_route.c sends the pages where that can happen here, and md4c_fix.c
 * (in both dialects; --commonmark gets cmark-gfm's core, no extensions)
 * those with raw HTML block starts md4c misreads.  cmark-gfm is about
 * 3.5x slower than md4c, so it renders only those.
 *
 * The page must come out as the md4c path would make it, so the tree is
 * adjusted before cmark-gfm's HTML renderer runs, which then always runs
 * in its "unsafe" mode (it would otherwise drop raw HTML as a comment):
 *  - safe mode: raw HTML is shown escaped, as the md4c path writes it
 *    (an HTML block's lines in its place, inline HTML as text), and
 *    dangerous link and image URLs are emptied (safety.c's rule, the
 *    same as the md4c path);
 *  - headings get their ids: each heading is rendered on its own, its
 *    text content read off that HTML as the md4c path reads it, and the
 *    heading replaced by an HTML block holding `<hN id="...">...</hN>`.
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tasklist"};
#define NEXT (sizeof extension_names / sizeof extension_names[0])
static cmark_syntax_extension *extensions[NEXT];
static pthread_once_t registered = PTHREAD_ONCE_INIT;

/* cmark-gfm 0.29 keeps the "special inline characters" of the attached
 * extensions (`~` for strikethrough, `:` and `w` for autolinks) in one
 * global table, which cmark_parser_finish sets before it parses a
 * document's inlines and clears after: two pages finishing at once would
 * clear each other's `~` mid-parse (seen: `~~s~~` left as text, 1 page in
 * 300, -j2).  So only one page at a time finishes; the block parse
 * (feed), the tree work and rendering still run in parallel. */
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;

/* cmark-gfm 0.29.0.gfm.6's autolink extension checks for "mailto:" and
 * "xmpp:" before an e-mail address by reading backwards from a text
 * node's start without a bound: a node that starts with `:` and an
 * address (a table cell ":a@b.org") is read up to 8 bytes before its
 * buffer (a SEGV under ThreadSanitizer's allocator, route_test.c).  The
 * allocator it gets here puts a header of PAD bytes before every block,
 * its last 8 bytes zero, so those reads stay inside memory it owns and
 * match nothing.
 *
 * That allocator is also a page's arena.  cmark-gfm makes and frees a
 * node, a delimiter or a buffer at a time: on bench/md's flat corpus
 * 136,000 callocs and 190,000 frees for 73 pages, 31% of the
 * instructions of the pages it renders (callgrind; 26% fewer with the
 * arena).  Here a block is cut
 * from the thread's arena (a calloc is a bump and a memset), a free is
 * nothing unless it is the last block cut (then that room is cut again),
 * and the whole arena goes at once when the page is done.  The header's
 * first word is the block's room, or BIG for a block of its own from
 * malloc: a block of BIG_MIN bytes or more (a long code block's buffer,
 * which grows by copying), any block while no page is being rendered,
 * and every block once the arena holds its budget (a page whose frees
 * the arena would never reuse keeps to what malloc alone would use,
 * plus that budget). */
#define PAD 16
#define BIG ((size_t)1)
#define BIG_MIN ((size_t)16 << 10)
#define ARENA_BLOCK ((size_t)64 << 10)

typedef struct arena {
    char *at, *end;  /* the room left in the newest chunk */
    void *chunks;    /* chunks, newest first: each starts with the next one's address */
    size_t held;     /* bytes in chunks */
    size_t budget;   /* 0: not rendering a page (every block is BIG) */
    char *last;      /* the last block cut (its header), for a free or realloc of it */
} arena;

static _Thread_local arena pa;

/* Under ASan every block is malloc's (the BIG path), whose bounds it
 * checks: cmark-gfm's overflows between blocks stay visible to the
 * sanitizer builds and the fuzzers (blocks cut from one chunk would hide
 * them).  The arena's own paths are tested in the release build. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_OFF 1
#endif
#endif
#ifndef ARENA_OFF
#define ARENA_OFF 0
#endif

static void arena_open(size_t page_len)
{
    pa = (arena){.budget = ARENA_OFF ? 0 : page_len < ((size_t)1 << 20) ? (size_t)16 << 20 : 16 * page_len};
}

static void arena_close(void)
{
    for (void *c = pa.chunks, *next; c; c = next) {
        memcpy(&next, c, sizeof next);
        free(c);
    }
    pa = (arena){0};
}

_Noreturn static void out_of_memory(void)
{
    fprintf(stderr, "sluice md: out of memory\n"); /* as cmark's own allocator does */
    abort();
}

/* A header and `size` bytes (not zeroed) of the arena's, or NULL when the
 * block is to be a BIG one. */
static char *arena_cut(size_t size)
{
    if (!pa.budget || size >= BIG_MIN)
        return NULL;
    size_t need = PAD + ((size + 15) & ~(size_t)15);
    if ((size_t)(pa.end - pa.at) < need) {
        size_t len = pa.held > ARENA_BLOCK ? pa.held : ARENA_BLOCK; /* chunks double */
        if (pa.held + len > pa.budget)
            return NULL;
        char *c = malloc(len);
        if (!c)
            return NULL; /* malloc, asked again for a BIG block, says so */
        memcpy(c, &pa.chunks, sizeof pa.chunks);
        pa.chunks = c;
        pa.held += len;
        pa.at = c + PAD; /* the chunk's link, then 16-byte aligned blocks */
        pa.end = c + len;
    }
    char *h = pa.at;
    size_t room = need - PAD;
    memcpy(h, &room, sizeof room);
    memset(h + 8, 0, PAD - 8);
    pa.at += need;
    pa.last = h;
    return h;
}

static char *big_block(size_t size)
{
    if (size > SIZE_MAX - PAD)
        abort();
    char *h = malloc(size + PAD);
    if (!h)
        out_of_memory();
    size_t big = BIG;
    memcpy(h, &big, sizeof big);
    memset(h + 8, 0, PAD - 8);
    return h;
}

static size_t room_of(const char *h)
{
    size_t room;
    memcpy(&room, h, sizeof room);
    return room;
}

static void *pad_calloc(size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - PAD) / size)
        abort();
    char *h = arena_cut(n * size);
    if (!h)
        h = big_block(n * size);
    memset(h + PAD, 0, n * size);
    return h + PAD;
}

static void *pad_realloc(void *p, size_t size)
{
    if (!p) {
        char *h = arena_cut(size);
        return (h ? h : big_block(size)) + PAD;
    }
    char *h = (char *)p - PAD;
    size_t room = room_of(h);
    if (room == BIG) {
        if (size > SIZE_MAX - PAD)
            abort();
        if (!(h = realloc(h, size + PAD)))
            out_of_memory();
        return h + PAD;
    }
    if (size <= room)
        return p;
    size_t need = (size + 15) & ~(size_t)15;
    if (h == pa.last && size < BIG_MIN && (size_t)(pa.end - (char *)p) >= need) {
        memcpy(h, &need, sizeof need); /* the last block grows where it is */
        pa.at = (char *)p + need;
        return p;
    }
    char *q = arena_cut(size);
    if (!q)
        q = big_block(size);
    memcpy(q + PAD, p, room);
    return q + PAD;
}

static void pad_free(void *p)
{
    if (!p)
        return;
    char *h = (char *)p - PAD;
    if (room_of(h) == BIG)
        free(h);
    else if (h == pa.last) { /* cut again by the next block */
        pa.at = h;
        pa.last = NULL;
    }
}

static cmark_mem padded = {pad_calloc, pad_realloc, pad_free};

/* cmark-gfm's registry is global and not thread-safe: filled once. */
static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    for (size_t i = 0; i < NEXT; i++)
        extensions[i] = cmark_find_syntax_extension(extension_names[i]);
}

/* The nodes the tree walk found, changed once the walk is over (changing
 * a tree under an iterator is not allowed). */
typedef struct found {
    cmark_node **v;
    size_t n, cap;
} found;

static int push(found *f, cmark_node *node)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 32;
        cmark_node **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -1;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = node;
    return 0;
}

/* Replaces node by a fresh node of `type` holding `literal` (which may be
 * NULL for a container); returns the new node or NULL. */
static cmark_node *replace(cmark_node *node, cmark_node_type type, const char *literal)
{
    cmark_node *n = cmark_node_new_with_mem(type, &padded); /* a tree's nodes share one allocator */
    if (!n || (literal && !cmark_node_set_literal(n, literal)) || !cmark_node_insert_before(node, n)) {
        if (n)
            cmark_node_free(n);
        return NULL;
    }
    cmark_node_free(node); /* unlinks it */
    return n;
}

/* A raw HTML block shown as text: its lines escaped, in the block's
 * place, as the md4c path writes it (render.c). */
static int html_block_to_text(cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    sl__md_buf b = {0};
    sl__md_html_escape(&b, lit ? lit : "", lit ? strlen(lit) : 0);
    sl__md_buf_putc(&b, 0);
    int rc = !b.failed && replace(node, CMARK_NODE_HTML_BLOCK, b.data) ? 0 : -1;
    sl__md_buf_free(&b);
    return rc;
}

/* A heading's text and id (hd), from its HTML as cmark-gfm renders it
 * ("<hN>inner</hN>\n", returned; NULL when out of memory). */
static char *heading_text_id(cmark_node *h, sl__md_slugs *slugs, sl__md_heading *hd, int xhtml_opts)
{
    char *html = cmark_render_html_with_mem(h, xhtml_opts, NULL, cmark_get_default_mem_allocator());
    if (!html)
        return NULL;
    size_t len = strlen(html), inner = 4, end = len >= 6 ? len - 6 : 4;
    hd->level = cmark_node_get_heading_level(h);
    hd->id = NULL;
    hd->text = end >= inner ? sl__md_heading_text_id(slugs, html + inner, end - inner, &hd->id) : NULL;
    if (!hd->id) {
        free(html);
        return NULL;
    }
    return html;
}

/* Replaces a heading by an HTML block of it (html, as heading_text_id()
 * rendered it), with its id. */
static int heading_with_id(cmark_node *h, const sl__md_heading *hd, const char *html)
{
    size_t len = strlen(html);
    sl__md_buf b = {0};
    sl__md_buf_put(&b, html, 3); /* "<hN" */
    sl__md_buf_puts(&b, " id=\"");
    sl__md_buf_puts(&b, hd->id);
    sl__md_buf_putc(&b, '"');
    sl__md_buf_put(&b, html + 3, len - 3);
    sl__md_buf_putc(&b, 0);
    int rc = !b.failed && replace(h, CMARK_NODE_HTML_BLOCK, b.data) ? 0 : -1;
    sl__md_buf_free(&b);
    return rc;
}

/* GFM's tag filter on a raw HTML node (safety.c): a block at every `<`,
 * an inline node at its start, as cmark-gfm's own filter does when it
 * renders.  Done here, before the headings are rendered on their own. */
static int tagfilter(cmark_node *n)
{
    const char *l = cmark_node_get_literal(n);
    if (!l || !strchr(l, '<'))
        return 0;
    sl__md_buf b = {0};
    sl__md_buf_puts(&b, l);
    int rc = b.failed || sl__md_tagfilter(&b, 0, cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) != 0 ? -1 : 0;
    sl__md_buf_putc(&b, 0);
    if (rc == 0 && (b.failed || (b.len - 1 != strlen(l) && !cmark_node_set_literal(n, b.data))))
        rc = -1;
    sl__md_buf_free(&b);
    return rc;
}

/* Safe mode, heading h: its raw HTML nodes (the tag filter on them under
 * --gfm, as --unsafe-html has them) for its text and id, which
 * heading_text_id() renders; then their own literals back (they are
 * shown escaped).  *held: whether it holds any.  The heading's HTML,
 * or NULL when out of memory. */
static char *heading_text_id_unsafe(cmark_node *h, sl__md_slugs *slugs, sl__md_heading *hd, int opts, int filter,
                                    int *held)
{
    cmark_iter *it = cmark_iter_new(h);
    found raw = {0};
    char **lit = NULL;
    char *html = NULL;
    int ok = it != NULL;
    for (cmark_event_type ev; ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE)
            ok = push(&raw, n) == 0;
    }
    if (it)
        cmark_iter_free(it);
    *held = raw.n > 0;
    if (ok && filter && raw.n && (ok = (lit = calloc(raw.n, sizeof *lit)) != NULL))
        for (size_t i = 0; ok && i < raw.n; i++) {
            const char *l = cmark_node_get_literal(raw.v[i]);
            ok = (lit[i] = strdup(l ? l : "")) != NULL && tagfilter(raw.v[i]) == 0;
        }
    if (ok)
        html = heading_text_id(h, slugs, hd, opts);
    for (size_t i = 0; lit && i < raw.n && lit[i]; i++) {
        if (!cmark_node_set_literal(raw.v[i], lit[i]) && html) {
            free(hd->text), free(hd->id), free(html);
            hd->text = hd->id = NULL, html = NULL;
        }
        free(lit[i]);
    }
    free(lit);
    free(raw.v);
    return html;
}

/* One walk: what safe mode changes (or, with raw HTML on, the tag
 * filter), and the headings, in order. */
static int walk(cmark_node *doc, int safe, int filter, found *html, found *heads)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int rc = it ? 0 : -1, images = 0; /* an image's inlines are its alt text, written as text */
    while (rc == 0 && it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (cmark_node_get_type(n) == CMARK_NODE_IMAGE)
            images += ev == CMARK_EVENT_ENTER ? 1 : -1;
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
            if (safe)
                rc = push(html, n);
            else if (filter && !images)
                rc = tagfilter(n);
            break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE: {
            const char *u = cmark_node_get_url(n);
            if (safe && u && sl__md_url_is_dangerous(u, strlen(u)) && !cmark_node_set_url(n, ""))
                rc = -1;
            break;
        }
        case CMARK_NODE_HEADING: rc = push(heads, n); break;
        default: break;
        }
    }
    if (it)
        cmark_iter_free(it);
    return rc;
}

int sl__md_render_cmark(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p)
{
    pthread_once(&registered, register_extensions);
    int opts = CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE; /* safe mode is applied to the tree */
    arena_open(n);
    cmark_parser *parser = cmark_parser_new_with_mem(opts, &padded);
    cmark_node *doc = NULL;
    found html = {0}, heads = {0};
    char **head_html = NULL; /* each heading's HTML */
    sl__md_slugs *slugs = sl__md_slugs_new();
    int rc = -1;
    if (!parser || !slugs)
        goto out;
    for (size_t i = 0; i < NEXT && !o->commonmark; i++) /* --commonmark: cmark-gfm's core */
        if (!extensions[i] || !cmark_parser_attach_syntax_extension(parser, extensions[i]))
            goto out;
    cmark_parser_feed(parser, s, n);
    pthread_mutex_lock(&finish_lock);
    doc = cmark_parser_finish(parser);
    pthread_mutex_unlock(&finish_lock);
    if (!doc || walk(doc, !o->unsafe_html, !o->commonmark, &html, &heads) != 0)
        goto out;
    /* The headings' texts and ids first: in safe mode from the raw HTML
     * as --unsafe-html has it (its tags drop out, as on GitHub: `## TOC
     * <!-- omit in toc -->` gets `toc`, not `toc----omit-in-toc---`;
     * advmd F5); the heading is rendered again once it is escaped. */
    if (heads.n && (!(p->headings = calloc(heads.n, sizeof *p->headings)) ||
                    !(head_html = calloc(heads.n, sizeof *head_html))))
        goto out;
    for (size_t i = 0; i < heads.n; i++) {
        int held = 0;
        if (!(head_html[i] = html.n ? heading_text_id_unsafe(heads.v[i], slugs, &p->headings[i], opts,
                                                              !o->commonmark, &held)
                                    : heading_text_id(heads.v[i], slugs, &p->headings[i], opts)))
            goto out;
        p->nheadings++;
        if (held) { /* rendered again once its raw HTML is escaped */
            free(head_html[i]);
            head_html[i] = NULL;
        }
    }
    for (size_t i = 0; i < html.n; i++) {
        cmark_node *node = html.v[i];
        if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK ? html_block_to_text(node) != 0
            : !replace(node, CMARK_NODE_TEXT, cmark_node_get_literal(node)))
            goto out;
    }
    for (size_t i = 0; i < heads.n; i++) {
        if (!head_html[i] &&
            !(head_html[i] = cmark_render_html_with_mem(heads.v[i], opts, NULL, cmark_get_default_mem_allocator())))
            goto out;
        if (heading_with_id(heads.v[i], &p->headings[i], head_html[i]) != 0)
            goto out;
    }
    char *out = cmark_render_html_with_mem(doc, opts, cmark_parser_get_syntax_extensions(parser),
                                           cmark_get_default_mem_allocator());
    if (!out)
        goto out;
    p->html = out; /* cmark allocates with malloc (its default allocator) */
    p->html_len = strlen(out);
    rc = 0;
out:
    for (size_t i = 0; head_html && i < heads.n; i++)
        free(head_html[i]);
    free(head_html);
    free(html.v);
    free(heads.v);
    sl__md_slugs_free(slugs);
    if (doc)
        cmark_node_free(doc);
    if (parser)
        cmark_parser_free(parser);
    arena_close();
    return rc;
}
