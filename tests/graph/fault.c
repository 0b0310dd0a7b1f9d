/*
 * fault.c - fault injection for `sluice graph --isolate`'s tests, linked
 * only into test programs: the strong definition of gr_fault_point (the
 * tool's own, in isolate.c, is an empty weak function), called with every
 * text just before it is parsed.  A file holding the comment
 *
 *     // sluice-fault: KIND
 *
 * makes the parser, wherever it runs, segfault, abort, hang or allocate
 * without bound (the KINDs of tests/fault.h).
 */
#include "fault.h"
#include "parse_all.h"

void gr_fault_point(const char *src, size_t len)
{
    sl__fault_on_marker(src, len, "// sluice-fault: ");
}
