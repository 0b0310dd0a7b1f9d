/*
 * reader.h - a buffered byte source that parsers pull from.
 *
 * Every input layer (a file descriptor, the armor decoder, decrypted
 * segments arriving over a channel, a fuzzer's memory buffer) is a `fill`
 * function under one buffered reader, so the age header parser and the
 * zstd frame scanner are written once against sl_reader and never know
 * where their bytes come from.  `offset` counts bytes consumed, for error
 * messages that name the position.
 */
#ifndef SLUICE_PACK_READER_H
#define SLUICE_PACK_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Fills buf with up to cap bytes: returns the count, 0 at the end, -1 on
 * error (with a message written to err, errlen bytes). */
typedef ssize_t (*sl_fill_fn)(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen);

typedef struct sl_reader {
    sl_fill_fn fill;
    void *ctx;
    uint8_t *buf;
    size_t cap, pos, len;
    int eof;
    int failed;      /* a fill failed: err holds why */
    uint64_t offset; /* bytes consumed so far */
    char err[256];
} sl_reader;

/* cap: buffer size (the most sl_reader_peek can show).  0 or -1 (no memory). */
int sl_reader_init(sl_reader *r, sl_fill_fn fill, void *ctx, size_t cap);
void sl_reader_free(sl_reader *r);
/* Makes up to n bytes (n <= cap) visible at *p without consuming them;
 * returns how many are (fewer only at the end or on failure). */
size_t sl_reader_peek(sl_reader *r, size_t n, const uint8_t **p);
/* Consumes n bytes that a peek showed. */
void sl_reader_skip(sl_reader *r, size_t n);
/* Reads up to n bytes into dst; fewer only at the end or on failure. */
size_t sl_reader_read(sl_reader *r, void *dst, size_t n);
/* Reads one line, '\n' included, into dst (at most cap bytes): returns its
 * length, 0 at the end, or -1 if no '\n' came within cap bytes. */
long sl_reader_line(sl_reader *r, char *dst, size_t cap);

/* Fill functions: a file descriptor (ctx: int *) and memory (ctx: sl_memsrc). */
ssize_t sl_fill_fd(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen);
typedef struct sl_memsrc {
    const uint8_t *data;
    size_t len, pos;
} sl_memsrc;
ssize_t sl_fill_mem(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen);

#endif
