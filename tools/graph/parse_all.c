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
} workers;

static fg_file *parse_one(gr_extractor *x, fg_scratch *sc, gr_cache *cache, const job *j)
{
    fg_file *f = fg_file_new(j->path, j->file);
    char *buf = NULL, err[256];
    size_t len = 0;
    if (gr_source_read(j->path, &buf, &len, err, sizeof err)) {
        f->failed = 1;
        fg_diagf(f, 0, "%s", err);
        return f;
    }
    /* What follows depends on the text alone: a cached graph of the same
     * bytes is the same graph. */
    uint8_t key[GR_CACHE_KEY];
    if (cache && x) {
        gr_cache_key(buf, len, key);
        fg_file *hit = gr_cache_get(cache, key, j->path, j->file);
        if (hit) {
            fg_file_free(f);
            free(buf);
            return hit;
        }
    }
    f->bytes = len;
    if (gr_source_is_binary(buf, len)) {
        f->failed = 1;
        fg_diagf(f, 0, "binary file (NUL bytes), skipped");
    } else {
        uint32_t bad = gr_source_bad_utf8_line(buf, len);
        if (bad)
            fg_diagf(f, bad, "invalid UTF-8; parsed anyway");
        if (!x) {
            f->failed = 1;
            fg_diagf(f, 0, "no parser (tree-sitter refused the grammar)");
        } else {
            fg_file_borrow(f, sc);
            gr_extract(x, f, buf, len);
            fg_file_keep(f, sc);
        }
    }
    if (cache && x)
        gr_cache_put(cache, key, f);
    free(buf);
    return f;
}

/* One pool task per thread: a worker that takes jobs until `jobs` closes. */
static int worker(void *arg)
{
    workers *w = arg;
    gr_extractor *x = gr_extractor_new();
    fg_scratch sc = {0};
    job j;
    while (sl_chan_recv(w->jobs, &j) == SL_OK) {
        fg_file *f = parse_one(x, &sc, w->cache, &j);
        free(j.path);
        if (sl_chan_send(w->results, &f) != SL_OK) {
            fg_file_free(f);
            break;
        }
    }
    gr_extractor_free(x);
    fg_scratch_free(&sc);
    return 0;
}

static void send_job(workers *w, const gr_graph *g, uint32_t file)
{
    job j = {file, gr_xstrdup(g->files[file].path)};
    if (sl_chan_send(w->jobs, &j) != SL_OK) {
        /* cannot happen: jobs is open and unbounded until we close it */
        fprintf(stderr, "sluice graph: job channel refused a send\n");
        exit(2);
    }
}

static int lexists(gr_graph *g, const char *p)
{
    struct stat st;
    gr_graph_watch(g, p);
    return lstat(p, &st) == 0;
}

/* A result is in: keep it, turn its diagnostics into warnings, and ask
 * for any file its module declarations reach that nobody listed yet. */
static size_t take(workers *w, gr_graph *g, fg_file *f, gr_parse_stats *st)
{
    gr_file *gf = &g->files[f->index];
    gf->fg = f;
    gr_graph_watch(g, f->path); /* after the read: a change in between is newer than the run's start */
    if (!f->failed)
        gr_mount_intern(g, f);
    st->files++;
    st->bytes += f->bytes;
    for (size_t i = 0; i < f->ndiags; i++)
        gr_graph_warn(g, f->path, f->diags[i].line, "%s", f->diags[i].msg);
    size_t sent = 0;
    gr_strlist cand = {0};
    gr_mount_candidates(g, f, &cand);
    for (size_t i = 0; i < cand.n; i++) {
        uint32_t id = gr_strtab_find(&g->st, cand.v[i], strlen(cand.v[i]));
        if (id != UINT32_MAX && gr_map_get(&g->file_by_path, gr_key(id, 0)))
            continue;
        if (!lexists(g, cand.v[i]))
            continue;
        int added;
        uint32_t nf = gr_graph_file(g, cand.v[i], UINT32_MAX, 0, &added);
        if (added) {
            send_job(w, g, nf);
            sent++;
        }
    }
    gr_strlist_free(&cand);
    return sent;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const gr_file *)a)->path, ((const gr_file *)b)->path);
}

/* Files found through `mod` declarations were added in the order results
 * arrived, which depends on thread timing: put them in path order so file
 * ids (and everything after) are the same for any -j. */
static void order_extra_files(gr_graph *g, size_t listed)
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

int gr_parse_all(gr_graph *g, int threads, int progress, gr_cache *cache, gr_parse_stats *st)
{
    memset(st, 0, sizeof *st);
    if (threads < 1)
        threads = 1;
    workers w;
    w.cache = cache;
    w.jobs = sl_chan_new(sizeof(job), SL_UNBOUNDED);
    w.results = sl_chan_new(sizeof(fg_file *), 64);
    if (!w.jobs || !w.results) {
        sl_chan_free(w.jobs);
        sl_chan_free(w.results);
        return -1;
    }
    /* As many tasks as threads: each blocks in sl_chan_recv for its next
     * job, which is fine for a pool task only because no task waits for
     * another to be scheduled. */
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
    uint64_t *order = gr_xmalloc((listed ? listed : 1) * sizeof *order);
    for (uint32_t i = 0; i < listed; i++)
        order[i] = (uint64_t)(UINT32_MAX - g->files[i].size) << 32 | i;
    gr_sort_u64(order, listed);
    for (size_t i = 0; i < listed; i++, outstanding++)
        send_job(&w, g, (uint32_t)order[i]);
    free(order);
    sl_progress_bar *bar = sl_progress_bar_new("graph: parsing", 0, progress ? -1 : 0);
    int64_t drawn = 0;
    while (outstanding) {
        fg_file *f;
        if (sl_chan_recv(w.results, &f) != SL_OK)
            break;
        outstanding--;
        outstanding += take(&w, g, f, st);
        if (bar && sl_now() - drawn > 100000000) { /* at most ten redraws a second */
            drawn = sl_now();
            sl_progress_bar_update(bar, st->files, g->nfiles, st->bytes);
        }
    }
    if (bar)
        sl_progress_bar_finish(bar);
    sl_chan_close(w.jobs);
    order_extra_files(g, listed);
    sl_group_wait(grp);
    sl_group_free(grp);
    sl_pool_free(pool);
    sl_chan_free(w.jobs);
    sl_chan_free(w.results);
    return 0;
}
