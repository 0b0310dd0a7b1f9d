/*
 * md_time.c - times one run of a command the way bench/md reports it:
 * `md_time CMD [ARG...]` forks, execs CMD with its standard output on
 * /dev/null, waits, and prints "seconds peak-RSS-KiB CPU-seconds" on
 * standard output.  The seconds run from just before the fork to just
 * after wait4 returns: the command's own exec, start-up, work and exit,
 * and nothing of the timer's.  bench/md used to put bash's clock around
 * /usr/bin/time around the command, which added bash's fork and a second
 * exec (/usr/bin/time's own start-up: 1-3 ms of wall on this machine's
 * VM, against a sluice md run of ~100 ms).  The CPU is the child's user +
 * system time from wait4's rusage (microseconds, where time(1)'s %U and
 * %S have 10 ms steps), the RSS its ru_maxrss.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: md_time CMD [ARG...] (prints \"seconds peak-RSS-KiB CPU-seconds\")\n");
        return 2;
    }
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) {
        perror("md_time: /dev/null");
        return 2;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("md_time: fork");
        return 2;
    }
    if (pid == 0) {
        dup2(null, STDOUT_FILENO);
        execvp(argv[1], argv + 1);
        fprintf(stderr, "md_time: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    double t1 = now();
    if (r < 0) {
        perror("md_time: wait4");
        return 2;
    }
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 (double)ru.ru_stime.tv_usec / 1e6;
    printf("%.4f %ld %.4f\n", t1 - t0, ru.ru_maxrss, cpu);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "md_time: %s: %s %d\n", argv[1], WIFEXITED(status) ? "exit" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return 1;
    }
    return 0;
}
