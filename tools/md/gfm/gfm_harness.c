/*
 * gfm_harness - sluice's own GFM renderer (tools/md/gfm) against the two
 * it is to replace, in one process:
 *
 *   gfm_harness render FILE [--commonmark] [--safe]
 *       our HTML of FILE on stdout
 *   gfm_harness cmark FILE [--commonmark] [--safe]
 *       libcmark-gfm's HTML of FILE (as tools/md/render_cmark.c sets it up)
 *   gfm_harness bench LIST PASSES
 *       the pages named in LIST (one path a line) read into memory, then
 *       PASSES passes of md4c-html (MD_DIALECT_GITHUB) and of ours over
 *       all of them, alternated; best and median pass of each, the ratio
 *   gfm_harness compare LIST [OUTDIR] [--commonmark] [--safe]
 *       each page rendered by libcmark-gfm and by ours, compared byte for
 *       byte; the count identical; with OUTDIR the differing pages' two
 *       outputs written there (N.cmark.html, N.ours.html)
 *   gfm_harness spec SPEC.TXT [--commonmark] [--safe] [-v]
 *       every example of a cmark-gfm spec file (spec.txt, extensions.txt)
 *       rendered by both; per section, how many are byte-identical (and
 *       the numbers of those that are not), and how many of ours are the
 *       spec's own HTML byte for byte
 *
 * The GFM dialect is what render_cmark.c attaches: table, strikethrough,
 * autolink, tasklist, CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE (--safe drops
 * the UNSAFE, --commonmark the extensions).
 */
#define _POSIX_C_SOURCE 200809L
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gfm.h"
#include "gfm_ref.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b) {
        char *nb = realloc(b, n + 1); /* NUL-terminated for the list reader */
        if (!nb) {
            free(b);
            return NULL;
        }
        b = nb;
        b[n] = 0;
    }
    *len = n;
    return b;
}

static char *cmark_render(const char *s, size_t n, int commonmark, int safe)
{
    return sl_gfm_ref_render(s, n, commonmark, safe);
}

static unsigned our_flags(int commonmark, int safe)
{
    return sl_gfm_ref_flags(commonmark, safe);
}

typedef struct page {
    char *path, *text;
    size_t len;
} page;

static page *read_list(const char *list, size_t *count)
{
    size_t len;
    char *names = read_file(list, &len);
    if (!names) {
        fprintf(stderr, "gfm_harness: cannot read %s\n", list);
        exit(2);
    }
    size_t cap = 64, n = 0;
    page *pages = malloc(cap * sizeof *pages);
    for (char *line = strtok(names, "\n"); line; line = strtok(NULL, "\n")) {
        if (!*line)
            continue;
        if (n == cap)
            pages = realloc(pages, (cap *= 2) * sizeof *pages);
        pages[n].path = strdup(line);
        pages[n].text = read_file(line, &pages[n].len);
        if (!pages[n].text) {
            fprintf(stderr, "gfm_harness: cannot read %s\n", line);
            exit(2);
        }
        n++;
    }
    free(names);
    *count = n;
    return pages;
}

static void free_pages(page *pages, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pages[i].path);
        free(pages[i].text);
    }
    free(pages);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sink(const MD_CHAR *s, MD_SIZE n, void *u)
{
    size_t *total = u;
    (void)s;
    *total += n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench(const char *list, int passes)
{
    size_t n;
    page *pages = read_list(list, &n);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += pages[i].len;
    double *t4 = calloc((size_t)passes, sizeof *t4), *tg = calloc((size_t)passes, sizeof *tg);
    sl_gfm *g = sl_gfm_new();
    size_t out4 = 0, outg = 0;
    for (int p = 0; p < passes; p++) {
        double t = now();
        for (size_t i = 0; i < n; i++)
            md_html(pages[i].text, (MD_SIZE)pages[i].len, sink, &out4, MD_DIALECT_GITHUB, 0);
        t4[p] = now() - t;
        t = now();
        for (size_t i = 0; i < n; i++) {
            size_t len;
            if (!sl_gfm_render(g, pages[i].text, pages[i].len, SL_GFM_GITHUB | SL_GFM_UNSAFE, &len))
                return 1;
            outg += len;
        }
        tg[p] = now() - t;
    }
    qsort(t4, (size_t)passes, sizeof *t4, cmp_double);
    qsort(tg, (size_t)passes, sizeof *tg, cmp_double);
    double m4 = t4[passes / 2], mg = tg[passes / 2];
    printf("%zu pages, %zu bytes, %d passes (HTML: md4c %zu bytes, ours %zu bytes a pass)\n", n, bytes, passes,
           out4 / (size_t)passes, outg / (size_t)passes);
    printf("md4c-html: best %.2f ms, median %.2f ms (%.1f us/page, %.2f ns/byte)\n", t4[0] * 1e3, m4 * 1e3,
           m4 * 1e6 / (double)n, m4 * 1e9 / (double)bytes);
    printf("ours:      best %.2f ms, median %.2f ms (%.1f us/page, %.2f ns/byte)\n", tg[0] * 1e3, mg * 1e3,
           mg * 1e6 / (double)n, mg * 1e9 / (double)bytes);
    printf("ours / md4c: best %.3f, median %.3f\n", tg[0] / t4[0], mg / m4);
    sl_gfm_free(g);
    free(t4);
    free(tg);
    free_pages(pages, n);
    return 0;
}

static int compare(const char *list, const char *outdir, int commonmark, int safe)
{
    size_t n, same = 0;
    page *pages = read_list(list, &n);
    sl_gfm *g = sl_gfm_new();
    for (size_t i = 0; i < n; i++) {
        char *c = cmark_render(pages[i].text, pages[i].len, commonmark, safe);
        size_t len;
        const char *o = sl_gfm_render(g, pages[i].text, pages[i].len, our_flags(commonmark, safe), &len);
        if (o && strlen(c) == len && memcmp(c, o, len) == 0) {
            same++;
        } else {
            printf("differs: %s\n", pages[i].path);
            if (outdir) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%zu.cmark.html", outdir, i);
                FILE *f = fopen(path, "wb");
                if (f) {
                    fputs(c, f);
                    fclose(f);
                }
                snprintf(path, sizeof path, "%s/%zu.ours.html", outdir, i);
                f = fopen(path, "wb");
                if (f) {
                    fwrite(o, 1, o ? len : 0, f);
                    fclose(f);
                }
            }
        }
        free(c);
    }
    printf("%zu of %zu pages identical to cmark-gfm\n", same, n);
    sl_gfm_free(g);
    free_pages(pages, n);
    return same == n ? 0 : 1;
}

/* spec.txt: examples between "```````````````````````````````` example"
 * and a line "````````````````````````````````", markdown and HTML
 * separated by a line ".", tabs written "→"; sections are "#" headings */
static void untab(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x86 && (unsigned char)r[2] == 0x92) {
            *w++ = '\t';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
}

static char *take_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = 0;
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    return line;
}

static int spec(const char *path, int verbose, int commonmark, int safe)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        return 2;
    text = realloc(text, len + 1);
    text[len] = 0;
    sl_gfm *g = sl_gfm_new();
    char section[256] = "";
    int number = 0, total = 0, total_same = 0, sec_n = 0, sec_same = 0, sec_exp = 0, total_exp = 0;
    char failed[4096] = "";
    char *cursor = text, *line;
    while ((line = take_line(&cursor))) {
        if (line[0] == '#') {
            char *h = line;
            while (*h == '#')
                h++;
            while (*h == ' ')
                h++;
            if (sec_n)
                printf("%-40s %3d/%3d  (spec's HTML: %3d)%s%s\n", section, sec_same, sec_n, sec_exp,
                       *failed ? "  differ:" : "", failed);
            snprintf(section, sizeof section, "%s", h);
            sec_n = sec_same = sec_exp = 0;
            failed[0] = 0;
        } else if (strncmp(line, "```````````````````````````````` example", 40) == 0) {
            size_t cap = 1024, mn = 0;
            char *md = malloc(cap);
            while ((line = take_line(&cursor)) && strcmp(line, ".") != 0) {
                size_t l = strlen(line);
                while (mn + l + 2 > cap)
                    md = realloc(md, cap *= 2);
                memcpy(md + mn, line, l);
                mn += l;
                md[mn++] = '\n';
            }
            md[mn] = 0;
            size_t hcap = 1024, hn = 0;
            char *want = malloc(hcap);
            while ((line = take_line(&cursor)) && strncmp(line, "````````````````````````````````", 32) != 0) {
                size_t l = strlen(line);
                while (hn + l + 2 > hcap)
                    want = realloc(want, hcap *= 2);
                memcpy(want + hn, line, l);
                hn += l;
                want[hn++] = '\n';
            }
            want[hn] = 0;
            untab(want);
            number++;
            untab(md);
            char *c = cmark_render(md, strlen(md), commonmark, safe);
            size_t ol;
            const char *o = sl_gfm_render(g, md, strlen(md), our_flags(commonmark, safe), &ol);
            int same = o && strlen(c) == ol && memcmp(c, o, ol) == 0;
            int expected = o && strlen(want) == ol && memcmp(want, o, ol) == 0;
            sec_exp += expected;
            total_exp += expected;
            free(want);
            sec_n++;
            total++;
            sec_same += same;
            total_same += same;
            if (!same) {
                size_t fl = strlen(failed);
                if (fl < sizeof failed - 16)
                    snprintf(failed + fl, sizeof failed - fl, " %d", number);
                if (verbose)
                    printf("--- example %d\n%s--- cmark-gfm\n%s--- ours\n%.*s", number, md, c, (int)ol, o ? o : "");
            }
            free(c);
            free(md);
        }
    }
    if (sec_n)
        printf("%-40s %3d/%3d  (spec's HTML: %3d)%s%s\n", section, sec_same, sec_n, sec_exp, *failed ? "  differ:" : "",
               failed);
    printf("spec's own HTML, byte for byte: %d of %d\n", total_exp, total);
    printf("total: %d of %d examples identical to cmark-gfm\n", total_same, total);
    sl_gfm_free(g);
    free(text);
    return total_same == total ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gfm_harness render|cmark|bench|compare|spec ARGS\n");
        return 2;
    }
    int commonmark = 0, safe = 0, verbose = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--commonmark"))
            commonmark = 1;
        else if (!strcmp(argv[i], "--safe"))
            safe = 1;
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
    }
    if (!strcmp(argv[1], "render") || !strcmp(argv[1], "cmark")) {
        size_t len;
        char *s = read_file(argv[2], &len);
        if (!s) {
            fprintf(stderr, "gfm_harness: cannot read %s\n", argv[2]);
            return 2;
        }
        if (argv[1][0] == 'c') {
            char *h = cmark_render(s, len, commonmark, safe);
            fputs(h, stdout);
            free(h);
        } else {
            sl_gfm *g = sl_gfm_new();
            size_t n;
            const char *h = sl_gfm_render(g, s, len, our_flags(commonmark, safe), &n);
            if (!h)
                return 1;
            fwrite(h, 1, n, stdout);
            sl_gfm_free(g);
        }
        free(s);
        return 0;
    }
    if (!strcmp(argv[1], "bench"))
        return bench(argv[2], argc > 3 ? atoi(argv[3]) : 10);
    if (!strcmp(argv[1], "compare"))
        return compare(argv[2], argc > 3 && argv[3][0] != '-' ? argv[3] : NULL, commonmark, safe);
    if (!strcmp(argv[1], "spec"))
        return spec(argv[2], verbose, commonmark, safe);
    fprintf(stderr, "gfm_harness: unknown command %s\n", argv[1]);
    return 2;
}
