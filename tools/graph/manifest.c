/*
 * manifest.c - a small recursive-descent reader for Cargo.toml.
 *
 * It tracks the current table header ([package], [[bin]], ...) and, for
 * each `key = value`, the dotted key relative to it; values it wants
 * (strings, arrays of strings) are kept, every other value is parsed and
 * dropped, so a manifest full of features and dependencies costs nothing.
 */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void gr_strlist_push(gr_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = gr_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = gr_xstrdup(s);
}

void gr_strlist_free(gr_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void gr_manifest_free(gr_manifest *m)
{
    free(m->package_name);
    free(m->lib_path);
    free(m->lib_name);
    free(m->build);
    free(m->edition);
    free(m->lib_edition);
    free(m->ws_edition);
    free(m->workspace_path);
    gr_strlist_free(&m->target_kinds);
    gr_strlist_free(&m->target_names);
    gr_strlist_free(&m->target_paths);
    gr_strlist_free(&m->target_editions);
    gr_strlist_free(&m->members);
    gr_strlist_free(&m->exclude);
    memset(m, 0, sizeof *m);
}

typedef struct rd {
    const char *s;
    size_t i, n;
    unsigned line;
    char table[256]; /* current header, dotted */
    int in_target;   /* inside a [[bin]], [[test]], [[bench]] or [[example]] */
    gr_manifest *m;
    char *err;
    size_t errlen;
    int failed;
} rd;

static int fail(rd *r, const char *msg)
{
    if (!r->failed)
        snprintf(r->err, r->errlen, "%s", msg);
    r->failed = 1;
    return -1;
}

static int peek(rd *r)
{
    return r->i < r->n ? (unsigned char)r->s[r->i] : -1;
}

/* Spaces, tabs, comments; newlines too when `nl`. */
static void skip_ws(rd *r, int nl)
{
    while (r->i < r->n) {
        char c = r->s[r->i];
        if (c == ' ' || c == '\t' || c == '\r')
            r->i++;
        else if (c == '#')
            while (r->i < r->n && r->s[r->i] != '\n')
                r->i++;
        else if (c == '\n' && nl)
            r->i++, r->line++;
        else
            break;
    }
}

/* A string (basic, literal, or either multi-line form) into out (may be
 * NULL to skip).  Escapes other than \" \\ \n \t are kept as written. */
static int string(rd *r, char *out, size_t cap)
{
    char q = r->s[r->i];
    int multi = r->i + 2 < r->n && r->s[r->i + 1] == q && r->s[r->i + 2] == q;
    r->i += multi ? 3 : 1;
    size_t len = 0;
    for (;;) {
        if (r->i >= r->n)
            return fail(r, "unterminated string");
        char c = r->s[r->i];
        if (c == q && (!multi || (r->i + 2 < r->n && r->s[r->i + 1] == q && r->s[r->i + 2] == q))) {
            r->i += multi ? 3 : 1;
            break;
        }
        if (c == '\n') {
            if (!multi)
                return fail(r, "newline in string");
            r->line++;
        }
        if (c == '\\' && q == '"' && r->i + 1 < r->n) {
            char e = r->s[++r->i];
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
        if (out && len + 1 < cap)
            out[len++] = c;
        r->i++;
    }
    if (out)
        out[len] = 0;
    return 0;
}

static int bare_key(rd *r, char *out, size_t cap)
{
    size_t len = 0;
    while (r->i < r->n) {
        char c = r->s[r->i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            break;
        if (len + 1 < cap)
            out[len++] = c;
        r->i++;
    }
    out[len] = 0;
    return len ? 0 : fail(r, "expected a key");
}

/* A dotted key ("a.b"."c") flattened to a.b.c. */
static int key(rd *r, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    for (;;) {
        skip_ws(r, 0);
        char part[128];
        int c = peek(r);
        if (c == '"' || c == '\'') {
            if (string(r, part, sizeof part))
                return -1;
        } else if (bare_key(r, part, sizeof part)) {
            return -1;
        }
        len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", len ? "." : "", part);
        if (len >= cap)
            return fail(r, "key too long");
        skip_ws(r, 0);
        if (peek(r) != '.')
            return 0;
        r->i++;
    }
}

static int value(rd *r, const char *full, int depth);

static void keep_string(rd *r, const char *full, const char *v, int in_array)
{
    gr_manifest *m = r->m;
    if (in_array) {
        if (!strcmp(full, "workspace.members"))
            gr_strlist_push(&m->members, v);
        else if (!strcmp(full, "workspace.exclude"))
            gr_strlist_push(&m->exclude, v);
        return;
    }
    if (!strcmp(full, "package.name") && !m->package_name)
        m->package_name = gr_xstrdup(v);
    else if (!strcmp(full, "package.build") && !m->build)
        m->build = gr_xstrdup(v);
    else if (!strcmp(full, "lib.path") && !m->lib_path)
        m->lib_path = gr_xstrdup(v);
    else if (!strcmp(full, "lib.name") && !m->lib_name)
        m->lib_name = gr_xstrdup(v);
    else if (!strcmp(full, "package.edition") && !m->edition)
        m->edition = gr_xstrdup(v);
    else if (!strcmp(full, "lib.edition") && !m->lib_edition)
        m->lib_edition = gr_xstrdup(v);
    else if (!strcmp(full, "workspace.package.edition") && !m->ws_edition)
        m->ws_edition = gr_xstrdup(v);
    else if (!strcmp(full, "package.workspace") && !m->workspace_path)
        m->workspace_path = gr_xstrdup(v);
    else if (r->in_target) {
        /* "<table>.<key>": the key of the table just opened (an inline
         * table in an array there has a key of its own, no table's) */
        size_t tl = strlen(r->table);
        const char *k = !strncmp(full, r->table, tl) ? full + tl : "";
        gr_strlist *l = !strcmp(k, ".path") ? &m->target_paths
                        : !strcmp(k, ".name") ? &m->target_names
                        : !strcmp(k, ".edition") ? &m->target_editions
                                              : NULL;
        if (l) {
            free(l->v[l->n - 1]);
            l->v[l->n - 1] = gr_xstrdup(v);
        }
    }
}

static int array(rd *r, const char *full, int depth)
{
    r->i++; /* [ */
    for (;;) {
        skip_ws(r, 1);
        if (peek(r) == ']') {
            r->i++;
            return 0;
        }
        int c = peek(r);
        if (c == '"' || c == '\'') {
            char v[1024];
            if (string(r, v, sizeof v))
                return -1;
            keep_string(r, full, v, 1);
        } else if (value(r, "", depth + 1)) {
            return -1;
        }
        skip_ws(r, 1);
        if (peek(r) == ',') {
            r->i++;
            continue;
        }
        if (peek(r) == ']') {
            r->i++;
            return 0;
        }
        return fail(r, "expected ',' or ']' in array");
    }
}

static int inline_table(rd *r, const char *full, int depth)
{
    r->i++; /* { */
    for (;;) {
        skip_ws(r, 0);
        if (peek(r) == '}') {
            r->i++;
            return 0;
        }
        char k[256], sub[600];
        if (key(r, k, sizeof k))
            return -1;
        skip_ws(r, 0);
        if (peek(r) != '=')
            return fail(r, "expected '=' in inline table");
        r->i++;
        snprintf(sub, sizeof sub, "%s.%s", full, k);
        if (value(r, sub, depth + 1))
            return -1;
        skip_ws(r, 0);
        if (peek(r) == ',') {
            r->i++;
            continue;
        }
        if (peek(r) == '}') {
            r->i++;
            return 0;
        }
        return fail(r, "expected ',' or '}' in inline table");
    }
}

static int value(rd *r, const char *full, int depth)
{
    if (depth >= GR_MAX_TOML_NESTING)
        return fail(r, "values nested too deeply");
    skip_ws(r, 0);
    int c = peek(r);
    if (c == '"' || c == '\'') {
        char v[1024];
        if (string(r, v, sizeof v))
            return -1;
        keep_string(r, full, v, 0);
        return 0;
    }
    if (c == '[')
        return array(r, full, depth);
    if (c == '{')
        return inline_table(r, full, depth);
    /* numbers, booleans, dates: a run of value characters */
    size_t start = r->i;
    while (r->i < r->n && r->s[r->i] != ',' && r->s[r->i] != ']' && r->s[r->i] != '}' &&
           r->s[r->i] != '\n' && r->s[r->i] != '#')
        r->i++;
    while (r->i > start && (r->s[r->i - 1] == ' ' || r->s[r->i - 1] == '\t' || r->s[r->i - 1] == '\r'))
        r->i--;
    /* edition.workspace = true, also as { workspace = true } */
    if (!strcmp(full, "package.edition.workspace") && r->i - start == 4 && !memcmp(r->s + start, "true", 4))
        r->m->edition_workspace = 1;
    return r->i > start ? 0 : fail(r, "expected a value");
}

static int header(rd *r)
{
    int arr = r->i + 1 < r->n && r->s[r->i + 1] == '[';
    r->i += arr ? 2 : 1;
    if (key(r, r->table, sizeof r->table))
        return -1;
    skip_ws(r, 0);
    if (peek(r) != ']' || (arr && (r->i + 1 >= r->n || r->s[r->i + 1] != ']')))
        return fail(r, "expected ']' after table name");
    r->i += arr ? 2 : 1;
    r->in_target = arr && (!strcmp(r->table, "bin") || !strcmp(r->table, "test") ||
                           !strcmp(r->table, "bench") || !strcmp(r->table, "example"));
    if (r->in_target) {
        gr_strlist_push(&r->m->target_kinds, r->table);
        gr_strlist_push(&r->m->target_names, "");
        gr_strlist_push(&r->m->target_paths, "");
        gr_strlist_push(&r->m->target_editions, "");
    }
    if (!strcmp(r->table, "package"))
        r->m->has_package = 1;
    if (!strcmp(r->table, "workspace"))
        r->m->has_workspace = 1;
    return 0;
}

int gr_manifest_parse(const char *text, size_t len, gr_manifest *m, char *err, size_t errlen,
                      unsigned *line)
{
    memset(m, 0, sizeof *m);
    rd r = {.s = text, .n = len, .line = 1, .m = m, .err = err, .errlen = errlen};
    for (;;) {
        skip_ws(&r, 1);
        int c = peek(&r);
        if (c < 0)
            break;
        if (c == '[') {
            if (header(&r))
                break;
        } else {
            char k[256], full[600];
            if (key(&r, k, sizeof k))
                break;
            skip_ws(&r, 0);
            if (peek(&r) != '=') {
                fail(&r, "expected '=' after key");
                break;
            }
            r.i++;
            snprintf(full, sizeof full, "%s%s%s", r.table, r.table[0] ? "." : "", k);
            if (!strcmp(full, "package.name") || !strncmp(full, "package.", 8))
                m->has_package = 1;
            if (value(&r, full, 0))
                break;
        }
        skip_ws(&r, 0);
        c = peek(&r);
        if (c >= 0 && c != '\n') {
            fail(&r, "expected a new line after a value");
            break;
        }
    }
    *line = r.line;
    if (r.failed) {
        gr_manifest_free(m);
        return -1;
    }
    return 0;
}
