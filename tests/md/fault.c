/*
 * fault.c - fault injection for `sluice md --isolate`'s tests, linked only
 * into test programs: the strong definition of sl__md_fault_point (the
 * renderer's own is an empty weak function), called at the start of every
 * page's render.  A page holding the marker
 *
 *     <!-- sluice-fault: KIND -->
 *
 * makes the renderer, wherever it runs, segfault (KIND segv: a write
 * through a null pointer), abort (abort), hang (a loop that never ends) or
 * allocate without bound (alloc: 1 MiB blocks, every page touched).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

static char *volatile kept; /* so the compiler keeps the allocations */

void sl__md_fault_point(const char *src, size_t n)
{
    static const char mark[] = "<!-- sluice-fault: ";
    const char *m = memmem(src, n, mark, sizeof mark - 1);
    if (!m)
        return;
    const char *k = m + sizeof mark - 1;
    size_t left = n - (size_t)(k - src);
    if (left >= 4 && !memcmp(k, "segv", 4)) {
        signal(SIGSEGV, SIG_DFL); /* a plain segfault, even under ASan */
        *(volatile int *)(uintptr_t)kept = 1;
    } else if (left >= 5 && !memcmp(k, "abort", 5)) {
        abort();
    } else if (left >= 4 && !memcmp(k, "hang", 4)) {
        for (volatile unsigned long i = 0;; i++)
            ;
    } else if (left >= 5 && !memcmp(k, "alloc", 5)) {
        for (;;) {
            char *p = malloc(1 << 20);
            if (p)
                memset(p, 1, 1 << 20);
            kept = p;
        }
    }
}
