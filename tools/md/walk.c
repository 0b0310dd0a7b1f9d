/*
 * walk.c - the pages a batch renders: files named on the command line, and
 * .md / .markdown files found by walking directories.
 *
 * Each page also gets the path its output mirrors (relative to the
 * directory argument it was found under, or its base name for a file
 * argument).  Directory entries are sorted, so the page list - and so every
 * ordered output - is the same on every run.  Hidden entries are skipped and
 * symbolic links to directories are not followed, which rules out cycles.
 * What a page is (a regular file, or a FIFO or device to refuse) is left
 * to reading it, through tools/common/infile.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "walk.h"

/* Adds a page, taking path and rel (malloc'd) over; frees them on failure. */
static int push_owned(sl__md_inputs *in, char *path, char *rel, uint64_t size)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        sl__md_input *v = path && rel ? realloc(in->v, cap * sizeof *v) : NULL;
        if (!v) {
            free(path);
            free(rel);
            return -1;
        }
        in->v = v;
        in->cap = cap;
    }
    if (!path || !rel) {
        free(path);
        free(rel);
        return -1;
    }
    in->v[in->n++] = (sl__md_input){path, rel, size};
    return 0;
}

/* a, then sep when both are non-empty, then b: a new string (or NULL). */
static char *join(const char *a, size_t al, const char *b, size_t bl)
{
    char *p = malloc(al + bl + 2);
    if (!p)
        return NULL;
    memcpy(p, a, al);
    size_t at = al;
    if (al)
        p[at++] = '/';
    memcpy(p + at, b, bl + 1);
    return p;
}

int sl__md_is_markdown_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name && (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown") || sl__md_is_mdx_name(name));
}

int sl__md_is_mdx_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name && !strcasecmp(dot, ".mdx");
}

typedef struct entry {
    char *name;
    unsigned char type; /* d_type: DT_UNKNOWN where the file system does not say */
} entry;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* Who hears of each page as it is found (sl__md_walk_each), or NULL. */
typedef struct walk_cb {
    int (*fn)(void *ctx, size_t i);
    void *ctx;
} walk_cb;

/* Adds a page and tells the listener; -1 with no memory. */
static int push_page(sl__md_inputs *in, const walk_cb *cb, char *path, char *rel, uint64_t size)
{
    if (push_owned(in, path, rel, size) != 0)
        return -1;
    return cb ? cb->fn(cb->ctx, in->n - 1) : 0;
}

static int walk_dir(const char *dir, const char *rel, int depth, sl__md_inputs *in, const walk_cb *cb, char *err,
                    size_t errlen)
{
    if (depth > 256) {
        snprintf(err, errlen, "%s: directories nested too deep", dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    entry *ents = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        /* The type readdir gives spares a stat of every file that is
         * neither a directory nor Markdown (most of /usr/share/doc). */
        if (e->d_type != DT_DIR && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN &&
            !sl__md_is_markdown_name(e->d_name))
            continue;
        if (n == cap) {
            entry *m = realloc(ents, (cap = cap ? cap * 2 : 32) * sizeof *m);
            if (!m) {
                rc = -1;
                break;
            }
            ents = m;
        }
        if (!(ents[n].name = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        ents[n++].type = e->d_type;
    }
    /* d stays open while its entries are looked at: stat relative to it
     * resolves one name instead of the whole path, per page. */
    int dfd = dirfd(d);
    if (rc != 0)
        snprintf(err, errlen, "%s: out of memory", dir);
    if (n)
        qsort(ents, n, sizeof *ents, cmp_name);
    size_t dl = strlen(dir), rl = strlen(rel);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *name = ents[i].name;
        size_t nl = strlen(name);
        char *path = join(dir, dl, name, nl), *r = join(rel, rl, name, nl);
        struct stat st;
        if (!path || !r) {
            snprintf(err, errlen, "%s: out of memory", dir);
            rc = -1;
        } else if (ents[i].type == DT_DIR) {
            rc = walk_dir(path, r, depth + 1, in, cb, err, errlen);
        } else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(path, r, depth + 1, in, cb, err, errlen);
        } else if (sl__md_is_markdown_name(name)) {
            /* Whatever it is - a file, a link (even a broken one or a
             * loop), a FIFO, a device - it is a page the user put here:
             * reading it (infile.h) says what is wrong with it, and the
             * other pages are rendered all the same. */
            if (S_ISLNK(st.st_mode) && fstatat(dfd, name, &st, 0) != 0)
                st.st_size = 0;
            rc = push_page(in, cb, path, r, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
            path = r = NULL;
            if (rc != 0)
                snprintf(err, errlen, "%s: out of memory", dir);
        }
        free(path);
        free(r);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    return rc;
}

static int walk_arg(const char *arg, sl__md_inputs *in, const walk_cb *cb, char *err, size_t errlen)
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        if (errno != ELOOP) {
            snprintf(err, errlen, "%s: %s", arg, strerror(errno));
            return -1;
        }
        st.st_mode = 0; /* a symlink loop: reading it names the problem */
        st.st_size = 0;
    }
    if (S_ISDIR(st.st_mode)) {
        size_t len = strlen(arg);
        char *dir = strdup(arg);
        if (!dir) {
            snprintf(err, errlen, "%s: out of memory", arg);
            return -1;
        }
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = 0;
        int rc = walk_dir(dir, "", 0, in, cb, err, errlen);
        free(dir);
        return rc;
    }
    /* Not a directory: a page, read through infile.h, which refuses (and
     * names) a FIFO, socket or device without blocking on it. */
    const char *base = strrchr(arg, '/');
    if (push_page(in, cb, strdup(arg), strdup(base ? base + 1 : arg), S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0) != 0) {
        snprintf(err, errlen, "%s: out of memory", arg);
        return -1;
    }
    return 0;
}

int sl__md_walk(const char *arg, sl__md_inputs *in, char *err, size_t errlen)
{
    return walk_arg(arg, in, NULL, err, errlen);
}

int sl__md_walk_each(const char *arg, sl__md_inputs *in, int (*on_page)(void *ctx, size_t i), void *ctx, char *err,
                     size_t errlen)
{
    walk_cb cb = {on_page, ctx};
    return walk_arg(arg, in, &cb, err, errlen);
}

void sl__md_inputs_free(sl__md_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->v[i].path);
        free(in->v[i].rel);
    }
    free(in->v);
    memset(in, 0, sizeof *in);
}
