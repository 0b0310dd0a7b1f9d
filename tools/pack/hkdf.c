/*
 * hkdf.c - HKDF extract-then-expand over HMAC-SHA-256.
 *
 * Extract: PRK = HMAC(salt, IKM); an empty salt is HMAC's all-zero key.
 * Expand: T(i) = HMAC(PRK, T(i-1) || info || i).  Intermediate keys are
 * wiped before returning.
 */
#include "hkdf.h"

#include <sodium.h>
#include <string.h>

void sl_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                    const uint8_t *salt, size_t salt_len, const char *info)
{
    static const uint8_t no_salt[1];
    uint8_t prk[32], t[32];
    crypto_auth_hmacsha256_state st;
    if (!salt)
        salt = no_salt; /* HMAC's key may be empty but not NULL */
    crypto_auth_hmacsha256_init(&st, salt, salt_len);
    crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
    crypto_auth_hmacsha256_final(&st, prk);
    size_t done = 0, tlen = 0;
    for (uint8_t i = 1; done < out_len; i++) {
        crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
        crypto_auth_hmacsha256_update(&st, t, tlen);
        crypto_auth_hmacsha256_update(&st, (const uint8_t *)info, strlen(info));
        crypto_auth_hmacsha256_update(&st, &i, 1);
        crypto_auth_hmacsha256_final(&st, t);
        tlen = sizeof t;
        size_t n = out_len - done < 32 ? out_len - done : 32;
        memcpy(out + done, t, n);
        done += n;
    }
    sodium_memzero(prk, sizeof prk);
    sodium_memzero(t, sizeof t);
    sodium_memzero(&st, sizeof st);
}
