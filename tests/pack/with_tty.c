/*
 * with_tty.c - with_tty PASSPHRASE CMD...: run CMD with a pseudo-terminal
 * as its controlling terminal, typing PASSPHRASE whenever it prompts for
 * one.  WITH_TTY_STDOUT=1 / WITH_TTY_STDERR=1 make the pty CMD's stdout /
 * stderr too, and WITH_TTY_ECHO=1 copies what CMD writes to the pty to our
 * stdout, for tests of terminal-only behaviour.
 *
 * age reads passphrases only from a terminal, so the interop tests drive
 * `age -e -p` and `age -d` (and `sluice pack -p`) through this.  CMD's
 * stdin/stdout stay as given (files or pipes); only /dev/tty is the pty.
 * Exit status: CMD's (128 + the signal if it died of one).  C rather than
 * Python's pty module: one start per run is a test's fixed cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* In the child: a new session whose controlling terminal is the pty. */
static void child(int master, const char *slave_name, char **cmd)
{
    close(master);
    if (setsid() < 0)
        _exit(127);
    int s = open(slave_name, O_RDWR);
    if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
        _exit(127);
    if (flag("WITH_TTY_STDOUT")) /* set it to test "stdout is a terminal" */
        dup2(s, 1);
    if (flag("WITH_TTY_STDERR")) /* set it to see what CMD draws on a terminal */
        dup2(s, 2);
    if (s > 2)
        close(s);
    execvp(cmd[0], cmd);
    perror(cmd[0]);
    _exit(127);
}

/* Keeps the unanswered tail of what CMD wrote; answers each prompt (the
 * word "passphrase", then a colon) once. */
static void answer(int master, char *seen, size_t *len, const char *pass)
{
    for (;;) {
        seen[*len] = 0;
        char *p = strcasestr(seen, "passphrase");
        char *colon = p ? strchr(p, ':') : NULL;
        if (!colon)
            break;
        if (write(master, pass, strlen(pass)) < 0 || write(master, "\n", 1) < 0)
            return;
        *len -= (size_t)(colon + 1 - seen);
        memmove(seen, colon + 1, *len);
    }
    if (*len > 2048) { /* a prompt is short: keep only the tail */
        memmove(seen, seen + *len - 1024, 1024);
        *len = 1024;
    }
}

/* Reads what is there; 0 when nothing (yet): until CMD opens /dev/tty no
 * slave end is open and reads fail with EIO, so wait and try again. */
static ssize_t pump(int master, char *seen, size_t *len, const char *pass, int timeout_ms)
{
    struct pollfd pf = {master, POLLIN, 0};
    if (poll(&pf, 1, timeout_ms) <= 0)
        return 0;
    char buf[1024];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) {
        if (timeout_ms)
            usleep(50000);
        return 0;
    }
    if (flag("WITH_TTY_ECHO") && write(1, buf, (size_t)n) < 0)
        perror("with_tty: stdout");
    memcpy(seen + *len, buf, (size_t)n);
    *len += (size_t)n;
    answer(master, seen, len, pass);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: with_tty PASSPHRASE CMD...\n");
        return 2;
    }
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master))
        return perror("pty"), 1;
    char slave_name[128];
    if (ptsname_r(master, slave_name, sizeof slave_name))
        return perror("ptsname"), 1;
    pid_t pid = fork();
    if (pid < 0)
        return perror("fork"), 1;
    if (pid == 0)
        child(master, slave_name, argv + 2);
    char seen[4096];
    size_t len = 0;
    int st = 0;
    time_t deadline = time(NULL) + 300;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (time(NULL) > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        pump(master, seen, &len, argv[1], 100);
    }
    while (pump(master, seen, &len, argv[1], 0) > 0) /* what it wrote just before it exited */
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
