/*
 * linker.h - from a module graph to a plan for one output file.
 *
 * Decides each module's form (scope-hoisted ESM, CommonJS wrapped in a
 * lazy closure, JSON), the evaluation order (depth-first post-order over
 * static imports in source order, as ECMAScript evaluates a module graph,
 * cycles included), the final name of every top-level symbol (renamed only
 * on collision), and what every import binding becomes: the exporting
 * module's variable itself (so bindings are live), a member of a CommonJS
 * interop object, or a namespace object.  The printer then only copies.
 */
#ifndef SL_BUNDLE_LINKER_H
#define SL_BUNDLE_LINKER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "graph.h"

enum { FMT_IIFE, FMT_CJS, FMT_ESM };
enum { MK_ESM, MK_CJS, MK_JSON };
enum { EV_ESM, EV_CJS_INIT, EV_JSON_INIT, EV_LAZY_BEGIN, EV_LAZY_END };

typedef struct sl__link_opts {
    int format;
    int platform_node;
    const char *global_name;
    const char *global_assign; /* the text before the IIFE: `var NAME = ` (bundle.c, set_global_name) */
    int sourcemap;
    int tree_shake;
} sl__link_opts;

typedef struct sl__eval {
    uint8_t type;
    int32_t mod;
} sl__eval;

/* One entry of a namespace object: the exported name and the text that
 * reads its variable (a getter returns it). */
typedef struct sl__ns_entry {
    const char *name, *text;
} sl__ns_entry;

/* A warning about code the bundle may not run as the source runs:
 * module `mod`, byte offset `pos`. */
typedef struct sl__link_warning {
    int32_t mod;
    uint32_t pos;
    const char *msg;
} sl__link_warning;

typedef struct sl__external {
    const char *spec;
    const char *name; /* the variable holding its namespace */
    int bare;         /* imported only for its side effects: no name is read */
} sl__external;

typedef struct sl__link {
    sl__graph *g;
    const sl__link_opts *o;
    int32_t entry;
    sl__arena a;
    uint8_t *kind;        /* MK_ per module */
    uint8_t *reached;     /* part of this output */
    sl__eval *evs;        /* evaluation order */
    size_t nevs;
    int32_t *cjs_order;   /* CommonJS closures to define, in first-use order */
    size_t ncjs;
    const char **require_name; /* CJS / required JSON: require_x */
    const char **interop[2];   /* [babel, node] interop var per CJS module */
    const char **ns_name;      /* ESM module's namespace object, when named */
    const char **ns_expr;      /* how code reads it: ns_name, or ns_name() when built lazily */
    const char ***ns_cjs;      /* NULL-ended interop objects of `export *` from CommonJS or an external */
    int need_ns_lazy;
    uint8_t *ns_emitted;       /* ... and when it must exist at run time */
    const char **json_name;    /* JSON imported by ESM: its value */
    const char **lazy_name;    /* import()-only module: its init function */
    int need_lazy;
    int32_t *ns_list;          /* modules whose namespace object is emitted */
    size_t nns;
    sl__external *ext;
    size_t next, ext_cap;
    int need_cjs, need_toesm, need_ns, need_require;
    int need_tocjs; /* require() of an ES module: its namespace as CommonJS sees it (__toCJS) */
    int need_dirname; /* node, ESM output: CommonJS code reads __filename/__dirname */
    /* Browser, ESM or IIFE output: a wrapped CommonJS module names
     * `require` freely (a UMD's `typeof require === "function"`, a call
     * left to run time).  Its wrapper then takes a `require` parameter,
     * as node's module wrapper does: __require, the host's require where
     * there is one, else a function that throws (esbuild's __require). */
    int need_require_shim;
    const char **entry_exports; /* exported name, value expression pairs */
    size_t nentry_exports;
    int entry_ns_out; /* cjs, iife --global-name: the ES entry's namespace is the output's value */
    /* esm and cjs output of an ES entry: the externals its `export *`
     * reach (through ES modules), whose names node reads from them: the
     * output's `export * from "x"`, or `...require("x")` in cjs output's
     * list of names for cjs-module-lexer */
    const char **entry_star_ext;
    size_t nentry_star_ext;
    /* What the printer writes for each identifier occurrence of an ES
     * module (NULL: leave it), and where the replaced text ends (past
     * `.name` when `ns.name` becomes a variable).  Decided by the linker's
     * one rule for references (linker.c, occ_target). */
    const char ***occ_text;
    uint32_t **occ_end;
    sl__ns_entry **ns_entries; /* per module in ns_list */
    size_t *nns_entries;
    sl__link_warning *warnings;
    size_t nwarnings;
    size_t steps; /* export lookups and links followed (--stats; the work bound tests check it) */
    struct sl__binding **imp; /* per ES module, per import symbol: what it is bound to */
    int32_t **xtab;           /* per ES module: its export names, hashed */
    size_t *xcap;
} sl__link;

/* Returns 0, or -1 with a message in *err (malloc'd). */
/* 1 when module m reads `require` at run time: other than as the callee
 * of a require("x") the bundle resolves (typeof require, require.resolve,
 * require(x), a require of an external or a caught missing module). */
int sl__link_free_require(const js_module *m);

int sl__link_build(sl__link *L, sl__graph *g, int32_t entry, const sl__link_opts *o, char **err);
void sl__link_free(sl__link *L);


#endif
