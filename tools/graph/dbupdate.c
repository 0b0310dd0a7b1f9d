/*
 * dbupdate.c - `--db FILE --update`: the plan (which files changed, and
 * whether each kept its shape) and the one SQLite transaction that
 * rewrites what they can affect (see dbupdate.h for why that is all).
 *
 * The transaction checks before it writes that the database holds the
 * graph the plan assumes - as many nodes and files, the same unresolved
 * names in the same order, each changed file's nodes where the new graph
 * has them - and rolls back to a full write on any difference, so a
 * database edited by hand, or a plan gone wrong, costs time, never
 * correctness.
 */
#include "dbupdate.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int gr__busy_timeout_ms = 10000;

struct gr_update {
    char *db;
    uint32_t *files; /* indexes of the files whose content changed */
    size_t nfiles, cap;
    int refs_changed; /* one of them makes other references than before */
};

static int str_eq(const fg_file *a, fg_str x, const fg_file *b, fg_str y)
{
    return x.len == y.len && !memcmp(fg_ptr(a, x), fg_ptr(b, y), x.len);
}

/* The next reference at or after *i that is not a call, or NULL. */
static const fg_ref *next_non_call(const fg_file *f, size_t *i)
{
    while (*i < f->nrefs && f->refs[*i].edge == GE_CALLS)
        (*i)++;
    return *i < f->nrefs ? &f->refs[(*i)++] : NULL;
}

int gr_fg_same_shape(const fg_file *a, const fg_file *b)
{
    if (a->failed != b->failed || a->nitems != b->nitems || a->nuses != b->nuses || a->ndiags != b->ndiags)
        return 0;
    for (size_t i = 0; i < a->nitems; i++) {
        const fg_item *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind || x->sub != y->sub || x->parent != y->parent || !str_eq(a, x->name, b, y->name) ||
            !str_eq(a, x->vis, b, y->vis) || !str_eq(a, x->path_attr, b, y->path_attr) ||
            !str_eq(a, x->macro, b, y->macro))
            return 0;
    }
    for (size_t i = 0; i < a->nuses; i++) {
        const fg_use *x = &a->uses[i], *y = &b->uses[i];
        if (x->item != y->item || x->glob != y->glob || !str_eq(a, x->path, b, y->path) ||
            !str_eq(a, x->alias, b, y->alias))
            return 0;
    }
    /* a diagnostic's line may move: it only makes a warning row, and the
     * transaction rewrites the warnings when they differ */
    for (size_t i = 0; i < a->ndiags; i++)
        if (strcmp(a->diags[i].msg, b->diags[i].msg))
            return 0;
    /* the types items name, impls' types and traits: what resolution of
     * other files' references reads (self.field.f() goes through a
     * field's type); calls are read by nobody else */
    size_t i = 0, j = 0;
    for (;;) {
        const fg_ref *x = next_non_call(a, &i), *y = next_non_call(b, &j);
        if (!x || !y)
            return !x && !y;
        if (x->from != y->from || x->edge != y->edge || x->form != y->form || !str_eq(a, x->text, b, y->text))
            return 0;
    }
}

int gr_fg_same_refs(const fg_file *a, const fg_file *b)
{
    if (a->nrefs != b->nrefs)
        return 0;
    for (size_t i = 0; i < a->nrefs; i++) {
        const fg_ref *x = &a->refs[i], *y = &b->refs[i];
        if (x->from != y->from || x->edge != y->edge || x->form != y->form || !str_eq(a, x->text, b, y->text))
            return 0;
    }
    return 1;
}

/* ---- the plan ------------------------------------------------------------ */

static gr_update *no_plan(gr_update *u, char *why, size_t whylen, const char *fmt, const char *path)
{
    snprintf(why, whylen, fmt, path);
    gr_update_free(u);
    return NULL;
}

gr_update *gr_update_plan(gr_graph *g, const gr_runrec *rec, const char *db, gr_cache *cache, char *why,
                          size_t whylen)
{
    if (!g->watch || !cache)
        return no_plan(NULL, why, whylen, "%sno cache to compare with", "");
    const gr_watch *out = NULL;
    for (size_t i = 0; i < rec->outputs.n; i++)
        if (!strcmp(rec->outputs.v[i].path, db))
            out = &rec->outputs.v[i];
    if (!out)
        return no_plan(NULL, why, whylen, "the last run did not write %s", db);
    gr_watchlist now = {0};
    gr_watch_path(&now, db);
    int db_same = gr_watch_unchanged(out, &now.v[0], 0);
    gr_watchlist_free(&now);
    if (!db_same)
        return no_plan(NULL, why, whylen, "%s changed since the last run wrote it", db);
    gr_watchlist_uniq(g->watch);
    const gr_watchlist *w = g->watch, *o = &rec->watched;
    if (w->n != o->n)
        return no_plan(NULL, why, whylen, "%spaths were added or removed", "");
    gr_update *u = gr_xcalloc(1, sizeof *u);
    u->db = gr_xstrdup(db);
    for (size_t i = 0; i < w->n; i++) {
        const gr_watch *was = &o->v[i], *is = &w->v[i];
        if (strcmp(was->path, is->path) || was->keyed != is->keyed)
            return no_plan(u, why, whylen, "%s: read differently", is->path);
        if (!is->keyed) { /* a directory, a manifest, a module looked for */
            /* A directory's own times change with any entry (an output
             * written beside the sources, an editor's backup): what
             * discovery made of its listing is in the paths compared
             * here - a new source, a new module directory - so only
             * its being the same directory, listable as it was, matters
             * (adv13 F5, F7). */
            if (gr_dir_kept(was, is))
                continue;
            if (!gr_watch_unchanged(was, is, rec->start_ns))
                return no_plan(u, why, whylen, "%s changed", is->path);
            continue;
        }
        if (!memcmp(was->key, is->key, 32))
            continue;
        uint32_t id = gr_strtab_find(&g->st, is->path, strlen(is->path));
        uint32_t at = id == UINT32_MAX ? 0 : gr_map_get(&g->file_by_path, gr_key(id, 0));
        if (!at || !g->files[at - 1].fg)
            return no_plan(u, why, whylen, "%s: not a file of this graph", is->path);
        fg_file *old = gr_cache_get(cache, was->key, is->path, at - 1);
        if (!old)
            return no_plan(u, why, whylen, "the last run's graph of %s is no longer in the cache", is->path);
        int same = gr_fg_same_shape(old, g->files[at - 1].fg);
        u->refs_changed |= !gr_fg_same_refs(old, g->files[at - 1].fg);
        fg_file_free(old);
        if (!same)
            return no_plan(u, why, whylen, "%s changed more than bodies (items, uses, types or impls)", is->path);
        if (u->nfiles == u->cap)
            u->files = gr_xrealloc(u->files, (u->cap = u->cap ? 2 * u->cap : 16) * sizeof *u->files);
        u->files[u->nfiles++] = at - 1;
    }
    return u;
}

int gr_dir_kept(const gr_watch *was, const gr_watch *now)
{
    return was->exists && now->exists && S_ISDIR(was->mode) && was->mode == now->mode && was->dev == now->dev &&
           was->ino == now->ino;
}

int gr_update_refs_changed(const gr_update *u)
{
    return u->refs_changed;
}

void gr_update_free(gr_update *u)
{
    if (!u)
        return;
    free(u->db);
    free(u->files);
    free(u);
}

/* ---- the transaction ----------------------------------------------------- */

typedef struct tx {
    sqlite3 *d;
    sqlite3_stmt *node_get, *node_set, *edges_get, *edge_del, *edge_ins, *file_get, *file_set, *count_file;
    char *why;
    size_t whylen;
    gr_edge_rec *old; /* node_rows: the edges the database has out of one node */
    size_t oldcap;
} tx;

static int sql_fail(tx *t, const char *what)
{
    snprintf(t->why, t->whylen, "%s: %s", what, sqlite3_errmsg(t->d));
    return -1;
}

static int differ(tx *t, const char *what)
{
    snprintf(t->why, t->whylen, "the database does not hold the graph the last run wrote (%s)", what);
    return -1;
}

static int prepare(tx *t)
{
    static const char *const sql[] = {
        "SELECT file, line, col, end_line, end_col, sig FROM nodes WHERE id = ?1",
        "UPDATE nodes SET line = ?2, col = ?3, end_line = ?4, end_col = ?5, sig = ?6 WHERE id = ?1",
        "SELECT kind, dst FROM edges WHERE src = ?1 ORDER BY kind, dst",
        "DELETE FROM edges WHERE src = ?1 AND kind = ?2 AND dst = ?3",
        "INSERT INTO edges(src, kind, dst) VALUES(?1, ?2, ?3)",
        "SELECT bytes FROM files WHERE id = ?1",
        "UPDATE files SET bytes = ?2 WHERE id = ?1",
        "SELECT count(*) FROM nodes WHERE file = ?1",
    };
    sqlite3_stmt **st[] = {&t->node_get, &t->node_set, &t->edges_get, &t->edge_del,
                           &t->edge_ins, &t->file_get, &t->file_set, &t->count_file};
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (sqlite3_prepare_v2(t->d, sql[i], -1, st[i], NULL) != SQLITE_OK)
            return sql_fail(t, "preparing the update");
    return 0;
}

static int64_t one_int(tx *t, const char *sql, int *ok)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    *ok = sqlite3_prepare_v2(t->d, sql, -1, &s, NULL) == SQLITE_OK;
    if (*ok && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The database has as many nodes and files as g. */
static int same_counts(tx *t, const gr_graph *g)
{
    int ok;
    if (one_int(t, "SELECT max(id) FROM nodes", &ok) != (int64_t)g->nnodes - 1 || !ok)
        return ok ? differ(t, "node count") : sql_fail(t, "reading nodes");
    if (one_int(t, "SELECT max(id) FROM files", &ok) != (int64_t)g->nfiles || !ok)
        return ok ? differ(t, "file count") : sql_fail(t, "reading files");
    return 0;
}

/* The database has the new graph's nodes, files and unresolved names. */
static int same_frame(tx *t, const gr_graph *g)
{
    int rc = same_counts(t, g);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(t->d, "SELECT id, kind, name FROM nodes WHERE id >= ?1 ORDER BY id", -1, &s, NULL))
        return sql_fail(t, "reading nodes");
    sqlite3_bind_int64(s, 1, (int64_t)g->nreal - 1);
    size_t id = g->nreal - 1;
    for (; rc == 0 && sqlite3_step(s) == SQLITE_ROW; id++) {
        const char *kind = (const char *)sqlite3_column_text(s, 1), *name = (const char *)sqlite3_column_text(s, 2);
        const gr_node *n = &g->nodes[id];
        if ((size_t)sqlite3_column_int64(s, 0) != id || !kind || !name || strcmp(kind, gr_kind_name(n->kind)) ||
            strcmp(name, gr_str(&g->st, n->name)))
            rc = differ(t, "unresolved names");
    }
    sqlite3_finalize(s);
    return rc || id == g->nnodes ? rc : differ(t, "unresolved names");
}

static int text_is(sqlite3_stmt *s, int col, const char *p, size_t n)
{
    return (size_t)sqlite3_column_bytes(s, col) == n && (!n || !memcmp(sqlite3_column_text(s, col), p, n));
}

/* One node's row: its position and signature (sig NULL: kept as it is)
 * made n's. */
static int node_pos(tx *t, uint32_t id, const gr_node *n, const char *sig, uint32_t siglen, gr_update_stats *st)
{
    sqlite3_stmt *s = t->node_get;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW)
        return differ(t, "a node is missing");
    if ((uint32_t)sqlite3_column_int64(s, 0) != n->file)
        return differ(t, "a node is in another file");
    if (!sig) { /* the row's own, bound from a copy: the statement is reset below */
        sig = (const char *)sqlite3_column_text(s, 5);
        siglen = (uint32_t)sqlite3_column_bytes(s, 5);
    }
    if ((uint32_t)sqlite3_column_int64(s, 1) != n->line || (uint32_t)sqlite3_column_int64(s, 2) != n->col ||
        (uint32_t)sqlite3_column_int64(s, 3) != n->end_line || (uint32_t)sqlite3_column_int64(s, 4) != n->end_col ||
        !text_is(s, 5, sig, siglen)) {
        sqlite3_stmt *u = t->node_set;
        sqlite3_reset(u);
        sqlite3_bind_int64(u, 1, id);
        sqlite3_bind_int64(u, 2, n->line);
        sqlite3_bind_int64(u, 3, n->col);
        sqlite3_bind_int64(u, 4, n->end_line);
        sqlite3_bind_int64(u, 5, n->end_col);
        sqlite3_bind_text(u, 6, sig, (int)siglen, SQLITE_TRANSIENT);
        if (sqlite3_step(u) != SQLITE_DONE)
            return sql_fail(t, "updating a node");
        st->nodes_updated++;
    }
    sqlite3_reset(s);
    return 0;
}

/* The edges out of node id made e[0..ne) (sorted by kind, then dst);
 * with only_calls, e holds its calls and no other edge is touched. */
static int node_edges(tx *t, uint32_t id, const gr_edge_rec *e, size_t ne, int only_calls, gr_update_stats *st)
{
    /* edges: both lists in (kind, dst) order - the kinds' enum is
     * alphabetical, so the new graph's (src, kind, dst) order is the
     * primary key's; the old ones are read whole before any is changed */
    sqlite3_stmt *s = t->edges_get;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, id);
    size_t no = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 0);
        int ki = 0;
        while (ki < GE__COUNT && (!kind || strcmp(kind, gr_edge_name(ki))))
            ki++;
        if (ki == GE__COUNT)
            return differ(t, "an edge of an unknown kind");
        if (only_calls && ki != GE_CALLS)
            continue;
        if (no == t->oldcap)
            t->old = gr_xrealloc(t->old, (t->oldcap = t->oldcap ? 2 * t->oldcap : 64) * sizeof *t->old);
        t->old[no++] = (gr_edge_rec){id, (uint32_t)sqlite3_column_int64(s, 1), (uint8_t)ki};
    }
    sqlite3_reset(s);
    size_t i = 0, k = 0;
    while (i < no || k < ne) {
        int cmp = i == no ? 1 : k == ne ? -1 : t->old[i].kind != e[k].kind ? (t->old[i].kind < e[k].kind ? -1 : 1)
                                                                            : (t->old[i].dst > e[k].dst) - (t->old[i].dst < e[k].dst);
        if (cmp) {
            const gr_edge_rec *x = cmp < 0 ? &t->old[i] : &e[k];
            sqlite3_stmt *q = cmp < 0 ? t->edge_del : t->edge_ins;
            sqlite3_reset(q);
            sqlite3_bind_int64(q, 1, id);
            sqlite3_bind_text(q, 2, gr_edge_name(x->kind), -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 3, x->dst);
            if (sqlite3_step(q) != SQLITE_DONE)
                return sql_fail(t, "changing an edge");
            if (cmp < 0)
                st->edges_deleted++;
            else
                st->edges_inserted++;
        }
        if (cmp <= 0)
            i++;
        if (cmp >= 0)
            k++;
    }
    return 0;
}

/* One node of a changed file: its row's position and signature, and the
 * edges out of it, made what the new graph says. */
static int node_rows(tx *t, const gr_graph *g, uint32_t id, const gr_edge_rec *e, size_t ne, gr_update_stats *st)
{
    const gr_node *n = &g->nodes[id];
    int rc = node_pos(t, id, n, gr_text_str(g, n->sig), gr_text_len(g, n->sig), st);
    return rc ? rc : node_edges(t, id, e, ne, 0, st);
}

/* The warnings table made the new graph's (it is small: rewritten whole
 * when it differs - a mount warning may move with its line). */
static int warnings_rows(tx *t, const gr_graph *g)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(t->d, "SELECT file, line, message FROM warnings ORDER BY rowid", -1, &s, NULL))
        return sql_fail(t, "reading warnings");
    size_t i = 0;
    int same = 1;
    for (; same && sqlite3_step(s) == SQLITE_ROW; i++) {
        const gr_warning *w = i < g->nwarnings ? &g->warnings[i] : NULL;
        same = w && text_is(s, 0, gr_str(&g->st, w->file), gr_strlen(&g->st, w->file)) &&
               (uint32_t)sqlite3_column_int64(s, 1) == w->line && text_is(s, 2, w->msg, strlen(w->msg));
    }
    sqlite3_finalize(s);
    if (same && i == g->nwarnings)
        return 0;
    if (sqlite3_exec(t->d, "DELETE FROM warnings", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->d, "INSERT INTO warnings(file, line, message) VALUES(?1, ?2, ?3)", -1, &s, NULL))
        return sql_fail(t, "rewriting warnings");
    int rc = 0;
    for (i = 0; !rc && i < g->nwarnings; i++) {
        const gr_warning *w = &g->warnings[i];
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, gr_str(&g->st, w->file), (int)gr_strlen(&g->st, w->file), SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, w->line);
        sqlite3_bind_text(s, 3, w->msg, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = sql_fail(t, "rewriting warnings");
    }
    sqlite3_finalize(s);
    return rc;
}

/* The first edge out of node id in g's sorted edges. */
static size_t first_edge(const gr_graph *g, uint32_t id)
{
    size_t lo = 0, hi = g->nedges;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->edges[mid].src < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int changed_files(tx *t, const gr_graph *g, const gr_update *u, gr_update_stats *st)
{
    uint8_t *changed = gr_xcalloc(g->nfiles + 1, 1);
    size_t *count = gr_xcalloc(g->nfiles + 1, sizeof *count);
    for (size_t i = 0; i < u->nfiles; i++)
        changed[u->files[i] + 1] = 1;
    int rc = 0;
    for (uint32_t id = 1; !rc && id < g->nreal; id++) {
        if (!changed[g->nodes[id].file])
            continue;
        count[g->nodes[id].file]++;
        size_t a = first_edge(g, id), b = a;
        while (b < g->nedges && g->edges[b].src == id)
            b++;
        rc = node_rows(t, g, id, g->edges + a, b - a, st);
    }
    for (size_t i = 0; !rc && i < u->nfiles; i++) {
        uint32_t fid = u->files[i] + 1;
        const gr_file *f = &g->files[fid - 1];
        sqlite3_stmt *s = t->count_file;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, fid);
        if (sqlite3_step(s) != SQLITE_ROW || (size_t)sqlite3_column_int64(s, 0) != count[fid]) {
            rc = differ(t, "a file's nodes");
            break;
        }
        uint64_t bytes = f->fg ? f->fg->bytes : 0;
        s = t->file_get;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, fid);
        if (sqlite3_step(s) != SQLITE_ROW) {
            rc = differ(t, "a file is missing");
            break;
        }
        if ((uint64_t)sqlite3_column_int64(s, 0) != bytes) {
            s = t->file_set;
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, fid);
            sqlite3_bind_int64(s, 2, (int64_t)bytes);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = sql_fail(t, "updating a file");
            st->files_updated++;
        }
    }
    free(changed);
    free(count);
    return rc;
}

/* What one transaction checks and changes. */
typedef int (*tx_body)(tx *t, const gr_graph *g, const void *arg, gr_update_stats *st);

/* What stat(2) says of the database as this connection's COMMIT left it,
 * into st->db for the run record.  Another run may commit its own update
 * the moment this one's lock goes, and a stat after that would record its
 * database beside this run's inputs (a stale file certified current), so
 * it is taken inside a read transaction - whose shared lock no writer can
 * commit past - and only when no other connection has committed since
 * this one did (PRAGMA data_version: dv, read before the COMMIT) and the
 * path still names the file this connection opened.  Anything else leaves
 * db_seen 0: no record, a full run next time. */
static void left_as(tx *t, const char *db, const struct stat *opened, int64_t dv, gr_update_stats *st)
{
    int ok;
    if (sqlite3_exec(t->d, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return;
    if (one_int(t, "SELECT count(*) FROM sqlite_master", &ok) >= 0 && one_int(t, "PRAGMA data_version", &ok) == dv) {
        gr_watch_stat(&st->db, db);
        free(st->db.path);
        st->db.path = NULL;
        st->db_seen = st->db.exists && st->db.dev == (uint64_t)opened->st_dev && st->db.ino == (uint64_t)opened->st_ino;
    }
    sqlite3_exec(t->d, "COMMIT", NULL, NULL, NULL);
}

static int run_tx(const char *db, const gr_graph *g, tx_body body, const void *arg, gr_update_stats *st, char *why,
                  size_t whylen)
{
    tx t;
    memset(&t, 0, sizeof t);
    t.why = why;
    t.whylen = whylen;
    /* the file the connection opens: the path names it before and after */
    struct stat opened, after;
    int known = stat(db, &opened) == 0;
    if (sqlite3_open_v2(db, &t.d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sql_fail(&t, db);
        sqlite3_close(t.d);
        return -1;
    }
    known = known && stat(db, &after) == 0 && after.st_dev == opened.st_dev && after.st_ino == opened.st_ino;
    sqlite3_busy_timeout(t.d, gr__busy_timeout_ms);
    /* IMMEDIATE: the write lock first, so no other writer can slip in
     * between what this reads and what it writes */
    int rc = sqlite3_exec(t.d, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : sql_fail(&t, "BEGIN");
    if (!rc)
        rc = prepare(&t);
    if (!rc)
        rc = body(&t, g, arg, st);
    sqlite3_stmt *all[] = {t.node_get, t.node_set, t.edges_get, t.edge_del, t.edge_ins, t.file_get, t.file_set,
                           t.count_file};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    int dv_ok = 0;
    int64_t dv = rc ? -1 : one_int(&t, "PRAGMA data_version", &dv_ok);
    if (!rc && sqlite3_exec(t.d, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = sql_fail(&t, "COMMIT");
    int busy = rc && (sqlite3_errcode(t.d) == SQLITE_BUSY || sqlite3_errcode(t.d) == SQLITE_LOCKED);
    if (rc)
        sqlite3_exec(t.d, "ROLLBACK", NULL, NULL, NULL);
    if (!rc && gr__test_after_write)
        gr__test_after_write(db);
    if (!rc && known && dv_ok && dv >= 0)
        left_as(&t, db, &opened, dv, st);
    if (busy)
        rc = -2;
    sqlite3_close(t.d);
    free(t.old);
    return rc;
}

static int whole_body(tx *t, const gr_graph *g, const void *arg, gr_update_stats *st)
{
    /* g is this run's graph, resolved in full: the rows this transaction
     * leaves as they are hold only if its unresolved names are the old
     * ones, in the same order (a call to a name new to the graph adds
     * one, and shifts those after it) */
    int rc = same_frame(t, g);
    rc = rc ? rc : changed_files(t, g, arg, st);
    return rc ? rc : warnings_rows(t, g);
}

int gr_update_apply(gr_update *u, const gr_graph *g, gr_update_stats *st, char *why, size_t whylen)
{
    memset(st, 0, sizeof *st);
    st->files = u->nfiles;
    return run_tx(u->db, g, whole_body, u, st, why, whylen);
}

/* ---- the same from a snapshot (fastupdate.c) ----------------------------- */

typedef struct patch_arg {
    const gr_file_patch *files;
    size_t nfiles;
    const gr_node_patch *nodes;
    size_t nnodes;
} patch_arg;

static int file_row(tx *t, const gr_file_patch *f, gr_update_stats *st)
{
    sqlite3_stmt *s = t->count_file;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, f->file);
    if (sqlite3_step(s) != SQLITE_ROW || (size_t)sqlite3_column_int64(s, 0) != f->nnodes)
        return differ(t, "a file's nodes");
    s = t->file_get;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, f->file);
    if (sqlite3_step(s) != SQLITE_ROW)
        return differ(t, "a file is missing");
    if ((uint64_t)sqlite3_column_int64(s, 0) == f->bytes)
        return 0;
    s = t->file_set;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, f->file);
    sqlite3_bind_int64(s, 2, (int64_t)f->bytes);
    if (sqlite3_step(s) != SQLITE_DONE)
        return sql_fail(t, "updating a file");
    st->files_updated++;
    return 0;
}

/* The nodes the patch's call edges point to are g's (kind and name).
 * From a snapshot, g's unresolved names are the last full run's by
 * construction (a fast run that would name a new one, or name them in
 * another order, goes the full way), so the check is not that they moved
 * but that the database is the one the snapshot describes - which the
 * record's stat of it already says; what the rows the transaction writes
 * point at is checked again here.  Reading all 23,000 unresolved names
 * of the crate corpus, as a whole run's in-place update must, was most of
 * a body edit's transaction. */
static int patched_targets(tx *t, const gr_graph *g, const patch_arg *a)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(t->d, "SELECT kind, name FROM nodes WHERE id = ?1", -1, &s, NULL))
        return sql_fail(t, "reading nodes");
    int rc = 0;
    for (size_t i = 0; !rc && i < a->nnodes; i++) {
        const gr_node_patch *p = &a->nodes[i];
        for (size_t k = 0; !rc && !p->keep_calls && k < p->ncalls; k++) {
            uint32_t id = p->calls[k];
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, id);
            if (id >= g->nnodes || sqlite3_step(s) != SQLITE_ROW) {
                rc = differ(t, "a call's target is missing");
                continue;
            }
            const char *kind = (const char *)sqlite3_column_text(s, 0), *name = (const char *)sqlite3_column_text(s, 1);
            const gr_node *n = &g->nodes[id];
            if (!kind || !name || strcmp(kind, gr_kind_name(n->kind)) || strcmp(name, gr_str(&g->st, n->name)))
                rc = differ(t, "a call's target is another node");
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static int patch_body(tx *t, const gr_graph *g, const void *arg, gr_update_stats *st)
{
    const patch_arg *a = arg;
    gr_edge_rec *e = NULL;
    size_t cap = 0;
    int rc = same_counts(t, g);
    rc = rc ? rc : patched_targets(t, g, a);
    for (size_t i = 0; !rc && i < a->nnodes; i++) {
        const gr_node_patch *p = &a->nodes[i];
        if (p->moved)
            rc = node_pos(t, p->id, &p->n, p->sig, p->siglen, st);
        if (cap < p->ncalls)
            e = gr_xrealloc(e, (cap = p->ncalls) * sizeof *e);
        for (size_t k = 0; k < p->ncalls; k++)
            e[k] = (gr_edge_rec){p->id, p->calls[k], GE_CALLS};
        if (!rc && !p->keep_calls)
            rc = node_edges(t, p->id, e, p->ncalls, 1, st);
    }
    free(e);
    for (size_t i = 0; !rc && i < a->nfiles; i++)
        rc = file_row(t, &a->files[i], st);
    return rc ? rc : warnings_rows(t, g);
}

int gr_update_patch(const char *db, const gr_graph *g, const gr_file_patch *files, size_t nfiles,
                    const gr_node_patch *nodes, size_t nnodes, gr_update_stats *st, char *why, size_t whylen)
{
    memset(st, 0, sizeof *st);
    st->files = nfiles;
    patch_arg a = {files, nfiles, nodes, nnodes};
    return run_tx(db, g, patch_body, &a, st, why, whylen);
}

/* ---- around a whole write ------------------------------------------------ */

static const char *const side_name[] = {"-journal", "-wal", "-shm"};

/* path with one of side_name appended, in buf; 0 when it does not fit. */
static int side_path(char *buf, size_t cap, const char *path, int k)
{
    return snprintf(buf, cap, "%s%s", path, side_name[k]) < (int)cap;
}

void gr_db_settle(const char *path)
{
    char p[4400];
    struct stat st;
    int sides = 0;
    for (int k = 0; k < 2; k++) /* -shm alone holds nothing to apply */
        sides |= side_path(p, sizeof p, path, k) && lstat(p, &st) == 0;
    if (!sides || stat(path, &st) || !S_ISREG(st.st_mode))
        return;
    /* Any statement makes SQLite take its shared lock, and taking it
     * rolls a hot journal back (or reads the log in); closing the last
     * connection folds the log into the file and removes it.  What fails
     * here (not a database, locked past the timeout) leaves it to the
     * rename and gr_db_drop_sides: the file is replaced either way. */
    sqlite3 *d = NULL;
    if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(d, gr__busy_timeout_ms);
        sqlite3_exec(d, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    sqlite3_close(d);
}

void gr_db_drop_sides(const char *path)
{
    char p[4400];
    for (int k = 0; k < 3; k++)
        if (side_path(p, sizeof p, path, k))
            unlink(p);
}
