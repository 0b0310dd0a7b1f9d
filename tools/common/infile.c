/*
 * infile.c - open a regular file, never wait on a special one.
 *
 * The one idea: O_NONBLOCK on open() makes a FIFO with no writer open at
 * once (POSIX), so fstat can see what the path is before anything reads
 * it; regular files ignore the flag, and it is cleared before returning.
 */
#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    return "not a plain file";
}

/* Opens path (O_NONBLOCK: a FIFO opens at once) and checks with fstat,
 * into *st, that it is a regular file; the descriptor is left non-blocking. */
static int open_regular(const char *path, struct stat *st, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno; /* a socket cannot be opened at all (ENXIO): say what it is */
        if (stat(path, st) == 0 && !S_ISREG(st->st_mode))
            snprintf(err, errlen, "%s: is %s, not a regular file", path, kind_of(st->st_mode));
        else
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        return -1;
    }
    if (fstat(fd, st) < 0) {
        snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s: is %s, not a regular file", path, kind_of(st->st_mode));
        close(fd);
        return -1;
    }
    return fd;
}

int sl_infile_open(const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd = open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        snprintf(err, errlen, "%s: fcntl: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int too_big(const char *path, uint64_t n, size_t max, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %llu bytes is over the limit of %zu bytes", path, (unsigned long long)n, max);
    return -1;
}

int sl_infile_read(const char *path, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
    /* O_NONBLOCK stays on: reads of a regular file never wait on it, and
     * two fcntl calls a file add up over a tree of small pages. */
    struct stat st;
    int fd = open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    int rc = -1;
    char *b = NULL;
    if ((uint64_t)st.st_size > max) {
        too_big(path, (uint64_t)st.st_size, max, err, errlen);
        goto out;
    }
    /* room for the size fstat gave, the NUL and one byte more, so that the
     * read that finds the end needs no bigger buffer */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    b = malloc(cap);
    for (;;) {
        if (!b) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto out;
        }
        if (n + 1 >= cap) { /* the file grew since fstat */
            if (n > max) {
                too_big(path, n, max, err, errlen);
                goto out;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            b = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        /* A regular file reads short only at its end: one byte more than
         * fstat's size was asked for, so getting exactly that size is
         * the end, and the read that would return 0 is spared (a system
         * call per file, 1.5-2 us on this project's VMs).  A file that
         * grew would have filled the byte more and goes round again. */
        if (n == (size_t)st.st_size && (size_t)r < cap - (n - (size_t)r) - 1)
            break;
    }
    if (n > max) {
        too_big(path, n, max, err, errlen);
        goto out;
    }
    b[n] = 0;
    *data = b;
    *len = n;
    b = NULL;
    rc = 0;
out:
    free(b);
    close(fd);
    return rc;
}
