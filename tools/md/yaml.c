/*
 * yaml.c - the YAML subset that front matter uses, parsed into JSON.
 *
 * Front matter is almost always a flat or shallow map: `title: x`,
 * `tags: [a, b]`, lists of `- item`, a nested map or two, now and then a
 * `description: |` block.  This parser accepts exactly that (block maps and
 * lists by indentation, one-line flow lists and maps, plain, single- and
 * double-quoted scalars, | and > block scalars, # comments) and gives up
 * (NULL) on anything else - anchors, tags, multi-line plain scalars, tabs -
 * so the caller can hand the text back verbatim rather than guess.
 */
#include <stdlib.h>
#include <string.h>

#include "md.h"

typedef struct line {
    size_t indent; /* leading spaces */
    const char *text;
    size_t len;    /* without indent, trailing blanks and CR */
    int blank;     /* empty or only a comment */
} line;

typedef struct yp {
    line *lines;
    size_t n;
    int fail;
    int depth; /* nesting, bounded so hostile input cannot exhaust the stack */
} yp;

static json_t *parse_block(yp *p, size_t *i, size_t min_indent);

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void skip_blank(yp *p, size_t *i)
{
    while (*i < p->n && p->lines[*i].blank)
        (*i)++;
}

/* Plain text with a trailing ` #comment` removed and blanks trimmed. */
static size_t strip_comment(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '#' && (i == 0 || is_space(s[i - 1]))) {
            n = i;
            break;
        }
    while (n && is_space(s[n - 1]))
        n--;
    return n;
}

static int is_list_item(const line *l)
{
    return l->len >= 1 && l->text[0] == '-' && (l->len == 1 || l->text[1] == ' ');
}

/* JSON number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n || s[i] < '0' || s[i] > '9')
        return 0;
    if (s[i] == '0')
        i++;
    else
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

static json_t *plain_scalar(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '~') || (n == 4 && !memcmp(s, "null", 4)))
        return json_null();
    if (n == 4 && !memcmp(s, "true", 4))
        return json_true();
    if (n == 5 && !memcmp(s, "false", 5))
        return json_false();
    if (is_number(s, n)) {
        char tmp[64];
        if (n < sizeof tmp) {
            memcpy(tmp, s, n);
            tmp[n] = 0;
            if (!memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n) && n < 19)
                return json_integer(strtoll(tmp, NULL, 10));
            return json_real(strtod(tmp, NULL));
        }
    }
    /* Indicators that start YAML constructs this subset does not take. */
    if (strchr("&*!|>%@`", s[0]))
        return NULL;
    return json_stringn(s, n);
}

/* A quoted scalar at s[*i]; advances *i past the closing quote. */
static json_t *quoted(const char *s, size_t n, size_t *i)
{
    char q = s[*i];
    sl__md_buf b = {0};
    size_t k = *i + 1;
    for (; k < n; k++) {
        char c = s[k];
        if (c == q) {
            if (q == '\'' && k + 1 < n && s[k + 1] == '\'') {
                sl__md_buf_putc(&b, '\'');
                k++;
                continue;
            }
            break;
        }
        if (c == '\\' && q == '"' && k + 1 < n) {
            char e = s[++k];
            const char *m = strchr("nt\"\\/0r", e);
            if (!m || !e) {
                sl__md_buf_free(&b);
                return NULL;
            }
            const char rep[] = "\n\t\"\\/\0\r";
            c = rep[m - "nt\"\\/0r"];
        }
        sl__md_buf_putc(&b, c);
    }
    if (k >= n || b.failed) {
        sl__md_buf_free(&b);
        return NULL;
    }
    *i = k + 1;
    json_t *v = json_stringn(b.data ? b.data : "", b.len);
    sl__md_buf_free(&b);
    return v;
}

static json_t *flow(const char *s, size_t n, size_t *i, int depth);

/* One flow item (scalar or nested collection) ending at , ] or }. */
static json_t *flow_item(const char *s, size_t n, size_t *i, int depth)
{
    while (*i < n && is_space(s[*i]))
        (*i)++;
    if (*i >= n)
        return NULL;
    if (s[*i] == '[' || s[*i] == '{')
        return flow(s, n, i, depth + 1);
    if (s[*i] == '"' || s[*i] == '\'')
        return quoted(s, n, i);
    size_t st = *i;
    while (*i < n && !strchr(",]}:", s[*i]))
        (*i)++;
    size_t e = *i;
    while (e > st && is_space(s[e - 1]))
        e--;
    return plain_scalar(s + st, e - st);
}

/* A one-line flow collection [a, b] or {k: v} at s[*i]. */
static json_t *flow(const char *s, size_t n, size_t *i, int depth)
{
    if (depth > 64)
        return NULL;
    int is_map = s[*i] == '{';
    char close = is_map ? '}' : ']';
    json_t *v = is_map ? json_object() : json_array();
    (*i)++;
    for (;;) {
        while (*i < n && is_space(s[*i]))
            (*i)++;
        if (*i < n && s[*i] == close) {
            (*i)++;
            return v;
        }
        json_t *key = NULL;
        if (is_map) {
            key = flow_item(s, n, i, depth);
            while (*i < n && is_space(s[*i]))
                (*i)++;
            if (!key || !json_is_string(key) || *i >= n || s[*i] != ':') {
                json_decref(key);
                break;
            }
            (*i)++;
        }
        json_t *item = flow_item(s, n, i, depth);
        if (!item) {
            json_decref(key);
            break;
        }
        if (is_map)
            json_object_set_new(v, json_string_value(key), item);
        else
            json_array_append_new(v, item);
        json_decref(key);
        while (*i < n && is_space(s[*i]))
            (*i)++;
        if (*i < n && s[*i] == ',')
            (*i)++;
        else if (!(*i < n && s[*i] == close))
            break;
    }
    json_decref(v);
    return NULL;
}

/* An inline value: flow collection, quoted or plain scalar. */
static json_t *inline_value(const char *s, size_t n)
{
    size_t i = 0;
    json_t *v;
    if (n && (s[0] == '[' || s[0] == '{' || s[0] == '"' || s[0] == '\'')) {
        v = s[0] == '"' || s[0] == '\'' ? quoted(s, n, &i) : flow(s, n, &i, 0);
        if (v && strip_comment(s + i, n - i) != 0) { /* text after the value */
            json_decref(v);
            v = NULL;
        }
        return v;
    }
    return plain_scalar(s, strip_comment(s, n));
}

/* A | or > block scalar: the more-indented lines after line *i. */
static json_t *block_scalar(yp *p, size_t *i, size_t parent_indent, const char *hdr, size_t hn)
{
    int folded = hdr[0] == '>';
    char chomp = hn > 1 ? hdr[1] : 0;
    if (hn > 2 || (chomp && chomp != '-' && chomp != '+'))
        return NULL;
    sl__md_buf b = {0};
    size_t ind = 0;
    (*i)++;
    int prev_text = 0;
    for (; *i < p->n; (*i)++) {
        line *l = &p->lines[*i];
        int empty = l->len == 0;
        if (!empty && l->indent <= parent_indent)
            break;
        if (!empty && !ind)
            ind = l->indent;
        if (!empty && l->indent < ind)
            break;
        if (empty) {
            sl__md_buf_putc(&b, '\n');
            prev_text = 0;
            continue;
        }
        if (folded && prev_text)
            b.data[b.len - 1] = ' ';
        for (size_t k = ind; k < l->indent; k++)
            sl__md_buf_putc(&b, ' ');
        sl__md_buf_put(&b, l->text, l->len);
        sl__md_buf_putc(&b, '\n');
        prev_text = 1;
    }
    if (chomp != '+')
        while (b.len && b.data[b.len - 1] == '\n')
            b.len--;
    if (chomp == 0 && b.len)
        sl__md_buf_putc(&b, '\n');
    json_t *v = b.failed ? NULL : json_stringn(b.data ? b.data : "", b.len);
    sl__md_buf_free(&b);
    return v;
}

/* Where the key of a `key: value` line ends (the colon), or -1. */
static long key_end(const line *l)
{
    const char *s = l->text;
    size_t n = l->len, k = 0;
    if (n && (s[0] == '"' || s[0] == '\'')) {
        char q = s[0];
        for (k = 1; k < n && s[k] != q; k++)
            ;
        k++;
    }
    for (; k < n; k++)
        if (s[k] == ':' && (k + 1 == n || s[k + 1] == ' '))
            return (long)k;
    return -1;
}

/* The value of a key or list item whose inline text is s[0..n). */
static json_t *node_value(yp *p, size_t *i, size_t indent, const char *s, size_t n, int in_map)
{
    n = strip_comment(s, n) == 0 ? 0 : n;
    if (n && (s[0] == '|' || s[0] == '>'))
        return block_scalar(p, i, indent, s, strip_comment(s, n));
    (*i)++;
    if (n)
        return inline_value(s, n);
    size_t j = *i;
    skip_blank(p, &j);
    if (j < p->n && p->lines[j].indent > indent)
        return parse_block(p, i, indent + 1);
    /* A map key's list may sit at the key's own indentation. */
    if (in_map && j < p->n && p->lines[j].indent == indent && is_list_item(&p->lines[j]))
        return parse_block(p, i, indent);
    return json_null();
}

static json_t *parse_map(yp *p, size_t *i, size_t indent)
{
    json_t *m = json_object();
    for (;;) {
        skip_blank(p, i);
        if (*i >= p->n || p->lines[*i].indent < indent)
            return m;
        line *l = &p->lines[*i];
        long k = key_end(l);
        if (l->indent > indent || is_list_item(l) || k < 0)
            break;
        size_t kn = (size_t)k, ko = 0;
        while (kn && is_space(l->text[kn - 1]))
            kn--;
        json_t *key;
        if (kn && (l->text[0] == '"' || l->text[0] == '\'')) {
            key = quoted(l->text, kn, &ko);
            if (key && ko != kn) {
                json_decref(key);
                key = NULL;
            }
        } else
            key = kn ? json_stringn(l->text, kn) : NULL;
        if (!key)
            break;
        size_t vo = (size_t)k + 1;
        while (vo < l->len && is_space(l->text[vo]))
            vo++;
        json_t *v = node_value(p, i, indent, l->text + vo, l->len - vo, 1);
        if (!v) {
            json_decref(key);
            break;
        }
        json_object_set_new(m, json_string_value(key), v);
        json_decref(key);
        if (*i < p->n && !p->lines[*i].blank && p->lines[*i].indent > indent)
            break; /* a continuation this subset does not read */
    }
    json_decref(m);
    p->fail = 1;
    return NULL;
}

static json_t *parse_list(yp *p, size_t *i, size_t indent)
{
    json_t *a = json_array();
    for (;;) {
        skip_blank(p, i);
        if (*i >= p->n || p->lines[*i].indent < indent)
            return a;
        line *l = &p->lines[*i];
        if (l->indent > indent || !is_list_item(l))
            break;
        size_t off = 1;
        while (off < l->len && l->text[off] == ' ')
            off++;
        json_t *v;
        line item = {l->indent + off, l->text + off, l->len - off, 0};
        if (item.len && key_end(&item) >= 0 && item.text[0] != '[' && item.text[0] != '{') {
            /* `- key: value`: a map whose first line starts after the dash. */
            *l = item;
            v = parse_map(p, i, item.indent);
        } else
            v = node_value(p, i, indent, item.text, item.len, 0);
        if (!v)
            break;
        json_array_append_new(a, v);
        if (*i < p->n && !p->lines[*i].blank && p->lines[*i].indent > indent)
            break;
    }
    json_decref(a);
    p->fail = 1;
    return NULL;
}

static json_t *parse_block(yp *p, size_t *i, size_t min_indent)
{
    skip_blank(p, i);
    if (*i >= p->n || p->lines[*i].indent < min_indent)
        return json_null();
    if (++p->depth > 64) {
        p->fail = 1;
        return NULL;
    }
    size_t indent = p->lines[*i].indent;
    json_t *v = is_list_item(&p->lines[*i]) ? parse_list(p, i, indent) : parse_map(p, i, indent);
    p->depth--;
    return v;
}

/* Splits s into lines; fails on tab indentation (YAML forbids it). */
static int split_lines(yp *p, const char *s, size_t n)
{
    size_t cap = 16;
    p->lines = malloc(cap * sizeof *p->lines);
    if (!p->lines)
        return -1;
    for (size_t pos = 0; pos < n;) {
        const char *e = memchr(s + pos, '\n', n - pos);
        size_t end = e ? (size_t)(e - s) : n;
        line l = {0, s + pos, end - pos, 0};
        while (l.len && (l.text[l.len - 1] == '\r' || is_space(l.text[l.len - 1])))
            l.len--;
        while (l.indent < l.len && l.text[l.indent] == ' ')
            l.indent++;
        l.text += l.indent;
        l.len -= l.indent;
        if (l.len && l.text[0] == '\t')
            return -1;
        l.blank = l.len == 0 || l.text[0] == '#';
        if (p->n == cap) {
            line *m = realloc(p->lines, (cap *= 2) * sizeof *m);
            if (!m)
                return -1;
            p->lines = m;
        }
        p->lines[p->n++] = l;
        pos = end + 1;
    }
    return 0;
}

json_t *sl__md_yaml_parse(const char *s, size_t n)
{
    yp p = {0};
    json_t *v = NULL;
    if (split_lines(&p, s, n) == 0) {
        size_t i = 0;
        skip_blank(&p, &i);
        if (i >= p.n)
            v = json_object(); /* empty front matter: an empty map */
        else {
            v = parse_block(&p, &i, 0);
            skip_blank(&p, &i);
            if (p.fail || i < p.n || (v && !json_is_object(v) && !json_is_array(v))) {
                json_decref(v);
                v = NULL;
            }
        }
    }
    free(p.lines);
    return v;
}
