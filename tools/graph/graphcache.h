/*
 * graphcache.h - per-file graphs kept on disk between runs, keyed by the
 * file's content (`sluice graph --cache DIR`).
 *
 * What the extractor makes of a file depends on its bytes, the grammar
 * and the extractor alone, so a file whose bytes were seen before need
 * not be parsed again: its per-file graph (fgcodec.h) is read back.  The
 * key is SHA-256 over the tool's build id (extractor version, grammar and
 * runtime versions) and the text.  A run's new entries go into one pack
 * file, written to a temporary name and renamed, so a reader sees a whole
 * pack or none, and two runs may share a directory.  An entry is checked
 * (the pack's index, then the record's checksum, key and sizes, then the
 * decoder's own checks) before it is used; one that fails is counted and
 * recomputed, never trusted.  The format is docs/formats/graph-cache.md.
 * Workers call get and put concurrently: the shared state is the
 * counters, the packs' indexes (read once, at the first get), and the
 * new entries, under one lock.
 */
#ifndef SLUICE_GRAPH_GRAPHCACHE_H
#define SLUICE_GRAPH_GRAPHCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "filegraph.h"

enum { GR_CACHE_KEY = 32 };

/* The directory under DIR that holds this layout (packs, run records,
 * snapshots); another layout would use another name beside it. */
#define GR_CACHE_SUBDIR "sluice-graph-2"

/* Default --cache-max: the cache's size on disk, past which the least
 * recently used entries are removed at the end of a run. */
#define GR_CACHE_DEFAULT_MAX ((uint64_t)1 << 30)

typedef struct gr_cache gr_cache;

typedef struct gr_cache_stats {
    uint64_t hits, misses, bad, written, write_errors, evicted, size;
} gr_cache_stats;

/* Opens (creating it) the cache in dir.  NULL, with the reason in err,
 * when it cannot be used: the caller goes on without one. */
gr_cache *gr_cache_open(const char *dir, uint64_t max_bytes, char *err, size_t errlen);

/* The key of a file whose text is src[0..len). */
void gr_cache_key(const char *src, size_t len, uint8_t key[GR_CACHE_KEY]);

/* The per-file graph stored under key, as a new fg_file named path with
 * number index, or NULL (no entry, or one that failed a check). */
fg_file *gr_cache_get(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const char *path, uint32_t index);

/* Stores f under key (errors are counted, not reported: a cache that
 * cannot be written is only slower). */
void gr_cache_put(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f);

/* A full run is about to hash every source it reads: OpenSSL's libcrypto
 * (gr_sha256) is loaded now, on a thread of its own, while discovery
 * keeps one CPU busy and leaves the other idle, instead of by the first
 * worker past the first MiB, while both parse (dlopen and EVP_MD_fetch
 * took 15-47 ms at load 15).  Not with one CPU. */
void gr_cache_prepare(gr_cache *c);

/* Stores f under key as gr_cache_put does; but while deferring, keeps f
 * itself and encodes it when it is compressed, behind the parse: the
 * caller keeps f alive, and the parts of it that are encoded unchanged,
 * until gr_cache_close (the merger's graph owns it: graph_main closes the
 * cache before it frees the graph).  The workers' encoding was a fifth
 * of what a cold run with an empty cache added to the parse. */
void gr_cache_put_kept(gr_cache *c, const uint8_t key[GR_CACHE_KEY], const fg_file *f);

/* From now on gr_cache_put keeps the entries (encoded, or the graphs
 * themselves: gr_cache_put_kept) instead of compressing them: the
 * workers parse, and the entries are compressed behind, once
 * gr_cache_write_behind starts it. */
void gr_cache_defer(gr_cache *c);
/* Starts compressing the kept entries on a thread of their own, at the
 * run's priority, while the mount leaves a CPU idle; once all are, the
 * same thread writes them as this run's pack to its temporary file.
 * Later puts compress at once. */
void gr_cache_write_behind(gr_cache *c);
/* Compresses what was kept and is not compressed yet (here and on one
 * more thread), writes this run's pack - renames the one written behind
 * when nothing else goes into it (merging small packs into it, carrying
 * a damaged one's sound records) - and evicts down to the size limit,
 * fills *st (may be NULL) and frees c. */
void gr_cache_close(gr_cache *c, gr_cache_stats *st);

/* The build id folded into every key. */
const char *gr_cache_build_id(void);

/* SHA-256 of a[0..alen) followed by b[0..blen) (libcrypto). */
void gr_sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32]);

#endif
