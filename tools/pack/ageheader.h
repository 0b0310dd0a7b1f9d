/*
 * ageheader.h - the age v1 header: stanzas, file-key wrapping, the MAC.
 *
 *   age-encryption.org/v1
 *   -> X25519 <ephemeral share>           one stanza per recipient, or
 *   -> scrypt <salt> <log2 N>             one scrypt stanza, alone
 *   <body: unpadded base64, 64 columns, last line shorter>
 *   --- <HMAC-SHA-256 of everything up to and including "---">
 *
 * The parser is strict and owns no policy about keys; sl_age_unwrap finds
 * the file key with the identities or passphrase given and checks the MAC.
 * Every failure comes back as a sentence for the user.
 */
#ifndef SLUICE_PACK_AGEHEADER_H
#define SLUICE_PACK_AGEHEADER_H

#include <stddef.h>
#include <stdint.h>

#include "agekey.h"
#include "reader.h"

#define SL_AGE_INTRO "age-encryption.org/v1\n"
/* age 1.1 sets no limit; ours is the header's bytes, from the intro line
 * through the MAC line's LF: room for about 10,000 X25519 recipients. */
#define SL_AGE_MAX_HEADER (1 << 20)
#define SL_AGE_MAX_ARGS 16
#define SL_AGE_SCRYPT_MAX_LOGN 22   /* what age accepts by default when decrypting: 4 GiB, ~15 s */
#define SL_AGE_SCRYPT_LIMIT_LOGN 30 /* the most a caller may allow, as age's SetMaxWorkFactor */

typedef struct sl_age_stanza {
    char *args[SL_AGE_MAX_ARGS]; /* args[0] is the type */
    int nargs;
    uint8_t *body;
    size_t body_len, body_cap;
} sl_age_stanza;

typedef struct sl_age_header {
    sl_age_stanza *st;
    int n;
    size_t st_cap;
    uint8_t mac[32];
    uint8_t *raw;   /* the header text, through "---" */
    size_t mac_len; /* bytes of raw the MAC covers */
    unsigned grows; /* buffers the parse grew (moved): O(log size), which the tests check */
} sl_age_header;

/* Reads a header from r (which stays positioned at the payload nonce).
 * 0, or -1 with the reason (and offset) in err. */
int sl_age_header_parse(sl_reader *r, sl_age_header *h, char *err, size_t errlen);
void sl_age_header_free(sl_age_header *h);

/* Recovers the 16-byte file key: from the identities, or (if pass) from
 * the one scrypt stanza, whose work factor (log2 N; scrypt takes 2^N KiB
 * and time to match) must be at most max_log_n (0: SL_AGE_SCRYPT_MAX_LOGN);
 * then checks the header MAC.  0, or -1 with why. */
int sl_age_unwrap(const sl_age_header *h, const sl_keylist *ids, const char *pass, size_t pass_len, int max_log_n,
                  uint8_t file_key[16], char *err, size_t errlen);
/* 1 if the header's only recipient is a passphrase. */
int sl_age_is_scrypt(const sl_age_header *h);

/* Builds a header for a fresh file key: to every recipient, or (recipients
 * NULL) to a passphrase with work factor log_n.  Returns a malloc'd buffer
 * and its length in *len, or NULL (no memory). */
uint8_t *sl_age_header_write(const uint8_t file_key[16], const sl_keylist *recipients, const char *pass,
                             size_t pass_len, int log_n, size_t *len);

/* The payload key: HKDF-SHA-256(file key, salt = nonce, "payload"). */
void sl_age_payload_key(uint8_t key[32], const uint8_t file_key[16], const uint8_t nonce[16]);

#endif
