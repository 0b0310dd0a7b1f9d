/*
 * strtab.h - interned strings and a u64 -> u32 hash map, the merger's two
 * lookup structures.
 *
 * Interning gives every distinct name, path and signature one small id,
 * so the global graph compares names as integers and stores each once.
 * The map keys are pairs of such ids ((scope, name) -> first node), which
 * is all name resolution needs.  Both are owned by the merger thread only.
 */
#ifndef SLUICE_GRAPH_STRTAB_H
#define SLUICE_GRAPH_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct gr_strtab {
    char *arena;
    size_t len, cap;
    struct gr_strent {
        uint32_t off, len; /* id -> offset in arena, length: one cache line */
    } *ent;
    uint32_t n, ncap;
    uint64_t *slots;  /* open addressing: hash << 32 | (id + 1), 0 empty */
    uint32_t mask;
    int pinned;       /* strings must not move (another thread reads them) */
} gr_strtab;

void gr_strtab_init(gr_strtab *t);
void gr_strtab_free(gr_strtab *t);
/* Room for `strings` more strings of `bytes` bytes in all without
 * growing (a hint: interning works the same without it). */
void gr_strtab_reserve(gr_strtab *t, size_t strings, size_t bytes);
/* The same for the strings alone (the hash slots still grow as needed):
 * with enough room, later interning never moves a string, which is what
 * lets another thread read the table while this one interns. */
void gr_strtab_reserve_strings(gr_strtab *t, size_t strings, size_t bytes);
/* The id of s[0..len), adding it if new.  Id 0 is the empty string. */
uint32_t gr_strtab_intern(gr_strtab *t, const char *s, size_t len);
/* The id of s if present, else UINT32_MAX. */
uint32_t gr_strtab_find(const gr_strtab *t, const char *s, size_t len);
/* Hashes t's n strings (entries and arena as they are) into slots[0..mask],
 * zeroed, mask + 1 a power of two above n, which become t's slots: a
 * table read back from a snapshot, whose hash slots are not kept.  -1
 * (t unusable) when a string is there twice or the probes run past a few
 * per string in all: a hostile file, whose rebuild would be quadratic. */
int gr_strtab_index(gr_strtab *t, uint64_t *slots, uint32_t mask);
static inline const char *gr_str(const gr_strtab *t, uint32_t id)
{
    return t->arena + t->ent[id].off;
}
static inline uint32_t gr_strlen(const gr_strtab *t, uint32_t id)
{
    return t->ent[id].len;
}

typedef struct gr_map_slot {
    uint64_t key;
    uint32_t val;
} gr_map_slot;

typedef struct gr_map {
    gr_map_slot *slots; /* key and value side by side: one cache line a probe */
    size_t n, cap;      /* cap a power of two; 0 key marks an empty slot */
} gr_map;

void gr_map_free(gr_map *m);
/* The entries of m in a new table of the least size that keeps it at
 * most 80% full (for reading only: gr_map_put grows it at 50%). */
void gr_map_pack(const gr_map *m, gr_map *out);
/* The same in parts: that table's capacity for n entries, and m's
 * entries put into slots[0..cap), which the caller gives zeroed. */
size_t gr_map_pack_cap(size_t n);
void gr_map_pack_into(const gr_map *m, gr_map_slot *slots, size_t cap);
/* Room for n entries without growing. */
void gr_map_reserve(gr_map *m, size_t n);
/* Value for key, or 0 (values are nonzero node or entry numbers). */
uint32_t gr_map_get(const gr_map *m, uint64_t key);
void gr_map_put(gr_map *m, uint64_t key, uint32_t val);
/* The same as, for i in 0..n, "prev[i] = gr_map_get(key i); if that is 0,
 * gr_map_put(key i, vals[i])", but the pairs go in sorted by slot, so the
 * table fills in one sweep instead of a cache miss per pair. */
void gr_map_add_many(gr_map *m, size_t n, const uint64_t *keys, const uint32_t *vals, uint32_t *prev);
/* m as a table for reading of the n pairs at e (12 bytes each: the key,
 * then the value, native byte order, unaligned) in slots[0..cap), zeroed,
 * cap a power of two above n (gr_map_pack_cap(n)).  Pairs listed in the
 * order of another table's slots (a multiple of cap) go in as a few
 * sweeps of the new one, not a cache miss each.  -1 when a key is 0,
 * two pairs share one, or the probes run past a few per pair in all (keys
 * made to collide: the fill would be quadratic). */
int gr_map_fill(gr_map *m, gr_map_slot *slots, size_t cap, const uint8_t *e, size_t n);
/* Sorts n keys in increasing order (LSD radix, 16 bits a pass; passes
 * on which every key agrees are skipped). */
void gr_sort_u64(uint64_t *keys, size_t n);

static inline uint64_t gr_key(uint32_t a, uint32_t b)
{
    return ((uint64_t)a << 32 | b) + 1; /* +1: never the empty key 0 */
}

#endif
