/*
 * fuzz_scratch.h - the scratch directory of a graph fuzz target that
 * writes files: one per process under /dev/shm (or $TMPDIR, /tmp), and
 * those of processes that died without removing theirs (libFuzzer ends
 * a run that hangs with _Exit, so atexit handlers do not run) removed
 * when the next one starts.
 */
#ifndef SLUICE_TESTS_GRAPH_FUZZ_SCRATCH_H
#define SLUICE_TESTS_GRAPH_FUZZ_SCRATCH_H

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int fuzz_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static inline void fuzz_rm_tree(const char *p)
{
    nftw(p, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes base/<prefix>-<pid> (into dir) after removing any
 * base/<prefix>-<pid> whose process is gone. */
static inline void fuzz_scratch_dir(const char *prefix, char *dir, size_t cap)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    DIR *d = opendir(base);
    struct dirent *e;
    char pat[128];
    snprintf(pat, sizeof pat, "%s-%%d", prefix);
    while (d && (e = readdir(d))) {
        int pid;
        if (sscanf(e->d_name, pat, &pid) == 1 && pid != (int)getpid() && kill(pid, 0) != 0 && errno == ESRCH) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", base, e->d_name);
            fuzz_rm_tree(p);
        }
    }
    if (d)
        closedir(d);
    snprintf(dir, cap, "%s/%s-%d", base, prefix, (int)getpid());
    fuzz_rm_tree(dir);
    if (mkdir(dir, 0777) && errno != EEXIST)
        abort();
}

#endif
