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
    size_t len, cap;
    int kind, first, last;
    uint8_t *data; /* data[0..cap): inline after the struct, or adopted */
} sl_block;

/* A block with cap bytes of room, or NULL. */
sl_block *sl_block_new(size_t cap);
/* A block around a malloc'd buffer, which it then owns; NULL (and the
 * buffer freed) on failure. */
sl_block *sl_block_adopt(uint8_t *data, size_t len);
void sl_block_free(sl_block *b);
/* Releases a block the way sl_pipeline_ops.drop and sl_link's drop want. */
void sl_block_drop(void *ctx, void *item, int produced);
void sl_block_drop_item(void *item);
/* Frees the blocks kept for reuse (at exit, so leak checkers see none). */
void sl_block_pool_drain(void);

#endif
