/*
 * discover.h - command-line paths to packages, crate roots and files.
 */
#ifndef SLUICE_GRAPH_DISCOVER_H
#define SLUICE_GRAPH_DISCOVER_H

#include "graph.h"

/* Limits of the walk (README "Limits"): directories below a package
 * directory searched for .rs files, and how deep workspaces may sit in
 * workspaces (counting a registry directory of crates as one level). */
#define GR_MAX_WALK_DEPTH 32
/* Directories read at most for the note on what no package holds. */
#define GR_UNREAD_DIRS 1024
#define GR_MAX_WORKSPACE_DEPTH 4

/* Fills g's packages, crates and (walked) files.  Problems with a manifest
 * or a directory become warnings; returns -1 when a path is neither a
 * directory nor a .rs file (the caller stops: a usage error). */
int gr_discover(gr_graph *g, char **paths, int npaths);

#endif
