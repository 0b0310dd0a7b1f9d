/*
 * keygen.c - `sluice keygen`: a new X25519 identity in age's text form.
 *
 * The file looks exactly like age-keygen's: a creation-time comment, the
 * public key as a comment, and the AGE-SECRET-KEY-1 line; it is created
 * with mode 0600 through a temporary file.  `keygen -y FILE` prints the
 * public key of every identity in FILE.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agekey.h"
#include "outfile.h"

static const char keygen_usage[] = "usage: sluice keygen [-o FILE]\n"
                                   "       sluice keygen -y FILE\n"
                                   "\n"
                                   "Makes a new age X25519 identity (AGE-SECRET-KEY-1...), written with its public\n"
                                   "key (age1...) as a comment to FILE (mode 0600) or stdout.  -y FILE prints the\n"
                                   "public key of each identity in FILE ('-' for stdin).\n";

static int print_public(const char *path)
{
    sl_keylist ids = {0};
    char err[512];
    if (sl_agekey_load_identities(&ids, path, err, sizeof err)) {
        fprintf(stderr, "sluice keygen: %s\n", err);
        return 1;
    }
    for (size_t i = 0; i < ids.n; i++) {
        uint8_t pub[32];
        char text[SL_AGE_RECIPIENT_LEN + 1];
        crypto_scalarmult_base(pub, ids.keys[i]);
        sl_agekey_format_recipient(text, pub);
        printf("%s\n", text);
    }
    sl_keylist_free(&ids);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int generate(const char *path)
{
    uint8_t *secret = sodium_malloc(32);
    char *text = sodium_malloc(SL_AGE_IDENTITY_LEN + 1);
    uint8_t pub[32];
    char pub_text[SL_AGE_RECIPIENT_LEN + 1], when[64], err[512];
    if (!secret || !text) {
        fprintf(stderr, "sluice keygen: out of memory\n");
        return 1;
    }
    randombytes_buf(secret, 32);
    crypto_scalarmult_base(pub, secret);
    sl_agekey_format_identity(text, secret);
    sl_agekey_format_recipient(pub_text, pub);
    sodium_free(secret);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    sl_outfile o;
    int rc = 1;
    if (sl_outfile_open_mode(&o, path, 0, 0600, err, sizeof err) == 0) {
        if (!sl_outfile_is_stdout(&o) || !isatty(1))
            fprintf(stderr, "Public key: %s\n", pub_text);
        fprintf(o.fp, "# created: %s\n# public key: %s\n%s\n", when, pub_text, text);
        rc = sl_outfile_commit(&o, err, sizeof err) ? 1 : 0;
    }
    /* the file layer's hint names a -f that keygen has not: a key is never replaced */
    char *hint = rc ? strstr(err, " (use -f to overwrite)") : NULL;
    if (hint)
        snprintf(hint, sizeof err - (size_t)(hint - err), " (keygen never overwrites a key: remove it first)");
    if (rc)
        fprintf(stderr, "sluice keygen: %s\n", err);
    sodium_free(text);
    return rc;
}

int sl_keygen_main(int argc, char **argv)
{
    static const struct option longs[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    if (sodium_init() < 0) {
        fprintf(stderr, "sluice keygen: cannot initialise libsodium\n");
        return 1;
    }
    const char *out = NULL, *pub_of = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:y:h", longs, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'y': pub_of = optarg; break;
        case 'h': fputs(keygen_usage, stdout); return 0;
        default: fputs(keygen_usage, stderr); return 2;
        }
    }
    if (optind < argc || (out && pub_of)) {
        fputs(keygen_usage, stderr);
        return 2;
    }
    return pub_of ? print_public(pub_of) : generate(out);
}
