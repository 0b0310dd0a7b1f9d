/*
 * route_diff.h - the routing checks of two builds on one page: this
 * tree's (sl__md_*) and a base commit's, the same functions with their
 * names prefixed base_ (route_diff.sh builds the base's seven files and
 * renames their symbols; md4c_links.c's rule is asked through
 * md4c_lists.c's check, its only caller).  The checks may be made faster; they must
 * keep every decision: any difference is a bug in the new code.
 */
#ifndef SLUICE_MD_ROUTE_DIFF_H
#define SLUICE_MD_ROUTE_DIFF_H

#include <stddef.h>

#include "md.h"

#define ROUTE_CHECKS(X)                                                                                           \
    X(sl__md_html_start_md4c_misreads)                                                                            \
    X(sl__md_list_item_md4c_ends_early)                                                                           \
    X(sl__md_emphasis_md4c_pairs_otherwise)                                                                       \
    X(sl__md_definition_md4c_loosens_list)                                                                        \
    X(sl__md_html_lazy_tag_md4c_misreads)                                                                         \
    X(sl__md_md4c_misreads)                                                                                       \
    X(sl__md_md4c_lists_misread)                                                                                  \
    X(sl__md_gfm_needs_cmark)                                                                                     \
    X(sl__md_commonmark_needs_cmark)                                                                              \
    X(sl__md_entity_in_address)

#define ROUTE_DECLARE_BASE(f) int base_##f(const char *s, size_t n);
ROUTE_CHECKS(ROUTE_DECLARE_BASE)
int base_sl__md_md4c_blocks_misread(const char *s, size_t n, int commonmark);

/* md4c_blocks.c's check reads the page otherwise per dialect: both. */
static inline int blocks_gfm(const char *s, size_t n)
{
    return sl__md_md4c_blocks_misread(s, n, 0);
}
static inline int base_blocks_gfm(const char *s, size_t n)
{
    return base_sl__md_md4c_blocks_misread(s, n, 0);
}
static inline int blocks_commonmark(const char *s, size_t n)
{
    return sl__md_md4c_blocks_misread(s, n, 1);
}
static inline int base_blocks_commonmark(const char *s, size_t n)
{
    return base_sl__md_md4c_blocks_misread(s, n, 1);
}

typedef int (*route_check)(const char *, size_t);
#define ROUTE_PAIR(f) {#f, f, base_##f},
static const struct {
    const char *name;
    route_check now, base;
} route_checks[] = {ROUTE_CHECKS(ROUTE_PAIR) ROUTE_PAIR(blocks_gfm) ROUTE_PAIR(blocks_commonmark)};
#define ROUTE_NCHECKS (sizeof route_checks / sizeof route_checks[0])

/* The checks whose answer on s[0..n) differs between the two builds, one
 * bit each (sl__md_routes_to_cmark is their "or", so it differs only
 * where one of them does). */
static inline unsigned route_diff_page(const char *s, size_t n)
{
    unsigned diff = 0;
    for (size_t k = 0; k < ROUTE_NCHECKS; k++)
        if (!route_checks[k].now(s, n) != !route_checks[k].base(s, n))
            diff |= 1u << k;
    return diff;
}

#endif
