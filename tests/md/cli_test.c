/*
 * cli_test.c - `sluice md` as a user types it: flags read the getopt way
 * (-j1, -j 1, --threads=2, --, combined short flags), no summary when one
 * page goes to standard output and nobody watches, each documented limit
 * refused one past it, and inputs that are not files named and skipped.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "md.h"

int sl_md_main(int argc, char **argv);

static char *tmpdir(void)
{
    char *d = strdup("/tmp/sluice-md-cli-XXXXXX");
    CHECK(mkdtemp(d) != NULL);
    return d;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char p[1300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

/* Runs sluice md with args (NULL-terminated), stdin from `in` (or as it
 * is) and stderr into the file err_path; returns the exit status. */
static int run(const char *in, const char *err_path, char **args)
{
    int argc = 0;
    char *argv[32] = {"md"};
    while (args[argc])
        argv[argc + 1] = args[argc], argc++;
    fflush(stderr);
    int saved_in = dup(0), saved_err = dup(2);
    if (in) {
        int fd = open(in, O_RDONLY);
        dup2(fd, 0);
        close(fd);
    }
    int efd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(efd, 2);
    close(efd);
    int rc = sl_md_main(argc + 1, argv);
    fflush(stderr);
    dup2(saved_in, 0);
    dup2(saved_err, 2);
    close(saved_in);
    close(saved_err);
    return rc;
}

static size_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

SL_TEST(md_cli_flags_read_the_getopt_way)
{
    char *d = tmpdir(), in[600], out[600], err[600], dash[600];
    snprintf(in, sizeof in, "%s/a.md", d);
    snprintf(dash, sizeof dash, "%s/-j9.md", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(err, sizeof err, "%s/err", d);
    put(in, "# a\n");
    put(dash, "# dash\n");
    CHECK_EQ(run(NULL, err, (char *[]){"-j1", "-q", "-o", out, in, NULL}), 0);
    CHECK_EQ(run(NULL, err, (char *[]){"-j", "1", "-q", "-o", out, in, NULL}), 0);
    CHECK_EQ(run(NULL, err, (char *[]){"--threads=2", NULL}), 2); /* no pages */
    CHECK_EQ(run(NULL, err, (char *[]){"--threads=2", "--quiet", "--output", out, in, NULL}), 0);
    CHECK_EQ(run(NULL, err, (char *[]){"-qj2", "-o", out, in, NULL}), 0); /* combined short flags */
    CHECK(exists(out, "a.html"));
    CHECK_EQ(run(NULL, err, (char *[]){"-q", "-o", out, "--", dash, NULL}), 0); /* a page named like a flag */
    CHECK(exists(out, "-j9.html"));
    CHECK_EQ(run(NULL, err, (char *[]){"-j0", in, NULL}), 2);
    CHECK_EQ(run(NULL, err, (char *[]){"--frobnicate", in, NULL}), 2);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
    free(d);
}

SL_TEST(md_cli_one_page_to_stdout_prints_no_summary)
{
    char *d = tmpdir(), in[600], err[600], out[600];
    snprintf(in, sizeof in, "%s/a.md", d);
    snprintf(err, sizeof err, "%s/err", d);
    snprintf(out, sizeof out, "%s/out.html", d);
    put(in, "# a\n");
    fflush(stdout);
    int saved = dup(1), fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    close(fd);
    int rc1 = run(in, err, (char *[]){"-", NULL});
    size_t quiet = file_size(err);
    int rc2 = run(in, err, (char *[]){"--stats", "-", NULL});
    size_t stats = file_size(err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    CHECK_EQ(rc1, 0);
    CHECK_EQ(rc2, 0);
    CHECK_EQ(quiet, 0); /* stderr is a file, not a terminal */
    CHECK(stats > 0 && stats != (size_t)-1);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
    free(d);
}

/* The limits tools/md/README.md states, each fed one past: a page of
 * 1 GiB + 1 byte (sparse, so cheap) is refused naming the file and the
 * limit while the other pages are written; front matter nested 1,000
 * collections deep (the mapping included) is read, 1,001 is refused. */
SL_TEST(md_cli_limits_refused_one_past)
{
    char *d = tmpdir(), big[600], ok[600], out[600], err[600];
    snprintf(big, sizeof big, "%s/big.md", d);
    snprintf(ok, sizeof ok, "%s/ok.md", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(err, sizeof err, "%s/err", d);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(ftruncate(fd, ((off_t)1 << 30) + 1) == 0);
    close(fd);
    put(ok, "# ok\n");
    CHECK_EQ(run(NULL, err, (char *[]){"-q", "-o", out, big, ok, NULL}), 1);
    CHECK(exists(out, "ok.html") && !exists(out, "big.html"));
    FILE *f = fopen(err, "r");
    char msg[1024] = {0};
    CHECK(f && fread(msg, 1, sizeof msg - 1, f) > 0);
    fclose(f);
    CHECK(strstr(msg, "big.md") && strstr(msg, "1073741825 bytes is over the limit of 1073741824"));
    for (int depth = 999; depth <= 1000; depth++) { /* + the mapping around them */
        sl__md_buf b = {0};
        sl__md_buf_puts(&b, "---\nx: ");
        for (int i = 0; i < depth; i++)
            sl__md_buf_putc(&b, '[');
        for (int i = 0; i < depth; i++)
            sl__md_buf_putc(&b, ']');
        sl__md_buf_puts(&b, "\n---\n");
        sl__md_opts o = {0};
        sl__md_page p;
        char e[256];
        CHECK(sl__md_render(b.data, b.len, &o, &p, e, sizeof e) == 0);
        CHECK_EQ(p.nwarnings, depth == 999 ? 0 : 1);
        CHECK(depth == 999 ? json_is_object(p.frontmatter) : json_is_string(p.frontmatter));
        sl__md_page_free(&p);
        sl__md_buf_free(&b);
    }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
    free(d);
}

static char *slurp_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* A FIFO (no writer: opening it must not wait), a character device that
 * never ends, a symbolic link loop and a link to a directory, named on
 * the command line and found in a walked directory, among good pages. */
SL_TEST(md_cli_fifo_directory_device_and_link_loop_are_named_and_skipped)
{
    char *d = tmpdir(), p[700], q[700], pages[600], out[600], err[600];
    snprintf(pages, sizeof pages, "%s/pages", d);
    CHECK(mkdir(pages, 0777) == 0);
    snprintf(p, sizeof p, "%s/real-dir", d);
    CHECK(mkdir(p, 0777) == 0);
    snprintf(p, sizeof p, "%s/a.md", pages);
    put(p, "# A\n");
    snprintf(p, sizeof p, "%s/z.md", pages);
    put(p, "# Z\n");
    snprintf(p, sizeof p, "%s/fifo.md", pages);
    CHECK(mkfifo(p, 0644) == 0);
    snprintf(p, sizeof p, "%s/dev-zero.md", pages);
    CHECK(symlink("/dev/zero", p) == 0);
    snprintf(p, sizeof p, "%s/loop.md", pages);
    CHECK(symlink("loop.md", p) == 0);
    snprintf(p, sizeof p, "%s/dir.md", pages);
    snprintf(q, sizeof q, "%s/real-dir", d);
    CHECK(symlink(q, p) == 0);
    snprintf(p, sizeof p, "%s/fifo-arg", d);
    CHECK(mkfifo(p, 0644) == 0);
    snprintf(q, sizeof q, "%s/loop-arg.md", d);
    CHECK(symlink("loop-arg.md", q) == 0);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(err, sizeof err, "%s/err", d);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) { /* a hang ends in SIGALRM, which the parent sees */
        alarm(60);
        _exit(run(NULL, err, (char *[]){"-q", "-j2", "-o", out, pages, p, "/dev/zero", q, NULL}));
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 1);
    const char *e = slurp_text(err);
    static const char *const named[] = {"fifo.md: is a FIFO", "dev-zero.md: is a character device", "loop.md: cannot open",
                                        "dir.md: is a directory", "fifo-arg: is a FIFO",
                                        "/dev/zero: is a character device", "loop-arg.md: cannot open"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (!strstr(e, named[i]))
            fprintf(stderr, "missing \"%s\" in:\n%s", named[i], e);
        CHECK(strstr(e, named[i]) != NULL);
    }
    CHECK(exists(out, "a.html")); /* a directory argument: its tree under OUTDIR */
    CHECK(exists(out, "z.html"));
    static const char *const none[] = {"fifo.html", "dev-zero.html", "zero.html", "loop.html", "dir.html",
                                       "fifo-arg.html", "loop-arg.html"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        CHECK(!exists(out, none[i]));
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
    free(d);
}
