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
/* A whole input (open in s) that has a seek table, to out_path (NULL
 * under --test; the session takes it): 0 or -1 (recorded, run finished);
 * 1 when the input cannot be read this way (a pipe, no seek table,
 * armor, malformed): nothing done, out_path still the caller's, and the
 * caller streams instead. */
int sl_unpack_seekable(sl_pack_session *s, char *out_path);

/* --list from the seek table: 0 when printed; 1 when the input has no seek
 * table to read from the end (not seekable, or none at its end: the caller
 * walks the stream instead, with sl_unpack_list_scanned); -1 (recorded). */
int sl_unpack_list_table(sl_pack_session *s);
/* --list from frames a scanner walked (zscan's log); age: inside age. */
void sl_unpack_list_scanned(const sl_pack_session *s, const sl_zscan *scan, int age);

#endif
