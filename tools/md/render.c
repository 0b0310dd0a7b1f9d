/*
 * render.c - one page: front matter out, md4c's HTML in, heading ids on.
 *
 * md4c-html has no hook for heading attributes, and rewriting its whole
 * renderer to get one would mean keeping a copy of it in step.  Instead
 * this file watches md4c-html's output stream: md4c-html writes a heading's
 * opening tag as exactly one chunk "<hN>" and its closing tag as exactly
 * one chunk "</hN>\n", and no other rendered text can produce those chunks
 * (text is escaped) - except raw HTML when it passes through unescaped.
 * So with --unsafe-html, and only when the source holds such a tag, a
 * parse-only pass first records which of those chunks are real headings.
 * The ids are then spliced in after rendering, in one copy of the output.
 */
#include <md4c-html.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

typedef struct mark {
    size_t open;  /* output offset of "<hN>" */
    size_t close; /* output offset of "</hN>\n" */
    int level;
} mark;

/* Which heading-tag-shaped chunks are real headings, in output order
 * (only filled in ambiguous mode). */
typedef struct tagseq {
    unsigned char *real;
    size_t n, cap, next;
    int overflow; /* the render saw more such chunks than the parse */
} tagseq;

#define NO_URL ((size_t)-1)

typedef struct render_state {
    sl__md_buf out;
    mark *marks;
    size_t nmarks, cap;
    int in_heading;
    int ambiguous;
    tagseq seq;
    int nomem;
    int safe_urls; /* empty dangerous link and image URLs (safe mode) */
    size_t url_at; /* output offset where the URL being written starts */
    int task;      /* a task item's checkbox is being written */
    int xhtml;
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

/* Could raw HTML in src produce a heading-tag-shaped chunk? */
static int source_has_heading_tag(const char *s, size_t n)
{
    for (const char *p = s, *end = s + n; (p = memchr(p, '<', (size_t)(end - p))); p++) {
        const char *q = p + 1;
        if (q < end && *q == '/')
            q++;
        if (q + 2 < end && q[0] == 'h' && q[1] >= '1' && q[1] <= '6' && q[2] == '>')
            return 1;
    }
    return 0;
}

static void seq_push(tagseq *s, int real)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        unsigned char *r = realloc(s->real, cap);
        if (!r) {
            s->overflow = 1;
            return;
        }
        s->real = r;
        s->cap = cap;
    }
    s->real[s->n++] = (unsigned char)real;
}

static int pre_enter(MD_BLOCKTYPE t, void *d, void *ud)
{
    (void)d;
    if (t == MD_BLOCK_H)
        seq_push(ud, 1);
    return 0;
}

static int pre_leave(MD_BLOCKTYPE t, void *d, void *ud)
{
    (void)d;
    if (t == MD_BLOCK_H)
        seq_push(ud, 1);
    return 0;
}

static int pre_span(MD_SPANTYPE t, void *d, void *ud)
{
    (void)t, (void)d, (void)ud;
    return 0;
}

static int pre_text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud)
{
    if (t == MD_TEXT_HTML && heading_tag(s, n))
        seq_push(ud, 0);
    return 0;
}

static void record_tag(render_state *r, int tag)
{
    if (r->ambiguous) {
        if (r->seq.next >= r->seq.n) {
            r->seq.overflow = 1;
            return;
        }
        if (!r->seq.real[r->seq.next++])
            return;
    }
    if (tag > 0 && !r->in_heading) {
        if (r->nmarks == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            mark *m = realloc(r->marks, cap * sizeof *m);
            if (!m) {
                r->nomem = 1;
                return;
            }
            r->marks = m;
            r->cap = cap;
        }
        r->marks[r->nmarks++] = (mark){r->out.len, 0, tag};
        r->in_heading = 1;
    } else if (tag < 0 && r->in_heading && r->marks[r->nmarks - 1].level == -tag) {
        r->marks[r->nmarks - 1].close = r->out.len;
        r->in_heading = 0;
    }
}

#define CHUNK_IS(t, n, lit) ((n) == sizeof(lit) - 1 && !memcmp((t), (lit), sizeof(lit) - 1))

/* md4c-html writes a link's or image's opening as one chunk `<a href="`
 * or `<img src="`, then the URL (escaped: no `"` in it), then a chunk
 * starting with `"`.  In safe mode - raw HTML escaped, so no raw chunk
 * can look like these - the URL is checked once whole and dropped from
 * the output if its scheme is dangerous. */
static int watch_url(render_state *r, const MD_CHAR *t, MD_SIZE n)
{
    if (r->url_at != NO_URL && t[0] == '"') {
        if (sl__md_url_is_dangerous(r->out.data + r->url_at, r->out.len - r->url_at))
            r->out.len = r->url_at;
        r->url_at = NO_URL;
        return 0;
    }
    if (CHUNK_IS(t, n, "<a href=\"") || CHUNK_IS(t, n, "<img src=\"")) {
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

static void on_output(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    render_state *r = ud;
    if (n == 0)
        return;
    int tag = heading_tag(t, n);
    if (tag)
        record_tag(r, tag);
    if (r->safe_urls && watch_url(r, t, n))
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
 * with a newline, which does.  The text between tags is counted without
 * branches: a word starts where a non-blank follows a blank. */
static uint64_t count_words(const char *h, size_t n)
{
    static const unsigned char blank[256] = {[' '] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1};
    uint64_t words = 0;
    unsigned prev_word = 0;
    const unsigned char *p = (const unsigned char *)h, *end = p + n;
    while (p < end) {
        const unsigned char *lt = memchr(p, '<', (size_t)(end - p));
        const unsigned char *stop = lt ? lt : end;
        for (; p < stop; p++) {
            unsigned w = blank[*p] ^ 1u;
            words += w & ~prev_word;
            prev_word = w;
        }
        if (!lt)
            break;
        const unsigned char *gt = memchr(lt, '>', (size_t)(end - lt));
        p = gt ? gt + 1 : end;
    }
    return words;
}

/* Builds p->headings from the marks and p->html with the ids spliced in. */
static int add_ids(render_state *r, sl__md_page *p)
{
    size_t nh = 0;
    for (size_t i = 0; i < r->nmarks; i++)
        nh += r->marks[i].close > r->marks[i].open;
    p->headings = nh ? calloc(nh, sizeof *p->headings) : NULL;
    sl__md_slugs *slugs = sl__md_slugs_new();
    sl__md_buf html = {0};
    if ((nh && !p->headings) || !slugs)
        goto fail;
    size_t from = 0;
    for (size_t i = 0; i < r->nmarks; i++) {
        mark *m = &r->marks[i];
        if (m->close <= m->open)
            continue; /* never closed: no heading after all */
        sl__md_heading *h = &p->headings[p->nheadings++];
        size_t tl, inner = m->open + 4;
        h->level = m->level;
        h->text = sl__md_text_content(r->out.data + inner, m->close - inner, &tl);
        h->id = h->text ? sl__md_slugs_make(slugs, h->text, tl) : NULL;
        if (!h->id)
            goto fail;
        sl__md_buf_put(&html, r->out.data + from, m->open + 3 - from); /* "<hN" */
        sl__md_buf_puts(&html, " id=\"");
        sl__md_buf_puts(&html, h->id);
        sl__md_buf_putc(&html, '"');
        from = m->open + 3;
    }
    if (from == 0) { /* no headings: the output is the HTML as it is */
        sl__md_buf_free(&html);
        html = r->out;
        r->out = (sl__md_buf){0};
    } else
        sl__md_buf_put(&html, r->out.data + from, r->out.len - from);
    sl__md_buf_putc(&html, 0);
    if (html.failed)
        goto fail;
    sl__md_slugs_free(slugs);
    p->html = html.data;
    p->html_len = html.len - 1;
    return 0;
fail:
    sl__md_slugs_free(slugs);
    sl__md_buf_free(&html);
    return -1;
}

static unsigned parser_flags(const sl__md_opts *o)
{
    unsigned f = o->commonmark ? MD_DIALECT_COMMONMARK : MD_DIALECT_GITHUB;
    if (!o->unsafe_html)
        f |= MD_FLAG_NOHTML; /* raw HTML is then text, which md4c-html escapes */
    return f;
}

static int render_body(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p)
{
    render_state r = {.safe_urls = !o->unsafe_html, .url_at = NO_URL, .xhtml = o->xhtml};
    int rc = -1;
    if (n > 0xFFFFFFF0u)
        return -1; /* md4c sizes are 32-bit */
    r.ambiguous = o->unsafe_html && source_has_heading_tag(s, n);
    if (r.ambiguous) {
        MD_PARSER pre = {0, parser_flags(o), pre_enter, pre_leave, pre_span, pre_span, pre_text,
                         NULL, NULL};
        if (md_parse(s, (MD_SIZE)n, &pre, &r.seq) != 0 || r.seq.overflow)
            goto out;
    }
    r.out.data = malloc(n + n / 4 + 64);
    r.out.cap = r.out.data ? n + n / 4 + 64 : 0;
    unsigned hflags = MD_HTML_FLAG_SKIP_UTF8_BOM | (o->xhtml ? MD_HTML_FLAG_XHTML : 0);
    if (md_html(s, (MD_SIZE)n, on_output, &r, parser_flags(o), hflags) != 0)
        goto out;
    if (r.out.failed || r.nomem)
        goto out;
    if (r.ambiguous && (r.seq.overflow || r.seq.next != r.seq.n))
        r.nmarks = 0; /* md4c-html chunked differently than expected: no ids */
    rc = add_ids(&r, p);
out:
    sl__md_buf_free(&r.out);
    free(r.marks);
    free(r.seq.real);
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

int sl__md_render(const char *src, size_t n, const sl__md_opts *o, sl__md_page *out, char *err,
                  size_t errlen)
{
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
    int cmark = !o->commonmark && sl__md_gfm_needs_cmark(src + body, n - body);
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
