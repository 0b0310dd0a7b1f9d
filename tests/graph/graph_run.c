/*
 * graph_run.c - helpers for the sluice graph tests (see graph_run.h).
 */
#include "graph_run.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

int sl_graph_main(int argc, char **argv);

static int run_args(const char *arg, va_list ap)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)"graph";
    for (const char *a = arg; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    argv[argc] = NULL;
    fflush(stdout);
    return sl_graph_main(argc, argv);
}

int graph_run(const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int rc = run_args(arg, ap);
    va_end(ap);
    return rc;
}

int graph_run_stderr(char **text, const char *arg, ...)
{
    char dir[4096], log[4200];
    scratch_dir(dir, sizeof dir);
    snprintf(log, sizeof log, "%s/stderr", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    dup2(fd, 2);
    close(fd);
    va_list ap;
    va_start(ap, arg);
    int rc = run_args(arg, ap);
    va_end(ap);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t len;
    *text = read_all(log, &len);
    unlink(log); /* gone now, not at exit: a forked caller leaves by _exit */
    rmdir(dir);
    return rc;
}

long long db_int(const char *db, const char *sql, const char *a, const char *b, const char *c)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    long long r = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "sql error: %s\n", sqlite3_errmsg(h));
        goto out;
    }
    const char *args[3] = {a, b, c};
    for (int i = 0; i < 3 && i < sqlite3_bind_parameter_count(s); i++)
        sqlite3_bind_text(s, i + 1, args[i], -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        r = sqlite3_column_int64(s, 0);
out:
    sqlite3_finalize(s);
    sqlite3_close(h);
    return r;
}

int has_edge(const char *db, const char *src, const char *kind, const char *dst)
{
    long long n = db_int(db,
                         "SELECT count(*) FROM edges e JOIN nodes s ON s.id = e.src JOIN nodes d ON d.id = e.dst"
                         " WHERE s.path = ?1 AND e.kind = ?2 AND d.path = ?3",
                         src, kind, dst);
    if (n <= 0)
        fprintf(stderr, "no %s edge %s -> %s in %s\n", kind, src, dst, db);
    return n > 0;
}

/* Scratch directories are removed when the test binary exits. */
static char *scratch[64];
static int nscratch;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path); /* best effort: a leftover scratch file is harmless */
    return 0;
}

static void remove_scratch(void)
{
    for (int i = 0; i < nscratch; i++) {
        nftw(scratch[i], remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free(scratch[i]);
    }
}

void scratch_dir(char *buf, size_t len)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, len, "%s/sluice-graph-test-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(buf)) {
        perror("mkdtemp");
        exit(1);
    }
    if (nscratch == 0)
        atexit(remove_scratch);
    if (nscratch < 64)
        scratch[nscratch++] = strdup(buf);
}

void scratch_workspace(char *root, size_t rootlen, char *work, char *cache, size_t len)
{
    scratch_dir(root, rootlen);
    snprintf(work, len, "%s/ws", root);
    snprintf(cache, len, "%s/cache", root);
}

static void mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(path, 0777);
        *p = '/';
    }
}

void write_file(const char *dir, const char *rel, const char *data, long len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    mkdirs(path);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(data, 1, len < 0 ? strlen(data) : (size_t)len, f);
    fclose(f);
}

char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    b[n] = 0; /* n < cap: it grew when full */
    *len = n;
    return b;
}

int same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = read_all(a, &na), *y = read_all(b, &nb);
    int same = x && y && na == nb && !memcmp(x, y, na);
    if (!same)
        fprintf(stderr, "%s and %s differ\n", a, b);
    free(x);
    free(y);
    return same;
}
