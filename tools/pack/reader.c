/*
 * reader.c - the buffered reader over a fill function.
 *
 * The buffer is compacted before each fill so a peek of up to `cap` bytes
 * always fits; bytes read in bulk bypass the buffer once it is drained,
 * so large payload reads cost no extra copy.
 */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sl_reader_init(sl_reader *r, sl_fill_fn fill, void *ctx, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->fill = fill;
    r->ctx = ctx;
    r->cap = cap;
    r->buf = malloc(cap);
    return r->buf ? 0 : -1;
}

void sl_reader_free(sl_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

static int fill_more(sl_reader *r)
{
    if (r->eof || r->failed)
        return 0;
    if (r->pos) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    ssize_t n = r->fill(r->ctx, r->buf + r->len, r->cap - r->len, r->err, sizeof r->err);
    if (n < 0) {
        r->failed = 1;
        return 0;
    }
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->len += (size_t)n;
    return 1;
}

size_t sl_reader_peek(sl_reader *r, size_t n, const uint8_t **p)
{
    if (n > r->cap)
        n = r->cap;
    while (r->len - r->pos < n && fill_more(r))
        ;
    *p = r->buf + r->pos;
    size_t have = r->len - r->pos;
    return have < n ? have : n;
}

void sl_reader_skip(sl_reader *r, size_t n)
{
    r->pos += n;
    r->offset += n;
}

size_t sl_reader_read(sl_reader *r, void *dst, size_t n)
{
    uint8_t *d = dst;
    size_t done = 0;
    while (done < n) {
        size_t have = r->len - r->pos;
        if (have) {
            size_t k = have < n - done ? have : n - done;
            memcpy(d + done, r->buf + r->pos, k);
            sl_reader_skip(r, k);
            done += k;
            continue;
        }
        if (r->eof || r->failed)
            break;
        if (n - done >= r->cap) {
            ssize_t k = r->fill(r->ctx, d + done, n - done, r->err, sizeof r->err);
            if (k < 0)
                r->failed = 1;
            else if (k == 0)
                r->eof = 1;
            else {
                done += (size_t)k;
                r->offset += (uint64_t)k;
            }
            continue;
        }
        fill_more(r);
    }
    return done;
}

long sl_reader_line(sl_reader *r, char *dst, size_t cap)
{
    size_t n = 0;
    for (;;) {
        const uint8_t *p;
        size_t have = sl_reader_peek(r, 1, &p);
        if (!have)
            return (long)n;
        have = r->len - r->pos;
        const uint8_t *nl = memchr(p, '\n', have);
        size_t take = nl ? (size_t)(nl - p) + 1 : have;
        if (n + take > cap)
            return -1;
        memcpy(dst + n, p, take);
        sl_reader_skip(r, take);
        n += take;
        if (nl)
            return (long)n;
    }
}

ssize_t sl_fill_fd(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        snprintf(err, errlen, "read error: %s", strerror(errno));
        return -1;
    }
}

ssize_t sl_fill_mem(void *ctx, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    sl_memsrc *m = ctx;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}
