/*
 * buf.c - a growable byte buffer that remembers an allocation failure.
 *
 * Renderers append many small pieces; checking each append would bury the
 * logic, so a failed growth sets `failed` and the appends that do not fit
 * are dropped.  The owner checks `failed` once, at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "md.h"

static int buf_reserve(sl__md_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void sl__md_buf_put_slow(sl__md_buf *b, const char *s, size_t n)
{
    if (n == 0 || buf_reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void sl__md_buf_puts(sl__md_buf *b, const char *s)
{
    sl__md_buf_put(b, s, strlen(s));
}

void sl__md_buf_putc(sl__md_buf *b, char c)
{
    if (buf_reserve(b, 1) == 0)
        b->data[b->len++] = c;
}

void sl__md_buf_free(sl__md_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
