/*
 * fastupdate.c - `--db FILE --update` from a snapshot (see fastupdate.h):
 * what changed, by stat(2) against the run record; the changed files
 * parsed and their shapes compared; their calls resolved against the
 * snapshot; one transaction; a new run record.
 *
 * Every check that fails leaves the database and the record as they
 * were and says why: the caller then runs the full pipeline, which is
 * always right.  Files parsed here are in the cache by then, so that
 * full run does not parse them again.
 */
#include "fastupdate.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "parse_all.h"
#include "runrec.h"
#include "sluice/chan.h"
#include "snapshot.h"
#include "xalloc.h"

typedef struct changed {
    size_t w;           /* its entry in the record */
    fg_file *now, *was; /* its graph now, and as the last run had it */
    uint32_t file;      /* its index in the snapshot */
} changed;

typedef struct fast {
    gr_fast *q;
    char *why;
    size_t whylen;
    gr_runrec rec;
    gr_watchlist seen; /* the new record's paths */
    changed *ch;
    size_t nch;
    gr_snap *s;
    pthread_t loader; /* maps and checks the snapshot while the paths are stat'ed */
    uint8_t snap_id[16]; /* the snapshot the loader opens: the record's */
    int loading;
    char snap_why[512];
    int touched;      /* some path answered differently (the record is written again) */
    gr_resolver *rv;
    gr_node_patch *np;
    size_t nnp, npcap;
    gr_file_patch *fp;
    uint64_t *pairs; /* (patch index, call target) of the file at hand */
    size_t npairs, pcap;
    uint32_t *calls; /* every patch's call targets */
    size_t ncalls, ccap;
    changed *earlier; /* files an earlier fast run changed that a warning's line comes from */
    size_t nearlier;
} fast;

static int no(fast *f, const char *fmt, const char *arg)
{
    snprintf(f->why, f->whylen, fmt, arg);
    return 0;
}

static int ends_rs(const char *s)
{
    size_t n = strlen(s);
    return n > 3 && !strcmp(s + n - 3, ".rs");
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, without repeats. */
static void sort_uniq(gr_strlist *l)
{
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, str_cmp);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (k && !strcmp(l->v[k - 1], l->v[i])) {
            free(l->v[i]);
            continue;
        }
        l->v[k++] = l->v[i];
    }
    l->n = k;
}

/* Whether dir holds the entries discovery reads (.rs names, directories)
 * that the record saw there: the .rs files and directories under it that
 * it watched, and each subdirectory whose Cargo.toml it looked for (it
 * looks in every one it walks past).  Other entries (an editor's backup,
 * a temporary file, an output) change the directory's times and nothing
 * else. */
static int same_listing(const gr_watchlist *w, const char *dir)
{
    size_t dl = strlen(dir), lo = 0, hi = w->n;
    char *pre = gr_xmalloc(dl + 2);
    memcpy(pre, dir, dl);
    memcpy(pre + dl, "/", 2);
    while (lo < hi) { /* the first path at or after "dir/": the record is sorted */
        size_t mid = (lo + hi) / 2;
        if (strcmp(w->v[mid].path, pre) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    gr_strlist was = {0}, is = {0};
    for (size_t i = lo; i < w->n && !strncmp(w->v[i].path, pre, dl + 1); i++) {
        const char *rest = w->v[i].path + dl + 1, *sl = strchr(rest, '/');
        if (!sl && w->v[i].exists && (S_ISDIR(w->v[i].mode) || ends_rs(rest))) {
            gr_strlist_push(&was, rest);
        } else if (sl && !strcmp(sl, "/Cargo.toml")) {
            char *x = gr_xstrndup(rest, (size_t)(sl - rest));
            gr_strlist_push(&was, x);
            free(x);
        }
    }
    free(pre);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = gr_path_join(dir, e->d_name);
        struct stat st;
        if (ends_rs(e->d_name) || (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)))
            gr_strlist_push(&is, e->d_name);
        free(p);
    }
    int same = d != NULL;
    if (d)
        closedir(d);
    sort_uniq(&was);
    sort_uniq(&is);
    same = same && was.n == is.n;
    for (size_t i = 0; same && i < was.n; i++)
        same = !strcmp(was.v[i], is.v[i]);
    gr_strlist_free(&was);
    gr_strlist_free(&is);
    return same;
}

/* The sources whose stat changed, read and parsed (or found in the
 * cache) on as many threads as there are CPUs, at most one a file. */
typedef struct reparse {
    fast *f;
    const size_t *which; /* indexes into the record's watched list */
    fg_file **out;
    size_t n;
    atomic_size_t next;
} reparse;

static void *reparse_run(void *arg)
{
    reparse *r = arg;
    gr_extractor *x = NULL;
    fg_scratch sc = {0};
    for (size_t i; (i = atomic_fetch_add(&r->next, 1)) < r->n;) {
        if (!x)
            x = gr_extractor_new();
        r->out[i] = gr_parse_file(x, &sc, r->f->q->cache, NULL, r->f->rec.watched.v[r->which[i]].path, 0);
    }
    gr_extractor_free(x);
    fg_scratch_free(&sc);
    return NULL;
}

static void reparse_all(fast *f, const size_t *which, fg_file **out, size_t n)
{
    reparse r = {f, which, out, n, 0};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cpus > 1 ? (size_t)cpus - 1 : 0;
    if (nt > n - 1)
        nt = n - 1;
    if (nt > 15)
        nt = 15;
    pthread_t tid[15];
    size_t started = 0;
    while (started < nt && pthread_create(&tid[started], NULL, reparse_run, &r) == 0)
        started++;
    reparse_run(&r);
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}

/* What changed since the record, by stat: keyed sources read again (a
 * new key is a changed file), directories listed again. */
static int find_changes(fast *f)
{
    const gr_runrec *rec = &f->rec;
    size_t *which = NULL, nwhich = 0, n = rec->watched.n;
    int ok = 1;
    /* The new record's list is the old one's with what stat says now.  Its
     * paths are the old record's, not copies (11,100 copies and a list
     * grown by doubling were a tenth of a body edit's run): the record
     * frees them, and gr_runrec_save must find them unique, which a record
     * in strict path order - as every record is written - guarantees. */
    gr_watch *all = gr_xcalloc(n ? n : 1, sizeof *all);
    gr_watch_restat(rec->watched.v, all, n, rec->start_ns);
    f->seen = (gr_watchlist){.v = all, .n = n, .cap = n};
    for (size_t i = 0; ok && i < n; i++) {
        const gr_watch *was = &rec->watched.v[i];
        gr_watch *now = &all[i];
        if (i && strcmp(rec->watched.v[i - 1].path, was->path) >= 0) {
            ok = no(f, "%sthe record's paths are not in order", "");
            break;
        }
        now->keyed = was->keyed;
        memcpy(now->key, was->key, 32);
        if (gr_watch_unchanged(was, now, rec->start_ns))
            continue;
        f->touched = 1;
        if (was->keyed) {
            if (!now->exists || !S_ISREG(now->mode))
                ok = no(f, "%s is gone or no longer a file", was->path);
            which = gr_xrealloc(which, (nwhich + 1) * sizeof *which);
            which[nwhich++] = i;
            continue;
        }
        if (gr_dir_kept(was, now) && same_listing(&rec->watched, was->path))
            continue;
        ok = no(f, "%s changed", was->path);
    }
    fg_file **got = gr_xcalloc(nwhich ? nwhich : 1, sizeof *got);
    if (ok && nwhich)
        reparse_all(f, which, got, nwhich);
    for (size_t k = 0; k < nwhich; k++) {
        fg_file *g = got[k];
        const gr_watch *was = &rec->watched.v[which[k]];
        if (ok && (!g || g->failed || !g->keyed))
            ok = no(f, "%s could not be read or parsed here", was->path);
        if (!ok || !memcmp(g->key, was->key, 32)) {
            fg_file_free(g);
            continue;
        }
        memcpy(f->seen.v[which[k]].key, g->key, 32);
        f->ch = gr_xrealloc(f->ch, (f->nch + 1) * sizeof *f->ch);
        f->ch[f->nch++] = (changed){which[k], g, NULL, 0};
    }
    free(got);
    free(which);
    return ok;
}

/* Each changed file kept its shape, and is a file of the snapshot that
 * no warning names. */
static int check_files(fast *f)
{
    for (size_t i = 0; i < f->nch; i++) {
        changed *c = &f->ch[i];
        const gr_watch *w = &f->rec.watched.v[c->w];
        c->was = gr_cache_get(f->q->cache, w->key, w->path, 0);
        if (!c->was)
            return no(f, "the last run's graph of %s is no longer in the cache", w->path);
        if (!gr_fg_same_shape(c->was, c->now))
            return no(f, "%s changed more than bodies (items, uses, types or impls)", w->path);
    }
    if (f->loading)
        pthread_join(f->loader, NULL);
    f->loading = 0;
    if (!f->s)
        return no(f, "%s", f->snap_why);
    for (size_t i = 0; i < f->nch; i++) {
        const char *path = f->rec.watched.v[f->ch[i].w].path;
        uint32_t k = 0;
        while (k < f->s->g->nfiles && strcmp(gr_snap_file_path(f->s, k), path))
            k++;
        if (k == f->s->g->nfiles)
            return no(f, "%s is not a file of the snapshot", path);
        if (f->s->warned[k])
            return no(f, "a warning names %s (its line may move)", path);
        f->ch[i].file = k;
    }
    return 1;
}

static void add_patch(fast *f, const gr_node_patch *p)
{
    if (f->nnp == f->npcap)
        f->np = gr_xrealloc(f->np, (f->npcap = f->npcap ? 2 * f->npcap : 256) * sizeof *f->np);
    f->np[f->nnp++] = *p;
}

/* The first unresolved node whose first reference comes after pending
 * reference `at` (first_ref rises with the id: nodes are numbered in the
 * order of their first reference). */
static uint32_t unresolved_after(const gr_snap *s, uint32_t at)
{
    size_t lo = 0, hi = s->k.nfirst;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->k.first_ref[mid] <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)(s->g->nreal + lo);
}

/* Every reference of fg from the mount m, resolved; each call becomes a
 * (patch, target) pair (the patches of m's items start at patch0).  The
 * unresolved nodes are numbered by first reference, so those the mount
 * referenced first in the last full run (a block of ids) must be
 * referenced first here, in the same order, and none first referenced
 * after it may be referenced here.  0 when that fails, when a
 * reference would need a new unresolved node, or when a lookup met a
 * cycle or a cut (it could depend on the order of lookups). */
static int refs_of(fast *f, const fg_file *fg, const gr_mounted *m, size_t patch0)
{
    const gr_snap *s = f->s;
    uint32_t lo = unresolved_after(s, m->pending), hi = unresolved_after(s, m->pending + m->nrefs), next = lo;
    for (size_t r = 0; r < fg->nrefs; r++) {
        const fg_ref *ref = &fg->refs[r];
        if (ref->edge == GE_CALLS && !ref->from)
            return no(f, "%s has a call outside any item", fg->path);
        uint32_t t = gr_resolver_ref(f->rv, m->map[ref->from], fg_ptr(fg, ref->text), ref->edge, ref->form);
        if (gr_resolver_tainted(f->rv))
            return no(f, "a reference in %s is looked up through a glob cycle or past the glob depth limit",
                      fg->path);
        if (!t)
            return no(f, "a reference in %s names something new to the graph (a new unresolved name)", fg->path);
        if (t >= next && t < hi && t != next++)
            return no(f, "the calls in %s reorder the unresolved names it is first to name", fg->path);
        if (t >= hi)
            return no(f, "a call in %s is now the first reference to an unresolved name", fg->path);
        if (ref->edge != GE_CALLS)
            continue;
        if (f->npairs == f->pcap)
            f->pairs = gr_xrealloc(f->pairs, (f->pcap = f->pcap ? 2 * f->pcap : 256) * sizeof *f->pairs);
        f->pairs[f->npairs++] = (uint64_t)(patch0 + ref->from - 1) << 32 | t;
    }
    if (next != hi)
        return no(f, "an unresolved name %s was first to name is no longer named there", fg->path);
    return 1;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The rows of one mount of a changed file: its items' nodes (positions,
 * signatures, calls) and its root's span; returns the node rows it
 * counts for its file, or -1. */
static long mount_patches(fast *f, const changed *c, const gr_mounted *m)
{
    const gr_graph *g = f->s->g;
    const fg_file *now = c->now;
    if (m->nitems != (now->nitems ? now->nitems : 1))
        return no(f, "%s: its mount does not match its items", now->path) - 1;
    long rows = 0;
    /* The same references as in the last full run (a comment, spacing, a
     * literal changed): with every shape the same too, a full run would
     * make the same lookups in the same order and get the same answers -
     * order-dependent ones included - so the edges out of these nodes
     * stand, and nothing is looked up. */
    int keep = gr_fg_same_refs(c->was, now);
    /* Other references change too: where an answer of the last full run
     * depended on the order of lookups, a lookup made or no longer made
     * here can change another file's answer, which is not looked up here
     * (a glob cycle entered from elsewhere first). */
    if (!keep && f->s->k.order_dependent)
        return no(f, "%s's references changed, and answers of the last full run depended on the order of "
                     "lookups (a glob cycle): another file's may change with them", now->path) - 1;
    const gr_node *root = &g->nodes[m->map[0]];
    if (root->file == c->file + 1 && (root->kind == GK_CRATE || !root->parent)) {
        gr_node_patch p = {m->map[0], 1, *root, NULL, 0, NULL, 0, keep};
        p.n.end_line = now->nitems ? now->items[0].end_line : 1;
        p.n.end_col = now->nitems ? now->items[0].end_col : 1;
        add_patch(f, &p);
        rows++;
    }
    size_t patch0 = f->nnp;
    for (uint32_t i = 1; i < now->nitems; i++) {
        const fg_item *it = &now->items[i];
        gr_node_patch p = {m->map[i], 1, g->nodes[m->map[i]], fg_ptr(now, it->sig), it->sig.len, NULL, 0, keep};
        p.n.line = it->line;
        p.n.col = it->col;
        p.n.end_line = it->end_line;
        p.n.end_col = it->end_col;
        add_patch(f, &p);
        rows++;
    }
    f->npairs = 0;
    if (keep)
        return rows;
    if (!refs_of(f, now, m, patch0))
        return -1;
    if (f->npairs)
        qsort(f->pairs, f->npairs, sizeof *f->pairs, u64_cmp);
    for (size_t k = 0; k < f->npairs; k++) {
        if (k && f->pairs[k] == f->pairs[k - 1])
            continue;
        if (f->ncalls == f->ccap)
            f->calls = gr_xrealloc(f->calls, (f->ccap = f->ccap ? 2 * f->ccap : 1024) * sizeof *f->calls);
        gr_node_patch *p = &f->np[f->pairs[k] >> 32];
        if (!p->ncalls) /* an offset for now: calls may still move */
            p->calls = (const uint32_t *)(uintptr_t)f->ncalls;
        p->ncalls++;
        f->calls[f->ncalls++] = (uint32_t)f->pairs[k];
    }
    return rows;
}

static int build_patches(fast *f)
{
    f->rv = gr_resolver_new(f->s->g, &f->s->k);
    f->fp = gr_xcalloc(f->nch ? f->nch : 1, sizeof *f->fp);
    for (size_t i = 0; i < f->nch; i++) {
        const changed *c = &f->ch[i];
        f->fp[i] = (gr_file_patch){c->file + 1, c->now->bytes, 0};
        for (size_t m = 0; m < f->s->ninst; m++) {
            if (f->s->inst[m].file != c->file)
                continue;
            long rows = mount_patches(f, c, &f->s->inst[m]);
            if (rows < 0)
                return 0;
            f->fp[i].nnodes += (size_t)rows;
        }
    }
    for (size_t i = 0; i < f->nnp; i++)
        if (f->np[i].ncalls)
            f->np[i].calls = f->calls + (uintptr_t)f->np[i].calls;
    return 1;
}

static void *load_snapshot(void *arg)
{
    fast *f = arg;
    f->s = gr_snap_open(f->q->cache_dir, f->q->request, f->snap_id, f->snap_why, sizeof f->snap_why);
    return NULL;
}

/* The graph of snapshot file `file` as it is now, when warning i's line
 * may have moved since the snapshot: the file changed in this run, or in
 * an earlier fast run from the same snapshot (its key in the record is
 * not the one the snapshot read).  NULL when the line stands; *bad when
 * that graph is needed and not at hand. */
static const fg_file *origin_now(fast *f, size_t i, uint32_t file, int *bad)
{
    for (size_t c = 0; c < f->nch; c++)
        if (f->ch[c].file == file)
            return f->ch[c].now;
    for (size_t c = 0; c < f->nearlier; c++)
        if (f->earlier[c].file == file)
            return f->earlier[c].now;
    const char *path = gr_snap_file_path(f->s, file);
    const gr_watchlist *w = &f->rec.watched;
    size_t lo = 0, hi = w->n;
    while (lo < hi) { /* the record is sorted by path */
        size_t mid = (lo + hi) / 2;
        if (strcmp(w->v[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == w->n || strcmp(w->v[lo].path, path) || !w->v[lo].keyed) {
        *bad = 1;
        no(f, "%s, which a warning's line comes from, is not a source the last run read", path);
        return NULL;
    }
    if (!memcmp(w->v[lo].key, f->s->okeys + 32 * i, 32))
        return NULL;
    fg_file *now = gr_cache_get(f->q->cache, w->v[lo].key, path, 0);
    if (!now) {
        *bad = 1;
        no(f, "the last run's graph of %s is no longer in the cache", path);
        return NULL;
    }
    f->earlier = gr_xrealloc(f->earlier, (f->nearlier + 1) * sizeof *f->earlier);
    f->earlier[f->nearlier++] = (changed){lo, now, NULL, file};
    return now;
}

/* The snapshot's warnings with the lines of files changed since it was
 * written moved as their texts moved them, in the canonical order (g's,
 * for the transaction), and what the run says (*text).  0 when an origin
 * is not in the text or its text is not at hand. */
static int move_warnings(fast *f, char **text)
{
    const gr_resolved *k = &f->s->k;
    gr_graph *g = f->s->g;
    g->warnings = gr_xcalloc(k->nwarnings ? k->nwarnings : 1, sizeof *g->warnings);
    for (size_t i = 0; i < k->nwarnings; i++) {
        gr_warning w = k->warnings[i];
        int bad = 0;
        const fg_file *now = w.ofile ? origin_now(f, i, w.ofile - 1, &bad) : NULL;
        if (bad)
            return 0;
        if (now && w.okind == GR_WARN_DIAG && w.oindex < now->ndiags)
            w.line = now->diags[w.oindex].line;
        else if (now && w.okind == GR_WARN_ITEM && w.oindex < now->nitems)
            w.line = now->items[w.oindex].line;
        else if (now)
            return no(f, "%s: a warning's line has no place in it", now->path);
        w.msg = gr_xstrdup(w.msg);
        g->warnings[g->nwarnings++] = w;
    }
    gr_warnings_sort(g);
    *text = gr_warnings_text(g, k->orphans);
    return 1;
}

static void fast_free(fast *f)
{
    if (f->loading) /* first: the loader writes f->s */
        pthread_join(f->loader, NULL);
    if (f->s && f->s->g->warnings) {
        for (size_t i = 0; i < f->s->g->nwarnings; i++)
            free(f->s->g->warnings[i].msg);
        free(f->s->g->warnings);
    }
    gr_runrec_free(&f->rec);
    free(f->seen.v); /* its paths are the record's */
    for (size_t i = 0; i < f->nch; i++) {
        fg_file_free(f->ch[i].now);
        fg_file_free(f->ch[i].was);
    }
    free(f->ch);
    for (size_t i = 0; i < f->nearlier; i++)
        fg_file_free(f->earlier[i].now);
    free(f->earlier);
    gr_resolver_free(f->rv);
    gr_snap_close(f->s);
    free(f->np);
    free(f->fp);
    free(f->pairs);
    free(f->calls);
}

int gr_fast_update(gr_fast *q, char *why, size_t whylen)
{
    fast f;
    memset(&f, 0, sizeof f);
    f.q = q;
    f.why = why;
    f.whylen = whylen;
    static const uint8_t none[16];
    int ok = 0;
    /* The snapshot is needed only if a file changed, but mapping and
     * checking it costs more than reading the record and stat'ing every
     * path it names: on another core, from the start, with the id the
     * record's first bytes give (checked against the record once read). */
    f.loading = gr_runrec_peek_snap(q->cache_dir, q->request, f.snap_id) &&
                pthread_create(&f.loader, NULL, load_snapshot, &f) == 0;
    if (!gr_runrec_load(q->cache_dir, q->request, &f.rec))
        no(&f, "%sno record of a run with these arguments", "");
    else if (!memcmp(f.rec.snap, none, 16))
        no(&f, "%sthe last run left no snapshot", "");
    else if (f.rec.outputs.n != 1 || strcmp(f.rec.outputs.v[0].path, q->db))
        no(&f, "the last run did not write %s alone", q->db);
    else {
        gr_watch now;
        gr_watch_stat(&now, q->db);
        int same = gr_watch_unchanged(&f.rec.outputs.v[0], &now, 0);
        free(now.path);
        ok = same ? 1 : no(&f, "%s changed since the last run wrote it", q->db);
    }
    if (ok && memcmp(f.rec.snap, f.snap_id, 16)) { /* the record was replaced meanwhile */
        if (f.loading)
            pthread_join(f.loader, NULL);
        f.loading = 0;
        gr_snap_close(f.s);
        f.s = NULL;
        memcpy(f.snap_id, f.rec.snap, 16);
    }
    if (ok && !f.loading && !f.s)
        load_snapshot(&f);
    int64_t T0 = sl_now();
    ok = ok && find_changes(&f);
    int64_t T1 = sl_now();
    int64_t T2 = 0, T3 = 0, T4 = 0;
    char *said = NULL;
    if (ok && f.nch) {
        ok = check_files(&f);
        T2 = sl_now();
        ok = ok && build_patches(&f) && move_warnings(&f, &said);
        T3 = sl_now();
        int rc = ok ? gr_update_patch(q->db, f.s->g, f.fp, f.nch, f.np, f.nnp, &q->st, why, whylen) : -1;
        q->busy = rc == -2;
        ok = ok && rc == 0;
        T4 = sl_now();
    }
    q->wall[0] = T1 - T0;
    q->wall[1] = T2 ? T2 - T1 : 0;
    q->wall[2] = T3 ? T3 - T2 : 0;
    q->wall[3] = T4 ? T4 - T3 : 0;
    if (ok) {
        /* with no source changed, what the last run said stands */
        q->status = said ? (f.s->g->nwarnings ? 1 : 0) : f.rec.status;
        q->warnings = said ? said : gr_xstrdup(f.rec.warnings);
        q->changed = f.nch;
        said = NULL;
    }
    if (f.loading)
        pthread_join(f.loader, NULL);
    f.loading = 0;
    q->last_order = f.s && !memcmp(f.rec.snap, f.snap_id, 16) ? f.s->k.order_dependent != 0 : -1;
    /* The database as this run left it: as the transaction left it, or,
     * with nothing to change, as the record says (checked above) - not a
     * stat now, which may see another run's update (gr_update_stats) */
    if (ok && f.touched && (!f.nch || q->st.db_seen)) {
        gr_watch out = f.nch ? q->st.db : f.rec.outputs.v[0];
        out.path = (char *)q->db;
        gr_runrec_save(q->cache_dir, q->request, &f.seen, q->start_ns, &out, 1, q->status, q->warnings, f.rec.snap);
    }
    free(said);
    fast_free(&f);
    return ok;
}
