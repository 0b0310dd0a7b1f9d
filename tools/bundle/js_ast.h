/*
 * js_ast.h - what parsing one module produces: its module record.
 *
 * The bundler's printer splices source ranges, so the record keeps the
 * source text and, instead of a full expression tree, the facts the later
 * phases need: the top-level statements (with byte ranges), the top-level
 * symbols, every occurrence of an identifier that binds to a top-level
 * symbol (after scope analysis), import records, import bindings and
 * exports.  All of it lives in the parsing worker's arena; nothing here is
 * freed one piece at a time.  The linker fills in the fields marked so.
 */
#ifndef SL_BUNDLE_JS_AST_H
#define SL_BUNDLE_JS_AST_H

#include <stddef.h>
#include <stdint.h>

enum js_sym_kind { SYM_VAR, SYM_LET, SYM_CONST, SYM_FUNCTION, SYM_CLASS, SYM_IMPORT };

typedef struct js_symbol {
    const char *name; /* NUL-terminated, in the arena; "" for a synthesized default */
    uint8_t kind;
    int32_t import_idx; /* SYM_IMPORT: index into imports */
    int32_t stmt;       /* the top-level statement that declares it */
    /* linker */
    const char *final_name;
    uint8_t live; /* tree shaking: reachable */
} js_symbol;

enum js_occ_flags {
    OCC_DECL = 1,      /* a binding position, not a read */
    OCC_SHORTHAND = 2, /* `{x}` in an object literal or pattern: print `x: y` */
    OCC_CALL = 4,      /* directly followed by `(` or a tagged template */
    OCC_MEMBER = 8,    /* followed by `.name`: mem_* say which name */
    OCC_MEM_CALL = 16, /* `x.name(` */
    OCC_WRITE = 32     /* the target of an assignment or update */
};

/* An identifier that binds to a top-level symbol. */
typedef struct js_occ {
    uint32_t pos, len;
    uint32_t sym;
    uint32_t stmt;
    uint32_t mem_start, mem_len; /* OCC_MEMBER: the property after the dot */
    uint8_t flags;
} js_occ;

enum js_rec_kind { IR_IMPORT, IR_EXPORT_FROM, IR_EXPORT_STAR, IR_REQUIRE, IR_DYNAMIC, IR_DEAD };

typedef struct js_import_rec {
    const char *spec;
    uint8_t kind;
    uint32_t pos, end; /* IR_REQUIRE / IR_DYNAMIC: the whole call expression */
    int32_t stmt;
    uint32_t spec_pos;  /* byte offset of the specifier, for messages */
    uint8_t caught;     /* IR_REQUIRE / IR_DYNAMIC: a failure is caught (a try block around it in its
                           function; for import(), awaited there or given .catch() or .then(f, g)), so
                           one that does not resolve is left to run time instead of an error (esbuild's
                           HandlesImportErrors) */
    /* resolver (in the worker) */
    const char *path;   /* absolute path, NULL when external */
    const char *alt;    /* path took a package's `module` field: its `main` file, used instead when bundled
                           anyway (sl__resolver_alt) */
    uint8_t builtin;    /* kept external: 1, or 2 for a node built-in (importing one alone does nothing) */
    /* linker */
    int32_t module;     /* index in the module table, -1 external */
} js_import_rec;

typedef struct js_import_binding {
    uint32_t sym;
    uint32_t rec;
    const char *imported; /* "default", "*" or the exported name */
} js_import_binding;

typedef struct js_export {
    const char *name;     /* the exported name */
    int32_t sym;          /* local symbol, or -1 for a re-export */
    int32_t rec;          /* re-export: the import record */
    const char *imported; /* re-export: the name in that module, "*" for `export * as` */
} js_export;

enum js_stmt_kind {
    S_OTHER,
    S_IMPORT,              /* removed */
    S_EXPORT_FROM,         /* export {..} from / export * from: removed */
    S_EXPORT_LIST,         /* export {..}: removed */
    S_EXPORT_DECL,         /* export var|let|const|function|class: prefix stripped */
    S_EXPORT_DEFAULT_DECL, /* export default function f / class C: prefix stripped */
    S_EXPORT_DEFAULT_ANON, /* export default function () / class {}: named */
    S_EXPORT_DEFAULT_EXPR  /* export default expr: `const name = expr;` */
};

typedef struct js_stmt {
    uint32_t start, end; /* byte range including the trailing `;` */
    uint32_t body;       /* export forms: where the declaration or expression starts */
    uint32_t name_at;    /* S_EXPORT_DEFAULT_ANON: where to insert the name */
    int32_t default_sym; /* export default forms */
    uint32_t decl_first, decl_n; /* top-level symbols it declares (stmt_decls) */
    uint8_t kind;
    uint8_t pure;        /* no side effects when evaluated */
    uint8_t has_semi;    /* ends with `;` */
    uint8_t open_end;    /* ends where ASI ended it (no `;`): text printed after it must not continue it */
    uint8_t live;        /* linker: kept by tree shaking */
} js_stmt;

/* A replacement the parser decided on (--define). */
typedef struct js_patch {
    uint32_t pos, end;
    const char *text;
} js_patch;

/* A name `exports` or `module` the bundle renames in --format cjs output
 * (js_parse_opts.cjs_out), as esbuild does: node reads a CommonJS file's
 * export names with cjs-module-lexer, which takes every `exports.x =`,
 * `module.exports = {...}` or `Object.defineProperty(exports, "x", ...)`
 * anywhere in the text for the file's own, closures included.  `top`: the
 * name is free or bound at the module's top level, renamed only when the
 * module is printed in a CommonJS closure (whose parameters get the new
 * names); any other is bound in an inner scope and renamed wherever the
 * module is printed. */
typedef struct js_rename {
    uint32_t pos, end;
    uint8_t module;    /* `module`, else `exports` */
    uint8_t shorthand; /* `{exports}`: printed `exports: exports2` */
    uint8_t top;
} js_rename;

/* Code the bundle may not run as the source does (printed as
 * `file:line:column: warning: ...`, never fatal). */
typedef struct js_warning {
    uint32_t pos;
    const char *msg;
    uint8_t in_orig; /* pos is in orig_src (a lowered module's own text), not in src */
} js_warning;

enum js_module_flags {
    MF_ESM_SYNTAX = 1,   /* import/export statements or import.meta */
    MF_CJS_SYNTAX = 2,   /* free `module` or `exports` */
    MF_TLA = 4,          /* top-level await */
    MF_JSON = 8,
    MF_NODE_MODE = 16,   /* .mjs or "type": "module": default import of CJS is module.exports */
    MF_NO_SIDE_EFFECTS = 32, /* "sideEffects": false in its package.json */
    MF_LOWERED_ESM = 64, /* a TypeScript file whose exports lowering removed (`export type`): an ES module */
    MF_STRICT = 128, /* a "use strict" directive opens the file */
    MF_REQUIRE_VALUE = 256, /* a free `require` other than the callee of require("literal") */
    MF_CJS_ONLY = 512       /* a top-level `this` or `return`: it means something only as CommonJS */
};
/* Read as an ES module whatever else it uses: its `this` is undefined, a
 * top-level `return` is refused.  Any other file is CommonJS. */
#define MF_ES_MODULE (MF_ESM_SYNTAX | MF_TLA | MF_NODE_MODE | MF_LOWERED_ESM)

struct sl__omap_seg;

typedef struct js_module {
    const char *path;
    const char *src;
    size_t len;
    /* A TypeScript or JSX module: src is the JavaScript tools/js printed
     * from orig_src, and omap (sorted by offset in src) leads back to it. */
    const char *orig_src;
    size_t orig_len;
    const struct sl__omap_seg *omap;
    size_t nomap;
    uint32_t flags;
    uint32_t hashbang_end; /* bytes of the `#!` line, 0 if none */
    uint32_t tla_pos;      /* MF_TLA: where the first top-level await is, in src */

    js_stmt *stmts;
    size_t nstmts;
    uint32_t *stmt_decls;
    size_t nstmt_decls;
    js_symbol *syms;
    size_t nsyms;
    js_occ *occs; /* sorted by pos */
    size_t noccs;
    js_import_rec *recs;
    size_t nrecs;
    js_import_binding *imports;
    size_t nimports;
    js_export *exports;
    size_t nexports;
    uint32_t *stars; /* import records of `export * from` */
    size_t nstars;
    js_patch *patches; /* sorted by pos */
    size_t npatches;
    js_rename *renames; /* sorted by pos */
    size_t nrenames;
    const char *cjs_names[2]; /* what `exports` and `module` become (renames): no name the module uses */
    const char **free_names; /* distinct unbound names it reads */
    size_t nfree_names;
    const char **nested_names; /* distinct names bound in inner scopes */
    size_t nnested_names;
    js_warning *warnings;
    size_t nwarnings;
} js_module;

#endif
