/*
 * outfile.h - output files that appear whole or not at all.
 *
 * sl_outfile_open writes to a temporary file in the destination's
 * directory that has no name (O_TMPFILE); sl_outfile_commit flushes,
 * fsyncs and links it into place (or, replacing a file, links it beside
 * the destination and renames it over), and sl_outfile_abort drops it.
 * Because it has no name, a process killed in any way (SIGKILL, the OOM
 * killer, a power cut) leaves nothing behind.  Where the file system
 * refuses O_TMPFILE, the temporary file is named PATH.tmp-XXXXXXXX
 * instead and removed on SIGINT, SIGTERM or SIGHUP (from the directory it
 * was made in, held open: also when that was renamed meanwhile or the
 * path is longer than PATH_MAX); only a SIGKILL (or a power cut) can then
 * leave it behind.  The handler removes only files this process made: not
 * another writer's of the same name, nor, in a child forked (fork(2), whose
 * atfork handlers reset the process id kept) while the parent writes, the
 * parent's.
 * Path "-" (or NULL) means standard output, which cannot be taken back;
 * an existing device or FIFO (/dev/null, a named pipe) is written in place,
 * since renaming over it would replace it with a regular file.
 */
#ifndef SLUICE_TOOLS_OUTFILE_H
#define SLUICE_TOOLS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct sl_outfile {
    FILE *fp;         /* write here */
    const char *name; /* the destination as given, or "<stdout>" */
    char *path;       /* the destination, NULL for stdout */
    char *tmp;        /* the named temporary file; NULL for stdout and an unnamed one */
    struct sl__outfile_entry *entry; /* tmp's directory (held open) and name there, for cleanup; or NULL */
    int slot;         /* place in the signal-cleanup table, or -1 */
    int stream;       /* a device or FIFO written in place */
    int unnamed;      /* the temporary file is an O_TMPFILE: it gets its name at commit */
    int force;        /* commit may replace an existing destination */
    int replaces;     /* the destination existed at the open */
    int no_fsync;     /* set after the open: commit skips the fsync (see sl_outfile_commit) */
    unsigned long long dev, ino; /* after a commit: the file put at the path (0 for a stream) */
    int error;        /* errno of the first write to fp that failed, 0 if none known (sl_outfile_failed) */
} sl_outfile;

/* Opens `path` for writing through a temporary file (mode 0666 & ~umask,
 * or `mode` with sl_outfile_open_mode).  Refuses an existing destination
 * unless `force`.  Returns 0, or -1 with a message (naming the file) in err. */
int sl_outfile_open(sl_outfile *o, const char *path, int force, char *err, size_t errlen);
int sl_outfile_open_mode(sl_outfile *o, const char *path, int force, unsigned mode, char *err, size_t errlen);
/* 1 when the output is standard output. */
int sl_outfile_is_stdout(const sl_outfile *o);
/* 1 when what is written cannot be taken back: stdout, a device, a FIFO. */
int sl_outfile_is_stream(const sl_outfile *o);
/* 1 when `path` would be written as a file of its own (a regular file, a
 * symlink, which is replaced, or nothing yet); 0 for standard output ("-"),
 * a name of one of this process's descriptors (/dev/stdout, /dev/fd/N),
 * a device, FIFO or socket, or a directory.  For a tool that writes a second
 * file beside the first (OUT.map) and must refuse before writing either. */
int sl_outfile_is_file_path(const char *path);
/* Flushes, syncs and links or renames into place (stdout: flushes),
 * setting dev and ino to the file's (another process may rename its own
 * file over the path at any time after: these say which one this was); with
 * no_fsync set, skips the fsync, as cmark or zstd do: the file is never
 * seen half-written, but a power cut soon after may lose its data.
 * Reports write errors such as a full disk, in which case the temporary
 * file is removed; without force, a destination that appeared since the
 * open is not replaced.  Returns 0, or -1 with a message in err. */
int sl_outfile_commit(sl_outfile *o, char *err, size_t errlen);
/* Starts writing what has been written so far to the disk, without
 * waiting (sync_file_range on Linux; elsewhere nothing), so that commit's
 * fsync has less left to wait for when it comes.  For a large output
 * written in stages.  Nothing for standard output, streams, and with
 * no_fsync set (no fsync to get ahead of). */
void sl_outfile_start_writeback(sl_outfile *o);
/* Records that a write to o->fp failed with errno `e` (the first one
 * counts), for commit's message: stdio keeps only ferror's flag, and by
 * commit errno says something else.  For writers that check ferror or a
 * short fwrite along the way; start_writeback records its own. */
void sl_outfile_failed(sl_outfile *o, int e);
/* Drops the output: closes and removes the temporary file. */
void sl_outfile_abort(sl_outfile *o);

/* Writes `len` bytes as the whole content of `path` in one go, with the
 * same guarantees as open + write + commit (unnamed temporary file, then
 * a link; devices and FIFOs in place; a directory refused; force implied)
 * but with no stdio stream: five system calls for a new regular file
 * (stat, open, write, linkat, close; a replaced file adds a linkat and a
 * rename), plus fsync when `durable`.  durable 0 is
 * the rename alone, as cmark or esbuild write their outputs: never seen
 * half-written by another process, but a power cut may lose the file.
 * For tools that write many small files from buffers they already hold:
 * what stands at path is looked at only when the name is taken (a
 * directory is refused, a device or FIFO written in place, a file
 * replaced), so a new file costs no stat(2).
 * Returns 0, or -1 with a message naming the file in err (the destination
 * untouched). */
int sl_outfile_write_whole(const char *path, const void *data, size_t len, int durable, char *err, size_t errlen);

/* sl_outfile_write_whole for a file whose directory the caller holds open
 * as dirfd (a descriptor of path's directory, O_PATH will do): the
 * temporary file is made in dirfd (O_TMPFILE, or the named fallback) and
 * linked or renamed to path's last component there, so the kernel
 * resolves one name rather than every directory of path again (a page
 * 12 directories deep: 6.7-8.2 us an open against 2.5-4.5).  Same
 * guarantees, errors and messages (path names the file in them); the
 * signal handler finds a named temporary file by its name in dirfd, so
 * dirfd must stay open until the call returns.  What stands at the name,
 * when it is taken and is not a regular file, is dealt with through path
 * as write_whole does.  A path too long for the kernel (PATH_MAX) still
 * works as long as its last component fits a name. */
int sl_outfile_write_whole_at(int dirfd, const char *path, const void *data, size_t len, int durable, char *err,
                              size_t errlen);

/* sl_outfile_write_whole_at in two halves, for a writer whose file must
 * not appear yet (a batch that may still refuse to write anything):
 * stage writes data to an unnamed temporary file in dirfd (O_TMPFILE),
 * which vanishes when closed unpublished, and returns its descriptor;
 * -1 where that cannot be done (no O_TMPFILE there, path names no file,
 * the write failed), no message: the caller keeps data and writes it
 * whole later, which reports what is wrong.  publish links the staged
 * file (fd, len bytes) as path with write_whole_at's guarantees, errors
 * and messages, and closes fd; dirfd must be the one it was staged in.
 * Holding data staged rather than in memory costs a descriptor and no
 * heap. */
int sl_outfile_stage_at(int dirfd, const char *path, const void *data, size_t len);
int sl_outfile_publish_at(int fd, int dirfd, const char *path, size_t len, int durable, char *err, size_t errlen);

/* write(2) all of data to fd, again after EINTR: 0, or the errno of the
 * write that failed (ENOSPC for one that wrote nothing). */
int sl_write_all(int fd, const void *data, size_t len);

/* For tests: 1 makes every later open use the named temporary file, as
 * on a file system without O_TMPFILE; 0 goes back to trying O_TMPFILE. */
void sl__outfile_named_only(int on);
/* For tests: fn(0, dirfd, name) is called just before a named temporary
 * file is created (O_EXCL open, or linkat beside a replaced file) as name
 * in dirfd, its entry already in the signal handler's table; fn(1, ...)
 * just after, whatever came of it, before the entry says so.  NULL (the
 * default): nothing is called. */
void sl__outfile_create_hook(void (*fn)(int after, int dirfd, const char *name));

#endif
