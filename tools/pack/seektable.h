/*
 * seektable.h - the zstd seekable format's seek table.
 *
 * After the data frames comes one skippable frame (magic 0x184D2A5E)
 * holding, per frame, its compressed size, decompressed size and the low
 * 32 bits of its XXH64 checksum (4 bytes each, little-endian), then a
 * 9-byte footer: number of frames, a descriptor byte (bit 7: checksums
 * present, bits 6-2 reserved, zero) and the magic 0x8F92EAB1.  A reader
 * that finds the footer at the end of a file can seek to any frame.
 */
#ifndef SLUICE_PACK_SEEKTABLE_H
#define SLUICE_PACK_SEEKTABLE_H

#include <stddef.h>
#include <stdint.h>

#define SL_SKIPPABLE_MAGIC_SEEK 0x184D2A5Eu
#define SL_SEEKABLE_MAGIC 0x8F92EAB1u
#define SL_SEEKABLE_FOOTER 9
#define SL_SEEKABLE_MAX_FRAMES 0x8000000u

typedef struct sl_seek_entry {
    uint32_t csize, dsize, check;
    int dsize_known, has_check; /* for frames a scanner saw */
} sl_seek_entry;

typedef struct sl_seektable {
    sl_seek_entry *e;
    size_t n, cap;
    int checksums; /* descriptor bit 7 */
} sl_seektable;

int sl_seektable_add(sl_seektable *t, const sl_seek_entry *e); /* 0 or -1 (no memory) */
void sl_seektable_free(sl_seektable *t);
/* Bytes of the whole skippable frame (8-byte header included). */
size_t sl_seektable_frame_size(const sl_seektable *t);
/* Writes the whole skippable frame (sl_seektable_frame_size bytes). */
void sl_seektable_write(const sl_seektable *t, uint8_t *out);
/* 1 if a skippable frame's content (n bytes after its 8-byte header) ends
 * with the seekable footer. */
int sl_seektable_is(const uint8_t *content, size_t n);
/* Parses such content: 0, or -1 with why in err. */
int sl_seektable_parse(const uint8_t *content, size_t n, sl_seektable *t, char *err, size_t errlen);

static inline uint32_t sl_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void sl_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
