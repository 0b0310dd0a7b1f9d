/*
 * ageheader.c - parsing, writing and unlocking age v1 headers.
 *
 * The header is read line by line into one buffer, because the MAC covers
 * its exact bytes; arguments and bodies are decoded as they are read and
 * rejected unless canonical.  Unwrapping tries each identity against each
 * X25519 stanza (an AEAD failure just means "not for this identity"); a
 * scrypt stanza must be alone, so a passphrase file can't be mixed with
 * recipients an attacker chose.
 */
#include "ageheader.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "hkdf.h"

#define X25519_LABEL "age-encryption.org/v1/X25519"
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"
#define BODY_COLS 64

typedef struct parse_state {
    sl_reader *r;
    sl_age_header *h;
    size_t cap, len; /* of h->raw */
    int stanza_cap;  /* of h->st */
    char *err;
    size_t errlen;
} parse_state;

static int perr(parse_state *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "age header: %s (at offset %llu)", what, (unsigned long long)ps->r->offset);
    return -1;
}

/* next_line found no complete line: say whether the file just ended. */
static int line_err(parse_state *ps, const char *what)
{
    if (ps->r->failed) {
        snprintf(ps->err, ps->errlen, "%s", ps->r->err);
        return -1;
    }
    if (ps->len > SL_AGE_MAX_HEADER) {
        snprintf(ps->err, ps->errlen, "age header: larger than %d KiB, the limit (at offset %llu)",
                 SL_AGE_MAX_HEADER >> 10, (unsigned long long)ps->r->offset);
        return -1;
    }
    if (ps->r->eof && ps->r->pos == ps->r->len) {
        snprintf(ps->err, ps->errlen, "truncated: the file ends inside the age header (at offset %llu)",
                 (unsigned long long)ps->r->offset);
        return -1;
    }
    return perr(ps, what);
}

/* Doubles *cap (from `first`) until it holds `need` units of `size`
 * bytes: every growth of the header's buffers goes through here, so a
 * header of n bytes costs O(log n) reallocations and O(n) copying, never
 * one step per line or per stanza.  Returns the (maybe moved) buffer, or
 * NULL when out of memory (p is still valid then). */
static void *grow(void *p, size_t *cap, size_t need, size_t first, size_t size, unsigned *grows)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (q && *cap)
        (*grows)++; /* a move of what was there, not a first allocation */
    if (q)
        *cap = c;
    return q;
}

/* Appends the next line (LF included) to raw, which never holds more
 * than SL_AGE_MAX_HEADER bytes (plus the one that shows it is over);
 * returns the line's start, or NULL (no line end before the input ended,
 * the limit, or no memory: line_err says which). */
static char *next_line(parse_state *ps, size_t *n)
{
    size_t start = ps->len;
    for (;;) {
        const uint8_t *p;
        if (sl_reader_peek(ps->r, 1, &p) == 0)
            return NULL;
        size_t have = ps->r->len - ps->r->pos;
        const uint8_t *nl = memchr(p, '\n', have);
        size_t take = nl ? (size_t)(nl - p) + 1 : have;
        if (ps->len + take > SL_AGE_MAX_HEADER)
            take = SL_AGE_MAX_HEADER + 1 - ps->len, nl = NULL;
        uint8_t *raw = grow(ps->h->raw, &ps->cap, ps->len + take + 1, 4096, 1, &ps->h->grows);
        if (!raw)
            return NULL;
        ps->h->raw = raw;
        memcpy(ps->h->raw + ps->len, p, take);
        sl_reader_skip(ps->r, take);
        ps->len += take;
        if (nl) {
            *n = ps->len - start - 1;
            return (char *)ps->h->raw + start;
        }
        if (ps->len > SL_AGE_MAX_HEADER)
            return NULL;
    }
}

static int is_vchar_arg(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
            return 0;
    return 1;
}

static int parse_args(parse_state *ps, sl_age_stanza *st, const char *line, size_t n)
{
    size_t i = 3; /* after "-> " */
    while (i <= n) {
        size_t e = i;
        while (e < n && line[e] != ' ')
            e++;
        if (!is_vchar_arg(line + i, e - i))
            return perr(ps, "empty or invalid stanza argument");
        if (st->nargs == SL_AGE_MAX_ARGS)
            return perr(ps, "too many stanza arguments");
        char *a = malloc(e - i + 1);
        if (!a)
            return perr(ps, "out of memory");
        memcpy(a, line + i, e - i);
        a[e - i] = 0;
        st->args[st->nargs++] = a;
        i = e + 1;
    }
    return 0;
}

static int parse_body(parse_state *ps, sl_age_stanza *st)
{
    for (;;) {
        size_t n;
        char *line = next_line(ps, &n);
        if (!line)
            return line_err(ps, "out of memory");
        if (n > BODY_COLS)
            return perr(ps, "stanza body line longer than 64 columns");
        uint8_t *body = grow(st->body, &st->body_cap, st->body_len + 48 + 1, 64, 1, &ps->h->grows);
        if (!body)
            return perr(ps, "out of memory");
        st->body = body;
        long k = sl_b64_decode(st->body + st->body_len, line, n, 0);
        if (k < 0)
            return perr(ps, "stanza body is not canonical base64");
        st->body_len += (size_t)k;
        if (n < BODY_COLS)
            return 0;
    }
}

static int parse_mac(parse_state *ps, const char *line, size_t n)
{
    ps->h->mac_len = (size_t)(line - (char *)ps->h->raw) + 3;
    if (n != 4 + 43 || line[3] != ' ' || sl_b64_decode(ps->h->mac, line + 4, 43, 0) != 32)
        return perr(ps, "malformed MAC line");
    return 0;
}

/* The intro line is not v1: name the version if it says one. */
static int bad_version(parse_state *ps, const char *line, size_t n)
{
    size_t prefix = strlen(SL_AGE_INTRO) - 3; /* "age-encryption.org/" */
    if (n <= prefix || memcmp(line, SL_AGE_INTRO, prefix))
        return perr(ps, "not an age v1 file");
    char shown[48];
    size_t k = 0;
    for (size_t i = prefix; i < n && k + 1 < sizeof shown; i++)
        shown[k++] = line[i] >= 33 && line[i] <= 126 ? line[i] : '?';
    shown[k] = 0;
    snprintf(ps->err, ps->errlen, "age header: unsupported age format version '%s%s' (this reads v1 only)", shown,
             n - prefix > k ? "..." : "");
    return -1;
}

int sl_age_header_parse(sl_reader *r, sl_age_header *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    parse_state ps = {r, h, 0, 0, 0, err, errlen};
    size_t n;
    char *line = next_line(&ps, &n);
    if (!line)
        return line_err(&ps, "out of memory");
    if (n + 1 != strlen(SL_AGE_INTRO) || memcmp(line, SL_AGE_INTRO, n + 1))
        return bad_version(&ps, line, n);
    for (;;) {
        line = next_line(&ps, &n);
        if (!line)
            return line_err(&ps, "out of memory");
        if (n >= 3 && !memcmp(line, "---", 3))
            return parse_mac(&ps, line, n);
        if (n < 4 || memcmp(line, "-> ", 3))
            return perr(&ps, "malformed header line");
        sl_age_stanza *st = grow(h->st, &h->st_cap, (size_t)h->n + 1, 4, sizeof *h->st, &h->grows);
        if (!st)
            return perr(&ps, "out of memory");
        h->st = st;
        st = &h->st[h->n++];
        memset(st, 0, sizeof *st);
        if (parse_args(&ps, st, line, n) || parse_body(&ps, st))
            return -1;
    }
}

void sl_age_header_free(sl_age_header *h)
{
    for (int i = 0; i < h->n; i++) {
        for (int j = 0; j < h->st[i].nargs; j++)
            free(h->st[i].args[j]);
        if (h->st[i].body)
            sodium_memzero(h->st[i].body, h->st[i].body_len);
        free(h->st[i].body);
    }
    free(h->st);
    free(h->raw);
    memset(h, 0, sizeof *h);
}

static const uint8_t zero_nonce[12];

static int open_file_key(const sl_age_stanza *st, const uint8_t wrap_key[32], uint8_t file_key[16])
{
    unsigned long long out_len;
    return crypto_aead_chacha20poly1305_ietf_decrypt(file_key, &out_len, NULL, st->body, st->body_len, NULL, 0,
                                                     zero_nonce, wrap_key);
}

static int x25519_stanza_ok(const sl_age_stanza *st, uint8_t share[32])
{
    return st->nargs == 2 && strlen(st->args[1]) == 43 && sl_b64_decode(share, st->args[1], 43, 0) == 32 &&
           st->body_len == 32;
}

/* 1: unwrapped; 0: not for this identity; -1: malformed. */
static int try_x25519(const sl_age_stanza *st, const uint8_t secret[32], uint8_t file_key[16])
{
    uint8_t share[32], shared[32], pub[32], salt[64], wrap[32];
    if (!x25519_stanza_ok(st, share))
        return -1;
    int got = 0;
    if (crypto_scalarmult(shared, secret, share) == 0) {
        crypto_scalarmult_base(pub, secret);
        memcpy(salt, share, 32);
        memcpy(salt + 32, pub, 32);
        sl_hkdf_sha256(wrap, 32, shared, 32, salt, 64, X25519_LABEL);
        got = open_file_key(st, wrap, file_key) == 0;
    }
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(wrap, sizeof wrap);
    return got;
}

static int parse_work_factor(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 2 || s[0] == '0')
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int scrypt_key(uint8_t key[32], const char *pass, size_t pass_len, const uint8_t salt16[16], int log_n)
{
    uint8_t salt[sizeof SCRYPT_LABEL - 1 + 16];
    memcpy(salt, SCRYPT_LABEL, sizeof SCRYPT_LABEL - 1);
    memcpy(salt + sizeof SCRYPT_LABEL - 1, salt16, 16);
    return crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass, pass_len, salt, sizeof salt,
                                                 (uint64_t)1 << log_n, 8, 1, key, 32);
}

static int unwrap_scrypt(const sl_age_stanza *st, const char *pass, size_t pass_len, int max_log_n,
                         uint8_t file_key[16], char *err, size_t errlen)
{
    uint8_t salt[16], key[32];
    int log_n = st->nargs == 3 ? parse_work_factor(st->args[2]) : -1;
    if (log_n < 1 || strlen(st->args[1]) != 22 || sl_b64_decode(salt, st->args[1], 22, 0) != 16 || st->body_len != 32) {
        snprintf(err, errlen, "age header: malformed scrypt stanza");
        return -1;
    }
    if (log_n > max_log_n) {
        /* checked before any work: scrypt at log2 N costs 2^N KiB */
        snprintf(err, errlen,
                 "age header: scrypt work factor %d is above the limit of %d (it would take %llu MiB; "
                 "--max-work-factor raises the limit)",
                 log_n, max_log_n, 1ull << (log_n > 10 ? log_n - 10 : 0));
        return -1;
    }
    int rc = scrypt_key(key, pass, pass_len, salt, log_n);
    if (rc == 0)
        rc = open_file_key(st, key, file_key);
    else
        snprintf(err, errlen, "scrypt failed (out of memory?)");
    sodium_memzero(key, sizeof key);
    if (rc)
        snprintf(err, errlen, "wrong passphrase (or the header is corrupted)");
    return rc ? -1 : 0;
}

int sl_age_is_scrypt(const sl_age_header *h)
{
    for (int i = 0; i < h->n; i++)
        if (!strcmp(h->st[i].args[0], "scrypt"))
            return 1;
    return 0;
}

static int check_mac(const sl_age_header *h, const uint8_t file_key[16])
{
    uint8_t key[32], mac[32];
    sl_hkdf_sha256(key, 32, file_key, 16, NULL, 0, "header");
    crypto_auth_hmacsha256(mac, h->raw, h->mac_len, key);
    int ok = sodium_memcmp(mac, h->mac, 32) == 0;
    sodium_memzero(key, sizeof key);
    return ok ? 0 : -1;
}

static int unwrap_x25519(const sl_age_header *h, const sl_keylist *ids, uint8_t file_key[16], char *err,
                         size_t errlen)
{
    int x25519 = 0;
    for (int i = 0; i < h->n; i++) {
        if (strcmp(h->st[i].args[0], "X25519"))
            continue; /* other recipient types (and grease) are not ours */
        x25519++;
        for (size_t k = 0; ids && k < ids->n; k++) {
            int got = try_x25519(&h->st[i], ids->keys[k], file_key);
            if (got < 0) {
                snprintf(err, errlen, "age header: malformed X25519 stanza");
                return -1;
            }
            if (got)
                return 0;
        }
    }
    /* Recipient types age reads and sluice does not (grease stanzas,
     * "*-grease", are noise by design and not named). */
    char others[96] = "";
    for (int i = 0; i < h->n; i++) {
        const char *t = h->st[i].args[0];
        size_t n = strlen(t), used = strlen(others);
        if (!strcmp(t, "X25519") || (n >= 7 && !strcmp(t + n - 7, "-grease")) || strstr(others, t))
            continue;
        snprintf(others + used, sizeof others - used, "%s%s", used ? ", " : "", t);
    }
    if (!x25519 && others[0])
        snprintf(err, errlen,
                 "the file is encrypted only to recipients of type %s, which sluice does not read "
                 "(only X25519; age -d reads them)",
                 others);
    else if (!ids || !ids->n)
        snprintf(err, errlen, "encrypted to recipients: give an identity with -i");
    else
        snprintf(err, errlen, "no identity matched any of the file's %d X25519 recipient%s (wrong key?)%s%s%s",
                 x25519, x25519 == 1 ? "" : "s", others[0] ? "; its recipients of type " : "", others,
                 others[0] ? " are not read by sluice" : "");
    return -1;
}

int sl_age_unwrap(const sl_age_header *h, const sl_keylist *ids, const char *pass, size_t pass_len, int max_log_n,
                  uint8_t file_key[16], char *err, size_t errlen)
{
    int rc;
    if (sl_age_is_scrypt(h)) {
        if (h->n != 1) {
            snprintf(err, errlen, "age header: a scrypt stanza must be the only one");
            return -1;
        }
        if (!pass) {
            snprintf(err, errlen, "encrypted with a passphrase: give --passphrase-file");
            return -1;
        }
        rc = unwrap_scrypt(&h->st[0], pass, pass_len, max_log_n ? max_log_n : SL_AGE_SCRYPT_MAX_LOGN, file_key, err,
                           errlen);
    } else {
        rc = unwrap_x25519(h, ids, file_key, err, errlen);
    }
    if (rc == 0 && check_mac(h, file_key) != 0) {
        snprintf(err, errlen, "age header: MAC mismatch (the header was modified)");
        rc = -1;
    }
    if (rc)
        sodium_memzero(file_key, 16);
    return rc;
}

/* Appends "-> args\n" and the base64 body to a growing buffer. */
typedef struct out_buf {
    uint8_t *p;
    size_t len, cap;
} out_buf;

static int put(out_buf *o, const void *s, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = (o->len + n) * 2 + 256;
        uint8_t *p = realloc(o->p, cap);
        if (!p)
            return -1;
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    return 0;
}

static int put_b64(out_buf *o, const uint8_t *b, size_t n)
{
    char enc[64];
    size_t k = sl_b64_encode(enc, b, n, 0);
    return put(o, enc, k);
}

static int put_stanza(out_buf *o, const char *type, const uint8_t *arg, size_t arg_len, const char *arg2,
                      const uint8_t body[32])
{
    int rc = put(o, "-> ", 3) | put(o, type, strlen(type)) | put(o, " ", 1) | put_b64(o, arg, arg_len);
    if (arg2)
        rc |= put(o, " ", 1) | put(o, arg2, strlen(arg2));
    /* A 32-byte body is 43 characters: one line, shorter than 64. */
    return rc | put(o, "\n", 1) | put_b64(o, body, 32) | put(o, "\n", 1);
}

static int wrap_x25519(out_buf *o, const uint8_t file_key[16], const uint8_t recipient[32])
{
    uint8_t eph[32], share[32], shared[32], salt[64], wrap[32], body[32];
    randombytes_buf(eph, sizeof eph);
    crypto_scalarmult_base(share, eph);
    int rc = crypto_scalarmult(shared, eph, recipient);
    if (rc == 0) {
        memcpy(salt, share, 32);
        memcpy(salt + 32, recipient, 32);
        sl_hkdf_sha256(wrap, 32, shared, 32, salt, 64, X25519_LABEL);
        crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, 16, NULL, 0, NULL, zero_nonce, wrap);
        rc = put_stanza(o, "X25519", share, 32, NULL, body);
    }
    sodium_memzero(eph, sizeof eph);
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(wrap, sizeof wrap);
    return rc;
}

static int wrap_scrypt(out_buf *o, const uint8_t file_key[16], const char *pass, size_t pass_len, int log_n)
{
    uint8_t salt[16], key[32], body[32];
    char wf[8];
    randombytes_buf(salt, sizeof salt);
    int rc = scrypt_key(key, pass, pass_len, salt, log_n);
    if (rc == 0) {
        crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, 16, NULL, 0, NULL, zero_nonce, key);
        snprintf(wf, sizeof wf, "%d", log_n);
        rc = put_stanza(o, "scrypt", salt, 16, wf, body);
    }
    sodium_memzero(key, sizeof key);
    return rc;
}

uint8_t *sl_age_header_write(const uint8_t file_key[16], const sl_keylist *recipients, const char *pass,
                             size_t pass_len, int log_n, size_t *len)
{
    out_buf o = {0};
    int rc = put(&o, SL_AGE_INTRO, strlen(SL_AGE_INTRO));
    if (recipients)
        for (size_t i = 0; i < recipients->n && rc == 0; i++)
            rc = wrap_x25519(&o, file_key, recipients->keys[i]);
    else
        rc |= wrap_scrypt(&o, file_key, pass, pass_len, log_n);
    rc |= put(&o, "---", 3);
    if (rc == 0) {
        uint8_t key[32], mac[32];
        sl_hkdf_sha256(key, 32, file_key, 16, NULL, 0, "header");
        crypto_auth_hmacsha256(mac, o.p, o.len, key);
        sodium_memzero(key, sizeof key);
        rc = put(&o, " ", 1) | put_b64(&o, mac, 32) | put(&o, "\n", 1);
    }
    if (rc) {
        free(o.p);
        return NULL;
    }
    *len = o.len;
    return o.p;
}

void sl_age_payload_key(uint8_t key[32], const uint8_t file_key[16], const uint8_t nonce[16])
{
    sl_hkdf_sha256(key, 32, file_key, 16, nonce, 16, "payload");
}
