/*
 * armor.h - age's ASCII armor: PEM-like padded base64 at 64 columns.
 *
 * The decoder is a fill function layered on a reader, so everything
 * downstream reads plain binary; it is strict (64-column lines, only the
 * last one shorter, canonical padding, nothing but up to 1 KiB of
 * whitespace around the armor) and accepts what age accepts (CRLF, no
 * line end after END).  The encoder is a small streaming writer.
 */
#ifndef SLUICE_PACK_ARMOR_H
#define SLUICE_PACK_ARMOR_H

#include <stdint.h>
#include <stdio.h>

#include "reader.h"

#define SL_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define SL_ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define SL_ARMOR_MAX_SPACE 1024 /* whitespace: at most this before BEGIN, less after END, as age */

typedef struct sl_armor_in {
    sl_reader *src;
    /* 0: before BEGIN, 1: in the body, 2: after the short final line,
     * 4: END seen (trailer not yet checked), 3: done */
    int state;
} sl_armor_in;

/* 1 if the reader's next bytes (after optional whitespace) open an armor. */
int sl_armor_detect(sl_reader *src);
/* A fill function (ctx: sl_armor_in) that yields the decoded bytes. */
ssize_t sl_armor_fill(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen);

typedef struct sl_armor_out {
    FILE *fp;
    uint8_t pend[3];
    int npend;
    int col;
} sl_armor_out;

/* Each returns 0, or -1 on a write error (errno set). */
int sl_armor_begin(sl_armor_out *a, FILE *fp);
int sl_armor_write(sl_armor_out *a, const uint8_t *p, size_t n);
int sl_armor_end(sl_armor_out *a);

#endif
