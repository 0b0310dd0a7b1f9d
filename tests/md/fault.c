/*
 * fault.c - fault injection for `sluice md --isolate`'s tests, linked only
 * into test programs: the strong definition of sl__md_fault_point (the
 * renderer's own is an empty weak function), called at the start of every
 * page's render.  A page holding the marker
 *
 *     <!-- sluice-fault: KIND -->
 *
 * makes the renderer, wherever it runs, segfault, abort, hang or allocate
 * without bound (the KINDs of tests/fault.h).  A page holding
 *
 *     <!-- sluice-nofile-to: PATH -->
 *
 * makes it write the RLIMIT_NOFILE soft limit of the process it renders
 * in to PATH (decimal): what a worker process was given.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fault.h"
#include "md.h"

static void report_nofile(const char *src, size_t n)
{
    static const char mark[] = "<!-- sluice-nofile-to: ";
    const char *m = memmem(src, n, mark, sizeof mark - 1);
    if (!m)
        return;
    const char *p = m + sizeof mark - 1, *end = memmem(p, n - (size_t)(p - src), " -->", 4);
    char path[1024], text[32];
    struct rlimit rl;
    if (!end || (size_t)(end - p) >= sizeof path || getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    memcpy(path, p, (size_t)(end - p));
    path[end - p] = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    int len = snprintf(text, sizeof text, "%llu", (unsigned long long)rl.rlim_cur);
    if (write(fd, text, (size_t)len) != len)
        unlink(path);
    close(fd);
}

void sl__md_fault_point(const char *src, size_t n)
{
    report_nofile(src, n);
    sl__fault_on_marker(src, n, "<!-- sluice-fault: ");
}
