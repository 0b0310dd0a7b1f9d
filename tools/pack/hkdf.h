/*
 * hkdf.h - HKDF-SHA-256 (RFC 5869), which libsodium 1.0.18 lacks.
 *
 * age derives every key it uses (wrap keys, the header MAC key, the
 * payload key) with HKDF-SHA-256; here it is built from libsodium's
 * HMAC-SHA-256.
 */
#ifndef SLUICE_PACK_HKDF_H
#define SLUICE_PACK_HKDF_H

#include <stddef.h>
#include <stdint.h>

/* out_len <= 255 * 32.  info is a NUL-terminated label. */
void sl_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                    const uint8_t *salt, size_t salt_len, const char *info);

#endif
