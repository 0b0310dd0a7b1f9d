/*
 * render.c - one page: front matter out, HTML from md4c's parser in,
 * heading ids on.
 *
 * The HTML is written here from md_parse()'s events, as md4c-html 0.4.8
 * writes it byte for byte, plus what sluice changes: heading ids, link
 * and image URLs as cmark-gfm writes them and (in safe mode) checked, a
 * task item's checkbox followed by a space, raw HTML escaped in safe mode.
 * An earlier version ran md4c-html and watched its output chunk by chunk
 * for all that: on bench/md's flat corpus (750 pages) the render took
 * 1.67 G instructions (callgrind), 1.14 G of them md4c's parse, and
 * md4c-html alone 1.40 G.  Writing the HTML here - text escaped once, 16
 * bytes at a time, most output straight into the buffer - it takes 1.46 G,
 * UTF-8 check, ids and fixes included.
 *
 * Two places still go chunk by chunk, as md4c-html cut its output: raw
 * HTML and code blocks, where md4c_fix.c puts back the source's tabs
 * (which md4c turns into spaces) by telling the page's own bytes from
 * md4c's by where each chunk points (on_output, below).  There every
 * chunk is handed to on_output exactly as md4c-html handed it over.
 * A heading's id is spliced into its opening tag when it closes, moving
 * only the heading's own text.
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

typedef struct render_state {
    sl__md_buf out;
    sl__md_page *page;    /* gets the headings */
    size_t cap;           /* of page->headings */
    sl__md_slugs *slugs;
    size_t heading_at;    /* output offset of the open heading's "<hN>" */
    int level;            /* its level, 0 when none is open */
    sl__md_buf heading_raw; /* safe mode: the open heading's raw HTML chunks (raw_chunk), for its id */
    int nomem;
    sl__md_fix fix; /* the page, and code blocks' tabs put back (md4c_fix.c) */
    int safe_urls;  /* empty dangerous link and image URLs (safe mode) */
    int xhtml;
    int escape_raw; /* safe mode: raw HTML is parsed as HTML, then written escaped */
    int image;      /* 1 inside an image: its content is the alt text */
    int exact;      /* in a code block: chunks go to on_output as md4c-html cut them */
    int gfm;        /* GFM: its autolinks are written as cmark-gfm reads them */
    int links;      /* links open (md4c's spans) */
    int link_text;  /* the next text is a link's first */
    size_t quoted_url; /* GFM: the `:` of the next URL after a quote md4c leaves as text, or SIZE_MAX */
    size_t email_at;   /* GFM: where an e-mail autolink's tag starts, while it may be unwritten */
    int email_text;    /* that link was written as text: no </a> */
    int tagfilter;     /* --gfm --unsafe-html: GFM's tag filter on raw HTML (safety.c) */
    size_t html_block; /* output offset where the open HTML block starts, or SIZE_MAX */
    int html_line;     /* the last text was an inline HTML node's line end: its next line follows */
} render_state;

/* A chunk of raw HTML written escaped in a heading (safe mode): where it
 * is in the output, and its bytes. */
typedef struct raw_chunk {
    size_t from, to;
    const char *t;
    size_t n;
} raw_chunk;

/* The heading's inner HTML out[inner..) with each escaped raw HTML chunk
 * as it stands in the page (under --gfm through the tag filter): its text
 * as --unsafe-html has it, where the tags drop out of its text and id
 * (`## TOC <!-- omit in toc -->`: id `toc` in both modes, as on GitHub;
 * advmd F5).  NULL when out of memory. */
static char *heading_as_unsafe(const render_state *r, size_t inner, size_t *len)
{
    const raw_chunk *c = (const raw_chunk *)(const void *)r->heading_raw.data;
    size_t k = r->heading_raw.len / sizeof *c, at = inner;
    sl__md_buf b = {0};
    for (size_t i = 0; i < k; i++) {
        sl__md_buf_put(&b, r->out.data + at, c[i].from - at);
        size_t from = b.len;
        sl__md_buf_put(&b, c[i].t, c[i].n);
        if (r->gfm && !b.failed && sl__md_tagfilter(&b, from, 0) != 0) /* as --unsafe-html --gfm writes it */
            b.failed = 1;
        at = c[i].to;
    }
    sl__md_buf_put(&b, r->out.data + at, r->out.len - at);
    if (b.failed) {
        sl__md_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : calloc(1, 1);
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
    size_t inner = r->heading_at + 4;
    sl__md_heading *h = &p->headings[p->nheadings];
    *h = (sl__md_heading){r->level, NULL, NULL};
    if (r->heading_raw.len) {
        size_t ul;
        char *u = heading_as_unsafe(r, inner, &ul);
        r->heading_raw.len = 0;
        h->text = u ? sl__md_heading_text_id(r->slugs, u, ul, &h->id) : NULL;
        free(u);
    } else
        h->text = sl__md_heading_text_id(r->slugs, r->out.data + inner, r->out.len - inner, &h->id);
    if (!h->id) {
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

/* The bytes md4c-html writes as they are in a URL, one bit each: letters,
 * digits, `-_.+!*(),%#@?=;:/$` (and NUL, strchr's match of the terminator). */
static const uint32_t url_plain_bits[8] = {0x00000001, 0xAFFFFF3A, 0x87FFFFFF, 0x07FFFFFE, 0, 0, 0, 0};

static int url_plain(unsigned char c)
{
    return url_plain_bits[c >> 5] >> (c & 31) & 1;
}

static int html_special(char c)
{
    return c == '<' || c == '>' || c == '&' || c == '"';
}

#if defined(__SSE2__)
/* The bits of the 16 bytes v that stop a run: in text `<>&"`; in a URL
 * the bytes url_plain does not take (signed compares: bytes from 0x80 up
 * are below every range). */
static inline unsigned stops16(__m128i v, int url)
{
    if (!url) /* `<>` are the bytes that are `>` with bit 1 set, `"&` those that are `&` with bit 2 set */
        return (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(2)), _mm_set1_epi8('>')),
                         _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(4)), _mm_set1_epi8('&'))));
    __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* letters */
    __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
    __m128i punct = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x3C))); /* ! to ; */
    __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
    ok = _mm_or_si128(ok, _mm_andnot_si128(bad, punct));
    ok = _mm_or_si128(ok, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('=')), _mm_cmpeq_epi8(v, _mm_set1_epi8('?'))),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')))));
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    return ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;
}
#endif

/* The first byte of t[0, n) that stops a run of text (or, `url`, of a
 * URL), or n.  16 bytes at a time where SSE2 is there: every text chunk
 * is scanned, and almost none holds one.  `room` bytes from t may be read
 * (room >= n): most chunks are a few words of a page whose bytes go on
 * after them, and one 16-byte load, the bytes past the chunk masked off,
 * then replaces the byte-at-a-time tail (the tail was most of the cost of
 * escaping). */
static inline size_t first_stop(const char *t, size_t n, size_t room, int url)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; room - i >= 16; i += 16) {
        unsigned bits = stops16(_mm_loadu_si128((const __m128i *)(const void *)(t + i)), url);
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
    while (i < n && (url ? url_plain((unsigned char)t[i]) : !html_special(t[i])))
        i++;
    return i;
}

static inline size_t first_special(const char *t, size_t n, size_t room)
{
    return first_stop(t, n, room, 0);
}

/* How many bytes from t first_stop may read: to the end of the page md4c
 * renders when t points into it, else t's own n. */
static size_t room_at(const sl__md_fix *f, const char *t, size_t n)
{
    return sl__md_fix_from_source(f, t) ? f->n - (size_t)(t - f->src) : n;
}

static const char *html_entity_of(char c)
{
    return c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : "";
}

/* Appends t[0, i) to out, where i is first_stop's answer, and returns i.
 * Where SSE2 is there and out has room for all n bytes and 16 more, each
 * 16 bytes scanned are stored into out as they are, before the scan knows
 * how many of them belong to the run: out's length then moves past just
 * those.  Most text and URLs are one run, and this is one pass over them
 * instead of a scan and then a memcpy call (md4c hands text over in
 * pieces of about 25 bytes, where the call's own cost counted most). */
static inline size_t copy_run(sl__md_buf *out, const char *t, size_t n, size_t room, int url)
{
#if defined(__SSE2__)
    if (room >= 16 && out->cap - out->len >= n + 16) {
        char *d = out->data + out->len;
        size_t i = 0;
        for (; room - i >= 16; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
            _mm_storeu_si128((__m128i *)(void *)(d + i), v);
            unsigned bits = stops16(v, url);
            if (n - i < 16)
                bits &= (1u << (n - i)) - 1;
            if (bits) {
                i += (size_t)__builtin_ctz(bits);
                break;
            }
            if (n - i <= 16) {
                i = n;
                break;
            }
        }
        for (; i < n && (url ? url_plain((unsigned char)t[i]) : !html_special(t[i])); i++)
            d[i] = t[i]; /* the last bytes of a chunk that ends the page */
        out->len += i;
        return i;
    }
#endif
    size_t i = first_stop(t, n, room, url);
    sl__md_buf_put(out, t, i);
    return i;
}

/* Appends t[0, n) escaped; `room` as for first_special. */
static inline void escape_in(sl__md_buf *out, const char *t, size_t n, size_t room)
{
    size_t i;
    while ((i = copy_run(out, t, n, room, 0)) < n) {
        const char *e = html_entity_of(t[i]);
        sl__md_buf_put(out, e, t[i] == '&' ? 5 : t[i] == '"' ? 6 : 4); /* its length: no strlen call */
        t += i + 1;
        n -= i + 1;
        room -= i + 1;
    }
}

/* Appends t[0, n) escaped as HTML text (render_cmark.c's raw HTML). */
void sl__md_html_escape(sl__md_buf *out, const char *t, size_t n)
{
    escape_in(out, t, n, n);
}

/* One chunk of a code block or of raw HTML, cut as md4c-html cut its
 * output: md4c_fix.c reads the code's and the HTML lines' indentation
 * from them.  In safe mode, a chunk of the page's own bytes is escaped:
 * text and code come in runs that stop before each of `<>&"` (written as
 * an entity of their own), so only raw HTML holds one. */
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
            escape_in(&r->out, t, n, room_at(&r->fix, t, n));
        else
            sl__md_buf_put(&r->out, t, n);
        return;
    }
    if (!fix_chunk(&r->fix, &r->out, t, n))
        sl__md_buf_put(&r->out, t, n);
}

/* Where the markup at h[i] == '<' ends: the offset of its last byte (or
 * n).  Raw inline HTML as CommonMark takes it: a comment, processing
 * instruction or CDATA section runs to its own closing string, and a
 * tag's `>` is not one inside a quoted attribute value
 * (`<span title="x>y">`). */
static size_t markup_end(const char *h, size_t n, size_t i)
{
    static const struct { const char *open, *close; } own[] = {
        {"<!--", "-->"}, {"<?", "?>"}, {"<![CDATA[", "]]>"}};
    int special = i + 1 < n && (h[i + 1] == '!' || h[i + 1] == '?'); /* each opener starts "<!" or "<?" */
    for (size_t k = 0; special && k < sizeof own / sizeof own[0]; k++) {
        size_t ol = strlen(own[k].open), cl = strlen(own[k].close);
        if (n - i < ol || memcmp(h + i, own[k].open, ol))
            continue;
        const char *e = memmem(h + i + ol - (k == 0 ? 2 : 0), n - i - ol + (k == 0 ? 2 : 0), own[k].close, cl);
        return e ? (size_t)(e - h) + cl - 1 : n;
    }
    char q = 0;
    for (size_t k = i + 1; k < n; k++) {
        if (q) {
            q = h[k] == q ? 0 : q;
        } else if (h[k] == '"' || h[k] == '\'') {
            q = h[k];
        } else if (h[k] == '>') {
            return k;
        }
    }
    return n;
}

/* The text content of rendered inline HTML: tags dropped, md4c-html's
 * escapes decoded, white space as it stands (GitHub's ids are made of
 * it: `a  b` is `a--b`).  Bytes of no class below (most) are copied a run
 * at a time. */
static char *text_content(const char *h, size_t n, size_t *outlen)
{
    enum { PLAIN, TAG, ENTITY };
    static const unsigned char cls[256] = {['<'] = TAG, ['&'] = ENTITY};
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        switch (cls[(unsigned char)c]) {
        case TAG:
            i = markup_end(h, n, i);
            continue;
        case ENTITY: {
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
            t[o++] = c;
            continue;
        }
        default:
            t[o++] = c;
            while (i + 1 < n && cls[(unsigned char)h[i + 1]] == PLAIN)
                t[o++] = h[++i];
            continue;
        }
    }
    t[o] = 0;
    *outlen = o;
    return t;
}

char *sl__md_heading_text_id(sl__md_slugs *s, const char *h, size_t n, char **id)
{
    size_t tl;
    char *t = text_content(h, n, &tl);
    *id = t ? sl__md_slugs_make(s, t, tl) : NULL;
    if (!*id) {
        free(t);
        return NULL;
    }
    /* the reported text: each run of white space one space, trimmed */
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < tl; i++) {
        char c = t[i];
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
    return t;
}

/* Words: runs of non-blank characters in the text outside tags.  Tags do
 * not split words ("<em>a</em>b" is one); md4c-html ends block-level tags
 * with a newline, which does.  Text is taken 16 bytes at a time where
 * SSE2 is there: a word starts at each non-blank byte after a blank. */
#if defined(__SSE2__)
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

/* ---- HTML from md_parse()'s events ----------------------------------- */

/* md4c-html's entity table entry (exported by libmd4c-html, not declared
 * in its header, as mdx_scan.c has it): name with `&` and `;`, one or two
 * code points. */
struct entity {
    const char *name;
    unsigned codepoints[2];
};

/* One piece of markup.  In a code block it goes to on_output as md4c-html
 * would hand it over; elsewhere straight into the buffer (no chunk that
 * holds only spaces or a line end matters to md4c_fix.c outside code and
 * raw HTML, but it keeps track of whether the last chunk was a line end). */
static inline void emit(render_state *r, const char *t, size_t n)
{
    if (r->exact)
        on_output(t, n, r);
    else if (n) {
        r->fix.prev_nl = 0;
        sl__md_buf_put(&r->out, t, n);
    }
}

#define EMIT(r, lit) emit((r), (lit), sizeof(lit) - 1)

/* Text in a code block, cut as md4c-html cuts it (text_escaped). */
static void text_in_code(render_state *r, const char *t, size_t n, size_t room)
{
    for (;;) {
        size_t i = first_special(t, n, room);
        if (i)
            on_output(t, (MD_SIZE)i, r);
        if (i == n)
            return;
        const char *e = html_entity_of(t[i]);
        on_output(e, (MD_SIZE)strlen(e), r);
        t += i + 1;
        n -= i + 1;
        room -= i + 1;
    }
}

/* Text, escaped.  In a code block, cut as md4c-html cuts it (a run
 * without `"&<>`, then each one's entity: text_in_code); elsewhere in
 * one go, escape_in inlined here (a call less for each of the ~700,000
 * chunks of bench/md's flat corpus).  Either way the bytes are scanned
 * 16 at a time, and may be read on into the page past the text
 * (first_special).  (md4c-html's table also has NUL, which it drops; no
 * NUL reaches the renderer: utf8.c makes each U+FFFD.) */
static void text_escaped(render_state *r, const char *t, size_t n)
{
    size_t room = room_at(&r->fix, t, n);
    if (!r->exact) {
        if (!n)
            return;
        r->fix.prev_nl = 0;
        escape_in(&r->out, t, n, room);
        return;
    }
    text_in_code(r, t, n, room);
}

/* A URL (or part of one), as md4c-html escapes it - `&` as `&amp;`, other
 * bytes outside url_plain percent-escaped - except `~` and `'`, which
 * cmark-gfm writes as `~` and `&#x27;` (md4c_fix.c did this to md4c-html's
 * `%7E` and `%27`).  URLs only appear in links and images, never in a
 * code block. */
static void url_escaped(render_state *r, const char *t, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t room = room_at(&r->fix, t, n), i;
    while ((i = copy_run(&r->out, t, n, room, 1)) < n) {
        unsigned char c = (unsigned char)t[i];
        if (c == '&')
            sl__md_buf_puts(&r->out, "&amp;");
        else if (c == '~')
            sl__md_buf_putc(&r->out, '~');
        else if (c == '\'')
            sl__md_buf_puts(&r->out, "&#x27;");
        else {
            char pct[3] = {'%', hex[c >> 4], hex[c & 15]};
            sl__md_buf_put(&r->out, pct, 3);
        }
        t += i + 1;
        n -= i + 1;
        room -= i + 1;
    }
}

/* ---- GFM autolinks md4c 0.4.8 reads otherwise ----------------------- */

/* cmark-gfm links a `http://`, `https://` or `ftp://` URL wherever its
 * scheme starts (it looks back over letters only); md4c only after a
 * blank, `*_~(` or a line start.  On real pages that is mostly a URL in
 * quotes, `Default: "https://registry.npmjs.org/"`: md4c hands it over as
 * text, and the writer links it as cmark-gfm would.  gfm_autolink.c keeps
 * such a page on md4c only where md4c reads every byte of the URL as
 * text (none its other rules may take), so the URL always arrives whole,
 * in one chunk of text. */

#if defined(__SSE2__)
/* The bits of the 16 positions from s where "://" starts. */
static inline unsigned colon_slashes16(const char *s, unsigned colons)
{
    __m128i s1 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 1)), _mm_set1_epi8('/'));
    __m128i s2 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 2)), _mm_set1_epi8('/'));
    return colons & (unsigned)_mm_movemask_epi8(_mm_and_si128(s1, s2));
}
#endif

/* The `:` of the first "://" at or after `from` whose scheme follows a
 * quote, or SIZE_MAX.  Every GFM page is searched once: 32 positions at a
 * time where SSE2 is there, looking for a `:` first and for the slashes
 * only in a block that has one (glibc's memmem took about 4 instructions
 * a byte, which cost more than the pages it kept off cmark-gfm saved;
 * comparing all three bytes at every block, about 1.1). */
static size_t next_quoted_url(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i + 3 <= n; i++) {
#if defined(__SSE2__)
        for (; i + 34 <= n; i += 32) {
            __m128i colon = _mm_set1_epi8(':');
            unsigned ca = (unsigned)_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), colon));
            unsigned cb = (unsigned)_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 16)), colon));
            if (!(ca | cb))
                continue;
            unsigned m = colon_slashes16(s + i, ca) | colon_slashes16(s + i + 16, cb) << 16;
            if (m) {
                i += (size_t)__builtin_ctz(m);
                break;
            }
        }
        if (i + 3 > n)
            break; /* the blocks can stop two bytes short of the end */
#endif
        if (s[i] != ':' || s[i + 1] != '/' || s[i + 2] != '/')
            continue;
        size_t b = sl__md_scheme_start(s, i);
        if (b > 0 && (s[b - 1] == '"' || s[b - 1] == '\''))
            return i;
    }
    return SIZE_MAX;
}

/* Text (md4c's MD_TEXT_NORMAL) that may hold a URL after a quote: linked
 * where cmark-gfm links it, the rest escaped as any text. */
static void text_linking_urls(render_state *r, const char *t, size_t n)
{
    const sl__md_fix *f = &r->fix;
    size_t at = (size_t)(t - f->src), end = at + n;
    if (r->quoted_url < at)
        r->quoted_url = next_quoted_url(f->src, f->n, at);
    while (r->quoted_url < end) {
        size_t k = r->quoted_url, b = sl__md_scheme_start(f->src, k);
        size_t len = b >= at ? sl__md_cmark_url_length(f->src, f->n, end, b, k) : 0;
        r->quoted_url = next_quoted_url(f->src, f->n, len ? b + len : k + 1);
        if (!len)
            continue;
        text_escaped(r, f->src + at, b - at);
        EMIT(r, "<a href=\"");
        url_escaped(r, f->src + b, len);
        EMIT(r, "\">");
        text_escaped(r, f->src + b, len);
        EMIT(r, "</a>");
        at = b + len;
    }
    text_escaped(r, f->src + at, end - at);
}

/* md4c links an e-mail address whose domain ends in a digit
 * (`glob@7.0.3`, a package and its version); cmark-gfm wants a letter or
 * `.` at the end, and leaves it as text.  md4c's link (made in a buffer of
 * its own: `mailto:` and the address) is unwritten again when its text is
 * the address itself, from the page, and not in `<...>` (a CommonMark
 * autolink, which both link).  gfm_autolink.c keeps such a page on md4c
 * only where cmark-gfm links no part of the address. */
static void email_as_text(render_state *r, const char *t, size_t n)
{
    const char *open = r->out.data + r->email_at;
    size_t len = r->out.len - r->email_at;
    r->email_at = SIZE_MAX;
    if (!r->out.failed && len == n + 18 && !memcmp(open + 16, t, n) && sl__md_fix_from_source(&r->fix, t) &&
        (t == r->fix.src || t[-1] != '<')) { /* `<a href="mailto:` ADDRESS `">` */
        r->out.len -= len;
        r->email_text = 1;
    }
}

typedef void (*append_fn)(render_state *, const char *, size_t);

/* A code point as UTF-8: U+FFFD for 0, for a surrogate (`&#xD800;`: no
 * character, and its bytes would not be UTF-8) and for anything past
 * U+10FFFF, as CommonMark says and cmark-gfm does. */
static void put_codepoint(render_state *r, unsigned cp, append_fn append)
{
    unsigned char u[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        append(r, "\xEF\xBF\xBD", 3);
        return;
    }
    if (cp <= 0x7F)
        n = 1, u[0] = (unsigned char)cp;
    else if (cp <= 0x7FF)
        n = 2, u[0] = (unsigned char)(0xC0 | (cp >> 6)), u[1] = (unsigned char)(0x80 | (cp & 0x3F));
    else if (cp <= 0xFFFF)
        n = 3, u[0] = (unsigned char)(0xE0 | (cp >> 12)), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
    else
        n = 4, u[0] = (unsigned char)(0xF0 | (cp >> 18)), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    append(r, (const char *)u, n);
}

static unsigned hex_digit(char c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 10) : (unsigned)(c - 'a' + 10);
}

/* An entity md4c recognised (`&name;`, `&#N;`, `&#xH;`): its characters,
 * or - a name md4c-html's table lacks - itself, through `append`. */
static void put_entity(render_state *r, const char *t, size_t n, append_fn append)
{
    if (n > 3 && t[1] == '#') {
        unsigned cp = 0;
        if (t[2] == 'x' || t[2] == 'X')
            for (size_t i = 3; i + 1 < n; i++)
                cp = 16 * cp + hex_digit(t[i]);
        else
            for (size_t i = 2; i + 1 < n; i++)
                cp = 10 * cp + (unsigned)(t[i] - '0');
        put_codepoint(r, cp, append);
        return;
    }
    const struct entity *e = sl__md_md4c_html()->entity_lookup(t, n);
    if (!e) {
        append(r, t, n);
        return;
    }
    put_codepoint(r, e->codepoints[0], append);
    if (e->codepoints[1])
        put_codepoint(r, e->codepoints[1], append);
}

/* The length of the entity reference md4c would read at t[0] == '&'
 * (`&name;` of 2-48 letters and digits, `&#` 1-7 digits `;`, `&#x` 1-6
 * hex digits `;`), or 0. */
static size_t entity_at(const char *t, size_t n)
{
    size_t k = 1, d, max = 48;
    int hex = 0;
    if (k < n && t[k] == '#') {
        k++;
        if (k < n && (t[k] == 'x' || t[k] == 'X'))
            k++, hex = 1, max = 6;
        else
            max = 7;
        for (d = k; k < n && k - d < max && ((t[k] >= '0' && t[k] <= '9') || (hex && (t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'f'));)
            k++;
        return k > d && k < n && t[k] == ';' ? k + 1 : 0;
    }
    if (k >= n || (t[k] | 0x20) < 'a' || (t[k] | 0x20) > 'z')
        return 0;
    for (d = k; k < n && k - d < max && (((t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'z') || (t[k] >= '0' && t[k] <= '9'));)
        k++;
    return k - d >= 2 && k < n && t[k] == ';' ? k + 1 : 0;
}

/* The text of an `<...>` autolink: md4c hands it over as it stands,
 * cmark-gfm decodes its entity references (`<https://x/?a=1&amp;b=2>`
 * showed "&amp;"; the URL md4c decodes alike: advmd F23). */
static void autolink_text(render_state *r, const char *t, size_t n)
{
    for (const char *p; (p = memchr(t, '&', n)) != NULL;) {
        size_t at = (size_t)(p - t), len = entity_at(p, n - at);
        text_escaped(r, t, at + !len);
        if (len)
            put_entity(r, p, len, text_escaped);
        t = p + (len ? len : 1);
        n -= at + (len ? len : 1);
    }
    text_escaped(r, t, n);
}

/* U+FFFD, as md4c-html writes it for a NUL: not escaped. */
static void put_verbatim(render_state *r, const char *t, size_t n)
{
    emit(r, t, n);
}

/* An attribute (URL, title, code block language): its runs of text,
 * entities and NULs. */
static void put_attribute(render_state *r, const MD_ATTRIBUTE *a, append_fn append)
{
    for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
        const char *t = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        if (a->substr_types[i] == MD_TEXT_NULLCHAR)
            put_codepoint(r, 0, put_verbatim);
        else if (a->substr_types[i] == MD_TEXT_ENTITY)
            put_entity(r, t, n, append);
        else
            append(r, t, n);
    }
}

/* The URL of a link or image; in safe mode dropped again when its scheme
 * is dangerous. */
static void put_url(render_state *r, const MD_ATTRIBUTE *a)
{
    size_t at = r->out.len;
    put_attribute(r, a, url_escaped);
    if (r->safe_urls && !r->out.failed && sl__md_url_is_dangerous(r->out.data + at, r->out.len - at))
        r->out.len = at;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    render_state *r = ud;
    switch (type) {
    case MD_BLOCK_QUOTE: EMIT(r, "<blockquote>\n"); break;
    case MD_BLOCK_UL: EMIT(r, "<ul>\n"); break;
    case MD_BLOCK_OL: {
        unsigned start = ((const MD_BLOCK_OL_DETAIL *)detail)->start;
        char tag[32];
        if (start == 1)
            EMIT(r, "<ol>\n");
        else
            emit(r, tag, (size_t)snprintf(tag, sizeof tag, "<ol start=\"%u\">\n", start));
        break;
    }
    case MD_BLOCK_LI: {
        const MD_BLOCK_LI_DETAIL *li = detail;
        if (!li->is_task) {
            EMIT(r, "<li>");
            break;
        }
        /* GitHub (cmark-gfm) puts a space between the checkbox and the
         * item's text; md4c-html none.  XHTML has no attribute without a
         * value (`disabled checked />` is no XML: advmd F17). */
        EMIT(r, "<li class=\"task-list-item\"><input type=\"checkbox\" class=\"task-list-item-checkbox\"");
        int checked = li->task_mark == 'x' || li->task_mark == 'X';
        if (r->xhtml) {
            EMIT(r, " disabled=\"disabled\"");
            if (checked)
                EMIT(r, " checked=\"checked\"");
            EMIT(r, " /> ");
        } else {
            EMIT(r, " disabled");
            if (checked)
                EMIT(r, " checked");
            EMIT(r, "> ");
        }
        break;
    }
    case MD_BLOCK_HR:
        if (r->xhtml)
            EMIT(r, "<hr />\n");
        else
            EMIT(r, "<hr>\n");
        break;
    case MD_BLOCK_H: {
        unsigned level = ((const MD_BLOCK_H_DETAIL *)detail)->level;
        char tag[4] = {'<', 'h', (char)('0' + level), '>'};
        if (!r->level) { /* its id is spliced in when it closes */
            r->heading_at = r->out.len;
            r->level = (int)level;
        }
        emit(r, tag, 4);
        break;
    }
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *c = detail;
        r->exact = 1; /* md4c_fix.c reads the block's chunks (its info string's too) */
        EMIT(r, "<pre><code");
        if (c->lang.text) {
            EMIT(r, " class=\"language-");
            put_attribute(r, &c->lang, text_escaped);
            EMIT(r, "\"");
        }
        EMIT(r, ">");
        break;
    }
    case MD_BLOCK_P: EMIT(r, "<p>"); break;
    case MD_BLOCK_TABLE: EMIT(r, "<table>\n"); break;
    case MD_BLOCK_THEAD: EMIT(r, "<thead>\n"); break;
    case MD_BLOCK_TBODY: EMIT(r, "<tbody>\n"); break;
    case MD_BLOCK_TR: EMIT(r, "<tr>\n"); break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        static const char *const align[] = {[MD_ALIGN_DEFAULT] = ">", [MD_ALIGN_LEFT] = " align=\"left\">",
                                            [MD_ALIGN_CENTER] = " align=\"center\">",
                                            [MD_ALIGN_RIGHT] = " align=\"right\">"};
        MD_ALIGN al = ((const MD_BLOCK_TD_DETAIL *)detail)->align;
        EMIT(r, "<");
        emit(r, type == MD_BLOCK_TH ? "th" : "td", 2);
        const char *a = (unsigned)al <= MD_ALIGN_RIGHT ? align[al] : ">";
        emit(r, a, strlen(a));
        break;
    }
    case MD_BLOCK_HTML:
        /* After a tight item's text or its `<li>`, on a line of its own as
         * cmark-gfm writes it (md4c-html glued it on). */
        if (r->out.len && r->out.data[r->out.len - 1] != '\n')
            EMIT(r, "\n");
        r->html_block = r->out.len;
        break;
    case MD_BLOCK_DOC:
        break;
    }
    return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    render_state *r = ud;
    switch (type) {
    case MD_BLOCK_QUOTE: EMIT(r, "</blockquote>\n"); break;
    case MD_BLOCK_UL: EMIT(r, "</ul>\n"); break;
    case MD_BLOCK_OL: EMIT(r, "</ol>\n"); break;
    case MD_BLOCK_LI: EMIT(r, "</li>\n"); break;
    case MD_BLOCK_H: {
        unsigned level = ((const MD_BLOCK_H_DETAIL *)detail)->level;
        char tag[6] = {'<', '/', 'h', (char)('0' + level), '>', '\n'};
        if (r->level == (int)level) {
            close_heading(r);
            r->level = 0;
        }
        emit(r, tag, 6);
        break;
    }
    case MD_BLOCK_CODE:
        EMIT(r, "</code></pre>\n");
        r->exact = 0;
        break;
    case MD_BLOCK_P: EMIT(r, "</p>\n"); break;
    case MD_BLOCK_TABLE: EMIT(r, "</table>\n"); break;
    case MD_BLOCK_THEAD: EMIT(r, "</thead>\n"); break;
    case MD_BLOCK_TBODY: EMIT(r, "</tbody>\n"); break;
    case MD_BLOCK_TR: EMIT(r, "</tr>\n"); break;
    case MD_BLOCK_TH: EMIT(r, "</th>\n"); break;
    case MD_BLOCK_TD: EMIT(r, "</td>\n"); break;
    case MD_BLOCK_HTML:
        /* the tag filter looks at a whole block at once: a tag's name may
         * end on the next line */
        if (r->tagfilter && sl__md_tagfilter(&r->out, r->html_block, 1) != 0)
            r->nomem = 1;
        r->html_block = SIZE_MAX;
        break;
    case MD_BLOCK_DOC:
    case MD_BLOCK_HR:
        break;
    }
    return 0;
}

/* Inside an image, spans write nothing: their text is the alt text. */
static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    render_state *r = ud;
    if (r->image) {
        r->image += type == MD_SPAN_IMG; /* an image in the alt text: its text is alt text too */
        return 0;
    }
    switch (type) {
    case MD_SPAN_EM: EMIT(r, "<em>"); break;
    case MD_SPAN_STRONG: EMIT(r, "<strong>"); break;
    case MD_SPAN_U: EMIT(r, "<u>"); break;
    case MD_SPAN_A: {
        const MD_SPAN_A_DETAIL *a = detail;
        r->links++;
        r->link_text = 1;
        if (r->gfm && a->href.size > 7 && !sl__md_fix_from_source(&r->fix, a->href.text) &&
            !memcmp(a->href.text, "mailto:", 7) && a->href.text[a->href.size - 1] >= '0' &&
            a->href.text[a->href.size - 1] <= '9')
            r->email_at = r->out.len; /* an e-mail autolink cmark-gfm may leave as text: email_as_text */
        EMIT(r, "<a href=\"");
        put_url(r, &a->href);
        if (a->title.text) {
            EMIT(r, "\" title=\"");
            put_attribute(r, &a->title, text_escaped);
        }
        EMIT(r, "\">");
        break;
    }
    case MD_SPAN_IMG:
        EMIT(r, "<img src=\"");
        put_url(r, &((const MD_SPAN_IMG_DETAIL *)detail)->src);
        EMIT(r, "\" alt=\"");
        r->image++;
        break;
    case MD_SPAN_CODE: EMIT(r, "<code>"); break;
    case MD_SPAN_DEL: EMIT(r, "<del>"); break;
    case MD_SPAN_LATEXMATH: EMIT(r, "<x-equation>"); break;
    case MD_SPAN_LATEXMATH_DISPLAY: EMIT(r, "<x-equation type=\"display\">"); break;
    case MD_SPAN_WIKILINK:
        EMIT(r, "<x-wikilink data-target=\"");
        put_attribute(r, &((const MD_SPAN_WIKILINK_DETAIL *)detail)->target, text_escaped);
        EMIT(r, "\">");
        break;
    }
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    render_state *r = ud;
    if (r->image) {
        /* Only the outermost image closes its tag: an image inside one is
         * alt text, and the outer alt goes on (as cmark-gfm writes it;
         * md4c-html closed the outer one there, leaving the rest as HTML). */
        if (type == MD_SPAN_IMG && --r->image == 0) {
            const MD_SPAN_IMG_DETAIL *img = detail;
            if (img->title.text) {
                EMIT(r, "\" title=\"");
                put_attribute(r, &img->title, text_escaped);
            }
            if (r->xhtml)
                EMIT(r, "\" />");
            else
                EMIT(r, "\">");
        }
        return 0;
    }
    switch (type) {
    case MD_SPAN_EM: EMIT(r, "</em>"); break;
    case MD_SPAN_STRONG: EMIT(r, "</strong>"); break;
    case MD_SPAN_U: EMIT(r, "</u>"); break;
    case MD_SPAN_A:
        r->links--;
        r->email_at = SIZE_MAX;
        if (r->email_text)
            r->email_text = 0;
        else
            EMIT(r, "</a>");
        break;
    case MD_SPAN_CODE: EMIT(r, "</code>"); break;
    case MD_SPAN_DEL: EMIT(r, "</del>"); break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY: EMIT(r, "</x-equation>"); break;
    case MD_SPAN_WIKILINK: EMIT(r, "</x-wikilink>"); break;
    case MD_SPAN_IMG: break;
    }
    return 0;
}

/* Raw HTML, as md4c hands it over: an HTML block's lines, and inline
 * nodes a line at a time, their line ends as chunks of their own. */
static void raw_html(render_state *r, const char *t, size_t n)
{
    size_t at = r->out.len;
    int line_start = r->html_line; /* of an inline node's next line */
    on_output(t, n, r);
    if (r->level && r->escape_raw && r->out.len - at != n) { /* escaped in a heading: its id ignores it */
        raw_chunk c = {at, r->out.len, t, n};
        sl__md_buf_put(&r->heading_raw, (const char *)&c, sizeof c);
    }
    /* The tag filter looks at an inline node's start (a block's are looked
     * at when it ends). */
    if (r->tagfilter && r->html_block == SIZE_MAX && !line_start && sl__md_tagfilter(&r->out, at, 0) != 0)
        r->nomem = 1;
    r->html_line = r->html_block == SIZE_MAX && n == 1 && t[0] == '\n';
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *t, MD_SIZE n, void *ud)
{
    render_state *r = ud;
    int link_text = r->link_text;
    r->link_text = 0;
    if (type != MD_TEXT_HTML)
        r->html_line = 0;
    switch (type) {
    case MD_TEXT_NULLCHAR:
        put_codepoint(r, 0, put_verbatim);
        break;
    case MD_TEXT_BR:
        if (r->image)
            EMIT(r, " ");
        else if (r->xhtml)
            EMIT(r, "<br />\n");
        else
            EMIT(r, "<br>\n");
        break;
    case MD_TEXT_SOFTBR:
        if (r->image)
            EMIT(r, " ");
        else if (r->exact)
            on_output("\n", 1, r);
        else {
            sl__md_buf_putc(&r->out, '\n');
            r->fix.prev_nl = 1; /* as on_output notes a line end of md4c's own */
        }
        break;
    case MD_TEXT_HTML: /* raw HTML: md4c_fix.c reads its lines' indentation */
        if (r->image) /* in an alt attribute: text, as cmark-gfm writes it */
            text_escaped(r, t, n);
        else
            raw_html(r, t, n);
        break;
    case MD_TEXT_ENTITY:
        put_entity(r, t, n, text_escaped);
        break;
    case MD_TEXT_NORMAL:
        if (r->email_at != SIZE_MAX)
            email_as_text(r, t, n);
        if (link_text && !r->image && !r->exact && sl__md_fix_from_source(&r->fix, t) && t > r->fix.src &&
            t[-1] == '<' && (size_t)(t - r->fix.src) + n < r->fix.n && t[n] == '>')
            autolink_text(r, t, n);
        else if (r->quoted_url < r->fix.n && !r->links && !r->image && !r->exact && sl__md_fix_from_source(&r->fix, t))
            text_linking_urls(r, t, n);
        else
            text_escaped(r, t, n);
        break;
    default:
        text_escaped(r, t, n);
        break;
    }
    return 0;
}

static unsigned parser_flags(const sl__md_opts *o)
{
    /* Never MD_FLAG_NOHTML: md4c then turns each `<` into text before it
     * parses, so the contents of an HTML comment go live, an HTML line no
     * longer ends a paragraph or swallows the lines of its block, and URLs
     * inside it are autolinked.  Safe mode parses raw HTML as GitHub does
     * and escapes it on the way out (on_output). */
    return o->commonmark ? MD_DIALECT_COMMONMARK : MD_DIALECT_GITHUB;
}

static int render_body(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p)
{
    render_state r = {.safe_urls = !o->unsafe_html, .escape_raw = !o->unsafe_html,
                      .xhtml = o->xhtml, .fix = {.src = s, .n = n}, .page = p, .slugs = sl__md_slugs_new(),
                      .quoted_url = SIZE_MAX, .email_at = SIZE_MAX, .html_block = SIZE_MAX,
                      .tagfilter = !o->commonmark && o->unsafe_html};
    int rc = -1;
    if (n > 0xFFFFFFF0u || !r.slugs)
        goto out; /* md4c sizes are 32-bit */
    /* HTML runs about 1.3x the Markdown: room for that, so that growing
     * (and copying) is rare. */
    r.out.cap = n + n / 2 + 256;
    r.out.data = malloc(r.out.cap);
    r.out.cap = r.out.data ? r.out.cap : 0;
    MD_PARSER parser = {0, parser_flags(o), on_enter_block, on_leave_block, on_enter_span, on_leave_span,
                        on_text, NULL, NULL};
    r.gfm = !o->commonmark; /* GFM's autolinks, where md4c's differ (text_linking_urls, email_as_text) */
    if (r.gfm)
        r.quoted_url = next_quoted_url(s, n, 0);
    size_t bom = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0; /* skipped, as md4c-html does */
    if (sl__md_md4c()->md_parse(s + bom, (MD_SIZE)(n - bom), &parser, &r) != 0)
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
    sl__md_buf_free(&r.heading_raw);
    sl__md_slugs_free(r.slugs);
    return rc;
}

/* What both renderers' output gets: the word count. */
static int finish_html(const sl__md_opts *o, sl__md_page *p)
{
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

/* A CR not followed by LF: a line end of its own (CommonMark 2.1), which
 * the routing checks, written for \n (and \r\n), read only in places; an
 * outside tester's mutations found five shapes md4c misreads that way
 * with no check seeing them.  Such pages (classic Mac files, a stray CR
 * pasted in) are rare: all of them go to cmark-gfm. */
static int lone_cr(const char *s, size_t n)
{
    for (const char *p = s, *e = s + n; (p = memchr(p, '\r', (size_t)(e - p))) != NULL; p++)
        if (p + 1 == e || p[1] != '\n')
            return 1;
    return 0;
}

int sl__md_routes_to_cmark(const char *s, size_t n, int commonmark)
{
    /* Each check reads the page alone and the answer is their "or": they
     * run in the order of what they cost against how often they say yes
     * on bench/md's corpora (measured: the tag-line and block-start
     * checks are cheap and route most often, gfm_route.c's scan routes
     * the most pages but costs the most, the emphasis and definition
     * checks route the fewest), so a routed page stops early.  A page
     * cmark-gfm would take quadratic time on stays on md4c all the same
     * (cmark_slow.c; looked at only once a check said yes). */
    return (lone_cr(s, n) || sl__md_html_lazy_tag_md4c_misreads(s, n) || sl__md_html_start_md4c_misreads(s, n) ||
           (commonmark ? sl__md_commonmark_needs_cmark(s, n) : sl__md_gfm_needs_cmark(s, n) || sl__md_entity_in_address(s, n)) || sl__md_list_item_md4c_ends_early(s, n) ||
           sl__md_md4c_misreads(s, n) || sl__md_definition_md4c_loosens_list(s, n) ||
           sl__md_emphasis_md4c_pairs_otherwise(s, n) || sl__md_md4c_blocks_misread(s, n, commonmark) ||
           sl__md_md4c_lists_misread(s, n)) &&
           !sl__md_cmark_slow(s, n);
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
    int own = o->renderer == SL__MD_OWN;
    int cmark = o->renderer == SL__MD_ROUTED ? sl__md_routes_to_cmark(src + body, n - body, o->commonmark)
                                             : o->renderer == SL__MD_CMARK;
    int rc = own     ? sl__md_render_own(src + body, n - body, o, out)
             : cmark ? sl__md_render_cmark(src + body, n - body, o, out)
                     : render_body(src + body, n - body, o, out);
    if (rc > 0) { /* a limit applied: said, with the page's line */
        size_t line = (size_t)rc;
        for (const char *p = src; (p = memchr(p, '\n', (size_t)(src + body - p))); p++)
            line++;
        if (warn(out, line, "the page reaches a limit on how far the HTML may grow or how much it is read again "
                            "(link references, tables' empty cells, table headers tried; see sluice md's README): "
                            "past it some Markdown is written as text") != 0)
            goto nomem;
    }
    if (rc < 0 || finish_html(o, out) != 0)
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
