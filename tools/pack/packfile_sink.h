/*
 * packfile_sink.h - a read of a packfile whose output is handed to a
 * writer as it is decoded: what `sluice unpack` uses to write a file in
 * place through the seekable reader, copying each piece while it is still
 * in the cache.  Unlike sl_packfile_read, bytes are handed on before the
 * whole range (or, in a plain file, a frame's checksum) is verified, so
 * the writer must be one whose output is thrown away when the read fails
 * (a temporary file that is linked into place only after success).
 */
#ifndef SLUICE_PACK_PACKFILE_SINK_H
#define SLUICE_PACK_PACKFILE_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "sluice/packfile.h"

/* Takes n decoded bytes that belong at original offset `at`: 0, or
 * non-zero to stop the read (which then fails with SL_PACKFILE_EIO). */
typedef int (*sl__packfile_sink)(void *ctx, const uint8_t *p, size_t n, uint64_t at);

/* sl_packfile_read, handing the bytes of [offset, offset + len) to fn in
 * order as they are decoded (fn may be NULL); buf still receives them.
 * With buf NULL, fn gets each frame's part from the reader's own frame
 * buffer once that frame is decoded and verified (a range's earlier
 * frames may have been handed on when a later one fails). */
int sl__packfile_read_to(sl_packfile *pf, uint64_t offset, void *buf, size_t len, sl__packfile_sink fn, void *ctx,
                         char *err, size_t errlen);

/* A plain file: checks every frame's header against the seek table (its
 * place in the stream, and its content size where the header gives one),
 * as a read does for the frames before it: 0, or SL_PACKFILE_EAUTH with
 * the first frame that disagrees in err.  For --list, which prints the
 * table.  Nothing to check in age, whose table is authenticated. */
int sl__packfile_check_table(sl_packfile *pf, char *err, size_t errlen);

/* The caller reads every frame of the file, from the first, and throws
 * away all it wrote if any read fails (unpack of a whole file): then a
 * read need not check the frames before it against the table (see
 * check_frames_before), because the caller's own reads of those frames
 * check their sizes. */
void sl__packfile_reading_whole(sl_packfile *pf);

#endif
