/*
 * resolver.h - finds the file an import specifier names, as node and the
 * bundlers do: relative and absolute paths with extension and index
 * probing, bare specifiers through node_modules up the tree, package.json
 * `exports` (conditions and subpath patterns), `module`/`main`/`browser`.
 *
 * One resolver per worker: its package.json cache is private, so workers
 * resolve without sharing a lock (a package.json may be read by several
 * workers; that costs a little duplicated work, never a wait).
 */
#ifndef SL_BUNDLE_RESOLVER_H
#define SL_BUNDLE_RESOLVER_H

#include <stddef.h>

#include "arena.h"

typedef struct sl__resolve_opts {
    int platform_node;
    const char **externals;
    size_t nexternals;
} sl__resolve_opts;

typedef struct sl__resolver sl__resolver;

/* RES_NODE_ONLY: a node built-in (`fs`, `node:fs`) asked for on the browser
 * platform, where no file provides it: an error as esbuild makes it, with
 * a hint, unless the code catches the failure. */
enum { RES_FILE, RES_EXTERNAL, RES_BUILTIN, RES_NOT_FOUND, RES_NODE_ONLY };

/* A module a package's "browser" field maps to false resolves to this
 * prefix followed by what was disabled; it bundles as an empty module. */
#define SL_DISABLED_PREFIX "(disabled):"

sl__resolver *sl__resolver_new(const sl__resolve_opts *o);
void sl__resolver_free(sl__resolver *r);

/* Resolves spec imported from the file `from`.  RES_FILE sets *out to an
 * absolute, normalised path allocated in `a`. */
int sl__resolve(sl__resolver *r, const char *spec, const char *from, int is_require, sl__arena *a,
                const char **out);

/* After a RES_FILE answer that took a package's `module` field (an ES
 * build) for an import: the file its `main` field (else its index) gives,
 * which the graph uses instead when that file is bundled anyway; NULL
 * otherwise. */
const char *sl__resolver_alt(sl__resolver *r);

/* After an answer other than RES_FILE: why a package's "exports" or
 * "imports" refused the target it gave (the package.json, the target and
 * the reason, as node and esbuild say), or NULL. */
const char *sl__resolver_why(sl__resolver *r);

/* A package.json that does not parse, met by the calls since the last
 * call of this one (which forgets it): its diagnostic (file:line:col,
 * the line, a caret), or NULL.  The answer those calls gave read it as
 * no package.json; the caller fails the build with this. */
const char *sl__resolver_bad_package(sl__resolver *r);

/* MF_NODE_MODE / MF_NO_SIDE_EFFECTS from the nearest package.json and the
 * extension (js_ast.h flags). */
unsigned sl__resolver_file_flags(sl__resolver *r, const char *path);

/* The tsconfig.json that applies to the file at path (tsconfig.h); NULL: none. */
struct sl__tsconfig;
const struct sl__tsconfig *sl__resolver_tsconfig(sl__resolver *r, const char *path);

/* Lexical normalisation of an absolute path (`//`, `.`, `..`), in a. */
char *sl__path_normalize(sl__arena *a, const char *path);

/* Absolute, normalised form of a path given on the command line. */
char *sl__path_absolute(const char *path);

#endif
