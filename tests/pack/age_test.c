/*
 * age_test.c - age headers: what we write parses and unlocks, and every
 * way a header can be wrong is refused with a reason.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ageheader.h"
#include "agekey.h"
#include "check.h"

static int parse_text(const uint8_t *text, size_t n, sl_age_header *h, char *err)
{
    sl_memsrc m = {text, n, 0};
    sl_reader r;
    sl_reader_init(&r, sl_fill_mem, &m, 4096);
    int rc = sl_age_header_parse(&r, h, err, 256);
    sl_reader_free(&r);
    return rc;
}

static void keypair(sl_keylist *ids, sl_keylist *rcpts)
{
    uint8_t sk[32], pk[32];
    randombytes_buf(sk, 32);
    crypto_scalarmult_base(pk, sk);
    sl_keylist_add(ids, sk);
    sl_keylist_add(rcpts, pk);
}

SL_TEST(age_header_for_recipients_unwraps_with_matching_identity_only)
{
    sl_keylist ids = {0}, rcpts = {0}, other = {0}, other_r = {0};
    keypair(&ids, &rcpts);
    keypair(&ids, &rcpts);
    keypair(&other, &other_r);
    uint8_t fk[16], got[16];
    randombytes_buf(fk, 16);
    size_t n;
    uint8_t *h = sl_age_header_write(fk, &rcpts, NULL, 0, 0, &n);
    CHECK(h != NULL);
    sl_age_header hdr;
    char err[256];
    CHECK_EQ(parse_text(h, n, &hdr, err), 0);
    CHECK_EQ(hdr.n, 2);
    sl_keylist second = {0};
    sl_keylist_add(&second, ids.keys[1]);
    CHECK_EQ(sl_age_unwrap(&hdr, &second, NULL, 0, 0, got, err, sizeof err), 0);
    CHECK(!memcmp(fk, got, 16));
    CHECK_EQ(sl_age_unwrap(&hdr, &other, NULL, 0, 0, got, err, sizeof err), -1);
    CHECK(strstr(err, "no identity matched") != NULL);
    CHECK_EQ(sl_age_unwrap(&hdr, NULL, "pw", 2, 0, got, err, sizeof err), -1);
    sl_age_header_free(&hdr);
    /* Any change to the header text breaks the MAC (or the stanza). */
    for (size_t i = 30; i < n; i += 7) {
        h[i] ^= 0x01;
        int rc = parse_text(h, n, &hdr, err);
        if (rc == 0)
            rc = sl_age_unwrap(&hdr, &ids, NULL, 0, 0, got, err, sizeof err);
        CHECK_EQ(rc, -1);
        sl_age_header_free(&hdr);
        h[i] ^= 0x01;
    }
    free(h);
    sl_keylist_free(&ids);
    sl_keylist_free(&rcpts);
    sl_keylist_free(&other);
    sl_keylist_free(&other_r);
    sl_keylist_free(&second);
}

SL_TEST(age_header_for_passphrase_needs_the_right_one)
{
    uint8_t fk[16], got[16];
    randombytes_buf(fk, 16);
    size_t n;
    uint8_t *h = sl_age_header_write(fk, NULL, "secret", 6, 10, &n);
    sl_age_header hdr;
    char err[256];
    CHECK_EQ(parse_text(h, n, &hdr, err), 0);
    CHECK(sl_age_is_scrypt(&hdr));
    CHECK_EQ(sl_age_unwrap(&hdr, NULL, "secret", 6, 0, got, err, sizeof err), 0);
    CHECK(!memcmp(fk, got, 16));
    CHECK_EQ(sl_age_unwrap(&hdr, NULL, "secreT", 6, 0, got, err, sizeof err), -1);
    CHECK(strstr(err, "wrong passphrase") != NULL);
    CHECK_EQ(sl_age_unwrap(&hdr, NULL, NULL, 0, 0, got, err, sizeof err), -1);
    CHECK(strstr(err, "passphrase") != NULL);
    sl_age_header_free(&hdr);
    free(h);
}

static int parse_str(const char *s, char *err)
{
    sl_age_header hdr;
    int rc = parse_text((const uint8_t *)s, strlen(s), &hdr, err);
    sl_age_header_free(&hdr);
    return rc;
}

SL_TEST(age_header_parser_is_strict)
{
    char err[256];
    const char *mac = "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    char buf[512];
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n-> grease x\n\n%s", mac);
    CHECK_EQ(parse_str(buf, err), 0); /* unknown stanza, empty body */
    snprintf(buf, sizeof buf, "age-encryption.org/v2\n%s", mac);
    CHECK_EQ(parse_str(buf, err), -1);
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n->  x\n\n%s", mac); /* empty argument */
    CHECK_EQ(parse_str(buf, err), -1);
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n-> x\nAB\n%s", mac); /* non-canonical body */
    CHECK_EQ(parse_str(buf, err), -1);
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n-> x\n"); /* no MAC */
    CHECK_EQ(parse_str(buf, err), -1);
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n-> x\n\n--- AAAA\n"); /* short MAC */
    CHECK_EQ(parse_str(buf, err), -1);
    snprintf(buf, sizeof buf, "age-encryption.org/v1\r\n-> x\n\n%s", mac); /* CRLF */
    CHECK_EQ(parse_str(buf, err), -1);
}

SL_TEST(age_scrypt_stanza_must_be_alone)
{
    uint8_t fk[16], got[16];
    randombytes_buf(fk, 16);
    size_t n;
    uint8_t *h = sl_age_header_write(fk, NULL, "pw", 2, 10, &n);
    /* Splice an extra stanza in front of the MAC line. */
    const char *extra = "-> grease\n\n";
    char *mac = strstr((char *)h, "---");
    size_t head = (size_t)(mac - (char *)h);
    char *two = malloc(n + strlen(extra) + 1);
    memcpy(two, h, head);
    memcpy(two + head, extra, strlen(extra));
    memcpy(two + head + strlen(extra), h + head, n - head);
    sl_age_header hdr;
    char err[256];
    CHECK_EQ(parse_text((uint8_t *)two, n + strlen(extra), &hdr, err), 0);
    CHECK_EQ(sl_age_unwrap(&hdr, NULL, "pw", 2, 0, got, err, sizeof err), -1);
    CHECK(strstr(err, "only") != NULL);
    sl_age_header_free(&hdr);
    free(two);
    free(h);
}

SL_TEST(age_keys_parse_only_their_own_kind)
{
    uint8_t sk[32], pk[32], back[32];
    randombytes_buf(sk, 32);
    crypto_scalarmult_base(pk, sk);
    char id[SL_AGE_IDENTITY_LEN + 1], rc[SL_AGE_RECIPIENT_LEN + 1];
    sl_agekey_format_identity(id, sk);
    sl_agekey_format_recipient(rc, pk);
    CHECK_EQ(sl_agekey_parse_identity(id, strlen(id), back), 0);
    CHECK(!memcmp(back, sk, 32));
    CHECK_EQ(sl_agekey_parse_recipient(rc, strlen(rc), back), 0);
    CHECK(!memcmp(back, pk, 32));
    CHECK_EQ(sl_agekey_parse_identity(rc, strlen(rc), back), -1);
    CHECK_EQ(sl_agekey_parse_recipient(id, strlen(id), back), -1);
}

/* Kinds of keys and files age reads and sluice does not are named in the
 * message (an outside tester was told "0 X25519 recipients (wrong key?)"
 * for a file encrypted to an SSH key), and X25519 keys are none of them. */
SL_TEST(age_kinds_sluice_does_not_read_are_named)
{
    static const struct { const char *line, *says; } kinds[] = {
        {"-----BEGIN OPENSSH PRIVATE KEY-----", "SSH private key"},
        {"-----BEGIN RSA PRIVATE KEY-----", "SSH private key"},
        {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx me@host", "SSH public key"},
        {"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "SSH public key"},
        {"age-encryption.org/v1", "encrypted identity"},
        {"-----BEGIN AGE ENCRYPTED FILE-----", "encrypted identity"},
        {"AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "plugin identity"},
        {"age1yubikey1q2w3e4r5t6y7u8i9o0p", "plugin recipient"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const char *got = sl_agekey_unsupported(kinds[i].line, strlen(kinds[i].line));
        CHECK(got != NULL && strstr(got, kinds[i].says) != NULL);
    }
    uint8_t sk[32], pk[32];
    randombytes_buf(sk, 32);
    crypto_scalarmult_base(pk, sk);
    char id[SL_AGE_IDENTITY_LEN + 1], rc[SL_AGE_RECIPIENT_LEN + 1];
    sl_agekey_format_identity(id, sk);
    sl_agekey_format_recipient(rc, pk);
    CHECK(sl_agekey_unsupported(id, strlen(id)) == NULL);
    CHECK(sl_agekey_unsupported(rc, strlen(rc)) == NULL);
    /* A header with only an ssh-ed25519 stanza (and grease): the message
     * names the type, not "0 X25519 recipients". */
    const char *mac = "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    char buf[512], err[256];
    snprintf(buf, sizeof buf, "age-encryption.org/v1\n-> ssh-ed25519 AbCdEf ZZZZ\nAAAA\n-> x-grease y\n\n%s", mac);
    sl_age_header hdr;
    CHECK_EQ(parse_text((const uint8_t *)buf, strlen(buf), &hdr, err), 0);
    sl_keylist ids = {0};
    sl_keylist_add(&ids, sk);
    uint8_t file_key[16];
    CHECK_EQ(sl_age_unwrap(&hdr, &ids, NULL, 0, 18, file_key, err, sizeof err), -1);
    CHECK(strstr(err, "only to recipients of type ssh-ed25519,") != NULL);
    sl_keylist_free(&ids);
    sl_age_header_free(&hdr);
}

__attribute__((constructor)) static void init_sodium(void)
{
    if (sodium_init() < 0)
        abort();
}

/* A header made of `count` copies of `stanza` (and the MAC line). */
static char *repeat_header(const char *stanza, size_t count, size_t *len)
{
    const char *mac = "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    size_t sl = strlen(stanza), il = strlen(SL_AGE_INTRO);
    char *h = malloc(il + sl * count + strlen(mac) + 1);
    CHECK(h != NULL);
    memcpy(h, SL_AGE_INTRO, il);
    for (size_t i = 0; i < count; i++)
        memcpy(h + il + i * sl, stanza, sl);
    strcpy(h + il + sl * count, mac);
    *len = strlen(h);
    return h;
}

/* 10,000 X25519 stanzas (980 KB) and one stanza of 15,000 body lines
 * (975 KB) parse with the buffers grown a few dozen times, not once a
 * stanza or a line: the work is linear in the header's size. */
SL_TEST(age_header_parse_work_is_linear_in_its_size)
{
    char err[256];
    size_t n;
    char *h = repeat_header("-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
                            10000, &n);
    CHECK(n > 970000 && n < SL_AGE_MAX_HEADER);
    sl_age_header hdr;
    CHECK_EQ(parse_text((const uint8_t *)h, n, &hdr, err), 0);
    CHECK_EQ(hdr.n, 10000);
    CHECK(hdr.grows <= 64);
    sl_age_header_free(&hdr);
    free(h);

    size_t lines = 15000, k = 0;
    char *body = malloc(lines * 65 + 64);
    k += (size_t)sprintf(body, "-> grease\n");
    for (size_t i = 0; i < lines; i++)
        k += (size_t)sprintf(body + k, "%s\n", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    strcpy(body + k, "AA\n");
    h = repeat_header(body, 1, &n);
    CHECK(n < SL_AGE_MAX_HEADER);
    CHECK_EQ(parse_text((const uint8_t *)h, n, &hdr, err), 0);
    CHECK_EQ(hdr.st[0].body_len, lines * 48 + 1);
    CHECK(hdr.grows <= 64);
    sl_age_header_free(&hdr);
    free(h);
    free(body);
}

/* 100,000 stanzas (9 MB) stop at the limit: refused with why, after
 * reading no more than the limit (and one reader buffer). */
SL_TEST(age_header_past_the_limit_is_refused_after_the_limit)
{
    char err[256];
    size_t n;
    char *h = repeat_header("-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
                            100000, &n);
    sl_memsrc m = {(const uint8_t *)h, n, 0};
    sl_reader r;
    sl_reader_init(&r, sl_fill_mem, &m, 4096);
    sl_age_header hdr;
    CHECK_EQ(sl_age_header_parse(&r, &hdr, err, sizeof err), -1);
    CHECK(strstr(err, "age header: larger than 1024 KiB, the limit") != NULL);
    CHECK(m.pos <= SL_AGE_MAX_HEADER + 4096);
    CHECK(hdr.grows <= 64);
    sl_age_header_free(&hdr);
    sl_reader_free(&r);
    free(h);
}
