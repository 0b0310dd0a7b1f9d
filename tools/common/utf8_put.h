/*
 * utf8_put.h - one code point (at most U+10FFFF, the caller's check)
 * written as UTF-8 into b (room for 4 bytes); returns the bytes written.
 * A surrogate is written as its 3 bytes (WTF-8), which the JS lexer needs
 * for lone surrogates; the GFM renderer never passes one.
 * Shared by the JS lexer (tools/js) and the GFM renderer (tools/md/gfm).
 */
#ifndef SLUICE_TOOL_UTF8_PUT_H
#define SLUICE_TOOL_UTF8_PUT_H

#include <stddef.h>
#include <stdint.h>

static inline size_t sl_utf8_put(char *b, uint32_t c)
{
    if (c < 0x80) {
        b[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (c >> 18));
    b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    b[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

#endif
