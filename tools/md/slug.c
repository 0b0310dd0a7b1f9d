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
#include <stdlib.h>
#include <string.h>

#include "md.h"

/* Room for `-` and the digits of an unsigned long. */
#define SUFFIX_ROOM 24

typedef struct slot {
    size_t hash;         /* of the id, so that growing never reads an id again */
    size_t key;          /* where the id starts in `keys`, plus one; 0: an empty slot */
    size_t len;          /* its length */
    unsigned long count; /* the last suffix tried with this id as base */
} slot;

struct sl__md_slugs {
    slot *slots;
    size_t cap, used;
    char *keys; /* every id in use, each ended by a NUL: one buffer, not an allocation per heading */
    size_t keys_len, keys_cap;
    int empty_bare; /* a heading with no usable character: "" (github-slugger's own), not `section` */
};

sl__md_slugs *sl__md_slugs_new(void)
{
    return calloc(1, sizeof(sl__md_slugs));
}

void sl__md_slugs_clear(sl__md_slugs *s)
{
    /* a table far larger than this page needed is given back (clearing
     * it for every later page cost more than growing a small one) */
    if (s->cap > 64 && s->used * 8 < s->cap) {
        free(s->slots);
        s->slots = NULL;
        s->cap = 0;
    } else if (s->used) {
        memset(s->slots, 0, s->cap * sizeof *s->slots);
    }
    if (s->keys_cap > ((size_t)64 << 10)) {
        free(s->keys);
        s->keys = NULL;
        s->keys_cap = 0;
    }
    s->used = 0;
    s->keys_len = 0;
}

void sl__md_slugs_empty_bare(sl__md_slugs *s)
{
    s->empty_bare = 1;
}

void sl__md_slugs_free(sl__md_slugs *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->keys);
    free(s);
}

static size_t hash(const char *k, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    return h;
}

/* The slot of id k (n bytes, hash h), or the empty slot where it goes. */
static slot *find(sl__md_slugs *s, const char *k, size_t n, size_t h)
{
    size_t i = h & (s->cap - 1);
    while (s->slots[i].key) {
        const slot *sl = &s->slots[i];
        if (sl->hash == h && sl->len == n && !memcmp(s->keys + sl->key - 1, k, n))
            break;
        i = (i + 1) & (s->cap - 1);
    }
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
        if (os[i].key) {
            size_t k = os[i].hash & (s->cap - 1);
            while (s->slots[k].key)
                k = (k + 1) & (s->cap - 1);
            s->slots[k] = os[i];
        }
    free(os);
    return 0;
}

/* Takes id k (n bytes, hash h, not in use) into the table.  -1: no memory. */
static int intern(sl__md_slugs *s, const char *k, size_t n, size_t h)
{
    if ((s->used + 1) * 2 > s->cap && grow(s) != 0)
        return -1;
    if (s->keys_cap - s->keys_len <= n) {
        size_t cap = s->keys_cap ? s->keys_cap : 256;
        while (cap - s->keys_len <= n)
            cap *= 2;
        char *keys = realloc(s->keys, cap);
        if (!keys)
            return -1;
        s->keys = keys;
        s->keys_cap = cap;
    }
    slot *sl = find(s, k, n, h);
    memcpy(s->keys + s->keys_len, k, n);
    s->keys[s->keys_len + n] = 0;
    *sl = (slot){h, s->keys_len + 1, n, 0};
    s->keys_len += n + 1;
    s->used++;
    return 0;
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

/* What an ASCII byte becomes in a slug: a letter lowercased, a digit,
 * `-` or `_` itself, a space `-`; 0, dropped.  A table, not a chain of
 * range tests: heading text mixes the classes byte by byte, and the
 * tests' branches were mispredicted about once a heading byte. */
static const char ascii_slug[128] = {
    [' '] = '-', ['-'] = '-', ['_'] = '_',
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z'};

/* The id for a heading's text, in a buffer with room after it for a
 * suffix (`-` and a number); *len is its length. */
static char *base_slug(const char *text, size_t n, int empty_bare, size_t *len)
{
    const unsigned char *t = (const unsigned char *)text;
    char *out = malloc(n + sizeof "section" + SUFFIX_ROOM);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = t[i];
        size_t drop;
        if (c < 0x80) {
            out[o] = ascii_slug[c];
            o += out[o] != 0;
            i++;
        } else if ((drop = dropped_seq(t, i, n)))
            i += drop;
        else
            out[o++] = (char)t[i++];
    }
    if (o == 0 && !empty_bare) {
        memcpy(out, "section", sizeof "section");
        *len = sizeof "section" - 1;
        return out;
    }
    out[o] = 0;
    *len = o;
    return out;
}

/* Writes `-` and v after id[0, n), and a NUL; returns the new length. */
static size_t put_suffix(char *id, size_t n, unsigned long v)
{
    char digits[SUFFIX_ROOM];
    size_t d = 0;
    do
        digits[d++] = (char)('0' + v % 10);
    while ((v /= 10));
    id[n++] = '-';
    while (d)
        id[n++] = digits[--d];
    id[n] = 0;
    return n;
}

char *sl__md_slugs_make(sl__md_slugs *s, const char *text, size_t n)
{
    size_t bl, l;
    char *id = base_slug(text, n, s->empty_bare, &bl);
    if (!id)
        return NULL;
    if (s->cap == 0 && grow(s) != 0)
        goto fail;
    size_t bh = hash(id, bl), h = bh;
    l = bl;
    if (find(s, id, bl, bh)->key) {
        for (;;) {
            /* Look the base up each time: inserting may move the table. */
            unsigned long count = ++find(s, id, bl, bh)->count;
            l = put_suffix(id, bl, count);
            h = hash(id, l);
            if (!find(s, id, l, h)->key)
                break;
        }
    }
    if (intern(s, id, l, h) != 0)
        goto fail;
    return id;
fail:
    free(id);
    return NULL;
}
