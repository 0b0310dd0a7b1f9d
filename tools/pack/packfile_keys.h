/*
 * packfile_keys.h - opening a packfile with keys already in memory: what
 * `sluice unpack --range` and `--list` use, having parsed -i and
 * --passphrase-file themselves.  The public sl_packfile_open reads its
 * keys from the sl_packfile_key it is given and calls this.
 */
#ifndef SLUICE_PACK_PACKFILE_KEYS_H
#define SLUICE_PACK_PACKFILE_KEYS_H

#include <stddef.h>

#include "agekey.h"
#include "sluice/packfile.h"

typedef struct sl_packfile_keys {
    const sl_keylist *ids; /* X25519 identities, or NULL */
    const char *pass;      /* passphrase, or NULL */
    size_t pass_len;
    int max_log_n;         /* scrypt limit; 0: SL_AGE_SCRYPT_MAX_LOGN */
    /* Asked for a passphrase when the file has a scrypt stanza and pass is
     * NULL (the terminal, for the command): 0 with *pass set, or -1 with
     * why in err.  May be NULL. */
    int (*ask_pass)(void *ctx, const char **pass, size_t *len, char *err, size_t errlen);
    void *ask_ctx;
} sl_packfile_keys;

int sl__packfile_open_keys(sl_packfile **pf, int fd, const char *name, const sl_packfile_keys *keys, char *err,
                           size_t errlen);

#endif
