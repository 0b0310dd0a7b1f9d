/*
 * manifest.h - the few facts sluice graph needs from a Cargo.toml.
 *
 * Not a TOML library: it reads the whole TOML syntax only well enough to
 * skip what it does not need, and keeps the package name, [lib] path,
 * [[bin]] names and paths, the editions, and [workspace] members and
 * exclude lists.
 * Anything malformed stops the reader with the line it happened on.
 */
#ifndef SLUICE_GRAPH_MANIFEST_H
#define SLUICE_GRAPH_MANIFEST_H

#include <stddef.h>

/* Arrays and inline tables nested deeper than this are refused (the
 * reader recurses on them). */
#define GR_MAX_TOML_NESTING 32

typedef struct gr_strlist {
    char **v;
    size_t n, cap;
} gr_strlist;

void gr_strlist_push(gr_strlist *l, const char *s);
void gr_strlist_free(gr_strlist *l);

typedef struct gr_manifest {
    int has_package, has_workspace;
    char *package_name;
    char *lib_path;       /* [lib] path, or NULL */
    char *lib_name;       /* [lib] name, or NULL */
    char *build;          /* [package] build = "x.rs", or NULL */
    /* Editions as written ("2018"), or NULL: the package's, the [lib]
     * table's, a workspace's [workspace.package] edition (what members
     * with edition.workspace = true take), and package.workspace (the
     * workspace root's directory, when it is not the nearest above). */
    char *edition, *lib_edition, *ws_edition, *workspace_path;
    int edition_workspace; /* [package] edition.workspace = true */
    /* The [[bin]], [[test]], [[bench]] and [[example]] tables, in order:
     * three parallel lists, a name or path "" when the table has none. */
    gr_strlist target_kinds; /* "bin", "test", "bench" or "example" */
    gr_strlist target_names;
    gr_strlist target_paths;
    gr_strlist target_editions;
    gr_strlist members, exclude;
} gr_manifest;

/* Returns 0, or -1 with a message and the 1-based line in *line. */
int gr_manifest_parse(const char *text, size_t len, gr_manifest *m, char *err, size_t errlen,
                      unsigned *line);
void gr_manifest_free(gr_manifest *m);

#endif
