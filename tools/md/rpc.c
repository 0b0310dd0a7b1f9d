/*
 * rpc.c - one JSON-RPC 2.0 request line in, requests (or errors) out: a
 * line holds one request object or a batch array of them.
 *
 * cJSON parses the line (see "JSON" in tools/md/README.md for why cJSON
 * here and jansson for front matter); this file checks its shape against
 * docs/formats/md-rpc.md and turns it into an sl__md_req whose pages own
 * their content strings, taken out of the parsed tree so that the tree can
 * be dropped at once and each page's text freed as soon as that page is
 * rendered.  Every rejection names what was wrong and where, with the
 * JSON-RPC code.
 *
 * What cJSON accepts beyond RFC 8259 is closed off before it parses: the
 * line must be valid UTF-8 and hold no raw NUL (cJSON strings are
 * NUL-terminated, so a page would be cut short), and the escape \u0000 is
 * read as U+FFFD, the character CommonMark puts in place of NUL anyway; so
 * is a lone surrogate escape, which cJSON would refuse.  Where cJSON
 * reads differently from JSON.parse (what a JavaScript client's JSON is
 * written for), JSON.parse's reading is taken: text after the value is a
 * parse error, and of duplicate keys the last wins.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SL__MD_CJSON_CALLS /* cJSON_* through the loaded library */
#include "hex_digit.h"
#include "md_libs.h"
#include "rpc.h"
#include "walk.h"

/* An object's member as JSON.parse reads it: where a key repeats, the
 * last one wins (cJSON's own lookup returns the first).  NULL if absent
 * or o is not an object. */
static cJSON *member(const cJSON *o, const char *name)
{
    cJSON *last = NULL;
    if (cJSON_IsObject(o))
        for (cJSON *c = o->child; c; c = c->next)
            if (c->string && !strcmp(c->string, name))
                last = c;
    return last;
}

void sl__md_rpc_error(sl__md_buf *b, const char *id_json, int code, const char *msg)
{
    sl__md_rpc_error_data(b, id_json, code, msg, NULL);
}

void sl__md_rpc_error_data(sl__md_buf *b, const char *id_json, int code, const char *msg, const char *data)
{
    char num[32];
    sl__md_buf_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":");
    sl__md_buf_puts(b, id_json ? id_json : "null");
    snprintf(num, sizeof num, ",\"error\":{\"code\":%d,", code);
    sl__md_buf_puts(b, num);
    sl__md_buf_puts(b, "\"message\":");
    /* Messages may quote request text cut at a byte count ("method not
     * found: %.200s" can split a UTF-8 sequence): repair it, or the error
     * line would not be JSON. */
    size_t n = strlen(msg), rn = 0;
    char *fixed = sl__md_utf8_valid(msg, n) ? NULL : sl__md_utf8_repair(msg, n, &rn);
    if (fixed || sl__md_utf8_valid(msg, n))
        sl__md_json_string(b, fixed ? fixed : msg, fixed ? rn : n);
    else
        sl__md_buf_puts(b, "\"(no memory to quote the message)\"");
    free(fixed);
    if (data) {
        sl__md_buf_puts(b, ",\"data\":");
        sl__md_buf_puts(b, data);
    }
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
        free(r->pages[i].data);
        free(r->pages[i].content);
        sl__md_buf_free(&r->pages[i].out);
    }
    free(r->pages);
    free(r->order);
    free(r->cancel_id);
    free(r->id_json);
    free(r->id_key);
    free(r);
}

/* A boolean option; 0 (absent or set), or -1 with a message. */
static int bool_option(const cJSON *o, const char *name, int *out, char *err, size_t errlen)
{
    const cJSON *v = member(o, name);
    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        snprintf(err, errlen, "params.options.%s must be true or false", name);
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

/* MDX's options: jsxImportSource, providerImportSource (strings),
 * headingIds (bool); 0, or -1 with a message. */
static int mdx_options(const cJSON *o, sl__md_opts *out, char *err, size_t errlen)
{
    static const struct { const char *name; size_t off; } src[] = {
        {"jsxImportSource", offsetof(sl__md_opts, jsx_import_source)},
        {"providerImportSource", offsetof(sl__md_opts, provider_import_source)}};
    for (size_t k = 0; k < 2; k++) {
        const cJSON *v = member(o, src[k].name);
        char *dst = (char *)out + src[k].off;
        if (!v || cJSON_IsNull(v))
            continue;
        if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= sizeof out->jsx_import_source) {
            snprintf(err, errlen, "params.options.%s must be a module name of 1 to %zu bytes", src[k].name,
                     sizeof out->jsx_import_source - 1);
            return -1;
        }
        memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
    }
    int ids = !out->no_heading_ids;
    if (bool_option(o, "headingIds", &ids, err, errlen) != 0)
        return -1;
    out->no_heading_ids = !ids;
    return 0;
}

/* options {dialect: "gfm"|"commonmark", unsafeHtml, frontMatter, xhtml:
 * bool}; unknown keys are ignored so clients can pass their own. */
static int parse_options(const cJSON *o, sl__md_opts *out, char *err, size_t errlen)
{
    if (!o || cJSON_IsNull(o))
        return 0;
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "params.options must be an object");
        return -1;
    }
    const cJSON *d = member(o, "dialect");
    if (d) {
        const char *s = cJSON_GetStringValue(d);
        if (s && !strcmp(s, "gfm"))
            out->commonmark = 0;
        else if (s && !strcmp(s, "commonmark"))
            out->commonmark = 1;
        else {
            snprintf(err, errlen, "params.options.dialect must be \"gfm\" or \"commonmark\"");
            return -1;
        }
    }
    int fm = !out->no_frontmatter;
    if (bool_option(o, "unsafeHtml", &out->unsafe_html, err, errlen) != 0 ||
        bool_option(o, "frontMatter", &fm, err, errlen) != 0 ||
        bool_option(o, "xhtml", &out->xhtml, err, errlen) != 0)
        return -1;
    out->no_frontmatter = !fm;
    return mdx_options(o, out, err, errlen);
}

/* The page's "format": "md" or "mdx"; without one, a file named *.mdx is
 * MDX.  0, or -1 with a message. */
static int page_format(sl__md_rpc_page *p, const cJSON *f, const char *where, char *err, size_t errlen)
{
    const cJSON *v = member(f, "format");
    const char *s = cJSON_GetStringValue(v);
    if (!v || cJSON_IsNull(v)) {
        p->mdx = p->file && sl__md_is_mdx_name(p->file);
        return 0;
    }
    if (!s || (strcmp(s, "md") && strcmp(s, "mdx"))) {
        snprintf(err, errlen, "%s.format must be \"md\" or \"mdx\"", where);
        return -1;
    }
    p->mdx = !strcmp(s, "mdx");
    return 0;
}

/* One {file, content} into a page, which takes the content string out of
 * the tree; a bad page keeps a message instead. */
static int take_page(sl__md_rpc_page *p, cJSON *f, const char *where, char *err, size_t errlen)
{
    cJSON *file = cJSON_IsObject(f) ? member(f, "file") : NULL;
    cJSON *content = cJSON_IsObject(f) ? member(f, "content") : NULL;
    if (cJSON_IsString(file) && !(p->file = strdup(file->valuestring)))
        return -1;
    if (!cJSON_IsObject(f))
        snprintf(err, errlen, "%s must be an object {file, content}", where);
    else if (file && !cJSON_IsString(file) && !cJSON_IsNull(file))
        snprintf(err, errlen, "%s.file must be a string", where);
    else if (!cJSON_IsString(content))
        snprintf(err, errlen, "%s.content must be a string", where);
    else if (page_format(p, f, where, err, errlen) != 0)
        ;
    else {
        p->content = content->valuestring; /* taken: cJSON_Delete skips a NULL string */
        content->valuestring = NULL;
        p->len = strlen(p->content);
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
static int take_pages(sl__md_req *r, cJSON *params, char *err, size_t errlen)
{
    cJSON *files = params, *f = params;
    size_t n = 1;
    if (r->kind == SL__MD_BATCH) {
        files = member(params, "files");
        if (!cJSON_IsArray(files)) {
            snprintf(err, errlen, "params.files must be an array of {file, content}");
            return 1;
        }
        n = 0;
        for (cJSON *e = files->child; e; e = e->next)
            n++;
        f = files->child;
    }
    r->pages = calloc(n ? n : 1, sizeof *r->pages);
    r->order = calloc(n ? n : 1, sizeof *r->order);
    if (!r->pages || !r->order)
        return -1;
    r->npages = n;
    for (size_t i = 0; i < n; i++) {
        char where[64];
        snprintf(where, sizeof where, r->kind == SL__MD_BATCH ? "params.files[%zu]" : "params", i);
        if (take_page(&r->pages[i], f, where, err, errlen) != 0)
            return -1;
        if (r->kind == SL__MD_BATCH)
            f = f->next; /* the array is a list: walk it, not index it */
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

/* An id as canonical JSON text: a string (escaped as we write strings) or
 * a number.  JSON-RPC says ids SHOULD NOT be fractional; one that is
 * (1.5) is echoed as the shortest text that reads as the same double,
 * which is how JSON.stringify writes it (advmd F6: it was refused, and
 * the client's call never settled).  JavaScript, the usual client, has
 * exact integers only up to 2^53, and so has cJSON (its numbers are
 * doubles), so an integer id outside that range is refused rather than
 * answered under a different number.  2^53 itself is outside: the text
 * 9007199254740993 reads as that double too, so only magnitudes up to
 * 2^53 - 1 (Number.MAX_SAFE_INTEGER) are known to be the id sent.
 * NULL: not an acceptable id. */
static char *id_text(const cJSON *id)
{
    sl__md_buf b = {0};
    char num[40];
    if (cJSON_IsString(id))
        sl__md_json_string(&b, id->valuestring, strlen(id->valuestring));
    else if (cJSON_IsNumber(id) && id->valuedouble == floor(id->valuedouble) &&
             fabs(id->valuedouble) < 9007199254740992.0) {
        snprintf(num, sizeof num, "%lld", (long long)id->valuedouble);
        sl__md_buf_puts(&b, num);
    } else if (cJSON_IsNumber(id) && isfinite(id->valuedouble) && id->valuedouble != floor(id->valuedouble)) {
        for (int prec = 1; prec <= 17; prec++) { /* the shortest that reads back (17 always does) */
            snprintf(num, sizeof num, "%.*g", prec, id->valuedouble);
            if (strtod(num, NULL) == id->valuedouble)
                break;
        }
        sl__md_buf_puts(&b, num);
    } else
        return NULL;
    sl__md_buf_putc(&b, 0);
    if (b.failed) {
        sl__md_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static int escapes_to_replacement(char *line, size_t n);

/* The end of the JSON string starting at p[i] == '"' (the index after its
 * closing quote), or 0 if it does not end within n. */
static size_t string_end(const char *p, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '"')
            return i + 1;
    }
    return 0;
}

char *sl__md_rpc_prefix_id(const char *p, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '{' || p[i] == '[')
            depth++;
        else if (p[i] == '}' || p[i] == ']')
            depth--;
        if (p[i] != '"')
            continue;
        size_t e = string_end(p, n, i);
        if (!e)
            return NULL;
        int key = depth == 1 && e - i == 4 && !memcmp(p + i, "\"id\"", 4);
        i = e - 1;
        if (!key)
            continue;
        size_t k = e;
        while (k < n && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k >= n || p[k] != ':')
            continue; /* "id" as a value, not a key */
        for (k++; k < n && (p[k] == ' ' || p[k] == '\t'); k++)
            ;
        size_t v = k;
        if (k < n && p[k] == '"')
            k = string_end(p, n, k);
        else
            while (k < n && strchr("-+0123456789.eE", p[k]))
                k++;
        if (!k || k >= n || k == v) /* the value runs past the prefix: unknown */
            return NULL;
        char *text = strndup(p + v, k - v);
        if (!text)
            return NULL;
        int replaced = p[v] == '"' && escapes_to_replacement(text, k - v);
        cJSON *id = cJSON_ParseWithLength(text, k - v);
        char *canon = id ? id_text(id) : NULL;
        cJSON_Delete(id);
        if (canon && replaced) { /* the string as the request wrote it (advmd F6) */
            free(canon);
            memcpy(text, p + v, k - v);
            return text;
        }
        free(text);
        return canon;
    }
    return NULL;
}

/* Checks params for method r->kind; 0, 1 (invalid params: err) or -1. */
static int take_params(sl__md_req *r, cJSON *params, char *err, size_t errlen)
{
    if (r->kind == SL__MD_SHUTDOWN)
        return 0;
    if (!cJSON_IsObject(params)) {
        snprintf(err, errlen, "params must be an object");
        return 1;
    }
    if (r->kind == SL__MD_CANCEL) {
        cJSON *id = member(params, "id");
        if (!(r->cancel_id = id_text(id))) {
            snprintf(err, errlen, "params.id must be the string or integer id of a request");
            return 1;
        }
        return 0;
    }
    if (parse_options(member(params, "options"), &r->opts, err, errlen) != 0)
        return 1;
    return take_pages(r, params, err, errlen);
}

/* A line cJSON may parse: valid UTF-8, no raw NUL.  0, or -1 with the
 * parse-error message in err. */
static int check_bytes(const char *line, size_t n, char *err, size_t errlen)
{
    size_t bad = sl__md_utf8_check(line, n);
    const char *nul = bad < n && line[bad] == 0 ? line + bad : NULL;
    if (nul) {
        snprintf(err, errlen, "parse error at line 1, column %zu: NUL byte", (size_t)(nul - line) + 1);
        return -1;
    }
    if (bad < n) {
        snprintf(err, errlen, "parse error at line 1, column %zu: invalid UTF-8", bad + 1);
        return -1;
    }
    return 0;
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = sl_hex_digit(c);
        if (d < 0)
            return 0;
        *v = *v << 4 | (unsigned)d;
    }
    return 1;
}

/* Escapes cJSON would refuse or cut a string at become \uFFFD in place
 * (both six bytes), where the backslash really begins an escape (an odd
 * run of backslashes): \u0000, and a lone surrogate - valid JSON (RFC
 * 8259 8.2; JSON.stringify writes one when a string is cut inside an
 * emoji) that no UTF-8 can hold.  A high surrogate followed by a low one
 * is a pair, and stays.  1 if one was replaced. */
static int escapes_to_replacement(char *line, size_t n)
{
    int replaced = 0;
    for (char *p = line, *end = line + n; (p = memchr(p, '\\', (size_t)(end - p)));) {
        char *q = p;
        while (q < end && *q == '\\')
            q++;
        unsigned v, w;
        if ((q - p) % 2 == 1 && end - q >= 5 && *q == 'u' && hex4(q + 1, &v)) {
            int high = v >= 0xD800 && v <= 0xDBFF, low = v >= 0xDC00 && v <= 0xDFFF;
            int paired = high && end - q >= 11 && q[5] == '\\' && q[6] == 'u' && hex4(q + 7, &w) &&
                         w >= 0xDC00 && w <= 0xDFFF;
            if (paired)
                q += 6; /* skip the low half too */
            else if (v == 0 || high || low) {
                memcpy(q + 1, "FFFD", 4);
                replaced = 1;
            }
        }
        p = q;
    }
    return replaced;
}

/* A -32700 answer for the line, naming the column at `at`. */
static void parse_error(sl__md_buf *reply, const char *line, size_t n, size_t at, const char *what)
{
    char err[300];
    int near = (int)(n - at < 24 ? n - at : 24);
    while (near > 0 && at + (size_t)near < n && (line[at + (size_t)near] & 0xC0) == 0x80)
        near--; /* do not cut a UTF-8 sequence */
    snprintf(err, sizeof err, "parse error at line 1, column %zu: %s near '%.*s'", at + 1, what, near, line + at);
    sl__md_rpc_error(reply, NULL, SL__MD_PARSE_ERROR, err);
}

/* Where the line's arrays and objects nest deeper than SL__MD_RPC_MAX_DEPTH
 * (the index of the bracket that goes past), or n.  cJSON parses by
 * recursion: its own limit is the same 1,000, but a line nested a few
 * hundred deep overflowed a small task stack before reaching it (serve.c
 * gives the reader room for this depth); this check keeps the promise
 * whatever stack cJSON runs on. */
static size_t too_deep(const char *p, size_t n)
{
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') {
            size_t e = string_end(p, n, i);
            if (!e)
                return n; /* cJSON will say what is wrong */
            i = e - 1;
        } else if (p[i] == '[' || p[i] == '{') {
            if (++depth > SL__MD_RPC_MAX_DEPTH)
                return i;
        } else if ((p[i] == ']' || p[i] == '}') && depth > 0)
            depth--;
    }
    return n;
}

/* The line as a JSON value, or NULL with the -32700 (or -32603) answer in
 * reply.  Like JSON.parse, it takes one value and whitespace around it:
 * cJSON stops after the value, so what follows is checked here. */
static cJSON *parse_json(const char *line, size_t n, sl__md_buf *reply, int *replaced)
{
    char err[300];
    if (check_bytes(line, n, err, sizeof err) != 0) {
        sl__md_rpc_error(reply, NULL, SL__MD_PARSE_ERROR, err);
        return NULL;
    }
    size_t deep = too_deep(line, n);
    if (deep < n) { /* answered with its id when one comes before the depth */
        char *id = sl__md_rpc_prefix_id(line, deep);
        snprintf(err, sizeof err, "parse error at line 1, column %zu: arrays and objects nested deeper than %d levels",
                 deep + 1, SL__MD_RPC_MAX_DEPTH);
        sl__md_rpc_error(reply, id, SL__MD_PARSE_ERROR, err);
        free(id);
        return NULL;
    }
    char *copy = NULL;
    if (memmem(line, n, "\\u", 2)) {
        if (!(copy = malloc(n ? n : 1))) {
            sl__md_rpc_error(reply, NULL, SL__MD_INTERNAL_ERROR, "out of memory");
            return NULL;
        }
        memcpy(copy, line, n);
        *replaced = escapes_to_replacement(copy, n);
        line = copy;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(line, n, &end, 0);
    size_t at = end && end >= line && end <= line + n ? (size_t)(end - line) : 0;
    if (!root)
        parse_error(reply, line, n, at, at >= n ? "unexpected end of input" : "invalid JSON");
    else {
        while (at < n && (line[at] == ' ' || line[at] == '\t' || line[at] == '\r' || line[at] == '\n'))
            at++;
        if (at < n) {
            parse_error(reply, line, n, at, "text after the JSON value");
            cJSON_Delete(root);
            root = NULL;
        }
    }
    free(copy); /* cJSON copied every string it kept */
    return root;
}

/* The JSON text of the string value of the last top-level "id" member of
 * request `index` of the line p[0..n) (of its batch array's elements, or
 * the line's object), as written; NULL (*len 0) when there is none. */
static const char *raw_string_id(const char *p, size_t n, int batch, size_t index, size_t *len)
{
    const char *found = NULL;
    size_t depth = 0, elem = 0, at = batch ? 2 : 1;
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '{' || p[i] == '[')
            depth++;
        else if (p[i] == '}' || p[i] == ']')
            depth--;
        else if (p[i] == ',' && batch && depth == 1 && elem++ == index)
            break;
        if (p[i] != '"')
            continue;
        size_t e = string_end(p, n, i), k = e;
        if (!e)
            break;
        if (depth == at && elem == index && e - i == 4 && !memcmp(p + i, "\"id\"", 4)) {
            while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
                k++;
            if (k < n && p[k] == ':') {
                for (k++; k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'); k++)
                    ;
                size_t ve = k < n && p[k] == '"' ? string_end(p, n, k) : 0;
                found = ve ? p + k : NULL; /* the last wins, as in JSON.parse */
                *len = ve ? ve - k : 0;
                if (ve)
                    e = ve;
            }
        }
        i = e - 1;
    }
    return found;
}

/* Where the line is from, for an id that must be echoed as written. */
typedef struct line_ref {
    const char *line;
    size_t n;
    int batch, replaced; /* replaced: the line held \u0000 or a lone surrogate, read as U+FFFD */
    size_t index;
} line_ref;

/* One request object of the line into a request, or NULL with its answer
 * (none for a notification, unless the object is no request at all) in
 * reply.  Page contents are taken out of root. */
static sl__md_req *request_from(cJSON *root, sl__md_buf *reply, const line_ref *lr)
{
    char err[300];
    sl__md_req *r = calloc(1, sizeof *r);
    cJSON *id = member(root, "id");
    /* JSON-RPC 2.0 section 4: only a request without "id" is a
     * notification; "id": null is a request, answered with id null. */
    char *idt = !id ? NULL : cJSON_IsNull(id) ? strdup("null") : id_text(id);
    int id_ok = !id || idt;
    if (!r || (id && cJSON_IsNull(id) && !idt))
        goto nomem;
    if (idt) {
        r->id_json = idt;
        r->has_id = 1;
        idt = NULL;
    }
    /* A string id that held \u0000 or a lone surrogate (read as U+FFFD)
     * is answered as the request wrote it: the client compares the string
     * it sent, and "a\ufffdb" matched no call of its own (advmd F6). */
    size_t rl;
    const char *raw;
    if (r->id_json && lr->replaced && cJSON_IsString(id) && strstr(id->valuestring, "\xEF\xBF\xBD") &&
        (raw = raw_string_id(lr->line, lr->n, lr->batch, lr->index, &rl))) {
        if (!(r->id_key = strndup(raw, rl)))
            goto nomem;
        char *t = r->id_key; /* the canonical text compares; the written one answers */
        r->id_key = r->id_json;
        r->id_json = t;
    }
    const char *ver = cJSON_GetStringValue(member(root, "jsonrpc"));
    const char *method = cJSON_GetStringValue(member(root, "method"));
    if (!cJSON_IsObject(root) || !ver || strcmp(ver, "2.0") || !method || !id_ok) {
        snprintf(err, sizeof err, !cJSON_IsObject(root) ? "a request must be a JSON object"
                                  : !ver || strcmp(ver, "2.0") ? "\"jsonrpc\" must be \"2.0\""
                                  : !method ? "\"method\" must be a string"
                                            : "\"id\" must be a string, an integer (of magnitude at most 2^53 - 1), a fractional number or null");
        sl__md_rpc_error(reply, r->id_json, SL__MD_INVALID_REQUEST, err);
        goto fail;
    }
    if ((r->kind = method_kind(method)) < 0) {
        snprintf(err, sizeof err, "method not found: %.200s", method);
        if (r->has_id)
            sl__md_rpc_error(reply, r->id_json, SL__MD_METHOD_NOT_FOUND, err);
        goto fail;
    }
    int rc = take_params(r, member(root, "params"), err, sizeof err);
    if (rc < 0)
        goto nomem;
    if (rc > 0) {
        if (r->has_id)
            sl__md_rpc_error(reply, r->id_json, SL__MD_INVALID_PARAMS, err);
        goto fail;
    }
    return r;
nomem:
    sl__md_rpc_error(reply, r ? r->id_json : NULL, SL__MD_INTERNAL_ERROR, "out of memory");
fail:
    free(idt);
    sl__md_req_free(r);
    return NULL;
}

void sl__md_rpc_parse_line(const char *line, size_t n, sl__md_rpc_line *l)
{
    *l = (sl__md_rpc_line){0};
    line_ref lr = {line, n, 0, 0, 0};
    cJSON *root = parse_json(line, n, &l->errors, &lr.replaced);
    if (!root)
        return;
    size_t count = 1;
    cJSON *e = root;
    if (cJSON_IsArray(root)) {
        /* A JSON-RPC 2.0 batch: each element is a request of its own. */
        count = (size_t)cJSON_GetArraySize(root);
        e = root->child;
        if (count == 0 || count > SL__MD_RPC_BATCH_MAX) {
            char err[96];
            snprintf(err, sizeof err, count ? "a batch array holds at most %d requests" : "an empty batch array",
                     SL__MD_RPC_BATCH_MAX);
            sl__md_rpc_error(&l->errors, NULL, SL__MD_INVALID_REQUEST, err);
            cJSON_Delete(root);
            return;
        }
        l->batch = lr.batch = 1;
    }
    if (!(l->reqs = calloc(count, sizeof *l->reqs)))
        sl__md_rpc_error(&l->errors, NULL, SL__MD_INTERNAL_ERROR, "out of memory");
    for (size_t i = 0; l->reqs && i < count; i++, e = e->next) {
        lr.index = i;
        sl__md_req *r = request_from(e, &l->errors, &lr);
        if (r)
            l->reqs[l->nreqs++] = r;
    }
    cJSON_Delete(root);
}

void sl__md_rpc_line_free(sl__md_rpc_line *l)
{
    for (size_t i = 0; i < l->nreqs; i++)
        sl__md_req_free(l->reqs[i]);
    free(l->reqs);
    sl__md_buf_free(&l->errors);
}

/* {"cause":..., "status":..., "attempts":n}: why a worker failed on it. */
static char *failure_data(const sl__md_iso_failure *f)
{
    sl__md_buf b = {0};
    char num[48];
    sl__md_buf_puts(&b, "{\"cause\":");
    sl__md_json_string(&b, f->cause, strlen(f->cause));
    sl__md_buf_puts(&b, ",\"status\":");
    sl__md_json_string(&b, f->status, strlen(f->status));
    snprintf(num, sizeof num, ",\"attempts\":%d}", f->attempts);
    sl__md_buf_puts(&b, num);
    sl__md_buf_putc(&b, 0);
    if (b.failed) {
        sl__md_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* An MDX page's syntax error, err "LINE:COL: message\n    line\n    ^":
 * the message becomes "FILE:LINE:COL: message" and p->data
 * {line, column, frame}, what an editor's overlay shows.  Returns the
 * error code. */
static int mdx_error(sl__md_rpc_page *p, char *err, size_t errlen)
{
    unsigned line = 0, col = 0;
    int used = 0;
    if (sscanf(err, "%u:%u: %n", &line, &col, &used) != 2 || !used)
        return SL__MD_INTERNAL_ERROR;
    const char *nl = strchr(err, '\n');
    const char *frame = nl ? nl + 1 : "";
    size_t mlen = (size_t)((nl ? nl : err + strlen(err)) - (err + used));
    sl__md_buf d = {0};
    char num[64];
    snprintf(num, sizeof num, "{\"line\":%u,\"column\":%u,\"frame\":", line, col);
    sl__md_buf_puts(&d, num);
    sl__md_json_string(&d, frame, strlen(frame));
    sl__md_buf_puts(&d, "}");
    sl__md_buf_putc(&d, 0);
    if (d.failed) {
        sl__md_buf_free(&d);
        return SL__MD_INTERNAL_ERROR;
    }
    p->data = d.data;
    char *m = NULL;
    if (asprintf(&m, "%s:%u:%u: %.*s", p->file ? p->file : "<input>", line, col, (int)mlen, err + used) >= 0) {
        snprintf(err, errlen, "%s", m);
        free(m);
    }
    return SL__MD_MDX_SYNTAX;
}

/* Renders the page in a worker process: 0 with p->out set, or the error
 * code with its message in err (and p->data for a worker's failure). */
static int render_isolated(const sl__md_opts *o, sl__md_rpc_page *p, sl__md_iso *iso, char *err, size_t errlen)
{
    sl__md_page page;
    sl__md_iso_failure f;
    int rc = sl__md_iso_render(iso, p->file, p->content, p->len, o, 1, &p->out, &page, &f);
    sl__md_page_free(&page); /* its warnings are in the JSON already */
    if (rc == 0)
        return 0;
    if (!f.worker) {
        snprintf(err, errlen, "%s", f.msg);
        return o->mdx ? mdx_error(p, err, errlen) : SL__MD_INTERNAL_ERROR;
    }
    snprintf(err, errlen, "rendering failed in a worker process: %s", f.cause);
    p->data = failure_data(&f);
    return SL__MD_WORKER_FAILED;
}

void sl__md_rpc_render_page(sl__md_req *r, size_t i, sl__md_iso *iso)
{
    sl__md_rpc_page *p = &r->pages[i];
    char err[1200];
    const char *msg = p->err_msg;
    int code = SL__MD_INVALID_PARAMS;
    sl__md_opts o = r->opts;
    o.mdx = p->mdx;
    if (!p->bad && iso) {
        code = render_isolated(&o, p, iso, err, sizeof err);
        free(p->content);
        p->content = NULL;
        if (code == 0)
            return;
        msg = err;
    } else if (!p->bad) {
        sl__md_page page;
        int rc = sl__md_render(p->content, p->len, &o, &page, err, sizeof err);
        free(p->content); /* the text is not needed any more */
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
        code = rc == -2 ? mdx_error(p, err, sizeof err) : SL__MD_INTERNAL_ERROR;
    }
    /* A per-page error: {file, error:{code, message[, data]}}. */
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
    if (p->data) {
        sl__md_buf_puts(&p->out, ",\"data\":");
        sl__md_buf_puts(&p->out, p->data);
    }
    sl__md_buf_puts(&p->out, "}}");
}
