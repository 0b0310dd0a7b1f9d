/*
 * metafile.h - esbuild's metafile JSON: what went into each output.
 *
 * {"inputs": {path: {"bytes", "imports": [{"path", "kind", "original"}],
 *  "format"}}, "outputs": {file: {"bytes", "inputs": {path:
 *  {"bytesInOutput"}}, "imports", "exports", "entryPoint"}}}.
 * Paths are relative to the working directory, as esbuild writes them.
 */
#ifndef SL_BUNDLE_METAFILE_H
#define SL_BUNDLE_METAFILE_H

#include <stdio.h>

#include "js_printer.h"
#include "linker.h"

typedef struct sl__meta_output {
    const char *file;
    sl__link *link;
    sl__output *out;
} sl__meta_output;

void sl__metafile_write(FILE *f, sl__graph *g, const uint8_t *kinds, const sl__meta_output *outs, size_t nouts);

#endif
