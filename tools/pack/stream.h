/*
 * stream.h - age's STREAM payload: 64 KiB ChaCha20-Poly1305 chunks.
 *
 * Chunk i is sealed under the payload key with the 12-byte nonce
 * (11-byte big-endian i || last-chunk flag), so it depends on nothing but
 * its own bytes and its index: chunks can be sealed and opened in any
 * order, on any thread.  A segment is a run of consecutive chunks handed
 * to one worker at once.
 */
#ifndef SLUICE_PACK_STREAM_H
#define SLUICE_PACK_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define SL_STREAM_CHUNK 65536
#define SL_STREAM_TAG 16
#define SL_STREAM_CT_CHUNK (SL_STREAM_CHUNK + SL_STREAM_TAG)
/* pack and unpack hand chunks to workers 16 at a time (1 MiB): big enough
 * that a hand-off costs little next to the work, small enough to keep a
 * few in flight per worker within the memory bound. */
#define SL_STREAM_SEGMENT_CHUNKS 16

/* Seals plaintext pt[0..n) starting at chunk `first`; `last`: the final
 * chunk of the payload is in this segment.  n is a multiple of 64 KiB
 * unless last (then 0 < n, or n == 0 for an empty payload).  Writes
 * n + 16 * chunks bytes to ct; returns that count. */
size_t sl_stream_seal(uint8_t *ct, const uint8_t *pt, size_t n, uint64_t first, int last, const uint8_t key[32]);
/* Opens ct[0..n) (whole chunks, the final one maybe short when last).
 * Returns the plaintext length, or -1 with *bad_chunk set to the index of
 * the chunk that failed to authenticate. */
long sl_stream_open(uint8_t *pt, const uint8_t *ct, size_t n, uint64_t first, int last, const uint8_t key[32],
                    uint64_t *bad_chunk);
/* 1 if chunk `index` (n bytes of ciphertext) opens as a NON-final chunk:
 * used to tell truncation (the last chunk we saw was not the last one
 * written) from corruption. */
int sl_stream_opens_as_middle(const uint8_t *ct, size_t n, uint64_t index, const uint8_t key[32]);

/* Which implementation of the AEAD seals and opens (stream.c says why
 * there are two): the default, libsodium for a process's first 8 MiB and
 * OpenSSL after; or one of them always, for tests that compare them. */
enum { SL_STREAM_AUTO = 0, SL_STREAM_LIBSODIUM = 1, SL_STREAM_OPENSSL = 2 };
void sl__stream_use(int impl);
/* 1 if OpenSSL's cipher could be loaded (libcrypto is dlopened, stream.c
 * says why): what SL_STREAM_OPENSSL then uses; 0: libsodium serves it. */
int sl__stream_openssl_loaded(void);

#endif
