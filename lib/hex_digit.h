/*
 * hex_digit.h - the value of one hexadecimal digit (0-9, a-f, A-F), or -1
 * for any other byte.
 *
 * Private to the source tree, never installed: libsluice_remote's URL
 * percent escapes (lib/remote/url.c) and the tools' scanners, through
 * tools/common/hex_digit.h - JS escapes (tools/js), GFM numeric character
 * references (tools/md/gfm), the sidecar's JSON \u escapes
 * (tools/md/rpc.c), package.json percent escapes (tools/bundle) and Rust
 * escapes (tools/graph).  Here, not in tools/common, because the library
 * may include nothing of the tools.
 */
#ifndef SLUICE_HEX_DIGIT_H
#define SLUICE_HEX_DIGIT_H

static inline int sl_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
