/*
 * gfm_html.c - phase 2: the block tree written out as cmark-gfm's HTML
 * renderer writes it (html.c and the table and tasklist extensions'
 * renderers), inlines parsed block by block as the walk reaches them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gfm_int.h"
#include "gfm_scan.h"

/* one of " & < > written as its entity at w; past it */
static inline char *put_entity(char *w, uint8_t c)
{
    switch (c) {
    case '"':
        memcpy(w, "&quot;", 6);
        return w + 6;
    case '&':
        memcpy(w, "&amp;", 5);
        return w + 5;
    case '<':
        memcpy(w, "&lt;", 4);
        return w + 4;
    default:
        memcpy(w, "&gt;", 4);
        return w + 4;
    }
}

/* a byte escape_href rewrites, written at w; past it */
static inline char *put_href_escape(char *w, uint8_t c)
{
    static const char hex[] = "0123456789ABCDEF";
    if (c == '&') {
        memcpy(w, "&amp;", 5);
        return w + 5;
    }
    if (c == '\'') {
        memcpy(w, "&#x27;", 6);
        return w + 6;
    }
    w[0] = '%';
    w[1] = hex[c >> 4];
    w[2] = hex[c & 15];
    return w + 3;
}

/* u[0..piece) escaped at w, for HTML text (href 0: put_entity) or a URL
 * (href 1: put_href_escape); past it.  The caller has made room for the
 * piece's worst case and a 16-byte store past it.  Inlined into each
 * caller with href a constant, so each gets its own loop. */
static inline __attribute__((always_inline)) char *escape_piece(char *w, const uint8_t *u, size_t piece, int href)
{
    size_t i = 0;
#ifdef GFM_SIMD
    /* 16 bytes stored as they are, then the output moves on to the first
     * byte to escape (most blocks have none): no memcpy call for each
     * run, which is short in most text nodes */
    size_t verbatim = 0; /* u[verbatim..i) went out unchanged, just before w */
    while (i + 16 <= piece) {
        _mm_storeu_si128((__m128i *)(void *)w, GFM_LOAD(u + i));
        unsigned bits = href ? gfm_href_mask(u + i) : gfm_html_mask(u + i);
        if (!bits) {
            i += 16;
            w += 16;
            continue;
        }
        unsigned k = gfm_ctz(bits);
        w = href ? put_href_escape(w + k, u[i + k]) : put_entity(w + k, u[i + k]);
        i += k + 1;
        verbatim = i;
    }
    /* the last bytes: the piece's last 16, written over the output of
     * those before i, which went out unchanged (the same bytes) */
    if (i < piece && piece >= 16 && piece - 16 >= verbatim &&
        !((href ? gfm_href_mask(u + piece - 16) : gfm_html_mask(u + piece - 16)) >> (i - (piece - 16)))) {
        _mm_storeu_si128((__m128i *)(void *)(w - (i - (piece - 16))), GFM_LOAD(u + piece - 16));
        w += piece - i;
        i = piece;
    }
#endif
    for (; i < piece; i++) {
        uint8_t c = u[i];
        if (href ? !gfm_href_safe[c] : gfm_html_esc[c])
            w = href ? put_href_escape(w, c) : put_entity(w, c);
        else
            *w++ = (char)c;
    }
    return w;
}

void gfm_escape_html(sl_gfm *g, const char *s, size_t n)
{
    gbuf *o = &g->out;
    const uint8_t *u = (const uint8_t *)s;
    while (n) {
        /* a piece at a time, with room for its worst case ("&quot;" a
         * byte) and for a whole 16-byte store past the last byte */
        size_t piece = n < 4096 ? n : 4096;
        if (o->cap - o->len < 6 * piece + 16)
            gbuf_grow(g, o, 6 * piece + 16);
        o->len = (size_t)(escape_piece(o->p + o->len, u, piece, 0) - o->p);
        u += piece;
        n -= piece;
    }
}

void gfm_escape_href(sl_gfm *g, const char *s, size_t n)
{
    gbuf *o = &g->out;
    const uint8_t *u = (const uint8_t *)s;
    do {
        /* a piece at a time, with room for its worst case ("&#x27;" a
         * byte) and a 16-byte store past it (as gfm_escape_html) */
        size_t piece = n < 4096 ? n : 4096;
        if (o->cap - o->len < 6 * piece + 16 || !o->p)
            gbuf_grow(g, o, 6 * piece + 16);
        o->len = (size_t)(escape_piece(o->p + o->len, u, piece, 1) - o->p);
        u += piece;
        n -= piece;
    } while (n);
}

static inline void cr(sl_gfm *g)
{
    if (g->out.len && g->out.p[g->out.len - 1] != '\n')
        gbuf_putc(g, &g->out, '\n');
}

/* cmark_isspace: space, tab, LF, CR */
static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* a fenced code block's info string: entities decoded, trimmed, then
 * backslash escapes dropped (cmark's order) */
static void code_open(sl_gfm *g, const gnode *b)
{
    if (!b->as.code.fenced || !b->as.code.info_len) {
        gbuf_puts(g, &g->out, "<pre><code>");
        return;
    }
    const char *s = g->content.p + b->as.code.info_off;
    size_t n = b->as.code.info_len;
    while (n && is_space((uint8_t)*s))
        s++, n--;
    while (n && is_space((uint8_t)s[n - 1]))
        n--;
    if (!n) {
        gbuf_puts(g, &g->out, "<pre><code>");
        return;
    }
    size_t base = g->scratch.len;
    gfm_unescape(g, s, n);
    const char *info = g->scratch.p + base;
    size_t len = g->scratch.len - base, first = 0;
    while (first < len && !is_space((uint8_t)info[first]))
        first++;
    if (!len) {
        gbuf_puts(g, &g->out, "<pre><code>");
    } else {
        gbuf_puts(g, &g->out, "<pre><code class=\"language-");
        gfm_escape_html(g, g->scratch.p + base, first);
        gbuf_puts(g, &g->out, "\">");
    }
    g->scratch.len = base;
}

static bool tight_paragraph(const gnode *b)
{
    const gnode *gp = b->parent ? b->parent->parent : NULL;
    return gp && gp->type == B_LIST && gp->as.list.tight;
}

static void put_int(sl_gfm *g, int v)
{
    char b[16];
    int n = snprintf(b, sizeof b, "%d", v);
    gbuf_put(g, &g->out, b, (size_t)n);
}

/* tagfilter: whether an HTML block's '<' at s opens a tag GitHub filters */
bool gfm_tag_filtered(const char *s, size_t n);

static void html_block(sl_gfm *g, const char *s, size_t n)
{
    if (!(g->flags & SL_GFM_UNSAFE)) {
        if (g->flags & SL_GFM_RAW_AS_TEXT)
            gfm_escape_html(g, s, n);
        else
            gbuf_puts(g, &g->out, "<!-- raw HTML omitted -->");
        return;
    }
    if (!(g->flags & SL_GFM_TAGFILTER)) {
        gbuf_put(g, &g->out, s, n);
        return;
    }
    while (n) {
        const char *m = memchr(s, '<', n);
        if (!m)
            break;
        if (m > s) /* nothing to copy at the page's start: out may have no buffer yet */
            gbuf_put(g, &g->out, s, (size_t)(m - s));
        n -= (size_t)(m - s);
        s = m;
        if (gfm_tag_filtered(s, n))
            gbuf_puts(g, &g->out, "&lt;");
        else
            gbuf_putc(g, &g->out, '<');
        s++;
        n--;
    }
    gbuf_put(g, &g->out, s, n);
}

/* A heading's inlines, "<hN>" already written, and its id (opts'
 * heading_id) spliced into "<hN": only the heading's own text moves.  In
 * safe mode with raw HTML shown as text, the id is made from the heading
 * as --unsafe-html writes it (its tags drop out of its text, as on
 * GitHub), and the heading is written again escaped when it held any. */
static void heading_with_id(sl_gfm *g, const gnode *b, const char *text)
{
    gbuf *o = &g->out;
    size_t inner = o->len, at = inner - 1; /* after "<hN" */
    unsigned flags = g->flags;
    bool twice = !(flags & SL_GFM_UNSAFE) && (flags & SL_GFM_RAW_AS_TEXT);
    if (twice)
        g->flags |= SL_GFM_UNSAFE;
    g->raw_seen = 0;
    size_t expanded = g->refs.expanded; /* rendered again below: its references count once */
    int limit_line = g->limit_line;
    gfm_inline_render(g, text, b->len, false);
    g->flags = flags;
    const char *id = NULL;
    size_t idl = 0;
    if (g->opts->heading_id(g->opts->ud, b->as.heading.level, o->p + inner, o->len - inner, &id, &idl) != 0)
        gfm_oom(g);
    if (twice && g->raw_seen) {
        o->len = inner;
        g->refs.expanded = expanded;
        g->limit_line = limit_line;
        gfm_inline_render(g, text, b->len, false);
    }
    if (!id)
        return;
    size_t add = idl + 6;
    if (o->cap - o->len < add)
        gbuf_grow(g, o, add);
    memmove(o->p + at + add, o->p + at, o->len - at);
    memcpy(o->p + at, " id=\"", 5);
    memcpy(o->p + at + 5, id, idl);
    o->p[at + 5 + idl] = '"';
    o->len += add;
}

static void enter(sl_gfm *g, gnode *b, bool *in_header, bool *tbody)
{
    gbuf *o = &g->out;
    const char *text = g->content.p ? g->content.p + b->off : ""; /* a page of no text ("-") has no content buffer */
    g->block_line = b->start_line;
    switch (b->type) {
    case B_QUOTE:
        cr(g);
        gbuf_puts(g, o, "<blockquote>\n");
        break;
    case B_LIST:
        cr(g);
        if (b->as.list.type == L_BULLET) {
            gbuf_puts(g, o, "<ul>\n");
        } else if (b->as.list.start == 1) {
            gbuf_puts(g, o, "<ol>\n");
        } else {
            gbuf_puts(g, o, "<ol start=\"");
            put_int(g, b->as.list.start);
            gbuf_puts(g, o, "\">\n");
        }
        break;
    case B_ITEM:
        cr(g);
        gbuf_puts(g, o, "<li>");
        if (b->as.list.task == 2)
            gbuf_puts(g, o, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> ");
        else if (b->as.list.task == 1)
            gbuf_puts(g, o, "<input type=\"checkbox\" disabled=\"\" /> ");
        break;
    case B_HEADING:
        cr(g);
        gbuf_puts(g, o, "<h");
        gbuf_putc(g, o, (char)('0' + b->as.heading.level));
        gbuf_putc(g, o, '>');
        if (g->opts->heading_id)
            heading_with_id(g, b, text);
        else
            gfm_inline_render(g, text, b->len, false);
        break;
    case B_CODE:
        cr(g);
        code_open(g, b);
        gfm_escape_html(g, g->content.p + b->off, b->len);
        gbuf_puts(g, o, "</code></pre>\n");
        break;
    case B_HTML:
        cr(g);
        html_block(g, text, b->len);
        cr(g);
        break;
    case B_HR:
        cr(g);
        gbuf_puts(g, o, "<hr />\n");
        break;
    case B_PARAGRAPH:
        if (!tight_paragraph(b)) {
            cr(g);
            gbuf_puts(g, o, "<p>");
        }
        gfm_inline_render(g, text, b->len, false);
        break;
    case B_TABLE:
        cr(g);
        gbuf_puts(g, o, "<table>");
        *tbody = false;
        break;
    case B_TABLE_ROW:
        cr(g);
        if (b->as.row.header) {
            *in_header = true;
            gbuf_puts(g, o, "<thead>");
            cr(g);
        } else if (!*tbody) {
            gbuf_puts(g, o, "<tbody>");
            cr(g);
            *tbody = true;
        }
        gbuf_puts(g, o, "<tr>");
        break;
    case B_TABLE_CELL: {
        cr(g);
        gbuf_put(g, o, *in_header ? "<th" : "<td", 3);
        switch (b->parent->parent->as.table.align[b->as.cell]) {
        case ALIGN_LEFT:
            gbuf_puts(g, o, " align=\"left\"");
            break;
        case ALIGN_CENTER:
            gbuf_puts(g, o, " align=\"center\"");
            break;
        case ALIGN_RIGHT:
            gbuf_puts(g, o, " align=\"right\"");
            break;
        default:
            break;
        }
        gbuf_putc(g, o, '>');
        gfm_inline_render(g, text, b->len, true);
        break;
    }
    default:
        break;
    }
}

static void leave(sl_gfm *g, gnode *b, bool *in_header, bool *tbody)
{
    gbuf *o = &g->out;
    switch (b->type) {
    case B_QUOTE:
        cr(g);
        gbuf_puts(g, o, "</blockquote>\n");
        break;
    case B_LIST:
        if (b->as.list.type == L_BULLET)
            gbuf_puts(g, o, "</ul>\n");
        else
            gbuf_puts(g, o, "</ol>\n");
        break;
    case B_ITEM:
        gbuf_puts(g, o, "</li>\n");
        break;
    case B_HEADING:
        gbuf_puts(g, o, "</h");
        gbuf_putc(g, o, (char)('0' + b->as.heading.level));
        gbuf_puts(g, o, ">\n");
        break;
    case B_PARAGRAPH:
        if (!tight_paragraph(b))
            gbuf_puts(g, o, "</p>\n");
        break;
    case B_TABLE:
        if (*tbody) {
            cr(g);
            gbuf_puts(g, o, "</tbody>");
            cr(g);
        }
        *tbody = false;
        cr(g);
        gbuf_puts(g, o, "</table>");
        cr(g);
        break;
    case B_TABLE_ROW:
        cr(g);
        gbuf_puts(g, o, "</tr>");
        if (b->as.row.header) {
            cr(g);
            gbuf_puts(g, o, "</thead>");
            *in_header = false;
        }
        break;
    case B_TABLE_CELL:
        gbuf_put(g, o, *in_header ? "</th>" : "</td>", 5);
        break;
    default:
        break;
    }
}

void gfm_render_html(sl_gfm *g, gnode *doc)
{
    bool in_header = false, tbody = false;
    gnode *b = doc->first;
    while (b) {
        enter(g, b, &in_header, &tbody);
        bool leaf = b->type == B_PARAGRAPH || b->type == B_HEADING || b->type == B_TABLE_CELL ||
                    b->type == B_CODE || b->type == B_HTML || b->type == B_HR;
        if (!leaf && b->first) {
            b = b->first;
            continue;
        }
        for (;;) {
            leave(g, b, &in_header, &tbody);
            if (b->next) {
                b = b->next;
                break;
            }
            b = b->parent;
            if (b == doc) {
                b = NULL;
                break;
            }
        }
    }
}

/* ---- the renderer ---------------------------------------------------- */

sl_gfm *sl_gfm_new(void)
{
    return calloc(1, sizeof(sl_gfm));
}

void sl_gfm_free(sl_gfm *g)
{
    if (!g)
        return;
    gfm_arena_free(&g->arena);
    free(g->content.p);
    free(g->out.p);
    free(g->line.p);
    free(g->scratch.p);
    free(g->refs.slot);
    free(g);
}

size_t sl_gfm_held(const sl_gfm *g)
{
    return gfm_arena_kept(&g->arena) + g->content.cap + g->out.cap + g->line.cap + g->scratch.cap +
           g->refs.nslot * sizeof *g->refs.slot;
}

const char *sl_gfm_render(sl_gfm *g, const char *src, size_t len, unsigned flags, size_t *out_len)
{
    sl_gfm_opts o = {.flags = flags};
    return sl_gfm_render_opts(g, src, len, &o, out_len);
}

const char *sl_gfm_render_opts(sl_gfm *g, const char *src, size_t len, const sl_gfm_opts *opts, size_t *out_len)
{
    g->opts = opts;
    g->flags = opts->flags;
    gbuf_trim(&g->content, g->last_len);
    gbuf_trim(&g->out, g->last_len);
    gbuf_trim(&g->line, g->last_len);
    gbuf_trim(&g->scratch, g->last_len);
    g->last_len = len;
    g->content.len = g->out.len = g->line.len = g->scratch.len = 0;
    if (g->refs.nslot > 4096 && g->refs.count < g->refs.nslot / 8) { /* many definitions, then few */
        free(g->refs.slot);
        g->refs.slot = NULL;
        g->refs.nslot = 0;
    }
    /* the last page's definitions out (a page with none left every slot
     * empty): their own slots, not the whole table, which one page of
     * many definitions left large for every page after it */
    if (g->refs.count && g->refs.slot) {
        if (g->refs.count < g->refs.nslot / 8)
            for (const gref *r = g->refs.added; r; r = r->added_before)
                g->refs.slot[r->hash & (g->refs.nslot - 1)] = NULL;
        else
            memset(g->refs.slot, 0, g->refs.nslot * sizeof *g->refs.slot);
    }
    g->refs.count = 0;
    g->refs.added = NULL;
    g->refs.expanded = 0;
    g->limit_line = 0;
    g->refs.max_expanded = len > 100000 ? len : 100000;
    g->done = false;
    gfm_arena_reset(&g->arena);
    if (setjmp(g->oom)) {
        *out_len = 0;
        return NULL;
    }
    if (!g->out.p) { /* taken with the last page: room for this one's HTML (about 1.3x its Markdown) */
        size_t want = len + len / 2 + 256;
        if (!(g->out.p = malloc(want)))
            gfm_oom(g);
        g->out.cap = want;
    }
    gnode *doc = gfm_parse_blocks(g, src, len);
    gfm_render_html(g, doc);
    gbuf_putc(g, &g->out, '\0');
    g->out.len--;
    g->done = true;
    *out_len = g->out.len;
    return g->out.p;
}

int sl_gfm_limit_line(const sl_gfm *g)
{
    return g->limit_line;
}

char *sl_gfm_take(sl_gfm *g, size_t *out_len)
{
    gbuf *o = &g->out;
    char *p = o->p;
    *out_len = 0;
    if (!p || !g->done)
        return NULL;
    *out_len = o->len;
    if (o->cap - o->len > o->len / 4 + 4096) { /* much room left: give it back (glibc shrinks in place) */
        char *q = realloc(p, o->len + 1);
        if (q)
            p = q;
    }
    o->p = NULL;
    o->len = o->cap = 0;
    g->done = false;
    return p;
}
