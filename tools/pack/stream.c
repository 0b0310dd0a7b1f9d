/*
 * stream.c - sealing and opening runs of STREAM chunks.
 *
 * The plaintext of a non-final chunk is exactly 64 KiB; the final chunk
 * carries flag 0x01 in the nonce's last byte, and is empty only when the
 * whole payload is.  That flag is what lets a reader detect truncation at
 * a chunk boundary.
 *
 * The AEAD (ChaCha20-Poly1305, RFC 8439) has two implementations here that
 * give the same bytes: libsodium's, ready at once, and OpenSSL's, about
 * five times faster on this kind of machine (AVX-512; libsodium 1.0.18
 * stops at AVX2) but some milliseconds to initialise.  A process uses
 * libsodium until it has sealed or opened BULK bytes and OpenSSL after, so
 * a random read (`unpack --range`: a few chunks) pays no start-up while a
 * whole file runs at OpenSSL's speed.  Wherever OpenSSL cannot serve a
 * call (no library, no cipher, no memory), libsodium does.
 *
 * libcrypto is loaded with dlopen at that moment, not linked: linked (even
 * from its static archive) its EVP layer brings every algorithm's tables,
 * 340 KiB of pointers that the dynamic loader relocated - 83 pages
 * copied on write - at every start of every sluice command.  Only
 * openssl/evp.h's types and constants are used at build time.
 */
#include "stream.h"

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#include "dynlib.h"

#define BULK ((uint64_t)8 << 20)

static atomic_uint_fast64_t through;  /* bytes sealed or opened so far */
static atomic_int forced;             /* sl__stream_use: 0, or the implementation tests ask for */
static pthread_once_t evp_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *evp_aead;          /* fetched once, kept for the process */

/* The libcrypto functions used, typed by its own header. */
typedef struct ossl_fns {
    __typeof__(EVP_CIPHER_fetch) *EVP_CIPHER_fetch;
    __typeof__(EVP_CIPHER_CTX_new) *EVP_CIPHER_CTX_new;
    __typeof__(EVP_CIPHER_CTX_free) *EVP_CIPHER_CTX_free;
    __typeof__(EVP_CIPHER_CTX_ctrl) *EVP_CIPHER_CTX_ctrl;
    __typeof__(EVP_CipherInit_ex2) *EVP_CipherInit_ex2;
    __typeof__(EVP_CipherUpdate) *EVP_CipherUpdate;
    __typeof__(EVP_CipherFinal_ex) *EVP_CipherFinal_ex;
} ossl_fns;
static ossl_fns ossl;

#define STR_(x) #x
#define STR(x) STR_(x)

/* the major version the build's headers are for: its ABI */
static const char *const crypto_so[] = {"libcrypto.so." STR(OPENSSL_VERSION_MAJOR), NULL};
static const sl_dynlib_sym crypto_syms[] = {
    SL_DYNLIB_SYM(ossl_fns, EVP_CIPHER_fetch),   SL_DYNLIB_SYM(ossl_fns, EVP_CIPHER_CTX_new),
    SL_DYNLIB_SYM(ossl_fns, EVP_CIPHER_CTX_free), SL_DYNLIB_SYM(ossl_fns, EVP_CIPHER_CTX_ctrl),
    SL_DYNLIB_SYM(ossl_fns, EVP_CipherInit_ex2), SL_DYNLIB_SYM(ossl_fns, EVP_CipherUpdate),
    SL_DYNLIB_SYM(ossl_fns, EVP_CipherFinal_ex), {NULL, 0}};
static sl_dynlib libcrypto = SL_DYNLIB("OpenSSL's libcrypto", "libssl3", crypto_so, crypto_syms, &ossl);

static void evp_fetch(void)
{
    if (sl_dynlib_load(&libcrypto) == 0)
        evp_aead = ossl.EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL); /* kept for the process */
}

int sl__stream_openssl_loaded(void)
{
    pthread_once(&evp_once, evp_fetch);
    return evp_aead != NULL;
}

void sl__stream_use(int impl)
{
    atomic_store(&forced, impl);
}

/* A cipher context for a call that moves n bytes, with the key set for
 * sealing (enc 1) or opening (enc 0); NULL: use libsodium. */
static EVP_CIPHER_CTX *evp_begin(size_t n, const uint8_t key[32], int enc)
{
    int impl = atomic_load(&forced);
    uint64_t before = atomic_fetch_add(&through, (uint64_t)n);
    if (impl == SL_STREAM_LIBSODIUM || (impl == 0 && before < BULK))
        return NULL;
    pthread_once(&evp_once, evp_fetch);
    EVP_CIPHER_CTX *c = evp_aead ? ossl.EVP_CIPHER_CTX_new() : NULL;
    if (c && ossl.EVP_CipherInit_ex2(c, evp_aead, key, NULL, enc, NULL) != 1) {
        ossl.EVP_CIPHER_CTX_free(c);
        c = NULL;
    }
    return c;
}

static void evp_end(EVP_CIPHER_CTX *c)
{
    if (c)
        ossl.EVP_CIPHER_CTX_free(c);
}

static void make_nonce(uint8_t nonce[12], uint64_t index, int last)
{
    memset(nonce, 0, 12);
    for (int i = 0; i < 8; i++)
        nonce[10 - i] = (uint8_t)(index >> (8 * i));
    nonce[11] = last ? 1 : 0;
}

/* One chunk through OpenSSL: ct = pt sealed, the tag after it. */
static int evp_seal(EVP_CIPHER_CTX *c, uint8_t *ct, const uint8_t *pt, size_t len, const uint8_t nonce[12])
{
    int k = 0, f = 0;
    return ossl.EVP_CipherInit_ex2(c, NULL, NULL, nonce, 1, NULL) == 1 &&
           (len == 0 || ossl.EVP_CipherUpdate(c, ct, &k, pt, (int)len) == 1) &&
           ossl.EVP_CipherFinal_ex(c, ct + k, &f) == 1 &&
           ossl.EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, SL_STREAM_TAG, ct + len) == 1;
}

/* One chunk through OpenSSL: 1 if it authenticates.  OpenSSL decrypts
 * before it checks the tag, so a chunk that fails is wiped: no caller ever
 * holds plaintext that did not authenticate. */
static int evp_open(EVP_CIPHER_CTX *c, uint8_t *pt, const uint8_t *ct, size_t len, const uint8_t nonce[12])
{
    int k = 0, f = 0;
    size_t n = len - SL_STREAM_TAG;
    int ok = ossl.EVP_CipherInit_ex2(c, NULL, NULL, nonce, 0, NULL) == 1 &&
             ossl.EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, SL_STREAM_TAG, (void *)(ct + n)) == 1 &&
             (n == 0 || ossl.EVP_CipherUpdate(c, pt, &k, ct, (int)n) == 1) &&
             ossl.EVP_CipherFinal_ex(c, pt + k, &f) == 1;
    if (!ok)
        memset(pt, 0, n);
    return ok;
}

size_t sl_stream_seal(uint8_t *ct, const uint8_t *pt, size_t n, uint64_t first, int last, const uint8_t key[32])
{
    EVP_CIPHER_CTX *c = evp_begin(n, key, 1);
    size_t in = 0, out = 0;
    uint64_t idx = first;
    do {
        size_t len = n - in < SL_STREAM_CHUNK ? n - in : SL_STREAM_CHUNK;
        int is_last = last && in + len == n;
        uint8_t nonce[12];
        make_nonce(nonce, idx++, is_last);
        if (!c || !evp_seal(c, ct + out, pt + in, len, nonce))
            crypto_aead_chacha20poly1305_ietf_encrypt(ct + out, NULL, pt + in, len, NULL, 0, NULL, nonce, key);
        in += len;
        out += len + SL_STREAM_TAG;
    } while (in < n);
    evp_end(c);
    return out;
}

long sl_stream_open(uint8_t *pt, const uint8_t *ct, size_t n, uint64_t first, int last, const uint8_t key[32],
                    uint64_t *bad_chunk)
{
    EVP_CIPHER_CTX *c = evp_begin(n, key, 0);
    size_t in = 0, out = 0;
    uint64_t idx = first;
    do {
        size_t len = n - in < SL_STREAM_CT_CHUNK ? n - in : SL_STREAM_CT_CHUNK;
        int is_last = last && in + len == n;
        uint8_t nonce[12];
        make_nonce(nonce, idx, is_last);
        if (len < SL_STREAM_TAG || (is_last && len == SL_STREAM_TAG && idx != 0) ||
            !(c ? evp_open(c, pt + out, ct + in, len, nonce)
                : crypto_aead_chacha20poly1305_ietf_decrypt(pt + out, NULL, NULL, ct + in, len, NULL, 0, nonce,
                                                            key) == 0)) {
            evp_end(c);
            *bad_chunk = idx;
            return -1;
        }
        idx++;
        in += len;
        out += len - SL_STREAM_TAG;
    } while (in < n);
    evp_end(c);
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
