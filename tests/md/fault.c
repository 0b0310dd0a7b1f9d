/*
 * fault.c - fault injection for `sluice md --isolate`'s tests, linked only
 * into test programs: the strong definition of sl__md_fault_point (the
 * renderer's own is an empty weak function), called at the start of every
 * page's render.  A page holding the marker
 *
 *     <!-- sluice-fault: KIND -->
 *
 * makes the renderer, wherever it runs, segfault, abort, hang or allocate
 * without bound (the KINDs of tests/fault.h).
 */
#include "fault.h"
#include "md.h"

void sl__md_fault_point(const char *src, size_t n)
{
    sl__fault_on_marker(src, n, "<!-- sluice-fault: ");
}
