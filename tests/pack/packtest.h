/*
 * packtest.h - what the pack tests that run the commands in-process share:
 * a scratch directory, files in and out of it, age files and identities
 * made with the library's own writer, and sl_unpack_main / sl_pack_main
 * called with an argument list, so that hundreds of cases cost no
 * process start each.
 */
#ifndef SLUICE_TESTS_PACKTEST_H
#define SLUICE_TESTS_PACKTEST_H

#include <stddef.h>
#include <stdint.h>

int sl_pack_main(int argc, char **argv);
int sl_unpack_main(int argc, char **argv);

/* A fresh directory under $TMPDIR (or /tmp); pt_path names a file in it
 * (in one of 8 buffers used in turn: copy a name kept for longer). */
void pt_dir_new(void);
const char *pt_path(const char *name);
/* Removes every file in the directory and the directory. */
void pt_dir_free(void);

void pt_write(const char *name, const void *data, size_t len);
/* The whole file (malloc'd, *len set), or NULL if it does not exist. */
uint8_t *pt_read(const char *name, size_t *len);
int pt_exists(const char *name);

/* Deterministic bytes that compress well: short runs and steps. */
void pt_fill(uint8_t *p, size_t n, uint64_t seed);
/* Deterministic bytes of which about half are noise: compress ~2:1. */
void pt_fill_noisy(uint8_t *p, size_t n, uint64_t seed);

/* An identity file "id.txt" in the directory; its public key in pub. */
void pt_identity(uint8_t pub[32]);
/* An age v1 file to recipient pub whose payload is pt[0..n). */
uint8_t *pt_age_seal(const uint8_t pub[32], const uint8_t *pt, size_t n, size_t *len);
/* The same with `extra` (whole stanzas) before the recipient's stanza,
 * under a valid MAC. */
uint8_t *pt_age_seal_extra(const uint8_t pub[32], const char *extra, const uint8_t *pt, size_t n, size_t *len);

/* Runs `sluice unpack ARGS...` (NULL-terminated) in this process; its
 * exit status. Errors go to stderr as usual. */
int pt_unpack(const char *arg, ...) __attribute__((sentinel));
int pt_pack(const char *arg, ...) __attribute__((sentinel));
/* The same with standard error captured: its first line (without the
 * line end) in msg, which is empty if nothing was printed. */
int pt_unpack_msg(char *msg, size_t cap, const char *arg, ...) __attribute__((sentinel));
int pt_pack_msg(char *msg, size_t cap, const char *arg, ...) __attribute__((sentinel));
/* Runs `sluice unpack ARGS...` with standard output captured in memory:
 * returns what it wrote (*len bytes, in a buffer that the next call
 * reuses) and its status in *rc.  The capture file and the buffer are
 * kept across calls, so a sweep of many runs pays its page faults once. */
const uint8_t *pt_unpack_stdout(int *rc, size_t *len, const char *arg, ...) __attribute__((sentinel));
const uint8_t *pt_pack_stdout(int *rc, size_t *len, const char *arg, ...) __attribute__((sentinel));
/* Runs `sluice unpack ARGS...` with `data` fed to its standard input
 * through a pipe (by a thread, which stops when unpack stops reading) and
 * its standard output captured as pt_unpack_stdout does. */
const uint8_t *pt_unpack_piped(const uint8_t *data, size_t n, int *rc, size_t *len, const char *arg, ...)
    __attribute__((sentinel));

/* Runs a peer program (zstd, age) from $PATH with argv (NULL-ended), its
 * standard output into the file `out` of the directory (or inherited if
 * NULL); its exit status, or -1 if it could not run or died by a signal. */
int pt_spawn(const char *out, const char *const argv[]);
/* Whether zstd's own decoder (libzstd, frame after frame, skippable frames
 * skipped as `zstd -d` does) turns z[0..zn) into exactly want[0..wn). */
int pt_zstd_decodes_to(const uint8_t *z, size_t zn, const uint8_t *want, size_t wn);
/* Whether no file whose name starts with `prefix` is in the directory: no
 * output and no temporary beside it. */
int pt_none_named(const char *prefix);

#endif
