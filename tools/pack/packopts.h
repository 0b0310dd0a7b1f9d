/*
 * packopts.h - the flags of `sluice pack` and `sluice unpack`, parsed
 * into one struct, and the defaults that bound their memory.
 */
#ifndef SLUICE_PACK_PACKOPTS_H
#define SLUICE_PACK_PACKOPTS_H

#include <stddef.h>
#include <stdint.h>

#include "agekey.h"
#include "args.h"

#define SL_PACK_DEFAULT_CHUNK ((size_t)4 << 20)
#define SL_PACK_MAX_CHUNK ((size_t)64 << 20)
#define SL_PACK_DEFAULT_LEVEL 3
#define SL_PACK_SCRYPT_LOG_N 18 /* age's default work factor */
#define SL_UNPACK_DEFAULT_WINDOW_LOG 27 /* zstd -d's default limit: 128 MiB */
#define SL_UNPACK_MAX_WINDOW_LOG 31     /* the format's largest window, 2 GiB */

typedef struct sl_pack_opts {
    const char *in, *out;
    int force, stats, quiet;
    int no_fsync; /* --no-fsync: link the output into place without fsyncing it first */
    size_t workers, depth;
    /* pack */
    sl_keylist recipients;
    sl_pass pass;
    int armor, level, scrypt_log_n;
    size_t chunk;
    /* unpack */
    sl_keylist identities;
    int test;
    int no_sparse; /* --no-sparse: write zero runs into an output file instead of leaving holes */
    size_t max_window; /* largest zstd window a streamed frame may need (--memory, --long) */
    int max_log_n;     /* --max-work-factor: the most scrypt work a passphrase file may ask (0: age's 22) */
    int list;          /* --list */
    int range, range_to_end; /* --range OFFSET:LENGTH, or OFFSET: */
    uint64_t range_off, range_len;
    const char *range_spec; /* --range's argument as given (for messages) */
} sl_pack_opts;

/* Each returns -1 to go on, or the exit status (0 after --help, 2 after a
 * usage error, which it has reported). */
int sl_pack_opts_parse(sl_pack_opts *o, int argc, char **argv);
int sl_unpack_opts_parse(sl_pack_opts *o, int argc, char **argv);
void sl_pack_opts_free(sl_pack_opts *o);
/* `sluice pack` with -d (as zstd -d, for tar -I): runs unpack with the
 * arguments and returns its exit status; -1 without -d. */
int sl_pack_unpack_main(int argc, char **argv);

/* Big buffers come from the heap and are reused rather than mapped and
 * unmapped for each chunk (see docs/formats/pack.md, "Memory"). */
void sl_tool_tune_malloc(void);

#endif
