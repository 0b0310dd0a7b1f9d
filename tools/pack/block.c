/* block.c - allocating and freeing blocks (inline or adopted storage). */
#include "block.h"

#include <stdlib.h>
#include <string.h>

sl_block *sl_block_new(size_t cap)
{
    sl_block *b = malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->cap = cap;
    b->data = (uint8_t *)(b + 1);
    return b;
}

sl_block *sl_block_adopt(uint8_t *data, size_t len)
{
    sl_block *b = malloc(sizeof *b);
    if (!b) {
        free(data);
        return NULL;
    }
    memset(b, 0, sizeof *b);
    b->data = data;
    b->len = b->cap = len;
    return b;
}

void sl_block_free(sl_block *b)
{
    if (!b)
        return;
    if (b->data != (uint8_t *)(b + 1))
        free(b->data);
    free(b);
}
