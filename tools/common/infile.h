/*
 * infile.h - opening inputs without ever blocking on a special file.
 *
 * A tool that runs over a tree someone else controls must not hang on a
 * named pipe, read a device without end, or mistake a directory for a
 * file.  sl_infile_open opens with O_NONBLOCK (so that opening a FIFO
 * returns at once instead of waiting for a writer), checks with fstat
 * that the result is a regular file, and only then clears O_NONBLOCK.
 * Every tool opens the files it is given or discovers through it;
 * standard input ("-") is the caller's business, where the tool allows it.
 */
#ifndef SLUICE_TOOLS_INFILE_H
#define SLUICE_TOOLS_INFILE_H

#include <stddef.h>

/* Opens `path` read-only.  Returns a file descriptor (close-on-exec,
 * blocking) of a regular file, or -1 with a message naming the file in
 * err: "PATH: cannot open: <strerror>" (a symlink loop reads "Too many
 * levels of symbolic links"), or "PATH: is a directory|FIFO|socket|
 * character device|block device, not a regular file". */
int sl_infile_open(const char *path, char *err, size_t errlen);

/* Reads the whole of the regular file `path` into a fresh buffer with a
 * NUL after the last byte (the NUL is not counted in *len).  A file over
 * `max` bytes, at open or because it grew while read, is refused with
 * "PATH: N bytes is over the limit of MAX bytes".  Returns 0, or -1 with a
 * message naming the file in err (and *data untouched). */
int sl_infile_read(const char *path, size_t max, char **data, size_t *len, char *err, size_t errlen);

#endif
