/*
 * mdx_emit.c - an MDX page's tree (mdx_tree.c) as one JSX program, in
 * the shape @mdx-js/mdx gives it: the page's ESM, then _createMdxContent
 * returning a fragment of the content, then MDXContent, which wraps it in
 * the layout (`export default` or props.components.wrapper).
 *
 * The one idea: what a renderer sees must equal what mdast-util-to-hast
 * and hast-util-to-estree make of the same tree, so each block and inline
 * node is written exactly as those handlers build it - "\n" text between
 * the blocks of the root, block quotes, lists and loose items; none in
 * tables or between a JSX element's children; a task item's checkbox;
 * code as pre > code.language-x; URLs as micromark normalizes them - and
 * every element Markdown made goes through `_components`, so
 * props.components (or the provider) can replace it, while JSX the author
 * wrote keeps its own names, capitalized ones coming from `_components`
 * unless the page's ESM defines them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js_parse_range.h"
#include "js_scope.h"
#include "mdx.h"

typedef struct names {
    const char **v;
    size_t n, cap;
} names;

static int names_has(const names *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return 1;
    return 0;
}

static void names_add(names *s, const char *x)
{
    if (names_has(s, x))
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        const char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct emitter {
    mdx_scan *s;
    sl__md_buf *out;
    names tags;        /* Markdown's elements, for `_components` defaults */
    names components;  /* capitalized JSX names not defined by the page */
    names objects;     /* roots of member names not defined by the page */
    names refs;        /* "a", "a.b", "a.b.C": checked for existence */
    names ref_is_comp; /* the refs that name components */
    names scope;       /* names the page's ESM declares */
    sl__md_slugs *slugs;
    int heading_ids;
    sl__md_page *page;
    js_arena *a;
    int awaits;        /* the content awaits: _createMdxContent is async */
} emitter;

static void put(emitter *e, const char *s) { sl__md_buf_puts(e->out, s); }
static void putn(emitter *e, const char *s, size_t n) { sl__md_buf_put(e->out, s, n); }

static void js_string(emitter *e, const char *s, size_t n)
{
    sl__md_json_string(e->out, s ? s : "", s ? n : 0);
}

/* ---------------------------------------------------------- components */

static int is_ident_name(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '$' || (unsigned char)*s >= 0x80))
            return 0;
    return 1;
}

/* A JSX name the author wrote, as recma-jsx-rewrite sorts it. */
static void jsx_name(emitter *e, const char *name, int in_scope_local)
{
    if (!name || strchr(name, ':'))
        return;
    const char *dot = strchr(name, '.');
    if (dot) {
        char *root = sl__js_strndup(e->a, name, (size_t)(dot - name));
        int in_scope = in_scope_local || names_has(&e->scope, root) || !strcmp(root, "props");
        if (!names_has(&e->refs, name)) {
            names_add(&e->refs, name);
            names_add(&e->ref_is_comp, name);
        }
        for (const char *d = dot; d; d = strchr(d + 1, '.')) {
            char *part = sl__js_strndup(e->a, name, (size_t)(d - name));
            names_add(&e->refs, part);
        }
        if (!in_scope)
            names_add(&e->objects, root);
        return;
    }
    if (!is_ident_name(name) || (name[0] >= 'a' && name[0] <= 'z'))
        return; /* an intrinsic element: a string */
    if (in_scope_local || names_has(&e->scope, name))
        return;
    if (strcmp(name, "MDXLayout") != 0 && !names_has(&e->refs, name)) {
        names_add(&e->refs, name);
        names_add(&e->ref_is_comp, name);
    }
    names_add(&e->components, name);
}

/* The dotted text of a JSX tag expression (N_IDENT / N_MEMBER chain), and
 * whether its root identifier is bound inside the expression. */
static char *tag_text(emitter *e, const js_ast *ast, const js_node *t, int *bound)
{
    if (t->kind == N_IDENT) {
        *bound = t->aux != JS_NONE && t->aux < ast->nsyms && ast->syms[t->aux].kind != SK_UNBOUND;
        return sl__js_strndup(e->a, t->s, strlen(t->s));
    }
    if (t->kind == N_MEMBER && t->c && t->c->kind == N_STR) {
        char *left = tag_text(e, ast, t->a, bound);
        return left ? sl__js_printf(e->a, "%s.%.*s", left, (int)t->c->n, t->c->s) : NULL;
    }
    return NULL;
}

typedef struct walk_ctx {
    emitter *e;
    const js_ast *ast;
} walk_ctx;

static void walk_jsx(js_node *n, void *ctx)
{
    if (!n)
        return;
    walk_ctx *w = ctx;
    if (n->kind == N_JSX && n->a && n->a->kind != N_STR) {
        int bound = 0;
        char *name = tag_text(w->e, w->ast, n->a, &bound);
        if (name)
            jsx_name(w->e, name, bound);
    }
    sl__js_each_child(n, walk_jsx, ctx);
}

/* JSX written inside an expression: its component names too. */
static void expression_names(emitter *e, js_ast *ast)
{
    if (!ast->program || !ast->has_jsx)
        return;
    sl__js_scope_bind(ast);
    walk_ctx w = {e, ast};
    walk_jsx(ast->program, &w);
}

static void find_await(js_node *n, void *ctx)
{
    int *found = ctx;
    if (*found || n->kind == N_FUNCTION || n->kind == N_ARROW || n->kind == N_FUNC_DECL)
        return; /* an await in a function is that function's */
    if (n->kind == N_AWAIT || (n->kind == N_FOR_OF && (n->flags & JF_AWAIT))) {
        *found = 1;
        return;
    }
    sl__js_each_child(n, find_await, ctx);
}

/* An expression of the content: does it await (outside functions of its
 * own)?  Then, as in @mdx-js/mdx 3, _createMdxContent is async. */
static void expression_awaits(emitter *e, js_ast *ast)
{
    if (ast->program && !e->awaits)
        find_await(ast->program, &e->awaits);
}

/* Names the page's import/export blocks declare at the top level. */
static void declare_pattern(emitter *e, const js_node *p)
{
    if (!p)
        return;
    switch (p->kind) {
    case N_IDENT: names_add(&e->scope, p->s); break;
    case N_ASSIGN: declare_pattern(e, p->a); break;
    case N_SPREAD: declare_pattern(e, p->a); break;
    case N_ARRAY:
    case N_OBJECT:
        for (uint32_t i = 0; i < p->n; i++)
            declare_pattern(e, p->list[i]);
        break;
    case N_PROPERTY: declare_pattern(e, p->b ? p->b : p->a); break;
    default: break;
    }
}

static void esm_scope(emitter *e, const js_node *prog)
{
    for (uint32_t i = 0; i < prog->n; i++) {
        const js_node *st = prog->list[i];
        if (st->kind == N_IMPORT) {
            for (uint32_t k = 0; k < st->n; k++)
                if (st->list[k]->a)
                    names_add(&e->scope, st->list[k]->a->s);
        } else if (st->kind == N_VAR) {
            for (uint32_t k = 0; k < st->n; k++)
                declare_pattern(e, st->list[k]->a);
        } else if ((st->kind == N_FUNC_DECL || st->kind == N_CLASS_DECL) && st->a && st->a->kind == N_IDENT) {
            names_add(&e->scope, st->a->s);
        }
    }
}

/* ---------------------------------------------------------- text */

/* mdast-util-to-hast's trimLines: spaces and tabs around line endings go. */
static void trimmed_text(emitter *e, const char *s, size_t n, sl__md_buf *b)
{
    (void)e;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n, a = i, z = end;
        if (i > 0)
            while (a < z && (s[a] == ' ' || s[a] == '\t'))
                a++;
        if (nl)
            while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
                z--;
        sl__md_buf_put(b, s + a, z - a);
        if (nl)
            sl__md_buf_putc(b, '\n');
        i = nl ? end + 1 : n;
    }
}

static void text_child(emitter *e, const char *s, size_t n)
{
    if (!n)
        return;
    put(e, "{");
    js_string(e, s, n);
    put(e, "}");
}

static void newline(emitter *e) { put(e, "{\"\\n\"}"); }

/* micromark-util-sanitize-uri's normalizeUri. */
static void normalize_uri(sl__md_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int alnum1 = i + 1 < n && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z' ? 1 : s[i + 1] >= '0' && s[i + 1] <= '9');
        int alnum2 = i + 2 < n && ((s[i + 2] | 0x20) >= 'a' && (s[i + 2] | 0x20) <= 'z' ? 1 : s[i + 2] >= '0' && s[i + 2] <= '9');
        if (c == '%' && alnum1 && alnum2) {
            sl__md_buf_put(b, s + i, 3);
            i += 2;
        } else if (c < 0x80 && (c == '!' || c == '#' || c == '$' || (c >= '&' && c <= ';') || c == '=' ||
                                (c >= '?' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') || c == '~')) {
            sl__md_buf_putc(b, (char)c);
        } else {
            char t[3] = {'%', hex[c >> 4], hex[c & 15]};
            sl__md_buf_put(b, t, 3);
        }
    }
}

/* ---------------------------------------------------------- elements */

static void open_md(emitter *e, const char *tag)
{
    if (!names_has(&e->tags, tag))
        names_add(&e->tags, sl__js_strndup(e->a, tag, strlen(tag)));
    put(e, "<_components.");
    put(e, tag);
}

static void attr_str(emitter *e, const char *name, const char *v, size_t n)
{
    put(e, " ");
    put(e, name);
    put(e, "={");
    js_string(e, v, n);
    put(e, "}");
}

static void close_md(emitter *e, const char *tag)
{
    put(e, "</_components.");
    put(e, tag);
    put(e, ">");
}

static void emit_inline(emitter *e, mx_node *n);
static void emit_flow_children(emitter *e, mx_node *parent, int wrap_loose);
static void emit_block(emitter *e, mx_node *n, int in_tight_item);

static void inline_children(emitter *e, mx_node *n)
{
    for (mx_node *k = n->first; k; k = k->next)
        emit_inline(e, k);
}

static void simple(emitter *e, const char *tag, mx_node *n)
{
    open_md(e, tag);
    if (!n->first) {
        put(e, "/>");
        return;
    }
    put(e, ">");
    inline_children(e, n);
    close_md(e, tag);
}

/* An expression's source t[0..n) in construct c, as micromark hands it
 * on: each continuation line without its containers' prefix (`> `, a
 * list item's indentation) and up to two spaces or tabs of indentation
 * after it (`{`\n  x`}` is "\nx", as @mdx-js/mdx has it). */
static void put_expr_text(emitter *e, const char *t, size_t n, const mdx_construct *c)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] != '\n')
            continue;
        putn(e, t + from, i + 1 - from);
        int full;
        from = sl__mdx_cont_text(t, n, i + 1, c->cont, c->ncont, &full);
        for (int k = 0; k < 2 && from < n && (t[from] == ' ' || t[from] == '\t'); k++)
            from++;
        i = from - 1;
    }
    putn(e, t + from, n - from);
}

static void emit_jsx(emitter *e, mx_node *n)
{
    const mdx_construct *c = &e->s->c[n->construct];
    jsx_name(e, c->name, 0);
    put(e, "<");
    if (c->name)
        put(e, c->name);
    for (size_t i = 0; i < c->nattrs; i++) {
        mdx_attr *a = &c->attrs[i];
        put(e, " ");
        switch (a->kind) {
        case MDX_ATTR_BOOL: put(e, a->name); break;
        case MDX_ATTR_STRING:
            put(e, a->name);
            put(e, "={");
            js_string(e, a->value, a->value_len);
            put(e, "}");
            break;
        case MDX_ATTR_EXPR:
            put(e, a->name);
            put(e, "={");
            put_expr_text(e, a->value, a->value_len, c);
            put(e, "\n}");
            expression_names(e, &a->expr);
            expression_awaits(e, &a->expr);
            break;
        case MDX_ATTR_SPREAD:
            put(e, "{");
            put_expr_text(e, a->value, a->value_len, c);
            put(e, "\n}");
            expression_names(e, &a->expr);
            expression_awaits(e, &a->expr);
            break;
        }
    }
    if (!n->first) {
        put(e, c->name ? "/>" : "></>");
        return;
    }
    put(e, ">");
    for (mx_node *k = n->first; k; k = k->next) {
        if (k->type == MX_TEXT || k->type == MX_EM || k->type == MX_STRONG || k->type == MX_DEL ||
            k->type == MX_INLINE_CODE || k->type == MX_BREAK || k->type == MX_LINK || k->type == MX_IMAGE ||
            ((k->type == MX_JSX || k->type == MX_EXPR) && !k->flow))
            emit_inline(e, k);
        else
            emit_block(e, k, 0);
    }
    put(e, "</");
    if (c->name)
        put(e, c->name);
    put(e, ">");
}

static void emit_expr(emitter *e, mx_node *n)
{
    mdx_construct *c = &e->s->c[n->construct];
    if (c->blank)
        return;
    put(e, "{");
    put_expr_text(e, e->s->src + c->inner_start, c->inner_end - c->inner_start, c);
    put(e, "\n}");
    expression_names(e, &c->ast);
    expression_awaits(e, &c->ast);
}

static void emit_inline(emitter *e, mx_node *n)
{
    sl__md_buf b = {0};
    switch (n->type) {
    case MX_TEXT:
        trimmed_text(e, n->text.data, n->text.len, &b);
        text_child(e, b.data, b.len);
        break;
    case MX_EM: simple(e, "em", n); break;
    case MX_STRONG: simple(e, "strong", n); break;
    case MX_DEL: simple(e, "del", n); break;
    case MX_INLINE_CODE:
        for (size_t i = 0; i < n->text.len; i++)
            sl__md_buf_putc(&b, n->text.data[i] == '\n' || n->text.data[i] == '\r' ? ' ' : n->text.data[i]);
        open_md(e, "code");
        if (!b.len) {
            put(e, "/>");
            break;
        }
        put(e, ">");
        text_child(e, b.data, b.len);
        close_md(e, "code");
        break;
    case MX_BREAK:
        open_md(e, "br");
        put(e, "/>");
        newline(e);
        break;
    case MX_LINK:
        normalize_uri(&b, n->text.data, n->text.len);
        open_md(e, "a");
        attr_str(e, "href", b.data ? b.data : "", b.len);
        if (n->has_title)
            attr_str(e, "title", n->title.data, n->title.len);
        if (!n->first) {
            put(e, "/>");
            break;
        }
        put(e, ">");
        inline_children(e, n);
        close_md(e, "a");
        break;
    case MX_IMAGE:
        normalize_uri(&b, n->text.data, n->text.len);
        open_md(e, "img");
        attr_str(e, "src", b.data ? b.data : "", b.len);
        attr_str(e, "alt", n->alt.data, n->alt.len);
        if (n->has_title)
            attr_str(e, "title", n->title.data, n->title.len);
        put(e, "/>");
        break;
    case MX_JSX: emit_jsx(e, n); break;
    case MX_EXPR: emit_expr(e, n); break;
    default: emit_block(e, n, 0); break;
    }
    free(b.data);
}

/* The text content of a heading as hast-util-to-string reads it. */
static void heading_text(const emitter *e, const mx_node *n, sl__md_buf *b)
{
    for (const mx_node *k = n->first; k; k = k->next) {
        if (k->type == MX_TEXT)
            trimmed_text((emitter *)e, k->text.data, k->text.len, b);
        else if (k->type == MX_INLINE_CODE)
            sl__md_buf_put(b, k->text.data, k->text.len);
        else if (k->type == MX_BREAK)
            sl__md_buf_putc(b, '\n');
        else if (k->type != MX_EXPR && k->type != MX_IMAGE)
            heading_text(e, k, b);
    }
}

static void record_heading(emitter *e, int level, const sl__md_buf *text, const char *id)
{
    sl__md_page *p = e->page;
    sl__md_heading *h = realloc(p->headings, (p->nheadings + 1) * sizeof *h);
    if (!h)
        return;
    p->headings = h;
    /* the reported text: white space runs as one space, trimmed */
    char *t = malloc(text->len + 1);
    size_t o = 0;
    if (t) {
        for (size_t i = 0; i < text->len; i++) {
            char c = text->data[i];
            int ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
            if (ws && (o == 0 || t[o - 1] == ' '))
                continue;
            t[o++] = ws ? ' ' : c;
        }
        while (o && t[o - 1] == ' ')
            o--;
        t[o] = 0;
    }
    char *d = strdup(id ? id : ""); /* the page's headings list always has an id */
    if (!t || !d) {
        free(t);
        free(d);
        return;
    }
    h[p->nheadings].level = level;
    h[p->nheadings].text = t;
    h[p->nheadings].id = d;
    p->nheadings++;
}

static void emit_heading(emitter *e, mx_node *n)
{
    char tag[3] = {'h', (char)('0' + (n->level >= 1 && n->level <= 6 ? n->level : 6)), 0};
    sl__md_buf text = {0};
    heading_text(e, n, &text);
    char *id = NULL;
    if (e->slugs) /* made without --no-heading-ids too: the headings list has them */
        id = sl__md_slugs_make(e->slugs, text.data ? text.data : "", text.len);
    record_heading(e, (int)n->level, &text, id);
    free(text.data);
    open_md(e, tag);
    if (id && e->heading_ids)
        attr_str(e, "id", id, strlen(id));
    free(id);
    if (!n->first) {
        put(e, "/>");
        return;
    }
    put(e, ">");
    inline_children(e, n);
    close_md(e, tag);
}

static void emit_code(emitter *e, mx_node *n)
{
    open_md(e, "pre");
    put(e, ">");
    open_md(e, "code");
    size_t ll = 0;
    while (ll < n->lang.len && !strchr(" \t\n\r\f", n->lang.data[ll]))
        ll++;
    if (ll) {
        char *cls = sl__js_printf(e->a, "language-%.*s", (int)ll, n->lang.data);
        attr_str(e, "className", cls, strlen(cls));
    }
    if (n->text.len) {
        /* md4c keeps each line's end, so the value plus to-hast's "\n" is
         * exactly md4c's text */
        put(e, ">");
        text_child(e, n->text.data, n->text.len);
        close_md(e, "code");
    } else {
        put(e, "/>");
    }
    close_md(e, "pre");
}

static void checkbox(emitter *e, int checked)
{
    open_md(e, "input");
    put(e, " type={\"checkbox\"}");
    if (checked)
        put(e, " checked");
    put(e, " disabled/>");
}

/* mdast-util-to-hast's listItem: a task item's box opens its first
 * paragraph (one is made when there is none); in a tight list the
 * paragraphs give their children instead, and "\n" separates the rest. */
static void emit_item(emitter *e, mx_node *it, int loose)
{
    open_md(e, "li");
    if (it->checked >= 0)
        attr_str(e, "className", "task-list-item", 14);
    put(e, ">");
    int synth = it->checked >= 0 && (!it->first || it->first->type != MX_PARAGRAPH);
    mx_node *k = it->first, *tail = NULL;
    for (size_t i = 0; synth ? (i == 0 || k) : k != NULL; i++) {
        mx_node *cur = synth && i == 0 ? NULL : k;
        int is_p = !cur || cur->type == MX_PARAGRAPH;
        if (loose || i != 0 || !is_p)
            newline(e);
        if (is_p) {
            if (loose) {
                open_md(e, "p");
                put(e, ">");
            }
            if (i == 0 && it->checked >= 0) {
                checkbox(e, it->checked);
                if (cur && cur->first)
                    text_child(e, " ", 1);
            }
            if (cur)
                inline_children(e, cur);
            if (loose)
                close_md(e, "p");
        } else {
            emit_block(e, cur, 0);
        }
        tail = cur;
        if (cur)
            k = k->next;
        if (synth && i == 0 && !cur)
            tail = NULL, synth = 2; /* the made paragraph is the tail so far */
    }
    int tail_is_p = synth == 2 && !it->first ? 1 : tail ? tail->type == MX_PARAGRAPH : 0;
    if ((it->first || synth) && (loose || !tail_is_p))
        newline(e);
    close_md(e, "li");
}

static void emit_list(emitter *e, mx_node *n)
{
    const char *tag = n->ordered ? "ol" : "ul";
    open_md(e, tag);
    if (n->ordered && n->level != 1) {
        char num[24];
        snprintf(num, sizeof num, "%u", n->level);
        attr_str(e, "start", num, strlen(num));
    }
    for (mx_node *it = n->first; it; it = it->next)
        if (it->checked >= 0) {
            attr_str(e, "className", "contains-task-list", 18);
            break;
        }
    put(e, ">");
    newline(e);
    for (mx_node *it = n->first; it; it = it->next) {
        if (it != n->first)
            newline(e);
        emit_item(e, it, n->loose);
    }
    if (n->first)
        newline(e);
    close_md(e, tag);
}

static const char *align_name(int a)
{
    return a == 1 ? "left" : a == 2 ? "center" : a == 3 ? "right" : NULL;
}

static void emit_table(emitter *e, mx_node *n)
{
    open_md(e, "table");
    put(e, ">");
    mx_node *head = n->first;
    size_t cols = 0;
    int align[1024] = {0};
    if (head)
        for (mx_node *c = head->first; c; c = c->next) {
            if (cols < 1024)
                align[cols] = c->align;
            cols++;
        }
    for (int part = 0; part < 2; part++) {
        mx_node *from = part ? (head ? head->next : NULL) : head;
        if (!from)
            continue;
        const char *ptag = part ? "tbody" : "thead";
        open_md(e, ptag);
        put(e, ">");
        for (mx_node *row = from; row; row = part ? row->next : NULL) {
            open_md(e, "tr");
            put(e, ">");
            const char *ctag = part ? "td" : "th";
            mx_node *c = row->first;
            for (size_t i = 0; i < cols; i++) {
                open_md(e, ctag);
                const char *al = align_name(i < 1024 ? align[i] : 0);
                if (al) {
                    put(e, " style={{textAlign: ");
                    js_string(e, al, strlen(al));
                    put(e, "}}");
                }
                if (c && c->first) {
                    put(e, ">");
                    inline_children(e, c);
                    close_md(e, ctag);
                } else {
                    put(e, "/>");
                }
                if (c)
                    c = c->next;
            }
            close_md(e, "tr");
        }
        close_md(e, ptag);
    }
    close_md(e, "table");
}

static void emit_block(emitter *e, mx_node *n, int in_tight_item)
{
    (void)in_tight_item;
    switch (n->type) {
    case MX_PARAGRAPH: simple(e, "p", n); break;
    case MX_HEADING: emit_heading(e, n); break;
    case MX_HR:
        open_md(e, "hr");
        put(e, "/>");
        break;
    case MX_QUOTE:
        open_md(e, "blockquote");
        put(e, ">");
        emit_flow_children(e, n, 1);
        close_md(e, "blockquote");
        break;
    case MX_LIST: emit_list(e, n); break;
    case MX_CODE: emit_code(e, n); break;
    case MX_TABLE: emit_table(e, n); break;
    case MX_JSX: emit_jsx(e, n); break;
    case MX_EXPR: emit_expr(e, n); break;
    case MX_ESM: break;
    default: emit_inline(e, n); break;
    }
}

/* Blocks with to-hast's wrap(): "\n" between them, and around them when loose. */
static void emit_flow_children(emitter *e, mx_node *parent, int loose)
{
    if (loose)
        newline(e);
    for (mx_node *k = parent->first; k; k = k->next) {
        if (k != parent->first)
            newline(e);
        emit_block(e, k, 0);
    }
    if (loose && parent->first)
        newline(e);
}

/* The root: wrap() without the loose ends, then hast-util-to-estree drops
 * white space before the first and after the last child that is not. */
static void emit_root(emitter *e, mx_node *root)
{
    size_t pending = 0; /* "\n"s waiting for content after them */
    int seen = 0;
    for (mx_node *k = root->first; k; k = k->next) {
        if (k != root->first)
            pending++;
        if (k->type == MX_ESM)
            continue;
        if (seen)
            while (pending) {
                newline(e);
                pending--;
            }
        pending = 0;
        seen = 1;
        emit_block(e, k, 0);
    }
}

/* ---------------------------------------------------------- the module */

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

/* The keyword `word` before src[to], no earlier than lo, with only white
 * space and comments between (`export`, a comment, `const`): its offset, or
 * `to`.  Occurrences are tried nearest first, a few of them: one inside a
 * comment in between is not followed by white space and comments only. */
static size_t word_before(const char *src, size_t lo, size_t to, const char *word)
{
    size_t n = strlen(word);
    int tries = 0;
    for (size_t k = to; k >= lo + n && tries < 16; k--) {
        size_t at = k - n;
        if (memcmp(src + at, word, n) || (at > lo && ident_char(src[at - 1])) || ident_char(src[k]))
            continue;
        tries++;
        if (sl__js_range_is_blank(src, k, to))
            return at;
    }
    return to;
}

/* Where statement st starts in the page, no earlier than lo: an exported
 * declaration's node starts at its `const`, `class`, `function` or
 * `async`, after the `export` that is part of it. */
static size_t stmt_begin(const char *src, size_t lo, const js_node *st)
{
    size_t k = st->pos;
    if (!(st->flags & JF_EXPORT) || (st->kind != N_VAR && st->kind != N_FUNC_DECL && st->kind != N_CLASS_DECL))
        return k;
    if (st->kind == N_FUNC_DECL)
        k = word_before(src, lo, k, "async");
    k = word_before(src, lo, k, "export");
    return k < st->pos ? k : st->pos;
}

/* Past white space and comments from k (before `to`). */
static size_t skip_blank(const char *src, size_t k, size_t to)
{
    for (;;) {
        while (k < to && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n' || src[k] == '\r'))
            k++;
        if (k + 1 < to && src[k] == '/' && src[k + 1] == '*') {
            const char *e = memmem(src + k + 2, to - k - 2, "*/", 2);
            k = e ? (size_t)(e - src) + 2 : to;
        } else if (k + 1 < to && src[k] == '/' && src[k + 1] == '/') {
            while (k < to && src[k] != '\n')
                k++;
        } else {
            return k;
        }
    }
}

static void put_esm(emitter *e, const mdx_construct *c, int *layout)
{
    const js_node *prog = c->ast.program;
    const char *src = e->s->src;
    for (uint32_t i = 0; i < prog->n; i++) {
        const js_node *st = prog->list[i];
        size_t from = stmt_begin(src, i ? prog->list[i - 1]->pos : c->inner_start, st),
               to = i + 1 < prog->n ? stmt_begin(src, st->pos, prog->list[i + 1]) : c->inner_end;
        if (st->kind == N_EXPORT_DEFAULT) {
            /* `export default X` -> `const MDXLayout = X` */
            size_t k = skip_blank(src, from + 6, to) + 7; /* past default */
            put(e, "const MDXLayout = ");
            putn(e, src + k, to - k);
            put(e, "\n;\n");
            *layout = 1;
            continue;
        }
        if (st->kind == N_EXPORT_NAMED && st->a) {
            /* `export {a as default} from "x"`: the layout is imported */
            int has_default = 0;
            for (uint32_t k = 0; k < st->n; k++) {
                const js_node *sp = st->list[k];
                if (sp->b && sp->b->n == 7 && !memcmp(sp->b->s, "default", 7))
                    has_default = 1;
            }
            if (has_default) {
                for (uint32_t k = 0; k < st->n; k++) {
                    const js_node *sp = st->list[k];
                    int is_default = sp->b && sp->b->n == 7 && !memcmp(sp->b->s, "default", 7);
                    const js_node *local = sp->a;
                    put(e, is_default ? "import {" : "export {");
                    js_string(e, local->s, local->kind == N_STR ? local->n : strlen(local->s));
                    put(e, " as ");
                    if (is_default)
                        put(e, "MDXLayout");
                    else
                        js_string(e, sp->b->s, sp->b->n);
                    put(e, "} from ");
                    js_string(e, st->a->s, st->a->n);
                    put(e, ";\n");
                }
                *layout = 1;
                continue;
            }
        }
        putn(e, src + from, to - from);
        put(e, "\n");
    }
}

/* qsort with an empty list is undefined when the list is NULL. */
static void sort_names(const char **v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_str);
}

static void missing_checks(emitter *e)
{
    sort_names(e->refs.v, e->refs.n);
    for (size_t i = 0; i < e->refs.n; i++) {
        put(e, "  if (!");
        put(e, e->refs.v[i]);
        put(e, ") _missingMdxReference(");
        js_string(e, e->refs.v[i], strlen(e->refs.v[i]));
        put(e, names_has(&e->ref_is_comp, e->refs.v[i]) ? ", true);\n" : ", false);\n");
    }
}

int sl__mdx_emit(mdx_scan *s, mx_node *root, const mdx_emit_opts *o, sl__md_buf *out, sl__md_page *page)
{
    sl__md_buf body = {0};
    emitter e = {.s = s, .out = &body, .heading_ids = o->heading_ids, .page = page, .a = s->arena};
    /* @mdx-js/mdx with rehype-slug gives `# {expr}` (no text) id="" */
    if ((e.slugs = sl__md_slugs_new()))
        sl__md_slugs_empty_bare(e.slugs);
    for (size_t i = 0; i < s->nc; i++)
        if (s->c[i].kind == MDX_ESM)
            esm_scope(&e, s->c[i].ast.program);
    emit_root(&e, root);
    sl__md_slugs_free(e.slugs);

    e.out = out;
    const char *prov = o->provider_import_source;
    if (prov) {
        put(&e, "import {useMDXComponents as _provideComponents} from ");
        js_string(&e, prov, strlen(prov));
        put(&e, ";\n");
    }
    put(&e, "export const frontmatter = ");
    put(&e, o->frontmatter_json ? o->frontmatter_json : "undefined");
    put(&e, ";\n");
    int layout = 0;
    for (size_t i = 0; i < s->nc; i++)
        if (s->c[i].kind == MDX_ESM)
            put_esm(&e, &s->c[i], &layout);
    put(&e, e.awaits ? "async function _createMdxContent(props) {\n" : "function _createMdxContent(props) {\n");
    sort_names(e.tags.v, e.tags.n);
    names actual = {0};
    for (size_t i = 0; i < e.components.n; i++)
        names_add(&actual, e.components.v[i]);
    for (size_t i = 0; i < e.objects.n; i++)
        names_add(&actual, e.objects.v[i]);
    sort_names(actual.v, actual.n);
    if (e.tags.n || actual.n) {
        put(&e, "  const _components = {");
        for (size_t i = 0; i < e.tags.n; i++) {
            put(&e, e.tags.v[i]);
            put(&e, ": ");
            js_string(&e, e.tags.v[i], strlen(e.tags.v[i]));
            put(&e, ", ");
        }
        if (prov)
            put(&e, "..._provideComponents(), ");
        put(&e, "...props.components}");
        if (actual.n) {
            put(&e, ", {");
            for (size_t i = 0; i < actual.n; i++) {
                put(&e, i ? ", " : "");
                put(&e, actual.v[i]);
            }
            put(&e, "} = _components");
        }
        put(&e, ";\n");
    }
    missing_checks(&e);
    put(&e, "  return <>");
    sl__md_buf_put(out, body.data ? body.data : "", body.len);
    put(&e, "</>;\n}\n");
    put(&e, "export default function MDXContent(props = {}) {\n");
    if (layout) {
        put(&e, "  return <MDXLayout {...props}><_createMdxContent {...props} /></MDXLayout>;\n}\n");
    } else {
        put(&e, prov ? "  const {wrapper: MDXLayout} = {..._provideComponents(), ...props.components};\n"
                     : "  const {wrapper: MDXLayout} = props.components || {};\n");
        put(&e, "  return MDXLayout ? <MDXLayout {...props}><_createMdxContent {...props} /></MDXLayout> : "
                "_createMdxContent(props);\n}\n");
    }
    if (e.refs.n)
        put(&e, "function _missingMdxReference(id, component) {\n"
                "  throw new Error(\"Expected \" + (component ? \"component\" : \"object\") + \" `\" + id + "
                "\"` to be defined: you likely forgot to import, pass, or provide it.\");\n}\n");
    free(actual.v);
    free(e.tags.v);
    free(e.components.v);
    free(e.objects.v);
    free(e.refs.v);
    free(e.ref_is_comp.v);
    free(e.scope.v);
    int failed = body.failed || out->failed;
    free(body.data);
    return failed ? -2 : 0;
}
