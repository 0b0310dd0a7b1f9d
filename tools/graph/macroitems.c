/*
 * macroitems.c - the lexical scan behind macroitems.h: which bytes of an
 * item macro's token tree are items.
 *
 * A token tree is already balanced when the grammar accepted it, but the
 * scan does not rely on that: it walks tokens (names, literals, comments,
 * brackets) with its own bracket stack and gives up (GR_MACRO_NONE) on
 * anything that does not balance, so a hostile text costs one linear
 * pass and nothing else.
 */
#include "macroitems.h"

#include <stdlib.h>
#include <string.h>

#include "skim.h"
#include "xalloc.h"

enum { MAX_NEST = 256 };

static int ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int word_is(const char *s, uint32_t a, uint32_t b, const char *w)
{
    return strlen(w) == b - a && !memcmp(s + a, w, b - a);
}

/* A token (gr_next_tok()). */
typedef gr_tok tok;

static uint32_t quoted_end(const char *s, uint32_t k, uint32_t end, char q)
{
    for (k++; k < end; k++) {
        if (s[k] == '\\')
            k++;
        else if (s[k] == q)
            return k + 1;
    }
    return 0;
}

static int next_tok(const char *s, uint32_t *i, uint32_t end, tok *t)
{
    uint32_t k = *i;
    for (;;) {
        while (k < end && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
            k++;
        if (k + 1 < end && s[k] == '/' && s[k + 1] == '/') {
            while (k < end && s[k] != '\n')
                k++;
            continue;
        }
        if (k + 1 < end && s[k] == '/' && s[k + 1] == '*') {
            int depth = 1;
            for (k += 2; k < end && depth; k++) {
                if (k + 1 < end && s[k] == '/' && s[k + 1] == '*')
                    depth++, k++;
                else if (k + 1 < end && s[k] == '*' && s[k + 1] == '/')
                    depth--, k++;
            }
            if (depth)
                return -1;
            continue;
        }
        break;
    }
    if (k >= end)
        return 0;
    unsigned char c = (unsigned char)s[k];
    t->a = k;
    if ((c == 'r' || (c == 'b' && k + 1 < end && s[k + 1] == 'r')) && k + 1 < end) {
        uint32_t r = gr_raw_string_end(s, (c == 'b' ? k + 1 : k) + 1, end); /* r"..", br".." */
        if (r == UINT32_MAX)
            return -1;
        if (r) {
            t->kind = '"', t->b = *i = r;
            return 1;
        }
    }
    if (c == 'b' && k + 1 < end && (s[k + 1] == '"' || s[k + 1] == '\''))
        k++, c = (unsigned char)s[k];
    if (c == '"') {
        uint32_t e = quoted_end(s, k, end, '"');
        if (!e)
            return -1;
        t->kind = '"', t->b = *i = e;
        return 1;
    }
    if (c == '\'') {
        /* 'x', '\n', '\u{..}' - or a lifetime 'a */
        uint32_t e = k + 1 < end && s[k + 1] == '\\' ? quoted_end(s, k, end, '\'') : 0;
        if (!e && k + 2 < end) {
            uint32_t j = k + 1;
            if ((unsigned char)s[j] >= 0x80)
                while (j + 1 < end && ((unsigned char)s[j + 1] & 0xc0) == 0x80)
                    j++;
            if (j + 1 < end && s[j + 1] == '\'')
                e = j + 2;
        }
        if (e && e - k <= 16) {
            t->kind = '"', t->b = *i = e;
            return 1;
        }
        t->kind = '\'', t->b = *i = k + 1; /* a lifetime's quote; its name follows */
        return 1;
    }
    if (ident_byte(c)) {
        uint32_t j = k;
        while (j < end && ident_byte((unsigned char)s[j]))
            j++;
        t->kind = 'a', t->b = *i = j;
        return 1;
    }
    t->kind = c, t->b = *i = k + 1;
    return 1;
}

int gr_next_tok(const char *s, uint32_t *i, uint32_t end, gr_tok *t)
{
    return next_tok(s, i, end, t);
}

uint32_t gr_matching(const char *s, uint32_t open, uint32_t end)
{
    char stack[MAX_NEST];
    int depth = 0;
    uint32_t i = open;
    tok t;
    int r;
    while ((r = next_tok(s, &i, end, &t)) > 0) {
        if (t.kind == '(' || t.kind == '[' || t.kind == '{') {
            if (depth == MAX_NEST)
                return 0;
            stack[depth++] = (char)(t.kind == '(' ? ')' : t.kind == '[' ? ']' : '}');
        } else if (t.kind == ')' || t.kind == ']' || t.kind == '}') {
            if (!depth || stack[--depth] != t.kind)
                return 0;
            if (!depth)
                return t.a;
        }
    }
    return 0;
}

/* When t opens a bracket: steps *i past its group and returns 1 (-1 when
 * the group does not close before b); else 0. */
static int skip_group(const char *s, tok *t, uint32_t *i, uint32_t b)
{
    if (t->kind != '(' && t->kind != '[' && t->kind != '{')
        return 0;
    uint32_t close = gr_matching(s, t->a, b);
    if (!close)
        return -1;
    *i = t->b = close + 1;
    return 1;
}

static void add_range(gr_macro_scan *m, uint32_t a, uint32_t b)
{
    if (a >= b)
        return;
    if (m->nranges == m->ranges_cap) {
        m->ranges_cap = m->ranges_cap ? m->ranges_cap * 2 : 8;
        m->ranges = gr_xrealloc(m->ranges, m->ranges_cap * sizeof *m->ranges);
    }
    m->ranges[m->nranges++] = (gr_mrange){a, b};
}

/* cfg_if!: the inside of every top-level `{ ... }` (the branches; the
 * conditions are attributes, in square brackets). */
static int cfg_if(const char *s, uint32_t a, uint32_t b, gr_macro_scan *m)
{
    uint32_t i = a;
    tok t;
    int r;
    while ((r = next_tok(s, &i, b, &t)) > 0) {
        int g = skip_group(s, &t, &i, b);
        if (g < 0)
            return GR_MACRO_NONE;
        if (g && t.kind == '{')
            add_range(m, t.a + 1, t.b - 1);
    }
    return r < 0 ? GR_MACRO_NONE : GR_MACRO_ITEMS;
}

/* The whole inside, but the `ref` after each top-level `static`
 * (lazy_static!); with drop_ref 0, the whole inside, once the scan has
 * seen that it balances. */
static int item_list(const char *s, uint32_t a, uint32_t b, int drop_ref, gr_macro_scan *m)
{
    uint32_t i = a, from = a;
    tok t, prev = {0, 0, 0};
    int r;
    while ((r = next_tok(s, &i, b, &t)) > 0) {
        int g = skip_group(s, &t, &i, b);
        if (g < 0)
            return GR_MACRO_NONE;
        if (!g && drop_ref && t.kind == 'a' && word_is(s, t.a, t.b, "ref") && prev.kind == 'a' &&
            word_is(s, prev.a, prev.b, "static")) {
            add_range(m, from, t.a);
            from = t.b;
        }
        prev = t;
    }
    if (r < 0)
        return GR_MACRO_NONE;
    add_range(m, from, b);
    return GR_MACRO_ITEMS;
}

static gr_mflag *new_flag(gr_macro_scan *m)
{
    if (m->nflags == m->flags_cap) {
        m->flags_cap = m->flags_cap ? m->flags_cap * 2 : 16;
        m->flags = gr_xrealloc(m->flags, m->flags_cap * sizeof *m->flags);
    }
    return &m->flags[m->nflags++];
}

/* The consts of a flags struct's body s[a..b). */
static int flag_consts(const char *s, uint32_t a, uint32_t b, gr_macro_scan *m)
{
    uint32_t i = a;
    tok t;
    int r;
    gr_mflag *f = NULL; /* the const being read, until its ';' */
    while ((r = next_tok(s, &i, b, &t)) > 0) {
        int g = skip_group(s, &t, &i, b);
        if (g < 0)
            return -1;
        if (g)
            continue;
        if (!f && t.kind == 'a' && word_is(s, t.a, t.b, "const")) {
            tok nm;
            uint32_t j = i;
            if (next_tok(s, &j, b, &nm) <= 0 || nm.kind != 'a')
                return -1;
            f = new_flag(m);
            *f = (gr_mflag){t.a, b, nm.a, nm.b, b};
            i = j;
        } else if (f && t.kind == '=' && f->value_a == b) {
            f->value_a = t.a;
        } else if (f && t.kind == ';') {
            f->end = t.b;
            f = NULL;
        }
    }
    return r < 0 ? -1 : 0;
}

/* bitflags!: every `[VIS] struct NAME: TYPE { ... }` at the top level
 * (attributes and doc comments before it are skipped; `impl` blocks
 * after it are not items of the flags). */
static int bitflags(const char *s, uint32_t a, uint32_t b, gr_macro_scan *m)
{
    uint32_t i = a, vis_a = UINT32_MAX;
    tok t;
    int r;
    while ((r = next_tok(s, &i, b, &t)) > 0) {
        if (t.kind == 'a' && word_is(s, t.a, t.b, "pub")) {
            vis_a = t.a;
            continue;
        }
        if (t.kind == 'a' && word_is(s, t.a, t.b, "struct")) {
            tok nm, x;
            uint32_t j = i;
            if (next_tok(s, &j, b, &nm) <= 0 || nm.kind != 'a')
                return GR_MACRO_NONE;
            /* on to the body's '{' (past `: TYPE`, which holds none) */
            while ((r = next_tok(s, &j, b, &x)) > 0 && x.kind != '{' && x.kind != ';')
                ;
            if (r <= 0 || x.kind != '{')
                return GR_MACRO_NONE;
            uint32_t close = gr_matching(s, x.a, b);
            if (!close)
                return GR_MACRO_NONE;
            if (m->nstructs == m->structs_cap) {
                m->structs_cap = m->structs_cap ? m->structs_cap * 2 : 4;
                m->structs = gr_xrealloc(m->structs, m->structs_cap * sizeof *m->structs);
            }
            gr_mflags *st = &m->structs[m->nstructs++];
            uint32_t start = vis_a != UINT32_MAX ? vis_a : t.a;
            *st = (gr_mflags){start, close + 1, vis_a != UINT32_MAX ? t.a : start, nm.a, nm.b, x.a, m->nflags, 0};
            /* the visibility ends where its last token does (`pub(crate)`) */
            if (vis_a != UINT32_MAX) {
                uint32_t v = t.a;
                while (v > start && (s[v - 1] == ' ' || s[v - 1] == '\t' || s[v - 1] == '\n' || s[v - 1] == '\r'))
                    v--;
                st->vis_end = v;
            }
            if (flag_consts(s, x.a + 1, close, m))
                return GR_MACRO_NONE;
            st = &m->structs[m->nstructs - 1];
            st->n = m->nflags - st->first;
            i = close + 1;
            vis_a = UINT32_MAX;
            continue;
        }
        if (t.kind == '(' || t.kind == '[' || t.kind == '{') {
            uint32_t close = gr_matching(s, t.a, b);
            if (!close)
                return GR_MACRO_NONE;
            i = close + 1;
            /* `pub(crate)`: the visibility goes on; anything else ends it */
            if (t.kind == '(' && vis_a != UINT32_MAX)
                continue;
        }
        vis_a = UINT32_MAX;
    }
    return r < 0 || !m->nstructs ? GR_MACRO_NONE : GR_MACRO_BITFLAGS;
}

/* Whether the token tree s[a..b) starts as an item list can: with an
 * attribute or a word an item starts with.  Most macros' input does not,
 * and this keeps the parser off it. */
static int starts_like_items(const char *s, uint32_t a, uint32_t b)
{
    static const char *const w[] = {"pub", "fn", "struct", "enum", "union", "trait", "impl", "mod", "use",
                                    "extern", "const", "static", "type", "unsafe", "async", "macro_rules"};
    tok t;
    uint32_t i = a;
    if (next_tok(s, &i, b, &t) <= 0)
        return 0;
    if (t.kind == '#')
        return 1;
    for (size_t k = 0; t.kind == 'a' && k < sizeof w / sizeof w[0]; k++)
        if (word_is(s, t.a, t.b, w[k]))
            return 1;
    return 0;
}

int gr_macro_scan_items(const char *s, const char *name, size_t nlen, uint32_t open, uint32_t close,
                        gr_macro_scan *out)
{
    out->nranges = out->nstructs = out->nflags = 0;
    if (close <= open)
        return GR_MACRO_NONE;
    uint32_t a = open + 1, b = close;
    char d = s[open];
#define IS(w) (nlen == sizeof w - 1 && !memcmp(name, w, nlen))
    if (IS("cfg_if"))
        return d == '{' || d == '(' ? cfg_if(s, a, b, out) : GR_MACRO_NONE;
    if (IS("lazy_static"))
        return d == '{' || d == '(' ? item_list(s, a, b, 1, out) : GR_MACRO_NONE;
    if (IS("thread_local"))
        return d == '{' || d == '(' ? item_list(s, a, b, 0, out) : GR_MACRO_NONE;
    if (IS("bitflags"))
        return d == '{' || d == '(' ? bitflags(s, a, b, out) : GR_MACRO_NONE;
    if (IS("macro_rules") || d != '{' || !starts_like_items(s, a, b))
        return GR_MACRO_NONE;
#undef IS
    /* any other `name! { ... }` among items: an item list if it parses as one */
    return item_list(s, a, b, 0, out);
}

/* ---- `macro` items ------------------------------------------------------ */

static void add_def(gr_macro_defs *d, gr_macro_def m)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = gr_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = m;
}

size_t gr_macro_defs_scan(const char *s, uint32_t len, gr_macro_defs *out)
{
    enum { NONE = UINT32_MAX };
    out->n = 0;
    uint32_t i = 0, close;
    tok t, u;
    /* item: where an item may start (so far only attributes and perhaps
     * a visibility since the last ';', '{' or '}'); head: the first of
     * those, the start of the bytes the parser is to skip; vis_a..vis_end:
     * the visibility */
    int item = 1;
    uint32_t head = NONE, vis_a = NONE, vis_end = 0;
    /* the blocks the scan is in: extern ones (`extern "C" {`) marked, as
     * far as MAX_NEST levels; prev, prev2: the tokens before t */
    unsigned char externs[MAX_NEST];
    size_t depth = 0;
    tok prev = {0, 0, 0}, prev2 = {0, 0, 0};
    for (; next_tok(s, &i, len, &t) > 0; prev2 = prev, prev = t) {
        if (t.kind == '{' && depth < MAX_NEST)
            externs[depth] = (prev.kind == 'a' && word_is(s, prev.a, prev.b, "extern")) ||
                             (prev.kind == '"' && prev2.kind == 'a' && word_is(s, prev2.a, prev2.b, "extern"));
        depth += t.kind == '{';
        depth -= t.kind == '}' && depth > 0;
        if (t.kind == ';' || t.kind == '{' || t.kind == '}') {
            item = 1;
            head = vis_a = NONE;
            continue;
        }
        if (!item)
            continue;
        uint32_t j = i;
        if (t.kind == '#' && vis_a == NONE) {
            /* #[...] goes with the item; #![...] is its container's */
            int r = next_tok(s, &j, len, &u), inner = r > 0 && u.kind == '!';
            if (inner)
                r = next_tok(s, &j, len, &u);
            if (r <= 0 || u.kind != '[') {
                item = 0;
                continue;
            }
            if (!(close = gr_matching(s, u.a, len)))
                break;
            i = close + 1;
            if (!inner && head == NONE)
                head = t.a;
            continue;
        }
        if (t.kind == 'a' && vis_a == NONE && word_is(s, t.a, t.b, "pub")) {
            vis_a = t.a;
            vis_end = t.b;
            if (head == NONE)
                head = t.a;
            if (next_tok(s, &j, len, &u) > 0 && u.kind == '(') {
                if (!(close = gr_matching(s, u.a, len)))
                    break;
                i = vis_end = close + 1;
            }
            continue;
        }
        item = 0;
        tok nm;
        int trait = t.kind == 'a' && word_is(s, t.a, t.b, "trait");
        int type = t.kind == 'a' && word_is(s, t.a, t.b, "type") && depth > 0 && depth <= MAX_NEST &&
                   externs[depth - 1];
        if (t.kind != 'a' || !(trait || type || word_is(s, t.a, t.b, "macro")) || next_tok(s, &j, len, &nm) <= 0 ||
            nm.kind != 'a' || next_tok(s, &j, len, &u) <= 0)
            continue;
        uint32_t item_a = vis_a != NONE ? vis_a : t.a, a = head != NONE ? head : t.a;
        if (type || trait) {
            /* `type NAME;`; a trait that ends at a ';' before any '{' */
            int r = 1, open = 0;
            while (trait && r > 0 && u.kind != ';' && u.kind != '{' && u.kind != '}') {
                if (u.kind == '(' || u.kind == '[') {
                    if (!(close = gr_matching(s, u.a, len))) {
                        open = 1;
                        break;
                    }
                    j = close + 1;
                }
                r = next_tok(s, &j, len, &u);
            }
            /* a group that never closes ends the scan, as for `macro`:
             * going on from the name would walk to it again from each
             * `trait` inside (one pass per nesting level) */
            if (open)
                break;
            if (r <= 0 || u.kind != ';') {
                i = nm.b; /* on from the name: not one of these */
                continue;
            }
            add_def(out, (gr_macro_def){a, u.b, item_a, vis_a != NONE ? vis_end : item_a, nm.a, nm.b, u.a,
                                        trait ? GR_DEF_TRAIT_ALIAS : GR_DEF_EXTERN_TYPE});
            i = u.b;
            item = 1;
            head = vis_a = NONE;
            continue;
        }
        if (u.kind == '(') {
            /* macro NAME(PARAMS) { BODY }: past the parameters either way */
            if (!(close = gr_matching(s, u.a, len)))
                break;
            i = j = close + 1;
            if (next_tok(s, &j, len, &u) <= 0)
                break;
        }
        if (u.kind != '{')
            continue;
        if (!(close = gr_matching(s, u.a, len)))
            break;
        add_def(out, (gr_macro_def){a, close + 1, item_a, vis_a != NONE ? vis_end : item_a, nm.a, nm.b, u.a,
                                    GR_DEF_MACRO});
        i = close + 1;
        item = 1;
        head = vis_a = NONE;
    }
    return out->n;
}

void gr_macro_defs_free(gr_macro_defs *d)
{
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

void gr_macro_scan_free(gr_macro_scan *m)
{
    free(m->ranges);
    free(m->structs);
    free(m->flags);
    memset(m, 0, sizeof *m);
}
