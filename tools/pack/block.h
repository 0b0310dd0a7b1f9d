/*
 * block.h - the unit of work that flows through pack's and unpack's
 * pipelines: a byte buffer plus where it belongs (its index in the stream,
 * whether it is the last one, what kind of zstd item it is).
 */
#ifndef SLUICE_PACK_BLOCK_H
#define SLUICE_PACK_BLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_block {
    uint64_t index;   /* chunk, frame or segment number */
    uint64_t offset;  /* where its bytes start in the stream they came from */
    uint64_t raw_len; /* plaintext bytes it stands for (progress, seek table) */
    uint64_t out_at;  /* unpack: where its output goes in the output file, when placed_ok */
    int placed_ok;    /* unpack: a worker may write it there itself */
    int placed;       /* unpack: a worker did */
    /* unpack: a frame in it failed to decode (a static text, at err_offset):
     * len covers only the frames before it, which the sink writes first */
    const char *err;
    uint64_t err_offset;
    size_t len, cap;
    int kind, first, last;
    uint8_t *data; /* data[0..cap): inline after the struct */
} sl_block;

/* A block with cap bytes of room, or NULL. */
sl_block *sl_block_new(size_t cap);
void sl_block_free(sl_block *b);
/* Releases a block the way sl_pipeline_ops.drop and sl_link's drop want. */
void sl_block_drop(void *ctx, void *item, int produced);
void sl_block_drop_item(void *item);
/* The block whose inline data starts at `data` (from sl_block_new). */
sl_block *sl_block_of(void *data);
/* An sl_zscan_mem over blocks (ctx unused): a scanned frame's buffer is
 * the inline data of a block whose size is rounded up (to 64 KiB, or to
 * 1 MiB past 1 MiB), so frames of about one size reuse each other's
 * buffers through the free list instead of faulting in fresh pages. */
void *sl_block_zscan_grow(void *ctx, void *p, size_t len, size_t cap, size_t *got);
void sl_block_zscan_release(void *ctx, void *p);
/* Frees the blocks kept for reuse (at exit, so leak checkers see none). */
void sl_block_pool_drain(void);

#endif
