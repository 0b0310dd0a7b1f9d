/*
 * outfile.c - temporary file + rename, with removal on fatal signals.
 *
 * The signal handler may only do async-signal-safe work, so the paths of
 * open temporary files live in a fixed table of pointers that the handler
 * reads and unlink()s; a slot is published with an atomic store after its
 * string is complete and cleared before the string is freed.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SL_OUTFILE_SLOTS 64

static _Atomic(char *) pending[SL_OUTFILE_SLOTS];
static atomic_int handlers_installed;

static void on_fatal_signal(int sig)
{
    for (int i = 0; i < SL_OUTFILE_SLOTS; i++) {
        char *p = atomic_load(&pending[i]);
        if (p)
            unlink(p);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    if (atomic_exchange(&handlers_installed, 1))
        return;
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        sigaction(sigs[i], NULL, &old);
        if (old.sa_handler != SIG_DFL)
            continue; /* the program or the shell chose otherwise (e.g. nohup) */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static int claim_slot(char *tmp)
{
    for (int i = 0; i < SL_OUTFILE_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&pending[i], &expected, tmp))
            return i;
    }
    return -1; /* more temp files than slots: still correct, just not signal-cleaned */
}

static void release(sl_outfile *o)
{
    if (o->slot >= 0)
        atomic_store(&pending[o->slot], NULL);
    o->slot = -1;
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    o->fp = NULL;
}

int sl_outfile_is_stdout(const sl_outfile *o)
{
    return o->path == NULL && !o->stream;
}

int sl_outfile_is_stream(const sl_outfile *o)
{
    return o->path == NULL;
}

/* Creates PATH.tmp-XXXXXXXX (the X a per-process sequence mixed with the
 * pid) exclusively, with `mode` less the umask, as open(2) applies it: no
 * umask(2) round trip, which would race with other threads creating files,
 * and no fchmod.  O_EXCL refuses an existing file or symlink, so a name
 * someone else guessed only costs a retry.  Returns the descriptor, or -1
 * with errno set; the name is left in tmp (at least strlen(path) + 24). */
static int create_temp(const char *path, char *tmp, size_t cap, unsigned mode)
{
    static atomic_uint seq;
    static atomic_uint pid; /* getpid is a system call per file; a forked child keeps the parent's, and O_EXCL turns a clash into a retry */
    unsigned me = atomic_load(&pid);
    if (!me)
        atomic_store(&pid, me = (unsigned)getpid());
    for (int tries = 0; tries < 100; tries++) {
        unsigned x = atomic_fetch_add(&seq, 1) * 2654435761u ^ me * 40503u;
        snprintf(tmp, cap, "%s.tmp-%08x", path, x);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int sl_outfile_open(sl_outfile *o, const char *path, int force, char *err, size_t errlen)
{
    return sl_outfile_open_mode(o, path, force, 0666, err, errlen);
}

int sl_outfile_open_mode(sl_outfile *o, const char *path, int force, unsigned mode, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (!path || !strcmp(path, "-")) {
        o->fp = stdout;
        o->name = "<stdout>";
        return 0;
    }
    o->name = path;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory", path);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device or a FIFO (/dev/null, a named pipe): write it in place,
         * as zstd and age do.  Renaming a temporary file over it would
         * replace the device with a regular file. */
        if (!(o->fp = fopen(path, "wb"))) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            return -1;
        }
        o->stream = 1;
        return 0;
    }
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "%s: already exists (use -f to overwrite)", path);
        return -1;
    }
    size_t n = strlen(path);
    o->path = strdup(path);
    o->tmp = malloc(n + 24);
    if (!o->path || !o->tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        release(o);
        return -1;
    }
    install_handlers();
    int fd = create_temp(path, o->tmp, n + 24, mode);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        release(o);
        return -1;
    }
    o->slot = claim_slot(o->tmp);
    if (!(o->fp = fdopen(fd, "wb"))) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        release(o);
        return -1;
    }
    return 0;
}

int sl_outfile_commit(sl_outfile *o, char *err, size_t errlen)
{
    if (sl_outfile_is_stream(o)) {
        int bad = fflush(o->fp) != 0 || ferror(o->fp);
        int saved = errno;
        if (o->stream && fclose(o->fp) != 0 && !bad) {
            bad = 1;
            saved = errno;
        }
        o->fp = NULL;
        if (bad) {
            snprintf(err, errlen, "%s: write error: %s", o->name, strerror(saved));
            return -1;
        }
        return 0;
    }
    int bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
    int saved = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        snprintf(err, errlen, "%s: write error: %s", o->path, strerror(saved));
        unlink(o->tmp);
        release(o);
        return -1;
    }
    release(o);
    return 0;
}

void sl_outfile_start_writeback(sl_outfile *o)
{
    if (!o->fp || sl_outfile_is_stream(o) || fflush(o->fp) != 0)
        return; /* a write error shows again at commit */
#ifdef SYNC_FILE_RANGE_WRITE
    (void)sync_file_range(fileno(o->fp), 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
}

void sl_outfile_abort(sl_outfile *o)
{
    if (sl_outfile_is_stream(o)) {
        if (o->fp && o->stream)
            fclose(o->fp);
        else if (o->fp)
            fflush(o->fp);
        o->fp = NULL;
        return;
    }
    if (o->fp)
        fclose(o->fp);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

int sl_outfile_write_whole(const char *path, const void *data, size_t len, int durable, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory", path);
            return -1;
        }
        sl_outfile o; /* a device or FIFO: written in place, through the stream path */
        if (sl_outfile_open(&o, path, 1, err, errlen) != 0)
            return -1;
        if (len && fwrite(data, 1, len, o.fp) != len) {
            snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
            sl_outfile_abort(&o);
            return -1;
        }
        return sl_outfile_commit(&o, err, errlen);
    }
    size_t n = strlen(path);
    char stackbuf[512];
    char *tmp = n + 24 <= sizeof stackbuf ? stackbuf : malloc(n + 24);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    install_handlers();
    int fd = create_temp(path, tmp, n + 24, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        if (tmp != stackbuf)
            free(tmp);
        return -1;
    }
    int slot = claim_slot(tmp);
    int bad = 0, saved = 0;
    for (const char *p = data, *end = p + len; p < end && !bad;) {
        ssize_t w = write(fd, p, (size_t)(end - p));
        if (w > 0)
            p += w;
        else if (w < 0 && errno == EINTR)
            continue;
        else {
            bad = 1;
            saved = w < 0 ? errno : ENOSPC;
        }
    }
    if (!bad && durable && fsync(fd) != 0) {
        bad = 1;
        saved = errno;
    }
    if (close(fd) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(saved));
        unlink(tmp);
    }
    if (slot >= 0)
        atomic_store(&pending[slot], NULL);
    if (tmp != stackbuf)
        free(tmp);
    return bad ? -1 : 0;
}
