/*
 * source.h - reading one input file, and deciding whether it is Rust text.
 *
 * The graph must survive anything a directory holds: a binary file, a
 * directory named x.rs, a dangling link, bytes that are not UTF-8.  Each
 * case becomes one diagnostic naming the file (and the line, for bad
 * UTF-8); only unreadable and binary files contribute no items.
 */
#ifndef SLUICE_GRAPH_SOURCE_H
#define SLUICE_GRAPH_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* The largest file parsed; larger ones are skipped with a warning.  A
 * tree-sitter tree costs about 50 bytes of memory per byte of dense
 * source, so a 20 MB generated file would need a gigabyte; the largest
 * hand-written files in the Debian crate corpus are about 350 KB. */
#define GR_MAX_FILE_BYTES ((size_t)8 << 20)

/* Reads path whole, never blocking on a special file.  Returns 0 and sets
 * *buf (malloc'd, NUL-terminated) and *len, or -1 with the reason in err
 * (without the path): "cannot open: ...", "is a FIFO, not a regular
 * file", "N bytes is over the limit of ...". */
int gr_source_read(const char *path, char **buf, size_t *len, char *err, size_t errlen);

/* 1 when buf looks binary (a NUL byte in its first 8 KiB). */
int gr_source_is_binary(const char *buf, size_t len);

/* 0 when buf is valid UTF-8, else the 1-based line of the first bad byte. */
uint32_t gr_source_bad_utf8_line(const char *buf, size_t len);

#endif
