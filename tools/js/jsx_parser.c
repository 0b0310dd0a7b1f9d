/*
 * jsx_parser.c - JSX elements and fragments into N_JSX nodes.
 *
 * Inside a tag the lexer runs in tag mode (names may hold `-`, strings
 * have no escapes); between tags in child mode (raw text up to `{` or
 * `<`).  Text, attribute strings and entities are kept raw here: the
 * whitespace and entity rules are jsx_lower.c's, where they apply.
 */
#include "js_parser_int.h"

#include <string.h>

/* A tag name: `div`, `a-b`, `ns:name`, `A.B.C`, `this.x`.  The lexer is on
 * its first token (tag mode).  Returns the node; *text its spelling for
 * matching the closing tag. */
static js_node *tag_name(js_parser *p, const char **text)
{
    uint32_t pos = p->L.start;
    if (!is(p, TK_NAME))
        sl__js_fail(p, pos, "expected a JSX tag name");
    const char *first = sl__js_tok_name(p);
    int has_dash = memchr(p->L.name, '-', p->L.name_len) != NULL;
    sl__js_lex_jsx_tag(&p->L);
    if (is(p, TK_COLON)) { /* namespaced: always a string tag */
        sl__js_lex_jsx_tag(&p->L);
        if (!is(p, TK_NAME))
            sl__js_fail(p, p->L.start, "expected a name after `:`");
        const char *full = sl__js_printf(p->a, "%s:%.*s", first, (int)p->L.name_len, p->L.name);
        sl__js_lex_jsx_tag(&p->L);
        *text = full;
        js_node *s = sl__js_str(p->a, full, strlen(full), pos);
        s->flags |= JF_QUOTED;
        return s;
    }
    js_node *e;
    if (!strcmp(first, "this")) {
        e = sl__js_mk(p, N_THIS, pos);
    } else if (is(p, TK_DOT) || !(first[0] >= 'a' && first[0] <= 'z') ) {
        if (has_dash)
            sl__js_fail(p, pos, "a JSX member or component name cannot contain `-`");
        e = sl__js_ident(p->a, first, pos);
    } else {
        *text = first;
        js_node *s = sl__js_str(p->a, first, strlen(first), pos);
        s->flags |= JF_QUOTED; /* an intrinsic element: a string tag */
        return s;
    }
    /* The spelling grows by doubling (copying it whole for every `.` was
     * quadratic in a long `<a.a.a...>`); each `.` nests the member chain
     * one level deeper, counted as in an expression. */
    size_t len = strlen(first), cap = len + 16;
    unsigned levels = 0;
    char *buf = sl__js_alloc(p->a, cap);
    memcpy(buf, first, len);
    while (is(p, TK_DOT)) {
        sl__js_lex_jsx_tag(&p->L);
        if (!is(p, TK_NAME) || memchr(p->L.name, '-', p->L.name_len))
            sl__js_fail(p, p->L.start, "expected a property name");
        sl__js_enter(p);
        levels++;
        js_node *m = sl__js_mk(p, N_MEMBER, pos);
        m->a = e;
        m->c = sl__js_str(p->a, p->L.name, p->L.name_len, p->L.start);
        if (len + 2 + p->L.name_len > cap) {
            char *grown = sl__js_alloc(p->a, cap = (len + 2 + p->L.name_len) * 2);
            memcpy(grown, buf, len);
            buf = grown;
        }
        buf[len++] = '.';
        memcpy(buf + len, p->L.name, p->L.name_len);
        len += p->L.name_len;
        e = m;
        sl__js_lex_jsx_tag(&p->L);
    }
    p->depth -= levels;
    buf[len] = 0;
    *text = buf;
    return e;
}

/* `{` in an attribute or child position: the lexer is on `{` (either mode).
 * Reads the expression in normal mode and stops on `}` without scanning past it. */
static js_node *braced(js_parser *p, int child)
{
    uint32_t pos = p->L.start;
    next(p);
    if (is(p, TK_ELLIPSIS)) {
        js_node *s = sl__js_mk(p, N_SPREAD, pos);
        next(p);
        s->a = sl__js_parse_expr(p, L_COMMA);
        if (!is(p, TK_RBRACE))
            sl__js_fail(p, p->L.start, "expected `}`");
        return s;
    }
    js_node *c = sl__js_mk(p, N_JSX_EXPR, pos);
    if (is(p, TK_RBRACE)) {
        if (!child)
            sl__js_fail(p, pos, "a JSX attribute value cannot be empty");
        return c;
    }
    unsigned saved = p->ctx;
    p->ctx &= ~CTX_NO_IN;
    c->a = sl__js_parse_expr(p, L_LOWEST);
    p->ctx = saved;
    if (!is(p, TK_RBRACE))
        sl__js_fail(p, p->L.start, "expected `}`");
    return c;
}

static js_node *element_after_lt(js_parser *p, uint32_t pos);

static void attributes(js_parser *p, js_node *el)
{
    size_t mark = p->stack.n;
    while (!is(p, TK_GT) && !is(p, TK_SLASH)) {
        if (is(p, TK_LBRACE)) {
            js_node *s = braced(p, 0);
            if (s->kind != N_SPREAD)
                sl__js_fail(p, s->pos, "expected `...` in a JSX spread attribute");
            push(p, s);
            sl__js_lex_jsx_tag(&p->L);
            continue;
        }
        if (!is(p, TK_NAME))
            sl__js_fail(p, p->L.start, is(p, TK_EOF) ? "unterminated JSX element" : "expected a JSX attribute");
        js_node *at = sl__js_mk(p, N_JSX_ATTR, p->L.start);
        const char *name = sl__js_tok_name(p);
        sl__js_lex_jsx_tag(&p->L);
        if (is(p, TK_COLON)) {
            sl__js_lex_jsx_tag(&p->L);
            if (!is(p, TK_NAME))
                sl__js_fail(p, p->L.start, "expected a name after `:`");
            name = sl__js_printf(p->a, "%s:%.*s", name, (int)p->L.name_len, p->L.name);
            sl__js_lex_jsx_tag(&p->L);
        }
        at->a = sl__js_str(p->a, name, strlen(name), at->pos);
        if (is(p, TK_ASSIGN)) {
            sl__js_lex_jsx_tag(&p->L);
            if (is(p, TK_STR)) {
                js_node *t = sl__js_mk(p, N_JSX_TEXT, p->L.start);
                t->s = sl__js_strndup(p->a, p->L.str, p->L.str_len);
                t->n = p->L.str_len;
                at->b = t;
                sl__js_lex_jsx_tag(&p->L);
            } else if (is(p, TK_LBRACE)) {
                at->b = braced(p, 0);
                if (at->b->kind == N_SPREAD)
                    sl__js_fail(p, at->b->pos, "unexpected `...`");
                sl__js_lex_jsx_tag(&p->L);
            } else if (is(p, TK_LT)) {
                uint32_t epos = p->L.start;
                sl__js_lex_jsx_tag(&p->L);
                at->b = element_after_lt(p, epos);
                sl__js_lex_jsx_tag(&p->L);
            } else {
                sl__js_fail(p, p->L.start, "expected a JSX attribute value");
            }
        }
        push(p, at);
    }
    sl__js_list_end(p, el, mark);
}

/* Children up to the closing tag; the lexer is on the `>` of the opening tag. */
static void children(js_parser *p, js_node *el, const char *name)
{
    js_node *kids = sl__js_mk(p, N_LIST, p->L.pos);
    size_t mark = p->stack.n;
    for (;;) {
        sl__js_lex_jsx_child(&p->L);
        if (is(p, TK_JSX_TEXT)) {
            js_node *t = sl__js_mk(p, N_JSX_TEXT, p->L.start);
            t->s = sl__js_strndup(p->a, p->L.str, p->L.str_len);
            t->n = p->L.str_len;
            push(p, t);
            continue;
        }
        if (is(p, TK_LBRACE)) {
            push(p, braced(p, 1));
            continue; /* the lexer is on `}`: the next child scan starts after it */
        }
        /* `<` */
        uint32_t lt = p->L.start;
        sl__js_lex_jsx_tag(&p->L);
        if (is(p, TK_SLASH)) {
            sl__js_lex_jsx_tag(&p->L);
            const char *close = "";
            if (!is(p, TK_GT))
                tag_name(p, &close);
            if (strcmp(close, name ? name : "")) {
                const char *msg = name ? sl__js_printf(p->a, "expected closing tag `</%s>`", name)
                                       : "expected closing tag `</>`";
                sl__js_fail(p, lt, msg);
            }
            if (!is(p, TK_GT))
                sl__js_fail(p, p->L.start, "expected `>`");
            break;
        }
        push(p, element_after_lt(p, lt));
    }
    sl__js_list_end(p, kids, mark);
    el->c = kids;
}

/* After `<` (the lexer is on the tag name or `>`, in tag mode).  Returns with
 * the lexer on the element's final `>`. */
static js_node *element_after_lt(js_parser *p, uint32_t pos)
{
    sl__js_enter(p);
    js_node *el = sl__js_mk(p, N_JSX, pos);
    const char *name = NULL;
    if (!is(p, TK_GT)) {
        el->a = tag_name(p, &name);
        if (p->o.ts && is(p, TK_LT)) { /* <Comp<T> ...>: type arguments, dropped */
            next(p);
            while (!is(p, TK_GT)) {
                sl__ts_skip_type(p);
                if (!eat(p, TK_COMMA))
                    break;
            }
            if (!is(p, TK_GT))
                sl__js_fail(p, p->L.start, "expected `>`");
            sl__js_lex_jsx_tag(&p->L);
        }
        attributes(p, el);
        if (is(p, TK_SLASH)) {
            sl__js_lex_jsx_tag(&p->L);
            if (!is(p, TK_GT))
                sl__js_fail(p, p->L.start, "expected `>`");
            el->c = sl__js_mk(p, N_LIST, p->L.start);
            leave(p);
            return el;
        }
    }
    children(p, el, name);
    leave(p);
    return el;
}

js_node *sl__jsx_parse_element(js_parser *p)
{
    uint32_t pos = p->L.start;
    /* the `<` was scanned in normal mode; rescan what follows in tag mode */
    p->L.pos = p->L.start + 1;
    sl__js_lex_jsx_tag(&p->L);
    js_node *el = element_after_lt(p, pos);
    next(p); /* past the final `>`, back in normal mode */
    return el;
}
