/*
 * fg_same.h - whether two per-file graphs say the same: the same items,
 * references, use leaves and diagnostics, in the same order, compared by
 * their text (each file interns its strings in its own arena).  For the
 * tests and the fuzzer that check a skimmed parse against a full one.
 */
#ifndef SLUICE_TESTS_GRAPH_FG_SAME_H
#define SLUICE_TESTS_GRAPH_FG_SAME_H

#include <stdio.h>
#include <string.h>

#include "filegraph.h"

static inline int fg_str_same(const fg_file *a, fg_str x, const fg_file *b, fg_str y)
{
    return x.len == y.len && !memcmp(fg_ptr(a, x), fg_ptr(b, y), x.len);
}

/* 1 when a and b agree; else 0, and what differs first on stderr. */
static inline int fg_same(const fg_file *a, const fg_file *b)
{
    if (a->nitems != b->nitems || a->nrefs != b->nrefs || a->nuses != b->nuses || a->ndiags != b->ndiags) {
        fprintf(stderr, "fg_same: counts differ: items %zu/%zu refs %zu/%zu uses %zu/%zu diags %zu/%zu\n",
                a->nitems, b->nitems, a->nrefs, b->nrefs, a->nuses, b->nuses, a->ndiags, b->ndiags);
        return 0;
    }
    for (size_t k = 0; k < a->nitems; k++) {
        const fg_item *x = &a->items[k], *y = &b->items[k];
        if (x->kind != y->kind || x->sub != y->sub || x->parent != y->parent || x->line != y->line ||
            x->col != y->col || x->end_line != y->end_line || x->end_col != y->end_col ||
            !fg_str_same(a, x->name, b, y->name) || !fg_str_same(a, x->sig, b, y->sig) ||
            !fg_str_same(a, x->vis, b, y->vis) || !fg_str_same(a, x->path_attr, b, y->path_attr) ||
            !fg_str_same(a, x->macro, b, y->macro)) {
            fprintf(stderr, "fg_same: item %zu differs: %s %u:%u-%u:%u / %s %u:%u-%u:%u\n", k, fg_ptr(a, x->name),
                    x->line, x->col, x->end_line, x->end_col, fg_ptr(b, y->name), y->line, y->col, y->end_line,
                    y->end_col);
            return 0;
        }
    }
    for (size_t k = 0; k < a->nrefs; k++) {
        const fg_ref *x = &a->refs[k], *y = &b->refs[k];
        if (x->from != y->from || x->edge != y->edge || x->form != y->form || x->line != y->line ||
            !fg_str_same(a, x->text, b, y->text)) {
            fprintf(stderr, "fg_same: reference %zu differs: %s / %s\n", k, fg_ptr(a, x->text), fg_ptr(b, y->text));
            return 0;
        }
    }
    for (size_t k = 0; k < a->nuses; k++) {
        const fg_use *x = &a->uses[k], *y = &b->uses[k];
        if (x->item != y->item || x->glob != y->glob || !fg_str_same(a, x->path, b, y->path) ||
            !fg_str_same(a, x->alias, b, y->alias)) {
            fprintf(stderr, "fg_same: use %zu differs: %s / %s\n", k, fg_ptr(a, x->path), fg_ptr(b, y->path));
            return 0;
        }
    }
    for (size_t k = 0; k < a->ndiags; k++)
        if (a->diags[k].line != b->diags[k].line || strcmp(a->diags[k].msg, b->diags[k].msg)) {
            fprintf(stderr, "fg_same: diagnostic %zu differs: %s / %s\n", k, a->diags[k].msg, b->diags[k].msg);
            return 0;
        }
    return 1;
}

#endif
