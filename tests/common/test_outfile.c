/* test_outfile.c - tools/common/outfile: whole outputs or none, devices in
 * place; each guarantee holds with the unnamed temporary file (O_TMPFILE)
 * and with the named one a file system without O_TMPFILE gets. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "outfile.h"

static char dir[64];

static void fresh_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/sl-outfile-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void cleanup(const char *path)
{
    unlink(path);
    rmdir(dir);
}

/* Runs body twice: with O_TMPFILE (where the file system has it) and
 * with the named temporary file of the fallback. */
#define BOTH_WAYS(body)                                                    \
    do {                                                                   \
        for (int named = 0; named <= 1; named++) {                         \
            sl__outfile_named_only(named);                                 \
            body(named);                                                   \
        }                                                                  \
        sl__outfile_named_only(0);                                         \
    } while (0)

static void appears_whole(int named, int no_fsync)
{
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    CHECK_EQ(o.unnamed, !named); /* this file system (/tmp) has O_TMPFILE */
    o.no_fsync = no_fsync;
    fputs("hello", o.fp);
    CHECK(access(path, F_OK) != 0); /* not under its name until committed */
    CHECK_EQ(entries(), named);     /* only the named temporary file, if any */
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(entries(), 1);
    cleanup(path);
}

static void appears_only_on_commit(int named)
{
    appears_whole(named, 0);
}

SL_TEST(outfile_appears_only_on_commit)
{
    BOTH_WAYS(appears_only_on_commit);
}

/* Writeback started halfway leaves the file as it was being written:
 * what came before and after it, still under the temporary name, and a
 * seek back to rewrite the start (as the SQLite writer does) still lands. */
static void writeback_midway(int named)
{
    (void)named;
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    static char block[1 << 16];
    memset(block, 'a', sizeof block);
    CHECK_EQ(fwrite(block, 1, sizeof block, o.fp), sizeof block);
    sl_outfile_start_writeback(&o);
    CHECK(access(path, F_OK) != 0);
    memset(block, 'b', sizeof block);
    CHECK_EQ(fwrite(block, 1, sizeof block, o.fp), sizeof block);
    sl_outfile_start_writeback(&o);
    CHECK_EQ(fseek(o.fp, 0, SEEK_SET), 0);
    CHECK_EQ(fputc('H', o.fp), 'H');
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char got[2 << 16];
    CHECK_EQ(fread(got, 1, sizeof got, f), sizeof got);
    fclose(f);
    CHECK_EQ(got[0], 'H');
    CHECK(got[1] == 'a' && got[(1 << 16) - 1] == 'a' && got[1 << 16] == 'b' && got[(2 << 16) - 1] == 'b');
    /* on standard output it does nothing */
    sl_outfile s;
    CHECK_EQ(sl_outfile_open(&s, "-", 0, err, sizeof err), 0);
    sl_outfile_start_writeback(&s);
    CHECK_EQ(sl_outfile_commit(&s, err, sizeof err), 0);
    cleanup(path);
}

SL_TEST(outfile_writeback_midway_keeps_everything)
{
    BOTH_WAYS(writeback_midway);
}

static void abort_leaves_nothing(int named)
{
    (void)named;
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    fputs("partial", o.fp);
    sl_outfile_abort(&o);
    CHECK_EQ(entries(), 0);
    cleanup(path);
}

SL_TEST(outfile_abort_leaves_nothing)
{
    BOTH_WAYS(abort_leaves_nothing);
}

static void refuses_existing_without_force(int named)
{
    (void)named;
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("keep me", f);
    fclose(f);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "-f") != NULL);
    CHECK_EQ(sl_outfile_open(&o, path, 1, err, sizeof err), 0);
    fputs("new", o.fp);
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    struct stat st;
    stat(path, &st);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(entries(), 1); /* replaced, nothing left beside it */
    /* a destination that appears between open and commit is not replaced without force */
    unlink(path);
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    fputs("late", o.fp);
    FILE *g = fopen(path, "w");
    fputs("first come", g);
    fclose(g);
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), -1);
    CHECK(strstr(err, "already exists") != NULL);
    stat(path, &st);
    CHECK_EQ(st.st_size, 10);
    CHECK_EQ(entries(), 1);
    cleanup(path);
}

SL_TEST(outfile_refuses_existing_without_force)
{
    BOTH_WAYS(refuses_existing_without_force);
}

SL_TEST(outfile_writes_devices_in_place)
{
    char err[256];
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, "/dev/null", 0, err, sizeof err), 0);
    CHECK_EQ(sl_outfile_is_stream(&o), 1);
    CHECK_EQ(sl_outfile_is_stdout(&o), 0);
    fputs("discarded", o.fp);
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    struct stat st;
    CHECK_EQ(stat("/dev/null", &st), 0);
    CHECK(S_ISCHR(st.st_mode)); /* still the device, not a file renamed over it */
}

SL_TEST(outfile_reports_full_disk)
{
    char err[256];
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, "/dev/full", 0, err, sizeof err), 0);
    for (int i = 0; i < 10000; i++)
        fputs("0123456789", o.fp);
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), -1);
    CHECK(strstr(err, "/dev/full") != NULL);
}

/* A write that failed before commit - here while starting the
 * writeback, past RLIMIT_FSIZE as on a full disk - is what commit
 * reports, though later writes (page 1 of a database, rewritten at
 * offset 0) went through and errno has moved on since: stdio keeps only
 * the error flag, and commit once printed whatever errno held. */
SL_TEST(outfile_commit_reports_the_cause_of_an_earlier_failed_write)
{
    fresh_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/out.db", dir);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit small = {4096, 4096};
        signal(SIGXFSZ, SIG_IGN); /* the write fails with EFBIG instead */
        char err[256] = "";
        sl_outfile o;
        if (setrlimit(RLIMIT_FSIZE, &small) || sl_outfile_open(&o, path, 0, err, sizeof err))
            _exit(3);
        static char iobuf[1 << 16], block[1 << 15];
        setvbuf(o.fp, iobuf, _IOFBF, sizeof iobuf);
        fwrite(block, 1, sizeof block, o.fp); /* buffered: nothing written yet */
        sl_outfile_start_writeback(&o);       /* the write that fails */
        fseek(o.fp, 0, SEEK_SET);
        fwrite("header", 1, 6, o.fp); /* fits under the limit */
        errno = ENOENT;               /* what a lookup since left behind */
        int rc = sl_outfile_commit(&o, err, sizeof err);
        int ok = rc == -1 && strstr(err, path) && strstr(err, "write error: File too large");
        if (!ok)
            fprintf(stderr, "commit %d: %s\n", rc, err);
        _exit(ok ? 0 : 1);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(entries(), 0); /* nothing left */
    rmdir(dir);
}

SL_TEST(outfile_refuses_a_directory)
{
    fresh_dir();
    char err[256];
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, dir, 1, err, sizeof err), -1);
    CHECK(strstr(err, "is a directory") != NULL);
    CHECK_EQ(entries(), 0); /* nothing created inside or beside it */
    rmdir(dir);
}

static void write_whole_replaces_and_honours_umask(int named)
{
    (void)named;
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/page.html", dir);
    mode_t old = umask(027);
    CHECK_EQ(sl_outfile_write_whole(path, "first", 5, 0, err, sizeof err), 0);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_mode & 0777, 0640); /* 0666 less the umask, as open(2) gives */
    CHECK_EQ(sl_outfile_write_whole(path, "second!", 7, 1, err, sizeof err), 0);
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_size, 7);
    CHECK_EQ(entries(), 1); /* no temporary file left beside it */
    sl_outfile o;           /* the stream variant creates with the same mode */
    char path2[160];
    snprintf(path2, sizeof path2, "%s/other.txt", dir);
    CHECK_EQ(sl_outfile_open(&o, path2, 0, err, sizeof err), 0);
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    CHECK_EQ(stat(path2, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0640);
    umask(old);
    unlink(path2);
    /* A name of NAME_MAX bytes is replaced too (its temporary file's name
     * is cut short to fit), by write_whole and by a forced open. */
    char longp[64 + NAME_MAX + 1];
    int at = snprintf(longp, sizeof longp, "%s/", dir);
    memset(longp + at, 'n', NAME_MAX - 5);
    strcpy(longp + at + NAME_MAX - 5, ".html");
    for (int k = 0; k < 3; k++) {
        if (k < 2)
            CHECK_EQ(sl_outfile_write_whole(longp, "abc", 3 + (size_t)k, 0, err, sizeof err), 0);
        else {
            CHECK_EQ(sl_outfile_open(&o, longp, 1, err, sizeof err), 0);
            CHECK_EQ(fwrite("abcdef", 1, 6, o.fp), 6);
            CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
        }
        CHECK_EQ(stat(longp, &st), 0);
        CHECK_EQ(st.st_size, k < 2 ? 3 + k : 6);
        CHECK_EQ(entries(), 2); /* page.html and the long one: no temporary file */
    }
    unlink(longp);
    cleanup(path);
}

SL_TEST(outfile_write_whole_replaces_and_honours_umask)
{
    BOTH_WAYS(write_whole_replaces_and_honours_umask);
}

SL_TEST(outfile_write_whole_refuses_directory_and_names_the_file)
{
    fresh_dir();
    char path[160], err[256];
    CHECK_EQ(sl_outfile_write_whole(dir, "x", 1, 0, err, sizeof err), -1);
    CHECK(strstr(err, dir) != NULL);
    CHECK(strstr(err, "directory") != NULL);
    snprintf(path, sizeof path, "%s/missing/page.html", dir);
    CHECK_EQ(sl_outfile_write_whole(path, "x", 1, 0, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    CHECK_EQ(entries(), 0);
    CHECK_EQ(sl_outfile_write_whole("/dev/null", "x", 1, 0, err, sizeof err), 0); /* in place */
    struct stat st;
    CHECK_EQ(stat("/dev/null", &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    rmdir(dir);
}

/* A child that opens path, with the named temporary file (`named`) or the
 * unnamed one, and writes 1 MiB of it, then waits to be killed: its pid,
 * once it has written. */
static pid_t writer_child(const char *path, int named)
{
    int ready[2];
    CHECK_EQ(pipe(ready), 0);
    sl__outfile_named_only(named);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char err[256];
        sl_outfile o;
        if (sl_outfile_open(&o, path, 0, err, sizeof err))
            _exit(1);
        static char block[1 << 20];
        memset(block, 'x', sizeof block);
        fwrite(block, 1, sizeof block, o.fp);
        fflush(o.fp);
        char u = (char)o.unnamed;
        if (write(ready[1], &u, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    sl__outfile_named_only(0);
    close(ready[1]);
    char unnamed = (char)named;
    CHECK_EQ(read(ready[0], &unnamed, 1), 1);
    CHECK_EQ(unnamed, !named); /* /tmp has O_TMPFILE */
    close(ready[0]);
    return pid;
}

/* Sends sig to the child pid, which must die of it. */
static void kill_child(pid_t pid, int sig)
{
    kill(pid, sig);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig);
}

/* SIGKILL mid-write (as the OOM killer or kill -9 would) leaves nothing:
 * the temporary file has no name to leave. */
SL_TEST(outfile_killed_writer_leaves_no_file)
{
    fresh_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/out.zst", dir);
    pid_t pid = writer_child(path, 0);
    CHECK_EQ(entries(), 0); /* 1 MiB written, no name anywhere */
    kill_child(pid, SIGKILL);
    CHECK_EQ(entries(), 0);
    rmdir(dir);
}

/* The fallback's named temporary file is removed on SIGTERM (and SIGINT,
 * SIGHUP) by the handler. */
SL_TEST(outfile_named_fallback_is_removed_on_sigterm)
{
    fresh_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/out.zst", dir);
    pid_t pid = writer_child(path, 1);
    CHECK_EQ(entries(), 1); /* out.zst.tmp-XXXXXXXX */
    kill_child(pid, SIGTERM);
    CHECK_EQ(entries(), 0);
    rmdir(dir);
}

/* .tmp- entries in the directory dfd (a descriptor of it): the named
 * temporary files left there; every other entry is removed. */
static int temp_leftovers(int dfd)
{
    DIR *d = fdopendir(openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        n += strstr(e->d_name, ".tmp-") != NULL;
        CHECK_EQ(unlinkat(dfd, e->d_name, 0), 0);
    }
    closedir(d);
    return n;
}

/* How many interrupted children a test runs: fewer under the sanitizers,
 * and fewer still under TSan, where a fork costs seconds. */
#if defined(__SANITIZE_THREAD__)
#define FORK_RUNS(n) ((n) / 40 + 1)
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FORK_RUNS(n) ((n) / 40 + 1)
#endif
#endif
#ifndef FORK_RUNS
#define FORK_RUNS(n) SL_TEST_SCALE(n)
#endif

/* Runs a child `runs` times that, with the named fallback, calls
 * once(i, arg) for i = 0, 1, ... until a SIGINT comes, `delay_us` after
 * the first call (a random delay below it when `random`); the number of
 * runs that left a .tmp- file in dfd. */
static int interrupted_leftovers(int dfd, int runs, void (*once)(unsigned i, void *arg), void *arg, int delay_us,
                                 int random)
{
    int left = 0;
    srand((unsigned)getpid());
    for (int run = 0; run < runs; run++) {
        int ready[2];
        CHECK_EQ(pipe(ready), 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            close(ready[0]);
            sl__outfile_named_only(1);
            for (unsigned i = 0;; i++) {
                once(i, arg);
                if (i == 0 && write(ready[1], "r", 1) != 1)
                    _exit(1);
            }
        }
        close(ready[1]);
        char r;
        CHECK_EQ(read(ready[0], &r, 1), 1); /* the handler is installed */
        close(ready[0]);
        usleep((useconds_t)(random ? rand() % delay_us : delay_us));
        kill_child(pid, SIGINT);
        left += temp_leftovers(dfd);
    }
    if (left)
        fprintf(stderr, "%d of %d runs left a .tmp- file\n", left, runs);
    return left;
}

/* A small file, each of the three ways in turn: write_whole,
 * write_whole_at (in *(int *)dfd), open + commit. */
static void write_small(unsigned i, void *dfd)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/f%u.html", dir, i % 8);
    if (i % 3 == 0) {
        sl_outfile_write_whole(path, "page", 4, 0, err, sizeof err);
    } else if (i % 3 == 1) {
        sl_outfile_write_whole_at(*(int *)dfd, path, "page", 4, 0, err, sizeof err);
    } else {
        sl_outfile o;
        if (sl_outfile_open(&o, path, 1, err, sizeof err) == 0) {
            fputs("page", o.fp);
            o.no_fsync = 1;
            sl_outfile_commit(&o, err, sizeof err);
        }
    }
}

/* A SIGINT may come at any moment, also between the named temporary
 * file's creation and its entry in the signal handler's table: the entry
 * is made first.  A child writes small files in a loop until a SIGINT at a
 * random moment; no run may leave a .tmp- file (before the entry came
 * first: 38 runs in 200). */
SL_TEST(outfile_named_fallback_leaves_nothing_on_sigint_at_any_moment)
{
    fresh_dir();
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(dfd >= 0);
    CHECK_EQ(interrupted_leftovers(dfd, (int)FORK_RUNS(200), write_small, &dfd, 2000, 1), 0);
    close(dfd);
    rmdir(dir);
}

/* The directories of a path longer than PATH_MAX, made under dir: a
 * descriptor of the deepest (returned) and its whole spelling + "/NAME"
 * in *deep (malloc'd). */
static int deep_dir(const char *name, char **deep)
{
    size_t cap = 64 + PATH_MAX + 300;
    char *p = malloc(cap);
    CHECK(p != NULL);
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    size_t at = (size_t)snprintf(p, cap, "%s", dir);
    while (at < PATH_MAX + 100) { /* directories of 200 bytes, made one below the other */
        char sub[201];
        memset(sub, 'd', 200);
        sub[200] = 0;
        CHECK_EQ(mkdirat(dfd, sub, 0777), 0);
        int fd = openat(dfd, sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(fd >= 0);
        close(dfd);
        dfd = fd;
        at += (size_t)snprintf(p + at, cap - at, "/%s", sub);
    }
    snprintf(p + at, cap - at, "/%s", name);
    *deep = p;
    return dfd;
}

/* 4 MiB as the file that the deep path *(char **)deep names, in deep_fd. */
static char block[4 << 20];
static int deep_fd;

static void write_deep(unsigned i, void *deep)
{
    (void)i;
    char err[256];
    if (sl_outfile_write_whole_at(deep_fd, *(char **)deep, block, sizeof block, 0, err, sizeof err) != 0)
        _exit(1);
}

/* A file written through a directory descriptor by a path longer than
 * PATH_MAX (as sluice md writes a deep tree): the handler removes the
 * named temporary file by its name in the directory, which the whole path
 * cannot reach (unlink: ENAMETOOLONG).  A child writes 4 MiB files in a
 * loop until a SIGINT: most of the time is spent with the temporary file
 * named: before the fix 1 run in 4 left one. */
SL_TEST(outfile_named_fallback_past_path_max_is_removed_on_sigint)
{
    fresh_dir();
    char *deep;
    deep_fd = deep_dir("page.html", &deep);
    memset(block, 'x', sizeof block);
    CHECK_EQ(interrupted_leftovers(deep_fd, (int)FORK_RUNS(40), write_deep, &deep, 2000, 0), 0);
    close(deep_fd);
    free(deep);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}

/* The directory renamed while the named temporary file is being written
 * (an output tree moved aside): the handler still finds the file, in the
 * directory it holds, not by the path it was given. */
SL_TEST(outfile_named_fallback_is_removed_after_its_directory_moved)
{
    fresh_dir();
    char path[128], moved[128];
    snprintf(path, sizeof path, "%s/sub/out.zst", dir);
    snprintf(moved, sizeof moved, "%s/moved", dir);
    char sub[100];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    CHECK_EQ(mkdir(sub, 0777), 0);
    pid_t pid = writer_child(path, 1);
    CHECK_EQ(rename(sub, moved), 0);
    kill_child(pid, SIGTERM);
    int mfd = open(moved, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(mfd >= 0);
    CHECK_EQ(temp_leftovers(mfd), 0);
    close(mfd);
    CHECK_EQ(rmdir(moved), 0);
    rmdir(dir);
}

/* no_fsync: the same output in the same place, only not forced to disk. */
static void commit_without_fsync(int named)
{
    appears_whole(named, 1);
}

SL_TEST(outfile_commit_without_fsync_links_the_same)
{
    BOTH_WAYS(commit_without_fsync);
}

/* The file at path holds exactly want. */
/* A FIFO made at path and a child that reads it, wanting "fifo"
 * (fifo_read: it got that). */
static pid_t fifo_reader(const char *path)
{
    CHECK_EQ(mkfifo(path, 0666), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char buf[16] = {0};
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        _exit(n == 4 && !memcmp(buf, "fifo", 4) ? 0 : 1);
    }
    return pid;
}

static void fifo_read(pid_t pid)
{
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int holds(const char *path, const char *want)
{
    char buf[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return !strcmp(buf, want);
}

/* Writes "new" at `at`, through sl_outfile (whole = 0) or write_whole (1). */
static int write_at(const char *at, int whole)
{
    char err[256];
    if (whole)
        return sl_outfile_write_whole(at, "new", 3, 0, err, sizeof err);
    sl_outfile o;
    if (sl_outfile_open(&o, at, 1, err, sizeof err))
        return -1;
    fputs("new", o.fp);
    return sl_outfile_commit(&o, err, sizeof err);
}

/* /dev/stdout is a symlink to /proc/self/fd/1: when standard output was a
 * regular file, the temporary file was renamed over /dev/stdout itself,
 * and the system's symlink became a regular file.  A name of a descriptor
 * (or a link to one) is written through that descriptor, which keeps its
 * offset and O_APPEND: nothing the shell opened to append to is cut. */
static void descriptor_names(int named)
{
    for (int whole = 0; whole <= 1; whole++)
        for (int how = 0; how < 5; how++) {
            fresh_dir();
            char file[128], link[128], via[128];
            snprintf(file, sizeof file, "%s/log.txt", dir);
            snprintf(link, sizeof link, "%s/stdout", dir);
            int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
            CHECK(fd >= 0);
            CHECK_EQ(write(fd, "old ", 4), 4);
            snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
            if (how == 1)
                snprintf(via, sizeof via, "/dev/fd/%d", fd);
            if (how == 3) /* through a directory link: /dev/fd is one to /proc/self/fd */
                snprintf(via, sizeof via, "/dev/fd/./%d", fd);
            if (how == 4) /* this process's own pid */
                snprintf(via, sizeof via, "/proc/%d/fd/%d", (int)getpid(), fd);
            if (how == 2) { /* a link of our own, as /dev/stdout is */
                char to[64];
                snprintf(to, sizeof to, "/proc/self/fd/%d", fd);
                CHECK_EQ(symlink(to, link), 0);
                snprintf(via, sizeof via, "%s", link);
            }
            CHECK_EQ(write_at(via, whole), 0);
            close(fd);
            CHECK(holds(file, "old new"));
            struct stat st;
            if (how == 2) {
                CHECK_EQ(lstat(link, &st), 0);
                CHECK(S_ISLNK(st.st_mode));
                unlink(link);
            }
            CHECK_EQ(entries(), 1); /* no temporary file, nothing renamed beside */
            cleanup(file);
            (void)named;
        }
}

SL_TEST(outfile_writes_through_descriptor_names_and_links_to_them)
{
    BOTH_WAYS(descriptor_names);
}

/* A symlink to a regular file is replaced by the output, never followed:
 * in a shared (sticky) directory a link someone planted must not send
 * the write to the file it names (the kernel's protected_symlinks rule,
 * which a hand-made walk of the links would bypass). */
static void symlinks_replaced(int named)
{
    for (int whole = 0; whole <= 1; whole++) {
        fresh_dir();
        char real[160], link[128];
        snprintf(real, sizeof real, "%s/victim", dir);
        snprintf(link, sizeof link, "%s/out.js", dir);
        FILE *f = fopen(real, "w");
        fputs("old", f);
        fclose(f);
        CHECK_EQ(symlink("victim", link), 0);
        CHECK_EQ(write_at(link, whole), 0);
        struct stat st;
        CHECK_EQ(lstat(link, &st), 0);
        CHECK(S_ISREG(st.st_mode));
        CHECK(holds(link, "new"));
        CHECK(holds(real, "old"));
        CHECK_EQ(entries(), 2);
        unlink(real);
        cleanup(link);
        (void)named;
    }
}

SL_TEST(outfile_replaces_a_symlink_and_never_writes_through_it)
{
    BOTH_WAYS(symlinks_replaced);
}

/* A path longer than PATH_MAX is refused (ENAMETOOLONG), not cut short
 * into another name. */
SL_TEST(outfile_refuses_a_path_longer_than_path_max)
{
    fresh_dir();
    size_t n = strlen(dir) + 1 + 2 * 2100 + 8;
    char *p = malloc(n + 1), err[256];
    size_t k = (size_t)sprintf(p, "%s/", dir);
    for (int i = 0; i < 2100; i++)
        p[k++] = '.', p[k++] = '/';
    strcpy(p + k, "x");
    for (int whole = 0; whole <= 1; whole++) {
        if (whole)
            CHECK_EQ(sl_outfile_write_whole(p, "new", 3, 0, err, sizeof err), -1);
        else {
            sl_outfile o;
            CHECK_EQ(sl_outfile_open(&o, p, 1, err, sizeof err), -1);
        }
        CHECK_EQ(entries(), 0);
    }
    free(p);
    rmdir(dir);
}

/* sl_outfile_write_whole_at: the file made in the directory's descriptor
 * and named there, both ways (O_TMPFILE and the named fallback): a new
 * file, a replaced one, a directory at the name refused, a FIFO written
 * in place, a symlink replaced (never written through), a removed
 * directory an error naming the file, and no temporary file left. */
static void write_whole_at(int named)
{
    (void)named;
    fresh_dir();
    char path[160], err[256], other[160];
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(dfd >= 0);
    snprintf(path, sizeof path, "%s/page.html", dir);
    mode_t old = umask(027);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "first", 5, 0, err, sizeof err), 0);
    umask(old);
    CHECK(holds(path, "first"));
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0640);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "second!", 7, 1, err, sizeof err), 0);
    CHECK(holds(path, "second!"));
    CHECK_EQ(entries(), 1);
    /* A symlink at the name is replaced by the file, its target untouched. */
    snprintf(other, sizeof other, "%s/target", dir);
    CHECK_EQ(sl_outfile_write_whole(other, "target", 6, 0, err, sizeof err), 0);
    unlink(path);
    CHECK_EQ(symlink(other, path), 0);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "page", 4, 0, err, sizeof err), 0);
    CHECK_EQ(lstat(path, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(holds(path, "page"));
    CHECK(holds(other, "target"));
    unlink(other);
    /* A directory at the name is refused, naming the file. */
    unlink(path);
    CHECK_EQ(mkdir(path, 0777), 0);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "x", 1, 0, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "directory") != NULL);
    rmdir(path);
    /* A FIFO is written in place (a reader takes what comes). */
    pid_t pid = fifo_reader(path);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "fifo", 4, 0, err, sizeof err), 0);
    fifo_read(pid);
    CHECK_EQ(lstat(path, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    unlink(path);
    CHECK_EQ(entries(), 0);
    /* The directory removed while its descriptor is held: an error that
     * names the file, nothing made anywhere. */
    CHECK_EQ(rmdir(dir), 0);
    CHECK_EQ(sl_outfile_write_whole_at(dfd, path, "gone", 4, 0, err, sizeof err), -1);
    CHECK(strstr(err, path) != NULL);
    CHECK(access(dir, F_OK) != 0);
    close(dfd);
}

SL_TEST(outfile_write_whole_at_writes_relative_to_the_directory)
{
    BOTH_WAYS(write_whole_at);
}

/* The name is resolved in the descriptor, not through the path: a path
 * longer than PATH_MAX (which write_whole refuses) is written, and its
 * whole spelling still names it in messages. */
SL_TEST(outfile_write_whole_at_needs_no_short_path)
{
    for (int named = 0; named <= 1; named++) {
        sl__outfile_named_only(named);
        fresh_dir();
        char err[256];
        char *deep;
        int dfd = deep_dir("page.html", &deep);
        CHECK_EQ(sl_outfile_write_whole(deep, "x", 1, 0, err, sizeof err), -1); /* ENAMETOOLONG */
        CHECK_EQ(sl_outfile_write_whole_at(dfd, deep, "deep", 4, 0, err, sizeof err), 0);
        CHECK_EQ(sl_outfile_write_whole_at(dfd, deep, "deeper", 6, 0, err, sizeof err), 0); /* replaced */
        int fd = openat(dfd, "page.html", O_RDONLY | O_CLOEXEC);
        char buf[16] = {0};
        CHECK(fd >= 0);
        CHECK_EQ(read(fd, buf, sizeof buf), 6);
        CHECK(!memcmp(buf, "deeper", 6));
        close(fd);
        /* nothing beside it */
        DIR *d = fdopendir(openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        int n = 0;
        for (struct dirent *e; (e = readdir(d));)
            n += e->d_name[0] != '.';
        closedir(d);
        CHECK_EQ(n, 1);
        close(dfd);
        free(deep);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        CHECK_EQ(system(cmd), 0);
    }
    sl__outfile_named_only(0);
}

/* A staged file is in its directory under no name: published, it appears
 * whole (a file there replaced, a FIFO there written in place with the
 * bytes read back from the staged file); closed unpublished, nothing is
 * left.  Where the directory takes no O_TMPFILE, stage says so (-1) and
 * makes nothing, as in named-only mode. */
SL_TEST(outfile_staged_file_appears_only_when_published)
{
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/page.html", dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(dfd >= 0);
#ifdef O_TMPFILE
    int probe = openat(dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
    int probe = -1;
#endif
    if (probe < 0) {
        printf("outfile_staged_file_appears_only_when_published: no O_TMPFILE here: staging not checked\n");
        CHECK_EQ(sl_outfile_stage_at(dfd, path, "x", 1), -1);
    } else {
        close(probe);
        int fd = sl_outfile_stage_at(dfd, path, "staged", 6);
        CHECK(fd >= 0);
        CHECK_EQ(entries(), 0);
        CHECK_EQ(sl_outfile_publish_at(fd, dfd, path, 6, 0, err, sizeof err), 0);
        CHECK(holds(path, "staged"));
        fd = sl_outfile_stage_at(dfd, path, "again!", 6); /* over a file */
        CHECK(fd >= 0);
        CHECK(holds(path, "staged"));
        CHECK_EQ(sl_outfile_publish_at(fd, dfd, path, 6, 1, err, sizeof err), 0);
        CHECK(holds(path, "again!"));
        CHECK_EQ(entries(), 1);
        fd = sl_outfile_stage_at(dfd, path, "never", 5); /* dropped */
        CHECK(fd >= 0);
        close(fd);
        CHECK(holds(path, "again!"));
        CHECK_EQ(entries(), 1);
        unlink(path); /* a FIFO: written in place, from the staged bytes */
        pid_t pid = fifo_reader(path);
        fd = sl_outfile_stage_at(dfd, path, "fifo", 4);
        CHECK(fd >= 0);
        CHECK_EQ(sl_outfile_publish_at(fd, dfd, path, 4, 0, err, sizeof err), 0);
        fifo_read(pid);
        unlink(path);
        CHECK_EQ(mkdir(path, 0777), 0); /* a directory: refused, naming the file */
        fd = sl_outfile_stage_at(dfd, path, "x", 1);
        CHECK(fd >= 0);
        CHECK_EQ(sl_outfile_publish_at(fd, dfd, path, 1, 0, err, sizeof err), -1);
        CHECK(strstr(err, path) != NULL);
        rmdir(path);
    }
    sl__outfile_named_only(1);
    CHECK_EQ(sl_outfile_stage_at(dfd, path, "x", 1), -1);
    sl__outfile_named_only(0);
    CHECK_EQ(entries(), 0);
    close(dfd);
    rmdir(dir);
}

/* The create hook of the children below: before the first try, another
 * writer's file ("theirs") at the temporary name when `plant_theirs`;
 * after each try, a SIGTERM - in the moment between the create (or its
 * EEXIST) and the entry saying whose the file is - to this thread, or with
 * `to_process` to the process, which another thread takes (waited for). */
static int plant_theirs, to_process;

static void signal_in_create(int after, int dirfd, const char *name)
{
    if (!after && plant_theirs) {
        plant_theirs = 0;
        int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, "theirs", 6) != 6)
            _exit(3);
        close(fd);
    } else if (after && !to_process) {
        raise(SIGTERM);
    } else if (after) {
        kill(getpid(), SIGTERM); /* this thread blocks it: the main thread's handler runs */
        sigset_t pending;
        do
            sigpending(&pending);
        while (sigismember(&pending, SIGTERM));
        usleep(100 * 1000);
    }
}

/* The entries of dir that hold exactly want. */
static int entries_holding(const char *want)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char p[400];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        n += e->d_name[0] != '.' && holds(p, want);
    }
    closedir(d);
    return n;
}

/* A SIGTERM during the create of a named temporary file (review19 L1): the
 * entry is in the handler's table before the create, so that a signal at
 * any moment finds the file - but while the create is under way the name
 * may be another writer's, and when it was (EEXIST), the handler unlinked
 * that file.  Each way a temporary name is created - an open's named file,
 * write_whole's named file, the link beside a file write_whole replaces -
 * a child is signalled right after the create: it made the file, which is
 * removed, or found another's there, which is left alone.  Before the fix
 * the other writer's file was removed all three ways. */
SL_TEST(outfile_signal_during_a_create_removes_only_its_own_file)
{
    for (int way = 0; way < 3; way++) {
        for (int theirs = 0; theirs <= 1; theirs++) {
            fresh_dir();
            char path[128];
            snprintf(path, sizeof path, "%s/page.html", dir);
            int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
            CHECK(fd >= 0 && write(fd, "old", 3) == 3);
            close(fd);
            pid_t pid = fork();
            CHECK(pid >= 0);
            if (pid == 0) {
                plant_theirs = theirs;
                sl__outfile_named_only(way < 2); /* the third replaces through an unnamed file */
                sl__outfile_create_hook(signal_in_create);
                write_at(path, way > 0);
                _exit(2); /* not reached: the signal */
            }
            int st;
            CHECK_EQ(waitpid(pid, &st, 0), pid);
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
            CHECK(holds(path, "old"));
            CHECK_EQ(entries_holding("theirs"), theirs); /* another's file stays */
            CHECK_EQ(entries(), 1 + theirs);             /* its own is gone */
            int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
            temp_leftovers(dfd);
            close(dfd);
            rmdir(dir);
        }
    }
}

/* A child forked while the parent writes an output through a named
 * temporary file inherits the handler and its table: killed by SIGTERM,
 * it removed the parent's temporary file, and the parent's commit failed
 * (ENOENT).  Now the child removes only the one it made itself. */
SL_TEST(outfile_forked_child_spares_its_parents_temporary_file)
{
    fresh_dir();
    char path[128], path2[128], err[256];
    snprintf(path, sizeof path, "%s/parent.txt", dir);
    snprintf(path2, sizeof path2, "%s/child.txt", dir);
    sl__outfile_named_only(1);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    sl__outfile_named_only(0);
    fputs("parent's", o.fp);
    CHECK_EQ(fflush(o.fp), 0);
    CHECK_EQ(entries(), 1);
    pid_t pid = writer_child(path2, 1);
    CHECK_EQ(entries(), 2); /* both temporary files */
    kill_child(pid, SIGTERM);
    CHECK_EQ(entries(), 1); /* the child's is gone, the parent's stays */
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    CHECK(holds(path, "parent's"));
    CHECK_EQ(entries(), 1);
    cleanup(path);
}

/* The create in a thread that blocks SIGTERM, the signal taken by the
 * main thread (as where a program leaves signals to one thread): its
 * handler finds the create under way and leaves the work to the thread
 * that creates, whose own kill is then taken by the main thread again (a
 * raise stayed pending on the creating thread, which went on to write).
 * Another writer's file stays; before the fix the handler removed it. */
static void *create_blocking_sigterm(void *path)
{
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, NULL);
    write_at(path, 1);
    return NULL;
}

SL_TEST(outfile_signal_to_another_thread_during_a_create_removes_only_its_own_file)
{
    for (int theirs = 0; theirs <= 1; theirs++) {
        fresh_dir();
        char path[128];
        snprintf(path, sizeof path, "%s/page.html", dir);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            plant_theirs = theirs;
            to_process = 1;
            sl__outfile_named_only(1);
            sl__outfile_create_hook(signal_in_create);
            pthread_t t;
            if (pthread_create(&t, NULL, create_blocking_sigterm, path) != 0)
                _exit(3);
            pthread_join(t, NULL);
            _exit(2); /* not reached: the signal */
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
        CHECK_EQ(entries_holding("theirs"), theirs);
        CHECK_EQ(entries(), theirs); /* nothing of its own: no page, no temporary file */
        int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        temp_leftovers(dfd);
        close(dfd);
        rmdir(dir);
    }
}

/* A create that never returns (a hung NFS or FUSE mount): the first fatal
 * signal waits for it, a second one ends the process at once - where
 * every signal waited, only SIGKILL could (review20 M1). */
static int hang_pipe = -1;

static void hang_in_create(int after, int dirfd, const char *name)
{
    (void)dirfd, (void)name;
    if (after)
        return;
    if (write(hang_pipe, "h", 1) != 1)
        _exit(3);
    for (;;)
        pause();
}

SL_TEST(outfile_second_signal_ends_a_writer_whose_create_hangs)
{
    fresh_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/page.html", dir);
    int p[2];
    CHECK_EQ(pipe(p), 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        hang_pipe = p[1];
        sl__outfile_named_only(1);
        sl__outfile_create_hook(hang_in_create);
        char err[256];
        sl_outfile_write_whole(path, "x", 1, 0, err, sizeof err);
        _exit(4);
    }
    close(p[1]);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1); /* in the create */
    close(p[0]);
    CHECK_EQ(kill(pid, SIGTERM), 0);
    usleep(50000);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, WNOHANG), 0); /* the first waits for the create */
    CHECK_EQ(kill(pid, SIGTERM), 0);
    pid_t got = 0;
    for (int i = 0; i < 200 && (got = waitpid(pid, &status, WNOHANG)) == 0; i++)
        usleep(10000);
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    CHECK_EQ(got, pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    cleanup(path);
}
