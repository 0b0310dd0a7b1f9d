/*
 * parse_all.c - workers and the merger, joined by two libsluice channels.
 *
 * The design (the seed note on concurrent file handling): workers share
 * nothing.  They are tasks of a libsluice pool, one per thread; each takes
 * a job (a file number and its own copy of the path) from `jobs`, parses
 * with its own tree-sitter parser into a fresh fg_file, and sends the
 * pointer on `results`.  Only the merger - the calling thread - touches
 * the graph: it stores results, and when a file's `mod x;` names a file
 * nobody listed (a #[path] outside the package), it adds that file and
 * sends a new job.  `jobs` is unbounded, so the merger never blocks
 * sending and cannot deadlock against workers blocked on a full
 * `results`; it closes `jobs` when every job it sent has come back, which
 * is what lets the workers exit.
 */
#include "parse_all.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract.h"
#include "graphcache.h"
#include "progress.h"
#include "sluice/chan.h"
#include "sluice/pool.h"
#include "source.h"
#include "xalloc.h"

typedef struct job {
    uint32_t file;
    char *path; /* the worker's own copy: the merger may grow g->files */
} job;

typedef struct workers {
    sl_chan *jobs, *results;
    gr_cache *cache; /* NULL: none */
    gr_iso *iso;     /* --isolate: NULL unless */
} workers;

/* The text of a file, read: the binary and UTF-8 checks, then the
 * extraction (x may be NULL: no parser).  What a worker process or a
 * `sluice worker` does with a file's content too. */
void gr_parse_text(gr_extractor *x, fg_scratch *sc, fg_file *f, const char *buf, size_t len)
{
    f->bytes = len;
    if (gr_source_is_binary(buf, len)) {
        f->failed = 1;
        fg_diagf(f, 0, "binary file (NUL bytes), skipped");
        return;
    }
    uint32_t bad = gr_source_bad_utf8_line(buf, len);
    if (bad)
        fg_diagf(f, bad, "invalid UTF-8; parsed anyway");
    if (!x) {
        f->failed = 1;
        fg_diagf(f, 0, "no parser (tree-sitter refused the grammar)");
        return;
    }
    gr_fault_point(buf, len);
    fg_file_borrow(f, sc);
    gr_extract(x, f, buf, len);
    fg_file_keep(f, sc);
}

/* gr_parse_file; kept: f goes to the merger's graph, which outlives the
 * cache, so the cache may keep f itself (gr_cache_put_kept). */
static fg_file *parse_file(gr_extractor *x, fg_scratch *sc, gr_cache *cache, gr_iso *iso, const char *path,
                           uint32_t file, int kept)
{
    fg_file *f = fg_file_new(path, file);
    char *buf = NULL, err[256];
    size_t len = 0;
    if (gr_source_read(path, &buf, &len, err, sizeof err)) {
        f->failed = 1;
        fg_diagf(f, 0, "%s", err);
        return f;
    }
    /* What follows depends on the text alone: a cached graph of the same
     * bytes is the same graph. */
    uint8_t key[GR_CACHE_KEY];
    if (cache && x) {
        gr_cache_key(buf, len, key);
        fg_file *hit = gr_cache_get(cache, key, path, file);
        if (hit) {
            fg_file_free(f);
            free(buf);
            hit->keyed = 1;
            memcpy(hit->key, key, sizeof key);
            return hit;
        }
        f->keyed = 1;
        memcpy(f->key, key, sizeof key);
    }
    /* --isolate: a file its worker process could not parse is a warning,
     * and not the text's graph: it is not cached. */
    int keep = iso ? gr_iso_parse(iso, &f, buf, len) == 0 : (gr_parse_text(x, sc, f, buf, len), 1);
    if (cache && x && keep && kept)
        gr_cache_put_kept(cache, key, f);
    else if (cache && x && keep)
        gr_cache_put(cache, key, f);
    free(buf);
    return f;
}

fg_file *gr_parse_file(gr_extractor *x, fg_scratch *sc, gr_cache *cache, gr_iso *iso, const char *path,
                       uint32_t file)
{
    return parse_file(x, sc, cache, iso, path, file, 0);
}

/* One pool task per thread: a worker that takes jobs until `jobs` closes. */
static int worker(void *arg)
{
    workers *w = arg;
    gr_extractor *x = gr_extractor_new();
    fg_scratch sc = {0};
    job j;
    while (sl_chan_recv(w->jobs, &j) == SL_OK) {
        fg_file *f = parse_file(x, &sc, w->cache, w->iso, j.path, j.file, 1);
        free(j.path);
        if (sl_chan_send(w->results, &f) != SL_OK) {
            /* cannot happen (results is never closed); f is not freed
             * all the same: the cache may hold it (gr_cache_put_kept) */
            break;
        }
    }
    gr_extractor_free(x);
    fg_scratch_free(&sc);
    return 0;
}

static void send_job(void *arg, const gr_graph *g, uint32_t file)
{
    workers *w = arg;
    job j = {file, gr_xstrdup(g->files[file].path)};
    if (sl_chan_send(w->jobs, &j) != SL_OK) {
        /* cannot happen: jobs is open and unbounded until we close it */
        fprintf(stderr, "sluice graph: job channel refused a send\n");
        exit(2);
    }
}

/* Whether p names an entry (lstat(2)), the answer recorded. */
static int lexists(gr_graph *g, const char *p)
{
    struct stat st;
    const gr_watch *w = gr_graph_watch(g, p);
    return w ? w->linked : lstat(p, &st) == 0;
}

static int listed(const gr_strlist *l, const char *p, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strncmp(l->v[i], p, len) && !l->v[i][len])
            return 1;
    return 0;
}

/* Whether candidate c of a file in directory dir names an entry.  The
 * directories between dir and c are asked first, once a file (`gone`,
 * `here`): where one is not there, nothing under it is (the answer
 * lstat(c) would give), and the run record holds that directory's
 * absence, which the next run infers from its parent's unchanged stat
 * without asking (runrec.h, gr_watch_restat), instead of asking for
 * every candidate under it (src/lib/x.rs, src/x/mod.rs...). */
static int candidate_exists(gr_graph *g, const char *dir, const char *c, gr_strlist *gone, gr_strlist *here)
{
    size_t dl = strlen(dir);
    if (strncmp(c, dir, dl) || c[dl] != '/')
        return lexists(g, c);
    for (const char *s = strchr(c + dl + 1, '/'); s; s = strchr(s + 1, '/')) {
        size_t len = (size_t)(s - c);
        if (listed(gone, c, len))
            return 0;
        if (listed(here, c, len))
            continue;
        char *a = gr_xstrndup(c, len);
        int e = lexists(g, a);
        gr_strlist_push(e ? here : gone, a);
        free(a);
        if (!e)
            return 0;
    }
    return lexists(g, c);
}

size_t gr_parse_take(gr_graph *g, fg_file *f, gr_parse_stats *st, gr_parse_send send, void *arg)
{
    gr_file *gf = &g->files[f->index];
    gf->fg = f;
    /* What discovery's lstat said of a file it walked; else asked now,
     * after the read.  Either way a change after the answer is newer than
     * the run's start, which the next run does not trust (runrec.h). */
    if (g->watch && !gf->watch) {
        gr_graph_watch(g, f->path);
        gf->watch = (uint32_t)g->watch->n;
    }
    if (g->watch && f->keyed) { /* the content it was made from, for --update (dbupdate.h) */
        gr_watch *w = &g->watch->v[gf->watch - 1];
        w->keyed = 1;
        memcpy(w->key, f->key, sizeof w->key);
    }
    if (!f->failed)
        gr_mount_intern(g, f);
    st->files++;
    st->bytes += f->bytes;
    for (size_t i = 0; i < f->ndiags; i++) {
        gr_graph_warn(g, f->path, f->diags[i].line, "%s", f->diags[i].msg);
        gr_warning_origin(g, f->index, GR_WARN_DIAG, (uint32_t)i);
    }
    size_t sent = 0;
    gr_strlist cand = {0}, gone = {0}, here = {0};
    gr_mount_candidates(g, f, &cand);
    char *dir = cand.n ? gr_path_dirname(f->path) : NULL;
    for (size_t i = 0; i < cand.n; i++) {
        uint32_t id = gr_strtab_find(&g->st, cand.v[i], strlen(cand.v[i]));
        if (id != UINT32_MAX && gr_map_get(&g->file_by_path, gr_key(id, 0)))
            continue;
        if (!candidate_exists(g, dir, cand.v[i], &gone, &here))
            continue;
        int added;
        uint32_t nf = gr_graph_file(g, cand.v[i], UINT32_MAX, 0, &added);
        if (added) {
            send(arg, g, nf);
            sent++;
        }
    }
    gr_strlist_free(&cand);
    gr_strlist_free(&gone);
    gr_strlist_free(&here);
    free(dir);
    return sent;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const gr_file *)a)->path, ((const gr_file *)b)->path);
}

/* Files found through `mod` declarations were added in the order results
 * arrived, which depends on thread timing: put them in path order so file
 * ids (and everything after) are the same for any -j. */
void gr_parse_order_extra(gr_graph *g, size_t listed)
{
    if (g->nfiles - listed < 2)
        return;
    qsort(g->files + listed, g->nfiles - listed, sizeof *g->files, file_cmp);
    for (size_t i = listed; i < g->nfiles; i++) {
        uint32_t id = gr_strtab_intern(&g->st, g->files[i].path, strlen(g->files[i].path));
        gr_map_put(&g->file_by_path, gr_key(id, 0), (uint32_t)i + 1);
        if (g->files[i].fg)
            g->files[i].fg->index = (uint32_t)i;
    }
}

uint32_t *gr_parse_largest_first(const gr_graph *g)
{
    size_t n = g->nfiles;
    uint64_t *order = gr_xmalloc((n ? n : 1) * sizeof *order);
    for (uint32_t i = 0; i < n; i++)
        order[i] = (uint64_t)(UINT32_MAX - g->files[i].size) << 32 | i;
    gr_sort_u64(order, n);
    uint32_t *files = gr_xmalloc((n ? n : 1) * sizeof *files);
    for (size_t i = 0; i < n; i++)
        files[i] = (uint32_t)order[i];
    free(order);
    return files;
}

int gr_parse_all(gr_graph *g, int threads, int progress, gr_cache *cache, gr_parse_stats *st)
{
    return gr_parse_all_via(g, NULL, threads, progress, cache, st);
}

int gr_parse_all_via(gr_graph *g, const gr_parse_via *via, int threads, int progress, gr_cache *cache,
                     gr_parse_stats *st)
{
    memset(st, 0, sizeof *st);
    if (threads < 1)
        threads = 1;
    if (via && via->workers) /* --workers: parse_remote.c */
        return gr_parse_remote(g, via, threads, progress, cache, st);
    workers w;
    w.cache = cache;
    w.iso = via ? via->iso : NULL;
    w.jobs = sl_chan_new(sizeof(job), SL_UNBOUNDED);
    w.results = sl_chan_new(sizeof(fg_file *), 64);
    if (!w.jobs || !w.results) {
        sl_chan_free(w.jobs);
        sl_chan_free(w.results);
        return -1;
    }
    /* As many tasks as threads: each blocks in sl_chan_recv for its next
     * job, which is fine for a pool task only because no task waits for
     * another to be scheduled.  With --isolate a task mostly waits for its
     * worker process: two per process keep each one's next file queued. */
    if (w.iso)
        threads *= 2;
    sl_pool *pool = sl_pool_new((size_t)threads);
    sl_group *grp = pool ? sl_group_new(pool) : NULL;
    int started = 0;
    for (; grp && started < threads; started++)
        if (sl_group_spawn(grp, worker, &w) != SL_OK)
            break;
    if (!started) {
        sl_group_free(grp);
        sl_pool_free(pool);
        sl_chan_free(w.jobs);
        sl_chan_free(w.results);
        return -1;
    }
    /* Largest first, so that the last jobs are small ones and no worker
     * is left parsing a big file while the others have nothing to do.
     * The order changes nothing else: results are stored by file number. */
    size_t outstanding = 0, listed = g->nfiles;
    uint32_t *order = gr_parse_largest_first(g);
    for (size_t i = 0; i < listed; i++, outstanding++)
        send_job(&w, g, order[i]);
    free(order);
    sl_progress_bar *bar = sl_progress_bar_new("graph: parsing", 0, progress ? -1 : 0);
    int64_t drawn = 0;
    while (outstanding) {
        fg_file *f;
        if (sl_chan_recv(w.results, &f) != SL_OK)
            break;
        outstanding--;
        outstanding += gr_parse_take(g, f, st, send_job, &w);
        if (bar && sl_now() - drawn > 100000000) { /* at most ten redraws a second */
            drawn = sl_now();
            sl_progress_bar_update(bar, st->files, g->nfiles, st->bytes);
        }
    }
    if (bar)
        sl_progress_bar_finish(bar);
    sl_chan_close(w.jobs);
    gr_parse_order_extra(g, listed);
    sl_group_wait(grp);
    sl_group_free(grp);
    sl_pool_free(pool);
    sl_chan_free(w.jobs);
    sl_chan_free(w.results);
    return 0;
}
