/*
 * agekey.c - parsing and printing age X25519 keys and key files.
 *
 * Key files are read whole (they are small) and parsed line by line; the
 * buffer that held secret keys is wiped before it is freed, so secrets
 * live only in the key list, which sl_keylist_free wipes too.
 */
#include "agekey.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bech32.h"

#define KEYFILE_MAX (1 << 20)

static int parse_key(const char *s, size_t len, const char *want_hrp, int want_upper, uint8_t key[32])
{
    char hrp[32];
    uint8_t data[40];
    if (len == 0 || (want_upper ? (s[0] < 'A' || s[0] > 'Z') : (s[0] < 'a' || s[0] > 'z')))
        return -1;
    long n = sl_bech32_decode(s, len, hrp, sizeof hrp, data, sizeof data);
    int ok = n == 32 && !strcmp(hrp, want_hrp);
    if (ok)
        memcpy(key, data, 32);
    sodium_memzero(data, sizeof data);
    return ok ? 0 : -1;
}

int sl_agekey_parse_recipient(const char *s, size_t len, uint8_t pub[32])
{
    return parse_key(s, len, "age", 0, pub);
}

int sl_agekey_parse_identity(const char *s, size_t len, uint8_t secret[32])
{
    return parse_key(s, len, "age-secret-key-", 1, secret);
}

void sl_agekey_format_recipient(char *out, const uint8_t pub[32])
{
    sl_bech32_encode(out, SL_AGE_RECIPIENT_LEN + 1, "age", pub, 32, 0);
}

void sl_agekey_format_identity(char *out, const uint8_t secret[32])
{
    sl_bech32_encode(out, SL_AGE_IDENTITY_LEN + 1, "age-secret-key-", secret, 32, 1);
}

int sl_keylist_add(sl_keylist *list, const uint8_t key[32])
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        uint8_t(*keys)[32] = sodium_allocarray(cap, 32);
        if (!keys)
            return -1;
        if (list->n)
            memcpy(keys, list->keys, list->n * 32);
        if (list->keys)
            sodium_free(list->keys); /* sodium_free wipes */
        list->keys = keys;
        list->cap = cap;
    }
    memcpy(list->keys[list->n++], key, 32);
    return 0;
}

void sl_keylist_free(sl_keylist *list)
{
    if (list->keys)
        sodium_free(list->keys);
    memset(list, 0, sizeof *list);
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(KEYFILE_MAX + 2); /* one byte past the limit shows a bigger file */
    size_t n = 0;
    ssize_t k = 0;
    while (buf && n <= KEYFILE_MAX && (k = read(fd, buf + n, KEYFILE_MAX + 1 - n)) > 0)
        n += (size_t)k;
    int saved = errno;
    if (fd)
        close(fd);
    if (!buf || k < 0 || n > KEYFILE_MAX) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory" : k < 0 ? strerror(saved) : "over 1 MiB, too large for a key file");
        if (buf) {
            sodium_memzero(buf, n);
            free(buf);
        }
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static int starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && !memcmp(s, prefix, n);
}

const char *sl_agekey_unsupported(const char *s, size_t len)
{
    if (starts(s, len, "-----BEGIN OPENSSH PRIVATE KEY-----") || starts(s, len, "-----BEGIN RSA PRIVATE KEY-----"))
        return "an SSH private key, which sluice does not read (only age X25519 keys; age -d -i reads it)";
    if (starts(s, len, "ssh-ed25519 ") || starts(s, len, "ssh-rsa "))
        return "an SSH public key, which sluice does not encrypt to (only age X25519 recipients; age -R does)";
    if (starts(s, len, "age-encryption.org/") || starts(s, len, "-----BEGIN AGE ENCRYPTED FILE-----"))
        return "an age-encrypted identity file, which sluice does not read (decrypt it with age -d first)";
    if (starts(s, len, "AGE-PLUGIN-"))
        return "an age plugin identity, and sluice does not run age plugins";
    if (starts(s, len, "age1") && memchr(s + 4, '1', len - 4)) /* Bech32 data has no '1': a longer prefix */
        return "an age plugin recipient, and sluice does not run age plugins";
    return NULL;
}

typedef int (*parse_fn)(const char *s, size_t len, uint8_t key[32]);

static int load_keys(sl_keylist *list, const char *path, parse_fn parse, const char *what, char *err, size_t errlen)
{
    size_t len;
    char *buf = slurp(path, &len, err, errlen);
    if (!buf)
        return -1;
    int rc = 0, line = 0, found = 0;
    for (size_t i = 0; i < len && rc == 0;) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        line++;
        size_t end = e;
        if (end > i && buf[end - 1] == '\r')
            end--;
        uint8_t key[32];
        if (end == i || buf[i] == '#') {
            /* blank or comment */
        } else if (parse(buf + i, end - i, key) == 0) {
            rc = sl_keylist_add(list, key);
            found++;
            if (rc)
                snprintf(err, errlen, "%s: out of memory", path);
        } else {
            const char *other = sl_agekey_unsupported(buf + i, end - i);
            if (other)
                snprintf(err, errlen, "%s:%d: %s", path, line, other);
            else
                snprintf(err, errlen, "%s:%d: not a valid %s", path, line, what);
            rc = -1;
        }
        sodium_memzero(key, sizeof key);
        i = e + 1;
    }
    if (rc == 0 && !found) {
        snprintf(err, errlen, "%s: no %s found", path, what);
        rc = -1;
    }
    sodium_memzero(buf, len);
    free(buf);
    return rc;
}

int sl_agekey_load_recipients(sl_keylist *list, const char *path, char *err, size_t errlen)
{
    return load_keys(list, path, sl_agekey_parse_recipient, "age recipient (age1...)", err, errlen);
}

int sl_agekey_load_identities(sl_keylist *list, const char *path, char *err, size_t errlen)
{
    return load_keys(list, path, sl_agekey_parse_identity, "age identity (AGE-SECRET-KEY-1...)", err, errlen);
}
