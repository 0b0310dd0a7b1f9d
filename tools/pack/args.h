/*
 * args.h - the command-line pieces pack, unpack and keygen share:
 * sizes and counts, passphrases, and the first-error-wins failure record
 * that pipeline stages on many threads report into.
 */
#ifndef SLUICE_PACK_ARGS_H
#define SLUICE_PACK_ARGS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* "4194304", "64K", "4M", "1G" (binary units).  0, or -1 if malformed. */
int sl_args_size(const char *s, uint64_t *out);
/* "OFFSET:LENGTH" or "OFFSET:" (to the end: *to_end set, *len 0), each a
 * size as sl_args_size reads it.  0, or -1 if malformed. */
int sl_args_range(const char *s, uint64_t *off, uint64_t *len, int *to_end);
/* A decimal count in [lo, hi].  0 or -1. */
int sl_args_uint(const char *s, long lo, long hi, long *out);

/* Passphrases live in sodium_malloc'd memory; free with sl_pass_free. */
typedef struct sl_pass {
    char *p;
    size_t len;
} sl_pass;
/* The first line of a file (its line end removed).  0, or -1 with why. */
int sl_pass_from_file(sl_pass *pw, const char *path, char *err, size_t errlen);
/* Prompts on /dev/tty with echo off; confirm: ask twice and compare. */
int sl_pass_from_tty(sl_pass *pw, int confirm, char *err, size_t errlen);
void sl_pass_free(sl_pass *pw);

/* The first failure of a run, reported from any thread. */
typedef struct sl_fail {
    pthread_mutex_t mu;
    int set;
    char msg[512];
} sl_fail;
void sl_fail_init(sl_fail *f);
/* Records a message unless one is recorded already; returns -1. */
int sl_fail_set(sl_fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
