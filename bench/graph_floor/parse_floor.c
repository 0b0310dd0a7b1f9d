/*
 * parse_floor.c - the floor for bench/graph: parse every file named on
 * standard input (one path a line) with tree-sitter's Rust grammar, on one
 * thread, and do nothing else.  Reading the files is included, as it is
 * in `sluice graph`; building and deleting the tree is all the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "slurp.h"
#include "sluice/chan.h"

const TSLanguage *tree_sitter_rust(void);

int main(void)
{
    TSParser *p = ts_parser_new();
    if (!ts_parser_set_language(p, tree_sitter_rust())) {
        fprintf(stderr, "graph_parse_floor: the grammar does not load\n");
        return 2;
    }
    char line[8192];
    unsigned long long files = 0, bytes = 0, nodes_with_errors = 0;
    int64_t t0 = sl_now();
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        size_t len;
        char *src = slurp(line, &len);
        if (!src)
            continue;
        TSTree *t = ts_parser_parse_string(p, NULL, src, (uint32_t)len);
        if (t) {
            nodes_with_errors += ts_node_has_error(ts_tree_root_node(t));
            ts_tree_delete(t);
        }
        free(src);
        files++;
        bytes += len;
    }
    double s = (sl_now() - t0) / 1e9;
    fprintf(stderr, "graph_parse_floor: %llu files, %.1f MB, %.3f s, %llu with syntax errors\n", files, bytes / 1e6,
            s, nodes_with_errors);
    ts_parser_delete(p);
    return 0;
}
