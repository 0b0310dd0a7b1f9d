/*
 * slug.c - GitHub-style heading ids, unique within a page.
 *
 * github-slugger's rule (GitHub's anchors; rehype-slug, Docusaurus,
 * VitePress): JavaScript's toLowerCase (all of Unicode: `Ärger` is
 * `ärger`, `ΟΔΟΣ` is `οδος` with the final sigma), then every character
 * removed but letters, marks, decimal and letter numbers, connector
 * punctuation, `-` and space, as Unicode 13 has them (symbols such as `⚠`,
 * emoji, `½`, and letters newer than Unicode 13 go), then each space to `-`.  The
 * non-ASCII tables (slug_tables.h) are generated from github-slugger's own
 * regex and node's toLowerCase by scripts/gen-slug-tables.mjs;
 * `md_slug_matches_github_slugger` compares the ids with github-slugger's.
 * A repeated id gets `-1`, `-2`, ... from a per-base counter, skipping
 * suffixes that are already taken.  A heading with no usable character
 * gets the base `section` (MDX pages: "", then `-1`, ..., as rehype-slug
 * gives with github-slugger).
 * Ids live in a hash table, so a page with a million headings stays linear.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cp_ranges.h"
#include "../common/utf8_put.h"
#include "md.h"
#include "slug_tables.h"

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

/* base_slug knows of one lowercasing into two code points */
_Static_assert(sizeof slug_lower_multi / sizeof *slug_lower_multi == 1, "slug_lower_multi: one entry");

#define IN(table, c) sl_cp_in_ranges(table, sizeof table / sizeof *table, c)

/* toLowerCase of a non-ASCII code point other than Σ and U+0130. */
static uint32_t lower(uint32_t c)
{
    size_t lo = 0, hi = sizeof slug_lower / sizeof *slug_lower;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const slug_lower_run *r = &slug_lower[mid];
        if (c < r->lo)
            hi = mid;
        else if (c > r->lo + (uint32_t)(r->n - 1) * r->stride)
            lo = mid + 1;
        else
            return (c - r->lo) % r->stride ? c : (uint32_t)((int32_t)c + r->delta);
    }
    return c;
}

/* The code point at t[*i] (valid UTF-8, the page's contract; a stray
 * byte reads as U+FFFD, which slugs drop), *i moved past it. */
static uint32_t next_cp(const unsigned char *t, size_t n, size_t *i)
{
    uint32_t c = t[*i];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || *i + len > n) {
        (*i)++;
        return 0xFFFD;
    }
    if (len > 1)
        c &= 0x3Fu >> (len - 1);
    for (size_t k = 1; k < len; k++)
        c = (c << 6) | (t[*i + k] & 0x3Fu);
    *i += len;
    return c;
}

/* The code point ending just before t[*i], *i moved to its start. */
static uint32_t prev_cp(const unsigned char *t, size_t n, size_t *i)
{
    size_t j = *i - 1;
    while (j > 0 && *i - j < 4 && (t[j] & 0xC0) == 0x80)
        j--;
    size_t k = j;
    uint32_t c = next_cp(t, n, &k);
    if (k != *i) { /* not one sequence: the stray byte alone */
        *i -= 1;
        return 0xFFFD;
    }
    *i = j;
    return c;
}

/* 1 if the nearest code point in direction dir (-1, +1) from t[i] that is
 * not Case_Ignorable is Cased: ICU's test for Final_Sigma, which node's
 * toLowerCase uses (a code point both Cased and Case_Ignorable, such as
 * U+02B0, is passed over as ignorable, as ICU does). */
static int cased_beside(const unsigned char *t, size_t n, size_t i, int dir)
{
    while (dir < 0 ? i > 0 : i < n) {
        uint32_t c = dir < 0 ? prev_cp(t, n, &i) : next_cp(t, n, &i);
        if (c < 0x80) {
            if (c == '\'' || c == '.' || c == ':' || c == '^' || c == '`')
                continue;
            return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        }
        if (IN(slug_case_ignorable, c))
            continue;
        return IN(slug_cased, c);
    }
    return 0;
}

/* Appends code point c to out[*o] if slugs keep it (as a lowercased
 * character: github-slugger removes after lowercasing). */
static void put_kept(char *out, size_t *o, uint32_t c)
{
    if (c < 0x80) {
        out[*o] = ascii_slug[c];
        *o += out[*o] != 0;
    } else if (IN(slug_keep, c))
        *o += sl_utf8_put(out + *o, c);
}

/* The id for a heading's text, in a buffer with room after it for a
 * suffix (`-` and a number); *len is its length.  github-slugger's
 * slug(): toLowerCase, then remove what its regex matches (all but
 * letters, marks, numbers, connector punctuation, `-` and space), then
 * each space to `-`. */
static char *base_slug(const char *text, size_t n, int empty_bare, size_t *len)
{
    const unsigned char *t = (const unsigned char *)text;
    /* lowercasing can lengthen a character's UTF-8 by half
     * (U+023A to U+2C65: 2 to 3 bytes; U+0130 to `i` U+0307: 2 to 3) */
    if (n > (SIZE_MAX - sizeof "section" - SUFFIX_ROOM) / 2)
        return NULL;
    char *out = malloc(n + n / 2 + 1 + sizeof "section" + SUFFIX_ROOM);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = t[i];
        if (c < 0x80) {
            out[o] = ascii_slug[c];
            o += out[o] != 0;
            i++;
            continue;
        }
        size_t at = i;
        uint32_t cp = next_cp(t, n, &i);
        if (cp == 0x3A3) /* Σ: ς at a word's end (Final_Sigma), σ elsewhere */
            put_kept(out, &o, cased_beside(t, n, at, -1) && !cased_beside(t, n, i, 1) ? 0x3C2 : 0x3C3);
        else if (cp == slug_lower_multi[0][0]) {
            put_kept(out, &o, slug_lower_multi[0][1]);
            put_kept(out, &o, slug_lower_multi[0][2]);
        } else
            put_kept(out, &o, lower(cp));
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
