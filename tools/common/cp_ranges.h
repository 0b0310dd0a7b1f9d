/*
 * cp_ranges.h - is code point c in a table of sorted, disjoint, inclusive
 * ranges {lo, hi} (the generated Unicode tables: tools/js's identifier
 * characters, tools/md's heading-id tables)?  A binary search.
 * Shared by the JS lexer (tools/js) and the slugger (tools/md/slug.c).
 */
#ifndef SLUICE_TOOL_CP_RANGES_H
#define SLUICE_TOOL_CP_RANGES_H

#include <stddef.h>
#include <stdint.h>

static inline int sl_cp_in_ranges(const uint32_t (*r)[2], size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < r[mid][0])
            hi = mid;
        else if (c > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

#endif
