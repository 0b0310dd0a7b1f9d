/*
 * packfile_random_read.c - serving random reads from an archive made by
 * `sluice pack`, on several threads through one handle.
 *
 *   packfile_random_read ARCHIVE [IDENTITY_FILE|-] [THREADS] [READS] [SIZE]
 *
 * Each of THREADS threads (default 4) reads READS ranges (default 1000)
 * of SIZE bytes (default 65536) at random offsets and the program prints
 * the latency percentiles.  With a 1 GiB archive:
 *
 *   head -c 1G /dev/urandom > big; sluice keygen -o key.txt
 *   sluice pack -q -r "$(sluice keygen -y key.txt)" -o big.zst.age big
 *   build/examples/packfile_random_read big.zst.age key.txt 4 1000 65536
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, under -std=c11 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sluice/packfile.h>

typedef struct reader {
    sl_packfile *pf;
    unsigned seed;
    int reads;
    size_t size;
    double *ms; /* each read's latency */
    int failed;
} reader;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void *serve(void *arg)
{
    reader *r = arg;
    char *buf = malloc(r->size), err[512];
    uint64_t x = 0x9E3779B97F4A7C15ull * r->seed + 1, size = sl_packfile_size(r->pf);
    for (int i = 0; buf && i < r->reads; i++) {
        uint64_t off = next(&x) % (size - r->size + 1);
        double t0 = now_ms();
        if (sl_packfile_read(r->pf, off, buf, r->size, err, sizeof err) != SL_PACKFILE_OK) {
            fprintf(stderr, "%s\n", err); /* e.g. a corrupted chunk under this range */
            r->failed++;
        }
        r->ms[i] = now_ms() - t0;
    }
    free(buf);
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ARCHIVE [IDENTITY_FILE|-] [THREADS] [READS] [SIZE]\n", argv[0]);
        return 2;
    }
    sl_packfile_key key = {0};
    if (argc > 2 && strcmp(argv[2], "-"))
        key.identity_file = argv[2];
    int threads = argc > 3 ? atoi(argv[3]) : 4, reads = argc > 4 ? atoi(argv[4]) : 1000;
    size_t size = argc > 5 ? (size_t)atol(argv[5]) : 65536;
    if (threads < 1 || threads > 256 || reads < 1)
        return 2;
    sl_packfile *pf;
    char err[512];
    if (sl_packfile_open(&pf, argv[1], &key, err, sizeof err) != SL_PACKFILE_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (size > sl_packfile_size(pf)) {
        fprintf(stderr, "%s: only %llu bytes\n", argv[1], (unsigned long long)sl_packfile_size(pf));
        return 1;
    }
    reader *r = calloc((size_t)threads, sizeof *r);
    double *ms = calloc((size_t)threads * (size_t)reads, sizeof *ms);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    double t0 = now_ms();
    for (int i = 0; i < threads; i++) {
        r[i] = (reader){pf, (unsigned)i + 1, reads, size, ms + (size_t)i * (size_t)reads, 0};
        pthread_create(&t[i], NULL, serve, &r[i]);
    }
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        failed += r[i].failed;
    }
    double wall = now_ms() - t0;
    size_t n = (size_t)threads * (size_t)reads;
    qsort(ms, n, sizeof *ms, by_value);
    printf("%s: %llu bytes in %zu frames%s\n", argv[1], (unsigned long long)sl_packfile_size(pf),
           sl_packfile_frames(pf), sl_packfile_encrypted(pf) ? ", encrypted" : "");
    printf("%zu reads of %zu bytes on %d threads in %.0f ms (%.0f reads/s): p50 %.2f ms, p99 %.2f ms, max %.2f ms%s\n",
           n, size, threads, wall, (double)n / wall * 1e3, ms[n / 2], ms[n * 99 / 100], ms[n - 1],
           failed ? " (some failed)" : "");
    sl_packfile_close(pf);
    free(r);
    free(ms);
    free(t);
    return failed ? 1 : 0;
}
