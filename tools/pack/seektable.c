/*
 * seektable.c - writing and strictly reading the seek table frame.
 *
 * The footer is read first (it is at the end so a reader can find it by
 * seeking from the end of the file); its frame count fixes exactly how
 * long the entries must be, so any other length is an error.
 */
#include "seektable.h"

#include <stdio.h>
#include <stdlib.h>

int sl_seektable_add(sl_seektable *t, const sl_seek_entry *e)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        sl_seek_entry *p = realloc(t->e, cap * sizeof *p);
        if (!p)
            return -1;
        t->e = p;
        t->cap = cap;
    }
    t->e[t->n++] = *e;
    return 0;
}

void sl_seektable_free(sl_seektable *t)
{
    free(t->e);
    t->e = NULL;
    t->n = t->cap = 0;
}

static size_t entry_size(const sl_seektable *t)
{
    return t->checksums ? 12 : 8;
}

size_t sl_seektable_frame_size(const sl_seektable *t)
{
    return 8 + t->n * entry_size(t) + SL_SEEKABLE_FOOTER;
}

void sl_seektable_write(const sl_seektable *t, uint8_t *out)
{
    size_t esz = entry_size(t);
    sl_put_le32(out, SL_SKIPPABLE_MAGIC_SEEK);
    sl_put_le32(out + 4, (uint32_t)(t->n * esz + SL_SEEKABLE_FOOTER));
    uint8_t *p = out + 8;
    for (size_t i = 0; i < t->n; i++, p += esz) {
        sl_put_le32(p, t->e[i].csize);
        sl_put_le32(p + 4, t->e[i].dsize);
        if (t->checksums)
            sl_put_le32(p + 8, t->e[i].check);
    }
    sl_put_le32(p, (uint32_t)t->n);
    p[4] = t->checksums ? 0x80 : 0;
    sl_put_le32(p + 5, SL_SEEKABLE_MAGIC);
}

int sl_seektable_is(const uint8_t *content, size_t n)
{
    return n >= SL_SEEKABLE_FOOTER && sl_le32(content + n - 4) == SL_SEEKABLE_MAGIC;
}

int sl_seektable_parse(const uint8_t *content, size_t n, sl_seektable *t, char *err, size_t errlen)
{
    t->n = 0;
    if (!sl_seektable_is(content, n)) {
        snprintf(err, errlen, "seek table: no seekable footer");
        return -1;
    }
    const uint8_t *f = content + n - SL_SEEKABLE_FOOTER;
    uint32_t frames = sl_le32(f);
    uint8_t desc = f[4];
    if (desc & 0x7c) {
        snprintf(err, errlen, "seek table: reserved descriptor bits set");
        return -1;
    }
    t->checksums = desc >> 7;
    size_t esz = entry_size(t);
    if (frames > SL_SEEKABLE_MAX_FRAMES || (uint64_t)frames * esz + SL_SEEKABLE_FOOTER != n) {
        snprintf(err, errlen, "seek table: %u frames do not fit its size of %zu bytes", frames, n);
        return -1;
    }
    for (uint32_t i = 0; i < frames; i++) {
        const uint8_t *p = content + (size_t)i * esz;
        sl_seek_entry e = {sl_le32(p), sl_le32(p + 4), t->checksums ? sl_le32(p + 8) : 0, 1, t->checksums};
        if (sl_seektable_add(t, &e)) {
            snprintf(err, errlen, "seek table: out of memory");
            return -1;
        }
    }
    return 0;
}
