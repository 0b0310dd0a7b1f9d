/*
 * fault.h - the faults a tool's --isolate tests inject (tests/md/fault.c,
 * tests/graph/fault.c, linked only into test programs): a marker
 * `sluice-fault: KIND` in an input makes the code that meets it, wherever
 * it runs, segfault (KIND segv: a write through a null pointer), abort
 * (abort), hang (a loop that never ends) or allocate without bound
 * (alloc: 1 MiB blocks, every page touched).
 */
#ifndef SLUICE_TESTS_FAULT_H
#define SLUICE_TESTS_FAULT_H

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *volatile sl__fault_kept; /* so the compiler keeps the allocations */

/* Faults as the KIND after `mark` in src[0..n) says; returns when there is none. */
static inline void sl__fault_on_marker(const char *src, size_t n, const char *mark)
{
    size_t mlen = strlen(mark);
    const char *m = memmem(src, n, mark, mlen);
    if (!m)
        return;
    const char *k = m + mlen;
    size_t left = n - (size_t)(k - src);
    if (left >= 4 && !memcmp(k, "segv", 4)) {
        signal(SIGSEGV, SIG_DFL); /* a plain segfault, even under ASan */
        *(volatile int *)(uintptr_t)sl__fault_kept = 1;
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
            sl__fault_kept = p;
        }
    }
}

#endif
