/*
 * strtab.c - string interning (FNV-1a, open addressing) and the pair map.
 */
#include "strtab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Eight bytes a step (names and paths are long and share prefixes), then
 * a full avalanche so the low bits that pick a slot depend on every byte. */
static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    for (size_t k = 0; i + k < len; k++)
        w |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
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
    free(t->ent);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* New slot table of mask+1 slots; the stored hashes place every id again
 * without touching the strings. */
static void resize(gr_strtab *t, uint32_t mask)
{
    uint64_t *slots = gr_xcalloc((size_t)mask + 1, sizeof *slots);
    for (uint32_t i = 0; i <= t->mask; i++) {
        uint64_t e = t->slots[i];
        if (!e)
            continue;
        uint32_t j = (uint32_t)(e >> 32) & mask;
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = e;
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
}

static void pinned(void)
{
    /* a reservation fell short: moving now would pull strings from under
     * a reader on another thread */
    fprintf(stderr, "sluice graph: internal error: the string table grew while pinned\n");
    abort();
}

static void grow_ids(gr_strtab *t, size_t want)
{
    if (want <= t->ncap)
        return;
    if (t->pinned)
        pinned();
    size_t cap = t->ncap ? t->ncap : 1024;
    while (cap < want)
        cap *= 2;
    t->ncap = (uint32_t)cap;
    t->ent = gr_xrealloc(t->ent, cap * sizeof *t->ent);
}

static void grow_arena(gr_strtab *t, size_t want)
{
    if (want <= t->cap)
        return;
    if (t->pinned)
        pinned();
    size_t cap = t->cap ? t->cap : 65536;
    while (cap < want)
        cap *= 2;
    t->arena = gr_xrealloc(t->arena, cap);
    t->cap = cap;
}

void gr_strtab_reserve(gr_strtab *t, size_t strings, size_t bytes)
{
    grow_ids(t, t->n + strings);
    grow_arena(t, t->len + bytes + strings);
    size_t want = ((size_t)t->n + strings) * 2;
    uint32_t mask = t->mask;
    while ((size_t)mask + 1 < want && mask < 0x7FFFFFFFu)
        mask = mask * 2 + 1;
    if (mask != t->mask)
        resize(t, mask);
}

void gr_strtab_reserve_strings(gr_strtab *t, size_t strings, size_t bytes)
{
    grow_ids(t, t->n + strings);
    grow_arena(t, t->len + bytes + strings);
}

/* The id of s, or UINT32_MAX with *slot set to where it would go. */
static uint32_t probe(const gr_strtab *t, const char *s, size_t len, uint32_t h, uint32_t *slot)
{
    uint32_t i = h & t->mask;
    for (uint64_t e; (e = t->slots[i]); i = (i + 1) & t->mask) {
        if ((uint32_t)(e >> 32) != h)
            continue;
        uint32_t id = (uint32_t)e - 1;
        if (t->ent[id].len == len && !memcmp(t->arena + t->ent[id].off, s, len))
            return id;
    }
    *slot = i;
    return UINT32_MAX;
}

uint32_t gr_strtab_find(const gr_strtab *t, const char *s, size_t len)
{
    uint32_t slot;
    return probe(t, s, len, (uint32_t)hash(s, len), &slot);
}

/* What rebuilding a table of n entries may cost in probes, in all.  A
 * table the writer made (at most half full for strings, 80% for maps)
 * takes a few per entry; a hostile file's colliding keys would take a
 * run as long as the table for each, quadratic in all. */
static uint64_t probe_budget(size_t n)
{
    return 16 * (uint64_t)n + 4096;
}

int gr_strtab_index(gr_strtab *t, uint64_t *slots, uint32_t mask)
{
    t->slots = slots;
    t->mask = mask;
    uint64_t budget = probe_budget(t->n);
    for (uint32_t id = 0; id < t->n; id++) {
        const char *s = t->arena + t->ent[id].off;
        uint32_t len = t->ent[id].len, h = (uint32_t)hash(s, len), i = h & mask;
        for (uint64_t e; (e = slots[i]); i = (i + 1) & mask) {
            if (!budget--)
                return -1;
            /* the writer interned each string once */
            const struct gr_strent *o = &t->ent[(uint32_t)e - 1];
            if ((uint32_t)(e >> 32) == h && o->len == len && !memcmp(t->arena + o->off, s, len))
                return -1;
        }
        slots[i] = (uint64_t)h << 32 | (id + 1);
    }
    return 0;
}

uint32_t gr_strtab_intern(gr_strtab *t, const char *s, size_t len)
{
    if (!len && t->n)
        return 0; /* the empty string, interned first */
    uint32_t h = (uint32_t)hash(s, len), i = 0;
    uint32_t found = probe(t, s, len, h, &i);
    if (found != UINT32_MAX)
        return found;
    grow_arena(t, t->len + len + 1);
    grow_ids(t, (size_t)t->n + 1);
    uint32_t id = t->n++;
    t->ent[id].off = (uint32_t)t->len;
    t->ent[id].len = (uint32_t)len;
    memcpy(t->arena + t->len, s, len);
    t->arena[t->len + len] = 0;
    t->len += len + 1;
    t->slots[i] = (uint64_t)h << 32 | (id + 1);
    if ((size_t)t->n * 2 > t->mask)
        resize(t, t->mask * 2 + 1);
    return id;
}

void gr_map_free(gr_map *m)
{
    free(m->slots);
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
        if (m->slots[i].key == key)
            return m->slots[i].val;
        if (!m->slots[i].key)
            return 0;
    }
}

static void map_resize(gr_map *m, size_t cap)
{
    gr_map_slot *slots = gr_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = slot(m->slots[i].key, cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

size_t gr_map_pack_cap(size_t n)
{
    size_t cap = 1;
    while (cap < n + n / 4 + 1) /* at most 80% full: a probe still ends soon */
        cap *= 2;
    return cap;
}

void gr_map_pack_into(const gr_map *m, gr_map_slot *slots, size_t cap)
{
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = slot(m->slots[i].key, cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
}

void gr_map_pack(const gr_map *m, gr_map *out)
{
    memset(out, 0, sizeof *out);
    if (!m->n)
        return;
    out->cap = gr_map_pack_cap(m->n);
    out->slots = gr_xcalloc(out->cap, sizeof *out->slots);
    out->n = m->n;
    gr_map_pack_into(m, out->slots, out->cap);
}

void gr_map_reserve(gr_map *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 1024;
    while (cap < (m->n + n) * 2)
        cap *= 2;
    if (cap != m->cap)
        map_resize(m, cap);
}

void gr_map_put(gr_map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        map_resize(m, m->cap ? m->cap * 2 : 1024);
    size_t i = slot(key, m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key)
        m->n++;
    m->slots[i].key = key;
    m->slots[i].val = val;
}

void gr_map_add_many(gr_map *m, size_t n, const uint64_t *keys, const uint32_t *vals, uint32_t *prev)
{
    if (!n)
        return;
    gr_map_reserve(m, n);
    size_t mask = m->cap - 1;
    /* (home slot, position): equal keys share a slot and keep their order,
     * so the first of them is the one that goes in */
    uint64_t *ord = gr_xmalloc(n * sizeof *ord);
    for (size_t i = 0; i < n; i++)
        ord[i] = (uint64_t)slot(keys[i], mask) << 32 | i;
    gr_sort_u64(ord, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)(ord[k] & 0xFFFFFFFFu), j = (size_t)(ord[k] >> 32);
        while (m->slots[j].key && m->slots[j].key != keys[i])
            j = (j + 1) & mask;
        if (m->slots[j].key) {
            prev[i] = m->slots[j].val;
            continue;
        }
        m->slots[j].key = keys[i];
        m->slots[j].val = vals[i];
        m->n++;
        prev[i] = 0;
    }
    free(ord);
}

int gr_map_fill(gr_map *m, gr_map_slot *slots, size_t cap, const uint8_t *e, size_t n)
{
    *m = (gr_map){slots, n, cap};
    size_t mask = cap - 1;
    uint64_t budget = probe_budget(n);
    for (size_t i = 0; i < n; i++, e += 12) {
        uint64_t key;
        memcpy(&key, e, 8);
        size_t j = slot(key, mask);
        while (slots[j].key && slots[j].key != key) {
            if (!budget--)
                return -1;
            j = (j + 1) & mask;
        }
        if (!key || slots[j].key)
            return -1;
        slots[j].key = key;
        memcpy(&slots[j].val, e + 8, 4);
    }
    return 0;
}

void gr_sort_u64(uint64_t *keys, size_t n)
{
    if (n < 2)
        return;
    uint64_t *tmp = gr_xtemp(n * sizeof *tmp), *a = keys, *b = tmp;
    size_t *count = gr_xmalloc(65536 * sizeof *count);
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & 0xFFFF]++;
        if (count[(a[0] >> shift) & 0xFFFF] == n)
            continue; /* every key has this digit */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & 0xFFFF]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    if (a != keys)
        memcpy(keys, a, n * sizeof *keys);
    free(count);
    gr_xtemp_free(tmp, n * sizeof *tmp);
}
