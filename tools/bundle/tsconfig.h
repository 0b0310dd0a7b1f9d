/*
 * tsconfig.h - tsconfig.json read as esbuild reads it: the nearest one
 * above each file, `extends` followed (relative paths and packages), and
 * only the fields that change what the bundle does (compilerOptions
 * baseUrl, paths, jsx*, useDefineForClassFields, verbatimModuleSyntax,
 * experimentalDecorators, target).
 *
 * tsconfig.json is JSONC: comments and trailing commas are blanked out
 * before the bundler's JSON reader sees the text.  One cache per resolver
 * (so per worker): no lock, a file read at most once per worker.
 */
#ifndef SL_BUNDLE_TSCONFIG_H
#define SL_BUNDLE_TSCONFIG_H

#include "arena.h"
#include "js_front.h"
#include "json.h"

typedef struct sl__tsconfig {
    const char *path;             /* the tsconfig.json file */
    const char *base_url;         /* compilerOptions.baseUrl, absolute or starting "${configDir}"; NULL: unset */
    const char *paths_base;       /* the directory `paths` targets are relative to */
    const json_value *paths;      /* compilerOptions.paths (an object); NULL: none */
    sl__lower_cfg lower;          /* -1 / NULL where unset */
    const char *error;            /* "file: message" when it (or what it extends) is broken */
} sl__tsconfig;

typedef struct sl__tsconfigs sl__tsconfigs;

sl__tsconfigs *sl__tsconfigs_new(void);
void sl__tsconfigs_free(sl__tsconfigs *c);

/* The tsconfig.json that applies to files in dir: the nearest at or above
 * it, not looking past the root of a package inside node_modules.  NULL
 * when there is none.  Valid for the cache's lifetime. */
const sl__tsconfig *sl__tsconfig_for(sl__tsconfigs *c, const char *dir);

/* TypeScript 5.5's template for the directory of the config in use. */
#define SL_TSCONFIG_DIR_VAR "${configDir}"

/* p with a leading "${configDir}" replaced by the directory of tc's own
 * file (the config the importing file uses, wherever in its `extends`
 * chain the value was written); p itself otherwise. */
const char *sl__tsconfig_expand(const sl__tsconfig *tc, sl__arena *a, const char *p);

/* The config in text (the file at path, for messages and relative paths;
 * `extends` is followed on disk).  For the fuzzer and tests. */
const sl__tsconfig *sl__tsconfig_parse(sl__tsconfigs *c, const char *path, const char *text, size_t n);

#endif
