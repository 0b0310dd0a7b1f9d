/*
 * zscan.h - the zstd frame scanner: cuts a .zst stream into frames.
 *
 * It walks frame headers and block headers (never decompressing) so that
 * independent frames can go to different workers.  A frame whose content
 * size is declared and at most frame_max comes out whole (SL_ZITEM_FRAME);
 * any other frame (one big frame from `zstd`, or one with no declared
 * size) comes out in pieces (SL_ZITEM_PIECE) that must be decompressed in
 * order by one streaming decompressor.  Skippable frames are consumed; a
 * seek table among them is checked against the frames that preceded it.
 * With raw_ok, a stream that does not start with a frame is passed
 * through as SL_ZITEM_RAW pieces (an age payload that is not zstd).
 */
#ifndef SLUICE_PACK_ZSCAN_H
#define SLUICE_PACK_ZSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"
#include "seektable.h"

enum { SL_ZITEM_FRAME = 1, SL_ZITEM_PIECE, SL_ZITEM_RAW };

typedef struct sl_zitem {
    int kind;
    uint8_t *data; /* the receiver frees it (free, or the release of sl_zscan_mem) */
    size_t len;
    uint64_t content_size; /* FRAME: the declared content size */
    uint64_t offset;       /* where it starts in the stream */
    int first, last;       /* PIECE: first / last piece of its frame */
    uint32_t dict_id;      /* the zstd dictionary its frame names (0: none; see unpack.c) */
} sl_zitem;

/* Where the scanner's buffers come from (default: realloc and free).  A
 * tool that recycles its buffers plugs in here, so that every frame does
 * not map and fault in fresh memory. */
typedef struct sl_zscan_mem {
    /* A buffer of at least cap bytes that holds the first len bytes of p
     * (p may be NULL); NULL when out of memory, p then still valid. */
    void *(*grow)(void *ctx, void *p, size_t len, size_t cap, size_t *got);
    void (*release)(void *ctx, void *p);
    void *ctx;
} sl_zscan_mem;

/* One frame as the scanner walked it (kept when keep_log is set). */
typedef struct sl_zscan_frame {
    uint64_t offset, csize;
    uint64_t dsize; /* the declared content size, when dsize_known */
    uint32_t check; /* the frame's checksum, when has_check */
    int dsize_known, has_check;
} sl_zscan_frame;

typedef struct sl_zscan {
    sl_reader *r;
    size_t frame_max; /* largest content size handled as a whole frame */
    size_t piece;     /* size of pieces for streamed frames and raw data */
    int raw_ok;
    /* state */
    int started, raw, in_frame, streamed, last_block, has_check, first_piece;
    uint64_t frame_start, content_size;
    int content_known;
    uint32_t dict_id;
    size_t block_left;
    uint8_t *buf;
    size_t len, cap;
    sl_seektable seen; /* frames since the last seek table */
    uint64_t frames, tables;
    int keep_log;     /* set after init to keep every frame in log (for --list) */
    sl_zscan_mem mem; /* may be replaced after init, before the first item */
    sl_zscan_frame *log;
    size_t log_n, log_cap;
    char err[256];
} sl_zscan;

void sl_zscan_init(sl_zscan *s, sl_reader *r, size_t frame_max, size_t piece, int raw_ok);
void sl_zscan_free(sl_zscan *s);
/* 1: an item in *it; 0: the end of the stream; -1: error (s->err). */
int sl_zscan_next(sl_zscan *s, sl_zitem *it);

#endif
