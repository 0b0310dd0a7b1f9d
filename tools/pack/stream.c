/*
 * stream.c - sealing and opening runs of STREAM chunks.
 *
 * The plaintext of a non-final chunk is exactly 64 KiB; the final chunk
 * carries flag 0x01 in the nonce's last byte, and is empty only when the
 * whole payload is.  That flag is what lets a reader detect truncation at
 * a chunk boundary.
 */
#include "stream.h"

#include <sodium.h>
#include <string.h>

static void make_nonce(uint8_t nonce[12], uint64_t index, int last)
{
    memset(nonce, 0, 12);
    for (int i = 0; i < 8; i++)
        nonce[10 - i] = (uint8_t)(index >> (8 * i));
    nonce[11] = last ? 1 : 0;
}

size_t sl_stream_seal(uint8_t *ct, const uint8_t *pt, size_t n, uint64_t first, int last, const uint8_t key[32])
{
    size_t in = 0, out = 0;
    uint64_t idx = first;
    do {
        size_t len = n - in < SL_STREAM_CHUNK ? n - in : SL_STREAM_CHUNK;
        int is_last = last && in + len == n;
        uint8_t nonce[12];
        make_nonce(nonce, idx++, is_last);
        unsigned long long clen;
        crypto_aead_chacha20poly1305_ietf_encrypt(ct + out, &clen, pt + in, len, NULL, 0, NULL, nonce, key);
        in += len;
        out += (size_t)clen;
    } while (in < n);
    return out;
}

long sl_stream_open(uint8_t *pt, const uint8_t *ct, size_t n, uint64_t first, int last, const uint8_t key[32],
                    uint64_t *bad_chunk)
{
    size_t in = 0, out = 0;
    uint64_t idx = first;
    do {
        size_t len = n - in < SL_STREAM_CT_CHUNK ? n - in : SL_STREAM_CT_CHUNK;
        int is_last = last && in + len == n;
        uint8_t nonce[12];
        make_nonce(nonce, idx, is_last);
        unsigned long long plen;
        if (len < SL_STREAM_TAG || (is_last && len == SL_STREAM_TAG && idx != 0) ||
            crypto_aead_chacha20poly1305_ietf_decrypt(pt + out, &plen, NULL, ct + in, len, NULL, 0, nonce, key)) {
            *bad_chunk = idx;
            return -1;
        }
        idx++;
        in += len;
        out += (size_t)plen;
    } while (in < n);
    return (long)out;
}

int sl_stream_opens_as_middle(const uint8_t *ct, size_t n, uint64_t index, const uint8_t key[32])
{
    uint8_t nonce[12];
    make_nonce(nonce, index, 0);
    return n >= SL_STREAM_TAG &&
           crypto_aead_chacha20poly1305_ietf_decrypt_detached(NULL, NULL, ct, n - SL_STREAM_TAG, ct + n - SL_STREAM_TAG,
                                                              NULL, 0, nonce, key) == 0;
}
