/*
 * js_lower.h - TypeScript and JSX to JavaScript, on the tree.
 *
 * The parser already dropped what has no run-time meaning (types,
 * interfaces, `declare`, overloads).  What remains is rewritten here the
 * way tsc emits it: enums and namespaces become the IIFEs tsc writes,
 * exported namespace variables become `N.x`, const enum members are
 * inlined, parameter properties and class fields follow
 * useDefineForClassFields, auto-accessors become a private field and a
 * getter/setter, experimentalDecorators become `__decorate` calls, and
 * `import x = require()` / `export =` become CommonJS.  JSX elements
 * become calls of the classic factory or of the automatic runtime.
 *
 * sl__js_transform runs the whole pipeline after the parse:
 * bind -> TypeScript -> JSX -> bind -> unused-import elision -> bind.
 */
#ifndef SL_JS_LOWER_H
#define SL_JS_LOWER_H

#include "js_ast.h"

enum js_jsx_mode { JSX_CLASSIC, JSX_AUTOMATIC, JSX_PRESERVE };

typedef struct js_lower_opts {
    uint8_t use_define_for_class_fields; /* 1: class fields keep define semantics (tsc for ES2022+) */
    uint8_t experimental_decorators;     /* legacy TypeScript decorators (__decorate) */
    uint8_t verbatim_module_syntax;      /* keep every import that is not `type` */
    uint8_t jsx;                         /* enum js_jsx_mode */
    uint8_t jsx_dev;                     /* automatic runtime: jsxDEV from react/jsx-dev-runtime */
    const char *jsx_factory;             /* classic; default React.createElement */
    const char *jsx_fragment;            /* classic; default React.Fragment */
    const char *jsx_import_source;       /* automatic; default react */
} js_lower_opts;

/* Defaults: define semantics, no experimental decorators, classic JSX with React. */
js_lower_opts sl__js_lower_defaults(void);

/* The TypeScript part (needs a bound tree; leaves it unbound). Returns 0, or -1 with a message. */
int sl__ts_lower(js_ast *ast, const js_lower_opts *o, char *err, size_t errlen);
/* The JSX part (any tree). Returns 0, or -1 with a message (a bad entity never fails; unknown ones stay text;
 * a `@jsx`/`@jsxFrag` comment that names no factory fails, at its position in the file). */
int sl__jsx_lower(js_ast *ast, const js_lower_opts *o, char *err, size_t errlen);
/* Where the value of a `@jsxImportSource` comment is, + 1, when the classic
 * runtime is in effect for the file (options, tsconfig and its own
 * `@jsxRuntime`), which has no use for it: esbuild warns there.  0 if not. */
uint32_t sl__jsx_source_ignored(const js_ast *ast, const js_lower_opts *o);
/* 1 when s can be a JSX factory or fragment: a name, or a dotted path of names (`h`, `React.createElement`),
 * as tsc and esbuild require; `h-x`, `1F`, `a..b`, `class` are not. */
int sl__jsx_name_ok(const char *s);
/* Drops imports whose bindings nothing reads (tsc's elision; not under verbatimModuleSyntax). Needs a bound tree. */
void sl__ts_elide_imports(js_ast *ast, const js_lower_opts *o);

/* The whole pipeline after sl__js_parse_program; is_ts says whether the file was TypeScript. */
int sl__js_transform(js_ast *ast, int is_ts, const js_lower_opts *o, char *err, size_t errlen);

#endif
