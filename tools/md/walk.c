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
 * A directory the walk opens to list stays open, within a budget of
 * descriptors, until its last page is done (sl__md_dir, walk.h): the page
 * is then opened by its name relative to it, and batch.c makes and writes
 * its output relative to the output directory's descriptor beside it.
 * Over the budget, a directory is closed when listed and its pages go by
 * path, as they all did before.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "walk.h"

/* Descriptors directories may still take (sl__md_dir_budget). */
static atomic_int budget_left;

static void budget_give(int n)
{
    atomic_fetch_add(&budget_left, n);
}

void sl__md_dir_fd_give(void)
{
    budget_give(1);
}

void sl__md_dir_budget(int fds)
{
    atomic_store(&budget_left, fds > 0 ? fds : 0);
}

int sl__md_dir_fd_take(void)
{
    int left = atomic_load(&budget_left);
    while (left > 0)
        if (atomic_compare_exchange_weak(&budget_left, &left, left - 1))
            return 1;
    return 0;
}

void sl__md_dir_release(sl__md_dir *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    int n = 1;
    close(d->fd);
    if (d->out_fd >= 0) {
        close(d->out_fd);
        n++;
    }
    budget_give(n);
    free(d);
}

void sl__md_input_release(sl__md_input *pg)
{
    sl__md_dir_release(pg->dir);
    pg->dir = NULL;
}

/* Adds a page, taking path and rel (malloc'd) over; frees them on failure.
 * With a directory, the page takes a reference to it; name_at is where
 * its name starts in path. */
static int push_owned(sl__md_inputs *in, char *path, char *rel, uint64_t size, int regular, sl__md_dir *dir,
                      size_t name_at)
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
    if (dir)
        atomic_fetch_add(&dir->refs, 1);
    in->v[in->n++] = (sl__md_input){path, rel, size, regular, dir, path + name_at};
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
    const char *name;   /* in the directory's name block */
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
static int push_page(sl__md_inputs *in, const walk_cb *cb, char *path, char *rel, const struct stat *st,
                     sl__md_dir *dir, size_t name_at)
{
    int regular = S_ISREG(st->st_mode);
    if (push_owned(in, path, rel, regular ? (uint64_t)st->st_size : 0, regular, dir, name_at) != 0)
        return -1;
    return cb ? cb->fn(cb->ctx, in->n - 1) : 0;
}

/* One walk: the buffer getdents64 fills, shared by every directory (each
 * is read whole before any below it is opened). */
typedef struct walker {
    sl__md_inputs *in;
    const walk_cb *cb;
    sl__md_dir *cur; /* the directory being listed, when held */
    char *err;
    size_t errlen;
    char dents[32768];
} walker;

/* The entries of the open directory fd worth looking at: sorted, their
 * names in one block (*names, the caller frees it and *out).  A system
 * call per 32 KiB of entries, with no opendir(3): its fstat and its
 * buffer were a tenth of the walk over bench/md's tree (637 directories). */
static int read_entries(walker *w, int fd, const char *dir, entry **out, size_t *count, char **names)
{
    entry *ents = NULL;
    char *block = NULL;
    size_t n = 0, cap = 0, used = 0, room = 0;
    for (;;) {
        ssize_t got = getdents64(fd, w->dents, sizeof w->dents);
        if (got == 0)
            break;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
            goto fail;
        }
        for (ssize_t at = 0; at < got;) {
            struct dirent64 *e = (struct dirent64 *)(w->dents + at);
            at += e->d_reclen;
            if (e->d_name[0] == '.')
                continue;
            /* The type the directory gives spares a stat of every file that
             * is neither a directory nor Markdown (most of /usr/share/doc). */
            if (e->d_type != DT_DIR && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN &&
                !sl__md_is_markdown_name(e->d_name))
                continue;
            size_t nl = strlen(e->d_name) + 1;
            if (n == cap) {
                entry *m = realloc(ents, (cap = cap ? cap * 2 : 32) * sizeof *m);
                if (!m)
                    goto nomem;
                ents = m;
            }
            if (used + nl > room) { /* names are offsets until the block stops moving */
                char *m = realloc(block, room = 2 * (used + nl) + 1024);
                if (!m)
                    goto nomem;
                block = m;
            }
            memcpy(block + used, e->d_name, nl);
            ents[n].name = (const char *)(uintptr_t)used;
            ents[n++].type = e->d_type;
            used += nl;
        }
    }
    for (size_t i = 0; i < n; i++)
        ents[i].name = block + (uintptr_t)ents[i].name;
    if (n)
        qsort(ents, n, sizeof *ents, cmp_name);
    *out = ents;
    *count = n;
    *names = block;
    return 0;
nomem:
    snprintf(w->err, w->errlen, "%s: out of memory", dir);
fail:
    free(ents);
    free(block);
    return -1;
}

/* Walks the directory `name` of the directory at, whose path is dir (the
 * path pages are read by) and rel (what their outputs mirror).  Each
 * directory is opened and each entry looked at relative to its parent's
 * descriptor: the kernel resolves one name, not the whole path again. */
static int walk_dir(walker *w, int at, const char *name, const char *dir, const char *rel, int depth)
{
    if (depth > 256) {
        snprintf(w->err, w->errlen, "%s: directories nested too deep", dir);
        return -1;
    }
    /* Below the argument, never through a link (one put there since the
     * entry was read would make a cycle possible). */
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (depth ? O_NOFOLLOW : 0));
    if (fd < 0) {
        snprintf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    /* Held, within the budget, for its pages to be opened by name. */
    sl__md_dir *d = NULL, *up = w->cur;
    if (sl__md_dir_fd_take()) {
        if ((d = malloc(sizeof *d))) {
            *d = (sl__md_dir){.fd = fd, .out_fd = -1, .parent = up};
            atomic_init(&d->refs, 1);
        } else {
            budget_give(1);
        }
    }
    w->cur = d;
    entry *ents = NULL;
    char *names = NULL;
    size_t n = 0;
    int rc = read_entries(w, fd, dir, &ents, &n, &names);
    size_t dl = strlen(dir), rl = strlen(rel);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *nm = ents[i].name;
        size_t nl = strlen(nm);
        char *path = join(dir, dl, nm, nl), *r = join(rel, rl, nm, nl);
        struct stat st;
        if (!path || !r) {
            snprintf(w->err, w->errlen, "%s: out of memory", dir);
            rc = -1;
        } else if (ents[i].type == DT_DIR) {
            rc = walk_dir(w, fd, nm, path, r, depth + 1);
        } else if (fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(w->err, w->errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(w, fd, nm, path, r, depth + 1);
        } else if (sl__md_is_markdown_name(nm)) {
            /* Whatever it is - a file, a link (even a broken one or a
             * loop), a FIFO, a device - it is a page the user put here:
             * reading it (infile.h) says what is wrong with it, and the
             * other pages are rendered all the same. */
            if (S_ISLNK(st.st_mode) && fstatat(fd, nm, &st, 0) != 0)
                st.st_mode = 0, st.st_size = 0;
            rc = push_page(w->in, w->cb, path, r, &st, d, dl ? dl + 1 : 0);
            path = r = NULL;
            if (rc != 0)
                snprintf(w->err, w->errlen, "%s: out of memory", dir);
        }
        free(path);
        free(r);
    }
    w->cur = up;
    if (d) { /* closed with its last page */
        d->parent = NULL;
        sl__md_dir_release(d);
    } else {
        close(fd);
    }
    free(ents);
    free(names);
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
        walker *w = malloc(sizeof *w);
        int rc = -1;
        if (w) {
            w->in = in;
            w->cb = cb;
            w->cur = NULL;
            w->err = err;
            w->errlen = errlen;
            rc = walk_dir(w, AT_FDCWD, dir, dir, "", 0);
        } else {
            snprintf(err, errlen, "%s: out of memory", arg);
        }
        free(w);
        free(dir);
        return rc;
    }
    /* Not a directory: a page, read through infile.h, which refuses (and
     * names) a FIFO, socket or device without blocking on it. */
    const char *base = strrchr(arg, '/');
    size_t at = base ? (size_t)(base + 1 - arg) : 0;
    if (push_page(in, cb, strdup(arg), strdup(base ? base + 1 : arg), &st, NULL, at) != 0) {
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

/* One open and one read, no fstat, for a page the walk listed as a regular
 * file of `size` bytes: infile.h's fstat (is it a regular file, how big)
 * was the walk's own question asked again, 1,325 system calls on
 * bench/md's tree.  What the walk saw is checked by the read itself: size
 * + 1 bytes asked, exactly size got.  Anything else - the file changed
 * since, an error, or a FIFO or device put in its place (O_NONBLOCK: the
 * open and the read never wait) - reads again through infile.h, which
 * says what is wrong.  An empty page always goes that way: a FIFO with no
 * writer reads as empty too. */
int sl__md_input_read(const sl__md_input *pg, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
    if (pg->regular && pg->size > 0 && pg->size <= max) {
        int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
        int fd = pg->dir ? openat(pg->dir->fd, pg->name, flags) : open(pg->path, flags);
        char *b = fd >= 0 ? malloc((size_t)pg->size + 2) : NULL;
        ssize_t n = b ? read(fd, b, (size_t)pg->size + 1) : -1;
        if (fd >= 0)
            close(fd);
        if (n >= 0 && (uint64_t)n == pg->size) {
            b[n] = 0;
            *data = b;
            *len = (size_t)n;
            return 0;
        }
        free(b);
    }
    return sl_infile_read(pg->path, max, data, len, err, errlen);
}

void sl__md_inputs_free(sl__md_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        sl__md_input_release(&in->v[i]);
        free(in->v[i].path);
        free(in->v[i].rel);
    }
    free(in->v);
    memset(in, 0, sizeof *in);
}
