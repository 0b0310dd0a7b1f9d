/*
 * json.c - recursive-descent JSON reader (see json.h).
 *
 * Strings decode the common escapes; \u escapes outside ASCII are kept
 * as UTF-8.  Depth is bounded so hostile input cannot exhaust the stack.
 */
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct jr {
    const char *s, *end;
    sl__arena *a;
    int depth;
    int too_deep; /* reading stopped at the depth limit */
} jr;

static void ws(jr *r)
{
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\n' || *r->s == '\r' || *r->s == '\t'))
        r->s++;
}

static const char *jstring(jr *r)
{
    r->s++;
    const char *start = r->s;
    size_t cap = 0;
    while (r->s < r->end && *r->s != '"') {
        if (*r->s == '\\') {
            /* an escape is whole before the decoding below reads it: `\u`
             * and four hex digits (they once ran past a file's end) */
            if (r->end - r->s < 2)
                return NULL;
            if (r->s[1] == 'u') {
                if (r->end - r->s < 6)
                    return NULL;
                for (int k = 2; k < 6; k++)
                    if (!isxdigit((unsigned char)r->s[k]))
                        return NULL;
                r->s += 6;
                cap++;
                continue;
            }
            r->s++;
        }
        r->s++;
        cap++;
    }
    if (r->s >= r->end)
        return NULL;
    char *out = sl__arena_alloc(r->a, cap * 3 + 1), *o = out;
    for (const char *p = start; p < r->s; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u': {
            unsigned v = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 4;
            if (v < 0x80) {
                *o++ = (char)v;
            } else if (v < 0x800) {
                *o++ = (char)(0xC0 | (v >> 6));
                *o++ = (char)(0x80 | (v & 63));
            } else {
                *o++ = (char)(0xE0 | (v >> 12));
                *o++ = (char)(0x80 | ((v >> 6) & 63));
                *o++ = (char)(0x80 | (v & 63));
            }
            break;
        }
        default: *o++ = *p;
        }
    }
    *o = 0;
    r->s++;
    return out;
}

static json_value *jvalue(jr *r);

static json_value *jcontainer(jr *r, int obj)
{
    json_value *v = sl__arena_zalloc(r->a, sizeof *v);
    v->type = obj ? JSON_OBJ : JSON_ARR;
    size_t cap = 0;
    r->s++;
    ws(r);
    if (r->s < r->end && *r->s == (obj ? '}' : ']')) {
        r->s++;
        return v;
    }
    for (;;) {
        const char *key = NULL;
        ws(r);
        if (obj) {
            if (r->s >= r->end || *r->s != '"' || !(key = jstring(r)))
                return NULL;
            ws(r);
            if (r->s >= r->end || *r->s != ':')
                return NULL;
            r->s++;
        }
        json_value *e = jvalue(r);
        if (!e)
            return NULL;
        if (v->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            json_value **nv = sl__arena_alloc(r->a, nc * sizeof *nv);
            const char **nk = sl__arena_alloc(r->a, nc * sizeof *nk);
            if (v->n) {
                memcpy(nv, v->vals, v->n * sizeof *nv);
                if (obj)
                    memcpy(nk, v->keys, v->n * sizeof *nk);
            }
            v->vals = nv;
            v->keys = nk;
            cap = nc;
        }
        v->vals[v->n] = e;
        if (obj)
            v->keys[v->n] = key;
        v->n++;
        ws(r);
        if (r->s < r->end && *r->s == ',') {
            r->s++;
            continue;
        }
        if (r->s < r->end && *r->s == (obj ? '}' : ']')) {
            r->s++;
            return v;
        }
        return NULL;
    }
}

static json_value *jvalue(jr *r)
{
    ws(r);
    if (r->s >= r->end)
        return NULL;
    if (++r->depth > SL_JSON_MAX_DEPTH) {
        r->too_deep = 1;
        return NULL;
    }
    json_value *v;
    char c = *r->s;
    if (c == '{' || c == '[') {
        v = jcontainer(r, c == '{');
    } else if (c == '"') {
        v = sl__arena_zalloc(r->a, sizeof *v);
        v->type = JSON_STR;
        if (!(v->str = jstring(r)))
            v = NULL;
    } else {
        v = sl__arena_zalloc(r->a, sizeof *v);
        const char *st = r->s;
        while (r->s < r->end && !strchr(",]} \n\r\t", *r->s))
            r->s++;
        size_t n = (size_t)(r->s - st);
        if (n == 4 && !memcmp(st, "true", 4)) {
            v->type = JSON_BOOL;
            v->boolean = 1;
        } else if (n == 5 && !memcmp(st, "false", 5)) {
            v->type = JSON_BOOL;
        } else if (n == 4 && !memcmp(st, "null", 4)) {
            v->type = JSON_NULL;
        } else if (n > 0 && (c == '-' || (c >= '0' && c <= '9'))) {
            v->type = JSON_NUM;
        } else {
            r->s = st; /* the message points at the word, not past it */
            v = NULL;
        }
    }
    r->depth--;
    return v;
}

json_value *sl__json_parse(sl__arena *a, const char *s, size_t len)
{
    size_t pos;
    return sl__json_parse_at(a, s, len, &pos);
}

json_value *sl__json_parse_at(sl__arena *a, const char *s, size_t len, size_t *err_pos)
{
    const char *why;
    return sl__json_parse_diag(a, s, len, err_pos, &why);
}

json_value *sl__json_parse_diag(sl__arena *a, const char *s, size_t len, size_t *err_pos, const char **why)
{
    jr r = {s, s + len, a, 0, 0};
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) /* BOM */
        r.s += 3;
    json_value *v = jvalue(&r);
    ws(&r);
    if (v && r.s == r.end)
        return v;
    *err_pos = (size_t)((r.s < r.end ? r.s : r.end) - s);
    *why = r.too_deep ? "invalid JSON: nested more than " SL_JSON_MAX_DEPTH_TEXT " deep (sluice's limit)" : "invalid JSON";
    return NULL;
}

json_value *sl__json_get(const json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key))
            return obj->vals[i];
    return NULL;
}
