/*
 * agekey.h - age's X25519 keys in text form, and the files that hold them.
 *
 * A recipient is a 32-byte X25519 public key written "age1..." (Bech32,
 * lowercase); an identity is the 32-byte secret scalar written
 * "AGE-SECRET-KEY-1..." (Bech32, uppercase).  Identity and recipient
 * files hold one key per line, with '#' comments and blank lines, as
 * age-keygen writes them.
 */
#ifndef SLUICE_PACK_AGEKEY_H
#define SLUICE_PACK_AGEKEY_H

#include <stddef.h>
#include <stdint.h>

#define SL_AGE_RECIPIENT_LEN 62 /* "age1" + 52 + 6 */
#define SL_AGE_IDENTITY_LEN 74  /* "AGE-SECRET-KEY-1" + 52 + 6 */

typedef struct sl_keylist {
    uint8_t (*keys)[32];
    size_t n, cap;
} sl_keylist;

/* Parses one key string (exact length, no whitespace): 0 or -1. */
int sl_agekey_parse_recipient(const char *s, size_t len, uint8_t pub[32]);
int sl_agekey_parse_identity(const char *s, size_t len, uint8_t secret[32]);
/* What a key line that is not an X25519 key is, when it is a kind age
 * reads and sluice does not (SSH keys, plugin keys, an encrypted
 * identity file): a phrase for the error message, or NULL. */
const char *sl_agekey_unsupported(const char *s, size_t len);
/* Formats keys; out needs 63 / 75 bytes (NUL included). */
void sl_agekey_format_recipient(char *out, const uint8_t pub[32]);
void sl_agekey_format_identity(char *out, const uint8_t secret[32]);

/* Appends every key in a file ("-" is standard input) to list: 0, or -1
 * with a message naming the file and line in err. */
int sl_agekey_load_recipients(sl_keylist *list, const char *path, char *err, size_t errlen);
int sl_agekey_load_identities(sl_keylist *list, const char *path, char *err, size_t errlen);
int sl_keylist_add(sl_keylist *list, const uint8_t key[32]);
/* Wipes and frees. */
void sl_keylist_free(sl_keylist *list);

#endif
