/*
 * base64.h - strict standard base64, the two ways age uses it.
 *
 * age's header uses unpadded base64 and the armor uses padded base64; both
 * must be canonical (unused low bits zero, no stray characters), because a
 * header that decodes the same from two spellings could carry a second,
 * unauthenticated meaning.  So the decoder rejects everything but the one
 * canonical spelling of each byte string.
 */
#ifndef SLUICE_PACK_BASE64_H
#define SLUICE_PACK_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed to encode n bytes (padded or not); no terminator. */
size_t sl_b64_encoded_len(size_t n, int pad);
/* Writes the encoding of src[0..n) to dst; returns its length. */
size_t sl_b64_encode(char *dst, const uint8_t *src, size_t n, int pad);
/* Decodes exactly `len` characters into dst (room for len*3/4 bytes):
 * returns the byte count, or -1 if the text is not canonical base64 of the
 * given kind (pad: '=' padding to a multiple of 4 required; else none). */
long sl_b64_decode(uint8_t *dst, const char *src, size_t len, int pad);

#endif
