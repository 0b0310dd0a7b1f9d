/*
 * meta_test.c - the input file beyond its bytes.  What an output file
 * keeps of it: as zstd 1.5 does from a file to a file, the permission
 * bits (without set-id and sticky, whatever the umask), the owner where
 * the system allows it, and the mtime; from standard input, or to
 * standard output or a FIFO, nothing is carried over or changed.  And a
 * file cut short while pack reads it fails the run, as zstd's
 * "Incomplete read" does.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agekey.h"
#include "check.h"
#include "outfile.h"
#include "packtest.h"

/* 2001-01-01 00:00:00.123456789 UTC: a time no run happens at, with the
 * nanoseconds that zstd keeps too. */
static const struct timespec old_time = {978307200, 123456789};

static void set_meta(const char *name, mode_t mode)
{
    struct timespec t[2] = {old_time, old_time};
    CHECK_EQ(chmod(pt_path(name), mode), 0);
    CHECK_EQ(utimensat(AT_FDCWD, pt_path(name), t, 0), 0);
}

/* The file `name` has permission bits `mode` and the old mtime. */
static void expect_meta(const char *name, mode_t mode, const char *what)
{
    struct stat st;
    CHECK_EQ(stat(pt_path(name), &st), 0);
    if ((st.st_mode & 07777) != mode || st.st_mtim.tv_sec != old_time.tv_sec ||
        st.st_mtim.tv_nsec != old_time.tv_nsec)
        fprintf(stderr, "%s: %s is %04o, mtime %lld.%09ld\n", what, name, (unsigned)(st.st_mode & 07777),
                (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    CHECK((st.st_mode & 07777) == mode);
    CHECK(st.st_mtim.tv_sec == old_time.tv_sec && st.st_mtim.tv_nsec == old_time.tv_nsec);
}

/* The file `name` holds exactly want[0..n). */
static void expect_bytes(const char *name, const uint8_t *want, size_t n)
{
    size_t len;
    uint8_t *got = pt_read(name, &len);
    CHECK(got != NULL && len == n && !memcmp(got, want, n));
    free(got);
}

/* With standard input redirected from the file `name`, runs pack into
 * `out` (a path). */
static int pack_stdin(const char *name, const char *out)
{
    int saved = dup(0), fd = open(pt_path(name), O_RDONLY);
    CHECK(saved >= 0 && fd >= 0 && dup2(fd, 0) == 0);
    close(fd);
    int rc = pt_pack("-q", "-o", out, "-", NULL);
    CHECK(dup2(saved, 0) == 0);
    close(saved);
    return rc;
}

SL_TEST(pack_and_unpack_give_an_output_file_the_inputs_mode_owner_and_mtime)
{
    mode_t old_umask = umask(022);
    pt_dir_new();
    uint8_t pub[32], plain[300000];
    char rcpt[SL_AGE_RECIPIENT_LEN + 1], id[512], path[8][512];
    pt_identity(pub);
    sl_agekey_format_recipient(rcpt, pub);
    snprintf(id, sizeof id, "%s", pt_path("id.txt"));
    pt_fill(plain, sizeof plain, 7);
    pt_write("secret", plain, sizeof plain);
    set_meta("secret", 0600);

    /* the default name; unpack back, by the seek table */
    CHECK_EQ(pt_pack("-q", "--chunk", "64K", pt_path("secret"), NULL), 0);
    expect_meta("secret.zst", 0600, "pack");
    snprintf(path[0], sizeof path[0], "%s", pt_path("back"));
    CHECK_EQ(pt_unpack("-q", "-o", path[0], pt_path("secret.zst"), NULL), 0);
    expect_bytes("back", plain, sizeof plain);
    expect_meta("back", 0600, "unpack");
    /* encrypted: age keeps no metadata, the file still does */
    snprintf(path[1], sizeof path[1], "%s", pt_path("secret.age"));
    CHECK_EQ(pt_pack("-q", "-r", rcpt, "-o", path[1], pt_path("secret"), NULL), 0);
    expect_meta("secret.age", 0600, "pack -r");
    snprintf(path[2], sizeof path[2], "%s", pt_path("back.age"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "-o", path[2], path[1], NULL), 0);
    expect_bytes("back.age", plain, sizeof plain);
    expect_meta("back.age", 0600, "unpack -i");
    /* --range: the bytes of a secret are secret */
    snprintf(path[3], sizeof path[3], "%s", pt_path("part"));
    CHECK_EQ(pt_unpack("-q", "-i", id, "--range", "1000:5000", "-o", path[3], path[1], NULL), 0);
    expect_bytes("part", plain + 1000, 5000);
    expect_meta("part", 0600, "unpack --range");

    /* the bits exactly, whatever the umask, less set-id and sticky; a
     * read-only input makes a read-only output; -f replaces an output
     * with other bits */
    static const mode_t modes[][2] = {{0666, 0666}, {04755, 0755}, {02750, 0750}, {01640, 0640}, {0444, 0444}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        set_meta("secret", modes[i][0]);
        CHECK_EQ(pt_pack("-qf", pt_path("secret"), NULL), 0);
        expect_meta("secret.zst", modes[i][1], "pack -f");
        CHECK_EQ(pt_unpack("-qf", "-o", path[0], pt_path("secret.zst"), NULL), 0);
        expect_meta("back", modes[i][1], "unpack -f");
    }

    /* streamed (an age file without a seek table) */
    size_t alen;
    uint8_t *age = pt_age_seal(pub, plain, 1000, &alen);
    pt_write("raw.age", age, alen);
    free(age);
    set_meta("raw.age", 0640);
    CHECK_EQ(pt_unpack("-q", "-i", id, pt_path("raw.age"), NULL), 0);
    expect_bytes("raw", plain, 1000);
    expect_meta("raw", 0640, "unpack, streamed");

    /* the named temporary file, where O_TMPFILE is refused */
    set_meta("secret", 0600);
    sl__outfile_named_only(1);
    CHECK_EQ(pt_pack("-qf", pt_path("secret"), NULL), 0);
    sl__outfile_named_only(0);
    expect_meta("secret.zst", 0600, "pack, named temporary");
    CHECK(pt_none_named("secret.zst.tmp"));

    /* the owner and the group, which only root may give away */
    if (geteuid() == 0) {
        CHECK_EQ(chown(pt_path("secret"), 4242, 4343), 0);
        CHECK_EQ(pt_pack("-qf", pt_path("secret"), NULL), 0);
        struct stat st;
        CHECK_EQ(stat(pt_path("secret.zst"), &st), 0);
        CHECK(st.st_uid == 4242 && st.st_gid == 4343);
        expect_meta("secret.zst", 0600, "pack, owner");
    }

    /* standard input gives nothing: 0666 less the umask, the time now */
    snprintf(path[4], sizeof path[4], "%s", pt_path("stdin.zst"));
    CHECK_EQ(pack_stdin("secret", path[4]), 0);
    struct stat st;
    CHECK_EQ(stat(path[4], &st), 0);
    CHECK((st.st_mode & 07777) == 0644 && st.st_mtim.tv_sec != old_time.tv_sec);
    CHECK(st.st_uid == geteuid());
    /* and a FIFO written in place keeps its own bits */
    snprintf(path[5], sizeof path[5], "%s", pt_path("fifo"));
    CHECK_EQ(mkfifo(path[5], 0644), 0);
    CHECK_EQ(chmod(path[5], 0644), 0);
    int keep_open = open(path[5], O_RDWR); /* a reader, so that the writer neither waits nor gets EPIPE */
    CHECK(keep_open >= 0);
    pt_write("small", plain, 100);
    set_meta("small", 0600);
    CHECK_EQ(pt_pack("-q", "-o", path[5], pt_path("small"), NULL), 0);
    CHECK_EQ(stat(path[5], &st), 0);
    CHECK((st.st_mode & 07777) == 0644 && st.st_mtim.tv_sec != old_time.tv_sec);
    close(keep_open);

    pt_dir_free();
    umask(old_umask);
}

/* Truncates the file `arg` to nothing as soon as this process has it
 * open (pack's reader, in-process), so that the cut falls mid-read. */
static void *truncate_once_open(void *arg)
{
    const char *path = arg;
    for (int tries = 0; tries < 20000; tries++) { /* 20 s */
        for (int fd = 3; fd < 64; fd++) {
            char proc[64], target[PATH_MAX];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(proc, target, sizeof target - 1);
            if (n > 0 && (target[n] = 0, !strcmp(target, path))) {
                CHECK_EQ(truncate(path, 0), 0);
                return (void *)1;
            }
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return NULL;
}

/* The file pack reads shrinks under it: an error naming the file and
 * how far it got, and no output; a file that stays whole packs. */
SL_TEST(pack_fails_on_an_input_that_shrinks_while_read)
{
    pt_dir_new();
    size_t n = (size_t)32 << 20;
    uint8_t *plain = malloc(n);
    CHECK(plain != NULL);
    pt_fill_noisy(plain, n, 3);
    pt_write("big", plain, n);
    free(plain);
    char in[PATH_MAX], out[512], msg[512];
    CHECK(realpath(pt_path("big"), in) != NULL); /* as /proc shows it */
    snprintf(out, sizeof out, "%s", pt_path("big.zst"));
    /* level 19 on one thread, 64 KiB at a time: seconds for the whole
     * file, so the reader is near its start when the cut comes */
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, truncate_once_open, in), 0);
    int rc = pt_pack_msg(msg, sizeof msg, "-q", "-j1", "-l", "19", "--chunk", "64K", "-o", out, in, NULL);
    void *cut;
    CHECK_EQ(pthread_join(t, &cut), 0);
    CHECK(cut != NULL);
    CHECK_EQ(rc, 1);
    CHECK(strstr(msg, "big: read error: the file shrank while it was read (") != NULL);
    CHECK(strstr(msg, " of 33554432 bytes)") != NULL);
    CHECK(pt_none_named("big.zst"));
    pt_dir_free();
}

/* With standard input closed, open() gives the named input fd 0: it is
 * still a named file (its mode kept, the output made 0600), not stdin. */
SL_TEST(pack_keeps_a_named_inputs_mode_with_standard_input_closed)
{
    mode_t old_umask = umask(022);
    pt_dir_new();
    uint8_t plain[5000];
    pt_fill(plain, sizeof plain, 3);
    pt_write("secret", plain, sizeof plain);
    set_meta("secret", 0600);
    int saved = dup(0);
    CHECK(saved > 0);
    close(0);
    int rc = pt_pack("-q", pt_path("secret"), NULL);
    int fd0_free = fcntl(0, F_GETFD) < 0; /* the input was closed again */
    CHECK_EQ(dup2(saved, 0), 0);
    close(saved);
    CHECK_EQ(rc, 0);
    CHECK(fd0_free);
    expect_meta("secret.zst", 0600, "pack, stdin closed");
    CHECK_EQ(pt_unpack("-q", "-o", pt_path("back"), pt_path("secret.zst"), NULL), 0);
    expect_bytes("back", plain, sizeof plain);
    umask(old_umask);
    pt_dir_free();
}
