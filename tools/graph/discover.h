/*
 * discover.h - command-line paths to packages, crate roots and files.
 */
#ifndef SLUICE_GRAPH_DISCOVER_H
#define SLUICE_GRAPH_DISCOVER_H

#include "graph.h"

/* Fills g's packages, crates and (walked) files.  Problems with a manifest
 * or a directory become warnings; returns -1 when a path is neither a
 * directory nor a .rs file (the caller stops: a usage error). */
int gr_discover(gr_graph *g, char **paths, int npaths);

#endif
