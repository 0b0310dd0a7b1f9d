/*
 * parse_arena.c - tree-sitter parsing alone, as `sluice graph` parses: each
 * file's parser and tree in the per-thread bump arena (tools/graph/
 * tsarena.h) instead of malloc, the regions the lexical scan takes
 * (tools/graph/skim.h: plain top-level constants, macro invocations among
 * the items) left out of the parse, files handed out largest first, on
 * THREADS threads; no extraction, no graph.  bench/graph shows it beside
 * the plain floor (graph_parse_floor) to say how much of sluice graph's
 * time is tree-sitter itself and what two cores could do at best.
 *
 * usage: graph_parse_arena [THREADS] < file-list
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>

#include "slurp.h"
#include "sluice/chan.h"
#include "skim.h"
#include "tsarena.h"

const TSLanguage *tree_sitter_rust(void);

typedef struct item {
    char *path;
    long long size;
} item;

static item *items;
static size_t nitems;
static atomic_size_t next;

static void *worker(void *arg)
{
    (void)arg;
    gr_tsarena *a = gr_tsarena_new();
    gr_skims sk = {0};
    TSRange *ranges = NULL;
    size_t cap = 0;
    for (;;) {
        size_t i = atomic_fetch_add(&next, 1);
        if (i >= nitems)
            break;
        size_t len;
        char *src = slurp(items[i].path, &len);
        if (!src)
            continue;
        size_t nranges = gr_skim(src, len, &sk) ? gr_skim_ranges(&sk, &ranges, &cap) : 0;
        gr_tsarena_begin(a);
        TSParser *p = ts_parser_new();
        TSTree *t = p && ts_parser_set_language(p, tree_sitter_rust()) &&
                            (!nranges || ts_parser_set_included_ranges(p, ranges, (uint32_t)nranges))
                        ? ts_parser_parse_string(p, NULL, src, (uint32_t)len)
                        : NULL;
        if (t && !a)
            ts_tree_delete(t); /* no arena (a sanitizer build): plain malloc */
        if (p)
            ts_parser_delete(p);
        gr_tsarena_end(a); /* with an arena, the tree goes with it */
        free(src);
    }
    gr_tsarena_free(a);
    gr_skims_free(&sk);
    free(ranges);
    return NULL;
}

static int by_size(const void *x, const void *y)
{
    const item *a = x, *b = y;
    return a->size < b->size ? 1 : a->size > b->size ? -1 : 0;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "usage: graph_parse_arena [THREADS] < file-list\n");
        return 2;
    }
    char line[8192];
    size_t cap = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        struct stat st;
        if (stat(line, &st) != 0)
            continue;
        if (nitems == cap)
            items = realloc(items, (cap = cap ? cap * 2 : 1024) * sizeof *items);
        items[nitems++] = (item){strdup(line), (long long)st.st_size};
    }
    qsort(items, nitems, sizeof *items, by_size);
    int64_t t0 = sl_now();
    pthread_t tid[256];
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, NULL);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    fprintf(stderr, "graph_parse_arena: %zu files, %d threads, %.3f s\n", nitems, threads, (sl_now() - t0) / 1e9);
    for (size_t i = 0; i < nitems; i++)
        free(items[i].path);
    free(items);
    return 0;
}
