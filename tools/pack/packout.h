/*
 * packout.h - where pack and unpack write: a regular file through
 * sl_outfile (temporary file, then rename), standard output, or an
 * existing device or FIFO such as /dev/null, which is written in place:
 * renaming a temporary file over a device node would replace the node.
 */
#ifndef SLUICE_PACK_PACKOUT_H
#define SLUICE_PACK_PACKOUT_H

#include <stddef.h>
#include <stdio.h>

#include "outfile.h"

typedef struct sl_pack_out {
    FILE *fp;
    const char *name;
    int special; /* an existing non-regular file, opened directly */
    sl_outfile of;
} sl_pack_out;

/* 0, or -1 with a message naming the file in err. */
int sl_pack_out_open(sl_pack_out *o, const char *path, int force, char *err, size_t errlen);
int sl_pack_out_is_stdout(const sl_pack_out *o);
int sl_pack_out_commit(sl_pack_out *o, char *err, size_t errlen);
void sl_pack_out_abort(sl_pack_out *o);

#endif
