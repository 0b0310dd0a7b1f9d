/*
 * graph_sqlfile_test.c - the SQLite file writer (tools/graph/sqlfile.c)
 * checked by SQLite itself: PRAGMA integrity_check (every page used once,
 * b-tree order, cell sizes, every index entry matching its row) and the
 * values read back through the table and through each index, on trees of
 * one page and of several levels, with payloads that spill to overflow
 * pages, NULLs, integers of every width, and empty tables.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sqlfile.h"

static char *tmp_path(const char *name)
{
    static char path[4096];
    const char *d = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/sqlfile-%ld-%s", d && *d ? d : "/tmp", (long)getpid(), name);
    return path;
}

static char *query1(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *s;
    char *r = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql error: %s: %s\n", sql, sqlite3_errmsg(h));
        return NULL;
    }
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        r = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return r;
}

/* Row i's text: its number (so values are unique), padded to a length
 * that varies with i, up to 10 + `max` bytes (long ones overflow the page). */
static size_t value_of(int i, size_t max, char *buf)
{
    size_t len = 10 + ((size_t)i * 7919u) % max;
    int n = snprintf(buf, len + 1, "v%09d", i);
    for (size_t k = (size_t)n; k < len; k++)
        buf[k] = (char)('a' + (i + (int)k) % 26);
    buf[len] = 0;
    return len;
}

typedef struct ent {
    char *s;
    size_t len;
    int row;
} ent;

static int ent_cmp(const void *a, const void *b)
{
    const ent *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->row - y->row;
}

/* A table t(id INTEGER PRIMARY KEY, s TEXT, n INTEGER) with an index on s,
 * nrows rows, values up to maxlen bytes; page size `page`. */
static void write_db_parts(const char *path, int nrows, size_t maxlen, uint32_t page, int parts)
{
    FILE *fp = fopen(path, "w+b");
    CHECK(fp != NULL);
    static char iobuf[1 << 20]; /* as emit_sqlite.c buffers it: not a write(2) a page */
    setvbuf(fp, iobuf, _IOFBF, sizeof iobuf);
    sqf *file = sqf_new(fp, page), *f = parts ? sqf_new_part(page) : file;
    CHECK(file != NULL && f != NULL);
    sqf_rec r;
    memset(&r, 0, sizeof r);
    char *buf = malloc(maxlen + 32);
    ent *e = calloc((size_t)nrows + 1, sizeof *e);
    sqf_tree *t = sqf_tree_new(f, 0);
    for (int i = 1; i <= nrows; i++) {
        size_t len = value_of(i, maxlen, buf);
        sqf_rec_reset(&r);
        sqf_rec_null(&r);
        sqf_rec_text(&r, buf, len);
        if (i % 5 == 0)
            sqf_rec_null(&r);
        else /* every integer width, both signs */
            sqf_rec_int(&r, (i % 2 ? 1 : -1) * ((int64_t)1 << (i % 63)) + (i % 3));
        if (i % 2) { /* both ways in: a finished record, or one being built */
            size_t rl;
            const uint8_t *rec = sqf_rec_done(&r, &rl);
            CHECK_EQ(sqf_row(t, i, rec, rl), 0);
        } else {
            CHECK_EQ(sqf_row_rec(t, i, &r), 0);
        }
        e[i - 1] = (ent){strdup(buf), len, i};
    }
    uint32_t root = sqf_tree_finish(t), table_root = root;
    sqf *table_part = f;
    CHECK(root >= 1);
    if (!parts) {
        CHECK(root > 1);
        sqf_schema(f, "table", "t", "t", root, "CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, n INTEGER)");
    }
    qsort(e, (size_t)nrows, sizeof *e, ent_cmp);
    if (parts)
        f = sqf_new_part(page);
    t = sqf_tree_new(f, 1);
    for (int i = 0; i < nrows; i++) {
        sqf_rec_reset(&r);
        sqf_rec_text(&r, e[i].s, e[i].len);
        sqf_rec_int(&r, e[i].row);
        if (i % 3) {
            CHECK_EQ(sqf_entry_rec(t, &r), 0);
        } else {
            size_t rl;
            const uint8_t *rec = sqf_rec_done(&r, &rl);
            CHECK_EQ(sqf_entry(t, rec, rl), 0);
        }
    }
    root = sqf_tree_finish(t);
    if (parts) {
        /* the index part goes in first, then the table's: both move */
        uint32_t ix = sqf_append(file, f, root);
        uint32_t tb = sqf_append(file, table_part, table_root);
        CHECK(ix > 1 && tb > ix);
        sqf_schema(file, "table", "t", "t", tb, "CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, n INTEGER)");
        sqf_schema(file, "index", "t_s", "t", ix, "CREATE INDEX t_s ON t(s)");
        f = file;
    } else {
        CHECK(root > 1);
        sqf_schema(f, "index", "t_s", "t", root, "CREATE INDEX t_s ON t(s)");
    }
    /* an empty table and an empty WITHOUT ROWID table */
    t = sqf_tree_new(f, 0);
    sqf_schema(f, "table", "empty", "empty", sqf_tree_finish(t), "CREATE TABLE empty(a)");
    t = sqf_tree_new(f, 1);
    sqf_schema(f, "table", "empty_wr", "empty_wr", sqf_tree_finish(t),
               "CREATE TABLE empty_wr(a INTEGER PRIMARY KEY, b) WITHOUT ROWID");
    CHECK_EQ(sqf_close(f), 0);
    CHECK_EQ(fclose(fp), 0);
    sqf_rec_free(&r);
    for (int i = 0; i < nrows; i++)
        free(e[i].s);
    free(e);
    free(buf);
}

static void write_db(const char *path, int nrows, size_t maxlen, uint32_t page)
{
    write_db_parts(path, nrows, maxlen, page, 0);
}

static void check_db(const char *path, int nrows, size_t maxlen)
{
    sqlite3 *h;
    CHECK(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    /* one read transaction for every query below: in autocommit mode each
     * statement takes and drops the file lock, checks for a hot journal and
     * drops the page cache (four syscalls a row, most of the test's time);
     * the file mapped, so that overflow chains (which SQLite reads around
     * its page cache) are not a pread a page */
    CHECK(sqlite3_exec(h, "PRAGMA mmap_size = 1073741824; BEGIN", NULL, NULL, NULL) == SQLITE_OK);
    char *ic = query1(h, "PRAGMA integrity_check");
    CHECK(ic && !strcmp(ic, "ok"));
    if (ic && strcmp(ic, "ok"))
        fprintf(stderr, "integrity_check: %s\n", ic);
    free(ic);
    char q[256], *got;
    snprintf(q, sizeof q, "SELECT count(*) || ',' || min(id) || ',' || max(id) FROM t");
    got = query1(h, q);
    snprintf(q, sizeof q, "%d,1,%d", nrows, nrows);
    CHECK(got && !strcmp(got, q));
    free(got);
    /* every value read back, through the table and through the index */
    char *buf = malloc(maxlen + 32);
    sqlite3_stmt *by_id, *by_s;
    CHECK(sqlite3_prepare_v2(h, "SELECT s, n FROM t WHERE id = ?", -1, &by_id, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(h, "SELECT id FROM t INDEXED BY t_s WHERE s = ?", -1, &by_s, NULL) == SQLITE_OK);
    int bad = 0;
    for (int i = 1; i <= nrows; i++) {
        size_t len = value_of(i, maxlen, buf);
        sqlite3_bind_int(by_id, 1, i);
        if (sqlite3_step(by_id) != SQLITE_ROW || (size_t)sqlite3_column_bytes(by_id, 0) != len ||
            memcmp(sqlite3_column_text(by_id, 0), buf, len))
            bad++;
        else if (i % 5 == 0 ? sqlite3_column_type(by_id, 1) != SQLITE_NULL
                            : sqlite3_column_int64(by_id, 1) != (i % 2 ? 1 : -1) * ((int64_t)1 << (i % 63)) + (i % 3))
            bad++;
        sqlite3_reset(by_id);
        sqlite3_bind_text(by_s, 1, buf, (int)len, SQLITE_STATIC);
        if (sqlite3_step(by_s) != SQLITE_ROW || sqlite3_column_int(by_s, 0) != i)
            bad++;
        sqlite3_reset(by_s);
    }
    CHECK_EQ(bad, 0);
    sqlite3_finalize(by_id);
    sqlite3_finalize(by_s);
    got = query1(h, "SELECT count(*) FROM empty");
    CHECK(got && !strcmp(got, "0"));
    free(got);
    got = query1(h, "SELECT count(*) FROM empty_wr");
    CHECK(got && !strcmp(got, "0"));
    free(got);
    CHECK(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    free(buf);
}

SL_TEST(sqlfile_one_page_trees_read_back)
{
    char *p = tmp_path("small.sqlite");
    write_db(p, 5, 20, 4096);
    check_db(p, 5, 20);
    unlink(p);
}

SL_TEST(sqlfile_deep_trees_read_back)
{
    /* 512-byte pages: 30,000 rows make tables and indexes four or five
     * levels deep */
    char *p = tmp_path("deep.sqlite");
    write_db(p, 30000, 60, 512);
    check_db(p, 30000, 60);
    unlink(p);
}

SL_TEST(sqlfile_every_fill_of_the_last_page_reads_back)
{
    /* equal-sized entries, one more each time: somewhere the last entry
     * does not fit the last index leaf, or the last divider the last
     * interior page, and must still land in the tree */
    char *p = tmp_path("fill.sqlite");
    for (int n = 1; n <= 300; n++) {
        write_db(p, n, 1, 512);
        check_db(p, n, 1);
    }
    unlink(p);
}

SL_TEST(sqlfile_long_values_spill_to_overflow_pages)
{
    /* values up to 40 KB: chains of overflow pages in table leaves, index
     * leaves and index interior cells alike */
    char *p = tmp_path("overflow.sqlite");
    write_db(p, 2000, 40000, 1024);
    check_db(p, 2000, 40000);
    unlink(p);
    p = tmp_path("overflow64k.sqlite");
    write_db(p, 300, 200000, 65536);
    check_db(p, 300, 200000);
    unlink(p);
}

SL_TEST(sqlfile_parts_built_apart_are_moved_into_place)
{
    /* deep trees and overflow chains built in memory, then appended with
     * every page number they hold moved */
    char *p = tmp_path("parts.sqlite");
    write_db_parts(p, 30000, 60, 512, 1);
    check_db(p, 30000, 60);
    write_db_parts(p, 2000, 40000, 1024, 1);
    check_db(p, 2000, 40000);
    for (int n = 1; n <= 40; n++) {
        write_db_parts(p, n, 1, 512, 1);
        check_db(p, n, 1);
    }
    unlink(p);
}

SL_TEST(sqlfile_rejects_bad_page_size)
{
    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    CHECK(sqf_new(fp, 1000) == NULL);
    CHECK(sqf_new(fp, 256) == NULL);
    fclose(fp);
}
