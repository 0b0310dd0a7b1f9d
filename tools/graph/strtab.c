/*
 * strtab.c - string interning (FNV-1a, open addressing) and the pair map.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

void gr_strtab_init(gr_strtab *t)
{
    memset(t, 0, sizeof *t);
    t->mask = 1023;
    t->slots = gr_xcalloc(t->mask + 1, sizeof *t->slots);
    gr_strtab_intern(t, "", 0);
}

void gr_strtab_free(gr_strtab *t)
{
    free(t->arena);
    free(t->off);
    free(t->slen);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static void rehash(gr_strtab *t)
{
    uint32_t mask = t->mask * 2 + 1;
    uint32_t *slots = gr_xcalloc((size_t)mask + 1, sizeof *slots);
    for (uint32_t id = 0; id < t->n; id++) {
        uint64_t h = hash(t->arena + t->off[id], t->slen[id]);
        uint32_t i = (uint32_t)h & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
}

/* The id of s, or UINT32_MAX with *slot set to where it would go. */
static uint32_t probe(const gr_strtab *t, const char *s, size_t len, uint32_t *slot)
{
    uint32_t i = (uint32_t)hash(s, len) & t->mask;
    while (t->slots[i]) {
        uint32_t id = t->slots[i] - 1;
        if (t->slen[id] == len && !memcmp(t->arena + t->off[id], s, len))
            return id;
        i = (i + 1) & t->mask;
    }
    *slot = i;
    return UINT32_MAX;
}

uint32_t gr_strtab_find(const gr_strtab *t, const char *s, size_t len)
{
    uint32_t slot;
    return probe(t, s, len, &slot);
}

uint32_t gr_strtab_intern(gr_strtab *t, const char *s, size_t len)
{
    uint32_t i, found = probe(t, s, len, &i);
    if (found != UINT32_MAX)
        return found;
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 65536;
        while (cap < t->len + len + 1)
            cap *= 2;
        t->arena = gr_xrealloc(t->arena, cap);
        t->cap = cap;
    }
    if (t->n == t->ncap) {
        t->ncap = t->ncap ? t->ncap * 2 : 1024;
        t->off = gr_xrealloc(t->off, t->ncap * sizeof *t->off);
        t->slen = gr_xrealloc(t->slen, t->ncap * sizeof *t->slen);
    }
    uint32_t id = t->n++;
    t->off[id] = (uint32_t)t->len;
    t->slen[id] = (uint32_t)len;
    memcpy(t->arena + t->len, s, len);
    t->arena[t->len + len] = 0;
    t->len += len + 1;
    t->slots[i] = id + 1;
    if ((size_t)t->n * 2 > t->mask)
        rehash(t);
    return id;
}

void gr_map_free(gr_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* splitmix64's finaliser: every key bit reaches every slot bit (keys are
 * (scope << 32 | name) pairs, whose high half a plain multiply loses). */
static size_t slot(uint64_t key, size_t mask)
{
    uint64_t h = key;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    return (size_t)h & mask;
}

uint32_t gr_map_get(const gr_map *m, uint64_t key)
{
    if (!m->cap)
        return 0;
    for (size_t i = slot(key, m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->vals[i];
        if (!m->keys[i])
            return 0;
    }
}

void gr_map_put(gr_map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *keys = gr_xcalloc(cap, sizeof *keys);
        uint32_t *vals = gr_xcalloc(cap, sizeof *vals);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = slot(m->keys[i], cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = slot(key, m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}
