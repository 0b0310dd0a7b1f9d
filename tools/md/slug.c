/*
 * slug.c - GitHub-style heading ids, unique within a page.
 *
 * The rule github-slugger (and so GitHub, Docusaurus, VitePress) applies:
 * lowercase, drop punctuation and symbols, keep letters, digits, `-` and
 * `_`, turn each space into `-`.  A repeated id gets `-1`, `-2`, ... from a
 * per-base counter, skipping suffixes that are already taken.  Letters
 * outside ASCII are kept as they are; the Unicode punctuation blocks
 * people actually type (U+00A0-U+00BF, U+2000-U+206F) and emoji are
 * dropped.  A heading with no usable character gets the base `section`
 * (MDX pages: "", then `-1`, ..., as rehype-slug gives with github-slugger).
 * Ids live in a hash table, so a page with a million headings stays linear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

typedef struct slot {
    char *key;           /* an id in use */
    unsigned long count; /* the last suffix tried with this id as base */
} slot;

struct sl__md_slugs {
    slot *slots;
    size_t cap, used;
    int empty_bare; /* a heading with no usable character: "" (github-slugger's own), not `section` */
};

sl__md_slugs *sl__md_slugs_new(void)
{
    return calloc(1, sizeof(sl__md_slugs));
}

void sl__md_slugs_empty_bare(sl__md_slugs *s)
{
    s->empty_bare = 1;
}

void sl__md_slugs_free(sl__md_slugs *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].key);
    free(s->slots);
    free(s);
}

static size_t hash(const char *k)
{
    size_t h = 1469598103934665603ull;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

static slot *find(sl__md_slugs *s, const char *k)
{
    size_t i = hash(k) & (s->cap - 1);
    while (s->slots[i].key && strcmp(s->slots[i].key, k) != 0)
        i = (i + 1) & (s->cap - 1);
    return &s->slots[i];
}

static int grow(sl__md_slugs *s)
{
    size_t old = s->cap;
    slot *os = s->slots;
    s->cap = old ? old * 2 : 16;
    s->slots = calloc(s->cap, sizeof(slot));
    if (!s->slots) {
        s->slots = os;
        s->cap = old;
        return -1;
    }
    for (size_t i = 0; i < old; i++)
        if (os[i].key)
            *find(s, os[i].key) = os[i];
    free(os);
    return 0;
}

/* The slot for key (inserted with a copy of key when new), or NULL. */
static slot *intern(sl__md_slugs *s, const char *k)
{
    if ((s->used + 1) * 2 > s->cap && grow(s) != 0)
        return NULL;
    slot *sl = find(s, k);
    if (!sl->key) {
        if (!(sl->key = strdup(k)))
            return NULL;
        s->used++;
    }
    return sl;
}

/* Bytes of the UTF-8 sequence at t[i] that slugs drop, or 0 to keep it. */
static size_t dropped_seq(const unsigned char *t, size_t i, size_t n)
{
    if (t[i] == 0xC2 && i + 1 < n && t[i + 1] >= 0xA0 && t[i + 1] <= 0xBF)
        return 2;
    if (t[i] == 0xE2 && i + 2 < n && (t[i + 1] == 0x80 || t[i + 1] == 0x81))
        return 3;
    if (t[i] == 0xF0 && i + 3 < n && t[i + 1] == 0x9F)
        return 4; /* emoji and pictographs */
    return 0;
}

static char *base_slug(const char *text, size_t n, int empty_bare)
{
    const unsigned char *t = (const unsigned char *)text;
    char *out = malloc(n + sizeof "section");
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = t[i];
        size_t drop;
        if (c >= 0x80) {
            if ((drop = dropped_seq(t, i, n))) {
                i += drop;
                continue;
            }
            out[o++] = (char)c;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            out[o++] = (char)c;
        else if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
        else if (c == ' ')
            out[o++] = '-';
        i++;
    }
    if (o == 0 && !empty_bare) {
        memcpy(out, "section", sizeof "section");
        return out;
    }
    out[o] = 0;
    return out;
}

char *sl__md_slugs_make(sl__md_slugs *s, const char *text, size_t n)
{
    char *base = base_slug(text, n, s->empty_bare);
    if (!base)
        return NULL;
    if (s->cap == 0 && grow(s) != 0)
        goto fail;
    if (!find(s, base)->key)
        return intern(s, base) ? base : (free(base), NULL);
    size_t cl = strlen(base) + 24;
    char *cand = malloc(cl);
    if (!cand)
        goto fail;
    for (;;) {
        /* Look the base up each time: inserting may move the table. */
        slot *b = find(s, base);
        snprintf(cand, cl, "%s-%lu", base, ++b->count);
        if (!find(s, cand)->key)
            break;
    }
    free(base);
    if (!intern(s, cand)) {
        free(cand);
        return NULL;
    }
    return cand;
fail:
    free(base);
    return NULL;
}
