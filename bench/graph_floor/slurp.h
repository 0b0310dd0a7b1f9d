/*
 * slurp.h - the bench/graph parse programs' file reader: a whole file into
 * a malloc'd buffer, as plainly as a program that only parses would.
 */
#ifndef SLUICE_BENCH_GRAPH_SLURP_H
#define SLUICE_BENCH_GRAPH_SLURP_H

#include <stdio.h>
#include <stdlib.h>

static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

#endif
