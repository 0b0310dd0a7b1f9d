/*
 * mdx_tree.c - md4c's parse of an MDX page's Markdown (mdx_scan.c's
 * output) as a tree of mdast's shape, with the MDX constructs put back.
 *
 * The one idea: md4c only ever saw placeholders, so the tree it reports
 * is Markdown's; the MDX structure is rebuilt on top of it in two passes
 * that mirror mdast-util-mdx-jsx.  In flow, a heading of placeholders is
 * a run of tags: an opening tag adopts the blocks that follow it, in the
 * same container, until its closing tag.  In text, the same happens among
 * a paragraph's (or span's) inline children.  Tags that do not pair up
 * within one container are errors, as in MDX.  Then paragraphs holding
 * nothing but JSX and expressions unravel into flow, as
 * remark-mark-and-unravel does.
 */
#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_parser.h"
#include "md_libs.h"
#include "mdx.h"

typedef struct builder {
    mdx_scan *s;
    mx_node *root, *cur;
    int in_image;     /* depth of images: their text is alt text */
    mx_node *image;
    int in_head;      /* inside the table's header */
    int nomem;
    int too_deep;     /* the page nests past MDX_MAX_DEPTH: parsing stopped */
    size_t code_indent; /* columns of indentation md4c reported for a code line, not yet written */
    /* the bytes of URL and title the page's links and images have taken,
     * as md4c reports them and once the literals they hold are restored,
     * and how many they may (fits_budget) */
    size_t expanded, restored, budget;
} builder;

static mx_node *node_new(builder *b, int type)
{
    mx_node *n = calloc(1, sizeof *n);
    if (!n) {
        b->nomem = 1;
        return NULL;
    }
    n->type = (uint8_t)type;
    n->checked = -1;
    return n;
}

/* b's spare room given back.  The tree keeps a node for each span and
 * piece of text, and a buffer starts at 256 bytes: a paragraph of lines
 * like `x [a](http://a.b/c) y` held 1.4 KB of them a line.  A text node
 * is fitted once md4c can add no more to it: a node comes after it, or
 * its span or block ends. */
static void fit(sl__md_buf *b)
{
    if (!b->data || b->cap - b->len < 32)
        return;
    char *d = realloc(b->data, b->len ? b->len : 1);
    if (d) {
        b->data = d;
        b->cap = b->len ? b->len : 1;
    }
}

/* The current node's last child, when text md4c is done with. */
static void fit_last(builder *b)
{
    if (b->cur->last && b->cur->last->type == MX_TEXT)
        fit(&b->cur->last->text);
}

static void append(mx_node *parent, mx_node *n)
{
    n->parent = parent;
    n->next = NULL;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
}

void sl__mdx_tree_free(mx_node *n)
{
    while (n) {
        mx_node *next = n->next;
        sl__mdx_tree_free(n->first);
        free(n->text.data);
        free(n->alt.data);
        free(n->title.data);
        free(n->lang.data);
        free(n);
        n = next;
    }
}

/* An entity md4c reported (`&amp;`, `&#35;`, `&#x23;`) as its text. */
static void put_entity(sl__md_buf *b, const char *t, size_t n)
{
    if (!sl__mdx_char_ref(t, n, 0, b))
        sl__md_buf_put(b, t, n);
}

static void put_attr(sl__md_buf *b, const MD_ATTRIBUTE *a)
{
    for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
        const char *t = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        if (a->substr_types[i] == MD_TEXT_ENTITY)
            put_entity(b, t, n);
        else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
            sl__mdx_put_utf8(b, 0xFFFD);
        else
            sl__md_buf_put(b, t, n);
    }
    fit(b);
}

/* md4c reports a tight list item's text without a paragraph around it;
 * mdast has one, so text and spans directly in an item get one. */
static int in_item_text(builder *b)
{
    if (b->cur->type != MX_ITEM)
        return 0;
    mx_node *p = node_new(b, MX_PARAGRAPH);
    if (!p)
        return -1;
    p->implicit = 1;
    append(b->cur, p);
    b->cur = p;
    return 0;
}

static void end_item_text(builder *b)
{
    if (b->cur->implicit)
        b->cur = b->cur->parent;
}

/* n becomes the current node; -1 (md4c stops) past MDX_MAX_DEPTH. */
static int push_node(builder *b, mx_node *n)
{
    fit_last(b);
    append(b->cur, n);
    b->cur = n;
    size_t depth = 0;
    for (mx_node *p = n; p; p = p->parent)
        if (++depth > MDX_MAX_DEPTH) {
            b->too_deep = 1;
            return -1;
        }
    return 0;
}

static int enter_block(MD_BLOCKTYPE t, void *d, void *ud)
{
    builder *b = ud;
    mx_node *n = NULL;
    end_item_text(b);
    switch (t) {
    case MD_BLOCK_DOC:
        return 0;
    case MD_BLOCK_QUOTE: n = node_new(b, MX_QUOTE); break;
    case MD_BLOCK_UL:
        if ((n = node_new(b, MX_LIST)))
            n->loose = !((MD_BLOCK_UL_DETAIL *)d)->is_tight;
        break;
    case MD_BLOCK_OL:
        if ((n = node_new(b, MX_LIST))) {
            n->ordered = 1;
            n->loose = !((MD_BLOCK_OL_DETAIL *)d)->is_tight;
            n->level = ((MD_BLOCK_OL_DETAIL *)d)->start;
        }
        break;
    case MD_BLOCK_LI:
        if ((n = node_new(b, MX_ITEM)) && ((MD_BLOCK_LI_DETAIL *)d)->is_task)
            n->checked = ((MD_BLOCK_LI_DETAIL *)d)->task_mark != ' ';
        break;
    case MD_BLOCK_HR: n = node_new(b, MX_HR); break;
    case MD_BLOCK_H:
        if ((n = node_new(b, MX_HEADING)))
            n->level = ((MD_BLOCK_H_DETAIL *)d)->level;
        break;
    case MD_BLOCK_CODE:
        if ((n = node_new(b, MX_CODE)))
            put_attr(&n->lang, &((MD_BLOCK_CODE_DETAIL *)d)->info);
        break;
    case MD_BLOCK_P:
    case MD_BLOCK_HTML: n = node_new(b, MX_PARAGRAPH); break;
    case MD_BLOCK_TABLE: n = node_new(b, MX_TABLE); break;
    case MD_BLOCK_THEAD: b->in_head = 1; return 0;
    case MD_BLOCK_TBODY: b->in_head = 0; return 0;
    case MD_BLOCK_TR:
        if ((n = node_new(b, MX_ROW)))
            n->head = (uint8_t)b->in_head;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if ((n = node_new(b, MX_CELL))) {
            MD_ALIGN al = ((MD_BLOCK_TD_DETAIL *)d)->align;
            n->align = al == MD_ALIGN_LEFT ? 1 : al == MD_ALIGN_CENTER ? 2 : al == MD_ALIGN_RIGHT ? 3 : 0;
        }
        break;
    }
    if (!n)
        return b->nomem ? -1 : 0;
    return push_node(b, n);
}

/* A node enter_span makes and leave_span closes (images aside: their
 * text is alt text, not children). */
static int is_span(const mx_node *n)
{
    return n->type == MX_EM || n->type == MX_STRONG || n->type == MX_DEL || n->type == MX_INLINE_CODE ||
           n->type == MX_LINK;
}

static int leave_block(MD_BLOCKTYPE t, void *d, void *ud)
{
    (void)d;
    builder *b = ud;
    fit_last(b);
    while (b->cur->parent && is_span(b->cur))
        b->cur = b->cur->parent; /* spans md4c left open end with their block */
    end_item_text(b);
    if (t == MD_BLOCK_DOC || t == MD_BLOCK_THEAD || t == MD_BLOCK_TBODY)
        return 0;
    if (b->cur->parent)
        b->cur = b->cur->parent;
    return 0;
}

/* The node a span other than a link or an image makes (spans not
 * enabled are never reported: emphasis stands in). */
static int span_type(MD_SPANTYPE t)
{
    switch (t) {
    case MD_SPAN_STRONG: return MX_STRONG;
    case MD_SPAN_DEL: return MX_DEL;
    case MD_SPAN_CODE: return MX_INLINE_CODE;
    case MD_SPAN_A: return MX_LINK;
    default: return MX_EM;
    }
}

/* Whether a link or image with these attributes fits what is left of the
 * page's budget (taking it if so).  md4c hands every use of a reference
 * its definition's URL and title: one 10 KB URL used 10,000 times was
 * 100 MB of JavaScript from 70 KB of MDX (14 s, 480 MB).  As cmark-gfm
 * limits what references expand to (the page's size or 100,000 bytes,
 * whichever is more: tools/md/gfm), the links here may take the page's
 * size for their written URLs and titles (inline ones never take more)
 * and that much again for what references add; past it a link is its
 * text, an image its alt text.  @mdx-js/mdx has no limit: pages under
 * it are compiled alike. */
static int fits(size_t *used, size_t budget, size_t size)
{
    if (size > budget - *used)
        return 0;
    *used += size;
    return 1;
}

static int fits_budget(builder *b, const MD_ATTRIBUTE *url, const MD_ATTRIBUTE *title)
{
    return fits(&b->expanded, b->budget, url->size + (title->text ? title->size : 0));
}

static int enter_span(MD_SPANTYPE t, void *d, void *ud)
{
    builder *b = ud;
    if (b->in_image) {
        b->in_image += t == MD_SPAN_IMG;
        return 0;
    }
    if (in_item_text(b) != 0)
        return -1;
    mx_node *n = NULL;
    switch (t) {
    case MD_SPAN_A:
        if ((n = node_new(b, MX_LINK))) {
            MD_SPAN_A_DETAIL *a = d;
            if (!fits_budget(b, &a->href, &a->title)) {
                n->plain = 1;
                break;
            }
            put_attr(&n->text, &a->href);
            if (a->title.text) {
                n->has_title = 1;
                put_attr(&n->title, &a->title);
            }
        }
        break;
    case MD_SPAN_IMG:
        if ((n = node_new(b, MX_IMAGE))) {
            MD_SPAN_IMG_DETAIL *a = d;
            if (!fits_budget(b, &a->src, &a->title))
                n->plain = 1;
            else
                put_attr(&n->text, &a->src);
            if (a->title.text && !n->plain) {
                n->has_title = 1;
                put_attr(&n->title, &a->title);
            }
            append(b->cur, n);
            b->image = n;
            b->in_image = 1;
        }
        return b->nomem ? -1 : 0;
    default: n = node_new(b, span_type(t)); break;
    }
    if (!n)
        return -1;
    return push_node(b, n);
}

/* The span a leave_span closes: the nearest open one of its kind.  md4c
 * 0.4.8 does not always nest its spans (an extended autolink with `~~`
 * inside it, in a quote, leaves a strikethrough it never entered): spans
 * opened inside the one closed end with it, and a leave with no open span
 * of its kind is dropped - the tree never loses its root. */
static int leave_span(MD_SPANTYPE t, void *d, void *ud)
{
    (void)d;
    builder *b = ud;
    if (b->in_image) {
        b->in_image -= t == MD_SPAN_IMG;
        return 0;
    }
    fit_last(b);
    int want = span_type(t);
    for (mx_node *p = b->cur; p && p->parent; p = p->parent) {
        if ((int)p->type == want) {
            b->cur = p->parent;
            return 0;
        }
        if (!is_span(p))
            break; /* spans end at their block */
    }
    return 0;
}

/* The text node to append to: the current node's last child if it is text. */
static sl__md_buf *text_target(builder *b)
{
    if (b->in_image)
        return &b->image->alt;
    if (b->cur->type == MX_INLINE_CODE || b->cur->type == MX_CODE)
        return &b->cur->text;
    if (b->cur->last && b->cur->last->type == MX_TEXT)
        return &b->cur->last->text;
    mx_node *n = node_new(b, MX_TEXT);
    if (!n)
        return NULL;
    fit_last(b);
    append(b->cur, n);
    return &n->text;
}

/* The indentation md4c reported for a code line as `indent` spaces (its
 * own string), written as the page has it: the characters of the last
 * `indent` columns before the line's text at p, tabs kept (a tab only
 * partly inside them is spaces for that part, as micromark has it). */
static void code_indent(builder *b, sl__md_buf *out, const char *p)
{
    size_t indent = b->code_indent;
    b->code_indent = 0;
    const char *md = b->s->md.data;
    if (!p || !md || p < md || p > md + b->s->md.len) {
        for (size_t i = 0; i < indent; i++)
            sl__md_buf_putc(out, ' ');
        return;
    }
    const char *ls = p;
    while (ls > md && ls[-1] != '\n')
        ls--;
    size_t end = 0;
    for (const char *k = ls; k < p; k++)
        end = *k == '\t' ? (end / 4 + 1) * 4 : end + 1;
    size_t from = end >= indent ? end - indent : 0, col = 0;
    for (const char *k = ls; k < p; k++) {
        size_t next = *k == '\t' ? (col / 4 + 1) * 4 : col + 1;
        if (next > from) {
            if (col >= from)
                sl__md_buf_putc(out, *k);
            else
                for (size_t i = from; i < next; i++)
                    sl__md_buf_putc(out, ' ');
        }
        col = next;
    }
}

static int all_spaces(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return 0;
    return n > 0;
}

static int text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud)
{
    builder *b = ud;
    if (b->cur->type == MX_CODE && t == MD_TEXT_CODE) {
        /* md4c writes a code line's indentation from a string of its own,
         * tabs made spaces: micromark keeps the page's characters */
        const char *md = b->s->md.data;
        int own = !md || s < md || s >= md + b->s->md.len;
        if (own && all_spaces(s, n)) {
            b->code_indent += n;
            return 0;
        }
        if (b->code_indent)
            code_indent(b, &b->cur->text, own ? NULL : s);
    }
    if (!b->in_image && in_item_text(b) != 0)
        return -1;
    if (t == MD_TEXT_BR && !b->in_image && b->cur->type != MX_INLINE_CODE) {
        mx_node *br = node_new(b, MX_BREAK);
        if (!br)
            return -1;
        fit_last(b);
        append(b->cur, br);
        return 0;
    }
    sl__md_buf *out = text_target(b);
    if (!out)
        return -1;
    switch (t) {
    case MD_TEXT_NULLCHAR: sl__mdx_put_utf8(out, 0xFFFD); break;
    case MD_TEXT_ENTITY: put_entity(out, s, n); break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR: sl__md_buf_putc(out, b->cur->type == MX_INLINE_CODE ? ' ' : '\n'); break;
    default: sl__md_buf_put(out, s, n); break;
    }
    return 0;
}

/* ---------------------------------------------------------- placeholders */

/* A placeholder at t[i]: `<` TAG N `>`, `{` EXPR N `}` or FLOW N.  Returns
 * its length and the construct index, or 0. */
static size_t placeholder(const mdx_scan *s, const char *t, size_t n, size_t i, size_t *idx, int *kind)
{
    size_t k = i;
    int k0;
    if (t[k] == '<' && n - k > 3 && !memcmp(t + k + 1, MDX_PH_TAG, 3))
        k0 = MDX_TAG, k += 4;
    else if (t[k] == '{' && n - k > 3 && !memcmp(t + k + 1, MDX_PH_EXPR, 3))
        k0 = MDX_EXPR, k += 4;
    else if (n - k >= 3 && !memcmp(t + k, MDX_PH_FLOW, 3))
        k0 = -1, k += 3;
    else
        return 0;
    size_t v = 0, d0 = k;
    while (k < n && t[k] >= '0' && t[k] <= '9' && k - d0 < 12)
        v = v * 10 + (size_t)(t[k++] - '0');
    if (k == d0 || v >= s->nc)
        return 0;
    if (k0 != -1) {
        if (k >= n || t[k] != (k0 == MDX_TAG ? '>' : '}') || s->c[v].kind != k0 || s->c[v].flow)
            return 0;
        k++;
    } else if (!s->c[v].flow) {
        return 0;
    }
    *idx = v;
    *kind = k0 == -1 ? s->c[v].kind : k0;
    return k - i;
}

static mx_node *literal_link(builder *b, const char *prefix, const char *t, size_t n);

/* A literal's placeholder at t[i] (C LINK N LINK D): its length and the
 * literal's index, or 0. */
static size_t literal_placeholder(const mdx_scan *s, const char *t, size_t n, size_t i, size_t *idx)
{
    if (n - i < 9 || memcmp(t + i + 1, MDX_PH_LINK, 3) != 0)
        return 0;
    size_t k = i + 4, v = 0, d0 = k;
    while (k < n && t[k] >= '0' && t[k] <= '9' && k - d0 < 12)
        v = v * 10 + (size_t)(t[k++] - '0');
    if (k == d0 || v >= s->nlit || n - k < 4 || memcmp(t + k, MDX_PH_LINK, 3) != 0)
        return 0;
    k += 4;
    while (k < n && ((unsigned char)t[k] & 0xC0) == 0x80) /* D, when not ASCII */
        k++;
    *idx = v;
    return k - i;
}

/* Text that md4c kept where a placeholder should not be (code, a URL):
 * the constructs' own source again; or, for an image's alt (as_text),
 * what mdast-util-to-string makes of them: nothing for a tag (the text
 * between tags stays), an expression's source between its braces.  An
 * autolink literal is its source; in a link's destination or title
 * (as_text 2), with its escapes and character references decoded. */
static int restore_as(const mdx_scan *s, sl__md_buf *b, int as_text);
static int restore(const mdx_scan *s, sl__md_buf *b)
{
    return restore_as(s, b, 0);
}

static int restore_as(const mdx_scan *s, sl__md_buf *b, int as_text)
{
    if (!b->data || (!memmem(b->data, b->len, MDX_PH_TAG, 3) && !memmem(b->data, b->len, MDX_PH_EXPR, 3) &&
                     !memmem(b->data, b->len, MDX_PH_LINK, 3)))
        return 0;
    sl__md_buf o = {0};
    for (size_t i = 0; i < b->len;) {
        size_t idx, w;
        int kind;
        if ((w = placeholder(s, b->data, b->len, i, &idx, &kind)) != 0) {
            const mdx_construct *c = &s->c[idx];
            if (!as_text || as_text == 2)
                sl__md_buf_put(&o, s->src + c->start, c->end - c->start);
            else if (c->kind == MDX_EXPR)
                sl__md_buf_put(&o, s->src + c->inner_start, c->inner_end - c->inner_start);
            i += w;
        } else if ((w = literal_placeholder(s, b->data, b->len, i, &idx)) != 0) {
            const mdx_literal *l = &s->lit[idx];
            for (size_t j = l->start; j < l->end;) {
                size_t r;
                if (as_text == 2 && s->src[j] == '\\' && j + 1 < l->end && sl__md_ascii_punct((unsigned char)s->src[j + 1])) {
                    sl__md_buf_putc(&o, s->src[j + 1]);
                    j += 2;
                } else if (as_text == 2 && s->src[j] == '&' && (r = sl__mdx_char_ref(s->src, l->end, j, &o)) != 0) {
                    j += r;
                } else {
                    sl__md_buf_putc(&o, s->src[j++]);
                }
            }
            i += w;
        } else {
            sl__md_buf_putc(&o, b->data[i++]);
        }
    }
    if (o.failed) {
        free(o.data);
        return -1;
    }
    free(b->data);
    *b = o;
    return 0;
}

static const char *type_name(const mx_node *n)
{
    switch (n->type) {
    case MX_ROOT: return "root";
    case MX_PARAGRAPH: return "paragraph";
    case MX_HEADING: return "heading";
    case MX_QUOTE: return "blockquote";
    case MX_ITEM: return "listItem";
    case MX_CELL: return "tableCell";
    case MX_EM: return "emphasis";
    case MX_STRONG: return "strong";
    case MX_DEL: return "delete";
    case MX_LINK: return "link";
    case MX_JSX: return "mdxJsxFlowElement";
    default: return "node";
    }
}

static void tag_text(const mdx_scan *s, const mdx_construct *c, char *out, size_t n)
{
    uint32_t l1, c1, l2, c2;
    sl__mdx_position(s->src, s->len, c->start, &l1, &c1);
    sl__mdx_position(s->src, s->len, c->end, &l2, &c2);
    snprintf(out, n, "`<%s%s>` (%u:%u-%u:%u)", c->closing ? "/" : "", c->name ? c->name : "", l1, c1, l2, c2);
}

static int same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Nesting state for one container's children. */
typedef struct nest {
    builder *b;
    mx_node *container;
    mx_node *stack[256];
    size_t depth;
    mx_node *overflow; /* past 256 levels: kept, unnested further */
} nest;

static mx_node *target(nest *ns)
{
    return ns->depth ? ns->stack[ns->depth - 1] : ns->container;
}

/* One tag, expression or ESM construct in a container being nested. */
static int place(nest *ns, size_t idx, int flow)
{
    mdx_scan *s = ns->b->s;
    const mdx_construct *c = &s->c[idx];
    char t1[200], t2[200];
    if (c->kind == MDX_TAG && c->closing) {
        if (!ns->depth) {
            tag_text(s, c, t1, sizeof t1);
            char msg[400];
            snprintf(msg, sizeof msg, "Unexpected closing slash `/` in tag, expected an open tag first");
            return sl__mdx_fail(s, c->start + 1, msg);
        }
        mx_node *open = ns->stack[ns->depth - 1];
        const mdx_construct *oc = &s->c[open->construct];
        if (!same_name(oc->name, c->name)) {
            char msg[600];
            tag_text(s, c, t1, sizeof t1);
            tag_text(s, oc, t2, sizeof t2);
            snprintf(msg, sizeof msg, "Unexpected closing tag %.200s, expected corresponding closing tag for %.200s",
                     t1, t2);
            return sl__mdx_fail(s, c->start, msg);
        }
        ns->depth--;
        return 0;
    }
    mx_node *n = node_new(ns->b, c->kind == MDX_TAG ? MX_JSX : c->kind == MDX_EXPR ? MX_EXPR : MX_ESM);
    if (!n)
        return -2;
    n->construct = idx;
    n->flow = (uint8_t)flow;
    append(target(ns), n);
    if (c->kind == MDX_TAG && !c->self_closing) {
        if (ns->depth == sizeof ns->stack / sizeof ns->stack[0])
            return sl__mdx_fail(s, c->start, "JSX nested too deeply (more than 256 elements in one container)");
        ns->stack[ns->depth++] = n;
    }
    return 0;
}

static int close_nest(nest *ns)
{
    if (!ns->depth)
        return 0;
    mdx_scan *s = ns->b->s;
    const mdx_construct *oc = &s->c[ns->stack[ns->depth - 1]->construct];
    char t[200], msg[400];
    tag_text(s, oc, t, sizeof t);
    snprintf(msg, sizeof msg, "Expected a closing tag for %s before the end of `%s`", t, type_name(ns->container));
    return sl__mdx_fail(s, oc->end, msg);
}

static int nest_inline(builder *b, mx_node *parent);
static int nest_flow(builder *b, mx_node *parent);

/* Splits a text node's placeholders out and places them. */
static int inline_text(nest *ns, mx_node *t)
{
    mdx_scan *s = ns->b->s;
    const char *d = t->text.data;
    size_t n = t->text.len, i = 0, from = 0;
    while (i < n) {
        size_t idx, w;
        int kind, lit = 0;
        if (((d[i] != '<' && d[i] != '{') || !(w = placeholder(s, d, n, i, &idx, &kind))) &&
            !(lit = i + 1 < n && (unsigned char)d[i + 1] == 0xEE && (w = literal_placeholder(s, d, n, i, &idx)) != 0)) {
            i++;
            continue;
        }
        if (i > from) {
            mx_node *piece = node_new(ns->b, MX_TEXT);
            if (!piece)
                return -2;
            sl__md_buf_put(&piece->text, d + from, i - from);
            fit(&piece->text);
            append(target(ns), piece);
        }
        if (lit) {
            const mdx_literal *l = &s->lit[idx];
            mx_node *link = literal_link(ns->b, l->kind == MDX_LIT_WWW ? "http://" : l->kind == MDX_LIT_EMAIL ? "mailto:" : "",
                                         s->src + l->start, l->end - l->start);
            if (!link)
                return -2;
            append(target(ns), link);
            i += w;
            from = i;
            continue;
        }
        int rc = place(ns, idx, 0);
        if (rc)
            return rc;
        i += w;
        from = i;
    }
    if (from < n) {
        mx_node *piece = node_new(ns->b, MX_TEXT);
        if (!piece)
            return -2;
        sl__md_buf_put(&piece->text, d + from, n - from);
        fit(&piece->text);
        append(target(ns), piece);
    }
    return 0;
}

/* The inline children of parent, with placeholders put back and JSX
 * elements nested. */
static int nest_inline(builder *b, mx_node *parent)
{
    mx_node *kids = parent->first;
    parent->first = parent->last = NULL;
    nest ns = {.b = b, .container = parent};
    int rc = 0;
    mx_node *k = kids;
    while (k && !rc) {
        mx_node *next = k->next;
        if (k->type == MX_TEXT) {
            rc = inline_text(&ns, k);
            k->next = NULL;
            sl__mdx_tree_free(k);
        } else {
            if (k->type == MX_INLINE_CODE)
                rc = restore(b->s, &k->text);
            else if (k->type == MX_LINK || k->type == MX_IMAGE) {
                rc = restore_as(b->s, &k->text, 2) || restore_as(b->s, &k->title, 2) || restore_as(b->s, &k->alt, 1);
                /* the literals a URL holds restored: the budget again (a
                 * reference's URL can be one literal, 10 KB each use) */
                if (!k->plain && !fits(&b->restored, b->budget, k->text.len + k->title.len))
                    k->plain = 1;
            }
            if (!rc && (k->type == MX_EM || k->type == MX_STRONG || k->type == MX_DEL || k->type == MX_LINK))
                rc = nest_inline(b, k);
            fit(&k->text);
            fit(&k->title);
            fit(&k->alt);
            if (k->plain && k->type == MX_IMAGE) { /* past the budget: its alt text */
                free(k->text.data);
                free(k->title.data);
                k->text = k->alt;
                k->alt = k->title = (sl__md_buf){0};
                k->has_title = 0;
                k->type = MX_TEXT;
                append(target(&ns), k);
            } else if (k->plain) { /* a link: its children in its place */
                for (mx_node *c = k->first, *cn; c; c = cn) {
                    cn = c->next;
                    append(target(&ns), c);
                }
                k->first = k->last = k->next = NULL;
                sl__mdx_tree_free(k);
            } else {
                append(target(&ns), k);
            }
        }
        k = next;
    }
    if (rc) {
        sl__mdx_tree_free(k);
        return rc < 0 ? rc : -1;
    }
    return close_nest(&ns);
}

/* A heading md4c made of a flow line: its text is only FLOW placeholders
 * (1), or one bare FLOW mark: a paragraph break mdx_scan.c put before a
 * table's header (2). */
static int flow_line(const mdx_scan *s, const mx_node *h)
{
    if (h->type != MX_HEADING || h->level != 6 || !h->first || h->first != h->last || h->first->type != MX_TEXT)
        return 0;
    const sl__md_buf *t = &h->first->text;
    if (t->len == 3 && !memcmp(t->data, MDX_PH_FLOW, 3))
        return 2;
    size_t i = 0, idx, w;
    int kind;
    while (i < t->len && (w = placeholder(s, t->data, t->len, i, &idx, &kind)) != 0 && !memcmp(t->data + i, MDX_PH_FLOW, 3))
        i += w;
    return i == t->len && t->len > 0;
}

static int nest_flow(builder *b, mx_node *parent)
{
    mx_node *kids = parent->first;
    parent->first = parent->last = NULL;
    nest ns = {.b = b, .container = parent};
    int rc = 0;
    mx_node *k = kids;
    while (k && !rc) {
        mx_node *next = k->next;
        k->next = NULL;
        int flow = flow_line(b->s, k);
        if (flow == 2) {
            sl__mdx_tree_free(k);
        } else if (flow) {
            const sl__md_buf *t = &k->first->text;
            size_t idx, w;
            int kind;
            for (size_t i = 0; i < t->len && !rc; i += w) {
                w = placeholder(b->s, t->data, t->len, i, &idx, &kind);
                rc = place(&ns, idx, 1);
            }
            sl__mdx_tree_free(k);
        } else {
            switch (k->type) {
            case MX_PARAGRAPH:
            case MX_HEADING:
                rc = nest_inline(b, k);
                break;
            case MX_CODE:
                rc = restore(b->s, &k->text);
                break;
            case MX_QUOTE:
            case MX_ITEM:
                rc = nest_flow(b, k);
                break;
            case MX_LIST:
                for (mx_node *it = k->first; it && !rc; it = it->next)
                    rc = nest_flow(b, it);
                break;
            case MX_TABLE:
                for (mx_node *row = k->first; row && !rc; row = row->next)
                    for (mx_node *cell = row->first; cell && !rc; cell = cell->next)
                        rc = nest_inline(b, cell);
                break;
            default:
                break;
            }
            append(target(&ns), k);
        }
        k = next;
    }
    if (rc) {
        sl__mdx_tree_free(k);
        return rc < 0 ? rc : -1;
    }
    return close_nest(&ns);
}

/* ------------------------------------------------------------- unravel */

static int html_ws_only(const sl__md_buf *t)
{
    for (size_t i = 0; i < t->len; i++)
        if (!strchr(" \t\n\r\f", t->data[i]))
            return 0;
    return 1;
}

/* remark-mark-and-unravel: a paragraph of JSX, expressions and white
 * space only becomes those elements, in flow. */
static void unravel(mx_node *parent)
{
    mx_node *prev = NULL;
    for (mx_node *k = parent->first; k;) {
        mx_node *next = k->next;
        if (k->first && k->type != MX_PARAGRAPH) /* JSX too: once, or nested JSX costs 2^depth */
            unravel(k);
        int all = k->type == MX_PARAGRAPH, some = 0;
        for (mx_node *c = k->first; c && all; c = c->next) {
            if (c->type == MX_JSX || c->type == MX_EXPR)
                some = 1;
            else if (!(c->type == MX_TEXT && html_ws_only(&c->text)))
                all = 0;
        }
        if (!(all && some)) {
            if (k->type == MX_PARAGRAPH)
                for (mx_node *c = k->first; c; c = c->next)
                    if (c->type == MX_JSX)
                        unravel(c);
            prev = k;
            k = next;
            continue;
        }
        /* splice k's non-blank children in place of k */
        mx_node *head = NULL, *tail = NULL;
        for (mx_node *c = k->first; c;) {
            mx_node *cn = c->next;
            if (c->type == MX_TEXT) {
                c->next = NULL;
                sl__mdx_tree_free(c);
            } else {
                c->flow = 1;
                c->parent = parent;
                c->next = NULL;
                if (tail)
                    tail->next = c;
                else
                    head = c;
                tail = c;
                if (c->type == MX_JSX && c->first)
                    unravel(c);
            }
            c = cn;
        }
        k->first = k->last = NULL;
        k->next = NULL;
        sl__mdx_tree_free(k);
        if (!head) { /* cannot happen: `some` */
            if (prev)
                prev->next = next;
            else
                parent->first = next;
            if (!next)
                parent->last = prev;
            k = next;
            continue;
        }
        if (prev)
            prev->next = head;
        else
            parent->first = head;
        tail->next = next;
        if (!next)
            parent->last = tail;
        prev = tail;
        k = next;
    }
}

/* The error for a page past MDX_MAX_DEPTH.  md4c's events carry no
 * offsets, so it names the page's first line of Markdown. */
static int too_deep(mdx_scan *s)
{
    char msg[160];
    snprintf(msg, sizeof msg, "the page nests blocks, lists, quotes, spans and elements more than %d deep",
             MDX_MAX_DEPTH);
    return sl__mdx_fail(s, s->body, msg);
}

/* The tree's depth, walked without recursion. */
static size_t tree_depth(const mx_node *root)
{
    size_t d = 0, max = 0;
    const mx_node *n = root;
    for (;;) {
        if (n->first) {
            n = n->first;
            if (++d > max)
                max = d;
            continue;
        }
        while (n != root && !n->next) {
            n = n->parent;
            d--;
        }
        if (n == root)
            return max;
        n = n->next;
    }
}


static mx_node *text_piece(builder *b, int type, const char *t, size_t n)
{
    mx_node *k = node_new(b, type);
    if (k)
        sl__md_buf_put(&k->text, t, n);
    if (k && k->text.failed)
        b->nomem = 1;
    return k;
}

/* A link to prefix + t[0..n) with that text. */
static mx_node *literal_link(builder *b, const char *prefix, const char *t, size_t n)
{
    mx_node *link = node_new(b, MX_LINK), *label = text_piece(b, MX_TEXT, t, n);
    if (!link || !label) {
        free(link);
        sl__mdx_tree_free(label);
        return NULL;
    }
    sl__md_buf_puts(&link->text, prefix);
    sl__md_buf_put(&link->text, t, n);
    if (link->text.failed) {
        b->nomem = 1;
        sl__mdx_tree_free(label);
        sl__mdx_tree_free(link);
        return NULL;
    }
    fit(&link->text);
    fit(&label->text);
    append(link, label);
    return link;
}

/* The text node n (after prev, or first) as text and links where the
 * transform's regex number pass finds them (mdx_autolink.c); returns the
 * node that now ends it. */
static mx_node *link_literals(builder *b, mx_node *prev, mx_node *n, int pass)
{
    const char *t = n->text.data;
    size_t len = n->text.len, i = 0, from = 0;
    mx_node *first = NULL, *tail = NULL;
#define ADD(k) (tail = *(tail ? &tail->next : &first) = (k))
    mdx_dom_memo memo = {0};
    while (i < len && !b->nomem) {
        size_t e;
        const char *prefix;
        if (!sl__mdx_transform_at(pass, t, len, i, &memo, &e, &prefix)) {
            i++;
            continue;
        }
        mx_node *link = literal_link(b, prefix, t + i, e - i);
        if (!link)
            break;
        if (i > from) {
            mx_node *before = text_piece(b, MX_TEXT, t + from, i - from);
            if (!before) {
                sl__mdx_tree_free(link);
                break;
            }
            ADD(before);
        }
        ADD(link);
        i = from = e;
    }
    if (!first)
        return n;
    if (from < len) {
        mx_node *after = text_piece(b, MX_TEXT, t + from, len - from);
        if (after)
            ADD(after);
    }
#undef ADD
    if (b->nomem) {
        sl__mdx_tree_free(first);
        return n;
    }
    mx_node *parent = n->parent;
    for (mx_node *k = first; k; k = k->next)
        k->parent = parent;
    tail->next = n->next;
    if (prev)
        prev->next = first;
    else
        parent->first = first;
    if (parent->last == n)
        parent->last = tail;
    n->next = NULL;
    sl__mdx_tree_free(n);
    return tail;
}

static void link_literals_in(builder *b, mx_node *parent, int pass)
{
    mx_node *prev = NULL;
    for (mx_node *k = parent->first; k && !b->nomem; prev = k, k = k->next) {
        if (k->type == MX_LINK || k->type == MX_IMAGE || k->type == MX_INLINE_CODE || k->type == MX_CODE)
            continue;
        if (k->type == MX_TEXT && k->text.len)
            k = link_literals(b, prev, k, pass);
        else if (k->first)
            link_literals_in(b, k, pass);
    }
}

/* GFM unescapes `\\|` in a table row before its cells are parsed, so a code
 * span in a cell holds `|` (`string \\| number`); md4c keeps the `\\|`. */
static void cell_code_pipes(mx_node *n, int in_cell)
{
    for (; n; n = n->next) {
        if (n->type == MX_INLINE_CODE && in_cell) {
            char *t = n->text.data;
            size_t w = 0;
            for (size_t r = 0; r < n->text.len; r++)
                if (!(t[r] == '\\' && r + 1 < n->text.len && t[r + 1] == '|'))
                    t[w++] = t[r];
            n->text.len = w;
        }
        if (n->first)
            cell_code_pipes(n->first, in_cell || n->type == MX_CELL);
    }
}

int sl__mdx_tree(mdx_scan *s, mx_node **root)
{
    builder b = {.s = s};
    b.budget = s->md.len + (s->md.len > 100000 ? s->md.len : 100000);
    *root = NULL;
    if (!(b.root = node_new(&b, MX_ROOT)))
        return -2;
    b.cur = b.root;
    MD_PARSER p = {
        .abi_version = 0,
        .flags = MD_FLAG_NOINDENTEDCODEBLOCKS | MD_FLAG_NOHTML |
                 /* autolink literals: mdx_scan.c's placeholders and link_literals_in's (mdx_autolink.c) */
                 (s->gfm ? MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS : 0),
        .enter_block = enter_block,
        .leave_block = leave_block,
        .enter_span = enter_span,
        .leave_span = leave_span,
        .text = text,
    };
    int rc = sl__md_md4c()->md_parse(s->md.data ? s->md.data : "", (MD_SIZE)s->md.len, &p, &b);
    if (rc != 0 || b.nomem) {
        sl__mdx_tree_free(b.root);
        return b.too_deep && !b.nomem ? too_deep(s) : -2;
    }
    if ((rc = nest_flow(&b, b.root)) != 0) {
        sl__mdx_tree_free(b.root);
        return rc < -1 || b.nomem ? -2 : -1;
    }
    if (tree_depth(b.root) > MDX_MAX_DEPTH) { /* JSX in flow nested inside deep Markdown */
        sl__mdx_tree_free(b.root);
        return too_deep(s);
    }
    unravel(b.root);
    if (s->gfm) {
        cell_code_pipes(b.root->first, 0);
        for (int pass = 0; pass < 4 && !b.nomem; pass++) /* the transform's regexes, one at a time */
            link_literals_in(&b, b.root, pass);
    }
    if (b.nomem) {
        sl__mdx_tree_free(b.root);
        return -2;
    }
    *root = b.root;
    return 0;
}
