/*
 * parse_remote.c - `sluice graph --workers URL`: the parse phase spread
 * over `sluice worker`s through a Redis stream (tools/cluster), with the
 * local threads parsing too.
 *
 * The one idea: a job is a file, its input the file's bytes, its result
 * the per-file graph in fgcodec's exact encoding - so a graph a worker
 * parsed is, once decoded, the one this process would have made, and the
 * merger (parse_all.c's gr_parse_take, on this thread) cannot tell them
 * apart.  The coordinator hands over exactly one result per file, so the
 * outputs are the bytes a local -j1 run writes.
 *
 * The job number is the file number.  load and decode run on the
 * coordinator's threads while the merger adds files (a `mod` that reaches
 * an unlisted file) and so moves g->files: they see paths through a table
 * of their own, under a lock, and the merger names each result's file
 * when it takes it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_all.h"

#ifdef SLUICE_GRAPH_CLUSTER
#include "cluster.h"
#include "extract.h"
#include "fgcodec.h"
#include "progress.h"
#include "sluice/chan.h"
#include "source.h"
#include "xalloc.h"

typedef struct rfile {
    char *path;
    uint8_t key[GR_CACHE_KEY]; /* of the text sent, when keyed */
    int keyed;
    fg_file *hit; /* the cache's graph, found by load, for run to take */
} rfile;

typedef struct parser { /* one per coordinator thread, made on first use */
    gr_extractor *x;
    fg_scratch sc;
} parser;

typedef struct remote {
    gr_graph *g;
    gr_parse_stats *st;
    gr_cache *cache;
    gr_iso *iso;
    sl_cluster *cl;
    sl_progress_bar *bar;
    int64_t drawn;
    pthread_mutex_t lock; /* files, nfiles, cap */
    rfile *files;
    size_t nfiles, cap;
    parser *parsers; /* [threads + 1]: the local threads and the pump */
    size_t nparsers;
} remote;

/* A copy of the file's entry, taken under the lock (the table may move;
 * its path string never does).  0, or -1 for a job that is no file. */
static int file_of(remote *r, uint64_t job, rfile *out)
{
    pthread_mutex_lock(&r->lock);
    int ok = job < r->nfiles;
    if (ok)
        *out = r->files[job];
    pthread_mutex_unlock(&r->lock);
    return ok ? 0 : -1;
}

static void set_key(remote *r, uint64_t job, const uint8_t *key)
{
    pthread_mutex_lock(&r->lock);
    memcpy(r->files[job].key, key, GR_CACHE_KEY);
    r->files[job].keyed = 1;
    pthread_mutex_unlock(&r->lock);
}

/* load's cache hit for the job: stored, or taken (NULL: none). */
static void put_hit(remote *r, uint64_t job, fg_file *f)
{
    pthread_mutex_lock(&r->lock);
    r->files[job].hit = f;
    pthread_mutex_unlock(&r->lock);
}

static fg_file *take_hit(remote *r, uint64_t job)
{
    pthread_mutex_lock(&r->lock);
    fg_file *f = job < r->nfiles ? r->files[job].hit : NULL;
    if (f)
        r->files[job].hit = NULL;
    pthread_mutex_unlock(&r->lock);
    return f;
}

static void add_file(remote *r, uint32_t file, const char *path)
{
    pthread_mutex_lock(&r->lock);
    if (file >= r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap <= file)
            cap *= 2;
        r->files = gr_xrealloc(r->files, cap * sizeof *r->files);
        memset(r->files + r->cap, 0, (cap - r->cap) * sizeof *r->files);
        r->cap = cap;
    }
    r->files[file].path = gr_xstrdup(path);
    if (file >= r->nfiles)
        r->nfiles = (size_t)file + 1;
    pthread_mutex_unlock(&r->lock);
}

/* The file's bytes, as they are sent (an empty file too).  Not sent: a
 * file that cannot be read (the run here says why, as a local run does)
 * and one whose graph is in the cache (the run here takes it from there). */
static int r_load(void *ctx, uint64_t job, sl_cluster_buf *in)
{
    remote *r = ctx;
    rfile f;
    char *buf = NULL, err[256];
    size_t len = 0;
    if (file_of(r, job, &f) || gr_source_read(f.path, &buf, &len, err, sizeof err))
        return -1;
    if (r->cache) {
        uint8_t key[GR_CACHE_KEY];
        gr_cache_key(buf, len, key);
        fg_file *hit = gr_cache_get(r->cache, key, "", (uint32_t)job);
        if (hit) { /* run here takes it: a hit is looked up (and counted) once */
            put_hit(r, job, hit);
            free(buf);
            return -1;
        }
        set_key(r, job, key); /* for the result, wherever it is computed */
    }
    in->len = 0;
    sl_cluster_buf_put(in, buf, len);
    free(buf);
    return in->failed ? -1 : 0;
}

static parser *parser_of(remote *r, unsigned thread)
{
    parser *p = &r->parsers[thread < r->nparsers ? thread : r->nparsers - 1];
    if (!p->x)
        p->x = gr_extractor_new();
    return p;
}

/* A file parsed here: from the bytes loaded (the text a worker would
 * have had), or from its path when it was not sent. */
static void *r_run(void *ctx, unsigned thread, uint64_t job, const void *in, size_t len)
{
    remote *r = ctx;
    parser *p = parser_of(r, thread);
    rfile rf;
    if (file_of(r, job, &rf)) /* cannot happen: every job is a file */
        abort();
    fg_file *hit = in ? NULL : take_hit(r, job);
    if (hit)
        return hit; /* named by take */
    if (!in)
        return gr_parse_file(p->x, &p->sc, r->cache, r->iso, rf.path, (uint32_t)job);
    char *text = gr_xmalloc(len + 1); /* NUL-terminated, as gr_source_read gives it */
    memcpy(text, in, len);
    text[len] = 0;
    fg_file *f = fg_file_new(rf.path, (uint32_t)job);
    int keep = r->iso ? gr_iso_parse(r->iso, &f, text, len) == 0 : (gr_parse_text(p->x, &p->sc, f, text, len), 1);
    if (r->cache && p->x && keep && rf.keyed)
        gr_cache_put(r->cache, rf.key, f);
    free(text);
    return f;
}

static void *r_decode(void *ctx, uint64_t job, const void *data, size_t len, char *err, size_t errlen)
{
    remote *r = ctx;
    fg_file *f = fg_file_decode(data, len, "", (uint32_t)job);
    if (!f) {
        snprintf(err, errlen, "not a per-file graph (fgcodec)");
        return NULL;
    }
    rfile rf;
    if (r->cache && file_of(r, job, &rf) == 0 && rf.keyed)
        gr_cache_put(r->cache, rf.key, f);
    return f;
}

static void r_drop(void *ctx, void *result)
{
    (void)ctx;
    fg_file_free(result);
}

/* A file a `mod` declaration reached: a new job, from take. */
static void r_send(void *arg, const gr_graph *g, uint32_t file)
{
    remote *r = arg;
    add_file(r, file, g->files[file].path);
    sl_cluster_add(r->cl, file, g->files[file].size);
}

static void r_take(void *ctx, uint64_t job, void *result, size_t in_bytes)
{
    (void)in_bytes;
    remote *r = ctx;
    fg_file *f = result;
    free(f->path); /* a worker's graph comes unnamed */
    f->path = gr_xstrdup(r->g->files[job].path);
    f->index = (uint32_t)job;
    gr_parse_take(r->g, f, r->st, r_send, r);
    if (r->bar && sl_now() - r->drawn > 100000000) { /* at most ten redraws a second */
        char note[48];
        r->drawn = sl_now();
        sl_cluster_share_note(r->cl, note, sizeof note);
        sl_progress_bar_set_note(r->bar, note);
        sl_progress_bar_update(r->bar, r->st->files, r->g->nfiles, r->st->bytes);
    }
}

static const sl_cluster_ops ops = {"graph.file/2", r_load, r_run, r_decode, r_take, r_drop};

static void remote_free(remote *r)
{
    sl_cluster_free(r->cl);
    for (size_t i = 0; i < r->nparsers; i++) {
        gr_extractor_free(r->parsers[i].x);
        fg_scratch_free(&r->parsers[i].sc);
    }
    free(r->parsers);
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].path);
        if (r->files[i].hit)
            fg_file_free(r->files[i].hit);
    }
    free(r->files);
    pthread_mutex_destroy(&r->lock);
}

int gr_parse_remote(gr_graph *g, const gr_parse_via *via, int threads, int progress, gr_cache *cache,
                    gr_parse_stats *st)
{
    remote r = {.g = g, .st = st, .cache = cache, .iso = via->iso};
    pthread_mutex_init(&r.lock, NULL);
    sl_cluster_config cfg = {.url = via->workers, .quiet = via->quiet, .tool = "sluice graph"};
    cfg.threads = via->workers_only ? 0 : (unsigned)threads;
    r.nparsers = (size_t)cfg.threads + 1;
    r.parsers = gr_xcalloc(r.nparsers, sizeof *r.parsers);
    size_t listed = g->nfiles;
    for (size_t i = 0; i < listed; i++)
        add_file(&r, (uint32_t)i, g->files[i].path);
    char err[600];
    if (sl_cluster_new(&r.cl, &ops, &r, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "sluice graph: %s\n", err);
        remote_free(&r);
        return -2;
    }
    uint32_t *order = gr_parse_largest_first(g);
    for (size_t i = 0; i < listed; i++)
        sl_cluster_add(r.cl, order[i], g->files[order[i]].size);
    free(order);
    r.bar = sl_progress_bar_new("graph: parsing", 0, progress ? -1 : 0);
    int rc = sl_cluster_run(r.cl);
    if (r.bar)
        sl_progress_bar_finish(r.bar);
    if (via->stats)
        sl_cluster_stats_print(r.cl, stderr);
    gr_parse_order_extra(g, listed);
    remote_free(&r);
    return rc ? -1 : 0;
}
#else
int gr_parse_remote(gr_graph *g, const gr_parse_via *via, int threads, int progress, gr_cache *cache,
                    gr_parse_stats *st)
{
    (void)g, (void)via, (void)threads, (void)progress, (void)cache, (void)st;
    fprintf(stderr, "sluice graph: --workers: this sluice was built without hiredis (scripts/install-deps.sh cluster)\n");
    return -2;
}
#endif
