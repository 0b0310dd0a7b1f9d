/*
 * packdata.c - test inputs for pack.sh, made without a Python start each:
 *   packdata gen FILE SIZE [SEED]   deterministic mixed data: runs of
 *                                   words (compress well) and of noise
 *   packdata flip FILE POS MASK     FILE[POS] ^= MASK, in place
 * The idea: a shell case should pay one tiny process for its data, not an
 * interpreter (a pyenv shim here costs ~0.9 s of CPU per start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

static int gen(const char *path, size_t size, uint64_t seed)
{
    static const char *const words[] = {"sluice", "channel", "pipeline", "zstd", "frame",
                                        "age",    "chunk",   "worker",   "\n"};
    FILE *f = fopen(path, "wb");
    if (!f)
        return perror(path), 1;
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t left = size; left;) {
        char run[4096];
        size_t n = 0, want = 10 + next(&x) % 3000;
        if (next(&x) & 1) {
            while (n + 10 < want && n + 10 < sizeof run) {
                const char *w = words[next(&x) % 9];
                size_t k = strlen(w);
                memcpy(run + n, w, k);
                run[n + k] = ' ';
                n += k + 1;
            }
        } else {
            for (; n < want && n < sizeof run; n++)
                run[n] = (char)(next(&x) >> 24);
        }
        if (n > left)
            n = left;
        if (fwrite(run, 1, n, f) != n)
            return perror(path), 1;
        left -= n;
    }
    return fclose(f) ? (perror(path), 1) : 0;
}

static int flip(const char *path, long pos, int mask)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return perror(path), 1;
    int c = fseek(f, pos, SEEK_SET) ? EOF : fgetc(f);
    if (c == EOF || fseek(f, pos, SEEK_SET) || fputc(c ^ mask, f) == EOF)
        return fprintf(stderr, "%s: no byte at %ld\n", path, pos), 1;
    return fclose(f) ? (perror(path), 1) : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "gen"))
        return gen(argv[2], strtoull(argv[3], NULL, 10), argc == 5 ? strtoull(argv[4], NULL, 10) : 1);
    if (argc == 5 && !strcmp(argv[1], "flip"))
        return flip(argv[2], strtol(argv[3], NULL, 10), (int)strtol(argv[4], NULL, 0));
    fprintf(stderr, "usage: packdata gen FILE SIZE [SEED] | packdata flip FILE POS MASK\n");
    return 2;
}
