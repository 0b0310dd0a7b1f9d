/*
 * mdx.h - MDX 3 in `sluice md`: a page of Markdown with ESM, JSX and
 * {expressions}, compiled to the ES module @mdx-js/mdx's compile() writes
 * (outputFormat 'program').
 *
 * A page flows one way through four files:
 *   mdx_scan.c   finds what is MDX and not Markdown - import/export
 *                blocks, JSX tags, {expressions} - where micromark's MDX
 *                extensions would, checks their JavaScript with tools/js
 *                in place (errors name the page's line and column), and
 *                writes the Markdown md4c will see, each construct
 *                replaced by a placeholder md4c reads as plain text (in
 *                text) or as a heading line of its own (in flow);
 *   mdx_tree.c   md4c's parse, with the placeholders put back, as a tree
 *                shaped like mdast: JSX elements nest around Markdown,
 *                paragraphs of JSX only unravel (remark-mark-and-unravel);
 *   mdx_emit.c   that tree as one JSX program, element for element as
 *                mdast-util-to-hast and hast-util-to-estree make it (the
 *                "\n" between blocks, tables without them), Markdown's
 *                elements through props.components;
 *   mdx_compile.c  the page: front matter, the three steps above, then
 *                tools/js parses the program, lowers its JSX for the
 *                automatic runtime of --jsx-import-source and prints it.
 * Names are sl__mdx_*; nothing here is public.
 */
#ifndef SLUICE_TOOLS_MD_MDX_H
#define SLUICE_TOOLS_MD_MDX_H

#include <stddef.h>
#include <stdint.h>

#include "js_arena.h"
#include "js_ast.h"
#include "md.h"

/* Placeholders, as UTF-8 private-use characters: in text `<` U+E000 N `>`
 * for tag N and `{` U+E001 N `}` for expression N (their first and last
 * characters are the construct's own, so emphasis next to them flanks as
 * it would next to the real thing); in flow a heading line
 * `###### ` (U+E002 N)... for a line holding only constructs. */
#define MDX_PH_TAG "\xEE\x80\x80"
#define MDX_PH_EXPR "\xEE\x80\x81"
#define MDX_PH_FLOW "\xEE\x80\x82"
/* A GFM autolink literal micromark's tokenizer takes (mdx_autolink.c):
 * C LINK N LINK D, C and D standing for its first and last characters
 * (a letter, digit or non-ASCII character as it is, else `-`), so that
 * emphasis next to it flanks as it would next to the literal. */
#define MDX_PH_LINK "\xEE\x80\x83"

/* A domain one scan has read, for the URL starts after it inside the
 * same domain: a scan from any start in [lo, end] stops at `end` (where
 * it stops depends on the bytes there, not on the start), and whether
 * the last two labels hold a `_` (or, for the transform, are no good)
 * is known once.  Each start in a run of `www.www.www.…a_b` read the
 * whole run again, in time quadratic in its length. */
typedef struct mdx_dom_memo {
    size_t lo, end;    /* end == 0: nothing read yet */
    size_t p1, p2;     /* the last and second-last `.` in [lo - 1, end); p2 SIZE_MAX: none */
    int last_bad, prev_bad; /* the label [p1 + 1, end), the label [p2 + 1, p1) */
} mdx_dom_memo;

enum { MDX_LIT_URL = 1, MDX_LIT_WWW, MDX_LIT_EMAIL };

/* A literal at source offsets [start, end). */
typedef struct mdx_literal {
    uint32_t start, end;
    uint8_t kind; /* MDX_LIT_* */
} mdx_literal;

enum mdx_construct_kind { MDX_TAG, MDX_EXPR, MDX_ESM };

enum mdx_attr_kind {
    MDX_ATTR_BOOL,   /* name */
    MDX_ATTR_STRING, /* name="value" (value decoded) */
    MDX_ATTR_EXPR,   /* name={expression} */
    MDX_ATTR_SPREAD  /* {...expression} */
};

typedef struct mdx_attr {
    uint8_t kind;
    const char *name; /* arena, NUL-terminated (may hold "ns:local") */
    const char *value; /* STRING: decoded text; EXPR/SPREAD: the source between the braces */
    size_t value_len;
    js_ast expr;      /* EXPR/SPREAD: the parsed expression */
} mdx_attr;

/* One MDX construct, at source offsets [start, end). */
typedef struct mdx_construct {
    uint8_t kind;
    uint8_t flow;    /* in a line of its own (flow), or inside text */
    uint8_t closing; /* tag: </x> */
    uint8_t self_closing; /* tag: <x /> */
    uint32_t start, end;
    const char *name; /* tag: "A", "a.b.c", "ns:x", or NULL for a fragment */
    mdx_attr *attrs;
    size_t nattrs;
    uint32_t inner_start, inner_end; /* EXPR: between the braces; ESM: the block */
    int blank;        /* EXPR: only comments and white space */
    js_ast ast;       /* EXPR, ESM: parsed */
    const uint8_t *cont; /* the containers of the line it starts on (MDX_CONT_QUOTE or a list item's columns), */
    size_t ncont;        /* outermost first: the prefix its continuation lines repeat, not its JavaScript */
} mdx_construct;

/* A block quote among a construct's containers; any other value is a
 * list item's indentation in columns. */
#define MDX_CONT_QUOTE 0
/* Containers past this many are not kept (their prefix stays in the
 * construct's text). */
#define MDX_MAX_CONT 64
/* List items tracked for indentation: so many deep, inside so many quotes. */
#define MDX_ITEM_DEPTH 16
#define MDX_ITEM_QUOTES 8

/* The scanner's result. */
typedef struct mdx_scan {
    const char *path;  /* for messages */
    const char *src;   /* the whole page (front matter included: positions are the page's) */
    const char *raw;   /* the page as written, where src is a copy with each lone `\r` made `\n` (NULL: src is) */
    char *lf_copy;     /* that copy (owned), or NULL */
    size_t len;        /* the page's length, or while a construct in text is read, where its text ends */
    size_t page_len;   /* the page's length */
    size_t body;       /* where the Markdown starts (after front matter) */
    js_arena *arena;
    mdx_construct *c;
    size_t nc, cap;
    mdx_literal *lit;  /* autolink literals, in page order */
    size_t nlit, litcap;
    size_t labels;     /* `[` and `![` open in the text being read (micromark's previousUnbalanced) */
    mdx_dom_memo lit_memo; /* the literal tokenizer's, for the line being read */
    sl__md_buf md;     /* the Markdown md4c parses */
    int gfm;           /* GFM (tables, strikethrough, task lists, autolink literals); 0: plain CommonMark */
    uint32_t layout_start, layout_end; /* the layout's export (`export default`), once seen (end > 0) */
    char err[1024];    /* "LINE:COL: message\n    line\n    ^" */
    uint32_t err_line, err_col;
    /* while scanning: the current line's containers, whether its
     * constructs are read as flow (a lazy line is then an error), the
     * open list items' content columns at each depth of quotes, and src with the
     * container prefixes of one construct's lines blanked for tools/js */
    uint8_t cur[MDX_MAX_CONT];
    size_t ncur;
    const uint8_t *cur_saved; /* cur in the arena, shared by the line's constructs (NULL: not yet) */
    int in_flow;
    size_t items[MDX_ITEM_QUOTES][MDX_ITEM_DEPTH];
    uint8_t nitems[MDX_ITEM_QUOTES];
    char *shadow;
    /* text_limit's last answer: lines from tl_from to tl_limit end no
     * paragraph under these containers (tl_cur, tl_ncur), so a construct
     * on any of them has the same limit (a paragraph of N constructs is
     * scanned once, not N times) */
    size_t tl_from, tl_limit, tl_len;
    int tl_lead, tl_valid;
    uint8_t tl_cur[MDX_MAX_CONT];
    size_t tl_ncur;
} mdx_scan;

/* Scans src[body..len) (gfm: with GFM's extensions).  0, or -1 with s->err
 * (a syntax error) or -2 (no memory). */
int sl__mdx_scan(mdx_scan *s, const char *path, const char *src, size_t len, size_t body, int gfm, js_arena *a);
void sl__mdx_scan_free(mdx_scan *s);
/* A code point as UTF-8 (NUL, surrogates and beyond U+10FFFF as U+FFFD). */
void sl__mdx_put_utf8(sl__md_buf *b, uint32_t cp);
/* A character reference at s[i] (`&amp;`, `&#123;`, `&#x1F;`): its length,
 * with its text appended to b; 0 (nothing appended) when there is none. */
size_t sl__mdx_char_ref(const char *s, size_t n, size_t i, sl__md_buf *b);
/* A continuation line of a construct in the containers cont[0..ncont),
 * starting at src[i]: where its text starts, past the prefix micromark's
 * containers take off (`>` and one space for a quote, a list item's
 * indentation).  *full is 0 when the line does not repeat them all (a
 * lazy line: the prefix is taken off as far as it matches). */
size_t sl__mdx_cont_text(const char *src, size_t n, size_t i, const uint8_t *cont, size_t ncont, int *full);
/* The line and column of byte offset pos as @mdx-js/mdx gives them
 * (vfile's: columns in UTF-16 code units, 1-based). */
void sl__mdx_position(const char *src, size_t len, size_t pos, uint32_t *line, uint32_t *col);
/* Records an error at byte offset pos of the page in s->err; returns -1. */
int sl__mdx_fail(mdx_scan *s, size_t pos, const char *msg);

/* The code point that ends just before t[i] (i > 0). */
uint32_t sl__mdx_cp_before(const char *t, size_t i);
/* micromark's GFM autolink literal tokenizer at t[i], in text that ends
 * at n, prev the code point before (0 at the text's start), no label
 * open: MDX_LIT_* with the literal's end in *end, or 0.  m: the domains
 * read from earlier starts in the same text (zeroed for new text). */
int sl__mdx_literal_at(const char *t, size_t n, size_t i, uint32_t prev, mdx_dom_memo *m, size_t *end);
/* mdast-util-gfm-autolink-literal's regex number pass (0 URLs, 1 `xmpp:`,
 * 2 `mailto:`, 3 e-mail addresses) matched at t[i] of a text node
 * t[0..n) and its replace function taking it: the link's text ends at
 * *end, its url is *prefix then that text.  0: none.  m as above. */
int sl__mdx_transform_at(int pass, const char *t, size_t n, size_t i, mdx_dom_memo *m, size_t *end, const char **prefix);

/* The tree (mdast's shape, after remark-mark-and-unravel). */
enum mdx_type {
    MX_ROOT, MX_PARAGRAPH, MX_HEADING, MX_HR, MX_QUOTE, MX_LIST, MX_ITEM, MX_CODE, MX_TABLE, MX_ROW, MX_CELL,
    MX_TEXT, MX_EM, MX_STRONG, MX_DEL, MX_INLINE_CODE, MX_BREAK, MX_LINK, MX_IMAGE,
    MX_JSX, MX_EXPR, MX_ESM
};

typedef struct mx_node mx_node;
struct mx_node {
    uint8_t type;
    uint8_t flow;     /* MX_JSX/MX_EXPR: flow (block) or text */
    uint8_t ordered;  /* MX_LIST */
    uint8_t loose;    /* MX_LIST: not tight */
    int8_t checked;   /* MX_ITEM: -1 not a task, 0 or 1 */
    uint8_t head;     /* MX_ROW: the header row */
    uint8_t implicit; /* MX_PARAGRAPH: made for a tight list item's text */
    uint8_t align;    /* MX_CELL: 0 none, 1 left, 2 center, 3 right */
    uint8_t plain;    /* MX_LINK, MX_IMAGE past the page's budget for links: its text stands in (sl__mdx_tree) */
    unsigned level;   /* MX_HEADING: 1-6; MX_LIST: start */
    sl__md_buf text;  /* TEXT, INLINE_CODE, CODE: the value; LINK/IMAGE: url; IMAGE: alt in alt */
    sl__md_buf alt, title, lang;
    int has_title;
    size_t construct; /* JSX, EXPR, ESM: index in the scan */
    mx_node *parent, *first, *last, *next;
};

/* How deep the tree may nest (blocks, spans and JSX elements together):
 * the passes over it recurse, on the caller's stack.  md4c itself has no
 * limit; a Markdown page (not MDX) has none either. */
#define MDX_MAX_DEPTH 256

/* md4c's parse of s->md into a tree; 0, or -1 with s->err (a syntax
 * error, or a page nested past MDX_MAX_DEPTH), or -2 (no memory). */
int sl__mdx_tree(mdx_scan *s, mx_node **root);
void sl__mdx_tree_free(mx_node *root);

/* The tree as one JSX program (text in out).  0, or -2 (no memory). */
typedef struct mdx_emit_opts {
    const char *provider_import_source; /* NULL: none */
    int heading_ids;
    const char *frontmatter_json;       /* NULL: none (exported as undefined) */
} mdx_emit_opts;
int sl__mdx_emit(mdx_scan *s, mx_node *root, const mdx_emit_opts *o, sl__md_buf *out, sl__md_page *page);

/* The whole page: src[0..n), the Markdown body from `body`.  Fills
 * page->html with the module's code.  0; -1 with err (a syntax error,
 * "LINE:COL: message\n    line\n    ^") and *line, *col; -2 no memory. */
int sl__mdx_compile(const char *src, size_t n, size_t body, const sl__md_opts *o, sl__md_page *page, char *err,
                    size_t errlen, uint32_t *line, uint32_t *col);

#endif
