/*
 * render.c - one page: front matter out, md4c's HTML in, heading ids on.
 *
 * md4c-html has no hook for heading attributes, and rewriting its whole
 * renderer to get one would mean keeping a copy of it in step.  Instead
 * this file watches md4c-html's output stream: md4c-html writes a heading's
 * opening tag as exactly one chunk "<hN>" and its closing tag as exactly
 * one chunk "</hN>\n", from string literals of its own; raw HTML passing
 * through unescaped is written from the page itself, so a chunk that
 * points into the page is never taken for md4c's markup (md4c_fix.c).
 * In safe mode every such chunk is escaped on its way out: raw HTML is
 * parsed as HTML (md4c's no-HTML flag would read it as Markdown) and shown
 * as text (sl__md_html_escape).
 * Each id is spliced in when its heading closes, moving only the
 * heading's own text.
 */
#include <md4c-html.h>
#include <md4c.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "md_libs.h"

#define NO_URL ((size_t)-1)

typedef struct render_state {
    sl__md_buf out;
    sl__md_page *page;    /* gets the headings */
    size_t cap;           /* of page->headings */
    sl__md_slugs *slugs;
    size_t heading_at;    /* output offset of the open heading's "<hN>" */
    int level;            /* its level, 0 when none is open */
    int nomem;
    sl__md_fix fix; /* the page, and md4c-html's output put right (md4c_fix.c) */
    int safe_urls;  /* empty dangerous link and image URLs (safe mode) */
    size_t url_at; /* output offset where the URL being written starts */
    int task;      /* a task item's checkbox is being written */
    int xhtml;
    int escape_raw; /* safe mode: raw HTML is parsed as HTML, then written escaped */
} render_state;

/* 1..6 for "<hN>", -1..-6 for "</hN>\n", 0 otherwise. */
static int heading_tag(const char *t, size_t n)
{
    if (n == 4 && t[0] == '<' && t[1] == 'h' && t[2] >= '1' && t[2] <= '6' && t[3] == '>')
        return t[2] - '0';
    if (n == 6 && t[0] == '<' && t[1] == '/' && t[2] == 'h' && t[3] >= '1' && t[3] <= '6' &&
        t[4] == '>' && t[5] == '\n')
        return -(t[3] - '0');
    return 0;
}

/* A heading closes at the end of the output: its text and id, and
 * ` id="..."` spliced into its opening tag. */
static void close_heading(render_state *r)
{
    sl__md_page *p = r->page;
    if (p->nheadings == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        sl__md_heading *h = realloc(p->headings, cap * sizeof *h);
        if (!h) {
            r->nomem = 1;
            return;
        }
        p->headings = h;
        r->cap = cap;
    }
    size_t tl, inner = r->heading_at + 4;
    sl__md_heading *h = &p->headings[p->nheadings];
    *h = (sl__md_heading){r->level, sl__md_text_content(r->out.data + inner, r->out.len - inner, &tl), NULL};
    h->id = h->text ? sl__md_slugs_make(r->slugs, h->text, tl) : NULL;
    if (!h->id) {
        free(h->text);
        r->nomem = 1;
        return;
    }
    p->nheadings++;
    size_t idl = strlen(h->id), add = idl + 6, at = r->heading_at + 3; /* after "<hN" */
    static const char room[64] = {0}; /* room at the end, then the heading's text moves up */
    for (size_t k = 0; k < add; k += sizeof room)
        sl__md_buf_put(&r->out, room, add - k < sizeof room ? add - k : sizeof room);
    if (r->out.failed)
        return;
    memmove(r->out.data + at + add, r->out.data + at, r->out.len - add - at);
    memcpy(r->out.data + at, " id=\"", 5);
    memcpy(r->out.data + at + 5, h->id, idl);
    r->out.data[at + 5 + idl] = '"';
}

static void record_tag(render_state *r, int tag)
{
    if (tag > 0 && !r->level) {
        r->heading_at = r->out.len;
        r->level = tag;
    } else if (tag < 0 && r->level == -tag) {
        close_heading(r);
        r->level = 0;
    }
}

#define CHUNK_IS(t, n, lit) ((n) == sizeof(lit) - 1 && !memcmp((t), (lit), sizeof(lit) - 1))

/* md4c-html writes a link's or image's opening as one chunk `<a href="`
 * or `<img src="`, then the URL (escaped: no `"` in it), then a chunk
 * starting with `"`.  The URL is written as cmark-gfm writes it
 * (md4c_fix.c) and, in safe mode, checked once whole and dropped from the
 * output if its scheme is dangerous. */
static int watch_url(render_state *r, const MD_CHAR *t, MD_SIZE n)
{
    if (r->url_at != NO_URL) {
        if (t[0] != '"')
            return sl__md_fix_url_chunk(&r->fix, &r->out, t, n);
        if (r->safe_urls && sl__md_url_is_dangerous(r->out.data + r->url_at, r->out.len - r->url_at))
            r->out.len = r->url_at;
        r->url_at = NO_URL;
        return 0;
    }
    if ((CHUNK_IS(t, n, "<a href=\"") || CHUNK_IS(t, n, "<img src=\"")) && !sl__md_fix_from_source(&r->fix, t)) {
        sl__md_buf_put(&r->out, t, n);
        r->url_at = r->out.len;
        return 1;
    }
    return 0;
}

/* A task item's checkbox ends with a chunk ">": GitHub (cmark-gfm) puts a
 * space between it and the item's text, md4c-html none. */
static int watch_task(render_state *r, const MD_CHAR *t, MD_SIZE n)
{
    if (!r->task) {
        r->task = n > 26 && !memcmp(t, "<li class=\"task-list-item\"><input", 26);
        return 0;
    }
    if (CHUNK_IS(t, n, ">")) {
        r->task = 0;
        sl__md_buf_puts(&r->out, r->xhtml ? " /> " : "> ");
        return 1;
    }
    return 0; /* " checked" */
}

/* md4c_fix.c's code-chunk watch, less its call for the chunks it has
 * nothing to do with (most of md4c's own: outside code, no indentation
 * pending, not `<pre><code`, not spaces): it only notes whether the
 * chunk was a line end. */
static int fix_chunk(sl__md_fix *f, sl__md_buf *out, const MD_CHAR *t, MD_SIZE n)
{
    if (!f->in_code && !f->pending && t[0] != ' ' && !(n == 10 && t[0] == '<')) {
        f->prev_nl = n == 1 && t[0] == '\n';
        return 0;
    }
    return sl__md_fix_code_chunk(f, out, t, n);
}

/* The first byte of t[0, n) that HTML text must escape, or n.  16 bytes
 * at a time where SSE2 is there: every text chunk is scanned, and almost
 * none holds one.  `room` bytes from t may be read (room >= n): most
 * chunks are a few words of a page whose bytes go on after them, and one
 * 16-byte load, the bytes past the chunk masked off, then replaces the
 * byte-at-a-time tail (the tail was most of the cost of escaping). */
static size_t first_special(const char *t, size_t n, size_t room)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (;; i += 16) {
        if (room - i < 16)
            break;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (n - i < 16)
            bits &= (1u << (n - i)) - 1;
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        if (n - i <= 16)
            return n;
    }
#else
    (void)room;
#endif
    while (i < n && t[i] != '<' && t[i] != '>' && t[i] != '&' && t[i] != '"')
        i++;
    return i;
}

/* Appends t[0, n) escaped; `room` as for first_special. */
static void escape_in(sl__md_buf *out, const char *t, size_t n, size_t room)
{
    size_t i;
    while ((i = first_special(t, n, room)) < n) {
        sl__md_buf_put(out, t, i);
        sl__md_buf_puts(out, t[i] == '<' ? "&lt;" : t[i] == '>' ? "&gt;" : t[i] == '&' ? "&amp;" : "&quot;");
        t += i + 1;
        n -= i + 1;
        room -= i + 1;
    }
    sl__md_buf_put(out, t, n);
}

/* A chunk of the page's own bytes, escaped.  md4c-html writes text (and
 * code, alt text, URLs) from the page in runs that stop before each of
 * `<>&"`, writing its own escape for it; a run from the page that holds
 * one is therefore raw HTML (md4c-html's render_verbatim), and escaping
 * every page chunk changes exactly those. */
void sl__md_html_escape(sl__md_buf *out, const char *t, size_t n)
{
    escape_in(out, t, n, n);
}

static void on_output(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    render_state *r = ud;
    if (n == 0)
        return;
    if (sl__md_fix_from_source(&r->fix, t)) { /* the page's own text: most chunks */
        if (r->fix.in_code || r->fix.pending)
            sl__md_fix_code_chunk(&r->fix, &r->out, t, n);
        r->fix.prev_nl = 0;
        if (r->escape_raw) /* the page's bytes after the chunk may be read too */
            escape_in(&r->out, t, n, r->fix.n - (size_t)(t - r->fix.src));
        else
            sl__md_buf_put(&r->out, t, n);
        return;
    }
    int tag = heading_tag(t, n);
    if (tag)
        record_tag(r, tag);
    if (watch_url(r, t, n) || fix_chunk(&r->fix, &r->out, t, n))
        return;
    if ((r->task || t[0] == '<') && watch_task(r, t, n))
        return;
    sl__md_buf_put(&r->out, t, n);
}

/* The text content of rendered inline HTML: tags dropped, md4c-html's
 * escapes decoded, whitespace runs collapsed to one space, trimmed. */
char *sl__md_text_content(const char *h, size_t n, size_t *outlen)
{
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c == '<') {
            const char *e = memchr(h + i, '>', n - i);
            i = e ? (size_t)(e - h) : n;
            continue;
        }
        if (c == '&') {
            static const struct { const char *ent; char c; } ents[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
            for (size_t k = 0; k < sizeof ents / sizeof ents[0]; k++) {
                size_t l = strlen(ents[k].ent);
                if (n - i >= l && !memcmp(h + i, ents[k].ent, l)) {
                    c = ents[k].c;
                    i += l - 1;
                    break;
                }
            }
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            t[o++] = ' ';
        space = 0;
        t[o++] = c;
    }
    t[o] = 0;
    *outlen = o;
    return t;
}

/* Words: runs of non-blank characters in the text outside tags.  Tags do
 * not split words ("<em>a</em>b" is one); md4c-html ends block-level tags
 * with a newline, which does.  Text is taken 16 bytes at a time where
 * SSE2 is there: a word starts at each non-blank byte after a blank. */
static unsigned popcount16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

/* Words starting among the bytes whose bits are set in `word` (1: not a
 * blank), the bit below the first standing for *prev, which becomes the
 * last byte's. */
static unsigned word_starts(unsigned word, unsigned len, unsigned *prev)
{
    unsigned starts = word & ~((word << 1) | *prev);
    if (len)
        *prev = (word >> (len - 1)) & 1u;
    return popcount16(starts);
}

#if defined(__SSE2__)
/* The bits of 16 bytes at h: non-blanks, and `c`. */
static unsigned nonblank16(__m128i v)
{
    __m128i blank = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    return ~(unsigned)_mm_movemask_epi8(blank) & 0xFFFFu;
}

static unsigned bytes16(__m128i v, char c)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}
#endif

/* Past the `>` that ends the tag at h[i]. */
static size_t skip_tag(const char *h, size_t i, size_t n)
{
#if defined(__SSE2__)
    for (; n - i >= 16; i += 16) {
        unsigned m = bytes16(_mm_loadu_si128((const __m128i *)(const void *)(h + i)), '>');
        if (m)
            return i + (size_t)__builtin_ctz(m) + 1;
    }
#endif
    while (i < n && h[i] != '>')
        i++;
    return i < n ? i + 1 : n;
}

static uint64_t count_words(const char *h, size_t n)
{
    uint64_t words = 0;
    unsigned prev = 0;
    size_t i = 0;
#if defined(__SSE2__)
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
        unsigned word = nonblank16(v), lt = bytes16(v, '<');
        if (!lt) {
            words += word_starts(word, 16, &prev);
            i += 16;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctz(lt); /* text up to the tag, then the tag */
        words += word_starts(word & ((1u << k) - 1), k, &prev);
        i = skip_tag(h, i + k, n);
    }
#endif
    for (; i < n; i++) {
        if (h[i] == '<') {
            i = skip_tag(h, i, n) - 1;
            continue;
        }
        unsigned w = h[i] != ' ' && h[i] != '\n' && h[i] != '\t' && h[i] != '\r';
        words += w & ~prev;
        prev = w;
    }
    return words;
}

static unsigned parser_flags(const sl__md_opts *o)
{
    /* Never MD_FLAG_NOHTML: md4c then turns each `<` into text before it
     * parses, so the contents of an HTML comment go live, an HTML line no
     * longer ends a paragraph or swallows the lines of its block, and URLs
     * inside it are autolinked.  Safe mode parses raw HTML as GitHub does
     * and escapes it on the way out (sl__md_html_escape). */
    return o->commonmark ? MD_DIALECT_COMMONMARK : MD_DIALECT_GITHUB;
}

static int render_body(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p)
{
    render_state r = {.safe_urls = !o->unsafe_html, .escape_raw = !o->unsafe_html, .url_at = NO_URL,
                      .xhtml = o->xhtml, .fix = {.src = s, .n = n}, .page = p, .slugs = sl__md_slugs_new()};
    int rc = -1;
    if (n > 0xFFFFFFF0u || !r.slugs)
        goto out; /* md4c sizes are 32-bit */
    /* HTML runs about 1.3x the Markdown: room for that, so that growing
     * (and copying) is rare. */
    r.out.cap = n + n / 2 + 256;
    r.out.data = malloc(r.out.cap);
    r.out.cap = r.out.data ? r.out.cap : 0;
    unsigned hflags = MD_HTML_FLAG_SKIP_UTF8_BOM | (o->xhtml ? MD_HTML_FLAG_XHTML : 0);
    if (sl__md_md4c_html()->md_html(s, (MD_SIZE)n, on_output, &r, parser_flags(o), hflags) != 0)
        goto out;
    sl__md_buf_putc(&r.out, 0);
    if (r.out.failed || r.nomem)
        goto out;
    p->html = r.out.data;
    p->html_len = r.out.len - 1;
    r.out = (sl__md_buf){0};
    rc = 0;
out:
    sl__md_fix_free(&r.fix);
    sl__md_buf_free(&r.out);
    sl__md_slugs_free(r.slugs);
    return rc;
}

/* What both renderers' output gets: the GFM tag filter (raw HTML under
 * --gfm) and the word count. */
static int finish_html(const sl__md_opts *o, sl__md_page *p)
{
    if (!o->commonmark && o->unsafe_html) {
        sl__md_buf b = {p->html, p->html_len, p->html_len + 1, 0};
        if (sl__md_tagfilter(&b) != 0)
            return -1;
        sl__md_buf_putc(&b, 0);
        if (b.failed) {
            p->html = NULL;
            sl__md_buf_free(&b);
            return -1;
        }
        p->html = b.data;
        p->html_len = b.len - 1;
    }
    if (!o->no_word_count)
        p->word_count = count_words(p->html, p->html_len);
    return 0;
}

/* Adds a warning about line `line` of the page. */
static int warn(sl__md_page *p, size_t line, const char *msg)
{
    sl__md_warning *w = realloc(p->warnings, (p->nwarnings + 1) * sizeof *w);
    if (!w)
        return -1;
    p->warnings = w;
    if (!(w[p->nwarnings].msg = strdup(msg)))
        return -1;
    w[p->nwarnings++].line = line;
    return 0;
}

/* The front matter as JSON, or - when it is not valid YAML - its text as a
 * string and a warning naming the line.  Returns -1 only on no memory. */
static int front_matter(const char *y, size_t n, sl__md_page *p)
{
    char err[300], msg[400];
    size_t line = 0;
    if ((p->frontmatter = sl__md_yaml_parse(y, n, &line, err, sizeof err)))
        return 0;
    if (!strcmp(err, "out of memory"))
        return -1;
    /* The block starts on the page's second line, after the `---` one. */
    snprintf(msg, sizeof msg, "front matter is not valid YAML (%s); kept as text", err);
    if (warn(p, line + 1, msg) != 0)
        return -1;
    return (p->frontmatter = json_stringn(y, n)) ? 0 : -1;
}

/* Tests link a fault.c that defines this; elsewhere it does nothing. */
__attribute__((weak)) void sl__md_fault_point(const char *src, size_t n)
{
    (void)src;
    (void)n;
}

int sl__md_render(const char *src, size_t n, const sl__md_opts *o, sl__md_page *out, char *err,
                  size_t errlen)
{
    sl__md_fault_point(src, n);
    memset(out, 0, sizeof *out);
    char *fixed = NULL;
    if (!sl__md_utf8_valid(src, n)) {
        if (!(fixed = sl__md_utf8_repair(src, n, &n)))
            goto nomem;
        src = fixed;
    }
    size_t yo, yl, body = 0;
    if (!o->no_frontmatter && sl__md_frontmatter_split(src, n, &yo, &yl, &body) &&
        front_matter(src + yo, yl, out) != 0)
        goto nomem;
    if (o->mdx) {
        int rc = sl__md_render_mdx(src, n, body, o, out, err, errlen);
        free(fixed);
        if (rc)
            sl__md_page_free(out);
        return rc;
    }
    if (n - body > 0xFFFFFFF0u) {
        snprintf(err, errlen, "page too large for md4c (%zu bytes, limit 4 GiB)", n);
        goto fail;
    }
    int cmark = o->renderer == SL__MD_ROUTED
                    ? sl__md_html_start_md4c_misreads(src + body, n - body) ||
                          sl__md_list_item_md4c_ends_early(src + body, n - body) ||
                          sl__md_emphasis_md4c_pairs_otherwise(src + body, n - body) ||
                          sl__md_definition_md4c_loosens_list(src + body, n - body) ||
                          sl__md_html_lazy_tag_md4c_misreads(src + body, n - body) ||
                          sl__md_md4c_misreads(src + body, n - body) ||
                          (!o->commonmark && sl__md_gfm_needs_cmark(src + body, n - body))
                    : !o->commonmark && o->renderer == SL__MD_CMARK;
    if ((cmark ? sl__md_render_cmark(src + body, n - body, o, out)
               : render_body(src + body, n - body, o, out)) != 0 ||
        finish_html(o, out) != 0)
        goto nomem;
    free(fixed);
    return 0;
nomem:
    snprintf(err, errlen, "out of memory rendering the page");
fail:
    free(fixed);
    sl__md_page_free(out);
    return -1;
}

void sl__md_page_free(sl__md_page *p)
{
    free(p->html);
    json_decref(p->frontmatter);
    for (size_t i = 0; i < p->nheadings; i++) {
        free(p->headings[i].text);
        free(p->headings[i].id);
    }
    free(p->headings);
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i].msg);
    free(p->warnings);
    memset(p, 0, sizeof *p);
}
