/*
 * fgcodec.h - a per-file graph (filegraph.h) to bytes and back.
 *
 * What a worker learns from one file depends on the file's text alone, so
 * it can be kept (the cache, graphcache.h) or sent elsewhere (another
 * process) as bytes.  The encoding is exact: decoding gives back the same
 * items, references, uses, diagnostics and string arena, offset for
 * offset, so a graph built from decoded files is the same bytes as one
 * built from fresh ones.  Decoding trusts nothing: every count, index,
 * kind and string is checked against the rest, and bytes that do not
 * describe a per-file graph the extractor could have made are refused.
 * The layout is in docs/formats/graph-cache.md ("payload").
 */
#ifndef SLUICE_GRAPH_FGCODEC_H
#define SLUICE_GRAPH_FGCODEC_H

#include <stddef.h>
#include <stdint.h>

#include "filegraph.h"

/* The encoding of f (path and index are not part of it), in a fresh
 * malloc'd buffer: *out, *len. */
void fg_file_encode(const fg_file *f, uint8_t **out, size_t *len);

/* At most how long f's encoding is, and the encoding written to
 * out[0..cap) (cap at least that bound), its length returned: for a
 * caller that keeps many, in memory of its own. */
size_t fg_file_encoded_bound(const fg_file *f);
size_t fg_file_encode_to(const fg_file *f, uint8_t *out, size_t cap);

/* A new fg_file named path, number index, from p[0..n); NULL when the
 * bytes are not a valid encoding. */
fg_file *fg_file_decode(const uint8_t *p, size_t n, const char *path, uint32_t index);

#endif
