/*
 * outfile.c - an unnamed temporary file, linked into place at commit.
 *
 * The one idea: a file opened with O_TMPFILE exists only as long as it is
 * open, so whatever kills the process, nothing is left; commit gives it a
 * name with linkat(2).  linkat never replaces a file, so replacing one
 * (force) links it beside the destination and renames it over.  Where
 * O_TMPFILE is refused, the file is named from the start, as it always
 * was, and a fatal signal's handler unlinks it: the handler may only do
 * async-signal-safe work, so the open temporary files live in a fixed
 * table of pointers to entries (a held descriptor of the file's directory
 * and its name there) that it reads and unlinkat()s - by the directory,
 * so that a path longer than PATH_MAX or a directory renamed since still
 * finds the file.  An entry is published with an atomic store once it is
 * complete, before the file is created (a signal in between would leave
 * the file behind), and cleared before it is freed.  While the create is
 * under way the name may still be another writer's (O_EXCL or linkat then
 * fail with EEXIST), so a signal that comes then is only noted, and acted
 * on (files removed, the signal raised again) once the create has ended:
 * the handler removes only files this process made.  An entry also
 * records the process that made it: a forked child, which inherits the
 * table, never removes the temporary files its parent is still writing.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#define SL_OUTFILE_SLOTS 64

/* A named temporary file, for the signal handler: its name in dir, a
 * descriptor of its directory held open while the entry is published
 * (AT_FDCWD: name is the whole path, for the moment a replaced file's
 * link exists); the process that made the entry; and whether the file is
 * this process's: T_CREATING while the create (O_EXCL open, or linkat) is
 * under way and the name may be another writer's, T_OURS once it made the
 * file. */
enum { T_CREATING = 1, T_OURS = 2 };
struct sl__outfile_entry {
    int dir;
    const char *name;
    pid_t pid;
    atomic_int state;
};
typedef struct sl__outfile_entry temp_entry;

static _Atomic(const temp_entry *) pending[SL_OUTFILE_SLOTS];
static atomic_int handlers_installed;
/* A fatal signal that came while a create was under way: acted on when it ends. */
static atomic_int deferred_sig;

/* This process's id, kept (getpid is a system call per file) and
 * forgotten in a forked child. */
static atomic_int self_pid;

static void forget_pid(void)
{
    atomic_store_explicit(&self_pid, 0, memory_order_relaxed);
}

static pid_t my_pid(void)
{
    int me = atomic_load_explicit(&self_pid, memory_order_relaxed);
    if (!me)
        atomic_store_explicit(&self_pid, me = (int)getpid(), memory_order_relaxed);
    return (pid_t)me;
}

/* Removes the named temporary files this process made (async-signal-safe).
 * 0, removing nothing, while one of its creates is under way, unless
 * `now`: then the files already made go, and a create under way leaves
 * what it makes. */
static int unlink_ours(int now)
{
    pid_t me = getpid(); /* not my_pid: a handler may run before a child's atfork */
    for (int i = 0; !now && i < SL_OUTFILE_SLOTS; i++) {
        const temp_entry *t = atomic_load(&pending[i]);
        if (t && t->pid == me && atomic_load(&t->state) == T_CREATING)
            return 0;
    }
    for (int i = 0; i < SL_OUTFILE_SLOTS; i++) {
        const temp_entry *t = atomic_load(&pending[i]);
        if (t && t->pid == me && atomic_load(&t->state) == T_OURS)
            unlinkat(t->dir, t->name, 0);
    }
    return 1;
}

static void on_fatal_signal(int sig)
{
    int saved = errno;
    /* Stored before the look at the table: a create ending now sees it.
     * A second fatal signal while the first waits for a create acts at
     * once: a create that never returns (a hung NFS or FUSE mount) would
     * otherwise leave only SIGKILL (review20 M1). */
    int earlier = atomic_exchange(&deferred_sig, sig);
    if (unlink_ours(earlier != 0)) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    errno = saved; /* where the raise is delivered after the return (ThreadSanitizer defers it), or deferred */
}

/* A fatal signal came during a create, which has now ended: what the
 * handler left undone.  Another thread's create still under way ends in a
 * moment and comes here too. */
static void act_on_deferred(int sig)
{
    while (!unlink_ours(0))
        sched_yield();
    signal(sig, SIG_DFL);
    kill(getpid(), sig); /* to the process: this thread may block the signal, the handler's did not */
}

static void install_handlers(void)
{
    if (atomic_exchange(&handlers_installed, 1))
        return;
    pthread_atfork(NULL, NULL, forget_pid);
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

static int claim_slot(const temp_entry *t)
{
    for (int i = 0; i < SL_OUTFILE_SLOTS; i++) {
        const temp_entry *expected = NULL;
        if (atomic_compare_exchange_strong(&pending[i], &expected, t))
            return i;
    }
    return -1; /* more temp files than slots: still correct, just not signal-cleaned */
}

static void release_slot(int slot)
{
    if (slot >= 0)
        atomic_store(&pending[slot], NULL);
}

static void (*create_hook)(int after, int dirfd, const char *name);

void sl__outfile_create_hook(void (*fn)(int after, int dirfd, const char *name))
{
    create_hook = fn;
}

/* Publishes ent (dirfd, name; T_CREATING) for a create about to be tried:
 * its slot, or -1. */
static int begin_create(temp_entry *ent, int dirfd, const char *name)
{
    int sig = atomic_load(&deferred_sig);
    if (sig) /* a fatal signal waits for another thread's create: none begun after it (review20 L1) */
        act_on_deferred(sig);
    ent->dir = dirfd;
    ent->name = name;
    ent->pid = my_pid();
    atomic_store_explicit(&ent->state, T_CREATING, memory_order_relaxed); /* published by claim_slot */
    int slot = claim_slot(ent);
    if (create_hook)
        create_hook(0, dirfd, name);
    return slot;
}

/* Ends the create begun on ent (in *slot): made, the file is ours; else
 * the entry is withdrawn (*slot -1).  Then acts on a fatal signal that came
 * meanwhile.  Keeps errno. */
static void end_create(temp_entry *ent, int *slot, int made)
{
    int e = errno;
    if (create_hook)
        create_hook(1, ent->dir, ent->name);
    if (made) {
        atomic_store(&ent->state, T_OURS);
    } else {
        release_slot(*slot);
        *slot = -1;
    }
    int sig = atomic_load(&deferred_sig);
    if (sig)
        act_on_deferred(sig);
    errno = e;
}

static void release(sl_outfile *o)
{
    release_slot(o->slot);
    o->slot = -1;
    if (o->entry) {
        close(o->entry->dir);
        free(o->entry);
        o->entry = NULL;
    }
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

static atomic_int named_only;

void sl__outfile_named_only(int on)
{
    atomic_store(&named_only, on);
}

/* The last component of path: what names it in its directory's descriptor. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* What names path in dirfd: the whole path for AT_FDCWD, else its last
 * component (dirfd is then path's directory). */
static const char *at_name(int dirfd, const char *path)
{
    return dirfd == AT_FDCWD ? path : base_name(path);
}

/* Writes PATH.tmp-XXXXXXXX into tmp (at least strlen(path) + 24 bytes):
 * the X a per-process sequence mixed with the pid, so names rarely clash
 * and a clash (O_EXCL, or EEXIST from linkat) only costs a retry.  A file
 * name too long to take the 13 bytes more (over NAME_MAX - 13) is cut
 * short in the temporary name, which must fit in its directory too:
 * replacing a 243-255 byte name failed with ENAMETOOLONG. */
static void temp_name(const char *path, char *tmp, size_t cap)
{
    static atomic_uint seq;
    unsigned me = (unsigned)my_pid();
    unsigned x = atomic_fetch_add(&seq, 1) * 2654435761u ^ me * 40503u;
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t keep = strlen(path), most = NAME_MAX - sizeof ".tmp-XXXXXXXX" + 1;
    if (keep - (size_t)(base - path) > most)
        keep = (size_t)(base - path) + most;
    snprintf(tmp, cap, "%.*s.tmp-%08x", (int)keep, path, x);
}

/* Creates a named temporary file exclusively in dirfd, with `mode` less
 * the umask, as open(2) applies it: no umask(2) round trip, which would
 * race with other threads creating files, and no fchmod.  O_EXCL refuses
 * an existing file or symlink.  The signal handler's entry (*ent, in
 * *slot) is published before each try, so that a signal at any moment
 * finds the file, and withdrawn when the try fails (a signal during the
 * try waits for its end: the name may be another writer's).  Returns the
 * descriptor, or -1 with errno set (*slot then -1); the name is left in
 * tmp. */
static int create_temp_at(int dirfd, const char *path, char *tmp, size_t cap, unsigned mode, temp_entry *ent,
                          int *slot)
{
    for (int tries = 0; tries < 100; tries++) {
        temp_name(path, tmp, cap);
        *slot = begin_create(ent, dirfd, at_name(dirfd, tmp));
        int fd = openat(dirfd, ent->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
        end_create(ent, slot, fd >= 0);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

/* The directory path names its file in, into dir: 0, or -1 with errno
 * ENAMETOOLONG. */
static int dir_of(const char *path, char dir[PATH_MAX])
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        if ((size_t)(slash - path) >= PATH_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = 0;
    }
    return 0;
}

/* A descriptor (O_PATH) of path's directory, or -1 with errno set. */
static int open_dir_of(const char *path)
{
    char dir[PATH_MAX];
    return dir_of(path, dir) ? -1 : open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* An unnamed file in path's directory, with `mode` less the umask, or -1
 * (the file system or the kernel has no O_TMPFILE, or tests asked for
 * the named kind). */
static int open_unnamed(const char *path, unsigned mode)
{
#ifdef O_TMPFILE
    if (atomic_load(&named_only)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    char dir[PATH_MAX];
    if (dir_of(path, dir))
        return -1;
    return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
#else
    (void)path;
    (void)mode;
    return -1;
#endif
}

/* Set once linkat(AT_EMPTY_PATH) has been refused (it needs
 * CAP_DAC_READ_SEARCH before Linux 6.10): then /proc/self/fd only. */
static atomic_int empty_path_refused;

/* Gives the unnamed file behind fd the name `to`, which must be free:
 * by the descriptor itself (AT_EMPTY_PATH) where the kernel allows it,
 * else through /proc/self/fd, which needs no privilege.  AT_EMPTY_PATH
 * first: the /proc path costs a walk through procfs on every file
 * (linkat 11.7 us there against 7.0 us, 18 directories deep on tmpfs).
 * 0, or -1 with errno set (EEXIST: taken). */
static int link_unnamed_at(int fd, int dirfd, const char *to)
{
    if (!atomic_load_explicit(&empty_path_refused, memory_order_relaxed)) {
        if (linkat(fd, "", dirfd, to, AT_EMPTY_PATH) == 0)
            return 0;
        if (errno != ENOENT && errno != EPERM)
            return -1; /* EEXIST, ENOSPC...: the name's own answer */
    }
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, dirfd, to, AT_SYMLINK_FOLLOW) == 0) {
        atomic_store_explicit(&empty_path_refused, 1, memory_order_relaxed);
        return 0;
    }
    return -1;
}

static int link_unnamed(int fd, const char *to)
{
    return link_unnamed_at(fd, AT_FDCWD, to);
}

/* Replaces the file at path (its name in dirfd, see at_name) with the
 * unnamed file fd: linked beside it under a temporary name and renamed
 * over it (the only moment a name exists that a SIGKILL could leave
 * behind, so the signal table, which holds whole paths, covers it).
 * 0, or -1 with a message in err. */
static int replace_at(int fd, int dirfd, const char *path, char *err, size_t errlen)
{
    size_t cap = strlen(path) + 24;
    char stackbuf[512], *tmp = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
    int rc = -1, slot = -1;
    temp_entry ent;
    if (tmp)
        install_handlers();
    for (int tries = 0; tmp && tries < 100; tries++) {
        temp_name(path, tmp, cap);
        /* before the name exists: a signal finds it at any moment */
        slot = begin_create(&ent, dirfd, at_name(dirfd, tmp));
        rc = link_unnamed_at(fd, dirfd, ent.name);
        end_create(&ent, &slot, rc == 0);
        if (rc == 0 || errno != EEXIST)
            break;
    }
    if (rc == 0) {
        if (renameat(dirfd, at_name(dirfd, tmp), dirfd, at_name(dirfd, path)) != 0) {
            int saved = errno;
            unlinkat(dirfd, at_name(dirfd, tmp), 0);
            errno = saved;
            rc = -1;
        }
        release_slot(slot);
    }
    if (rc)
        snprintf(err, errlen, "%s: write error: %s", path, tmp ? strerror(errno) : "out of memory");
    if (tmp != stackbuf)
        free(tmp);
    return rc;
}

/* Puts the unnamed file in place as `path`: one link when the name is
 * free; when it is taken and force, a link beside it and a rename over it
 * (the only moment a name exists that a SIGKILL could leave behind, so
 * the signal table covers it).  `taken`: the name was taken a moment ago,
 * so the first link would fail.  0, or -1 with a message in err. */
static int place_unnamed(int fd, const char *path, int force, int taken, char *err, size_t errlen)
{
    if (taken && force)
        errno = EEXIST;
    else if (link_unnamed(fd, path) == 0)
        return 0;
    if (errno != EEXIST || !force) {
        if (errno == EEXIST)
            snprintf(err, errlen, "%s: already exists (use -f to overwrite)", path);
        else
            snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
        return -1;
    }
    return replace_at(fd, AT_FDCWD, path, err, errlen);
}

int sl_outfile_open(sl_outfile *o, const char *path, int force, char *err, size_t errlen)
{
    return sl_outfile_open_mode(o, path, force, 0666, err, errlen);
}

/* The named fallback: PATH.tmp-XXXXXXXX, made in path's directory,
 * which is held open until the commit or abort: the signal handler, and
 * an abort, remove the file there, wherever the directory is by then. */
static int open_named(sl_outfile *o, const char *path, unsigned mode)
{
    size_t cap = strlen(path) + 24;
    int dir = -1;
    if (!(o->tmp = malloc(cap)) || !(o->entry = malloc(sizeof *o->entry))) {
        errno = ENOMEM;
    } else if ((dir = open_dir_of(path)) >= 0) {
        install_handlers();
        int fd = create_temp_at(dir, path, o->tmp, cap, mode, o->entry, &o->slot);
        if (fd >= 0)
            return fd;
    }
    int saved = errno;
    if (dir >= 0)
        close(dir);
    free(o->entry);
    free(o->tmp);
    o->entry = NULL;
    o->tmp = NULL;
    errno = saved;
    return -1;
}

/* Removes the named temporary file, if any, from the directory it was
 * made in. */
static void unlink_named(sl_outfile *o)
{
    if (o->entry)
        unlinkat(o->entry->dir, o->entry->name, 0);
}

/* What stands at an output path, and so how it is written. */
enum { OUT_FILE, OUT_FD, OUT_IN_PLACE, OUT_DIR };

/* The descriptor number d spells (all digits), or -1. */
static int fd_number(const char *d)
{
    if (!*d)
        return -1;
    int n = 0;
    for (; *d; d++) {
        if (*d < '0' || *d > '9' || n > 100000000)
            return -1;
        n = n * 10 + (*d - '0');
    }
    return n;
}

/* The descriptor a name stands for: /dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N; else -1. */
static int fd_name(const char *p)
{
    if (!strcmp(p, "/dev/stdout"))
        return 1;
    if (!strcmp(p, "/dev/stderr"))
        return 2;
    const char *d = !strncmp(p, "/dev/fd/", 8) ? p + 8 : !strncmp(p, "/proc/self/fd/", 14) ? p + 14 : NULL;
    return d ? fd_number(d) : -1;
}

/* The magic link of /proc (a descriptor's link, /proc/self/fd/N) that
 * path leads to through symlinks, copied into out; 0 when path is no
 * such link.  /dev/stdout is a symlink to /proc/self/fd/1; /dev/fd/./1
 * reaches one through a directory link: the file system of the link's
 * own directory tells, not the spelling. */
static int magic_link(const char *path, char *out, size_t cap)
{
    char cur[PATH_MAX], link[PATH_MAX];
    if ((size_t)snprintf(cur, sizeof cur, "%s", path) >= sizeof cur)
        return 0;
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char *slash = strrchr(cur, '/');
        size_t dir = slash ? (size_t)(slash - cur) + 1 : 0;
        char d[PATH_MAX];
        snprintf(d, sizeof d, "%.*s", dir ? (int)dir : 1, dir ? cur : ".");
        struct statfs fs;
        if (statfs(d, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC)
            return (size_t)snprintf(out, cap, "%s", cur) < cap;
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return 0;
        link[n] = 0;
        if (link[0] == '/') {
            memcpy(cur, link, (size_t)n + 1);
        } else {
            if (dir + (size_t)n >= sizeof cur)
                return 0;
            memcpy(cur + dir, link, (size_t)n + 1);
        }
    }
    return 0;
}

/* Classifies path.  OUT_FD (*fd set): a name of one of this process's
 * descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N, or a link that
 * leads to one), written through a duplicate of it - reopened, a file
 * the shell opened to append to would be truncated.  OUT_IN_PLACE: a
 * device, FIFO or socket, or another /proc link, opened and written where
 * it is, as zstd and age do.  OUT_DIR: refused.  OUT_FILE: a regular file,
 * a symlink to one, or nothing, written through a temporary file linked or
 * renamed into place at path (a symlink is replaced, never followed: in a
 * shared directory a planted link must not redirect the write).  Renaming
 * over /dev/stdout itself once replaced the system's symlink with a file. */
static int out_kind(const char *path, int *fd)
{
    *fd = fd_name(path);
    if (*fd >= 0)
        return OUT_FD;
    struct stat st;
    if (stat(path, &st) != 0)
        return OUT_FILE; /* nothing there (or a dangling link): created, with the open's own error if any */
    if (S_ISDIR(st.st_mode))
        return OUT_DIR;
    char magic[PATH_MAX];
    if (!magic_link(path, magic, sizeof magic))
        return S_ISREG(st.st_mode) ? OUT_FILE : OUT_IN_PLACE;
    const char *last = strrchr(magic, '/');
    int n = fd_number(last ? last + 1 : magic);
    struct stat own;
    if (n >= 0 && fstat(n, &own) == 0 && own.st_dev == st.st_dev && own.st_ino == st.st_ino) {
        *fd = n;
        return OUT_FD;
    }
    return OUT_IN_PLACE;
}

int sl_outfile_is_file_path(const char *path)
{
    int fd;
    return path && strcmp(path, "-") && out_kind(path, &fd) == OUT_FILE;
}

/* Opens a device, FIFO, /proc path or descriptor name for writing in place. */
static int open_in_place(sl_outfile *o, const char *path, int kind, int fd, char *err, size_t errlen)
{
    if (kind == OUT_FD) {
        int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (d < 0 || !(o->fp = fdopen(d, "wb"))) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            if (d >= 0)
                close(d);
            return -1;
        }
    } else if (!(o->fp = fopen(path, "wb"))) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    o->stream = 1;
    return 0;
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
    int fdn, kind = out_kind(path, &fdn);
    if (kind == OUT_DIR) {
        snprintf(err, errlen, "%s: is a directory", path);
        return -1;
    }
    if (kind != OUT_FILE)
        return open_in_place(o, path, kind, fdn, err, errlen);
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "%s: already exists (use -f to overwrite)", path);
        return -1;
    }
    o->force = force;
    o->replaces = exists;
    if (!(o->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int fd = open_unnamed(path, mode);
    o->unnamed = fd >= 0;
    if (fd < 0)
        fd = open_named(o, path, mode);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        release(o);
        return -1;
    }
    if (!(o->fp = fdopen(fd, "wb"))) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        unlink_named(o);
        release(o);
        return -1;
    }
    return 0;
}

void sl_outfile_failed(sl_outfile *o, int e)
{
    if (!o->error)
        o->error = e;
}

/* Why the stream's writes failed, or 0: the first failure recorded, else
 * that of the flush now.  A write that failed earlier leaves only the
 * error flag (glibc drops the buffer and goes on), so a flush that
 * succeeds now leaves errno as whatever came before - a stale ENOENT from
 * a lookup once stood for a full disk.  -1: failed, cause unknown. */
static int flush_error(sl_outfile *o)
{
    int flushed = fflush(o->fp) == 0, e = errno;
    if (o->error)
        return o->error;
    if (!flushed)
        return e ? e : -1;
    return ferror(o->fp) ? -1 : 0;
}

static void write_error(char *err, size_t errlen, const char *name, int e)
{
    if (e > 0)
        snprintf(err, errlen, "%s: write error: %s", name, strerror(e));
    else
        snprintf(err, errlen, "%s: write error", name);
}

static int commit_stream(sl_outfile *o, char *err, size_t errlen)
{
    int saved = flush_error(o);
    if (o->stream && fclose(o->fp) != 0 && !saved)
        saved = errno;
    o->fp = NULL;
    if (saved) {
        write_error(err, errlen, o->name, saved);
        return -1;
    }
    return 0;
}

/* rename(2), but without force never over a file that appeared since
 * the open (where the file system can say so: RENAME_NOREPLACE). */
static int rename_into_place(const char *tmp, const char *path, int force)
{
#ifdef RENAME_NOREPLACE
    if (!force) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
            return 0;
        if (errno != EINVAL && errno != ENOSYS)
            return -1;
    }
#else
    (void)force;
#endif
    return rename(tmp, path);
}

int sl_outfile_commit(sl_outfile *o, char *err, size_t errlen)
{
    if (sl_outfile_is_stream(o))
        return commit_stream(o, err, errlen);
    int saved = flush_error(o), placed_err = 0;
    if (!saved && !o->no_fsync && fsync(fileno(o->fp)) != 0)
        saved = errno;
    int bad = saved != 0;
    if (!bad && o->unnamed && place_unnamed(fileno(o->fp), o->path, o->force, o->replaces, err, errlen))
        bad = placed_err = 1; /* the message is in err already */
    struct stat st;
    if (!bad && fstat(fileno(o->fp), &st) == 0) {
        o->dev = (unsigned long long)st.st_dev;
        o->ino = (unsigned long long)st.st_ino;
    }
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (!bad && !o->unnamed && rename_into_place(o->tmp, o->path, o->force) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        if (!placed_err && saved == EEXIST) /* (place_unnamed said why itself) */
            snprintf(err, errlen, "%s: already exists (use -f to overwrite)", o->path);
        else if (!placed_err)
            write_error(err, errlen, o->path, saved);
        unlink_named(o);
        release(o);
        return -1;
    }
    release(o);
    return 0;
}

void sl_outfile_start_writeback(sl_outfile *o)
{
    /* Without the fsync at commit there is nothing to get ahead of: the
     * kernel's flusher writes the pages later, as it does for zstd's own
     * output, and starting it here only puts the disk work on this run. */
    if (!o->fp || sl_outfile_is_stream(o) || o->no_fsync)
        return;
    if (fflush(o->fp) != 0) {
        sl_outfile_failed(o, errno); /* commit reports it: stdio keeps only a flag */
        return;
    }
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
        fclose(o->fp); /* an unnamed file is gone with its last descriptor */
    unlink_named(o);
    release(o);
}

int sl_write_all(int fd, const void *data, size_t len)
{
    for (const char *p = data, *end = p + len; p < end;) {
        ssize_t w = write(fd, p, (size_t)(end - p));
        if (w > 0)
            p += w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            return w < 0 ? errno : ENOSPC;
    }
    return 0;
}

/* write_whole where something other than a regular file may stand at
 * path (out_kind): a directory is refused, a device, FIFO or descriptor
 * name written in place.  Returns 1 when path is free or a regular file
 * (or a symlink, replaced), else the result of the write (0 or -1). */
static int write_whole_special(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    int fd, kind = out_kind(path, &fd);
    if (kind == OUT_FILE)
        return 1;
    if (kind == OUT_DIR) {
        snprintf(err, errlen, "%s: is a directory", path);
        return -1;
    }
    sl_outfile o;
    memset(&o, 0, sizeof o);
    o.slot = -1;
    o.name = path;
    if (open_in_place(&o, path, kind, fd, err, errlen) != 0)
        return -1;
    if (len && fwrite(data, 1, len, o.fp) != len) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
        sl_outfile_abort(&o);
        return -1;
    }
    return sl_outfile_commit(&o, err, errlen);
}

/* The named fallback of write_whole: PATH.tmp-XXXXXXXX made in dirfd,
 * path's directory, and renamed over the name there. */
static int named_in(int dirfd, const char *path, const void *data, size_t len, int durable, char *err, size_t errlen)
{
    size_t n = strlen(path);
    char stackbuf[512], *tmp = n + 24 <= sizeof stackbuf ? stackbuf : malloc(n + 24);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    install_handlers();
    temp_entry ent;
    int slot;
    int fd = create_temp_at(dirfd, path, tmp, n + 24, 0666, &ent, &slot);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        if (tmp != stackbuf)
            free(tmp);
        return -1;
    }
    int saved = sl_write_all(fd, data, len);
    if (!saved && durable && fsync(fd) != 0)
        saved = errno;
    if (close(fd) != 0 && !saved)
        saved = errno;
    if (!saved && renameat(dirfd, at_name(dirfd, tmp), dirfd, at_name(dirfd, path)) != 0)
        saved = errno;
    if (saved) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(saved));
        unlinkat(dirfd, at_name(dirfd, tmp), 0);
    }
    release_slot(slot);
    if (tmp != stackbuf)
        free(tmp);
    return saved ? -1 : 0;
}

/* The named fallback of write_whole, in a descriptor of path's
 * directory: the signal handler finds the temporary file there even
 * if the directory is renamed meanwhile. */
static int write_whole_named(const char *path, const void *data, size_t len, int durable, char *err, size_t errlen)
{
    int special = write_whole_special(path, data, len, err, errlen);
    if (special != 1)
        return special;
    int dir = open_dir_of(path);
    if (dir < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    int rc = named_in(dir, path, data, len, durable, err, errlen);
    close(dir);
    return rc;
}

/* The bytes of the unnamed file fd (len of them, from its start), for a
 * name that turned out to hold a device or FIFO: malloc'd, or NULL with a
 * message. */
static char *read_back(int fd, size_t len, const char *path, char *err, size_t errlen)
{
    char *buf = malloc(len ? len : 1);
    size_t got = 0;
    while (buf && got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: write error: %s", path, n < 0 ? strerror(errno) : "staged file cut short");
            free(buf);
            return NULL;
        }
        got += (size_t)n;
    }
    if (!buf)
        snprintf(err, errlen, "%s: out of memory", path);
    return buf;
}

/* Links the unnamed file fd (its len bytes written) as path, then closes
 * it.  Only when the name is taken (EEXIST) is path looked at: a regular
 * file is replaced, a directory refused, a device or FIFO written in
 * place with data (NULL: read back from fd, which must be readable). */
static int publish_unnamed(int fd, int dirfd, const char *path, const void *data, size_t len, char *err,
                           size_t errlen)
{
    const char *name = at_name(dirfd, path);
    int rc = 0;
    if (link_unnamed_at(fd, dirfd, name) != 0) {
        int e = errno;
        struct stat st;
        if (e != EEXIST) {
            snprintf(err, errlen, "%s: write error: %s", path, strerror(e));
            rc = -1;
        } else if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
            rc = replace_at(fd, dirfd, path, err, errlen);
        } else {
            char *back = data ? NULL : read_back(fd, len, path, err, errlen);
            int special = data || back ? write_whole_special(path, data ? data : back, len, err, errlen) : -1;
            rc = special != 1 ? special : replace_at(fd, AT_FDCWD, path, err, errlen);
            free(back);
        }
    }
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* The unnamed file fd, just made in path's directory, filled with data
 * and given path's name there (dirfd, see at_name); only when the name is
 * taken is it looked at: a regular file is replaced (a link beside it,
 * renamed over), anything else goes through write_whole_special (a
 * directory refused, a device or FIFO written in place, a symlink
 * replaced).  Closes fd.  0, or -1 with a message in err. */
static int write_unnamed(int fd, int dirfd, const char *path, const void *data, size_t len, int durable, char *err,
                         size_t errlen)
{
    int saved = sl_write_all(fd, data, len);
    if (!saved && durable && fsync(fd) != 0)
        saved = errno;
    if (saved) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(saved));
        close(fd);
        return -1;
    }
    return publish_unnamed(fd, dirfd, path, data, len, err, errlen);
}

/* An unnamed file is written first and linked as path; only when the
 * name is taken (EEXIST) is path looked at: a regular file is replaced
 * (a link beside it, renamed over), a directory refused, a device or
 * FIFO written in place.  A batch of new files - the common case, a
 * site written afresh - so costs no stat(2) per file. */
int sl_outfile_write_whole(const char *path, const void *data, size_t len, int durable, char *err, size_t errlen)
{
    int fd = open_unnamed(path, 0666);
    if (fd < 0)
        return write_whole_named(path, data, len, durable, err, errlen);
    return write_unnamed(fd, AT_FDCWD, path, data, len, durable, err, errlen);
}

/* The named fallback of write_whole_at: anything but a regular file at
 * the name goes to write_whole_named, which looks at it through path. */
static int write_whole_named_at(int dirfd, const char *path, const void *data, size_t len, int durable, char *err,
                                size_t errlen)
{
    struct stat st;
    if (fstatat(dirfd, base_name(path), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
        return write_whole_named(path, data, len, durable, err, errlen);
    return named_in(dirfd, path, data, len, durable, err, errlen);
}

/* write_whole relative to the directory's descriptor: one name resolved
 * per call (openat of ".", linkat to the name) where the whole path was
 * walked twice.  A taken name that holds a regular file is replaced here;
 * anything else there (a directory, a device, a FIFO, a symlink) goes the
 * way write_whole sends it, through path. */
int sl_outfile_write_whole_at(int dirfd, const char *path, const void *data, size_t len, int durable, char *err,
                              size_t errlen)
{
    const char *name = base_name(path);
    if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
        return sl_outfile_write_whole(path, data, len, durable, err, errlen); /* names no file: its message */
    int fd = -1;
#ifdef O_TMPFILE
    if (!atomic_load(&named_only))
        fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
#endif
    if (fd < 0)
        return write_whole_named_at(dirfd, path, data, len, durable, err, errlen);
    return write_unnamed(fd, dirfd, path, data, len, durable, err, errlen);
}

int sl_outfile_stage_at(int dirfd, const char *path, const void *data, size_t len)
{
    const char *name = base_name(path);
    int fd = -1;
#ifdef O_TMPFILE
    if (*name && strcmp(name, ".") && strcmp(name, "..") && !atomic_load(&named_only))
        fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
#endif
    if (fd >= 0 && sl_write_all(fd, data, len) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int sl_outfile_publish_at(int fd, int dirfd, const char *path, size_t len, int durable, char *err, size_t errlen)
{
    if (durable && fsync(fd) != 0) {
        snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return publish_unnamed(fd, dirfd, path, NULL, len, err, errlen);
}
