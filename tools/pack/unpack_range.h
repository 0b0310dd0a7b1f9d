/*
 * unpack_range.h - the random-access faces of `sluice unpack`: --range
 * (restore part of the original through the seekable reader) and --list
 * (the frames, from the seek table, or walked for a stream without one).
 */
#ifndef SLUICE_PACK_UNPACK_RANGE_H
#define SLUICE_PACK_UNPACK_RANGE_H

#include <stdint.h>

#include "session.h"
#include "zscan.h"

/* --range: the whole run after the flags; returns 0 or -1 (recorded). */
int sl_unpack_range(sl_pack_session *s);

/* --list from the seek table: 0 when printed; 1 when the input has no seek
 * table to read from the end (not seekable, or none at its end: the caller
 * walks the stream instead, with sl_unpack_list_scanned); -1 (recorded). */
int sl_unpack_list_table(sl_pack_session *s);
/* --list from frames a scanner walked (zscan's log); age: inside age. */
void sl_unpack_list_scanned(const sl_pack_session *s, const sl_zscan *scan, int age);

#endif
