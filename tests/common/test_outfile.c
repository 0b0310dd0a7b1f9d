/* test_outfile.c - tools/common/outfile: whole outputs or none, devices in place. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

SL_TEST(outfile_appears_only_on_commit)
{
    fresh_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    sl_outfile o;
    CHECK_EQ(sl_outfile_open(&o, path, 0, err, sizeof err), 0);
    fputs("hello", o.fp);
    CHECK(access(path, F_OK) != 0); /* not under its name until committed */
    CHECK_EQ(entries(), 1);         /* only the temporary file */
    CHECK_EQ(sl_outfile_commit(&o, err, sizeof err), 0);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(entries(), 1);
    cleanup(path);
}

SL_TEST(outfile_abort_leaves_nothing)
{
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

SL_TEST(outfile_refuses_existing_without_force)
{
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
    cleanup(path);
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
