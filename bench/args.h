/*
 * args.h - the one command-line rule the benchmarks share: a flag's value
 * is a whole number of at least 1, or the program prints its usage.
 */
#ifndef SLUICE_BENCH_ARGS_H
#define SLUICE_BENCH_ARGS_H

#include <stdlib.h>

/* The value after argv[*i] (advancing *i), or usage() when it is missing,
 * not a number, or below 1.  usage must not return. */
static inline long sl_bench_arg_count(int argc, char **argv, int *i, void (*usage)(void))
{
    if (*i + 1 >= argc)
        usage();
    char *end;
    long v = strtol(argv[++*i], &end, 10);
    if (*end || v <= 0)
        usage();
    return v;
}

#endif
