/*
 * yaml_json.c - a front-matter block as JSON: libyaml parses, this file
 * types the scalars the way js-yaml's core schema does.
 *
 * Static-site tools read front matter with js-yaml (gray-matter's engine),
 * so "the same JSON as js-yaml" is the contract, with the YAML 1.2 core
 * schema (dates stay strings).  libyaml (Debian's libyaml-dev) does the
 * parsing - indentation, flow and block collections, quoting, escapes,
 * block scalars, anchors - and reports errors with a line; this file
 * builds the value from libyaml's event stream with an explicit stack (no
 * recursion, so nesting costs heap, not C stack) and resolves each plain
 * scalar as js-yaml's core schema does, in its order: null, bool, int
 * (with 0b/0o/0x and `_`), float (with .inf/.nan, which JSON can only hold
 * as null).  Keys become strings as JavaScript prints them (`1.50: x` has
 * key "1.5").  Aliases share their anchor's value; because a few aliases
 * can stand for an exponential number of values, every value an alias
 * stands for is counted against a budget, as is nesting depth.  What
 * js-yaml refuses (duplicate keys, unknown tags, keys that are
 * collections) is refused here too, as an error with its line.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "md.h"

#define MAX_DEPTH 1000           /* nested collections */
#define MAX_VALUES (1000 * 1000) /* values, counting each alias's expansion */
#define MAX_BYTES ((uint64_t)64 << 20) /* scalars' text, counting each alias's expansion */

typedef struct anchor {
    char *name;
    json_t *value;
    uint64_t size;  /* values it stands for */
    uint64_t bytes; /* and their scalars' text */
} anchor;

typedef struct frame {
    json_t *v;     /* the array or object being filled */
    char *anchor;  /* its anchor, registered when it ends */
    char *key;     /* objects: the key waiting for its value */
    size_t key_line;
    uint64_t size;  /* values inside, aliases expanded */
    uint64_t bytes; /* their scalars' text, likewise */
    int flow;      /* [ ] or { }, not a block collection */
} frame;

typedef struct builder {
    size_t depth;
    json_t *root;
    anchor *anchors; /* open-addressed hash table on the name */
    size_t nanchors, cap;
    uint64_t values, bytes;
    char *err;
    size_t errlen, line;
    const struct breaks *br; /* the placeholders this block's text holds */
    sl__md_buf *quoted;      /* where quoted scalars are, when asked (spans_add) */
    const char *src;         /* the text parsed (a plain "-" looks at what follows it) */
    size_t srclen;
    size_t at_char, at_byte; /* where in it the last such look ended: marks only grow */
    /* last, and not cleared: a frame is written whole as it is pushed and
     * read only below depth (clearing 40 KB took more than parsing most
     * front matter) */
    frame stack[MAX_DEPTH];
} builder;

static int fail(builder *b, size_t line, const char *msg)
{
    if (!b->err[0]) {
        snprintf(b->err, b->errlen, "%s", msg);
        b->line = line;
    }
    return -1;
}

/* The byte offset in s of libyaml's mark `index` (which counts
 * characters), read on from byte i, where character `chars` starts. */
static size_t mark_offset_from(const char *s, size_t n, size_t i, size_t chars, size_t index)
{
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == index)
            break;
    return i;
}

static size_t mark_offset(const char *s, size_t n, size_t index)
{
    return mark_offset_from(s, n, 0, 0, index);
}

/* -1 (b->err says why) when the text the values stand for, aliases
 * expanded, is past MAX_BYTES; else 0. */
static int past_max_bytes(builder *b, size_t line)
{
    return b->bytes > MAX_BYTES ? fail(b, line, "front matter stands for more than 64 MiB of text (aliases expanded)")
                                : 0;
}

/* ---- anchors ---- */

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static anchor *anchor_slot(anchor *t, size_t cap, const char *name)
{
    for (size_t i = hash(name) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!t[i].name || !strcmp(t[i].name, name))
            return &t[i];
}

/* Records (or redefines, as YAML allows) an anchor; takes name. */
static int anchor_set(builder *b, char *name, json_t *v, uint64_t size, uint64_t bytes)
{
    if (2 * (b->nanchors + 1) > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        anchor *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < b->cap; i++)
            if (b->anchors[i].name)
                *anchor_slot(t, cap, b->anchors[i].name) = b->anchors[i];
        free(b->anchors);
        b->anchors = t;
        b->cap = cap;
    }
    anchor *a = anchor_slot(b->anchors, b->cap, name);
    if (a->name) {
        free(name);
        json_decref(a->value);
    } else {
        a->name = name;
        b->nanchors++;
    }
    a->value = json_incref(v);
    a->size = size;
    a->bytes = bytes;
    return 0;
}

static const anchor *anchor_get(const builder *b, const char *name)
{
    if (!b->cap)
        return NULL;
    const anchor *a = anchor_slot(b->anchors, b->cap, name);
    return a->name ? a : NULL;
}

/* ---- scalars, as js-yaml's core schema types them ---- */

static int is_null(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int is_bool(const char *s, int *v)
{
    static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};
    for (int i = 0; i < 3; i++) {
        if (!strcmp(s, t[i]))
            return *v = 1, 1;
        if (!strcmp(s, f[i]))
            return *v = 0, 1;
    }
    return 0;
}

static int digit_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
}

/* js-yaml's int: [-+]? then 0, 0b..., 0x..., 0o... or decimal digits, `_`
 * allowed between digits but not first or last.  Sets *v. */
static int is_int(const char *s, double *v)
{
    int sign = 1, base = 10, digits = 0;
    const char *p = s;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
    if (p[0] == '0' && !p[1])
        return *v = 0, 1; /* js-yaml returns +0 for "-0" too */
    if (p[0] == '0' && (p[1] == 'b' || p[1] == 'x' || p[1] == 'o')) {
        base = p[1] == 'b' ? 2 : p[1] == 'x' ? 16 : 8;
        p += 2;
    } else if (*p == '_')
        return 0;
    double acc = 0;
    char dec[400];
    size_t nd = 0;
    for (; *p; p++) {
        if (*p == '_')
            continue;
        int d = digit_value(*p);
        if (d >= base)
            return 0;
        digits++;
        if (base == 10) {
            if (nd + 1 < sizeof dec)
                dec[nd++] = *p;
            else
                acc = INFINITY; /* hundreds of digits: beyond any double */
        } else
            acc = acc * base + d;
    }
    if (!digits || p[-1] == '_')
        return 0;
    if (base == 10 && acc == 0) { /* strtod rounds as parseInt does */
        dec[nd] = 0;
        acc = strtod(dec, NULL);
    }
    *v = sign * acc;
    return 1;
}

/* js-yaml's float: [-+]?digits[.digits][e[-+]digits], .digits[e...],
 * [-+]?.inf, .nan (and their Inf/INF, NaN/NAN spellings). */
static int is_float(const char *s, double *v)
{
    static const char *const inf[] = {".inf", ".Inf", ".INF"}, *const nan_[] = {".nan", ".NaN", ".NAN"};
    const char *p = s;
    int sign = 1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, nan_[i]))
            return *v = NAN, 1;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(p, inf[i]))
            return *v = sign * INFINITY, 1;
    size_t n = strlen(s);
    if (!n || s[n - 1] == '_')
        return 0;
    char *clean = malloc(n + 1), *o = clean;
    if (!clean)
        return 0;
    int ok = 0;
    if (*p >= '0' && *p <= '9') {
        while ((*p >= '0' && *p <= '9') || *p == '_')
            p++;
        if (*p == '.')
            for (p++; (*p >= '0' && *p <= '9') || *p == '_'; p++)
                ;
        ok = 1;
    } else if (p == s && *p == '.' && p[1] >= '0' && p[1] <= '9') {
        for (p++; (*p >= '0' && *p <= '9') || *p == '_'; p++)
            ;
        ok = 1;
    }
    if (ok && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        ok = *p >= '0' && *p <= '9';
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (ok && !*p) {
        for (const char *q = s; *q; q++)
            if (*q != '_')
                *o++ = *q;
        *o = 0;
        *v = strtod(clean, NULL);
    }
    free(clean);
    return ok && !*p;
}

/* A JSON number: an integer where JavaScript holds it exactly, a real
 * otherwise; infinities and NaN are null, as JSON.stringify writes them. */
static json_t *number(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* ---- U+0085, U+2028 and U+2029 ----
 * libyaml reads YAML 1.1, where NEL, LINE SEPARATOR and PARAGRAPH
 * SEPARATOR are line breaks; YAML 1.2 (js-yaml) reads them as ordinary
 * characters.  So before libyaml sees the block, each is swapped for a
 * private-use character the block does not hold (one character for one,
 * so libyaml's marks, which count characters, still point at the same
 * place), and every scalar's text swaps them back. */

#define NBREAKS 3
static const char *const break_utf8[NBREAKS] = {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};

typedef struct breaks {
    char ph[NBREAKS][4]; /* the UTF-8 of each one's placeholder */
    int used;            /* the block held one of them */
} breaks;

/* A copy of s[0..n) with the three as placeholders (*len its length), or
 * NULL (br->used 0) when s holds none of them. */
static char *swap_breaks(const char *s, size_t n, breaks *br, size_t *len)
{
    br->used = 0;
    for (int k = 0; k < NBREAKS; k++)
        if (memmem(s, n, break_utf8[k], strlen(break_utf8[k])))
            br->used = 1;
    if (!br->used)
        return NULL;
    /* Placeholders from U+E000 up (3 bytes each, EE 80 80 on) that the
     * block does not hold, so that swapping back changes nothing else. */
    unsigned cp = 0xE000;
    for (int k = 0; k < NBREAKS; k++)
        for (;; cp++) {
            char u[4] = {(char)(0xE0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3F)), (char)(0x80 | (cp & 0x3F)), 0};
            if (cp > 0xF8FF) /* every private-use character is there: leave the block as it is */
                return br->used = 0, NULL;
            if (!memmem(s, n, u, 3)) {
                memcpy(br->ph[k], u, 4);
                cp++;
                break;
            }
        }
    char *out = malloc(n / 2 * 3 + 3); /* NEL grows from 2 bytes to 3 */
    if (!out)
        return br->used = 0, NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        int k = NBREAKS;
        if ((unsigned char)s[i] == 0xC2 || (unsigned char)s[i] == 0xE2)
            for (k = 0; k < NBREAKS; k++) {
                size_t bl = strlen(break_utf8[k]);
                if (i + bl <= n && !memcmp(s + i, break_utf8[k], bl))
                    break;
            }
        if (k < NBREAKS) {
            memcpy(out + o, br->ph[k], 3);
            o += 3;
            i += strlen(break_utf8[k]);
        } else
            out[o++] = s[i++];
    }
    *len = o;
    return out;
}

/* A copy of s[0..n) with NUL (from a "\0" escape) as U+FFFD, like every
 * other NUL in a page, and the placeholders of br back as what they
 * stand for. */
static json_t *string(const breaks *br, const char *s, size_t n)
{
    int swap = br && br->used;
    if (!swap && !memchr(s, 0, n))
        return json_stringn(s, n);
    sl__md_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        int k = NBREAKS;
        if (swap && ((unsigned char)s[i] & 0xFE) == 0xEE && i + 3 <= n)
            for (k = 0; k < NBREAKS && memcmp(s + i, br->ph[k], 3); k++)
                ;
        if (k < NBREAKS) {
            sl__md_buf_puts(&b, break_utf8[k]);
            i += 2;
        } else if (s[i])
            sl__md_buf_putc(&b, s[i]);
        else
            sl__md_buf_puts(&b, "\xEF\xBF\xBD");
    }
    json_t *j = b.failed ? NULL : json_stringn(b.data ? b.data : "", b.len);
    sl__md_buf_free(&b);
    return j;
}

#define TAG "tag:yaml.org,2002:"

/* A scalar as the core schema types it. */
typedef struct typed {
    enum { T_STR, T_NULL, T_BOOL, T_NUM } kind;
    int b;
    double d;
} typed;

/* Types scalar event e; 0, or -1 (an error, recorded) when an explicit
 * tag does not fit its text. */
static int type_scalar(builder *b, const yaml_event_t *e, typed *t)
{
    const char *s = (const char *)e->data.scalar.value, *tag = (const char *)e->data.scalar.tag;
    int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    t->kind = T_STR;
    if (tag && strcmp(tag, "!")) {
        if (!strcmp(tag, TAG "str"))
            return 0;
        /* js-yaml (4.1.0) reads `!!null` with no text as null but refuses
         * a quoted empty string under it (`!!null ""`). */
        if (!strcmp(tag, TAG "null") && is_null(s) && (*s || plain))
            return t->kind = T_NULL, 0;
        if (!strcmp(tag, TAG "bool") && is_bool(s, &t->b))
            return t->kind = T_BOOL, 0;
        if (!strcmp(tag, TAG "int") && is_int(s, &t->d))
            return t->kind = T_NUM, 0;
        if (!strcmp(tag, TAG "float") && (is_int(s, &t->d) || is_float(s, &t->d)))
            return t->kind = T_NUM, 0;
        char msg[300];
        snprintf(msg, sizeof msg, "cannot resolve a scalar tagged %.200s", tag);
        return fail(b, e->start_mark.line, msg);
    }
    /* Quoted and block scalars, "! x", and a plain one holding a NUL (from
     * nowhere but an escape, so never): text. */
    if (!plain || tag || strlen(s) != e->data.scalar.length)
        return 0;
    if (is_null(s))
        t->kind = T_NULL;
    else if (is_bool(s, &t->b))
        t->kind = T_BOOL;
    else if (is_int(s, &t->d) || is_float(s, &t->d))
        t->kind = T_NUM;
    return 0;
}

static json_t *typed_json(const builder *b, const yaml_event_t *e, const typed *t)
{
    switch (t->kind) {
    case T_NULL: return json_null();
    case T_BOOL: return json_boolean(t->b);
    case T_NUM: return number(t->d);
    default: return string(b->br, (const char *)e->data.scalar.value, e->data.scalar.length);
    }
}

/* ---- quoted scalars over several lines ----
 * js-yaml departs from YAML (and libyaml) in two places of a quoted
 * scalar that spans lines:
 *  - the blanks at the end of a line that holds text are kept, before
 *    the line break folds to a space: "a  <LF> b" is "a   b" to js-yaml
 *    and "a b" to libyaml (also in single quotes);
 *  - after a `\` at a line's end (double quotes), every blank and every
 *    line break is skipped: "a\<LF><LF>b" is "ab" to js-yaml and "a\nb"
 *    to libyaml, which keeps the empty line as a line feed.
 * When the block may hold either, one parse notes where its quoted
 * scalars are, and those that do are written again in double quotes for
 * libyaml: such blanks as escapes (`\x20`, `\t`), such an empty line with
 * a `\` before its break (an escaped line break of its own, which adds
 * nothing).  The block keeps its lines, so errors still name the page's. */

/* The quoted scalars one parse found, as pairs of size_t (a scalar's
 * first and last mark, in characters) in a buffer. */
static void spans_add(sl__md_buf *q, size_t from, size_t to)
{
    size_t pair[2] = {from, to};
    sl__md_buf_put(q, (const char *)pair, sizeof pair);
}

static int is_break(char c)
{
    return c == '\n' || c == '\r';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* After the line break at s[i]. */
static size_t past_break(const char *s, size_t n, size_t i)
{
    return i + 1 + (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

/* 1 if s may hold either shape: a blank before a line break, or a `\`
 * before one (what quoted scalars hold is only known once parsed). */
static int may_have_quoted_folds(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (is_break(s[i]) && (is_blank(s[i - 1]) || s[i - 1] == '\\'))
            return 1;
    return 0;
}

/* Writes the quoted scalar s[i..to) (from its quote) to out in double
 * quotes, as js-yaml reads it; 1 if that changed what libyaml reads. */
static int put_quoted(sl__md_buf *out, const char *s, size_t i, size_t to)
{
    char quote = s[i];
    int dq = quote == '"', text = 1, changed = 0; /* text: the line holds some (the quote counts) */
    size_t blanks = SIZE_MAX;                    /* where the blanks before s[i] start */
    sl__md_buf_putc(out, '"');
    for (i++; i < to; i++) {
        char c = s[i];
        if (is_blank(c)) {
            blanks = blanks == SIZE_MAX ? i : blanks;
            continue;
        }
        if (blanks != SIZE_MAX) {
            int keep = is_break(c) && text; /* js-yaml keeps them, libyaml would not */
            for (size_t k = blanks; k < i; k++)
                if (keep)
                    sl__md_buf_puts(out, s[k] == ' ' ? "\\x20" : "\\t");
                else
                    sl__md_buf_putc(out, s[k]);
            changed |= keep;
            blanks = SIZE_MAX;
        }
        if (is_break(c)) {
            size_t e = past_break(s, to, i);
            sl__md_buf_put(out, s + i, e - i);
            i = e - 1;
            text = 0;
        } else if (dq && c == '\\' && i + 1 < to && is_break(s[i + 1])) {
            /* an escaped line break: the empty lines after it get theirs */
            size_t e = past_break(s, to, i + 1), k;
            sl__md_buf_put(out, s + i, e - i);
            for (; (k = e) < to; e = past_break(s, to, k)) {
                while (k < to && is_blank(s[k]))
                    k++;
                if (k == to || !is_break(s[k]))
                    break;
                sl__md_buf_put(out, s + e, k - e);
                sl__md_buf_putc(out, '\\');
                sl__md_buf_put(out, s + k, past_break(s, to, k) - k);
                changed = 1;
            }
            i = e - 1;
            text = 0;
        } else if (dq && c == '\\' && i + 1 < to) { /* an escape: both characters are text */
            sl__md_buf_put(out, s + i, 2);
            i++;
            text = 1;
        } else if (!dq && c == '\'' && i + 1 < to && s[i + 1] == '\'') { /* '' in single quotes */
            sl__md_buf_putc(out, '\'');
            i++;
            text = 1;
        } else if (!dq && (c == '"' || c == '\\')) {
            sl__md_buf_putc(out, '\\');
            sl__md_buf_putc(out, c);
            text = 1;
        } else if (i + 1 == to && c == quote) {
            sl__md_buf_putc(out, '"');
        } else {
            sl__md_buf_putc(out, c);
            text = 1;
        }
    }
    return changed;
}

/* s[0..n) with the quoted scalars of q (marks in characters, in the
 * order of the text) written again where js-yaml reads them otherwise
 * (*len its length), or NULL when none is, or memory ran out. */
static char *rewrite_quoted(const char *s, size_t n, const sl__md_buf *q, size_t *len)
{
    sl__md_buf out = {0}, one = {0};
    size_t done = 0, byte = 0, chars = 0, nv = q->len / sizeof(size_t);
    const size_t *v = (const size_t *)(const void *)q->data;
    int changed = 0;
    for (size_t j = 0; j < nv; j += 2) {
        size_t at[2];
        for (int e = 0; e < 2; e++) { /* the marks as byte offsets, walking forward */
            while (byte < n && chars < v[j + e]) {
                for (byte++; byte < n && ((unsigned char)s[byte] & 0xC0) == 0x80; byte++)
                    ;
                chars++;
            }
            at[e] = byte;
        }
        /* the quote after the scalar's properties (an anchor, a tag) */
        size_t quote = at[0];
        while (quote < at[1] && s[quote] != '"' && s[quote] != '\'')
            quote++;
        if (at[0] < done || quote == at[1] || s[at[1] - 1] != s[quote])
            continue;
        one.len = 0;
        if (!put_quoted(&one, s, quote, at[1]))
            continue;
        sl__md_buf_put(&out, s + done, quote - done);
        sl__md_buf_put(&out, one.data, one.len);
        done = at[1];
        changed = 1;
    }
    sl__md_buf_put(&out, s + done, n - done);
    int failed = out.failed || one.failed;
    sl__md_buf_free(&one);
    if (failed || !changed) {
        sl__md_buf_free(&out);
        return NULL;
    }
    *len = out.len;
    return out.data;
}

/* ---- keys: JavaScript's String() of the value ---- */

/* A double as JavaScript's Number.prototype.toString writes it: the
 * shortest digits that read back the same, plain between 1e-7 and 1e21,
 * with an exponent outside. */
static void js_number(double v, char *out, size_t len)
{
    if (isnan(v)) {
        snprintf(out, len, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, len, v < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (v == 0) {
        snprintf(out, len, "0");
        return;
    }
    if (v == (double)(int64_t)v && fabs(v) < 1e15) { /* an integer: its digits (no search below) */
        snprintf(out, len, "%" PRId64, (int64_t)v);
        return;
    }
    char e[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, v);
        if (strtod(e, NULL) == v)
            break;
    }
    /* e is [-]d[.ddd]e[+-]XX: the digits and the exponent */
    char digits[24];
    int k = 0, neg = e[0] == '-';
    const char *p = e + neg;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[k++] = *p;
    digits[k] = 0;
    int n = atoi(p + 1) + 1; /* the decimal point's position */
    char *o = out;
    size_t left = len;
#define EMIT(...)                                                     \
    do {                                                              \
        int w_ = snprintf(o, left, __VA_ARGS__);                      \
        if (w_ > 0 && (size_t)w_ < left)                              \
            o += w_, left -= (size_t)w_;                              \
    } while (0)
    if (neg)
        EMIT("-");
    if (k <= n && n <= 21) {
        EMIT("%s", digits);
        for (int i = k; i < n; i++)
            EMIT("0");
    } else if (0 < n && n <= 21) {
        EMIT("%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        EMIT("0.");
        for (int i = n; i < 0; i++)
            EMIT("0");
        EMIT("%s", digits);
    } else {
        EMIT("%c", digits[0]);
        if (k > 1)
            EMIT(".%s", digits + 1);
        EMIT("e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
#undef EMIT
}

/* The key a typed scalar makes, as String() would write it, malloc'd. */
static char *key_text(const builder *b, const yaml_event_t *e, const typed *t)
{
    char num[64];
    switch (t->kind) {
    case T_NUM: js_number(t->d, num, sizeof num); return strdup(num);
    case T_BOOL: return strdup(t->b ? "true" : "false");
    case T_NULL: return strdup("null");
    default: {
        json_t *j = string(b->br, (const char *)e->data.scalar.value, e->data.scalar.length);
        char *s = j ? strdup(json_string_value(j)) : NULL;
        json_decref(j);
        return s;
    }
    }
}

/* The key an aliased scalar makes (its type is only known from its JSON). */
static char *json_key_text(const json_t *v)
{
    char num[64];
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_number(v)) {
        js_number(json_number_value(v), num, sizeof num);
        return strdup(num);
    }
    return strdup(json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
}

/* ---- the tree ---- */

/* 1 when the next scalar is a mapping's key. */
static int key_expected(const builder *b)
{
    const frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
    return f && json_is_object(f->v) && !f->key;
}

static int set_key(builder *b, char *key, size_t line)
{
    frame *f = &b->stack[b->depth - 1];
    if (!(f->key = key))
        return fail(b, line, "out of memory");
    f->key_line = line;
    /* a key's text counts as a value's does: a mapping with a 64 KB key,
     * aliased 2,000 times, is 128 MB of JSON too (review22 H1) */
    size_t n = strlen(key);
    f->bytes += n;
    b->bytes += n;
    return past_max_bytes(b, line);
}

/* The key a mapping or sequence makes (taking it), as js-yaml makes it:
 * String() of the value, where a mapping is "[object Object]" and a
 * sequence its items joined by commas (null as nothing), a sequence
 * inside refused.  NULL (b->err set) when it cannot be. */
static char *collection_key(builder *b, json_t *v, size_t line)
{
    sl__md_buf k = {0};
    if (json_is_object(v)) {
        sl__md_buf_puts(&k, "[object Object]");
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i)
                sl__md_buf_putc(&k, ',');
            if (json_is_array(x)) {
                json_decref(v);
                sl__md_buf_free(&k);
                fail(b, line, "nested sequences are not supported inside keys");
                return NULL;
            }
            if (json_is_object(x)) {
                sl__md_buf_puts(&k, "[object Object]");
            } else if (!json_is_null(x)) {
                char *t = json_key_text(x);
                if (t)
                    sl__md_buf_puts(&k, t);
                free(t);
            }
        }
    }
    json_decref(v);
    sl__md_buf_putc(&k, 0);
    if (k.failed) {
        sl__md_buf_free(&k);
        fail(b, line, "out of memory");
        return NULL;
    }
    return k.data;
}

/* Adds a finished value (taking it) to the collection being built. */
static int add(builder *b, json_t *v, uint64_t size, uint64_t bytes, size_t line)
{
    if (!v)
        return fail(b, line, "out of memory");
    b->values += size;
    b->bytes += bytes;
    if (b->values > MAX_VALUES) {
        json_decref(v);
        return fail(b, line, "front matter stands for more than 1,000,000 values (aliases expanded)");
    }
    if (past_max_bytes(b, line) != 0) { /* 2,000 aliases of a 64 KB scalar are 128 MB of JSON */
        json_decref(v);
        return -1;
    }
    if (b->depth == 0) {
        b->root = v;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    f->size += size;
    f->bytes += bytes;
    if (json_is_array(f->v))
        return json_array_append_new(f->v, v) ? fail(b, line, "out of memory") : 0;
    if (!f->key) /* a mapping or sequence as a key: scalar keys are taken in on_event */
        return set_key(b, collection_key(b, v, line), line);
    int dup = json_object_get(f->v, f->key) != NULL;
    int rc = dup ? (json_decref(v), fail(b, f->key_line, "duplicated mapping key"))
                 : json_object_set_new(f->v, f->key, v) ? fail(b, line, "out of memory") : 0;
    free(f->key);
    f->key = NULL;
    return rc;
}

static int open_collection(builder *b, json_t *v, const yaml_char_t *anchor_name, int flow, size_t line)
{
    if (!v)
        return fail(b, line, "out of memory");
    if (b->depth == MAX_DEPTH) {
        json_decref(v);
        return fail(b, line, "front matter nested more than 1,000 levels deep");
    }
    char *a = anchor_name ? strdup((const char *)anchor_name) : NULL;
    if (anchor_name && !a) {
        json_decref(v);
        return fail(b, line, "out of memory");
    }
    b->stack[b->depth++] = (frame){v, a, NULL, 0, 1, 0, flow};
    return 0;
}

static int close_collection(builder *b, size_t line)
{
    frame f = b->stack[--b->depth];
    free(f.key);
    if (f.anchor && anchor_set(b, f.anchor, f.v, f.size, f.bytes) != 0) {
        free(f.anchor);
        json_decref(f.v);
        return fail(b, line, "out of memory");
    }
    b->values -= f.size - 1; /* already counted as its values were added */
    b->bytes -= f.bytes;
    return add(b, f.v, f.size, f.bytes, line);
}

static int on_event(builder *b, const yaml_event_t *e)
{
    size_t line = e->start_mark.line;
    switch (e->type) {
    case YAML_SCALAR_EVENT: {
        typed t;
        if (b->quoted && (e->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                          e->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE))
            spans_add(b->quoted, e->start_mark.index, e->end_mark.index);
        /* YAML 1.2 starts a plain scalar with `-` only before a
         * character that can go on one: inside [ ] or { } not before `,`
         * `]` `}` (js-yaml: "missed comma"), where libyaml reads "-". */
        if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && e->data.scalar.length == 1 &&
            e->data.scalar.value[0] == '-' && b->depth && b->stack[b->depth - 1].flow) {
            if (e->end_mark.index < b->at_char) /* never: events come in order */
                b->at_char = b->at_byte = 0;
            size_t at = mark_offset_from(b->src, b->srclen, b->at_byte, b->at_char, e->end_mark.index);
            b->at_char = e->end_mark.index;
            b->at_byte = at;
            if (at >= b->srclen || strchr(",]}", b->src[at]))
                return fail(b, line, "a lone \"-\" is not a value inside [ ] or { }");
        }
        if (type_scalar(b, e, &t) != 0)
            return -1;
        json_t *v = typed_json(b, e, &t);
        if (!v)
            return fail(b, line, "out of memory");
        if (e->data.scalar.anchor) {
            char *a = strdup((const char *)e->data.scalar.anchor);
            if (!a || anchor_set(b, a, v, 1, e->data.scalar.length) != 0) {
                free(a);
                json_decref(v);
                return fail(b, line, "out of memory");
            }
        }
        if (key_expected(b)) {
            json_decref(v);
            return set_key(b, key_text(b, e, &t), line);
        }
        return add(b, v, 1, e->data.scalar.length, line);
    }
    case YAML_ALIAS_EVENT: {
        const anchor *a = anchor_get(b, (const char *)e->data.alias.anchor);
        if (!a) {
            char msg[300];
            snprintf(msg, sizeof msg, "unidentified alias \"%.200s\"", (const char *)e->data.alias.anchor);
            return fail(b, line, msg);
        }
        if (key_expected(b) && !json_is_object(a->value) && !json_is_array(a->value))
            return set_key(b, json_key_text(a->value), line);
        return add(b, json_incref(a->value), a->size, a->bytes, line);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int seq = e->type == YAML_SEQUENCE_START_EVENT;
        const char *tag = (const char *)(seq ? e->data.sequence_start.tag : e->data.mapping_start.tag);
        if (tag && strcmp(tag, "!") && strcmp(tag, seq ? TAG "seq" : TAG "map")) {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown tag %.200s", tag);
            return fail(b, line, msg);
        }
        int flow = seq ? e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                       : e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        return open_collection(b, seq ? json_array() : json_object(),
                               seq ? e->data.sequence_start.anchor : e->data.mapping_start.anchor, flow, line);
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return close_collection(b, line);
    default: return 0;
    }
}

static void builder_free(builder *b)
{
    while (b->depth) {
        frame *f = &b->stack[--b->depth];
        json_decref(f->v);
        free(f->anchor);
        free(f->key);
    }
    for (size_t i = 0; i < b->cap; i++)
        if (b->anchors[i].name) {
            free(b->anchors[i].name);
            json_decref(b->anchors[i].value);
        }
    free(b->anchors);
    json_decref(b->root);
}

/* libyaml's error for a \u or \U escape of a UTF-16 surrogate. */
#define SURROGATE_PROBLEM "found invalid Unicode character escape code"
/* Its errors for a tab that starts a line outside a block scalar, in
 * block context: as a plain scalar's next line, and where a token may
 * start. */
#define TAB_PROBLEM "found a tab character that violates indentation"
#define TOKEN_PROBLEM "found character that cannot start any token"
#define MAX_FIXES 256 /* each costs a parse of the block again */

/* The k hex digits at s[at] as a number, or -1. */
static long hexk(const char *s, size_t n, size_t at, int k)
{
    long v = 0;
    for (int i = 0; i < k; i++) {
        int d = at + i < n ? digit_value(s[at + i]) : 99;
        if (d > 15)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The escape \uXXXX or \UXXXXXXXX whose digits start at s[at]: its value
 * (-1 if it is not one) and *len, its length with the backslash. */
static long escape_at(const char *s, size_t n, size_t at, size_t *len)
{
    if (at < 2 || s[at - 2] != '\\' || (s[at - 1] != 'u' && s[at - 1] != 'U'))
        return -1;
    int k = s[at - 1] == 'u' ? 4 : 8;
    *len = (size_t)k + 2;
    return hexk(s, n, at, k);
}

/* Where the escape after s[k] starts, past escaped line breaks: a `\`
 * at a line's end, with the blanks and empty lines after it, adds
 * nothing to a double-quoted scalar as js-yaml reads it. */
static size_t past_escaped_breaks(const char *s, size_t n, size_t k)
{
    while (k + 1 < n && s[k] == '\\' && (s[k + 1] == '\n' || s[k + 1] == '\r'))
        for (k += 2; k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'); k++)
            ;
    return k;
}

/* libyaml refused the escape \uXXXX or \UXXXXXXXX whose digits start at
 * s[at]: a UTF-16 surrogate.  JSON writers escape a character outside the
 * BMP as a pair of them (`"\ud83d\ude00"`, Python's json.dumps by
 * default), which js-yaml reads as the character, also when an escaped
 * line break parts them (its string holds the two halves side by side):
 * the high half is dropped and the low one becomes \UXXXXXXXX, so that
 * the line breaks between stay where they were and libyaml's lines still
 * count the page's.  A lone one becomes U+FFFD (as the sidecar reads a
 * lone surrogate).  The new length of s, or (size_t)-1 when s[at] is not
 * such an escape. */
static size_t fix_surrogate(char *s, size_t n, size_t at)
{
    size_t hl, ll;
    long hi = escape_at(s, n, at, &hl), lo;
    if (hi < 0xD800 || hi > 0xDFFF)
        return (size_t)-1;
    size_t next = at - 2 + hl;                       /* after the first escape */
    size_t low = past_escaped_breaks(s, n, next);    /* the second one's backslash */
    if (hi <= 0xDBFF && low + 2 < n && (lo = escape_at(s, n, low + 2, &ll)) >= 0xDC00 && lo <= 0xDFFF) {
        char u[11];
        snprintf(u, sizeof u, "\\U%08lX", 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
        size_t end = low + ll, w = low - hl; /* the pair's 12 to 20 bytes become 10 */
        memmove(s + at - 2, s + next, low - next);
        memcpy(s + w, u, 10);
        memmove(s + w + 10, s + end, n - end);
        return n - (end - (w + 10));
    }
    memcpy(s + at, hl == 6 ? "FFFD" : "0000FFFD", hl - 2);
    return n;
}

/* libyaml refused the tab at or after s[at] on its line.  js-yaml reads
 * a line of blanks, or of blanks and a comment, as nothing whatever its
 * blanks are (`x: 1\n\t\ny: 2`, `\t# note`: hand-written files hold
 * them), where libyaml refuses one that starts with a tab outside a
 * quoted or flow scalar.  Such a line's tabs before its text become
 * spaces, which keeps every offset and line.  A tab before content is
 * indentation, refused by both, and so is one in a block scalar (libyaml
 * has another error for that): 0 and nothing changed for those. */
static int blank_tab_line(char *s, size_t n, size_t at)
{
    size_t from = at, to;
    while (from > 0 && !is_break(s[from - 1]))
        from--;
    for (to = from; to < n && is_blank(s[to]); to++)
        ;
    if (!memchr(s + from, '\t', to - from) || (to < n && !is_break(s[to]) && s[to] != '#'))
        return 0;
    memset(s + from, ' ', to - from);
    return 1;
}

/* ---- anchor and alias names ----
 * libyaml (0.2.5) reads only letters, digits, `_` and `-` in an anchor or
 * alias name; YAML 1.2, and js-yaml with it, reads every character up to
 * a blank, a line break or a flow indicator (`,[]{}`).  Where libyaml's
 * name stops before YAML 1.2's does, the two read different documents:
 * after `?`, `:`, `%`, `@` or a backquote libyaml goes on without a word
 * (`&title: Hello` is an empty key anchored "title" for libyaml, anchor
 * "title:" on "Hello" for js-yaml), after any other character it refuses
 * the block with an error that does not say why (`&a.b`).  Both are
 * refused here, with an error that names the anchor and says why. */

#define ANCHOR_PROBLEM "did not find expected alphabetic or numeric character"

static int anchor_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

/* 1 if a YAML 1.2 anchor or alias name ends before s[i]. */
static int anchor_name_ends(const char *s, size_t n, size_t i)
{
    return i >= n || !s[i] || strchr(" \t\r\n,[]{}", s[i]);
}

/* The error for the anchor or alias whose `&` or `*` is s[at]: its name
 * as YAML 1.2 reads it (the first 80 bytes, whole characters). */
static void anchor_name_error(const char *s, size_t n, size_t at, char *err, size_t errlen)
{
    size_t end = at + 1, shown;
    while (!anchor_name_ends(s, n, end))
        end++;
    for (shown = end - at - 1 < 80 ? end - at - 1 : 80; shown && at + 1 + shown < end &&
                                                        ((unsigned char)s[at + 1 + shown] & 0xC0) == 0x80;
         shown--)
        ;
    snprintf(err, errlen,
             "%s name \"%.*s%s\" holds what libyaml cannot read: characters other than letters, digits, '_' and '-'",
             s[at] == '&' ? "anchor" : "alias", (int)shown, s + at + 1, at + 1 + shown < end ? "..." : "");
}

/* libyaml read block s[0..n) without an error: 1 (the error and *line
 * set) if one of its anchor or alias names ends where YAML 1.2 would read
 * on.  Only a block where some `&` or `*` with a name is followed by a
 * character other than a blank, a line break or a flow indicator is
 * scanned again, for its tokens. */
static int anchor_names_differ(const char *s, size_t n, size_t *line, char *err, size_t errlen)
{
    int maybe = 0;
    for (size_t i = 0; i < n && !maybe; i++)
        if (s[i] == '&' || s[i] == '*') {
            size_t j = i + 1;
            while (j < n && anchor_char(s[j]))
                j++;
            maybe = j > i + 1 && !anchor_name_ends(s, n, j);
        }
    if (!maybe)
        return 0;
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "out of memory");
        return *line = 1, 1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)s, n);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    size_t chars = 0, off = 0; /* libyaml's marks count characters */
    int found = 0, end = 0;
    while (!found && !end) {
        yaml_token_t t;
        if (!yaml_parser_scan(&p, &t))
            break;
        end = t.type == YAML_STREAM_END_TOKEN;
        if (t.type == YAML_ANCHOR_TOKEN || t.type == YAML_ALIAS_TOKEN) {
            for (; chars < t.end_mark.index && off < n; chars++)
                for (off++; off < n && ((unsigned char)s[off] & 0xC0) == 0x80; off++)
                    ;
            if (!anchor_name_ends(s, n, off)) { /* the name is ASCII: as many bytes as characters */
                anchor_name_error(s, n, off - (t.end_mark.index - t.start_mark.index), err, errlen);
                *line = t.start_mark.line + 1;
                found = 1;
            }
        }
        yaml_token_delete(&t);
    }
    yaml_parser_delete(&p);
    return found;
}

/* One parse of the block; *fix_at is where a refused surrogate escape's
 * digits start (*tab 0), or a refused tab that starts a line (*tab 1),
 * when that is why it failed. */
static json_t *parse_once(const char *s, size_t n, const breaks *br, sl__md_buf *quoted, size_t *line, char *err,
                          size_t errlen, size_t *fix_at, int *tab)
{
    builder *b = malloc(sizeof *b);
    if (b)
        memset(b, 0, offsetof(builder, stack));
    yaml_parser_t p;
    if (!b || !yaml_parser_initialize(&p)) {
        free(b);
        snprintf(err, errlen, "out of memory");
        *line = 1;
        return NULL;
    }
    err[0] = 0;
    b->err = err;
    b->errlen = errlen;
    b->br = br;
    b->quoted = quoted;
    b->src = s;
    b->srclen = n;
    yaml_parser_set_input_string(&p, (const unsigned char *)s, n);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    int done = 0, rc = 0, docs = 0;
    while (!done && rc == 0) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            snprintf(err, errlen, "%s%s%s", p.problem ? p.problem : "invalid YAML",
                     p.context ? " " : "", p.context ? p.context : "");
            b->line = p.problem_mark.line;
            if (p.problem && !strcmp(p.problem, ANCHOR_PROBLEM) && p.context &&
                (!strcmp(p.context, "while scanning an anchor") || !strcmp(p.context, "while scanning an alias"))) {
                /* `&a.b`: a name libyaml stops reading at a character YAML 1.2 reads on */
                size_t at = mark_offset(s, n, p.context_mark.index);
                if (!anchor_name_ends(s, n, at + (p.problem_mark.index - p.context_mark.index)))
                    anchor_name_error(s, n, at, err, errlen);
            }
            *tab = p.problem && (!strcmp(p.problem, TAB_PROBLEM) || !strcmp(p.problem, TOKEN_PROBLEM));
            if (p.problem && (*tab || !strcmp(p.problem, SURROGATE_PROBLEM)))
                *fix_at = mark_offset(s, n, p.problem_mark.index);
            rc = -1;
            break;
        }
        done = e.type == YAML_STREAM_END_EVENT;
        if (e.type == YAML_DOCUMENT_START_EVENT && docs++) /* a "--- x" line inside */
            rc = fail(b, e.start_mark.line, "expected a single document, but found more");
        else
            rc = on_event(b, &e);
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    json_t *v = NULL;
    if (rc == 0) {
        /* An empty block (or only comments) is an empty mapping, as
         * gray-matter reads it: js-yaml itself returns undefined. */
        v = b->root ? b->root : json_object();
        b->root = NULL;
    } else
        *line = b->line + 1;
    builder_free(b);
    free(b);
    return v;
}

json_t *sl__md_yaml_parse(const char *s, size_t n, size_t *line, char *err, size_t errlen)
{
    breaks br;
    char *copy = swap_breaks(s, n, &br, &n);
    if (copy)
        s = copy;
    sl__md_buf quoted = {0};
    int note = may_have_quoted_folds(s, n);
    json_t *v = NULL;
    for (int fixes = 0;; fixes++) {
        size_t at = (size_t)-1;
        int tab = 0;
        quoted.len = 0;
        if ((v = parse_once(s, n, &br, note ? &quoted : NULL, line, err, errlen, &at, &tab)) || at == (size_t)-1 ||
            fixes == MAX_FIXES)
            break;
        if (!copy && (copy = malloc(n))) {
            memcpy(copy, s, n);
            s = copy;
        }
        size_t fixed = !copy ? (size_t)-1 : tab ? (blank_tab_line(copy, n, at) ? n : (size_t)-1) : fix_surrogate(copy, n, at);
        if (fixed == (size_t)-1)
            break;
        n = fixed;
    }
    /* Refused or not, a name libyaml reads short is the first thing to say
     * (`b: *x@`: libyaml's error is about the `@`, on the same line). */
    char err2[300];
    size_t line2 = 0;
    if ((v || strcmp(err, "out of memory")) && anchor_names_differ(s, n, &line2, err2, sizeof err2) &&
        (v || line2 <= *line)) {
        json_decref(v);
        v = NULL;
        *line = line2;
        snprintf(err, errlen, "%s", err2);
    }
    char *escaped = v && quoted.len && !quoted.failed ? rewrite_quoted(s, n, &quoted, &n) : NULL;
    json_t *again = escaped ? parse_once(escaped, n, &br, NULL, line, err, errlen, &(size_t){0}, &(int){0}) : NULL;
    if (again) {
        json_decref(v);
        v = again;
    }
    free(escaped);
    sl__md_buf_free(&quoted);
    free(copy);
    return v;
}
