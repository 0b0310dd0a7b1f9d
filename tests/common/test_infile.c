/* test_infile.c - tools/common/infile: regular files read, special files refused at once. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "infile.h"

static char dir[64];

static void fresh_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/sl-infile-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

static void path_in(char *p, size_t n, const char *name)
{
    snprintf(p, n, "%s/%s", dir, name);
}

/* Opening must return at once: a FIFO with no writer would block a plain
 * open() forever, so the test dies by alarm if it ever does. */
SL_TEST(infile_refuses_a_fifo_without_blocking)
{
    fresh_dir();
    char p[128], err[256];
    path_in(p, sizeof p, "zz.rs");
    CHECK(mkfifo(p, 0600) == 0);
    alarm(10);
    CHECK_EQ(sl_infile_open(p, err, sizeof err), -1);
    alarm(0);
    CHECK(strstr(err, p) != NULL);
    CHECK(strstr(err, "is a FIFO, not a regular file") != NULL);
    unlink(p);
    rmdir(dir);
}

SL_TEST(infile_refuses_directory_device_socket_and_symlink_loop)
{
    fresh_dir();
    char p[128], err[256];
    CHECK_EQ(sl_infile_open(dir, err, sizeof err), -1);
    CHECK(strstr(err, "is a directory") != NULL);
    CHECK_EQ(sl_infile_open("/dev/zero", err, sizeof err), -1);
    CHECK(strstr(err, "/dev/zero: is a character device") != NULL);

    path_in(p, sizeof p, "sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    CHECK(strlen(p) < sizeof a.sun_path);
    memcpy(a.sun_path, p, strlen(p) + 1);
    CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK_EQ(sl_infile_open(p, err, sizeof err), -1);
    CHECK(strstr(err, "is a socket") != NULL);
    close(s);
    unlink(p);

    char q[128];
    path_in(p, sizeof p, "a");
    path_in(q, sizeof q, "b");
    CHECK(symlink(q, p) == 0);
    CHECK(symlink(p, q) == 0);
    CHECK_EQ(sl_infile_open(p, err, sizeof err), -1);
    CHECK(strstr(err, "cannot open") != NULL);
    CHECK(strstr(err, p) != NULL);
    unlink(p);
    unlink(q);
    rmdir(dir);
}

SL_TEST(infile_reads_a_regular_file_whole_and_blocking)
{
    fresh_dir();
    char p[128], err[256];
    path_in(p, sizeof p, "f.txt");
    FILE *f = fopen(p, "w");
    fputs("hello, world", f);
    fclose(f);
    char *data = NULL;
    size_t len = 0;
    CHECK_EQ(sl_infile_read(p, 1024, &data, &len, err, sizeof err), 0);
    CHECK_EQ(len, 12);
    CHECK(!strcmp(data, "hello, world"));
    free(data);

    int fd = sl_infile_open(p, err, sizeof err);
    CHECK(fd >= 0);
    CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    close(fd);
    unlink(p);
    rmdir(dir);
}

SL_TEST(infile_read_refuses_a_file_over_the_limit)
{
    fresh_dir();
    char p[128], err[256];
    path_in(p, sizeof p, "big");
    FILE *f = fopen(p, "w");
    fputs("0123456789", f);
    fclose(f);
    char *data = (char *)"untouched";
    size_t len = 7;
    CHECK_EQ(sl_infile_read(p, 9, &data, &len, err, sizeof err), -1);
    CHECK(!strcmp(data, "untouched"));
    CHECK(strstr(err, "10 bytes is over the limit of 9 bytes") != NULL);
    CHECK_EQ(sl_infile_read(p, 10, &data, &len, err, sizeof err), 0);
    CHECK_EQ(len, 10);
    free(data);
    unlink(p);
    rmdir(dir);
}
