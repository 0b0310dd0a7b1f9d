/*
 * foreign.h - names what a file that unpack does not read is, from its
 * first bytes: gzip, xz, bzip2, lz4 and the like, a zstd dictionary or a
 * frame of zstd's pre-1.0 format, a zip or a plain tar archive.  A person
 * who hands `unpack` a .tar.gz learns which tool reads it, rather than
 * only that sluice does not.  Shared by the streaming reader (unpack.c)
 * and the random-access one (packfile.c); header-only, so that the
 * fuzzers that compile either of them need nothing more.
 */
#ifndef SLUICE_PACK_FOREIGN_H
#define SLUICE_PACK_FOREIGN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bytes a caller should offer: tar's "ustar" sits at offset 257. */
#define SL_FOREIGN_PEEK 263

/* What p[0..n) starts, as "it is ...: TOOL reads it", or NULL if it is
 * nothing this knows. */
static inline const char *sl_foreign_format(const uint8_t *p, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } kinds[] = {
        {"\x1f\x8b", 2, "it is gzip data: gzip -d reads it"},
        {"\x1f\x9d", 2, "it is compress (.Z) data: gzip -d reads it"},
        {"\xfd" "7zXZ\0", 6, "it is xz data: xz -d reads it"},
        {"\x04\x22\x4d\x18", 4, "it is lz4 data: lz4 -d reads it"},
        {"\x02\x21\x4c\x18", 4, "it is lz4 data (legacy format): lz4 -d reads it"},
        {"LZIP", 4, "it is lzip data: lzip -d reads it"},
        {"\x37\xa4\x30\xec", 4, "it is a zstd dictionary, not compressed data: zstd -d -D takes it"},
        {"PK\x03\x04", 4, "it is a zip archive: unzip reads it"},
        {"7z\xbc\xaf\x27\x1c", 6, "it is a 7-Zip archive: 7z reads it"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (n >= kinds[i].len && !memcmp(p, kinds[i].magic, kinds[i].len))
            return kinds[i].what;
    if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
        return "it is bzip2 data: bzip2 -d reads it";
    /* zstd v0.1 (0xFD2FB51E) and v0.2-v0.7 (0xFD2FB522-0xFD2FB527) */
    if (n >= 4 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd && (p[0] == 0x1e || (p[0] >= 0x22 && p[0] <= 0x27)))
        return "it starts with a frame of zstd's pre-1.0 format, which sluice does not read: zstd -d reads it "
               "if it was built with legacy support";
    if (n >= SL_FOREIGN_PEEK && !memcmp(p + 257, "ustar", 5))
        return "it is an uncompressed tar archive: tar reads it";
    return NULL;
}

#endif
