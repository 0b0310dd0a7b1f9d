/*
 * rpc.c - one JSON-RPC 2.0 request line in, a request (or an error) out.
 *
 * jansson parses the line; this file checks its shape against
 * docs/formats/md-rpc.md and turns it into an sl__md_req whose pages hold
 * references to their content strings, so the parsed tree can be dropped
 * at once and each page's text freed as soon as that page is rendered.
 * Every rejection names what was wrong and where, with the JSON-RPC code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

void sl__md_rpc_error(sl__md_buf *b, const char *id_json, int code, const char *msg)
{
    char num[32];
    sl__md_buf_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":");
    sl__md_buf_puts(b, id_json ? id_json : "null");
    snprintf(num, sizeof num, ",\"error\":{\"code\":%d,", code);
    sl__md_buf_puts(b, num);
    sl__md_buf_puts(b, "\"message\":");
    /* jansson quotes the offending input in its messages, which need not
     * be UTF-8: repair it, or the error line would not be JSON. */
    size_t n = strlen(msg), rn = 0;
    char *fixed = sl__md_utf8_valid(msg, n) ? NULL : sl__md_utf8_repair(msg, n, &rn);
    if (fixed || sl__md_utf8_valid(msg, n))
        sl__md_json_string(b, fixed ? fixed : msg, fixed ? rn : n);
    else
        sl__md_buf_puts(b, "\"(no memory to quote the message)\"");
    free(fixed);
    sl__md_buf_puts(b, "}}\n");
}

void sl__md_req_free(sl__md_req *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npages; i++) {
        free(r->pages[i].file);
        free(r->pages[i].err_msg);
        free(r->pages[i].msg);
        json_decref(r->pages[i].content);
        sl__md_buf_free(&r->pages[i].out);
    }
    free(r->pages);
    free(r->order);
    json_decref(r->id);
    json_decref(r->cancel_id);
    free(r->id_json);
    free(r);
}

/* options {dialect: "gfm"|"commonmark", unsafeHtml: bool}; unknown keys
 * are ignored so clients can pass their own. */
static int parse_options(json_t *o, sl__md_opts *out, char *err, size_t errlen)
{
    if (!o || json_is_null(o))
        return 0;
    if (!json_is_object(o)) {
        snprintf(err, errlen, "params.options must be an object");
        return -1;
    }
    json_t *d = json_object_get(o, "dialect");
    if (d) {
        const char *s = json_string_value(d);
        if (s && !strcmp(s, "gfm"))
            out->commonmark = 0;
        else if (s && !strcmp(s, "commonmark"))
            out->commonmark = 1;
        else {
            snprintf(err, errlen, "params.options.dialect must be \"gfm\" or \"commonmark\"");
            return -1;
        }
    }
    json_t *u = json_object_get(o, "unsafeHtml");
    if (u) {
        if (!json_is_boolean(u)) {
            snprintf(err, errlen, "params.options.unsafeHtml must be true or false");
            return -1;
        }
        out->unsafe_html = json_is_true(u);
    }
    return 0;
}

/* One {file, content} into a page; a bad page keeps a message instead. */
static int take_page(sl__md_rpc_page *p, json_t *f, const char *where, char *err, size_t errlen)
{
    json_t *file = json_is_object(f) ? json_object_get(f, "file") : NULL;
    json_t *content = json_is_object(f) ? json_object_get(f, "content") : NULL;
    if (file && json_is_string(file) && !(p->file = strdup(json_string_value(file))))
        return -1;
    if (!json_is_object(f))
        snprintf(err, errlen, "%s must be an object {file, content}", where);
    else if (file && !json_is_string(file) && !json_is_null(file))
        snprintf(err, errlen, "%s.file must be a string", where);
    else if (!json_is_string(content))
        snprintf(err, errlen, "%s.content must be a string", where);
    else {
        p->content = json_incref(content);
        p->len = json_string_length(content);
        return 0;
    }
    p->bad = 1;
    return (p->err_msg = strdup(err)) ? 0 : -1;
}

static const sl__md_req *sort_req;

static int cmp_page_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t lx = sort_req->pages[x].len, ly = sort_req->pages[y].len;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x < y ? -1 : 1;
}

/* The pages of a transform (one) or transformBatch (params.files). */
static int take_pages(sl__md_req *r, json_t *params, char *err, size_t errlen)
{
    json_t *files = params;
    size_t n = 1;
    if (r->kind == SL__MD_BATCH) {
        files = json_object_get(params, "files");
        if (!json_is_array(files)) {
            snprintf(err, errlen, "params.files must be an array of {file, content}");
            return 1;
        }
        n = json_array_size(files);
    }
    r->pages = calloc(n ? n : 1, sizeof *r->pages);
    r->order = calloc(n ? n : 1, sizeof *r->order);
    if (!r->pages || !r->order)
        return -1;
    r->npages = n;
    for (size_t i = 0; i < n; i++) {
        char where[64];
        snprintf(where, sizeof where, r->kind == SL__MD_BATCH ? "params.files[%zu]" : "params", i);
        json_t *f = r->kind == SL__MD_BATCH ? json_array_get(files, i) : params;
        if (take_page(&r->pages[i], f, where, err, errlen) != 0)
            return -1;
        if (r->kind == SL__MD_TRANSFORM && r->pages[i].bad)
            return 1; /* a lone page's problem is the request's */
        r->bytes += r->pages[i].len;
        r->order[i] = i;
    }
    /* qsort is not reentrant-safe with a context; requests are parsed on
     * one thread only (the reader), so a static context is enough. */
    sort_req = r;
    qsort(r->order, n, sizeof *r->order, cmp_page_size);
    return 0;
}

static int method_kind(const char *m)
{
    static const char *const names[] = {"transform", "transformBatch", "cancel", "shutdown"};
    for (int k = 0; k < 4; k++)
        if (!strcmp(m, names[k]))
            return k;
    return -1;
}

/* Checks params for method r->kind; 0, 1 (invalid params: err) or -1. */
static int take_params(sl__md_req *r, json_t *params, char *err, size_t errlen)
{
    if (r->kind == SL__MD_SHUTDOWN)
        return 0;
    if (!json_is_object(params)) {
        snprintf(err, errlen, "params must be an object");
        return 1;
    }
    if (r->kind == SL__MD_CANCEL) {
        json_t *id = json_object_get(params, "id");
        if (!json_is_string(id) && !json_is_integer(id)) {
            snprintf(err, errlen, "params.id must be the string or number id of a request");
            return 1;
        }
        r->cancel_id = json_incref(id);
        return 0;
    }
    if (parse_options(json_object_get(params, "options"), &r->opts, err, errlen) != 0)
        return 1;
    return take_pages(r, params, err, errlen);
}

sl__md_req *sl__md_rpc_parse(const char *line, size_t n, sl__md_buf *reply)
{
    json_error_t je;
    char err[300];
    json_t *root = json_loadb(line, n, JSON_ALLOW_NUL, &je);
    if (!root) {
        snprintf(err, sizeof err, "parse error at line 1, column %d: %s", je.column, je.text);
        sl__md_rpc_error(reply, NULL, SL__MD_PARSE_ERROR, err);
        return NULL;
    }
    sl__md_req *r = calloc(1, sizeof *r);
    json_t *id = json_is_object(root) ? json_object_get(root, "id") : NULL;
    int id_ok = !id || json_is_string(id) || json_is_integer(id) || json_is_null(id);
    if (!r)
        goto nomem;
    if (id && id_ok && !json_is_null(id)) {
        r->id = json_incref(id);
        if (!(r->id_json = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY)))
            goto nomem;
    }
    const char *ver = json_string_value(json_object_get(root, "jsonrpc"));
    const char *method = json_string_value(json_object_get(root, "method"));
    if (!json_is_object(root) || !ver || strcmp(ver, "2.0") || !method || !id_ok) {
        snprintf(err, sizeof err, !json_is_object(root) ? "a request must be a JSON object"
                                  : !ver || strcmp(ver, "2.0") ? "\"jsonrpc\" must be \"2.0\""
                                  : !method ? "\"method\" must be a string"
                                            : "\"id\" must be a string, a number or null");
        sl__md_rpc_error(reply, r->id_json, SL__MD_INVALID_REQUEST, err);
        goto fail;
    }
    if ((r->kind = method_kind(method)) < 0) {
        snprintf(err, sizeof err, "method not found: %.200s", method);
        if (r->id)
            sl__md_rpc_error(reply, r->id_json, SL__MD_METHOD_NOT_FOUND, err);
        goto fail;
    }
    int rc = take_params(r, json_object_get(root, "params"), err, sizeof err);
    if (rc < 0)
        goto nomem;
    if (rc > 0) {
        if (r->id)
            sl__md_rpc_error(reply, r->id_json, SL__MD_INVALID_PARAMS, err);
        goto fail;
    }
    json_decref(root);
    return r;
nomem:
    sl__md_rpc_error(reply, r ? r->id_json : NULL, SL__MD_INTERNAL_ERROR, "out of memory");
fail:
    json_decref(root);
    sl__md_req_free(r);
    return NULL;
}

void sl__md_rpc_render_page(sl__md_req *r, size_t i)
{
    sl__md_rpc_page *p = &r->pages[i];
    char err[256];
    const char *msg = p->err_msg;
    int code = SL__MD_INVALID_PARAMS;
    if (!p->bad) {
        sl__md_page page;
        int rc = sl__md_render(json_string_value(p->content), p->len, &r->opts, &page, err,
                               sizeof err);
        json_decref(p->content); /* the text is not needed any more */
        p->content = NULL;
        if (rc == 0) {
            sl__md_page_json(&p->out, p->file, &page);
            sl__md_page_free(&page);
            if (!p->out.failed)
                return;
            sl__md_buf_free(&p->out);
            snprintf(err, sizeof err, "out of memory");
        }
        msg = err;
        code = SL__MD_INTERNAL_ERROR;
    }
    /* A per-page error: {file, error:{code, message}}. */
    char num[32];
    p->code = code;
    p->msg = strdup(msg);
    sl__md_buf_puts(&p->out, "{\"file\":");
    if (p->file)
        sl__md_json_string(&p->out, p->file, strlen(p->file));
    else
        sl__md_buf_puts(&p->out, "null");
    snprintf(num, sizeof num, ",\"error\":{\"code\":%d,", code);
    sl__md_buf_puts(&p->out, num);
    sl__md_buf_puts(&p->out, "\"message\":");
    sl__md_json_string(&p->out, msg, strlen(msg));
    sl__md_buf_puts(&p->out, "}}");
}
