/*
 * cli_test.c - what pack and unpack accept on their command lines, run
 * in-process: getopt's rules for flags, and named inputs that must be
 * regular files (never a wait on a FIFO, never a device read forever).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "packtest.h"

static void expect_file(const char *name, const uint8_t *want, size_t n)
{
    size_t got_len;
    uint8_t *got = pt_read(name, &got_len);
    CHECK(got != NULL);
    CHECK(got_len == n && !memcmp(got, want, n));
    free(got);
}

/* -j1 and -j 1, --chunk=64K and --chunk 64K, combined short flags, flags
 * after the input, and -- before an input whose name starts with '-'. */
SL_TEST(pack_and_unpack_read_flags_as_getopt_does)
{
    pt_dir_new();
    uint8_t plain[200000];
    pt_fill(plain, sizeof plain, 9);
    pt_write("-in", plain, sizeof plain);
    char in[512], z[512], back[512];
    snprintf(in, sizeof in, "%s", pt_path("-in"));
    snprintf(z, sizeof z, "%s", pt_path("a.zst"));
    snprintf(back, sizeof back, "%s", pt_path("back"));
    CHECK_EQ(pt_pack("-qfj1", "--chunk=64K", "-o", z, "--", in, NULL), 0);
    CHECK_EQ(pt_unpack("-qfj1", "-o", back, "--", z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_pack("-q", "-f", "-j", "1", "--chunk", "64K", "-o", z, in, NULL), 0);
    CHECK_EQ(pt_unpack("-q", "-f", "-j", "2", "-o", back, z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_pack("-o", z, in, "-qf", "--depth=2", "-l3", "--no-fsync", NULL), 0); /* flags after the input */
    CHECK_EQ(pt_unpack(z, "-fqo", back, "--max-work-factor=10", "--no-fsync", NULL), 0);
    expect_file("back", plain, sizeof plain);
    char msg[512];
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-j0", in, NULL), 2);
    CHECK(strstr(msg, "-j: '0'") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "--nope", z, NULL), 2);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", z, in, NULL), 2); /* one input at a time */
    CHECK(strstr(msg, "one input at a time") != NULL);
    pt_dir_free();
}

/* A FIFO, a directory and a device given as the input are refused at
 * once with what they are; the same data on standard input is fine. */
SL_TEST(pack_and_unpack_refuse_special_files_as_input)
{
    pt_dir_new();
    char fifo[512], out[512], msg[512];
    snprintf(fifo, sizeof fifo, "%s", pt_path("fifo"));
    snprintf(out, sizeof out, "%s", pt_path("out"));
    CHECK_EQ(mkfifo(fifo, 0600), 0);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-q", "-o", out, fifo, NULL), 1); /* returns: no writer is waited for */
    CHECK(strstr(msg, "fifo: is a FIFO, not a regular file (give a pipe or a device on standard input") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-o", out, fifo, NULL), 1);
    CHECK(strstr(msg, "fifo: is a FIFO, not a regular file") != NULL);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-q", "-o", out, "/dev/zero", NULL), 1);
    CHECK(strstr(msg, "/dev/zero: is a character device, not a regular file") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-q", "-o", out, pt_path(""), NULL), 1);
    CHECK(strstr(msg, "is a directory") != NULL);
    CHECK(!pt_exists("out"));
    /* standard input may be anything: here a file */
    uint8_t plain[1000];
    pt_fill(plain, sizeof plain, 1);
    pt_write("in", plain, sizeof plain);
    int saved = dup(0), fd = open(pt_path("in"), O_RDONLY);
    CHECK(saved >= 0 && fd >= 0 && dup2(fd, 0) == 0);
    CHECK_EQ(pt_pack("-q", "-o", out, "-", NULL), 0);
    CHECK(dup2(saved, 0) == 0);
    close(fd);
    close(saved);
    CHECK_EQ(pt_unpack("-q", "-o", pt_path("back"), out, NULL), 0);
    expect_file("back", plain, sizeof plain);
    unlink(fifo);
    pt_dir_free();
}

/* -f -o IN IN, a hard link of IN as the output, or IN behind standard
 * input: refused, as zstd refuses, before anything is written, where the
 * output would have replaced the input with its own compression. */
SL_TEST(pack_and_unpack_refuse_to_overwrite_their_input)
{
    pt_dir_new();
    uint8_t plain[50000];
    pt_fill(plain, sizeof plain, 6);
    pt_write("in", plain, sizeof plain);
    char in[512], alias[512], z[512], msg[512];
    snprintf(in, sizeof in, "%s", pt_path("in"));
    snprintf(alias, sizeof alias, "%s", pt_path("alias"));
    snprintf(z, sizeof z, "%s", pt_path("in.zst"));
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-qf", "-o", in, in, NULL), 1);
    CHECK(strstr(msg, "in: is the input itself: refusing to overwrite it with its own output") != NULL);
    expect_file("in", plain, sizeof plain);
    CHECK_EQ(link(in, alias), 0);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-qf", "-o", alias, in, NULL), 1);
    CHECK(strstr(msg, "alias: is the input itself") != NULL);
    expect_file("in", plain, sizeof plain);
    int saved = dup(0), fd = open(in, O_RDONLY);
    CHECK(saved >= 0 && fd >= 0 && dup2(fd, 0) == 0);
    close(fd);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-qf", "-o", in, "-", NULL), 1);
    CHECK(dup2(saved, 0) == 0);
    close(saved);
    CHECK(strstr(msg, "in: is the input itself") != NULL);
    expect_file("in", plain, sizeof plain);
    CHECK(pt_none_named("in.tmp"));
    /* unpack, and unpack --range */
    CHECK_EQ(pt_pack("-q", in, NULL), 0);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-qf", "-o", z, z, NULL), 1);
    CHECK(strstr(msg, "in.zst: is the input itself") != NULL);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-qf", "--range", "0:10", "-o", z, z, NULL), 1);
    CHECK(strstr(msg, "in.zst: is the input itself") != NULL);
    CHECK_EQ(pt_unpack("-qf", "-o", in, z, NULL), 0); /* the input intact */
    expect_file("in", plain, sizeof plain);
    pt_dir_free();
}

/* What scripts written for zstd pass: -c/--stdout for -o -, -T N for
 * -j N (-T0: every core) and -k/--keep, which both commands honour by
 * never removing their input - to unpack itself (`$DECOMP -dc FILE`),
 * to pack, and through `pack -d`. */
SL_TEST(pack_and_unpack_take_zstds_c_T_and_k)
{
    pt_dir_new();
    uint8_t plain[150000];
    pt_fill(plain, sizeof plain, 5);
    pt_write("in", plain, sizeof plain);
    char in[512], z[512], back[512], msg[512];
    snprintf(in, sizeof in, "%s", pt_path("in"));
    snprintf(z, sizeof z, "%s", pt_path("in.zst"));
    snprintf(back, sizeof back, "%s", pt_path("back"));
    int rc;
    size_t n;
    CHECK_EQ(pt_pack("-q", "--chunk", "16K", in, NULL), 0);
    const uint8_t *out = pt_unpack_stdout(&rc, &n, "-dc", "-q", z, NULL); /* what tar and scripts run */
    CHECK(rc == 0 && n == sizeof plain && !memcmp(out, plain, n));
    out = pt_unpack_stdout(&rc, &n, "--stdout", "-q", "-T0", z, NULL);
    CHECK(rc == 0 && n == sizeof plain && !memcmp(out, plain, n));
    out = pt_unpack_stdout(&rc, &n, "-T", "2", "-qkc", "--keep", z, NULL);
    CHECK(rc == 0 && n == sizeof plain && !memcmp(out, plain, n));
    out = pt_pack_stdout(&rc, &n, "-qc", "--chunk", "16K", in, NULL);
    CHECK(rc == 0 && pt_zstd_decodes_to(out, n, plain, sizeof plain));
    out = pt_pack_stdout(&rc, &n, "--stdout", "-T2", "-q", in, NULL);
    CHECK(rc == 0 && pt_zstd_decodes_to(out, n, plain, sizeof plain));
    CHECK_EQ(pt_pack("-qkf", "-T0", "--keep", "--chunk", "16K", in, NULL), 0);
    CHECK(pt_exists("in") && pt_exists("in.zst"));
    CHECK_EQ(pt_unpack("-qk", "-o", back, z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK(pt_exists("in.zst"));
    CHECK_EQ(pt_pack("-d", "-k", "-qf", "-o", back, z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_unpack_msg(msg, sizeof msg, "-T", "x", z, NULL), 2);
    CHECK(strstr(msg, "-T: 'x' is not a thread count") != NULL);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-T1025", in, NULL), 2);
    CHECK(strstr(msg, "-T: '1025' is not a thread count") != NULL);
    pt_dir_free();
}

/* zstd's -d, which tar -I gives its compressor to extract: unpack takes
 * it (alone or among other short flags) and pack hands over to unpack;
 * and .tzst, zstd's short name for .tar.zst, unpacks to .tar as zstd -d
 * names it. */
/* `pack -d` hands its flags to unpack, read once: what zstd -d users type
 * (a level, -c, -T) means what it means to zstd -d, and a flag only pack
 * has is refused by name rather than read as unpack's letter. */
static void expect_pack_d_reads_flags_once(const uint8_t *plain, size_t n)
{
    const char *z = pt_path("in.tzst");
    CHECK_EQ(pt_pack("-l", "19", "-d", "-qf", "-o", pt_path("back"), z, NULL), 0); /* tar -I "sluice pack -l 19" -x */
    expect_file("back", plain, n);
    int rc;
    size_t got;
    const uint8_t *out = pt_pack_stdout(&rc, &got, "-d", "-c", "-q", z, NULL);
    CHECK(rc == 0 && got == n && !memcmp(out, plain, n));
    out = pt_pack_stdout(&rc, &got, "-dqc", "-T0", "--long=27", z, NULL);
    CHECK(rc == 0 && got == n && !memcmp(out, plain, n));
    out = pt_pack_stdout(&rc, &got, "-T2", "-q", "-d", "--memory", "1M", "-o", "-", z, NULL);
    CHECK(rc == 0 && got == n && !memcmp(out, plain, n));
    char msg[512];
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-d", "-r", "age1x", z, NULL), 2);
    CHECK(strstr(msg, "-r is for packing") != NULL);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "--chunk", "1M", "-d", z, NULL), 2);
    CHECK(strstr(msg, "--chunk is for packing") != NULL);
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-d", "-a", "-o", "-d", z, NULL), 2);
    CHECK(strstr(msg, "-a is for packing") != NULL);
}

SL_TEST(pack_and_unpack_take_zstds_d_and_tzst)
{
    pt_dir_new();
    uint8_t plain[100000];
    pt_fill(plain, sizeof plain, 4);
    pt_write("in", plain, sizeof plain);
    char in[512], z[512], back[512];
    snprintf(in, sizeof in, "%s", pt_path("in"));
    snprintf(z, sizeof z, "%s", pt_path("in.zst"));
    snprintf(back, sizeof back, "%s", pt_path("back"));
    CHECK_EQ(pt_pack("-q", "--chunk", "16K", in, NULL), 0);
    CHECK_EQ(pt_unpack("-d", "-q", "-o", back, z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_unpack("-dqf", "-o", back, z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_pack("-q", "-d", "-f", "-o", back, z, NULL), 0); /* pack -d unpacks */
    expect_file("back", plain, sizeof plain);
    CHECK_EQ(pt_pack("--decompress", "-qf", "-o", back, "--", z, NULL), 0);
    expect_file("back", plain, sizeof plain);
    char msg[512];
    CHECK_EQ(pt_pack_msg(msg, sizeof msg, "-d", "-i", "nope", z, NULL), 2); /* unpack's flags, unpack's errors */
    CHECK(strstr(msg, "sluice unpack: ") == msg && strstr(msg, "nope") != NULL);
    CHECK(rename(z, pt_path("in.tzst")) == 0);
    CHECK_EQ(pt_unpack("-q", pt_path("in.tzst"), NULL), 0);
    expect_file("in.tar", plain, sizeof plain);
    expect_pack_d_reads_flags_once(plain, sizeof plain);
    CHECK(remove(pt_path("in.tar")) == 0);
    CHECK_EQ(pt_unpack("-q", pt_path("in.tzst"), NULL), 0);
    expect_file("in.tar", plain, sizeof plain);
    pt_dir_free();
}
