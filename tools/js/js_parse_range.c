/*
 * js_parse_range.c - the parser's entry point for a piece of a file
 * (js_parse_range.h): MDX hands over ESM blocks and braces in place.
 *
 * The lexer is set up on the whole file but told that it ends at `end`
 * and starts at `start`, so every position the parser records or reports
 * is an offset of the whole file.  Nothing here changes how statements or
 * expressions are parsed: it drives the same functions js_parser.c's
 * entry points do.
 */
#include <stdlib.h>
#include <string.h>

#include "js_parse_range.h"
#include "js_parser_int.h"

static js_node *range_program(js_parser *p)
{
    js_node *prog = sl__js_mk(p, N_PROGRAM, p->L.pos);
    next(p);
    size_t mark = p->stack.n;
    while (!is(p, TK_EOF)) {
        p->top = 1;
        js_node *s = sl__js_parse_stmt(p);
        if (s)
            push(p, s);
    }
    sl__js_list_end(p, prog, mark);
    return prog;
}

static js_node *range_expression(js_parser *p)
{
    js_node *prog = sl__js_mk(p, N_PROGRAM, p->L.pos);
    next(p);
    js_node *e = sl__js_parse_expr(p, L_LOWEST);
    if (!is(p, TK_EOF))
        sl__js_unexpected(p);
    js_node *st = sl__js_mk(p, N_EXPR, e->pos);
    st->a = e;
    prog->n = 1;
    prog->list = sl__js_list_copy(p->a, &st, 1);
    return prog;
}

int sl__js_parse_range(js_ast *out, const char *path, const char *src, size_t len, size_t start, size_t end,
                       int kind, const js_parse_opts *o, js_arena *a, char *err, size_t errlen, uint32_t *err_pos)
{
    memset(out, 0, sizeof *out);
    if (end > len)
        end = len;
    if (start > end)
        start = end;
    out->path = path;
    out->src = src;
    out->len = len;
    out->arena = a;
    jmp_buf fail;
    js_parser *p = sl__js_xrealloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    p->a = a;
    p->o = *o;
    p->ctx = o->module ? CTX_MODULE : 0;
    p->fs.strict = o->module ? STRICT_MODULE : 0;
    /* The lexer ends at `end`; a `#!` at the file's start is not ours to skip. */
    sl__js_lex_init(&p->L, src, end, a, &fail);
    p->L.pos = (uint32_t)start;
    int rc = 0;
    if (setjmp(fail) == 0) {
        out->program = kind == JS_RANGE_EXPRESSION ? range_expression(p) : range_program(p);
        sl__js_parse_finish(p);
        out->is_module = p->is_module || o->module;
        out->has_export = p->has_export;
        out->has_jsx = p->has_jsx;
    } else {
        sl__js_error_text(err, errlen, path, src, len, p->L.err_pos, p->L.err_msg);
        if (err_pos)
            *err_pos = p->L.err_pos;
        rc = p->L.err_msg == sl__js_msg_too_deep ? JS_RANGE_TOO_DEEP : -1;
    }
    sl__js_parser_free(p);
    return rc;
}

int sl__js_range_is_blank(const char *src, size_t start, size_t end)
{
    size_t i = start;
    while (i < end) {
        unsigned char c = (unsigned char)src[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
        } else if (c == '/' && i + 1 < end && src[i + 1] == '/') {
            while (i < end && src[i] != '\n' && src[i] != '\r')
                i++;
        } else if (c == '/' && i + 1 < end && src[i + 1] == '*') {
            const char *close = NULL;
            for (size_t k = i + 2; k + 1 < end; k++)
                if (src[k] == '*' && src[k + 1] == '/') {
                    close = src + k;
                    break;
                }
            if (!close)
                return 0;
            i = (size_t)(close - src) + 2;
        } else if (c == 0xC2 && i + 1 < end && (unsigned char)src[i + 1] == 0xA0) {
            i += 2; /* no-break space */
        } else {
            return 0;
        }
    }
    return 1;
}
