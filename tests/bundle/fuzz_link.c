/*
 * fuzz_link.c - libFuzzer target over the whole bundler: graph, link and
 * print, on programs of one module or several.
 *
 * An input with lines `//@` is a program of several modules: the text
 * before the first such line is m0.mjs, the next m1.mjs, and so on (a
 * part whose first line is `//cjs` is written as mN.cjs, `//json` as
 * mN.json), in a temporary directory; m0.mjs is the entry, and the graph
 * workers read, parse and resolve them as they would any program - import
 * and export graphs with cycles, `export *`, CommonJS, JSON, import().
 * An input without `//@` is one module whose imports are all treated as
 * externals, so the linker and the printer run on whatever the parser
 * accepts.  Every output format is printed.  Nothing may crash, overrun,
 * leak, hang (-timeout) or blow up (-rss_limit_mb), and the printer may
 * never meet a name the linker did not assign (it aborts in this build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph.h"
#include "js_record.h"
#include "js_printer.h"
#include "linker.h"
#include "sluice/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 8
static const char SEP[] = "\n//@\n";

static sl_pool *pool;
static char dir[64];
static char paths[MAX_PARTS][128];
static size_t nwritten;

static void clear_files(void)
{
    for (size_t i = 0; i < nwritten; i++)
        unlink(paths[i]);
    nwritten = 0;
}

static void cleanup(void)
{
    clear_files();
    if (dir[0])
        rmdir(dir);
}

/* Every format; a failed link is fine, a printed bundle must be whole. */
static void link_and_print(sl__graph *g)
{
    for (int format = FMT_IIFE; format <= FMT_ESM; format++) {
        sl__link_opts lo = {.format = format, .platform_node = 1, .global_name = "G"};
        sl__link L;
        char *lerr = NULL;
        if (sl__link_build(&L, g, 0, &lo, &lerr) == 0) {
            sl__output out;
            if (sl__print(&L, pool, "entry.js.map", "/fuzz", 1, &out) != 0 || !out.code || !out.map)
                abort();
            sl__output_free(&out);
        }
        free(lerr);
        sl__link_free(&L);
    }
}

static void write_part(size_t i, const uint8_t *p, size_t n)
{
    const char *ext = n >= 5 && !memcmp(p, "//cjs", 5) ? "cjs" : n >= 6 && !memcmp(p, "//json", 6) ? "json" : "mjs";
    if (i == 0)
        ext = "mjs";
    snprintf(paths[i], sizeof paths[i], "%s/m%zu.%s", dir, i, ext);
    FILE *f = fopen(paths[i], "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f))
        abort();
}

/* A program of several modules, on disk, through the whole pipeline. */
static void fuzz_program(const uint8_t *data, size_t size)
{
    clear_files();
    if (!dir[0]) {
        strcpy(dir, "/tmp/sl-fuzz-link-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(cleanup);
    }
    const uint8_t *p = data, *end = data + size;
    while (nwritten < MAX_PARTS) {
        const uint8_t *s = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
        if (!s || nwritten == MAX_PARTS - 1)
            s = end;
        write_part(nwritten++, p, (size_t)(s - p));
        if (s == end)
            break;
        p = s + sizeof SEP - 1;
    }
    const char *entries[1] = {paths[0]};
    sl__graph_opts go = {.parse = {.cjs_out = size & 1}, .resolve = {.platform_node = 1}}; /* half with cjs_out's renames */
    sl__graph g;
    char *err = NULL;
    if (sl__graph_build(&g, pool, entries, 1, &go, &err) == 0)
        link_and_print(&g);
    free(err);
    sl__graph_free(&g);
}

typedef struct one {
    const uint8_t *data;
    size_t size;
} one;

/* One module, its imports external (on a thread with the parser's stack). */
static void *fuzz_module(void *arg)
{
    const one *in = arg;
    char *src = malloc(in->size + 1);
    memcpy(src, in->data, in->size);
    src[in->size] = 0;
    sl__arena a;
    sl__arena_init(&a);
    js_parse_opts po = {NULL, 0, JS_META_KEEP, 1, 1}; /* with cjs_out's renames, printed in every format */
    js_module m = {.path = "/fuzz/entry.mjs", .src = src, .len = in->size};
    char err[512];
    if (sl__js_record(&m, &po, &a, NULL, err, sizeof err) == 0) {
        for (size_t i = 0; i < m.nrecs; i++) {
            m.recs[i].module = -1;
            m.recs[i].builtin = 1;
        }
        js_module *mods[1] = {&m};
        sl__graph g = {.mods = mods, .n = 1, .nentries = 1};
        link_and_print(&g);
    }
    sl__arena_free(&a);
    free(src);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pool)
        pool = sl_pool_new(1);
    if (memmem(data, size, SEP, sizeof SEP - 1)) {
        fuzz_program(data, size);
        return 0;
    }
    one in = {data, size};
    if (size < 1000) { /* too short to nest deeper than this thread holds (fuzz_parse.c) */
        fuzz_module(&in);
        return 0;
    }
    pthread_t t;
    if (sl__js_thread_start(&t, fuzz_module, &in))
        abort();
    pthread_join(t, NULL);
    return 0;
}
