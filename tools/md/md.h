/*
 * md.h - the pieces of `sluice md`, and how they fit together.
 *
 * A page flows one way: its source text is cleaned up (utf8.c), split from
 * its front matter (frontmatter.c, parsed by libyaml in yaml_json.c), rendered by md4c with
 * heading ids added (render.c, ids from slug.c), and written out as HTML or
 * as one JSON object (page_json.c).  The batch command (batch.c, walk.c)
 * and the JSON-RPC sidecar (serve.c, rpc.c, sched.c) are two drivers of the
 * same page pipeline.  Nothing here is public: names are sl__md_*.
 */
#ifndef SLUICE_TOOLS_MD_H
#define SLUICE_TOOLS_MD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sluice/metrics.h"
#include "sluice/proc.h"

/* A growable byte buffer. */
typedef struct sl__md_buf {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: contents are incomplete */
} sl__md_buf;

/* Appends s[0..n).  The common case (it fits) is inline: md4c-html hands
 * its output over in many small pieces. */
void sl__md_buf_put_slow(sl__md_buf *b, const char *s, size_t n);
static inline void sl__md_buf_put(sl__md_buf *b, const char *s, size_t n)
{
    if (n - 1 < b->cap - b->len) { /* n > 0 and it fits */
        memcpy(b->data + b->len, s, n);
        b->len += n;
    } else
        sl__md_buf_put_slow(b, s, n);
}
void sl__md_buf_puts(sl__md_buf *b, const char *s);
/* render.c: appends t[0, n) with `<>&"` escaped, as HTML text. */
void sl__md_html_escape(sl__md_buf *out, const char *t, size_t n);
void sl__md_buf_putc(sl__md_buf *b, char c);
void sl__md_buf_free(sl__md_buf *b);

/* Rendering options: the Markdown dialect and raw HTML handling. */
typedef struct sl__md_opts {
    int commonmark;     /* 1: plain CommonMark; 0: GitHub flavour (the default) */
    int unsafe_html;    /* 1: raw HTML passes through; 0: it is escaped */
    int no_frontmatter; /* 1: a leading `---` block is Markdown like the rest */
    int xhtml;          /* 1: <br />, <hr />, <img ... /> */
    int renderer;       /* which renders a page that is not MDX: SL__MD_OWN (tools/md/gfm) or, for
                           tests and benchmarks, SL__MD_ROUTED (md4c, and cmark-gfm for the pages
                           gfm_route.c and its kin send it), SL__MD_MD4C or SL__MD_CMARK for every page */
    /* MDX (mdx.h): the page is MDX, compiled to an ES module (in `html`) */
    int mdx;
    int no_heading_ids;             /* MDX: headings get no id */
    char jsx_import_source[128];    /* MDX: "" = react */
    char provider_import_source[128]; /* MDX: "" = none */
    int no_word_count; /* the caller writes HTML only: no word count (JSON's wordCount) is made */
} sl__md_opts;

enum { SL__MD_OWN, SL__MD_ROUTED, SL__MD_MD4C, SL__MD_CMARK }; /* SL__MD_OWN (0) is the default */

/* Something the reader should know that did not stop the page: a line of
 * the page (1-based) and what is wrong there. */
typedef struct sl__md_warning {
    size_t line;
    char *msg;
} sl__md_warning;

typedef struct sl__md_heading {
    int level;
    char *text; /* the heading's text content, UTF-8 */
    char *id;   /* GitHub-style, unique within the page */
} sl__md_heading;

/* A rendered page. */
typedef struct sl__md_page {
    char *html;
    size_t html_len;
    json_t *frontmatter; /* NULL when the page has none */
    sl__md_heading *headings;
    size_t nheadings;
    uint64_t word_count;
    sl__md_warning *warnings;
    size_t nwarnings;
    int mdx; /* an MDX page: `html` holds its ES module's code */
} sl__md_page;

/* utf8.c: 1 if s[0..n) is valid UTF-8 without NUL bytes.
 * sl__md_utf8_repair returns a copy with every invalid sequence and every
 * NUL replaced by U+FFFD (NULL on no memory). */
int sl__md_utf8_valid(const char *s, size_t n);
/* The offset of the first byte of s[0..n) that is NUL or not valid UTF-8, or n. */
size_t sl__md_utf8_check(const char *s, size_t n);
char *sl__md_utf8_repair(const char *s, size_t n, size_t *outlen);

/* safety.c: 1 if a link or image URL (as it will stand in the href) has
 * a scheme safe mode empties: javascript:, vbscript:, file:, data: other
 * than data:image/png|gif|jpeg|webp, read as a browser reads it. */
int sl__md_url_is_dangerous(const char *url, size_t n);
/* GFM's tag filter on raw HTML just written to html, from byte `from`
 * on: `<` of title, textarea, style, xmp, iframe, noembed, noframes,
 * script and plaintext tags becomes `&lt;`.  every: that is an HTML
 * block, looked at at every `<`; else an inline HTML node (or its first
 * line, as md4c hands it over), looked at at its start only, as
 * cmark-gfm does.  0, or -1 on no memory. */
int sl__md_tagfilter(sl__md_buf *html, size_t from, int every);

/* frontmatter.c: finds a front-matter block at the very top of src (after
 * an optional UTF-8 byte order mark): a line `---`, then lines up to one
 * that is `---` or `...`.  Returns 1 and sets the YAML text range and the
 * offset where the Markdown body starts, or 0 when there is none. */
int sl__md_frontmatter_split(const char *src, size_t n, size_t *yaml_off, size_t *yaml_len,
                             size_t *body_off);

/* yaml_json.c: YAML text s[0..n) as the JSON js-yaml's core schema reads
 * (libyaml parses).  Returns the value (an empty block is {}), or NULL
 * with the 1-based line of the text where it went wrong and why in err. */
json_t *sl__md_yaml_parse(const char *s, size_t n, size_t *line, char *err, size_t errlen);

/* slug.c: GitHub-style heading ids, made unique per page. */
typedef struct sl__md_slugs sl__md_slugs;
sl__md_slugs *sl__md_slugs_new(void);
void sl__md_slugs_free(sl__md_slugs *s);
/* Every id given back: the next page starts afresh, with the memory kept. */
void sl__md_slugs_clear(sl__md_slugs *s);
/* Headings with no usable character get "" (then -1, -2, ...), as
 * rehype-slug gives them, instead of `section`: for MDX pages. */
void sl__md_slugs_empty_bare(sl__md_slugs *s);
/* The id for a heading with this text content (malloc'd), or NULL. */
char *sl__md_slugs_make(sl__md_slugs *s, const char *text, size_t n);

/* A heading's text and id from its rendered inner HTML h[0..n): the id
 * (*id, malloc'd) of its text content as it stands (tags dropped, the
 * renderers' escapes decoded, white space kept, as GitHub makes ids);
 * returned, that text with each run of white space one space, trimmed
 * (malloc'd).  NULL (and *id NULL) when out of memory. */
char *sl__md_heading_text_id(sl__md_slugs *s, const char *h, size_t n, char **id);

/* gfm_route.c: 1 if md4c 0.4.8 may render this GFM body differently from
 * cmark-gfm (a table delimiter row, an autolink in a form the two read
 * differently, ...): such a page goes to cmark-gfm instead. */
int sl__md_gfm_needs_cmark(const char *s, size_t n);
/* The part of that scan that is not GFM's, for --commonmark pages: a tab
 * md4c counts otherwise after a list marker or `>`, and a fenced block
 * whose tabs md4c_fix.c cannot place (no line of plain text) or whose
 * list item may end inside it. */
int sl__md_commonmark_needs_cmark(const char *s, size_t n);
/* Brackets nested deeper than this, where a `]:` may define a link
 * reference, make md4c 0.4.8 quadratic (md4c_blocks.c routes such pages;
 * cmark_slow.c weighs them against cmark-gfm's own slow inputs). */
enum { SL_MD_MD4C_BRACKET_DEPTH = 32 };
/* cmark_slow.c: 1 if cmark-gfm 0.29 would take time growing with the
 * square of the page's size on it where md4c does not (a line of
 * thousands of `|`, thousands of `<![CDATA[`, brackets nested a thousand
 * deep): such a page stays on md4c. */
int sl__md_cmark_slow(const char *s, size_t n);
/* render.c: 1 if sluice md renders the page body s[0..n) with cmark-gfm
 * rather than md4c: every check above and in md4c_fix.c, GFM's only under
 * --gfm (the routing bench/md's renderer mix takes too). */
int sl__md_routes_to_cmark(const char *s, size_t n, int commonmark);
/* A task marker `[ ]`, `[x]` at s[i] with nothing after it on its line. */
int sl__md_gfm_bare_task(const char *s, size_t n, size_t i);
/* gfm_autolink.c: 1 if md4c and cmark-gfm may read the autolink candidate
 * at s[i] (the `:` of "://", the `.` of "www.", an `@`) differently;
 * line_end: where its line ends.  *skip is where the scan may go on (past
 * the candidate's text); *link is 1 when either may read a link there. */
int sl__md_autolink_differs(const char *s, size_t n, size_t i, size_t line_end, size_t *skip, int *link);
/* GFM: 1 when the page has an entity reference that stands for a
 * character of an e-mail address (`&#64;`, `&#46;`, `&colon;`, a letter)
 * in a run with an `@` (or is the `@`): cmark-gfm finds its e-mail
 * autolinks after decoding entities, md4c before (adv18 F1: `a&#64;b.co`
 * is a link to cmark-gfm only). */
int sl__md_entity_in_address(const char *s, size_t n);
/* Where the scheme before the `:` at s[i] starts: back over ASCII letters. */
size_t sl__md_scheme_start(const char *s, size_t i);
/* cmark-gfm's url_match on the page s[0..n) at the scheme s[b..k) (s[k]
 * is the `:`): the length of the link it makes (its autolink_delim cut:
 * at a `<`, less trailing `?!.,:*_~'"`, an entity-like `&name;` and
 * unbalanced `)`), or 0.  `end`: where md4c's run of text holding it
 * ends.  Only what both read as plain ASCII is linked: a byte past ASCII,
 * an `_` in the host or a URL going on past `end` gets no link
 * (url_differs sends such a page to cmark-gfm).  render.c links URLs
 * md4c leaves as text with it. */
size_t sl__md_cmark_url_length(const char *s, size_t n, size_t end, size_t b, size_t k);

/* render_cmark.c: renders a GFM body with libcmark-gfm into p->html and
 * p->headings, under the same rules as the md4c path (ids, safe mode).
 * 0, or -1 on no memory. */
int sl__md_render_cmark(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p);
/* render_own.c: renders a body (GFM or --commonmark) with sluice's own
 * renderer (tools/md/gfm) into p->html and p->headings, byte for byte as
 * sl__md_render_cmark makes it.  0, or -1 on no memory. */
/* 0, -1 on no memory, or the (body's) line where a limit on how far the
 * HTML may grow applied (sl_gfm_limit_line) */
int sl__md_render_own(const char *s, size_t n, const sl__md_opts *o, sl__md_page *p);

/* md4c_fix.c: the code lines of md4c's output put right where they differ
 * from cmark-gfm's on the same document: a code line's leading tabs (md4c
 * writes spaces).
 * It tells md4c's own chunks from the page's text by where they point. */
typedef struct sl__md_fix_line {
    size_t out_at, cols; /* where md4c's spaces for the line are, and how many */
    size_t line, text;   /* which line of the code block; its bytes of text */
} sl__md_fix_line;
typedef struct sl__md_fix {
    const char *src; /* the Markdown md4c renders */
    size_t n;
    int in_code;     /* 1: in md4c's <pre><code ...> tag, 2: in the block's lines */
    int prev_nl;     /* the last chunk was md4c's own line end */
    int pending;     /* a line's indentation, not yet written */
    size_t pend_at, pend_src, pend_cols; /* where it goes, escaped bytes since, columns */
    size_t line;     /* the code line being written, from 0 */
    int anchored;    /* code line anchor_line starts at source offset anchor_start */
    size_t anchor_line, anchor_start;
    sl__md_fix_line *later; /* code lines whose source line is found when the block ends */
    size_t nlater, cap;
} sl__md_fix;
/* CommonMark's whitespace characters (space, tab, line feed, carriage
 * return, vertical tab, form feed) and ASCII punctuation characters:
 * what cmark's scanners and the escapes (`\!` ... `\~`) read. */
static inline int sl__md_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static inline int sl__md_ascii_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
/* Where the line that starts at s[from] ends: its `\n`, or n.  (The
 * routing scans and the MDX scanner walk pages line by line.) */
static inline size_t sl__md_line_end(const char *s, size_t n, size_t from)
{
    const char *nl = memchr(s + from, '\n', n - from);
    return nl ? (size_t)(nl - s) : n;
}
/* Raw HTML that may hold a fence-looking line, for the routing checks
 * that skip fenced code: a ``` line inside an HTML block is the block's
 * text, not a fence, so a check that took it for an opener would skip
 * the page's paragraphs after it (adv15 A3).  Fed every line s[l, e) in
 * order (st starts at 0): SL__MD_HTML_RUN while the lines since the last
 * blank one include one that starts with `<` (blanks, `>` marks and a
 * list marker aside; a paragraph's inline tag counts too: a wrong yes
 * only routes the page), and in the bits above it an HTML block that
 * goes on over blank lines until its end condition (types 1-5, as
 * md4c_misreads.c's trailing-space rule reads them: `<script`, `<pre`,
 * `<style`, `<!--`, `<?`, `<!X`, `<![CDATA[`) while its end is not
 * there yet (rev10 F6).  md4c_misreads.c. */
enum { SL__MD_HTML_RUN = 1, SL__MD_HTML_OPEN_SHIFT = 1 };
void sl__md_html_lines(const char *s, size_t l, size_t e, unsigned *st);
/* 1 if chunk t comes from the page's own text (asked of every chunk:
 * inline).  Compared as integers: t and src may point into unrelated
 * objects. */
static inline int sl__md_fix_from_source(const sl__md_fix *f, const char *t)
{
    return (uintptr_t)t - (uintptr_t)f->src < f->n;
}
void sl__md_fix_free(sl__md_fix *f);
/* 1 if a line of s[0..n) opens (or may open) an HTML block that md4c
 * 0.4.8 reads otherwise than CommonMark (`<h2`, `<header`, `<thead`,
 * `<prefix>`...): such a page goes to cmark-gfm (both modes: safe mode
 * parses raw HTML too, then escapes it). */
int sl__md_html_start_md4c_misreads(const char *s, size_t n);
/* Who reads the `<` at s[i] as the start of an HTML block of type 6
 * (`<div`, `</table`): md4c (bit 1), CommonMark (bit 2). */
int sl__md_html_type6_readers(const char *s, size_t n, size_t i);
/* 1 if the line s[t..r) (from a `<`, r before its line end) is one whole
 * open or closing tag and blanks: an HTML block of type 7 (md4c_lists.c). */
int sl__md_lone_tag(const char *s, size_t t, size_t r);
/* The steps the routing checks' look-backs and look-aheads took on this
 * thread (a line walked back, a byte looked ahead): route_test.c checks
 * that they grow with the page, not with its square, on hostile shapes. */
extern _Thread_local unsigned long sl__md_route_steps;
#define SL__MD_ROUTE_STEP() (sl__md_route_steps++)
/* md4c_fix.c: 1 if md4c 0.4.8 may end a list item early where a blank
 * line reads a line record as an empty item's header (every 256 bytes of
 * the page): such a page goes to cmark-gfm too, in both dialects. */
int sl__md_list_item_md4c_ends_early(const char *s, size_t n);
/* md4c_fix.c: 1 if md4c 0.4.8 may pair `*` or `_` runs against CommonMark's
 * rule of three (a glob of two stars, a slash and a star): such a page goes to cmark-gfm too. */
int sl__md_emphasis_md4c_pairs_otherwise(const char *s, size_t n);
/* md4c_fix.c: 1 if an indented link reference definition after a blank
 * line may make a list loose in md4c 0.4.8 only: to cmark-gfm too. */
int sl__md_definition_md4c_loosens_list(const char *s, size_t n);
/* md4c_fix.c: 1 if a lone tag line right after a paragraph of a list item
 * or quote may end the container in cmark-gfm, not in md4c. */
int sl__md_html_lazy_tag_md4c_misreads(const char *s, size_t n);
/* md4c_misreads.c: 1 if md4c 0.4.8 may read the page otherwise than
 * CommonMark in one of three more places - an autolink whose scheme does
 * not start with a letter (`<<https://x>>`, `<[u](u)>`), a line indented
 * into an empty list item after a blank line, trailing spaces of a raw
 * HTML block's lines -: such a page goes to cmark-gfm too, both dialects. */
int sl__md_md4c_misreads(const char *s, size_t n);
/* md4c_blocks.c: 1 if md4c 0.4.8 may read code fences, a code span over
 * lines or (GFM, commonmark 0) a failed link destination with a URL in it
 * otherwise than CommonMark and cmark-gfm (a closing fence with a tab
 * after it, one outside the container its block opened in, ...): such a
 * page goes to cmark-gfm too. */
int sl__md_md4c_blocks_misread(const char *s, size_t n, int commonmark);
/* md4c_lists.c: 1 if md4c 0.4.8 may read the page otherwise than
 * CommonMark in one of three more places - a type 6 or 7 HTML block in a
 * list item ended by a blank line the list goes on after (md4c keeps the
 * list tight), a definition's title over lines with text after it (md4c
 * keeps a definition) or a definition's line ending with a tab (md4c has
 * none), an empty item on the page's unended last line -:
 * such a page goes to cmark-gfm too, both dialects. */
int sl__md_md4c_lists_misread(const char *s, size_t n);
/* md4c_links.c: at s[i] == ']' followed by `(`, 1 if md4c 0.4.8 may read
 * the inline link there otherwise than CommonMark - a backtick in its
 * destination or title (md4c pairs it with one after the link), a failed
 * destination that is a URL whose host starts with a dot (md4c links it)
 * -: md4c_lists.c's walk over the `]` sends such a page to cmark-gfm. */
int sl__md_inline_link_misread(const char *s, size_t n, size_t i);
/* 1 when it wrote the chunk t[0..n) of a code block to out itself. */
int sl__md_fix_code_chunk(sl__md_fix *f, sl__md_buf *out, const char *t, size_t n);

/* render.c: renders one page.  Returns 0, or -1 (no memory) with a message
 * in err.  Invalid UTF-8 in src is replaced by U+FFFD first.  An MDX page
 * (o->mdx) may also return -2: a syntax error, err "LINE:COL: message"
 * followed by the line and a caret. */
int sl__md_render(const char *src, size_t n, const sl__md_opts *o, sl__md_page *out, char *err,
                  size_t errlen);
void sl__md_page_free(sl__md_page *p);
/* mdx_compile.c: the MDX path of sl__md_render (front matter already in out). */
int sl__md_render_mdx(const char *src, size_t n, size_t body, const sl__md_opts *o, sl__md_page *out, char *err,
                      size_t errlen);

/* page_json.c: the page as one compact JSON object
 * {file, html, frontmatter, headings:[{level,text,id}], wordCount,
 * warnings:[{line,message}]},
 * appended to b.  file may be NULL (written as null). */
void sl__md_page_json(sl__md_buf *b, const char *file, const sl__md_page *p);
/* A JSON string literal for s[0..n), appended to b.  s must be UTF-8. */
void sl__md_json_string(sl__md_buf *b, const char *s, size_t n);
/* Any jansson value, compact, appended to b. */
void sl__md_json_value(sl__md_buf *b, const json_t *v);

/* The command line, shared by the batch command and the sidecar. */
typedef struct sl__md_cli {
    sl__md_opts render;
    size_t threads;     /* 0: one per online CPU */
    const char *outdir; /* -o, or NULL */
    int json, quiet, stats;
    const char *workers; /* --workers URL: pages rendered by `sluice worker`s too */
    int workers_only;    /* -j 0 with --workers: none rendered here */
    size_t max_line;    /* sidecar: longest request line accepted */
    size_t queue_bytes; /* sidecar: page bytes queued before reading stops */
    int isolate;             /* --isolate: render in worker processes (isolate.c) */
    int64_t page_timeout_ns; /* --page-timeout: with --isolate, a page's limit */
    size_t worker_memory;    /* --worker-memory: with --isolate, a worker's limit */
    int serving;             /* --serve (set by main) */
    size_t defer_max; /* batch -o: output bytes put aside while writes wait (0: 64 MiB; tests set 1) */
    size_t stage_max; /* batch -o: outputs staged as unnamed files while writes wait (0: a quarter of
                         RLIMIT_NOFILE; tests set 1 for none, N + 1 for N) */
    int hold_walk;    /* tests: the walk's end waits until a page's output waits for it (staged or held) */
} sl__md_cli;

/* isolate.c: --isolate, every page rendered in a worker process
 * (sl_proc_pool), so one that crashes, hangs or bloats the renderer fails
 * alone.  The worker function, for the program's sl_proc_serve: */
extern const sl_proc_worker sl_md_render_worker;
typedef struct sl__md_iso sl__md_iso;
/* Why a page failed: worker 1 when its worker process died or was killed
 * on it (twice), with status ("crashed", "timedout", ...) and cause
 * ("killed by SIGSEGV"); msg says it all in one line. */
typedef struct sl__md_iso_failure {
    int worker, attempts;
    char status[16], cause[80], msg[200];
} sl__md_iso_failure;
/* Starts c->threads workers (0: one per CPU) in the background: the
 * first render waits for them.  NULL only when out of memory or threads;
 * a pool that cannot start fails each page with the reason.  metrics
 * (optional) gets the pool's health. */
sl__md_iso *sl__md_iso_new(const sl__md_cli *c, sl_metrics *metrics);
/* The RLIMIT_NOFILE soft limit worker processes render under: the one
 * this process had before it raised its own (batch.c's dir_budget), so
 * that workers do not inherit the raised one.  0 (never called): they
 * keep what they inherit.  Takes effect for pools started after it. */
void sl__md_iso_worker_nofile(unsigned long long soft);
/* How many threads should call render at once to keep the workers busy. */
size_t sl__md_iso_callers(const sl__md_cli *c);
void sl__md_iso_free(sl__md_iso *iso);
/* Renders one page in a worker, from any thread (it waits for its page):
 * 0 with the output in *out (the HTML; with json, the page's JSON object
 * naming `file`) and the page's warnings in pg->warnings, or -1 with
 * *fail filled in. */
int sl__md_iso_render(sl__md_iso *iso, const char *file, const char *src, size_t n, const sl__md_opts *o,
                      int json, sl__md_buf *out, sl__md_page *pg, sl__md_iso_failure *fail);

/* Tests' fault injection (tests/md/fault.c, linked only into test
 * programs): a marker in a page makes the renderer crash, abort, hang or
 * allocate without bound.  Elsewhere an empty weak function. */
void sl__md_fault_point(const char *src, size_t n);

/* job.c: the md.page/1 cluster job (docs/formats/cluster.md).  The input
 * for one page into b (-1: it cannot be sent); a worker's result split
 * into its warnings (malloc'd) and the page's output bytes (into data). */
struct sl_cluster_buf;
int sl__md_job_input(struct sl_cluster_buf *b, const sl__md_opts *o, int json, const char *name, const void *text,
                     size_t len);
int sl__md_job_result(const void *data, size_t len, sl__md_warning **warnings, size_t *nwarnings,
                      const unsigned char **bytes, size_t *nbytes);

/* batch.c: renders the pages `paths` name; returns the exit status. */
int sl__md_batch(const sl__md_cli *c, char **paths, int npaths);
/* serve.c: answers JSON-RPC on in_fd/out_fd until shutdown or end of
 * input; returns the exit status. */
int sl__md_serve(const sl__md_cli *c, int in_fd, int out_fd);

#endif
