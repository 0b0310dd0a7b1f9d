/*
 * md_md4c.c - the ceiling per core: md4c-html alone, one thread, every page
 * already in memory, output collected in memory and dropped.
 * `md_md4c LIST [REPS]` reads the page paths from the file LIST, renders
 * the whole set REPS times and prints the median pass as
 * "pages MB seconds".  bench/md.sh runs it.
 */
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "sluice/chan.h"

static void sink(const MD_CHAR *t, MD_SIZE n, void *ud)
{
    sl__md_buf_put(ud, t, n);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: md_md4c LIST [REPS] (build/bench/md runs it on its corpus)\n");
        return 0;
    }
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        perror(argv[1]);
        return 1;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1)
        reps = 1;
    char path[4096];
    size_t n = 0, cap = 0, bytes = 0;
    sl__md_buf *pages = NULL;
    while (fgets(path, sizeof path, list)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        if (n == cap)
            pages = realloc(pages, (cap = cap ? cap * 2 : 1024) * sizeof *pages);
        pages[n] = (sl__md_buf){0};
        char tmp[65536];
        size_t r;
        while ((r = fread(tmp, 1, sizeof tmp, f)) > 0)
            sl__md_buf_put(&pages[n], tmp, r);
        fclose(f);
        bytes += pages[n++].len;
    }
    double *secs = calloc((size_t)reps, sizeof *secs);
    sl__md_buf out = {0};
    for (int r = 0; r < reps; r++) {
        int64_t t0 = sl_now();
        for (size_t i = 0; i < n; i++) {
            out.len = 0;
            md_html(pages[i].data ? pages[i].data : "", (MD_SIZE)pages[i].len, sink, &out,
                    MD_DIALECT_GITHUB | MD_FLAG_NOHTML, MD_HTML_FLAG_SKIP_UTF8_BOM);
        }
        secs[r] = (sl_now() - t0) / 1e9;
    }
    qsort(secs, (size_t)reps, sizeof *secs, cmp);
    printf("%zu %.3f %.4f\n", n, bytes / 1e6, secs[reps / 2]);
    return 0;
}
