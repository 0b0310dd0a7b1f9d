/*
 * emit_sqlite.c - the graph as an SQLite database: meta, files, nodes,
 * edges, warnings, with indexes for the usual questions (who calls f,
 * who implements T, what is in module m).
 *
 * SQLite writes through its own file handle, so the outfile's temporary
 * file is used only for its name: the database is built there in one
 * transaction, closed, and then the outfile renames it into place.
 * Journaling is off: the file is not visible under its name until the
 * rename, so a crash leaves at worst a temporary file that the outfile
 * cleans up on signals.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "outfile.h"
#include "sluice/sluice.h"

static const char schema[] =
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA page_size=8192;"
    "PRAGMA cache_size=-65536;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA locking_mode=EXCLUSIVE;"
    "PRAGMA threads=4;"
    "BEGIN;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL, bytes INTEGER NOT NULL,"
    " status TEXT NOT NULL, module INTEGER REFERENCES nodes(id));"
    "CREATE TABLE nodes(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, sub TEXT NOT NULL,"
    " name TEXT NOT NULL, path TEXT NOT NULL, crate INTEGER REFERENCES nodes(id),"
    " file INTEGER REFERENCES files(id), line INTEGER, col INTEGER, end_line INTEGER,"
    " end_col INTEGER, vis TEXT NOT NULL, sig TEXT NOT NULL);"
    "CREATE TABLE edges(src INTEGER NOT NULL REFERENCES nodes(id), kind TEXT NOT NULL,"
    " dst INTEGER NOT NULL REFERENCES nodes(id), PRIMARY KEY(src, kind, dst)) WITHOUT ROWID;"
    "CREATE TABLE warnings(file TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL);";

static const char indexes[] =
    "CREATE INDEX nodes_name ON nodes(name);"
    "CREATE INDEX nodes_path ON nodes(path);"
    "CREATE INDEX nodes_file ON nodes(file, line);"
    "CREATE INDEX edges_dst ON edges(dst, kind);"
    "COMMIT;";

typedef struct db {
    sqlite3 *h;
    char *err;
    size_t errlen;
    const char *path;
} db;

static int fail(db *d, const char *what)
{
    snprintf(d->err, d->errlen, "%s: sqlite: %s: %s", d->path, what, sqlite3_errmsg(d->h));
    return -1;
}

static sqlite3_stmt *prep(db *d, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(d->h, sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    return s;
}

static int step(db *d, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : fail(d, "insert");
}

/* Multi-row inserts: one statement binds BATCH rows, which saves most of
 * the per-statement work; the tail that does not fill a batch goes
 * through a one-row statement.  bind() fills one row's columns starting
 * at column col (1-based). */
enum { BATCH = 64 };

typedef void (*bind_fn)(sqlite3_stmt *s, int col, const gr_graph *g, size_t row);

static char *values_sql(const char *table, int ncols, int rows)
{
    char *sql = malloc((size_t)rows * (size_t)(2 * ncols + 3) + 64);
    if (!sql)
        return NULL;
    size_t len = (size_t)sprintf(sql, "INSERT INTO %s VALUES", table);
    for (int r = 0; r < rows; r++) {
        len += (size_t)sprintf(sql + len, "%s(", r ? "," : "");
        for (int c = 0; c < ncols; c++)
            len += (size_t)sprintf(sql + len, "%s?", c ? "," : "");
        sql[len++] = ')';
    }
    sql[len] = 0;
    return sql;
}

static int insert_rows(db *d, const char *table, int ncols, size_t first, size_t end, bind_fn bind,
                       const gr_graph *g)
{
    char *many_sql = values_sql(table, ncols, BATCH), *one_sql = values_sql(table, ncols, 1);
    sqlite3_stmt *many = many_sql ? prep(d, many_sql) : NULL, *one = one_sql ? prep(d, one_sql) : NULL;
    free(many_sql);
    free(one_sql);
    int rc = many && one ? 0 : fail(d, table);
    size_t i = first;
    for (; !rc && end - i >= BATCH; i += BATCH) {
        for (int r = 0; r < BATCH; r++)
            bind(many, r * ncols + 1, g, i + (size_t)r);
        rc = step(d, many);
    }
    for (; !rc && i < end; i++) {
        bind(one, 1, g, i);
        rc = step(d, one);
    }
    sqlite3_finalize(many);
    sqlite3_finalize(one);
    return rc;
}

static void text(sqlite3_stmt *s, int col, const gr_graph *g, uint32_t id)
{
    sqlite3_bind_text(s, col, gr_str(&g->st, id), (int)gr_strlen(&g->st, id), SQLITE_STATIC);
}

static int write_meta(db *d, const gr_graph *g)
{
    sqlite3_stmt *s = prep(d, "INSERT INTO meta VALUES(?,?)");
    if (!s)
        return fail(d, "prepare meta");
    char version[32], inputs[8192];
    snprintf(version, sizeof version, "%d", GR_FORMAT_VERSION);
    size_t len = 0;
    inputs[0] = 0;
    for (size_t i = 0; i < g->inputs.n && len < sizeof inputs; i++)
        len += (size_t)snprintf(inputs + len, sizeof inputs - len, "%s%s", i ? "\n" : "", g->inputs.v[i]);
    const char *kv[][2] = {{"format", "sluice-graph"}, {"version", version},
                           {"tool", "sluice " SLUICE_VERSION}, {"inputs", inputs}};
    int rc = 0;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && !rc; i++) {
        sqlite3_bind_text(s, 1, kv[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, kv[i][1], -1, SQLITE_STATIC);
        rc = step(d, s);
    }
    sqlite3_finalize(s);
    return rc;
}

static int write_files(db *d, const gr_graph *g)
{
    sqlite3_stmt *s = prep(d, "INSERT INTO files VALUES(?,?,?,?,?)");
    if (!s)
        return fail(d, "prepare files");
    int rc = 0;
    for (size_t i = 0; i < g->nfiles && !rc; i++) {
        const gr_file *f = &g->files[i];
        sqlite3_bind_int64(s, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(s, 2, f->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, f->fg ? (sqlite3_int64)f->fg->bytes : 0);
        sqlite3_bind_text(s, 4, gr_file_status(f), -1, SQLITE_STATIC);
        if (f->module)
            sqlite3_bind_int64(s, 5, f->module);
        rc = step(d, s);
    }
    sqlite3_finalize(s);
    return rc;
}

static void bind_node(sqlite3_stmt *s, int c, const gr_graph *g, size_t i)
{
    const gr_node *n = &g->nodes[i];
    sqlite3_bind_int64(s, c, (sqlite3_int64)i);
    sqlite3_bind_text(s, c + 1, gr_kind_name(n->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, c + 2, fg_sub_name(n->sub), -1, SQLITE_STATIC);
    text(s, c + 3, g, n->name);
    text(s, c + 4, g, n->path);
    if (n->crate)
        sqlite3_bind_int64(s, c + 5, n->crate);
    if (n->file) {
        sqlite3_bind_int64(s, c + 6, n->file);
        sqlite3_bind_int64(s, c + 7, n->line);
        sqlite3_bind_int64(s, c + 8, n->col);
        sqlite3_bind_int64(s, c + 9, n->end_line);
        sqlite3_bind_int64(s, c + 10, n->end_col);
    }
    text(s, c + 11, g, n->vis);
    text(s, c + 12, g, n->sig);
}

static int write_nodes(db *d, const gr_graph *g)
{
    return insert_rows(d, "nodes", 13, 1, g->nnodes, bind_node, g);
}

static void bind_edge(sqlite3_stmt *s, int c, const gr_graph *g, size_t i)
{
    sqlite3_bind_int64(s, c, g->edges[i].src);
    sqlite3_bind_text(s, c + 1, gr_edge_name(g->edges[i].kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, c + 2, g->edges[i].dst);
}

static int write_edges(db *d, const gr_graph *g)
{
    return insert_rows(d, "edges", 3, 0, g->nedges, bind_edge, g);
}

static int write_warnings(db *d, const gr_graph *g)
{
    sqlite3_stmt *s = prep(d, "INSERT INTO warnings VALUES(?,?,?)");
    if (!s)
        return fail(d, "prepare warnings");
    int rc = 0;
    for (size_t i = 0; i < g->nwarnings && !rc; i++) {
        text(s, 1, g, g->warnings[i].file);
        sqlite3_bind_int64(s, 2, g->warnings[i].line);
        sqlite3_bind_text(s, 3, g->warnings[i].msg, -1, SQLITE_STATIC);
        rc = step(d, s);
    }
    sqlite3_finalize(s);
    return rc;
}

int gr_emit_sqlite(const gr_graph *g, const char *path, char *err, size_t errlen)
{
    if (!path || !strcmp(path, "-")) {
        snprintf(err, errlen, "--db needs a file name, not standard output");
        return -1;
    }
    sl_outfile out;
    if (sl_outfile_open(&out, path, 1, err, errlen))
        return -1;
    db d = {NULL, err, errlen, path};
    /* one connection, one thread: no mutex on every call */
    int rc = sqlite3_open_v2(out.tmp, &d.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        fail(&d, "open");
        sqlite3_close(d.h);
        sl_outfile_abort(&out);
        return -1;
    }
    char *msg = NULL;
    rc = sqlite3_exec(d.h, schema, NULL, NULL, &msg) == SQLITE_OK ? 0 : -1;
    if (rc) {
        snprintf(err, errlen, "%s: sqlite: schema: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
    }
    if (!rc)
        rc = write_meta(&d, g);
    if (!rc)
        rc = write_files(&d, g);
    if (!rc)
        rc = write_nodes(&d, g);
    if (!rc)
        rc = write_edges(&d, g);
    if (!rc)
        rc = write_warnings(&d, g);
    if (!rc && sqlite3_exec(d.h, indexes, NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(&d, "indexes");
    if (sqlite3_close(d.h) != SQLITE_OK && !rc)
        rc = -1, snprintf(err, errlen, "%s: sqlite: close failed", path);
    if (rc) {
        sl_outfile_abort(&out);
        return -1;
    }
    return sl_outfile_commit(&out, err, errlen);
}
