/*
 * graph_main.c - `sluice graph`: flags, the phases in order, the exit status.
 *
 *   discover -> parse (workers, in parallel) -> mount -> resolve -> emit
 *
 * Exit status: 0 the graph is complete; 1 it was written but warnings
 * occurred (unreadable or broken files, missing modules, ...); 2 an error:
 * bad usage or no such path (nothing written), or an output that could
 * not be written (left as it was).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbupdate.h"
#include "discover.h"
#include "fastupdate.h"
#include "emit.h"
#include "graph.h"
#include "graphcache.h"
#include "parse_all.h"
#include "runrec.h"
#include "sluice/chan.h"
#include "snapshot.h"
#include "xalloc.h"

int sl_graph_main(int argc, char **argv);

static void usage(FILE *o)
{
    fprintf(o,
            "usage: sluice graph [-j THREADS] [--db FILE.sqlite [--update]] [--json FILE] [--cache DIR] [--stats] [-q]\n"
            "                    [--workers URL] [--isolate [--file-timeout MS] [--worker-memory SIZE]] PATH...\n"
            "\n"
            "Parses Rust crates (directories with a Cargo.toml, workspaces, or a\n"
            "directory of crates) or single .rs files into one code graph: items,\n"
            "what contains what, impls, type uses, calls and imports.\n"
            "\n"
            "  -j, --threads N  parser threads (default: the number of CPUs)\n"
            "      --db FILE    write the graph as SQLite (docs/formats/graph.md)\n"
            "      --update     with --db and --cache: change only the rows a change affects, in place\n"
            "      --json FILE  write the graph as JSON ('-' for standard output)\n"
            "      --cache DIR  keep per-file graphs in DIR and reuse them (also SLUICE_GRAPH_CACHE)\n"
            "      --cache-max SIZE  evict least recently used entries past SIZE (K, M, G; default 1G)\n"
            "      --stats      print counts and timings to standard error\n"
            "  -q, --quiet      do not print warnings (the exit status still says)\n"
            "      --workers URL  parse on `sluice worker`s too (redis://[:PASSWORD@]HOST:PORT/QUEUE);\n"
            "                   -j0: on workers only\n"
            "      --isolate    parse in worker processes: a file that crashes, hangs or bloats the\n"
            "                   parser is a warning, and the graph holds the rest\n"
            "      --file-timeout MS  with --isolate: a file's time limit (default 60000)\n"
            "      --worker-memory SIZE  with --isolate: a worker's memory limit (default 4G)\n"
            "\n"
            "exit status: 0 complete, 1 written with warnings, 2 error (nothing written)\n");
}

static int64_t cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void cache_stats(const gr_cache_stats *cs)
{
    fprintf(stderr,
            "  cache: %llu hits, %llu misses, %llu bad entries (recomputed), %llu written, %llu write errors, "
            "%llu evicted, %.1f MB on disk\n",
            (unsigned long long)cs->hits, (unsigned long long)cs->misses, (unsigned long long)cs->bad,
            (unsigned long long)cs->written, (unsigned long long)cs->write_errors, (unsigned long long)cs->evicted,
            cs->size / 1e6);
}

static void stats(const gr_graph *g, const gr_parse_stats *ps, const int64_t *t, const int64_t *c, int threads)
{
    size_t kinds[GK__COUNT] = {0}, edges[GE__COUNT] = {0}, orphans = 0, resolved = 0, refs = 0;
    for (size_t i = 1; i < g->nnodes; i++)
        kinds[g->nodes[i].kind]++;
    for (size_t i = 0; i < g->nedges; i++) {
        edges[g->edges[i].kind]++;
        if (g->edges[i].kind != GE_CONTAINS) {
            refs++;
            resolved += g->nodes[g->edges[i].dst].kind != GK_UNRESOLVED;
        }
    }
    for (size_t i = 0; i < g->nfiles; i++)
        orphans += g->files[i].orphan;
    fprintf(stderr, "sluice graph: %zu crates, %llu files (%.1f MB), %zu orphan files, %zu warnings, -j%d\n",
            g->ncrates, (unsigned long long)ps->files, ps->bytes / 1e6, orphans, g->nwarnings, threads);
    fprintf(stderr, "  nodes %zu:", g->nnodes - 1);
    for (int k = 0; k < GK__COUNT; k++)
        if (kinds[k])
            fprintf(stderr, " %s %zu", gr_kind_name(k), kinds[k]);
    fprintf(stderr, "\n  edges %zu:", g->nedges);
    for (int k = 0; k < GE__COUNT; k++)
        fprintf(stderr, " %s %zu", gr_edge_name(k), edges[k]);
    fprintf(stderr, "\n  references resolved: %zu of %zu (%.1f%%)\n", resolved, refs,
            refs ? 100.0 * resolved / refs : 100.0);
    if (g->unread.n)
        fprintf(stderr, "  not graphed: %zu directories with .rs files or a Cargo.toml in no package read\n", g->unread.n);
    /* cpu: the whole process's, all threads, over each phase's span */
    for (int k = 0; k < 2; k++) {
        const int64_t *x = k ? c : t;
        fprintf(stderr, "  %s discover %.3f s, parse %.3f s, mount %.3f s, resolve %.3f s, write %.3f s, total %.3f s\n",
                k ? "cpu: " : "wall:", (x[1] - x[0]) / 1e9, (x[2] - x[1]) / 1e9, (x[3] - x[2]) / 1e9,
                (x[4] - x[3]) / 1e9, (x[5] - x[4]) / 1e9, (x[5] - x[0]) / 1e9);
    }
}

static char *warnings_text(const gr_graph *g)
{
    size_t orphans = 0;
    for (size_t i = 0; i < g->nfiles; i++)
        orphans += g->files[i].orphan;
    return gr_warnings_text(g, orphans);
}

typedef struct json_job {
    const gr_graph *g;
    const char *path;
    gr_written *written;
    int rc;
    char err[1024];
} json_job;

static void *json_thread(void *arg)
{
    json_job *j = arg;
    j->rc = gr_emit_json(j->g, j->path, j->written, j->err, sizeof j->err);
    return NULL;
}

/* Both outputs only read the finished graph, so with --db and --json the
 * JSON is written on a second thread while SQLite is finished on this
 * one (its first part was written while references resolved: `sj`, or
 * NULL when --db could not be opened, which `db_err` then says).
 * written[0] and [1] get the files the database and the JSON went to.
 * Returns 0, or -1 after printing what failed. */
static int write_outputs(const gr_graph *g, gr_sqlite_job *sj, const char *db, const char *db_err, const char *json,
                         gr_written written[2])
{
    json_job j = {g, json, &written[1], 0, ""};
    pthread_t tid;
    int threaded = sj && json && pthread_create(&tid, NULL, json_thread, &j) == 0;
    char err[1024];
    int rc = 0;
    if (db && !sj) {
        fprintf(stderr, "sluice graph: %s\n", db_err);
        rc = -1;
    } else if (sj && gr_emit_sqlite_finish(sj, &written[0], err, sizeof err)) {
        fprintf(stderr, "sluice graph: %s\n", err);
        rc = -1;
    }
    if (threaded)
        pthread_join(tid, NULL);
    else if (json)
        json_thread(&j);
    if (json && j.rc) {
        fprintf(stderr, "sluice graph: %s\n", j.err);
        rc = -1;
    }
    return rc;
}

/* The snapshot (snapshot.h) is written beside the outputs, on its own
 * thread: both only read the finished graph. */
typedef struct snap_job {
    const char *dir;
    const uint8_t *request;
    const gr_graph *g;
    uint8_t id[16];
    int ok;
} snap_job;

/* The run record's list of what the run asked the file system is
 * complete once the mount has asked for module files: it is sorted and
 * encoded (runrec.h) while references resolve, which leave a CPU idle
 * once the SQLite writer's first part is done, instead of after the
 * outputs, where the run waited 7-10 ms for it on the crate corpus. */
typedef struct rec_job {
    gr_watchlist *watched;
    gr_runrec_body body;
} rec_job;

static void *rec_thread(void *arg)
{
    rec_job *r = arg;
    gr_runrec_prepare(r->watched, &r->body);
    return NULL;
}

static void *snap_thread(void *arg)
{
    snap_job *s = arg;
    s->ok = gr_snap_save(s->dir, s->request, s->g, s->id) == 0;
    return NULL;
}

/* "123", "64K", "512M", "2G" (powers of 1024) to bytes; -1 if not a size. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    /* digits first: strtoull would skip spaces and take a sign, and
     * saturates past 2^64 - 1 (ERANGE) */
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    if (errno == ERANGE || v == 0)
        return -1;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int sl_graph_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 'j'}, {"db", required_argument, NULL, 'd'},
        {"json", required_argument, NULL, 'J'},    {"stats", no_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"cache", required_argument, NULL, 'c'},   {"cache-max", required_argument, NULL, 'M'},
        {"workers", required_argument, NULL, 'W'}, {"isolate", no_argument, NULL, 'I'},
        {"file-timeout", required_argument, NULL, 'T'}, {"worker-memory", required_argument, NULL, 'm'},
        /* issue 20 (incremental runs) */
        {"update", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = ncpu > 0 ? (int)ncpu : 1, show_stats = 0, quiet = 0, update = 0, c;
    gr_parse_via via = {0}; /* --workers, --isolate */
    int isolate = 0;
    int64_t file_timeout_ns = 60000000000LL;
    uint64_t worker_memory = (uint64_t)4 << 30;
    const char *db = NULL, *json = NULL, *cache_dir = getenv("SLUICE_GRAPH_CACHE");
    uint64_t cache_max = GR_CACHE_DEFAULT_MAX;
    if (cache_dir && !*cache_dir)
        cache_dir = NULL;
    optind = 0; /* glibc: start afresh (a second call in one process, as the tests make) */
    while ((c = getopt_long(argc, argv, "j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 1024 || end == optarg) {
                fprintf(stderr, "sluice graph: -j wants a thread count from 1 to 1024 (0 with --workers), not '%s'\n",
                        optarg);
                return 2;
            }
            threads = (int)v;
            break;
        }
        case 'd':
        case 'J':
        case 'c':
            /* An empty name is what `--db "$UNSET"` gives: no file, and for
             * the cache a directory at the root ("" + "/sluice-graph-2"). */
            if (!*optarg) {
                fprintf(stderr, "sluice graph: --%s wants a %s, not an empty string\n",
                        c == 'd' ? "db" : c == 'J' ? "json" : "cache", c == 'c' ? "directory" : "file name");
                return 2;
            }
            *(c == 'd' ? &db : c == 'J' ? &json : &cache_dir) = optarg;
            break;
        case 's': show_stats = 1; break;
        case 'M':
            if (parse_size(optarg, &cache_max)) {
                fprintf(stderr,
                        "sluice graph: --cache-max wants a size of at least 1 byte (bytes, or with K, M or G), "
                        "not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'q': quiet = 1; break;
        case 'U': update = 1; break;
        case 'W': via.workers = optarg; break;
        case 'I': isolate = 1; break;
        case 'T': {
            char *end;
            long long ms = strtoll(optarg, &end, 10);
            if (*end || end == optarg || ms < 1 || ms > 86400000) {
                fprintf(stderr, "sluice graph: --file-timeout wants milliseconds from 1 to 86400000, not '%s'\n",
                        optarg);
                return 2;
            }
            file_timeout_ns = ms * 1000000;
            break;
        }
        case 'm':
            if (parse_size(optarg, &worker_memory) || worker_memory < ((uint64_t)16 << 20)) {
                fprintf(stderr, "sluice graph: --worker-memory wants a size of at least 16M, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (update && !db) {
        fprintf(stderr, "sluice graph: --update updates the database --db names: give one\n");
        return 2;
    }
    if (update && !cache_dir && !quiet) /* what it compares with is in the cache: not an error, but no update */
        fprintf(stderr, "sluice graph: note: --update without --cache (or SLUICE_GRAPH_CACHE): %s is written whole\n", db);
    if (threads == 0 && !via.workers) {
        fprintf(stderr, "sluice graph: -j wants a thread count from 1 to 1024 (0 with --workers), not '0'\n");
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "sluice graph: no PATH given\n");
        usage(stderr);
        return 2;
    }
    gr_cache *cache = NULL;
    gr_cache_stats cs = {0};
    if (cache_dir) {
        char err[1024];
        cache = gr_cache_open(cache_dir, cache_max, err, sizeof err);
        if (!cache) /* only slower: the graph is the same without it */
            fprintf(stderr, "sluice graph: warning: %s; going on without a cache\n", err);
    }
    /* With a cache, a record of the last run with this request may say
     * that nothing it depends on has changed: its outputs are already the
     * bytes this run would write (runrec.h).  Not for standard output. */
    uint8_t request[32];
    int record = cache && !(json && !strcmp(json, "-"));
    struct timespec wall0;
    clock_gettime(CLOCK_REALTIME, &wall0);
    if (record) {
        gr_runrec_request(argv + optind, argc - optind, db, json, request);
        int st;
        char *said;
        /* (--update asks the same below, and more) */
        if (!(update && !json) && gr_runrec_unchanged(cache_dir, request, &st, &said)) {
            if (!quiet)
                fputs(said, stderr);
            if (show_stats)
                fprintf(stderr, "sluice graph: nothing it read has changed since the last run with these "
                                "arguments: its outputs stand\n");
            free(said);
            gr_cache_close(cache, NULL);
            return st;
        }
    }
    char why[1024] = "";
    int last_order = -1; /* the last full run's order-dependent answers: none 0, some 1, not known -1 */
    int db_busy = 0;     /* the fast path's transaction waited out another connection's lock */
    /* --update where only bodies changed: the changed files against the
     * last full run's snapshot, nothing else read (fastupdate.h) */
    int64_t start_ns = (int64_t)wall0.tv_sec * 1000000000 + wall0.tv_nsec;
    if (record && update && !json) {
        gr_fast q = {.cache_dir = cache_dir, .db = db, .request = request, .cache = cache, .start_ns = start_ns};
        int64_t f0 = sl_now();
        int done = gr_fast_update(&q, why, sizeof why);
        last_order = q.last_order;
        db_busy = q.busy;
        if (done) {
            if (!quiet)
                fputs(q.warnings, stderr);
            free(q.warnings);
            gr_cache_close(cache, &cs);
            if (show_stats && !q.changed)
                fprintf(stderr, "sluice graph: no source's content has changed since the last run with these "
                                "arguments: %s updated in place from the snapshot (nothing to change)\n", db);
            else if (show_stats)
                fprintf(stderr, "sluice graph: %zu changed files, only in bodies: %s updated in place from the "
                                "snapshot in %.3f s: %zu node rows, %zu edges deleted, %zu inserted\n",
                        q.changed, db, (sl_now() - f0) / 1e9, q.st.nodes_updated, q.st.edges_deleted,
                        q.st.edges_inserted);
            if (show_stats) {
                fprintf(stderr, "  wall: changes %.3f s, shapes and snapshot %.3f s, resolve %.3f s, transaction %.3f s\n",
                        q.wall[0] / 1e9, q.wall[1] / 1e9, q.wall[2] / 1e9, q.wall[3] / 1e9);
                cache_stats(&cs);
            }
            return q.status;
        }
    }
    char fast_why[1024];
    snprintf(fast_why, sizeof fast_why, "%s", why);
    /* --update compares with what the last run read (dbupdate.h) */
    gr_runrec last;
    int have_last = record && update && gr_runrec_load(cache_dir, request, &last);
    if (update && !have_last)
        snprintf(why, sizeof why, "no record of a run with these arguments%s", cache ? "" : " (no cache)");
    int64_t t[6], cpu[6];
    t[0] = sl_now();
    cpu[0] = cpu_now();
    gr_graph g;
    gr_graph_init(&g);
    gr_watchlist watched = {0};
    if (record)
        g.watch = &watched;
    /* a snapshot for the next --update (snapshot.h): with one database as the only output */
    gr_resolved keep = {0};
    gr_mountlog mlog = {0};
    if (record && db && !json) {
        g.keep = &keep;
        g.mlog = &mlog;
    }
    int status = 0;
    gr_parse_stats ps;
    rec_job rec = {&watched, {0}};
    pthread_t rec_tid;
    int recording = 0;
    gr_cache_prepare(cache);
    if (gr_discover(&g, argv + optind, argc - optind)) {
        status = 2;
        goto out;
    }
    t[1] = sl_now();
    cpu[1] = cpu_now();
    via.quiet = quiet;
    via.stats = show_stats;
    via.workers_only = threads == 0;
    if (isolate && !(via.iso = gr_iso_new((size_t)(threads ? threads : 1), file_timeout_ns, worker_memory))) {
        status = 2;
        goto out;
    }
    /* The new entries are written behind, on a CPU the mount and
     * resolution leave idle, instead of by the workers while both CPUs
     * parse (graphcache.h) */
    gr_cache_defer(cache);
    int prc = gr_parse_all_via(&g, &via, threads, !quiet, cache, &ps);
    gr_cache_write_behind(cache);
    gr_iso_free(via.iso);
    if (prc) {
        if (prc == -1)
            fprintf(stderr, "sluice graph: could not start worker threads\n");
        status = 2;
        goto out;
    }
    t[2] = sl_now();
    cpu[2] = cpu_now();
    gr_mount_all(&g);
    /* after the mount, whose module lookups are answers the plan compares */
    /* a database that stayed locked is written whole, not waited for twice (a rename: readers keep the old file) */
    gr_update *up = have_last && !db_busy ? gr_update_plan(&g, &last, db, cache, why, sizeof why) : NULL;
    /* (an update in place reads the list as the plan left it: not then) */
    if (record && !up)
        recording = pthread_create(&rec_tid, NULL, rec_thread, &rec) == 0;
    t[3] = sl_now();
    cpu[3] = cpu_now();
    /* The SQLite writer starts on the mounted graph while references
     * resolve; reserving first keeps resolution from moving what it reads. */
    gr_sqlite_job *sj = NULL;
    char db_err[1024] = "";
    if (db && !up) {
        gr_resolve_reserve(&g);
        sj = gr_emit_sqlite_start(&g, db, db_err, sizeof db_err);
    }
    gr_resolve_all(&g);
    gr_graph_finish(&g);
    gr_graph_unpin(&g);
    t[4] = sl_now();
    cpu[4] = cpu_now();
    gr_update_stats us = {0};
    /* dbupdate.h: another file's calls may have changed with the lookups */
    int reordered = up && gr_update_refs_changed(up) && (g.order_dependent || last_order != 0);
    if (reordered)
        snprintf(why, sizeof why, "a changed file's references changed, and answers of %s depended on the order "
                 "of lookups (a glob cycle): another file's may have changed with them",
                 g.order_dependent ? "this run" : last_order > 0 ? "the last full run" :
                 "the last full run perhaps (no snapshot says)");
    int updated = up && !reordered && gr_update_apply(up, &g, &us, why, sizeof why) == 0;
    if (up && !updated) /* the plan did not hold: the whole file after all */
        sj = gr_emit_sqlite_start(&g, db, db_err, sizeof db_err);
    gr_update_free(up);
    /* A file a worker process failed on (--isolate: a crash, the time or
     * memory limit) is not what its text alone gives: another run - other
     * limits, less load - may parse it.  No record says this run's
     * outputs stand, and no snapshot is made of them. */
    int lost = 0;
    for (size_t i = 0; record && i < g.nfiles; i++)
        lost |= g.files[i].fg && g.files[i].fg->lost;
    snap_job snap = {cache_dir, request, &g, {0}, 0};
    pthread_t snap_tid;
    int snapping = g.keep && !lost && pthread_create(&snap_tid, NULL, snap_thread, &snap) == 0;
    gr_written written[2] = {{0, 0}, {0, 0}};
    int wrc = write_outputs(&g, sj, updated ? NULL : db, db_err, json, written);
    if (snapping)
        pthread_join(snap_tid, NULL);
    if (wrc) {
        status = 2;
        goto out;
    }
    t[5] = sl_now();
    cpu[5] = cpu_now();
    char *said = warnings_text(&g);
    if (!quiet)
        fputs(said, stderr);
    status = g.nwarnings ? 1 : 0;
    for (int k = 0; record && gr__test_after_write && k < 2; k++)
        if (k ? json != NULL : db && !updated)
            gr__test_after_write(k ? json : db);
    if (record && !lost) {
        /* Each output as this run left it: the file it wrote, or the
         * database as its transaction left it - not whatever another run
         * with these outputs has put there since (runrec.h) */
        gr_watch outs[2];
        int nouts = 0, mine = 1;
        if (db && updated) {
            outs[nouts] = us.db;
            outs[nouts++].path = gr_xstrdup(db);
            mine = us.db_seen;
        } else if (db) {
            mine = gr_watch_written(&outs[nouts], db, written[0].dev, written[0].ino);
            nouts += mine;
        }
        if (json && mine) {
            mine = gr_watch_written(&outs[nouts], json, written[1].dev, written[1].ino);
            nouts += mine;
        }
        if (recording) {
            pthread_join(rec_tid, NULL);
            recording = 0;
        } else {
            gr_runrec_prepare(&watched, &rec.body);
        }
        if (mine)
            gr_runrec_save_prepared(cache_dir, request, &rec.body, start_ns, outs, nouts, status, said,
                                    snap.ok ? snap.id : NULL);
        for (int k = 0; k < nouts; k++)
            free(outs[k].path);
    }
    free(said);
    gr_cache_close(cache, &cs);
    cache = NULL;
    if (show_stats) {
        stats(&g, &ps, t, cpu, threads);
        if (cache_dir)
            cache_stats(&cs);
        if (updated)
            fprintf(stderr, "  update: %s updated in place: %zu changed files, %zu node rows, %zu edges deleted, "
                            "%zu inserted\n", db, us.files, us.nodes_updated, us.edges_deleted, us.edges_inserted);
        else if (update)
            fprintf(stderr, "  update: %s written whole: %s\n", db, why);
        if (update && fast_why[0])
            fprintf(stderr, "  update: not from the snapshot: %s\n", fast_why);
    }
out:
    if (recording)
        pthread_join(rec_tid, NULL);
    gr_runrec_body_free(&rec.body);
    gr_cache_close(cache, NULL);
    if (have_last)
        gr_runrec_free(&last);
    gr_watchlist_free(&watched);
    gr_resolved_free(&keep);
    gr_mountlog_free(&mlog);
    gr_graph_free(&g);
    return status;
}
