/*
 * sqlfile.h - writes an SQLite 3 database file directly, page by page,
 * from rows the caller already holds in key order.
 *
 * Why: the graph is known whole before it is written, so every table and
 * index can be laid out bottom-up in one sequential pass (the way
 * SQLite's own CREATE INDEX fills a b-tree from sorted keys), with no
 * SQL, no VDBE per row and no sorter.  On the Debian crate corpus that
 * takes the SQLite output from ~1.7 s of CPU to a fraction of it.
 *
 * The file follows https://www.sqlite.org/fileformat2.html: a legacy
 * (rollback-journal) database, UTF-8, schema format 4, no free pages.
 * Tables are rowid b-trees fed in rowid order; indexes and WITHOUT ROWID
 * tables are index b-trees fed records in the index's order (BINARY
 * collation: the caller sorts).  Pages are numbered in the order they are
 * completed and written sequentially; page 1 (the header and the
 * sqlite_schema table) is written last.  The tests check every file it
 * makes with SQLite's PRAGMA integrity_check.
 */
#ifndef SLUICE_GRAPH_SQLFILE_H
#define SLUICE_GRAPH_SQLFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A record (one row, or one index entry) being encoded. */
typedef struct sqf_rec {
    uint8_t types[128]; /* serial types, as varints */
    size_t ntypes;
    uint8_t *body;
    size_t blen, bcap;
    uint8_t *out; /* header + body, after sqf_rec_done */
    size_t ocap;
} sqf_rec;

void sqf_rec_reset(sqf_rec *r);
void sqf_rec_null(sqf_rec *r);
void sqf_rec_int(sqf_rec *r, int64_t v);
void sqf_rec_text(sqf_rec *r, const char *s, size_t len);
/* The encoded record; valid until the next reset. */
const uint8_t *sqf_rec_done(sqf_rec *r, size_t *len);
void sqf_rec_free(sqf_rec *r);

typedef struct sqf sqf;
typedef struct sqf_tree sqf_tree;

/* Writes to fp, which must be positioned at 0 and seekable.  page_size a
 * power of two from 512 to 65536. */
sqf *sqf_new(FILE *fp, uint32_t page_size);
/* A part: pages built apart from the file, in memory (on another thread,
 * say), numbered from 1; sqf_append then moves them to the end of a file
 * and every page number in them along.  The same tree calls work on it. */
sqf *sqf_new_part(uint32_t page_size);
/* Appends and frees `part`; returns where the part's page `root` now is
 * (0 when something failed). */
uint32_t sqf_append(sqf *f, sqf *part, uint32_t root);
/* A rowid table (index 0) or an index / WITHOUT ROWID table (index 1). */
sqf_tree *sqf_tree_new(sqf *f, int index);
/* Table rows in increasing rowid order; index records in increasing key
 * order.  Return 0, or -1 when writing failed (sqf_close reports it). */
int sqf_row(sqf_tree *t, int64_t rowid, const uint8_t *rec, size_t len);
int sqf_entry(sqf_tree *t, const uint8_t *rec, size_t len);
/* The same from a record being built (no sqf_rec_done needed): the cell
 * is encoded straight from its parts. */
int sqf_row_rec(sqf_tree *t, int64_t rowid, sqf_rec *r);
int sqf_entry_rec(sqf_tree *t, sqf_rec *r);
/* Completes the tree, frees it and returns its root page (0 on failure). */
uint32_t sqf_tree_finish(sqf_tree *t);
/* One row of sqlite_schema: type "table" or "index", sql NULL for an
 * automatic index. */
void sqf_schema(sqf *f, const char *type, const char *name, const char *tbl, uint32_t root, const char *sql);
/* Writes page 1 and frees f.  Returns 0, or -1 (a write failed, or the
 * schema does not fit on page 1) with errno the first failed write's
 * (0 when no write failed). */
int sqf_close(sqf *f);

#endif
