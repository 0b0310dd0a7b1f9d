/*
 * session.c - the parts of a pack or unpack run that are the same for both.
 *
 * Order matters at the end: the output is committed (renamed into place)
 * only after every stage finished without error, and the progress bar is
 * cleared before the one error line or the --stats JSON is printed.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block.h"
#include "infile.h"

int sl_session_begin(sl_pack_session *s, const char *cmd, sl_pack_parse_fn parse, int argc, char **argv)
{
    memset(s, 0, sizeof *s);
    s->cmd = cmd;
    s->in_fd = -1;
    sl_fail_init(&s->fail);
    if (sodium_init() < 0) {
        fprintf(stderr, "sluice %s: cannot initialise libsodium\n", cmd);
        return 1;
    }
    int rc = parse(&s->o, argc, argv);
    if (rc >= 0) {
        sl_pack_opts_free(&s->o);
        return rc; /* --help (0) or a usage error (2), already reported */
    }
    sl_tool_tune_malloc();
    s->m[0] = sl_metrics_new();
    s->m[1] = sl_metrics_new();
    s->progress = sl_metrics_new();
    if (!s->m[0] || !s->m[1] || !s->progress)
        sl_session_nomem(s);
    return -1;
}

int sl_session_open_input(sl_pack_session *s)
{
    if (!s->o.in || !strcmp(s->o.in, "-")) {
        s->in_fd = 0;
        s->in_stdin = 1;
        s->in_name = "<stdin>";
    } else {
        /* A named input must be a regular file: opening a FIFO would wait
         * for a writer, a device may never end.  A pipe comes in on stdin. */
        char err[512];
        s->in_name = s->o.in;
        s->in_fd = sl_infile_open(s->o.in, err, sizeof err);
        if (s->in_fd < 0) {
            /* --range reads at random: a pipe on standard input is no way round */
            int stream = strstr(err, "not a regular file") && !strstr(err, "directory");
            return sl_fail_set(&s->fail, "%s%s", err,
                               !stream        ? ""
                               : s->o.range ? " (--range needs a regular file, which it can read at random)"
                                            : " (give a pipe or a device on standard input: - < FILE)");
        }
    }
    struct stat st;
    if (fstat(s->in_fd, &st) == 0 && S_ISDIR(st.st_mode))
        return sl_fail_set(&s->fail, "%s: is a directory", s->in_name);
    if (fstat(s->in_fd, &st) == 0 && S_ISREG(st.st_mode)) {
        s->in_size = (uint64_t)st.st_size;
        /* standard input gives nothing, even a file behind it: as zstd */
        s->in_named_file = !s->in_stdin; /* not in_fd != 0: with stdin closed, a named file is fd 0 */
        s->in_st = st;
    }
    return 0;
}

int sl_session_open_output(sl_pack_session *s, char *path)
{
    if (!path)
        return s->fail.set ? -1 : sl_session_nomem(s);
    s->out_path = path; /* s->out.name points into it */
    char err[512];
    /* -f -o IN IN would replace the input with its own compression, as
     * zstd refuses to (a name or a link of the same file, or the file
     * behind standard input) */
    struct stat st;
    if (S_ISREG(s->in_st.st_mode) && sl_outfile_is_file_path(path) && stat(path, &st) == 0 &&
        st.st_dev == s->in_st.st_dev && st.st_ino == s->in_st.st_ino)
        return sl_fail_set(&s->fail, "%s: is the input itself: refusing to overwrite it with its own output", path);
    /* What will get a named input's mode is written as 0600 until then,
     * as zstd does: a 0600 secret is never readable by others meanwhile
     * (the named temporary file, where O_TMPFILE is refused, has a name). */
    if (sl_outfile_open_mode(&s->out, path, s->o.force, s->in_named_file ? 0600 : 0666, err, sizeof err))
        return sl_fail_set(&s->fail, "%s", err);
    s->keep_meta = s->in_named_file && !sl_outfile_is_stream(&s->out);
    s->out.no_fsync = s->o.no_fsync;
    s->writing = 1;
    s->sparse = !s->o.no_sparse && !sl_outfile_is_stream(&s->out);
    return 0;
}

int sl_session_write(sl_pack_session *s, const uint8_t *p, size_t n)
{
    if (s->writing && n && fwrite(p, 1, n, s->out.fp) != n)
        return sl_fail_set(&s->fail, "%s: write error: %s", s->out.name, strerror(errno));
    sl_metrics_progress(s->progress, 0, n);
    return 0;
}

static int pwrite_all(sl_pack_session *s, const uint8_t *p, size_t n, uint64_t at)
{
    int fd = fileno(s->out.fp);
    for (size_t done = 0; done < n;) {
        ssize_t k = pwrite(fd, p + done, n - done, (off_t)(at + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return sl_fail_set(&s->fail, "%s: write error: %s", s->out.name, strerror(k < 0 ? errno : ENOSPC));
        done += (size_t)k;
    }
    return 0;
}

/* Holes are made of whole blocks of the output file of this size, at
 * multiples of it, so that writers of neighbouring pieces agree on them;
 * as zstd -d's 32 KiB: a lone zero page inside data is written, which
 * keeps writes whole and the file's extents few. */
#define SPARSE_BLOCK ((size_t)32 << 10)

/* 1 if p[0..n) is all zero bytes: 64 at a time, so that data which is
 * not zero is told at its first bytes. */
static int all_zero(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint64_t w[8];
        memcpy(w, p + i, sizeof w);
        if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
            return 0;
    }
    for (; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* As zstd -d writes a file: a block (or the part of one that a piece
 * holds) of zeros is skipped, not written, which leaves a hole in the
 * fresh file - no disk space, no page cache, no writeback - where the
 * same zeros would otherwise be written out (a 3 GiB disk image with
 * 30 MiB of data took 100x the disk space and 16-20x the time of
 * zstd -d).  A skipped part of a block that another piece fills is
 * simply still zero there, since every byte is written once. */
int sl_session_pwrite(sl_pack_session *s, const uint8_t *p, size_t n, uint64_t at)
{
    int rc = 0;
    if (!s->sparse) {
        rc = pwrite_all(s, p, n, at);
    } else {
        size_t from = 0; /* p[from..i) is still to write */
        for (size_t i = 0; i < n && rc == 0;) {
            size_t b = SPARSE_BLOCK - (size_t)((at + i) % SPARSE_BLOCK);
            if (b > n - i)
                b = n - i;
            if (all_zero(p + i, b)) {
                rc = from < i ? pwrite_all(s, p + from, i - from, at + from) : 0;
                from = i + b;
            }
            i += b;
        }
        if (rc == 0 && from < n)
            rc = pwrite_all(s, p + from, n - from, at + from);
    }
    uint64_t end = at + n, cur = atomic_load_explicit(&s->out_end, memory_order_relaxed);
    while (cur < end && !atomic_compare_exchange_weak_explicit(&s->out_end, &cur, end, memory_order_relaxed,
                                                               memory_order_relaxed))
        ;
    return rc;
}

/* A sparse file that ends in a hole is still short of its size: set it. */
static int sparse_size(sl_pack_session *s)
{
    uint64_t end = atomic_load(&s->out_end);
    int fd = fileno(s->out.fp);
    struct stat st;
    if (fflush(s->out.fp) || fstat(fd, &st) || ((uint64_t)st.st_size < end && ftruncate(fd, (off_t)end)))
        return sl_fail_set(&s->fail, "%s: write error: %s", s->out.name, strerror(errno));
    return 0;
}

void sl_session_writeback(sl_pack_session *s, uint64_t done, uint64_t *synced)
{
    if (!s->writing || sl_outfile_is_stream(&s->out) || done - *synced < SL_SESSION_WRITEBACK_STEP)
        return;
    sl_outfile_start_writeback(&s->out); /* (flushes the stdio stream first) */
    *synced = done;
}

void sl_session_progress(sl_pack_session *s, const char *label, uint64_t total)
{
    s->bar = sl_progress_bar_new(label, total, s->o.quiet ? 0 : -1);
    if (s->bar)
        sl_metrics_on_progress(s->progress, sl_progress_bar_update, s->bar, 100000000);
}

sl_pipeline *sl_session_pipeline(sl_pack_session *s, const sl_pipeline_ops *ops, void *ctx, sl_metrics *m, int ordered)
{
    sl_pipeline_config cfg = {s->o.workers, s->o.depth, ordered, m};
    return sl_pipeline_new(ops, ctx, &cfg);
}

/* The input's name for a message, before the input is open too. */
static const char *input_name(const sl_pack_session *s)
{
    if (s->in_name)
        return s->in_name;
    return s->o.in && strcmp(s->o.in, "-") ? s->o.in : "<stdin>";
}

int sl_session_nomem(sl_pack_session *s)
{
    return sl_fail_set(&s->fail, "%s: out of memory", input_name(s));
}

int sl_session_threads_failed(sl_pack_session *s)
{
    return sl_fail_set(&s->fail, "%s: out of memory or threads: the pipeline of %zu worker%s (-j %zu) could not run; "
                       "try a smaller -j",
                       input_name(s), s->o.workers, s->o.workers == 1 ? "" : "s", s->o.workers);
}

/* As zstd 1.5 gives the file it writes from a file (and gzip before it):
 * the group, then the permission bits (without set-id and sticky), then
 * the owner - so that where a user may give a file away, the bits are
 * right before - and the mtime, the access time being now.  A change the
 * system refuses (another owner, unless root) is left, as zstd leaves
 * it: the file stays as created, 0600 and this user's.  A refused group
 * does not stop the bits, as in zstd's UTIL_setFDStat: the input's group
 * bits then apply to this user's group, which is what zstd leaves (test
 * pack_and_unpack_set_the_bits_zstd_sets_when_the_group_is_refused
 * compares the two).  On the unnamed
 * (or temporary) file after its last write, before it is linked into
 * place: the name never shows other metadata.  A flush that fails is
 * the commit's to report. */
static void keep_input_meta(sl_pack_session *s)
{
    if (fflush(s->out.fp)) {
        sl_outfile_failed(&s->out, errno);
        return;
    }
    int fd = fileno(s->out.fp), refused = 0;
    const struct stat *st = &s->in_st;
    refused |= fchown(fd, (uid_t)-1, st->st_gid);
    refused |= fchmod(fd, st->st_mode & 0777);
    refused |= fchown(fd, st->st_uid, (gid_t)-1);
    struct timespec times[2] = {{.tv_nsec = UTIME_NOW}, st->st_mtim};
    refused |= futimens(fd, times);
    (void)refused;
}

int sl_session_finish(sl_pack_session *s, int rc)
{
    char err[512];
    if (s->writing) {
        if (rc == 0 && s->sparse)
            rc = sparse_size(s);
        if (rc == 0 && s->keep_meta)
            keep_input_meta(s); /* after the last write, which would set the mtime */
        if (rc == 0 && sl_outfile_commit(&s->out, err, sizeof err))
            rc = sl_fail_set(&s->fail, "%s", err);
        else if (rc)
            sl_outfile_abort(&s->out);
        s->writing = 0;
    }
    sl_metrics_progress_done(s->progress);
    if (s->bar)
        sl_progress_bar_finish(s->bar);
    s->bar = NULL;
    /* A pipeline that stopped without a message of its own: the library
     * could not start a thread or grow a channel (SL_NOMEM). */
    if (rc && !s->fail.set && rc == SL_NOMEM)
        sl_session_threads_failed(s);
    else if (rc && !s->fail.set)
        sl_fail_set(&s->fail, "%s: failed (error %d)", input_name(s), rc);
    return rc;
}

static void print_stats(sl_pack_session *s)
{
    fprintf(stderr, "{");
    for (int i = 0; i < s->m_used; i++) {
        fprintf(stderr, "%s\"%s\": ", i ? ", " : "", s->m_name[i]);
        sl_metrics_write_json(s->m[i], stderr);
    }
    fprintf(stderr, "}\n");
}

int sl_session_end(sl_pack_session *s)
{
    if (s->fail.set)
        fprintf(stderr, "sluice %s: %s\n", s->cmd, s->fail.msg);
    else if (s->o.stats)
        print_stats(s);
    if (!s->in_stdin && s->in_fd >= 0)
        close(s->in_fd);
    for (int i = 0; i < 2; i++)
        sl_metrics_free(s->m[i]);
    sl_metrics_free(s->progress);
    sl_pack_opts_free(&s->o);
    free(s->out_path);
    sl_block_pool_drain();
    return s->fail.set ? 1 : 0;
}
