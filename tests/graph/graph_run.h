/*
 * graph_run.h - what the sluice graph tests share: running the command
 * in-process, asking the SQLite output a question, making scratch crates.
 */
#ifndef SLUICE_TESTS_GRAPH_RUN_H
#define SLUICE_TESTS_GRAPH_RUN_H

#include <stddef.h>

/* Runs `sluice graph ARGS...` (NULL-terminated) and returns its exit status. */
int graph_run(const char *arg, ...);

/* The same, with what it wrote on standard error in *text (malloc'd, NULL
 * if it could not be read back). */
int graph_run_stderr(char **text, const char *arg, ...);

/* The first column of the first row of sql on db, as an integer (-1 on
 * any error).  sql may have up to three '?' bound to the strings given. */
long long db_int(const char *db, const char *sql, const char *a, const char *b, const char *c);

/* 1 when `src` (a node path) has an edge of `kind` to `dst` (a node path). */
int has_edge(const char *db, const char *src, const char *kind, const char *dst);

/* A fresh scratch directory (under $TMPDIR or /tmp), into buf. */
void scratch_dir(char *buf, size_t len);
/* A fresh scratch directory into root, and the paths of a workspace
 * (root/ws) and a cache directory (root/cache) in it (len each). */
void scratch_workspace(char *root, size_t rootlen, char *work, char *cache, size_t len);
/* Writes len bytes (len -1: strlen) to dir/rel, creating parent directories. */
void write_file(const char *dir, const char *rel, const char *data, long len);
/* Reads a whole file (NULL if missing), NUL-terminated; *len gets its size. */
char *read_all(const char *path, size_t *len);
/* 1 when the two files hold the same bytes (else says which differ). */
int same_bytes(const char *a, const char *b);

#endif
