/*
 * fuzz_route_diff.c - libFuzzer target: any bytes as a page body, the
 * routing checks of this tree and of a base commit must answer alike
 * (route_diff.h).  Built and run by route_diff.sh --fuzz, which has the
 * base's code to link it with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly the page's bytes: ASan sees any read past it. */
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    unsigned diff = route_diff_page(s, size);
    free(s);
    for (size_t k = 0; k < ROUTE_NCHECKS; k++)
        if (diff & 1u << k) {
            fprintf(stderr, "fuzz_route_diff: %s answers otherwise than the base's\n", route_checks[k].name);
            abort();
        }
    return 0;
}
