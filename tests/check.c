/* check.c - runs the SL_TEST cases of one suite binary; see check.h. */
#include "check.h"

#include <string.h>
#include <time.h>

static sl_test_case *tests;
static const char *current;

void sl_test_register(sl_test_case *t)
{
    /* Constructors run in file order; keep that order for the listing. */
    sl_test_case **p = &tests;
    while (*p)
        p = &(*p)->next;
    *p = t;
}

void sl_test_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: %s: check failed: %s\n", file, line, current ? current : "?", what);
    fflush(stderr);
    abort();
}

int sl_test_stress(void)
{
    const char *s = getenv("SLUICE_STRESS");
    int n = s ? atoi(s) : 1;
    return n > 0 ? n : 1;
}

uint64_t sl_test_rand(void)
{
    static _Thread_local uint64_t x;
    if (!x)
        x = (uint64_t)(uintptr_t)&x ^ (uint64_t)time(NULL) ^ 0x9E3779B97F4A7C15ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

static int run(sl_test_case *t)
{
    current = t->name;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    t->fn();
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    printf("ok   %s (%.1f ms)\n", t->name, ms);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--list")) {
        for (sl_test_case *t = tests; t; t = t->next)
            printf("%s\n", t->name);
        return 0;
    }
    int ran = 0;
    for (sl_test_case *t = tests; t; t = t->next) {
        int want = argc < 2;
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], t->name))
                want = 1;
        if (want)
            ran += 1 + run(t);
    }
    if (ran == 0 || (argc > 1 && ran != argc - 1)) {
        fprintf(stderr, "no test matched the names given (--list lists them)\n");
        return 1;
    }
    return 0;
}

char *sl_test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(m);
    fclose(f);
    return buf;
}
