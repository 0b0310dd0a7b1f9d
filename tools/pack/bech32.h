/*
 * bech32.h - Bech32 (BIP 173), the text form of age's keys.
 *
 * age writes recipients as lowercase "age1..." and identities as uppercase
 * "AGE-SECRET-KEY-1...".  The checksum is plain Bech32 (constant 1), not
 * Bech32m, and age lifts BIP 173's 90-character limit.
 */
#ifndef SLUICE_PACK_BECH32_H
#define SLUICE_PACK_BECH32_H

#include <stddef.h>
#include <stdint.h>

/* Encodes data under hrp (lowercase) into out (cap bytes, NUL-terminated);
 * upper: write it all in uppercase.  Returns the length, or -1. */
int sl_bech32_encode(char *out, size_t cap, const char *hrp, const uint8_t *data, size_t n, int upper);
/* Decodes a string (all lowercase or all uppercase).  Writes the hrp in
 * lowercase to hrp (hcap bytes) and the data to data (dcap bytes); returns
 * the data length, or -1 on any defect. */
long sl_bech32_decode(const char *s, size_t len, char *hrp, size_t hcap, uint8_t *data, size_t dcap);

#endif
