/*
 * session.h - one run of `sluice pack` or `sluice unpack`, from parsed
 * flags to exit status: the input, the output (never left half-written),
 * the progress bar, the first-error record and --stats.  pack.c and
 * unpack.c keep only what differs between them: their pipelines.
 */
#ifndef SLUICE_PACK_SESSION_H
#define SLUICE_PACK_SESSION_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>

#include "args.h"
#include "packopts.h"
#include "outfile.h"
#include "progress.h"
#include "sluice/sluice.h"

typedef struct sl_pack_session {
    const char *cmd; /* "pack" or "unpack": the prefix of every message */
    sl_pack_opts o;
    sl_fail fail;
    int in_fd;
    int in_stdin; /* in_fd is standard input ("-" or no IN), not a named file that was given fd 0 */
    const char *in_name;
    uint64_t in_size; /* 0 unless the input is a regular file */
    /* The input's stat if it is a regular file (else st_mode is 0).  A
     * named one (in_named_file, not stdin) gives an output file its
     * permission bits, owner and mtime, as zstd does (keep_meta, once
     * the output is known to be a file of its own, not stdout, a device
     * or a FIFO). */
    struct stat in_st;
    int in_named_file, keep_meta;
    sl_outfile out; /* a temporary file renamed into place, stdout, or a device */
    char *out_path;
    int writing;
    /* A regular file's output (unless --no-sparse): sl_session_pwrite
     * leaves all-zero blocks as holes, and the finish sets the file's
     * size to out_end, the end of the furthest write. */
    int sparse;
    _Atomic uint64_t out_end;
    sl_metrics *m[2];      /* the two pipelines' metrics, for --stats */
    const char *m_name[2]; /* their names in the JSON */
    int m_used;            /* how many of them ran */
    sl_metrics *progress;  /* no stages: feeds the progress bar */
    sl_progress_bar *bar;
} sl_pack_session;

/* The commands (cli/main.c runs them): `pack -d` hands its arguments
 * over to unpack, as zstd -d does. */
int sl_pack_main(int argc, char **argv);
int sl_unpack_main(int argc, char **argv);

typedef int (*sl_pack_parse_fn)(sl_pack_opts *o, int argc, char **argv);

/* Initialises libsodium, parses the flags, allocates the metrics.
 * Returns -1 to go on, or the exit status to return at once. */
int sl_session_begin(sl_pack_session *s, const char *cmd, sl_pack_parse_fn parse, int argc, char **argv);
/* Opens the input (a file, or stdin for none or "-").  0 or -1 (recorded). */
int sl_session_open_input(sl_pack_session *s);
/* Opens the output at `path` (malloc'd; the session owns it).  From a
 * named regular file to a file, the output is written with mode 0600
 * and gets the input's mode, owner and mtime at the finish, before it is
 * linked into place (keep_meta). */
int sl_session_open_output(sl_pack_session *s, char *path);
/* Writes n bytes of output (nothing under --test) and counts them for the
 * progress bar.  0, or -1 (recorded) on a write error. */
int sl_session_write(sl_pack_session *s, const uint8_t *p, size_t n);
/* Writes n bytes at offset `at` of the output file (a regular file, from
 * any thread, beside the stdio stream): how workers put verified pieces
 * in place.  Each byte of the file must be written at most once: zero
 * blocks are skipped (left as holes in the fresh file, see SPARSE_BLOCK
 * in session.c) unless --no-sparse.  0, or -1 (recorded). */
int sl_session_pwrite(sl_pack_session *s, const uint8_t *p, size_t n, uint64_t at);
/* After `done` bytes of output: every SL_SESSION_WRITEBACK_STEP, starts
 * the disk's writeback of what is written (sync_file_range), so that the
 * fsync before the output is linked into place has little left to wait
 * for.  *synced: the caller's record of where it last did. */
#define SL_SESSION_WRITEBACK_STEP ((uint64_t)64 << 20)
void sl_session_writeback(sl_pack_session *s, uint64_t done, uint64_t *synced);
/* Starts the progress bar (unless -q) over `total` bytes (0: unknown). */
void sl_session_progress(sl_pack_session *s, const char *label, uint64_t total);
/* A pipeline with the -j workers and --depth of the flags; ordered: the
 * sink sees items in source order. */
sl_pipeline *sl_session_pipeline(sl_pack_session *s, const sl_pipeline_ops *ops, void *ctx, sl_metrics *m, int ordered);
/* Record "IN: out of memory", naming the input as every message does;
 * the second says that the pipelines' threads could not all start (or
 * memory ran out under them), what -j asks, and that a smaller one may
 * do.  Both return -1. */
int sl_session_nomem(sl_pack_session *s);
int sl_session_threads_failed(sl_pack_session *s);
/* Ends the run: commits the output if rc is 0 (first giving a sparse
 * file its whole size, should it end in a hole, then the input's mode,
 * owner and mtime under keep_meta), else removes it; stops
 * the progress bar.  Returns rc, or -1 if the commit failed. */
int sl_session_finish(sl_pack_session *s, int rc);
/* Prints the error (or --stats), frees everything; returns the exit status. */
int sl_session_end(sl_pack_session *s);

#endif
